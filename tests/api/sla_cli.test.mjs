// `frontline sla recompute` and `frontline sla tick` (src/cli/sla.c): the
// server's SLA work run by hand beside a running server — a desk whose
// measurements were lost (a restore) measured again quietly, the events due
// fired once — and arguments that do not fit refused with the usage.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { runCli, sqlOn, startServer } from './lib/server.mjs';

let srv, agent, alice;

before(async () => {
	// the server's own scheduler must not fire what the test fires by hand
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'], env: { FRONTLINE_SLA_TICK: '3600' } });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function sqlite(db, sql) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', db], { stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(sql);
	});
}
const sql = (text) => (srv.db ? sqlOn(srv.db, text) : sqlite(path.join(srv.dir, 'frontline.db'), text));

async function slas(id) {
	const r = await srv.api('GET', `/api/v2/tickets?include=slas&sort_by=sla_next_breach_at&per_page=100`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.tickets.find((t) => t.id === id).slas;
}

async function events(id) {
	const r = await srv.api('GET', `/api/v2/tickets/${id}/sla_events`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.sla_events.map((e) => e.kind);
}

describe('frontline sla', () => {
	let ticket;

	before(async () => {
		const p = await srv.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'By hand',
			filter: { all: [{ field: 'tags', operator: 'includes', value: 'by-hand' }] },
			policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 120 }],
			warning_minutes: 30 } });
		assert.equal(p.status, 201, p.text);
		const t = await srv.ticket({ subject: 'Lost', body: 'Where is it?', priority: 'urgent' }, { auth: alice });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { tags: ['by-hand'] } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		ticket = t.id;
	});

	it('recompute measures again a desk whose measurements were lost, firing nothing', async () => {
		const measured = await slas(ticket);
		assert.equal(measured.policy_metrics[0].stage, 'active');
		const logged = await events(ticket);
		await sql(`DELETE FROM ticket_sla_metrics; DELETE FROM ticket_slas;`);
		assert.deepEqual((await slas(ticket)).policy_metrics, []);
		const r = await runCli(['sla', 'recompute', '--data', srv.dir]);
		assert.equal(r.code, 0, r.stderr);
		const out = JSON.parse(r.stdout);
		assert.ok(out.tickets >= 1, r.stdout);
		assert.ok(out.seconds >= 0 && out.seconds < 30, r.stdout);
		const again = await slas(ticket);
		assert.deepEqual(again.policy_metrics.map((m) => [m.metric, m.stage, m.breach_at]),
			measured.policy_metrics.map((m) => [m.metric, m.stage, m.breach_at]));
		assert.deepEqual(await events(ticket), logged, 'quiet: no event');
	});

	it('tick fires what is due once, then finds nothing due', async () => {
		// 20 minutes left of the two hours: the warning is due
		await sql(`UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id = ${ticket};
			UPDATE ticket_sla_metrics SET breach_at = breach_at - 6000 WHERE ticket_id = ${ticket};
			UPDATE tickets SET created_at = created_at - 6000 WHERE id = ${ticket};
			UPDATE comments SET created_at = created_at - 6000 WHERE ticket_id = ${ticket};`);
		let r = await runCli(['sla', 'tick', '--data', srv.dir]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(JSON.parse(r.stdout).refreshed, 1, r.stdout);
		assert.ok((await events(ticket)).includes('warning'));
		r = await runCli(['sla', 'tick', '--data', srv.dir, '--times', '20']);
		assert.equal(r.code, 0, r.stderr);
		const out = JSON.parse(r.stdout);
		assert.equal(out.ticks, 20);
		assert.equal(out.refreshed, 0, r.stdout);
		assert.ok(out.p50_us <= out.p99_us && out.p99_us <= out.max_us, r.stdout);
		assert.equal((await events(ticket)).filter((k) => k === 'warning').length, 1);
	});

	it('refuses what does not fit with the usage, exit 2', async () => {
		for (const args of [['sla'], ['sla', 'frobnicate'], ['sla', 'tick', '--times', '0'],
			['sla', 'tick', '--times', '-3'], ['sla', 'tick', '--times', '99999999999'],
			['sla', 'tick', '--times', '5x'], ['sla', 'recompute', '--times', '2'],
			['sla', 'recompute', 'extra']]) {
			const r = await runCli([...args, '--data', srv.dir]);
			assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, /usage: frontline sla/);
		}
		const help = await runCli(['sla', 'recompute', '--help']);
		assert.equal(help.code, 0);
		assert.match(help.stdout, /usage: frontline sla recompute/);
	});
});
