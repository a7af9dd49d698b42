// The public help center in a real browser (issue 15): a customer goes from
// the home to a category and an article, switches the article to Ukrainian
// by the language switcher, votes "yes" and is thanked — all of it with
// JavaScript on, and again with it off (the pages are plain HTML, so
// nothing changes) — under the pages' own CSP with no violation.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const HC = '/api/v2/help_center';
let desk, srv, cat, pay;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
	const made = async (path, body, key) => {
		const r = await srv.api('POST', path, body);
		assert.equal(r.status, 201, r.text);
		return r.json[key];
	};
	cat = await made(`${HC}/categories`, { category: { name: 'Billing', description: 'Payments and invoices', locale: 'en', position: 1 } }, 'category');
	await made(`${HC}/categories/${cat.id}/translations`, { translation: { locale: 'uk', title: 'Оплата', body: 'Платежі та рахунки' } }, 'translation');
	const sec = await made(`${HC}/categories/${cat.id}/sections`, { section: { name: 'Cards', description: '', locale: 'en', position: 1 } }, 'section');
	pay = await made(`${HC}/sections/${sec.id}/articles`, { article: {
		title: 'Paying by card', body_markdown: 'Use **any** card.', locale: 'en', position: 1,
		label_names: [], visibility: 'public', promoted: true, draft: false } }, 'article');
	await made(`${HC}/articles/${pay.id}/translations`, { translation: {
		locale: 'uk', title: 'Оплата карткою', body_markdown: 'Будь-якою **карткою**.', draft: false } }, 'translation');
});
after(async () => { await desk?.close(); });

async function walk(tab) {
	const { page } = tab;
	await tab.goto('/hc');
	assert.match(page.url(), /\/hc\/en$/, 'an English browser lands on the English home');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	await page.locator('[data-test=hc-category] h2 a', { hasText: 'Billing' }).click();
	await page.waitForURL(new RegExp(`/hc/en/categories/${cat.id}-billing$`));
	assert.equal(await page.locator('[data-test=hc-title]').textContent(), 'Billing');
	await page.locator('a', { hasText: 'Paying by card' }).first().click();
	await page.waitForURL(new RegExp(`/hc/en/articles/${pay.id}-paying-by-card$`));
	assert.match(await page.locator('[data-test=hc-body]').innerHTML(), /<strong>any<\/strong>/);
	assert.match(await page.locator('[data-test=hc-crumbs]').textContent(), /Help center.*Billing.*Cards.*Paying by card/s);

	// the language switcher: the same article in Ukrainian
	await page.locator('[data-test=hc-langs] a[hreflang=uk]').click();
	await page.waitForURL((u) => decodeURIComponent(u.pathname) === `/hc/uk/articles/${pay.id}-оплата-карткою`);
	assert.equal(await page.getAttribute('html', 'lang'), 'uk');
	assert.equal(await page.locator('[data-test=hc-title]').textContent(), 'Оплата карткою');
	assert.match(await page.locator('[data-test=hc-vote]').textContent(), /Чи була ця стаття корисною\?/);

	// "was this helpful?": a plain form, back on the article, thanked
	await page.locator('[data-test=hc-yes]').click();
	await page.waitForURL(/\?voted=1#vote$/);
	assert.equal(await page.locator('[data-test=hc-voted]').textContent(), 'Дякуємо за відгук.');
	assert.match(await page.locator('[data-test=hc-votes]').textContent(), /із \d+ вважають статтю корисною/);
}

it('home → category → article, switch language, vote: with JavaScript', async () => {
	await desk.withTab({}, walk);
});

it('the same walk with JavaScript disabled', async () => {
	await desk.withTab({ javaScriptEnabled: false }, walk);
});

it('a search from the home box keeps the query, shown as text', async () => {
	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await tab.goto('/hc');
		assert.match(page.url(), /\/hc\/lt$/);
		await page.locator('[data-test=hc-query]').first().fill('<b>kortelė</b>');
		await page.locator('form.hc-search button').first().click();
		await page.waitForURL(/\/hc\/lt\/search\?query=/);
		assert.equal(await page.locator('[data-test=hc-query]').first().inputValue(), '<b>kortelė</b>');
		assert.equal(await page.locator('main b').count(), 0, 'the query is never markup');
	});
});
