// The chat in the browser where timing, tabs and a hostile host page meet
// it (the review of issue 17): a new chat started while the old chat's
// fetch hangs shows the new chat's messages only; two tabs of one visitor,
// offline, each with a message waiting, then one closed: both messages
// arrive, once each, whether the chat keeps its own storage or (a browser
// that gives a third-party frame none) the host page's; and a host page
// that hands the chat storage of its making (any site may embed it) gets
// no link made of it: only known fields of known types are taken, and a
// file is a link only to our own origin. In the agents' console, a chat
// taken while "my chats" is being read keeps its pane.
//
// The chat page is opened by itself (/chat/frame, as a visitor may) unless
// a test needs a host page (another origin: "localhost" on a port of its
// own, embedding widget.js); requests a test holds back go through
// Playwright's routing, so those tabs leave DevTools' Fetch domain alone
// (watchAuth: false).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe } from 'node:test';

import { chatSettings, online, startChat, until, visitor } from '../api/lib/chat.mjs';
import { it, openDesk } from './lib/browser.mjs';

// the chat page opened by itself: the browser asks for a favicon we have not
const FAVICON = [/404 .*\/favicon\.ico/];
const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /ERR_NETWORK_CHANGED/, /ERR_NETWORK_IO_SUSPENDED/];
const OUT = 'fl.chat.out.';

/** A company's page on another origin that embeds the widget of the desk at ?desk=. */
async function startHost() {
	const server = http.createServer((req, res) => {
		const desk = new URL(req.url, 'http://host').searchParams.get('desk');
		if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(desk || '')) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8',
			'content-security-policy': `default-src 'none'; script-src ${desk}; frame-src ${desk}` });
		res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>` +
			`<body><h1>Shop</h1><script src="${desk}/chat/widget.js" async></script></body></html>`);
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: (desk) => `http://localhost:${server.address().port}/?desk=${encodeURIComponent(desk)}`,
		close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
	};
}

/** The chat frames of the context get no storage of their own (Brave, an incognito window). */
function noFrameStorage(context) {
	return context.addInitScript(() => {
		if (location.pathname === '/chat/frame')
			Object.defineProperty(window, 'localStorage', { get() {
				throw new DOMException('Access is denied for this document.', 'SecurityError');
			} });
	});
}

/** Opens the widget on a host page; resolves its frame once it shows view. */
async function openWidget(page, view) {
	const button = page.locator('[data-frontline-chat] button');
	await button.click();
	const f = page.frameLocator('[data-frontline-chat] iframe');
	await f.locator(`[data-test=chat-window][data-view=${view}]`).waitFor();
	return f;
}

/** What the chat page shows: [{author, body, receipt}] in order. */
function shown(f) {
	return f.locator('[data-test=message]').evaluateAll((els) => els.map((el) => ({
		author: el.dataset.author,
		body: el.querySelector('[data-test=body]')?.textContent ?? '',
		receipt: el.querySelector('[data-test=receipt]')?.dataset.state ?? '',
	})));
}

/**
 * The first request a route matches, held until release() (first resolves
 * when it came, done when it was let go); later ones pass. read: the
 * server answers it at once, and only the answer is held (a list read
 * before whatever happens meanwhile).
 */
function holdBack({ read = false } = {}) {
	let release, arrived, finished;
	const gate = new Promise((r) => { release = r; });
	const first = new Promise((r) => { arrived = r; });
	const done = new Promise((r) => { finished = r; });
	let held = false;
	return {
		first,
		done,
		release,
		handler: async (route) => {
			if (held)
				return route.continue();
			held = true;
			const answer = read ? await route.fetch() : null;
			arrived();
			await gate;
			// the page may be gone
			await (answer ? route.fulfill({ response: answer }) : route.continue()).catch(() => {});
			finished();
			return undefined;
		},
	};
}

describe('the chat, robust', () => {
	let desk, srv, rasa, host;

	before(async () => {
		host = await startHost();
		desk = await openDesk({ agents: ['rasa'] });
		srv = desk.srv;
		({ rasa } = srv.users);
		await chatSettings(srv, { prechat: { name: 'required', email: 'optional', topic: 'off' } });
		await online(srv, rasa);
	});
	after(async () => {
		await desk?.close();
		await host?.close();
	});

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
	async function bodies(chat) {
		const r = await agent('GET', `/api/v2/chats/${chat.id}/messages?after=0`);
		assert.equal(r.status, 200, r.text);
		return r.json.messages.sort((a, b) => a.seq - b.seq).map((m) => m.body);
	}
	async function type(f, text) {
		await f.locator('[data-test=composer-input]').fill(text);
		await f.locator('[data-test=composer-input]').press('Enter');
	}
	const waiting = (f) => shown(f).then((m) => m.filter((x) => x.receipt === 'sending').length);
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
			assert.equal((await agent('POST', `/api/v2/chats/${chat.id}/end`, { solve: true })).status, 200);
		});
	});

	it('two tabs of one visitor: a message waiting in one is not lost when the other saves', async () => {
		await desk.withTab({ locale: 'en-US', allow: [...FAVICON, ...OFFLINE_NOISE] }, async (tab) => {
			const { page: a, context } = tab;
			await tab.goto('/chat/frame?locale=en');
			await a.locator('[data-test=chat-window][data-view=prechat]').waitFor();
			await startHere(a, 'Two Tabs', 'hello from tab A');
			const chat = await queuedChat('Two Tabs');
			const b = await context.newPage();
			await b.goto(`${srv.base}/chat/frame?locale=en`);
			await b.locator('[data-test=chat-window][data-view=chat]').waitFor();

			await context.setOffline(true);
			await type(a, 'typed in A');
			await until(() => waiting(a), (n) => n === 1);
			await type(b, 'typed in B'); // B may take up A's too: the server keeps one of each
			await until(() => waiting(b), (n) => n >= 1);
			const stored = () => b.evaluate((out) => Object.keys(localStorage).filter((k) => k.startsWith(out)).length, OUT);
			assert.equal(await stored(), 2, 'both tabs\' messages wait in storage');

			// A is closed before it could send; B, back online, sends both
			await a.close();
			await context.setOffline(false);
			await until(() => bodies(chat), (x) => x.includes('typed in A') && x.includes('typed in B'), 20_000);
			assert.deepEqual(await bodies(chat), ['hello from tab A', 'typed in A', 'typed in B']);
			await until(() => shown(b), (m) => m.length === 3 && m.every((x) => x.receipt === 'sent'));
			await until(stored, (n) => n === 0);
			await b.close();
			await agent('POST', `/api/v2/chats/${chat.id}/end`, { solve: true });
		});
	});

	it('two tabs, the storage the host page keeps: neither tab\'s save drops the other\'s message', async () => {
		await desk.withTab({ locale: 'en-US', allow: OFFLINE_NOISE }, async (tab) => {
			const { page: a, context } = tab;
			await noFrameStorage(context);
			await tab.goto(host.url(srv.base));
			const fa = await openWidget(a, 'prechat');
			await startHere(fa, 'Host Tabs', 'hello from host tab A');
			const chat = await queuedChat('Host Tabs');
			const b = await context.newPage();
			await b.goto(host.url(srv.base));
			const fb = await openWidget(b, 'chat');
			const kept = () => b.evaluate(() => JSON.parse(localStorage.getItem('fl.chat') || '{}'));
			assert.ok((await kept())['fl.chat.token'], 'the host page keeps the token');

			await context.setOffline(true);
			await type(fa, 'host typed in A');
			await until(() => waiting(fa), (n) => n === 1);
			await type(fb, 'host typed in B');
			await until(() => waiting(fb), (n) => n === 1);
			const outs = async () => Object.keys(await kept()).filter((k) => k.startsWith(OUT)).length;
			await until(outs, (n) => n === 2);

			// A is closed before it could send; B sends its own, and the next
			// load of the chat finds A's waiting and sends it
			await a.close();
			await context.setOffline(false);
			await until(() => shown(fb), (m) => m.length === 2 && m.every((x) => x.receipt === 'sent'), 20_000);
			assert.equal(await outs(), 1);
			await b.reload();
			const again = await openWidget(b, 'chat');
			await until(() => shown(again), (m) => m.length === 3 && m.every((x) => x.receipt === 'sent'), 20_000);
			assert.deepEqual((await bodies(chat)).sort(), ['hello from host tab A', 'host typed in A', 'host typed in B']);
			await until(outs, (n) => n === 0);
			await b.close();
			await agent('POST', `/api/v2/chats/${chat.id}/end`, { solve: true });
		});
	});

	it('storage a host page hands the chat is taken field by field: no javascript: or foreign link', async () => {
		// the attacker's visitor, with a chat open, and "waiting messages"
		// whose files point at script and at another site
		const v = await visitor(srv);
		const { chat } = await startChat(v, { name: 'Attacker', body: 'bait' });
		const at = new Date().toISOString();
		const evil = (id, url) => ({ client_id: id, chat_id: chat.id, body: '', uploads: [], at, extra: '<b>x</b>',
			files: [{ name: `${id}.png`, type: 'image/png', size: 1, url, preview: url }] });
		const planted = {
			'fl.chat.token': v.token,
			[`${OUT}js-1`]: JSON.stringify(evil('js-1', 'javascript:window.__xss=1')),
			'fl.chat.outbox': JSON.stringify([evil('far-1', 'https://evil.example/phish')]),
			'fl.chat.other': 'kept by nobody',
		};
		await desk.withTab({ locale: 'en-US', allow: [/status of 422 .*\/chat\/api\/chats\/\d+\/messages/] }, async (tab) => {
			const { page, context } = tab;
			await noFrameStorage(context);
			await tab.goto(host.url(srv.base));
			await page.evaluate((data) => localStorage.setItem('fl.chat', JSON.stringify(data)), planted);
			await page.reload();
			const f = await openWidget(page, 'chat');
			// both refused by the server (no text, no file) and shown as not sent, named as text
			await until(() => f.locator('[data-test=send-error]').count(), (n) => n === 2);
			const names = await f.locator('[data-test=file-name]').evaluateAll((els) => els.map((el) => [el.tagName, el.textContent]));
			assert.deepEqual(names.sort(), [['SPAN', 'far-1.png'], ['SPAN', 'js-1.png']]);
			const frame = page.frames().find((fr) => fr.url().startsWith(`${srv.base}/chat/frame`));
			const addresses = await frame.evaluate(() => [...document.querySelectorAll('[href], [src]')]
				.map((el) => el.getAttribute('href') ?? el.getAttribute('src')));
			assert.deepEqual(addresses.filter((a) => !a.startsWith(`${srv.base}/`) && !a.startsWith('/')), []);
			await f.locator('[data-test=file-name]').first().click();
			assert.equal(await frame.evaluate(() => window.__xss), undefined);
		});
		assert.equal((await v.api('POST', `/chat/api/chats/${chat.id}/end`)).status, 200);
	});

	it('the console: a chat taken while "my chats" is being read keeps its pane', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v, { name: 'Console Race', body: 'anyone there?' });
		await desk.withTab({ locale: 'en-US', watchAuth: false }, async (tab) => {
			const { page, context } = tab;
			await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
			await tab.signIn(rasa);
			// "my chats" read before the accept and answered after it: a
			// reset's reload in the review's case, the console's first here
			const hold = holdBack({ read: true });
			await context.route(/\/api\/v2\/chats\?state=active&/, hold.handler);
			await tab.goto('/agent/chat');
			await tab.ready('[data-test=chat-console]');
			await hold.first;
			await page.locator(`[data-test=chat-queued][data-chat="${chat.id}"] [data-test=chat-accept]`).click();
			const pane = page.locator(`[data-test=chat-pane][data-chat="${chat.id}"]`);
			await pane.waitFor();
			hold.release();
			await hold.done;
			await page.waitForTimeout(500);
			assert.equal(await pane.count(), 1, 'the pane of the chat just taken is gone');
			await pane.locator('[data-test=chat-msg-body]').filter({ hasText: 'anyone there?' }).waitFor();
		});
		assert.equal((await agent('POST', `/api/v2/chats/${chat.id}/end`, { solve: true })).status, 200);
	});
});
