// SLA policies (Zendesk's /api/v2/slas/policies): every route, every
// refusal with the field it names and nothing written, the order policies
// are matched in, the definitions a filter may use, who may read and
// write, and the business-hours schedule a policy uses kept from deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/slas/policies';
const SCHEDULES = '/api/v2/business_hours/schedules';

const FIRST_REPLY_URGENT = { priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: false };
const RESOLUTION_LOW = { priority: 'low', metric: 'total_resolution', target: 2880, business_hours: false };
const VIP_FILTER = {
	all: [{ field: 'tags', operator: 'includes', value: 'vip gold' },
		{ field: 'priority', operator: 'greater_than', value: 'normal' }],
	any: [{ field: 'via', operator: 'is', value: 'email' },
		{ field: 'organization_id', operator: 'is', value: null }],
};

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function create(sla_policy) {
	const r = await srv.api('POST', BASE, { sla_policy });
	assert.equal(r.status, 201, r.text);
	return r.json.sla_policy;
}

async function list() {
	const r = await srv.api('GET', BASE, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.count, r.json.sla_policies.length);
	return r.json.sla_policies;
}

async function show(id) {
	const r = await srv.api('GET', `${BASE}/${id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.sla_policy;
}

const order = async () => (await list()).map((p) => [p.id, p.position]);

// Asserts a refusal: the status, and (for 422) that details names field.
function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

describe('policies', () => {
	it('a new desk has none', async () => {
		assert.deepEqual(await list(), []);
	});

	it('business hours need a schedule: refused while the desk has none', async () => {
		const r = await srv.api('POST', BASE, { sla_policy: { title: 'Office hours',
			policy_metrics: [{ ...FIRST_REPLY_URGENT, business_hours: true }] } });
		refused(r, 422, 'policy_metrics');
		assert.deepEqual(await list(), []);
	});

	it('creates a policy with its filter and metrics, sorted by priority and metric', async () => {
		const p = await create({ title: 'VIP — відповідь за годину', description: 'Gold customers',
			filter: VIP_FILTER, policy_metrics: [RESOLUTION_LOW,
				{ priority: 'urgent', metric: 'next_reply_time', target: 30, business_hours: false },
				FIRST_REPLY_URGENT] });
		assert.ok(p.id > 0);
		assert.equal(p.url, `${srv.base}${BASE}/${p.id}.json`);
		assert.equal(p.title, 'VIP — відповідь за годину');
		assert.equal(p.description, 'Gold customers');
		assert.equal(p.position, 1);
		assert.equal(p.schedule_id, null);
		// tags come back normalized as tickets keep them
		assert.deepEqual(p.filter, { all: [{ field: 'tags', operator: 'includes', value: 'gold vip' },
			VIP_FILTER.all[1]], any: VIP_FILTER.any });
		assert.deepEqual(p.policy_metrics, [RESOLUTION_LOW, FIRST_REPLY_URGENT,
			{ priority: 'urgent', metric: 'next_reply_time', target: 30, business_hours: false }]);
		assert.match(p.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(p.updated_at, p.created_at);
		assert.deepEqual(await show(p.id), p);
		const r = await srv.api('GET', `${BASE}.json`, null, { auth: agent });
		assert.deepEqual(r.json.sla_policies.find((x) => x.id === p.id), p);
	});

	it('a filter left out matches every ticket; a description left out is empty', async () => {
		const p = await create({ title: 'Everyone else', policy_metrics: [RESOLUTION_LOW] });
		assert.deepEqual(p.filter, { all: [], any: [] });
		assert.equal(p.description, '');
		assert.deepEqual((await show(p.id)).filter, { all: [], any: [] });
	});

	it('a new policy goes last, or where its position says, and the others move down', async () => {
		const before_ = await order();
		const last = await create({ title: 'Last', policy_metrics: [RESOLUTION_LOW] });
		assert.equal(last.position, before_.length + 1);
		const first = await create({ title: 'First', position: 1, policy_metrics: [RESOLUTION_LOW] });
		assert.equal(first.position, 1);
		assert.deepEqual(await order(), [[first.id, 1], ...before_.map(([id, pos]) => [id, pos + 1]),
			[last.id, before_.length + 2]]);
		// a position past the end is last
		const far = await create({ title: 'Far', position: 150, policy_metrics: [RESOLUTION_LOW] });
		assert.equal(far.position, before_.length + 3);
	});

	it('PUT changes what it names and keeps the rest; a position moves it', async () => {
		const p = await create({ title: 'To change', filter: VIP_FILTER, policy_metrics: [RESOLUTION_LOW] });
		const r = await srv.api('PUT', `${BASE}/${p.id}`, { sla_policy: { title: 'Changed',
			policy_metrics: [FIRST_REPLY_URGENT], position: 2 } });
		assert.equal(r.status, 200, r.text);
		const q = r.json.sla_policy;
		assert.equal(q.title, 'Changed');
		assert.deepEqual(q.policy_metrics, [FIRST_REPLY_URGENT]);
		assert.deepEqual(q.filter, p.filter);
		assert.equal(q.description, p.description);
		assert.equal(q.position, 2);
		assert.equal(q.created_at, p.created_at);
		assert.deepEqual(await show(p.id), q);
		const positions = await order();
		assert.deepEqual(positions.map(([, pos]) => pos), positions.map((_, i) => i + 1));
		assert.equal(positions[1][0], p.id);
		// the filter replaced whole; null description is empty
		const r2 = await srv.api('PUT', `${BASE}/${p.id}`, { sla_policy: { description: null,
			filter: { any: [{ field: 'type', operator: 'is', value: 'incident' }] } } });
		assert.equal(r2.status, 200, r2.text);
		assert.deepEqual(r2.json.sla_policy.filter,
			{ all: [], any: [{ field: 'type', operator: 'is', value: 'incident' }] });
		assert.equal(r2.json.sla_policy.description, '');
		assert.equal(r2.json.sla_policy.position, 2);
	});

	it('DELETE removes it and closes the gap; unknown ids are 404', async () => {
		const before_ = await order();
		const victim = before_[1][0];
		const r = await srv.api('DELETE', `${BASE}/${victim}`);
		assert.equal(r.status, 204, r.text);
		refused(await srv.api('GET', `${BASE}/${victim}`, null, { auth: agent }), 404);
		refused(await srv.api('DELETE', `${BASE}/${victim}`), 404);
		refused(await srv.api('PUT', `${BASE}/${victim}`, { sla_policy: { title: 'x' } }), 404);
		assert.deepEqual(await order(), before_.filter(([id]) => id !== victim).map(([id], i) => [id, i + 1]));
	});

	it('reorder puts every policy where the list says', async () => {
		const ids = (await list()).map((p) => p.id);
		const wanted = [...ids].reverse();
		const r = await srv.api('PUT', `${BASE}/reorder`, { sla_policy_ids: wanted });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.sla_policies.map((p) => p.id), wanted);
		assert.deepEqual(await order(), wanted.map((id, i) => [id, i + 1]));
	});

	it('reorder refuses a list that does not name every policy exactly once', async () => {
		const positions = await order();
		const ids = positions.map(([id]) => id);
		for (const bad of [ids.slice(1), [...ids, ids[0]], [ids[0], ...ids.slice(0, -1)],
			[...ids.slice(1), 999999], [], [...ids, 999999]]) {
			refused(await srv.api('PUT', `${BASE}/reorder`, { sla_policy_ids: bad }), 422, 'sla_policy_ids');
			assert.deepEqual(await order(), positions);
		}
		refused(await srv.api('PUT', `${BASE}/reorder`, {}), 422, 'sla_policy_ids');
		refused(await srv.api('PUT', `${BASE}/reorder`, { sla_policy_ids: ['1'] }), 422, 'sla_policy_ids');
		assert.deepEqual(await order(), positions);
	});

	it('definitions name the fields, operators and values a filter may use', async () => {
		const r = await srv.api('GET', `${BASE}/definitions`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const { all, any } = r.json.definitions;
		assert.deepEqual(any, all);
		const by = Object.fromEntries(all.map((d) => [d.value, d]));
		assert.deepEqual(Object.keys(by).sort(), ['assignee_id', 'entitlement', 'group_id', 'organization_id',
			'organization_tier', 'priority', 'requester_id', 'requester_tier', 'tags', 'type', 'via']);
		assert.deepEqual(by.requester_tier.values, { type: 'id', url: '/api/v2/tiers' });
		assert.deepEqual(by.organization_tier.operators.map((o) => o.value), ['is', 'is_not']);
		assert.deepEqual(by.entitlement.values.list.map((v) => v.value), ['covered', 'expired', 'none']);
		assert.equal(by.priority.title, 'Priority');
		assert.deepEqual(by.priority.operators.map((o) => o.value), ['is', 'is_not', 'less_than', 'greater_than']);
		assert.deepEqual(by.priority.values, { type: 'list', list: ['low', 'normal', 'high', 'urgent']
			.map((v) => ({ title: v, value: v })) });
		assert.deepEqual(by.tags.operators.map((o) => o.value), ['includes', 'not_includes']);
		assert.deepEqual(by.type.values.list.map((v) => v.value), ['question', 'incident', 'problem', 'task']);
		assert.ok(by.via.values.list.some((v) => v.value === 'email'));
		assert.deepEqual(by.group_id.operators.map((o) => o.value), ['is', 'is_not']);
		// every operator and value it offers is taken
		for (const d of all) {
			const value = d.values.type === 'list' ? d.values.list[0].value : d.values.type === 'text' ? 'vip' : 1;
			for (const o of d.operators) {
				const p = await create({ title: `${d.value} ${o.value}`,
					filter: { all: [{ field: d.value, operator: o.value, value }] },
					policy_metrics: [RESOLUTION_LOW] });
				assert.equal(p.filter.all[0].operator, o.value);
				assert.equal((await srv.api('DELETE', `${BASE}/${p.id}`)).status, 204);
			}
		}
	});
});

describe('refusals: 422 naming the field, nothing written', () => {
	const metric = (m) => ({ title: 'Bad', policy_metrics: [{ ...FIRST_REPLY_URGENT, ...m }] });
	const cond = (c) => ({ title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], filter: { all: [c] } });
	const cases = [
		['no title', { policy_metrics: [FIRST_REPLY_URGENT] }, 'title'],
		['a blank title', { title: '', policy_metrics: [FIRST_REPLY_URGENT] }, 'title'],
		['a title of 256 bytes', { title: 'ї'.repeat(128), policy_metrics: [FIRST_REPLY_URGENT] }, 'title'],
		['a title that is not a string', { title: 7, policy_metrics: [FIRST_REPLY_URGENT] }, 'title'],
		['no metrics', { title: 'Bad' }, 'policy_metrics'],
		['an empty list of metrics', { title: 'Bad', policy_metrics: [] }, 'policy_metrics'],
		['metrics that are not a list', { title: 'Bad', policy_metrics: FIRST_REPLY_URGENT }, 'policy_metrics'],
		['an unknown metric', metric({ metric: 'first_response_time' }), 'policy_metrics'],
		['an unknown priority', metric({ priority: 'critical' }), 'policy_metrics'],
		['no priority', metric({ priority: undefined }), 'policy_metrics'],
		['a target of 0', metric({ target: 0 }), 'policy_metrics'],
		['a negative target', metric({ target: -60 }), 'policy_metrics'],
		['a target over a year', metric({ target: 525601 }), 'policy_metrics'],
		['a target that is not whole', metric({ target: 1.5 }), 'policy_metrics'],
		['a target as text', metric({ target: '60' }), 'policy_metrics'],
		['business_hours not a boolean', metric({ business_hours: 'yes' }), 'policy_metrics'],
		['a metric twice for a priority', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT,
			{ ...FIRST_REPLY_URGENT, target: 120 }] }, 'policy_metrics'],
		['a filter that is not an object', { ...cond({}), filter: [] }, 'filter'],
		['"all" that is not a list', { ...cond({}), filter: { all: {} } }, 'filter'],
		['an unknown field', cond({ field: 'status', operator: 'is', value: 'open' }), 'filter'],
		['an unknown operator', cond({ field: 'priority', operator: 'matches', value: 'high' }), 'filter'],
		['an operator not for the field', cond({ field: 'type', operator: 'less_than', value: 'task' }), 'filter'],
		['includes on a field that is not tags', cond({ field: 'group_id', operator: 'includes', value: 1 }), 'filter'],
		['an unknown priority value', cond({ field: 'priority', operator: 'is', value: 'top' }), 'filter'],
		['an unknown channel', cond({ field: 'via', operator: 'is', value: 'pigeon' }), 'filter'],
		['an id that is not one', cond({ field: 'group_id', operator: 'is', value: 'sales' }), 'filter'],
		['no tags to include', cond({ field: 'tags', operator: 'includes', value: ' ' }), 'filter'],
		['an unknown schedule', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], schedule_id: 999999 }, 'schedule_id'],
		['a position of 0', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], position: 0 }, 'position'],
		['a negative warning', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], warning_minutes: -5 }, 'warning_minutes'],
		['a warning over a year', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], warning_minutes: 525601 },
			'warning_minutes'],
		['a warning as text', { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT], warning_minutes: '30' }, 'warning_minutes'],
		['an unknown tier in a condition', cond({ field: 'requester_tier', operator: 'is', value: 'vip' }), 'filter'],
		['an unknown coverage', cond({ field: 'entitlement', operator: 'is', value: 'gold' }), 'filter'],
	];
	for (const [what, body, field] of cases) {
		it(`refuses ${what} (422 ${field})`, async () => {
			const before_ = await list();
			refused(await srv.api('POST', BASE, { sla_policy: body }), 422, field);
			assert.deepEqual(await list(), before_);
		});
	}

	it('the condition refused is named in the description', async () => {
		const r = await srv.api('POST', BASE, { sla_policy: { title: 'Bad', policy_metrics: [FIRST_REPLY_URGENT],
			filter: { all: [], any: [{ field: 'tags', operator: 'includes', value: 'vip' },
				{ field: 'status', operator: 'is', value: 'open' }] } } });
		refused(r, 422, 'filter');
		assert.match(r.json.description + JSON.stringify(r.json.details), /filter\.any\[1\]: unknown field/);
	});

	it('a PUT that does not validate changes nothing', async () => {
		const p = await create({ title: 'Steady', filter: VIP_FILTER, policy_metrics: [FIRST_REPLY_URGENT] });
		const positions = await order();
		for (const [body, field] of [[{ title: '' }, 'title'], [{ policy_metrics: [] }, 'policy_metrics'],
			[{ title: 'New', filter: { all: [{ field: 'x', operator: 'is', value: 1 }] } }, 'filter'],
			[{ title: 'New', position: 1, schedule_id: 999999 }, 'schedule_id']]) {
			refused(await srv.api('PUT', `${BASE}/${p.id}`, { sla_policy: body }), 422, field);
			assert.deepEqual(await show(p.id), p);
			assert.deepEqual(await order(), positions);
		}
	});

	it('a body without its wrapper or not JSON is 400', async () => {
		const before_ = await list();
		refused(await srv.api('POST', BASE, { title: 'Bare', policy_metrics: [FIRST_REPLY_URGENT] }), 400);
		refused(await srv.api('POST', BASE, '{"sla_policy":'), 400);
		assert.deepEqual(await list(), before_);
	});
});

describe('schedules that policies use', () => {
	let kyiv, vilnius, p;
	before(async () => {
		const r = await srv.api('POST', SCHEDULES, { schedule: { name: 'Kyiv', time_zone: 'Europe/Kyiv' } });
		assert.equal(r.status, 201, r.text);
		kyiv = r.json.schedule;
	});

	async function deleteSchedule(id) {
		return srv.api('DELETE', `${SCHEDULES}/${id}`);
	}
	const scheduleExists = async (id) => (await srv.api('GET', `${SCHEDULES}/${id}`)).status === 200;

	it('a policy may name a schedule; business hours with none named use the first', async () => {
		p = await create({ title: 'Office hours', schedule_id: kyiv.id,
			policy_metrics: [{ ...FIRST_REPLY_URGENT, business_hours: true }] });
		assert.equal(p.schedule_id, kyiv.id);
		assert.equal(p.policy_metrics[0].business_hours, true);
		const q = await create({ title: 'Any schedule',
			policy_metrics: [{ ...RESOLUTION_LOW, business_hours: true }] });
		assert.equal(q.schedule_id, null);
		assert.equal((await srv.api('DELETE', `${BASE}/${q.id}`)).status, 204);
	});

	it('a schedule a policy names is not deleted (422 schedule)', async () => {
		const r = await deleteSchedule(kyiv.id);
		refused(r, 422, 'schedule');
		assert.match(r.json.description + JSON.stringify(r.json.details), /Office hours/);
		assert.ok(await scheduleExists(kyiv.id));
	});

	it('nor the only schedule while a policy counts business hours in "the first"', async () => {
		const r = await srv.api('PUT', `${BASE}/${p.id}`, { sla_policy: { schedule_id: null } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.sla_policy.schedule_id, null);
		refused(await deleteSchedule(kyiv.id), 422, 'schedule');
		assert.ok(await scheduleExists(kyiv.id));
		// with a second schedule, "the first" is still there after the delete
		const v = await srv.api('POST', SCHEDULES, { schedule: { name: 'Vilnius', time_zone: 'Europe/Vilnius' } });
		assert.equal(v.status, 201, v.text);
		vilnius = v.json.schedule;
		assert.equal((await deleteSchedule(kyiv.id)).status, 204);
		refused(await deleteSchedule(vilnius.id), 422, 'schedule');
		assert.ok(await scheduleExists(vilnius.id));
	});

	it('calendar-hours policies keep no schedule; without the policy it goes', async () => {
		const r = await srv.api('PUT', `${BASE}/${p.id}`, { sla_policy: { policy_metrics: [FIRST_REPLY_URGENT] } });
		assert.equal(r.status, 200, r.text);
		assert.equal((await deleteSchedule(vilnius.id)).status, 204);
		assert.equal(await scheduleExists(vilnius.id), false);
	});
});

describe('roles', () => {
	let p;
	before(async () => {
		p = await create({ title: 'Roles', policy_metrics: [FIRST_REPLY_URGENT] });
	});

	it('an agent reads every policy and the definitions', async () => {
		for (const path of [BASE, `${BASE}/${p.id}`, `${BASE}/definitions`]) {
			const r = await srv.api('GET', path, null, { auth: agent });
			assert.equal(r.status, 200, `${path}: ${r.text}`);
		}
	});

	const writes = () => [
		['POST', BASE, { sla_policy: { title: 'Mine', policy_metrics: [FIRST_REPLY_URGENT] } }],
		['PUT', `${BASE}/${p.id}`, { sla_policy: { title: 'Mine' } }],
		['PUT', `${BASE}/reorder`, { sla_policy_ids: [p.id] }],
		['DELETE', `${BASE}/${p.id}`],
	];

	it('an agent cannot write, and nothing changes', async () => {
		const before_ = await list();
		for (const [method, path, body] of writes()) {
			const r = await srv.api(method, path, body, { auth: agent });
			assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
		}
		assert.deepEqual(await list(), before_);
	});

	it('an end user can neither read nor write; anonymous is 401', async () => {
		const before_ = await list();
		const reads = [['GET', BASE], ['GET', `${BASE}/${p.id}`], ['GET', `${BASE}/definitions`]];
		for (const [method, path, body] of [...reads, ...writes()]) {
			const r = await srv.api(method, path, body, { auth: alice });
			assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
			const a = await srv.api(method, path, body, { auth: 'anonymous' });
			assert.equal(a.status, 401, `${method} ${path}: ${a.text}`);
		}
		assert.deepEqual(await list(), before_);
	});
});
