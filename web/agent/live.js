// Live events (Server-Sent Events from /api/v2/events), fanned out to the
// pages that listen: ticket.created, ticket.updated, ticket.deleted,
// agent.viewing, task.changed, task.due, the live chat's chat.queued,
// chat.offered, chat.updated, chat.message, chat.typing and chat.read
// (each only says what changed: a page fetches the rest), and reset
// (reload everything shown).
import { neutralize } from '../shared/api.js';
import { useEffect } from '../shared/html.js';

const KINDS = ['ticket.created', 'ticket.updated', 'ticket.deleted', 'agent.viewing', 'task.changed', 'task.due',
	'chat.queued', 'chat.offered', 'chat.updated', 'chat.message', 'chat.typing', 'chat.read', 'reset'];
const listeners = new Set();
let source = null;

export function startLive() {
	if (source)
		return;
	source = new EventSource('/api/v2/events');
	for (const kind of KINDS) {
		source.addEventListener(kind, (e) => {
			let data = {};
			try {
				data = neutralize(JSON.parse(e.data || '{}'));
			} catch {
				return;
			}
			emit(kind, data);
		});
	}
}

// Tells the listeners of an event this page caused itself, before the
// server's comes (an offer accepted from the notice: the console shows
// the chat at once); the server's own event still follows and must be
// harmless to hear twice.
export function emit(kind, data) {
	for (const fn of listeners) fn(kind, data);
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
