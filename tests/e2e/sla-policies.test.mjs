// Admin → SLA policies in a real browser (issue 13): an admin makes a
// policy "VIP" in Ukrainian — urgent first reply in 1 h of business hours,
// normal first reply in 8 h of calendar time, for urgent tickets — finds it
// listed and summarised after a reload and in the API as the exact minutes;
// moves it below another, has an empty title refused in Ukrainian next to
// the field, deletes one. In Lithuanian: a target of 0 refused in words, a
// tags condition added, a policy deleted. The section fits a phone and a
// 1366×768 screen without sideways scrolling.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const BASE = '/api/v2/slas/policies';

let desk, srv, scheduleId;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
	const s = await srv.api('POST', '/api/v2/business_hours/schedules', { schedule: { name: 'Київ 9–18', time_zone: 'Europe/Kyiv' } });
	assert.equal(s.status, 201, s.text);
	scheduleId = s.json.schedule.id;
});
after(async () => { await desk?.close(); });

async function asAdmin(tab, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	await tab.signIn(srv.admin);
	await tab.goto(path);
}

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

async function policies() {
	const r = await srv.api('GET', BASE);
	assert.equal(r.status, 200, r.text);
	return r.json.sla_policies;
}

async function fits(page) {
	const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
	assert.ok(scroll <= client, `the page is ${scroll}px wide in a ${client}px window`);
}

const cell = (page, metric, priority) => page.locator(`[data-test=cell][data-metric=${metric}][data-priority=${priority}]`);

it('an admin makes the policy VIP, finds it kept exactly, reorders, is told about an empty title, deletes (in Ukrainian)', async () => {
	await desk.withTab({ locale: 'uk-UA', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await asAdmin(tab, '/agent/admin/slas');
		await page.waitForSelector('text=Політик SLA ще немає.');
		assert.equal(await page.textContent('a[aria-current=page][href="/agent/admin/slas"]'), 'Політики SLA');

		await page.getByRole('link', { name: 'Нова політика SLA' }).click();
		await page.waitForSelector('[data-test=policy-form]');
		await page.getByLabel('Назва', { exact: true }).fill('VIP');
		await page.getByLabel('Розклад', { exact: true }).selectOption({ label: 'Київ 9–18' });
		await page.getByLabel('Попереджати до порушення (хвилин)', { exact: true }).fill('20');
		// by the labels people hear: priority, metric, unit
		await page.getByLabel('Терміновий, перша відповідь: години', { exact: true }).fill('1');
		assert.equal(await page.getByLabel('Терміновий, перша відповідь: робочі години', { exact: true }).isChecked(), true);
		await page.getByLabel('Звичайний, перша відповідь: години', { exact: true }).fill('8');
		await page.getByLabel('Звичайний, перша відповідь: робочі години', { exact: true }).uncheck();
		// a condition from the definitions: priority is urgent
		await page.click('[data-test=cond-add-all]');
		await page.getByLabel('Умова 1 (усі): поле', { exact: true }).selectOption('priority');
		await page.getByLabel('Умова 1 (усі): оператор', { exact: true }).selectOption('is');
		await page.getByLabel('Умова 1 (усі): значення', { exact: true }).selectOption({ label: 'Терміновий' });
		await page.getByRole('button', { name: 'Створити' }).click();
		await page.waitForSelector('[data-test=policy-row]');

		const [vip] = await policies();
		assert.equal(vip.title, 'VIP');
		assert.equal(vip.schedule_id, scheduleId);
		assert.equal(vip.warning_minutes, 20);
		assert.deepEqual(vip.policy_metrics, [
			{ priority: 'normal', metric: 'first_reply_time', target: 480, business_hours: false },
			{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: true }]);
		assert.deepEqual(vip.filter, { all: [{ field: 'priority', operator: 'is', value: 'urgent' }], any: [] });

		await page.reload();
		const row = page.locator(`[data-test=policy-row][data-id="${vip.id}"]`);
		await row.waitFor();
		assert.equal(await row.locator('[data-test=policy-title]').textContent(), 'VIP');
		assert.equal(await row.locator('[data-test=policy-summary]').textContent(),
			'Терміновий: перша відповідь 1 год (робочі години); Звичайний: перша відповідь 8 год');
		assert.equal(await row.locator('[data-test=policy-schedule]').textContent(), 'Київ 9–18');
		assert.equal(await page.textContent('[data-test=policies-count]'), '1 політика');

		// another policy, then VIP moved below it
		const other = await srv.api('POST', BASE, { sla_policy: { title: 'Звичайні',
			policy_metrics: [{ priority: 'low', metric: 'total_resolution', target: 2 * 24 * 60 + 30 }] } });
		assert.equal(other.status, 201, other.text);
		await page.reload();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=policy-row]').length === 2);
		assert.equal(await page.textContent('[data-test=policies-count]'), '2 політики');
		const second = page.locator(`[data-test=policy-row][data-id="${other.json.sla_policy.id}"]`);
		assert.equal(await second.locator('[data-test=policy-summary]').textContent(), 'Низький: повне вирішення 48 год 30 хв');
		assert.equal(await second.locator('[data-test=policy-schedule]').textContent(), 'Перший розклад служби');
		await page.getByRole('button', { name: 'Опустити VIP нижче' }).click();
		await page.waitForFunction(() => document.querySelector('[data-test=policy-row] [data-test=policy-title]').textContent === 'Звичайні');
		assert.deepEqual((await policies()).map((p) => p.title), ['Звичайні', 'VIP']);
		assert.equal(await page.getByRole('button', { name: 'Опустити VIP нижче' }).isDisabled(), true);

		// an empty title: refused next to the field in Ukrainian, the server's words kept, nothing written
		await row.getByRole('link', { name: 'VIP' }).click();
		await page.waitForSelector('[data-test=policy-form]');
		assert.equal(await page.getByLabel('Терміновий, перша відповідь: години', { exact: true }).inputValue(), '1');
		assert.equal(await page.getByLabel('Попереджати до порушення (хвилин)', { exact: true }).inputValue(), '20');
		assert.equal(await page.getByLabel('Звичайний, перша відповідь: робочі години', { exact: true }).isChecked(), false);
		await page.getByLabel('Назва', { exact: true }).fill('');
		await page.getByRole('button', { name: 'Зберегти' }).click();
		const problem = page.locator('#sla-title-problem');
		await problem.waitFor();
		assert.equal(await problem.textContent(), 'Дайте політиці назву. (Title: cannot be blank)');
		assert.equal(await page.getByLabel('Назва', { exact: true }).getAttribute('aria-invalid'), 'true');
		assert.deepEqual((await policies()).map((p) => p.title), ['Звичайні', 'VIP']);

		// deleted from the list, asked once more on the page
		await page.getByRole('link', { name: 'Усі політики SLA' }).click();
		await row.waitFor();
		await page.getByRole('button', { name: 'Видалити політику Звичайні' }).click();
		await page.click('[data-test=policy-delete-yes]');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=policy-row]').length === 1);
		assert.deepEqual((await policies()).map((p) => [p.title, p.position]), [['VIP', 1]]);
	});
});

it('in Lithuanian: a target of 0 refused in words, a tags condition added, the policy deleted', async () => {
	const made = await srv.api('POST', BASE, { sla_policy: { title: 'Auksiniai klientai', schedule_id: scheduleId,
		policy_metrics: [{ priority: 'high', metric: 'next_reply_time', target: 90, business_hours: true }] } });
	assert.equal(made.status, 201, made.text);
	const id = made.json.sla_policy.id;
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await asAdmin(tab, `/agent/admin/slas/${id}`);
		await page.waitForSelector('[data-test=policy-form]');
		assert.equal(await page.getByLabel('Aukštas, kitas atsakymas: valandos', { exact: true }).inputValue(), '1');
		assert.equal(await page.getByLabel('Aukštas, kitas atsakymas: minutės', { exact: true }).inputValue(), '30');

		await page.getByLabel('Skubus, visas išsprendimas: valandos', { exact: true }).fill('0');
		await page.getByRole('button', { name: 'Išsaugoti' }).click();
		const problem = page.locator('#sla-metrics-problem');
		await problem.waitFor();
		assert.match(await problem.textContent(), /^Tikslas – nuo 1 minutės iki metų \(8760 valandų\)\. \(Policy metrics: a target is 1 to 525600 minutes, not 0\)$/);
		assert.equal((await srv.api('GET', `${BASE}/${id}`)).json.sla_policy.policy_metrics.length, 1);

		await page.getByLabel('Skubus, visas išsprendimas: minutės', { exact: true }).fill('45');
		await page.getByLabel('Skubus, visas išsprendimas: darbo valandos', { exact: true }).uncheck();
		await page.click('[data-test=cond-add-any]');
		await page.getByLabel('Sąlyga 1 (bet kuri): laukas', { exact: true }).selectOption('tags');
		await page.getByLabel('Sąlyga 1 (bet kuri): operatorius', { exact: true }).selectOption('includes');
		await page.getByLabel('Sąlyga 1 (bet kuri): reikšmė', { exact: true }).fill('gold vip');
		await page.getByRole('button', { name: 'Išsaugoti' }).click();
		const row = page.locator(`[data-test=policy-row][data-id="${id}"]`);
		await row.waitFor();
		const p = (await srv.api('GET', `${BASE}/${id}`)).json.sla_policy;
		assert.deepEqual(p.policy_metrics, [
			{ priority: 'high', metric: 'next_reply_time', target: 90, business_hours: true },
			{ priority: 'urgent', metric: 'total_resolution', target: 45, business_hours: false }]);
		assert.deepEqual(p.filter, { all: [], any: [{ field: 'tags', operator: 'includes', value: 'gold vip' }] });
		assert.equal(await row.locator('[data-test=policy-summary]').textContent(),
			'Skubus: visas išsprendimas 45 min.; Aukštas: kitas atsakymas 1 val. 30 min. (darbo valandos)');

		await page.getByRole('button', { name: 'Ištrinti politiką Auksiniai klientai' }).click();
		assert.match(await row.textContent(), /Ištrinti „Auksiniai klientai“\?/);
		await page.waitForFunction(() => document.activeElement?.dataset.test === 'policy-delete-yes');
		await page.keyboard.press('Enter');
		await row.waitFor({ state: 'detached' });
		assert.equal((await srv.api('GET', `${BASE}/${id}`)).status, 404);
	});
});

it('fits a phone (in Ukrainian) and a 1366×768 screen (in Russian) without sideways scrolling; Tab walks a cell', async () => {
	const made = await srv.api('POST', BASE, { sla_policy: { title: 'Корпоративні клієнти з договором підтримки 24/7',
		policy_metrics: ['urgent', 'high', 'normal', 'low'].map((priority) => ({ priority, metric: 'requester_wait_time', target: 1439 })),
		filter: { all: [{ field: 'tags', operator: 'not_includes', value: 'спам тест' }] } } });
	assert.equal(made.status, 201, made.text);
	const id = made.json.sla_policy.id;
	const screens = [[{ width: 375, height: 740 }, 'uk-UA'], [{ width: 1366, height: 768 }, 'ru-RU']];
	for (const [viewport, locale] of screens)
		await desk.withTab({ locale, viewport }, async (tab) => {
			await asAdmin(tab, '/agent/admin/slas');
			await tab.ready('[data-test=policy-row]');
			await fits(tab.page);
			await tab.goto(`/agent/admin/slas/${id}`);
			await tab.ready('[data-test=policy-form]');
			await fits(tab.page);
			const c = cell(tab.page, 'first_reply_time', 'urgent');
			await c.locator('[data-test=target-h]').focus();
			await tab.page.keyboard.press('Tab');
			assert.equal(await tab.page.evaluate(() => document.activeElement.dataset.test), 'target-m');
			await tab.page.keyboard.press('Tab');
			assert.equal(await tab.page.evaluate(() => document.activeElement.dataset.test), 'target-bh');
		});
	await srv.api('DELETE', `${BASE}/${id}`);
});
