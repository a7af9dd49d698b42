// Service contracts (GET/POST /api/v2/service_contracts, docs/api.md): what
// a customer or an organization is entitled to. Coverage shows on the
// ticket's customer panel; the person and organization pages list their
// contracts (admins add, change and delete them); the Contracts page lists
// those ending within N days, for the account manager. Days are the API's
// "YYYY-MM-DD" in UTC, shown in the agent's language.
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, formatDate } from '../shared/i18n.js';
import { state, loadUsers, userName } from './data.js';
import { ConfirmDelete, Field } from './hours.js';
import { ErrorBanner, toast, useLoad } from './ui.js';

const BASE = '/api/v2/service_contracts';
const KINDS = ['warranty', 'contract', 'partner'];
const FIELDS = ['product', 'level', 'kind', 'provider', 'starts_on', 'ends_on', 'notes'];

// "7 December 2026" for the API's "2026-12-07" (a UTC day).
export const dayText = (d) => formatDate(`${d}T00:00:00Z`, { dateStyle: 'long', timeZone: 'UTC' });

const isAdmin = () => state.me && state.me.role === 'admin';

// What a 422 said about field, in the agent's words with the server's after.
function refusal(err, field) {
	const d = err && err.status === 422 && err.fields && err.fields[field];
	return d ? { text: t(`contracts.err.${field}`), detail: d[0].description } : null;
}

// The refusal no field of the form shows (another owner's limit, a 5xx).
const elsewhere = (err) => (err && !FIELDS.some((f) => refusal(err, f)) ? err : null);

// The coverage of a ticket's customer: the person's contracts, and their
// organization's (the ticket's, and the person's own): one in force today
// ("Covered: product (level) until …"), else the last one that ended
// ("Expired on …"), else none.
export function Coverage({ user, ticket }) {
	const orgs = [...new Set([ticket.organization_id, user.organization_id].filter(Boolean))];
	const [res] = useLoad(() => Promise.all([`/api/v2/users/${user.id}/service_contracts`,
		...orgs.map((o) => `/api/v2/organizations/${o}/service_contracts`)]
		.map((p) => get(`${p}?per_page=100`).then((r) => r.service_contracts, () => []))), [user.id, orgs.join()]);
	if (!res)
		return html`<span class="hint">…</span>`;
	const all = res.flat();
	const latest = (list) => list.sort((a, b) => (a.ends_on < b.ends_on ? 1 : -1))[0];
	const active = latest(all.filter((c) => c.state === 'active'));
	if (active)
		return html`<span class="coverage covered" data-test="coverage" data-state="covered">${t('contracts.covered', {
			product: active.level ? `${active.product} (${active.level})` : active.product, date: dayText(active.ends_on) })}</span>`;
	const expired = latest(all.filter((c) => c.state === 'expired'));
	if (expired)
		return html`<span class="coverage expired" data-test="coverage" data-state="expired"
			title=${expired.product}>${t('contracts.expired_on', { date: dayText(expired.ends_on) })}</span>`;
	return html`<span class="hint" data-test="coverage" data-state="none">${t('contracts.none')}</span>`;
}

const empty = () => ({ product: '', level: '', kind: 'warranty', provider: '', starts_on: new Date().toISOString().slice(0, 10),
	ends_on: '', notes: '' });

// Adding (c null) or changing contract c of owner ({user_id} or
// {organization_id}); onDone after a save or a cancel.
function ContractForm({ owner, c, onDone }) {
	const [v, setV] = useState(() => (c ? Object.fromEntries(FIELDS.map((f) => [f, c[f] ?? ''])) : empty()));
	const [err, setErr] = useState(null);
	const id = `contract-${c ? c.id : 'new'}`;
	async function go(e) {
		e.preventDefault();
		try {
			if (c)
				await put(`${BASE}/${c.id}`, { service_contract: v });
			else
				await post(BASE, { service_contract: { ...owner, ...v } });
			toast(t('ticket.saved'));
			setErr(null);
			onDone(true);
		} catch (x) {
			setErr(x);
		}
	}
	const input = (f, type = 'text') => html`<${Field} id="${id}-${f}" label=${t(`contracts.${f}`)} problem=${refusal(err, f)}>${(a) =>
		html`<input ...${a} type=${type} value=${v[f]} onInput=${(e) => setV({ ...v, [f]: e.target.value })} data-test="contract-${f}" />`}</${Field}>`;
	return html`<form class="contract-form" onSubmit=${go} aria-label=${t(c ? 'contracts.edit' : 'contracts.add')} data-test="contract-form">
		<${ErrorBanner} error=${elsewhere(err)} />
		${input('product')}${input('level')}
		<${Field} id="${id}-kind" label=${t('contracts.kind')} problem=${refusal(err, 'kind')}>${(a) => html`<select ...${a}
			value=${v.kind} onChange=${(e) => setV({ ...v, kind: e.target.value })} data-test="contract-kind">
			${KINDS.map((k) => html`<option value=${k}>${t(`contracts.kind.${k}`)}</option>`)}</select>`}</${Field}>
		${v.kind === 'partner' && input('provider')}
		${input('starts_on', 'date')}${input('ends_on', 'date')}
		<${Field} id="${id}-notes" label=${t('contracts.notes')} problem=${refusal(err, 'notes')}>${(a) => html`<textarea ...${a}
			value=${v.notes} onInput=${(e) => setV({ ...v, notes: e.target.value })}></textarea>`}</${Field}>
		<div class="row"><button class="primary" type="submit" data-test="contract-save">${t(c ? 'save' : 'contracts.create')}</button>
			<button type="button" onClick=${() => onDone(false)}>${t('org.cancel')}</button></div></form>`;
}

// "Premium · warranty · 1 Jan 2026 – 31 Dec 2026"
function Terms({ c }) {
	return html`<span class="hint">${[c.level, t(`contracts.kind.${c.kind}`), c.provider].filter(Boolean).join(' · ')}
		· ${dayText(c.starts_on)} – ${dayText(c.ends_on)}</span>`;
}

// The contracts of a person (owner {user_id}) or an organization
// ({organization_id}), with add, change and delete for admins.
export function ContractsOf({ owner }) {
	const path = owner.user_id ? `/api/v2/users/${owner.user_id}/service_contracts`
		: `/api/v2/organizations/${owner.organization_id}/service_contracts`;
	const [res, error, reload] = useLoad(() => get(`${path}?per_page=100`), [path]);
	const [editing, setEditing] = useState(null); // a contract's id, 'new' or null
	const list = (res && res.service_contracts) || [];
	const done = (saved) => {
		setEditing(null);
		if (saved)
			reload();
	};
	async function remove(c) {
		try {
			await del(`${BASE}/${c.id}`);
			toast(t('contracts.deleted'));
			reload();
			return true;
		} catch (x) {
			toast(x.message, 'error');
			return false;
		}
	}
	return html`<div class="panel" data-test="contracts"><h2>${t('contracts.title')}</h2>
		<${ErrorBanner} error=${error} />
		${res && !list.length && html`<p class="hint" data-test="contracts-empty">${t('contracts.none')}</p>`}
		<ul class="events">${list.map((c) => html`<li key=${c.id} data-test="contract" data-id=${c.id}>
			${editing === c.id ? html`<${ContractForm} owner=${owner} c=${c} onDone=${done} />` : html`
			<strong data-test="contract-product">${c.product}</strong>
			<span class="badge contract-${c.state}" data-test="contract-state">${t(`contracts.state.${c.state}`)}</span>
			<br /><${Terms} c=${c} />
			${c.notes && html`<p class="hint">${c.notes}</p>`}
			${isAdmin() && html`<div class="row"><button type="button" class="link" onClick=${() => setEditing(c.id)}
				data-test="contract-edit">${t('contracts.edit')}</button>
				<${ConfirmDelete} testid="contract" label=${t('contracts.delete_label', { product: c.product })}
					question=${t('contracts.delete_confirm', { product: c.product })} onConfirm=${() => remove(c)} /></div>`}`}
		</li>`)}</ul>
		${isAdmin() && (editing === 'new' ? html`<${ContractForm} owner=${owner} c=${null} onDone=${done} />`
			: html`<button type="button" onClick=${() => setEditing('new')} data-test="contract-add">+ ${t('contracts.add')}</button>`)}
	</div>`;
}

// The account manager's list: contracts in force today that end within
// the days chosen (30 unless changed), soonest first, with their owner.
export function Expiring() {
	const [days, setDays] = useState(30);
	const [typed, setTyped] = useState('30');
	const [page, setPage] = useState(1);
	const [res, error] = useLoad(async () => {
		const r = await get(`${BASE}?expiring_within_days=${days}&per_page=50&page=${page}`);
		const list = r.service_contracts;
		await loadUsers(list.map((c) => c.user_id).filter(Boolean));
		const orgIds = [...new Set(list.map((c) => c.organization_id).filter(Boolean))];
		const orgs = Object.fromEntries(await Promise.all(orgIds.map((o) => get(`/api/v2/organizations/${o}`)
			.then((x) => [o, x.organization.name], () => [o, `#${o}`]))));
		return { ...r, orgs };
	}, [days, page]);
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const left = (c) => Math.round((Date.parse(`${c.ends_on}T00:00:00Z`) - today) / 86400_000);
	return html`<section aria-labelledby="contracts-title" data-test="expiring">
		<h1 id="contracts-title">${t('contracts.expiring_title')}</h1>
		<form class="row" onSubmit=${(e) => {
			e.preventDefault();
			const n = Number(typed);
			if (Number.isInteger(n) && n >= 1 && n <= 366) {
				setPage(1);
				setDays(n);
			}
		}}><label for="contracts-days">${t('contracts.within')}</label>
			<input id="contracts-days" type="number" min="1" max="366" step="1" value=${typed} class="narrow"
				onInput=${(e) => setTyped(e.target.value)} data-test="expiring-days" />
			<button type="submit" data-test="expiring-show">${t('contracts.show')}</button></form>
		<${ErrorBanner} error=${error} />
		${res && !res.service_contracts.length && html`<p data-test="expiring-empty">${t('contracts.expiring_none', { count: days })}</p>`}
		${res && res.service_contracts.length > 0 && html`<table class="list" data-test="expiring-list"><thead><tr>
			<th>${t('contracts.owner')}</th><th>${t('contracts.product')}</th><th>${t('contracts.terms')}</th>
			<th>${t('contracts.ends_on')}</th></tr></thead>
			<tbody>${res.service_contracts.map((c) => html`<tr key=${c.id} data-test="expiring-row" data-id=${c.id}>
				<td>${c.user_id ? html`<a href="/agent/customers/${c.user_id}">${userName(c.user_id)}</a>`
					: html`<a href="/agent/organizations/${c.organization_id}">${res.orgs[c.organization_id]}</a>`}</td>
				<td data-test="expiring-product">${c.product}</td>
				<td class="hint">${[c.level, t(`contracts.kind.${c.kind}`), c.provider].filter(Boolean).join(' · ')}</td>
				<td>${dayText(c.ends_on)} <span class="hint">(${t('contracts.days_left', { count: left(c) })})</span></td></tr>`)}</tbody></table>
		<div class="pager">
			<button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('list.prev')}</button>
			<span class="muted">${t('list.page', { page })}</span>
			<button type="button" disabled=${!res.next_page} onClick=${() => setPage(page + 1)}>${t('list.next')}</button></div>`}
	</section>`;
}
