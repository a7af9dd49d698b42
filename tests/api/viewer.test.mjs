// The viewer role (docs/security.md "Roles"): someone outside support who
// reads the reports — what customers said, with their e-mail addresses
// and telephone numbers masked — and changes nothing.
//
// The route matrix takes the route table from the binary itself
// (`frontline routes --json`), so a route added anywhere is covered here
// without anyone listing it: signed in as a viewer, every route is called
// once. A route above the viewer must answer 403 (a 401 would mean the
// role was never looked at: it fails here); a route the viewer reaches
// must not hold any customer's address or number; and the database must
// hold the same rows afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, runCli, sqlOnServer, startServer } from './lib/server.mjs';

const DAY = 86400;
let srv, agent, ivan, olena, viewer, routes, ticket;
const sql = (text) => sqlOnServer(srv, text);

// What the customers are reached at, as the store and their own words have
// them: none of these may reach a viewer.
const CONTACTS = ['ivan@example.test', 'olena@example.test', '+380 67 123 45 67', '+380671234567',
	'050 765 43 21', '0507654321', '(044) 234-56-78'];

async function ok(method, p, body, opts) {
	const r = await srv.api(method, p, body, opts);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
	return r.json;
}

// Every e-mail address and run of digits a body holds that is a customer's.
function leaks(text) {
	const found = CONTACTS.filter((c) => text.includes(c));
	// any address at all but the viewer's own (agents' are not for viewers either)
	for (const m of text.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g) ?? [])
		if (m !== viewer.email)
			found.push(m);
	return found;
}

// Each table's rows and the tickets', people's and comments' contents:
// what "nothing was written" is checked against.
async function snapshot() {
	const names = String(await sql(srv.db
		? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1;"
		: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1;"))
		.trim().split('\n').filter((n) => n && !/_fts|_vocab|_data$|_idx$|_docsize$|_config$|_content$/.test(n));
	const counts = String(await sql(`${names.map((n) => `SELECT '${n}', COUNT(*) FROM ${n}`).join(' UNION ALL ')};`));
	const rows = String(await sql(`SELECT id, subject, status, priority, assignee_id, updated_at FROM tickets ORDER BY id;
		SELECT id, role, name, email, phone, active, updated_at FROM users ORDER BY id;
		SELECT id, ticket_id, body FROM comments ORDER BY id;`));
	return { counts: counts.split('\n').sort().join('\n'), rows };
}

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['ivan', 'olena'] });
	({ agent, ivan, olena } = srv.users);
	await ok('PUT', `/api/v2/users/${ivan.id}`, { user: { phone: '+380 67 123 45 67', notes: 'home: (044) 234-56-78' } });
	await ok('PUT', `/api/v2/users/${olena.id}`, { user: { phone: '050 765 43 21' } });

	// the viewer, made by an admin through the API, signing in with a password
	const v = (await ok('POST', '/api/v2/users', { user: { name: 'Vira Viewer', email: 'vira@example.test',
		role: 'viewer', password: PASSWORD } })).user;
	viewer = { ...v, password: PASSWORD, token: await srv.createToken(v.email) };

	// customers' own words with their contacts in them, where reports show them
	ticket = (await ok('POST', '/api/v2/tickets', { ticket: {
		subject: 'Call me at +380 67 123 45 67 or write to ivan@example.test',
		comment: { body: 'My number is 050 765 43 21, olena@example.test' } } }, { auth: ivan })).ticket;
	await ok('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { assignee_id: agent.id,
		comment: { body: 'Internal: ivan@example.test called twice', public: false } } }, { auth: agent });
	const policy = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Basic',
		policy_metrics: [{ priority: 'normal', metric: 'first_reply_time', target: 60 }] } })).sla_policy;
	for (let i = 0; i < 150; i++) { // the recompute the new policy queued would measure the ticket again
		if (Number(String(await sql("SELECT COUNT(*) FROM jobs WHERE kind = 'sla-recompute' AND state IN (0, 1);")).trim()) === 0)
			break;
		await new Promise((r) => setTimeout(r, 200));
	}
	const now = Math.floor(Date.now() / 1000);
	await sql(`DELETE FROM ticket_sla_metrics WHERE ticket_id = ${ticket.id};
		INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
			achieved_at, used, cycles, breaches)
		VALUES (${ticket.id}, 'first_reply_time', ${policy.id}, 0, 3600, 'breached', ${now - DAY}, NULL, 7200, 1, 1);
		UPDATE ticket_slas SET next_event_at = NULL WHERE ticket_id = ${ticket.id};`);
	// what a customer looked for in the help center and did not find
	for (const query of ['olena@example.test 0507654321', 'refund +380671234567'])
		assert.equal((await srv.api('GET', `/api/v2/help_center/articles/search?query=${encodeURIComponent(query)}`,
			null, { auth: 'anonymous' })).status, 200);

	const r = await runCli(['routes', '--json'], { leaks: false });
	assert.equal(r.code, 0, r.stderr);
	routes = JSON.parse(r.stdout);
});
after(async () => { await srv?.cleanup(); });

describe('the viewer role in the users API and the CLI', () => {
	it('an admin makes, lists and unmakes viewers; nobody else can', async () => {
		assert.equal(viewer.role, 'viewer');
		const listed = (await ok('GET', '/api/v2/users?role=viewer')).users;
		assert.deepEqual(listed.map((u) => u.id), [viewer.id]);
		assert.deepEqual((await ok('GET', '/api/v2/users?role[]=viewer&role[]=agent')).users.map((u) => u.role).sort(),
			['agent', 'viewer']);
		// an agent may neither make a viewer nor turn a customer into one
		let r = await srv.api('POST', '/api/v2/users', { user: { name: 'X', email: 'x@example.test', role: 'viewer' } },
			{ auth: agent });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('PUT', `/api/v2/users/${olena.id}`, { user: { role: 'viewer' } }, { auth: agent });
		assert.equal(r.status, 403, r.text);
		assert.equal((await ok('GET', `/api/v2/users/${olena.id}`)).user.role, 'end-user');
		// a role that does not exist is named
		r = await srv.api('PUT', `/api/v2/users/${olena.id}`, { user: { role: 'viewers' } });
		assert.equal(r.status, 422, r.text);
		assert.match(r.text, /role/);
		// an admin turns an agent into a viewer and back
		const a2 = (await ok('POST', '/api/v2/users', { user: { name: 'Temp', email: 'temp@example.test', role: 'agent' } })).user;
		assert.equal((await ok('PUT', `/api/v2/users/${a2.id}`, { user: { role: 'viewer' } })).user.role, 'viewer');
		assert.equal((await ok('PUT', `/api/v2/users/${a2.id}`, { user: { role: 'agent' } })).user.role, 'agent');
		await ok('DELETE', `/api/v2/users/${a2.id}`);
	});

	it('frontline user add --role viewer', async () => {
		const u = await srv.addUser('viewer', 'Cli Viewer', 'cli-viewer@example.test', { token: false });
		assert.equal((await ok('GET', `/api/v2/users/${u.id}`)).user.role, 'viewer');
		const r = await runCli(['user', 'add', '--data', srv.dir, '--role', 'spectator', '--name', 'N',
			'--email', 'n@example.test'], { leaks: false });
		assert.equal(r.code, 2);
		assert.match(r.stderr, /admin, agent, viewer or end-user/);
		await ok('DELETE', `/api/v2/users/${u.id}`);
	});

	it('a viewer is neither an assignee nor a follower of a ticket', async () => {
		let r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { assignee_id: viewer.id } }, { auth: agent });
		assert.equal(r.status, 422, r.text);
		assert.match(r.text, /assignee_id: user \d+ is not an agent/);
		r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { follower_ids: [viewer.id] } }, { auth: agent });
		assert.equal(r.status, 422, r.text);
	});

	it('signs in with a password like an agent, and is told its role', async () => {
		const r = await srv.api('POST', '/api/v2/auth/session', { email: viewer.email, password: PASSWORD },
			{ auth: 'anonymous' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.role, 'viewer');
		const cookie = r.headers.get('set-cookie').split(';')[0];
		const me = await srv.api('GET', '/api/v2/auth/session', null, { auth: 'anonymous', headers: { cookie } });
		assert.equal(me.status, 200, me.text);
		// the workspace's session is held to the same rows as the token
		const t = await srv.api('GET', '/api/v2/tickets', null, { auth: 'anonymous', headers: { cookie } });
		assert.equal(t.status, 403, t.text);
		const rep = await srv.api('GET', '/api/v2/slas/reports/breaches', null, { auth: 'anonymous', headers: { cookie } });
		assert.equal(rep.status, 200, rep.text);
	});
});

describe('the route matrix', () => {
	const reaches = (rt) => rt.role === 'anonymous' || rt.role === 'viewer' || (rt.role === 'end-user' && rt.self);

	it('the table is the one the server serves, and has rows of every kind', () => {
		assert.ok(routes.length > 200, `only ${routes.length} routes`);
		for (const role of ['anonymous', 'end-user', 'viewer', 'agent', 'admin'])
			assert.ok(routes.some((rt) => rt.role === role), role);
		assert.ok(routes.some((rt) => rt.self));
		const reports = routes.filter((rt) => rt.role === 'viewer').map((rt) => rt.pattern);
		for (const p of ['/api/v2/slas/reports/breaches', '/api/v2/help_center/reports/deflection',
			'/api/v2/help_center/reports/searches'])
			assert.ok(reports.includes(p), p);
		// a viewer's rows are all reads: nothing it reaches by its rank writes
		assert.deepEqual(routes.filter((rt) => rt.role === 'viewer' && rt.method !== 'GET'), []);
	});

	it('as a viewer: 403 above its role, no customer contact below, nothing written', async () => {
		const before = await snapshot();
		const wrong = [];
		const called = { denied: 0, reached: 0 };
		for (const rt of routes) {
			const path = rt.pattern
				.replace(/\{id\}/g, () => String(rt.self ? viewer.id : ticket.id))
				.replace('{*}', 'en-us');
			let body = null;
			const headers = {};
			if (rt.method !== 'GET' && rt.method !== 'DELETE') {
				if (rt.body === 'form') {
					body = 'x=1';
					headers['content-type'] = 'application/x-www-form-urlencoded';
				} else if (rt.body === 'raw') {
					body = 'just text';
					headers['content-type'] = 'text/plain';
				} else {
					body = '{}';
				}
			}
			const r = await srv.api(rt.method, path, body, { auth: viewer, headers });
			const what = `${rt.method} ${rt.pattern} (${rt.role})`;
			if (!reaches(rt)) {
				called.denied++;
				if (r.status !== 403)
					wrong.push(`${what}: ${r.status}, not 403`);
				continue;
			}
			called.reached++;
			if (r.status === 401 || (r.status === 403 && rt.role !== 'anonymous'))
				wrong.push(`${what}: ${r.status} on a route the viewer reaches`);
			if (rt.role === 'viewer' && r.status !== 200)
				wrong.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
			const found = leaks(r.text);
			if (found.length)
				wrong.push(`${what}: shows ${found.join(', ')}`);
		}
		assert.deepEqual(wrong, []);
		assert.ok(called.denied > 150 && called.reached > 20, JSON.stringify(called));
		const afterwards = await snapshot();
		assert.equal(afterwards.counts, before.counts);
		assert.equal(afterwards.rows, before.rows);
	});

	it('an agent reads the same reports in full: the masks are the viewer\'s only', async () => {
		const asAgent = await ok('GET', '/api/v2/slas/reports/breaches', null, { auth: agent });
		assert.ok(asAgent.sla_breaches.some((b) => b.subject.includes('ivan@example.test')), JSON.stringify(asAgent));
		const asViewer = await ok('GET', '/api/v2/slas/reports/breaches', null, { auth: viewer });
		const mine = asViewer.sla_breaches.find((b) => b.ticket_id === ticket.id);
		assert.equal(mine.subject, 'Call me at +380 … 67 or write to i…@…');
		const csv = await srv.api('GET', '/api/v2/slas/reports/breaches.csv', null, { auth: viewer });
		assert.equal(csv.status, 200);
		assert.match(csv.text, /Call me at \+380 … 67 or write to i…@…/);
		const searches = (await ok('GET', '/api/v2/help_center/reports/searches', null, { auth: viewer })).searches;
		assert.deepEqual(searches.map((s) => s.query).sort(), ['o…@… … 21', 'refund +380 … 67']);
		const full = (await ok('GET', '/api/v2/help_center/reports/searches', null, { auth: agent })).searches;
		assert.ok(full.some((s) => s.query.includes('olena@example.test')));
	});
});
