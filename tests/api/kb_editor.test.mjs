// What the workspace's article editor asks of the server beside the Help
// Center API (src/kb/editor_api.c, docs/kb.md "In the workspace"): the
// Markdown preview, rendered and sanitized as a save would store it and
// refused by the same rules; and the editor's list of every article with
// all its translations summarised, drafts and archived ones included, for
// agents only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';

let srv, agent, alice;
let section, other;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const cat = await ok('POST', `${HC}/categories`, { category: { name: 'Оплата', locale: 'uk' } }, agent, 201);
	section = (await ok('POST', `${HC}/categories/${cat.category.id}/sections`,
		{ section: { name: 'Картки', locale: 'uk' } }, agent, 201)).section;
	other = (await ok('POST', `${HC}/categories/${cat.category.id}/sections`,
		{ section: { name: 'Повернення', locale: 'uk' } }, agent, 201)).section;
});
after(async () => { await srv?.cleanup(); });

async function ok(method, path, body, auth = agent, status = 200) {
	const r = await srv.api(method, path, body, { auth });
	assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
	return r.json;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

const preview = (body_markdown, auth = agent) => srv.api('POST', `${HC}/preview`, { body_markdown }, { auth });

describe('the Markdown preview', () => {
	it('renders Markdown as a save would store it', async () => {
		const md = '# Повернення коштів\n\n**Крок 1.** Відкрийте [замовлення](https://shop.example/orders).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
		const r = await preview(md);
		assert.equal(r.status, 200, r.text);
		assert.match(r.json.body, /<h1>Повернення коштів<\/h1>/);
		assert.match(r.json.body, /<strong>Крок 1\.<\/strong>/);
		assert.match(r.json.body, /<a href="https:\/\/shop\.example\/orders"/);
		assert.match(r.json.body, /<table>/);
		// the very HTML a save of the same Markdown stores
		const a = (await ok('POST', `${HC}/sections/${section.id}/articles`,
			{ article: { title: 'Повернення', body_markdown: md, locale: 'uk' } }, agent, 201)).article;
		assert.equal(a.body, r.json.body);
	});

	it('shows script and raw HTML as text, and drops javascript: links', async () => {
		const r = await preview('<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))');
		assert.equal(r.status, 200, r.text);
		assert.doesNotMatch(r.json.body, /<script|<img|href="javascript:/i);
		assert.match(r.json.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		assert.match(r.json.body, /&lt;img src=x onerror=alert\(2\)&gt;/);
	});

	it('previews HTML as a save of an HTML body keeps it (the editor edits such a body as HTML)', async () => {
		const body = '<h2>Steps</h2><p onclick="x()">Open <strong>it</strong></p><script>alert(1)</script>';
		const r = await srv.api('POST', `${HC}/preview`, { body }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.body, '<h2>Steps</h2><p>Open <strong>it</strong></p>');
		const a = (await ok('POST', `${HC}/sections/${section.id}/articles`,
			{ article: { title: 'HTML', body, locale: 'en' } }, agent, 201)).article;
		assert.equal(a.body, r.json.body);
		// one of the two, not both
		refused(await srv.api('POST', `${HC}/preview`, { body, body_markdown: 'x' }, { auth: agent }), 422, 'body_markdown');
		refused(await srv.api('POST', `${HC}/preview`, { body: 'x'.repeat(256 * 1024 + 1) }, { auth: agent }), 422, 'body');
	});

	it('survives broken and deeply nested Markdown', async () => {
		for (const md of ['>'.repeat(20000) + ' deep', '['.repeat(5000) + 'x' + ']'.repeat(3), '**_~~`unclosed', '- '.repeat(3000) + 'x'])
			assert.equal((await preview(md)).status, 200, md.slice(0, 20));
		// what a save refuses (a control character) the preview refuses
		refused(await preview('bell \u0007'), 422, 'body_markdown');
		refused(await srv.api('POST', `${HC}/sections/${section.id}/articles`,
			{ article: { title: 'x', body_markdown: 'bell \u0007', locale: 'uk' } }, { auth: agent }), 422, 'body_markdown');
		// a NUL is no text: refused whole, never cut short
		assert.ok([400, 422].includes((await preview('a\u0000b')).status));
		assert.equal((await preview('')).json.body, '');
	});

	it('refuses what a save refuses, naming body_markdown', async () => {
		refused(await preview('x'.repeat(256 * 1024 + 1)), 422, 'body_markdown');
		refused(await srv.api('POST', `${HC}/preview`, { body_markdown: 42 }, { auth: agent }), 422, 'body_markdown');
		refused(await srv.api('POST', `${HC}/preview`, {}, { auth: agent }), 422, 'body_markdown');
		assert.equal((await srv.api('POST', `${HC}/preview`, ['x'], { auth: agent })).status, 400);
		// the largest body that may be saved may be previewed
		assert.equal((await preview('x'.repeat(256 * 1024))).status, 200);
	});

	it('is for agents: customers and strangers are refused', async () => {
		assert.equal((await preview('x', alice)).status, 403);
		assert.equal((await preview('x', 'anonymous')).status, 401);
	});
});

describe('the editor\'s list of articles', () => {
	let a, b, internal;
	before(async () => {
		a = (await ok('POST', `${HC}/sections/${section.id}/articles`, { article: {
			title: 'Як повернути кошти', body_markdown: 'Текст', locale: 'uk', label_names: ['refund'], draft: false,
		} }, agent, 201)).article;
		await ok('POST', `${HC}/articles/${a.id}/translations`,
			{ translation: { locale: 'en', title: 'How to get a refund', body_markdown: 'Text', draft: true } }, agent, 201);
		b = (await ok('POST', `${HC}/sections/${other.id}/articles`, { article: {
			title: 'Kortelės', body_markdown: 'Tekstas', locale: 'lt', position: 1,
		} }, agent, 201)).article;
		internal = (await ok('POST', `${HC}/sections/${other.id}/articles`, { article: {
			title: 'Internal <script>x</script>', body_markdown: 'secret', locale: 'en', visibility: 'agents', position: 2,
		} }, agent, 201)).article;
		await ok('DELETE', `${HC}/articles/${internal.id}`, null, agent, 204);
	});

	it('gives every article once with all its translations, drafts and archived ones too', async () => {
		const list = (await ok('GET', `${HC}/editor/articles`)).articles;
		const byId = new Map(list.map((x) => [x.id, x]));
		assert.equal(list.length, byId.size, 'each article once');
		const ra = byId.get(a.id);
		assert.deepEqual(ra.translations.map((x) => [x.locale, x.title, x.draft]),
			[['uk', 'Як повернути кошти', false], ['en', 'How to get a refund', true]]);
		assert.deepEqual(ra.label_names, ['refund']);
		assert.equal(ra.source_locale, 'uk');
		assert.equal(ra.section_id, section.id);
		assert.equal(ra.archived, false);
		assert.deepEqual(byId.get(b.id).translations.map((x) => x.locale), ['lt']);
		const ri = byId.get(internal.id);
		assert.equal(ri.archived, true);
		assert.equal(ri.visibility, 'agents');
		assert.equal(ri.translations[0].title, 'Internal <script>x</script>', 'a title is data, kept as typed');
		for (const x of list)
			for (const tr of x.translations)
				assert.equal(typeof tr.view_count, 'number');
	});

	it('counts views and votes per translation', async () => {
		await ok('POST', `${HC}/articles/${a.id}/up`, { locale: 'uk', voter_key: 'a1'.padEnd(32, '0') }, 'anonymous');
		await ok('POST', `${HC}/articles/${a.id}/down`, { locale: 'uk', voter_key: 'a2'.padEnd(32, '0') }, 'anonymous');
		await ok('POST', `${HC}/articles/${a.id}/up`, { locale: 'uk', voter_key: 'a3'.padEnd(32, '0') }, 'anonymous');
		const uk = (await ok('GET', `${HC}/editor/articles`)).articles.find((x) => x.id === a.id).translations[0];
		assert.deepEqual([uk.vote_sum, uk.vote_count], [1, 3]);
	});

	it('filters by section and label, and refuses a bad filter', async () => {
		const inSection = (await ok('GET', `${HC}/editor/articles?section=${other.id}`)).articles;
		assert.deepEqual(inSection.map((x) => x.id).sort(), [b.id, internal.id].sort());
		const labelled = (await ok('GET', `${HC}/editor/articles?label_names=refund`)).articles;
		assert.deepEqual(labelled.map((x) => x.id), [a.id]);
		assert.deepEqual((await ok('GET', `${HC}/editor/articles?section=999999`)).articles, []);
		for (const q of ['section=-1', 'section=abc', "section=1%27%20OR%201=1"])
			refused(await srv.api('GET', `${HC}/editor/articles?${q}`, null, { auth: agent }), 422, 'section');
		assert.equal((await srv.api('GET', `${HC}/editor/articles?sort=evil`, null, { auth: agent })).status, 400);
		const sneaky = (await ok('GET', `${HC}/editor/articles?label_names=${encodeURIComponent("x' OR '1'='1")}`)).articles;
		assert.deepEqual(sneaky, []);
	});

	it('is for agents only: internal articles never reach customers', async () => {
		assert.equal((await srv.api('GET', `${HC}/editor/articles`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `${HC}/editor/articles`, null, { auth: 'anonymous' })).status, 401);
	});
});
