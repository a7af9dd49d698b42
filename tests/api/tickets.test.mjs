// Tickets: create, show, update, comments, audits, delete, status rules,
// listing with cursor and offset pagination.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
let srv, agent, alice, bob;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice', 'bob'] });
	({ agent, alice, bob } = srv.users);
});
after(async () => { await srv?.cleanup(); });

/** Every ticket id the admin can list, walking offset pages of 100. */
async function allTicketIds() {
	const ids = [];
	for (let page = 1; ; page++) {
		const r = await srv.api('GET', `/api/v2/tickets?per_page=100&page=${page}`);
		assert.equal(r.status, 200, r.text);
		ids.push(...r.json.tickets.map((t) => t.id));
		if (!r.json.next_page)
			return ids;
	}
}

/** Follows links.next from a first cursor page; returns the tickets in order. */
async function walkCursor(query) {
	const seen = [];
	let url = `/api/v2/tickets?${query}`;
	for (let pages = 0; url; pages++) {
		assert.ok(pages < 100, 'cursor pagination does not end');
		const r = await srv.api('GET', url);
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.tickets.length <= 7, `a page of ${r.json.tickets.length} > page[size]`);
		seen.push(...r.json.tickets);
		const { meta, links } = r.json;
		assert.equal(typeof meta.has_more, 'boolean');
		if (meta.has_more) {
			assert.equal(r.json.tickets.length, 7, 'a page before the last is full');
			assert.ok(meta.after_cursor, 'has_more without after_cursor');
			assert.ok(links.next, 'has_more without links.next');
			const next = new URL(links.next);
			assert.equal(next.searchParams.get('page[after]'), meta.after_cursor);
			url = next.pathname + next.search;
		} else {
			assert.equal(links.next, null);
			url = null;
		}
	}
	return seen;
}

describe('creating tickets', () => {
	it('creates a ticket with its first comment in Zendesk shape (201 + Location)', async () => {
		const before = Date.now();
		const r = await srv.api('POST', '/api/v2/tickets', {
			ticket: {
				subject: 'Printer on fire',
				comment: { body: 'The printer in room 4 is on fire.' },
				priority: 'high',
				type: 'incident',
				tags: ['Printer', ' URGENT ', 'hardware', 'printer'],
			},
		});
		assert.equal(r.status, 201, r.text);
		const t = r.json.ticket;
		assert.ok(Number.isInteger(t.id) && t.id > 0);
		assert.equal(r.headers.get('location'), `${srv.base}/api/v2/tickets/${t.id}.json`);
		assert.equal(t.subject, 'Printer on fire');
		assert.equal(t.description, 'The printer in room 4 is on fire.');
		assert.equal(t.status, 'new');
		assert.equal(t.priority, 'high');
		assert.equal(t.type, 'incident');
		assert.equal(t.via.channel, 'api');
		assert.equal(t.requester_id, srv.admin.id);
		assert.equal(t.submitter_id, srv.admin.id);
		assert.equal(t.assignee_id, null);
		assert.deepEqual(t.tags, ['hardware', 'printer', 'urgent']);
		assert.match(t.created_at, ISO);
		assert.match(t.updated_at, ISO);
		assert.equal(t.solved_at, null);
		const created = Date.parse(t.created_at);
		assert.ok(Math.abs(created - before) < 120_000, `created_at ${t.created_at} is not now`);
		// the Location is where the ticket lives
		const shown = await srv.api('GET', new URL(r.headers.get('location')).pathname);
		assert.equal(shown.status, 200);
		assert.deepEqual(shown.json.ticket, t);
	});

	it('creates an end user from requester {email, name} and reuses them by e-mail', async () => {
		const t1 = await srv.ticket({
			subject: 'Order missing',
			requester: { email: 'new.customer@example.test', name: 'Nora Customer' },
		});
		assert.notEqual(t1.requester_id, srv.admin.id);
		assert.equal(t1.submitter_id, srv.admin.id);
		const u = await srv.api('GET', `/api/v2/users/${t1.requester_id}`);
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.user.email, 'new.customer@example.test');
		assert.equal(u.json.user.name, 'Nora Customer');
		assert.equal(u.json.user.role, 'end-user');

		const t2 = await srv.ticket({
			subject: 'Order still missing',
			requester: { email: 'New.Customer@Example.TEST', name: 'Nora C.' },
		});
		assert.equal(t2.requester_id, t1.requester_id, 'the same address is the same person');
	});

	it('takes the subject from the first line of the comment when none is given', async () => {
		const t = await srv.ticket({ body: 'Cannot log in since Monday\nI tried resetting my password.' });
		assert.equal(t.subject, 'Cannot log in since Monday');
		assert.equal(t.description, 'Cannot log in since Monday\nI tried resetting my password.');

		const long = 'x'.repeat(200);
		const t2 = await srv.ticket({ body: long });
		assert.ok(t2.subject.length > 0 && t2.subject.length <= 80, `subject of ${t2.subject.length} chars`);
		assert.ok(long.startsWith(t2.subject));

		// a long first line in Lithuanian is cut between characters, not inside one
		const lt = 'ąžuolas '.repeat(30);
		const t3 = await srv.ticket({ body: lt });
		assert.ok(t3.subject.length > 0 && [...t3.subject].length <= 80, t3.subject);
		assert.ok(lt.startsWith(t3.subject), `${JSON.stringify(t3.subject)} is not a prefix`);
	});

	it('renders comments as safe HTML: text escaped, links clickable', async () => {
		const body = 'Try <script>alert(1)</script> & "quotes"\nSee https://example.test/a?b=1&c=2.\n\njavascript:alert(2)';
		const t = await srv.ticket({ subject: 'HTML', body });
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`);
		const c = r.json.comments[0];
		assert.equal(c.body, body);
		assert.equal(c.plain_body, body);
		assert.doesNotMatch(c.html_body, /<script/);
		assert.match(c.html_body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp;/);
		assert.match(c.html_body, /<a href="https:\/\/example\.test\/a\?b=1&amp;c=2"[^>]*rel="[^"]*noopener/);
		assert.doesNotMatch(c.html_body, /href="javascript:/);
	});

	it('accepts "description" in place of a comment, as Zendesk does', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', {
			ticket: { subject: 'From description', description: 'Body given as description' },
		});
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.ticket.description, 'Body given as description');
	});

	it('refuses a ticket without any comment (422 naming comment)', async () => {
		const r = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'No body' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.comment, r.text);
	});

	it('lets an end user open a request for themselves', async () => {
		const t = await srv.ticket({ subject: 'My own request', body: 'Help me' }, { auth: alice });
		assert.equal(t.requester_id, alice.id);
		assert.equal(t.status, 'new');
	});

	it('shows a ticket, with or without the .json suffix', async () => {
		const t = await srv.ticket({ subject: 'Show me' });
		const a = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		const b = await srv.api('GET', `/api/v2/tickets/${t.id}.json`);
		assert.equal(a.status, 200);
		assert.equal(b.status, 200);
		assert.deepEqual(a.json.ticket, t);
		assert.deepEqual(b.json.ticket, t);
	});
});

describe('updating tickets, comments and audits', () => {
	let t;

	before(async () => {
		t = await srv.ticket({ subject: 'Wi-Fi drops', body: 'The Wi-Fi drops every hour.', priority: 'normal' },
			{ auth: alice });
	});

	it('updates fields and adds a public reply and an internal note', async () => {
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, {
			ticket: {
				status: 'open', priority: 'urgent', assignee_id: agent.id, tags: ['network'],
				comment: { body: 'We are looking into it.', public: true },
			},
		}, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'open');
		assert.equal(r.json.ticket.priority, 'urgent');
		assert.equal(r.json.ticket.assignee_id, agent.id);
		assert.deepEqual(r.json.ticket.tags, ['network']);
		assert.ok(r.json.ticket.updated_at >= t.updated_at);

		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, {
			ticket: { comment: { body: 'Internal: router firmware is old, customer is on the VIP list.', public: false } },
		}, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'open');

		const shown = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(shown.json.ticket.priority, 'urgent');
		assert.equal(shown.json.ticket.assignee_id, agent.id);
	});

	it('lists all comments to agents, in order, with authors and visibility', async () => {
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const c = r.json.comments;
		assert.equal(c.length, 3);
		assert.deepEqual(c.map((x) => [x.author_id, x.public]),
			[[alice.id, true], [agent.id, true], [agent.id, false]]);
		assert.equal(c[0].body, 'The Wi-Fi drops every hour.');
		assert.equal(c[1].body, 'We are looking into it.');
		assert.match(c[2].body, /VIP list/);
		for (const x of c) {
			assert.ok(Number.isInteger(x.id));
			assert.match(x.created_at, ISO);
			assert.ok(typeof x.html_body === 'string' && x.html_body.length > 0);
		}
	});

	it('shows end users only the public comments of their own request', async () => {
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`, null, { auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.comments.map((x) => x.body),
			['The Wi-Fi drops every hour.', 'We are looking into it.']);
		assert.doesNotMatch(r.text, /VIP/);
		// and someone else's request does not exist for them
		const other = await srv.api('GET', `/api/v2/tickets/${t.id}/comments`, null, { auth: bob });
		assert.equal(other.status, 404);
	});

	it('records old and new values in the audit trail', async () => {
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const audits = r.json.audits;
		assert.equal(audits.length, 3);
		for (const a of audits) {
			assert.equal(a.ticket_id, t.id);
			assert.match(a.created_at, ISO);
		}
		const create = audits[0];
		assert.equal(create.author_id, alice.id);
		assert.ok(create.events.some((e) => e.type === 'Create' && e.field_name === 'status' && e.value === 'new'));
		assert.ok(create.events.some((e) => e.type === 'Comment' && e.public === true));

		const change = audits[1];
		assert.equal(change.author_id, agent.id);
		const ev = (f) => change.events.find((e) => e.type === 'Change' && e.field_name === f);
		assert.deepEqual([ev('status')?.previous_value, ev('status')?.value], ['new', 'open']);
		assert.deepEqual([ev('priority')?.previous_value, ev('priority')?.value], ['normal', 'urgent']);
		assert.deepEqual([ev('assignee_id')?.previous_value, ev('assignee_id')?.value], [null, String(agent.id)]);
		assert.deepEqual([ev('tags')?.previous_value, ev('tags')?.value], ['', 'network']);
		assert.ok(change.events.some((e) => e.type === 'Comment' && e.public === true));

		const note = audits[2];
		assert.ok(note.events.some((e) => e.type === 'Comment' && e.public === false));
	});

	it('never shows an end user an internal first comment, not even as the description', async () => {
		const secret = 'Internal: requester owes us 300 EUR, do not escalate';
		const r = await srv.api('POST', '/api/v2/tickets', {
			ticket: { subject: 'Follow-up call', requester_id: alice.id, comment: { body: secret, public: false } },
		}, { auth: agent });
		assert.equal(r.status, 201, r.text);
		const id = r.json.ticket.id;
		const seen = [
			await srv.api('GET', `/api/v2/tickets/${id}`, null, { auth: alice }),
			await srv.api('GET', '/api/v2/tickets?per_page=100', null, { auth: alice }),
			await srv.api('GET', `/api/v2/tickets/${id}/comments`, null, { auth: alice }),
			await srv.api('GET', `/api/v2/search?query=${encodeURIComponent('"Follow-up call"')}`, null, { auth: alice }),
		];
		for (const x of seen)
			assert.doesNotMatch(x.text, /owes us 300 EUR/, `leaked to the end user: ${x.text.slice(0, 400)}`);
	});

	it('keeps audits from end users (403)', async () => {
		const r = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`, null, { auth: alice });
		assert.equal(r.status, 403);
	});

	it('does not let an end user change fields of their own request (403)', async () => {
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'low' } }, { auth: alice });
		assert.equal(r.status, 403, r.text);
		const shown = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(shown.json.ticket.priority, 'urgent');
	});

	it('refuses an end user\'s internal note (422), on a new request and a reply, and writes nothing', async () => {
		const t = await srv.ticket({ subject: 'Alice asks', body: 'Where is my parcel?' }, { auth: alice });
		const comments = async () => (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments.length;
		const before = await comments();
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'for agents only, please', public: false } } }, { auth: alice });
		assert.equal(r.status, 422, r.text);
		assert.equal(r.json.details.public[0].error, 'InvalidValue');
		assert.equal(await comments(), before);
		const list = async () => (await srv.api('GET', '/api/v2/tickets?per_page=100')).json.count;
		const n = await list();
		const c = await srv.api('POST', '/api/v2/tickets',
			{ ticket: { subject: 'Private?', comment: { body: 'secret', public: false } } }, { auth: alice });
		assert.equal(c.status, 422, c.text);
		assert.equal(await list(), n);
		// public: true is what it always is, and fine
		const ok = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'a public answer', public: true } } }, { auth: alice });
		assert.equal(ok.status, 200, ok.text);
	});

	it('lets an end user say a request came by the web, and by no other channel', async () => {
		const web = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'From the portal',
			comment: { body: 'hello' }, via: { channel: 'web' } } }, { auth: alice });
		assert.equal(web.status, 201, web.text);
		assert.equal(web.json.ticket.via.channel, 'web');
		const mail = await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Pretending',
			comment: { body: 'hello' }, via: { channel: 'email' } } }, { auth: alice });
		assert.equal(mail.status, 403, mail.text);
	});

	it('an update that changes nothing adds no audit', async () => {
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'urgent' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		const a = await srv.api('GET', `/api/v2/tickets/${t.id}/audits`, null, { auth: agent });
		assert.equal(a.json.audits.length, 3);
	});
});

describe('status rules', () => {
	it('an agent\'s public reply opens a new ticket', async () => {
		const t = await srv.ticket({ subject: 'Reply opens' }, { auth: alice });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'Hello!' } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'open');
	});

	it('solving sets solved_at; the customer replying reopens it', async () => {
		const t = await srv.ticket({ subject: 'Solve me' }, { auth: alice });
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { status: 'solved', comment: { body: 'Fixed it.' } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'solved');
		assert.match(r.json.ticket.solved_at ?? '', ISO);
		assert.equal(r.json.ticket.assignee_id, agent.id, 'solving assigns the solver');

		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`,
			{ ticket: { comment: { body: 'It is broken again!' } } }, { auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'open');
		assert.equal(r.json.ticket.solved_at, null);
	});

	it('a closed ticket refuses updates (422 naming status)', async () => {
		const t = await srv.ticket({ subject: 'Close me' });
		let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'closed' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'closed');
		assert.match(r.json.ticket.solved_at ?? '', ISO);

		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'low' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.status, r.text);
		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'more' } } });
		assert.equal(r.status, 422, r.text);
		const shown = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(shown.json.ticket.status, 'closed');
		assert.equal(shown.json.ticket.priority, null);
	});

	it('status cannot go back to "new" (422 naming status)', async () => {
		const t = await srv.ticket({ subject: 'Not new again', status: 'open' });
		assert.equal(t.status, 'open');
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'new' } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.status, r.text);
		const shown = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(shown.json.ticket.status, 'open');
	});

	it('assigning needs an agent: an end user as assignee is 422', async () => {
		const t = await srv.ticket({ subject: 'Assign' });
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { assignee_id: bob.id } });
		assert.equal(r.status, 422, r.text);
		assert.ok(r.json.details?.assignee_id, r.text);
	});
});

describe('deleting tickets', () => {
	it('deletes (204): then 404, not listed, not counted', async () => {
		const t = await srv.ticket({ subject: 'Delete me' });
		const before = await srv.api('GET', '/api/v2/tickets/count');
		assert.equal(before.status, 200);
		const n = before.json.count.value;

		let r = await srv.api('DELETE', `/api/v2/tickets/${t.id}`, null, { auth: agent });
		assert.equal(r.status, 204);
		assert.equal(r.text, '');
		r = await srv.api('GET', `/api/v2/tickets/${t.id}`);
		assert.equal(r.status, 404);
		r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'low' } });
		assert.equal(r.status, 404);
		r = await srv.api('DELETE', `/api/v2/tickets/${t.id}`);
		assert.equal(r.status, 404);
		assert.ok(!(await allTicketIds()).includes(t.id));
		const after = await srv.api('GET', '/api/v2/tickets/count');
		assert.equal(after.json.count.value, n - 1);
		assert.match(after.json.count.refreshed_at, ISO);
	});

	it('end users cannot delete, not even their own request (403)', async () => {
		const t = await srv.ticket({ subject: 'Mine' }, { auth: bob });
		const r = await srv.api('DELETE', `/api/v2/tickets/${t.id}`, null, { auth: bob });
		assert.equal(r.status, 403);
		assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}`)).status, 200);
	});
});

describe('listing tickets', () => {
	let created;

	before(async () => {
		created = [];
		for (let i = 0; i < 25; i++)
			created.push(await srv.ticket({ subject: `Bulk ${i}`, priority: ['low', 'normal', 'high'][i % 3] }));
		// touch a few so that updated_at order differs from id order
		for (const i of [3, 11, 19])
			await srv.api('PUT', `/api/v2/tickets/${created[i].id}`, { ticket: { priority: 'urgent' } });
	});

	it('walks every ticket by cursor (page[size]=7) without duplicates or gaps, by id', async () => {
		const all = await allTicketIds();
		assert.ok(all.length >= 25);
		const seen = await walkCursor('page[size]=7');
		const ids = seen.map((t) => t.id);
		assert.equal(new Set(ids).size, ids.length, 'a ticket came twice');
		assert.deepEqual([...ids].sort((a, b) => a - b), [...all].sort((a, b) => a - b));
		assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'default order is id ascending');
		for (const t of created)
			assert.ok(ids.includes(t.id));
	});

	it('walks by cursor with sort=-updated_at, newest first, without duplicates or gaps', async () => {
		const all = await allTicketIds();
		const seen = await walkCursor('sort=-updated_at&page[size]=7');
		const ids = seen.map((t) => t.id);
		assert.equal(new Set(ids).size, ids.length, 'a ticket came twice');
		assert.deepEqual([...ids].sort((a, b) => a - b), [...all].sort((a, b) => a - b));
		for (let i = 1; i < seen.length; i++)
			assert.ok(seen[i - 1].updated_at >= seen[i].updated_at,
				`not newest first at ${i}: ${seen[i - 1].updated_at} then ${seen[i].updated_at}`);
	});

	it('walks by cursor with sort=id', async () => {
		const seen = await walkCursor('sort=id&page[size]=7');
		const ids = seen.map((t) => t.id);
		assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
		assert.deepEqual([...ids].sort((a, b) => a - b), (await allTicketIds()).sort((a, b) => a - b));
	});

	for (const sort of ['priority', '-priority', 'status', '-created_at', 'created_at', '-id', 'updated_at']) {
		it(`walks by cursor with sort=${sort} in order, without duplicates or gaps`, async () => {
			const all = await allTicketIds();
			const seen = await walkCursor(`sort=${sort}&page[size]=7`);
			const ids = seen.map((t) => t.id);
			assert.equal(new Set(ids).size, ids.length, 'a ticket came twice');
			assert.deepEqual([...ids].sort((a, b) => a - b), [...all].sort((a, b) => a - b), 'a ticket is missing');
			const key = sort.replace('-', '');
			const rank = { priority: { null: 0, low: 1, normal: 2, high: 3, urgent: 4 },
				status: { new: 0, open: 1, pending: 2, hold: 3, solved: 4, closed: 5 } }[key];
			const val = (t) => (rank ? rank[t[key]] : t[key]);
			for (let i = 1; i < seen.length; i++) {
				const [a, b] = [val(seen[i - 1]), val(seen[i])];
				assert.ok(sort.startsWith('-') ? a >= b : a <= b, `out of order at ${i}: ${a} then ${b}`);
			}
		});
	}

	it('offset pages keep the sort and walk all tickets (sort=-id)', async () => {
		const all = await allTicketIds();
		const ids = [];
		let url = '/api/v2/tickets?sort=-id&per_page=9';
		while (url) {
			const r = await srv.api('GET', url);
			assert.equal(r.status, 200, r.text);
			ids.push(...r.json.tickets.map((t) => t.id));
			url = r.json.next_page ? new URL(r.json.next_page).pathname + new URL(r.json.next_page).search : null;
		}
		assert.deepEqual(ids, [...all].sort((a, b) => b - a));
	});

	it('pages comments by cursor and by offset; end users page only public ones', async () => {
		const t = await srv.ticket({ subject: 'Chatty', body: 'c0' }, { auth: alice });
		for (let i = 1; i <= 6; i++)
			await srv.api('PUT', `/api/v2/tickets/${t.id}`,
				{ ticket: { comment: { body: `c${i}`, public: i % 3 !== 0 } } }, { auth: agent });
		const walk = async (auth, q) => {
			const out = [];
			let url = `/api/v2/tickets/${t.id}/comments?${q}`;
			for (let n = 0; url && n < 20; n++) {
				const r = await srv.api('GET', url, null, { auth });
				assert.equal(r.status, 200, r.text);
				out.push(...r.json.comments.map((c) => c.body));
				if (r.json.meta)
					url = r.json.meta.has_more ? new URL(r.json.links.next).pathname + new URL(r.json.links.next).search : null;
				else
					url = r.json.next_page ? new URL(r.json.next_page).pathname + new URL(r.json.next_page).search : null;
			}
			return out;
		};
		assert.deepEqual(await walk(agent, 'page[size]=2'), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
		assert.deepEqual(await walk(agent, 'per_page=3'), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
		assert.deepEqual(await walk(alice, 'page[size]=2'), ['c0', 'c1', 'c2', 'c4', 'c5']);
		assert.deepEqual(await walk(alice, 'per_page=2'), ['c0', 'c1', 'c2', 'c4', 'c5']);
		assert.deepEqual(await walk(agent, 'sort_order=desc&page[size]=3'), ['c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
	});

	it('pages by offset (per_page/page) with count, next_page and previous_page', async () => {
		const all = await allTicketIds();
		const ids = [];
		let url = '/api/v2/tickets?per_page=10&page=1';
		for (let page = 1; url; page++) {
			const r = await srv.api('GET', url);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.count, all.length);
			if (page === 1)
				assert.equal(r.json.previous_page, null);
			else
				assert.match(r.json.previous_page, new RegExp(`page=${page - 1}(&|$)`));
			ids.push(...r.json.tickets.map((t) => t.id));
			if (r.json.next_page) {
				assert.match(r.json.next_page, new RegExp(`page=${page + 1}(&|$)`));
				const u = new URL(r.json.next_page);
				url = u.pathname + u.search;
			} else {
				url = null;
				assert.equal(page, Math.ceil(all.length / 10));
			}
		}
		assert.deepEqual(ids, all);
	});

	it('refuses bad paging arguments with 400', async () => {
		for (const q of ['per_page=0', 'per_page=101', 'page=0', 'page[size]=abc', 'page[after]=not-a-cursor',
			'sort=bogus', 'sort_order=sideways']) {
			const r = await srv.api('GET', `/api/v2/tickets?${q}`);
			assert.equal(r.status, 400, `${q}: ${r.text}`);
		}
	});

	it('end users list only their own requests', async () => {
		const r = await srv.api('GET', '/api/v2/tickets?per_page=100', null, { auth: bob });
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.tickets.length >= 1);
		for (const t of r.json.tickets)
			assert.equal(t.requester_id, bob.id);
		const c = await srv.api('GET', '/api/v2/tickets/count', null, { auth: bob });
		assert.equal(c.json.count.value, r.json.tickets.length);
	});
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
