// Search over tickets, people and organizations with the core's query
// language (docs/api.md): `status<solved refund`, `type:user ana@`, ….
import { html, useState } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { loadUsers, userName } from './data.js';
import { Ago, ErrorBanner, StatusBadge, useLoad } from './ui.js';

const KINDS = ['ticket', 'user', 'organization'];

// The server's snippet is escaped text with <em> around hits: show it as
// text with marks, never as HTML.
export function Snippet({ text }) {
	const parts = String(text).split(/<\/?em>/);
	const plain = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
	return html`<span class="hint">${parts.map((p, i) => (i % 2 ? html`<mark>${plain(p)}</mark>` : plain(p)))}</span>`;
}

export function SearchPage({ query }) {
	const [kind, setKind] = useState('ticket');
	const [page, setPage] = useState(1);
	const [res, error] = useLoad(async () => {
		if (!query.trim())
			return null;
		const q = /\btype:/.test(query) ? query : `type:${kind} ${query}`;
		const r = await get(`/api/v2/search?query=${encodeURIComponent(q)}&page=${page}&per_page=25`);
		await loadUsers(r.results.filter((x) => x.result_type === 'ticket').map((x) => x.requester_id));
		return r;
	}, [query, kind, page]);

	return html`<section aria-labelledby="search-title">
		<h1 id="search-title">${t('search.title')}</h1>
		<div class="row" role="tablist" aria-label=${t('search.kind')}>
			${KINDS.map((k) => html`<button type="button" role="tab" aria-selected=${kind === k} class=${kind === k ? 'primary' : ''}
				onClick=${() => { setKind(k); setPage(1); }}>${t(`search.${k}s`)}</button>`)}
		</div>
		<p class="hint">${t('search.help')}</p>
		<${ErrorBanner} error=${error} />
		${res && html`<p class="muted" data-test="search-count">${t('search.found', { count: res.count })}</p>
		<ul class="events" data-test="search-results">
			${res.results.map((x) => html`<li key=${`${x.result_type}${x.id}`} data-test="search-result">${x.result_type === 'ticket'
				? html`<a href="/agent/tickets/${x.id}"><strong>#${x.id} ${x.subject}</strong></a>
					<div class="row"><${StatusBadge} status=${x.status} /><span class="hint">${userName(x.requester_id)} · <${Ago} at=${x.updated_at} /></span></div>
					${x.snippet && html`<${Snippet} text=${x.snippet} />`}`
				: x.result_type === 'user'
					? html`<a href="/agent/customers/${x.id}"><strong>${x.name}</strong></a> <span class="hint">${x.email} · ${x.role}</span>`
					: html`<a href="/agent/organizations/${x.id}"><strong>${x.name}</strong></a>`}</li>`)}
		</ul>
		<div class="pager">
			<button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('list.prev')}</button>
			<span class="muted">${t('list.page', { page })}</span>
			<button type="button" disabled=${!res.next_page} onClick=${() => setPage(page + 1)}>${t('list.next')}</button>
		</div>`}
		${!query.trim() && html`<p class="muted">${t('search.empty')}</p>`}
	</section>`;
}
