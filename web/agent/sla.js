// Admin → SLA policies: the desk's promises (GET/POST /api/v2/slas/policies,
// docs/api.md), in the order tickets are matched against them, each with its
// targets — a table of metrics by priority, every cell a target in hours and
// minutes counted in business hours or in calendar time — its schedule and
// the conditions (filter) saying which tickets it is for. What the server
// refuses is said next to the field in the admin's language, with the
// server's own sentence after it (as in hours.js).
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { navigate, useRoute } from './router.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { TierSelect } from './tiers.js';
import { ErrorBanner, toast, useLoad } from './ui.js';
import { WhatIf } from './whatif.js';

const BASE = '/api/v2/slas/policies';
const SCHEDULES = '/api/v2/business_hours/schedules';

// The table's rows and columns, in the API's order of metrics and from the
// most pressing priority down.
export const METRICS = ['first_reply_time', 'next_reply_time', 'periodic_update_time', 'requester_wait_time',
	'agent_work_time', 'total_resolution'];
export const LEVELS = ['urgent', 'high', 'normal', 'low'];

// A target in minutes as "1 h 30 min" in the admin's language.
export function duration(minutes) {
	const h = Math.floor(minutes / 60), m = minutes % 60;
	return [h && t('sla.hours_short', { count: h }), m && t('sla.minutes_short', { count: m })].filter(Boolean).join(' ');
}

// "Urgent: first reply 1 h (business hours), next reply 4 h; Normal: …"
export function summaryText(metrics) {
	return LEVELS.map((p) => {
		const mine = metrics.filter((x) => x.priority === p);
		if (!mine.length)
			return null;
		return `${t(`priority.${p}`)}: ${mine.map((x) => `${t(`sla.metric_lower.${x.metric}`)} ${duration(x.target)}${x.business_hours
			? ` (${t('sla.business_hours')})` : ''}`).join(', ')}`;
	}).filter(Boolean).join('; ');
}

// The targets as the editor keeps them: cells[metric][priority] =
// {h, m, bh}, the hours and minutes as typed ('' for none).
function cellsOf(metrics) {
	const cells = Object.fromEntries(METRICS.map((k) => [k, Object.fromEntries(LEVELS.map((p) => [p, { h: '', m: '', bh: true }]))]));
	for (const x of metrics)
		cells[x.metric][x.priority] = { h: String(Math.floor(x.target / 60)), m: x.target % 60 ? String(x.target % 60) : '', bh: x.business_hours };
	return cells;
}

// The cells as the API's policy_metrics; a cell with something typed in it
// is a target (0 h 0 min too: the server says what is wrong with it).
export function metricsOf(cells) {
	const out = [];
	for (const p of ['low', 'normal', 'high', 'urgent'])
		for (const k of METRICS) {
			const c = cells[k][p];
			if (String(c.h).trim() === '' && String(c.m).trim() === '')
				continue;
			out.push({ priority: p, metric: k, target: Number(c.h || 0) * 60 + Number(c.m || 0), business_hours: c.bh });
		}
	return out;
}

// Our words for a sentence of policy.c's, by the field and the sentence.
function explain(field, code, said) {
	if (field === 'title')
		return t(code === 'Blank' ? 'sla.err.title_blank' : code === 'TooLong' ? 'sla.err.title_long' : 'sla.err.invalid');
	if (field === 'description')
		return t(code === 'TooLong' ? 'sla.err.description_long' : 'sla.err.invalid');
	if (field === 'schedule_id')
		return t('sla.err.schedule');
	if (field === 'warning_minutes')
		return t('sla.err.warning');
	if (field === 'policy_metrics') {
		if (code === 'Blank')
			return t('sla.err.metrics_blank');
		if (/a target is/.test(said))
			return t('sla.err.target');
		if (/business hours need/.test(said))
			return t('sla.err.no_schedule');
		return t('sla.err.invalid');
	}
	if (field === 'filter') {
		const m = /filter\.(all|any)\[(\d+)\]/.exec(said);
		return m ? t('sla.err.condition', { group: t(`sla.${m[1]}`), n: Number(m[2]) + 1 }) : t('sla.err.filter');
	}
	return t('sla.err.invalid');
}

const FIELDS = ['title', 'description', 'schedule_id', 'warning_minutes', 'policy_metrics', 'filter'];

// What a 422 said about field: {text, detail}, or null.
function refusal(err, field) {
	const d = err && err.status === 422 && err.fields[field];
	if (!d)
		return null;
	const { error = '', description = '' } = d[0];
	return { text: explain(field, error, description), detail: description };
}

const elsewhere = (err) => (err && !FIELDS.some((f) => refusal(err, f)) ? err : null);

function scheduleName(p, schedules) {
	if (p.schedule_id === null)
		return t('sla.first_schedule');
	const s = schedules.find((x) => x.id === p.schedule_id);
	return s ? s.name : `#${p.schedule_id}`;
}

function List() {
	const [res, error, reload] = useLoad(() => Promise.all([get(BASE), get(SCHEDULES)]), []);
	const [err, setErr] = useState(null); // a move or a delete the server refused
	const list = res ? res[0].sla_policies : [];
	const schedules = res ? res[1].schedules : [];
	async function move(i, by) {
		const ids = list.map((p) => p.id);
		[ids[i], ids[i + by]] = [ids[i + by], ids[i]];
		try {
			await put(`${BASE}/reorder`, { sla_policy_ids: ids });
			setErr(null);
			toast(t('sla.moved'));
		} catch (x) {
			setErr(x);
		}
		reload();
	}
	async function remove(p) {
		try {
			await del(`${BASE}/${p.id}`);
			setErr(null);
			toast(t('sla.deleted'));
			reload();
			return true;
		} catch (x) {
			setErr(x);
			return false;
		}
	}
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('sla.hint')}</p>
		${err && html`<${Problem} problem=${{ text: t('sla.err.refused'), detail: err.message }} />`}
		${res && !list.length ? html`<p data-test="policies-empty">${t('sla.empty')}</p>` : html`
		<p class="muted" data-test="policies-count">${t('sla.count', { count: list.length })}</p>
		<table class="list hours sla"><thead><tr><th>${t('sla.order')}</th><th>${t('sla.title')}</th><th>${t('sla.targets')}</th>
			<th>${t('sla.schedule')}</th><th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((p, i) => html`<tr key=${p.id} data-test="policy-row" data-id=${p.id}>
			<td class="sla-order"><span data-test="policy-position">${p.position}</span>
				<button type="button" disabled=${i === 0} aria-label=${t('sla.up', { title: p.title })} data-test="policy-up"
					onClick=${() => move(i, -1)}>↑</button>
				<button type="button" disabled=${i === list.length - 1} aria-label=${t('sla.down', { title: p.title })} data-test="policy-down"
					onClick=${() => move(i, 1)}>↓</button></td>
			<td><a href="/agent/admin/slas/${p.id}" data-test="policy-title">${p.title}</a></td>
			<td data-test="policy-summary">${summaryText(p.policy_metrics)}</td>
			<td data-test="policy-schedule">${scheduleName(p, schedules)}</td>
			<td class="sla-actions"><${ConfirmDelete} testid="policy" label=${t('sla.delete_label', { title: p.title })}
				question=${t('sla.delete_confirm', { title: p.title })} onConfirm=${() => remove(p)} /></td>
		</tr>`)}</tbody></table>`}
		<p><a class="button primary" href="/agent/admin/slas/new" data-test="policy-new">${t('sla.add')}</a></p>`;
}

// One cell of the targets: hours, minutes, business hours or calendar.
function Cell({ metric, priority, c, onChange }) {
	const where = `${t(`priority.${priority}`)}, ${t(`sla.metric_lower.${metric}`)}`;
	const id = `sla-${metric}-${priority}`;
	const num = (k, max, unit) => html`<input type="number" min="0" max=${max} step="1" inputmode="numeric" class="sla-num"
		id="${id}-${k}" value=${c[k]} aria-label="${where}: ${t(unit)}" data-test="target-${k}"
		onInput=${(e) => onChange({ ...c, [k]: e.target.value })} />`;
	return html`<td data-test="cell" data-metric=${metric} data-priority=${priority}>
		<span class="sla-cell-label" aria-hidden="true">${t(`priority.${priority}`)}</span>
		<span class="sla-target">${num('h', 8760, 'sla.hours_unit')}<span aria-hidden="true">${t('sla.h')}</span>
		${num('m', 59, 'sla.minutes_unit')}<span aria-hidden="true">${t('sla.min')}</span></span>
		<label class="inline sla-bh"><input type="checkbox" checked=${c.bh} aria-label="${where}: ${t('sla.business_hours')}"
			data-test="target-bh" onChange=${(e) => onChange({ ...c, bh: e.target.checked })} /> <span aria-hidden="true">${t('sla.bh_short')}</span></label>
	</td>`;
}

function Targets({ cells, setCells, err }) {
	const problem = refusal(err, 'policy_metrics');
	return html`<fieldset class="sla-targets" aria-describedby=${problem ? 'sla-metrics-problem' : 'sla-targets-hint'} data-test="targets">
		<legend>${t('sla.targets')}</legend>
		<p id="sla-targets-hint" class="hint">${t('sla.targets_hint')}</p>
		<${Problem} id="sla-metrics-problem" problem=${problem} />
		<table class="sla-grid"><thead><tr><th><span class="sr-only">${t('sla.metric')}</span></th>
			${LEVELS.map((p) => html`<th scope="col">${t(`priority.${p}`)}</th>`)}</tr></thead>
		<tbody>${METRICS.map((k) => html`<tr key=${k}><th scope="row">${t(`sla.metric.${k}`)}</th>
			${LEVELS.map((p) => html`<${Cell} key=${p} metric=${k} priority=${p} c=${cells[k][p]}
				onChange=${(c) => setCells({ ...cells, [k]: { ...cells[k], [p]: c } })} />`)}</tr>`)}</tbody></table>
	</fieldset>`;
}

// Our name for a field or an operator of the definitions, else the server's.
const known = (key, fallback) => (t(key) === key ? fallback : t(key));

// The conditions on the customer's tiers (tiers.js): a tier chosen by
// name, or none. Added to the server's definitions where they leave them
// out; where they give them, their value is still chosen from the tiers.
const TIER_FIELDS = ['requester_tier', 'organization_tier'];
const IS = [{ title: 'Is', value: 'is' }, { title: 'Is not', value: 'is_not' }];
function withTiers(defs) {
	const have = new Set(defs.map((d) => d.value));
	return [...defs.map((d) => (TIER_FIELDS.includes(d.value) ? { ...d, values: { type: 'tier' } } : d)),
		...TIER_FIELDS.filter((f) => !have.has(f)).map((f) => ({ title: f, value: f, operators: IS, values: { type: 'tier' } }))];
}

// A condition's value input fitting its field.
function Value({ def, cond, label, onChange }) {
	const v = def && def.values;
	if (v && v.type === 'tier')
		return html`<${TierSelect} aria-label=${label} testid="cond-value" value=${cond.value ?? null} onChange=${onChange} />`;
	if (v && v.type === 'list') {
		const prefix = { priority: 'priority', type: 'type', via: 'channel', entitlement: 'contracts.coverage' }[def.value];
		return html`<select aria-label=${label} data-test="cond-value" value=${cond.value ?? ''}
			onChange=${(e) => onChange(e.target.value)}>
			${v.list.map((o) => html`<option value=${o.value}>${prefix ? known(`${prefix}.${o.value}`, o.title) : o.title}</option>`)}</select>`;
	}
	if (v && v.type === 'id')
		return html`<input type="number" min="1" step="1" inputmode="numeric" aria-label=${label} data-test="cond-value"
			placeholder=${def.value === 'requester_id' ? '' : t('sla.none_id')} value=${cond.value ?? ''}
			onInput=${(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />`;
	return html`<input type="text" aria-label=${label} data-test="cond-value" value=${cond.value ?? ''}
		placeholder=${t('sla.tags_placeholder')} onInput=${(e) => onChange(e.target.value)} />`;
}

// A new condition on def: its first operator and value.
const fresh = (def) => ({ field: def.value, operator: def.operators[0].value,
	value: def.values.type === 'list' ? def.values.list[0].value : ['id', 'tier'].includes(def.values.type) ? null : '' });

function Conditions({ group, defs, list, onChange }) {
	const byName = Object.fromEntries(defs.map((d) => [d.value, d]));
	const set = (i, c) => onChange(list.map((x, j) => (j === i ? c : x)));
	return html`<fieldset class="sla-conditions" data-test="conditions-${group}">
		<legend>${t(`sla.${group}_legend`)}</legend>
		${!list.length && html`<p class="hint">${t('sla.no_conditions')}</p>`}
		${list.map((c, i) => {
			const def = byName[c.field];
			const n = i + 1;
			return html`<div class="row sla-condition" data-test="condition" key=${i}>
				<select aria-label=${t('sla.cond_field', { group: t(`sla.${group}`), n })} data-test="cond-field" value=${c.field}
					onChange=${(e) => set(i, fresh(byName[e.target.value]))}>
					${defs.map((d) => html`<option value=${d.value}>${known(`sla.field.${d.value}`, d.title)}</option>`)}</select>
				<select aria-label=${t('sla.cond_operator', { group: t(`sla.${group}`), n })} data-test="cond-operator" value=${c.operator}
					onChange=${(e) => set(i, { ...c, operator: e.target.value })}>
					${(def ? def.operators : []).map((o) => html`<option value=${o.value}>${known(`sla.op.${o.value}`, o.title)}</option>`)}</select>
				<${Value} def=${def} cond=${c} label=${t('sla.cond_value', { group: t(`sla.${group}`), n })}
					onChange=${(value) => set(i, { ...c, value })} />
				<button type="button" class="link" aria-label=${t('sla.cond_remove', { group: t(`sla.${group}`), n })}
					data-test="cond-remove" onClick=${() => onChange(list.filter((_, j) => j !== i))}>✕</button></div>`;
		})}
		<button type="button" data-test="cond-add-${group}" onClick=${() => onChange([...list, fresh(defs[0])])}>+ ${t('sla.cond_add')}</button>
	</fieldset>`;
}

function Form({ p, schedules, defs }) {
	const [v, setV] = useState(() => ({ title: p ? p.title : '', description: p ? p.description : '',
		schedule_id: p && p.schedule_id !== null ? String(p.schedule_id) : '',
		warning_minutes: p ? String(p.warning_minutes || 0) : '0' }));
	const [cells, setCells] = useState(() => cellsOf(p ? p.policy_metrics : []));
	const [filter, setFilter] = useState(() => ({ all: (p && p.filter && p.filter.all) || [], any: (p && p.filter && p.filter.any) || [] }));
	const [err, setErr] = useState(null);
	const [whatIf, setWhatIf] = useState(null);
	async function go(e) {
		e.preventDefault();
		const body = { sla_policy: { title: v.title, description: v.description,
			schedule_id: v.schedule_id === '' ? null : Number(v.schedule_id), policy_metrics: metricsOf(cells), filter,
			warning_minutes: Number(v.warning_minutes || 0) } };
		try {
			if (p) {
				await put(`${BASE}/${p.id}`, body);
				toast(t('ticket.saved'));
			} else {
				await post(BASE, body);
				toast(t('sla.created'));
			}
			navigate('/agent/admin/slas');
		} catch (x) {
			setErr(x);
		}
	}
	const filterProblem = refusal(err, 'filter');
	return html`<form class="panel sla-form" onSubmit=${go} aria-labelledby="sla-form-title" data-test="policy-form">
		<h2 id="sla-form-title">${p ? p.title : t('sla.add')}</h2>
		<${ErrorBanner} error=${elsewhere(err)} />
		<div class="row hours-fields">
		<${Field} id="sla-title" label=${t('sla.title')} problem=${refusal(err, 'title')}>${(a) => html`<input ...${a}
			value=${v.title} onInput=${(e) => setV({ ...v, title: e.target.value })} />`}</${Field}>
		<${Field} id="sla-schedule" label=${t('sla.schedule')} problem=${refusal(err, 'schedule_id')} hint=${t('sla.schedule_hint')}>${(a) =>
			html`<select ...${a} value=${v.schedule_id} onChange=${(e) => setV({ ...v, schedule_id: e.target.value })}>
				<option value="">${t('sla.first_schedule')}</option>
				${schedules.map((s) => html`<option value=${String(s.id)}>${s.name}</option>`)}</select>`}</${Field}>
		<${Field} id="sla-warning" label=${t('sla.warning')} problem=${refusal(err, 'warning_minutes')} hint=${t('sla.warning_hint')}>${(a) =>
			html`<input ...${a} type="number" min="0" max="525600" step="1" inputmode="numeric" data-test="policy-warning"
				value=${v.warning_minutes} onInput=${(e) => setV({ ...v, warning_minutes: e.target.value })} />`}</${Field}>
		</div>
		<${Field} id="sla-description" label=${t('sla.description')} problem=${refusal(err, 'description')}>${(a) => html`<textarea ...${a}
			rows="2" value=${v.description} onInput=${(e) => setV({ ...v, description: e.target.value })}></textarea>`}</${Field}>
		<${Targets} cells=${cells} setCells=${setCells} err=${err} />
		<h3>${t('sla.conditions')}</h3>
		<p class="hint">${t('sla.conditions_hint')}</p>
		<${Problem} id="sla-filter-problem" problem=${filterProblem} />
		<div class="sla-filter">
		<${Conditions} group="all" defs=${defs.all} list=${filter.all} onChange=${(all) => setFilter({ ...filter, all })} />
		<${Conditions} group="any" defs=${defs.any} list=${filter.any} onChange=${(any) => setFilter({ ...filter, any })} />
		</div>
		<div class="row"><button class="primary" type="submit" data-test="policy-save">${p ? t('save') : t('hours.create')}</button>
			<button type="button" data-test="policy-whatif" onClick=${() => setWhatIf({ sla_policy: { ...(p ? { id: p.id } : {}),
				title: v.title, description: v.description, schedule_id: v.schedule_id === '' ? null : Number(v.schedule_id),
				policy_metrics: metricsOf(cells), filter } })}>${t('whatif.button')}</button>
			<a class="button" href="/agent/admin/slas">${t('org.cancel')}</a></div>
		${whatIf && html`<${WhatIf} body=${whatIf} />`}</form>`;
}

function Editor({ id }) {
	const [res, error] = useLoad(() => Promise.all([id ? get(`${BASE}/${id}`) : Promise.resolve(null), get(SCHEDULES),
		get(`${BASE}/definitions`)]), [id]);
	return html`<p class="hours-top"><a href="/agent/admin/slas">← ${t('sla.back')}</a></p>
		<${ErrorBanner} error=${error} />
		${res && html`<${Form} p=${res[0] && res[0].sla_policy} schedules=${res[1].schedules}
			defs=${{ all: withTiers(res[2].definitions.all), any: withTiers(res[2].definitions.any) }} />`}`;
}

export function Slas() {
	const id = useRoute().parts[2];
	if (id === 'new')
		return html`<${Editor} key="new" id=${null} />`;
	return /^\d+$/.test(id || '') ? html`<${Editor} key=${id} id=${Number(id)} />` : html`<${List} />`;
}
