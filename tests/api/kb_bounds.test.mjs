// What a stranger may do to the knowledge base without an account, and its
// bounds (docs/kb.md, docs/security.md): a draft's files are as private as
// its text; votes need the help center's voter cookie and are held to its
// votes a minute per address, and a signed-in customer's vote counts once
// on the API and the form; searches are recorded only up to a rate per
// address and kept no longer than the report reads; a search's click needs
// the token its answer carried, within the hour, once, for an article the
// caller may see. Each stranger comes from an address of their own
// (127.0.0.x), since the limits count per address.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { sleep, sqlOnServer, startServer } from './lib/server.mjs';

const HC = '/api/v2/help_center';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let srv, agent, alice, sec;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const cat = (await srv.api('POST', `${HC}/categories`, { category: { name: 'Help', locale: 'en', position: 1 } })).json.category;
	sec = (await srv.api('POST', `${HC}/categories/${cat.id}/sections`, { section: { name: 'All', locale: 'en', position: 1 } })).json.section;
});
after(async () => { await srv?.cleanup(); });

async function newArticle(fields) {
	const r = await srv.api('POST', `${HC}/sections/${sec.id}/articles`, {
		article: { locale: 'en', body_markdown: 'Body.', visibility: 'public', draft: false, ...fields },
	}, { auth: agent });
	assert.equal(r.status, 201, r.text);
	return r.json.article;
}

// A request from a loopback address of its own: { status, headers, text, json }.
function from(address, method, path, body, headers = {}) {
	const h = { ...headers };
	let data = body;
	if (body !== undefined && typeof body !== 'string') {
		h['content-type'] = 'application/json';
		data = JSON.stringify(body);
	}
	return new Promise((resolve, reject) => {
		const req = http.request(`${srv.base}${path}`, { method, headers: h, localAddress: address }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; });
			res.on('end', () => {
				let json;
				try { json = JSON.parse(text); } catch { json = undefined; }
				resolve({ status: res.statusCode, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		req.end(data);
	});
}

const voter = (n) => n.toString(16).padStart(32, '0');

describe('a draft article\'s files', () => {
	it('are served to nobody but agents until a translation is published', async () => {
		const a = await newArticle({ title: 'Not yet announced', draft: true });
		const up = await srv.api('POST', `${HC}/articles/${a.id}/attachments?filename=plan.png`, PNG,
			{ auth: agent, headers: { 'content-type': 'image/png' } });
		assert.equal(up.status, 201, up.text);
		const url = `/hc/article_attachments/${up.json.article_attachment.id}`;
		const missing = await srv.api('GET', '/hc/article_attachments/987654321', null, { auth: 'anonymous' });
		for (const auth of ['anonymous', alice]) {
			const r = await srv.api('GET', url, null, { auth });
			assert.equal(r.status, 404, 'a draft\'s image is not shown');
			assert.equal(r.text, missing.text, 'the same 404 as a file that does not exist');
		}
		assert.equal((await srv.api('GET', url, null, { auth: agent })).status, 200);
		// published: everyone may see it
		const pub = await srv.api('PUT', `${HC}/articles/${a.id}/translations/en`, { translation: { draft: false } }, { auth: agent });
		assert.equal(pub.status, 200, pub.text);
		assert.equal((await srv.api('GET', url, null, { auth: 'anonymous' })).status, 200);
		// a draft translation beside a published one does not hide the file
		const uk = await srv.api('POST', `${HC}/articles/${a.id}/translations`,
			{ translation: { locale: 'uk', title: 'Чернетка', body_markdown: 'Текст.', draft: true } }, { auth: agent });
		assert.equal(uk.status, 201, uk.text);
		assert.equal((await srv.api('GET', url, null, { auth: 'anonymous' })).status, 200);
	});
});
