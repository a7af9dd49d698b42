// The ticket page's links between tickets and its customer panel (issue
// 12): an agent merges a customer's duplicate into their other request and
// lands on it; links an incident to a problem from a searchable list and
// finds it among the problem's incidents; chooses the customer's
// organization from a searchable list; and the panel speaks Ukrainian.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk, TIMEOUT } from './lib/browser.mjs';

let desk, srv, agent;

before(async () => {
	desk = await openDesk({ agents: ['agent', 'olha'] });
	srv = desk.srv;
	({ agent } = srv.users);
});
after(async () => { await desk?.close(); });

// A request from a customer named by address, filed by the agent.
async function request(email, subject, body, more = {}) {
	const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject, comment: { body },
		requester: { email, name: more.name || email.split('@')[0], locale: more.locale || 'en' }, ...more.ticket } },
	{ auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json.ticket;
}

// Reads ticket id until ok(ticket) holds: a write lands when it is durable.
async function until(id, ok) {
	let t;
	for (let i = 0; i < 100; i++) {
		t = (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
		if (ok(t))
			return t;
		await new Promise((r) => setTimeout(r, 50));
	}
	assert.fail(`ticket ${id} never got there: ${JSON.stringify(t)}`);
}

async function ticketPage(tab, id, who = agent) {
	await tab.signIn(who);
	await tab.page.goto(`${srv.base}/agent/tickets/${id}`);
	await tab.page.waitForSelector(`[data-test=ticket][data-id="${id}"] [data-test=comment]`, { timeout: TIMEOUT.navigation });
}

it('an agent merges a duplicate from the ticket page and lands on the kept ticket, which refers to it', async () => {
	const kept = await request('nina@example.test', 'Order 4411 has not arrived', 'Where is my order 4411?');
	const dup = await request('nina@example.test', 'Order 4411 again', 'Writing again: still no order 4411.');
	await request('someone@example.test', 'Order 4411 for someone else', 'Not her ticket.');
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await ticketPage(tab, dup.id);
		await page.click('[data-test=merge-open]');
		// the same customer's other request is offered before anything is typed
		const offered = page.locator('[data-test=merge-find-pick]');
		await offered.first().waitFor();
		assert.deepEqual(await offered.evaluateAll((xs) => xs.map((x) => Number(x.dataset.id))), [kept.id]);
		await offered.first().click();
		await page.waitForSelector('[data-test=merge-confirm]');
		await page.click('[data-test=merge-submit]');
		await page.waitForURL(`**/agent/tickets/${kept.id}`);
		await page.waitForSelector(`[data-test=comment]:has-text("Request #${dup.id} \\"Order 4411 again\\" was closed and merged into this request.")`);
	});
	const closed = await until(dup.id, (t) => t.status === 'closed');
	assert.ok(closed.tags.includes('closed_by_merge'));
});

it('an agent links an incident to a problem chosen from a list, and the problem lists it', async () => {
	const problem = await request('ops@example.test', 'Checkout is down', 'Payments fail.', { ticket: { type: 'problem' } });
	await request('ops@example.test', 'Old outage', 'Solved long ago.', { ticket: { type: 'problem', status: 'closed' } });
	const incident = await request('pavlo@example.test', 'Cannot pay for my cart', 'The card is refused.');
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await ticketPage(tab, incident.id);
		await page.selectOption('[data-test=prop-type]', 'incident');
		await page.fill('[data-test=problem-find-q]', 'checkout');
		await page.click(`[data-test=problem-find-pick][data-id="${problem.id}"]`);
		await page.waitForSelector(`[data-test=problem-link]:has-text("#${problem.id} Checkout is down")`);
		await page.click('[data-test=problem-link]');
		await page.waitForURL(`**/agent/tickets/${problem.id}`);
		const listed = page.locator('[data-test=incidents] [data-test=incident]');
		await listed.first().waitFor();
		assert.deepEqual(await listed.allTextContents(), [`#${incident.id} Cannot pay for my cart`]);
	});
	const t = await until(incident.id, (x) => x.problem_id === problem.id);
	assert.equal(t.type, 'incident');
});

it('an agent chooses the customer\'s organization from a searchable list', async () => {
	for (const name of ['Acme Widgets', 'Globex'])
		assert.equal((await srv.api('POST', '/api/v2/organizations', { organization: { name } })).status, 201);
	const tk = await request('oleh@example.test', 'Invoice for Acme', 'Please send the invoice.');
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await ticketPage(tab, tk.id);
		await page.click('[data-test=customer] [data-test=person-org-edit]');
		await page.fill('[data-test=customer] [data-test=org-find-q]', 'acme');
		const picks = page.locator('[data-test=customer] [data-test=org-find-pick]');
		await picks.first().waitFor();
		assert.deepEqual(await picks.allTextContents(), ['Acme Widgets']);
		await picks.first().click();
		await page.waitForSelector('[data-test=customer] [data-test=person-org-name]:has-text("Acme Widgets")');
	});
	let u;
	for (let i = 0; i < 100 && !u?.organization_id; i++)
		u = (await srv.api('GET', `/api/v2/users/${tk.requester_id}`)).json.user;
	const org = (await srv.api('GET', `/api/v2/organizations/${u.organization_id}`)).json.organization;
	assert.equal(org.name, 'Acme Widgets');
});

it('the customer panel in Ukrainian: every label, the role and the language translated, initials, the address broken only at its parts', async () => {
	const tk = await request('oksana.kovalenko-shevchenko@very-long-company-name.example.test', 'Рахунок', 'Надішліть рахунок.',
		{ name: 'Оксана Коваленко', locale: 'uk' });
	const { olha } = srv.users;
	assert.equal((await srv.api('PUT', `/api/v2/users/${olha.id}`, { user: { locale: 'uk' } })).status, 200);
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await ticketPage(tab, tk.id, olha);
		const panel = page.locator('[data-test=customer]');
		await panel.locator('[data-test=customer-role]').waitFor();
		assert.equal(await panel.locator('h2').textContent(), 'Клієнт');
		assert.deepEqual(await panel.locator('dt').allTextContents(), ['Електронна пошта', 'Організація', 'Сервісний контракт', 'Мова']);
		assert.equal(await panel.locator('[data-test=customer-role]').textContent(), 'Клієнт');
		assert.equal(await panel.locator('[data-test=customer-language]').textContent(), 'Українська');
		assert.equal(await panel.locator('[data-test=person-org-edit]').textContent(), 'Змінити');
		assert.equal(await panel.locator('[data-test=avatar]').textContent(), 'ОК');
		// breaks only before the @ and after the dots: each part on one line
		const address = panel.locator('[data-test=customer-email] .address');
		assert.equal(await address.getAttribute('title'), 'oksana.kovalenko-shevchenko@very-long-company-name.example.test');
		assert.equal(await address.evaluate((el) => el.innerHTML.replace(/<!--.*?-->/g, '')),
			'<span>oksana.</span><wbr><span>kovalenko-shevchenko</span><wbr><span>@very-long-company-name.</span><wbr>' +
			'<span>example.</span><wbr><span>test</span>');
		const lines = await address.evaluate((el) => [...el.children].filter((s) => s.tagName === 'SPAN')
			.map((s) => s.getClientRects().length));
		assert.deepEqual(lines, [1, 1, 1, 1, 1], 'a part of the address was broken');
		assert.equal(await page.locator('[data-test=merge-open]').textContent(), 'Об’єднати з іншим зверненням…');
	});
});
