// The background queue as an admin sees it: the periodic session purge is
// queued from the start; only admins may look; only dead jobs are retried.
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
	const all = await srv.api('GET', '/api/v2/jobs');
	assert.ok(all.json.jobs.some((j) => j.id === purge.id));
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

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
