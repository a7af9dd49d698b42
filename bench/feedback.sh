#!/usr/bin/env bash
# Listening (issue 16): what the CSAT, NPS and suggestion-box reads cost on
# a large desk, and how fast an NPS survey goes out.
#
# Goals (docs/performance.md, "Listening"), reported, not enforced:
#   - the public rating page GET /csat/{token}: p99 under 5 ms;
#   - each report (and its CSV) at these sizes: p95 under 500 ms;
#   - sending an NPS survey: at least 500 people a second.
#
# Starts BIN (a release build) with a temporary SQLite data folder, seeds
# tickets through the store's insert path (bench/lib/sla_desk.sh: 20
# agents, 5 groups, 5,000 customers, creation over the past year), then
# writes with sqlite3, in the shapes of migrations 040-044:
#   - RATINGS satisfaction ratings spread evenly over the past year, one a
#     ticket (ticket_id is unique: the desk gets max(TICKETS, RATINGS)
#     tickets), 80 % good, 15 % bad with a reason, 5 % offered and never
#     answered, a comment on one in four answers; each credited to its
#     ticket's assignee and group;
#   - an NPS history: 12 monthly surveys, sent, NPS_ANSWERS answers in all
#     (45 % promoters, 30 % passives, 25 % detractors);
#   - IDEAS ideas over the past year in the five statuses, with votes from
#     the customers (most ideas 0-24, one in a hundred 300-499);
#   - one solved ticket in the last 30 days for each customer: the audience
#     of the survey this sends.
# Then measures, each with p50/p95/p99 and req/s, against GET /healthz from
# the same client at the same connection count in the same run
# (bench/feedback.mjs): the CSAT report over a year by agent by week and
# its CSV; the NPS report over a year by month and its CSV; the ideas list
# (sort=votes, per_page=25) and the ideas report; the rating page with
# PAGE_TOKENS valid links (signed here as src/portal/link.c signs them,
# with the desk's link.key); and the time from POST …/send to the survey
# "sent" for the 5,000 customers — with the 20 s the send job waits
# between its batches of 100 (FL_NPS_BATCH_GAP, pacing by design) skipped:
# the bench moves the next batch's run_at to now.
#
#   bench/feedback.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: TICKETS=100000, RATINGS=200000, NPS_ANSWERS=50000,
# IDEAS=20000, SAMPLES=200 (requests of each report), PAGE_SAMPLES=2000
# (rating page and ideas list), PAGE_CONNECTIONS="1 8", PAGE_TOKENS=500,
# SURVEY=1 (0 skips the send), KEEP_DATA=1 keeps the data folder.
# SQLite only, http://127.0.0.1 only. Prints a table, writes
# bench/out/feedback.json; exit status 0 when every request succeeded
# (goals missed are reported, not failed), 1 when any failed, 2 on a
# setup error.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-100000}
RATINGS=${RATINGS:-200000}
NPS_ANSWERS=${NPS_ANSWERS:-50000}
IDEAS=${IDEAS:-20000}
SAMPLES=${SAMPLES:-200}
PAGE_SAMPLES=${PAGE_SAMPLES:-2000}
PAGE_CONNECTIONS=${PAGE_CONNECTIONS:-1 8}
PAGE_TOKENS=${PAGE_TOKENS:-500}
SURVEY=${SURVEY:-1}
CUSTOMERS=5000 # what `frontline seed` makes
DAY=86400
NAME=feedback
ASKED_TICKETS=$TICKETS
[ "$RATINGS" -gt "$TICKETS" ] && TICKETS=$RATINGS
. bench/lib/sla_desk.sh
[ "$TICKETS" -ge "$CUSTOMERS" ] || die "TICKETS must be at least $CUSTOMERS (a solved ticket for each customer)"
[ $((NPS_ANSWERS / 12)) -le "$CUSTOMERS" ] || die "NPS_ANSWERS: at most $((CUSTOMERS * 12)) (12 surveys of $CUSTOMERS people)"
[ "$TICKETS" != "$ASKED_TICKETS" ] && log "RATINGS > TICKETS: seeding $TICKETS tickets (one rating a ticket)"
seed_desk

NOW=$(date +%s)
YEAR=$((365 * DAY))
q() { sqlite3 -bail -cmd ".timeout 30000" "$DB" "$@"; }
read -r MINC MAXC < <(q -separator ' ' "SELECT MIN(id), MAX(id) FROM users WHERE email LIKE 'bench-customer-%'")
[ $((MAXC - MINC + 1)) = "$CUSTOMERS" ] || die "the seeded customers' ids are not $CUSTOMERS in a row"
read -r MINA NA < <(q -separator ' ' "SELECT MIN(id), COUNT(*) FROM users WHERE email LIKE 'bench-agent-%'")
ADMIN=$(q "SELECT id FROM users WHERE email = 'bench@example.com'")

log "writing $RATINGS ratings, $NPS_ANSWERS NPS answers, $IDEAS ideas with votes (sqlite3)"
t0=$(date +%s.%N)
q <<SQL
BEGIN;
-- each customer's newest ticket solved in the last 30 days: the survey's audience
UPDATE tickets SET status = 4, solved_at = $NOW - (id % 29) * $DAY - 3600,
	updated_at = $NOW - (id % 29) * $DAY - 3600
WHERE id IN (SELECT MAX(id) FROM tickets GROUP BY requester_id);

INSERT OR IGNORE INTO satisfaction_reasons (id, name_en, position, created_at, updated_at) VALUES
	(1, 'Slow answer', 1, $NOW, $NOW), (2, 'Problem not solved', 2, $NOW, $NOW),
	(3, 'Rude', 3, $NOW, $NOW), (4, 'Other', 4, $NOW, $NOW);
INSERT INTO satisfaction_ratings (ticket_id, score, comment, reason_id, requester_id, assignee_id,
	group_id, tier_id, channel, created_at, rated_at, asked_at, updated_at)
SELECT t.id,
	CASE WHEN t.id % 20 = 0 THEN 'offered' WHEN t.id % 20 <= 3 THEN 'bad' ELSE 'good' END,
	CASE WHEN t.id % 20 = 0 OR t.id % 4 != 1 THEN '' WHEN t.id % 20 <= 3 THEN 'It took a week.'
		ELSE 'Quick and kind, thank you.' END,
	CASE WHEN t.id % 20 BETWEEN 1 AND 3 THEN t.id % 4 + 1 END,
	t.requester_id, t.assignee_id, t.group_id, NULL,
	CASE t.id % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'web' ELSE 'api' END,
	t.at, CASE WHEN t.id % 20 = 0 THEN 0 ELSE t.at + 3600 END, t.at + 60, t.at + 3600
FROM (SELECT id, requester_id, assignee_id, group_id,
		$NOW - $YEAR + (id - lo) * ($YEAR - 7200) / $RATINGS AS at
	FROM tickets, (SELECT MIN(id) AS lo FROM tickets) ORDER BY id LIMIT $RATINGS) t;

WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 11)
INSERT INTO nps_surveys (id, name, audience, audience_days, cool_off_days, status, created_by,
	created_at, updated_at, sent_at, last_user_id, sent)
SELECT i + 1, 'Monthly NPS ' || (i + 1), 'solved', 30, 0, 'sent', $ADMIN,
	$NOW - (11 - i) * 30 * $DAY - 15 * $DAY, $NOW - (11 - i) * 30 * $DAY - 15 * $DAY,
	$NOW - (11 - i) * 30 * $DAY - 15 * $DAY, $MAXC,
	CASE WHEN i = 11 THEN $NPS_ANSWERS - 11 * ($NPS_ANSWERS / 12) ELSE $NPS_ANSWERS / 12 END
FROM m;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $CUSTOMERS - 1),
	r(survey_id, sent_at, j, x) AS (
		SELECT s.id, s.sent_at, k.j, (k.j * 13 + s.id * 7) % 20 FROM nps_surveys s JOIN k
		ON k.j < s.sent)
INSERT INTO nps_responses (survey_id, user_id, locale, sent_at, score, comment, answered_at,
	ticket_id, channel, group_id, agent_id, organization_id, tier_id)
SELECT survey_id, $MINC + (j + survey_id * 411) % $CUSTOMERS,
	CASE j % 4 WHEN 0 THEN 'uk' WHEN 1 THEN 'ru' WHEN 2 THEN 'lt' ELSE 'en' END, sent_at,
	CASE WHEN x < 9 THEN 9 + x % 2 WHEN x < 15 THEN 7 + x % 2 ELSE (j * 3) % 7 END,
	CASE WHEN j % 5 = 0 THEN 'Because of the delivery.' END,
	sent_at + (j % 72) * 3600, NULL, j % 3, NULL, $MINA + j % $NA, NULL, NULL
FROM r;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $IDEAS)
INSERT INTO ideas (id, title, details, status, public, locale, author_id, submitted_by, vote_count,
	created_at, updated_at)
SELECT i, 'Idea ' || i || ': let me pay by instalments', 'It would help families like mine plan.',
	CASE i % 10 WHEN 5 THEN 'under_review' WHEN 6 THEN 'under_review' WHEN 7 THEN 'planned'
		WHEN 8 THEN 'done' WHEN 9 THEN 'declined' ELSE 'new' END,
	i % 20 != 0, CASE i % 4 WHEN 0 THEN 'uk' WHEN 1 THEN 'ru' WHEN 2 THEN 'lt' ELSE 'en' END,
	$MINC + i % $CUSTOMERS, $MINC + i % $CUSTOMERS,
	CASE WHEN i % 100 = 0 THEN 300 + i % 200 ELSE (i * 7919) % 25 END,
	$NOW - $YEAR + i * ($YEAR - 3600) / $IDEAS, $NOW - $YEAR + i * ($YEAR - 3600) / $IDEAS
FROM n;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 499)
INSERT INTO idea_votes (idea_id, user_id, created_at)
SELECT i.id, $MINC + (i.id * 13 + k.j) % $CUSTOMERS, i.created_at + k.j * 60
FROM ideas i JOIN k ON k.j < i.vote_count;
COMMIT;
ANALYZE;
SQL
t1=$(date +%s.%N)
COUNTS=$(q -separator ' ' "SELECT (SELECT COUNT(*) FROM tickets), (SELECT COUNT(*) FROM satisfaction_ratings),
	(SELECT COUNT(*) FROM nps_responses), (SELECT COUNT(*) FROM ideas), (SELECT COUNT(*) FROM idea_votes)")
log "written in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: tickets, ratings, NPS answers, ideas, votes: $COUNTS"

start_server --rate-limit 0
KEY=$(q "SELECT value FROM settings WHERE key = 'link.key'")
[ -n "$KEY" ] || die "no link.key in the settings: the server made none"
# rating links as the solved notice makes them: a = the ticket,
# b = its requester, valid for 30 days from now
q -separator ' ' "SELECT ticket_id, requester_id FROM satisfaction_ratings
	ORDER BY (ticket_id * 7919) % 1000003 LIMIT $PAGE_TOKENS" |
	node -e '
const crypto = require("crypto");
const [key, purpose, expires] = process.argv.slice(1);
let s = "";
process.stdin.on("data", (d) => (s += d)).on("end", () => {
	for (const line of s.trim().split("\n")) {
		const [a, b] = line.split(" ");
		const msg = `${a}-${b}-${expires}-`;
		const mac = crypto.createHmac("sha256", key).update(`link\n${purpose}\n${msg}`).digest();
		console.log(`/csat/${msg}${mac.subarray(0, 16).toString("hex")}`);
	}
});' "$KEY" csat $((NOW + 30 * DAY)) >"$WORK/csat-paths.txt"
first=$(head -1 "$WORK/csat-paths.txt")
code=$(curl -s -o "$WORK/page.html" -w '%{http_code}' "$BASE$first")
[ "$code" = 200 ] || die "the rating page $first answered $code"
grep -qi 'link' "$WORK/page.html" && grep -qiE 'expired|not valid|invalid' "$WORK/page.html" &&
	die "the rating page says the signed link is bad: $first"

FROM=$(date -u -d "@$((NOW - 364 * DAY))" +%F)
TO=$(date -u -d "@$NOW" +%F)
START=$(date -u -d "@$((NOW - 365 * DAY))" +%FT%TZ)
END=$(date -u -d "@$((NOW + 60))" +%FT%TZ)
CSAT="/api/v2/satisfaction_ratings/report?from=$FROM&to=$TO&by=agent&period=week"
NPS="/api/v2/nps/report?start_time=$START&end_time=$END&period=month"
node -e '
const [out, samples, pageSamples, pageConns, paths, csat, nps, survey, customers] = process.argv.slice(1);
const conns = pageConns.trim().split(/\s+/).map(Number);
const s = Number(samples), ps = Number(pageSamples);
require("fs").writeFileSync(out, JSON.stringify({ samples: s, items: [
	{ name: "CSAT report, a year by agent by week", path: csat },
	{ name: "CSAT report CSV", path: csat + "&format=csv" },
	{ name: "NPS report, a year by month", path: nps },
	{ name: "NPS report CSV", path: nps + "&format=csv" },
	{ name: "ideas list, sort=votes, per_page=25", path: "/api/v2/ideas?sort=votes&per_page=25", samples: ps },
	{ name: "ideas report", path: "/api/v2/ideas/report" },
	{ name: "rating page GET /csat/{token}", paths_file: paths, auth: false, samples: ps, connections: conns },
], survey: survey === "1" ? { people: Number(customers), audience_days: 30, max_seconds: 1800 } : null }));
' "$WORK/plan.json" "$SAMPLES" "$PAGE_SAMPLES" "$PAGE_CONNECTIONS" "$WORK/csat-paths.txt" \
	"$CSAT" "$NPS" "$SURVEY" "$CUSTOMERS"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
set +e
node bench/feedback.mjs --url "$BASE" --token "$TOKEN" --plan "$WORK/plan.json" --db "$DB" >"$WORK/result.json"
RC=$?
set -e
[ -s "$WORK/result.json" ] || die "bench/feedback.mjs printed nothing"
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
mkdir -p bench/out
node -e '
const fs = require("fs");
const [file, out, counts, asked, loadBefore, loadAfter, version] = process.argv.slice(1);
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const [tickets, ratings, answers, ideas, votes] = counts.split(" ").map(Number);
const goal = (it) => it.name.startsWith("rating page") ? { what: "p99 < 5 ms", met: it.p99_ms < 5 }
	: it.name.startsWith("ideas list") ? null : { what: "p95 < 500 ms", met: it.p95_ms < 500 };
const rows = r.results.map((it) => ({ ...it, goal: goal(it) }));
const survey = r.survey && { ...r.survey, goal: { what: ">= 500 people/s", met: r.survey.people_per_s >= 500 } };
const doc = { date: new Date().toISOString(), version, store: "SQLite", load_before: Number(loadBefore),
	load_after: Number(loadAfter), desk: { tickets, tickets_asked: Number(asked), ratings, nps_answers: answers,
	ideas, idea_votes: votes }, ceiling: r.ceiling, results: rows, survey, failures: r.failures,
	first_failures: r.first_failures };
fs.writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
console.log(`feedback: ${tickets} tickets, ${ratings} ratings over a year, ${answers} NPS answers in 12 surveys, ` +
	`${ideas} ideas with ${votes} votes; load average ${loadBefore} before, ${loadAfter} after (2 shared cores: noisy)`);
console.log("goals: rating page p99 < 5 ms; reports p95 < 500 ms; survey send >= 500 people/s");
const pad = (s, n) => String(s).padEnd(n), lpad = (s, n) => String(s).padStart(n);
console.log(pad("request", 38) + lpad("conns", 6) + lpad("req/s", 9) + lpad("p50 ms", 9) + lpad("p95 ms", 9) +
	lpad("p99 ms", 9) + lpad("vs ceiling", 11) + lpad("ceil p50/p99", 14) + "  goal");
for (const it of rows)
	console.log(pad(it.name, 38) + lpad(it.connections, 6) + lpad(it.rps.toFixed(1), 9) + lpad(it.p50_ms, 9) +
		lpad(it.p95_ms, 9) + lpad(it.p99_ms, 9) + lpad((100 * it.vs_ceiling_rps).toFixed(2) + " %", 11) +
		lpad(`${it.ceiling_p50_ms}/${it.ceiling_p99_ms}`, 14) + "  " + (it.goal ? `${it.goal.what}: ${it.goal.met ? "met" : "MISSED"}` : "-"));
for (const [c, v] of Object.entries(r.ceiling))
	console.log(pad("ceiling GET /healthz (at the start)", 38) + lpad(c, 6) + lpad(v.rps.toFixed(1), 9) + lpad(v.p50_ms, 9) +
		lpad(v.p95_ms, 9) + lpad(v.p99_ms, 9) + lpad("100 %", 11));
if (survey)
	console.log(`NPS survey to ${survey.people} customers: ${survey.seconds} s from POST …/send (answered in ` +
		`${survey.send_accepted_ms} ms) to "sent", ${survey.people_per_s} people/s with the 20 s between ` +
		`batches skipped (${survey.batches_hurried} batches moved forward; as designed the send takes ` +
		`about ${Math.ceil(survey.people / 100) * 20} s more); ${survey.goal.what}: ${survey.goal.met ? "met" : "MISSED"}`);
if (survey)
	console.log(`  before sending, the job runner was busy for ${survey.runner_idle_wait_s} s (jobs queued at the start); ` +
		`a survey sent then waits that long`);
if (survey)
	console.log(`  between batches of 100 seen done: p50 ${survey.batch_gap_p50_ms} ms, fastest ${survey.batch_gap_min_ms} ms ` +
		`(each includes the wait of the job runner for work, up to its 1 s idle poll)`);
if (r.failures)
	console.log(`FAILED requests: ${r.failures}: ${r.first_failures.join("; ")}`);
' "$WORK/result.json" bench/out/feedback.json "$COUNTS" "$ASKED_TICKETS" "$LOAD_BEFORE" "$LOAD_AFTER" \
	"$("$BIN" version 2>/dev/null || echo '?')"
log "results: bench/out/feedback.json"
exit "$RC"
