// The queue an agent opened a ticket from, so that the ticket page can go
// on to the next ticket of it (j/k, "then next ticket") without going back
// to the list. The list calls listed() each time it loads a page; the order
// the agent saw is kept as it was, even when working the queue changes it
// on the server (a solved ticket leaves "my open tickets").
const KEY = 'fl.walk';

// { queue, ids, fetch }: fetch(page, cursor) answers a page of the same
// list as { tickets, more, cursor }; it lives in memory only, the ids also
// in sessionStorage so that a reloaded ticket page can still walk them.
let walk = (() => {
	try {
		const kept = JSON.parse(sessionStorage.getItem(KEY));
		return kept && Array.isArray(kept.ids) ? { queue: kept.queue, ids: kept.ids, fetch: null } : null;
	} catch {
		return null;
	}
})();

const MAX_PAGES = 20; // pages read looking for tickets not walked yet

/**
 * A page of a list was loaded: result is { tickets, more, cursor } as the
 * list got it for page `page`; fetch(page, cursor) gets another page the
 * same way. Another queue starts a new walk; the same queue adds the
 * page's tickets not yet in it, in their order.
 */
export function listed(queue, result, page, fetch) {
	const ids = result.tickets.map((x) => x.id);
	if (walk && walk.queue === queue && page > 1)
		walk = { queue, ids: [...walk.ids, ...ids.filter((id) => !walk.ids.includes(id))], fetch };
	else
		walk = { queue, ids, fetch };
	keep();
}

function keep() {
	try {
		sessionStorage.setItem(KEY, JSON.stringify({ queue: walk.queue, ids: walk.ids }));
	} catch { /* private mode: the walk lasts until a reload */ }
}

/**
 * The ticket after (dir 1) or before (dir -1) ticket id in the queue:
 * { id } to go to, or { end: 'last' | 'first' | 'none' } when there is
 * none ('none': the ticket was not opened from a queue). Past the last
 * remembered one it reads the queue again from its first page for tickets
 * the agent has not walked yet (those that came in meanwhile, or that
 * moved up as others were worked).
 */
export async function step(id, dir) {
	const at = walk ? walk.ids.indexOf(id) : -1;
	if (at < 0)
		return { end: 'none' };
	if (walk.ids[at + dir])
		return { id: walk.ids[at + dir] };
	if (dir < 0 || !walk.fetch)
		return { end: dir < 0 ? 'first' : 'last' };
	const w = walk;
	let cursor = null;
	for (let page = 1; page <= MAX_PAGES; page++) {
		const r = await w.fetch(page, cursor);
		const fresh = r.tickets.map((x) => x.id).filter((x) => !w.ids.includes(x));
		if (fresh.length) {
			w.ids.push(...fresh);
			keep();
			return { id: fresh[0] };
		}
		if (!r.more)
			break;
		cursor = r.cursor;
	}
	return { end: 'last' };
}

/** Where ticket id is in the walk: { at, of, queue } (1-based), or null. */
export function position(id) {
	const at = walk ? walk.ids.indexOf(id) : -1;
	return at < 0 ? null : { at: at + 1, of: walk.ids.length, queue: walk.queue };
}
