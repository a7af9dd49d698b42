// The ticket fields and filters a Zendesk client relies on: external_id
// lookups, due_at, recipient, problem_id, email_ccs, followers, tag
// additions and removals, safe updates, a GET-then-PUT round trip,
// side-loading and where a request came from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, agent2, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice', 'bob'] });
	({ agent, agent2, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function put(id, ticket, opts = {}) {
	return srv.api('PUT', `/api/v2/tickets/${id}`, { ticket }, opts);
}

async function show(id, query = '') {
	const r = await srv.api('GET', `/api/v2/tickets/${id}${query}`);
	assert.equal(r.status, 200, r.text);
	return r.json;
}

describe('finding a ticket by its external id, then updating it', () => {
	it('GET /api/v2/tickets?external_id= lists only that ticket', async () => {
		const mine = await srv.ticket({ subject: 'Synced from CRM', external_id: 'crm-1001' });
		await srv.ticket({ subject: 'Another one', external_id: 'crm-1002' });
		await srv.ticket({ subject: 'No external id' });
		const r = await srv.api('GET', '/api/v2/tickets?external_id=crm-1001');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tickets.map((t) => t.id), [mine.id]);
		assert.equal(r.json.count, 1);
		const none = await srv.api('GET', '/api/v2/tickets?external_id=crm-404');
		assert.deepEqual(none.json.tickets, []);
		// the script's update lands on the right ticket
		const u = await put(r.json.tickets[0].id, { status: 'pending' });
		assert.equal(u.status, 200, u.text);
		assert.equal((await show(mine.id)).ticket.status, 'pending');
	});

	it('an end user finds only their own ticket by external id', async () => {
		await srv.ticket({ subject: 'Bob\'s', external_id: 'shared-7', requester_id: bob.id });
		const r = await srv.api('GET', '/api/v2/tickets?external_id=shared-7', null, { auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tickets, []);
	});
});

describe('fields that were dropped', () => {
	it('stores and returns due_at, recipient and problem_id', async () => {
		const task = await srv.ticket({ subject: 'Call back', type: 'task', due_at: '2027-03-01T09:30:00Z',
			recipient: 'Support@Example.TEST' });
		assert.equal(task.due_at, '2027-03-01T09:30:00Z');
		assert.equal(task.recipient, 'support@example.test');
		const problem = await srv.ticket({ subject: 'Outage', type: 'problem' });
		const incident = await srv.ticket({ subject: 'Site down for me', type: 'incident', problem_id: problem.id });
		assert.equal(incident.problem_id, problem.id);
		assert.equal((await show(incident.id)).ticket.problem_id, problem.id);
		assert.equal((await show(task.id)).ticket.due_at, '2027-03-01T09:30:00Z');
	});

	it('a problem deleted or made another type leaves its open incidents, in their audits', async () => {
		const problem = await srv.ticket({ subject: 'Gateway down', type: 'problem' });
		const a = await srv.ticket({ subject: 'Card refused', type: 'incident', problem_id: problem.id });
		const b = await srv.ticket({ subject: 'Paid twice', type: 'incident', problem_id: problem.id });
		let r = await put(problem.id, { type: 'question' });
		assert.equal(r.status, 200, r.text);
		assert.equal((await show(a.id)).ticket.problem_id, null);
		const audits = (await srv.api('GET', `/api/v2/tickets/${a.id}/audits`)).json.audits;
		assert.ok(audits.some((x) => x.events.some((ev) => ev.field_name === 'problem_id' && ev.value === null)),
			JSON.stringify(audits));
		const second = await srv.ticket({ subject: 'Gateway down again', type: 'problem' });
		r = await put(b.id, { problem_id: second.id });
		assert.equal(r.status, 200, r.text);
		assert.equal((await srv.api('DELETE', `/api/v2/tickets/${second.id}`)).status, 204);
		assert.equal((await show(b.id)).ticket.problem_id, null);
	});

	it('problem_id must name a problem; due_at must be a time on a task (422 naming the field)', async () => {
		const question = await srv.ticket({ subject: 'Just asking', type: 'question' });
		const before = await srv.api('GET', '/api/v2/tickets/count');
		for (const [fields, field] of [
			[{ type: 'incident', problem_id: question.id }, 'problem_id'],
			[{ type: 'incident', problem_id: 987654 }, 'problem_id'],
			[{ type: 'task', due_at: 'next tuesday' }, 'due_at'],
			[{ type: 'question', due_at: '2027-03-01T09:30:00Z' }, 'due_at'],
			[{ recipient: 'not an address' }, 'recipient'],
			[{ email_ccs: [{ user_id: 'x' }] }, 'email_ccs'],
			[{ followers: [{ user_id: alice.id }] }, 'followers'],
		]) {
			const r = await srv.api('POST', '/api/v2/tickets',
				{ ticket: { subject: 'bad', comment: { body: 'x' }, ...fields } });
			assert.equal(r.status, 422, `${JSON.stringify(fields)}: ${r.text}`);
			assert.ok(r.json.details?.[field], `${field} named: ${r.text}`);
		}
		const after = await srv.api('GET', '/api/v2/tickets/count');
		assert.equal(after.json.count.value, before.json.count.value, 'nothing was written');
		const problem = await srv.ticket({ subject: 'Was a problem', type: 'problem' });
		const self = await put(problem.id, { type: 'incident', problem_id: problem.id });
		assert.equal(self.status, 422, self.text);
		assert.ok(self.json.details?.problem_id, self.text);
		assert.equal((await show(problem.id)).ticket.type, 'problem', 'nothing was written');
	});

	it('email_ccs adds by id or address and removes with action delete', async () => {
		const t = await srv.ticket({ subject: 'CC me', requester_id: alice.id });
		let r = await put(t.id, { email_ccs: [{ user_id: bob.id }, { user_email: 'New.Person@Example.TEST' }] });
		assert.equal(r.status, 200, r.text);
		const ccs = r.json.ticket.email_cc_ids;
		assert.equal(ccs.length, 2);
		assert.ok(ccs.includes(bob.id));
		const created = await srv.api('GET', '/api/v2/search?query=type:user%20new.person');
		const newcomer = created.json.results?.find((u) => u.email === 'new.person@example.test');
		assert.ok(newcomer, `the address became an end user: ${created.text}`);
		r = await put(t.id, { email_ccs: [{ user_id: bob.id, action: 'delete' }] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.email_cc_ids, [newcomer.id]);
		// bob can no longer see it
		const seen = await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: bob });
		assert.equal(seen.status, 404);
		// removing an address nobody has removes nothing and makes no one
		r = await put(t.id, { email_ccs: [{ user_email: 'ghost@example.test', action: 'delete' }] });
		assert.equal(r.status, 200, r.text);
		const ghost = await srv.api('GET', '/api/v2/search?query=type:user%20ghost');
		assert.deepEqual(ghost.json.results, [], ghost.text);
	});

	it('a customer cannot name people: 403 before any address is looked up', async () => {
		for (const who of ['nobody@example.test', 'bob@example.test']) {
			const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Probe', comment: { body: 'x' },
				followers: [{ user_email: who }] } }, { auth: alice });
			assert.equal(r.status, 403, `${who}: ${r.text}`);
			const c = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Probe', comment: { body: 'x' },
				email_ccs: [{ user_email: who }] } }, { auth: alice });
			assert.equal(c.status, 403, `${who}: ${c.text}`);
		}
	});

	it('followers are agents, stored and returned as follower_ids', async () => {
		const t = await srv.ticket({ subject: 'Follow me', follower_ids: [agent.id] });
		assert.deepEqual(t.follower_ids, [agent.id]);
		let r = await put(t.id, { followers: [{ user_id: agent2.id, action: 'put' }, { user_id: agent.id, action: 'delete' }] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.follower_ids, [agent2.id]);
		assert.deepEqual((await show(t.id)).ticket.follower_ids, [agent2.id]);
		r = await put(t.id, { follower_ids: [alice.id] });
		assert.equal(r.status, 422, r.text);
	});

	it('additional_tags and remove_tags change tags without replacing them', async () => {
		const t = await srv.ticket({ subject: 'Tags', tags: ['keep', 'old'] });
		const r = await put(t.id, { additional_tags: ['New', 'keep'], remove_tags: ['old'] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.tags, ['keep', 'new']);
		assert.deepEqual((await show(t.id)).ticket.tags, ['keep', 'new']);
	});
});

describe('comment.html_body', () => {
	it('is sanitized, and gives the body its text when there is none', async () => {
		const t = await srv.ticket({ subject: 'HTML' });
		const r = await put(t.id, { comment: { html_body: '<p>Hello <b>there</b></p><script>alert(1)</script>' +
			'<p><a href="javascript:alert(2)" onclick="x()">link</a></p>', public: true } });
		assert.equal(r.status, 200, r.text);
		const cs = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		const c = cs[cs.length - 1];
		assert.match(c.html_body, /<b>there<\/b>/);
		assert.doesNotMatch(c.html_body, /script|javascript:|onclick/);
		assert.equal(c.body, 'Hello there\nlink');
		const both = await put(t.id, { comment: { body: 'plain words', html_body: '<p>rich <i>words</i></p>' } });
		assert.equal(both.status, 200, both.text);
		const cs2 = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		assert.equal(cs2[cs2.length - 1].body, 'plain words');
		assert.match(cs2[cs2.length - 1].html_body, /<i>words<\/i>/);
	});

	it('is kept when the ticket is made for a requester given by address', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'For someone',
			requester: { email: 'html.requester@example.test' }, comment: { html_body: '<p><b>Bold</b> text</p>' } } });
		assert.equal(r.status, 201, r.text);
		const cs = (await srv.api('GET', `/api/v2/tickets/${r.json.ticket.id}/comments`)).json.comments;
		assert.match(cs[0].html_body, /<b>Bold<\/b>/);
	});
});

describe('safe_update', () => {
	it('a stale updated_stamp is 409 UpdateConflict and changes nothing', async () => {
		const t = await srv.ticket({ subject: 'Race', assignee_id: agent.id });
		const read = (await show(t.id)).ticket;
		// another agent solves it within the same second
		let r = await put(t.id, { status: 'solved', safe_update: true, updated_stamp: read.updated_stamp });
		assert.equal(r.status, 200, `${read.updated_stamp}: ${r.text}`);
		assert.notEqual(r.json.ticket.updated_stamp, read.updated_stamp, 'every write changes the stamp');
		r = await put(t.id, { status: 'open', comment: { body: 'stale', public: false }, safe_update: true,
			updated_stamp: read.updated_stamp });
		assert.equal(r.status, 409, r.text);
		assert.equal(r.json.error, 'UpdateConflict');
		const now = (await show(t.id)).ticket;
		assert.equal(now.status, 'solved');
		const comments = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`);
		assert.ok(!comments.json.comments.some((c) => c.body === 'stale'));
	});

	it('a Zendesk client\'s updated_at as updated_stamp is taken while fresh, refused once stale', async () => {
		const t = await srv.ticket({ subject: 'Zendesk stamp' });
		const read = (await show(t.id)).ticket;
		let r = await put(t.id, { priority: 'high', safe_update: true, updated_stamp: read.updated_at });
		assert.equal(r.status, 200, r.text);
		r = await put(t.id, { priority: 'low', safe_update: true, updated_stamp: read.updated_at });
		assert.equal(r.status, 409, r.text);
		assert.equal((await show(t.id)).ticket.priority, 'high');
	});

	it('custom_fields: null is an empty list, not a crash', async () => {
		const t = await srv.ticket({ subject: 'Null fields' });
		const r = await put(t.id, { custom_fields: null });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.custom_fields, []);
	});

	it('safe_update without updated_stamp is 422 naming it', async () => {
		const t = await srv.ticket({ subject: 'No stamp' });
		const r = await put(t.id, { status: 'open', safe_update: true });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.updated_stamp, r.text);
	});
});

describe('a GET then a PUT of the whole ticket', () => {
	it('ignores the read-only fields and applies the rest', async () => {
		const t = await srv.ticket({ subject: 'Round trip', tags: ['a'] });
		const got = (await show(t.id)).ticket;
		const r = await put(t.id, { ...got, id: 999999, url: 'http://elsewhere/', created_at: '2001-01-01T00:00:00Z',
			via: { channel: 'email', source: {} }, subject: 'Round trip, edited', nonsense_field: 1 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.id, t.id);
		assert.equal(r.json.ticket.subject, 'Round trip, edited');
		assert.equal(r.json.ticket.created_at, got.created_at);
		assert.equal(r.json.ticket.via.channel, got.via.channel);
		assert.deepEqual(r.json.ticket.tags, ['a']);
	});
});

describe('include= side-loading and via.source', () => {
	it('show and list side-load users, groups and organizations', async () => {
		const org = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Side Org' } });
		const group = await srv.api('POST', '/api/v2/groups', { group: { name: 'Side Group' } });
		assert.equal(org.status, 201, org.text);
		assert.equal(group.status, 201, group.text);
		const t = await srv.ticket({ subject: 'Side', requester_id: alice.id, assignee_id: agent.id,
			group_id: group.json.group.id, organization_id: org.json.organization.id });
		const j = await show(t.id, '?include=users,groups,organizations');
		assert.equal(j.ticket.id, t.id);
		const userIds = j.users.map((u) => u.id).sort((a, b) => a - b);
		assert.ok(userIds.includes(alice.id) && userIds.includes(agent.id), JSON.stringify(j.users));
		assert.deepEqual(j.groups.map((g) => g.id), [group.json.group.id]);
		assert.deepEqual(j.organizations.map((o) => o.id), [org.json.organization.id]);
		const plain = await show(t.id);
		assert.equal(plain.users, undefined);
		const list = await srv.api('GET', `/api/v2/tickets?external_id=none-such&include=users`);
		assert.deepEqual(list.json.users, []);
		const l2 = await srv.api('GET', `/api/v2/tickets/show_many?ids=${t.id}&include=users`);
		assert.ok(l2.json.users.some((u) => u.id === alice.id), l2.text);
	});

	it('a customer side-loads no one else: only themselves, no group, no organization notes', async () => {
		const org = await srv.api('POST', '/api/v2/organizations',
			{ organization: { name: 'Secret Org', notes: 'agents only: credit hold' } });
		const t = await srv.ticket({ subject: 'Shared', requester_id: alice.id, collaborator_ids: [bob.id],
			assignee_id: agent.id, organization_id: org.json.organization.id });
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}?include=users,groups,organizations`, null,
			{ auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.users.map((u) => u.id), [alice.id]);
		assert.deepEqual(r.json.organizations, []);
		assert.deepEqual(r.json.groups, []);
		assert.ok(!r.text.includes('credit hold') && !r.text.includes('bob@'), r.text);
	});

	it('an e-mail or web ticket says who it came from and where it was sent', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'By mail', comment: { body: 'x' },
			requester_id: alice.id, recipient: 'help@example.test', via: { channel: 'email' } } });
		assert.equal(r.status, 201, r.text);
		const via = (await show(r.json.ticket.id)).ticket.via;
		assert.equal(via.channel, 'email');
		assert.equal(via.source.from.address, 'alice@example.test');
		assert.equal(via.source.to.address, 'help@example.test');
		const web = await srv.ticket({ subject: 'By web', body: 'y', via: { channel: 'web' } }, { auth: alice });
		const wv = (await show(web.id)).ticket.via;
		assert.equal(wv.channel, 'web');
		assert.equal(wv.source.from.address, 'alice@example.test');
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
