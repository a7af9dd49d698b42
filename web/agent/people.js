// Customers and organizations: lists, profiles, editing, merging duplicates,
// and the tier each is on (tiers.js).
import { html, useState } from '../shared/html.js';
import { get, put } from '../shared/api.js';
import { t, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import { navigate } from './router.js';
import { rememberUser } from './data.js';
import { ContractsOf } from './contracts.js';
import { TierBadge, TierSelect } from './tiers.js';
import { Address, Ago, Avatar, Dialog, ErrorBanner, Picker, StatusBadge, toast, useLoad } from './ui.js';

function Paged({ title, load, row, testid }) {
	const [page, setPage] = useState(1);
	const [q, setQ] = useState('');
	const [applied, setApplied] = useState('');
	const [res, error] = useLoad(() => load(page, applied), [page, applied]);
	return html`<section aria-labelledby="paged-title">
		<div class="row"><h1 id="paged-title">${title}</h1><span class="spacer"></span>
			<form class="row" role="search" onSubmit=${(e) => { e.preventDefault(); setPage(1); setApplied(q.trim()); }}>
				<label class="sr-only" for="paged-q">${t('list.filter')}</label>
				<input id="paged-q" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder=${t('people.find')} />
				<button type="submit">${t('list.filter')}</button></form></div>
		<${ErrorBanner} error=${error} />
		${res && html`<table class="list" data-test=${testid}><tbody>${res.items.map(row)}</tbody></table>
		<div class="pager">
			<button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('list.prev')}</button>
			<span class="muted">${t('list.page', { page })}</span>
			<button type="button" disabled=${!res.more} onClick=${() => setPage(page + 1)}>${t('list.next')}</button></div>`}
	</section>`;
}

async function searchOr(kind, list, page, q) {
	if (q) {
		const r = await get(`/api/v2/search?query=${encodeURIComponent(`type:${kind} ${q}`)}&page=${page}&per_page=50`);
		return { items: r.results, more: !!r.next_page };
	}
	const r = await get(`${list}${list.includes('?') ? '&' : '?'}page=${page}&per_page=50`);
	return { items: r.users || r.organizations, more: !!r.next_page };
}

export function People() {
	return html`<${Paged} title=${t('nav.customers')} testid="customers"
		load=${(page, q) => searchOr('user', '/api/v2/users?role=end-user', page, q)}
		row=${(u) => html`<tr key=${u.id} onClick=${() => navigate(`/agent/customers/${u.id}`)}>
			<td class="who"><${Avatar} user=${u} /> <a href="/agent/customers/${u.id}"><strong>${u.name}</strong></a></td>
			<td><${Address} text=${u.email} /></td>
			<td><${TierBadge} id=${u.tier_id} /></td>
			<td class="wide">${u.phone || ''}</td></tr>`} />`;
}

export function Organizations() {
	return html`<${Paged} title=${t('nav.organizations')} testid="organizations"
		load=${(page, q) => searchOr('organization', '/api/v2/organizations', page, q)}
		row=${(o) => html`<tr key=${o.id} onClick=${() => navigate(`/agent/organizations/${o.id}`)}>
			<td><a href="/agent/organizations/${o.id}"><strong>${o.name}</strong></a></td>
			<td><${TierBadge} id=${o.tier_id} /></td>
			<td>${(o.domain_names || []).join(', ')}</td></tr>`} />`;
}

function TicketsOf({ path }) {
	const [res] = useLoad(() => get(`${path}?sort=-updated_at&per_page=25`), [path]);
	if (!res)
		return null;
	return html`<h2>${t('tickets.count', { count: res.count ?? res.tickets.length })}</h2>
		<ul class="events">${res.tickets.map((x) => html`<li key=${x.id}>
			<a href="/agent/tickets/${x.id}">#${x.id} ${x.subject}</a> <${StatusBadge} status=${x.status} />
			<span class="hint"> ${t(`channel.${x.via.channel}`)} · <${Ago} at=${x.updated_at} /></span></li>`)}</ul>`;
}

// A form over some of an object's fields; onSave gets the changed ones.
function EditForm({ fields, value, onSave }) {
	const [v, setV] = useState(value);
	const [error, setError] = useState(null);
	async function save(e) {
		e.preventDefault();
		try {
			await onSave(v);
			toast(t('ticket.saved'));
		} catch (err) {
			setError(err);
		}
	}
	return html`<form class="panel" onSubmit=${save}>
		<${ErrorBanner} error=${error} />
		${fields.map(([k, label, kind]) => html`<div class="field"><label for="f-${k}">${label}</label>
			${kind === 'textarea'
				? html`<textarea id="f-${k}" value=${v[k] || ''} onInput=${(e) => setV({ ...v, [k]: e.target.value })}></textarea>`
				: kind === 'locale'
					? html`<select id="f-${k}" value=${v[k] || ''} onChange=${(e) => setV({ ...v, [k]: e.target.value })}>
						<option value="">—</option>${LOCALES.map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select>`
					: html`<input id="f-${k}" value=${v[k] || ''} onInput=${(e) => setV({ ...v, [k]: e.target.value })} />`}</div>`)}
		<button class="primary" type="submit">${t('save')}</button></form>`;
}

const list = (s) => s.split(/[\s,]+/).filter(Boolean);

// The tier a person or an organization is on, chosen from the admin's
// list and saved at once; save(tier_id) writes it.
function TierPanel({ id, value, save }) {
	const [error, setError] = useState(null);
	async function pick(tier_id) {
		try {
			await save(tier_id);
			setError(null);
			toast(t('ticket.saved'));
		} catch (err) {
			setError(err);
		}
	}
	return html`<div class="panel"><div class="field"><label for=${id}><strong>${t('customer.tier')}</strong></label>
		<${TierSelect} id=${id} value=${value} onChange=${pick} /></div>
		<${ErrorBanner} error=${error} /></div>`;
}

export function Person({ id }) {
	const [res, error, reload] = useLoad(() => get(`/api/v2/users/${id}`), [id]);
	const [merging, setMerging] = useState(false);
	if (!res)
		return html`<${ErrorBanner} error=${error} />`;
	const u = res.user;
	const save = async (v) => {
		const r = await put(`/api/v2/users/${id}`, { user: { name: v.name, phone: v.phone || null, locale: v.locale || null,
			notes: v.notes || '', tags: list(v.tags || ''), organization_id: v.organization_id ? Number(v.organization_id) : null } });
		rememberUser(r.user);
		reload();
	};
	return html`<section class="ticket" aria-labelledby="person-title" data-test="person">
		<div><h1 id="person-title" class="who"><${Avatar} user=${u} /> ${u.name}</h1>
			<p class="muted"><${Address} text=${u.email} /> · <span data-test="person-role">${t(`role.${u.role}`)}</span>${u.active === false ? ` · ${t('people.inactive')}` : ''}</p>
			<${TicketsOf} path="/api/v2/users/${id}/tickets/requested" /></div>
		<aside>
			<${EditForm} key=${u.updated_at} value=${{ ...u, tags: (u.tags || []).join(' '), organization_id: u.organization_id || '' }}
				fields=${[['name', t('people.name')], ['phone', t('customer.phone')],
					['locale', t('customer.language'), 'locale'], ['tags', t('ticket.tags')], ['notes', t('people.notes'), 'textarea']]}
				onSave=${save} />
			<div class="panel"><h2>${t('customer.organization')}</h2><${PersonOrg} user=${u} onChanged=${reload} /></div>
			<${TierPanel} id="person-tier" value=${u.tier_id} save=${async (tier_id) => {
				rememberUser((await put(`/api/v2/users/${id}`, { user: { tier_id } })).user);
				reload();
			}} />
			<${ContractsOf} owner=${{ user_id: u.id }} />
			${u.role === 'end-user' && html`<button type="button" onClick=${() => setMerging(true)} data-test="merge">${t('people.merge')}</button>`}
		</aside>
		${merging && html`<${Merge} user=${u} onClose=${() => setMerging(false)} />`}
	</section>`;
}

// A person's organization, and a searchable list of organizations to
// choose another (GET /api/v2/organizations/autocomplete); saved at once.
// onChanged gets the person as saved.
export function PersonOrg({ user, onChanged }) {
	const [res] = useLoad(() => (user.organization_id ? get(`/api/v2/organizations/${user.organization_id}`)
		: Promise.resolve(null)), [user.organization_id]);
	const [editing, setEditing] = useState(false);
	const [error, setError] = useState(null);
	const org = res && res.organization;
	async function pick(o) {
		try {
			const r = await put(`/api/v2/users/${user.id}`, { user: { organization_id: o ? o.id : null } });
			rememberUser(r.user);
			setEditing(false);
			setError(null);
			toast(t('ticket.saved'));
			onChanged(r.user);
		} catch (err) {
			setError(err);
		}
	}
	return html`<div class="person-org" data-test="person-org">
		<span data-test="person-org-name">${org ? html`<a href="/agent/organizations/${org.id}">${org.name}</a>
			<${TierBadge} id=${org.tier_id} testid="org-tier-badge" />` : '—'}</span>
		<button type="button" class="link" onClick=${() => setEditing(!editing)} aria-expanded=${editing}
			data-test="person-org-edit">${editing ? t('org.cancel') : t('org.change')}</button>
		${editing && html`${org && html`<button type="button" class="link" onClick=${() => pick(null)}>${t('org.remove')}</button>`}
			<${Picker} id="org-q-${user.id}" label=${t('org.find')} placeholder=${t('org.find_hint')} testid="org-find"
				search=${async (q) => (await get(`/api/v2/organizations/autocomplete?name=${encodeURIComponent(q)}&per_page=20`)).organizations}
				show=${(o) => o.name} onPick=${pick} />`}
		<${ErrorBanner} error=${error} />
	</div>`;
}

// Merges this customer into another: their tickets and addresses move there.
function Merge({ user, onClose }) {
	const [q, setQ] = useState('');
	const [found, setFound] = useState([]);
	const [error, setError] = useState(null);
	async function find(e) {
		e.preventDefault();
		const r = await get(`/api/v2/search?query=${encodeURIComponent(`type:user ${q}`)}&per_page=10`);
		setFound(r.results.filter((x) => x.id !== user.id && x.role === 'end-user'));
	}
	async function merge(target) {
		if (!confirm(t('people.merge_confirm', { from: user.name, to: target.name })))
			return;
		try {
			await put(`/api/v2/users/${user.id}/merge`, { user: { id: target.id } });
			toast(t('people.merged'));
			onClose();
			navigate(`/agent/customers/${target.id}`);
		} catch (err) {
			setError(err);
		}
	}
	return html`<${Dialog} title=${t('people.merge_title', { name: user.name })} onClose=${onClose}>
		<p class="hint">${t('people.merge_help')}</p>
		<form class="row" onSubmit=${find}><label class="sr-only" for="merge-q">${t('people.find')}</label>
			<input id="merge-q" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder=${t('people.find')} />
			<button type="submit">${t('list.filter')}</button></form>
		<${ErrorBanner} error=${error} />
		<ul class="events">${found.map((x) => html`<li key=${x.id}><strong>${x.name}</strong> <span class="hint">${x.email}</span>
			<button type="button" onClick=${() => merge(x)}>${t('people.merge_into')}</button></li>`)}</ul>
	</${Dialog}>`;
}

export function Organization({ id }) {
	const [res, error, reload] = useLoad(() => Promise.all([get(`/api/v2/organizations/${id}`),
		get(`/api/v2/organizations/${id}/users?per_page=100`)]), [id]);
	if (!res)
		return html`<${ErrorBanner} error=${error} />`;
	const [{ organization: o }, { users }] = res;
	const save = async (v) => {
		await put(`/api/v2/organizations/${id}`, { organization: { name: v.name, details: v.details || '', notes: v.notes || '',
			domain_names: list(v.domain_names || ''), tags: list(v.tags || '') } });
		reload();
	};
	return html`<section class="ticket" aria-labelledby="org-title">
		<div><h1 id="org-title">${o.name} <${TierBadge} id=${o.tier_id} /></h1>
			<h2>${t('people.members', { count: users.length })}</h2>
			<ul class="events">${users.map((u) => html`<li key=${u.id} class="who"><${Avatar} user=${u} /> <a href="/agent/customers/${u.id}">${u.name}</a>
				<span class="hint"><${Address} text=${u.email} /></span></li>`)}</ul>
			<${TicketsOf} path="/api/v2/organizations/${id}/tickets" /></div>
		<aside><${EditForm} key=${o.updated_at} value=${{ ...o, domain_names: (o.domain_names || []).join(' '), tags: (o.tags || []).join(' ') }}
			fields=${[['name', t('people.name')], ['domain_names', t('people.domains')], ['tags', t('ticket.tags')],
				['details', t('people.details'), 'textarea'], ['notes', t('people.notes'), 'textarea']]}
			onSave=${save} />
			<${TierPanel} id="org-tier" value=${o.tier_id} save=${async (tier_id) => {
				await put(`/api/v2/organizations/${id}`, { organization: { tier_id } });
				reload();
			}} />
			<${ContractsOf} owner=${{ organization_id: o.id }} /></aside>
	</section>`;
}
