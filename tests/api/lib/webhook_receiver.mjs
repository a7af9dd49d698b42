// A contract receiver for outbound webhooks, on loopback: it checks each
// request's signature as docs/webhooks.md tells a subscriber to
// (base64 of HMAC-SHA256 keyed with the secret over timestamp + body) and
// records what came. It can answer 500 a given number of times, answer a
// redirect, or hang.
import crypto from 'node:crypto';
import http from 'node:http';

export async function startReceiver() {
	const rx = {
		requests: [], // {method, path, headers, body, json, valid, at}
		secret: null, // the secret signatures are checked against
		fail: 0, // answer 500 this many more times
		failStatus: 500,
		retryAfter: null, // a Retry-After header on the failures
		redirect: null, // answer 302 to this location
		hang: false,
		waiters: [],
		verify(ts, body, sig) {
			if (!this.secret || !ts || !sig)
				return false;
			const want = crypto.createHmac('sha256', this.secret).update(ts + body).digest('base64');
			return want.length === sig.length &&
				crypto.timingSafeEqual(Buffer.from(want), Buffer.from(sig));
		},
		/** Waits (<= ms) until n requests have come. */
		async waitFor(n, ms = 20_000) {
			const deadline = Date.now() + ms;
			while (this.requests.length < n) {
				if (Date.now() > deadline)
					throw new Error(`receiver: ${this.requests.length} of ${n} requests came`);
				await new Promise((r) => setTimeout(r, 50));
			}
			return this.requests;
		},
	};
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let json = null;
			try { json = JSON.parse(body); } catch { /* recorded as it came */ }
			rx.requests.push({
				method: req.method, path: req.url, headers: req.headers, body, json,
				valid: rx.verify(req.headers['x-frontline-webhook-signature-timestamp'], body,
					req.headers['x-frontline-webhook-signature']),
				at: Date.now(),
			});
			if (rx.hang)
				return; // never answers
			if (rx.redirect) {
				res.writeHead(302, { Location: rx.redirect });
				return res.end();
			}
			if (rx.fail > 0) {
				rx.fail--;
				res.writeHead(rx.failStatus, rx.retryAfter ? { 'Retry-After': String(rx.retryAfter) } : {});
				return res.end('not now');
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	rx.port = server.address().port;
	rx.url = `http://127.0.0.1:${rx.port}`;
	rx.close = () => {
		server.closeAllConnections();
		return new Promise((resolve) => server.close(resolve));
	};
	return rx;
}
