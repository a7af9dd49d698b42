// The agents' chat console in a real browser (web/agent/chat.js, issue 17
// "Agents"): a visitor, driven through the widget's own API (/chat/api/*),
// starts a chat; agent Olena, in one browser context, is offered it and
// accepts from the notice, reads the visitor's script-laden name and
// message as text, answers, sees the visitor type and read, puts a canned
// reply in, and transfers the chat with a note to Taras, in a second
// context, who ends it; the transcript is on the ticket's page. Then an
// agent at capacity 1 is not offered a second chat; the admin saves the
// chat settings and a bad value is refused under its field; and the chat
// report shows the figures, to a viewer too. Last (after the report, whose
// counts it would change), one agent holds two chats side by side, one
// customer's tier and contract beside them, and the chat's ticket is then
// in that customer's timeline.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { PASSWORD, it, openDesk } from './lib/browser.mjs';
import { columnShows, consoleOf as consoleAt, pane, until } from './lib/chat.mjs';

let desk, srv, olena, taras, rasa;
// a page running a visitor's script would set this
const PWNED = '__chatPwned';
const NASTY_NAME = `<img src=x onerror="window.${PWNED}=1">Іван`;
const NASTY_BODY = `<script>window.${PWNED}=1</script> Доброго дня! <b>bold</b>`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
	desk = await openDesk({ agents: ['olena', 'taras', 'rasa'] });
	srv = desk.srv;
	({ olena, taras, rasa } = srv.users);
	const r = await srv.api('PUT', '/api/v2/chat/settings', { settings: { enabled: true,
		prechat: { name: 'optional', email: 'optional', topic: 'optional' },
		topics: [{ key: 'orders', label: { en: 'Orders', uk: 'Замовлення', ru: 'Заказы', lt: 'Užsakymai' } }] } });
	assert.equal(r.status, 200, r.text);
	// nobody takes chats until a test says so
	for (const a of [olena, taras, rasa])
		await status(a, 'offline');
});
after(async () => { await desk?.close(); });

async function status(agent, to) {
	const r = await srv.api('PUT', `/api/v2/agent_availabilities/${agent.id}`, { agent_availability: { status: to } });
	assert.equal(r.status, 200, r.text);
}

async function capacity(agent, n) {
	const r = await srv.api('PUT', `/api/v2/chat/agents/${agent.id}`, { capacity: n });
	assert.equal(r.status, 200, r.text);
}

// A visitor of the widget: the anonymous API with the token it was given.
async function newVisitor() {
	const r = await fetch(`${desk.base}/chat/api/visitors`, { method: 'POST',
		headers: { 'content-type': 'application/json' }, body: '{}' });
	const made = await r.text();
	assert.equal(r.status, 201, made);
	const { token } = JSON.parse(made);
	let n = 0;
	const call = async (method, path, body) => {
		const res = await fetch(`${desk.base}/chat/api${path}`, { method,
			headers: { 'x-chat-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined });
		const text = await res.text();
		return { status: res.status, json: text ? JSON.parse(text) : null, text };
	};
	return {
		token, call,
		async start(fields, body) {
			const r2 = await call('POST', '/chats', { ...fields, message: { client_id: `v-${++n}`, body } });
			assert.equal(r2.status, 201, r2.text);
			return r2.json.chat;
		},
		async say(chat, body) {
			const r2 = await call('POST', `/chats/${chat.id}/messages`, { client_id: `v-${++n}`, body });
			assert.equal(r2.status, 201, r2.text);
			return r2.json.message;
		},
		async upload(name, text) {
			const res = await fetch(`${desk.base}/chat/api/uploads?filename=${encodeURIComponent(name)}`, { method: 'POST',
				headers: { 'x-chat-token': token, 'content-type': 'text/plain' }, body: text });
			const got = await res.text();
			assert.equal(res.status, 201, got);
			return JSON.parse(got).upload.token;
		},
		async sayWith(chat, body, uploads) {
			const r2 = await call('POST', `/chats/${chat.id}/messages`, { client_id: `v-${++n}`, body, uploads });
			assert.equal(r2.status, 201, r2.text);
			return r2.json.message;
		},
		async messages(chat) {
			const r2 = await call('GET', `/chats/${chat.id}/messages?after=0`);
			assert.equal(r2.status, 200, r2.text);
			return r2.json.messages;
		},
	};
}

// An agent's console, signed in, in a browser context of its own.
const consoleOf = (agent) => consoleAt(desk, agent);

async function closeClean(...tabs) {
	await sleep(50);
	for (const tab of tabs) {
		try {
			tab.assertClean();
		} finally {
			await tab.close();
		}
	}
}

describe('the chat console', () => {
	it('offered, accepted, answered, transferred with a note, ended; the transcript on the ticket', async () => {
		await capacity(olena, 3);
		await capacity(taras, 3);
		await status(olena, 'online');
		const ask = 'Could you tell me the order number, please?';
		const macro = await srv.api('POST', '/api/v2/macros', { macro: { title: 'Chat: order number',
			actions: [{ field: 'comment_mode_is_public', value: true }],
			translations: { uk: ask, ru: ask, lt: ask, en: ask } } });
		assert.equal(macro.status, 201, macro.text);

		const a = await consoleOf(olena);
		const b = await consoleOf(taras);
		try {
			const v = await newVisitor();
			const chat = await v.start({ name: NASTY_NAME, email: 'ivan@example.test', topic: 'orders', locale: 'uk' }, NASTY_BODY);

			// the offer pops on Olena's page, visibly, with its own buttons
			const offer = a.page.locator(`[data-test=chat-offer][data-chat="${chat.id}"]`);
			await offer.waitFor();
			assert.equal(await offer.getAttribute('role'), 'alert');
			assert.equal(await offer.locator('[data-test=chat-offer-who]').textContent(), NASTY_NAME);
			assert.equal(await offer.locator('.tag').textContent(), 'Orders');
			assert.match(await a.page.title(), /A chat for you/);
			assert.equal(await b.page.locator('[data-test=chat-offer]').count(), 0, 'offered to Taras, who is offline');
			await offer.locator('[data-test=chat-offer-accept]').click();
			await offer.waitFor({ state: 'detached' });

			const pa = pane(a.page, chat);
			await pa.waitFor();
			// what the visitor typed is text: the name, the message, nothing run
			await pa.locator('[data-test=chat-title]', { hasText: 'Іван' }).waitFor();
			assert.equal(await pa.locator('[data-test=chat-title]').textContent(), NASTY_NAME);
			assert.equal(await pa.locator('[data-test=chat-topic]').textContent(), 'Orders');
			const first = pa.locator('[data-test=chat-msg][data-author=visitor] [data-test=chat-msg-body]').first();
			await first.waitFor();
			assert.equal(await first.textContent(), NASTY_BODY);
			assert.equal(await pa.locator('[data-test=chat-log] script, [data-test=chat-log] img, [data-test=chat-log] b').count(), 0);
			assert.equal(await a.page.evaluate((k) => window[k], PWNED), undefined);
			// the customer: the e-mail they typed, marked unverified
			await pa.locator('[data-test=chat-context] summary').click();
			assert.equal(await pa.locator('[data-test=chat-context-email]').textContent(), 'ivan@example.test');
			await pa.locator('[data-test=chat-unverified]').waitFor();

			// the visitor types: Olena sees it; then they read what she wrote
			assert.equal((await v.call('POST', `/chats/${chat.id}/typing`, { typing: true })).status, 204);
			await pa.locator('[data-test=chat-typing]', { hasText: 'is typing' }).waitFor();

			// Olena types (the visitor is told, at most every few seconds) and sends
			const typing = a.page.waitForRequest((q) => q.url().endsWith(`/api/v2/chats/${chat.id}/typing`) && q.method() === 'POST');
			await pa.locator('[data-test=chat-input]').fill('Вітаю! Дивлюся ваше замовлення.');
			await typing;
			await pa.locator('[data-test=chat-input]').press('Enter');
			await pa.locator('[data-test=chat-msg][data-author=agent]', { hasText: 'Дивлюся ваше замовлення' }).waitFor();
			await a.page.waitForFunction((id) => !document.querySelector(`[data-test=chat-pane][data-chat="${id}"] .chat-msg.pending`), chat.id);
			let seen = await v.messages(chat);
			assert.deepEqual(seen.map((m) => [m.author, m.body]), [['visitor', NASTY_BODY], ['agent', 'Вітаю! Дивлюся ваше замовлення.']]);
			assert.equal((await v.call('POST', `/chats/${chat.id}/read`, { seq: seen[1].seq })).status, 204);
			await pa.locator('[data-test=chat-seen]').waitFor();

			// the visitor answers: shown once, whatever the event and the fetch do
			await v.say(chat, 'Номер KV-7731');
			await pa.locator('[data-test=chat-msg-body]', { hasText: 'Номер KV-7731' }).waitFor();
			await sleep(500);
			assert.equal(await pa.locator('[data-test=chat-msg-body]', { hasText: 'Номер KV-7731' }).count(), 1);
			// a file the visitor sent: a link to it on this desk, its name as text
			const file = `<img src=x onerror="window.${PWNED}=1">order.txt`;
			const sent = await v.sayWith(chat, 'Ось квитанція', [await v.upload(file, 'KV-7731 paid')]);
			const link = pa.locator('a[data-test=chat-attachment]');
			await link.waitFor();
			assert.equal(await link.textContent(), sent.attachments[0].name);
			assert.equal(await pa.locator('[data-test=chat-log] img').count(), 0);
			assert.equal(new URL(await link.getAttribute('href')).origin, desk.base);
			const got = await a.context.request.get(await link.getAttribute('href'));
			assert.equal(await got.text(), 'KV-7731 paid');
			// Olena's read receipt reached the server
			await a.page.waitForResponse((q) => q.url().endsWith(`/api/v2/chats/${chat.id}/read`)).catch(() => {});

			// a canned reply: the macro's text goes into the composer
			await pa.locator('[data-test=chat-macros]').click();
			const search = a.page.locator('[data-test=macro-search]');
			await search.fill('order number');
			await a.page.locator('[data-test=macro-option][aria-selected=true]', { hasText: 'Chat: order number' }).waitFor();
			await search.press('Enter');
			await a.page.locator('[data-test=macro-picker]').waitFor({ state: 'detached' });
			assert.equal(await pa.locator('[data-test=chat-input]').inputValue(), ask);
			await pa.locator('[data-test=chat-input]').fill('Дякую, передаю колезі з доставки.');
			await pa.locator('[data-test=chat-send]').click();
			await pa.locator('[data-test=chat-msg-body]', { hasText: 'передаю колезі' }).waitFor();

			// transfer to Taras with a note: it leaves Olena, reaches him
			await status(taras, 'online');
			await pa.locator('[data-test=chat-transfer]').click();
			await a.page.selectOption('[data-test=chat-transfer-to]', `a:${taras.id}`);
			await a.page.fill('[data-test=chat-transfer-note]', 'Клієнт чекає на трек-номер KV-7731');
			await a.page.click('[data-test=chat-transfer-go]');
			await pa.waitFor({ state: 'detached' });
			const pb = pane(b.page, chat);
			await pb.waitFor();
			await pb.locator('[data-test=chat-msg-body]', { hasText: 'Номер KV-7731' }).waitFor();
			assert.equal(await pb.locator('[data-test=chat-msg-body]', { hasText: 'Номер KV-7731' }).count(), 1);

			// Taras answers and ends it, "solve the ticket" checked by default
			await pb.locator('[data-test=chat-input]').fill('Трек-номер: 2045 0000 7731.');
			await pb.locator('[data-test=chat-input]').press('Enter');
			await pb.locator('[data-test=chat-msg-body]', { hasText: '2045 0000 7731' }).waitFor();
			await pb.locator('[data-test=chat-end]').click();
			assert.equal(await b.page.isChecked('[data-test=chat-end-solve]'), true);
			await b.page.click('[data-test=chat-end-go]');
			await pb.locator('[data-test=chat-follow-up]').waitFor();
			assert.equal(await pb.getAttribute('data-state'), 'ended');
			const ended = (await srv.api('GET', `/api/v2/chats/${chat.id}`)).json.chat;
			assert.equal(ended.state, 'ended');
			assert.equal(ended.agent_id, taras.id);
			const ticket = (await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}`)).json.ticket;
			assert.equal(ticket.status, 'solved');

			// the transcript is the ticket's conversation; the note is private
			await pb.locator('[data-test=chat-open-ticket]').click();
			await b.page.waitForSelector('[data-test=comment]');
			const bodies = await b.page.locator('[data-test=comment]').allTextContents();
			for (const text of ['Доброго дня!', 'Дивлюся ваше замовлення', 'Номер KV-7731', '2045 0000 7731', 'Клієнт чекає на трек-номер'])
				assert.ok(bodies.some((x) => x.includes(text)), `"${text}" on the ticket page: ${bodies.join(' | ')}`);
			assert.equal(await b.page.evaluate((k) => window[k], PWNED), undefined);
			const comments = (await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}/comments`)).json.comments;
			const note = comments.find((c) => c.body.includes('Клієнт чекає на трек-номер'));
			assert.equal(note && note.public, false, 'the transfer note is a private comment');
			await closeClean(a, b);
		} finally {
			await a.close();
			await b.close();
			await status(olena, 'offline');
			await status(taras, 'offline');
		}
	});

	it('an agent at capacity 1 is not offered a second chat', async () => {
		await capacity(rasa, 1);
		await status(rasa, 'online');
		const r = await consoleOf(rasa);
		try {
			await r.ready('[data-test=chat-my-load]');
			const v1 = await newVisitor();
			const one = await v1.start({ name: 'Pirmas', topic: 'orders', locale: 'lt' }, 'Laba diena');
			const offer = r.page.locator(`[data-test=chat-offer][data-chat="${one.id}"]`);
			await offer.waitFor();
			await offer.locator('[data-test=chat-offer-accept]').click();
			await pane(r.page, one).waitFor();
			await pane(r.page, one).locator('[data-test=chat-input]').fill('Laba diena, klausau.');
			await pane(r.page, one).locator('[data-test=chat-input]').press('Enter');
			await pane(r.page, one).locator('[data-test=chat-msg][data-author=agent][data-seq="2"]').waitFor();
			await r.page.locator('[data-test=chat-my-load]', { hasText: 'My chats: 1 of 1' }).waitFor();

			const v2 = await newVisitor();
			const two = await v2.start({ name: 'Antras', locale: 'lt' }, 'Ar yra kas nors?');
			// it waits in the queue, its wait ticking, and no offer comes
			const row = r.page.locator(`[data-test=chat-queued][data-chat="${two.id}"]`);
			await row.waitFor();
			const w1 = await row.locator('[data-test=chat-wait]').textContent();
			await sleep(7000); // past the offer job's period (FL_CHAT_OFFER_PERIOD)
			assert.notEqual(await row.locator('[data-test=chat-wait]').textContent(), w1, 'the wait ticks');
			assert.equal(await r.page.locator('[data-test=chat-offer]').count(), 0, 'a second chat offered at capacity 1');
			assert.equal(await r.page.locator('[data-test=nav-chat] [data-test=chat-queue-count]').textContent(), '1');
			const still = (await srv.api('GET', `/api/v2/chats/${two.id}`)).json.chat;
			assert.equal(still.state, 'queued');
			// accepting it from the queue is refused, said in a toast
			await row.locator('[data-test=chat-accept]').click();
			await r.page.locator('.toast.error').waitFor();
			assert.equal(await pane(r.page, two).count(), 0);

			// the first ends: room again, and the second is offered
			await v1.call('POST', `/chats/${one.id}/end`);
			await pane(r.page, one).locator('[data-test=chat-follow-up]').waitFor();
			const again = r.page.locator(`[data-test=chat-offer][data-chat="${two.id}"]`);
			await again.waitFor({ timeout: 15000 });
			// declined: the notice goes, and the chat is offered to a colleague
			await status(taras, 'online');
			await again.locator('[data-test=chat-offer-decline]').click();
			await until(async () => (await srv.api('GET', `/api/v2/chats/${two.id}`)).json.chat,
				(c) => c.state === 'queued' && c.offered_to === taras.id);
			assert.equal(await again.count(), 0);
			// her own capacity, changed from the console
			await r.page.click('[data-test=chat-capacity-edit]');
			await r.page.fill('#my-capacity', '2');
			await r.page.locator('#my-capacity').press('Enter');
			await r.page.locator('[data-test=chat-my-load]', { hasText: 'My chats: 0 of 2' }).waitFor();
			assert.equal((await srv.api('GET', `/api/v2/chat/agents/${rasa.id}`)).json.agent.capacity, 2);
			r.allow.push(/status of 409/);
			await closeClean(r);
		} finally {
			await r.close();
			await status(rasa, 'offline');
			await status(taras, 'offline');
		}
	});
});

describe('Admin → Chat', () => {
	it('saves the settings, shows the snippet, and says under the field what the server refuses', async () => {
		await desk.withTab({ locale: 'en-US', allow: [/status of 422/] }, async (tab) => {
			const { page } = tab;
			await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
			await tab.signIn(srv.admin);
			await tab.goto('/agent/admin/chat');
			await tab.ready('[data-test=chat-settings]');
			assert.equal(await page.isChecked('[data-test=chat-enabled]'), true);
			await page.fill('[data-test=chat-title-en]', 'Talk to Kvitka');
			await page.fill('[data-test=chat-title-uk]', 'Напишіть нам');
			await page.selectOption('[data-test=chat-prechat-email]', 'required');
			await page.click('[data-test=chat-topic-add]');
			await page.locator('[data-test=chat-topic-key]').nth(1).fill('billing');
			await page.locator('[data-test=chat-topic-en]').nth(1).fill('Billing');
			await page.fill('[data-test=chat-offer-seconds]', '45');
			await page.fill('[data-test=chat-origins]', 'https://shop.example\nhttps://kvitka.example:8443');
			await page.click('[data-test=chat-settings-save]');
			await page.locator('.toast', { hasText: 'Chat settings saved.' }).waitFor();
			const s = (await srv.api('GET', '/api/v2/chat/settings')).json;
			const got = s.settings;
			assert.equal(got.title.en, 'Talk to Kvitka');
			assert.equal(got.title.uk, 'Напишіть нам');
			assert.equal(got.prechat.email, 'required');
			assert.deepEqual(got.topics.map((x) => x.key), ['orders', 'billing']);
			assert.equal(got.offer_seconds, 45);
			assert.deepEqual(got.allowed_origins, ['https://shop.example', 'https://kvitka.example:8443']);

			// the snippet names this desk's own address
			assert.equal(await page.inputValue('[data-test=chat-snippet]'), `<script src="${desk.base}/chat/widget.js" async></script>`);

			// a colour that is not one: refused, said under the colour
			await page.fill('[data-test=chat-color]', 'blue');
			await page.click('[data-test=chat-settings-save]');
			const problem = page.locator('#chat-color-problem');
			await problem.waitFor();
			assert.equal(await page.getAttribute('[data-test=chat-color]', 'aria-invalid'), 'true');
			assert.match(await page.getAttribute('[data-test=chat-color]', 'aria-describedby'), /chat-color-problem/);
			// the same for an offer time out of bounds
			await page.fill('[data-test=chat-color]', '#0a7d4f');
			await page.fill('[data-test=chat-offer-seconds]', '1');
			await page.click('[data-test=chat-settings-save]');
			await page.locator('#chat-offer-problem').waitFor();
			assert.equal(await problem.count(), 0);
			const kept = (await srv.api('GET', '/api/v2/chat/settings')).json;
			assert.equal(kept.settings.offer_seconds, 45, 'nothing of a refused save is kept');

			// an agent's capacity
			const row = page.locator(`[data-test=chat-capacity-row][data-agent="${olena.id}"]`);
			await row.locator('[data-test=chat-capacity]').fill('4');
			const saved = page.waitForResponse((q) => q.url().endsWith(`/api/v2/chat/agents/${olena.id}`) && q.request().method() === 'PUT');
			await row.locator('button[type=submit]').click();
			assert.equal((await saved).status(), 200);
			const cap = (await srv.api('GET', `/api/v2/chat/agents/${olena.id}`)).json;
			assert.equal(cap.agent.capacity, 4);
		});
	});
});

describe('Reports → Chat', () => {
	it('shows the figures, the chart and the table, to a viewer too', async () => {
		const made = await srv.api('POST', '/api/v2/users', { user: { name: 'Vira Viewer', email: 'vira@example.test',
			role: 'viewer', password: PASSWORD } });
		assert.equal(made.status, 201, made.text);
		const viewer = { ...made.json.user, password: PASSWORD };
		for (const who of [srv.admin, viewer]) {
			await desk.withTab({ locale: 'en-US' }, async (tab) => {
				const { page } = tab;
				await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
				await tab.signIn(who);
				await tab.goto('/agent/reports/chat');
				await tab.ready('[data-test=chat-report]');
				await page.waitForSelector('[data-test=chat-totals]');
				assert.equal(await page.getAttribute('[data-test=report-tab-chat]', 'aria-current'), 'page');
				// three chats so far, two answered (the capacity test's second
				// was never taken)
				assert.equal(await page.textContent('[data-test=chat-total-chats]'), '3');
				assert.equal(await page.textContent('[data-test=chat-total-answered]'), '2');
				assert.notEqual(await page.textContent('[data-test=chat-total-wait_p50]'), '—');
				await page.waitForSelector('[data-test=bar-chart][data-chart=chat-day] [data-test=bar]');
				const rows = await page.locator('[data-test=chat-report-row]').count();
				assert.equal(rows, 1, 'one day');
				await page.selectOption('[data-test=chat-report-by]', 'agent');
				await page.click('[data-test=chat-report-show]');
				await page.waitForSelector('[data-test=bar-chart][data-chart=chat-agent]');
				// a chat counts for the agent who held it last (the transferred
				// one for Taras); the one nobody took, for nobody
				const names = await page.locator('[data-test=chat-report-row] td:first-child').allTextContents();
				assert.deepEqual(names.sort(), ['Agent rasa', 'Agent taras', 'Nobody']);
				const csv = await page.getAttribute('[data-test=chat-report-csv]', 'href');
				const r = await tab.context.request.get(desk.base + csv);
				assert.equal(r.status(), 200);
				assert.match(r.headers()['content-type'], /text\/csv/);
			});
		}
	});
});

describe('two chats side by side', () => {
	it('each pane its own conversation, composer and customer (tier, contract); the ticket in the customer\'s timeline', async () => {
		// a customer on a tier, with a contract, known before they chat
		const tier = await srv.api('POST', '/api/v2/tiers', { tier: { name: 'Золотий' } });
		assert.equal(tier.status, 201, tier.text);
		const made = await srv.api('POST', '/api/v2/users', { user: { name: 'Марта Коваль', email: 'marta@example.test' } });
		assert.equal(made.status, 201, made.text);
		const marta = made.json.user;
		const tiered = await srv.api('PUT', `/api/v2/users/${marta.id}`, { user: { tier_id: tier.json.tier.id } });
		assert.equal(tiered.status, 200, tiered.text);
		const day = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
		const contract = await srv.api('POST', '/api/v2/service_contracts', { service_contract: { user_id: marta.id,
			product: 'Кавомолка KV-200', level: 'premium', kind: 'warranty', starts_on: day(-10), ends_on: day(355) } });
		assert.equal(contract.status, 201, contract.text);

		// the admin, online since signing in above, would be offered one
		await status(srv.admin, 'offline');
		await capacity(olena, 3);
		await status(olena, 'online');
		const a = await consoleOf(olena);
		let withTier;
		try {
			const vm = await newVisitor();
			withTier = await vm.start({ name: 'Марта', email: 'marta@example.test', topic: 'orders', locale: 'uk' },
				'Моя кавомолка гуде');
			const vp = await newVisitor();
			const plain = await vp.start({ name: 'Petras', email: 'petras@example.test', locale: 'lt' }, 'Sveiki, kur mano siuntinys?');
			const ticket = (await srv.api('GET', `/api/v2/tickets/${withTier.ticket_id}`)).json.ticket;
			assert.equal(ticket.requester_id, marta.id, 'the chat is the known customer\'s, found by the address');

			// both offered to Olena (room for three); she takes both
			for (const c of [withTier, plain]) {
				const offer = a.page.locator(`[data-test=chat-offer][data-chat="${c.id}"]`);
				await offer.waitFor();
				await offer.locator('[data-test=chat-offer-accept]').click();
				await pane(a.page, c).waitFor();
			}
			await a.page.locator('[data-test=chat-my-load]', { hasText: 'My chats: 2 of 3' }).waitFor();
			const pm = pane(a.page, withTier);
			const pp = pane(a.page, plain);

			// side by side: columns of one row, both on screen at once, each
			// with its log and composer. Measured in one go, once the queue
			// above has let go of both (its rows shift the panes down).
			for (const c of [withTier, plain])
				await a.page.locator(`[data-test=chat-queued][data-chat="${c.id}"]`).waitFor({ state: 'detached' });
			assert.equal(await a.page.locator('[data-test=chat-pane] [data-test=chat-input]').count(), 2, 'a composer each');
			const box = await a.page.evaluate((ids) => {
				const panes = ids.map((id) => document.querySelector(`[data-test=chat-pane][data-chat="${id}"]`));
				panes[0].scrollIntoView({ block: 'end' });
				const rect = (el) => {
					const r = el.getBoundingClientRect();
					return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
				};
				return { width: window.innerWidth, height: window.innerHeight, panes: panes.map((el) => ({ pane: rect(el),
					parts: ['chat-log', 'chat-input'].map((what) => rect(el.querySelector(`[data-test=${what}]`))) })) };
			}, [withTier.id, plain.id]);
			const [bm, bp] = box.panes.map((x) => x.pane);
			const seen = JSON.stringify(box);
			assert.ok(Math.abs(bm.top - bp.top) < 1, `one row: ${seen}`);
			assert.ok(bm.right <= bp.left || bp.right <= bm.left, `columns that do not overlap: ${seen}`);
			for (const { pane: b, parts } of box.panes) {
				assert.ok(b.left >= 0 && b.right <= box.width && b.width >= 280, `a column within the window: ${seen}`);
				for (const r of parts)
					assert.ok(r.height > 0 && r.top >= 0 && r.bottom <= box.height, `the log and the composer of both on screen: ${seen}`);
			}

			// each conversation in its own pane
			await pm.locator('[data-test=chat-msg-body]', { hasText: 'Моя кавомолка гуде' }).waitFor();
			await pp.locator('[data-test=chat-msg-body]', { hasText: 'kur mano siuntinys' }).waitFor();
			assert.equal(await pm.locator('[data-test=chat-msg-body]', { hasText: 'kur mano siuntinys' }).count(), 0);
			assert.equal(await pp.locator('[data-test=chat-msg-body]', { hasText: 'Моя кавомолка гуде' }).count(), 0);

			// typed in one pane, it lands in that chat alone; then the other
			await pm.locator('[data-test=chat-input]').fill('Марто, надішліть, будь ласка, фото наклейки.');
			await pm.locator('[data-test=chat-input]').press('Enter');
			await pp.locator('[data-test=chat-input]').fill('Laba diena, tikrinu siuntą.');
			await pp.locator('[data-test=chat-send]').click();
			await pm.locator('[data-test=chat-msg][data-author=agent]', { hasText: 'фото наклейки' }).waitFor();
			await pp.locator('[data-test=chat-msg][data-author=agent]', { hasText: 'tikrinu siuntą' }).waitFor();
			await a.page.waitForFunction(() => !document.querySelector('[data-test=chat-pane] .chat-msg.pending'));
			assert.equal(await pm.locator('[data-test=chat-input]').inputValue(), '');
			assert.equal(await pp.locator('[data-test=chat-input]').inputValue(), '');
			const mine = [['visitor', 'Моя кавомолка гуде'], ['agent', 'Марто, надішліть, будь ласка, фото наклейки.']];
			const his = [['visitor', 'Sveiki, kur mano siuntinys?'], ['agent', 'Laba diena, tikrinu siuntą.']];
			assert.deepEqual((await columnShows(pm)).map((m) => [m.author, m.body]), mine);
			assert.deepEqual((await columnShows(pp)).map((m) => [m.author, m.body]), his);
			assert.deepEqual((await vm.messages(withTier)).map((m) => [m.author, m.body]), mine);
			assert.deepEqual((await vp.messages(plain)).map((m) => [m.author, m.body]), his);
			// a visitor's answer reaches their own pane only
			await vp.say(plain, 'Ačiū!');
			await pp.locator('[data-test=chat-msg-body]', { hasText: 'Ačiū!' }).waitFor();
			await sleep(500);
			assert.equal(await pm.locator('[data-test=chat-msg-body]', { hasText: 'Ačiū!' }).count(), 0);

			// the customer beside each: Marta's tier and contract; Petras, new, none
			await pm.locator('[data-test=chat-context] summary').click();
			await pp.locator('[data-test=chat-context] summary').click();
			const cm = pm.locator('[data-test=chat-context]');
			const cp = pp.locator('[data-test=chat-context]');
			await cm.locator('[data-test=chat-contracts]').waitFor();
			assert.equal(await cm.locator('[data-test=chat-context-name]').textContent(), 'Марта Коваль');
			assert.equal(await cm.locator('[data-test=chat-context-email]').textContent(), 'marta@example.test');
			assert.equal((await cm.locator('[data-test=chat-tier]').textContent()).trim(), 'Золотий');
			assert.equal(await cm.locator('[data-test=chat-tier]').isVisible(), true);
			assert.deepEqual((await cm.locator('[data-test=chat-contracts] li').allTextContents()).map((x) => x.trim()),
				['Кавомолка KV-200 · premium']);
			assert.equal(await cm.locator('[data-test=chat-contracts]').isVisible(), true);
			assert.equal(await cm.locator('[data-test=chat-tickets] a', { hasText: `#${withTier.ticket_id}` }).count(), 1);
			assert.equal(await cp.locator('[data-test=chat-context-name]').textContent(), 'Petras');
			assert.equal(await cp.locator('[data-test=chat-tier]').count(), 0, 'no tier for a customer without one');
			assert.equal(await cp.locator('[data-test=chat-contracts]').count(), 0);

			// Marta's chat ends (its ticket solved); Petras's goes on
			await pm.locator('[data-test=chat-end]').click();
			await a.page.click('[data-test=chat-end-go]');
			await pm.locator('[data-test=chat-follow-up]').waitFor();
			assert.equal(await pp.getAttribute('data-state'), 'active');
			assert.equal(await pp.locator('[data-test=chat-input]').isVisible(), true);
			await closeClean(a);
		} finally {
			await a.close();
			await status(olena, 'offline');
		}

		// the chat's ticket is in Marta's timeline on her page: channel Chat
		await desk.withTab({ locale: 'en-US' }, async (tab) => {
			const { page } = tab;
			await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
			await tab.signIn(olena);
			await tab.goto(`/agent/customers/${marta.id}`);
			await tab.ready('[data-test=person]');
			const link = `a[href="/agent/tickets/${withTier.ticket_id}"]`;
			const row = page.locator('[data-test=person] ul.events li', { has: page.locator(link) });
			await row.waitFor();
			assert.match(await row.locator(link).textContent(), new RegExp(`^#${withTier.ticket_id} `));
			assert.match(await row.locator('.hint').textContent(), /^\s*Chat ·/);
			assert.equal(await row.locator('[data-test=status]').textContent(), 'Solved');
		});
	});
});
