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
