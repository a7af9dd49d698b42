// Service contracts (entitlements, /api/v2/service_contracts): every route,
// the lists by owner, state and expiring_within_days, every refusal with
// the field it names and nothing written, who may read and write, and the
// coverage an SLA policy's "entitlement" condition selects by
// (GET /api/v2/tickets/{id}?include=slas).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/service_contracts';
const DAY = 86400_000;

let srv, agent, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'] });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

// The UTC day `n` days from today, as YYYY-MM-DD.
const day = (n = 0) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

async function create(service_contract, status = 201) {
	const r = await srv.api('POST', BASE, { service_contract });
	assert.equal(r.status, status, r.text);
	return r.json.service_contract;
}

async function list(query, path = BASE) {
	const r = await srv.api('GET', `${path}${query ? `?${query}` : ''}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json;
}

async function org(name) {
	const r = await srv.api('POST', '/api/v2/organizations', { organization: { name } });
	assert.equal(r.status, 201, r.text);
	return r.json.organization;
}

async function customer(name, email, organization_id) {
	const r = await srv.api('POST', '/api/v2/users', { user: { name, email, organization_id } });
	assert.equal(r.status, 201, r.text);
	return r.json.user;
}

// Asserts a refusal: the status, and (for 422) that details names field.
function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

describe('service contracts', () => {
	it('a person\'s warranty: created, shown, listed, with its state as of today', async () => {
		const c = await create({ user_id: alice.id, product: 'Пральна машина Bosch WAX32', level: 'standard',
			kind: 'warranty', starts_on: day(-30), ends_on: day(335), notes: 'Куплено в магазині на Хрещатику' });
		assert.ok(c.id > 0);
		assert.equal(c.url, `${srv.base}/api/v2/service_contracts/${c.id}.json`);
		assert.equal(c.user_id, alice.id);
		assert.equal(c.organization_id, null);
		assert.equal(c.product, 'Пральна машина Bosch WAX32');
		assert.equal(c.level, 'standard');
		assert.equal(c.kind, 'warranty');
		assert.equal(c.provider, '');
		assert.equal(c.starts_on, day(-30));
		assert.equal(c.ends_on, day(335));
		assert.equal(c.state, 'active');
		assert.equal(c.notes, 'Куплено в магазині на Хрещатику');
		assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const r = await srv.api('GET', `${BASE}/${c.id}`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.service_contract, c);
		const mine = await list('', `/api/v2/users/${alice.id}/service_contracts`);
		assert.deepEqual(mine.service_contracts, [c]);
		assert.equal(mine.count, 1);
		assert.deepEqual((await list(`user_id=${alice.id}`)).service_contracts, [c]);
	});

	it('an organization\'s partner contract, and the organization\'s list', async () => {
		const o = await org('UAB Šilas');
		const c = await create({ organization_id: o.id, product: 'Serverių priežiūra', level: 'premium',
			kind: 'partner', provider: 'IT Partneriai, UAB', starts_on: '2020-02-29', ends_on: '9999-12-31' });
		assert.equal(c.organization_id, o.id);
		assert.equal(c.user_id, null);
		assert.equal(c.provider, 'IT Partneriai, UAB');
		assert.equal(c.starts_on, '2020-02-29');
		assert.equal(c.ends_on, '9999-12-31');
		assert.deepEqual((await list('', `/api/v2/organizations/${o.id}/service_contracts`)).service_contracts, [c]);
		assert.deepEqual((await list(`organization_id=${o.id}`)).service_contracts, [c]);
		// the organization's contracts are not a person's
		assert.ok(!(await list(`user_id=${alice.id}`)).service_contracts.some((x) => x.id === c.id));
	});

	it('a change keeps what it does not name; a change that does not validate writes nothing', async () => {
		const c = await create({ user_id: bob.id, product: 'Ноутбук Lenovo', kind: 'contract',
			starts_on: day(-10), ends_on: day(10) });
		let r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { ends_on: day(20), level: 'gold' } });
		assert.equal(r.status, 200, r.text);
		const changed = r.json.service_contract;
		assert.equal(changed.ends_on, day(20));
		assert.equal(changed.level, 'gold');
		assert.equal(changed.product, 'Ноутбук Lenovo');
		assert.equal(changed.starts_on, day(-10));
		r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { level: 'platinum', ends_on: day(-11) } });
		refused(r, 422, 'ends_on');
		r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { level: 'platinum', organization_id: (await org('Both')).id } });
		refused(r, 422, 'user_id');
		r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { level: 'platinum', kind: 'lifetime' } });
		refused(r, 422, 'kind');
		r = await srv.api('GET', `${BASE}/${c.id}`, null, { auth: agent });
		assert.deepEqual(r.json.service_contract, changed);
		// moving it to an organization: the person's id cleared in the same change
		const o = await org('ТОВ Квітка');
		r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { user_id: null, organization_id: o.id } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.service_contract.user_id, null);
		assert.equal(r.json.service_contract.organization_id, o.id);
		assert.equal(r.json.service_contract.level, 'gold');
	});

	it('a deleted contract is gone; deleting it again is 404', async () => {
		const c = await create({ user_id: bob.id, product: 'Old TV', kind: 'warranty', starts_on: '2019-01-01', ends_on: '2020-01-01' });
		let r = await srv.api('DELETE', `${BASE}/${c.id}`);
		assert.equal(r.status, 204, r.text);
		r = await srv.api('GET', `${BASE}/${c.id}`, null, { auth: agent });
		refused(r, 404);
		r = await srv.api('DELETE', `${BASE}/${c.id}`);
		refused(r, 404);
		r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { level: 'x' } });
		refused(r, 404);
	});

	it('an organization\'s contracts go with it', async () => {
		const o = await org('Closing down Ltd');
		const c = await create({ organization_id: o.id, product: 'Support', kind: 'contract', starts_on: day(-1), ends_on: day(1) });
		const r = await srv.api('DELETE', `/api/v2/organizations/${o.id}`);
		assert.equal(r.status, 204, r.text);
		refused(await srv.api('GET', `${BASE}/${c.id}`, null, { auth: agent }), 404);
	});

	it('keeps text as given: quotes, SQL and markup are data', async () => {
		const product = `Robert'); DROP TABLE service_contracts; -- <script>alert(1)</script>`;
		const c = await create({ user_id: bob.id, product, kind: 'contract', starts_on: day(), ends_on: day() });
		assert.equal(c.product, product);
		assert.equal(c.state, 'active'); // one day, today, both ends included
		assert.equal((await list(`user_id=${bob.id}`)).service_contracts.find((x) => x.id === c.id).product, product);
	});
});

describe('lists by state and by the day they end', () => {
	let o, by;

	before(async () => {
		o = await org('Lists & Co');
		by = {};
		for (const [name, from, to] of [['in5', -100, 5], ['in20', -1, 20], ['in40', 0, 40], ['expired', -50, -1],
			['upcoming', 1, 10], ['today', -3, 0]])
			by[name] = await create({ organization_id: o.id, product: name, kind: 'contract', starts_on: day(from), ends_on: day(to) });
	});

	const ids = (j) => j.service_contracts.map((c) => c.product);

	it('states as of today', async () => {
		const q = `organization_id=${o.id}`;
		assert.deepEqual(ids(await list(`${q}&state=active`)), ['today', 'in5', 'in20', 'in40']);
		assert.deepEqual(ids(await list(`${q}&state=expired`)), ['expired']);
		assert.deepEqual(ids(await list(`${q}&state=upcoming`)), ['upcoming']);
		assert.equal(by.expired.state, 'expired');
		assert.equal(by.upcoming.state, 'upcoming');
		assert.equal(by.today.state, 'active');
		// the owner's whole list, soonest ending first
		assert.deepEqual(ids(await list(q)), ['expired', 'today', 'in5', 'upcoming', 'in20', 'in40']);
	});

	it('expiring_within_days: in force today and ending within the days, soonest first', async () => {
		const q = `organization_id=${o.id}`;
		assert.deepEqual(ids(await list(`${q}&expiring_within_days=30`)), ['today', 'in5', 'in20']);
		assert.deepEqual(ids(await list(`${q}&expiring_within_days=1`)), ['today']);
		assert.deepEqual(ids(await list(`${q}&expiring_within_days=366`)), ['today', 'in5', 'in20', 'in40']);
		assert.deepEqual(ids(await list(`${q}&expiring_within_days=30&state=expired`)), []);
		// everyone's, for the account manager: this organization's among them, in order
		const all = (await list('expiring_within_days=30&per_page=100')).service_contracts;
		const days = all.map((c) => c.ends_on);
		assert.deepEqual(days, [...days].sort());
		assert.ok(all.every((c) => c.state === 'active' && c.ends_on <= day(30)));
		assert.ok(all.some((c) => c.id === by.in20.id) && !all.some((c) => c.id === by.in40.id));
	});

	it('pages', async () => {
		const first = await list(`organization_id=${o.id}&per_page=4`);
		assert.equal(first.service_contracts.length, 4);
		assert.equal(first.count, 6);
		assert.ok(first.next_page);
		const second = await list(`organization_id=${o.id}&per_page=4&page=2`);
		assert.deepEqual(ids(second), ['in20', 'in40']);
	});

	it('refuses a list it cannot give (400 naming the argument)', async () => {
		for (const [q, field] of [['expiring_within_days=0', 'expiring_within_days'],
			['expiring_within_days=367', 'expiring_within_days'], ['expiring_within_days=-5', 'expiring_within_days'],
			['expiring_within_days=ten', 'expiring_within_days'], ['expiring_within_days=1.5', 'expiring_within_days'],
			['expiring_within_days=99999999999999999999', 'expiring_within_days'],
			['state=lapsed', 'state'], ['user_id=abc', 'user_id'], ['user_id=-1', 'user_id'],
			[`user_id=${alice.id}&organization_id=${o.id}`, 'organization_id'], ['owner=1', null]]) {
			const r = await srv.api('GET', `${BASE}?${q}`, null, { auth: agent });
			assert.equal(r.status, 400, `${q}: ${r.text}`);
			if (field)
				assert.ok(r.text.includes(field), `${q}: ${r.text}`);
		}
	});

	it('an unknown person or organization has no list (404)', async () => {
		refused(await srv.api('GET', '/api/v2/users/999999/service_contracts', null, { auth: agent }), 404);
		refused(await srv.api('GET', '/api/v2/organizations/999999/service_contracts', null, { auth: agent }), 404);
		refused(await srv.api('GET', `${BASE}/999999`, null, { auth: agent }), 404);
	});
});

describe('refusals: 422 naming the field, nothing written', () => {
	const good = () => ({ user_id: alice.id, product: 'Kettle', kind: 'warranty', starts_on: '2026-01-01', ends_on: '2026-12-31' });

	async function count() {
		return (await list('per_page=1')).count;
	}

	it('refuses every bad field', async () => {
		const o = await org('Refusals');
		const before = await count();
		const cases = [
			[{ ends_on: '2025-12-31' }, 'ends_on'],
			[{ organization_id: o.id }, 'user_id'],
			[{ user_id: null }, 'user_id'],
			[{ user_id: 999999 }, 'user_id'],
			[{ user_id: null, organization_id: 999999 }, 'organization_id'],
			[{ user_id: -3 }, 'user_id'],
			[{ user_id: 'alice' }, 'user_id'],
			[{ starts_on: '2026-02-30' }, 'starts_on'],
			[{ starts_on: '2025-02-29' }, 'starts_on'],
			[{ starts_on: '1969-12-31' }, 'starts_on'],
			[{ ends_on: '10000-01-01' }, 'ends_on'],
			[{ ends_on: '2026-1-5' }, 'ends_on'],
			[{ ends_on: '2026-12-31T00:00:00Z' }, 'ends_on'],
			[{ ends_on: 20261231 }, 'ends_on'],
			[{ starts_on: '' }, 'starts_on'],
			[{ product: 'ж'.repeat(201) }, 'product'],
			[{ product: '' }, 'product'],
			[{ product: '   ' }, 'product'],
			[{ product: null }, 'product'],
			[{ level: 'x'.repeat(65) }, 'level'],
			[{ provider: 'x'.repeat(201) }, 'provider'],
			[{ notes: 'x'.repeat(4097) }, 'notes'],
			[{ kind: 'lifetime' }, 'kind'],
			[{ kind: 1 }, 'kind'],
			[{ kind: undefined }, 'kind'],
			[{ starts_on: undefined }, 'starts_on'],
		];
		for (const [patch, field] of cases) {
			const body = { ...good(), ...patch };
			for (const k of Object.keys(body))
				if (body[k] === undefined)
					delete body[k];
			const r = await srv.api('POST', BASE, { service_contract: body });
			assert.equal(r.status, 422, `${JSON.stringify(patch)}: ${r.text}`);
			assert.ok(r.json.details?.[field], `${JSON.stringify(patch)}: expected ${field} in ${r.text}`);
		}
		refused(await srv.api('POST', BASE, { contract: good() }), 400);
		refused(await srv.api('POST', BASE, { service_contract: [good()] }), 400);
		assert.equal(await count(), before);
		// at the limits, accepted
		const c = await create({ ...good(), product: 'ж'.repeat(200), level: 'x'.repeat(64),
			provider: 'x'.repeat(200), notes: 'x'.repeat(4096), starts_on: '1970-01-01', ends_on: '9999-12-31' });
		assert.equal(c.product, 'ж'.repeat(200));
		assert.equal(c.starts_on, '1970-01-01');
	});

	it('agents read, admins write, customers neither', async () => {
		refused(await srv.api('POST', BASE, { service_contract: good() }, { auth: agent }), 403);
		const c = await create(good());
		refused(await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { level: 'x' } }, { auth: agent }), 403);
		refused(await srv.api('DELETE', `${BASE}/${c.id}`, null, { auth: agent }), 403);
		refused(await srv.api('GET', BASE, null, { auth: alice }), 403);
		refused(await srv.api('GET', `${BASE}/${c.id}`, null, { auth: alice }), 403);
		refused(await srv.api('GET', `/api/v2/users/${alice.id}/service_contracts`, null, { auth: alice }), 403);
		refused(await srv.api('GET', BASE, null, { auth: 'anonymous' }), 401);
	});

	it('a person holds at most 1000 contracts', async () => {
		const u = await customer('Collector', 'collector@example.test');
		const one = { user_id: u.id, product: 'Vase', kind: 'warranty', starts_on: '2026-01-01', ends_on: '2026-01-31' };
		for (let i = 0; i < 1000; i += 50)
			await Promise.all(Array.from({ length: 50 }, () => create(one)));
		refused(await srv.api('POST', BASE, { service_contract: one }), 422, 'service_contract');
		assert.equal((await list('per_page=1', `/api/v2/users/${u.id}/service_contracts`)).count, 1000);
		// moving another contract to that person is refused the same way
		const other = await create({ ...one, user_id: bob.id });
		refused(await srv.api('PUT', `${BASE}/${other.id}`, { service_contract: { user_id: u.id } }), 422, 'service_contract');
	});
});

describe('coverage in SLA policies ("entitlement")', () => {
	let coveredPolicy, expiredPolicy;

	async function policy(title, value) {
		const r = await srv.api('POST', '/api/v2/slas/policies', { sla_policy: {
			title, filter: { all: [{ field: 'entitlement', operator: 'is', value }] },
			policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }] } });
		assert.equal(r.status, 201, r.text);
		return r.json.sla_policy;
	}

	async function slasOf(requester_id) {
		const t = await srv.ticket({ subject: 'The boiler is leaking', priority: 'urgent', requester_id });
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		return r.json.ticket.slas;
	}

	before(async () => {
		coveredPolicy = await policy('Customers under contract', 'covered');
		expiredPolicy = await policy('Contract ran out', 'expired');
	});

	it('applies to a covered customer\'s ticket, not once the contract has run out', async () => {
		const u = await customer('Oksana Melnychuk', 'oksana@example.test');
		assert.deepEqual(await slasOf(u.id), { policy_metrics: [] });
		const c = await create({ user_id: u.id, product: 'Boiler Vaillant', kind: 'warranty', starts_on: day(-365), ends_on: day(0) });
		assert.deepEqual((await slasOf(u.id)).policy, { id: coveredPolicy.id, title: coveredPolicy.title });
		const r = await srv.api('PUT', `${BASE}/${c.id}`, { service_contract: { ends_on: day(-1) } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual((await slasOf(u.id)).policy, { id: expiredPolicy.id, title: expiredPolicy.title });
		// a contract yet to start covers nothing today
		await create({ user_id: u.id, product: 'Boiler Vaillant', kind: 'contract', starts_on: day(1), ends_on: day(366) });
		assert.deepEqual((await slasOf(u.id)).policy, { id: expiredPolicy.id, title: expiredPolicy.title });
	});

	it('is chosen for a customer whose organization holds the contract', async () => {
		const o = await org('Vilniaus šiluma');
		const u = await customer('Jonas Petraitis', 'jonas@example.test', o.id);
		assert.deepEqual(await slasOf(u.id), { policy_metrics: [] });
		await create({ organization_id: o.id, product: 'Šildymo sistema', level: 'premium', kind: 'contract',
			starts_on: day(-1), ends_on: day(30) });
		assert.deepEqual((await slasOf(u.id)).policy, { id: coveredPolicy.id, title: coveredPolicy.title });
	});
});
