// The article editor: /agent/kb/articles/{id}[?locale=uk&side=en] and
// /agent/kb/articles/new?section=5 (docs/web.md).
//
// One translation is edited at a time, chosen with the switcher (uk, ru,
// lt, en; a locale without one starts a new translation); side by side
// shows another translation read-only beside it. The Markdown is previewed
// as the agent types, a moment after they stop, by the server's own
// renderer (POST /api/v2/help_center/preview: what a save would store).
// Saving an existing translation is one PUT of the article with its fields
// and the translation's, one transaction; a new translation is a POST of
// it (then the article's fields, when they changed). Images are uploaded
// as the article's attachments and inserted as Markdown ![alt](url).
// A translation written as HTML (a Zendesk client's `body`, which has no
// body_markdown) is edited as HTML and saved as `body`, with a note that
// says so: saved as Markdown, its tags would become text.
// Revisions: the list, a line diff between two, restore. What the server
// refuses is said next to the field it names; leaving with unsaved changes
// asks first.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { api, get, post, put } from '../shared/api.js';
import { t, currentLocale, formatDate, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import { navigate } from './router.js';
import { loadUsers, userName } from './data.js';
import { Field, Problem } from './hours.js';
import { ErrorBanner, toast, useLoad } from './ui.js';

export const HC = '/api/v2/help_center';

// Categories and sections, named in lang when they have a name there, else
// in their source locale.
export const loadTree = (lang) => Promise.all([
	get(`${HC}/categories?locale=${lang}`), get(`${HC}/sections?locale=${lang}`),
]).then(([c, s]) => ({ categories: c.categories, sections: s.sections }));

const VISIBILITIES = ['public', 'signed_in', 'agents'];
const FIELDS = ['title', 'body_markdown', 'body', 'slug', 'label_names', 'section_id', 'visibility', 'locale', 'promoted', 'draft'];

// What a 422 said about field, for <Problem>: our sentence and theirs.
function said(err, field) {
	if (!err || err.status !== 422)
		return null;
	const d = err.fields[field];
	return d ? { text: t('kb.err'), detail: d[0].description } : null;
}

const labelsOf = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
// html: the translation's body is HTML, not Markdown (it has no
// body_markdown), and is edited and saved as such.
const textOf = (tr) => (tr
	? { title: tr.title, body: tr.body_markdown ?? tr.body ?? '', html: tr.body_markdown == null }
	: { title: '', body: '', html: false });
const metaOf = (a, section) => (a
	? { section_id: String(a.section_id), visibility: a.visibility, promoted: a.promoted, labels: a.label_names.join(', ') }
	: { section_id: section || '', visibility: 'public', promoted: false, labels: '' });

// The server's rendering of body (Markdown, or HTML when isHtml), a
// moment after the agent stops typing; sanitized there (the help center
// shows the same HTML).
function usePreview(body, isHtml) {
	const [out, setOut] = useState({ html: '', error: null });
	const seq = useRef(0);
	useEffect(() => {
		const n = ++seq.current;
		const id = setTimeout(() => post(`${HC}/preview`, isHtml ? { body } : { body_markdown: body }).then(
			(r) => n === seq.current && setOut({ html: r.body, error: null }),
			(e) => n === seq.current && setOut((o) => ({ html: o.html, error: e }))), 300);
		return () => clearTimeout(id);
	}, [body, isHtml]);
	return out;
}

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// Asks before leaving with unsaved changes: a reload or closing the tab
// (the browser's own question), and a link inside the workspace.
function useLeaveGuard(dirty) {
	useEffect(() => {
		if (!dirty)
			return undefined;
		const unload = (e) => {
			e.preventDefault();
			e.returnValue = '';
		};
		const click = (e) => {
			const a = e.target.closest && e.target.closest('a[href]');
			if (a && !a.target && !window.confirm(t('kb.unsaved_leave'))) {
				e.preventDefault();
				e.stopPropagation();
			}
		};
		window.addEventListener('beforeunload', unload);
		document.addEventListener('click', click, true);
		return () => {
			window.removeEventListener('beforeunload', unload);
			document.removeEventListener('click', click, true);
		};
	}, [dirty]);
}

function Diff({ diff }) {
	const sign = { '+': '+', '-': '−', ' ': ' ' };
	return html`<div class="kb-diff" data-test="kb-diff">
		${diff.title.from !== diff.title.to && html`<p>${t('kb.title')}: <del data-test="kb-diff-del">${diff.title.from}</del> → <ins data-test="kb-diff-ins">${diff.title.to}</ins></p>`}
		<p class="hint">${t('kb.diff_legend')}</p>
		<pre>${diff.lines.map((l) => {
			// one block a line (htm would fold a newline written here)
			const line = html`<span class="sign" aria-hidden="true">${sign[l.op]} </span>${l.text}`;
			if (l.op === '+')
				return html`<ins data-test="kb-diff-ins"><span class="sr-only">${t('kb.added')}: </span>${line}</ins>`;
			if (l.op === '-')
				return html`<del data-test="kb-diff-del"><span class="sr-only">${t('kb.removed')}: </span>${line}</del>`;
			return html`<span class="same">${line}</span>`;
		})}</pre></div>`;
}

// The revisions of translation (id, locale): newest first; a diff between
// any two; restoring one saves it again as the newest.
function Revisions({ id, locale, version, dirty, onRestored }) {
	const base = `${HC}/articles/${id}/translations/${locale}/revisions`;
	const [res, error] = useLoad(() => get(base).then(async (r) => {
		await loadUsers(r.revisions.map((v) => v.author_id));
		return r.revisions;
	}), [id, locale, version]);
	const [pair, setPair] = useState({ from: '', to: '' });
	const [diff, setDiff] = useState(null);
	const [err, setErr] = useState(null);
	const list = res || [];
	const from = pair.from || (list[1] ? String(list[1].id) : '');
	const to = pair.to || (list[0] ? String(list[0].id) : '');
	useEffect(() => setDiff(null), [id, locale, version]);

	async function show(e) {
		e.preventDefault();
		setErr(null);
		try {
			setDiff((await get(`${base}/${to}/diff?against=${from}`)).diff);
		} catch (x) {
			setErr(x);
		}
	}
	async function restore(n) {
		if (dirty && !window.confirm(t('kb.unsaved_restore')))
			return;
		try {
			await post(`${base}/${n}/restore`);
			toast(t('kb.restored', { n }));
			onRestored();
		} catch (x) {
			setErr(x);
		}
	}
	const pick = (k, v) => html`<select id=${`kb-rev-${k}`} value=${v} onChange=${(e) => setPair({ from, to, [k]: e.target.value })} data-test=${`kb-rev-${k}`}>
		${list.map((r) => html`<option value=${String(r.id)}>${t('kb.revision', { n: r.id })}</option>`)}</select>`;
	return html`<section class="panel" aria-labelledby="kb-revisions-title" data-test="kb-revisions">
		<h2 id="kb-revisions-title">${t('kb.revisions')}</h2>
		<${ErrorBanner} error=${error || err} />
		<table class="list hours"><thead><tr><th>${t('kb.revision_n')}</th><th>${t('kb.title')}</th><th>${t('kb.author')}</th><th>${t('kb.when')}</th><th></th></tr></thead>
			<tbody>${list.map((r, i) => html`<tr key=${r.id} data-test="kb-revision" data-n=${r.id}>
				<td>${r.id}</td><td lang=${locale}>${r.title}</td><td>${userName(r.author_id)}</td><td>${formatDate(r.created_at)}</td>
				<td>${i > 0 ? html`<button type="button" onClick=${() => restore(r.id)} data-test="kb-restore">${t('kb.restore')}</button>`
					: html`<span class="hint">${t('kb.current')}</span>`}</td></tr>`)}</tbody></table>
		${list.length > 1 && html`<form class="row" onSubmit=${show}>
			<label for="kb-rev-from">${t('kb.diff_from')}</label>${pick('from', from)}
			<label for="kb-rev-to">${t('kb.diff_to')}</label>${pick('to', to)}
			<button type="submit" data-test="kb-diff-show">${t('kb.diff_show')}</button></form>`}
		${diff && html`<${Diff} diff=${diff} />`}</section>`;
}

// Everything the editor shows of article id (null: a new one).
async function load(id) {
	const lang = currentLocale();
	const [tree, art, trs] = await Promise.all([loadTree(lang),
		id ? get(`${HC}/articles/${id}`).then((r) => r.article) : null,
		id ? get(`${HC}/articles/${id}/translations`).then((r) => r.translations) : []]);
	return { tree, art, trs: Object.fromEntries(trs.map((x) => [x.locale, x])) };
}

export function ArticleEditor({ id, query }) {
	const [res, loadErr, reload] = useLoad(() => load(id), [id]);
	if (!res)
		return html`<${ErrorBanner} error=${loadErr} />${!loadErr && html`<p class="muted">${t('loading')}</p>`}`;
	return html`<${Form} id=${id} data=${res} query=${query} reload=${reload} />`;
}

function Form({ id, data, query, reload }) {
	const { tree, art, trs } = data;
	const wanted = query.get('locale');
	const [locale, setLocale] = useState(LOCALES.includes(wanted) ? wanted : art ? art.source_locale : currentLocale());
	const [side, setSide] = useState(LOCALES.includes(query.get('side')) ? query.get('side') : '');
	const [text, setText] = useState(() => textOf(trs[locale]));
	const [meta, setMeta] = useState(() => metaOf(art, query.get('section')));
	const [saved, setSaved] = useState(() => ({ text: textOf(trs[locale]), meta: metaOf(art, query.get('section')) }));
	const [err, setErr] = useState(null);
	const [busy, setBusy] = useState(false);
	const [version, setVersion] = useState(0);
	const body = useRef(null);
	const resync = useRef(false); // after a save or a restore: the form takes what the server has
	const tr = trs[locale];
	const preview = usePreview(text.body, text.html);
	const textDirty = text.title !== saved.text.title || text.body !== saved.text.body;
	const metaDirty = JSON.stringify(meta) !== JSON.stringify(saved.meta);
	useLeaveGuard(textDirty || metaDirty);

	useEffect(() => {
		if (!resync.current)
			return;
		resync.current = false;
		const fresh = { text: textOf(trs[locale]), meta: metaOf(art, '') };
		setText(fresh.text);
		setMeta(fresh.meta);
		setSaved(fresh);
	}, [data]);

	// the address says which translation and side are shown (a reload
	// or a shared link opens the same)
	useEffect(() => {
		if (!id)
			return;
		const q = new URLSearchParams({ locale });
		if (side)
			q.set('side', side);
		history.replaceState(null, '', `/agent/kb/articles/${id}?${q}`);
	}, [locale, side]);

	function switchTo(l) {
		if (l === locale || (textDirty && !window.confirm(t('kb.unsaved_switch'))))
			return;
		setLocale(l);
		setText(textOf(trs[l]));
		setSaved({ text: textOf(trs[l]), meta: saved.meta });
		if (side === l)
			setSide('');
		setErr(null);
	}

	async function save(draft) {
		setBusy(true);
		setErr(null);
		// an HTML body stays HTML: sent as body_markdown its tags would be text
		const tfields = text.html ? { title: text.title, body: text.body, draft }
			: { title: text.title, body_markdown: text.body, draft };
		const afields = { section_id: Number(meta.section_id) || null, visibility: meta.visibility, promoted: meta.promoted,
			label_names: labelsOf(meta.labels) };
		let created = false; // a new translation saved, the article's fields not (yet)
		try {
			if (!id) {
				if (!meta.section_id)
					throw Object.assign(new Error(t('kb.pick_section')), { status: 422, fields: { section_id: [{ description: t('kb.pick_section') }] } });
				const r = await post(`${HC}/sections/${meta.section_id}/articles`,
					{ article: { ...tfields, ...afields, section_id: undefined, locale } });
				setSaved({ text, meta }); // nothing left unsaved: the guard lets the editor go
				toast(t('kb.saved'));
				navigate(`/agent/kb/articles/${r.article.id}?locale=${locale}`, { replace: true });
				return;
			}
			if (tr) {
				await put(`${HC}/articles/${id}`, { article: { ...afields, ...tfields, locale } });
			} else {
				await post(`${HC}/articles/${id}/translations`, { translation: { ...tfields, locale } });
				created = true;
				if (metaDirty)
					await put(`${HC}/articles/${id}`, { article: afields });
			}
			setSaved({ text, meta });
			toast(t('kb.saved'));
			setVersion((n) => n + 1);
			resync.current = true;
			reload();
		} catch (x) {
			setErr(x);
			if (created) { // the text is saved: the form knows, the fields stay to be saved again
				setSaved({ text, meta: saved.meta });
				reload();
			}
		} finally {
			setBusy(false);
		}
	}

	async function upload(e) {
		const file = e.target.files[0];
		e.target.value = '';
		if (!file)
			return;
		try {
			const r = await api('POST', `${HC}/articles/${id}/attachments?filename=${encodeURIComponent(file.name)}`, file);
			// the path, not the absolute address: the article sanitizer keeps
			// images from https: or from our own /hc/article_attachments/
			const url = new URL(r.article_attachment.content_url, location.origin).pathname;
			const alt = file.name.replace(/\.[^.]*$/, '').replace(/[[\]\\]/g, '');
			const el = body.current;
			const at = el ? el.selectionStart : text.body.length;
			const md = text.html ? `<img src="${escapeAttr(url)}" alt="${escapeAttr(alt)}">` : `![${alt}](${url})`;
			setText({ ...text, body: text.body.slice(0, at) + md + text.body.slice(at) });
		} catch (x) {
			toast(`${t('kb.upload_failed')} ${x.message}`, 'error');
		}
	}

	const p = (f) => said(err, f);
	const other = err && !FIELDS.some((f) => p(f)) ? err : null;
	const cats = new Map(tree.categories.map((c) => [c.id, c.name]));
	const source = side && trs[side];
	const published = tr && !tr.draft;
	const title = id ? (tr ? tr.title : (trs[art.source_locale] || {}).title) : t('kb.new_article');
	return html`<section aria-labelledby="kb-edit-title" data-test="kb-editor" data-id=${id || ''}>
		<p><a href="/agent/kb">← ${t('nav.kb')}</a></p>
		<div class="row"><h1 id="kb-edit-title">${title}</h1>
			${id && html`<span class="badge" data-test="kb-state">${!tr ? t('kb.locale_none') : tr.draft ? t('kb.draft') : t('kb.published')}</span>`}
			${art && art.archived && html`<span class="badge">${t('kb.archived')}</span>`}
			<span class="spacer"></span>
			${tr && html`<a href=${tr.html_url} target="_blank" rel="noopener" data-test="kb-public-link">${t('kb.public_page')}</a>
				${tr.draft ? html`<span class="hint">${t('kb.public_draft')}</span>` : ''}`}</div>

		<nav class="row kb-switch" aria-label=${t('kb.translations')}>
			${LOCALES.map((l) => html`<button type="button" aria-pressed=${l === locale ? 'true' : 'false'} onClick=${() => switchTo(l)}
				data-test=${`kb-locale-${l}`} lang=${l}>${LOCALE_NAMES[l]}${id && !trs[l] ? html` <span class="hint">(${t('kb.new')})</span>` : ''}</button>`)}
			${id && html`<label class="inline">${t('kb.side_by_side')}
				<select value=${side} onChange=${(e) => setSide(e.target.value)} data-test="kb-side">
					<option value="">${t('kb.side_off')}</option>
					${LOCALES.filter((l) => l !== locale && trs[l]).map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select></label>`}
		</nav>

		<${ErrorBanner} error=${other} />
		<form class="panel kb-form" onSubmit=${(e) => { e.preventDefault(); save(tr ? tr.draft : true); }} data-test="kb-form">
			<div class=${source ? 'kb-grid side' : 'kb-grid'}>
				${source && html`<div class="kb-source" data-test="kb-source" lang=${side}>
					<h2>${t('kb.source', { language: LOCALE_NAMES[side] })}</h2>
					<p class="kb-source-title" data-test="kb-source-title">${source.title}</p>
					<label for="kb-source-body" class="sr-only">${t('kb.body')}</label>
					<textarea id="kb-source-body" readonly rows="18" value=${source.body_markdown ?? source.body} data-test="kb-source-body"></textarea></div>`}
				<div class="kb-write" lang=${locale}>
					<${Field} id="kb-title" label=${t('kb.title')} problem=${p('title') || p('slug')}>
						${(a) => html`<input ...${a} value=${text.title} maxlength="255" onInput=${(e) => setText({ ...text, title: e.target.value })} data-test="kb-title" />`}</${Field}>
					<${Field} id="kb-body" label=${t('kb.body')} hint=${text.html ? t('kb.body_html') : t('kb.body_hint')} problem=${p('body_markdown') || p('body')}>
						${(a) => html`<textarea ...${a} ref=${body} rows="18" value=${text.body} onInput=${(e) => setText({ ...text, body: e.target.value })}
							data-test="kb-body"></textarea>`}</${Field}>
					<div class="row">
						<label for="kb-image">${t('kb.image')}</label>
						<input id="kb-image" type="file" accept="image/*" disabled=${!id} onChange=${upload} data-test="kb-image" />
						${!id && html`<span class="hint">${t('kb.image_after_save')}</span>`}</div>
				</div>
				<div class="kb-preview-box">
					<h2 id="kb-preview-title">${t('kb.preview')}</h2>
					${preview.error && html`<${Problem} id="kb-preview-problem" problem=${said(preview.error, 'body_markdown') || said(preview.error, 'body') || { text: preview.error.message }} />`}
					<div class="kb-preview" aria-labelledby="kb-preview-title" aria-live="polite" lang=${locale} data-test="kb-preview"
						dangerouslySetInnerHTML=${{ __html: preview.html }}></div></div>
			</div>

			<div class="row kb-meta">
				<${Field} id="kb-section" label=${t('kb.section')} problem=${p('section_id')}>
					${(a) => html`<select ...${a} value=${meta.section_id} onChange=${(e) => setMeta({ ...meta, section_id: e.target.value })} data-test="kb-section">
						<option value="">—</option>
						${tree.sections.map((s) => html`<option value=${String(s.id)}>${cats.get(s.category_id) || ''} › ${s.name}</option>`)}</select>`}</${Field}>
				<${Field} id="kb-visibility" label=${t('kb.visibility')} problem=${p('visibility')}>
					${(a) => html`<select ...${a} value=${meta.visibility} onChange=${(e) => setMeta({ ...meta, visibility: e.target.value })} data-test="kb-visibility">
						${VISIBILITIES.map((v) => html`<option value=${v}>${t(`kb.vis.${v}`)}</option>`)}</select>`}</${Field}>
				<${Field} id="kb-labels" label=${t('kb.labels')} hint=${t('kb.labels_hint')} problem=${p('label_names')}>
					${(a) => html`<input ...${a} value=${meta.labels} onInput=${(e) => setMeta({ ...meta, labels: e.target.value })} data-test="kb-labels" />`}</${Field}>
				<label class="inline"><input type="checkbox" checked=${meta.promoted} onChange=${(e) => setMeta({ ...meta, promoted: e.target.checked })}
					data-test="kb-promoted" /> ${t('kb.promoted')}</label>
			</div>
			<${Problem} id="kb-locale-problem" problem=${p('locale')} />
			<div class="row">
				${published ? html`
					<button class="primary" type="button" disabled=${busy} onClick=${() => save(false)} data-test="kb-save">${t('kb.save_published')}</button>
					<button type="button" disabled=${busy} onClick=${() => save(true)} data-test="kb-unpublish">${t('kb.unpublish')}</button>` : html`
					<button type="button" disabled=${busy} onClick=${() => save(true)} data-test="kb-save-draft">${t('kb.save_draft')}</button>
					<button class="primary" type="button" disabled=${busy} onClick=${() => save(false)} data-test="kb-publish">${t('kb.publish')}</button>`}
				${(textDirty || metaDirty) && html`<span class="hint" data-test="kb-unsaved">${t('kb.unsaved')}</span>`}
			</div>
		</form>
		${tr && html`<${Revisions} id=${id} locale=${locale} version=${`${version}-${tr.revision}`} dirty=${textDirty}
			onRestored=${() => { resync.current = true; setVersion((n) => n + 1); reload(); }} />`}
	</section>`;
}
