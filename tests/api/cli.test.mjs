// The command line: help, version, the set-up commands an operator runs
// (user add, token create) and the demo desk behind `make run DEMO=1`, with
// the sanitizers' leak check on.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { dropDatabase, newDatabase, runCli, startServer } from './lib/server.mjs';

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

	for (const cmd of [['serve'], ['user', 'add'], ['token', 'create'], ['backup'], ['migrate'], ['mailgate'], ['mailbox'], ['demo'], ['version']]) {
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

			srv = await startServer({ data: d, admin: { basic: ['admin@frontline.local', pw[1]] } });
			const demo = JSON.parse(await fs.readFile(new URL('../../src/demo/demo.json', import.meta.url)));
			const count = await srv.api('GET', '/api/v2/tickets/count');
			assert.equal(count.json.count.value, demo.tickets.length, count.text);
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
			// Lithuanian typed without diacritics, Ukrainian and Russian in any case
			for (const q of ['saskaita', 'ПОВЕРНЕННЯ', 'заказ']) {
				const s = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`);
				assert.equal(s.status, 200, s.text);
				assert.ok(s.json.count > 0, `${q} found nothing in the demo desk`);
			}
			// every starting queue but "your unsolved" (the admin has none) has tickets
			const views = await srv.api('GET', '/api/v2/views/count_many?ids=2,3,4,5');
			for (const v of views.json.view_counts)
				assert.ok(v.value > 0, `view ${v.view_id} is empty`);
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
