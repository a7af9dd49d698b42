// The suggestion box in a real browser (issue 16): a customer signed in to
// the portal in Ukrainian submits an idea whose title holds markup (shown
// as the text it is), another votes for it from the list in Lithuanian, an
// agent finds it in the workspace's Ideas by its votes, answers it and
// moves it to planned; the customer's portal shows the new status and the
// answer; a visitor reads it and is sent to sign in to vote. Long lists
// page with a "more" button in both front ends, and an agent removes one
// abusive comment.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv, agent, olena, jonas;

before(async () => {
	desk = await openDesk({ agents: ['agent'], endUsers: ['olena', 'jonas'] });
	srv = desk.srv;
	({ agent, olena, jonas } = srv.users);
});
after(async () => { await desk?.close(); });

async function signInAs(tab, user, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	if (user)
		await tab.signIn(user);
	await tab.goto(path);
}

const TITLE = 'Оплата частинами <b>без</b> переплат <script>window.pwned=1</script>';

it('a customer submits and votes, an agent answers and plans it, the portal shows it', async () => {
	let id;
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, olena, '/portal/ideas');
		await page.locator('[data-test=ideas-empty]').waitFor();
		await page.locator('[data-test=idea-new]').click();
		await page.getByLabel('Ваша ідея кількома словами').fill(TITLE);
		await page.getByLabel('Подробиці').fill('Щоб купити пральну машину\nза три платежі.');
		await page.locator('[data-test=idea-send]').click();
		await page.locator('[data-test=idea-page]').waitFor();
		id = Number(await page.locator('[data-test=idea-page]').getAttribute('data-id'));
		assert.equal(await page.locator('[data-test=idea-title]').textContent(), TITLE, 'markup is shown as text');
		assert.equal(await page.locator('[data-test=idea-title] b, [data-test=idea-title] script').count(), 0);
		assert.equal(await page.evaluate(() => window.pwned), undefined);
		assert.equal(await page.locator('[data-test=idea-votes]').textContent(), '1', 'her own vote');
		assert.equal(await page.locator('[data-test=idea-vote]').getAttribute('aria-pressed'), 'true');
		assert.equal(await page.locator('[data-test=idea-status]').textContent(), 'Нова');
	});
	const r = await srv.api('GET', `/api/v2/ideas/${id}`, null, { auth: agent });
	assert.equal(r.json.idea.title, TITLE);
	assert.equal(r.json.idea.locale, 'uk');

	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, jonas, '/portal/ideas');
		const row = page.locator(`[data-test=idea-row][data-id="${id}"]`);
		await row.waitFor();
		assert.equal(await row.locator('[data-test=idea-status]').textContent(), 'Nauja');
		await row.locator('[data-test=idea-vote]').click();
		await row.locator('[data-test=idea-vote][aria-pressed=true]').waitFor();
		assert.equal(await row.locator('[data-test=idea-votes]').textContent(), '2');
	});
	assert.equal((await srv.api('GET', `/api/v2/ideas/${id}`, null, { auth: agent })).json.idea.vote_count, 2);

	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, agent, '/agent/ideas');
		const row = page.locator(`[data-test=idea-row][data-id="${id}"]`);
		await row.waitFor();
		assert.equal(await row.locator('[data-test=idea-votes]').textContent(), '2');
		await row.getByRole('link').click();
		await page.locator('[data-test=idea]').waitFor();
		assert.equal(await page.locator('[data-test=idea-title]').textContent(), TITLE);
		await page.getByLabel('Status', { exact: true }).selectOption('planned');
		await page.getByLabel('Public answer', { exact: true }).fill('Planned for spring: three or six payments, no fee.');
		await page.locator('[data-test=idea-save]').click();
		await page.locator('[data-test=idea] [data-test=idea-status][data-status=planned]').first().waitFor();
	});
	const planned = (await srv.api('GET', `/api/v2/ideas/${id}`, null, { auth: agent })).json.idea;
	assert.equal(planned.status, 'planned');
	assert.equal(planned.answer, 'Planned for spring: three or six payments, no fee.');

	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, olena, `/portal/ideas/${id}`);
		await page.locator('[data-test=idea-answer]').waitFor();
		assert.equal(await page.locator('[data-test=idea-status]').textContent(), 'Заплановано');
		assert.match(await page.locator('[data-test=idea-answer]').textContent(), /Наша відповідь.*three or six payments/s);
		await page.goto(`${srv.base}/portal/ideas?status=planned`);
		await page.locator(`[data-test=idea-row][data-id="${id}"]`).waitFor();
	});

	// a visitor reads it, and voting asks them to sign in first
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, null, `/portal/ideas/${id}`);
		await page.locator('[data-test=idea-answer]').waitFor();
		assert.equal(await page.locator('[data-test=idea-votes]').textContent(), '2');
		await page.locator('[data-test=idea-vote]').click();
		await page.waitForURL(/\/portal\/signin\?next=/);
	});
	assert.equal((await srv.api('GET', `/api/v2/ideas/${id}`, null, { auth: agent })).json.idea.vote_count, 2);
});

it('from a ticket an agent suggests an idea for the customer and links another ticket to it; the report counts it (in Russian)', async () => {
	const t1 = await srv.ticket({ subject: 'Можно ли доставку в субботу?' }, { auth: jonas });
	const t2 = await srv.ticket({ subject: 'Доставка по выходным' }, { auth: olena });
	let id;
	await desk.withTab({ locale: 'ru-RU' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, agent, `/agent/tickets/${t1.id}`);
		const panel = page.locator('[data-test=ticket-ideas]');
		await panel.getByText('Это обращение ещё не связано с идеями.').waitFor();
		await panel.locator('[data-test=idea-suggest]').click();
		assert.equal(await page.getByLabel('Название', { exact: true }).inputValue(), 'Можно ли доставку в субботу?', 'the subject to begin with');
		await page.getByLabel('Название', { exact: true }).fill('Доставка по субботам');
		await page.getByLabel('Подробности', { exact: true }).fill('Клиент работает в будни.');
		await page.locator('[data-test=idea-new-save]').click();
		const row = panel.locator('[data-test=ticket-idea]');
		await row.getByText('Доставка по субботам').waitFor();
		id = Number(await row.getAttribute('data-id'));

		await tab.goto(`/agent/tickets/${t2.id}`);
		const panel2 = page.locator('[data-test=ticket-ideas]');
		await panel2.locator('[data-test=idea-link-existing]').click();
		await page.locator(`[data-test=idea-pick-pick][data-id="${id}"]`).click();
		await panel2.locator(`[data-test=ticket-idea][data-id="${id}"]`).waitFor();

		await tab.goto('/agent/reports/suggestions');
		await page.locator('[data-test=idr-chart]').waitFor();
		assert.equal(await page.locator('[data-test=idr-bar][data-status=new]').getAttribute('data-ideas'), '1');
		assert.equal(await page.locator('[data-test=idr-status][data-status=planned] td').nth(1).textContent(), '1');
		assert.equal(await page.locator('[data-test=idr-status] td').first().textContent(), 'Новая');
		assert.match(await page.locator('[data-test=idr-csv]').getAttribute('href'), /format=csv/);
		assert.ok(await page.locator(`[data-test=idr-idea][data-id="${id}"]`).count() === 1);
	});
	const idea = (await srv.api('GET', `/api/v2/ideas/${id}`, null, { auth: agent })).json.idea;
	assert.equal(idea.author_id, jonas.id, 'the customer’s idea');
	assert.equal(idea.submitted_by_id, agent.id);
	assert.equal(idea.vote_count, 1);
	const links = (await srv.api('GET', `/api/v2/ideas/${id}/tickets`, null, { auth: agent })).json.idea_tickets;
	assert.deepEqual(links.map((l) => l.ticket_id).sort(), [t1.id, t2.id].sort());
});

it('long lists page with "more" in both front ends, and an agent removes one abusive comment (in Lithuanian and Russian)', async () => {
	// 55 more public ideas (the portal shows 50 at a time) and a thread of
	// 105 comments (100 at a time), one of them abuse
	for (let k = 0; k < 55; k++) {
		const r = await srv.api('POST', '/api/v2/ideas', { idea: { title: `Idėja ${k}`, author_id: jonas.id } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
	}
	const thread = (await srv.api('POST', '/api/v2/ideas', { idea: { title: 'Ilga diskusija', author_id: olena.id } }, { auth: agent })).json.idea;
	let abuse;
	for (let k = 1; k <= 105; k++) {
		const body = k === 3 ? 'Jūs visi idiotai' : `Komentaras ${k}`;
		const r = await srv.api('POST', `/api/v2/ideas/${thread.id}/comments`, { comment: { body } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		if (k === 3)
			abuse = r.json.comment;
	}

	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, agent, `/agent/ideas/${thread.id}`);
		const comments = page.locator('[data-test=idea-comment]');
		await page.locator('[data-test=idea-comments-more]').waitFor();
		assert.equal(await comments.count(), 100);
		await page.getByRole('button', { name: 'Rodyti daugiau komentarų' }).click();
		await page.locator('[data-test=idea-comment]', { hasText: 'Komentaras 105' }).waitFor();
		assert.equal(await comments.count(), 105);
		assert.equal(await page.locator('[data-test=idea-comments-more]').count(), 0, 'no more after the last page');
		const bad = page.locator(`[data-test=idea-comment][data-id="${abuse.id}"]`);
		await bad.getByRole('button', { name: 'Pašalinti Agent agent komentarą' }).click();
		await bad.getByText('Pašalinti šį Agent agent komentarą? Jo nebus galima atkurti.').waitFor();
		await bad.locator('[data-test=idea-comment-delete-yes]').click();
		await page.locator(`[data-test=idea-comment][data-id="${abuse.id}"]`).waitFor({ state: 'detached' });
		assert.match(await page.locator('#idea-comments-title').textContent(), /\(104\)/);
	});
	const left = (await srv.api('GET', `/api/v2/ideas/${thread.id}`, null, { auth: agent })).json.idea;
	assert.equal(left.comment_count, 104);

	const ivan = await srv.addUser('end-user', 'ivan.k@mail.test', 'ivan@example.test');
	const named = (await srv.api('POST', '/api/v2/ideas', { idea: { title: 'Vardas – adresas', author_id: ivan.id } }, { auth: agent })).json.idea;

	await desk.withTab({ locale: 'ru-RU' }, async (tab) => {
		const { page } = tab;
		await signInAs(tab, null, '/portal/ideas?sort=recent');
		const rows = page.locator('[data-test=idea-row]');
		await page.locator('[data-test=ideas-more]').waitFor();
		assert.equal(await rows.count(), 50);
		const total = (await srv.api('GET', '/api/v2/ideas?per_page=1', null, { auth: null })).json.count;
		await page.getByRole('button', { name: 'Показать ещё идеи' }).click();
		await page.locator('[data-test=ideas-more]').waitFor({ state: 'detached' });
		assert.equal(await rows.count(), total, 'every public idea, each once');

		await tab.goto(`/portal/ideas/${thread.id}`);
		await page.locator('[data-test=idea-comments-more]').waitFor();
		assert.equal(await page.locator('[data-test=idea-comment]').count(), 100);
		await page.getByRole('button', { name: 'Показать ещё комментарии' }).click();
		await page.locator('[data-test=idea-comment]', { hasText: 'Komentaras 105' }).waitFor();
		assert.equal(await page.locator('[data-test=idea-comment]').count(), 104);
		assert.equal(await page.getByText('Jūs visi idiotai').count(), 0, 'the removed comment is gone for customers too');

		// a name that is an e-mail address is not published: "Клиент"
		await tab.goto(`/portal/ideas/${named.id}`);
		await page.locator('[data-test=idea-page]').waitFor();
		assert.match(await page.locator('[data-test=idea-page] .p-row-meta').textContent(), /Клиент/);
		assert.equal(await page.getByText('ivan.k@mail.test').count(), 0);
	});
});
