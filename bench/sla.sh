#!/usr/bin/env bash
# SLA clocks at TICKETS open tickets (issue 13's goals): what keeping every
# ticket's SLA measured costs.
#
#   (a) recompute: every ticket measured again after a schedule change (the
#       working days' end moved by an hour) — the sla-recompute job's work,
#       timed end to end by `frontline sla recompute` (goal: 100,000
#       tickets under 2 s); the ceiling is sqlite3 reading the rows it must
#       read (the tickets and their timelines);
#   (b) tick: one scheduler tick with nothing due, `frontline sla tick`, its
#       own write transaction (goal: under 1 ms), p50 and p99 over TICKS;
#   (c) lists: the first page of GET /api/v2/tickets and of the all-open
#       queue with include=slas sorted by sla_next_breach_at, against the
#       same page without either (goal: as fast); req/s, p50, p99, ratio;
#   (d) writes: PUT /api/v2/tickets/{id} with an internal note on random
#       tickets, before any SLA policy exists and with policies applying to
#       every ticket (goal: not noticeably slower); the same figures.
#
# The desk: an admin and a token, TICKETS tickets seeded through the
# store's insert path (bench/tickets.mjs piped into `frontline seed`), all
# of them open — a third new, a third open after an agent's reply, a third
# pending after one — created over the last 30 days, each with its timeline
# in the audit trail (written with sqlite3); a Europe/Kyiv schedule
# (Monday to Friday 09:00–17:00) with Ukraine's public holidays of this
# year and the next; two policies — e-mail tickets in business hours with
# a warning 30 minutes before a breach, everything else in calendar time.
# The server measures every ticket once the policies exist (its
# sla-recompute job, timed too: "first measure"), before (c) and the second
# half of (d).
#
#   bench/sla.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: TICKETS=100000, RUNS=3 (recomputes), TICKS=2000,
# DURATION=10s and CONNECTIONS=8 (each wrk run), KEEP_DATA=1 keeps the data
# folder (its path is printed) for a profiler. SQLite only. Only
# http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-3}
TICKS=${TICKS:-2000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
DAY=86400
NAME=sla
. bench/lib/sla_desk.sh
command -v wrk >/dev/null || die "wrk not found (scripts/deps.sh bench)"
seed_desk

NOW=$(date +%s)
log "writing their timelines"
sqlite3 -bail "$DB" <<SQL
BEGIN;
-- all open, created over the last 30 days (the newest a minute ago), each
-- with a priority (a policy's targets are per priority)
UPDATE tickets
SET status = id % 3, solved_at = NULL, priority = 1 + id % 4,
	created_at = $NOW - 30 * $DAY + (id - (SELECT MIN(id) FROM tickets))
	* (30 * $DAY - 60) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
UPDATE tickets SET updated_at = created_at, updated_stamp = created_at * 1000;
UPDATE comments SET created_at = (SELECT created_at FROM tickets t WHERE t.id = comments.ticket_id);
-- the creation: status new and the requester's public comment
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT id, requester_id, channel, created_at FROM tickets ORDER BY id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 0, 'status', 'new', NULL, NULL FROM audits a ORDER BY a.id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 2, 'public', NULL, NULL, c.id
FROM audits a JOIN comments c ON c.ticket_id = a.ticket_id AND c.seq = 1 ORDER BY a.id;
-- two in three answered by an agent (up to 8 hours later), opening them
INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body, channel, created_at)
SELECT t.id, 2, (SELECT MIN(id) FROM users WHERE role = 2), 1, 'On it.', '<p>On it.</p>', t.channel,
	MIN(t.created_at + 60 + (t.id * 7919) % (8 * 3600), $NOW)
FROM tickets t WHERE t.status != 0;
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
-- half of those then waiting for the customer, a minute after the reply
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT r.ticket_id, r.author_id, r.channel, r.created_at + 60
FROM replies r JOIN tickets t ON t.id = r.ticket_id WHERE t.status = 2 ORDER BY r.ticket_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 1, 'status', 'pending', 'open', NULL
FROM audits a JOIN replies r ON r.ticket_id = a.ticket_id AND a.created_at = r.created_at + 60
WHERE a.id > (SELECT MAX(id) FROM audits) - (SELECT COUNT(*) FROM tickets WHERE status = 2);
UPDATE tickets SET updated_at = (SELECT MAX(created_at) FROM audits WHERE ticket_id = tickets.id),
	updated_stamp = 1000 * (SELECT MAX(created_at) FROM audits WHERE ticket_id = tickets.id);
COMMIT;
SQL

start_server --rate-limit 0
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(eval("JSON.parse(s)"+process.argv[1])))' "$1"; }

export BENCH_TOKEN=$TOKEN BENCH_MAX_ID=$MAX_ID BENCH_WRK_DIR=$PWD/bench/wrk
# Runs wrk with script $2 for DURATION; prints "rps p50_ms p99_ms" and
# fails on any non-2xx answer or socket error.
bench() {
	local out
	out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 60s -s "bench/wrk/$2.lua" "$BASE" | grep '^BENCH') ||
		die "wrk failed ($1)"
	echo "$out" | grep '^BENCH-FIRST-NON2XX' >&2 || true
	echo "$out" | grep '^BENCH ' | awk -v what="$1" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"] > 0) {
			print "sla: " what ": failed requests: " $0 > "/dev/stderr"; exit 1 }
		printf "%.0f %.2f %.2f\n", v["rps"], v["p50_us"] / 1000, v["p99_us"] / 1000 }'
}
# One line of the report: $1 what, $2 and $3 "rps p50 p99" of the
# measured run and of the one it is compared to.
line() {
	awk -v what="$1" -v a="$2" -v b="$3" 'BEGIN { split(a, x, " "); split(b, y, " ")
		printf "  %-34s %6d req/s, p50 %6.2f ms, p99 %7.2f ms; req/s %.2f× the other\n",
			what, x[1], x[2], x[3], x[1] / y[1] }'
}

# warm the reader connections and the page cache
wrk -t2 -c"$CONNECTIONS" -d2s -s bench/wrk/get_ticket.lua "$BASE" >/dev/null

log "(d) ticket writes, no SLA policy"
W0=$(bench "writes, no policy" sla_comment)

log "the schedule and the policies; the server measures every ticket"
SCHEDULE=$(api POST /api/v2/business_hours/schedules \
	'{"schedule":{"name":"Kyiv office","time_zone":"Europe/Kyiv"}}' | field .schedule.id)
YEAR=$(date -u +%Y)
for y in "$YEAR" $((YEAR + 1)); do
	for d in 01-01 03-08 05-01 05-09 06-28 07-15 08-24 10-01 12-25; do
		api POST "/api/v2/business_hours/schedules/$SCHEDULE/holidays" \
			"{\"holiday\":{\"name\":\"Свято $d\",\"start_date\":\"$y-$d\",\"end_date\":\"$y-$d\"}}" >/dev/null
	done
done
targets() { # first reply $1 min, next reply $2, requester wait $3, in business hours $4
	local out= p
	for p in low normal high urgent; do
		out="$out{\"priority\":\"$p\",\"metric\":\"first_reply_time\",\"target\":$1,\"business_hours\":$4},"
		out="$out{\"priority\":\"$p\",\"metric\":\"next_reply_time\",\"target\":$2,\"business_hours\":$4},"
		out="$out{\"priority\":\"$p\",\"metric\":\"requester_wait_time\",\"target\":$3,\"business_hours\":$4},"
	done
	echo "[${out%,}]"
}
T0=$(date +%s%N)
api POST /api/v2/slas/policies "{\"sla_policy\":{\"title\":\"E-mail in office hours\",\"schedule_id\":$SCHEDULE,
	\"warning_minutes\":30, \"filter\":{\"all\":[{\"field\":\"via\",\"operator\":\"is\",\"value\":\"email\"}]},
	\"policy_metrics\":$(targets 240 480 2880 true)}}" >/dev/null
api POST /api/v2/slas/policies "{\"sla_policy\":{\"title\":\"Everything else\",
	\"policy_metrics\":$(targets 480 960 4320 false)}}" >/dev/null
# the recompute jobs the changes queued, done
for _ in $(seq 6000); do
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM jobs WHERE kind = 'sla-recompute' AND state IN (0, 1)")" = 0 ] && break
	sleep 0.1
done
FIRST_MS=$((($(date +%s%N) - T0) / 1000000))
MEASURED=$(sqlite3 "$DB" "SELECT COUNT(*) FROM ticket_slas WHERE policy_id IS NOT NULL")
[ "$MEASURED" -gt 0 ] || die "the server measured no ticket: $(tail -3 "$WORK/server.log")"

log "(d) ticket writes, a policy applying"
W1=$(bench "writes, policies" sla_comment)
log "(c) lists"
L0=$(BENCH_PATH="/api/v2/tickets?per_page=25" bench "list" sla_list)
L1=$(BENCH_PATH="/api/v2/tickets?per_page=25&include=slas&sort_by=sla_next_breach_at&sort_order=asc" bench "list, SLA" sla_list)
Q0=$(BENCH_PATH="/api/v2/queues/all-open/tickets" bench "queue" sla_list)
Q1=$(BENCH_PATH="/api/v2/queues/all-open/tickets?include=slas&sort=sla_next_breach_at" bench "queue, SLA" sla_list)
stop_server

log "(a) recompute, $RUNS times"
REC=()
for i in $(seq "$RUNS"); do
	# a schedule change first: the working days end an hour later, then
	# earlier again (what an admin's edit changes; the server, which would
	# queue the recompute itself, is stopped)
	sqlite3 "$DB" "UPDATE schedule_intervals SET end_minute = end_minute $([ $((i % 2)) = 1 ] && echo + || echo -) 60"
	REC+=("$("$BIN" sla recompute --data "$WORK" 2>/dev/null | field .seconds)")
done
# the ceiling: the rows every recompute reads, read by sqlite3 alone
t0=$(date +%s%N)
ROWS=$(sqlite3 "$DB" "SELECT COUNT(*), SUM(length(t.subject)) FROM tickets t
	JOIN audits au ON au.ticket_id = t.id JOIN audit_events e ON e.audit_id = au.id
	WHERE t.deleted_at IS NULL" | cut -d'|' -f1)
CEIL_MS=$((($(date +%s%N) - t0) / 1000000))

log "(b) $TICKS scheduler ticks"
"$BIN" sla tick --data "$WORK" >/dev/null 2>&1 # whatever came due since
TICK=$("$BIN" sla tick --data "$WORK" --times "$TICKS")

echo "SLA clocks at $TICKETS open tickets ($MEASURED under a policy; SQLite; wrk -c$CONNECTIONS -d$DURATION):"
node -e '
const [ceilMs, rows, firstMs, tick, ...secs] = process.argv.slice(1);
const s = secs.map(Number).sort((a, b) => a - b);
const p50 = s[Math.floor((s.length - 1) / 2)] * 1000;
const t = JSON.parse(tick);
console.log(`  (a) recompute, ${s.length} runs: p50 ${Math.round(p50)} ms, worst ${Math.round(s.at(-1) * 1000)} ms; ` +
	`goal 2000 ms (${(p50 / 20).toFixed(0)} %); ceiling (sqlite3 reading its ${rows} timeline rows) ${ceilMs} ms, ` +
	`p50 is ${(p50 / ceilMs).toFixed(1)}× that`);
console.log(`      first measure (the server'"'"'s job after the policies were made, from the first POST): ${firstMs} ms`);
console.log(`  (b) tick, nothing due, ${t.ticks} ticks: p50 ${(t.p50_us / 1000).toFixed(3)} ms, ` +
	`p99 ${(t.p99_us / 1000).toFixed(3)} ms, worst ${(t.max_us / 1000).toFixed(3)} ms; goal 1 ms (${t.refreshed} refreshed)`);
' "$CEIL_MS" "$ROWS" "$FIRST_MS" "$TICK" "${REC[@]}"
echo "  (c) lists, first page of 25:"
line "tickets" "$L0" "$L0"
line "tickets include=slas, by breach" "$L1" "$L0"
line "all-open queue" "$Q0" "$Q0"
line "all-open include=slas, by breach" "$Q1" "$Q0"
echo "  (d) ticket writes (an internal note):"
line "no SLA policy" "$W0" "$W0"
line "policies applying" "$W1" "$W0"
