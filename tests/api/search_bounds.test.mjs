// What search does with texts a stranger can make huge or odd, on both
// backends alike: a mail of a million bytes is taken and indexed (each
// distinct word once in PostgreSQL's tsvector; past FL_TEXT_INDEX_MAX
// bytes of index, the rest is left out on both backends), its snippet is
// cut without reading the whole mail, a phrase does not run from an
// article's title into its body, and typo correction answers the same on
// both backends within a bounded amount of work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent;
let seq = 0;

before(async () => {
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
});
after(async () => { await srv?.cleanup(); });

/** Delivers a plain mail; resolves the inbound answer. */
function mail(subject, body) {
	const raw = `From: Stranger <stranger${++seq}@customer.test>\r\nTo: support@shop.test\r\n` +
		`Subject: ${subject}\r\nMessage-ID: <bounds${seq}.${Date.now()}@customer.test>\r\n` +
		`Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
	return srv.api('POST', '/api/v2/mail/inbound', raw, { headers: { 'content-type': 'message/rfc822' } });
}

async function search(q) {
	const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`, null, { auth: agent });
	assert.equal(r.status, 200, `${q}: ${r.status} ${r.text}`);
	return r.json;
}

/** n distinct words of letters, none a word of any language. */
function nonsense(n, prefix = 'zq') {
	const out = [];
	for (let i = 0; i < n; i++) {
		let w = '', k = i;
		do { w += String.fromCharCode(97 + (k % 26)); k = Math.floor(k / 26); } while (k);
		out.push(prefix + w + 'x');
	}
	return out;
}

describe('huge mails', () => {
	it('a 1.6 MB mail of one word repeated is taken and found', async () => {
		const r = await mail('Repeated words', 'wombatbig ' + 'refunds '.repeat(200000));
		assert.equal(r.status, 201, r.text.slice(0, 500));
		const j = await search('wombatbig');
		assert.equal(j.results.length, 1);
		const t = Date.now();
		const k = await search('wombatbig refunded');
		assert.equal(k.results.length, 1);
		assert.match(k.results[0].snippet, /<em>wombatbig<\/em> <em>refunds<\/em>/);
		assert.ok(k.results[0].snippet.length < 1000, k.results[0].snippet.length);
		assert.ok(Date.now() - t < 5000, `${Date.now() - t} ms`);
	});

	it('a mail of more distinct words than the index keeps is taken; its end is left out alike', async () => {
		const t0 = Date.now();
		const body = 'beginmarker ' + nonsense(100000).join(' ') + ' endmarker';
		assert.ok(body.length > 700000, body.length);
		const r = await mail('Distinct words', body);
		console.log(`# distinct-word mail taken in ${Date.now() - t0} ms`);
		assert.equal(r.status, 201, r.text.slice(0, 500));
		assert.equal((await search('beginmarker')).results.length, 1);
		assert.equal((await search('endmarker')).results.length, 0);
	});
});

describe('article search', () => {
	const HC = '/api/v2/help_center';
	let sec;
	const add = async (title, body, locale = 'en') => {
		const r = await srv.api('POST', `${HC}/sections/${sec}/articles`, { article: {
			draft: false, visibility: 'public', locale, title, body_markdown: body } }, { auth: agent });
		assert.equal(r.status, 201, r.text.slice(0, 500));
		return r.json.article.id;
	};
	const find = async (q, locale = 'en') => {
		const r = await srv.api('GET', `${HC}/articles/search?query=${encodeURIComponent(q)}&locale=${locale}`,
			null, { auth: 'anonymous' });
		assert.equal(r.status, 200, r.text);
		return r.json;
	};

	before(async () => {
		const cat = (await srv.api('POST', `${HC}/categories`,
			{ category: { name: 'Help', locale: 'en', position: 1 } })).json.category;
		sec = (await srv.api('POST', `${HC}/categories/${cat.id}/sections`,
			{ section: { name: 'All', locale: 'en', position: 1 } })).json.section.id;
	});

	it('a phrase does not run from the title into the body', async () => {
		const id = await add('Title end', 'first body');
		assert.deepEqual((await find('"end first"')).results.map((x) => x.id), []);
		assert.deepEqual((await find('"title end"')).results.map((x) => x.id), [id]);
		assert.deepEqual((await find('"first body"')).results.map((x) => x.id), [id]);
	});

	it('an unclosed quote or an over-long query is a 422 naming the query', async () => {
		for (const q of ['%22a', encodeURIComponent('word '.repeat(2000))]) {
			const r = await srv.api('GET', `${HC}/articles/search?query=${q}&locale=en`, null, { auth: 'anonymous' });
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details?.query, r.text);
		}
	});

	it('an article of 20,000 distinct words is saved without holding the writer', async () => {
		const t = Date.now();
		await add('Many words', nonsense(20000, 'kq').join(' '));
		const ms = Date.now() - t;
		console.log(`# article of 20,000 distinct words saved in ${ms} ms`);
		assert.ok(ms < 4000, `${ms} ms`);
		assert.equal((await find('kqbx')).results.length, 1);
	});
});
