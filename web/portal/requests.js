// "My requests": the signed-in customer's tickets, most recently updated first.
import { html, useState, useEffect } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t, formatAgo, formatDate } from '../shared/i18n.js';
import { useTitle, say } from './util.js';

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export function Status({ status }) {
	const s = STATUSES.includes(status) ? status : 'open';
	return html`<span class=${`badge status-${s}`} data-test="status" data-status=${s}>${t(`status.${s}`)}</span>`;
}

export function When({ iso, prefix }) {
	if (!iso)
		return null;
	const ago = formatAgo(iso);
	return html`<time datetime=${iso} title=${formatDate(iso, { dateStyle: 'full', timeStyle: 'short' })}>${prefix ? t(prefix, { when: ago }) : ago}</time>`;
}

// A next_page URL from the API, as a path on this server.
const pathOf = (url) => {
	try {
		const u = new URL(url, location.href);
		return u.pathname.startsWith('/api/v2/') ? u.pathname + u.search : null;
	} catch {
		return null;
	}
};

export function useTickets(perPage) {
	const [st, setSt] = useState({ loading: true, tickets: [], count: 0, next: null, error: null });
	async function load(path, more) {
		setSt((s) => ({ ...s, loading: true, error: null }));
		try {
			const r = await get(path);
			setSt((s) => ({
				loading: false, error: null,
				tickets: more ? s.tickets.concat(r.tickets || []) : r.tickets || [],
				count: typeof r.count === 'number' ? r.count : (r.tickets || []).length,
				next: r.next_page ? pathOf(r.next_page) : null,
			}));
		} catch (e) {
			setSt((s) => ({ ...s, loading: false, error: e.status === 0 ? { key: 'error.offline' } : { key: 'error.load' } }));
		}
	}
	const first = `/api/v2/tickets?sort=-updated_at&per_page=${perPage}`;
	useEffect(() => { load(first); }, []);
	return { ...st, reload: () => load(first), more: () => st.next && load(st.next, true) };
}

export function RequestRows({ tickets }) {
	return html`<ul class="p-rows">
		${tickets.map((tk) => html`<li key=${tk.id} data-test="request-row" data-id=${tk.id}>
			<a class="p-row" href=${`/portal/requests/${tk.id}`}>
				<span class="p-row-subject">${tk.subject || t('request.noSubject')}</span>
				<span class="p-row-meta"><span class="p-num">#${tk.id}</span> · <${When} iso=${tk.updated_at} prefix="list.updated" /></span>
				<span class="p-row-status"><${Status} status=${tk.status} /></span>
			</a>
		</li>`)}
	</ul>`;
}

export function MyRequests({ user }) {
	useTitle(t('nav.myRequests'));
	const list = useTickets(25);
	const staff = user && user.role && user.role !== 'end-user';
	return html`
	<div class="p-wide">
		<div class="p-head">
			<div>
				<h1 tabindex="-1">${t('nav.myRequests')}</h1>
				${!list.error && !(list.loading && !list.tickets.length) && html`
					<p class="p-count" data-test="requests-count" aria-live="polite">${t('list.count', { count: list.count })}</p>`}
			</div>
			<a class="button primary" href="/portal/requests/new" data-test="new-request">${t('nav.submit')}</a>
		</div>
		${staff && html`<div class="banner info" data-test="staff-note">${t('list.staff')} <a href="/agent/">${t('list.staffLink')}</a></div>`}
		${list.error && html`<div class="banner error" role="alert">${say(list.error)} <button type="button" class="link" onClick=${list.reload}>${t('action.retry')}</button></div>`}
		${list.loading && !list.tickets.length && !list.error && html`<p class="muted" role="status">${t('loading')}</p>`}
		${!list.loading && !list.error && !list.tickets.length && html`
			<div class="card p-empty" data-test="requests-empty">
				<h2>${t('list.emptyTitle')}</h2>
				<p class="muted">${t('list.empty')}</p>
				<a class="button primary" href="/portal/requests/new">${t('nav.submit')}</a>
			</div>`}
		${list.tickets.length > 0 && html`<${RequestRows} tickets=${list.tickets} />`}
		${list.next && html`<div class="p-more"><button type="button" onClick=${list.more} disabled=${list.loading} data-test="more">
			${list.loading ? t('loading') : t('list.more')}</button></div>`}
	</div>`;
}
