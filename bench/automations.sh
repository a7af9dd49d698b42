#!/usr/bin/env bash
# One automations pass over TICKETS open tickets (issue 14's goal: 100,000
# under 2 s), timed by `frontline automations run` itself (the pass, not
# the process's start), with the four default automations active:
#
#   (a) quiet: nothing is due — every clock started ten minutes ago — the
#       pass every five minutes of a desk at rest: it reads every ticket's
#       row and clocks and evaluates them in C, loading none;
#   (b) due: the same with DUE pending tickets past 5 business days, which
#       the pass solves (one write each, with its public note and the
#       triggers', SLA's and routing's hooks) — what a busy pass costs;
#   (c) ceiling: sqlite3 reading the same rows (the tickets not closed and
#       their clocks) and summing them, in the same run: the pass's ratio
#       to it says how much of it is more than reading.
#
# The desk: an admin, TICKETS tickets seeded through the store's insert
# path (bench/lib/sla_desk.sh), a fifth of each status new, open, pending,
# hold and solved, none urgent, created over the last 30 days; no
# business-hours schedule (the built-in Monday–Friday 09:00–17:00 UTC).
#
#   bench/automations.sh [BIN]        (default build/frontline, `make build`)
#
# Environment: TICKETS=100000, RUNS=3 (quiet passes; the best and worst are
# printed), DUE=1000, KEEP_DATA=1 keeps the data folder. SQLite only.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-3}
DUE=${DUE:-1000}
DAY=86400
NAME=automations
. bench/lib/sla_desk.sh
seed_desk

NOW=$(date +%s)
log "shaping the tickets and their clocks"
sqlite3 -bail "$DB" <<SQL
BEGIN;
UPDATE tickets
SET status = id % 5, solved_at = NULL, priority = 1 + id % 3,
	created_at = $NOW - 30 * $DAY + (id - (SELECT MIN(id) FROM tickets))
	* (30 * $DAY - 60) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
UPDATE tickets SET updated_at = $NOW - 600, updated_stamp = ($NOW - 600) * 1000;
DELETE FROM ticket_clocks;
INSERT INTO ticket_clocks (ticket_id, status_at) SELECT id, $NOW - 600 FROM tickets;
COMMIT;
SQL

now_iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
PASS_AT=$(now_iso "$NOW")

pass() {
	"$BIN" automations run --data "$WORK" --now "$1" 2>/dev/null
}
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }

log "(a) quiet passes"
best= worst=
for _ in $(seq "$RUNS"); do
	out=$(pass "$PASS_AT")
	s=$(field "$out" seconds)
	[ "$(field "$out" fired)" = 0 ] || die "a quiet pass fired: $out"
	best=$(node -e "console.log(Math.min(${best:-Infinity}, $s))")
	worst=$(node -e "console.log(Math.max(${worst:-0}, $s))")
done
tickets=$(field "$out" tickets)

log "(c) the ceiling: sqlite3 reading the same rows"
t0=$(date +%s%N)
sqlite3 -bail "$DB" "SELECT COUNT(*), SUM(t.status + t.priority + t.type + t.channel + t.requester_id
	+ COALESCE(t.assignee_id, 0) + COALESCE(t.group_id, 0) + COALESCE(t.organization_id, 0)
	+ t.created_at + t.updated_at + COALESCE(c.status_at, 0) + COALESCE(c.assigned_at, 0)
	+ COALESCE(c.requester_updated_at, 0) + COALESCE(c.assignee_updated_at, 0))
	FROM tickets t LEFT JOIN ticket_clocks c ON c.ticket_id = t.id
	WHERE t.deleted_at IS NULL AND t.status < 5" >/dev/null
ceiling=$(node -e "console.log(((($(date +%s%N)) - $t0) / 1e9).toFixed(3))")

log "(b) a pass with $DUE pending tickets due to be solved"
sqlite3 -bail "$DB" "UPDATE ticket_clocks SET status_at = $NOW - 10 * $DAY
	WHERE ticket_id IN (SELECT id FROM tickets WHERE status = 2 ORDER BY id LIMIT $DUE);"
due=$(pass "$PASS_AT")
[ "$(field "$due" fired)" -ge "$DUE" ] || die "the busy pass did not solve them: $due"

node -e '
const [tickets, best, worst, ceiling, due] = process.argv.slice(1);
const d = JSON.parse(due);
const r = (x) => Math.round(x).toLocaleString("en");
console.log(`automations pass over ${r(tickets)} open tickets (4 default automations)`);
console.log(`  (a) quiet: best ${best} s, worst ${worst} s: ${r(tickets / best)} tickets/s (goal < 2 s)`);
console.log(`  (c) ceiling (sqlite3 reading the rows): ${ceiling} s; the pass is ${(best / ceiling).toFixed(1)}x it`);
console.log(`  (b) with ${r(d.fired)} firings: ${d.seconds} s (${r(d.candidates)} tickets loaded), ` +
	`${(1000 * (d.seconds - best) / d.fired).toFixed(2)} ms a firing`);
' "$tickets" "$best" "$worst" "$ceiling" "$due"
