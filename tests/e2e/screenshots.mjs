#!/usr/bin/env node
// Screenshots of the main screens in every language, from the demo desk:
// `make screenshots` (or: FRONTLINE_BIN=build/frontline node tests/e2e/screenshots.mjs
// [--out DIR] [--lang uk,en] [--screen ticket,ticket-list]).
//
// Loads `frontline demo` into a new data folder, serves it on a free
// loopback port, and for each language signs in as that language's demo
// agent and saves OUT/<lang>-<screen>.png at 1280×800 (and
// OUT/<lang>-<screen>-phone.png at 390×844 for the screens marked phone).
// OUT is docs/screenshots by default.
//
// A screen whose selector does not appear within its time is shot as it
// is, with a warning: the apps change, the screenshots still get taken.
// It fails only when the server, the browser or a file write does.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Desk, launchBrowser, runCli, startServer } from './lib/browser.mjs';

// The screens, in order. path: a string or (ids) => string; as: 'agent' to
// be signed in as the language's demo agent, 'admin' as the demo's admin;
// wait: what shows the screen is ready; phone: also at phone size.
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
	{ name: 'chat-console', path: '/agent/chat', as: 'agent', wait: '[data-test=chat-console] h2' },
	{ name: 'chat-report', path: '/agent/reports/chat', as: 'admin', wait: '[data-test=chat-totals]' },
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
	const viewport = phone ? PHONE : DESKTOP;
	const file = path.join(args.out, `${lang}-${screen.name}${phone ? '-phone' : ''}.png`);
	const tab = await desk.tab({ locale, viewport, deviceScaleFactor: 1,
		...(phone ? { isMobile: true, hasTouch: true } : {}) });
	try {
		// the demo's admin works in Ukrainian: the language picker's choice
		// (kept in the browser) shows their screens in the shot's language
		if (screen.as === 'admin')
			await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), lang);
		if (screen.as)
			await tab.signIn({ email: screen.as === 'admin' ? DEMO_ADMIN : agent }, DEMO_PASSWORD);
		const where = typeof screen.path === 'function' ? screen.path(ids) : screen.path;
		await tab.goto(where);
		try {
			await tab.ready(screen.wait, WAIT_MS);
		} catch {
			warn(`${lang} ${screen.name}: no ${screen.wait} within ${WAIT_MS} ms on ${tab.page.url()}; shot as it is`);
		}
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
	let desk;
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
		for (const lang of langs) {
			console.log(lang);
			const ids = await pickTickets(srv, lang);
			for (const screen of screens) {
				await shoot(desk, lang, screen, ids, { phone: false });
				if (screen.phone)
					await shoot(desk, lang, screen, ids, { phone: true });
			}
		}
	} finally {
		// the server serves a folder made here: no clean-exit assertion to trip over
		await desk?.close({ assertClean: false });
		await fs.rm(dir, { recursive: true, force: true });
	}
	console.log(`screenshots: done${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
}

main().catch((err) => {
	console.error(`screenshots: ${err.stack || err}`);
	process.exitCode = 1;
});
