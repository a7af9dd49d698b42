// Admin → Tiers in a real browser (issue 13): an admin makes the tiers
// Стандарт, Золотий and VIP in Ukrainian, finds them in order, moves VIP to
// the top, has a duplicate name refused in words next to the field; puts a
// customer on VIP from their page, and the customer's ticket shows the VIP
// badge in its customer panel (and the customers list too). A tier an SLA
// policy picks tickets by is refused deletion in words naming the policy,
// and the policy editor offers the tiers by name.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const BASE = '/api/v2/tiers';

let desk, srv;

before(async () => {
	desk = await openDesk({ endUsers: ['olena'] });
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

async function asAdmin(tab, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	await tab.signIn(srv.admin);
	await tab.goto(path);
}

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

async function tiers() {
	const r = await srv.api('GET', BASE);
	assert.equal(r.status, 200, r.text);
	return r.json.tiers.map((x) => [x.name, x.position]);
}

const titles = (page) => page.$$eval('[data-test=tier-row] [data-test=tier-title]', (l) => l.map((e) => e.textContent));

it('an admin makes tiers in Ukrainian, puts a customer on VIP, and the ticket page shows the badge', async () => {
	const { olena } = srv.users;
	const ticket = await srv.ticket({ subject: 'Не працює вхід', body: 'Не можу увійти.', priority: 'urgent' }, { auth: olena });
	await desk.withTab({ locale: 'uk-UA', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await asAdmin(tab, '/agent/admin/tiers');
		await page.waitForSelector('text=Рівнів ще немає.');
		assert.equal(await page.textContent('a[aria-current=page][href="/agent/admin/tiers"]'), 'Рівні клієнтів');

		for (const name of ['Стандарт', 'Золотий', 'VIP']) {
			const n = (await tiers()).length;
			await page.getByLabel('Назва', { exact: true }).fill(name);
			await page.click('[data-test=tier-add-submit]');
			await page.waitForFunction((k) => document.querySelectorAll('[data-test=tier-row]').length === k, n + 1);
		}
		assert.deepEqual(await titles(page), ['Стандарт', 'Золотий', 'VIP']);

		// VIP to the top, by the buttons' spoken names
		await page.getByRole('button', { name: 'Підняти VIP вище' }).click();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=tier-title]')[1].textContent === 'VIP');
		await page.getByRole('button', { name: 'Підняти VIP вище' }).click();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=tier-title]')[0].textContent === 'VIP');
		assert.equal(await page.getByRole('button', { name: 'Підняти VIP вище' }).isDisabled(), true);
		assert.deepEqual(await tiers(), [['VIP', 1], ['Стандарт', 2], ['Золотий', 3]]);

		// a name another tier has, in another case: refused next to the field, nothing written
		await page.getByLabel('Назва', { exact: true }).fill('золотий');
		await page.click('[data-test=tier-add-submit]');
		const problem = page.locator('#tier-new-name-problem');
		await problem.waitFor();
		assert.match(await problem.textContent(), /^Рівень з такою назвою вже є/);
		assert.equal(await page.getByLabel('Назва', { exact: true }).getAttribute('aria-invalid'), 'true');
		assert.equal((await tiers()).length, 3);

		// the customer put on VIP from their page
		await tab.goto(`/agent/customers/${olena.id}`);
		await page.waitForSelector('[data-test=person]');
		await page.getByLabel('Рівень', { exact: true }).selectOption({ label: 'VIP' });
		await page.waitForSelector('text=Збережено');
		const r = await srv.api('GET', `/api/v2/users/${olena.id}`);
		const vip = (await srv.api('GET', BASE)).json.tiers.find((x) => x.name === 'VIP');
		assert.equal(r.json.user.tier_id, vip.id);

		// the ticket's customer panel shows it
		await tab.goto(`/agent/tickets/${ticket.id}`);
		const badge = page.locator('[data-test=customer] [data-test=tier-badge]');
		await badge.waitFor();
		assert.equal(await badge.textContent(), 'VIP');

		// and the customers list
		await tab.goto('/agent/customers');
		await page.waitForSelector('[data-test=customers] [data-test=tier-badge]');
		assert.deepEqual(await page.$$eval('[data-test=customers] [data-test=tier-badge]', (l) => l.map((e) => e.textContent)), ['VIP']);

		// a policy picks tickets by VIP: the editor names the tier, and the delete is refused in words
		const p = await srv.api('POST', '/api/v2/slas/policies', { sla_policy: { title: 'VIP за 30 хвилин',
			filter: { all: [{ field: 'requester_tier', operator: 'is', value: vip.id }] },
			policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 30, business_hours: false }] } });
		assert.equal(p.status, 201, p.text);
		await tab.goto(`/agent/admin/slas/${p.json.sla_policy.id}`);
		await page.waitForSelector('[data-test=policy-form]');
		const field = page.getByLabel('Умова 1 (усі): поле', { exact: true });
		assert.equal(await field.inputValue(), 'requester_tier');
		assert.equal(await field.locator('option:checked').textContent(), 'Рівень клієнта');
		const value = page.getByLabel('Умова 1 (усі): значення', { exact: true });
		await page.waitForFunction(() => [...document.querySelectorAll('[data-test=cond-value] option')].some((o) => o.textContent === 'VIP'));
		assert.equal(await value.locator('option:checked').textContent(), 'VIP');

		await tab.goto('/agent/admin/tiers');
		await page.getByRole('button', { name: 'Видалити рівень VIP' }).click();
		await page.click('[data-test=tier-delete-yes]');
		const refused = page.locator(`#tier-${vip.id}-problem`);
		await refused.waitFor();
		assert.match(await refused.textContent(), /^Цей рівень не можна видалити: за ним добирає звернення політика SLA «VIP за 30 хвилин»/);
		assert.equal((await tiers()).length, 3);
	});
});
