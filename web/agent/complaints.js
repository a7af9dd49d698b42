// Complaints (docs/complaints.md): the reasons an admin names in the four
// languages (GET/POST /api/v2/complaint_reasons), shared by the pages that
// show them; the ticket's complaint control (a flag and the reason, in the
// properties panel, saved with the other fields); Admin → Complaint
// reasons (add, rename in each language, put under another, move,
// deactivate, delete — a reason in use is deactivated instead, and the
// server's refusal is said next to it); and Reports → Complaints: the
// complaints of a period by week or month as bars drawn here in SVG (the
// part resolved at first contact darker), and the same as tables by
// period, reason, product and organization, each with its share resolved
// at first contact, and the CSV.
import { html, useEffect, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, currentLocale, formatNumber, formatDate } from '../shared/i18n.js';
import { BarChart } from './charts.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { state } from './data.js';
import { ErrorBanner, Figures, toast, useLoad } from './ui.js';

const BASE = '/api/v2/complaint_reasons';
const REPORT = '/api/v2/complaints/report';
const SETTINGS = '/api/v2/complaints/settings';
const LANGS = ['uk', 'ru', 'lt', 'en'];
const DAY = 86400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const percent = (v) => (v == null ? '—' : `${formatNumber(Math.round(v * 1000) / 10)} %`);

// A reason's name in the workspace's language: that one's, else English,
// else the first given.
export function reasonName(r) {
	if (!r)
		return '';
	const n = r.names || {};
	return n[currentLocale()] || n.en || LANGS.map((l) => n[l]).find(Boolean) || r.name || `#${r.id}`;
}

// The reasons as a tree reads (each top-level one, then those under it),
// fetched once a page load and again after an admin changes them.
let reasons = null, known = [];
const listeners = new Set();

function loadReasons() {
	if (!reasons)
		reasons = get(`${BASE}?counts=false`).then((r) => (known = r.complaint_reasons), () => { reasons = null; return []; });
	return reasons;
}

function forgetReasons() {
	reasons = null;
	loadReasons().then(() => listeners.forEach((fn) => fn()));
}

export function useReasons() {
	const [list, setList] = useState([]);
	useEffect(() => {
		let live = true;
		const fn = () => loadReasons().then((l) => live && setList(l));
		fn();
		listeners.add(fn);
		return () => {
			live = false;
			listeners.delete(fn);
		};
	}, []);
	return list;
}

// The options of a reason select: active reasons, those under another
// indented after it; the current value kept even when inactive.
function reasonOptions(list, value) {
	return list.filter((r) => r.active || String(r.id) === value).map((r) => html`<option value=${String(r.id)}>
		${r.parent_id ? '\u2003' : ''}${reasonName(r)}${r.active ? '' : ` (${t('complaints.inactive')})`}</option>`);
}

// The ticket's complaint: a flag, and when it is one, its reason. value is
// the reason's id as text ('' for none), as the properties panel keeps its
// fields; onEdit gets the new one. Turning the flag on asks for a reason
// before anything is sent (a complaint always has one).
export function ComplaintControl({ value, edited, onEdit, mark }) {
	const list = useReasons();
	const [open, setOpen] = useState(value !== '');
	useEffect(() => { if (value !== '') setOpen(true); }, [value]);
	const on = open || value !== '';
	return html`<div class=${`field complaint${edited ? ' is-edited' : ''}`} data-test="complaint">
		<label class="inline"><input type="checkbox" checked=${on} data-test="complaint-flag"
			onChange=${(e) => { setOpen(e.target.checked); if (!e.target.checked) onEdit(''); }} /> ${t('complaints.flag')}${mark}</label>
		${on && html`<label for="prop-complaint" class="sr-only">${t('complaints.reason')}</label>
			<select id="prop-complaint" value=${value} onChange=${(e) => onEdit(e.target.value)} data-test="complaint-reason"
				aria-invalid=${value === '' ? 'true' : undefined} aria-describedby=${value === '' ? 'prop-complaint-hint' : undefined}>
				<option value="">${t('complaints.choose')}</option>
				${reasonOptions(list, value)}</select>
			${value === '' && html`<p id="prop-complaint-hint" class="hint">${t('complaints.choose_hint')}</p>`}`}
	</div>`;
}

// The event log's words for a reason id (the list as last fetched).
export function reasonLabel(id) {
	loadReasons();
	const r = known.find((x) => String(x.id) === String(id));
	return r ? reasonName(r) : `#${id}`;
}

// ---- Admin → Complaint reasons ----

// Our words for a refusal of complaint.c's, by the field and its code.
function explain(field, code) {
	if (field.startsWith('names'))
		return t(code === 'TooLong' ? 'complaints.err.name_long' : code === 'Blank' ? 'complaints.err.name_blank' : 'complaints.err.name');
	if (field === 'parent_id')
		return t('complaints.err.parent');
	if (field === 'id' && code === 'InUse')
		return t('complaints.err.in_use');
	if (field === 'complaint_reason' && code === 'TooLong')
		return t('complaints.err.too_many');
	return t('complaints.err.invalid');
}

function refusal(err) {
	if (!err)
		return null;
	const f = err.status === 422 && Object.keys(err.fields || {})[0];
	if (!f)
		return { text: err.message };
	const { error = '', description = '' } = err.fields[f][0];
	return { text: explain(f, error), detail: description };
}

function NameInputs({ prefix, names, onChange }) {
	return LANGS.map((l) => html`<${Field} id="${prefix}-${l}" label=${t(`complaints.name_${l}`)}>${(a) => html`<input ...${a}
		lang=${l} value=${names[l] || ''} maxlength="120" data-test="${prefix}-${l}"
		onInput=${(e) => onChange({ ...names, [l]: e.target.value })} />`}</${Field}>`);
}

// Names as the API takes them: a blank one is none.
const namesBody = (names) => Object.fromEntries(LANGS.map((l) => [l, (names[l] || '').trim() ? names[l] : null]));

function Add({ list, onAdded }) {
	const [names, setNames] = useState({});
	const [parent, setParent] = useState('');
	const [err, setErr] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			await post(BASE, { complaint_reason: { names: namesBody(names), parent_id: parent ? Number(parent) : null } });
			setNames({});
			setParent('');
			setErr(null);
			toast(t('complaints.added'));
			onAdded();
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="panel" onSubmit=${go} aria-labelledby="cr-add-title" data-test="complaint-reason-add">
		<h2 id="cr-add-title">${t('complaints.add')}</h2>
		<p class="hint">${t('complaints.names_hint')}</p>
		<div class="row"><${NameInputs} prefix="cr-new" names=${names} onChange=${setNames} />
			<div class="field"><label for="cr-new-parent">${t('complaints.parent')}</label>
			<select id="cr-new-parent" value=${parent} onChange=${(e) => setParent(e.target.value)} data-test="cr-new-parent">
				<option value="">${t('complaints.top')}</option>
				${list.filter((r) => !r.parent_id).map((r) => html`<option value=${String(r.id)}>${reasonName(r)}</option>`)}</select></div></div>
		<${Problem} id="cr-add-problem" problem=${refusal(err)} />
		<button class="primary" type="submit" data-test="cr-add-submit">${t('admin.add')}</button></form>`;
}

function Row({ reason, list, first, last, onChanged }) {
	const [names, setNames] = useState(null); // being renamed
	const [err, setErr] = useState(null);
	const name = reasonName(reason);
	async function save(body, done) {
		try {
			await put(`${BASE}/${reason.id}`, { complaint_reason: body });
			setErr(null);
			setNames(null);
			toast(t(done));
			onChanged();
		} catch (x) {
			setErr(x);
		}
	}
	async function remove() {
		try {
			await del(`${BASE}/${reason.id}`);
			setErr(null);
			toast(t('complaints.deleted'));
			onChanged();
			return true;
		} catch (x) {
			setErr(x);
			return false;
		}
	}
	const id = `cr-${reason.id}`;
	const parents = list.filter((r) => !r.parent_id && r.id !== reason.id);
	return html`<tr data-test="complaint-reason-row" data-id=${reason.id} class=${reason.active ? '' : 'muted'}>
		<td class="sla-order"><span data-test="cr-position">${reason.position}</span>
			<button type="button" disabled=${first} aria-label=${t('complaints.up', { name })}
				onClick=${() => save({ position: reason.position - 1 }, 'complaints.saved')}>↑</button>
			<button type="button" disabled=${last} aria-label=${t('complaints.down', { name })}
				onClick=${() => save({ position: reason.position + 1 }, 'complaints.saved')}>↓</button></td>
		<td>${names === null
			? html`${reason.parent_id ? html`<span aria-hidden="true">↳ </span>` : ''}<span data-test="cr-name">${name}</span>
				<div class="hint">${LANGS.filter((l) => reason.names[l]).map((l) => `${l}: ${reason.names[l]}`).join(' · ')}</div>
				<button type="button" class="link" aria-label=${t('complaints.rename_label', { name })} data-test="cr-rename"
					onClick=${() => setNames({ ...reason.names })}>${t('complaints.rename')}</button>`
			: html`<form onSubmit=${(e) => { e.preventDefault(); save({ names: namesBody(names) }, 'complaints.saved'); }}>
				<div class="row"><${NameInputs} prefix=${id} names=${names} onChange=${setNames} /></div>
				<button type="submit" class="primary" data-test="cr-rename-save">${t('save')}</button>
				<button type="button" onClick=${() => { setNames(null); setErr(null); }}>${t('org.cancel')}</button></form>`}</td>
		<td><label class="sr-only" for="${id}-parent">${t('complaints.parent_of', { name })}</label>
			<select id="${id}-parent" value=${reason.parent_id ? String(reason.parent_id) : ''} data-test="cr-parent" style="max-width: 12em"
				onChange=${(e) => save({ parent_id: e.target.value ? Number(e.target.value) : null }, 'complaints.saved')}>
				<option value="">${t('complaints.top')}</option>
				${parents.map((r) => html`<option value=${String(r.id)}>${reasonName(r)}</option>`)}</select></td>
		<td><label class="inline"><input type="checkbox" checked=${reason.active} data-test="cr-active"
			onChange=${(e) => save({ active: e.target.checked }, e.target.checked ? 'complaints.activated' : 'complaints.deactivated')} />
			${t('complaints.active')}</label></td>
		<td data-test="cr-count" style="white-space: nowrap">${t('complaints.tickets', { count: reason.tickets_count })}</td>
		<td><${ConfirmDelete} testid="cr" label=${t('complaints.delete_label', { name })}
			question=${t('complaints.delete_confirm', { name })} onConfirm=${remove} />
			<${Problem} id="${id}-problem" problem=${refusal(err)} /></td>
	</tr>`;
}

export function ComplaintReasons() {
	const [res, error, reload] = useLoad(() => get(BASE), []);
	const list = res ? res.complaint_reasons : [];
	const changed = () => {
		reload();
		forgetReasons();
	};
	// first and last among the reasons of one level
	const level = (r) => list.filter((x) => (x.parent_id || 0) === (r.parent_id || 0));
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('complaints.hint')}</p>
		${res && !list.length ? html`<p data-test="complaint-reasons-empty">${t('complaints.empty')}</p>` : html`
		<table class="list hours" data-test="complaint-reasons"><thead><tr><th>${t('tiers.order')}</th><th>${t('complaints.reason')}</th>
			<th>${t('complaints.parent')}</th><th>${t('complaints.active')}</th><th>${t('complaints.in_use')}</th>
			<th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((x) => html`<${Row} key=${x.id} reason=${x} list=${list} onChanged=${changed}
			first=${level(x)[0] === x} last=${level(x).at(-1) === x} />`)}</tbody></table>`}
		<${Add} list=${list} onAdded=${changed} />`;
}

// ---- Reports → Complaints ----

// One bar a period, its height the complaints; the part resolved at first
// contact drawn darker inside it; the counts in words on each.
function Chart({ periods }) {
	const max = Math.max(1, ...periods.map((p) => p.complaints));
	const h = 140, top = 10, bottom = 24, left = 36, step = Math.max(14, Math.min(48, Math.floor(640 / Math.max(1, periods.length))));
	const w = left + periods.length * step + 8;
	const y = (v) => top + h - (v / max) * h;
	return html`<svg class="report-chart" role="img" data-test="complaints-chart" width=${w} height=${top + h + bottom}
		viewBox="0 0 ${w} ${top + h + bottom}" aria-label=${t('complaints.chart_label')}
		style="max-width: 100%; height: auto; font: inherit; font-size: 11px">
		${[0, max].map((v) => html`<g><line x1=${left - 4} x2=${w} y1=${y(v)} y2=${y(v)} stroke="#d8dde4" />
			<text x=${left - 6} y=${y(v) + 4} text-anchor="end">${formatNumber(v)}</text></g>`)}
		${periods.map((p, i) => {
			const x = left + i * step;
			const label = `${formatDate(`${p.start}T12:00:00Z`, { dateStyle: 'medium' })}: ${t('complaints.bar', { complaints: p.complaints, first: p.first_contact })}`;
			return html`<g data-test="complaints-bar" data-start=${p.start} data-count=${String(p.complaints)}>
				<title>${label}</title>
				<rect x=${x + 2} y=${y(p.complaints)} width=${step - 4} height=${Math.max(p.complaints ? 1 : 0, (p.complaints / max) * h)} fill="#8fb3e8" />
				<rect x=${x + 2} y=${y(p.first_contact)} width=${step - 4} height=${(p.first_contact / max) * h} fill="#1f5fbf" />
				${(i === 0 || i === periods.length - 1) && html`<text x=${x} y=${top + h + 16}>${p.start.slice(5)}</text>`}
			</g>`;
		})}</svg>
		<p class="hint"><span aria-hidden="true" style="color:#1f5fbf">■</span> ${t('complaints.legend_first')}
			<span aria-hidden="true" style="color:#8fb3e8">■</span> ${t('complaints.legend_other')}</p>`;
}

const Heads = () => html`<th>${t('complaints.count')}</th><th>${t('complaints.solved')}</th>
	<th>${t('complaints.first_contact')}</th><th>${t('complaints.share')}</th>`;
const Cells = ({ r }) => html`<td>${formatNumber(r.complaints)}</td><td>${formatNumber(r.solved)}</td>
	<td>${formatNumber(r.first_contact)}</td><td>${percent(r.first_contact_share)}</td>`;

// bars(row): the row's name as text, for a bar chart (charts.js) over the table.
function Table({ title, testid, rows, name, heading = true, bars }) {
	return html`${heading && html`<h2>${title}</h2>`}
		${bars && html`<${BarChart} chart=${testid} title="${t('complaints.count')} — ${title}" rows=${rows} name=${bars} value=${(r) => r.complaints} />`}
		<table class="list" data-test=${testid}><thead><tr><th>${title}</th><${Heads} /></tr></thead>
		<tbody>${rows.map((r) => html`<tr data-test="${testid}-row"><td>${name(r)}</td><${Cells} r=${r} /></tr>`)}</tbody></table>`;
}

// The custom field read as the product: an admin chooses it here.
function ProductField({ id, onSaved }) {
	const [v, setV] = useState(id ? String(id) : '');
	const [err, setErr] = useState(null);
	if (state.me.role !== 'admin')
		return id ? html`<p class="hint">${t('complaints.product_field_is', { id })}</p>` : html`<p class="hint">${t('complaints.no_product')}</p>`;
	return html`<form class="row" onSubmit=${async (e) => {
		e.preventDefault();
		try {
			await put(SETTINGS, { settings: { product_field_id: v ? Number(v) : null } });
			setErr(null);
			toast(t('complaints.saved'));
			onSaved();
		} catch (x) {
			setErr(x);
		}
	}}><${Field} id="cr-product-field" label=${t('complaints.product_field')} hint=${t('complaints.product_hint')}
		problem=${err && { text: t('complaints.err.product'), detail: err.message }}>${(a) => html`<input ...${a}
		type="number" min="1" value=${v} onInput=${(e) => setV(e.target.value)} data-test="cr-product-field" />`}</${Field}>
		<button type="submit">${t('save')}</button></form>`;
}

export function ComplaintReport() {
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const [form, setForm] = useState({ from: iso(today - 89 * DAY), to: iso(today), period: 'month' });
	const [asked, setAsked] = useState(form);
	const query = `from=${asked.from}&to=${asked.to}&period=${asked.period}&locale=${currentLocale()}`;
	const [rep, error, reload] = useLoad(() => get(`${REPORT}?${query}`).then((r) => r.complaints_report), [query]);
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	return html`<section aria-labelledby="cr-title" data-test="complaints-report">
		<h1 id="cr-title">${t('complaints.title')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			<label for="cr-from">${t('report.from')}</label>
			<input id="cr-from" type="date" value=${form.from} max=${form.to} onInput=${set('from')} data-test="cr-from" />
			<label for="cr-to">${t('report.to')}</label>
			<input id="cr-to" type="date" value=${form.to} min=${form.from} onInput=${set('to')} data-test="cr-to" />
			<label for="cr-period">${t('complaints.period')}</label>
			<select id="cr-period" value=${form.period} onChange=${set('period')} data-test="cr-period">
				<option value="week">${t('complaints.week')}</option><option value="month">${t('complaints.month')}</option></select>
			<button type="submit" data-test="cr-show">${t('report.show')}</button>
			<a class="button" href="${REPORT}.csv?${query}" download data-test="cr-csv">${t('report.csv')}</a></form>
		<${ErrorBanner} error=${error} />
		${rep && html`
			<${Figures} testid="cr-totals" items=${[
				[t('complaints.count'), formatNumber(rep.complaints), 'cr-total'],
				[t('complaints.solved'), formatNumber(rep.solved)],
				[t('complaints.first_contact'), formatNumber(rep.first_contact), 'cr-first'],
				[t('complaints.share'), percent(rep.first_contact_share), 'cr-share']]} />
			<p class="hint">${t('complaints.share_hint')}</p>
			${rep.truncated && html`<p class="error" role="alert">${t('complaints.truncated')}</p>`}
			<h2>${t('complaints.chart_label')}</h2>
			<${Chart} periods=${rep.by_period} />
			<${Table} title=${t('complaints.by_period')} testid="cr-periods" rows=${rep.by_period}
				name=${(r) => formatDate(`${r.start}T12:00:00Z`, { dateStyle: 'medium' })} />
			<${Table} title=${t('complaints.reason')} testid="cr-reasons" rows=${rep.by_reason}
				bars=${(r) => reasonName({ ...r, id: r.reason_id })}
				name=${(r) => html`${r.parent_id ? '\u2003' : ''}${reasonName({ ...r, id: r.reason_id })}`} />
			<h2>${t('complaints.product')}</h2>
			<${ProductField} id=${rep.product_field_id} onSaved=${reload} />
			${rep.product_field_id && html`<${Table} title=${t('complaints.product')} heading=${false} testid="cr-products" rows=${rep.by_product}
				bars=${(r) => r.product ?? t('complaints.no_value')}
				name=${(r) => r.product ?? t('complaints.no_value')} />`}
			<${Table} title=${t('complaints.organization')} testid="cr-orgs" rows=${rep.by_organization}
				bars=${(r) => r.name ?? t('complaints.no_org')}
				name=${(r) => r.name ?? t('complaints.no_org')} />`}
	</section>`;
}
