// Follow-up tasks in a real browser (issue 14): on a ticket's page an agent
// has a due time in 2999 refused beside the field in Ukrainian, then
// adds a task with its owner and due time, marks it done and
// undone, renames it and deletes it, each as the API then has it; a task of
// the agent's that falls due brings a notice while they work (the server's
// own reminder pass, live), the navigation counts it, and "My tasks" lists
// it under overdue (in English); an admin sets the satisfaction check-in in
// Lithuanian and has 91 days refused beside the field.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv, agent, alice;

before(async () => {
	// the reminder pass every second: a task due falls due while the test looks
	desk = await openDesk({ agents: ['agent'], endUsers: ['alice'], env: { FRONTLINE_TASK_REMIND: '1' } });
	srv = desk.srv;
	({ agent, alice } = srv.users);
});
after(async () => { await desk?.close(); });

const REFUSALS = [/status of 422\b/];

async function signInAs(tab, user, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	await tab.signIn(user);
	await tab.goto(path);
}

async function tasksOf(ticket) {
	const r = await srv.api('GET', `/api/v2/tickets/${ticket}/tasks`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.tasks;
}

it('an agent adds a task with owner and due time, marks it done and undone, renames and deletes it (in Ukrainian)', async () => {
	const ticket = await srv.ticket({ subject: 'Пральна машина не зливає воду' }, { auth: alice });
	await desk.withTab({ locale: 'uk-UA', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, agent, `/agent/tickets/${ticket.id}`);
		const panel = page.locator('[data-test=tasks]');
		await panel.getByText('Завдань немає.').waitFor();
		await panel.locator('[data-test=task-new]').click();
		await panel.getByLabel('Завдання', { exact: true }).fill('Зателефонувати клієнту в четвер');
		await panel.getByLabel('Виконавець', { exact: true }).selectOption({ label: agent.name });
		// a due time nobody means: refused beside the field, in Ukrainian, nothing written
		await panel.getByLabel('Термін', { exact: true }).fill('2999-01-01T10:00');
		await panel.locator('[data-test=task-save]').click();
		const problem = panel.locator('[data-test=problem]');
		await problem.waitFor();
		assert.match(await problem.textContent(), /^Оберіть термін у межах року/);
		assert.deepEqual(await tasksOf(ticket.id), []);
		// two hours from now, in the browser's zone
		const due = new Date(Date.now() + 2 * 3600e3);
		const pad = (n) => String(n).padStart(2, '0');
		await panel.getByLabel('Термін', { exact: true }).fill(`${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T${pad(due.getHours())}:${pad(due.getMinutes())}`);
		await panel.locator('[data-test=task-save]').click();
		const row = panel.locator('[data-test=task]');
		await row.getByText('Зателефонувати клієнту в четвер').waitFor();
		assert.equal(await row.locator('[data-test=task-status]').textContent(), 'Термін — протягом доби');
		assert.equal(await panel.getByLabel('Завдання', { exact: true }).inputValue(), '', 'the form is ready for the next one');
		assert.equal(await panel.locator('[data-test=problem]').count(), 0);
		let [t] = await tasksOf(ticket.id);
		assert.equal(t.title, 'Зателефонувати клієнту в четвер');
		assert.equal(t.owner_id, agent.id);
		assert.ok(Math.abs(Date.parse(t.due_at) - due.getTime()) < 60e3, `${t.due_at} vs ${due.toISOString()}`);

		await row.locator('[data-test=task-done]').check();
		await row.locator('[data-test=task-status]').getByText('Виконані').waitFor();
		[t] = await tasksOf(ticket.id);
		assert.equal(t.done, true);
		assert.equal(t.done_by, agent.id);
		await row.locator('[data-test=task-done]').uncheck();
		await row.locator('[data-test=task-status]').getByText('Термін — протягом доби').waitFor();
		assert.equal((await tasksOf(ticket.id))[0].done, false);

		await row.locator('[data-test=task-edit]').click();
		await row.getByLabel('Завдання', { exact: true }).fill('Зателефонувати в п’ятницю');
		await row.locator('[data-test=task-save]').click();
		await panel.getByText('Зателефонувати в п’ятницю').waitFor();
		assert.equal((await tasksOf(ticket.id))[0].title, 'Зателефонувати в п’ятницю');

		await panel.locator('[data-test=task-delete]').click();
		await panel.locator('[data-test=task-delete-yes]').click();
		await panel.getByText('Завдань немає.').waitFor();
		assert.deepEqual(await tasksOf(ticket.id), []);
		const audits = await srv.api('GET', `/api/v2/tickets/${ticket.id}/audits`, null, { auth: agent });
		const words = audits.json.audits.flatMap((a) => a.events).filter((e) => e.field_name === 'task').map((e) => e.value.split(':')[0].replace(/^Task \d+ /, ''));
		assert.deepEqual(words, ['added', 'done', 'reopened', 'changed', 'deleted']);
	});
});

it('a task of mine that falls due brings a notice and the count, and My tasks lists it as overdue (in English)', async () => {
	const ticket = await srv.ticket({ subject: 'Router keeps rebooting' }, { auth: alice });
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, agent, '/agent/queues/my-open');
		await page.locator('[data-test=nav-tasks]').waitFor();
		// due two seconds from now: the server's pass reminds it while the page is open
		const r = await srv.api('POST', `/api/v2/tickets/${ticket.id}/tasks`, { task: { title: 'Ask whether the firmware update helped',
			owner_id: agent.id, due_at: new Date(Date.now() + 2000).toISOString().replace(/\.\d{3}Z$/, 'Z') } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		await page.getByText('A task of yours is due: Ask whether the firmware update helped').waitFor({ timeout: 15_000 });
		// the count is what the API counts of mine overdue or due
		const mine = await srv.api('GET', '/api/v2/tasks?owner_id=me&status=overdue,due', null, { auth: agent });
		const n = mine.json.count;
		assert.ok(n >= 1, mine.text);
		await page.locator('[data-test=tasks-count]', { hasText: new RegExp(`^${n}$`) }).waitFor();
		await page.locator('[data-test=nav-tasks]').click();
		const overdue = page.locator('[data-test=tasks-overdue]');
		await overdue.getByText('Ask whether the firmware update helped').waitFor();
		assert.equal(await overdue.locator('[data-test=task-ticket]').getAttribute('href'), `/agent/tickets/${ticket.id}`);
		// done from the list: gone from overdue and from the count
		await overdue.locator('[data-test=task-done]').check();
		await overdue.getByText('No tasks.').waitFor();
		await page.locator('[data-test=tasks-count]', { hasText: n > 1 ? new RegExp(`^${n - 1}$`) : /^$/ }).waitFor({ state: 'attached' });
	});
});

it('an admin sets the satisfaction check-in, and 91 days are refused beside the field (in Lithuanian)', async () => {
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, srv.admin, '/agent/admin/tasks');
		assert.equal(await page.textContent('a[aria-current=page][href="/agent/admin/tasks"]'), 'Užduotys');
		const days = page.getByLabel('Dienų po išsprendimo', { exact: true });
		await days.fill('91');
		await page.locator('[data-test=checkin-save]').click();
		await page.locator('[data-test=problem]').waitFor();
		assert.equal((await srv.api('GET', '/api/v2/tasks/settings')).json.settings.checkin_days, 0);
		await days.fill('3');
		await page.locator('[data-test=checkin-save]').click();
		await page.locator('[data-test=problem]').waitFor({ state: 'detached' });
		assert.equal((await srv.api('GET', '/api/v2/tasks/settings')).json.settings.checkin_days, 3);
	});
});
