#!/usr/bin/env bash
# The SLA what-if over a desk's last 90 days: how long
# POST /api/v2/slas/policies/simulate takes to replay TICKETS tickets
# (issue 13's goal: 100,000 tickets in under 5 s).
#
# Starts BIN (a release build) with a temporary SQLite data folder, seeds
# TICKETS tickets through the store's insert path (bench/tickets.mjs piped
# into `frontline seed`), spreads their creation over the last 90 days and
# gives each an SLA timeline with sqlite3 (audits are appended, never
# rewritten): its creation with the requester's comment; nine in ten an
# agent's public reply from a minute to 16 hours later, which opens the
# ticket; of those, six in ten solved up to two days after. Then two
# policies — e-mail tickets in a Kyiv office's business hours, the rest
# in calendar time — and the what-if of a tighter calendar first reply,
# RUNS times in a row.
#
#   bench/sla_whatif.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: TICKETS=100000, RUNS=5; KEEP_DATA=1 keeps the data folder
# (its path is printed) for a profiler. Prints the replay's throughput
# (tickets a second), its latency (p50, p90, worst), and the ratio of the
# p50 to a ceiling measured in the same run on the same data: sqlite3
# reading the rows every replay must read (the tickets of the 90 days
# joined to their audits' status and comment events), the floor no replay
# can go under. Only http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-5}
DAY=86400
NAME=sla_whatif
. bench/lib/sla_desk.sh
seed_desk

NOW=$(date +%s)
log "writing their timelines"
sqlite3 -bail "$DB" <<SQL
BEGIN;
-- created over the last 90 days, the newest an hour ago
UPDATE tickets
SET created_at = $NOW - 90 * $DAY + (id - (SELECT MIN(id) FROM tickets))
	* (90 * $DAY - 3600) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
UPDATE comments SET created_at = (SELECT created_at FROM tickets t WHERE t.id = comments.ticket_id);
-- the creation: status new and the requester's public comment
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT id, requester_id, channel, created_at FROM tickets ORDER BY id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 0, 'status', 'new', NULL, NULL FROM audits a ORDER BY a.id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 2, 'public', NULL, NULL, c.id
FROM audits a JOIN comments c ON c.ticket_id = a.ticket_id AND c.seq = 1 ORDER BY a.id;
-- nine in ten answered by an agent, opening the ticket
INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body, channel, created_at)
SELECT t.id, 2, (SELECT MIN(id) FROM users WHERE role = 2), 1, 'On it.', '<p>On it.</p>', t.channel,
	MIN(t.created_at + 60 + (t.id * 7919) % (16 * 3600), $NOW)
FROM tickets t WHERE t.id % 10 != 0;
CREATE TEMP TABLE replies AS
SELECT c.id AS comment_id, c.ticket_id, c.author_id, c.channel, c.created_at FROM comments c WHERE c.seq = 2;
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT ticket_id, author_id, channel, created_at FROM replies ORDER BY ticket_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 1, 'status', 'open', 'new', NULL
FROM audits a JOIN replies r ON r.ticket_id = a.ticket_id AND a.author_id = r.author_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 2, 'public', NULL, NULL, r.comment_id
FROM audits a JOIN replies r ON r.ticket_id = a.ticket_id AND a.author_id = r.author_id;
-- six in ten of those solved later
CREATE TEMP TABLE solves AS
SELECT ticket_id, author_id, channel, MIN(created_at + 600 + (ticket_id * 104729) % (2 * $DAY), $NOW) AS at
FROM replies WHERE ticket_id % 10 < 6;
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT ticket_id, author_id, channel, at FROM solves ORDER BY ticket_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 1, 'status', 'solved', 'open', NULL
FROM audits a JOIN solves s ON s.ticket_id = a.ticket_id AND a.created_at = s.at
WHERE a.id > (SELECT MAX(id) FROM audits) - (SELECT COUNT(*) FROM solves);
UPDATE tickets SET priority = 1 + id % 4 WHERE priority = 0;
COMMIT;
SQL

start_server
targets() { # first reply $1 min, requester wait $2 min, in business hours $3
	local out= p
	for p in low normal high urgent; do
		out="$out{\"priority\":\"$p\",\"metric\":\"first_reply_time\",\"target\":$1,\"business_hours\":$3},"
		out="$out{\"priority\":\"$p\",\"metric\":\"requester_wait_time\",\"target\":$2,\"business_hours\":$3},"
	done
	echo "[${out%,}]"
}
SCHEDULE=$(api POST /api/v2/business_hours/schedules '{"schedule":{"name":"Kyiv office","time_zone":"Europe/Kyiv"}}' |
	node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).schedule.id))')
api POST /api/v2/slas/policies "{\"sla_policy\":{\"title\":\"E-mail in office hours\",\"schedule_id\":$SCHEDULE,
	\"filter\":{\"all\":[{\"field\":\"via\",\"operator\":\"is\",\"value\":\"email\"}]},
	\"policy_metrics\":$(targets 240 960 true)}}" >/dev/null
POLICY=$(api POST /api/v2/slas/policies "{\"sla_policy\":{\"title\":\"Everything else\",
	\"policy_metrics\":$(targets 480 1440 false)}}" |
	node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).sla_policy.id))')
BODY="{\"sla_policy\":{\"id\":$POLICY,\"policy_metrics\":$(targets 120 1440 false)},\"days\":90}"

# the ceiling: the rows every replay reads, read by sqlite3 alone
SINCE=$((NOW - 90 * DAY))
t0=$(date +%s%N)
ROWS=$(sqlite3 "$DB" "SELECT COUNT(*), SUM(length(t.subject)) FROM tickets t
	JOIN audits au ON au.ticket_id = t.id JOIN audit_events e ON e.audit_id = au.id
	LEFT JOIN comments c ON c.id = e.comment_id LEFT JOIN users u ON u.id = c.author_id
	WHERE t.created_at >= $SINCE AND t.deleted_at IS NULL
	  AND ((e.kind IN (0, 1) AND e.field = 'status') OR (e.kind = 2 AND e.field = 'public'))" | cut -d'|' -f1)
CEIL_MS=$((($(date +%s%N) - t0) / 1000000))

MS=()
for _ in $(seq "$RUNS"); do
	OUT=$(curl -fsS -o "$WORK/sim.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' --data "$BODY" "$BASE/api/v2/slas/policies/simulate") ||
		die "the what-if failed: $(cat "$WORK/sim.json" 2>/dev/null)"
	MS+=("$OUT")
done
node -e '
const [tickets, rows, ceilMs, simFile, ...secs] = process.argv.slice(1);
const sim = JSON.parse(require("fs").readFileSync(simFile, "utf8")).simulation;
const ms = secs.map((s) => Number(s) * 1000).sort((a, b) => a - b);
const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
const frt = sim.metrics.find((m) => m.metric === "first_reply_time");
console.log(`what-if over ${sim.tickets} tickets (${sim.days} days, ${rows} timeline rows), ${ms.length} runs:`);
console.log(`  throughput ${Math.round(sim.tickets / (at(0.5) / 1000))} tickets/s`);
console.log(`  latency p50 ${Math.round(at(0.5))} ms, p90 ${Math.round(at(0.9))} ms, worst ${Math.round(ms.at(-1))} ms`);
console.log(`  ceiling: sqlite3 reading the same rows ${ceilMs} ms; p50 is ${(at(0.5) / ceilMs).toFixed(1)}× that`);
console.log(`  goal 5000 ms: p50 is ${(at(0.5) / 5000 * 100).toFixed(0)} % of it`);
console.log(`  (first reply breached ${frt.breached_before} → ${frt.breached_after}; ${sim.flips_count} flips; ` +
	`${sim.unmeasured} unmeasured; no promise ${sim.no_promise_before} → ${sim.no_promise_after})`);
' "$TICKETS" "$ROWS" "$CEIL_MS" "$WORK/sim.json" "${MS[@]}"
