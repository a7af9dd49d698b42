// The ticket page: the conversation, the composer, the properties, the
// customer, the event log, and who else is looking at it. One submit sends
// the reply or note, the property edits and the status together; j/k walk
// the queue the ticket was opened from (walk.js).
import { html, useEffect, useMemo, useRef, useState } from '../shared/html.js';
import { get, put, post, upload } from '../shared/api.js';
import { t, formatDate } from '../shared/i18n.js';
import { state, loadUsers, userName, cachedUser, groupName } from './data.js';
import { useLive } from './live.js';
import { navigate } from './router.js';
import { Ago, ErrorBanner, StatusBadge, PRIORITIES, TYPES, toast } from './ui.js';
import { Address, Avatar } from './ui.js';
import { LOCALE_NAMES } from '../shared/i18n.js';
import { Incidents, MergeAction, ProblemPicker } from './links.js';
import { PersonOrg } from './people.js';
import { Coverage } from './contracts.js';
import { TaskPanel } from './tasks.js';
import { TicketIdeas } from './ideas.js';
import { TierBadge } from './tiers.js';
import { ComplaintControl, reasonLabel } from './complaints.js';
import { SlaPanel } from './slaclock.js';
import { position, step } from './walk.js';
import { MacroPicker } from './macros.js';
import { ArticlesUsed, KbPicker, SimilarTickets } from './kblink.js';

const VIEWING_EVERY = 20000; // ms between "I am looking at this" signals
const VIEWER_FORGET = 45000;
const TYPING_EVERY = 5000;
const TYPING_FORGET = 12000;

// The statuses a submit can set, in the order the menu offers them.
const SUBMIT_AS = ['open', 'pending', 'hold', 'solved'];

// The newer of two states of a ticket: responses can arrive out of order
// (a reload started before a save may answer after it), and the page must
// never go back to what the server has since changed. updated_stamp grows
// with every write (ISO 8601 with milliseconds: ordered as text).
function newer(cur, next) {
	return cur && next && cur.id === next.id && cur.updated_stamp > next.updated_stamp ? cur : next;
}

// The properties as the panel edits them: text, '' for none.
function fields(tk) {
	return {
		priority: tk.priority || '', type: tk.type || '',
		assignee_id: tk.assignee_id ? String(tk.assignee_id) : '',
		group_id: tk.group_id ? String(tk.group_id) : '',
		tags: (tk.tags || []).join(' '),
		complaint: tk.complaint ? String(tk.complaint.reason_id) : '',
		custom_fields: (tk.custom_fields || []).map((f) => ({ id: f.id, value: f.value ?? '' })),
	};
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The panel's edits as the API takes them.
function asChange(edits) {
	const change = {};
	for (const [k, v] of Object.entries(edits)) {
		if (k === 'tags')
			change.tags = v.split(/[\s,]+/).filter(Boolean);
		else if (k === 'assignee_id' || k === 'group_id')
			change[k] = v ? Number(v) : null;
		else if (k === 'custom_fields')
			change[k] = v;
		else if (k === 'complaint')
			change.complaint = v ? { reason_id: Number(v) } : null;
		else
			change[k] = v || null;
	}
	return change;
}

// What changed between two states of a ticket, for the notice shown when a
// submit is refused: { field, from, to, by } with by the author of the
// newest audit that changed the field; and the comments added meanwhile.
const WATCHED = ['subject', 'status', 'priority', 'type', 'problem_id', 'assignee_id', 'group_id', 'tags'];
function whatChanged(was, now, audits, shown, comments) {
	const text = (k, tk) => (k === 'tags' ? (tk.tags || []).join(' ') : tk[k] === null || tk[k] === undefined ? '' : String(tk[k]));
	const by = (k) => (audits.slice().reverse().find((a) => a.events.some((e) => e.type === 'Change' && e.field_name === k)) || {}).author_id;
	const known = new Set(shown.map((c) => c.id));
	return {
		fields: WATCHED.filter((k) => text(k, was) !== text(k, now)).map((k) => ({ field: k, from: text(k, was), to: text(k, now), by: by(k) })),
		comments: comments.filter((c) => !known.has(c.id)).map((c) => c.author_id),
	};
}

// The agent's choice of what follows a submit, kept on the server (the
// sign-in answer does not carry it: read once, then kept in state.me).
async function afterSubmit() {
	if (!state.me.preferences)
		state.me.preferences = (await get('/api/v2/users/me/preferences')).preferences;
	return state.me.preferences.after_submit;
}

export function TicketPage({ id, onMissing }) {
	const [ticket, setTicketState] = useState(null);
	const latest = useRef(null);
	// the state of the ticket the agent's edits are based on: its stamp
	// goes with the submit, so that the server refuses it when a field
	// the agent edited has changed since
	const base = useRef(null);
	const [edits, setEditsState] = useState({});
	const editsNow = useRef({});
	const setEdits = (next) => {
		editsNow.current = next;
		setEditsState(next);
	};
	const [comments, setComments] = useState([]);
	const [audits, setAudits] = useState([]);
	const [error, setError] = useState(null);
	const [conflict, setConflict] = useState(null);
	const [viewers, setViewers] = useState({});
	const [next, setNext] = useState(false);
	// grows when the composer links an article: "Articles used" reloads
	const [linked, setLinked] = useState(0);
	const composer = useRef(null);
	const conversation = useRef(null);
	const page = useRef(null);
	const shown = useRef(id);

	// Every state of the ticket the server answers comes here. The panel
	// follows it for the fields the agent has not touched; the edits move
	// onto it unless one of the fields they touch changed (force: the
	// agent has seen what changed, or it was the agent's own write).
	function adopt(tk, force) {
		latest.current = newer(latest.current, tk);
		setTicketState(latest.current);
		const was = base.current;
		const cur = latest.current;
		if (force || !was || Object.keys(editsNow.current).every((k) => same(fields(was)[k], fields(cur)[k])))
			base.current = cur;
	}

	// The newest comments first, so that the page is usable at once; the
	// older ones follow, page by page, above them. Answers what it loaded
	// (null when it failed or the page moved on to another ticket).
	async function load() {
		try {
			const newest = `/api/v2/tickets/${id}/comments?sort_order=desc&page[size]=100`;
			const [tk, cm, au] = await Promise.all([
				get(`/api/v2/tickets/${id}`), get(newest), get(`/api/v2/tickets/${id}/audits`),
			]);
			await loadUsers([tk.ticket.requester_id, tk.ticket.assignee_id,
				...cm.comments.map((c) => c.author_id), ...au.audits.map((a) => a.author_id)]);
			if (shown.current !== id)
				return null;
			const list = cm.comments.slice().reverse();
			adopt(tk.ticket);
			setComments(list);
			setAudits(au.audits);
			setError(null);
			const older = [];
			for (let p = cm, i = 0; p.meta.has_more && i < 1000; i++) {
				p = await get(`${newest}&page[after]=${encodeURIComponent(p.meta.after_cursor)}`);
				older.push(...p.comments);
			}
			if (older.length && shown.current === id) { // one render for all of them
				await loadUsers(older.map((c) => c.author_id));
				list.unshift(...older.reverse());
				setComments(list.slice());
			}
			return { ticket: tk.ticket, comments: list, audits: au.audits };
		} catch (e) {
			if (e.status === 404)
				onMissing();
			setError(e);
			return null;
		}
	}
	useEffect(() => {
		shown.current = id;
		latest.current = null;
		base.current = null;
		setTicketState(null);
		setEdits({});
		setConflict(null);
		setComments([]);
		load();
		document.title = `#${id} — Frontline`;
	}, [id]);
	useEffect(() => {
		afterSubmit().then((v) => setNext(v === 'next'), () => {});
	}, []);

	// Arriving at a ticket, the page has the focus: its keys work at once,
	// without a click (and not in the text box the last ticket left it in).
	const here = ticket && ticket.id;
	useEffect(() => {
		const el = page.current;
		if (!el)
			return undefined;
		if (!el.contains(document.activeElement))
			el.focus({ preventScroll: true });
		// the page fills the window below where it starts; its panes scroll
		const fit = () => el.style.setProperty('--top', `${el.getBoundingClientRect().top + window.scrollY}px`);
		fit();
		window.addEventListener('resize', fit);
		return () => window.removeEventListener('resize', fit);
	}, [here]);

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

	// j/k the next/previous ticket of the queue, r reply, n note, m macros,
	// a knowledge-base articles, s submit as…
	useEffect(() => {
		const key = (e) => {
			if (e.target.closest('input, textarea, select, [contenteditable], [role=menu]') || e.ctrlKey || e.metaKey || e.altKey)
				return;
			if (composer.current && composer.current.menuKey(e))
				e.preventDefault();
			else if (e.key === 'j' || e.key === 'k')
				walk(e.key === 'j' ? 1 : -1);
			else if ((e.key === 'r' || e.key === 'n') && composer.current)
				composer.current.open(e.key === 'r' ? 'reply' : 'note');
			else if (e.key === 'm' && composer.current)
				composer.current.macros();
			else if (e.key === 'a' && composer.current)
				composer.current.articles();
			else if (e.key === 's' && composer.current)
				composer.current.submitAs('solved');
			else
				return;
			e.preventDefault();
		};
		document.addEventListener('keydown', key);
		return () => document.removeEventListener('keydown', key);
	}, [id]);

	async function walk(dir, quiet) {
		try {
			const r = await step(id, dir);
			if (r.id)
				navigate(`/agent/tickets/${r.id}`);
			else if (!quiet || r.end !== 'none')
				toast(t(`walk.${r.end}`));
		} catch (e) {
			toast(e.message, 'error');
		}
	}

	// Writes a change as a safe update on the state the edits are based on.
	// Answers the saved ticket; null when the server refused it because the
	// ticket changed meanwhile (409): then the page shows the ticket as it
	// is now, keeps the agent's edits on it, and says what changed.
	async function save(change) {
		const seen = base.current;
		try {
			const r = await put(`/api/v2/tickets/${id}`, { ticket: {
				...change, safe_update: true, updated_stamp: seen.updated_stamp } });
			adopt(r.ticket, true);
			return r.ticket;
		} catch (e) {
			if (e.status !== 409)
				throw e;
			const before = comments;
			const now = await load();
			if (now) {
				adopt(now.ticket, true);
				setConflict(whatChanged(seen, now.ticket, now.audits, before, now.comments));
			}
			return null;
		}
	}

	// The one submit: the comment (or none), the edits and the status.
	async function submit(status, comment, macroIds) {
		const change = asChange(editsNow.current);
		if (status !== latest.current.status)
			change.status = status;
		if (comment)
			change.comment = comment;
		if (macroIds.length)
			change.macro_ids = macroIds;
		const saved = await save(change);
		if (saved) {
			setEdits({});
			setConflict(null);
		}
		return saved;
	}

	// After a submit: the new comment in view, the keys on the page, and
	// on to the next ticket of the queue when the agent chose so.
	function submitted() {
		conversation.current.follow();
		if (page.current)
			page.current.focus({ preventScroll: true });
		load();
		if (next)
			walk(1, true);
	}

	// A change made at once, outside the submit ("take it", a problem
	// picked): a safe update too, and the edits of the fields it sets give
	// way to it. Answers whether it was saved.
	async function saveNow(change, done = t('ticket.saved')) {
		try {
			if (!(await save(change)))
				return false;
			const rest = { ...editsNow.current };
			for (const k of Object.keys(change))
				delete rest[k];
			setEdits(rest);
			toast(done);
			load();
			return true;
		} catch (e) {
			toast(`${t('ticket.save_failed')}: ${e.message}`, 'error');
			return false;
		}
	}

	function edit(k, v) {
		const { [k]: _, ...rest } = editsNow.current;
		setEdits(same(v, fields(latest.current)[k]) ? rest : { ...rest, [k]: v });
	}

	// A macro applied: the fields it sets become edits, reviewed in the
	// panel and sent with the submit (its status goes to the composer).
	function applyMacro(tk) {
		const f = fields({ ...latest.current, ...tk });
		for (const k of ['priority', 'type', 'assignee_id', 'group_id', 'tags', 'complaint'])
			if (k in tk)
				edit(k, f[k]);
	}

	function chooseNext(on) {
		setNext(on);
		put('/api/v2/users/me/preferences', { preferences: { after_submit: on ? 'next' : 'stay' } })
			.then((r) => { state.me.preferences = r.preferences; },
				(e) => { setNext(!on); toast(`${t('ticket.save_failed')}: ${e.message}`, 'error'); });
	}

	if (!ticket)
		return html`<${ErrorBanner} error=${error} />${!error && html`<p class="muted">${t('loading')}</p>`}`;
	const others = Object.keys(viewers).map(Number);
	const typists = others.filter((a) => viewers[a].typing);
	const at = position(id);
	return html`<article class="ticket" ref=${page} tabindex="-1" aria-labelledby="ticket-title" data-test="ticket" data-id=${ticket.id}>
		<div class="ticket-main">
			<header class="ticket-head">
				<div class="row">
					<h1 id="ticket-title" data-test="ticket-subject">${ticket.subject || t('ticket.no_subject')}</h1>
					<span class="spacer"></span><${MergeAction} ticket=${ticket} />
					${at && html`<nav class="walk" aria-label=${t('walk.title')} data-test="walk">
						<button type="button" onClick=${() => walk(-1)} title=${t('walk.prev')} aria-label=${t('walk.prev')}>‹ <kbd>k</kbd></button>
						<span class="muted" data-test="walk-position">${at.at} / ${at.of}</span>
						<button type="button" onClick=${() => walk(1)} title=${t('walk.next')} aria-label=${t('walk.next')}><kbd>j</kbd> ›</button>
					</nav>`}
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
			</header>
			<${Conversation} handle=${conversation} comments=${comments} ticket=${ticket} />
			${conflict && html`<${Conflict} changes=${conflict} onClose=${() => setConflict(null)} />`}
			<${Composer} handle=${composer} ticket=${ticket} edited=${Object.keys(edits).length > 0}
				onSubmit=${submit} onSent=${submitted} next=${next} onNext=${chooseNext} onMacro=${applyMacro}
				onLinked=${() => setLinked((n) => n + 1)} />
		</div>
		<aside class="ticket-side">
			<${Properties} ticket=${ticket} edits=${edits} onEdit=${edit} onDiscard=${() => setEdits({})} onSave=${saveNow}
				onTake=${() => saveNow({ assignee_id: state.me.id }, t('ticket.taken'))}
				changed=${conflict ? conflict.fields.map((c) => c.field) : []} />
			<${SlaPanel} ticket=${ticket} />
			<${TaskPanel} ticket=${ticket} />
			${ticket.type === 'problem' && html`<${Incidents} ticket=${ticket} />`}
			<${ArticlesUsed} ticket=${ticket} reload=${linked} />
			<${SimilarTickets} ticket=${ticket} />
			<${TicketIdeas} ticket=${ticket} />
			<${Customer} ticket=${ticket} />
			<${EventLog} audits=${audits} />
		</aside>
	</article>`;
}

// What changed since the agent loaded the ticket, after a refused submit.
function Conflict({ changes, onClose }) {
	return html`<div class="banner conflict" role="alert" data-test="conflict">
		<div class="conflict-head"><strong>${t('ticket.conflict')}</strong>
			<button type="button" class="link" onClick=${onClose} aria-label=${t('close')}>✕</button></div>
		<ul>
			${changes.fields.map((c) => html`<li data-test="conflict-change" data-field=${c.field}>
				${t('log.changed', { field: fieldName(c.field), from: valueText(c.field, c.from) || '—', to: valueText(c.field, c.to) || '—' })}
				${c.by && html` <span class="muted">— ${userName(c.by)}</span>`}</li>`)}
			${changes.comments.map((a) => html`<li data-test="conflict-change">${t('conflict.comment', { name: userName(a) })}</li>`)}
		</ul>
	</div>`;
}

// The comments, oldest first, in a pane that scrolls on its own. It stays
// at the newest while the agent is there (a new comment comes into view),
// and after the agent's own submit (handle.follow()).
function Conversation({ comments, ticket, handle }) {
	const pane = useRef(null);
	const stick = useRef(true);
	const sent = useRef(false);
	handle.current = {
		follow() {
			stick.current = true;
			sent.current = true;
		},
	};
	useEffect(() => {
		stick.current = true;
	}, [ticket.id]);
	useEffect(() => {
		const el = pane.current;
		if (!stick.current || !el.lastElementChild)
			return;
		el.scrollTop = el.scrollHeight;
		// on a phone the page scrolls, not the pane: there only the
		// agent's own submit moves it, to the comment just sent
		if (sent.current)
			el.lastElementChild.scrollIntoView({ block: 'nearest' });
		sent.current = false;
	}, [comments]);
	const scrolled = (e) => {
		const el = e.currentTarget;
		stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
	};
	return html`<section class="conversation" ref=${pane} onScroll=${scrolled} aria-label=${t('ticket.conversation')} data-test="conversation">
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

// The reply / note box, docked below the conversation, with the submit.
// Drafts live in localStorage until they are sent, so a lost session or a
// failed save never loses what was typed. onSubmit(status, comment, macroIds)
// answers the saved ticket, or null when the server refused it (the text
// then stays for a deliberate second submit); onSent() follows a save.
function Composer({ ticket, handle, edited, onSubmit, onSent, next, onNext, onMacro, onLinked }) {
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
	const [dragging, setDragging] = useState(false);
	const [picking, setPicking] = useState(false);
	const [articles, setArticles] = useState(false);
	// the status a macro asked for: the submit's until the agent sends
	const [macroStatus, setMacroStatus] = useState(null);
	// the macros applied since the last submit: sent with it (macro_ids),
	// so the ticket's log names them and their use is counted
	const [macroIds, setMacroIds] = useState([]);
	const area = useRef(null);
	const menu = useRef(null);
	const typed = useRef(0);

	function input(e) {
		setBody(e.target.value);
		if (Date.now() - typed.current > TYPING_EVERY) {
			typed.current = Date.now();
			post(`/api/v2/tickets/${ticket.id}/viewing`, { typing: true }).catch(() => {});
		}
	}

	handle.current = {
		open(m) {
			setMode(m);
			area.current && area.current.focus();
		},
		submitAs(status) {
			menu.current && menu.current.show(status);
		},
		menuKey: (e) => !!menu.current && menu.current.key(e),
		macros: () => setPicking(true),
		articles: () => setArticles(true),
	};

	// An article's link goes where the caret was (the text box keeps its
	// selection while the picker has the focus), set apart by spaces.
	function insertLink(md) {
		setArticles(false);
		const el = area.current;
		const at = el ? Math.min(el.selectionEnd, body.length) : body.length;
		const before = body.slice(0, at), after = body.slice(at);
		const text = `${before && !/\s$/.test(before) ? ' ' : ''}${md}${after && !/^\s/.test(after) ? ' ' : ''}`;
		setBody(before + text + after);
		setTimeout(() => {
			if (!area.current)
				return;
			area.current.focus();
			area.current.setSelectionRange(before.length + text.length, before.length + text.length);
		}, 0);
	}

	// The macro's reply goes after what is typed; its fields wait as edits.
	function applied(result, macro) {
		setPicking(false);
		setMacroIds((ids) => (ids.includes(macro.id) ? ids : [...ids, macro.id]));
		if (result.comment) {
			setMode(result.comment.public ? 'reply' : 'note');
			setBody((b) => (b.trim() ? `${b.replace(/\s+$/, '')}\n\n${result.comment.body}` : result.comment.body));
		}
		if (result.ticket.status && SUBMIT_AS.includes(result.ticket.status))
			setMacroStatus(result.ticket.status);
		onMacro(result.ticket);
		setTimeout(() => area.current && area.current.focus(), 0);
	}
	useEffect(() => {
		if (body)
			localStorage.setItem(key, JSON.stringify({ mode, body }));
		else
			localStorage.removeItem(key);
	}, [body, mode]);

	const text = body.trim() !== '';
	const current = macroStatus || (SUBMIT_AS.includes(ticket.status) ? ticket.status : 'open');
	// a submit that would change nothing is not offered
	const can = (status) => !busy && (text || files.length > 0 || edited || status !== ticket.status);

	async function send(status) {
		if (!can(status))
			return;
		if (files.length && !text) { // files go with a comment
			setError(t('composer.files_need_text'));
			area.current.focus();
			return;
		}
		setBusy(true);
		setError('');
		try {
			let comment = null;
			if (text) {
				const uploads = [];
				for (const f of files)
					uploads.push((await upload(f)).token);
				comment = { body, public: mode === 'reply', uploads };
			}
			if (await onSubmit(status, comment, macroIds)) {
				setMacroStatus(null);
				setMacroIds([]);
				if (comment) {
					setBody('');
					setFiles([]);
					localStorage.removeItem(key);
				}
				toast(!comment ? t('ticket.saved') : mode === 'reply' ? t('composer.sent') : t('composer.noted'));
				onSent();
			}
		} catch (err) {
			setError(`${t('composer.failed')} ${err.message}`);
		} finally {
			setBusy(false);
		}
	}

	const add = (list) => setFiles((f) => [...f, ...list]);
	const drop = (e) => {
		e.preventDefault();
		setDragging(false);
		if (e.dataTransfer && e.dataTransfer.files.length)
			add([...e.dataTransfer.files]);
	};
	const over = (e) => {
		if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
			e.preventDefault();
			setDragging(true);
		}
	};

	return html`<form class=${`composer ${mode}${dragging ? ' dragging' : ''}`} data-test="composer" aria-label=${t('composer.title')}
		onSubmit=${(e) => { e.preventDefault(); send(current); }}
		onDragOver=${over} onDragLeave=${(e) => { if (!e.currentTarget.contains(e.relatedTarget)) setDragging(false); }} onDrop=${drop}>
		<div class="tabs" role="group" aria-label=${t('composer.kind')}>
			<button type="button" aria-pressed=${mode === 'reply'} onClick=${() => setMode('reply')} data-test="mode-reply">${t('composer.reply')} <kbd>r</kbd></button>
			<button type="button" aria-pressed=${mode === 'note'} onClick=${() => setMode('note')} data-test="mode-note">${t('composer.note')} <kbd>n</kbd></button>
			<button type="button" onClick=${() => setPicking(true)} data-test="macros-button">${t('macros.button')} <kbd>m</kbd></button>
			<button type="button" onClick=${() => setArticles(true)} data-test="kb-button">${t('kb.button')} <kbd>a</kbd></button>
			${dragging && html`<span class="hint">${t('composer.drop')}</span>`}
		</div>
		${picking && html`<${MacroPicker} ticketId=${ticket.id} onApply=${applied}
			onClose=${() => { setPicking(false); area.current && area.current.focus(); }} />`}
		${articles && html`<${KbPicker} ticketId=${ticket.id} reply=${mode === 'reply'} onInsert=${insertLink} onLinked=${onLinked}
			onClose=${() => { setArticles(false); area.current && area.current.focus(); }} />`}
		${error && html`<div class="banner error" role="alert" data-test="composer-error">${error}</div>`}
		<label class="sr-only" for="composer-body">${mode === 'reply' ? t('composer.reply') : t('composer.note')}</label>
		<textarea id="composer-body" ref=${area} value=${body} data-test="composer-body"
			placeholder=${mode === 'reply' ? t('composer.reply_hint') : t('composer.note_hint')}
			onInput=${input}
			onKeyDown=${(e) => {
				if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
					e.preventDefault();
					send(current);
				} else if (e.key === 'Escape') {
					e.target.blur();
				}
			}}></textarea>
		<div class="row">
			<label class="button attach"><input type="file" multiple class="sr-only" data-test="composer-files"
				onChange=${(e) => { add([...e.target.files]); e.target.value = ''; }} /><${Clip} />${t('composer.attach')}</label>
			${files.map((f, i) => html`<span class="file" data-test="composer-file">${f.name}
				<button type="button" class="link" aria-label=${t('composer.remove', { name: f.name })}
					onClick=${() => setFiles(files.filter((_, k) => k !== i))}>×</button></span>`)}
			<span class="spacer"></span>
			<label class="inline hint"><input type="checkbox" checked=${next} onChange=${(e) => onNext(e.target.checked)}
				data-test="after-next" />${t('submit.then_next')}</label>
			<${SubmitAs} handle=${menu} current=${current} can=${can} onChoose=${send} />
		</div>
	</form>`;
}

// A paper clip drawn here: not every system has an emoji font.
export const Clip = () => html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
	<path d="M10.5 4.5 5.8 9.2a1.3 1.3 0 0 0 1.8 1.8l5-5a2.6 2.6 0 0 0-3.7-3.7l-5 5a3.9 3.9 0 0 0 5.5 5.5l4.3-4.3"
		fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" /></svg>`;

// "Submit as Open ▾": the button submits with the ticket's status as it
// is; the menu submits with another (arrows move, Enter submits, Escape
// closes it). handle.show(status) opens it on that status; handle.key(e)
// takes Enter and Escape pressed before the menu had the focus (s, then
// Enter at once) and answers whether it did.
function SubmitAs({ handle, current, can, onChoose }) {
	const [open, setOpenState] = useState(null);
	const opened = useRef(null);
	const setOpen = (s) => {
		opened.current = s;
		setOpenState(s);
	};
	const box = useRef(null);
	const toggle = useRef(null);
	handle.current = {
		show: setOpen,
		key(e) {
			const s = opened.current;
			if (!s || (e.key !== 'Enter' && e.key !== 'Escape'))
				return false;
			if (e.key === 'Escape')
				close();
			else if (can(s))
				choose(s);
			return true;
		},
	};
	useEffect(() => {
		if (open)
			box.current.querySelector(`[data-status=${open}]`).focus();
	}, [open]);
	const close = () => {
		setOpen(null);
		toggle.current.focus();
	};
	function key(e) {
		const items = [...box.current.querySelectorAll('[role=menuitem]')];
		const at = items.indexOf(document.activeElement);
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
		} else if (e.key === 'Escape') {
			close();
		} else if (e.key === 'Tab') {
			setOpen(null);
			return;
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
	}
	const choose = (s) => {
		setOpen(null);
		onChoose(s);
	};
	return html`<div class="split">
		<button class="primary" type="submit" disabled=${!can(current)} data-test="submit" data-status=${current}>
			${t('submit.as', { status: t(`status.${current}`) })}</button>
		<button class="primary" type="button" ref=${toggle} aria-haspopup="menu" aria-expanded=${open ? 'true' : 'false'}
			aria-label=${t('submit.choose')} onClick=${() => setOpen(open ? null : current)} data-test="submit-menu">▾</button>
		${open && html`<div class="menu" role="menu" ref=${box} onKeyDown=${key} aria-label=${t('submit.choose')}
			onFocusOut=${(e) => { if (box.current && !box.current.contains(e.relatedTarget) && e.relatedTarget !== toggle.current) setOpen(null); }}>
			${SUBMIT_AS.map((s) => html`<button type="button" role="menuitem" data-status=${s} data-test="submit-as-${s}"
				aria-disabled=${can(s) ? undefined : 'true'} onClick=${() => can(s) && choose(s)}>
				${t('submit.as', { status: t(`status.${s}`) })}</button>`)}
		</div>`}
	</div>`;
}

// The ticket's properties. Changing one marks it edited: it goes with the
// next submit (or is discarded); the others show what the server has. An
// edited field someone else changed meanwhile (changed: after a refused
// submit) also says what it is now. onSave(change) saves a change at once
// (links.js's problem picker).
function Properties({ ticket, edits, onEdit, onDiscard, onSave, onTake, changed }) {
	const server = fields(ticket);
	const f = { ...server, ...edits };
	const now = (k) => k in edits && changed.includes(k) && html`<div class="hint" data-test="now">
		${t('ticket.now', { value: (k === 'tags' ? server.tags : valueText(k, ticket[k])) || '—' })}</div>`;
	const mark = (k) => k in edits && html` <span class="edited" data-test="edited">${t('ticket.edited')}</span>`;
	const set = (k) => (e) => onEdit(k, e.target.value);
	const sel = (id, label, k, options, empty, extra) => html`<div class=${`field${k in edits ? ' is-edited' : ''}`}>
		<div class="row"><label for=${id}>${label}${mark(k)}</label>${extra}</div>
		<select id=${id} value=${f[k]} onChange=${set(k)} data-test=${id}>
			${empty !== undefined && html`<option value="">${empty}</option>`}
			${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}</select>${now(k)}</div>`;
	const count = Object.keys(edits).length;
	const take = ticket.assignee_id !== state.me.id && html`<span class="spacer"></span>
		<button type="button" class="link" onClick=${onTake} data-test="take-it">${t('ticket.take')}</button>`;

	return html`<section class="panel" aria-labelledby="props-title" data-test="properties">
		<h2 id="props-title">${t('ticket.properties')}</h2>
		${count > 0 && html`<p class="hint edited-note" data-test="unsaved">${t('ticket.unsaved', { count })}${' '}
			<button type="button" class="link" onClick=${onDiscard} data-test="discard">${t('ticket.discard')}</button></p>`}
		${sel('prop-priority', t('ticket.priority'), 'priority', PRIORITIES.map((s) => [s, t(`priority.${s}`)]), '—')}
		${sel('prop-type', t('ticket.type'), 'type', TYPES.map((s) => [s, t(`type.${s}`)]), '—')}
		${f.type === 'incident' && html`<${ProblemPicker} ticket=${ticket} onSave=${onSave} />`}
		<${ComplaintControl} value=${f.complaint} edited=${'complaint' in edits} mark=${mark('complaint')}
			onEdit=${(v) => onEdit('complaint', v)} />
		${sel('prop-assignee', t('ticket.assignee'), 'assignee_id', state.agents.map((a) => [String(a.id), a.name]), t('ticket.unassigned'), take)}
		${sel('prop-group', t('ticket.group'), 'group_id', state.groups.map((g) => [String(g.id), g.name]), '—')}
		<div class=${`field${'tags' in edits ? ' is-edited' : ''}`}><label for="prop-tags">${t('ticket.tags')}${mark('tags')}</label>
			<input id="prop-tags" value=${f.tags} onInput=${set('tags')} data-test="prop-tags" />${now('tags')}</div>
		${f.custom_fields.map((c, i) => html`<div class=${`field${'custom_fields' in edits ? ' is-edited' : ''}`}>
			<label for="cf-${c.id}">${t('ticket.custom_field', { id: c.id })}</label>
			<input id="cf-${c.id}" value=${c.value} onInput=${(e) => {
				const custom = f.custom_fields.slice();
				custom[i] = { id: c.id, value: e.target.value };
				onEdit('custom_fields', custom);
			}} /></div>`)}
	</section>`;
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
			<dt>${t('contracts.coverage')}</dt><dd><${Coverage} user=${user} ticket=${ticket} /></dd>
			${user.tier_id && html`<dt>${t('customer.tier')}</dt><dd><${TierBadge} id=${user.tier_id} /></dd>`}
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
	if (field === 'type') return t(`type.${v}`);
	if (field === 'assignee_id' || field === 'requester_id') return userName(Number(v));
	if (field === 'group_id') return groupName(Number(v)) || v;
	if (field === 'complaint_reason_id') return reasonLabel(v);
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
