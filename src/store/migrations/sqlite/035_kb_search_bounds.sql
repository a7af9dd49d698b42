-- Frontline schema, version 35: the search log's bounds (docs/kb.md
-- "Failed searches"). token is the secret a search's answer carries and
-- its click must give back (kb/kb.h, fl_kb_search_click), so that nobody
-- can mark searches they did not make as clicked by walking ids; '' for
-- the searches logged before (no click can be recorded for them any
-- more: they were at most an hour from their last chance). The index is
-- for the help center's click by query (fl_store_kb_search_click_key:
-- the latest search of these words in this locale since an hour ago),
-- which otherwise reads the whole log at every article opened from a
-- search.
ALTER TABLE kb_searches ADD COLUMN token TEXT NOT NULL DEFAULT '';
CREATE INDEX kb_searches_by_key ON kb_searches (query_key, locale, created_at);
