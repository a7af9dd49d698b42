#!/usr/bin/env node
// Seeds a Frontline desk through its API with N multilingual tickets.
//
//   node bench/seed.mjs --url http://127.0.0.1:PORT --token TOKEN [--tickets 100000]
//        [--concurrency 64] [--max-seconds 900] [--seed 1]
//
// About one ticket in three gets 1-3 extra comments (PUT with a comment).
// Progress goes to stderr; a one-line JSON summary goes to stdout:
//   {"tickets":N,"comments":N,"requests":N,"errors":N,"seconds":S,
//    "tickets_per_s":X,"requests_per_s":Y,"max_id":ID,"complete":true}
// Only http://127.0.0.1 is accepted. The run stops issuing requests after
// --max-seconds (the summary then says "complete":false, exit status 3).
// Exit status 1 when any request failed.
import { makeComment, makeTicket, rng } from './corpus.mjs';

function parseArgs(argv) {
	const o = { url: null, token: process.env.FRONTLINE_TOKEN || null, tickets: 100000,
		concurrency: 64, maxSeconds: 900, seed: 1, quiet: false };
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i], v = () => {
			if (i + 1 >= argv.length)
				throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		switch (a) {
		case '--url': o.url = v(); break;
		case '--token': o.token = v(); break;
		case '--tickets': o.tickets = Number(v()); break;
		case '--concurrency': o.concurrency = Number(v()); break;
		case '--max-seconds': o.maxSeconds = Number(v()); break;
		case '--seed': o.seed = Number(v()); break;
		case '--quiet': o.quiet = true; break;
		case '-h': case '--help':
			process.stdout.write('usage: node bench/seed.mjs --url http://127.0.0.1:PORT --token TOKEN\n' +
				'       [--tickets N] [--concurrency C] [--max-seconds S] [--seed K] [--quiet]\n');
			process.exit(0);
		default: throw new Error(`unknown argument ${a}`);
		}
	}
	if (!o.url || !o.token)
		throw new Error('--url and --token are required');
	const u = new URL(o.url);
	if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1')
		throw new Error(`refusing to seed ${o.url}: only http://127.0.0.1 (loopback) is allowed`);
	for (const k of ['tickets', 'concurrency', 'maxSeconds'])
		if (!Number.isInteger(o[k]) || o[k] < 1)
			throw new Error(`--${k} must be a positive integer`);
	o.url = u.origin;
	return o;
}

const opts = (() => {
	try {
		return parseArgs(process.argv);
	} catch (e) {
		process.stderr.write(`seed: ${e.message}\n`);
		process.exit(2);
	}
})();

const headers = {
	'Authorization': `Bearer ${opts.token}`,
	'Content-Type': 'application/json',
	'Accept': 'application/json',
};

const stats = { tickets: 0, comments: 0, requests: 0, errors: 0, maxId: 0, firstError: null };
const started = performance.now();
const deadline = started + opts.maxSeconds * 1000;
let stopped = false;

async function call(method, path, body, want) {
	const ctl = AbortSignal.timeout(30000);
	let res, text;
	try {
		res = await fetch(opts.url + path, { method, headers, body: JSON.stringify(body), signal: ctl });
		text = await res.text();
	} catch (e) {
		stats.requests++;
		stats.errors++;
		stats.firstError ??= `${method} ${path}: ${e.message}`;
		return null;
	}
	stats.requests++;
	if (res.status !== want) {
		stats.errors++;
		stats.firstError ??= `${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`;
		return null;
	}
	return JSON.parse(text);
}

// Ticket i's text depends only on (seed, i), whatever the scheduling.
async function seedOne(i) {
	const r = rng(opts.seed * 1000003 + i);
	const t = makeTicket(r);
	const made = await call('POST', '/api/v2/tickets', { ticket: t.ticket }, 201);
	if (!made)
		return;
	const id = made.ticket.id;
	stats.tickets++;
	if (id > stats.maxId)
		stats.maxId = id;
	if (r() < 1 / 3) {
		const n = 1 + Math.floor(r() * 3);
		for (let k = 0; k < n && !stopped; k++) {
			if (await call('PUT', `/api/v2/tickets/${id}`, { ticket: { comment: makeComment(r, t.lang) } }, 200))
				stats.comments++;
		}
	}
}

let next = 0;
async function worker() {
	while (next < opts.tickets) {
		if (performance.now() > deadline || stats.errors > 100) {
			stopped = true;
			return;
		}
		await seedOne(next++);
	}
}

const tty = process.stderr.isTTY;
let lastPct = -1;
function progress(final) {
	const secs = (performance.now() - started) / 1000;
	const done = stats.tickets;
	const pct = Math.floor((100 * done) / opts.tickets);
	const rate = secs > 0 ? done / secs : 0;
	const eta = rate > 0 ? (opts.tickets - done) / rate : 0;
	const width = 30, fill = Math.round((width * done) / opts.tickets);
	const line = `seed [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ` +
		`${done}/${opts.tickets} tickets, ${stats.comments} comments, ${rate.toFixed(0)} tickets/s` +
		(final ? '' : `, ETA ${eta.toFixed(0)} s`) + (stats.errors ? `, ${stats.errors} ERRORS` : '');
	if (opts.quiet && !final)
		return;
	if (tty)
		process.stderr.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
	else if (final || pct >= lastPct + 10) {
		// not a terminal (a log file, CI): one line per 10 %
		lastPct = pct - (pct % 10);
		process.stderr.write(line + '\n');
	}
}

const timer = setInterval(() => progress(false), tty ? 250 : 1000);
await Promise.all(Array.from({ length: opts.concurrency }, worker));
clearInterval(timer);
progress(true);

const seconds = (performance.now() - started) / 1000;
const complete = stats.tickets === opts.tickets && stats.errors === 0;
const summary = {
	tickets: stats.tickets,
	comments: stats.comments,
	requests: stats.requests,
	errors: stats.errors,
	seconds: Number(seconds.toFixed(2)),
	tickets_per_s: Number((stats.tickets / seconds).toFixed(1)),
	requests_per_s: Number((stats.requests / seconds).toFixed(1)),
	max_id: stats.maxId,
	concurrency: opts.concurrency,
	complete,
};
process.stderr.write(`seed: ${summary.tickets} tickets + ${summary.comments} comments in ${summary.seconds} s: ` +
	`${summary.tickets_per_s} tickets/s, ${summary.requests_per_s} requests/s` +
	` (${opts.concurrency} in flight)\n`);
if (stats.firstError)
	process.stderr.write(`seed: ${stats.errors} failed requests; first: ${stats.firstError}\n`);
if (stopped && stats.tickets < opts.tickets)
	process.stderr.write(`seed: stopped early after ${opts.maxSeconds} s or too many errors\n`);
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(stats.errors ? 1 : complete ? 0 : 3);
