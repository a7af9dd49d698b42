// Live chat's part of every workspace page (the console itself is chat.js,
// loaded when first shown): the sidebar's "Chat" entry with the number of
// chats waiting in the queue, and the notice of a chat the router offers
// to this agent — on whatever page the agent is, with Accept and Decline,
// visible (a banner and the window's title), never a sound. Both follow
// the live events (live.js) and ask the server again after each: an event
// only says what changed.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, post } from '../shared/api.js';
import { t, currentLocale, formatNumber } from '../shared/i18n.js';
import { state } from './data.js';
import { emit, useLive } from './live.js';
import { navigate } from './router.js';
import { toast } from './ui.js';

export const CHATS = '/api/v2/chats';
export const CONSOLE = '/agent/chat';

// GET /api/v2/chat/status as {online, queue, capacity, active}: the agents
// online, the chats queued, this agent's chat capacity and open chats.
export function readStatus(r) {
	const s = (r && (r.chat_status || r.status)) || r || {};
	const num = (...keys) => Number(keys.map((k) => s[k]).find((v) => v !== undefined && v !== null) ?? 0);
	return {
		online: num('online', 'online_agents', 'agents_online'),
		queue: num('queue', 'queued', 'queue_len', 'queue_length'),
		capacity: num('capacity', 'my_capacity'),
		active: num('active', 'my_active', 'my_chats'),
	};
}

// One request for every part of the page that asks at the same moment
// (the sidebar's count, the offers, the console).
let asking = null;
function askStatus() {
	if (!asking) {
		asking = get('/api/v2/chat/status').then(readStatus);
		asking.then(() => { asking = null; }, () => { asking = null; });
	}
	return asking;
}

// The status's readers on the page, asked again by refreshStatus().
const readers = new Set();
export const refreshStatus = () => readers.forEach((fn) => fn());

// The agent's own status, asked again (a short pause first, so that a burst
// of events is one request) after every event that can change it.
export function useChatStatus() {
	const [status, setStatus] = useState(null);
	const timer = useRef(0);
	const load = () => askStatus().then(setStatus, () => {});
	useEffect(() => {
		load();
		readers.add(load);
		return () => {
			readers.delete(load);
			clearTimeout(timer.current);
		};
	}, []);
	useLive((kind) => {
		if (kind !== 'chat.queued' && kind !== 'chat.updated' && kind !== 'chat.offered' && kind !== 'reset')
			return;
		clearTimeout(timer.current);
		timer.current = setTimeout(load, 300);
	}, []);
	return status;
}

// The sidebar's entry: the console, and how many chats wait in the queue.
export function ChatNav({ current }) {
	const status = useChatStatus();
	const n = status ? status.queue : 0;
	return html`<a href=${CONSOLE} aria-current=${current ? 'page' : undefined} data-test="nav-chat">
		<span>${t('chat.nav')}</span>
		${n > 0 && html`<span class="count chat-badge" data-test="chat-queue-count"
			aria-label=${t('chat.queued_n', { count: n })}>${formatNumber(n)}</span>`}</a>`;
}

// A chat offered to this agent: a banner until they accept or decline, or
// the router moves the offer on (another chat.offered, or chat.updated).
export function ChatOffers() {
	const [offers, setOffers] = useState([]); // [{chat_id, chat}]
	const title = useRef(null);
	const me = state.me && state.me.id;
	const drop = (id) => setOffers((l) => l.filter((o) => o.chat_id !== id));
	const add = async (id) => {
		let chat = null, topic = '';
		try {
			chat = (await get(`${CHATS}/${id}`)).chat;
			topic = chat.topic ? topicLabel(await readTopics(), chat.topic) : '';
		} catch { /* shown by its number */ }
		if (chat && chat.state !== undefined && chat.state !== 'queued')
			return;
		setOffers((l) => (l.some((o) => o.chat_id === id) ? l : [...l, { chat_id: id, chat, topic }]));
	};
	// an offer made before this page was loaded, looked for while chats wait
	const status = useChatStatus();
	const waiting = status ? status.queue > 0 : false;
	const pending = () => get(`${CHATS}?state=queued&per_page=100`).then((r) => {
		setOffers([]);
		for (const c of r.chats || [])
			if (c.offered_to === me)
				add(c.id);
	}, () => {});
	useEffect(() => {
		if (waiting)
			pending();
	}, [waiting]);
	useLive((kind, d) => {
		if (kind === 'chat.offered') {
			if (d.agent_id === me)
				add(d.chat_id);
			else
				drop(d.chat_id);
		} else if (kind === 'chat.updated') {
			drop(d.chat_id);
		} else if (kind === 'reset' && waiting) {
			pending();
		}
	}, [me, waiting]);
	// the window's title says it too: seen from another tab or window
	useEffect(() => {
		if (offers.length && title.current === null) {
			title.current = document.title;
			document.title = `(${offers.length}) ${t('chat.offer.title')} — ${title.current}`;
		} else if (offers.length) {
			document.title = `(${offers.length}) ${t('chat.offer.title')} — ${title.current}`;
		} else if (title.current !== null) {
			document.title = title.current;
			title.current = null;
		}
	}, [offers.length]);

	async function answer(o, accept) {
		drop(o.chat_id);
		try {
			const r = await post(`${CHATS}/${o.chat_id}/${accept ? 'accept' : 'decline'}`, {});
			if (accept) {
				const chat = { ...over(o.chat || { id: o.chat_id }, r && r.chat), state: 'active' };
				emit('chat.updated', { chat_id: o.chat_id, state: 'active', agent_id: me, chat });
				navigate(CONSOLE);
			}
		} catch (e) {
			toast(e.message, 'error');
		}
	}
	if (!offers.length)
		return null;
	return html`<div class="chat-offers" data-test="chat-offers">${offers.map((o) => html`
		<div class="banner info chat-offer" role="alert" data-test="chat-offer" data-chat=${o.chat_id} key=${o.chat_id}>
			<strong>${t('chat.offer.title')}</strong>
			<span data-test="chat-offer-who">${o.chat ? chatWho(o.chat) : `#${o.chat_id}`}</span>
			${o.topic && html`<span class="tag">${o.topic}</span>`}
			<span class="spacer"></span>
			<button type="button" class="primary" onClick=${() => answer(o, true)} data-test="chat-offer-accept">${t('chat.accept')}</button>
			<button type="button" onClick=${() => answer(o, false)} data-test="chat-offer-decline">${t('chat.decline')}</button>
		</div>`)}</div>`;
}

// The topic's label in the agent's language from the chat settings'
// topics (its key when the settings name it no more).
export function topicLabel(topics, key) {
	const x = (topics || []).find((tp) => tp.key === key);
	if (!x)
		return key || '';
	const l = x.label || {};
	return l[currentLocale()] || l.en || key;
}

// The topics, read once when an offer first needs them.
let topicsRead = null;
const readTopics = () => {
	if (!topicsRead)
		topicsRead = get('/api/v2/chat/settings').then((r) => (r.settings || r).topics || [], () => { topicsRead = null; return []; });
	return topicsRead;
};

// a's fields with b's over them, but for those b leaves blank (an answer
// that does not carry the visitor's name does not wipe the one known)
export const over = (a, b) => ({ ...a, ...Object.fromEntries(Object.entries(b || {}).filter(([, v]) => v !== '' && v != null)) });

// Who a chat is with, as text: the name the visitor gave, else their e-mail,
// else "Visitor".
export const chatWho = (c) => c.name || c.requester_name || c.email || t('chat.visitor');
