// The suggestion box in the workspace (docs/ideas.md, docs/web.md): the
// Ideas list (filtered by status, sorted by votes or date), an idea's page
// (status and public answer, visibility, linked tickets, comments), the
// ticket page's "Ideas" panel (suggest one on the customer's behalf, or
// link the ticket to one that exists) and Reports → Suggestions (ideas
// per status as SVG bars with the same figures in a table, the top ideas,
// and the CSV). Text customers typed is shown as text: never as HTML.
// A viewer (docs/security.md "Roles") reads the list and an idea's page
// with its answer and comments, and is offered nothing that changes them.
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, formatNumber } from '../shared/i18n.js';
import { BarChart } from './charts.js';
import { ConfirmDelete } from './hours.js';
import { navigate } from './router.js';
import { state } from './data.js';
import { Ago, Dialog, ErrorBanner, Figures, Picker, StatusBadge, toast, useLoad } from './ui.js';

export const IDEA_STATUSES = ['new', 'under_review', 'planned', 'done', 'declined'];
const API = '/api/v2/ideas';

export const IdeaStatus = ({ status }) =>
	html`<span class="badge idea-${status}" data-test="idea-status" data-status=${status}>${t(`ideas.status.${status}`)}</span>`;

// The path of a list reply's next page (offset or cursor paging), or null.
function nextOf(r) {
	const u = r && (r.next_page || (r.meta && r.meta.has_more && r.links && r.links.next));
	if (!u)
		return null;
	const x = new URL(u, location.origin);
	return x.pathname + x.search;
}

// A list that grows by a "more" button: the first page as useLoad read it
// (res), then each next page after it; a row a later page repeats (the
// order moved meanwhile) is shown once. Starts again when res does.
function useMore(res, field, key) {
	const [more, setMore] = useState({ of: null, items: [], next: null, busy: false });
	const cur = more.of === res ? more : { of: res, items: [], next: nextOf(res), busy: false };
	const seen = new Set();
	const items = (res ? [...(res[field] || []), ...cur.items] : []).filter((x) => !seen.has(x[key]) && seen.add(x[key]));
	async function load() {
		setMore({ ...cur, busy: true });
		try {
			const r = await get(cur.next);
			setMore({ of: res, items: [...cur.items, ...(r[field] || [])], next: nextOf(r), busy: false });
		} catch (e) {
			toast(e.message, 'error');
			setMore({ ...cur, busy: false });
		}
	}
	return { items, next: cur.next, busy: cur.busy, load };
}

const More = ({ list, label, testid }) => list.next &&
	html`<p><button type="button" disabled=${list.busy} onClick=${list.load} data-test=${testid}>${label}</button></p>`;

// The refusal in the agent's words when it names a field we know.
function refusal(x, prefix) {
	const f = x.status === 422 ? Object.keys(x.fields)[0] : null;
	const said = `${prefix}.${f}`;
	return f && t(said) !== said ? t(said) : x.message;
}

export function IdeaList({ query }) {
	const status = query.get('status') || '';
	const sort = query.get('sort') === 'recent' ? 'recent' : 'votes';
	const [res, error] = useLoad(() => get(`${API}?sort=${sort}&per_page=100${status ? `&status=${status}` : ''}`), [status, sort]);
	const go = (s, o) => navigate(`/agent/ideas?sort=${o}${s ? `&status=${s}` : ''}`);
	const pages = useMore(res, 'ideas', 'id');
	const list = pages.items;
	return html`<section aria-labelledby="ideas-title" data-test="ideas">
		<h1 id="ideas-title">${t('ideas.title')}</h1>
		<div class="row">
			<label for="ideas-status">${t('ideas.status')}</label>
			<select id="ideas-status" value=${status} onChange=${(e) => go(e.target.value, sort)} data-test="ideas-filter">
				<option value="">${t('ideas.all')}</option>
				${IDEA_STATUSES.map((s) => html`<option value=${s}>${t(`ideas.status.${s}`)}</option>`)}</select>
			<label for="ideas-sort">${t('ideas.sort')}</label>
			<select id="ideas-sort" value=${sort} onChange=${(e) => go(status, e.target.value)} data-test="ideas-sort">
				<option value="votes">${t('ideas.sort.votes')}</option>
				<option value="recent">${t('ideas.sort.recent')}</option></select>
		</div>
		<${ErrorBanner} error=${error} />
		${res && !list.length && html`<p class="muted" data-test="ideas-empty">${t('ideas.none')}</p>`}
		${list.length > 0 && html`<table class="list" data-test="ideas-table"><thead><tr>
			<th>${t('ideas.idea')}</th><th>${t('ideas.status')}</th><th>${t('ideas.votes')}</th>
			<th>${t('ideas.comments')}</th><th>${t('ideas.author')}</th><th>${t('ideas.created')}</th></tr></thead>
			<tbody>${list.map((i) => html`<tr key=${i.id} data-test="idea-row" data-id=${i.id}>
				<td><a href=${`/agent/ideas/${i.id}`}>${i.title}</a>${!i.public && html` <span class="badge internal">${t('ideas.private')}</span>`}</td>
				<td><${IdeaStatus} status=${i.status} /></td><td data-test="idea-votes">${i.vote_count}</td>
				<td>${i.comment_count}</td><td>${i.author_name}</td><td><${Ago} at=${i.created_at} /></td></tr>`)}</tbody></table>`}
		<${More} list=${pages} label=${t('ideas.more')} testid="ideas-more" />
	</section>`;
}

export function IdeaPage({ id }) {
	// the linked tickets are an agent's (a viewer opens no ticket)
	const reader = !!(state.me && state.me.role === 'viewer');
	const [res, error, again] = useLoad(() => Promise.all([get(`${API}/${id}`), get(`${API}/${id}/comments?page[size]=100`),
		reader ? null : get(`${API}/${id}/tickets?per_page=100`)]), [id]);
	const comments = useMore(res && res[1], 'comments', 'id');
	const links = useMore(res && res[2], 'idea_tickets', 'ticket_id');
	if (!res)
		return html`<${ErrorBanner} error=${error} />${!error && html`<p class="muted">${t('loading')}</p>`}`;
	const [{ idea }] = res;
	const tickets = links.items;
	return html`<article class="idea-page" aria-labelledby="idea-title" data-test="idea" data-id=${idea.id}>
		<p><a href="/agent/ideas">${t('ideas.back')}</a></p>
		<h1 id="idea-title" data-test="idea-title">${idea.title}</h1>
		<p class="row"><${IdeaStatus} status=${idea.status} />
			<span data-test="idea-vote-count">${t('ideas.vote_count', { count: idea.vote_count })}</span>
			<span class="muted">${t('ideas.by', { name: idea.author_name })} · <${Ago} at=${idea.created_at} /></span>
			${!idea.public && html`<span class="badge internal">${t('ideas.private')}</span>`}</p>
		${idea.details && html`<p class="idea-details" data-test="idea-details">${idea.details}</p>`}
		${reader ? html`<${AnswerRead} idea=${idea} />` : html`<${Answer} idea=${idea} onSaved=${again} />`}
		${!reader && html`<section class="panel" aria-labelledby="idea-tickets-title" data-test="idea-tickets">
			<h2 id="idea-tickets-title">${t('ideas.tickets')}</h2>
			${!tickets.length && html`<p class="muted">${t('ideas.tickets_none')}</p>`}
			<ul class="events">${tickets.map((x) => html`<li key=${x.ticket_id} data-test="idea-ticket" data-id=${x.ticket_id}>
				<a href=${`/agent/tickets/${x.ticket_id}`}>#${x.ticket_id} ${x.subject}</a> <${StatusBadge} status=${x.status} />
				${' '}<button type="button" class="link" data-test="idea-unlink" aria-label=${t('ideas.unlink_ticket', { id: x.ticket_id })}
					onClick=${async () => { try { await del(`${API}/${idea.id}/tickets/${x.ticket_id}`); } catch (e) { toast(e.message, 'error'); } again(); }}>${t('ideas.unlink')}</button></li>`)}</ul>
			<${More} list=${links} label=${t('ideas.more_tickets')} testid="idea-tickets-more" />
			<${LinkTicket} idea=${idea} onLinked=${again} />
		</section>`}
		<${Comments} idea=${idea} comments=${comments} onAdded=${again} reader=${reader} />
	</article>`;
}

// The status and the public answer, saved together: a new status tells the
// author and the voters by mail.
function Answer({ idea, onSaved }) {
	const [form, setForm] = useState({ status: idea.status, answer: idea.answer || '', public: idea.public });
	const [problem, setProblem] = useState(null);
	const [busy, setBusy] = useState(false);
	async function save(e) {
		e.preventDefault();
		setBusy(true);
		setProblem(null);
		try {
			await put(`${API}/${idea.id}`, { idea: form });
			toast(form.status !== idea.status ? t('ideas.saved_told') : t('ideas.saved'));
			onSaved();
		} catch (x) {
			setProblem(refusal(x, 'ideas.err'));
		}
		setBusy(false);
	}
	return html`<form class="panel" onSubmit=${save} aria-labelledby="idea-answer-title" data-test="idea-answer-form">
		<h2 id="idea-answer-title">${t('ideas.answer_title')}</h2>
		<div class="field"><label for="idea-status">${t('ideas.status')}</label>
			<select id="idea-status" value=${form.status} onChange=${(e) => setForm({ ...form, status: e.target.value })} data-test="idea-status-select">
				${IDEA_STATUSES.map((s) => html`<option value=${s}>${t(`ideas.status.${s}`)}</option>`)}</select></div>
		<div class="field"><label for="idea-answer">${t('ideas.answer')}</label>
			<textarea id="idea-answer" rows="4" maxlength="10000" value=${form.answer}
				onInput=${(e) => setForm({ ...form, answer: e.target.value })} data-test="idea-answer"></textarea>
			<p class="hint">${t('ideas.answer_hint')}</p></div>
		<label><input type="checkbox" checked=${form.public} onChange=${(e) => setForm({ ...form, public: e.target.checked })}
			data-test="idea-public" /> ${t('ideas.public')}</label>
		${problem && html`<div class="banner error" role="alert" data-test="idea-problem">${problem}</div>`}
		<p><button type="submit" class="primary" disabled=${busy} data-test="idea-save">${t('save')}</button></p>
		${idea.answered_at && html`<p class="hint">${t('ideas.answered', { name: idea.answered_by_name || '' })} <${Ago} at=${idea.answered_at} /></p>`}
	</form>`;
}

// The public answer as the customers read it, for a viewer.
const AnswerRead = ({ idea }) => (idea.answer ? html`<section class="panel" aria-labelledby="idea-answer-title" data-test="idea-answer-read">
	<h2 id="idea-answer-title">${t('ideas.answer')}</h2>
	<p class="idea-details">${idea.answer}</p>
	${idea.answered_at && html`<p class="hint">${t('ideas.answered', { name: idea.answered_by_name || '' })} <${Ago} at=${idea.answered_at} /></p>`}
</section>` : null);

function LinkTicket({ idea, onLinked }) {
	const [num, setNum] = useState('');
	const [problem, setProblem] = useState(null);
	async function link(e) {
		e.preventDefault();
		setProblem(null);
		try {
			await post(`${API}/${idea.id}/tickets`, { ticket_id: Number(num) });
			setNum('');
			onLinked();
		} catch (x) {
			setProblem(refusal(x, 'ideas.err'));
		}
	}
	return html`<form class="row" onSubmit=${link}>
		<label for="idea-link-ticket">${t('ideas.link_ticket')}</label>
		<input id="idea-link-ticket" inputmode="numeric" pattern="[0-9]+" size="8" value=${num} required
			onInput=${(e) => setNum(e.target.value)} data-test="idea-link-ticket" />
		<button type="submit" data-test="idea-link">${t('ideas.link')}</button>
		${problem && html`<span class="banner error" role="alert">${problem}</span>`}</form>`;
}

// The comments, oldest first, a page at a time; an agent removes an
// abusive one (asked once more on the page: it cannot be brought back);
// a reader (a viewer) reads them and no more.
function Comments({ idea, comments: pages, onAdded, reader }) {
	const [body, setBody] = useState('');
	const [problem, setProblem] = useState(null);
	const comments = pages.items;
	async function remove(c) {
		try {
			await del(`${API}/${idea.id}/comments/${c.id}`);
			toast(t('ideas.comment_deleted'));
		} catch (x) {
			toast(x.message, 'error');
		}
		onAdded();
	}
	async function add(e) {
		e.preventDefault();
		setProblem(null);
		try {
			await post(`${API}/${idea.id}/comments`, { comment: { body } });
			setBody('');
			onAdded();
		} catch (x) {
			setProblem(refusal(x, 'ideas.err'));
		}
	}
	return html`<section class="panel" aria-labelledby="idea-comments-title" data-test="idea-comments">
		<h2 id="idea-comments-title">${t('ideas.comments')} (${idea.comment_count})</h2>
		<ul class="events">${comments.map((c) => html`<li key=${c.id} data-test="idea-comment" data-id=${c.id}>
			<strong>${c.author_name}</strong>${c.official && html` <span class="badge">${t('ideas.official')}</span>`}
			<span class="muted"> · <${Ago} at=${c.created_at} /></span>
			${!reader && html` <${ConfirmDelete} testid="idea-comment" label=${t('ideas.delete_comment_label', { name: c.author_name })}
				question=${t('ideas.delete_comment_confirm', { name: c.author_name })} onConfirm=${() => remove(c)} />`}
			<p class="idea-details">${c.body}</p></li>`)}</ul>
		<${More} list=${pages} label=${t('ideas.more_comments')} testid="idea-comments-more" />
		${!reader && html`<form onSubmit=${add}><div class="field"><label for="idea-comment">${t('ideas.add_comment')}</label>
			<textarea id="idea-comment" rows="3" maxlength="5000" value=${body} required onInput=${(e) => setBody(e.target.value)}
				data-test="idea-comment-body"></textarea></div>
			${problem && html`<div class="banner error" role="alert">${problem}</div>`}
			<button type="submit" data-test="idea-comment-add">${t('ideas.comment')}</button></form>`}
	</section>`;
}

// The ticket page's panel: the ideas this ticket asked for, a new one
// typed for the requester, or a link to one that exists.
export function TicketIdeas({ ticket }) {
	const [res, error, again] = useLoad(() => get(`/api/v2/tickets/${ticket.id}/ideas?per_page=100`), [ticket.id]);
	const [dialog, setDialog] = useState(null);
	const pages = useMore(res, 'idea_tickets', 'idea_id');
	const list = pages.items;
	return html`<section class="panel" aria-labelledby="ticket-ideas-title" data-test="ticket-ideas">
		<h2 id="ticket-ideas-title">${t('ideas.title')}</h2>
		<${ErrorBanner} error=${error} />
		${res && !list.length && html`<p class="muted">${t('ideas.ticket_none')}</p>`}
		<ul class="events">${list.map((x) => html`<li key=${x.idea_id} data-test="ticket-idea" data-id=${x.idea_id}>
			<a href=${`/agent/ideas/${x.idea_id}`}>${x.idea_title}</a> <${IdeaStatus} status=${x.idea_status} />
			<span class="muted"> ${t('ideas.vote_count', { count: x.idea_votes })}</span></li>`)}</ul>
		<${More} list=${pages} label=${t('ideas.more')} testid="ticket-ideas-more" />
		<p class="row"><button type="button" onClick=${() => setDialog('new')} data-test="idea-suggest">${t('ideas.suggest')}</button>
			<button type="button" onClick=${() => setDialog('link')} data-test="idea-link-existing">${t('ideas.link_existing')}</button></p>
		${dialog === 'new' && html`<${Suggest} ticket=${ticket} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); again(); }} />`}
		${dialog === 'link' && html`<${Dialog} title=${t('ideas.link_existing')} onClose=${() => setDialog(null)}>
			<${Picker} id="idea-pick" label=${t('ideas.find')} placeholder=${t('ideas.find_hint')} testid="idea-pick"
				initial=${() => get(`${API}?sort=votes&per_page=20`).then((r) => r.ideas)}
				search=${(q) => get(`${API}?sort=votes&per_page=100`).then((r) => r.ideas.filter((i) => i.title.toLowerCase().includes(q.toLowerCase())))}
				show=${(i) => `${i.title} (${t('ideas.vote_count', { count: i.vote_count })})`}
				onPick=${async (i) => {
					try {
						await post(`${API}/${i.id}/tickets`, { ticket_id: ticket.id });
						toast(t('ideas.linked', { title: i.title }));
					} catch (e) {
						toast(e.message, 'error');
					}
					setDialog(null);
					again();
				}} /></${Dialog}>`}
	</section>`;
}

function Suggest({ ticket, onClose, onDone }) {
	const [form, setForm] = useState({ title: ticket.subject || '', details: '', public: true });
	const [problem, setProblem] = useState(null);
	const [busy, setBusy] = useState(false);
	async function send(e) {
		e.preventDefault();
		setBusy(true);
		setProblem(null);
		try {
			const r = await post(API, { idea: { ...form, author_id: ticket.requester_id, ticket_id: ticket.id } });
			toast(t('ideas.suggested', { title: r.idea.title }));
			onDone();
		} catch (x) {
			setProblem(refusal(x, 'ideas.err'));
			setBusy(false);
		}
	}
	return html`<${Dialog} title=${t('ideas.suggest')} onClose=${onClose}>
		<form onSubmit=${send} data-test="idea-suggest-form">
			<p class="hint">${t('ideas.suggest_hint')}</p>
			<div class="field"><label for="idea-new-title">${t('ideas.field_title')}</label>
				<input id="idea-new-title" maxlength="200" required value=${form.title}
					onInput=${(e) => setForm({ ...form, title: e.target.value })} data-test="idea-new-title" /></div>
			<div class="field"><label for="idea-new-details">${t('ideas.field_details')}</label>
				<textarea id="idea-new-details" rows="4" maxlength="10000" value=${form.details}
					onInput=${(e) => setForm({ ...form, details: e.target.value })} data-test="idea-new-details"></textarea></div>
			<label><input type="checkbox" checked=${form.public} onChange=${(e) => setForm({ ...form, public: e.target.checked })} /> ${t('ideas.public')}</label>
			${problem && html`<div class="banner error" role="alert">${problem}</div>`}
			<p><button type="submit" class="primary" disabled=${busy} data-test="idea-new-save">${t('ideas.submit')}</button></p>
		</form></${Dialog}>`;
}

// Reports → Suggestions: ideas in each status as bars (votes beside), the
// same figures as a table, the top ideas by votes, and the CSV.
function StatusChart({ rows }) {
	const h = 24, gap = 8, left = 130, width = 360;
	const max = Math.max(1, ...rows.map((r) => r.ideas));
	return html`<svg class="report-chart" role="img" data-test="idr-chart" width=${left + width + 60} height=${rows.length * (h + gap)}
		viewBox="0 0 ${left + width + 60} ${rows.length * (h + gap)}" aria-label=${t('idr.chart_label')}
		style="max-width: 100%; height: auto; font: inherit; font-size: 12px">
		${rows.map((r, i) => html`<g data-test="idr-bar" data-status=${r.status} data-ideas=${r.ideas}>
			<title>${t(`ideas.status.${r.status}`)}: ${t('idr.bar', { ideas: r.ideas, votes: r.votes })}</title>
			<text x=${left - 8} y=${i * (h + gap) + h / 2 + 4} text-anchor="end">${t(`ideas.status.${r.status}`)}</text>
			<rect x=${left} y=${i * (h + gap)} width=${Math.max(2, (r.ideas / max) * width)} height=${h} fill="#1f5fbf" />
			<text x=${left + Math.max(2, (r.ideas / max) * width) + 6} y=${i * (h + gap) + h / 2 + 4}>${formatNumber(r.ideas)}</text>
		</g>`)}</svg>`;
}

export function IdeaReport() {
	const [status, setStatus] = useState('');
	const q = status ? `&status=${status}` : '';
	const [res, error] = useLoad(() => get(`${API}/report?limit=20${q}`).then((r) => r.report), [status]);
	return html`<section aria-labelledby="idr-title" data-test="idea-report">
		<h1 id="idr-title">${t('idr.title')}</h1>
		<${ErrorBanner} error=${error} />
		${res && html`
			<${Figures} testid="idr-totals" items=${[
				[t('idr.ideas'), formatNumber(res.by_status.reduce((n, r) => n + r.ideas, 0)), 'idr-ideas'],
				[t('ideas.votes'), formatNumber(res.by_status.reduce((n, r) => n + r.votes, 0)), 'idr-votes']]} />
			<h2>${t('idr.by_status')}</h2>
			<${StatusChart} rows=${res.by_status} />
			<table class="list" data-test="idr-statuses"><caption class="sr-only">${t('idr.by_status')}</caption>
				<thead><tr><th>${t('ideas.status')}</th><th>${t('idr.ideas')}</th><th>${t('ideas.votes')}</th></tr></thead>
				<tbody>${res.by_status.map((r) => html`<tr data-test="idr-status" data-status=${r.status}>
					<td>${t(`ideas.status.${r.status}`)}</td><td>${formatNumber(r.ideas)}</td><td>${formatNumber(r.votes)}</td></tr>`)}</tbody></table>
			<h2>${t('idr.top')}</h2>
			<div class="row"><label for="idr-status">${t('ideas.status')}</label>
				<select id="idr-status" value=${status} onChange=${(e) => setStatus(e.target.value)} data-test="idr-filter">
					<option value="">${t('ideas.all')}</option>
					${IDEA_STATUSES.map((s) => html`<option value=${s}>${t(`ideas.status.${s}`)}</option>`)}</select>
				<a class="button" href=${`${API}/report?format=csv&limit=100${q}`} download="suggestions.csv" data-test="idr-csv">${t('idr.csv')}</a></div>
			<${BarChart} chart="idr-top" title=${t('idr.top')} rows=${res.top} name=${(i) => i.title} value=${(i) => i.vote_count} />
			${res.top.length ? html`<table class="list" data-test="idr-top"><thead><tr><th>${t('ideas.idea')}</th><th>${t('ideas.status')}</th>
				<th>${t('ideas.votes')}</th><th>${t('ideas.comments')}</th></tr></thead>
				<tbody>${res.top.map((i) => html`<tr data-test="idr-idea" data-id=${i.id}><td><a href=${`/agent/ideas/${i.id}`}>${i.title}</a></td>
					<td><${IdeaStatus} status=${i.status} /></td><td>${i.vote_count}</td><td>${i.comment_count}</td></tr>`)}</tbody></table>`
				: html`<p class="hint">${t('ideas.none')}</p>`}`}
	</section>`;
}
