// Durability and operations: restarts, crashes, concurrency, metrics,
// graceful shutdown with requests in flight, backups.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PG, freePort, parseMetrics, runCli, sleep, startServer } from './lib/server.mjs';

let srv, agent;
const servers = [];

before(async () => {
	srv = await startServer({ agents: ['agent'] });
	servers.push(srv);
	({ agent } = srv.users);
});
after(async () => { await Promise.all(servers.map((s) => s.cleanup())); });

const allTickets = (s = srv) => s.allTickets();

describe('durability', () => {
	it('a created ticket is there after SIGTERM and restart', async () => {
		const t = await srv.ticket({ subject: 'Survives restart', body: 'persist me', tags: ['durable'] });
		const u = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'pending', comment: { body: 'a reply' } } });
		assert.equal(u.status, 200);
		await srv.restart({ assertClean: false }); // exit codes are checked at the end of this file
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.subject, 'Survives restart');
		assert.equal(r.json.ticket.status, 'pending');
		assert.deepEqual(r.json.ticket.tags, ['durable']);
		const c = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`);
		assert.deepEqual(c.json.comments.map((x) => x.body), ['persist me', 'a reply']);
		const s = await srv.api('GET', '/api/v2/search?query=persist');
		assert.deepEqual(s.json.results.map((x) => x.id), [t.id]);
	});

	it('every ticket answered with 201 is there after kill -9 and restart', async () => {
		const answered = [];
		for (let i = 0; i < 5; i++)
			answered.push(await srv.ticket({ subject: `Before crash ${i}` }));
		// and a burst still settling when the process dies
		const burst = await Promise.all(Array.from({ length: 20 }, (_, i) =>
			srv.api('POST', '/api/v2/tickets', { ticket: { subject: `Burst ${i}`, comment: { body: 'b' } } })));
		for (const r of burst) {
			assert.equal(r.status, 201, r.text);
			answered.push(r.json.ticket);
		}
		await srv.kill9();
		await srv.start();
		const ids = new Set((await allTickets()).map((t) => t.id));
		for (const t of answered)
			assert.ok(ids.has(t.id), `ticket ${t.id} (${t.subject}) was lost in the crash`);
		const r = await srv.api('GET', `/api/v2/tickets/${answered[0].id}`);
		assert.equal(r.json.ticket.subject, 'Before crash 0');
	});
});

describe('concurrency', () => {
	it('100 concurrent ticket creations all get 201 with distinct ids, and all are listed', async () => {
		const before = (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
		const rs = await Promise.all(Array.from({ length: 100 }, (_, i) =>
			srv.api('POST', '/api/v2/tickets', { ticket: { subject: `Concurrent ${i}`, comment: { body: `body ${i}` } } },
				{ auth: i % 2 ? agent : srv.admin })));
		for (const r of rs)
			assert.equal(r.status, 201, r.text);
		const ids = rs.map((r) => r.json.ticket.id);
		assert.equal(new Set(ids).size, 100, 'ids are not distinct');
		const listed = new Map((await allTickets()).map((t) => [t.id, t]));
		rs.forEach((r, i) => {
			const t = listed.get(r.json.ticket.id);
			assert.ok(t, `ticket ${r.json.ticket.id} is not listed`);
			assert.equal(t.subject, `Concurrent ${i}`);
		});
		const after = (await srv.api('GET', '/api/v2/tickets/count')).json.count.value;
		assert.equal(after, before + 100);
	});

	it('20 concurrent tickets from one new requester address make one end user', async () => {
		const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
			srv.api('POST', '/api/v2/tickets', {
				ticket: { subject: `Same person ${i}`, comment: { body: 'hi' },
					requester: { email: 'burst.person@example.test', name: 'Burst Person' } },
			})));
		for (const r of rs)
			assert.equal(r.status, 201, r.text);
		assert.equal(new Set(rs.map((r) => r.json.ticket.requester_id)).size, 1);
		const users = await srv.api('GET', '/api/v2/users?per_page=100');
		assert.equal(users.json.users.filter((u) => u.email === 'burst.person@example.test').length, 1);
	});

	it('concurrent updates to one ticket all land in its audit trail', async () => {
		const t = await srv.ticket({ subject: 'Hot ticket' });
		const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
			srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: `note ${i}`, public: false } } },
				{ auth: agent })));
		for (const r of rs)
			assert.equal(r.status, 200, r.text);
		const c = await srv.api('GET', `/api/v2/tickets/${t.id}/comments?per_page=100`);
		assert.equal(c.json.comments.length, 31);
		const a = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`);
		assert.equal(a.json.audits.length, 31);
	});
});

describe('metrics and health', () => {
	it('/healthz and /livez answer', async () => {
		const h = await srv.api('GET', '/healthz', null, { auth: 'anonymous' });
		assert.equal(h.status, 200);
		assert.deepEqual(h.json, { status: 'ok' });
		assert.equal((await srv.api('GET', '/livez', null, { auth: 'anonymous' })).status, 200);
		assert.equal((await srv.api('HEAD', '/healthz', null, { auth: 'anonymous' })).status, 200);
	});

	it('/metrics shows request counts by route and status and a latency histogram', async () => {
		for (let i = 0; i < 3; i++)
			await srv.api('GET', '/healthz', null, { auth: 'anonymous' });
		await srv.api('GET', '/api/v2/no/such/route');
		await srv.api('GET', '/api/v2/tickets/999999');
		const r = await srv.api('GET', '/metrics', null, { auth: 'anonymous' });
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^text\/plain/);
		assert.match(r.text, /# TYPE frontline_requests_total counter/);
		assert.match(r.text, /# TYPE frontline_request_duration_seconds histogram/);
		const m = parseMetrics(r.text);
		const req = (labels) => m.find((x) => x.name === 'frontline_requests_total' &&
			Object.entries(labels).every(([k, v]) => x.labels[k] === v));
		assert.ok(req({ method: 'GET', route: '/healthz', status: '200' })?.value >= 3, 'healthz 200s');
		assert.ok(req({ method: 'POST', route: '/api/v2/tickets', status: '201' })?.value >= 100, 'ticket 201s');
		assert.ok(req({ method: 'GET', route: '/api/v2/tickets/{id}', status: '404' })?.value >= 1, 'ticket 404s');
		assert.ok(req({ route: 'unmatched', status: '404' })?.value >= 1, 'unmatched 404s');

		const buckets = m.filter((x) => x.name === 'frontline_request_duration_seconds_bucket');
		assert.ok(buckets.length >= 5);
		assert.equal(buckets.at(-1).labels.le, '+Inf');
		for (let i = 1; i < buckets.length; i++) {
			assert.ok(buckets[i].value >= buckets[i - 1].value, 'histogram buckets are cumulative');
			if (buckets[i].labels.le !== '+Inf')
				assert.ok(Number(buckets[i].labels.le) > Number(buckets[i - 1].labels.le));
		}
		const count = m.find((x) => x.name === 'frontline_request_duration_seconds_count');
		const sum = m.find((x) => x.name === 'frontline_request_duration_seconds_sum');
		assert.equal(buckets.at(-1).value, count.value);
		assert.ok(sum.value > 0);
		const total = m.filter((x) => x.name === 'frontline_requests_total').reduce((a, x) => a + x.value, 0);
		assert.equal(total, count.value, 'every counted request is in the histogram');
		// the job queue: the periodic session purge waits in it, nothing has died
		const jobs = (state) => m.find((x) => x.name === 'frontline_jobs' && x.labels.state === state)?.value;
		assert.ok(jobs('queued') >= 1, 'queued jobs');
		assert.equal(jobs('dead'), 0);
	});
});

/** Opens a connection and sends a POST's headers and half its body. */
function halfSent(port, token, body) {
	return new Promise((resolve, reject) => {
		const sock = net.connect(port, '127.0.0.1');
		const res = { sock, data: '', closed: null, rest: null };
		res.closed = new Promise((r) => sock.on('close', r));
		sock.on('data', (d) => { res.data += d; });
		sock.on('error', () => {});
		sock.on('connect', () => {
			const half = Math.floor(body.length / 2);
			sock.write(`POST /api/v2/tickets HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
				`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
				body.slice(0, half));
			res.rest = body.slice(half);
			resolve(res);
		});
		sock.once('error', reject);
	});
}

async function inFlight(s) {
	const r = await s.api('GET', '/metrics', null, { auth: 'anonymous' });
	const g = parseMetrics(r.text).find((x) => x.name === 'frontline_requests_in_flight');
	return g ? g.value : -1;
}

describe('graceful shutdown', () => {
	it('SIGTERM with 50 requests in flight: every one is answered, exit code 0', async () => {
		const s = await startServer();
		servers.push(s);
		const bodies = Array.from({ length: 50 }, (_, i) =>
			JSON.stringify({ ticket: { subject: `In flight ${i}`, comment: { body: `sent before SIGTERM ${i}` } } }));
		const conns = await Promise.all(bodies.map((b) => halfSent(s.port, s.admin.token, b)));
		// wait until the server holds all 50 (plus the /metrics request asking)
		const deadline = Date.now() + 10_000;
		let n;
		while ((n = await inFlight(s)) < 51) {
			assert.ok(Date.now() < deadline, `only ${n} requests in flight`);
			await sleep(20);
		}
		s.proc.kill('SIGTERM');
		await sleep(300); // the server is now draining
		for (const c of conns)
			c.sock.write(c.rest);
		await Promise.all(conns.map((c) => Promise.race([c.closed, sleep(20_000)])));
		const statuses = conns.map((c) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(c.data)?.[1] ?? 0));
		assert.deepEqual(statuses, Array(50).fill(201), `answers: ${statuses.join(',')}`);
		const res = await s.stop({ assertClean: false });
		assert.deepEqual(res, { code: 0, signal: null }, `exit after draining:\n${s.log.slice(-6000)}`);

		await s.start();
		const subjects = new Set((await allTickets(s)).map((t) => t.subject));
		for (let i = 0; i < 50; i++)
			assert.ok(subjects.has(`In flight ${i}`), `In flight ${i} is missing after restart`);
		await s.stop({ assertClean: false });
	});
});

describe('backup', () => {
	it('`frontline backup` on PostgreSQL points to the database\'s own tools', { skip: !PG && 'PostgreSQL pass only' }, async () => {
		const r = await runCli(['backup', '--data', srv.dir, '--to', path.join(srv.dir, 'b.db')]);
		assert.notEqual(r.code, 0);
		assert.match(r.stderr, /database's own tools/);
	});

	it('`frontline backup` while serving makes a file a new server serves with the same tickets', { skip: PG && 'a SQLite file' }, async () => {
		const t = await srv.ticket({ subject: 'In the backup', body: 'Ąžuolas ir sąskaita' });
		const file = path.join(srv.dir, 'backup.db');
		const r = await runCli(['backup', '--data', srv.dir, '--to', file]);
		assert.equal(r.code, 0, `backup failed: ${r.stderr}`);
		assert.ok((await fs.stat(file)).size > 0);
		const again = await runCli(['backup', '--data', srv.dir, '--to', file], { leaks: false });
		assert.notEqual(again.code, 0, 'a backup must not overwrite a file');

		const original = await allTickets();
		const copy = await startServer({ database: file, admin: srv.admin, users: srv.users });
		servers.push(copy);
		const restored = await allTickets(copy);
		assert.deepEqual(restored.map((x) => [x.id, x.subject, x.status]), original.map((x) => [x.id, x.subject, x.status]));
		const s = await copy.api('GET', '/api/v2/search?query=azuolas');
		assert.deepEqual(s.json.results.map((x) => x.id), [t.id]);
		const c = await copy.api('GET', `/api/v2/tickets/${t.id}/comments`);
		assert.deepEqual(c.json.comments.map((x) => x.body), ['Ąžuolas ir sąskaita']);
		// the copy is independent of the original
		await copy.ticket({ subject: 'Only in the copy' });
		assert.ok(!(await allTickets()).some((x) => x.subject === 'Only in the copy'));
		const res = await copy.stop({ assertClean: false });
		assert.ok(res);
	});
});

describe('request ids', () => {
	let logged;
	before(async () => {
		logged = await startServer({ logRequests: true });
		servers.push(logged);
	});
	after(async () => { await logged.stop({ assertClean: false }); });

	const HEX32 = /^[0-9a-f]{32}$/;

	/* One request on a socket of its own, for what fetch will not send
	 * (control characters in a header); resolves the answer's head. */
	function rawGet(p, header) {
		return new Promise((resolve, reject) => {
			const s = net.connect(logged.port, '127.0.0.1');
			let head = '';
			s.on('data', (d) => { head += d; });
			s.on('error', reject);
			s.on('close', () => resolve(head.split('\r\n\r\n')[0]));
			s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\n${header}\r\nConnection: close\r\n\r\n`);
		});
	}

	/** The log line of the request with id, waited for (it is written once the answer is sent). */
	async function logLine(id) {
		const until = Date.now() + 3000;
		let line;
		while (!(line = logged.log.split('\n').find((l) => l.includes(`request_id=${id}`))) && Date.now() < until)
			await sleep(20);
		return line;
	}

	it('every answer has one, fresh each time: a 200, a 404 and a 401', async () => {
		const ok = await logged.api('GET', '/api/v2/users/me');
		assert.equal(ok.status, 200);
		const again = await logged.api('GET', '/api/v2/users/me');
		const missing = await logged.api('GET', '/api/v2/no/such/thing');
		assert.equal(missing.status, 404);
		const anon = await logged.api('GET', '/api/v2/users/me', null, { auth: 'anonymous' });
		assert.equal(anon.status, 401);
		const ids = [ok, again, missing, anon].map((r) => r.headers.get('x-request-id'));
		for (const id of ids)
			assert.match(id ?? '', HEX32);
		assert.equal(new Set(ids).size, ids.length, `ids repeat: ${ids}`);
	});

	it("a client's own short token is kept, so a proxy's id carries through", async () => {
		for (const id of ['lb-7f3a.9_Z', 'x'.repeat(64)]) {
			const r = await logged.api('GET', '/api/v2/users/me', null, { headers: { 'x-request-id': id } });
			assert.equal(r.headers.get('x-request-id'), id);
		}
	});

	it('anything else is replaced, never echoed: spaces, too long, other characters, CR or LF', async () => {
		for (const id of ['two words', 'x'.repeat(65), 'caf\u00e9', 'a;b=c', '']) {
			const r = await logged.api('GET', '/api/v2/users/me', null, { headers: { 'x-request-id': id } });
			assert.equal(r.status, 200);
			assert.match(r.headers.get('x-request-id'), HEX32, JSON.stringify(id));
		}
		// a bare CR, a bare LF and a folded line (RFC 9112 section 5.2)
		for (const header of ['X-Request-Id: qqq\rX-Evil: 1', 'X-Request-Id: qqq\n X-Evil: 1', 'X-Request-Id: qqq\r\n zzz']) {
			const head = await rawGet('/healthz', header);
			assert.match(head, /^HTTP\/1\.1 200 /, head);
			assert.doesNotMatch(head, /X-Evil|qqq|zzz/i, head);
			assert.match(head, /\r\nX-Request-Id: [0-9a-f]{32}(\r\n|$)/i, head);
		}
	});

	it("the request's log line has its id, the client's address and the user", async () => {
		const r = await logged.api('GET', '/api/v2/users/me', null, { headers: { 'x-request-id': 'trace-me-42' } });
		const line = await logLine('trace-me-42');
		assert.ok(line, `no log line with the id in:\n${logged.log.slice(-3000)}`);
		assert.match(line, /GET \/api\/v2\/users\/me 200 /);
		assert.match(line, /client=127\.0\.0\.1\b/);
		assert.match(line, new RegExp(`user_id=${r.json.user.id}\\b`));
		assert.match(line, /route=\/api\/v2\/users\/me status=200 bytes=\d+ duration_ms=\d+\.\d{3}$/);
		const anon = await logged.api('GET', '/api/v2/users/me', null, { auth: 'anonymous' });
		const aline = await logLine(anon.headers.get('x-request-id'));
		assert.match(aline ?? '', / 401 .*user_id=0\b/, aline);
	});
});

describe('JSON logs', () => {
	let watched;
	before(async () => {
		watched = await startServer({ agents: ['agent'], logRequests: true, rateLimit: 0,
			env: { FRONTLINE_LOG_FORMAT: 'json' } });
		servers.push(watched);
	});
	after(async () => { await watched.stop({ assertClean: false }); });

	/** Every whole line the server wrote so far, each parsed: all must be JSON. */
	function lines() {
		const text = watched.log.slice(0, watched.log.lastIndexOf('\n'));
		return text.split('\n').filter((l) => l).map((l) => {
			try {
				return JSON.parse(l);
			} catch {
				assert.fail(`a log line that is not JSON: ${JSON.stringify(l)}`);
			}
		});
	}

	/** The first line pred accepts, waited for (<= 15 s: a job's runner polls each second). */
	async function waitLine(pred, what) {
		const until = Date.now() + 15_000;
		for (;;) {
			const hit = lines().find(pred);
			if (hit)
				return hit;
			assert.ok(Date.now() < until, `no log line ${what} in:\n${watched.log.slice(-4000)}`);
			await sleep(50);
		}
	}

	/** One request on a socket of its own, with a request line fetch would not send. */
	function rawRequest(line, headers = '') {
		return new Promise((resolve, reject) => {
			const s = net.connect(watched.port, '127.0.0.1');
			let head = '';
			s.on('data', (d) => { head += d; });
			s.on('error', reject);
			s.on('close', () => resolve(head));
			s.write(Buffer.concat([Buffer.from(line, 'latin1'),
				Buffer.from(`\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`)]));
		});
	}

	it('every line is one JSON object; the request line has the id, client, user, route, status, bytes and time', async () => {
		const t = await watched.ticket({ subject: 'Logged' });
		const r = await watched.api('GET', `/api/v2/tickets/${t.id}`, null, { headers: { 'x-request-id': 'json-req-1' } });
		assert.equal(r.status, 200);
		const line = await waitLine((l) => l.request_id === 'json-req-1' && l.status, 'for json-req-1');
		assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		assert.equal(line.level, 'info');
		assert.equal(line.msg, `GET /api/v2/tickets/${t.id} 200`);
		assert.equal(line.client, '127.0.0.1');
		assert.equal(line.user_id, watched.admin.id);
		assert.equal(line.method, 'GET');
		assert.equal(line.route, '/api/v2/tickets/{id}', 'the pattern, not the path with its id');
		assert.equal(line.status, 200);
		assert.equal(line.bytes, Buffer.byteLength(r.text));
		assert.equal(typeof line.duration_ms, 'number');
		assert.ok(line.duration_ms > 0 && line.duration_ms < 30_000, `duration_ms ${line.duration_ms}`);
		// the lines from before any request: the start
		assert.ok(lines().some((l) => /^frontline listening on /.test(l.msg) && l.level === 'info'));
		// the rate limit is off on this server: no quota headers
		assert.equal(r.headers.get('x-rate-limit'), null);
	});

	it('a path with quotes, control characters and bytes that are not UTF-8 still makes a JSON line', async () => {
		const head = await rawRequest('GET /api/v2/"q"%01%1b%0a/\xff\xfe%ff HTTP/1.1', 'X-Request-Id: hostile-1\r\n');
		assert.match(head, /^HTTP\/1\.1 404 /);
		const line = await waitLine((l) => l.request_id === 'hostile-1', 'for hostile-1');
		assert.equal(line.route, 'unmatched');
		assert.equal(line.status, 404);
		assert.ok(line.msg.startsWith('GET /api/v2/"q"\u0001\u001b\n/'), JSON.stringify(line.msg));
		assert.ok(line.msg.includes('\ufffd'), 'bytes that are not UTF-8 are U+FFFD');
		assert.ok(line.msg.endsWith(' 404'));
	});

	it('a job a request queued logs that request\'s id: a mail to a relay that is down, and the outbox', async () => {
		const port = await freePort(); // nothing listens there
		const set = await watched.api('PUT', '/api/v2/mail/settings', { mail_settings: {
			smtp_url: `smtp://127.0.0.1:${port}`, from_address: 'support@shop.test', from_name: 'Shop' } });
		assert.equal(set.status, 200, set.text);
		const before = parseMetrics((await watched.api('GET', '/metrics', null, { auth: 'anonymous' })).text);
		const outbox0 = before.find((x) => x.name === 'frontline_outbox_depth')?.value;
		assert.equal(typeof outbox0, 'number');

		const t = await watched.ticket({ subject: 'Where is my parcel?',
			requester: { email: 'parcel.person@example.test', name: 'Parcel Person' } });
		const u = await watched.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'It left today.' } } },
			{ auth: watched.users.agent, headers: { 'x-request-id': 'mail-req-1' } });
		assert.equal(u.status, 200, u.text);

		const failed = await waitLine((l) => l.kind === 'mail-send' && l.request_id === 'mail-req-1',
			'of a mail-send job with request_id mail-req-1');
		assert.equal(failed.level, 'warn');
		assert.match(failed.msg, /^job failed/);
		assert.ok(failed.error, 'the line says why');
		assert.equal(failed.attempt, 1);
		assert.ok(Number.isInteger(failed.job_id));

		// the job waits for its retry, naming the request, and the outbox counts it
		const q = await watched.api('GET', '/api/v2/jobs?state=queued');
		const job = q.json.jobs.find((j) => j.id === failed.job_id);
		assert.equal(job?.kind, 'mail-send');
		assert.equal(job.request_id, 'mail-req-1');
		const m = parseMetrics((await watched.api('GET', '/metrics', null, { auth: 'anonymous' })).text);
		assert.ok(m.find((x) => x.name === 'frontline_outbox_depth').value >= outbox0 + 1, 'outbox depth rose');
		assert.ok(m.find((x) => x.name === 'frontline_jobs_queued' && x.labels.kind === 'mail-send')?.value >= 1);
		assert.ok(m.some((x) => x.name === 'frontline_jobs_oldest_age_seconds' && x.labels.kind === 'mail-send'));
	});

	it('a probe job queued by a request logs "job done" with its id', async () => {
		const r = await watched.api('POST', '/api/v2/jobs/probes', { count: 1 }, { headers: { 'x-request-id': 'probe-req-1' } });
		assert.equal(r.status, 202, r.text);
		const done = await waitLine((l) => l.kind === 'probe' && l.request_id === 'probe-req-1', 'of the probe');
		assert.equal(done.msg, 'job done');
		assert.equal(done.level, 'info');
	});
});

describe('/metrics: the process, the build, latency by route, the queue by kind', () => {
	it('has every family with sane values', async () => {
		for (let i = 0; i < 3; i++)
			assert.equal((await srv.api('GET', '/api/v2/users/me')).status, 200);
		const r = await srv.api('GET', '/metrics', null, { auth: 'anonymous' });
		const m = parseMetrics(r.text);
		const one = (name, labels = {}) => m.find((x) => x.name === name &&
			Object.entries(labels).every(([k, v]) => x.labels[k] === v));
		for (const f of ['process_cpu_seconds_total counter', 'process_resident_memory_bytes gauge',
			'process_open_fds gauge', 'process_start_time_seconds gauge', 'frontline_build_info gauge',
			'frontline_http_request_duration_seconds histogram', 'frontline_jobs_queued gauge',
			'frontline_jobs_oldest_age_seconds gauge', 'frontline_outbox_depth gauge'])
			assert.match(r.text, new RegExp(`^# TYPE ${f}$`, 'm'));
		assert.ok(one('process_resident_memory_bytes').value > 1024 * 1024, 'RSS');
		assert.ok(one('process_open_fds').value > 3, 'open fds');
		assert.ok(one('process_cpu_seconds_total').value > 0, 'CPU');
		const started = one('process_start_time_seconds').value;
		assert.ok(started > Date.now() / 1000 - 3600 && started <= Date.now() / 1000 + 1, `start time ${started}`);
		const build = one('frontline_build_info');
		assert.equal(build.value, 1);
		assert.match(build.labels.version, /^\d+\.\d+\.\d+/);
		assert.match(build.labels.commit, /^([0-9a-f]{7,40}|unknown)$/);

		// the route just called has its own histogram, labelled by its pattern
		const route = 'GET /api/v2/users/me';
		const buckets = m.filter((x) => x.name === 'frontline_http_request_duration_seconds_bucket' && x.labels.route === route);
		assert.ok(buckets.length >= 5, 'buckets for the route');
		for (let i = 1; i < buckets.length; i++)
			assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
		assert.equal(buckets.at(-1).labels.le, '+Inf');
		const count = one('frontline_http_request_duration_seconds_count', { route }).value;
		assert.ok(count >= 3);
		assert.equal(buckets.at(-1).value, count);
		assert.ok(one('frontline_http_request_duration_seconds_sum', { route }).value > 0);
		// a path with an id is its pattern's, never a label of its own
		const t = await srv.ticket({ subject: 'Histogram' });
		await srv.api('GET', `/api/v2/tickets/${t.id}`);
		const m2 = parseMetrics((await srv.api('GET', '/metrics', null, { auth: 'anonymous' })).text);
		const routes = new Set(m2.filter((x) => x.name === 'frontline_http_request_duration_seconds_count').map((x) => x.labels.route));
		assert.ok(routes.has('GET /api/v2/tickets/{id}'));
		for (const label of routes)
			assert.ok(label === 'unmatched' || /^(GET|POST|PUT|PATCH|DELETE) \/[^ ]*$/.test(label), label);
		assert.ok(![...routes].some((x) => x.includes(String(t.id))), 'no label has an id in it');
		// a periodic kind waits in the queue for its time: listed, none of it due
		assert.ok(m2.some((x) => x.name === 'frontline_jobs_queued' && x.labels.kind === 'session-purge'));
		assert.equal(m2.find((x) => x.name === 'frontline_jobs_oldest_age_seconds' && x.labels.kind === 'session-purge')?.value, 0);
	});
});

describe('API rate limit', () => {
	let limited;
	before(async () => {
		limited = await startServer({ agents: ['agent'], rateLimit: 5 });
		servers.push(limited);
	});
	after(async () => { await limited.stop({ assertClean: false }); });

	it('says the limit and what is left; the sixth request in the minute is 429 with Retry-After; another token is not affected', async () => {
		const left = [];
		for (let i = 0; i < 5; i++) {
			const r = await limited.api('GET', '/api/v2/users/me');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.headers.get('x-rate-limit'), '5');
			left.push(Number(r.headers.get('x-rate-limit-remaining')));
		}
		assert.deepEqual(left, [4, 3, 2, 1, 0]);
		const over = await limited.api('GET', '/api/v2/users/me');
		assert.equal(over.status, 429);
		assert.equal(over.json.error, 'TooManyRequests');
		assert.match(over.json.description, /rate_limit/);
		assert.match(over.json.description, /\b5\b/);
		const wait = Number(over.headers.get('retry-after'));
		assert.ok(wait >= 1 && wait <= 12, `Retry-After ${wait}`);
		assert.equal(over.headers.get('x-rate-limit-remaining'), '0');
		// a write is refused too, and nothing is made
		const before = (await limited.api('GET', '/api/v2/tickets/count', null, { auth: limited.users.agent })).json.count.value;
		const w = await limited.api('POST', '/api/v2/tickets', { ticket: { subject: 'Over', comment: { body: 'x' } } });
		assert.equal(w.status, 429);
		// another token has its own minute
		const other = await limited.api('GET', '/api/v2/users/me', null, { auth: limited.users.agent });
		assert.equal(other.status, 200);
		assert.equal(other.headers.get('x-rate-limit-remaining'), '3');
		const after = (await limited.api('GET', '/api/v2/tickets/count', null, { auth: limited.users.agent })).json.count.value;
		assert.equal(after, before, 'the refused write made nothing');
	});

	it('anonymous clients count by their address; a forged X-Forwarded-For changes nothing', async () => {
		const statuses = [];
		for (let i = 0; i < 7; i++) {
			const r = await limited.api('GET', '/api/v2/users/me', null,
				{ auth: 'anonymous', headers: { 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `198.51.100.${i}` } });
			statuses.push(r.status);
			assert.equal(r.headers.get('x-rate-limit'), '5');
		}
		assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
	});

	it('health checks, metrics and the browser apps are not counted', async () => {
		for (let i = 0; i < 8; i++) {
			for (const p of ['/healthz', '/livez', '/metrics', '/agent/']) {
				const r = await limited.api('GET', p, null, { auth: 'anonymous' });
				assert.equal(r.status, 200, p);
				assert.equal(r.headers.get('x-rate-limit'), null, p);
			}
		}
	});
});

it('every SIGTERM in this file ended with exit code 0 (no leaks or sanitizer reports)', async () => {
	await srv.stop({ assertClean: false });
	const all = servers.flatMap((s) => s.exits.map((e) => ({ port: s.port, exit: e, log: s.log })));
	const bad = all.filter((x) => !x.exit || x.exit.code !== 0 || x.exit.signal !== null);
	assert.deepEqual(bad.map((x) => x.exit), [],
		`unclean exits:\n${bad.map((x) => x.log.slice(-3000)).join('\n----\n')}`);
});
