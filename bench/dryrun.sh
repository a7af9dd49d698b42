#!/usr/bin/env bash
# The trigger dry run over a month of a large desk (issue 14's goal: a dry
# run over 30 days of 100,000 tickets under 5 s): POST
# /api/v2/triggers/dry_run with days=30, RUNS times for each of three
# realistic unsaved triggers —
#
#   status  a status change: the status changed to pending (adds a tag);
#           reads the audits' events and the tickets' tags;
#   words   words in the comment: "invoice" or "refund" (priority high);
#           reads every update's comment too;
#   tags    on tags: a VIP's ticket not closed (priority urgent, a tag);
#
# and a trivial one (status is closed: it matches nothing and reads no tag
# nor comment) — the engine's floor: the scan and the replay alone. The
# ceiling is sqlite3 reading the rows the heaviest run reads (the same
# SELECT, comments and tags joined), measured in the same run. Prints,
# for each, p50 and p95 of the request's time, the tickets and updates it
# replayed per second, what it found, and the ratio of its p50 to the
# ceiling and to the goal.
#
# The desk: an admin, TICKETS tickets seeded through the store
# (bench/tickets.mjs piped into `frontline seed`), created over the last
# 30 days, each with its timeline in the audit trail (written with
# sqlite3): created new with the requester's comment; two in three
# answered by an agent (open) up to 8 hours later; half of those pending a
# minute after. About 2 updates a ticket, every one in the window.
#
#   bench/dryrun.sh [BIN]        (default build/frontline)
#
# Environment: TICKETS=100000, RUNS=5, KEEP_DATA=1 keeps the data folder
# (its path is printed) for a profiler. SQLite only; only http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-5}
DAY=86400
NAME=dryrun
. bench/lib/sla_desk.sh
seed_desk

NOW=$(date +%s)
log "writing their timelines"
sqlite3 -bail "$DB" <<SQL
BEGIN;
UPDATE tickets
SET status = id % 3, solved_at = NULL, priority = 1 + id % 4,
	created_at = $NOW - 30 * $DAY + 3600 + (id - (SELECT MIN(id) FROM tickets))
	* (30 * $DAY - 7200 - 9 * 3600) / (SELECT MAX(id) - MIN(id) + 1 FROM tickets);
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
SELECT t.id, 2, (SELECT MIN(id) FROM users WHERE role = 3), 1,
	'Thank you, we are looking into the invoice now.', '<p>Thank you, we are looking into the invoice now.</p>',
	t.channel, t.created_at + 60 + (t.id * 7919) % (8 * 3600)
FROM tickets t WHERE t.status != 0;
CREATE TEMP TABLE replies AS
SELECT c.id AS comment_id, c.ticket_id, c.author_id, c.channel, c.created_at FROM comments c WHERE c.seq = 2;
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT ticket_id, author_id, channel, created_at FROM replies ORDER BY ticket_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 1, 'status', 'open', 'new', NULL
FROM audits a JOIN replies r ON r.ticket_id = a.ticket_id AND a.created_at = r.created_at;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 2, 'public', NULL, NULL, r.comment_id
FROM audits a JOIN replies r ON r.ticket_id = a.ticket_id AND a.created_at = r.created_at;
-- half of those then waiting for the customer, a minute after the reply
CREATE TEMP TABLE pend AS SELECT MAX(id) AS before FROM audits;
INSERT INTO audits (ticket_id, author_id, channel, created_at)
SELECT r.ticket_id, r.author_id, r.channel, r.created_at + 60
FROM replies r JOIN tickets t ON t.id = r.ticket_id WHERE t.status = 2 ORDER BY r.ticket_id;
INSERT INTO audit_events (audit_id, kind, field, value, previous_value, comment_id)
SELECT a.id, 1, 'status', 'pending', 'open', NULL FROM audits a WHERE a.id > (SELECT before FROM pend);
UPDATE tickets SET updated_at = (SELECT MAX(created_at) FROM audits WHERE ticket_id = tickets.id),
	updated_stamp = 1000 * (SELECT MAX(created_at) FROM audits WHERE ticket_id = tickets.id);
COMMIT;
ANALYZE;
SQL
AUDITS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM audits")
start_server --rate-limit 0

STATUS='{"all":[{"field":"status","operator":"value","value":"pending"}]}'
STATUS_DO='[{"field":"current_tags","value":"awaiting_customer"}]'
WORDS='{"any":[{"field":"comment_includes_word","operator":"includes","value":"invoice"},
	{"field":"comment_includes_word","operator":"includes","value":"refund"}]}'
WORDS_DO='[{"field":"priority","value":"high"}]'
TAGS='{"all":[{"field":"current_tags","operator":"includes","value":"vip"},
	{"field":"status","operator":"is_not","value":"closed"}]}'
TAGS_DO='[{"field":"priority","value":"urgent"},{"field":"current_tags","value":"vip_seen"}]'
FLOOR='{"all":[{"field":"status","operator":"is","value":"closed"}]}'
FLOOR_DO='[{"field":"priority","value":"low"}]'

# Runs the dry run of conditions $2 and actions $3 RUNS times (after one
# to warm the page cache); prints "what count tickets_count ms…".
dry() {
	local body out ms all=
	body="{\"days\":30,\"trigger\":{\"conditions\":$2,\"actions\":$3}}"
	api POST /api/v2/triggers/dry_run "$body" >/dev/null || die "$1: the dry run failed"
	for _ in $(seq "$RUNS"); do
		out=$(curl -fsS -o "$WORK/dry.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $TOKEN" \
			-H 'Content-Type: application/json' --data "$body" "$BASE/api/v2/triggers/dry_run") ||
			die "$1: the dry run failed: $(tail -3 "$WORK/server.log")"
		all="$all $(awk -v s="$out" 'BEGIN { printf "%.1f", s * 1000 }')"
	done
	echo "$1 $(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));
		console.log(j.count, j.tickets_count)' "$WORK/dry.json")$all"
}
log "dry runs, $RUNS of each"
R=()
R+=("$(dry status "$STATUS" "$STATUS_DO")")
R+=("$(dry words "$WORDS" "$WORDS_DO")")
R+=("$(dry tags "$TAGS" "$TAGS_DO")")
R+=("$(dry floor "$FLOOR" "$FLOOR_DO")")
stop_server

# the ceiling: the rows the heaviest run reads (src/store/dryrun.c's
# SELECT with tags and comments), read by sqlite3 alone, best of 3
CEIL_MS=
for _ in 1 2 3; do
	t0=$(date +%s%N)
	ROWS=$(sqlite3 "$DB" "SELECT COUNT(*), SUM(length(t.subject) + length(tg) + COALESCE(length(c.body), 0))
	FROM (SELECT t.*, (SELECT group_concat(tag, ' ') FROM (SELECT tag FROM ticket_tags
		WHERE ticket_id = t.id ORDER BY tag) g) AS tg FROM tickets t) t
	JOIN audits au ON au.ticket_id = t.id JOIN audit_events e ON e.audit_id = au.id
	LEFT JOIN users u ON u.id = au.author_id LEFT JOIN comments c ON c.id = e.comment_id
	WHERE t.deleted_at IS NULL AND t.updated_at >= $NOW - 30 * $DAY AND au.created_at >= $NOW - 30 * $DAY
	ORDER BY t.id, au.id, e.id" | cut -d'|' -f1)
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ -z "$CEIL_MS" ] || [ "$ms" -lt "$CEIL_MS" ] && CEIL_MS=$ms
done

echo "Trigger dry run, days=30, $TICKETS tickets, $AUDITS updates (SQLite; $RUNS runs each):"
node -e '
const [tickets, audits, ceil, rows, ...lines] = process.argv.slice(1);
for (const l of lines) {
	const [what, count, hitTickets, ...ms] = l.split(" ");
	const s = ms.map(Number).sort((a, b) => a - b);
	const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
	const p50 = q(0.5), p95 = q(0.95);
	console.log(`  ${what.padEnd(7)} p50 ${p50.toFixed(0).padStart(5)} ms, p95 ${p95.toFixed(0).padStart(5)} ms; ` +
		`${Math.round(tickets / p50 * 1000)} tickets/s, ${Math.round(audits / p50 * 1000)} updates/s; ` +
		`fired ${count} times on ${hitTickets} tickets; ${(p50 / ceil).toFixed(1)}× the ceiling, ` +
		`${(p50 / 50).toFixed(0)} % of the goal (5000 ms)`);
}
console.log(`  ceiling: sqlite3 reading the ${rows} rows of the heaviest run, ${ceil} ms`);
' "$TICKETS" "$AUDITS" "$CEIL_MS" "$ROWS" "${R[@]}"
