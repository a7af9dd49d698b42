// Knowledge base in the workspace (docs/web.md, docs/kb.md "In the
// workspace"): /agent/kb lists categories → sections → articles, with a
// search box (the article search, drafts and internal articles too) and
// filters by label and by a missing translation;
// /agent/kb/missing the published articles a locale lacks, each a link into
// the side-by-side editor; /agent/kb/categories (admins) names, orders and
// adds categories and sections; /agent/kb/articles/{id} and
// /agent/kb/articles/new?section= the editor (kbedit.js).
//
// Every article is read at once from GET /api/v2/help_center/editor/articles
// (all translations summarised), so titles, locales present and what is
// missing come from one answer; the Help Center API gives the rest.
import { html, useState } from '../shared/html.js';
import { get, post, put } from '../shared/api.js';
import { t, currentLocale, LOCALES, LOCALE_NAMES, formatNumber } from '../shared/i18n.js';
import { state } from './data.js';
import { ArticleEditor, HC, loadTree } from './kbedit.js';
import { ErrorBanner, toast, useLoad } from './ui.js';

// The translation an agent reads an article in: their language, else the
// article's source, else any.
function shownTranslation(a, lang = currentLocale()) {
	const trs = a.translations || [];
	return trs.find((x) => x.locale === lang) || trs.find((x) => x.locale === a.source_locale) || trs[0] || null;
}

// What "missing in locale" means on the missing list: an article neither
// archived nor without a published translation, that has none in locale.
const lacks = (a, locale) => !a.archived && (a.translations || []).some((x) => !x.draft)
	&& !(a.translations || []).some((x) => x.locale === locale);

function Tabs({ at }) {
	const tabs = [['', t('kb.articles')], ['missing', t('kb.missing')]];
	if (state.me && state.me.role === 'admin')
		tabs.push(['categories', t('kb.categories')]);
	return html`<nav class="row kb-tabs" aria-label=${t('nav.kb')}>${tabs.map(([p, label]) => html`<a class="button ${p === at ? 'primary' : ''}"
		href=${p ? `/agent/kb/${p}` : '/agent/kb'} aria-current=${p === at ? 'page' : undefined} data-test=${`kb-tab-${p || 'articles'}`}>${label}</a>`)}</nav>`;
}

const Locales = ({ a }) => html`<span class="kb-locales">${LOCALES.map((l) => {
	const tr = (a.translations || []).find((x) => x.locale === l);
	const what = !tr ? t('kb.locale_none') : tr.draft ? t('kb.draft') : t('kb.published');
	return html`<abbr class=${`kb-locale ${!tr ? 'none' : tr.draft ? 'draft' : 'live'}`} title=${`${LOCALE_NAMES[l]}: ${what}`}
		data-test="kb-locale" data-locale=${l} data-state=${!tr ? 'none' : tr.draft ? 'draft' : 'published'}>${!tr ? html`<s>${l}</s>` : tr.draft ? `${l}*` : l}</abbr>`;
})}</span>`;

function ArticleRows({ list }) {
	return html`<table class="list kb-list" data-test="kb-articles"><thead><tr><th>${t('kb.title')}</th><th>${t('kb.state')}</th>
		<th>${t('kb.visibility')}</th><th>${t('kb.locales')}</th><th>${t('kb.views')}</th><th>${t('kb.votes')}</th></tr></thead>
		<tbody>${list.map((a) => {
			const tr = shownTranslation(a);
			const views = a.translations.reduce((n, x) => n + x.view_count, 0);
			const up = a.translations.reduce((n, x) => n + (x.vote_count + x.vote_sum) / 2, 0);
			const votes = a.translations.reduce((n, x) => n + x.vote_count, 0);
			return html`<tr key=${a.id} data-test="kb-article" data-id=${a.id}>
				<td><a class="subject" href=${`/agent/kb/articles/${a.id}`} lang=${tr ? tr.locale : undefined} data-test="kb-article-title">${tr ? tr.title : `#${a.id}`}</a>
					${a.label_names.length ? html`<div class="hint">${a.label_names.join(', ')}</div>` : ''}</td>
				<td>${a.archived ? t('kb.archived') : tr && tr.draft ? t('kb.draft') : t('kb.published')}</td>
				<td>${t(`kb.vis.${a.visibility}`)}</td>
				<td><${Locales} a=${a} /></td>
				<td>${formatNumber(views)}</td>
				<td title=${t('kb.votes_hint', { up: formatNumber(up), count: votes })}>${votes ? `${formatNumber(up)} / ${formatNumber(votes)}` : '—'}</td></tr>`;
		})}</tbody></table>`;
}

// The list: by category and section, or the search's hits in its order.
function Articles({ query }) {
	const lang = currentLocale();
	const [tree, treeErr] = useLoad(() => loadTree(lang), [lang]);
	const [res, error] = useLoad(() => get(`${HC}/editor/articles`), []);
	const [labels] = useLoad(() => get(`${HC}/articles/labels`).then((r) => r.labels), []);
	const [q, setQ] = useState(query.get('q') || '');
	const [label, setLabel] = useState('');
	const [missing, setMissing] = useState('');
	const [hits, setHits] = useState(null); // null: no search; else ids in rank order
	const [searchErr, setSearchErr] = useState(null);

	async function search(e) {
		e.preventDefault();
		const words = q.trim();
		setSearchErr(null);
		if (!words) {
			setHits(null);
			return;
		}
		// each language's index (the agent may look for an article in any):
		// hits in their own language first, in rank order
		const order = [lang, ...LOCALES.filter((l) => l !== lang)];
		try {
			const found = await Promise.all(order.map((l) =>
				get(`${HC}/articles/search?query=${encodeURIComponent(words)}&locale=${l}&per_page=100`)));
			setHits([...new Set(found.flatMap((r) => r.results.map((x) => x.id)))]);
		} catch (x) {
			setSearchErr(x);
		}
	}

	const all = (res && res.articles) || [];
	const keep = (a) => (!label || a.label_names.includes(label)) && (!missing || !a.translations.some((x) => x.locale === missing));
	const cats = (tree && tree.categories) || [];
	const secs = (tree && tree.sections) || [];
	const admin = state.me && state.me.role === 'admin';
	let body;
	if (hits) {
		const byId = new Map(all.map((a) => [a.id, a]));
		const found = hits.map((id) => byId.get(id)).filter((a) => a && keep(a));
		body = html`<h2>${t('kb.results', { count: found.length })}</h2>
			${found.length ? html`<${ArticleRows} list=${found} />` : html`<p data-test="kb-none">${t('kb.no_results')}</p>`}`;
	} else if (tree && res) {
		body = cats.map((c) => html`<section class="kb-category" key=${c.id} data-test="kb-category" data-id=${c.id}>
			<h2 lang=${c.locale}>${c.name}</h2>
			${secs.filter((s) => s.category_id === c.id).map((s) => {
				const list = all.filter((a) => a.section_id === s.id && keep(a));
				return html`<div class="kb-section" key=${s.id} data-test="kb-section" data-id=${s.id}>
					<div class="row"><h3 lang=${s.locale}>${s.name}</h3><span class="spacer"></span>
						<a class="button" href=${`/agent/kb/articles/new?section=${s.id}`} data-test="kb-new-article">${t('kb.new_article')}</a></div>
					${list.length ? html`<${ArticleRows} list=${list} />` : html`<p class="muted">${t('kb.section_empty')}</p>`}</div>`;
			})}</section>`);
		if (!cats.length)
			body = html`<p data-test="kb-empty">${t(admin ? 'kb.empty_admin' : 'kb.empty')}</p>`;
	}
	return html`<${ErrorBanner} error=${treeErr || error || searchErr} />
		<form class="row kb-filters" role="search" onSubmit=${search}>
			<label class="sr-only" for="kb-q">${t('kb.search')}</label>
			<input id="kb-q" type="search" value=${q} placeholder=${t('kb.search')} onInput=${(e) => setQ(e.target.value)} data-test="kb-search" />
			<button type="submit">${t('kb.search_go')}</button>
			<label for="kb-label">${t('kb.label')}</label>
			<select id="kb-label" value=${label} onChange=${(e) => setLabel(e.target.value)} data-test="kb-filter-label">
				<option value="">${t('kb.any')}</option>
				${(labels || []).map((l) => html`<option value=${l.name}>${l.name} (${l.article_count})</option>`)}</select>
			<label for="kb-missing">${t('kb.missing_in')}</label>
			<select id="kb-missing" value=${missing} onChange=${(e) => setMissing(e.target.value)} data-test="kb-filter-missing">
				<option value="">${t('kb.any')}</option>
				${LOCALES.map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select>
		</form>
		${res && res.truncated && html`<p class="banner" role="status">${t('kb.truncated')}</p>`}
		${body || html`<p class="muted">${t('loading')}</p>`}`;
}

// Published articles a locale has no translation in.
function Missing({ query }) {
	const [locale, setLocale] = useState(LOCALES.includes(query.get('locale')) ? query.get('locale') : LOCALES.find((l) => l !== currentLocale()));
	const [res, error] = useLoad(() => get(`${HC}/editor/articles`), []);
	const list = ((res && res.articles) || []).filter((a) => lacks(a, locale));
	return html`<${ErrorBanner} error=${error} />
		<div class="row"><label for="kb-missing-locale">${t('kb.missing_in')}</label>
			<select id="kb-missing-locale" value=${locale} onChange=${(e) => setLocale(e.target.value)} data-test="kb-missing-locale">
				${LOCALES.map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select></div>
		<p class="muted">${t('kb.missing_hint', { language: LOCALE_NAMES[locale] })}</p>
		${res && (list.length ? html`<ul class="kb-missing" data-test="kb-missing-list">${list.map((a) => {
			const src = a.translations.find((x) => x.locale === a.source_locale && !x.draft) || a.translations.find((x) => !x.draft);
			return html`<li key=${a.id} data-test="kb-missing-article" data-id=${a.id}>
				<a href=${`/agent/kb/articles/${a.id}?locale=${locale}&side=${src.locale}`} lang=${src.locale}>${src.title}</a>
				<span class="hint"> — ${t('kb.translate_from', { language: LOCALE_NAMES[src.locale] })}</span></li>`;
		})}</ul>` : html`<p data-test="kb-missing-none">${t('kb.missing_none', { language: LOCALE_NAMES[locale] })}</p>`)}`;
}

// One category's or section's names in the four languages, saved one by
// one (PUT … {locale, name}: the name in that locale, new or changed).
function Names({ kind, item, names, onSaved, first, last, onMove }) {
	const [f, setF] = useState(() => Object.fromEntries(LOCALES.map((l) => [l, names[l] || ''])));
	const [err, setErr] = useState(null);
	const key = kind === 'categories' ? 'category' : 'section';
	async function save(e) {
		e.preventDefault();
		setErr(null);
		try {
			for (const l of LOCALES)
				if (f[l].trim() && f[l] !== (names[l] || ''))
					await put(`${HC}/${kind}/${item.id}`, { [key]: { locale: l, name: f[l] } });
			toast(t('ticket.saved'));
			onSaved();
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="row kb-names" onSubmit=${save} data-test=${`kb-${key}`} data-id=${item.id}>
		${LOCALES.map((l) => html`<span class="field"><label for=${`kb-${key}-${item.id}-${l}`}>${LOCALE_NAMES[l]}</label>
			<input id=${`kb-${key}-${item.id}-${l}`} lang=${l} value=${f[l]} maxlength="255" onInput=${(e) => setF({ ...f, [l]: e.target.value })}
				data-test=${`kb-name-${l}`} /></span>`)}
		<button type="submit" data-test="kb-name-save">${t('save')}</button>
		<button type="button" disabled=${first} onClick=${() => onMove(-1)} aria-label=${t('kb.move_up')} data-test="kb-up">↑</button>
		<button type="button" disabled=${last} onClick=${() => onMove(1)} aria-label=${t('kb.move_down')} data-test="kb-down">↓</button>
		${err && html`<p class="error" role="alert">${err.message}</p>`}</form>`;
}

// Every name of each category and section: one GET of translations each.
async function loadNames() {
	const { categories, sections } = await loadTree('en');
	const names = async (kind, id) => Object.fromEntries((await get(`${HC}/${kind}/${id}/translations`)).translations.map((x) => [x.locale, x.title]));
	return {
		categories: await Promise.all(categories.map(async (c) => ({ ...c, names: await names('categories', c.id) }))),
		sections: await Promise.all(sections.map(async (s) => ({ ...s, names: await names('sections', s.id) }))),
	};
}

// Moves item one place up (-1) or down (1) among list: positions written
// as 0, 1, 2… in the new order, so that equal old ones cannot tie.
async function move(kind, list, i, dir) {
	const key = kind === 'categories' ? 'category' : 'section';
	const order = list.slice();
	[order[i], order[i + dir]] = [order[i + dir], order[i]];
	for (const [pos, x] of order.entries())
		if (x.position !== pos)
			await put(`${HC}/${kind}/${x.id}`, { [key]: { position: pos } });
}

function Categories() {
	const [res, error, reload] = useLoad(loadNames, []);
	const [name, setName] = useState({});
	const [err, setErr] = useState(null);
	const lang = currentLocale();
	async function add(e, kind, parent) {
		e.preventDefault();
		const k = parent ? `s${parent}` : 'c';
		setErr(null);
		try {
			const body = { name: name[k] || '', locale: lang, position: 1000 };
			if (parent)
				await post(`${HC}/categories/${parent}/sections`, { section: body });
			else
				await post(`${HC}/categories`, { category: body });
			setName({ ...name, [k]: '' });
			reload();
		} catch (x) {
			setErr({ k, x });
		}
	}
	const moveAndReload = (kind, list, i) => async (dir) => {
		try {
			await move(kind, list, i, dir);
		} catch (x) {
			toast(x.message, 'error');
		}
		reload();
	};
	const addForm = (k, label, onSubmit) => html`<form class="row" onSubmit=${onSubmit}>
		<label for=${`kb-add-${k}`}>${label}</label>
		<input id=${`kb-add-${k}`} value=${name[k] || ''} maxlength="255" lang=${lang} onInput=${(e) => setName({ ...name, [k]: e.target.value })}
			aria-invalid=${err && err.k === k ? 'true' : undefined} data-test=${`kb-add-${k}`} />
		<button type="submit" data-test=${`kb-add-${k}-go`}>${t('kb.add')}</button>
		${err && err.k === k && html`<p class="error problem" role="alert">${(err.x.fields.name && err.x.fields.name[0].description) || err.x.message}</p>`}</form>`;
	if (!res)
		return html`<${ErrorBanner} error=${error} /><p class="muted">${t('loading')}</p>`;
	return html`<${ErrorBanner} error=${error} />
		<p class="muted">${t('kb.categories_hint')}</p>
		${res.categories.map((c, i) => html`<section class="panel" key=${c.id}>
			<h2 lang=${c.locale}>${c.name}</h2>
			<${Names} kind="categories" item=${c} names=${c.names} onSaved=${reload} first=${i === 0} last=${i === res.categories.length - 1}
				onMove=${moveAndReload('categories', res.categories, i)} />
			<h3>${t('kb.sections')}</h3>
			${res.sections.filter((s) => s.category_id === c.id).map((s, j, list) => html`<div key=${s.id} class="kb-section-names">
				<${Names} kind="sections" item=${s} names=${s.names} onSaved=${reload} first=${j === 0} last=${j === list.length - 1}
					onMove=${moveAndReload('sections', list, j)} /></div>`)}
			${addForm(`s${c.id}`, t('kb.add_section'), (e) => add(e, 'sections', c.id))}</section>`)}
		${addForm('c', t('kb.add_category'), (e) => add(e, 'categories', 0))}`;
}

export function KnowledgeBase({ parts, query }) {
	const [, a, b] = parts; // kb, a, b
	if (a === 'articles' && b)
		return html`<${ArticleEditor} key=${b} id=${b === 'new' ? null : Number(b)} query=${query} />`;
	const at = a === 'missing' || (a === 'categories' && state.me && state.me.role === 'admin') ? a : '';
	const Body = { missing: Missing, categories: Categories }[at] || Articles;
	return html`<section aria-labelledby="kb-title">
		<h1 id="kb-title">${t('nav.kb')}</h1>
		<${Tabs} at=${at} />
		<${Body} query=${query} /></section>`;
}
