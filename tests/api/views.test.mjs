// Views: a new desk has none, an admin's views, their counts, titles per
// language and validation.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, dropDatabase, newDatabase, runCli, sqlOn, startServer } from './lib/server.mjs';

let srv, agent, agent2, alice;
// The queues a team lead sets up as views: the filters of the workspace's
// built-in queues, which a new desk no longer has as views (migration 013).
const QUEUES = {
	'Your unsolved tickets': { all: [{ field: 'assignee_id', operator: 'is', value: 'current_user' },
		{ field: 'status', operator: 'less_than', value: 'solved' }] },
	'Unassigned tickets': { all: [{ field: 'assignee_id', operator: 'is', value: null },
		{ field: 'status', operator: 'less_than', value: 'solved' }] },
	'All unsolved tickets': { all: [{ field: 'status', operator: 'less_than', value: 'solved' }] },
	'Pending tickets': { all: [{ field: 'status', operator: 'is', value: 'pending' }] },
	'Recently solved tickets': { all: [{ field: 'status', operator: 'greater_than', value: 'hold' },
		{ field: 'updated_at', operator: 'greater_than', value: '7days' }] },
};
const DEFAULTS = Object.keys(QUEUES);
const RANK = { new: 0, open: 1, pending: 2, hold: 3, solved: 4, closed: 5 };

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice'] });
	({ agent, agent2, alice } = srv.users);
	const mk = (f) => srv.ticket({ requester_id: alice.id, ...f });
	await mk({ subject: 'new unassigned' });
	await mk({ subject: 'new unassigned 2', tags: ['vip'] });
	await mk({ subject: 'open mine', status: 'open', assignee_id: agent.id, tags: ['vip'] });
	await mk({ subject: 'open other', status: 'open', assignee_id: agent2.id });
	await mk({ subject: 'pending mine', status: 'pending', assignee_id: agent.id, tags: ['vip'] });
	await mk({ subject: 'hold', status: 'hold', assignee_id: agent2.id });
	await mk({ subject: 'solved', status: 'solved', assignee_id: agent.id, tags: ['vip'] });
	await mk({ subject: 'closed', status: 'closed', assignee_id: agent.id });
});
after(async () => { await srv?.cleanup(); });

async function allTickets() {
	const r = await srv.api('GET', '/api/v2/tickets?per_page=100');
	assert.equal(r.status, 200, r.text);
	return r.json.tickets;
}

async function viewsByTitle() {
	const r = await srv.api('GET', '/api/v2/views', null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	const byTitle = Object.fromEntries(r.json.views.map((v) => [v.title, v]));
	return byTitle;
}

describe('a new desk', () => {
	it('has no views: the built-in queues are the workspace\'s own, not English-titled views', async () => {
		for (const path of ['/api/v2/views', '/api/v2/views/active']) {
			const r = await srv.api('GET', path, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.views, [], r.text);
			assert.equal(r.json.count, 0);
		}
	});
});

describe('queues as views', () => {
	before(async () => {
		let position = 0;
		for (const [title, conditions] of Object.entries(QUEUES)) {
			const r = await srv.api('POST', '/api/v2/views', { view: { title, position: ++position, ...conditions } });
			assert.equal(r.status, 201, r.text);
		}
	});

	it('an admin\'s views list active, in position order', async () => {
		const r = await srv.api('GET', '/api/v2/views', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const titles = r.json.views.map((v) => v.title);
		assert.deepEqual(titles, DEFAULTS);
		assert.equal(r.json.count, DEFAULTS.length);
		for (const v of r.json.views) {
			assert.ok(Number.isInteger(v.id));
			assert.equal(v.active, true);
			assert.deepEqual(v.title_translations, {});
			assert.ok(Array.isArray(v.conditions.all));
			assert.ok(Array.isArray(v.conditions.any));
			assert.ok(['asc', 'desc'].includes(v.execution.sort_order));
		}
		const active = await srv.api('GET', '/api/v2/views/active', null, { auth: agent });
		assert.equal(active.status, 200);
		assert.deepEqual(active.json.views.map((v) => v.title), DEFAULTS);
	});

	it('count_many matches the tickets\' states', async () => {
		const v = await viewsByTitle();
		const ts = await allTickets();
		const unsolved = ts.filter((t) => RANK[t.status] < RANK.solved);
		const expected = {
			'Your unsolved tickets': unsolved.filter((t) => t.assignee_id === agent.id).length,
			'Unassigned tickets': unsolved.filter((t) => t.assignee_id === null).length,
			'All unsolved tickets': unsolved.length,
			'Pending tickets': ts.filter((t) => t.status === 'pending').length,
			'Recently solved tickets': ts.filter((t) => RANK[t.status] >= RANK.solved).length,
		};
		assert.deepEqual(expected, {
			'Your unsolved tickets': 2, 'Unassigned tickets': 2, 'All unsolved tickets': 6,
			'Pending tickets': 1, 'Recently solved tickets': 2,
		}, 'the fixture is what this test thinks it is');
		const ids = DEFAULTS.map((t) => v[t].id);
		const r = await srv.api('GET', `/api/v2/views/count_many?ids=${ids.join(',')}`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const got = Object.fromEntries(r.json.view_counts.map((c) => [c.view_id, c]));
		for (const title of DEFAULTS) {
			const c = got[v[title].id];
			assert.ok(c, `no count for ${title}`);
			assert.equal(c.value, expected[title], title);
			assert.equal(c.pretty, String(expected[title]));
		}
		// and one view's own count says the same
		const one = await srv.api('GET', `/api/v2/views/${v['All unsolved tickets'].id}/count`, null, { auth: agent });
		assert.equal(one.status, 200, one.text);
		assert.equal(one.json.view_count.value, 6);
	});

	it('"Your unsolved tickets" is per agent', async () => {
		const v = await viewsByTitle();
		const r = await srv.api('GET', `/api/v2/views/${v['Your unsolved tickets'].id}/tickets`, null, { auth: agent2 });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tickets.map((t) => t.subject).sort(), ['hold', 'open other']);
	});

	it('a view\'s tickets are the ones it counts, and follow ticket changes', async () => {
		const v = await viewsByTitle();
		const pending = v['Pending tickets'].id;
		let r = await srv.api('GET', `/api/v2/views/${pending}/tickets`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tickets.map((t) => t.subject), ['pending mine']);
		const t = await srv.ticket({ subject: 'pending later', status: 'open', assignee_id: agent.id });
		await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'pending' } });
		r = await srv.api('GET', `/api/v2/views/${pending}/tickets`, null, { auth: agent });
		assert.deepEqual(r.json.tickets.map((x) => x.subject).sort(), ['pending later', 'pending mine']);
		r = await srv.api('GET', `/api/v2/views/${pending}/count`, null, { auth: agent });
		assert.equal(r.json.view_count.value, 2);
	});

	it('count_many refuses bad ids (400) and unknown views (404)', async () => {
		for (const q of ['', '?ids=', '?ids=abc', '?ids=1,,x', '?ids=-3'])
			assert.equal((await srv.api('GET', `/api/v2/views/count_many${q}`, null, { auth: agent })).status, 400, q);
		assert.equal((await srv.api('GET', '/api/v2/views/count_many?ids=999999', null, { auth: agent })).status, 404);
	});
});

describe('custom views', () => {
	let view;

	it('an admin creates a view with conditions; it lists exactly its tickets', async () => {
		const r = await srv.api('POST', '/api/v2/views', {
			view: {
				title: 'VIP, not yet solved',
				all: [{ field: 'tags', operator: 'includes', value: 'vip' }],
				any: [{ field: 'status', operator: 'is', value: 'new' },
					{ field: 'status', operator: 'is', value: 'open' },
					{ field: 'status', operator: 'is', value: 'pending' }],
				output: { sort_by: 'created_at', sort_order: 'asc' },
			},
		});
		assert.equal(r.status, 201, r.text);
		view = r.json.view;
		assert.equal(view.title, 'VIP, not yet solved');
		assert.equal(view.active, true);
		assert.equal(view.conditions.all.length, 1);
		assert.equal(view.conditions.any.length, 3);
		assert.deepEqual(view.execution, { sort_by: 'created_at', sort_order: 'asc' });

		const t = await srv.api('GET', `/api/v2/views/${view.id}/tickets`, null, { auth: agent });
		assert.equal(t.status, 200, t.text);
		assert.deepEqual(t.json.tickets.map((x) => x.subject), ['new unassigned 2', 'open mine', 'pending mine']);
		const c = await srv.api('GET', `/api/v2/views/${view.id}/count`, null, { auth: agent });
		assert.equal(c.json.view_count.value, 3);
		const list = await srv.api('GET', '/api/v2/views', null, { auth: agent });
		assert.ok(list.json.views.some((v) => v.id === view.id));
	});

	it('a created view reads back exactly as the create response said', async () => {
		const shown = await srv.api('GET', `/api/v2/views/${view.id}`, null, { auth: agent });
		assert.equal(shown.status, 200);
		assert.deepEqual(shown.json.view, view);
	});

	it('a view\'s tickets page by cursor', async () => {
		const seen = [];
		let url = `/api/v2/views/${view.id}/tickets?page[size]=2`;
		while (url) {
			const r = await srv.api('GET', url, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			seen.push(...r.json.tickets.map((t) => t.subject));
			url = r.json.meta.has_more ? `/api/v2/views/${view.id}/tickets?page[size]=2&page[after]=${r.json.meta.after_cursor}` : null;
		}
		assert.deepEqual(seen, ['new unassigned 2', 'open mine', 'pending mine']);
	});

	it('an admin updates and deletes a view', async () => {
		let r = await srv.api('PUT', `/api/v2/views/${view.id}`, { view: { title: 'VIP queue', active: false } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.view.title, 'VIP queue');
		assert.equal(r.json.view.active, false);
		const active = await srv.api('GET', '/api/v2/views/active', null, { auth: agent });
		assert.ok(!active.json.views.some((v) => v.id === view.id), 'an inactive view is not active');
		r = await srv.api('DELETE', `/api/v2/views/${view.id}`);
		assert.equal(r.status, 204);
		assert.equal((await srv.api('GET', `/api/v2/views/${view.id}`)).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/views/${view.id}/tickets`)).status, 404);
	});

	it('invalid conditions are 422 naming conditions, and nothing is created', async () => {
		const before = (await srv.api('GET', '/api/v2/views')).json.count;
		const bad = [
			{ all: [{ field: 'colour', operator: 'is', value: 'red' }] },
			{ all: [{ field: 'status', operator: 'resembles', value: 'open' }] },
			{ all: [{ field: 'status', operator: 'is', value: 'bogus' }] },
			{ all: [{ field: 'assignee_id', operator: 'is', value: 'someone' }] },
			{ all: [{ field: 'created_at', operator: 'greater_than', value: 'last tuesday' }] },
			{ all: 'status is open' },
			{ all: ['not an object'] },
			{},
		];
		for (const cond of bad) {
			const r = await srv.api('POST', '/api/v2/views', { view: { title: 'Bad', ...cond } });
			assert.equal(r.status, 422, `${JSON.stringify(cond)}: ${r.text}`);
			assert.ok(r.json.details?.conditions, `${JSON.stringify(cond)}: ${r.text}`);
		}
		const noTitle = await srv.api('POST', '/api/v2/views', { view: { all: [{ field: 'status', operator: 'is', value: 'open' }] } });
		assert.equal(noTitle.status, 422);
		assert.ok(noTitle.json.details?.title, noTitle.text);
		assert.equal((await srv.api('GET', '/api/v2/views')).json.count, before);
	});

	it('a view has a title per language besides the one written title', async () => {
		const all = [{ field: 'status', operator: 'is', value: 'open' }];
		let r = await srv.api('POST', '/api/v2/views', { view: { title: 'Open ones', all,
			title_translations: { uk: 'Відкриті', lt: 'Atviri' } } });
		assert.equal(r.status, 201, r.text);
		const id = r.json.view.id;
		assert.equal(r.json.view.title, 'Open ones');
		assert.deepEqual(r.json.view.title_translations, { lt: 'Atviri', uk: 'Відкриті' });
		assert.deepEqual((await srv.api('GET', `/api/v2/views/${id}`, null, { auth: agent })).json.view.title_translations,
			{ lt: 'Atviri', uk: 'Відкриті' });
		// an update without them keeps them; with them, they replace the old ones
		r = await srv.api('PUT', `/api/v2/views/${id}`, { view: { title: 'Open tickets' } });
		assert.deepEqual(r.json.view.title_translations, { lt: 'Atviri', uk: 'Відкриті' });
		r = await srv.api('PUT', `/api/v2/views/${id}`, { view: { title_translations: { ru: 'Открытые', en: 'Open' } } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual((await srv.api('GET', `/api/v2/views/${id}`)).json.view.title_translations,
			{ en: 'Open', ru: 'Открытые' });
		r = await srv.api('PUT', `/api/v2/views/${id}`, { view: { title_translations: null } });
		assert.deepEqual((await srv.api('GET', `/api/v2/views/${id}`)).json.view.title_translations, {});
		assert.equal((await srv.api('DELETE', `/api/v2/views/${id}`)).status, 204);
	});

	it('title translations in another language, too long, blank or not text are 422 naming the key, and nothing is written', async () => {
		const all = [{ field: 'status', operator: 'is', value: 'open' }];
		const before = (await srv.api('GET', '/api/v2/views')).json.count;
		const bad = [
			[{ de: 'Offen' }, 'title_translations.de'],
			[{ uk: 'в'.repeat(256) }, 'title_translations.uk'],
			[{ lt: '' }, 'title_translations.lt'],
			[{ ru: 5 }, 'title_translations.ru'],
			[{ uk: 'a\u0007b' }, 'title_translations.uk'],
			[{ ['ї'.repeat(20)]: 'Відкриті' }, 'title_translations'],
			['Відкриті', 'title_translations'],
			[['uk', 'Відкриті'], 'title_translations'],
		];
		for (const [tr, field] of bad) {
			const r = await srv.api('POST', '/api/v2/views', { view: { title: 'Bad', all, title_translations: tr } });
			assert.equal(r.status, 422, `${JSON.stringify(tr)}: ${r.text}`);
			assert.ok(r.json.details?.[field], `${JSON.stringify(tr)}: ${r.text}`);
		}
		assert.equal((await srv.api('GET', '/api/v2/views')).json.count, before);
		// 255 characters of Cyrillic fit; an update with a bad one changes nothing
		const long = 'в'.repeat(255);
		let r = await srv.api('POST', '/api/v2/views', { view: { title: 'Long', all, title_translations: { uk: long } } });
		assert.equal(r.status, 201, r.text);
		const id = r.json.view.id;
		r = await srv.api('PUT', `/api/v2/views/${id}`, { view: { title: 'Renamed', title_translations: { uk: 'ok', xx: 'no' } } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.['title_translations.xx'], r.text);
		const shown = (await srv.api('GET', `/api/v2/views/${id}`)).json.view;
		assert.equal(shown.title, 'Long');
		assert.deepEqual(shown.title_translations, { uk: long });
		assert.equal((await srv.api('DELETE', `/api/v2/views/${id}`)).status, 204);
	});

	it('agents read views but only admins write them; end users get 403', async () => {
		const body = { view: { title: 'Agent view', all: [{ field: 'status', operator: 'is', value: 'open' }] } };
		assert.equal((await srv.api('POST', '/api/v2/views', body, { auth: agent })).status, 403);
		const v = await viewsByTitle();
		const id = v['Pending tickets'].id;
		assert.equal((await srv.api('PUT', `/api/v2/views/${id}`, { view: { title: 'x' } }, { auth: agent })).status, 403);
		assert.equal((await srv.api('DELETE', `/api/v2/views/${id}`, null, { auth: agent })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/views', null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `/api/v2/views/${id}/tickets`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `/api/v2/views/count_many?ids=${id}`, null, { auth: alice })).status, 403);
	});
});

/** Runs sql through Debian's sqlite3 shell on the file db. */
function sqlite(db, sql) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', db], { stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(sql);
	});
}

describe('upgrading a desk that has the seeded views (migration 13)', () => {
	it('the seeded views nobody changed go; one an admin edited and the admin\'s own stay', async () => {
		const d = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-views-'));
		const uri = await newDatabase(d);
		const folder = new URL(`../../src/store/migrations/${uri ? 'postgres' : 'sqlite'}/`, import.meta.url);
		const files = (await fs.readdir(folder)).filter((f) => /^\d+_.*\.sql$/.test(f) && parseInt(f, 10) < 13).sort();
		// the desk as version 12 left it, with one seeded view edited and a view of the admin's
		let sql = 'CREATE TABLE schema_version(version INTEGER NOT NULL);\n';
		for (const f of files)
			sql += `${await fs.readFile(new URL(f, folder), 'utf8')}\n`;
		for (let v = 1; v <= 12; v++)
			sql += `INSERT INTO schema_version(version) VALUES (${v});\n`;
		sql += "UPDATE views SET title = 'Pending, ours', updated_at = updated_at + 60 WHERE position = 4;\n";
		sql += 'INSERT INTO views (title, position, conditions, created_at, updated_at) VALUES ' +
			`('Refunds', 9, '{"all":[{"field":"tags","operator":"includes","value":"refund"}]}', 1, 1);\n`;
		let old;
		try {
			await (uri ? sqlOn(uri, sql) : sqlite(path.join(d, 'frontline.db'), sql));
			// the first command on the folder migrates it
			const r = await runCli(['user', 'add', '--data', d, '--role', 'admin', '--name', 'Root',
				'--email', 'root@example.test', '--password-stdin'], { input: `${PASSWORD}\n` });
			assert.equal(r.code, 0, r.stderr);
			old = await startServer({ data: d, admin: { basic: ['root@example.test', PASSWORD] } });
			const v = await old.api('GET', '/api/v2/views');
			assert.equal(v.status, 200, v.text);
			assert.deepEqual(v.json.views.map((x) => [x.title, x.position]), [['Pending, ours', 4], ['Refunds', 9]]);
			assert.deepEqual(v.json.views.map((x) => x.title_translations), [{}, {}]);
		} finally {
			await old?.stop();
			await dropDatabase(d);
			await fs.rm(d, { recursive: true, force: true });
		}
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
