#!/usr/bin/env node
// Mail ingestion benchmark: POSTs generated messages to
// /api/v2/mail/inbound (what `frontline mailgate` does for an MTA) and
// reports messages/s and latency percentiles, beside a ceiling measured in
// the same run (GET /livez over the same number of connections from this
// client), then the time one 10 MB message with 5 attachments takes.
//
//   node bench/mail.mjs --url http://127.0.0.1:PORT --token ADMIN_TOKEN
//        [--messages 5000] [--concurrency 64] [--fixtures tests/fixtures/mail]
//
// The messages: the project's charset fixtures (KOI8-U/R, windows-1251/1257,
// ISO-8859-5/13, UTF-8, mislabelled and unlabelled) each with a fresh
// Message-ID, and generated UTF-8 messages of which one in four carries
// a 20-60 KB attachment. Prints one JSON line. Only http://127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

function args() {
	const o = { url: null, token: null, messages: 5000, concurrency: 64,
		fixtures: path.join(path.dirname(new URL(import.meta.url).pathname), '../tests/fixtures/mail') };
	for (let i = 2; i < process.argv.length; i += 2) {
		const k = process.argv[i].replace(/^--/, ''), v = process.argv[i + 1];
		o[k] = ['messages', 'concurrency'].includes(k) ? Number(v) : v;
	}
	const u = new URL(o.url);
	if (u.hostname !== '127.0.0.1' || !o.token)
		throw new Error('usage: --url http://127.0.0.1:PORT --token TOKEN');
	return o;
}

const o = args();
const u = new URL(o.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });

function request(method, p, body, type) {
	return new Promise((resolve, reject) => {
		const t0 = process.hrtime.bigint();
		const req = http.request({ host: u.hostname, port: u.port, path: p, method, agent,
			headers: { authorization: `Bearer ${o.token}`, ...(body ? { 'content-type': type, 'content-length': body.length } : {}) } },
		(res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, us: Number(process.hrtime.bigint() - t0) / 1000 }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

const fixtures = fs.readdirSync(o.fixtures).filter((f) => f.endsWith('.eml'))
	.map((f) => fs.readFileSync(path.join(o.fixtures, f)));
const words = ['Замовлення', 'не прийшло', 'Посылка', 'разбита', 'sąskaita', 'grąžinimas', 'refund', 'kettle'];

function message(i) {
	if (i % 3 === 0) { // a fixture in its own charset, with a new Message-ID
		const f = fixtures[i % fixtures.length].toString('latin1');
		return Buffer.from(f.replace(/Message-ID: <[^>]*>/, `Message-ID: <bench-${i}-${Date.now()}@bench.test>`), 'latin1');
	}
	const text = Array.from({ length: 40 }, (_, k) => words[(i + k) % words.length]).join(' ');
	let body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
	let ctype = '';
	if (i % 4 === 1) {
		const file = Buffer.alloc(20_000 + (i % 40) * 1000, i % 251).toString('base64').replace(/.{76}/g, '$&\r\n');
		ctype = 'Content-Type: multipart/mixed; boundary="bb"\r\n';
		body = `\r\n--bb\r\n${body}--bb\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="r${i}.pdf"\r\n` +
			`Content-Transfer-Encoding: base64\r\n\r\n${file}\r\n--bb--\r\n`;
	}
	return Buffer.from(`From: Customer ${i % 500} <c${i % 500}@bench.test>\r\nTo: support@bench.test\r\n` +
		`Subject: Bench ${i}\r\nMessage-ID: <bench-${i}-${Date.now()}@bench.test>\r\n${ctype}${ctype ? '' : ''}` +
		(ctype ? body : body), 'utf8');
}

function pct(sorted, p) {
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] : 0;
}

async function run(n, make) {
	const lat = [];
	let next = 0, bad = 0;
	const t0 = Date.now();
	await Promise.all(Array.from({ length: o.concurrency }, async () => {
		for (;;) {
			const i = next++;
			if (i >= n)
				return;
			const r = await make(i);
			if (r.status < 200 || r.status > 299)
				bad++;
			lat.push(r.us);
		}
	}));
	const secs = (Date.now() - t0) / 1000;
	lat.sort((a, b) => a - b);
	return { n, secs, rate: n / secs, p50_ms: pct(lat, 50) / 1000, p99_ms: pct(lat, 99) / 1000, non2xx: bad };
}

// bench/run.sh tags its memory samples with the phase named in this file
const phase = (what) => process.env.BENCH_PHASE_FILE && fs.writeFileSync(process.env.BENCH_PHASE_FILE, `${what}\n`);
const msgs = Array.from({ length: o.messages }, (_, i) => message(i));
phase('mail: the ceiling (GET /livez)');
const ceiling = await run(o.messages, () => request('GET', '/livez'));
phase(`mail: ingestion, ${o.concurrency} in flight`);
const ingest = await run(o.messages, (i) => request('POST', '/api/v2/mail/inbound', msgs[i], 'message/rfc822'));

// one 10 MB message with 5 attachments, five times
phase('mail: one 10 MB message with 5 attachments, five times');
const big = [];
for (let k = 0; k < 5; k++) {
	let m = `From: big@bench.test\r\nSubject: Big ${k}\r\nMessage-ID: <big-${k}-${Date.now()}@bench.test>\r\n` +
		'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nП\'ять файлів.\r\n';
	for (let f = 0; f < 5; f++)
		m += `--zz\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${f}.bin"\r\n` +
			`Content-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(1_500_000, f + k).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;
	m += '--zz--\r\n';
	const r = await request('POST', '/api/v2/mail/inbound', Buffer.from(m), 'message/rfc822');
	big.push({ ms: r.us / 1000, status: r.status, bytes: m.length });
}
big.sort((a, b) => a.ms - b.ms);
console.log(JSON.stringify({
	messages: o.messages, concurrency: o.concurrency,
	ingest_per_s: Math.round(ingest.rate), ingest_p50_ms: +ingest.p50_ms.toFixed(2), ingest_p99_ms: +ingest.p99_ms.toFixed(2),
	ingest_non2xx: ingest.non2xx, ceiling_per_s: Math.round(ceiling.rate),
	vs_ceiling: +(100 * ingest.rate / ceiling.rate).toFixed(1),
	big_message_mb: +(big[0].bytes / 1048576).toFixed(1), big_median_ms: +big[2].ms.toFixed(1),
	big_max_ms: +big[4].ms.toFixed(1), big_non2xx: big.filter((b) => b.status < 200 || b.status > 299).length,
}));
agent.destroy();
if (ingest.non2xx || big.some((b) => b.status < 200 || b.status > 299))
	process.exitCode = 1;
