#!/usr/bin/env node
// Checks the demo knowledge base (src/demo/kb.json) and its judged queries
// (tests/fixtures/kb_queries.json) before anything loads them:
//
//   node tools/kb_corpus_check.mjs [kb.json] [kb_queries.json]
//
// The knowledge base: the exact shape the loaders read (no key missing, none
// unknown), every name, description, title and body in all four locales,
// unique lower-case ASCII slugs, at least 50 articles, each translation's
// body 80–300 words, and each text written in the letters of its language
// (Ukrainian has і ї є and no ы э ъ ё, Russian the reverse, Lithuanian its
// diacritics) — a cheap guard against a Russian text pasted as Ukrainian.
// The queries: at least 24 per locale, each naming articles that exist and
// that the searcher may see (an agents-only article only for "as":"agent").
// Prints a summary; exits 1 listing every problem found.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kbPath = process.argv[2] ?? path.join(root, 'src/demo/kb.json');
const queriesPath = process.argv[3] ?? path.join(root, 'tests/fixtures/kb_queries.json');

const LOCALES = ['uk', 'ru', 'lt', 'en'];
const VISIBILITY = ['public', 'signed_in', 'agents'];
const MIN_ARTICLES = 50;
const MIN_WORDS = 80;
const MAX_WORDS = 300;
const MIN_QUERIES = 24;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const problems = [];
const bad = (where, what) => problems.push(`${where}: ${what}`);

const words = (s) => (s.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? []).length;
const count = (s, re) => (s.match(re) ?? []).length;

// Is text written in the letters of locale? Counts only; short names may lack
// the telling letters, so they are checked for the wrong ones alone.
function script(where, locale, text, long) {
	const cyr = count(text, /[\u0400-\u04ff]/g);
	const lat = count(text, /[a-z]/gi);
	const ukOnly = count(text, /[іїєґІЇЄҐ]/g);
	const ruOnly = count(text, /[ыэъёЫЭЪЁ]/g);
	const ltOnly = count(text, /[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]/g);
	if (locale === 'uk') {
		if (ruOnly)
			bad(where, `Ukrainian text has ${ruOnly} Russian-only letters (ы э ъ ё)`);
		if (long && (ukOnly === 0 || cyr < lat))
			bad(where, 'Ukrainian text without і ї є ґ, or mostly Latin');
	} else if (locale === 'ru') {
		if (ukOnly)
			bad(where, `Russian text has ${ukOnly} Ukrainian-only letters (і ї є ґ)`);
		if (long && (ruOnly === 0 || cyr < lat))
			bad(where, 'Russian text without ы э ъ ё, or mostly Latin');
	} else if (locale === 'lt') {
		if (cyr)
			bad(where, 'Lithuanian text has Cyrillic letters');
		if (long && ltOnly === 0)
			bad(where, 'Lithuanian text without ą č ę ė į š ų ū ž');
	} else if (cyr) {
		bad(where, 'English text has Cyrillic letters');
	}
}

function exactKeys(where, obj, keys) {
	if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
		bad(where, 'not an object');
		return false;
	}
	for (const k of keys)
		if (!(k in obj))
			bad(where, `missing "${k}"`);
	for (const k of Object.keys(obj))
		if (!keys.includes(k))
			bad(where, `unknown key "${k}"`);
	return true;
}

function nonEmpty(where, v) {
	if (typeof v !== 'string' || !v.trim())
		bad(where, 'must be a non-empty string');
	return typeof v === 'string' ? v : '';
}

function translations(where, tr, fields, check) {
	if (!exactKeys(`${where}.translations`, tr, LOCALES))
		return;
	for (const l of LOCALES)
		if (exactKeys(`${where}.translations.${l}`, tr[l], fields))
			check(l, tr[l]);
}

const seen = new Set();
function slug(where, key) {
	if (typeof key !== 'string' || !SLUG.test(key))
		bad(where, `key ${JSON.stringify(key)} is not a lower-case ASCII slug`);
	else if (seen.has(key))
		bad(where, `key "${key}" is used twice`);
	seen.add(key);
}

function positions(where, list) {
	const p = list.map((x) => x.position);
	if (!p.every((n, i) => Number.isInteger(n) && n === i + 1))
		bad(where, `positions are not 1..${list.length} in order: ${JSON.stringify(p)}`);
}

const kb = JSON.parse(fs.readFileSync(kbPath, 'utf8'));
const articles = new Map(); // key -> article
const wordsPer = Object.fromEntries(LOCALES.map((l) => [l, 0]));
const named = (l, t) => {
	script(`${l} name`, l, `${nonEmpty('name', t.name)}`, false);
	nonEmpty('description', t.description);
	script(`${l} description`, l, t.description ?? '', false);
};

if (exactKeys('kb', kb, ['categories']) && Array.isArray(kb.categories)) {
	positions('categories', kb.categories);
	for (const c of kb.categories) {
		const cw = `category ${c.key}`;
		if (!exactKeys(cw, c, ['key', 'position', 'translations', 'sections']))
			continue;
		slug(cw, c.key);
		translations(cw, c.translations, ['name', 'description'], named);
		if (!Array.isArray(c.sections) || c.sections.length < 2 || c.sections.length > 3)
			bad(cw, 'needs 2–3 sections');
		positions(`${cw} sections`, c.sections ?? []);
		for (const s of c.sections ?? []) {
			const sw = `section ${s.key}`;
			if (!exactKeys(sw, s, ['key', 'position', 'translations', 'articles']))
				continue;
			slug(sw, s.key);
			translations(sw, s.translations, ['name', 'description'], named);
			if (!Array.isArray(s.articles) || s.articles.length === 0)
				bad(sw, 'has no articles');
			positions(`${sw} articles`, s.articles ?? []);
			for (const a of s.articles ?? []) {
				const aw = `article ${a.key}`;
				if (!exactKeys(aw, a, ['key', 'position', 'labels', 'visibility', 'promoted', 'translations']))
					continue;
				slug(aw, a.key);
				articles.set(a.key, a);
				if (!Array.isArray(a.labels) || !a.labels.every((x) => typeof x === 'string' && SLUG.test(x)))
					bad(aw, 'labels must be lower-case slugs');
				if (!VISIBILITY.includes(a.visibility))
					bad(aw, `visibility ${JSON.stringify(a.visibility)}`);
				if (typeof a.promoted !== 'boolean')
					bad(aw, 'promoted must be true or false');
				translations(aw, a.translations, ['title', 'body'], (l, t) => {
					script(`${aw} ${l} title`, l, nonEmpty(`${aw} ${l} title`, t.title), false);
					const body = nonEmpty(`${aw} ${l} body`, t.body);
					const n = words(body);
					wordsPer[l] += n;
					if (n < MIN_WORDS || n > MAX_WORDS)
						bad(`${aw} ${l}`, `body has ${n} words (wanted ${MIN_WORDS}–${MAX_WORDS})`);
					script(`${aw} ${l} body`, l, body, true);
				});
			}
		}
	}
}
if (articles.size < MIN_ARTICLES)
	bad('kb', `${articles.size} articles (wanted at least ${MIN_ARTICLES})`);
const vis = (v) => [...articles.values()].filter((a) => a.visibility === v).length;
console.log(`kb: ${kbPath}: ${kb.categories?.length ?? 0} categories, ${articles.size} articles ` +
	`(${vis('agents')} agents only, ${vis('signed_in')} signed-in only); words: ` +
	LOCALES.map((l) => `${l} ${wordsPer[l]}`).join(', '));

if (fs.existsSync(queriesPath)) {
	const q = JSON.parse(fs.readFileSync(queriesPath, 'utf8'));
	exactKeys('queries', q, LOCALES);
	const per = [];
	for (const l of LOCALES) {
		const list = q[l] ?? [];
		if (list.length < MIN_QUERIES)
			bad(`queries ${l}`, `${list.length} queries (wanted at least ${MIN_QUERIES})`);
		const texts = new Set();
		for (const [i, e] of list.entries()) {
			const w = `queries ${l}[${i}] ${JSON.stringify(e?.query)}`;
			for (const k of Object.keys(e ?? {}))
				if (!['query', 'expect', 'typo', 'as'].includes(k))
					bad(w, `unknown key "${k}"`);
			if (typeof e?.query !== 'string' || !e.query.trim())
				bad(w, 'query must be a non-empty string');
			else if (texts.has(e.query))
				bad(w, 'the same query twice');
			texts.add(e?.query);
			if ('as' in e && e.as !== 'agent')
				bad(w, '"as" can only be "agent"');
			if ('typo' in e && e.typo !== true)
				bad(w, '"typo" can only be true');
			if (!Array.isArray(e?.expect) || e.expect.length === 0)
				bad(w, 'expect must list article keys');
			for (const k of e?.expect ?? []) {
				const a = articles.get(k);
				if (!a)
					bad(w, `expects "${k}", which is no article`);
				else if (a.visibility === 'agents' && e.as !== 'agent')
					bad(w, `expects agents-only "${k}" for an anonymous visitor`);
				else if (a.visibility === 'signed_in' && e.as !== 'agent')
					bad(w, `expects signed-in-only "${k}" for an anonymous visitor`);
			}
		}
		per.push(`${l} ${list.length} (${list.filter((e) => e.typo).length} typos, ` +
			`${list.filter((e) => e.as === 'agent').length} as agent)`);
	}
	console.log(`queries: ${queriesPath}: ${per.join(', ')}`);
}

if (problems.length) {
	console.error(problems.join('\n'));
	console.error(`${problems.length} problem(s)`);
	process.exit(1);
}
