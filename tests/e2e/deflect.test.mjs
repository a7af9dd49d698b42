// Self-service before a ticket in a real browser (docs/kb.md
// "Self-service"): a customer types a subject on the contact form and is
// shown a help-center article; "this solved my problem" records a
// deflection, sends nothing and clears the draft. Another time the
// customer sends the request anyway: a ticket, with "submitted" recorded.
// And with JavaScript disabled, in Ukrainian, the plain form answers a
// confirmation step with the article, from which "send anyway" makes the
// ticket and "this solved my problem" goes to the article.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const HC = '/api/v2/help_center';
let desk, srv, article;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
	const cat = await srv.api('POST', `${HC}/categories`, { category: { name: 'Payments', description: '', locale: 'en', position: 1 } });
	assert.equal(cat.status, 201, cat.text);
	const sec = await srv.api('POST', `${HC}/categories/${cat.json.category.id}/sections`,
		{ section: { name: 'Cards', description: '', locale: 'en', position: 1 } });
	assert.equal(sec.status, 201, sec.text);
	const a = await srv.api('POST', `${HC}/sections/${sec.json.section.id}/articles`, { article: {
		title: 'Card payment declined', locale: 'en', visibility: 'public', draft: false,
		body_markdown: 'When your card is declined, check the card number and try another card.' } });
	assert.equal(a.status, 201, a.text);
	article = a.json.article;
	const uk = await srv.api('POST', `${HC}/articles/${article.id}/translations`, { translation: {
		locale: 'uk', title: 'Картку відхилено під час оплати', draft: false,
		body_markdown: 'Якщо оплату карткою відхилено, перевірте номер картки.' } });
	assert.equal(uk.status, 201, uk.text);
});
after(async () => { await desk?.close(); });

async function report() {
	const r = await srv.api('GET', `${HC}/reports/deflection`);
	assert.equal(r.status, 200, r.text);
	return r.json.deflection_report;
}
const ticketCount = async () => (await srv.allTickets()).length;

async function fillForm(page, subject) {
	await page.goto(`${srv.base}/portal/requests/new`);
	await page.fill('[data-test=name]', 'Olena');
	await page.fill('[data-test=email]', 'olena@example.test');
	await page.fill('[data-test=description]', 'It happened twice at checkout.');
	await page.fill('[data-test=subject]', subject);
}

it('typing a subject suggests the article; "this solved my problem" records a deflection and sends nothing', async () => {
	await desk.withTab({ locale: 'en-US' }, async ({ page }) => {
		const before = await ticketCount();
		await fillForm(page, 'My card payment was declined');
		const link = page.locator('[data-test=suggestion-link]').first();
		await link.waitFor({ timeout: 10000 });
		assert.match(await link.textContent(), /Card payment declined/);
		assert.equal(await link.getAttribute('target'), '_blank');
		assert.match(await link.getAttribute('href'), new RegExp(`/hc/en/articles/${article.id}-card-payment-declined$`));
		assert.match(await page.textContent('[data-test=suggestion] .p-snippet'), /declined/);

		await page.click('[data-test=solved]');
		await page.waitForSelector('[data-test=deflected]');
		assert.match(await page.textContent('[data-test=deflected] h1'), /Glad that helped/);
		assert.equal(await page.evaluate(() => localStorage.getItem('fl.portal.request')), null, 'the draft is cleared');
		assert.equal(await ticketCount(), before, 'no ticket');
		const r = await report();
		assert.equal(r.deflected, 1);
		assert.equal(r.by_article[0].article_id, article.id);

		await page.click('[data-test=still-need-help]');
		assert.equal(await page.inputValue('[data-test=subject]'), '', 'the form starts empty');
	});
});

it('another time the customer sends the request anyway: a ticket, and the suggestions counted as not taken', async () => {
	await desk.withTab({ locale: 'en-US' }, async ({ page }) => {
		const before = await ticketCount();
		await fillForm(page, 'Card declined again');
		await page.locator('[data-test=suggestion]').first().waitFor({ timeout: 10000 });
		await page.click('[data-test=submit]');
		const id = Number(await page.textContent('[data-test=request-number]', { timeout: 10000 }));
		assert.ok(id > 0);
		assert.equal(await ticketCount(), before + 1);
		const r = await report();
		assert.equal(r.submitted, 1);
		assert.equal(r.shown, 2);
		assert.equal(r.rate, 0.5);
	});
});

it('without JavaScript, in Ukrainian: the confirmation step lists the article; send anyway, or solved', async () => {
	await desk.withTab({ locale: 'uk-UA', javaScriptEnabled: false,
		// with scripts off Chromium reports the page's module as blocked; the hc pages may not exist here
		allow: [/portal\.js.*\(csp\)/, /404/] }, async ({ page }) => {
		const before = await ticketCount();
		await fillForm(page, 'Оплату карткою відхилено');
		await page.click('[data-test=submit]');
		await page.waitForSelector('text=Ці статті можуть відповісти на ваше питання');
		assert.match(await page.textContent('[data-test=suggestion] a'), /Картку відхилено під час оплати/);
		assert.equal(await page.textContent('[data-test=confirm-subject]'), 'Оплату карткою відхилено');
		assert.equal(await ticketCount(), before, 'nothing sent yet');

		await page.click('[data-test=send]');
		await page.waitForSelector('text=/Звернення #\\d+ отримано/');
		assert.equal(await ticketCount(), before + 1);
		const comments = await srv.api('GET', `/api/v2/tickets/${(await srv.allTickets()).at(-1).id}/comments`);
		assert.equal(comments.json.comments[0].body, 'It happened twice at checkout.', 'every field carried through');

		await fillForm(page, 'Оплату карткою відхилено');
		await page.click('[data-test=submit]');
		await page.waitForSelector('[data-test=solved]');
		await Promise.all([page.waitForURL(new RegExp(`/hc/uk/articles/${article.id}-`)), page.click('[data-test=solved]')]);
		assert.equal(await ticketCount(), before + 1, 'solved: no second ticket');
		const r = await report();
		assert.deepEqual(r.by_locale.find((l) => l.locale === 'uk'), { locale: 'uk', shown: 2, deflected: 1, submitted: 1, rate: 0.5 });
	});
});

it('an admin reads the self-service report: the rate by day, the articles, the failed searches (in Lithuanian)', async () => {
	const miss = await srv.api('GET', `${HC}/articles/search?query=${encodeURIComponent('virdulio garantija')}&locale=lt`, null, { auth: 'anonymous' });
	assert.equal(miss.status, 200, miss.text);
	assert.equal(miss.json.results.length, 0);
	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/reports/self-service');
		await page.waitForSelector('text=Savitarnos ataskaita');
		assert.equal(await page.getAttribute('a[href="/agent/reports/self-service"]', 'aria-current'), 'page');
		// three tests above: two suggestions taken, two requests sent anyway
		assert.equal(await page.textContent('[data-test=kbr-shown]'), '4');
		assert.equal(await page.textContent('[data-test=kbr-deflected]'), '2');
		assert.match(await page.textContent('[data-test=kbr-rate]'), /^50\s%$/);
		const today = new Date().toISOString().slice(0, 10);
		assert.equal(await page.getAttribute(`[data-test=kbr-day][data-date="${today}"]`, 'data-rate'), '0.5');
		assert.equal(await page.locator('[data-test=kbr-day]').count(), 30);
		assert.match(await page.textContent(`[data-test=kbr-article][data-id="${article.id}"]`), /Card payment declined/);
		assert.match(await page.textContent('[data-test=kbr-searches]'), /virdulio garantija/);

		await page.selectOption('[data-test=kbr-locale]', 'uk');
		await page.click('[data-test=kbr-show]');
		await page.waitForFunction(() => document.querySelector('[data-test=kbr-shown]')?.textContent === '2');
		assert.match(await page.textContent(`[data-test=kbr-article][data-id="${article.id}"]`), /Картку відхилено/);
	});
});

it('an emoji where the query is cut (500 characters) is kept whole: the suggestions and the deflection still work', async () => {
	await desk.withTab({ locale: 'en-US' }, async ({ page }) => {
		const before = (await report()).deflected;
		await page.goto(`${srv.base}/portal/requests/new`);
		await page.fill('[data-test=email]', 'emoji@example.test');
		// "Card payment declined " is 22 characters: the emoji's two UTF-16
		// units are the query's 500th and 501st, a cut by units halves it
		await page.fill('[data-test=description]', `${'x'.repeat(477)}😀 more`);
		await page.fill('[data-test=subject]', 'Card payment declined');
		await page.locator('[data-test=suggestion-link]').first().waitFor({ timeout: 10000 });
		await page.click('[data-test=solved]');
		await page.waitForSelector('[data-test=deflected]');
		assert.equal((await report()).deflected, before + 1, 'the deflection was recorded');
	});
});
