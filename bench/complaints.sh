#!/usr/bin/env bash
# The complaints report over a desk's last 90 days: how long
# GET /api/v2/complaints/report takes over TICKETS tickets of which one in
# five is a complaint, by month and by week, its CSV, and what a ticket's
# show costs with the complaint column on its row.
#
# Starts BIN (a release build) with a temporary SQLite data folder, seeds
# TICKETS tickets through the store's insert path (bench/tickets.mjs piped
# into `frontline seed`), spreads their creation over the last 90 days,
# and writes with sqlite3 what agents would have: one ticket in five a
# complaint (the five seeded reasons in turn, a product in a custom field),
# two in three of those answered in public once by an agent, one in seven
# a second time, one in two solved. Then RUNS requests of each kind in a
# row.
#
#   bench/complaints.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: TICKETS=100000, RUNS=5; KEEP_DATA=1 keeps the data folder.
# Prints each request's latency (p50, p90, worst) and the report's totals
# (which the numbers above fix: a check that it counted what was written).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-5}
DAY=86400
NAME=complaints
. bench/lib/sla_desk.sh
seed_desk

NOW=$(date +%s)
log "marking complaints"
sqlite3 -bail "$DB" <<SQL
BEGIN;
UPDATE tickets
SET created_at = $NOW - 90 * $DAY + (id - (SELECT MIN(id) FROM tickets))
	* (90 * $DAY - 3600) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
UPDATE tickets
SET complaint_reason_id = id % 5 + 1,
	custom_fields = json_array(json_object('id', 7, 'value', 'Product ' || (id % 12))),
	status = CASE WHEN id % 2 = 0 THEN 4 ELSE 1 END
WHERE id % 5 = 0;
INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body, channel, created_at)
SELECT id, 2, (SELECT id FROM users WHERE email = 'bench@example.com'),
	1, 'We are on it.', '<p>We are on it.</p>', 2, created_at + 600
FROM tickets WHERE id % 5 = 0 AND id % 3 != 0;
INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body, channel, created_at)
SELECT id, 3, (SELECT id FROM users WHERE email = 'bench@example.com'),
	1, 'Done.', '<p>Done.</p>', 2, created_at + 1200
FROM tickets WHERE id % 5 = 0 AND id % 3 != 0 AND id % 7 = 0;
COMMIT;
ANALYZE;
SQL

start_server
api PUT /api/v2/complaints/settings '{"settings": {"product_field_id": 7}}' >/dev/null
FROM=$(date -u -d "@$((NOW - 89 * DAY))" +%F)
TO=$(date -u -d "@$NOW" +%F)
SHOW=$(sqlite3 "$DB" "SELECT id FROM tickets WHERE id % 5 = 0 ORDER BY id DESC LIMIT 1")

time_of() { # path: RUNS latencies in seconds, one a line
	local out
	for _ in $(seq "$RUNS"); do
		out=$(curl -fsS -o "$WORK/out" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
			"$BASE$1") || die "$1 failed: $(cat "$WORK/out" 2>/dev/null)"
		echo "$out"
	done
}
R=/api/v2/complaints/report
{
	echo "report period=month $(time_of "$R?from=$FROM&to=$TO&period=month" | tr '\n' ' ')"
	echo "report period=week $(time_of "$R?from=$FROM&to=$TO&period=week" | tr '\n' ' ')"
	echo "report.csv period=month $(time_of "$R.csv?from=$FROM&to=$TO" | tr '\n' ' ')"
	echo "ticket show $(time_of "/api/v2/tickets/$SHOW" | tr '\n' ' ')"
	echo "search complaint:true $(time_of "/api/v2/search/count?query=complaint%3Atrue" | tr '\n' ' ')"
} >"$WORK/times"
curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$R?from=$FROM&to=$TO" >"$WORK/report.json"
node -e '
const fs = require("fs");
const [file, repFile, tickets] = process.argv.slice(1);
const rep = JSON.parse(fs.readFileSync(repFile, "utf8")).complaints_report;
console.log(`complaints over ${tickets} tickets (${rep.from} to ${rep.to}):`);
for (const line of fs.readFileSync(file, "utf8").trim().split("\n")) {
	const parts = line.trim().split(/\s+/);
	const secs = parts.filter((p) => /^[0-9.]+$/.test(p));
	const what = parts.slice(0, parts.length - secs.length).join(" ");
	const ms = secs.map((s) => Number(s) * 1000).sort((a, b) => a - b);
	const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
	console.log(`  ${what}: p50 ${Math.round(at(0.5))} ms, p90 ${Math.round(at(0.9))} ms, worst ${Math.round(ms.at(-1))} ms`);
}
console.log(`  ${rep.complaints} complaints, ${rep.solved} solved, ${rep.first_contact} at first contact (${rep.first_contact_share}),` +
	` ${rep.by_reason.length} reasons, ${rep.by_product.length} products, ${rep.by_period.length} months`);
' "$WORK/times" "$WORK/report.json" "$TICKETS"
