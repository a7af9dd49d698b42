// Article search (GET /api/v2/help_center/articles/search, docs/kb.md):
// inflected words find each other in all four languages, titles weigh
// more than bodies, snippets highlight the hits, the query language of
// ticket search for words, typo correction when nothing matches, what a
// searcher may see, and the failed-search report. Runs on both backends
// with the same expectations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';

let srv, agent, alice;
const ids = {};

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const cat = (await srv.api('POST', `${HC}/categories`,
		{ category: { name: 'Help', locale: 'en', position: 1 } })).json.category;
	const sec = (await srv.api('POST', `${HC}/categories/${cat.id}/sections`,
		{ section: { name: 'All', locale: 'en', position: 1 } })).json.section;
	const add = async (key, article, more = []) => {
		const r = await srv.api('POST', `${HC}/sections/${sec.id}/articles`,
			{ article: { draft: false, visibility: 'public', ...article } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		ids[key] = r.json.article.id;
		for (const t of more) {
			const m = await srv.api('POST', `${HC}/articles/${ids[key]}/translations`,
				{ translation: { draft: false, ...t } }, { auth: agent });
			assert.equal(m.status, 201, m.text);
		}
	};
	await add('pay', { locale: 'uk', title: 'Оплата карткою',
		body_markdown: 'Ви можете сплатити замовлення банківською карткою.' }, [
		{ locale: 'ru', title: 'Как сделать заказ', body_markdown: 'Оформите заказ в корзине.' },
		{ locale: 'lt', title: 'Sąskaita faktūra', body_markdown: 'Sąskaita siunčiama el. paštu.' },
		{ locale: 'en', title: 'Refund policy', body_markdown: 'We refund every order within 14 days.' },
	]);
	await add('delivery', { locale: 'uk', title: 'Доставка посилок',
		body_markdown: 'Доставка займає два дні. Оплата при отриманні теж можлива.' }, [
		{ locale: 'en', title: 'Delivery times', body_markdown: 'A refund for a late parcel is possible.' },
	]);
	await add('internal', { locale: 'en', visibility: 'agents', title: 'Refund override',
		body_markdown: 'Managers approve a refund above the limit.' });
	await add('draft', { locale: 'en', draft: true, title: 'Refund draft', body_markdown: 'Refund.' });
});
after(async () => { await srv?.cleanup(); });

async function search(q, locale, auth = 'anonymous', extra = '') {
	const r = await srv.api('GET', `${HC}/articles/search?query=${encodeURIComponent(q)}&locale=${locale}${extra}`,
		null, { auth });
	assert.equal(r.status, 200, r.text);
	return r.json;
}
const idsOf = (res) => res.results.map((x) => x.id);

describe('article search', () => {
	it('inflected forms find each other in all four languages', async () => {
		assert.deepEqual(idsOf(await search('оплату', 'uk')), [ids.pay, ids.delivery]);
		assert.deepEqual(idsOf(await search('заказа', 'ru')), [ids.pay]);
		assert.deepEqual(idsOf(await search('sąskaitos', 'lt')), [ids.pay]);
		assert.deepEqual(idsOf(await search('saskaitos', 'lt')), [ids.pay]); // without diacritics too
		assert.deepEqual(idsOf(await search('refunds', 'en')), [ids.pay, ids.delivery]);
	});

	it('a title hit ranks above a body hit; snippets highlight the inflected hit', async () => {
		const uk = await search('оплата', 'uk');
		assert.equal(uk.results[0].id, ids.pay); // in the title
		const d = uk.results.find((x) => x.id === ids.delivery);
		assert.match(d.snippet, /<em>Оплата<\/em>/);
		const en = await search('refunded', 'en');
		assert.equal(en.results[0].id, ids.pay);
		assert.match(en.results[0].snippet, /<em>refund<\/em>/);
		assert.equal(en.count, 2);
		assert.equal(en.results[0].locale, 'en');
		assert.match(en.results[0].html_url, new RegExp(`/hc/en/articles/${ids.pay}-refund-policy$`));
		assert.equal(en.results[0].title, 'Refund policy');
	});

	it('what a searcher may see: public for all, agents-only for agents, drafts for nobody', async () => {
		assert.deepEqual(idsOf(await search('refund', 'en', alice)), [ids.pay, ids.delivery]);
		const agents = idsOf(await search('refund', 'en', agent));
		assert.ok(agents.includes(ids.internal));
		assert.ok(!agents.includes(ids.draft));
	});

	it('the query language: phrases, prefixes, negation; an unknown field is refused', async () => {
		assert.deepEqual(idsOf(await search('"late parcel"', 'en')), [ids.delivery]);
		assert.deepEqual(idsOf(await search('"parcel late"', 'en')), []);
		assert.deepEqual(idsOf(await search('deliv*', 'en')), [ids.delivery]);
		assert.deepEqual(idsOf(await search('refund -parcel', 'en')), [ids.pay]);
		const r = await srv.api('GET', `${HC}/articles/search?query=status:open&locale=en`, null, { auth: 'anonymous' });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details.query);
		assert.match(r.text, /status/);
		const bad = await srv.api('GET', `${HC}/articles/search?query=x&locale=de`, null, { auth: 'anonymous' });
		assert.equal(bad.status, 422);
		assert.ok(bad.json.details.locale);
		const blank = await srv.api('GET', `${HC}/articles/search?locale=en`, null, { auth: 'anonymous' });
		assert.equal(blank.status, 422);
		const open = await srv.api('GET', `${HC}/articles/search?query=${encodeURIComponent('"unterminated')}&locale=en`,
			null, { auth: 'anonymous' });
		assert.equal(open.status, 422, open.text);
		// SQL and FTS syntax are words like any other
		assert.deepEqual(idsOf(await search("refund' OR 1=1 --", 'en')), []);
		assert.deepEqual(idsOf(await search('NEAR(refund policy) AND', 'en')), []);
	});

	it('a mistyped word is corrected when nothing matches, and the answer says so', async () => {
		const uk = await search('доствка', 'uk');
		assert.equal(uk.corrected_query, 'доставка');
		assert.deepEqual(idsOf(uk), [ids.delivery]);
		const en = await search('refnud', 'en');
		assert.equal(en.corrected_query, 'refund');
		assert.deepEqual(idsOf(en), [ids.pay, ids.delivery]);
		const none = await search('zzzzzzzz', 'en');
		assert.equal(none.corrected_query, undefined);
		assert.deepEqual(none.results, []);
		assert.equal(none.count, 0);
		// an agents-only word is not a correction anyone else is offered
		const hidden = await search('managrs', 'en');
		assert.equal(hidden.corrected_query, undefined);
		assert.equal((await search('managrs', 'en', agent)).corrected_query, 'managers');
	});

	it('pages', async () => {
		const p1 = await search('refund', 'en', 'anonymous', '&per_page=1');
		assert.equal(p1.results.length, 1);
		assert.equal(p1.count, 2);
		assert.ok(p1.next_page);
		const p2 = await search('refund', 'en', 'anonymous', '&per_page=1&page=2');
		assert.equal(p2.results[0].id, ids.delivery);
		assert.equal(p2.next_page, null);
	});

	it('failed searches are recorded and reported: no result, or no click', async () => {
		const miss = await search('warranty', 'en');
		assert.ok(miss.search_id > 0);
		await search('Warranty', 'en');
		const hit = await search('delivery', 'en');
		const clicked = await search('refund', 'en');
		const c = await srv.api('POST', `${HC}/searches/${clicked.search_id}/click`,
			{ article_id: ids.pay }, { auth: 'anonymous' });
		assert.equal(c.status, 204, c.text);
		assert.equal((await srv.api('POST', `${HC}/searches/99999/click`, { article_id: 1 },
			{ auth: 'anonymous' })).status, 404);
		const rep = await srv.api('GET', `${HC}/reports/searches?locale=en`, null, { auth: agent });
		assert.equal(rep.status, 200, rep.text);
		const byQuery = Object.fromEntries(rep.json.searches.map((s) => [s.query.toLowerCase(), s]));
		assert.equal(byQuery.warranty.searches, 2);
		assert.equal(byQuery.warranty.no_result, 2);
		assert.equal(byQuery.delivery.no_click, 1);
		assert.ok(hit.count > 0);
		assert.ok(!rep.json.searches.some((s) => s.query === 'refund' && s.no_click === 0 && s.no_result === 0));
		assert.equal((await srv.api('GET', `${HC}/reports/searches`, null, { auth: alice })).status, 403);
	});
});
