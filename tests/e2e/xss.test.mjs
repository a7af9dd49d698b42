// Stored script in everything that comes from outside — a subject, a name,
// a comment, an attachment's file name, an HTML e-mail — never runs in an
// agent's or a customer's browser, and shows as the text it is.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { PASSWORD, it, openDesk } from './lib/browser.mjs';


// Every payload sets window.__xss (or opens a dialog) if it ever runs.
const PAYLOAD = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script><svg onload="window.__xss=3">';
const FILE = '<img src=x onerror=alert(1)>.txt';
const MAIL_HTML = '<p>Hello <b>desk</b></p><script>parent.__xss=4;window.__xss=4</script>' +
	'<img src="x" onerror="parent.__xss=5"><a href="javascript:parent.__xss=6" id="evil">click</a>' +
	'<iframe src="javascript:parent.__xss=7"></iframe><form action="javascript:parent.__xss=8"><button>go</button></form>' +
	'<div style="background:url(javascript:parent.__xss=9)">styled</div>';

let desk, srv, formTicket, apiTicket, mailTicket, customer;

before(async () => {
	desk = await openDesk({ agents: ['agent'] });
	srv = desk.srv;
	// the contact form, as a bot would post it
	const form = new FormData();
	form.set('name', PAYLOAD);
	form.set('email', 'mallory@example.test');
	form.set('subject', `Refund ${PAYLOAD}`);
	form.set('description', `Words ${PAYLOAD}`);
	form.set('attachments', new Blob(['evil']), FILE);
	const r = await fetch(`${srv.base}/portal/requests`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
	assert.equal(r.status, 201, await r.clone().text());
	formTicket = (await r.json()).request.id;

	// a customer with a password, writing through the API
	const u = await srv.api('POST', '/api/v2/users', { user: { name: `Eve ${PAYLOAD}`, email: 'eve@example.test', password: PASSWORD } });
	assert.equal(u.status, 201, u.text);
	customer = u.json.user;
	const t = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: `Invoice ${PAYLOAD}`,
		comment: { body: `Body ${PAYLOAD}` } } }, { auth: { basic: [customer.email, PASSWORD] } });
	assert.equal(t.status, 201, t.text);
	apiTicket = t.json.ticket.id;

	// an HTML e-mail
	const mail = [
		'From: Mallory <mallory@example.test>', 'To: support@shop.test', 'Subject: HTML mail',
		'Message-ID: <xss-1@example.test>', 'MIME-Version: 1.0',
		'Content-Type: multipart/alternative; boundary="b"', '', '--b',
		'Content-Type: text/plain; charset=utf-8', '', 'Hello desk', '--b',
		'Content-Type: text/html; charset=utf-8', '', MAIL_HTML, '--b--', ''].join('\r\n');
	const m = await srv.api('POST', '/api/v2/mail/inbound', Buffer.from(mail), { headers: { 'content-type': 'message/rfc822' } });
	assert.equal(m.status, 201, m.text);
	mailTicket = m.json.ticket_id;
});
after(async () => { await desk?.close(); });

async function signedIn(url, email, password) {
	const w = await desk.tab({ locale: 'en-US' });
	await w.signIn({ email, password });
	await w.page.goto(srv.base + url);
	return w;
}

async function clean(w, what) {
	await w.page.waitForTimeout(300); // an onerror fires once the image fails
	assert.equal(await w.page.evaluate(() => window.__xss), undefined, `script ran on ${what}`);
	// and nothing was even put on the page as markup (the CSP would stop
	// most of it running: this does not count on it)
	const injected = await w.page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], [onerror], script:not([src])').length);
	assert.equal(injected, 0, `markup injected on ${what}`);
	w.assertClean();
}

it('the workspace shows every stored payload as text: list, ticket pages, search, the customer', async () => {
	const w = await signedIn('/agent/queues/all-open', srv.users.agent.email, srv.users.agent.password);
	await w.page.waitForSelector(`[data-test=ticket-row][data-id="${formTicket}"]`);
	assert.ok((await w.page.textContent('[data-test=ticket-list]')).includes(`Refund ${PAYLOAD}`));
	await clean(w, 'the ticket list');

	for (const id of [formTicket, apiTicket]) {
		await w.page.goto(`${srv.base}/agent/tickets/${id}`);
		await w.page.waitForSelector('[data-test=comment]');
		assert.ok((await w.page.textContent('[data-test=ticket-subject]')).includes(PAYLOAD), `subject of #${id}`);
		assert.ok((await w.page.textContent('[data-test=comment] .body')).includes(PAYLOAD), `comment of #${id}`);
		assert.ok((await w.page.textContent('[data-test=customer]')).includes(PAYLOAD), `name on #${id}`);
		await clean(w, `ticket #${id}`);
	}
	await w.page.goto(`${srv.base}/agent/tickets/${formTicket}`);
	await w.page.waitForSelector('[data-test=attachment]');
	// the name as the desk stored it (quoting characters replaced), shown as text
	const stored = (await srv.api('GET', `/api/v2/tickets/${formTicket}/comments`)).json.comments[0].attachments[0].file_name;
	assert.match(stored, /onerror=alert\(1\)/);
	assert.ok((await w.page.textContent('[data-test=attachment]')).includes(stored));
	await clean(w, 'the attachment');

	await w.page.goto(`${srv.base}/agent/search?q=${encodeURIComponent('refund')}`);
	await w.page.waitForSelector('[data-test=search-result]');
	await clean(w, 'search results');
	await w.page.goto(`${srv.base}/agent/customers/${customer.id}`);
	await w.page.waitForSelector('[data-test=person]');
	await clean(w, 'the customer page');
});

it('an HTML e-mail is shown sanitized in a frame where nothing can run', async () => {
	const w = await signedIn(`/agent/tickets/${mailTicket}`, srv.users.agent.email, srv.users.agent.password);
	const frame = w.page.locator('[data-test=mail-frame]');
	await frame.waitFor();
	const sandbox = await frame.getAttribute('sandbox');
	assert.ok(sandbox !== null && !sandbox.includes('allow-scripts'), `sandbox="${sandbox}"`);
	// an opaque origin: what the sanitizer might miss could not reach the page
	assert.ok(!sandbox.includes('allow-same-origin'), `sandbox="${sandbox}"`);
	// and it still gets the height of the mail, not a sliver
	assert.ok((await frame.boundingBox()).height >= 80, 'the frame is sized to the mail');
	const inner = w.page.frameLocator('[data-test=mail-frame]');
	await inner.locator('text=desk').waitFor();
	const html = await inner.locator('body').innerHTML();
	assert.doesNotMatch(html, /<script|onerror|javascript:|<iframe|<form/i, html);
	await inner.locator('text=click').click().catch(() => {}); // whatever the link became
	await clean(w, 'the e-mail');
	assert.equal(await w.page.frames()[1]?.evaluate(() => window.__xss).catch(() => undefined), undefined);
});

it('the portal shows a customer the same payloads as text', async () => {
	const w = await signedIn('/portal/requests', customer.email, PASSWORD);
	await w.page.waitForSelector(`[data-test=request-row][data-id="${apiTicket}"]`);
	assert.ok((await w.page.textContent(`[data-test=request-row][data-id="${apiTicket}"]`)).includes(PAYLOAD));
	await clean(w, 'my requests');
	await w.page.goto(`${srv.base}/portal/requests/${apiTicket}`);
	await w.page.waitForSelector('[data-test=comment]');
	assert.ok((await w.page.textContent('[data-test=comment-body]')).includes(PAYLOAD));
	await clean(w, 'the request page');
});

it('the form\'s answer without JavaScript runs nothing it was sent', async () => {
	const body = new URLSearchParams({ name: PAYLOAD, email: 'nojs@example.test', subject: `Nojs ${PAYLOAD}`, description: 'x' });
	const w = await desk.tab({ locale: 'en-US' });
	await w.page.route(`${srv.base}/portal/go`, (route) => route.fulfill({ contentType: 'text/html',
		body: `<form method=post action="/portal/requests">${[...body].map(([k, v]) => `<input type=hidden name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('')}</form>` }));
	await w.page.goto(`${srv.base}/portal/go`);
	await Promise.all([w.page.waitForNavigation(), w.page.evaluate(() => document.forms[0].submit())]);
	assert.match(await w.page.textContent('body'), /#\d+/); // the request's number
	await clean(w, 'the no-JavaScript answer');
});

it('bidi overrides in a subject or a name turn no text around, in the workspace and the portal', async () => {
	// stored as sent; shown without U+202E/U+2066…: "invoice\u202Efdp.exe"
	// would read "invoiceexe.pdf"
	const RLO = '\u202E', LRI = '\u2066', PDI = '\u2069';
	const u = await srv.api('POST', '/api/v2/users', { user: { name: `Bank${RLO}knaB`, email: 'bidi@example.test', password: PASSWORD } });
	assert.equal(u.status, 201, u.text);
	const t = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: `invoice${RLO}fdp.exe ${LRI}x${PDI}`,
		comment: { body: 'see the file' } } }, { auth: { basic: ['bidi@example.test', PASSWORD] } });
	assert.equal(t.status, 201, t.text);
	assert.equal(t.json.ticket.subject, `invoice${RLO}fdp.exe ${LRI}x${PDI}`, 'the desk keeps the text');
	const overrides = /[\u202A-\u202E\u2066-\u2069]/;
	const w = await signedIn(`/agent/tickets/${t.json.ticket.id}`, srv.users.agent.email, srv.users.agent.password);
	await w.page.waitForSelector('[data-test=comment]');
	const subject = await w.page.textContent('[data-test=ticket-subject]');
	assert.ok(subject.includes('invoicefdp.exe x'), subject);
	assert.doesNotMatch(await w.page.textContent('body'), overrides);
	await w.page.goto(`${srv.base}/agent/`);
	await w.page.click('[data-test=queue-unassigned]');
	await w.page.waitForSelector(`[data-test=ticket-list] >> text=invoicefdp.exe`);
	assert.doesNotMatch(await w.page.textContent('[data-test=ticket-list]'), overrides);
	const p = await signedIn('/portal/requests', 'bidi@example.test', PASSWORD);
	await p.page.waitForSelector(`[data-test=request-row][data-id="${t.json.ticket.id}"]`);
	assert.doesNotMatch(await p.page.textContent('body'), overrides);
});
