// Small pieces the workspace's pages share.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { t, formatAgo, formatDate } from '../shared/i18n.js';

export const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const TYPES = ['question', 'incident', 'problem', 'task'];

export const StatusBadge = ({ status }) =>
	html`<span class="badge status-${status}" data-test="status">${t(`status.${status}`)}</span>`;

export const Ago = ({ at }) => html`<time datetime=${at} title=${formatDate(at)}>${formatAgo(at)}</time>`;

// Messages at the bottom right: toast(text, 'error'|'ok').
let showToast = () => {};
export const toast = (text, kind = 'ok') => showToast({ text, kind, at: Date.now() });

export function Toasts() {
	const [msg, setMsg] = useState(null);
	useEffect(() => {
		showToast = setMsg;
	}, []);
	useEffect(() => {
		if (!msg)
			return undefined;
		const id = setTimeout(() => setMsg(null), msg.kind === 'error' ? 8000 : 3500);
		return () => clearTimeout(id);
	}, [msg]);
	if (!msg)
		return null;
	return html`<div class="toast banner ${msg.kind}" role=${msg.kind === 'error' ? 'alert' : 'status'}>${msg.text}</div>`;
}

// A modal dialog: Escape closes, focus goes in and comes back.
export function Dialog({ title, onClose, children }) {
	const box = useRef(null);
	useEffect(() => {
		const before = document.activeElement;
		const first = box.current.querySelector('input, select, textarea, button');
		(first || box.current).focus();
		const key = (e) => {
			if (e.key === 'Escape')
				onClose();
		};
		document.addEventListener('keydown', key);
		return () => {
			document.removeEventListener('keydown', key);
			if (before && before.focus)
				before.focus();
		};
	}, []);
	return html`<div class="overlay" onClick=${(e) => e.target === e.currentTarget && onClose()}>
		<div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref=${box} tabindex="-1">
			<div class="row"><h2 id="dialog-title">${title}</h2><span class="spacer"></span>
				<button type="button" class="link" onClick=${onClose} aria-label=${t('close')}>✕</button></div>
			${children}
		</div></div>`;
}

// Runs load() when deps change; [value, error, reload].
export function useLoad(load, deps) {
	const [res, setRes] = useState({ value: undefined, error: null });
	const [tick, setTick] = useState(0);
	useEffect(() => {
		let live = true;
		load().then((value) => live && setRes({ value, error: null }),
			(error) => live && setRes((r) => ({ value: r.value, error })));
		return () => {
			live = false;
		};
	}, [...deps, tick]);
	return [res.value, res.error, () => setTick((n) => n + 1)];
}

export const ErrorBanner = ({ error }) =>
	error ? html`<div class="banner error" role="alert">${error.message || String(error)}</div>` : null;

// A person's initials in a circle, its colour chosen by their id: the
// same person keeps the same colour on every page.
export function Avatar({ user }) {
	const name = String(user.name || user.email || '?').trim();
	const words = name.split(/[\s@._-]+/).filter(Boolean);
	const first = (w) => Array.from(w)[0] || '';
	const initials = words.length > 1 ? first(words[0]) + first(words[1]) : Array.from(name).slice(0, 2).join('');
	return html`<span class="avatar" style=${`--hue: ${(Number(user.id) * 137) % 360}`} aria-hidden="true"
		data-test="avatar">${initials.toUpperCase()}</span>`;
}

// An e-mail address (or a host name) that wraps only before its @ and
// after its dots, never in the middle of a word nor at a hyphen (each part
// keeps together); the whole in a title.
export function Address({ text }) {
	if (!text)
		return '—';
	const parts = String(text).split(/(?=@)|(?<=\.)/);
	return html`<span class="address" title=${text}>${parts.map((p, i) => html`${i > 0 && html`<wbr />`}<span>${p}</span>`)}</span>`;
}

// A searchable list to choose one thing from: search(q) resolves the
// candidates, label(x) is how each is shown, onPick(x) gets the chosen one.
// Searches as the agent types (a short pause first), and shows initial()'s
// candidates before anything is typed, when given.
export function Picker({ id, label, placeholder, search, initial, show, onPick, testid }) {
	const [q, setQ] = useState('');
	const [found, setFound] = useState(null);
	const [error, setError] = useState(null);
	useEffect(() => {
		let live = true;
		const run = () => (q.trim() ? search(q.trim()) : initial ? initial() : Promise.resolve(null))
			.then((r) => live && (setFound(r), setError(null)), (e) => live && setError(e));
		const timer = setTimeout(run, q ? 250 : 0);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, [q]);
	return html`<div class="picker" data-test=${testid}>
		<label for=${id}>${label}</label>
		<input id=${id} type="search" value=${q} placeholder=${placeholder} autocomplete="off"
			onInput=${(e) => setQ(e.target.value)} onKeyDown=${(e) => e.key === 'Enter' && e.preventDefault()}
			data-test="${testid}-q" />
		<${ErrorBanner} error=${error} />
		${found && html`<ul class="picks" aria-label=${label}>
			${found.length === 0 && html`<li class="hint">${t('picker.none')}</li>`}
			${found.map((x) => html`<li key=${x.id}><button type="button" class="link" onClick=${() => onPick(x)}
				data-test="${testid}-pick" data-id=${x.id}>${show(x)}</button></li>`)}</ul>`}
	</div>`;
}

// A report's headline figures as a row of cards (app.css dl.figures):
// items are [label, value, data-test of the value] (the data-test may be
// left out); testid names the whole row.
export const Figures = ({ items, testid }) => html`<dl class="figures" data-test=${testid}>
	${items.filter(Boolean).map(([label, value, test]) => html`<div><dt>${label}</dt><dd data-test=${test}>${value}</dd></div>`)}</dl>`;
