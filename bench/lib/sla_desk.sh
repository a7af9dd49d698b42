# The desk the SLA benchmarks share (bench/sla.sh, sla_whatif.sh,
# sla_report.sh), sourced by each after it sets NAME (its messages'
# prefix), BIN (the frontline binary) and TICKETS: checks the tools, makes
# the data folder WORK (removed at exit unless KEEP_DATA=1) with its DB,
# and defines die, log, seed_desk (an admin, TOKEN, and TICKETS tickets
# seeded through the store: MAX_ID is the last), start_server [FLAGS…]
# (a server on a free loopback port: PORT, BASE), stop_server and
# api METHOD PATH JSON.
KEEP_DATA=${KEEP_DATA:-0}

die() { echo "$NAME: $*" >&2; exit 2; }
log() { echo "$NAME: $*" >&2; }
[ -x "$BIN" ] || die "$BIN not found (make build)"
for t in sqlite3 node curl; do
	command -v $t >/dev/null || die "$t not found (scripts/deps.sh bench)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/frontline-$NAME.XXXXXX")
DB=$WORK/frontline.db
SRV=
stop_server() {
	if [ -n "$SRV" ]; then
		kill -TERM "$SRV" 2>/dev/null || true
		wait "$SRV" 2>/dev/null || true
		SRV=
	fi
}
cleanup() {
	stop_server
	if [ "$KEEP_DATA" = 1 ]; then log "data kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

seed_desk() {
	echo "bench-password-$$" | "$BIN" user add --data "$WORK" --role admin --name Bench \
		--email bench@example.com --password-stdin >/dev/null
	TOKEN=$("$BIN" token create --data "$WORK" --email bench@example.com)
	log "seeding $TICKETS tickets"
	node bench/tickets.mjs --tickets "$TICKETS" |
		"$BIN" seed --data "$WORK" --tickets "$TICKETS" >"$WORK/seed.json" 2>"$WORK/seed.log" ||
		die "seeding failed: $(tail -3 "$WORK/seed.log")"
	MAX_ID=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).max_id)' \
		"$WORK/seed.json")
}

start_server() {
	PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	BASE=http://127.0.0.1:$PORT
	"$BIN" serve --data "$WORK" --listen "127.0.0.1:$PORT" --quiet "$@" 2>"$WORK/server.log" &
	SRV=$!
	for _ in $(seq 100); do
		curl -fs "$BASE/healthz" >/dev/null && break
		sleep 0.1
	done
	curl -fs "$BASE/healthz" >/dev/null || die "the server does not answer: $(tail -3 "$WORK/server.log")"
}

api() {
	curl -fsS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data "$3" "$BASE$2"
}
