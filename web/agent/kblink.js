// From tickets to knowledge on the ticket page (docs/kb.md "From
// tickets", docs/web.md): the composer's knowledge-base picker, the
// "Articles used" panel (with "Create an article" on a solved or closed
// ticket) and the "Similar tickets" panel.
//
// The picker (key a) searches the published articles as the agent sees
// them (GET /api/v2/help_center/articles/search: internal ones too,
// marked), in the requester's language and in the agent's own; each
// article shows its title in the requester's language when it has that
// translation. Enter links the article to the ticket (POST
// /api/v2/tickets/{id}/articles) and hands the composer a Markdown link
// [title](html_url) to that translation — else to the article's source
// one, and the picker says so.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, post, del } from '../shared/api.js';
import { t, currentLocale, LOCALE_NAMES } from '../shared/i18n.js';
import { navigate } from './router.js';
import { Snippet } from './search.js';
import { Dialog, ErrorBanner, StatusBadge, toast, useLoad } from './ui.js';

const HC = '/api/v2/help_center';
const SEARCH_EVERY = 200; // ms of quiet typing before a search
const SHOWN = 8;          // results per language asked for

// A language's name in the agent's language, for sentences ("Ukrainian",
// "українська"); its own name where the browser cannot say.
function langName(l) {
	try {
		return new Intl.DisplayNames([currentLocale()], { type: 'language' }).of(l) || LOCALE_NAMES[l] || l;
	} catch {
		return LOCALE_NAMES[l] || l;
	}
}

// A Markdown link whose title cannot break out of its brackets nor its
// address out of its parentheses.
function markdownLink(title, url) {
	const label = String(title).replace(/[\\[\]]/g, (c) => `\\${c}`);
	const href = String(url).replace(/[()\s]/g, (c) => encodeURIComponent(c));
	return `[${label}](${href})`;
}

// The translation a link should go to: the requester's published one,
// else the source one when published, else the one the search found.
function pickTranslation(hit, translations, want) {
	const live = translations.filter((x) => !x.draft);
	const mine = want && live.find((x) => x.locale === want);
	if (mine)
		return { title: mine.title, locale: mine.locale, html_url: mine.html_url, fallback: false };
	const src = live.find((x) => x.locale === hit.source_locale) || hit;
	return { title: src.title, locale: src.locale, html_url: src.html_url, fallback: true };
}

// One search in each language wanted, merged: an article once, as found in
// the first language (the requester's), best first within each.
async function searchBoth(q, locales) {
	const answers = await Promise.all(locales.map((l) => get(`${HC}/articles/search?query=${encodeURIComponent(q)}&locale=${l}&per_page=${SHOWN}`)
		.then((r) => r.results, (e) => (e.status === 422 ? [] : Promise.reject(e)))));
	const seen = new Set();
	const out = [];
	for (const list of answers)
		for (const a of list)
			if (!seen.has(a.id)) {
				seen.add(a.id);
				out.push(a);
			}
	return out;
}

// The picker. onInsert(markdown, article) puts the link in the composer;
// onLinked() follows a new link (the panel reloads).
export function KbPicker({ ticketId, onInsert, onLinked, onClose, reply }) {
	const [info, setInfo] = useState(null); // { locale, linked: Set }
	const [q, setQ] = useState('');
	const [found, setFound] = useState(null);
	const [at, setAt] = useState(0);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const input = useRef(null);
	const tr = useRef(new Map()); // article id → its translations

	useEffect(() => {
		get(`/api/v2/tickets/${ticketId}/articles`)
			.then((r) => setInfo({ locale: r.locale, linked: new Set(r.articles.map((a) => a.article_id)) }),
				(e) => setError(e.message));
		const id = setTimeout(() => input.current && input.current.focus(), 0);
		return () => clearTimeout(id);
	}, []);

	const want = info && info.locale;
	useEffect(() => {
		if (!info || !q.trim()) {
			setFound(q.trim() ? null : []);
			return undefined;
		}
		let live = true;
		const run = async () => {
			try {
				const locales = [...new Set([want || currentLocale(), currentLocale()])];
				const hits = await searchBoth(q.trim(), locales);
				// the requester's translation of what was found in another language
				await Promise.all(hits.filter((h) => h.locale !== want && !tr.current.has(h.id))
					.map((h) => get(`${HC}/articles/${h.id}/translations`)
						.then((r) => tr.current.set(h.id, r.translations), () => tr.current.set(h.id, []))));
				if (!live)
					return;
				setFound(hits.map((h) => ({ hit: h, link: h.locale === want
					? { title: h.title, locale: h.locale, html_url: h.html_url, fallback: false }
					: pickTranslation(h, tr.current.get(h.id) || [], want) })));
				setAt(0);
				setError('');
			} catch (e) {
				if (live)
					setError(e.message);
			}
		};
		const timer = setTimeout(run, SEARCH_EVERY);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, [q, info]);

	const shown = found || [];
	const langNote = (x) => (want ? t('kb.no_translation', { lang: langName(x.link.locale), want: langName(want) })
		: t('kb.in_lang', { lang: langName(x.link.locale) }));
	const current = shown[Math.min(at, shown.length - 1)];

	// An agents-only article in a public reply would show the customer an
	// internal title and a link that answers "not found": only a note may
	// have it.
	const blocked = (x) => reply && x.hit.visibility === 'agents';

	async function insert(x) {
		if (!x || busy)
			return;
		if (blocked(x)) {
			setError(t('kb.internal_in_reply'));
			return;
		}
		setBusy(true);
		setError('');
		try {
			const r = await post(`/api/v2/tickets/${ticketId}/articles`, { article_id: x.hit.id });
			if (r && r.ticket_article)
				onLinked();
			// the link is not in the customer's language: said once more,
			// as the picker closes
			if (x.link.fallback)
				toast(langNote(x));
			else if (reply && x.hit.visibility === 'signed_in')
				toast(t('kb.signed_in_reply'));
			onInsert(markdownLink(x.link.title, x.link.html_url), x);
		} catch (e) {
			setError(`${t('kb.link_failed')} ${e.message}`);
			setBusy(false);
		}
	}

	function key(e) {
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			const n = shown.length;
			if (n)
				setAt((Math.min(at, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
		} else if (e.key === 'Enter') {
			insert(current);
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
	}

	return html`<${Dialog} title=${t('kb.picker_title')} onClose=${onClose}>
		<div class="macro-picker" data-test="kb-picker">
			<p class="hint" data-test="kb-picker-lang">${!info ? '' : want ? t('kb.for_lang', { lang: langName(want) }) : t('kb.lang_unknown')}</p>
			<label class="sr-only" for="kb-search">${t('kblink.search')}</label>
			<input id="kb-search" ref=${input} value=${q} placeholder=${t('kblink.search')} autocomplete="off"
				role="combobox" aria-expanded="true" aria-controls="kb-list"
				aria-activedescendant=${current ? `kb-${current.hit.id}` : undefined}
				onInput=${(e) => setQ(e.target.value)} onKeyDown=${key} data-test="kb-search" />
			${error && html`<div class="banner error" role="alert" data-test="kb-error">${error}</div>`}
			${!q.trim() && !error && html`<p class="muted" data-test="kb-start">${t('kb.type_to_search')}</p>`}
			${q.trim() && found && !shown.length && html`<p class="muted" data-test="kb-none">${t('kb.none')}</p>`}
			<ul id="kb-list" role="listbox" class="macro-list" aria-label=${t('kb.picker_title')}>
				${shown.map((x) => html`<li id=${`kb-${x.hit.id}`} key=${x.hit.id} role="option" aria-selected=${x === current ? 'true' : 'false'}
					class=${x === current ? 'current' : ''} data-test="kb-option" data-id=${x.hit.id}
					onMouseDown=${(e) => { e.preventDefault(); insert(x); }}>
					<strong lang=${x.link.locale}>${x.link.title}</strong>
					${x.hit.visibility === 'agents' && html` <span class="badge internal" data-test="kb-internal">${t('kb.internal')}</span>`}
					${blocked(x) && html`<div class="hint" data-test="kb-internal-blocked">${t('kb.internal_note_only')}</div>`}
					${x.hit.visibility === 'signed_in' && html` <span class="badge">${t('kb.signed_in')}</span>`}
					${info && info.linked.has(x.hit.id) && html` <span class="hint">${t('kb.linked_already')}</span>`}
					${x.link.fallback && html`<div class="hint" data-test="kb-fallback">${langNote(x)}</div>`}
					<div lang=${x.hit.locale}><${Snippet} text=${x.hit.snippet || ''} /></div>
				</li>`)}
			</ul>
			<p class="hint">${t('kb.keys')}</p>
		</div>
	</${Dialog}>`;
}

// "Articles used": the articles the ticket links, each to its public page
// in the requester's language (or its source one, said so), with an
// unlink; on a solved or closed ticket, "Create an article". reload
// changes when the composer linked one.
export function ArticlesUsed({ ticket, reload }) {
	const [res, error, again] = useLoad(() => get(`/api/v2/tickets/${ticket.id}/articles`), [ticket.id, reload]);
	const [creating, setCreating] = useState(false);
	const list = (res && res.articles) || [];
	async function unlink(a) {
		try {
			await del(`/api/v2/tickets/${ticket.id}/articles/${a.article_id}`);
			toast(t('kb.unlinked', { title: a.title }));
		} catch (e) {
			toast(e.message, 'error');
		}
		again();
	}
	const done = ticket.status === 'solved' || ticket.status === 'closed';
	return html`<section class="panel" aria-labelledby="kb-used-title" data-test="kb-used">
		<h2 id="kb-used-title">${t('kb.used')}</h2>
		<${ErrorBanner} error=${error} />
		${res && !list.length && html`<p class="muted" data-test="kb-used-empty">${t('kb.used_none')}</p>`}
		<ul class="events">${list.map((a) => html`<li key=${a.article_id} data-test="kb-used-article" data-id=${a.article_id}>
			<a href=${a.html_url} target="_blank" rel="noopener" lang=${a.locale}>${a.title}</a>
			${a.draft && html` <span class="badge">${t('kblink.draft')}</span>`}
			${a.visibility === 'agents' && html` <span class="badge internal">${t('kb.internal')}</span>`}
			${' '}<button type="button" class="link" onClick=${() => unlink(a)} aria-label=${t('kb.unlink', { title: a.title })}
				data-test="kb-unlink">${t('kb.unlink_short')}</button>
			${a.fallback && html`<div class="hint">${t('kb.in_lang', { lang: langName(a.locale) })}</div>`}</li>`)}</ul>
		${done && html`<p><button type="button" onClick=${() => setCreating(true)} data-test="kb-create">${t('kb.create')}</button></p>`}
		${creating && html`<${CreateArticle} ticket=${ticket} onClose=${() => setCreating(false)} />`}
	</section>`;
}

// "Create an article": the section chosen from the knowledge base's
// categories and sections (named in the agent's language when they have
// it), then POST …/article_draft and on to the editor.
function CreateArticle({ ticket, onClose }) {
	const loc = currentLocale();
	const [res, error] = useLoad(() => Promise.all([get(`${HC}/categories?locale=${loc}`), get(`${HC}/sections?locale=${loc}`)]), []);
	const [section, setSection] = useState('');
	const [problem, setProblem] = useState(null);
	const [busy, setBusy] = useState(false);
	const groups = res ? res[0].categories.map((c) => ({ c, sections: res[1].sections.filter((s) => s.category_id === c.id) }))
		.filter((g) => g.sections.length) : [];
	async function create(e) {
		e.preventDefault();
		if (!section)
			return setProblem(t('kb.choose_section'));
		setBusy(true);
		setProblem(null);
		try {
			const r = await post(`/api/v2/tickets/${ticket.id}/article_draft`, { section_id: Number(section) });
			toast(t('kb.draft_made'));
			onClose();
			navigate(r.article.editor_url);
		} catch (x) {
			// the refusal said in the agent's words when it is one we know
			const f = x.status === 422 ? Object.keys(x.fields)[0] : null;
			const said = `kb.draft_err.${f}`;
			setProblem(f && t(said) !== said ? t(said) : x.message);
			setBusy(false);
		}
	}
	return html`<${Dialog} title=${t('kb.create')} onClose=${onClose}>
		<form onSubmit=${create} data-test="kb-create-form">
			<p class="hint">${t('kb.create_hint')}</p>
			<${ErrorBanner} error=${error} />
			${res && !groups.length && html`<p class="muted" data-test="kb-no-sections">${t('kb.no_sections')}</p>`}
			<div class="field"><label for="kb-section">${t('kblink.section')}</label>
				<select id="kb-section" value=${section} onChange=${(e) => setSection(e.target.value)} data-test="kb-section"
					aria-describedby=${problem ? 'kb-create-problem' : undefined}>
					<option value="">—</option>
					${groups.map((g) => html`<optgroup label=${g.c.name}>
						${g.sections.map((s) => html`<option value=${String(s.id)}>${s.name}</option>`)}</optgroup>`)}
				</select></div>
			${problem && html`<p class="error" role="alert" id="kb-create-problem" data-test="kb-create-problem">${problem}</p>`}
			<div class="row"><button class="primary" type="submit" disabled=${busy} data-test="kb-create-go">${t('kb.create_go')}</button>
				<button type="button" onClick=${onClose}>${t('org.cancel')}</button></div>
		</form>
	</${Dialog}>`;
}

// "Similar tickets": collapsible (the choice kept on this browser); asked
// for only while open.
const OPEN_KEY = 'fl.similar.open';
export function SimilarTickets({ ticket }) {
	const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) !== '0');
	const [res, error] = useLoad(() => (open ? get(`/api/v2/tickets/${ticket.id}/similar`) : Promise.resolve(null)), [ticket.id, open]);
	const toggle = () => {
		localStorage.setItem(OPEN_KEY, open ? '0' : '1');
		setOpen(!open);
	};
	const list = (res && res.tickets) || [];
	return html`<section class="panel" aria-labelledby="similar-title" data-test="similar">
		<h2 id="similar-title"><button type="button" class="link disclose" aria-expanded=${open ? 'true' : 'false'}
			aria-controls="similar-list" onClick=${toggle} data-test="similar-toggle">${open ? '▾' : '▸'} ${t('kb.similar')}</button></h2>
		${open && html`<div id="similar-list">
			<${ErrorBanner} error=${error} />
			${res && !list.length && html`<p class="muted" data-test="similar-none">${t('kb.similar_none')}</p>`}
			<ul class="events">${list.map((x) => html`<li key=${x.id} data-test="similar-ticket" data-id=${x.id}>
				<a href="/agent/tickets/${x.id}">#${x.id} ${x.subject || t('ticket.no_subject')}</a> <${StatusBadge} status=${x.status} /></li>`)}</ul>
		</div>`}
	</section>`;
}
