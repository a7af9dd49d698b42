/* The knowledge base: categories hold sections, sections hold articles,
 * and each has a text per locale (docs/kb.md). Plain C: nothing of HTTP or
 * SQL; the store (store/kb.h) reads and writes these structs, the API
 * (kb_api.c) and the help center (hc.c) show them.
 *
 * Ownership: every struct here is plain data whose strings and arrays
 * point into the fl_arena they were loaded or built in; nothing is freed on
 * its own. A char * that may be absent is NULL, never "".
 *
 * Locales: uk, ru, lt and en, and nothing else: a locale is one of the
 * fixed strings of fl_kb_locales (compare with strcmp, or fl_kb_locale).
 *
 * Who sees what (fl_kb_visible): agents and admins everything; a
 * signed-in customer public and signed_in articles; anyone else public
 * ones; and readers who are not agents only published (not draft)
 * translations of articles not archived. What a reader may not see is
 * "not found", never "forbidden". */
#ifndef FL_KB_KB_H
#define FL_KB_KB_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct fl_tx;
struct fl_actor;

#define FL_KB_NLOCALES 4
/* "uk", "ru", "lt", "en" in that order (static strings). */
extern const char *const fl_kb_locales[FL_KB_NLOCALES];
/* The index of locale z in fl_kb_locales, -1 for anything else (NULL too). */
int fl_kb_locale(const char *z);
/* fl_kb_locales' own string for z (so it outlives any arena), NULL when z
 * is not a locale we serve. */
const char *fl_kb_locale_name(const char *z);
/* 0, or FL_EINVAL naming field for a locale we do not serve. */
int fl_kb_locale_check(const char *z, const char *field, struct fl_err *e);

enum fl_kb_visibility {
	FL_KB_PUBLIC = 0,    /* anyone, signed in or not */
	FL_KB_SIGNED_IN = 1, /* signed-in users (customers and agents) */
	FL_KB_AGENTS = 2,    /* agents and admins only: internal know-how */
	FL_KB_VISIBILITY__MAX
};
/* "public", "signed_in", "agents"; -1 / NULL for anything else. */
int fl_kb_visibility_parse(const char *z);
const char *fl_kb_visibility_name(int v);
/* The highest visibility actor may read: FL_KB_AGENTS for agents and
 * admins, FL_KB_SIGNED_IN for a signed-in end user, FL_KB_PUBLIC for
 * nobody signed in (actor NULL or anonymous). */
int fl_kb_reader_level(const struct fl_actor *actor);

/* Limits (each checked with a 422 naming the field): */
#define FL_KB_TITLE_MAX 255         /* characters of a title or a name */
#define FL_KB_DESCRIPTION_MAX 4096  /* characters of a description */
#define FL_KB_BODY_MAX (256 * 1024) /* bytes of a body, Markdown or HTML */
#define FL_KB_SLUG_MAX 128          /* bytes of a slug */
#define FL_KB_LABELS_MAX 30         /* labels on an article */
#define FL_KB_LABEL_MAX 64          /* characters of a label */
#define FL_KB_POSITION_MAX 1000000

/* A category's or section's text in one locale. */
struct fl_kb_name {
	char *locale; /* one of fl_kb_locales */
	char *name;
	char *description; /* "" when none */
	int64_t updated_at;
};

struct fl_kb_category {
	int64_t id;
	int position;
	char *source_locale;
	int64_t created_at, updated_at;
	struct fl_kb_name *names; /* every locale it has, in fl_kb_locales order */
	size_t nnames;
};

struct fl_kb_section {
	int64_t id, category_id;
	int position;
	char *source_locale;
	int64_t created_at, updated_at;
	struct fl_kb_name *names;
	size_t nnames;
};

/* An article's text in one locale. body_md is the Markdown as written, or
 * NULL when the body came as HTML (a Zendesk client's "body"); body_html is
 * what readers get: the Markdown rendered, or the HTML, sanitized
 * (fl_kb_render). slug is the custom slug or NULL (then fl_kb_slugify of
 * the title is used). The counts are read with it, never written through
 * it. */
struct fl_kb_translation {
	int64_t id, article_id;
	char *locale;
	char *title;
	char *slug;
	char *body_md;
	char *body_html;
	int draft;
	int64_t author_id, editor_id;
	int revision; /* the number of its latest revision (1 after the first save) */
	int64_t created_at, updated_at, edited_at;
	int64_t vote_sum, vote_count, view_count; /* for this locale */
};

struct fl_kb_article {
	int64_t id, section_id;
	int position;
	int promoted;
	int visibility; /* enum fl_kb_visibility */
	char *labels;   /* label names joined by ",", "" for none (fl_kb_labels_split) */
	int64_t author_id;
	char *source_locale;
	int64_t archived_at; /* 0: not archived */
	int64_t created_at, updated_at;
};

/* An article with its translation in one locale: what lists return. */
struct fl_kb_entry {
	struct fl_kb_article article;
	struct fl_kb_translation tr;
};

/* One saved state of a translation. body is the source as written: the
 * Markdown when markdown is 1, else the HTML given. */
struct fl_kb_revision {
	int64_t translation_id;
	int n; /* 1, 2, … in order of saving */
	char *title;
	char *body;
	int markdown;
	int64_t author_id;
	int64_t created_at;
};

/* The slug of title, in a: letters and digits of any script kept and
 * lower-cased, every run of anything else one "-", none at either end, at
 * most FL_KB_SLUG_MAX bytes (cut at a character boundary); "article" when
 * nothing is left. */
char *fl_kb_slugify(const char *title, fl_arena *a);
/* The slug a translation is addressed by: its custom slug, else its
 * title's. */
const char *fl_kb_slug(const struct fl_kb_translation *t, fl_arena *a);
/* Checks a custom slug as given: 1..FL_KB_SLUG_MAX bytes of lower-case
 * letters, digits and single dashes inside (what fl_kb_slugify makes);
 * FL_EINVAL naming "slug". */
int fl_kb_slug_check(const char *slug, struct fl_err *e);

/* Splits labels ("a,b") into up to FL_KB_LABELS_MAX names in a. */
int fl_kb_labels_split(const char *labels, fl_arena *a, char ***out, size_t *n);
/* Checks names (trimmed, 1..FL_KB_LABEL_MAX characters, no comma, at
 * most FL_KB_LABELS_MAX, duplicates dropped) and joins them into *out (in
 * a) as kb_articles keeps them. FL_EINVAL naming "label_names". */
int fl_kb_labels_join(const char *const *names, size_t n, fl_arena *a, char **out,
		      struct fl_err *e);

/* Checks a name (category or section): locale, name 1..FL_KB_TITLE_MAX
 * characters, description at most FL_KB_DESCRIPTION_MAX. FL_EINVAL naming
 * "locale", "name" (field_name lets the caller say "title" for Zendesk's
 * translation shape) or "description". */
int fl_kb_name_check(const struct fl_kb_name *n, const char *field_name, struct fl_err *e);
/* Checks an article's own fields: position, visibility, source locale.
 * FL_EINVAL naming the field. */
int fl_kb_article_check(const struct fl_kb_article *a, struct fl_err *e);
/* Checks a translation as given, before rendering: locale, title
 * (1..FL_KB_TITLE_MAX characters, no control characters), a body —
 * body_md or body_html, at most FL_KB_BODY_MAX bytes of valid UTF-8
 * ("body" / "body_markdown" named) — and a custom slug when set. */
int fl_kb_translation_check(const struct fl_kb_translation *t, struct fl_err *e);
/* Makes t->body_html from what t was given: the Markdown rendered
 * (kb/markdown.h) or the HTML given, both through the article sanitizer.
 * FL_EINVAL naming "body" when the HTML cannot be shown (over the
 * sanitizer's size), FL_ENOMEM. */
int fl_kb_render(struct fl_kb_translation *t, fl_arena *a, struct fl_err *e);

/* 1 when a reader at level (fl_kb_reader_level) may read translation t of
 * article a: agents anything; others only published translations of
 * articles neither archived nor above their level. */
int fl_kb_visible(int level, const struct fl_kb_article *a, const struct fl_kb_translation *t);

/* A line diff of two texts (revisions' bodies), as lines with an op: ' '
 * in both, '-' only in from, '+' only in to, in order. text points into a
 * (without its newline). Up to a million line pairs after the common head
 * and tail are compared line by line (a longest common subsequence);
 * beyond that the middle is shown as removed then added. */
struct fl_kb_diff_line {
	char op;
	char *text;
};
int fl_kb_diff(const char *from, const char *to, fl_arena *a, struct fl_kb_diff_line **out,
	       size_t *n);

/* Writes, each in the caller's write transaction, validating first so that
 * nothing is written when a check fails (the transaction rolls back on any
 * error anyway). actor is who writes (its id is the author / editor). */

/* Saves t (article_id, locale, title, body_md or body_html, slug, draft
 * given) as article t->article_id's translation in t->locale: a new one
 * (creating: FL_EINVAL naming "locale" when that locale has one already),
 * or over the existing one (FL_ENOTFOUND when there is none). Renders the
 * body, writes a revision, and fills the rest of t (id, times, revision).
 * FL_ENOTFOUND when the article does not exist; FL_EINVAL naming "slug"
 * when another translation in the locale has that slug. */
int fl_kb_translation_save(struct fl_tx *tx, const struct fl_actor *actor,
			   struct fl_kb_translation *t, int creating, fl_arena *a,
			   struct fl_err *e);
/* Creates article art (section_id, position, promoted, visibility,
 * labels, source_locale given) with its first translation t (in
 * art->source_locale). FL_EINVAL naming "section_id" when the section
 * does not exist. Fills art and t. */
int fl_kb_article_create(struct fl_tx *tx, const struct fl_actor *actor, struct fl_kb_article *art,
			 struct fl_kb_translation *t, fl_arena *a, struct fl_err *e);
/* Restores revision n of translation (article_id, locale) as a new
 * revision: its title and body saved again as they were (the draft flag and
 * slug stay). Fills *t with the translation as saved. */
int fl_kb_revision_restore(struct fl_tx *tx, const struct fl_actor *actor, int64_t article_id,
			   const char *locale, int n, fl_arena *a, struct fl_kb_translation *t,
			   struct fl_err *e);
/* Records voter's vote (+1 or -1) on article_id in locale: one a voter,
 * a later vote replacing the earlier. voter is "u:<id>" for a signed-in
 * user or "k:<key>" for a key the caller gives (at most 128 bytes). */
int fl_kb_vote(struct fl_tx *tx, int64_t article_id, const char *locale, const char *voter,
	       int value, struct fl_err *e);
/* A voter key from someone who is not signed in is the help center's voter
 * cookie: FL_KB_VOTER_KEY_LEN lower-case hex characters, which the help
 * center makes at random. 1 when key is one. */
#define FL_KB_VOTER_KEY_LEN 32
int fl_kb_voter_key_ok(const char *key);

/* What anyone may do without an account, limited per client address
 * (core/limit.h: in this process's memory, IPv6 by its /64). Each returns
 * 0 when addr may, else FL_ERATE with the seconds to wait in *retry_after.
 * - votes, the help center's form and the API's together: 8 a minute,
 *   enough for a person changing their mind, not for a script;
 * - searches recorded for the failed-search report: 8 in 20 seconds; past
 *   that a search is answered but not recorded;
 * - clicks on search results (the API's, and an article opened from the
 *   help center's results): 8 a minute, past which they are not recorded. */
int fl_kb_limit_vote(const char *addr, int64_t *retry_after);
int fl_kb_limit_search_log(const char *addr, int64_t *retry_after);
int fl_kb_limit_click(const char *addr, int64_t *retry_after);

/* Search: the published translations of one locale that a reader may see,
 * matched by core/text.c's analysis (inflections find each other: "оплату"
 * finds "оплата"), ranked by bm25 on SQLite and ts_rank on PostgreSQL with
 * the title weighing four times the body. The query is ticket search's
 * language for words (search/query.h): words all of which must appear,
 * "phrases", prefix*, -negations; a field:value is refused (FL_EINVAL
 * naming "query"). When nothing matches, each plain word of 3 letters or
 * more that the locale's visible articles do not contain is corrected to
 * the closest one they do (edit distance 1, or 2 for words of 6 letters or
 * more; the candidates are FL_KB_TYPO_NEAR words on either side of it,
 * and of it without its first letter, in byte order, in each length it
 * may have: at most FL_KB_TYPO_ROWS words read and compared a word, of at
 * most FL_KB_TYPO_WORDS words) and the search runs again: corrected_query
 * says so. When that
 * finds nothing either, a query of several words is run once more for
 * articles with any of them (matched_any), ranked the same way: bm25
 * weighs the rare words a customer's sentence has over its common ones,
 * so "як повернути гроші за товар" still finds the refund article. any
 * asks for that reading at once (the contact form's suggestions). */
#define FL_KB_SEARCH_PER_PAGE_MAX 100
#define FL_KB_TYPO_WORDS 8
#define FL_KB_TYPO_NEAR 16
#define FL_KB_TYPO_ROWS (5 * 4 * FL_KB_TYPO_NEAR) /* 5 lengths, 4 walks */
struct fl_kb_search_in {
	const char *query;
	const char *locale;              /* one of fl_kb_locales */
	int level;                       /* the searcher's fl_kb_reader_level */
	const char *label;               /* NULL: any */
	int64_t section_id, category_id; /* 0: any */
	size_t page, per_page;           /* 1-based; 1..FL_KB_SEARCH_PER_PAGE_MAX */
	int any;                         /* articles with any of the words */
};
struct fl_kb_result {
	struct fl_kb_entry e;
	/* HTML: the body's text around its first hit, escaped, every hit
	 * (an inflected form too) in <em>…</em> */
	char *snippet;
};
struct fl_kb_search_out {
	struct fl_kb_result *results; /* in a */
	size_t n;
	int64_t count; /* matches in all */
	int has_more;
	char *corrected_query; /* NULL unless the query was corrected */
	int matched_any;       /* the results have some of the words, not all */
};
/* Runs s in the caller's (read) transaction; everything in a. */
int fl_kb_search(struct fl_tx *tx, const struct fl_kb_search_in *s, fl_arena *a,
		 struct fl_kb_search_out *out, struct fl_err *e);
/* Records a search from the help center or portal (source "hc", "portal",
 * "api"): the query, its locale and how many results it had; *id is the
 * search's and token (FL_KB_SEARCH_TOKEN_LEN hex characters and a 0, made
 * at random) the secret its click must give back (fl_kb_search_click). In
 * a write transaction. */
#define FL_KB_SEARCH_TOKEN_LEN 32
int fl_kb_search_record(struct fl_tx *tx, const char *query, const char *locale, int64_t results,
			const char *source, int64_t *id, char token[FL_KB_SEARCH_TOKEN_LEN + 1]);
/* The searcher opened article_id among the results of search id: counted
 * only when token is the search's, the search was made in the last
 * FL_KB_CLICK_WINDOW seconds and has no click yet (FL_ENOTFOUND
 * otherwise: walking ids clears nothing), and the article's translation in
 * the search's locale is one a reader at level may see (FL_EINVAL naming
 * "article_id" otherwise, a missing article alike). */
int fl_kb_search_click(struct fl_tx *tx, int64_t id, const char *token, int64_t article_id,
		       int level, struct fl_err *e);
/* Searches are kept FL_KB_SEARCH_KEEP seconds (the failed-search report
 * reads no further back), then deleted by the periodic job
 * "kb-search-purge" (fl_kb_search_purge_job, every
 * FL_KB_SEARCH_PURGE_PERIOD seconds). */
#define FL_KB_SEARCH_KEEP (90 * 86400)
#define FL_KB_SEARCH_PURGE_PERIOD 3600
struct fl_job;
int fl_kb_search_purge_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e);
/* The same for a page that knows the search by its query, not its id (the
 * help center records its searches after answering them, so a result's
 * link cannot name one): the latest search of those words in locale in the
 * last FL_KB_CLICK_WINDOW seconds that no click was recorded for. 0 when
 * there is none (nothing to do). */
#define FL_KB_CLICK_WINDOW 3600
int fl_kb_search_click_query(struct fl_tx *tx, const char *query, const char *locale,
			     int64_t article_id);
/* Edit distance (Levenshtein, in characters) of two UTF-8 words, or max + 1
 * when it is more than max. */
int fl_kb_edit_distance(const char *x, const char *y, int max);

#endif
