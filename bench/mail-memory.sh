#!/usr/bin/env bash
# Mail that eats memory: what four hostile messages at once cost the server.
#
# Starts BIN (a release build) on a free loopback port with a temporary
# data folder, then POSTs four messages at once to /api/v2/mail/inbound,
# each 5.7 MB of 100,000 MIME parts, ROUNDS times, and reports the growth
# of the server's peak resident memory (VmHWM in /proc/PID/status, after
# minus before) and the time each message took. Run it with two binaries
# to compare: the in-process parser (a build of the commit before the
# parser moved into a child process) and this one.
#
#   bench/mail-memory.sh [BIN]        (default build/frontline, what `make build` makes)
#
# Environment: PARTS=100000, AT_ONCE=4, ROUNDS=3. Prints one Markdown
# table row: binary, status codes, VmHWM before, after, growth, time per
# message (median and worst). Only http://127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/frontline}
PARTS=${PARTS:-100000}
AT_ONCE=${AT_ONCE:-4}
ROUNDS=${ROUNDS:-3}

die() { echo "mail-memory: $*" >&2; exit 2; }
[ -x "$BIN" ] || die "$BIN not found (make build)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/frontline-mailmem.XXXXXX")
SRV=
cleanup() {
	[ -n "$SRV" ] && kill -TERM "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench-password-$$" | "$BIN" user add --data "$WORK" --role admin --name Bench \
	--email bench@example.com --password-stdin >/dev/null
TOKEN=$("$BIN" token create --data "$WORK" --email bench@example.com)
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$BIN" serve --data "$WORK" --listen "127.0.0.1:$PORT" --quiet 2>"$WORK/server.log" &
SRV=$!
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SRV/status"; }
BEFORE=$(kb VmHWM)

# the messages are made once, in memory; each round sends AT_ONCE at once
RESULT=$(node - "$PORT" "$TOKEN" "$PARTS" "$AT_ONCE" "$ROUNDS" <<'EOF'
const [port, token, parts, atOnce, rounds] = process.argv.slice(2);
const http = require('node:http');
function message(k) {
	const p = [];
	for (let i = 0; i < Number(parts); i++)
		p.push(`--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nx${i}\r\n`);
	return Buffer.from(`From: many${k}@example.test\r\nTo: help@desk.test\r\nSubject: many parts ${k}\r\n` +
		`Message-ID: <many-${k}-${Date.now()}@example.test>\r\n` +
		`Content-Type: multipart/mixed; boundary="b"\r\n\r\n${p.join('')}--b--\r\n`);
}
function post(body) {
	return new Promise((resolve, reject) => {
		const t0 = process.hrtime.bigint();
		const req = http.request({ host: '127.0.0.1', port, path: '/api/v2/mail/inbound', method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822',
				'content-length': body.length } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode,
				ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
		});
		req.setTimeout(600_000);
		req.on('error', reject);
		req.end(body);
	});
}
(async () => {
	const all = [];
	let size = 0;
	for (let r = 0; r < Number(rounds); r++) {
		const bodies = Array.from({ length: Number(atOnce) }, (_, k) => message(`${r}-${k}`));
		size = bodies[0].length;
		all.push(...await Promise.all(bodies.map(post)));
	}
	const ms = all.map((x) => x.ms).sort((a, b) => a - b);
	const statuses = [...new Set(all.map((x) => x.status))].join('/');
	console.log(JSON.stringify({ mb: (size / 1e6).toFixed(1), statuses,
		median_ms: Math.round(ms[ms.length >> 1]), max_ms: Math.round(ms.at(-1)) }));
})().catch((e) => { console.error(e); process.exit(1); });
EOF
)
AFTER=$(kb VmHWM)
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the server does not answer after the run"
node -e '
const [bin, before, after, j] = process.argv.slice(1);
const r = JSON.parse(j);
const mib = (k) => (k / 1024).toFixed(1) + " MiB";
console.log(`| ${bin} | ${r.mb} MB × ${process.env.AT_ONCE || 4} at once | ${r.statuses} | ${mib(before)} | ${mib(after)} | **${mib(after - before)}** | ${r.median_ms} ms | ${r.max_ms} ms |`);
' "$BIN" "$BEFORE" "$AFTER" "$RESULT"
