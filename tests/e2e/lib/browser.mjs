// Browser end-to-end harness: the real frontline binary (tests/api's
// startServer: a free loopback port, a temporary data folder) driven by
// Debian's Chromium through playwright-core, which never downloads a browser.
//
//   const desk = await openDesk({ agents: ['agent'], endUsers: ['alice'] });
//   await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
//       await tab.goto('/portal/');
//       await tab.ready();                 // the app rendered its <main><h1>
//   });                                    // asserts no console error, page error,
//                                          // CSP violation; closes the context
//   await desk.close();                    // in after(): tabs, browser, server
//
// Every tab is a fresh browser context (its own cookies, cache and storage)
// whose locale sets Accept-Language and navigator.languages. Each tab
// records, through its own DevTools session, every request of its page
// (status as sent, from cache or not, bytes on the wire), so tests can
// measure what the browser downloaded.
//
// Environment: FRONTLINE_BIN (the binary; tests/api/lib/server.mjs),
// FRONTLINE_CHROMIUM (default /usr/bin/chromium), FRONTLINE_TEST_PG (a
// PostgreSQL server for the desks opened with postgres: true).
import assert from 'node:assert/strict';
import { it as nodeIt } from 'node:test';

import { chromium } from 'playwright-core';

import { PASSWORD, BIN, runCli, startServer } from '../../api/lib/server.mjs';

export { PASSWORD, BIN, runCli, startServer };

export const CHROMIUM = process.env.FRONTLINE_CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's
// hosts, which a closed network refuses; --no-sandbox because the check may
// run as root.
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-quic', '--no-first-run'];

/** The browser locales the apps are tested in: Accept-Language and navigator.languages. */
export const LOCALES = ['uk-UA', 'ru-RU', 'lt-LT', 'en-US'];

// Every wait is bounded: a hung page fails its test, it does not hang the suite.
export const TIMEOUT = {
	launch: 30_000, // Chromium up and answering
	close: 10_000, // a context or the browser closed
	action: 10_000, // a click, a selector, an evaluate
	navigation: 20_000, // a page and everything it loads (a sanitizer build is slow)
	idle: 10_000, // no requests for 500 ms
	test: 180_000, // a whole test (it, below)
};

/**
 * node:test's it with each test bounded by TIMEOUT.test (an explicit
 * timeout option wins): Node 18, Debian 12's, has no --test-timeout.
 */
export function it(name, options, fn) {
	if (typeof options === 'function')
		[options, fn] = [{}, options];
	return nodeIt(name, { timeout: TIMEOUT.test, ...options }, fn);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves what p resolves, or rejects after ms with "what timed out". */
export async function bounded(p, ms, what) {
	let timer;
	try {
		return await Promise.race([p, new Promise((resolve, reject) => {
			timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
		})]);
	} finally {
		clearTimeout(timer);
	}
}

/** Launches Debian's Chromium, headless, with its own empty profile. */
export function launchBrowser() {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: CHROMIUM_ARGS,
		headless: true,
		timeout: TIMEOUT.launch,
	});
}

// Reports CSP violations from every frame to the test (exposed as __flCsp).
// Chromium also prints them as console errors; this says which directive.
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
	try {
		window.__flCsp(JSON.stringify({ directive: e.violatedDirective, blocked: e.blockedURI,
			source: e.sourceFile, line: e.lineNumber, sample: e.sample }));
	} catch (err) { /* the binding is gone: the page is closing */ }
}, true);`;

/**
 * One page in a browser context of its own, with what went wrong on it:
 * problems collects {kind, text} for console errors, uncaught page errors,
 * CSP violations, failed requests, a crash, and any HTTP Basic challenge
 * that would open the browser's own password dialog.
 */
export class Tab {
	constructor(desk, context, page, cdp, opts) {
		this.desk = desk;
		this.context = context;
		this.page = page;
		this.cdp = cdp;
		this.locale = opts.locale;
		this.allow = opts.allow ?? [];
		this.watchAuth = opts.watchAuth ?? true;
		this.signedIn = false;
		this.problems = [];
		this.requests = new Map(); // DevTools requestId -> record
		this.closed = false;
	}

	get base() { return this.desk.base; }

	problem(kind, text) {
		this.problems.push({ kind, text, at: this.page.isClosed() ? '' : this.page.url() });
	}

	/** What a request looks like to the tests, built from the DevTools events. */
	record(id) {
		let r = this.requests.get(id);
		if (!r) {
			// the *ExtraInfo events may come before or after the main ones
			r = { id, url: '', method: '', type: '', status: 0, rawStatus: 0, headers: {},
				requestHeaders: {}, fromDiskCache: false, fromMemoryCache: false,
				headerBytes: 0, wireBytes: 0, finished: false, failed: null };
			this.requests.set(id, r);
		}
		return r;
	}

	/** Listens to a page (and its DevTools session); once per page. */
	async attachPage(page, cdp) {
		page.setDefaultTimeout(TIMEOUT.action);
		page.setDefaultNavigationTimeout(TIMEOUT.navigation);
		page.on('console', (m) => {
			if (m.type() !== 'error')
				return;
			const url = m.location()?.url ?? '';
			// An app asking "who is signed in?" with no session gets 401; the
			// browser logs that as an error. Tolerated until the tab signs in.
			if (!this.signedIn && /status of 401\b/.test(m.text()) && this.sameOrigin(url) &&
			    new URL(url).pathname.startsWith('/api/'))
				return;
			this.problem('console', `${m.text()}${url ? ` (${url})` : ''}`);
		});
		page.on('pageerror', (err) => this.problem('pageerror', err.stack || String(err)));
		page.on('crash', () => this.problem('crash', 'the page crashed'));
		page.on('dialog', (d) => {
			this.problem('dialog', `unexpected ${d.type()} dialog: ${d.message()}`);
			d.dismiss().catch(() => {});
		});

		cdp.on('Network.requestWillBeSent', (e) => {
			if (e.redirectResponse) {
				// the same requestId goes on after a redirect: keep the hop apart
				const hop = this.record(e.requestId);
				this.requests.delete(e.requestId);
				hop.status = hop.rawStatus = e.redirectResponse.status;
				hop.headers = lower(e.redirectResponse.headers);
				hop.finished = true;
				this.requests.set(`${e.requestId}#${this.requests.size}`, hop);
			}
			const r = this.record(e.requestId);
			Object.assign(r, { url: e.request.url, method: e.request.method, type: e.type ?? '' });
		});
		cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
			Object.assign(this.record(e.requestId).requestHeaders, lower(e.headers));
		});
		cdp.on('Network.responseReceived', (e) => {
			const r = this.record(e.requestId);
			r.status = e.response.status;
			r.type = e.type ?? r.type;
			r.headers = { ...lower(e.response.headers), ...r.headers };
			r.fromDiskCache = !!(e.response.fromDiskCache || e.response.fromPrefetchCache);
			r.headerBytes = e.response.encodedDataLength ?? 0;
		});
		cdp.on('Network.responseReceivedExtraInfo', (e) => {
			// the status and headers as they came over the wire (304, 401 …)
			const r = this.record(e.requestId);
			r.rawStatus = e.statusCode;
			r.headers = { ...r.headers, ...lower(e.headers) };
			if (e.statusCode === 401 && r.headers['www-authenticate'])
				this.problem('auth-challenge', `401 with "WWW-Authenticate: ${r.headers['www-authenticate']}" ` +
					`for ${r.url || 'a request'}: a browser would open its own password dialog there`);
		});
		cdp.on('Network.requestServedFromCache', (e) => { this.record(e.requestId).fromMemoryCache = true; });
		cdp.on('Network.loadingFinished', (e) => {
			const r = this.record(e.requestId);
			r.wireBytes = e.encodedDataLength;
			r.finished = true;
		});
		cdp.on('Network.loadingFailed', (e) => {
			const r = this.record(e.requestId);
			r.failed = e.errorText;
			r.finished = true;
			// a navigation away cancels what the old page was still loading
			if (!e.canceled && e.errorText !== 'net::ERR_ABORTED' && this.sameOrigin(r.url))
				this.problem('requestfailed', `${r.method} ${r.url}: ${e.errorText}${e.blockedReason ? ` (${e.blockedReason})` : ''}`);
		});
		await cdp.send('Network.enable');
		if (this.watchAuth) {
			// Chromium holds a 401 with a Basic challenge back from DevTools'
			// Network events until someone answers the challenge: only the
			// Fetch domain sees it. API requests pass through untouched.
			cdp.on('Fetch.requestPaused', (e) => {
				cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {});
			});
			cdp.on('Fetch.authRequired', (e) => {
				this.problem('auth-challenge', `${e.request.method} ${e.request.url}: 401 with a ` +
					`${e.authChallenge.scheme} challenge (realm "${e.authChallenge.realm}"); a browser would ` +
					'open its own password dialog there');
				// as if the person pressed Cancel: the page gets its 401
				cdp.send('Fetch.continueWithAuth', { requestId: e.requestId,
					authChallengeResponse: { response: 'CancelAuth' } }).catch(() => {});
			});
			await cdp.send('Fetch.enable', { handleAuthRequests: true,
				patterns: [{ urlPattern: '*/api/*', requestStage: 'Request' }] });
		}
	}

	/** The context's part: the CSP reports of every frame of every page. */
	async attach() {
		await this.context.exposeBinding('__flCsp', (_source, json) => {
			const v = JSON.parse(json);
			this.problem('csp', `violates ${v.directive}: ${v.blocked || v.sample || '?'}` +
				`${v.source ? ` (${v.source}:${v.line})` : ''}`);
		});
		await this.context.addInitScript(CSP_LISTENER);
		await this.attachPage(this.page, this.cdp);
	}

	/**
	 * Moves to a new page in the same context (same cookies and HTTP cache:
	 * a visitor coming back) and closes the old one.
	 */
	async reopen() {
		const old = this.page, oldCdp = this.cdp;
		const page = await this.context.newPage();
		const cdp = await this.context.newCDPSession(page);
		await this.attachPage(page, cdp);
		this.page = page;
		this.cdp = cdp;
		await oldCdp.detach().catch(() => {});
		await bounded(old.close(), TIMEOUT.close, 'closing a page').catch(() => {});
	}

	sameOrigin(url) {
		try {
			return new URL(url).origin === new URL(this.base).origin;
		} catch {
			return false;
		}
	}

	/** Opens a path of the server (or a full URL); resolves Playwright's Response. */
	async goto(path, { waitUntil = 'load' } = {}) {
		const url = /^https?:/.test(path) ? path : this.base + path;
		return this.page.goto(url, { waitUntil, timeout: TIMEOUT.navigation });
	}

	/**
	 * Waits until none of the page's requests has been under way for 500 ms
	 * (bounded). Event streams (/api/v2/events) do not count: they never end,
	 * which is why Playwright's 'networkidle' would not do.
	 */
	async idle(ms = TIMEOUT.idle) {
		const deadline = Date.now() + ms;
		let quietSince = Date.now();
		for (;;) {
			const busy = [...this.requests.values()].filter((r) => r.url && !r.finished &&
				r.type !== 'EventSource' && !/^(data|blob):/.test(r.url));
			if (busy.length)
				quietSince = Date.now();
			else if (Date.now() - quietSince >= 500)
				return;
			if (Date.now() > deadline)
				throw new Error(`requests still under way after ${ms} ms: ${busy.map((r) => r.url).join(', ')}`);
			await sleep(50);
		}
	}

	/**
	 * Waits for the app to have rendered: selector (default: a heading in
	 * <main>) visible. Resolves the element's handle.
	 */
	async ready(selector = 'main h1', ms = TIMEOUT.action) {
		return this.page.waitForSelector(selector, { state: 'visible', timeout: ms });
	}

	/** Signs the context in as user (a harness user) through the API's session sign-in. */
	async signIn(user, password = user.password ?? PASSWORD) {
		const r = await this.context.request.post(`${this.base}/api/v2/auth/session`, {
			data: { email: user.email, password }, timeout: TIMEOUT.action,
		});
		assert.ok(r.ok(), `sign-in as ${user.email}: ${r.status()} ${await r.text()}`);
		this.signedIn = true;
		return (await r.json()).user;
	}

	/**
	 * Signs user in as a person does, through the workspace's sign-in page,
	 * and waits for the first queue's list.
	 */
	async signInByForm(user) {
		await this.page.goto(`${this.base}/agent/`);
		await this.page.fill('#email', user.email);
		await this.page.fill('#password', user.password);
		await this.page.click('button[type=submit]');
		await this.page.waitForSelector('[data-test=ticket-list]');
		this.signedIn = true;
	}

	/** The requests recorded so far, in order; only those of the server by default. */
	network({ all = false } = {}) {
		return [...this.requests.values()].filter((r) => r.url && (all || this.sameOrigin(r.url)));
	}

	/** Forgets the requests recorded so far (before a second load, say). */
	clearNetwork() {
		this.requests.clear();
	}

	/** The problems not matched by the tab's allow list (regular expressions on the text). */
	unexpected() {
		return this.problems.filter((p) => !this.allow.some((re) => re.test(p.text)));
	}

	/** Fails with every console error, page error, CSP violation … seen so far. */
	assertClean() {
		const bad = this.unexpected();
		assert.equal(bad.length, 0, `the page had problems:\n${bad.map((p) =>
			`  [${p.kind}] ${p.text}${p.at ? `\n      on ${p.at}` : ''}`).join('\n')}`);
	}

	/** Closes the context (and so the page); bounded, never throws. */
	async close() {
		if (this.closed)
			return;
		this.closed = true;
		this.desk.tabs.delete(this);
		try {
			await bounded(this.context.close(), TIMEOUT.close, 'closing a browser context');
		} catch (err) {
			this.desk.note(`${err.message}`);
		}
	}
}

function lower(headers = {}) {
	const out = {};
	for (const [k, v] of Object.entries(headers))
		out[k.toLowerCase()] = v;
	return out;
}

/**
 * A running frontline server and one Chromium for a test file. The server
 * options are tests/api's (agents, endUsers, env, data …).
 */
export class Desk {
	constructor(srv, browser) {
		this.srv = srv;
		this.browser = browser;
		this.tabs = new Set();
		this.notes = [];
		this.serial = 0;
	}

	get base() { return this.srv.base; }

	get users() { return this.srv.users; }

	note(text) { this.notes.push(text); }

	/**
	 * A new tab in a fresh context. opts: locale ('en-US'), viewport
	 * ({width: 1280, height: 800}), allow (regular expressions of problems
	 * a test expects), watchAuth (true: API requests pass through DevTools'
	 * Fetch domain, which alone sees a password challenge; false for a test
	 * that routes requests itself with page.route), and any other option of
	 * browser.newContext.
	 */
	async tab(opts = {}) {
		const { locale = 'en-US', viewport = { width: 1280, height: 800 }, allow, watchAuth, ...rest } = opts;
		const context = await this.browser.newContext({ locale, viewport, ...rest });
		let tab;
		try {
			const page = await context.newPage();
			const cdp = await context.newCDPSession(page);
			tab = new Tab(this, context, page, cdp, { locale, allow, watchAuth });
			this.tabs.add(tab);
			await tab.attach();
		} catch (err) {
			await bounded(context.close(), TIMEOUT.close, 'closing a browser context').catch(() => {});
			throw err;
		}
		return tab;
	}

	/**
	 * Runs fn(tab) in a fresh tab, then fails if the page had a console
	 * error, a page error, a CSP violation, a failed request or a password
	 * challenge; the tab is closed whatever happens.
	 */
	async withTab(opts, fn) {
		const tab = await this.tab(opts);
		try {
			await fn(tab);
			await sleep(50); // errors logged by the last task still arrive
			tab.assertClean();
		} catch (err) {
			// say what the page had to say, whatever failed
			const bad = tab.unexpected();
			if (bad.length && !/the page had problems/.test(err.message))
				err.message += `\nwhat the page reported:\n${bad.map((p) => `  [${p.kind}] ${p.text}`).join('\n')}`;
			throw err;
		} finally {
			await tab.close();
		}
	}

	// ---- test data, through the API (as the admin) and the CLI ----

	/** A new agent, NAME@example.test with password PASSWORD and an API token. */
	async agent(name, fields = {}) {
		return this.person('agent', name, fields);
	}

	/** A new end user (customer), NAME@example.test, password PASSWORD, an API token. */
	async endUser(name, fields = {}) {
		return this.person('end-user', name, fields);
	}

	async person(role, name, fields) {
		const u = await this.srv.addUser(role, fields.name ?? `${role === 'agent' ? 'Agent' : 'Customer'} ${name}`,
			fields.email ?? `${name}@example.test`);
		const extra = { ...fields };
		delete extra.name;
		delete extra.email;
		if (Object.keys(extra).length) {
			const r = await this.srv.api('PUT', `/api/v2/users/${u.id}`, { user: extra });
			assert.equal(r.status, 200, `update user ${u.email}: ${r.text}`);
		}
		this.srv.users[name] = u;
		return u;
	}

	/**
	 * A new ticket: fields as the API takes them (body: the first comment's
	 * text); as: the harness user who creates it (the admin by default).
	 */
	async ticket(fields, { as } = {}) {
		return this.srv.ticket(fields, as ? { auth: as } : {});
	}

	/** One API request (tests/api's Server.api: auth is a harness user, the admin by default). */
	api(method, path, body, opts) {
		return this.srv.api(method, path, body, opts);
	}

	/**
	 * Closes every tab and the browser, then stops the server (SIGTERM,
	 * asserting a clean exit and no sanitizer report) and removes its data
	 * folder. Bounded; whatever fails, everything is still closed.
	 */
	async close({ assertClean = true } = {}) {
		const errors = [];
		for (const t of [...this.tabs])
			await t.close();
		if (this.browser) {
			try {
				await bounded(this.browser.close(), TIMEOUT.close, 'closing Chromium');
			} catch (err) {
				errors.push(err);
				// playwright-core kills the browser's processes when node exits
			}
			this.browser = null;
		}
		if (this.srv) {
			try {
				await this.srv.stop({ assertClean });
			} catch (err) {
				errors.push(err);
			}
			await this.srv.cleanup();
			this.srv = null;
		}
		if (errors.length)
			throw errors[0];
	}
}

/**
 * Starts a server (startServer's options) and Chromium; see Desk. The
 * server keeps its data in SQLite unless postgres is true and
 * FRONTLINE_TEST_PG names a PostgreSQL server (scripts/check.sh e2e starts
 * one): a test that runs on both backends asks for it, the others stay on
 * SQLite.
 */
export async function openDesk({ postgres = false, ...serverOpts } = {}) {
	const srv = await startServer({ sqlite: !postgres, ...serverOpts });
	let browser;
	try {
		browser = await launchBrowser();
	} catch (err) {
		await srv.cleanup();
		throw err;
	}
	return new Desk(srv, browser);
}
