// The contact / complaint form. The page itself holds the same form as plain
// HTML for visitors without JavaScript; this one checks the fields, keeps a
// draft, posts with fetch and answers in place. While the customer types,
// it suggests help-center articles (docs/kb.md "Self-service"): "this
// solved my problem" records a deflection and sends nothing; a request sent
// anyway says which articles had been shown.
import { html, useState, useEffect, useRef } from '../shared/html.js';
import { api } from '../shared/api.js';
import { t, currentLocale } from '../shared/i18n.js';
import { store, DRAFT_REQUEST, useTitle, formatSize, tx, say, tryLater, postRequest, Icon } from './util.js';

export const FIELDS = ['name', 'email', 'subject', 'description'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SUBJECT_MAX = 300;

function initial(user) {
	const d = store.get(DRAFT_REQUEST, {}) || {};
	const v = {};
	for (const f of FIELDS)
		v[f] = typeof d[f] === 'string' ? d[f] : '';
	if (user) {
		v.name = v.name || user.name || '';
		v.email = v.email || user.email || '';
	}
	return v;
}

function validate(v) {
	const e = {};
	if (!v.name.trim())
		e.name = { key: 'err.name.blank' };
	if (!v.email.trim())
		e.email = { key: 'err.email.blank' };
	else if (!EMAIL.test(v.email.trim()))
		e.email = { key: 'err.email.invalid' };
	if (!v.subject.trim())
		e.subject = { key: 'err.subject.blank' };
	else if (v.subject.trim().length > SUBJECT_MAX)
		e.subject = { key: 'err.tooLongMax', vars: { count: SUBJECT_MAX } };
	if (!v.description.trim())
		e.description = { key: 'err.description.blank' };
	return e;
}

// The server's 422 details, each under the field it is about, in our words
// (the server words its JSON in English): what we recognise by field and
// reason, with the limit it names; the server's own text otherwise.
const ALIAS = { body: 'description', comment: 'description', requester: 'email', uploads: 'attachments', files: 'attachments' };

function ourWords(field, code, text) {
	const n = /(\d+)/.exec(text);
	if (field === 'form')
		return { key: 'err.form' };
	if (code === 'Blank')
		return { key: FIELDS.includes(field) ? `err.${field}.blank` : 'err.blank' };
	if (field === 'email' && /^Invalid/.test(code))
		return { key: /accept|refus|block/i.test(text) ? 'err.email.refused' : 'err.email.invalid' };
	if (field === 'attachments' && code === 'TooMany')
		return n ? { key: 'err.filesMax', vars: { count: Number(n[1]) } } : { key: 'err.tooMany' };
	if (field === 'attachments' && /^Too(Long|Large|Big)/.test(code))
		return { key: 'err.fileTooBig' };
	if (code === 'TooLong')
		return n ? { key: 'err.tooLongMax', vars: { count: Number(n[1]) } } : { key: 'err.tooLong' };
	if (/^Invalid/.test(code))
		return { key: 'err.invalid' };
	return null;
}

export function serverErrors(details) {
	const fields = {}, other = [];
	for (const [name, list] of Object.entries(details || {})) {
		const first = (Array.isArray(list) ? list[0] : list) || {};
		const field = ALIAS[name] || name;
		const text = String(first.description || '');
		const msg = ourWords(field, first.error || '', text) || { text: text.replace(/^\w+:\s*/, '') || name };
		if (FIELDS.includes(field) || field === 'attachments')
			fields[field] = msg;
		else
			other.push(msg);
	}
	return { fields, other };
}

// What the suggestions search for: the subject, then the description's
// first words (the server cuts the same way).
const QUERY_WORDS = 12;
const SUGGEST_DELAY = 400; // ms after the last keystroke
function suggestQuery(v) {
	const words = v.description.trim().split(/\s+/).filter(Boolean).slice(0, QUERY_WORDS);
	// 500 characters as the server counts them, code points: a cut by
	// UTF-16 units could split an emoji, and half of one is no text at all
	// (encodeURIComponent throws, the server refuses the JSON)
	return Array.from([v.subject.trim(), ...words].join(' ').trim()).slice(0, 500).join('').trim();
}
const NONE_SHOWN = { ids: [], token: '' };
const enoughLetters = (q) => (q.match(/[\p{L}\p{N}]/gu) || []).length >= 3;

// A snippet is HTML the server escaped, hits in <em>: shown as text with
// the hits marked, never as markup.
function Snippet({ text }) {
	const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
	const parts = String(text || '').split(/<\/?em>/);
	return html`<p class="p-snippet">${parts.map((p, i) => (i % 2 ? html`<mark>${unescape(p)}</mark>` : unescape(p)))}</p>`;
}

function Suggestions({ list, onSolved, busy }) {
	if (!list.length)
		return null;
	return html`<section class="p-suggest" data-test="suggestions" aria-labelledby="suggest-title">
		<h2 id="suggest-title">${t('suggest.title')}</h2>
		<p class="hint">${t('suggest.lede')}</p>
		<ul>${list.map((a) => html`<li key=${a.id} data-test="suggestion">
			<a href=${a.html_url} target="_blank" rel="noopener" data-test="suggestion-link">${a.title}<span class="sr-only"> ${t('suggest.newTab')}</span></a>
			<${Snippet} text=${a.snippet} />
			<button type="button" class="p-solved" data-test="solved" disabled=${busy} onClick=${() => onSolved(a)}>${t('suggest.solved')}</button>
		</li>`)}</ul>
	</section>`;
}

function Deflected({ focusRef, onAgain }) {
	return html`<div class="p-narrow">
		<section class="card p-done" data-test="deflected" aria-labelledby="deflected-title">
			<div class="p-done-icon">${Icon.check()}</div>
			<h1 id="deflected-title" tabindex="-1" ref=${focusRef}>${t('deflected.title')}</h1>
			<p class="p-lede">${t('deflected.text')}</p>
			<div class="row p-actions">
				<a class="button primary" href=${`/hc/${currentLocale()}`}>${t('deflected.more')}</a>
				<button type="button" onClick=${onAgain} data-test="still-need-help">${t('deflected.again')}</button>
			</div>
		</section>
	</div>`;
}

function Err({ id, error }) {
	return error ? html`<p class="p-err" id=${id} data-test=${id}>${say(error)}</p>` : null;
}

export function NewRequest({ user }) {
	const [values, setValues] = useState(() => initial(user));
	const [files, setFiles] = useState([]);
	const [errors, setErrors] = useState({});
	const [banner, setBanner] = useState(null);
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(null);
	const [tried, setTried] = useState(false);
	const [focusTo, setFocusTo] = useState(null);
	const [suggested, setSuggested] = useState([]);
	const [deflected, setDeflected] = useState(false);
	// the articles last shown and the server's token signing them, said
	// with a deflection or the request
	const shown = useRef(NONE_SHOWN);
	const honeypot = useRef();
	const top = useRef();
	const doneRef = useRef();
	useTitle(done ? t('done.titlePlain', { number: done.id }) : t('form.title'));

	useEffect(() => {
		if (!focusTo)
			return;
		const el = focusTo === 'top' ? top.current : focusTo === 'done' || focusTo === 'deflected' ? doneRef.current : null;
		if (el) {
			el.focus();
			el.scrollIntoView({ block: 'center' });
		}
		setFocusTo(null);
	}, [focusTo]);

	// A customer who signs in while the form is open gets the blanks filled.
	useEffect(() => {
		if (user)
			setValues((v) => ({ ...v, name: v.name || user.name || '', email: v.email || user.email || '' }));
	}, [user && user.id]);

	// Suggestions once the subject and description settle: the newest
	// answer wins, an older one arriving late is dropped.
	const query = suggestQuery(values);
	useEffect(() => {
		if (!enoughLetters(query)) {
			setSuggested([]);
			return undefined;
		}
		let live = true;
		const timer = setTimeout(async () => {
			try {
				const r = await api('GET', `/api/v2/help_center/deflections/suggestions?query=${encodeURIComponent(query)}&locale=${currentLocale()}`);
				if (!live)
					return;
				const list = (r && r.results) || [];
				setSuggested(list);
				if (list.length)
					shown.current = { ids: list.map((a) => a.id), token: r.token || '' };
			} catch {
				/* suggestions are a help, not a step: the form works without them */
			}
		}, SUGGEST_DELAY);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, [query]);

	async function solved(a) {
		setBusy(true);
		try {
			await api('POST', '/api/v2/help_center/deflections', { deflection: {
				article_id: a.id, locale: currentLocale(), query, shown: shown.current.ids, token: shown.current.token,
			} });
		} catch {
			/* not recorded (offline, too many): the customer is helped all the same */
		}
		setBusy(false);
		store.del(DRAFT_REQUEST);
		setValues(initial(null));
		setFiles([]);
		setSuggested([]);
		shown.current = NONE_SHOWN;
		setDeflected(true);
		setFocusTo('deflected');
	}

	const change = (f) => (e) => {
		const next = { ...values, [f]: e.currentTarget.value };
		setValues(next);
		store.set(DRAFT_REQUEST, next);
		if (tried) {
			const now = validate(next);
			setErrors((old) => ({ ...old, [f]: now[f] }));
		}
	};

	const addFiles = (e) => {
		const input = e.currentTarget;
		const added = Array.from(input.files || []);
		setFiles((old) => {
			const seen = new Set(old.map((f) => `${f.name}/${f.size}/${f.lastModified}`));
			return old.concat(added.filter((f) => !seen.has(`${f.name}/${f.size}/${f.lastModified}`)));
		});
		setErrors((old) => ({ ...old, attachments: undefined }));
		input.value = '';
	};
	const removeFile = (i) => setFiles((old) => old.filter((_, j) => j !== i));

	async function submit(e) {
		e.preventDefault();
		if (busy)
			return;
		setTried(true);
		setBanner(null);
		const errs = validate(values);
		setErrors(errs);
		if (Object.keys(errs).length) {
			setFocusTo('top');
			return;
		}
		const form = new FormData();
		for (const f of FIELDS)
			form.append(f, values[f].trim());
		form.append('website', honeypot.current ? honeypot.current.value : '');
		form.append('locale', currentLocale());
		if (shown.current.ids.length) {
			form.append('suggested', shown.current.ids.join(','));
			form.append('suggested_token', shown.current.token);
		}
		for (const file of files)
			form.append('attachments', file, file.name);
		setBusy(true);
		let r;
		try {
			r = await postRequest(form);
		} catch {
			setBusy(false);
			setBanner({ key: 'error.offline' });
			setFocusTo('top');
			return;
		}
		setBusy(false);
		const req = r.data && r.data.request;
		if ((r.status === 201 || r.status === 200) && req) {
			store.del(DRAFT_REQUEST);
			shown.current = NONE_SHOWN;
			setSuggested([]);
			setDone({ id: req.id, subject: req.subject || values.subject, email: values.email.trim() });
			setFocusTo('done');
			return;
		}
		if (r.status === 422) {
			const { fields, other } = serverErrors(r.data && r.data.details);
			if (!Object.keys(fields).length && !other.length)
				other.push({ text: (r.data && (r.data.description || r.data.error)) || t('error.generic', { status: 422 }) });
			setErrors(fields);
			setBanner(other.length ? other[0] : null);
		} else if (r.status === 429) {
			setBanner(tryLater(r.retryAfter));
		} else if (r.status === 413) {
			setErrors({ attachments: { key: 'err.tooLarge' } });
		} else {
			setBanner({ key: 'error.generic', vars: { status: r.status } });
		}
		setFocusTo('top');
	}

	function another() {
		setDone(null);
		setTried(false);
		setErrors({});
		setFiles([]);
		setValues(initial(user));
		setFocusTo(null);
		window.scrollTo(0, 0);
	}

	if (done)
		return html`<${Confirmation} done=${done} user=${user} focusRef=${doneRef} onAnother=${another} />`;
	if (deflected)
		return html`<${Deflected} focusRef=${doneRef} onAgain=${() => { setDeflected(false); setValues(initial(user)); }} />`;

	const list = FIELDS.concat('attachments').filter((f) => errors[f]);
	const describe = (f, hint) => [hint && `hint-${f}`, errors[f] && `error-${f}`].filter(Boolean).join(' ') || undefined;
	const input = (f, props) => html`<input id=${`f-${f}`} name=${f} data-test=${f} value=${values[f]} onInput=${change(f)}
		aria-invalid=${errors[f] ? 'true' : undefined} aria-describedby=${describe(f, props.hint)} ...${props.attrs} />`;

	return html`
	<div class="p-narrow">
		<h1 tabindex="-1">${t('form.title')}</h1>
		<p class="p-lede">${t('form.lede')}</p>
		<div ref=${top} tabindex="-1" class="p-alerts">
			${list.length > 0 && html`
			<div class="banner error p-summary" role="alert" data-test="form-errors">
				<h2>${t('form.fix', { count: list.length })}</h2>
				<ul>${list.map((f) => html`<li><a href=${`#f-${f}`} onClick=${(e) => { e.preventDefault(); document.getElementById(`f-${f}`)?.focus(); }}>${t(`field.${f}`)}: ${say(errors[f])}</a></li>`)}</ul>
			</div>`}
			${banner && html`<div class="banner error" role="alert" data-test="form-banner">${say(banner)}</div>`}
		</div>
		<form class="card p-form" method="post" action="/portal/requests" enctype="multipart/form-data" novalidate
			onSubmit=${submit} data-test="request-form" aria-busy=${busy ? 'true' : undefined}>
			<div class="p-two">
				<div class=${`field${errors.name ? ' invalid' : ''}`}>
					<label for="f-name">${t('field.name')}</label>
					${input('name', { attrs: { autocomplete: 'name', required: true, maxlength: 200 } })}
					<${Err} id="error-name" error=${errors.name} />
				</div>
				<div class=${`field${errors.email ? ' invalid' : ''}`}>
					<label for="f-email">${t('field.email')}</label>
					${input('email', { hint: true, attrs: { type: 'email', autocomplete: 'email', required: true, spellcheck: false, maxlength: 254 } })}
					<p class="hint" id="hint-email">${t('hint.email')}</p>
					<${Err} id="error-email" error=${errors.email} />
				</div>
			</div>
			<div class=${`field${errors.subject ? ' invalid' : ''}`}>
				<label for="f-subject">${t('field.subject')}</label>
				${input('subject', { hint: true, attrs: { required: true, maxlength: SUBJECT_MAX } })}
				<p class="hint" id="hint-subject">${t('hint.subject')}</p>
				<${Err} id="error-subject" error=${errors.subject} />
			</div>
			<div class=${`field${errors.description ? ' invalid' : ''}`}>
				<label for="f-description">${t('field.description')}</label>
				<textarea id="f-description" name="description" data-test="description" rows="8" required value=${values.description}
					onInput=${change('description')} aria-invalid=${errors.description ? 'true' : undefined}
					aria-describedby=${describe('description', true)}></textarea>
				<p class="hint" id="hint-description">${t('hint.description')}</p>
				<${Err} id="error-description" error=${errors.description} />
			</div>
			<div aria-live="polite"><${Suggestions} list=${suggested} onSolved=${solved} busy=${busy} /></div>
			<div class=${`field${errors.attachments ? ' invalid' : ''}`}>
				<label for="f-attachments">${t('field.attachments')} <span class="p-optional">${t('optional')}</span></label>
				<input type="file" id="f-attachments" name="attachments" data-test="attachments" multiple onChange=${addFiles}
					aria-describedby=${describe('attachments', true)} aria-invalid=${errors.attachments ? 'true' : undefined} />
				<p class="hint" id="hint-attachments">${t('hint.attachments')}</p>
				<${Err} id="error-attachments" error=${errors.attachments} />
				<${FileList} files=${files} onRemove=${removeFile} />
			</div>
			<div class="p-hp" aria-hidden="true">
				<label for="f-website">${t('field.website')}</label>
				<input id="f-website" name="website" ref=${honeypot} tabindex="-1" autocomplete="off" aria-hidden="true" />
			</div>
			<div class="p-actions">
				<button type="submit" class="primary p-big" data-test="submit" disabled=${busy}>
					${busy ? t('form.sending') : t('form.send')}
				</button>
				<span class="hint">${t('form.saved')}</span>
			</div>
		</form>
	</div>`;
}

export function FileList({ files, onRemove }) {
	if (!files.length)
		return null;
	return html`<ul class="p-files" data-test="file-list">
		${files.map((f, i) => html`<li key=${`${f.name}/${f.size}/${f.lastModified}`}>
			${Icon.clip()}<span class="p-file-name">${f.name}</span><span class="muted">${formatSize(f.size)}</span>
			<button type="button" class="link" onClick=${() => onRemove(i)} aria-label=${t('file.removeNamed', { name: f.name })}>${t('file.remove')}</button>
		</li>`)}
	</ul>`;
}

function Confirmation({ done, user, focusRef, onAnother }) {
	const number = html`<span data-test="request-number">${done.id}</span>`;
	return html`
	<div class="p-narrow">
		<section class="card p-done" data-test="confirmation" aria-labelledby="done-title">
			<div class="p-done-icon">${Icon.check()}</div>
			<h1 id="done-title" tabindex="-1" ref=${focusRef}>${tx('done.title', { number })}</h1>
			<p class="p-lede">${t('done.thanks')}</p>
			<h2>${t('done.next')}</h2>
			<ol class="p-next">
				<li>${tx('done.step1', { email: html`<strong>${done.email}</strong>` })}</li>
				<li>${t('done.step2')}</li>
				<li>${user ? t('done.step3in') : t('done.step3out')}</li>
			</ol>
			<div class="row p-actions">
				${user
					? html`<a class="button primary" href=${`/portal/requests/${done.id}`} data-test="view-request">${t('done.view')}</a>`
					: html`<a class="button primary" href="/portal/signin" data-test="done-signin">${t('done.signin')}</a>`}
				<button type="button" onClick=${onAnother} data-test="submit-another">${t('done.another')}</button>
			</div>
		</section>
	</div>`;
}
