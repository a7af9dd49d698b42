// Rules that open follow-up tasks (docs/rules.md, action "create_task"):
// a trigger on a bad satisfaction rating opens a task for the team lead,
// due so many hours later, and one for the ticket's assignee, once per
// rating, authored by the desk and logged on the ticket; a good rating
// opens none; a ticket with nobody assigned gets the lead's task and a
// "rule_failed" note for the other; and what a careless admin saves is
// refused with a 422 naming the part, nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { runCli, sqlOnServer, startServer } from './lib/server.mjs';

let srv, agent, lead, alice;
let nextCustomer = 1;
const now = () => Math.floor(Date.now() / 1000);
const at = (iso) => Math.floor(Date.parse(iso) / 1000);

before(async () => {
	srv = await startServer({ agents: ['agent', 'lead'], endUsers: ['alice'] });
	({ agent, lead, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function refused(r, field) {
	assert.equal(r.status, 422, r.text);
	assert.ok(r.json.details?.[field], `expected ${field} named in ${r.text}`);
}

async function customer() {
	const n = nextCustomer++;
	return srv.addUser('end-user', `Customer ${n}`, `rt${n}@example.test`);
}

async function solvedTicket(requester, assignee) {
	const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Parcel late', requester_id: requester.id,
		...(assignee ? { assignee_id: assignee.id } : {}), comment: { body: 'Where is my parcel?' } } }, { auth: agent });
	assert.equal(r.status, 201, r.text);
	const s = await srv.api('PUT', `/api/v2/tickets/${r.json.ticket.id}`, { ticket: { status: 'solved',
		comment: { body: 'Sent again.', public: true } } }, { auth: agent });
	assert.equal(s.status, 200, s.text);
	return r.json.ticket;
}

async function rate(t, who, score) {
	const r = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score } },
		{ auth: who });
	assert.equal(r.status, 200, r.text);
}

async function tasks(t) {
	const r = await srv.api('GET', `/api/v2/tickets/${t.id}/tasks`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.tasks;
}

async function events(t, field) {
	const r = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.audits.flatMap((a) => a.events.filter((e) => e.field_name === field)
		.map((e) => ({ author: a.author_id, value: e.value })));
}

describe('a trigger opens follow-up tasks', () => {
	let trigger;
	before(async () => {
		const r = await srv.api('POST', '/api/v2/triggers', { trigger: { title: 'Bad rating: the lead calls',
			conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'bad' }] },
			actions: [{ field: 'create_task', value: [lead.id, 4, 'Call {{ticket.requester.name}} about #{{ticket.id}}'] },
				{ field: 'create_task', value: ['assignee_id', null, 'Read the bad rating on #{{ticket.id}}'] }] } });
		assert.equal(r.status, 201, r.text);
		trigger = r.json.trigger;
	});
	after(async () => { await srv.api('DELETE', `/api/v2/triggers/${trigger.id}`); });

	it('reads back as it was written', async () => {
		const r = await srv.api('GET', `/api/v2/triggers/${trigger.id}`, null, { auth: agent });
		assert.deepEqual(r.json.trigger.actions, [
			{ field: 'create_task', value: [lead.id, 4, 'Call {{ticket.requester.name}} about #{{ticket.id}}'] },
			{ field: 'create_task', value: ['assignee_id', null, 'Read the bad rating on #{{ticket.id}}'] }]);
		const defs = await srv.api('GET', '/api/v2/triggers/definitions', null, { auth: agent });
		assert.ok(defs.json.definitions.actions.some((a) => a.subject === 'create_task'));
		const macro = await srv.api('GET', '/api/v2/macros/actions', null, { auth: agent });
		assert.equal(macro.status, 200, macro.text);
		assert.ok(!macro.json.actions.some((a) => a.subject === 'create_task'), 'a macro opens no task');
	});

	it('a bad rating opens the lead\'s task due in 4 hours and the assignee\'s, once; a good rating opens none', async () => {
		const c = await customer();
		const t = await solvedTicket(c, agent);
		await rate(t, c, 'good');
		assert.deepEqual(await tasks(t), [], 'a good rating opens no task');
		const from = now();
		await rate(t, c, 'bad');
		const to = now();
		let list = await tasks(t);
		assert.equal(list.length, 2, JSON.stringify(list));
		const forLead = list.find((x) => x.owner_id === lead.id), forAgent = list.find((x) => x.owner_id === agent.id);
		assert.equal(forLead.title, `Call ${c.name} about #${t.id}`);
		const due = at(forLead.due_at);
		assert.ok(due >= from + 4 * 3600 && due <= to + 4 * 3600, `due ${forLead.due_at} is 4 hours after the rating`);
		assert.equal(forLead.created_by, -1, 'authored by the desk');
		assert.match(forLead.notes, new RegExp(`Trigger ${trigger.id}`), 'the notes name the rule');
		assert.equal(forAgent.title, `Read the bad rating on #${t.id}`);
		assert.equal(forAgent.due_at, null);
		const logged = await events(t, 'task');
		assert.equal(logged.length, 2);
		assert.ok(logged.every((e) => e.author === -1));
		// the same bad rating again (its comment changed) is no new rating
		const again = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: {
			score: 'bad', comment: 'Still waiting' } }, { auth: c });
		assert.equal(again.status, 200, again.text);
		list = await tasks(t);
		assert.equal(list.length, 2, 'fired once');
		// the lead finds it among their own
		const mine = await srv.api('GET', '/api/v2/tasks?owner_id=me', null, { auth: lead });
		assert.ok(mine.json.tasks.some((x) => x.id === forLead.id));
	});

	it('a ticket with nobody assigned: the lead\'s task is opened, the other is logged as failed', async () => {
		const c = await customer();
		const t = await solvedTicket(c, agent);
		// solving assigns the solver: the assignee left since (an admin's
		// cleanup, an account merged away) is the case here
		await sqlOnServer(srv, `UPDATE tickets SET assignee_id = NULL WHERE id = ${t.id};`);
		await rate(t, c, 'bad');
		const list = await tasks(t);
		assert.deepEqual(list.map((x) => x.owner_id), [lead.id]);
		const failed = await events(t, 'rule_failed');
		assert.equal(failed.length, 1, JSON.stringify(failed));
		assert.match(failed[0].value, /no assignee/);
	});

	it('an owner no longer an agent: no task, a failed note, and the rating stands', async () => {
		const temp = await srv.addUser('agent', 'Temp Lead', 'temp-lead@example.test');
		const tr = await srv.api('POST', '/api/v2/triggers', { trigger: { title: 'Bad rating: temp',
			conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'bad' }] },
			actions: [{ field: 'create_task', value: [temp.id, 1, 'Call back'] }] } });
		assert.equal(tr.status, 201, tr.text);
		const d = await srv.api('PUT', `/api/v2/users/${temp.id}`, { user: { role: 'end-user' } });
		assert.equal(d.status, 200, d.text);
		const c = await customer();
		const t = await solvedTicket(c, agent);
		await rate(t, c, 'bad');
		assert.ok(!(await tasks(t)).some((x) => x.owner_id === temp.id));
		assert.ok((await events(t, 'rule_failed')).some((e) => /task of action 0/.test(e.value)));
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: agent });
		assert.equal(r.json.ticket.satisfaction_rating.score, 'bad');
		await srv.api('DELETE', `/api/v2/triggers/${tr.json.trigger.id}`);
	});
});

describe('an automation opens follow-up tasks', () => {
	it('a ticket pending 24 hours: a task for its assignee, due 2 hours after the pass, once a window', async () => {
		const a = await srv.api('POST', '/api/v2/automations', { automation: { title: 'Chase the pending',
			conditions: { all: [{ field: 'status', operator: 'is', value: 'pending' },
				{ field: 'PENDING', operator: 'is', value: '24' }] },
			actions: [{ field: 'create_task', value: ['assignee_id', 2, 'Chase #{{ticket.id}}'] }] } });
		assert.equal(a.status, 201, a.text);
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Waiting for the photo', requester_id: alice.id,
			assignee_id: agent.id, status: 'pending', comment: { body: 'Please send a photo.' } } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		const t = r.json.ticket;
		// pending for 24 and a half hours by the pass
		const passAt = now();
		await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'high' } }, { auth: agent });
		await sqlOnServer(srv, `UPDATE ticket_clocks SET status_at = ${passAt - 24 * 3600 - 1800} WHERE ticket_id = ${t.id};`);
		const iso = new Date(passAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		for (let i = 0; i < 2; i++) {
			const p = await runCli(['automations', 'run', '--data', srv.dir, '--now', iso]);
			assert.equal(p.code, 0, p.stderr);
		}
		const list = await tasks(t);
		assert.deepEqual(list.map((x) => [x.owner_id, x.title, at(x.due_at)]), [[agent.id, `Chase #${t.id}`, passAt + 2 * 3600]]);
		assert.match(list[0].notes, new RegExp(`Automation ${a.json.automation.id}`));
		await srv.api('DELETE', `/api/v2/automations/${a.json.automation.id}`);
	});
});

describe('what a careless admin saves', () => {
	it('is refused with a 422 naming the part, and nothing is written', async () => {
		const count = async () => (await srv.api('GET', '/api/v2/triggers', null, { auth: agent })).json.count;
		const before = await count();
		const save = (value) => srv.api('POST', '/api/v2/triggers', { trigger: { title: 'x',
			conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'bad' }] },
			actions: [{ field: 'create_task', value }] } });
		refused(await save('Call back'), 'actions[0].value');
		refused(await save([lead.id, 4]), 'actions[0].value');
		for (const owner of [99999999, alice.id, 'requester_id', 'current_user', 0, -3, '', null, '1e3', 1.5, {}])
			refused(await save([owner, 4, 'Call back']), 'actions[0].value[0]');
		for (const hours of [-1, 8761, 'abc', '1e9', 'NaN', [], {}, true, '4 hours'])
			refused(await save([lead.id, hours, 'Call back']), 'actions[0].value[1]');
		for (const title of ['', null, 42, 'Call\nback', 'x'.repeat(256), 'Call {{ticket.id'])
			refused(await save([lead.id, 4, title]), 'actions[0].value[2]');
		// a macro is applied by an agent: it opens no task
		refused(await srv.api('POST', '/api/v2/macros', { macro: { title: 'x',
			actions: [{ field: 'create_task', value: [lead.id, 4, 'Call back'] }] } }), 'actions[0].field');
		assert.equal(await count(), before);
		// half an hour, as text, and the hours' upper bound are taken
		const ok = await save([String(lead.id), '0.5', 'Call back']);
		assert.equal(ok.status, 201, ok.text);
		assert.deepEqual(ok.json.trigger.actions[0].value, [lead.id, 0.5, 'Call back']);
		await srv.api('DELETE', `/api/v2/triggers/${ok.json.trigger.id}`);
		const most = await save([lead.id, 8760, 'Call back']);
		assert.equal(most.status, 201, most.text);
		await srv.api('DELETE', `/api/v2/triggers/${most.json.trigger.id}`);
	});
});
