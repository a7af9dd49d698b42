// A person's and an organization's tickets, and show_many: the lists the
// customer panel shows beside a ticket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, agent2, alice, bob, org, t1, t2, t3;

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice', 'bob'] });
	({ agent, agent2, alice, bob } = srv.users);
	const o = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Kvitka Wholesale' } });
	assert.equal(o.status, 201, o.text);
	org = o.json.organization;
	const u = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { organization_id: org.id } });
	assert.equal(u.status, 200, u.text);
	t1 = await srv.ticket({ subject: 'Alice: refund', requester_id: alice.id, assignee_id: agent.id });
	t2 = await srv.ticket({ subject: 'Alice: late parcel', requester_id: alice.id, assignee_id: agent2.id });
	t3 = await srv.ticket({ subject: 'Bob: broken kettle', requester_id: bob.id, assignee_id: agent.id });
});
after(async () => { await srv?.cleanup(); });

const ids = (r) => r.json.tickets.map((t) => t.id);

describe('related tickets', () => {
	it("lists the tickets a person requested", async () => {
		const r = await srv.api('GET', `/api/v2/users/${alice.id}/tickets/requested`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(r), [t1.id, t2.id]);
		assert.equal(r.json.count, 2);
	});

	it('lists the tickets assigned to an agent', async () => {
		const r = await srv.api('GET', `/api/v2/users/${agent.id}/tickets/assigned.json`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(r), [t1.id, t3.id]);
	});

	it("lists an organization's tickets (set from the requester's organization)", async () => {
		const r = await srv.api('GET', `/api/v2/organizations/${org.id}/tickets`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(r), [t1.id, t2.id]);
	});

	it('is for agents: an end user gets 403', async () => {
		const r = await srv.api('GET', `/api/v2/users/${alice.id}/tickets/requested`, null, { auth: alice });
		assert.equal(r.status, 403, r.text);
	});
});

describe('show_many', () => {
	it('returns the tickets asked for, in id order', async () => {
		const r = await srv.api('GET', `/api/v2/tickets/show_many?ids=${t3.id},${t1.id}`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(r), [t1.id, t3.id]);
	});

	it("leaves out tickets an end user may not see", async () => {
		const r = await srv.api('GET', `/api/v2/tickets/show_many?ids=${t1.id},${t2.id},${t3.id}`, null,
			{ auth: bob });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(r), [t3.id]);
	});

	it('refuses a bad or too long list with 400', async () => {
		for (const q of ['ids=1,x', 'ids=', 'ids=-1', `ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`]) {
			const r = await srv.api('GET', `/api/v2/tickets/show_many?${q}`);
			assert.equal(r.status, 400, `${q}: ${r.text}`);
		}
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
