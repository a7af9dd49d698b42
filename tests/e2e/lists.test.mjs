// The ticket lists as a team lead sets them up and an agent works them: the
// compact density (one line a ticket) kept on the server for the agent, the
// built-in queues in the agent's language with no English "view" repeating
// them, views titled per language, the list and header on a phone, and the
// keyboard.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const TICKETS = 30;
// what version 1 of the schema seeded as views; the workspace has them as queues
const SEEDED = ['Your unsolved tickets', 'Unassigned tickets', 'All unsolved tickets', 'Pending tickets',
	'Recently solved tickets'];
const LONG = 'Замовлення KV-2210 прийшло пошкодженим, коробка мокра, чайник протікає знизу і не вмикається';

let desk, admin;

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['alice'] });
	admin = desk.users.admin;
	await desk.agent('olena', { locale: 'uk' });
	await desk.agent('rasa', { locale: 'lt' });
	const { agent, alice } = desk.users;
	for (let i = 0; i < TICKETS; i++) {
		await desk.ticket({ subject: i === 0 ? LONG : `Посилка ${i} не прийшла`, requester_id: alice.id,
			status: 'open', priority: i % 3 ? 'normal' : 'high', assignee_id: i % 2 ? agent.id : null });
	}
});
after(async () => { await desk?.close(); });

/** A tab signed in as user at viewport, on path, with the list shown. */
async function listTab(user, { viewport = DESK, locale = 'en-US', path = '/agent/queues/all-open' } = {}) {
	const tab = await desk.tab({ viewport, locale });
	await tab.signIn(user);
	await tab.goto(path);
	await tab.page.waitForSelector('[data-test=ticket-row]', { timeout: 10000 });
	return tab;
}

/** The rows wholly inside the window, and the tallest row's height. */
function visibleRows(page) {
	return page.evaluate(() => {
		const rows = [...document.querySelectorAll('[data-test=ticket-row]')].map((r) => r.getBoundingClientRect());
		return { visible: rows.filter((r) => r.top >= 0 && r.bottom <= innerHeight).length,
			tallest: Math.max(...rows.map((r) => r.height)) };
	});
}

async function serverDensity(user) {
	const r = await desk.api('GET', '/api/v2/users/me/preferences', null, { auth: user });
	assert.equal(r.status, 200, r.text);
	return r.json.preferences.density;
}

/** Polls the server until user's density is want (the PUT is on its way). */
async function densityBecomes(user, want) {
	for (let i = 0; i < 100 && await serverDensity(user) !== want; i++)
		await new Promise((r) => setTimeout(r, 100));
	assert.equal(await serverDensity(user), want);
}

it('compact shows 18 tickets and more at 1366×768, one line each, and stays the agent\'s choice', async () => {
	const { agent } = desk.users;
	await desk.withTab({ viewport: DESK }, async (tab) => {
		await tab.signIn(agent);
		await tab.goto('/agent/queues/all-open');
		const { page } = tab;
		await page.waitForSelector('[data-test=ticket-list][data-density=comfortable] [data-test=ticket-row]');
		const comfortable = await visibleRows(page);
		await page.click('[data-test=density-compact]');
		await page.waitForSelector('[data-test=ticket-list][data-density=compact]');
		const compact = await visibleRows(page);
		assert.ok(compact.visible >= 18, `only ${compact.visible} rows visible in compact (comfortable: ${comfortable.visible})`);
		assert.ok(compact.visible > comfortable.visible, `compact ${compact.visible}, comfortable ${comfortable.visible}`);
		assert.ok(compact.tallest < 36, `a compact row is ${compact.tallest} px high: more than one line`);
		// the long subject is cut short on the line, and whole in its tooltip
		const cell = page.locator('[data-test=ticket-row] td.subject', { hasText: 'KV-2210' });
		assert.equal(await cell.getAttribute('title'), LONG);
		assert.ok(await cell.evaluate((td) => td.scrollWidth > td.clientWidth), 'the long subject is not cut short');
		await densityBecomes(agent, 'compact');

		// after a reload, and in another browser, the agent still has it
		await page.reload();
		await page.waitForSelector('[data-test=ticket-list][data-density=compact] [data-test=ticket-row]');
		assert.equal(await page.getAttribute('[data-test=density-compact]', 'aria-pressed'), 'true');
	});
	await desk.withTab({ viewport: DESK }, async (tab) => {
		await tab.signIn(agent);
		await tab.goto('/agent/queues/all-open');
		await tab.page.waitForSelector('[data-test=ticket-list][data-density=compact] [data-test=ticket-row]');
		assert.ok((await visibleRows(tab.page)).visible >= 18);
		// and back: comfortable is kept the same way
		await tab.page.click('[data-test=density-comfortable]');
		await tab.page.waitForSelector('[data-test=ticket-list][data-density=comfortable]');
		await densityBecomes(agent, 'comfortable');
	});
});

it('j and k move through the compact list, Enter opens the ticket', async () => {
	const { agent } = desk.users;
	const r = await desk.api('PUT', '/api/v2/users/me/preferences', { preferences: { density: 'compact' } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	await desk.withTab({ viewport: DESK }, async (tab) => {
		await tab.signIn(agent);
		await tab.goto('/agent/queues/all-open');
		const { page } = tab;
		await page.waitForSelector('[data-test=ticket-list][data-density=compact] [data-test=ticket-row]');
		const cursor = () => page.getAttribute('tr.cursor', 'data-id');
		const ids = await page.$$eval('[data-test=ticket-row]', (rows) => rows.map((x) => x.dataset.id));
		assert.equal(await cursor(), ids[0]);
		await page.keyboard.press('j');
		await page.keyboard.press('j');
		await page.keyboard.press('j');
		assert.equal(await cursor(), ids[3]);
		await page.keyboard.press('k');
		assert.equal(await cursor(), ids[2]);
		await page.keyboard.press('Enter');
		await page.waitForURL(`**/agent/tickets/${ids[2]}`);

		// keys typed faster than the list renders: "j j Enter" in one go opens
		// the ticket two rows down, not the one the cursor was on
		await tab.goto('/agent/queues/all-open');
		await page.waitForSelector('[data-test=ticket-list][data-density=compact] [data-test=ticket-row]');
		assert.equal(await cursor(), ids[0]);
		await page.evaluate(() => {
			for (const key of ['j', 'j', 'Enter'])
				document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
		});
		await page.waitForURL(`**/agent/tickets/${ids[2]}`);
	});
});

it('in Ukrainian the built-in queues are named in Ukrainian, and no English view repeats them', async () => {
	await desk.withTab({ viewport: DESK, locale: 'uk-UA' }, async (tab) => {
		await tab.signIn(desk.users.olena);
		await tab.goto('/agent/queues/all-open');
		await tab.page.waitForSelector('[data-test=queue-my-open]');
		const nav = await tab.page.textContent('.side');
		assert.match(nav, /Черги/);
		for (const title of SEEDED)
			assert.ok(!nav.includes(title), `the nav shows "${title}": ${nav}`);
		assert.equal(await tab.page.locator('[data-test^=queue-view-]').count(), 0);
	});
});

it('a view shows its title in the agent\'s language, else the title as the admin wrote it', async () => {
	const make = async (view) => {
		const r = await desk.api('POST', '/api/v2/views', { view: {
			all: [{ field: 'status', operator: 'is', value: 'open' }], ...view } }, { auth: admin });
		assert.equal(r.status, 201, r.text);
		return r.json.view.id;
	};
	const vip = await make({ title: 'VIP customers', title_translations: { uk: 'VIP-клієнти', ru: 'VIP-клиенты' } });
	const plain = await make({ title: 'Refunds' });
	for (const [user, locale, want] of [['olena', 'uk-UA', 'VIP-клієнти'], ['rasa', 'lt-LT', 'VIP customers']]) {
		await desk.withTab({ viewport: DESK, locale }, async (tab) => {
			await tab.signIn(desk.users[user]);
			await tab.goto(`/agent/queues/view-${vip}`);
			await tab.page.waitForSelector(`[data-test=queue-view-${vip}]`);
			assert.equal((await tab.page.textContent(`[data-test=queue-view-${vip}] span:first-child`)).trim(), want);
			assert.equal((await tab.page.textContent(`[data-test=queue-view-${plain}] span:first-child`)).trim(), 'Refunds');
			await tab.page.waitForFunction((w) => document.querySelector('#list-title')?.textContent === w, want);
		});
	}
});

it('on a phone the list fits the screen, the header is one small bar, and the menu has the queues with counts', async () => {
	await desk.withTab({ viewport: PHONE, locale: 'uk-UA' }, async (tab) => {
		await tab.signIn(desk.users.olena);
		await tab.goto('/agent/queues/all-open');
		const { page } = tab;
		await page.waitForSelector('[data-test=ticket-row]');
		const fit = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, width: innerWidth,
			header: document.querySelector('header.top').getBoundingClientRect().height }));
		assert.ok(fit.scroll <= fit.width, `the page is ${fit.scroll} px wide on a ${fit.width} px screen`);
		assert.ok(fit.header <= 56, `the header is ${fit.header} px high`);
		// each ticket is a card of two lines: subject, then number, status, requester, when
		const card = await page.locator('[data-test=ticket-row]').first().boundingBox();
		assert.ok(card.width <= fit.width && card.height < 80, JSON.stringify(card));
		assert.equal(await page.isVisible('[data-test=queue-all-open]'), false);

		await page.click('[data-test=menu]');
		await page.waitForSelector('[data-test=queue-all-open]', { state: 'visible' });
		await page.waitForFunction((n) => document.querySelector('[data-test=queue-all-open] .count')?.textContent === String(n), TICKETS);
		assert.ok(await page.isVisible('[data-test=sign-out]'));
		assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= PHONE.width);
		// a queue chosen in the menu closes it
		await page.click('[data-test=queue-unassigned]');
		await page.waitForSelector('[data-test=queue-unassigned]', { state: 'hidden' });
		assert.equal(await page.textContent('#list-title'), 'Непризначені');
	});
});
