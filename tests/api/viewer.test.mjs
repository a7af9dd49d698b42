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
// hold the same rows afterwards. Every listening surface is seeded through
// the real flows (a rating by the requester, an NPS survey mailed and
// answered, an idea and its comment, a complaint, an organisation), with
// contacts written as customers write them, and each report is called in
// every variant (VARIANTS): its CSV and each of its breakdowns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { PASSWORD, runCli, sleep, sqlOnServer, startServer } from './lib/server.mjs';

const DAY = 86400;
let srv, smtp, agent, ivan, olena, petro, viewer, routes, ticket;
const ids = {}; // a seeded row of each kind a viewer's {id} route reads
const sql = (text) => sqlOnServer(srv, text);

// A customer whose very name holds an address and a number, and an
// organisation's name that does.
const PETRO = 'Petro petro.k@example.test 067 555 12 34';
const ORG = 'Kyiv Shop, 1 Khreshchatyk St, shop@kyivshop.test, +380 44 555 66 77';
// What customers wrote, in the forms redaction has missed before: glued
// to a word, as a link encodes it, with dashes and spaced separators, in
// threes like money, with punctuation in the local part, in brackets.
const RATING = 'Ring me: tel0671234567 or 067–123–45–67, ivan%40example.test';
const WHY = 'Slow. Write ivan&co@example.test or call %2B380671234567';
const IDEA = { title: 'A call-back button, mine is тел0501112233', details: 'Or 612 345 678, olena@example.test' };
const IDEA_COMMENT = 'Yes! petro@[10.0.0.1], 067 - 555 - 12 - 34';

// What the customers are reached at, as the store and their own words have
// them: none of these may reach a viewer.
const CONTACTS = ['ivan@example.test', 'olena@example.test', '+380 67 123 45 67', '+380671234567',
	'050 765 43 21', '0507654321', '(044) 234-56-78', 'petro.k@', 'shop@kyivshop', '+380 44 555 66 77',
	'067 555 12 34', 'tel0671234567', '067–123–45–67', 'ivan%40', '&co@', '%2B3806712', '0501112233',
	'612 345 678', 'petro@[', '067 - 555 - 12 - 34'];
// The same numbers' digits, looked for with whatever separated them taken out.
const DIGITS = ['0671234567', '0507654321', '0442345678', '0445556677', '0675551234', '0501112233', '612345678'];

async function ok(method, p, body, opts) {
	const r = await srv.api(method, p, body, opts);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
	return r.json;
}

// Every e-mail address and run of digits a body holds that is a customer's.
function leaks(text) {
	const found = CONTACTS.filter((c) => text.includes(c));
	const bare = text.replace(/(?<=\d)(?:[\s\-\u2010-\u2015.()+]|%20){1,3}(?=\d)/gu, '');
	found.push(...DIGITS.filter((d) => bare.includes(d)).map((d) => `digits ${d}`));
	// any address at all but the viewer's own (agents' are not for viewers either)
	for (const m of text.match(/[A-Za-z0-9._%+&-]+(?:@|%40)(?:[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|\[)/g) ?? [])
		if (m !== viewer.email)
			found.push(m);
	return found;
}

// Each report a viewer reads and the arguments it takes: every combination
// is called (cross), so a breakdown or a CSV column that leaks is found. A
// viewer's route missing here fails the matrix: say what it takes.
const cross = (args) => Object.entries(args).reduce((qs, [k, vs]) =>
	qs.flatMap((q) => vs.map((v) => [q, v === null ? '' : `${k}=${v}`].filter(Boolean).join('&'))), ['']);
const VARIANTS = {
	'/api/v2/slas/reports/compliance': cross({ by: ['policy', 'metric', 'group', 'agent', 'tier', 'channel'],
		format: ['json', 'csv'] }),
	'/api/v2/slas/reports/times': cross({ format: ['json', 'csv'] }),
	'/api/v2/slas/reports/breaches': cross({ format: ['json', 'csv'] }),
	'/api/v2/help_center/reports/searches': [''],
	'/api/v2/help_center/reports/deflection': [''],
	'/api/v2/ideas/report': cross({ status: [null, 'new'], format: ['json', 'csv'] }),
	'/api/v2/nps/report': cross({ period: ['week', 'month'], format: ['json', 'csv'], comments: [null, 'detractors', 'passives'] }),
	'/api/v2/nps/surveys': [''],
	'/api/v2/satisfaction_ratings': cross({ score: [null, 'bad_with_comment', 'bad'] }),
	'/api/v2/satisfaction_ratings/report': cross({ by: ['agent', 'group', 'channel', 'tier'],
		period: ['week', 'month'], format: ['json', 'csv'] }),
	'/api/v2/complaint_reasons': [''],
	'/api/v2/complaints/settings': [''],
	'/api/v2/complaints/report': cross({ period: ['week', 'month'], locale: [null, 'uk'], format: ['json', 'csv'] }),
	'/api/v2/chat/stats': cross({ by: ['day', 'agent', 'group'], format: ['json', 'csv'] }),
};

// An answer to the NPS survey from the mail to addr: score n, and why.
async function answerNps(addr, n, why) {
	const m = await smtp.waitFor((x) => x.headers.to === addr && /\/nps\//.test(x.text));
	const hit = [...m.text.matchAll(/https?:\/\/[^\s/]+(\/nps\/[0-9a-f-]+)\?score=(\d+)/g)]
		.find((x) => Number(x[2]) === n);
	assert.ok(hit, m.text);
	// the link shows the score; the form's post records it with the why
	let r = await fetch(`${srv.base}${hit[1]}?score=${n}`, { redirect: 'manual' });
	assert.equal(r.status, 200, await r.text());
	r = await fetch(srv.base + hit[1], { method: 'POST', redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ score: String(n), comment: why }).toString() });
	assert.equal(r.status, 200, await r.text());
}

// Until no job is queued or running: what the seed set off is done before
// the matrix compares the rows before and after it.
async function settle() {
	for (let i = 0; i < 150; i++) {
		const n = Number(String(await sql(`SELECT COUNT(*) FROM jobs WHERE state IN (0, 1) AND run_at <= ${Math.floor(Date.now() / 1000) + 1};`)).trim());
		if (n === 0)
			return;
		await sleep(200);
	}
	assert.fail('the jobs did not settle in 30 s');
}

// Each table's rows and the tickets', people's and comments' contents:
// what "nothing was written" is checked against.
async function snapshot() {
	const names = String(await sql(srv.db
		? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1;"
		: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1;"))
		.trim().split('\n').filter((n) => n && !/_fts|_vocab|_data$|_idx$|_docsize$|_config$|_content$/.test(n))
		// POST /chat/api/visitors makes a chat visitor for anyone who asks, as
		// the widget does for every stranger: no session is read there
		.filter((n) => n !== 'chat_visitors');
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
	// the listening surfaces, through the flows customers and agents use
	smtp = await startSmtp();
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	const org = (await ok('POST', '/api/v2/organizations', { organization: { name: ORG } })).organization;
	petro = await srv.addUser('end-user', PETRO, 'petro@example.test');
	for (const u of [ivan, petro])
		await ok('PUT', `/api/v2/users/${u.id}`, { user: { organization_id: org.id } });
	const reason = (await ok('POST', '/api/v2/complaint_reasons', { complaint_reason: { names: { en: 'Late courier' } } }))
		.complaint_reason;
	ids['/api/v2/complaint_reasons/{id}'] = reason.id;
	const rated = [];
	for (const [u, comment] of [[ivan, RATING], [petro, `I am ${PETRO}`]]) {
		const t = (await ok('POST', '/api/v2/tickets', { ticket: { subject: `Refund to ${u === ivan ? 'tel0671234567' : PETRO}`,
			requester_id: u.id, assignee_id: agent.id, comment: { body: 'Where is my refund?' } } }, { auth: agent })).ticket;
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved', complaint: { reason_id: reason.id },
			comment: { body: 'Refunded.', public: true } } }, { auth: agent });
		rated.push((await ok('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`,
			{ satisfaction_rating: { score: 'bad', comment } }, { auth: u })).satisfaction_rating);
	}
	ids['/api/v2/satisfaction_ratings/{id}'] = rated[0].id;
	const survey = (await ok('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'Q4', audience: 'solved',
		audience_days: 30 } })).nps_survey;
	assert.equal((await srv.api('POST', `/api/v2/nps/surveys/${survey.id}/send`)).status, 202);
	await answerNps('ivan@example.test', 2, WHY);
	await answerNps('petro@example.test', 3, `Signed, ${PETRO}`);
	const idea = (await ok('POST', '/api/v2/ideas', { idea: IDEA }, { auth: ivan })).idea;
	await ok('POST', `/api/v2/ideas/${idea.id}/comments`, { comment: { body: IDEA_COMMENT } }, { auth: petro });
	ids['/api/v2/ideas/{id}'] = ids['/api/v2/ideas/{id}/comments'] = idea.id;
	await settle();

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
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

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
		// every report a viewer reads says in VARIANTS what it takes, and
		// every {id} it reads has a seeded row
		const lists = routes.filter((rt) => rt.role === 'viewer' && !rt.pattern.endsWith('.csv') &&
			!rt.pattern.includes('{id}')).map((rt) => rt.pattern);
		assert.deepEqual(lists.sort(), Object.keys(VARIANTS).sort());
		for (const rt of routes.filter((x) => x.role === 'viewer' && x.pattern.includes('{id}')))
			assert.ok(ids[rt.pattern], rt.pattern);
		assert.ok(VARIANTS['/api/v2/satisfaction_ratings/report'].includes('by=tier&period=month&format=csv'));
	});

	it('each listening surface holds what was seeded, so the matrix reads real rows', async () => {
		const agentSees = async (p) => (await srv.api('GET', p, null, { auth: agent })).text;
		assert.match(await agentSees('/api/v2/satisfaction_ratings?score=bad'), /tel0671234567/);
		assert.match(await agentSees('/api/v2/nps/report'), /ivan&co@example\.test/);
		assert.match(await agentSees('/api/v2/nps/report'), /Kyiv Shop/);
		assert.match(await agentSees('/api/v2/ideas/report'), /тел0501112233/);
		assert.match(await agentSees(`/api/v2/ideas/${ids['/api/v2/ideas/{id}']}/comments`), /petro@\[10\.0\.0\.1\]/);
		assert.match(await agentSees('/api/v2/complaints/report?format=csv'), /Late courier/);
		assert.match(await agentSees('/api/v2/satisfaction_ratings/report?by=agent'), /"bad":\s*2/);
	});

	it('as a viewer: 403 above its role, no customer contact below, nothing written', async () => {
		const before = await snapshot();
		const wrong = [];
		const called = { denied: 0, reached: 0 };
		for (const rt of routes) {
			const path = rt.pattern
				.replace(/\{id\}/g, () => String(rt.self ? viewer.id : ids[rt.pattern] ?? ticket.id))
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
			const queries = reaches(rt) && rt.method === 'GET' ? VARIANTS[rt.pattern] ?? [''] : [''];
			for (const q of queries) {
				const r = await srv.api(rt.method, q ? `${path}?${q}` : path, body, { auth: viewer, headers });
				const what = `${rt.method} ${rt.pattern}${q ? `?${q}` : ''} (${rt.role})`;
				if (!reaches(rt)) {
					called.denied++;
					if (r.status !== 403)
						wrong.push(`${what}: ${r.status}, not 403`);
					continue;
				}
				called.reached++;
				// a chat visitor's route reads no session: the viewer's
				// cookie or token is no visitor token there (401 naming it)
				if ((r.status === 401 && !rt.no_auth) || (r.status === 403 && rt.role !== 'anonymous'))
					wrong.push(`${what}: ${r.status} on a route the viewer reaches`);
				if (rt.role === 'viewer' && r.status !== 200)
					wrong.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
				if (rt.role === 'viewer' && /format=csv/.test(q) && !/^text\/csv/.test(r.headers.get('content-type')))
					wrong.push(`${what}: ${r.headers.get('content-type')}, not CSV`);
				const found = leaks(r.text);
				if (found.length)
					wrong.push(`${what}: shows ${found.join(', ')}`);
			}
		}
		assert.deepEqual(wrong, []);
		assert.ok(called.denied > 150 && called.reached > 90, JSON.stringify(called));
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

	it('a viewer\'s help-center search is not counted as a customer\'s; a signed-in customer\'s is', async () => {
		const search = (query, auth) => srv.api('GET',
			`/api/v2/help_center/articles/search?query=${encodeURIComponent(query)}`, null, { auth });
		const r = await search('viewer looked for zebra', viewer);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.search_id, undefined, 'no search_id: nothing recorded');
		assert.equal((await search('agent looked for zebra', agent)).json.search_id, undefined);
		const c = await search('customer looked for zebra', olena);
		assert.equal(c.status, 200, c.text);
		assert.ok(c.json.search_id > 0, c.text);
		const queries = (await ok('GET', '/api/v2/help_center/reports/searches', null, { auth: agent })).searches
			.map((s) => s.query);
		assert.ok(queries.includes('customer looked for zebra'), JSON.stringify(queries));
		assert.ok(!queries.some((q) => /viewer looked|agent looked/.test(q)), JSON.stringify(queries));
	});
});
