// Queues: the built-in ones and the saved views, with live counts, and the
// ticket list each one opens (sort, filter, select many, change them all).
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, put } from '../shared/api.js';
import { t, formatNumber, currentLocale } from '../shared/i18n.js';
import { navigate } from './router.js';
import { state, loadUsers, userName, groupName } from './data.js';
import { useLive } from './live.js';
import { listed } from './walk.js';
import { Ago, ErrorBanner, StatusBadge, STATUSES, toast } from './ui.js';
import { NextBreach, getTimed, loadPolicies, serverNow } from './slaclock.js';

const DAY = 86400000;
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

// Each built-in queue is a search; "all" pages by cursor over every ticket.
const BUILTIN = [
	{ key: 'my-open', query: () => 'assignee:me status<solved' },
	{ key: 'unassigned', query: () => 'assignee:none status<solved' },
	{ key: 'all-open', query: () => 'status<solved' },
	{ key: 'pending', query: () => 'status:pending' },
	{ key: 'solved', query: () => `status:solved updated>${day(Date.now() - 7 * DAY)}` },
	{ key: 'all', query: () => '' },
];

// Counts of every queue, refreshed when tickets change; the first after the
// page itself had its turn (views: null until they are known).
export function useCounts(views) {
	const [counts, setCounts] = useState({});
	const timer = useRef(0);
	async function refresh() {
		if (!views)
			return;
		const next = {};
		try {
			for (const q of (await get('/api/v2/queues')).queues)
				next[q.id] = q.count;
		} catch { /* the counts stay blank */ }
		if (views.length) {
			try {
				const r = await get(`/api/v2/views/count_many?ids=${views.map((v) => v.id).join(',')}`);
				for (const c of r.view_counts)
					next[`view-${c.view_id}`] = c.value;
			} catch { /* idem */ }
		}
		setCounts(next);
	}
	useEffect(() => {
		const first = setTimeout(refresh, 300);
		return () => clearTimeout(first);
	}, [views && views.map((v) => v.id).join()]);
	useLive((kind) => {
		if (kind.startsWith('ticket.') || kind === 'reset') {
			clearTimeout(timer.current);
			timer.current = setTimeout(refresh, 400);
		}
	}, [views]);
	return counts;
}

// A saved view's title in the agent's language, else as the admin wrote it.
export const viewTitle = (view) => (view.title_translations || {})[currentLocale()] || view.title;

export function QueueNav({ views, counts, active }) {
	const item = (key, title) => html`<a href="/agent/queues/${key}" aria-current=${active === key ? 'page' : undefined}
		data-test="queue-${key}"><span>${title}</span><span class="count">${counts[key] === undefined ? '' : formatNumber(counts[key])}</span></a>`;
	return html`<nav aria-label=${t('nav.queues')}>
		<h2>${t('nav.queues')}</h2>
		${BUILTIN.map((q) => item(q.key, t(`queue.${q.key}`)))}
		${views.length > 0 && html`<h2>${t('nav.views')}</h2>`}
		${views.map((v) => item(`view-${v.id}`, viewTitle(v)))}
	</nav>`;
}

const SORTS = ['id', 'status', 'priority', 'created_at', 'updated_at'];
// The soonest breach_at of a ticket's running SLA clocks (tickets without
// one last): sorted by the server, only where the list has the tickets'
// slas — a queue or a view, not a filtered search.
const NEXT_BREACH = 'sla_next_breach_at';

// The tickets of a queue or a view with their SLA state (include=slas),
// each marked with when it was read, on the server's clock (slaclock.js).
async function withSlas(path) {
	const r = await getTimed(`${path}&include=slas`);
	const read = serverNow();
	for (const x of r.tickets)
		if (x.slas)
			x.slas.read = read;
	return r;
}

async function fetchPage(key, views, filter, sort, page, cursor) {
	const per = 50;
	const sorted = sort.by === NEXT_BREACH ? `sort_by=${NEXT_BREACH}&sort_order=${sort.desc ? 'desc' : 'asc'}`
		: `sort=${sort.desc ? '-' : ''}${sort.by}`;
	const keyset = `page[size]=${per}&${sorted}${cursor ? `&page[after]=${encodeURIComponent(cursor)}` : ''}`;
	const saved = views.find((v) => `view-${v.id}` === key);
	if (saved && (!filter || viewQuery(saved) === null)) {
		const r = await withSlas(`/api/v2/views/${key.slice(5)}/tickets?${keyset}`);
		return { tickets: r.tickets, count: null, more: r.meta.has_more, cursor: r.meta.after_cursor, slas: true };
	}
	const builtin = BUILTIN.find((q) => q.key === key);
	if (builtin && !filter) {
		const r = await withSlas(`/api/v2/queues/${key}/tickets?${keyset}`);
		return { tickets: r.tickets, count: r.count, more: r.meta.has_more, cursor: r.meta.after_cursor, slas: true };
	}
	const by = sort.by === NEXT_BREACH ? 'updated_at' : sort.by;
	const order = `sort_by=${by}&sort_order=${sort.desc ? 'desc' : 'asc'}`;
	const base = builtin ? builtin.query() : saved ? viewQuery(saved) : '';
	const q = `type:ticket ${base} ${filter}`.trim();
	const r = await get(`/api/v2/search?query=${encodeURIComponent(q)}&page=${page}&per_page=${per}&${order}`);
	return { tickets: r.results, count: r.count, more: !!r.next_page };
}

// A saved view's conditions as search terms, so that it can be filtered
// further; null when they cannot be said so ("any" conditions).
const FIELDS = { assignee_id: 'assignee', group_id: 'group', requester_id: 'requester',
	organization_id: 'organization', type: 'ticket_type' };
function viewQuery(view) {
	const cond = view.conditions || {};
	if ((cond.any || []).length)
		return null;
	return (cond.all || []).map((c) => {
		const op = { less_than: '<', greater_than: '>' }[c.operator] || ':';
		const value = c.value === null || c.value === '' ? 'none' : c.value;
		return `${c.operator === 'is_not' ? '-' : ''}${FIELDS[c.field] || c.field}${op}${value}`;
	}).join(' ');
}

export function TicketList({ queue, views, query }) {
	const [sort, setSort] = useState({ by: 'updated_at', desc: true });
	const [filter, setFilter] = useState(query.get('filter') || '');
	const [applied, setApplied] = useState(filter);
	const [page, setPage] = useState(1);
	const [cursors, setCursors] = useState([null]);
	const [data, setData] = useState(null);
	const [error, setError] = useState(null);
	const [cur, setCur] = useState(0);
	const [selected, setSelected] = useState(new Set());
	const [fresh, setFresh] = useState(new Set());
	const known = useRef(new Set());
	const reloadTimer = useRef(0);
	const [density, setDensity] = useState(((state.me || {}).preferences || {}).density || 'comfortable');
	// the targets and warnings the Next breach column colours by
	const [policies, setPolicies] = useState(null);
	useEffect(() => {
		loadPolicies().then(setPolicies, () => {});
	}, [data]);

	// Shown at once, kept on the server: the next sign-in, anywhere, has it.
	async function chooseDensity(d) {
		const was = density;
		setDensity(d);
		state.me.preferences = { ...state.me.preferences, density: d };
		try {
			await put('/api/v2/users/me/preferences', { preferences: { density: d } });
		} catch (e) {
			setDensity(was);
			state.me.preferences = { ...state.me.preferences, density: was };
			toast(e.message, 'error');
		}
	}

	async function load(quiet) {
		try {
			const r = await fetchPage(queue, views, applied, sort, page, cursors[page - 1]);
			await loadUsers(r.tickets.flatMap((x) => [x.requester_id, x.assignee_id]));
			const seen = known.current;
			const news = quiet ? r.tickets.filter((x) => !seen.has(x.id)).map((x) => x.id) : [];
			known.current = new Set(r.tickets.map((x) => x.id));
			if (news.length)
				setFresh(new Set(news));
			setData(r);
			listed(queue, r, page, (p, c) => fetchPage(queue, views, applied, sort, p, c));
			setError(null);
		} catch (e) {
			setError(e);
		}
	}
	useEffect(() => {
		setPage(1);
		setCursors([null]);
		setSelected(new Set());
		setCur(0);
	}, [queue, applied, sort.by, sort.desc]);
	useEffect(() => {
		load(false);
	}, [queue, applied, sort.by, sort.desc, page, views]);
	useLive((kind) => {
		if (kind.startsWith('ticket.') || kind === 'reset') {
			clearTimeout(reloadTimer.current);
			reloadTimer.current = setTimeout(() => load(true), 300);
		}
	}, [queue, applied, sort.by, sort.desc, page, views]);

	const tickets = data ? data.tickets : [];
	// j/k move, Enter opens, x selects. One listener reads the list and the
	// cursor from refs that each key moves at once: "k" then "Enter" typed
	// before the next render (or before an effect would bind a listener
	// anew) opens the ticket the cursor moved to, not the one it left.
	const keys = useRef({ tickets, cur });
	keys.current.tickets = tickets;
	keys.current.cur = cur;
	useEffect(() => {
		const key = (e) => {
			if (e.target.closest('input, textarea, select, [contenteditable]') || e.ctrlKey || e.metaKey || e.altKey)
				return;
			const k = keys.current, at = k.tickets[k.cur];
			if (e.key === 'j' || e.key === 'k') {
				k.cur = e.key === 'j' ? Math.max(0, Math.min(k.cur + 1, k.tickets.length - 1)) : Math.max(k.cur - 1, 0);
				setCur(k.cur);
			} else if (e.key === 'Enter' && at)
				navigate(`/agent/tickets/${at.id}`);
			else if (e.key === 'x' && at)
				toggle(at.id);
			else
				return;
			e.preventDefault();
		};
		document.addEventListener('keydown', key);
		return () => document.removeEventListener('keydown', key);
	}, []);
	useEffect(() => {
		const row = document.querySelector('tr.cursor');
		if (row && row.scrollIntoView)
			row.scrollIntoView({ block: 'nearest' });
	}, [cur]);

	function toggle(id) {
		setSelected((s) => {
			const n = new Set(s);
			if (n.has(id))
				n.delete(id);
			else
				n.add(id);
			return n;
		});
	}
	const allOn = tickets.length > 0 && tickets.every((x) => selected.has(x.id));
	// a column is sorted newest or most first, the next breach soonest first
	const sortBy = (by) => setSort((s) => ({ by, desc: s.by === by ? !s.desc : by !== NEXT_BREACH }));
	const header = (by, label, cls) => html`<th class=${cls} aria-sort=${sort.by === by ? (sort.desc ? 'descending' : 'ascending') : undefined}>
		<button type="button" onClick=${() => sortBy(by)}>${label}${sort.by === by ? (sort.desc ? ' ↓' : ' ↑') : ''}</button></th>`;
	const view = queue.startsWith('view-') && views.find((v) => `view-${v.id}` === queue);
	const title = queue.startsWith('view-') ? view && viewTitle(view) : t(`queue.${queue}`);

	function next() {
		if (data.cursor)
			setCursors((c) => [...c.slice(0, page), data.cursor]);
		setPage(page + 1);
	}

	return html`<section aria-labelledby="list-title">
		<div class="row">
			<h1 id="list-title">${title}</h1>
			${data && data.count !== null && html`<span class="muted" data-test="list-count">${t('tickets.count', { count: data.count })}</span>`}
			<span class="spacer"></span>
			<form class="row" role="search" onSubmit=${(e) => { e.preventDefault(); setApplied(filter.trim()); }}>
				<label class="sr-only" for="filter">${t('list.filter')}</label>
				<input id="filter" type="search" placeholder=${t('list.filter_hint')} value=${filter}
					onInput=${(e) => setFilter(e.target.value)} />
				<button type="submit">${t('list.filter')}</button>
			</form>
			<${Density} density=${density} onChange=${chooseDensity} />
		</div>
		<${ErrorBanner} error=${error} />
		${selected.size > 0 && html`<${BulkBar} ids=${[...selected]} tickets=${tickets}
			onDone=${() => { setSelected(new Set()); load(false); }} />`}
		<table class=${`list tickets ${density}`} data-test="ticket-list" data-density=${density}>
			<thead><tr>
				<th class="check"><input type="checkbox" aria-label=${t('list.select_all')} checked=${allOn}
					onChange=${() => setSelected(allOn ? new Set() : new Set(tickets.map((x) => x.id)))} /></th>
				${header('id', '#', 'id')}
				<th class="subject">${t('ticket.subject')}</th>
				${header('status', t('ticket.status'), 'status')}
				${header('priority', t('ticket.priority'), 'priority')}
				<th class="requester">${t('ticket.requester')}</th>
				<th class="assignee">${t('ticket.assignee')}</th>
				${header('updated_at', t('ticket.updated'), 'updated')}
				${!data || data.slas ? header(NEXT_BREACH, t('list.next_breach'), 'breach') : html`<th class="breach">${t('list.next_breach')}</th>`}
			</tr></thead>
			<tbody>
				${tickets.map((x, i) => html`<${Row} key=${x.id} ticket=${x} compact=${density === 'compact'} policies=${policies}
					class=${[i === cur && 'cursor', selected.has(x.id) && 'selected', fresh.has(x.id) && 'fresh'].filter(Boolean).join(' ')}
					selected=${selected.has(x.id)} onToggle=${() => toggle(x.id)} />`)}
			</tbody>
		</table>
		${data && tickets.length === 0 && html`<p class="muted" data-test="empty">${t('list.empty')}</p>`}
		<div class="pager">
			<button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('list.prev')}</button>
			<span class="muted">${t('list.page', { page })}</span>
			<button type="button" disabled=${!data || !data.more} onClick=${next}>${t('list.next')}</button>
			<span class="spacer"></span>
			<span class="hint keys">${t('list.keys')}</span>
		</div>
	</section>`;
}

// One ticket of the list. Compact: one line, every cell cut short with its
// full text in a tooltip; comfortable: tags and the group shown too. On a
// phone the cells make a two-line card (app.css).
function Row({ ticket: x, compact, policies, class: cls, selected, onToggle }) {
	const subject = x.subject || t('ticket.no_subject');
	const requester = userName(x.requester_id);
	const assignee = x.assignee_id ? userName(x.assignee_id) : '';
	const group = x.group_id ? groupName(x.group_id) : '';
	const priority = x.priority ? t(`priority.${x.priority}`) : '';
	return html`<tr data-test="ticket-row" data-id=${x.id} class=${cls}
		onClick=${(e) => { if (!e.target.closest('input, a')) navigate(`/agent/tickets/${x.id}`); }}>
		<td class="check"><input type="checkbox" aria-label=${t('list.select', { id: x.id })} checked=${selected}
			onChange=${onToggle} /></td>
		<td class="id muted">${x.id}</td>
		<td class="subject" title=${compact ? subject : undefined}><a class="subject" href="/agent/tickets/${x.id}">${subject}</a>
			${!compact && x.tags && x.tags.length > 0 && html`<div>${x.tags.slice(0, 4).map((g) => html`<span class="tag">${g}</span>`)}</div>`}</td>
		<td class="status"><${StatusBadge} status=${x.status} /></td>
		<td class="priority prio-${x.priority}" title=${compact ? priority : undefined}>${priority}</td>
		<td class="requester" title=${compact ? requester : undefined}>${requester}</td>
		<td class="assignee" title=${compact ? [assignee, group].filter(Boolean).join(' · ') : undefined}>
			${assignee || html`<span class="muted">—</span>`}
			${group && !compact ? html`<div class="hint">${group}</div>` : ''}</td>
		<td class="updated"><${Ago} at=${x.updated_at} /></td>
		<td class="breach"><${NextBreach} ticket=${x} policies=${policies} /></td>
	</tr>`;
}

// The list's density: comfortable (tags, group, room) or compact (one line
// a ticket).
function Density({ density, onChange }) {
	return html`<div class="density" role="group" aria-label=${t('list.density')} data-test="density">
		${['comfortable', 'compact'].map((d) => html`<button type="button" aria-pressed=${density === d ? 'true' : 'false'}
			data-test="density-${d}" onClick=${() => onChange(d)}>${t(`list.density.${d}`)}</button>`)}
	</div>`;
}

// Changes every selected ticket: status, assignee, group, added tags.
function BulkBar({ ids, tickets, onDone }) {
	const [status, setStatus] = useState('');
	const [assignee, setAssignee] = useState('');
	const [group, setGroup] = useState('');
	const [tags, setTags] = useState('');
	const [busy, setBusy] = useState(false);

	async function apply(e) {
		e.preventDefault();
		const add = tags.split(/[\s,]+/).filter(Boolean);
		setBusy(true);
		let failed = 0;
		const queue = [...ids];
		const worker = async () => {
			while (queue.length) {
				const id = queue.shift();
				const old = tickets.find((x) => x.id === id) || { tags: [] };
				const change = {};
				if (status)
					change.status = status;
				if (assignee)
					change.assignee_id = assignee === 'none' ? null : Number(assignee);
				if (group)
					change.group_id = group === 'none' ? null : Number(group);
				if (add.length)
					change.tags = [...new Set([...(old.tags || []), ...add])];
				try {
					await put(`/api/v2/tickets/${id}`, { ticket: change });
				} catch {
					failed++;
				}
			}
		};
		await Promise.all([worker(), worker(), worker(), worker()]);
		setBusy(false);
		if (failed)
			toast(t('bulk.failed', { count: failed }), 'error');
		else
			toast(t('bulk.done', { count: ids.length }));
		onDone();
	}

	return html`<form class="bulk" onSubmit=${apply} data-test="bulk" aria-label=${t('bulk.title')}>
		<strong>${t('bulk.selected', { count: ids.length })}</strong>
		<label class="sr-only" for="bulk-status">${t('ticket.status')}</label>
		<select id="bulk-status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
			<option value="">${t('ticket.status')}…</option>
			${STATUSES.filter((s) => s !== 'new' && s !== 'closed').map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
		</select>
		<label class="sr-only" for="bulk-assignee">${t('ticket.assignee')}</label>
		<select id="bulk-assignee" value=${assignee} onChange=${(e) => setAssignee(e.target.value)}>
			<option value="">${t('ticket.assignee')}…</option>
			<option value="none">${t('ticket.unassigned')}</option>
			${state.agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
		</select>
		<label class="sr-only" for="bulk-group">${t('ticket.group')}</label>
		<select id="bulk-group" value=${group} onChange=${(e) => setGroup(e.target.value)}>
			<option value="">${t('ticket.group')}…</option>
			<option value="none">—</option>
			${state.groups.map((g) => html`<option value=${g.id}>${g.name}</option>`)}
		</select>
		<label class="sr-only" for="bulk-tags">${t('bulk.add_tags')}</label>
		<input id="bulk-tags" placeholder=${t('bulk.add_tags')} value=${tags} onInput=${(e) => setTags(e.target.value)} />
		<button class="primary" type="submit" disabled=${busy || !(status || assignee || group || tags.trim())}>${t('bulk.apply')}</button>
	</form>`;
}
