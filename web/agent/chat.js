// The chat console (/agent/chat): the queue of chats waiting for an agent,
// each with its wait ticking, and the chats this agent holds side by side,
// each a column with its conversation, the composer and the customer.
//
// Live through the workspace's event stream (live.js): an event only says
// what changed (a chat, a seq), so a column asks for the messages after the
// last seq it holds. Messages are kept by seq and the agent's own by their
// client id until the server has them: a message is never shown twice,
// whatever order the answer and the event come in, and a reconnect
// ("reset") loses nothing. Everything a visitor wrote is text: names,
// messages and file names are rendered as text nodes, never as HTML.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, post, put, upload } from '../shared/api.js';
import { t, formatDate, formatNumber, LOCALE_NAMES } from '../shared/i18n.js';
import { state, userName } from './data.js';
import { useLive } from './live.js';
import { MacroPicker } from './macros.js';
import { TierBadge } from './tiers.js';
import { getTimed, serverNow, useNow } from './slaclock.js';
import { CHATS, chatWho, over, refreshStatus, topicLabel, useChatStatus } from './chatnav.js';
import { Dialog, ErrorBanner, StatusBadge, toast } from './ui.js';
import { Clip } from './ticket.js';
import './chatwords.js';

export const BODY_MAX = 4000; // FL_CHAT_BODY_MAX, in characters
const TYPING_EVERY = 3000; // ms between "typing" signals while the agent types
const TYPING_IDLE = 4000; // ms without a key before "stopped typing"
const TYPING_FORGET = 8000; // the visitor's typing shown at most this long without news
const PAGE = 200; // messages an answer holds at most
const FILES_MAX = 10; // FL_CHAT_UPLOADS_MAX: files with one message

// A client id for a message: random, made before its first send, so that a
// send repeated after a lost answer is the same message to the server.
function clientId() {
	const a = new Uint8Array(12);
	crypto.getRandomValues(a);
	return `a-${Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// "4:05", "1:02:09": a wait as it ticks.
export function clock(seconds) {
	const s = Math.max(0, Math.floor(seconds));
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = String(s % 60).padStart(2, '0');
	return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

// A link only to our own attachments (the server gives their address, on
// this desk); anything else (javascript:, another site) is not made a link.
function ownUrl(u) {
	try {
		const url = new URL(u, location.origin);
		return url.origin === location.origin ? url.href : null;
	} catch {
		return null;
	}
}

// The language a chat is in, named in that language.
const language = (c) => (c.locale ? LOCALE_NAMES[c.locale] || c.locale : '');

function Tier({ chat }) {
	if (chat.tier && typeof chat.tier === 'object')
		return html`<span class="tag" data-test="chat-tier">${chat.tier.name}</span>`;
	if (chat.tier_id)
		return html`<${TierBadge} id=${chat.tier_id} testid="chat-tier" />`;
	return null;
}

// ---- the queue ----

function Queue({ chats, read, topics, me, onAccept }) {
	useNow(1000);
	if (!chats)
		return html`<p class="muted">${t('loading')}</p>`;
	if (!chats.length)
		return html`<p class="muted" data-test="chat-queue-empty">${t('chat.queue_empty')}</p>`;
	const waited = (c) => (c.wait_seconds ?? 0) + (serverNow() - read) / 1000;
	return html`<table class="list chat-queue" data-test="chat-queue">
		<thead><tr><th>${t('chat.who')}</th><th>${t('chat.topic')}</th><th>${t('chat.language')}</th>
			<th>${t('chat.tier')}</th><th>${t('chat.waiting')}</th><th><span class="sr-only">${t('chat.accept')}</span></th></tr></thead>
		<tbody>${chats.map((c) => html`<tr key=${c.id} data-test="chat-queued" data-chat=${c.id}
			class=${c.offered_to === me ? 'offered' : ''}>
			<td data-test="chat-queued-who">${chatWho(c)}${c.offered_to === me && html` <span class="tag">${t('chat.offered_to_you')}</span>`}</td>
			<td>${topicLabel(topics, c.topic)}</td><td>${language(c)}</td><td><${Tier} chat=${c} /></td>
			<td class="chat-wait" data-test="chat-wait"><time>${clock(waited(c))}</time></td>
			<td><button type="button" class="primary" onClick=${() => onAccept(c)} data-test="chat-accept">${t('chat.accept')}</button></td>
		</tr>`)}</tbody></table>`;
}

// ---- one chat ----

// The customer beside the conversation (GET /api/v2/chats/{id}'s context):
// who they are, their tier and contracts, their recent tickets.
function Context({ chat, context }) {
	const c = context || {};
	const who = c.requester || c.user || {};
	const email = who.email || chat.email;
	const verified = who.email_verified ?? who.verified ?? chat.email_verified;
	const tickets = c.tickets || c.recent_tickets || [];
	const contracts = c.contracts || [];
	const tier = c.tier && typeof c.tier === 'object' ? c.tier.name : null;
	return html`<details class="chat-context" data-test="chat-context">
		<summary>${t('chat.customer')}</summary>
		<dl class="props">
			<dt>${t('chat.name')}</dt><dd data-test="chat-context-name">${who.name || chatWho(chat)}</dd>
			<dt>${t('customer.email')}</dt><dd>${email ? html`<span data-test="chat-context-email">${email}</span>
				${!verified && html` <span class="tag warn" data-test="chat-unverified" title=${t('chat.unverified_hint')}>${t('chat.unverified')}</span>`}` : '—'}</dd>
			<dt>${t('chat.tier')}</dt><dd>${tier ? html`<span class="tag" data-test="chat-tier">${tier}</span>`
				: c.tier_id || chat.tier_id ? html`<${TierBadge} id=${c.tier_id || chat.tier_id} testid="chat-tier" />` : '—'}</dd>
			<dt>${t('chat.language')}</dt><dd>${language(chat) || '—'}</dd>
		</dl>
		<h3>${t('chat.contracts')}</h3>
		${contracts.length ? html`<ul class="plain" data-test="chat-contracts">${contracts.map((k) => html`<li key=${k.id}>
			${[k.product, k.level].filter(Boolean).join(' · ') || `#${k.id}`}
			${k.end_date && html` <span class="muted">${t('chat.until', { date: formatDate(`${k.end_date}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' }) })}</span>`}</li>`)}</ul>`
			: html`<p class="muted">${t('chat.none')}</p>`}
		<h3>${t('chat.tickets')}</h3>
		${tickets.length ? html`<ul class="plain" data-test="chat-tickets">${tickets.map((k) => html`<li key=${k.id}>
			<a href="/agent/tickets/${k.id}">#${k.id}</a> ${k.subject || ''} ${k.status && html`<${StatusBadge} status=${k.status} />`}</li>`)}</ul>`
			: html`<p class="muted">${t('chat.none')}</p>`}
	</details>`;
}

function Message({ m, seen }) {
	const files = (m.attachments || []).map((a) => ({ ...a, href: ownUrl(a.url || a.content_url) }));
	return html`<li class="chat-msg ${m.author}${m.pending ? ' pending' : ''}${m.failed ? ' failed' : ''}" data-test="chat-msg"
		data-seq=${m.seq || ''} data-author=${m.author}>
		${m.author !== 'system' && html`<span class="who">${m.author_name || (m.author === 'agent' ? t('chat.you') : t('chat.visitor'))}</span>`}
		<div class="body" data-test="chat-msg-body">${m.body}</div>
		${files.length > 0 && html`<div class="attachments">${files.map((a) => (a.href
			? html`<a href=${a.href} target="_blank" rel="noopener noreferrer" data-test="chat-attachment">${a.name}</a>`
			: html`<span data-test="chat-attachment">${a.name}</span>`))}</div>`}
		<span class="meta">${m.created_at && html`<time datetime=${m.created_at}>${formatDate(m.created_at, { timeStyle: 'short' })}</time>`}
			${m.pending && !m.failed && html` · ${t('chat.sending')}`}
			${seen && html` · <span data-test="chat-seen">${t('chat.seen')}</span>`}</span>
	</li>`;
}

function TransferDialog({ chat, onClose, onDone }) {
	const me = state.me.id;
	const [to, setTo] = useState('');
	const [note, setNote] = useState('');
	const [error, setError] = useState(null);
	async function go(e) {
		e.preventDefault();
		if (!to)
			return;
		const [kind, id] = to.split(':');
		try {
			await post(`${CHATS}/${chat.id}/transfer`, { [kind === 'g' ? 'group_id' : 'agent_id']: Number(id), note });
			onDone(kind === 'g' ? t('chat.transferred_group') : t('chat.transferred_to', { name: userName(Number(id)) }));
		} catch (err) {
			setError(err);
		}
	}
	return html`<${Dialog} title=${t('chat.transfer_title')} onClose=${onClose}>
		<form onSubmit=${go} data-test="chat-transfer-form">
			<${ErrorBanner} error=${error} />
			<label for="transfer-to-${chat.id}">${t('chat.transfer_to')}</label>
			<select id="transfer-to-${chat.id}" value=${to} required onChange=${(e) => setTo(e.target.value)} data-test="chat-transfer-to">
				<option value="">${t('chat.transfer_pick')}</option>
				<optgroup label=${t('chat.agents')}>${state.agents.filter((a) => a.id !== me).map((a) => html`<option value="a:${a.id}">${a.name}</option>`)}</optgroup>
				<optgroup label=${t('chat.groups')}>${state.groups.map((g) => html`<option value="g:${g.id}">${g.name}</option>`)}</optgroup>
			</select>
			<label for="transfer-note-${chat.id}">${t('chat.transfer_note')}</label>
			<textarea id="transfer-note-${chat.id}" value=${note} maxlength="1000" onInput=${(e) => setNote(e.target.value)}
				aria-describedby="transfer-note-hint-${chat.id}" data-test="chat-transfer-note"></textarea>
			<p id="transfer-note-hint-${chat.id}" class="hint">${t('chat.transfer_note_hint')}</p>
			<div class="row"><button type="submit" class="primary" disabled=${!to} data-test="chat-transfer-go">${t('chat.transfer')}</button>
				<button type="button" onClick=${onClose}>${t('org.cancel')}</button></div>
		</form></${Dialog}>`;
}

function EndDialog({ chat, onClose, onDone }) {
	const [solve, setSolve] = useState(true);
	const [error, setError] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			const r = await post(`${CHATS}/${chat.id}/end`, { solve });
			onDone(r && r.chat);
		} catch (err) {
			setError(err);
		}
	}
	return html`<${Dialog} title=${t('chat.end_title')} onClose=${onClose}>
		<form onSubmit=${go} data-test="chat-end-form">
			<${ErrorBanner} error=${error} />
			<label class="inline"><input type="checkbox" checked=${solve} onChange=${(e) => setSolve(e.target.checked)}
				data-test="chat-end-solve" /> ${t('chat.end_solve')}</label>
			<p class="hint">${t('chat.end_hint')}</p>
			<div class="row"><button type="submit" class="primary" data-test="chat-end-go">${t('chat.end')}</button>
				<button type="button" onClick=${onClose}>${t('org.cancel')}</button></div>
		</form></${Dialog}>`;
}

// The composer: Enter sends, Shift+Enter a new line; while the agent types
// the visitor is told so, at most every TYPING_EVERY, and told they stopped
// after TYPING_IDLE without a key; a canned reply (a macro) puts its text in.
// Files chosen (or dropped) go with the next message, alone or with text,
// uploaded as the ticket page's composer uploads them.
function Composer({ chat, onSend }) {
	const [body, setBody] = useState('');
	const [files, setFiles] = useState([]);
	const [dragging, setDragging] = useState(false);
	const [picking, setPicking] = useState(false);
	const area = useRef(null);
	const typing = useRef({ sent: 0, timer: 0 });
	const signal = (on) => post(`${CHATS}/${chat.id}/typing`, { typing: on }).catch(() => {});
	useEffect(() => () => clearTimeout(typing.current.timer), []);
	function typed(text) {
		setBody(text);
		const tp = typing.current;
		const now = Date.now();
		if (text && now - tp.sent > TYPING_EVERY) {
			tp.sent = now;
			signal(true);
		}
		clearTimeout(tp.timer);
		tp.timer = setTimeout(() => {
			if (tp.sent) {
				tp.sent = 0;
				signal(false);
			}
		}, TYPING_IDLE);
	}
	function send() {
		const text = body.trim();
		if ((!text && !files.length) || [...text].length > BODY_MAX)
			return;
		clearTimeout(typing.current.timer);
		typing.current.sent = 0;
		setBody('');
		setFiles([]);
		onSend(text, files);
	}
	const add = (list) => {
		const all = [...files, ...list];
		if (all.length > FILES_MAX)
			toast(t('chat.files_max', { max: FILES_MAX }), 'error');
		setFiles(all.slice(0, FILES_MAX));
	};
	const drop = (e) => {
		e.preventDefault();
		setDragging(false);
		if (e.dataTransfer && e.dataTransfer.files.length)
			add([...e.dataTransfer.files]);
	};
	const dragOver = (e) => {
		if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
			e.preventDefault();
			setDragging(true);
		}
	};
	function applied(result) {
		setPicking(false);
		const text = result && result.comment && result.comment.body;
		if (!text) {
			toast(t('chat.macro_empty'), 'error');
			return;
		}
		typed(body.trim() ? `${body.replace(/\s+$/, '')}\n${text}` : text);
		setTimeout(() => area.current && area.current.focus(), 0);
	}
	const over = [...body].length > BODY_MAX;
	return html`<form class=${`chat-composer${dragging ? ' dragging' : ''}`} onSubmit=${(e) => { e.preventDefault(); send(); }} data-test="chat-composer"
		onDragOver=${dragOver} onDragLeave=${(e) => { if (!e.currentTarget.contains(e.relatedTarget)) setDragging(false); }} onDrop=${drop}>
		<label class="sr-only" for="chat-body-${chat.id}">${t('chat.message_to', { name: chatWho(chat) })}</label>
		<textarea id="chat-body-${chat.id}" ref=${area} value=${body} rows="3" placeholder=${t('chat.placeholder')}
			aria-invalid=${over ? 'true' : undefined} aria-describedby=${over ? `chat-over-${chat.id}` : undefined}
			onInput=${(e) => typed(e.target.value)} data-test="chat-input"
			onKeyDown=${(e) => {
				if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
					e.preventDefault();
					send();
				}
			}}></textarea>
		${over && html`<p id="chat-over-${chat.id}" class="error" role="alert">${t('chat.too_long', { max: formatNumber(BODY_MAX) })}</p>`}
		<div class="row">
			<button type="button" onClick=${() => setPicking(true)} data-test="chat-macros">${t('chat.canned')}</button>
			<label class="button attach"><input type="file" multiple class="sr-only" data-test="chat-files"
				onChange=${(e) => { add([...e.target.files]); e.target.value = ''; }} /><${Clip} />${t('composer.attach')}</label>
			${files.map((f, i) => html`<span class="file" data-test="chat-file">${f.name}
				<button type="button" class="link" aria-label=${t('composer.remove', { name: f.name })}
					onClick=${() => setFiles(files.filter((_, k) => k !== i))}>×</button></span>`)}
			<span class="spacer"></span>
			<button type="submit" class="primary" disabled=${(!body.trim() && !files.length) || over} data-test="chat-send">${t('chat.send')}</button>
		</div>
		${picking && html`<${MacroPicker} ticketId=${chat.ticket_id} onApply=${applied} onClose=${() => setPicking(false)} />`}
	</form>`;
}

// One chat this agent holds (or held: an ended chat stays until closed).
function ChatPane({ first, topics, onGone }) {
	const me = state.me.id;
	const id = first.id;
	const [chat, setChat] = useState(first);
	const [context, setContext] = useState(null);
	const [messages, setMessages] = useState([]); // by seq, from the server
	const [pending, setPending] = useState([]); // the agent's, not yet acknowledged
	const [visitorTyping, setVisitorTyping] = useState(false);
	const [dialog, setDialog] = useState(null);
	const [error, setError] = useState(null);
	const held = useRef({ last: 0, busy: false, again: false, read: 0, alive: true });
	const typingTimer = useRef(0);
	const list = useRef(null);

	// fresh: messages from the server; fetched: they are every one after
	// the last seq held (a fetch's answer), so that seq moves on — a send's
	// answer does not move it, or a message between would never be fetched.
	function merge(fresh, fetched) {
		if (!fresh.length)
			return;
		const h = held.current;
		if (fetched)
			h.last = Math.max(h.last, ...fresh.map((m) => m.seq));
		setMessages((old) => {
			const bySeq = new Map(old.map((m) => [m.seq, m]));
			for (const m of fresh)
				bySeq.set(m.seq, m);
			return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
		});
		const ids = new Set(fresh.map((m) => m.client_id).filter(Boolean));
		setPending((p) => p.filter((m) => !ids.has(m.client_id)));
		if (fresh.some((m) => m.author === 'visitor'))
			setVisitorTyping(false);
	}

	// The messages after the last seq held, one request at a time; an event
	// that comes meanwhile asks for one more round.
	async function fetchAfter() {
		const h = held.current;
		if (h.busy) {
			h.again = true;
			return;
		}
		h.busy = true;
		try {
			for (;;) {
				h.again = false;
				const r = await get(`${CHATS}/${id}/messages?after=${h.last}`);
				if (!h.alive)
					return;
				const got = r.messages || [];
				merge(got, true);
				if (got.length < PAGE && !h.again)
					break;
			}
			setError(null);
		} catch (e) {
			setError(e);
		} finally {
			h.busy = false;
		}
	}

	async function loadChat() {
		try {
			const r = await get(`${CHATS}/${id}`);
			if (!held.current.alive)
				return;
			setChat((c) => over(c, r.chat));
			setContext(r.context || (r.chat && r.chat.context) || null);
		} catch (e) {
			setError(e);
		}
	}

	useEffect(() => {
		loadChat();
		fetchAfter();
		return () => {
			held.current.alive = false;
			clearTimeout(typingTimer.current);
		};
	}, []);

	useLive((kind, d) => {
		if (kind === 'reset') {
			loadChat();
			fetchAfter();
			return;
		}
		if (d.chat_id !== id)
			return;
		if (kind === 'chat.message') {
			if (d.seq > held.current.last)
				fetchAfter();
		} else if (kind === 'chat.typing' && d.author === 'visitor') {
			setVisitorTyping(!!d.typing);
			clearTimeout(typingTimer.current);
			if (d.typing)
				typingTimer.current = setTimeout(() => setVisitorTyping(false), TYPING_FORGET);
		} else if (kind === 'chat.read' && d.author === 'visitor') {
			setChat((c) => ({ ...c, visitor_read_seq: Math.max(c.visitor_read_seq || 0, d.seq) }));
		} else if (kind === 'chat.updated') {
			if (d.state === 'active' && d.agent_id && d.agent_id !== me) {
				onGone(id, t('chat.now_with', { name: userName(d.agent_id) }));
				return;
			}
			setChat((c) => ({ ...c, state: d.state || c.state }));
			loadChat();
			fetchAfter();
		}
	}, [id]);

	// What the agent has seen: read up to the last message, told to the
	// visitor once per new message, while this window is looked at.
	useEffect(() => {
		const h = held.current;
		const last = messages.length ? messages[messages.length - 1] : null;
		const tell = () => {
			if (last && last.seq > h.read && last.author !== 'agent' && document.visibilityState === 'visible') {
				h.read = last.seq;
				post(`${CHATS}/${id}/read`, { seq: last.seq }).catch(() => {});
			}
		};
		tell();
		document.addEventListener('visibilitychange', tell);
		return () => document.removeEventListener('visibilitychange', tell);
	}, [messages]);

	// the newest in sight
	useEffect(() => {
		const el = list.current;
		if (el)
			el.scrollTop = el.scrollHeight;
	}, [messages.length, pending.length, visitorTyping]);

	// files: File objects, uploaded before the message goes; their tokens
	// are kept with it, so that a retry sends the same files, not again.
	async function send(body, files, again) {
		const m = again || { client_id: clientId(), body, author: 'agent', pending: true, created_at: new Date().toISOString(),
			files: files || [], uploads: null, attachments: (files || []).map((f) => ({ name: f.name })) };
		setPending((p) => (again ? p.map((x) => (x.client_id === m.client_id ? { ...x, failed: false } : x)) : [...p, m]));
		try {
			if (!m.uploads) {
				const tokens = [];
				for (const f of m.files)
					tokens.push((await upload(f)).token);
				m.uploads = tokens;
			}
			const r = await post(`${CHATS}/${id}/messages`, { client_id: m.client_id, body: m.body, uploads: m.uploads });
			if (r && r.message)
				merge([r.message]);
			else
				fetchAfter();
		} catch (e) {
			// kept with its client id: a retry cannot make it twice
			setPending((p) => p.map((x) => (x.client_id === m.client_id ? { ...x, failed: true, error: e.message } : x)));
		}
	}

	const live = chat.state === 'active' || chat.state === 'queued' || chat.state === undefined;
	const lastMine = [...messages].reverse().find((m) => m.author === 'agent');
	const seenSeq = chat.visitor_read_seq || 0;
	return html`<section class="chat-pane" aria-labelledby="chat-title-${id}" data-test="chat-pane" data-chat=${id} data-state=${chat.state || ''}>
		<header class="chat-head">
			<h2 id="chat-title-${id}" data-test="chat-title">${chatWho(chat)}</h2>
			<div class="row muted">
				${chat.topic && html`<span class="tag" data-test="chat-topic">${topicLabel(topics, chat.topic)}</span>`}
				${language(chat) && html`<span>${language(chat)}</span>`}
				<${Tier} chat=${chat} />
				${!live && html`<span class="tag" data-test="chat-ended">${t(`chat.state.${chat.state}`)}</span>`}
			</div>
			<div class="row">
				<a class="button" href="/agent/tickets/${chat.ticket_id}" data-test="chat-open-ticket">${t('chat.open_ticket')}</a>
				${live && html`<button type="button" onClick=${() => setDialog('transfer')} data-test="chat-transfer">${t('chat.transfer')}</button>
					<button type="button" class="danger" onClick=${() => setDialog('end')} data-test="chat-end">${t('chat.end')}</button>`}
				${!live && html`<button type="button" onClick=${() => onGone(id)} data-test="chat-close">${t('close')}</button>`}
			</div>
		</header>
		<${ErrorBanner} error=${error} />
		<${Context} chat=${chat} context=${context} />
		<ol class="chat-log" ref=${list} aria-live="polite" aria-label=${t('chat.conversation')} data-test="chat-log">
			${messages.map((m) => html`<${Message} key=${`s${m.seq}`} m=${m} seen=${m === lastMine && m.seq <= seenSeq} />`)}
			${pending.map((m) => html`<${Message} key=${`c${m.client_id}`} m=${m} />`)}
		</ol>
		${pending.filter((m) => m.failed).map((m) => html`<div class="banner error" role="alert" key=${m.client_id} data-test="chat-send-failed">
			${t('chat.not_sent')} ${m.error}
			<button type="button" onClick=${() => send(m.body, m.files, m)} data-test="chat-retry">${t('lazy.retry')}</button></div>`)}
		<p class="chat-typing muted" aria-live="polite" data-test="chat-typing">${visitorTyping && live ? t('chat.typing', { name: chatWho(chat) }) : ''}</p>
		${live ? html`<${Composer} chat=${chat} onSend=${(b, files) => send(b, files)} />` : html`<p class="hint" data-test="chat-follow-up">${t('chat.follow_up')}</p>`}
		${dialog === 'transfer' && html`<${TransferDialog} chat=${chat} onClose=${() => setDialog(null)}
			onDone=${(text) => { setDialog(null); onGone(id, text); }} />`}
		${dialog === 'end' && html`<${EndDialog} chat=${chat} onClose=${() => setDialog(null)}
			onDone=${(c) => { setDialog(null); setChat((x) => ({ ...over(x, c), state: (c && c.state) || 'ended' })); toast(t('chat.ended')); }} />`}
	</section>`;
}

// ---- the console ----

// The agent's chat capacity, which they may change for themselves.
function Capacity({ status }) {
	const [editing, setEditing] = useState(false);
	const [value, setValue] = useState('');
	async function save(e) {
		e.preventDefault();
		try {
			await put(`/api/v2/chat/agents/${state.me.id}`, { capacity: Number(value) });
			setEditing(false);
			refreshStatus();
			toast(t('ticket.saved'));
		} catch (err) {
			toast(err.message, 'error');
		}
	}
	if (editing)
		return html`<form class="row" onSubmit=${save}><label class="inline" for="my-capacity">${t('chat.capacity')}</label>
			<input id="my-capacity" type="number" min="0" max="20" value=${value} style="width:4.5em" onInput=${(e) => setValue(e.target.value)} />
			<button type="submit">${t('save')}</button><button type="button" onClick=${() => setEditing(false)}>${t('org.cancel')}</button></form>`;
	return html`<span data-test="chat-my-load">${t('chat.my_load', { active: formatNumber(status.active), capacity: formatNumber(status.capacity) })}</span>
		<button type="button" class="link" onClick=${() => { setValue(String(status.capacity)); setEditing(true); }}
			data-test="chat-capacity-edit">${t('chat.capacity_change')}</button>`;
}

export function ChatConsole() {
	const me = state.me.id;
	const status = useChatStatus();
	const [queue, setQueue] = useState(null);
	const [read, setRead] = useState(0); // serverNow() when the queue was read
	const [open, setOpen] = useState([]); // the chats shown as columns
	const [topics, setTopics] = useState([]);
	const [error, setError] = useState(null);
	const timer = useRef(0);

	async function loadQueue() {
		try {
			const r = await getTimed(`${CHATS}?state=queued&per_page=100`);
			setRead(serverNow());
			setQueue((r.chats || []).sort((a, b) => (b.wait_seconds ?? 0) - (a.wait_seconds ?? 0)));
			setError(null);
		} catch (e) {
			setError(e);
		}
	}
	async function loadMine() {
		try {
			const asked = Date.now();
			const r = await get(`${CHATS}?state=active&agent_id=${me}&per_page=100`);
			const mine = (r.chats || []).filter((c) => !c.agent_id || c.agent_id === me);
			// ended ones stay until the agent closes them, and so do chats
			// taken while the list was on its way (it may have been read before)
			setOpen((was) => [...was.filter((c) => !mine.some((m) => m.id === c.id) &&
				(c.state !== 'active' || c.takenAt >= asked)), ...mine].sort((a, b) => a.id - b.id));
		} catch (e) {
			setError(e);
		}
	}
	useEffect(() => {
		loadQueue();
		loadMine();
		get('/api/v2/chat/settings').then((r) => setTopics((r.settings || r).topics || []), () => {});
		return () => clearTimeout(timer.current);
	}, []);
	useLive((kind, d) => {
		if (kind === 'reset') {
			loadQueue();
			loadMine();
		}
		if (kind === 'chat.queued' || kind === 'chat.updated' || kind === 'chat.offered') {
			clearTimeout(timer.current);
			timer.current = setTimeout(loadQueue, 250);
		}
		// taken by this agent (elsewhere, or given to them): a column, with
		// what the queue knew of it until the chat itself is read
		if (kind === 'chat.updated' && d.state === 'active' && d.agent_id === me && !open.some((c) => c.id === d.chat_id)) {
			const known = over((queue || []).find((c) => c.id === d.chat_id) || {}, d.chat);
			setOpen((was) => (was.some((c) => c.id === d.chat_id) ? was
				: [...was, { ...known, id: d.chat_id, state: 'active', takenAt: Date.now() }]));
		}
	}, [open, queue]);

	async function accept(c) {
		try {
			const r = await post(`${CHATS}/${c.id}/accept`, {});
			setOpen((was) => (was.some((x) => x.id === c.id) ? was
				: [...was, { ...over(c, r && r.chat), state: 'active', takenAt: Date.now() }]));
			setQueue((q) => (q || []).filter((x) => x.id !== c.id));
		} catch (e) {
			toast(e.message, 'error');
			loadQueue();
		}
	}
	function gone(id, text) {
		setOpen((was) => was.filter((c) => c.id !== id));
		if (text)
			toast(text);
	}

	return html`<section class="chat-console" aria-labelledby="chat-console-title" data-test="chat-console">
		<div class="row chat-top">
			<h1 id="chat-console-title">${t('chat.title')}</h1>
			<span class="spacer"></span>
			${status && html`<span data-test="chat-online">${t('chat.online', { count: status.online })}</span>
				<${Capacity} status=${status} />`}
		</div>
		<${ErrorBanner} error=${error} />
		<h2>${t('chat.queue')} ${queue && html`<span class="muted" data-test="chat-queue-n">(${formatNumber(queue.length)})</span>`}</h2>
		<${Queue} chats=${queue} read=${read} topics=${topics} me=${me} onAccept=${accept} />
		<h2>${t('chat.mine')}</h2>
		${open.length === 0 && html`<p class="muted" data-test="chat-none-open">${t('chat.none_open')}</p>`}
		<div class="chat-panes">${open.map((c) => html`<${ChatPane} key=${c.id} first=${c} topics=${topics} onGone=${gone} />`)}</div>
	</section>`;
}
