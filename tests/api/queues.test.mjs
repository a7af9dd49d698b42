// Built-in queues: GET /api/v2/queues (every queue's count) and
// GET /api/v2/queues/{key}/tickets (a queue's tickets by keyset). The
// counts are kept by triggers as tickets are written: after every kind of
// write each must still equal a full count of the tickets.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { sleep, startServer } from './lib/server.mjs';

const KEYS = ['my-open', 'unassigned', 'all-open', 'pending', 'solved', 'all'];
let srv, agent, agent2, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice', 'bob'] });
	({ agent, agent2, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

const mk = (f) => srv.ticket({ requester_id: alice.id, ...f });
const put = async (id, ticket) => {
	const r = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
};

async function counts(auth = agent) {
	const r = await srv.api('GET', '/api/v2/queues', null, { auth });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.queues.map((q) => q.id), KEYS);
	for (const q of r.json.queues)
		assert.equal(q.fresh, true);
	return Object.fromEntries(r.json.queues.map((q) => [q.id, q.count]));
}

// Every ticket of a queue, page by page (size small enough to page).
async function walk(key, { size = 2, sort = '', auth = agent, between } = {}) {
	const ids = [];
	let url = `/api/v2/queues/${key}/tickets?page[size]=${size}${sort ? `&sort=${sort}` : ''}`;
	let count = null;
	for (let pages = 0; url; pages++) {
		assert.ok(pages < 200, 'the walk does not end');
		const r = await srv.api('GET', url, null, { auth });
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.tickets.length <= size);
		count ??= r.json.count;
		ids.push(...r.json.tickets.map((t) => t.id));
		url = r.json.meta.has_more
			? `/api/v2/queues/${key}/tickets?page[size]=${size}${sort ? `&sort=${sort}` : ''}&page[after]=${encodeURIComponent(r.json.meta.after_cursor)}`
			: null;
		if (url)
			assert.ok(r.json.links.next.includes('page%5Bafter%5D='), r.json.links.next);
		if (between && url)
			await between(ids);
	}
	return { ids, count };
}

// What each queue holds, by search (the full count) for the agent.
const QUERIES = {
	'my-open': 'type:ticket assignee:me status<solved',
	unassigned: 'type:ticket assignee:none status<solved',
	'all-open': 'type:ticket status<solved',
	pending: 'type:ticket status:pending',
	all: 'type:ticket',
};
async function fullCount(key) {
	const r = await srv.api('GET', `/api/v2/search/count?query=${encodeURIComponent(QUERIES[key])}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.count;
}

// The queue members from every live ticket, read one by one.
async function expected() {
	const all = [];
	for (let url = '/api/v2/tickets?page[size]=100'; url;) {
		const r = await srv.api('GET', url);
		assert.equal(r.status, 200, r.text);
		all.push(...r.json.tickets);
		url = r.json.meta.has_more ? `/api/v2/tickets?page[size]=100&page[after]=${r.json.meta.after_cursor}` : null;
	}
	const open = (t) => ['new', 'open', 'pending', 'hold'].includes(t.status);
	const week = Date.now() - 7 * 86400e3;
	const ids = (f) => all.filter(f).map((t) => t.id).sort((a, b) => a - b);
	return {
		'my-open': ids((t) => open(t) && t.assignee_id === agent.id),
		unassigned: ids((t) => open(t) && t.assignee_id === null),
		'all-open': ids(open),
		pending: ids((t) => t.status === 'pending'),
		solved: ids((t) => t.status === 'solved' && Date.parse(t.solved_at) >= week),
		all: ids(() => true),
	};
}

// Each queue's count (from GET /api/v2/queues and from its page) equals a
// full count, and its pages hold exactly its tickets.
async function assertQueues(what) {
	const want = await expected();
	const got = await counts();
	for (const key of KEYS) {
		const { ids, count } = await walk(key);
		assert.deepEqual([...ids].sort((a, b) => a - b), want[key], `${what}: the tickets of ${key}`);
		assert.equal(got[key], want[key].length, `${what}: the count of ${key}`);
		assert.equal(count, want[key].length, `${what}: the count on ${key}'s page`);
		if (QUERIES[key])
			assert.equal(got[key], await fullCount(key), `${what}: ${key} against search/count`);
	}
	return got;
}

describe('queue counts and members', () => {
	let a, b, c, d, e;

	it('follow creates', async () => {
		a = await mk({ subject: 'new unassigned' });
		b = await mk({ subject: 'open mine', status: 'open', assignee_id: agent.id });
		c = await mk({ subject: 'pending other', status: 'pending', assignee_id: agent2.id });
		d = await mk({ subject: 'hold mine', status: 'hold', assignee_id: agent.id });
		e = await mk({ subject: 'solved mine', status: 'solved', assignee_id: agent.id });
		const n = await assertQueues('after the creates');
		assert.deepEqual(n, { 'my-open': 2, unassigned: 1, 'all-open': 4, pending: 1, solved: 1, all: 5 });
	});

	it('follow assigning, unassigning and status changes', async () => {
		await put(a.id, { assignee_id: agent.id, status: 'open' });
		await put(b.id, { assignee_id: null });
		await put(c.id, { status: 'open' });
		const n = await assertQueues('after the updates');
		assert.deepEqual(n, { 'my-open': 2, unassigned: 1, 'all-open': 4, pending: 0, solved: 1, all: 5 });
	});

	it('follow solving, reopening and closing', async () => {
		await put(d.id, { status: 'solved' });
		await put(e.id, { status: 'open' });
		await put(c.id, { status: 'closed' });
		const n = await assertQueues('after solving');
		assert.deepEqual(n, { 'my-open': 2, unassigned: 1, 'all-open': 3, pending: 0, solved: 1, all: 5 });
	});

	it('follow deletes', async () => {
		const r = await srv.api('DELETE', `/api/v2/tickets/${a.id}`);
		assert.equal(r.status, 204, r.text);
		const n = await assertQueues('after the delete');
		assert.deepEqual(n, { 'my-open': 1, unassigned: 1, 'all-open': 2, pending: 0, solved: 1, all: 4 });
	});

	it('my-open is each agent\'s own', async () => {
		await put(b.id, { assignee_id: agent2.id });
		const mine = await counts(agent), theirs = await counts(agent2);
		assert.equal(mine['my-open'], 1);
		assert.equal(theirs['my-open'], 1);
		assert.deepEqual((await walk('my-open', { auth: agent2 })).ids, [b.id]);
		assert.equal(mine['all-open'], theirs['all-open']);
	});

	it('a saved view\'s count follows the same writes (kept between them)', async () => {
		const v = await srv.api('POST', '/api/v2/views', { view: { title: 'Open of agent 2',
			all: [{ field: 'status', operator: 'less_than', value: 'solved' },
				{ field: 'assignee_id', operator: 'is', value: agent2.id }] } });
		assert.equal(v.status, 201, v.text);
		const count = async () => {
			const r = await srv.api('GET', `/api/v2/views/${v.json.view.id}/count`, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.view_count.fresh, true);
			return r.json.view_count.value;
		};
		assert.equal(await count(), 1);
		assert.equal(await count(), 1, 'asked again, nothing written');
		const f = await mk({ subject: 'open other 2', status: 'open', assignee_id: agent2.id });
		assert.equal(await count(), 2);
		await put(f.id, { priority: 'high' }); // a write that moves no queue
		assert.equal(await count(), 2);
		await put(f.id, { status: 'solved' });
		assert.equal(await count(), 1);
		const page = await srv.api('GET', `/api/v2/views/${v.json.view.id}/tickets?per_page=10`, null, { auth: agent });
		assert.equal(page.status, 200, page.text);
		assert.equal(page.json.count, 1);
		assert.deepEqual(page.json.tickets.map((t) => t.id), [b.id]);
	});
});

describe('keyset paging', () => {
	it('walks a queue with no duplicates and no gaps while tickets change', async () => {
		for (let i = 0; i < 9; i++)
			await mk({ subject: `paging ${i}`, status: 'open' });
		const before = (await walk('all-open', { size: 100 })).ids;
		// updated_at has a resolution of one second: what is written from
		// now on is newer than every ticket there, so it goes in front
		await sleep(1100);
		const moved = new Set();
		// between pages: a ticket already met is updated (it moves to the
		// front, behind the cursor) and a new one is made (in front too)
		const { ids } = await walk('all-open', {
			size: 3,
			between: async (met) => {
				const t = met[moved.size % met.length];
				await put(t, { priority: 'urgent' });
				moved.add(t);
				await mk({ subject: 'made while paging', status: 'open' });
			},
		});
		assert.ok(moved.size >= 3, 'the walk had pages');
		assert.equal(new Set(ids).size, ids.length, `duplicates in ${ids}`);
		assert.deepEqual([...ids].sort((a, b) => a - b), [...before].sort((a, b) => a - b),
			'every ticket that was there is met once, and none made while paging');
	});

	it('sorts as asked, by id ascending too', async () => {
		const { ids } = await walk('all', { size: 4, sort: 'id' });
		assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
		const desc = (await walk('all', { size: 4, sort: '-id' })).ids;
		assert.deepEqual(desc, [...ids].reverse());
	});

	it('renders tickets as /api/v2/tickets does, 25 a page unless told', async () => {
		const r = await srv.api('GET', '/api/v2/queues/all/tickets', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.tickets.length <= 25);
		const one = await srv.api('GET', `/api/v2/tickets/${r.json.tickets[0].id}`);
		assert.deepEqual(r.json.tickets[0], one.json.ticket);
		assert.equal(typeof r.json.meta.has_more, 'boolean');
		assert.equal(r.json.meta.before_cursor, null);
	});
});

describe('saved views by cursor', () => {
	it('page by keyset, meeting the same tickets as the offset pages', async () => {
		const made = await srv.api('POST', '/api/v2/views', { view: { title: 'All unsolved tickets',
			all: [{ field: 'status', operator: 'less_than', value: 'solved' }] } });
		assert.equal(made.status, 201, made.text);
		const unsolved = made.json.view;
		const offset = await srv.api('GET', `/api/v2/views/${unsolved.id}/tickets?per_page=100&sort=-updated_at`, null, { auth: agent });
		assert.equal(offset.status, 200, offset.text);
		const ids = [];
		let url = `/api/v2/views/${unsolved.id}/tickets?page[size]=4&sort=-updated_at`;
		while (url) {
			const r = await srv.api('GET', url, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			ids.push(...r.json.tickets.map((t) => t.id));
			url = r.json.meta.has_more ? `/api/v2/views/${unsolved.id}/tickets?page[size]=4&sort=-updated_at&page[after]=${r.json.meta.after_cursor}` : null;
		}
		assert.ok(ids.length > 4, 'more than one page');
		assert.deepEqual(ids, offset.json.tickets.map((t) => t.id));
		assert.equal(offset.json.count, ids.length);
		const bad = await srv.api('GET', `/api/v2/views/${unsolved.id}/tickets?page[after]=nonsense`, null, { auth: agent });
		assert.equal(bad.status, 400, bad.text);
	});
});

// A list's tickets are rendered once and kept until their next write
// (src/http/rendered.c): whatever changed a ticket, every list shows it as
// GET /api/v2/tickets/{id} does, never as it was when first listed.
describe('kept renders', () => {
	const shown = async (url, id, headers) => {
		const r = await srv.api('GET', url, null, { auth: agent, headers });
		assert.equal(r.status, 200, r.text);
		return r.json.tickets.find((t) => t.id === id);
	};
	const lists = (t) => ['/api/v2/queues/all/tickets?page[size]=100', '/api/v2/tickets?per_page=100',
		`/api/v2/tickets?page[size]=100&sort=-id`].map((u) => [u, t.id]);
	async function assertFresh(t, what) {
		const one = await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: agent });
		for (const [url, id] of lists(t))
			assert.deepEqual(await shown(url, id), one.json.ticket, `${what}: ${url}`);
		return one.json.ticket;
	}

	it('show every change, whichever write made it', async () => {
		const t = await mk({ subject: 'kept before', status: 'open', tags: ['one'], collaborator_ids: [bob.id] });
		await assertFresh(t, 'new');
		await assertFresh(t, 'asked again');
		await put(t.id, { subject: 'kept after', tags: ['one', 'two'], priority: 'high' });
		let now = await assertFresh(t, 'after an update');
		assert.equal(now.subject, 'kept after');
		assert.deepEqual(now.tags, ['one', 'two']);
		await put(t.id, { comment: { body: 'a note', public: false }, status: 'pending' });
		now = await assertFresh(t, 'after a comment');
		assert.equal(now.status, 'pending');
		// a merge of people changes the ticket's CCs outside the ticket's
		// own update
		const m = await srv.api('PUT', `/api/v2/users/${bob.id}/merge`, { user: { id: alice.id } }, { auth: agent });
		assert.equal(m.status, 200, m.text);
		now = await assertFresh(t, 'after a merge of people');
		assert.deepEqual(now.collaborator_ids, [alice.id]);
	});

	it('link to the host the client asked', async () => {
		const t = await mk({ subject: 'kept for two hosts' });
		const [url] = lists(t)[0];
		// fetch sends the Host it connects to: node:http sends another
		const asHost = (host) => new Promise((resolve, reject) => {
			const req = http.get({ host: '127.0.0.1', port: srv.port, path: url,
				headers: { Host: host, Authorization: `Bearer ${agent.token}` } }, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d) => { body += d; });
				res.on('end', () => resolve(JSON.parse(body).tickets.find((x) => x.id === t.id)));
			});
			req.on('error', reject);
		});
		assert.match((await shown(url, t.id)).url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/tickets\/\d+\.json$/);
		assert.equal((await asHost('desk.example:8080')).url, `http://desk.example:8080/api/v2/tickets/${t.id}.json`);
		assert.match((await shown(url, t.id)).url, /^http:\/\/127\.0\.0\.1:/);
	});
});

describe('refusals', () => {
	const get = (p, auth = agent) => srv.api('GET', p, null, { auth });

	it('an unknown queue is 404', async () => {
		const r = await get('/api/v2/queues/mine/tickets');
		assert.equal(r.status, 404, r.text);
	});

	it('bad parameters are 400 naming them', async () => {
		for (const [q, field] of [['sort=subject', 'sort'], ['page=2', 'page'], ['per_page=5', 'per_page'],
			['sort_order=up', 'sort_order'], ['colour=red', 'colour']]) {
			const r = await get(`/api/v2/queues/all-open/tickets?${q}`);
			assert.equal(r.status, 400, `${q}: ${r.text}`);
			assert.ok(r.json.details?.[field], `${q} names ${field}: ${r.text}`);
		}
		for (const q of ['page[size]=0', 'page[size]=101', 'page[size]=ten', 'page[after]=garbage']) {
			const r = await get(`/api/v2/queues/all-open/tickets?${q}`);
			assert.equal(r.status, 400, `${q}: ${r.text}`);
			assert.match(r.json.description, /page\[(size|after)\]/, r.text);
		}
		const r = await get('/api/v2/queues?sort=id');
		assert.equal(r.status, 400, r.text);
	});

	it('end users and the anonymous are refused', async () => {
		for (const p of ['/api/v2/queues', '/api/v2/queues/all/tickets']) {
			assert.equal((await get(p, alice)).status, 403, p);
			assert.equal((await get(p, 'anonymous')).status, 401, p);
		}
	});
});
