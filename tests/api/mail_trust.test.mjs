// Mail we trust and mail we write, against a real SMTP server (Debian's
// aiosmtpd, which records each message's envelope in X-MailFrom and
// X-RcptTo): the security issue's items 1, 3 and 7.
//   1. no address with CR, LF, NUL or quotes gets in by any door (mail,
//      API, portal, CLI), and nothing we write carries a line of someone
//      else's into an SMTP command or a header;
//   3. Authentication-Results count only from our receiving host
//      (authserv_id): a forged reply is a new ticket, and Cc adds followers
//      to an existing ticket only for a verified sender;
//   7. automatic mail goes to the requester alone, never to no-reply
//      addresses, at most 3 a day an address; mail from our own addresses
//      is quarantined and they are no one's; a delayed bounce stops nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { runCli, sleep, startServer } from './lib/server.mjs';

const EVIL_CC = '"x\r\n RCPT TO:<evil@evil.example>\r\n y"@example.org';
const BAD_ADDRESSES = ['x\r\n RCPT TO:<evil@evil.example>\r\n y@example.org', 'a\u0000b@example.org',
	'"x y"@example.org', 'a@b.test\nRCPT TO:<evil@evil.example>'];
const MX = 'mx.shop.test';
let srv, smtp, agent;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test', from_name: 'Shop' } });
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

function eml({ from, id, subject = 'Hello', extra = '', body = 'Hello there' }) {
	return `${extra}From: ${from}\r\nTo: support@shop.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\n` +
		`Date: Sun, 22 Nov 2026 10:00:00 +0200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

const lastTicket = async () =>
	(await srv.api('GET', '/api/v2/tickets?sort_by=created_at&sort_order=desc&per_page=1')).json.tickets[0];
const ticket = async (id) => (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
const emailsOf = async (ids) => Promise.all(ids.map(async (id) =>
	(await srv.api('GET', `/api/v2/users/${id}`)).json.user.email));
const userByEmail = async (email) =>
	(await srv.api('GET', '/api/v2/users?per_page=100')).json.users.filter((u) => u.email === email);
/** The envelope recipients of every message the relay took. */
const recipients = async () => (await smtp.messages()).flatMap((m) => (m.headers['x-rcptto'] ?? '').split(', '));
const about = (t) => (m) => m.headers.subject.includes(`[#${t.id}]`);

async function settings(s) {
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: s });
	assert.equal(r.status, 200, r.text);
	return r.json.mail_settings;
}

async function reply(t, text) {
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: text } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return smtp.waitFor((m) => m.text.includes(text));
}

describe('1. no SMTP command or header from anyone\'s input', () => {
	it('mail: the Cc with CR LF and an RCPT TO is no one, and the relay never sees evil@evil.example', async () => {
		await deliver(eml({ from: 'ann@customer.test', id: 'inj1@customer.test', subject: 'Injection',
			extra: `Cc: ${EVIL_CC}, Fine <fine@customer.test>\r\n` }));
		const t = await lastTicket();
		assert.deepEqual(await emailsOf(t.collaborator_ids), ['fine@customer.test']);
		const ack = await smtp.waitFor(about(t));
		assert.equal(ack.headers['x-rcptto'], 'ann@customer.test');
		await reply(t, 'Agent answer to the injection ticket.');
		assert.ok(!(await recipients()).some((x) => /evil/.test(x)), 'evil@evil.example got mail');
		assert.ok(!(await smtp.messages()).some((m) => /evil@evil\.example/.test(m.raw)));
	});

	it('API: users, identities and a ticket\'s requester refuse CR LF, NUL and quoted local parts', async () => {
		for (const email of BAD_ADDRESSES) {
			let r = await srv.api('POST', '/api/v2/users', { user: { name: 'X', email } });
			assert.ok([400, 422].includes(r.status), `${JSON.stringify(email)}: ${r.status}`);
			r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'S', comment: { body: 'B' },
				requester: { name: 'X', email } } }, { auth: agent });
			assert.ok([400, 422].includes(r.status), `${JSON.stringify(email)}: ${r.status}`);
			r = await srv.api('POST', `/api/v2/users/${agent.id}/identities`, { identity: { type: 'email', value: email } });
			assert.ok([400, 422].includes(r.status), `${JSON.stringify(email)}: ${r.status}`);
		}
		assert.deepEqual(await userByEmail('evil@evil.example'), []);
	});

	it('portal: the contact form refuses them', async () => {
		const before = (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
		for (const email of BAD_ADDRESSES.slice(0, 4)) {
			const body = new URLSearchParams({ name: 'X', email, subject: 'S', description: 'D' });
			const r = await fetch(`${srv.base}/portal/requests`, { method: 'POST', body,
				headers: { accept: 'application/json' } });
			assert.equal(r.status, 422, `${JSON.stringify(email)}: ${r.status}`);
		}
		assert.equal((await srv.api('GET', '/api/v2/tickets/count')).json.count.value, before);
	});

	it('CLI: `frontline user add` refuses them', async () => {
		for (const email of BAD_ADDRESSES.filter((e) => !e.includes('\u0000'))) { // argv cannot hold NUL
			const r = await runCli(['user', 'add', '--data', srv.dir, '--role', 'end-user', '--name', 'X',
				'--email', email], { leaks: false });
			assert.notEqual(r.code, 0, JSON.stringify(email));
		}
	});

	it('a subject with CR LF and bidi overrides is one line of plain text in what we send', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: {
			subject: 'Refund\r\nBcc: evil@evil.example\r\n\r\n\u202Eexe.fdp', comment: { body: 'B' },
			requester: { name: 'Pat', email: 'pat@customer.test' } } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		const m = await reply(r.json.ticket, 'About your refund, Pat.');
		assert.equal(m.headers['x-rcptto'], 'pat@customer.test');
		assert.equal(m.headers.bcc, undefined);
		assert.ok(!/^Bcc:/im.test(m.raw.split(/\r?\n\r?\n/)[0]), 'a Bcc header was written');
		assert.ok(!m.headers.subject.includes('\u202E'));
		assert.match(m.headers.subject, /Refund Bcc: evil@evil\.example exe\.fdp$/);
	});
});

describe('3. Authentication-Results from our host only', () => {
	let t;

	it('with no authserv_id set, a reply with Cc adds no follower', async () => {
		assert.equal((await srv.api('GET', '/api/v2/mail/settings')).json.mail_settings.authserv_id, null);
		await deliver(eml({ from: 'alice@customer.test', id: 'a1@customer.test', subject: 'My order' }));
		t = await lastTicket();
		await deliver(eml({ from: 'alice@customer.test', id: 'a2@customer.test', subject: 'Re: My order',
			extra: `Authentication-Results: ${MX}; dmarc=pass header.from=customer.test\r\n` +
				'In-Reply-To: <a1@customer.test>\r\nCc: carol@customer.test\r\n', body: 'More details.' }));
		const now = await ticket(t.id);
		assert.equal(now.updated_at >= t.updated_at, true);
		assert.deepEqual(now.collaborator_ids, []);
		const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.equal(c.at(-1).body, 'More details.'); // the reply itself still lands
	});

	it('authserv_id is a setting, and refuses what is not a host name', async () => {
		const bad = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: { authserv_id: 'mx; dmarc=pass' } });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /authserv_id/);
		assert.equal((await settings({ authserv_id: MX })).authserv_id, MX);
	});

	it('a "reply" our host says failed DMARC is a new linked ticket; mallory never joins or hears', async () => {
		await deliver(eml({ from: 'alice@customer.test', id: 'spoof1@evil.test', subject: 'Re: My order',
			extra: `Authentication-Results: ${MX}; spf=fail smtp.mailfrom=evil.test; dmarc=fail header.from=customer.test\r\n` +
				'In-Reply-To: <a1@customer.test>\r\nCc: mallory@evil.test\r\n', body: 'Send the invoice to us both.' }));
		assert.deepEqual((await ticket(t.id)).collaborator_ids, []);
		const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.ok(!c.some((x) => /invoice to us both/.test(x.body)), 'the forged reply landed');
		const forged = await lastTicket();
		assert.notEqual(forged.id, t.id);
		assert.equal(forged.external_id, `mail-claimed:${t.id}`);
		assert.ok(forged.tags.includes('mail_unverified_reply') && forged.tags.includes('mail_auth_failed'));
		assert.deepEqual(forged.collaborator_ids, []);
		await reply(t, 'Your invoice is attached, Alice.');
		assert.ok(!(await recipients()).includes('mallory@evil.test'), 'mallory got mail');
	});

	it('the sender\'s own "pass" below ours, or ours below a foreign header, changes nothing', async () => {
		await deliver(eml({ from: 'alice@customer.test', id: 'spoof2@evil.test', subject: 'Re: My order',
			extra: `Authentication-Results: ${MX}; dmarc=fail header.from=customer.test\r\n` +
				`Authentication-Results: ${MX}; dmarc=pass header.from=customer.test\r\n` +
				'In-Reply-To: <a1@customer.test>\r\nCc: mallory@evil.test\r\n', body: 'Second try.' }));
		assert.equal((await lastTicket()).external_id, `mail-claimed:${t.id}`);
		await deliver(eml({ from: 'alice@customer.test', id: 'spoof3@evil.test', subject: 'Re: My order',
			extra: 'Authentication-Results: relay.evil.test; none\r\n' +
				`Authentication-Results: ${MX}; dmarc=pass header.from=customer.test\r\n` +
				'In-Reply-To: <a1@customer.test>\r\nCc: mallory@evil.test\r\n', body: 'Third try.' }));
		// unverified, not failing: the requester's reply lands, its Cc does not
		const c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.equal(c.at(-1).body, 'Third try.');
		assert.deepEqual((await ticket(t.id)).collaborator_ids, []);
	});

	it('a reply our host verified adds its Cc as followers', async () => {
		await deliver(eml({ from: 'alice@customer.test', id: 'a3@customer.test', subject: 'Re: My order',
			extra: `Authentication-Results: ${MX}; spf=pass smtp.mailfrom=customer.test;\r\n` +
				' dkim=pass header.d=customer.test; dmarc=pass header.from=customer.test\r\n' +
				'In-Reply-To: <a1@customer.test>\r\nCc: Carol <carol@customer.test>\r\n', body: 'Adding Carol.' }));
		assert.deepEqual(await emailsOf((await ticket(t.id)).collaborator_ids), ['carol@customer.test']);
	});
});

describe('7. automatic mail, our own addresses, bounces', () => {
	it('the acknowledgement goes to the requester alone, not to 60 people on Cc', async () => {
		const cc = Array.from({ length: 40 }, (_, i) => `victim${i}@third.test`).join(', ');
		await deliver(eml({ from: 'bob@customer.test', id: 'cc60@customer.test', subject: 'Many Cc',
			extra: `Cc: ${cc}\r\n` }));
		const t = await lastTicket();
		assert.equal(t.collaborator_ids.length, 40); // they follow a new ticket, as before
		const ack = await smtp.waitFor(about(t));
		assert.equal(ack.headers['x-rcptto'], 'bob@customer.test');
		assert.equal(ack.headers.to, 'bob@customer.test');
		// an agent's reply still goes to everyone on the ticket
		const m = await reply(t, 'Answer for all of you.');
		assert.equal(m.headers['x-rcptto'].split(', ').length, 41);
	});

	it('no automatic mail to no-reply senders; at most 3 a day to one address', async () => {
		await deliver(eml({ from: 'no-reply@vendor.test', id: 'nr1@vendor.test', subject: 'Your invoice' }));
		await deliver(eml({ from: 'MAILER-DAEMON@relay.test', id: 'nr2@relay.test', subject: 'Note' }));
		for (let i = 0; i < 5; i++)
			await deliver(eml({ from: 'ooo@customer.test', id: `ooo${i}@customer.test`, subject: `Away ${i}` }));
		assert.equal((await srv.api('GET', '/api/v2/mail/settings')).json.mail_settings.automatic_mail_limit, 3);
		await sleep(3000);
		const all = await recipients();
		assert.equal(all.filter((x) => x === 'ooo@customer.test').length, 3);
		assert.ok(!all.includes('no-reply@vendor.test') && !all.includes('mailer-daemon@relay.test'));
		const bad = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: { automatic_mail_limit: -1 } });
		assert.equal(bad.status, 422);
	});

	it('sign-in links anyone may ask for count apart: three of them leave the customer\'s acknowledgement its place', async () => {
		await deliver(eml({ from: 'dana@customer.test', id: 'dana0@customer.test', subject: 'First' }));
		await smtp.waitFor((m) => m.headers.to === 'dana@customer.test' && /First/.test(m.headers.subject));
		for (let i = 0; i < 3; i++) {
			const r = await srv.api('POST', '/api/v2/portal/magic_link', { email: 'dana@customer.test' }, { auth: 'anonymous' });
			assert.equal(r.status, 202, r.text);
		}
		await deliver(eml({ from: 'dana@customer.test', id: 'dana1@customer.test', subject: 'Second' }));
		await smtp.waitFor((m) => m.headers.to === 'dana@customer.test' && /Second/.test(m.headers.subject));
		const links = (await smtp.messages()).filter((m) => m.headers.to === 'dana@customer.test' && /signin#token=/.test(m.text));
		assert.equal(links.length, 3);
	});

	it('mail From our own address or a mailbox\'s is quarantined: no ticket, no user, no mail', async () => {
		const mb = await srv.api('POST', '/api/v2/mail/mailboxes', { mailbox: { url: 'imaps://imap.shop.test:993',
			username: 'billing@shop.test', password: 'x' } });
		assert.equal(mb.status, 201, mb.text);
		const before = (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
		const loop = eml({ from: 'Shop <Support@Shop.test>', id: 'loop1@shop.test', subject: '[#1] We got it' });
		await deliver(loop);
		await deliver(loop); // a redelivery is kept once
		await deliver(eml({ from: 'billing@shop.test', id: 'loop2@shop.test', subject: 'Invoice' }));
		assert.equal((await srv.api('GET', '/api/v2/tickets/count')).json.count.value, before);
		const q = await srv.api('GET', '/api/v2/mail/quarantine');
		assert.equal(q.status, 200, q.text);
		assert.deepEqual(q.json.quarantined_mails.map((x) => [x.from, x.message_id, x.reason]), [
			['billing@shop.test', 'loop2@shop.test', 'from_own_address'],
			['support@shop.test', 'loop1@shop.test', 'from_own_address']]);
		assert.equal(q.json.quarantined_mails[1].subject, '[#1] We got it');
		assert.equal(q.json.meta.has_more, false);
		const page = await srv.api('GET', '/api/v2/mail/quarantine?page[size]=1');
		assert.equal(page.json.quarantined_mails.length, 1);
		const next = await srv.api('GET', `/api/v2/mail/quarantine?page[size]=1&page[after]=${page.json.meta.after_cursor}`);
		assert.equal(next.json.quarantined_mails[0].message_id, 'loop1@shop.test');
		assert.equal((await srv.api('GET', '/api/v2/mail/quarantine', null, { auth: agent })).status, 403);
		assert.deepEqual(await userByEmail('support@shop.test'), []);
	});

	it('our own addresses are no one\'s: not on Cc, not by the API, not by the CLI', async () => {
		await deliver(eml({ from: 'dora@customer.test', id: 'own-cc@customer.test', subject: 'Cc us',
			extra: 'Cc: support@shop.test, billing@shop.test\r\n' }));
		const t = await lastTicket();
		assert.equal(t.subject, 'Cc us');
		assert.deepEqual(t.collaborator_ids, []);
		for (const email of ['support@shop.test', 'BILLING@shop.test']) {
			const r = await srv.api('POST', '/api/v2/users', { user: { name: 'Us', email } });
			assert.equal(r.status, 422, r.text);
			assert.match(JSON.stringify(r.json), /email/);
		}
		const id = await srv.api('POST', `/api/v2/users/${t.requester_id}/identities`,
			{ identity: { type: 'email', value: 'support@shop.test' } });
		assert.equal(id.status, 422, id.text);
		const cli = await runCli(['user', 'add', '--data', srv.dir, '--role', 'end-user', '--name', 'Us',
			'--email', 'support@shop.test'], { leaks: false });
		assert.notEqual(cli.code, 0);
		assert.match(cli.stderr, /own address/);
		assert.deepEqual(await userByEmail('support@shop.test'), []);
	});

	it('a delayed (4.x.x) report is a note and stops nothing; a failed 5.x.x one stops mail', async () => {
		await deliver(eml({ from: 'slow@customer.test', id: 'slow1@customer.test', subject: 'Slow mailbox' }));
		const t = await lastTicket();
		const ack = await smtp.waitFor(about(t));
		const dsn = (action, status) => 'From: MAILER-DAEMON@relay.test\r\nTo: support@shop.test\r\n' +
			`Subject: Delivery Status\r\nMessage-ID: <dsn-${action}@relay.test>\r\nAuto-Submitted: auto-replied\r\n` +
			'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"\r\n\r\n' +
			'--r1\r\nContent-Type: text/plain\r\n\r\nReport.\r\n' +
			'--r1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.test\r\n\r\n' +
			`Final-Recipient: rfc822; slow@customer.test\r\nAction: ${action}\r\nStatus: ${status}\r\n\r\n` +
			`--r1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: ${ack.headers['message-id']}\r\n\r\n--r1--\r\n`;
		await deliver(dsn('delayed', '4.4.7'));
		let c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.equal(c.at(-1).public, false);
		assert.match(c.at(-1).body, /slow@customer\.test was not delivered \(delayed 4\.4\.7/);
		await reply(t, 'Still writing to you after the delay.');
		await deliver(dsn('failed', '5.2.2'));
		c = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.match(c.at(-1).body, /failed 5\.2\.2/);
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'After the failure.' } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await sleep(2500);
		assert.ok(!(await smtp.messages()).some((m) => /After the failure/.test(m.text)));
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
