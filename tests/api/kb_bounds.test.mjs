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

describe('votes', () => {
	it('an anonymous vote needs the help center\'s voter cookie', async () => {
		const a = await newArticle({ title: 'Voting' });
		for (const voter_key of ['k0', 'x'.repeat(32), voter(0xabc).toUpperCase(), voter(0xabc) + '0', 42])
			assert.equal((await from('127.0.0.31', 'POST', `${HC}/articles/${a.id}/up`, { locale: 'en', voter_key })).status, 422,
				`voter_key ${voter_key}`);
	});

	it('made-up voter keys from one address get the form\'s votes a minute, no more', async () => {
		const a = await newArticle({ title: 'Stuffed ballot' });
		const codes = [];
		for (let i = 0; i < 30; i++)
			codes.push((await from('127.0.0.32', 'POST', `${HC}/articles/${a.id}/up`, { locale: 'en', voter_key: voter(i) })).status);
		assert.equal(codes.filter((c) => c === 200).length, 8, codes.join());
		assert.equal(codes.filter((c) => c === 429).length, 22, codes.join());
		const r = await from('127.0.0.32', 'POST', `${HC}/articles/${a.id}/up`, { locale: 'en', voter_key: voter(99) });
		assert.ok(Number(r.headers['retry-after']) >= 1, 'says when to retry');
		const got = (await srv.api('GET', `${HC}/articles/${a.id}?locale=en`, null, { auth: agent })).json.article;
		assert.equal(got.vote_count, 8);
		// the help center's form shares the count
		const form = await from('127.0.0.32', 'POST', `/hc/en/articles/${a.id}/vote`, 'vote=up',
			{ 'content-type': 'application/x-www-form-urlencoded' });
		assert.equal(form.status, 429);
		// another address votes as usual
		assert.equal((await from('127.0.0.33', 'POST', `${HC}/articles/${a.id}/up`, { locale: 'en', voter_key: voter(1) })).status, 200);
	});

	it('a signed-in customer\'s vote counts once, on the API and on the help center\'s form', async () => {
		const a = await newArticle({ title: 'Once a customer' });
		const s = await srv.api('POST', '/api/v2/auth/session', { email: alice.email, password: alice.password }, { auth: 'anonymous' });
		assert.equal(s.status, 200, s.text);
		const session = /fl_session=[^;]*/.exec(s.headers.get('set-cookie'))[0];
		assert.equal((await srv.api('POST', `${HC}/articles/${a.id}/up`, { locale: 'en' }, { auth: alice })).status, 200);
		const form = await from('127.0.0.34', 'POST', `/hc/en/articles/${a.id}/vote`, 'vote=down',
			{ 'content-type': 'application/x-www-form-urlencoded', cookie: `${session}; fl_hc_voter=${voter(7)}` });
		assert.equal(form.status, 303, form.text);
		const got = (await srv.api('GET', `${HC}/articles/${a.id}?locale=en`, null, { auth: agent })).json.article;
		assert.equal(got.vote_count, 1, 'one person, one vote');
		assert.equal(got.vote_sum, -1, 'the later vote replaced the earlier');
	});
});

describe('the search log', () => {
	const report = async () => (await srv.api('GET', `${HC}/reports/searches?locale=en`, null, { auth: agent })).json.searches;

	it('records a stranger\'s searches up to a rate per address, and answers them all', async () => {
		await newArticle({ title: 'Flooding guide' });
		const ids = [];
		for (let i = 0; i < 20; i++) {
			const r = await from('127.0.0.41', 'GET', `${HC}/articles/search?query=flood${i}zz&locale=en`);
			assert.equal(r.status, 200, r.text);
			if (r.json.search_id)
				ids.push(r.json.search_id);
		}
		assert.equal(ids.length, 8, 'recorded up to the limit, each after that answered without a search_id');
		const rows = (await report()).filter((q) => /^flood\d+zz$/.test(q.query));
		assert.equal(rows.length, 8);
		// the help center's page too: answered, not recorded past the limit
		for (let i = 0; i < 12; i++)
			assert.equal((await from('127.0.0.42', 'GET', `/hc/en/search?query=hcflood${i}zz`)).status, 200);
		let hc = [];
		for (let tries = 0; tries < 30; tries++) {
			hc = (await report()).filter((q) => /^hcflood\d+zz$/.test(q.query));
			if (hc.length >= 8)
				break;
			await sleep(100);
		}
		await sleep(300);
		hc = (await report()).filter((q) => /^hcflood\d+zz$/.test(q.query));
		assert.equal(hc.length, 8);
	});

	it('forgets searches older than the report reads: the kb-search-purge job is queued', async () => {
		// what the job deletes is tested in tests/unit/store/test_store.c
		let job;
		for (let i = 0; i < 50 && !job; i++) { // the runner queues it as it starts
			const r = await srv.api('GET', '/api/v2/jobs?state=queued');
			assert.equal(r.status, 200, r.text);
			job = r.json.jobs.find((j) => j.kind === 'kb-search-purge');
			if (!job)
				await sleep(100);
		}
		assert.ok(job, 'no kb-search-purge job queued');
	});

	it('a click needs the search\'s token, within the hour, once, for an article the caller may see', async () => {
		const seen = await newArticle({ title: 'Clickable answer' });
		const hidden = await newArticle({ title: 'Clickable secret', visibility: 'agents' });
		const draft = await newArticle({ title: 'Clickable draft', draft: true });
		const s = (await from('127.0.0.51', 'GET', `${HC}/articles/search?query=clickable&locale=en`)).json;
		assert.ok(s.search_id > 0);
		assert.match(s.search_token, /^[0-9a-f]{32}$/);
		const click = (id, body, addr = '127.0.0.52') => from(addr, 'POST', `${HC}/searches/${id}/click`, body);
		// no token, a wrong one, another search's id: nothing
		assert.equal((await click(s.search_id, { article_id: seen.id })).status, 422);
		assert.equal((await click(s.search_id, { article_id: seen.id, search_token: '0'.repeat(32) })).status, 404);
		assert.equal((await click(s.search_id - 1, { article_id: seen.id, search_token: s.search_token })).status, 404);
		// an article the caller may not see, or none
		for (const article_id of [hidden.id, draft.id, 987654321]) {
			const r = await click(s.search_id, { article_id, search_token: s.search_token });
			assert.equal(r.status, 422, r.text);
			assert.ok(r.json.details.article_id);
		}
		assert.equal((await click(s.search_id, { article_id: seen.id, search_token: s.search_token }, '127.0.0.55')).status, 204);
		assert.equal((await click(s.search_id, { article_id: seen.id, search_token: s.search_token }, '127.0.0.55')).status, 404, 'once');
		// a search older than an hour takes no click
		const old = (await from('127.0.0.53', 'GET', `${HC}/articles/search?query=clickable%20answer&locale=en`)).json;
		await sqlOnServer(srv, `UPDATE kb_searches SET created_at = created_at - 3700 WHERE id = ${Number(old.search_id)}`);
		assert.equal((await click(old.search_id, { article_id: seen.id, search_token: old.search_token }, '127.0.0.55')).status, 404);
	});

	it('clicks are limited per address', async () => {
		const codes = [];
		for (let i = 0; i < 10; i++)
			codes.push((await from('127.0.0.54', 'POST', `${HC}/searches/1/click`, { article_id: 1, search_token: 'x' })).status);
		assert.deepEqual(codes.slice(8), [429, 429], codes.join());
	});
});
