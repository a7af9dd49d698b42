// Routing a group's tickets to its agents: agents' status, capacity and
// skills (/api/v2/agent_availabilities), a group's routing method, and the
// router — a burst of 1,000 new tickets spread over four online agents by
// round robin and by least open work, away and offline agents left out,
// capacity and a solve freeing a slot, a language only for those who speak
// it, manual assignment winning, higher tiers first when an agent comes
// online, the "routing" event in every automatic assignment's audit, and
// every bad input refused with the field it names and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer, PASSWORD } from './lib/server.mjs';

const AVAIL = '/api/v2/agent_availabilities';

let srv, a1, a2, a3, a4, a5, a6, alice;

before(async () => {
	srv = await startServer({
		agents: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], endUsers: ['alice'],
		env: { FRONTLINE_DB_WRITERS: '4' },
	});
	({ a1, a2, a3, a4, a5, a6, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

async function group(name, method, members) {
	const g = (await ok('POST', '/api/v2/groups', { group: { name, routing: { method } } })).group;
	assert.equal(g.routing.method, method);
	for (const u of members)
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: u.id, group_id: g.id } });
	return g;
}

const setStatus = (u, status) => ok('PUT', `${AVAIL}/me`, { agent_availability: { status } }, u);
const setAgent = (u, a) => ok('PUT', `${AVAIL}/${u.id}`, { agent_availability: a });

async function ticket(groupId, extra = {}) {
	return (await ok('POST', '/api/v2/tickets', {
		ticket: { subject: 'Help', comment: { body: 'please' }, group_id: groupId, requester_id: alice.id, ...extra },
	})).ticket;
}

// fn over items, 25 requests in flight at a time
async function each(items, fn) {
	const out = [];
	for (let i = 0; i < items.length; i += 25)
		out.push(...await Promise.all(items.slice(i, i + 25).map(fn)));
	return out;
}

// n tickets created at once, 25 in flight
const burst = (groupId, n, extra = {}) => each(Array.from({ length: n }), () => ticket(groupId, extra));

const show = async (id) => (await ok('GET', `/api/v2/tickets/${id}`)).ticket;

function countBy(tickets) {
	const m = {};
	for (const t of tickets)
		m[t.assignee_id ?? 'none'] = (m[t.assignee_id ?? 'none'] ?? 0) + 1;
	return m;
}

async function assignees(tickets) {
	return countBy(await each(tickets, (t) => show(t.id)));
}

async function routingEvent(id) {
	const audits = (await ok('GET', `/api/v2/tickets/${id}/audits`)).audits;
	const a = audits.find((x) => x.events.some((e) => e.field_name === 'routing'));
	return a && { author_id: a.author_id, value: a.events.find((e) => e.field_name === 'routing').value };
}

async function load(u) {
	return (await ok('GET', AVAIL)).agent_availabilities.find((x) => x.user_id === u.id);
}

// Everyone offline, no limits, no skills: the state each test starts from.
async function reset() {
	for (const u of [a1, a2, a3, a4, a5, a6])
		await setAgent(u, { status: 'offline', capacity: 0, skills: [] });
}

describe('agent availability', () => {
	it('an agent is offline until they say otherwise; sets their own status', async () => {
		let me = (await ok('GET', `${AVAIL}/me`, null, a1)).agent_availability;
		assert.deepEqual({ ...me, status_changed_at: undefined },
			{ user_id: a1.id, name: a1.name, status: 'offline', status_changed_at: undefined, capacity: 0, open_tickets: 0, skills: [] });
		me = (await setStatus(a1, 'away')).agent_availability;
		assert.equal(me.status, 'away');
		assert.ok(me.status_changed_at);
		const list = (await ok('GET', AVAIL, null, a2)).agent_availabilities;
		assert.equal(list.find((x) => x.user_id === a1.id).status, 'away');
		assert.ok(!list.some((x) => x.user_id === alice.id || x.user_id === -1), 'customers and the desk are not agents');
	});

	it('an admin sets capacity and skills, normalized; an agent may not', async () => {
		const r = await setAgent(a2, { capacity: 3, skills: ['UK', ' billing ', 'uk'] });
		assert.equal(r.agent_availability.capacity, 3);
		assert.deepEqual(r.agent_availability.skills, ['billing', 'uk']);
		refused(await srv.api('PUT', `${AVAIL}/me`, { agent_availability: { capacity: 10 } }, { auth: a2 }), 403, 'capacity');
		refused(await srv.api('PUT', `${AVAIL}/me`, { agent_availability: { skills: ['en'] } }, { auth: a2 }), 403, 'skills');
		refused(await srv.api('PUT', `${AVAIL}/${a1.id}`, { agent_availability: { status: 'online' } }, { auth: a2 }), 403);
		refused(await srv.api('GET', AVAIL, null, { auth: alice }), 403);
		assert.equal((await load(a2)).capacity, 3);
	});

	it('refuses bad input, naming the field, and writes nothing', async () => {
		const bad = [
			[{ status: 'busy' }, 'status'], [{ status: 1 }, 'status'], [{ status: null }, 'status'],
			[{ capacity: -1 }, 'capacity'], [{ capacity: 10001 }, 'capacity'], [{ capacity: '5' }, 'capacity'],
			[{ capacity: 1e30 }, 'capacity'],
			[{ skills: 'uk' }, 'skills'], [{ skills: ['a b'] }, 'skills'], [{ skills: [''] }, 'skills'],
			[{ skills: ["x'; DROP TABLE users; --"] }, 'skills'], [{ skills: ['a'.repeat(41)] }, 'skills'],
			[{ skills: Array.from({ length: 33 }, (_, i) => `s${i}`) }, 'skills'], [{ skills: [{ deep: [1] }] }, 'skills'],
			[{ status: 'online', skills: ['ok', 'not ok'] }, 'skills'],
		];
		for (const [a, field] of bad)
			refused(await srv.api('PUT', `${AVAIL}/${a2.id}`, { agent_availability: a }), 422, field);
		refused(await srv.api('PUT', `${AVAIL}/${a2.id}`, { nope: 1 }), 400);
		refused(await srv.api('PUT', `${AVAIL}/${alice.id}`, { agent_availability: { status: 'online' } }), 404);
		refused(await srv.api('PUT', `${AVAIL}/999999`, { agent_availability: { status: 'online' } }), 404);
		refused(await srv.api('PUT', `${AVAIL}/-1`, { agent_availability: { status: 'online' } }), 404);
		const a = await load(a2);
		assert.deepEqual([a.status, a.capacity, a.skills], ['offline', 3, ['billing', 'uk']]);
	});

	it('signing in makes an agent online and signing out offline', async () => {
		await setAgent(a6, { status: 'offline' });
		const r = await fetch(`${srv.base}/api/v2/auth/session`, {
			method: 'POST', headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: a6.email, password: PASSWORD }),
		});
		const body = await r.json();
		assert.equal(r.status, 200, JSON.stringify(body));
		assert.equal((await load(a6)).status, 'online');
		const cookie = r.headers.get('set-cookie').split(';')[0];
		const out = await fetch(`${srv.base}/api/v2/auth/session`, {
			method: 'DELETE', headers: { cookie, 'x-csrf-token': body.csrf_token },
		});
		assert.equal(out.status, 204, await out.text());
		assert.equal((await load(a6)).status, 'offline');
	});
});

describe('group routing', () => {
	it('a group shows and takes its routing method; anything else is refused', async () => {
		const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Plain' } })).group;
		assert.deepEqual(g.routing, { method: 'none' });
		let r = await ok('PUT', `/api/v2/groups/${g.id}`, { group: { routing: { method: 'least_open' } } });
		assert.equal(r.group.routing.method, 'least_open');
		assert.equal((await ok('GET', `/api/v2/groups/${g.id}`)).group.routing.method, 'least_open');
		assert.equal((await ok('GET', '/api/v2/groups')).groups.find((x) => x.id === g.id).routing.method, 'least_open');
		for (const routing of [{ method: 'random' }, { method: 1 }, {}, 'round_robin', null, { method: 'ROUND_ROBIN' }, [{ method: 'none' }]])
			refused(await srv.api('PUT', `/api/v2/groups/${g.id}`, { group: { name: 'Changed', routing } }), 422, 'routing.method');
		r = await ok('GET', `/api/v2/groups/${g.id}`);
		assert.equal(r.group.name, 'Plain');
		assert.equal(r.group.routing.method, 'least_open');
		refused(await srv.api('PUT', `/api/v2/groups/${g.id}`, { group: { routing: { method: 'none' } } }, { auth: a1 }), 403);
	});

	it('group memberships refuse unknown people and groups', async () => {
		const g = (await ok('POST', '/api/v2/groups', { group: { name: 'Members' } })).group;
		refused(await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: alice.id, group_id: g.id } }), 422, 'user_id');
		refused(await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: -1, group_id: g.id } }), 422, 'user_id');
		refused(await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: a1.id, group_id: 999999 } }), 422, 'group_id');
		refused(await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: a1.id } }), 422, 'group_id');
		refused(await srv.api('POST', '/api/v2/group_memberships', { group_membership: { user_id: a1.id, group_id: g.id } }, { auth: a1 }), 403);
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: a1.id, group_id: g.id } });
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: a1.id, group_id: g.id } });
	});
});

describe('the router', () => {
	it('round robin spreads a burst of 1,000 evenly over the four online agents; away and offline get none', async () => {
		await reset();
		const g = await group('Support', 'round_robin', [a1, a2, a3, a4, a5, a6]);
		for (const u of [a1, a2, a3, a4])
			await setStatus(u, 'online');
		await setStatus(a5, 'away');
		const t0 = Date.now();
		const tickets = await burst(g.id, 1000);
		const secs = (Date.now() - t0) / 1000;
		console.log(`# round robin: 1000 tickets created and routed in ${secs.toFixed(1)} s (${(1000 / secs).toFixed(0)}/s)`);
		const by = await assignees(tickets);
		assert.deepEqual(by, { [a1.id]: 250, [a2.id]: 250, [a3.id]: 250, [a4.id]: 250 });
		// the assignment is the desk's, and says why
		const ev = await routingEvent(tickets[0].id);
		assert.equal(ev.author_id, -1);
		assert.match(ev.value, /^round robin in Support: Agent a\d — online, \d+ open$/);
		for (const t of tickets.slice(0, 20))
			assert.ok(await routingEvent(t.id), `ticket ${t.id} has its routing event`);
		for (const u of [a1, a2, a3, a4])
			assert.equal((await load(u)).open_tickets, 250);
		// solved: they go back to none, so the next test starts even
		await each(tickets, (t) => ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved' } }));
	});

	it('least open evens out agents who start with unequal loads', async () => {
		await reset();
		const g = await group('Billing', 'least_open', [a1, a2, a3, a4]);
		// by hand: a1 has 150 open, a2 50, a3 and a4 none
		const pre = await each([...Array(150).fill(a1), ...Array(50).fill(a2)],
			(u) => ticket(g.id, { assignee_id: u.id }));
		assert.equal(pre.length, 200);
		for (const u of [a1, a2, a3, a4])
			await setStatus(u, 'online');
		const tickets = await burst(g.id, 1000);
		const by = await assignees(tickets);
		// 150 + 50 + 1000 = 1200 open in all: 300 each, a1 takes 150 more
		assert.deepEqual(by, { [a1.id]: 150, [a2.id]: 250, [a3.id]: 300, [a4.id]: 300 });
		for (const u of [a1, a2, a3, a4])
			assert.equal((await load(u)).open_tickets, 300);
		assert.match((await routingEvent(tickets.at(-1).id)).value, /^least open in Billing: /);
		await each([...pre, ...tickets], (t) => ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'closed' } }));
	});

	it('capacity stops assignment and a solve frees a slot', async () => {
		await reset();
		const g = await group('Tier 2', 'round_robin', [a1, a2]);
		await setAgent(a1, { capacity: 2, status: 'online' });
		await setAgent(a2, { capacity: 1, status: 'online' });
		const tickets = [];
		for (let i = 0; i < 5; i++)
			tickets.push(await ticket(g.id));
		let by = await assignees(tickets);
		assert.deepEqual(by, { [a1.id]: 2, [a2.id]: 1, none: 2 });
		assert.match((await routingEvent((await Promise.all(tickets.map((t) => show(t.id)))).find((t) => t.assignee_id === a1.id).id)).value, /2 of 2 open|[01] of 2 open/);
		// a2 solves theirs: the oldest waiting ticket goes to them
		const mine = (await Promise.all(tickets.map((t) => show(t.id)))).find((t) => t.assignee_id === a2.id);
		await ok('PUT', `/api/v2/tickets/${mine.id}`, { ticket: { status: 'solved' } }, a2);
		assert.equal((await show(tickets[3].id)).assignee_id, a2.id);
		assert.equal((await show(tickets[4].id)).assignee_id, null);
		// raising a capacity takes the rest
		await setAgent(a1, { capacity: 3 });
		assert.equal((await show(tickets[4].id)).assignee_id, a1.id);
		by = await assignees(tickets);
		assert.equal(by.none, undefined);
	});

	it('a language only goes to agents who speak it', async () => {
		await reset();
		const olena = (await ok('POST', '/api/v2/users', { user: { name: 'Олена', email: 'olena@example.test', locale: 'uk' } })).user;
		const g = await group('Languages', 'round_robin', [a1, a2, a3]);
		await setAgent(a1, { skills: ['uk', 'en'], status: 'online' });
		await setAgent(a2, { skills: ['en'], status: 'online' });
		await setAgent(a3, { status: 'online' });
		const uk = await burst(g.id, 30, { requester_id: olena.id });
		assert.deepEqual(await assignees(uk), { [a1.id]: 30 });
		assert.match((await routingEvent(uk[0].id)).value, /^round robin in Languages: Agent a1 — online, \d+ open, has uk$/);
		// a product among the tags, which only a2 and nobody else has
		await setAgent(a2, { skills: ['en', 'billing'] });
		const billing = await burst(g.id, 6, { tags: ['billing', 'refund'] });
		assert.deepEqual(await assignees(billing), { [a2.id]: 6 });
		// nobody who speaks it is online: it waits, then goes to a1 when they come back
		await setStatus(a1, 'away');
		const waiting = await ticket(g.id, { requester_id: olena.id });
		assert.equal((await show(waiting.id)).assignee_id, null);
		await setStatus(a1, 'online');
		assert.equal((await show(waiting.id)).assignee_id, a1.id);
	});

	it('manual assignment wins: a ticket assigned by hand, or to nobody, is never routed', async () => {
		await reset();
		const g = await group('Manual', 'round_robin', [a1, a2]);
		await setStatus(a1, 'online');
		const byHand = await ticket(g.id, { assignee_id: a2.id });
		assert.equal((await show(byHand.id)).assignee_id, a2.id);
		assert.equal(await routingEvent(byHand.id), undefined);
		// unassigned by hand: that write leaves it unassigned, though a1
		// is online with room
		const t = await ticket(g.id);
		assert.equal((await show(t.id)).assignee_id, a1.id);
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { assignee_id: null } }, a1);
		assert.equal((await show(t.id)).assignee_id, null);
		const c = await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: 'looking', public: false }, assignee_id: null } }, a1);
		assert.equal(c.ticket.assignee_id, null);
		// an assigned ticket is never reassigned, even when its agent goes
		// away; the waiting one goes to the next agent who comes online
		await setStatus(a1, 'away');
		await setStatus(a2, 'online');
		assert.equal((await show(byHand.id)).assignee_id, a2.id);
		assert.equal((await show(t.id)).assignee_id, a2.id);
		// a group without routing is left alone
		const plain = (await ok('POST', '/api/v2/groups', { group: { name: 'Not routed' } })).group;
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: a2.id, group_id: plain.id } });
		assert.equal((await show((await ticket(plain.id)).id)).assignee_id, null);
	});

	it('higher tiers first when an agent comes online', async () => {
		await reset();
		const vip = (await ok('POST', '/api/v2/tiers', { tier: { name: 'VIP', position: 1 } })).tier;
		const gold = (await ok('POST', '/api/v2/tiers', { tier: { name: 'Gold', position: 2 } })).tier;
		const mk = async (name, tier) => (await ok('POST', '/api/v2/users', { user: { name, email: `${name}@example.test`, ...(tier ? { tier_id: tier.id } : {}) } })).user;
		const [plainC, goldC, vipC] = [await mk('plainc'), await mk('goldc', gold), await mk('vipc', vip)];
		const g = await group('Tiers', 'round_robin', [a4]);
		await setAgent(a4, { capacity: 2 });
		// oldest first: plain, gold, vip; all wait while a4 is offline
		const tp = await ticket(g.id, { requester_id: plainC.id });
		const tg = await ticket(g.id, { requester_id: goldC.id });
		const tv = await ticket(g.id, { requester_id: vipC.id });
		assert.equal((await show(tv.id)).assignee_id, null);
		await setStatus(a4, 'online');
		assert.equal((await show(tv.id)).assignee_id, a4.id);
		assert.equal((await show(tg.id)).assignee_id, a4.id);
		assert.equal((await show(tp.id)).assignee_id, null);
	});
});
