// The knowledge base under /api/v2/help_center (docs/kb.md): categories,
// sections, articles and their translations in Zendesk's shapes; who sees
// what (404 for what a reader may not see); Markdown and HTML made safe;
// revisions with diffs and restore; votes once per voter; and bad input
// refused with a 422 naming the field and nothing half-saved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';

let srv, agent, alice;
let category, section, article, internal, signedIn;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function ok(method, path, body, auth = agent, status = 200) {
	const r = await srv.api(method, path, body, { auth });
	assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
	return r.json;
}

async function newArticle(fields, sectionId = section.id) {
	return (await ok('POST', `${HC}/sections/${sectionId}/articles`, { article: fields }, agent,
		201)).article;
}

describe('knowledge base', () => {
	it('an agent builds a category, a section and articles in four languages', async () => {
		category = (await ok('POST', `${HC}/categories`,
			{ category: { name: 'Оплата', description: 'Як платити', locale: 'uk', position: 1 } },
			agent, 201)).category;
		assert.equal(category.name, 'Оплата');
		assert.equal(category.locale, 'uk');
		assert.match(category.html_url, /\/hc\/uk\/categories\/\d+-/);
		for (const [locale, title] of [['ru', 'Оплата'], ['lt', 'Mokėjimai'], ['en', 'Payments']])
			await ok('POST', `${HC}/categories/${category.id}/translations`,
				{ translation: { locale, title, body: '' } }, agent, 201);
		const en = (await ok('GET', `${HC}/categories/${category.id}?locale=en`, null, 'anonymous')).category;
		assert.equal(en.name, 'Payments');
		const names = (await ok('GET', `${HC}/categories/${category.id}/translations`, null, 'anonymous')).translations;
		assert.deepEqual(names.map((t) => t.locale), ['uk', 'ru', 'lt', 'en']);

		section = (await ok('POST', `${HC}/categories/${category.id}/sections`,
			{ section: { name: 'Картки', description: '', locale: 'uk', position: 1 } }, agent, 201)).section;
		assert.equal(section.category_id, category.id);
		await ok('POST', `${HC}/sections/${section.id}/translations`,
			{ translation: { locale: 'en', title: 'Cards', body: 'Paying by card' } }, agent, 201);

		article = await newArticle({
			title: 'Як оплатити карткою', body_markdown: '# Кроки\n\n1. Відкрийте **кошик**\n2. Оплатіть',
			locale: 'uk', position: 2, label_names: ['payment', 'card'], visibility: 'public',
			promoted: true, draft: false,
		});
		assert.equal(article.title, 'Як оплатити карткою');
		assert.equal(article.locale, 'uk');
		assert.equal(article.source_locale, 'uk');
		assert.equal(article.section_id, section.id);
		assert.equal(article.draft, false);
		assert.equal(article.promoted, true);
		assert.deepEqual(article.label_names, ['payment', 'card']);
		assert.equal(article.visibility, 'public');
		assert.match(article.body, /<h1>Кроки<\/h1>/);
		assert.match(article.body, /<strong>кошик<\/strong>/);
		assert.equal(article.body_markdown, '# Кроки\n\n1. Відкрийте **кошик**\n2. Оплатіть');
		assert.equal(article.html_url,
			`${srv.base}/hc/uk/articles/${article.id}-${encodeURIComponent('як-оплатити-карткою')}`);
		assert.equal(article.vote_sum, 0);
		assert.equal(article.view_count, 0);

		for (const [locale, title] of [['ru', 'Как оплатить картой'], ['lt', 'Kaip sumokėti kortele'],
			['en', 'How to pay by card']]) {
			const t = (await ok('POST', `${HC}/articles/${article.id}/translations`,
				{ translation: { locale, title, body_markdown: `${title}\n\nText.`, draft: false } },
				agent, 201)).translation;
			assert.equal(t.locale, locale);
			assert.equal(t.source_id, article.id);
		}
		const en2 = (await ok('GET', `${HC}/articles/${article.id}?locale=en`, null, 'anonymous')).article;
		assert.equal(en2.title, 'How to pay by card');
		assert.match(en2.html_url, new RegExp(`/hc/en/articles/${article.id}-how-to-pay-by-card$`));

		internal = await newArticle({ title: 'Refund override steps', body_markdown: 'Internal only.',
			locale: 'en', position: 1, visibility: 'agents', draft: false });
		signedIn = await newArticle({ title: 'Your invoices', body_markdown: 'For customers.',
			locale: 'en', position: 3, visibility: 'signed_in', draft: false });
	});

	it('readers see what their visibility allows; the rest is 404', async () => {
		const list = async (auth) => (await ok('GET', `${HC}/articles?locale=en`, null, auth)).articles.map((a) => a.id);
		assert.deepEqual(await list('anonymous'), [article.id]);
		assert.deepEqual(await list(alice), [article.id, signedIn.id]);
		assert.deepEqual(await list(agent), [internal.id, article.id, signedIn.id]);
		refused(await srv.api('GET', `${HC}/articles/${internal.id}`, null, { auth: 'anonymous' }), 404);
		refused(await srv.api('GET', `${HC}/articles/${internal.id}`, null, { auth: alice }), 404);
		refused(await srv.api('GET', `${HC}/articles/${signedIn.id}`, null, { auth: 'anonymous' }), 404);
		assert.equal((await ok('GET', `${HC}/articles/${signedIn.id}`, null, alice)).article.id, signedIn.id);
		refused(await srv.api('GET', `${HC}/articles/${internal.id}/translations/en`, null, { auth: 'anonymous' }), 404);
		// writes are agents'
		refused(await srv.api('POST', `${HC}/sections/${section.id}/articles`,
			{ article: { title: 'x', body_markdown: 'x', locale: 'en' } }, { auth: alice }), 403);
		refused(await srv.api('POST', `${HC}/categories`, { category: { name: 'x', locale: 'en' } },
			{ auth: 'anonymous' }), 401);
	});

	it('a draft is the agents\' until it is published', async () => {
		const d = await newArticle({ title: 'Coming soon', body_markdown: 'Draft', locale: 'en', draft: true });
		refused(await srv.api('GET', `${HC}/articles/${d.id}`, null, { auth: 'anonymous' }), 404);
		assert.equal((await ok('GET', `${HC}/articles/${d.id}`)).article.draft, true);
		await ok('PUT', `${HC}/articles/${d.id}/translations/en`, { translation: { draft: false } });
		assert.equal((await ok('GET', `${HC}/articles/${d.id}`, null, 'anonymous')).article.draft, false);
		// archived: gone for readers, kept for agents
		await ok('DELETE', `${HC}/articles/${d.id}`, null, agent, 204);
		refused(await srv.api('GET', `${HC}/articles/${d.id}`, null, { auth: 'anonymous' }), 404);
		assert.equal((await ok('GET', `${HC}/articles/${d.id}`)).article.archived, true);
	});

	it('lists by section, category and label; labels counted', async () => {
		const bySection = (await ok('GET', `${HC}/sections/${section.id}/articles?locale=uk`, null, 'anonymous')).articles;
		assert.deepEqual(bySection.map((a) => a.id), [article.id]);
		const byLabel = (await ok('GET', `${HC}/articles?locale=en&label_names=card`)).articles;
		assert.deepEqual(byLabel.map((a) => a.id), [article.id]);
		const byCategory = (await ok('GET', `${HC}/categories/${category.id}/articles?locale=en&per_page=1`)).articles;
		assert.equal(byCategory.length, 1);
		const labels = (await ok('GET', `${HC}/articles/labels`)).labels;
		assert.deepEqual(labels, [{ name: 'card', article_count: 1 }, { name: 'payment', article_count: 1 }]);
		refused(await srv.api('GET', `${HC}/sections/999999/articles`, null, { auth: 'anonymous' }), 404);
		const missing = (await ok('GET', `${HC}/articles/${internal.id}/translations/missing`)).locales;
		assert.deepEqual(missing, ['uk', 'ru', 'lt']);
		const needUk = (await ok('GET', `${HC}/translations/missing?locale=uk`)).articles.map((a) => a.id);
		assert.ok(needUk.includes(internal.id) && !needUk.includes(article.id));
	});

	it('script in Markdown or HTML is made safe; Zendesk clients send HTML as body', async () => {
		const md = await newArticle({ title: '<script>alert(1)</script>', locale: 'en',
			body_markdown: 'Hi <script>alert(2)</script> [x](javascript:alert(3)) <img src=x onerror=alert(4)>\n\n[ok](/hc/en/articles/1)' });
		assert.equal(md.title, '<script>alert(1)</script>'); // a title is text; pages escape it
		assert.doesNotMatch(md.body, /<script|javascript:|<img/); // "onerror=" only as escaped text
		assert.match(md.body, /&lt;script&gt;/);
		assert.match(md.body, /<a href="\/hc\/en\/articles\/1">ok<\/a>/);
		const html = await newArticle({ title: 'From Zendesk', locale: 'en',
			body: '<p onclick="x()">Hello<script>bad()</script></p><iframe src="https://evil"></iframe><img src="https://cdn.example.com/a.png" onerror="x()">' });
		assert.equal(html.body, '<p>Hello</p><img src="https://cdn.example.com/a.png">');
		assert.equal(html.body_markdown, null);
		// the revision keeps what was sent; readers only ever get the safe HTML
		const rev = (await ok('GET', `${HC}/articles/${html.id}/translations/en/revisions/1`)).revision;
		assert.equal(rev.format, 'html');
		assert.match(rev.body, /onclick/);
	});

	it('revisions: every save, a diff, and a restore that is a new revision', async () => {
		const base = `${HC}/articles/${article.id}/translations/uk`;
		await ok('PUT', base, { translation: { body_markdown: '# Кроки\n\n1. Відкрийте **кошик**\n2. Введіть картку\n3. Оплатіть' } });
		await ok('PUT', base, { translation: { title: 'Оплата карткою' } });
		const revs = (await ok('GET', `${base}/revisions`)).revisions;
		assert.deepEqual(revs.map((r) => r.id), [3, 2, 1]);
		assert.equal(revs[0].title, 'Оплата карткою');
		const diff = (await ok('GET', `${base}/revisions/2/diff`)).diff;
		assert.equal(diff.from, 1);
		assert.equal(diff.to, 2);
		assert.deepEqual(diff.lines.filter((l) => l.op !== ' '), [
			{ op: '-', text: '2. Оплатіть' },
			{ op: '+', text: '2. Введіть картку' },
			{ op: '+', text: '3. Оплатіть' },
		]);
		const against = (await ok('GET', `${base}/revisions/3/diff?against=1`)).diff;
		assert.deepEqual(against.title, { from: 'Як оплатити карткою', to: 'Оплата карткою' });
		refused(await srv.api('GET', `${base}/revisions/3/diff?against=99`), 422, 'against');
		refused(await srv.api('GET', `${base}/revisions/99`), 404);
		const restored = (await ok('POST', `${base}/revisions/1/restore`)).translation;
		assert.equal(restored.title, 'Як оплатити карткою');
		assert.equal(restored.revision, 4);
		assert.equal(restored.body_markdown, '# Кроки\n\n1. Відкрийте **кошик**\n2. Оплатіть');
		assert.equal((await ok('GET', `${base}/revisions`)).count, 4);
		// customers do not read the history
		refused(await srv.api('GET', `${base}/revisions`, null, { auth: alice }), 403);
	});

	it('votes count once per voter, who may change their mind', async () => {
		const up = `${HC}/articles/${article.id}/up`, down = `${HC}/articles/${article.id}/down`;
		await ok('POST', up, { locale: 'uk', voter_key: 'cookie-1' }, 'anonymous');
		await ok('POST', up, { locale: 'uk', voter_key: 'cookie-1' }, 'anonymous');
		await ok('POST', up, { locale: 'uk' }, alice);
		await ok('POST', down, { locale: 'uk' }, alice);
		await ok('POST', up, { locale: 'en', voter_key: 'cookie-1' }, 'anonymous');
		const uk = (await ok('GET', `${HC}/articles/${article.id}?locale=uk`)).article;
		assert.equal(uk.vote_sum, 0);
		assert.equal(uk.vote_count, 2);
		const en = (await ok('GET', `${HC}/articles/${article.id}?locale=en`)).article;
		assert.equal(en.vote_count, 1);
		refused(await srv.api('POST', up, { locale: 'uk' }, { auth: 'anonymous' }), 422, 'voter_key');
		refused(await srv.api('POST', up, { locale: 'de', voter_key: 'k' }, { auth: 'anonymous' }), 422, 'locale');
		// what a voter may not see, they may not vote on
		refused(await srv.api('POST', `${HC}/articles/${internal.id}/up`, { locale: 'en', voter_key: 'k' },
			{ auth: 'anonymous' }), 404);
	});

	it('bad input: a 422 naming the field, nothing half-saved', async () => {
		const count = async () => (await ok('GET', `${HC}/articles?locale=en&per_page=100`)).count;
		const before = await count();
		const post = (article, sid = section.id) => srv.api('POST', `${HC}/sections/${sid}/articles`, { article });
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'de' }), 422, 'locale');
		refused(await post({ title: '', body_markdown: 'x', locale: 'en' }), 422, 'title');
		refused(await post({ title: 'x', locale: 'en' }), 422, 'body');
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'en', visibility: 'everyone' }), 422, 'visibility');
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'en', position: -1 }), 422, 'position');
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'en', label_names: ['a,b'] }), 422, 'label_names');
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'en', slug: 'Not A Slug' }), 422, 'slug');
		refused(await post({ title: 'x', body_markdown: 'x'.repeat(256 * 1024 + 1), locale: 'en' }), 422, 'body_markdown');
		refused(await post({ title: 'x', body: 'я'.repeat(140 * 1024), locale: 'en' }), 422, 'body');
		refused(await post({ title: 'x', body_markdown: 'x', locale: 'en' }, 999999), 422, 'section_id');
		refused(await srv.api('POST', `${HC}/sections/${section.id}/articles`, { nope: 1 }), 400);
		// a translation for a missing article; a locale we do not serve; twice the same locale
		refused(await srv.api('POST', `${HC}/articles/999999/translations`,
			{ translation: { locale: 'en', title: 'x', body_markdown: 'x' } }), 404);
		refused(await srv.api('POST', `${HC}/articles/${article.id}/translations`,
			{ translation: { locale: 'pl', title: 'x', body_markdown: 'x' } }), 422, 'locale');
		refused(await srv.api('POST', `${HC}/articles/${article.id}/translations`,
			{ translation: { locale: 'en', title: 'x', body_markdown: 'x' } }), 422, 'locale');
		refused(await srv.api('GET', `${HC}/articles/${article.id}/translations/de`), 404);
		refused(await srv.api('GET', `${HC}/articles?locale=xx`), 422, 'locale');
		// a slug clash in a locale, and nothing of the failed article written
		const a = await newArticle({ title: 'Slugged', body_markdown: 'x', locale: 'en', slug: 'pay-by-card' });
		assert.equal(a.slug, 'pay-by-card');
		assert.match(a.html_url, /-pay-by-card$/);
		refused(await post({ title: 'Other', body_markdown: 'x', locale: 'en', slug: 'pay-by-card' }), 422, 'slug');
		refused(await srv.api('PUT', `${HC}/articles/${internal.id}/translations/en`,
			{ translation: { slug: 'pay-by-card', title: 'changed' } }), 422, 'slug');
		assert.equal((await ok('GET', `${HC}/articles/${internal.id}`)).article.title, 'Refund override steps');
		assert.equal(await count(), before + 1);
		// broken and deeply nested Markdown renders or is refused, never crashes
		const broken = await newArticle({ title: 'Broken', locale: 'en',
			body_markdown: '``` unterminated\n<b>x\n| a |\n|--|\n* [ ] ](' + '>'.repeat(5000) + '[['.repeat(2000) });
		assert.equal(typeof broken.body, 'string');
		const deep = await post({ title: 'Deep', locale: 'en', body_markdown: '>'.repeat(200000) + ' x' });
		assert.ok([201, 422].includes(deep.status), deep.text);
		if (deep.status === 422)
			assert.ok(deep.json.details.body_markdown);
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});

	it('an article moves section, and to a section that does not exist is refused', async () => {
		const other = (await ok('POST', `${HC}/categories/${category.id}/sections`,
			{ section: { name: 'Other', locale: 'en' } }, agent, 201)).section;
		const moved = (await ok('PUT', `${HC}/articles/${signedIn.id}`, { article: { section_id: other.id, promoted: true } })).article;
		assert.equal(moved.section_id, other.id);
		assert.equal(moved.promoted, true);
		refused(await srv.api('PUT', `${HC}/articles/${signedIn.id}`, { article: { section_id: 999999 } }), 422, 'section_id');
		assert.equal((await ok('GET', `${HC}/articles/${signedIn.id}`)).article.section_id, other.id);
	});
});
