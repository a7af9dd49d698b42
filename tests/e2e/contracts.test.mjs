// Service contracts in a real browser (issue 13): an admin working in
// Lithuanian adds a warranty to a customer on the customer's page — a day
// that is before the first refused next to the field, in Lithuanian — the
// customer's ticket then shows "Aptarnaujama: … iki …", and the contract is
// on the Contracts page of those ending within 30 days, not within 7.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv, customer, ticket;

before(async () => {
	desk = await openDesk({ endUsers: ['ona'] });
	srv = desk.srv;
	customer = srv.users.ona;
	ticket = await srv.ticket({ subject: 'Neveikia skalbimo mašina', requester_id: customer.id });
});
after(async () => { await desk?.close(); });

// The UTC day n days from today, as YYYY-MM-DD.
const day = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

it('an admin adds a warranty in Lithuanian; the ticket shows it covered; the expiring list has it', async () => {
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);

		// before: no contract on the ticket
		await tab.goto(`/agent/tickets/${ticket.id}`);
		await page.waitForSelector('[data-test=coverage][data-state=none]');
		assert.equal(await page.textContent('[data-test=coverage]'), 'Aptarnavimo sutarties nėra');

		await tab.goto(`/agent/customers/${customer.id}`);
		await page.waitForSelector('[data-test=contracts-empty]');
		await page.getByRole('button', { name: '+ Pridėti sutartį' }).click();
		await page.getByLabel('Prekė ar paslauga', { exact: true }).fill('Skalbimo mašina Bosch');
		await page.getByLabel('Paslaugų lygis', { exact: true }).fill('standartinis');
		await page.getByLabel('Rūšis', { exact: true }).selectOption({ label: 'garantija' });
		await page.getByLabel('Nuo', { exact: true }).fill(day(-10));
		await page.getByLabel('Iki', { exact: true }).fill(day(-20));
		await page.click('[data-test=contract-save]');
		// refused next to the field, in Lithuanian, and nothing written
		await page.waitForSelector('[data-test=problem]');
		assert.match(await page.textContent('[data-test=problem]'), /ne ankstesnę nei pirmoji/);
		let r = await srv.api('GET', `/api/v2/users/${customer.id}/service_contracts`);
		assert.deepEqual(r.json.service_contracts, []);

		await page.getByLabel('Iki', { exact: true }).fill(day(20));
		await page.click('[data-test=contract-save]');
		await page.waitForSelector('[data-test=contract]');
		assert.equal(await page.textContent('[data-test=contract-product]'), 'Skalbimo mašina Bosch');
		assert.equal(await page.textContent('[data-test=contract-state]'), 'galioja');
		r = await srv.api('GET', `/api/v2/users/${customer.id}/service_contracts`);
		const [c] = r.json.service_contracts;
		assert.equal(c.kind, 'warranty');
		assert.equal(c.level, 'standartinis');
		assert.equal(c.starts_on, day(-10));
		assert.equal(c.ends_on, day(20));

		// the ticket shows it covered, until the day in Lithuanian
		const until = new Intl.DateTimeFormat('lt', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day(20)}T00:00:00Z`));
		await tab.goto(`/agent/tickets/${ticket.id}`);
		await page.waitForSelector('[data-test=coverage][data-state=covered]');
		assert.equal(await page.textContent('[data-test=coverage]'), `Aptarnaujama: Skalbimo mašina Bosch (standartinis) iki ${until}`);

		// the account manager's list: ending within 30 days (the default), not within 7
		await page.getByRole('link', { name: 'Sutartys' }).click();
		await page.waitForSelector('[data-test=expiring-row]');
		assert.equal(await page.getAttribute('[data-test=expiring-row]', 'data-id'), String(c.id));
		assert.equal(await page.textContent('[data-test=expiring-product]'), 'Skalbimo mašina Bosch');
		assert.ok((await page.textContent('[data-test=expiring-row]')).includes(customer.name));
		await page.getByLabel('Baigiasi per (dienų)', { exact: true }).fill('7');
		await page.click('[data-test=expiring-show]');
		await page.waitForSelector('[data-test=expiring-empty]');
		assert.equal(await page.textContent('[data-test=expiring-empty]'), 'Per 7 dienas nesibaigia nė viena sutartis.');
	});
});
