// A desk that works out of the box, in a real browser, on the demo desk
// (`frontline demo`, no mail relay): a customer asks the portal for a
// sign-in link and is told it is kept for the administrator, not mailed;
// the demo's admin reads it in Admin → Outgoing mail, under a banner that
// says no relay is set up; the customer signs in with it. And the first
// admin's one-time password: the workspace asks for a password of one's
// own before anything else. Each text in uk, ru, lt and en.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { newDatabase } from '../api/lib/server.mjs';
import { Desk, LOCALES, it, launchBrowser, runCli, startServer } from './lib/browser.mjs';

const demo = JSON.parse(await fs.readFile(new URL('../../src/demo/demo.json', import.meta.url)));
const olena = { email: demo.agents[0].email, password: 'frontline-demo' }; // the demo's admin

// What changed, in each language: the portal's answer, the workspace's banner, the first-password page.
const WORDS = {
	'uk-UA': { kept: /Ця служба підтримки ще не може надсилати листи/, demo: /Це демонстраційна служба/,
		banner: /Поштовий сервер для надсилання не налаштовано/, choose: 'Оберіть свій пароль' },
	'ru-RU': { kept: /Эта служба поддержки пока не может отправлять письма/, demo: /Это демонстрационная служба/,
		banner: /Почтовый сервер для отправки не настроен/, choose: 'Выберите свой пароль' },
	'lt-LT': { kept: /Ši pagalbos tarnyba dar negali siųsti laiškų/, demo: /Tai demonstracinė tarnyba/,
		banner: /Pašto siuntimo serveris nenustatytas/, choose: 'Pasirinkite savo slaptažodį' },
	'en-US': { kept: /This desk cannot send e-mail yet/, demo: /This is a demo desk/,
		banner: /No mail relay is configured/, choose: 'Choose your password' },
};

let dir, desk, srv, oneTime;

before(async () => {
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-e2e-demo-'));
	await newDatabase(dir);
	const r = await runCli(['demo', '--data', dir], { leaks: false, timeoutMs: 120_000 });
	assert.equal(r.code, 0, r.stderr);
	oneTime = /password:\s+([0-9a-f]{24})/.exec(r.stdout)?.[1];
	assert.ok(oneTime, r.stdout);
	srv = await startServer({ data: dir, admin: { basic: [olena.email, olena.password] } });
	try {
		desk = new Desk(srv, await launchBrowser());
	} catch (err) {
		await srv.cleanup();
		throw err;
	}
});
after(async () => {
	await desk?.close();
	await fs.rm(dir, { recursive: true, force: true });
});

it('a customer asks for a link; the portal says it is kept; the admin reads it in Outgoing mail; the customer signs in with it', async () => {
	// one demo customer a language (at most 3 links an address in 15 minutes)
	const who = Object.fromEntries(LOCALES.map((l, i) => [l, demo.customers[i * 5].email]));
	for (const locale of LOCALES)
		await desk.withTab({ locale }, async (tab) => {
			await tab.goto('/portal/signin');
			await tab.page.fill('[data-test=magic-email]', who[locale]);
			await tab.page.click('[data-test=magic-submit]');
			const kept = tab.page.locator('[data-test=magic-kept]');
			await kept.waitFor();
			assert.match(await kept.textContent(), WORDS[locale].kept);
			assert.match(await kept.textContent(), new RegExp(who[locale].replace(/\./g, '\\.')));
			assert.match(await tab.page.textContent('[data-test=magic-demo]'), WORDS[locale].demo);
			assert.equal(await tab.page.locator('text=/#token=/').count(), 0, 'the link itself is on the portal');
		});

	// the admin, in each language: the banner, and the four links in the list
	for (const locale of LOCALES)
		await desk.withTab({ locale }, async (tab) => {
			await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), locale.slice(0, 2));
			await tab.signIn(olena);
			await tab.goto('/agent/admin/outbox');
			const banner = tab.page.locator('[data-test=no-relay]');
			await banner.waitFor();
			assert.match(await banner.textContent(), WORDS[locale].banner);
			assert.equal(await banner.locator('a[href="/agent/admin/settings"]').count(), 1);
		});

	const admin = await desk.tab({ locale: 'en-US' });
	await admin.page.addInitScript(() => localStorage.setItem('fl.locale', 'en')); // Olena works in Ukrainian
	await admin.signIn(olena);
	let row;
	for (let i = 0; i < 100; i++) { // the mail-send job keeps it a moment later
		await admin.goto('/agent/admin/outbox');
		await admin.ready('[data-test=outbox-row], [data-test=outbox-empty]');
		row = admin.page.locator('[data-test=outbox-row]', { hasText: who['uk-UA'] });
		if (await row.count())
			break;
		await new Promise((r) => setTimeout(r, 100));
	}
	assert.match(await row.textContent(), /Sign-in link/);
	await row.locator('a').click();
	await admin.ready('[data-test=outbox-reader]');
	assert.equal(await admin.page.textContent('[data-test=outbox-to]'), who['uk-UA']);
	assert.match(await admin.page.textContent('[data-test=outbox-text]'), /Щоб переглянути свої звернення/);
	const link = await admin.page.locator('[data-test=outbox-text] a[href*="/portal/signin#token="]').getAttribute('href');
	assert.ok(link.startsWith(srv.base), link);
	admin.assertClean();

	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		await tab.goto(link);
		await tab.ready('[data-test=request-row]');
		const me = await tab.page.evaluate(async () => (await (await fetch('/api/v2/users/me')).json()).user.email);
		assert.equal(me, who['uk-UA']);
	});
});

it('the first admin must choose a password of their own before anything else', async () => {
	const admin = { email: 'admin@frontline.local' };
	// the page asks for it in every language (each sign-in its own session)
	for (const locale of LOCALES.slice(0, 3))
		await desk.withTab({ locale }, async (tab) => {
			await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), locale.slice(0, 2));
			await tab.goto('/agent/');
			await tab.page.fill('#email', admin.email);
			await tab.page.fill('#password', oneTime);
			await tab.page.click('button[type=submit]');
			await tab.ready('[data-test=choose-password]');
			assert.equal(await tab.page.textContent('#firstpw-title'), WORDS[locale].choose);
		});

	// (the test's own request for the tickets is refused: expected)
	await desk.withTab({ locale: 'en-US', allow: [/status of 403 .*\/api\/v2\/tickets\)/] }, async (tab) => {
		const { page } = tab;
		await tab.goto('/agent/');
		await page.fill('#email', admin.email);
		await page.fill('#password', oneTime);
		await page.click('button[type=submit]');
		await tab.ready('[data-test=choose-password]');
		assert.equal(await page.textContent('#firstpw-title'), WORDS['en-US'].choose);
		assert.equal(await page.locator('[data-test=top-search]').count(), 0, 'the workspace shows behind the form');
		// the server, too, opens nothing else for this session
		const blocked = await page.evaluate(async () => (await fetch('/api/v2/tickets')).status);
		assert.equal(blocked, 403);

		await page.fill('#fp-new', 'my own long password');
		await page.fill('#fp-again', 'my own long passwort');
		await page.click('[data-test=choose-password] button[type=submit]');
		assert.match(await page.textContent('[data-test=firstpw-error]'), /not the same/);
		await page.fill('#fp-again', 'my own long password');
		await page.click('[data-test=choose-password] button[type=submit]');
		await tab.ready('[data-test=ticket-list]');
		assert.equal(await page.evaluate(async () => (await fetch('/api/v2/tickets')).status), 200);
	});
	const s = await srv.api('POST', '/api/v2/auth/session', { email: admin.email, password: 'my own long password' }, { auth: 'anonymous' });
	assert.equal(s.status, 200, s.text);
	assert.equal(s.json.user.must_change_password, false);
});
