// Upgrades and backups as an operator meets them: a binary older than its
// database refuses to run, an old SQLite database is copied aside before
// it is migrated, and backups are readable by their owner only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PASSWORD, dropDatabase, newDatabase, runCli, sqlOn, startServer } from './lib/server.mjs';

const MIGRATIONS = new URL('../../src/store/migrations/sqlite/', import.meta.url);

const dirs = [];
let migrations; // the SQLite migration files, in order
let known; // the newest schema version this frontline knows

before(async () => {
	migrations = (await fs.readdir(MIGRATIONS)).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
	known = parseInt(migrations.at(-1), 10);
});
after(async () => {
	for (const d of dirs) {
		await dropDatabase(d);
		await fs.rm(d, { recursive: true, force: true });
	}
});

async function newDir() {
	const d = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-upgrade-'));
	dirs.push(d);
	return d;
}

/** Runs sql through Debian's sqlite3 shell on the file db; resolves its output. */
function sqlite(db, sql) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(sql);
	});
}

const REFUSAL = (have) => `the database is at schema version ${have}; this frontline knows up to ${known}: ` +
	'run the newer frontline, or restore the backup taken before the upgrade';

describe('a database newer than the binary', () => {
	let d, uri;

	before(async () => {
		d = await newDir();
		uri = await newDatabase(d);
		const r = await runCli(['user', 'add', '--data', d, '--role', 'admin', '--name', 'Root',
			'--email', 'root@example.test', '--password-stdin'], { input: `${PASSWORD}\n` });
		assert.equal(r.code, 0, r.stderr);
		// what a release three migrations ahead leaves behind
		const raise = `INSERT INTO schema_version(version) VALUES (${known + 3})`;
		if (uri)
			await sqlOn(uri, raise);
		else
			await sqlite(path.join(d, 'frontline.db'), raise);
	});

	const commands = () => [
		['serve', '--data', d, '--listen', '127.0.0.1:0', '--quiet'],
		['backup', '--data', d, '--to', path.join(d, 'copy.db')],
		['demo', '--data', d],
		['token', 'create', '--data', d, '--email', 'root@example.test'],
		['user', 'add', '--data', d, '--role', 'agent', '--name', 'A', '--email', 'a@example.test', '--password-stdin'],
	];
	for (const i of [0, 1, 2, 3, 4]) {
		it(`\`frontline ${['serve', 'backup', 'demo', 'token create', 'user add'][i]}\` exits 1 and says why`, async () => {
			const r = await runCli(commands()[i], { input: `${PASSWORD}\n`, timeoutMs: 20_000 });
			assert.equal(r.code, 1, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
			assert.ok(r.stderr.includes(REFUSAL(known + 3)), r.stderr);
		});
	}

	it('`frontline migrate` exits 1 and says why, whichever side is newer', async () => {
		let r;
		if (uri) {
			// a current SQLite store, into the newer PostgreSQL database
			const fresh = await newDir();
			r = await runCli(['user', 'add', '--data', fresh, '--role', 'admin', '--name', 'Root',
				'--email', 'root@example.test', '--password-stdin'], { input: `${PASSWORD}\n` });
			assert.equal(r.code, 0, r.stderr);
			r = await runCli(['migrate', '--from', fresh, '--to', uri]);
		} else {
			r = await runCli(['migrate', '--from', d, '--to', 'postgres://nobody@127.0.0.1:1/none']);
		}
		assert.equal(r.code, 1, r.stderr);
		assert.ok(r.stderr.includes(REFUSAL(known + 3)), r.stderr);
	});

	it('nothing was written: no backup file, and the version is still the newer one', async () => {
		await assert.rejects(fs.access(path.join(d, 'copy.db')));
		const q = 'SELECT MAX(version) FROM schema_version';
		const v = uri ? (await sqlOn(uri, q)).trim() : await sqlite(path.join(d, 'frontline.db'), q);
		assert.equal(v, String(known + 3));
		const files = await fs.readdir(d);
		assert.deepEqual(files.filter((f) => f.includes('before-v')), [], files.join(' '));
	});
});

// SQLite only (PostgreSQL is backed up with pg_dump before an upgrade):
// these run on SQLite on both passes.
describe('upgrading an older SQLite database', () => {
	// the release the database comes from: two migrations back (by file, as
	// numbers may skip: a branch's migration numbered after others to come),
	// but from before 031 at the latest: the sqlite3 shell cannot make a
	// later database, whose search index needs frontline's tokenizer "fl"
	const n = () => Math.min(parseInt(migrations.at(-3), 10), 30);

	/**
	 * Makes db the database of release n, as that release left it: its
	 * migrations run through the sqlite3 shell, and mark in a table of its own.
	 */
	async function oldDatabase(db, mark) {
		let sql = 'CREATE TABLE schema_version(version INTEGER NOT NULL);\n';
		for (const f of migrations.filter((m) => parseInt(m, 10) <= n())) {
			sql += `${await fs.readFile(new URL(f, MIGRATIONS), 'utf8')}\n`;
			sql += `INSERT INTO schema_version(version) VALUES (${parseInt(f, 10)});\n`;
		}
		sql += `CREATE TABLE upgrade_mark(what TEXT); INSERT INTO upgrade_mark VALUES ('${mark}');\n`;
		await sqlite(db, sql);
	}

	/** Serves the folder d until healthy; resolves what it printed. */
	async function serve(d) {
		const srv = await startServer({ data: d, sqlite: true });
		const log = srv.log;
		await srv.stop();
		return log;
	}

	let d, db, copy;
	before(async () => {
		d = await newDir();
		db = path.join(d, 'frontline.db');
		copy = `${db}.before-v${n()}`;
	});

	it('`serve` copies the database aside, 0600 and at the old version, then migrates it', async () => {
		await oldDatabase(db, 'first');
		const log = await serve(d);
		assert.ok(log.includes(`the database before this upgrade is saved in ${copy}`), log);
		const st = await fs.stat(copy);
		assert.equal(st.mode & 0o777, 0o600);
		assert.equal(await sqlite(copy, 'PRAGMA integrity_check'), 'ok');
		assert.equal(await sqlite(copy, 'SELECT MAX(version) FROM schema_version'), String(n()));
		assert.equal(await sqlite(copy, 'SELECT what FROM upgrade_mark'), 'first');
		assert.equal(await sqlite(db, 'SELECT MAX(version) FROM schema_version'), String(known));
		assert.equal(await sqlite(db, 'SELECT what FROM upgrade_mark'), 'first');
	});

	it('a start with nothing to migrate makes no copy', async () => {
		const before = (await fs.stat(copy)).mtimeMs;
		const log = await serve(d);
		assert.ok(!log.includes('before this upgrade'), log);
		assert.equal((await fs.stat(copy)).mtimeMs, before);
	});

	it('a second upgrade from the same version replaces that copy: one file per version', async () => {
		await fs.rm(db);
		await oldDatabase(db, 'second');
		await serve(d);
		assert.equal(await sqlite(copy, 'SELECT what FROM upgrade_mark'), 'second');
		const left = (await fs.readdir(d)).filter((f) => f.startsWith('frontline.db.'));
		assert.deepEqual(left.filter((f) => f.includes('before-v')), [`frontline.db.before-v${n()}`], left.join(' '));
	});
});

describe('upgrading a database whose search index knows no stems (before 031)', () => {
	// a desk of release 30, its ticket written as that release wrote it:
	// the index by SQLite's unicode61 tokenizer, words as written
	const SEARCH = 31;
	let d, db, srv;

	before(async () => {
		d = await newDir();
		db = path.join(d, 'frontline.db');
		let sql = 'CREATE TABLE schema_version(version INTEGER NOT NULL);\n';
		for (const f of migrations.filter((m) => parseInt(m, 10) < SEARCH)) {
			sql += `${await fs.readFile(new URL(f, MIGRATIONS), 'utf8')}\n`;
			sql += `INSERT INTO schema_version(version) VALUES (${parseInt(f, 10)});\n`;
		}
		const now = Math.floor(Date.now() / 1000);
		sql += `INSERT INTO users (id, role, name, email, created_at, updated_at)
			VALUES (900, 0, 'Old Customer', 'old@example.test', ${now}, ${now});
		INSERT INTO tickets (id, subject, status, channel, requester_id, submitter_id, created_at, updated_at)
			VALUES (7, 'Повернення коштів', 1, 0, 900, 900, ${now}, ${now});
		INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body, channel, created_at)
			VALUES (7, 1, 900, 1, 'Прошу повернути оплату за доставку', '', 0, ${now});
		INSERT INTO search_fts (rowid, body) VALUES ((7 << 21) | 1, 'Повернення коштів');
		INSERT INTO search_fts (rowid, body) VALUES ((7 << 21) | 3, 'Прошу повернути оплату за доставку');\n`;
		await sqlite(db, sql);
		// the old index matches the word as written only
		assert.equal(await sqlite(db, "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'оплата'"), '0');
		assert.equal(await sqlite(db, "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'оплату'"), '1');
	});
	after(async () => { await srv?.stop(); });

	it('`serve` migrates, rebuilds the index, and inflected words find the old ticket', async () => {
		assert.equal(await sqlite(db, "SELECT COUNT(*) FROM settings WHERE key = 'search.text_version'"), '0');
		srv = await startServer({ data: d, sqlite: true });
		srv.admin = await srv.addUser('admin', 'Ada Admin', 'admin@example.test');
		// the analysis this build indexes with (src/core/text.h)
		const header = await fs.readFile(new URL('../../src/core/text.h', import.meta.url), 'utf8');
		const version = /#define FL_TEXT_VERSION (\d+)/.exec(header)[1];
		assert.equal(await sqlite(db, "SELECT value FROM settings WHERE key = 'search.text_version'"), version);
		for (const q of ['оплата', 'оплати', 'повернути', 'поверненням', 'коштами', 'доставка', 'кошт*']) {
			const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`);
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.results.map((x) => x.id), [7], q);
		}
	});

	it('`frontline search reindex` rebuilds it on demand and says how many tickets', async () => {
		const r = await runCli(['search', 'reindex', '--data', d]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(JSON.parse(r.stdout).tickets, 1);
		const help = await runCli(['search', 'reindex', '--help']);
		assert.equal(help.code, 0);
		assert.match(help.stdout, /usage: frontline search reindex/);
		const bad = await runCli(['search', 'rebuild', '--data', d]);
		assert.equal(bad.code, 2);
	});
});

// SQLite only, on both passes: PostgreSQL is backed up with pg_dump.
describe('frontline backup', () => {
	it('writes a file readable by the owner only, whatever the umask', async () => {
		const d = await newDir();
		let r = await runCli(['user', 'add', '--data', d, '--role', 'admin', '--name', 'Root',
			'--email', 'root@example.test', '--password-stdin'], { input: `${PASSWORD}\n` });
		assert.equal(r.code, 0, r.stderr);
		const to = path.join(d, 'copy.db');
		// a umask that would leave a file SQLite creates readable and writable by all
		const old = process.umask(0);
		try {
			r = await runCli(['backup', '--data', d, '--to', to]);
		} finally {
			process.umask(old);
		}
		assert.equal(r.code, 0, r.stderr);
		assert.equal((await fs.stat(to)).mode & 0o777, 0o600);
		assert.equal(await sqlite(to, 'SELECT email FROM users'), 'root@example.test');
	});
});
