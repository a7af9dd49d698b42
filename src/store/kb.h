/* The store's knowledge base (src/store/kb.c, migration 032; the model is
 * kb/kb.h). Thin: these functions read and write rows as they are given
 * and check nothing the domain checks (kb.c validates first).
 *
 * Ownership: strings and arrays returned are copied into the arena given
 * and live as long as it; the caller's inputs are only read. Each call
 * runs in the caller's transaction (store/store.h): a write call needs a
 * write transaction, and a write the domain makes of several calls is
 * whole or nothing because the transaction is.
 *
 * Counts read with a translation (vote_sum, vote_count, view_count) are
 * those of its article and locale. */
#ifndef FL_STORE_KB_H
#define FL_STORE_KB_H

#include <stddef.h>
#include <stdint.h>

#include "kb/kb.h"
#include "store/store.h"

/* The most rows a list returns. */
#define FL_STORE_KB_LIST_MAX 1000

/* Categories and sections. Their names come with them (every locale, in
 * fl_kb_locales order). A list is in order of position, then id. */
int fl_store_kb_category_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_category *out);
int fl_store_kb_category_list(fl_tx *tx, fl_arena *a, struct fl_kb_category **out, size_t *n);
/* Writes c's position and source locale (and times), setting c->id; its
 * names are written with fl_store_kb_name_put. */
int fl_store_kb_category_insert(fl_tx *tx, struct fl_kb_category *c);
int fl_store_kb_category_update(fl_tx *tx, const struct fl_kb_category *c);

int fl_store_kb_section_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_section *out);
/* Sections of category_id, or of every category when it is 0. */
int fl_store_kb_section_list(fl_tx *tx, int64_t category_id, fl_arena *a,
			     struct fl_kb_section **out, size_t *n);
int fl_store_kb_section_insert(fl_tx *tx, struct fl_kb_section *s);
int fl_store_kb_section_update(fl_tx *tx, const struct fl_kb_section *s);

/* The name of a category (kind "category") or a section ("section") in
 * n->locale, written over the one there was. */
int fl_store_kb_name_put(fl_tx *tx, const char *kind, int64_t owner_id, const struct fl_kb_name *n);

/* Articles. get reads one whatever its state (archived too). */
int fl_store_kb_article_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_article *out);
/* Writes art (its labels into kb_article_labels too), setting art->id. */
int fl_store_kb_article_insert(fl_tx *tx, struct fl_kb_article *art);
/* Writes art's section, position, promoted, visibility, labels,
 * archived_at and updated_at over article art->id. */
int fl_store_kb_article_update(fl_tx *tx, const struct fl_kb_article *art);

/* What a list of articles in one locale selects. Zero / NULL members do
 * not filter. */
struct fl_kb_filter {
	const char *locale;   /* required: the translation listed */
	int level;            /* the reader's fl_kb_reader_level: visibility at most */
	int drafts;           /* 1: draft translations too (agents) */
	int archived;         /* 1: archived articles too */
	int64_t section_id;   /* in this section */
	int64_t category_id;  /* in a section of this category */
	const char *label;    /* carrying this label */
	int promoted_only;    /* promoted articles only */
	size_t offset, limit; /* the page: limit at most FL_STORE_KB_LIST_MAX */
};
/* Articles with their translation in f->locale (articles without one are
 * not listed), by the article's position, then id; *total is how many
 * match in all. */
int fl_store_kb_entry_list(fl_tx *tx, const struct fl_kb_filter *f, fl_arena *a,
			   struct fl_kb_entry **out, size_t *n, int64_t *total);
/* Articles (not archived) that have a translation in some locale but not
 * in locale: Zendesk's translations/missing, by id, at most limit. */
int fl_store_kb_missing(fl_tx *tx, const char *locale, size_t limit, fl_arena *a,
			struct fl_kb_article **out, size_t *n);
/* Label names of articles not archived, with how many articles carry each,
 * by name. */
struct fl_kb_label_count {
	char *name;
	int64_t count;
};
int fl_store_kb_labels(fl_tx *tx, fl_arena *a, struct fl_kb_label_count **out, size_t *n);

/* Translations. get: article_id's in locale, FL_ENOTFOUND when none. */
int fl_store_kb_translation_get(fl_tx *tx, int64_t article_id, const char *locale, fl_arena *a,
				struct fl_kb_translation *out);
/* Every translation of article_id, in fl_kb_locales order. */
int fl_store_kb_translation_list(fl_tx *tx, int64_t article_id, fl_arena *a,
				 struct fl_kb_translation **out, size_t *n);
/* Writes t, setting t->id: FL_ECONFLICT when the article has one in that
 * locale already or another translation of the locale has t->slug. */
int fl_store_kb_translation_insert(fl_tx *tx, struct fl_kb_translation *t);
/* Writes t's title, slug, bodies, draft, editor, revision and times over
 * translation t->id (FL_ECONFLICT for a slug clash). */
int fl_store_kb_translation_update(fl_tx *tx, const struct fl_kb_translation *t);
/* The translation of locale with custom slug slug, if any: its id in
 * *translation_id, FL_ENOTFOUND when none. */
int fl_store_kb_slug_owner(fl_tx *tx, const char *locale, const char *slug,
			   int64_t *translation_id);

/* Revisions of a translation: insert writes r (r->n must be the next
 * number); list gives them newest first, at most limit; get one. */
int fl_store_kb_revision_insert(fl_tx *tx, const struct fl_kb_revision *r);
int fl_store_kb_revision_list(fl_tx *tx, int64_t translation_id, size_t limit, fl_arena *a,
			      struct fl_kb_revision **out, size_t *n);
int fl_store_kb_revision_get(fl_tx *tx, int64_t translation_id, int n, fl_arena *a,
			     struct fl_kb_revision *out);

/* Votes: voter's vote on (article_id, locale), over their earlier one. */
int fl_store_kb_vote_put(fl_tx *tx, int64_t article_id, const char *locale, const char *voter,
			 int value, int64_t now);
/* Adds n views of (article_id, locale): the help center counts views in
 * memory and flushes them with this, so that a page view is not a write.
 * An article that no longer exists is skipped (0). */
int fl_store_kb_views_add(fl_tx *tx, int64_t article_id, const char *locale, int64_t n);

/* The search index of translation t (kb_fts and kb_words), written over
 * what it had: its title and the text of its body_html when t is
 * published, nothing when it is a draft. fl_kb_translation_save calls it
 * in the same transaction as the save. */
int fl_store_kb_index(fl_tx *tx, const struct fl_kb_translation *t);
/* Builds the whole index again from the translations (after a copy
 * between backends, which does not copy it), a batch a transaction. */
int fl_store_kb_reindex(fl_store *s);

/* A search as the store runs it: the words (search/query.h's terms:
 * phrases as one string, prefix[i] for a prefix*), all of which must
 * match, and the negated ones, none of which may; in locale, for a reader
 * at level, with the filters of fl_kb_filter (0 / NULL: any). */
struct fl_kb_search_q {
	const char *locale;
	int level;
	int64_t section_id, category_id;
	const char *label;
	const char *const *words;
	const int *prefix;
	size_t nwords;
	const char *const *not_words;
	const int *not_prefix;
	size_t nnot;
	size_t offset, limit;
};
/* A match: the entry, and the text of its body (for the snippet). */
struct fl_kb_hit {
	struct fl_kb_entry e;
	char *text;
};
/* The matches of q, best first (bm25 with the title weighing 4 on SQLite,
 * ts_rank with the title's weight A on PostgreSQL), at most q->limit from
 * q->offset; *total is how many match in all. No words: none. */
int fl_store_kb_search(fl_tx *tx, const struct fl_kb_search_q *q, fl_arena *a,
		       struct fl_kb_hit **out, size_t *n, int64_t *total);
/* The distinct words (folded) of locale's published translations a reader
 * at level may see, of len_min..len_max characters: at most 50,000. */
int fl_store_kb_vocabulary(fl_tx *tx, const char *locale, int level, int len_min, int len_max,
			   fl_arena *a, char ***out, size_t *n);

/* The search log (kb_searches). */
int fl_store_kb_search_log(fl_tx *tx, const char *query, const char *key, const char *locale,
			   int64_t results, const char *source, int64_t now, int64_t *id);
int fl_store_kb_search_click(fl_tx *tx, int64_t id, int64_t article_id);
/* Queries searched in [from, to) (in locale, or every locale when NULL),
 * grouped by their folded words and locale: how often, how often with no
 * result, how often with results but no click; the most searched first,
 * at most limit. */
struct fl_kb_search_stat {
	char *query; /* one of the group's queries as typed */
	char *locale;
	int64_t searches, no_result, no_click;
};
int fl_store_kb_search_report(fl_tx *tx, const char *locale, int64_t from, int64_t to, size_t limit,
			      fl_arena *a, struct fl_kb_search_stat **out, size_t *n);

#endif
