// The chat widget in a real browser, embedded as a company embeds it: a
// host page on another origin (a second loopback port, named "localhost"
// so that it is another site too, as a shop's is) with a strict CSP that
// allows only the desk's origin (script-src, frame-src; connect-src 'none'
// for itself), and the one script tag of docs/chat-embed.html.
//
// A visitor opens the widget, fills the pre-chat form, chats; an agent
// answers through the API (the console has tests of its own); typing and
// read receipts show both ways, and the launcher counts what came while
// the chat was closed; a picture is sent; the page reloads and the history
// is there; the network is cut mid-chat, two messages typed, the network
// back: the agent has each exactly once, in order; the chat ends with a
// rating on the ticket. The rating is offered only when the chat can be
// rated: the visitor's end of an answered chat, yes; a chat nobody
// answered or one the agent kept open, no (the widget says why). A flood
// is slowed down (429), not lost. Script in
// a name, message or file name shows as text. With nobody online, the
// widget is a message form that makes a ticket; with chat turned off there
// is no launcher. The widget's JavaScript stays under 25 KB gzipped, and
// nothing is fetched from a third party.
//
// On SQLite; with FRONTLINE_TEST_PG also on PostgreSQL, where the visitor
// on one node chats with an agent on another (two servers, one database).
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe } from 'node:test';

import { chatSettings, online } from '../api/lib/chat.mjs';
import { PG } from '../api/lib/server.mjs';
import { it, openDesk, startServer } from './lib/browser.mjs';
import { OFFLINE_NOISE, PNG, agentSees, launcher, openWidget, shown, startHost, until } from './lib/chat.mjs';

// Runs if it ever runs: sets window.__xss in whatever frame it lands.
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
const BUDGET = 25 * 1024;

/** Neither the host page nor the chat frame ran a payload. */
async function assertNoScript(page) {
	for (const frame of page.frames())
		assert.equal(await frame.evaluate(() => window.__xss), undefined, `script ran in ${frame.url()}`);
}

let host;
before(async () => { host = await startHost(); });
after(async () => { await host?.close(); });

for (const backend of PG ? ['sqlite', 'postgres'] : ['sqlite'])
	describe(`the chat widget (${backend})`, () => {
		let desk, srv, rasa;

		before(async () => {
			desk = await openDesk({ agents: ['rasa'], postgres: backend === 'postgres' });
			srv = desk.srv;
			({ rasa } = srv.users);
			await chatSettings(srv, {
				color: '#0f766e',
				title: { en: 'Talk to the shop', uk: 'Напишіть крамниці', ru: 'Напишите магазину', lt: 'Parašykite parduotuvei' },
				greeting: { en: 'Hello! Ask us anything.', uk: 'Вітаємо! Питайте що завгодно.', ru: 'Здравствуйте!', lt: 'Sveiki!' },
				prechat: { name: 'required', email: 'optional', topic: 'optional' },
				topics: [{ key: 'orders', label: { en: 'Orders', uk: 'Замовлення', ru: 'Заказы', lt: 'Užsakymai' } }],
			});
			await online(srv, rasa);
		});
		after(async () => { await desk?.close(); });

		it('a visitor chats from another site under a strict CSP: pre-chat, typing, receipts, a picture, reload, a network cut, the rating', async () => {
			await desk.withTab({ locale: 'en-US', allow: OFFLINE_NOISE }, async (tab) => {
				const { page, context } = tab;
				await tab.goto(host.url(srv.base, { lang: 'uk' }));
				// the host page's language (no data-locale), not the browser's
				assert.equal(await launcher(page).getAttribute('aria-label'), 'Напишіть нам');
				const f = await openWidget(page, 'prechat');
				assert.equal(await f.locator('h1').textContent(), 'Напишіть крамниці');
				assert.equal(await f.locator('[data-test=greeting]').textContent(), 'Вітаємо! Питайте що завгодно.');
				// the launcher took the settings' colour; the focus is in the form
				await until(() => launcher(page).evaluate((b) => getComputedStyle(b).backgroundColor), (c) => c === 'rgb(15, 118, 110)');
				await until(() => f.locator('#f-name').evaluate((el) => el === document.activeElement), Boolean);

				// Escape closes and gives the focus back to the launcher
				await page.keyboard.press('Escape');
				await until(() => page.locator('[data-frontline-chat] iframe').isHidden(), Boolean);
				assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
				assert.equal(await page.evaluate(() => document.activeElement?.matches('[data-frontline-chat]')), true);
				await openWidget(page, 'prechat');

				// the required name is asked for in the visitor's language
				await f.locator('[data-test=first-message]').fill('Привіт 👋');
				await f.locator('[data-test=start]').click();
				assert.equal(await f.locator('[data-test=f-name-err]').textContent(), 'Вкажіть ваше ім’я.');
				await f.locator('[data-test=name]').fill(`Оксана ${XSS}`);
				await f.locator('[data-test=email]').fill('oksana@example.test');
				await f.locator('[data-test=topic]').selectOption('orders');
				await f.locator('[data-test=first-message]').fill(`Привіт 👋 ${XSS}`);
				await f.locator('[data-test=start]').click();
				await f.locator('[data-test=composer-input]').waitFor();
				await until(() => shown(f), (m) => m.length === 1 && m[0].receipt === 'sent');
				assert.equal((await shown(f))[0].body, `Привіт 👋 ${XSS}`);

				// the agent takes it and sees the visitor's words as sent
				const queued = await srv.api('GET', '/api/v2/chats?state=queued', null, { auth: rasa });
				const chat = queued.json.chats.find((c) => c.email === 'oksana@example.test');
				assert.ok(chat, queued.text);
				assert.equal(chat.name, `Оксана ${XSS}`);
				assert.equal(chat.topic, 'orders');
				const events = await srv.events(rasa);
				const accepted = await srv.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: rasa });
				assert.equal(accepted.status, 200, accepted.text);
				await f.locator('[data-test=chat-sub]').filter({ hasText: 'Agent rasa' }).waitFor();

				// typing, both ways
				const typing = await srv.api('POST', `/api/v2/chats/${chat.id}/typing`, { typing: true }, { auth: rasa });
				assert.equal(typing.status, 204, typing.text);
				await f.locator('[data-test=agent-typing]').waitFor();
				await f.locator('[data-test=composer-input]').pressSequentially('Де моє');
				await events.waitFor((e) => e.event === 'chat.typing' && e.data.chat_id === chat.id &&
					e.data.author === 'visitor' && e.data.typing === true);

				// the agent's answer, script and all, shows as text; the visitor's
				// frame is open, so it is read at once
				const answer = await srv.api('POST', `/api/v2/chats/${chat.id}/messages`,
					{ client_id: 'agent-1', body: `Добрий день! ${XSS} 😊` }, { auth: rasa });
				assert.equal(answer.status, 201, answer.text);
				await until(() => shown(f), (m) => m.length === 2);
				assert.deepEqual((await shown(f))[1], { author: 'agent', body: `Добрий день! ${XSS} 😊`, receipt: '' });
				assert.equal(await f.locator('[data-test=agent-typing]').count(), 0, 'an answer ends the typing');
				await until(async () => (await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: rasa })).json.chat,
					(c) => c.visitor_read_seq >= answer.json.message.seq);

				// the visitor's message: ✓ when committed, ✓✓ when the agent read it
				await f.locator('[data-test=composer-input]').fill('Де моє замовлення 4411?');
				await f.locator('[data-test=composer-input]').press('Enter');
				await until(() => shown(f), (m) => m.length === 3 && m[2].receipt === 'sent');
				assert.equal(await f.locator('[data-test=receipt]').last().textContent(), '✓');
				const seq = (await agentSees(srv, rasa, chat.id)).at(-1).seq;
				const read = await srv.api('POST', `/api/v2/chats/${chat.id}/read`, { seq }, { auth: rasa });
				assert.equal(read.status, 204, read.text);
				await until(() => shown(f), (m) => m[2].receipt === 'read');
				assert.equal(await f.locator('[data-test=receipt]').last().textContent(), '✓✓');

				// a picture with script in its name: previewed from our attachment URL, named as text
				const fileName = `<img src=x onerror="window.__xss=3">.png`;
				await f.locator('[data-test=file-input]').setInputFiles({ name: fileName, mimeType: 'image/png', buffer: PNG });
				await until(() => shown(f), (m) => m.length === 4 && m[3].receipt === 'sent');
				const img = f.locator('[data-test=image-preview]');
				await until(() => img.evaluate((el) => el.complete && el.naturalWidth), (w) => w === 2);
				assert.match(await img.getAttribute('src'), new RegExp(`^${srv.base}/chat/api/chats/${chat.id}/attachments/\\d+\\?`));
				// the desk keeps a safe form of the name; the widget shows that, as text
				const withFile = (await agentSees(srv, rasa, chat.id)).at(-1);
				assert.match(withFile.attachments[0].name, /img src=x onerror=.*\.png$/);
				assert.equal(await f.locator('[data-test=file-name]').textContent(), withFile.attachments[0].name);

				// a reload: the same visitor, the same conversation
				const before = await shown(f);
				await page.reload();
				await openWidget(page, 'chat');
				await until(() => shown(f), (m) => m.length === before.length);
				assert.deepEqual((await shown(f)).map((m) => m.body), before.map((m) => m.body));

				// the network cut mid-chat: two messages wait in the outbox, then go, once each, in order
				await context.setOffline(true);
				for (const text of ['Перше без мережі', 'Друге без мережі 🚲']) {
					await f.locator('[data-test=composer-input]').fill(text);
					await f.locator('[data-test=composer-input]').press('Enter');
				}
				await until(() => shown(f), (m) => m.filter((x) => x.receipt === 'sending').length === 2);
				await f.locator('[data-test=notice][data-notice=offline]').waitFor();
				await page.waitForTimeout(1500); // a retry or two fails meanwhile
				await context.setOffline(false);
				await until(() => shown(f), (m) => m.length === before.length + 2 && m.every((x) => x.receipt !== 'sending'), 20_000);
				const bodies = (await agentSees(srv, rasa, chat.id)).map((m) => m.body);
				assert.deepEqual(bodies.slice(-2), ['Перше без мережі', 'Друге без мережі 🚲']);
				assert.equal(bodies.filter((b) => b === 'Перше без мережі').length, 1);
				assert.equal(bodies.filter((b) => b === 'Друге без мережі 🚲').length, 1);
				// and the agent still reaches the visitor after the cut; with the
				// chat closed, the launcher counts it, and it is read only when opened
				await page.keyboard.press('Escape');
				await until(() => page.locator('[data-frontline-chat] iframe').isHidden(), Boolean);
				const later = await srv.api('POST', `/api/v2/chats/${chat.id}/messages`,
					{ client_id: 'agent-2', body: 'Знайшли: доставимо завтра.' }, { auth: rasa });
				assert.equal(later.status, 201, later.text);
				const badge = page.locator('[data-frontline-chat] .n');
				await until(() => badge.isVisible(), Boolean);
				assert.equal(await badge.textContent(), '1');
				const unseen = (await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: rasa })).json.chat;
				assert.ok(unseen.visitor_read_seq < later.json.message.seq, 'read while the chat was closed');
				await openWidget(page, 'chat');
				assert.equal(await badge.isHidden(), true);
				await until(() => shown(f), (m) => m.at(-1).body === 'Знайшли: доставимо завтра.');
				await until(async () => (await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: rasa })).json.chat,
					(c) => c.visitor_read_seq >= later.json.message.seq);

				// the transcript by e-mail; the agent ends the chat, solving its
				// ticket, and the visitor rates it
				await f.locator('[data-test=transcript]').click();
				await f.locator('[data-test=transcript-sent]').waitFor();
				const end = await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: true }, { auth: rasa });
				assert.equal(end.status, 200, end.text);
				await f.locator('[data-test=rating]').waitFor();
				assert.equal(await f.locator('[data-test=composer]').count(), 0);
				await f.locator('[data-test=rate-send]').click();
				assert.equal(await f.locator('[data-test=rating-error]').textContent(), 'Оберіть «Добре» або «Погано».');
				await f.locator('[data-test=rate-good]').check();
				await f.locator('[data-test=rate-comment]').fill('Дуже швидко 👍');
				await f.locator('[data-test=rate-send]').click();
				await f.locator('[data-test=rating-thanks]').waitFor();
				await assertNoScript(page);
				events.close();

				// the chat is its ticket: the conversation is there, the rating too
				const ended = (await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: rasa })).json.chat;
				assert.equal(ended.state, 'ended');
				const comments = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}/comments`, null, { auth: rasa });
				const texts = comments.json.comments.map((c) => c.body).join('\n');
				for (const b of ['Де моє замовлення 4411?', 'Перше без мережі', 'Друге без мережі 🚲', 'Знайшли: доставимо завтра.'])
					assert.ok(texts.includes(b), `${b} is not on the ticket:\n${texts}`);
				const ticket = (await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}`, null, { auth: rasa })).json.ticket;
				assert.equal(ticket.via?.channel ?? ticket.channel, 'chat');
				assert.deepEqual([ticket.satisfaction_rating?.score, ticket.satisfaction_rating?.comment], ['good', 'Дуже швидко 👍']);
			});
		});

		it('a flood is slowed down, not lost: every message arrives once, in order', async () => {
			await desk.withTab({ locale: 'en-US', allow: [/status of 429/] }, async (tab) => {
				const { page, context } = tab;
				const refused = [];
				context.on('response', (r) => r.status() === 429 && refused.push(r.url()));
				await tab.goto(host.url(srv.base, { lang: 'en' }));
				const f = await openWidget(page, 'prechat');
				await f.locator('[data-test=name]').fill('Petras');
				await f.locator('[data-test=first-message]').fill('flood 0');
				await f.locator('[data-test=start]').click();
				const input = f.locator('[data-test=composer-input]');
				await input.waitFor();
				const sent = Array.from({ length: 14 }, (_, i) => `flood ${i + 1}`);
				for (const text of sent) {
					await input.fill(text);
					await input.press('Enter');
				}
				await until(() => shown(f), (m) => m.length === 15 && m.every((x) => x.receipt === 'sent'), 30_000);
				assert.ok(refused.length > 0, 'the server never said "slow down"');
				const chatId = Number(/chats\/(\d+)\//.exec(refused[0])[1]);
				const bodies = (await agentSees(srv, rasa, chatId)).map((m) => m.body);
				assert.deepEqual(bodies, ['flood 0', ...sent]);
				// nobody answered: no rating, and the widget says so
				await f.locator('[data-test=end]').click();
				await f.locator('[data-test=missed]').waitFor();
				assert.equal(await f.locator('[data-test=missed]').textContent(),
					'Sorry, nobody could answer in time. We have your message.');
				assert.equal(await f.locator('[data-test=rating]').count(), 0);
			});
		});

		it('a chat the agent ends keeping its ticket open is not rated now: the widget says when it will be', async () => {
			await desk.withTab({ locale: 'en-US' }, async (tab) => {
				const { page } = tab;
				await tab.goto(host.url(srv.base, { lang: 'lt' }));
				const f = await openWidget(page, 'prechat');
				await f.locator('[data-test=name]').fill('Rūta');
				await f.locator('[data-test=email]').fill('ruta@example.test');
				await f.locator('[data-test=first-message]').fill('Ar galiu grąžinti malūnėlį?');
				await f.locator('[data-test=start]').click();
				await f.locator('[data-test=composer-input]').waitFor();
				const queued = await until(() => srv.api('GET', '/api/v2/chats?state=queued', null, { auth: rasa }),
					(r) => r.json?.chats?.some((c) => c.email === 'ruta@example.test'));
				const chat = queued.json.chats.find((c) => c.email === 'ruta@example.test');
				assert.equal((await srv.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: rasa })).status, 200);
				const answer = await srv.api('POST', `/api/v2/chats/${chat.id}/messages`,
					{ client_id: 'open-1', body: 'Taip, atsakysime el. paštu.' }, { auth: rasa });
				assert.equal(answer.status, 201, answer.text);
				await until(() => shown(f), (m) => m.at(-1)?.body === 'Taip, atsakysime el. paštu.');
				const end = await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: false }, { auth: rasa });
				assert.equal(end.status, 200, end.text);
				await f.locator('[data-test=rating-later]').waitFor();
				assert.equal(await f.locator('[data-test=rating-later]').textContent(),
					'Jūsų užklausa dar atvira; įvertinimo paprašysime, kai ji bus išspręsta.');
				assert.equal(await f.locator('[data-test=rating]').count(), 0);
			});
		});

		it('speaks data-locale, else the page\'s language, else the browser\'s', async () => {
			const cases = [[{ lang: 'en', locale: 'lt' }, 'en-US', 'Parašykite mums', 'Parašykite parduotuvei'],
				[{ lang: 'ru' }, 'en-US', 'Напишите нам', 'Напишите магазину'],
				[{ lang: 'de' }, 'uk-UA', 'Напишіть нам', 'Напишіть крамниці'],
				[{ lang: 'de' }, 'de-DE', 'Chat with us', 'Talk to the shop']];
			for (const [q, locale, label, title] of cases)
				await desk.withTab({ locale }, async (tab) => {
					await tab.goto(host.url(srv.base, q));
					await launcher(tab.page).waitFor();
					assert.equal(await launcher(tab.page).getAttribute('aria-label'), label, JSON.stringify(q));
					const f = await openWidget(tab.page, 'prechat');
					assert.equal(await f.locator('h1').textContent(), title);
				});
		});

		it('with nobody online, the widget is a message form that makes a ticket; with chat off, there is no widget', async () => {
			await online(srv, rasa, 'away');
			try {
				await desk.withTab({ locale: 'en-US' }, async (tab) => {
					const { page } = tab;
					await tab.goto(host.url(srv.base, { lang: 'en', locale: 'lt' }));
					const f = await openWidget(page, 'offline');
					assert.equal(await f.locator('[data-test=offline-note]').textContent(),
						'Šiuo metu nesame prisijungę. Palikite žinutę ir atsakysime el. paštu.');
					await f.locator('[data-test=name]').fill(`Lina ${XSS}`);
					await f.locator('[data-test=offline-message]').fill('Kada atsidarote? 🙂');
					await f.locator('[data-test=offline-send]').click();
					// the e-mail is required here: the answer goes there
					assert.equal(await f.locator('[data-test=f-email-err]').textContent(), 'Įveskite el. pašto adresą.');
					await f.locator('[data-test=email]').fill('lina@example.test');
					await f.locator('[data-test=offline-send]').click();
					await f.locator('[data-test=offline-sent]').waitFor();
					const id = Number(/(\d+)/.exec(await f.locator('[data-test=offline-sent]').textContent())[1]);
					const t = await srv.api('GET', `/api/v2/tickets/${id}`);
					assert.equal(t.status, 200, t.text);
					const comments = await srv.api('GET', `/api/v2/tickets/${id}/comments`);
					assert.equal(comments.json.comments[0].body, 'Kada atsidarote? 🙂');
					await assertNoScript(page);
				});
				await chatSettings(srv, { enabled: false });
				await desk.withTab({ locale: 'en-US' }, async (tab) => {
					await tab.goto(host.url(srv.base, { lang: 'en' }));
					await tab.page.frameLocator('[data-frontline-chat] iframe').locator('[data-test=chat-window][data-view=off]').waitFor({ state: 'attached' });
					assert.equal(await launcher(tab.page).isHidden(), true);
				});
			} finally {
				await chatSettings(srv, { enabled: true });
				await online(srv, rasa);
			}
		});

		it('out of business hours: the message form says when chat opens, and takes over a pre-chat form the closing caught', async () => {
			// a one-hour interval twelve hours from now (UTC): closed now
			const now = new Date();
			const start = (now.getUTCDay() * 1440 + now.getUTCHours() * 60 + now.getUTCMinutes() + 720) % 10020;
			const s = await srv.api('POST', '/api/v2/business_hours/schedules', { schedule: {
				name: 'Chat hours', time_zone: 'UTC', intervals: [{ start_time: start, end_time: start + 60 }] } });
			assert.equal(s.status, 201, s.text);
			try {
				await desk.withTab({ locale: 'ru-RU', allow: [/status of 409 .*\/chat\/api\/chats/] }, async (tab) => {
					const { page } = tab;
					await tab.goto(host.url(srv.base, { lang: 'ru' }));
					const f = await openWidget(page, 'prechat');
					await f.locator('[data-test=name]').fill('Игорь');
					await f.locator('[data-test=first-message]').fill('Кофемолка не мелет');
					// the schedule closes while he types
					await chatSettings(srv, { schedule_id: s.json.schedule.id });
					await f.locator('[data-test=start]').click();
					await f.locator('[data-test=chat-window][data-view=offline]').waitFor();
					assert.equal(await f.locator('[data-test=name]').inputValue(), 'Игорь');
					assert.equal(await f.locator('[data-test=offline-message]').inputValue(), 'Кофемолка не мелет');
					await f.locator('[data-test=email]').fill('igor@example.test');
					await f.locator('[data-test=offline-send]').click();
					await f.locator('[data-test=offline-sent]').waitFor();
					assert.match(await f.locator('[data-test=offline-sent]').textContent(), /Спасибо, мы получили ваше сообщение\.Номер вашего обращения — \d+\./);
				});
				// a later visit finds it closed from the start, and when it opens
				await desk.withTab({ locale: 'en-US' }, async (tab) => {
					await tab.goto(host.url(srv.base, { lang: 'en' }));
					const f = await openWidget(tab.page, 'offline');
					assert.match(await f.locator('[data-test=next-open]').textContent(), /^We are back .+\.$/);
				});
			} finally {
				await chatSettings(srv, { schedule_id: 0 });
			}
		});

		it('the widget\'s JavaScript is under 25 KB gzipped, and the page fetches nothing from a third party', async () => {
			const sizes = {};
			await desk.withTab({ locale: 'en-US' }, async (tab) => {
				// the chat frame is another site's, out of the page's process:
				// Playwright's own request events see every frame
				const seen = [];
				tab.context.on('requestfinished', (r) => seen.push(r.url()));
				tab.context.on('requestfailed', (r) => seen.push(r.url()));
				await tab.goto(host.url(srv.base, { lang: 'en' }));
				await openWidget(tab.page, 'prechat');
				await tab.page.waitForTimeout(500);
				const hostOrigin = new URL(tab.page.url()).origin;
				const foreign = seen.filter((u) => !/^(data|blob):/.test(u) && ![hostOrigin, srv.base].includes(new URL(u).origin));
				assert.deepEqual(foreign, []);
				const scripts = [...new Set(seen.filter((u) => u.startsWith(srv.base) && /\.js(\?|$)/.test(u))
					.map((u) => new URL(u).pathname))].sort();
				assert.deepEqual(scripts, ['/assets/chat.js', '/chat/widget.js']);
				for (const p of scripts) {
					// as served to a browser that takes gzip
					const got = await new Promise((resolve, reject) => {
						http.get(srv.base + p, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
							const chunks = [];
							res.on('data', (d) => chunks.push(d));
							res.on('end', () => resolve({ res, data: Buffer.concat(chunks) }));
						}).on('error', reject);
					});
					assert.equal(got.res.headers['content-encoding'], 'gzip', p);
					zlib.gunzipSync(got.data);
					sizes[p] = got.data.length;
				}
			});
			const total = Object.values(sizes).reduce((a, b) => a + b, 0);
			assert.ok(total <= BUDGET, `the widget's JavaScript is ${total} bytes gzipped (${JSON.stringify(sizes)}), over ${BUDGET}`);
		});

		it('the visitor on node 1, the agent on node 2 (one PostgreSQL database)', { skip: backend !== 'postgres' && 'several nodes share a PostgreSQL database' }, async () => {
			const node2 = await startServer({ joining: srv });
			try {
				await desk.withTab({ locale: 'en-US' }, async (tab) => {
					const { page } = tab;
					await tab.goto(host.url(srv.base, { lang: 'en' }));
					const f = await openWidget(page, 'prechat');
					await f.locator('[data-test=name]').fill('Jonas');
					await f.locator('[data-test=email]').fill('jonas@example.test');
					await f.locator('[data-test=first-message]').fill('Hello from node one');
					await f.locator('[data-test=start]').click();
					await f.locator('[data-test=composer-input]').waitFor();
					const queued = await until(() => node2.api('GET', '/api/v2/chats?state=queued', null, { auth: rasa }),
						(r) => r.json?.chats?.some((c) => c.email === 'jonas@example.test'));
					const chat = queued.json.chats.find((c) => c.email === 'jonas@example.test');
					const events = await node2.events(rasa);
					assert.equal((await node2.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: rasa })).status, 200);
					// node 2's answer reaches the visitor's stream on node 1
					const answer = await node2.api('POST', `/api/v2/chats/${chat.id}/messages`,
						{ client_id: 'node2-1', body: 'Hello from node two' }, { auth: rasa });
					assert.equal(answer.status, 201, answer.text);
					await until(() => shown(f), (m) => m.at(-1)?.body === 'Hello from node two');
					// node 1's message reaches the agent's stream on node 2
					await f.locator('[data-test=composer-input]').fill('Thanks, node two');
					await f.locator('[data-test=composer-input]').press('Enter');
					await events.waitFor((e) => e.event === 'chat.message' && e.data.chat_id === chat.id && e.data.author === 'visitor');
					assert.equal((await agentSees(node2, rasa, chat.id)).at(-1).body, 'Thanks, node two');
					// and node 2's read receipt shows on node 1
					const seq = (await agentSees(node2, rasa, chat.id)).at(-1).seq;
					assert.equal((await node2.api('POST', `/api/v2/chats/${chat.id}/read`, { seq }, { auth: rasa })).status, 204);
					await until(() => shown(f), (m) => m.at(-1).receipt === 'read');
					events.close();
					// the visitor ends it: an answered chat, so its ticket is solved and rated
					await f.locator('[data-test=end]').click();
					await f.locator('[data-test=rate-bad]').check();
					await f.locator('[data-test=rate-send]').click();
					await f.locator('[data-test=rating-thanks]').waitFor();
					const t = (await node2.api('GET', `/api/v2/tickets/${chat.ticket_id}`, null, { auth: rasa })).json.ticket;
					assert.equal(t.status, 'solved');
					assert.equal(t.satisfaction_rating?.score, 'bad');
				});
			} finally {
				await node2.stop();
				await node2.cleanup();
			}
		});
	});
