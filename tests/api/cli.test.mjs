// The command line: help, version, the set-up commands an operator runs
// (user add, token create) and the demo desk behind `make run DEMO=1`, with
// the sanitizers' leak check on.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, PG, dropDatabase, newDatabase, runCli, sleep, startServer } from './lib/server.mjs';

let dir;
before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-cli-')); });
after(async () => { if (dir) await fs.rm(dir, { recursive: true, force: true }); });

describe('help and version', () => {
	it('`frontline --help` exits 0 and lists the commands', async () => {
		const r = await runCli(['--help']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^usage: frontline/m);
		for (const c of ['serve', 'user add', 'token create', 'backup', 'migrate', 'mailgate', 'mailbox', 'version'])
			assert.ok(r.stdout.includes(c), c);
	});

	for (const cmd of [['serve'], ['user', 'add'], ['user', 'password'], ['token', 'create'], ['backup'], ['migrate'], ['mailgate'], ['mailbox'], ['demo'], ['seed'], ['version']]) {
		it(`\`frontline ${cmd.join(' ')} --help\` exits 0 and prints its usage`, async () => {
			const r = await runCli([...cmd, '--help']);
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, new RegExp(`usage: frontline ${cmd.join(' ')}`), r.stdout);
		});
	}

	it('`frontline version` prints a version', async () => {
		const r = await runCli(['version']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout.trim(), /^frontline \d+\.\d+\.\d+/);
	});

	it('an unknown command or option exits non-zero with usage on stderr', async () => {
		let r = await runCli(['frobnicate']);
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /usage/);
		r = await runCli(['serve', '--no-such-flag']);
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /usage/);
	});
});

describe('set-up commands (leak check on)', () => {
	it('`user add` exits 0 and prints the new id', async () => {
		const r = await runCli(['user', 'add', '--data', dir, '--role', 'admin', '--name', 'Root',
			'--email', 'root@example.test', '--password-stdin'], { input: 'a good long password\n' });
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout.trim(), /^\d+$/);
	});

	it('`token create` exits 0 and prints a 56-hex token', async () => {
		const r = await runCli(['token', 'create', '--data', dir, '--email', 'root@example.test']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout.trim(), /^[0-9a-f]{56}$/);
	});

	it('`user add` refuses a short password, a bad role and a bad address (exit != 0)', async () => {
		const base = ['user', 'add', '--data', dir, '--name', 'X', '--password-stdin'];
		let r = await runCli([...base, '--role', 'agent', '--email', 'x@example.test'], { input: 'short\n', leaks: false });
		assert.notEqual(r.code, 0);
		r = await runCli([...base, '--role', 'wizard', '--email', 'x@example.test'], { input: 'long enough pw\n', leaks: false });
		assert.notEqual(r.code, 0);
		r = await runCli([...base, '--role', 'agent', '--email', 'not-an-address'], { input: 'long enough pw\n', leaks: false });
		assert.notEqual(r.code, 0);
		r = await runCli([...base, '--role', 'agent', '--email', 'ROOT@example.test'], { input: 'long enough pw\n', leaks: false });
		assert.notEqual(r.code, 0, 'a duplicate address');
	});

	it('`token create` for an unknown address exits non-zero', async () => {
		const r = await runCli(['token', 'create', '--data', dir, '--email', 'ghost@example.test'], { leaks: false });
		assert.notEqual(r.code, 0);
		assert.equal(r.stdout.trim(), '');
	});
});

describe('demo', () => {
	it('`demo` loads a desk in four languages, once, and the server serves it', async () => {
		const d = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-demo-'));
		await newDatabase(d);
		let srv;
		try {
			let r = await runCli(['demo', '--data', d]);
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /demo data loaded/);
			const pw = r.stdout.match(/password:\s+([0-9a-f]{24})/);
			assert.ok(pw, `no first-admin password in ${JSON.stringify(r.stdout)}`);
			r = await runCli(['demo', '--data', d]);
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /already loaded/);

			const demo = JSON.parse(await fs.readFile(new URL('../../src/demo/demo.json', import.meta.url)));
			// the demo's admin reads the desk; the first admin's one-time password opens nothing until changed
			srv = await startServer({ data: d, admin: { basic: [demo.agents[0].email, 'frontline-demo'] } });
			const first = await srv.api('GET', '/api/v2/tickets/count', null, { auth: { basic: ['admin@frontline.local', pw[1]] } });
			assert.equal(first.status, 403, first.text);
			assert.equal(first.json.details.password[0].error, 'PasswordChangeRequired');
			// the demo's tickets, the NPS follow-ups its surveys opened, and a ticket a chat
			const count = await srv.api('GET', '/api/v2/tickets/count');
			const chatCount = JSON.parse(await fs.readFile(new URL('../../src/demo/chats.json', import.meta.url))).chats.length;
			const followups = await srv.api('GET', `/api/v2/search/count?query=${encodeURIComponent('tags:nps_followup')}`);
			assert.ok(followups.json.count >= 3, followups.text);
			assert.equal(count.json.count.value, demo.tickets.length + followups.json.count + chatCount, count.text);
			// NPS over months, and each step of its closed loop taken by someone
			const nps = (await srv.api('GET', '/api/v2/nps/report')).json.nps_report;
			assert.ok(nps.trend.filter((p) => p.nps != null).length >= 5, JSON.stringify(nps.trend));
			assert.equal(nps.closed_loop.followups, followups.json.count);
			assert.ok(nps.closed_loop.contacted >= 1 && nps.closed_loop.contacted < nps.closed_loop.followups, JSON.stringify(nps.closed_loop));
			assert.ok(nps.closed_loop.improved >= 1, JSON.stringify(nps.closed_loop));
			// complaints across the reasons
			const cs = await srv.api('GET', `/api/v2/search/count?query=${encodeURIComponent('complaint:true')}`);
			assert.equal(cs.json.count, demo.tickets.filter((x) => x.complaint).length, cs.text);
			assert.ok(new Set(demo.tickets.map((x) => x.complaint).filter(Boolean)).size >= 4);
			// a problem with its incidents, tasks with due dates, external ids
			const problems = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent('ticket_type:problem')}`);
			const gateway = problems.json.results.find((p) => p.tags.includes('payment-gateway'));
			assert.ok(gateway, problems.text);
			const all = await srv.api('GET', '/api/v2/tickets?per_page=100');
			assert.equal(all.json.tickets.filter((x) => x.problem_id === gateway.id).length,
				demo.tickets.filter((x) => x.problem === 't-gateway').length, all.text);
			assert.ok(all.json.tickets.some((x) => x.type === 'task' && x.due_at), all.text);
			const po = await srv.api('GET', '/api/v2/tickets?external_id=PO-NH-0457');
			assert.equal(po.json.tickets.length, 1, po.text);
			const crm = await srv.api('GET', '/api/v2/users?external_id=CRM-10077');
			assert.deepEqual(crm.json.users.map((u) => u.external_id), ['CRM-10077'], crm.text);
			// the tiers in order, with customers and organizations on them
			const tiers = (await srv.api('GET', '/api/v2/tiers')).json.tiers;
			assert.deepEqual(tiers.map((x) => [x.name, x.position]), [['Standard', 1], ['Gold', 2], ['VIP', 3]]);
			const onTier = (k) => demo.customers.filter((c) => c.tier === k).length;
			assert.deepEqual(tiers.map((x) => x.users_count), ['tier-standard', 'tier-gold', 'tier-vip'].map(onTier));
			assert.ok(tiers.every((x) => x.organizations_count > 0), JSON.stringify(tiers));
			// Lithuanian typed without diacritics, Ukrainian and Russian in any case
			for (const q of ['saskaita', 'ПОВЕРНЕННЯ', 'заказ']) {
				const s = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`);
				assert.equal(s.status, 200, s.text);
				assert.ok(s.json.count > 0, `${q} found nothing in the demo desk`);
			}
			// every built-in queue but "your unsolved" (the admin has none) has tickets
			const week = new Date(Date.now() - 7 * 86400000).toISOString().slice(0, 10);
			for (const q of ['assignee:none status<solved', 'status<solved', 'status:pending',
				`status:solved updated>${week}`]) {
				const c = await srv.api('GET', `/api/v2/search/count?query=${encodeURIComponent(`type:ticket ${q}`)}`);
				assert.ok(c.json.count > 0, `the queue ${q} is empty: ${c.text}`);
			}
			// shared macros, each replying in the four languages
			const macros = (await srv.api('GET', '/api/v2/macros?sort_by=position')).json.macros;
			assert.deepEqual(macros.map((m) => m.title), demo.macros.map((m) => m.title));
			assert.ok(macros.filter((m) => m.translations.lt).length >= 4, JSON.stringify(macros));
			// the knowledge base: every article in each of its languages, searchable
			const kb = JSON.parse(await fs.readFile(new URL('../../src/demo/kb.json', import.meta.url)));
			const kbArticles = kb.categories.flatMap((c) => c.sections.flatMap((x) => x.articles));
			for (const locale of ['uk', 'ru', 'lt', 'en']) {
				const list = await srv.api('GET', `/api/v2/help_center/articles?locale=${locale}&per_page=100`);
				assert.equal(list.json.count, kbArticles.filter((a) => a.translations[locale]).length, list.text);
			}
			const word = kbArticles[0].translations.uk.title.split(' ').find((w) => w.length > 4);
			const found = await srv.api('GET', `/api/v2/help_center/articles/search?locale=uk&query=${encodeURIComponent(word)}`);
			assert.ok(found.json.count > 0, `${word} found no article: ${found.text}`);
			// the admin's own views, titled in four languages, each with tickets
			const views = (await srv.api('GET', '/api/v2/views')).json.views;
			assert.deepEqual(views.map((v) => v.title), demo.views.map((v) => v.title));
			assert.equal(views[0].title_translations.uk, demo.views[0].title_translations.uk);
			const counts = await srv.api('GET', `/api/v2/views/count_many?ids=${views.map((v) => v.id).join(',')}`);
			for (const c of counts.json.view_counts)
				assert.ok(c.value > 0, `view ${c.view_id} is empty: ${counts.text}`);
			// the triggers in order, checked as the API checks them, naming the demo's groups and tiers
			const trig = (await srv.api('GET', '/api/v2/triggers')).json.triggers;
			assert.deepEqual(trig.map((x) => [x.title, x.position, x.active]), demo.triggers.map((x, i) => [x.title, i + 1, true]));
			const groups = (await srv.api('GET', '/api/v2/groups')).json.groups;
			const tier2 = groups.find((g) => g.name === 'Tier 2');
			assert.deepEqual(trig[0].actions[0], { field: 'group_id', value: tier2.id });
			assert.equal(trig[0].actions[1].value[0], tier2.id);
			assert.ok(trig[0].conditions.any.some((c) => c.field === 'requester_tier' && c.value === tiers[1].id));
			// routing on for every group, the agents' statuses, capacities and skills
			for (const g of demo.groups)
				assert.equal(groups.find((x) => x.name === g.name).routing.method, g.routing, g.name);
			const avail = (await srv.api('GET', '/api/v2/agent_availabilities')).json.agent_availabilities;
			for (const a of demo.agents) {
				const got = avail.find((x) => x.name === a.name);
				assert.deepEqual([got.status, got.capacity, got.skills], [a.status, a.capacity, [...a.skills].sort()], a.name);
			}
			// they work: a Gold customer's urgent ticket goes to Tier 2 and to an agent there who is
			// online and speaks English; a Lithuanian one goes to Support and to Rūta, who speaks it
			const people = (await srv.api('GET', '/api/v2/users?per_page=100')).json.users;
			const who = (key) => people.find((u) => u.email === demo.customers.find((c) => c.key === key).email).id;
			const agentId = (key) => people.find((u) => u.email === demo.agents.find((x) => x.key === key).email).id;
			let tk = await srv.ticket({ subject: 'Order stuck', body: 'Our order is stuck at customs.', priority: 'urgent',
				requester_id: who('c-james') });
			tk = (await srv.api('GET', `/api/v2/tickets/${tk.id}`)).json.ticket;
			assert.equal(tk.group_id, tier2.id);
			assert.ok([agentId('a-olena'), agentId('a-ruta')].includes(tk.assignee_id), `assigned to ${tk.assignee_id}`);
			tk = await srv.ticket({ subject: 'Dėl užsakymo', body: 'Laba diena, kur mano užsakymas? Noriu grąžinti pinigus.',
				requester_id: who('c-egle') });
			tk = (await srv.api('GET', `/api/v2/tickets/${tk.id}`)).json.ticket;
			assert.equal(tk.group_id, groups.find((g) => g.name === 'Support').id);
			assert.equal(tk.assignee_id, agentId('a-ruta'));
			assert.deepEqual(tk.tags, ['lietuviu', 'refund']);
			// the example webhook, off
			const hooks = (await srv.api('GET', '/api/v2/webhooks')).json.webhooks;
			assert.deepEqual(hooks.map((h) => [h.name, h.endpoint, h.status]),
				[['CRM sync (example)', 'https://example.invalid/frontline/webhooks', 'inactive']]);
			// the suggestion box: a dozen ideas in four languages, with votes, statuses and answers
			const ideasDemo = JSON.parse(await fs.readFile(new URL('../../src/demo/ideas.json', import.meta.url))).ideas;
			const ideas = (await srv.api('GET', '/api/v2/ideas?per_page=100')).json.ideas;
			assert.equal(ideas.length, ideasDemo.length);
			assert.deepEqual([...new Set(ideas.map((x) => x.locale))].sort(), ['en', 'lt', 'ru', 'uk']);
			for (const x of ideasDemo) {
				const got = ideas.find((i) => i.title === x.title);
				assert.deepEqual([got.status, got.vote_count, got.comment_count, got.answer],
					[x.status, 1 + x.voters.length, x.comments.length, x.answer ?? ''], x.title);
			}
			// live chat: on, in four languages, with capacities, weeks of chats for the report and some live now
			const chatDemo = JSON.parse(await fs.readFile(new URL('../../src/demo/chats.json', import.meta.url)));
			const chatSettings = await srv.api('GET', '/api/v2/chat/settings');
			assert.equal(chatSettings.status, 200, chatSettings.text);
			const settings = chatSettings.json.settings;
			assert.equal(settings.enabled, true);
			assert.equal(settings.group_id, groups.find((g) => g.name === 'Support').id);
			assert.deepEqual(settings.topics.map((t) => t.key), chatDemo.settings.topics.map((t) => t.key));
			for (const [key, capacity] of Object.entries(chatDemo.capacity)) {
				const cap = await srv.api('GET', `/api/v2/chat/agents/${agentId(key)}`);
				assert.equal(cap.json.agent.capacity, capacity, key);
			}
			const has = (c, k) => c.steps.some((s) => s[k] !== undefined);
			const listed = async (state) => (await srv.api('GET', `/api/v2/chats?state=${state}&per_page=100`)).json.chats;
			const ended = await listed('ended');
			assert.equal(ended.length, chatDemo.chats.filter((c) => has(c, 'end') && has(c, 'say')).length);
			assert.deepEqual([...new Set(ended.map((c) => c.locale))].sort(), ['en', 'lt', 'ru', 'uk']);
			// missed: ended before an agent wrote (and the queued one, once the job sees its visitor gone)
			assert.ok((await listed('missed')).length >= chatDemo.chats.filter((c) => has(c, 'end') && !has(c, 'say')).length);
			assert.equal((await listed('active')).length, chatDemo.chats.filter((c) => !has(c, 'end') && has(c, 'say')).length);
			const transferred = ended.find((c) => c.name === 'Марія');
			const lines = (await srv.api('GET', `/api/v2/chats/${transferred.id}/messages`)).json.messages;
			assert.ok(lines.some((m) => m.author === 'system'), JSON.stringify(lines));
			assert.equal(transferred.agent_id, agentId('a-olena'));
			const rated = (await srv.api('GET', `/api/v2/tickets/${ended.find((c) => c.name === demo.customers.find((x) => x.key === 'c-viktor').name).ticket_id}`)).json.ticket;
			assert.equal(rated.satisfaction_rating.score, 'bad', JSON.stringify(rated.satisfaction_rating));
			const stats = (await srv.api('GET', '/api/v2/chat/stats?by=agent')).json.stats;
			assert.equal(stats.total.chats, chatDemo.chats.length, JSON.stringify(stats.total));
			assert.equal(stats.total.answered, chatDemo.chats.filter((c) => has(c, 'say')).length);
			assert.ok(stats.total.wait_p50 > 0 && stats.total.duration_p50 > 0, JSON.stringify(stats.total));
			// a demo agent signs in with the documented password
			const agent = demo.agents[0].email;
			const login = await srv.api('POST', '/api/v2/auth/session',
				{ email: agent, password: 'frontline-demo' }, { auth: null });
			assert.equal(login.status, 200, login.text);
			assert.equal(login.json.user.email, agent);
			// the trust settings, and a loop kept out of the tickets
			const mail = await srv.api('GET', '/api/v2/mail/settings');
			assert.equal(mail.json.mail_settings.authserv_id, demo.mail.settings['mail.authserv_id']);
			const q = await srv.api('GET', '/api/v2/mail/quarantine');
			assert.equal(q.json.quarantined_mails.length, 1, q.text);
			assert.equal(q.json.quarantined_mails[0].from, demo.mail.settings['mail.from']);
			// the demo's own address is nobody's
			const own = await srv.api('POST', '/api/v2/users', { user: { name: 'X', email: demo.mail.settings['mail.from'] } });
			assert.equal(own.status, 422, own.text);
		} finally {
			if (srv)
				await srv.stop();
			await srv?.cleanup();
			await dropDatabase(d);
			await fs.rm(d, { recursive: true, force: true });
		}
	});
});

describe('`seed`: a desk for the benchmarks', () => {
	it('makes the tickets it reads, and a second run tops the desk up with the same people', async () => {
		const d = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-seed-'));
		await newDatabase(d);
		let srv;
		try {
			const lines = (from) => Array.from({ length: 30 }, (_, i) => JSON.stringify({
				subject: `Seeded ${from + i}`, comment: { body: `Замовлення ${from + i} не прийшло` },
				tags: ['seeded'], priority: 'normal', status: 'open' })).join('\n') + '\n';
			const args = ['seed', '--data', d, '--tickets', '30', '--agents', '3', '--groups', '2', '--customers', '10'];
			let r = await runCli(args, { input: lines(1) });
			assert.equal(r.code, 0, r.stderr);
			assert.deepEqual(JSON.parse(r.stdout), { tickets: 30, max_id: 30 });
			r = await runCli(args, { input: lines(31) });
			assert.equal(r.code, 0, r.stderr);
			assert.deepEqual(JSON.parse(r.stdout), { tickets: 30, max_id: 60 });

			r = await runCli(['user', 'add', '--data', d, '--role', 'admin', '--name', 'Root',
				'--email', 'root@example.test', '--password-stdin'], { input: 'a good long password\n' });
			assert.equal(r.code, 0, r.stderr);
			srv = await startServer({ data: d, admin: { basic: ['root@example.test', 'a good long password'] } });
			const count = await srv.api('GET', '/api/v2/tickets/count');
			assert.equal(count.json.count.value, 60, count.text);
			const agents = await srv.api('GET', '/api/v2/users?role=agent&per_page=100');
			assert.deepEqual(agents.json.users.map((u) => u.email).sort(),
				[1, 2, 3].map((k) => `bench-agent-${k}@example.com`), agents.text);
			const groups = await srv.api('GET', '/api/v2/groups');
			assert.equal(groups.json.groups.length, 2, groups.text);
		} finally {
			if (srv)
				await srv.stop();
			await srv?.cleanup();
			await dropDatabase(d);
			await fs.rm(d, { recursive: true, force: true });
		}
	});
});

describe('`user password`: an admin locked out resets a password from the command line', () => {
	let srv;
	before(async () => { srv = await startServer({ agents: ['locked'] }); });
	after(async () => { await srv?.cleanup(); });

	const signIn = (email, password) => srv.api('POST', '/api/v2/auth/session', { email, password }, { auth: 'anonymous' });
	const cookieOf = (r) => /(?:^|[,\s])(fl_session=[^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
	const me = (cookie) => srv.api('GET', '/api/v2/users/me', null, { auth: 'anonymous', headers: { cookie } });

	/* Runs `user password` while the cookie is used all along (so every
	 * node's cache holds it as verified), then gives how long after the
	 * command ended the cookie still worked: on PostgreSQL the change is
	 * published, so well under the cache's two seconds. */
	async function resetWhileInUse(cookie, args, input) {
		let done = false;
		const run = runCli(['user', 'password', '--data', srv.dir, ...args], { input }).finally(() => { done = true; });
		while (!done) {
			await me(cookie);
			await sleep(20);
		}
		const r = await run;
		const until = Date.now() + (PG ? 1000 : 3000); // SQLite: one node, its cache expires in 2 s
		let status;
		while ((status = (await me(cookie)).status) === 200 && Date.now() < until)
			await sleep(20);
		return { r, status };
	}

	it('`user --help` lists it, with its exit codes', async () => {
		const r = await runCli(['user', '--help']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /usage: frontline user password/);
		assert.match(r.stdout, /exit codes: 0 reset; 1 no user has EMAIL/);
		assert.match((await runCli(['--help'])).stdout, /user password/);
	});

	it('a new password from standard input: the old one fails, the new one signs in, old sessions end', async () => {
		const { email } = srv.users.locked;
		const s = await signIn(email, PASSWORD);
		assert.equal(s.status, 200, s.text);
		const cookie = cookieOf(s);
		assert.equal((await me(cookie)).status, 200);

		const { r, status } = await resetWhileInUse(cookie, ['--email', email.toUpperCase(), '--password-stdin'], 'a brand new secret\n');
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout, '', 'a chosen password is not printed');
		assert.equal(status, 401, 'the session from before the reset still works');

		assert.equal((await signIn(email, PASSWORD)).status, 401, 'the old password still signs in');
		const n = await signIn(email, 'a brand new secret');
		assert.equal(n.status, 200, n.text);
		assert.equal(n.json.user.must_change_password, false);
	});

	it('without a password on standard input: a one-time password, printed once, that must be changed', async () => {
		const { email } = srv.users.locked;
		const s = await signIn(email, 'a brand new secret');
		const cookie = cookieOf(s);
		const { r, status } = await resetWhileInUse(cookie, ['--email', email]);
		assert.equal(r.code, 0, r.stderr);
		const pw = /one-time password: ([0-9a-f]{24})\b/.exec(r.stdout)?.[1];
		assert.ok(pw, `no one-time password in ${JSON.stringify(r.stdout)}`);
		assert.equal(status, 401, 'the session from before the reset still works');
		assert.equal((await signIn(email, 'a brand new secret')).status, 401);

		const n = await signIn(email, pw);
		assert.equal(n.status, 200, n.text);
		assert.equal(n.json.user.must_change_password, true, 'the API does not ask for a new password');
		// changing it clears the mark
		const h = { cookie: cookieOf(n), 'x-csrf-token': n.json.csrf_token };
		const c = await srv.api('PUT', `/api/v2/users/${srv.users.locked.id}/password`,
			{ previous_password: pw, password: PASSWORD }, { auth: 'anonymous', headers: h });
		assert.ok(c.status < 300, c.text);
		assert.equal((await signIn(email, PASSWORD)).json.user.must_change_password, false);
	});

	it('an unknown e-mail is exit code 1 with a clear message, and changes nothing', async () => {
		const r = await runCli(['user', 'password', '--data', srv.dir, '--email', 'ghost@example.test', '--password-stdin'],
			{ input: 'whatever it is\n' });
		assert.equal(r.code, 1);
		assert.match(r.stderr, /no user has the e-mail ghost@example\.test/);
		assert.equal((await signIn(srv.users.locked.email, PASSWORD)).status, 200);
	});

	it('bad usage is exit code 2; a short password is refused (1) and changes nothing', async () => {
		let r = await runCli(['user', 'password', '--data', srv.dir]);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /usage: frontline user password/);
		r = await runCli(['user', 'password', '--data', srv.dir, '--email', 'not-an-address']);
		assert.equal(r.code, 2);
		r = await runCli(['user', 'password', '--data', srv.dir, '--email', srv.users.locked.email, '--password-stdin'],
			{ input: 'short\n' });
		assert.equal(r.code, 1);
		assert.equal((await signIn(srv.users.locked.email, PASSWORD)).status, 200);
	});
});
