// The SLA what-if (POST /api/v2/slas/policies/simulate): the tickets of the
// last days replayed under a proposed policy or schedule. Tickets whose
// first reply came three hours after they were opened breach a 1 h target
// and meet a 4 h one; a quick one meets both; an untagged one has no
// promise either way. Every refusal names its field, nothing is written,
// and only admins may ask.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';

const POLICIES = '/api/v2/slas/policies';
const SIMULATE = '/api/v2/slas/policies/simulate';
const SCHEDULES = '/api/v2/business_hours/schedules';
const HOUR = 3600;

const frt = (target) => [{ priority: 'urgent', metric: 'first_reply_time', target, business_hours: false }];
const WHATIF = { all: [{ field: 'tags', operator: 'includes', value: 'whatif' }] };

let srv, agent, alice, current, office;
const slow = [];
let quick, untagged;

const sql = (text) => sqlOnServer(srv, text);

// An urgent ticket alice opened `ago` seconds ago that the agent has just
// answered in public. Only the ticket's creation is moved back (audits are
// append-only): a reply is owed from the ticket's creation, so its first
// reply took `ago` seconds.
async function answered(tags, ago) {
	const t = await srv.ticket({ subject: `Answered after ${ago / 60} minutes`, body: 'Help.', priority: 'urgent', tags },
		{ auth: alice });
	await sql(`UPDATE tickets SET created_at = created_at - ${ago} WHERE id = ${t.id};`);
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'Fixed.', public: true } } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return t;
}

async function simulate(body, auth) {
	const r = await srv.api('POST', SIMULATE, body, auth ? { auth } : {});
	assert.equal(r.status, 200, r.text);
	return r.json.simulation;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

const metric = (s, name) => s.metrics.find((m) => m.metric === name);

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const r = await srv.api('POST', POLICIES, { sla_policy: { title: 'Urgent within 8 hours', filter: WHATIF,
		policy_metrics: frt(480) } });
	assert.equal(r.status, 201, r.text);
	current = r.json.sla_policy;
	const s = await srv.api('POST', SCHEDULES, { schedule: { name: 'Office', time_zone: 'Etc/UTC',
		intervals: [{ start_time: 0, end_time: 10080 }] } });
	assert.equal(s.status, 201, s.text);
	office = s.json.schedule;
	for (let i = 0; i < 3; i++)
		slow.push(await answered(['whatif'], 3 * HOUR));
	quick = await answered(['whatif'], 30 * 60);
	untagged = await answered(['other'], 3 * HOUR);
});
after(async () => { await srv?.cleanup(); });

describe('the what-if', () => {
	it('a 1 h target flips the tickets answered after three hours, and only those', async () => {
		const s = await simulate({ sla_policy: { id: current.id, policy_metrics: frt(60) } });
		assert.equal(s.days, 90);
		assert.equal(s.tickets, 5);
		const m = metric(s, 'first_reply_time');
		assert.deepEqual([m.measured, m.breached_before, m.breached_after], [4, 0, 3]);
		assert.equal(s.flips_count, 3);
		assert.deepEqual(s.flips.map((f) => f.ticket_id).sort((a, b) => a - b), slow.map((t) => t.id));
		for (const f of s.flips)
			assert.deepEqual([f.metric, f.before, f.after, f.subject],
				['first_reply_time', 'achieved', 'breached', 'Answered after 180 minutes']);
		assert.deepEqual([s.no_promise_before, s.no_promise_after], [1, 1]);
		// every ticket came by the API and has no group: 4 met of 4 before, 1 of 4 after
		assert.deepEqual(s.compliance.channel, [{ id: 'api', before: 1, after: 0.25, tickets: 5 }]);
		assert.deepEqual(s.compliance.group, [{ id: null, before: 1, after: 0.25, tickets: 5 }]);
		assert.equal(s.compliance.tier.length, 1);
	});

	it('a 4 h target flips nothing', async () => {
		const s = await simulate({ sla_policy: { id: current.id, policy_metrics: frt(240) }, days: 1 });
		assert.equal(s.days, 1);
		assert.equal(s.flips_count, 0);
		assert.deepEqual(s.flips, []);
		assert.equal(metric(s, 'first_reply_time').breached_after, 0);
	});

	it('a new policy put first takes the tickets it matches; one put last takes none', async () => {
		const first = await simulate({ sla_policy: { title: 'Everything urgent in an hour', position: 1,
			policy_metrics: frt(60) } });
		// the untagged ticket gets a promise it did not have, and breaches it
		assert.equal(first.flips_count, 4);
		assert.ok(first.flips.some((f) => f.ticket_id === untagged.id && f.before === 'none' && f.after === 'breached'));
		assert.deepEqual([first.no_promise_before, first.no_promise_after], [1, 0]);
		const last = await simulate({ sla_policy: { title: 'Tagged, in an hour', filter: WHATIF,
			policy_metrics: frt(60) } });
		assert.equal(last.flips_count, 0);
	});

	it('a schedule closed all week takes away the business-hours promises', async () => {
		const r = await srv.api('PUT', `${POLICIES}/${current.id}`, { sla_policy: { schedule_id: office.id,
			policy_metrics: [{ ...frt(60)[0], business_hours: true }] } });
		assert.equal(r.status, 200, r.text);
		try {
			// open all week (as stored): the slow ones breached an hour of business time
			const open = await simulate({ schedule: { id: office.id } });
			assert.equal(metric(open, 'first_reply_time').breached_before, 3);
			assert.equal(open.flips_count, 0);
			// open one minute a week, a week away: nobody has used up an hour yet
			const closed = await simulate({ schedule: { id: office.id, intervals: [{ start_time: 0, end_time: 1 }],
				holidays: [{ name: 'Rest', start_date: '2020-01-01', end_date: '2020-01-02' }] } });
			assert.equal(metric(closed, 'first_reply_time').breached_after, 0);
			assert.equal(closed.flips_count, 3);
			assert.deepEqual(new Set(closed.flips.map((f) => f.ticket_id)), new Set(slow.map((t) => t.id)));
		} finally {
			const back = await srv.api('PUT', `${POLICIES}/${current.id}`, { sla_policy: { schedule_id: null,
				policy_metrics: frt(480) } });
			assert.equal(back.status, 200, back.text);
		}
	});

	it('writes nothing', async () => {
		await simulate({ sla_policy: { id: current.id, title: 'Renamed', position: 2, policy_metrics: frt(1) } });
		await simulate({ sla_policy: { title: 'New', policy_metrics: frt(1) } });
		const r = await srv.api('GET', POLICIES, null, { auth: agent });
		assert.deepEqual(r.json.sla_policies.map((p) => [p.id, p.title, p.policy_metrics[0].target]),
			[[current.id, 'Urgent within 8 hours', 480]]);
		const s = await srv.api('GET', `${SCHEDULES}/${office.id}`, null, { auth: agent });
		assert.deepEqual(s.json.schedule.intervals, [{ start_time: 0, end_time: 10080 }]);
	});

	it('refuses bad input, naming the field', async () => {
		const post = (body, auth) => srv.api('POST', SIMULATE, body, auth ? { auth } : {});
		const good = { id: current.id, policy_metrics: frt(60) };
		refused(await post({}), 422, 'sla_policy');
		refused(await post({ days: 30 }), 422, 'sla_policy');
		refused(await post(null), 400);
		refused(await post([1, 2]), 400);
		for (const days of [0, -1, 366, 1e12, '90', 1.5, null])
			refused(await post({ sla_policy: good, days }), 422, 'days');
		refused(await post({ sla_policy: 'everything' }), 422, 'sla_policy');
		refused(await post({ sla_policy: { id: 999999, policy_metrics: frt(60) } }), 422, 'id');
		refused(await post({ sla_policy: { id: -3 } }), 422, 'id');
		refused(await post({ sla_policy: { policy_metrics: frt(60) } }), 422, 'title');
		refused(await post({ sla_policy: { title: 'x' } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, policy_metrics: frt(0) } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, policy_metrics: frt(-60) } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, policy_metrics: frt(1e9) } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, policy_metrics: [...frt(60), ...frt(30)] } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, policy_metrics: Array(200).fill(frt(60)[0]) } }), 422, 'policy_metrics');
		refused(await post({ sla_policy: { ...good, filter: { all: [{ field: 'subject', operator: 'is', value: "'; DROP TABLE tickets; --" }] } } }), 422, 'filter');
		refused(await post({ sla_policy: { ...good, schedule_id: 424242 } }), 422, 'schedule_id');
		refused(await post({ sla_policy: { ...good, title: 'x'.repeat(300) } }), 422, 'title');
		refused(await post({ schedule: { time_zone: 'Europe/Kyiv' } }), 422, 'schedule');
		refused(await post({ schedule: { id: 424242 } }), 422, 'schedule');
		refused(await post({ schedule: { id: office.id, time_zone: 'Mars/Olympus' } }), 422, 'time_zone');
		refused(await post({ schedule: { id: office.id, intervals: [] } }), 422, 'intervals');
		refused(await post({ schedule: { id: office.id, intervals: [{ start_time: 600, end_time: 60 }] } }), 422, 'intervals');
		refused(await post({ schedule: { id: office.id, intervals: [{ start_time: -1, end_time: 60 }] } }), 422, 'intervals');
		refused(await post({ schedule: { id: office.id, holidays: [{ name: 'x', start_date: '2026-02-30', end_date: '2026-03-01' }] } }), 422, 'start_date');
		refused(await post({ schedule: { id: office.id, holidays: [{ name: 'x', start_date: '2026-03-02', end_date: '2026-03-01' }] } }), 422, 'end_date');
		refused(await post({ schedule: { id: office.id, holidays: Array(2000).fill({ name: 'x', start_date: '2026-03-02', end_date: '2026-03-02' }) } }), 422, 'holidays');
		// agents read policies but may not replay them; nobody else either
		refused(await post({ sla_policy: good }, agent), 403);
		refused(await post({ sla_policy: good }, alice), 403);
	});
});
