// Macros in the composer, with the keyboard alone: on tickets of a
// Ukrainian, a Russian, a Lithuanian and an English requester, m opens the
// picker, typing filters it, ↓ and Enter apply the macro — the reply in the
// customer's language fills the composer and its fields wait as edits, with
// nothing saved — and the agent submits: the reply and the fields go out
// together.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv, macro;

const REPLIES = {
	uk: 'Вітаємо, {{ticket.requester.first_name}}! Повернення коштів за запитом №{{ticket.id}} схвалено.',
	ru: 'Здравствуйте, {{ticket.requester.first_name}}! Возврат по запросу №{{ticket.id}} одобрен.',
	lt: 'Sveiki, {{ticket.requester.first_name}}! Pinigų grąžinimas pagal užklausą Nr. {{ticket.id}} patvirtintas.',
	en: 'Hello {{ticket.requester.first_name}}, the refund for request #{{ticket.id}} is approved.',
};
const CUSTOMERS = [['olena', 'uk', 'Олена Коваль'], ['ivan', 'ru', 'Иван Петров'], ['ona', 'lt', 'Ona Kazlauskienė'], ['alice', 'en', 'Alice Smith']];

async function ok(method, p, body) {
	const r = await srv.api(method, p, body);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: CUSTOMERS.map((c) => c[0]) });
	srv = desk.srv;
	for (const [key, locale, name] of CUSTOMERS)
		await ok('PUT', `/api/v2/users/${srv.users[key].id}`, { user: { locale, name } });
	// a decoy first in the list, so that the test has to type and move
	await ok('POST', '/api/v2/macros', { macro: { title: 'Ask for the order number', translations: { en: 'Order number?' } } });
	macro = (await ok('POST', '/api/v2/macros', { macro: {
		title: 'Refund approved',
		actions: [{ field: 'priority', value: 'low' }, { field: 'current_tags', value: 'refund' },
			{ field: 'status', value: 'solved' }, { field: 'comment_mode_is_public', value: true }],
		translations: REPLIES,
	} })).macro;
});
after(async () => { await desk?.close(); });

async function serverTicket(id, until) {
	let t;
	for (let i = 0; i < 100; i++) {
		t = (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
		if (until(t))
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	return t;
}

it('applies a macro from the composer with the keyboard in the requester\'s language, and submits', async () => {
	const tab = await desk.tab({ locale: 'en-US' });
	await tab.signInByForm(srv.users.agent);
	const { page } = tab;
	for (const [key, lang, name] of CUSTOMERS) {
		const t = await srv.ticket({ subject: `Refund ${lang}`, body: 'Where is my money?', requester_id: srv.users[key].id, tags: ['waiting'] });
		await page.goto(`${srv.base}/agent/tickets/${t.id}`);
		await page.waitForSelector(`[data-test=ticket][data-id="${t.id}"] [data-test=comment]`);
		await page.locator('[data-test=ticket]').focus();

		await page.keyboard.press('m');
		await page.waitForSelector('[data-test=macro-picker]');
		// the search has the focus: typing filters at once
		await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.test === 'macro-search');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=macro-option]').length === 2);
		await page.keyboard.type('refund appr');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=macro-option]').length === 1);
		// ↓ wraps round the one match; Enter applies it
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForSelector('[data-test=macro-picker]', { state: 'detached' });

		const expected = REPLIES[lang].replace('{{ticket.requester.first_name}}', name.split(' ')[0]).replace('{{ticket.id}}', String(t.id));
		assert.equal(await page.inputValue('[data-test=composer-body]'), expected);
		assert.equal(await page.getAttribute('[data-test=mode-reply]', 'aria-pressed'), 'true');
		assert.equal(await page.inputValue('[data-test=prop-priority]'), 'low');
		assert.equal((await page.inputValue('[data-test=prop-tags]')).split(' ').sort().join(' '), 'refund waiting');
		assert.match(await page.textContent('[data-test=submit]'), /Solved/);
		// nothing saved yet
		const before = (await srv.api('GET', `/api/v2/tickets/${t.id}`)).json.ticket;
		assert.equal(before.status, t.status);
		assert.equal(before.priority, t.priority);

		// the agent reviews and submits: Ctrl+Enter in the composer
		await page.keyboard.press('Control+Enter');
		const after = await serverTicket(t.id, (x) => x.status === 'solved');
		assert.equal(after.status, 'solved');
		assert.equal(after.priority, 'low');
		assert.deepEqual([...after.tags].sort(), ['refund', 'waiting']);
		const comments = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
		const last = comments[comments.length - 1];
		assert.equal(last.body, expected);
		assert.equal(last.public, true);
	}
	assert.equal((await ok('GET', `/api/v2/macros/${macro.id}`)).macro.usage_count, 4);
});

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

it('an admin writes a macro with its four replies side by side, previews one, is told about an unknown placeholder, saves and deletes it (in Lithuanian)', async () => {
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/macros');
		await page.waitForSelector('[data-test=macro-list]');
		assert.equal(await page.textContent('a[aria-current=page][href="/agent/admin/macros"]'), 'Makrokomandos');
		await page.click('[data-test=macro-new]');
		await page.waitForSelector('[data-test=macro-editor]');
		await page.fill('[data-test=macro-title]', 'Siuntos numeris');
		await page.selectOption('[data-test=macro-status]', 'pending');
		await page.fill('[data-test=macro-add-tags]', 'tracking');
		await page.check('[data-test=macro-public]');
		await page.fill('[data-test=macro-reply-uk]', 'Номер відправлення: {{ticket.id}}');
		await page.fill('[data-test=macro-reply-ru]', 'Номер отправления: {{ticket.id}}');
		await page.fill('[data-test=macro-reply-lt]', 'Sveiki, {{ticket.requester.nickname}}!');
		await page.fill('[data-test=macro-reply-en]', 'Your tracking number: {{ticket.id}}');
		// the four side by side in a wide window
		const tops = await Promise.all(['uk', 'ru', 'lt', 'en'].map((l) =>
			page.locator(`[data-test=macro-reply-${l}]`).evaluate((e) => Math.round(e.getBoundingClientRect().top))));
		assert.equal(new Set(tops).size, 1, `the replies are not side by side: ${tops}`);

		await page.click('[data-test=macro-save]');
		await page.waitForSelector('#macro-reply-lt-problem');
		assert.match(await page.textContent('#macro-reply-lt-problem'), /translations\.lt/);
		assert.equal((await srv.api('GET', '/api/v2/macros?access=shared')).json.macros.filter((m) => m.title === 'Siuntos numeris').length, 0);

		await page.fill('[data-test=macro-reply-lt]', 'Sveiki, {{current_user.name}}! Užklausa Nr. {{ticket.id}}.');
		await page.click('[data-test=macro-preview-lt]');
		await page.waitForSelector('[data-test=macro-preview-out-lt]');
		assert.equal(await page.textContent('[data-test=macro-preview-out-lt]'), 'Sveiki, Ada Admin! Užklausa Nr. .');
		await page.click('[data-test=macro-save]');
		await page.waitForSelector('[data-test=macro-row]:has-text("Siuntos numeris")');
		const saved = (await srv.api('GET', '/api/v2/macros')).json.macros.find((m) => m.title === 'Siuntos numeris');
		assert.equal(saved.restriction, null);
		assert.equal(saved.translations.ru, 'Номер отправления: {{ticket.id}}');
		assert.deepEqual(saved.actions.filter((a) => a.field !== 'comment_mode_is_public'),
			[{ field: 'status', value: 'pending' }, { field: 'current_tags', value: 'tracking' }]);
		assert.ok(saved.actions.some((a) => a.field === 'comment_mode_is_public' && a.value === true));

		const row = page.locator(`[data-test=macro-row][data-id="${saved.id}"]`);
		await row.locator('[data-test=macro-delete]').click();
		await row.locator('[data-test=macro-delete-yes]').click();
		await row.waitFor({ state: 'detached' });
		assert.equal((await srv.api('GET', `/api/v2/macros/${saved.id}`)).status, 404);
	});
});
