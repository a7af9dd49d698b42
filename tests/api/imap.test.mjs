// IMAP in, against Debian's dovecot on loopback, and the whole round trip
// with a real SMTP server too: a customer's mail arrives in the mailbox, is
// taken once (flagged only after the ticket is committed), acknowledged; an
// agent's reply goes out; the customer's answer to that reply, arriving in
// the mailbox, lands on the same ticket.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { IMAP_PASSWORD, IMAP_USER, startImap } from './lib/imap.mjs';
import { sleep, startServer } from './lib/server.mjs';
import { startSmtp } from './lib/smtp.mjs';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');
let srv, imap, smtp, agent, mailbox;

before(async () => {
	imap = await startImap();
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'], env: { FRONTLINE_IMAP_POLL: '1' } });
	({ agent } = srv.users);
	let r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: IMAP_USER, from_name: 'Shop' } });
	assert.equal(r.status, 200, r.text);
	r = await srv.api('POST', '/api/v2/mail/mailboxes', { mailbox: {
		url: imap.url, username: IMAP_USER, password: IMAP_PASSWORD } });
	assert.equal(r.status, 201, r.text);
	mailbox = r.json.mailbox;
});
after(async () => {
	await srv?.cleanup();
	await imap?.cleanup();
	await smtp?.cleanup();
});

async function search(phrase) {
	return (await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent(`"${phrase}"`))).json.results;
}

async function until(what, fn, ms = 20_000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			assert.fail(`${what}: not within ${ms} ms`);
		await sleep(200);
	}
}

it('the mailbox is listed without its password, for admins only', async () => {
	const r = await srv.api('GET', '/api/v2/mail/mailboxes');
	assert.equal(r.json.mailboxes.length, 1);
	assert.equal(r.json.mailboxes[0].folder, 'INBOX');
	assert.ok(!('password' in r.json.mailboxes[0]));
	assert.equal((await srv.api('GET', '/api/v2/mail/mailboxes', null, { auth: agent })).status, 403);
	const bad = await srv.api('POST', '/api/v2/mail/mailboxes', { mailbox: { url: 'http://x', username: 'a', password: 'b' } });
	assert.equal(bad.status, 422);
});

it('messages in the mailbox become tickets, each once, and are flagged only then', async () => {
	const uk = await fs.readFile(path.join(FIX, 'uk-koi8u.eml'));
	await imap.deliver(uk);
	await imap.deliver(await fs.readFile(path.join(FIX, 'lt-cp1257.eml')));
	const t = await until('the Ukrainian ticket', async () => (await search('їжак і єнот'))[0]);
	await until('the Lithuanian ticket', async () => (await search('ąžuolinė lentyna'))[0]);
	assert.equal(t.via.channel, 'email');
	// taken messages are seen and carry the keyword
	await until('both flagged', async () => {
		const f = await imap.flags();
		return f.length === 2 && f.every((x) => x.includes('S') && x.includes('a'));
	});
	assert.match(await imap.keywords(), /FrontlineTaken/);
	// the same message delivered again is taken, and changes nothing
	await imap.deliver(uk);
	await until('the copy flagged', async () => (await imap.flags()).filter((x) => x.includes('a')).length === 3);
	assert.equal((await search('їжак і єнот')).length, 1);
	const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
	assert.equal(c.length, 1);
	const mb = (await srv.api('GET', '/api/v2/mail/mailboxes')).json.mailboxes[0];
	assert.ok(mb.last_polled_at);
	assert.equal(mb.last_error, null);
});

it('round trip through dovecot and SMTP: acknowledged, answered, the answer to the answer threads back', async () => {
	await imap.deliver('From: Petras <petras@example.test>\r\nTo: support@shop.test\r\n' +
		'Subject: Grąžinimas\r\nMessage-ID: <rt-imap-1@petras.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0200\r\n' +
		'Content-Type: text/plain; charset=utf-8\r\n\r\nPrašau grąžinti pinigus už sulūžusią kėdę.\r\n');
	const t = await until('the ticket', async () => (await search('sulūžusią kėdę'))[0]);
	const ack = await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`));
	assert.match(ack.text, /Gavome jūsų užklausą/);
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: {
		body: 'Pinigus grąžinome šiandien.' } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	const reply = await smtp.waitFor((m) => /grąžinome šiandien/.test(m.text));
	assert.equal(reply.headers['in-reply-to'], '<rt-imap-1@petras.test>');
	await imap.deliver('From: petras@example.test\r\nTo: support@shop.test\r\nSubject: Re: Grąžinimas\r\n' +
		`Message-ID: <rt-imap-2@petras.test>\r\nIn-Reply-To: ${reply.headers['message-id']}\r\n` +
		'Date: Sun, 22 Nov 2026 12:00:00 +0200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
		'Ačiū, gavau.\r\n\r\n2026-11-22 Shop rašė:\r\n> Pinigus grąžinome šiandien.\r\n');
	await until('the answer on the ticket', async () => {
		const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		return c.at(-1).body === 'Ačiū, gavau.';
	});
});

it('what can never be a ticket is set aside, flagged, and the mailbox goes on', async () => {
	await imap.deliver('Subject: no sender\r\n\r\nnothing\r\n');
	await imap.deliver('From: later@example.test\r\nSubject: After the bad one\r\nMessage-ID: <later@x>\r\n' +
		'Content-Type: text/plain; charset=utf-8\r\n\r\nStill taken after a bad message.\r\n');
	await until('the next message taken', async () => (await search('Still taken after a bad message'))[0]);
	assert.match(await imap.keywords(), /FrontlineRefused/);
});

it('a message the parser fails on stays unseen and unmarked, and the mailbox goes on', async () => {
	// a node whose parser children may add 4 MiB: a 2 MB message kills them
	const box = await startImap();
	const tight = await startServer({ env: { FRONTLINE_IMAP_POLL: '1',
		FRONTLINE_MAIL_PARSE_MEMORY: '4', FRONTLINE_MAIL_PARSE_TIME: '3' } });
	try {
		const r = await tight.api('POST', '/api/v2/mail/mailboxes', { mailbox: {
			url: box.url, username: IMAP_USER, password: IMAP_PASSWORD } });
		assert.equal(r.status, 201, r.text);
		await box.deliver('From: big@example.test\r\nSubject: Too big for this parser\r\n' +
			'Message-ID: <big@x>\r\n\r\n' + `${'z'.repeat(70)}\r\n`.repeat(30_000));
		await box.deliver('From: small@example.test\r\nSubject: Small\r\nMessage-ID: <small@x>\r\n' +
			'Content-Type: text/plain; charset=utf-8\r\n\r\nTaken after the one that failed.\r\n');
		await until('the small one taken', async () =>
			(await tight.api('GET', '/api/v2/search?query=' + encodeURIComponent('"Taken after the one that failed"'))).json.results[0]);
		// another poll or two: the big one is fetched again, and still never marked
		await sleep(4000);
		assert.match(tight.log, /left for the next poll: the mail parser/);
		const flags = (await box.flags()).sort();
		assert.deepEqual(flags, ['', 'Sa'], `flags: ${JSON.stringify(flags)}`);
		await tight.stop();
	} finally {
		await tight.cleanup();
		await box.cleanup();
	}
});

it('a deleted mailbox is polled no more', async () => {
	assert.equal((await srv.api('DELETE', `/api/v2/mail/mailboxes/${mailbox.id}`)).status, 204);
	assert.deepEqual((await srv.api('GET', '/api/v2/mail/mailboxes')).json.mailboxes, []);
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
