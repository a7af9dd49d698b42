// Helpers for the live chat's API tests (chat*.test.mjs): a visitor of the
// widget speaking /chat/api/* from a loopback address of its own (the
// strangers' limits count per address: Linux routes all of 127/8 to lo),
// their event stream, and agents going online for chats.
//
//   const v = await visitor(srv);            // a new visitor: v.token, v.id
//   const r = await v.api('POST', '/chat/api/chats', {...});
//   const s = await v.stream(chatId);        // s.events, s.waitFor(pred), s.close()
//   await online(srv, agent);
import assert from 'node:assert/strict';
import http from 'node:http';

let nextAddress = 1;
/** A loopback address no other visitor of this process used. */
export function newAddress() {
	const n = nextAddress++;
	return `127.3.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * One request to srv from address from. body: an object (JSON), a Buffer or
 * string (as is), or null. Resolves {status, headers, json, text}.
 */
export function request(srv, method, path, body = null, { from, headers = {}, token } = {}) {
	const h = { ...headers };
	let payload = null;
	if (token)
		h['x-chat-token'] = token;
	if (body !== null && body !== undefined) {
		payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
			h['content-type'] = 'application/json';
		h['content-length'] = Buffer.byteLength(payload);
	}
	return new Promise((resolve, reject) => {
		const req = http.request(srv.base + path, { method, headers: h, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				if ((res.headers['content-type'] ?? '').includes('json')) {
					try { json = JSON.parse(text); } catch { json = undefined; }
				}
				resolve({ status: res.statusCode, headers: res.headers, json, text });
			});
		});
		req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
		// a body over the limit is answered (413) and the connection closed
		// before all of it is sent: the write then fails while the answer is
		// still on its way, so wait for it a moment before calling it an error
		req.on('error', (err) => (err.code === 'EPIPE' || err.code === 'ECONNRESET'
			? setTimeout(() => reject(err), 2000) : reject(err)));
		req.end(payload);
	});
}

/**
 * Reads a Server-Sent Events answer: {status, events, waitFor(pred, ms),
 * close()}; events collects {id, event, data}.
 */
export function sse(srv, path, { from, headers = {} } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(srv.base + path, { headers, localAddress: from }, (res) => {
			const out = { status: res.statusCode, headers: res.headers, events: [], text: '' };
			const waiters = [];
			const check = () => {
				for (const w of waiters.splice(0)) {
					const hit = out.events.find(w.pred);
					if (hit)
						w.resolve(hit);
					else
						waiters.push(w);
				}
			};
			out.close = () => req.destroy();
			out.waitFor = (pred, ms = 10_000) => new Promise((ok, fail) => {
				const t = setTimeout(() => fail(new Error(`no such event in ${ms} ms; got ${JSON.stringify(out.events)}`)), ms);
				waiters.push({ pred, resolve: (x) => { clearTimeout(t); ok(x); } });
				check();
			});
			let buf = '';
			res.setEncoding('utf8');
			res.on('data', (d) => {
				if (res.statusCode !== 200) {
					out.text += d;
					return;
				}
				buf += d;
				let i;
				while ((i = buf.indexOf('\n\n')) >= 0) {
					const block = buf.slice(0, i);
					buf = buf.slice(i + 2);
					const ev = {};
					for (const line of block.split('\n')) {
						const m = /^(id|event|data): (.*)$/.exec(line);
						if (m)
							ev[m[1]] = m[1] === 'data' ? JSON.parse(m[2]) : m[2];
					}
					if (ev.event)
						out.events.push(ev);
				}
				check();
			});
			res.on('error', () => {});
			res.on('end', () => { out.ended = true; });
			resolve(out);
		});
		req.on('error', (err) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
		req.end();
	});
}

/** A new visitor of the widget on srv, from an address of its own. */
export async function visitor(srv, { locale = 'en', from = newAddress() } = {}) {
	const r = await request(srv, 'POST', '/chat/api/visitors', { locale }, { from });
	assert.equal(r.status, 201, r.text);
	assert.match(r.json.token, /^[0-9a-f-]+$/);
	return visitorWith(srv, r.json.token, r.json.visitor_id, from);
}

/** The visitor with token (another "page load" of the same visitor). */
export function visitorWith(srv, token, id, from = newAddress()) {
	const v = {
		token, id, from, srv,
		api: (method, path, body = null, opts = {}) => request(srv, method, path, body,
			{ from, token: v.token, ...opts }),
		stream: (chatId, headers = {}) => sse(srv,
			`/chat/api/stream?token=${encodeURIComponent(v.token)}&chat_id=${chatId}`, { from, headers }),
	};
	return v;
}

/** The field an error answer names (its details' key), or undefined. */
export const fieldOf = (r) => Object.keys(r.json?.details ?? {})[0];

let nextClient = 1;
/** A client id no other message of this process used. */
export const clientId = () => `c-${process.pid}-${nextClient++}`;

/** Starts a chat for v; resolves {chat, message}. */
export async function startChat(v, { name = 'Olena', email, topic, locale, body = 'Hello, I need help', client_id = clientId() } = {}) {
	const r = await v.api('POST', '/chat/api/chats', { name, email, topic, locale,
		message: { client_id, body } });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

/** The agent online for routing, with the four languages as skills. */
export async function online(srv, user, status = 'online') {
	const r = await srv.api('PUT', '/api/v2/agent_availabilities/me',
		{ agent_availability: { status } }, { auth: user });
	assert.equal(r.status, 200, r.text);
}

/** Turns chat on (and any other settings given) as the admin. */
export async function chatSettings(srv, settings) {
	const r = await srv.api('PUT', '/api/v2/chat/settings', { settings: { enabled: true, ...settings } });
	assert.equal(r.status, 200, r.text);
	return r.json.settings;
}

/** Waits until pred(await fn()) holds (at most ms); resolves the last value. */
export async function until(fn, pred, ms = 10_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (pred(v))
			return v;
		if (Date.now() > deadline)
			throw new Error(`not within ${ms} ms: ${JSON.stringify(v)?.slice(0, 2000)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
