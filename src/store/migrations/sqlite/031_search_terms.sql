-- Frontline schema, version 31: the search index holds core/text.c's terms
-- (words folded, and their stems in the text's languages, colocated),
-- made by the FTS5 tokenizer "fl" that the store registers on every
-- connection (store/sqlite.c) — the same terms PostgreSQL is given.
-- The index starts empty: the store fills it again from the tickets'
-- subjects and comments, in batches, when the setting search.text_version
-- is not core/text.h's FL_TEXT_VERSION (docs/search.md).
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
	body,
	tokenize = 'fl'
);
DELETE FROM settings WHERE key = 'search.text_version';
