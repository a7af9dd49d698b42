// The chat in the browser where timing, tabs and a hostile host page meet
// it (the review of issue 17): a new chat started while the old chat's
// fetch hangs shows the new chat's messages only.
//
// The chat page is opened by itself (/chat/frame, as a visitor may) unless
// a test needs a host page; requests a test holds back go through
// Playwright's routing, so those tabs leave DevTools' Fetch domain alone
// (watchAuth: false).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { chatSettings, online, until } from '../api/lib/chat.mjs';
import { it, openDesk } from './lib/browser.mjs';

// the chat page opened by itself: the browser asks for a favicon we have not
const FAVICON = [/404 .*\/favicon\.ico/];

/** What the chat page shows: [{author, body, receipt}] in order. */
function shown(f) {
	return f.locator('[data-test=message]').evaluateAll((els) => els.map((el) => ({
		author: el.dataset.author,
		body: el.querySelector('[data-test=body]')?.textContent ?? '',
		receipt: el.querySelector('[data-test=receipt]')?.dataset.state ?? '',
	})));
}

/** A request held until release() (resolves when the first one arrived). */
function holdBack() {
	let release, arrived;
	const gate = new Promise((r) => { release = r; });
	const first = new Promise((r) => { arrived = r; });
	return {
		first,
		release,
		handler: async (route) => {
			arrived();
			await gate;
			await route.continue().catch(() => {}); // the page may be gone
		},
	};
}

describe('the chat, robust', () => {
	let desk, srv, rasa;

	before(async () => {
		desk = await openDesk({ agents: ['rasa'] });
		srv = desk.srv;
		({ rasa } = srv.users);
		await chatSettings(srv, { prechat: { name: 'required', email: 'optional', topic: 'off' } });
		await online(srv, rasa);
	});
	after(async () => { await desk?.close(); });

	const agent = (method, path, body) => srv.api(method, path, body, { auth: rasa });
	async function queuedChat(name) {
		const r = await until(() => agent('GET', '/api/v2/chats?state=queued'),
			(x) => x.json?.chats?.some((c) => c.name === name));
		return r.json.chats.find((c) => c.name === name);
	}
	async function say(chat, clientId, body) {
		const r = await agent('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId, body });
		assert.equal(r.status, 201, r.text);
		return r.json.message;
	}
	async function startHere(page, name, body) {
		await page.locator('[data-test=name]').fill(name);
		await page.locator('[data-test=first-message]').fill(body);
		await page.locator('[data-test=start]').click();
		await page.locator('[data-test=composer-input]').waitFor();
	}

	it('a new chat started while the old chat\'s fetch hangs shows only its own messages', async () => {
		await desk.withTab({ locale: 'en-US', watchAuth: false, allow: FAVICON }, async (tab) => {
			const { page, context } = tab;
			await tab.goto('/chat/frame?locale=en');
			await page.locator('[data-test=chat-window][data-view=prechat]').waitFor();
			await startHere(page, 'Old Chat', 'first chat');
			const old = await queuedChat('Old Chat');
			assert.equal((await agent('POST', `/api/v2/chats/${old.id}/accept`, {})).status, 200);
			await say(old, 'old-1', 'old answer one');
			await until(() => shown(page), (m) => m.length === 2);

			// the old chat's next fetch hangs; the agent ends the chat meanwhile
			const hold = holdBack();
			let chat;
			await context.route(new RegExp(`/chat/api/chats/${old.id}/messages\\?`), hold.handler);
			try {
				await say(old, 'old-2', 'old answer two');
				await hold.first;
				const end = await agent('POST', `/api/v2/chats/${old.id}/end`, { solve: true });
				assert.equal(end.status, 200, end.text);
				await page.locator('[data-test=new-chat]').click();
				await page.locator('[data-test=chat-window][data-view=prechat]').waitFor();

				// the new chat, answered while the old fetch still hangs
				await startHere(page, 'New Chat', 'second chat');
				chat = await queuedChat('New Chat');
				assert.equal((await agent('POST', `/api/v2/chats/${chat.id}/accept`, {})).status, 200);
				await say(chat, 'new-1', 'new answer one');
				await say(chat, 'new-2', 'new answer two');
				const want = ['second chat', 'new answer one', 'new answer two'];
				await until(() => shown(page), (m) => m.length === 3);
				assert.deepEqual((await shown(page)).map((m) => m.body), want);
			} finally {
				hold.release();
			}
			// the old chat's answer, when it comes at last, changes nothing
			await page.waitForTimeout(1000);
			assert.deepEqual((await shown(page)).map((m) => m.body), ['second chat', 'new answer one', 'new answer two']);
			const late = await say(chat, 'new-3', 'new answer three');
			assert.ok(late.seq > 3);
			await until(() => shown(page), (m) => m.at(-1)?.body === 'new answer three');
			assert.equal((await shown(page)).length, 4);
		});
	});
});
