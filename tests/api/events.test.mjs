// Live events: agents listening on GET /api/v2/events see tickets created,
// updated and deleted and who is viewing which, as Server-Sent Events;
// Last-Event-ID resumes; customers and strangers may not listen; a server
// stopping ends the streams and still exits cleanly.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

it('an agent sees tickets created, updated and deleted, and who views which', async () => {
	const s = await srv.events(agent);
	assert.equal(s.status, 200);
	assert.match(s.headers.get('content-type'), /^text\/event-stream/);
	const t = await srv.ticket({ subject: 'Live one' }, { auth: alice });
	const created = await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === t.id);
	assert.equal(created.data.actor_id, alice.id);
	assert.match(created.id, /^\d+$/);

	let r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'open' } }, { auth: agent });
	assert.equal(r.status, 200, r.text);
	await s.waitFor((e) => e.event === 'ticket.updated' && e.data.ticket_id === t.id && e.data.actor_id === agent.id);

	r = await srv.api('POST', `/api/v2/tickets/${t.id}/viewing`, {});
	assert.equal(r.status, 204, r.text);
	await s.waitFor((e) => e.event === 'agent.viewing' && e.data.ticket_id === t.id && e.data.actor_id === srv.admin.id);
	r = await srv.api('POST', `/api/v2/tickets/${t.id}/viewing`, { typing: true });
	assert.equal(r.status, 204, r.text);
	await s.waitFor((e) => e.event === 'agent.typing' && e.data.ticket_id === t.id && e.data.actor_id === srv.admin.id);
	r = await srv.api('POST', `/api/v2/tickets/${t.id}/viewing`, { typing: 'yes' });
	assert.equal(r.status, 422, r.text);

	r = await srv.api('DELETE', `/api/v2/tickets/${t.id}`);
	assert.equal(r.status, 204, r.text);
	await s.waitFor((e) => e.event === 'ticket.deleted' && e.data.ticket_id === t.id);
	// in the order they happened, numbered upwards
	const ids = s.events.map((e) => Number(e.id));
	assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
	s.close();
});

it('closed tabs do not fill the log: a stream whose client went away ends without a line', async () => {
	const streams = await Promise.all([1, 2, 3].map(() => srv.events(agent)));
	const t = await srv.ticket({ subject: 'Before the tabs close' });
	for (const s of streams)
		await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === t.id);
	for (const s of streams)
		s.close();
	// the server writes to the closed streams until it sees they are gone
	for (let i = 0; i < 6; i++) {
		await srv.ticket({ subject: `After the tabs closed ${i}` });
		await new Promise((r) => setTimeout(r, 150));
	}
	assert.doesNotMatch(srv.log, /Failed to send|no longer available for sending/, srv.log.slice(-2000));
});

it('a failed change announces nothing', async () => {
	const s = await srv.events(agent);
	const t = await srv.ticket({ subject: 'Quiet one' });
	await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === t.id);
	const bad = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'sleeping' } });
	assert.equal(bad.status, 422);
	const ok = await srv.ticket({ subject: 'After the failure' });
	await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === ok.id);
	assert.ok(!s.events.some((e) => e.event === 'ticket.updated' && e.data.ticket_id === t.id));
	s.close();
});

it('Last-Event-ID resumes after the last event seen', async () => {
	const s = await srv.events(agent);
	const a = await srv.ticket({ subject: 'Resume A' });
	const ea = await s.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === a.id);
	s.close();
	const b = await srv.ticket({ subject: 'Resume B' });
	const again = await srv.events(agent, { 'last-event-id': ea.id });
	const eb = await again.waitFor((e) => e.event === 'ticket.created' && e.data.ticket_id === b.id);
	assert.equal(Number(eb.id), Number(ea.id) + 1);
	assert.ok(!again.events.some((e) => e.data.ticket_id === a.id));
	again.close();
});

it('customers and strangers may not listen, nor say they are viewing', async () => {
	assert.equal((await srv.events(alice)).status, 403);
	assert.equal((await srv.events('anonymous')).status, 401);
	const t = await srv.ticket({ subject: 'Viewed' }, { auth: alice });
	assert.equal((await srv.api('POST', `/api/v2/tickets/${t.id}/viewing`, {}, { auth: alice })).status, 403);
	assert.equal((await srv.api('POST', '/api/v2/tickets/999999/viewing', {})).status, 404);
});

it('server exits with code 0 on SIGTERM with listeners connected, ending their streams', async () => {
	const streams = [await srv.events(agent), await srv.events()];
	await srv.stop();
	for (const s of streams) {
		for (let i = 0; i < 50 && !s.ended; i++)
			await new Promise((r) => setTimeout(r, 20));
		assert.ok(s.ended, 'the stream did not end');
	}
});
