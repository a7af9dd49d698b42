// Self-service before a ticket (docs/kb.md "Self-service"): the contact
// form suggests public articles; without JavaScript a confirmation step
// lists them with "this solved my problem" and "send my request anyway"
// carrying every field; a deflection is recorded instead of a ticket, a
// request sent anyway records "submitted" with its ticket; the report
// counts both; and what a stranger could try — a flood of deflections, a
// forged article, script in the subject — is refused or made harmless.
//
// Limits are per client address, so each test posts from a loopback
// address of its own (127.0.0.N: Linux routes all of 127/8 to lo).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { authHeader, sqlOnServer, startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';
let srv, agent, alice;
let nextAddress = 20;
let card, cardUk, internal, draft, refund;

const freshAddress = () => `127.0.0.${nextAddress++}`;

/**
 * One request from the loopback address from: body a URLSearchParams or
 * FormData (a form), an object (JSON) or null; json: true asks for JSON.
 * Resolves {status, headers, text, json}.
 */
async function request(method, path, body = null, { from = freshAddress(), json = false, auth, headers = {} } = {}) {
	const h = { ...headers };
	let bytes;
	if (body instanceof URLSearchParams || body instanceof FormData) {
		const q = new Request('http://x/', { method: 'POST', body });
		h['content-type'] = q.headers.get('content-type');
		bytes = Buffer.from(await q.arrayBuffer());
	} else if (body) {
		h['content-type'] = 'application/json';
		bytes = Buffer.from(JSON.stringify(body));
	}
	if (bytes)
		h['content-length'] = bytes.length;
	if (json)
		h.accept = 'application/json';
	if (auth)
		h.authorization = authHeader(auth);
	return new Promise((resolve, reject) => {
		const req = http.request(`${srv.base}${path}`, { method, headers: h, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed;
				if ((res.headers['content-type'] ?? '').includes('json'))
					parsed = JSON.parse(text);
				resolve({ status: res.statusCode, headers: res.headers, text, json: parsed });
			});
		});
		req.on('error', reject);
		req.end(bytes);
	});
}

function form(fields) {
	const f = new URLSearchParams();
	for (const [k, v] of Object.entries(fields))
		f.append(k, v);
	return f;
}

/** The hidden inputs of the page's form whose action is action, decoded. */
function hiddenFields(page, action) {
	const start = page.indexOf(`action="${action}"`);
	assert.ok(start >= 0, `a form posting to ${action} in ${page}`);
	const body = page.slice(start, page.indexOf('</form>', start));
	const fields = {};
	for (const m of body.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g))
		fields[m[1]] = m[2].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
			.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
	return fields;
}

/**
 * A token as the server signs suggestions (kb/deflect.h), made here with
 * the store's key: for showings the test stages (ids the search would not
 * show, times past). at: Unix seconds.
 */
let key;
async function sign(locale, ids, at = Math.floor(Date.now() / 1000)) {
	key ??= (await sqlOnServer(srv, "SELECT value FROM settings WHERE key = 'deflect.key'")).trim();
	assert.match(key, /^[0-9a-f]{64}$/, 'the server made its key at its start');
	const nonce = randomBytes(8).toString('hex');
	const mac = createHmac('sha256', key).update(`deflection\n${locale}\n${ids.join(',')}\n${at}\n${nonce}`).digest('hex');
	return `${at}.${nonce}.${mac}`;
}

/** A deflection through the API of article_id shown among shown, signed. */
async function deflect(article_id, locale, shown = [article_id], extra = {}, opts = {}) {
	return request('POST', `${HC}/deflections`, { deflection: { article_id, locale, shown,
		token: await sign(locale, shown), ...extra } }, opts);
}

const ticketCount = async () => (await srv.allTickets()).length;

async function report(query = '') {
	const r = await srv.api('GET', `${HC}/reports/deflection${query}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.deflection_report;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} named in ${r.text}`);
}

async function newArticle(sectionId, fields) {
	const r = await srv.api('POST', `${HC}/sections/${sectionId}/articles`, { article: fields }, { auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json.article;
}

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const cat = await srv.api('POST', `${HC}/categories`,
		{ category: { name: 'Payments', description: '', locale: 'en', position: 1 } }, { auth: agent });
	assert.equal(cat.status, 201, cat.text);
	const sec = await srv.api('POST', `${HC}/categories/${cat.json.category.id}/sections`,
		{ section: { name: 'Cards', description: '', locale: 'en', position: 1 } }, { auth: agent });
	assert.equal(sec.status, 201, sec.text);
	const s = sec.json.section.id;
	card = await newArticle(s, { title: 'Card payment declined', locale: 'en', visibility: 'public', draft: false,
		body_markdown: 'When your card is declined, check the card number and try another card.' });
	const tr = await srv.api('POST', `${HC}/articles/${card.id}/translations`, { translation: {
		locale: 'uk', title: 'Картку відхилено під час оплати', draft: false,
		body_markdown: 'Якщо оплату карткою відхилено, перевірте номер картки.' } }, { auth: agent });
	assert.equal(tr.status, 201, tr.text);
	cardUk = tr.json.translation;
	refund = await newArticle(s, { title: 'Refunds of a card payment', locale: 'en', visibility: 'public', draft: false,
		body_markdown: 'A refund reaches your card within five days.' });
	internal = await newArticle(s, { title: 'Card payment declined: the acquirer codes', locale: 'en',
		visibility: 'agents', draft: false, body_markdown: 'Internal: declined card codes.' });
	draft = await newArticle(s, { title: 'Card payment declined, new wording', locale: 'en', visibility: 'public',
		draft: true, body_markdown: 'Declined card, not yet published.' });
});
after(async () => { await srv?.cleanup(); });

describe('self-service before a ticket', () => {
	it('suggestions: public published articles for what the customer types, in its language', async () => {
		const q = encodeURIComponent('My card payment was declined yesterday!');
		const r = await request('GET', `${HC}/deflections/suggestions?query=${q}&locale=en`);
		assert.equal(r.status, 200, r.text);
		const ids = r.json.results.map((a) => a.id);
		assert.equal(ids[0], card.id, 'the article with the most of the words first');
		assert.ok(ids.includes(refund.id));
		assert.ok(!ids.includes(internal.id), 'agents-only never suggested');
		assert.ok(!ids.includes(draft.id), 'a draft never suggested');
		assert.ok(ids.length <= 5);
		const first = r.json.results[0];
		assert.equal(first.title, 'Card payment declined');
		assert.match(first.html_url, new RegExp(`/hc/en/articles/${card.id}-card-payment-declined$`));
		assert.match(first.snippet, /<em>/);

		const uk = await request('GET', `${HC}/deflections/suggestions?query=${encodeURIComponent('відхилено оплату')}&locale=uk`);
		assert.equal(uk.status, 200, uk.text);
		assert.deepEqual(uk.json.results.map((a) => a.id), [card.id]);
		assert.equal(uk.json.results[0].title, cardUk.title);

		// punctuation of more than one byte (’ « » ©) is skipped whole: it
		// neither breaks the query nor takes the other words' suggestions
		for (const [q, locale, id] of [['відхилено «оплату» з’явилася', 'uk', card.id],
			['оплату відхилено, картка з’явилася', 'uk', card.id], ['refund card ©test', 'en', refund.id]]) {
			const r = await request('GET', `${HC}/deflections/suggestions?query=${encodeURIComponent(q)}&locale=${locale}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.results.some((a) => a.id === id), `${q} finds article ${id}: ${r.text}`);
		}

		const short = await request('GET', `${HC}/deflections/suggestions?query=ab&locale=en`);
		assert.deepEqual(short.json.results, [], 'fewer than 3 letters find nothing');
		// punctuation a customer types is never read as the query language
		const odd = await request('GET', `${HC}/deflections/suggestions?query=${encodeURIComponent('status:open "card -declined')}&locale=en`);
		assert.equal(odd.status, 200, odd.text);
		assert.ok(odd.json.results.some((a) => a.id === card.id));
		refused(await request('GET', `${HC}/deflections/suggestions?query=card&locale=de`), 422, 'locale');
		refused(await request('GET', `${HC}/deflections/suggestions?query=card`), 422, 'locale');
		refused(await request('GET', `${HC}/deflections/suggestions?query=${'x'.repeat(501)}&locale=en`), 422, 'query');
	});

	it('suggestions are limited per address, generously enough for typing', async () => {
		const from = freshAddress();
		const q = `${HC}/deflections/suggestions?query=card&locale=en`;
		// a burst of 8 (a search a second on average: 60 a minute)
		for (let i = 1; i <= 8; i++) {
			const r = await request('GET', q, null, { from });
			assert.equal(r.status, 200, `suggestion ${i} of a burst's 8: ${r.text}`);
		}
		const past = await request('GET', q, null, { from });
		assert.equal(past.status, 429, past.text);
		assert.ok(Number(past.headers['retry-after']) > 0);
		assert.match(past.json.description, /Too many suggestions/);
		// another address is not affected
		assert.equal((await request('GET', q)).status, 200);
	});

	it('without JavaScript: the confirmation step lists the articles and carries every field back', async () => {
		const before = await ticketCount();
		const fields = { name: 'Olena', email: 'olena@example.test', subject: 'Card payment declined',
			description: 'My card was declined.\nTwice, at checkout.', locale: 'en', website: '' };
		const from = freshAddress();
		const p = await request('POST', '/portal/requests', form(fields), { from });
		assert.equal(p.status, 200, p.text);
		assert.match(p.headers['content-type'], /text\/html/);
		assert.match(p.text, /<h1>These articles may answer your question<\/h1>/);
		assert.match(p.text, new RegExp(`<a href="/hc/en/articles/${card.id}-card-payment-declined">Card payment declined</a>`));
		assert.doesNotMatch(p.text, new RegExp(`/articles/${internal.id}-`));
		assert.equal(await ticketCount(), before, 'nothing is sent before the customer chooses');

		const again = hiddenFields(p.text, '/portal/requests');
		for (const k of ['name', 'email', 'subject', 'description', 'locale'])
			assert.equal(again[k], fields[k], `the field ${k} rides along unchanged`);
		assert.equal(again.confirmed, '1');
		assert.ok(again.suggested.split(',').map(Number).includes(card.id));
		const solved = hiddenFields(p.text, '/portal/deflections');
		assert.equal(Number(solved.article_id), card.id);

		const sent = await request('POST', '/portal/requests', form(again), { from });
		assert.equal(sent.status, 201, sent.text);
		assert.match(sent.text, /Request #(\d+) received/);
		const id = Number(/Request #(\d+) received/.exec(sent.text)[1]);
		assert.equal(await ticketCount(), before + 1);
		const t = await srv.api('GET', `/api/v2/tickets/${id}/comments`);
		assert.equal(t.json.comments[0].body, fields.description, 'the description as typed, lines and all');
		const rows = await sqlOnServer(srv, `SELECT outcome, channel, ticket_id, article_id FROM deflections WHERE ticket_id = ${id}`);
		assert.equal(rows.trim(), `submitted|nojs|${id}|`);
	});

	it('"this solved my problem" records a deflection, sends the customer to the article, and makes no ticket', async () => {
		const before = await ticketCount();
		const from = freshAddress();
		const p = await request('POST', '/portal/requests', form({ name: 'Petras', email: 'petras@example.test',
			subject: 'Refund to my card', description: 'When does it come?' }), { from });
		assert.equal(p.status, 200, p.text);
		const solved = hiddenFields(p.text, '/portal/deflections');
		const r = await request('POST', '/portal/deflections', form(solved), { from });
		assert.equal(r.status, 303, r.text);
		assert.match(r.headers.location, new RegExp(`^/hc/en/articles/${solved.article_id}-`));
		assert.equal(await ticketCount(), before);
		const rows = await sqlOnServer(srv, `SELECT outcome, channel, article_id, query FROM deflections WHERE outcome = 'deflected' AND channel = 'nojs'`);
		assert.equal(rows.trim(), `deflected|nojs|${solved.article_id}|Refund to my card When does it come?`);
	});

	it('the step speaks the form\'s language and echoes script as text', async () => {
		const p = await request('POST', '/portal/requests', form({ email: 'x@example.test', locale: 'uk',
			subject: '<script>alert(1)</script> оплату відхилено', description: '"><img src=x onerror=alert(2)>' }));
		assert.equal(p.status, 200, p.text);
		assert.match(p.text, /<html lang="uk">/);
		assert.match(p.text, /Ці статті можуть відповісти на ваше питання/);
		assert.match(p.text, /Це вирішило мою проблему/);
		assert.match(p.text, /Все одно надіслати звернення/);
		assert.doesNotMatch(p.text, /<script>|<img/);
		assert.match(p.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		assert.equal(hiddenFields(p.text, '/portal/requests').description, '"><img src=x onerror=alert(2)>');
		assert.match(p.headers['content-security-policy'], /default-src 'none'/);
		// a huge subject meets the form's own limit before any search
		const huge = await request('POST', '/portal/requests', form({ email: 'x@example.test', subject: 'card '.repeat(100),
			description: 'x' }));
		assert.equal(huge.status, 422, huge.text);
		assert.doesNotMatch(huge.text, /These articles/);
	});

	it('skips the step: files attached, JSON asked, a robot, nothing found', async () => {
		const before = await ticketCount();
		const f = new FormData();
		for (const [k, v] of Object.entries({ email: 'files@example.test', subject: 'Card payment declined', description: 'See the screenshot' }))
			f.append(k, v);
		f.append('attachments', new Blob(['png bytes'], { type: 'image/png' }), 'shot.png');
		const withFile = await request('POST', '/portal/requests', f);
		assert.equal(withFile.status, 201, 'a form with files is sent as it is: nothing lost');
		const json = await request('POST', '/portal/requests', form({ email: 'js@example.test', subject: 'Card payment declined',
			description: 'x', suggested: `${card.id},${internal.id},99999`,
			suggested_token: await sign('en', [card.id, internal.id, 99999]) }), { json: true });
		assert.equal(json.status, 201, json.text);
		const rows = await sqlOnServer(srv, `SELECT d.channel, x.article_id FROM deflections d JOIN deflection_articles x ON x.deflection_id = d.id WHERE d.ticket_id = ${json.json.request.id}`);
		assert.equal(rows.trim(), `js|${card.id}`, 'only public articles that exist are kept of what was shown');
		const robot = await request('POST', '/portal/requests', form({ email: 'bot@example.test', subject: 'Card payment declined',
			description: 'x', website: 'http://spam.test' }));
		assert.equal(robot.status, 201);
		const nothing = await request('POST', '/portal/requests', form({ email: 'n@example.test', subject: 'Zyzzyva quokka',
			description: 'xylophone' }));
		assert.equal(nothing.status, 201, 'nothing to suggest: sent at once');
		assert.equal(await ticketCount(), before + 3);
	});

	it('the confirmation step does not use up the allowance of submissions', async () => {
		const from = freshAddress();
		const fields = { email: 'busy@example.test', subject: 'Card payment declined', description: 'again' };
		for (let i = 0; i < 6; i++)
			assert.equal((await request('POST', '/portal/requests', form(fields), { from })).status, 200);
		for (let i = 1; i <= 5; i++) {
			const r = await request('POST', '/portal/requests', form({ ...fields, confirmed: '1' }), { from });
			assert.equal(r.status, 201, `submission ${i} after six confirmation steps: ${r.text}`);
		}
		assert.equal((await request('POST', '/portal/requests', form({ ...fields, confirmed: '1' }), { from })).status, 429);
	});

	it('past the confirmation step\'s own limit, the plain form is sent as a submission, not refused', async () => {
		// an office behind one address: the steps run out before the requests
		const from = freshAddress();
		const fields = { email: 'office@example.test', subject: 'Card payment declined', description: 'again' };
		for (let i = 0; i < 8; i++)
			assert.equal((await request('POST', '/portal/requests', form(fields), { from })).status, 200);
		const before = await ticketCount();
		for (let i = 1; i <= 5; i++) {
			const r = await request('POST', '/portal/requests', form(fields), { from });
			assert.equal(r.status, 201, `request ${i} past the steps' limit is sent: ${r.text}`);
			assert.match(r.text, /Request #\d+ received/);
		}
		assert.equal(await ticketCount(), before + 5);
		// and then the submissions' limit holds
		const last = await request('POST', '/portal/requests', form(fields), { from });
		assert.equal(last.status, 429);
		assert.ok(Number(last.headers['retry-after']) > 0);
		assert.equal(await ticketCount(), before + 5);
	});

	it('the API records a deflection; a forged, hidden or draft article is a 422 naming article_id', async () => {
		const s = await request('GET', `${HC}/deflections/suggestions?query=${encodeURIComponent('card declined')}&locale=en`);
		assert.equal(s.status, 200, s.text);
		assert.match(s.json.token, /^\d+\.[0-9a-f]{16}\.[0-9a-f]{64}$/, 'the suggestions carry their token');
		const shown = s.json.results.map((a) => a.id);
		assert.ok(shown.includes(card.id));
		const ok = await request('POST', `${HC}/deflections`, { deflection: { article_id: card.id, locale: 'en',
			query: 'card declined', shown, token: s.json.token } });
		assert.equal(ok.status, 201, ok.text);
		assert.equal(ok.json.deflection.outcome, 'deflected');
		assert.equal(ok.json.deflection.channel, 'js');
		assert.deepEqual(ok.json.deflection.shown, shown);
		const none = await request('GET', `${HC}/deflections/suggestions?query=zyzzyva&locale=en`);
		assert.equal(none.json.token, null, 'nothing shown, nothing signed');

		for (const id of [999999, internal.id, draft.id])
			refused(await deflect(id, 'en'), 422, 'article_id');
		// the article has no Lithuanian translation
		refused(await deflect(card.id, 'lt'), 422, 'article_id');
		refused(await request('POST', `${HC}/deflections`, { deflection: { locale: 'en' } }), 422, 'article_id');
		refused(await request('POST', `${HC}/deflections`, { deflection: { article_id: 'x', locale: 'en' } }), 422, 'article_id');
		refused(await request('POST', `${HC}/deflections`, { deflection: { article_id: card.id, locale: 'xx' } }), 422, 'locale');
		refused(await request('POST', `${HC}/deflections`, { deflection: { article_id: card.id, locale: 'en', query: 'q'.repeat(501) } }), 422, 'query');
		refused(await request('POST', `${HC}/deflections`, { deflection: { article_id: card.id, locale: 'en', channel: 'fax' } }), 422, 'channel');
		refused(await request('POST', `${HC}/deflections`, { deflection: { article_id: card.id, locale: 'en', shown: [1, 2, 3, 4, 5, 6] } }), 422, 'shown');
		refused(await request('POST', `${HC}/deflections`, { nope: 1 }), 400);
		refused(await request('POST', '/portal/deflections', form({ article_id: String(internal.id), locale: 'en',
			shown: String(internal.id), token: await sign('en', [internal.id]) })), 422, 'article_id');
		const rows = await sqlOnServer(srv, `SELECT COUNT(*) FROM deflections WHERE article_id IN (999999, ${internal.id}, ${draft.id})`);
		assert.equal(rows.trim(), '0');
	});

	it('a deflection needs the token of suggestions this desk showed: forged, expired, reused, another article — refused, nothing counted', async () => {
		const count = async () => Number((await sqlOnServer(srv, 'SELECT COUNT(*) FROM deflections')).trim());
		const before = await count();
		const s = await request('GET', `${HC}/deflections/suggestions?query=${encodeURIComponent('card payment declined')}&locale=en`);
		const shown = s.json.results.map((a) => a.id);
		const { token } = s.json;
		const send = (fields, opts) => request('POST', `${HC}/deflections`, { deflection: { locale: 'en', shown, token, ...fields } }, opts);
		const why = (r, field, message) => {
			refused(r, 422, field);
			assert.match(r.json.details[field][0].description, message, r.text);
		};
		why(await send({ article_id: card.id, token: undefined }), 'token', /^Token: missing/);
		why(await send({ article_id: card.id, token: 'x' }), 'token', /^Token: not one this desk gave/);
		// a token altered, one signed with another key, or for other articles or another locale
		why(await send({ article_id: card.id, token: token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }), 'token', /not one this desk gave/);
		const [at, nonce] = token.split('.');
		const alien = createHmac('sha256', 'f'.repeat(64)).update(`deflection\nen\n${shown.join(',')}\n${at}\n${nonce}`).digest('hex');
		why(await send({ article_id: card.id, token: `${at}.${nonce}.${alien}` }), 'token', /not one this desk gave/);
		why(await send({ article_id: internal.id, shown: [...shown, internal.id] }), 'token', /not one this desk gave/);
		why(await send({ article_id: card.id, locale: 'uk' }), 'token', /not one this desk gave/);
		// an article that was not among those shown
		const other = await sign('en', [refund.id]);
		why(await send({ article_id: card.id, shown: [refund.id], token: other }), 'article_id', /was not among the suggestions shown/);
		// more than a day old
		why(await send({ article_id: card.id, shown: [card.id], token: await sign('en', [card.id], Math.floor(Date.now() / 1000) - 86401) }),
			'token', /^Token: the suggestions are more than a day old/);
		// once: the same showing cannot be decided on twice
		assert.equal((await send({ article_id: card.id })).status, 201);
		why(await send({ article_id: card.id }), 'token', /^Token: these suggestions were already decided on/);
		why(await send({ article_id: shown.find((id) => id !== card.id) ?? card.id }), 'token', /already decided on/);
		// the channel is the door's, never the body's
		refused(await deflect(card.id, 'en', [card.id], { channel: 'nojs' }), 422, 'channel');
		assert.equal(await count(), before + 1, 'only the one good deflection was counted');
	});

	it('the plain form\'s button refuses a post another site made the browser send', async () => {
		const count = async () => Number((await sqlOnServer(srv, "SELECT COUNT(*) FROM deflections WHERE channel = 'nojs'")).trim());
		const from = freshAddress();
		const p = await request('POST', '/portal/requests', form({ email: 'csrf@example.test', subject: 'Card payment declined',
			description: 'x' }), { from });
		assert.equal(p.status, 200, p.text);
		const solved = hiddenFields(p.text, '/portal/deflections');
		assert.match(solved.token, /^\d+\./, 'the step\'s buttons carry the token');
		const before = await count();
		for (const headers of [{ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
			{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, { origin: 'null' }]) {
			// a fresh address each: the refusal is not charged to the victim's limit either
			const r = await request('POST', '/portal/deflections', form(solved), { headers });
			assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.text}`);
			assert.match(r.json.description, /only from the help desk's own pages/);
		}
		assert.equal(await count(), before, 'nothing counted');
		// the desk's own page, and an old browser that says nothing, are let through
		const own = await request('POST', '/portal/deflections', form(solved),
			{ from, headers: { origin: srv.base, 'sec-fetch-site': 'same-origin' } });
		assert.equal(own.status, 303, own.text);
		assert.equal(await count(), before + 1);
		const again = await request('POST', '/portal/deflections', form(solved), { from });
		assert.equal(again.status, 422, 'the step\'s token is used up');
		assert.equal(await count(), before + 1);
	});

	it('a request sent anyway counts as submitted only with the token of what was shown', async () => {
		const sent = async (fields) => {
			const r = await request('POST', '/portal/requests', form({ email: 'tok@example.test', subject: 'Card payment declined',
				description: 'x', ...fields }), { json: true });
			assert.equal(r.status, 201, `the request is sent either way: ${r.text}`);
			return (await sqlOnServer(srv, `SELECT COUNT(*) FROM deflections WHERE ticket_id = ${r.json.request.id}`)).trim();
		};
		assert.equal(await sent({ suggested: `${card.id}` }), '0', 'no token: not counted');
		assert.equal(await sent({ suggested: `${card.id}`, suggested_token: await sign('en', [refund.id]) }), '0', 'other ids');
		const token = await sign('en', [card.id]);
		assert.equal(await sent({ suggested: `${card.id}`, suggested_token: token }), '1');
		assert.equal(await sent({ suggested: `${card.id}`, suggested_token: token }), '0', 'once per token');
	});

	it('a robot flooding deflections from one address is stopped', async () => {
		const from = freshAddress();
		const before = (await report()).deflected;
		let last, made = 0;
		for (let i = 0; i < 12; i++) {
			last = await deflect(card.id, 'en', [card.id], {}, { from });
			if (last.status === 201)
				made++;
		}
		assert.equal(made, 8);
		assert.equal(last.status, 429, last.text);
		assert.ok(Number(last.headers['retry-after']) > 0);
		assert.equal((await request('POST', '/portal/deflections', form({ article_id: String(card.id), locale: 'en',
			shown: String(card.id), token: await sign('en', [card.id]) }), { from })).status, 429);
		assert.equal((await report()).deflected, before + 8);
	});

	it('the report counts shown, deflected, submitted and the rate, by locale, day and article', async () => {
		await sqlOnServer(srv, 'DELETE FROM deflection_articles; DELETE FROM deflections;');
		assert.equal((await deflect(card.id, 'en', [card.id, refund.id])).status, 201);
		assert.equal((await deflect(card.id, 'uk', [card.id])).status, 201);
		const yesterday = await deflect(refund.id, 'en', [card.id, refund.id]);
		assert.equal(yesterday.status, 201);
		await sqlOnServer(srv, `UPDATE deflections SET created_at = created_at - 86400 WHERE id = ${yesterday.json.deflection.id}`);
		const sent = await request('POST', '/portal/requests', form({ email: 'r@example.test', subject: 'Card payment declined',
			description: 'x', suggested: `${card.id},${refund.id}`, suggested_token: await sign('en', [card.id, refund.id]) }),
		{ json: true });
		assert.equal(sent.status, 201, sent.text);

		const all = await report();
		assert.equal(all.shown, 4);
		assert.equal(all.deflected, 3);
		assert.equal(all.submitted, 1);
		assert.equal(all.rate, 0.75);
		assert.deepEqual(all.by_locale.map((l) => [l.locale, l.shown, l.deflected, l.submitted, l.rate]),
			[['en', 3, 2, 1, 0.667], ['uk', 1, 1, 0, 1]]);
		assert.equal(all.by_day.length, 30, 'every day of the default period');
		const today = new Date().toISOString().slice(0, 10);
		const yday = new Date(Date.now() - 86400e3).toISOString().slice(0, 10);
		const day = (d) => all.by_day.find((x) => x.date === d);
		assert.deepEqual([day(today).shown, day(today).deflected, day(today).submitted], [3, 2, 1]);
		assert.deepEqual([day(yday).shown, day(yday).deflected], [1, 1]);
		assert.equal(all.by_day[0].rate, null, 'a day without suggestions has no rate');
		assert.deepEqual(all.by_article.map((a) => [a.article_id, a.title, a.shown, a.deflected, a.submitted]),
			[[card.id, 'Card payment declined', 4, 2, 1], [refund.id, 'Refunds of a card payment', 3, 1, 1]]);

		const uk = await report('?locale=uk');
		assert.equal(uk.shown, 1);
		assert.equal(uk.by_article[0].title, cardUk.title, 'titles in the locale asked');
		const past = await report(`?start=2020-01-01&end=2020-01-31`);
		assert.equal(past.shown, 0);
		assert.equal(past.rate, null);
		assert.equal(past.by_day.length, 31);

		// the messages name the fields as this report calls them
		const bad = [['?start=2020-02-30', 'start', /^Start: '2020-02-30' is not a date/],
			['?end=2020-13-01', 'end', /^End: '2020-13-01' is not a date/],
			['?start=2020-02-01&end=2020-01-01', 'end', /^End: must not be before start$/],
			['?start=2020-01-01&end=2022-01-01', 'end', /^End: a report covers at most 366 days$/]];
		for (const [q, field, message] of bad) {
			const r = await srv.api('GET', `${HC}/reports/deflection${q}`, null, { auth: agent });
			refused(r, 422, field);
			assert.match(r.json.details[field][0].description, message, r.text);
			assert.doesNotMatch(r.text, /From|To:/);
		}
		refused(await srv.api('GET', `${HC}/reports/deflection?locale=de`, null, { auth: agent }), 422, 'locale');
		refused(await srv.api('GET', `${HC}/reports/deflection?by=x`, null, { auth: agent }), 400);
		assert.equal((await srv.api('GET', `${HC}/reports/deflection`, null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', `${HC}/reports/deflection`, null, { auth: 'anonymous' })).status, 401);
	});
});
