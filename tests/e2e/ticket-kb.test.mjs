// From tickets to knowledge in a real browser (docs/web.md "Knowledge base
// on the ticket page"): on a Ukrainian customer's ticket the agent presses
// a, finds an article by an English word and inserts a link to its
// Ukrainian translation — the article is linked to the ticket and listed
// under "Articles used"; an internal article with no Ukrainian translation
// is marked and its English link said so; one is unlinked. From a solved
// ticket the agent creates a draft article in a chosen section and lands on
// the editor's path. In Ukrainian, "Similar tickets" lists the ticket with
// inflected words (never the ticket itself), links to it, and stays
// collapsed once collapsed.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const HC = '/api/v2/help_center';
let desk, srv, section, card, internal;

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['olena', 'alice'] });
	srv = desk.srv;
	await ok('PUT', `/api/v2/users/${srv.users.olena.id}`, { user: { locale: 'uk', name: 'Олена Коваль' } });
	await ok('PUT', `/api/v2/users/${srv.users.alice.id}`, { user: { locale: 'en', name: 'Alice Smith' } });
	const category = (await ok('POST', `${HC}/categories`, { category: { name: 'Payments', locale: 'en' } })).category;
	section = (await ok('POST', `${HC}/categories/${category.id}/sections`, { section: { name: 'Cards', locale: 'en' } })).section;
	const article = async (fields) => (await ok('POST', `${HC}/sections/${section.id}/articles`, { article: { draft: false, locale: 'en', ...fields } })).article;
	card = await article({ title: 'Paying by card', body_markdown: 'Enter the card number and confirm the payment.' });
	await ok('POST', `${HC}/articles/${card.id}/translations`, { translation: { locale: 'uk', title: 'Оплата карткою',
		body_markdown: 'Введіть номер картки й підтвердьте оплату.', draft: false } });
	internal = await article({ title: 'Card refunds by hand', body_markdown: 'Only agents: refund a card payment by hand.', visibility: 'agents' });
	// a decoy that matches nothing typed below
	await article({ title: 'Delivery times', body_markdown: 'Parcels arrive in three days.' });
});
after(async () => { await desk?.close(); });

async function openTicket(page, id) {
	await page.goto(`${srv.base}/agent/tickets/${id}`);
	await page.waitForSelector(`[data-test=ticket][data-id="${id}"] [data-test=comment]`);
	await page.locator('[data-test=ticket]').focus();
}

const used = (page) => page.locator('[data-test=kb-used-article]');

it('a finds an article, Enter inserts the link in the customer’s language and lists it under Articles used', async () => {
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.users.agent);
		const t = await srv.ticket({ subject: 'Картка не проходить', body: 'Не можу оплатити карткою', requester_id: srv.users.olena.id });
		await openTicket(page, t.id);
		await page.waitForSelector('[data-test=kb-used-empty]');
		await page.fill('[data-test=composer-body]', 'Ось інструкція:');
		await page.locator('[data-test=ticket]').focus();

		await page.keyboard.press('a');
		await page.waitForSelector('[data-test=kb-picker]');
		await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.test === 'kb-search');
		// the ticket's language, once the picker has read it
		await page.locator('[data-test=kb-picker-lang]', { hasText: 'Ukrainian' }).waitFor();
		await page.keyboard.type('card payment');
		// found by English words, shown by its Ukrainian title
		const first = page.locator(`[data-test=kb-option][data-id="${card.id}"]`);
		await first.waitFor();
		assert.equal((await first.locator('strong').textContent()).trim(), 'Оплата карткою');
		assert.equal(await first.locator('[data-test=kb-fallback]').count(), 0);
		// the internal one is found too, and marked
		const inner = page.locator(`[data-test=kb-option][data-id="${internal.id}"]`);
		await inner.waitFor();
		assert.equal(await inner.locator('[data-test=kb-internal]').count(), 1);
		assert.match(await inner.locator('[data-test=kb-fallback]').textContent(), /English/);
		for (let i = 0; i < 5 && await page.getAttribute(`[data-test=kb-option][data-id="${card.id}"]`, 'aria-selected') !== 'true'; i++)
			await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-test=kb-picker]', { state: 'detached' });

		const body = await page.inputValue('[data-test=composer-body]');
		const m = body.match(/^Ось інструкція: \[Оплата карткою\]\((\S+)\)$/);
		assert.ok(m, body);
		assert.match(m[1], new RegExp(`/hc/uk/articles/${card.id}-`));
		await used(page).first().waitFor();
		assert.equal(await used(page).count(), 1);
		assert.equal((await used(page).locator('a').textContent()).trim(), 'Оплата карткою');
		assert.equal(await used(page).locator('a').getAttribute('href'), m[1]);
		assert.deepEqual((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).articles.map((a) => a.article_id), [card.id]);

		// the internal one never goes into a reply the customer reads: refused, said why
		await page.locator('[data-test=ticket]').focus();
		await page.keyboard.press('a');
		await page.waitForSelector('[data-test=kb-picker]');
		// typed before the search box has the focus, "r" and "n" would be the
		// composer's keys (reply, note)
		await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.test === 'kb-search');
		await page.keyboard.type('refunds by hand');
		await page.locator(`[data-test=kb-option][data-id="${internal.id}"][aria-selected=true]`).waitFor();
		assert.equal(await page.locator(`[data-test=kb-option][data-id="${internal.id}"] [data-test=kb-internal-blocked]`).count(), 1);
		await page.keyboard.press('Enter');
		assert.match(await page.locator('[data-test=kb-error]').textContent(), /internal note/);
		assert.equal(await page.locator('[data-test=kb-picker]').count(), 1, 'the picker stays open');
		await page.keyboard.press('Escape');
		await page.waitForSelector('[data-test=kb-picker]', { state: 'detached' });
		assert.equal(await used(page).count(), 1, 'nothing was linked');
		// in an internal note it goes in: no Ukrainian translation, so the English link, said so
		await page.click('[data-test=mode-note]');
		await page.click('[data-test=kb-button]');
		await page.waitForSelector('[data-test=kb-picker]');
		// typed before the search box has the focus, "r" and "n" would be the
		// composer's keys (reply, note)
		await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.test === 'kb-search');
		await page.keyboard.type('refunds by hand');
		await page.locator(`[data-test=kb-option][data-id="${internal.id}"][aria-selected=true]`).waitFor();
		assert.equal(await page.locator('[data-test=kb-internal-blocked]').count(), 0);
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-test=kb-picker]', { state: 'detached' });
		assert.match(await page.inputValue('[data-test=composer-body]'), new RegExp(`\\[Card refunds by hand\\]\\(\\S+/hc/en/articles/${internal.id}-\\S+\\)$`));
		await page.waitForFunction(() => document.querySelectorAll('[data-test=kb-used-article]').length === 2);

		// unlinked from the panel: gone there and on the server
		await page.locator(`[data-test=kb-used-article][data-id="${internal.id}"] [data-test=kb-unlink]`).click();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=kb-used-article]').length === 1);
		assert.deepEqual((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).articles.map((a) => a.article_id), [card.id]);
		// nothing was sent: the links wait in the composer for the agent's submit
		assert.equal((await ok('GET', `/api/v2/tickets/${t.id}/comments`)).comments.length, 1);
	});
});

it('the picker says when nothing matches, and Escape leaves the composer as it was', async () => {
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.users.agent);
		const t = await srv.ticket({ subject: 'Hello', body: 'A question', requester_id: srv.users.alice.id });
		await openTicket(page, t.id);
		await page.click('[data-test=kb-button]');
		await page.waitForSelector('[data-test=kb-start]');
		await page.keyboard.type('zzqx');
		await page.waitForSelector('[data-test=kb-none]');
		await page.keyboard.press('Escape');
		await page.waitForSelector('[data-test=kb-picker]', { state: 'detached' });
		assert.equal(await page.inputValue('[data-test=composer-body]'), '');
		assert.equal((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).count, 0);
	});
});

it('from a solved ticket the agent creates a draft article in a section and lands on its editor', async () => {
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.users.agent);
		const t = await srv.ticket({ subject: 'Як змінити адресу доставки?', body: 'Переїхала, нова адреса: Київ.', requester_id: srv.users.olena.id });
		await openTicket(page, t.id);
		// not offered before the ticket is solved
		await page.waitForSelector('[data-test=kb-used-empty]');
		assert.equal(await page.locator('[data-test=kb-create]').count(), 0);
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'Змініть адресу в профілі.', public: true }, status: 'solved' } }, srv.users.agent);
		await openTicket(page, t.id);

		await page.click('[data-test=kb-create]');
		await page.waitForSelector('[data-test=kb-create-form]');
		// no section chosen: said, nothing made
		await page.click('[data-test=kb-create-go]');
		await page.waitForSelector('[data-test=kb-create-problem]');
		assert.equal((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).count, 0);
		await page.selectOption('[data-test=kb-section]', String(section.id));
		await page.click('[data-test=kb-create-go]');
		await page.waitForURL(/\/agent\/kb\/articles\/\d+$/);
		const id = Number(new URL(page.url()).pathname.split('/').pop());

		const draft = (await ok('GET', `${HC}/articles/${id}/translations/uk`)).translation;
		assert.equal(draft.title, 'Як змінити адресу доставки?');
		assert.equal(draft.draft, true);
		assert.match(draft.body_markdown, /Змініть адресу в профілі\./);
		assert.deepEqual((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).articles.map((a) => a.article_id), [id]);
	});
});

it('Similar tickets lists the ticket with inflected words as a link, never itself, and stays collapsed (in Ukrainian)', async () => {
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(srv.users.agent);
		const olena = srv.users.olena.id;
		const old = await srv.ticket({ subject: 'Повернення коштів за замовлення', body: 'Коли буде повернення коштів?', requester_id: olena });
		await ok('PUT', `/api/v2/tickets/${old.id}`, { ticket: { comment: { body: 'Кошти повернуто.', public: true }, status: 'solved' } }, srv.users.agent);
		await srv.ticket({ subject: 'Доставка затримується', body: 'Посилка не прийшла', requester_id: olena });
		const t = await srv.ticket({ subject: 'Прошу повернути кошти', body: 'Замовлення скасоване, поверніть кошти', requester_id: olena });
		await openTicket(page, t.id);

		const panel = page.locator('[data-test=similar]');
		assert.match(await panel.locator('h2').textContent(), /Схожі звернення/);
		const row = panel.locator(`[data-test=similar-ticket][data-id="${old.id}"]`);
		await row.waitFor();
		assert.match(await row.textContent(), /Повернення коштів за замовлення/);
		assert.equal((await row.locator('[data-test=status]').textContent()).trim(), 'Вирішено');
		assert.equal(await panel.locator(`[data-test=similar-ticket][data-id="${t.id}"]`).count(), 0);

		// collapsed, it stays so on the next ticket
		await page.click('[data-test=similar-toggle]');
		assert.equal(await page.getAttribute('[data-test=similar-toggle]', 'aria-expanded'), 'false');
		assert.equal(await panel.locator('[data-test=similar-ticket]').count(), 0);
		await row.waitFor({ state: 'detached' });
		await page.click('[data-test=similar-toggle]');
		await row.waitFor();
		await row.locator('a').click();
		await page.waitForSelector(`[data-test=ticket][data-id="${old.id}"]`);
		assert.equal(new URL(page.url()).pathname, `/agent/tickets/${old.id}`);
		await page.click('[data-test=similar-toggle]');
		await openTicket(page, t.id);
		assert.equal(await page.getAttribute('[data-test=similar-toggle]', 'aria-expanded'), 'false');
	});
});
