#!/usr/bin/env node
// Prints N knowledge-base articles, one JSON object a line, for
// `frontline seed --articles N` (bench/search.sh):
//
//   node bench/articles.mjs [--articles 10000] [--seed 1] [--kb src/demo/kb.json] |
//        frontline seed --data DIR --articles N
//
// Made by varying the demo desk's real articles (src/demo/kb.json, 52 of
// them in uk, ru, lt and en), so that the words and their frequencies are
// those of real help-center text: article i is real article i mod 52 with
// some of its paragraphs left out, one to three paragraphs of other real
// articles put in, and a reference number, in every one of its languages
// (the same choices in each, so the translations stay translations of each
// other). The sections are the real ones, each repeated as often as it
// takes to hold about 60 articles ("Payments 3"); the categories are the
// real six. Each line:
//
//   {"category": {"key", "position", "translations": {uk: {name, description}, …}},
//    "section": {same}, "article": {"position", "labels", "visibility",
//    "promoted", "translations": {uk: {title, body}, …}}}
//
// The same seed prints the same articles.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { between, rng } from './corpus.mjs';

let articles = 10000, seed = 1, kbPath = join(dirname(fileURLToPath(import.meta.url)), '../src/demo/kb.json');
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--articles')
		articles = Number(process.argv[++i]);
	else if (a === '--seed')
		seed = Number(process.argv[++i]);
	else if (a === '--kb')
		kbPath = process.argv[++i];
	else if (a === '-h' || a === '--help') {
		process.stdout.write('usage: node bench/articles.mjs [--articles N] [--seed K] [--kb FILE]\n');
		process.exit(0);
	} else {
		process.stderr.write(`articles.mjs: unknown argument ${a}\n`);
		process.exit(2);
	}
}
if (!Number.isInteger(articles) || articles < 1) {
	process.stderr.write('articles.mjs: --articles must be a positive whole number\n');
	process.exit(2);
}

const LOCALES = ['uk', 'ru', 'lt', 'en'];
const REFERENCE = { uk: 'Довідка № {n}.', ru: 'Справка № {n}.', lt: 'Informacija Nr. {n}.', en: 'Reference no. {n}.' };
const PER_SECTION = 60;

const kb = JSON.parse(readFileSync(kbPath, 'utf8'));
const real = []; // {category, section, article}
for (const category of kb.categories)
	for (const section of category.sections)
		for (const article of section.articles)
			real.push({ category, section, article });
if (!real.length) {
	process.stderr.write(`articles.mjs: ${kbPath} has no article\n`);
	process.exit(2);
}
const nsections = kb.categories.reduce((n, c) => n + c.sections.length, 0);
const copies = Math.max(1, Math.ceil(articles / (nsections * PER_SECTION)));
const paragraphs = (body) => body.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);

function names(translations, suffix) {
	const out = {};
	for (const l of LOCALES) {
		const t = translations[l] ?? translations.en;
		out[l] = { name: t.name + suffix, description: t.description ?? '' };
	}
	return out;
}

process.stdout.on('error', () => process.exit(0)); // the reader stopped early
let chunk = [];
for (let i = 0; i < articles; i++) {
	const r = rng(seed * 1000003 + i);
	const base = real[i % real.length];
	const copy = Math.floor(i / real.length) % copies;
	// the other articles lending paragraphs, and which of theirs
	const lenders = [];
	for (let k = between(r, 1, 3); k > 0; k--)
		lenders.push({ from: real[Math.floor(r() * real.length)].article, pick: r(), at: r() });
	const n = 1000 + i;
	const translations = {};
	for (const l of LOCALES) {
		const t = base.article.translations[l];
		if (!t)
			continue;
		// a paragraph in four left out, the same ones in every language
		const left = rng(seed * 7919 + i);
		const body = paragraphs(t.body).filter((_, k) => k === 0 || left() >= 0.25);
		for (const { from, pick, at } of lenders) {
			const theirs = paragraphs((from.translations[l] ?? t).body);
			body.splice(1 + Math.floor(at * body.length), 0, theirs[Math.floor(pick * theirs.length)]);
		}
		body.push(REFERENCE[l].replace('{n}', n));
		translations[l] = { title: `${t.title} (${n})`, body: body.join('\n\n') + '\n' };
	}
	const suffix = copy ? ` ${copy + 1}` : '';
	chunk.push(JSON.stringify({
		category: { key: base.category.key, position: base.category.position ?? 1,
			translations: names(base.category.translations, '') },
		section: { key: `${base.section.key}-${copy + 1}`, position: (base.section.position ?? 1) + 100 * copy,
			category: base.category.key, translations: names(base.section.translations, suffix) },
		article: { position: i + 1, labels: base.article.labels ?? [], visibility: base.article.visibility ?? 'public',
			promoted: !!base.article.promoted && copy === 0, translations },
	}));
	if (chunk.length === 500 || i === articles - 1) {
		if (!process.stdout.write(chunk.join('\n') + '\n'))
			await new Promise((resolve) => process.stdout.once('drain', resolve));
		chunk = [];
	}
}
