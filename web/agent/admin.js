// Admin: agents and roles, groups, business hours (hours.js), SLA policies (sla.js), customer tiers (tiers.js), complaint reasons (complaints.js), triggers and automations (rules.js),
// macros (macros.js), webhooks (webhooks.js), API tokens, mailboxes, mail settings, the check-in of follow-up tasks (tasks.js), quarantined mail, the mail
// the desk writes (outbox.js), and live chat (chatadmin.js).
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { loadBasics } from './data.js';
import { Hours } from './hours.js';
import { CsatReasons } from './csat.js';
import { TaskSettings } from './tasks.js';
import { Macros } from './macros.js';
import { Outbox } from './outbox.js';
import { AddMember, AgentRouting, GroupRouting, useAvailabilities } from './routing.js';
import { Slas } from './sla.js';
import { Automations, Triggers } from './rules.js';
import { Tiers } from './tiers.js';
import { NpsSurveys } from './nps.js';
import { ComplaintReasons } from './complaints.js';
import { Webhooks } from './webhooks.js';
import { ChatSettings } from './chatadmin.js';
import { Ago, ErrorBanner, toast, useLoad } from './ui.js';

const SECTIONS = ['agents', 'groups', 'hours', 'slas', 'tiers', 'complaints', 'triggers', 'automations', 'macros', 'webhooks', 'tokens', 'mailboxes', 'settings', 'tasks', 'quarantine', 'outbox', 'nps', 'csat', 'chat'];

// A small form: fields [name, label, type]; submit gets the values.
function AddForm({ title, fields, onSubmit, submit }) {
	const empty = () => Object.fromEntries(fields.map(([k, , type]) => [k, type === 'checkbox' ? false : '']));
	const [v, setV] = useState(empty);
	const [error, setError] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			await onSubmit(v);
			setV(empty());
			setError(null);
		} catch (err) {
			setError(err);
		}
	}
	return html`<form class="panel" onSubmit=${go} aria-label=${title}>
		<h2>${title}</h2><${ErrorBanner} error=${error} />
		<div class="row">${fields.map(([k, label, type, options]) => html`<div class="field">
			${type === 'checkbox'
				? html`<label class="inline"><input type="checkbox" checked=${v[k]} onChange=${(e) => setV({ ...v, [k]: e.target.checked })} /> ${label}</label>`
				: html`<label for="add-${k}">${label}</label>${type === 'select'
					? html`<select id="add-${k}" value=${v[k]} onChange=${(e) => setV({ ...v, [k]: e.target.value })}>
						${options.map(([o, text]) => html`<option value=${o}>${text}</option>`)}</select>`
					: html`<input id="add-${k}" type=${type || 'text'} value=${v[k]} onInput=${(e) => setV({ ...v, [k]: e.target.value })} />`}`}
			</div>`)}</div>
		<button class="primary" type="submit">${submit || t('admin.add')}</button></form>`;
}

function Agents() {
	const [res, error, reload] = useLoad(() => Promise.all(['admin', 'agent', 'viewer'].map((r) => get(`/api/v2/users?role=${r}&per_page=100`))), []);
	const users = res ? res.flatMap((r) => r.users) : [];
	const [avail, reloadAvail] = useAvailabilities();
	const done = async () => {
		reload();
		reloadAvail();
		await loadBasics();
	};
	const role = async (u, to) => {
		try {
			await put(`/api/v2/users/${u.id}`, { user: { role: to } });
			toast(t('ticket.saved'));
		} catch (e) {
			toast(e.message, 'error');
		}
		done();
	};
	// a viewer reads the reports and nothing else (docs/security.md)
	const roles = [['agent', t('role.agent')], ['admin', t('role.admin')], ['viewer', t('role.viewer')]];
	return html`<${ErrorBanner} error=${error} />
		<p class="muted" data-test="viewer-hint">${t('admin.viewer_hint')}</p>
		<table class="list"><thead><tr><th>${t('people.name')}</th><th>${t('customer.email')}</th><th>${t('admin.role')}</th><th></th></tr></thead>
		<tbody>${users.map((u) => html`<tr key=${u.id}><td>${u.name}</td><td>${u.email}</td>
			<td><label class="sr-only" for="role-${u.id}">${t('admin.role')}</label>
				<select id="role-${u.id}" value=${u.role} onChange=${(e) => role(u, e.target.value)}>
				${roles.map(([r, text]) => html`<option value=${r}>${text}</option>`)}</select></td>
			<td><button type="button" class="danger" onClick=${async () => {
				if (confirm(t('admin.deactivate_confirm', { name: u.name }))) {
					await del(`/api/v2/users/${u.id}`).catch((e) => toast(e.message, 'error'));
					done();
				}
			}}>${t('admin.deactivate')}</button></td></tr>
			${u.role !== 'viewer' && html`<tr key=${`r${u.id}`}><td colspan="4"><${AgentRouting} user=${u} availability=${avail[u.id]} onSaved=${reloadAvail} /></td></tr>`}`)}</tbody></table>
		<${AddForm} title=${t('admin.add_agent')}
			fields=${[['name', t('people.name')], ['email', t('customer.email'), 'email'], ['role', t('admin.role'), 'select', roles],
				['password', t('signin.password'), 'password']]}
			onSubmit=${async (v) => {
				await post('/api/v2/users', { user: { name: v.name, email: v.email, role: v.role || 'agent', password: v.password || undefined } });
				done();
			}} />`;
}

function Groups() {
	const [res, error, reload] = useLoad(() => get('/api/v2/groups?per_page=100'), []);
	const [avail] = useAvailabilities();
	const agents = Object.values(avail).map((a) => ({ id: a.user_id, name: a.name }));
	const done = async () => {
		reload();
		await loadBasics();
	};
	return html`<${ErrorBanner} error=${error} />
		<table class="list"><tbody>${(res ? res.groups : []).map((g) => html`<tr key=${g.id}><td>${g.name}</td>
			<td class="muted">${g.description || ''}</td>
			<td><${GroupRouting} group=${g} onChange=${reload} /></td>
			<td><${AddMember} group=${g} agents=${agents} /></td>
			<td><button type="button" class="danger" onClick=${async () => {
				await del(`/api/v2/groups/${g.id}`).catch((e) => toast(e.message, 'error'));
				done();
			}}>${t('admin.delete')}</button></td></tr>`)}</tbody></table>
		<${AddForm} title=${t('admin.add_group')} fields=${[['name', t('people.name')], ['description', t('people.details')]]}
			onSubmit=${async (v) => {
				await post('/api/v2/groups', { group: v });
				done();
			}} />`;
}

function Tokens() {
	const [res, error, reload] = useLoad(() => get('/api/v2/api_tokens'), []);
	const [shown, setShown] = useState(null);
	return html`<${ErrorBanner} error=${error} />
		${shown && html`<div class="banner ok" role="status">${t('admin.token_once')} <code data-test="new-token">${shown}</code></div>`}
		<table class="list"><tbody>${(res ? res.api_tokens : []).map((k) => html`<tr key=${k.id}><td>${k.description}</td>
			<td class="muted"><${Ago} at=${k.created_at} /></td>
			<td><button type="button" class="danger" onClick=${async () => {
				await del(`/api/v2/api_tokens/${k.id}`).catch((e) => toast(e.message, 'error'));
				reload();
			}}>${t('admin.revoke')}</button></td></tr>`)}</tbody></table>
		<${AddForm} title=${t('admin.add_token')} fields=${[['description', t('people.details')]]}
			onSubmit=${async (v) => {
				const r = await post('/api/v2/api_tokens', { api_token: v });
				setShown(r.api_token.token);
				reload();
			}} />`;
}

function Mailboxes() {
	const [res, error, reload] = useLoad(() => get('/api/v2/mail/mailboxes'), []);
	return html`<${ErrorBanner} error=${error} />
		<table class="list"><tbody>${(res ? res.mailboxes : []).map((m) => html`<tr key=${m.id}><td>${m.url}</td><td>${m.username}</td>
			<td class="muted">${m.last_error || (m.last_polled_at ? html`<${Ago} at=${m.last_polled_at} />` : '')}</td>
			<td><button type="button" class="danger" onClick=${async () => {
				await del(`/api/v2/mail/mailboxes/${m.id}`).catch((e) => toast(e.message, 'error'));
				reload();
			}}>${t('admin.delete')}</button></td></tr>`)}</tbody></table>
		<${AddForm} title=${t('admin.add_mailbox')}
			fields=${[['url', 'imaps://host'], ['username', t('admin.username')], ['password', t('signin.password'), 'password'],
				['folder', t('admin.folder')], ['starttls', 'STARTTLS', 'checkbox']]}
			onSubmit=${async (v) => {
				await post('/api/v2/mail/mailboxes', { mailbox: { ...v, folder: v.folder || 'INBOX' } });
				reload();
			}} />`;
}

function Settings() {
	const [res, error] = useLoad(() => get('/api/v2/mail/settings'), []);
	const [v, setV] = useState(null);
	const s = v || (res && res.mail_settings) || null;
	if (!s)
		return html`<${ErrorBanner} error=${error} />`;
	const field = (k, label, type, hint) => html`<div class="field"><label for="set-${k}">${label}</label>
		<input id="set-${k}" type=${type || 'text'} value=${s[k] ?? ''} aria-describedby=${hint ? `set-${k}-hint` : undefined}
			onInput=${(e) => setV({ ...s, [k]: type === 'number' ? Number(e.target.value) : e.target.value })} />
		${hint && html`<p id="set-${k}-hint" class="muted">${hint}</p>`}</div>`;
	return html`<form class="panel" onSubmit=${async (e) => {
		e.preventDefault();
		// what is set, as the API takes it: the password only when typed
		const out = Object.fromEntries(Object.entries(s).filter(([k, x]) => x !== null && k !== 'has_smtp_password'));
		try {
			await put('/api/v2/mail/settings', { mail_settings: out });
			toast(t('ticket.saved'));
		} catch (err) {
			toast(err.message, 'error');
		}
	}}><h2>${t('admin.mail')}</h2>
		${field('smtp_url', 'SMTP URL (smtp://host:587)')}${field('smtp_user', t('admin.username'))}
		${field('smtp_password', t('signin.password'), 'password')}${field('from_address', t('admin.from_address'), 'email')}
		${field('from_name', t('admin.from_name'))}
		${field('authserv_id', t('admin.authserv_id'), 'text', t('admin.authserv_id_hint'))}
		${field('automatic_mail_limit', t('admin.auto_limit'), 'number', t('admin.auto_limit_hint'))}
		<button class="primary" type="submit">${t('save')}</button></form>
		<${PublicAddress} />`;
}

/* The base of links in mail (PUT /api/v2/account/settings): locked when the
 * server's configuration names it. */
function PublicAddress() {
	const [res, error] = useLoad(() => get('/api/v2/account/settings'), []);
	const [url, setUrl] = useState(null);
	const s = res && res.settings;
	if (!s)
		return html`<${ErrorBanner} error=${error} />`;
	return html`<form class="panel" onSubmit=${async (e) => {
		e.preventDefault();
		try {
			await put('/api/v2/account/settings', { settings: { public_url: url ?? s.public_url } });
			toast(t('ticket.saved'));
		} catch (err) {
			toast(err.message, 'error');
		}
	}}><h2>${t('admin.public_url')}</h2>
		<div class="field"><label for="set-public-url">${t('admin.public_url')}</label>
		<input id="set-public-url" type="url" value=${url ?? s.public_url ?? ''} disabled=${s.public_url_locked}
			aria-describedby="set-public-url-hint" onInput=${(e) => setUrl(e.target.value)} />
		<p id="set-public-url-hint" class="muted">${t(s.public_url_locked ? 'admin.public_url_locked' : 'admin.public_url_hint')}</p></div>
		${s.public_url_locked ? null : html`<button class="primary" type="submit">${t('save')}</button>`}</form>`;
}

// Mail kept out of the tickets: From one of our own addresses (a loop, or
// someone forging us), newest first.
function Quarantine() {
	const [res, error] = useLoad(() => get('/api/v2/mail/quarantine?page[size]=100'), []);
	const list = (res && res.quarantined_mails) || [];
	return html`<${ErrorBanner} error=${error} />
		<p class="muted">${t('admin.quarantine_hint')}</p>
		${res && !list.length ? html`<p data-test="quarantine-empty">${t('admin.quarantine_empty')}</p>` : html`
		<table class="list"><thead><tr><th>${t('admin.quarantine_from')}</th><th>${t('ticket.subject')}</th>
			<th>${t('admin.quarantine_reason')}</th><th></th></tr></thead>
		<tbody>${list.map((q) => html`<tr key=${q.id} data-test="quarantined">
			<td>${q.from}</td><td title=${q.body}>${q.subject}</td>
			<td>${t(`admin.quarantine.${q.reason}`)}</td><td class="muted"><${Ago} at=${q.created_at} /></td></tr>`)}</tbody></table>`}`;
}

export function Admin({ section }) {
	const Body = { agents: Agents, groups: Groups, hours: Hours, slas: Slas, tiers: Tiers, complaints: ComplaintReasons, triggers: Triggers, automations: Automations, macros: Macros, webhooks: Webhooks,
		tokens: Tokens, mailboxes: Mailboxes, settings: Settings, tasks: TaskSettings, quarantine: Quarantine, outbox: Outbox, nps: NpsSurveys,
		csat: CsatReasons, chat: ChatSettings }[section] || Agents;
	return html`<section aria-labelledby="admin-title">
		<h1 id="admin-title">${t('nav.admin')}</h1>
		<nav class="row" aria-label=${t('nav.admin')}>${SECTIONS.map((s) => html`<a class="button ${s === section ? 'primary' : ''}"
			href="/agent/admin/${s}" aria-current=${s === section ? 'page' : undefined}>${t(`admin.${s}`)}</a>`)}</nav>
		<div><${Body} /></div>
	</section>`;
}
