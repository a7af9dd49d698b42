// Attachments: a file is uploaded (any type, up to attachment_limit), a
// comment claims it by token, and whoever may see that comment may download
// it — as a download unless its bytes are an image, never as HTML from our
// origin. The bytes live in the database, or in a folder (the attachments
// setting) that several nodes share.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a10000000049454e44ae426082', 'hex');
let srv, agent, agent2, alice, bob;
const servers = [];

async function upload(s, name, body, { auth, type = 'application/octet-stream' } = {}) {
	const q = name === null ? '' : `?filename=${encodeURIComponent(name)}`;
	return s.api('POST', `/api/v2/uploads${q}`, body, { auth, headers: { 'content-type': type } });
}

async function download(s, id, auth) {
	const r = await fetch(`${s.base}/api/v2/attachments/${id}/content`,
		{ headers: { authorization: `Bearer ${auth.token}` } });
	return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice', 'bob'],
		env: { FRONTLINE_ATTACHMENT_LIMIT: '65536' } });
	servers.push(srv);
	({ agent, agent2, alice, bob } = srv.users);
});
after(async () => {
	for (const s of servers)
		await s.cleanup();
});

describe('in the database', () => {
	let ticket, att;
	const text = Buffer.from('Номер замовлення 4411\nąčęėįšųūž\n');

	it('an upload gives a token and a cleaned name', async () => {
		const r = await upload(srv, '../../etc/pa"ss<wd>;.txt', text, { auth: alice, type: 'text/plain; charset=utf-8' });
		assert.equal(r.status, 201, r.text);
		const u = r.json.upload;
		assert.match(u.token, /^[0-9a-f]{32}$/);
		assert.equal(u.attachment.file_name, 'pa_ss_wd__.txt');
		assert.equal(u.attachment.content_type, 'text/plain');
		assert.equal(u.attachment.size, text.length);
		assert.deepEqual(u.attachments, [u.attachment]);
		att = u;
	});

	it('a comment claims it; the requester and agents download the same bytes, as a download', async () => {
		ticket = await srv.ticket({ subject: 'Receipt attached', comment: { body: 'See the file', uploads: [att.token] } }, { auth: alice });
		const c = await srv.api('GET', `/api/v2/tickets/${ticket.id}/comments`, null, { auth: alice });
		assert.equal(c.status, 200, c.text);
		const files = c.json.comments[0].attachments;
		assert.equal(files.length, 1);
		assert.equal(files[0].id, att.attachment.id);
		assert.match(files[0].content_url, new RegExp(`/api/v2/attachments/${files[0].id}/content$`));
		for (const who of [alice, agent]) {
			const d = await download(srv, files[0].id, who);
			assert.equal(d.status, 200);
			assert.deepEqual(d.body, text);
			assert.equal(d.headers.get('content-type'), 'application/octet-stream');
			assert.equal(d.headers.get('content-disposition'), "attachment; filename*=UTF-8''pa_ss_wd__.txt");
			assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
			assert.match(d.headers.get('content-security-policy'), /sandbox/);
		}
	});

	it('someone who may not see the ticket gets 404 for the file and its description', async () => {
		assert.equal((await download(srv, att.attachment.id, bob)).status, 404);
		const r = await srv.api('GET', `/api/v2/attachments/${att.attachment.id}`, null, { auth: bob });
		assert.equal(r.status, 404);
		const ok = await srv.api('GET', `/api/v2/attachments/${att.attachment.id}.json`, null, { auth: agent });
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.attachment.size, text.length);
	});

	it('HTML is never served as HTML; an image is shown inline by what its bytes are', async () => {
		const html = await upload(srv, 'x.html', '<script>alert(1)</script>', { auth: agent, type: 'text/html' });
		const img = await upload(srv, 'photo.png', PNG, { auth: agent, type: 'text/html' });
		const fake = await upload(srv, 'fake.png', '<svg onload=alert(1)>', { auth: agent, type: 'image/png' });
		const r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { comment: { body: 'Files',
			uploads: [html.json.upload.token, img.json.upload.token, fake.json.upload.token] } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		let d = await download(srv, html.json.upload.attachment.id, alice);
		assert.equal(d.headers.get('content-type'), 'application/octet-stream');
		assert.match(d.headers.get('content-disposition'), /^attachment;/);
		d = await download(srv, img.json.upload.attachment.id, alice);
		assert.equal(d.headers.get('content-type'), 'image/png');
		assert.match(d.headers.get('content-disposition'), /^inline;/);
		assert.deepEqual(d.body, PNG);
		d = await download(srv, fake.json.upload.attachment.id, alice);
		assert.equal(d.headers.get('content-type'), 'application/octet-stream');
	});

	it('a private comment\'s file is for agents only', async () => {
		const u = await upload(srv, 'internal.txt', 'for agents', { auth: agent });
		const r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { comment: { body: 'Internal',
			public: false, uploads: [u.json.upload.token] } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal((await download(srv, u.json.upload.attachment.id, alice)).status, 404);
		assert.equal((await download(srv, u.json.upload.attachment.id, agent2)).status, 200);
		const c = await srv.api('GET', `/api/v2/tickets/${ticket.id}/comments`, null, { auth: alice });
		assert.ok(!c.json.comments.some((x) => x.attachments.some((a) => a.file_name === 'internal.txt')));
	});

	it('a token goes with one comment, by its uploader; an unclaimed file is the uploader\'s alone', async () => {
		const u = await upload(srv, 'once.txt', 'once', { auth: alice });
		assert.equal((await download(srv, u.json.upload.attachment.id, alice)).status, 200);
		assert.equal((await download(srv, u.json.upload.attachment.id, agent)).status, 404);
		let r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { comment: { body: 'not mine',
			uploads: [u.json.upload.token] } } }, { auth: agent });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details.uploads);
		r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { comment: { body: 'mine',
			uploads: [u.json.upload.token] } } }, { auth: alice });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { comment: { body: 'again',
			uploads: [u.json.upload.token] } } }, { auth: alice });
		assert.equal(r.status, 422, r.text);
		// the failed update left no comment behind
		const c = await srv.api('GET', `/api/v2/tickets/${ticket.id}/comments`, null, { auth: alice });
		assert.ok(!c.json.comments.some((x) => x.body === 'again' || x.body === 'not mine'));
	});

	it('refuses a missing name, an empty file, a file over the limit, and strangers', async () => {
		let r = await upload(srv, null, 'x', { auth: alice });
		assert.equal(r.status, 422, r.text);
		r = await upload(srv, 'empty.txt', '', { auth: alice });
		assert.equal(r.status, 422, r.text);
		r = await upload(srv, 'big.bin', Buffer.alloc(70000, 1), { auth: alice });
		assert.equal(r.status, 413, r.text);
		r = await upload(srv, 'x.txt', 'x', { auth: 'anonymous' });
		assert.equal(r.status, 401, r.text);
		r = await upload(srv, 'bad\uFFFD.txt', 'x', { auth: alice });
		assert.equal(r.status, 201, r.text);
	});

	it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
		await srv.stop();
	});
});

describe('in a shared folder', () => {
	let dir, s;

	before(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-files-'));
		s = await startServer({ endUsers: ['carol'], env: { FRONTLINE_ATTACHMENTS: dir } });
		servers.push(s);
	});
	after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

	it('the bytes are a file named by their digest, and come back the same', async () => {
		const body = crypto.randomBytes(50_000);
		const { carol } = s.users;
		const u = await upload(s, 'data.bin', body, { auth: carol });
		assert.equal(u.status, 201, u.text);
		const digest = crypto.createHash('sha256').update(body).digest('hex');
		assert.deepEqual(await fs.readdir(dir), [digest.slice(0, 2)]);
		assert.deepEqual(await fs.readdir(path.join(dir, digest.slice(0, 2))), [digest]);
		assert.deepEqual(await fs.readFile(path.join(dir, digest.slice(0, 2), digest)), body);
		const t = await s.ticket({ subject: 'Folder', comment: { body: 'file', uploads: [u.json.upload.token] } }, { auth: carol });
		assert.ok(t.id);
		const d = await download(s, u.json.upload.attachment.id, carol);
		assert.deepEqual(d.body, body);
		// the same bytes again are stored once
		const again = await upload(s, 'copy.bin', body, { auth: carol });
		assert.equal(again.status, 201);
		assert.deepEqual(await fs.readdir(path.join(dir, digest.slice(0, 2))), [digest]);
	});

	it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
		await s.stop();
	});
});
