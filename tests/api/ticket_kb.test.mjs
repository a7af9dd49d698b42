// From tickets to knowledge (docs/kb.md "From tickets"): a ticket links the
// articles used to answer it (idempotent, refusals naming article_id), an
// article lists the tickets that used it, a solved ticket becomes a draft
// article in its requester's language without internal notes, and a ticket
// finds its similar ones through the search index — inflected words too,
// never itself, deleted or merged ones.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';
let srv, agent, olena, ivan, alice, section, art, internal, archived;

async function ok(method, p, body, auth = agent, status) {
	const r = await srv.api(method, p, body, { auth });
	assert.ok(status ? r.status === status : r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

const ticket = async (subject, body, requester) => (await ok('POST', '/api/v2/tickets',
	{ ticket: { subject, comment: { body }, requester_id: requester.id } })).ticket;
const comment = (id, body, pub = true, status) => ok('PUT', `/api/v2/tickets/${id}`,
	{ ticket: { comment: { body, public: pub }, ...(status ? { status } : {}) } });
const article = async (fields) => (await ok('POST', `${HC}/sections/${section.id}/articles`,
	{ article: { draft: false, ...fields } }, agent, 201)).article;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['olena', 'ivan', 'alice'] });
	({ agent, olena, ivan, alice } = srv.users);
	for (const [u, locale] of [[olena, 'uk'], [ivan, 'ru'], [alice, 'en-US']])
		await ok('PUT', `/api/v2/users/${u.id}`, { user: { locale } }, undefined);
	const category = (await ok('POST', `${HC}/categories`, { category: { name: 'Оплата', locale: 'uk' } }, agent, 201)).category;
	section = (await ok('POST', `${HC}/categories/${category.id}/sections`, { section: { name: 'Картки', locale: 'uk' } }, agent, 201)).section;
	art = await article({ title: 'Card payments', body_markdown: 'Pay by card.', locale: 'en' });
	await ok('POST', `${HC}/articles/${art.id}/translations`,
		{ translation: { locale: 'uk', title: 'Оплата карткою', body_markdown: 'Оплатіть карткою.', draft: false } }, agent, 201);
	internal = await article({ title: 'Refund tricks', body_markdown: 'Internal.', locale: 'en', visibility: 'agents' });
	archived = await article({ title: 'Old way', body_markdown: 'Gone.', locale: 'en' });
	await ok('DELETE', `${HC}/articles/${archived.id}`);
});
after(async () => { await srv?.cleanup(); });

describe('articles used to answer a ticket', () => {
	it('links idempotently, shows the requester’s translation, falls back to the source, unlinks', async () => {
		const t = await ticket('Не проходить оплата', 'Картка не приймається', olena);
		const links = async () => ok('GET', `/api/v2/tickets/${t.id}/articles`);
		assert.equal((await ok('POST', `/api/v2/tickets/${t.id}/articles`, { article_id: art.id }, agent, 201)).ticket_article.article_id, art.id);
		assert.equal((await srv.api('POST', `/api/v2/tickets/${t.id}/articles`, { article_id: art.id }, { auth: agent })).status, 200);
		await ok('POST', `/api/v2/tickets/${t.id}/articles`, { article_id: internal.id }, agent, 201);
		const l = await links();
		assert.equal(l.locale, 'uk');
		assert.deepEqual(l.articles.map((a) => [a.article_id, a.title, a.locale, a.fallback]),
			[[art.id, 'Оплата карткою', 'uk', false], [internal.id, 'Refund tricks', 'en', true]]);
		assert.match(l.articles[0].html_url, new RegExp(`/hc/uk/articles/${art.id}-`));
		assert.equal(l.articles[1].visibility, 'agents');
		assert.equal(l.articles[0].linked_by_id, agent.id);

		const uses = await ok('GET', `${HC}/articles/${art.id}/tickets`);
		assert.deepEqual(uses.tickets.map((x) => x.id), [t.id]);
		assert.equal(uses.tickets[0].subject, 'Не проходить оплата');

		await ok('DELETE', `/api/v2/tickets/${t.id}/articles/${internal.id}`, null, agent, 204);
		await ok('DELETE', `/api/v2/tickets/${t.id}/articles/${internal.id}`, null, agent, 204);
		assert.deepEqual((await links()).articles.map((a) => a.article_id), [art.id]);
	});

	it('refuses unknown, archived and malformed articles, customers and unknown tickets, writing nothing', async () => {
		const t = await ticket('Refused links', 'x', alice);
		for (const [body, field] of [[{ article_id: 999999 }, 'article_id'], [{ article_id: archived.id }, 'article_id'],
			[{ article_id: -1 }, 'article_id'], [{ article_id: 'x; DROP TABLE tickets' }, 'article_id'],
			[{}, 'article_id'], [{ article_id: 2 ** 53 }, 'article_id']])
			refused(await srv.api('POST', `/api/v2/tickets/${t.id}/articles`, body, { auth: agent }), 422, field);
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/articles`, [1], { auth: agent }), 400);
		assert.equal((await srv.api('POST', '/api/v2/tickets/999999/articles', { article_id: art.id }, { auth: agent })).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}/articles`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('POST', `/api/v2/tickets/${t.id}/articles`, { article_id: art.id }, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `${HC}/articles/${art.id}/tickets`, null, { auth: alice })).status, 403);
		assert.equal((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).count, 0);
	});
});

describe('a draft article from a solved ticket', () => {
	it('quotes the question, takes the last public agent answer before solving, in the requester’s language, and links it', async () => {
		const t = await ticket('Як повернути кошти?', 'Хочу повернути гроші\nза замовлення 42', olena);
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/article_draft`, { section_id: section.id }, { auth: agent }), 422, 'status');
		await comment(t.id, 'СЕКРЕТ: внутрішня примітка', false);
		await comment(t.id, 'Перша відповідь');
		await comment(t.id, 'Поверніть товар, кошти прийдуть за 3 дні.', true, 'solved');
		await comment(t.id, 'Ще одна примітка після', false);
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/article_draft`, { section_id: 999999 }, { auth: agent }), 422, 'section_id');
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/article_draft`, {}, { auth: agent }), 422, 'section_id');
		const d = (await ok('POST', `/api/v2/tickets/${t.id}/article_draft`, { section_id: section.id }, agent, 201)).article;
		assert.equal(d.title, 'Як повернути кошти?');
		assert.equal(d.locale, 'uk');
		assert.equal(d.draft, true);
		assert.equal(d.editor_url, `/agent/kb/articles/${d.id}`);
		assert.equal(d.body_markdown,
			'## Питання\n\n> Хочу повернути гроші\n> за замовлення 42\n\n## Відповідь\n\nПоверніть товар, кошти прийдуть за 3 дні.\n');
		assert.doesNotMatch(d.body_markdown, /СЕКРЕТ|примітка/);
		const full = (await ok('GET', `${HC}/articles/${d.id}`)).article;
		assert.equal(full.draft, true);
		assert.match(full.body, /<blockquote>/);
		assert.equal((await srv.api('GET', `${HC}/articles/${d.id}`, null, { auth: 'anonymous' })).status, 404);
		assert.deepEqual((await ok('GET', `/api/v2/tickets/${t.id}/articles`)).articles.map((a) => a.article_id), [d.id]);
	});

	it('writes the headings in the requester’s language, and refuses a ticket without an agent answer or a customer', async () => {
		const t = await ticket('Заказ не пришёл', 'Где мой заказ?', ivan);
		await comment(t.id, 'Заказ в пути.', true, 'solved');
		const d = (await ok('POST', `/api/v2/tickets/${t.id}/article_draft`, { section_id: section.id }, agent, 201)).article;
		assert.equal(d.locale, 'ru');
		assert.match(d.body_markdown, /^## Вопрос\n\n> Где мой заказ\?\n\n## Ответ\n\nЗаказ в пути\.\n$/);
		const u = await ticket('No answer', 'hello', alice);
		await ok('PUT', `/api/v2/tickets/${u.id}`, { ticket: { status: 'solved' } });
		refused(await srv.api('POST', `/api/v2/tickets/${u.id}/article_draft`, { section_id: section.id }, { auth: agent }), 422, 'comments');
		assert.equal((await srv.api('POST', `/api/v2/tickets/${t.id}/article_draft`, { section_id: section.id }, { auth: ivan })).status, 403);
	});
});

describe('similar tickets', () => {
	it('finds inflected Ukrainian and Russian matches, solved first, never itself, deleted or merged ones', async () => {
		const a = await ticket('Повернення коштів за замовлення', 'Прошу повернення коштів, замовлення скасовано', olena);
		const b = await ticket('Як повернути кошти', 'Хочу повернути кошти за скасоване замовлення', olena);
		const c = await ticket('Доставка кур’єром', 'Коли приїде кур’єр з доставкою?', olena);
		const r1 = await ticket('Возврат заказа', 'Хочу вернуть заказ, деньги не пришли', ivan);
		const r2 = await ticket('Как вернуть деньги за заказы', 'Заказа нет, верните деньги', ivan);
		const gone = await ticket('Повернути кошти негайно', 'повернення коштів', olena);
		const merged = await ticket('Повернення коштів ще раз', 'кошти замовлення', olena);
		await ok('DELETE', `/api/v2/tickets/${gone.id}`, null, undefined, 204);
		await ok('POST', `/api/v2/tickets/${b.id}/merge`, { ids: [merged.id] });
		const similar = async (t) => (await ok('GET', `/api/v2/tickets/${t.id}/similar`)).tickets;

		const sa = await similar(a);
		assert.equal(sa[0]?.id, b.id, JSON.stringify(sa));
		assert.ok(!sa.some((x) => [a.id, gone.id, merged.id, c.id].includes(x.id)), JSON.stringify(sa));
		assert.ok(sa.length <= 5);
		assert.equal(typeof sa[0].subject, 'string');
		assert.equal(typeof sa[0].status, 'string');
		const sr = await similar(r1);
		assert.equal(sr[0]?.id, r2.id, JSON.stringify(sr));
		assert.ok(!sr.some((x) => x.id === r1.id));
		assert.ok(!(await similar(c)).some((x) => x.id === c.id));
		assert.equal((await srv.api('GET', `/api/v2/tickets/${a.id}/similar`, null, { auth: olena })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/tickets/999999/similar', null, { auth: agent })).status, 404);
	});
});
