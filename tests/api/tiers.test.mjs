// Customer tiers (/api/v2/tiers) and the tier_id of people and
// organizations: every route, every refusal with the field it names and
// nothing written, the order tiers are listed in, who may read and write,
// a tier an SLA policy selects by kept from deletion, and the policy a
// ticket gets by its customer's tier and their organization's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/tiers';
const POLICIES = '/api/v2/slas/policies';

let srv, agent, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'], env: { FRONTLINE_DB_WRITERS: '4' } });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function create(tier) {
	const r = await srv.api('POST', BASE, { tier });
	assert.equal(r.status, 201, r.text);
	return r.json.tier;
}

async function list(auth = agent) {
	const r = await srv.api('GET', BASE, null, { auth });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.count, r.json.tiers.length);
	return r.json.tiers;
}

const names = async () => (await list()).map((t) => [t.name, t.position]);

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function user(id) {
	const r = await srv.api('GET', `/api/v2/users/${id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.user;
}

let standard, gold, vip;

describe('tiers', () => {
	it('a new desk has none', async () => {
		assert.deepEqual(await list(), []);
	});

	it('creates tiers, each last unless given a place', async () => {
		standard = await create({ name: 'Standard' });
		assert.ok(standard.id > 0);
		assert.equal(standard.url, `${srv.base}${BASE}/${standard.id}.json`);
		assert.equal(standard.position, 1);
		assert.equal(standard.users_count, 0);
		assert.equal(standard.organizations_count, 0);
		assert.ok(standard.created_at && standard.updated_at);
		vip = await create({ name: 'VIP' });
		gold = await create({ name: 'Золотий', position: 2 });
		assert.equal(gold.position, 2);
		assert.deepEqual(await names(), [['Standard', 1], ['Золотий', 2], ['VIP', 3]]);
	});

	it('the list without counts, when asked; a counts that is not true or false is refused', async () => {
		let r = await srv.api('GET', `${BASE}?counts=false`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tiers.map((x) => x.name), ['Standard', 'Золотий', 'VIP']);
		assert.ok(r.json.tiers.every((x) => !('users_count' in x) && !('organizations_count' in x)), r.text);
		r = await srv.api('GET', `${BASE}?counts=true`, null, { auth: agent });
		assert.ok(r.json.tiers.every((x) => x.users_count === 0), r.text);
		refused(await srv.api('GET', `${BASE}?counts=1`, null, { auth: agent }), 422, 'counts');
	});

	it('shows one; an unknown id is 404', async () => {
		const r = await srv.api('GET', `${BASE}/${gold.id}`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tier.name, 'Золотий');
		refused(await srv.api('GET', `${BASE}/999999`, null, { auth: agent }), 404);
		refused(await srv.api('PUT', `${BASE}/999999`, { tier: { name: 'X' } }), 404);
		refused(await srv.api('DELETE', `${BASE}/999999`), 404);
	});

	it('renames and moves, the others keeping their order', async () => {
		let r = await srv.api('PUT', `${BASE}/${vip.id}`, { tier: { position: 1 } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tier.position, 1);
		assert.equal(r.json.tier.name, 'VIP');
		assert.deepEqual(await names(), [['VIP', 1], ['Standard', 2], ['Золотий', 3]]);
		r = await srv.api('PUT', `${BASE}/${gold.id}`, { tier: { name: 'Gold' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tier.position, 3);
		// renaming to its own name in another case is the same tier
		r = await srv.api('PUT', `${BASE}/${gold.id}`, { tier: { name: 'GOLD', position: 50 } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tier.position, 3);
		r = await srv.api('PUT', `${BASE}/${gold.id}`, { tier: { name: 'Gold', position: 2 } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await names(), [['VIP', 1], ['Gold', 2], ['Standard', 3]]);
	});

	it('refuses bad names and places, writing nothing', async () => {
		const before_ = await list();
		for (const [tier, field] of [
			[{ name: '' }, 'name'],
			[{ name: '   ' }, 'name'],
			[{}, 'name'],
			[{ name: 'x'.repeat(65) }, 'name'],
			[{ name: 'Ж'.repeat(33) }, 'name'], // 66 bytes
			[{ name: 'a\u0007b' }, 'name'],
			[{ name: 42 }, 'name'],
			[{ name: 'vip' }, 'name'], // VIP's, in another case
			[{ name: 'gold' }, 'name'],
			[{ name: 'Ok', position: 0 }, 'position'],
			[{ name: 'Ok', position: -1 }, 'position'],
			[{ name: 'Ok', position: 51 }, 'position'],
			[{ name: 'Ok', position: '1' }, 'position'],
		])
			refused(await srv.api('POST', BASE, { tier }), 422, field);
		refused(await srv.api('POST', BASE, { tier: 'VIP' }), 400);
		refused(await srv.api('POST', BASE, { name: 'VIP' }), 400);
		refused(await srv.api('PUT', `${BASE}/${gold.id}`, { tier: { name: 'VIP' } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${gold.id}`, { tier: { name: '' } }), 422, 'name');
		// a name that looks like SQL is just a name
		const odd = await create({ name: "x'); DROP TABLE tiers; --" });
		assert.equal((await list()).length, before_.length + 1);
		assert.equal((await srv.api('DELETE', `${BASE}/${odd.id}`)).status, 204);
		assert.deepEqual(await list(), before_);
	});

	it('a name 64 bytes long is taken; Cyrillic and Lithuanian cases fold', async () => {
		const long = await create({ name: 'Ж'.repeat(32) });
		refused(await srv.api('POST', BASE, { tier: { name: 'ж'.repeat(32) } }), 422, 'name');
		const lt = await create({ name: 'Šviesus' });
		refused(await srv.api('POST', BASE, { tier: { name: 'ŠVIESUS' } }), 422, 'name');
		// Gold was Золотий: the old name is free again
		const z = await create({ name: 'ЗОЛОТИЙ' });
		refused(await srv.api('POST', BASE, { tier: { name: 'золотий' } }), 422, 'name');
		for (const t of [long, lt, z])
			assert.equal((await srv.api('DELETE', `${BASE}/${t.id}`)).status, 204);
	});

	it('agents and customers cannot write; customers cannot read', async () => {
		refused(await srv.api('POST', BASE, { tier: { name: 'Agent made' } }, { auth: agent }), 403);
		refused(await srv.api('PUT', `${BASE}/${vip.id}`, { tier: { name: 'Mine' } }, { auth: agent }), 403);
		refused(await srv.api('DELETE', `${BASE}/${vip.id}`, null, { auth: agent }), 403);
		refused(await srv.api('GET', BASE, null, { auth: alice }), 403);
		refused(await srv.api('GET', `${BASE}/${vip.id}`, null, { auth: alice }), 403);
		assert.deepEqual((await list()).map((t) => t.name), ['VIP', 'Gold', 'Standard']);
	});

	it('at most 50, even when the last places are asked for at once', async () => {
		const made = [];
		for (let i = (await list()).length; i < 48; i++)
			made.push(await create({ name: `Tier ${i}` }));
		// eight admins at once for the last two places: two get them (on
		// PostgreSQL each writer counts under its own snapshot; the limit
		// holds only because the count is serialized)
		const race = await Promise.all([...Array(8).keys()].map((i) =>
			srv.api('POST', BASE, { tier: { name: `Racer ${i}` } })));
		assert.deepEqual(race.map((r) => r.status).sort(), [201, 201, 422, 422, 422, 422, 422, 422], race.map((r) => r.text).join('\n'));
		for (const r of race)
			if (r.status === 201)
				made.push(r.json.tier);
		refused(await srv.api('POST', BASE, { tier: { name: 'One too many' } }), 422, 'tier');
		assert.equal((await list()).length, 50);
		for (const t of made)
			assert.equal((await srv.api('DELETE', `${BASE}/${t.id}`)).status, 204);
		assert.deepEqual(await names(), [['VIP', 1], ['Gold', 2], ['Standard', 3]]);
	});
});

describe('people and organizations on tiers', () => {
	let acme;

	it('a person is put on a tier, moved and taken off; agents may do it', async () => {
		assert.equal((await user(alice.id)).tier_id, null);
		let r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { tier_id: vip.id } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.user.tier_id, vip.id);
		// what else the person is stays
		assert.equal(r.json.user.name, 'Customer alice');
		r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { name: 'Alice' } }, { auth: agent });
		assert.equal(r.json.user.tier_id, vip.id);
		r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { tier_id: null } });
		assert.equal(r.json.user.tier_id, null);
		r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { tier_id: vip.id } });
		assert.equal(r.json.user.tier_id, vip.id);
	});

	it('an unknown or malformed tier_id is 422 naming tier_id, nothing written', async () => {
		for (const tier_id of [999999, 0, -3, 'vip', 1.5, [vip.id], { id: vip.id }])
			refused(await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { name: 'Changed', tier_id } }), 422, 'tier_id');
		const u = await user(alice.id);
		assert.equal(u.tier_id, vip.id);
		assert.equal(u.name, 'Alice');
		refused(await srv.api('POST', '/api/v2/users', { user: { name: 'Carol', email: 'carol@example.test', tier_id: 999999 } }), 422, 'tier_id');
		const r = await srv.api('GET', '/api/v2/users', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.users.filter((u) => u.email === 'carol@example.test').length, 0);
	});

	it('a person created on a tier; the tier counts them', async () => {
		const r = await srv.api('POST', '/api/v2/users', { user: { name: 'Dan', email: 'dan@example.test', tier_id: gold.id } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.user.tier_id, gold.id);
		const t = (await list()).find((x) => x.id === gold.id);
		assert.equal(t.users_count, 1);
		assert.equal((await list()).find((x) => x.id === vip.id).users_count, 1);
	});

	it('a customer does not see their own tier', async () => {
		const r = await srv.api('GET', '/api/v2/users/me', null, { auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.equal('tier_id' in r.json.user, false);
	});

	it('organizations: created on a tier, changed, cleared; unknown refused', async () => {
		let r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Acme', tier_id: standard.id } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		acme = r.json.organization;
		assert.equal(acme.tier_id, standard.id);
		refused(await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Nope', tier_id: 999999 } }), 422, 'tier_id');
		r = await srv.api('GET', '/api/v2/organizations', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.organizations.filter((o) => o.name === 'Nope').length, 0);
		refused(await srv.api('PUT', `/api/v2/organizations/${acme.id}`, { organization: { name: 'Acme 2', tier_id: 999999 } }), 422, 'tier_id');
		r = await srv.api('GET', `/api/v2/organizations/${acme.id}`, null, { auth: agent });
		assert.equal(r.json.organization.name, 'Acme');
		r = await srv.api('PUT', `/api/v2/organizations/${acme.id}`, { organization: { tier_id: null } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.organization.tier_id, null);
		r = await srv.api('PUT', `/api/v2/organizations/${acme.id}`, { organization: { tier_id: standard.id } }, { auth: agent });
		assert.equal(r.json.organization.tier_id, standard.id);
		assert.equal((await list()).find((x) => x.id === standard.id).organizations_count, 1);
	});

	it('deleting a tier puts its people and organizations on none', async () => {
		const temp = await create({ name: 'Temporary' });
		let r = await srv.api('PUT', `/api/v2/users/${bob.id}`, { user: { tier_id: temp.id } });
		assert.equal(r.json.user.tier_id, temp.id);
		r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Shortlived', tier_id: temp.id } });
		const org = r.json.organization;
		assert.equal((await srv.api('DELETE', `${BASE}/${temp.id}`)).status, 204);
		assert.equal((await user(bob.id)).tier_id, null);
		r = await srv.api('GET', `/api/v2/organizations/${org.id}`, null, { auth: agent });
		assert.equal(r.json.organization.tier_id, null);
		assert.deepEqual(await names(), [['VIP', 1], ['Gold', 2], ['Standard', 3]]);
	});

	describe('SLA policies by tier', () => {
		let policy, orgPolicy;

		it('a VIP customer\'s ticket gets the VIP policy; a standard one does not', async () => {
			let r = await srv.api('POST', POLICIES, { sla_policy: { title: 'VIP first reply 30 min',
				filter: { all: [{ field: 'requester_tier', operator: 'is', value: vip.id }] },
				policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 30, business_hours: false }] } });
			assert.equal(r.status, 201, r.text);
			policy = r.json.sla_policy;
			const vipTicket = await srv.ticket({ subject: 'Down', body: 'All down.', priority: 'urgent' }, { auth: alice });
			const plain = await srv.ticket({ subject: 'Down too', body: 'Also down.', priority: 'urgent' }, { auth: bob });
			r = await srv.api('GET', `/api/v2/tickets/${vipTicket.id}?include=slas`, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.ticket.slas.policy, { id: policy.id, title: 'VIP first reply 30 min' });
			assert.equal(r.json.ticket.slas.policy_metrics.length, 1);
			assert.equal(r.json.ticket.slas.policy_metrics[0].metric, 'first_reply_time');
			const created = Date.parse(vipTicket.created_at);
			assert.equal(Date.parse(r.json.ticket.slas.policy_metrics[0].breach_at), created + 30 * 60 * 1000);
			r = await srv.api('GET', `/api/v2/tickets/${plain.id}?include=slas`, null, { auth: agent });
			assert.deepEqual(r.json.ticket.slas.policy_metrics, []);
		});

		it('while a policy names it a tier is not deleted: 422 naming id and the policy', async () => {
			const r = await srv.api('DELETE', `${BASE}/${vip.id}`);
			refused(r, 422, 'id');
			assert.match(r.text, /VIP first reply 30 min/);
			assert.equal((await user(alice.id)).tier_id, vip.id);
			assert.ok((await list()).some((t) => t.id === vip.id));
		});

		it('moving the customer\'s organization to VIP makes organization_tier match', async () => {
			let r = await srv.api('POST', POLICIES, { sla_policy: { title: 'VIP companies', position: 1,
				filter: { all: [{ field: 'organization_tier', operator: 'is', value: vip.id }] },
				policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 15, business_hours: false }] } });
			assert.equal(r.status, 201, r.text);
			orgPolicy = r.json.sla_policy;
			r = await srv.api('PUT', `/api/v2/users/${bob.id}`, { user: { organization_id: acme.id } });
			assert.equal(r.status, 200, r.text);
			const t = await srv.ticket({ subject: 'Printer', body: 'On fire.', priority: 'urgent' }, { auth: bob });
			const slas = async () => (await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent })).json.ticket.slas;
			assert.deepEqual((await slas()).policy_metrics, []);
			r = await srv.api('PUT', `/api/v2/organizations/${acme.id}`, { organization: { tier_id: vip.id } });
			assert.equal(r.status, 200, r.text);
			const s = await slas();
			assert.equal(s.policy_metrics.length, 1);
			assert.equal(Date.parse(s.policy_metrics[0].breach_at), Date.parse(t.created_at) + 15 * 60 * 1000);
			// its tier named by the organization policy too
			r = await srv.api('PUT', POLICIES + `/${policy.id}`, { sla_policy: {
				filter: { all: [{ field: 'tags', operator: 'includes', value: 'never' }] } } });
			assert.equal(r.status, 200, r.text);
			refused(await srv.api('DELETE', `${BASE}/${vip.id}`), 422, 'id');
			assert.equal((await srv.api('DELETE', `${POLICIES}/${orgPolicy.id}`)).status, 204);
			assert.equal((await srv.api('DELETE', `${BASE}/${vip.id}`)).status, 204);
			assert.equal((await user(alice.id)).tier_id, null);
		});
	});
});
