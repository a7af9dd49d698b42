// Triggers end to end through the real parts: their mail leaves through a
// real SMTP server (aiosmtpd) with the placeholders filled in the language
// of each recipient, a customer's text is never read as a template, a
// webhook call arrives signed with the body the trigger rendered (a
// customer's quotes and backslashes kept inside its JSON strings), a group
// set by a trigger routes the ticket in the same write with both reasons
// in the audits, and an SLA breach sends mail.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { startSmtp } from './lib/smtp.mjs';
import { startReceiver } from './lib/webhook_receiver.mjs';
import { sqlOnServer, startServer } from './lib/server.mjs';

const SYSTEM = -1;
let srv, smtp, rx, olena, jonas, alice, team;

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

const trigger = async (t) => (await ok('POST', '/api/v2/triggers', { trigger: t })).trigger;
const drop = (t) => ok('DELETE', `/api/v2/triggers/${t.id}`);
const tagged = (tag) => ({ all: [{ field: 'current_tags', operator: 'includes', value: tag }] });
const show = async (id) => (await ok('GET', `/api/v2/tickets/${id}`)).ticket;
const to = (addr, text) => (m) => m.headers.to === addr && (!text || m.text.includes(text));

async function deskEvents(id) {
	return (await ok('GET', `/api/v2/tickets/${id}/audits`)).audits.filter((a) => a.author_id === SYSTEM)
		.flatMap((a) => a.events.filter((e) => e.type !== 'Comment').map((e) => [e.field_name, e.value]));
}

before(async () => {
	smtp = await startSmtp();
	rx = await startReceiver();
	srv = await startServer({ agents: ['olena', 'jonas'], endUsers: ['alice'],
		env: { FRONTLINE_SLA_TICK: '1', FRONTLINE_WEBHOOK_BACKOFF: '1' } });
	({ olena, jonas, alice } = srv.users);
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	await ok('PUT', `/api/v2/users/${olena.id}`, { user: { locale: 'uk' } });
	await ok('PUT', `/api/v2/users/${jonas.id}`, { user: { locale: 'lt' } });
	team = (await ok('POST', '/api/v2/groups', { group: { name: 'Tier 2' } })).group;
	for (const u of [olena, jonas])
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: u.id, group_id: team.id } });
});
after(async () => {
	await srv?.cleanup();
	await smtp?.cleanup();
	await rx?.close();
});

it('mails the assignee and the group, filled in each one\'s language; a customer\'s {{…}} stays text', async () => {
	const t = await trigger({ title: 'Tell the team', conditions: tagged('tell'), actions: [
		{ field: 'notification_user', value: ['assignee_id', 'Urgent: {{ticket.title}}',
			'Ticket {{ticket.id}} from {{ticket.requester.name}} is {{ticket.status}}, {{ticket.priority}}.'] },
		{ field: 'notification_group', value: [team.id, 'Team: {{ticket.title}}',
			'{{ticket.group.name}} has ticket {{ticket.id}}: {{ticket.status}}.'] }] });
	const tk = await srv.ticket({ subject: 'Hi {{current_user.email}}', body: 'Where is my order?' }, { auth: alice });
	await ok('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { assignee_id: olena.id, group_id: team.id,
		status: 'open', priority: 'urgent', tags: ['tell'] } }, jonas);

	const mine = await smtp.waitFor(to('olena@example.test', 'Customer alice'));
	assert.match(mine.headers.subject, /Urgent: Hi \{\{current_user\.email\}\}/);
	assert.equal(mine.text.trim(), `Ticket ${tk.id} from Customer alice is Відкрито, Терміновий.`);
	const uk = await smtp.waitFor(to('olena@example.test', 'Tier 2 has'));
	assert.match(uk.headers.subject, /Team: Hi \{\{current_user\.email\}\}/);
	assert.equal(uk.text.trim(), `Tier 2 has ticket ${tk.id}: Відкрито.`);
	const lt = await smtp.waitFor(to('jonas@example.test', 'Tier 2 has'));
	assert.equal(lt.text.trim(), `Tier 2 has ticket ${tk.id}: Atvira.`);
	for (const m of await smtp.messages())
		assert.ok(!m.raw.includes('jonas@example.test') || m.headers.to === 'jonas@example.test',
			'the acting agent\'s address leaked into a mail');
	assert.deepEqual((await deskEvents(tk.id)).filter((e) => e[0] === 'rule'), [['rule', `Trigger ${t.id}: Tell the team`]]);
	await drop(t);
});

it('a trigger\'s webhook call arrives signed with the rendered body, a customer\'s quotes kept inside the strings', async () => {
	await ok('PUT', '/api/v2/webhooks/settings', { webhook_settings: { allowed_hosts: ['127.0.0.1'] } });
	const hook = (await ok('POST', '/api/v2/webhooks', { webhook: { name: 'CRM', endpoint: `${rx.url}/crm` } })).webhook;
	rx.secret = (await ok('GET', `/api/v2/webhooks/${hook.id}/signing_secret`)).signing_secret.secret;
	const t = await trigger({ title: 'To the CRM', conditions: tagged('crm'), actions: [
		{ field: 'notification_webhook', value: [hook.id,
			'{"ticket": {{ticket.id}}, "title": "{{ticket.title}}", "status": "{{ticket.status}}", "by": "{{current_user.name}}"}'] }] });
	const title = 'Screen says "ERROR\\n" \\ then {{current_user.email}}';
	const tk = await srv.ticket({ subject: title, tags: ['crm'] }, { auth: alice });
	assert.equal((await show(tk.id)).subject, title, 'the customer\'s write stands');
	const [req] = await rx.waitFor(1);
	assert.equal(req.path, '/crm');
	assert.ok(req.valid, 'the signature does not verify');
	assert.equal(req.headers['x-frontline-webhook-id'], String(hook.id));
	assert.deepEqual(req.json, { ticket: tk.id, title, status: 'New', by: 'Customer alice' });
	assert.ok(!(await deskEvents(tk.id)).some((e) => e[0] === 'rule_failed'));
	await drop(t);
	await ok('DELETE', `/api/v2/webhooks/${hook.id}`);
});

it('a triple-braced value in a webhook body is JSON-escaped too: a customer\'s subject adds no keys; the log keeps 4 KiB of a large body', async () => {
	await ok('PUT', '/api/v2/webhooks/settings', { webhook_settings: { allowed_hosts: ['127.0.0.1'] } });
	const hook = (await ok('POST', '/api/v2/webhooks', { webhook: { name: 'CRM', endpoint: `${rx.url}/raw` } })).webhook;
	const t = await trigger({ title: 'Raw to the CRM', conditions: tagged('raw'), actions: [
		{ field: 'notification_webhook', value: [hook.id,
			'{"title": "{{{ticket.title}}}", "same": "{{& ticket.title}}", "text": "{{ticket.description}}"}'] }] });
	const title = '","admin":true,"x":"';
	const body = 'Ї'.repeat(6000); // 12,000 bytes of UTF-8
	const before = rx.requests.length;
	await srv.ticket({ subject: title, body, tags: ['raw'] }, { auth: alice });
	const [req] = (await rx.waitFor(before + 1)).slice(before);
	assert.equal(req.path, '/raw');
	assert.deepEqual(req.json, { title, same: title, text: body });
	// once delivered, the log keeps the first 4 KiB of the body, cut between characters
	let kept;
	for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
		const [inv] = (await ok('GET', `/api/v2/webhooks/${hook.id}/invocations`)).invocations;
		if (inv?.status === 'delivered') {
			kept = (await sqlOnServer(srv, `SELECT body FROM webhook_invocations WHERE id = ${inv.id};`)).replace(/\n$/, '');
			break;
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	assert.ok(kept, 'the invocation was not delivered');
	const bytes = Buffer.byteLength(kept);
	assert.ok(bytes <= 4096 && bytes > 4000, `${bytes} bytes kept`);
	assert.ok(!kept.includes('\ufffd'), 'a character was cut in two');
	assert.ok(kept.startsWith('{"title": "\\",\\"admin'), kept.slice(0, 60));
	await drop(t);
	await ok('DELETE', `/api/v2/webhooks/${hook.id}`);
});

it('a trigger that sets a round-robin group gets the ticket assigned in the same write, both reasons in the audits', async () => {
	const rr = (await ok('POST', '/api/v2/groups', { group: { name: 'Refunds', routing: { method: 'round_robin' } } })).group;
	for (const u of [olena, jonas])
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: u.id, group_id: rr.id } });
	for (const u of [olena, jonas])
		await ok('PUT', `/api/v2/agent_availabilities/${u.id}`, { agent_availability: { status: 'online' } });
	const t = await trigger({ title: 'Refunds to Refunds', conditions: { all: [
		{ field: 'comment_includes_word', operator: 'includes', value: 'refund' }] },
	actions: [{ field: 'group_id', value: rr.id }, { field: 'current_tags', value: 'refund' }] });
	const made = await srv.ticket({ subject: 'Money back', body: 'I want a refund please' }, { auth: alice });
	const tk = await show(made.id);
	assert.equal(tk.group_id, rr.id);
	assert.ok([olena.id, jonas.id].includes(tk.assignee_id), `not assigned: ${tk.assignee_id}`);
	assert.ok(tk.tags.includes('refund'));
	const ev = await deskEvents(tk.id);
	assert.ok(ev.some((e) => e[0] === 'rule' && e[1] === `Trigger ${t.id}: Refunds to Refunds`), JSON.stringify(ev));
	const routed = ev.find((e) => e[0] === 'routing');
	assert.ok(routed, JSON.stringify(ev));
	assert.match(routed[1], /^round robin in Refunds: Agent (olena|jonas)/);
	// the next one goes to the other agent
	const second = await show((await srv.ticket({ subject: 'Again', body: 'refund' }, { auth: alice })).id);
	assert.ok([olena.id, jonas.id].includes(second.assignee_id));
	assert.notEqual(second.assignee_id, tk.assignee_id);
	await drop(t);
});

it('an SLA breach sends mail to the group', async () => {
	const p = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Wiring breach',
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'breachy' }] },
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }] } })).sla_policy;
	const t = await trigger({ title: 'Breach: tell Tier 2',
		conditions: { all: [{ field: 'sla_event', operator: 'is', value: 'breached' }] },
		actions: [{ field: 'notification_group', value: [team.id, 'Breached: #{{ticket.id}}',
			'{{ticket.title}} missed its first reply ({{ticket.priority}}).'] }] });
	const tk = await srv.ticket({ subject: 'Slow one', priority: 'urgent', tags: ['breachy'] }, { auth: alice });
	const move = `UPDATE tickets SET created_at = created_at - 7200, updated_at = updated_at - 7200 WHERE id = ${tk.id};
		UPDATE comments SET created_at = created_at - 7200 WHERE ticket_id = ${tk.id};
		UPDATE audits SET created_at = created_at - 7200 WHERE ticket_id = ${tk.id};
		UPDATE ticket_slas SET next_event_at = 1 WHERE ticket_id = ${tk.id};`;
	await sqlOnServer(srv, srv.db
		? `BEGIN; SET LOCAL session_replication_role = replica; ${move} COMMIT;`
		: `BEGIN IMMEDIATE; DROP TRIGGER audits_append_only_u; ${move}
		   CREATE TRIGGER audits_append_only_u BEFORE UPDATE ON audits BEGIN SELECT RAISE(ABORT, 'audits are append-only'); END;
		   COMMIT;`);
	const fired = (e) => e[0] === 'rule' && e[1] === `Trigger ${t.id}: Breach: tell Tier 2`;
	for (const end = Date.now() + 30_000; Date.now() < end && !(await deskEvents(tk.id)).some(fired);)
		await new Promise((r) => setTimeout(r, 300));
	assert.ok((await deskEvents(tk.id)).some(fired), `did not fire: ${JSON.stringify(await deskEvents(tk.id))}`);
	const uk = await smtp.waitFor(to('olena@example.test', 'Slow one missed'));
	assert.match(uk.headers.subject, new RegExp(`Breached: #${tk.id}`));
	assert.equal(uk.text.trim(), 'Slow one missed its first reply (Терміновий).');
	const lt = await smtp.waitFor(to('jonas@example.test', 'Slow one missed'));
	assert.equal(lt.text.trim(), 'Slow one missed its first reply (Skubus).');
	await drop(t);
	await ok('DELETE', `/api/v2/slas/policies/${p.id}`);
});

it('a trigger\'s own assignment in a round-robin group stands: routing does not assign over it', async () => {
	const rr = (await ok('POST', '/api/v2/groups', { group: { name: 'VIP desk', routing: { method: 'round_robin' } } })).group;
	for (const u of [olena, jonas]) {
		await ok('POST', '/api/v2/group_memberships', { group_membership: { user_id: u.id, group_id: rr.id } });
		await ok('PUT', `/api/v2/agent_availabilities/${u.id}`, { agent_availability: { status: 'online' } });
	}
	const t = await trigger({ title: 'VIPs to Olena', conditions: tagged('vip'),
		actions: [{ field: 'assignee_id', value: olena.id }] });
	for (let i = 0; i < 3; i++) {
		const made = (await ok('POST', '/api/v2/tickets', { ticket: { subject: `VIP ${i}`, comment: { body: 'hello' },
			requester_id: alice.id, group_id: rr.id, tags: ['vip'] } }, jonas)).ticket;
		const tk = await show(made.id);
		assert.equal(tk.assignee_id, olena.id, `ticket ${i} went to ${tk.assignee_id}`);
		assert.ok(!(await deskEvents(tk.id)).some((e) => e[0] === 'routing'), 'routed over the trigger');
	}
	await drop(t);
});

it('a trigger on closing still mails, and the close stands though the trigger would change the ticket', async () => {
	const t = await trigger({ title: 'Closed: tell the customer', conditions: { all: [
		{ field: 'status', operator: 'value', value: 'closed' }] },
	actions: [{ field: 'current_tags', value: 'told' },
		{ field: 'notification_user', value: ['requester_id', 'Closed #{{ticket.id}}', 'Your request {{ticket.title}} is closed.'] }] });
	const tk = await srv.ticket({ subject: 'Closing one', body: 'x' }, { auth: alice });
	await ok('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { status: 'solved' } }, olena);
	const r = await srv.api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { status: 'closed' } }, { auth: olena });
	assert.equal(r.status, 200, r.text);
	const now = await show(tk.id);
	assert.equal(now.status, 'closed');
	assert.ok(!now.tags.includes('told'), 'a closed ticket changed');
	await smtp.waitFor(to(alice.email, 'Closing one is closed'));
	await drop(t);
});

it('server exits with code 0 on SIGTERM (no leaks or sanitizer reports)', async () => {
	await srv.stop();
});
