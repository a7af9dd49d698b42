// The portal's suggestion box (docs/ideas.md): ideas by votes or newest,
// filtered by status; an idea's page with the team's public answer and the
// comments; a new idea. Anyone reads the public ideas; voting, commenting
// and submitting need the portal's sign-in (a page sends a visitor there
// and back). What customers typed is shown as text, never as HTML.
import { html, useState, useEffect } from '../shared/html.js';
import { api, get, post } from '../shared/api.js';
import { t, currentLocale } from '../shared/i18n.js';
import { navigate, query } from './router.js';
import { When } from './requests.js';
import { useTitle, say } from './util.js';

const API = '/api/v2/ideas';
export const IDEA_STATUSES = ['new', 'under_review', 'planned', 'done', 'declined'];

const Status = ({ status }) =>
	html`<span class=${`badge idea-${status}`} data-test="idea-status" data-status=${status}>${t(`idea.status.${status}`)}</span>`;

const signInFirst = () => navigate(`/portal/signin?next=${encodeURIComponent(location.pathname)}`);

// An API refusal as words: ours when it names a field we know.
function problemOf(e, prefix) {
	if (e.status === 0)
		return { key: 'error.offline' };
	if (e.status === 429)
		return { key: 'idea.err.tooMany' };
	const f = e.status === 422 ? Object.keys(e.fields)[0] : null;
	return f && t(`${prefix}.${f}`) !== `${prefix}.${f}` ? { key: `${prefix}.${f}` } : { text: e.message };
}

// The path of a list reply's next page (offset or cursor paging), or null.
function nextOf(r) {
	const u = r && (r.next_page || (r.meta && r.meta.has_more && r.links && r.links.next));
	if (!u)
		return null;
	const x = new URL(u, location.origin);
	return x.pathname + x.search;
}

// rows, then more of them, each id once (a list sorted by votes may move
// between two pages).
function joined(rows, more) {
	const seen = new Set(rows.map((x) => x.id));
	return [...rows, ...more.filter((x) => !seen.has(x.id) && seen.add(x.id))];
}

// A person's name as the API gives it; "Customer" (a name that was an
// e-mail address or a telephone number, not published) in the reader's
// language.
const who = (name) => (name === 'Customer' ? t('idea.customer') : name || '');

// Vote and take it back; the count as the server answers it.
function VoteButton({ idea, user, onChange }) {
	const [busy, setBusy] = useState(false);
	const [problem, setProblem] = useState(null);
	async function toggle() {
		if (!user)
			return signInFirst();
		setBusy(true);
		setProblem(null);
		try {
			const r = idea.voted ? await api('DELETE', `${API}/${idea.id}/vote`) : await post(`${API}/${idea.id}/up`, {});
			onChange(r.idea);
		} catch (e) {
			setProblem(problemOf(e, 'idea.err'));
		}
		setBusy(false);
	}
	return html`<span class="p-vote">
		<button type="button" class=${idea.voted ? 'primary' : ''} aria-pressed=${idea.voted ? 'true' : 'false'} disabled=${busy}
			onClick=${toggle} data-test="idea-vote" aria-label=${t(idea.voted ? 'idea.unvoteFor' : 'idea.voteFor', { title: idea.title })}>
			▲ <span data-test="idea-votes">${idea.vote_count}</span></button>
		${problem && html`<span class="p-vote-problem" role="alert">${say(problem)}</span>`}</span>`;
}

export function Ideas({ user }) {
	useTitle(t('idea.title'));
	const status = query('status') || '';
	const sort = query('sort') === 'recent' ? 'recent' : 'votes';
	const [st, setSt] = useState({ loading: true, ideas: [], next: null, error: null });
	const failed = (e) => (e.status === 0 ? { key: 'error.offline' } : { key: 'error.load' });
	useEffect(() => {
		setSt((s) => ({ ...s, loading: true }));
		get(`${API}?sort=${sort}&per_page=50${status ? `&status=${status}` : ''}`)
			.then((r) => setSt({ loading: false, ideas: r.ideas, next: nextOf(r), error: null }),
				(e) => setSt({ loading: false, ideas: [], next: null, error: failed(e) }));
	}, [status, sort]);
	function more() {
		const from = st.next;
		setSt((s) => ({ ...s, loading: true }));
		get(from).then((r) => setSt((s) => (s.next === from ? { loading: false, ideas: joined(s.ideas, r.ideas), next: nextOf(r), error: null } : s)),
			(e) => setSt((s) => ({ ...s, loading: false, error: failed(e) })));
	}
	const go = (s, o) => navigate(`/portal/ideas?sort=${o}${s ? `&status=${s}` : ''}`, { replace: true });
	const changed = (i) => setSt((s) => ({ ...s, ideas: s.ideas.map((x) => (x.id === i.id ? i : x)) }));
	return html`<div class="p-wide">
		<div class="p-head">
			<div><h1 tabindex="-1">${t('idea.title')}</h1><p class="muted">${t('idea.lede')}</p></div>
			<a class="button primary" href="/portal/ideas/new" data-test="idea-new">${t('idea.submit')}</a>
		</div>
		<div class="p-filters">
			<label>${t('idea.filter')} <select value=${status} onChange=${(e) => go(e.target.value, sort)} data-test="idea-filter">
				<option value="">${t('idea.all')}</option>
				${IDEA_STATUSES.map((s) => html`<option value=${s}>${t(`idea.status.${s}`)}</option>`)}</select></label>
			<label>${t('idea.sort')} <select value=${sort} onChange=${(e) => go(status, e.target.value)} data-test="idea-sort">
				<option value="votes">${t('idea.sort.votes')}</option><option value="recent">${t('idea.sort.recent')}</option></select></label>
		</div>
		${st.error && html`<div class="banner error" role="alert">${say(st.error)}</div>`}
		${st.loading && !st.ideas.length && html`<p class="muted" role="status">${t('loading')}</p>`}
		${!st.loading && !st.error && !st.ideas.length && html`<div class="card p-empty" data-test="ideas-empty"><p>${t('idea.none')}</p></div>`}
		${st.ideas.length > 0 && html`<ul class="p-rows p-ideas">${st.ideas.map((i) => html`<li key=${i.id} class="p-idea" data-test="idea-row" data-id=${i.id}>
			<${VoteButton} idea=${i} user=${user} onChange=${changed} />
			<span class="p-idea-main"><a href=${`/portal/ideas/${i.id}`} class="p-row-subject" data-test="idea-link">${i.title}</a>
				<span class="p-row-meta"><${Status} status=${i.status} /> · ${t('idea.comments', { count: i.comment_count })} · <${When} iso=${i.created_at} /></span></span>
		</li>`)}</ul>`}
		${st.next && html`<p><button type="button" disabled=${st.loading} onClick=${more} data-test="ideas-more">${t('idea.more')}</button></p>`}
	</div>`;
}

export function IdeaPage({ id, user }) {
	const [idea, setIdea] = useState(null);
	const [comments, setComments] = useState({ list: [], next: null });
	const [error, setError] = useState(null);
	const [body, setBody] = useState('');
	const [problem, setProblem] = useState(null);
	useTitle(idea ? idea.title : t('idea.title'));
	// comments oldest first, in cursor pages: one written meanwhile shifts none
	const load = () => Promise.all([get(`${API}/${id}`), get(`${API}/${id}/comments?page[size]=100`)])
		.then(([a, b]) => { setIdea(a.idea); setComments({ list: b.comments, next: nextOf(b) }); setError(null); },
			(e) => setError(e.status === 404 ? { key: 'idea.missing' } : { key: 'error.load' }));
	const moreComments = () => get(comments.next).then(
		(b) => setComments((c) => ({ list: joined(c.list, b.comments), next: nextOf(b) })),
		() => setError({ key: 'error.load' }));
	useEffect(() => { load(); }, [id]);
	async function comment(e) {
		e.preventDefault();
		setProblem(null);
		try {
			await post(`${API}/${id}/comments`, { comment: { body } });
			setBody('');
			load();
		} catch (x) {
			setProblem(problemOf(x, 'idea.err'));
		}
	}
	if (error)
		return html`<div class="p-narrow"><h1 tabindex="-1">${t('idea.title')}</h1><div class="banner error" role="alert" data-test="idea-error">${say(error)}</div>
			<a href="/portal/ideas">${t('idea.back')}</a></div>`;
	if (!idea)
		return html`<p class="muted" role="status">${t('loading')}</p>`;
	return html`<div class="p-narrow" data-test="idea-page" data-id=${idea.id}>
		<p><a href="/portal/ideas">${t('idea.back')}</a></p>
		<div class="p-idea-head">
			<${VoteButton} idea=${idea} user=${user} onChange=${setIdea} />
			<div><h1 tabindex="-1" data-test="idea-title" lang=${idea.locale}>${idea.title}</h1>
				<p class="p-row-meta"><${Status} status=${idea.status} /> · ${t('idea.by', { name: who(idea.author_name) })} · <${When} iso=${idea.created_at} /></p></div>
		</div>
		${idea.details && html`<p class="idea-details" data-test="idea-details" lang=${idea.locale}>${idea.details}</p>`}
		${idea.answer && html`<section class="card p-answer" aria-labelledby="answer-title" data-test="idea-answer">
			<h2 id="answer-title">${t('idea.answer')}</h2><p class="idea-details">${idea.answer}</p>
			${idea.answered_at && html`<p class="muted"><${When} iso=${idea.answered_at} /></p>`}</section>`}
		<section aria-labelledby="comments-title">
			<h2 id="comments-title">${t('idea.comments', { count: idea.comment_count })}</h2>
			<ul class="p-comments">${comments.list.map((c) => html`<li key=${c.id} data-test="idea-comment" class=${c.official ? 'official' : ''}>
				<strong>${who(c.author_name)}</strong>${c.official && html` <span class="badge">${t('idea.team')}</span>`} · <${When} iso=${c.created_at} />
				<p class="idea-details">${c.body}</p></li>`)}</ul>
			${comments.next && html`<p><button type="button" onClick=${moreComments} data-test="idea-comments-more">${t('idea.moreComments')}</button></p>`}
			${user ? html`<form onSubmit=${comment} class="card p-form">
				<div class="field"><label for="idea-comment">${t('idea.addComment')}</label>
					<textarea id="idea-comment" rows="3" maxlength="5000" required value=${body} onInput=${(e) => setBody(e.target.value)} data-test="idea-comment-body"></textarea></div>
				${problem && html`<div class="banner error" role="alert">${say(problem)}</div>`}
				<button type="submit" data-test="idea-comment-add">${t('idea.comment')}</button></form>`
				: html`<p><a href=${`/portal/signin?next=${encodeURIComponent(`/portal/ideas/${idea.id}`)}`} data-test="idea-signin">${t('idea.signinToTake')}</a></p>`}
		</section>
	</div>`;
}

export function NewIdea({ user }) {
	useTitle(t('idea.submit'));
	const [form, setForm] = useState({ title: '', details: '' });
	const [problem, setProblem] = useState(null);
	const [busy, setBusy] = useState(false);
	async function send(e) {
		e.preventDefault();
		setBusy(true);
		setProblem(null);
		try {
			const r = await post(API, { idea: { ...form, locale: currentLocale() } });
			navigate(`/portal/ideas/${r.idea.id}`);
		} catch (x) {
			setProblem(problemOf(x, 'idea.err'));
			setBusy(false);
		}
	}
	return html`<div class="p-narrow">
		<h1 tabindex="-1">${t('idea.submit')}</h1>
		<p class="muted">${t('idea.submitLede')}</p>
		<form class="card p-form" onSubmit=${send} data-test="idea-form">
			<div class="field"><label for="idea-title">${t('idea.field.title')}</label>
				<input id="idea-title" maxlength="200" required value=${form.title} onInput=${(e) => setForm({ ...form, title: e.target.value })} data-test="idea-title-input" /></div>
			<div class="field"><label for="idea-details">${t('idea.field.details')} <span class="muted">${t('optional')}</span></label>
				<textarea id="idea-details" rows="6" maxlength="10000" value=${form.details} onInput=${(e) => setForm({ ...form, details: e.target.value })} data-test="idea-details-input"></textarea></div>
			${problem && html`<div class="banner error" role="alert" data-test="idea-problem">${say(problem)}</div>`}
			<div class="p-actions"><button type="submit" class="primary" disabled=${busy} data-test="idea-send">${t('idea.send')}</button></div>
		</form>
		${user && user.role && user.role !== 'end-user' && html`<p class="banner info">${t('idea.staff')}</p>`}
	</div>`;
}
