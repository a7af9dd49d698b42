-- Frontline schema, version 31: the search index holds core/text.c's terms
-- (words folded, and their stems in the text's languages, at one position),
-- computed in C and written as a tsvector by the store (the driver's
-- fts_doc), queried with tsquery literals made the same way: the very
-- terms SQLite's tokenizer "fl" indexes, so both answer alike. PostgreSQL's
-- own parsing goes: the trigger and functions that did it.
-- The rows stay until the store rebuilds them from the tickets' subjects
-- and comments, in batches, because the setting search.text_version is
-- not core/text.h's FL_TEXT_VERSION (docs/search.md).
DROP TRIGGER search_fts_tsv ON search_fts;
DROP FUNCTION fl_search_fts_tsv();
DROP FUNCTION fl_snippet(text, tsquery);
DROP FUNCTION fl_tsquery(text);
DROP FUNCTION fl_tsvector(text);
DROP FUNCTION fl_language(text);
DROP TEXT SEARCH CONFIGURATION fl_simple;
DELETE FROM settings WHERE key = 'search.text_version';
