// Customer tiers (GET/POST /api/v2/tiers, docs/api.md): the kinds of
// customer an admin names (Standard, Gold, VIP) in the order they list
// them. Here: the list the other pages share (a person's and an
// organization's tier, the badge next to a customer, the SLA editor's
// select), and Admin → Tiers — add, rename, move up and down, delete, what
// the server refuses said next to it in the admin's language with the
// server's own sentence after it (as in hours.js).
import { html, useEffect, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { ErrorBanner, toast, useLoad } from './ui.js';

const BASE = '/api/v2/tiers';

// The tiers in order, fetched once a page load and again after an admin
// changes them, without their counts (which cost a read of an index each);
// a failed fetch is an empty list (badges simply not shown).
let tiers = null;
const listeners = new Set();

export function loadTiers() {
	if (!tiers)
		tiers = get(`${BASE}?counts=false`).then((r) => r.tiers, () => { tiers = null; return []; });
	return tiers;
}

function forgetTiers() {
	tiers = null;
	loadTiers().then(() => listeners.forEach((fn) => fn()));
}

export function useTiers() {
	const [list, setList] = useState([]);
	useEffect(() => {
		let live = true;
		const fn = () => loadTiers().then((l) => live && setList(l));
		fn();
		listeners.add(fn);
		return () => {
			live = false;
			listeners.delete(fn);
		};
	}, []);
	return list;
}

// The tier's name as a badge; nothing for none (or a tier not known).
export function TierBadge({ id, testid = 'tier-badge' }) {
	const tier = useTiers().find((x) => x.id === id);
	return tier ? html`<span class="tag" data-test=${testid}>${tier.name}</span>` : null;
}

// A select of the tiers with "no tier" first; onChange gets an id or null.
export function TierSelect({ value, onChange, testid = 'tier-select', ...attrs }) {
	const list = useTiers();
	return html`<select ...${attrs} data-test=${testid} value=${value == null ? '' : String(value)}
		onChange=${(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}>
		<option value="">${t('tiers.none')}</option>
		${list.map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}
		${value != null && !list.some((x) => x.id === value) ? html`<option value=${String(value)}>#${value}</option>` : null}</select>`;
}

// Our words for a refusal of tier.c's, by the field and its error code.
function explain(field, code, said) {
	if (field === 'name')
		return t(code === 'Blank' ? 'tiers.err.name_blank' : code === 'TooLong' ? 'tiers.err.name_long'
			: code === 'DuplicateValue' ? 'tiers.err.name_taken' : 'tiers.err.invalid');
	if (field === 'tier' && code === 'TooLong')
		return t('tiers.err.too_many');
	if (field === 'id' && code === 'InUse') {
		const m = /'(.*)'/.exec(said);
		return t('tiers.err.in_use', { policy: m ? m[1] : '' });
	}
	return t('tiers.err.invalid');
}

// What a refusal said, for the fields given: {text, detail}, or a plain
// {text} for anything else (a 404, a lost connection).
function refusal(err, fields) {
	if (!err)
		return null;
	const f = err.status === 422 && fields.find((x) => err.fields[x]);
	if (!f)
		return { text: err.message };
	const { error = '', description = '' } = err.fields[f][0];
	return { text: explain(f, error, description), detail: description };
}

function Add({ onAdded }) {
	const [name, setName] = useState('');
	const [err, setErr] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			await post(BASE, { tier: { name } });
			setName('');
			setErr(null);
			toast(t('tiers.added'));
			onAdded();
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="panel" onSubmit=${go} aria-labelledby="tier-add-title" data-test="tier-add">
		<h2 id="tier-add-title">${t('tiers.add')}</h2>
		<div class="row">
		<${Field} id="tier-new-name" label=${t('tiers.name')} problem=${refusal(err, ['name', 'tier'])}>${(a) => html`<input ...${a}
			value=${name} maxlength="64" data-test="tier-name" onInput=${(e) => setName(e.target.value)} />`}</${Field}>
		</div>
		<button class="primary" type="submit" data-test="tier-add-submit">${t('admin.add')}</button></form>`;
}

// One tier's row: its place, its name (renamed in place), who is on it.
function Row({ tier, first, last, onChanged }) {
	const [name, setName] = useState(null); // being renamed: the new name
	const [err, setErr] = useState(null);
	async function save(body, done) {
		try {
			await put(`${BASE}/${tier.id}`, { tier: body });
			setErr(null);
			setName(null);
			toast(t(done));
			onChanged();
		} catch (x) {
			setErr(x);
		}
	}
	async function remove() {
		try {
			await del(`${BASE}/${tier.id}`);
			setErr(null);
			toast(t('tiers.deleted'));
			onChanged();
			return true;
		} catch (x) {
			setErr(x);
			return false;
		}
	}
	const id = `tier-${tier.id}`;
	return html`<tr data-test="tier-row" data-id=${tier.id}>
		<td class="sla-order"><span data-test="tier-position">${tier.position}</span>
			<button type="button" disabled=${first} aria-label=${t('tiers.up', { name: tier.name })} data-test="tier-up"
				onClick=${() => save({ position: tier.position - 1 }, 'tiers.moved')}>↑</button>
			<button type="button" disabled=${last} aria-label=${t('tiers.down', { name: tier.name })} data-test="tier-down"
				onClick=${() => save({ position: tier.position + 1 }, 'tiers.moved')}>↓</button></td>
		<td>${name === null
			? html`<span data-test="tier-title">${tier.name}</span>
				<button type="button" class="link" aria-label=${t('tiers.rename_label', { name: tier.name })} data-test="tier-rename"
					onClick=${() => setName(tier.name)}>${t('tiers.rename')}</button>`
			: html`<form class="row" onSubmit=${(e) => { e.preventDefault(); save({ name }, 'tiers.renamed'); }}>
				<label class="sr-only" for="${id}-name">${t('tiers.new_name', { name: tier.name })}</label>
				<input id="${id}-name" value=${name} maxlength="64" data-test="tier-rename-input" onInput=${(e) => setName(e.target.value)} />
				<button type="submit" class="primary" data-test="tier-rename-save">${t('save')}</button>
				<button type="button" onClick=${() => { setName(null); setErr(null); }}>${t('org.cancel')}</button></form>`}</td>
		<td class="muted" data-test="tier-counts">${t('tiers.people', { count: tier.users_count })},
			${t('tiers.orgs', { count: tier.organizations_count })}</td>
		<td><${ConfirmDelete} testid="tier" label=${t('tiers.delete_label', { name: tier.name })}
			question=${t('tiers.delete_confirm', { name: tier.name })} onConfirm=${remove} />
			<${Problem} id="${id}-problem" problem=${refusal(err, ['name', 'position', 'id'])} /></td>
	</tr>`;
}

export function Tiers() {
	const [res, error, reload] = useLoad(() => get(BASE), []);
	const list = res ? res.tiers : [];
	const changed = () => {
		reload();
		forgetTiers();
	};
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('tiers.hint')}</p>
		${res && !list.length ? html`<p data-test="tiers-empty">${t('tiers.empty')}</p>` : html`
		<table class="list hours" data-test="tiers"><thead><tr><th>${t('tiers.order')}</th><th>${t('tiers.name')}</th>
			<th>${t('tiers.members')}</th><th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((x, i) => html`<${Row} key=${x.id} tier=${x} first=${i === 0} last=${i === list.length - 1}
			onChanged=${changed} />`)}</tbody></table>`}
		<${Add} onAdded=${changed} />`;
}
