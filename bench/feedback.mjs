#!/usr/bin/env node
// The measuring half of bench/feedback.sh: latency percentiles and
// throughput of a list of requests, each against the ceiling (GET /healthz
// from this same client, at the same connection count, in the same run),
// and the time an NPS survey takes to be sent.
//
//   node bench/feedback.mjs --url http://127.0.0.1:PORT --token TOKEN --plan PLAN.json
//        [--db FILE]
//
// PLAN is {"samples": N, "connections": [1, 8], "items": [{"name", "path"
// or "paths_file" (one path a line, taken in turn), "auth" (send the
// token; default true), "connections" (default [1]), "samples"}], "survey":
// {"people": N, "audience_days": D} or null}. Each item is run with its
// own connection counts; the ceiling is run at every count any item uses.
// The first round of each item (a tenth of its samples, at least 3) is a
// warm-up and not counted.
//
// The survey: POST /api/v2/nps/surveys (audience "solved", cool_off_days
// 0), POST …/send, then GET …/{id} every 50 ms until its status is
// "sent". The send job asks 100 people a run and queues the next run 20 s
// later (FL_NPS_BATCH_GAP, by design: mail for people's own requests goes
// ahead of a survey's); with --db, each poll moves a queued nps-send job's
// run_at to now with sqlite3, so the figure is the work of the send, not
// its pacing (which the output states separately).
//
// Prints one JSON object. Exit status 1 when any request failed (non-2xx,
// a socket error, the survey not sent).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const o = { url: null, token: null, plan: null, db: null };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = () => process.argv[++i];
	if (a === '--url') o.url = v();
	else if (a === '--token') o.token = v();
	else if (a === '--plan') o.plan = v();
	else if (a === '--db') o.db = v();
	else {
		process.stderr.write(`feedback.mjs: unknown argument ${a}\n`);
		process.exit(2);
	}
}
const u = o.url && new URL(o.url);
if (!u || u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || !o.token || !o.plan) {
	process.stderr.write('feedback.mjs: --url http://127.0.0.1:PORT, --token and --plan are required\n');
	process.exit(2);
}
const base = u.origin;
const plan = JSON.parse(readFileSync(o.plan, 'utf8'));
const auth = { Authorization: `Bearer ${o.token}` };
let failures = 0;
const firstFailures = [];
const fail = (what) => {
	failures++;
	if (firstFailures.length < 5)
		firstFailures.push(what);
};

// nearest rank
const pct = (s, p) => (s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] : null);
const r2 = (x) => (x == null ? null : Number(x.toFixed(2)));

async function one(path, withAuth) {
	const t0 = performance.now();
	try {
		const res = await fetch(base + path, { headers: withAuth ? auth : {}, signal: AbortSignal.timeout(60000) });
		const body = await res.arrayBuffer();
		const dt = performance.now() - t0;
		if (res.status < 200 || res.status > 299)
			fail(`${path}: HTTP ${res.status} ${Buffer.from(body).toString('utf8', 0, 160)}`);
		return { dt, bytes: body.byteLength };
	} catch (err) {
		fail(`${path}: ${err.message}`);
		return { dt: performance.now() - t0, bytes: 0 };
	}
}

// samples requests over `connections` workers taking paths in turn
async function run(paths, withAuth, samples, connections) {
	let next = 0;
	const times = [];
	let bytes = 0;
	const started = performance.now();
	const worker = async () => {
		while (next < samples) {
			const path = paths[next++ % paths.length];
			const r = await one(path, withAuth);
			times.push(r.dt);
			bytes += r.bytes;
		}
	};
	await Promise.all(Array.from({ length: connections }, worker));
	const secs = (performance.now() - started) / 1000;
	times.sort((a, b) => a - b);
	return { samples: times.length, rps: Number((times.length / secs).toFixed(1)), p50_ms: r2(pct(times, 50)),
		p95_ms: r2(pct(times, 95)), p99_ms: r2(pct(times, 99)), max_ms: r2(times.at(-1)),
		avg_bytes: Math.round(bytes / Math.max(1, times.length)) };
}

const items = plan.items.map((it) => ({
	...it,
	paths: it.paths_file ? readFileSync(it.paths_file, 'utf8').split('\n').filter(Boolean) : [it.path],
	connections: it.connections || [1],
	samples: it.samples || plan.samples,
	auth: it.auth !== false,
}));
const counts = [...new Set(items.flatMap((it) => it.connections))].sort((a, b) => a - b);
const ceilingSamples = Math.max(...items.map((it) => it.samples), 200);
// the ceiling at each count once at the start, and again right before
// each item (the machine is shared: its load changes between items)
const ceiling = {};
for (const c of counts) {
	await run(['/healthz'], false, Math.max(20, ceilingSamples / 10), c);
	ceiling[c] = await run(['/healthz'], false, ceilingSamples, c);
}
const results = [];
for (const it of items) {
	for (const c of it.connections) {
		process.stderr.write(`feedback: ${it.name}, ${c} connection(s), ${it.samples} requests\n`);
		await run(it.paths, it.auth, Math.max(3, Math.ceil(it.samples / 10)), c);
		const ceil = await run(['/healthz'], false, Math.min(Math.max(it.samples, 200), 1000), c);
		const m = await run(it.paths, it.auth, it.samples, c);
		results.push({ name: it.name, path: it.paths[0], connections: c, ...m,
			ceiling_rps: ceil.rps, ceiling_p50_ms: ceil.p50_ms, ceiling_p95_ms: ceil.p95_ms, ceiling_p99_ms: ceil.p99_ms,
			vs_ceiling_rps: Number((m.rps / ceil.rps).toFixed(4)) });
	}
}

let survey = null;
if (plan.survey) {
	const post = async (path, body) => {
		const res = await fetch(base + path, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
			body: JSON.stringify(body) });
		const j = await res.json().catch(() => null);
		if (res.status < 200 || res.status > 299)
			throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(j)}`);
		return j;
	};
	try {
		process.stderr.write(`feedback: sending an NPS survey\n`);
		const made = await post('/api/v2/nps/surveys', { nps_survey: { name: 'Bench survey', audience: 'solved',
			audience_days: plan.survey.audience_days, cool_off_days: 0 } });
		const id = made.nps_survey.id;
		// the job runner runs one job at a time: on a desk this size the
		// periodic jobs queued at the start (automations over every ticket)
		// can hold it for minutes, and a survey sent then waits for them;
		// measured here is the send on an idle runner, the wait reported
		let idleWait = 0;
		if (o.db) {
			const w0 = performance.now();
			for (;;) {
				const busy = Number(execFileSync('sqlite3', ['-cmd', '.timeout 30000', o.db,
					"SELECT COUNT(*) FROM jobs WHERE state = 1 OR (state = 0 AND run_at <= strftime('%s', 'now'))"],
				{ encoding: 'utf8' }).trim());
				if (!busy || performance.now() - w0 > 900000)
					break;
				await new Promise((r) => setTimeout(r, 500));
			}
			idleWait = (performance.now() - w0) / 1000;
			process.stderr.write(`feedback: waited ${idleWait.toFixed(1)} s for the job runner to be idle\n`);
		}
		const t0 = performance.now();
		await post(`/api/v2/nps/surveys/${id}/send`, {});
		const tAccepted = performance.now() - t0;
		let s = null, hurried = 0, lastSent = 0, lastAt = performance.now();
		const gaps = []; // ms between the polls that saw the count of people asked grow
		const deadline = t0 + (plan.survey.max_seconds || 1800) * 1000;
		for (;;) {
			if (o.db) {
				// the next batch now rather than FL_NPS_BATCH_GAP later
				const out = execFileSync('sqlite3', ['-cmd', '.timeout 30000', o.db,
					"UPDATE jobs SET run_at = strftime('%s', 'now') WHERE kind = 'nps-send' AND state = 0" +
					" AND run_at > strftime('%s', 'now'); SELECT changes();"], { encoding: 'utf8' });
				hurried += Number(out.trim()) || 0;
			}
			// a poll is not a measured request: a dropped connection is tried again
			let res;
			for (let tries = 0; ; tries++) {
				try {
					res = await fetch(`${base}/api/v2/nps/surveys/${id}`, { headers: auth });
					break;
				} catch (err) {
					if (tries >= 3)
						throw err;
					process.stderr.write(`feedback: polling the survey: ${err.message} (${err.cause?.message}); again\n`);
				}
			}
			if (res.status !== 200)
				throw new Error(`GET survey: HTTP ${res.status}`);
			s = (await res.json()).nps_survey;
			if (s.counts.sent > lastSent) {
				const at = performance.now();
				if (lastSent)
					gaps.push(at - lastAt);
				lastSent = s.counts.sent;
				lastAt = at;
			}
			if (s.status === 'sent' || performance.now() > deadline)
				break;
			await new Promise((r) => setTimeout(r, 50));
		}
		const secs = (performance.now() - t0) / 1000;
		if (s.status !== 'sent')
			fail(`the survey was not sent in ${plan.survey.max_seconds || 1800} s (${s.counts.sent} asked)`);
		if (s.counts.sent < plan.survey.people)
			fail(`the survey asked ${s.counts.sent} people, not ${plan.survey.people}`);
		survey = { people: s.counts.sent, skipped: s.counts.skipped_cool_off + s.counts.skipped_unsubscribed +
			s.counts.skipped_bouncing, seconds: Number(secs.toFixed(2)), people_per_s: Number((s.counts.sent / secs).toFixed(1)),
			send_accepted_ms: r2(tAccepted), runner_idle_wait_s: Number(idleWait.toFixed(1)), batches_hurried: hurried, status: s.status,
			batch_gap_min_ms: r2(Math.min(...gaps)), batch_gap_p50_ms: r2(pct(gaps.sort((a, b) => a - b), 50)) };
	} catch (err) {
		fail(`survey: ${err.message}${err.cause ? ` (${err.cause.message || err.cause})` : ''}`);
	}
}

process.stdout.write(JSON.stringify({ ceiling, results, survey, failures, first_failures: firstFailures }) + '\n');
process.exit(failures ? 1 : 0);
