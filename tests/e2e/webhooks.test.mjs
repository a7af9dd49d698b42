// Admin → Webhooks in a real browser against the signing test receiver:
// an admin (in Lithuanian) has a loopback endpoint refused in words next
// to the field, allows 127.0.0.1 on the allow list, adds the webhook
// subscribed to new tickets, sends a test and reads the code it answered,
// reveals the secret (with which the receiver verifies every call), sees a
// new ticket's call delivered in the log with its attempt's code, and
// turns it off.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startReceiver } from '../api/lib/webhook_receiver.mjs';
import { it, openDesk } from './lib/browser.mjs';

let desk, srv, rx;

before(async () => {
	rx = await startReceiver();
	desk = await openDesk({ endUsers: ['jonas'] });
	srv = desk.srv;
});
after(async () => {
	await desk?.close();
	await rx?.close();
});

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

it('an admin allows loopback, adds a webhook, tests it and reads its delivery log', async () => {
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/webhooks');
		await page.waitForSelector('text=Webhook\'ų dar nėra.');

		// loopback is refused until it is allowed
		const form = page.locator('[data-test=webhook-form]');
		await form.getByLabel('Pavadinimas').fill('CRM');
		await form.getByLabel('Adresas').fill(`${rx.url}/crm`);
		await form.locator('[data-test=webhook-event][value="ticket.created"]').check();
		await page.click('[data-test=webhook-save]');
		await form.locator('[data-test=problem]').waitFor();
		assert.match(await form.locator('[data-test=problem]').first().textContent(), /Šio adreso negalima iškviesti/);
		assert.equal((await srv.api('GET', '/api/v2/webhooks')).json.webhooks.length, 0, 'a refused webhook was written');

		await page.getByLabel('Leidžiami kompiuteriai, po vieną eilutėje').fill('127.0.0.1');
		await page.click('[data-test=webhook-allow-save]');
		await page.waitForSelector('text=Leidžiamųjų sąrašas išsaugotas.');
		assert.deepEqual((await srv.api('GET', '/api/v2/webhooks/settings')).json.webhook_settings.allowed_hosts, ['127.0.0.1']);

		await page.click('[data-test=webhook-save]');
		await page.waitForSelector('[data-test=webhook-detail]');
		const row = page.locator('[data-test=webhook-row]');
		assert.equal(await row.count(), 1);
		assert.equal(await row.locator('[data-test=webhook-status]').textContent(), 'Įjungtas');
		const [hook] = (await srv.api('GET', '/api/v2/webhooks')).json.webhooks;
		assert.deepEqual([hook.name, hook.endpoint, hook.subscriptions], ['CRM', `${rx.url}/crm`, ['ticket.created']]);

		// the secret, shown on demand, is the one calls are signed with
		await page.click('[data-test=webhook-secret-reveal]');
		rx.secret = (await page.textContent('[data-test=webhook-secret-value]')).trim();
		assert.match(rx.secret, /^[0-9a-f]{64}$/);

		// a test call: the code the receiver answered
		await page.click('[data-test=webhook-test]');
		await page.waitForFunction(() => /Atsakymas 200 per \d+ ms/.test(
			document.querySelector('[data-test=webhook-test-result]').textContent));
		assert.equal(rx.requests.length, 1);
		assert.equal(rx.requests[0].json.type, 'webhook.test');
		assert.ok(rx.requests[0].valid, 'the test call is not signed with the secret shown');

		// a new ticket's call, delivered and in the log with its attempt
		const t = await srv.ticket({ subject: 'Sąskaita neatėjo' }, { auth: srv.users.jonas });
		await rx.waitFor(2);
		assert.ok(rx.requests[1].valid);
		assert.equal(rx.requests[1].json.detail.id, t.id);
		for (let i = 0; i < 100; i++) {
			await page.click('[data-test=webhook-log-refresh]');
			if (await page.locator('[data-test=webhook-invocation][data-status=delivered]').count())
				break;
			await page.waitForTimeout(200);
		}
		const inv = page.locator('[data-test=webhook-invocation]');
		assert.equal(await inv.count(), 1);
		assert.equal(await inv.locator('[data-test=webhook-invocation-status]').textContent(), 'Pristatyta');
		assert.equal(await inv.locator('[data-test=webhook-invocation-code]').textContent(), '200');
		assert.equal(await inv.locator(`a[href="/agent/tickets/${t.id}"]`).count(), 1);
		await inv.locator('[data-test=webhook-invocation-open]').click();
		const attempt = page.locator('[data-test=webhook-attempt]');
		await attempt.first().waitFor();
		assert.equal(await attempt.count(), 1);
		assert.equal(await attempt.locator('[data-test=webhook-attempt-code]').textContent(), '200');

		// turned off: the list says so, and a new ticket calls nobody
		await page.locator('[data-test=webhook-detail] [data-test=webhook-active]').uncheck();
		await page.locator('[data-test=webhook-detail] [data-test=webhook-save]').click();
		await page.waitForFunction(() => document.querySelector('[data-test=webhook-status]').textContent === 'Išjungtas');
		assert.equal((await srv.api('GET', `/api/v2/webhooks/${hook.id}`)).json.webhook.status, 'inactive');
		await srv.ticket({ subject: 'Dar viena' }, { auth: srv.users.jonas });
		await page.waitForTimeout(1500);
		assert.equal(rx.requests.length, 2);
	});
});
