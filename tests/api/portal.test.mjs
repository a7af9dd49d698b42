// The customer portal's doors for people without an account: the public
// contact form (POST /portal/requests, urlencoded or multipart, answered
// with a page or with JSON), and signing in by a link mailed through a real
// SMTP server (Debian's aiosmtpd).
//
// The form allows 5 submissions per client address in 10 minutes, so each
// test posts from a loopback address of its own (127.0.0.N: Linux routes
// all of 127/8 to lo), which is what the server sees as the client.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { startServer } from './lib/server.mjs';

const ATTACHMENT_LIMIT = 65536;
let srv, agent, alice, bob;
let nextAddress = 10;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'],
		env: { FRONTLINE_ATTACHMENT_LIMIT: String(ATTACHMENT_LIMIT) } });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

/** A loopback address no other test posts from. */
const freshAddress = () => `127.0.0.${nextAddress++}`;

/** A body as a browser would send it: FormData (multipart) or URLSearchParams. */
async function encode(body) {
	const q = new Request('http://x/', { method: 'POST', body });
	return { type: q.headers.get('content-type'), bytes: Buffer.from(await q.arrayBuffer()) };
}

/**
 * POSTs body (FormData, URLSearchParams, or {type, bytes}) to path from the
 * loopback address from; json: true sends Accept: application/json.
 * Resolves {status, headers, text, json}.
 */
async function post(path, body, { from, json = false, headers = {} } = {}) {
	const { type, bytes } = body.bytes ? body : await encode(body);
	const h = { 'content-type': type, 'content-length': bytes.length, ...headers };
	if (json)
		h.accept = 'application/json';
	return new Promise((resolve, reject) => {
		const req = http.request(`${srv.base}${path}`, { method: 'POST', headers: h, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed;
				if ((res.headers['content-type'] ?? '').includes('json'))
					parsed = JSON.parse(text);
				resolve({ status: res.statusCode, headers: res.headers, text, json: parsed });
			});
		});
		req.on('error', reject);
		req.end(bytes);
	});
}

const submit = (body, opts = {}) => post('/portal/requests', body, { from: freshAddress(), ...opts });

function form(fields) {
	const f = new URLSearchParams();
	for (const [k, v] of Object.entries(fields))
		f.append(k, v);
	return f;
}

const ticketCount = async () => (await srv.allTickets()).length;

async function userByEmail(email) {
	const r = await srv.api('GET', '/api/v2/users?per_page=100');
	assert.equal(r.status, 200, r.text);
	assert.ok(r.json.count <= 100);
	return r.json.users.find((u) => u.email === email);
}

/** The ticket, its comments and its requester, as an agent sees them. */
async function look(id) {
	const t = await srv.api('GET', `/api/v2/tickets/${id}`, null, { auth: agent });
	assert.equal(t.status, 200, t.text);
	const c = await srv.api('GET', `/api/v2/tickets/${id}/comments`, null, { auth: agent });
	assert.equal(c.status, 200, c.text);
	const u = await srv.api('GET', `/api/v2/users/${t.json.ticket.requester_id}`, null, { auth: agent });
	assert.equal(u.status, 200, u.text);
	return { ticket: t.json.ticket, comments: c.json.comments, requester: u.json.user };
}

/** The number in "Request #N received", from an answer page. */
function receivedNumber(page) {
	const m = /<h1>Request #(\d+) received<\/h1>/.exec(page);
	assert.ok(m, `no "Request #N received" in\n${page}`);
	return Number(m[1]);
}

function assertPage(r) {
	assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
	assert.equal(r.headers['content-security-policy'],
		"default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'");
	assert.doesNotMatch(r.text, /<script/i, 'the answer page has no script');
	assert.match(r.text, /<link rel="stylesheet" href="\/assets\/app.css">/);
}

describe('the contact form', () => {
	it('urlencoded, from a browser without JavaScript: a ticket from the web, a new requester, a page', async () => {
		const fields = { name: 'Оксана Коваль', email: 'Oksana.Koval@Example.test', subject: 'Де моє замовлення?',
			description: 'Замовлення 4411 досі не прийшло.\r\nЧекаю вже тиждень.', website: '' };
		const before = await ticketCount();
		const r = await submit(form(fields));
		assert.equal(r.status, 201, r.text);
		assertPage(r);
		const id = receivedNumber(r.text);
		assert.match(r.text, /<html lang="en">/);
		assert.match(r.text, /oksana\.koval@example\.test/);
		assert.equal(await ticketCount(), before + 1);

		const { ticket, comments, requester } = await look(id);
		assert.equal(ticket.subject, fields.subject);
		assert.equal(ticket.via.channel, 'web');
		assert.equal(ticket.status, 'new');
		assert.equal(ticket.submitter_id, requester.id);
		assert.equal(requester.email, fields.email.toLowerCase());
		assert.equal(requester.name, fields.name);
		assert.equal(requester.role, 'end-user');
		assert.equal(comments.length, 1);
		// the text area's CRLF is the LF that was typed
		assert.equal(comments[0].body, fields.description.replace(/\r\n/g, '\n'));
		assert.equal(comments[0].public, true);
		assert.equal(comments[0].author_id, requester.id);
		assert.deepEqual(comments[0].attachments, []);
	});

	it('multipart with files, from JavaScript: JSON, the known requester, the files on the first comment', async () => {
		const files = [
			{ name: 'receipt.pdf', type: 'application/pdf', bytes: crypto.randomBytes(5000) },
			{ name: 'фото посилки.png', type: 'image/png', bytes: crypto.randomBytes(ATTACHMENT_LIMIT) },
		];
		const f = new FormData();
		f.append('email', alice.email.toUpperCase());
		f.append('subject', 'Damaged parcel');
		f.append('description', 'The box was crushed; photos attached.');
		for (const file of files)
			f.append('attachments', new Blob([file.bytes], { type: file.type }), file.name);
		f.append('attachments', new Blob([]), ''); // a file input left empty
		const r = await submit(f, { json: true });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(Object.keys(r.json), ['request']);
		const { id } = r.json.request;
		assert.ok(Number.isInteger(id) && id > 0);
		assert.deepEqual(r.json.request, { id, subject: 'Damaged parcel', status: 'new' });

		const { ticket, comments, requester } = await look(id);
		assert.equal(requester.id, alice.id, 'found by e-mail, not made again');
		assert.equal(ticket.requester_id, alice.id);
		assert.equal(ticket.via.channel, 'web');
		assert.equal(comments.length, 1);
		const got = comments[0].attachments;
		assert.deepEqual(got.map((a) => a.file_name), files.map((x) => x.name));
		for (const [i, a] of got.entries()) {
			assert.equal(a.size, files[i].bytes.length);
			const d = await fetch(a.content_url, { headers: { authorization: `Bearer ${agent.token}` } });
			assert.equal(d.status, 200);
			assert.ok(Buffer.from(await d.arrayBuffer()).equals(files[i].bytes), `${a.file_name}: the bytes sent`);
			// the requester may download them too
			const mine = await fetch(a.content_url, { headers: { authorization: `Bearer ${alice.token}` } });
			assert.equal(mine.status, 200);
			await mine.arrayBuffer();
		}
	});

	it('what people type is shown as text, never as markup', async () => {
		const evil = '<script>alert(1)</script>';
		const r = await submit(form({ name: evil, email: 'mallory@example.test', subject: evil, description: evil }));
		assert.equal(r.status, 201, r.text);
		assertPage(r);
		const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
		assert.equal(r.text.split(escaped).length - 1, 2, `name and subject escaped in\n${r.text}`);
		const { ticket, requester } = await look(receivedNumber(r.text));
		assert.equal(ticket.subject, evil, 'stored as typed');
		assert.equal(requester.name, evil);
	});

	it('missing and invalid fields: every one named (JSON 422, or a page listing them), nothing made', async () => {
		const before = await ticketCount();
		const bad = { name: 'x'.repeat(256), email: 'not an address', subject: 's'.repeat(301), description: ' \r\n ' };
		const r = await submit(form(bad), { json: true });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.error, 'RecordInvalid');
		assert.deepEqual(Object.keys(r.json.details).sort(), ['description', 'email', 'name', 'subject']);
		assert.equal(r.json.details.email[0].error, 'InvalidValue');
		assert.equal(r.json.details.subject[0].error, 'TooLong');
		assert.equal(r.json.details.name[0].error, 'TooLong');
		assert.equal(r.json.details.description[0].error, 'Blank');

		const empty = await submit(form({}), { json: true });
		assert.equal(empty.status, 422, empty.text);
		assert.deepEqual(Object.keys(empty.json.details).sort(), ['description', 'email', 'subject']);
		for (const k of ['email', 'subject', 'description'])
			assert.equal(empty.json.details[k][0].error, 'Blank');

		// without JavaScript: a page in the form's language, with a way back
		const page = await submit(form({ ...bad, locale: 'uk' }));
		assert.equal(page.status, 422);
		assertPage(page);
		assert.match(page.text, /<html lang="uk">/);
		assert.match(page.text, /<h1>Звернення не надіслано<\/h1>/);
		for (const sentence of ['Адреса електронної пошти неправильна', 'Тема задовга', 'Опишіть ваше питання', "Ім&#39;я задовге"])
			assert.ok(page.text.includes(sentence), `"${sentence}" in\n${page.text}`);
		assert.match(page.text, /<a href="\/portal\/">Повернутися до форми<\/a>/);

		assert.equal(await ticketCount(), before);
		assert.equal(await userByEmail('not an address'), undefined);
	});

	it('the page speaks the locale field, else Accept-Language, else English', async () => {
		const ok = { email: 'lina@example.test', subject: 'Kalba', description: 'Labas' };
		let r = await submit(form(ok), { headers: { 'accept-language': 'de-DE, lt;q=0.8, ru;q=0.9' } });
		assert.equal(r.status, 201, r.text);
		assert.match(r.text, /<html lang="ru">/);
		assert.match(r.text, /<h1>Обращение #\d+ получено<\/h1>/);
		r = await submit(form({ ...ok, locale: 'lt' }), { headers: { 'accept-language': 'ru' } });
		assert.match(r.text, /<h1>Užklausa #\d+ gauta<\/h1>/);
		r = await submit(form(ok), { headers: { 'accept-language': 'de, fr;q=0.5' } });
		receivedNumber(r.text);
		// a new requester speaks the form's language
		const made = await userByEmail('lina@example.test');
		assert.equal(made.locale, 'ru');
	});

	it('the hidden field filled in (a robot): the answer looks the same, nothing is made', async () => {
		const before = await ticketCount();
		const bot = { name: 'Bot', email: 'bot@spam.test', subject: 'Cheap pills', description: 'Buy now', website: 'http://spam.test' };
		const j = await submit(form(bot), { json: true });
		assert.equal(j.status, 201, j.text);
		assert.deepEqual(Object.keys(j.json.request).sort(), ['id', 'status', 'subject']);
		assert.equal(j.json.request.subject, bot.subject);
		assert.equal(j.json.request.status, 'new');
		const p = await submit(form(bot));
		assert.equal(p.status, 201);
		assertPage(p);
		receivedNumber(p.text);
		assert.equal(await ticketCount(), before);
		assert.equal(await userByEmail('bot@spam.test'), undefined);
		const t = await srv.api('GET', `/api/v2/tickets/${j.json.request.id}`);
		assert.equal(t.status, 404, 'the number it was told is no ticket');
	});

	it('at most 5 submissions per address in 10 minutes: the 6th is 429 with Retry-After', async () => {
		const from = freshAddress();
		const before = await ticketCount();
		for (let i = 1; i <= 5; i++) {
			const r = await post('/portal/requests', form({ email: 'flood@example.test', subject: `Try ${i}`, description: 'again' }),
				{ from, json: true });
			assert.equal(r.status, 201, `submission ${i}: ${r.text}`);
		}
		const sixth = await post('/portal/requests', form({ email: 'flood@example.test', subject: 'Try 6', description: 'again' }),
			{ from, json: true });
		assert.equal(sixth.status, 429, sixth.text);
		assert.equal(sixth.json.error, 'TooManyRequests');
		const wait = Number(sixth.headers['retry-after']);
		assert.ok(wait > 0 && wait <= 600, `Retry-After ${sixth.headers['retry-after']}`);
		const page = await post('/portal/requests', form({ email: 'flood@example.test', subject: 'Try 7', description: 'again' }), { from });
		assert.equal(page.status, 429);
		assertPage(page);
		assert.match(page.text, /Too many requests from your address/);
		assert.equal(await ticketCount(), before + 5);
		// another address is not held back
		const other = await submit(form({ email: 'flood@example.test', subject: 'Elsewhere', description: 'fine' }), { json: true });
		assert.equal(other.status, 201, other.text);
	});

	it('files: at most 10, each within attachment_limit; anything but a form is refused', async () => {
		const before = await ticketCount();
		const many = new FormData();
		for (const [k, v] of Object.entries({ email: 'files@example.test', subject: 'Files', description: 'Many' }))
			many.append(k, v);
		for (let i = 0; i < 11; i++)
			many.append('attachments', new Blob([`file ${i}`]), `f${i}.txt`);
		let r = await submit(many, { json: true });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details.attachments[0].error, 'TooMany');

		const big = new FormData();
		for (const [k, v] of Object.entries({ email: 'files@example.test', subject: 'Files', description: 'Big' }))
			big.append(k, v);
		big.append('attachments', new Blob([crypto.randomBytes(ATTACHMENT_LIMIT + 1)]), 'big.bin');
		r = await submit(big, { json: true });
		assert.equal(r.status, 413, r.text);
		assert.equal(r.json.details.attachments[0].error, 'TooLong');
		r = await submit(big);
		assert.equal(r.status, 413);
		assertPage(r);
		assert.match(r.text, /a file is too large/);

		r = await submit({ type: 'application/json', bytes: Buffer.from('{"email":"x@example.test"}') }, { json: true });
		assert.equal(r.status, 415, r.text);
		r = await submit({ type: 'multipart/form-data', bytes: Buffer.from('--x\r\n') }, { json: true });
		assert.equal(r.status, 415, 'multipart without a boundary');
		r = await submit({ type: 'multipart/form-data; boundary=XyZ', bytes: Buffer.from('garbage without a boundary line') }, { json: true });
		assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
		assert.equal(await ticketCount(), before);
	});

	it('a signed-in customer\'s browser posts the form without a CSRF header; the page path still serves the app', async () => {
		const s = await srv.api('POST', '/api/v2/auth/session', { email: bob.email, password: bob.password }, { auth: 'anonymous' });
		assert.equal(s.status, 200, s.text);
		const cookie = /fl_session=[^;]*/.exec(s.headers.get('set-cookie'))[0];
		const r = await submit(form({ email: bob.email, subject: 'From my browser', description: 'Signed in' }),
			{ headers: { cookie } });
		assert.equal(r.status, 201, r.text);
		const { ticket } = await look(receivedNumber(r.text));
		assert.equal(ticket.requester_id, bob.id);

		const page = await fetch(`${srv.base}/portal/requests`);
		assert.equal(page.status, 200);
		assert.match(page.headers.get('content-type'), /text\/html/);
		assert.match(await page.text(), /portal/);
	});

	it('a deactivated customer\'s address is refused by name', async () => {
		const u = await srv.api('POST', '/api/v2/users', { user: { name: 'Gone', email: 'gone@example.test' } });
		assert.equal(u.status, 201, u.text);
		assert.equal((await srv.api('DELETE', `/api/v2/users/${u.json.user.id}`)).status, 200);
		const before = await ticketCount();
		const r = await submit(form({ email: 'gone@example.test', subject: 'Still here', description: 'Hello' }), { json: true });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details.email[0].error, 'InvalidValue');
		assert.equal(await ticketCount(), before);
	});
});

/** The session cookie and CSRF token of a sign-in answer. */
function session(r) {
	const m = /fl_session=([^;]*)/.exec(r.headers.get('set-cookie') ?? '');
	assert.ok(m, `no fl_session cookie in ${r.headers.get('set-cookie')}`);
	return { cookie: `fl_session=${m[1]}`, csrf: r.json.csrf_token };
}

const askLink = (body) => srv.api('POST', '/api/v2/portal/magic_link', body, { auth: 'anonymous' });
const useLink = (body) => srv.api('POST', '/api/v2/auth/magic', body, { auth: 'anonymous' });

describe('signing in by e-mailed link', () => {
	let smtp, carol;

	before(async () => {
		carol = await srv.addUser('end-user', 'Карина', 'carol@example.test');
		const u = await srv.api('PUT', `/api/v2/users/${carol.id}`, { user: { locale: 'uk' } });
		assert.equal(u.status, 200, u.text);
	});
	after(async () => { await smtp?.cleanup(); });

	it('with no relay set up the answer is the same 202, saying the link is kept for the admin', async () => {
		const r = await askLink({ email: carol.email });
		assert.equal(r.status, 202, r.text);
		assert.deepEqual(r.json, { delivery: 'outbox' });
	});

	it('the link arrives in the customer\'s language, signs in once, and shows only their tickets', async () => {
		smtp = await startSmtp();
		const s = await srv.api('PUT', '/api/v2/mail/settings', { mail_settings: {
			smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'help@shop.test' } });
		assert.equal(s.status, 200, s.text);
		// a request of carol's by the form, acknowledged in her language; others' tickets too
		const mine = await submit(form({ email: carol.email, subject: 'Моє звернення', description: 'Допоможіть' }), { json: true });
		assert.equal(mine.status, 201, mine.text);
		const ack = await smtp.waitFor((m) => m.headers.subject.includes(`[#${mine.json.request.id}]`));
		assert.equal(ack.headers.to, carol.email);
		assert.match(ack.text, new RegExp(`Ми отримали ваше звернення #${mine.json.request.id}`));
		await srv.ticket({ subject: 'Not carol\'s', requester_id: alice.id });

		const r = await askLink({ email: carol.email });
		assert.equal(r.status, 202, r.text);
		assert.deepEqual(r.json, { delivery: 'mail' });
		const mail = await smtp.waitFor((m) => m.headers.to === carol.email && /signin/.test(m.text));
		// (the helper keeps the space between encoded words)
		assert.equal(mail.headers.subject.replace(/\s+/g, ' '), 'Ваше посилання для входу');
		assert.match(mail.text, /Щоб переглянути свої звернення/);
		const link = new RegExp(`${srv.base.replace(/\./g, '\\.')}/portal/signin#token=([A-Za-z0-9_-]{43})`).exec(mail.text);
		assert.ok(link, `no link in\n${mail.text}`);
		const token = link[1];

		const a = await useLink({ token, remember: true });
		assert.equal(a.status, 200, a.text);
		assert.equal(a.json.user.id, carol.id);
		assert.equal(a.json.user.role, 'end-user');
		assert.match(a.headers.get('set-cookie'), /HttpOnly; SameSite=Lax/);
		assert.match(a.headers.get('set-cookie'), /Max-Age=\d+/, 'remember: a lasting cookie');
		const { cookie, csrf } = session(a);
		assert.ok(typeof csrf === 'string' && csrf.length >= 16);

		const list = await srv.api('GET', '/api/v2/tickets', null, { auth: 'anonymous', headers: { cookie } });
		assert.equal(list.status, 200, list.text);
		assert.deepEqual(list.json.tickets.map((t) => t.id), [mine.json.request.id]);
		const id = mine.json.request.id;
		const reply = { ticket: { comment: { body: 'Дякую, чекаю' } } };
		const no = await srv.api('PUT', `/api/v2/tickets/${id}`, reply, { auth: 'anonymous', headers: { cookie } });
		assert.equal(no.status, 403, 'a write without the CSRF token');
		const yes = await srv.api('PUT', `/api/v2/tickets/${id}`, reply, { auth: 'anonymous', headers: { cookie, 'x-csrf-token': csrf } });
		assert.equal(yes.status, 200, yes.text);
		const c = await srv.api('GET', `/api/v2/tickets/${id}/comments`, null, { auth: agent });
		assert.equal(c.json.comments.at(-1).body, 'Дякую, чекаю');
		assert.equal(c.json.comments.at(-1).author_id, carol.id);

		const again = await useLink({ token });
		assert.equal(again.status, 401, again.text);
		assert.equal(again.json.details.token[0].error, 'Used');
		assert.equal(again.headers.get('set-cookie'), null);
	});

	it('a link is built on the stored public URL, never on the Host header', async () => {
		// the public case: with public_url unset, Host: evil.example was
		// mailed to the victim as http://evil.example/portal/signin#token=…
		// (asked from other loopback addresses: the per-address limit is the
		// other tests')
		const dave = await srv.addUser('end-user', 'Dave', 'dave@example.test');
		const ask = (from, host, locale) => new Promise((resolve, reject) => {
			const u = new URL(srv.base);
			const body = JSON.stringify({ email: dave.email, locale });
			const req = http.request({ host: u.hostname, port: u.port, method: 'POST', localAddress: from,
				path: '/api/v2/portal/magic_link',
				headers: { Host: host, 'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(body) } }, (res) => { res.resume(); resolve(res.statusCode); });
			req.on('error', reject);
			req.end(body);
		});
		assert.equal(await ask('127.0.0.2', 'evil.example', 'en'), 202);
		const mail = await smtp.waitFor((m) => m.headers.to === dave.email && /sign in with this link/.test(m.text));
		assert.doesNotMatch(mail.text, /evil\.example/);
		assert.match(mail.text, new RegExp(`${srv.base.replace(/\./g, '\\.')}/portal/signin#token=`));
		// an admin moves it; a URL that could carry another host is refused
		const bad = await srv.api('PUT', '/api/v2/account/settings', { settings: { public_url: 'https://help.example.com@evil.example' } });
		assert.equal(bad.status, 422, bad.text);
		assert.ok(bad.json.details.public_url, bad.text);
		const agentTry = await srv.api('PUT', '/api/v2/account/settings', { settings: { public_url: srv.base } }, { auth: agent });
		assert.equal(agentTry.status, 403, agentTry.text);
		const moved = await srv.api('PUT', '/api/v2/account/settings', { settings: { public_url: 'https://help.example.com/' } });
		assert.equal(moved.status, 200, moved.text);
		assert.deepEqual(moved.json.settings, { public_url: 'https://help.example.com', public_url_locked: false });
		assert.equal(await ask('127.0.0.3', 'evil.example', 'ru'), 202);
		const ru = await smtp.waitFor((m) => m.headers.to === dave.email && /войдите по этой ссылке/.test(m.text));
		assert.match(ru.text, /https:\/\/help\.example\.com\/portal\/signin#token=/);
		const back = await srv.api('PUT', '/api/v2/account/settings', { settings: { public_url: srv.base } });
		assert.equal(back.status, 200, back.text);
	});

	it('the language asked for wins over the stored one; without remember, a session cookie', async () => {
		const r = await askLink({ email: carol.email, locale: 'lt' });
		assert.equal(r.status, 202, r.text);
		const mail = await smtp.waitFor((m) => m.headers.subject.replace(/\s+/g, ' ') === 'Jūsų prisijungimo nuoroda');
		const token = /#token=([A-Za-z0-9_-]{43})/.exec(mail.text)[1];
		const a = await useLink({ token });
		assert.equal(a.status, 200, a.text);
		assert.doesNotMatch(a.headers.get('set-cookie'), /Max-Age/i);
	});

	it('unknown addresses, agents and bad tokens: 202 and no mail; 401 saying why', async () => {
		const before = (await smtp.messages()).length;
		for (const email of ['nobody@example.test', agent.email]) {
			const r = await askLink({ email });
			assert.equal(r.status, 202, r.text);
			assert.deepEqual(r.json, { delivery: 'mail' });
		}
		// a link asked after them arrives: the jobs before it ran
		await askLink({ email: bob.email });
		await smtp.waitFor((m) => m.headers.to === bob.email && /#token=/.test(m.text));
		const msgs = await smtp.messages();
		assert.equal(msgs.length, before + 1, msgs.map((m) => m.headers.to).join(', '));
		assert.ok(!msgs.some((m) => ['nobody@example.test', agent.email].includes(m.headers.to)));

		const bad = await useLink({ token: crypto.randomBytes(32).toString('base64url') });
		assert.equal(bad.status, 401, bad.text);
		assert.equal(bad.json.details.token[0].error, 'Invalid');
		const shape = await useLink({ token: 'not-a-token' });
		assert.equal(shape.status, 401);
		assert.equal((await useLink({})).status, 422);
		assert.equal((await askLink({ email: 'not an address' })).status, 422);
	});

	it('link requests are limited per client address', async () => {
		let last;
		for (let i = 0; i < 12 && (!last || last.status === 202); i++)
			last = await askLink({ email: `someone${i}@example.test` });
		assert.equal(last.status, 429, last.text);
		assert.ok(Number(last.headers.get('retry-after')) > 0);
	});
});
