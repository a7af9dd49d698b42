// Mail out, against a real SMTP server (Debian's aiosmtpd on loopback): a
// customer's mail is acknowledged in their language, an agent's reply goes
// out threaded to it, the customer's answer to that reply lands on the same
// ticket; nothing is lost while the relay is down; automatic mail gets no
// acknowledgement; solving says so.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { runCli, startServer } from './lib/server.mjs';

let srv, smtp, agent;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test',
		from_name: 'Крамниця — підтримка' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

async function deliver(msg) {
	const r = await runCli(['mailgate', '--url', srv.base, '--token', srv.admin.token], { input: msg });
	assert.equal(r.code, 0, r.stderr);
}

function eml({ from, id, subject, extra = '', body }) {
	return `From: ${from}\r\nTo: support@shop.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\n` +
		`Date: Sun, 22 Nov 2026 10:00:00 +0200\r\n${extra}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

const lastTicket = async () =>
	(await srv.api('GET', '/api/v2/tickets?sort_by=created_at&sort_order=desc&per_page=1')).json.tickets[0];

it('the settings show no password, and refuse what is not a relay', async () => {
	const g = await srv.api('GET', '/api/v2/mail/settings');
	assert.equal(g.json.mail_settings.from_address, 'support@shop.test');
	assert.equal(g.json.mail_settings.has_smtp_password, false);
	const bad = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: { smtp_url: 'http://x' } });
	assert.equal(bad.status, 422);
	const who = await srv.api('GET', '/api/v2/mail/settings', null, { auth: agent });
	assert.equal(who.status, 403);
});

it('round trip: mail in, acknowledged in Ukrainian, agent reply out, the customer\'s answer on the same ticket', async () => {
	await deliver(eml({ from: 'Оксана <oksana@example.test>', id: 'rt1@oksana.test',
		subject: 'Де моє замовлення?', body: 'Замовлення 4411 досі не прийшло. Чекаю вже тиждень.' }));
	const t = await lastTicket();
	const ack = await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`));
	assert.equal(ack.headers.to, 'oksana@example.test');
	assert.equal(ack.headers['in-reply-to'], '<rt1@oksana.test>');
	assert.equal(ack.headers['auto-submitted'], 'auto-generated');
	assert.match(ack.headers.from, /support@shop\.test/);
	assert.equal(ack.headers.subject, `[#${t.id}] Де моє замовлення?`);
	assert.match(ack.text, new RegExp(`Ми отримали ваше звернення #${t.id}`));

	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'pending',
		comment: { body: 'Посилку відправлено сьогодні, номер ТТН 5900.' } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	const reply = await smtp.waitFor((m) => /ТТН 5900/.test(m.text));
	assert.equal(reply.headers['in-reply-to'], '<rt1@oksana.test>');
	assert.ok(reply.headers.references.includes('<rt1@oksana.test>'));
	assert.equal(reply.headers['auto-submitted'], undefined);
	assert.match(reply.raw, /multipart\/alternative/);
	assert.match(reply.text, new RegExp(`Щоб доповнити звернення #${t.id}`));
	const ours = reply.headers['message-id'];
	assert.match(ours, /^<frontline-\d+-\d+\.[0-9a-f]{16}@shop\.test>$/);

	// the customer answers that mail from her client: In-Reply-To, no token
	await deliver(eml({ from: 'oksana@example.test', id: 'rt2@oksana.test',
		subject: 'Re: Де моє замовлення?', extra: `In-Reply-To: ${ours}\r\nReferences: <rt1@oksana.test> ${ours}\r\n`,
		body: `Дякую, отримала!\r\n\r\n22.11.2026 Крамниця написав:\r\n> Посилку відправлено сьогодні` }));
	const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
	assert.equal(c.at(-1).body, 'Дякую, отримала!');
	assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}`)).json.ticket.status, 'open');
	// her own answer is not mailed back to her
	await new Promise((res) => setTimeout(res, 1500));
	assert.ok(!(await smtp.messages()).some((m) => /Дякую, отримала/.test(m.text)));
});

it('nothing is lost while the relay is down: the reply goes once it is back', async () => {
	await deliver(eml({ from: 'jonas@example.test', id: 'down1@jonas.test', subject: 'Sąskaita',
		body: 'Laba diena, kur mano sąskaita?' }));
	const t = await lastTicket();
	await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`)); // the ack, in Lithuanian
	await smtp.stop();
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: {
		body: 'Sąskaitą išsiuntėme dar kartą.' } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	// the job fails and waits for its retry
	let failed;
	for (let i = 0; i < 50 && !failed; i++) {
		await new Promise((res) => setTimeout(res, 200));
		failed = (await srv.api('GET', '/api/v2/jobs?state=queued')).json.jobs
			.find((j) => j.kind === 'mail-send' && j.last_error);
	}
	assert.ok(failed, 'the send did not fail while the relay was down');
	assert.match(failed.last_error, /unreachable|relay/);
	await smtp.start();
	const m = await smtp.waitFor((x) => /išsiuntėme dar kartą/.test(x.text), 30_000);
	assert.match(m.text, new RegExp(`papildyti užklausą #${t.id}`));
	const again = (await smtp.messages()).filter((x) => /išsiuntėme dar kartą/.test(x.text));
	assert.equal(again.length, 1);
});

it('automatic mail is taken but not acknowledged; solving a ticket says so', async () => {
	await deliver(eml({ from: 'robot@example.test', id: 'auto1@robot.test', subject: 'Out of office',
		extra: 'Auto-Submitted: auto-replied\r\n', body: 'I am away.' }));
	const t = await lastTicket();
	assert.equal(t.subject, 'Out of office');
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved' } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	const solved = await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`));
	assert.match(solved.text, new RegExp(`Your request #${t.id} is solved`));
	assert.equal((await smtp.messages()).filter((m) => m.headers.subject.includes(`[#${t.id}]`)).length, 1,
		'the automatic mail was acknowledged');
});

it('a bounce about our mail becomes an internal note, and the address gets no more mail', async () => {
	await deliver(eml({ from: 'gone@example.test', id: 'gone1@example.test', subject: 'Will bounce',
		body: 'Please call me back.' }));
	const t = await lastTicket();
	const ack = await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`));
	const dsn = 'From: MAILER-DAEMON@relay.test\r\nTo: support@shop.test\r\nSubject: Undelivered Mail Returned to Sender\r\n' +
		'Message-ID: <dsn1@relay.test>\r\nAuto-Submitted: auto-replied\r\n' +
		'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"\r\n\r\n' +
		'--r1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n' +
		'--r1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.test\r\n\r\n' +
		'Final-Recipient: rfc822; Gone@Example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n' +
		'Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n' +
		`--r1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ack.headers['message-id']}\r\nSubject: x\r\n\r\n--r1--\r\n`;
	const before = (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
	await deliver(dsn);
	assert.equal((await srv.api('GET', '/api/v2/tickets/count')).json.count.value, before, 'the bounce became a ticket');
	const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
	assert.equal(c.at(-1).public, false);
	assert.match(c.at(-1).body, /Mail to gone@example\.test was not delivered \(failed 5\.1\.1: smtp; 550 5\.1\.1 user unknown\)/);
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'Calling back now.' } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	await new Promise((res) => setTimeout(res, 2500));
	assert.ok(!(await smtp.messages()).some((m) => /Calling back now/.test(m.text)), 'mail went to a bouncing address');
});

it('at most three automatic mails a day to one address: auto-responder loops stop', async () => {
	for (let i = 0; i < 8; i++)
		await deliver(eml({ from: 'loop@example.test', id: `loop${i}@example.test`, subject: `Loop ${i}`,
			body: `Thank you for your message ${i}.` }));
	await new Promise((res) => setTimeout(res, 3000));
	const acks = (await smtp.messages()).filter((m) => m.headers.to === 'loop@example.test');
	assert.equal(acks.length, 3);
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
