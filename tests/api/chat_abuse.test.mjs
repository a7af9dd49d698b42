// The chat widget's API against a stranger who means harm (the review of
// issue 17): the transcript mail is no relay to someone else's box, nor
// many mails to one box; a file without a valid token, or an executable,
// leaves nothing behind in the attachments folder; a chat has a size; the
// visitor's token stays out of URLs, and the visitor sees no desk user ids.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chatSettings, clientId, fieldOf, online, request, startChat, visitor } from './lib/chat.mjs';
import { startSmtp } from './lib/smtp.mjs';
import { startServer } from './lib/server.mjs';

let srv, smtp, agent, files;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
	files = await fs.mkdtemp(path.join(os.tmpdir(), 'fl-chat-files-'));
	smtp = await startSmtp();
	srv = await startServer({ agents: ['agent'], env: { FRONTLINE_ATTACHMENTS: files } });
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
	if (files)
		await fs.rm(files, { recursive: true, force: true });
});

/** Every file under dir, however deep. */
async function filesIn(dir) {
	const out = [];
	for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true }))
		if (e.isFile())
			out.push(e.name);
	return out;
}

describe('the transcript', () => {
	it('never goes to an address named after the start; without one it is refused naming "email"', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v, { body: 'Your account is locked, verify at https://evil.example' });
		const victim = `victim${process.pid}@example.test`;
		const r = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, { email: victim });
		assert.equal(r.status, 422, r.text);
		assert.equal(fieldOf(r), 'email');
		assert.match(r.json.description, /start/);
		const none = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, {});
		assert.equal(none.status, 422, none.text);
		assert.equal(fieldOf(none), 'email');
		// nobody was made of the address, nothing mailed to it
		const users = await srv.api('GET', '/api/v2/users?role=end-user&per_page=100', null, { auth: agent });
		assert.equal(users.status, 200, users.text);
		assert.ok(!users.json.users.some((u) => u.email === victim), users.text);
		await sleep(500);
		assert.equal((await smtp.messages()).filter((m) => m.headers.to?.includes(victim)).length, 0);
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
	});

	it('an address gets a few transcripts an hour, however many visitors claim it', async () => {
		const email = `claimed${process.pid}@example.test`;
		const got = [];
		for (let i = 0; i < 4; i++) {
			const v = await visitor(srv);
			const { chat } = await startChat(v, { email, body: `round ${i}` });
			const r = await v.api('POST', `/chat/api/chats/${chat.id}/transcript`, {});
			got.push(r.status);
			if (r.status === 429)
				assert.match(r.headers['retry-after'], /^[1-9][0-9]*$/);
			await v.api('POST', `/chat/api/chats/${chat.id}/end`);
		}
		assert.deepEqual(got, [202, 202, 202, 429]);
	});
});

describe('uploads', () => {
	it('store nothing for a missing or forged token, nor for an executable', async () => {
		const v = await visitor(srv);
		const before = await filesIn(files);
		const bytes = Buffer.from(`random ${process.pid} ${Date.now()}`);
		const forged = v.token.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
		for (const token of [undefined, forged]) {
			const r = await request(srv, 'POST', '/chat/api/uploads?filename=x.bin', bytes,
				{ from: v.from, token, headers: { 'content-type': 'application/octet-stream' } });
			assert.equal(r.status, 401, r.text);
		}
		for (const [name, exe] of [['setup.exe', Buffer.from(`MZ\x90\x00 ${Date.now()}`)],
			['invoice.pdf', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.from(String(Date.now()))])]]) {
			const r = await v.api('POST', `/chat/api/uploads?filename=${name}`, exe,
				{ headers: { 'content-type': 'application/octet-stream' } });
			assert.equal(r.status, 422, r.text);
			assert.equal(fieldOf(r), 'file');
		}
		assert.deepEqual(await filesIn(files), before);
		// a good one is stored
		const ok = await v.api('POST', '/chat/api/uploads?filename=cat.png', Buffer.from(`\x89PNG\r\n\x1a\n${Date.now()}`),
			{ headers: { 'content-type': 'image/png' } });
		assert.equal(ok.status, 201, ok.text);
		assert.equal((await filesIn(files)).length, before.length + 1);
	});
});

describe('what a visitor sees of the desk', () => {
	it('the agent by name only, no desk user ids; no word of who is staff', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v, { body: 'Who is there?' });
		for (const c of [chat])
			assert.ok(!('agent_id' in c) && !('offered_to' in c), JSON.stringify(c));
		const taken = await srv.api('POST', `/api/v2/chats/${chat.id}/accept`, {}, { auth: agent });
		assert.equal(taken.status, 200, taken.text);
		const one = await v.api('GET', `/chat/api/chats/${chat.id}`);
		assert.equal(one.json.chat.agent_name, agent.name);
		const list = await v.api('GET', '/chat/api/chats');
		for (const c of [one.json.chat, ...list.json.chats])
			assert.ok(!('agent_id' in c) && !('offered_to' in c), JSON.stringify(c));
		const ended = await v.api('POST', `/chat/api/chats/${chat.id}/end`);
		assert.ok(!('agent_id' in ended.json.chat), ended.text);
		// the agent side still has them
		const desk = await srv.api('GET', `/api/v2/chats/${chat.id}`, null, { auth: agent });
		assert.equal(desk.json.chat.agent_id, agent.id);

		const w = await visitor(srv);
		const staff = await w.api('POST', '/chat/api/chats', { email: agent.email, message: { client_id: clientId(), body: 'hi' } });
		assert.equal(staff.status, 422, staff.text);
		assert.equal(fieldOf(staff), 'email');
		assert.ok(!/staff|agent|desk/i.test(staff.json.description), staff.text);
	});
});

describe('the visitor token in URLs', () => {
	it('files carry a signed link of their own, not the token; ?token= only on the stream and a file', async () => {
		const v = await visitor(srv);
		const { chat } = await startChat(v);
		const up = await v.api('POST', '/chat/api/uploads?filename=cat.png', Buffer.from(`\x89PNG\r\n\x1a\n${Date.now()}`),
			{ headers: { 'content-type': 'image/png' } });
		assert.equal(up.status, 201, up.text);
		const sent = await v.api('POST', `/chat/api/chats/${chat.id}/messages`, { client_id: clientId(), body: '', uploads: [up.json.upload.token] });
		assert.equal(sent.status, 201, sent.text);
		const url = new URL(sent.json.message.attachments[0].url);
		assert.ok(!url.href.includes(v.token), url.href);
		assert.equal(url.searchParams.get('token'), null);
		assert.match(url.pathname, new RegExp(`^/chat/api/chats/${chat.id}/attachments/\\d+$`));
		// what an <img> does: no header, from anywhere
		const got = await request(srv, 'GET', url.pathname + url.search, null, {});
		assert.equal(got.status, 200, got.text);
		// the link is for that file of that chat only
		const link = url.searchParams.get('link');
		const ov = await visitor(srv);
		const other = await startChat(ov);
		for (const p of [`/chat/api/chats/${other.chat.id}/attachments${url.pathname.replace(/^.*attachments/, '')}?link=${link}`,
			`${url.pathname}?link=${link.replace(/.$/, (d) => (d === '0' ? '1' : '0'))}`]) {
			const r = await request(srv, 'GET', p, null, {});
			assert.equal(r.status, 401, `${p}: ${r.text}`);
			assert.equal(fieldOf(r), 'link');
		}
		// the token in a query: the stream and a file, nothing else
		const q = `token=${encodeURIComponent(v.token)}`;
		const list = await request(srv, 'GET', `/chat/api/chats?${q}`, null, { from: v.from });
		assert.equal(list.status, 401, list.text);
		const byToken = await request(srv, 'GET', `${url.pathname}?${q}`, null, { from: v.from });
		assert.equal(byToken.status, 200, byToken.text);
		const s = await v.stream(chat.id);
		assert.equal(s.status, 200);
		s.close();
		await v.api('POST', `/chat/api/chats/${chat.id}/end`);
		await ov.api('POST', `/chat/api/chats/${other.chat.id}/end`);
	});
});
