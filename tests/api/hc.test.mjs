// The public help center (/hc/…): pages as a stranger, a signed-in
// customer and an agent see them, canonical URLs and their redirects, the
// 404s that never hint at what is hidden, caching, votes once per browser,
// views counted after the flush, the sitemap, and escaping. The knowledge
// base is written through its API (docs/kb.md).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { sleep, startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';
let srv, agent, alice;
let cat, sec, pay, members, internal, draft, script;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);

	cat = await made('POST', `${HC}/categories`, { category: { name: 'Billing', description: 'Money "matters" & more', locale: 'en', position: 1 } }, 'category');
	await made('POST', `${HC}/categories/${cat.id}/translations`, { translation: { locale: 'uk', title: 'Оплата', body: 'Гроші' } }, 'translation');
	sec = await made('POST', `${HC}/categories/${cat.id}/sections`, { section: { name: 'Cards', description: '', locale: 'en', position: 1 } }, 'section');
	await made('POST', `${HC}/sections/${sec.id}/translations`, { translation: { locale: 'uk', title: 'Картки', body: '' } }, 'translation');

	pay = await article({ title: 'Paying by card', body_markdown: 'Use **any** card.', promoted: true });
	await made('POST', `${HC}/articles/${pay.id}/translations`, { translation: { locale: 'uk', title: 'Оплата карткою', body_markdown: 'Будь-якою **карткою**.', draft: false } }, 'translation');
	await made('POST', `${HC}/articles/${pay.id}/translations`, { translation: { locale: 'ru', title: 'Оплата картой', body_markdown: 'Любой картой.', draft: false } }, 'translation');
	members = await article({ title: 'Members only discounts', visibility: 'signed_in' });
	internal = await article({ title: 'Refund override for agents', visibility: 'agents' });
	draft = await article({ title: 'Unfinished draft', draft: true });
	script = await article({ title: '<script>alert(1)</script> Refunds', body_markdown: '<img src=x onerror=alert(1)> text' });
});
after(async () => { await srv?.cleanup(); });

async function made(method, path, body, key) {
	const r = await srv.api(method, path, body, { auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json[key];
}

function article(a) {
	return made('POST', `${HC}/sections/${sec.id}/articles`, {
		article: { body_markdown: 'Body.', locale: 'en', position: 1, label_names: [], visibility: 'public', promoted: false, draft: false, ...a },
	}, 'article');
}

// A page as a browser asks for it, redirects not followed; from: the
// loopback address it comes from (the per-address limits count apart).
async function page(path, { headers = {}, auth, method = 'GET', body, from } = {}) {
	const h = { ...headers };
	if (auth)
		h.authorization = `Bearer ${auth.token}`;
	if (from)
		return pageFrom(from, path, method, h, body);
	const r = await fetch(srv.base + path, { method, headers: h, body, redirect: 'manual' });
	return { status: r.status, headers: r.headers, text: await r.text() };
}

function pageFrom(from, path, method, headers, body) {
	return new Promise((resolve, reject) => {
		const req = http.request(`${srv.base}${path}`, { method, headers, localAddress: from }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; });
			res.on('end', () => resolve({ status: res.statusCode, headers: new Headers(res.headers), text }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

async function signIn(user) {
	const s = await srv.api('POST', '/api/v2/auth/session', { email: user.email, password: user.password }, { auth: 'anonymous' });
	assert.equal(s.status, 200, s.text);
	return /fl_session=[^;]*/.exec(s.headers.get('set-cookie'))[0];
}

const notFoundText = async () => (await page('/hc/en/articles/987654321')).text;

describe('help center pages', () => {
	it('/hc sends a visitor to their language, English when we have none of theirs', async () => {
		let r = await page('/hc', { headers: { 'accept-language': 'de;q=1, lt;q=0.8, en;q=0.5' } });
		assert.equal(r.status, 302);
		assert.equal(r.headers.get('location'), '/hc/lt');
		r = await page('/hc/', { headers: { 'accept-language': 'ru-RU' } });
		assert.equal(r.headers.get('location'), '/hc/ru');
		r = await page('/hc', { headers: { 'accept-language': 'de' } });
		assert.equal(r.headers.get('location'), '/hc/en');
	});

	it('the home lists categories, sections, visible articles, promoted ones and a search box, in its language', async () => {
		const r = await page('/hc/en');
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^text\/html/);
		assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
		assert.doesNotMatch(r.headers.get('content-security-policy'), /script-src/);
		assert.match(r.text, /<html lang="en">/);
		assert.match(r.text, /Billing<\/a>/);
		assert.match(r.text, /Money &quot;matters&quot; &amp; more/);
		assert.match(r.text, /Cards<\/a>/);
		assert.match(r.text, new RegExp(`href="/hc/en/articles/${pay.id}-paying-by-card">Paying by card</a>`));
		assert.match(r.text, /Promoted articles/);
		assert.match(r.text, /action="\/hc\/en\/search"/);
		for (const hidden of ['Members only', 'Refund override', 'Unfinished draft'])
			assert.ok(!r.text.includes(hidden), hidden);
		assert.ok(!/<script/i.test(r.text), 'no script on the page');
		// canonical and alternates, absolute
		assert.match(r.text, /<link rel="canonical" href="http:\/\/[^"]+\/hc\/en">/);
		for (const l of ['uk', 'ru', 'lt', 'en', 'x-default'])
			assert.match(r.text, new RegExp(`<link rel="alternate" hreflang="${l}" href="http://[^"]+/hc/`));

		const uk = await page('/hc/uk');
		assert.match(uk.text, /<html lang="uk">/);
		assert.match(uk.text, /Довідковий центр/);
		assert.match(uk.text, /Оплата<\/a>/);
		assert.match(uk.text, /Оплата карткою<\/a>/);
		const lt = await page('/hc/lt');
		assert.match(lt.text, /Pagalbos centras/);
	});

	it('a locale we do not serve and pages that do not exist are 404 pages', async () => {
		for (const p of ['/hc/de', '/hc/en-us', '/hc/en/articles/987654321', '/hc/en/articles/0',
			'/hc/en/sections/987654321-x', '/hc/en/categories/abc', '/hc/en/whatever'])
			assert.equal((await page(p)).status, 404, p);
		const r = await page('/hc/de');
		assert.match(r.text, /Page not found/);
	});

	it('an article without its slug or with a wrong one moves for good to its canonical URL', async () => {
		let r = await page(`/hc/en/articles/${pay.id}`);
		assert.equal(r.status, 301);
		assert.equal(r.headers.get('location'), `/hc/en/articles/${pay.id}-paying-by-card`);
		r = await page(`/hc/en/articles/${pay.id}-old-title`);
		assert.equal(r.status, 301);
		assert.equal(r.headers.get('location'), `/hc/en/articles/${pay.id}-paying-by-card`);
		r = await page(`/hc/uk/articles/${pay.id}-x`);
		assert.equal(r.status, 301);
		const uk = r.headers.get('location');
		assert.equal(decodeURIComponent(uk), `/hc/uk/articles/${pay.id}-оплата-карткою`);
		r = await page(uk);
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /Будь-якою <strong>карткою<\/strong>/);
		r = await page(`/hc/en/sections/${sec.id}`);
		assert.equal(r.status, 301);
		assert.equal(r.headers.get('location'), `/hc/en/sections/${sec.id}-cards`);
		r = await page(`/hc/en/categories/${cat.id}-nope`);
		assert.equal(r.headers.get('location'), `/hc/en/categories/${cat.id}-billing`);
	});

	it('an article page: canonical, alternates for its translations, switcher, breadcrumbs, body', async () => {
		const r = await page(`/hc/en/articles/${pay.id}-paying-by-card`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /<title>Paying by card · Help center<\/title>/);
		assert.match(r.text, new RegExp(`<link rel="canonical" href="http://[^"]+/hc/en/articles/${pay.id}-paying-by-card">`));
		assert.match(r.text, /hreflang="uk" href="http:\/\/[^"]+\/hc\/uk\/articles\/\d+-%D0%BE/);
		assert.match(r.text, /hreflang="ru"/);
		assert.match(r.text, new RegExp(`hreflang="x-default" href="http://[^"]+/hc/en/articles/${pay.id}-paying-by-card"`));
		assert.ok(!r.text.includes('hreflang="lt"'), 'no Lithuanian translation, no alternate');
		assert.match(r.text, /lang="uk">Українська<\/a>/);
		assert.match(r.text, /lang="ru">Русский<\/a>/);
		assert.match(r.text, new RegExp(`<a href="/hc/en/categories/${cat.id}-billing">Billing</a>`));
		assert.match(r.text, new RegExp(`<a href="/hc/en/sections/${sec.id}-cards">Cards</a>`));
		assert.match(r.text, /Use <strong>any<\/strong> card\./);
		assert.match(r.text, /Was this article helpful\?/);
	});

	it('an article not in the asked language: 404, with the translations it has', async () => {
		const r = await page(`/hc/lt/articles/${pay.id}-paying-by-card`);
		assert.equal(r.status, 404);
		assert.match(r.text, /<html lang="lt">/);
		assert.match(r.text, /neišverstas į lietuvių/);
		assert.match(r.text, new RegExp(`<a href="/hc/en/articles/${pay.id}-paying-by-card" hreflang="en"`));
		assert.match(r.text, /hreflang="uk" lang="uk">Українська/);
		assert.match(r.text, /noindex/);
	});

	it('who sees what: hidden articles are the same 404 as none at all', async () => {
		const none = await notFoundText();
		const cookie = await signIn(alice);
		const slugs = { [members.id]: 'members-only-discounts', [internal.id]: 'refund-override-for-agents', [draft.id]: 'unfinished-draft' };
		const at = (a) => `/hc/en/articles/${a.id}-${slugs[a.id]}`;

		for (const a of [members, internal, draft]) {
			const r = await page(at(a));
			assert.equal(r.status, 404, `${a.id} anonymous`);
			assert.equal(r.text, none, 'no hint that it exists');
			// not even a redirect that would name its slug
			assert.equal((await page(`/hc/en/articles/${a.id}`)).status, 404);
		}
		// a signed-in customer: signed_in articles, not agents' ones
		let r = await page(at(members), { headers: { cookie } });
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /For signed-in customers/);
		assert.equal((await page(at(internal), { headers: { cookie } })).status, 404);
		assert.equal((await page(at(draft), { headers: { cookie } })).status, 404);
		r = await page('/hc/en', { headers: { cookie } });
		assert.match(r.text, /Members only discounts/);
		assert.ok(!r.text.includes('Refund override'));
		// an agent: everything, the internal one marked so
		r = await page(at(internal), { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /data-test="hc-internal">Internal</);
		r = await page('/hc/en', { auth: agent });
		assert.match(r.text, /Refund override for agents<\/a> <span class="badge hc-internal">Internal/);
		// a stale cookie is a stranger, not an error
		r = await page(`/hc/en/articles/${pay.id}-paying-by-card`, { headers: { cookie: 'fl_session=stale' } });
		assert.equal(r.status, 200, r.text);
	});

	it('a big section: the home lists its first six and links the rest; its page shows 30 a page', async () => {
		const many = await made('POST', `${HC}/categories`, { category: { name: 'Many', description: '', locale: 'en', position: 2 } }, 'category');
		const lots = await made('POST', `${HC}/categories/${many.id}/sections`, { section: { name: 'Lots', description: '', locale: 'en', position: 1 } }, 'section');
		for (let i = 1; i <= 32; i++)
			await made('POST', `${HC}/sections/${lots.id}/articles`, { article: { title: `Topic ${i}`, body_markdown: 'x', locale: 'en', position: i, label_names: [], visibility: 'public', promoted: false, draft: false } }, 'article');
		const home = await page('/hc/en');
		assert.match(home.text, />Topic 6</);
		assert.ok(!home.text.includes('>Topic 7<'), 'six a section on the home');
		assert.match(home.text, new RegExp(`<p class="hc-more"><a href="/hc/en/sections/${lots.id}-lots">…</a>`));
		const first = await page(`/hc/en/sections/${lots.id}-lots`);
		assert.equal(first.status, 200, first.text);
		assert.match(first.text, />Topic 30</);
		assert.ok(!first.text.includes('>Topic 31<'));
		assert.match(first.text, new RegExp(`<a href="/hc/en/sections/${lots.id}-lots\\?page=2">Next</a>`));
		const second = await page(`/hc/en/sections/${lots.id}-lots?page=2`);
		assert.match(second.text, />Topic 31</);
		assert.match(second.text, />Topic 32</);
		assert.ok(!second.text.includes('>Topic 30<'));
		assert.match(second.text, new RegExp(`<a href="/hc/en/sections/${lots.id}-lots">Previous</a>`));
		const nonsense = await page(`/hc/en/sections/${lots.id}-lots?page=-1`);
		assert.match(nonsense.text, />Topic 1</, 'a page that is no page is the first');
	});

	it('an archived article is gone from its page, the lists and the sitemap', async () => {
		const gone = await article({ title: 'Old news' });
		assert.equal((await page(`/hc/en/articles/${gone.id}-old-news`)).status, 200);
		const del = await srv.api('DELETE', `${HC}/articles/${gone.id}`, null, { auth: agent });
		assert.ok([200, 204].includes(del.status), del.text);
		assert.equal((await page(`/hc/en/articles/${gone.id}-old-news`)).status, 404);
		assert.ok(!(await page('/hc/en')).text.includes('Old news'));
		assert.ok(!(await page('/hc/sitemap.xml')).text.includes(`/articles/${gone.id}-`));
	});

	it('an unchanged article is a 304 for its ETag; an agent, who sees more, gets the page', async () => {
		const url = `/hc/en/articles/${pay.id}-paying-by-card`;
		const r = await page(url);
		const etag = r.headers.get('etag');
		assert.ok(etag, 'an ETag');
		assert.ok(r.headers.get('last-modified'));
		assert.match(r.headers.get('cache-control'), /no-cache/);
		const again = await page(url, { headers: { 'if-none-match': etag } });
		assert.equal(again.status, 304);
		assert.equal(again.text, '');
		// an agent sees other things: another tag
		const asAgent = await page(url, { auth: agent, headers: { 'if-none-match': etag } });
		assert.equal(asAgent.status, 200);
	});

	it('a script in a title or body is shown as text', async () => {
		const r = await page(`/hc/en/articles/${script.id}`);
		assert.equal(r.status, 301);
		const p = await page(r.headers.get('location'));
		assert.equal(p.status, 200, p.text);
		assert.ok(!p.text.includes('<script>alert'), 'title escaped');
		assert.match(p.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Refunds/);
		assert.ok(!/<img[^>]*onerror/i.test(p.text), 'body sanitized');
		const home = await page('/hc/en');
		assert.ok(!home.text.includes('<script>alert'));
	});

	it('the search page echoes a query only escaped and is not indexed', async () => {
		const r = await page(`/hc/en/search?query=${encodeURIComponent('"><script>alert(1)</script>')}`);
		assert.equal(r.status, 200, r.text);
		assert.ok(!r.text.includes('<script>alert'));
		assert.match(r.text, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
		assert.match(r.text, /<meta name="robots" content="noindex">/);
		const long = await page(`/hc/uk/search?query=${'ж'.repeat(5000)}`);
		assert.equal(long.status, 200);
		assert.ok(!long.text.includes('ж'.repeat(201)), 'a long query is cut');
	});
});

describe('search', () => {
	const search = (locale, query, opts) => page(`/hc/${locale}/search?query=${encodeURIComponent(query)}`, opts);

	it('finds articles with their words highlighted, inflected forms too, and links them canonically', async () => {
		let r = await search('en', 'card');
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, new RegExp(`<a href="/hc/en/articles/${pay.id}-paying-by-card\\?q=card">Paying by card</a>`));
		assert.match(r.text, /<mark>card<\/mark>/i);
		assert.match(r.text, /data-test="hc-results"/);
		r = await search('uk', 'оплату');
		assert.match(r.text, /Оплата карткою<\/a>/, 'an inflected form finds the article');
		assert.match(r.text, /<html lang="uk">/);
	});

	it('a typo is corrected and the page says so', async () => {
		const r = await search('en', 'carx');
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /data-test="hc-corrected">Showing results for “card”/);
		assert.match(r.text, /Paying by card<\/a>/);
	});

	it('nothing found: said in the page\'s language, with the contact form; hidden articles are never found', async () => {
		let r = await search('lt', 'zzqqxx');
		assert.match(r.text, /data-test="hc-no-results">Pagal užklausą „zzqqxx“ straipsnių nerasta\./);
		assert.match(r.text, /href="\/portal\/" data-test="hc-no-results-contact"/);
		r = await search('en', 'discounts');
		assert.ok(!r.text.includes('Members only discounts'), 'a stranger does not find a signed-in article');
		r = await search('en', 'override');
		assert.ok(!r.text.includes('Refund override'), 'nor an internal one');
		r = await search('en', 'override', { auth: agent });
		assert.match(r.text, /Refund override for agents<\/a> <span class="badge hc-internal">/);
		r = await search('en', 'onerror');
		assert.match(r.text, /Refunds<\/a>/, 'the article with markup in its body is found');
		assert.ok(!/<img[^>]*onerror/i.test(r.text), 'its snippet is text');
		r = await search('en', 'status:open');
		assert.equal(r.status, 200, 'a query the search refuses finds nothing, no error page');
	});

	it('searches are recorded: what customers looked for and did not find', async () => {
		await search('ru', 'несуществующее слово', { from: '127.0.0.21' });
		let rows = [];
		for (let tries = 0; tries < 20 && !rows.some((q) => q.query.includes('несуществующее')); tries++) {
			const r = await srv.api('GET', `${HC}/reports/searches?locale=ru`, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			rows = r.json.searches;
			await sleep(100);
		}
		const row = rows.find((q) => q.query.includes('несуществующее'));
		assert.ok(row, JSON.stringify(rows));
		assert.equal(row.no_result, 1);
	});

	it('a result opened from the search page is the search\'s click: it leaves the no-click list', async () => {
		const report = async () => (await srv.api('GET', `${HC}/reports/searches?locale=en`, null, { auth: agent }))
			.json.searches.find((q) => q.query === 'paying card');
		const r = await search('en', 'paying card', { from: '127.0.0.22' });
		const link = /href="(\/hc\/en\/articles\/[^"]+\?q=[^"]+)"/.exec(r.text);
		assert.ok(link, r.text);
		let row;
		for (let tries = 0; tries < 20 && !(row = await report()); tries++)
			await sleep(100);
		assert.equal(row && row.no_click, 1, JSON.stringify(row));
		const opened = await page(link[1].replace(/&amp;/g, '&'), { from: '127.0.0.22' });
		assert.equal(opened.status, 200, opened.text);
		assert.match(opened.text, /<link rel="canonical" href="[^"?]+"/, 'the page is still canonically itself');
		// the report lists what failed: a clicked search is no longer there
		for (let tries = 0; tries < 20 && (row = await report()); tries++)
			await sleep(100);
		assert.equal(row, undefined, JSON.stringify(row));
	});
});

describe('votes and views', () => {
	const vote = (a, value, cookie, locale = 'en') => page(`/hc/${locale}/articles/${a.id}/vote`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
		body: `vote=${value}`,
	});

	it('a browser votes once and may change its mind', async () => {
		let r = await vote(pay, 'up');
		assert.equal(r.status, 303, r.text);
		assert.equal(r.headers.get('location'), `/hc/en/articles/${pay.id}-paying-by-card?voted=1#vote`);
		const set = r.headers.get('set-cookie');
		assert.match(set, /fl_hc_voter=[0-9a-f]{32}; Path=\/hc; Max-Age=\d+; HttpOnly; SameSite=Lax/);
		const cookie = /fl_hc_voter=[0-9a-f]+/.exec(set)[0];
		r = await vote(pay, 'up', cookie);
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('set-cookie'), null, 'the same voter');
		let p = await page(`/hc/en/articles/${pay.id}-paying-by-card`);
		assert.match(p.text, /1 of 1 found this helpful/);
		r = await vote(pay, 'down', cookie);
		p = await page(`/hc/en/articles/${pay.id}-paying-by-card?voted=1`);
		assert.match(p.text, /0 of 1 found this helpful/);
		assert.match(p.text, /Thank you for your feedback\./);
		// another browser
		r = await vote(pay, 'up');
		p = await page(`/hc/en/articles/${pay.id}-paying-by-card`);
		assert.match(p.text, /1 of 2 found this helpful/);
	});

	it('a vote on what the voter may not see is a 404; a vote that is neither up nor down a 422', async () => {
		assert.equal((await vote(internal, 'up')).status, 404);
		assert.equal((await vote({ id: 987654321 }, 'up')).status, 404);
		assert.equal((await vote(pay, 'up', null, 'lt')).status, 404, 'no Lithuanian translation');
		const bad = await vote(pay, 'sideways');
		assert.equal(bad.status, 422, bad.text);
		assert.ok(JSON.parse(bad.text).details.vote);
		const json = await page(`/hc/en/articles/${pay.id}/vote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"vote":"up"}' });
		assert.equal(json.status, 415);
	});

	it('views are counted in memory and written after the flush', async () => {
		const url = `/hc/en/articles/${members.id}-members-only-discounts`;
		const views = async () => {
			const r = await srv.api('GET', `${HC}/articles/${members.id}?locale=en`, null, { auth: agent });
			assert.equal(r.status, 200, r.text);
			return r.json.article.view_count;
		};
		const cookie = await signIn(alice);
		await sleep(2500); // the views of earlier tests written
		const before = await views();
		for (let i = 0; i < 3; i++)
			assert.equal((await page(url, { headers: { cookie } })).status, 200);
		// a 304 is a view too; a 404 (another language) is not
		const etag = (await page(url, { headers: { cookie } })).headers.get('etag');
		assert.equal((await page(url, { headers: { cookie, 'if-none-match': etag } })).status, 304);
		assert.equal((await page(`/hc/uk/articles/${members.id}`, { headers: { cookie } })).status, 404);
		let count = before;
		for (let tries = 0; tries < 40 && count < before + 5; tries++) {
			await sleep(250);
			count = await views();
		}
		assert.equal(count, before + 5);
	});

	it('too many votes from one address are refused for a while', async () => {
		let last;
		for (let i = 0; i < 9; i++)
			last = await vote(pay, i % 2 ? 'up' : 'down');
		assert.equal(last.status, 429);
		assert.ok(Number(last.headers.get('retry-after')) > 0);
	});
});

describe('sitemap', () => {
	it('lists every public published translation with its alternates and lastmod, well-formed', async () => {
		const r = await page('/hc/sitemap.xml');
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/xml/);
		assert.ok(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'));
		wellFormed(r.text);
		const locs = [...r.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
		for (const l of ['uk', 'ru', 'lt', 'en'])
			assert.ok(locs.includes(`/hc/${l}`), l);
		assert.ok(locs.includes(`/hc/en/articles/${pay.id}-paying-by-card`));
		assert.ok(locs.some((l) => decodeURIComponent(l) === `/hc/uk/articles/${pay.id}-оплата-карткою`));
		assert.ok(!locs.some((l) => l.startsWith(`/hc/lt/articles/${pay.id}`)));
		for (const hidden of [members, internal, draft])
			assert.ok(!locs.some((l) => l.includes(`/articles/${hidden.id}-`)), String(hidden.id));
		const entry = r.text.split('<url>').find((u) => u.includes(`/hc/en/articles/${pay.id}-paying-by-card</loc>`));
		assert.match(entry, /<lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/lastmod>/);
		assert.match(entry, /<xhtml:link rel="alternate" hreflang="uk" href="http:\/\/[^"]+\/hc\/uk\/articles\//);
		assert.match(entry, /<xhtml:link rel="alternate" hreflang="ru"/);
		assert.ok(locs.includes(`/hc/en/categories/${cat.id}-billing`));
	});
});

// Tags balanced, attributes quoted, no stray & or <: enough of XML for a
// sitemap we write ourselves.
function wellFormed(xml) {
	const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
	const stack = [];
	for (const m of body.matchAll(/<(\/?)([a-zA-Z:]+)((?:\s+[a-zA-Z:]+="[^"<&]*(?:&(?:amp|lt|gt|quot|#39);[^"<&]*)*")*)\s*(\/?)>/g)) {
		if (m[1])
			assert.equal(stack.pop(), m[2], `closing ${m[2]}`);
		else if (!m[4])
			stack.push(m[2]);
	}
	assert.deepEqual(stack, []);
	const text = body.replace(/<[^>]*>/g, '');
	assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(text), 'every & is an entity');
}
