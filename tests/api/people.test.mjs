// People the workspace shows by the hundred (show_many) and duplicates it
// merges.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, alice, bob, carol;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob', 'carol'] });
	({ agent, alice, bob, carol } = srv.users);
});
after(async () => { await srv?.cleanup(); });

describe('users/show_many', () => {
	it('answers the people asked for, in that order, skipping unknown ids', async () => {
		const r = await srv.api('GET', `/api/v2/users/show_many?ids=${bob.id},999999,${alice.id}`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.users.map((u) => u.email), [bob.email, alice.email]);
	});

	it('refuses end users, bad ids and more than 100', async () => {
		assert.equal((await srv.api('GET', `/api/v2/users/show_many?ids=${bob.id}`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/users/show_many?ids=1,x', null, { auth: agent })).status, 400);
		assert.equal((await srv.api('GET', '/api/v2/users/show_many', null, { auth: agent })).status, 400);
		const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
		assert.equal((await srv.api('GET', `/api/v2/users/show_many?ids=${many}`, null, { auth: agent })).status, 400);
	});
});

describe('users/{id}/merge', () => {
	it('moves tickets, addresses and CCs to the other person, with an audit, and deactivates the duplicate', async () => {
		const own = await srv.ticket({ subject: 'Bob writes', comment: { body: 'hi' }, requester_id: bob.id });
		const cc = await srv.ticket({ subject: 'Carol writes', comment: { body: 'hi' }, requester_id: carol.id, collaborator_ids: [bob.id] });
		const ccBefore = (await srv.api('GET', `/api/v2/tickets/${cc.id}`, null, { auth: agent })).json.ticket;
		const r = await srv.api('PUT', `/api/v2/users/${bob.id}/merge`, { user: { id: alice.id } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.id, alice.id);

		const moved = await srv.api('GET', `/api/v2/tickets/${own.id}`, null, { auth: agent });
		assert.equal(moved.json.ticket.requester_id, alice.id);
		const audits = await srv.api('GET', `/api/v2/tickets/${own.id}/audits`, null, { auth: agent });
		const last = audits.json.audits.at(-1);
		assert.equal(last.author_id, agent.id);
		assert.ok(last.events.some((e) => e.field_name === 'requester_id' && e.value === String(alice.id)), JSON.stringify(last));
		const ccd = await srv.api('GET', `/api/v2/tickets/${cc.id}`, null, { auth: agent });
		assert.deepEqual(ccd.json.ticket.collaborator_ids, [alice.id]);
		// its CCs changed: a save made on the old ones is refused
		assert.notEqual(ccd.json.ticket.updated_stamp, ccBefore.updated_stamp);
		const stale = await srv.api('PUT', `/api/v2/tickets/${cc.id}`, { ticket: { priority: 'high', safe_update: true,
			updated_stamp: ccBefore.updated_stamp } }, { auth: agent });
		assert.equal(stale.status, 409, stale.text);

		const idents = await srv.api('GET', `/api/v2/users/${alice.id}/identities`, null, { auth: agent });
		assert.ok(idents.json.identities.some((i) => i.value === bob.email), r.text);
		const gone = await srv.api('GET', `/api/v2/users/${bob.id}`);
		assert.equal(gone.json.user.active, false);
		// alice now sees the ticket bob opened
		const mine = await srv.api('GET', `/api/v2/tickets/${own.id}`, null, { auth: alice });
		assert.equal(mine.status, 200);
	});

	it('refuses merging into oneself, into an agent, and an unknown person', async () => {
		const self = await srv.api('PUT', `/api/v2/users/${carol.id}/merge`, { user: { id: carol.id } }, { auth: agent });
		assert.equal(self.status, 422);
		const toAgent = await srv.api('PUT', `/api/v2/users/${carol.id}/merge`, { user: { id: agent.id } }, { auth: agent });
		assert.equal(toAgent.status, 422);
		const unknown = await srv.api('PUT', `/api/v2/users/${carol.id}/merge`, { user: { id: 999999 } }, { auth: agent });
		assert.equal(unknown.status, 404);
		assert.equal((await srv.api('GET', `/api/v2/users/${carol.id}`)).json.user.active, true);
	});
});
