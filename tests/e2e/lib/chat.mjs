// What the chat's browser tests share (chat-widget, chat-console,
// chat-flow): the company's site that embeds the widget, the widget as a
// visitor sees it, and the agents' console as an agent sees it.
//
//   const host = await startHost();               // in before(); host.close() in after()
//   await tab.goto(host.url(srv.base, { lang: 'uk' }));
//   const f = await openWidget(page, 'prechat');  // the chat frame, showing that view
//   await until(() => shown(f), (m) => m.length === 2);
//   const a = await consoleOf(desk, olena);       // a signed-in console in a context of its own
//   await pane(a.page, chat).waitFor();
import assert from 'node:assert/strict';
import http from 'node:http';

export { until } from '../../api/lib/chat.mjs';

// What a cut network makes Chromium log while the widget retries: expected
// in a test that cuts it.
export const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /ERR_NETWORK_CHANGED/, /ERR_NETWORK_IO_SUSPENDED/];

// A 2×2 PNG: a picture small enough to inline, real enough to decode.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR42mNk+M9QzwAEjDAGNzYAAAwQAfwY1XeIAAAAAElFTkSuQmCC', 'base64');

/**
 * The company's site: GET /?desk=ORIGIN&lang=xx[&locale=yy] is a page in
 * language xx that embeds the widget of the desk at ORIGIN with the one
 * script tag of docs/chat-embed.html, under a CSP that allows that origin
 * and nothing else. It listens on a loopback port of its own and is named
 * "localhost", so that it is another site too, as a shop's is.
 */
export async function startHost() {
	const server = http.createServer((req, res) => {
		const q = new URL(req.url, 'http://host').searchParams;
		const desk = q.get('desk');
		if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(desk || '')) {
			res.writeHead(404).end();
			return;
		}
		const locale = q.get('locale') ? ` data-locale="${q.get('locale')}"` : '';
		res.writeHead(200, {
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy': `default-src 'none'; script-src ${desk}; frame-src ${desk}; ` +
				"connect-src 'none'; base-uri 'none'; form-action 'none'",
		});
		res.end(`<!doctype html><html lang="${q.get('lang') || 'en'}"><head><meta charset="utf-8"><title>Shop</title></head>` +
			`<body><h1>Coffee grinders</h1><p>Our shop.</p><button id="host-button">Buy</button>` +
			`<script src="${desk}/chat/widget.js"${locale} async></script></body></html>`);
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: (desk, q = {}) => `http://localhost:${server.address().port}/?${new URLSearchParams({ desk, ...q })}`,
		close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
	};
}

/** The launcher (in the widget's shadow root) and the chat frame of a tab's page. */
export const launcher = (page) => page.locator('[data-frontline-chat] button');
export const frameOf = (page) => page.frameLocator('[data-frontline-chat] iframe');

/** Opens the widget on the host page and waits for view (a data-view of the frame). */
export async function openWidget(page, view) {
	const button = launcher(page);
	await button.waitFor();
	await button.click();
	const f = frameOf(page);
	await f.locator(`[data-test=chat-window][data-view=${view}]`).waitFor();
	assert.equal(await button.getAttribute('aria-expanded'), 'true');
	return f;
}

/** What the frame shows: [{author, body, receipt}] in order. */
export function shown(f) {
	return f.locator('[data-test=message]').evaluateAll((els) => els.map((el) => ({
		author: el.dataset.author,
		body: el.querySelector('[data-test=body]')?.textContent ?? '',
		receipt: el.querySelector('[data-test=receipt]')?.dataset.state ?? '',
	})));
}

/** The chat's messages as the agents' API lists them, in seq order. */
export async function agentSees(srv, agent, chatId) {
	const r = await srv.api('GET', `/api/v2/chats/${chatId}/messages?after=0`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.messages.sort((a, b) => a.seq - b.seq);
}

/**
 * An agent's chat console, signed in, in a browser context of its own, in
 * English. desk: the Desk whose server it speaks to (another node's Desk
 * for the cross-node case); opts: the tab's (allow …).
 */
export async function consoleOf(desk, agent, opts = {}) {
	const tab = await desk.tab({ locale: 'en-US', ...opts });
	await tab.page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
	await tab.signIn(agent);
	await tab.goto('/agent/chat');
	await tab.ready('[data-test=chat-console]');
	return tab;
}

/** A chat's column in a console. */
export const pane = (page, chat) => page.locator(`[data-test=chat-pane][data-chat="${chat.id}"]`);

/** What a console's column shows: [{author, body}] in order, pending ones too. */
export function columnShows(p) {
	return p.locator('[data-test=chat-msg]').evaluateAll((els) => els.map((el) => ({
		author: el.dataset.author,
		body: el.querySelector('[data-test=chat-msg-body]')?.textContent ?? '',
		pending: el.classList.contains('pending'),
	})));
}
