// The chat window: the page /chat/frame that widget.js puts in an iframe on
// a company's site (or opened by itself). Everything a visitor or agent
// wrote is rendered as text by Preact, never as HTML. The logic lives in
// session.js; this file only shows it and passes on what the visitor does.
import { html, render, useState, useEffect, useRef } from '../shared/html.js';
import { setLocale, t, currentLocale, formatDate, LOCALES } from '../shared/i18n.js';
import catalogs from './locales.js';
import * as S from './session.js';

const params = new URLSearchParams(location.search);
const wanted = [params.get('locale'), navigator.language].map((l) => String(l || '').toLowerCase().split(/[-_]/)[0]);
setLocale(wanted.find((l) => LOCALES.includes(l)) || 'en', catalogs);

// The host page we live in: we post only to it and believe only it.
const parentOrigin = /^https?:\/\/[^/]+$/.test(params.get('origin') || '') ? params.get('origin') : null;
const framed = window.parent !== window && parentOrigin;
function toHost(msg) {
	if (framed)
		window.parent.postMessage({ fl: 'chat', ...msg }, parentOrigin);
}
window.addEventListener('message', (e) => {
	if (!framed || e.origin !== parentOrigin || e.source !== window.parent || e.data?.fl !== 'chat')
		return;
	if (e.data.type === 'open') {
		S.setVisible(true);
		// the first field of whatever shows, or the composer
		setTimeout(() => document.querySelector('[data-autofocus], .body input, .body textarea, .body button')?.focus(), 0);
	} else if (e.data.type === 'close') {
		S.setVisible(false);
	}
});
document.addEventListener('keydown', (e) => {
	if (e.key === 'Escape' && framed) {
		e.preventDefault();
		toHost({ type: 'close' });
	}
});
if (!framed)
	S.state.visible = true;

// A config text is either already in the visitor's language or {uk, ru, lt, en}.
function pick(v) {
	if (v && typeof v === 'object')
		return v[currentLocale()] || v.en || Object.values(v).find(Boolean) || '';
	return v || '';
}

const chars = (s) => [...s].length; // code points: an emoji is one

// Refusals the catalog words alike (field.Reason, a message's fields as
// "body"): the pre-chat form's and the composer's own words.
const SAME = {
	'body.Blank': 'err.body', 'body.TooLong': 'err.long', 'name.Blank': 'err.name', 'email.Blank': 'err.email',
	'topic.Blank': 'err.topic', 'topic.InvalidValue': 'err.topic', 'score.InvalidValue': 'rating.choose',
	'chat.Missed': 'missed', 'chat.NotSolved': 'rating.later', 'transcript.email.Blank': 'transcript.none',
};

// What went wrong in the visitor's words: the server's refusal by the field
// and reason it names ("why.field.Reason"; where, ctx, may word it its own
// way), else a general sentence. The server's description is English, so
// only the English catalog shows it (as the general sentence's detail).
function errorText(err, ctx = '') {
	if (!(err instanceof S.ApiError))
		return t('err.network');
	const [field = '', list] = Object.entries(err.fields)[0] || [];
	const f = field.replace(/^message\.?/, '') || 'body';
	for (const k of [`${ctx}${f}.${list?.[0]?.error}`, `${f}.${list?.[0]?.error}`]) {
		const key = SAME[k] || `why.${k}`;
		if (key in catalogs.en)
			return t(key, { count: S.BODY_MAX });
	}
	if (err.status === 429)
		return t('err.slow');
	if (err.status === 413)
		return t('err.tooBig');
	return t('err.server', { reason: err.message });
}

function waitText(seconds) {
	if (seconds === undefined || seconds === null)
		return '';
	if (seconds < 60)
		return t('wait.soon');
	return t('wait.minutes', { count: Math.round(seconds / 60) });
}

// ---- pieces ----

function Field({ id, label, optional, error, children }) {
	return html`<div class="field">
		<label for=${id}>${label}${optional ? html` <span class="opt">${t('optional')}</span>` : ''}</label>
		${children}
		${error && html`<p class="err" id=${`${id}-err`} data-test=${`${id}-err`}>${error}</p>`}
	</div>`;
}

function Header({ title, sub }) {
	return html`<header class="top">
		<div><h1 id="title">${title}</h1>${sub && html`<p class="sub" data-test="chat-sub">${sub}</p>`}</div>
		${framed && html`<button type="button" class="x" aria-label=${t('close')} onClick=${() => toHost({ type: 'close' })}>
			<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>
		</button>`}
	</header>`;
}

// name, e-mail and topic as the settings ask (required, optional, off)
function PersonFields({ cfg, v, set, errors, emailRequired }) {
	const p = cfg.prechat || {};
	const mode = (k) => (k === 'email' && emailRequired ? 'required' : p[k] || 'optional');
	const topics = cfg.topics || [];
	return html`
		${mode('name') !== 'off' && html`<${Field} id="f-name" label=${t('field.name')} optional=${mode('name') === 'optional'} error=${errors.name}>
			<input id="f-name" data-test="name" autocomplete="name" maxlength="100" value=${v.name} data-autofocus
				required=${mode('name') === 'required'} aria-invalid=${!!errors.name}
				onInput=${(e) => set({ name: e.target.value })} />
		<//>`}
		${mode('email') !== 'off' && html`<${Field} id="f-email" label=${t('field.email')} optional=${mode('email') === 'optional'} error=${errors.email}>
			<input id="f-email" data-test="email" type="email" autocomplete="email" maxlength="254" spellcheck="false" value=${v.email}
				required=${mode('email') === 'required'} aria-invalid=${!!errors.email}
				onInput=${(e) => set({ email: e.target.value })} />
		<//>`}
		${mode('topic') !== 'off' && topics.length > 0 && html`<${Field} id="f-topic" label=${t('field.topic')} optional=${mode('topic') === 'optional'} error=${errors.topic}>
			<select id="f-topic" data-test="topic" value=${v.topic} required=${mode('topic') === 'required'}
				onChange=${(e) => set({ topic: e.target.value })}>
				<option value="">${t('topic.choose')}</option>
				${topics.map((tp) => html`<option value=${tp.key}>${pick(tp.label) || tp.key}</option>`)}
			</select>
		<//>`}`;
}

// Checks what the browser would, in the visitor's language; returns {field: text}.
function check(cfg, v, emailRequired) {
	const p = cfg.prechat || {};
	const errors = {};
	if (p.name === 'required' && !v.name.trim())
		errors.name = t('err.name');
	const needEmail = emailRequired || p.email === 'required';
	if (p.email !== 'off' || emailRequired) {
		if (needEmail && !v.email.trim())
			errors.email = t('err.email');
		else if (v.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim()))
			errors.email = t('err.emailBad');
	}
	if (p.topic === 'required' && (cfg.topics || []).length && !v.topic)
		errors.topic = t('err.topic');
	if (!v.body.trim())
		errors.body = t('err.body');
	else if (chars(v.body) > S.BODY_MAX)
		errors.body = t('err.long', { count: S.BODY_MAX });
	return errors;
}

// the server's "field: reason" for a 422, shown at the field it names
function serverErrors(err) {
	const out = {};
	for (const k of Object.keys(err.fields || {}))
		out[k.replace(/^message\./, '') === 'message' ? 'body' : k.replace(/^message\./, '')] = errorText(err);
	return out;
}

function PreChat({ cfg }) {
	const [v, setV] = useState({ name: '', email: '', topic: '', body: '' });
	const [errors, setErrors] = useState({});
	const [busy, setBusy] = useState(false);
	const [fail, setFail] = useState('');
	const clientId = useRef(S.newClientId()); // the same on every retry
	const set = (x) => setV({ ...v, ...x });
	async function submit(e) {
		e.preventDefault();
		const bad = check(cfg, v, false);
		setErrors(bad);
		setFail('');
		if (Object.keys(bad).length) {
			document.getElementById(`f-${Object.keys(bad)[0]}`)?.focus();
			return;
		}
		setBusy(true);
		try {
			await S.start({ name: v.name.trim(), email: v.email.trim(), topic: v.topic, body: v.body,
				clientId: clientId.current });
		} catch (err) {
			setBusy(false);
			if (err.status === 422 && Object.keys(err.fields).length)
				setErrors(serverErrors(err));
			else
				setFail(errorText(err));
		}
	}
	const wait = waitText(cfg.expected_wait_seconds);
	return html`<form class="body form" onSubmit=${submit} novalidate data-test="prechat" aria-labelledby="title">
		${pick(cfg.greeting) && html`<p class="greet" data-test="greeting">${pick(cfg.greeting)}</p>`}
		${wait && html`<p class="wait" data-test="expected-wait">${wait}</p>`}
		<${PersonFields} cfg=${cfg} v=${v} set=${set} errors=${errors} />
		<${Field} id="f-body" label=${t('field.message')} error=${errors.body}>
			<textarea id="f-body" data-test="first-message" rows="3" required value=${v.body} aria-invalid=${!!errors.body}
				onInput=${(e) => set({ body: e.target.value })}></textarea>
		<//>
		${fail && html`<p class="err" role="alert" data-test="start-error">${fail}</p>`}
		<button type="submit" class="primary" disabled=${busy} data-test="start">${busy ? t('starting') : t('start')}</button>
	</form>`;
}

function Offline({ cfg }) {
	const [v, setV] = useState(S.state.draft || { name: '', email: '', topic: '', body: '' });
	const [errors, setErrors] = useState({});
	const [busy, setBusy] = useState(false);
	const [fail, setFail] = useState('');
	const set = (x) => setV({ ...v, ...x });
	async function submit(e) {
		e.preventDefault();
		const bad = check(cfg, v, true);
		setErrors(bad);
		setFail('');
		if (Object.keys(bad).length) {
			document.getElementById(`f-${Object.keys(bad)[0]}`)?.focus();
			return;
		}
		setBusy(true);
		try {
			await S.offline({ name: v.name.trim(), email: v.email.trim(), topic: v.topic, message: v.body });
		} catch (err) {
			setBusy(false);
			if (err.status === 422 && Object.keys(err.fields).length)
				setErrors(serverErrors(err));
			else
				setFail(errorText(err));
		}
	}
	return html`<form class="body form" onSubmit=${submit} novalidate data-test="offline-form" aria-labelledby="title">
		<p class="greet" data-test="offline-note">${t('offline.lede')}</p>
		${cfg.next_open_at && html`<p class="wait" data-test="next-open">${t('offline.back', { when: formatDate(cfg.next_open_at, { weekday: 'long', hour: '2-digit', minute: '2-digit' }) })}</p>`}
		<${PersonFields} cfg=${cfg} v=${v} set=${set} errors=${errors} emailRequired=${true} />
		<${Field} id="f-body" label=${t('field.message')} error=${errors.body}>
			<textarea id="f-body" data-test="offline-message" rows="5" required value=${v.body} aria-invalid=${!!errors.body}
				onInput=${(e) => set({ body: e.target.value })}></textarea>
		<//>
		${fail && html`<p class="err" role="alert" data-test="offline-error">${fail}</p>`}
		<button type="submit" class="primary" disabled=${busy} data-test="offline-send">${busy ? t('sending') : t('offline.send')}</button>
	</form>`;
}

function Sent({ id }) {
	return html`<div class="body done" data-test="offline-sent" role="status">
		<p class="big">${t('offline.thanks')}</p>
		<p>${t('offline.number', { id })}</p>
	</div>`;
}

function Receipt({ m, chat }) {
	if (m.pending)
		return html`<span class="rc" data-test="receipt" data-state="sending" title=${t('receipt.sending')} aria-label=${t('receipt.sending')}>…</span>`;
	const read = (chat.agent_read_seq || 0) >= m.seq;
	const label = read ? t('receipt.read') : t('receipt.sent');
	return html`<span class=${`rc${read ? ' read' : ''}`} data-test="receipt" data-state=${read ? 'read' : 'sent'} title=${label} aria-label=${label}>${read ? '✓✓' : '✓'}</span>`;
}

// An address of ours (an attachment, this page's blob: preview) or null:
// a javascript: URL or another site's page never becomes a link or image.
function ownUrl(u) {
	if (typeof u !== 'string' || !u)
		return null;
	try {
		const url = new URL(u, location.href);
		return /^(https?|blob):$/.test(url.protocol) && url.origin === location.origin ? url.href : null;
	} catch {
		return null;
	}
}

function Files({ files }) {
	return html`<ul class="files">${files.map((f) => {
		const url = ownUrl(f.url);
		const src = url || ownUrl(f.preview);
		return html`<li data-test="attachment">
			${src && /^image\//.test(f.type || '') ? html`<a href=${url || src} target="_blank" rel="noopener noreferrer"><img src=${src} alt=${f.name} data-test="image-preview" /></a>` : ''}
			${url ? html`<a href=${url} target="_blank" rel="noopener noreferrer" data-test="file-name">${f.name}</a>` : html`<span data-test="file-name">${f.name}</span>`}
		</li>`;
	})}</ul>`;
}

function Message({ m, chat }) {
	if (m.author === 'system')
		return html`<li class="sys" data-test="message" data-author="system">${m.body}</li>`;
	const mine = m.author === 'visitor';
	const files = m.attachments || m.files || [];
	return html`<li class=${`msg ${mine ? 'me' : 'them'}${m.error ? ' bad' : ''}`} data-test="message" data-author=${m.author}
		data-seq=${m.seq || ''} data-client-id=${m.client_id || ''}>
		${!mine && html`<span class="who" data-test="author">${m.author_name || t('agent')}</span>`}
		${m.body && html`<p class="text" data-test="body">${m.body}</p>`}
		${files.length > 0 && html`<${Files} files=${files} />`}
		<span class="meta">
			${m.created_at && html`<time datetime=${m.created_at}>${formatDate(m.created_at, { hour: '2-digit', minute: '2-digit' })}</time>`}
			${mine && !m.error && html`<${Receipt} m=${m} chat=${chat} />`}
		</span>
		${m.error && html`<p class="err" data-test="send-error">${t('err.notSent', { reason: errorText(m.error) })}</p>`}
	</li>`;
}

function Composer() {
	const [body, setBody] = useState('');
	const [err, setErr] = useState('');
	const [uploading, setUploading] = useState(false);
	const file = useRef(null);
	function submit(e) {
		e.preventDefault();
		if (!body.trim())
			return;
		if (chars(body) > S.BODY_MAX) {
			setErr(t('err.long', { count: S.BODY_MAX }));
			return;
		}
		setErr('');
		S.send(body);
		setBody('');
	}
	function key(e) {
		if (e.key === 'Enter' && !e.shiftKey && !e.isComposing)
			submit(e);
	}
	async function pickFiles(e) {
		const files = [...e.target.files].slice(0, 5);
		e.target.value = '';
		if (!files.length)
			return;
		setUploading(true);
		setErr('');
		try {
			const ups = [];
			for (const f of files) {
				const u = await S.upload(f);
				ups.push({ ...u, preview: /^image\//.test(f.type) ? URL.createObjectURL(f) : undefined });
			}
			S.send('', ups);
		} catch (e2) {
			setErr(errorText(e2));
		} finally {
			setUploading(false);
		}
	}
	return html`<form class="composer" onSubmit=${submit} data-test="composer">
		${err && html`<p class="err" role="alert" data-test="composer-error">${err}</p>`}
		<div class="row">
			<label for="c-body" class="sr">${t('field.message')}</label>
			<textarea id="c-body" data-test="composer-input" rows="2" value=${body} data-autofocus placeholder=${t('composer.placeholder')}
				onInput=${(e) => { setBody(e.target.value); S.typing(); }} onKeyDown=${key}></textarea>
			<input type="file" ref=${file} multiple class="sr" tabindex="-1" aria-hidden="true" data-test="file-input" onChange=${pickFiles} />
			<button type="button" class="icon" aria-label=${t('attach')} title=${t('attach')} disabled=${uploading}
				data-test="attach" onClick=${() => file.current.click()}>
				<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg>
			</button>
			<button type="submit" class="primary" data-test="send">${t('send')}</button>
		</div>
		${uploading && html`<p class="note" role="status">${t('uploading')}</p>`}
	</form>`;
}

// The transcript goes only to the address the chat started with (the
// server's rule), so it is offered only then, saying where it goes.
function Transcript({ chat, ended }) {
	const [done, setDone] = useState(false);
	const [err, setErr] = useState('');
	if (!chat.email)
		return ended ? html`<p class="note" data-test="transcript-none">${t('transcript.none')}</p>` : '';
	if (done)
		return html`<p class="note" role="status" data-test="transcript-sent">${t('transcript.sent', { email: chat.email })}</p>`;
	async function sendIt() {
		setErr('');
		try {
			await S.transcript();
			setDone(true);
		} catch (e2) {
			setErr(errorText(e2, 'transcript.'));
		}
	}
	return html`<div class="tr">
		<button type="button" class="link" data-test="transcript" aria-describedby="tr-to" onClick=${sendIt}>${t('transcript')}</button>
		<span class="note" id="tr-to" data-test="transcript-to">${t('transcript.to', { email: chat.email })}</span>
		${err && html`<p class="err" role="alert" data-test="transcript-error">${err}</p>`}
	</div>`;
}

// The rating, offered only when the chat says it can be rated (it ended
// with its ticket solved); a chat nobody answered says so instead, and one
// the agent kept open says the rating comes once it is solved.
function Rating({ chat }) {
	const [score, setScore] = useState('');
	const [comment, setComment] = useState('');
	const [err, setErr] = useState('');
	const [later, setLater] = useState(false);
	if (S.state.rated)
		return html`<p class="note" role="status" data-test="rating-thanks">${t('rating.thanks')}</p>`;
	if (S.stateName(chat) === 'missed')
		return html`<p class="note" role="status" data-test="missed">${t('missed')}${chat.email ? ` ${t('missed.email', { email: chat.email })}` : ''}</p>`;
	if (later || !chat.rateable)
		return html`<p class="note" role="status" data-test="rating-later">${t('rating.later')}</p>`;
	async function submit(e) {
		e.preventDefault();
		if (!score) {
			setErr(t('rating.choose'));
			return;
		}
		try {
			await S.rate(score, comment);
		} catch (e2) {
			// reopened since it ended: it is rated when it is solved (by mail)
			if (e2.body?.details?.chat?.[0]?.error === 'NotSolved')
				setLater(true);
			else
				setErr(errorText(e2));
		}
	}
	return html`<form class="rating" onSubmit=${submit} data-test="rating">
		<fieldset>
			<legend>${t('rating.ask')}</legend>
			<label class="choice"><input type="radio" name="score" value="good" data-test="rate-good" checked=${score === 'good'} onChange=${() => setScore('good')} /> ${t('rating.good')}</label>
			<label class="choice"><input type="radio" name="score" value="bad" data-test="rate-bad" checked=${score === 'bad'} onChange=${() => setScore('bad')} /> ${t('rating.bad')}</label>
		</fieldset>
		<label for="r-comment">${t('rating.comment')} <span class="opt">${t('optional')}</span></label>
		<textarea id="r-comment" rows="2" maxlength="2000" data-test="rate-comment" value=${comment} onInput=${(e) => setComment(e.target.value)}></textarea>
		${err && html`<p class="err" role="alert" data-test="rating-error">${err}</p>`}
		<button type="submit" class="primary" data-test="rate-send">${t('rating.send')}</button>
	</form>`;
}

function Conversation({ st }) {
	const list = useRef(null);
	const { chat } = st;
	const held = new Set(st.messages.map((m) => m.client_id).filter(Boolean));
	const pending = st.outbox.filter((i) => !held.has(i.client_id))
		.map((i) => ({ ...i, author: 'visitor', pending: true, created_at: i.at }));
	const failed = st.failed.map((i) => ({ ...i, author: 'visitor', created_at: i.at }));
	const all = [...st.messages, ...pending, ...failed];
	useEffect(() => {
		if (list.current)
			list.current.scrollTop = list.current.scrollHeight;
	}, [all.length, st.agentTyping]);
	const ended = st.view === 'ended';
	return html`<div class="body chat">
		<ol class="log" ref=${list} role="log" aria-live="polite" aria-label=${t('conversation')} data-test="messages">
			${all.map((m) => html`<${Message} key=${m.seq ? `s${m.seq}` : `c${m.client_id}`} m=${m} chat=${chat} />`)}
		</ol>
		${st.agentTyping && html`<p class="typing" data-test="agent-typing" role="status">${t('typing', { name: chat.agent_name || t('agent') })}</p>`}
		${st.notice && html`<p class="notice" role="status" data-test="notice" data-notice=${st.notice}>${st.notice === 'slow' ? t('notice.slow') : t('notice.offline')}</p>`}
		${!ended && html`<${Composer} />`}
		${!ended && html`<div class="tools"><${Transcript} chat=${chat} />
			<button type="button" class="link" data-test="end" onClick=${() => S.end().catch(() => {})}>${t('end')}</button></div>`}
		${ended && html`<div class="ended" data-test="ended">
			<p class="sys">${t('ended')}</p>
			<${Rating} chat=${chat} />
			<div class="tools"><${Transcript} chat=${chat} ended />
				<button type="button" class="link" data-test="new-chat" onClick=${S.restart}>${t('newChat')}</button></div>
		</div>`}
	</div>`;
}

function App() {
	const [st, setSt] = useState(S.state);
	const [, tick] = useState(0);
	useEffect(() => S.listen((s) => {
		setSt(s);
		tick((n) => n + 1);
		toHost({ type: 'unread', count: s.visible ? 0 : S.unread() });
	}), []);
	useEffect(() => {
		if (st.config)
			toHost({ type: 'config', color: st.config.color || '', enabled: st.config.enabled !== false });
	}, [st.config]);
	const cfg = st.config || {};
	if (cfg.color && /^#[0-9a-f]{3,8}$/i.test(cfg.color))
		document.documentElement.style.setProperty('--c', cfg.color);
	const title = pick(cfg.title) || t('title');
	let sub = '';
	if (st.view === 'chat')
		sub = S.stateName(st.chat) === 'queued'
			? [t('queued'), waitText(cfg.expected_wait_seconds)].filter(Boolean).join(' ')
			: t('with', { name: st.chat.agent_name || t('agent') });
	let body;
	if (st.view === 'loading')
		body = html`<div class="body"><p class="note" role="status">${t('loading')}</p></div>`;
	else if (st.view === 'error')
		body = html`<div class="body"><p class="err" role="alert" data-test="load-error">${errorText(st.error)}</p>
			<button type="button" onClick=${() => location.reload()}>${t('retry')}</button></div>`;
	else if (st.view === 'off')
		body = '';
	else if (st.view === 'prechat')
		body = html`<${PreChat} cfg=${cfg} />`;
	else if (st.view === 'offline')
		body = html`<${Offline} cfg=${cfg} />`;
	else if (st.view === 'sent')
		body = html`<${Sent} id=${st.ticketId} />`;
	else
		body = html`<${Conversation} st=${st} />`;
	return html`<div class="win" data-test="chat-window" data-view=${st.view}>
		<${Header} title=${title} sub=${sub} />
		${body}
	</div>`;
}

// Without storage of our own, the host page keeps it (session.js): ask
// widget.js for it first, and give up waiting after a moment.
function hostStorage() {
	if (!framed || S.ownStorage)
		return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, 1500);
		window.addEventListener('message', function got(e) {
			if (e.origin !== parentOrigin || e.source !== window.parent || e.data?.fl !== 'chat' || e.data.type !== 'storage')
				return;
			window.removeEventListener('message', got);
			clearTimeout(timer);
			S.useHostStorage(e.data.data, (data, changes) => toHost({ type: 'store', data, changes }));
			resolve();
		});
		toHost({ type: 'hello' });
	});
}

document.title = t('title');
render(html`<${App} />`, document.getElementById('app'));
hostStorage().then(() => S.boot(currentLocale()));
