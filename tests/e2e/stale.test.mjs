// The workspace never reopens a ticket it has just solved (issue 11, bug 5):
// an agent replies, presses s within the same second, then saves the
// properties panel. updated_at has one-second resolution, so the panel used
// to keep the old status and its next save put the ticket back to open.
// And a save made on a ticket someone else changed since is refused (409):
// the agent is shown the ticket as it is now.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { openDesk } from './lib/browser.mjs';

let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['agent', 'other'] });
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

async function agentTab(opts = {}) {
	const tab = await desk.tab({ locale: 'en-US', ...opts });
	const { page } = tab;
	await page.goto(`${srv.base}/agent/`);
	await page.fill('#email', srv.users.agent.email);
	await page.fill('#password', srv.users.agent.password);
	await page.click('button[type=submit]');
	await page.waitForSelector('[data-test=ticket-list]');
	return tab;
}

async function newTicket(subject) {
	const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject, comment: { body: 'The parcel never came.' },
		assignee_id: srv.users.agent.id } });
	assert.equal(r.status, 201, r.text);
	return r.json.ticket.id;
}

it('reply, press s at once, then Update: the ticket stays solved', async () => {
	const id = await newTicket('Reply then solve');
	const tab = await agentTab();
	const { page } = tab;
	await page.goto(`${srv.base}/agent/tickets/${id}`);
	await page.waitForSelector('[data-test=comment]');

	await page.fill('[data-test=composer-body]', 'We are sending a new one today.');
	await page.click('[data-test=composer-send]');
	await page.waitForFunction(() => document.querySelector('[data-test=composer-body]').value === '');
	await page.locator('[data-test=ticket-subject]').click(); // out of the text box: s is a shortcut
	await page.keyboard.press('s');
	await page.waitForSelector('[data-test=ticket-status][data-status=solved]');
	// the panel shows what the server returned
	await page.waitForFunction(() => document.querySelector('[data-test=prop-status]').value === 'solved');

	await page.selectOption('[data-test=prop-priority]', 'high');
	await page.click('[data-test=props-save]');
	// the save is a write the server answers when it is durable: wait for
	// the panel to show its answer, then read what the server has
	await page.waitForSelector('[data-test=props-save][disabled]');
	let t;
	for (let i = 0; i < 100; i++) {
		t = (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
		if (t.priority === 'high')
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	assert.equal(t.status, 'solved');
	assert.equal(t.priority, 'high');
	tab.assertClean();
	await tab.close();
});

it('a save made on stale data is refused and the fresh ticket is shown', async () => {
	const id = await newTicket('Changed behind my back');
	// the refused save is a 409 the browser logs as a console error
	const tab = await agentTab({ allow: [/status of 409\b/, /api\/v2\/events/] });
	const { page } = tab;
	// no live events on this page: it stays on the old state as a slow
	// network would leave it
	await page.route('**/api/v2/events**', (route) => route.abort());
	await page.goto(`${srv.base}/agent/tickets/${id}`);
	await page.waitForSelector('[data-test=comment]');
	await page.waitForFunction(() => document.querySelector('[data-test=prop-status]').value === 'open');

	const other = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'pending' } },
		{ auth: srv.users.other });
	assert.equal(other.status, 200, other.text);

	await page.selectOption('[data-test=prop-priority]', 'urgent');
	await page.click('[data-test=props-save]');
	await page.waitForSelector('[data-test=ticket-status][data-status=pending]');
	await page.waitForFunction(() => document.querySelector('[data-test=prop-status]').value === 'pending');
	assert.match(await page.textContent('body'), /Someone changed this ticket while you were working on it/);
	const t = (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
	assert.equal(t.status, 'pending');
	assert.equal(t.priority, null, 'the stale change was not applied');
	tab.assertClean();
	await tab.close();
});
