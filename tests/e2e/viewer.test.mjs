// A viewer in a real browser (issue 16, docs/security.md "Roles"): signs in
// through the workspace's own form, lands on the reports, finds only the
// reports in the navigation and no search, reads the breached ticket's
// subject with the customer's number and address masked and not as a link,
// and what a customer searched the help center for, masked the same;
// and any other workspace address — a ticket's, the queues' — says "not
// available for your role" in Ukrainian, Russian, Lithuanian and English,
// with the way back, without the page ever asking the API for a ticket.
// Then the listening reports — Satisfaction, NPS, Complaints, Suggestions —
// over what customers said through the real flows, contacts in their words:
// each chart and its table, no error, no address or number in the page; and
// an idea the Suggestions report links to, opened read-only with its
// answer and comments.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';

import { sqlOn } from '../api/lib/server.mjs';
import { startSmtp } from '../api/lib/smtp.mjs';
import { PASSWORD, it, openDesk } from './lib/browser.mjs';

let desk, srv, smtp, viewer, late, idea;

function sqlite(db, text) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', '-cmd', '.timeout 10000', db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(text);
	});
}
const sql = (text) => (srv.db ? sqlOn(srv.db, text) : sqlite(path.join(srv.dir, 'frontline.db'), text));

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

before(async () => {
	desk = await openDesk({ agents: ['rasa'], endUsers: ['jonas'] });
	srv = desk.srv;
	viewer = { ...(await ok('POST', '/api/v2/users', { user: { name: 'Віра Переглядач', email: 'vira@example.test',
		role: 'viewer', password: PASSWORD } })).user, password: PASSWORD };
	const policy = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Базова обіцянка',
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }] } })).sla_policy;
	for (let i = 0; i < 150; i++) { // the recompute the new policy queued would measure the ticket again
		if (Number(String(await sql("SELECT COUNT(*) FROM jobs WHERE kind = 'sla-recompute' AND state IN (0, 1);")).trim()) === 0)
			break;
		await new Promise((r) => setTimeout(r, 200));
	}
	late = (await ok('POST', '/api/v2/tickets', { ticket: { priority: 'urgent',
		subject: 'Дзвоніть +380 67 123 45 67 або пишіть jonas@example.test',
		comment: { body: 'Допоможіть.' } } }, srv.users.jonas)).ticket;
	const asked = Math.floor(Date.parse(late.created_at) / 1000);
	await sql(`DELETE FROM ticket_sla_metrics WHERE ticket_id = ${late.id};
		INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours, target, stage, breach_at,
			achieved_at, used, cycles, breaches)
		VALUES (${late.id}, 'first_reply_time', ${policy.id}, 0, 60, 'breached', ${asked + 60}, NULL, 7200, 1, 1);
		UPDATE ticket_slas SET next_event_at = NULL WHERE ticket_id = ${late.id};`);
	const q = encodeURIComponent('доставка jonas@example.test 067 123 45 67');
	assert.equal((await srv.api('GET', `/api/v2/help_center/articles/search?query=${q}`, null, { auth: 'anonymous' })).status, 200);
	await listening();
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
});

// What the customer said, with their contacts in it, through the flows
// customers and agents use: a ticket solved as a complaint and rated bad,
// an NPS survey mailed and answered from its link, an idea with a comment
// and the team's answer.
const SAID = {
	rating: 'Подзвоніть 067 765 43 21 або jonas.p@example.test',
	why: 'Повільно. Пишіть jonas@example.test',
	idea: 'Кнопка «передзвоніть» на 067 765 43 21',
	details: 'Або напишіть jonas.p@example.test',
	comment: 'Так! Мій номер +380 50 111 22 33',
};
const LEAKS = ['jonas@example.test', 'jonas.p@example.test', '765 43 21', '111 22 33'];

async function listening() {
	const { jonas, rasa } = srv.users;
	smtp = await startSmtp();
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: { smtp_url: `smtp://127.0.0.1:${smtp.port}`,
		from_address: 'support@shop.test' } });
	const reason = (await ok('POST', '/api/v2/complaint_reasons', { complaint_reason: { names: { en: 'Late courier',
		uk: 'Кур’єр запізнився' } } })).complaint_reason;
	const tk = (await ok('POST', '/api/v2/tickets', { ticket: { subject: 'Де моє повернення?', requester_id: jonas.id,
		assignee_id: rasa.id, comment: { body: 'Де гроші?' } } }, rasa)).ticket;
	await ok('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { status: 'solved', complaint: { reason_id: reason.id },
		comment: { body: 'Повернули.', public: true } } }, rasa);
	await ok('POST', `/api/v2/tickets/${tk.id}/satisfaction_rating`, { satisfaction_rating: { score: 'bad',
		comment: SAID.rating } }, jonas);
	const survey = (await ok('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'Грудень', audience: 'solved',
		audience_days: 30 } })).nps_survey;
	assert.equal((await srv.api('POST', `/api/v2/nps/surveys/${survey.id}/send`)).status, 202);
	const m = await smtp.waitFor((x) => x.headers.to === jonas.email && /\/nps\//.test(x.text));
	const link = m.text.match(/https?:\/\/[^\s/]+(\/nps\/[0-9a-f-]+)\?score=2\b/);
	assert.ok(link, m.text);
	const r = await fetch(srv.base + link[1], { method: 'POST', redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ score: '2', comment: SAID.why }).toString() });
	assert.equal(r.status, 200, await r.text());
	idea = (await ok('POST', '/api/v2/ideas', { idea: { title: SAID.idea, details: SAID.details } }, jonas)).idea;
	await ok('POST', `/api/v2/ideas/${idea.id}/comments`, { comment: { body: SAID.comment } }, jonas);
	await ok('PUT', `/api/v2/ideas/${idea.id}`, { idea: { status: 'planned', answer: 'Зробимо до весни.' } }, rasa);
}

const NOT_AVAILABLE = {
	uk: ['Недоступно для вашої ролі', 'До звітів'],
	ru: ['Недоступно для вашей роли', 'К отчётам'],
	lt: ['Jūsų vaidmeniui nepasiekiama', 'Į ataskaitas'],
	en: ['Not available for your role', 'Go to the reports'],
};

it('a viewer signs in, reads the reports with contacts masked, and reaches no ticket', async () => {
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => { if (!localStorage.getItem('fl.locale')) localStorage.setItem('fl.locale', 'uk'); });
		await page.goto(`${tab.base}/agent/`);
		await page.fill('#email', viewer.email);
		await page.fill('#password', viewer.password);
		await page.click('button[type=submit]');
		tab.signedIn = true;
		await page.waitForURL('**/agent/reports/sla');
		await page.waitForSelector('[data-test=report-breach]');

		// the navigation is the reports and nothing else; no search, no queues
		const links = await page.locator('[data-test=side-nav] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		assert.deepEqual(links, ['/agent/reports/sla']);
		// and every report is a tab over the one shown, the one shown marked
		const tabs = await page.locator('[data-test=report-tabs] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		assert.deepEqual(tabs, ['sla', 'satisfaction', 'nps', 'complaints', 'suggestions', 'self-service', 'chat'].map((r) => `/agent/reports/${r}`));
		assert.equal(await page.getAttribute('[data-test=report-tab-sla]', 'aria-current'), 'page');
		assert.equal(await page.getAttribute('[data-test=nav-reports]', 'aria-current'), 'page');
		assert.equal(await page.locator('[data-test=top-search]').count(), 0);
		assert.equal(await page.locator('[data-test=nav-tasks]').count(), 0);
		assert.equal(await page.locator('.side a[href^="/agent/queues"]').count(), 0);

		// the breached ticket: its subject masked, not a way into the ticket
		const row = page.locator('[data-test=report-breach]');
		assert.match(await row.textContent(), new RegExp(`#${late.id} Дзвоніть \\+380 … 67 або пишіть j…@…`));
		assert.equal(await row.locator('a').count(), 0);
		const text = await page.textContent('body');
		assert.ok(!text.includes('jonas@example.test') && !text.includes('123 45 67'), text);

		// the other report: what the customer searched for, masked too
		await page.click('[data-test=report-tabs] a[href="/agent/reports/self-service"]');
		await page.waitForSelector('[data-test=kbr-search]');
		assert.match(await page.textContent('[data-test=kbr-searches]'), /доставка j…@… … 67/);
		assert.ok(!(await page.textContent('body')).includes('jonas@example.test'));

		// a ticket's address: not available, and the way back
		await tab.goto(`/agent/tickets/${late.id}`);
		await page.waitForSelector('[data-test=not-available]');
		assert.equal(await page.textContent('[data-test=not-available] h1'), NOT_AVAILABLE.uk[0]);
		await page.getByRole('link', { name: NOT_AVAILABLE.uk[1] }).click();
		await page.waitForURL('**/agent/reports/sla');
		await page.waitForSelector('[data-test=report-breach]');

		// in every language, at any address that is not a report
		for (const [l, [title, back]] of Object.entries(NOT_AVAILABLE)) {
			await page.evaluate((x) => localStorage.setItem('fl.locale', x), l);
			await tab.goto('/agent/queues/my-open');
			await page.waitForSelector('[data-test=not-available]');
			assert.equal(await page.textContent('[data-test=not-available] h1'), title, l);
			assert.equal(await page.textContent('[data-test=to-reports]'), back, l);
		}
		await tab.idle();
		// the page never asked for a ticket, a queue or anything a viewer may not read
		const asked = tab.network().map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/api/'));
		assert.deepEqual(asked.filter((p) => !/^\/api\/v2\/(slas\/reports|help_center\/reports|users\/me$|auth\/session$)/.test(p)), []);
		// and was refused nothing (but "who is signed in?" before the sign-in)
		assert.deepEqual(tab.network().filter((r) => r.status === 403 ||
			(r.status === 401 && !r.url.endsWith('/api/v2/auth/session'))).map((r) => r.url), []);
	});
});

it('a viewer reads the listening reports and opens an idea read-only, contacts masked', async () => {
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(viewer);
		const clean = async (what) => {
			assert.equal(await page.locator('.banner.error').count(), 0, what);
			const text = await page.textContent('main');
			assert.deepEqual(LEAKS.filter((x) => text.includes(x)), [], what);
		};
		// each report: its chart, the same figures as a table, what was said
		for (const [report, chart, table] of [['satisfaction', 'csat-chart', 'csat-trend'], ['nps', 'nps-chart', 'nps-trend'],
			['complaints', 'complaints-chart', 'cr-reasons'], ['suggestions', 'idr-chart', 'idr-statuses']]) {
			await tab.goto(`/agent/reports/${report}`);
			await page.waitForSelector(`[data-test=${chart}]`);
			assert.ok(await page.locator(`[data-test=${table}] tbody tr`).count() > 0, report);
			await tab.idle();
			await clean(report);
		}
		await tab.goto('/agent/reports/nps');
		await page.locator('[data-test=nps-comment]', { hasText: 'Повільно. Пишіть j…@…' }).waitFor();
		await tab.goto('/agent/reports/complaints');
		assert.match(await page.textContent('[data-test=cr-reasons]'), /Кур’єр запізнився/);

		// the idea the report links to: its text, answer and comment, masked, and nothing to change
		await tab.goto('/agent/reports/suggestions');
		await page.click(`[data-test=idr-idea][data-id="${idea.id}"] a`);
		await page.waitForSelector('[data-test=idea-comment]');
		assert.match(await page.textContent('[data-test=idea-title]'), /передзвоніть» на … 21/);
		assert.match(await page.textContent('[data-test=idea-details]'), /напишіть j…@…/);
		assert.match(await page.textContent('[data-test=idea-answer-read]'), /Зробимо до весни\./);
		assert.match(await page.textContent('[data-test=idea-comment]'), /Мій номер \+380 … 33/);
		assert.equal(await page.getAttribute('[data-test=idea-status]', 'data-status'), 'planned');
		const article = page.locator('[data-test=idea]');
		assert.equal(await article.locator('button, input, select, textarea, form').count(), 0);
		assert.equal(await page.locator('[data-test=idea-tickets], [data-test=not-available]').count(), 0);
		await tab.idle();
		await clean('idea');
		// and the list of ideas it goes back to
		await page.click('text=← Усі ідеї');
		await page.waitForSelector(`[data-test=idea-row][data-id="${idea.id}"]`);
		await clean('ideas');

		// nothing asked was refused, no ticket asked for
		const asked = tab.network();
		assert.deepEqual(asked.filter((r) => /\/api\/v2\/tickets\b|\/ideas\/\d+\/tickets/.test(r.url)).map((r) => r.url), []);
		assert.deepEqual(asked.filter((r) => r.status === 403).map((r) => r.url), []);
	});
});

it('an admin makes an agent a viewer on Admin → Agents, in Lithuanian', async () => {
	const { rasa } = srv.users;
	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/agents');
		const select = page.locator(`#role-${rasa.id}`);
		await select.waitFor();
		// the viewer already made is listed among the people with a role
		assert.equal(await page.locator(`#role-${viewer.id}`).inputValue(), 'viewer');
		assert.match(await page.textContent('[data-test=viewer-hint]'), /Stebėtojas skaito ataskaitas/);
		await select.selectOption({ label: 'Stebėtojas' });
		await page.waitForSelector('text=Išsaugota.');
		const r = await srv.api('GET', `/api/v2/users/${rasa.id}`);
		assert.equal(r.json.user.role, 'viewer');
		await page.waitForFunction((id) => document.querySelector(`#role-${id}`)?.value === 'viewer', rasa.id);
	});
});
