// Authentication and authorization: Basic (password and token), Bearer,
// sessions with CSRF, the failed sign-in limit, and who may see what.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, startServer } from './lib/server.mjs';

let srv, agent, alice, bob;

before(async () => {
	// the limiter is tested on servers of its own below
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'], loginAttempts: 1000 });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

const me = (auth, extra = {}) => srv.api('GET', '/api/v2/users/me', null, { auth, ...extra });

/** The fl_session cookie from a Set-Cookie header, as "fl_session=…". */
function sessionCookie(r) {
	const sc = r.headers.get('set-cookie') ?? '';
	const m = /(?:^|[,\s])fl_session=([^;]*)/.exec(sc);
	return m ? `fl_session=${m[1]}` : null;
}

async function signIn(email, password, extra = {}) {
	return srv.api('POST', '/api/v2/auth/session', { email, password, ...extra }, { auth: 'anonymous' });
}

describe('credentials', () => {
	it('HTTP Basic with e-mail and password', async () => {
		const r = await me({ basic: [alice.email, PASSWORD] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.id, alice.id);
	});

	it('HTTP Basic with EMAIL/token and an API token', async () => {
		const r = await me({ basic: [`${agent.email}/token`, agent.token] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.id, agent.id);
	});

	it('a token only works with its own user\'s e-mail', async () => {
		const r = await me({ basic: [`${alice.email}/token`, agent.token] });
		assert.equal(r.status, 401, r.text);
	});

	it('Bearer token', async () => {
		const r = await me({ bearer: bob.token });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.id, bob.id);
	});

	it('an API token made over the API works', async () => {
		const t = await srv.api('POST', '/api/v2/api_tokens', { api_token: { description: 'ci' } }, { auth: agent });
		assert.equal(t.status, 201, t.text);
		assert.match(t.json.api_token.token, /^[0-9a-f]{56}$/);
		assert.equal(t.json.api_token.user_id, agent.id);
		const r = await me({ bearer: t.json.api_token.token });
		assert.equal(r.status, 200);
		assert.equal(r.json.user.id, agent.id);
		// end users cannot mint tokens
		assert.equal((await srv.api('POST', '/api/v2/api_tokens', {}, { auth: alice })).status, 403);
	});

	it('tokens are listed without their secret and revoked at once', async () => {
		const mk = async (auth, description) => {
			const t = await srv.api('POST', '/api/v2/api_tokens', { api_token: { description } }, { auth });
			assert.equal(t.status, 201, t.text);
			return t.json.api_token;
		};
		const mine = await mk(agent, 'revoke me');
		const admins = await mk(srv.admin, 'admin tool');
		// used once, so it sits in the server's credential cache
		assert.equal((await me({ bearer: mine.token })).status, 200);

		const list = await srv.api('GET', '/api/v2/api_tokens', null, { auth: agent });
		assert.equal(list.status, 200, list.text);
		assert.ok(list.json.api_tokens.every((t) => t.user_id === agent.id), 'an agent sees only their own');
		const entry = list.json.api_tokens.find((t) => t.description === 'revoke me');
		assert.ok(entry, list.text);
		assert.equal(entry.token, undefined, 'the secret is never shown again');
		assert.ok(!JSON.stringify(list.json).includes(mine.token.slice(16)));

		// an agent cannot revoke an admin's token; the admin sees everyone's
		const theirs = (await srv.api('GET', '/api/v2/api_tokens')).json.api_tokens.find((t) => t.description === 'admin tool');
		assert.equal((await srv.api('DELETE', `/api/v2/api_tokens/${theirs.id}`, null, { auth: agent })).status, 404);
		assert.equal((await me({ bearer: admins.token })).status, 200);

		const del = await srv.api('DELETE', `/api/v2/api_tokens/${entry.id}`, null, { auth: agent });
		assert.equal(del.status, 204, del.text);
		assert.equal((await me({ bearer: mine.token })).status, 401, 'a revoked token stops working at once');
		assert.equal((await srv.api('DELETE', `/api/v2/api_tokens/${entry.id}`, null, { auth: agent })).status, 404);
	});

	it('a wrong password is 401 with WWW-Authenticate', async () => {
		const r = await me({ basic: [alice.email, 'not the password'] });
		assert.equal(r.status, 401, r.text);
		assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm=/);
		assert.equal(r.json.error, 'Couldn\'t authenticate you');
	});

	it('a made-up token, a malformed header and an unknown scheme are 401', async () => {
		assert.equal((await me({ bearer: 'f'.repeat(56) })).status, 401);
		assert.equal((await me('Basic !!!not-base64!!!')).status, 401);
		assert.equal((await me('Digest username="x"')).status, 401);
	});

	it('anonymous requests to the API are 401; health and metrics are public', async () => {
		for (const p of ['/api/v2/tickets', '/api/v2/users/me', '/api/v2/search?query=x', '/api/v2/views'])
			assert.equal((await srv.api('GET', p, null, { auth: 'anonymous' })).status, 401, p);
		const r = await srv.api('GET', '/api/v2/tickets', null, { auth: 'anonymous' });
		assert.match(r.headers.get('www-authenticate') ?? '', /Basic/);
		assert.equal((await srv.api('POST', '/api/v2/tickets', { ticket: { comment: { body: 'x' } } },
			{ auth: 'anonymous' })).status, 401);
		for (const p of ['/healthz', '/livez', '/metrics'])
			assert.equal((await srv.api('GET', p, null, { auth: 'anonymous' })).status, 200, p);
	});
});

describe('sessions', () => {
	it('sign in, use the cookie, need X-CSRF-Token for writes, sign out', async () => {
		const r = await signIn(alice.email, PASSWORD);
		assert.equal(r.status, 200, r.text);
		const cookie = sessionCookie(r);
		assert.ok(cookie, `no fl_session cookie in ${r.headers.get('set-cookie')}`);
		const sc = r.headers.get('set-cookie');
		assert.match(sc, /HttpOnly/i);
		assert.match(sc, /SameSite=(Lax|Strict)/i);
		assert.doesNotMatch(sc, /Max-Age/i, 'a session cookie unless "remember"');
		assert.equal(r.json.user.id, alice.id);
		const csrf = r.json.csrf_token;
		assert.ok(typeof csrf === 'string' && csrf.length >= 16);

		const h = { cookie };
		let x = await srv.api('GET', '/api/v2/users/me', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 200, x.text);
		assert.equal(x.json.user.id, alice.id);
		x = await srv.api('GET', '/api/v2/auth/session', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 200, x.text);
		assert.equal(x.json.csrf_token, csrf);

		const body = { ticket: { subject: 'via session', comment: { body: 'from the browser' } } };
		x = await srv.api('POST', '/api/v2/tickets', body, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 403, x.text);
		x = await srv.api('POST', '/api/v2/tickets', body, { auth: 'anonymous', headers: { ...h, 'x-csrf-token': 'A'.repeat(csrf.length) } });
		assert.equal(x.status, 403, x.text);
		x = await srv.api('POST', '/api/v2/tickets', body, { auth: 'anonymous', headers: { ...h, 'x-csrf-token': csrf } });
		assert.equal(x.status, 201, x.text);
		assert.equal(x.json.ticket.requester_id, alice.id);

		// signing out needs the CSRF token too, then the cookie is dead
		x = await srv.api('DELETE', '/api/v2/auth/session', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 403, x.text);
		x = await srv.api('DELETE', '/api/v2/auth/session', null, { auth: 'anonymous', headers: { ...h, 'x-csrf-token': csrf } });
		assert.equal(x.status, 204, x.text);
		assert.match(x.headers.get('set-cookie') ?? '', /fl_session=;.*Max-Age=0/i);
		x = await srv.api('GET', '/api/v2/users/me', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 401, x.text);
		x = await srv.api('GET', '/api/v2/auth/session', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 401, x.text);
		// a stale cookie on a public page is simply signed out
		x = await srv.api('GET', '/healthz', null, { auth: 'anonymous', headers: h });
		assert.equal(x.status, 200);
	});

	it('the e-mail is matched in any case', async () => {
		const r = await signIn('ALICE@Example.Test', PASSWORD);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.id, alice.id);
	});

	it('a deactivated user\'s session, password and token stop working', async () => {
		const u = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Leaver', email: 'leaver@example.test', role: 'agent', password: PASSWORD } });
		assert.equal(u.status, 201, u.text);
		const s = await signIn('leaver@example.test', PASSWORD);
		assert.equal(s.status, 200, s.text);
		const cookie = sessionCookie(s);
		const tok = await srv.api('POST', '/api/v2/api_tokens', {}, { auth: { basic: ['leaver@example.test', PASSWORD] } });
		assert.equal(tok.status, 201, tok.text);
		assert.equal((await srv.api('DELETE', `/api/v2/users/${u.json.user.id}`)).status, 200);
		assert.equal((await me('anonymous', { headers: { cookie } })).status, 401);
		assert.equal((await me({ bearer: tok.json.api_token.token })).status, 401);
		assert.equal((await signIn('leaver@example.test', PASSWORD)).status, 401);
	});

	it('"remember" makes a lasting cookie', async () => {
		const r = await signIn(bob.email, PASSWORD, { remember: true });
		assert.equal(r.status, 200, r.text);
		const m = /Max-Age=(\d+)/i.exec(r.headers.get('set-cookie') ?? '');
		assert.ok(m && Number(m[1]) >= 86400, r.headers.get('set-cookie'));
	});

	it('sign-in with a wrong password or missing fields fails without a cookie', async () => {
		let r = await signIn(bob.email, 'nope nope nope');
		assert.equal(r.status, 401, r.text);
		assert.equal(sessionCookie(r), null);
		r = await signIn(bob.email);
		assert.equal(r.status, 422, r.text);
		r = await srv.api('POST', '/api/v2/auth/session', '{"email": "x"', { auth: 'anonymous' });
		assert.equal(r.status, 400, r.text);
	});

	it('GET /auth/session with credentials but no session is 404', async () => {
		const r = await srv.api('GET', '/api/v2/auth/session', null, { auth: alice });
		assert.equal(r.status, 404, r.text);
	});
});

describe('who may see what', () => {
	let aliceTicket, bobTicket;

	before(async () => {
		aliceTicket = await srv.ticket({ subject: 'Alice\'s' }, { auth: alice });
		bobTicket = await srv.ticket({ subject: 'Bob\'s' }, { auth: bob });
	});

	it('an end user gets 404 for someone else\'s ticket, everywhere', async () => {
		assert.equal((await srv.api('GET', `/api/v2/tickets/${bobTicket.id}`, null, { auth: alice })).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${bobTicket.id}/comments`, null, { auth: alice })).status, 404);
		const u = await srv.api('PUT', `/api/v2/tickets/${bobTicket.id}`, { ticket: { comment: { body: 'hi bob' } } }, { auth: alice });
		assert.equal(u.status, 404, u.text);
		const c = await srv.api('GET', `/api/v2/tickets/${bobTicket.id}/comments`, null, { auth: bob });
		assert.equal(c.json.comments.length, 1, 'nothing was added to bob\'s ticket');
		// a ticket that does not exist looks the same
		assert.equal((await srv.api('GET', '/api/v2/tickets/999999', null, { auth: alice })).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${aliceTicket.id}`, null, { auth: alice })).status, 200);
	});

	it('a CC\'d end user sees the ticket', async () => {
		const r = await srv.api('PUT', `/api/v2/tickets/${bobTicket.id}`, { ticket: { collaborator_ids: [alice.id] } });
		assert.equal(r.status, 200, r.text);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${bobTicket.id}`, null, { auth: alice })).status, 200);
	});

	it('an end user cannot open a ticket for someone else or post as someone else (403)', async () => {
		let r = await srv.api('POST', '/api/v2/tickets', { ticket: { comment: { body: 'x' }, requester_id: bob.id } }, { auth: alice });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('POST', '/api/v2/tickets', { ticket: { comment: { body: 'x' }, requester: { email: 'z@example.test' } } }, { auth: alice });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('PUT', `/api/v2/tickets/${aliceTicket.id}`, { ticket: { comment: { body: 'x', author_id: bob.id } } }, { auth: alice });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('POST', '/api/v2/tickets', { ticket: { comment: { body: 'x' }, status: 'solved' } }, { auth: alice });
		assert.equal(r.status, 403, r.text);
	});

	it('an end user\'s comment is always public: asking otherwise is 422, never stored as public', async () => {
		const r = await srv.api('PUT', `/api/v2/tickets/${aliceTicket.id}`,
			{ ticket: { comment: { body: 'please keep private', public: false } } }, { auth: alice });
		assert.equal(r.status, 422, r.text);
		const c = await srv.api('GET', `/api/v2/tickets/${aliceTicket.id}/comments`, null, { auth: alice });
		assert.ok(!c.json.comments.some((x) => x.body === 'please keep private'));
	});

	it('changing the requester moves who can see the ticket', async () => {
		const t = await srv.ticket({ subject: 'Moving' }, { auth: alice });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { requester_id: bob.id } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.requester_id, bob.id);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: alice })).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: bob })).status, 200);
	});

	it('a role change takes effect at once for the user\'s existing token', async () => {
		const u = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Temp agent', email: 'tempagent@example.test', role: 'agent', password: PASSWORD } });
		assert.equal(u.status, 201, u.text);
		const tok = await srv.api('POST', '/api/v2/api_tokens', {}, { auth: { basic: ['tempagent@example.test', PASSWORD] } });
		assert.equal(tok.status, 201, tok.text);
		const auth = { bearer: tok.json.api_token.token };
		assert.equal((await srv.api('GET', '/api/v2/users', null, { auth })).status, 200);
		const d = await srv.api('PUT', `/api/v2/users/${u.json.user.id}`, { user: { role: 'end-user' } });
		assert.equal(d.status, 200, d.text);
		assert.equal((await srv.api('GET', '/api/v2/users', null, { auth })).status, 403);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${bobTicket.id}`, null, { auth })).status, 404);
	});

	it('end users get 403 on agent-only routes', async () => {
		const routes = [['GET', '/api/v2/users'], ['GET', `/api/v2/users/${bob.id}`], ['GET', '/api/v2/organizations'],
			['GET', '/api/v2/groups'], ['GET', '/api/v2/views'], ['GET', `/api/v2/tickets/${aliceTicket.id}/audits`],
			['DELETE', `/api/v2/tickets/${aliceTicket.id}`], ['POST', '/api/v2/api_tokens'],
			['POST', '/api/v2/groups'], ['POST', '/api/v2/views']];
		for (const [m, p] of routes) {
			const r = await srv.api(m, p, m === 'GET' || m === 'DELETE' ? null : {}, { auth: alice });
			assert.equal(r.status, 403, `${m} ${p}: ${r.status}`);
		}
	});

	it('agents get 403 on admin-only routes', async () => {
		for (const [m, p, b] of [['POST', '/api/v2/groups', { group: { name: 'g' } }], ['DELETE', `/api/v2/users/${bob.id}`, null],
			['POST', '/api/v2/views', { view: { title: 'v', all: [] } }]]) {
			const r = await srv.api(m, p, b, { auth: agent });
			assert.equal(r.status, 403, `${m} ${p}: ${r.status}`);
		}
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});

describe('failed sign-in limit (FRONTLINE_LOGIN_ATTEMPTS=3)', () => {
	let lim;
	before(async () => { lim = await startServer({ loginAttempts: 3 }); });
	after(async () => { await lim?.cleanup(); });

	it('after 3 failures the address gets 429 with Retry-After, for Basic and for sign-in', async () => {
		const wrong = { basic: [lim.admin.email, 'wrong password!'] };
		for (let i = 0; i < 3; i++) {
			const r = await lim.api('GET', '/api/v2/users/me', null, { auth: wrong });
			assert.equal(r.status, 401, `attempt ${i + 1}: ${r.text}`);
		}
		let r = await lim.api('GET', '/api/v2/users/me', null, { auth: wrong });
		assert.equal(r.status, 429, r.text);
		const ra = Number(r.headers.get('retry-after'));
		assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 60, `Retry-After ${r.headers.get('retry-after')}`);
		r = await lim.api('POST', '/api/v2/auth/session', { email: lim.admin.email, password: 'wrong again!' }, { auth: 'anonymous' });
		assert.equal(r.status, 429, r.text);
		assert.ok(r.headers.get('retry-after'));
		// the server itself keeps serving
		assert.equal((await lim.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
	});

	it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
		await lim.stop();
	});
});

describe('failed sign-in limit and stale sessions (FRONTLINE_LOGIN_ATTEMPTS=3)', () => {
	let lim;
	before(async () => { lim = await startServer({ loginAttempts: 3, endUsers: ['carol'] }); });
	after(async () => { await lim?.cleanup(); });

	it('a browser polling with an expired session cookie does not lock out signing in', async () => {
		const carol = lim.users.carol;
		const s = await lim.api('POST', '/api/v2/auth/session', { email: carol.email, password: PASSWORD }, { auth: 'anonymous' });
		assert.equal(s.status, 200, s.text);
		const cookie = sessionCookie(s);
		const out = await lim.api('DELETE', '/api/v2/auth/session', null,
			{ auth: 'anonymous', headers: { cookie, 'x-csrf-token': s.json.csrf_token } });
		assert.equal(out.status, 204);
		// the tab left open keeps polling with the dead cookie
		for (let i = 0; i < 5; i++) {
			const r = await lim.api('GET', '/api/v2/tickets', null, { auth: 'anonymous', headers: { cookie } });
			assert.ok([401, 429].includes(r.status), r.text);
		}
		// the person signs in again with the right password
		const again = await lim.api('POST', '/api/v2/auth/session', { email: carol.email, password: PASSWORD }, { auth: 'anonymous' });
		assert.equal(again.status, 200, `signing in after an expired session: ${again.status} ${again.text}`);
	});

	it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
		await lim.stop();
	});
});
