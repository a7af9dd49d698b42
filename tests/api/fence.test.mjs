// The fence: after a failed fsync the node acknowledges no write until it
// restarts (as PostgreSQL does since 2018). The server runs with
// lib/failsync.so preloaded, which fails fsync and fdatasync with EIO while
// a marker file exists: the first write after that answers 503 with
// Retry-After, every later one too (disk healed or not), reads go on,
// /healthz says why; a restart without the marker takes writes again and
// has lost nothing it acknowledged.
//
// The fence test is SQLite's (on PostgreSQL the server syncs its own files
// and PANICs when it cannot); the health and metrics of a node that is not
// fenced are checked on both backends.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BIN, PG, parseMetrics, startServer } from './lib/server.mjs';

const SHIM = path.resolve(path.dirname(BIN), 'tests/api/failsync.so');
const servers = [];
let tmp;

before(async () => { tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-fence-')); });
after(async () => {
	await Promise.all(servers.map((s) => s.cleanup()));
	await fs.rm(tmp, { recursive: true, force: true });
});

const fenced = async (s) =>
	parseMetrics((await s.api('GET', '/metrics', null, { auth: 'anonymous' })).text)
		.find((m) => m.name === 'frontline_store_fenced')?.value;

describe('a node whose storage syncs', () => {
	it('is healthy and not fenced', async () => {
		const srv = await startServer();
		servers.push(srv);
		const h = await srv.api('GET', '/healthz', null, { auth: 'anonymous' });
		assert.equal(h.status, 200, h.text);
		assert.deepEqual(h.json, { status: 'ok' });
		assert.equal(await fenced(srv), 0);
		await srv.stop();
	});
});

describe('a node whose fsync failed', { skip: PG && 'SQLite\'s fsync: PostgreSQL syncs its own files' }, () => {
	it('answers 503 to every write until a restart, serves reads, says why, loses nothing', async () => {
		const marker = path.join(tmp, 'fail-fsync-now');
		// the sanitizer runtime must come first among the loaded libraries,
		// unless told that a preloaded shim comes before it on purpose
		const asan = process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0:strict_string_checks=1';
		const srv = await startServer({
			env: {
				LD_PRELOAD: SHIM,
				FAILSYNC_MARKER: marker,
				ASAN_OPTIONS: `${asan}:verify_asan_link_order=0`,
			},
		});
		servers.push(srv);

		const kept = await srv.ticket({ subject: 'Acknowledged before the fault', body: 'keep me' });
		const reply = await srv.api('PUT', `/api/v2/tickets/${kept.id}`,
			{ ticket: { comment: { body: 'a reply, acknowledged too' } } });
		assert.equal(reply.status, 200, reply.text);

		await fs.writeFile(marker, '');
		const failed = await srv.api('POST', '/api/v2/tickets',
			{ ticket: { subject: 'Written as the disk fails', comment: { body: 'b' } } });
		assert.equal(failed.status, 503, failed.text);
		assert.equal(failed.json.error, 'ServiceUnavailable');
		assert.match(failed.json.description, /restarted/);
		assert.ok(Number(failed.headers.get('retry-after')) > 0, 'Retry-After');

		// the disk works again; the node still takes no write
		await fs.rm(marker);
		for (const [method, p, body] of [
			['POST', '/api/v2/tickets', { ticket: { subject: 'After', comment: { body: 'c' } } }],
			['PUT', `/api/v2/tickets/${kept.id}`, { ticket: { status: 'solved' } }],
		]) {
			const r = await srv.api(method, p, body);
			assert.equal(r.status, 503, `${method} ${p}: ${r.text}`);
			assert.ok(r.headers.get('retry-after'), 'Retry-After');
		}

		const read = await srv.api('GET', `/api/v2/tickets/${kept.id}`);
		assert.equal(read.status, 200, read.text);
		assert.equal(read.json.ticket.status, 'open');
		assert.equal((await srv.api('GET', '/api/v2/tickets')).status, 200);

		const h = await srv.api('GET', '/healthz', null, { auth: 'anonymous' });
		assert.equal(h.status, 503, h.text);
		assert.equal(h.json.status, 'fenced');
		assert.match(h.json.reason, /fsync failed/);
		assert.match(h.json.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.ok(h.headers.get('retry-after'), 'Retry-After');
		assert.equal(await fenced(srv), 1);
		assert.equal(srv.log.match(/storage fenced/g)?.length, 1, `logged once:\n${srv.log}`);

		await srv.restart();
		assert.equal(await fenced(srv), 0);
		const after = await srv.api('GET', `/api/v2/tickets/${kept.id}`);
		assert.equal(after.status, 200, after.text);
		assert.equal(after.json.ticket.subject, 'Acknowledged before the fault');
		const comments = await srv.api('GET', `/api/v2/tickets/${kept.id}/comments`);
		assert.deepEqual(comments.json.comments.map((c) => c.body), ['keep me', 'a reply, acknowledged too']);
		const again = await srv.ticket({ subject: 'After the restart' });
		assert.ok(again.id > kept.id);
		await srv.stop();
	});
});
