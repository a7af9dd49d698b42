// The knowledge base in the workspace (issue 15), in a real browser on the
// agent's side: an agent writes an article in Markdown and sees it previewed
// by the server as they type — a script in the title and the body shown as
// text, never run — publishes it, finds it under "Missing translations" for
// Ukrainian, translates it side by side with the English read-only, and it
// leaves that list; the search box finds it by an inflected word; a direct
// load of the editor's address works; an image uploaded goes into the
// Markdown at the cursor and shows in the preview; an empty title and a
// label too long are refused next to their fields; leaving with unsaved
// changes asks first; the agent changes it, reads the diff of two revisions
// (marked + and −, not by colour alone) and restores the first. An article
// written as HTML through the API is edited and saved as HTML. In
// Ukrainian the screens speak Ukrainian. An admin adds a category, names it
// in Lithuanian, moves it first and adds a section to it.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const HC = '/api/v2/help_center';

let desk, srv, section;

async function ok(method, p, body) {
	const r = await srv.api(method, p, body);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

before(async () => {
	desk = await openDesk({ agents: ['agent'] });
	srv = desk.srv;
	const cat = (await ok('POST', `${HC}/categories`, { category: { name: 'Payments', locale: 'en' } })).category;
	await ok('POST', `${HC}/categories/${cat.id}/translations`, { translation: { locale: 'uk', title: 'Оплата' } });
	section = (await ok('POST', `${HC}/categories/${cat.id}/sections`, { section: { name: 'Refunds', locale: 'en' } })).section;
	await ok('POST', `${HC}/sections/${section.id}/translations`, { translation: { locale: 'uk', title: 'Повернення' } });
});
after(async () => { await desk?.close(); });

// A refused save is a 422 the browser logs; the guard's question is a
// dialog the harness answers "cancel" to, as the test means it to.
const ALLOWED = [/status of 422\b/, /Leave the article\?/];

async function asAgent(tab, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	await tab.signIn(srv.users.agent);
	await tab.goto(path);
}

const TITLE = 'Refunds <script>window.__xss = 1</script>';
const BODY = '# Getting a refund\n\n**Step 1.** Open your order <script>window.__xss = 2</script>\n\n- by card\n- by transfer\n';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const UK_TITLE = 'Як повернути кошти';
const UK_BODY = '# Повернення коштів\n\n**Крок 1.** Відкрийте замовлення.\n';

async function translation(id, locale) {
	const r = await srv.api('GET', `${HC}/articles/${id}/translations/${locale}`);
	return r.status === 200 ? r.json.translation : null;
}

async function missingTitles(page, locale) {
	await page.click('[data-test=kb-tab-missing]');
	await page.selectOption('[data-test=kb-missing-locale]', locale);
	await page.waitForSelector('[data-test=kb-missing-list], [data-test=kb-missing-none]');
	return page.$$eval('[data-test=kb-missing-article] a', (as) => as.map((a) => a.textContent));
}

it('writes, previews, publishes, translates side by side, diffs and restores an article', async () => {
	await desk.withTab({ locale: 'en-US', allow: ALLOWED }, async (tab) => {
		const { page } = tab;
		await asAgent(tab, '/agent/queues/my-open');
		await page.click('nav a[href="/agent/kb"]');
		await page.waitForSelector(`[data-test=kb-section][data-id="${section.id}"]`);
		await page.click(`[data-test=kb-section][data-id="${section.id}"] [data-test=kb-new-article]`);
		await page.waitForSelector('[data-test=kb-editor]');
		assert.equal(await page.inputValue('[data-test=kb-section]'), String(section.id));

		// the preview follows the typing, from the server's renderer
		await page.fill('[data-test=kb-title]', TITLE);
		await page.fill('[data-test=kb-body]', BODY);
		await page.waitForSelector('[data-test=kb-preview] h1');
		assert.equal(await page.textContent('[data-test=kb-preview] h1'), 'Getting a refund');
		assert.equal(await page.textContent('[data-test=kb-preview] strong'), 'Step 1.');
		assert.equal(await page.locator('[data-test=kb-preview] li').count(), 2);
		assert.match(await page.textContent('[data-test=kb-preview]'), /<script>window.__xss = 2<\/script>/);
		assert.equal(await page.locator('[data-test=kb-preview] script').count(), 0);

		await page.click('[data-test=kb-publish]');
		await page.waitForURL(/\/agent\/kb\/articles\/\d+\?locale=en$/);
		const id = Number(/articles\/(\d+)/.exec(page.url())[1]);
		await page.waitForSelector('[data-test=kb-save]'); // a published translation: Save / Unpublish
		assert.equal(await page.textContent('[data-test=kb-state]'), 'Published');
		const en = await translation(id, 'en');
		assert.equal(en.title, TITLE);
		assert.equal(en.body_markdown, BODY);
		assert.equal(en.draft, false);
		assert.equal(await page.inputValue('[data-test=kb-title]'), TITLE);

		// the list: the title as text, English published, Ukrainian missing
		await page.click('a[href="/agent/kb"]');
		const row = page.locator(`[data-test=kb-article][data-id="${id}"]`);
		await row.waitFor();
		assert.equal(await row.locator('[data-test=kb-article-title]').textContent(), TITLE);
		assert.equal(await row.locator('[data-test=kb-locale][data-locale=en]').getAttribute('data-state'), 'published');
		assert.equal(await row.locator('[data-test=kb-locale][data-locale=uk]').getAttribute('data-state'), 'none');
		// the filter "missing in Ukrainian" keeps it, "missing in English" does not
		await page.selectOption('[data-test=kb-filter-missing]', 'uk');
		await row.waitFor();
		await page.selectOption('[data-test=kb-filter-missing]', 'en');
		await row.waitFor({ state: 'detached' });

		// missing in Ukrainian, until translated side by side
		assert.deepEqual(await missingTitles(page, 'uk'), [TITLE]);
		await page.click(`[data-test=kb-missing-article][data-id="${id}"] a`);
		await page.waitForSelector('[data-test=kb-source]');
		assert.equal(await page.getAttribute('[data-test=kb-locale-uk]', 'aria-pressed'), 'true');
		assert.equal(await page.textContent('[data-test=kb-source-title]'), TITLE);
		assert.equal(await page.inputValue('[data-test=kb-source-body]'), BODY);
		assert.equal(await page.locator('[data-test=kb-source-body]').isEditable(), false);
		assert.equal(await page.inputValue('[data-test=kb-title]'), '');
		await page.fill('[data-test=kb-title]', UK_TITLE);
		await page.fill('[data-test=kb-body]', UK_BODY);
		await page.waitForFunction(() => document.querySelector('[data-test=kb-preview] h1')?.textContent === 'Повернення коштів');
		await page.click('[data-test=kb-publish]');
		await page.waitForSelector('[data-test=kb-save]');
		const uk = await translation(id, 'uk');
		assert.equal(uk.title, UK_TITLE);
		assert.equal(uk.body_markdown, UK_BODY);
		assert.equal(uk.draft, false);
		await page.click('a[href="/agent/kb"]');
		assert.deepEqual(await missingTitles(page, 'uk'), []);
		await page.waitForSelector('[data-test=kb-missing-none]');

		// the search box finds it by an inflected Ukrainian word
		await page.click('[data-test=kb-tab-articles]');
		await page.fill('[data-test=kb-search]', 'повернув');
		await page.press('[data-test=kb-search]', 'Enter');
		await row.waitFor();
		await page.fill('[data-test=kb-search]', 'дирижабль');
		await page.press('[data-test=kb-search]', 'Enter');
		await page.waitForSelector('[data-test=kb-none]');

		// a direct load of the editor's address (as the ticket page links it)
		await tab.goto(`/agent/kb/articles/${id}`);
		await page.waitForSelector(`[data-test=kb-editor][data-id="${id}"]`);
		assert.equal(await page.getAttribute('[data-test=kb-locale-en]', 'aria-pressed'), 'true');
		assert.equal(await page.inputValue('[data-test=kb-body]'), BODY);
		assert.match(await page.getAttribute('[data-test=kb-public-link]', 'href'), new RegExp(`/hc/en/articles/${id}-`));

		// an image uploaded into the body where the cursor is, and previewed
		await page.locator('[data-test=kb-body]').evaluate((el) => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); });
		await page.setInputFiles('[data-test=kb-image]', { name: 'card [front].png', mimeType: 'image/png', buffer: PNG });
		await page.waitForFunction(() => /!\[card front\]\(\/hc\/article_attachments\/\d+\)$/.test(document.querySelector('[data-test=kb-body]').value));
		const src = /\((\/hc\/article_attachments\/\d+)\)$/.exec(await page.inputValue('[data-test=kb-body]'))[1];
		await page.waitForSelector(`[data-test=kb-preview] img[src="${src}"]`);
		assert.equal(await page.locator('[data-test=kb-preview] img').evaluate((img) => img.complete && img.naturalWidth), 1);

		// refused: an empty title and a label too long, each beside its field
		await page.fill('[data-test=kb-title]', '');
		await page.fill('[data-test=kb-labels]', `refund, ${'x'.repeat(65)}`);
		await page.click('[data-test=kb-save]');
		await page.waitForSelector('#kb-title-problem, #kb-labels-problem');
		const problems = await page.$$eval('[data-test=problem]', (ps) => ps.map((p) => p.id));
		assert.ok(problems.includes('kb-title-problem') || problems.includes('kb-labels-problem'), problems.join());
		assert.equal((await translation(id, 'en')).title, TITLE, 'nothing saved');
		await page.fill('[data-test=kb-labels]', 'refund');
		await page.click('[data-test=kb-save]');
		await page.waitForSelector('#kb-title-problem');
		assert.equal(await page.getAttribute('[data-test=kb-title]', 'aria-invalid'), 'true');
		assert.equal((await translation(id, 'en')).title, TITLE, 'nothing saved');

		// leaving with unsaved changes asks (and "cancel" stays)
		await page.click('a[href="/agent/kb"]');
		await page.waitForTimeout(200);
		assert.match(page.url(), new RegExp(`/agent/kb/articles/${id}`));
		assert.ok(tab.problems.some((p) => /Leave the article\?/.test(p.text)), 'the guard asked');

		// a second revision, its diff against the first, and restoring the first
		await page.fill('[data-test=kb-title]', 'Refunds');
		await page.fill('[data-test=kb-body]', BODY.replace('- by transfer', '- by bank transfer'));
		await page.click('[data-test=kb-save]');
		await page.waitForSelector('[data-test=kb-revision][data-n="2"]');
		await page.waitForSelector('[data-test=kb-unsaved]', { state: 'detached' });
		await page.click('[data-test=kb-diff-show]');
		await page.waitForSelector('[data-test=kb-diff]');
		const ins = await page.$$eval('[data-test=kb-diff] pre ins', (xs) => xs.map((x) => x.textContent));
		const del = await page.$$eval('[data-test=kb-diff] pre del', (xs) => xs.map((x) => x.textContent));
		assert.deepEqual(ins.map((x) => x.replace(/^added: \+ /, '')), ['- by bank transfer']);
		assert.deepEqual(del.map((x) => x.replace(/^removed: − /, '')), ['- by transfer']);
		// the lines in both, each on its own line
		const same = await page.$$eval('[data-test=kb-diff] pre .same', (xs) => xs.map((x) => x.textContent.trim()));
		assert.deepEqual(same.filter(Boolean), ['# Getting a refund', '**Step 1.** Open your order <script>window.__xss = 2</script>', '- by card']);
		assert.equal(await page.locator('[data-test=kb-diff] p del').textContent(), TITLE);
		assert.equal(await page.locator('[data-test=kb-diff] p ins').textContent(), 'Refunds');

		await page.click('[data-test=kb-revision][data-n="1"] [data-test=kb-restore]');
		await page.waitForSelector('[data-test=kb-revision][data-n="3"]');
		await page.waitForFunction((b) => document.querySelector('[data-test=kb-body]').value === b, BODY);
		assert.equal(await page.inputValue('[data-test=kb-title]'), TITLE);
		const restored = await translation(id, 'en');
		assert.equal(restored.body_markdown, BODY);
		assert.equal(restored.revision, 3);

		assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
	});
});

// An article a Zendesk client wrote as HTML (body, no body_markdown): the
// editor edits its HTML and saves it as HTML, saying so beside the field;
// saved as Markdown its tags would turn into text on the help center.
it('edits an article written as HTML as HTML: after a save its tags are still tags', async () => {
	const HTML_BODY = '<h2>Steps</h2><p>Open <strong>your order</strong>.</p><ul><li>by card</li></ul>';
	const a = (await ok('POST', `${HC}/sections/${section.id}/articles`,
		{ article: { title: 'Paying in HTML', body: HTML_BODY, locale: 'en', draft: false } })).article;
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await asAgent(tab, `/agent/kb/articles/${a.id}?locale=en`);
		await page.waitForSelector('[data-test=kb-editor]');
		assert.equal(await page.inputValue('[data-test=kb-body]'), HTML_BODY, 'the HTML itself, to edit');
		assert.match(await page.textContent('#kb-body-hint'), /written in HTML/);
		await page.waitForSelector('[data-test=kb-preview] h2');
		assert.equal(await page.textContent('[data-test=kb-preview] strong'), 'your order');

		await page.fill('[data-test=kb-body]', HTML_BODY.replace('by card', 'by card or in cash'));
		await page.waitForSelector('[data-test=kb-preview] li >> text=by card or in cash');
		await page.click('[data-test=kb-save]');
		await page.waitForSelector('[data-test=kb-revision][data-n="2"]');
		await page.waitForSelector('[data-test=kb-unsaved]', { state: 'detached' });
		const saved = await translation(a.id, 'en');
		assert.equal(saved.body_markdown, null, 'still HTML');
		assert.equal(saved.body, HTML_BODY.replace('by card', 'by card or in cash'));
		assert.ok(!saved.body.includes('&lt;'), 'no tag became text');
		// the help center shows a heading, not its tags
		const hc = await fetch(`${srv.base}/hc/en/articles/${a.id}`);
		const text = await hc.text();
		assert.match(text, /<h2>Steps<\/h2>/);
		assert.ok(!text.includes('&lt;h2&gt;'));
		// a Markdown article is still edited as Markdown
		await tab.goto(`/agent/kb/articles/new?section=${section.id}`);
		await page.waitForSelector('[data-test=kb-editor]');
		assert.match(await page.textContent('#kb-body-hint'), /^Markdown/);
	});
});

it('speaks Ukrainian', async () => {
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await asAgent(tab, '/agent/kb');
		await page.waitForSelector(`[data-test=kb-section][data-id="${section.id}"]`);
		assert.equal(await page.textContent('#kb-title'), 'База знань');
		assert.equal(await page.textContent('[data-test=kb-tab-missing]'), 'Бракує перекладів');
		assert.match(await page.textContent(`[data-test=kb-section][data-id="${section.id}"] h3`), /Повернення/);
		await page.click('[data-test=kb-tab-missing]');
		await page.waitForSelector('[data-test=kb-missing-list], [data-test=kb-missing-none]');
		assert.match(await page.textContent('main'), /Опубліковані статті/);
	});
});

it('an admin adds a category, names it in Lithuanian, moves it first, and adds a section to it', async () => {
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await tab.page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/kb/categories');
		await page.fill('[data-test=kb-add-c]', 'Delivery <b>now</b>');
		await page.click('[data-test=kb-add-c-go]');
		await page.waitForFunction(() => document.querySelectorAll('[data-test=kb-category]').length === 2);
		const cats = async () => (await srv.api('GET', `${HC}/categories?locale=lt`)).json.categories;
		const added = (await cats()).find((c) => c.name === 'Delivery <b>now</b>');
		assert.ok(added, 'created as typed');
		const form = page.locator(`[data-test=kb-category][data-id="${added.id}"]`);
		assert.equal(await page.locator('h2', { hasText: 'Delivery <b>now</b>' }).count(), 1, 'the name shown as text');

		await form.locator('[data-test=kb-name-lt]').fill('Pristatymas');
		await form.locator('[data-test=kb-name-save]').click();
		for (let i = 0; i < 50 && (await cats()).find((c) => c.id === added.id).name !== 'Pristatymas'; i++)
			await page.waitForTimeout(50);
		assert.equal((await cats()).find((c) => c.id === added.id).name, 'Pristatymas');

		// the new one was last; ↑ makes it first
		assert.notEqual((await cats())[0].id, added.id);
		await page.locator(`[data-test=kb-category][data-id="${added.id}"] [data-test=kb-up]`).click();
		for (let i = 0; i < 50 && (await cats())[0].id !== added.id; i++)
			await page.waitForTimeout(50);
		assert.equal((await cats())[0].id, added.id);

		await page.fill(`[data-test=kb-add-s${added.id}]`, 'Couriers');
		await page.click(`[data-test=kb-add-s${added.id}-go]`);
		await page.locator(`[data-test=kb-section] [data-test=kb-name-en]`).nth(1).waitFor();
		const secs = (await srv.api('GET', `${HC}/categories/${added.id}/sections`)).json.sections;
		assert.deepEqual(secs.map((s) => s.name), ['Couriers']);
		assert.equal(await page.inputValue(`[data-test=kb-category][data-id="${added.id}"] [data-test=kb-name-lt]`), 'Pristatymas');
	});
});
