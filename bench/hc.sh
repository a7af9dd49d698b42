#!/usr/bin/env bash
# The help center's article page (issue 15's goal: under 2 ms on
# localhost): GET /hc/{locale}/articles/{id}-{slug} as a stranger, at
# random over ARTICLES articles in four languages, against the ceiling
# measured in the same run — GET /assets/app.css, a static file from the
# same server, no database. Prints req/s, p50, p95 and p99 of each and
# the page's req/s as a share of the ceiling's, at each connection count.
#
# The desk: an admin and a token, one category and section, ARTICLES
# articles written through the API (Markdown of about 2 KB, a translation
# in each of uk, ru, lt and en), so each page reads an article, its four
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
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(eval("JSON.parse(s)"+process.argv[1])))' "$1"; }

log "writing $ARTICLES articles in four languages"
HC=/api/v2/help_center
CAT=$(api POST $HC/categories '{"category":{"name":"Billing","description":"Money","locale":"en","position":1}}' | field .category.id)
SEC=$(api POST "$HC/categories/$CAT/sections" '{"section":{"name":"Cards","description":"","locale":"en","position":1}}' | field .section.id)
export BENCH_TOKEN=$TOKEN BENCH_BASE=$BASE BENCH_HC_SECTION=$SEC BENCH_HC_ARTICLES=$ARTICLES
node --input-type=module >"$WORK/paths.txt" <<'JS'
const { BENCH_BASE: base, BENCH_TOKEN: token, BENCH_HC_SECTION: sec, BENCH_HC_ARTICLES: n } = process.env;
const call = async (path, body) => {
	const r = await fetch(base + path, { method: 'POST', body: JSON.stringify(body),
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
	if (r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
	return r.json();
};
const para = (w) => `${w} **${w}** and a [link](https://example.com/${w}).\n\n`.repeat(20);
const titles = { en: 'Paying by card', uk: 'Оплата карткою', ru: 'Оплата картой', lt: 'Mokėjimas kortele' };
for (let i = 1; i <= Number(n); i++) {
	const { article } = await call(`/api/v2/help_center/sections/${sec}/articles`, { article: {
		title: `${titles.en} ${i}`, body_markdown: para('card'), locale: 'en', position: i,
		label_names: [], visibility: 'public', promoted: false, draft: false } });
	for (const l of ['uk', 'ru', 'lt'])
		await call(`/api/v2/help_center/articles/${article.id}/translations`, { translation: {
			locale: l, title: `${titles[l]} ${i}`, body_markdown: para(titles[l]), draft: false } });
	// the canonical URL: where /hc/{l}/articles/{id} redirects to
	for (const l of ['uk', 'ru', 'lt', 'en']) {
		const r = await fetch(`${base}/hc/${l}/articles/${article.id}`, { redirect: 'manual' });
		if (r.status !== 301) throw new Error(`article ${article.id} in ${l}: ${r.status}`);
		console.log(r.headers.get('location'));
	}
}
JS
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
	CEIL=$(bench "ceiling, $c conn" hc_asset "$c")
	PAGE=$(bench "article page, $c conn" hc_article "$c")
	line "ceiling (/assets/app.css), $c" "$CEIL" "$CEIL"
	line "article page, $c" "$PAGE" "$CEIL"
done
