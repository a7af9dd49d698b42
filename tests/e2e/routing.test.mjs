// Routing in a real browser: an agent signs in (online), steps away with
// the status switch in the workspace header, and a new ticket in their
// round-robin group waits; back online with the switch, the ticket lands
// on them, and its event log says the desk routed it and why. An admin
// picks the group's routing method and an agent's capacity and skills in
// Admin, in Ukrainian.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const AVAIL = '/api/v2/agent_availabilities';

let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['olena'], endUsers: ['petro'] });
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

async function ok(method, p, body) {
	const r = await srv.api(method, p, body);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

const status = async (u) => (await ok('GET', AVAIL)).agent_availabilities.find((a) => a.user_id === u.id).status;

it('an agent goes online with the switch and a new ticket in the routed group lands on them, the log saying why', async () => {
	const { olena, petro } = srv.users;
	const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Support', routing: { method: 'round_robin' } } })).group;
	await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: olena.id, group_id: g.id } });
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
		await tab.signIn(olena);
		assert.equal(await status(olena), 'online', 'signing in makes an agent online');
		await tab.goto('/agent/');
		const sw = page.locator('[data-test=status-switch]');
		await sw.waitFor();
		assert.equal(await sw.inputValue(), 'online');

		await sw.selectOption('away');
		for (let i = 0; i < 50 && await status(olena) !== 'away'; i++)
			await new Promise((r) => setTimeout(r, 100));
		assert.equal(await status(olena), 'away');
		const ticket = await srv.ticket({ subject: 'Printer on fire', group_id: g.id, requester_id: petro.id });
		assert.equal((await ok('GET', `/api/v2/tickets/${ticket.id}`)).ticket.assignee_id, null, 'waits while nobody is online');

		await sw.selectOption('online');
		for (let i = 0; i < 50 && (await ok('GET', `/api/v2/tickets/${ticket.id}`)).ticket.assignee_id !== olena.id; i++)
			await new Promise((r) => setTimeout(r, 100));
		assert.equal((await ok('GET', `/api/v2/tickets/${ticket.id}`)).ticket.assignee_id, olena.id);

		await tab.goto(`/agent/tickets/${ticket.id}`);
		const log = page.locator('[data-test=event-log]');
		await log.getByText(/Routing: .*round robin in Support: Agent olena — online, 0 open/).waitFor();
		assert.match(await log.textContent(), /Frontline/, 'the desk is the author');
	});
});

it('an admin sets a group\'s routing method and an agent\'s capacity and skills, in Ukrainian', async () => {
	const { olena } = srv.users;
	const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Білінг' } })).group;
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await tab.page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/groups');
		await page.getByLabel('Розподіл', { exact: true }).last().selectOption({ label: 'Найменше відкритих' });
		await page.waitForSelector('text=Збережено');
		assert.equal((await ok('GET', `/api/v2/groups/${g.id}`)).group.routing.method, 'least_open');

		await tab.goto('/agent/admin/agents');
		await page.getByLabel('Місткість (відкритих звернень, 0 — без обмеження)').nth(1).waitFor();
		const form = page.locator(`[data-test=agent-routing]:has(#capacity-${olena.id})`);
		await form.locator(`#capacity-${olena.id}`).fill('3');
		await form.locator(`#skills-${olena.id}`).fill('UK, billing');
		await form.getByRole('button', { name: 'Зберегти' }).click();
		for (let i = 0; i < 50 && (await ok('GET', AVAIL)).agent_availabilities.find((a) => a.user_id === olena.id).capacity !== 3; i++)
			await new Promise((r) => setTimeout(r, 100));
		const a = (await ok('GET', AVAIL)).agent_availabilities.find((x) => x.user_id === olena.id);
		assert.equal(a.capacity, 3);
		assert.deepEqual(a.skills, ['billing', 'uk']);
	});
});
