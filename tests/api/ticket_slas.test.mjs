// A ticket's SLA state (GET/PUT /api/v2/tickets/{id}?include=slas, as
// Zendesk's slas.policy_metrics): the policy a ticket matches and each of
// its targets measured now — active with its breach_at, achieved once an
// agent replies in public, paused while pending, in calendar time and in
// a schedule's business hours; nothing for a ticket no policy matches, and
// nothing for the customer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';

const POLICIES = '/api/v2/slas/policies';
const SCHEDULES = '/api/v2/business_hours/schedules';
const HOUR = 3600;

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

const secs = (iso) => Date.parse(iso) / 1000;
const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

async function schedule(name, intervals) {
	const r = await srv.api('POST', SCHEDULES, { schedule: { name, time_zone: 'Etc/UTC', intervals } });
	assert.equal(r.status, 201, r.text);
	return r.json.schedule;
}

// A policy for urgent tickets tagged `tag`.
async function policy(title, tag, policy_metrics, schedule_id) {
	const r = await srv.api('POST', POLICIES, { sla_policy: {
		title, filter: { all: [{ field: 'tags', operator: 'includes', value: tag }] },
		policy_metrics, ...(schedule_id ? { schedule_id } : {}) } });
	assert.equal(r.status, 201, r.text);
	return r.json.sla_policy;
}

// alice asks; the agent tags the ticket (no reply), answered with include=slas.
async function asked(tags) {
	const t = await srv.ticket({ subject: 'The VPN is down', body: 'Nobody can connect.', priority: 'urgent' },
		{ auth: alice });
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}?include=slas`, { ticket: { tags } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

async function slas(id, auth = agent) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}?include=slas`, null, { auth });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket.slas;
}

const metric = (s, name) => s.policy_metrics.find((m) => m.metric === name);

// The instant `seconds` of business time after `from` on a weekly UTC
// schedule (intervals in minutes from Sunday 00:00), a target met at
// closing time falling due at closing time.
function bizAdd(intervals, from, seconds) {
	const d = new Date(from * 1000);
	let week = from - (d.getUTCDay() * 86400 + d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds());
	let t = from;
	for (;; week += 7 * 86400) {
		for (const { start_time, end_time } of intervals) {
			const s = week + start_time * 60, e = week + end_time * 60;
			if (e <= t)
				continue;
			const begin = Math.max(s, t);
			if (e - begin >= seconds)
				return begin + seconds;
			seconds -= e - begin;
			t = e;
		}
	}
}

const OFFICE = [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1080 }));

describe('a ticket\'s slas', () => {
	let calendar, office, always, officeHours;

	before(async () => {
		calendar = await policy('Urgent in calendar time', 'calendar', [
			{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: false },
			{ priority: 'urgent', metric: 'requester_wait_time', target: 120, business_hours: false },
		]);
		officeHours = await schedule('Office', OFFICE);
		office = await policy('Urgent in office hours', 'office', [
			{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: true },
		], officeHours.id);
		const allWeek = await schedule('Round the clock', [{ start_time: 0, end_time: 10080 }]);
		always = await policy('Urgent round the clock', 'always', [
			{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: true },
		], allWeek.id);
	});

	it('a new urgent ticket has a first reply due an hour after it was created', async () => {
		const t = await asked(['calendar']);
		assert.deepEqual(t.slas.policy, { id: calendar.id, title: 'Urgent in calendar time' });
		const frt = metric(t.slas, 'first_reply_time');
		assert.equal(frt.stage, 'active');
		assert.equal(frt.breach_at, iso(secs(t.created_at) + HOUR));
		assert.equal(frt.business_hours, false);
		// the time left, in whole minutes rounded up: at most an hour
		const left = frt.days * 1440 + frt.hours * 60 + frt.minutes;
		assert.ok(left > 0 && left <= 60, JSON.stringify(frt));
		const rwt = metric(t.slas, 'requester_wait_time');
		assert.equal(rwt.stage, 'active');
		assert.equal(rwt.breach_at, iso(secs(t.created_at) + 2 * HOUR));
		assert.deepEqual(await slas(t.id), t.slas);
	});

	it('an agent\'s public reply achieves the first reply; an internal note does not', async () => {
		const t = await asked(['calendar']);
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}?include=slas`,
			{ ticket: { comment: { body: 'Checking the logs.', public: false } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(metric(r.json.ticket.slas, 'first_reply_time').stage, 'active');
		r = await srv.api('PUT', `/api/v2/tickets/${t.id}?include=slas`,
			{ ticket: { comment: { body: 'We restarted the VPN gateway.', public: true } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const frt = metric(r.json.ticket.slas, 'first_reply_time');
		assert.equal(frt.stage, 'achieved');
		assert.equal(frt.breach_at, null);
		assert.equal(metric(await slas(t.id), 'first_reply_time').stage, 'achieved');
	});

	it('the requester\'s wait is paused while the ticket is pending', async () => {
		const t = await asked(['calendar']);
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { status: 'pending', comment: { body: 'Which office are you in?', public: true } } },
			{ auth: agent });
		assert.equal(r.status, 200, r.text);
		const s = await slas(t.id);
		const rwt = metric(s, 'requester_wait_time');
		assert.equal(rwt.stage, 'paused');
		assert.equal(rwt.breach_at, null);
		// the customer answers: the ticket reopens and the wait runs again
		const back = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'Kyiv.' } } }, { auth: alice });
		assert.equal(back.status, 200, back.text);
		assert.equal(metric(await slas(t.id), 'requester_wait_time').stage, 'active');
	});

	it('a ticket no policy matches has no metrics', async () => {
		const t = await asked(['unrelated']);
		assert.deepEqual(t.slas, { policy_metrics: [] });
		assert.deepEqual(await slas(t.id), { policy_metrics: [] });
		// and a ticket a policy matches, but not at its priority, neither
		const low = await srv.ticket({ subject: 'A question', priority: 'low', tags: ['calendar'] });
		assert.deepEqual(await slas(low.id), { policy_metrics: [] });
	});

	it('business hours count only the schedule\'s open time', async () => {
		const t = await asked(['office']);
		assert.deepEqual(t.slas.policy, { id: office.id, title: 'Urgent in office hours' });
		const frt = metric(t.slas, 'first_reply_time');
		assert.equal(frt.business_hours, true);
		assert.equal(frt.breach_at, iso(bizAdd(OFFICE, secs(t.created_at), HOUR)));
		// a schedule open all week counts as the calendar does
		const a = await asked(['always']);
		assert.equal(a.slas.policy.id, always.id);
		assert.equal(metric(a.slas, 'first_reply_time').breach_at, iso(secs(a.created_at) + HOUR));
	});

	it('is shown only when asked for, and never to the customer', async () => {
		const t = await asked(['calendar']);
		const plain = await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: agent });
		assert.equal(plain.json.ticket.slas, undefined);
		const mine = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: alice });
		assert.equal(mine.status, 200, mine.text);
		assert.equal(mine.json.ticket.slas, undefined);
	});
});

// A promise that can no longer be measured — here a schedule whose zone the
// tz database no longer has (Debian moved the old names to tzdata-legacy) —
// must not fail the ticket's own write or read: its slas are left out.
describe('a promise that cannot be measured', () => {
	it('leaves slas out and keeps the write', async () => {
		const s = await schedule('Zone gone', OFFICE);
		await policy('Zone gone', 'zone-gone', [{ priority: 'urgent', metric: 'first_reply_time', target: 60,
			business_hours: true }], s.id);
		const sql = `UPDATE schedules SET time_zone = 'Mars/Olympus' WHERE id = ${s.id};`;
		await sqlOnServer(srv, sql);
		const t = await srv.ticket({ subject: 'Still here', body: 'Please answer.', priority: 'urgent' }, { auth: alice });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}?include=slas`,
			{ ticket: { tags: ['zone-gone'], status: 'open' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.slas, undefined);
		const again = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.json.ticket.status, 'open');
		assert.deepEqual(again.json.ticket.tags, ['zone-gone']);
	});
});

