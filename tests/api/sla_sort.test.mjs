// The sort by the next SLA breach (sort_by=sla_next_breach_at), page by
// page: the store reads the tickets with a breach ahead and those without
// one as two parts (store/tickets.c), so every way of paging — offset pages
// of the ticket list and of a view, the cursor of a queue — both ways, must
// give the same tickets in the same order as one big page, none twice and
// none lost where the parts meet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function ticket(priority, tags) {
	const t = await srv.ticket({ subject: `A ${priority} one`, body: 'Please help.', priority }, { auth: alice });
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { tags } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return t.id;
}

async function ids(url) {
	const r = await srv.api('GET', url, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json;
}

// Every ticket of an offset-paged list, `size` a page.
async function byOffset(base, size) {
	const all = [];
	for (let page = 1; page < 50; page++) {
		const sep = base.includes('?') ? '&' : '?';
		const got = (await ids(`${base}${sep}per_page=${size}&page=${page}`)).tickets.map((t) => t.id);
		all.push(...got);
		if (got.length < size)
			return all;
	}
	throw new Error('too many pages');
}

// Every ticket of a queue, `size` a page, by its cursor.
async function byCursor(sort, size) {
	const all = [];
	let after = '';
	for (let n = 0; n < 50; n++) {
		const j = await ids(`/api/v2/queues/all-open/tickets?sort=${sort}&page%5Bsize%5D=${size}${after}`);
		all.push(...j.tickets.map((t) => t.id));
		if (!j.meta.has_more)
			return all;
		after = `&page%5Bafter%5D=${encodeURIComponent(j.meta.after_cursor)}`;
	}
	throw new Error('too many pages');
}

describe('sort by the next breach', () => {
	let expected;

	before(async () => {
		const r = await srv.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Sorted',
			filter: { all: [{ field: 'tags', operator: 'includes', value: 'sorted' }] },
			policy_metrics: [{ priority: 'high', metric: 'first_reply_time', target: 60 },
				{ priority: 'normal', metric: 'first_reply_time', target: 240 },
				{ priority: 'urgent', metric: 'first_reply_time', target: 600 }] } });
		assert.equal(r.status, 201, r.text);
		const none1 = await ticket('high', ['unsorted']); // no policy: no row
		const urgent = await ticket('urgent', ['sorted']);
		const high1 = await ticket('high', ['sorted']);
		const answered = await ticket('high', ['sorted']); // a row, no breach ahead
		const reply = await srv.api('PUT', `/api/v2/tickets/${answered}`,
			{ ticket: { comment: { body: 'Done.', public: true } } }, { auth: agent });
		assert.equal(reply.status, 200, reply.text);
		const normal = await ticket('normal', ['sorted']);
		const dropped = await ticket('normal', ['sorted']); // measured, then no policy
		const untag = await srv.api('PUT', `/api/v2/tickets/${dropped}`, { ticket: { tags: ['gone'] } }, { auth: agent });
		assert.equal(untag.status, 200, untag.text);
		const high2 = await ticket('high', ['sorted']);
		const none2 = await ticket('low', ['sorted']); // no target at its priority
		// an hour, then four, then ten; the rest by id
		expected = [high1, high2, normal, urgent, ...[none1, answered, dropped, none2].sort((a, b) => a - b)];
	});

	it('one page: the soonest breach first, tickets without one last by id; descending the reverse', async () => {
		const asc = await ids('/api/v2/tickets?sort_by=sla_next_breach_at&sort_order=asc&per_page=100');
		assert.deepEqual(asc.tickets.map((t) => t.id), expected);
		const desc = await ids('/api/v2/tickets?sort_by=sla_next_breach_at&sort_order=desc&per_page=100');
		assert.deepEqual(desc.tickets.map((t) => t.id), [...expected].reverse());
	});

	it('offset pages of every size, both ways, add up to the same list', async () => {
		for (const size of [1, 2, 3, 4, 5]) {
			assert.deepEqual(await byOffset('/api/v2/tickets?sort_by=sla_next_breach_at&sort_order=asc', size),
				expected, `asc, ${size} a page`);
			assert.deepEqual(await byOffset('/api/v2/tickets?sort_by=sla_next_breach_at&sort_order=desc', size),
				[...expected].reverse(), `desc, ${size} a page`);
		}
		// a page past the end is empty, not the first part again
		const past = await ids('/api/v2/tickets?sort_by=sla_next_breach_at&per_page=4&page=3');
		assert.deepEqual(past.tickets, []);
	});

	it('a view sorted by the next breach pages the same', async () => {
		const v = await srv.api('POST', '/api/v2/views', { view: { title: 'By breach',
			all: [{ field: 'status', operator: 'less_than', value: 'solved' }],
			output: { sort_by: 'sla_next_breach_at', sort_order: 'asc' } } });
		assert.equal(v.status, 201, v.text);
		assert.deepEqual(await byOffset(`/api/v2/views/${v.json.view.id}/tickets`, 3), expected);
	});

	it('a queue\'s cursor, both ways, meets every ticket once', async () => {
		for (const size of [1, 3, 4]) {
			assert.deepEqual(await byCursor('sla_next_breach_at', size), expected, `asc, ${size} a page`);
			assert.deepEqual(await byCursor('-sla_next_breach_at', size), [...expected].reverse(), `desc, ${size} a page`);
		}
	});

	it('a filter narrows both parts', async () => {
		const v = await srv.api('POST', '/api/v2/views', { view: { title: 'High by breach',
			all: [{ field: 'priority', operator: 'is', value: 'high' }],
			output: { sort_by: 'sla_next_breach_at', sort_order: 'asc' } } });
		assert.equal(v.status, 201, v.text);
		const got = await byOffset(`/api/v2/views/${v.json.view.id}/tickets`, 2);
		const highs = (await ids('/api/v2/tickets?per_page=100')).tickets.filter((t) => t.priority === 'high').map((t) => t.id);
		assert.deepEqual(got, expected.filter((id) => highs.includes(id)));
	});
});
