-- Frontline schema, version 36, for PostgreSQL: the vocabulary typos are
-- corrected to (docs/kb.md "Typos"), one row a word of a locale for each
-- reader level that may see it. level: a reader at 0 (anyone), 1 (signed
-- in) or 2 (agents); an article of visibility v puts its words at levels
-- v..2, so a reader's candidates are one equality away, never a word of an
-- article the reader may not read. n: how many published translations of
-- articles not archived have the word at that level (kb_words keeps which
-- ones), the row removed at 0. tail is the word without its first letter:
-- the correction reads the words nearest the query word in byte order,
-- and those nearest its tail (a mistyped first letter), in each length.
-- word and tail are COLLATE "C", so that byte order is SQLite's and both
-- backends read the same candidates and offer the same corrections.
-- The article index keeps it in the save's transaction
-- (fl_store_kb_index), and fl_store_kb_reindex rebuilds it.
CREATE TABLE kb_vocab (
	locale TEXT NOT NULL,
	level  BIGINT NOT NULL CHECK (level IN (0, 1, 2)),
	word   TEXT COLLATE "C" NOT NULL,
	tail   TEXT COLLATE "C" NOT NULL,
	len    BIGINT NOT NULL,
	n      BIGINT NOT NULL CHECK (n > 0),
	PRIMARY KEY (locale, level, word)
);
CREATE INDEX kb_vocab_by_word ON kb_vocab (locale, level, len, word);
CREATE INDEX kb_vocab_by_tail ON kb_vocab (locale, level, len, tail, word);

INSERT INTO kb_vocab (locale, level, word, tail, len, n)
SELECT t.locale, l.level, w.word, substr(w.word, 2), w.len, count(*)
  FROM kb_words w
  JOIN kb_translations t ON t.id = w.translation_id
  JOIN kb_articles a ON a.id = t.article_id
  JOIN (SELECT 0 AS level UNION ALL SELECT 1 UNION ALL SELECT 2) l ON l.level >= a.visibility
 WHERE a.archived_at = 0
 GROUP BY t.locale, l.level, w.word, w.len;

-- kb_words is read by translation only now (what to take back from
-- kb_vocab when a translation is indexed again)
DROP INDEX kb_words_by_len;
