// NPS surveys end to end through the real parts: a survey goes out by the
// nps-send job through a real SMTP server (aiosmtpd), in each customer's
// language, with eleven links and List-Unsubscribe; the customer "clicks"
// a score from the captured mail — which records nothing until they press
// the page's button, since a mail scanner opens every link first — says
// why, and a detractor's answer opens a follow-up ticket for the agent who
// served them. Nobody is asked twice within the cool-off, an unsubscribed
// or bouncing address is skipped, a score of 11, a second answer and a
// tampered link are each refused with a clear page and counted nowhere.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { PG, sqlOnServer, startServer, sleep } from './lib/server.mjs';

let srv, smtp, olena, alice, bob, carol, dave, team;

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}
// The answers posted are limited per client address: each request comes
// from an address of its own on the loopback network unless from says one.
let nextAddress = 0;
function request(path, { method = 'GET', fields, from = `127.0.3.${nextAddress++ % 250 + 1}` } = {}) {
	const headers = {};
	const body = fields ? Buffer.from(new URLSearchParams(fields).toString()) : null;
	if (body) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		headers['content-length'] = body.length;
	}
	return new Promise((resolve, reject) => {
		const req = http.request(srv.base + path, { method, headers, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode, headers: { get: (k) => res.headers[k] }, text: async () => text,
					clone: () => ({ text: async () => text }) });
			});
		});
		req.on('error', reject);
		req.end(body);
	});
}
const page = (path) => request(path);
const form = (path, fields, from) => request(path, { method: 'POST', fields, from });
/** Answers score n from the link in mail m: the click, then the page's button. */
async function answer(m, n, comment) {
	const click = await page(link(m, n));
	assert.equal(click.status, 200, await click.text());
	assert.match(await click.text(), new RegExp(`value="${n}" checked`));
	return form(link(m, n).split('?')[0], comment ? { score: n, comment } : { score: n });
}

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
const mailTo = (addr, pred = () => true) => (m) => m.headers.to === addr && /\/nps\//.test(m.text) && pred(m);

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['olena'], endUsers: ['alice', 'bob', 'carol', 'dave'] });
	({ olena, alice, bob, carol, dave } = srv.users);
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	// alice's name is her address and telephone, her organization's has an
	// address: what a viewer must not read
	const aliceOrg = (await ok('POST', '/api/v2/organizations', { organization: { name: 'Alice Ltd, billing@alice.test' } })).organization;
	await ok('PUT', `/api/v2/users/${alice.id}`, { user: { locale: 'uk', name: 'alice@example.test (+380 67 123 45 67)',
		organization_id: aliceOrg.id } });
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

	// a mail scanner opens every link, top to bottom: nothing is recorded
	for (let n = 0; n <= 10; n++) {
		const seen = await page(link(ma, n));
		assert.equal(seen.status, 200);
		assert.match(await seen.text(), /<button type="submit" data-test="nps-send">Надіслати відповідь/);
	}
	assert.equal((await report(`?survey_id=${s.id}`)).score.responses, 0, 'a GET records nothing');
	assert.equal((await srv.allTickets()).filter((t) => t.tags.includes('nps_followup')).length, 0);

	// alice's click shows 3 chosen; her button records it
	let r = await page(link(ma, 3));
	let html = await r.text();
	assert.match(html, /Це ваша відповідь\?/);
	assert.match(html, /value="3" checked/);
	assert.doesNotMatch(html, /value="0" checked/);
	assert.doesNotMatch(html, /<script/i);
	assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
	const path = link(ma, 3).split('?')[0];
	r = await form(path, { score: 3 });
	assert.equal(r.status, 200, await r.clone().text());
	html = await r.text();
	assert.match(html, /Дякуємо! Вашу відповідь записано/);
	assert.match(html, /<strong class="nps-score">3<\/strong>/);
	assert.match(html, /<form method="post"/);
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
	// alice reads its subject in the portal and in any reply: Ukrainian,
	// and without the survey's internal name
	assert.equal(fu.subject, 'Ваш відгук: 3 з 10');
	const comments = (await ok('GET', `/api/v2/tickets/${fu.id}/comments`)).comments;
	assert.ok(comments.every((c) => !c.public), 'the notes are internal');
	assert.ok(comments.some((c) => c.body.includes('Waited <b>a week</b>')), 'the why is on the follow-up');

	// bob: 10 with his why in one press; 10 again changes nothing; 5 is
	// refused and not counted, whether clicked or posted
	const mb = await smtp.waitFor(mailTo('bob@example.test'));
	assert.match(mb.text, /recommend us/);
	r = await answer(mb, 10, 'Quick and kind');
	assert.equal(r.status, 200);
	assert.match(await r.text(), /Thank you for telling us/);
	assert.equal((await form(link(mb, 10).split('?')[0], { score: 10 })).status, 200);
	r = await page(link(mb, 5));
	assert.equal(r.status, 409);
	assert.match(await r.text(), /first answer stands/);
	r = await form(link(mb, 5).split('?')[0], { score: 5 });
	assert.equal(r.status, 409);
	assert.match(await r.text(), /first answer stands/);
	// a form without a score, or with 11, records nothing either
	for (const fields of [{ score: 11 }, { score: '-1' }, { score: 'ten' }]) {
		r = await form(path, fields);
		assert.equal(r.status, 422, JSON.stringify(fields));
	}
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
	assert.equal(rep.closed_loop.followups_failed, 0);
	assert.equal(rep.closed_loop.contacted, 0);
	assert.equal(rep.detractor_comments[0].comment, 'Waited <b>a week</b> for an answer');
	assert.equal(rep.detractor_comments[0].user_name, 'alice@example.test (+380 67 123 45 67)');
	assert.equal(rep.breakdowns.agent[0].name, olena.name);
	assert.equal(rep.breakdowns.group[0].name, 'Care');
	assert.equal(rep.truncated, false, 'every answer was read');
	// every "why?", filtered by kind, newest first, a page at a time
	assert.deepEqual(rep.comments.items.map((c) => c.comment).sort(),
		['Quick and kind', 'Waited <b>a week</b> for an answer']);
	assert.equal(rep.comments.filter, 'all');
	assert.equal(rep.comments.next_offset, null);
	for (const [kind, words] of [['promoters', ['Quick and kind']], ['passives', []],
		['detractors', ['Waited <b>a week</b> for an answer']], ['all', ['Quick and kind', 'Waited <b>a week</b> for an answer']]]) {
		const c = (await report(`?survey_id=${s.id}&comments=${kind}`)).comments;
		assert.deepEqual(c.items.map((x) => x.comment).sort(), words, kind);
	}
	assert.deepEqual((await report(`?survey_id=${s.id}&comments_offset=1`)).comments.items.length, 1);
	assert.deepEqual((await report(`?survey_id=${s.id}&comments_offset=2`)).comments.items, []);
	for (const q of ['comments=haters', 'comments_offset=-1', 'comments_offset=x', 'comments_offset=99999999999']) {
		const bad = await srv.api('GET', `/api/v2/nps/report?${q}`);
		assert.equal(bad.status, 422, q);
		assert.match(bad.text, new RegExp(q.split('=')[0]));
	}
	// a channel is a key the workspace translates
	assert.deepEqual(rep.breakdowns.channel.map((c) => c.key), ['api']);
	// the trend lists the weeks nobody answered in too, their NPS null
	const weeks = (await report(`?survey_id=${s.id}&period=week&start_time=${
		new Date(Date.now() - 21 * 86400e3).toISOString()}`)).trend;
	assert.equal(weeks.length, 4, JSON.stringify(weeks));
	assert.deepEqual(weeks.slice(0, 3).map((w) => [w.nps, w.responses]), [[null, 0], [null, 0], [null, 0]]);
	assert.equal(weeks[3].responses, 2);
	assert.ok(weeks.every((w, i) => !i || Date.parse(w.period_start) - Date.parse(weeks[i - 1].period_start) === 7 * 86400e3));
	// a viewer sees the figures and what customers wrote, never how to
	// reach them, and no survey
	const viewer = await srv.addUser('viewer', 'Vera Viewer', 'vera@example.test');
	const vr = await srv.api('GET', `/api/v2/nps/report?survey_id=${s.id}`, null, { auth: viewer });
	assert.equal(vr.status, 200, vr.text);
	assert.equal(vr.json.nps_report.score.responses, 2);
	assert.equal(vr.json.nps_report.detractor_comments[0].comment, 'Waited <b>a week</b> for an answer');
	// alice's name is her address and telephone: masked for the viewer, in
	// the JSON and the CSV, and so is her organization's; olena's is a name
	assert.doesNotMatch(vr.text, /@example\.test|123 45 67|alice@|billing@/);
	assert.match(vr.json.nps_report.detractor_comments[0].user_name, /^a…@… \(\+380 … 67\)$/);
	assert.equal(vr.json.nps_report.detractor_comments[0].agent_name, olena.name);
	assert.match(vr.json.nps_report.breakdowns.organization.find((o) => o.id).name, /^Alice Ltd, b…@…$/);
	const vcsv = await srv.api('GET', `/api/v2/nps/report?survey_id=${s.id}&format=csv`, null, { auth: viewer });
	assert.equal(vcsv.status, 200);
	assert.doesNotMatch(vcsv.text, /@example\.test|123 45 67|billing@/);
	assert.match(vcsv.text, /Alice Ltd, b…@…/);
	assert.match(vcsv.text, new RegExp(olena.name));
	const acsv = await srv.api('GET', `/api/v2/nps/report?survey_id=${s.id}&format=csv`);
	assert.match(acsv.text, /billing@alice\.test/, 'an admin reads it whole');
	// the report's survey picker: names, dates and counts, nobody's id
	const vl = await srv.api('GET', '/api/v2/nps/surveys', null, { auth: viewer });
	assert.equal(vl.status, 200, vl.text);
	assert.equal(vl.json.nps_surveys.find((x) => x.id === s.id).name, 'Q4');
	assert.ok(vl.json.nps_surveys.every((x) => x.created_by === null));
	assert.equal((await srv.api('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'V', audience: 'solved' } },
		{ auth: viewer })).status, 403);
	assert.equal((await srv.api('GET', `/api/v2/nps/surveys/${s.id}`, null, { auth: viewer })).status, 403);
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
	assert.equal((await answer(ma, 8)).status, 200);
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

/** An organization of new customers (name → user), each with a request
 * solved by agent (in group, when given). */
async function customers(orgName, names, { agent = olena, group } = {}) {
	const org = (await ok('POST', '/api/v2/organizations', { organization: { name: orgName } })).organization;
	const out = {};
	for (const n of names) {
		const u = (await ok('POST', '/api/v2/users', { user: { name: `Customer ${n}`, email: `${n}@example.test`,
			role: 'end-user', organization_id: org.id } })).user;
		const t = await srv.ticket({ subject: `Help ${n}`, requester_id: u.id });
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { assignee_id: agent.id, ...(group ? { group_id: group.id } : {}),
			status: 'solved', comment: { body: 'Done.', public: true } } }, agent);
		out[n] = { ...u, ticket: t };
	}
	return { org, ...out };
}

async function sendAs(auth, fields) {
	const s = (await ok('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'Q', cool_off_days: 0, ...fields } }, auth)).nps_survey;
	const r = await srv.api('POST', `/api/v2/nps/surveys/${s.id}/send`, null, auth ? { auth } : {});
	assert.equal(r.status, 202, r.text);
	return s;
}

it('keeps a detractor\'s answer and why when the follow-up cannot be made as it was', async () => {
	// the survey's maker leaves, and so do the agent and the group that
	// served the customers: the desk writes the follow-up, to nobody
	const adam = await srv.addUser('admin', 'Adam Admin', 'adam@example.test');
	const pavlo = await srv.addUser('agent', 'Pavlo Night', 'pavlo@example.test');
	const night = (await ok('POST', '/api/v2/groups', { group: { name: 'Night' } })).group;
	await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: pavlo.id, group_id: night.id } });
	const c = await customers('Gone Co', ['henry', 'ivy', 'jack'], { agent: pavlo, group: night });
	const s = await sendAs(adam, { audience: 'organization', organization_id: c.org.id, on_detractor: 'ticket' });
	await sent(s.id);
	for (const u of [adam, pavlo])
		assert.ok((await srv.api('DELETE', `/api/v2/users/${u.id}`)).status < 300);
	assert.ok((await srv.api('DELETE', `/api/v2/groups/${night.id}`)).status < 300);

	const followup = async (u) => (await srv.allTickets()).find((t) => t.tags.includes('nps_followup') && t.requester_id === u.id);
	// henry: 2 and why in one press; the follow-up is the desk's, in no
	// group, for nobody
	const mh = await smtp.waitFor(mailTo('henry@example.test'));
	let r = await answer(mh, 2, 'Nobody called back');
	assert.equal(r.status, 200, await r.text());
	const fh = await followup(c.henry);
	assert.ok(fh, 'a follow-up for henry');
	assert.equal(fh.group_id, null);
	assert.equal(fh.assignee_id, null);
	const notes = (await ok('GET', `/api/v2/tickets/${fh.id}/comments`)).comments;
	assert.ok(notes.some((n) => n.body.includes('Nobody called back')));
	assert.ok(notes.every((n) => n.author_id === -1), JSON.stringify(notes.map((n) => n.author_id)));

	// jack: a score, then his follow-up is deleted, then his why: kept
	const mj = await smtp.waitFor(mailTo('jack@example.test'));
	assert.equal((await answer(mj, 5)).status, 200);
	const fj = await followup(c.jack);
	assert.ok((await srv.api('DELETE', `/api/v2/tickets/${fj.id}`)).status < 300);
	r = await form(link(mj, 5).split('?')[0], { comment: 'Too slow' });
	assert.equal(r.status, 200, await r.text());

	// ivy has left too: no follow-up can be opened for her; her answer
	// stands and the report says the follow-up failed
	const mi = await smtp.waitFor(mailTo('ivy@example.test'));
	assert.ok((await srv.api('DELETE', `/api/v2/users/${c.ivy.id}`)).status < 300);
	r = await answer(mi, 0, 'Never again');
	assert.equal(r.status, 200, await r.text());
	assert.equal(await followup(c.ivy), undefined);

	const rep = await report(`?survey_id=${s.id}`);
	assert.equal(rep.score.responses, 3);
	assert.equal(rep.score.detractors, 3);
	assert.deepEqual(rep.detractor_comments.map((x) => x.comment).sort(), ['Never again', 'Nobody called back', 'Too slow']);
	assert.equal(rep.closed_loop.followups, 2);
	assert.equal(rep.closed_loop.followups_failed, 2, 'ivy\'s follow-up and jack\'s note');
});

it('sends a hundred a run, the next hundred later, one job a survey and place, a batch done never again', async () => {
	const names = Array.from({ length: 101 }, (_, i) => `big${i}`);
	const org = (await ok('POST', '/api/v2/organizations', { organization: { name: 'Big Co' } })).organization;
	for (let i = 0; i < names.length; i += 10)
		await Promise.all(names.slice(i, i + 10).map((n) => ok('POST', '/api/v2/users', { user: { name: n,
			email: `${n}@example.test`, role: 'end-user', organization_id: org.id } })));
	const s = await sendAs(undefined, { audience: 'organization', organization_id: org.id });
	let cur;
	for (let i = 0; i < 150 && !(cur?.counts.sent === 100); i++) {
		await sleep(100);
		cur = (await ok('GET', `/api/v2/nps/surveys/${s.id}`)).nps_survey;
	}
	assert.equal(cur.counts.sent, 100, JSON.stringify(cur.counts));
	await sleep(1000);
	cur = (await ok('GET', `/api/v2/nps/surveys/${s.id}`)).nps_survey;
	assert.equal(cur.status, 'sending', 'the next hundred wait');
	assert.equal(cur.counts.sent, 100);
	const now = Math.floor(Date.now() / 1000);
	const jobs = (await sqlOnServer(srv, "SELECT unique_key, run_at, payload FROM jobs WHERE kind = 'nps-send';")).trim().split('\n');
	assert.equal(jobs.length, 1, jobs.join('\n'));
	const [key, runAt] = jobs[0].split('|');
	assert.match(key, new RegExp(`^nps-send:${s.id}:\\d+$`));
	assert.ok(Number(runAt) >= now + 10, `the next batch is due in ${Number(runAt) - now} s`);
	// queued again for the same place (another node): nothing more queued
	// and the first batch, run again, asks nobody
	await sqlOnServer(srv, `INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, created_at, updated_at)
		VALUES ('nps-send', '{"survey_id":${s.id},"after":0}', 0, 1, 'nps-send-again-${s.id}', 0, 0);`);
	for (let i = 0; i < 100; i++) {
		await sleep(100);
		if ((await sqlOnServer(srv, `SELECT COUNT(*) FROM jobs WHERE unique_key = 'nps-send-again-${s.id}';`)).trim() === '0')
			break;
	}
	assert.equal((await sqlOnServer(srv, `SELECT COUNT(*) FROM jobs WHERE unique_key = 'nps-send-again-${s.id}';`)).trim(), '0');
	cur = (await ok('GET', `/api/v2/nps/surveys/${s.id}`)).nps_survey;
	assert.equal(cur.counts.sent, 100);
	assert.equal((await sqlOnServer(srv, "SELECT COUNT(*) FROM jobs WHERE kind = 'nps-send';")).trim(), '1');
	// the next batch's time comes: the last one is asked, and it is sent
	await sqlOnServer(srv, "UPDATE jobs SET run_at = 0 WHERE kind = 'nps-send';");
	cur = await sent(s.id);
	assert.equal(cur.counts.sent, 101);
	assert.equal((await sqlOnServer(srv, `SELECT COUNT(*) FROM nps_responses WHERE survey_id = ${s.id};`)).trim(), '101');
});

it('counts a done follow-up task as contacted', async () => {
	const c = await customers('Task Co', ['mia']);
	const s = await sendAs(undefined, { audience: 'organization', organization_id: c.org.id, on_detractor: 'task' });
	await sent(s.id);
	assert.equal((await answer(await smtp.waitFor(mailTo('mia@example.test')), 4)).status, 200);
	const tasks = (await ok('GET', `/api/v2/tickets/${c.mia.ticket.id}/tasks`, null, olena)).tasks;
	assert.equal(tasks.length, 1);
	assert.equal(tasks[0].owner_id, olena.id);
	// mia's language (English here) and no survey name
	assert.equal(tasks[0].title, 'Call back: the customer answered 4 of 10');
	let rep = await report(`?survey_id=${s.id}`);
	assert.deepEqual([rep.closed_loop.followups, rep.closed_loop.contacted], [1, 0]);
	await ok('PUT', `/api/v2/tasks/${tasks[0].id}`, { task: { done: true } }, olena);
	rep = await report(`?survey_id=${s.id}`);
	assert.equal(rep.closed_loop.contacted, 1);
});

it('sends surveys outside the daily cap of automatic mail, and they use none of it', async () => {
	await sqlOnServer(srv, "INSERT INTO settings (key, value) VALUES ('mail.auto_limit', '1') ON CONFLICT (key) DO UPDATE SET value = '1';");
	try {
		const c = await customers('Cap Co', ['kate']);
		// kate had her one automatic mail today (an acknowledgement)
		await sqlOnServer(srv, `INSERT INTO mail_auto_sent (email, message_id, sent_at)
			VALUES ('kate@example.test', 'ack-1@shop.test', ${Math.floor(Date.now() / 1000) - 60});`);
		const used = async () => (await sqlOnServer(srv, "SELECT COUNT(*) FROM mail_auto_sent WHERE email = 'kate@example.test';")).trim();
		assert.equal(await used(), '1');
		const s = await sendAs(undefined, { audience: 'organization', organization_id: c.org.id });
		assert.equal((await sent(s.id)).counts.sent, 1);
		// the cap is used up, yet the survey goes, and takes none of it
		await smtp.waitFor(mailTo('kate@example.test'));
		assert.equal(await used(), '1');
	} finally {
		await sqlOnServer(srv, "DELETE FROM settings WHERE key = 'mail.auto_limit';");
	}
});

it('stops a robot posting answers from one address after 8 in 2 minutes', async () => {
	const codes = [];
	for (let i = 0; i < 9; i++)
		codes.push((await form('/nps/123-abc', { score: 1 }, '127.0.4.1')).status);
	assert.deepEqual([codes[7], codes[8]], [400, 429]);
	// told by a page, as every answer of the form is, not by JSON
	const r = await form('/nps/123-abc', { score: 1 }, '127.0.4.1');
	assert.equal(r.status, 429);
	assert.match(r.headers.get('content-type'), /text\/html/);
	assert.match(await r.text(), /Too many answers came from your address/);
	assert.ok(Number(r.headers.get('retry-after')) > 0);
	assert.equal((await form('/nps/123-abc', { score: 1 }, '127.0.4.2')).status, 400, 'another address is not stopped');
});

it('asks a tier — its customers and its organizations\' — and breaks the answers down by tier and channel', async () => {
	const gold = (await ok('POST', '/api/v2/tiers', { tier: { name: 'Gold NPS' } })).tier;
	const c = await customers('Tier Co', ['tina', 'tom']);
	const d = await customers('Gold Org', ['tess']);
	await ok('PUT', `/api/v2/users/${c.tina.id}`, { user: { tier_id: gold.id } });
	await ok('PUT', `/api/v2/organizations/${d.org.id}`, { organization: { tier_id: gold.id } });
	// tess's latest request came by e-mail
	const t = await srv.ticket({ subject: 'By mail', requester_id: d.tess.id, via: { channel: 'email' } });
	await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { assignee_id: olena.id, status: 'solved',
		comment: { body: 'Done.', public: true } } }, olena);
	const s = await sendAs(undefined, { audience: 'tier', tier_id: gold.id });
	assert.deepEqual((await sent(s.id)).counts.sent, 2, 'tina and tess; tom is in no tier');
	const mt = await smtp.waitFor(mailTo('tina@example.test'));
	const ms = await smtp.waitFor(mailTo('tess@example.test'));
	assert.equal((await answer(mt, 9)).status, 200);
	assert.equal((await answer(ms, 4)).status, 200);
	const rep = await report(`?survey_id=${s.id}`);
	assert.deepEqual(rep.breakdowns.tier.map((x) => [x.id, x.name, x.responses, x.nps]), [[gold.id, 'Gold NPS', 2, 0]]);
	const ch = Object.fromEntries(rep.breakdowns.channel.map((x) => [x.key, [x.responses, x.promoters, x.detractors, x.nps]]));
	assert.deepEqual(ch, { api: [1, 1, 0, 100], email: [1, 0, 1, -100] });
});

it('turns an expired answer link away with a page that says so, recording nothing', async () => {
	const c = await customers('Late Co', ['luke']);
	const s = await sendAs(undefined, { audience: 'organization', organization_id: c.org.id });
	const m = await smtp.waitFor(mailTo('luke@example.test'));
	// the same link as the mail's, signed as the desk would with an expiry
	// a second ago: the store's own key (shared by every node)
	const [, a, b, , mac] = link(m, 2).match(/\/nps\/(\d+)-(\d+)-(\d+)-([0-9a-f]+)/);
	const key = (await sqlOnServer(srv, "SELECT value FROM settings WHERE key = 'link.key';")).trim();
	const sign = (nums) => createHmac('sha256', key).update(`link\nnps\n${nums}`).digest('hex').slice(0, 32);
	assert.equal(sign(`${a}-${b}-${link(m, 2).match(/-(\d+)-[0-9a-f]+\?/)[1]}-`), mac, 'signed as the desk signs');
	const nums = `${a}-${b}-${Math.floor(Date.now() / 1000) - 1}-`;
	const expired = `/nps/${nums}${sign(nums)}`;
	let r = await page(`${expired}?score=2`);
	assert.equal(r.status, 410);
	assert.match(await r.text(), /This survey has closed/);
	assert.doesNotMatch(await r.clone().text(), /<form/);
	r = await form(expired, { score: 2 });
	assert.equal(r.status, 410);
	assert.equal((await report(`?survey_id=${s.id}`)).score.responses, 0);
});

it('takes an answer on another node than the one that made its link (one key in the store)', { skip: !PG && 'two nodes share a PostgreSQL database' }, async () => {
	const node2 = await startServer({ joining: srv });
	try {
		const c = await customers('Node Co', ['nina']);
		const s = await sendAs(undefined, { audience: 'organization', organization_id: c.org.id });
		const m = await smtp.waitFor(mailTo('nina@example.test'));
		const path = link(m, 9);
		// the link is the first node's; the second shows it and records it
		let r = await node2.api('GET', path);
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /value="9" checked/);
		r = await fetch(node2.base + path.split('?')[0], { method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'score=9' });
		assert.equal(r.status, 200, await r.text());
		assert.equal((await report(`?survey_id=${s.id}`)).score.promoters, 1);
	} finally {
		await node2.cleanup();
	}
});

it('tells a customer who posts too often so on a page in their own language', async () => {
	const c = await customers('Busy Co', ['ulas']);
	await ok('PUT', `/api/v2/users/${c.ulas.id}`, { user: { locale: 'lt' } });
	const s = await sendAs(undefined, { audience: 'organization', organization_id: c.org.id });
	await sent(s.id);
	const path = link(await smtp.waitFor(mailTo('ulas@example.test')), 7).split('?')[0];
	const codes = [];
	for (let i = 0; i < 9; i++)
		codes.push((await form(path, { score: 7 }, '127.0.5.1')).status);
	assert.deepEqual(codes, [200, 200, 200, 200, 200, 200, 200, 200, 429]);
	const r = await form(path, { score: 7 }, '127.0.5.1');
	assert.equal(r.status, 429);
	const text = await r.text();
	assert.match(text, /<html lang="lt"/);
	assert.match(text, /Iš jūsų adreso atėjo per daug atsakymų/);
	assert.doesNotMatch(text, /<form/, 'no form that could not be sent now');
});
