// The ticket page: the conversation, the composer, the properties, the
// customer, the event log, and who else is looking at it.
import { html, useEffect, useMemo, useRef, useState } from '../shared/html.js';
import { get, put, post, upload } from '../shared/api.js';
import { t, formatDate } from '../shared/i18n.js';
import { state, loadUsers, userName, cachedUser, groupName } from './data.js';
import { useLive } from './live.js';
import { Ago, ErrorBanner, StatusBadge, STATUSES, PRIORITIES, TYPES, toast } from './ui.js';
import { Address, Avatar } from './ui.js';
import { LOCALE_NAMES } from '../shared/i18n.js';
import { Incidents, MergeAction, ProblemPicker } from './links.js';
import { PersonOrg } from './people.js';

const VIEWING_EVERY = 20000; // ms between "I am looking at this" signals
const VIEWER_FORGET = 45000;
const TYPING_EVERY = 5000;
const TYPING_FORGET = 12000;

// The newer of two states of a ticket: responses can arrive out of order
// (a reload started before a save may answer after it), and the page must
// never go back to what the server has since changed. updated_stamp grows
// with every write (ISO 8601 with milliseconds: ordered as text).
function newer(cur, next) {
	return cur && next && cur.id === next.id && cur.updated_stamp > next.updated_stamp ? cur : next;
}

export function TicketPage({ id, onMissing }) {
	const [ticket, setTicketState] = useState(null);
	const latest = useRef(null);
	const setTicket = (next) => {
		latest.current = newer(latest.current, next);
		setTicketState(latest.current);
	};
	const [comments, setComments] = useState([]);
	const [audits, setAudits] = useState([]);
	const [error, setError] = useState(null);
	const [viewers, setViewers] = useState({});
	const composer = useRef(null);

	// The newest comments first, so that the page is usable at once; the
	// older ones follow, page by page, above them.
	async function load() {
		try {
			const newest = `/api/v2/tickets/${id}/comments?sort_order=desc&page[size]=100`;
			const [tk, cm, au] = await Promise.all([
				get(`/api/v2/tickets/${id}`), get(newest), get(`/api/v2/tickets/${id}/audits`),
			]);
			await loadUsers([tk.ticket.requester_id, tk.ticket.assignee_id,
				...cm.comments.map((c) => c.author_id), ...au.audits.map((a) => a.author_id)]);
			const shown = cm.comments.slice().reverse();
			setTicket(tk.ticket);
			setComments(shown);
			setAudits(au.audits);
			setError(null);
			const older = [];
			for (let page = cm, i = 0; page.meta.has_more && i < 1000; i++) {
				page = await get(`${newest}&page[after]=${encodeURIComponent(page.meta.after_cursor)}`);
				older.push(...page.comments);
			}
			if (older.length) { // one render for all of them
				await loadUsers(older.map((c) => c.author_id));
				setComments([...older.reverse(), ...shown]);
			}
		} catch (e) {
			if (e.status === 404)
				onMissing();
			setError(e);
		}
	}
	useEffect(() => {
		setTicket(null);
		load();
		document.title = `#${id} — Frontline`;
	}, [id]);

	// tell the others we are here, now and then
	useEffect(() => {
		const ping = () => post(`/api/v2/tickets/${id}/viewing`).catch(() => {});
		ping();
		const timer = setInterval(ping, VIEWING_EVERY);
		return () => clearInterval(timer);
	}, [id]);
	useEffect(() => {
		const timer = setInterval(() => setViewers((v) => {
			const now = Date.now();
			const kept = Object.fromEntries(Object.entries(v).filter(([, x]) => now - x.at < (x.typing ? TYPING_FORGET : VIEWER_FORGET)));
			return Object.keys(kept).length === Object.keys(v).length ? v : kept;
		}), 5000);
		return () => clearInterval(timer);
	}, []);
	useLive((kind, d) => {
		if (d.ticket_id !== id || d.actor_id === state.me.id)
			return;
		if (kind === 'agent.viewing' || kind === 'agent.typing') {
			const typing = kind === 'agent.typing';
			loadUsers([d.actor_id]).then(() => setViewers((v) => ({ ...v, [d.actor_id]: { at: Date.now(), typing } })));
		} else if (kind === 'ticket.updated') {
			loadUsers([d.actor_id]).then(() => toast(t('ticket.changed_by', { name: userName(d.actor_id) })));
			load();
		}
	}, [id]);

	// r reply, n note, s solve
	useEffect(() => {
		const key = (e) => {
			if (e.target.closest('input, textarea, select, [contenteditable]') || e.ctrlKey || e.metaKey || e.altKey)
				return;
			if (e.key === 'r' || e.key === 'n')
				composer.current && composer.current.open(e.key === 'r' ? 'reply' : 'note');
			else if (e.key === 's' && ticket)
				change({ status: 'solved' });
			else
				return;
			e.preventDefault();
		};
		document.addEventListener('keydown', key);
		return () => document.removeEventListener('keydown', key);
	}, [ticket]);

	// Saves fields as a safe update: when the ticket changed since this
	// page last heard of it, the server refuses (409) instead of applying a
	// change made on stale data, and the agent is shown the fresh ticket.
	async function change(fields) {
		const seen = latest.current;
		try {
			const r = await put(`/api/v2/tickets/${id}`, { ticket: {
				...fields, safe_update: true, updated_stamp: seen && seen.updated_stamp } });
			setTicket(r.ticket);
			toast(t('ticket.saved'));
			load();
			return true;
		} catch (e) {
			if (e.status === 409) {
				toast(t('ticket.conflict'), 'error');
				load();
			} else {
				toast(`${t('ticket.save_failed')}: ${e.message}`, 'error');
			}
			return false;
		}
	}

	if (!ticket)
		return html`<${ErrorBanner} error=${error} />${!error && html`<p class="muted">${t('loading')}</p>`}`;
	const others = Object.keys(viewers).map(Number);
	const typists = others.filter((a) => viewers[a].typing);
	return html`<article class="ticket" aria-labelledby="ticket-title" data-test="ticket" data-id=${id}>
		<div>
			<div class="row">
				<h1 id="ticket-title" data-test="ticket-subject">${ticket.subject || t('ticket.no_subject')}</h1>
				<span class="spacer"></span><${MergeAction} ticket=${ticket} />
			</div>
			<p class="row muted">
				<span>#${ticket.id}</span><span data-test="ticket-status" data-status=${ticket.status}><${StatusBadge} status=${ticket.status} /></span>
				<span>${t(`channel.${ticket.via.channel}`)}</span>
				<span>${t('ticket.created_ago')} <${Ago} at=${ticket.created_at} /></span>
			</p>
			${others.length > 0 && html`<div class="viewers" role="status" data-test="viewers">
				${typists.length > 0 ? t('ticket.typing', { names: typists.map(userName).join(', '), count: typists.length })
					: t('ticket.also_viewing', { names: others.map(userName).join(', '), count: others.length })}</div>`}
			<${ErrorBanner} error=${error} />
			<${Conversation} comments=${comments} ticket=${ticket} />
			<${Composer} handle=${composer} ticket=${ticket} onSent=${(saved) => { setTicket(saved); load(); }} />
		</div>
		<aside>
			<${Properties} ticket=${ticket} onSave=${change} />
			${ticket.type === 'problem' && html`<${Incidents} ticket=${ticket} />`}
			<${Customer} ticket=${ticket} />
			<${EventLog} audits=${audits} />
		</aside>
	</article>`;
}

function Conversation({ comments, ticket }) {
	return html`<section class="conversation" aria-label=${t('ticket.conversation')}>
		${comments.map((c) => html`<${Comment} key=${c.id} c=${c} requester=${ticket.requester_id} />`)}
	</section>`;
}

function Comment({ c, requester }) {
	const author = cachedUser(c.author_id);
	const kind = c.public ? (c.author_id === requester ? 'customer' : 'reply') : 'note';
	return html`<div class="comment ${c.public ? '' : 'note'}" data-test="comment" data-public=${String(c.public)}>
		<header>
			<strong>${author ? author.name : userName(c.author_id)}</strong>
			<span class="badge">${t(`comment.${kind}`)}</span>
			<span class="muted">${t(`channel.${c.via.channel}`)} · <${Ago} at=${c.created_at} /></span>
		</header>
		${c.via.channel === 'email' && c.html_body ? html`<${MailBody} c=${c} />` : html`<div class="body">${c.body}</div>`}
		${c.attachments.length > 0 && html`<div class="attachments">${c.attachments.map((a) => html`
			<a href=${a.content_url} download=${a.file_name} rel="noopener" data-test="attachment">📎 ${a.file_name}
				<span class="muted"> (${Math.ceil(a.size / 1024)} KB)</span></a>`)}</div>`}
	</div>`;
}

// An e-mail's HTML (sanitized by the server) in a frame where no script can
// run and whose origin is opaque (no allow-same-origin: were the sanitizer
// ever wrong, what it let through could not reach this page, its cookies or
// the API). The page cannot read such a frame, so its height is the height
// the mail's text took here before it came into view; the frame scrolls
// what is longer and the agent can drag it taller.
function MailBody({ c }) {
	const box = useRef(null);
	const [height, setHeight] = useState(0);
	useEffect(() => {
		const show = () => setHeight(Math.min(Math.max(box.current.firstChild.offsetHeight + 32, 80), 2000));
		if (!('IntersectionObserver' in window)) {
			show();
			return undefined;
		}
		const io = new IntersectionObserver((es) => {
			if (es.some((e) => e.isIntersecting)) {
				show();
				io.disconnect();
			}
		}, { rootMargin: '400px' });
		io.observe(box.current);
		return () => io.disconnect();
	}, []);
	const doc = `<!doctype html><html class="mail"><meta charset="utf-8"><base target="_blank"><link rel="stylesheet" href="/assets/app.css"><body class="mail">${c.html_body}</body>`;
	return html`<div ref=${box}>${height
		? html`<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc=${doc} height=${height}
			title=${t('comment.mail')} data-test="mail-frame"></iframe>`
		: html`<div class="body">${c.body}</div>`}</div>`;
}

// The reply / note box. Drafts live in localStorage until they are sent, so
// a lost session or a failed save never loses what was typed.
function Composer({ ticket, onSent, handle }) {
	const key = `fl.draft.${ticket.id}`;
	const saved = useMemo(() => {
		try {
			return JSON.parse(localStorage.getItem(key)) || {};
		} catch {
			return {};
		}
	}, [ticket.id]);
	const [mode, setMode] = useState(saved.mode || 'reply');
	const [body, setBody] = useState(saved.body || '');
	const [files, setFiles] = useState([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const [then, setThen] = useState('');
	const area = useRef(null);
	const typed = useRef(0);

	function input(e) {
		setBody(e.target.value);
		if (Date.now() - typed.current > TYPING_EVERY) {
			typed.current = Date.now();
			post(`/api/v2/tickets/${ticket.id}/viewing`, { typing: true }).catch(() => {});
		}
	}

	if (handle)
		handle.current = {
			open(m) {
				setMode(m);
				area.current && area.current.focus();
			},
		};
	useEffect(() => {
		if (body)
			localStorage.setItem(key, JSON.stringify({ mode, body }));
		else
			localStorage.removeItem(key);
	}, [body, mode]);

	async function send(e) {
		e.preventDefault();
		if (!body.trim())
			return;
		setBusy(true);
		setError('');
		try {
			const uploads = [];
			for (const f of files)
				uploads.push((await upload(f)).token);
			const change = { comment: { body, public: mode === 'reply', uploads } };
			if (then)
				change.status = then;
			const r = await put(`/api/v2/tickets/${ticket.id}`, { ticket: change });
			setBody('');
			setFiles([]);
			setThen('');
			localStorage.removeItem(key);
			toast(mode === 'reply' ? t('composer.sent') : t('composer.noted'));
			onSent(r.ticket);
		} catch (err) {
			setError(`${t('composer.failed')} ${err.message}`);
		} finally {
			setBusy(false);
		}
	}

	return html`<form class="composer ${mode}" onSubmit=${send} data-test="composer" aria-label=${t('composer.title')}>
		<div class="tabs" role="group" aria-label=${t('composer.kind')}>
			<button type="button" aria-pressed=${mode === 'reply'} onClick=${() => setMode('reply')} data-test="mode-reply">${t('composer.reply')} <kbd>r</kbd></button>
			<button type="button" aria-pressed=${mode === 'note'} onClick=${() => setMode('note')} data-test="mode-note">${t('composer.note')} <kbd>n</kbd></button>
		</div>
		${error && html`<div class="banner error" role="alert" data-test="composer-error">${error}</div>`}
		<label class="sr-only" for="composer-body">${mode === 'reply' ? t('composer.reply') : t('composer.note')}</label>
		<textarea id="composer-body" ref=${area} value=${body} data-test="composer-body"
			placeholder=${mode === 'reply' ? t('composer.reply_hint') : t('composer.note_hint')}
			onInput=${input}
			onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e); if (e.key === 'Escape') e.target.blur(); }}></textarea>
		<div class="row">
			<label class="inline"><span class="sr-only">${t('composer.attach')}</span>
				<input type="file" multiple onChange=${(e) => setFiles([...e.target.files])} data-test="composer-files" /></label>
			<span class="spacer"></span>
			<label class="sr-only" for="composer-then">${t('composer.then')}</label>
			<select id="composer-then" value=${then} onChange=${(e) => setThen(e.target.value)} data-test="composer-then">
				<option value="">${t('composer.keep_status')}</option>
				${['open', 'pending', 'solved'].map((s) => html`<option value=${s}>${t('composer.set', { status: t(`status.${s}`) })}</option>`)}
			</select>
			<button class="primary" type="submit" disabled=${busy || !body.trim()} data-test="composer-send">
				${mode === 'reply' ? t('composer.send') : t('composer.add_note')}</button>
		</div>
	</form>`;
}

function Properties({ ticket, onSave }) {
	const initial = () => ({
		status: ticket.status, priority: ticket.priority || '', type: ticket.type || '',
		assignee_id: ticket.assignee_id ? String(ticket.assignee_id) : '',
		group_id: ticket.group_id ? String(ticket.group_id) : '',
		tags: (ticket.tags || []).join(' '),
		custom: (ticket.custom_fields || []).map((f) => ({ id: f.id, value: f.value ?? '' })),
	});
	const [f, setF] = useState(initial);
	// what the server returned, after every write (updated_at has one-second
	// resolution: two saves within a second would leave the old values here)
	useEffect(() => setF(initial()), [ticket.updated_stamp, ticket.id]);
	const set = (k) => (e) => setF({ ...f, [k]: e.target.value });

	async function save(e) {
		e.preventDefault();
		const change = {};
		const now = initial();
		if (f.status !== now.status) change.status = f.status;
		if (f.priority !== now.priority) change.priority = f.priority || null;
		if (f.type !== now.type) change.type = f.type || null;
		if (f.assignee_id !== now.assignee_id) change.assignee_id = f.assignee_id ? Number(f.assignee_id) : null;
		if (f.group_id !== now.group_id) change.group_id = f.group_id ? Number(f.group_id) : null;
		if (f.tags !== now.tags) change.tags = f.tags.split(/[\s,]+/).filter(Boolean);
		if (JSON.stringify(f.custom) !== JSON.stringify(now.custom)) change.custom_fields = f.custom;
		if (Object.keys(change).length)
			await onSave(change);
	}
	const dirty = JSON.stringify(f) !== JSON.stringify(initial());
	const sel = (id, label, k, options, empty) => html`<div class="field"><label for=${id}>${label}</label>
		<select id=${id} value=${f[k]} onChange=${set(k)} data-test=${id}>
			${empty !== undefined && html`<option value="">${empty}</option>`}
			${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}</select></div>`;

	return html`<form class="panel" onSubmit=${save} aria-labelledby="props-title" data-test="properties">
		<h2 id="props-title">${t('ticket.properties')}</h2>
		${sel('prop-status', t('ticket.status'), 'status', STATUSES.map((s) => [s, t(`status.${s}`)]))}
		${sel('prop-priority', t('ticket.priority'), 'priority', PRIORITIES.map((s) => [s, t(`priority.${s}`)]), '—')}
		${sel('prop-type', t('ticket.type'), 'type', TYPES.map((s) => [s, t(`type.${s}`)]), '—')}
		${f.type === 'incident' && html`<${ProblemPicker} ticket=${ticket} onSave=${onSave} />`}
		${sel('prop-assignee', t('ticket.assignee'), 'assignee_id', state.agents.map((a) => [String(a.id), a.name]), t('ticket.unassigned'))}
		${sel('prop-group', t('ticket.group'), 'group_id', state.groups.map((g) => [String(g.id), g.name]), '—')}
		<div class="field"><label for="prop-tags">${t('ticket.tags')}</label>
			<input id="prop-tags" value=${f.tags} onInput=${set('tags')} data-test="prop-tags" /></div>
		${f.custom.map((c, i) => html`<div class="field"><label for="cf-${c.id}">${t('ticket.custom_field', { id: c.id })}</label>
			<input id="cf-${c.id}" value=${c.value} onInput=${(e) => {
				const custom = f.custom.slice();
				custom[i] = { id: c.id, value: e.target.value };
				setF({ ...f, custom });
			}} /></div>`)}
		<p><button class="primary" type="submit" disabled=${!dirty} data-test="props-save">${t('ticket.update')}</button></p>
	</form>`;
}

// The customer: who they are (initials, role, addresses that wrap only
// between their parts), their organization (chosen from a searchable
// list), and their requests on every channel.
function Customer({ ticket }) {
	const [user, setUser] = useState(cachedUser(ticket.requester_id));
	const [others, setOthers] = useState([]);
	useEffect(() => {
		let live = true;
		(async () => {
			try {
				// the page loaded the requester already (show_many)
				const u = cachedUser(ticket.requester_id) || (await get(`/api/v2/users/${ticket.requester_id}`)).user;
				if (!live) return;
				setUser(u);
				const list = await get(`/api/v2/users/${u.id}/tickets/requested?sort=-updated_at&per_page=10`)
					.then((x) => x.tickets, () => []);
				if (live)
					setOthers(list);
			} catch { /* the panel stays short */ }
		})();
		return () => {
			live = false;
		};
	}, [ticket.requester_id]);
	if (!user)
		return null;
	const tier = (user.tags || []).find((g) => /^(tier|vip|plan)/i.test(g));
	const lang = user.locale && LOCALE_NAMES[user.locale.toLowerCase().split(/[-_]/)[0]];
	return html`<section class="panel customer" aria-labelledby="cust-title" data-test="customer">
		<h2 id="cust-title">${t('customer.title')}</h2>
		<p class="who"><${Avatar} user=${user} />
			<span><a href="/agent/customers/${user.id}"><strong>${user.name}</strong></a>
				<br /><span class="hint" data-test="customer-role">${t(`role.${user.role}`)}</span></span></p>
		<dl class="props">
			<dt>${t('customer.email')}</dt><dd data-test="customer-email"><${Address} text=${user.email} /></dd>
			${user.phone && html`<dt>${t('customer.phone')}</dt><dd>${user.phone}</dd>`}
			<dt>${t('customer.organization')}</dt><dd><${PersonOrg} user=${user} onChanged=${setUser} /></dd>
			${tier && html`<dt>${t('customer.tier')}</dt><dd><span class="tag">${tier}</span></dd>`}
			<dt>${t('customer.language')}</dt><dd data-test="customer-language">${lang || user.locale || '—'}</dd>
		</dl>
		${user.notes && html`<p class="hint">${user.notes}</p>`}
		<h3>${t('customer.timeline')}</h3>
		<ul class="events" data-test="customer-timeline">
			${others.map((o) => html`<li key=${o.id}>
				${o.id === ticket.id ? html`<strong>#${o.id} ${o.subject}</strong>` : html`<a href="/agent/tickets/${o.id}">#${o.id} ${o.subject}</a>`}
				<div class="hint">${t(`channel.${o.via.channel}`)} · <${StatusBadge} status=${o.status} /> · <${Ago} at=${o.created_at} /></div></li>`)}
		</ul>
	</section>`;
}

function describe(e) {
	if (e.type === 'Comment')
		return e.public ? t('log.reply') : t('log.note');
	if (e.type === 'Create')
		return t('log.set', { field: fieldName(e.field_name), value: valueText(e.field_name, e.value) });
	return t('log.changed', { field: fieldName(e.field_name), from: valueText(e.field_name, e.previous_value) || '—',
		to: valueText(e.field_name, e.value) || '—' });
}
const fieldName = (f) => t(`field.${f}`) === `field.${f}` ? f : t(`field.${f}`);
function valueText(field, v) {
	if (v === null || v === undefined || v === '')
		return '';
	if (field === 'status') return t(`status.${v}`);
	if (field === 'priority') return t(`priority.${v}`);
	if (field === 'assignee_id' || field === 'requester_id') return userName(Number(v));
	if (field === 'group_id') return groupName(Number(v)) || v;
	return v;
}

function EventLog({ audits }) {
	const [open, setOpen] = useState(false);
	const shown = open ? audits : audits.slice(-5);
	return html`<section class="panel" aria-labelledby="log-title" data-test="event-log">
		<h2 id="log-title">${t('log.title')}</h2>
		<ol class="events">
			${shown.slice().reverse().map((a) => html`<li key=${a.id}>
				<strong>${userName(a.author_id)}</strong> <span class="hint" title=${formatDate(a.created_at)}><${Ago} at=${a.created_at} /></span>
				<ul class="events">${a.events.map((e) => html`<li>${describe(e)}</li>`)}</ul></li>`)}
		</ol>
		${audits.length > 5 && html`<button type="button" class="link" onClick=${() => setOpen(!open)}>
			${open ? t('log.fewer') : t('log.all', { count: audits.length })}</button>`}
	</section>`;
}
