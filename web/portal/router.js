// Pages without reloads: the History API, and links into the portal that
// change the page in place. The server answers every /portal/... path with
// the same index.html, so a reload or a shared link lands on the same page.
import { useState, useEffect } from '../shared/html.js';

const listeners = new Set();

function changed(scroll) {
	for (const fn of listeners) fn();
	if (scroll) window.scrollTo(0, 0);
}

export function navigate(to, { replace = false } = {}) {
	if (replace)
		history.replaceState(null, '', to);
	else
		history.pushState(null, '', to);
	changed(true);
}

addEventListener('popstate', () => changed(false));

// The path and query of the page shown; components re-render when it changes.
export function useLocation() {
	const [here, setHere] = useState(location.pathname + location.search);
	useEffect(() => {
		const fn = () => setHere(location.pathname + location.search);
		listeners.add(fn);
		return () => listeners.delete(fn);
	}, []);
	return here;
}

document.addEventListener('click', (e) => {
	if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
		return;
	const a = e.target.closest && e.target.closest('a[href]');
	if (!a || a.target || a.hasAttribute('download'))
		return;
	const url = new URL(a.href, location.href);
	if (url.origin !== location.origin || !url.pathname.startsWith('/portal/'))
		return;
	if (url.hash && url.pathname === location.pathname && url.search === location.search)
		return; // an anchor on this page
	e.preventDefault();
	navigate(url.pathname + url.search + url.hash);
});

// Where to go after signing in: only a page of the portal, never elsewhere.
export function safeNext(next) {
	return typeof next === 'string' && /^\/portal\/[\w\-/]*$/.test(next) && !next.includes('//') ? next : null;
}

export const query = (name) => new URLSearchParams(location.search).get(name);
