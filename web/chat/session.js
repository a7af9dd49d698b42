// The visitor's side of a chat, without any UI: the visitor token, the
// chat, its messages, the outbox, the live stream. The frame's components
// render `state` and call the actions; `listen` tells them when it changed.
//
// Nothing typed is lost and nothing is sent twice: every message gets a
// client id before its first send and waits in an outbox kept in
// localStorage until the server acknowledges it (201, or 200 for a client
// id it already holds); a failed send (network down, 5xx, 429) is retried,
// in order, after a pause, when the browser is back online, and whenever
// the stream reconnects. Messages from the server are only ever fetched
// "after the last seq held" (the stream's events say what changed, not what
// it is), so a reconnect fetches exactly what was missed.

const TOKEN = 'fl.chat.token';
// One key per message waiting, not one list: two tabs of one visitor each
// write and remove only their own messages' keys, so neither writes the
// other's unsent message away. (OUTBOX is the old single list, moved.)
const OUT = 'fl.chat.out.';
const OUTBOX = 'fl.chat.outbox';
const STATES = ['queued', 'active', 'ended', 'missed', 'offline'];
export const BODY_MAX = 4000; // FL_CHAT_BODY_MAX, in characters
const TYPING_EVERY = 3000; // a "typing" at most this often while keys come
const TYPING_IDLE = 4000; // quiet this long: "stopped typing"
const AGENT_TYPING_FOR = 8000; // an agent's "typing" lapses if not repeated
const RETRY_MAX = 5000;

// Where the token and the outbox live: the frame's own localStorage when
// the browser lets a third-party frame have one (partitioned by the host
// site). Browsers that refuse it outright (Chrome's incognito, Brave) get
// the host page's instead, through widget.js: the frame sends it each
// change (and the whole little store, for a widget.js of before), and
// widget.js hands it back when the frame loads (useHostStorage). Scripts
// of the host page can then read the visitor token; they could read the
// chat on screen anyway. Neither at all: the chat lasts as long as the page.
let own = true;
try {
	localStorage.setItem('fl.chat.probe', '1');
	localStorage.removeItem('fl.chat.probe');
} catch {
	own = false;
}
export const ownStorage = own;
const memory = {};
let relay = null;
// What the host page hands back is whatever that page (any site may frame
// us) chose to send: only our keys, as text, are taken, and the items
// waiting are rebuilt field by field when read (loadOutbox).
const TOKEN_TEXT = /^[0-9A-Za-z._-]{1,256}$/;
export function useHostStorage(data, save) {
	for (const [k, v] of Object.entries(data && typeof data === 'object' ? data : {}))
		if (typeof v === 'string' && (k === TOKEN ? TOKEN_TEXT.test(v) : k.startsWith(OUT) || k === OUTBOX))
			memory[k] = v;
	relay = save;
}
const store = {
	get(k) {
		return own ? localStorage.getItem(k) : memory[k] ?? null;
	},
	set(k, v) {
		if (own)
			return localStorage.setItem(k, v);
		memory[k] = v;
		relay?.({ ...memory }, { [k]: v });
	},
	remove(k) {
		if (own)
			return localStorage.removeItem(k);
		delete memory[k];
		relay?.({ ...memory }, { [k]: null });
	},
	keys() {
		return own ? Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)) : Object.keys(memory);
	},
};

export class ApiError extends Error {
	constructor(status, body, retryAfter) {
		super((body && (body.description || body.error)) || `HTTP ${status}`);
		this.status = status;
		this.body = body || {};
		this.retryAfter = retryAfter;
	}

	// the fields a 422 names: {field: reason}
	get fields() {
		return this.body.details || {};
	}
}

// Worth trying again: no answer at all, the server busy or asking us to slow down.
const transient = (err) => !(err instanceof ApiError) || err.status >= 500 ||
	err.status === 429 || err.status === 408;

// Bidirectional overrides in a name would turn the text around it (see shared/api.js).
const OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;
const clean = (s) => String(s ?? '').replace(OVERRIDES, '');

async function call(method, path, body, type) {
	const headers = { Accept: 'application/json' };
	const token = store.get(TOKEN);
	if (token)
		headers['X-Chat-Token'] = token;
	let payload;
	if (body instanceof Blob) {
		payload = body;
		headers['Content-Type'] = type || 'application/octet-stream';
	} else if (body !== undefined) {
		payload = JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
	}
	const r = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
	let data = null;
	if (r.status !== 204)
		data = await r.json().catch(() => null);
	if (!r.ok) {
		if (r.status === 401 && token)
			store.remove(TOKEN); // forged or expired: the next call makes a new visitor
		throw new ApiError(r.status, data, Number(r.headers.get('Retry-After')) || 0);
	}
	return data;
}

export const newClientId = () => (crypto.randomUUID ? crypto.randomUUID()
	: Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));

export const state = {
	view: 'loading', // loading, prechat, offline, chat, ended, sent, error
	config: null,
	chat: null,
	messages: [], // the server's, by seq
	outbox: [], // {client_id, chat_id, body, uploads, files, at}: not yet acknowledged
	failed: [], // refused for good: {…outbox item, error}
	agentTyping: false,
	notice: '', // 'offline' | 'slow' while sends wait
	visible: false, // the launcher opened us
	ticketId: 0, // an offline message's ticket
	draft: null, // what the pre-chat form had when the schedule closed
	rated: '',
};

const listeners = new Set();
export function listen(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}
let queued = false;
function changed() {
	if (queued)
		return;
	queued = true;
	queueMicrotask(() => {
		queued = false;
		for (const fn of listeners)
			fn(state);
	});
}

export const stateName = (c) => (typeof c?.state === 'number' ? STATES[c.state] : c?.state) || 'queued';
const isOpen = (c) => c && ['queued', 'active'].includes(stateName(c));

// a picture's preview is this page's blob: URL, gone with the page
function keep(item) {
	store.set(OUT + item.client_id, JSON.stringify({ ...item,
		files: item.files.map(({ preview, ...f }) => f) }));
}

const drop = (item) => store.remove(OUT + item.client_id);

function parse(text) {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

const byTime = (a, b) => String(a.at).localeCompare(String(b.at));

const text = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');

// A stored item as this page wrote it, or null: the known fields of the
// known types only. Storage may be the host page's, so nothing else of it
// is kept; above all no address (a file's url or preview) that a link or
// an image would be made of.
function sane(i) {
	if (!i || typeof i !== 'object' || !Number.isSafeInteger(i.chat_id) || i.chat_id <= 0 ||
	    typeof i.client_id !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(i.client_id))
		return null;
	const list = (v) => (Array.isArray(v) ? v.slice(0, 10) : []);
	return {
		client_id: i.client_id,
		chat_id: i.chat_id,
		body: text(i.body, BODY_MAX * 2),
		uploads: list(i.uploads).filter((u) => typeof u === 'string' && u.length <= 512),
		files: list(i.files).filter((f) => f && typeof f === 'object').map((f) => ({
			name: clean(text(f.name, 255)),
			type: /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/.test(f.type) ? f.type : '',
			size: Number.isSafeInteger(f.size) && f.size >= 0 ? f.size : 0,
		})),
		at: Number.isNaN(Date.parse(i.at)) ? new Date().toISOString() : new Date(i.at).toISOString(),
	};
}

/** Every message waiting in storage, this tab's and other tabs', oldest first. */
function loadOutbox() {
	const old = parse(store.get(OUTBOX));
	if (old !== null) {
		for (const i of Array.isArray(old) ? old.map(sane) : [])
			if (i)
				keep(i);
		store.remove(OUTBOX);
	}
	const items = [];
	for (const k of store.keys().filter((key) => key.startsWith(OUT))) {
		const i = sane(parse(store.get(k)));
		if (i && k === OUT + i.client_id)
			items.push(i);
		else
			store.remove(k); // not ours: it would never be sent nor removed
	}
	return items.sort(byTime);
}

// Another tab's messages for this chat that wait in storage (that tab
// closed, say, before it could send them) are sent from here too: the
// server keeps one message per client id, so both tabs may send one.
function adopt() {
	if (!state.chat)
		return;
	const have = new Set([...state.outbox, ...state.messages].map((i) => i.client_id));
	const more = loadOutbox().filter((i) => i.chat_id === state.chat.id && !have.has(i.client_id));
	if (more.length)
		state.outbox = [...state.outbox, ...more].sort(byTime);
}

async function ensureVisitor() {
	if (store.get(TOKEN))
		return;
	const r = await call('POST', '/chat/api/visitors', { locale: document.documentElement.lang });
	store.set(TOKEN, r.token);
}

// ---- the messages held, and fetching what is missing ----

// Only the shown chat's: an answer about a chat left behind (a fetch or a
// send still under way when "New chat" was pressed) must not fill the new one.
function addMessages(list) {
	let added = false;
	for (const m of list || []) {
		if (!m || m.chat_id !== state.chat?.id || state.messages.some((x) => x.seq === m.seq))
			continue;
		state.messages.push({ ...m, author_name: clean(m.author_name),
			attachments: (m.attachments || []).map((a) => ({ ...a, name: clean(a.name) })) });
		added = true;
	}
	if (added) {
		state.messages.sort((a, b) => a.seq - b.seq);
		if (list.some((m) => m.author === 'agent'))
			state.agentTyping = false;
		changed();
		markRead();
	}
}

// What has been fetched, per chat: a new chat starts from nothing, and a
// fetch of the old one still under way neither blocks the new chat's nor
// moves its seq on.
let feed = { chatId: 0, seq: 0, busy: null, again: false };
async function fetchNew() {
	const chat = state.chat;
	if (!chat)
		return undefined;
	if (feed.chatId !== chat.id)
		feed = { chatId: chat.id, seq: 0, busy: null, again: false };
	const f = feed; // every message of the chat up to f.seq is held
	if (f.busy) {
		f.again = true;
		return f.busy;
	}
	const current = () => state.chat?.id === chat.id && feed === f;
	f.busy = (async () => {
		do {
			f.again = false;
			for (;;) {
				const r = await call('GET', `/chat/api/chats/${chat.id}/messages?after=${f.seq}`);
				if (!current())
					return;
				const got = r.messages || [];
				addMessages(got);
				if (!got.length)
					break;
				f.seq = Math.max(f.seq, ...got.map((m) => m.seq));
				if (got.length < 200)
					break;
			}
		} while (f.again && current());
	})();
	try {
		await f.busy;
	} catch { /* the stream's next open fetches again */ } finally {
		f.busy = null;
	}
	return undefined;
}

async function refreshChat() {
	if (!state.chat)
		return;
	try {
		const r = await call('GET', `/chat/api/chats/${state.chat.id}`);
		setChat(r.chat);
	} catch { /* next event or reconnect */ }
}

function setChat(c) {
	const was = state.chat;
	state.chat = was && was.id === c.id
		? { ...c, agent_read_seq: Math.max(c.agent_read_seq || 0, was.agent_read_seq || 0) } : c;
	state.chat.agent_name = clean(state.chat.agent_name);
	if (!was || was.id !== c.id)
		state.messages = [];
	if (isOpen(state.chat)) {
		state.view = 'chat';
		connect();
	} else if (state.view === 'chat') {
		state.view = 'ended';
		state.agentTyping = false;
		disconnect();
	}
	changed();
}

// ---- the live stream ----

let es = null, reconnectTimer = 0;
function connect() {
	if (es && es.chatId === state.chat.id && es.readyState !== EventSource.CLOSED)
		return;
	disconnect();
	const chat = state.chat;
	es = new EventSource(`/chat/api/stream?token=${encodeURIComponent(store.get(TOKEN) || '')}&chat_id=${chat.id}`);
	es.chatId = chat.id;
	const data = (e) => {
		try { return JSON.parse(e.data) || {}; } catch { return {}; }
	};
	es.onopen = () => {
		// whatever happened while we were away: fetch it, resend what waits
		fetchNew();
		refreshChat();
		flush();
	};
	es.addEventListener('chat.message', () => fetchNew());
	es.addEventListener('chat.updated', () => refreshChat());
	es.addEventListener('reset', () => { fetchNew(); refreshChat(); });
	es.addEventListener('chat.typing', (e) => {
		const d = data(e);
		if (d.author === 'agent')
			agentTyping(!!d.typing);
	});
	es.addEventListener('chat.read', (e) => {
		const d = data(e);
		if (d.author === 'agent' && state.chat && d.seq > (state.chat.agent_read_seq || 0)) {
			state.chat = { ...state.chat, agent_read_seq: d.seq };
			changed();
		}
	});
	es.onerror = () => {
		// the browser retries by itself unless the server refused the stream
		if (es && es.readyState === EventSource.CLOSED) {
			clearTimeout(reconnectTimer);
			reconnectTimer = setTimeout(() => isOpen(state.chat) && connect(), 3000);
		}
	};
}

function disconnect() {
	clearTimeout(reconnectTimer);
	if (es)
		es.close();
	es = null;
}

let agentTypingTimer = 0;
function agentTyping(on) {
	clearTimeout(agentTypingTimer);
	state.agentTyping = on;
	if (on)
		agentTypingTimer = setTimeout(() => agentTyping(false), AGENT_TYPING_FOR);
	changed();
}

// ---- sending: the outbox ----

let flushing = false, retryTimer = 0, backoff = 1000;
async function flush() {
	if (flushing)
		return;
	flushing = true;
	clearTimeout(retryTimer);
	adopt();
	try {
		while (state.outbox.length) {
			const item = state.outbox[0];
			if (!state.messages.some((m) => m.client_id === item.client_id)) {
				try {
					const r = await call('POST', `/chat/api/chats/${item.chat_id}/messages`,
						{ client_id: item.client_id, body: item.body, uploads: item.uploads });
					addMessages([r.message]);
				} catch (err) {
					if (transient(err)) {
						state.notice = err.status === 429 ? 'slow' : 'offline';
						retryTimer = setTimeout(flush, err.retryAfter ? err.retryAfter * 1000 : backoff);
						backoff = Math.min(backoff * 2, RETRY_MAX);
						changed();
						return;
					}
					state.failed.push({ ...item, error: err });
				}
			}
			drop(state.outbox.shift());
			backoff = 1000;
			state.notice = '';
			changed();
		}
	} finally {
		flushing = false;
	}
}

/** Queues a message (text and/or uploaded files) in the open chat and sends it. */
export function send(body, uploads = []) {
	stopTyping();
	const item = { client_id: newClientId(), chat_id: state.chat.id, body,
		uploads: uploads.map((u) => u.token),
		files: uploads.map((u) => ({ name: clean(u.name), type: u.type, size: u.size, preview: u.preview })),
		at: new Date().toISOString() };
	state.outbox.push(item);
	keep(item);
	changed();
	flush();
}

/** Uploads one file; resolves {token, name, type, size}. */
export async function upload(file) {
	const r = await call('POST', `/chat/api/uploads?filename=${encodeURIComponent(file.name)}`, file,
		file.type || 'application/octet-stream');
	return r.upload;
}

// ---- typing and read receipts ----

let typingSentAt = 0, typingIdle = 0;
export function typing() {
	if (!state.chat)
		return;
	clearTimeout(typingIdle);
	typingIdle = setTimeout(stopTyping, TYPING_IDLE);
	if (Date.now() - typingSentAt < TYPING_EVERY)
		return;
	typingSentAt = Date.now();
	call('POST', `/chat/api/chats/${state.chat.id}/typing`, { typing: true }).catch(() => {});
}

function stopTyping() {
	clearTimeout(typingIdle);
	if (!typingSentAt || !state.chat)
		return;
	typingSentAt = 0;
	call('POST', `/chat/api/chats/${state.chat.id}/typing`, { typing: false }).catch(() => {});
}

let readSent = 0, reading = false;
const lastAgentSeq = () => state.messages.reduce((n, m) => (m.author !== 'visitor' ? Math.max(n, m.seq) : n), 0);

/** Agent messages the visitor has not seen (the launcher's badge). */
export const unread = () => state.messages.filter((m) => m.author === 'agent' && m.seq > readSent).length;

// A receipt for what the visitor can see: only while the chat is shown.
async function markRead() {
	const seq = lastAgentSeq();
	if (!state.visible || !state.chat || reading || seq <= readSent || document.hidden)
		return;
	reading = true;
	try {
		await call('POST', `/chat/api/chats/${state.chat.id}/read`, { seq });
		readSent = seq;
		changed();
	} catch { /* sent again with the next message or opening */ } finally {
		reading = false;
	}
}

export function setVisible(on) {
	state.visible = on;
	changed();
	markRead();
}
document.addEventListener('visibilitychange', markRead);

// ---- starting, ending, the rest ----

/** Loads config, the visitor's open chat if any, and its outbox. */
export async function boot(locale) {
	try {
		state.config = await call('GET', `/chat/api/config?locale=${locale}`);
		let open = null;
		if (store.get(TOKEN)) {
			try {
				const r = await call('GET', '/chat/api/chats');
				open = (r.chats || []).find(isOpen) || null;
			} catch (err) {
				if (err.status !== 401)
					throw err;
			}
		}
		// what waits for a chat no longer open can never be sent
		state.outbox = [];
		for (const i of loadOutbox())
			if (open && i.chat_id === open.id)
				state.outbox.push(i);
			else
				drop(i);
		if (open) {
			readSent = open.visitor_read_seq || 0;
			setChat(open);
			await fetchNew();
		} else {
			state.view = startView();
		}
	} catch (err) {
		state.view = 'error';
		state.error = err;
	}
	changed();
	window.addEventListener('online', () => {
		flush();
		if (isOpen(state.chat))
			connect();
	});
}

/**
 * Starts a chat with its first message. clientId stays the same when the
 * visitor presses again after a failure, so a chat whose answer was lost is
 * found (409: one is open) and the message is not doubled.
 */
export async function start({ name, email, topic, body, clientId }) {
	await ensureVisitor();
	const message = { client_id: clientId, body, uploads: [] };
	try {
		const r = await call('POST', '/chat/api/chats', { name, email, topic, message });
		readSent = 0;
		setChat(r.chat);
		addMessages([r.message]);
		return;
	} catch (err) {
		if (err.status !== 409)
			throw err;
		if (err.body.details?.chat?.[0]?.error === 'Closed') {
			// the schedule closed while the form was filled in: the offline
			// form takes over what was typed
			state.config = { ...state.config, open: false };
			state.draft = { name, email, topic, body };
			state.view = startView();
			changed();
			return;
		}
	}
	const r = await call('GET', '/chat/api/chats');
	const open = (r.chats || []).find(isOpen);
	if (!open)
		throw new ApiError(409, null, 0);
	setChat(open);
	await fetchNew();
	if (!state.messages.some((m) => m.client_id === clientId)) {
		const item = { client_id: clientId, chat_id: open.id, body, uploads: [], files: [],
			at: new Date().toISOString() };
		state.outbox.push(item);
		keep(item);
		flush();
	}
}

export async function end() {
	const r = await call('POST', `/chat/api/chats/${state.chat.id}/end`);
	setChat(r.chat);
}

// to the address the chat started with, the only one the server mails
export async function transcript() {
	await call('POST', `/chat/api/chats/${state.chat.id}/transcript`, {});
}

export async function rate(score, comment) {
	await call('POST', `/chat/api/chats/${state.chat.id}/rating`, { score, comment });
	state.rated = score;
	changed();
}

export async function offline(fields) {
	await ensureVisitor();
	const r = await call('POST', '/chat/api/offline', fields);
	state.ticketId = r.ticket_id;
	state.view = 'sent';
	changed();
}

// Chat turned off in the settings: no widget at all (widget.js hides the
// launcher); closed or nobody online: the message form.
function startView() {
	if (state.config.enabled === false)
		return 'off';
	return state.config.open ? 'prechat' : 'offline';
}

/** Back to the start: a new chat after one ended. */
export async function restart() {
	disconnect();
	state.chat = null;
	state.messages = [];
	state.failed = [];
	state.rated = '';
	feed = { chatId: 0, seq: 0, busy: null, again: false };
	readSent = 0;
	try {
		state.config = await call('GET', `/chat/api/config?locale=${state.config.locale || 'en'}`);
	} catch { /* as it was */ }
	state.view = startView();
	changed();
}
