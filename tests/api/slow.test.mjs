// Slow and greedy clients (src/http/guard.c): one address may hold only so
// many connections while others are still answered; headers and bodies
// that trickle are cut at their deadlines, a body that keeps up the minimum
// rate is not; a chunked body over the limit is refused as soon as it
// passes it; transfer codings other than chunked are refused at once; live
// event streams outlive every deadline.
//
// The server runs with 2 s deadlines and 16 connections an address, so
// every test here ends within a few seconds. Linux routes all of 127/8 to
// loopback: sockets bound to 127.0.0.2 and 127.0.0.3 are other addresses.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { sleep, startServer } from './lib/server.mjs';

const CAP = 16;
const DEADLINE_S = 2;
let srv;

before(async () => {
	srv = await startServer({
		agents: ['agent'],
		bodyLimit: 2048,
		env: {
			FRONTLINE_CONNECTIONS_PER_ADDRESS: String(CAP),
			FRONTLINE_HEADER_TIMEOUT: String(DEADLINE_S),
			FRONTLINE_BODY_TIMEOUT: String(DEADLINE_S),
			FRONTLINE_BODY_MIN_RATE: '500',
		},
	});
});
after(async () => { await srv?.cleanup(); });

/**
 * A raw connection from address local. Resolves once connected to
 * {sock, send, text, closed}: closed resolves {ms (since connected), status
 * (0 when no answer came), text} when the server ends the connection.
 */
function connect(local = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: local });
		let text = '', t0;
		const closed = new Promise((done) => {
			sock.on('close', () => {
				const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
				done({ ms: Date.now() - t0, status: m ? Number(m[1]) : 0, text });
			});
		});
		sock.on('data', (d) => { text += d; });
		sock.on('error', () => {});
		sock.once('connect', () => {
			t0 = Date.now();
			resolve({ sock, closed, send: (s) => sock.write(s), text: () => text });
		});
		sock.once('error', reject);
	});
}

/** closed, or null after ms. */
const within = (c, ms) => Promise.race([c.closed, sleep(ms).then(() => null)]);

/** Sends s a byte every ms milliseconds until the connection ends. */
function trickle(c, s, ms = 1000) {
	let i = 0, stop = false;
	c.closed.then(() => { stop = true; });
	(async () => {
		while (!stop && i < s.length) {
			c.send(s[i++]);
			await sleep(ms);
		}
	})();
}

async function ticketCount() {
	const r = await srv.api('GET', '/api/v2/tickets/count');
	assert.equal(r.status, 200, r.text);
	return r.json.count.value;
}

const auth = () => `Authorization: Bearer ${srv.admin.token}\r\n`;

describe('one address', () => {
	it(`holds at most ${CAP} connections, and other addresses are still answered`, async () => {
		const held = [];
		for (let i = 0; i < CAP; i++) {
			const c = await connect('127.0.0.2');
			c.send('GET /livez HTTP/1.1\r\nHost: x\r\n'); // headers that never end
			held.push(c);
		}
		try {
			await sleep(300);
			for (const c of held)
				assert.equal(await within(c, 0), null, 'a connection under the cap was closed');
			// the next ones from that address are closed at once, unanswered
			for (let i = 0; i < 3; i++) {
				const extra = await connect('127.0.0.2');
				const end = await within(extra, 1000);
				assert.ok(end, `connection ${CAP + i + 1} from one address is still open`);
				assert.equal(end.status, 0);
			}
			// another address is answered
			const other = await connect('127.0.0.3');
			other.send('GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
			assert.equal((await within(other, 2000))?.status, 200);
			assert.equal((await srv.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
		} finally {
			for (const c of held)
				c.sock.destroy();
		}
		// the address has its connections back once they are gone
		await sleep(200);
		const again = await connect('127.0.0.2');
		again.send('GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		assert.equal((await within(again, 2000))?.status, 200);
	});
});

describe('deadlines', () => {
	it('headers sent a byte a second are cut after header_timeout', async () => {
		const c = await connect();
		c.send('GET /livez HTTP/1.1\r\nHost: x\r\n');
		trickle(c, 'X-Slow: ' + 'a'.repeat(60));
		const end = await within(c, DEADLINE_S * 1000 + 3000);
		assert.ok(end, 'a trickling header was not cut');
		assert.ok(end.ms >= DEADLINE_S * 1000 - 200, `cut too early: ${end.ms} ms`);
		assert.equal(end.status, 0, end.text);
	});

	it('a body sent a byte a second is cut after body_timeout with 408', async () => {
		const n = await ticketCount();
		const c = await connect();
		c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
			'Content-Length: 1000\r\n\r\n');
		trickle(c, '{"ticket": {"subject": "slow", "comment": {"body": "' + 'b'.repeat(940) + '"}}}');
		const end = await within(c, DEADLINE_S * 1000 + 3000);
		assert.ok(end, 'a trickling body was not cut');
		assert.ok(end.ms >= DEADLINE_S * 1000 - 200, `cut too early: ${end.ms} ms`);
		assert.equal(end.status, 408, end.text);
		assert.match(end.text, /RequestTimeout/);
		assert.equal(await ticketCount(), n);
	});

	it('a body that keeps up the minimum rate is not cut, though it takes longer than body_timeout', async () => {
		const body = JSON.stringify({ ticket: { subject: 'steady', comment: { body: 'c'.repeat(1700) } } });
		const c = await connect();
		c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
			`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
		// 300 bytes every 400 ms: 750 bytes a second, 2.4 s in all
		for (let i = 0; i < body.length; i += 300) {
			c.send(body.slice(i, i + 300));
			await sleep(400);
		}
		const end = await within(c, 5000);
		assert.equal(end?.status, 201, end?.text);
	});

	it('an idle kept-alive connection is closed after header_timeout; its answers ask clients for a second less', async () => {
		const c = await connect();
		c.send('GET /livez HTTP/1.1\r\nHost: x\r\n\r\n');
		await sleep(300);
		assert.match(c.text(), /^HTTP\/1\.1 200/);
		assert.match(c.text(), new RegExp(`\r\nKeep-Alive: timeout=${DEADLINE_S - 1}\r\n`, 'i'));
		const end = await within(c, DEADLINE_S * 1000 + 2000);
		assert.ok(end, 'an idle connection was kept');
		assert.ok(end.ms >= DEADLINE_S * 1000 - 200, `closed too early: ${end.ms} ms`);
	});

	it('an event stream stays open past every deadline', async () => {
		const s = await srv.events(srv.users.agent);
		assert.equal(s.status, 200);
		await sleep(DEADLINE_S * 2000 + 1000);
		assert.ok(!s.ended, 'the stream was cut');
		const t = await srv.ticket({ subject: 'Still listening' });
		await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === t.id);
		s.close();
	});
});

describe('bodies and their framing', () => {
	it('a chunked body over the limit is 413 before its last chunk', async () => {
		const n = await ticketCount();
		const c = await connect();
		const chunk = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
		c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
			'Transfer-Encoding: chunked\r\n\r\n');
		c.send(chunk('{"ticket": {"subject": "big", "comment": {"body": "' + 'd'.repeat(1000)));
		await sleep(100);
		c.send(chunk('d'.repeat(1500)));
		// no last chunk: the answer must come without it
		for (let i = 0; i < 20 && !/\r\n\r\n/.test(c.text()); i++)
			await sleep(50);
		assert.match(c.text(), /^HTTP\/1\.1 413 /, `no 413 before the last chunk: ${JSON.stringify(c.text())}`);
		assert.match(c.text(), /\r\nConnection: close\r\n/i);
		assert.match(c.text(), /"error":"PayloadTooLarge"/);
		c.send(chunk('"}}}') + '0\r\n\r\n');
		assert.ok(await within(c, 2000), 'the connection stayed open after the last chunk');
		assert.equal(await ticketCount(), n);
	});

	it('the rest of a refused body has header_timeout to end, however fast it comes', async () => {
		const c = await connect();
		const chunk = (t) => `${Buffer.byteLength(t).toString(16)}\r\n${t}\r\n`;
		c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
			'Transfer-Encoding: chunked\r\n\r\n');
		c.send(chunk('x'.repeat(3000)));
		for (let i = 0; i < 20 && !/\r\n\r\n/.test(c.text()); i++)
			await sleep(50);
		assert.match(c.text(), /^HTTP\/1\.1 413 /);
		const t0 = Date.now();
		let open = true;
		c.closed.then(() => { open = false; });
		// 1,300 B/s, well above body_min_rate: it once kept the slot for 8× the limit
		while (open && Date.now() - t0 < 6000) {
			c.send(chunk('y'.repeat(400)));
			await sleep(300);
		}
		assert.ok(!open, 'the drain was never cut');
		assert.ok(Date.now() - t0 < DEADLINE_S * 1000 + 1500, `cut after ${Date.now() - t0} ms`);
	});

	for (const te of ['chunked, identity', 'gzip, chunked', 'gzip', 'identity'])
		it(`Transfer-Encoding: ${te} is 501 at once`, async () => {
			const c = await connect();
			c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
				`Transfer-Encoding: ${te}\r\n\r\n2\r\n{}\r\n`);
			const end = await within(c, 1000);
			assert.ok(end, `no answer to Transfer-Encoding: ${te}`);
			assert.equal(end.status, 501, end.text);
			assert.match(end.text, /"error":"NotImplemented"/);
		});

	it('Content-Length with Transfer-Encoding is 400 and closes the connection', async () => {
		const c = await connect();
		c.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
			'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
		const end = await within(c, 1000);
		assert.ok(end, 'no answer, or the connection stayed open');
		assert.equal(end.status, 400, end.text);
		assert.equal((await srv.api('GET', '/healthz', null, { auth: 'anonymous' })).status, 200);
	});
});

it('the server stops cleanly with slow connections open (no leak, no sanitizer report)', async () => {
	const held = [];
	for (let i = 0; i < 4; i++) {
		const c = await connect('127.0.0.2');
		c.send('GET /livez HTTP/1.1\r\nHost: x\r\n');
		held.push(c);
	}
	const body = await connect();
	body.send(`POST /api/v2/tickets HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
		'Content-Length: 100\r\n\r\n{"ti');
	await srv.stop();
	for (const c of [...held, body])
		c.sock.destroy();
});
