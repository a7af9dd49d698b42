// Mail that eats memory: a message of 100,000 MIME parts (5.7 MB) is
// refused at once with a reason, and the server goes on; a parser child
// that dies (here: killed by a tiny configured memory limit) makes the
// message a temporary failure — 503 for the endpoint, exit status 75 for
// the gate, so the MTA tries again — never the server's end; text after a
// NUL in a body is kept.
import assert from 'node:assert/strict';
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

it('servers exit with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await tight.stop();
	await srv.stop();
});
