#!/usr/bin/env node
// Prints N multilingual tickets, one JSON object a line, for
// `frontline seed` (bench/run.sh with SEED=store):
//
//   node bench/tickets.mjs [--tickets 1000000] [--seed 1] [--max-seconds S] |
//        frontline seed --data DIR --tickets N
//
// Ticket i is bench/corpus.mjs's makeTicket for (seed, i), the same text
// bench/seed.mjs sends through the API, in the shape of the "ticket" of
// POST /api/v2/tickets. Written in chunks of whole lines, waiting when the
// pipe is full; with --max-seconds it stops after the chunk that passes
// that time (the seeding then ends there).
import { makeTicket, rng } from './corpus.mjs';

let tickets = 1000000, seed = 1, maxSeconds = Infinity;
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--tickets')
		tickets = Number(process.argv[++i]);
	else if (a === '--seed')
		seed = Number(process.argv[++i]);
	else if (a === '--max-seconds')
		maxSeconds = Number(process.argv[++i]);
	else if (a === '-h' || a === '--help') {
		process.stdout.write('usage: node bench/tickets.mjs [--tickets N] [--seed K] [--max-seconds S]\n');
		process.exit(0);
	} else {
		process.stderr.write(`tickets.mjs: unknown argument ${a}\n`);
		process.exit(2);
	}
}
if (!Number.isInteger(tickets) || tickets < 1) {
	process.stderr.write('tickets.mjs: --tickets must be a positive whole number\n');
	process.exit(2);
}

process.stdout.on('error', () => process.exit(0)); // the reader stopped early
const deadline = performance.now() + maxSeconds * 1000;
let chunk = [];
for (let i = 0; i < tickets; i++) {
	chunk.push(JSON.stringify(makeTicket(rng(seed * 1000003 + i)).ticket));
	if (chunk.length === 1000 || i === tickets - 1) {
		if (!process.stdout.write(chunk.join('\n') + '\n'))
			await new Promise((resolve) => process.stdout.once('drain', resolve));
		chunk = [];
		if (performance.now() > deadline)
			break;
	}
}
