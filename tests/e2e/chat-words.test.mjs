// The chat widget's words for what the server refuses, and its transcript
// button, in a real browser on a host page of another origin.
//
// A Ukrainian visitor is refused by the server four ways: an address of
// the desk's staff on the pre-chat form, an executable upload, a message
// that grew past 4,000 characters on its way (the widget stops one typed
// so, so the test lengthens it in flight, as an old or tampered page
// would), and a second transcript within minutes. The widget words each
// in Ukrainian, never in the server's English.
//
// The transcript goes only to the address the chat started with: with
// one, the button says where it goes and the mail arrives there; without
// one, there is no button and no address field, and the ended chat says
// how to get a transcript next time.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { chatSettings, online } from '../api/lib/chat.mjs';
import { startSmtp } from '../api/lib/smtp.mjs';
import { it, openDesk } from './lib/browser.mjs';
import { openWidget, shown, startHost, until } from './lib/chat.mjs';

// Chromium logs each refused request as a console error.
const REFUSED = [/status of 422/, /status of 429/];

let host, smtp, desk, srv, rasa;

before(async () => {
	host = await startHost();
	smtp = await startSmtp();
	desk = await openDesk({ agents: ['rasa'] });
	srv = desk.srv;
	({ rasa } = srv.users);
	const mail = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(mail.status, 200, mail.text);
	await chatSettings(srv, { prechat: { name: 'required', email: 'optional', topic: 'off' } });
	await online(srv, rasa);
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
	await host?.close();
});

/** Starts a chat from the pre-chat form and has rasa take it; the chat as the agents' API has it. */
async function startAndTake(f, { name, email = '', body }) {
	await f.locator('[data-test=name]').fill(name);
	await f.locator('[data-test=email]').fill(email);
	await f.locator('[data-test=first-message]').fill(body);
	await f.locator('[data-test=start]').click();
	await f.locator('[data-test=composer-input]').waitFor();
	const queued = await srv.api('GET', '/api/v2/chats?state=queued', null, { auth: rasa });
	const chat = queued.json.chats.find((c) => c.name === name);
	assert.ok(chat, queued.text);
	const accepted = await srv.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: rasa });
	assert.equal(accepted.status, 200, accepted.text);
	return chat;
}

/** No Latin word in text once the addresses are taken out: not the server's English. */
function ukrainianOnly(text) {
	assert.doesNotMatch(text.replace(/\S+@\S+/g, ''), /[A-Za-z]{2,}/, `English in "${text}"`);
}

describe('the chat widget in the visitor\'s words', () => {
	it('words the server\'s refusals in Ukrainian: a staff address, an executable, a message too long, a transcript too soon', async () => {
		await desk.withTab({ locale: 'en-US', allow: REFUSED }, async (tab) => {
			const { page, context } = tab;
			await tab.goto(host.url(srv.base, { lang: 'uk' }));
			const f = await openWidget(page, 'prechat');

			// the desk's own address: refused by the server, at the field
			await f.locator('[data-test=name]').fill('Микола');
			await f.locator('[data-test=email]').fill(rasa.email);
			await f.locator('[data-test=first-message]').fill('Добрий день');
			await f.locator('[data-test=start]').click();
			const emailErr = f.locator('[data-test=f-email-err]');
			await emailErr.waitFor();
			const said = [await emailErr.textContent()];
			assert.equal(said[0], 'Цю адресу ел. пошти не можна використати; вкажіть іншу.');

			const email = `mykola${process.pid}@example.test`;
			const chat = await startAndTake(f, { name: 'Микола', email, body: 'Добрий день' });
			await f.locator('[data-test=chat-sub]').filter({ hasText: 'Agent rasa' }).waitFor();

			// an executable, by its bytes
			await f.locator('[data-test=file-input]').setInputFiles({ name: 'install.sh', mimeType: 'text/plain',
				buffer: Buffer.from('#!/bin/sh\necho hi\n') });
			const composerErr = f.locator('[data-test=composer-error]');
			await composerErr.waitFor();
			said.push(await composerErr.textContent());
			assert.equal(said.at(-1), 'Програми та скрипти не можна надсилати в чаті.');

			// a message the server finds too long
			await context.route('**/chat/api/chats/*/messages', (route) => {
				const req = route.request();
				if (req.method() !== 'POST')
					return route.continue();
				return route.continue({ postData: JSON.stringify({ ...req.postDataJSON(), body: 'я'.repeat(4001) }) });
			});
			await f.locator('[data-test=composer-input]').fill('Коротке');
			await f.locator('[data-test=composer-input]').press('Enter');
			const notSent = f.locator('[data-test=send-error]');
			await notSent.waitFor();
			said.push(await notSent.textContent());
			assert.equal(said.at(-1).replace(/\s/g, ' '),
				'Не надіслано: Повідомлення може мати щонайбільше 4 000 символів.');
			await context.unrouteAll();

			// the transcript: where it goes, and it goes there
			assert.equal(await f.locator('[data-test=transcript-to]').textContent(), `Надішлемо на ${email}.`);
			await f.locator('[data-test=transcript]').click();
			assert.equal(await f.locator('[data-test=transcript-sent]').textContent(), `Розмову надіслано на ${email}.`);
			const mail = await smtp.waitFor((m) => m.headers.to?.includes(email) && /Ось ваша розмова з нами в чаті:/.test(m.text));
			assert.match(mail.text, /Добрий день/);

			// asked again minutes later, from the ended chat: too soon
			const end = await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: true }, { auth: rasa });
			assert.equal(end.status, 200, end.text);
			await f.locator('[data-test=ended] [data-test=transcript]').click();
			const tooSoon = f.locator('[data-test=transcript-error]');
			await tooSoon.waitFor();
			said.push(await tooSoon.textContent());
			assert.equal(said.at(-1), 'Розмову щойно надіслано; попросити ще раз можна за кілька хвилин.');

			said.forEach(ukrainianOnly);
		});
	});

	it('offers the transcript only when the chat has an address, and says which', async () => {
		await desk.withTab({ locale: 'en-US' }, async (tab) => {
			const { page } = tab;
			await tab.goto(host.url(srv.base, { lang: 'en' }));
			const f = await openWidget(page, 'prechat');

			// no address given: no button, no address field, now or after the end
			const chat = await startAndTake(f, { name: 'Petras', body: 'No address from me' });
			await until(() => shown(f), (m) => m.length === 1 && m[0].receipt === 'sent');
			assert.equal(await f.locator('[data-test=end]').count(), 1);
			assert.equal(await f.locator('[data-test=transcript]').count(), 0);
			assert.equal(await f.locator('input[type=email]').count(), 0);
			const end = await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: true }, { auth: rasa });
			assert.equal(end.status, 200, end.text);
			await f.locator('[data-test=ended]').waitFor();
			assert.equal(await f.locator('[data-test=transcript]').count(), 0);
			assert.equal(await f.locator('input[type=email]').count(), 0);
			assert.equal(await f.locator('[data-test=transcript-none]').textContent(),
				'To get a chat’s transcript by e-mail, give your address when you start the chat.');

			// the next chat with an address: the button, saying where it goes
			await f.locator('[data-test=new-chat]').click();
			await f.locator('[data-test=chat-window][data-view=prechat]').waitFor();
			const email = `petras${process.pid}@example.test`;
			await startAndTake(f, { name: 'Petras Two', email, body: 'Now with an address' });
			assert.equal(await f.locator('[data-test=transcript-to]').textContent(), `We will send it to ${email}.`);
			assert.equal(await f.locator('[data-test=transcript]').getAttribute('aria-describedby'), 'tr-to');
			assert.equal(await f.locator('input[type=email]').count(), 0);
			await f.locator('[data-test=transcript]').click();
			assert.equal(await f.locator('[data-test=transcript-sent]').textContent(), `The transcript is on its way to ${email}.`);
			const mail = await smtp.waitFor((m) => m.headers.to?.includes(email) && /Here is your chat with us:/.test(m.text));
			assert.match(mail.text, /Now with an address/);
		});
	});
});
