// One request: its status, the public conversation, and the reply box.
// Everything in a comment is the outside world's text, shown as text.
import { html, useState, useEffect, useRef } from '../shared/html.js';
import { get, post, put, upload } from '../shared/api.js';
import { t, formatDate, currentLocale } from '../shared/i18n.js';
import { Status, When } from './requests.js';
import { FileList } from './request-form.js';
import { store, draftReply, useTitle, formatSize, attachmentHref, say, tryLater, Icon } from './util.js';

async function allComments(id) {
	let path = `/api/v2/tickets/${id}/comments?per_page=100`, out = [];
	for (let i = 0; path && i < 50; i++) {
		const r = await get(path);
		out = out.concat(r.comments || []);
		path = null;
		if (r.next_page) {
			const u = new URL(r.next_page, location.href);
			path = u.pathname.startsWith('/api/v2/') ? u.pathname + u.search : null;
		}
	}
	return out;
}

export function RequestPage({ id, user, announce }) {
	const [ticket, setTicket] = useState(null);
	const [comments, setComments] = useState([]);
	const [error, setError] = useState(null);
	useTitle(ticket ? `${ticket.subject || t('request.noSubject')} (#${id})` : t('request.number', { number: id }));

	async function load() {
		try {
			const [tk, cs] = await Promise.all([get(`/api/v2/tickets/${id}`), allComments(id)]);
			setTicket(tk.ticket);
			setComments(cs);
			setError(null);
		} catch (e) {
			if (e.status !== 401)
				setError(e.status === 404 ? 'missing' : e.status === 0 ? { key: 'error.offline' } : { key: 'error.load' });
		}
	}
	useEffect(() => { load(); }, [id]);

	if (error === 'missing')
		return html`<div class="p-narrow">
			<h1 tabindex="-1">${t('request.missing')}</h1>
			<p>${t('request.missingHint')}</p>
			<a class="button primary" href="/portal/requests">${t('nav.myRequests')}</a>
		</div>`;

	const status = ticket && ticket.status;
	return html`
	<div class="p-narrow">
		<p class="p-back"><a href="/portal/requests">← ${t('nav.myRequests')}</a></p>
		<h1 tabindex="-1" data-test="request-subject">${ticket ? ticket.subject || t('request.noSubject') : t('request.number', { number: id })}</h1>
		${error && html`<div class="banner error" role="alert">${say(error)} <button type="button" class="link" onClick=${load}>${t('action.retry')}</button></div>`}
		${!ticket && !error && html`<p class="muted" role="status">${t('loading')}</p>`}
		${ticket && html`
			<div class="p-meta">
				<${Status} status=${status} />
				<span class="p-num" data-test="request-id">#${ticket.id}</span>
				<span class="muted">${t('request.created', { when: formatDate(ticket.created_at, { dateStyle: 'long' }) })}</span>
			</div>
			<p class=${`p-status-note p-note-${status}`} data-test="status-note">${t(`statusNote.${status}`)}</p>
			<h2 class="sr-only">${t('request.conversation')}</h2>
			<ol class="p-thread" data-test="conversation">
				${comments.map((c) => html`<${Comment} key=${c.id} c=${c} ticket=${ticket} user=${user} />`)}
			</ol>
			${(status === 'solved' || (status === 'closed' && ticket.satisfaction_rating
				&& ticket.satisfaction_rating.score !== 'offered')) && user && user.id === ticket.requester_id
				&& html`<${Rating} ticket=${ticket} onRated=${load} announce=${announce} />`}
			${status === 'closed'
				? html`<div class="card p-closed" data-test="closed">
					<p>${t('request.closedMore')}</p>
					<a class="button primary" href="/portal/requests/new">${t('nav.submit')}</a>
				</div>`
				: html`<${Reply} ticket=${ticket} onSent=${load} announce=${announce} />`}
		`}
	</div>`;
}

// "How would you rate the support you received?" on a solved request (the
// same question as the solved mail's links, docs/feedback.md "CSAT"): good
// or bad, a reason for bad from the desk's list, a comment; changed until
// the request is closed, when the rating is shown as it stands.
// A refusal of the rating in the customer's words: ours for each one we
// know by its field and reason, else a general sentence with the server's
// own text kept as a detail (it is English).
const RATING_ERRORS = {
	'score/InvalidValue': 'rating.choose',
	'comment/TooLong': 'rating.err.tooLong',
	'reason_id/InvalidValue': 'rating.err.reason',
	'ticket/Closed': 'rating.err.closed',
	'ticket/NotSolved': 'rating.err.notSolved',
};
function ratingError(err) {
	const [field] = Object.keys(err.fields);
	const first = field && err.fields[field][0];
	const key = err.status === 404 ? 'rating.err.gone' : first && RATING_ERRORS[`${field}/${first.error}`];
	return key ? { key } : { key: 'rating.failed', detail: err.message };
}

function Rating({ ticket, onRated, announce }) {
	const was = ticket.satisfaction_rating && ticket.satisfaction_rating.score !== 'offered' ? ticket.satisfaction_rating : null;
	const [score, setScore] = useState(was ? was.score : '');
	const [comment, setComment] = useState(was ? was.comment : '');
	const [reason, setReason] = useState(was && was.reason_id ? String(was.reason_id) : '');
	const [reasons, setReasons] = useState([]);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	useEffect(() => {
		get(`/api/v2/satisfaction_reasons?locale=${currentLocale()}`).then((r) => setReasons(r.reasons), () => setReasons([]));
	}, []);
	if (ticket.status === 'closed')
		return html`<div class="card p-rating" data-test="rating-closed">
			<p>${t('rating.yours')} <strong data-test="rating-score">${t(`rating.${was.score}`)}</strong></p>
			${was.comment && html`<blockquote>${was.comment}</blockquote>`}</div>`;
	async function send(e) {
		e.preventDefault();
		if (!score) {
			setError({ key: 'rating.choose' });
			return;
		}
		setBusy(true);
		try {
			await post(`/api/v2/tickets/${ticket.id}/satisfaction_rating`, { satisfaction_rating: { score, comment,
				reason_id: score === 'bad' && reason ? Number(reason) : null } });
			setError(null);
			announce(t('rating.thanks'));
			await onRated();
		} catch (err) {
			if (err.status !== 401)
				setError(err.status === 0 ? { key: 'reply.offline' } : err.status === 429 ? tryLater()
					: ratingError(err));
		}
		setBusy(false);
	}
	return html`<form class="card p-rating" onSubmit=${send} data-test="rating-form">
		<fieldset><legend>${t('rating.question')}</legend>
			<label><input type="radio" name="score" value="good" checked=${score === 'good'} onChange=${() => setScore('good')}
				data-test="rating-good" /> ${t('rating.good')}</label>
			<label><input type="radio" name="score" value="bad" checked=${score === 'bad'} onChange=${() => setScore('bad')}
				data-test="rating-bad" /> ${t('rating.bad')}</label></fieldset>
		${score === 'bad' && reasons.length > 0 && html`<label for="rating-reason">${t('rating.reason')}</label>
			<select id="rating-reason" value=${reason} onChange=${(e) => setReason(e.currentTarget.value)} data-test="rating-reason">
				<option value="">${t('rating.noReason')}</option>
				${reasons.map((r) => html`<option value=${String(r.id)}>${r.value}</option>`)}</select>`}
		<label for="rating-comment">${t('rating.comment')}</label>
		<textarea id="rating-comment" rows="3" maxlength="2000" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)}
			data-test="rating-comment"></textarea>
		${error && html`<p class="p-err" role="alert" data-test="rating-error">${say(error)}${error.detail
			&& html` <span class="muted" lang="en" data-test="rating-error-detail">(${error.detail})</span>`}</p>`}
		${was && html`<p class="hint" data-test="rating-current">${t('rating.yours')} ${t(`rating.${was.score}`)}. ${t('rating.change')}</p>`}
		<button type="submit" class="primary" disabled=${busy} data-test="rating-send">${t('rating.send')}</button>
	</form>`;
}

function author(c, ticket, user) {
	if (user && c.author_id === user.id)
		return { name: user.name || user.email, mine: true };
	if (c.author_id === ticket.requester_id)
		return { name: t('author.requester') };
	if ((ticket.collaborator_ids || []).includes(c.author_id) || (ticket.email_cc_ids || []).includes(c.author_id))
		return { name: t('author.participant') };
	return { name: t('author.support'), staff: true };
}

function initials(name) {
	const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
	return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

function Comment({ c, ticket, user }) {
	const who = author(c, ticket, user);
	const text = c.plain_body ?? c.body ?? '';
	const files = (c.attachments || []).filter((a) => !a.deleted);
	return html`<li class=${`comment p-comment${who.mine ? ' p-mine' : ''}${who.staff ? ' p-staff' : ''}`} data-test="comment" data-id=${c.id}>
		<header>
			<span class="p-avatar" aria-hidden="true">${who.staff ? Icon.logo() : initials(who.name)}</span>
			<strong class="p-author" data-test="comment-author">${who.name}</strong>
			${who.mine && html`<span class="muted">${t('author.you')}</span>`}
			<span class="spacer"></span>
			<${When} iso=${c.created_at} />
		</header>
		<div class="body" data-test="comment-body">${text}</div>
		${files.length > 0 && html`<ul class="attachments p-attachments" aria-label=${t('field.attachments')}>
			${files.map((a) => {
				const href = attachmentHref(a.content_url);
				const image = /^image\/(png|jpeg|gif|webp)$/.test(a.content_type || '');
				return href && html`<li key=${a.id}><a href=${href} download=${image ? undefined : a.file_name || ''} data-test="attachment">
					${image ? html`<img src=${href} alt="" loading="lazy" class="p-thumb" />` : Icon.clip()}
					<span class="p-file-name">${a.file_name}</span> <span class="muted">${formatSize(a.size)}</span>
				</a></li>`;
			})}
		</ul>`}
	</li>`;
}

function Reply({ ticket, onSent, announce }) {
	const key = draftReply(ticket.id);
	const [text, setText] = useState(() => store.get(key, '') || '');
	const [files, setFiles] = useState([]);
	const [tokens, setTokens] = useState(() => new Map());
	const [busy, setBusy] = useState(null);
	const [error, setError] = useState(null);
	const [sent, setSent] = useState(false);
	const area = useRef();

	const onInput = (e) => {
		const v = e.currentTarget.value;
		setText(v);
		setSent(false);
		if (v)
			store.set(key, v);
		else
			store.del(key);
		if (error && error.key === 'reply.empty' && v.trim())
			setError(null);
	};
	const addFiles = (e) => {
		const input = e.currentTarget;
		const added = Array.from(input.files || []);
		setFiles((old) => old.concat(added.filter((f) => !old.includes(f))));
		input.value = '';
	};

	async function send(e) {
		e.preventDefault();
		if (busy)
			return;
		if (!text.trim()) {
			setError({ key: 'reply.empty' });
			area.current && area.current.focus();
			return;
		}
		setError(null);
		setSent(false);
		try {
			const done = new Map(tokens);
			for (let i = 0; i < files.length; i++) {
				if (done.has(files[i]))
					continue;
				setBusy({ key: 'reply.uploading', vars: { n: i + 1, total: files.length } });
				done.set(files[i], (await upload(files[i])).token);
				setTokens(new Map(done));
			}
			setBusy({ key: 'reply.sending' });
			const comment = { body: text.replace(/\s+$/, '') };
			if (files.length)
				comment.uploads = files.map((f) => done.get(f));
			await put(`/api/v2/tickets/${ticket.id}`, { ticket: { comment } });
			store.del(key);
			setText('');
			setFiles([]);
			setTokens(new Map());
			setBusy(null);
			setSent(true);
			announce(t('reply.sent'));
			await onSent();
		} catch (err) {
			setBusy(null);
			if (err.status === 401)
				return; // the app sends the customer to sign in; the draft stays
			setError(err.status === 0 ? { key: 'reply.offline' } : err.status === 429 ? tryLater()
				: err.status === 413 ? { key: 'err.tooLarge' }
				: err.status === 422 && err.body && err.body.details && err.body.details.status ? { key: 'request.closedHint' }
				: { key: 'reply.failed', vars: { reason: err.message } });
			area.current && area.current.focus();
		}
	}

	return html`<form class="composer p-reply" onSubmit=${send} novalidate data-test="reply-form" aria-busy=${busy ? 'true' : undefined}>
		<label for="reply">${t('reply.label')}</label>
		${ticket.status === 'solved' && html`<p class="hint" id="reply-hint">${t('reply.reopens')}</p>`}
		<textarea id="reply" ref=${area} data-test="reply" rows="5" value=${text} onInput=${onInput}
			aria-invalid=${error && error.key === 'reply.empty' ? 'true' : undefined}
			aria-describedby=${[ticket.status === 'solved' && 'reply-hint', error && 'reply-error'].filter(Boolean).join(' ') || undefined}></textarea>
		${error && html`<p class="p-err" id="reply-error" role="alert" data-test="reply-error">${say(error)}</p>`}
		<${FileList} files=${files} onRemove=${(i) => setFiles((old) => old.filter((_, j) => j !== i))} />
		<div class="p-reply-bar">
			<input type="file" id="reply-files" class="p-file-hidden" multiple onChange=${addFiles} data-test="reply-attachments" />
			<label class="button p-attach" for="reply-files">${Icon.clip()} ${t('reply.attach')}</label>
			<span class="hint p-reply-state" role="status">${busy ? say(busy) : sent ? t('reply.sent') : text ? t('reply.draftSaved') : ''}</span>
			<button type="submit" class="primary" data-test="send-reply" disabled=${!!busy}>${busy ? t('reply.sending') : t('reply.send')}</button>
		</div>
	</form>`;
}
