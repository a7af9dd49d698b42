// Admin → Triggers, the "open a follow-up task" action in a real browser,
// in Ukrainian: the admin picks the team lead, 4 hours and a title; a
// blank title is refused beside the action; saved, the raw values go to
// the server; and a customer's bad rating then opens the lead's task.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv, lead;

before(async () => {
	desk = await openDesk({ agents: ['lead'] });
	srv = desk.srv;
	({ lead } = srv.users);
});
after(async () => { await desk?.close(); });

it('an admin makes "a bad rating → a task for the lead" in Ukrainian, and a bad rating opens it', async () => {
	await desk.withTab({ locale: 'uk-UA', allow: [/status of 422\b/] }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/triggers');
		await page.click('[data-test=rule-new]');
		await page.waitForSelector('[data-test=rule-form]');
		await page.fill('[data-test=rule-title]', 'Погана оцінка: дзвінок керівника');
		await page.click('[data-test=cond-add-all]');
		const cond = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').first();
		await cond.locator('[data-test=cond-field]').selectOption('satisfaction_score');
		await cond.locator('[data-test=cond-operator]').selectOption('is');
		await cond.locator('[data-test=cond-value]').selectOption('bad');

		await page.click('[data-test=action-add]');
		const act = page.locator('[data-test=rule-action]').first();
		const actions = await act.locator('[data-test=action-field] option').allTextContents();
		assert.ok(actions.includes('Створити завдання для подальших дій'), String(actions));
		await act.locator('[data-test=action-field]').selectOption('create_task');
		const owners = await act.locator('[data-test=action-task-owner] option').allTextContents();
		assert.equal(owners[0], 'Виконавець');
		assert.ok(owners.includes(lead.name), String(owners));
		await act.locator('[data-test=action-task-owner]').selectOption(String(lead.id));
		assert.equal(await act.getByLabel('Дія 1: термін, годин').inputValue(), '24');
		await act.locator('[data-test=action-task-hours]').fill('4');
		// no title: refused beside the action, nothing saved
		await page.click('[data-test=rule-save]');
		await act.locator('[data-test=problem]').waitFor();
		assert.equal((await srv.api('GET', '/api/v2/triggers')).json.count, 0);
		await act.getByLabel('Дія 1: назва завдання').fill('Зателефонувати {{ticket.requester.name}}');
		await page.click('[data-test=rule-save]');
		await page.locator('[data-test=rule-title-link]', { hasText: 'Погана оцінка' }).waitFor();
	});
	const saved = (await srv.api('GET', '/api/v2/triggers')).json.triggers[0];
	assert.deepEqual(saved.actions, [{ field: 'create_task', value: [lead.id, 4, 'Зателефонувати {{ticket.requester.name}}'] }]);

	const c = await srv.addUser('end-user', 'Оксана Коваль', 'oksana@example.test');
	const t = await srv.ticket({ subject: 'Посилка', requester_id: c.id });
	let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved', comment: { body: 'Готово', public: true } } });
	assert.equal(r.status, 200, r.text);
	r = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score: 'bad' } }, { auth: c });
	assert.equal(r.status, 200, r.text);
	const tasks = (await srv.api('GET', `/api/v2/tickets/${t.id}/tasks`)).json.tasks;
	assert.deepEqual(tasks.map((x) => [x.owner_id, x.title]), [[lead.id, 'Зателефонувати Оксана Коваль']]);
});
