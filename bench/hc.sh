#!/usr/bin/env bash
# The help center's article page (issue 15's goal: under 2 ms on
# localhost): GET /hc/{locale}/articles/{id}-{slug} as a stranger, at
# random over ARTICLES articles in four languages, against two references
# measured in the same run on the same server: the suite's ceiling, GET
# /livez (HTTP only), and a small static file, GET /assets/favicon.svg.
# Prints req/s, p50, p95 and p99 of each and its req/s as a share of the
# ceiling's, at each connection count.
#
# The desk: an admin and a token, one category and section named in four
# languages, ARTICLES articles each with a translation in uk, ru, lt and en
# of about 2 KB of HTML, written with sqlite3 straight into the store's
# tables (migration 032), so each page reads an article, its four
# translations, its section and category — what a real page reads.
#
#   bench/hc.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: ARTICLES=200, DURATION=10s, CONNECTIONS="1 8", KEEP_DATA=1
# keeps the data folder. SQLite only. Only http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
ARTICLES=${ARTICLES:-200}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-1 8}
TICKETS=0
NAME=hc
. bench/lib/sla_desk.sh
command -v wrk >/dev/null || die "wrk not found (scripts/deps.sh bench)"

echo "bench-password-$$" | "$BIN" user add --data "$WORK" --role admin --name Bench \
	--email bench@example.com --password-stdin >/dev/null
TOKEN=$("$BIN" token create --data "$WORK" --email bench@example.com)
start_server --rate-limit 0

log "writing $ARTICLES articles in four languages (through sqlite3, as the store keeps them)"
NOW=$(date +%s)
sqlite3 -bail -cmd ".timeout 30000" "$DB" <<SQL
BEGIN;
INSERT INTO kb_categories (id, position, source_locale, created_at, updated_at) VALUES (1, 1, 'en', $NOW, $NOW);
INSERT INTO kb_sections (id, category_id, position, source_locale, created_at, updated_at) VALUES (1, 1, 1, 'en', $NOW, $NOW);
INSERT INTO kb_names (kind, owner_id, locale, name, description, updated_at) VALUES
	('category', 1, 'en', 'Billing', 'Payments and invoices', $NOW), ('category', 1, 'uk', 'Оплата', '', $NOW),
	('category', 1, 'ru', 'Оплата', '', $NOW), ('category', 1, 'lt', 'Mokėjimai', '', $NOW),
	('section', 1, 'en', 'Cards', '', $NOW), ('section', 1, 'uk', 'Картки', '', $NOW),
	('section', 1, 'ru', 'Карты', '', $NOW), ('section', 1, 'lt', 'Kortelės', '', $NOW);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ARTICLES)
INSERT INTO kb_articles (id, section_id, position, promoted, visibility, labels, author_id,
	source_locale, archived_at, created_at, updated_at)
SELECT i, 1, i, i <= 5, 0, '', 1, 'en', 0, $NOW, $NOW FROM n;
-- about 2 KB of HTML a translation
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ARTICLES),
	l(locale, title) AS (VALUES ('en', 'Paying by card'), ('uk', 'Оплата карткою'),
		('ru', 'Оплата картой'), ('lt', 'Mokėjimas kortele'))
INSERT INTO kb_translations (article_id, locale, title, slug, body_md, body_html, draft, author_id,
	editor_id, revision, created_at, updated_at, edited_at)
SELECT n.i, l.locale, l.title || ' ' || n.i, NULL, NULL,
	replace(hex(zeroblob(20)), '00', '<p>' || l.title || ' <strong>any</strong> card and a <a href="https://example.com/">link</a>.</p>' || char(10)),
	0, 1, 1, 1, $NOW, $NOW, $NOW
FROM n CROSS JOIN l;
COMMIT;
SQL
# the canonical URLs: where /hc/{locale}/articles/{id} moves to
for id in $(seq "$ARTICLES"); do
	for l in uk ru lt en; do
		curl -s -o /dev/null -w '%{redirect_url}\n' "$BASE/hc/$l/articles/$id"
	done
done | sed "s|^$BASE||" >"$WORK/paths.txt"
export BENCH_HC_PATHS=$WORK/paths.txt BENCH_WRK_DIR=$PWD/bench/wrk
first=$(head -1 "$WORK/paths.txt")
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$first")" = 200 ] || die "$first is not a page"

# Runs wrk with script $2 at $3 connections; prints "rps p50_ms p95_ms p99_ms"
# and fails on any non-2xx answer or socket error.
bench() {
	local out
	out=$(wrk -t"$(($3 < 2 ? 1 : 2))" -c"$3" -d"$DURATION" --timeout 60s -s "bench/wrk/$2.lua" "$BASE" |
		grep '^BENCH') || die "wrk failed ($1)"
	echo "$out" | grep '^BENCH-FIRST-NON2XX' >&2 || true
	echo "$out" | grep '^BENCH ' | awk -v what="$1" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"] > 0) {
			print "hc: " what ": failed requests: " $0 > "/dev/stderr"; exit 1 }
		printf "%.0f %.3f %.3f %.3f\n", v["rps"], v["p50_us"] / 1000, v["p95_us"] / 1000, v["p99_us"] / 1000 }'
}
line() {
	awk -v what="$1" -v a="$2" -v b="$3" 'BEGIN { split(a, x, " "); split(b, y, " ")
		printf "  %-30s %7d req/s, p50 %6.3f ms, p95 %6.3f ms, p99 %6.3f ms; %5.1f %% of the ceiling\n",
			what, x[1], x[2], x[3], x[4], 100 * x[1] / y[1] }'
}

# warm the reader connections and the page cache
wrk -t1 -c1 -d2s -s bench/wrk/hc_article.lua "$BASE" >/dev/null
echo "help center, $ARTICLES articles × 4 languages, $DURATION a run:"
for c in $CONNECTIONS; do
	CEIL=$(bench "ceiling, $c conn" ceiling "$c")
	ASSET=$(bench "static file, $c conn" hc_asset "$c")
	PAGE=$(bench "article page, $c conn" hc_article "$c")
	line "ceiling (/livez), $c" "$CEIL" "$CEIL"
	line "static file (favicon.svg), $c" "$ASSET" "$CEIL"
	line "article page, $c" "$PAGE" "$CEIL"
done
