#!/usr/bin/env bash
# Live chat (issue 17): what IDLE waiting visitors' open streams cost one
# node, and the message latency both ways while ACTIVE chats talk.
#
# Goals (docs/performance.md, "Live chat"), reported, not enforced:
#   - 1,000 concurrent idle chat connections on one node: memory per
#     connection reported, every one still open after HOLD seconds (on
#     heartbeats alone);
#   - while 100 chats exchange a message a second: visitor → agent p99
#     under 50 ms on localhost.
#
# Starts BIN (a release build) on a free loopback port with a temporary data
# folder (SQLite, or PostgreSQL with --db), an admin and ceil(ACTIVE /
# CAPACITY) agents with API tokens (the CLI), `serve --rate-limit 0` (each
# agent makes about 40 API requests a second, over the default 700 a
# minute); then bench/chat.mjs, from a loopback address of its own for
# every visitor, starts ACTIVE chats the agents accept and IDLE chats that
# stay queued, reads the server's VmRSS and descriptors before and after
# the IDLE visitors open GET /chat/api/stream, measures GET /healthz (the
# ceiling), and for DURATION seconds has each active chat's visitor post
# a message every 1/RATE s, which the agent hears on GET /api/v2/events,
# fetches and answers at once; the visitor hears the answer on their
# stream and fetches it. Latency is from the POST sent to the fetch
# holding the text.
#
#   bench/chat.sh [--db URI|start] [BIN]     (BIN: build/frontline)
#
# Environment: IDLE=1000, ACTIVE=100, DURATION=30 (seconds), RATE=1
# (messages a second a chat, each answered), HOLD=75 (seconds the idle
# streams are held: past libmicrohttpd's 60 s idle timeout), CAPACITY=20
# (each agent's chats, FL_CHAT_CAPACITY_MAX), KEEP_DATA=1 keeps the data
# folder, LOG_REQUESTS=1 has the server log every request there
# (server.log, each with its duration_ms). --db start starts a throwaway
# PostgreSQL (scripts/pg.sh, fsync off). TMPDIR decides where the data
# folder (and PostgreSQL's) go: /dev/shm takes the disk out.
# Prints a table, writes bench/out/chat.json (chat-pg.json on
# PostgreSQL); exit status 0 when every request succeeded, every message
# arrived and every stream stayed open (a missed goal is reported, not
# failed), 1 otherwise, 2 on a setup error.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DB=
BIN=
while [ $# -gt 0 ]; do
	case $1 in
	--db) DB=${2:?--db needs a URI or start}; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) BIN=$1; shift ;;
	esac
done
BIN=${BIN:-$ROOT/build/frontline}
IDLE=${IDLE:-1000}
ACTIVE=${ACTIVE:-100}
DURATION=${DURATION:-30}
DURATION=${DURATION%s}
RATE=${RATE:-1}
HOLD=${HOLD:-75}
CAPACITY=${CAPACITY:-20}
KEEP_DATA=${KEEP_DATA:-0}
LOG_REQUESTS=${LOG_REQUESTS:-0}

die() { echo "chat: $*" >&2; exit 2; }
log() { echo "chat: $*" >&2; }
[ -x "$BIN" ] || die "$BIN not found (make build)"
for t in node curl; do
	command -v $t >/dev/null || die "$t not found (scripts/deps.sh bench)"
done
[ "$CAPACITY" -ge 1 ] && [ "$CAPACITY" -le 20 ] || die "CAPACITY: 1 to 20 (FL_CHAT_CAPACITY_MAX)"
# the server's streams and this client's sockets: a descriptor each, twice
# (the soft limit only: the server raises its own to the hard one)
want_fds=$(((IDLE + ACTIVE) * 2 + 1024))
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge "$want_fds" ] ||
	die "open files are limited to $(ulimit -Hn); $want_fds needed"
[ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$want_fds" ] && ulimit -Sn "$want_fds"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/frontline-chat.XXXXXX")
SRV=
PG_DIR=
cleanup() {
	if [ -n "$SRV" ]; then
		kill -TERM "$SRV" 2>/dev/null || true
		wait "$SRV" 2>/dev/null || true
	fi
	[ -n "$PG_DIR" ] && scripts/pg.sh stop "$PG_DIR"
	if [ "$KEEP_DATA" = 1 ]; then log "data kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$DB" = start ]; then
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/frontline-pg.XXXXXX")
	DB=$(scripts/pg.sh start "$PG_DIR")/frontline_chat || die "cannot start PostgreSQL"
	psql "${DB%/*}/postgres" -qc "CREATE DATABASE frontline_chat" || die "cannot create the database"
	log "PostgreSQL started for this run (scripts/pg.sh; fsync off, as for tests)"
fi
[ -n "$DB" ] && export FRONTLINE_DB=$DB
STORE=${DB:+PostgreSQL}
STORE=${STORE:-SQLite}

echo "bench-password-$$-$RANDOM" | "$BIN" user add --data "$WORK" --role admin --name "Bench Admin" \
	--email bench@example.com --password-stdin >/dev/null
TOKEN=$("$BIN" token create --data "$WORK" --email bench@example.com)
NAGENTS=$(((ACTIVE + CAPACITY - 1) / CAPACITY))
[ "$NAGENTS" -ge 1 ] || NAGENTS=1
echo '[' >"$WORK/agents.json"
for i in $(seq "$NAGENTS"); do
	id=$(echo "bench-password-$$-$RANDOM" | "$BIN" user add --data "$WORK" --role agent \
		--name "Bench Agent $i" --email "agent$i@example.com" --password-stdin)
	tok=$("$BIN" token create --data "$WORK" --email "agent$i@example.com")
	[ "$i" -gt 1 ] && echo ',' >>"$WORK/agents.json"
	echo "{\"id\":$id,\"token\":\"$tok\"}" >>"$WORK/agents.json"
done
echo ']' >>"$WORK/agents.json"

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE=http://127.0.0.1:$PORT
"$BIN" serve --data "$WORK" --listen "127.0.0.1:$PORT" $([ "$LOG_REQUESTS" = 1 ] || echo --quiet) \
	--rate-limit 0 2>"$WORK/server.log" &
SRV=$!
for _ in $(seq 100); do
	curl -fs "$BASE/healthz" >/dev/null && break
	sleep 0.1
done
curl -fs "$BASE/healthz" >/dev/null || die "the server does not answer: $(tail -3 "$WORK/server.log")"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
set +e
node bench/chat.mjs --url "$BASE" --token "$TOKEN" --agents "$WORK/agents.json" --pid "$SRV" \
	--idle "$IDLE" --active "$ACTIVE" --seconds "$DURATION" --rate "$RATE" --hold "$HOLD" \
	--capacity "$CAPACITY" >"$WORK/result.json"
RC=$?
set -e
[ -s "$WORK/result.json" ] || die "bench/chat.mjs printed nothing"
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
kill -TERM "$SRV"
set +e
wait "$SRV"
SRV_RC=$?
set -e
SRV=
if [ "$SRV_RC" != 0 ]; then
	log "the server exited with status $SRV_RC on SIGTERM: $(tail -3 "$WORK/server.log")"
	RC=1
fi
mkdir -p bench/out
OUT=bench/out/chat${DB:+-pg}.json
node -e '
const fs = require("fs");
const [file, out, store, loadBefore, loadAfter, version] = process.argv.slice(1);
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const doc = { date: new Date().toISOString(), version, store, load_before: Number(loadBefore),
	load_after: Number(loadAfter), ...r };
fs.writeFileSync(out, JSON.stringify(doc, null, 2) + "\n");
const m = r.memory, h = r.held, l = r.load, mb = (kb) => (kb / 1024).toFixed(1) + " MiB";
console.log(`chat (${store}): ${r.idle} idle visitors with a queued chat and a stream open, ${r.active} chats ` +
	`talking (${r.agents} agents at capacity ${r.capacity}); load average ${loadBefore} before, ${loadAfter} after ` +
	"(2 shared cores: noisy)");
console.log(`setup: ${r.idle + r.active} visitors and chats in ${r.setup.seconds} s (${r.setup.chats_per_s} a second)`);
console.log(`idle streams: ${m.streams} opened in ${m.open_seconds} s; VmRSS ${mb(m.before.rss_kb)} -> ` +
	`${mb(m.after.rss_kb)}: ${m.rss_kb_per_stream} KiB a connection; descriptors ${m.before.fds} -> ` +
	`${m.after.fds} (${m.fds_per_stream} a connection); threads ${m.before.threads} -> ${m.after.threads}`);
console.log(`held ${h.seconds} s: ${h.still_open} of ${h.streams} still open; heartbeats each ${h.pings_min}..` +
	`${h.pings_max}; longest silence ${h.longest_silence_s} s`);
const pad = (s, n) => String(s).padEnd(n), lpad = (s, n) => String(s).padStart(n);
console.log(pad("", 34) + lpad("n", 7) + lpad("req/s", 9) + lpad("p50 ms", 9) + lpad("p90 ms", 9) + lpad("p99 ms", 9) +
	lpad("max ms", 9));
const row = (name, s, rps = "") => console.log(pad(name, 34) + lpad(s.n ?? "", 7) + lpad(rps, 9) + lpad(s.p50_ms, 9) +
	lpad(s.p90_ms, 9) + lpad(s.p99_ms, 9) + lpad(s.max_ms, 9));
row("ceiling GET /healthz, 1 conn", r.ceiling[1], r.ceiling[1].rps);
row("ceiling GET /healthz, 8 conns", r.ceiling[8], r.ceiling[8].rps);
row("visitor -> agent (has the text)", r.visitor_to_agent);
row("  its POST answered (committed)", r.stages.visitor_to_agent.posted);
row("  chat.message on /api/v2/events", r.stages.visitor_to_agent.heard);
row("agent -> visitor (has the text)", r.agent_to_visitor);
row("  its POST answered (committed)", r.stages.agent_to_visitor.posted);
row("  chat.message on the stream", r.stages.agent_to_visitor.heard);
row("GET /healthz under the load", r.healthz_under_load);
console.log(`load: ${l.seconds} s, ${l.messages} messages (${l.messages_per_s}/s), ${l.requests} requests ` +
	`(${l.requests_per_s}/s, ${(100 * l.vs_ceiling_rps).toFixed(1)} % of the ceiling at 8 connections); ` +
	`VmRSS ${mb(l.rss_kb_min)}..${mb(l.rss_kb_max)}`);
console.log(`store during the load: ${r.store.writes_per_s} writes/s in ${r.store.commits_per_s} commits/s ` +
	`(${r.store.writes_per_commit} a commit), ${r.store.tx_seconds_per_s} s in transactions a second; the server ` +
	`used ${(100 * r.store.server_cpu_per_s).toFixed(0)} % of a core (${(1000 * r.store.server_cpu_per_s / l.messages_per_s).toFixed(2)} ms a message), this client ` +
	`${(100 * r.store.client_cpu_per_s).toFixed(0)} %`);
const ratio = (a, b) => (b ? (a / b).toFixed(1) : "?");
console.log(`visitor -> agent p50/p99 = ${ratio(r.visitor_to_agent.p50_ms, r.healthz_under_load.p50_ms)}x / ` +
	`${ratio(r.visitor_to_agent.p99_ms, r.healthz_under_load.p99_ms)}x GET /healthz under the same load`);
console.log(`goal ${r.goal.what}: ${r.goal.met ? "met" : "MISSED"}`);
if (r.rate_limited)
	console.log(`429 answers: ${r.rate_limited}`);
if (r.failures)
	console.log(`FAILED: ${r.failures}: ${r.first_failures.join("; ")}`);
' "$WORK/result.json" "$OUT" "$STORE" "$LOAD_BEFORE" "$LOAD_AFTER" "$("$BIN" version 2>/dev/null || echo '?')"
log "results: $OUT"
exit "$RC"
