// Macros (Zendesk's /api/v2/macros): create, list, search, show, update and
// delete; personal macros seen and used by their owner alone, shared ones
// written by admins only; applying a macro to a ticket gives the fields it
// sets and its reply in the requester's language (uk, ru, lt, en) rendered
// for that ticket and the agent, and changes nothing; every refusal names
// its field and writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/macros';

let srv, agent, bob, olena, ivan, ona, alice;

before(async () => {
	srv = await startServer({ agents: ['agent', 'bob'], endUsers: ['olena', 'ivan', 'ona', 'alice'] });
	({ agent, bob, olena, ivan, ona, alice } = srv.users);
	for (const [u, locale, name] of [[olena, 'uk', 'Олена Коваль'], [ivan, 'ru', 'Иван Петров'],
		[ona, 'lt-LT', 'Ona Kazlauskienė'], [alice, 'en-US', 'Alice Smith']])
		await ok('PUT', `/api/v2/users/${u.id}`, { user: { locale, name } });
});
after(async () => { await srv?.cleanup(); });

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

const create = async (macro, auth) => (await ok('POST', BASE, { macro }, auth)).macro;
// The titles of the list at q as auth sees it (the admin's when not given).
const titles = async (q = '', auth) => (await ok('GET', `${BASE}${q}`, null, auth)).macros.map((m) => m.title);

async function removeAll() {
	for (const auth of [undefined, agent, bob])
		for (const m of (await ok('GET', BASE, null, auth)).macros)
			await ok('DELETE', `${BASE}/${m.id}`, null, auth);
}

const refund = {
	title: 'Refund approved',
	actions: [
		{ field: 'status', value: 'solved' },
		{ field: 'priority', value: 'low' },
		{ field: 'current_tags', value: 'refund' },
		{ field: 'remove_tags', value: 'waiting' },
		{ field: 'comment_value', value: 'Hello {{ticket.requester.first_name}}, your refund is approved. {{current_user.name}}' },
		{ field: 'comment_mode_is_public', value: true },
	],
	translations: {
		uk: 'Вітаємо, {{ticket.requester.first_name}}! Повернення коштів за запитом №{{ticket.id}} схвалено. {{current_user.name}}',
		ru: 'Здравствуйте, {{ticket.requester.first_name}}! Возврат по запросу №{{ticket.id}} одобрен. {{current_user.name}}',
		lt: 'Sveiki, {{ticket.requester.first_name}}! Pinigų grąžinimas pagal užklausą Nr. {{ticket.id}} patvirtintas. {{current_user.name}}',
		en: 'Hello {{ticket.requester.first_name}}, the refund for request #{{ticket.id}} is approved. {{current_user.name}}',
	},
};

describe('saving macros', () => {
	after(removeAll);

	it('creates, shows, lists, updates and deletes a shared macro', async () => {
		const m = await create(refund);
		assert.equal(m.title, 'Refund approved');
		assert.equal(m.active, true);
		assert.equal(m.restriction, null);
		assert.equal(m.translations.lt, refund.translations.lt);
		assert.deepEqual(m.actions.find((a) => a.field === 'status'), { field: 'status', value: 'solved' });
		assert.equal((await ok('GET', `${BASE}/${m.id}`, null, agent)).macro.id, m.id);
		assert.deepEqual(await titles(), ['Refund approved']);
		const u = (await ok('PUT', `${BASE}/${m.id}`, { macro: { title: 'Refund done', active: false, translations: { en: 'Done.' } } })).macro;
		assert.equal(u.title, 'Refund done');
		assert.equal(u.active, false);
		assert.equal(u.translations.en, 'Done.');
		assert.equal(u.translations.uk, refund.translations.uk, 'languages left out stay');
		assert.deepEqual(await titles('/active'), []);
		assert.deepEqual(await titles('?active=false'), ['Refund done']);
		await ok('DELETE', `${BASE}/${m.id}`);
		refused(await srv.api('GET', `${BASE}/${m.id}`, null, { auth: agent }), 404);
	});

	it('keeps a personal macro to its owner: unseen, unusable and unchangeable by others', async () => {
		const mine = await create({ title: 'My sign-off', translations: { en: 'Cheers, {{current_user.name}}' } }, agent);
		assert.deepEqual(mine.restriction, { type: 'User', id: agent.id });
		await create({ title: 'Team greeting', translations: { en: 'Hi' } });
		assert.deepEqual(await titles('', agent), ['My sign-off', 'Team greeting']);
		assert.deepEqual(await titles('?access=personal', agent), ['My sign-off']);
		assert.deepEqual(await titles('?access=shared', agent), ['Team greeting']);
		assert.deepEqual(await titles('', bob), ['Team greeting']);
		assert.deepEqual(await titles(''), ['Team greeting'], 'not even an admin sees it');
		for (const auth of [bob, undefined]) {
			const o = auth ? { auth } : {};
			refused(await srv.api('GET', `${BASE}/${mine.id}`, null, o), 404);
			refused(await srv.api('GET', `${BASE}/${mine.id}/apply`, null, o), 404);
			refused(await srv.api('PUT', `${BASE}/${mine.id}`, { macro: { title: 'x' } }, o), 404);
			refused(await srv.api('DELETE', `${BASE}/${mine.id}`, null, o), 404);
		}
		assert.equal((await ok('GET', `${BASE}/${mine.id}`, null, agent)).macro.title, 'My sign-off');
	});

	it('lets agents write personal macros only, and admins shared ones', async () => {
		refused(await srv.api('POST', BASE, { macro: { title: 'Shared?', restriction: null, translations: { en: 'x' } } }, { auth: agent }), 403);
		refused(await srv.api('POST', BASE, { macro: { title: 'For Bob', restriction: { type: 'User', id: bob.id }, translations: { en: 'x' } } }, { auth: agent }), 422, 'restriction.id');
		const shared = (await ok('GET', `${BASE}?access=shared`, null, agent)).macros[0];
		refused(await srv.api('PUT', `${BASE}/${shared.id}`, { macro: { title: 'Mine now' } }, { auth: agent }), 403);
		refused(await srv.api('DELETE', `${BASE}/${shared.id}`, null, { auth: agent }), 403);
		assert.equal((await ok('GET', `${BASE}/${shared.id}`)).macro.title, 'Team greeting');
	});

	it('shows a macro restricted to groups to their agents (and admins) only', async () => {
		const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Billing' } })).group;
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: bob.id, group_id: g.id } });
		const m = await create({ title: 'Billing only', restriction: { type: 'Group', ids: [g.id] }, translations: { en: 'x' } });
		assert.deepEqual(m.restriction, { type: 'Group', id: g.id, ids: [g.id] });
		assert.deepEqual((await ok('GET', `${BASE}/${m.id}`)).macro.restriction, m.restriction);
		assert.ok((await titles('', bob)).includes('Billing only'));
		assert.ok(!(await titles('', agent)).includes('Billing only'));
		assert.ok((await titles('')).includes('Billing only'));
		refused(await srv.api('GET', `${BASE}/${m.id}`, null, { auth: agent }), 404);
	});

	it('searches titles in any case and alphabet, sorts and pages', async () => {
		await create({ title: 'Запит номера замовлення', translations: { uk: 'Вкажіть номер замовлення' } });
		await create({ title: 'Ask for order number', translations: { en: 'Your order number, please?' } });
		assert.deepEqual(await titles('/search?query=ORDER'), ['Ask for order number']);
		assert.deepEqual(await titles('/search?query=' + encodeURIComponent('ЗАМОВЛЕННЯ')), ['Запит номера замовлення']);
		assert.deepEqual(await titles('/search?query=nothing'), []);
		refused(await srv.api('GET', `${BASE}/search?query=`, null, { auth: agent }), 422, 'query');
		refused(await srv.api('GET', `${BASE}/search?query=${'a'.repeat(300)}`, null, { auth: agent }), 422, 'query');
		const all = await titles('?sort_by=alphabetical');
		assert.deepEqual(all, [...all].sort());
		assert.deepEqual(await titles('?sort_by=alphabetical&sort_order=desc'), [...all].reverse());
		const p1 = await ok('GET', `${BASE}?sort_by=alphabetical&per_page=2`);
		assert.equal(p1.macros.length, 2);
		assert.equal(p1.count, all.length);
		assert.ok(p1.next_page);
		const p2 = await ok('GET', `${BASE}?sort_by=alphabetical&per_page=2&page=2`);
		assert.deepEqual(p2.macros.map((m) => m.title), all.slice(2, 4));
		refused(await srv.api('GET', `${BASE}?sort_by=colour`), 422, 'sort_by');
		refused(await srv.api('GET', `${BASE}?access=everyone`), 422, 'access');
		refused(await srv.api('GET', `${BASE}?page=0`), 400);
	});

	it('offers the actions a macro may take, and no mail or webhook', async () => {
		const acts = (await ok('GET', `${BASE}/actions`, null, agent)).actions.map((a) => a.subject);
		for (const a of ['status', 'priority', 'group_id', 'assignee_id', 'current_tags', 'comment_value', 'comment_mode_is_public'])
			assert.ok(acts.includes(a), a);
		for (const a of ['notification_user', 'notification_group', 'notification_webhook'])
			assert.ok(!acts.includes(a), a);
	});
});

describe('refusals', () => {
	after(removeAll);

	it('refuses bad macros naming the field, writing nothing', async () => {
		const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Gone soon' } })).group;
		await ok('DELETE', `/api/v2/groups/${g.id}`);
		const cases = [
			[{ translations: { en: 'x' } }, 'title'],
			[{ title: '', translations: { en: 'x' } }, 'title'],
			[{ title: 'x'.repeat(256), translations: { en: 'x' } }, 'title'],
			[{ title: 'Nothing' }, 'actions'],
			[{ title: 'Bad', actions: [{ field: 'explode', value: 1 }] }, 'actions[0].field'],
			[{ title: 'Mail', actions: [{ field: 'notification_user', value: ['requester_id', 's', 'b'] }] }, 'actions[0].field'],
			[{ title: 'Bad', actions: [{ field: 'status', value: 'sleeping' }] }, 'actions[0].value'],
			[{ title: 'Bad', actions: [{ field: 'group_id', value: g.id }] }, 'actions[0].value'],
			[{ title: 'Bad', actions: [{ field: 'assignee_id', value: 999999 }] }, 'actions[0].value'],
			[{ title: 'Bad', actions: [{ field: 'assignee_id', value: alice.id }] }, 'actions[0].value'],
			[{ title: 'Bad', actions: [{ field: 'comment_value', value: 'Hi {{ticket.satisfaction}}' }] }, 'actions[0].value'],
			[{ title: 'Bad', translations: { uk: 'Привіт {{ticket.requester.password}}' } }, 'translations.uk'],
			[{ title: 'Bad', translations: { uk: 'Привіт {{#ticket.id}' } }, 'translations.uk'],
			[{ title: 'Bad', translations: { de: 'Hallo' } }, 'translations.de'],
			[{ title: 'Bad', translations: { en: 42 } }, 'translations.en'],
			[{ title: 'Bad', translations: ['en'] }, 'translations'],
			[{ title: 'Huge', translations: { lt: 'ą'.repeat(40000) } }, 'translations.lt'],
			[{ title: 'Huge', actions: [{ field: 'comment_value', value: 'x'.repeat(70000) }] }, 'actions[0].value'],
			[{ title: 'Bad', restriction: { type: 'Group', ids: [g.id] }, translations: { en: 'x' } }, 'restriction.ids[0]'],
			[{ title: 'Bad', restriction: { type: 'Group', ids: [-1] }, translations: { en: 'x' } }, 'restriction.ids[0]'],
			[{ title: 'Bad', restriction: { type: 'Planet' }, translations: { en: 'x' } }, 'restriction.type'],
			[{ title: 'Bad', restriction: 'everyone', translations: { en: 'x' } }, 'restriction'],
		];
		for (const [macro, field] of cases)
			refused(await srv.api('POST', BASE, { macro }), 422, field);
		refused(await srv.api('POST', BASE, { nomacro: {} }), 400);
		assert.deepEqual(await titles(''), []);
		const m = await create({ title: 'Keep', translations: { en: 'Kept' } });
		refused(await srv.api('PUT', `${BASE}/${m.id}`, { macro: { title: 'Changed', translations: { xx: 'y' } } }), 422, 'translations.xx');
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.title, 'Keep');
		refused(await srv.api('GET', `${BASE}/999999`), 404);
		refused(await srv.api('GET', `/api/v2/tickets/999999/macros/${m.id}/apply`, null, { auth: agent }), 404);
		refused(await srv.api('GET', BASE, null, { auth: alice }), 403);
	});
});

describe('applying', () => {
	after(removeAll);

	const ticketOf = async (u) => (await ok('POST', '/api/v2/tickets', {
		ticket: { subject: 'Refund', comment: { body: 'please' }, requester_id: u.id, tags: ['waiting', 'vip'] },
	})).ticket;

	it('replies in the requester\'s language, rendered for the ticket and the agent, changing nothing', async () => {
		const m = await create(refund);
		const expected = [
			[olena, 'Вітаємо, Олена! Повернення коштів за запитом №%d схвалено. Agent agent'],
			[ivan, 'Здравствуйте, Иван! Возврат по запросу №%d одобрен. Agent agent'],
			[ona, 'Sveiki, Ona! Pinigų grąžinimas pagal užklausą Nr. %d patvirtintas. Agent agent'],
			[alice, 'Hello Alice, the refund for request #%d is approved. Agent agent'],
		];
		for (const [u, text] of expected) {
			const t = await ticketOf(u);
			const before = await ok('GET', `/api/v2/tickets/${t.id}/audits`, null, agent);
			const { result } = await ok('GET', `/api/v2/tickets/${t.id}/macros/${m.id}/apply`, null, agent);
			assert.equal(result.comment.body, text.replace('%d', t.id));
			assert.equal(result.comment.public, true);
			assert.match(result.comment.html_body, /^<p>/);
			assert.equal(result.ticket.id, t.id);
			assert.equal(result.ticket.status, 'solved');
			assert.equal(result.ticket.priority, 'low');
			assert.deepEqual([...result.ticket.tags].sort(), ['refund', 'vip']);
			const now = (await ok('GET', `/api/v2/tickets/${t.id}`, null, agent)).ticket;
			assert.equal(now.status, t.status);
			assert.deepEqual(now.tags, t.tags);
			assert.equal(now.updated_at, t.updated_at);
			assert.deepEqual(await ok('GET', `/api/v2/tickets/${t.id}/audits`, null, agent), before);
		}
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.usage_count, 0, 'applying counts nothing');
	});

	it('a submit with macro_ids counts each use and names the macros in the ticket\'s log; a macro not the agent\'s is refused', async () => {
		const m = await create(refund);
		const mine = await create({ title: 'Bob\'s own', restriction: { type: 'User', id: bob.id },
			actions: [{ field: 'comment_value', value: 'hi' }] }, bob);
		const t = await ticketOf(olena);
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved', macro_ids: [m.id] } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.usage_count, 1);
		const audits = (await ok('GET', `/api/v2/tickets/${t.id}/audits`, null, agent)).audits;
		const ev = audits[audits.length - 1].events.find((e) => e.field_name === 'macro');
		assert.ok(ev, JSON.stringify(audits[audits.length - 1]));
		assert.equal(ev.value, `Macro ${m.id}: ${refund.title}`);
		// someone else's personal macro, one that does not exist: 422, nothing written
		for (const ids of [[mine.id], [999999], [m.id, 999999]]) {
			r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'urgent', macro_ids: ids } }, { auth: agent });
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details?.macro_ids, r.text);
		}
		assert.equal((await ok('GET', `/api/v2/tickets/${t.id}`, null, agent)).ticket.priority, t.priority);
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.usage_count, 1);
		// a customer names no macro
		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'thanks' }, macro_ids: [m.id] } }, { auth: olena });
		assert.equal(r.status, 403, r.text);
		// and a new ticket may name them too
		r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'By macro', comment: { body: 'x' }, macro_ids: [m.id] } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.usage_count, 2);
	});

	it('falls back to comment_value when the language has no reply, and escapes values in HTML', async () => {
		const m = await create({ title: 'English only', actions: [{ field: 'comment_value', value: 'Re: {{ticket.title}}' }] });
		const t = (await ok('POST', '/api/v2/tickets', { ticket: { subject: '<b>Broken</b> & {{current_user.email}}', comment: { body: 'x' }, requester_id: olena.id } })).ticket;
		const { result } = await ok('GET', `/api/v2/tickets/${t.id}/macros/${m.id}/apply`, null, agent);
		assert.equal(result.comment.body, 'Re: <b>Broken</b> & {{current_user.email}}', 'one pass: a customer\'s text is not a template');
		assert.equal(result.comment.public, false, 'an internal note unless the macro says public');
		assert.ok(!result.comment.html_body.includes('<b>'), result.comment.html_body);
		assert.ok(result.comment.html_body.includes('&lt;b&gt;'), result.comment.html_body);
	});

	it('applies without a ticket, and assigns to the agent applying it', async () => {
		const m = await create({ title: 'Take it', actions: [{ field: 'assignee_id', value: 'current_user' }, { field: 'status', value: 'open' }] });
		const { result } = await ok('GET', `${BASE}/${m.id}/apply`, null, bob);
		assert.deepEqual(result, { ticket: { status: 'open', assignee_id: bob.id } });
		assert.equal((await ok('GET', `${BASE}/${m.id}`)).macro.usage_count, 0);
	});
});
