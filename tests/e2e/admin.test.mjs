// The admin's trust settings, clicked in a real browser: the public address
// sign-in links are built on, the receiving host whose Authentication-Results
// we trust, the daily limit of automatic mail — and the quarantine, where
// mail from our own address waits instead of becoming a ticket. In Ukrainian
// and English.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';


let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['agent'] });
	srv = desk.srv;
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: { from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => { await desk?.close(); });

async function admin(path, locale = 'en-US') {
	const tab = await desk.tab({ locale });
	await tab.signIn(srv.admin);
	await tab.page.goto(`${srv.base}${path}`);
	return tab;
}

it('the admin moves the public address, sets the receiving host and the daily limit; a bad address is refused in words', async () => {
	const { page } = await admin('/agent/admin/settings');
	const url = page.locator('#set-public-url');
	await url.waitFor();
	assert.equal(await url.inputValue(), srv.base, 'the first start stored where it listens');
	await url.fill('https://help.shop.test/');
	await page.locator('form:has(#set-public-url) button[type=submit]').click();
	await page.waitForSelector('text=Saved');
	const s = await srv.api('GET', '/api/v2/account/settings');
	assert.equal(s.json.settings.public_url, 'https://help.shop.test');

	await url.fill('https://help.shop.test@evil.example');
	await page.locator('form:has(#set-public-url) button[type=submit]').click();
	await page.waitForSelector('text=public_url: must be http:// or https://');
	assert.equal((await srv.api('GET', '/api/v2/account/settings')).json.settings.public_url, 'https://help.shop.test');

	await page.fill('#set-authserv_id', 'mx.shop.test');
	await page.fill('#set-automatic_mail_limit', '2');
	await page.locator('form:has(#set-authserv_id) button[type=submit]').click();
	await page.waitForSelector('text=Saved');
	const m = await srv.api('GET', '/api/v2/mail/settings');
	assert.equal(m.json.mail_settings.authserv_id, 'mx.shop.test');
	assert.equal(m.json.mail_settings.automatic_mail_limit, 2);
	assert.equal(m.json.mail_settings.from_address, 'support@shop.test', 'what was not touched stays');
});

it('mail from our own address waits in the quarantine, shown in the admin\'s language', async () => {
	const mail = ['From: Support <support@shop.test>', 'To: support@shop.test', 'Subject: Петля',
		'Message-ID: <loop-1@shop.test>', '', 'Автовідповідь'].join('\r\n');
	const r = await srv.api('POST', '/api/v2/mail/inbound', Buffer.from(mail), { headers: { 'content-type': 'message/rfc822' } });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.quarantined, true);
	assert.equal(r.json.ticket_id, 0);
	const uk = await srv.api('PUT', `/api/v2/users/${srv.admin.id}`, { user: { locale: 'uk' } });
	assert.equal(uk.status, 200, uk.text);
	const { page } = await admin('/agent/admin/quarantine', 'uk-UA');
	const row = page.locator('[data-test=quarantined]');
	await row.waitFor();
	const text = await row.textContent();
	assert.match(text, /support@shop\.test/);
	assert.match(text, /Петля/);
	assert.match(text, /З нашої власної адреси/);
	assert.equal((await srv.api('GET', '/api/v2/search?query=' + encodeURIComponent('Петля'))).json.count, 0, 'no ticket was made');
});
