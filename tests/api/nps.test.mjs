// NPS surveys end to end through the real parts: a survey goes out by the
// nps-send job through a real SMTP server (aiosmtpd), in each customer's
// language, with eleven one-click links and List-Unsubscribe; the customer
// "clicks" a score from the captured mail, says why, and a detractor's
// answer opens a follow-up ticket for the agent who served them. Nobody is
// asked twice within the cool-off, an unsubscribed or bouncing address is
// skipped, a score of 11, a second answer and a tampered link are each
// refused with a clear page and counted nowhere.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { sqlOnServer, startServer, sleep } from './lib/server.mjs';

let srv, smtp, olena, alice, bob, carol, dave, team;

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}
const page = (path, init) => fetch(srv.base + path, { redirect: 'manual', ...init });
const form = (path, fields) => page(path, { method: 'POST',
	headers: { 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams(fields).toString() });

/** The survey's link for score n in a mail's text: its path. */
function link(m, n) {
	const hit = [...m.text.matchAll(/https?:\/\/[^\s/]+(\/nps\/[0-9a-f-]+)\?score=(\d+)/g)]
		.find((x) => Number(x[2]) === n);
	assert.ok(hit, `no link for ${n} in ${m.text}`);
	return `${hit[1]}?score=${n}`;
}

async function sent(id) {
	for (let i = 0; i < 150; i++) {
		const s = (await ok('GET', `/api/v2/nps/surveys/${id}`)).nps_survey;
		if (s.status === 'sent')
			return s;
		await sleep(100);
	}
	assert.fail('the survey was not sent in 15 s');
}

async function survey(fields) {
	const s = (await ok('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'Q4', audience: 'solved',
		audience_days: 30, ...fields } })).nps_survey;
	const r = await srv.api('POST', `/api/v2/nps/surveys/${s.id}/send`);
	assert.equal(r.status, 202, r.text);
	assert.equal(r.json.nps_survey.status, 'sending');
	return sent(s.id);
}

const report = async (q = '') => (await ok('GET', `/api/v2/nps/report${q}`)).nps_report;
const mailTo = (addr, pred = () => true) => (m) => m.headers.to === addr && /score=/.test(m.text) && pred(m);

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['olena'], endUsers: ['alice', 'bob', 'carol', 'dave'] });
	({ olena, alice, bob, carol, dave } = srv.users);
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	await ok('PUT', `/api/v2/users/${alice.id}`, { user: { locale: 'uk' } });
	team = (await ok('POST', '/api/v2/groups', { group: { name: 'Care' } })).group;
	await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: olena.id, group_id: team.id } });
	// each customer had a request solved by olena in Care
	for (const u of [alice, bob, carol, dave]) {
		const t = await srv.ticket({ subject: `Help ${u.name}` }, { auth: u });
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { assignee_id: olena.id, group_id: team.id,
			status: 'solved', comment: { body: 'Done.', public: true } } }, olena);
	}
	// mail to dave's address bounced
	await sqlOnServer(srv, "INSERT INTO settings (key, value) VALUES ('mail.bouncing:dave@example.test', '1');");
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

it('refuses a survey that does not fit, naming the field, and writes nothing', async () => {
	const bad = [
		[{ name: 'x', audience: 'everyone' }, 'audience'],
		[{ name: '  ', audience: 'solved' }, 'name'],
		[{ name: 'x'.repeat(201), audience: 'solved' }, 'name'],
		[{ name: 'x', audience: 'solved', cool_off_days: -1 }, 'cool_off_days'],
		[{ name: 'x', audience: 'solved', audience_days: 0 }, 'audience_days'],
		[{ name: 'x', audience: 'organization', organization_id: 999999 }, 'organization_id'],
		[{ name: 'x', audience: 'tier', tier_id: 424242 }, 'tier_id'],
		[{ name: 'x', audience: 'solved', on_detractor: 'email_ceo' }, 'on_detractor'],
		[{ name: 'x', audience: 'solved', question: { xx: 'Hi' } }, 'question'],
		[{ name: 'x', audience: 'solved', question: { en: 'x'.repeat(501) } }, 'question'],
		[{ name: 'x', audience: 'solved', question: 'How?' }, 'question'],
	];
	for (const [body, field] of bad) {
		const r = await srv.api('POST', '/api/v2/nps/surveys', { nps_survey: body });
		assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
		assert.ok(r.json.details?.[field] || r.text.includes(field), `${field}: ${r.text}`);
	}
	assert.equal((await ok('GET', '/api/v2/nps/surveys')).count, 0);
	// agents and customers may not make one
	assert.equal((await srv.api('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'x', audience: 'solved' } },
		{ auth: olena })).status, 403);
	assert.equal((await srv.api('GET', '/api/v2/nps/report', null, { auth: alice })).status, 403);
});

it('sends, records a click, asks why, and opens a follow-up for a detractor; the first answer stands', async () => {
	const s = await survey({ on_detractor: 'ticket' });
	assert.deepEqual(s.counts, { sent: 3, answered: 0, skipped_cool_off: 0, skipped_unsubscribed: 0,
		skipped_bouncing: 1 });
	// a second send is refused: nobody is asked twice by one survey
	const again = await srv.api('POST', `/api/v2/nps/surveys/${s.id}/send`);
	assert.equal(again.status, 422, again.text);

	const ma = await smtp.waitFor(mailTo('alice@example.test'));
	assert.match(ma.text, /порекомендуєте/, 'alice reads Ukrainian');
	assert.match(ma.headers['list-unsubscribe'], /^<https?:\/\/.+\/unsubscribe\/[0-9a-f-]+>$/);
	assert.equal(ma.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
	for (let n = 0; n <= 10; n++)
		link(ma, n);

	let r = await page(link(ma, 3));
	assert.equal(r.status, 200, await r.clone().text());
	let html = await r.text();
	assert.match(html, /Дякуємо/);
	assert.match(html, /<form method="post"/);
	assert.doesNotMatch(html, /<script/i);
	assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
	const path = link(ma, 3).split('?')[0];
	r = await form(path, { comment: 'Waited <b>a week</b> for an answer' });
	assert.equal(r.status, 200);
	html = await r.text();
	assert.match(html, /Дякуємо, що розповіли/);
	assert.doesNotMatch(html, /<b>a week/);
	// the why is given once
	r = await form(path, { comment: 'and again' });
	assert.equal(r.status, 409);

	// the follow-up: alice's, in Care, for olena, with the why as a note
	const fu = (await srv.allTickets()).find((t) => t.tags.includes('nps_followup'));
	assert.ok(fu, 'a follow-up ticket was opened');
	assert.equal(fu.requester_id, alice.id);
	assert.equal(fu.assignee_id, olena.id);
	assert.equal(fu.group_id, team.id);
	const comments = (await ok('GET', `/api/v2/tickets/${fu.id}/comments`)).comments;
	assert.ok(comments.every((c) => !c.public), 'the notes are internal');
	assert.ok(comments.some((c) => c.body.includes('Waited <b>a week</b>')), 'the why is on the follow-up');

	// bob: 10; 10 again changes nothing; 5 is refused and not counted
	const mb = await smtp.waitFor(mailTo('bob@example.test'));
	assert.match(mb.text, /recommend us/);
	assert.equal((await page(link(mb, 10))).status, 200);
	assert.equal((await page(link(mb, 10))).status, 200);
	r = await page(link(mb, 5));
	assert.equal(r.status, 409);
	assert.match(await r.text(), /first answer stands/);
	// a score of 11, of "ten", a tampered link: clear pages, nothing recorded
	r = await page(link(mb, 10).replace('score=10', 'score=11'));
	assert.equal(r.status, 422);
	assert.match(await r.text(), /0 to 10/);
	assert.equal((await page(link(mb, 10).replace('score=10', 'score=ten'))).status, 422);
	const tampered = link(mb, 10).replace(/\/nps\/(\d+)-/, (_, id) => `/nps/${Number(id) + 1}-`);
	r = await page(tampered);
	assert.equal(r.status, 400);
	assert.match(await r.text(), /not valid/);
	assert.equal((await page('/nps/<script>?score=1')).status, 400);

	let rep = await report(`?survey_id=${s.id}`);
	assert.deepEqual([rep.score.responses, rep.score.promoters, rep.score.detractors, rep.score.nps],
		[2, 1, 1, 0]);
	assert.equal(rep.closed_loop.detractors, 1);
	assert.equal(rep.closed_loop.followups, 1);
	assert.equal(rep.closed_loop.contacted, 0);
	assert.equal(rep.detractor_comments[0].comment, 'Waited <b>a week</b> for an answer');
	assert.equal(rep.breakdowns.agent[0].name, olena.name);
	assert.equal(rep.breakdowns.group[0].name, 'Care');
	// a viewer sees the figures and what customers wrote, never how to
	// reach them, and no survey
	const viewer = await srv.addUser('viewer', 'Vera Viewer', 'vera@example.test');
	const vr = await srv.api('GET', `/api/v2/nps/report?survey_id=${s.id}`, null, { auth: viewer });
	assert.equal(vr.status, 200, vr.text);
	assert.equal(vr.json.nps_report.score.responses, 2);
	assert.equal(vr.json.nps_report.detractor_comments[0].comment, 'Waited <b>a week</b> for an answer');
	assert.doesNotMatch(vr.text, /@example\.test/);
	assert.equal((await srv.api('GET', '/api/v2/nps/surveys', null, { auth: viewer })).status, 403);
	assert.equal((await srv.api('POST', `/api/v2/nps/surveys/${s.id}/send`, null, { auth: viewer })).status, 403);

	// olena writes to alice: the detractor was contacted
	await ok('PUT', `/api/v2/tickets/${fu.id}`, { ticket: { comment: { body: 'Sorry — we are on it.', public: true } } }, olena);
	rep = await report(`?survey_id=${s.id}`);
	assert.equal(rep.closed_loop.contacted, 1);

	// carol unsubscribes with her mail client's one click
	const mc = await smtp.waitFor(mailTo('carol@example.test'));
	const unsub = new URL(mc.headers['list-unsubscribe'].slice(1, -1)).pathname;
	r = await page(unsub);
	assert.equal(r.status, 200, 'the page asks; a GET changes nothing');
	assert.match(await r.text(), /<button/);
	r = await form(unsub, { 'List-Unsubscribe': 'One-Click' });
	assert.equal(r.status, 200);
	assert.match(await r.text(), /unsubscribed/);
	assert.equal((await page(unsub.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).status, 400);
});

it('asks nobody twice within the cool-off, skips the unsubscribed and the bouncing, and counts who answered better', async () => {
	const before = (await smtp.messages()).length;
	// a cool-off of 0: alice and bob again; carol unsubscribed, dave bouncing
	const b = await survey({ name: 'Again', cool_off_days: 0 });
	assert.deepEqual(b.counts, { sent: 2, answered: 0, skipped_cool_off: 0, skipped_unsubscribed: 1,
		skipped_bouncing: 1 });
	// the default 90 days: everyone was asked just now
	const c = await survey({ name: 'Too soon' });
	assert.equal(c.cool_off_days, 90);
	assert.deepEqual(c.counts, { sent: 0, answered: 0, skipped_cool_off: 3, skipped_unsubscribed: 0,
		skipped_bouncing: 1 });
	await sleep(500);
	const mails = (await smtp.messages()).slice(before).filter((m) => /score=/.test(m.text));
	assert.deepEqual(mails.map((m) => m.headers.to).sort(), ['alice@example.test', 'bob@example.test']);
	assert.equal((await sqlOnServer(srv, 'SELECT COUNT(*) FROM nps_responses;')).trim(), '5');

	// alice, a detractor last time, answers 8 now
	const ma = mails.find((m) => m.headers.to === 'alice@example.test');
	assert.equal((await page(link(ma, 8))).status, 200);
	const rep = await report('?period=week');
	assert.equal(rep.score.responses, 3);
	assert.equal(rep.score.nps, 0);
	assert.equal(rep.score.asked, 5);
	assert.equal(rep.closed_loop.answered_next, 1);
	assert.equal(rep.closed_loop.improved, 1);
	assert.equal(rep.trend.length, 1);
	assert.ok(rep.score.ci_low < 0 && rep.score.ci_high > 0);

	const csv = await srv.api('GET', '/api/v2/nps/report?format=csv');
	assert.equal(csv.status, 200);
	assert.match(csv.headers.get('content-type'), /text\/csv/);
	const lines = csv.text.trim().split('\r\n');
	assert.equal(lines[0], 'dimension,key,name,responses,promoters,passives,detractors,nps,ci_low,ci_high');
	assert.match(lines[1], /^total,,all,3,1,1,1,0\.0,/);
	assert.ok(lines.some((l) => l.startsWith('agent,') && l.includes(olena.name)));
	for (const [q, field] of [['?period=year', 'period'], ['?format=xml', 'format'], ['?survey_id=-1', 'survey_id'],
		['?start_time=yesterday', 'start_time'], ['?bogus=1', 'bogus']]) {
		const r = await srv.api('GET', `/api/v2/nps/report${q}`);
		assert.ok(r.status === 422 || r.status === 400, `${q}: ${r.status} ${r.text}`);
		assert.ok(r.text.includes(field), `${q}: ${r.text}`);
	}
});
