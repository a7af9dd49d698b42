// Customer satisfaction (docs/feedback.md "CSAT"), through the real SMTP
// test server: solving a ticket mails the requester "How would you rate
// the support you received?" in their language with two signed links; a
// scanner fetching both records nothing; the customer's click opens the
// page with their choice made and one press records it; they change it
// until the ticket closes; a tampered, expired or other ticket's link is
// refused with a clear page and nothing recorded; the API answers in
// Zendesk's shapes, refuses what does not read (422 naming the field), and
// its report's arithmetic matches counts made by hand; triggers act on a
// bad rating; a viewer reads comments without e-mail addresses or phones.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { sqlOnServer, startServer } from './lib/server.mjs';

let srv, smtp, agent, lead, viewer;
let nextCustomer = 1;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent', 'lead'] });
	({ agent, lead } = srv.users);
	viewer = await srv.addUser('viewer', 'Vira Viewer', 'vira@example.test');
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

/** A new customer (their own address: the daily limit of automatic mail is per address). */
async function customer(locale = 'en') {
	const n = nextCustomer++;
	const u = await srv.addUser('end-user', `Customer ${n}`, `customer${n}@example.test`);
	const r = await srv.api('PUT', `/api/v2/users/${u.id}`, { user: { locale } });
	assert.equal(r.status, 200, r.text);
	return u;
}

async function newTicket(requester, subject = 'Parcel late') {
	const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject, requester_id: requester.id,
		assignee_id: agent.id, comment: { body: 'Where is my parcel?' } } }, { auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json.ticket;
}

async function setStatus(t, status, comment) {
	const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status,
		...(comment ? { comment: { body: comment, public: true } } : {}) } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
}

/** The solved mail of ticket t and its two links' paths. */
async function solvedMail(t) {
	const m = await smtp.waitFor((x) => x.headers.subject.includes(`[#${t.id}]`) && /\/csat\//.test(x.text));
	const good = /https?:\/\/[^\s]+(\/csat\/[0-9a-f-]+\?score=good)/.exec(m.text);
	const bad = /https?:\/\/[^\s]+(\/csat\/[0-9a-f-]+\?score=bad)/.exec(m.text);
	assert.ok(good && bad, m.text);
	return { mail: m, good: good[1], bad: bad[1], token: /\/csat\/([0-9a-f-]+)/.exec(good[1])[1] };
}

// The page's posts are limited per client address: each request comes from
// a loopback address of its own (Linux routes all of 127/8 to lo) unless
// from says which.
let nextAddress = 10;
function page(path, { method = 'GET', form, lang, from = `127.0.1.${nextAddress++ % 250 + 1}` } = {}) {
	const headers = {};
	if (lang)
		headers['accept-language'] = lang;
	const body = form ? Buffer.from(new URLSearchParams(form).toString()) : null;
	if (body) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		headers['content-length'] = body.length;
	}
	return new Promise((resolve, reject) => {
		const req = http.request(srv.base + path, { method, headers, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, headers: { get: (k) => res.headers[k] },
				text: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

async function ticketRating(t) {
	const r = await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.ticket.satisfaction_rating;
}

/** A link as the desk signs it (portal/link.h), with the store's key. */
async function sign(a, b, expires, purpose = 'csat') {
	const key = (await sqlOnServer(srv, "SELECT value FROM settings WHERE key = 'link.key'")).trim();
	const nums = `${a}-${b}-${expires}-`;
	const mac = createHmac('sha256', key).update(`link\n${purpose}\n${nums}`).digest('hex').slice(0, 32);
	return nums + mac;
}

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} named in ${r.text}`);
}

describe('the rating link, from the solved mail', () => {
	it('solve → mail in the customer\'s language → click → recorded → changed → a closed ticket refuses', async () => {
		const oksana = await customer('uk');
		const t = await newTicket(oksana, 'Де моя посилка?');
		assert.equal(await ticketRating(t), undefined, 'nothing offered before the solve');
		await setStatus(t, 'solved', 'Посилку доставлено сьогодні.');
		const { mail, good, bad, token } = await solvedMail(t);
		assert.equal(mail.headers.to, oksana.email);
		assert.match(mail.text, /Посилку доставлено сьогодні/, 'the reply that solves carries the question');
		assert.match(mail.text, /Як ви оцінюєте підтримку, яку отримали\?/);
		assert.match(mail.text, /Добре, я задоволений/);
		// the link is the one the desk signs for this ticket and requester, 14 days ahead
		const [a, b, exp] = token.split('-').map(Number);
		assert.deepEqual([a, b], [t.id, oksana.id]);
		assert.ok(Math.abs(exp - (Date.now() / 1000 + 14 * 86400)) < 600, `expires ${exp}`);
		assert.equal(await sign(a, b, exp), token);
		assert.deepEqual(await ticketRating(t), { id: (await ticketRating(t)).id, score: 'offered', comment: '',
			reason_id: null });

		// a mail scanner fetches both links: nothing is recorded
		for (const p of [good, bad])
			assert.equal((await page(p)).status, 200);
		assert.equal((await ticketRating(t)).score, 'offered');

		// the customer's click: the page in Ukrainian with "good" checked
		const shown = await page(good, { lang: 'en' });
		assert.equal(shown.status, 200);
		assert.match(shown.text, /<html lang="uk">/);
		assert.match(shown.text, /value="good" data-test="csat-good" checked/);
		assert.doesNotMatch(shown.text, /value="bad" data-test="csat-bad" checked/);
		assert.match(shown.headers.get('content-security-policy'), /default-src 'none'/);
		const sent = await page(`/csat/${token}`, { method: 'POST', form: { score: 'good', comment: 'Дуже швидко, дякую!' } });
		assert.equal(sent.status, 303, sent.text);
		assert.equal(sent.headers.get('location'), `/csat/${token}?done=1`);
		let rating = await ticketRating(t);
		assert.equal(rating.score, 'good');
		assert.equal(rating.comment, 'Дуже швидко, дякую!');
		const thanks = await page(`/csat/${token}?done=1`);
		assert.match(thanks.text, /Дякуємо: вашу оцінку збережено/);
		assert.match(thanks.text, /data-score="good"/);

		// changed while solved: bad, with a reason
		const reason = await srv.api('POST', '/api/v2/satisfaction_reasons', { reason: { value: 'Too slow',
			translations: { uk: 'Надто повільно', ru: 'Слишком медленно', lt: 'Per lėtai' } } });
		refused(reason, 201);
		const badPage = await page(bad);
		assert.match(badPage.text, /value="bad" data-test="csat-bad" checked/);
		assert.match(badPage.text, /Надто повільно/, 'reasons in the customer\'s language');
		const changed = await page(`/csat/${token}`, { method: 'POST', form: { score: 'bad', comment: 'Чекала тиждень',
			reason_id: String(reason.json.reason.id) } });
		assert.equal(changed.status, 303, changed.text);
		rating = await ticketRating(t);
		assert.deepEqual([rating.score, rating.comment, rating.reason_id], ['bad', 'Чекала тиждень', reason.json.reason.id]);
		const one = await srv.api('GET', `/api/v2/satisfaction_ratings?score=received`, null, { auth: agent });
		assert.equal(one.json.satisfaction_ratings.filter((x) => x.ticket_id === t.id).length, 1, 'one rating a ticket');

		// closed: the rating stands
		await setStatus(t, 'closed');
		const late = await page(`/csat/${token}`, { method: 'POST', form: { score: 'good' } });
		assert.equal(late.status, 422);
		assert.match(late.text, /data-problem="closed"/);
		assert.match(late.text, /Це звернення закрито/);
		assert.equal((await ticketRating(t)).score, 'bad');
		const closedPage = await page(good);
		assert.equal(closedPage.status, 200);
		assert.doesNotMatch(closedPage.text, /<form/);
	});

	it('a solved notice without a reply asks too, in Lithuanian; a reopened ticket is not rated until solved again', async () => {
		const jonas = await customer('lt');
		const t = await newTicket(jonas);
		await setStatus(t, 'solved');
		const { mail, token } = await solvedMail(t);
		assert.match(mail.text, /Jūsų užklausa #\d+ išspręsta/);
		assert.match(mail.text, /Kaip vertinate gautą pagalbą\?/);
		await setStatus(t, 'open', 'Reopened');
		const r = await page(`/csat/${token}`, { method: 'POST', form: { score: 'good' } });
		assert.equal(r.status, 422);
		assert.match(r.text, /data-problem="not_solved"/);
		assert.equal((await ticketRating(t)).score, 'offered');
	});

	it('a tampered, expired, made-up or another ticket\'s link: a clear page, never a 500, nothing recorded', async () => {
		const ann = await customer('ru');
		const t = await newTicket(ann);
		await setStatus(t, 'solved', 'Готово.');
		const { token } = await solvedMail(t);
		const other = await newTicket(ann, 'Another');
		await setStatus(other, 'solved', 'Done too.');
		const last = token.at(-1) === '0' ? '1' : '0';
		const cases = {
			tampered: token.slice(0, -1) + last,
			otherTicket: token.replace(/^\d+-/, `${other.id}-`), // the numbers changed, the MAC is this ticket's
			otherPurpose: (() => { // a MAC for another purpose
				const nums = token.slice(0, token.lastIndexOf('-') + 1);
				return nums + createHmac('sha256', 'x').update(nums).digest('hex').slice(0, 32);
			})(),
			garbage: 'not-a-token',
			huge: '1-'.repeat(200),
		};
		for (const [name, bad] of Object.entries(cases)) {
			for (const method of ['GET', 'POST']) {
				const r = await page(`/csat/${bad}`, { method, form: method === 'POST' ? { score: 'good' } : undefined,
					lang: 'ru-RU,ru;q=0.9' });
				assert.equal(r.status, 404, `${name} ${method}: ${r.status}`);
				assert.match(r.text, /data-problem="bad_link"/, name);
				assert.match(r.text, /Эта ссылка недействительна/, name);
			}
		}
		// expired: signed as the desk signs, an hour ago; the signature holds,
		// so the page is in the language of the requester it names (Russian),
		// not the browser's (Lithuanian)
		const expired = await sign(t.id, ann.id, Math.floor(Date.now() / 1000) - 3600);
		for (const method of ['GET', 'POST']) {
			const e = await page(`/csat/${expired}`, { method, form: method === 'POST' ? { score: 'good' } : undefined, lang: 'lt' });
			assert.equal(e.status, 410);
			assert.match(e.text, /data-problem="expired"/);
			assert.match(e.text, /<html lang="ru">/);
			assert.match(e.text, /Срок действия этой ссылки истёк/);
		}
		// an expired link whose numbers were changed is no link of ours: the browser's language
		const forgedExpired = expired.replace(/^\d+-/, `${other.id}-`);
		const fe = await page(`/csat/${forgedExpired}`, { lang: 'lt' });
		assert.equal(fe.status, 404);
		assert.match(fe.text, /Ši nuoroda negalioja/);
		// signed for this ticket but someone else as requester (the ticket changed hands)
		const stranger = await sign(t.id, agent.id, Math.floor(Date.now() / 1000) + 3600);
		assert.equal((await page(`/csat/${stranger}`, { method: 'POST', form: { score: 'bad' } })).status, 404);
		// none of it recorded anything
		assert.equal((await ticketRating(t)).score, 'offered');
		assert.equal((await ticketRating(other)).score, 'offered');
		// a score that is neither, from the real link: the page asks again
		const none = await page(`/csat/${token}`, { method: 'POST', form: { score: 'excellent' } });
		assert.equal(none.status, 422);
		assert.match(none.text, /data-problem="unchosen"/);
		const long = await page(`/csat/${token}`, { method: 'POST', form: { score: 'good', comment: 'ж'.repeat(2001) } });
		assert.equal(long.status, 422);
		assert.match(long.text, /data-problem="too_long"/);
		assert.equal((await ticketRating(t)).score, 'offered');
		// a robot posting from one address is stopped after 8 in 2 minutes
		const codes = [];
		for (let i = 0; i < 9; i++)
			codes.push((await page(`/csat/${cases.tampered}`, { method: 'POST', form: { score: 'good' }, from: '127.0.2.1' })).status);
		assert.deepEqual([codes[7], codes[8]], [404, 429]);
	});

	it('what a customer writes is shown as text, never as markup', async () => {
		const c = await customer('en');
		const t = await newTicket(c, '<script>alert(1)</script>');
		await setStatus(t, 'solved', 'Done.');
		const { token, good } = await solvedMail(t);
		await page(`/csat/${token}`, { method: 'POST', form: { score: 'good', comment: '</textarea><img src=x onerror=alert(1)>' } });
		const p = await page(good);
		assert.doesNotMatch(p.text, /<script>alert|<img src=x/);
		assert.match(p.text, /&lt;\/textarea&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
	});
});

describe('who is asked', () => {
	it('a reply that solves and goes to Cc\'s too carries no rating links: the question follows to the requester alone', async () => {
		const req = await customer('uk');
		const cc = await customer('en');
		const made = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Shared order', requester_id: req.id,
			assignee_id: agent.id, collaborator_ids: [cc.id], comment: { body: 'Where is our order?' } } }, { auth: agent });
		assert.equal(made.status, 201, made.text);
		const t = made.json.ticket;
		await setStatus(t, 'solved', 'Замовлення вже в дорозі.');
		const reply = await smtp.waitFor((x) => x.headers.subject.includes(`[#${t.id}]`) && /Замовлення вже в дорозі/.test(x.text));
		assert.match(reply.headers.to, new RegExp(cc.email.replace('.', '\\.')), 'the reply goes to the Cc too');
		assert.doesNotMatch(reply.text, /\/csat\//);
		assert.doesNotMatch(reply.raw, /csat/, 'nor in its HTML');
		const { mail, token } = await solvedMail(t);
		assert.equal(mail.headers.to, req.email, 'the question to the requester alone');
		assert.match(mail.text, /Як ви оцінюєте підтримку, яку отримали\?/);
		assert.deepEqual(token.split('-').slice(0, 2).map(Number), [t.id, req.id]);
		assert.equal((await smtp.messages()).filter((x) => /\/csat\//.test(x.text) && x.headers.subject.includes(`[#${t.id}]`)
			&& x.headers.to.includes(cc.email)).length, 0, 'no rating link reached the Cc');
		const sent = await page(`/csat/${token}`, { method: 'POST', form: { score: 'good' } });
		assert.equal(sent.status, 303, sent.text);
		assert.equal((await ticketRating(t)).score, 'good');
	});

	it('the response rate counts a customer asked once the mail with the question went, not when the notice was queued', async () => {
		// an agent of their own, so that the report's line for them holds only this test's tickets
		const olha = await srv.addUser('agent', 'Olha Agent', 'olha@example.test');
		const today = new Date().toISOString().slice(0, 10);
		const line = async () => (await srv.api('GET', `/api/v2/satisfaction_ratings/report?from=${today}&to=${today}&by=agent`,
			null, { auth: agent })).json.report.breakdown.find((x) => x.key === olha.id);
		const solve = async (requester, subject) => {
			const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject, requester_id: requester.id,
				assignee_id: olha.id, comment: { body: 'Hello' } } }, { auth: olha });
			assert.equal(r.status, 201, r.text);
			await setStatus(r.json.ticket, 'solved');
			return r.json.ticket;
		};
		// nobody reads this address: the solved notice is dropped
		const robot = await srv.addUser('end-user', 'Shop robot', 'noreply+shop@example.test');
		const dropped = await solve(robot, 'From a robot');
		assert.equal((await ticketRating(dropped)).score, 'offered', 'offered when queued');
		// a real customer's, solved after it: its mail goes
		const c = await customer();
		const t = await solve(c, 'From a customer');
		await solvedMail(t);
		let l;
		for (let i = 0; i < 50 && !(l = await line())?.asked; i++)
			await new Promise((r) => setTimeout(r, 100));
		assert.deepEqual([l.asked, l.rated, l.response_rate], [1, 0, 0], 'the mail that went, and only it');
		const offered = (await srv.api('GET', '/api/v2/satisfaction_ratings?score=offered&per_page=100', null,
			{ auth: agent })).json.satisfaction_ratings.map((x) => x.ticket_id);
		assert.ok(offered.includes(t.id));
		assert.ok(!offered.includes(dropped.id), 'a rating nobody was asked for is not listed as offered');
		// the customer answers: one asked, one rated
		const rated = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score: 'good' } },
			{ auth: c });
		assert.equal(rated.status, 200, rated.text);
		l = await line();
		assert.deepEqual([l.asked, l.rated, l.response_rate], [1, 1, 100]);
	});
});

describe('the API', () => {
	it('the requester rates through POST /api/v2/tickets/{id}/satisfaction_rating; others and bad input are refused', async () => {
		const c = await customer();
		const stranger = await customer();
		const t = await newTicket(c);
		const rate = (body, auth = c) => srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, body, { auth });
		refused(await rate({ satisfaction_rating: { score: 'good' } }), 422, 'ticket'); // not solved yet
		await setStatus(t, 'solved', 'Done.');
		refused(await rate({ satisfaction_rating: { score: 'great' } }), 422, 'score');
		refused(await rate({ satisfaction_rating: { score: 11 } }), 422, 'score');
		refused(await rate({ satisfaction_rating: { score: 'offered' } }), 422, 'score');
		refused(await rate({ satisfaction_rating: {} }), 422, 'score');
		refused(await rate({ satisfaction_rating: { score: 'bad', comment: 'x'.repeat(2001) } }), 422, 'comment');
		refused(await rate({ satisfaction_rating: { score: 'bad', reason_id: 999999 } }), 422, 'reason_id');
		refused(await rate({ satisfaction_rating: { score: 'bad', reason_id: -3 } }), 422, 'reason_id');
		refused(await rate({ satisfaction_rating: 'good' }), 400);
		refused(await rate({ satisfaction_rating: { score: 'good' } }, agent), 403);
		// to another customer the ticket is as missing as one that does not exist
		const theirs = await rate({ satisfaction_rating: { score: 'good' } }, stranger);
		const missing = await srv.api('POST', '/api/v2/tickets/99999999/satisfaction_rating',
			{ satisfaction_rating: { score: 'good' } }, { auth: stranger });
		refused(theirs, 404);
		refused(missing, 404);
		assert.deepEqual(theirs.json, missing.json);
		assert.equal((await ticketRating(t)).score, 'offered', 'nothing half-written');
		const ok = await rate({ satisfaction_rating: { score: 'good', comment: 'Thanks' } });
		assert.equal(ok.status, 200, ok.text);
		const r = ok.json.satisfaction_rating;
		assert.deepEqual([r.ticket_id, r.requester_id, r.assignee_id, r.score, r.comment, r.channel],
			[t.id, c.id, agent.id, 'good', 'Thanks', 'api']);
		const shown = await srv.api('GET', `/api/v2/satisfaction_ratings/${r.id}`, null, { auth: agent });
		assert.equal(shown.status, 200);
		assert.equal(shown.json.satisfaction_rating.url, `${srv.base}/api/v2/satisfaction_ratings/${r.id}.json`);
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings/99999999', null, { auth: agent }), 404);
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings', null, { auth: c }), 403);
	});

	it('an agent who is the requester of their own ticket does not rate it, through the API or a link', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'My own laptop', requester_id: agent.id,
			assignee_id: agent.id, comment: { body: 'Broken screen' } } }, { auth: agent });
		assert.equal(r.status, 201, r.text);
		const t = r.json.ticket;
		await setStatus(t, 'solved', 'Replaced.');
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score: 'good' } },
			{ auth: agent }), 403);
		// a link signed for them (never sent: only customers are asked) holds nothing either
		const link = await sign(t.id, agent.id, Math.floor(Date.now() / 1000) + 3600);
		const p = await page(`/csat/${link}`, { method: 'POST', form: { score: 'good' } });
		assert.equal(p.status, 404);
		assert.match(p.text, /data-problem="bad_link"/);
		assert.equal(await ticketRating(t), undefined, 'nothing recorded');
	});

	it('a reason left out of a change is kept; null clears it', async () => {
		const c = await customer();
		const t = await newTicket(c);
		await setStatus(t, 'solved', 'Done.');
		const reason = await srv.api('POST', '/api/v2/satisfaction_reasons', { reason: { value: 'Wrong answer' } });
		assert.equal(reason.status, 201, reason.text);
		const id = reason.json.reason.id;
		const rate = (x) => srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: x }, { auth: c });
		let r = await rate({ score: 'bad', comment: 'No', reason_id: id });
		assert.equal(r.status, 200, r.text);
		r = await rate({ score: 'bad', comment: 'Still no' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.satisfaction_rating.comment, r.json.satisfaction_rating.reason_id], ['Still no', id]);
		r = await rate({ score: 'bad' });
		assert.deepEqual([r.json.satisfaction_rating.comment, r.json.satisfaction_rating.reason_id], ['Still no', id]);
		assert.equal((await ticketRating(t)).reason_id, id);
		r = await rate({ score: 'bad', reason_id: null });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.satisfaction_rating.comment, r.json.satisfaction_rating.reason_id], ['Still no', null]);
		assert.equal((await ticketRating(t)).reason_id, null);
		await srv.api('DELETE', `/api/v2/satisfaction_reasons/${id}`);
	});

	it('the list filters as Zendesk\'s: score, start_time, end_time; anything else is named', async () => {
		const all = await srv.api('GET', '/api/v2/satisfaction_ratings?per_page=100', null, { auth: agent });
		assert.equal(all.status, 200);
		const list = all.json.satisfaction_ratings;
		assert.ok(list.length >= 4);
		const by = async (q) => (await srv.api('GET', `/api/v2/satisfaction_ratings?per_page=100&${q}`, null,
			{ auth: agent })).json.satisfaction_ratings.map((x) => x.id).sort();
		const ids = (f) => list.filter(f).map((x) => x.id).sort();
		assert.deepEqual(await by('score=good'), ids((x) => x.score === 'good'));
		assert.deepEqual(await by('score=bad_with_comment'), ids((x) => x.score === 'bad' && x.comment));
		assert.deepEqual(await by('score=received'), ids((x) => x.score !== 'offered'));
		assert.deepEqual(await by('score=offered'), ids((x) => x.score === 'offered'));
		assert.deepEqual(await by('start_time=9999999999'), []);
		assert.deepEqual(await by('end_time=1'), []);
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings?score=11', null, { auth: agent }), 422, 'score');
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings?score=offered_with_comment', null, { auth: agent }), 422, 'score');
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings?start_time=yesterday', null, { auth: agent }), 422, 'start_time');
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings?sort_order=up', null, { auth: agent }), 422, 'sort_order');
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings?scor=good', null, { auth: agent }), 400);
		const page1 = await srv.api('GET', '/api/v2/satisfaction_ratings?per_page=2&sort_order=desc', null, { auth: agent });
		assert.equal(page1.json.satisfaction_ratings.length, 2);
		assert.ok(page1.json.satisfaction_ratings[0].id > page1.json.satisfaction_ratings[1].id);
		assert.equal(page1.json.count, list.length);
		assert.ok(page1.json.next_page);
	});

	it('reasons: admins write in four languages, agents read, end users see the active ones', async () => {
		const mk = (reason, auth) => srv.api('POST', '/api/v2/satisfaction_reasons', { reason }, auth ? { auth } : {});
		refused(await mk({ value: 'Rude' }, agent), 403);
		refused(await mk({ value: 'Rude' }, viewer), 403);
		refused(await mk({ value: '   ' }), 422, 'value');
		refused(await mk({}), 422, 'value');
		refused(await mk({ value: 'x'.repeat(201) }), 422, 'value');
		refused(await mk({ value: 'Rude', translations: { uk: 'ж'.repeat(201) } }), 422, 'translations.uk');
		refused(await mk({ value: 'Rude', translations: 'uk' }), 422, 'translations');
		refused(await mk({ value: 'Rude', position: 'first' }), 422, 'position');
		const r = await mk({ value: 'Rude', translations: { uk: 'Неввічливо', ru: 'Грубо', lt: 'Nemandagiai' }, position: 2 });
		assert.equal(r.status, 201, r.text);
		const id = r.json.reason.id;
		assert.deepEqual(r.json.reason.translations, { en: 'Rude', uk: 'Неввічливо', ru: 'Грубо', lt: 'Nemandagiai' });
		const ru = await srv.api('GET', `/api/v2/satisfaction_reasons/${id}?locale=ru`, null, { auth: agent });
		assert.equal(ru.json.reason.value, 'Грубо');
		assert.equal(ru.json.reason.raw_value, 'Rude');
		const off = await srv.api('PUT', `/api/v2/satisfaction_reasons/${id}`, { reason: { active: false } });
		assert.equal(off.status, 200, off.text);
		assert.equal(off.json.reason.active, false);
		assert.equal(off.json.reason.translations.uk, 'Неввічливо', 'what is left out stays');
		const c = await customer();
		const seen = await srv.api('GET', '/api/v2/satisfaction_reasons', null, { auth: c });
		assert.equal(seen.status, 200);
		assert.ok(!seen.json.reasons.some((x) => x.id === id), 'an inactive reason is not offered');
		refused(await srv.api('GET', `/api/v2/satisfaction_reasons/${id}`, null, { auth: c }), 404);
		const agents = await srv.api('GET', '/api/v2/satisfaction_reasons', null, { auth: agent });
		assert.ok(agents.json.reasons.some((x) => x.id === id));
		refused(await srv.api('DELETE', `/api/v2/satisfaction_reasons/${id}`, null, { auth: agent }), 403);
		assert.equal((await srv.api('DELETE', `/api/v2/satisfaction_reasons/${id}`)).status, 204);
		refused(await srv.api('GET', `/api/v2/satisfaction_reasons/${id}`, null, { auth: agent }), 404);
		refused(await srv.api('PUT', `/api/v2/satisfaction_reasons/${id}`, { reason: { value: 'x' } }), 404);
	});

	it('a viewer reads ratings and comments without e-mail addresses or phone numbers, and writes nothing', async () => {
		const c = await customer();
		const t = await newTicket(c);
		await setStatus(t, 'solved', 'Done.');
		const ok = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: {
			score: 'bad', comment: 'Call me at +380 67 123 45 67 or write to ivan@example.com' } }, { auth: c });
		assert.equal(ok.status, 200, ok.text);
		const asViewer = await srv.api('GET', `/api/v2/satisfaction_ratings/${ok.json.satisfaction_rating.id}`, null, { auth: viewer });
		assert.equal(asViewer.status, 200);
		const said = asViewer.json.satisfaction_rating.comment;
		assert.doesNotMatch(said, /ivan@example\.com|123 45 67/);
		assert.match(said, /Call me at/);
		const list = await srv.api('GET', '/api/v2/satisfaction_ratings?score=bad_with_comment', null, { auth: viewer });
		assert.ok(list.json.satisfaction_ratings.every((x) => !/@example\.com/.test(x.comment)));
		const asAgent = await srv.api('GET', `/api/v2/satisfaction_ratings/${ok.json.satisfaction_rating.id}`, null, { auth: agent });
		assert.match(asAgent.json.satisfaction_rating.comment, /ivan@example\.com/, 'agents read it whole');
		refused(await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score: 'good' } },
			{ auth: viewer }), 403);
		assert.equal((await srv.api('GET', '/api/v2/satisfaction_ratings/report', null, { auth: viewer })).status, 200);
	});
});

describe('rules', () => {
	it('a bad rating fires a trigger on satisfaction_score: the team lead is told and the ticket tagged', async () => {
		const tr = await srv.api('POST', '/api/v2/triggers', { trigger: { title: 'Bad rating to the lead',
			conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'bad' }] },
			actions: [{ field: 'current_tags', value: 'csat_bad' },
				{ field: 'notification_user', value: [String(lead.id), 'Bad rating on #{{ticket.id}}', 'Please call the customer.'] }] } });
		assert.equal(tr.status, 201, tr.text);
		refused(await srv.api('POST', '/api/v2/triggers', { trigger: { title: 'x',
			conditions: { all: [{ field: 'satisfaction_score', operator: 'is', value: 'excellent' }] },
			actions: [{ field: 'current_tags', value: 'x' }] } }), 422, 'conditions.all[0].value');
		const c = await customer();
		const t = await newTicket(c);
		await setStatus(t, 'solved', 'Done.');
		const tags = async () => (await srv.api('GET', `/api/v2/tickets/${t.id}`, null, { auth: agent })).json.ticket.tags;
		assert.ok(!(await tags()).includes('csat_bad'), 'solving is no rating');
		const { token } = await solvedMail(t);
		await page(`/csat/${token}`, { method: 'POST', form: { score: 'good' } });
		assert.ok(!(await tags()).includes('csat_bad'), 'a good rating does not fire it');
		await page(`/csat/${token}`, { method: 'POST', form: { score: 'bad', comment: 'Not happy' } });
		assert.ok((await tags()).includes('csat_bad'));
		const m = await smtp.waitFor((x) => x.headers.to === lead.email && x.headers.subject.includes(`Bad rating on #${t.id}`));
		assert.match(m.text, /Please call the customer/);
		// the same bad rating sent again, its comment changed, on the page and
		// through the API: no new rating, so the lead is not told again
		await page(`/csat/${token}`, { method: 'POST', form: { score: 'bad', comment: 'Still not happy' } });
		const again = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: {
			score: 'bad', comment: 'Really not happy' } }, { auth: c });
		assert.equal(again.status, 200, again.text);
		assert.equal((await ticketRating(t)).comment, 'Really not happy');
		// a later bad rating on another ticket tells the lead: once its mail
		// is in, any mail the repeats had queued before it would be too
		const c2 = await customer();
		const t2 = await newTicket(c2);
		await setStatus(t2, 'solved', 'Done.');
		const rated = await srv.api('POST', `/api/v2/tickets/${t2.id}/satisfaction_rating`, { satisfaction_rating: {
			score: 'bad' } }, { auth: c2 });
		assert.equal(rated.status, 200, rated.text);
		await smtp.waitFor((x) => x.headers.to === lead.email && x.headers.subject.includes(`Bad rating on #${t2.id}`));
		await new Promise((r) => setTimeout(r, 500));
		const told = (await smtp.messages()).filter((x) => x.headers.to === lead.email
			&& x.headers.subject.includes(`Bad rating on #${t.id}`));
		assert.equal(told.length, 1, 'one bad rating, one mail to the lead');
		await srv.api('DELETE', `/api/v2/triggers/${tr.json.trigger.id}`);
	});
});

describe('unsubscribed and flooding customers', () => {
	it('an unsubscribed customer still gets the solved notice, without the question, and is not counted as asked', async () => {
		const c = await customer('uk');
		const unsub = await page(`/unsubscribe/${await sign(c.id, 0, 0, 'unsub')}`, { method: 'POST',
			form: { 'List-Unsubscribe': 'One-Click' } });
		assert.equal(unsub.status, 200, unsub.text);
		// solved by a reply, and solved with no word: both mails go, neither asks
		const t1 = await newTicket(c, 'Відписана: відповідь');
		await setStatus(t1, 'solved', 'Посилку доставлено.');
		const t2 = await newTicket(c, 'Відписана: без слова');
		await setStatus(t2, 'solved');
		for (const t of [t1, t2]) {
			const m = await smtp.waitFor((x) => x.headers.subject.includes(`[#${t.id}]`) && x.headers.to === c.email);
			assert.doesNotMatch(m.text, /\/csat\/|Як ви оцінюєте підтримку/, m.text);
		}
		assert.match((await smtp.waitFor((x) => x.headers.subject.includes(`[#${t1.id}]`))).text, /Посилку доставлено/);
		// a sent mail is marked asked just after it goes
		await new Promise((r) => setTimeout(r, 500));
		const asked = await sqlOnServer(srv, `SELECT COUNT(*) FROM satisfaction_ratings WHERE ticket_id IN (${t1.id}, ${t2.id})`
			+ ' AND asked_at > 0');
		assert.equal(asked.trim(), '0');
		assert.equal((await smtp.messages()).filter((x) => x.headers.to === c.email && /\/csat\//.test(x.text)).length, 0,
			'no question followed on its own');
		// a customer who did not unsubscribe is asked as before
		const d = await customer('uk');
		const t4 = await newTicket(d);
		await setStatus(t4, 'solved');
		await solvedMail(t4);
	});

	it('a flood of rating posts from one address: 429 with Retry-After, a page in the customer\'s language, nothing recorded', async () => {
		const c = await customer('ru');
		const t = await newTicket(c, 'Где заказ?');
		await setStatus(t, 'solved', 'Заказ доставлен.');
		const { token } = await solvedMail(t);
		const from = '127.0.3.1';
		for (let i = 0; i < 8; i++)
			assert.equal((await page(`/csat/${token}`, { method: 'POST', form: { score: 'good' }, from })).status, 303);
		const r = await page(`/csat/${token}`, { method: 'POST', form: { score: 'bad', comment: 'Очень долго' }, from, lang: 'en' });
		assert.equal(r.status, 429, r.text);
		assert.match(r.headers.get('retry-after'), /^[1-9][0-9]*$/);
		assert.ok(Number(r.headers.get('retry-after')) <= 120);
		assert.match(r.headers.get('content-type'), /^text\/html/);
		assert.match(r.text, /<html lang="ru">/);
		assert.match(r.text, /data-problem="too_many"/);
		assert.match(r.text, /слишком много оценок/);
		assert.doesNotMatch(r.text, /Too many/);
		// the form as it was sent, to send again once the wait is over
		assert.match(r.text, /value="bad" data-test="csat-bad" checked/);
		assert.match(r.text, />Очень долго<\/textarea>/);
		assert.equal((await ticketRating(t)).score, 'good');
		// another address is not held up
		assert.equal((await page(`/csat/${token}`, { method: 'POST', form: { score: 'bad' } })).status, 303);
		assert.equal((await ticketRating(t)).score, 'bad');
	});
});

describe('the report', () => {
	it('CSAT and the response rate by group and by tier, from real solves and ratings, as counted by hand', async () => {
		const made = async (path, body) => {
			const r = await srv.api('POST', path, body);
			assert.equal(r.status, 201, r.text);
			return r.json;
		};
		const billing = (await made('/api/v2/groups', { group: { name: 'CSAT Billing' } })).group;
		const delivery = (await made('/api/v2/groups', { group: { name: 'CSAT Delivery' } })).group;
		const gold = (await made('/api/v2/tiers', { tier: { name: 'CSAT Gold', position: 10 } })).tier;
		const silver = (await made('/api/v2/tiers', { tier: { name: 'CSAT Silver', position: 11 } })).tier;
		// [group, tier, answer]: each by a customer of their own, solved,
		// its mail caught, then answered (or not) on the API as the customer
		const rows = [
			[billing, gold, 'good'],
			[billing, gold, 'bad'],
			[billing, silver, null],
			[delivery, silver, 'good'],
			[delivery, null, 'good'],
		];
		for (const [group, tier, score] of rows) {
			const c = await customer();
			if (tier)
				assert.equal((await srv.api('PUT', `/api/v2/users/${c.id}`, { user: { tier_id: tier.id } })).status, 200);
			const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: `by ${group.name}`, requester_id: c.id,
				group_id: group.id, comment: { body: 'Help' } } }, { auth: agent });
			assert.equal(r.status, 201, r.text);
			const t = r.json.ticket;
			await setStatus(t, 'solved', 'Done.');
			await solvedMail(t);
			if (score) {
				const rated = await srv.api('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score } },
					{ auth: c });
				assert.equal(rated.status, 200, rated.text);
			}
		}
		const today = new Date().toISOString().slice(0, 10);
		const lines = async (by, keys, want) => {
			// the last mail is marked asked just after it went
			for (let i = 0; ; i++) {
				const r = await srv.api('GET', `/api/v2/satisfaction_ratings/report?from=${today}&to=${today}&by=${by}`, null,
					{ auth: viewer });
				assert.equal(r.status, 200, r.text);
				const got = Object.fromEntries(r.json.report.breakdown.map((x) => [x.key, x]));
				const asked = keys.reduce((n, x) => n + (got[x.id]?.asked ?? 0), 0);
				if (asked >= want || i > 50)
					return got;
				await new Promise((res) => setTimeout(res, 100));
			}
		};
		// by hand: Billing asked 3, good 1, bad 1 → CSAT 1/2 = 50 %, answered 2/3 = 66.7 %;
		// Delivery asked 2, good 2 → 100 %, 100 %
		const g = await lines('group', [billing, delivery], 5);
		assert.deepEqual(g[billing.id], { key: billing.id, name: 'CSAT Billing', asked: 3, rated: 2, good: 1, bad: 1, csat: 50,
			response_rate: 66.7 });
		assert.deepEqual(g[delivery.id], { key: delivery.id, name: 'CSAT Delivery', asked: 2, rated: 2, good: 2, bad: 0, csat: 100,
			response_rate: 100 });
		// Gold asked 2, good 1, bad 1 → 50 %, 100 %; Silver asked 2, good 1 → 100 %, 50 %
		const tr = await lines('tier', [gold, silver], 4);
		assert.deepEqual(tr[gold.id], { key: gold.id, name: 'CSAT Gold', asked: 2, rated: 2, good: 1, bad: 1, csat: 50,
			response_rate: 100 });
		assert.deepEqual(tr[silver.id], { key: silver.id, name: 'CSAT Silver', asked: 2, rated: 1, good: 1, bad: 0, csat: 100,
			response_rate: 50 });
		const csv = await srv.api('GET', `/api/v2/satisfaction_ratings/report?from=${today}&to=${today}&by=tier&format=csv`, null,
			{ auth: viewer });
		assert.equal(csv.status, 200);
		assert.ok(csv.text.split('\r\n').includes(`tier,${gold.id},CSAT Gold,2,2,1,1,50.0,100.0`), csv.text);
	});

	it('CSAT and the response rate by agent, channel and week or month, as counted by hand; and as CSV', async () => {
		// hand-made data on a day of its own, far back: Monday 2024-01-01 and
		// the days after (created_at chooses the week and month)
		const day = (iso) => Math.floor(Date.parse(`${iso}T12:00:00Z`) / 1000);
		const c = await customer();
		const rows = [
			// [assignee, score, comment, created]
			[agent, 'good', 'fine', '2024-01-01'],
			[agent, 'good', '', '2024-01-03'],
			[agent, 'bad', 'slow', '2024-01-07'],
			[agent, 'offered', '', '2024-01-08'],
			[lead, 'good', '', '2024-01-09'],
			[lead, 'offered', '', '2024-01-10'],
			[lead, 'offered', '', '2024-02-01'],
			[lead, 'bad', '', '2024-02-02'],
		];
		const insert = async (who, score, comment, iso, asked = true) => {
			const t = await newTicket(c, `report ${iso}`);
			await sqlOnServer(srv, `INSERT INTO satisfaction_ratings (ticket_id, score, comment, requester_id, assignee_id,`
				+ ` channel, created_at, rated_at, asked_at, updated_at) VALUES (${t.id}, '${score}', '${comment}', ${c.id},`
				+ ` ${who.id}, 'email', ${day(iso)}, ${day(iso)}, ${asked ? day(iso) : 0}, ${day(iso)})`);
			return t;
		};
		for (const [who, score, comment, iso] of rows)
			await insert(who, score, comment, iso);
		// none of these counts: offered by a notice whose mail never went (a
		// bouncing address, the daily limit…), and ratings of tickets deleted
		// as spam, answered or not
		const unasked = await insert(agent, 'offered', '', '2024-01-02', false);
		const spam = [await insert(agent, 'good', 'spam spam', '2024-01-02'), await insert(lead, 'bad', 'more spam', '2024-01-09'),
			await insert(lead, 'offered', '', '2024-01-10')];
		for (const t of spam)
			assert.equal((await srv.api('DELETE', `/api/v2/tickets/${t.id}`, null, { auth: agent })).status, 204);
		const listed = (await srv.api('GET', `/api/v2/satisfaction_ratings?per_page=100&start_time=${day('2024-01-01') - 86400}`
			+ `&end_time=${day('2024-03-01')}`, null, { auth: viewer })).json;
		assert.equal(listed.count, rows.length, 'the list leaves them out too');
		assert.ok(!listed.satisfaction_ratings.some((x) => [unasked.id, ...spam.map((t) => t.id)].includes(x.ticket_id)));
		const comments = await srv.api('GET', '/api/v2/satisfaction_ratings?score=received_with_comment&per_page=100', null, { auth: viewer });
		assert.ok(!comments.json.satisfaction_ratings.some((x) => /spam/.test(x.comment)), 'no spam ticket\'s comment');
		const get = async (q) => {
			const r = await srv.api('GET', `/api/v2/satisfaction_ratings/report?${q}`, null, { auth: viewer });
			assert.equal(r.status, 200, r.text);
			return r.json.report;
		};
		const w = await get('from=2024-01-01&to=2024-02-29&by=agent&period=week');
		// by hand: asked 8, good 3, bad 2 → CSAT 3/5 = 60.0 %, answered 5/8 = 62.5 %
		assert.deepEqual(w.total, { asked: 8, rated: 5, good: 3, bad: 2, csat: 60, response_rate: 62.5 });
		// weeks from Monday: 1–7 Jan: good, good, bad; 8–14 Jan: offered, good, offered
		assert.equal(w.trend[0].start, '2024-01-01');
		assert.deepEqual(w.trend[0], { start: '2024-01-01', asked: 3, rated: 3, good: 2, bad: 1, csat: 66.7, response_rate: 100 });
		assert.deepEqual(w.trend[1], { start: '2024-01-08', asked: 3, rated: 1, good: 1, bad: 0, csat: 100, response_rate: 33.3 });
		assert.equal(w.trend[2].csat, null, 'a week nobody answered has no CSAT');
		assert.equal(w.trend.length, 9, 'every week of the period, empty ones too');
		const byAgent = Object.fromEntries(w.breakdown.map((x) => [x.key, x]));
		assert.deepEqual(byAgent[agent.id], { key: agent.id, name: 'Agent agent', asked: 4, rated: 3, good: 2, bad: 1, csat: 66.7, response_rate: 75 });
		assert.deepEqual(byAgent[lead.id], { key: lead.id, name: 'Agent lead', asked: 4, rated: 2, good: 1, bad: 1, csat: 50, response_rate: 50 });
		const m = await get('from=2024-01-01&to=2024-02-29&by=channel&period=month');
		assert.deepEqual(m.trend.map((x) => [x.start, x.asked, x.good, x.bad]), [['2024-01-01', 6, 3, 1], ['2024-02-01', 2, 0, 1]]);
		assert.deepEqual(m.breakdown.map((x) => [x.key, x.asked, x.csat]), [['email', 8, 60]]);
		const csv = await srv.api('GET', '/api/v2/satisfaction_ratings/report?from=2024-01-01&to=2024-02-29&by=agent&period=month&format=csv',
			null, { auth: viewer });
		assert.equal(csv.status, 200);
		assert.match(csv.headers.get('content-type'), /text\/csv/);
		assert.match(csv.headers.get('content-disposition'), /satisfaction-agent-2024-01-01-2024-02-29\.csv/);
		const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
		assert.equal(lines[0], 'section,key,name,asked,rated,good,bad,csat,response_rate');
		assert.equal(lines[1], 'total,,,8,5,3,2,60.0,62.5');
		assert.equal(lines[2], 'month,2024-01-01,,6,4,3,1,75.0,66.7');
		assert.ok(lines.includes(`agent,${agent.id},Agent agent,4,3,2,1,66.7,75.0`), csv.text);
		for (const [q, field] of [['by=organization', 'by'], ['period=day', 'period'], ['from=2024-13-01', 'from'],
			['format=xml', 'format'], ['from=2020-01-01&to=2024-01-01', 'to']])
			refused(await srv.api('GET', `/api/v2/satisfaction_ratings/report?${q}`, null, { auth: agent }), 422, field);
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings/report?group=1', null, { auth: agent }), 400);
		refused(await srv.api('GET', '/api/v2/satisfaction_ratings/report', null, { auth: c }), 403);
	});
});
