// Search: full text in Ukrainian, Russian and Lithuanian, phrases, field
// conditions, users and organizations, snippets, and what end users may see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, alice, bob;
const T = {};

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'] });
	({ agent, alice, bob } = srv.users);

	T.uk = await srv.ticket({ subject: 'Проблема з оплатою', body: 'Не можу оплатити рахунок. Їжак з\'їв ґанок.' },
		{ auth: alice });
	T.ru = await srv.ticket({ subject: 'Заказ не доставлен вовремя', body: 'Курьер так и не приехал, Ёлка осталась без подарков.' },
		{ auth: bob });
	T.lt = await srv.ticket({ subject: 'Ąžuolas nukrito ant stogo', body: 'Prašau atsiųsti sąskaitą. Sąskaita faktūra reikalinga šiandien.' },
		{ auth: alice });
	T.phrase = await srv.ticket({ subject: 'Animals', body: 'The quick brown fox jumps over the lazy dog.' });
	T.phrase2 = await srv.ticket({ subject: 'Animals again', body: 'A brown dog and a quick fox.' });
	T.html = await srv.ticket({ subject: 'Markup', body: 'Paste <script>alert("x")</script> & see zanzibarite explode <b>now</b>' });

	// a set for field conditions, all tagged qset
	T.a = await srv.ticket({ subject: 'Set A', status: 'open', priority: 'high', assignee_id: agent.id,
		requester_id: alice.id, tags: ['qset', 'red'] });
	T.b = await srv.ticket({ subject: 'Set B', status: 'pending', priority: 'low', requester_id: bob.id,
		tags: ['qset', 'blue'] });
	T.c = await srv.ticket({ subject: 'Set C', status: 'solved', priority: 'high', requester_id: alice.id,
		tags: ['qset'] });
	T.d = await srv.ticket({ subject: 'Set D', priority: 'normal', requester_id: bob.id, tags: ['qset', 'red'] });

	// alice's request with an internal note and a public reply
	T.notes = await srv.ticket({ subject: 'Billing question', body: 'Why was I charged twice?' }, { auth: alice });
	let r = await srv.api('PUT', `/api/v2/tickets/${T.notes.id}`,
		{ ticket: { comment: { body: 'Internal: customer flagged as fraudulentmarmoset risk', public: false } } },
		{ auth: agent });
	assert.equal(r.status, 200, r.text);
	r = await srv.api('PUT', `/api/v2/tickets/${T.notes.id}`,
		{ ticket: { comment: { body: 'We refunded the duplicate, the refundwombat is done', public: true } } },
		{ auth: agent });
	assert.equal(r.status, 200, r.text);
	// bob's request with a word alice must never find
	T.bobonly = await srv.ticket({ subject: 'Secret of bob', body: 'my passphrase is platypusbanana' }, { auth: bob });
});
after(async () => { await srv?.cleanup(); });

async function search(q, auth = agent, extra = '') {
	const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}${extra}`, null, { auth });
	assert.equal(r.status, 200, `${q}: ${r.status} ${r.text}`);
	return r.json;
}

async function ids(q, auth = agent) {
	const j = await search(q, auth);
	for (const x of j.results)
		assert.equal(x.result_type, 'ticket');
	return j.results.map((x) => x.id).sort((a, b) => a - b);
}

const ids_ = (q, auth) => ids(q, auth);
const sorted = (...ts) => ts.map((t) => t.id).sort((a, b) => a - b);

describe('full text across languages', () => {
	it('finds Ukrainian words regardless of case', async () => {
		for (const q of ['оплатою', 'ОПЛАТОЮ', 'Рахунок', 'ҐАНОК', 'їжак', 'ЇЖАК'])
			assert.deepEqual(await ids(q), sorted(T.uk), q);
	});

	it('finds Russian words regardless of case', async () => {
		for (const q of ['доставлен', 'ДОСТАВЛЕН', 'курьер', 'ЗАКАЗ', 'ёлка', 'ЁЛКА'])
			assert.deepEqual(await ids(q), sorted(T.ru), q);
	});

	it('finds Lithuanian words typed without diacritics, and with them in any case', async () => {
		for (const q of ['azuolas', 'AZUOLAS', 'Ąžuolas', 'ĄŽUOLAS', 'saskaita', 'sąskaita', 'faktura', 'siandien'])
			assert.deepEqual(await ids(q), sorted(T.lt), q);
	});

	it('matches an "exact phrase" only in that order', async () => {
		assert.deepEqual(await ids('"quick brown"'), sorted(T.phrase));
		assert.deepEqual(await ids('quick brown'), sorted(T.phrase, T.phrase2));
		assert.deepEqual(await ids('"brown dog"'), sorted(T.phrase2));
	});

	it('supports prefix* and -word', async () => {
		assert.deepEqual(await ids('доставл*'), sorted(T.ru));
		assert.deepEqual(await ids('fox -lazy'), sorted(T.phrase2));
	});

	it('marks hits with <em> in the snippet and escapes the ticket\'s HTML', async () => {
		const j = await search('zanzibarite');
		assert.equal(j.results.length, 1);
		const s = j.results[0].snippet;
		assert.equal(typeof s, 'string', JSON.stringify(j.results[0]));
		assert.match(s, /<em>zanzibarite<\/em>/);
		assert.doesNotMatch(s, /<script|<b>/);
		assert.match(s, /&lt;script&gt;/);
		assert.match(s, /&lt;b&gt;/);
		const lt = await search('azuolas');
		assert.match(lt.results[0].snippet, /<em>Ąžuolas<\/em>/);
	});

	it('returns Zendesk\'s search envelope with a count', async () => {
		const j = await search('quick');
		assert.ok(Array.isArray(j.results));
		assert.equal(j.count, 2);
		assert.ok('next_page' in j && 'previous_page' in j);
		const c = await srv.api('GET', `/api/v2/search/count?query=quick`, null, { auth: agent });
		assert.equal(c.status, 200, c.text);
		assert.equal(c.json.count, 2);
	});

	it('next_page links keep a non-ASCII query intact', async () => {
		const extra = [];
		for (let i = 0; i < 3; i++)
			extra.push(await srv.ticket({ subject: `Ąžuolas nr. ${i}`, body: 'dar vienas ąžuolas' }));
		const q = 'ąžuolas';
		const first = await search(q, agent, '&per_page=2');
		assert.equal(first.count, 4);
		assert.ok(first.next_page, JSON.stringify(first).slice(0, 300));
		const u = new URL(first.next_page);
		assert.equal(u.searchParams.get('query'), q);
		const r = await srv.api('GET', u.pathname + u.search, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const ids = [...first.results, ...r.json.results].map((x) => x.id).sort((a, b) => a - b);
		assert.deepEqual(ids, sorted(T.lt, ...extra));
		for (const t of extra)
			assert.equal((await srv.api('DELETE', `/api/v2/tickets/${t.id}`)).status, 204);
		assert.deepEqual(await ids_('azuolas'), sorted(T.lt));
	});

	it('a changed subject is found by its new words, not its old ones', async () => {
		const t = await srv.ticket({ subject: 'Kettle whistles loudly', body: 'see subject' });
		assert.deepEqual(await ids('kettle'), [t.id]);
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { subject: 'Toaster smokes' } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await ids('kettle'), []);
		assert.deepEqual(await ids('toaster'), [t.id]);
	});

	it('sorts by created_at when asked, both ways', async () => {
		const asc = (await search('tags:qset', agent, '&sort_by=created_at&sort_order=asc')).results.map((x) => x.id);
		const desc = (await search('tags:qset', agent, '&sort_by=created_at&sort_order=desc')).results.map((x) => x.id);
		assert.equal(asc.length, 4);
		const created = (x) => [T.a, T.b, T.c, T.d].find((t) => t.id === x).created_at;
		for (let i = 1; i < 4; i++) {
			assert.ok(created(asc[i - 1]) <= created(asc[i]));
			assert.ok(created(desc[i - 1]) >= created(desc[i]));
		}
	});

	it('pages search results with per_page/page', async () => {
		const first = await search('tags:qset', agent, '&per_page=3&page=1');
		assert.equal(first.results.length, 3);
		assert.equal(first.count, 4);
		assert.ok(first.next_page);
		const second = await search('tags:qset', agent, '&per_page=3&page=2');
		assert.equal(second.results.length, 1);
		assert.equal(second.next_page, null);
		const all = [...first.results, ...second.results].map((x) => x.id).sort((a, b) => a - b);
		assert.deepEqual(all, sorted(T.a, T.b, T.c, T.d));
	});
});

// Inflected forms find each other in all four languages, with the same
// results on SQLite and PostgreSQL (this file runs on both): core/text.c's
// stems, indexed by SQLite's tokenizer and given to PostgreSQL as tsvectors.
describe('inflections', () => {
	const I = {};
	before(async () => {
		I.uk = await srv.ticket({ subject: 'Повернення замовлення',
			body: 'Доставку скасували, кур’єр не приїхав. Чекаю на повернення коштів на картку.' });
		I.ru = await srv.ticket({ subject: 'Возврат посылки',
			body: 'Посылку вернули отправителю, жду возврата денег на счёт.' });
		I.lt = await srv.ticket({ subject: 'Grąžinimas',
			body: 'Prašau grąžinti pinigus už užsakymą, siuntinys negautas.' });
		I.en = await srv.ticket({ subject: 'Consignments returned',
			body: 'The consignments were returned to the sender; please refund the shipping.' });
	});

	it('finds Ukrainian words in other forms: verbs, nouns, the apostrophe typed either way', async () => {
		for (const q of ['повернути', 'повернув', 'поверненням', 'замовлень', 'замовленню',
			'доставка', 'доставці', 'доставки', 'картці', 'карткою', "кур'єра", 'курʼєром', 'кошти'])
			assert.deepEqual(await ids(q), sorted(I.uk), q);
		// a word of the same root that is not one of its forms
		assert.deepEqual(await ids('картон'), [], 'картон');
	});

	it('finds Russian, Lithuanian and English words in other forms', async () => {
		for (const q of ['возврата', 'возвратом', 'посылка', 'посылкой', 'счета', 'отправителем'])
			assert.deepEqual(await ids(q), sorted(I.ru), q);
		for (const q of ['užsakymas', 'užsakymo', 'siuntinio', 'siuntiniai', 'pinigų'])
			assert.deepEqual(await ids(q), sorted(I.lt), q);
		for (const q of ['consignment', 'returning', 'shipped', 'senders'])
			assert.deepEqual(await ids(q), sorted(I.en), q);
		// "refunded" is in alice's older ticket too
		assert.deepEqual(await ids('refunds'), sorted(T.notes, I.en));
		assert.deepEqual(await ids('refunding'), sorted(T.notes, I.en));
	});

	it('keeps phrases in order, prefixes on the word as written, and negation', async () => {
		assert.deepEqual(await ids('"повернути кошти"'), sorted(I.uk));
		assert.deepEqual(await ids('"кошти повернути"'), []);
		assert.deepEqual(await ids('поверн*'), sorted(I.uk));
		assert.deepEqual(await ids('замовлення -доставкою'), []);
		assert.deepEqual(await ids('посылками -доставка'), sorted(I.ru));
		assert.deepEqual(await ids('повернення оплата'), []); // both words must be there
	});

	it('highlights the inflected word in the snippet', async () => {
		let j = await search('поверненню');
		assert.equal(j.results.length, 1);
		assert.match(j.results[0].snippet, /<em>Повернення<\/em>/);
		j = await search('посылкой');
		assert.match(j.results[0].snippet, /<em>посылки<\/em>/);
		j = await search('returning');
		assert.match(j.results[0].snippet, /<em>returned<\/em>/);
		j = await search('siuntinio');
		assert.match(j.results[0].snippet, /<em>siuntinys<\/em>/);
	});

	it('a ticket answered later is found by its comment in another form', async () => {
		const r = await srv.api('PUT', `/api/v2/tickets/${I.en.id}`,
			{ ticket: { comment: { body: 'Кошти повернуто на вашу картку.', public: true } } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await ids('повернуті'), sorted(I.uk, I.en));
	});
});

describe('field conditions', () => {
	it('status:open, status<solved and ORed status values', async () => {
		assert.deepEqual(await ids('tags:qset status:open'), sorted(T.a));
		assert.deepEqual(await ids('tags:qset status<solved'), sorted(T.a, T.b, T.d));
		assert.deepEqual(await ids('tags:qset status>=solved'), sorted(T.c));
		assert.deepEqual(await ids('tags:qset status:new status:pending'), sorted(T.b, T.d));
	});

	it('priority:high', async () => {
		assert.deepEqual(await ids('tags:qset priority:high'), sorted(T.a, T.c));
	});

	it('assignee:me is the searching agent', async () => {
		assert.deepEqual(await ids('tags:qset assignee:me', agent), sorted(T.a));
		assert.deepEqual(await ids('tags:qset assignee:none'), sorted(T.b, T.d));
	});

	it('requester:EMAIL (any case) and requester:ID', async () => {
		assert.deepEqual(await ids('tags:qset requester:alice@example.test'), sorted(T.a, T.c));
		assert.deepEqual(await ids('tags:qset requester:ALICE@example.test'), sorted(T.a, T.c));
		assert.deepEqual(await ids(`tags:qset requester:${bob.id}`), sorted(T.b, T.d));
	});

	it('tags:x and -tags:x', async () => {
		assert.deepEqual(await ids('tags:red'), sorted(T.a, T.d));
		assert.deepEqual(await ids('tags:qset -tags:red'), sorted(T.b, T.c));
		assert.deepEqual(await ids('tags:red tags:blue'), sorted(T.a, T.b, T.d));
	});

	it('created>DATE and created<DATE', async () => {
		const day = (d) => new Date(Date.now() + d * 86400_000).toISOString().slice(0, 10);
		assert.deepEqual(await ids(`tags:qset created>${day(-2)}`), sorted(T.a, T.b, T.c, T.d));
		assert.deepEqual(await ids(`tags:qset created>2020-01-01`), sorted(T.a, T.b, T.c, T.d));
		assert.deepEqual(await ids(`tags:qset created<${day(-2)}`), []);
		assert.deepEqual(await ids(`tags:qset created:${day(0)}`), sorted(T.a, T.b, T.c, T.d));
	});

	it('type:user finds people by name or e-mail', async () => {
		const j = await search('type:user alice');
		const list = j.results;
		assert.ok(Array.isArray(list), `no "results" in ${JSON.stringify(j).slice(0, 300)}`);
		assert.ok(list.length >= 1);
		for (const x of list)
			assert.equal(x.result_type, 'user');
		assert.ok(list.some((u) => u.email === 'alice@example.test'));
		assert.ok(!list.some((u) => u.email === 'bob@example.test'));
	});

	it('type:user takes email:, role: and external_id:', async () => {
		const by = async (q) => (await search(q)).results.map((u) => u.id).sort((a, b) => a - b);
		assert.deepEqual(await by('type:user email:Alice@Example.TEST'), [alice.id]);
		const agents = await by('type:user role:agent');
		assert.ok(agents.includes(agent.id));
		assert.ok(!agents.includes(alice.id) && !agents.includes(bob.id));
		assert.deepEqual(await by('type:user role:end-user email:bob@example.test'), [bob.id]);
		assert.deepEqual(await by('type:user role:agent email:bob@example.test'), []);
		assert.deepEqual(await by('type:user external_id:crm-none'), []);
		assert.deepEqual(await by('type:organization external_id:crm-none'), []);
		for (const r of (await search('type:user email:alice@example.test')).results)
			assert.equal(r.result_type, 'user');
	});

	it('type:organization finds organizations by name', async () => {
		const o = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Ąžuolynas UAB' } });
		assert.equal(o.status, 201, o.text);
		await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Other Corp' } });
		const j = await search('type:organization Ąžuolynas');
		const list = j.results;
		assert.ok(Array.isArray(list), `no "results" in ${JSON.stringify(j).slice(0, 300)}`);
		assert.deepEqual(list.map((x) => x.id), [o.json.organization.id]);
		assert.equal(list[0].result_type, 'organization');
	});

	it('an unknown field is refused with 422 naming it, never searched as text', async () => {
		for (const q of ['nosuchfield:zanzibarite', 'status:open nosuchfield:x', 'type:organization email:a@b.test']) {
			const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`);
			assert.equal(r.status, 422, `${q}: ${r.text}`);
			assert.match(r.json.description, /'(nosuchfield|email)'/);
			assert.ok(r.json.details?.query, r.text);
			const c = await srv.api('GET', `/api/v2/search/count?query=${encodeURIComponent(q)}`);
			assert.equal(c.status, 422, c.text);
		}
		// quoted, the same text is a phrase
		assert.deepEqual(await ids('"nosuchfield:zanzibarite"'), []);
	});
});

describe('fields a Zendesk migration searches by', () => {
	before(async () => {
		T.ext = await srv.ticket({ subject: 'Parcel Lost In Transit', body: 'The courier lost my 100% wool parcel',
			external_id: 'ZD-9001', custom_fields: [{ id: 360001, value: 'gold' }, { id: 360002, value: true }],
			requester_id: alice.id, collaborator_ids: [bob.id] });
		T.ext2 = await srv.ticket({ subject: 'Another parcel', body: 'Nothing special',
			external_id: 'ZD-9002', custom_fields: [{ id: 360001, value: 'silver' }, { id: 360003, value: 'gold' }] });
	});

	it('external_id: finds exactly that ticket', async () => {
		assert.deepEqual(await ids('external_id:ZD-9001'), [T.ext.id]);
		assert.deepEqual(await ids('external_id:ZD-90'), []);
		// and its negation: every ticket but that one
		const not = await ids('-external_id:ZD-9001 subject:parcel');
		assert.ok(!not.includes(T.ext.id) && not.includes(T.ext2.id), JSON.stringify(not));
	});

	it('subject: and description: match within the field only', async () => {
		assert.deepEqual(await ids('subject:"lost in transit"'), [T.ext.id]);
		assert.deepEqual(await ids('subject:courier'), []);
		assert.deepEqual(await ids('description:courier'), [T.ext.id]);
		assert.deepEqual(await ids('description:100%'), [T.ext.id]);
		assert.deepEqual(await ids('subject:parcel -subject:lost'), [T.ext2.id]);
	});

	it('custom_field_N: matches that field; fieldvalue: any field', async () => {
		assert.deepEqual(await ids('custom_field_360001:gold'), [T.ext.id]);
		assert.deepEqual(await ids('custom_field_360003:gold'), [T.ext2.id]);
		assert.deepEqual(await ids('custom_field_360002:true'), [T.ext.id]);
		assert.deepEqual(await ids('fieldvalue:gold'), sorted(T.ext, T.ext2));
		assert.deepEqual(await ids('custom_field_360001:bronze'), []);
	});

	it('cc: by id, address or me', async () => {
		assert.deepEqual(await ids(`cc:${bob.id} external_id:ZD-9001`), [T.ext.id]);
		assert.deepEqual(await ids('cc:bob@example.test external_id:ZD-9001'), [T.ext.id]);
		assert.deepEqual(await ids('cc:me external_id:ZD-9001', bob), [T.ext.id]);
		assert.deepEqual(await ids('cc:alice@example.test external_id:ZD-9001'), []);
	});
});

describe('what end users find', () => {
	it('never returns other people\'s tickets', async () => {
		assert.deepEqual(await ids('platypusbanana', alice), []);
		assert.deepEqual(await ids('platypusbanana', bob), sorted(T.bobonly));
		assert.deepEqual(await ids('доставлен', alice), []);
		const all = await ids('tags:qset', alice);
		assert.deepEqual(all, sorted(T.a, T.c));
		const c = await srv.api('GET', '/api/v2/search/count?query=platypusbanana', null, { auth: alice });
		assert.equal(c.json.count, 0);
	});

	it('never matches text found only in internal notes', async () => {
		assert.deepEqual(await ids('fraudulentmarmoset', alice), []);
		assert.deepEqual(await ids('fraudulentmarmoset', agent), sorted(T.notes));
		const j = await search('refundwombat', alice);
		assert.deepEqual(j.results.map((x) => x.id), [T.notes.id]);
		assert.doesNotMatch(JSON.stringify(j), /fraudulentmarmoset/);
	});

	it('cannot search users or organizations (403)', async () => {
		const r = await srv.api('GET', '/api/v2/search?query=type:user', null, { auth: alice });
		assert.equal(r.status, 403);
	});
});

describe('malformed queries', () => {
	it('an unterminated quote is 400 and the server keeps serving', async () => {
		const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent('"never closed')}`);
		assert.equal(r.status, 400, r.text);
		assert.ok(r.json?.description, r.text);
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});

	it('a missing query, unknown status or bad date is 400', async () => {
		for (const q of [null, 'status:bogus', 'created>2026-13-45', 'type:spaceship', 'x'.repeat(2000)]) {
			const url = q === null ? '/api/v2/search' : `/api/v2/search?query=${encodeURIComponent(q)}`;
			const r = await srv.api('GET', url);
			assert.equal(r.status, 400, `${q}: ${r.text}`);
		}
	});

	it('FTS operators typed by users are plain words, not syntax', async () => {
		for (const q of ['NEAR(a b)', 'a OR', 'AND', '(', '*', 'col:umn', '"', '^x', 'a"b']) {
			const r = await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`);
			assert.ok(r.status === 200 || r.status === 400 || r.status === 422, `${q}: ${r.status} ${r.text}`);
		}
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
