// The dry run (POST /api/v2/triggers/dry_run): an unsaved trigger against
// the real updates of the last days — exactly the updates it would have
// fired on, with what it would have done, newest first; conditions on
// changes, comments and tags answered from the rebuilt history; nothing
// changed; history older than the window left out; a trigger that would
// not save refused naming its field; days out of range refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';

const DRY = '/api/v2/triggers/dry_run';
const DAY = 86400;

let srv, agent, alice;
let urgent, low, raised, tagged, old;

async function update(id, ticket) {
	const r = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

async function dry(trigger, days) {
	const body = { trigger };
	if (days !== undefined)
		body.days = days;
	const r = await srv.api('POST', DRY, body);
	assert.equal(r.status, 200, r.text);
	return r.json;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

// Everything a dry run could change, as text: the tickets and their audits.
async function snapshot() {
	return sqlOnServer(srv, 'SELECT t.id, t.status, t.priority, t.group_id, t.assignee_id, t.updated_at,'
		+ ' (SELECT COUNT(*) FROM audits a WHERE a.ticket_id = t.id),'
		+ ' (SELECT COUNT(*) FROM comments c WHERE c.ticket_id = t.id)'
		+ ' FROM tickets t ORDER BY t.id;'
		+ ' SELECT COUNT(*) FROM jobs;');
}

const pendingAndMail = [
	{ field: 'status', value: 'pending' },
	{ field: 'notification_user', value: ['requester_id', 'About {{ticket.id}}', 'We are on it'] },
	{ field: 'comment_value', value: 'Escalated' },
];

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	// a ticket urgent from the start, then a reply that says the printer smokes
	urgent = await srv.ticket({ subject: 'Printer on fire', priority: 'urgent' }, { auth: agent });
	await update(urgent.id, { comment: { body: 'The printer smokes now', public: true } });
	// one that stays low
	low = await srv.ticket({ subject: 'A question', priority: 'low' }, { auth: agent });
	// one made urgent by an update
	raised = await srv.ticket({ subject: 'Slow site', priority: 'normal' }, { auth: agent });
	await update(raised.id, { priority: 'urgent' });
	// one tagged vip, then untagged, then updated without the tag
	tagged = await srv.ticket({ subject: 'VIP call', tags: ['vip'] }, { auth: agent });
	await update(tagged.id, { tags: [] });
	await update(tagged.id, { priority: 'high' });
	// an urgent ticket whose whole history is 40 days old: outside a 30-day window
	const then = Math.floor(Date.now() / 1000) - 40 * DAY;
	old = 900001;
	await sqlOnServer(srv, `INSERT INTO tickets (id, subject, status, priority, channel, requester_id,`
		+ ` submitter_id, created_at, updated_at) VALUES (${old}, 'Old fire', 1, 4, 0, ${alice.id},`
		+ ` ${alice.id}, ${then}, ${then});`
		+ ` INSERT INTO audits (ticket_id, author_id, channel, created_at) VALUES (${old}, ${alice.id}, 0, ${then});`
		+ ` INSERT INTO audit_events (audit_id, kind, field, value) SELECT MAX(id), 0, 'priority', 'urgent'`
		+ ` FROM audits WHERE ticket_id = ${old};`
		+ ` INSERT INTO audit_events (audit_id, kind, field, value) SELECT MAX(id), 0, 'status', 'open'`
		+ ` FROM audits WHERE ticket_id = ${old};`);
});
after(async () => { await srv?.cleanup(); });

describe('what it would have fired on', () => {
	it('lists exactly the updates whose ticket was urgent, newest first, with what it would do', async () => {
		const before = await snapshot();
		const r = await dry({ conditions: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] },
			actions: pendingAndMail });
		// urgent: its create and its reply; raised: its update; not low, not tagged, not old
		const got = r.results.map((h) => h.ticket_id);
		assert.deepEqual(got, [raised.id, urgent.id, urgent.id]);
		assert.equal(r.count, 3);
		assert.equal(r.tickets_count, 2);
		assert.equal(r.listed, 3);
		assert.equal(r.truncated, false);
		assert.equal(r.days, 30);
		const times = r.results.map((h) => `${h.created_at}|${h.audit_id}`);
		assert.deepEqual([...times].sort().reverse(), times, 'newest first');
		const hit = r.results[0];
		assert.equal(hit.subject, 'Slow site');
		assert.deepEqual(hit.changes, [{ field: 'status', value: 'pending', previous_value: 'new' }]);
		assert.deepEqual(hit.effects.map((e) => e.action), ['notification_user', 'comment_value']);
		assert.equal(hit.effects[0].user_id, agent.id, 'the requester (the agent who filed it)');
		assert.equal(hit.effects[0].subject, 'About {{ticket.id}}');
		assert.equal(hit.effects[1].public, false);
		// nothing changed: no ticket, audit, comment or queued job
		assert.equal(await snapshot(), before);
	});

	it('answers changes from the rebuilt history: changed to urgent is the create and the raise only', async () => {
		const r = await dry({ conditions: { all: [{ field: 'priority', operator: 'value', value: 'urgent' }] },
			actions: [{ field: 'group_id', value: null }, { field: 'comment_value', value: 'x' }] });
		assert.deepEqual(r.results.map((h) => h.ticket_id), [raised.id, urgent.id]);
		const prev = await dry({ conditions: { all: [{ field: 'priority', operator: 'value_previous', value: 'normal' }] },
			actions: [{ field: 'status', value: 'solved' }] });
		assert.deepEqual(prev.results.map((h) => [h.ticket_id, h.changes[0].value]), [[raised.id, 'solved']]);
	});

	it('reads the comment of each update', async () => {
		const r = await dry({ conditions: { all: [{ field: 'comment_includes_word', operator: 'includes', value: 'smokes' }] },
			actions: [{ field: 'priority', value: 'high' }] });
		assert.equal(r.count, 1);
		assert.equal(r.results[0].ticket_id, urgent.id);
		assert.deepEqual(r.results[0].changes, [{ field: 'priority', value: 'high', previous_value: 'urgent' }]);
	});

	it('reads the tags each update saw', async () => {
		const r = await dry({ conditions: { all: [{ field: 'current_tags', operator: 'includes', value: 'vip' }] },
			actions: [{ field: 'current_tags', value: 'seen' }] });
		// the create only: the update that removed the tag and the one after see none
		assert.deepEqual(r.results.map((h) => h.ticket_id), [tagged.id]);
		assert.deepEqual(r.results[0].changes, [{ field: 'current_tags', value: ['seen'], previous_value: null }]);
	});

	it('leaves out an update that would change nothing', async () => {
		const r = await dry({ conditions: { all: [{ field: 'priority', operator: 'is', value: 'low' }] },
			actions: [{ field: 'priority', value: 'low' }] });
		assert.equal(r.count, 0);
		assert.deepEqual(r.results, []);
	});

	it('takes history older than the window when days reach it', async () => {
		const cond = { conditions: { all: [{ field: 'subject_includes_word', operator: 'includes', value: 'fire' }] },
			actions: [{ field: 'status', value: 'pending' }] };
		// the urgent ticket's create and its reply; the old one only from 41 days
		assert.deepEqual((await dry(cond, 30)).results.map((h) => h.ticket_id), [urgent.id, urgent.id]);
		assert.deepEqual((await dry(cond, 41)).results.map((h) => h.ticket_id), [urgent.id, urgent.id, old]);
		assert.equal((await dry(cond, 1)).count, 2);
	});
});

describe('refusals', () => {
	const ok = { conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
		actions: [{ field: 'status', value: 'pending' }] };

	it('refuses days out of range, naming days', async () => {
		for (const days of [0, -5, 91, 1e12, 'x', 2.5, [30]])
			refused(await srv.api('POST', DRY, { trigger: ok, days }), 422, 'days');
	});

	it('refuses a trigger that would not save, naming its field', async () => {
		refused(await srv.api('POST', DRY, { trigger: { ...ok, conditions: { all: [{ field: 'nope', operator: 'is', value: 1 }] } } }),
			422, 'conditions.all[0].field');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, conditions: { all: [{ field: 'status', operator: 'is', value: 'melted' }] } } }),
			422, 'conditions.all[0].value');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, actions: [{ field: 'group_id', value: 987654 }] } }),
			422, 'actions[0].value');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, actions: [] } }), 422, 'actions');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, conditions: { all: [], any: [] } } }), 422, 'conditions');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, actions: [{ field: 'comment_value', value: 'x'.repeat(70000) }] } }),
			422, 'actions[0].value');
		refused(await srv.api('POST', DRY, { trigger: { ...ok, conditions: { all: [{ field: 'status', operator: 'is', value: "open' OR 1=1 --" }] } } }),
			422, 'conditions.all[0].value');
		refused(await srv.api('POST', DRY, { days: 30 }), 400);
		refused(await srv.api('POST', DRY, 'not json'), 400);
	});

	it('is for admins', async () => {
		refused(await srv.api('POST', DRY, { trigger: ok }, { auth: agent }), 403);
		refused(await srv.api('POST', DRY, { trigger: ok }, { auth: alice }), 403);
		refused(await srv.api('POST', DRY, { trigger: ok }, { auth: 'anonymous' }), 401);
	});
});
