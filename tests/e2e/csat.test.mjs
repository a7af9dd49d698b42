// Customer satisfaction in a real browser (docs/feedback.md "CSAT"): a
// Ukrainian customer whose ticket is solved opens the "good" link from the
// mail the real SMTP server caught — in an English browser, the page is in
// her language, her choice made — writes a comment and presses the one
// button; then the admin opens Reports → Satisfaction, whose SVG chart,
// its table and the comments list show that rating, and not one of a
// ticket deleted as spam.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startSmtp } from '../api/lib/smtp.mjs';
import { it, openDesk } from './lib/browser.mjs';

let desk, srv, smtp;

before(async () => {
	smtp = await startSmtp();
	desk = await openDesk({ agents: ['rasa'] });
	srv = desk.srv;
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
});

it('rating from the e-mail link in the customer\'s language, then the Satisfaction report shows it', async () => {
	const { rasa } = srv.users;
	const oksana = await desk.endUser('oksana', { locale: 'uk' });
	const made = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Де моя посилка?', requester_id: oksana.id,
		assignee_id: rasa.id, comment: { body: 'Замовлення 4411 не прийшло.' } } }, { auth: rasa });
	assert.equal(made.status, 201, made.text);
	const t = made.json.ticket;
	const solved = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved',
		comment: { body: 'Посилку доставлено.', public: true } } }, { auth: rasa });
	assert.equal(solved.status, 200, solved.text);
	const mail = await smtp.waitFor((m) => m.headers.subject.includes(`[#${t.id}]`) && /\/csat\//.test(m.text));
	assert.match(mail.text, /Як ви оцінюєте підтримку, яку отримали\?/);
	const good = /https?:\/\/\S+(\/csat\/[0-9a-f-]+\?score=good)/.exec(mail.text)[1];

	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.goto(good);
		assert.equal(await page.getAttribute('html', 'lang'), 'uk');
		assert.equal(await page.textContent('h1'), `Оцініть звернення #${t.id}`);
		assert.equal(await page.isChecked('[data-test=csat-good]'), true);
		assert.equal(await page.isChecked('[data-test=csat-bad]'), false);
		await page.getByLabel('Хочете щось нам сказати? (необов’язково)').fill('Швидко й чемно, дякую!');
		await page.getByRole('button', { name: 'Надіслати оцінку' }).click();
		await page.waitForSelector('[data-test=csat-thanks]');
		assert.equal(await page.textContent('[data-test=csat-thanks]'), 'Дякуємо: вашу оцінку збережено.');
		assert.equal(await page.getAttribute('[data-test=csat-current]', 'data-score'), 'good');
	});
	const rating = (await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: rasa })).json.ticket.satisfaction_rating;
	assert.deepEqual([rating.score, rating.comment], ['good', 'Швидко й чемно, дякую!']);
	// a bad rating on a ticket then deleted as spam: no number and no comment counts it
	const spammer = await desk.endUser('spammer', { locale: 'en' });
	const spam = (await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Cheap watches', requester_id: spammer.id,
		assignee_id: rasa.id, comment: { body: 'Buy now' } } }, { auth: rasa })).json.ticket;
	assert.equal((await srv.api('PUT', `/api/v2/tickets/${spam.id}`, { ticket: { status: 'solved' } }, { auth: rasa })).status, 200);
	const spamRated = await srv.api('POST', `/api/v2/tickets/${spam.id}/satisfaction_rating`, { satisfaction_rating: {
		score: 'bad', comment: 'Spam comment' } }, { auth: spammer });
	assert.equal(spamRated.status, 200, spamRated.text);
	assert.equal((await srv.api('DELETE', `/api/v2/tickets/${spam.id}`, null, { auth: rasa })).status, 204);

	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/queues/my-open');
		// one Reports in the navigation, then the report's tab
		await page.click('[data-test=nav-reports]');
		await page.waitForSelector('[data-test=report-tabs]');
		await page.getByRole('link', { name: 'Satisfaction' }).click();
		await page.waitForSelector('[data-test=csat-chart]');
		assert.equal(await page.getAttribute('[data-test=nav-reports]', 'aria-current'), 'page');
		assert.equal(await page.getAttribute('[data-test=report-tab-sla]', 'aria-current'), null);
		assert.equal(await page.textContent('h1'), 'Customer satisfaction');
		assert.equal(await page.getAttribute('a[href="/agent/reports/satisfaction"]', 'aria-current'), 'page');
		assert.equal(await page.textContent('[data-test=csat-total]'), '100 %');
		assert.equal(await page.textContent('[data-test=csat-response]'), '100 %');
		// the chart has a bar for this week at 100 %, and the table says the same for screen readers
		const bars = page.locator('[data-test=csat-bar][data-csat="100"]');
		assert.equal(await bars.count(), 1);
		const row = page.locator(`[data-test=csat-row][data-key="${rasa.id}"]`);
		assert.match(await row.textContent(), /Agent rasa/);
		assert.equal(await row.locator('[data-test=csat-cell]').textContent(), '100 %');
		assert.equal(await page.locator('[data-test=csat-period-row]').count() >= 13, true, 'a week a row, the empty ones too');
		const comment = page.locator('[data-test=csat-comment]');
		assert.equal(await comment.count(), 1);
		assert.match(await comment.textContent(), /Швидко й чемно, дякую!/);
		// by channel: the ticket came by the API
		await page.getByLabel('Broken down by').selectOption('channel');
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForSelector('[data-test=csat-row][data-key=api]');
	});
});

it('a signed-in customer rates a solved request on the portal, in Russian, with a reason; a closed one shows it', async () => {
	const { rasa } = srv.users;
	const igor = await desk.endUser('igor', { locale: 'ru' });
	const reason = await srv.api('POST', '/api/v2/satisfaction_reasons', { reason: { value: 'It took too long',
		translations: { uk: 'Це тривало надто довго', ru: 'Это заняло слишком много времени', lt: 'Tai užtruko per ilgai' } } });
	assert.equal(reason.status, 201, reason.text);
	const made = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Как вернуть кофемолку?', requester_id: igor.id,
		assignee_id: rasa.id, comment: { body: 'Не мелет.' } } }, { auth: rasa });
	const t = made.json.ticket;
	const solved = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved',
		comment: { body: 'Оформили возврат.', public: true } } }, { auth: rasa });
	assert.equal(solved.status, 200, solved.text);

	await desk.withTab({ locale: 'ru-RU' }, async (tab) => {
		const { page } = tab;
		await tab.signIn(igor);
		await tab.goto(`/portal/requests/${t.id}`);
		await page.waitForSelector('[data-test=rating-form]');
		assert.equal(await page.textContent('[data-test=rating-form] legend'), 'Как вы оцениваете поддержку, которую получили?');
		// nothing chosen: the form says so and sends nothing
		await page.getByRole('button', { name: 'Отправить оценку' }).click();
		assert.equal(await page.textContent('[data-test=rating-error]'), 'Выберите «хорошо» или «плохо».');
		await page.getByLabel('Плохо, я недоволен(-на)').check();
		await page.getByLabel('Что пошло не так? (необязательно)').selectOption({ label: 'Это заняло слишком много времени' });
		await page.getByLabel('Хотите что-то нам сказать? (необязательно)').fill('Ждал две недели.');
		await page.getByRole('button', { name: 'Отправить оценку' }).click();
		await page.waitForSelector('[data-test=rating-current]');
		assert.match(await page.textContent('[data-test=rating-current]'), /Ваша оценка: Плохо/);
	});
	let rating = (await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: rasa })).json.ticket.satisfaction_rating;
	assert.deepEqual([rating.score, rating.comment, rating.reason_id], ['bad', 'Ждал две недели.', reason.json.reason.id]);

	const closed = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'closed' } }, { auth: rasa });
	assert.equal(closed.status, 200, closed.text);
	await desk.withTab({ locale: 'ru-RU' }, async (tab) => {
		const { page } = tab;
		await tab.signIn(igor);
		await tab.goto(`/portal/requests/${t.id}`);
		await page.waitForSelector('[data-test=rating-closed]');
		assert.equal(await page.textContent('[data-test=rating-score]'), 'Плохо, я недоволен(-на)');
		assert.equal(await page.locator('[data-test=rating-form]').count(), 0);
	});
	rating = (await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: rasa })).json.ticket.satisfaction_rating;
	assert.equal(rating.score, 'bad');
});

it('the portal says why a rating was not saved in the customer\'s words, the server\'s English only as a detail', async () => {
	const { rasa } = srv.users;
	const olha = await desk.endUser('olha', { locale: 'uk' });
	const made = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Кавоварка тече', requester_id: olha.id,
		assignee_id: rasa.id, comment: { body: 'Тече вода.' } } }, { auth: rasa });
	const t = made.json.ticket;
	const solved = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved',
		comment: { body: 'Замінили ущільнювач.', public: true } } }, { auth: rasa });
	assert.equal(solved.status, 200, solved.text);

	// the two refusals the test asks for, and nothing else
	const refusals = [/status of 422 .*\/satisfaction_rating/, /status of 503 .*\/satisfaction_rating/];
	await desk.withTab({ locale: 'uk-UA', allow: refusals }, async (tab) => {
		const { page } = tab;
		await tab.signIn(olha);
		await tab.goto(`/portal/requests/${t.id}`);
		await page.waitForSelector('[data-test=rating-form]');
		// the agent opens the request again while the form is on her screen
		const reopened = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'open' } }, { auth: rasa });
		assert.equal(reopened.status, 200, reopened.text);
		await page.getByLabel('Добре, я задоволений(-а)').check();
		await page.getByRole('button', { name: 'Надіслати оцінку' }).click();
		await page.waitForSelector('[data-test=rating-error]');
		assert.equal(await page.textContent('[data-test=rating-error]'),
			'Це звернення знову відкрито: оцінити його можна, коли його буде вирішено.');
		assert.equal(await page.locator('[data-test=rating-error-detail]').count(), 0);
		// a refusal the portal does not know: its own sentence, the server's
		// words after it as a detail
		await page.route(`**/api/v2/tickets/${t.id}/satisfaction_rating`, (route) => route.fulfill({ status: 503,
			contentType: 'application/json', body: JSON.stringify({ error: 'ServiceUnavailable', description: 'Storage failure; retry later' }) }));
		await page.getByRole('button', { name: 'Надіслати оцінку' }).click();
		await page.waitForSelector('[data-test=rating-error-detail]');
		assert.equal(await page.textContent('[data-test=rating-error]'),
			'Оцінку не збережено. Спробуйте пізніше. (Storage failure; retry later)');
		await page.unroute(`**/api/v2/tickets/${t.id}/satisfaction_rating`);
	});
	const rating = (await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: rasa })).json.ticket.satisfaction_rating;
	assert.equal(rating.score, 'offered');
});
