// SLA events with three nodes on one PostgreSQL database (the PostgreSQL
// pass only): every node's scheduler looks every second, at the same
// tickets; each ticket's breach is logged exactly once, on
// whichever node got there first, and no tick fails for good.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { PG, sleep, sqlOn, startServer } from './lib/server.mjs';

const skip = !PG && 'several nodes share a PostgreSQL database';
const TICKETS = 30;
const env = { FRONTLINE_SLA_TICK: '1' };
let nodes = [];

before(async () => {
	if (skip)
		return;
	const first = await startServer({ agents: ['agent'], endUsers: ['alice'], env });
	nodes = [first,
		await startServer({ joining: first, env }),
		await startServer({ joining: first, env })];
});
after(async () => {
	for (const n of nodes.slice().reverse())
		await n.cleanup();
});

it('three schedulers fire each ticket\'s breach once', { skip }, async () => {
	const [n1] = nodes;
	const { agent, alice } = n1.users;
	const p = await n1.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Fast', warning_minutes: 30,
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'fast' }] },
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 120 }] } });
	assert.equal(p.status, 201, p.text);
	const ids = [];
	for (let i = 0; i < TICKETS; i++) {
		const n = nodes[i % nodes.length];
		const t = await n.ticket({ subject: `Down ${i}`, body: 'Nothing works.', priority: 'urgent' }, { auth: alice });
		const r = await n.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { tags: ['fast'] } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		ids.push(t.id);
	}
	// every ticket two and a half hours old at once: its breach due for
	// every node's scheduler (a warning that comes after the breach is not
	// given)
	const list = ids.join(', ');
	await sqlOn(n1.db, `BEGIN; SET LOCAL session_replication_role = replica;
		UPDATE tickets SET created_at = created_at - 9000, updated_at = updated_at - 9000 WHERE id IN (${list});
		UPDATE comments SET created_at = created_at - 9000 WHERE ticket_id IN (${list});
		UPDATE audits SET created_at = created_at - 9000 WHERE ticket_id IN (${list});
		UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id IN (${list}); COMMIT;`);
	const end = Date.now() + 60_000;
	let counts;
	for (;;) {
		counts = (await sqlOn(n1.db, `SELECT kind, count(*) FROM sla_events WHERE ticket_id IN (${list})
			GROUP BY kind ORDER BY kind`)).trim();
		if (counts === `breached|${TICKETS}\npolicy|${TICKETS}` || Date.now() > end)
			break;
		await sleep(250);
	}
	// a few more looks by every node change nothing
	await sleep(3000);
	const again = (await sqlOn(n1.db, `SELECT kind, count(*) FROM sla_events WHERE ticket_id IN (${list})
		GROUP BY kind ORDER BY kind`)).trim();
	assert.equal(again, `breached|${TICKETS}\npolicy|${TICKETS}`);
	const dups = (await sqlOn(n1.db, `SELECT count(*) FROM (SELECT ticket_id, metric, cycle, kind FROM sla_events
		WHERE ticket_id IN (${list}) GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d`)).trim();
	assert.equal(dups, '0');
	// no scheduler run failed for good; none is left waiting to retry
	const dead = await n1.api('GET', '/api/v2/jobs?state=dead');
	assert.deepEqual(dead.json.jobs.filter((j) => j.kind.startsWith('sla')), []);
	// and each node's view of a ticket agrees
	for (const n of nodes) {
		const r = await n.api('GET', `/api/v2/tickets/${ids[0]}?include=slas`, null, { auth: agent });
		assert.equal(r.json.ticket.slas.policy_metrics[0].stage, 'breached');
	}
});
