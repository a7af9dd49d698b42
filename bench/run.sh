#!/usr/bin/env bash
# Frontline benchmark suite (docs/performance.md tells how to read it).
#
# Starts build/frontline on a free loopback port with a temporary data folder,
# creates an admin and an API token, seeds TICKETS tickets through the API,
# then runs each wrk scenario at each connection count and prints a table.
# Writes the table as Markdown to bench/out/results.md.
#
# Options:
#   --db URI     keep the data in PostgreSQL (an empty database) instead of
#                SQLite; "--db start" starts a throwaway server with
#                scripts/pg.sh and benchmarks against it
#   --nodes N    serve with N nodes on that database (PostgreSQL only); every
#                scenario then runs one wrk per node at the same time, with
#                the connections split evenly, and req/s is their sum
#
# Environment (all optional):
#   TICKETS=100000        tickets to seed
#   SEED=api              api: through the HTTP API (bench/seed.mjs, with extra
#                         comments); store: through the store's insert path
#                         before the servers start (bench/tickets.mjs piped
#                         into `frontline seed`: a million tickets in minutes);
#                         copy: a copy of SEED_FROM, the folder an earlier
#                         SEED=store run kept (KEEP_DATA=1) — to measure again
#                         without seeding again; with --db URI, the database
#                         that run seeded is used as it is (its writes stay)
#   SEED_FROM=            with SEED=copy: that kept folder (data/ and seed.json)
#   DURATION=10s          wrk duration of each run
#   CONNECTIONS="1 64"    connection counts
#   SCENARIOS="ceiling get_ticket list_view search create_ticket"
#   SERVER_THREADS=       frontline --threads (empty: the server's default)
#   SEED_CONCURRENCY=64   requests in flight while seeding
#   SEED_MAX_SECONDS=900  the seeder stops issuing requests (SEED=store: making
#                         tickets) after this
#   SEARCH_SAMPLES=500    sequential searches for the search p95
#   SEARCH_WORDS=...      comma-separated words for the search scenario
#   SEARCH_EXTRA=         appended to each search URL, e.g. "&per_page=25"
#   WRK_TIMEOUT=60s       wrk's per-request timeout (a timeout is an error)
#   MAIL_MESSAGES=5000    messages for the mail ingestion run (bench/mail.mjs; 0 skips)
#   SLOW_CONNECTIONS=4000 trickling connections 127.0.0.2 tries to hold while a
#                         client on 127.0.0.1 is measured (bench/slowloris.mjs; 0 skips)
#   SLOW_CLIENTS=8        wrk connections of that measured client
#   BENCH_TMPDIR=$TMPDIR  where the temporary data folder goes
#   KEEP_DATA=0           1: keep the data folder (its path is printed)
#   FRONTLINE_BIN=build/frontline
#   RSS_SAMPLE_MS=200     how often node 1's VmRSS is sampled (bench/out/rss.tsv:
#                         the time, VmRSS and VmHWM in KiB, the phase running);
#                         the table gets each phase's peak; 0 samples nothing
#
# Exit status: 0 when every run was clean; 1 when any request failed
# (non-2xx or socket error), seeding failed, or the server did not stop
# cleanly; 2 on a setup error. Results are written in every case.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DB=${BENCH_DB:-}
NODES=1
while [ $# -gt 0 ]; do
	case $1 in
	--db) DB=${2:?--db needs a URI}; shift 2 ;;
	--nodes) NODES=${2:?--nodes needs a number}; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
done
BIN=${FRONTLINE_BIN:-$ROOT/build/frontline}
TICKETS=${TICKETS:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"1 64"}
SCENARIOS=${SCENARIOS:-"ceiling get_ticket list_view queue search create_ticket"}
SEED=${SEED:-api}
SERVER_THREADS=${SERVER_THREADS:-}
SEED_CONCURRENCY=${SEED_CONCURRENCY:-64}
SEED_MAX_SECONDS=${SEED_MAX_SECONDS:-900}
SEARCH_SAMPLES=${SEARCH_SAMPLES:-500}
SEARCH_WORDS=${SEARCH_WORDS:-"замовлення,refund,посылка,grąžinimas,подписка,zygimantas,Ворохті,Aberystwyth"}
SEARCH_EXTRA=${SEARCH_EXTRA:-}
WRK_TIMEOUT=${WRK_TIMEOUT:-60s}
KEEP_DATA=${KEEP_DATA:-0}
MAIL_MESSAGES=${MAIL_MESSAGES:-5000}
SLOW_CONNECTIONS=${SLOW_CONNECTIONS:-4000}
SLOW_CLIENTS=${SLOW_CLIENTS:-8}
RSS_SAMPLE_MS=${RSS_SAMPLE_MS:-200}
OUT=$ROOT/bench/out

die() { echo "bench: $*" >&2; exit 2; }
log() {
	echo "bench: $*" >&2
	# the phase the RSS sampler tags its samples with
	[ -z "${WORK:-}" ] || echo "$*" >"$WORK/phase"
}

[ -x "$BIN" ] || die "$BIN not found: run 'make build' first"
[[ $NODES =~ ^[1-9]$ ]] || die "--nodes must be 1 to 9"
[ "$SEED" = api ] || [ "$SEED" = store ] || [ "$SEED" = copy ] || die "SEED must be api, store or copy"
[ "$SEED" != copy ] || { [ -f "${SEED_FROM:-}/seed.json" ] && [ -d "$SEED_FROM/data" ]; } ||
	die "SEED=copy needs SEED_FROM, a folder a SEED=store run kept (data/ and seed.json)"
[ "$SEED" != copy ] || [ "$DB" != start ] || die "SEED=copy with --db needs the URI of the database the kept run seeded"
[ "$NODES" -eq 1 ] || [ -n "$DB" ] || die "--nodes needs --db (nodes share a PostgreSQL database)"
for t in wrk node; do
	command -v $t >/dev/null || die "$t is not installed (scripts/deps.sh bench installs it)"
done
mkdir -p "$OUT"
# the slow-clients run opens thousands of sockets (this shell's children
# inherit the limit: the server and the attacker)
want_fds=$((SLOW_CONNECTIONS + 4096))
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge "$want_fds" ] || want_fds=$(ulimit -Hn)
ulimit -n "$want_fds" || die "cannot raise the open files limit to $want_fds"
# one address may hold connections_per_address connections (128): wrk's
# largest run must fit, from 127.0.0.1
max_conns=$(printf '%s\n' $CONNECTIONS "$SLOW_CLIENTS" | sort -n | tail -1)
[ "$max_conns" -gt 112 ] && export FRONTLINE_CONNECTIONS_PER_ADDRESS=$((max_conns + 16))

WORK=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/frontline-bench.XXXXXX")
DATA=$WORK/data
SRV_PIDS=()
PG_DIR=
cleanup() {
	local rc=$? pid
	for pid in "${SRV_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	[ -n "$PG_DIR" ] && scripts/pg.sh stop "$PG_DIR"
	if [ "$KEEP_DATA" = 1 ]; then
		log "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# --- the database -----------------------------------------------------------
if [ "$DB" = start ]; then
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/frontline-pg.XXXXXX") # nobody must reach it: not in $WORK
	DB=$(scripts/pg.sh start "$PG_DIR")/frontline_bench || die "cannot start PostgreSQL"
	psql "${DB%/*}/postgres" -qc "CREATE DATABASE frontline_bench" || die "cannot create the database"
	log "PostgreSQL started for this run (scripts/pg.sh; fsync off, as for tests)"
fi
[ -n "$DB" ] && export FRONTLINE_DB=$DB
STORE=${DB:+PostgreSQL ($([ -n "$PG_DIR" ] && echo "throwaway server, fsync off" || echo "${DB%%@*}@…"))}
STORE=${STORE:-SQLite (synchronous=FULL)}

# --- the desk: an admin, a token, the servers -------------------------------
mkdir -p "$DATA"
if [ "$SEED" = copy ]; then
	log "copying the desk $SEED_FROM seeded${DB:+ (its database as it is)}"
	cp -a "$SEED_FROM/data/." "$DATA/"
	cp "$SEED_FROM/seed.json" "$WORK/seed.json"
else
	echo "bench-password-$$-$RANDOM" |
		"$BIN" user add --data "$DATA" --role admin --name "Bench Admin" \
			--email bench@example.com --password-stdin >/dev/null
fi
TOKEN=$("$BIN" token create --data "$DATA" --email bench@example.com --description bench)
[ -n "$TOKEN" ] || die "no token"
if [ "$SEED" = store ]; then
	log "seeding $TICKETS tickets through the store (frontline seed)"
	t0=$(date +%s.%N)
	set +e
	node bench/tickets.mjs --tickets "$TICKETS" --max-seconds "$SEED_MAX_SECONDS" |
		"$BIN" seed --data "$DATA" --tickets "$TICKETS" >"$WORK/seed.json"
	SEED_RC=$?
	set -e
	[ "$SEED_RC" -eq 0 ] || die "frontline seed failed"
	t1=$(date +%s.%N)
fi

BASES=()
PORTS=()
for n in $(seq "$NODES"); do
	port=$(free_port)
	# --rate-limit 0: the benchmarks make tens of thousands of requests a
	# second with one token, which the API's rate limit would refuse
	"$BIN" serve --data "$DATA" --listen "127.0.0.1:$port" --quiet --rate-limit 0 \
		${SERVER_THREADS:+--threads "$SERVER_THREADS"} 2>"$WORK/server-$n.log" &
	SRV_PIDS+=($!)
	PORTS+=("$port")
	BASES+=("http://127.0.0.1:$port")
done
SRV_PID=${SRV_PIDS[0]}
# node 1's resident memory every RSS_SAMPLE_MS, tagged with the phase
# running: where a peak comes from (bash builtins only, but for sleep)
SAMPLER=
if [ "$RSS_SAMPLE_MS" -gt 0 ]; then
	echo starting >"$WORK/phase"
	(
		iv=$(awk -v ms="$RSS_SAMPLE_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
		while [ -r "/proc/$SRV_PID/status" ]; do
			rss= hwm=
			while read -r k v _; do
				case $k in VmRSS:) rss=$v ;; VmHWM:) hwm=$v ;; esac
			done <"/proc/$SRV_PID/status" 2>/dev/null || break
			read -r phase <"$WORK/phase" || phase=?
			[ -n "$rss" ] && printf '%s\t%s\t%s\t%s\n' "$EPOCHREALTIME" "$rss" "$hwm" "$phase"
			sleep "$iv"
		done
	) >"$OUT/rss.tsv" 2>/dev/null &
	SAMPLER=$!
fi
PORT=${PORTS[0]}
BASE=${BASES[0]}

ready() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET /livez HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ $line == *" 200"* ]]
	) 2>/dev/null
}
for n in $(seq 0 $((NODES - 1))); do
	for _ in $(seq 100); do
		ready "${PORTS[$n]}" && break
		kill -0 "${SRV_PIDS[$n]}" 2>/dev/null || { cat "$WORK/server-$((n + 1)).log" >&2; die "a server exited"; }
		sleep 0.1
	done
	ready "${PORTS[$n]}" || die "the server does not answer on ${BASES[$n]}"
done
log "frontline: $NODES node(s) on ${BASES[*]}, data in $DATA, store: $STORE"

# CPU ticks (utime+stime) the servers have used so far.
cpu_ticks() { local pid t=0; for pid in "${SRV_PIDS[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $t; }
# Waits until the server is idle (under 2 ticks in 0.5 s, twice in a row):
# a slow scenario's queued requests must not run into the next one. Sets
# BUSY_AFTER to the seconds it waited.
wait_idle() {
	local a b calm=0 t0=$SECONDS
	BUSY_AFTER=0
	for _ in $(seq 600); do
		a=$(cpu_ticks); sleep 0.5; b=$(cpu_ticks)
		if [ $((b - a)) -lt 2 ]; then
			calm=$((calm + 1))
			if [ $calm -ge 2 ]; then
				BUSY_AFTER=$((SECONDS - t0 - 1))
				[ $BUSY_AFTER -lt 0 ] && BUSY_AFTER=0
				return 0
			fi
		else
			calm=0
		fi
	done
	BUSY_AFTER=$((SECONDS - t0))
	log "warning: the server did not go idle within 300 s"
}
# Percent of all CPUs busy over 2 s (the server idle): what else runs here.
machine_busy() {
	local a b
	a=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat); sleep 2
	b=$(awk '/^cpu / {print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SRV_PID/status"; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];console.log(v===undefined?"":v)})' "$1"; }

FLAGGED=0

# --- seed ------------------------------------------------------------------
if [ "$SEED" = api ]; then
	log "seeding $TICKETS tickets ($SEED_CONCURRENCY in flight, at most $SEED_MAX_SECONDS s)"
	set +e
	node bench/seed.mjs --url "$BASE" --token "$TOKEN" --tickets "$TICKETS" \
		--concurrency "$SEED_CONCURRENCY" --max-seconds "$SEED_MAX_SECONDS" >"$WORK/seed.json"
	SEED_RC=$?
	set -e
	SEED_RATE=$(json_field tickets_per_s <"$WORK/seed.json")
	SEED_REQ_RATE=$(json_field requests_per_s <"$WORK/seed.json")
	SEED_COMMENTS=$(json_field comments <"$WORK/seed.json")
	SEED_SECS=$(json_field seconds <"$WORK/seed.json")
	SEED_ERRORS=$(json_field errors <"$WORK/seed.json")
	SEED_HOW="$SEED_REQ_RATE requests/s, $SEED_CONCURRENCY in flight"
elif [ "$SEED" = copy ]; then
	SEED_RC=0 SEED_SECS=0 SEED_RATE=- SEED_COMMENTS=0
	SEED_HOW="a copy of the desk an earlier SEED=store run kept ($SEED_FROM)"
else
	SEED_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	SEED_RATE=$(json_field tickets <"$WORK/seed.json" | awk -v s="$SEED_SECS" '{ printf "%.1f", $1 / s }')
	SEED_COMMENTS=0
	SEED_HOW="through the store: frontline seed, before the servers started"
fi
SEEDED=$(json_field tickets <"$WORK/seed.json")
MAX_ID=$(json_field max_id <"$WORK/seed.json")
SEED_NOTE=""
case $SEED_RC in
0) [ "$SEEDED" -lt "$TICKETS" ] && SEED_NOTE="stopped after $SEED_MAX_SECONDS s: $SEEDED of $TICKETS tickets" ;;
3) SEED_NOTE="stopped after $SEED_MAX_SECONDS s: $SEEDED of $TICKETS tickets" ;;
*) SEED_NOTE="FAILED requests while seeding: $SEED_ERRORS"; FLAGGED=1 ;;
esac
[ -n "$MAX_ID" ] && [ "$MAX_ID" -gt 0 ] || die "seeding created no ticket"
RSS_SEEDED=$(status_kb VmRSS)
cp "$WORK/seed.json" "$OUT/seed.json"

# the queue list_view reads: a new desk has no views (the built-in queues are
# the workspace's), so the bench makes the one it measures
[ -n "${BENCH_VIEW:-}" ] || BENCH_VIEW=$(node -e '
fetch(process.argv[1] + "/api/v2/views", {method: "POST",
  headers: {Authorization: "Bearer " + process.argv[2], "Content-Type": "application/json"},
  body: JSON.stringify({view: {title: "All unsolved tickets",
    all: [{field: "status", operator: "less_than", value: "solved"}]}})})
  .then(r => r.json()).then(j => console.log(j.view.id))' "$BASE" "$TOKEN")
[ -n "$BENCH_VIEW" ] || die "cannot make the view list_view reads"
export BENCH_VIEW

# --- warm-up (not recorded): opens the reader connections --------------------
export BENCH_TOKEN=$TOKEN BENCH_MAX_ID=$MAX_ID BENCH_WRK_DIR=$ROOT/bench/wrk
export BENCH_SEARCH_WORDS=$SEARCH_WORDS BENCH_SEARCH_EXTRA=$SEARCH_EXTRA
wrk -t2 -c64 -d2s -s bench/wrk/get_ticket.lua "$BASE" >/dev/null
wait_idle
OTHER_BEFORE=$(machine_busy)
[ "$OTHER_BEFORE" -gt 10 ] && log "warning: $OTHER_BEFORE % of the CPUs are busy with other work; the figures will be noisy"

# --- the runs --------------------------------------------------------------
declare -A RPS P50 P99 P95 REQS NON2XX SOCK
BUSY_NOTES=""
SEARCH_JSON=
# Joins the BENCH lines of several wrk runs: counts and req/s add up, each
# percentile is the worst of the runs'.
sum_bench() {
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); k = kv[1]; v = kv[2]
		if (k ~ /_us$/) { if (v > m[k]) m[k] = v } else s[k] += v; keys[k] = 1 } }
	     END { if (!NR) exit; printf "BENCH"; for (k in keys) printf " %s=%s", k, (k ~ /_us$/ ? m[k] : s[k]); printf "\n" }'
}
fmt_ms() { awk -v us="$1" 'BEGIN { if (us >= 100000) printf "%.0f ms", us / 1000; else if (us >= 1000) printf "%.1f ms", us / 1000; else printf "%.2f ms", us / 1000 }'; }
field() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

for s in $SCENARIOS; do
	[ -f "bench/wrk/$s.lua" ] || die "no scenario bench/wrk/$s.lua"
	for c in $CONNECTIONS; do
		t=$((c < 2 ? c : 2))
		log "$s, $c connection(s), $DURATION"
		f=$OUT/wrk-$s-c$c.txt
		if [ "$NODES" -eq 1 ]; then
			wrk -t"$t" -c"$c" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
				-s "bench/wrk/$s.lua" "$BASE" >"$f" 2>&1 || true
			line=$(grep '^BENCH ' "$f" || true)
		else
			# one wrk per node at once, the connections split between them
			per=$(( (c + NODES - 1) / NODES ))
			wrks=()
			for n in $(seq "$NODES"); do
				wrk -t1 -c"$per" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
					-s "bench/wrk/$s.lua" "${BASES[$((n - 1))]}" >"$f.$n" 2>&1 &
				wrks+=($!)
			done
			wait "${wrks[@]}" || true
			cat "$f".? >"$f"
			line=$(grep -h '^BENCH ' "$f".? | sum_bench)
			rm -f "$f".?
		fi
		if [ -z "$line" ]; then
			cat "$f" >&2
			die "wrk printed no summary for $s at $c connections"
		fi
		k=$s/$c
		RPS[$k]=$(field rps "$line")
		P50[$k]=$(field p50_us "$line")
		P95[$k]=$(field p95_us "$line")
		P99[$k]=$(field p99_us "$line")
		REQS[$k]=$(field requests "$line")
		NON2XX[$k]=$(field non2xx "$line")
		SOCK[$k]=$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line") ))
		if [ "${NON2XX[$k]}" != 0 ] || [ "${SOCK[$k]}" != 0 ]; then
			FLAGGED=1
			log "ERRORS in $s at $c connections: ${NON2XX[$k]} non-2xx, ${SOCK[$k]} socket errors"
			grep '^BENCH-FIRST-NON2XX' "$f" >&2 || true
		fi
		wait_idle
		if [ "$BUSY_AFTER" -ge 3 ]; then
			BUSY_NOTES+="- after $s at $c connections the server stayed busy for about $BUSY_AFTER s once wrk had stopped (requests whose clients had gone)"$'\n'
			log "the server stayed busy for about $BUSY_AFTER s after this run"
		fi
	done
	if [ "$s" = search ] && [ "$SEARCH_SAMPLES" -gt 0 ]; then
		# before any ticket is created, so it measures the seeded desk
		log "search p95: $SEARCH_SAMPLES sequential searches"
		set +e
		SEARCH_JSON=$(node bench/search-latency.mjs --url "$BASE" --token "$TOKEN" \
			--samples "$SEARCH_SAMPLES" --max-seconds 300)
		[ $? -eq 0 ] || FLAGGED=1
		set -e
		echo "$SEARCH_JSON" >"$OUT/search-latency.json"
		wait_idle
	fi
done

# --- slow clients: one address holds SLOW_CONNECTIONS trickling connections ---
# A client on 127.0.0.1 reads tickets alone (the baseline), then again while
# 127.0.0.2 tries to hold SLOW_CONNECTIONS connections sending their headers
# a byte a second. The goal: its p99 at most twice the baseline's.
SLOW_LINE=
if [ "$SLOW_CONNECTIONS" -gt 0 ]; then
	slow_wrk() {
		wrk -t1 -c"$SLOW_CLIENTS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
			-s bench/wrk/get_ticket.lua "$BASE" >"$OUT/wrk-slow-$1.txt" 2>&1 || true
		grep '^BENCH ' "$OUT/wrk-slow-$1.txt" || die "wrk printed no summary for the slow-clients $1 run"
	}
	log "slow clients: the baseline, $SLOW_CLIENTS connection(s), $DURATION"
	base_line=$(slow_wrk alone)
	wait_idle
	secs=${DURATION%s}
	log "slow clients: 127.0.0.2 holds up to $SLOW_CONNECTIONS trickling connections, the same run again"
	node bench/slowloris.mjs --url "$BASE" --from 127.0.0.2 --connections "$SLOW_CONNECTIONS" \
		--seconds $((secs + 10)) >"$OUT/slowloris.json" &
	attacker=$!
	sleep 5 # every connection tried, the cap reached
	attack_line=$(slow_wrk attacked)
	wait "$attacker" || die "bench/slowloris.mjs failed"
	wait_idle
	for line in "$base_line" "$attack_line"; do
		if [ "$(field non2xx "$line")" != 0 ] || [ "$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line") ))" != 0 ]; then
			FLAGGED=1
			log "ERRORS in the slow-clients runs: $line"
		fi
	done
	SLOW_LINE=$(SLOW_CLIENTS=$SLOW_CLIENTS node -e '
const [base, attacked, atk] = process.argv.slice(1);
const f = (l, k) => Number(new RegExp(` ${k}=([0-9.]+)`).exec(l)[1]);
const ms = (us) => (us / 1000).toFixed(us >= 10000 ? 0 : 2) + " ms";
const a = JSON.parse(atk);
const ratio = f(attacked, "p99_us") / f(base, "p99_us");
console.log(`Slow clients (get_ticket, ${process.env.SLOW_CLIENTS} connection(s) from 127.0.0.1): alone ` +
  `${Math.round(f(base, "rps"))} req/s, p50 ${ms(f(base, "p50_us"))}, p99 ${ms(f(base, "p99_us"))}; while ` +
  `127.0.0.2 tries to hold ${a.connections} connections trickling their headers (it held ${a.held_max} at ` +
  `most, ${a.held_avg} on average; ${a.attempts} attempts, ${a.refused} refused at once, ${a.cut} cut by ` +
  `the header deadline) ${Math.round(f(attacked, "rps"))} req/s, p50 ${ms(f(attacked, "p50_us"))}, ` +
  `p99 ${ms(f(attacked, "p99_us"))}: **p99 ${ratio.toFixed(2)}× the baseline** (goal: at most 2×).`);' \
		"$base_line" "$attack_line" "$(cat "$OUT/slowloris.json")")
	log "$SLOW_LINE"
fi

# --- mail ingestion (after the runs: it adds tickets) ------------------------
MAIL_JSON=
if [ "$MAIL_MESSAGES" -gt 0 ]; then
	log "mail ingestion: $MAIL_MESSAGES messages through /api/v2/mail/inbound"
	set +e
	MAIL_JSON=$(BENCH_PHASE_FILE=$WORK/phase node bench/mail.mjs --url "$BASE" --token "$TOKEN" --messages "$MAIL_MESSAGES")
	[ $? -eq 0 ] || FLAGGED=1
	set -e
	echo "$MAIL_JSON" >"$OUT/mail.json"
	wait_idle
fi

# --- after the runs: memory, tickets, database size, clean stop -------------
RSS=$(status_kb VmRSS)
HWM=$(status_kb VmHWM)
OTHER_AFTER=$(machine_busy)
TICKETS_END=$(node -e '
fetch(process.argv[1] + "/api/v2/tickets/count", {headers: {Authorization: "Bearer " + process.argv[2]}})
  .then(r => r.json()).then(j => console.log(j.count && typeof j.count === "object" ? j.count.value : j.count))
  .catch(() => console.log("?"))' "$BASE" "$TOKEN")
db_bytes() {
	if [ -n "$DB" ]; then
		psql "$DB" -Atc "SELECT pg_database_size(current_database())"
		return
	fi
	local n=0 f
	for f in "$DATA"/frontline.db "$DATA"/frontline.db-wal; do [ -f "$f" ] && n=$((n + $(stat -c %s "$f"))); done
	echo $n
}
DB_LIVE=$(db_bytes)
WAL_LIVE=$( [ -f "$DATA/frontline.db-wal" ] && stat -c %s "$DATA/frontline.db-wal" || echo 0)

SRV_RC=0
for n in $(seq 0 $((NODES - 1))); do
	kill -TERM "${SRV_PIDS[$n]}"
	set +e
	wait "${SRV_PIDS[$n]}"
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		SRV_RC=$rc
		FLAGGED=1
		log "node $((n + 1)) exited with status $rc after SIGTERM"
		tail -5 "$WORK/server-$((n + 1)).log" >&2
	fi
done
SRV_PIDS=()
DB_CLOSED=$(db_bytes)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# --- the table -------------------------------------------------------------
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_TOTAL=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
FS=$(df -T "$WORK" | awk 'NR == 2 {print $2}')
WRK_VERSION=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $2}')
VERSION=$("$BIN" version 2>/dev/null || echo "?")

md=$OUT/results.md
{
	echo "# Frontline benchmark results"
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), $VERSION ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', modified'))"
	echo "- machine: $(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL memory, data folder on $FS; wrk $WRK_VERSION, node $(node --version)"
	echo "- server: $NODES node(s), --threads ${SERVER_THREADS:-default} --quiet; store: $STORE"
	echo "- seeded: $SEEDED tickets + $SEED_COMMENTS extra comments in $SEED_SECS s: **$SEED_RATE tickets/s** ($SEED_HOW)${SEED_NOTE:+ — $SEED_NOTE}"
	echo "- each run: wrk for $DURATION, -t2 (-t1 at 1 connection), --latency, timeout $WRK_TIMEOUT; search words: $SEARCH_WORDS${SEARCH_EXTRA:+ (with $SEARCH_EXTRA)}"
	echo "- other work on the machine (server idle): $OTHER_BEFORE % of CPU before the runs, $OTHER_AFTER % after"
	echo
	echo "| scenario | connections | requests | req/s | p50 | p99 | vs ceiling | non-2xx | socket errors |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$md"

printf '\n%-14s %5s %9s %10s %10s %10s %10s %8s %7s\n' scenario conns requests "req/s" p50 p99 "vs ceil" non-2xx errors
for s in $SCENARIOS; do
	for c in $CONNECTIONS; do
		k=$s/$c
		ceil=${RPS[ceiling/$c]:-}
		ratio="-"
		[ -n "$ceil" ] && ratio=$(awk -v a="${RPS[$k]}" -v b="$ceil" 'BEGIN { r = 100 * a / b; printf(r < 1 ? "%.3f %%" : "%.1f %%", r) }')
		flag=""
		{ [ "${NON2XX[$k]}" != 0 ] || [ "${SOCK[$k]}" != 0 ]; } && flag=" !!"
		# with several nodes each gets at least one connection
		conns=$c
		[ "$NODES" -gt 1 ] && conns=$(( (c + NODES - 1) / NODES * NODES ))
		printf '%-14s %5s %9s %10.0f %10s %10s %10s %8s %7s%s\n' "$s" "$conns" "${REQS[$k]}" "${RPS[$k]}" \
			"$(fmt_ms "${P50[$k]}")" "$(fmt_ms "${P99[$k]}")" "$ratio" "${NON2XX[$k]}" "${SOCK[$k]}" "$flag"
		printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$s${flag:+ ⚠}" "$conns" "${REQS[$k]}" "${RPS[$k]}" \
			"$(fmt_ms "${P50[$k]}")" "$(fmt_ms "${P99[$k]}")" "$ratio" "${NON2XX[$k]}" "${SOCK[$k]}" >>"$md"
	done
done

{
	echo
	if [ -n "$SEARCH_JSON" ]; then
		node -e '
const j = JSON.parse(process.argv[1]);
console.log(`Search latency, 1 connection, ${j.samples} sequential searches (of ${j.requested} asked): ` +
  `p50 ${j.p50_ms} ms, **p95 ${j.p95_ms} ms**, p99 ${j.p99_ms} ms, max ${j.max_ms} ms, non-2xx ${j.non2xx}.`);
console.log("");
console.log("| word | tickets matching | p50 | p95 |");
console.log("| --- | ---: | ---: | ---: |");
for (const w of j.words) console.log(`| ${w.word} | ${w.hits} | ${w.p50_ms} ms | ${w.p95_ms} ms |`);' "$SEARCH_JSON"
		echo
	fi
	if [ -n "$SLOW_LINE" ]; then
		echo "$SLOW_LINE"
		echo
	fi
	if [ -n "$MAIL_JSON" ]; then
		node -e '
const j = JSON.parse(process.argv[1]);
console.log(`Mail ingestion (bench/mail.mjs, ${j.concurrency} in flight): **${j.ingest_per_s} messages/s**, ` +
  `p50 ${j.ingest_p50_ms} ms, p99 ${j.ingest_p99_ms} ms, non-2xx ${j.ingest_non2xx}; ${j.vs_ceiling} % of ` +
  `GET /livez from the same client (${j.ceiling_per_s}/s). One ${j.big_message_mb} MB message with 5 ` +
  `attachments: median ${j.big_median_ms} ms, max ${j.big_max_ms} ms.`);' "$MAIL_JSON"
		echo
	fi
	if [ -n "$BUSY_NOTES" ]; then
		printf '%s\n' "$BUSY_NOTES"
	fi
	if [ -s "$OUT/rss.tsv" ]; then
		# each phase's highest sample, in the order the phases ran
		echo "Node 1's VmRSS, the highest of the samples every $RSS_SAMPLE_MS ms in each phase (bench/out/rss.tsv):"
		echo
		echo "| phase | peak VmRSS |"
		echo "| --- | ---: |"
		awk -F'\t' '!($4 in m) { order[++n] = $4 } $2 > m[$4] { m[$4] = $2 }
			END { for (i = 1; i <= n; i++) printf "| %s | %.1f MiB |\n", order[i], m[order[i]] / 1024 }' "$OUT/rss.tsv"
		echo
	fi
	echo "Server memory after the runs (node 1): VmRSS $(awk -v k="$RSS" 'BEGIN{printf "%.1f MiB", k/1024}'), VmHWM (peak) $(awk -v k="$HWM" 'BEGIN{printf "%.1f MiB", k/1024}'); VmRSS after seeding $(awk -v k="$RSS_SEEDED" 'BEGIN{printf "%.1f MiB", k/1024}')."
	echo
	if [ -n "$DB" ]; then
		echo "Database: $(mib "$DB_LIVE") (pg_database_size) after the runs; $TICKETS_END tickets at the end (the seeded ones plus those the create runs added)."
	else
		echo "Database: $(mib "$DB_LIVE") while serving (of which WAL $(mib "$WAL_LIVE")), $(mib "$DB_CLOSED") after a clean stop; $TICKETS_END tickets at the end (the seeded ones plus those the create runs added)."
	fi
	echo
	echo "Server stop: SIGTERM, exit status $SRV_RC."
	[ "$FLAGGED" = 1 ] && echo && echo "**This run had errors (marked ⚠ above, or in seeding/stop): its figures are not clean.**"
} >>"$md"

echo
{ sed -n '/^Search latency/,$p' "$md" | grep -v '^$'; } || true # nothing when search did not run
echo
log "results: $md (raw wrk output: $OUT/wrk-*.txt)"
if [ "$FLAGGED" = 1 ]; then
	log "FLAGGED: some requests failed; see the rows marked !!"
	exit 1
fi
