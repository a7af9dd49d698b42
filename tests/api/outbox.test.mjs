// The local outbox: with no relay set up, what Frontline writes to
// customers is built as it would be sent and kept for an admin to read
// (GET /api/v2/outbox); a portal sign-in link lands there too and the
// portal's answer says so; setting up a relay (a real SMTP server,
// Debian's aiosmtpd) switches to delivery. And a one-time password opens
// nothing but its own change.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { PASSWORD, runCli, sleep, startServer } from './lib/server.mjs';

let srv, agent, alice, smtp;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

/** Polls the outbox (as the admin) until pred finds a message; resolves it in full. */
async function kept(pred, what) {
	for (let i = 0; i < 200; i++) {
		const r = await srv.api('GET', '/api/v2/outbox?page[size]=100');
		assert.equal(r.status, 200, r.text);
		const m = r.json.outbox_mails.find(pred);
		if (m) {
			const one = await srv.api('GET', `/api/v2/outbox/${m.id}`);
			assert.equal(one.status, 200, one.text);
			return one.json.outbox_mail;
		}
		await sleep(50);
	}
	assert.fail(`nothing in the outbox: ${what}`);
}

const reply = (id, comment, auth = agent) =>
	srv.api('PUT', `/api/v2/tickets/${id}`, { ticket: { comment } }, { auth });
let nextAddress = 10;
/**
 * Asks the portal for a sign-in link, from a loopback address of its own
 * (127.0.0.N): the server allows 8 asks per client address in 10 minutes.
 */
function askLink(email) {
	const body = JSON.stringify({ email });
	return new Promise((resolve, reject) => {
		const req = http.request(`${srv.base}/api/v2/portal/magic_link`, { method: 'POST',
			localAddress: `127.0.0.${nextAddress++}`,
			headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode, text, json: JSON.parse(text) });
			});
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** The outbox's messages to email, once their count has held still for a second. */
async function settled(email) {
	let n = -1, same = 0, list = [];
	while (same < 20) {
		list = (await srv.api('GET', '/api/v2/outbox?page[size]=100')).json.outbox_mails
			.filter((x) => x.to.includes(email));
		same = list.length === n ? same + 1 : 0;
		n = list.length;
		await sleep(50);
	}
	return list;
}

describe('with no relay', () => {
	it('an agent\'s reply is kept, addressed and written as the customer would get it', async () => {
		const t = await srv.ticket({ subject: 'Parcel late', requester_id: alice.id });
		const r = await reply(t.id, { body: 'Your parcel left the warehouse today.' });
		assert.equal(r.status, 200, r.text);
		const m = await kept((x) => x.kind === 'reply' && x.ticket_id === t.id, 'the reply');
		assert.deepEqual(m.to, [alice.email]);
		assert.equal(m.state, 'kept');
		assert.equal(m.subject, `[#${t.id}] Parcel late`);
		assert.match(m.text, /Your parcel left the warehouse today\./);
		assert.match(m.message_id, new RegExp(`^frontline-${t.id}-\\d+\\.[0-9a-f]{16}@`));

		const raw = await srv.api('GET', `/api/v2/outbox/${m.id}/raw`);
		assert.equal(raw.status, 200);
		assert.match(raw.headers.get('content-type'), /^text\/plain/);
		assert.equal(raw.headers.get('x-content-type-options'), 'nosniff');
		assert.match(raw.text, new RegExp(`^To: ${alice.email}\\r?$`, 'm'));
		assert.match(raw.text, /^Message-ID: <frontline-/im);
	});

	it('HTML in a reply comes back sanitized: no script, no handlers', async () => {
		const t = await srv.ticket({ subject: 'HTML', requester_id: alice.id });
		const r = await reply(t.id, { html_body: '<p>Hello <b>there</b></p><script>alert(1)</script>' +
			'<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">x</a>' });
		assert.equal(r.status, 200, r.text);
		const m = await kept((x) => x.kind === 'reply' && x.ticket_id === t.id, 'the HTML reply');
		assert.ok(m.html, 'no HTML part');
		assert.match(m.html, /<b>there<\/b>/);
		assert.doesNotMatch(m.html, /<script|onerror|javascript:/i);
	});

	it('a portal sign-in link is kept, the answer says no mail can leave, and the link signs in', async () => {
		const r = await askLink(alice.email);
		assert.equal(r.status, 202, r.text);
		assert.deepEqual(r.json, { delivery: 'outbox' });
		// an address nobody has gets the same answer, and no mail
		const ghost = await askLink('ghost@example.test');
		assert.deepEqual(ghost.json, r.json);

		const m = await kept((x) => x.kind === 'signin' && x.to[0] === alice.email, 'the sign-in mail');
		assert.equal(m.ticket_id, null);
		const token = /\/portal\/signin#token=([A-Za-z0-9_-]{43})/.exec(m.text)?.[1];
		assert.ok(token, `no link in ${m.text}`);
		const s = await srv.api('POST', '/api/v2/auth/magic', { token }, { auth: 'anonymous' });
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json.user.id, alice.id);
		const all = (await srv.api('GET', '/api/v2/outbox?page[size]=100')).json.outbox_mails;
		assert.ok(!all.some((x) => x.to.includes('ghost@example.test')));
	});

	it('a stranger asking again and again gets no more than the per-address limit kept', async () => {
		const bob = await srv.addUser('end-user', 'Bob', 'bob@example.test', { token: false });
		for (let i = 0; i < 6; i++)
			assert.equal((await askLink(bob.email)).status, 202);
		await kept((x) => x.kind === 'signin' && x.to[0] === bob.email, 'bob\'s links');
		assert.equal((await settled(bob.email)).length, 3);
	});

	it('pages newest first, by cursor', async () => {
		const a = await srv.api('GET', '/api/v2/outbox?page[size]=2');
		assert.equal(a.status, 200, a.text);
		assert.equal(a.json.outbox_mails.length, 2);
		assert.ok(a.json.outbox_mails[0].id > a.json.outbox_mails[1].id);
		assert.equal(a.json.meta.has_more, true);
		const b = await srv.api('GET', `/api/v2/outbox?page[size]=2&page[after]=${a.json.meta.after_cursor}`);
		assert.ok(b.json.outbox_mails[0].id < a.json.outbox_mails[1].id);
	});

	it('agents are refused; an unknown message is 404', async () => {
		for (const p of ['/api/v2/outbox', '/api/v2/outbox/1', '/api/v2/outbox/1/raw'])
			assert.equal((await srv.api('GET', p, null, { auth: agent })).status, 403, p);
		assert.equal((await srv.api('GET', '/api/v2/outbox', null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/outbox', null, { auth: 'anonymous' })).status, 401);
		const r = await srv.api('GET', '/api/v2/outbox/999999');
		assert.equal(r.status, 404);
		assert.equal((await srv.api('GET', '/api/v2/outbox/999999/raw')).status, 404);
	});
});

describe('with a relay', () => {
	before(async () => {
		smtp = await startSmtp();
		const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
			smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'help@shop.test' } });
		assert.equal(r.status, 200, r.text);
	});

	it('a reply is delivered, and kept as sent', async () => {
		const t = await srv.ticket({ subject: 'Delivered', requester_id: alice.id });
		assert.equal((await reply(t.id, { body: 'Sent through the relay.' })).status, 200);
		const got = await smtp.waitFor((m) => /Sent through the relay/.test(m.text));
		assert.equal(got.headers.to, alice.email);
		const m = await kept((x) => x.kind === 'reply' && x.ticket_id === t.id, 'the sent copy');
		assert.equal(m.state, 'sent');
		assert.equal(m.from, 'help@shop.test');
	});

	it('a sign-in link is mailed, the answer says so, and it is not kept', async () => {
		const carol = await srv.addUser('end-user', 'Carol', 'carol@example.test', { token: false });
		const r = await askLink(carol.email);
		assert.equal(r.status, 202, r.text);
		assert.deepEqual(r.json, { delivery: 'mail' });
		await smtp.waitFor((m) => m.headers.to === carol.email && /signin#token=/.test(m.text));
		assert.deepEqual(await settled(carol.email), [], 'a mailed link was kept');
	});
});

describe('a one-time password', () => {
	const signIn = (email, password) =>
		srv.api('POST', '/api/v2/auth/session', { email, password }, { auth: 'anonymous' });
	const cookieOf = (r) => /(fl_session=[^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1];

	it('opens nothing but its own change, sign-out and /users/me', async () => {
		const dana = await srv.addUser('admin', 'Dana', 'dana@example.test', { token: false });
		const reset = await runCli(['user', 'password', '--data', srv.dir, '--email', dana.email]);
		assert.equal(reset.code, 0, reset.stderr);
		const pw = /one-time password: ([0-9a-f]{24})\b/.exec(reset.stdout)?.[1];
		assert.ok(pw, reset.stdout);

		const s = await signIn(dana.email, pw);
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json.user.must_change_password, true);
		const headers = { cookie: cookieOf(s), 'x-csrf-token': s.json.csrf_token };
		const as = (method, p, body) => srv.api(method, p, body, { auth: 'anonymous', headers });

		for (const [method, p, body] of [['GET', '/api/v2/tickets'], ['GET', '/api/v2/outbox'],
			['POST', '/api/v2/tickets', { ticket: { subject: 'x', comment: { body: 'y' } } }]]) {
			const r = await as(method, p, body);
			assert.equal(r.status, 403, `${method} ${p}: ${r.text}`);
			assert.equal(r.json.details.password[0].error, 'PasswordChangeRequired');
		}
		// the password itself, by Basic, opens no more
		const basic = await srv.api('GET', '/api/v2/tickets', null, { auth: { basic: [dana.email, pw] } });
		assert.equal(basic.status, 403);
		assert.equal((await as('GET', '/api/v2/users/me')).json.user.must_change_password, true);
		assert.equal((await as('GET', '/api/v2/auth/session')).status, 200);

		const c = await as('PUT', `/api/v2/users/${dana.id}/password`, { previous_password: pw, password: PASSWORD });
		assert.equal(c.status, 204, c.text);
		assert.equal((await as('GET', '/api/v2/tickets')).status, 200, 'the changed password still opens nothing');
		assert.equal((await as('GET', '/api/v2/users/me')).json.user.must_change_password, false);
		assert.equal((await as('DELETE', '/api/v2/auth/session')).status, 204);
	});
});
