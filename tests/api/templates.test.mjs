// POST /api/v2/templates/preview: the template language and Zendesk's
// placeholders filled from a real ticket (docs/templates.md) — what a
// macro or a trigger's mail would say — with a customer's text never read
// as a template, HTML escaped when asked for, and every refusal naming
// "template" (or the ticket) with nothing else said.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const PREVIEW = '/api/v2/templates/preview';
let srv, agent, alice, base, ticket, group, org;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
	const s = await srv.api('GET', '/api/v2/account/settings');
	assert.equal(s.status, 200, s.text);
	base = s.json.settings.public_url;
	let r = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 2 — Київ' } });
	assert.equal(r.status, 201, r.text);
	group = r.json.group;
	r = await srv.api('POST', '/api/v2/organizations', { organization: { name: 'Ąžuolas UAB' } });
	assert.equal(r.status, 201, r.text);
	org = r.json.organization;
	r = await srv.api('PUT', `/api/v2/users/${alice.id}`,
		{ user: { name: 'Olena Kovalenko', locale: 'uk', organization_id: org.id } });
	assert.equal(r.status, 200, r.text);
	ticket = await srv.ticket({ subject: 'Посилка не прийшла', requester_id: alice.id,
		assignee_id: agent.id, group_id: group.id, organization_id: org.id,
		priority: 'urgent', status: 'pending', tags: ['vip', 'refund'],
		body: 'Where is my parcel?' });
	r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`,
		{ ticket: { comment: { body: 'We are on it, Olena.', public: true } } });
	assert.equal(r.status, 200, r.text);
	r = await srv.api('PUT', `/api/v2/tickets/${ticket.id}`,
		{ ticket: { comment: { body: 'internal: courier lost it', public: false } } });
	assert.equal(r.status, 200, r.text);
});
after(async () => { await srv?.cleanup(); });

async function preview(body, auth = agent) {
	const r = await srv.api('POST', PREVIEW, body, { auth });
	assert.equal(r.status, 200, r.text);
	return r.json.rendered;
}

function refused(r, status, field, msg) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
	if (msg)
		assert.match(r.text, msg);
}

describe('templates preview', () => {
	it('fills every placeholder from the ticket, its people and the agent', async () => {
		const names = ['ticket.id', 'ticket.title', 'ticket.description', 'ticket.status',
			'ticket.priority', 'ticket.type', 'ticket.via', 'ticket.url', 'ticket.link',
			'ticket.tags', 'ticket.created_at', 'ticket.requester.name',
			'ticket.requester.first_name', 'ticket.requester.email', 'ticket.requester.language',
			'ticket.assignee.name', 'ticket.assignee.first_name', 'ticket.assignee.email',
			'ticket.group.name', 'ticket.organization.name', 'ticket.latest_public_comment',
			'current_user.name', 'current_user.first_name', 'current_user.email'];
		const out = await preview({ template: names.map((n) => `${n}={{${n}}}`).join('\n'),
			ticket_id: ticket.id, locale: 'en' });
		const got = Object.fromEntries(out.split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
		assert.deepEqual(got, {
			'ticket.id': String(ticket.id),
			'ticket.title': 'Посилка не прийшла',
			'ticket.description': 'Where is my parcel?',
			'ticket.status': 'Pending',
			'ticket.priority': 'Urgent',
			'ticket.type': '',
			'ticket.via': ticket.via.channel,
			'ticket.url': `${base}/agent/tickets/${ticket.id}`,
			'ticket.link': `${base}/portal/requests/${ticket.id}`,
			'ticket.tags': 'refund vip',
			'ticket.created_at': ticket.created_at,
			'ticket.requester.name': 'Olena Kovalenko',
			'ticket.requester.first_name': 'Olena',
			'ticket.requester.email': 'alice@example.test',
			'ticket.requester.language': 'uk',
			'ticket.assignee.name': 'Agent agent',
			'ticket.assignee.first_name': 'Agent',
			'ticket.assignee.email': 'agent@example.test',
			'ticket.group.name': 'Tier 2 — Київ',
			'ticket.organization.name': 'Ąžuolas UAB',
			// the newest public comment, never the internal note after it
			'ticket.latest_public_comment': 'We are on it, Olena.',
			'current_user.name': 'Agent agent',
			'current_user.first_name': 'Agent',
			'current_user.email': 'agent@example.test',
		});
	});

	it('names status and priority in the requester\'s language, or the one asked for', async () => {
		const tpl = '{{ticket.status}} / {{ticket.priority}}';
		assert.equal(await preview({ template: tpl, ticket_id: ticket.id }), 'В очікуванні / Терміновий');
		assert.equal(await preview({ template: tpl, ticket_id: ticket.id, locale: 'ru' }), 'В ожидании / Срочный');
		assert.equal(await preview({ template: tpl, ticket_id: ticket.id, locale: 'lt' }), 'Laukiama / Skubus');
		assert.equal(await preview({ template: tpl, ticket_id: ticket.id, locale: 'xx' }), 'Pending / Urgent');
	});

	it('sections show on a value and hide without one', async () => {
		const tpl = '{{#ticket.assignee.name}}A:{{ticket.assignee.first_name}}{{/ticket.assignee.name}}' +
			'{{^ticket.type}} no type{{/ticket.type}}{{! not shown }}';
		assert.equal(await preview({ template: tpl, ticket_id: ticket.id }), 'A:Agent no type');
		// without a ticket, the ticket's names are empty; the agent's are not
		assert.equal(await preview({ template: `[{{ticket.id}}]${tpl} {{current_user.email}}` }),
			'[] no type agent@example.test');
	});

	it('never reads a customer\'s text as a template', async () => {
		const t = await srv.ticket({ subject: 'Hi {{current_user.email}} {{#ticket.id}}x{{/ticket.id}}',
			requester_id: alice.id, body: '{{{ticket.requester.email}}} {{ticket.url}}' });
		const out = await preview({ template: '{{ticket.title}} | {{ticket.description}}', ticket_id: t.id });
		assert.equal(out, 'Hi {{current_user.email}} {{#ticket.id}}x{{/ticket.id}} | {{{ticket.requester.email}}} {{ticket.url}}');
		assert.ok(!out.includes('agent@example.test'));
	});

	it('escapes values for HTML when asked, and only then', async () => {
		const t = await srv.ticket({ subject: '<script>alert("x")</script> & co', requester_id: alice.id });
		const tpl = '<p>{{ticket.title}}</p><p>{{{ticket.title}}}</p>';
		assert.equal(await preview({ template: tpl, ticket_id: t.id, html: true }),
			'<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>' +
			'<p><script>alert("x")</script> & co</p>');
		assert.equal(await preview({ template: tpl, ticket_id: t.id }),
			'<p><script>alert("x")</script> & co</p><p><script>alert("x")</script> & co</p>');
	});

	it('refuses unknown placeholders and bad syntax with 422 naming template and the byte', async () => {
		for (const [template, msg] of [
			['Rate us: {{satisfaction.rating_url}}', /unknown placeholder \{\{satisfaction\.rating_url\}\} at byte 9/],
			['{{ticket.custom_fields.1}}', /unknown placeholder/],
			['{{ticket.id', /not closed at byte 0/],
			['{{#ticket.id}}x', /section \{\{#ticket\.id\}\} is not closed at byte 0/],
			['x{{/ticket.id}}', /closes no open section at byte 1/],
			['{{> partial}}', /not a name at byte 0/],
			['{{}}', /empty tag/],
			['{{' + 'a'.repeat(200) + '}}', /a tag over 128 bytes/],
			['{{#ticket.id}}'.repeat(9) + '{{/ticket.id}}'.repeat(9), /nested over 8 deep/],
		]) {
			const r = await srv.api('POST', PREVIEW, { template, ticket_id: ticket.id }, { auth: agent });
			refused(r, 422, 'template', msg);
		}
		refused(await srv.api('POST', PREVIEW, { template: 'x'.repeat(70000) }, { auth: agent }), 422, 'template');
		refused(await srv.api('POST', PREVIEW, { ticket_id: ticket.id }, { auth: agent }), 422, 'template');
		refused(await srv.api('POST', PREVIEW, { template: 5 }, { auth: agent }), 422, 'template');
		refused(await srv.api('POST', PREVIEW, { template: 'x', ticket_id: -1 }, { auth: agent }), 422, 'ticket_id');
		refused(await srv.api('POST', PREVIEW, { template: 'x', ticket_id: 'one' }, { auth: agent }), 422, 'ticket_id');
		refused(await srv.api('POST', PREVIEW, { template: 'x', html: 'yes' }, { auth: agent }), 422, 'html');
		refused(await srv.api('POST', PREVIEW, '[1]', { auth: agent }), 400);
	});

	it('a ticket the agent cannot see is 404; customers and strangers may not preview', async () => {
		refused(await srv.api('POST', PREVIEW, { template: 'x', ticket_id: 999999 }, { auth: agent }), 404);
		const t = await srv.ticket({ subject: 'gone', requester_id: alice.id });
		assert.equal((await srv.api('DELETE', `/api/v2/tickets/${t.id}`)).status, 204);
		refused(await srv.api('POST', PREVIEW, { template: '{{ticket.title}}', ticket_id: t.id }, { auth: agent }), 404);
		refused(await srv.api('POST', PREVIEW, { template: '{{ticket.title}}', ticket_id: ticket.id }, { auth: alice }), 403);
		refused(await srv.api('POST', PREVIEW, { template: 'x' }, { auth: 'anonymous' }), 401);
	});
});
