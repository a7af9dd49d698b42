// Automations (Zendesk's /api/v2/automations): every route, every refusal
// with the field it names and nothing written, and the four defaults that
// ship, each through `frontline automations run --now` (the injectable
// clock): the customer reminded after 2 business days pending — in their
// language, not before, once across passes, again after going pending
// anew; solved after 5 business days pending with a public note; closed 4
// days after solved; an unassigned urgent ticket escalated after 30
// minutes, its group's agents mailed — each in the ticket's audit log as
// the desk's, naming the automation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { runCli, sleep, sqlOnServer, startServer } from './lib/server.mjs';

const BASE = '/api/v2/automations';
const SYSTEM = -1;

let srv, agent, alice, bohdan;

before(async () => {
	// the server's own pass (at the real now) must not act on what the
	// test takes to the future by hand
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bohdan'],
		env: { FRONTLINE_AUTOMATION_TICK: '3600' } });
	({ agent, alice, bohdan } = srv.users);
	const r = await srv.api('PUT', `/api/v2/users/${alice.id}`, { user: { locale: 'uk' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => { await srv?.cleanup(); });

const at = (iso) => Date.parse(iso) / 1000;

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function list(q = '') {
	const r = await srv.api('GET', `${BASE}${q}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.count, r.json.automations.length);
	return r.json.automations;
}

// One pass at that instant. Every write of the pass is stamped with it,
// its mail too: the mail it queued falls due then, so the test brings it
// due now and waits until the server has sent (kept) it all.
async function pass(iso) {
	const r = await runCli(['automations', 'run', '--data', srv.dir, '--now', iso]);
	assert.equal(r.code, 0, r.stderr);
	await sqlOnServer(srv, `UPDATE jobs SET run_at = 0 WHERE kind = 'mail-send' AND state = 0;`);
	for (let i = 0; ; i++) {
		const left = await sqlOnServer(srv, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail-send' AND state < 2;`);
		if (Number(left.trim()) === 0)
			break;
		assert.ok(i < 200, 'the mail the pass queued is sent');
		await sleep(50);
	}
	return JSON.parse(r.stdout);
}

async function ticket(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

async function setStatus(id, status) {
	const r = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket: { status } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
}

// When the ticket entered its status, as the tests' calendar says.
async function statusSince(id, iso) {
	await sqlOnServer(srv, `UPDATE ticket_clocks SET status_at = ${at(iso)} WHERE ticket_id = ${id};`);
}

async function outbox(ticketId) {
	const r = await srv.api('GET', '/api/v2/outbox?page[size]=100');
	assert.equal(r.status, 200, r.text);
	const mine = r.json.outbox_mails.filter((m) => m.ticket_id === ticketId && m.kind === 'message');
	const out = [];
	for (const m of mine) {
		const one = await srv.api('GET', `/api/v2/outbox/${m.id}`);
		assert.equal(one.status, 200, one.text);
		out.push(one.json.outbox_mail);
	}
	return out;
}

async function deskRules(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}/audits`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.audits.filter((a) => a.author_id === SYSTEM)
		.flatMap((a) => a.events.filter((e) => e.field_name === 'rule').map((e) => e.value));
}

describe('the API', () => {
	it('ships the four defaults, active, in order; agents read them', async () => {
		const all = await list();
		assert.deepEqual(all.map((a) => [a.position, a.active]), [[1, true], [2, true], [3, true], [4, true]]);
		assert.match(all[0].title, /2 business days pending/);
		assert.deepEqual(all[0].conditions.all[1], { field: 'PENDING', operator: 'is_business_hours', value: '16' });
		assert.deepEqual((await list('/active')).map((a) => a.id), all.map((a) => a.id));
		const one = await srv.api('GET', `${BASE}/${all[2].id}`, null, { auth: agent });
		assert.equal(one.status, 200, one.text);
		assert.equal(one.json.automation.title, 'Close 4 days after solved');
	});

	it('definitions offer the time conditions, which triggers do not get', async () => {
		const r = await srv.api('GET', `${BASE}/definitions`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const pending = r.json.definitions.conditions_all.find((c) => c.subject === 'PENDING');
		assert.deepEqual(pending.operators.map((o) => o.value),
			['is', 'less_than', 'greater_than', 'is_business_hours', 'less_than_business_hours', 'greater_than_business_hours']);
		assert.ok(r.json.definitions.conditions_all.find((c) => c.subject === 'sla_breached_at'));
		assert.ok(!r.json.definitions.conditions_all.find((c) => c.subject === 'update_type'), 'a write\'s fields are not offered');
		const t = await srv.api('GET', '/api/v2/triggers/definitions', null, { auth: agent });
		assert.ok(!t.json.definitions.conditions_all.find((c) => c.subject === 'PENDING'));
	});

	it('creates, updates, reorders and deletes; hours read back as Zendesk writes them', async () => {
		const r = await srv.api('POST', BASE, { automation: { title: 'Nudge open tickets', position: 1,
			conditions: { all: [{ field: 'status', operator: 'is', value: 'open' },
				{ field: 'updated_at', operator: 'greater_than', value: 0.5 }] },
			actions: [{ field: 'status', value: 'pending' }] } });
		assert.equal(r.status, 201, r.text);
		const a = r.json.automation;
		assert.equal(a.position, 1);
		assert.deepEqual(a.conditions.all[1], { field: 'updated_at', operator: 'greater_than', value: '0.5' });
		let all = await list();
		assert.deepEqual(all.map((x) => x.position), [1, 2, 3, 4, 5]);
		assert.equal(all[0].id, a.id);

		const u = await srv.api('PUT', `${BASE}/${a.id}`, { automation: { active: false, position: 5 } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.automation.active, false);
		assert.deepEqual((await list('?active=false')).map((x) => x.id), [a.id]);
		assert.equal((await list('/active')).length, 4);

		const ids = (await list()).map((x) => x.id).reverse();
		const o = await srv.api('PUT', `${BASE}/reorder`, { automation_ids: ids });
		assert.equal(o.status, 200, o.text);
		assert.deepEqual((await list()).map((x) => x.id), ids);
		refused(await srv.api('PUT', `${BASE}/reorder`, { automation_ids: ids.slice(1) }), 422, 'automation_ids');
		refused(await srv.api('PUT', `${BASE}/reorder`, { automation_ids: [...ids.slice(1), 999999] }), 422, 'automation_ids');
		const back = await srv.api('PUT', `${BASE}/reorder`, { automation_ids: [...ids].reverse() });
		assert.equal(back.status, 200, back.text);

		assert.equal((await srv.api('DELETE', `${BASE}/${a.id}`)).status, 204);
		all = await list();
		assert.deepEqual(all.map((x) => x.position), [1, 2, 3, 4]);
		assert.equal((await srv.api('GET', `${BASE}/${a.id}`)).status, 404);
		assert.equal((await srv.api('DELETE', `${BASE}/${a.id}`)).status, 404);
		assert.equal((await srv.api('PUT', `${BASE}/${a.id}`, { automation: { title: 'x' } })).status, 404);
	});

	it('refuses what cannot work, naming the field, writing nothing', async () => {
		const before = (await list()).length;
		const status = { field: 'status', operator: 'is', value: 'open' };
		const since = (value, field = 'updated_at', operator = 'greater_than') => ({ field, operator, value });
		const close = [{ field: 'status', value: 'closed' }];
		const post = (automation, auth) => srv.api('POST', BASE, { automation }, auth ? { auth } : {});
		const ok = { title: 'Fine', conditions: { all: [status, since('24')] }, actions: close };

		// agents read, they do not write
		refused(await post(ok, agent), 403);
		refused(await post({ ...ok, title: '' }), 422, 'title');
		refused(await post({ ...ok, title: 'x'.repeat(256) }), 422, 'title');
		// no clock: it would act on every ticket it matches at once
		refused(await post({ ...ok, conditions: { all: [status] } }), 422, 'conditions');
		refused(await post({ ...ok, conditions: null }), 422, 'conditions');
		refused(await post({ ...ok, actions: [] }), 422, 'actions');
		// nothing it does undoes what it asks for: it would act on every pass
		refused(await post({ ...ok, conditions: { all: [status, since('24', 'created_at')] },
			actions: [{ field: 'notification_user', value: ['requester_id', 'Hi', 'Still there?'] }] }), 422, 'actions');
		refused(await post({ ...ok, conditions: { all: [since('24', 'created_at'), { field: 'current_tags', operator: 'includes', value: 'vip' }] },
			actions: [{ field: 'current_tags', value: 'vip' }] }), 422, 'actions');
		// a comment sets updated_at back to zero, which keeps "less than 2
		// hours" true: it would comment (and mail) at every pass
		refused(await post({ ...ok, conditions: { all: [status, since('2', 'updated_at', 'less_than')] },
			actions: [{ field: 'comment_value', value: 'Any news?' }, { field: 'comment_mode_is_public', value: true }] }), 422, 'actions');
		// a nullified condition in "any" leaves the others that may hold
		refused(await post({ ...ok, conditions: { all: [status], any: [since('24'), since('48', 'created_at')] },
			actions: [{ field: 'comment_value', value: 'Any news?' }] }), 422, 'actions');
		// hours that are not hours
		for (const bad of ['-1', 'abc', '', '1e9', '87661', 'NaN', null, [], {}, '12 hours'])
			refused(await post({ ...ok, conditions: { all: [status, since(bad)] } }), 422, 'conditions.all[1].value');
		refused(await post({ ...ok, conditions: { all: [status, { field: 'PENDING', operator: 'within', value: '1' }] } }), 422, 'conditions.all[1].operator');
		refused(await post({ ...ok, conditions: { all: [status, { field: 'FOREVER', operator: 'is', value: '1' }] } }), 422, 'conditions.all[1].field');
		// what a write says is for triggers; time for automations
		refused(await post({ ...ok, conditions: { all: [since('1'), { field: 'status', operator: 'changed' }] } }), 422, 'conditions.all[1].operator');
		refused(await post({ ...ok, conditions: { all: [since('1'), { field: 'update_type', operator: 'is', value: 'Change' }] } }), 422, 'conditions.all[1].operator');
		refused(await srv.api('POST', '/api/v2/triggers', { trigger: { title: 'T', conditions: { all: [since('1', 'PENDING')] }, actions: close } }),
			422, 'conditions.all[0].operator');
		// what it names must exist
		refused(await post({ ...ok, actions: [...close, { field: 'notification_group', value: [987654, 'S', 'B'] }] }), 422, 'actions[1].value');
		refused(await post({ ...ok, actions: [{ field: 'assignee_id', value: 987654 }] }), 422, 'actions[0].value');
		// an unknown placeholder in its mail
		refused(await post({ ...ok, actions: [...close, { field: 'notification_user', value: ['requester_id', 'S', '{{dc.nope}}'] }] }), 422, 'actions[1].value[2]');
		refused(await srv.api('POST', BASE, { automations: ok }), 400);
		assert.equal((await list()).length, before, 'nothing written');
	});
});

describe('the tickets\' clocks', () => {
	it('a new ticket writes none; its first change starts them from the creation, then moves what changed', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Clocks', comment: { body: 'x' },
			requester_id: alice.id, assignee_id: agent.id } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		const t = r.json.ticket;
		const row = () => sqlOnServer(srv, `SELECT status_at, assigned_at, requester_updated_at, assignee_updated_at
			FROM ticket_clocks WHERE ticket_id = ${t.id};`);
		assert.equal((await row()).trim(), '', 'no row for a new ticket');
		const created = at(t.created_at);
		// an hour on, the assignee sets it pending: the status clock moves, the
		// assignment stays the creation's
		await sqlOnServer(srv, `UPDATE tickets SET created_at = created_at - 3600 WHERE id = ${t.id};`);
		await setStatus(t.id, 'pending');
		const [status, assigned, requester, assignee] = (await row()).trim().split('|').map(Number);
		assert.ok(status >= created, `status clock ${status} moved to the change`);
		assert.equal(assigned, created - 3600, 'assigned at the creation');
		assert.equal(requester, 0, 'filed by the agent, not the requester');
		assert.ok(assignee >= created, 'the assignee wrote');
	});
});

describe('the defaults, through the clock', () => {
	it('reminds the customer after 2 business days pending, in their language, once a window', async () => {
		const t = await srv.ticket({ subject: 'Printer', body: 'It jams' }, { auth: alice });
		await setStatus(t.id, 'pending');
		// pending from Monday 09:00 UTC (no schedule: Monday–Friday 09–17 UTC)
		await statusSince(t.id, '2027-01-04T09:00:00Z');
		// Tuesday 16:59: 15.98 business hours
		await pass('2027-01-05T16:59:00Z');
		assert.deepEqual(await outbox(t.id), []);
		// Wednesday 09:30: 16.5
		await pass('2027-01-06T09:30:00Z');
		let mails = await outbox(t.id);
		assert.equal(mails.length, 1);
		assert.deepEqual(mails[0].to, [alice.email]);
		assert.equal(mails[0].subject, `[#${t.id}] Ми чекаємо на вашу відповідь`);
		assert.match(mails[0].text, /Ми досі чекаємо на вашу відповідь/);
		// a second pass in the same hour: the window has had its reminder
		const again = await pass('2027-01-06T09:45:00Z');
		assert.ok(again.tickets >= 1, JSON.stringify(again));
		assert.equal((await outbox(t.id)).length, 1);
		assert.deepEqual(await deskRules(t.id), ['Automation 1: Remind the customer after 2 business days pending']);

		// the customer answers, the agent asks again: a new window
		await setStatus(t.id, 'open');
		await setStatus(t.id, 'pending');
		await statusSince(t.id, '2027-01-11T09:00:00Z');
		await pass('2027-01-13T09:10:00Z');
		mails = await outbox(t.id);
		assert.equal(mails.length, 2);
		assert.equal((await ticket(t.id)).status, 'pending');
	});

	it('speaks English to a customer whose language is not set', async () => {
		const t = await srv.ticket({ subject: 'Bill', body: 'Too high' }, { auth: bohdan });
		await setStatus(t.id, 'pending');
		await statusSince(t.id, '2027-02-01T09:00:00Z');
		await pass('2027-02-03T09:30:00Z');
		const mails = await outbox(t.id);
		assert.equal(mails.length, 1);
		assert.equal(mails[0].subject, `[#${t.id}] We are waiting for your reply`);
	});

	it('solves after 5 business days pending, with a public note in the customer\'s language', async () => {
		const t = await srv.ticket({ subject: 'Scanner', body: 'No scans' }, { auth: alice });
		await setStatus(t.id, 'pending');
		await statusSince(t.id, '2027-03-01T09:00:00Z');
		// Friday 16:00: 39 business hours
		await pass('2027-03-05T16:00:00Z');
		assert.equal((await ticket(t.id)).status, 'pending');
		// Monday 10:00: 41
		await pass('2027-03-08T10:00:00Z');
		assert.equal((await ticket(t.id)).status, 'solved');
		assert.deepEqual(await deskRules(t.id), ['Automation 2: Solve after 5 business days pending']);
		const c = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`, null, { auth: agent });
		const note = c.json.comments.at(-1);
		assert.equal(note.author_id, SYSTEM);
		assert.equal(note.public, true);
		assert.match(note.body, /п’ять робочих днів/);
	});

	it('closes 4 days after solved', async () => {
		const t = await srv.ticket({ subject: 'Mouse', body: 'Broken' }, { auth: alice });
		await setStatus(t.id, 'solved');
		await statusSince(t.id, '2027-04-05T12:00:00Z');
		await pass('2027-04-09T11:00:00Z'); // 95 hours
		assert.equal((await ticket(t.id)).status, 'solved');
		await pass('2027-04-09T13:00:00Z'); // 97 hours
		assert.equal((await ticket(t.id)).status, 'closed');
		assert.deepEqual(await deskRules(t.id), ['Automation 3: Close 4 days after solved']);
	});

	it('escalates an unassigned urgent ticket after 30 minutes: tagged, its group\'s agents mailed', async () => {
		const g = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 1' } });
		assert.equal(g.status, 201, g.text);
		const m = await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: agent.id, group_id: g.json.group.id } });
		assert.equal(m.status, 201, m.text);
		const t = await srv.ticket({ subject: 'Down', body: 'Everything is down', priority: 'urgent', requester_id: alice.id,
			group_id: g.json.group.id });
		const created = at(t.created_at);
		const iso = (s) => new Date((created + s) * 1000).toISOString();
		await pass(iso(29 * 60));
		assert.ok(!(await ticket(t.id)).tags.includes('escalated'));
		await pass(iso(31 * 60));
		const now = await ticket(t.id);
		assert.ok(now.tags.includes('escalated'), JSON.stringify(now.tags));
		assert.equal(now.priority, 'urgent');
		const mails = await outbox(t.id);
		assert.deepEqual(mails.map((x) => x.to), [[agent.email]]);
		assert.equal(mails[0].subject, `[#${t.id}] Urgent ticket waiting for an agent: Down`);
		assert.deepEqual(await deskRules(t.id), ['Automation 4: Escalate an unassigned urgent ticket after 30 minutes']);
		// the tag says it is done: later passes leave it be
		await pass(iso(3 * 3600));
		assert.equal((await outbox(t.id)).length, 1);
	});

	// last: a schedule made here becomes the desk's (the first made)
	it('counts business hours in the schedule an automation names, else in the desk\'s', async () => {
		const schedule = async (name, intervals) => {
			const r = await srv.api('POST', '/api/v2/business_hours/schedules', { schedule: { name, time_zone: 'UTC', intervals } });
			assert.equal(r.status, 201, r.text);
			return r.json.schedule.id;
		};
		// the desk's: weekdays 09–17; another every hour of the week
		await schedule('Office', [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1020 })));
		const always = await schedule('Always', [{ start_time: 0, end_time: 10080 }]);
		const rule = (named) => ({ title: named ? 'Reopen held (always)' : 'Reopen held (office)',
			conditions: { all: [{ field: 'status', operator: 'is', value: 'hold' },
				{ field: 'HOLD', operator: 'greater_than_business_hours', value: '20' },
				...(named ? [{ field: 'within_business_hours', operator: 'is', value: always }] : [])] },
			actions: [{ field: 'status', value: 'open' }] });
		const office = await srv.api('POST', BASE, { automation: rule(false) });
		assert.equal(office.status, 201, office.text);
		const t1 = await srv.ticket({ subject: 'Held 1', body: 'Wait', requester_id: alice.id });
		await setStatus(t1.id, 'hold');
		// on hold from Saturday 00:00: by Saturday 21:00, 21 hours, none of them the office's
		await statusSince(t1.id, '2027-05-01T00:00:00Z');
		await pass('2027-05-01T21:00:00Z');
		assert.equal((await ticket(t1.id)).status, 'hold');
		const named = await srv.api('POST', BASE, { automation: rule(true) });
		assert.equal(named.status, 201, named.text);
		await pass('2027-05-01T21:00:00Z');
		assert.equal((await ticket(t1.id)).status, 'open');
		assert.deepEqual(await deskRules(t1.id), [`Automation ${named.json.automation.id}: Reopen held (always)`]);
		// a schedule that is not there is refused when saved
		refused(await srv.api('POST', BASE, { automation: { ...rule(true), conditions: { all: [
			{ field: 'HOLD', operator: 'greater_than', value: '1' },
			{ field: 'within_business_hours', operator: 'is', value: 987654 }] } } }), 422, 'conditions.all[1].value');
	});

	it('the CLI refuses what it cannot read, with its usage', async () => {
		let r = await runCli(['automations', 'run', '--data', srv.dir, '--now', 'Tuesday']);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /usage: frontline automations run/);
		r = await runCli(['automations', 'walk']);
		assert.equal(r.code, 2);
		r = await runCli(['automations', '--help']);
		assert.equal(r.code, 0);
		assert.match(r.stdout, /--now/);
	});
});
