#!/usr/bin/env bash
# The SLA compliance report over a desk's last 90 days: how long
# GET /api/v2/slas/reports/compliance takes over TICKETS tickets, for each
# grouping (policy, metric, group, agent, tier, channel), and the first
# page of the breached tickets.
#
# Starts BIN (a release build) with a temporary SQLite data folder, seeds
# TICKETS tickets through the store's insert path (bench/tickets.mjs piped
# into `frontline seed`), spreads their creation over the last 90 days,
# and writes with sqlite3 what each ticket's SLA was last measured as —
# the rows sla/refresh.c keeps (ticket_slas, ticket_sla_metrics), which is
# all the report reads: nine in ten under one of two policies, each with a
# first reply (achieved, else breached one in five, else still running)
# and, for six in ten, a total resolution; one in ten under no policy.
# Then RUNS requests of each kind in a row.
#
#   bench/sla_report.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: TICKETS=100000, RUNS=5; KEEP_DATA=1 keeps the data folder.
# Prints each report's latency (p50, p90, worst) and, for by=group, the
# ratio of its p50 to sqlite3 running the same grouped query on the same
# file: the floor no server can go under. Only http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-5}
DAY=86400
NAME=sla_report
. bench/lib/sla_desk.sh
seed_desk

NOW=$(date +%s)
log "writing their measured SLAs"
sqlite3 -bail "$DB" <<SQL
BEGIN;
UPDATE tickets
SET created_at = $NOW - 90 * $DAY + (id - (SELECT MIN(id) FROM tickets))
	* (90 * $DAY - 3600) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
INSERT INTO sla_policies (id, title, description, position, filter_json, schedule_id, created_at, updated_at)
VALUES (9001, 'E-mail', '', 1, '{}', NULL, $NOW, $NOW), (9002, 'Everything else', '', 2, '{}', NULL, $NOW, $NOW);
INSERT INTO ticket_slas (ticket_id, policy_id, next_breach_at, next_event_at, measured_at)
SELECT id, CASE WHEN id % 10 = 0 THEN NULL WHEN channel = 1 THEN 9001 ELSE 9002 END, NULL, NULL, $NOW
FROM tickets;
INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
	achieved_at, used, cycles, breaches)
SELECT ticket_id, 'first_reply_time', policy_id, 0, 14400,
	CASE WHEN ticket_id % 7 = 0 THEN 'active' WHEN ticket_id % 5 = 0 THEN 'breached' ELSE 'achieved' END,
	CASE WHEN ticket_id % 7 != 0 AND ticket_id % 5 = 0 THEN measured_at - ticket_id % $DAY END,
	CASE WHEN ticket_id % 7 != 0 AND ticket_id % 5 != 0 THEN measured_at - ticket_id % $DAY END,
	ticket_id % 20000, 1, CASE WHEN ticket_id % 7 != 0 AND ticket_id % 5 = 0 THEN 1 ELSE 0 END
FROM ticket_slas WHERE policy_id IS NOT NULL;
INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
	achieved_at, used, cycles, breaches)
SELECT ticket_id, 'total_resolution', policy_id, 0, 172800,
	CASE WHEN ticket_id % 3 = 0 THEN 'breached' ELSE 'achieved' END,
	CASE WHEN ticket_id % 3 = 0 THEN measured_at - ticket_id % $DAY END,
	CASE WHEN ticket_id % 3 != 0 THEN measured_at - ticket_id % $DAY END,
	ticket_id % 200000, 1, CASE WHEN ticket_id % 3 = 0 THEN 1 ELSE 0 END
FROM ticket_slas WHERE policy_id IS NOT NULL AND ticket_id % 10 < 6;
COMMIT;
ANALYZE;
SQL

start_server
FROM=$(date -u -d "@$((NOW - 89 * DAY))" +%F)
TO=$(date -u -d "@$NOW" +%F)

# the floor: the grouped query of by=group, by sqlite3 alone
t0=$(date +%s%N)
sqlite3 "$DB" "SELECT COALESCE(t.group_id, 0), m.metric,
	SUM(CASE WHEN m.stage = 'achieved' THEN 1 ELSE 0 END), SUM(CASE WHEN m.stage = 'breached' THEN 1 ELSE 0 END)
	FROM tickets t JOIN ticket_sla_metrics m ON m.ticket_id = t.id
	WHERE t.created_at >= $((NOW / DAY * DAY - 89 * DAY)) AND t.created_at < $((NOW / DAY * DAY + DAY))
	  AND t.deleted_at IS NULL AND m.stage IN ('achieved', 'breached')
	GROUP BY 1, 2" >/dev/null
CEIL_MS=$((($(date +%s%N) - t0) / 1000000))

time_of() { # path: RUNS latencies in seconds, one a line
	local out
	for _ in $(seq "$RUNS"); do
		out=$(curl -fsS -o "$WORK/out" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
			"$BASE$1") || die "$1 failed: $(cat "$WORK/out" 2>/dev/null)"
		echo "$out"
	done
}
REPORT=/api/v2/slas/reports
{
	for by in policy metric group agent tier channel; do
		echo "compliance by=$by $(time_of "$REPORT/compliance?from=$FROM&to=$TO&by=$by" | tr '\n' ' ')"
	done
	echo "compliance.csv by=group $(time_of "$REPORT/compliance.csv?from=$FROM&to=$TO&by=group" | tr '\n' ' ')"
	echo "breaches page[size]=100 $(time_of "$REPORT/breaches?from=$FROM&to=$TO&page%5Bsize%5D=100" | tr '\n' ' ')"
} >"$WORK/times"
curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$REPORT/compliance?from=$FROM&to=$TO&by=metric" \
	>"$WORK/metric.json"
node -e '
const fs = require("fs");
const [file, metricFile, ceilMs, tickets] = process.argv.slice(1);
const rep = JSON.parse(fs.readFileSync(metricFile, "utf8")).sla_compliance;
console.log(`compliance over ${tickets} tickets (${rep.from} to ${rep.to}):`);
for (const line of fs.readFileSync(file, "utf8").trim().split("\n")) {
	const [what, by, ...secs] = line.trim().split(/\s+/);
	const ms = secs.map((s) => Number(s) * 1000).sort((a, b) => a - b);
	const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
	let s = `  ${what} ${by}: p50 ${Math.round(at(0.5))} ms, p90 ${Math.round(at(0.9))} ms, worst ${Math.round(ms.at(-1))} ms`;
	if (what === "compliance" && by === "by=group")
		s += ` (sqlite3 alone: ${ceilMs} ms, p50 ${(at(0.5) / ceilMs).toFixed(1)}× that)`;
	console.log(s);
}
for (const r of rep.rows)
	console.log(`  ${r.metric}: ${r.measured} measured, ${r.breached} breached, compliance ${r.compliance}`);
console.log(`  no promise: ${rep.no_promise.map((r) => r.tickets).join(", ")} tickets`);
' "$WORK/times" "$WORK/metric.json" "$CEIL_MS" "$TICKETS"
