// Views: the default queues, their counts, custom views and validation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, agent2, alice;
const DEFAULTS = ['Your unsolved tickets', 'Unassigned tickets', 'All unsolved tickets',
	'Pending tickets', 'Recently solved tickets'];
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

async function defaultViews() {
	const r = await srv.api('GET', '/api/v2/views', null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	const byTitle = Object.fromEntries(r.json.views.map((v) => [v.title, v]));
	return byTitle;
}

describe('default views', () => {
	it('a new desk has the default queues, active, in position order', async () => {
		const r = await srv.api('GET', '/api/v2/views', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const titles = r.json.views.map((v) => v.title);
		assert.deepEqual(titles, DEFAULTS);
		assert.equal(r.json.count, DEFAULTS.length);
		for (const v of r.json.views) {
			assert.ok(Number.isInteger(v.id));
			assert.equal(v.active, true);
			assert.ok(Array.isArray(v.conditions.all));
			assert.ok(Array.isArray(v.conditions.any));
			assert.ok(['asc', 'desc'].includes(v.execution.sort_order));
		}
		const active = await srv.api('GET', '/api/v2/views/active', null, { auth: agent });
		assert.equal(active.status, 200);
		assert.deepEqual(active.json.views.map((v) => v.title), DEFAULTS);
	});

	it('count_many matches the tickets\' states', async () => {
		const v = await defaultViews();
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
		const v = await defaultViews();
		const r = await srv.api('GET', `/api/v2/views/${v['Your unsolved tickets'].id}/tickets`, null, { auth: agent2 });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tickets.map((t) => t.subject).sort(), ['hold', 'open other']);
	});

	it('a view\'s tickets are the ones it counts, and follow ticket changes', async () => {
		const v = await defaultViews();
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

	it('agents read views but only admins write them; end users get 403', async () => {
		const body = { view: { title: 'Agent view', all: [{ field: 'status', operator: 'is', value: 'open' }] } };
		assert.equal((await srv.api('POST', '/api/v2/views', body, { auth: agent })).status, 403);
		const v = await defaultViews();
		const id = v['Pending tickets'].id;
		assert.equal((await srv.api('PUT', `/api/v2/views/${id}`, { view: { title: 'x' } }, { auth: agent })).status, 403);
		assert.equal((await srv.api('DELETE', `/api/v2/views/${id}`, null, { auth: agent })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/views', null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `/api/v2/views/${id}/tickets`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `/api/v2/views/count_many?ids=${id}`, null, { auth: alice })).status, 403);
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
