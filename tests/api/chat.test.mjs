// Live chat, the agents' side (/api/v2/chats, /api/v2/chat/*): the queue,
// offers by capacity (an agent at 3 is not offered a 4th), accept, answer,
// transfer with a note that lands privately on the ticket, end with solve,
// missed chats, the stats counted by hand, the settings' validation by
// field, capacity, and a viewer who reads the stats and nothing else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { chatSettings, clientId, fieldOf, online, startChat, until, visitor } from './lib/chat.mjs';
import { startServer } from './lib/server.mjs';

let srv, ana, bo, viewer;
const made = []; // every chat this file started: {chat, v}

before(async () => {
	srv = await startServer({ agents: ['ana', 'bo'] });
	({ ana, bo } = srv.users);
	viewer = await srv.addUser('viewer', 'Vira Viewer', 'vira@example.test');
	await chatSettings(srv, { offer_seconds: 30 });
});
after(async () => { await srv?.cleanup(); });

async function start(opts) {
	const v = await visitor(srv);
	const r = await startChat(v, opts);
	made.push({ chat: r.chat, v });
	return { ...r, v };
}

const getChat = async (id, who = ana) => (await srv.api('GET', `/api/v2/chats/${id}`, null, { auth: who })).json.chat;
const act = (id, what, body = {}, who = ana) => srv.api('POST', `/api/v2/chats/${id}/${what}`, body, { auth: who });

describe('the queue and offers', () => {
	it('queues chats while nobody is online, oldest first', async () => {
		const a = await start({ body: 'first in line' });
		const b = await start({ body: 'second in line' });
		const q = await srv.api('GET', '/api/v2/chats?state=queued', null, { auth: ana });
		assert.equal(q.status, 200, q.text);
		const ids = q.json.chats.map((c) => c.id);
		assert.ok(ids.indexOf(a.chat.id) >= 0 && ids.indexOf(a.chat.id) < ids.indexOf(b.chat.id), q.text);
		assert.ok(q.json.chats.every((c) => c.state === 'queued' && c.offered_to === null));
		assert.ok('tier' in q.json.chats[0]);
		const st = await srv.api('GET', '/api/v2/chat/status', null, { auth: ana });
		assert.equal(st.status, 200, st.text);
		assert.ok(st.json.status.queue >= 2, st.text);
		assert.equal(st.json.status.capacity, 3);
		assert.equal(st.json.status.active, 0);
		assert.equal((await srv.api('GET', '/api/v2/chats?state=lost', null, { auth: ana })).status, 422);
		// the visitors leave: missed, never answered
		for (const x of [a, b]) {
			const r = await x.v.api('POST', `/chat/api/chats/${x.chat.id}/end`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.chat.state, 'missed');
		}
	});

	it('offers within capacity: an agent at 3 is not offered a 4th', async () => {
		const cap = await srv.api('PUT', `/api/v2/chat/agents/${ana.id}`, { capacity: 3 }, { auth: ana });
		assert.equal(cap.status, 200, cap.text);
		assert.deepEqual(cap.json.agent, { user_id: ana.id, capacity: 3 });
		await online(srv, ana);
		const chats = [];
		for (let i = 0; i < 3; i++) {
			const { chat } = await start({ body: `capacity ${i}` });
			const offered = await until(() => getChat(chat.id), (c) => c.offered_to === ana.id || c.agent_id === ana.id);
			assert.equal(offered.offered_to, ana.id);
			const acc = await act(chat.id, 'accept');
			assert.equal(acc.status, 200, acc.text);
			assert.deepEqual([acc.json.chat.state, acc.json.chat.agent_id], ['active', ana.id]);
			const hi = await act(chat.id, 'messages', { client_id: clientId(), body: `Hello ${i}` });
			assert.equal(hi.status, 201, hi.text);
			chats.push(chat);
		}
		const { chat: fourth } = await start({ body: 'one too many' });
		// times are in seconds: the three overlap for a whole one (the report's peak)
		await new Promise((r) => setTimeout(r, 1100));
		assert.equal((await getChat(fourth.id)).offered_to, null);
		const refused = await act(fourth.id, 'accept');
		assert.equal(refused.status, 409, refused.text);
		assert.match(refused.text, /AtCapacity|capacity/);
		const st = await srv.api('GET', '/api/v2/chat/status', null, { auth: ana });
		assert.deepEqual([st.json.status.capacity, st.json.status.active], [3, 3]);
		// one ends: the fourth is offered
		assert.equal((await act(chats[0].id, 'end', { solve: false })).status, 200);
		await until(() => getChat(fourth.id), (c) => c.offered_to === ana.id);
		// declined while a colleague has room: offered to them, not back to ana
		await online(srv, bo);
		const dec = await act(fourth.id, 'decline');
		assert.equal(dec.status, 200, dec.text);
		assert.equal((await until(() => getChat(fourth.id), (c) => c.offered_to !== null)).offered_to, bo.id);
		assert.equal((await act(fourth.id, 'decline', {}, ana)).status, 409);
		for (const c of [chats[1], chats[2], fourth])
			await act(c.id, 'end', { solve: false });
		assert.equal((await srv.api('PUT', `/api/v2/chat/agents/${ana.id}`, { capacity: 21 }, { auth: ana })).status, 422);
		const other = await srv.api('PUT', `/api/v2/chat/agents/${bo.id}`, { capacity: 1 }, { auth: ana });
		assert.equal(other.status, 403, other.text);
		assert.equal((await srv.api('PUT', `/api/v2/chat/agents/${bo.id}`, { capacity: 2 })).status, 200);
		assert.equal((await srv.api('GET', `/api/v2/chat/agents/${bo.id}`, null, { auth: ana })).json.agent.capacity, 2);
	});
});

describe('a conversation', () => {
	it('accept, answer, transfer with a private note, end with solve', async () => {
		await online(srv, ana);
		await online(srv, bo);
		const { chat, v } = await start({ name: 'Marta', email: 'marta@example.test', body: 'My invoice is wrong' });
		const acc = await act(chat.id, 'accept');
		assert.equal(acc.status, 200, acc.text);
		const shown = await getChat(chat.id);
		assert.equal(shown.context.requester.email, 'marta@example.test');
		assert.equal(shown.email_verified, false);
		assert.ok(Array.isArray(shown.context.tickets) && shown.context.tickets.some((t) => t.id === chat.ticket_id));

		const cid = clientId();
		const ans = await act(chat.id, 'messages', { client_id: cid, body: 'Let me look' });
		assert.equal(ans.status, 201, ans.text);
		assert.deepEqual([ans.json.message.author, ans.json.message.seq], ['agent', 2]);
		const again = await act(chat.id, 'messages', { client_id: cid, body: 'Let me look' });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.json.message.id, ans.json.message.id);
		const after = await getChat(chat.id);
		assert.ok(after.first_answer_at, JSON.stringify(after));
		assert.ok(after.wait_seconds >= 0);
		const seen = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=1`);
		assert.deepEqual(seen.json.messages.map((m) => m.body), ['Let me look']);

		assert.equal((await act(chat.id, 'transfer', {}, ana)).status, 422);
		const both = await act(chat.id, 'transfer', { agent_id: bo.id, group_id: 1 }, ana);
		assert.equal(both.status, 422, both.text);
		const tr = await act(chat.id, 'transfer', { agent_id: bo.id, note: 'Billing: refund of invoice 9' });
		assert.equal(tr.status, 200, tr.text);
		assert.equal(tr.json.chat.agent_id, bo.id);
		const comments = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}/comments`, null, { auth: bo });
		const note = comments.json.comments.find((c) => c.body.includes('refund of invoice 9'));
		assert.ok(note, comments.text);
		assert.equal(note.public, false);
		const pub = comments.json.comments.filter((c) => c.public).map((c) => c.body);
		assert.ok(pub.includes('My invoice is wrong') && pub.includes('Let me look'), JSON.stringify(pub));
		// the visitor never sees the note
		const vis = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=0`);
		assert.ok(!vis.text.includes('refund of invoice 9'), vis.text);

		const end = await act(chat.id, 'end', { solve: true }, bo);
		assert.equal(end.status, 200, end.text);
		assert.equal(end.json.chat.state, 'ended');
		const t = await srv.api('GET', `/api/v2/tickets/${chat.ticket_id}`, null, { auth: bo });
		assert.equal(t.json.ticket.status, 'solved');
		const late = await act(chat.id, 'messages', { client_id: clientId(), body: 'too late' }, bo);
		assert.equal(late.status, 409, late.text);
		const list = await srv.api('GET', `/api/v2/chats?state=ended&agent_id=${bo.id}`, null, { auth: bo });
		assert.ok(list.json.chats.some((c) => c.id === chat.id), list.text);
	});

	it('agents hear chat.* on the events stream', async () => {
		const ev = await srv.events(ana);
		const { chat, v } = await start({ body: 'anyone?' });
		await ev.waitFor((e) => e.event === 'chat.queued' && e.data.chat_id === chat.id && e.data.ticket_id === chat.ticket_id);
		await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: 'hello?' });
		await ev.waitFor((e) => e.event === 'chat.message' && e.data.chat_id === chat.id && e.data.seq === 2 && e.data.author === 'visitor');
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
		await ev.waitFor((e) => e.event === 'chat.updated' && e.data.chat_id === chat.id && e.data.state === 'missed');
		ev.close();
	});
});

describe('stats', () => {
	it('count what happened, by agent and by day, as JSON and CSV', async () => {
		const all = await srv.api('GET', '/api/v2/chats?per_page=100', null, { auth: ana });
		assert.equal(all.status, 200, all.text);
		const chats = all.json.chats;
		assert.equal(chats.length, all.json.count);
		const day = new Date().toISOString().slice(0, 10);
		const r = await srv.api('GET', `/api/v2/chat/stats?start=${day}&end=${day}&by=agent`, null, { auth: viewer });
		assert.equal(r.status, 200, r.text);
		const total = r.json.stats.total;
		const answered = chats.filter((c) => c.first_answer_at);
		assert.equal(total.chats, chats.length);
		assert.equal(total.offline, 0);
		assert.equal(total.answered, answered.length);
		assert.equal(total.missed, chats.filter((c) => c.state === 'missed').length);
		assert.ok(total.peak >= 3, JSON.stringify(total)); // ana held three at once
		const byAgent = Object.fromEntries(r.json.stats.rows.map((x) => [x.key, x]));
		for (const a of [ana, bo]) {
			const mine = chats.filter((c) => c.agent_id === a.id);
			assert.equal(byAgent[a.id]?.chats ?? 0, mine.length, `${a.name}: ${JSON.stringify(r.json.stats.rows)}`);
		}
		assert.equal(byAgent[ana.id].name, ana.name);
		const waits = answered.map((c) => c.wait_seconds).sort((x, y) => x - y);
		assert.ok(waits.length >= 2, JSON.stringify(chats));
		const p50 = waits[Math.ceil(0.5 * waits.length) - 1];
		assert.ok(Math.abs(total.wait_p50 - p50) <= 1, `${total.wait_p50} vs ${p50} of ${waits}`);
		const csv = await srv.api('GET', `/api/v2/chat/stats?start=${day}&end=${day}&by=day&format=csv`, null, { auth: viewer });
		assert.equal(csv.status, 200, csv.text);
		assert.match(csv.headers.get('content-type'), /text\/csv/);
		assert.match(csv.text, new RegExp(`^\\uFEFF?day,chats,answered,missed`));
		assert.match(csv.text, new RegExp(`${day},${total.chats},${total.answered},${total.missed}`));
		for (const [q, field] of [['by=tier', 'by'], ['start=yesterday', 'start'], ['start=2026-02-30', 'start'],
			[`start=${day}&end=2020-01-01`, 'end'], ['format=xml', 'format']]) {
			const bad = await srv.api('GET', `/api/v2/chat/stats?${q}`, null, { auth: viewer });
			assert.equal(bad.status, 422, `${q}: ${bad.text}`);
			assert.equal(fieldOf(bad), field, q);
		}
	});

	it('a viewer reads the stats and nothing else of the chats', async () => {
		for (const [m, p, b] of [['GET', '/api/v2/chats'], ['GET', `/api/v2/chats/${made[0].chat.id}`],
			['GET', '/api/v2/chat/status'], ['GET', '/api/v2/chat/settings'], ['PUT', '/api/v2/chat/settings', { settings: {} }],
			['POST', `/api/v2/chats/${made[0].chat.id}/accept`, {}]]) {
			const r = await srv.api(m, p, b ?? null, { auth: viewer });
			assert.equal(r.status, 403, `${m} ${p}: ${r.text}`);
		}
		assert.equal((await srv.api('GET', '/api/v2/chat/stats', null, { auth: viewer })).status, 200);
		assert.equal((await srv.api('GET', '/api/v2/chat/stats', null, { auth: 'anonymous' })).status, 401);
	});
});

describe('settings', () => {
	it('an agent reads them, an admin writes them; fields left out keep their value', async () => {
		const r = await srv.api('GET', '/api/v2/chat/settings', null, { auth: ana });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.settings.enabled, true);
		assert.equal((await srv.api('PUT', '/api/v2/chat/settings', { settings: { color: '#000000' } }, { auth: ana })).status, 403);
		const put = await srv.api('PUT', '/api/v2/chat/settings', { settings: { color: '#aa3300',
			title: { uk: 'Чат', ru: 'Чат', lt: 'Pokalbis', en: 'Chat with us' },
			topics: [{ key: 'billing', label: { en: 'Billing', uk: 'Рахунки', ru: 'Счета', lt: 'Sąskaitos' } }] } });
		assert.equal(put.status, 200, put.text);
		assert.equal(put.json.settings.color, '#aa3300');
		assert.equal(put.json.settings.offer_seconds, 30); // kept
		assert.equal(put.json.settings.enabled, true);
		const cfg = await visitor(srv, { locale: 'uk' });
		const c = await cfg.api('GET', '/chat/api/config?locale=uk');
		assert.deepEqual([c.json.color, c.json.title, c.json.topics[0].label], ['#aa3300', 'Чат', 'Рахунки']);
	});

	it('refuses what does not read, naming the field', async () => {
		for (const [settings, field] of [
			[{ color: 'red' }, 'color'],
			[{ prechat: { email: 'sometimes' } }, 'prechat.email'],
			[{ offer_seconds: 1 }, 'offer_seconds'],
			[{ topics: [{ key: 'a', label: { en: 'A' } }, { key: 'a', label: { en: 'B' } }] }, 'topics[1].key'],
			[{ allowed_origins: ['javascript:alert(1)'] }, 'allowed_origins[0]'],
			[{ schedule_id: 999999 }, 'schedule_id'],
			[{ group_id: 999999 }, 'group_id'],
			[{ title: { en: 'x'.repeat(101) } }, 'title.en'],
		]) {
			const r = await srv.api('PUT', '/api/v2/chat/settings', { settings });
			assert.equal(r.status, 422, `${JSON.stringify(settings)}: ${r.text}`);
			assert.equal(fieldOf(r), field, r.text);
		}
		const still = await srv.api('GET', '/api/v2/chat/settings', null, { auth: ana });
		assert.equal(still.json.settings.color, '#aa3300');
		assert.equal((await srv.api('PUT', '/api/v2/chat/settings', { settings: 'on' })).status, 422);
	});
});

describe('ticket routing and the chats\' group', () => {
	it('leaves a live chat\'s ticket to chat routing; a missed one\'s open ticket is routed like any', async () => {
		const g = (await srv.api('POST', '/api/v2/groups', { group: { name: 'Chats', routing: { method: 'round_robin' } } })).json.group;
		assert.ok(g?.id, 'group');
		for (const u of [ana, bo]) {
			const m = await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: u.id, group_id: g.id } });
			assert.equal(m.status, 201, m.text);
		}
		await chatSettings(srv, { group_id: g.id });
		await online(srv, ana);
		await online(srv, bo);
		const ticketOf = async (id) => (await srv.api('GET', `/api/v2/tickets/${id}`, null, { auth: ana })).json.ticket;
		try {
			const { chat, v } = await start({ body: 'Is my order on its way?' });
			assert.equal(chat.group_id, g.id);
			const offered = await until(() => getChat(chat.id), (c) => c.offered_to !== null);
			assert.ok([ana.id, bo.id].includes(offered.offered_to));
			let t = await ticketOf(chat.ticket_id);
			assert.deepEqual([t.group_id, t.assignee_id], [g.id, null]);
			// a visitor's message writes the ticket again: still chat routing's
			const more = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: 'Order 5512' });
			assert.equal(more.status, 201, more.text);
			assert.equal((await ticketOf(chat.ticket_id)).assignee_id, null);
			// an agent coming online drains the group's waiting tickets: not this one
			await online(srv, ana, 'away');
			await online(srv, ana);
			assert.equal((await ticketOf(chat.ticket_id)).assignee_id, null);
			// the visitor leaves unanswered: missed, the ticket open and now
			// ticket routing's (bo coming online drains bo's groups)
			const gone = await v.api('POST', `/chat/api/chats/${chat.id}/end`);
			assert.equal(gone.json.chat.state, 'missed');
			await online(srv, bo, 'away');
			await online(srv, bo);
			t = await ticketOf(chat.ticket_id);
			assert.ok([ana.id, bo.id].includes(t.assignee_id), JSON.stringify(t));
			assert.ok(t.status === 'open' || t.status === 'new', t.status);
		} finally {
			await chatSettings(srv, { group_id: 0 });
		}
	});
});
