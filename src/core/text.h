/* The one analysis of text into search terms, for every search index on
 * both backends: SQLite's FTS5 tokenizer "fl" (store/sqlite.c) calls it on
 * documents and queries alike, and PostgreSQL is given the terms it makes
 * as tsvector and tsquery literals (store/postgres.c), never its own
 * parser, so that both index and match the very same terms (docs/search.md).
 *
 * A word is a run of letters and digits (GLib's g_unichar_isalnum over
 * UTF-8; combining marks continue a word). An apostrophe (' ’ ʼ) between
 * two letters joins them and is dropped: "м’ясо", "м'ясо" and "мясо" are
 * one word. Anything else separates words, and so does every byte that
 * does not start well-formed UTF-8.
 *
 * For each word, in order: it is lower-cased; stemmed in the word's
 * language(s) from the lower-cased word with its diacritics; then every term
 * is made accent-free (NFD, combining marks dropped: й→и, ї→і, ё→е, ą→a,
 * š→s). The folded word is a position's first term, then come the distinct
 * stems that differ from it, colocated (the same position). A term is at
 * most FL_TEXT_TERM_MAX bytes, cut at a character boundary.
 *
 * Languages are detected per text (fl_text_detect) and applied per script:
 * Cyrillic words are Ukrainian (own light stemmer, fl_text_stem_uk) when
 * the text has more of і ї є ґ than of ы э ъ ё, Russian (Snowball) for the
 * reverse, both when neither wins; Latin words are Lithuanian (Snowball)
 * when the text has 3 or more Lithuanian letters (ą č ę ė į š ų ū ž), both
 * Lithuanian and English with 1 or 2 (a short query, a name in English
 * text), English (Snowball's english) with none. Words in other scripts,
 * of digits, or mixing scripts are not stemmed. A query is a text like any
 * other: an ambiguous query word carries both stems, and matches either.
 *
 * Deterministic: the same bytes always give the same terms, on every
 * thread. The Snowball stemmers are kept one set per thread (they are not
 * thread-safe), made at first use and freed when the thread exits. */
#ifndef FL_CORE_TEXT_H
#define FL_CORE_TEXT_H

#include <stddef.h>

#include "core/str.h"

#define FL_TEXT_VERSION 1 /* bump when the terms change: indexes are rebuilt (docs/search.md) */
#define FL_TEXT_TERM_MAX 64
enum { FL_TEXT_PREFIX = 1 }; /* the text is one query prefix: emit folded words only, no stems */

/* fn gets each term (len bytes, not NUL-terminated); colocated is 0 for a
 * position's first term (the folded word), 1 for its stems; pos counts
 * words from 0; start/end are the word's byte offsets in text. A non-zero
 * return stops fl_text_terms, which returns it. */
typedef int (*fl_text_term_fn)(void *ctx, const char *term, size_t len, int colocated, size_t pos,
			       size_t start, size_t end);

/* Calls fn for every term of text (len bytes, any bytes at all) in order.
 * 0 when all were given, fn's non-zero return, or FL_ENOMEM when a stemmer
 * could not be made (no term is given without its stems). */
int fl_text_terms(const char *text, size_t len, unsigned flags, fl_text_term_fn fn, void *ctx);

/* The languages fl_text_detect finds, as bits. */
enum {
	FL_LANG_UK = 1,
	FL_LANG_RU = 2,
	FL_LANG_EN = 4,
	FL_LANG_LT = 8,
};
/* The languages whose stemmers text's words get, by the rules above: one or
 * two of UK and RU, and one or two of EN and LT. */
unsigned fl_text_detect(const char *text, size_t len);

/* Writes into out (FL_TEXT_TERM_MAX + 1 bytes) word (n bytes of UTF-8)
 * lower-cased and accent-free, cut at FL_TEXT_TERM_MAX bytes, NUL-terminated;
 * returns its length. Invalid bytes are dropped. The form a word is indexed
 * by, for callers that compare words themselves (typo tolerance). */
size_t fl_text_fold(const char *word, size_t n, char *out);

/* The Ukrainian light stemmer: word (n bytes, lower-case UTF-8 with its
 * diacritics) without its inflection, in out (cap bytes, NUL-terminated);
 * returns the stem's length. Strips the longest ending of its list that
 * leaves at least 3 letters, then trailing vowels, and ends к, г, х as ц, з,
 * с (доставка/доставці): the forms of a word give the same stem. alt 1 asks
 * for the second reading of a word whose ending is an infinitive's
 * (-ати, -ити, -ути…) but may be a noun's "и" after т (оплати, кредити):
 * the stem without that "и" alone; 0 (out "") for any other word. */
size_t fl_text_stem_uk(const char *word, size_t n, int alt, char *out, size_t cap);

/* A snippet of text (len bytes) for the query terms terms[0..nterms) (as a
 * user typed them; prefix[i] 1 for a prefix): about `words` words from a
 * little before the first word any term matches (its folded form or one of
 * its stems, by fl_text_terms), each matching word between \x01 and \x02,
 * "…" where text was cut. The start of text when nothing matches. Appended
 * to out; 0 or FL_ENOMEM/FL_ETOOBIG. */
int fl_text_snippet(const char *text, size_t len, const char *const *terms, const int *prefix,
		    size_t nterms, size_t words, fl_buf *out);

#endif
