// Complaints in a real browser (issue 16): an agent marks a ticket as a
// complaint from the properties panel — the flag, then the reason — sends
// it with the one submit, and finds it in Reports → Complaints: the total,
// the bar of this month, the reason's row; the event log names the reason.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['olena'] });
	srv = desk.srv;
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

it('an agent marks a ticket as a complaint and sees it in the report', async () => {
	const t = await srv.ticket({ subject: 'The kettle leaks', body: 'It leaks from the bottom.', requester_id: srv.users.olena.id,
		assignee_id: srv.users.agent.id });
	const tab = await desk.tab({ locale: 'en-US' });
	const { page } = tab;
	await tab.signInByForm(srv.users.agent);
	await page.goto(`${srv.base}/agent/tickets/${t.id}`);
	await page.waitForSelector(`[data-test=ticket][data-id="${t.id}"] [data-test=comment]`);

	// the flag first: the reason is asked for, nothing is edited yet
	assert.equal(await page.isChecked('[data-test=complaint-flag]'), false);
	await page.getByLabel('Complaint', { exact: true }).check();
	await page.waitForSelector('[data-test=complaint-reason]');
	assert.equal(await page.locator('[data-test=unsaved]').count(), 0);
	await page.selectOption('[data-test=complaint-reason]', { label: 'Quality' });
	assert.match(await page.textContent('[data-test=unsaved]'), /1 unsaved change/);

	await page.click('[data-test=submit]');
	const saved = await serverTicket(t.id, (x) => x.complaint);
	assert.deepEqual(saved.complaint, { reason_id: 2 });
	await page.waitForFunction(() => document.querySelectorAll('[data-test=properties] [data-test=edited]').length === 0);
	assert.equal(await page.isChecked('[data-test=complaint-flag]'), true);
	assert.equal(await page.$eval('[data-test=complaint-reason]', (s) => s.selectedOptions[0].textContent.trim()), 'Quality');
	await page.waitForSelector('text=Complaint: — → Quality');

	// Reports → Complaints, from the navigation: Reports, then the report's tab
	await page.click('[data-test=nav-reports]');
	await page.click('[data-test=report-tabs] a[href="/agent/reports/complaints"]');
	assert.equal(await page.getAttribute('[data-test=report-tab-complaints]', 'aria-current'), 'page');
	await page.waitForSelector('[data-test=complaints-report] [data-test=cr-total]');
	assert.equal(await page.textContent('[data-test=cr-total]'), '1');
	const month = new Date().toISOString().slice(0, 8) + '01';
	assert.equal(await page.getAttribute(`[data-test=complaints-bar][data-start="${month}"]`, 'data-count'), '1');
	const row = page.locator('[data-test=cr-reasons-row]', { hasText: 'Quality' });
	assert.equal((await row.locator('td').nth(1).textContent()).trim(), '1');
	// a complaint not yet solved is not resolved at first contact
	assert.equal(await page.textContent('[data-test=cr-first]'), '0');
	assert.match(await page.getAttribute('[data-test=cr-csv]', 'href'), /^\/api\/v2\/complaints\/report\.csv\?from=/);
	await tab.close();
});
