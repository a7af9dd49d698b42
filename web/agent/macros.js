// Macros: the picker in the composer and Admin → Macros.
//
// In the composer: a picker of the active macros the agent may use
// (their own and the shared ones), the most used first, filtered as they
// type; ↑/↓ move, Enter applies, Escape closes. Applying asks the server
// for the macro's result on this ticket (GET /api/v2/tickets/{id}/macros/
// {mid}/apply: the reply in the requester's language, rendered, and the
// fields it sets) and hands it to the composer — nothing is saved until
// the agent submits.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, LOCALE_NAMES } from '../shared/i18n.js';
import { state } from './data.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { reasonName, useReasons } from './complaints.js';
import { Dialog, ErrorBanner, toast, useLoad } from './ui.js';

// Whether every word of q is in title, case ignored (any alphabet).
export function macroMatches(title, q) {
	const text = title.toLocaleLowerCase();
	return q.toLocaleLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

export function MacroPicker({ ticketId, onApply, onClose }) {
	const [list, setList] = useState(null);
	const [q, setQ] = useState('');
	const [at, setAt] = useState(0);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const input = useRef(null);

	useEffect(() => {
		get('/api/v2/macros/active?sort_by=usage_count&sort_order=desc&per_page=100')
			.then((r) => setList(r.macros), (e) => setError(e.message));
		// after the dialog has put the focus on its first control
		const id = setTimeout(() => input.current && input.current.focus(), 0);
		return () => clearTimeout(id);
	}, []);

	const shown = (list || []).filter((m) => macroMatches(m.title, q));
	const current = shown[Math.min(at, shown.length - 1)];

	async function apply(m) {
		if (!m || busy)
			return;
		setBusy(true);
		setError('');
		try {
			const r = await get(`/api/v2/tickets/${ticketId}/macros/${m.id}/apply`);
			onApply(r.result, m);
		} catch (e) {
			setError(`${t('macros.failed')} ${e.message}`);
			setBusy(false);
		}
	}

	function key(e) {
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			const n = shown.length;
			if (n)
				setAt((Math.min(at, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
		} else if (e.key === 'Enter') {
			apply(current);
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
	}

	return html`<${Dialog} title=${t('macros.title')} onClose=${onClose}>
		<div class="macro-picker" data-test="macro-picker">
			<label class="sr-only" for="macro-search">${t('macros.search')}</label>
			<input id="macro-search" ref=${input} value=${q} placeholder=${t('macros.search')} autocomplete="off"
				role="combobox" aria-expanded="true" aria-controls="macro-list"
				aria-activedescendant=${current ? `macro-${current.id}` : undefined}
				onInput=${(e) => { setQ(e.target.value); setAt(0); }} onKeyDown=${key} data-test="macro-search" />
			${error && html`<div class="banner error" role="alert" data-test="macro-error">${error}</div>`}
			${!list && !error && html`<p class="muted">${t('loading')}</p>`}
			${list && !shown.length && html`<p class="muted" data-test="macro-none">${t('macros.none')}</p>`}
			<ul id="macro-list" role="listbox" class="macro-list" aria-label=${t('macros.title')}>
				${shown.map((m) => html`<li id=${`macro-${m.id}`} role="option" aria-selected=${m === current ? 'true' : 'false'}
					class=${m === current ? 'current' : ''} data-test="macro-option" data-id=${m.id}
					onMouseDown=${(e) => { e.preventDefault(); apply(m); }}>
					<strong>${m.title}</strong>${m.restriction && m.restriction.type === 'User'
						? html` <span class="hint">${t('macros.personal')}</span>` : ''}
					${m.description && html`<div class="hint">${m.description}</div>`}</li>`)}
			</ul>
			<p class="hint">${t('macros.keys')}</p>
		</div>
	</${Dialog}>`;
}

// ---- Admin → Macros ----
//
// The macros the admin may use and change (GET/POST /api/v2/macros,
// docs/macros.md): each with its title, whether it is the admin's own or
// shared, active, how often it was applied; an editor with the fields it
// sets (a complaint's reason among them), and the four replies side by side, each previewed through POST
// /api/v2/templates/preview in its language. Actions the editor does not
// show (a type, a follower, tags replaced whole…) are kept as they are.
// What the server refuses is said next to the field, with its sentence.

const BASE = '/api/v2/macros';
const LANGS = ['uk', 'ru', 'lt', 'en'];
const SHOWN = ['status', 'priority', 'assignee_id', 'group_id', 'complaint_reason_id', 'current_tags', 'remove_tags', 'comment_mode_is_public'];
const STATUSES = ['open', 'pending', 'hold', 'solved'];
const LEVELS = ['low', 'normal', 'high', 'urgent'];

// A macro as the editor keeps it: text, '' for "leave as it is".
function formOf(m) {
	const act = (f) => (m.actions || []).find((a) => a.field === f);
	const val = (f) => (act(f) ? act(f).value : '');
	const who = val('assignee_id');
	return {
		title: m.title || '', description: m.description || '', active: m.active !== false,
		personal: !!(m.restriction && m.restriction.type === 'User'),
		status: val('status') || '', priority: val('priority') || '',
		assignee: who === 'current_user' ? 'me' : who === null ? 'none' : '',
		group_id: act('group_id') ? String(val('group_id') ?? '') : '',
		complaint: act('complaint_reason_id') ? String(val('complaint_reason_id') ?? 'none') : '',
		add_tags: val('current_tags') || '', remove_tags: val('remove_tags') || '',
		public: val('comment_mode_is_public') === true,
		replies: Object.fromEntries(LANGS.map((l) => [l, (m.translations && m.translations[l]) || ''])),
		others: (m.actions || []).filter((a) => !SHOWN.includes(a.field)),
	};
}

// The form as the API's macro.
function macroOf(f, me) {
	const actions = [...f.others];
	if (f.status)
		actions.push({ field: 'status', value: f.status });
	if (f.priority)
		actions.push({ field: 'priority', value: f.priority });
	if (f.assignee)
		actions.push({ field: 'assignee_id', value: f.assignee === 'me' ? 'current_user' : null });
	if (f.group_id)
		actions.push({ field: 'group_id', value: Number(f.group_id) });
	if (f.complaint)
		actions.push({ field: 'complaint_reason_id', value: f.complaint === 'none' ? null : Number(f.complaint) });
	if (f.add_tags.trim())
		actions.push({ field: 'current_tags', value: f.add_tags.trim() });
	if (f.remove_tags.trim())
		actions.push({ field: 'remove_tags', value: f.remove_tags.trim() });
	actions.push({ field: 'comment_mode_is_public', value: f.public });
	return {
		title: f.title, description: f.description, active: f.active, actions, translations: f.replies,
		restriction: f.personal ? { type: 'User', id: me } : null,
	};
}

// What a 422 said about the field named, or about one inside it
// ("actions" covers "actions[2].value").
function said(err, field) {
	if (!err || err.status !== 422)
		return null;
	const k = Object.keys(err.fields).find((x) => x === field || x.startsWith(`${field}[`) || x.startsWith(`${field}.`));
	return k ? { text: t('macros.err'), detail: err.fields[k][0].description } : null;
}

function Preview({ lang, text }) {
	const [out, setOut] = useState(null);
	const [err, setErr] = useState(null);
	const run = async () => {
		try {
			setErr(null);
			setOut((await post('/api/v2/templates/preview', { template: text, locale: lang })).rendered);
		} catch (e) {
			setOut(null);
			setErr(e.message);
		}
	};
	return html`<div class="macro-preview">
		<button type="button" onClick=${run} disabled=${!text.trim()} data-test=${`macro-preview-${lang}`}>${t('macros.preview')}</button>
		${out !== null && html`<pre class="preview" lang=${lang} data-test=${`macro-preview-out-${lang}`}>${out}</pre>`}
		${err && html`<p class="error" role="alert">${err}</p>`}</div>`;
}

function Editor({ macro, onDone, onCancel }) {
	const [f, setF] = useState(() => formOf(macro || {}));
	const reasons = useReasons();
	const [err, setErr] = useState(null);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
	const setReply = (l) => (e) => setF({ ...f, replies: { ...f.replies, [l]: e.target.value } });
	const save = async (e) => {
		e.preventDefault();
		try {
			const body = { macro: macroOf(f, state.me.id) };
			if (macro)
				await put(`${BASE}/${macro.id}`, body);
			else
				await post(BASE, body);
			toast(t('ticket.saved'));
			onDone();
		} catch (x) {
			setErr(x);
		}
	};
	const p = (field) => said(err, field);
	const other = err && !['title', 'description', 'actions', 'translations', 'restriction'].some((k) => p(k)) ? err : null;
	const select = (id, label, k, options, problem) => html`<${Field} id=${id} label=${label} problem=${problem}>
		${(a) => html`<select ...${a} value=${f[k]} onChange=${set(k)} data-test=${id}>
			${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}</select>`}</${Field}>`;
	const keep = ['', t('macros.keep')];
	return html`<form class="panel macro-editor" onSubmit=${save} aria-label=${macro ? t('macros.edit') : t('macros.new')} data-test="macro-editor">
		<h2>${macro ? t('macros.edit') : t('macros.new')}</h2>
		<${ErrorBanner} error=${other} />
		<${Field} id="macro-title" label=${t('macros.field.title')} problem=${p('title')}>
			${(a) => html`<input ...${a} value=${f.title} onInput=${set('title')} maxlength="255" data-test="macro-title" />`}</${Field}>
		<${Field} id="macro-description" label=${t('macros.field.description')} problem=${p('description')}>
			${(a) => html`<input ...${a} value=${f.description} onInput=${set('description')} />`}</${Field}>
		<div class="row">
			<label class="inline"><input type="checkbox" checked=${f.active} onChange=${set('active')} data-test="macro-active" /> ${t('macros.field.active')}</label>
			<label class="inline"><input type="checkbox" checked=${f.personal} onChange=${set('personal')} data-test="macro-personal" /> ${t('macros.field.personal')}</label>
		</div>
		<${Problem} id="macro-restriction-problem" problem=${p('restriction')} />
		<h3>${t('macros.sets')}</h3>
		<div class="row">
			${select('macro-status', t('ticket.status'), 'status', [keep, ...STATUSES.map((s) => [s, t(`status.${s}`)])])}
			${select('macro-priority', t('ticket.priority'), 'priority', [keep, ...LEVELS.map((s) => [s, t(`priority.${s}`)])])}
			${select('macro-assignee', t('ticket.assignee'), 'assignee', [keep, ['me', t('macros.me')], ['none', t('ticket.unassigned')]])}
			${select('macro-group', t('ticket.group'), 'group_id', [keep, ...state.groups.map((g) => [String(g.id), g.name])])}
			${select('macro-complaint', t('complaints.flag'), 'complaint', [keep, ['none', t('macros.not_complaint')],
				...reasons.filter((r) => r.active || String(r.id) === f.complaint).map((r) => [String(r.id), reasonName(r)])])}
		</div>
		<div class="row">
			<${Field} id="macro-add-tags" label=${t('macros.field.add_tags')}>
				${(a) => html`<input ...${a} value=${f.add_tags} onInput=${set('add_tags')} data-test="macro-add-tags" />`}</${Field}>
			<${Field} id="macro-remove-tags" label=${t('macros.field.remove_tags')}>
				${(a) => html`<input ...${a} value=${f.remove_tags} onInput=${set('remove_tags')} />`}</${Field}>
		</div>
		<${Problem} id="macro-actions-problem" problem=${p('actions')} />
		<h3>${t('macros.replies')}</h3>
		<p class="hint">${t('macros.replies_hint')}</p>
		<label class="inline"><input type="checkbox" checked=${f.public} onChange=${set('public')} data-test="macro-public" /> ${t('macros.field.public')}</label>
		<div class="macro-replies">${LANGS.map((l) => html`<div>
			<${Field} id=${`macro-reply-${l}`} label=${LOCALE_NAMES[l]} problem=${p(`translations.${l}`)}>
				${(a) => html`<textarea ...${a} lang=${l} value=${f.replies[l]} onInput=${setReply(l)} rows="8" data-test=${`macro-reply-${l}`}></textarea>`}</${Field}>
			<${Preview} lang=${l} text=${f.replies[l]} /></div>`)}</div>
		<div class="row"><button class="primary" type="submit" data-test="macro-save">${t('save')}</button>
			<button type="button" onClick=${onCancel}>${t('org.cancel')}</button></div>
	</form>`;
}

export function Macros() {
	const [res, error, reload] = useLoad(() => get(`${BASE}?sort_by=alphabetical&per_page=100`), []);
	const [editing, setEditing] = useState(null); // null, 'new' or a macro
	const list = (res && res.macros) || [];
	const done = () => {
		setEditing(null);
		reload();
	};
	if (editing)
		return html`<${Editor} macro=${editing === 'new' ? null : editing} onDone=${done} onCancel=${() => setEditing(null)} />`;
	return html`<${ErrorBanner} error=${error} />
		<p class="muted">${t('macros.admin_hint')}</p>
		<button class="primary" type="button" onClick=${() => setEditing('new')} data-test="macro-new">${t('macros.new')}</button>
		${res && !list.length ? html`<p data-test="macros-empty">${t('macros.empty')}</p>` : html`
		<table class="list" data-test="macro-list"><thead><tr><th>${t('macros.field.title')}</th><th>${t('macros.who')}</th>
			<th>${t('macros.field.active')}</th><th>${t('macros.usage')}</th><th></th></tr></thead>
		<tbody>${list.map((m) => html`<tr key=${m.id} data-test="macro-row" data-id=${m.id}>
			<td>${m.title}${m.description && html`<div class="hint">${m.description}</div>`}</td>
			<td>${m.restriction && m.restriction.type === 'User' ? t('macros.personal_short') : t('macros.shared')}</td>
			<td>${m.active ? '✓' : '—'}</td><td>${m.usage_count}</td>
			<td class="row"><button type="button" onClick=${() => setEditing(m)} data-test="macro-edit">${t('macros.edit')}</button>
				<${ConfirmDelete} question=${t('macros.delete_confirm', { title: m.title })} label=${t('macros.delete', { title: m.title })}
					testid="macro" onConfirm=${async () => {
						try {
							await del(`${BASE}/${m.id}`);
							reload();
							return true;
						} catch (e) {
							toast(e.message, 'error');
							return false;
						}
					}} /></td></tr>`)}</tbody></table>`}`;
}
