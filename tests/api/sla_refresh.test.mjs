// Each ticket's SLA kept measured (sla/refresh.h): every write measures it
// in its own transaction, lists sort by the soonest breach and carry each
// ticket's slas, the scheduler fires warnings and breaches once when time
// runs out with nobody touching the ticket, achievements and policy
// changes are logged at the write that made them, and a new policy reaches
// the tickets already open. Time is moved by backdating rows, never by
// sleeping for minutes; the scheduler looks every second here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';

const POLICIES = '/api/v2/slas/policies';

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'], env: { FRONTLINE_SLA_TICK: '1' } });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

const sql = (text) => sqlOnServer(srv, text);

async function policy(title, tag, policy_metrics, more = {}) {
	const r = await srv.api('POST', POLICIES, { sla_policy: {
		title, filter: { all: [{ field: 'tags', operator: 'includes', value: tag }] }, policy_metrics, ...more } });
	assert.equal(r.status, 201, r.text);
	return r.json.sla_policy;
}

async function asked(tags, subject = 'The printer is on fire') {
	const t = await srv.ticket({ subject, body: 'Please help.', priority: 'urgent' }, { auth: alice });
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { tags } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket;
}

async function events(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}/sla_events`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.sla_events;
}

// Moves ticket id's whole history `seconds` into the past and asks the
// scheduler to look at it now.
async function backdate(id, seconds) {
	const move = `UPDATE tickets SET created_at = created_at - ${seconds}, updated_at = updated_at - ${seconds} WHERE id = ${id};
		UPDATE comments SET created_at = created_at - ${seconds} WHERE ticket_id = ${id};
		UPDATE audits SET created_at = created_at - ${seconds} WHERE ticket_id = ${id};
		UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id = ${id};`;
	// audits are append-only by trigger: lifted for the move, in one
	// transaction the scheduler sees whole or not at all
	await sql(srv.db
		? `BEGIN; SET LOCAL session_replication_role = replica; ${move} COMMIT;`
		: `BEGIN IMMEDIATE; DROP TRIGGER audits_append_only_u; ${move}
		   CREATE TRIGGER audits_append_only_u BEFORE UPDATE ON audits BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
		   COMMIT;`);
}

async function until(what, fn, ms = 30000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() >= end) {
			// what the scheduler was doing, for whoever reads a failure
			const jobs = await srv.api('GET', '/api/v2/jobs?state=queued');
			const dead = await srv.api('GET', '/api/v2/jobs?state=dead');
			assert.fail(`gave up waiting for ${what}; queued: ${jobs.text}; dead: ${dead.text}; log: ${srv.log.slice(-2000)}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('the SLA kept with every write', () => {
	it('logs the policy chosen, and again when a change of tags chooses none', async () => {
		const p = await policy('Fire', 'fire', [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }]);
		const t = await asked(['fire']);
		let log = await events(t.id);
		assert.deepEqual(log.map((e) => [e.kind, e.policy_id, e.previous_policy_id]), [['policy', p.id, null]]);
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { tags: ['smoke'] } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		log = await events(t.id);
		assert.deepEqual(log.map((e) => [e.kind, e.policy_id, e.previous_policy_id]),
			[['policy', p.id, null], ['policy', null, p.id]]);
		// the customer has no SLA log to read
		const mine = await srv.api('GET', `/api/v2/tickets/${t.id}/sla_events`, null, { auth: alice });
		assert.equal(mine.status, 403, mine.text);
	});

	it('an agent reply in time is logged as achieved, once', async () => {
		await policy('Smoke', 'smoke-achieved', [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }]);
		const t = await asked(['smoke-achieved']);
		for (const body of ['On our way.', 'Still on our way.']) {
			const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body, public: true } } },
				{ auth: agent });
			assert.equal(r.status, 200, r.text);
		}
		const done = (await events(t.id)).filter((e) => e.kind === 'achieved');
		assert.deepEqual(done.map((e) => [e.metric, e.cycle]), [['first_reply_time', 1]]);
		// the ticket says when it was met, and the target it was met against
		const one = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent });
		const m = one.json.ticket.slas.policy_metrics[0];
		assert.equal(m.stage, 'achieved');
		assert.equal(m.target, 60);
		assert.equal(m.achieved_at, done[0].at);
	});
});

describe('the scheduler', () => {
	it('warns, then breaches, each once, with nobody touching the ticket', async () => {
		await policy('Flood', 'flood', [{ priority: 'urgent', metric: 'first_reply_time', target: 120 }],
			{ warning_minutes: 30 });
		const t = await asked(['flood']);
		// a target two hours out with a warning 30 minutes before: nothing yet
		assert.deepEqual((await events(t.id)).map((e) => e.kind), ['policy']);
		await backdate(t.id, 100 * 60); // 20 minutes left: the warning is due
		// a re-measure of every ticket passing by (another policy saved)
		// does not swallow a warning that is due
		await policy('Passing by', 'nobody-has-this', [{ priority: 'low', metric: 'first_reply_time', target: 60 }]);
		await until('the warning', async () => (await events(t.id)).some((e) => e.kind === 'warning'));
		await backdate(t.id, 30 * 60); // 10 minutes late
		const log = await until('the breach', async () => {
			const l = await events(t.id);
			return l.some((e) => e.kind === 'breached') && l;
		});
		const breach = log.find((e) => e.kind === 'breached');
		assert.equal(breach.metric, 'first_reply_time');
		// asked to look again, the scheduler fires nothing twice
		await sql(`UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id = ${t.id};`);
		await until('the look', async () =>
			(await sql(`SELECT COALESCE(next_event_at, 0) FROM ticket_slas WHERE ticket_id = ${t.id};`)).trim() !== '1');
		const again = await events(t.id);
		assert.deepEqual(again.map((e) => e.kind).sort(), ['breached', 'policy', 'warning']);
		// the single ticket agrees; in a list sorted by the next breach a
		// ticket already late and still unanswered comes first
		const one = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent });
		assert.equal(one.json.ticket.slas.policy_metrics[0].stage, 'breached');
		const list = await srv.api('GET', '/api/v2/queues/all-open/tickets?include=slas&sort_by=sla_next_breach_at&sort_order=asc',
			null, { auth: agent });
		assert.equal(list.status, 200, list.text);
		assert.equal(list.json.tickets[0].id, t.id);
		assert.equal(list.json.tickets[0].slas.policy_metrics[0].stage, 'breached');
	});
});

describe('the scheduler beside a backlog', () => {
	it('a breach is not late behind other work: the SLA has a runner of its own', async () => {
		await policy('Backlog', 'backlog', [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }]);
		const t = await asked(['backlog']);
		// the node's runner busy for a minute: twelve probes of five seconds each
		const probes = await srv.api('POST', '/api/v2/jobs/probes', { count: 12, hold_ms: 5000 });
		assert.equal(probes.status, 202, probes.text);
		await backdate(t.id, 2 * 3600);
		const started = Date.now();
		await until('the breach behind the backlog', async () =>
			(await events(t.id)).some((e) => e.kind === 'breached'), 20000);
		assert.ok(Date.now() - started < 15000, `the breach came ${Date.now() - started} ms late`);
		const queued = await srv.api('GET', '/api/v2/jobs?state=queued');
		assert.ok(queued.json.jobs.some((j) => j.kind === 'probe'), 'the backlog was still there');
	});
});

describe('lists', () => {
	it('sort by the soonest breach, tickets without one last, and carry each ticket\'s slas', async () => {
		await policy('Queue', 'queue-sla', [{ priority: 'urgent', metric: 'first_reply_time', target: 600 },
			{ priority: 'high', metric: 'first_reply_time', target: 60 }]);
		const slow = await asked(['queue-sla']);
		const none = await asked(['no-promise']);
		const quick = await srv.ticket({ subject: 'Quick', body: 'Please.', priority: 'high' }, { auth: alice });
		await srv.api('PUT', `/api/v2/tickets/${quick.id}`, { ticket: { tags: ['queue-sla'] } }, { auth: agent });
		const r = await srv.api('GET', '/api/v2/tickets?include=slas&sort_by=sla_next_breach_at&sort_order=asc&per_page=100',
			null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const ids = r.json.tickets.map((t) => t.id);
		assert.ok(ids.indexOf(quick.id) < ids.indexOf(slow.id), 'an hour comes before ten hours');
		assert.ok(ids.indexOf(slow.id) < ids.indexOf(none.id), 'no promise comes last');
		const q = r.json.tickets.find((t) => t.id === quick.id);
		assert.equal(q.slas.policy_metrics[0].metric, 'first_reply_time');
		assert.equal(q.slas.policy_metrics[0].stage, 'active');
		assert.ok(Math.abs(Date.parse(q.slas.policy_metrics[0].breach_at) - (Date.parse(q.created_at) + 3600e3)) <= 5000);
		assert.deepEqual(r.json.tickets.find((t) => t.id === none.id).slas, { policy_metrics: [] });
		// pages keep the order (keyset on the breach)
		const first = await srv.api('GET', '/api/v2/tickets?sort_by=sla_next_breach_at&per_page=1', null, { auth: agent });
		assert.equal(first.status, 200, first.text);
		// a list without include=slas is unchanged, and a customer's never has slas
		const plain = await srv.api('GET', '/api/v2/tickets?sort_by=id', null, { auth: agent });
		assert.equal(plain.json.tickets[0].slas, undefined);
		const views = await srv.api('POST', '/api/v2/views', { view: { title: 'By breach',
			all: [{ field: 'status', operator: 'less_than', value: 'solved' }],
			output: { sort_by: 'sla_next_breach_at', sort_order: 'asc' } } });
		assert.equal(views.status, 201, views.text);
		const ex = await srv.api('GET', `/api/v2/views/${views.json.view.id}/tickets?include=slas`, null, { auth: agent });
		assert.equal(ex.status, 200, ex.text);
		const vids = ex.json.tickets.map((t) => t.id);
		assert.ok(vids.indexOf(quick.id) < vids.indexOf(slow.id));
		// a customer neither sorts by the desk's promises nor sees them
		const theirs = await srv.api('GET', '/api/v2/tickets?sort_by=sla_next_breach_at&include=slas', null, { auth: alice });
		assert.ok(theirs.status === 400 || theirs.status === 403, theirs.text);
		const mine = await srv.api('GET', '/api/v2/tickets?include=slas', null, { auth: alice });
		assert.ok(mine.status !== 200 || mine.json.tickets.every((x) => x.slas === undefined), mine.text);
		const bad = await srv.api('GET', '/api/v2/tickets?sort_by=sla_next_reply', null, { auth: agent });
		assert.equal(bad.status, 400, bad.text);
		assert.match(bad.text, /sla_next_breach_at/);
	});

	it('a new policy reaches the tickets already open, quietly', async () => {
		const t = await asked(['later-sla']);
		assert.deepEqual(await events(t.id), []);
		await policy('Later', 'later-sla', [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }]);
		await until('the recompute', async () => {
			const r = await srv.api('GET', '/api/v2/tickets?include=slas&sort_by=id&sort_order=desc&per_page=100', null,
				{ auth: agent });
			return r.json.tickets.find((x) => x.id === t.id).slas.policy_metrics.length === 1;
		});
		assert.deepEqual(await events(t.id), [], 'a recompute fires nothing from the past');
	});

	it('a ticket whose late reply is long over hears nothing of it, however often a change re-measures it', async () => {
		const t = await asked(['long-over']);
		await backdate(t.id, 3 * 3600);
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'Sorry for the wait.',
			public: true }, status: 'solved' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const idle = async () => {
			const q = await srv.api('GET', '/api/v2/jobs?state=queued');
			const run = await srv.api('GET', '/api/v2/jobs?state=running');
			return ![...q.json.jobs, ...run.json.jobs].some((j) => j.kind === 'sla-recompute');
		};
		// the promise comes after the fact, then another change re-measures
		await policy('Long over', 'long-over', [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }]);
		await until('the first re-measure', async () =>
			(await sql(`SELECT count(*) FROM ticket_slas WHERE ticket_id = ${t.id};`)).trim() === '1' && idle());
		await policy('Unrelated', 'nobody-else', [{ priority: 'low', metric: 'first_reply_time', target: 60 }]);
		await new Promise((res) => setTimeout(res, 2500));
		await until('the second re-measure', idle);
		const one = await srv.api('GET', `/api/v2/tickets/${t.id}?include=slas`, null, { auth: agent });
		assert.equal(one.json.ticket.slas.policy_metrics[0].stage, 'breached');
		assert.deepEqual(await events(t.id), []);
	});
});
