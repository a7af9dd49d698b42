-- Frontline schema, version 32: the knowledge base (kb/kb.h, docs/kb.md) —
-- categories hold sections, sections hold articles; each has a text per
-- locale (uk, ru, lt, en). An article's translations are what readers see:
-- Markdown (or HTML from a Zendesk client) with the sanitized HTML it
-- renders to, a draft flag, and every save kept as a revision.
CREATE TABLE kb_categories (
	id            INTEGER PRIMARY KEY,
	position      INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
	source_locale TEXT NOT NULL CHECK (source_locale IN ('uk', 'ru', 'lt', 'en')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

CREATE TABLE kb_sections (
	id            INTEGER PRIMARY KEY,
	category_id   INTEGER NOT NULL REFERENCES kb_categories(id),
	position      INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
	source_locale TEXT NOT NULL CHECK (source_locale IN ('uk', 'ru', 'lt', 'en')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX kb_sections_by_category ON kb_sections (category_id, position, id);

-- The name and description of a category (kind 'category') or a section
-- ('section') in one locale: Zendesk's category and section translations.
CREATE TABLE kb_names (
	kind        TEXT NOT NULL CHECK (kind IN ('category', 'section')),
	owner_id    INTEGER NOT NULL,
	locale      TEXT NOT NULL CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description TEXT NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (kind, owner_id, locale)
);

-- visibility: 0 public, 1 signed-in customers, 2 agents only. labels is
-- the article's label names joined by commas (a name holds none), the
-- order they were given in; kb_article_labels is the same set to filter on.
-- archived_at 0: not archived (deleting archives, as Zendesk does).
CREATE TABLE kb_articles (
	id            INTEGER PRIMARY KEY,
	section_id    INTEGER NOT NULL REFERENCES kb_sections(id),
	position      INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
	promoted      INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0, 1)),
	visibility    INTEGER NOT NULL DEFAULT 0 CHECK (visibility IN (0, 1, 2)),
	labels        TEXT NOT NULL DEFAULT '',
	author_id     INTEGER NOT NULL,
	source_locale TEXT NOT NULL CHECK (source_locale IN ('uk', 'ru', 'lt', 'en')),
	archived_at   INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX kb_articles_by_section ON kb_articles (section_id, position, id);

CREATE TABLE kb_article_labels (
	article_id INTEGER NOT NULL REFERENCES kb_articles(id),
	name       TEXT NOT NULL,
	PRIMARY KEY (article_id, name)
);
CREATE INDEX kb_article_labels_by_name ON kb_article_labels (name, article_id);

-- One translation an article and locale. slug is the custom one, NULL when
-- it follows the title; a custom slug is unique in its locale. body_md is
-- NULL when the body was given as HTML; body_html is always the sanitized
-- HTML readers get. revision is the number of the latest kb_revisions row.
CREATE TABLE kb_translations (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles(id),
	locale     TEXT NOT NULL CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
	slug       TEXT,
	body_md    TEXT,
	body_html  TEXT NOT NULL,
	draft      INTEGER NOT NULL DEFAULT 1 CHECK (draft IN (0, 1)),
	author_id  INTEGER NOT NULL,
	editor_id  INTEGER NOT NULL,
	revision   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	edited_at  INTEGER NOT NULL,
	UNIQUE (article_id, locale),
	UNIQUE (locale, slug)
);

-- Every save of a translation: the title and the source as written (the
-- Markdown, or the HTML when markdown is 0), who saved it and when.
CREATE TABLE kb_revisions (
	translation_id INTEGER NOT NULL REFERENCES kb_translations(id),
	n              INTEGER NOT NULL CHECK (n >= 1),
	title          TEXT NOT NULL,
	body           TEXT NOT NULL,
	markdown       INTEGER NOT NULL CHECK (markdown IN (0, 1)),
	author_id      INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	PRIMARY KEY (translation_id, n)
);

-- "Was this helpful?": one vote a voter ("u:<user id>" for a signed-in
-- user, "k:<key>" for a key the caller gives), which they may change.
CREATE TABLE kb_votes (
	article_id INTEGER NOT NULL REFERENCES kb_articles(id),
	locale     TEXT NOT NULL CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	voter      TEXT NOT NULL,
	value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (article_id, locale, voter)
);

CREATE TABLE kb_views (
	article_id INTEGER NOT NULL REFERENCES kb_articles(id),
	locale     TEXT NOT NULL CHECK (locale IN ('uk', 'ru', 'lt', 'en')),
	n          INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (article_id, locale)
);

-- Article search (kb/kb.h fl_kb_search): a translation's title and the
-- text of its body, indexed by core/text.c's analysis through the FTS5
-- tokenizer "fl" (store/sqlite.c); rowid is the translation's id. Only
-- published translations are here; the query joins the rest (archived,
-- visibility). Rebuilt, not copied, by frontline migrate.
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, tokenize = 'fl');

-- The words (folded as core/text.c folds them, 3 letters or more, len in
-- characters) of each published translation: the vocabulary a mistyped
-- query word is corrected to.
CREATE TABLE kb_words (
	translation_id INTEGER NOT NULL REFERENCES kb_translations(id),
	word           TEXT NOT NULL,
	len            INTEGER NOT NULL,
	PRIMARY KEY (translation_id, word)
);
CREATE INDEX kb_words_by_len ON kb_words (len, word);

-- Every search from the help center and the portal, and the article
-- clicked from its results (0: none yet): what customers look for that
-- the knowledge base does not answer. query_key is the query's words
-- folded, so that "Оплата" and "оплата " count as one.
CREATE TABLE kb_searches (
	id                 INTEGER PRIMARY KEY,
	query              TEXT NOT NULL,
	query_key          TEXT NOT NULL,
	locale             TEXT NOT NULL,
	results            INTEGER NOT NULL,
	source             TEXT NOT NULL,
	clicked_article_id INTEGER NOT NULL DEFAULT 0,
	created_at         INTEGER NOT NULL
);
CREATE INDEX kb_searches_by_time ON kb_searches (created_at);
