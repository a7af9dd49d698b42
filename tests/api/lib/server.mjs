// Test harness for the black-box API suite: one Frontline server per test
// file, on a free loopback port, with its own temporary data folder.
//
//   const srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
//   const r = await srv.api('GET', '/api/v2/users/me', null, { auth: srv.users.alice });
//   await srv.stop();   // SIGTERM; asserts exit code 0 within 15 s (ASan: no leaks)
//   await srv.cleanup(); // in after(): kills what is left, removes the folder
//
// With FRONTLINE_TEST_PG=postgres://USER@HOST:PORT (scripts/check.sh sets it
// for the PostgreSQL pass) every server and CLI run gets a new database of
// its own on that server instead of SQLite in the data folder.
//
// Only built-in modules are used (node:test, fetch, child_process, net).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.FRONTLINE_BIN ||
	path.resolve(here, '../../../build-san/frontline');

// The same sanitizer settings scripts/check.sh uses, when run directly.
const SAN_ENV = {
	ASAN_OPTIONS: process.env.ASAN_OPTIONS ||
		'detect_leaks=1:abort_on_error=0:strict_string_checks=1',
	UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'halt_on_error=1:print_stacktrace=1',
};

export const PASSWORD = 'correct horse battery';
const HEALTH_WAIT_MS = 10_000;
const STOP_WAIT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const LOG_KEEP = 256 * 1024;
const RATE_LIMIT = 1_000_000;

/** The PostgreSQL server the suite runs against, or undefined for SQLite. */
export const PG = process.env.FRONTLINE_TEST_PG || undefined;
// data folder -> the database that goes with it
const dbOfDir = new Map();

function psql(sql, db = 'postgres') {
	return new Promise((resolve, reject) => {
		const p = spawn('psql', [`${PG}/${db}`, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`psql: ${err}`))));
	});
}

/** Runs SQL on a test database (PostgreSQL pass only); resolves its rows as text. */
export const sqlOn = (uri, sql) => psql(sql, uri.slice(uri.lastIndexOf('/') + 1));

/**
 * Runs SQL on a server's own database, whichever it is: psql on the
 * PostgreSQL pass, Debian's sqlite3 shell on the data folder's file
 * otherwise (waiting up to 10 s for the server's writer); resolves the rows
 * as text, "|" between columns.
 */
export function sqlOnServer(srv, sql) {
	if (srv.db)
		return sqlOn(srv.db, sql);
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', '-cmd', '.timeout 10000', path.join(srv.dir, 'frontline.db')],
			{ stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(sql);
	});
}

/**
 * A new, empty database for the data folder dir on the PostgreSQL pass
 * (its URI; later CLI runs with --data dir use it); undefined on SQLite.
 */
export async function newDatabase(dir) {
	if (!PG)
		return undefined;
	const name = `fl_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	await psql(`CREATE DATABASE ${name}`);
	const uri = `${PG}/${name}`;
	if (dir)
		dbOfDir.set(dir, uri);
	return uri;
}

/** Drops what newDatabase made for dir. */
export async function dropDatabase(dir) {
	const uri = dbOfDir.get(dir);
	if (!uri)
		return;
	dbOfDir.delete(dir);
	await psql(`DROP DATABASE IF EXISTS ${uri.slice(uri.lastIndexOf('/') + 1)} WITH (FORCE)`);
}

/** FRONTLINE_DB for a command line that names a data folder with --data. */
function dbEnv(args) {
	const i = args.indexOf('--data');
	const uri = i >= 0 ? dbOfDir.get(args[i + 1]) : undefined;
	return uri ? { FRONTLINE_DB: uri } : {};
}

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it at once). */
export async function freePort() {
	const s = net.createServer();
	s.listen(0, '127.0.0.1');
	await once(s, 'listening');
	const { port } = s.address();
	s.close();
	await once(s, 'close');
	return port;
}

/**
 * Runs the frontline CLI; resolves {code, signal, stdout, stderr}.
 * leaks: false turns LeakSanitizer off for this run. The harness uses that
 * for its own set-up commands only, so that a leak in the CLI cannot hide
 * every other result; cli.test.mjs checks the CLI with leak detection on.
 */
export function runCli(args, { input, env = {}, leaks = true, timeoutMs = 30_000 } = {}) {
	return new Promise((resolve, reject) => {
		const e = { ...process.env, ...SAN_ENV, ...dbEnv(args), ...env };
		if (!leaks)
			e.ASAN_OPTIONS = `${e.ASAN_OPTIONS}:detect_leaks=0`;
		const p = spawn(BIN, args, { env: e, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		p.stdout.on('data', (d) => { stdout += d; });
		p.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
		p.on('error', (err) => { clearTimeout(timer); reject(err); });
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
		p.stdin.on('error', () => {});
		p.stdin.end(input ?? '');
	});
}

function b64(s) { return Buffer.from(s, 'utf8').toString('base64'); }

/** The Authorization header for an auth option (see Server.api). */
export function authHeader(auth) {
	if (!auth || auth === 'anonymous')
		return undefined;
	if (typeof auth === 'string')
		return auth; // a raw header value
	if (auth.bearer)
		return `Bearer ${auth.bearer}`;
	if (auth.basic)
		return `Basic ${b64(`${auth.basic[0]}:${auth.basic[1]}`)}`;
	if (auth.token && auth.email)
		return `Bearer ${auth.token}`; // a user object from the harness
	throw new Error(`unknown auth option ${JSON.stringify(auth)}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Server {
	constructor(opts) {
		this.opts = opts;
		this.dir = null;
		this.port = 0;
		this.proc = null;
		this.exit = null;
		this.log = '';
		this.users = {};
		this.admin = null;
		this.exits = []; // every exit after SIGTERM: {code, signal} (null: timed out)
	}

	get base() { return `http://127.0.0.1:${this.port}`; }

	/** Adds a user through the CLI (server stopped or not); returns it. */
	async addUser(role, name, email, { password = PASSWORD, token = true } = {}) {
		const r = await runCli(['user', 'add', '--data', this.dir, '--role', role,
			'--name', name, '--email', email, '--password-stdin'],
		{ input: `${password}\n`, leaks: false });
		assert.equal(r.code, 0, `user add ${email} failed: ${r.stderr}`);
		const id = Number(r.stdout.trim());
		assert.ok(Number.isInteger(id) && id > 0, `user add printed ${JSON.stringify(r.stdout)}`);
		const u = { id, role, name, email, password };
		if (token)
			u.token = await this.createToken(email);
		return u;
	}

	async createToken(email) {
		const r = await runCli(['token', 'create', '--data', this.dir, '--email', email],
			{ leaks: false });
		assert.equal(r.code, 0, `token create ${email} failed: ${r.stderr}`);
		const t = r.stdout.trim();
		assert.match(t, /^[0-9a-f]{56}$/, `token create printed ${JSON.stringify(r.stdout)}`);
		return t;
	}

	async setup() {
		if (this.opts.joining) {
			// another node on the same database, with a data folder of its own
			const first = this.opts.joining;
			this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-node-'));
			dbOfDir.set(this.dir, dbOfDir.get(first.dir));
			this.admin = first.admin;
			this.users = first.users;
			return;
		}
		if (this.opts.data) {
			// serve a data folder (and its database) made beforehand
			this.dir = this.opts.data;
			this.admin = this.opts.admin;
			this.users = { ...(this.opts.users ?? {}) };
			return;
		}
		this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-api-'));
		this.db = this.opts.sqlite ? undefined : await newDatabase(this.dir);
		if (this.opts.database) {
			// serve a copy of an existing database (a backup) with its users
			await fs.copyFile(this.opts.database, path.join(this.dir, 'frontline.db'));
			this.admin = this.opts.admin;
			this.users = { ...(this.opts.users ?? {}) };
			return;
		}
		this.admin = await this.addUser('admin', 'Ada Admin', 'admin@example.test');
		this.users.admin = this.admin;
		for (const n of this.opts.agents ?? [])
			this.users[n] = await this.addUser('agent', `Agent ${n}`, `${n}@example.test`);
		for (const n of this.opts.endUsers ?? [])
			this.users[n] = await this.addUser('end-user', `Customer ${n}`, `${n}@example.test`);
	}

	env() {
		const e = { ...process.env, ...SAN_ENV, ...dbEnv(['--data', this.dir]) };
		if (this.opts.bodyLimit)
			e.FRONTLINE_BODY_LIMIT = String(this.opts.bodyLimit);
		if (this.opts.loginAttempts)
			e.FRONTLINE_LOGIN_ATTEMPTS = String(this.opts.loginAttempts);
		// the suites make hundreds of requests a minute with one token: the
		// API's rate limit is high unless a test sets its own (0: off)
		e.FRONTLINE_RATE_LIMIT = String(this.opts.rateLimit ?? RATE_LIMIT);
		return { ...e, ...(this.opts.env ?? {}) };
	}

	/** Spawns serve and waits (<= 10 s) until /healthz answers 200. */
	async start() {
		let lastErr;
		for (let attempt = 0; attempt < 3; attempt++) {
			this.port = await freePort();
			this.exit = null;
			this.log = '';
			const p = spawn(BIN, ['serve', '--data', this.dir,
				'--listen', `127.0.0.1:${this.port}`, ...(this.opts.logRequests ? [] : ['--quiet'])],
			{ env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
			this.proc = p;
			const keep = (d) => {
				this.log += d;
				if (this.log.length > LOG_KEEP)
					this.log = this.log.slice(-LOG_KEEP);
			};
			p.stdout.on('data', keep);
			p.stderr.on('data', keep);
			p.exited = new Promise((resolve) => {
				p.on('exit', (code, signal) => {
					this.exit = { code, signal };
					resolve(this.exit);
				});
			});
			try {
				await this.waitHealthy();
				return;
			} catch (err) {
				lastErr = err;
				if (this.proc && !this.exit)
					this.proc.kill('SIGKILL');
				await p.exited;
				if (!/cannot listen|Address already in use/i.test(this.log))
					break; // not a lost port race: do not retry
			}
		}
		throw lastErr;
	}

	async waitHealthy() {
		const deadline = Date.now() + HEALTH_WAIT_MS;
		for (;;) {
			if (this.exit)
				throw new Error(`server exited during start (${JSON.stringify(this.exit)}):\n${this.log}`);
			try {
				const r = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(1000) });
				await r.arrayBuffer();
				if (r.status === 200)
					return;
			} catch { /* not listening yet */ }
			if (Date.now() > deadline)
				throw new Error(`server not healthy within ${HEALTH_WAIT_MS} ms:\n${this.log}`);
			await sleep(50);
		}
	}

	/**
	 * One request. body: an object (sent as JSON), a string or a Buffer (sent
	 * as is), or null. opts.auth: a harness user (its token as Bearer), a
	 * {bearer}, a {basic: [user, password]}, a raw header string, or
	 * 'anonymous'; the admin's token by default. Resolves {status, headers,
	 * json, text}.
	 */
	async api(method, p, body = null, opts = {}) {
		const headers = { ...(opts.headers ?? {}) };
		const auth = 'auth' in opts ? opts.auth : this.admin;
		const h = authHeader(auth);
		if (h)
			headers.authorization = h;
		let payload;
		if (body !== null && body !== undefined) {
			if (typeof body === 'string' || Buffer.isBuffer(body)) {
				payload = body;
			} else {
				payload = JSON.stringify(body);
			}
			if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
				headers['content-type'] = 'application/json';
		}
		let r;
		try {
			r = await fetch(this.base + p, {
				method, headers, body: payload,
				signal: AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS),
			});
		} catch (err) {
			// a crashed server: say so, with what it printed, not just "fetch failed"
			if (this.proc && !this.exit)
				await Promise.race([this.proc.exited, sleep(500)]);
			if (this.exit)
				throw new Error(`${method} ${p}: the server is gone (${JSON.stringify(this.exit)}); its output:\n` +
					this.log.slice(-6000), { cause: err });
			throw err;
		}
		const text = await r.text();
		let json;
		if (text && (r.headers.get('content-type') ?? '').includes('json')) {
			try { json = JSON.parse(text); } catch { json = undefined; }
		}
		return { status: r.status, headers: r.headers, json, text };
	}

	/**
	 * Listens to GET /api/v2/events. Resolves {status, events, waitFor,
	 * close}: events collects {id, event, data} as they come; waitFor(pred)
	 * resolves the first event pred accepts (rejects after 10 s).
	 */
	async events(auth = this.admin, headers = {}) {
		const ac = new AbortController();
		const h = { ...headers };
		const a = authHeader(auth);
		if (a)
			h.authorization = a;
		const r = await fetch(`${this.base}/api/v2/events`, { headers: h, signal: ac.signal });
		const out = { status: r.status, headers: r.headers, events: [], close: () => ac.abort() };
		const waiters = [];
		const check = () => {
			for (const w of waiters.splice(0)) {
				const hit = out.events.find(w.pred);
				if (hit)
					w.resolve(hit);
				else
					waiters.push(w);
			}
		};
		out.waitFor = (pred, ms = 10_000) => new Promise((resolve, reject) => {
			const w = { pred, resolve };
			const t = setTimeout(() => reject(new Error(`no such event in ${ms} ms; got ${JSON.stringify(out.events)}`)), ms);
			w.resolve = (x) => { clearTimeout(t); resolve(x); };
			waiters.push(w);
			check();
		});
		if (r.status !== 200) {
			out.text = await r.text();
			return out;
		}
		(async () => {
			const dec = new TextDecoder();
			let buf = '';
			try {
				for await (const chunk of r.body) {
					buf += dec.decode(chunk, { stream: true });
					let i;
					while ((i = buf.indexOf('\n\n')) >= 0) {
						const block = buf.slice(0, i);
						buf = buf.slice(i + 2);
						const ev = {};
						for (const line of block.split('\n')) {
							const m = /^(id|event|data): (.*)$/.exec(line);
							if (m)
								ev[m[1]] = m[1] === 'data' ? JSON.parse(m[2]) : m[2];
						}
						if (ev.event)
							out.events.push(ev);
					}
					check();
				}
			} catch { /* closed */ }
			out.ended = true;
		})();
		return out;
	}

	/** Every live ticket, through cursor paging (100 a page). */
	async allTickets() {
		const out = [];
		let url = '/api/v2/tickets?page[size]=100';
		while (url) {
			const r = await this.api('GET', url);
			assert.equal(r.status, 200, r.text);
			out.push(...r.json.tickets);
			url = r.json.meta.has_more
				? `/api/v2/tickets?page[size]=100&page[after]=${r.json.meta.after_cursor}` : null;
		}
		return out;
	}

	/** Creates a ticket (as the admin unless opts.auth) and returns it. */
	async ticket(fields, opts = {}) {
		const t = { comment: { body: fields.body ?? 'Something is broken' }, ...fields };
		delete t.body;
		const r = await this.api('POST', '/api/v2/tickets', { ticket: t }, opts);
		assert.equal(r.status, 201, `create ticket: ${r.text}`);
		return r.json.ticket;
	}

	/** Sends SIGTERM and waits for the exit; asserts code 0 unless told not to. */
	async stop({ assertClean = true } = {}) {
		if (!this.proc)
			return this.exit;
		const p = this.proc;
		if (!this.exit)
			p.kill('SIGTERM');
		let timer;
		const res = await Promise.race([p.exited,
			new Promise((r) => { timer = setTimeout(() => r(null), STOP_WAIT_MS); })]);
		clearTimeout(timer);
		this.proc = null;
		this.exits.push(res);
		if (!res) {
			p.kill('SIGKILL');
			await p.exited;
			if (assertClean)
				assert.fail(`server did not exit within ${STOP_WAIT_MS} ms of SIGTERM:\n${this.log.slice(-8000)}`);
			return this.exit;
		}
		if (assertClean) {
			assert.deepEqual(res, { code: 0, signal: null },
				`server did not exit cleanly on SIGTERM:\n${this.log.slice(-8000)}`);
			assert.doesNotMatch(this.log, /runtime error:|AddressSanitizer|LeakSanitizer/,
				`sanitizer report in the server's output:\n${this.log.slice(-8000)}`);
		}
		return res;
	}

	/** Kills the server with SIGKILL (a crash) and waits for it to go. */
	async kill9() {
		if (!this.proc)
			return;
		const p = this.proc;
		p.kill('SIGKILL');
		await p.exited;
		this.proc = null;
	}

	/** Stops (SIGTERM, clean exit asserted unless told not to) and starts again. */
	async restart({ assertClean = true } = {}) {
		await this.stop({ assertClean });
		await this.start();
	}

	/** For after(): kills what is still running and removes the data folder. */
	async cleanup() {
		if (this.proc && !this.exit) {
			this.proc.kill('SIGKILL');
			await this.proc.exited;
		}
		this.proc = null;
		if (this.opts.joining) {
			dbOfDir.delete(this.dir);
			await fs.rm(this.dir, { recursive: true, force: true });
		} else if (this.dir && !this.opts.data) {
			await dropDatabase(this.dir);
			await fs.rm(this.dir, { recursive: true, force: true });
		}
		this.dir = null;
	}
}

/**
 * Makes a data folder with an admin (admin@example.test, password
 * PASSWORD) and the named agents and end users (NAME@example.test), each
 * with an API token, then starts serving. Options: agents, endUsers,
 * bodyLimit, loginAttempts, rateLimit (API requests a minute per client;
 * default 1,000,000, 0: off), env, logRequests (a log line per request, kept
 * in log like the rest of the output); or database (a SQLite file to serve a copy
 * of) with admin and users (the harness users it already holds); or data (a
 * data folder to serve as it is, with the database newDatabase gave it); or
 * joining (a server on PostgreSQL whose database this one serves too, as
 * another node). Stop the nodes that join before the one they join.
 * sqlite: true keeps SQLite on the PostgreSQL pass too.
 */
export async function startServer(opts = {}) {
	const s = new Server(opts);
	try {
		await s.setup();
		await s.start();
	} catch (err) {
		await s.cleanup();
		throw err;
	}
	return s;
}

/** Parses Prometheus text into [{name, labels, value}]. */
export function parseMetrics(text) {
	const out = [];
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#'))
			continue;
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
		if (!m)
			throw new Error(`not a Prometheus sample line: ${line}`);
		const labels = {};
		for (const lm of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
			labels[lm[1]] = lm[2];
		out.push({ name: m[1], labels, value: Number(m[4]) });
	}
	return out;
}

export { sleep };
