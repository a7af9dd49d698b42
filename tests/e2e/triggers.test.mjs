// Admin → Triggers in a real browser (issue 14): an admin builds a trigger
// in the editor — "priority is urgent" → add the tag "hot" — is told beside
// the action that a group that does not exist is refused, dry-runs it and
// sees the urgent ticket of the last days (a link to it), saves it, moves
// it above the trigger already there, and a new urgent ticket then shows
// the trigger in its event log. And the editor in Ukrainian: every field,
// operator and fixed value in the agent's language, the raw names sent.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const BASE = '/api/v2/triggers';

let desk, srv, earlier, first;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
	earlier = await srv.ticket({ subject: 'Server room flooded', priority: 'urgent' });
	await srv.ticket({ subject: 'A small question', priority: 'low' });
	const r = await srv.api('POST', BASE, { trigger: { title: 'Already here',
		conditions: { all: [{ field: 'subject_includes_word', operator: 'includes', value: 'invoice' }] },
		actions: [{ field: 'current_tags', value: 'billing' }] } });
	assert.equal(r.status, 201, r.text);
	first = r.json.trigger;
});
after(async () => { await desk?.close(); });

const REFUSALS = [/status of 422\b/];

it('an admin builds, dry-runs, saves and reorders a trigger, and a new ticket shows it', async () => {
	await desk.withTab({ allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/triggers');
		await page.waitForSelector('[data-test=rule-row]');
		await page.click('[data-test=rule-new]');
		await page.waitForSelector('[data-test=rule-form]');
		await page.fill('[data-test=rule-title]', 'Urgent is hot');

		await page.click('[data-test=cond-add-all]');
		const cond = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').first();
		await cond.locator('[data-test=cond-field]').selectOption('priority');
		await cond.locator('[data-test=cond-operator]').selectOption('is');
		await cond.locator('[data-test=cond-value]').selectOption('urgent');

		await page.click('[data-test=action-add]');
		const act = page.locator('[data-test=rule-action]').first();
		await act.locator('[data-test=action-field]').selectOption('group_id');
		await act.locator('[data-test=action-value]').fill('987654');
		await page.click('[data-test=rule-save]');
		// refused beside the action it names, and nothing saved
		await act.locator('[data-test=problem]').waitFor();
		assert.equal((await srv.api('GET', BASE)).json.count, 1);

		await act.locator('[data-test=action-field]').selectOption('current_tags');
		await act.locator('[data-test=action-value]').fill('hot');
		await page.click('[data-test=rule-dryrun]');
		const hit = page.locator('[data-test=dryrun-hit]');
		await hit.first().waitFor();
		assert.equal(await hit.count(), 1);
		assert.equal(await hit.locator('a').getAttribute('href'), `/agent/tickets/${earlier.id}`);
		assert.match(await hit.textContent(), /Server room flooded/);
		assert.match(await hit.textContent(), /hot/);

		await page.click('[data-test=rule-save]');
		await page.waitForSelector('[data-test=rule-row] >> nth=1');
		const titles = () => page.locator('[data-test=rule-title-link]').allTextContents();
		assert.deepEqual(await titles(), ['Already here', 'Urgent is hot']);
		await page.locator('[data-test=rule-row]').nth(1).locator('[data-test=rule-up]').click();
		await page.waitForFunction(() => document.querySelector('[data-test=rule-title-link]').textContent === 'Urgent is hot');
		const listed = (await srv.api('GET', BASE)).json.triggers;
		assert.deepEqual(listed.map((x) => [x.title, x.position]), [['Urgent is hot', 1], ['Already here', 2]]);
		assert.equal(listed[1].id, first.id);

		const fresh = await srv.ticket({ subject: 'Power is out', priority: 'urgent' });
		const shown = await srv.api('GET', `/api/v2/tickets/${fresh.id}`);
		assert.deepEqual(shown.json.ticket.tags, ['hot']);
		await tab.goto(`/agent/tickets/${fresh.id}`);
		await page.locator('[data-test=event-log]', { hasText: `Trigger ${listed[0].id}: Urgent is hot` }).waitFor();
	});
});

it('the editor speaks Ukrainian: fields, operators, values and actions, the raw names saved', async () => {
	await desk.withTab({ locale: 'uk-UA', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/triggers');
		await page.click('[data-test=rule-new]');
		await page.waitForSelector('[data-test=rule-form]');
		await page.fill('[data-test=rule-title]', 'Клієнт відповів');
		await page.click('[data-test=cond-add-all]');
		const cond = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').first();
		const texts = (sel) => cond.locator(`${sel} option`).allTextContents();
		const fields = await texts('[data-test=cond-field]');
		// every field the server defines has Ukrainian words, none its raw name
		const defs = (await srv.api('GET', `${BASE}/definitions`)).json.definitions.conditions_all;
		assert.equal(fields.length, defs.length);
		for (const d of defs)
			assert.ok(!fields.includes(d.title), `${d.title} is shown raw`);
		for (const f of ['Статус', 'Пріоритет', 'Мітки', 'Текст коментаря', 'Канал', 'Подія SLA', 'Ціль SLA', 'Сервісний договір'])
			assert.ok(fields.includes(f), `${f} in ${fields}`);

		await cond.locator('[data-test=cond-field]').selectOption('status');
		assert.deepEqual(await texts('[data-test=cond-operator]'), ['дорівнює', 'не дорівнює', 'менше ніж', 'більше ніж',
			'змінено', 'не змінено', 'змінено на', 'змінено з', 'не змінено на', 'не змінено з']);
		assert.deepEqual(await texts('[data-test=cond-value]'), ['Нове', 'Відкрито', 'В очікуванні', 'Призупинено', 'Вирішено', 'Закрито']);
		await cond.locator('[data-test=cond-operator]').selectOption('value');
		await cond.locator('[data-test=cond-value]').selectOption('open');
		for (const [field, some] of [['via_id', 'Електронна пошта'], ['role', 'Клієнт'], ['sla_event', 'Порушено'],
			['sla_metric', 'Перша відповідь'], ['entitlement', 'закінчився'], ['update_type', 'Створено'], ['comment_is_public', 'Так']]) {
			const row = page.locator('[data-test=rule-conditions-any] [data-test=rule-condition]').last();
			await page.click('[data-test=cond-add-any]');
			await row.locator('[data-test=cond-field]').selectOption(field);
			const values = await row.locator('[data-test=cond-value] option').allTextContents();
			assert.ok(values.includes(some), `${field}: ${values}`);
			await row.locator('[data-test=cond-remove]').click();
		}

		await page.click('[data-test=action-add]');
		const act = page.locator('[data-test=rule-action]').first();
		const actions = await act.locator('[data-test=action-field] option').allTextContents();
		assert.ok(actions.includes('Встановити статус') && actions.includes('Додати мітки') && actions.includes('Надіслати лист групі'), String(actions));
		await act.locator('[data-test=action-field]').selectOption('priority');
		assert.deepEqual(await act.locator('[data-test=action-value] option').allTextContents(), ['Низький', 'Звичайний', 'Високий', 'Терміновий']);
		await act.locator('[data-test=action-value]').selectOption('high');
		await page.click('[data-test=rule-save]');
		await page.locator('[data-test=rule-title-link]', { hasText: 'Клієнт відповів' }).waitFor();
		const saved = (await srv.api('GET', BASE)).json.triggers.find((x) => x.title === 'Клієнт відповів');
		assert.deepEqual(saved.conditions.all, [{ field: 'status', operator: 'value', value: 'open' }]);
		assert.deepEqual(saved.actions, [{ field: 'priority', value: 'high' }]);
	});
});
