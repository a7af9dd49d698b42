// Issue 17's browser scenario end to end, with both real UIs and nothing
// through the API but the setting up (and reading back what the screens
// already showed): a shop's page on another origin, under a strict CSP
// that allows only the desk, embeds the widget with its one script tag; a
// visitor starts a chat; agent Anna, in a second browser context (the
// workspace's chat console), is offered it, accepts, answers, sends a
// picture and a file; the visitor's network is cut and restored mid-chat
// while both write, and neither side loses or doubles a message; Anna
// transfers the chat with a note to Bohdan (a third context), who went
// online from his status switch; he answers and ends it; the visitor sees
// the end and rates the chat; Bohdan opens the ticket, where the
// transcript is the conversation: every message, in order, once, the note
// private. With nobody online the widget is a message form, and its
// message a ticket Anna finds in her queue.
//
// On SQLite; with FRONTLINE_TEST_PG also on PostgreSQL, once on one node
// and once with the widget on node 1 and the agents' console on node 2
// (two servers, one database: events cross by LISTEN/NOTIFY).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { chatSettings, online } from '../api/lib/chat.mjs';
import { PG } from '../api/lib/server.mjs';
import { Desk, it, openDesk, startServer } from './lib/browser.mjs';
import { OFFLINE_NOISE, PNG, columnShows, consoleOf, openWidget, pane, shown, startHost, until } from './lib/chat.mjs';

const LONG = 20_000; // a reconnect after the network is back: the stream's retry, then the outbox

let host;
before(async () => { host = await startHost(); });
after(async () => { await host?.close(); });

/** Closes the tabs, failing on the first that had a console error, a CSP violation … */
async function closeClean(...tabs) {
	let failure;
	for (const tab of tabs) {
		try {
			tab.assertClean();
		} catch (err) {
			failure ??= err;
		} finally {
			await tab.close();
		}
	}
	if (failure)
		throw failure;
}

/** The author and text of each of a ticket page's comments, oldest first. */
function ticketShows(page) {
	return page.locator('[data-test=comment]').evaluateAll((els) => els.map((el) => ({
		public: el.dataset.public === 'true',
		body: el.querySelector('.body')?.textContent ?? '',
		files: [...el.querySelectorAll('[data-test=attachment]')].length,
	})));
}

const count = (list, body) => list.filter((m) => m.body === body).length;

for (const backend of PG ? ['sqlite', 'postgres'] : ['sqlite'])
	describe(`a chat from the shop's page to the ticket (${backend})`, () => {
		let desk, srv, anna, bohdan;

		before(async () => {
			desk = await openDesk({ agents: ['anna', 'bohdan'], postgres: backend === 'postgres' });
			srv = desk.srv;
			({ anna, bohdan } = srv.users);
			await chatSettings(srv, {
				title: { en: 'Kvitka coffee', uk: 'Кава «Квітка»', ru: 'Кофе «Квитка»', lt: 'Kava „Kvitka“' },
				prechat: { name: 'required', email: 'optional', topic: 'off' },
			});
		});
		after(async () => { await desk?.close(); });

		/**
		 * The whole chat. visitorSrv serves the widget; agents is the Desk
		 * whose server the agents' consoles speak to (the same, or node 2).
		 */
		async function scenario(visitorSrv, agents, tag) {
			// Anna takes chats; Bohdan is offline until he says otherwise
			await online(srv, anna);
			await online(srv, bohdan, 'offline');
			const name = `Марта ${tag}`;
			const first = `Добрий день! Кавомолка ${tag} не вмикається ☕`;
			const a = await consoleOf(agents, anna);
			const b = await consoleOf(agents, bohdan);
			const v = await desk.tab({ locale: 'uk-UA', allow: OFFLINE_NOISE });
			try {
				// the visitor, on the shop's page, in the page's language
				await v.goto(host.url(visitorSrv.base, { lang: 'uk' }));
				const f = await openWidget(v.page, 'prechat');
				assert.equal(await f.locator('h1').textContent(), 'Кава «Квітка»');
				await f.locator('[data-test=name]').fill(name);
				await f.locator('[data-test=email]').fill(`marta-${tag}@example.test`);
				await f.locator('[data-test=first-message]').fill(first);
				await f.locator('[data-test=start]').click();
				await f.locator('[data-test=composer-input]').waitFor();
				await until(() => shown(f), (m) => m.length === 1 && m[0].receipt === 'sent');

				// offered to Anna, who accepts from the notice
				const offer = a.page.locator('[data-test=chat-offer]').filter({
					has: a.page.locator('[data-test=chat-offer-who]', { hasText: name }) });
				await offer.waitFor();
				const chat = { id: Number(await offer.getAttribute('data-chat')) };
				await offer.locator('[data-test=chat-offer-accept]').click();
				await offer.waitFor({ state: 'detached' });
				const pa = pane(a.page, chat);
				await pa.locator('[data-test=chat-msg-body]', { hasText: first }).waitFor();
				await f.locator('[data-test=chat-sub]', { hasText: 'Agent anna' }).waitFor();

				// she answers; the visitor answers back
				const hello = 'Вітаю, Марто! Зараз перевірю.';
				await pa.locator('[data-test=chat-input]').fill(hello);
				await pa.locator('[data-test=chat-input]').press('Enter');
				await until(() => shown(f), (m) => m.at(-1)?.body === hello && m.at(-1).author === 'agent');
				const model = 'Модель KM-200, куплена в березні.';
				await f.locator('[data-test=composer-input]').fill(model);
				await f.locator('[data-test=composer-input]').press('Enter');
				await pa.locator('[data-test=chat-msg-body]', { hasText: model }).waitFor();

				// a picture and a file from the console's composer: the visitor
				// sees the picture and can open the file, both from the desk
				const files = 'Ось схема і інструкція.';
				await pa.locator('[data-test=chat-files]').setInputFiles([
					{ name: 'схема.png', mimeType: 'image/png', buffer: PNG },
					{ name: 'інструкція.txt', mimeType: 'text/plain', buffer: Buffer.from('Крок 1: вимкніть з мережі.') },
				]);
				assert.deepEqual(await pa.locator('[data-test=chat-file]').evaluateAll((els) =>
					els.map((el) => el.firstChild.textContent.trim())), ['схема.png', 'інструкція.txt']);
				await pa.locator('[data-test=chat-input]').fill(files);
				await pa.locator('[data-test=chat-send]').click();
				await until(() => pa.locator('a[data-test=chat-attachment]').allTextContents(),
					(n) => n.join() === 'схема.png,інструкція.txt');
				assert.equal(await pa.locator('[data-test=chat-file]').count(), 0, 'the composer is empty again');
				await until(() => shown(f), (m) => m.at(-1)?.body === files);
				const img = f.locator('[data-test=image-preview]');
				await until(() => img.evaluate((el) => el.complete && el.naturalWidth), (w) => w === 2);
				assert.equal(new URL(await img.getAttribute('src')).origin, visitorSrv.base);
				const link = f.locator('[data-test=file-name]', { hasText: 'інструкція.txt' });
				const got = await v.context.request.get(await link.getAttribute('href'));
				assert.equal(got.status(), 200);
				assert.equal(await got.text(), 'Крок 1: вимкніть з мережі.');

				// the network cut mid-chat: the visitor's two messages wait, Anna's
				// meanwhile waits for them; back online, each side has each once
				await v.context.setOffline(true);
				const cut = ['Перше без мережі', 'Друге без мережі 🚲'];
				for (const text of cut) {
					await f.locator('[data-test=composer-input]').fill(text);
					await f.locator('[data-test=composer-input]').press('Enter');
				}
				await f.locator('[data-test=notice][data-notice=offline]').waitFor();
				await until(() => shown(f), (m) => m.filter((x) => x.receipt === 'sending').length === 2);
				const there = 'Ви ще тут?';
				await pa.locator('[data-test=chat-input]').fill(there);
				await pa.locator('[data-test=chat-input]').press('Enter');
				await until(() => columnShows(pa), (m) => m.at(-1)?.body === there && !m.at(-1).pending);
				await v.context.setOffline(false);
				await until(() => shown(f), (m) => cut.every((x) => count(m, x) === 1) && count(m, there) === 1 &&
					m.every((x) => x.receipt !== 'sending'), LONG);
				await f.locator('[data-test=notice]').waitFor({ state: 'detached' });
				const inA = await until(() => columnShows(pa), (m) => cut.every((x) => count(m, x) >= 1), LONG);
				assert.deepEqual(inA.map((m) => m.body).slice(-3), [there, ...cut]);
				for (const x of [first, hello, model, files, there, ...cut])
					assert.equal(count(inA, x), 1, `"${x}" on Anna's screen ${count(inA, x)} times`);

				// Bohdan goes online from his status switch; Anna transfers the chat to him with a note
				const went = b.page.waitForResponse((r) => r.url().endsWith('/api/v2/agent_availabilities/me') &&
					r.request().method() === 'PUT');
				await b.page.selectOption('[data-test=status-switch]', 'online');
				assert.equal((await went).status(), 200);
				const note = `Клієнтці ${tag} потрібна заміна KM-200`;
				await pa.locator('[data-test=chat-transfer]').click();
				await a.page.selectOption('[data-test=chat-transfer-to]', `a:${bohdan.id}`);
				await a.page.fill('[data-test=chat-transfer-note]', note);
				await a.page.click('[data-test=chat-transfer-go]');
				await pa.waitFor({ state: 'detached' });
				const pb = pane(b.page, chat);
				await pb.locator('[data-test=chat-msg-body]', { hasText: cut[1] }).waitFor();
				await f.locator('[data-test=chat-sub]', { hasText: 'Agent bohdan' }).waitFor();

				// he answers and ends it, solving the ticket (the default)
				const answer = 'Надішлемо нову кавомолку завтра.';
				await pb.locator('[data-test=chat-input]').fill(answer);
				await pb.locator('[data-test=chat-input]').press('Enter');
				await until(() => shown(f), (m) => m.at(-1)?.body === answer);
				await pb.locator('[data-test=chat-end]').click();
				assert.equal(await b.page.isChecked('[data-test=chat-end-solve]'), true);
				await b.page.click('[data-test=chat-end-go]');
				await pb.locator('[data-test=chat-follow-up]').waitFor();
				const inB = await columnShows(pb);
				for (const x of [first, hello, model, files, there, ...cut, answer])
					assert.equal(count(inB, x), 1, `"${x}" on Bohdan's screen ${count(inB, x)} times`);

				// the visitor sees the end and rates the chat
				await f.locator('[data-test=ended]').waitFor();
				assert.equal(await f.locator('[data-test=composer]').count(), 0);
				await f.locator('[data-test=rate-good]').check();
				await f.locator('[data-test=rate-comment]').fill('Дякую, швидко 👍');
				await f.locator('[data-test=rate-send]').click();
				await f.locator('[data-test=rating-thanks]').waitFor();
				const onScreen = (await shown(f)).filter((m) => m.author !== 'system').map((m) => m.body);
				assert.deepEqual(onScreen, [first, hello, model, files, there, ...cut, answer]);

				// the ticket page: the transcript is the conversation, every
				// message in order and once, the files with their message, the
				// transfer note private
				await pb.locator('[data-test=chat-open-ticket]').click();
				await b.page.waitForSelector('[data-test=comment]');
				const comments = await until(() => ticketShows(b.page), (c) => c.some((x) => x.body === answer));
				assert.deepEqual(comments.filter((c) => c.public).map((c) => c.body), onScreen);
				assert.equal(comments.find((c) => c.body === files).files, 2);
				assert.deepEqual(comments.filter((c) => !c.public).map((c) => c.body), [note]);
				const ticket = await until(async () => (await srv.api('GET', `/api/v2/chats/${chat.id}`)).json.chat, Boolean);
				const t = (await srv.api('GET', `/api/v2/tickets/${ticket.ticket_id}`)).json.ticket;
				assert.equal(t.status, 'solved');
				assert.deepEqual([t.satisfaction_rating?.score, t.satisfaction_rating?.comment], ['good', 'Дякую, швидко 👍']);
				await closeClean(v, a, b);
			} finally {
				await v.close();
				await a.close();
				await b.close();
			}
		}

		it('the visitor chats, Anna answers with files through a network cut, transfers to Bohdan, who ends it; rated; the transcript on the ticket', async () => {
			await scenario(srv, desk, backend);
		});

		it('the same with the widget on node 1 and the agents on node 2', { skip: backend !== 'postgres' && 'several nodes share a PostgreSQL database' }, async () => {
			const node2 = await startServer({ joining: srv });
			try {
				await scenario(srv, new Desk(node2, desk.browser), `${backend}-2`);
			} finally {
				await node2.stop();
				await node2.cleanup();
			}
		});

		it('with nobody online the widget is a message form, and the message a ticket the agent finds', async () => {
			await online(srv, anna, 'offline');
			await online(srv, bohdan, 'offline');
			const v = await desk.tab({ locale: 'en-US' });
			let id;
			try {
				await v.goto(host.url(srv.base, { lang: 'en' }));
				const f = await openWidget(v.page, 'offline');
				await f.locator('[data-test=name]').fill('Jonas Petraitis');
				await f.locator('[data-test=email]').fill('jonas@example.test');
				await f.locator('[data-test=offline-message]').fill('Do you ship grinders to Vilnius? 🙂');
				await f.locator('[data-test=offline-send]').click();
				const sent = f.locator('[data-test=offline-sent]');
				await sent.waitFor();
				id = Number(/(\d+)/.exec(await sent.textContent())[1]);
				await closeClean(v);
			} finally {
				await v.close();
			}
			const a = await desk.tab({ locale: 'en-US' });
			try {
				await a.page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
				await a.signIn(anna);
				await a.goto('/agent/queues/all-open');
				const row = a.page.locator(`[data-test=ticket-row][data-id="${id}"]`);
				await row.waitFor();
				assert.match(await row.locator('.requester').textContent(), /Jonas Petraitis/);
				await row.locator('a.subject').click();
				await a.page.locator('[data-test=comment] .body', { hasText: 'Do you ship grinders to Vilnius? 🙂' }).waitFor();
				await closeClean(a);
			} finally {
				await a.close();
			}
		});
	});
