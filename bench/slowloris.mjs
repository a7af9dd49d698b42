#!/usr/bin/env node
// One address holding thousands of trickling connections (a "slowloris"):
// the attacker of the slow-clients run in bench/run.sh, which measures a
// legitimate client with wrk meanwhile.
//
//   node bench/slowloris.mjs --url http://127.0.0.1:PORT [--from 127.0.0.2]
//        [--connections 4000] [--seconds 30]
//
// Opens --connections connections from --from (Linux routes all of 127/8
// to loopback), 400 every 100 ms so as not to overflow the listen backlog.
// Each sends a request line and then its headers one byte a second, never
// ending them. A connection the server closes is opened again 0.5 to 1.5 s
// later, as an attacker would. After --seconds it closes everything and
// prints one JSON object: the connections it tried to hold, the most and
// the average it held open (sampled every second), connection attempts,
// how many the server closed at once (under 1 s: refused) and how many
// after a while (cut by a deadline). Only 127/8 is accepted.
import net from 'node:net';

const o = { url: null, from: '127.0.0.2', connections: 4000, seconds: 30 };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = () => process.argv[++i];
	if (a === '--url') o.url = v();
	else if (a === '--from') o.from = v();
	else if (a === '--connections') o.connections = Number(v());
	else if (a === '--seconds') o.seconds = Number(v());
	else {
		process.stderr.write(`slowloris: unknown argument ${a}\n`);
		process.exit(2);
	}
}
const u = o.url && new URL(o.url);
if (!u || u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || !o.from.startsWith('127.')) {
	process.stderr.write('slowloris: --url http://127.0.0.1:PORT and --from 127.x.y.z (loopback only)\n');
	process.exit(2);
}

const s = { connections: o.connections, from: o.from, seconds: o.seconds, attempts: 0,
	refused: 0, cut: 0, errors: 0, held_max: 0, held_avg: 0, bytes: 0 };
let open = 0, stopping = false;
const socks = new Set();

function hold() {
	if (stopping)
		return;
	s.attempts++;
	const sock = net.connect({ port: Number(u.port), host: '127.0.0.1', localAddress: o.from });
	let t0 = 0, timer = null, connected = false;
	socks.add(sock);
	sock.setNoDelay(true);
	sock.on('connect', () => {
		connected = true;
		open++;
		t0 = Date.now();
		sock.write('GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
		timer = setInterval(() => { sock.write('a'); s.bytes++; }, 1000);
	});
	sock.on('error', () => { if (!connected) s.errors++; });
	sock.on('close', () => {
		socks.delete(sock);
		clearInterval(timer);
		if (connected) {
			open--;
			if (Date.now() - t0 < 1000)
				s.refused++;
			else
				s.cut++;
		}
		if (!stopping)
			setTimeout(hold, 500 + Math.random() * 1000);
	});
}

let started = 0;
const ramp = setInterval(() => {
	for (let k = 0; k < 400 && started < o.connections; k++, started++)
		hold();
	if (started >= o.connections)
		clearInterval(ramp);
}, 100);

let samples = 0, sum = 0;
const sampler = setInterval(() => {
	samples++;
	sum += open;
	s.held_max = Math.max(s.held_max, open);
}, 1000);

setTimeout(() => {
	stopping = true;
	clearInterval(ramp);
	clearInterval(sampler);
	s.held_avg = samples ? Math.round(sum / samples) : 0;
	for (const sock of socks)
		sock.destroy();
	process.stdout.write(JSON.stringify(s) + '\n');
	process.exit(0);
}, o.seconds * 1000);
