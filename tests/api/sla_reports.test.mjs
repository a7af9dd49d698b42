// The SLA reports (/api/v2/slas/reports/*): compliance per policy, metric,
// group, agent, tier and channel with the tickets no promise applied to;
// median and 90th percentile of first reply and resolution times in
// business and calendar hours; the breached tickets; each as CSV too.
//
// Compliance reads what each ticket's SLA was last measured as
// (ticket_sla_metrics): the tickets are made through the API with their
// policies chosen for real, then their metrics are written outright, so
// every count below is known. The times are measured on the tickets'
// timelines: their audits are moved to known instants of the week of
// Monday 6 April 2026, whose office hours are 09:00–17:00 UTC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { authHeader, sqlOnServer, startServer } from './lib/server.mjs';

const R = '/api/v2/slas/reports';
const H = 3600;
const at = (d, h = 0, m = 0) => Math.floor(Date.UTC(2026, d[0] - 1, d[1], h, m) / 1000);
const MARCH = 'from=2026-03-02&to=2026-03-08';
const APRIL = 'from=2026-04-06&to=2026-04-12';

let srv, agent, bob, carol, alice, gold, billing, returns, pa, pb, office;
const c = {};
const T = {};

const sql = (text) => sqlOnServer(srv, text);

// Audits are append-only by trigger: lifted for the move, in one
// transaction.
const moveAudits = (move) => sql(srv.db
	? `BEGIN; SET LOCAL session_replication_role = replica; ${move} COMMIT;`
	: `BEGIN; DROP TRIGGER audits_append_only_u; ${move}
	   CREATE TRIGGER audits_append_only_u BEFORE UPDATE ON audits BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
	   COMMIT;`);

async function ok(method, p, body, opts) {
	const r = await srv.api(method, p, body, opts);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

// Waits until no recompute is queued or running: it would measure the
// tickets again over the metrics written here.
async function settled() {
	for (let i = 0; i < 150; i++) {
		const n = Number(String(await sql("SELECT COUNT(*) FROM jobs WHERE kind = 'sla-recompute' AND state IN (0, 1);")).trim());
		if (n === 0)
			return;
		await new Promise((r) => setTimeout(r, 200));
	}
	assert.fail('the recompute never ended');
}

async function ticket(fields, auth) {
	return (await ok('POST', '/api/v2/tickets', { ticket: { comment: { body: 'Help, please.' }, priority: 'urgent', ...fields } },
		auth ? { auth } : {})).ticket;
}

// A metric row as the clock would have stored it.
const row = (id, policy, metric, stage, { target = 3600, used = 0, breachAt = null, achievedAt = null } = {}) =>
	`(${id}, '${metric}', ${policy}, 0, ${target}, '${stage}', ${breachAt ?? 'NULL'}, ${achievedAt ?? 'NULL'}, ${used}, 1, ${stage === 'breached' ? 1 : 0})`;

async function get(p, auth) {
	const r = await srv.api('GET', p, null, auth ? { auth } : { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r;
}

const compliance = async (by) => (await get(`${R}/compliance?${MARCH}&by=${by}`)).json.sla_compliance;
// [key, metric, measured, achieved, breached, compliance] of each row
const counts = (rep) => rep.rows.map((x) => [x.key, x.metric, x.measured, x.achieved, x.breached, x.compliance]);

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['bob', 'carol', 'alice'] });
	({ agent, bob, carol, alice } = srv.users);
	gold = (await ok('POST', '/api/v2/tiers', { tier: { name: 'Gold' } })).tier;
	await ok('PUT', `/api/v2/users/${bob.id}`, { user: { tier_id: gold.id } });
	billing = (await ok('POST', '/api/v2/groups', { group: { name: 'Billing' } })).group;
	returns = (await ok('POST', '/api/v2/groups', { group: { name: 'Returns' } })).group;
	const frt = [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }];
	pa = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Gold promise',
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'rpa' }] }, policy_metrics: frt } })).sla_policy;
	pb = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Standard promise',
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'rpb' }] }, policy_metrics: frt } })).sla_policy;
	office = (await ok('POST', '/api/v2/business_hours/schedules', { schedule: { name: 'Office', time_zone: 'Etc/UTC' } })).schedule;
	await settled();

	// March: compliance. c8 was created before the period, c9 is deleted.
	const mk = (tag, group, requester, subject = 'Where is my refund?', assignee) => ticket({
		subject, tags: tag ? [tag] : [], group_id: group?.id, requester_id: requester.id, assignee_id: assignee?.id });
	c[1] = await mk('rpa', billing, bob, 'Refund, please', agent);
	c[2] = await mk('rpa', billing, bob, '=HYPERLINK("http://evil.example","click"), "quoted"', agent);
	c[3] = await mk('rpa', returns, carol);
	c[4] = await mk('rpb', returns, carol);
	c[5] = await mk('rpb', null, carol);
	c[6] = await mk(null, billing, bob);
	c[7] = await mk(null, returns, carol);
	c[8] = await mk('rpa', billing, bob);
	c[9] = await mk('rpa', billing, bob);
	await ok('DELETE', `/api/v2/tickets/${c[9].id}`);
	const ids = Object.values(c).map((t) => t.id).join(', ');
	const day3 = at([3, 3], 10);
	await sql(`DELETE FROM ticket_sla_metrics WHERE ticket_id IN (${ids});
		UPDATE tickets SET created_at = ${day3}, channel = 1 WHERE id IN (${ids});
		UPDATE tickets SET channel = 4 WHERE id IN (${c[4].id}, ${c[7].id});
		UPDATE tickets SET created_at = ${at([2, 20], 10)} WHERE id = ${c[8].id};
		UPDATE ticket_slas SET next_event_at = NULL WHERE ticket_id IN (${ids});
		INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
			achieved_at, used, cycles, breaches) VALUES
		${[
		row(c[1].id, pa.id, 'first_reply_time', 'achieved', { used: 600, achievedAt: day3 + 600 }),
		row(c[1].id, pa.id, 'total_resolution', 'breached', { target: 8 * H, used: 10 * H, breachAt: at([3, 4], 12) }),
		row(c[2].id, pa.id, 'first_reply_time', 'breached', { used: 2 * H, breachAt: at([3, 3], 11) }),
		row(c[3].id, pa.id, 'first_reply_time', 'achieved', { used: 60, achievedAt: day3 + 60 }),
		row(c[3].id, pa.id, 'total_resolution', 'achieved', { target: 8 * H, used: H, achievedAt: day3 + H }),
		row(c[4].id, pb.id, 'first_reply_time', 'achieved', { used: 60, achievedAt: day3 + 60 }),
		row(c[5].id, pb.id, 'first_reply_time', 'active', { used: 60, breachAt: day3 + H }),
		row(c[8].id, pa.id, 'first_reply_time', 'breached', { used: 2 * H, breachAt: at([2, 20], 11) }),
		row(c[9].id, pa.id, 'first_reply_time', 'breached', { used: 2 * H, breachAt: at([3, 3], 11) }),
	].join(',\n')};`);

	// April: times. T1 answered and solved at once; T2 answered in an
	// hour, solved the next morning; T3 asked on Friday afternoon, answered
	// on Monday; T4 never answered.
	const timed = async (name, group, steps) => {
		const t = await ticket({ subject: name }, alice);
		// a customer cannot choose the group: an agent sets it at once
		if (group)
			steps.splice(1, 0, { at: steps[0].at, change: { group_id: group.id } });
		for (const s of steps.slice(1))
			await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: s.change }, { auth: agent });
		T[name] = t;
		const moves = steps.map((s, k) => `UPDATE audits SET created_at = ${s.at} WHERE id =
			(SELECT id FROM audits WHERE ticket_id = ${t.id} ORDER BY id LIMIT 1 OFFSET ${k});`).join('\n');
		await moveAudits(`${moves} UPDATE tickets SET created_at = ${steps[0].at} WHERE id = ${t.id};`);
	};
	const reply = { comment: { body: 'On it.', public: true } };
	await timed('T1', billing, [{ at: at([4, 6], 8) }, { at: at([4, 6], 10), change: { ...reply, status: 'solved' } }]);
	await timed('T2', returns, [{ at: at([4, 6], 12) }, { at: at([4, 6], 13), change: reply },
		{ at: at([4, 7], 10), change: { status: 'solved' } }]);
	await timed('T3', billing, [{ at: at([4, 10], 16) }, { at: at([4, 13], 9, 30), change: reply }]);
	await timed('T4', billing, [{ at: at([4, 6], 9) }]);
});
after(async () => { await srv?.cleanup(); });

describe('compliance', () => {
	it('per policy: achieved ÷ measured of each metric, running metrics left out, and the tickets without a promise', async () => {
		const rep = await compliance('policy');
		assert.equal(rep.from, '2026-03-02');
		assert.equal(rep.to, '2026-03-08');
		assert.deepEqual(counts(rep), [
			[pa.id, 'first_reply_time', 3, 2, 1, 0.667],
			[pa.id, 'total_resolution', 2, 1, 1, 0.5],
			[pb.id, 'first_reply_time', 1, 1, 0, 1],
		]);
		assert.deepEqual(rep.rows.map((x) => x.name), ['Gold promise', 'Gold promise', 'Standard promise']);
		// c6 and c7: nobody forgotten, the deleted c9 and the February c8 not counted
		assert.deepEqual(rep.no_promise, [{ key: null, name: null, tickets: 2 }]);
	});

	it('per metric, group, agent, tier and channel', async () => {
		let rep = await compliance('metric');
		assert.deepEqual(counts(rep), [
			['first_reply_time', 'first_reply_time', 4, 3, 1, 0.75],
			['total_resolution', 'total_resolution', 2, 1, 1, 0.5],
		]);
		rep = await compliance('group');
		assert.deepEqual(counts(rep), [
			[billing.id, 'first_reply_time', 2, 1, 1, 0.5],
			[billing.id, 'total_resolution', 1, 0, 1, 0],
			[returns.id, 'first_reply_time', 2, 2, 0, 1],
			[returns.id, 'total_resolution', 1, 1, 0, 1],
		].sort((x, y) => x[0] - y[0]));
		assert.deepEqual(rep.no_promise.map((x) => [x.key, x.name, x.tickets]),
			[[billing.id, 'Billing', 1], [returns.id, 'Returns', 1]].sort((x, y) => x[0] - y[0]));
		rep = await compliance('agent');
		assert.deepEqual(counts(rep), [
			[null, 'first_reply_time', 2, 2, 0, 1],
			[null, 'total_resolution', 1, 1, 0, 1],
			[agent.id, 'first_reply_time', 2, 1, 1, 0.5],
			[agent.id, 'total_resolution', 1, 0, 1, 0],
		]);
		assert.equal(rep.rows[2].name, 'Agent agent');
		rep = await compliance('tier');
		assert.deepEqual(counts(rep), [
			[null, 'first_reply_time', 2, 2, 0, 1],
			[null, 'total_resolution', 1, 1, 0, 1],
			[gold.id, 'first_reply_time', 2, 1, 1, 0.5],
			[gold.id, 'total_resolution', 1, 0, 1, 0],
		]);
		assert.deepEqual(rep.no_promise, [{ key: null, name: null, tickets: 1 }, { key: gold.id, name: 'Gold', tickets: 1 }]);
		rep = await compliance('channel');
		assert.deepEqual(counts(rep), [
			['email', 'first_reply_time', 3, 2, 1, 0.667],
			['email', 'total_resolution', 2, 1, 1, 0.5],
			['chat', 'first_reply_time', 1, 1, 0, 1],
		]);
		assert.deepEqual(rep.no_promise, [{ key: 'email', name: 'email', tickets: 1 }, { key: 'chat', name: 'chat', tickets: 1 }]);
	});

	it('counts every cycle: three next replies, one late, one met, one still running', async () => {
		const t = await ticket({ subject: 'Three questions' }, alice);
		const june = at([6, 10], 10);
		await sql(`DELETE FROM ticket_sla_metrics WHERE ticket_id = ${t.id};
			UPDATE tickets SET created_at = ${june} WHERE id = ${t.id};
			UPDATE ticket_slas SET next_event_at = NULL WHERE ticket_id = ${t.id};
			INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
				achieved_at, used, cycles, breaches) VALUES
			(${t.id}, 'next_reply_time', ${pa.id}, 0, 3600, 'active', ${june + 5 * H}, NULL, 60, 3, 1);`);
		const rep = (await get(`${R}/compliance?from=2026-06-01&to=2026-06-30&by=metric`)).json.sla_compliance;
		assert.deepEqual(counts(rep), [['next_reply_time', 'next_reply_time', 2, 1, 1, 0.5]]);
	});

	it('a period with no tickets has no rows and compliance is never a division by zero', async () => {
		const rep = (await get(`${R}/compliance?from=2025-01-01&to=2025-01-31&by=group`)).json.sla_compliance;
		assert.deepEqual(rep.rows, []);
		assert.deepEqual(rep.no_promise, []);
	});

	it('as CSV: a header, the rows, the no-promise rows', async () => {
		for (const p of [`${R}/compliance.csv?${MARCH}&by=policy`, `${R}/compliance?${MARCH}&by=policy&format=csv`]) {
			const r = await get(p);
			assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
			assert.equal(r.headers.get('content-disposition'), 'attachment; filename="sla-compliance-2026-03-02-2026-03-08.csv"');
			assert.equal(r.text, 'key,name,metric,tickets,measured,achieved,breached,compliance\r\n' +
				`${pa.id},Gold promise,first_reply_time,,3,2,1,0.667\r\n` +
				`${pa.id},Gold promise,total_resolution,,2,1,1,0.500\r\n` +
				`${pb.id},Standard promise,first_reply_time,,1,1,0,1.000\r\n` +
				',,no_promise,2,,,,\r\n');
		}
	});
});

describe('times', () => {
	it('median and 90th percentile of first reply and resolution, in business and calendar hours', async () => {
		const rep = (await get(`${R}/times?${APRIL}`)).json.sla_times;
		assert.equal(rep.schedule_id, office.id);
		assert.equal(rep.tickets, 4);
		assert.equal(rep.unmeasured, 0);
		// first replies: T1 2 h (1 h of office hours: 09–10), T2 1 h (1 h),
		// T3 65.5 h (1.5 h: Friday 16–17, Monday 09–09:30); T4 none yet.
		// Business 1, 1, 1.5 h: median 1 h, p90 at 1.8 → 1 + 0.8 × 0.5 = 1.4 h.
		// Calendar 1, 2, 65.5 h: median 2 h, p90 2 + 0.8 × 63.5 = 52.8 h.
		// Resolutions: T1 2 h (1 h), T2 22 h (6 h: Monday 12–17, Tuesday
		// 09–10). Business median 3.5 h, p90 1 + 0.9 × 5 = 5.5 h; calendar
		// median 12 h, p90 2 + 0.9 × 20 = 20 h.
		assert.deepEqual(rep.metrics, [
			{ metric: 'first_reply_time', measured: 3,
				business: { median: 1 * H, p90: 1.4 * H }, calendar: { median: 2 * H, p90: 52.8 * H } },
			{ metric: 'total_resolution', measured: 2,
				business: { median: 3.5 * H, p90: 5.5 * H }, calendar: { median: 12 * H, p90: 20 * H } },
		]);
	});

	it('of one group, and of one tier; a schedule that does not exist is refused', async () => {
		let rep = (await get(`${R}/times?${APRIL}&group_id=${returns.id}`)).json.sla_times;
		assert.equal(rep.tickets, 1);
		assert.deepEqual(rep.metrics.map((m) => [m.measured, m.business?.median, m.calendar?.median]),
			[[1, H, H], [1, 6 * H, 22 * H]]);
		rep = (await get(`${R}/times?${APRIL}&tier_id=${gold.id}`)).json.sla_times;
		assert.equal(rep.tickets, 0);
		assert.deepEqual(rep.metrics.map((m) => [m.measured, m.business, m.calendar]),
			[[0, null, null], [0, null, null]]);
		const r = await srv.api('GET', `${R}/times?${APRIL}&schedule_id=999999`, null, { auth: agent });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details.schedule_id, r.text);
	});

	it('as CSV, in hours', async () => {
		const r = await get(`${R}/times.csv?${APRIL}`);
		assert.equal(r.text, 'metric,measured,median_business_hours,p90_business_hours,' +
			'median_calendar_hours,p90_calendar_hours\r\n' +
			'first_reply_time,3,1.00,1.40,2.00,52.80\r\n' +
			'total_resolution,2,3.50,5.50,12.00,20.00\r\n');
	});
});

describe('breaches', () => {
	it('lists the breached tickets newest first, in keyset pages, by metric and group', async () => {
		let r = await get(`${R}/breaches?${MARCH}`);
		const all = r.json.sla_breaches;
		assert.deepEqual(all.map((b) => [b.ticket_id, b.metric, b.breach_at, b.late]), [
			[c[1].id, 'total_resolution', '2026-03-04T12:00:00Z', 2 * H],
			[c[2].id, 'first_reply_time', '2026-03-03T11:00:00Z', H],
		]);
		assert.deepEqual(all[0].group, { id: billing.id, name: 'Billing' });
		assert.deepEqual(all[0].assignee, { id: agent.id, name: 'Agent agent' });
		assert.deepEqual(all[0].policy, { id: pa.id, name: 'Gold promise' });
		assert.equal(all[1].subject, c[2].subject);
		assert.equal(r.json.meta.has_more, false);
		// one at a time
		r = await get(`${R}/breaches?${MARCH}&page[size]=1`);
		assert.deepEqual(r.json.sla_breaches.map((b) => b.ticket_id), [c[1].id]);
		assert.equal(r.json.meta.has_more, true);
		r = await get(`${R}/breaches?${MARCH}&page[size]=1&page[after]=${r.json.meta.after_cursor}`);
		assert.deepEqual(r.json.sla_breaches.map((b) => b.ticket_id), [c[2].id]);
		assert.equal(r.json.meta.has_more, false);
		r = await get(`${R}/breaches?${MARCH}&metric=first_reply_time`);
		assert.deepEqual(r.json.sla_breaches.map((b) => b.ticket_id), [c[2].id]);
		r = await get(`${R}/breaches?${MARCH}&group_id=${returns.id}`);
		assert.deepEqual(r.json.sla_breaches, []);
	});

	it('as CSV: UTF-8 with a byte-order mark, for the spreadsheets that need it', async () => {
		const r = await fetch(`${srv.base}${R}/breaches.csv?${MARCH}`, { headers: { authorization: authHeader(agent) } });
		const bytes = Buffer.from(await r.arrayBuffer());
		assert.deepEqual([...bytes.subarray(0, 4)], [0xef, 0xbb, 0xbf, 't'.charCodeAt(0)]);
	});

	it('as CSV: quoted, and a subject that is a formula is made text', async () => {
		const r = await get(`${R}/breaches.csv?${MARCH}`);
		const lines = r.text.split('\r\n');
		assert.equal(lines[0], 'ticket_id,subject,metric,breach_at,late_seconds,business_hours,group_id,group,' +
			'assignee_id,assignee,policy_id,policy');
		assert.equal(lines[1], `${c[1].id},"Refund, please",total_resolution,2026-03-04T12:00:00Z,7200,false,` +
			`${billing.id},Billing,${agent.id},Agent agent,${pa.id},Gold promise`);
		assert.equal(lines[2], `${c[2].id},"'=HYPERLINK(""http://evil.example"",""click""), ""quoted""",first_reply_time,` +
			`2026-03-03T11:00:00Z,3600,false,${billing.id},Billing,${agent.id},Agent agent,${pa.id},Gold promise`);
		assert.equal(lines.length, 4); // and the last line's end
	});
});

describe('bad input', () => {
	const refused = async (p, status, field, auth = agent) => {
		const r = await srv.api('GET', p, null, { auth });
		assert.equal(r.status, status, `${p}: ${r.text}`);
		if (field)
			assert.ok(r.json.details?.[field], `${p}: expected ${field} in ${r.text}`);
	};

	it('names the parameter that does not read', async () => {
		await refused(`${R}/compliance?${MARCH}&by=weather`, 422, 'by');
		await refused(`${R}/compliance?${MARCH}&by=`, 422, 'by');
		await refused(`${R}/compliance?from=2026-02-30&to=2026-03-08`, 422, 'from');
		await refused(`${R}/compliance?from=2026-03-01T00:00:00Z&to=2026-03-08`, 422, 'from');
		await refused(`${R}/compliance?from=${'2026-03-01'.repeat(500)}&to=2026-03-08`, 422, 'from');
		await refused(`${R}/compliance?from=2026-03-08&to=2026-03-01`, 422, 'to');
		await refused(`${R}/compliance?from=2025-01-01&to=2026-01-02`, 422, 'to');
		await refused(`${R}/compliance?from=2025-01-01&to=not-a-day`, 422, 'to');
		await refused(`${R}/compliance?${MARCH}&format=xml`, 422, 'format');
		await refused(`${R}/compliance?${MARCH}&by=group%27%3B%20DROP%20TABLE%20tickets%3B--`, 422, 'by');
		await refused(`${R}/times?${APRIL}&group_id=-1`, 422, 'group_id');
		await refused(`${R}/times?${APRIL}&tier_id=abc`, 422, 'tier_id');
		await refused(`${R}/times?${APRIL}&group_id=99999999999999999999999`, 422, 'group_id');
		await refused(`${R}/breaches?${MARCH}&metric=1%20OR%201%3D1`, 422, 'metric');
		await refused(`${R}/breaches?${MARCH}&page[after]=garbage`, 400);
		await refused(`${R}/breaches?${MARCH}&page[size]=1000`, 400);
		await refused(`${R}/compliance?${MARCH}&sort_by=id`, 400, 'sort_by');
		// a whole year is a period
		await get(`${R}/compliance?from=2025-01-01&to=2025-12-31`);
		// the tables are all still there
		assert.equal((await compliance('policy')).rows.length, 3);
	});

	it('is for agents only', async () => {
		for (const p of [`${R}/compliance?${MARCH}`, `${R}/times?${APRIL}`, `${R}/breaches.csv?${MARCH}`])
			await refused(p, 403, null, alice);
		const r = await srv.api('GET', `${R}/compliance?${MARCH}`, null, { auth: null });
		assert.equal(r.status, 401, r.text);
	});
});

describe('after every report', () => {
	it('the server stops cleanly: nothing a report made is left behind (LeakSanitizer)', async () => {
		await srv.stop();
	});
});
