#!/usr/bin/env bash
# Triggers on every ticket write (issue 14's goal: 200 active triggers
# evaluated on a ticket update under 1 ms): PUT /api/v2/tickets/{id} with
# an internal note on random tickets (bench/wrk/sla_comment.lua), first
# with no trigger, then with TRIGGERS active triggers that each look at the
# write (three conditions: a tag, a word in the comment, a status; none of
# them matches, so every one is evaluated in full and nothing fires), then
# with one more at the end that matches every write and adds a tag the
# ticket already has after its first time (a real firing, nothing to
# change). Prints req/s, p50 and p99 of each run, the ratio, and the cost
# per update (the difference of the p50s) — what the engine adds: reading
# the triggers' version row, and evaluating them against the write.
#
#   bench/triggers.sh [BIN]        (default build/frontline)
#
# Environment: TICKETS=10000, TRIGGERS=200, DURATION=10s and
# CONNECTIONS=8 (each wrk run), KEEP_DATA=1. SQLite only; only
# http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
TICKETS=${TICKETS:-10000}
TRIGGERS=${TRIGGERS:-200}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
NAME=triggers
. bench/lib/sla_desk.sh
command -v wrk >/dev/null || die "wrk not found (scripts/deps.sh bench)"
seed_desk
start_server --rate-limit 0

export BENCH_TOKEN=$TOKEN BENCH_MAX_ID=$MAX_ID BENCH_WRK_DIR=$PWD/bench/wrk
# Runs wrk for DURATION; prints "rps p50_ms p99_ms"; fails on any non-2xx.
bench() {
	local out
	out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 60s -s bench/wrk/sla_comment.lua "$BASE" |
		grep '^BENCH') || die "wrk failed ($1)"
	echo "$out" | grep '^BENCH ' | awk -v what="$1" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["non2xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"] > 0) {
			print "triggers: " what ": failed requests: " $0 > "/dev/stderr"; exit 1 }
		printf "%.0f %.3f %.3f\n", v["rps"], v["p50_us"] / 1000, v["p99_us"] / 1000 }'
}
line() {
	awk -v what="$1" -v a="$2" -v b="$3" 'BEGIN { split(a, x, " "); split(b, y, " ")
		printf "  %-36s %6d req/s, p50 %6.2f ms, p99 %7.2f ms; req/s %.2f× none, p50 +%.3f ms\n",
			what, x[1], x[2], x[3], x[1] / y[1], x[2] - y[2] }'
}

# warm the reader connections and the page cache
wrk -t2 -c"$CONNECTIONS" -d2s -s bench/wrk/sla_comment.lua "$BASE" >/dev/null
log "writes, no trigger"
W0=$(bench "no trigger")
log "creating $TRIGGERS triggers"
for i in $(seq "$TRIGGERS"); do
	api POST /api/v2/triggers "{\"trigger\":{\"title\":\"Bench $i\",\"conditions\":{\"all\":[
		{\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":\"bench-$i\"},
		{\"field\":\"comment_includes_word\",\"operator\":\"includes\",\"value\":\"refund$i\"},
		{\"field\":\"status\",\"operator\":\"is_not\",\"value\":\"closed\"}]},
		\"actions\":[{\"field\":\"priority\",\"value\":\"high\"},{\"field\":\"current_tags\",\"value\":\"b$i\"}]}}" >/dev/null
done
log "writes, $TRIGGERS triggers"
W1=$(bench "$TRIGGERS triggers")
api POST /api/v2/triggers '{"trigger":{"title":"Seen","conditions":{"all":[
	{"field":"update_type","operator":"is","value":"Change"}]},
	"actions":[{"field":"current_tags","value":"seen"}]}}' >/dev/null
log "writes, $TRIGGERS triggers and one that fires"
W2=$(bench "$TRIGGERS + 1 firing")
stop_server

echo "Triggers on ticket writes ($TICKETS tickets; SQLite; wrk -c$CONNECTIONS -d$DURATION):"
line "no trigger" "$W0" "$W0"
line "$TRIGGERS triggers, none matching" "$W1" "$W0"
line "$TRIGGERS + 1 matching every write" "$W2" "$W0"
