// Triggers (Zendesk's /api/v2/triggers): every route, every refusal with
// the field it names and nothing written, and the engine — a trigger
// firing on create and on update with its changes in the ticket's audit
// log as the desk's, each firing once per update with the cycle starting
// again from the top, a loop stopped at its limit, a rule whose group is
// gone logged and skipped without failing the customer's write, an
// internal note, and an SLA breach firing a trigger.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';

const BASE = '/api/v2/triggers';
const SYSTEM = -1;

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'], env: { FRONTLINE_SLA_TICK: '1' } });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function create(trigger) {
	const r = await srv.api('POST', BASE, { trigger });
	assert.equal(r.status, 201, r.text);
	return r.json.trigger;
}

async function list(q = '') {
	const r = await srv.api('GET', `${BASE}${q}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.count, r.json.triggers.length);
	return r.json.triggers;
}

async function removeAll() {
	for (const t of await list()) {
		const r = await srv.api('DELETE', `${BASE}/${t.id}`);
		assert.equal(r.status, 204, r.text);
	}
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function audits(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}/audits`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.audits;
}

// The events the desk wrote, in order: [field_name, value].
async function deskEvents(id) {
	return (await audits(id)).filter((a) => a.author_id === SYSTEM)
		.flatMap((a) => a.events.filter((e) => e.type !== 'Comment').map((e) => [e.field_name, e.value]));
}

async function show(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

async function update(id, ticket, auth = agent) {
	const r = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket }, { auth });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

const tagged = (tag) => ({ all: [{ field: 'current_tags', operator: 'includes', value: tag }] });

describe('the API', () => {
	after(removeAll);

	it('creates, lists by position, shows, updates and deletes', async () => {
		assert.deepEqual(await list(), []);
		const a = await create({ title: 'Urgent to the top', conditions: tagged('crud-a'),
			actions: [{ field: 'priority', value: 'urgent' }] });
		assert.equal(a.position, 1);
		assert.equal(a.active, true);
		assert.deepEqual(a.conditions, { all: [{ field: 'current_tags', operator: 'includes', value: 'crud-a' }], any: [] });
		assert.deepEqual(a.actions, [{ field: 'priority', value: 'urgent' }]);
		const b = await create({ title: 'First', position: 1, conditions: tagged('crud-b'),
			actions: [{ field: 'current_tags', value: 'seen' }] });
		assert.deepEqual((await list()).map((t) => [t.id, t.position]), [[b.id, 1], [a.id, 2]]);
		const one = await srv.api('GET', `${BASE}/${a.id}`, null, { auth: agent });
		assert.equal(one.json.trigger.title, 'Urgent to the top');
		const u = await srv.api('PUT', `${BASE}/${a.id}`, { trigger: { active: false, title: 'Off' } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.trigger.active, false);
		assert.deepEqual(u.json.trigger.actions, a.actions, 'what was left out stays');
		assert.deepEqual((await list('?active=true')).map((t) => t.id), [b.id]);
		assert.deepEqual((await list('?active=false')).map((t) => t.id), [a.id]);
		const act = await srv.api('GET', `${BASE}/active`, null, { auth: agent });
		assert.deepEqual(act.json.triggers.map((t) => t.id), [b.id]);
		const re = await srv.api('PUT', `${BASE}/reorder`, { trigger_ids: [a.id, b.id] });
		assert.equal(re.status, 200, re.text);
		assert.deepEqual(re.json.triggers.map((t) => [t.id, t.position]), [[a.id, 1], [b.id, 2]]);
		assert.equal((await srv.api('DELETE', `${BASE}/${a.id}`)).status, 204);
		assert.deepEqual((await list()).map((t) => [t.id, t.position]), [[b.id, 1]]);
		assert.equal((await srv.api('GET', `${BASE}/${a.id}`, null, { auth: agent })).status, 404);
	});

	it('agents read, admins write, end users neither', async () => {
		const body = { trigger: { title: 'x', conditions: tagged('x'), actions: [{ field: 'status', value: 'open' }] } };
		refused(await srv.api('POST', BASE, body, { auth: agent }), 403);
		refused(await srv.api('GET', BASE, null, { auth: alice }), 403);
		const t = (await list())[0];
		refused(await srv.api('PUT', `${BASE}/${t.id}`, body, { auth: agent }), 403);
		refused(await srv.api('DELETE', `${BASE}/${t.id}`, null, { auth: agent }), 403);
	});

	it('refuses bad input naming the field, and writes nothing', async () => {
		const before = await list();
		const ok = { title: 't', conditions: tagged('ok'), actions: [{ field: 'status', value: 'open' }] };
		const cases = [
			[{ ...ok, title: '' }, 'title'],
			[{ ...ok, title: 'x'.repeat(256) }, 'title'],
			[{ ...ok, conditions: { all: [], any: [] } }, 'conditions'],
			[{ ...ok, conditions: undefined }, 'conditions'],
			[{ ...ok, actions: [] }, 'actions'],
			[{ ...ok, conditions: 'all' }, 'conditions'],
			[{ ...ok, conditions: { all: [{ field: 'nonsense', operator: 'is', value: 1 }] } }, 'conditions.all[0].field'],
			[{ ...ok, conditions: { all: [tagged('a').all[0], { field: 'status', operator: 'includes', value: 'open' }] } }, 'conditions.all[1].operator'],
			[{ ...ok, conditions: { any: [{ field: 'status', operator: 'is', value: 'sleeping' }] } }, 'conditions.any[0].value'],
			[{ ...ok, conditions: { all: [{ field: 'group_id', operator: 'is', value: -5 }] } }, 'conditions.all[0].value'],
			[{ ...ok, conditions: { all: [{ field: 'group_id', operator: 'is', value: 999999 }] } }, 'conditions.all[0].value'],
			[{ ...ok, conditions: { all: [{ field: 'within_business_hours', operator: 'is', value: 424242 }] } }, 'conditions.all[0].value'],
			[{ ...ok, conditions: { all: [{ field: 'current_tags', operator: 'includes', value: 'x'.repeat(81) }] } }, 'conditions.all[0].value'],
			[{ ...ok, conditions: { all: [{ field: 'current_tags', operator: 'includes', value: Array.from({ length: 40 }, (_, i) => `t${i}`).join(' ') }] } }, 'conditions.all[0].value'],
			[{ ...ok, conditions: { all: Array.from({ length: 51 }, () => tagged('a').all[0]) } }, 'conditions.all'],
			[{ ...ok, actions: [{ field: 'explode', value: 1 }] }, 'actions[0].field'],
			[{ ...ok, actions: [{ field: 'status', value: 'open' }, { field: 'group_id', value: 999999 }] }, 'actions[1].value'],
			[{ ...ok, actions: [{ field: 'assignee_id', value: alice.id }] }, 'actions[0].value'],
			[{ ...ok, actions: [{ field: 'notification_user', value: ['requester_id', 'Hi'] }] }, 'actions[0].value'],
			[{ ...ok, actions: [{ field: 'notification_webhook', value: [1, '{}'] }] }, 'actions[0].value'],
			// an unknown placeholder, a section never closed
			[{ ...ok, actions: [{ field: 'notification_user', value: ['requester_id', 'Hi', 'Dear {{ticket.requester.shoe_size}}'] }] }, 'actions[0].value[2]'],
			[{ ...ok, actions: [{ field: 'comment_value', value: '{{#ticket.assignee.name}}Yours' }] }, 'actions[0].value'],
			[{ ...ok, actions: [{ field: 'comment_value', value: 'x'.repeat(70000) }] }, 'actions[0].value'],
			[{ ...ok, actions: Array.from({ length: 51 }, () => ({ field: 'status', value: 'open' })) }, 'actions'],
			[{ ...ok, actions: [{ field: 'status', value: "open'; DROP TABLE triggers; --" }] }, 'actions[0].value'],
		];
		for (const [trigger, field] of cases)
			refused(await srv.api('POST', BASE, { trigger }), 422, field);
		refused(await srv.api('POST', BASE, { nope: 1 }), 400);
		const t = before[0];
		refused(await srv.api('PUT', `${BASE}/${t.id}`, { trigger: { conditions: { all: [] } } }), 422, 'conditions');
		refused(await srv.api('PUT', `${BASE}/reorder`, { trigger_ids: [] }), 422, 'trigger_ids');
		refused(await srv.api('PUT', `${BASE}/reorder`, { trigger_ids: [t.id, t.id] }), 422, 'trigger_ids');
		refused(await srv.api('PUT', `${BASE}/reorder`, { trigger_ids: [987654] }), 422, 'trigger_ids');
		refused(await srv.api('GET', `${BASE}?active=maybe`, null, { auth: agent }), 422, 'active');
		refused(await srv.api('PUT', `${BASE}/987654`, { trigger: { title: 'x' } }), 404);
		assert.deepEqual(await list(), before);
	});

	it('refuses a pair of active triggers that undo each other, naming the other', async () => {
		const a = await create({ title: 'Open to pending',
			conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
			actions: [{ field: 'status', value: 'pending' }] });
		const r = await srv.api('POST', BASE, { trigger: { title: 'Pending to open',
			conditions: { all: [{ field: 'status', operator: 'is', value: 'pending' }] },
			actions: [{ field: 'status', value: 'open' }] } });
		refused(r, 422, 'actions');
		assert.match(r.json.details.actions[0].description, new RegExp(`trigger ${a.id}`));
		// tags too
		const t = await create({ title: 'Add flag', conditions: { all: [{ field: 'current_tags', operator: 'not_includes', value: 'flag' }, { field: 'current_tags', operator: 'includes', value: 'flagme' }] },
			actions: [{ field: 'current_tags', value: 'flag' }] });
		refused(await srv.api('POST', BASE, { trigger: { title: 'Drop flag', conditions: tagged('flag'),
			actions: [{ field: 'remove_tags', value: 'flag' }] } }), 422, 'actions');
		// an inactive one is not in the way
		const off = await create({ title: 'Pending to open (off)', active: false,
			conditions: { all: [{ field: 'status', operator: 'is', value: 'pending' }] },
			actions: [{ field: 'status', value: 'open' }] });
		refused(await srv.api('PUT', `${BASE}/${off.id}`, { trigger: { active: true } }), 422, 'actions');
		for (const x of [a, t, off])
			assert.equal((await srv.api('DELETE', `${BASE}/${x.id}`)).status, 204);
	});

	it('offers its definitions', async () => {
		const r = await srv.api('GET', `${BASE}/definitions`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const d = r.json.definitions;
		const status = d.conditions_all.find((c) => c.subject === 'status');
		assert.ok(status.operators.some((o) => o.value === 'value_previous'));
		assert.ok(status.values.list.some((v) => v.value === 'solved'));
		assert.ok(d.conditions_all.some((c) => c.subject === 'sla_event'));
		assert.ok(d.actions.some((a) => a.subject === 'notification_user'));
	});
});

describe('the engine', () => {
	let group;
	before(async () => {
		const g = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 2' } });
		assert.equal(g.status, 201, g.text);
		group = g.json.group;
	});
	after(removeAll);

	it('fires on create, its changes in the audit log as the desk\'s', async () => {
		const t = await create({ title: 'Outage is urgent',
			conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' },
				{ field: 'subject_includes_word', operator: 'includes', value: 'outage down' }] },
			actions: [{ field: 'priority', value: 'urgent' }, { field: 'current_tags', value: 'outage' },
				{ field: 'group_id', value: group.id }] });
		const hit = await srv.ticket({ subject: 'Everything is DOWN here' }, { auth: alice });
		const miss = await srv.ticket({ subject: 'A question on invoices' }, { auth: alice });
		const h = await show(hit.id);
		assert.equal(h.priority, 'urgent');
		assert.deepEqual(h.tags, ['outage']);
		assert.equal(h.group_id, group.id);
		const ev = await deskEvents(hit.id);
		assert.deepEqual(ev.find((e) => e[0] === 'rule'), ['rule', `Trigger ${t.id}: Outage is urgent`]);
		assert.ok(ev.some((e) => e[0] === 'priority' && e[1] === 'urgent'));
		assert.equal((await show(miss.id)).priority, null);
		assert.deepEqual(await deskEvents(miss.id), []);
		// an update does not match update_type Create
		await update(hit.id, { priority: 'low' });
		assert.equal((await show(hit.id)).priority, 'low');
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('fires on update: a word in the comment, an internal note added', async () => {
		const t = await create({ title: 'Refunds to Tier 2',
			conditions: { all: [{ field: 'comment_includes_word', operator: 'includes', value: 'refund' },
				{ field: 'role', operator: 'is', value: 'end_user' }] },
			actions: [{ field: 'group_id', value: group.id },
				{ field: 'comment_value', value: 'Refund asked: check the order first.' }] });
		const tk = await srv.ticket({ subject: 'Order 17' }, { auth: alice });
		assert.equal((await show(tk.id)).group_id, null);
		await update(tk.id, { comment: { body: 'I want a REFUND, please.' } }, alice);
		assert.equal((await show(tk.id)).group_id, group.id);
		const c = await srv.api('GET', `/api/v2/tickets/${tk.id}/comments`, null, { auth: agent });
		const note = c.json.comments.at(-1);
		assert.equal(note.body, 'Refund asked: check the order first.');
		assert.equal(note.public, false, 'a note is internal by default');
		assert.equal(note.author_id, SYSTEM);
		// the customer does not see it
		const mine = await srv.api('GET', `/api/v2/tickets/${tk.id}/comments`, null, { auth: alice });
		assert.ok(!mine.json.comments.some((x) => x.body.includes('check the order')));
		// an agent's comment with the word: role is not end_user
		const tk2 = await srv.ticket({ subject: 'Order 18' }, { auth: alice });
		await update(tk2.id, { comment: { body: 'No refund here', public: false } });
		assert.equal((await show(tk2.id)).group_id, null);
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('each fires once per update, and the cycle starts again from the top', async () => {
		// the first only matches after the second fired
		const first = await create({ title: 'c after b', conditions: tagged('cyc-b'),
			actions: [{ field: 'current_tags', value: 'cyc-c' }] });
		const second = await create({ title: 'b after a', conditions: tagged('cyc-a'),
			actions: [{ field: 'current_tags', value: 'cyc-b' }] });
		// matches every time, and would add a tag again: fires once
		const third = await create({ title: 'count', conditions: tagged('cyc-a'),
			actions: [{ field: 'current_tags', value: 'cyc-counted' }] });
		const tk = await srv.ticket({ subject: 'cycle' }, { auth: alice });
		await update(tk.id, { tags: ['cyc-a'] });
		assert.deepEqual((await show(tk.id)).tags, ['cyc-a', 'cyc-b', 'cyc-c', 'cyc-counted']);
		const rules = (await deskEvents(tk.id)).filter((e) => e[0] === 'rule').map((e) => e[1]);
		assert.deepEqual(rules, [`Trigger ${second.id}: b after a`, `Trigger ${first.id}: c after b`,
			`Trigger ${third.id}: count`]);
		// they all match again, with nothing left to change: no audit says nothing happened
		await update(tk.id, { comment: { body: 'again', public: false } });
		assert.equal((await deskEvents(tk.id)).filter((e) => e[0] === 'rule').length, 3);
		for (const x of [first, second, third])
			await srv.api('DELETE', `${BASE}/${x.id}`);
	});

	it('a trigger edited or switched off is seen at once', async () => {
		const t = await create({ title: 'hold', conditions: tagged('hold-me'),
			actions: [{ field: 'status', value: 'hold' }] });
		const a = await srv.ticket({ subject: 'hold a', tags: ['hold-me'] }, { auth: alice });
		assert.equal((await show(a.id)).status, 'hold');
		await srv.api('PUT', `${BASE}/${t.id}`, { trigger: { active: false } });
		const b = await srv.ticket({ subject: 'hold b', tags: ['hold-me'] }, { auth: alice });
		assert.equal((await show(b.id)).status, 'new');
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('stops a cycle at its limit and says why in the log', async () => {
		const made = [];
		for (let i = 0; i < 21; i++)
			made.push(await create({ title: `loop ${i}`, conditions: tagged('loop'),
				actions: [{ field: 'current_tags', value: `loop-${i}` }] }));
		const tk = await srv.ticket({ subject: 'loop' }, { auth: alice });
		await update(tk.id, { tags: ['loop'] });
		const ev = await deskEvents(tk.id);
		assert.equal(ev.filter((e) => e[0] === 'rule').length, 20);
		const stop = ev.find((e) => e[0] === 'rules_stopped');
		assert.ok(stop, JSON.stringify(ev));
		assert.match(stop[1], new RegExp(`Trigger ${made[20].id}`));
		assert.ok(!(await show(tk.id)).tags.includes('loop-20'));
		for (const x of made)
			await srv.api('DELETE', `${BASE}/${x.id}`);
	});

	it('a group gone since the trigger was saved: skipped, logged, the write stands', async () => {
		const g = await srv.api('POST', '/api/v2/groups', { group: { name: 'Short-lived' } });
		const t = await create({ title: 'To the short-lived', conditions: tagged('gone'),
			actions: [{ field: 'group_id', value: g.json.group.id }, { field: 'priority', value: 'high' }] });
		assert.equal((await srv.api('DELETE', `/api/v2/groups/${g.json.group.id}`)).status, 204);
		const tk = await srv.ticket({ subject: 'gone' }, { auth: alice });
		const u = await update(tk.id, { tags: ['gone'], comment: { body: 'hello', public: true } }, agent);
		assert.deepEqual(u.tags, ['gone']);
		const s = await show(tk.id);
		assert.equal(s.group_id, null);
		assert.equal(s.priority, 'high', 'the rest of the trigger still applies');
		const failed = (await deskEvents(tk.id)).find((e) => e[0] === 'rule_failed');
		assert.ok(failed, 'rule_failed logged');
		assert.match(failed[1], new RegExp(`Trigger ${t.id}.*group ${g.json.group.id} no longer exists`));
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('a text that renders past its cap: logged as rule_failed, the customer\'s write stands', async () => {
		// 2,000 copies of a customer's 1 KB description: 2 MB, past the
		// template's 1 MiB output
		const t = await create({ title: 'Quote it all', conditions: tagged('quote'),
			actions: [{ field: 'comment_value', value: '{{ticket.description}}'.repeat(2000) },
				{ field: 'priority', value: 'low' }] });
		const tk = await srv.ticket({ subject: 'quote', comment: { body: 'x'.repeat(1024) } }, { auth: alice });
		const u = await srv.api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { tags: ['quote'] } }, { auth: agent });
		assert.equal(u.status, 200, u.text);
		assert.equal((await show(tk.id)).priority, 'low', 'the rest of the trigger still applies');
		const failed = (await deskEvents(tk.id)).find((e) => e[0] === 'rule_failed');
		assert.ok(failed, 'rule_failed logged');
		assert.match(failed[1], new RegExp(`Trigger ${t.id}.*cannot be written`));
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('mails the assignee (queued through the message hook) and keeps the ticket\'s write', async () => {
		const t = await create({ title: 'Tell the assignee', conditions: tagged('tell'),
			actions: [{ field: 'notification_user', value: ['assignee_id', 'Ticket {{ticket.id}}', 'Look at it'] },
				{ field: 'notification_group', value: [group.id, 'Team', 'Look at it'] }] });
		const tk = await srv.ticket({ subject: 'tell', assignee_id: agent.id }, { auth: agent });
		await update(tk.id, { tags: ['tell'] });
		const ev = await deskEvents(tk.id);
		assert.deepEqual(ev.filter((e) => e[0] === 'rule'), [['rule', `Trigger ${t.id}: Tell the assignee`]]);
		assert.ok(!ev.some((e) => e[0] === 'rule_failed'));
		await srv.api('DELETE', `${BASE}/${t.id}`);
	});

	it('an SLA breach fires a trigger', async () => {
		const p = await srv.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Breachy',
			filter: { all: [{ field: 'tags', operator: 'includes', value: 'breachy' }] },
			policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }] } });
		assert.equal(p.status, 201, p.text);
		const t = await create({ title: 'Breached: escalate',
			conditions: { all: [{ field: 'sla_event', operator: 'is', value: 'breached' },
				{ field: 'sla_metric', operator: 'is', value: 'first_reply_time' }] },
			actions: [{ field: 'current_tags', value: 'escalated' }, { field: 'group_id', value: group.id }] });
		const tk = await srv.ticket({ subject: 'slow', priority: 'urgent', tags: ['breachy'] }, { auth: alice });
		assert.ok(!(await show(tk.id)).tags.includes('escalated'));
		const move = `UPDATE tickets SET created_at = created_at - 7200, updated_at = updated_at - 7200 WHERE id = ${tk.id};
			UPDATE comments SET created_at = created_at - 7200 WHERE ticket_id = ${tk.id};
			UPDATE audits SET created_at = created_at - 7200 WHERE ticket_id = ${tk.id};
			UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id = ${tk.id};`;
		await sqlOnServer(srv, srv.db
			? `BEGIN; SET LOCAL session_replication_role = replica; ${move} COMMIT;`
			: `BEGIN IMMEDIATE; DROP TRIGGER audits_append_only_u; ${move}
			   CREATE TRIGGER audits_append_only_u BEFORE UPDATE ON audits BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
			   COMMIT;`);
		const end = Date.now() + 30000;
		let s;
		while (Date.now() < end && !(s = await show(tk.id)).tags.includes('escalated'))
			await new Promise((r) => setTimeout(r, 300));
		assert.ok(s.tags.includes('escalated'), `not escalated: ${JSON.stringify(s.tags)}`);
		assert.equal(s.group_id, group.id);
		assert.ok((await deskEvents(tk.id)).some((e) => e[0] === 'rule' && e[1] === `Trigger ${t.id}: Breached: escalate`));
		await srv.api('DELETE', `${BASE}/${t.id}`);
		await srv.api('DELETE', `/api/v2/slas/policies/${p.json.sla_policy.id}`);
	});
});
