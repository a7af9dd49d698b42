#!/usr/bin/env node
// Sequential search latency: one connection, one request at a time, the way
// one agent typing in the search box sees it. wrk's --latency table has no
// p95, so this measures p50/p95/p99 directly.
//
//   node bench/search-latency.mjs --url http://127.0.0.1:PORT --token TOKEN
//        [--samples 500] [--words w1,w2,...] [--extra "&per_page=25"] [--max-seconds 300]
//        [--articles] [--ceiling /healthz]
//
// First asks /api/v2/search/count for each word (how many tickets match),
// then runs --samples searches rotating through the words, and prints one
// JSON object to stdout. Exit status 1 when any response was not 2xx.
// Only http://127.0.0.1 is accepted; stops after --max-seconds.
//
// --articles searches the knowledge base instead: each word is
// "locale:query" (GET /api/v2/help_center/articles/search?query=&locale=),
// and its hits are the count of its first answer (with corrected_query
// when the search corrected a typo). --ceiling PATH then measures PATH the
// same way, --samples times one at a time on the same connection (the
// floor any request of this client pays: HTTP, the server's dispatch):
// ceiling_p50_ms… and vs_ceiling, the search's p95 over the ceiling's.

const DEFAULT_WORDS = ['замовлення', 'refund', 'посылка', 'grąžinimas', 'подписка', 'zygimantas', 'Ворохті', 'Aberystwyth'];

const o = { url: null, token: process.env.BENCH_TOKEN || null, samples: 500,
	words: process.env.BENCH_SEARCH_WORDS ? process.env.BENCH_SEARCH_WORDS.split(',') : DEFAULT_WORDS,
	extra: process.env.BENCH_SEARCH_EXTRA || '', maxSeconds: 300, articles: false, ceiling: null };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = () => process.argv[++i];
	if (a === '--url') o.url = v();
	else if (a === '--token') o.token = v();
	else if (a === '--samples') o.samples = Number(v());
	else if (a === '--words') o.words = v().split(',');
	else if (a === '--extra') o.extra = v();
	else if (a === '--max-seconds') o.maxSeconds = Number(v());
	else if (a === '--articles') o.articles = true;
	else if (a === '--ceiling') o.ceiling = v();
	else {
		process.stderr.write(`search-latency: unknown argument ${a}\n`);
		process.exit(2);
	}
}
const u = o.url && new URL(o.url);
if (!u || u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || !o.token) {
	process.stderr.write('search-latency: --url http://127.0.0.1:PORT and --token are required (loopback only)\n');
	process.exit(2);
}
const base = u.origin;
const headers = { Authorization: `Bearer ${o.token}`, Accept: 'application/json' };

function pct(sorted, p) {
	if (!sorted.length)
		return null;
	// nearest-rank
	const k = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[k];
}
const ms = (x) => (x == null ? null : Number(x.toFixed(2)));

let non2xx = 0, firstBad = null;
async function get(path) {
	const t0 = performance.now();
	const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(60000) });
	const body = await res.text();
	const dt = performance.now() - t0;
	if (res.status < 200 || res.status > 299) {
		non2xx++;
		firstBad ??= `${path}: HTTP ${res.status} ${body.slice(0, 160)}`;
	}
	return { dt, body, status: res.status };
}

function searchPath(w) {
	if (!o.articles)
		return `/api/v2/search?query=${encodeURIComponent(w)}${o.extra}`;
	const k = w.indexOf(':');
	return `/api/v2/help_center/articles/search?locale=${encodeURIComponent(w.slice(0, k))}` +
		`&query=${encodeURIComponent(w.slice(k + 1))}${o.extra}`;
}

const hits = {}, corrected = {};
for (const w of o.words) {
	const r = await get(o.articles ? searchPath(w) : `/api/v2/search/count?query=${encodeURIComponent(w)}`);
	try {
		const j = JSON.parse(r.body);
		hits[w] = j.count;
		if (j.corrected_query)
			corrected[w] = j.corrected_query;
	} catch {
		hits[w] = null;
	}
}

// one unmeasured round to warm the page cache and the statement caches
for (const w of o.words)
	await get(searchPath(w));

const all = [], per = Object.fromEntries(o.words.map((w) => [w, []]));
const started = performance.now();
for (let i = 0; i < o.samples; i++) {
	if (performance.now() - started > o.maxSeconds * 1000)
		break;
	const w = o.words[i % o.words.length];
	const r = await get(searchPath(w));
	all.push(r.dt);
	per[w].push(r.dt);
}
const seconds = (performance.now() - started) / 1000;
const sorted = all.slice().sort((a, b) => a - b);
let ceiling = null;
if (o.ceiling) {
	const c = [];
	for (let i = 0; i < Math.max(all.length, 1); i++)
		c.push((await get(o.ceiling)).dt);
	ceiling = c.sort((a, b) => a - b);
}
const out = {
	samples: all.length,
	requested: o.samples,
	seconds: Number(seconds.toFixed(2)),
	per_s: Number((all.length / seconds).toFixed(1)),
	extra: o.extra,
	p50_ms: ms(pct(sorted, 50)),
	p95_ms: ms(pct(sorted, 95)),
	p99_ms: ms(pct(sorted, 99)),
	max_ms: ms(sorted[sorted.length - 1]),
	ceiling: o.ceiling,
	ceiling_p50_ms: ceiling && ms(pct(ceiling, 50)),
	ceiling_p95_ms: ceiling && ms(pct(ceiling, 95)),
	ceiling_p99_ms: ceiling && ms(pct(ceiling, 99)),
	vs_ceiling: ceiling && Number((pct(sorted, 95) / pct(ceiling, 95)).toFixed(1)),
	non2xx,
	first_non2xx: firstBad,
	words: o.words.map((w) => {
		const s = per[w].slice().sort((a, b) => a - b);
		return { word: w, hits: hits[w], ...(corrected[w] ? { corrected: corrected[w] } : {}),
			samples: s.length, p50_ms: ms(pct(s, 50)), p95_ms: ms(pct(s, 95)) };
	}),
};
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(non2xx ? 1 : 0);
