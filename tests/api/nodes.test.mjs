// Three Frontline nodes on one PostgreSQL database (the PostgreSQL pass
// only): load spread over all three, one node killed with SIGKILL in the
// middle of it. Every ticket a node acknowledged with 201 is there, any
// node answers for any ticket, live events cross nodes, and every
// background job runs exactly once: the dead node's claimed jobs are taken
// by the others once its lease (3 s here) runs out.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { PG, sleep, startServer } from './lib/server.mjs';

const skip = !PG && 'several nodes share a PostgreSQL database';
const LEASE = 3;
const TICKETS = 240;
const PROBES = 150;
const env = { FRONTLINE_JOB_LEASE: String(LEASE) };
let nodes = [];

before(async () => {
	if (skip)
		return;
	const first = await startServer({ agents: ['agent'], env });
	nodes = [first,
		await startServer({ joining: first, env }),
		await startServer({ joining: first, env })];
});
after(async () => {
	for (const n of nodes.slice().reverse())
		await n.cleanup();
});

it('a token revoked on one node stops working on every node at once, not when their caches expire', { skip }, async () => {
	const [n1, n2, n3] = nodes;
	const agent = n1.users.agent;
	for (let round = 0; round < 3; round++) {
		const t = await n1.api('POST', '/api/v2/api_tokens', { api_token: { description: `revoke ${round}` } }, { auth: agent });
		assert.equal(t.status, 201, t.text);
		const bearer = { bearer: t.json.api_token.token };
		// verified, and so cached for two seconds, on the other nodes
		for (const n of [n2, n3])
			assert.equal((await n.api('GET', '/api/v2/users/me', null, { auth: bearer })).status, 200);
		const list = await n1.api('GET', '/api/v2/api_tokens', null, { auth: agent });
		const id = list.json.api_tokens.find((x) => x.description === `revoke ${round}`).id;
		const del = await n1.api('DELETE', `/api/v2/api_tokens/${id}`, null, { auth: agent });
		assert.equal(del.status, 204, del.text);
		for (const n of [n2, n3]) {
			const until = Date.now() + 1000; // the caches would have answered 200 for ~2 s
			let status;
			while ((status = (await n.api('GET', '/api/v2/users/me', null, { auth: bearer })).status) === 200 && Date.now() < until)
				await sleep(20);
			assert.equal(status, 401, `node ${n.port} still took the revoked token 1 s later`);
		}
	}
});

it('every acknowledged ticket survives a node killed mid-load, and every node serves it', { skip }, async () => {
	const [n1, n2, n3] = nodes;
	const acked = []; // [{id, subject, node}]
	const refused = { n2: 0 };
	let next = 0, killed = false;
	const worker = async () => {
		for (;;) {
			const i = next++;
			if (i >= TICKETS)
				return;
			if (i === TICKETS / 2 && !killed) {
				killed = true;
				await n2.kill9(); // with requests of other workers in flight
			}
			const node = nodes[i % 3];
			const subject = `Node load ${i}`;
			try {
				const r = await node.api('POST', '/api/v2/tickets',
					{ ticket: { subject, comment: { body: `Body ${i}` } } }, { timeoutMs: 10_000 });
				if (r.status === 201)
					acked.push({ id: r.json.ticket.id, subject, node: i % 3 });
			} catch {
				assert.equal(node, n2, `node ${i % 3 + 1} failed a request`);
				refused.n2++;
			}
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
	assert.ok(killed);
	assert.ok(refused.n2 > 0, 'the killed node kept answering');
	for (const k of [0, 2])
		assert.ok(acked.filter((a) => a.node === k).length >= TICKETS / 3 - 2,
			`node ${k + 1} acknowledged too few tickets`);
	assert.ok(acked.filter((a) => a.node === 1).length > 0, 'node 2 acknowledged nothing before it died');

	// every acknowledged ticket is there, as either surviving node sees it
	for (const n of [n1, n3]) {
		for (let i = 0; i < acked.length; i += 100) {
			const chunk = acked.slice(i, i + 100);
			const r = await n.api('GET', `/api/v2/tickets/show_many?ids=${chunk.map((a) => a.id).join(',')}`);
			assert.equal(r.status, 200, r.text);
			const got = new Map(r.json.tickets.map((t) => [t.id, t.subject]));
			for (const a of chunk)
				assert.equal(got.get(a.id), a.subject, `ticket ${a.id} (acknowledged by node ${a.node + 1}) is missing`);
		}
	}
	const ids = new Set(acked.map((a) => a.id));
	assert.equal(ids.size, acked.length, 'two tickets got the same id');
	// a ticket made on one node is found by search on another at once
	const t = await n1.ticket({ subject: 'Xylophonist across nodes' });
	const s = await n3.api('GET', '/api/v2/search?query=xylophonist');
	assert.deepEqual(s.json.results.map((x) => x.id), [t.id]);
});

it('live events reach listeners on every node, whichever node the change came through', { skip }, async () => {
	const [n1, , n3] = nodes;
	const on1 = await n1.events(), on3 = await n3.events();
	const t = await n3.ticket({ subject: 'Seen everywhere' });
	for (const s of [on1, on3])
		await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === t.id);
	const v = await n1.api('POST', `/api/v2/tickets/${t.id}/viewing`, {});
	assert.equal(v.status, 204, v.text);
	await on3.waitFor((e) => e.event === 'agent.viewing' && e.data.ticket_id === t.id);
	on1.close();
	on3.close();
});

it('every job runs exactly once with a node killed while they run', { skip }, async () => {
	const [n1, , n3] = nodes;
	// each holds its claim 50 ms, so all runners get some
	const q = await n1.api('POST', '/api/v2/jobs/probes', { count: PROBES, hold_ms: 50 });
	assert.equal(q.status, 202, q.text);
	// a node killed while it holds a probe: that one waits for the lease;
	// a node may finish its probe just before the kill lands, so up to 3 tries
	const orphans = [];
	for (let attempt = 0; attempt < 3 && !orphans.length; attempt++) {
		const doomed = await startServer({ joining: n1, env });
		nodes.push(doomed);
		const mine = `:${doomed.proc.pid}:`;
		const holds = async () => (await n1.api('GET', '/api/v2/jobs?state=running')).json.jobs
			.filter((j) => j.kind === 'probe' && j.lease_owner.includes(mine));
		for (const until = Date.now() + 15_000; Date.now() < until; await sleep(10))
			if ((await holds()).length)
				break;
		await doomed.kill9();
		orphans.push(...(await holds()).map((j) => ({ id: j.id, mine })));
	}
	assert.ok(orphans.length, 'no node was killed while it held a probe');
	let probes = [];
	const deadline = Date.now() + 60_000;
	while (probes.length < PROBES && Date.now() < deadline) {
		await sleep(250);
		probes = (await n3.api('GET', '/api/v2/jobs/probes')).json.probes;
	}
	assert.equal(probes.length, PROBES, `only ${probes.length} of ${PROBES} probes ran in 60 s`);
	const byJob = new Map();
	for (const p of probes)
		byJob.set(p.job_id, (byJob.get(p.job_id) ?? 0) + 1);
	assert.equal(byJob.size, PROBES, 'some job ran more than once');
	const runners = new Set(probes.map((p) => p.runner));
	assert.ok(runners.size >= 2, `the jobs ran on ${runners.size} node(s) only`);
	// what the killed node held ran once more, by another, after its lease
	for (const o of orphans) {
		const retaken = probes.find((p) => p.job_id === o.id);
		assert.ok(retaken, `the probe ${o.id} the killed node held never ran`);
		assert.equal(retaken.attempt, 2);
		assert.ok(!retaken.runner.includes(o.mine));
		assert.ok(retaken.waited_seconds >= LEASE - 1, `taken over after ${retaken.waited_seconds} s`);
	}
	const left = (await n1.api('GET', '/api/v2/jobs')).json.jobs.filter((j) => j.kind === 'probe');
	assert.deepEqual(left, [], 'probe jobs are left in the queue');
});

it('the surviving nodes exit with code 0 on SIGTERM', { skip }, async () => {
	for (const n of nodes.slice().reverse())
		if (n.proc)
			await n.stop();
});
