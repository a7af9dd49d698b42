// The harness itself (lib/browser.mjs): that it sees what it claims to see —
// a console error, an uncaught exception, a CSP violation, a missing file, a
// password challenge — so that a quiet run means a clean page, not a blind
// harness; and that a tab whose page hangs still closes.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk;

before(async () => { desk = await openDesk({ endUsers: ['alice'] }); });
after(async () => { await desk?.close(); });

/** Runs fn on a loaded portal page and resolves the problems the tab saw (after it closed). */
async function problemsOf(fn, { allow } = {}) {
	let seen;
	const err = await desk.withTab({ allow }, async (tab) => {
		seen = tab.problems;
		await tab.goto('/portal/');
		await tab.ready();
		await fn(tab);
		// give late reports a moment (CSP and console events are asynchronous)
		const until = Date.now() + 3000;
		while (!tab.problems.length && Date.now() < until)
			await new Promise((r) => setTimeout(r, 50));
	}).then(() => null, (e) => e);
	return { err, seen };
}

it('a clean page passes', async () => {
	await desk.withTab({}, async (tab) => {
		await tab.goto('/portal/');
		await tab.ready();
		await tab.idle();
		assert.deepEqual(tab.problems, []);
	});
});

it('fails on console.error', async () => {
	const { err, seen } = await problemsOf((tab) => tab.page.evaluate(() => console.error('boom from the page')));
	assert.match(err?.message ?? '', /the page had problems:[\s\S]*\[console\] boom from the page/);
	assert.equal(seen[0].kind, 'console');
});

it('fails on an uncaught exception', async () => {
	const { err } = await problemsOf((tab) => tab.page.evaluate(() => setTimeout(() => { throw new Error('kaboom'); })));
	assert.match(err?.message ?? '', /\[pageerror\] Error: kaboom/);
});

it('fails on a CSP violation: an inline script and an inline style', async () => {
	const { err, seen } = await problemsOf((tab) => tab.page.evaluate(() => {
		const s = document.createElement('script');
		s.textContent = 'window.__ran = 1';
		document.body.append(s);
		const d = document.createElement('div');
		d.innerHTML = '<p style="color: red">red</p>';
		document.body.append(d);
	}));
	assert.match(err?.message ?? '', /\[csp\] violates script-src/);
	assert.ok(seen.some((p) => p.kind === 'csp' && /style-src/.test(p.text)), JSON.stringify(seen));
});

it('fails on a missing file of ours', async () => {
	const { err } = await problemsOf((tab) => tab.page.evaluate(() => {
		const s = document.createElement('script');
		s.src = '/assets/missing.js';
		document.head.append(s);
	}));
	assert.match(err?.message ?? '', /status of 404[\s\S]*missing\.js/);
});

it('tolerates 401 from the API before signing in, not after', async () => {
	await desk.withTab({}, async (tab) => {
		await tab.goto('/portal/');
		await tab.page.evaluate(() => fetch('/api/v2/auth/session', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })
			.then((r) => r.text()));
		await tab.idle();
		assert.deepEqual(tab.unexpected(), []);
	});
	const { err } = await problemsOf(async (tab) => {
		await tab.signIn(desk.users.alice);
		await tab.context.clearCookies(); // the session is gone
		await tab.page.evaluate(() => fetch('/api/v2/auth/session', { headers: { 'X-Requested-With': 'XMLHttpRequest' } }));
	});
	assert.match(err?.message ?? '', /\[console\] Failed to load resource: the server responded with a status of 401/);
});

it('names a password challenge, and the page still gets its 401', async () => {
	let status;
	const { err } = await problemsOf(async (tab) => {
		// no X-Requested-With: the server challenges; Chromium would ask for a password
		status = await tab.page.evaluate(() => fetch('/api/v2/users/me').then((r) => r.status));
	});
	assert.match(err?.message ?? '', /\[auth-challenge\] GET http:\S+\/api\/v2\/users\/me: 401 with a basic challenge/);
	assert.equal(status, 401);
});

it('an allow list lets a test expect a problem', async () => {
	const { err } = await problemsOf((tab) => tab.page.evaluate(() => console.error('expected noise')),
		{ allow: [/expected noise/] });
	assert.equal(err, null);
});
