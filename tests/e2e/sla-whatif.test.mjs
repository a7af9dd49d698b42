// The SLA what-if in a real browser (issue 13): in Russian, an admin types a
// new catch-all policy — urgent first reply within 2 h — and asks "What
// if?" before saving: the panel says how many tickets it replayed, shows
// the first reply measured, compliance by channel, and the one urgent
// ticket no policy promised anything until now, linking to its page.
// Nothing is saved. The working week of a schedule (hours.js) has the same
// button: the week as typed, replayed.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const BASE = '/api/v2/slas/policies';

let desk, srv, vip, printer;

before(async () => {
	desk = await openDesk({ endUsers: ['alice'] });
	srv = desk.srv;
	const r = await srv.api('POST', BASE, { sla_policy: { title: 'VIP',
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: false }] } });
	assert.equal(r.status, 201, r.text);
	// opened by a customer, so that a first reply is owed (an agent's own
	// ticket owes none); the priority and tag set by the admin after
	const alice = srv.users.alice;
	for (const [subject, tags] of [['Не проходит оплата', ['vip']], ['Принтер не печатает', []]]) {
		const t = await srv.ticket({ subject, body: 'Помогите.' }, { auth: alice });
		const u = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'urgent', tags } });
		assert.equal(u.status, 200, u.text);
		if (tags.length)
			vip = t;
		else
			printer = t;
	}
});
after(async () => { await desk?.close(); });

it('an admin asks what a new catch-all policy would do, sees the ticket it newly promises, saves nothing (in Russian)', async () => {
	await desk.withTab({ locale: 'ru-RU' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'ru'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/slas/new');
		await page.waitForSelector('[data-test=policy-form]');
		await page.getByLabel('Название', { exact: true }).fill('Все срочные');
		await page.getByLabel('Срочный, первый ответ: часы', { exact: true }).fill('2');
		await page.getByLabel('Срочный, первый ответ: рабочие часы', { exact: true }).uncheck();
		await page.getByRole('button', { name: 'Что, если?' }).click();

		const panel = page.locator('[data-test=whatif]');
		await panel.locator('[data-test=whatif-summary]').waitFor();
		const summary = await panel.locator('[data-test=whatif-summary]').textContent();
		assert.match(summary, /^Пересчитаны? \d+ заяв\S+ за последние 90 дней\.$/);
		// both urgent tickets have a first reply running: one under VIP as before, one newly
		const frt = panel.locator('[data-test=whatif-metric][data-metric=first_reply_time]');
		assert.equal(await frt.locator('th').textContent(), 'Первый ответ');
		assert.equal(await frt.locator('td').first().textContent(), '2');
		assert.equal(await frt.locator('td').nth(1).textContent(), '0 → 0');
		assert.equal(await panel.getByRole('heading', { name: 'Изменится 1 результат' }).count(), 1);
		const flips = panel.locator('[data-test=whatif-flip]');
		assert.equal(await flips.count(), 1);
		assert.equal((await flips.first().textContent()).replace(/\s+/g, ' ').trim(),
			`#${printer.id} Принтер не печатает — первый ответ: без обязательства → идёт`);
		assert.ok(await panel.locator('[data-test=whatif-channel]').getByRole('cell', { name: 'API' }).count());

		// nothing was saved; the flipped ticket opens from its link
		const r = await srv.api('GET', BASE);
		assert.deepEqual(r.json.sla_policies.map((p) => p.title), ['VIP']);
		await flips.first().getByRole('link').click();
		await page.waitForURL(`**/agent/tickets/${printer.id}`);
		assert.notEqual(vip.id, printer.id);
	});
});

it('the working week\'s "What if?" replays the week as typed, saving nothing (in English)', async () => {
	const s = await srv.api('POST', '/api/v2/business_hours/schedules', { schedule: { name: 'Office', time_zone: 'Etc/UTC' } });
	assert.equal(s.status, 201, s.text);
	const id = s.json.schedule.id;
	const p = await srv.api('POST', BASE, { sla_policy: { title: 'Office hours', schedule_id: id,
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60, business_hours: true }] } });
	assert.equal(p.status, 201, p.text);
	await desk.withTab({ locale: 'en-GB' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
		await tab.signIn(srv.admin);
		await tab.goto(`/agent/admin/hours/${id}`);
		await page.waitForSelector('[data-test=week]');
		await page.locator('[data-test=day][data-day="1"] [data-test=day-open]').uncheck();
		await page.locator('[data-test=week-whatif]').click();
		const panel = page.locator('[data-test=whatif]');
		await panel.locator('[data-test=whatif-summary]').waitFor();
		assert.match(await panel.locator('[data-test=whatif-summary]').textContent(), /^\d+ tickets? from the last 90 days replayed\.$/);
		assert.equal(await panel.getByRole('heading', { level: 3 }).textContent(), 'What if this were saved');
	});
	const again = await srv.api('GET', `/api/v2/business_hours/schedules/${id}`);
	assert.equal(again.json.schedule.intervals.length, 5);
});
