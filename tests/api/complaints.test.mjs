// Complaints: the reasons (/api/v2/complaint_reasons) with every refusal
// naming its field and nothing written; the ticket's "complaint" (agents
// only, an unknown or inactive reason refused with 422 naming
// complaint.reason_id, the ticket unchanged); a reason in use kept from
// deletion; search by complaint: and complaint_reason:; a trigger that
// marks a complaint and one that reacts to it; and the report, its counts
// and its share resolved at first contact worked out by hand; and the
// review's findings (a viewer's masked report, a rule whose reason went,
// soft delete, merges, an end user's 403, rounding), each failing before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/complaint_reasons';
const REPORT = '/api/v2/complaints/report';
const DELIVERY = 1, QUALITY = 2, BILLING = 3, STAFF = 4, CONTRACTOR = 5;
const PRODUCT_FIELD = 7;

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

async function ok(method, path, body, opts) {
	const r = await srv.api(method, path, body, opts);
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.text}`);
	return r.json;
}

async function reasons(q = '') {
	const j = await ok('GET', `${BASE}${q}`, null, { auth: agent });
	assert.equal(j.count, j.complaint_reasons.length);
	return j.complaint_reasons;
}

async function ticket(id, auth = agent) {
	return (await ok('GET', `/api/v2/tickets/${id}`, null, { auth })).ticket;
}

const mark = (id, complaint, auth = agent) =>
	srv.api('PUT', `/api/v2/tickets/${id}`, { ticket: { complaint } }, { auth });

async function report(q = '') {
	return (await ok('GET', `${REPORT}${q}`, null, { auth: agent })).complaints_report;
}

const counts = (x) => [x.complaints, x.solved, x.first_contact, x.first_contact_share];

describe('the report, counted by hand', () => {
	let org;
	before(async () => {
		org = (await ok('POST', '/api/v2/organizations', { organization: { name: 'Acme Stores' } })).organization;
		await ok('PUT', '/api/v2/complaints/settings', { settings: { product_field_id: PRODUCT_FIELD } });
		const reply = (id, body, pub = true) =>
			ok('PUT', `/api/v2/tickets/${id}`, { ticket: { comment: { body, public: pub } } }, { auth: agent });
		const solve = (id) => ok('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'solved' } }, { auth: agent });
		const make = (subject, reason, product, organization) => srv.ticket({
			subject, requester_id: alice.id, organization_id: organization,
			custom_fields: product ? [{ id: PRODUCT_FIELD, value: product }] : [],
			complaint: { reason_id: reason },
		}, { auth: agent });
		// T1: quality, Router, Acme: one public answer, solved — first contact
		const t1 = await make('Broken router', QUALITY, 'Router', org.id);
		await reply(t1.id, 'Here is a new one, sorry.');
		await solve(t1.id);
		// T2: quality, Router, no organization: two public answers, solved — not
		const t2 = await make('Router again', QUALITY, 'Router', null);
		await reply(t2.id, 'Try a restart.');
		await reply(t2.id, 'We are sending a new one.');
		await solve(t2.id);
		// T3: billing, Modem, Acme: one answer, still open — not
		const t3 = await make('Charged twice', BILLING, 'Modem', org.id);
		await reply(t3.id, 'Looking into it.');
		// T4: delivery, no product: an internal note and one public answer,
		// solved — first contact (a note is not a reply)
		const t4 = await make('Late parcel', DELIVERY, null, null);
		await reply(t4.id, 'Courier says Tuesday', false);
		await reply(t4.id, 'It arrives Tuesday.');
		await solve(t4.id);
		// not a complaint: never counted
		const t5 = await srv.ticket({ subject: 'A question', requester_id: alice.id }, { auth: agent });
		await reply(t5.id, 'Answer.');
		await solve(t5.id);
	});

	it('totals: 4 complaints, 3 solved, 2 at first contact: a share of 0.5', async () => {
		const r = await report();
		assert.deepEqual(counts(r), [4, 3, 2, 0.5]);
		assert.equal(r.period, 'month');
		assert.equal(r.product_field_id, PRODUCT_FIELD);
		assert.equal(r.truncated, false);
	});

	it('by reason: every reason in the taxonomy, with its counts', async () => {
		const r = await report('?locale=uk');
		const by = Object.fromEntries(r.by_reason.map((x) => [x.reason_id, counts(x)]));
		assert.deepEqual(by[QUALITY], [2, 2, 1, 0.5]);
		assert.deepEqual(by[BILLING], [1, 0, 0, 0]);
		assert.deepEqual(by[DELIVERY], [1, 1, 1, 1]);
		assert.deepEqual(by[STAFF], [0, 0, 0, null]);
		assert.equal(r.by_reason.find((x) => x.reason_id === QUALITY).name, 'Якість');
		assert.equal(r.by_reason.find((x) => x.reason_id === CONTRACTOR).names.en,
			'Not our responsibility — the contractor\'s');
	});

	it('by product (the custom field the admin chose), organization and month', async () => {
		const r = await report();
		assert.deepEqual(r.by_product.map((x) => [x.product, ...counts(x)]),
			[['Router', 2, 2, 1, 0.5], [null, 1, 1, 1, 1], ['Modem', 1, 0, 0, 0]]);
		assert.deepEqual(r.by_organization.map((x) => [x.name, ...counts(x)]),
			[[null, 2, 2, 1, 0.5], ['Acme Stores', 2, 1, 1, 0.5]]);
		const month = new Date().toISOString().slice(0, 8) + '01';
		const cur = r.by_period.find((x) => x.start === month);
		assert.deepEqual(counts(cur), [4, 3, 2, 0.5]);
		assert.equal(r.by_period.reduce((n, x) => n + x.complaints, 0), 4);
	});

	it('by week: weeks start on Monday, every week of the period listed', async () => {
		const r = await report('?period=week');
		assert.ok(r.by_period.length >= 5, JSON.stringify(r.by_period));
		for (const w of r.by_period)
			assert.equal(new Date(`${w.start}T00:00:00Z`).getUTCDay(), 1, w.start);
		assert.equal(r.by_period.at(-1).complaints, 4);
	});

	it('a period with nothing in it counts nothing; no share', async () => {
		const r = await report('?from=2025-01-01&to=2025-01-31');
		assert.deepEqual(counts(r), [0, 0, 0, null]);
	});

	it('as CSV: a row per reason, product, organization and period', async () => {
		const r = await srv.api('GET', `${REPORT}.csv`, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /text\/csv/);
		assert.match(r.headers.get('content-disposition'), /complaints-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv/);
		const lines = r.text.replace(/^\uFEFF/, '').trim().split('\r\n');
		assert.equal(lines[0], 'by,key,name,complaints,solved,first_contact,first_contact_share');
		assert.equal(lines[1], 'total,,,4,3,2,0.500');
		assert.ok(lines.includes('product,Router,Router,2,2,1,0.500'), r.text);
		assert.ok(lines.includes(`reason,${BILLING},Billing,1,0,0,0.000`), r.text);
		assert.ok(lines.includes(`reason,${STAFF},Staff,0,0,0,`), r.text);
	});

	it('bad arguments are 422 naming them; an unknown one is 400', async () => {
		refused(await srv.api('GET', `${REPORT}?period=year`, null, { auth: agent }), 422, 'period');
		refused(await srv.api('GET', `${REPORT}?from=2026-13-01`, null, { auth: agent }), 422, 'from');
		refused(await srv.api('GET', `${REPORT}?from=2020-01-01&to=2026-01-01`, null, { auth: agent }), 422, 'to');
		refused(await srv.api('GET', `${REPORT}?locale=fr`, null, { auth: agent }), 422, 'locale');
		refused(await srv.api('GET', `${REPORT}?format=xml`, null, { auth: agent }), 422, 'format');
		refused(await srv.api('GET', `${REPORT}?group_id=1`, null, { auth: agent }), 400);
	});

	it('customers cannot read it', async () => {
		refused(await srv.api('GET', REPORT, null, { auth: alice }), 403);
		refused(await srv.api('GET', BASE, null, { auth: alice }), 403);
	});

	it('the product field: a positive id or null, admins only', async () => {
		refused(await srv.api('PUT', '/api/v2/complaints/settings', { settings: { product_field_id: -3 } }), 422, 'product_field_id');
		refused(await srv.api('PUT', '/api/v2/complaints/settings', { settings: { product_field_id: 'x' } }), 422, 'product_field_id');
		refused(await srv.api('PUT', '/api/v2/complaints/settings', { settings: { product_field_id: 9 } }, { auth: agent }), 403);
		const s = await ok('GET', '/api/v2/complaints/settings', null, { auth: agent });
		assert.equal(s.settings.product_field_id, PRODUCT_FIELD);
	});
});

describe('complaint reasons', () => {
	it('a new desk has the five defaults, named in four languages', async () => {
		const list = await reasons();
		assert.deepEqual(list.map((r) => [r.id, r.names.en, r.position, r.parent_id, r.active]), [
			[DELIVERY, 'Delivery', 1, null, true],
			[QUALITY, 'Quality', 2, null, true],
			[BILLING, 'Billing', 3, null, true],
			[STAFF, 'Staff', 4, null, true],
			[CONTRACTOR, 'Not our responsibility — the contractor\'s', 5, null, true],
		]);
		assert.deepEqual(list[0].names, { uk: 'Доставка', ru: 'Доставка', lt: 'Pristatymas', en: 'Delivery' });
		assert.equal((await reasons('?locale=lt'))[1].name, 'Kokybė');
	});

	let late;
	it('creates a reason under a top-level one; the list reads as a tree', async () => {
		const r = await srv.api('POST', BASE, { complaint_reason: { names: { en: 'Late courier', uk: 'Кур\'єр запізнився' }, parent_id: DELIVERY } });
		assert.equal(r.status, 201, r.text);
		late = r.json.complaint_reason;
		assert.equal(late.parent_id, DELIVERY);
		assert.equal(late.position, 1);
		assert.equal(late.tickets_count, 0);
		assert.deepEqual(late.names, { uk: 'Кур\'єр запізнився', ru: null, lt: null, en: 'Late courier' });
		// a name missing in a language falls back to English
		assert.equal((await ok('GET', `${BASE}/${late.id}?locale=ru`, null, { auth: agent })).complaint_reason.name, 'Late courier');
		assert.deepEqual((await reasons()).map((x) => x.id), [DELIVERY, late.id, QUALITY, BILLING, STAFF, CONTRACTOR]);
	});

	it('refuses what does not validate, naming the field, and writes nothing', async () => {
		const before = await reasons();
		const post = (complaint_reason, auth) => srv.api('POST', BASE, { complaint_reason }, auth ? { auth } : {});
		refused(await post({}), 422, 'names');
		refused(await post({ names: {} }), 422, 'names');
		refused(await post({ names: { en: '   ' } }), 422, 'names.en');
		refused(await post({ names: { en: 'x'.repeat(121) } }), 422, 'names.en');
		refused(await post({ names: { en: 'a\u0001b' } }), 422, 'names.en');
		refused(await post({ names: { fr: 'Livraison' } }), 422, 'names.fr');
		refused(await post({ names: { en: 7 } }), 422, 'names.en');
		refused(await post({ names: 'Delivery' }), 422, 'names');
		refused(await post({ names: { en: 'Deep' }, parent_id: 999999 }), 422, 'parent_id');
		refused(await post({ names: { en: 'Deep' }, parent_id: late.id }), 422, 'parent_id');
		refused(await post({ names: { en: 'Deep' }, parent_id: -1 }), 422, 'parent_id');
		refused(await post({ names: { en: 'Far' }, position: 100000 }), 422, 'position');
		refused(await srv.api('POST', BASE, { reason: {} }), 400);
		refused(await post({ names: { en: 'Agent' } }, agent), 403);
		refused(await post({ names: { en: 'Customer' } }, alice), 403);
		// a reason with reasons under it stays at the top
		refused(await srv.api('PUT', `${BASE}/${DELIVERY}`, { complaint_reason: { parent_id: QUALITY } }), 422, 'parent_id');
		refused(await srv.api('PUT', `${BASE}/${QUALITY}`, { complaint_reason: { parent_id: QUALITY } }), 422, 'parent_id');
		refused(await srv.api('PUT', `${BASE}/999999`, { complaint_reason: { active: false } }), 404);
		assert.deepEqual(await reasons(), before);
	});

	it('moves a reason up and renames it; the others keep their order', async () => {
		const r = await ok('PUT', `${BASE}/${STAFF}`, { complaint_reason: { position: 1, names: { en: 'Our staff', lt: null } } });
		assert.equal(r.complaint_reason.position, 1);
		assert.equal(r.complaint_reason.names.en, 'Our staff');
		assert.equal(r.complaint_reason.names.lt, null);
		assert.equal(r.complaint_reason.names.uk, 'Персонал');
		const top = (await reasons()).filter((x) => !x.parent_id);
		assert.deepEqual(top.map((x) => [x.id, x.position]),
			[[STAFF, 1], [DELIVERY, 2], [QUALITY, 3], [BILLING, 4], [CONTRACTOR, 5]]);
	});
});

describe('moving between levels', () => {
	it('a reason taken to the top goes last there and its old level closes the gap; and back', async () => {
		const spare = (await ok('POST', BASE, { complaint_reason: { names: { en: 'Wrong address' }, parent_id: DELIVERY, position: 1 } })).complaint_reason;
		const late = (await reasons()).find((x) => x.names.en === 'Late courier');
		assert.deepEqual((await reasons()).filter((x) => x.parent_id === DELIVERY).map((x) => [x.id, x.position]),
			[[spare.id, 1], [late.id, 2]]);
		let r = await ok('PUT', `${BASE}/${spare.id}`, { complaint_reason: { parent_id: null } });
		assert.equal(r.complaint_reason.position, 6);
		assert.deepEqual((await reasons()).filter((x) => x.parent_id === DELIVERY).map((x) => [x.id, x.position]), [[late.id, 1]]);
		r = await ok('PUT', `${BASE}/${spare.id}`, { complaint_reason: { parent_id: QUALITY, position: 1 } });
		assert.equal(r.complaint_reason.parent_id, QUALITY);
		const top = (await reasons()).filter((x) => !x.parent_id);
		assert.deepEqual(top.map((x) => x.position), [1, 2, 3, 4, 5]);
		assert.equal((await srv.api('DELETE', `${BASE}/${spare.id}`)).status, 204);
		assert.equal((await reasons()).length, 6);
	});
});

describe('a ticket\'s complaint', () => {
	let t, other;
	before(async () => {
		t = await srv.ticket({ subject: 'Rude on the phone', requester_id: alice.id }, { auth: agent });
		other = await srv.ticket({ subject: 'Where is my order', requester_id: alice.id }, { auth: agent });
	});

	it('is null until an agent marks it; then it has its reason, audited', async () => {
		assert.equal(t.complaint, null);
		const r = await mark(t.id, { reason_id: STAFF });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.complaint, { reason_id: STAFF });
		assert.deepEqual((await ticket(t.id)).complaint, { reason_id: STAFF });
		const audits = (await ok('GET', `/api/v2/tickets/${t.id}/audits`, null, { auth: agent })).audits;
		const ev = audits.flatMap((a) => a.events).find((e) => e.field_name === 'complaint_reason_id');
		assert.equal(ev?.value, String(STAFF));
	});

	it('an unknown reason, a bad shape or a bad id is 422 naming the field; the ticket unchanged', async () => {
		refused(await mark(t.id, { reason_id: 999999 }), 422, 'complaint.reason_id');
		refused(await mark(t.id, { reason_id: -4 }), 422, 'complaint.reason_id');
		refused(await mark(t.id, { reason_id: '2' }), 422, 'complaint.reason_id');
		refused(await mark(t.id, {}), 422, 'complaint.reason_id');
		refused(await mark(t.id, 5), 422, 'complaint');
		refused(await mark(t.id, true), 422, 'complaint');
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { subject: 'Changed', complaint: { reason_id: 999999 } } }, { auth: agent });
		refused(r, 422, 'complaint.reason_id');
		const now = await ticket(t.id);
		assert.equal(now.subject, 'Rude on the phone');
		assert.deepEqual(now.complaint, { reason_id: STAFF });
	});

	it('an end user can neither set it nor see it nor search by it', async () => {
		refused(await mark(other.id, { reason_id: QUALITY }, alice), 403);
		assert.deepEqual((await ticket(other.id)).complaint, null);
		refused(await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Mine', comment: { body: 'x' }, complaint: { reason_id: QUALITY } } }, { auth: alice }), 403);
		const mine = await ticket(t.id, alice);
		assert.ok(!('complaint' in mine), JSON.stringify(mine));
		const list = (await ok('GET', '/api/v2/tickets', null, { auth: alice })).tickets;
		assert.ok(list.length > 0 && list.every((x) => !('complaint' in x)), JSON.stringify(list[0]));
		refused(await srv.api('GET', `/api/v2/search?query=${encodeURIComponent('complaint:true')}`, null, { auth: alice }), 422, 'query');
	});

	it('an inactive reason cannot be given, but stays on the tickets that have it', async () => {
		await ok('PUT', `${BASE}/${STAFF}`, { complaint_reason: { active: false } });
		refused(await mark(other.id, { reason_id: STAFF }), 422, 'complaint.reason_id');
		// the ticket that has it is written as before, its reason sent back as it was
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'high', complaint: { reason_id: STAFF } } }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.ticket.complaint, { reason_id: STAFF });
		await ok('PUT', `${BASE}/${STAFF}`, { complaint_reason: { active: true } });
	});

	it('a reason in use is not deleted (deactivate it instead); an unused one is', async () => {
		refused(await srv.api('DELETE', `${BASE}/${STAFF}`), 422, 'id');
		refused(await srv.api('DELETE', `${BASE}/${DELIVERY}`), 422, 'id'); // reasons under it
		assert.equal((await ok('GET', `${BASE}/${STAFF}`, null, { auth: agent })).complaint_reason.tickets_count, 1);
		const spare = (await ok('POST', BASE, { complaint_reason: { names: { en: 'Spare' } } })).complaint_reason;
		assert.equal((await srv.api('DELETE', `${BASE}/${spare.id}`)).status, 204);
		refused(await srv.api('GET', `${BASE}/${spare.id}`, null, { auth: agent }), 404);
		refused(await srv.api('DELETE', `${BASE}/${STAFF}`, null, { auth: agent }), 403);
	});

	it('search: complaint:true, complaint:false, complaint_reason:ID; bad values refused', async () => {
		const ids = async (q) => (await ok('GET', `/api/v2/search?query=${encodeURIComponent(`type:ticket ${q}`)}`, null, { auth: agent }))
			.results.map((x) => x.id).sort((a, b) => a - b);
		const all = await ids('complaint:true');
		assert.ok(all.includes(t.id) && !all.includes(other.id), JSON.stringify(all));
		assert.equal(all.length, 5); // the report's four and this one
		assert.deepEqual(await ids(`complaint_reason:${STAFF}`), [t.id]);
		const not = await ids('complaint:false');
		assert.ok(not.includes(other.id) && !not.includes(t.id));
		assert.ok(!(await ids(`-complaint_reason:${STAFF} complaint:true`)).includes(t.id));
		assert.ok((await ids('complaint_reason:none')).includes(other.id));
		for (const q of ['complaint:maybe', 'complaint_reason:abc', 'complaint_reason>3'])
			assert.ok([400, 422].includes((await srv.api('GET', `/api/v2/search?query=${encodeURIComponent(q)}`, null, { auth: agent })).status), q);
		const c = await ok('GET', `/api/v2/search/count?query=${encodeURIComponent('complaint:true')}`, null, { auth: agent });
		assert.equal(c.count, 5);
	});

	it('a view of complaints lists them; of one reason, its tickets; a bad value is refused', async () => {
		const view = async (all) => {
			const r = await srv.api('POST', '/api/v2/views', { view: { title: 'Complaints', all } });
			assert.equal(r.status, 201, r.text);
			const list = await ok('GET', `/api/v2/views/${r.json.view.id}/tickets`, null, { auth: agent });
			await ok('DELETE', `/api/v2/views/${r.json.view.id}`);
			return list.tickets.map((x) => x.id);
		};
		const all = await view([{ field: 'complaint', operator: 'is', value: true }]);
		assert.equal(all.length, 5);
		assert.ok(all.includes(t.id) && !all.includes(other.id));
		assert.deepEqual(await view([{ field: 'complaint_reason_id', operator: 'is', value: STAFF }]), [t.id]);
		assert.ok((await view([{ field: 'complaint', operator: 'is', value: false }])).includes(other.id));
		refused(await srv.api('POST', '/api/v2/views', { view: { title: 'x', all: [{ field: 'complaint', operator: 'is', value: 'maybe' }] } }), 422);
	});

	it('unmarked with null', async () => {
		const r = await mark(t.id, null);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ticket.complaint, null);
	});
});

describe('rules', () => {
	after(async () => {
		const list = (await ok('GET', '/api/v2/triggers', null, { auth: agent })).triggers;
		for (const x of list)
			await ok('DELETE', `/api/v2/triggers/${x.id}`);
	});

	it('a trigger marks a complaint with a reason; another reacts to it being one', async () => {
		await ok('POST', '/api/v2/triggers', { trigger: {
			title: 'Refunds are billing complaints',
			conditions: { all: [{ field: 'subject_includes_word', operator: 'includes', value: 'refund' }] },
			actions: [{ field: 'complaint_reason_id', value: BILLING }],
		} });
		await ok('POST', '/api/v2/triggers', { trigger: {
			title: 'Tag billing complaints',
			conditions: { all: [
				{ field: 'complaint', operator: 'is', value: true },
				{ field: 'complaint_reason_id', operator: 'is', value: BILLING },
			] },
			actions: [{ field: 'current_tags', value: 'billing_complaint' }],
		} });
		const t = await srv.ticket({ subject: 'I want a refund now', requester_id: alice.id }, { auth: alice });
		const now = await ticket(t.id);
		assert.deepEqual(now.complaint, { reason_id: BILLING });
		assert.ok(now.tags.includes('billing_complaint'), JSON.stringify(now.tags));
		const plain = await srv.ticket({ subject: 'A kind word', requester_id: alice.id }, { auth: alice });
		const p = await ticket(plain.id);
		assert.equal(p.complaint, null);
		assert.ok(!p.tags.includes('billing_complaint'));
	});

	it('a rule naming an unknown or inactive reason is refused, naming the value', async () => {
		const post = (actions, conditions = { all: [{ field: 'status', operator: 'is', value: 'new' }] }) =>
			srv.api('POST', '/api/v2/triggers', { trigger: { title: 'x', conditions, actions } });
		refused(await post([{ field: 'complaint_reason_id', value: 999999 }]), 422, 'actions[0].value');
		refused(await post([{ field: 'complaint_reason_id', value: 'billing' }]), 422, 'actions[0].value');
		await ok('PUT', `${BASE}/${CONTRACTOR}`, { complaint_reason: { active: false } });
		refused(await post([{ field: 'complaint_reason_id', value: CONTRACTOR }]), 422, 'actions[0].value');
		await ok('PUT', `${BASE}/${CONTRACTOR}`, { complaint_reason: { active: true } });
		refused(await post([{ field: 'status', value: 'open' }],
			{ all: [{ field: 'complaint_reason_id', operator: 'is', value: 999999 }] }), 422, 'conditions.all[0].value');
		refused(await post([{ field: 'status', value: 'open' }],
			{ all: [{ field: 'complaint', operator: 'is', value: 'yes' }] }), 422, 'conditions.all[0].value');
	});

	it('a macro offers the action and applies it without writing', async () => {
		const m = (await ok('POST', '/api/v2/macros', { macro: { title: 'Quality complaint', actions: [{ field: 'complaint_reason_id', value: QUALITY }] } })).macro;
		const t = await srv.ticket({ subject: 'Flimsy', requester_id: alice.id }, { auth: agent });
		const r = await ok('GET', `/api/v2/tickets/${t.id}/macros/${m.id}/apply`, null, { auth: agent });
		assert.deepEqual(r.result.ticket.complaint, { reason_id: QUALITY });
		assert.equal((await ticket(t.id)).complaint, null);
		await ok('DELETE', `/api/v2/macros/${m.id}`);
	});
});

// The review's findings, each with what a user saw before it was fixed.
describe('what the review found', () => {
	const SYSTEM = -1;
	let viewer;
	before(async () => {
		viewer = await srv.addUser('viewer', 'Vera Viewer', 'vera@example.test');
	});
	after(async () => {
		const list = (await ok('GET', '/api/v2/triggers', null, { auth: agent })).triggers;
		for (const x of list)
			await ok('DELETE', `/api/v2/triggers/${x.id}`);
	});

	const newReason = async (en) =>
		(await ok('POST', BASE, { complaint_reason: { names: { en } } })).complaint_reason;
	const byReason = async (id, auth = agent) => {
		const r = await srv.api('GET', REPORT, null, { auth });
		assert.equal(r.status, 200, r.text);
		return counts(r.json.complaints_report.by_reason.find((x) => x.reason_id === id));
	};
	const reply = (id, body) =>
		ok('PUT', `/api/v2/tickets/${id}`, { ticket: { comment: { body, public: true } } }, { auth: agent });
	const solve = (id) => ok('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'solved' } }, { auth: agent });
	const deskEvents = async (id) => (await ok('GET', `/api/v2/tickets/${id}/audits`, null, { auth: agent })).audits
		.filter((a) => a.author_id === SYSTEM)
		.flatMap((a) => a.events.filter((e) => e.type !== 'Comment').map((e) => [e.field_name, e.value]));

	it('a viewer reads organization names and products with e-mail addresses and phone numbers masked', async () => {
		const org = (await ok('POST', '/api/v2/organizations', { organization: { name: 'Boss boss@acme.test +380 44 123 4567' } })).organization;
		const r = await newReason('Masked');
		await srv.ticket({ subject: 'Contacts', requester_id: alice.id, organization_id: org.id,
			custom_fields: [{ id: PRODUCT_FIELD, value: 'Router, ask ivan@shop.test' }],
			complaint: { reason_id: r.id } }, { auth: agent });
		const leaks = /boss@acme\.test|123 4567|ivan@shop\.test/;
		const seen = (await ok('GET', REPORT, null, { auth: viewer })).complaints_report;
		const org2 = seen.by_organization.find((x) => x.organization_id === org.id);
		assert.ok(org2 && org2.name.startsWith('Boss') && !leaks.test(org2.name), JSON.stringify(org2));
		const prod = seen.by_product.find((x) => x.product?.startsWith('Router, ask'));
		assert.ok(prod && !leaks.test(prod.product), JSON.stringify(seen.by_product));
		const csv = await srv.api('GET', `${REPORT}.csv`, null, { auth: viewer });
		assert.equal(csv.status, 200, csv.text);
		assert.ok(csv.text.includes('organization,') && !leaks.test(csv.text), csv.text);
		// agents read them as they are
		const full = (await ok('GET', REPORT, null, { auth: agent })).complaints_report;
		assert.equal(full.by_organization.find((x) => x.organization_id === org.id).name, org.name);
		assert.ok((await srv.api('GET', `${REPORT}.csv`, null, { auth: agent })).text.includes('ivan@shop.test'));
	});

	it('a trigger whose reason was deactivated: that action is skipped and logged, the others apply', async () => {
		const r = await newReason('Wobbly');
		const trig = (await ok('POST', '/api/v2/triggers', { trigger: {
			title: 'Wobbly furniture', conditions: { all: [{ field: 'subject_includes_word', operator: 'includes', value: 'wobbly' }] },
			actions: [{ field: 'complaint_reason_id', value: r.id }, { field: 'priority', value: 'high' }],
		} })).trigger;
		await ok('PUT', `${BASE}/${r.id}`, { complaint_reason: { active: false } });
		const t = await srv.ticket({ subject: 'A wobbly table', requester_id: alice.id }, { auth: alice });
		const now = await ticket(t.id);
		assert.equal(now.complaint, null);
		assert.equal(now.priority, 'high', 'the rest of the trigger still applies');
		const failed = (await deskEvents(t.id)).find((e) => e[0] === 'rule_failed');
		assert.ok(failed, 'rule_failed logged');
		assert.match(failed[1], new RegExp(`Trigger ${trig.id}.*complaint reason ${r.id}`));
	});

	it('deleting a reason a trigger names: hidden, its id never reused, the trigger skips it', async () => {
		const r = await newReason('Short-lived');
		const trig = (await ok('POST', '/api/v2/triggers', { trigger: {
			title: 'Creaky doors', conditions: { all: [{ field: 'subject_includes_word', operator: 'includes', value: 'creaky' }] },
			actions: [{ field: 'complaint_reason_id', value: r.id }, { field: 'priority', value: 'urgent' }],
		} })).trigger;
		assert.equal((await srv.api('DELETE', `${BASE}/${r.id}`)).status, 204);
		refused(await srv.api('GET', `${BASE}/${r.id}`, null, { auth: agent }), 404);
		assert.ok(!(await reasons()).some((x) => x.id === r.id));
		refused(await srv.api('DELETE', `${BASE}/${r.id}`), 404);
		refused(await srv.api('PUT', `${BASE}/${r.id}`, { complaint_reason: { active: true } }), 404);
		refused(await mark((await srv.ticket({ subject: 'x', requester_id: alice.id }, { auth: agent })).id,
			{ reason_id: r.id }), 422, 'complaint.reason_id');
		const next = await newReason('Unrelated');
		assert.ok(next.id > r.id, `id ${r.id} given again`);
		const t = await srv.ticket({ subject: 'The creaky door', requester_id: alice.id }, { auth: alice });
		const now = await ticket(t.id);
		assert.equal(now.complaint, null, 'filed under another reason');
		assert.equal(now.priority, 'urgent');
		const failed = (await deskEvents(t.id)).find((e) => e[0] === 'rule_failed');
		assert.match(failed?.[1] ?? '', new RegExp(`Trigger ${trig.id}.*complaint reason ${r.id}`));
	});

	it('merging: the closed source is left out, its reason carried to the target; the merge note is not a reply', async () => {
		// a complaint merged into a plain request answered twice: one
		// complaint (the target's), not at first contact
		const m1 = await newReason('Merged away');
		const src = await srv.ticket({ subject: 'Dup', requester_id: alice.id, complaint: { reason_id: m1.id } }, { auth: agent });
		const tgt = await srv.ticket({ subject: 'Original', requester_id: alice.id }, { auth: agent });
		await reply(tgt.id, 'First.');
		await reply(tgt.id, 'Second.');
		let r = await srv.api('POST', `/api/v2/tickets/${tgt.id}/merge`, { ids: [src.id] }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual((await ticket(tgt.id)).complaint, { reason_id: m1.id });
		await solve(tgt.id);
		assert.deepEqual(await byReason(m1.id), [1, 1, 0, 0]);
		// a plain duplicate merged into a complaint answered once: at first contact
		const m2 = await newReason('Merged into');
		const c = await srv.ticket({ subject: 'Complaint', requester_id: alice.id, complaint: { reason_id: m2.id } }, { auth: agent });
		const dup = await srv.ticket({ subject: 'Same again', requester_id: alice.id }, { auth: agent });
		await reply(c.id, 'Sorted.');
		r = await srv.api('POST', `/api/v2/tickets/${c.id}/merge`, { ids: [dup.id] }, { auth: agent });
		assert.equal(r.status, 200, r.text);
		await solve(c.id);
		assert.deepEqual(await byReason(m2.id), [1, 1, 1, 1]);
	});

	it('the share rounds half up: 2 of 3 is 0.667', async () => {
		const r = await newReason('Thirds');
		for (const answers of [1, 1, 2]) {
			const t = await srv.ticket({ subject: 'Third', requester_id: alice.id, complaint: { reason_id: r.id } }, { auth: agent });
			for (let i = 0; i < answers; i++)
				await reply(t.id, `Answer ${i}`);
			await solve(t.id);
		}
		assert.deepEqual(await byReason(r.id), [3, 3, 2, 0.667]);
		const csv = (await srv.api('GET', `${REPORT}.csv`, null, { auth: agent })).text;
		assert.ok(csv.includes(`reason,${r.id},Thirds,3,3,2,0.667`), csv);
	});

	it('an end user\'s complaint is 403 whatever its shape: a 422 would say the field is there', async () => {
		const t = await srv.ticket({ subject: 'Mine', requester_id: alice.id }, { auth: agent });
		for (const v of [5, 'x', {}, { reason_id: -1 }, { reason_id: QUALITY }])
			refused(await mark(t.id, v, alice), 403);
		refused(await srv.api('POST', '/api/v2/tickets', { ticket: { subject: 'Mine', comment: { body: 'x' }, complaint: 5 } }, { auth: alice }), 403);
		assert.equal((await ticket(t.id)).complaint, null);
	});
});
