// `frontline migrate` from SQLite to PostgreSQL (the PostgreSQL pass only):
// a desk with tickets, comments, tags, CCs, updates, a deleted ticket,
// organizations, groups, a custom view, a business-hours schedule with a
// holiday, SLA policies, tokens and a file is copied; the copy is
// interrupted with SIGKILL, refused without --resume, finished with it, and
// verified; then a server on PostgreSQL answers exactly as the SQLite one
// did, with the same passwords and tokens, and new ids follow the copied.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';

import { BIN, PASSWORD, PG, dropDatabase, newDatabase, runCli, startServer } from './lib/server.mjs';

const skip = !PG && 'needs the PostgreSQL server of the PostgreSQL pass';
const TICKETS = 300;
let src, dst, dir, uri, file;
const FILE = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
const before_ = {}; // what the SQLite server answered

async function answers(s) {
	const out = {};
	out.tickets = await s.allTickets();
	const ids = out.tickets.map((t) => t.id);
	out.comments = [];
	out.audits = [];
	for (const id of [ids[0], ids[7], ids[ids.length - 1]]) {
		out.comments.push((await s.api('GET', `/api/v2/tickets/${id}/comments`)).json);
		out.audits.push((await s.api('GET', `/api/v2/tickets/${id}/audits`)).json);
	}
	out.users = (await s.api('GET', '/api/v2/users?per_page=100')).json;
	out.orgs = (await s.api('GET', '/api/v2/organizations')).json;
	out.groups = (await s.api('GET', '/api/v2/groups')).json;
	out.views = (await s.api('GET', '/api/v2/views')).json;
	out.schedules = (await s.api('GET', '/api/v2/business_hours/schedules')).json;
	out.holidays = [];
	for (const sc of out.schedules.schedules)
		out.holidays.push((await s.api('GET', `/api/v2/business_hours/schedules/${sc.id}/holidays`)).json);
	out.slas = (await s.api('GET', '/api/v2/slas/policies')).json;
	out.search = [];
	for (const q of ['saskaita', 'ПОВЕРНЕННЯ', 'квитанция', 'refund', 'tags:vip']) {
		const r = (await s.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}&sort_by=created_at`)).json;
		// the same results; PostgreSQL cuts the snippet around a hit its own way
		for (const x of r.results)
			x.snippet = /<em>/.test(x.snippet);
		out.search.push(r);
	}
	out.count = (await s.api('GET', '/api/v2/tickets/count')).json.count.value;
	// the queue counts are not copied: the target's triggers rebuild them
	out.queues = (await s.api('GET', '/api/v2/queues', null, { auth: s.users.agent })).json;
	// links name the server they came from
	return JSON.parse(JSON.stringify(out).replaceAll(s.base, 'BASE'));
}

const bodies = [
	'Прошу повернення коштів за замовлення', 'Ąžuolas ir sąskaita faktūra',
	'Где моя квитанция об оплате?', 'Please refund the damaged kettle',
];

before(async () => {
	if (skip)
		return;
	src = await startServer({ sqlite: true, agents: ['agent'], endUsers: ['alice', 'bob'] });
	const { agent, alice, bob } = src.users;
	// external ids (migration 009) and the ticket fields of migration 010
	// are columns a copy must know, not only the ones it started with
	const org = await src.api('POST', '/api/v2/organizations',
		{ organization: { name: 'Acme UAB', external_id: 'crm-org-7' } });
	assert.equal(org.status, 201, org.text);
	const ext = await src.api('PUT', `/api/v2/users/${alice.id}`, { user: { external_id: 'crm-user-42' } });
	assert.equal(ext.status, 200, ext.text);
	const grp = await src.api('POST', '/api/v2/groups', { group: { name: 'Billing' } });
	assert.equal(grp.status, 201, grp.text);
	const view = await src.api('POST', '/api/v2/views', { view: { title: 'VIP queue',
		all: [{ field: 'status', operator: 'less_than', value: 'solved' }] } });
	assert.equal(view.status, 201, view.text);
	// business hours (migration 017): a schedule, its week and a holiday
	const sched = await src.api('POST', '/api/v2/business_hours/schedules', { schedule: {
		name: 'Vilniaus biuras', time_zone: 'Europe/Vilnius',
		intervals: [{ start_time: 1980, end_time: 2460 }, { start_time: 7080, end_time: 7320 }] } });
	assert.equal(sched.status, 201, sched.text);
	const holiday = await src.api('POST', `/api/v2/business_hours/schedules/${sched.json.schedule.id}/holidays`,
		{ holiday: { name: 'Kūčios', start_date: '2026-12-24', end_date: '2026-12-26' } });
	assert.equal(holiday.status, 201, holiday.text);
	// SLA policies (migration 018): their filters, metrics, schedule and order
	for (const sla_policy of [
		{ title: 'Urgent, in business hours', schedule_id: sched.json.schedule.id,
			filter: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }],
				any: [{ field: 'group_id', operator: 'is', value: grp.json.group.id }] },
			policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: true },
				{ priority: 'high', metric: 'total_resolution', target: 2880, business_hours: true }] },
		{ title: 'Visi kiti', description: 'Kalendorinis laikas', position: 1,
			policy_metrics: [{ priority: 'normal', metric: 'next_reply_time', target: 480, business_hours: false }] },
	]) {
		const r = await src.api('POST', '/api/v2/slas/policies', { sla_policy });
		assert.equal(r.status, 201, r.text);
	}
	const made = [];
	for (let i = 0; i < TICKETS; i += 10) {
		const batch = await Promise.all(Array.from({ length: 10 }, (_, k) => src.ticket({
			subject: `Migrated ${i + k}`, body: bodies[(i + k) % 4],
			tags: (i + k) % 3 ? ['billing'] : ['vip', 'billing'],
			requester_id: (i + k) % 2 ? alice.id : bob.id,
			collaborator_ids: (i + k) % 5 ? [] : [agent.id],
		})));
		made.push(...batch);
	}
	for (const t of made.slice(0, 40)) {
		const r = await src.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: {
			status: 'pending', assignee_id: agent.id, group_id: grp.json.group.id,
			comment: { body: `Відповідь агента ${t.id}`, public: t.id % 2 === 0 } } });
		assert.equal(r.status, 200, r.text);
	}
	assert.equal((await src.api('DELETE', `/api/v2/tickets/${made[1].id}`)).status, 204);
	const up = await src.api('POST', '/api/v2/uploads?filename=rechnung.bin', FILE,
		{ auth: alice, headers: { 'content-type': 'application/octet-stream' } });
	assert.equal(up.status, 201, up.text);
	file = up.json.upload.attachment;
	const withFile = await src.api('PUT', `/api/v2/tickets/${made[3].id}`, { ticket: { comment: {
		body: 'The invoice', uploads: [up.json.upload.token] } } }, { auth: alice });
	assert.equal(withFile.status, 200, withFile.text);
	Object.assign(before_, await answers(src));
	await src.stop();

	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-migrated-'));
	uri = await newDatabase(dir);
});

after(async () => {
	await dst?.cleanup();
	await src?.cleanup();
	if (dir) {
		await dropDatabase(dir);
		await fs.rm(dir, { recursive: true, force: true });
	}
});

/** Runs migrate; with killAt, SIGKILLs it once its progress passes killAt %. */
function migrate(args, killAt) {
	return new Promise((resolve) => {
		const p = spawn(BIN, ['migrate', '--from', src.dir, '--to', uri, ...args],
			{ env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '', stderr = '', killed = false;
		p.stdout.on('data', (d) => { stdout += d; });
		p.stderr.on('data', (d) => {
			stderr += d;
			const pct = [...String(d).matchAll(/(\d+)% \(/g)].map((m) => Number(m[1]));
			if (killAt && !killed && pct.some((x) => x >= killAt && x < 100)) {
				killed = true;
				p.kill('SIGKILL');
			}
		});
		p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, killed }));
	});
}

it('an interrupted copy is refused without --resume, finished with it, and verified', { skip }, async () => {
	const first = await migrate([], 20);
	assert.ok(first.killed && first.signal === 'SIGKILL', `not interrupted: ${first.stderr}`);
	const again = await migrate([]);
	assert.equal(again.code, 1);
	assert.match(again.stderr, /already holds data.*--resume/);
	const done = await migrate(['--resume']);
	assert.equal(done.code, 0, done.stderr);
	assert.match(done.stdout, /copied and verified: \d+ rows in \d+ tables, every checksum matches/);
	assert.match(done.stderr, /100% \(/);
	// and a second resume finds nothing left, and still verifies
	const noop = await migrate(['--resume']);
	assert.equal(noop.code, 0, noop.stderr);
});

it('the PostgreSQL server answers as the SQLite one did, with the same tokens and passwords', { skip }, async () => {
	dst = await startServer({ data: dir, admin: src.admin, users: src.users });
	const now = await answers(dst);
	assert.equal(now.tickets.length, TICKETS - 1);
	assert.deepEqual(now, before_);
	// files come along, byte for byte
	const d = await fetch(`${dst.base}/api/v2/attachments/${file.id}/content`,
		{ headers: { authorization: `Bearer ${src.users.alice.token}` } });
	assert.equal(d.status, 200);
	assert.deepEqual(Buffer.from(await d.arrayBuffer()), FILE);
	// a password copied with its hash still signs in
	const login = await dst.api('POST', '/api/v2/auth/session',
		{ email: src.users.alice.email, password: PASSWORD }, { auth: null });
	assert.equal(login.status, 200, login.text);
	// new rows get ids after the copied ones
	const t = await dst.ticket({ subject: 'After the move' });
	assert.ok(t.id > Math.max(...before_.tickets.map((x) => x.id)), `id ${t.id}`);
	const c = await dst.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'and a reply' } } });
	assert.equal(c.status, 200, c.text);
	const p = await dst.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'After the move',
		policy_metrics: [{ priority: 'low', metric: 'agent_work_time', target: 600 }] } });
	assert.equal(p.status, 201, p.text);
	assert.ok(p.json.sla_policy.id > Math.max(...before_.slas.sla_policies.map((x) => x.id)));
	assert.equal(p.json.sla_policy.position, 3);
	await dst.stop();
});

it('refuses a target that is not PostgreSQL and a folder with no store', { skip }, async () => {
	let r = await runCli(['migrate', '--from', src.dir, '--to', '/tmp/x.db']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /postgres:\/\//);
	r = await runCli(['migrate', '--from', '/nonexistent', '--to', uri]);
	assert.equal(r.code, 1);
	assert.match(r.stderr, /no store in \/nonexistent/);
});
