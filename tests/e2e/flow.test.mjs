// The whole way round, in a real browser: a customer sends the contact form;
// the agent sees it appear live, replies and solves it; the customer signs
// in with the e-mailed link, sees the reply and answers; the ticket reopens
// on the agent's screen. Then what must never be lost: a reply typed when
// the session ends, and a reply whose save fails.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { startSmtp } from '../api/lib/smtp.mjs';
import { it, openDesk } from './lib/browser.mjs';


let desk, srv, smtp;

before(async () => {
	smtp = await startSmtp();
	desk = await openDesk({ agents: ['agent'] });
	srv = desk.srv;
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test', from_name: 'Shop support' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
});

// An agent signed in through the sign-in page; the tab fails its test on
// any console error, page error or CSP violation (lib/browser.mjs).
async function agentPage(locale = 'en-US') {
	const tab = await desk.tab({ locale });
	await tab.signInByForm(srv.users.agent);
	return tab;
}

it('contact form → live in the workspace → reply and solve → the customer answers in the portal → reopened', async () => {
	const agent = await agentPage();
	await agent.page.click('[data-test=queue-unassigned]');
	await agent.page.waitForSelector('[data-test=ticket-list]');

	// the customer, in Ukrainian, with a file
	const cust = await desk.tab({ locale: 'uk-UA' });
	const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'e2e-')), 'чек.txt');
	await fs.writeFile(file, 'Чек № 4471, 1 299 грн\n');
	await cust.page.goto(`${srv.base}/portal/requests/new`);
	await cust.page.fill('[data-test=name]', 'Оксана Мельник');
	await cust.page.fill('[data-test=email]', 'oksana@example.ua');
	await cust.page.fill('[data-test=subject]', 'Чайник протікає після тижня');
	await cust.page.fill('[data-test=description]', 'Добрий день! Чайник KV-2210 протікає знизу. Що робити?');
	await cust.page.setInputFiles('[data-test=attachments]', file);
	await cust.page.click('[data-test=submit]');
	const id = Number(await cust.page.textContent('[data-test=request-number]', { timeout: 10000 }));
	assert.ok(id > 0);

	// live, without a reload
	const row = agent.page.locator(`[data-test=ticket-row][data-id="${id}"]`);
	await row.waitFor({ timeout: 10000 });
	assert.match(await row.textContent(), /Чайник протікає/);
	await row.click();
	await agent.page.waitForSelector('[data-test=comment]');
	assert.match(await agent.page.textContent('[data-test=conversation], [data-test=ticket]'), /KV-2210/);
	assert.equal(await agent.page.locator('[data-test=attachment]').first().textContent().then((s) => s.includes('чек.txt')), true);

	await agent.page.fill('[data-test=composer-body]', 'Оксано, надішліть, будь ласка, фото дна чайника — замінимо його.');
	await agent.page.click('[data-test=submit-menu]');
	await agent.page.click('[data-test=submit-as-solved]');
	await agent.page.waitForSelector('[data-test=ticket-status][data-status=solved]', { timeout: 10000 });

	// the customer signs in with the link the desk e-mails
	await cust.page.goto(`${srv.base}/portal/signin`);
	await cust.page.fill('[data-test=magic-email]', 'oksana@example.ua');
	await cust.page.click('[data-test=magic-submit]');
	await cust.page.waitForSelector('[data-test=magic-sent]');
	const mail = await smtp.waitFor((m) => m.headers.to?.includes('oksana@example.ua') && /portal\/signin#token=/.test(m.text));
	const link = mail.text.match(/https?:\/\/\S+\/portal\/signin#token=[A-Za-z0-9_-]+/)[0];
	await cust.page.goto(link.replace(/^https?:\/\/[^/]+/, srv.base));
	await cust.page.waitForSelector(`[data-test=request-row][data-id="${id}"]`, { timeout: 10000 });
	await cust.page.click(`[data-test=request-row][data-id="${id}"] a, [data-test=request-row][data-id="${id}"]`);
	await cust.page.waitForSelector('[data-test=comment]');
	assert.match(await cust.page.textContent('[data-test=conversation]'), /фото дна чайника/);

	await cust.page.fill('[data-test=reply]', 'Ось фото. Дякую!');
	await cust.page.click('[data-test=send-reply]');

	// reopened, on the agent's screen without a reload
	await agent.page.waitForSelector('[data-test=ticket-status][data-status=open]', { timeout: 10000 });
	assert.match(await agent.page.textContent('[data-test=ticket]'), /Ось фото/);
	const t = await srv.api('GET', `/api/v2/tickets/${id}`);
	assert.equal(t.json.ticket.status, 'open');
	agent.assertClean();
	cust.assertClean();
});

it('a reply typed when the session ends is still there after signing in again', async () => {
	const t = await srv.ticket({ subject: 'Session ends mid-reply' });
	const agent = await agentPage();
	await agent.page.goto(`${srv.base}/agent/tickets/${t.id}`);
	await agent.page.fill('[data-test=composer-body]', 'Half-written answer about the refund');
	// the session ends on the server (signed out elsewhere)
	await agent.page.evaluate(async () => {
		const { csrf_token: csrf } = await (await fetch('/api/v2/auth/session')).json();
		await fetch('/api/v2/auth/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } });
	});
	// sending finds out; so may a background request first (then the
	// button is already gone)
	await agent.page.locator('[data-test=submit]').click({ timeout: 2000 }).catch(() => {});
	await agent.page.waitForSelector('#password');
	assert.match(await agent.page.textContent('[data-test=signin-error]'), /session has ended/);
	await agent.page.fill('#email', srv.users.agent.email);
	await agent.page.fill('#password', srv.users.agent.password);
	await agent.page.click('button[type=submit]');
	await agent.page.waitForSelector('[data-test=composer-body]');
	assert.equal(await agent.page.inputValue('[data-test=composer-body]'), 'Half-written answer about the refund');
});

it('a failed save says so and keeps the text', async () => {
	const t = await srv.ticket({ subject: 'Save fails' });
	const agent = await agentPage();
	await agent.page.goto(`${srv.base}/agent/tickets/${t.id}`);
	await agent.page.route(`**/api/v2/tickets/${t.id}`, (route) => (route.request().method() === 'PUT'
		? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"Unavailable","description":"The desk is restarting"}' })
		: route.continue()));
	await agent.page.fill('[data-test=composer-body]', 'This must not vanish');
	await agent.page.click('[data-test=submit]');
	await agent.page.waitForSelector('[data-test=composer-error]');
	assert.match(await agent.page.textContent('[data-test=composer-error]'), /restarting/);
	assert.equal(await agent.page.inputValue('[data-test=composer-body]'), 'This must not vanish');
	const comments = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`);
	assert.equal(comments.json.comments.length, 1);
});
