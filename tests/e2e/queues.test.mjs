// A built-in queue in the workspace: its count in the navigation comes from
// GET /api/v2/queues, and its list pages by cursor (next, then back).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['alice'] });
	srv = desk.srv;
	// 53 open tickets: a page of 50 and one of 3
	for (let i = 0; i < 53; i++)
		await srv.ticket({ subject: `Queue ticket ${i}`, status: 'open', requester_id: srv.users.alice.id });
});
after(async () => { await desk?.close(); });

const rowIds = (page) => page.$$eval('[data-test=ticket-row]', (rows) => rows.map((r) => Number(r.dataset.id)));

it('all open: the count, then next and previous by cursor', async () => {
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await tab.signInByForm(srv.users.agent);
		await page.click('[data-test=queue-all-open]');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=ticket-row]').length === 50);
		await page.waitForFunction(() => document.querySelector('[data-test=queue-all-open] .count')?.textContent === '53');
		assert.match(await page.textContent('[data-test=list-count]'), /53/);
		const first = await rowIds(page);

		const pages = [];
		page.on('request', (r) => { if (r.url().includes('/api/v2/queues/all-open/tickets')) pages.push(r.url()); });
		await page.click('.pager button:last-of-type');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=ticket-row]').length === 3);
		const second = await rowIds(page);
		assert.ok(pages.some((u) => u.includes('page[after]=') || u.includes('page%5Bafter%5D=')), pages.join('\n'));
		assert.equal(new Set([...first, ...second]).size, 53, 'the two pages hold every ticket once');

		await page.click('.pager button:first-of-type');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=ticket-row]').length === 50);
		assert.deepEqual(await rowIds(page), first);
	});
});
