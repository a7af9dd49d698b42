// The apps' shell in a real browser: the addresses, that each page loads
// in every language with no console error, page error or CSP violation,
// the Content-Security-Policy on every page, how much JavaScript each app
// makes a browser download, and that a second visit comes from the cache.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { LOCALES, it, openDesk } from './lib/browser.mjs';

// What a browser may download of an app's JavaScript, gzip-compressed, on
// its first visit to the app's pages (lazy chunks included).
const JS_BUDGET = 150_000;

const PAGES = ['/portal/', '/portal/requests/new', '/agent/'];

let desk, agent, alice, ticket;

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = desk.users);
	ticket = await desk.ticket({ subject: 'Посилка не прийшла', body: 'Замовлення KV-1 досі в дорозі.' }, { as: alice });
});
after(async () => { await desk?.close(); });

/** The policy's directives: {name: [values]}. */
function directives(csp) {
	const out = {};
	for (const part of csp.split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name)
			out[name.toLowerCase()] = values;
	}
	return out;
}

function assertStrictCsp(csp, where) {
	assert.ok(csp, `${where}: no Content-Security-Policy header`);
	const d = directives(csp);
	assert.deepEqual(d['default-src'], ["'self'"], `${where}: default-src in ${csp}`);
	assert.deepEqual(d['script-src'], ["'self'"], `${where}: script-src in ${csp}`);
	assert.deepEqual(d['object-src'], ["'none'"], `${where}: object-src in ${csp}`);
	assert.deepEqual(d['frame-ancestors'], ["'none'"], `${where}: frame-ancestors in ${csp}`);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${where}: ${csp}`);
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
const isJs = (r) => r.type === 'Script' || /javascript/.test(r.headers['content-type'] ?? '');
const isAsset = (r) => new URL(r.url).pathname.startsWith('/assets/');

describe('addresses', () => {
	it('/ redirects to the portal, /portal and /agent to their pages', async () => {
		for (const [from, status, to] of [['/', 302, '/portal/'], ['/portal', 301, '/portal/'], ['/agent', 301, '/agent/']]) {
			const r = await fetch(desk.base + from, { redirect: 'manual' });
			await r.arrayBuffer();
			assert.equal(r.status, status, from);
			assert.equal(r.headers.get('location'), to, from);
		}
		await desk.withTab({}, async (tab) => {
			const r = await tab.goto('/');
			assert.equal(r.status(), 200);
			assert.equal(new URL(tab.page.url()).pathname, '/portal/');
			assert.equal(r.request().redirectedFrom()?.url(), `${desk.base}/`);
			await tab.ready();
		});
	});

	it('every page of an app, however deep, is its page with the policy', async () => {
		for (const p of [...PAGES, '/portal/requests/12345', '/portal/signin?next=%2Fportal%2Frequests',
			'/agent/tickets/1', '/agent/queues/all-open']) {
			const r = await fetch(desk.base + p, { headers: { 'accept-encoding': 'gzip' } });
			const body = await r.text();
			assert.equal(r.status, 200, p);
			assert.match(r.headers.get('content-type'), /^text\/html/, p);
			assertStrictCsp(r.headers.get('content-security-policy'), p);
			assert.match(body, /<script type="module" src="\/assets\/(agent|portal)\.js\?v=/, p);
		}
	});
});

for (const path of PAGES) {
	describe(`${path} in Chromium`, () => {
		for (const locale of LOCALES) {
			it(`loads in ${locale} with no console error, page error or CSP violation`, async () => {
				await desk.withTab({ locale }, async (tab) => {
					const r = await tab.goto(path);
					assert.equal(r.status(), 200);
					assertStrictCsp(r.headers()['content-security-policy'], path);
					await tab.ready();
					await tab.idle();
					// the browser's language reached the app
					const lang = await tab.page.evaluate(() => [navigator.languages, document.documentElement.lang]);
					assert.deepEqual(lang[0], [locale]);
					assert.equal(lang[1], locale.slice(0, 2), `${path} in ${locale}: <html lang>`);
					// everything of ours it loaded came
					for (const q of tab.network())
						assert.ok(q.status < 400 || new URL(q.url).pathname.startsWith('/api/'),
							`${q.method} ${q.url}: ${q.status}`);
				});
			});
		}
	});
}

describe('JavaScript a first visit downloads', () => {
	// Each app's pages, anonymous and then signed in, in one fresh context:
	// every script the browser fetched, as sent (gzip) and unpacked.
	async function measure(t, visits, user) {
		let total = 0;
		const seen = new Map();
		await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
			for (const [i, path] of visits.entries()) {
				if (i === visits.length - user.after)
					await tab.signIn(user.who);
				await tab.goto(path);
				await tab.ready('main');
				await tab.idle();
			}
			const sizes = await tab.page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource')
				.map((e) => [e.name, e.decodedBodySize])));
			for (const r of tab.network()) {
				if (!isJs(r) || seen.has(r.url) || r.fromDiskCache || r.fromMemoryCache)
					continue;
				assert.ok(r.finished && !r.failed, `${r.url}: ${r.failed ?? 'not finished'}`);
				const accept = r.requestHeaders['accept-encoding'] ?? '';
				assert.match(accept, /\bgzip\b/, `${r.url}: the browser's Accept-Encoding`);
				const body = r.wireBytes - r.headerBytes;
				const length = Number(r.headers['content-length']);
				if (length)
					assert.equal(body, length, `${r.url}: bytes on the wire vs Content-Length`);
				if (body > 1000)
					assert.equal(r.headers['content-encoding'], 'gzip', `${r.url} came uncompressed`);
				seen.set(r.url, { gz: body, raw: sizes[r.url] ?? 0 });
				total += body;
			}
		});
		for (const [url, s] of seen)
			t.diagnostic(`${new URL(url).pathname}: ${kb(s.gz)} gzip (${kb(s.raw)} unpacked)`);
		t.diagnostic(`total: ${kb(total)} of ${kb(JS_BUDGET)}`);
		assert.ok(seen.size > 0, 'no script was downloaded');
		assert.ok(total < JS_BUDGET, `${kb(total)} of JavaScript, over the ${kb(JS_BUDGET)} budget: ${
			[...seen].map(([u, s]) => `${new URL(u).pathname} ${kb(s.gz)}`).join(', ')}`);
		return total;
	}

	it(`the portal's stays under ${JS_BUDGET / 1000} kB gzip`, async (t) => {
		await measure(t, ['/portal/', '/portal/requests/new', '/portal/signin', '/portal/requests',
			`/portal/requests/${ticket.id}`], { who: alice, after: 2 });
	});

	it(`the workspace's stays under ${JS_BUDGET / 1000} kB gzip`, async (t) => {
		await measure(t, ['/agent/', '/agent/queues/all-open', `/agent/tickets/${ticket.id}`],
			{ who: agent, after: 2 });
	});
});

describe('a second visit', () => {
	// Versioned assets (?v=) come from the browser's cache without asking;
	// the page itself is revalidated (If-None-Match, 304) or cached.
	function assertCached(tab, path) {
		const loaded = tab.network().filter((r) => r.method === 'GET' && !new URL(r.url).pathname.startsWith('/api/'));
		assert.ok(loaded.some((r) => isAsset(r)), `${path}: no asset was loaded the second time: ${loaded.map((r) => r.url)}`);
		const bad = [];
		for (const r of loaded) {
			const cached = r.fromDiskCache || r.fromMemoryCache;
			const versioned = new URL(r.url).searchParams.has('v');
			if (versioned && !cached)
				bad.push(`${r.url}: asked the server again (${r.rawStatus || r.status})`);
			else if (!versioned && !cached && r.rawStatus !== 304)
				bad.push(`${r.url}: ${r.rawStatus || r.status}, neither cached nor 304` +
					` (If-None-Match: ${r.requestHeaders['if-none-match'] ?? 'none'})`);
		}
		assert.deepEqual(bad, [], `${path}, second visit`);
		const doc = loaded.find((r) => r.type === 'Document');
		assert.ok(doc, `${path}: no document request`);
		return loaded;
	}

	for (const path of ['/portal/', '/agent/']) {
		it(`of ${path} is served from the cache or 304`, async (t) => {
			await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
				const first = await tab.goto(path);
				await tab.ready();
				await tab.idle();
				assert.match(first.headers().etag ?? '', /^"[^"]+"$/, `${path}: ETag`);
				assert.match(first.headers()['cache-control'] ?? '', /\bno-cache\b/, `${path}: Cache-Control`);
				for (const r of tab.network().filter((x) => isAsset(x) && new URL(x.url).searchParams.has('v')))
					assert.match(r.headers['cache-control'] ?? '', /max-age=31536000.*immutable/, `${r.url}: Cache-Control`);

				// a visitor coming back: a new tab, the same browser
				tab.clearNetwork();
				await tab.reopen();
				await tab.goto(path);
				await tab.ready();
				await tab.idle();
				const again = assertCached(tab, path);
				const doc = again.find((r) => r.type === 'Document');
				t.diagnostic(`${path} again: page ${doc.rawStatus || (doc.fromDiskCache ? 'cache' : doc.status)}, ` +
					`${again.filter((r) => r.fromDiskCache || r.fromMemoryCache).length} of ${again.length} from the cache, ` +
					`${again.reduce((n, r) => n + r.wireBytes, 0)} bytes on the wire`);

				// and a reload
				tab.clearNetwork();
				await tab.page.reload({ waitUntil: 'load' });
				await tab.ready();
				await tab.idle();
				const reloaded = assertCached(tab, path);
				const rdoc = reloaded.find((r) => r.type === 'Document');
				assert.equal(rdoc.rawStatus, 304, `${path}: a reload revalidates the page`);
				assert.equal(rdoc.requestHeaders['if-none-match'], first.headers().etag);
			});
		});
	}
});
