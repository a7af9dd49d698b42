// Live events (Server-Sent Events from /api/v2/events), fanned out to the
// pages that listen: ticket.created, ticket.updated, ticket.deleted,
// agent.viewing, task.changed, task.due, and reset (reload everything shown).
import { neutralize } from '../shared/api.js';
import { useEffect } from '../shared/html.js';

const listeners = new Set();
let source = null;

export function startLive() {
	if (source)
		return;
	source = new EventSource('/api/v2/events');
	for (const kind of ['ticket.created', 'ticket.updated', 'ticket.deleted', 'agent.viewing', 'task.changed', 'task.due', 'reset']) {
		source.addEventListener(kind, (e) => {
			let data = {};
			try {
				data = neutralize(JSON.parse(e.data || '{}'));
			} catch {
				return;
			}
			for (const fn of listeners) fn(kind, data);
		});
	}
}

export function stopLive() {
	if (source)
		source.close();
	source = null;
}

export function useLive(fn, deps) {
	useEffect(() => {
		listeners.add(fn);
		return () => listeners.delete(fn);
	}, deps);
}
