// Mail that eats memory: a message of 100,000 MIME parts (5.7 MB) is
// refused at once with a reason, and the server goes on; a parser child
// that dies (here: killed by a tiny configured memory limit) makes the
// message a temporary failure — 503 for the endpoint, exit status 75 for
// the gate, so the MTA tries again — never the server's end; text after a
// NUL in a body is kept; a 10 MB mail's attachments pass through the
// server's memory one at a time, not all at once.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { runCli, startServer } from './lib/server.mjs';

let srv, tight;

before(async () => {
	srv = await startServer();
	// every parser child may add 4 MiB of address space: a 2 MB message kills it
	tight = await startServer({ env: { FRONTLINE_MAIL_PARSE_MEMORY: '4', FRONTLINE_MAIL_PARSE_TIME: '3' } });
});
after(async () => {
	await srv?.cleanup();
	await tight?.cleanup();
});

const post = (s, raw) => s.api('POST', '/api/v2/mail/inbound', Buffer.from(raw, 'latin1'),
	{ headers: { 'content-type': 'message/rfc822' } });

function manyParts(n) {
	const parts = [];
	for (let i = 0; i < n; i++)
		parts.push(`--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nx${i}\r\n`);
	return 'From: many@example.test\r\nTo: help@desk.test\r\nSubject: many parts\r\n' +
		'Message-ID: <many@example.test>\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
		`${parts.join('')}--b--\r\n`;
}

function big() {
	return 'From: big@example.test\r\nTo: help@desk.test\r\nSubject: big\r\n' +
		'Message-ID: <big@example.test>\r\n\r\n' + `${'y'.repeat(70)}\r\n`.repeat(30_000);
}

it('a mail of 100,000 parts is refused at once (422, with the reason) and the server goes on', async () => {
	const raw = manyParts(100_000);
	assert.ok(raw.length > 5_000_000);
	const t0 = Date.now();
	const r = await post(srv, raw);
	const ms = Date.now() - t0;
	assert.equal(r.status, 422, r.text);
	assert.match(r.text, /more than 1000 MIME parts/);
	assert.ok(ms < 5000, `answered in ${ms} ms`);
	assert.equal((await srv.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
	// the gate tells the MTA never to try again
	const g = await runCli(['mailgate', '--url', srv.base, '--token', srv.admin.token], { input: raw });
	assert.equal(g.code, 65, g.stderr);
	// a thousand parts are still a message
	assert.equal((await post(srv, manyParts(900))).status, 201);
});

it('a parser child killed by its memory limit is a temporary failure, and the server stays up', async () => {
	const r = await post(tight, big());
	assert.equal(r.status, 503, r.text);
	assert.ok(r.headers.get('retry-after'));
	assert.match(tight.log, /mail inbound: the mail parser/);
	assert.equal((await tight.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
	// the gate's answer: EX_TEMPFAIL, the MTA keeps the message
	const g = await runCli(['mailgate', '--url', tight.base, '--token', tight.admin.token], { input: big() });
	assert.equal(g.code, 75, g.stderr);
	// small mail still goes through the same server
	const ok = await post(tight, 'From: small@example.test\r\nSubject: small\r\n\r\nhello\r\n');
	assert.equal(ok.status, 201, ok.text);
	// and the big one is taken where the limit allows it
	assert.equal((await post(srv, big())).status, 201);
});

it('text after a NUL in a body is kept', async () => {
	const r = await post(srv, 'From: nul@example.test\r\nSubject: nul\r\n' +
		'Content-Type: text/plain; charset=utf-8\r\n\r\nbefore\0after the NUL\r\n');
	assert.equal(r.status, 201, r.text);
	const c = (await srv.api('GET', `/api/v2/tickets/${r.json.ticket_id}/comments`)).json.comments;
	assert.equal(c[0].body, 'before\uFFFDafter the NUL');
});

// five 1.5 MB attachments, base64, in a 10 MB message; nested `depth`
// multiparts deep (past 32 the parser reads nothing: the same bytes, no files)
function fiveFiles(files, depth, id) {
	let open = '', close = '';
	for (let d = 0; d < depth; d++) {
		open += `Content-Type: multipart/mixed; boundary="n${d}"\r\n\r\n--n${d}\r\n`;
		close = `--n${d}--\r\n${close}`;
	}
	let m = `From: files@example.test\r\nTo: help@desk.test\r\nSubject: five files\r\n` +
		`Message-ID: <${id}@example.test>\r\n${open}Content-Type: multipart/mixed; boundary="zz"\r\n\r\n` +
		'--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nП\'ять файлів.\r\n';
	files.forEach((f, i) => {
		m += `--zz\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n` +
			`Content-Transfer-Encoding: base64\r\n\r\n${f.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;
	});
	return Buffer.from(`${m}--zz--\r\n${close}`);
}

// VmRSS and VmHWM of a server, in bytes
async function memory(s) {
	const st = await fs.readFile(`/proc/${s.proc.pid}/status`, 'utf8');
	const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st)[1]) * 1024;
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

// How far a server's resident memory rose over its RSS while it took raw:
// its peak (VmHWM) reset first (clear_refs 5, proc(5)).
async function rise(s, raw) {
	await fs.writeFile(`/proc/${s.proc.pid}/clear_refs`, '5');
	const before = await memory(s);
	const r = await post(s, raw);
	assert.equal(r.status, 201, r.text);
	return { rise: (await memory(s)).hwm - before.rss, ticket: r.json.ticket_id };
}

it('a 10 MB mail\'s five 1.5 MB attachments pass through the server one at a time, byte for byte', async () => {
	let seed = 7;
	const files = Array.from({ length: 5 }, () => Buffer.from(Array.from({ length: 1_500_000 },
		() => (seed = (seed * 1103515245 + 12345) % 2147483648) >> 16 & 0xff)));
	const dirs = await Promise.all([0, 1].map(() => fs.mkdtemp(path.join(os.tmpdir(), 'frontline-att-'))));
	// the attachments in a folder: the transaction needs their digests only
	const [taken, control] = await Promise.all(dirs.map((d) => startServer({ env: { FRONTLINE_ATTACHMENTS: d } })));
	try {
		for (const s of [taken, control]) // the parser child started, the code paths warm
			assert.equal((await post(s, 'From: w@example.test\r\nSubject: warm\r\n\r\nhi\r\n')).status, 201);
		// the same 10 MB with its files out of the parser's reach: what the
		// body costs; what the taken one costs beyond it is the files'
		const c = await rise(control, fiveFiles(files, 34, 'control'));
		const raw = fiveFiles(files, 0, 'taken');
		assert.ok(raw.length > 10_000_000);
		const t = await rise(taken, raw);
		const beyond = (t.rise - c.rise) / 1048576;
		// all five at once would be 7.5 MB; one at a time is 1.5 MB
		assert.ok(beyond < 4, `the files raised the peak by ${beyond.toFixed(1)} MiB beyond the body's ${(c.rise / 1048576).toFixed(1)} MiB`);
		const cs = (await control.api('GET', `/api/v2/tickets/${c.ticket}/comments`)).json.comments;
		assert.equal(cs[0].attachments.length, 0);
		const got = (await taken.api('GET', `/api/v2/tickets/${t.ticket}/comments`)).json.comments[0].attachments;
		assert.deepEqual(got.map((f) => f.file_name), ['f0.bin', 'f1.bin', 'f2.bin', 'f3.bin', 'f4.bin']);
		for (const [i, f] of got.entries()) {
			const d = await fetch(f.content_url.replace(/^http:\/\/[^/]+/, taken.base),
				{ headers: { authorization: `Bearer ${taken.admin.token}` } });
			assert.equal(d.status, 200);
			assert.ok(Buffer.from(await d.arrayBuffer()).equals(files[i]), `f${i}.bin differs`);
		}
		await taken.stop(); // clean exits: nothing leaked, no sanitizer report
		await control.stop();
	} finally {
		await taken.cleanup();
		await control.cleanup();
		await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
	}
});

it('servers exit with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await tight.stop();
	await srv.stop();
});
