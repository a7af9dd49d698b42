// Loads a knowledge base in the shape of src/demo/kb.json into a running
// server through the Help Center API, as an admin would build it by hand:
// each category, section and article created in one locale, then a
// translation for every other one.
//
//   const kb = readKb();                       // src/demo/kb.json
//   const ids = await loadKb(srv, kb);         // {categories, sections, articles}: key -> id
//   ids.articles.get('return-policy')          // the article's id
//
// Every request must succeed (200 or 201) or the load stops with the
// server's answer in the message: a half-loaded base would only make the
// tests that use it fail further away from the cause.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const KB_JSON = path.resolve(here, '../../../src/demo/kb.json');
export const KB_LOCALES = ['uk', 'ru', 'lt', 'en'];
const HC = '/api/v2/help_center';

/** The knowledge base in file (src/demo/kb.json by default), parsed. */
export function readKb(file = KB_JSON) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function post(srv, p, body, auth, what) {
	const r = await srv.api('POST', p, body, auth === undefined ? {} : { auth });
	assert.ok(r.status === 201 || r.status === 200, `${what}: POST ${p} answered ${r.status}: ${r.text}`);
	return r.json;
}

/**
 * Creates every category, section and article of kb (and their
 * translations) on srv. Options: auth (the harness user who writes; the
 * admin by default), source (the locale each item is created in, the
 * others becoming translations; "uk" by default), locales (which of the
 * file's locales to load; all four by default). Resolves three Maps from
 * the file's keys to the ids the server gave: {categories, sections,
 * articles}.
 */
export async function loadKb(srv, kb, { auth, source = 'uk', locales = KB_LOCALES } = {}) {
	assert.ok(locales.includes(source), `source locale ${source} is not among ${locales}`);
	const others = locales.filter((l) => l !== source);
	const ids = { categories: new Map(), sections: new Map(), articles: new Map() };
	for (const c of kb.categories) {
		const ct = c.translations[source];
		const cr = await post(srv, `${HC}/categories`, {
			category: { name: ct.name, description: ct.description, locale: source, position: c.position },
		}, auth, `category ${c.key}`);
		const cid = cr.category.id;
		ids.categories.set(c.key, cid);
		// Zendesk names a category's or section's translated name "title" and
		// its description "body"
		for (const l of others)
			await post(srv, `${HC}/categories/${cid}/translations`, {
				translation: { locale: l, title: c.translations[l].name, body: c.translations[l].description },
			}, auth, `category ${c.key} in ${l}`);
		for (const s of c.sections) {
			const st = s.translations[source];
			const sr = await post(srv, `${HC}/categories/${cid}/sections`, {
				section: { name: st.name, description: st.description, locale: source, position: s.position },
			}, auth, `section ${s.key}`);
			const sid = sr.section.id;
			ids.sections.set(s.key, sid);
			for (const l of others)
				await post(srv, `${HC}/sections/${sid}/translations`, {
					translation: { locale: l, title: s.translations[l].name, body: s.translations[l].description },
				}, auth, `section ${s.key} in ${l}`);
			for (const a of s.articles) {
				const at = a.translations[source];
				const ar = await post(srv, `${HC}/sections/${sid}/articles`, {
					article: {
						title: at.title, body_markdown: at.body, locale: source, position: a.position,
						label_names: a.labels, visibility: a.visibility, promoted: a.promoted, draft: false,
					},
				}, auth, `article ${a.key}`);
				const aid = ar.article.id;
				ids.articles.set(a.key, aid);
				for (const l of others)
					await post(srv, `${HC}/articles/${aid}/translations`, {
						translation: { locale: l, title: a.translations[l].title,
							body_markdown: a.translations[l].body, draft: false },
					}, auth, `article ${a.key} in ${l}`);
			}
		}
	}
	return ids;
}
