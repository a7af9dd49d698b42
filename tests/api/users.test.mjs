// Users, identities, organizations and groups.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, startServer } from './lib/server.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
let srv, agent, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'] });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

// Zendesk's answer to a value someone else has: 422 RecordInvalid with
// details.<field> = [{"error": "DuplicateValue", "description"}].
function assertDuplicate(r, field) {
	assert.equal(r.status, 422, r.text);
	assert.equal(r.json.error, 'RecordInvalid', r.text);
	assert.equal(r.json.details?.[field]?.[0]?.error, 'DuplicateValue', r.text);
	assert.ok(r.json.details[field][0].description, r.text);
}

async function userCount() {
	const r = await srv.api('GET', '/api/v2/users?per_page=1');
	assert.equal(r.status, 200, r.text);
	return r.json.count;
}

describe('users', () => {
	let jonas;

	it('an admin creates an end user (201, Zendesk shape, e-mail lower-cased)', async () => {
		const r = await srv.api('POST', '/api/v2/users', {
			user: { name: 'Jonas Jonaitis', email: ' Jonas@Example.TEST ', phone: '+37060000001', locale: 'lt' },
		});
		assert.equal(r.status, 201, r.text);
		jonas = r.json.user;
		assert.ok(Number.isInteger(jonas.id));
		assert.equal(jonas.name, 'Jonas Jonaitis');
		assert.equal(jonas.email, 'jonas@example.test');
		assert.equal(jonas.phone, '+37060000001');
		assert.equal(jonas.role, 'end-user');
		assert.equal(jonas.locale, 'lt');
		assert.equal(jonas.active, true);
		assert.equal(jonas.url, `${srv.base}/api/v2/users/${jonas.id}.json`);
		assert.match(jonas.created_at, ISO);
	});

	it('a created user reads back exactly as the create response said', async () => {
		const r = await srv.api('GET', `/api/v2/users/${jonas.id}`, null, { auth: agent });
		assert.equal(r.status, 200);
		assert.deepEqual(r.json.user, jonas);
	});

	it('shows, updates and lists users', async () => {
		let r = await srv.api('GET', `/api/v2/users/${jonas.id}`, null, { auth: agent });
		assert.equal(r.status, 200);
		assert.equal(r.json.user.email, 'jonas@example.test');
		assert.equal(r.json.user.phone, '+37060000001');

		r = await srv.api('PUT', `/api/v2/users/${jonas.id}`,
			{ user: { name: 'Jonas J.', notes: 'Prefers e-mail', tags: ['lt', 'vip'] } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.name, 'Jonas J.');
		assert.equal(r.json.user.notes, 'Prefers e-mail');
		assert.deepEqual(r.json.user.tags, ['lt', 'vip']);
		assert.equal(r.json.user.email, 'jonas@example.test');
		r = await srv.api('GET', `/api/v2/users/${jonas.id}`);
		assert.equal(r.json.user.name, 'Jonas J.');

		r = await srv.api('GET', '/api/v2/users?per_page=100', null, { auth: agent });
		assert.equal(r.status, 200);
		const emails = r.json.users.map((u) => u.email);
		for (const e of ['admin@example.test', 'agent@example.test', 'alice@example.test', 'jonas@example.test'])
			assert.ok(emails.includes(e), e);
		assert.equal(r.json.count, r.json.users.length);

		r = await srv.api('GET', '/api/v2/users?role=agent', null, { auth: agent });
		assert.deepEqual(r.json.users.map((u) => u.email), ['agent@example.test']);
		r = await srv.api('GET', '/api/v2/users?role=wizard', null, { auth: agent });
		assert.equal(r.status, 400);
	});

	it('pages users by offset', async () => {
		const total = await userCount();
		const seen = [];
		for (let page = 1; ; page++) {
			const r = await srv.api('GET', `/api/v2/users?per_page=2&page=${page}`);
			assert.equal(r.status, 200);
			assert.equal(r.json.count, total);
			seen.push(...r.json.users.map((u) => u.id));
			if (!r.json.next_page)
				break;
		}
		assert.equal(seen.length, total);
		assert.equal(new Set(seen).size, total);
	});

	it('a duplicate e-mail is 422 DuplicateValue naming email, in any case', async () => {
		const n = await userCount();
		for (const email of ['jonas@example.test', 'JONAS@example.test', 'alice@example.test']) {
			const r = await srv.api('POST', '/api/v2/users', { user: { name: 'Copycat', email } });
			assertDuplicate(r, 'email');
			assert.match(r.json.details.email[0].description, /is already being used by another user/);
		}
		const r = await srv.api('PUT', `/api/v2/users/${jonas.id}`, { user: { email: 'bob@example.test' } });
		assertDuplicate(r, 'email');
		assert.equal(await userCount(), n);
		assert.equal((await srv.api('GET', `/api/v2/users/${jonas.id}`)).json.user.email, 'jonas@example.test');
	});

	it('refuses users without a name or with a bad e-mail (422 naming the field)', async () => {
		let r = await srv.api('POST', '/api/v2/users', { user: { email: 'noname@example.test' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.name, r.text);
		r = await srv.api('POST', '/api/v2/users', { user: { name: 'Bad', email: 'not-an-address' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.email, r.text);
		r = await srv.api('POST', '/api/v2/users', { user: { name: 'Bad', email: 'x@example.test', role: 'wizard' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.role, r.text);
	});

	it('an agent creates end users but not agents or admins (403)', async () => {
		let r = await srv.api('POST', '/api/v2/users', { user: { name: 'Eve', email: 'eve@example.test', role: 'admin' } },
			{ auth: agent });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('POST', '/api/v2/users', { user: { name: 'Eve', email: 'eve@example.test', role: 'agent' } },
			{ auth: agent });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('GET', '/api/v2/users?role=admin');
		assert.ok(!r.json.users.some((u) => u.email === 'eve@example.test'));

		r = await srv.api('POST', '/api/v2/users', { user: { name: 'Eve', email: 'eve@example.test' } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.user.role, 'end-user');
		// and cannot promote them, nor edit the admin
		r = await srv.api('PUT', `/api/v2/users/${r.json.user.id}`, { user: { role: 'admin' } }, { auth: agent });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('PUT', `/api/v2/users/${srv.admin.id}`, { user: { name: 'Hacked' } }, { auth: agent });
		assert.equal(r.status, 403, r.text);
		assert.equal((await srv.api('GET', `/api/v2/users/${srv.admin.id}`)).json.user.name, 'Ada Admin');
	});

	it('an admin creates an agent, who can then work', async () => {
		const r = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'New Agent', email: 'newagent@example.test', role: 'agent', password: 'a long password' } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.user.role, 'agent');
		const me = await srv.api('GET', '/api/v2/users/me', null, { auth: { basic: ['newagent@example.test', 'a long password'] } });
		assert.equal(me.status, 200, me.text);
		assert.equal(me.json.user.role, 'agent');
	});

	it('end users see themselves at /users/me but no user list (403)', async () => {
		let r = await srv.api('GET', '/api/v2/users/me', null, { auth: alice });
		assert.equal(r.status, 200);
		assert.equal(r.json.user.id, alice.id);
		assert.equal(r.json.user.role, 'end-user');
		r = await srv.api('GET', '/api/v2/users', null, { auth: alice });
		assert.equal(r.status, 403);
		r = await srv.api('GET', `/api/v2/users/${bob.id}`, null, { auth: alice });
		assert.equal(r.status, 403);
		r = await srv.api('POST', '/api/v2/users', { user: { name: 'X', email: 'x2@example.test' } }, { auth: alice });
		assert.equal(r.status, 403);
	});

	it('unknown users are 404', async () => {
		assert.equal((await srv.api('GET', '/api/v2/users/987654')).status, 404);
		assert.equal((await srv.api('PUT', '/api/v2/users/987654', { user: { name: 'x' } })).status, 404);
	});

	it('an end user changes their own password; the old one stops working', async () => {
		const u = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Pat', email: 'pat@example.test', password: PASSWORD } });
		assert.equal(u.status, 201, u.text);
		const id = u.json.user.id;
		const pat = { basic: ['pat@example.test', PASSWORD] };
		let r = await srv.api('PUT', `/api/v2/users/${id}/password`,
			{ previous_password: 'wrong guess 1', password: 'brand new secret' }, { auth: pat });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.previous_password, r.text);
		r = await srv.api('PUT', `/api/v2/users/${id}/password`,
			{ previous_password: PASSWORD, password: 'short' }, { auth: pat });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.password, r.text);
		r = await srv.api('PUT', `/api/v2/users/${alice.id}/password`,
			{ previous_password: PASSWORD, password: 'brand new secret' }, { auth: pat });
		assert.equal(r.status, 403, r.text);
		r = await srv.api('PUT', `/api/v2/users/${id}/password`,
			{ previous_password: PASSWORD, password: 'brand new secret' }, { auth: pat });
		assert.equal(r.status, 204, r.text);
		assert.equal((await srv.api('GET', '/api/v2/users/me', null, { auth: pat })).status, 401);
		assert.equal((await srv.api('GET', '/api/v2/users/me', null,
			{ auth: { basic: ['pat@example.test', 'brand new secret'] } })).status, 200);
	});

	it('a deleted user can no longer sign in, and an admin cannot delete themselves', async () => {
		const u = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Temp', email: 'temp@example.test', role: 'agent', password: PASSWORD } });
		assert.equal(u.status, 201, u.text);
		const tok = await srv.api('POST', '/api/v2/api_tokens', { api_token: { description: 'temp' } },
			{ auth: { basic: ['temp@example.test', PASSWORD] } });
		assert.equal(tok.status, 201, tok.text);
		const token = tok.json.api_token.token;
		assert.equal((await srv.api('GET', '/api/v2/users/me', null, { auth: { bearer: token } })).status, 200);

		let r = await srv.api('DELETE', `/api/v2/users/${u.json.user.id}`, null, { auth: agent });
		assert.equal(r.status, 403);
		r = await srv.api('DELETE', `/api/v2/users/${u.json.user.id}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.active, false);
		assert.equal((await srv.api('GET', '/api/v2/users/me', null, { auth: { bearer: token } })).status, 401);
		assert.equal((await srv.api('GET', '/api/v2/users/me', null,
			{ auth: { basic: ['temp@example.test', PASSWORD] } })).status, 401);

		r = await srv.api('DELETE', `/api/v2/users/${srv.admin.id}`);
		assert.equal(r.status, 409, r.text); // a state conflict, not a duplicate
		assert.equal((await srv.api('GET', '/api/v2/users/me')).status, 200);
	});
});

describe('identities', () => {
	it('adds an e-mail identity and lists both addresses', async () => {
		let r = await srv.api('POST', `/api/v2/users/${bob.id}/identities`,
			{ identity: { type: 'email', value: 'Bob.Work@Example.test' } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.identity.user_id, bob.id);
		assert.equal(r.json.identity.type, 'email');
		assert.equal(r.json.identity.value, 'bob.work@example.test');
		r = await srv.api('GET', `/api/v2/users/${bob.id}/identities`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const values = r.json.identities.map((i) => i.value).sort();
		assert.deepEqual(values, ['bob.work@example.test', 'bob@example.test']);
		assert.equal(r.json.identities.filter((i) => i.primary).length, 1);
		assert.equal(r.json.identities.find((i) => i.primary).value, 'bob@example.test');
	});

	it('a ticket from the second address belongs to the same person', async () => {
		const t = await srv.ticket({ subject: 'From work', requester: { email: 'bob.work@example.test', name: 'Bob' } });
		assert.equal(t.requester_id, bob.id);
	});

	it('an address already used by someone else is 422 DuplicateValue', async () => {
		const r = await srv.api('POST', `/api/v2/users/${bob.id}/identities`,
			{ identity: { type: 'email', value: 'alice@example.test' } });
		assertDuplicate(r, 'value');
		const u = await srv.api('POST', '/api/v2/users', { user: { name: 'Bobby', email: 'bob.work@example.test' } });
		assertDuplicate(u, 'email');
		const i = await srv.api('POST', '/api/v2/users', {
			user: { name: 'Bobby', email: 'bobby@example.test', identities: [{ type: 'email', value: 'bob.work@example.test' }] },
		});
		assertDuplicate(i, 'identities');
		const none = await srv.api('GET', '/api/v2/users?per_page=100');
		assert.ok(!none.json.users.some((x) => x.email === 'bobby@example.test'), 'nothing written');
	});

	it('refuses an unknown identity type or a bad address (422)', async () => {
		let r = await srv.api('POST', `/api/v2/users/${bob.id}/identities`, { identity: { type: 'pigeon', value: 'coo' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.type, r.text);
		r = await srv.api('POST', `/api/v2/users/${bob.id}/identities`, { identity: { type: 'email', value: 'nope' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.value, r.text);
		r = await srv.api('POST', '/api/v2/users/987654/identities', { identity: { type: 'email', value: 'z@example.test' } });
		assert.equal(r.status, 404, r.text);
	});
});

describe('organizations', () => {
	let org;

	it('creates, shows, updates and lists organizations', async () => {
		let r = await srv.api('POST', '/api/v2/organizations', {
			organization: { name: 'Acme', domain_names: ['acme.test'], tags: ['b2b'], details: 'Big client' },
		}, { auth: agent });
		assert.equal(r.status, 201, r.text);
		org = r.json.organization;
		assert.equal(org.name, 'Acme');
		assert.deepEqual(org.domain_names, ['acme.test']);
		assert.deepEqual(org.tags, ['b2b']);
		assert.match(org.created_at, ISO);
		r = await srv.api('GET', `/api/v2/organizations/${org.id}`, null, { auth: agent });
		assert.equal(r.status, 200);
		assert.equal(r.json.organization.name, 'Acme');
		r = await srv.api('PUT', `/api/v2/organizations/${org.id}`, { organization: { name: 'Acme Corp' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.organization.name, 'Acme Corp');
		assert.deepEqual(r.json.organization.domain_names, ['acme.test']);
		r = await srv.api('GET', '/api/v2/organizations', null, { auth: agent });
		assert.equal(r.status, 200);
		assert.ok(r.json.organizations.some((o) => o.id === org.id && o.name === 'Acme Corp'));
	});

	it('a duplicate name is 422 DuplicateValue naming name; a blank one is 422', async () => {
		let r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Acme Corp' } });
		assertDuplicate(r, 'name');
		r = await srv.api('POST', '/api/v2/organizations', { organization: { name: '' } });
		assert.equal(r.status, 422, r.text);
		r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Bad', domain_names: 'acme.test' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.domain_names, r.text);
	});

	it('lists an organization\'s users, and its members\' tickets carry it', async () => {
		let r = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Acme Buyer', email: 'buyer@acme.test', organization_id: org.id } });
		assert.equal(r.status, 201, r.text);
		const buyer = r.json.user;
		assert.equal(buyer.organization_id, org.id);
		r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { organization_id: org.id } });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('GET', `/api/v2/organizations/${org.id}/users`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.users.map((u) => u.email).sort(), ['alice@example.test', 'buyer@acme.test']);
		const t = await srv.ticket({ subject: 'Org ticket' }, { auth: alice });
		assert.equal(t.organization_id, org.id);
	});

	it('a user in a missing organization is 422 naming organization_id', async () => {
		const r = await srv.api('POST', '/api/v2/users', { user: { name: 'Lost', email: 'lost@example.test', organization_id: 987654 } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.organization_id, r.text);
	});

	it('moving a user to a missing organization is 422 and changes nothing', async () => {
		const r = await srv.api('PUT', `/api/v2/users/${bob.id}`, { user: { organization_id: 987654 } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.organization_id, r.text);
		assert.equal((await srv.api('GET', `/api/v2/users/${bob.id}`)).json.user.organization_id, null);
	});

	it('deleting an organization with members works and leaves the members without one', async () => {
		const o = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Doomed Ltd' } });
		assert.equal(o.status, 201);
		const u = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Doomed member', email: 'member@doomed.test', organization_id: o.json.organization.id } });
		assert.equal(u.status, 201, u.text);
		const t = await srv.ticket({ subject: 'Doomed ticket', requester_id: u.json.user.id });
		assert.equal(t.organization_id, o.json.organization.id);
		const d = await srv.api('DELETE', `/api/v2/organizations/${o.json.organization.id}`);
		assert.equal(d.status, 204, d.text);
		const after = await srv.api('GET', `/api/v2/users/${u.json.user.id}`);
		assert.equal(after.status, 200);
		assert.equal(after.json.user.organization_id, null);
		const tt = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(tt.status, 200, tt.text);
	});

	it('only admins delete organizations', async () => {
		const r0 = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Short-lived' } });
		assert.equal(r0.status, 201);
		const id = r0.json.organization.id;
		assert.equal((await srv.api('DELETE', `/api/v2/organizations/${id}`, null, { auth: agent })).status, 403);
		assert.equal((await srv.api('DELETE', `/api/v2/organizations/${id}`)).status, 204);
		assert.equal((await srv.api('GET', `/api/v2/organizations/${id}`)).status, 404);
		assert.equal((await srv.api('GET', '/api/v2/organizations', null, { auth: alice })).status, 403);
	});
});

describe('groups', () => {
	let group;

	it('admins create, update and delete groups; agents read them', async () => {
		let r = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 2', description: 'Escalations' } });
		assert.equal(r.status, 201, r.text);
		group = r.json.group;
		assert.equal(group.name, 'Tier 2');
		assert.equal(group.description, 'Escalations');
		assert.equal(group.deleted, false);

		r = await srv.api('GET', `/api/v2/groups/${group.id}`, null, { auth: agent });
		assert.equal(r.status, 200);
		assert.equal(r.json.group.name, 'Tier 2');
		r = await srv.api('PUT', `/api/v2/groups/${group.id}`, { group: { name: 'Tier 2 (EU)' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.group.name, 'Tier 2 (EU)');
		assert.equal(r.json.group.description, 'Escalations');
		r = await srv.api('GET', '/api/v2/groups', null, { auth: agent });
		assert.equal(r.status, 200);
		assert.ok(r.json.groups.some((g) => g.id === group.id && g.name === 'Tier 2 (EU)'));

		const t = await srv.ticket({ subject: 'For tier 2', group_id: group.id });
		assert.equal(t.group_id, group.id);
	});

	it('agents and end users cannot write groups (403)', async () => {
		assert.equal((await srv.api('POST', '/api/v2/groups', { group: { name: 'Rogue' } }, { auth: agent })).status, 403);
		assert.equal((await srv.api('PUT', `/api/v2/groups/${group.id}`, { group: { name: 'Rogue' } }, { auth: agent })).status, 403);
		assert.equal((await srv.api('DELETE', `/api/v2/groups/${group.id}`, null, { auth: agent })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/groups', null, { auth: alice })).status, 403);
		const r = await srv.api('GET', '/api/v2/groups');
		assert.ok(!r.json.groups.some((g) => g.name === 'Rogue'));
	});

	it('a duplicate group name is 422 DuplicateValue, a blank one 422', async () => {
		let r = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 2 (EU)' } });
		assertDuplicate(r, 'name');
		r = await srv.api('POST', '/api/v2/groups', { group: { name: '' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.name, r.text);
	});

	it('a deleted group is not listed and takes no new tickets', async () => {
		let r = await srv.api('DELETE', `/api/v2/groups/${group.id}`);
		assert.equal(r.status, 204, r.text);
		r = await srv.api('GET', '/api/v2/groups');
		assert.ok(!r.json.groups.some((g) => g.id === group.id));
		r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'x', comment: { body: 'x' }, group_id: group.id } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.group_id, r.text);
	});
});

describe('external ids and list filters (as Zendesk honours them)', () => {
	let synced, syncedOrg;

	it('a user keeps the external_id it was created and updated with', async () => {
		let r = await srv.api('POST', '/api/v2/users',
			{ user: { name: 'Synced Sam', email: 'sam@sync.test', external_id: 'crm-1001' } });
		assert.equal(r.status, 201, r.text);
		synced = r.json.user;
		assert.equal(synced.external_id, 'crm-1001');
		r = await srv.api('GET', `/api/v2/users/${synced.id}`, null, { auth: agent });
		assert.equal(r.json.user.external_id, 'crm-1001');
		r = await srv.api('PUT', `/api/v2/users/${synced.id}`, { user: { external_id: 'crm-1002' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.external_id, 'crm-1002');
		assert.equal(r.json.user.name, 'Synced Sam');
		r = await srv.api('GET', '/api/v2/users?per_page=100');
		assert.equal(r.json.users.find((u) => u.id === synced.id).external_id, 'crm-1002');
		assert.equal(r.json.users.find((u) => u.id === alice.id).external_id, null);
	});

	it('GET /users?external_id=X answers exactly that user', async () => {
		let r = await srv.api('GET', '/api/v2/users?external_id=crm-1002', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.users.map((u) => u.id), [synced.id]);
		assert.equal(r.json.count, 1);
		r = await srv.api('GET', '/api/v2/users?external_id=crm-100');
		assert.deepEqual(r.json.users, []);
		r = await srv.api('GET', '/api/v2/users?external_id=crm-1001');
		assert.deepEqual(r.json.users, []);
	});

	it('role[]=agent&role[]=admin lists agents and admins only; role= one role', async () => {
		let r = await srv.api('GET', '/api/v2/users?role[]=agent&role[]=admin&per_page=100', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const roles = new Set(r.json.users.map((u) => u.role));
		assert.deepEqual([...roles].sort(), ['admin', 'agent']);
		assert.ok(r.json.users.some((u) => u.id === srv.admin.id));
		assert.ok(r.json.users.some((u) => u.id === agent.id));
		assert.equal(r.json.count, r.json.users.length);
		r = await srv.api('GET', '/api/v2/users?role%5B%5D=end-user&per_page=100');
		assert.ok(r.json.users.length > 0);
		assert.ok(r.json.users.every((u) => u.role === 'end-user'), r.text);
		r = await srv.api('GET', '/api/v2/users?role[]=agent&role[]=wizard');
		assert.equal(r.status, 400, r.text);
		assert.ok(r.json.details?.['role[]'], r.text);
	});

	it('an external id names one user and one organization, whatever its case, as in Zendesk', async () => {
		let r = await srv.api('POST', '/api/v2/users', { user: { name: 'Unique One', email: 'unique1@example.test',
			external_id: 'HR-5501' } });
		assert.equal(r.status, 201, r.text);
		const one = r.json.user;
		r = await srv.api('POST', '/api/v2/users', { user: { name: 'Unique Two', email: 'unique2@example.test',
			external_id: 'hr-5501' } });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details?.external_id?.[0]?.error, 'DuplicateValue', r.text);
		assert.equal((await srv.api('GET', '/api/v2/users?external_id=unique2')).json.users.length, 0);
		r = await srv.api('GET', '/api/v2/users?external_id=hr-5501');
		assert.deepEqual(r.json.users.map((u) => u.id), [one.id]);
		// keeping one's own id, or clearing it, is no conflict
		r = await srv.api('PUT', `/api/v2/users/${one.id}`, { user: { external_id: 'HR-5501', name: 'Unique 1' } });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('PUT', `/api/v2/users/${one.id}`, { user: { external_id: '' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.external_id, null);
		r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Ext A', external_id: 'ERP-A' } });
		assert.equal(r.status, 201, r.text);
		r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Ext B', external_id: 'erp-a' } });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details?.external_id?.[0]?.error, 'DuplicateValue', r.text);
		r = await srv.api('GET', '/api/v2/organizations/search?external_id=Erp-A');
		assert.deepEqual(r.json.organizations.map((o) => o.name), ['Ext A']);
	});

	it('page[size] pages every people list, as Zendesk\'s SDKs send it; page[after] is named, not dropped', async () => {
		for (const path of ['/api/v2/users', '/api/v2/organizations', '/api/v2/groups']) {
			let r = await srv.api('GET', `${path}?page[size]=1`);
			assert.equal(r.status, 200, `${path}: ${r.text}`);
			const list = r.json.users || r.json.organizations || r.json.groups;
			assert.ok(list.length <= 1, `${path}: ${r.text}`);
			r = await srv.api('GET', `${path}?page[after]=abc`);
			assert.equal(r.status, 400, `${path}: ${r.text}`);
			assert.ok(r.json.details?.['page[after]'], r.text);
		}
	});

	it('an organization keeps its external_id and is found by it', async () => {
		let r = await srv.api('POST', '/api/v2/organizations',
			{ organization: { name: 'Synced Org', external_id: 'erp-77' } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		syncedOrg = r.json.organization;
		assert.equal(syncedOrg.external_id, 'erp-77');
		r = await srv.api('PUT', `/api/v2/organizations/${syncedOrg.id}`, { organization: { external_id: 'erp-78' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.organization.external_id, 'erp-78');
		assert.equal(r.json.organization.name, 'Synced Org');
		r = await srv.api('GET', `/api/v2/organizations/${syncedOrg.id}`);
		assert.equal(r.json.organization.external_id, 'erp-78');
		for (const path of ['/api/v2/organizations/search?external_id=erp-78', '/api/v2/organizations?external_id=erp-78']) {
			r = await srv.api('GET', path, null, { auth: agent });
			assert.equal(r.status, 200, `${path}: ${r.text}`);
			assert.deepEqual(r.json.organizations.map((o) => o.id), [syncedOrg.id], path);
		}
		r = await srv.api('GET', '/api/v2/organizations/search?external_id=erp-7');
		assert.deepEqual(r.json.organizations, []);
		r = await srv.api('GET', '/api/v2/organizations/search');
		assert.equal(r.status, 400, r.text);
		assert.ok(r.json.details?.external_id, r.text);
		assert.equal((await srv.api('GET', '/api/v2/organizations/search?external_id=erp-78', null, { auth: alice })).status, 403);
	});

	it('a parameter a list does not know is 400 naming it, never silently dropped', async () => {
		for (const [path, param] of [
			['/api/v2/users?email=alice@example.test', 'email'],
			['/api/v2/users?roles=agent', 'roles'],
			['/api/v2/organizations?name=Acme', 'name'],
			['/api/v2/organizations/search?external_id=erp-78&name=x', 'name'],
			['/api/v2/groups?deleted=true', 'deleted'],
			[`/api/v2/organizations/${syncedOrg.id}/users?role=agent`, 'role'],
		]) {
			const r = await srv.api('GET', path, null, { auth: agent });
			assert.equal(r.status, 400, `${path}: ${r.text}`);
			assert.ok(r.json.details?.[param], `${path}: ${r.text}`);
		}
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
