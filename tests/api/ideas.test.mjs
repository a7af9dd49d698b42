// The suggestion box (src/ideas/, docs/ideas.md): customers submit ideas
// and vote once each, agents submit for a customer from a ticket, answer
// and change the status; the author and voters are told by mail (the real
// SMTP server) in their own language; visitors read public ideas only;
// what a stranger or a careless client sends is refused whole (422 naming
// the field), a second vote counts nothing, a flood of votes from one
// address is refused 429; the viewer role reads the report, contacts
// masked, and changes nothing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { sqlOnServer, startServer } from './lib/server.mjs';
import { startSmtp } from './lib/smtp.mjs';

let srv, smtp, agent, alice, bob, olena, viewer;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob', 'olena'] });
	({ agent, alice, bob, olena } = srv.users);
	viewer = await srv.addUser('viewer', 'Vera Viewer', 'vera@example.test');
	let r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
	for (const [u, locale] of [[olena, 'uk'], [bob, 'lt']]) {
		r = await srv.api('PUT', `/api/v2/users/${u.id}`, { user: { locale } });
		assert.equal(r.status, 200, r.text);
	}
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

// Requests from a loopback address of the test's choosing (Linux routes
// all of 127/8 to lo), for the per-address limits.
let nextAddress = 30;
const freshAddress = () => { nextAddress++; return `127.16.${nextAddress >> 8}.${nextAddress & 255}`; };
function from(address, method, path, body, auth) {
	return new Promise((resolve, reject) => {
		const payload = body ? JSON.stringify(body) : null;
		const headers = { accept: 'application/json' };
		if (payload)
			headers['content-type'] = 'application/json';
		if (auth)
			headers.authorization = `Bearer ${auth.token}`;
		const req = http.request(`${srv.base}${path}`, { method, headers, localAddress: address }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; });
			res.on('end', () => {
				let json = null;
				try { json = JSON.parse(text); } catch { /* not JSON */ }
				resolve({ status: res.statusCode, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		req.end(payload ?? undefined);
	});
}

// Each from an address of its own: customers' ideas and comments are
// limited per address (the flood test below).
async function submit(fields, auth = alice) {
	const r = await from(freshAddress(), 'POST', '/api/v2/ideas', { idea: fields }, auth);
	assert.equal(r.status, 201, r.text);
	return r.json.idea;
}
const show = async (id, auth) => srv.api('GET', `/api/v2/ideas/${id}`, null, { auth });
const vote = (id, auth) => from(freshAddress(), 'POST', `/api/v2/ideas/${id}/up`, null, auth);
const unvote = (id, auth) => from(freshAddress(), 'DELETE', `/api/v2/ideas/${id}/vote`, null, auth);
const count = async () => (await srv.api('GET', '/api/v2/ideas?per_page=1', null, { auth: agent })).json.count;

describe('submitting and voting', () => {
	it('a customer submits an idea: new, public, their own vote counted, shown by first name and initial', async () => {
		const i = await submit({ title: 'Dark mode for the portal', details: 'My eyes hurt at night.', locale: 'en' });
		assert.equal(i.status, 'new');
		assert.equal(i.public, true);
		assert.equal(i.vote_count, 1);
		assert.equal(i.voted, true);
		assert.equal(i.author_id, alice.id);
		assert.equal(i.author_name, 'Customer a.');
		assert.equal(i.answer, '');
		assert.equal(i.submitted_by_id, undefined, 'customers do not see who typed it');
		const a = await show(i.id, agent);
		assert.equal(a.json.idea.author_name, 'Customer alice', 'agents see the whole name');
		assert.equal(a.json.idea.submitted_by_id, alice.id);
	});

	it('each person votes once: a second vote is refused and counts nothing; a vote taken back is uncounted', async () => {
		const i = await submit({ title: 'Export my invoices as PDF' });
		let r = await vote(i.id, bob);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.idea.vote_count, 2);
		assert.equal(r.json.idea.voted, true);
		r = await vote(i.id, bob);
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details.vote[0].error, 'DuplicateValue');
		r = await vote(i.id, alice);
		assert.equal(r.status, 422, 'the author voted when submitting');
		assert.equal((await show(i.id, olena)).json.idea.vote_count, 2);
		assert.equal((await show(i.id, olena)).json.idea.voted, false);
		r = await unvote(i.id, bob);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.idea.vote_count, 1);
		assert.equal(r.json.idea.voted, false);
		r = await unvote(i.id, bob);
		assert.equal(r.status, 404, 'no vote to take back');
		assert.equal((await show(i.id, agent)).json.idea.vote_count, 1);
	});

	it('a visitor reads public ideas but may not vote, submit or comment', async () => {
		const i = await submit({ title: 'Pay by bank transfer' });
		const r = await show(i.id, null);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.idea.voted, null);
		assert.equal((await vote(i.id, null)).status, 401);
		assert.equal((await srv.api('POST', '/api/v2/ideas', { idea: { title: 'x' } }, { auth: null })).status, 401);
		assert.equal((await srv.api('POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: 'x' } }, { auth: null })).status, 401);
		assert.equal((await show(999999, null)).status, 404);
	});

	it('lists sort by votes or by date and filter by status', async () => {
		const a = await submit({ title: 'Sort A' });
		const b = await submit({ title: 'Sort B' }, bob);
		await vote(b.id, olena);
		await vote(b.id, alice);
		let r = await srv.api('GET', '/api/v2/ideas?sort=votes&per_page=100', null, { auth: null });
		assert.equal(r.status, 200, r.text);
		const votes = r.json.ideas.map((x) => x.vote_count);
		assert.deepEqual(votes, [...votes].sort((x, y) => y - x), 'most votes first');
		assert.ok(r.json.ideas.findIndex((x) => x.id === b.id) < r.json.ideas.findIndex((x) => x.id === a.id));
		r = await srv.api('GET', '/api/v2/ideas?sort=recent&per_page=1', null, { auth: null });
		assert.equal(r.json.ideas[0].id, b.id, 'newest first');
		assert.ok(r.json.next_page, 'paged');
		assert.ok(r.json.count >= 2);
		r = await srv.api('PUT', `/api/v2/ideas/${a.id}`, { idea: { status: 'planned' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('GET', '/api/v2/ideas?status=planned', null, { auth: null });
		assert.deepEqual(r.json.ideas.map((x) => x.id), [a.id]);
		assert.equal(r.json.count, 1);
		for (const q of ['status=maybe', 'sort=best']) {
			r = await srv.api('GET', `/api/v2/ideas?${q}`, null, { auth: null });
			assert.equal(r.status, 422, q);
			assert.ok(r.json.details[q.split('=')[0]], r.text);
		}
		assert.equal((await srv.api('GET', '/api/v2/ideas?order=votes', null, { auth: null })).status, 400);
	});

	it('comments: anyone who may read the idea reads them; an agent’s is marked official; the count follows', async () => {
		const i = await submit({ title: 'Gift cards' });
		let r = await from(freshAddress(), 'POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: 'Yes please, for birthdays' } }, bob);
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.comment.official, false);
		assert.equal(r.json.comment.author_name, 'Customer b.');
		r = await srv.api('POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: 'We are looking into it.' } }, { auth: agent });
		assert.equal(r.json.comment.official, true);
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments`, null, { auth: null });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.comments.map((c) => [c.body, c.official]),
			[['Yes please, for birthdays', false], ['We are looking into it.', true]]);
		assert.equal((await show(i.id, null)).json.idea.comment_count, 2);
	});
});

describe('agents', () => {
	it('an agent submits for a customer from a ticket, privately: linked, hidden from others, the customer’s own', async () => {
		const t = await srv.ticket({ subject: 'Can you add Apple Pay?' }, { auth: olena });
		const i = await submit({ title: 'Apple Pay at checkout', author_id: olena.id, ticket_id: t.id, public: false, locale: 'uk' }, agent);
		assert.equal(i.author_id, olena.id);
		assert.equal(i.submitted_by_id, agent.id);
		assert.equal(i.public, false);
		assert.equal(i.vote_count, 1, 'the customer’s vote');
		assert.equal(i.ticket_count, 1);
		let r = await srv.api('GET', `/api/v2/tickets/${t.id}/ideas`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.idea_tickets.map((x) => [x.idea_id, x.idea_title]), [[i.id, 'Apple Pay at checkout']]);
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/tickets`, null, { auth: agent });
		assert.deepEqual(r.json.idea_tickets.map((x) => [x.ticket_id, x.subject]), [[t.id, 'Can you add Apple Pay?']]);
		assert.equal((await show(i.id, null)).status, 404, 'private: not for visitors');
		assert.equal((await show(i.id, bob)).status, 404, 'nor for other customers');
		assert.equal((await show(i.id, olena)).status, 200, 'the author sees hers');
		r = await srv.api('GET', '/api/v2/ideas?per_page=100', null, { auth: null });
		assert.ok(!r.json.ideas.some((x) => x.id === i.id));
		r = await srv.api('GET', '/api/v2/ideas?per_page=100', null, { auth: agent });
		assert.ok(r.json.ideas.some((x) => x.id === i.id));
		assert.equal((await vote(i.id, bob)).status, 404, 'nor can they vote for it');
	});

	it('links and unlinks tickets; customers may not; unknown tickets and ideas are named', async () => {
		const i = await submit({ title: 'Loyalty points' });
		const t1 = await srv.ticket({ subject: 'Points?' }, { auth: bob });
		let r = await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: t1.id }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: t1.id }, { auth: agent });
		assert.equal(r.json.count, 1, 'linking twice is once');
		r = await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: 99999999 }, { auth: agent });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details.ticket_id);
		r = await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: -4 }, { auth: agent });
		assert.equal(r.status, 422, r.text);
		r = await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: t1.id }, { auth: bob });
		assert.equal(r.status, 403);
		r = await srv.api('POST', '/api/v2/ideas/99999999/tickets', { ticket_id: t1.id }, { auth: agent });
		assert.equal(r.status, 404);
		r = await srv.api('DELETE', `/api/v2/ideas/${i.id}/tickets/${t1.id}`, null, { auth: agent });
		assert.equal(r.status, 204, r.text);
		r = await srv.api('GET', `/api/v2/tickets/${t1.id}/ideas`, null, { auth: agent });
		assert.deepEqual(r.json.idea_tickets, []);
	});

	it('customers may not change an idea, not even their own', async () => {
		const i = await submit({ title: 'Mine to change?' });
		const r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'done' } }, { auth: alice });
		assert.equal(r.status, 403);
		assert.equal((await show(i.id, agent)).json.idea.status, 'new');
	});
});

describe('telling voters', () => {
	it('a status change mails the author and every voter in their language, with the public answer', async () => {
		const i = await submit({ title: 'Delivery to parcel lockers' }, olena);
		await vote(i.id, bob);
		await vote(i.id, alice);
		const r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'planned', answer: 'Coming in March: Omniva and DPD lockers.' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.idea.status, 'planned');
		assert.equal(r.json.idea.answer, 'Coming in March: Omniva and DPD lockers.');
		assert.equal(r.json.idea.answered_by_id, agent.id);
		assert.ok(r.json.idea.answered_at);
		const about = (m) => m.headers.subject.includes('Delivery to parcel lockers');
		const uk = await smtp.waitFor((m) => about(m) && /olena@example\.test/.test(m.headers.to));
		assert.match(uk.headers.subject, /Ідея: .*заплановано/);
		assert.match(uk.text, /Ваша ідея має новий статус/);
		assert.match(uk.text, /Omniva and DPD lockers/);
		assert.match(uk.text, new RegExp(`/portal/ideas/${i.id}`));
		const lt = await smtp.waitFor((m) => about(m) && /bob@example\.test/.test(m.headers.to));
		assert.match(lt.text, /Idėjos, už kurią balsavote, būsena pasikeitė/);
		assert.match(lt.text, /suplanuota/);
		const en = await smtp.waitFor((m) => about(m) && /alice@example\.test/.test(m.headers.to));
		assert.match(en.text, /An idea you voted for has a new status/);
		assert.match(en.text, /Status: planned/);
		// an answer changed without a new status tells nobody again
		await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { answer: 'Coming in April.' } }, { auth: agent });
		await new Promise((res) => setTimeout(res, 1500));
		assert.equal((await smtp.messages()).filter(about).length, 3, 'one mail a person');

		// Olena follows her mail's unsubscribe link; the next change tells
		// the others and not her
		assert.match(uk.headers['list-unsubscribe'] ?? '', /\/unsubscribe\//);
		const link = /(https?:\/\/\S+\/unsubscribe\/[0-9a-f-]+)/.exec(uk.text);
		assert.ok(link, uk.text);
		const u = new URL(link[1]);
		const off = await fetch(`${srv.base}${u.pathname}`, { method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
		assert.equal(off.status, 200, await off.text());
		const done = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'done' } }, { auth: agent });
		assert.equal(done.status, 200, done.text);
		const isDone = (m) => about(m) && /done|įgyvendinta|зроблено/.test(m.headers.subject);
		await smtp.waitFor((m) => isDone(m) && /bob@example\.test/.test(m.headers.to));
		await smtp.waitFor((m) => isDone(m) && /alice@example\.test/.test(m.headers.to));
		await new Promise((res) => setTimeout(res, 1500));
		assert.ok(!(await smtp.messages()).some((m) => isDone(m) && /olena@example\.test/.test(m.headers.to)),
			'an unsubscribed author was mailed');
	});
});

describe('bad input', () => {
	it('refuses blank, too long and unknown values with a 422 naming the field, writing nothing', async () => {
		const before = await count();
		const cases = [
			[{ title: '' }, 'title'],
			[{ title: '   ' }, 'title'],
			[{ details: 'no title' }, 'title'],
			[{ title: 'x'.repeat(201) }, 'title'],
			[{ title: 'Long', details: 'y'.repeat(10001) }, 'details'],
			[{ title: 'Lang', locale: 'de' }, 'locale'],
			[{ title: 42 }, 'title'],
			[{ title: 'Someone else', author_id: bob.id }, 'author_id'],
			[{ title: 'Linking', ticket_id: 1 }, 'ticket_id'],
		];
		for (const [idea, field] of cases) {
			const r = await from(freshAddress(), 'POST', '/api/v2/ideas', { idea }, alice);
			assert.equal(r.status, 422, `${JSON.stringify(idea).slice(0, 80)}: ${r.text}`);
			assert.ok(r.json.details[field], `${field} not named: ${r.text}`);
		}
		for (const [idea, field] of [[{ title: 'For nobody' }, 'author_id'], [{ title: 'Ghost', author_id: 99999999 }, 'author_id'],
			[{ title: 'Ghost ticket', author_id: bob.id, ticket_id: 99999999 }, 'ticket_id']]) {
			const r = await srv.api('POST', '/api/v2/ideas', { idea }, { auth: agent });
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details[field], r.text);
		}
		assert.equal((await from(freshAddress(), 'POST', '/api/v2/ideas', { title: 'unwrapped' }, alice)).status, 400);
		assert.equal(await count(), before, 'nothing written');
		const i = await submit({ title: 'For the bad updates' });
		for (const [idea, field] of [[{ status: 'maybe' }, 'status'], [{ answer: 'z'.repeat(10001) }, 'answer'], [{ title: '' }, 'title'],
			[{ status: 'done', title: 'x'.repeat(201) }, 'title'], [{ author_id: bob.id }, 'author_id']]) {
			const r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea }, { auth: agent });
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details[field], r.text);
		}
		const after = (await show(i.id, agent)).json.idea;
		assert.equal(after.status, 'new', 'a refused update changes nothing');
		assert.equal(after.title, 'For the bad updates');
		for (const [comment, field] of [[{ body: '' }, 'body'], [{ body: 'c'.repeat(5001) }, 'body'], [{}, 'body']]) {
			const r = await from(freshAddress(), 'POST', `/api/v2/ideas/${i.id}/comments`, { comment }, bob);
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details[field], r.text);
		}
		assert.equal((await show(i.id, agent)).json.idea.comment_count, 0);
	});

	it('keeps script as text: returned as typed, and the CSV defuses formulas', async () => {
		const title = '<script>alert(1)</script> =HYPERLINK("http://evil.test")';
		const i = await submit({ title: `=cmd|' /C calc'!A0 ${title}`.slice(0, 200), details: '<img src=x onerror=alert(2)>' });
		assert.ok(i.title.startsWith('=cmd'));
		assert.equal(i.details, '<img src=x onerror=alert(2)>');
		await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'under_review' } }, { auth: agent });
		const r = await srv.api('GET', '/api/v2/ideas/report?format=csv&limit=100&status=under_review', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /text\/csv/);
		const line = r.text.split('\r\n').find((l) => l.startsWith(`${i.id},`));
		assert.ok(line, r.text);
		assert.ok(line.includes(`,"'=cmd|`), `not defused: ${line}`);
	});

	it('a flood of votes from one address is refused 429 and counts nothing', async () => {
		const address = freshAddress();
		const ids = [];
		for (let k = 0; k < 10; k++)
			ids.push((await submit({ title: `Flood ${k}` }, olena)).id);
		const results = [];
		for (const id of ids)
			results.push(await from(address, 'POST', `/api/v2/ideas/${id}/up`, null, bob));
		assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
		assert.ok(Number(results[8].headers['retry-after']) >= 1);
		assert.equal((await show(ids[9], agent)).json.idea.vote_count, 1, 'the refused vote was not counted');
		assert.equal((await vote(ids[9], bob)).status, 200, 'another address is not held up');
	});
});

describe('the report and the viewer role', () => {
	it('top ideas by votes and the count in each status, as JSON and CSV', async () => {
		const r = await srv.api('GET', '/api/v2/ideas/report?limit=3', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const { top, by_status } = r.json.report;
		assert.equal(top.length, 3);
		assert.deepEqual(top.map((x) => x.vote_count), [...top.map((x) => x.vote_count)].sort((x, y) => y - x));
		assert.deepEqual(by_status.map((s) => s.status), ['new', 'under_review', 'planned', 'done', 'declined']);
		const all = await srv.api('GET', '/api/v2/ideas?per_page=100', null, { auth: agent });
		assert.equal(by_status.reduce((n, s) => n + s.ideas, 0), all.json.count);
		assert.equal(by_status.find((s) => s.status === 'planned').ideas,
			all.json.ideas.filter((x) => x.status === 'planned').length);
		for (const q of ['limit=0', 'limit=101', 'format=xml'])
			assert.equal((await srv.api('GET', `/api/v2/ideas/report?${q}`, null, { auth: agent })).status, 422, q);
		assert.equal((await srv.api('GET', '/api/v2/ideas/report', null, { auth: alice })).status, 403);
		assert.equal((await srv.api('GET', '/api/v2/ideas/report', null, { auth: null })).status, 401);
	});

	it('a viewer reads the report and ideas with contacts masked, and cannot vote, submit, comment or change', async () => {
		const i = await submit({ title: 'Call me back', details: 'Write to ivan.petrenko@example.com or call +380 67 123 45 67' });
		let r = await srv.api('GET', '/api/v2/ideas/report', null, { auth: viewer });
		assert.equal(r.status, 200, r.text);
		r = await show(i.id, viewer);
		assert.equal(r.status, 200, r.text);
		assert.ok(!r.json.idea.details.includes('ivan.petrenko@example.com'), r.json.idea.details);
		assert.ok(!r.json.idea.details.includes('123 45 67'), r.json.idea.details);
		assert.match(r.json.idea.details, /^Write to /);
		assert.equal((await vote(i.id, viewer)).status, 403);
		assert.equal((await srv.api('POST', '/api/v2/ideas', { idea: { title: 'From a viewer' } }, { auth: viewer })).status, 403);
		assert.equal((await srv.api('POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: 'x' } }, { auth: viewer })).status, 403);
		assert.equal((await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'done' } }, { auth: viewer })).status, 403);
		assert.equal((await show(i.id, agent)).json.idea.vote_count, 1);
	});
});

describe('what a reviewer found', () => {
	const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
	const to = (who) => (m) => m.headers.to.includes(who.email);
	const person = async (handle, name) => srv.addUser('end-user', name, `${handle}@example.test`);

	it('a viewer reads titles and names with contacts masked, in the JSON and the CSV', async () => {
		const maria = await person('maria', 'maria.k@mail.test');
		const i = await submit({ title: 'Ring me on +380 67 123 45 67 or write to ivan.p@example.com' }, maria);
		const leaks = (s) => /123 45 67|ivan\.p@example\.com|maria\.k@mail\.test/.test(s);
		let r = await show(i.id, viewer);
		assert.equal(r.status, 200, r.text);
		assert.ok(!leaks(r.json.idea.title), r.json.idea.title);
		assert.match(r.json.idea.title, /^Ring me on \+380 … 67 or write to i…@…$/);
		assert.ok(!leaks(r.json.idea.author_name), r.json.idea.author_name);
		r = await srv.api('GET', '/api/v2/ideas/report?limit=100', null, { auth: viewer });
		const row = r.json.report.top.find((x) => x.id === i.id);
		assert.ok(row && !leaks(JSON.stringify(row)), JSON.stringify(row));
		r = await srv.api('GET', '/api/v2/ideas/report?limit=100&format=csv', null, { auth: viewer });
		assert.equal(r.status, 200, r.text);
		const line = r.text.split('\r\n').find((l) => l.startsWith(`${i.id},`));
		assert.ok(line && !leaks(line), line);
		// agents read it as it was written
		r = await srv.api('GET', '/api/v2/ideas/report?limit=100&format=csv', null, { auth: agent });
		assert.ok(r.text.includes('ivan.p@example.com') && r.text.includes('maria.k@mail.test'));
	});

	it('a name that is an e-mail address or a phone is shown to customers and visitors as "Customer"', async () => {
		const mail = await person('nadia', 'nadia.s@mail.test');
		const phone = await person('petro', '+380 67 765 43 21');
		const i = await submit({ title: 'Named by contact' }, mail);
		let r = await from(freshAddress(), 'POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: 'Me too' } }, phone);
		assert.equal(r.status, 201, r.text);
		for (const reader of [null, bob, phone]) {
			assert.equal((await show(i.id, reader)).json.idea.author_name, 'Customer');
			r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments`, null, { auth: reader });
			assert.deepEqual(r.json.comments.map((c) => c.author_name), ['Customer']);
			r = await srv.api('GET', '/api/v2/ideas?sort=recent&per_page=5', null, { auth: reader });
			assert.ok(!r.text.includes('nadia.s@mail.test') && !r.text.includes('765 43 21'));
		}
		assert.equal(i.author_name, 'Customer', 'the author herself, as everyone');
		assert.equal((await show(i.id, agent)).json.idea.author_name, 'nadia.s@mail.test');
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments`, null, { auth: agent });
		assert.equal(r.json.comments[0].author_name, '+380 67 765 43 21');
	});

	it('a private idea’s status is mailed to its author only, not to its voters', async () => {
		const ira = await person('ira', 'Ira Author');
		const voter = await person('vlad', 'Vlad Voter');
		const i = await submit({ title: 'Private news' }, ira);
		assert.equal((await vote(i.id, voter)).status, 200);
		const about = (m) => m.headers.subject.includes('Private news');
		let r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'under_review', public: false } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await smtp.waitFor((m) => about(m) && to(ira)(m));
		await sleep(1500);
		assert.ok(!(await smtp.messages()).some((m) => about(m) && to(voter)(m)), 'a voter was told of a private idea');
	});

	it('a bouncing address is not told of an idea’s status', async () => {
		const ira = await person('iryna', 'Iryna Author');
		const voter = await person('vitalii', 'Vitalii Voter');
		const bouncer = await person('dora', 'Dora Bounce');
		await sqlOnServer(srv, "INSERT INTO settings (key, value) VALUES ('mail.bouncing:dora@example.test', '1');");
		const j = await submit({ title: 'Bouncing news' }, ira);
		assert.equal((await vote(j.id, voter)).status, 200);
		assert.equal((await vote(j.id, bouncer)).status, 200);
		const r = await srv.api('PUT', `/api/v2/ideas/${j.id}`, { idea: { status: 'planned' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const bounce = (m) => m.headers.subject.includes('Bouncing news');
		await smtp.waitFor((m) => bounce(m) && to(voter)(m));
		await smtp.waitFor((m) => bounce(m) && to(ira)(m));
		await sleep(1500);
		assert.ok(!(await smtp.messages()).some((m) => bounce(m) && to(bouncer)(m)), 'a bouncing address was mailed');
	});

	it('a status set again after a change that told nobody is not news: one mail a person', async () => {
		const ana = await person('ana', 'Ana Toggle');
		const i = await submit({ title: 'Toggled news' }, ana);
		const about = (m) => m.headers.subject.includes('Toggled news') && to(ana)(m);
		let r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'planned' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await smtp.waitFor(about);
		// back to new and to planned again before the job for "new" ran (it
		// then finds "planned" and stays silent): as if no job for "new" at all
		await sqlOnServer(srv, `UPDATE ideas SET status = 'new' WHERE id = ${i.id};`);
		r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'planned' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await sleep(2000);
		assert.equal((await smtp.messages()).filter(about).length, 1, '"planned" told twice');
		// a real change is news again
		r = await srv.api('PUT', `/api/v2/ideas/${i.id}`, { idea: { status: 'done' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await smtp.waitFor((m) => about(m) && /done/.test(m.headers.subject));
	});

	it('comments, linked tickets and ticket ideas page: every one reached, none twice', async () => {
		const i = await submit({ title: 'A long thread' });
		for (let k = 1; k <= 5; k++) {
			const r = await srv.api('POST', `/api/v2/ideas/${i.id}/comments`, { comment: { body: `Comment ${k}` } }, { auth: agent });
			assert.equal(r.status, 201, r.text);
		}
		const bodies = ['Comment 1', 'Comment 2', 'Comment 3', 'Comment 4', 'Comment 5'];
		// offset pages
		let r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments?per_page=2`, null, { auth: null });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.comments.length, 2);
		assert.equal(r.json.count, 5);
		let seen = r.json.comments.map((c) => c.body);
		while (r.json.next_page) {
			r = await srv.api('GET', new URL(r.json.next_page).pathname + new URL(r.json.next_page).search, null, { auth: null });
			assert.equal(r.status, 200, r.text);
			seen = seen.concat(r.json.comments.map((c) => c.body));
		}
		assert.deepEqual(seen, bodies);
		// cursor pages
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments?page[size]=2`, null, { auth: null });
		seen = r.json.comments.map((c) => c.body);
		while (r.json.meta.has_more) {
			const u = new URL(r.json.links.next);
			r = await srv.api('GET', u.pathname + u.search, null, { auth: null });
			assert.equal(r.status, 200, r.text);
			seen = seen.concat(r.json.comments.map((c) => c.body));
		}
		assert.deepEqual(seen, bodies);
		for (const q of ['per_page=0', 'per_page=101', 'page=-1', 'page[after]=nonsense', 'page[size]=1000'])
			assert.equal((await srv.api('GET', `/api/v2/ideas/${i.id}/comments?${q}`, null, { auth: null })).status, 400, q);
		assert.equal((await srv.api('GET', `/api/v2/ideas/${i.id}/comments?limit=5000`, null, { auth: null })).status, 400);

		const tickets = [];
		for (let k = 0; k < 3; k++)
			tickets.push(await srv.ticket({ subject: `Asked for threads ${k}` }, { auth: bob }));
		for (const t of tickets)
			assert.equal((await srv.api('POST', `/api/v2/ideas/${i.id}/tickets`, { ticket_id: t.id }, { auth: agent })).status, 200);
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/tickets?per_page=2`, null, { auth: agent });
		assert.equal(r.json.idea_tickets.length, 2);
		assert.equal(r.json.count, 3);
		assert.ok(r.json.next_page, r.text);
		const second = await srv.api('GET', `/api/v2/ideas/${i.id}/tickets?per_page=2&page=2`, null, { auth: agent });
		assert.deepEqual([...r.json.idea_tickets, ...second.json.idea_tickets].map((x) => x.ticket_id).sort(),
			tickets.map((t) => t.id).sort());
		assert.equal(second.json.next_page, null);
		const other = await submit({ title: 'Another for the same ticket' });
		await srv.api('POST', `/api/v2/ideas/${other.id}/tickets`, { ticket_id: tickets[0].id }, { auth: agent });
		r = await srv.api('GET', `/api/v2/tickets/${tickets[0].id}/ideas?per_page=1`, null, { auth: agent });
		assert.equal(r.json.idea_tickets.length, 1);
		assert.equal(r.json.count, 2);
		assert.ok(r.json.next_page);
		assert.equal((await srv.api('GET', `/api/v2/ideas/${i.id}/tickets?per_page=500`, null, { auth: agent })).status, 400);
	});

	it('the report counts for a viewer only the ideas a viewer may read', async () => {
		const hidden = await submit({ title: 'Hidden from the report', author_id: olena.id, public: false }, agent);
		await srv.api('PUT', `/api/v2/ideas/${hidden.id}`, { idea: { status: 'declined' } }, { auth: agent });
		const sum = (r) => r.json.report.by_status.reduce((n, s) => n + s.ideas, 0);
		const publicCount = (await srv.api('GET', '/api/v2/ideas?per_page=1', null, { auth: null })).json.count;
		const allCount = await count();
		assert.ok(allCount > publicCount);
		let r = await srv.api('GET', '/api/v2/ideas/report', null, { auth: viewer });
		assert.equal(sum(r), publicCount);
		assert.equal(r.json.report.total, publicCount);
		r = await srv.api('GET', '/api/v2/ideas/report', null, { auth: agent });
		assert.equal(sum(r), allCount);
	});

	it('an agent removes one abusive comment; the count follows; nobody else may', async () => {
		const i = await submit({ title: 'Attracts abuse' });
		const post = async (id, body, who) => (await from(freshAddress(), 'POST', `/api/v2/ideas/${id}/comments`, { comment: { body } }, who)).json.comment;
		const good = await post(i.id, 'Nice idea', bob);
		const bad = await post(i.id, 'You are all idiots', olena);
		const later = await post(i.id, 'Agreed', alice);
		const elsewhere = await submit({ title: 'Elsewhere' });
		const foreign = await post(elsewhere.id, 'On another idea', bob);
		assert.equal((await show(i.id, null)).json.idea.comment_count, 3);
		for (const who of [olena, bob, viewer, null])
			assert.ok([401, 403].includes((await srv.api('DELETE', `/api/v2/ideas/${i.id}/comments/${bad.id}`, null, { auth: who })).status));
		assert.equal((await srv.api('DELETE', `/api/v2/ideas/${elsewhere.id}/comments/${bad.id}`, null, { auth: agent })).status, 404,
			'a comment of another idea');
		assert.equal((await srv.api('DELETE', `/api/v2/ideas/${i.id}/comments/${foreign.id}`, null, { auth: agent })).status, 404);
		assert.equal((await srv.api('DELETE', `/api/v2/ideas/99999999/comments/${bad.id}`, null, { auth: agent })).status, 404);
		assert.equal((await srv.api('DELETE', `/api/v2/ideas/${i.id}/comments/99999999`, null, { auth: agent })).status, 404);
		let r = await srv.api('DELETE', `/api/v2/ideas/${i.id}/comments/${bad.id}`, null, { auth: agent });
		assert.equal(r.status, 204, r.text);
		assert.equal((await srv.api('DELETE', `/api/v2/ideas/${i.id}/comments/${bad.id}`, null, { auth: agent })).status, 404, 'gone');
		r = await srv.api('GET', `/api/v2/ideas/${i.id}/comments`, null, { auth: null });
		assert.deepEqual(r.json.comments.map((c) => c.id), [good.id, later.id]);
		assert.equal(r.json.count, 2);
		assert.equal((await show(i.id, null)).json.idea.comment_count, 2);
		assert.equal((await show(elsewhere.id, null)).json.idea.comment_count, 1, 'the other idea’s untouched');
	});
});
