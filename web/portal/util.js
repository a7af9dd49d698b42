// Small helpers the portal's pages share: drafts kept in the browser,
// page titles, sizes, and the contact form's POST.
import { html, useEffect } from '../shared/html.js';
import { api } from '../shared/api.js';
import { t, currentLocale } from '../shared/i18n.js';

export const store = {
	get(key, fallback) {
		try {
			const v = localStorage.getItem(key);
			return v == null ? fallback : JSON.parse(v);
		} catch {
			return fallback;
		}
	},
	set(key, value) {
		try {
			localStorage.setItem(key, JSON.stringify(value));
		} catch {
			/* private mode or full: the draft just is not kept */
		}
	},
	del(key) {
		try {
			localStorage.removeItem(key);
		} catch {
			/* as above */
		}
	},
};

export const DRAFT_REQUEST = 'fl.portal.request';
export const draftReply = (id) => `fl.portal.reply.${id}`;

// Signing out forgets what this browser kept of the customer's writing.
export function clearDrafts() {
	try {
		for (let i = localStorage.length - 1; i >= 0; i--) {
			const k = localStorage.key(i);
			if (k && k.startsWith('fl.portal.'))
				localStorage.removeItem(k);
		}
	} catch {
		/* nothing kept */
	}
}

export function useTitle(title) {
	useEffect(() => {
		document.title = title ? `${title} · Frontline` : 'Frontline';
	}, [title]);
}

export function formatSize(bytes) {
	const n = Number(bytes) || 0;
	const [v, unit] = n >= 1048576 ? [n / 1048576, 'megabyte'] : n >= 1024 ? [n / 1024, 'kilobyte'] : [n, 'byte'];
	try {
		return new Intl.NumberFormat(currentLocale(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: v < 10 ? 1 : 0 }).format(v);
	} catch {
		return `${Math.round(v)} ${unit[0].toUpperCase()}B`;
	}
}

// A translated sentence with elements in it: tx('done.title', {number: html`<b>5</b>`}).
export function tx(key, parts) {
	return t(key).split(/(\{\w+\})/).map((s) => {
		const m = /^\{(\w+)\}$/.exec(s);
		return m && m[1] in parts ? parts[m[1]] : s;
	});
}

// A message that is either a catalog key (re-translated when the language
// changes) or text as the server gave it.
export const say = (m) => (m ? (m.key ? t(m.key, m.vars) : m.text) : '');

// Only our own attachment URLs, as a path: never a javascript: or foreign link.
export function attachmentHref(url) {
	try {
		const u = new URL(url, location.href);
		if (u.protocol === 'http:' || u.protocol === 'https:')
			return u.origin === location.origin ? u.pathname + u.search : u.href;
	} catch {
		/* fall through */
	}
	return null;
}

// "Please try again in 5 minutes" from a Retry-After in seconds, if any.
export function tryLater(retryAfter) {
	const s = Number(retryAfter);
	if (!s || s <= 0)
		return { key: 'error.tooMany' };
	return { key: 'error.tooManyIn', vars: { count: Math.max(1, Math.ceil(s / 60)) } };
}

// POST /portal/requests with the form's fields and files, as the page's
// own form would, but answered in JSON (the route reads no credentials, so
// it needs no CSRF token).
export async function postRequest(form) {
	const res = await api('POST', '/portal/requests', form, { raw: true });
	let data = null;
	try {
		data = await res.json();
	} catch {
		data = null;
	}
	return { status: res.status, data, retryAfter: res.headers.get('Retry-After') };
}

// Icons as functions: a fresh element each time it is used.
export const Icon = {
	check: () => html`<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path d="M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6 12-12-1.4-1.4z" fill="currentColor"/></svg>`,
	clip: () => html`<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" fill="currentColor"/></svg>`,
	globe: () => html`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm6.9 6h-2.9a15.7 15.7 0 0 0-1.4-3.6A8 8 0 0 1 18.9 8zM12 4a14 14 0 0 1 1.9 4h-3.8A14 14 0 0 1 12 4zM4.3 14a8.2 8.2 0 0 1 0-4h3.4a16.5 16.5 0 0 0 0 4zm.8 2h2.9a15.7 15.7 0 0 0 1.4 3.6A8 8 0 0 1 5.1 16zM8 8H5.1a8 8 0 0 1 4.3-3.6A15.7 15.7 0 0 0 8 8zm4 12a14 14 0 0 1-1.9-4h3.8A14 14 0 0 1 12 20zm2.3-6H9.7a14.7 14.7 0 0 1 0-4h4.6a14.7 14.7 0 0 1 0 4zm.3 5.6a15.7 15.7 0 0 0 1.4-3.6h2.9a8 8 0 0 1-4.3 3.6zM16.3 14a16.5 16.5 0 0 0 0-4h3.4a8.2 8.2 0 0 1 0 4z" fill="currentColor"/></svg>`,
	logo: () => html`<svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="7" fill="#1f5fbf"/><path d="M9 8h14v4H14v3h8v4h-8v5H9z" fill="#fff"/></svg>`,
};
