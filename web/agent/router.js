// Paths under /agent/, moved between with the History API.
import { useEffect, useState } from '../shared/html.js';

const listeners = new Set();

export function navigate(path, { replace = false } = {}) {
	const url = path.startsWith('/agent/') ? path : `/agent/${path.replace(/^\//, '')}`;
	if (url === location.pathname + location.search)
		return;
	history[replace ? 'replaceState' : 'pushState'](null, '', url);
	for (const fn of listeners) fn();
	window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
	for (const fn of listeners) fn();
});

// The current path after /agent/, split, and the query parameters.
export function current() {
	const rest = location.pathname.replace(/^\/agent\/?/, '');
	return { parts: rest ? rest.split('/').map(decodeURIComponent) : [], query: new URLSearchParams(location.search) };
}

export function useRoute() {
	const [route, setRoute] = useState(current);
	useEffect(() => {
		const fn = () => setRoute(current());
		listeners.add(fn);
		return () => listeners.delete(fn);
	}, []);
	return route;
}

// <a> clicks inside the app move without a reload (new tabs still work).
export function linkClick(e) {
	const a = e.target.closest && e.target.closest('a[href^="/agent/"]');
	if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target)
		return;
	e.preventDefault();
	navigate(a.getAttribute('href'));
}
