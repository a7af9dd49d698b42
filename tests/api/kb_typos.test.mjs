// Typo correction in article search (docs/kb.md "Typos"), on both backends
// with the same expectations: a vocabulary far past 50,000 words still
// corrects a word that sorts last, ties go to the first in byte order, an
// article's words are offered only to readers who may read it (and follow
// its visibility as it changes), and a long nonsense query is answered
// without a correction. How much is read is bounded by the store
// (tests/unit/store/test_store.c, test_kb_vocabulary).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';

let srv, agent, alice, sec;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const cat = (await srv.api('POST', `${HC}/categories`,
		{ category: { name: 'Help', locale: 'en', position: 1 } })).json.category;
	sec = (await srv.api('POST', `${HC}/categories/${cat.id}/sections`,
		{ section: { name: 'All', locale: 'en', position: 1 } })).json.section.id;
});
after(async () => { await srv?.cleanup(); });

async function add(title, body, visibility = 'public') {
	const r = await srv.api('POST', `${HC}/sections/${sec}/articles`, { article: {
		draft: false, visibility, locale: 'en', title, body_markdown: body } }, { auth: agent });
	assert.equal(r.status, 201, r.text.slice(0, 500));
	return r.json.article.id;
}

async function search(q, auth = 'anonymous') {
	const r = await srv.api('GET', `${HC}/articles/search?query=${encodeURIComponent(q)}&locale=en`,
		null, { auth });
	assert.equal(r.status, 200, r.text);
	return r.json;
}

/** Word i of 8 letters: "qj", four letters, "zz"; in byte order as i is. */
function word(i) {
	let w = '';
	for (let k = 0; k < 4; k++, i = Math.floor(i / 26)) w = String.fromCharCode(97 + (i % 26)) + w;
	return `qj${w}zz`;
}

describe('typo correction', () => {
	it('a vocabulary of 60,000 short words still corrects a long word that sorts after them', async () => {
		// the old reading took the first 50,000 words of lengths 8..12: on
		// SQLite the 8-letter ones, so "wombatlong" was never a candidate
		for (let a = 0; a < 3; a++) {
			const words = [];
			for (let i = a * 20000; i < (a + 1) * 20000; i++) words.push(word(i));
			await add(`Words ${a}`, words.join(' '));
		}
		const id = await add('Marsupials', 'The wombatlong lives here.');
		const j = await search('wombatlonf');
		assert.equal(j.corrected_query, 'wombatlong');
		assert.deepEqual(j.results.map((x) => x.id), [id]);
		// one of the many: the last in byte order too
		const last = word(59999);
		assert.equal((await search(last.slice(0, 7) + 'q')).corrected_query, last);
	});

	it('ties go to the first word in byte order', async () => {
		await add('Ties', 'test task last');
		assert.equal((await search('tast')).corrected_query, 'last');
		// a mistyped first letter is corrected
		assert.equal((await search('wombatlong')).corrected_query, undefined);
		assert.equal((await search('xombatlong')).corrected_query, 'wombatlong');
	});

	it("an article's words are offered only to those who may read it, as its visibility changes", async () => {
		const id = await add('Internal', 'confidentialword approval', 'agents');
		const q = 'confidentialwerd';
		assert.equal((await search(q)).corrected_query, undefined);
		assert.equal((await search(q, alice)).corrected_query, undefined);
		assert.equal((await search(q, agent)).corrected_query, 'confidentialword');
		const put = async (article) => {
			const r = await srv.api('PUT', `${HC}/articles/${id}`, { article }, { auth: agent });
			assert.equal(r.status, 200, r.text);
		};
		await put({ visibility: 'signed_in' });
		assert.equal((await search(q)).corrected_query, undefined);
		assert.equal((await search(q, alice)).corrected_query, 'confidentialword');
		await put({ visibility: 'public' });
		assert.equal((await search(q)).corrected_query, 'confidentialword');
		// a draft's words are no one's
		const d = await srv.api('PUT', `${HC}/articles/${id}/translations/en`,
			{ translation: { draft: true } }, { auth: agent });
		assert.equal(d.status, 200, d.text);
		assert.equal((await search(q, agent)).corrected_query, undefined);
	});

	it('a long nonsense query of eight words is answered, uncorrected', async () => {
		// each 3 letters from its neighbours: every candidate is read and
		// compared, none is close enough
		const q = Array.from({ length: 8 }, (_, i) => 'qk' + word(i * 7000 + 3).slice(2, 6) + 'yy').join(' ');
		const t = Date.now();
		const j = await search(q);
		console.log(`# 8-word nonsense query over a 60,000-word vocabulary: ${Date.now() - t} ms`);
		assert.equal(j.corrected_query, undefined);
		assert.deepEqual(j.results, []);
	});
});
