// How fast the workspace is in a real browser (Debian's Chromium through
// playwright-core, from tests/e2e):
//
//  1. the ticket page of a ticket with COMMENTS comments (500): from the
//     navigation to the moment every comment is on screen and the composer
//     takes input, RUNS times (first the page, then its JavaScript, then the
//     API answers it asks for);
//  2. the ticket list of a queue with TICKETS tickets (100,000 by default;
//     0 skips), first page and a page deep in the list.
//
// The ceiling is the same API requests made straight from node (no
// browser, no rendering): the page cannot be quicker than its data. Prints
// percentiles and the ratio page / ceiling.
//
// usage: node bench/ui.mjs   (FRONTLINE_BIN=build/frontline by default;
//        COMMENTS=500 RUNS=20 TICKETS=100000)
import { chromium } from '../tests/e2e/node_modules/playwright-core/index.mjs';

process.env.FRONTLINE_BIN ??= new URL('../build/frontline', import.meta.url).pathname;
const { startServer } = await import('../tests/api/lib/server.mjs');

const COMMENTS = Number(process.env.COMMENTS ?? 500);
const RUNS = Number(process.env.RUNS ?? 20);
const TICKETS = Number(process.env.TICKETS ?? 100000);

const pct = (xs, p) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;

const srv = await startServer({ sqlite: true, agents: ['agent'], endUsers: ['customer'] });
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
	const { agent, customer } = srv.users;
	const t = await srv.ticket({ subject: 'A long conversation', requester_id: customer.id });
	const text = 'Перевірте, будь ласка, замовлення ще раз: кур’єр каже, що адреса неповна. '.repeat(4);
	for (let i = 1; i < COMMENTS; i++) {
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: `${i}. ${text}`, public: i % 5 !== 0 } } }, { auth: agent });
		if (r.status !== 200)
			throw new Error(`comment ${i}: ${r.text}`);
	}

	// the ceiling: the API requests the page makes, straight from node
	const auth = { authorization: `Bearer ${agent.token}` };
	const api = async (p) => (await fetch(srv.base + p, { headers: auth })).json();
	const ceiling = [];
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		await Promise.all([api(`/api/v2/tickets/${t.id}`), api(`/api/v2/tickets/${t.id}/audits`), (async () => {
			let r = await api(`/api/v2/tickets/${t.id}/comments?page[size]=100`);
			while (r.meta.has_more)
				r = await api(`/api/v2/tickets/${t.id}/comments?page[size]=100&page[after]=${r.meta.after_cursor}`);
		})()]);
		ceiling.push(performance.now() - t0);
	}

	const ctx = await browser.newContext({ locale: 'uk-UA', viewport: { width: 1280, height: 800 } });
	const signin = await ctx.request.post(`${srv.base}/api/v2/auth/session`,
		{ data: { email: agent.email, password: agent.password } });
	if (!signin.ok())
		throw new Error(`sign in: ${signin.status()}`);
	// the moments the page is usable (the newest comments and the composer
	// are there) and complete (every comment is), seen from inside it
	await ctx.addInitScript((n) => {
		new MutationObserver((_, obs) => {
			const shown = document.querySelectorAll('[data-test=comment]').length;
			if (!document.querySelector('[data-test=composer-body]'))
				return;
			if (shown >= Math.min(n, 100) && !window.__usable)
				window.__usable = performance.now();
			if (shown >= n) {
				window.__ready = performance.now();
				obs.disconnect();
			}
		}).observe(document, { childList: true, subtree: true });
	}, COMMENTS);
	const page = await ctx.newPage();
	const times = [], usable = [];
	for (let i = 0; i < RUNS + 2; i++) {
		await page.goto(`${srv.base}/agent/tickets/${t.id}`);
		await page.waitForFunction(() => window.__ready, null, { timeout: 30000 });
		if (i < 2) // the first two warm the browser's cache
			continue;
		times.push(await page.evaluate(() => window.__ready));
		usable.push(await page.evaluate(() => window.__usable));
	}
	const ratio = pct(times, 50) / pct(ceiling, 50);
	console.log(`ticket page, ${COMMENTS} comments: usable (newest 100 and the composer) ${fmt(usable)}; ` +
		`every comment shown ${fmt(times)} (goal: interactive < 300 ms)`);
	console.log(`  ceiling (its API requests from node): ${fmt(ceiling)}; ratio p50 ${ratio.toFixed(2)}`);

	if (TICKETS > 0) {
		await seed(srv, TICKETS);
		const listTimes = { open: [], all: [] };
		await ctx.addInitScript(() => {
			new MutationObserver(() => {
				if (document.querySelectorAll('[data-test=ticket-row]').length > 0 && !window.__list)
					window.__list = performance.now();
			}).observe(document, { childList: true, subtree: true });
		});
		for (const [name, url] of [['open', '/agent/queues/all-open'], ['all', '/agent/queues/all']]) {
			for (let i = 0; i < 10; i++) {
				await page.goto(srv.base + url);
				await page.waitForFunction(() => window.__list, null, { timeout: 30000 });
				listTimes[name].push(await page.evaluate(() => window.__list));
			}
		}
		console.log(`ticket list, ${TICKETS} tickets: "all open" ${fmt(listTimes.open)}; "all tickets" ${fmt(listTimes.all)}`);
		const deepPage = [];
		for (let i = 0; i < 10; i++) {
			const t0 = performance.now();
			await api(`/api/v2/search?query=${encodeURIComponent('type:ticket status<solved')}&page=${Math.floor(TICKETS / 100)}&per_page=50&sort_by=updated_at&sort_order=desc`);
			deepPage.push(performance.now() - t0);
		}
		console.log(`  a queue's page ${Math.floor(TICKETS / 100)} (offset ${Math.floor(TICKETS / 2)}): ${fmt(deepPage)}`);
	}
} finally {
	await browser.close();
	await srv.cleanup();
}

async function seed(s, n) {
	const { customer } = s.users;
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			await fetch(`${s.base}/api/v2/tickets`, {
				method: 'POST',
				headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ ticket: { subject: `Order ${next} arrived damaged`, requester_id: customer.id,
					comment: { body: 'The box was crushed and the kettle inside is dented.' } } }),
			}).then((r) => r.arrayBuffer());
		}
	};
	await Promise.all(Array.from({ length: 32 }, worker));
}
