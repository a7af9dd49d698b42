// The chat widget's API (/chat/api/*), as a visitor on a company's site
// speaks it: a signed token, a chat started with its first message, a
// message posted twice (its client id) is one message and one comment,
// the history across page loads, the live stream (the agent's message,
// typing and read receipts; Last-Event-ID resumes; no agent's user id),
// the transcript by mail,
// the rating as the ticket's CSAT, the offline message as a ticket, out of
// business hours by a schedule; and the strangers' abuse: script as text,
// a forged token, another visitor's chat, a flood (429, nothing lost), a
// 1 MB message, an executable, JSON too deep or too big. The frame page is
// framable by any site (or the allowed origins), nothing else is.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chatSettings, clientId, fieldOf, newAddress, online, request, startChat, visitor,
	visitorWith } from './lib/chat.mjs';
import { startSmtp } from './lib/smtp.mjs';
import { startServer } from './lib/server.mjs';

let srv, smtp, agent;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'] });
	({ agent } = srv.users);
	const r = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	assert.equal(r.status, 200, r.text);
	await chatSettings(srv, { prechat: { name: 'optional', email: 'optional', topic: 'off' } });
	await online(srv, agent);
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
});

/** The agent takes chat c (accepting it, or finding it theirs already). */
async function take(c) {
	const r = await srv.api('POST', `/api/v2/chats/${c.id}/accept`, {}, { auth: agent });
	assert.ok(r.status === 200 || (r.status === 409 && /Taken/.test(r.text)), r.text);
}

/** Ends every live chat of the agent, so capacity never runs out between tests. */
async function endAll() {
	const r = await srv.api('GET', '/api/v2/chats?state=active', null, { auth: agent });
	for (const c of r.json?.chats ?? [])
		await srv.api('POST', `/api/v2/chats/${c.id}/end`, { solve: false }, { auth: agent });
}

describe('the visitor', () => {
	it('gets a token; a forged, cut or missing token is 401 naming "token"', async () => {
		const v = await visitor(srv);
		assert.ok(v.id > 0);
		const forged = v.token.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
		for (const token of [forged, v.token.slice(0, -4), '1-0-0-00000000000000000000000000000000'])
			for (const [m, p] of [['GET', '/chat/api/chats'], ['POST', '/chat/api/chats']]) {
				const r = await request(srv, m, p, m === 'POST' ? { message: { client_id: 'x', body: 'hi' } } : null,
					{ from: v.from, token });
				assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
				assert.equal(fieldOf(r), 'token');
			}
		const none = await request(srv, 'GET', '/chat/api/chats', null, { from: v.from });
		assert.equal(none.status, 401, none.text);
		assert.equal(fieldOf(none), 'token');
		const junk = await request(srv, 'GET', '/chat/api/chats', null, { from: v.from, token: '<script>' });
		assert.equal(junk.status, 401, junk.text);
		assert.ok(!junk.text.includes('<script>'), junk.text);
	});

	it('a desk session cookie neither signs nor blocks a visitor request', async () => {
		const v = await visitor(srv);
		const r = await v.api('GET', '/chat/api/chats', null, { headers: { cookie: 'fl_session=bogus' } });
		assert.equal(r.status, 200, r.text);
		const p = await v.api('POST', `/chat/api/chats/999999/typing`, { typing: true },
			{ headers: { cookie: 'fl_session=bogus' } });
		assert.equal(p.status, 404, p.text);
	});

	it('starts a chat: a ticket on the chat channel with the first message', async () => {
		const v = await visitor(srv, { locale: 'uk' });
		const { chat, message } = await startChat(v, { name: 'Олена', locale: 'uk', body: 'Добрий день 👋' });
		assert.equal(chat.state, 'queued');
		assert.ok(chat.ticket_id > 0);
		assert.equal(chat.last_seq, 1);
		assert.equal(chat.locale, 'uk');
		assert.deepEqual([message.seq, message.author, message.body, message.chat_id], [1, 'visitor', 'Добрий день 👋', chat.id]);
		const t = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}`, null, { auth: agent });
		assert.equal(t.status, 200, t.text);
		assert.equal(t.json.ticket.via?.channel ?? t.json.ticket.channel, 'chat');
		// one open chat at a time
		const again = await v.api('POST', '/chat/api/chats', { message: { client_id: clientId(), body: 'me again' } });
		assert.equal(again.status, 409, again.text);
		// the same start again (its answer lost): the chat the first try made
		const same = await v.api('POST', '/chat/api/chats', { name: 'Олена', message: { client_id: message.client_id, body: 'Добрий день 👋' } });
		assert.equal(same.status, 200, same.text);
		assert.equal(same.json.chat.id, chat.id);
		assert.equal(same.json.message.id, message.id);
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it('a message posted twice is one message and one comment', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v);
		const body = { client_id: clientId(), body: 'My order #123 is late' };
		const first = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, body);
		assert.equal(first.status, 201, first.text);
		const second = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, body);
		assert.equal(second.status, 200, second.text);
		assert.deepEqual(second.json.message, first.json.message);
		const all = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=0`);
		assert.deepEqual(all.json.messages.map((m) => m.seq), [1, 2]);
		const comments = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}/comments`, null, { auth: agent });
		assert.equal(comments.json.comments.filter((c) => c.body.includes('My order #123 is late')).length, 1);
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it('keeps the history across page loads with the token', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v, { body: 'first page' });
		const reload = visitorWith(srv, v.token, v.id); // another page, another address
		const list = await reload.api('GET', '/chat/api/chats');
		assert.equal(list.status, 200, list.text);
		assert.equal(list.json.chats[0].id, chat.id);
		const one = await reload.api('GET', `/chat/api/chats/${chat.id}`);
		assert.equal(one.json.chat.id, chat.id);
		const msgs = await reload.api('GET', `/chat/api/chats/${chat.id}/messages?after=0`);
		assert.deepEqual(msgs.json.messages.map((m) => m.body), ['first page']);
		const after1 = await reload.api('GET', `/chat/api/chats/${chat.id}/messages?after=1`);
		assert.deepEqual(after1.json.messages, []);
		assert.equal((await reload.api('GET', `/chat/api/chats/${chat.id}/messages?after=-1`)).status, 422);
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});
});

describe('the live stream', () => {
	it("hears the agent's message, typing and read receipt, and nothing of other chats", async () => {
		await endAll();
		const v = await visitor(srv);
		const other = await visitor(srv);
		const { chat } = await startChat(v);
		const { chat: otherChat } = await startChat(other, { body: 'someone else' });
		const s = await v.stream(chat.id);
		assert.equal(s.status, 200);
		assert.match(s.headers['content-type'], /text\/event-stream/);
		await take(chat);
		const typing = await srv.api('POST', `/api/v2/chats/${chat.id}/typing`, { typing: true }, { auth: agent });
		assert.equal(typing.status, 204, typing.text);
		const sent = await srv.api('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId(), body: 'Hi, Olena here' }, { auth: agent });
		assert.equal(sent.status, 201, sent.text);
		const read = await srv.api('POST', `/api/v2/chats/${chat.id}/read`, { seq: 1 }, { auth: agent });
		assert.equal(read.status, 204, read.text);
		await s.waitFor((e) => e.event === 'chat.typing' && e.data.author === 'agent' && e.data.typing === true);
		const m = await s.waitFor((e) => e.event === 'chat.message' && e.data.seq === sent.json.message.seq);
		assert.deepEqual(m.data, { chat_id: chat.id, seq: sent.json.message.seq, author: 'agent' });
		await s.waitFor((e) => e.event === 'chat.read' && e.data.author === 'agent' && e.data.seq === 1);
		// the other visitor's chat is heard by agents, never here
		await srv.api('POST', `/api/v2/chats/${otherChat.id}/typing`, { typing: true }, { auth: agent });
		await sleep(300);
		assert.ok(s.events.every((e) => e.data.chat_id === chat.id), JSON.stringify(s.events));
		// the visitor fetches what the event announced
		const got = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=1`);
		assert.deepEqual(got.json.messages.map((x) => [x.author, x.body]), [['agent', 'Hi, Olena here']]);
		assert.equal(got.json.messages[0].author_name, agent.name);

		// resume after a drop: Last-Event-ID, only what came since
		const lastId = s.events.at(-1).id;
		s.close();
		const bodies = ['one more', 'and another'];
		for (const body of bodies)
			assert.equal((await srv.api('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId(), body }, { auth: agent })).status, 201);
		const back = await v.stream(chat.id, { 'last-event-id': lastId });
		const seqs = [];
		await back.waitFor(() => {
			const ms = back.events.filter((e) => e.event === 'chat.message');
			seqs.splice(0, seqs.length, ...ms.map((e) => e.data.seq));
			return ms.length >= 2;
		});
		assert.deepEqual(seqs, [sent.json.message.seq + 1, sent.json.message.seq + 2]);
		assert.ok(back.events.every((e) => Number(e.id) > Number(lastId)));
		back.close();
		// the visitor's own typing and read reach the agent's stream
		const ev = await srv.events(agent);
		assert.equal((await v.api('POST', `/chat/api/chats/${chat.id}/typing`, { typing: true })).status, 204);
		assert.equal((await v.api('POST', `/chat/api/chats/${chat.id}/read`, { seq: 4 })).status, 204);
		await ev.waitFor((e) => e.event === 'chat.typing' && e.data.chat_id === chat.id && e.data.author === 'visitor');
		await ev.waitFor((e) => e.event === 'chat.read' && e.data.chat_id === chat.id && e.data.author === 'visitor' && e.data.seq === 4);
		ev.close();
		const shown = await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: agent });
		assert.equal(shown.json.chat.visitor_read_seq, 4);
		// another visitor's chat: no stream
		const foreign = await other.stream(chat.id);
		assert.equal(foreign.status, 404, foreign.text);
		await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: false }, { auth: agent });
		await other.api('POST', `/chat/api/chats/${otherChat.id}/end`);
	});
});

describe('the live stream, staff ids', () => {
	it("carries no agent's user id to the visitor, while the agents' stream has them", async () => {
		await endAll();
		const v = await visitor(srv);
		const { chat } = await startChat(v);
		const s = await v.stream(chat.id);
		assert.equal(s.status, 200);
		const ev = await srv.events(agent);
		// the only agent declines: withdrawn, then offered round again
		const dec = await srv.api('POST', `/api/v2/chats/${chat.id}/decline`, {}, { auth: agent });
		assert.equal(dec.status, 200, dec.text);
		await take(chat);
		const mine = (e) => e.data.chat_id === chat.id && e.data.agent_id === agent.id;
		await ev.waitFor((e) => e.event === 'chat.offered' && mine(e));
		await ev.waitFor((e) => e.event === 'chat.updated' && e.data.state === 'active' && mine(e));
		ev.close();
		await s.waitFor((e) => e.event === 'chat.updated' && e.data.state === 'active');
		assert.ok(s.events.some((e) => e.event === 'chat.offered'), JSON.stringify(s.events));
		for (const e of s.events)
			assert.ok(!e.data.agent_id, `${e.event} carries agent_id ${e.data.agent_id} to the visitor`);
		s.close();
		await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: false }, { auth: agent });
	});
});

describe('after the chat', () => {
	it('mails the transcript, and the rating is the ticket\'s CSAT', async () => {
		await endAll();
		const v = await visitor(srv);
		const email = `visitor${process.pid}@example.test`;
		const { chat } = await startChat(v, { name: 'Taras', email, body: 'Where is parcel 77?' });
		await take(chat);
		await srv.api('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId(), body: 'It arrives tomorrow' }, { auth: agent });
		const early = await v.api('POST', `/chat/api/chats/${chat.id}/rating`, { score: 'good' });
		assert.equal(early.status, 409, early.text);
		const ended = await srv.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: true }, { auth: agent });
		assert.equal(ended.status, 200, ended.text);
		assert.equal(ended.json.chat.state, 'ended');

		const sent = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, {});
		assert.equal(sent.status, 202, sent.text);
		const m = await smtp.waitFor((x) => x.headers.to?.includes(email) && /It arrives tomorrow/.test(x.text));
		assert.match(m.text, /Where is parcel 77\?/);
		// not to a stranger's box, not twice in ten minutes
		const stranger = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, { email: 'victim@example.test' });
		assert.ok([422, 429].includes(stranger.status), stranger.text);
		const twice = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, {});
		assert.equal(twice.status, 429, twice.text);

		const bad = await v.api('POST', `/chat/api/chats/${chat.id}/rating`, { score: 'meh' });
		assert.equal(bad.status, 422, bad.text);
		assert.equal(fieldOf(bad), 'score');
		const rated = await v.api('POST', `/chat/api/chats/${chat.id}/rating`, { score: 'good', comment: 'Quick <b>help</b>' });
		assert.equal(rated.status, 200, rated.text);
		const t = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}`, null, { auth: agent });
		assert.equal(t.json.ticket.status, 'solved');
		assert.deepEqual([t.json.ticket.satisfaction_rating.score, t.json.ticket.satisfaction_rating.comment], ['good', 'Quick <b>help</b>']);
	});

	it('says whether the chat may be rated: after the visitor ends an answered chat, not a missed or kept-open one', async () => {
		await endAll();
		const answered = async (body) => {
			const v = await visitor(srv);
			const { chat } = await startChat(v, { body });
			await take(chat);
			const a = await srv.api('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId(), body: 'Done' }, { auth: agent });
			assert.equal(a.status, 201, a.text);
			return { v, chat };
		};
		// the visitor ends after an answer: the ticket is solved, quietly, and rated from the widget
		const one = await answered('Change my address, please');
		assert.equal((await one.v.api('GET', `/chat/api/chats/${one.chat.id}`)).json.chat.rateable, false);
		const end = await one.v.api('POST', `/chat/api/chats/${one.chat.id}/end`);
		assert.equal(end.status, 200, end.text);
		assert.deepEqual([end.json.chat.state, end.json.chat.rateable], ['ended', true]);
		const t = await srv.api('GET', `/api/v2/tickets/${one.chat.ticket_id}`, null, { auth: agent });
		assert.deepEqual([t.json.ticket.status, t.json.ticket.assignee_id], ['solved', agent.id]);
		const rated = await one.v.api('POST', `/chat/api/chats/${one.chat.id}/rating`, { score: 'good' });
		assert.equal(rated.status, 200, rated.text);
		assert.equal(rated.json.chat.rateable, true); // it may change while the ticket is solved
		// nobody answered: missed, the ticket open, no rating
		const v2 = await visitor(srv);
		const { chat: missed } = await startChat(v2, { body: 'Hello?' });
		const gone = await v2.api('POST', `/chat/api/chats/${missed.id}/end`);
		assert.deepEqual([gone.json.chat.state, gone.json.chat.rateable], ['missed', false]);
		const no = await v2.api('POST', `/chat/api/chats/${missed.id}/rating`, { score: 'good' });
		assert.equal(no.status, 409, no.text);
		assert.equal(fieldOf(no), 'chat');
		assert.match(no.text, /Missed/);
		// the agent ends keeping the ticket open: no rating either
		const three = await answered('Call me tomorrow');
		const kept = await srv.api('POST', `/api/v2/chats/${three.chat.id}/end`, { solve: false }, { auth: agent });
		assert.equal(kept.status, 200, kept.text);
		const shown = await three.v.api('GET', `/chat/api/chats/${three.chat.id}`);
		assert.deepEqual([shown.json.chat.state, shown.json.chat.rateable], ['ended', false]);
		const refused = await three.v.api('POST', `/chat/api/chats/${three.chat.id}/rating`, { score: 'bad' });
		assert.equal(refused.status, 409, refused.text);
		assert.equal(fieldOf(refused), 'chat');
		assert.match(refused.text, /NotSolved/);
		const list = await three.v.api('GET', '/chat/api/chats');
		assert.equal(list.json.chats[0].rateable, false);
	});

	it('an offline message makes a ticket and an acknowledgement', async () => {
		const v = await visitor(srv);
		const email = `offline${process.pid}@example.test`;
		const none = await v.api('POST', '/chat/api/offline', { name: 'Ira', message: 'Call me back' });
		assert.equal(none.status, 422, none.text);
		assert.equal(fieldOf(none), 'email');
		const r = await v.api('POST', '/chat/api/offline', { name: 'Ira', email, message: 'Please call me back about invoice 42' });
		assert.equal(r.status, 201, r.text);
		assert.ok(r.json.ticket_id > 0);
		const t = await srv.api('GET', `/api/v2/tickets/${r.json.ticket_id}`, null, { auth: agent });
		assert.equal(t.status, 200, t.text);
		assert.match(t.json.ticket.description, /invoice 42/);
		await smtp.waitFor((x) => x.headers.to?.includes(email));
		const list = await v.api('GET', '/chat/api/chats');
		assert.equal(list.json.chats[0].state, 'offline');
	});

	it('out of business hours the config says closed and when it opens', async () => {
		// a one-hour interval twelve hours from now (UTC): closed now
		const now = new Date();
		const minute = now.getUTCDay() * 1440 + now.getUTCHours() * 60 + now.getUTCMinutes();
		const start = (minute + 720) % 10080;
		const s = await srv.api('POST', '/api/v2/business_hours/schedules', { schedule: {
			name: 'Chat hours', time_zone: 'UTC', intervals: [{ start_time: start, end_time: start + 60 }] } });
		assert.equal(s.status, 201, s.text);
		await chatSettings(srv, { schedule_id: s.json.schedule.id });
		try {
			const v = newAddress();
			const c = await request(srv, 'GET', '/chat/api/config?locale=uk', null, { from: v });
			assert.equal(c.status, 200, c.text);
			assert.equal(c.json.open, false);
			assert.equal(c.json.locale, 'uk');
			const opens = Date.parse(c.json.next_open_at);
			assert.ok(Math.abs(opens - (Date.now() + 12 * 3600e3)) < 2 * 60e3, c.json.next_open_at);
		} finally {
			await chatSettings(srv, { schedule_id: 0 });
		}
		const open = await request(srv, 'GET', '/chat/api/config?locale=lt', null, { from: newAddress() });
		assert.equal(open.json.open, true, open.text);
		for (const k of ['color', 'title', 'greeting', 'prechat', 'topics', 'expected_wait_seconds'])
			assert.ok(k in open.json, k);
	});
});

describe('strangers', () => {
	it('a forged token is 401 every time and takes nobody\'s place in the limits; a visitor\'s limit follows them', async () => {
		const v = await visitor(srv);
		const last = v.token.slice(-1);
		const forged = v.token.slice(0, -1) + (last === '0' ? '1' : '0');
		const typing = (token) => request(srv, 'POST', '/chat/api/chats/1/typing', { typing: true },
			{ from: newAddress(), token });
		const answers = [];
		for (let i = 0; i < 10; i++)
			answers.push((await typing(forged)).status);
		assert.deepEqual(answers, Array(10).fill(401));
		// the visitor's own limit (8 typing notes in 10 s) counts them, from any address
		const mine = [];
		for (let i = 0; i < 9; i++)
			mine.push((await typing(v.token)).status);
		assert.ok(mine.slice(0, 8).every((s) => s !== 429), JSON.stringify(mine));
		assert.equal(mine[8], 429, JSON.stringify(mine));
	});

	it('script and HTML in a name, a message and a file name come back as text', async () => {
		const v = await visitor(srv);
		const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
		const { chat, message } = await startChat(v, { name: evil, body: evil });
		assert.equal(message.body, evil);
		assert.equal(chat.name, evil);
		const up = await v.api('POST', `/chat/api/uploads?filename=${encodeURIComponent(`${evil}.png`)}`,
			Buffer.from('\x89PNG\r\n\x1a\n0000'), { headers: { 'content-type': 'image/png' } });
		assert.equal(up.status, 201, up.text);
		assert.ok(!/[<>"]/.test(up.json.upload.name), up.json.upload.name);
		const sent = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: '', uploads: [up.json.upload.token] });
		assert.equal(sent.status, 201, sent.text);
		const file = sent.json.message.attachments[0];
		assert.equal(file.name, up.json.upload.name);
		// the file through its URL, with the token in it (an <img> sends no headers)
		const u = new URL(file.url);
		const got = await request(srv, 'GET', u.pathname + u.search, null, { from: v.from });
		assert.equal(got.status, 200, got.text);
		assert.match(got.headers['content-security-policy'], /sandbox/);
		const other = await visitor(srv);
		const stolen = await other.api('GET', u.pathname);
		assert.equal(stolen.status, 404, stolen.text);
		for (const r of [up, sent])
			assert.match(r.headers['content-type'], /^application\/json/);
		const agentSide = await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: agent });
		assert.equal(agentSide.json.chat.name, evil);
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it("another visitor's chat is 404 for every route", async () => {
		const owner = await visitor(srv);
		const thief = await visitor(srv);
		const { chat } = await startChat(owner);
		const id = chat.id;
		for (const [m, p, b] of [['GET', `/chat/api/chats/${id}`], ['GET', `/chat/api/chats/${id}/messages`],
			['POST', `/chat/api/chats/${id}/messages`, { client_id: clientId(), body: 'hijack' }],
			['POST', `/chat/api/chats/${id}/typing`, { typing: true }], ['POST', `/chat/api/chats/${id}/read`, { seq: 1 }],
			['POST', `/chat/api/chats/${id}/end`], ['POST', `/chat/api/chats/${id}/transcript`, { email: 'x@example.test' }],
			['POST', `/chat/api/chats/${id}/rating`, { score: 'bad' }]]) {
			const r = await thief.api(m, p, b ?? null);
			assert.equal(r.status, 404, `${m} ${p}: ${r.text}`);
		}
		const still = await owner.api('GET', `/chat/api/chats/${id}`);
		assert.equal(still.json.chat.state, 'queued');
		assert.equal(still.json.chat.last_seq, 1);
		await owner.api('POST', `/chat/api/chats/${id}/end`);
	});

	it('a flood is 429 with Retry-After, and after the retries nothing is lost or doubled', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v);
		const bodies = Array.from({ length: 20 }, (_, i) => ({ client_id: clientId(), body: `flood ${i}` }));
		let pending = bodies, limited = 0;
		while (pending.length) {
			const answers = await Promise.all(pending.map((b) => v.api('POST', `/chat/api/chats/${chat.id}/messages`, b)));
			const next = [];
			let wait = 0;
			answers.forEach((r, i) => {
				if (r.status === 429) {
					limited++;
					assert.match(r.headers['retry-after'], /^[1-9][0-9]*$/);
					wait = Math.max(wait, Number(r.headers['retry-after']));
					next.push(pending[i]);
				} else {
					assert.ok([200, 201].includes(r.status), r.text);
				}
			});
			pending = next;
			if (wait)
				await sleep(wait * 1000);
		}
		assert.ok(limited > 0, 'twenty messages at once were all taken');
		const all = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=1`);
		assert.equal(all.json.messages.length, 20);
		assert.deepEqual(all.json.messages.map((m) => m.body).sort(), bodies.map((b) => b.body).sort());
		assert.deepEqual(all.json.messages.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => i + 2));
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it('refuses a message over 4000 characters by its field, and a megabyte at once', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v);
		const long = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: 'я'.repeat(4001) });
		assert.equal(long.status, 422, long.text);
		assert.equal(fieldOf(long), 'body');
		const fits = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: '😀'.repeat(4000) });
		assert.equal(fits.status, 201, fits.text);
		const mb = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: 'x'.repeat(1 << 20) });
		assert.equal(mb.status, 413, mb.text);
		assert.match(mb.json.description, /larger than/);
		const startLong = await v.api('POST', '/chat/api/chats', { message: { client_id: clientId(), body: 'x'.repeat(4001) } });
		assert.equal(startLong.status, 422, startLong.text);
		assert.equal(fieldOf(startLong), 'message.body');
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it('refuses an executable upload naming "file"', async () => {
		const v = await visitor(srv);
		for (const [name, bytes] of [['setup.exe', Buffer.from('MZ\x90\x00\x03\x00\x00\x00')],
			['invoice.pdf', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(64)])]]) {
			const r = await v.api('POST', `/chat/api/uploads?filename=${name}`, bytes, { headers: { 'content-type': 'application/octet-stream' } });
			assert.equal(r.status, 422, `${name}: ${r.text}`);
			assert.equal(fieldOf(r), 'file');
		}
	});

	it('refuses JSON nested too deep and bodies too big', async () => {
		const v = await visitor(srv);
		const deep = `${'['.repeat(100000)}${']'.repeat(100000)}`;
		const r = await v.api('POST', '/chat/api/chats', `{"message":${deep}}`);
		assert.ok([400, 413].includes(r.status), r.text);
		const nested = `{"message":${'{"a":'.repeat(80)}1${'}'.repeat(80)}}`;
		const n = await v.api('POST', '/chat/api/chats', nested);
		assert.equal(n.status, 400, n.text);
		const huge = await v.api('POST', '/chat/api/chats', JSON.stringify({ message: { client_id: 'x', body: 'y' }, pad: 'z'.repeat(200_000) }));
		assert.equal(huge.status, 413, huge.text);
		const list = await v.api('GET', '/chat/api/chats');
		assert.deepEqual(list.json.chats, []);
	});
});

describe('the widget\'s pages', () => {
	let web, dir;

	before(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-web-'));
		for (const [f, text] of [['chat/index.html', '<!doctype html><title>chat</title>'],
			['chat/widget.js', '(()=>{})();'], ['agent/index.html', '<!doctype html><title>agent</title>']]) {
			await fs.mkdir(path.join(dir, path.dirname(f)), { recursive: true });
			await fs.writeFile(path.join(dir, f), text);
		}
		web = await startServer({ env: { FRONTLINE_WEB_DIR: dir } });
	});
	after(async () => {
		await web?.cleanup();
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('the frame may be framed by any site, or by the allowed origins only; the rest by none', async () => {
		const frame = await request(web, 'GET', '/chat/frame?locale=uk', null, { from: newAddress() });
		assert.equal(frame.status, 200, frame.text);
		assert.match(frame.headers['content-type'], /text\/html/);
		assert.match(frame.headers['content-security-policy'], /frame-ancestors \*$/);
		assert.match(frame.headers['content-security-policy'], /script-src 'self'/);
		assert.equal(frame.headers['x-frame-options'], undefined);
		await chatSettings(web, { allowed_origins: ['https://shop.example', 'http://127.0.0.1:8080'] });
		const only = await request(web, 'GET', '/chat/frame', null, { from: newAddress() });
		assert.match(only.headers['content-security-policy'], /frame-ancestors https:\/\/shop\.example http:\/\/127\.0\.0\.1:8080$/);
		const page = await request(web, 'GET', '/agent/', null, { from: newAddress() });
		assert.equal(page.status, 200);
		assert.equal(page.headers['x-frame-options'], 'DENY');
		assert.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
		const api = await request(web, 'GET', '/chat/api/config', null, { from: newAddress() });
		assert.equal(api.headers['x-frame-options'], 'DENY');
	});

	it('the loader is served to any site, cached for minutes', async () => {
		const js = await request(web, 'GET', '/chat/widget.js', null, { from: newAddress() });
		assert.equal(js.status, 200, js.text);
		assert.match(js.headers['content-type'], /javascript/);
		assert.equal(js.headers['cross-origin-resource-policy'], 'cross-origin');
		assert.equal(js.headers['cache-control'], 'public, max-age=300');
		const missing = await request(web, 'GET', '/chat/other.js', null, { from: newAddress() });
		assert.equal(missing.status, 404);
	});
});

describe('limits on new visitors', () => {
	it('eight a minute from one address; others are not held up', async () => {
		const from = newAddress();
		const answers = [];
		for (let i = 0; i < 9; i++)
			answers.push(await request(srv, 'POST', '/chat/api/visitors', {}, { from }));
		assert.deepEqual(answers.map((r) => r.status), [...Array(8).fill(201), 429]);
		assert.match(answers[8].headers['retry-after'], /^[0-9]+$/);
		const elsewhere = await request(srv, 'POST', '/chat/api/visitors', {}, { from: newAddress() });
		assert.equal(elsewhere.status, 201);
	});
});
