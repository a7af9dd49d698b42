// The background queue as an admin sees it: the periodic session purge is
// queued from the start; only admins may look; only dead jobs are retried;
// probes show the runner at work.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent;

before(async () => {
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
});
after(async () => { await srv?.cleanup(); });

it('lists the queued periodic session purge', async () => {
	let purge;
	for (let i = 0; i < 50 && !purge; i++) { // the runner queues it as it starts
		const r = await srv.api('GET', '/api/v2/jobs?state=queued');
		assert.equal(r.status, 200, r.text);
		purge = r.json.jobs.find((j) => j.kind === 'session-purge');
		if (!purge)
			await new Promise((res) => setTimeout(res, 100));
	}
	assert.ok(purge, 'no session-purge job queued');
	assert.equal(purge.state, 'queued');
	assert.match(purge.run_at, /^\d{4}-\d\d-\d\dT/);
	// the unfiltered list has it too — or its next run, when the runner took
	// this one between the two requests (a periodic kind queues its next
	// run under a new id as one finishes)
	const all = await srv.api('GET', '/api/v2/jobs');
	assert.ok(all.json.jobs.some((j) => j.kind === 'session-purge' && j.id >= purge.id), JSON.stringify(all.json.jobs));
});

it('is for admins only', async () => {
	assert.equal((await srv.api('GET', '/api/v2/jobs', null, { auth: agent })).status, 403);
	assert.equal((await srv.api('POST', '/api/v2/jobs/1/retry', {}, { auth: agent })).status, 403);
});

it('refuses an unknown state, and retrying a job that is not dead', async () => {
	assert.equal((await srv.api('GET', '/api/v2/jobs?state=sleeping')).status, 400);
	const q = await srv.api('GET', '/api/v2/jobs?state=queued');
	const id = q.json.jobs[0].id;
	const r = await srv.api('POST', `/api/v2/jobs/${id}/retry`, {});
	assert.equal(r.status, 404, r.text);
	assert.match(r.json.description, /no dead job/);
});

it('probes: queued ones all run once, and say which runner ran them', async () => {
	const q = await srv.api('POST', '/api/v2/jobs/probes', { count: 20 });
	assert.equal(q.status, 202, q.text);
	assert.equal(q.json.queued, 20);
	let probes = [];
	for (let i = 0; i < 100 && probes.length < 20; i++) {
		await new Promise((res) => setTimeout(res, 100));
		probes = (await srv.api('GET', '/api/v2/jobs/probes')).json.probes;
	}
	assert.equal(probes.length, 20, 'not every probe ran within 10 s');
	assert.equal(new Set(probes.map((p) => p.job_id)).size, 20, 'a probe ran twice');
	for (const p of probes) {
		assert.match(p.runner, /^[^:]+:\d+:[0-9a-f]{8}$/);
		assert.equal(p.attempt, 1);
		assert.ok(p.waited_seconds >= 0 && p.waited_seconds < 10, JSON.stringify(p));
	}
	// and they left the queue
	const left = (await srv.api('GET', '/api/v2/jobs')).json.jobs.filter((j) => j.kind === 'probe');
	assert.deepEqual(left, []);
});

it('probes: a bad count is refused, and only admins may queue them', async () => {
	for (const body of [{ count: 0 }, { count: 1001 }, { count: 'many' }, { count: 2.5 },
		{ hold_ms: -1 }, { hold_ms: 10001 }]) {
		const r = await srv.api('POST', '/api/v2/jobs/probes', body);
		assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
		assert.equal(Object.keys(r.json.details)[0], Object.keys(body)[0]);
	}
	assert.equal((await srv.api('POST', '/api/v2/jobs/probes', {}, { auth: agent })).status, 403);
	assert.equal((await srv.api('GET', '/api/v2/jobs/probes', null, { auth: agent })).status, 403);
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
