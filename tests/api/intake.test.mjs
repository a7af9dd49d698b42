// The one intake (src/tickets/intake.h) seen from outside: a customer is one
// person by their address whether they write by mail, by the portal's form
// or an agent files for them through the API; a deactivated customer is
// refused on every channel, by the channel's field; acknowledgements are
// limited per requester across channels; and a reply records the channel it
// was typed in (the workspace's browser session: web; a token: api).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { PASSWORD, startServer } from './lib/server.mjs';

let srv, smtp, agent;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
	// a daily budget that does not get in the way of the hourly one
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test',
		automatic_mail_limit: 100 } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

let seq = 0;
/** Delivers a plain mail from `from`; resolves the inbound answer. */
function mail(from, subject, body = 'Hello.') {
	const raw = `From: ${from}\r\nTo: support@shop.test\r\nSubject: ${subject}\r\n` +
		`Message-ID: <intake${++seq}.${Date.now()}@customer.test>\r\n` +
		`Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
	return srv.api('POST', '/api/v2/mail/inbound', raw, { headers: { 'content-type': 'message/rfc822' } });
}

/** Sends the portal's contact form (JSON answer). */
async function form(fields) {
	const r = await fetch(`${srv.base}/portal/requests`, { method: 'POST',
		body: new URLSearchParams(fields), headers: { accept: 'application/json' } });
	return { status: r.status, json: await r.json() };
}

const about = (id) => (m) => m.headers.subject.includes(`[#${id}]`);

describe('one customer by one address, on every channel', () => {
	it('mail, the form and the API find the same person; a new one is named by the local part', async () => {
		const m = await mail('Dana Client <dana@customer.test>', 'By mail');
		assert.equal(m.status, 201, m.text);
		const dana = m.json.requester_id;
		const u = await srv.api('GET', `/api/v2/users/${dana}`);
		assert.equal(u.json.user.name, 'Dana Client');

		const f = await form({ email: 'DANA@customer.test', subject: 'By the form', description: 'Hi' });
		assert.equal(f.status, 201, JSON.stringify(f.json));
		const byForm = await srv.api('GET', `/api/v2/tickets/${f.json.request.id}`);
		assert.equal(byForm.json.ticket.requester_id, dana);
		assert.equal(byForm.json.ticket.via.channel, 'web');

		const a = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'By phone',
			comment: { body: 'She called.' }, requester: { email: 'Dana@Customer.test' } } }, { auth: agent });
		assert.equal(a.status, 201, a.text);
		assert.equal(a.json.ticket.requester_id, dana);
		assert.equal(a.json.ticket.submitter_id, agent.id);
		assert.equal(a.json.ticket.via.channel, 'api');

		const n = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'New one',
			comment: { body: 'x' }, requester: { email: 'eve.newcomer@customer.test' } } }, { auth: agent });
		assert.equal(n.status, 201, n.text);
		const eve = await srv.api('GET', `/api/v2/users/${n.json.ticket.requester_id}`);
		assert.equal(eve.json.user.name, 'eve.newcomer');
		assert.equal(eve.json.user.role, 'end-user');
	});

	it('a deactivated customer is refused by mail, the form and the API, naming the field, and nothing is made', async () => {
		const u = await srv.api('POST', '/api/v2/users', { user: { name: 'Gone', email: 'gone@customer.test' } });
		assert.equal(u.status, 201, u.text);
		assert.equal((await srv.api('DELETE', `/api/v2/users/${u.json.user.id}`)).status, 200);
		const count = async () => (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
		const before = await count();

		const m = await mail('gone@customer.test', 'Still here');
		assert.equal(m.status, 422, m.text);
		assert.equal(m.json.details.from[0].error, 'InvalidValue');
		const f = await form({ email: 'gone@customer.test', subject: 'Still here', description: 'Hi' });
		assert.equal(f.status, 422, JSON.stringify(f.json));
		assert.equal(f.json.details.email[0].error, 'InvalidValue');
		const a = await srv.api('POST', '/api/v2/tickets', { ticket: { comment: { body: 'x' },
			requester: { email: 'gone@customer.test' } } }, { auth: agent });
		assert.equal(a.status, 422, a.text);
		assert.equal(a.json.details.requester[0].error, 'InvalidValue');
		assert.equal(await count(), before);
	});
});

describe('acknowledgements', () => {
	it('five new requests an hour to one requester, counted across channels', async () => {
		const ids = [];
		for (let i = 0; i < 3; i++) {
			const m = await mail('fay@customer.test', `Mail ${i}`);
			assert.equal(m.status, 201, m.text);
			ids.push(m.json.ticket_id);
		}
		for (let i = 0; i < 3; i++) {
			const f = await form({ email: 'fay@customer.test', subject: `Form ${i}`, description: 'Hi' });
			assert.equal(f.status, 201, JSON.stringify(f.json));
			ids.push(f.json.request.id);
		}
		for (const id of ids.slice(0, 5))
			await smtp.waitFor(about(id));
		// a later request from someone else is acknowledged: the jobs before it ran
		const other = await mail('gus@customer.test', 'Someone else');
		await smtp.waitFor(about(other.json.ticket_id));
		assert.equal((await smtp.messages()).filter(about(ids[5])).length, 0,
			'the sixth request in an hour was acknowledged');
	});

	it('an agent filing for a customer through the API does not acknowledge', async () => {
		const a = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Filed for Hal',
			comment: { body: 'x' }, requester: { email: 'hal@customer.test' } } }, { auth: agent });
		assert.equal(a.status, 201, a.text);
		const other = await mail('ian@customer.test', 'After Hal');
		await smtp.waitFor(about(other.json.ticket_id));
		assert.equal((await smtp.messages()).filter(about(a.json.ticket.id)).length, 0);
	});
});

describe('the channel a reply was written in', () => {
	it('the workspace (a browser session) records web; a token records api', async () => {
		const t = await srv.ticket({ subject: 'Where is my parcel?' });
		const s = await srv.api('POST', '/api/v2/auth/session', { email: agent.email, password: PASSWORD },
			{ auth: 'anonymous' });
		assert.equal(s.status, 200, s.text);
		const cookie = /fl_session=[^;]*/.exec(s.headers.get('set-cookie'))[0];
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'Typed in the workspace', public: false } } },
			{ auth: 'anonymous', headers: { cookie, 'x-csrf-token': s.json.csrf_token } });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'Sent by a script', public: false } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);

		const c = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`);
		const via = Object.fromEntries(c.json.comments.map((x) => [x.body, x.via.channel]));
		assert.equal(via['Typed in the workspace'], 'web');
		assert.equal(via['Sent by a script'], 'api');
		const au = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`);
		assert.deepEqual(au.json.audits.slice(-2).map((x) => x.via.channel), ['web', 'api']);
	});
});
