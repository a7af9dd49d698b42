-- Frontline schema, version 38: the article search's filters read a
-- narrow index of the translations instead of their rows (kilobytes of
-- Markdown and HTML each): a common word matches thousands, and each
-- match cost a page of the table (store/kb.c, fl_store_kb_search).
CREATE INDEX kb_translations_search ON kb_translations (id, locale, draft, article_id);
