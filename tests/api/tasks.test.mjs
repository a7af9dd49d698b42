// Follow-up tasks (src/tasks/): tasks on a ticket for agents — made,
// changed, done and undone, deleted, each in the ticket's audit log —
// what a stranger, an end user or a careless admin gets (422 naming the
// field, 404, 403, nothing written), "my tasks" by due time with counts,
// reminders fired once by `frontline tasks remind --now` and by the
// server's own pass with the live event, re-armed by a new due time, and
// the satisfaction check-in sent once N days after solve and never for a
// ticket reopened.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { runCli, startServer } from './lib/server.mjs';

let srv, agent, agent2, taras, alice, olena;

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600, DAY = 86400;

before(async () => {
	// the server's own pass every second: a task due in the past is
	// reminded by it (the live event on either backend)
	srv = await startServer({ agents: ['agent', 'agent2', 'taras'], endUsers: ['alice', 'olena'],
		env: { FRONTLINE_TASK_REMIND: '1' } });
	({ agent, agent2, taras, alice, olena } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function task(ticket, fields, auth = agent) {
	const r = await srv.api('POST', `/api/v2/tickets/${ticket}/tasks`, { task: fields }, { auth });
	assert.equal(r.status, 201, r.text);
	return r.json.task;
}

async function taskEvents(ticket) {
	const r = await srv.api('GET', `/api/v2/tickets/${ticket}/audits`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.audits.flatMap((a) => a.events.filter((e) => e.field_name === 'task' || e.field_name === 'checkin')
		.map((e) => ({ author: a.author_id, field: e.field_name, value: e.value })));
}

async function remind(at) {
	const r = await runCli(['tasks', 'remind', '--data', srv.dir, '--now', iso(at)]);
	assert.equal(r.code, 0, r.stderr);
	return JSON.parse(r.stdout);
}

describe('tasks on a ticket', () => {
	let ticket;
	before(async () => { ticket = (await srv.ticket({ subject: 'Printer jams' }, { auth: alice })).id; });

	it('an agent adds, changes, marks done and undone, and deletes a task; each is in the audit log', async () => {
		const due = now() + 2 * DAY;
		const t = await task(ticket, { title: '  Call the customer on Thursday ', due_at: iso(due), owner_id: agent2.id, notes: 'ask about tray 2' });
		assert.equal(t.title, 'Call the customer on Thursday');
		assert.equal(t.ticket_id, ticket);
		assert.equal(t.owner_id, agent2.id);
		assert.equal(t.created_by, agent.id);
		assert.equal(t.due_at, iso(due));
		assert.equal(t.done, false);
		assert.equal(t.status, 'upcoming');
		assert.equal(t.reminded_at, null);

		let r = await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent2 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.task.notes, 'ask about tray 2');
		assert.equal(r.json.task.ticket_subject, 'Printer jams');

		r = await srv.api('PUT', `/api/v2/tasks/${t.id}`, { task: { done: true } }, { auth: agent2 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.task.done, true);
		assert.equal(r.json.task.status, 'done');
		assert.equal(r.json.task.done_by, agent2.id);
		assert.ok(r.json.task.done_at);
		assert.equal(r.json.task.title, 'Call the customer on Thursday', 'what was not given stays');

		r = await srv.api('PUT', `/api/v2/tasks/${t.id}`, { task: { done: false, title: 'Call again' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.task.done, false);
		assert.equal(r.json.task.done_at, null);
		assert.equal(r.json.task.title, 'Call again');

		r = await srv.api('GET', `/api/v2/tickets/${ticket}/tasks`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.tasks.map((x) => x.id), [t.id]);
		assert.equal(r.json.count, 1);

		r = await srv.api('DELETE', `/api/v2/tasks/${t.id}`, null, { auth: agent });
		assert.equal(r.status, 204, r.text);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent })).status, 404);
		assert.equal((await srv.api('PUT', `/api/v2/tasks/${t.id}`, { task: { done: true } }, { auth: agent })).status, 404);

		const log = await taskEvents(ticket);
		assert.deepEqual(log.map((e) => [e.author, e.value.replace(/^Task \d+ (\w+):.*$/, '$1')]),
			[[agent.id, 'added'], [agent2.id, 'done'], [agent.id, 'reopened'], [agent.id, 'deleted']]);
		assert.match(log[0].value, new RegExp(`^Task ${t.id} added: Call the customer on Thursday \\(owner ${agent2.id}, due ${iso(due)}\\)$`));
	});

	it('refuses what does not fit, naming the field, and writes nothing', async () => {
		const ok = { title: 'Fine', due_at: iso(now() + HOUR) };
		const bad = [
			[{ ...ok, title: '' }, 'title'],
			[{ ...ok, title: '   ' }, 'title'],
			[{ ...ok, title: 'x'.repeat(201) }, 'title'],
			[{ ...ok, title: 'Line one\r\nBcc: everyone@example.com' }, 'title'],
			[{ ...ok, title: 42 }, 'title'],
			[{ due_at: iso(now() + HOUR) }, 'title'],
			[{ ...ok, notes: 'n'.repeat(4097) }, 'notes'],
			[{ ...ok, due_at: 'next thursday' }, 'due_at'],
			[{ ...ok, due_at: '1970-01-01T00:00:00Z' }, 'due_at'],
			[{ ...ok, due_at: '2999-01-01T00:00:00Z' }, 'due_at'],
			[{ ...ok, due_at: '2026-02-30T10:00:00Z' }, 'due_at'],
			[{ ...ok, owner_id: alice.id }, 'owner_id'],
			[{ ...ok, owner_id: 999999 }, 'owner_id'],
			[{ ...ok, owner_id: -1 }, 'owner_id'],
			[{ ...ok, owner_id: 'me' }, 'owner_id'],
			[{ ...ok, done: 'yes' }, 'done'],
		];
		for (const [fields, field] of bad) {
			const r = await srv.api('POST', `/api/v2/tickets/${ticket}/tasks`, { task: fields }, { auth: agent });
			assert.equal(r.status, 422, `${JSON.stringify(fields).slice(0, 80)}: ${r.text}`);
			assert.ok(JSON.stringify(r.json.details ?? r.json).includes(field), `${field}: ${r.text}`);
		}
		// the desk itself (id -1, inactive) owns nothing
		const sys = await srv.api('POST', `/api/v2/tickets/${ticket}/tasks`, { task: { ...ok, owner_id: -1 } }, { auth: agent });
		assert.equal(sys.status, 422);
		for (const body of [{}, { task: 'Call' }, { task: [] }, { task: null }]) {
			const r = await srv.api('POST', `/api/v2/tickets/${ticket}/tasks`, body, { auth: agent });
			assert.ok(r.status === 400 || r.status === 422, r.text);
		}
		const r = await srv.api('GET', `/api/v2/tickets/${ticket}/tasks`, null, { auth: agent });
		assert.equal(r.json.count, 0, 'nothing was written');
		assert.equal((await taskEvents(ticket)).filter((e) => /added/.test(e.value)).length, 1, 'only the first test\'s');
	});

	it('a ticket that does not exist or was deleted is 404; a closed one takes no new task', async () => {
		const ok = { task: { title: 'Call' } };
		assert.equal((await srv.api('POST', '/api/v2/tickets/999999/tasks', ok, { auth: agent })).status, 404);
		assert.equal((await srv.api('GET', '/api/v2/tickets/999999/tasks', null, { auth: agent })).status, 404);
		const gone = (await srv.ticket({ subject: 'Spam' }, { auth: alice })).id;
		const kept = await task(gone, { title: 'Look at it' });
		assert.equal((await srv.api('DELETE', `/api/v2/tickets/${gone}`, null, { auth: agent })).status, 204);
		assert.equal((await srv.api('POST', `/api/v2/tickets/${gone}/tasks`, ok, { auth: agent })).status, 404);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${kept.id}`, null, { auth: agent })).status, 404);

		const closed = (await srv.ticket({ subject: 'Done long ago' }, { auth: alice })).id;
		let r = await srv.api('PUT', `/api/v2/tickets/${closed}`, { ticket: { status: 'closed' } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		r = await srv.api('POST', `/api/v2/tickets/${closed}/tasks`, ok, { auth: agent });
		assert.equal(r.status, 422, r.text);
		assert.match(r.text, /ticket_id/);
	});

	it('end users see nothing of tasks, not even on their own ticket', async () => {
		const t = await task(ticket, { title: 'Internal follow-up' });
		for (const [m, p, body] of [['GET', `/api/v2/tickets/${ticket}/tasks`], ['POST', `/api/v2/tickets/${ticket}/tasks`, { task: { title: 'mine' } }],
			['GET', '/api/v2/tasks'], ['GET', `/api/v2/tasks/${t.id}`], ['PUT', `/api/v2/tasks/${t.id}`, { task: { done: true } }],
			['DELETE', `/api/v2/tasks/${t.id}`], ['GET', '/api/v2/tasks/settings']]) {
			const r = await srv.api(m, p, body ?? null, { auth: alice });
			assert.equal(r.status, 403, `${m} ${p}: ${r.text}`);
		}
		assert.equal((await srv.api('GET', '/api/v2/tasks', null, { auth: 'anonymous' })).status, 401);
		const r = await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent });
		assert.equal(r.json.task.done, false, 'untouched');
		assert.equal((await srv.api('DELETE', `/api/v2/tasks/${t.id}`, null, { auth: agent })).status, 204);
	});

	it('a ticket keeps at most 100 tasks', async () => {
		const t = (await srv.ticket({ subject: 'Busy' }, { auth: alice })).id;
		for (let i = 0; i < 100; i++)
			await task(t, { title: `Step ${i}` });
		const r = await srv.api('POST', `/api/v2/tickets/${t}/tasks`, { task: { title: 'One more' } }, { auth: agent });
		assert.equal(r.status, 422, r.text);
		const l = await srv.api('GET', `/api/v2/tickets/${t}/tasks?per_page=30&page=4`, null, { auth: agent });
		assert.equal(l.json.count, 100);
		assert.equal(l.json.tasks.length, 10);
		assert.equal(l.json.next_page, null);
		assert.ok(l.json.previous_page);
	});
});

describe('my tasks', () => {
	it('lists an owner\'s tasks by status, soonest first, with counts', async () => {
		const a = (await srv.ticket({ subject: 'Mine A' }, { auth: alice })).id;
		const b = (await srv.ticket({ subject: 'Mine B' }, { auth: alice })).id;
		const t = now();
		const late = await task(a, { title: 'Late', due_at: iso(t - HOUR), owner_id: agent2.id });
		const soon = await task(b, { title: 'Soon', due_at: iso(t + 2 * HOUR), owner_id: agent2.id });
		const later = await task(a, { title: 'Later', due_at: iso(t + 3 * DAY), owner_id: agent2.id });
		const whenever = await task(b, { title: 'Whenever', owner_id: agent2.id });
		const done = await task(b, { title: 'Done', due_at: iso(t + HOUR), owner_id: agent2.id });
		await srv.api('PUT', `/api/v2/tasks/${done.id}`, { task: { done: true } }, { auth: agent2 });
		await task(a, { title: 'Someone else\'s', due_at: iso(t + HOUR), owner_id: agent.id });

		const list = async (q, auth = agent2) => {
			const r = await srv.api('GET', `/api/v2/tasks?${q}`, null, { auth });
			assert.equal(r.status, 200, `${q}: ${r.text}`);
			return { ids: r.json.tasks.map((x) => x.id), count: r.json.count, tasks: r.json.tasks };
		};
		assert.deepEqual((await list('owner_id=me&status=overdue')).ids, [late.id]);
		assert.deepEqual((await list('owner_id=me&status=due')).ids, [soon.id]);
		assert.deepEqual((await list('owner_id=me&status=upcoming')).ids, [later.id, whenever.id]);
		assert.deepEqual((await list('owner_id=me&status=done')).ids, [done.id]);
		const badge = await list('owner_id=me&status=overdue,due');
		assert.deepEqual(badge.ids, [late.id, soon.id]);
		assert.equal(badge.count, 2);
		assert.deepEqual(badge.tasks.map((x) => [x.status, x.ticket_subject]), [['overdue', 'Mine A'], ['due', 'Mine B']]);
		assert.deepEqual((await list(`owner_id=${agent2.id}`, agent)).ids, [late.id, done.id, soon.id, later.id, whenever.id]);
		assert.deepEqual((await list(`owner_id=me&ticket_id=${a}`)).ids, [late.id, later.id]);
		const page = await list('owner_id=me&per_page=2&page=2');
		assert.deepEqual(page.ids, [soon.id, later.id]);
		assert.equal(page.count, 5);

		for (const q of ['status=late', 'status=overdue,upcoming', 'status=done,due', 'status=', 'owner_id=you', 'owner_id=-3',
			'owner_id=1%20OR%201=1', 'ticket_id=me', 'sort=due', `status=${'x'.repeat(5000)}`]) {
			const r = await srv.api('GET', `/api/v2/tasks?${q}`, null, { auth: agent2 });
			assert.equal(r.status, 400, `${q}: ${r.text}`);
		}
		// a stranger's id is an empty list, not an error
		assert.deepEqual((await list('owner_id=999999')).ids, []);
	});
});

/** The messages (mail to a person) in the outbox about ticket id, oldest first, in full. */
async function messages(id) {
	const r = await srv.api('GET', '/api/v2/outbox?page[size]=100');
	assert.equal(r.status, 200, r.text);
	const ms = r.json.outbox_mails.filter((m) => m.kind === 'message' && m.ticket_id === id).reverse();
	return Promise.all(ms.map(async (m) => (await srv.api('GET', `/api/v2/outbox/${m.id}`)).json.outbox_mail));
}

/** Waits until the server's runner has sent (kept) n messages about ticket id. */
async function messagesSent(id, n) {
	let ms = [];
	for (let i = 0; i < 200 && ms.length < n; i++) {
		ms = await messages(id);
		if (ms.length < n)
			await new Promise((ok) => setTimeout(ok, 50));
	}
	return ms;
}

describe('reminders', () => {
	it('a due task is reminded once at the time chosen, a new due time reminds again', async () => {
		const ticket = (await srv.ticket({ subject: 'Remind me' }, { auth: alice })).id;
		const due = now() + 5 * HOUR;
		const t = await task(ticket, { title: 'Confirm the fix', due_at: iso(due), owner_id: agent2.id });
		const s = srv.db ? await srv.events(agent2) : null;

		let out = await remind(due - 60);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent })).json.task.reminded_at, null, 'not yet due');
		out = await remind(due + 1);
		assert.ok(out.reminded >= 1, JSON.stringify(out));
		let r = await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent });
		assert.equal(r.json.task.reminded_at, iso(due + 1));
		// the CLI's event reaches the server through PostgreSQL's NOTIFY
		if (s) {
			const ev = await s.waitFor((e) => e.event === 'task.due' && e.data.task_id === t.id);
			assert.equal(ev.data.owner_id, agent2.id);
			assert.equal(ev.data.ticket_id, ticket);
		}
		// again, and later: nothing more for it
		await remind(due + 2);
		await remind(due + HOUR);
		r = await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent });
		assert.equal(r.json.task.reminded_at, iso(due + 1), 'reminded once');
		// … and mailed to its owner once
		const mails = await messagesSent(ticket, 1);
		assert.equal(mails.length, 1, JSON.stringify(mails));
		assert.deepEqual(mails[0].to, [agent2.email]);
		assert.match(mails[0].subject, /Confirm the fix/);
		assert.match(mails[0].text, /Remind me/);

		// a change that is not the due time keeps the mark
		r = await srv.api('PUT', `/api/v2/tasks/${t.id}`, { task: { notes: 'they were out' } }, { auth: agent2 });
		assert.equal(r.json.task.reminded_at, iso(due + 1));
		// a new due time re-arms it
		const again = due + DAY;
		r = await srv.api('PUT', `/api/v2/tasks/${t.id}`, { task: { due_at: iso(again) } }, { auth: agent2 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.task.reminded_at, null);
		await remind(again - 1);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent })).json.task.reminded_at, null);
		await remind(again);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent })).json.task.reminded_at, iso(again));

		// a task done before it falls due is never reminded
		const d = await task(ticket, { title: 'Already done', due_at: iso(due), owner_id: agent2.id });
		await srv.api('PUT', `/api/v2/tasks/${d.id}`, { task: { done: true } }, { auth: agent2 });
		await remind(due + 2 * DAY);
		assert.equal((await srv.api('GET', `/api/v2/tasks/${d.id}`, null, { auth: agent })).json.task.reminded_at, null);
		s?.close();
	});

	it('the reminder is written in its owner\'s language, English for any other', async () => {
		const ticket = (await srv.ticket({ subject: 'Принтер знову зажовує папір' }, { auth: olena })).id;
		const due = now() + 7 * HOUR;
		for (const [locale, title] of [['uk', 'Зателефонувати клієнтці'], ['lt', 'Paskambinti klientei'],
			['ru', 'Позвонить клиентке'], ['de', 'Call the customer']]) {
			const r = await srv.api('PUT', `/api/v2/users/${taras.id}`, { user: { locale } });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.user.locale, locale);
			const t = await task(ticket, { title, due_at: iso(due), owner_id: taras.id, notes: 'лоток 2' });
			const out = await remind(due + 1);
			assert.ok(out.reminded >= 1, JSON.stringify(out));
			assert.equal((await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent })).json.task.reminded_at, iso(due + 1));
		}
		const mails = await messagesSent(ticket, 4);
		assert.equal(mails.length, 4, JSON.stringify(mails));
		for (const m of mails)
			assert.deepEqual(m.to, [taras.email]);
		const [uk, lt, ru, other] = mails;
		assert.equal(uk.subject, `[#${ticket}] Час виконати завдання: Зателефонувати клієнтці`);
		assert.match(uk.text, /^Настав час виконати ваше завдання\./);
		assert.match(uk.text, new RegExp(`Запит #${ticket}: Принтер знову зажовує папір`));
		assert.match(uk.text, /Термін: \d{4}-\d\d-\d\dT/);
		assert.match(uk.text, /Нотатки:\nлоток 2/);
		assert.doesNotMatch(uk.text, /Task|Due|Ticket|Notes/);
		assert.equal(lt.subject, `[#${ticket}] Atėjo užduoties laikas: Paskambinti klientei`);
		assert.match(lt.text, new RegExp(`Užklausa #${ticket}:`));
		assert.equal(ru.subject, `[#${ticket}] Пора выполнить задачу: Позвонить клиентке`);
		assert.match(ru.text, new RegExp(`Запрос #${ticket}:`));
		assert.equal(other.subject, `[#${ticket}] Task due: Call the customer`);
		assert.match(other.text, new RegExp(`Ticket #${ticket}: Принтер`));
	});

	it('the server\'s own pass reminds a task that is due, with the live event, once', async () => {
		const ticket = (await srv.ticket({ subject: 'Overdue already' }, { auth: alice })).id;
		const s = await srv.events(agent2);
		const t = await task(ticket, { title: 'Ring back', due_at: iso(now() - 60), owner_id: agent2.id });
		const ev = await s.waitFor((e) => e.event === 'task.due' && e.data.task_id === t.id);
		assert.equal(ev.data.owner_id, agent2.id);
		assert.equal(ev.data.ticket_id, ticket);
		await new Promise((res) => setTimeout(res, 2500)); // two more passes
		assert.equal(s.events.filter((e) => e.event === 'task.due' && e.data.task_id === t.id).length, 1);
		const r = await srv.api('GET', `/api/v2/tasks/${t.id}`, null, { auth: agent });
		assert.ok(r.json.task.reminded_at);
		s.close();
	});

	it('tasks remind refuses arguments that do not fit, with the usage', async () => {
		for (const args of [['tasks'], ['tasks', 'forget'], ['tasks', 'remind', '--now', 'soon'], ['tasks', 'remind', '--now', '1969-12-31T00:00:00Z'],
			['tasks', 'remind', '--data', srv.dir, 'extra']]) {
			const r = await runCli(args);
			assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, /usage: frontline tasks remind/);
		}
		const h = await runCli(['tasks', '--help']);
		assert.equal(h.code, 0);
		assert.match(h.stdout, /--now/);
	});
});

describe('the satisfaction check-in', () => {
	it('is an admin setting from 0 (off) to 90 days', async () => {
		let r = await srv.api('GET', '/api/v2/tasks/settings', null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.settings, { checkin_days: 0 });
		r = await srv.api('PUT', '/api/v2/tasks/settings', { settings: { checkin_days: 3 } }, { auth: agent });
		assert.equal(r.status, 403, 'agents read, admins write');
		for (const v of [-1, 91, 1e12, 2.5, '3', null, true]) {
			r = await srv.api('PUT', '/api/v2/tasks/settings', { settings: { checkin_days: v } });
			assert.equal(r.status, 422, `${v}: ${r.text}`);
			assert.match(r.text, /checkin_days/);
		}
		assert.equal((await srv.api('PUT', '/api/v2/tasks/settings', { checkin_days: 3 })).status, 400);
		assert.deepEqual((await srv.api('GET', '/api/v2/tasks/settings', null, { auth: agent })).json.settings, { checkin_days: 0 });
	});

	it('goes once to the requester of a ticket solved N days ago, never to one reopened, and is in the audit log', async () => {
		// Olena's: her only ticket, so the daily budget of automatic mail to
		// her (mail.auto_limit) is not spent on the acknowledgements of others
		const solved = (await srv.ticket({ subject: 'Fixed it' }, { auth: olena })).id;
		const reopened = (await srv.ticket({ subject: 'Came back' }, { auth: alice })).id;
		const open = (await srv.ticket({ subject: 'Still open' }, { auth: alice })).id;
		for (const id of [solved, reopened]) {
			const r = await srv.api('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'solved' } }, { auth: agent });
			assert.equal(r.status, 200, r.text);
		}
		// the customer writes again: reopened
		let r = await srv.api('PUT', `/api/v2/tickets/${reopened}`, { ticket: { comment: { body: 'It broke again' } } }, { auth: alice });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.status, 'open');

		const t0 = now();
		// off: nothing, however late
		let out = await remind(t0 + 4 * DAY);
		assert.equal(out.checkins, 0);
		r = await srv.api('PUT', '/api/v2/tasks/settings', { settings: { checkin_days: 3 } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.settings, { checkin_days: 3 });
		out = await remind(t0 + 2 * DAY);
		assert.equal(out.checkins, 0, 'not yet');
		out = await remind(t0 + 3 * DAY + 60);
		assert.ok(out.checkins >= 1, JSON.stringify(out));
		out = await remind(t0 + 3 * DAY + 120);
		assert.equal(out.checkins, 0, 'once');

		// the customer got it by mail, once
		const mails = await messagesSent(solved, 1);
		assert.equal(mails.length, 1, JSON.stringify(mails));
		assert.deepEqual(mails[0].to, [olena.email]);
		assert.deepEqual(await messages(reopened), []);

		const log = await taskEvents(solved);
		assert.deepEqual(log.map((e) => [e.author, e.field, e.value]), [[-1, 'checkin', `sent to ${olena.id} after 3 days`]]);
		assert.deepEqual(await taskEvents(reopened), []);
		assert.deepEqual(await taskEvents(open), []);
		// the ticket itself did not change
		r = await srv.api('GET', `/api/v2/tickets/${solved}`, null, { auth: agent });
		assert.equal(r.json.ticket.status, 'solved');
		await srv.api('PUT', '/api/v2/tasks/settings', { settings: { checkin_days: 0 } });
	});
});
