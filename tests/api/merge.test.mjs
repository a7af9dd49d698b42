// Merging tickets (POST /api/v2/tickets/{id}/merge), the incidents of a
// problem (GET /api/v2/tickets/{id}/incidents) and the organization picker's
// autocomplete, against a real SMTP server (Debian's aiosmtpd on loopback):
// the same customer writing twice about one thing ends as one request, the
// duplicates closed with a note that points to it, and the customer told
// once, in their language.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { startServer } from './lib/server.mjs';

let srv, smtp, agent, agent2;

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['eve'] });
	({ agent, agent2 } = srv.users);
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

// A request from a customer named by address (made when new, with locale),
// as an agent files it: nobody is acknowledged.
async function request(email, subject, body, more = {}) {
	const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject, comment: { body },
		requester: { email, name: email.split('@')[0], locale: more.locale || 'en' }, ...more.ticket } },
	{ auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json.ticket;
}

const ticket = async (id) => (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
const comments = async (id) => (await srv.api('GET', `/api/v2/tickets/${id}/comments`)).json.comments;
const audits = async (id) => (await srv.api('GET', `/api/v2/tickets/${id}/audits`)).json.audits;
const merge = (id, body, auth = agent) => srv.api('POST', `/api/v2/tickets/${id}/merge`, body, { auth });
const mailsAbout = async (ids) => (await smtp.messages())
	.filter((m) => ids.some((id) => m.headers.subject.includes(`[#${id}]`)));

// Waits until no mail is left to send, so that a count of mails is final.
async function mailSent() {
	for (let i = 0; i < 150; i++) {
		const q = (await srv.api('GET', '/api/v2/jobs?state=queued')).json.jobs;
		if (!q.some((j) => j.kind === 'mail-send'))
			return;
		await new Promise((res) => setTimeout(res, 100));
	}
	assert.fail('mail still queued after 15 s');
}

async function unsolvedCount() {
	const q = encodeURIComponent('type:ticket status<solved');
	const r = await srv.api('GET', `/api/v2/search/count?query=${q}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.count;
}

it('the same customer twice: the duplicates closed with a note in her language, the target lists them, she gets one mail', async () => {
	const cc = await request('petro@example.test', 'Copy me', 'CC holder');
	const target = await request('olena@example.test', 'Замовлення 4411 не прийшло', 'Де моє замовлення 4411?', { locale: 'uk' });
	const dup1 = await request('olena@example.test', 'Ще раз про 4411', 'Пишу вдруге: замовлення 4411 досі немає.', {
		locale: 'uk', ticket: { email_ccs: [{ user_id: cc.requester_id }], followers: [{ user_id: agent2.id }] } });
	const dup2 = await request('olena@example.test', 'І втретє', 'Третій лист про те саме.', { locale: 'uk' });
	const unsolved = await unsolvedCount();

	const r = await merge(target.id, { ids: [dup1.id, dup2.id] });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.job_status.status, 'completed');
	assert.deepEqual(r.json.job_status.results.map((x) => x.id), [dup1.id, dup2.id]);
	assert.equal(r.json.ticket.id, target.id);

	for (const d of [dup1, dup2]) {
		const s = await ticket(d.id);
		assert.equal(s.status, 'closed');
		assert.ok(s.tags.includes('closed_by_merge'), s.tags.join(' '));
		const last = (await comments(d.id)).at(-1);
		assert.equal(last.public, true);
		assert.equal(last.body, `Це звернення закрито й об’єднано зі зверненням #${target.id} «${target.subject}».`);
		const ev = (await audits(d.id)).at(-1).events.find((e) => e.field_name === 'merged_into');
		assert.equal(ev?.value, String(target.id));
	}
	const t = await ticket(target.id);
	assert.notEqual(t.status, 'closed');
	assert.ok(t.collaborator_ids.includes(cc.requester_id), 'the duplicate\'s CC was not carried over');
	assert.ok(t.follower_ids.includes(agent2.id), 'the duplicate\'s follower was not carried over');
	assert.ok(!t.collaborator_ids.includes(t.requester_id), 'the requester became her own CC');
	const note = (await comments(target.id)).at(-1);
	assert.equal(note.public, true, 'one customer: the target comment is public');
	assert.match(note.body, new RegExp(`Звернення #${dup1.id} «Ще раз про 4411» закрито й об’єднано з цим зверненням\\. ` +
		`Останній коментар у зверненні #${dup1.id}:\\n\\nПишу вдруге: замовлення 4411 досі немає\\.`));
	assert.match(note.body, new RegExp(`Звернення #${dup2.id} «І втретє»`));
	const from = (await audits(target.id)).at(-1).events.find((e) => e.field_name === 'merged_from');
	assert.equal(from?.value, `${dup1.id} ${dup2.id}`);

	// one mail, about the target, with the CC the duplicate had
	const mail = await smtp.waitFor((m) => m.headers.subject.includes(`[#${target.id}]`));
	await mailSent();
	assert.equal((await mailsAbout([target.id, dup1.id, dup2.id])).length, 1, 'the customer was told more than once');
	assert.equal(mail.headers.to, 'olena@example.test, petro@example.test');
	assert.match(mail.text, /закрито й об’єднано з цим зверненням/);

	// the queues and the search see the duplicates closed
	assert.equal(await unsolvedCount(), unsolved - 2);
	const found = (await srv.api('GET', `/api/v2/search?query=${encodeURIComponent('type:ticket status:closed')}`))
		.json.results.map((x) => x.id);
	assert.ok(found.includes(dup1.id) && found.includes(dup2.id) && !found.includes(target.id), found.join(' '));
});

it('another customer\'s duplicate: her words stay private on the target, she becomes a CC and is told once by her own ticket', async () => {
	const target = await request('anna@example.test', 'Printer jams', 'The office printer jams on page 2.');
	const other = await request('marta@example.test', 'Printer jam again', 'Same printer, my secret order 99.', { locale: 'lt' });
	const r = await merge(target.id, { ids: [other.id] });
	assert.equal(r.status, 200, r.text);
	const note = (await comments(target.id)).at(-1);
	assert.equal(note.public, false, 'another customer\'s words were shown to this one');
	assert.match(note.body, /secret order 99/);
	assert.ok((await ticket(target.id)).collaborator_ids.includes(other.requester_id));
	const closed = (await comments(other.id)).at(-1);
	assert.equal(closed.body, `Ši užklausa uždaryta ir sujungta su užklausa #${target.id} „Printer jams“.`);
	await smtp.waitFor((m) => m.headers.subject.includes(`[#${other.id}]`));
	await mailSent();
	const mails = await mailsAbout([target.id, other.id]);
	assert.equal(mails.length, 1, mails.map((m) => m.headers.subject).join(', '));
	assert.equal(mails[0].headers.to, 'marta@example.test');
});

it('the agent\'s own comments and their visibility are taken as given', async () => {
	const target = await request('ivan@example.test', 'Refund', 'I want a refund.');
	const dup = await request('ivan@example.test', 'Refund?', 'Any news on my refund?');
	const r = await merge(target.id, { ids: [dup.id], target_comment: 'Merged the follow-up.', target_comment_is_public: false,
		source_comment: 'We continue in the other request.', source_comment_is_public: false });
	assert.equal(r.status, 200, r.text);
	const [tc, sc] = [(await comments(target.id)).at(-1), (await comments(dup.id)).at(-1)];
	assert.deepEqual([tc.body, tc.public], ['Merged the follow-up.', false]);
	assert.deepEqual([sc.body, sc.public], ['We continue in the other request.', false]);
	await mailSent();
	assert.equal((await mailsAbout([target.id, dup.id])).length, 0, 'private notes were mailed');
});

it('a target that is full of CCs still takes the merge: who does not fit is left out, and its CCs never read the sources', async () => {
	const ccs = [];
	for (let i = 0; i < 48; i++)
		ccs.push({ user_email: `cc${i}@full.test`, user_name: `CC ${i}` });
	const target = await request('lina@example.test', 'Order 7001', 'Where is 7001?', { ticket: { email_ccs: ccs } });
	assert.equal((await ticket(target.id)).email_cc_ids.length, 48);
	const dup = await request('lina@example.test', 'Order 7001 again', 'Private detail: my card ends in 4242.',
		{ ticket: { email_ccs: [{ user_email: 'newcomer@full.test', user_name: 'Newcomer' }] } });
	const r = await merge(target.id, { ids: [dup.id] });
	assert.equal(r.status, 200, r.text);
	const t = await ticket(target.id);
	assert.equal(t.email_cc_ids.length, 48);
	assert.equal((await ticket(dup.id)).status, 'closed');
	// the same customer, but 48 others read the target: the note is private
	const note = (await comments(target.id)).at(-1);
	assert.match(note.body, /4242/);
	assert.equal(note.public, false);
});

it('refusals name the field and write nothing', async () => {
	const target = await request('kim@example.test', 'Login fails', 'Cannot log in.');
	const dup = await request('kim@example.test', 'Login fails again', 'Still cannot log in.');
	const closed = await request('kim@example.test', 'Old one', 'Old.', { ticket: { status: 'closed' } });
	const gone = await request('kim@example.test', 'Deleted', 'Deleted.');
	assert.equal((await srv.api('DELETE', `/api/v2/tickets/${gone.id}`)).status, 204);
	const many = [];
	for (let i = 0; i < 6; i++)
		many.push((await request('kim@example.test', `Spam ${i}`, 'Again.')).id);
	const snapshot = async () => Promise.all([target.id, dup.id, ...many].map(async (id) =>
		[(await ticket(id)).updated_stamp, (await comments(id)).length, (await audits(id)).length]));
	const was = await snapshot();

	const cases = [
		[target.id, { ids: [target.id] }, 422, 'ids'],
		[target.id, { ids: [dup.id, target.id] }, 422, 'ids'],
		[target.id, { ids: [dup.id, dup.id] }, 422, 'ids'],
		[target.id, { ids: [dup.id, closed.id] }, 422, 'ids'],
		[closed.id, { ids: [dup.id] }, 422, 'id'],
		[target.id, { ids: many }, 422, 'ids'],
		[target.id, { ids: [] }, 422, 'ids'],
		[target.id, {}, 422, 'ids'],
		[target.id, { ids: ['x'] }, 422, 'ids'],
		[target.id, { ids: [dup.id], target_comment: '  ' }, 422, 'target_comment'],
		[target.id, { ids: [dup.id], source_comment_is_public: 'yes' }, 422, 'source_comment_is_public'],
		[target.id, { ids: [dup.id, 999999] }, 404, 'ids'],
		[target.id, { ids: [dup.id, gone.id] }, 404, 'ids'],
		[999999, { ids: [dup.id] }, 404, 'id'],
		[gone.id, { ids: [dup.id] }, 404, 'id'],
	];
	for (const [id, body, status, field] of cases) {
		const r = await merge(id, body);
		assert.equal(r.status, status, `${id} ${JSON.stringify(body)}: ${r.text}`);
		assert.ok(r.json.details?.[field], `${JSON.stringify(body)} does not name ${field}: ${r.text}`);
	}
	const customer = await merge(target.id, { ids: [dup.id] }, srv.users.eve);
	assert.equal(customer.status, 403);
	assert.deepEqual(await snapshot(), was, 'a refused merge wrote something');
	await mailSent();
	assert.equal((await mailsAbout([target.id, dup.id, ...many])).length, 0);
});

it('a problem lists its incidents; another ticket has none', async () => {
	const problem = await request('ops@example.test', 'Checkout is down', 'Payments fail.', { ticket: { type: 'problem' } });
	const a = await request('a@example.test', 'Cannot pay', 'Card refused.', { ticket: { type: 'incident', problem_id: problem.id } });
	const b = await request('b@example.test', 'Payment error', 'Error 500.', { ticket: { type: 'incident' } });
	assert.equal((await srv.api('PUT', `/api/v2/tickets/${b.id}`, { ticket: { problem_id: problem.id } })).status, 200);
	await request('c@example.test', 'Unrelated', 'Hello.', { ticket: { type: 'incident' } });
	const r = await srv.api('GET', `/api/v2/tickets/${problem.id}/incidents`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.tickets.map((x) => x.id), [a.id, b.id]);
	assert.equal(r.json.count, 2);
	const none = await srv.api('GET', `/api/v2/tickets/${a.id}/incidents`, null, { auth: agent });
	assert.deepEqual(none.json.tickets, []);
	assert.equal((await srv.api('GET', `/api/v2/tickets/${problem.id}/incidents`, null, { auth: srv.users.eve })).status, 403);
});

it('organizations autocomplete by a part of their name', async () => {
	for (const name of ['Acme Widgets', 'The Acme Company', 'Globex'])
		assert.equal((await srv.api('POST', '/api/v2/organizations', { organization: { name } })).status, 201);
	const r = await srv.api('GET', '/api/v2/organizations/autocomplete?name=acme', null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.organizations.map((o) => o.name), ['Acme Widgets', 'The Acme Company']);
	const blank = await srv.api('GET', '/api/v2/organizations/autocomplete?name=', null, { auth: agent });
	assert.equal(blank.status, 400);
	assert.ok(blank.json.details?.name, blank.text);
});
