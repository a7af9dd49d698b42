// Bad input: malformed JSON, bad encodings, wrong types, unknown values,
// oversized and deeply nested bodies, odd ids and routes. After each, the
// server still answers and nothing half-written is left behind.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, small;

before(async () => {
	[srv, small] = await Promise.all([startServer({ agents: ['agent'] }), startServer({ bodyLimit: 2048 })]);
});
after(async () => { await Promise.all([srv?.cleanup(), small?.cleanup()]); });

async function ticketCount(s = srv) {
	const r = await s.api('GET', '/api/v2/tickets/count');
	assert.equal(r.status, 200, r.text);
	return r.json.count.value;
}

/** Sends a bad request, checks the answer, then that the server is healthy and no ticket appeared. */
async function rejects(method, path, body, status, check = () => {}, s = srv, opts = {}) {
	const n = await ticketCount(s);
	const r = await s.api(method, path, body, opts);
	assert.equal(r.status, status, `${method} ${path} ${String(body).slice(0, 80)}: ${r.status} ${r.text.slice(0, 300)}`);
	if (r.text)
		assert.ok(r.json && typeof r.json.error === 'string', `an error body: ${r.text.slice(0, 200)}`);
	check(r);
	assert.equal((await s.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
	assert.equal(await ticketCount(s), n, 'a ticket was created by a refused request');
	return r;
}

/** A raw HTTP/1.1 exchange; resolves the status code (0 if the connection closed first). */
function raw(port, request, { timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const sock = net.connect(port, '127.0.0.1');
		let data = '';
		const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer: ${data}`)); }, timeoutMs);
		sock.on('data', (d) => { data += d; });
		sock.on('error', () => {});
		sock.on('close', () => {
			clearTimeout(timer);
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
			resolve({ status: m ? Number(m[1]) : 0, text: data });
		});
		sock.write(request);
	});
}

describe('malformed bodies', () => {
	it('malformed JSON is 400 and the description gives line and column', async () => {
		const r = await rejects('POST', '/api/v2/tickets', '{"ticket": {\n  "subject": "x",\n  "comment": {"body": }\n}}', 400);
		assert.match(r.json.description, /line 3/);
		assert.match(r.json.description, /column \d+/);
	});

	it('an empty body, a JSON array, a string or a bare number is 400', async () => {
		for (const b of ['', '[]', '"ticket"', '42', 'null'])
			await rejects('POST', '/api/v2/tickets', b, 400);
	});

	it('invalid UTF-8 in the body is 400', async () => {
		const bad = Buffer.concat([Buffer.from('{"ticket":{"subject":"caf'), Buffer.from([0xc3, 0x28]),
			Buffer.from('","comment":{"body":"x"}}}')]);
		await rejects('POST', '/api/v2/tickets', bad, 400);
		const overlong = Buffer.concat([Buffer.from('{"ticket":{"subject":"'), Buffer.from([0xc0, 0xaf]),
			Buffer.from('","comment":{"body":"x"}}}')]);
		await rejects('POST', '/api/v2/tickets', overlong, 400);
		const surrogate = Buffer.concat([Buffer.from('{"ticket":{"subject":"'), Buffer.from([0xed, 0xa0, 0x80]),
			Buffer.from('","comment":{"body":"x"}}}')]);
		await rejects('POST', '/api/v2/tickets', surrogate, 400);
	});

	it('a NUL escaped inside a string is refused (400 or 422)', async () => {
		const n = await ticketCount();
		const r = await srv.api('POST', '/api/v2/tickets', '{"ticket":{"subject":"a\\u0000b","comment":{"body":"x"}}}');
		assert.ok([400, 422].includes(r.status), r.text);
		assert.equal(await ticketCount(), n);
	});

	it('duplicate keys are refused (400)', async () => {
		await rejects('POST', '/api/v2/tickets', '{"ticket":{"subject":"a","subject":"b","comment":{"body":"x"}}}', 400);
	});

	it('JSON nested 10000 deep is 400 and the server keeps serving', async () => {
		const deep = `{"ticket":{"comment":{"body":"x"},"custom_fields":${'['.repeat(10000)}${']'.repeat(10000)}}}`;
		await rejects('POST', '/api/v2/tickets', deep, 400);
		const deepObj = `${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}`;
		await rejects('POST', '/api/v2/tickets', deepObj, 400);
		// quoted brackets are not nesting
		const t = await srv.ticket({ subject: '['.repeat(200), body: '{'.repeat(5000) });
		assert.equal(t.subject, '['.repeat(200));
	});

	it('a body without {"ticket": {...}} is 400', async () => {
		await rejects('POST', '/api/v2/tickets', { subject: 'no wrapper', comment: { body: 'x' } }, 400);
		await rejects('POST', '/api/v2/tickets', { ticket: 'a string' }, 400);
	});
});

describe('wrong types and values', () => {
	const cases = [
		[{ subject: 5 }, 'subject'],
		[{ subject: ['a'] }, 'subject'],
		[{ assignee_id: 'x' }, 'assignee_id'],
		[{ assignee_id: -4 }, 'assignee_id'],
		[{ assignee_id: 1.5 }, 'assignee_id'],
		[{ requester_id: 987654 }, 'requester_id'],
		[{ group_id: 987654 }, 'group_id'],
		[{ tags: 'a,b' }, 'tags'],
		[{ tags: ['has space'] }, 'tags'],
		[{ tags: [7] }, 'tags'],
		[{ status: 'bogus' }, 'status'],
		[{ status: 3 }, 'status'],
		[{ priority: 'whenever' }, 'priority'],
		[{ type: 'complaint' }, 'type'],
		[{ collaborator_ids: [0] }, 'collaborator_ids'],
		[{ custom_fields: { id: 1 } }, 'custom_fields'],
		[{ via: { channel: 'pigeon' } }, 'via'],
		[{ comment: { body: 7 } }, 'body'],
		[{ comment: { body: 'x', public: 'yes' } }, 'public'],
		[{ comment: 'just text' }, 'comment'],
		[{ subject: 'x'.repeat(301) }, 'subject'],
		[{ tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'tags'],
		[{ tags: ['x'.repeat(81)] }, 'tags'],
		[{ comment: { body: 'x'.repeat(65537) } }, 'body'],
		[{ comment: { body: '' } }, 'comment'],
		[{ external_id: 'e'.repeat(256) }, 'external_id'],
	];
	for (const [fields, field] of cases) {
		it(`${JSON.stringify(fields).slice(0, 60)} is 422 naming ${field}`, async () => {
			const ticket = { comment: { body: 'valid body' }, ...fields };
			await rejects('POST', '/api/v2/tickets', { ticket }, 422, (r) => {
				assert.equal(r.json.error, 'RecordInvalid');
				assert.ok(r.json.details?.[field], `details should name ${field}: ${r.text}`);
			});
		});
	}

	it('a subject of exactly 300 characters (multi-byte) is fine; 301, empty or null are not, on update', async () => {
		const s300 = 'ą'.repeat(300);
		const t = await srv.ticket({ subject: s300 });
		assert.equal(t.subject, s300);
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { subject: `${s300}b` } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.subject);
		for (const subject of ['', null]) {
			r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { subject } });
			assert.equal(r.status, 422, `${subject}: ${r.text}`);
			assert.ok(r.json.details?.subject, r.text);
		}
		assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}`)).json.ticket.subject, s300);
	});

	it('an update with a bad field changes nothing', async () => {
		const t = await srv.ticket({ subject: 'Stable', priority: 'low' });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'high', status: 'bogus' } });
		assert.equal(r.status, 422);
		const shown = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(shown.json.ticket.priority, 'low');
		const audits = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`);
		assert.equal(audits.json.audits.length, 1);
	});
});

describe('sizes', () => {
	it('a body over FRONTLINE_BODY_LIMIT (2048) is 413 and the server keeps serving', async () => {
		const big = { ticket: { subject: 'big', comment: { body: 'x'.repeat(5000) } } };
		await rejects('POST', '/api/v2/tickets', big, 413, () => {}, small);
		// a body just under the limit is fine
		const ok = await small.api('POST', '/api/v2/tickets', { ticket: { subject: 'ok', comment: { body: 'y'.repeat(1800) } } });
		assert.equal(ok.status, 201, ok.text);
	});

	it('a chunked body over the limit is 413 too', async () => {
		const n = await ticketCount(small);
		const body = JSON.stringify({ ticket: { subject: 'chunked', comment: { body: 'z'.repeat(6000) } } });
		const chunks = [body.slice(0, 1000), body.slice(1000, 3000), body.slice(3000)]
			.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('');
		const r = await raw(small.port,
			`POST /api/v2/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${small.admin.token}\r\n` +
			`Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`);
		assert.equal(r.status, 413, r.text.slice(0, 300));
		assert.equal(await ticketCount(small), n);
		assert.equal((await small.api('GET', '/healthz')).status, 200);
	});

	it('a Content-Length that lies (huge or negative) is refused', async () => {
		for (const cl of ['99999999999999999999', '-1', '1e3']) {
			const r = await raw(small.port,
				`POST /api/v2/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${small.admin.token}\r\n` +
				`Content-Type: application/json\r\nContent-Length: ${cl}\r\nConnection: close\r\n\r\n{}`);
			assert.ok(r.status >= 400 && r.status < 500, `Content-Length ${cl}: ${r.text.slice(0, 200)}`);
		}
		assert.equal((await small.api('GET', '/healthz')).status, 200);
	});

	it('a very long URL or header is refused and the server keeps serving', async () => {
		const r = await raw(srv.port, `GET /api/v2/search?query=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
		assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), r.text.slice(0, 200));
		const h = await raw(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\nConnection: close\r\n\r\n`);
		assert.ok(h.status === 0 || (h.status >= 400 && h.status < 500), h.text.slice(0, 200));
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});

	it('a garbage request line is refused and the server keeps serving', async () => {
		const r = await raw(srv.port, 'HELLO THERE\r\n\r\n');
		assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), r.text.slice(0, 200));
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});
});

describe('ids, routes and methods', () => {
	it('huge, negative, zero and non-numeric ids are 404', async () => {
		for (const id of ['99999999999999999999', '9223372036854775808', '-1', '0', 'abc', '1e3', '01x'])
			await rejects('GET', `/api/v2/tickets/${id}`, null, 404);
		await rejects('PUT', '/api/v2/tickets/99999999999999999999', { ticket: { subject: 'x' } }, 404);
		await rejects('GET', '/api/v2/users/-5', null, 404);
		await rejects('GET', '/api/v2/tickets/9223372036854775807', null, 404);
	});

	it('an unknown route is 404', async () => {
		for (const p of ['/api/v2/nothing', '/api/v3/tickets', '/api/v2/tickets/1/nope', '/nothing',
			'/assets/nothing.js', '/api/v2/tickets.xml'])
			await rejects('GET', p, null, 404);
		// '/' is the portal's
		const r = await fetch(`${srv.base}/`, { redirect: 'manual' });
		assert.equal(r.status, 302);
		assert.equal(r.headers.get('location'), '/portal/');
	});

	it('a wrong method is 405 with an Allow header', async () => {
		let r = await rejects('DELETE', '/api/v2/tickets', null, 405);
		assert.deepEqual(r.headers.get('allow').split(/,\s*/).sort(), ['GET', 'POST']);
		r = await rejects('PATCH', '/api/v2/tickets/1', '{}', 405);
		assert.deepEqual(r.headers.get('allow').split(/,\s*/).sort(), ['DELETE', 'GET', 'PUT']);
		r = await rejects('POST', '/healthz', null, 405);
		assert.equal(r.headers.get('allow'), 'GET');
	});

	it('the .json suffix and a trailing slash reach the same resource', async () => {
		const t = await srv.ticket({ subject: 'suffix' });
		for (const p of [`/api/v2/tickets/${t.id}.json`, `/api/v2/tickets/${t.id}/`, '/api/v2/tickets.json', '/api/v2/users/me.json'])
			assert.equal((await srv.api('GET', p)).status, 200, p);
	});

	it('query strings with odd encodings do not break anything', async () => {
		for (const q of ['query=%', 'query=%zz', 'query=%00', 'query=%C3%28', 'query=a&query=b'])
			assert.ok([200, 400].includes((await srv.api('GET', `/api/v2/search?${q}`)).status), q);
		assert.equal((await srv.api('GET', '/healthz')).status, 200);
	});
});

it('servers exit with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
	await small.stop();
});
