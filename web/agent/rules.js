// Admin → Triggers and Admin → Automations: one editor for both (Zendesk's
// shapes: /api/v2/triggers with {"trigger": …} and /api/v2/automations
// with {"automation": …}, each with its /definitions). The list in
// position order (↑/↓ → PUT …/reorder), the active switch, and the editor:
// "Meet all" and "Meet any" condition rows built from the definitions (a
// select of values where they give a list or a kind of record), action rows
// (notifications with recipient, subject and body, and a preview of the
// body on a ticket), save with the server's 422 beside the field it names,
// and a dry run listing the tickets the rule would have fired on.
import { html, useEffect, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { navigate, useRoute } from './router.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { ErrorBanner, toast, useLoad } from './ui.js';
import { reasonName } from './complaints.js';

export const KINDS = {
	triggers: { base: '/api/v2/triggers', one: 'trigger', many: 'triggers', path: '/agent/admin/triggers', dryrun: true },
	// no dry run on the server for automations (docs/rules.md): none offered
	automations: { base: '/api/v2/automations', one: 'automation', many: 'automations', path: '/agent/admin/automations' },
};

// Records a value may name, by the definitions' url: their list and names.
const SOURCES = {
	'/api/v2/groups': (r) => r.groups.map((g) => [g.id, g.name]),
	'/api/v2/users': (r) => r.users.filter((u) => u.role === 'agent' || u.role === 'admin').map((u) => [u.id, u.name]),
	'/api/v2/tiers': (r) => r.tiers.map((x) => [x.id, x.name]),
	'/api/v2/business_hours/schedules': (r) => r.schedules.map((s) => [s.id, s.name]),
	'/api/v2/complaint_reasons': (r) => r.complaint_reasons.filter((x) => x.active).map((x) => [x.id, reasonName(x)]),
};
const MAIL = ['notification_user', 'notification_group'];

// The definitions give the server's raw names; the editor shows them in the
// agent's language, and the server's title for anything it does not know
// (a field added on the server before its words are here).
const said_or = (key, title) => {
	const s = t(key);
	return s === key ? title : s;
};
// Where the words for a field's fixed values are, by the field's name.
const VALUE_KEYS = {
	status: 'status', priority: 'priority', type: 'type', via_id: 'channel', current_via_id: 'channel',
	role: 'role', sla_metric: 'sla.metric', entitlement: 'contracts.coverage', update_type: 'rules.update',
	comment_is_public: 'rules.bool', comment_mode_is_public: 'rules.bool', sla_event: 'rules.sla_event',
	satisfaction_score: 'csat.rule',
	complaint: 'rules.bool',
};
const fieldTitle = (d) => said_or(`rules.field.${d.value || d.subject}`, d.title);
const opTitle = (o) => said_or(`rules.op.${o.value}`, o.title);
const actionTitle = (d) => said_or(`rules.action.${d.subject}`, d.title);
const valueTitle = (field, o) => (VALUE_KEYS[field] ? said_or(`${VALUE_KEYS[field]}.${o.value}`, o.title) : o.title);

// What a 422 said about a field ("title", "conditions.all[0].value"): the
// server's sentence, or null.
function said(err, field) {
	const d = err && err.status === 422 && err.fields[field];
	return d ? { text: t('rules.refused'), detail: d[0].description || d[0].error } : null;
}
const FIELDS = (err) => (err && err.status === 422 ? Object.keys(err.fields) : []);

function Value({ def, field, value, label, lists, onChange, testid }) {
	const v = def && def.values;
	if (v && v.type === 'list')
		return html`<select aria-label=${label} data-test=${testid} value=${value ?? ''} onChange=${(e) => onChange(e.target.value)}>
			${v.list.map((o) => html`<option value=${o.value}>${valueTitle(field, o)}</option>`)}</select>`;
	if (v && v.type === 'id' && lists[v.url])
		return html`<select aria-label=${label} data-test=${testid} value=${value === null || value === undefined ? '' : String(value)}
			onChange=${(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}>
			<option value="">${t('rules.none')}</option>
			${lists[v.url].map(([id, name]) => html`<option value=${String(id)}>${name}</option>`)}</select>`;
	return html`<input type="text" aria-label=${label} data-test=${testid} value=${value ?? ''}
		onInput=${(e) => onChange(/^\d+$/.test(e.target.value) && v && v.type === 'id' ? Number(e.target.value) : e.target.value)} />`;
}

const freshCond = (def) => ({ field: def.value || def.subject, operator: def.operators[0].value,
	value: def.values && def.values.type === 'list' ? def.values.list[0].value : null });

function Conditions({ group, defs, list, lists, err, onChange }) {
	const byName = Object.fromEntries(defs.map((d) => [d.value || d.subject, d]));
	const set = (i, c) => onChange(list.map((x, j) => (j === i ? c : x)));
	return html`<fieldset data-test="rule-conditions-${group}"><legend>${t(`rules.${group}`)}</legend>
		${list.map((c, i) => {
			const def = byName[c.field], n = i + 1, at = `conditions.${group}[${i}]`;
			const problem = said(err, `${at}.value`) || said(err, `${at}.field`) || said(err, `${at}.operator`) || said(err, at);
			return html`<div key=${i} data-test="rule-condition"><div class="row">
				<select aria-label=${t('rules.cond_field', { n })} data-test="cond-field" value=${c.field}
					onChange=${(e) => set(i, freshCond(byName[e.target.value]))}>
					${defs.map((d) => html`<option value=${d.value || d.subject}>${fieldTitle(d)}</option>`)}</select>
				<select aria-label=${t('rules.cond_operator', { n })} data-test="cond-operator" value=${c.operator}
					onChange=${(e) => set(i, { ...c, operator: e.target.value })}>
					${(def ? def.operators : []).map((o) => html`<option value=${o.value}>${opTitle(o)}</option>`)}</select>
				<${Value} def=${def} field=${c.field} value=${c.value} label=${t('rules.cond_value', { n })} lists=${lists} testid="cond-value"
					onChange=${(value) => set(i, { ...c, value })} />
				<button type="button" class="link" aria-label=${t('rules.remove', { n })} data-test="cond-remove"
					onClick=${() => onChange(list.filter((_, j) => j !== i))}>✕</button></div>
				<${Problem} id="rule-${group}-${i}-problem" problem=${problem} /></div>`;
		})}
		<button type="button" data-test="cond-add-${group}" onClick=${() => onChange([...list, freshCond(defs[0])])}>+ ${t('rules.add_condition')}</button>
	</fieldset>`;
}

// Whether a comment is public: yes or no, sent as true or false. Its own
// list, for an automation has no condition on the comment to borrow it from.
const PUBLIC = { values: { type: 'list', list: [{ value: 'true', title: 'true' }, { value: 'false', title: 'false' }] } };

// The fixed values an action may set (a status, a priority, a type, whether
// the comment is public): the list of the condition on the same field.
const actionValues = (field, conds) => {
	if (field === 'comment_mode_is_public')
		return PUBLIC;
	const d = (conds || []).find((c) => (c.value || c.subject) === field);
	return d && d.values && d.values.type === 'list' ? d : null;
};

// The value an action row starts with; a group's mail goes to the ticket's
// own group unless another is chosen.
const freshAction = (field, conds) => ({ field, value: field === 'notification_user' ? ['requester_id', '', '']
	: field === 'notification_group' ? ['group_id', '', ''] : field === 'notification_webhook' ? [null, '']
		: field === 'create_task' ? ['assignee_id', 24, '']
		: field === 'comment_mode_is_public' ? true
			: actionValues(field, conds) ? actionValues(field, conds).values.list[0].value : '' });

function Preview({ body }) {
	const [id, setId] = useState('');
	const [out, setOut] = useState(null);
	async function go() {
		try {
			const r = await post('/api/v2/templates/preview', id ? { template: body, ticket_id: Number(id) } : { template: body });
			setOut({ text: r.rendered });
		} catch (x) {
			setOut({ error: x.message });
		}
	}
	return html`<div class="row"><input type="number" min="1" aria-label=${t('rules.preview_ticket')} placeholder=${t('rules.preview_ticket')}
		data-test="preview-ticket" value=${id} onInput=${(e) => setId(e.target.value)} />
		<button type="button" data-test="preview" onClick=${go}>${t('rules.preview')}</button></div>
		${out && html`<pre class=${out.error ? 'error' : ''} data-test="preview-out">${out.error || out.text}</pre>`}`;
}

function Actions({ defs, conds, list, lists, err, onChange }) {
	const set = (i, a) => onChange(list.map((x, j) => (j === i ? a : x)));
	return html`<fieldset data-test="rule-actions"><legend>${t('rules.actions')}</legend>
		<${Problem} id="rule-actions-problem" problem=${said(err, 'actions')} />
		${list.map((a, i) => {
			const n = i + 1, problem = said(err, `actions[${i}].value`) || said(err, `actions[${i}].field`) || said(err, `actions[${i}]`)
				|| [0, 1, 2].map((k) => said(err, `actions[${i}].value[${k}]`)).find(Boolean);
			const mail = MAIL.includes(a.field), hook = a.field === 'notification_webhook', task = a.field === 'create_task';
			const part = (k, v) => set(i, { ...a, value: a.value.map((x, j) => (j === k ? v : x)) });
			return html`<div key=${i} data-test="rule-action"><div class="row">
				<select aria-label=${t('rules.action_field', { n })} data-test="action-field" value=${a.field}
					onChange=${(e) => set(i, freshAction(e.target.value, conds))}>
					${defs.map((d) => html`<option value=${d.subject}>${actionTitle(d)}</option>`)}</select>
				${!mail && !hook && !task && actionValues(a.field, conds) && html`<${Value} def=${actionValues(a.field, conds)} field=${a.field}
					value=${a.value === true || a.value === false ? String(a.value) : a.value} label=${t('rules.action_value', { n })}
					lists=${lists} testid="action-value"
					onChange=${(value) => set(i, { ...a, value: a.field === 'comment_mode_is_public' ? value === 'true' : value })} />`}
				${!mail && !hook && !task && !actionValues(a.field, conds) && html`<input type="text" aria-label=${t('rules.action_value', { n })} data-test="action-value"
					value=${a.value ?? ''} onInput=${(e) => set(i, { ...a, value: /^\d+$/.test(e.target.value) ? Number(e.target.value) : e.target.value })} />`}
				${a.field === 'notification_user' && html`<select aria-label=${t('rules.recipient', { n })} data-test="action-recipient"
					value=${String(a.value[0])} onChange=${(e) => part(0, /^\d+$/.test(e.target.value) ? Number(e.target.value) : e.target.value)}>
					${['requester_id', 'assignee_id', 'current_user'].map((r) => html`<option value=${r}>${t(`rules.to.${r}`)}</option>`)}
					${(lists['/api/v2/users'] || []).map(([id, name]) => html`<option value=${String(id)}>${name}</option>`)}</select>`}
				${a.field === 'notification_group' && lists['/api/v2/groups'] && html`<select aria-label=${t('rules.recipient', { n })}
					data-test="action-recipient" value=${String(a.value[0])}
					onChange=${(e) => part(0, /^\d+$/.test(e.target.value) ? Number(e.target.value) : e.target.value)}>
					<option value="group_id">${t('rules.to.group_id')}</option>
					${lists['/api/v2/groups'].map(([id, name]) => html`<option value=${String(id)}>${name}</option>`)}</select>`}
				${((a.field === 'notification_group' && !lists['/api/v2/groups']) || hook) && html`<input type="number" min="1" aria-label=${t('rules.recipient', { n })}
					data-test="action-recipient" value=${a.value[0] ?? ''} onInput=${(e) => part(0, e.target.value === '' ? null : Number(e.target.value))} />`}
				${task && html`<select aria-label=${t('rules.task_owner', { n })} data-test="action-task-owner"
					value=${String(a.value[0])} onChange=${(e) => part(0, /^\d+$/.test(e.target.value) ? Number(e.target.value) : e.target.value)}>
					<option value="assignee_id">${t('rules.to.assignee_id')}</option>
					${(lists['/api/v2/users'] || []).map(([id, name]) => html`<option value=${String(id)}>${name}</option>`)}</select>
					<input type="number" min="0" max="8760" step="0.5" aria-label=${t('rules.task_hours', { n })} data-test="action-task-hours"
						placeholder=${t('rules.task_no_due')} value=${a.value[1] ?? ''}
						onInput=${(e) => part(1, e.target.value === '' ? null : Number(e.target.value))} />`}
				<button type="button" class="link" aria-label=${t('rules.remove', { n })} data-test="action-remove"
					onClick=${() => onChange(list.filter((_, j) => j !== i))}>✕</button></div>
				${task && html`<input type="text" maxlength="255" aria-label=${t('rules.task_title', { n })} data-test="action-task-title"
					value=${a.value[2]} onInput=${(e) => part(2, e.target.value)} />`}
				${mail && html`<input type="text" aria-label=${t('rules.subject', { n })} data-test="action-subject" value=${a.value[1]}
					onInput=${(e) => part(1, e.target.value)} />`}
				${(mail || hook) && html`<textarea rows="3" aria-label=${t('rules.body', { n })} data-test="action-body"
					value=${a.value[mail ? 2 : 1]} onInput=${(e) => part(mail ? 2 : 1, e.target.value)}></textarea>
					<${Preview} body=${a.value[mail ? 2 : 1]} />`}
				<${Problem} id="rule-action-${i}-problem" problem=${problem} /></div>`;
		})}
		<button type="button" data-test="action-add" onClick=${() => onChange([...list, freshAction(defs[0].subject, conds)])}>+ ${t('rules.add_action')}</button>
	</fieldset>`;
}

// The dry run's answer: the tickets, with links, and what would be done.
function DryRun({ res }) {
	if (res.error)
		return html`<${ErrorBanner} error=${res.error} />`;
	const r = res.data;
	return html`<section data-test="dryrun" aria-live="polite"><h3>${t('rules.dryrun_title', { count: r.count, days: r.days })}</h3>
		${!r.count && html`<p data-test="dryrun-none">${t('rules.dryrun_none')}</p>`}
		<ul>${r.results.map((h) => html`<li key=${h.audit_id} data-test="dryrun-hit">
			<a href="/agent/tickets/${h.ticket_id}">#${h.ticket_id} ${h.subject}</a> <span class="muted">${h.created_at}</span>
			${h.changes.map((c) => html` · <span>${said_or(`rules.action.${c.field}`, c.field)}: ${typeof c.value === 'string'
				? valueTitle(c.field, { value: c.value, title: c.value }) : JSON.stringify(c.value)}</span>`)}
			${h.effects.map((e) => html` · <span>${t(`rules.effect.${e.action}`)}</span>`)}</li>`)}</ul>
		${r.truncated && html`<p class="muted">${t('rules.dryrun_more', { listed: r.listed })}</p>`}</section>`;
}

function Form({ kind, rule, defs, lists }) {
	const k = KINDS[kind];
	const [v, setV] = useState(() => ({ title: rule ? rule.title : '', active: rule ? rule.active : true,
		all: (rule && rule.conditions.all) || [], any: (rule && rule.conditions.any) || [], actions: (rule && rule.actions) || [] }));
	const [err, setErr] = useState(null);
	const [dry, setDry] = useState(null);
	const body = () => ({ title: v.title, active: v.active, conditions: { all: v.all, any: v.any }, actions: v.actions });
	async function save(e) {
		e.preventDefault();
		try {
			if (rule)
				await put(`${k.base}/${rule.id}`, { [k.one]: body() });
			else
				await post(k.base, { [k.one]: body() });
			toast(t('ticket.saved'));
			navigate(k.path);
		} catch (x) {
			setErr(x);
		}
	}
	async function dryRun() {
		try {
			setDry({ data: await post(`${k.base}/dry_run`, { [k.one]: body(), days: 30 }) });
			setErr(null);
		} catch (x) {
			setErr(x);
			setDry(x.status === 422 ? null : { error: x });
		}
	}
	const other = err && (err.status !== 422 || !FIELDS(err).some((f) => f === 'title' || f === 'conditions' || f === 'actions'
		|| f.startsWith('conditions.') || f.startsWith('actions['))) ? err : null;
	return html`<form class="panel" onSubmit=${save} data-test="rule-form">
		<h2>${rule ? rule.title : t(`rules.new.${kind}`)}</h2>
		<${ErrorBanner} error=${other} />
		<${Field} id="rule-title" label=${t('rules.title')} problem=${said(err, 'title')}>${(a) => html`<input ...${a} data-test="rule-title"
			value=${v.title} onInput=${(e) => setV({ ...v, title: e.target.value })} />`}</${Field}>
		<label class="inline"><input type="checkbox" data-test="rule-active" checked=${v.active}
			onChange=${(e) => setV({ ...v, active: e.target.checked })} /> ${t('rules.active')}</label>
		<${Problem} id="rule-conditions-problem" problem=${said(err, 'conditions')} />
		<${Conditions} group="all" defs=${defs.conditions_all} list=${v.all} lists=${lists} err=${err} onChange=${(all) => setV({ ...v, all })} />
		<${Conditions} group="any" defs=${defs.conditions_any} list=${v.any} lists=${lists} err=${err} onChange=${(any) => setV({ ...v, any })} />
		<${Actions} defs=${defs.actions} conds=${defs.conditions_all} list=${v.actions} lists=${lists} err=${err} onChange=${(actions) => setV({ ...v, actions })} />
		<div class="row"><button class="primary" type="submit" data-test="rule-save">${t('save')}</button>
			${k.dryrun && html`<button type="button" data-test="rule-dryrun" onClick=${dryRun}>${t('rules.dryrun')}</button>`}
			<a class="button" href=${k.path}>${t('org.cancel')}</a></div>
		${dry && html`<${DryRun} res=${dry} />`}</form>`;
}

// The records values may name, as [id, name] lists by url; one that does
// not load leaves its values typed as numbers.
async function loadLists() {
	const out = {};
	await Promise.all(Object.entries(SOURCES).map(async ([url, pick]) => {
		try {
			out[url] = pick(await get(url));
		} catch { /* typed by hand */ }
	}));
	return out;
}

function Editor({ kind, id }) {
	const k = KINDS[kind];
	const [res, error] = useLoad(() => Promise.all([id ? get(`${k.base}/${id}`) : Promise.resolve(null),
		get(`${k.base}/definitions`), loadLists()]), [kind, id]);
	return html`<p><a href=${k.path}>← ${t(`admin.${kind}`)}</a></p><${ErrorBanner} error=${error} />
		${res && html`<${Form} kind=${kind} rule=${res[0] && res[0][k.one]} defs=${res[1].definitions} lists=${res[2]} />`}`;
}

function List({ kind }) {
	const k = KINDS[kind];
	const [res, error, reload] = useLoad(() => get(k.base), [kind]);
	const [err, setErr] = useState(null);
	const list = res ? res[k.many] : [];
	// A switch turns at once and stays turned while its save is on the way:
	// the checkbox is controlled, so any render before the reload lands would
	// otherwise put it back. An override goes when the list agrees with it,
	// or when its save is refused.
	const [turned, setTurned] = useState({});
	useEffect(() => setTurned((o) => {
		const left = Object.fromEntries(Object.entries(o).filter(([id, on]) => list.some((r) => String(r.id) === id && r.active !== on)));
		return Object.keys(left).length === Object.keys(o).length ? o : left;
	}), [res]);
	const turn = (r, on) => {
		setTurned((o) => ({ ...o, [r.id]: on }));
		act(() => put(`${k.base}/${r.id}`, { [k.one]: { active: on } }).catch((x) => {
			setTurned(({ [r.id]: _, ...o }) => o);
			throw x;
		}));
	};
	async function act(fn) {
		try {
			await fn();
			setErr(null);
		} catch (x) {
			setErr(x);
		}
		reload();
	}
	const move = (i, by) => act(() => {
		const ids = list.map((r) => r.id);
		[ids[i], ids[i + by]] = [ids[i + by], ids[i]];
		return put(`${k.base}/reorder`, { [`${k.one}_ids`]: ids });
	});
	return html`<${ErrorBanner} error=${error || err} />
		${res && !list.length && html`<p data-test="rules-empty">${t('rules.empty')}</p>`}
		${list.length > 0 && html`<table class="list"><thead><tr><th>${t('rules.position')}</th><th>${t('rules.title')}</th>
			<th>${t('rules.active')}</th><th></th></tr></thead>
		<tbody>${list.map((r, i) => html`<tr key=${r.id} data-test="rule-row" data-id=${r.id}>
			<td><span data-test="rule-position">${r.position}</span>
				<button type="button" disabled=${i === 0} aria-label=${t('rules.up', { title: r.title })} data-test="rule-up"
					onClick=${() => move(i, -1)}>↑</button>
				<button type="button" disabled=${i === list.length - 1} aria-label=${t('rules.down', { title: r.title })}
					data-test="rule-down" onClick=${() => move(i, 1)}>↓</button></td>
			<td><a href="${k.path}/${r.id}" data-test="rule-title-link">${r.title}</a></td>
			<td><input type="checkbox" role="switch" aria-label=${t('rules.active_of', { title: r.title })} data-test="rule-switch"
				checked=${turned[r.id] ?? r.active} onChange=${(e) => turn(r, e.target.checked)} /></td>
			<td><${ConfirmDelete} testid="rule" label=${t('rules.delete', { title: r.title })} question=${t('rules.delete_confirm', { title: r.title })}
				onConfirm=${() => act(() => del(`${k.base}/${r.id}`)).then(() => true)} /></td></tr>`)}</tbody></table>`}
		<p><a class="button primary" href="${k.path}/new" data-test="rule-new">${t(`rules.new.${kind}`)}</a></p>`;
}

export function Rules({ kind }) {
	const id = useRoute().parts[2];
	if (id === 'new')
		return html`<${Editor} key="new" kind=${kind} id=${null} />`;
	return /^\d+$/.test(id || '') ? html`<${Editor} key=${id} kind=${kind} id=${Number(id)} />` : html`<${List} kind=${kind} />`;
}
export const Triggers = () => html`<${Rules} kind="triggers" />`;
export const Automations = () => html`<${Rules} kind="automations" />`;
