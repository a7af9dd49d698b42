// How well the help center's search answers what customers really type:
// the demo knowledge base (src/demo/kb.json, 52 articles in uk, ru, lt and
// en) is loaded through the API, then every judged query of
// tests/fixtures/kb_queries.json is searched in its language — as an
// anonymous visitor, or as an agent for the queries marked "as":"agent" —
// and scored by the reciprocal rank of the first article the judges expect
// (1 when it comes first, 1/2 second, … 0 when absent). A language whose
// mean reciprocal rank falls below 0.8 fails; the misses are printed so a
// change to stemming or ranking shows what it cost. Visitors must also
// never be shown an article meant for agents or signed-in customers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { KB_LOCALES, loadKb, readKb } from './lib/kb_load.mjs';
import { startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const QUERIES = JSON.parse(fs.readFileSync(path.resolve(here, '../fixtures/kb_queries.json'), 'utf8'));
const MIN_MRR = 0.8;

const kb = readKb();
const visibility = new Map(); // article key -> public | signed_in | agents
for (const c of kb.categories)
	for (const s of c.sections)
		for (const a of s.articles)
			visibility.set(a.key, a.visibility);

let srv, agent, ids, keyOf;

before(async () => {
	srv = await startServer({ agents: ['agent'] });
	agent = srv.users.agent;
	ids = await loadKb(srv, kb);
	keyOf = new Map([...ids.articles].map(([k, id]) => [id, k]));
});
after(async () => { await srv?.cleanup(); });

// The keys of the articles a search answers, in its order (first page).
async function search(query, locale, auth) {
	const q = new URLSearchParams({ query, locale });
	const r = await srv.api('GET', `/api/v2/help_center/articles/search?${q}`, null, { auth });
	assert.equal(r.status, 200, `search ${JSON.stringify(query)} in ${locale}: ${r.text}`);
	assert.ok(Array.isArray(r.json?.results), `search ${JSON.stringify(query)}: no results array: ${r.text}`);
	return r.json.results.map((x) => keyOf.get(x.id) ?? `?${x.id}`);
}

describe('help center search quality (mean reciprocal rank of the judged queries)', () => {
	it('loaded every article of the demo knowledge base', () => {
		assert.equal(ids.articles.size, visibility.size);
		assert.ok(ids.articles.size >= 50, `${ids.articles.size} articles`);
	});

	for (const locale of KB_LOCALES) {
		it(`${locale}: MRR of ${QUERIES[locale].length} queries is at least ${MIN_MRR}`, async (t) => {
			let sum = 0;
			const misses = [];
			for (const e of QUERIES[locale]) {
				const asAgent = e.as === 'agent';
				const keys = await search(e.query, locale, asAgent ? agent : 'anonymous');
				if (!asAgent) {
					const hidden = keys.filter((k) => visibility.get(k) !== 'public');
					assert.deepEqual(hidden, [], `a visitor searching ${JSON.stringify(e.query)} was shown ${hidden}`);
				}
				const rank = keys.findIndex((k) => e.expect.includes(k)) + 1;
				sum += rank ? 1 / rank : 0;
				if (rank !== 1)
					misses.push(`${JSON.stringify(e.query)}${e.typo ? ' (typo)' : ''}${asAgent ? ' (agent)' : ''}: ` +
						`wanted ${e.expect.join(' | ')}, ${rank ? `rank ${rank}` : 'not found'}; ` +
						`got ${keys.slice(0, 3).join(', ') || 'nothing'}`);
			}
			const mrr = sum / QUERIES[locale].length;
			t.diagnostic(`${locale}: MRR ${mrr.toFixed(3)} over ${QUERIES[locale].length} queries, ${misses.length} not first`);
			for (const m of misses)
				t.diagnostic(`${locale} miss: ${m}`);
			assert.ok(mrr >= MIN_MRR, `${locale}: MRR ${mrr.toFixed(3)} < ${MIN_MRR}:\n${misses.join('\n')}`);
		});
	}

	it('the agents-only answers stay hidden from visitors who type the same words', async () => {
		for (const locale of KB_LOCALES)
			for (const e of QUERIES[locale].filter((x) => x.as === 'agent')) {
				const keys = await search(e.query, locale, 'anonymous');
				for (const k of e.expect)
					assert.ok(!keys.includes(k), `a visitor searching ${JSON.stringify(e.query)} in ${locale} found ${k}`);
			}
	});
});
