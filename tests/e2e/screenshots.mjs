#!/usr/bin/env node
// Screenshots of the main screens in every language, from the demo desk:
// `make screenshots` (or: FRONTLINE_BIN=build/frontline node tests/e2e/screenshots.mjs
// [--out DIR] [--lang uk,en] [--screen ticket,ticket-list]).
//
// Loads `frontline demo` into a new data folder, serves it on a free
// loopback port, and for each language signs in as that language's demo
// agent and saves OUT/<lang>-<screen>.png at 1280×800 (and
// OUT/<lang>-<screen>-phone.png at 390×844 for the screens marked phone).
// OUT is docs/screenshots by default. The chat widget is shot open on a
// little shop's page served here, on another origin, as a company embeds it.
//
// A screen whose selector does not appear within its time is shot as it
// is, with a warning: the apps change, the screenshots still get taken.
// It fails only when the server, the browser or a file write does.
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Desk, launchBrowser, runCli, startServer } from './lib/browser.mjs';

// The screens, in order. path: a string or (ids) => string; as: 'agent' to
// be signed in as the language's demo agent, 'admin' as the demo's admin
// (or (lang) => either);
// wait: what shows the screen is ready; phone: also at phone size;
// widget: the path is the shop's page (ids.shop), whose chat is opened.
const SCREENS = [
	{ name: 'portal-home', path: '/portal/', wait: 'main h1' },
	{ name: 'contact-form', path: '/portal/requests/new', wait: 'main form', phone: true },
	{ name: 'agent-sign-in', path: '/agent/', wait: 'main h1' },
	{ name: 'ticket-list', path: '/agent/queues/all-open', as: 'agent', wait: '[data-test=ticket-row]', phone: true },
	{ name: 'ticket', path: (ids) => `/agent/tickets/${ids.ticket}`, as: 'agent', wait: '[data-test=comment]' },
	{ name: 'outgoing-mail', path: '/agent/admin/outbox', as: 'admin', wait: '[data-test=outbox-row]' },
	{ name: 'satisfaction-report', path: '/agent/reports/satisfaction', as: 'admin', wait: 'main svg.report-chart' },
	{ name: 'nps-report', path: '/agent/reports/nps', as: 'admin', wait: 'main svg.report-chart' },
	{ name: 'complaints-report', path: '/agent/reports/complaints', as: 'admin', wait: 'main svg.report-chart' },
	{ name: 'suggestions-report', path: '/agent/reports/suggestions', as: 'admin', wait: 'main svg.report-chart' },
	{ name: 'portal-ideas', path: '/portal/ideas', wait: 'main h1', phone: true },
	// the demo's live English chat is its admin's (Olena works in English too)
	{ name: 'chat-console', path: '/agent/chat', as: (lang) => (lang === 'en' ? 'admin' : 'agent'), wait: '[data-test=chat-console] h2' },
	{ name: 'chat-admin', path: '/agent/admin/chat', as: 'admin', wait: '[data-test=chat-settings]' },
	{ name: 'chat-report', path: '/agent/reports/chat', as: 'admin', wait: '[data-test=chat-totals]' },
	{ name: 'chat-widget', path: (ids) => ids.shop, widget: true, wait: '[data-frontline-chat] button' },
];
const DEMO_ADMIN = 'olena.kovalchuk@kvitka.example';

// Each language: the browser's locale and the demo agent who works in it
// (src/demo/demo.json; demo agents' password is frontline-demo).
const LANGS = {
	uk: { locale: 'uk-UA', agent: 'taras.melnyk@kvitka.example' },
	ru: { locale: 'ru-RU', agent: 'dmitrij.sokolov@kvitka.example' },
	lt: { locale: 'lt-LT', agent: 'ruta.petrauskiene@kvitka.example' },
	en: { locale: 'en-US', agent: 'sofiia.horbach@kvitka.example' },
};
const DEMO_PASSWORD = 'frontline-demo';

// The shop's page around the widget, in each language: a heading, a line.
const SHOP = {
	uk: ['Кавомолки «Квітка»', 'Ручні та електричні кавомолки з доставкою по всій країні.'],
	ru: ['Кофемолки «Квитка»', 'Ручные и электрические кофемолки с доставкой по всей стране.'],
	lt: ['„Kvitka“ kavamalės', 'Rankinės ir elektrinės kavamalės su pristatymu visoje šalyje.'],
	en: ['Kvitka coffee grinders', 'Hand and electric grinders, delivered across the country.'],
};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WAIT_MS = 10_000; // for a screen's selector
const SETTLE_MS = 300; // after the page is quiet, for transitions and late paints

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: {
	out: { type: 'string', default: path.resolve(here, '../../docs/screenshots') },
	lang: { type: 'string' },
	screen: { type: 'string' },
} });
const langs = args.lang ? args.lang.split(',') : Object.keys(LANGS);
const screens = args.screen ? SCREENS.filter((s) => args.screen.split(',').includes(s.name)) : SCREENS;
for (const l of langs)
	if (!LANGS[l])
		throw new Error(`no language ${l}; there are ${Object.keys(LANGS)}`);

const warnings = [];
const warn = (text) => {
	warnings.push(text);
	console.log(`  warning: ${text}`);
};

/**
 * The ticket each language's screenshot shows: an open one from a customer
 * who writes in that language, the longest conversation of those.
 */
async function pickTickets(srv, lang) {
	const auth = { basic: [LANGS[lang].agent, DEMO_PASSWORD] };
	const list = await srv.api('GET', '/api/v2/tickets?page[size]=100', null, { auth });
	if (list.status !== 200)
		throw new Error(`listing the demo tickets as ${LANGS[lang].agent}: ${list.status} ${list.text}`);
	const tickets = list.json.tickets;
	const ids = [...new Set(tickets.map((t) => t.requester_id))].join(',');
	const people = await srv.api('GET', `/api/v2/users/show_many?ids=${ids}`, null, { auth });
	const localeOf = new Map((people.json?.users ?? []).map((u) => [u.id, u.locale]));
	const mine = tickets.filter((t) => String(localeOf.get(t.requester_id) ?? '').startsWith(lang));
	const open = mine.filter((t) => t.status === 'open');
	let best = (open[0] ?? mine[0] ?? tickets[0])?.id, most = -1;
	for (const t of open) {
		const c = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`, null, { auth });
		const n = c.json?.comments?.length ?? 0;
		if (n > most)
			[best, most] = [t.id, n];
	}
	return { ticket: best };
}

/**
 * The shop: GET /?lang=xx is a page in that language embedding the chat of
 * the desk at base with its one script tag, under a CSP that allows the
 * desk and nothing else but the page's own style. Resolves {url(lang), close()}.
 */
async function startShop(base) {
	const server = http.createServer((req, res) => {
		const lang = new URL(req.url, 'http://shop').searchParams.get('lang');
		const [title, line] = SHOP[lang] || SHOP.en;
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8',
			'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src ${base}; frame-src ${base}` });
		res.end(`<!doctype html><html lang="${SHOP[lang] ? lang : 'en'}"><head><meta charset="utf-8"><title>${title}</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2933;background:#faf7f2}
header{background:#3b2f2a;color:#fff;padding:1.2em 2em}main{padding:2em;max-width:52em}
.cards{display:flex;gap:1em;margin-top:1.5em}.card{flex:1;background:#fff;border:1px solid #e4ddd3;border-radius:8px;height:11em}</style></head>
<body><header><strong>Kvitka</strong></header><main><h1>${title}</h1><p>${line}</p>
<div class="cards"><div class="card"></div><div class="card"></div><div class="card"></div></div></main>
<script src="${base}/chat/widget.js" async></script></body></html>`);
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: (lang) => `http://localhost:${server.address().port}/?lang=${lang}`,
		close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
	};
}

/**
 * A customer asks for a sign-in link on the portal, so that Admin → Outgoing
 * mail shows what the demo keeps instead of sending; waits until it is kept.
 */
async function signInLinkKept(srv) {
	const r = await srv.api('POST', '/api/v2/portal/magic_link',
		{ email: 'oksana.melnychuk@example.ua', locale: 'uk' }, { auth: null });
	if (r.status !== 202)
		throw new Error(`asking for a sign-in link: ${r.status} ${r.text}`);
	const auth = { basic: [DEMO_ADMIN, DEMO_PASSWORD] };
	for (let i = 0; i < 100; i++) {
		const o = await srv.api('GET', '/api/v2/outbox', null, { auth });
		if (o.json?.outbox_mails?.length)
			return;
		await new Promise((res) => setTimeout(res, 100));
	}
	warn('the sign-in link was not in the outbox within 10 s');
}

async function shoot(desk, lang, screen, ids, { phone }) {
	const { locale, agent } = LANGS[lang];
	const as = typeof screen.as === 'function' ? screen.as(lang) : screen.as;
	const viewport = phone ? PHONE : DESKTOP;
	const file = path.join(args.out, `${lang}-${screen.name}${phone ? '-phone' : ''}.png`);
	const tab = await desk.tab({ locale, viewport, deviceScaleFactor: 1,
		...(phone ? { isMobile: true, hasTouch: true } : {}) });
	try {
		// the demo's admin works in Ukrainian: the language picker's choice
		// (kept in the browser) shows their screens in the shot's language
		if (as === 'admin')
			await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), lang);
		if (as)
			await tab.signIn({ email: as === 'admin' ? DEMO_ADMIN : agent }, DEMO_PASSWORD);
		const where = typeof screen.path === 'function' ? screen.path(ids) : screen.path;
		await tab.goto(where);
		try {
			await tab.ready(screen.wait, WAIT_MS);
			if (screen.widget) {
				await tab.page.click(screen.wait);
				await tab.page.frameLocator('[data-frontline-chat] iframe')
					.locator('[data-test=chat-window]:not([data-view=loading])').waitFor({ timeout: WAIT_MS });
			}
		} catch {
			warn(`${lang} ${screen.name}: no ${screen.wait} within ${WAIT_MS} ms on ${tab.page.url()}; shot as it is`);
		}
		// the chat's frame is another site's, in a process of its own: the
		// page's DevTools session sees its load start, never end
		if (!screen.widget)
			await tab.idle().catch((err) => warn(`${lang} ${screen.name}: ${err.message}`));
		await tab.page.evaluate(() => document.fonts.ready);
		await new Promise((r) => setTimeout(r, SETTLE_MS));
		await tab.page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
		for (const p of tab.unexpected())
			warn(`${lang} ${screen.name}: [${p.kind}] ${p.text}`);
		console.log(`  ${path.relative(process.cwd(), file)}`);
	} finally {
		await tab.close();
	}
}

async function main() {
	await fs.mkdir(args.out, { recursive: true });
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-shots-'));
	let desk, shop;
	try {
		const demo = await runCli(['demo', '--data', dir], { leaks: false, timeoutMs: 120_000 });
		if (demo.code !== 0)
			throw new Error(`frontline demo failed (${demo.code}):\n${demo.stderr}`);
		const srv = await startServer({ data: dir });
		try {
			desk = new Desk(srv, await launchBrowser());
		} catch (err) {
			await srv.cleanup();
			throw err;
		}
		console.log(`demo desk on ${srv.base}; screenshots into ${args.out}`);
		await signInLinkKept(srv);
		shop = await startShop(srv.base);
		for (const lang of langs) {
			console.log(lang);
			const ids = { ...await pickTickets(srv, lang), shop: shop.url(lang) };
			for (const screen of screens) {
				await shoot(desk, lang, screen, ids, { phone: false });
				if (screen.phone)
					await shoot(desk, lang, screen, ids, { phone: true });
			}
		}
	} finally {
		// the server serves a folder made here: no clean-exit assertion to trip over
		await shop?.close();
		await desk?.close({ assertClean: false });
		await fs.rm(dir, { recursive: true, force: true });
	}
	console.log(`screenshots: done${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
}

main().catch((err) => {
	console.error(`screenshots: ${err.stack || err}`);
	process.exitCode = 1;
});
