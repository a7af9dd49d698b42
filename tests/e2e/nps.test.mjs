// NPS in a real browser (issue 16): an admin makes a survey in Admin → NPS
// surveys, previews its Ukrainian mail and sends it; the customer answers
// from the link in the captured mail — a click on 2 shows it chosen, and
// the page's button (with the "why?" beside it, no script needed) records
// it — and the report shows the score, the trend chart and the
// detractor's words, with the follow-up opened.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startSmtp } from '../api/lib/smtp.mjs';
import { PASSWORD, it, openDesk } from './lib/browser.mjs';

let desk, srv, smtp;

before(async () => {
	smtp = await startSmtp();
	desk = await openDesk({ agents: ['olena'], endUsers: ['alice'] });
	srv = desk.srv;
	let r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
	r = await srv.api('PUT', `/api/v2/users/${srv.users.alice.id}`, { user: { locale: 'uk' } });
	assert.equal(r.status, 200, r.text);
	const tk = await desk.ticket({ subject: 'Кавоварка не вмикається' }, { as: srv.users.alice });
	r = await srv.api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { assignee_id: srv.users.olena.id, status: 'solved',
		comment: { body: 'Замінили блок живлення.', public: true } } }, { auth: srv.users.olena });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
});

it('an admin sends a survey, the customer answers from the mail, the report shows it', async () => {
	await desk.withTab({}, async (admin) => {
		await admin.signIn(srv.admin);
		await admin.goto('/agent/admin/nps');
		await admin.page.fill('[data-test=nps-name]', 'Грудень');
		await admin.page.selectOption('[data-test=nps-detractor]', 'ticket');
		await admin.page.click('[data-test=nps-create]');
		const row = admin.page.locator('[data-test=nps-survey]').first();
		await row.waitFor();
		await row.locator('[data-test=nps-preview-open]').click();
		await admin.page.selectOption('#nps-preview-lang', 'uk');
		await admin.page.locator('[data-test=nps-preview] pre', { hasText: 'порекомендуєте' }).waitFor();
		await row.locator('[data-test=nps-send]').click();
		await admin.page.locator('[data-test=nps-survey][data-status=sent]').waitFor({ timeout: 15000 });
	});

	const mail = await smtp.waitFor((m) => m.headers.to === 'alice@example.test' && /\/nps\//.test(m.text));
	const link = mail.text.match(/https?:\/\/\S+\/nps\/[0-9a-f-]+\?score=2\b/)[0].replace(/^https?:\/\/[^/]+/, srv.base);
	await desk.withTab({ locale: 'uk-UA', javaScriptEnabled: false }, async (cust) => {
		// the link only chooses: 2 checked, nothing recorded until the button
		await cust.page.goto(link);
		assert.match(await cust.page.textContent('main'), /Це ваша відповідь\?/);
		assert.equal(await cust.page.isChecked('input[name=score][value="2"]'), true);
		const before = await srv.api('GET', '/api/v2/nps/report');
		assert.equal(before.json.nps_report.score.responses, 0, 'opening the link records nothing');
		await cust.page.fill('textarea[name=comment]', 'Чекали відповіді тиждень');
		await cust.page.click('[data-test=nps-send]');
		await cust.page.waitForSelector('text=Дякуємо, що розповіли');
		assert.match(await cust.page.textContent('.nps-score'), /^2$/);
	});

	await desk.withTab({}, async (admin) => {
		await admin.signIn(srv.admin);
		await admin.goto('/agent/reports/nps');
		await admin.page.locator('[data-test=nps-value]', { hasText: '-100' }).waitFor();
		assert.equal(await admin.page.locator('[data-test=nps-chart] [data-test=nps-point]').count(), 1);
		assert.match(await admin.page.textContent('[data-test=nps-comments]'), /Чекали відповіді тиждень/);
		assert.match(await admin.page.textContent('[data-test=nps-by-agent]'), /olena/i);
		assert.equal((await admin.page.textContent('[data-test=nps-followups-failed]')).trim(), '0');
		assert.match(await admin.page.getAttribute('[data-test=nps-csv]', 'href'), /format=csv/);
		// a channel by its name in the reader's language, not the API's key
		assert.match(await admin.page.textContent('[data-test=nps-by-channel] tbody'), /^API/);
		// what customers said, by kind: alice, a detractor, is no promoter
		await admin.page.selectOption('[data-test=nps-c-kind]', 'promoters');
		await admin.page.locator('[data-test=nps-comments]').waitFor({ state: 'detached' });
		await admin.page.selectOption('[data-test=nps-c-kind]', 'detractors');
		assert.match(await admin.page.locator('[data-test=nps-comment]').first().textContent(), /Чекали відповіді тиждень/);
		// a week to yesterday: nobody had answered yet
		const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
		await admin.page.fill('[data-test=nps-r-from]', day(-7));
		await admin.page.fill('[data-test=nps-r-to]', day(-1));
		await admin.page.click('[data-test=nps-r-show]');
		await admin.page.locator('[data-test=nps-empty]').waitFor();
		assert.match(await admin.page.getAttribute('[data-test=nps-csv]', 'href'),
			new RegExp(`start_time=${day(-7)}T00:00:00Z&end_time=${day(0)}T00:00:00`));
	});
});

it('a viewer picks a survey on the report as everyone does: the survey list is theirs to read', async () => {
	const r = await srv.api('POST', '/api/v2/users', { user: { name: 'Віра Переглядач', email: 'vira.nps@example.test',
		role: 'viewer', password: PASSWORD } });
	assert.equal(r.status, 201, r.text);
	await desk.withTab({}, async (tab) => {
		await tab.signIn({ email: 'vira.nps@example.test', password: PASSWORD });
		await tab.goto('/agent/reports/nps');
		await tab.page.locator('[data-test=nps-r-survey] option', { hasText: 'Грудень' }).waitFor({ state: 'attached' });
		await tab.page.selectOption('[data-test=nps-r-survey]', { label: 'Грудень' });
		await tab.page.click('[data-test=nps-r-show]');
		await tab.page.locator('[data-test=nps-value]', { hasText: '-100' }).waitFor();
	});
});
