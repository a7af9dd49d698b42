// Live chat across two nodes on one PostgreSQL database (the PostgreSQL
// pass only): the visitor's widget talks to node 1, the agent's console to
// node 2; each message is committed on its node and announced through
// LISTEN/NOTIFY, so each side's stream on its own node hears the other's
// message, typing and read receipt, and fetches the message after the seq
// it holds — every message exactly once, in order.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { chatSettings, clientId, online, startChat, visitor } from './lib/chat.mjs';
import { PG, startServer } from './lib/server.mjs';

const skip = !PG && 'several nodes share a PostgreSQL database';
let nodes = [];

before(async () => {
	if (skip)
		return;
	const first = await startServer({ agents: ['agent'] });
	nodes = [first, await startServer({ joining: first })];
	await chatSettings(first, {});
});
after(async () => {
	for (const n of nodes.slice().reverse())
		await n.cleanup();
});

it('a visitor on node 1 and an agent on node 2 hear each other', { skip }, async () => {
	const [n1, n2] = nodes;
	const { agent } = n1.users;
	await online(n2, agent);
	const agentEvents = await n2.events(agent);
	const v = await visitor(n1);
	const { chat } = await startChat(v, { name: 'Jonas', body: 'Labas' });
	const visitorEvents = await v.stream(chat.id);
	assert.equal(visitorEvents.status, 200);

	// node 1's start reaches the agent on node 2
	await agentEvents.waitFor((e) => e.event === 'chat.queued' && e.data.chat_id === chat.id);
	const acc = await n2.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: agent });
	assert.equal(acc.status, 200, acc.text);
	await visitorEvents.waitFor((e) => e.event === 'chat.updated' && e.data.state === 'active');

	// agent (node 2) -> visitor (node 1)
	await n2.api('POST', `/api/v2/chats/${chat.id}/typing`, { typing: true }, { auth: agent });
	await visitorEvents.waitFor((e) => e.event === 'chat.typing' && e.data.author === 'agent');
	const a1 = await n2.api('POST', `/api/v2/chats/${chat.id}/messages`, { client_id: clientId(), body: 'Sveiki, kuo galiu padėti?' }, { auth: agent });
	assert.equal(a1.status, 201, a1.text);
	await visitorEvents.waitFor((e) => e.event === 'chat.message' && e.data.seq === a1.json.message.seq);
	const got = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=1`);
	assert.deepEqual(got.json.messages.map((m) => [m.seq, m.author, m.body]), [[2, 'agent', 'Sveiki, kuo galiu padėti?']]);

	// visitor (node 1) -> agent (node 2), three in a row
	const bodies = ['Užsakymas 5', 'vėluoja', 'dvi dienas'];
	for (const body of bodies)
		assert.equal((await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body })).status, 201);
	await v.api('POST', `/chat/api/chats/${chat.id}/read`, { seq: 2 });
	await agentEvents.waitFor((e) => e.event === 'chat.message' && e.data.chat_id === chat.id && e.data.seq === 5);
	await agentEvents.waitFor((e) => e.event === 'chat.read' && e.data.chat_id === chat.id && e.data.author === 'visitor' && e.data.seq === 2);
	const seen = await n2.api('GET', `/api/v2/chats/${chat.id}/messages?after=2`, null, { auth: agent });
	assert.deepEqual(seen.json.messages.map((m) => [m.seq, m.body]), bodies.map((b, i) => [i + 3, b]));

	// every message once, the same on both nodes
	const all1 = await v.api('GET', `/chat/api/chats/${chat.id}/messages?after=0`);
	const all2 = await n2.api('GET', `/api/v2/chats/${chat.id}/messages?after=0`, null, { auth: agent });
	assert.deepEqual(all1.json.messages.map((m) => m.id), all2.json.messages.map((m) => m.id));
	assert.deepEqual(all1.json.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
	const ended = await n2.api('POST', `/api/v2/chats/${chat.id}/end`, { solve: true }, { auth: agent });
	assert.equal(ended.status, 200, ended.text);
	await visitorEvents.waitFor((e) => e.event === 'chat.updated' && e.data.state === 'ended');
	visitorEvents.close();
	agentEvents.close();
});
