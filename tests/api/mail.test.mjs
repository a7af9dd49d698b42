// Mail in: `frontline mailgate` delivers a message from standard input as an
// MTA would; the server makes it a ticket or a comment. Every charset the
// channel reads (tests/fixtures/mail, made by tools/mail_fixtures.py) comes
// out as the same Ukrainian, Russian and Lithuanian text; replies thread by
// In-Reply-To and by [#id]; a forged reply does not land on someone else's
// ticket; a redelivered message is taken once; files become attachments;
// and the exit codes tell an MTA what to do.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { runCli, startServer } from './lib/server.mjs';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');
const UK = 'Доброго дня! Прошу повернути кошти за замовлення номер 4411: ґудзик відірвався, їжак і єнот у коробці.';
const RU = 'Здравствуйте! Посылка пришла разбитой, прошу вернуть деньги за заказ номер 7302. Съёмка приложена.';
const LT = 'Laba diena, sąskaitą gavau, bet ąžuolinė lentyna atvyko sulūžusi. Prašau grąžinti pinigus už užsakymą Nr. 5520.';

let srv, agent;

before(async () => {
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function mailgate(input, { token = srv.admin.token, url = srv.base } = {}) {
	return runCli(['mailgate', '--url', url, '--token', token], { input });
}

/** Delivers a message through the mailgate; resolves the ticket it made or changed. */
async function deliver(input) {
	const r = await mailgate(input);
	assert.equal(r.code, 0, `mailgate: ${r.stderr}`);
	const list = await srv.api('GET', '/api/v2/tickets?sort_by=updated_at&sort_order=desc&per_page=1');
	return list.json.tickets[0];
}

function eml({ from = 'Customer <customer@example.test>', subject = 'Hello', id, extra = '', body = 'Hello there' }) {
	return `From: ${from}\r\nTo: support@frontline.test\r\nSubject: ${subject}\r\n` +
		`Message-ID: <${id}>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0200\r\n${extra}` +
		'Content-Type: text/plain; charset=utf-8\r\n\r\n' + body + '\r\n';
}

async function comments(id, auth) {
	return (await srv.api('GET', `/api/v2/tickets/${id}/comments`, null, auth ? { auth } : {})).json.comments;
}

describe('where a mail was sent', () => {
	it('a ticket from mail records the address it came to as its recipient and via.source', async () => {
		const t = await deliver(eml({ id: 'recipient-1@example.test', subject: 'Recipient' }));
		assert.equal(t.subject, 'Recipient');
		assert.equal(t.recipient, 'support@frontline.test');
		assert.equal(t.via.channel, 'email');
		assert.equal(t.via.source.to.address, 'support@frontline.test');
		assert.equal(t.via.source.from.address, 'customer@example.test');
	});
});

describe('every charset', () => {
	const cases = [
		['uk-koi8u', UK, 'Повернення коштів'], ['uk-utf8', UK, 'Повернення коштів'],
		['ru-cp1251', RU, 'Разбитая посылка'], ['ru-koi8r', RU, 'Разбитая посылка'],
		['ru-iso88595', RU, 'Разбитая посылка'], ['lt-cp1257', LT, 'Sąskaita ir grąžinimas'],
		['lt-iso885913', LT, 'Sąskaita ir grąžinimas'],
		['ru-cp1251-as-latin1', RU, 'Mislabelled'], ['ru-koi8r-as-cp1251', RU, 'Mislabelled'],
		['uk-cp1251-unlabelled', UK, 'No charset'], ['lt-cp1257-unlabelled', LT, 'No charset'],
	];
	for (const [name, text, subject] of cases) {
		it(`${name} becomes a ticket with the text as written`, async () => {
			const t = await deliver(await fs.readFile(path.join(FIX, `${name}.eml`)));
			assert.equal(t.subject, subject);
			assert.equal(t.via.channel, 'email');
			const c = await comments(t.id);
			assert.equal(c[0].body, text);
			const requester = await srv.api('GET', `/api/v2/users/${t.requester_id}`);
			assert.equal(requester.json.user.email, 'customer@example.test');
		});
	}
});

describe('threads', () => {
	let ticket;

	it('a reply by In-Reply-To lands on its ticket, without the quoted history, and reopens it', async () => {
		ticket = await deliver(eml({ id: 'first@ivan.test', from: 'Ivan <ivan@example.test>',
			subject: 'Broken kettle', body: 'The kettle arrived broken.' }));
		let r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { status: 'pending',
			comment: { body: 'Send us a photo, please.' } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const t = await deliver(eml({ id: 'second@ivan.test', from: 'ivan@example.test',
			subject: 'Re: Broken kettle', extra: 'In-Reply-To: <first@ivan.test>\r\n',
			body: 'Photo attached.\r\n\r\nOn Sun, 22 Nov 2026, Support wrote:\r\n> Send us a photo, please.' }));
		assert.equal(t.id, ticket.id);
		assert.equal(t.status, 'open');
		const c = await comments(ticket.id);
		assert.equal(c.at(-1).body, 'Photo attached.');
		assert.equal(c.at(-1).author_id, ticket.requester_id);
		assert.equal(c.at(-1).via.channel, 'email');
	});

	it('a reply with only the [#id] token lands there too', async () => {
		const t = await deliver(eml({ id: 'third@ivan.test', from: 'ivan@example.test',
			subject: `Re: [#${ticket.id}] Broken kettle`, body: 'Any news?' }));
		assert.equal(t.id, ticket.id);
		assert.equal((await comments(ticket.id)).at(-1).body, 'Any news?');
	});

	it('a message claiming a ticket its sender is no party to becomes a new ticket, marked', async () => {
		const r = await mailgate(eml({ id: 'forged@evil.test', from: 'mallory@evil.test',
			subject: `Re: [#${ticket.id}] Broken kettle`, extra: 'In-Reply-To: <first@ivan.test>\r\n',
			body: 'Please send the refund to my card instead.' }));
		assert.equal(r.code, 0, r.stderr);
		const c = await comments(ticket.id);
		assert.ok(!c.some((x) => /refund to my card/.test(x.body)), 'the forged reply landed on the ticket');
		const s = await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent('"refund to my card"'));
		assert.equal(s.json.results.length, 1);
		const forged = s.json.results[0];
		assert.notEqual(forged.id, ticket.id);
		assert.ok(forged.tags.includes('mail_unverified_reply'));
		assert.equal(forged.external_id, `mail-claimed:${ticket.id}`);
	});

	it('a message delivered twice is taken once', async () => {
		const msg = eml({ id: 'twice@olena.test', from: 'olena@example.test', body: 'Only once, please.' });
		const first = await deliver(msg);
		const again = await mailgate(msg);
		assert.equal(again.code, 0, again.stderr);
		const s = await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent('"Only once, please"'));
		assert.deepEqual(s.json.results.map((x) => x.id), [first.id]);
		assert.equal((await comments(first.id)).length, 1);
	});

	it('people on Cc follow the ticket; the files come as attachments', async () => {
		const t = await deliver(await fs.readFile(path.join(FIX, 'ru-reply-multipart.eml')));
		assert.equal(t.collaborator_ids.length, 2);
		const cc = await srv.api('GET', `/api/v2/users/${t.collaborator_ids[0]}`);
		assert.equal(cc.json.user.email, 'olena@example.test');
		const c = await comments(t.id);
		// the message's own HTML, made safe, is what the comment shows
		assert.match(c.at(-1).html_body, /<p>Спасибо, <b>деньги получил<\/b>\.<\/p>/);
		assert.match(c.at(-1).html_body, /<img src="cid:logo@x">/);
		const files = c.at(-1).attachments;
		assert.deepEqual(files.map((f) => f.file_name).sort(), ['attachment', 'Чек №4411.pdf'].sort());
		const pdf = files.find((f) => f.file_name === 'Чек №4411.pdf');
		const d = await fetch(pdf.content_url.replace(/^http:\/\/[^/]+/, srv.base),
			{ headers: { authorization: `Bearer ${srv.admin.token}` } });
		assert.equal(Buffer.from(await d.arrayBuffer()).toString(), '%PDF-1.4 fake');
		assert.match(d.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''%D0%A7%D0%B5%D0%BA/);
	});
});

describe('queues and the mailbox command', () => {
	it('--queue puts a new ticket in the group of that name', async () => {
		const g = await srv.api('POST', '/api/v2/groups', { group: { name: 'Returns' } });
		assert.equal(g.status, 201, g.text);
		const r = await runCli(['mailgate', '--url', srv.base, '--token', srv.admin.token, '--queue', 'Returns'],
			{ input: eml({ id: 'queued@example.test', body: 'Return label, please.' }) });
		assert.equal(r.code, 0, r.stderr);
		const s = await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent('"Return label, please"'));
		assert.equal(s.json.results[0].group_id, g.json.group.id);
	});

	it('`frontline mailbox` adds, lists and removes mailboxes, owned by an admin', async () => {
		let r = await runCli(['mailbox', 'add', '--data', srv.dir, '--url', 'imaps://imap.shop.test:993',
			'--user', 'support@shop.test', '--owner', srv.admin.email], { input: 'secret\n' });
		assert.equal(r.code, 0, r.stderr);
		const id = r.stdout.trim();
		const api = await srv.api('GET', '/api/v2/mail/mailboxes');
		assert.deepEqual(api.json.mailboxes.map((m) => [String(m.id), m.url]), [[id, 'imaps://imap.shop.test:993']]);
		r = await runCli(['mailbox', 'list', '--data', srv.dir]);
		assert.match(r.stdout, new RegExp(`^${id}\timaps://imap.shop.test:993\tsupport@shop.test\tINBOX`));
		r = await runCli(['mailbox', 'add', '--data', srv.dir, '--url', 'imaps://x:1', '--user', 'u',
			'--owner', agent.email], { input: 'p\n' });
		assert.equal(r.code, 1);
		assert.match(r.stderr, /must be an admin/);
		r = await runCli(['mailbox', 'remove', '--data', srv.dir, id]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual((await srv.api('GET', '/api/v2/mail/mailboxes')).json.mailboxes, []);
	});
});

describe('mailgate exit codes', () => {
	it('75 while the server is down; delivered when the MTA retries after it is back', async () => {
		const msg = eml({ id: 'retry@example.test', body: 'Sent while you were down.' });
		await srv.stop();
		let r = await mailgate(msg);
		assert.equal(r.code, 75, r.stderr);
		assert.match(r.stderr, /stays queued/);
		await srv.start();
		r = await mailgate(msg);
		assert.equal(r.code, 0, r.stderr);
		const s = await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent('"Sent while you were down"'));
		assert.equal(s.json.results.length, 1);
	});

	it('75 for a token the server refuses (fix it and the mail comes)', async () => {
		let r = await mailgate(eml({ id: 'token@example.test' }), { token: 'nonsense' });
		assert.equal(r.code, 75, r.stderr);
		r = await mailgate(eml({ id: 'token2@example.test' }), { token: agent.token });
		assert.equal(r.code, 75, r.stderr); // agents may not deliver mail
		assert.match(r.stderr, /403/);
	});

	it('65 for what will never be a message, and for one over 50 MiB', async () => {
		let r = await mailgate('Subject: no sender at all\r\n\r\nbody\r\n');
		assert.equal(r.code, 65, r.stderr);
		assert.match(r.stderr, /From/);
		r = await mailgate(Buffer.alloc(50 * 1024 * 1024 + 10, 0x61));
		assert.equal(r.code, 65, r.stderr);
		assert.match(r.stderr, /larger than/);
	});

	it('64 for wrong arguments, and --help', async () => {
		assert.equal((await runCli(['mailgate'])).code, 64);
		assert.equal((await runCli(['mailgate', '--url', 'ftp://x', '--token', 't'])).code, 64);
		const h = await runCli(['mailgate', '--help']);
		assert.equal(h.code, 0);
		assert.match(h.stdout, /EX_TEMPFAIL/);
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
