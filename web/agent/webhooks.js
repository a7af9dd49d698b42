// Admin → Webhooks (/api/v2/webhooks, docs/api.md and docs/webhooks.md):
// the list with each one's status, add and edit (name, endpoint, method,
// the ticket events it subscribes to), the signing secret shown on demand
// and replaced, "Send test" with the code the endpoint answered, the
// delivery log (each call and its attempts: codes, errors, durations) and
// the allow list of hosts inside our network. What the server refuses is
// said next to the field in the admin's language, the server's own
// sentence after it (as in hours.js and tiers.js).
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { Ago, ErrorBanner, toast, useLoad } from './ui.js';

const BASE = '/api/v2/webhooks';
const EVENTS = ['ticket.created', 'ticket.updated', 'ticket.solved', 'ticket.deleted', 'ticket.comment_added'];
const METHODS = ['POST', 'PUT', 'PATCH'];
const FIELDS = ['name', 'endpoint', 'http_method', 'status', 'subscriptions', 'webhook'];

// What a refusal said, for the fields given: {text, detail}, or a plain
// {text} for anything else (a 404, a lost connection).
function refusal(err, fields) {
	if (!err)
		return null;
	const f = err.status === 422 && fields.find((x) => err.fields[x]);
	if (!f)
		return { text: err.message };
	const { description = '' } = err.fields[f][0];
	return { text: t(`webhooks.err.${f}`), detail: description };
}

// Add (hook null) or edit one webhook.
function Editor({ hook, onSaved, onCancel }) {
	const [v, setV] = useState(() => ({
		name: hook?.name ?? '', endpoint: hook?.endpoint ?? '', http_method: hook?.http_method ?? 'POST',
		status: hook?.status ?? 'active', subscriptions: hook?.subscriptions ?? [],
	}));
	const [err, setErr] = useState(null);
	const set = (k, x) => setV((o) => ({ ...o, [k]: x }));
	const toggle = (ev, on) => set('subscriptions', on ? [...v.subscriptions, ev] : v.subscriptions.filter((x) => x !== ev));
	const p = (f) => (err && err.status === 422 && err.fields[f] ? refusal(err, [f]) : null);
	async function go(e) {
		e.preventDefault();
		try {
			const r = hook ? await put(`${BASE}/${hook.id}`, { webhook: v }) : await post(BASE, { webhook: v });
			setErr(null);
			toast(t(hook ? 'webhooks.saved' : 'webhooks.added'));
			onSaved(r.webhook);
		} catch (x) {
			setErr(x);
		}
	}
	const id = hook ? `webhook-${hook.id}` : 'webhook-new';
	const other = err && !(err.status === 422 && FIELDS.some((f) => err.fields[f])) ? { text: err.message } : null;
	return html`<form class="panel" onSubmit=${go} aria-labelledby="${id}-title" data-test="webhook-form">
		<h2 id="${id}-title">${hook ? t('webhooks.edit_title', { name: hook.name }) : t('webhooks.add')}</h2>
		<div class="row">
		<${Field} id="${id}-name" label=${t('webhooks.name')} problem=${p('name') || p('webhook')}>${(a) => html`<input ...${a}
			value=${v.name} maxlength="255" data-test="webhook-name" onInput=${(e) => set('name', e.target.value)} />`}</${Field}>
		<${Field} id="${id}-endpoint" label=${t('webhooks.endpoint')} problem=${p('endpoint')} hint=${t('webhooks.endpoint_hint')}>${(a) => html`<input ...${a}
			type="url" value=${v.endpoint} maxlength="2048" spellcheck="false" data-test="webhook-endpoint"
			onInput=${(e) => set('endpoint', e.target.value)} />`}</${Field}>
		<${Field} id="${id}-method" label=${t('webhooks.method')} problem=${p('http_method')}>${(a) => html`<select ...${a}
			value=${v.http_method} data-test="webhook-method" onChange=${(e) => set('http_method', e.target.value)}>
			${METHODS.map((m) => html`<option value=${m}>${m}</option>`)}</select>`}</${Field}>
		</div>
		<fieldset data-test="webhook-subscriptions"><legend>${t('webhooks.subscriptions')}</legend>
			<p class="hint">${t('webhooks.subscriptions_hint')}</p>
			${EVENTS.map((ev) => html`<label class="check"><input type="checkbox" checked=${v.subscriptions.includes(ev)}
				data-test="webhook-event" value=${ev} onChange=${(e) => toggle(ev, e.target.checked)} />
				${t(`webhooks.event.${ev}`)} <code class="muted">${ev}</code></label>`)}
			<${Problem} id="${id}-subscriptions-problem" problem=${p('subscriptions')} /></fieldset>
		<label class="check"><input type="checkbox" checked=${v.status === 'active'} data-test="webhook-active"
			onChange=${(e) => set('status', e.target.checked ? 'active' : 'inactive')} /> ${t('webhooks.active')}</label>
		<${Problem} id="${id}-problem" problem=${other} />
		<div class="row"><button class="primary" type="submit" data-test="webhook-save">${hook ? t('save') : t('admin.add')}</button>
		${onCancel && html`<button type="button" onClick=${onCancel}>${t('org.cancel')}</button>`}</div></form>`;
}

// The signing secret: hidden until asked for; a new one on confirmation.
function Secret({ hook }) {
	const [secret, setSecret] = useState(null);
	const [asking, setAsking] = useState(false);
	const [err, setErr] = useState(null);
	async function run(fn) {
		try {
			await fn();
			setErr(null);
		} catch (x) {
			setErr(x);
		}
	}
	const reveal = () => run(async () => setSecret((await get(`${BASE}/${hook.id}/signing_secret`)).signing_secret.secret));
	const reset = () => run(async () => {
		setSecret((await post(`${BASE}/${hook.id}/signing_secret`, {})).signing_secret.secret);
		setAsking(false);
		toast(t('webhooks.secret_reset_done'));
	});
	return html`<div class="panel" data-test="webhook-secret">
		<h3>${t('webhooks.secret')}</h3>
		<p class="hint">${t('webhooks.secret_hint')}</p>
		${secret ? html`<p><code data-test="webhook-secret-value">${secret}</code>
			<button type="button" onClick=${() => setSecret(null)}>${t('webhooks.secret_hide')}</button></p>`
		: html`<button type="button" data-test="webhook-secret-reveal" onClick=${reveal}>${t('webhooks.secret_reveal')}</button>`}
		${asking ? html`<span class="confirm" role="group">${t('webhooks.secret_reset_confirm')}
			<button type="button" class="danger" data-test="webhook-secret-reset-yes" onClick=${reset}>${t('webhooks.secret_reset')}</button>
			<button type="button" onClick=${() => setAsking(false)}>${t('org.cancel')}</button></span>`
		: html` <button type="button" data-test="webhook-secret-reset" onClick=${() => setAsking(true)}>${t('webhooks.secret_reset')}</button>`}
		<${Problem} id="webhook-secret-problem" problem=${err && { text: err.message }} /></div>`;
}

// One call's attempts: when, the code or the error, how long.
function Attempts({ hook, inv }) {
	const [res, error] = useLoad(() => get(`${BASE}/${hook.id}/invocations/${inv.id}/attempts`), [inv.id, inv.updated_at]);
	return html`<${ErrorBanner} error=${error} />
		${res && html`<table class="list" data-test="webhook-attempts"><caption>${t('webhooks.attempts_of', { id: inv.id })}</caption>
		<thead><tr><th>${t('webhooks.attempt')}</th><th>${t('webhooks.code')}</th><th>${t('webhooks.error')}</th>
			<th>${t('webhooks.duration')}</th><th>${t('webhooks.when')}</th></tr></thead>
		<tbody>${res.attempts.map((a) => html`<tr data-test="webhook-attempt">
			<td>${a.attempt}</td><td data-test="webhook-attempt-code">${a.status_code ?? '—'}</td>
			<td lang="en">${a.error ?? ''}</td><td>${t('webhooks.ms', { ms: a.duration_ms })}</td>
			<td class="muted">${a.completed_at ? html`<${Ago} at=${a.completed_at} />` : ''}</td></tr>`)}</tbody></table>`}`;
}

// The delivery log, newest first, with a refresh and each call's attempts.
function Log({ hook }) {
	const [res, error, reload] = useLoad(() => get(`${BASE}/${hook.id}/invocations?page[size]=50`), [hook.id]);
	const [open, setOpen] = useState(null);
	const list = res ? res.invocations : [];
	return html`<div class="panel" data-test="webhook-log"><h3>${t('webhooks.log')}</h3>
		<${ErrorBanner} error=${error} />
		<button type="button" data-test="webhook-log-refresh" onClick=${reload}>${t('webhooks.refresh')}</button>
		${res && !list.length ? html`<p data-test="webhook-log-empty">${t('webhooks.log_empty')}</p>` : html`
		<table class="list"><thead><tr><th>${t('webhooks.event')}</th><th>${t('webhooks.ticket')}</th><th>${t('webhooks.status')}</th>
			<th>${t('webhooks.attempts')}</th><th>${t('webhooks.code')}</th><th>${t('webhooks.when')}</th><th></th></tr></thead>
		<tbody>${list.map((i) => html`<tr key=${i.id} data-test="webhook-invocation" data-status=${i.status}>
			<td><code>${i.event}</code></td><td>${i.ticket_id ? html`<a href="/agent/tickets/${i.ticket_id}">#${i.ticket_id}</a>` : ''}</td>
			<td data-test="webhook-invocation-status">${t(`webhooks.inv.${i.status}`)}</td><td>${i.attempts}</td>
			<td data-test="webhook-invocation-code">${i.latest_status_code ?? '—'}</td><td class="muted"><${Ago} at=${i.created_at} /></td>
			<td><button type="button" class="link" data-test="webhook-invocation-open" aria-expanded=${open?.id === i.id ? 'true' : 'false'}
				onClick=${() => setOpen(open?.id === i.id ? null : i)}>${t('webhooks.show_attempts')}</button></td></tr>`)}</tbody></table>`}
		${open && html`<${Attempts} hook=${hook} inv=${open} />`}</div>`;
}

// "Send test": calls the endpoint now and says what it answered.
function Test({ hook }) {
	const [said, setSaid] = useState(null);
	const [busy, setBusy] = useState(false);
	async function go() {
		setBusy(true);
		try {
			const { response: r } = await post(`${BASE}/${hook.id}/test`, {});
			setSaid(r.status ? t('webhooks.test_answered', { code: r.status, ms: r.duration_ms })
				: t('webhooks.test_no_answer', { error: r.error || '' }));
		} catch (x) {
			setSaid(x.message);
		}
		setBusy(false);
	}
	return html`<span><button type="button" disabled=${busy} data-test="webhook-test" onClick=${go}>${t('webhooks.test')}</button>
		<span role="status" data-test="webhook-test-result">${said ?? ''}</span></span>`;
}

// One webhook opened: its form, secret, test and log.
function Detail({ hook, onChanged, onClose }) {
	return html`<section class="panel" aria-labelledby="webhook-detail-title" data-test="webhook-detail">
		<h2 id="webhook-detail-title">${hook.name}</h2>
		<p><${Test} hook=${hook} /> <button type="button" onClick=${onClose}>${t('close')}</button></p>
		<${Editor} key=${hook.id} hook=${hook} onSaved=${onChanged} />
		<${Secret} hook=${hook} />
		<${Log} hook=${hook} /></section>`;
}

// The hosts called whatever their address: one a line.
function AllowList() {
	const [res, error] = useLoad(() => get(`${BASE}/settings`), []);
	const [text, setText] = useState(null);
	const [err, setErr] = useState(null);
	const shown = text ?? (res ? res.webhook_settings.allowed_hosts.join('\n') : '');
	async function go(e) {
		e.preventDefault();
		try {
			const hosts = shown.split(/\s+/).filter(Boolean);
			const r = await put(`${BASE}/settings`, { webhook_settings: { allowed_hosts: hosts } });
			setText(r.webhook_settings.allowed_hosts.join('\n'));
			setErr(null);
			toast(t('webhooks.allow_saved'));
		} catch (x) {
			setErr(x);
		}
	}
	const problem = err && (err.status === 422 && err.fields.allowed_hosts
		? { text: t('webhooks.err.allowed_hosts'), detail: err.fields.allowed_hosts[0].description } : { text: err.message });
	return html`<form class="panel" onSubmit=${go} aria-labelledby="webhook-allow-title" data-test="webhook-allow">
		<${ErrorBanner} error=${error} />
		<h2 id="webhook-allow-title">${t('webhooks.allow')}</h2>
		<${Field} id="webhook-allow-hosts" label=${t('webhooks.allow_hosts')} hint=${t('webhooks.allow_hint')} problem=${problem}>${(a) => html`<textarea ...${a}
			rows="4" spellcheck="false" value=${shown} data-test="webhook-allow-hosts" onInput=${(e) => setText(e.target.value)} />`}</${Field}>
		<button class="primary" type="submit" data-test="webhook-allow-save">${t('save')}</button></form>`;
}

export function Webhooks() {
	const [res, error, reload] = useLoad(() => get(BASE), []);
	const [openId, setOpenId] = useState(null);
	const list = res ? res.webhooks : [];
	const open = list.find((w) => w.id === openId);
	async function remove(w) {
		try {
			await del(`${BASE}/${w.id}`);
			toast(t('webhooks.deleted'));
			if (openId === w.id)
				setOpenId(null);
			reload();
			return true;
		} catch (x) {
			toast(x.message, 'error');
			return false;
		}
	}
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('webhooks.hint')}</p>
		${res && !list.length ? html`<p data-test="webhooks-empty">${t('webhooks.empty')}</p>` : html`
		<table class="list" data-test="webhooks"><thead><tr><th>${t('webhooks.name')}</th><th>${t('webhooks.endpoint')}</th>
			<th>${t('webhooks.status')}</th><th>${t('webhooks.subscriptions')}</th><th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((w) => html`<tr key=${w.id} data-test="webhook-row" data-id=${w.id}>
			<td><button type="button" class="link" data-test="webhook-open" onClick=${() => setOpenId(w.id)}>${w.name}</button></td>
			<td><code>${w.http_method} ${w.endpoint}</code></td>
			<td data-test="webhook-status"><span class="tag">${t(`webhooks.status.${w.status}`)}</span></td>
			<td class="muted">${w.subscriptions.length ? w.subscriptions.map((s) => t(`webhooks.event.${s}`)).join(', ') : t('webhooks.triggers_only')}</td>
			<td><${ConfirmDelete} testid="webhook" label=${t('webhooks.delete_label', { name: w.name })}
				question=${t('webhooks.delete_confirm', { name: w.name })} onConfirm=${() => remove(w)} /></td></tr>`)}</tbody></table>`}
		${open ? html`<${Detail} key=${open.id} hook=${open} onChanged=${reload} onClose=${() => setOpenId(null)} />`
		: html`<${Editor} key="new" hook=${null} onSaved=${(w) => { reload(); setOpenId(w.id); }} />`}
		<${AllowList} />`;
}
