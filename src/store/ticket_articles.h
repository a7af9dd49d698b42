/* The store's side of "from tickets to knowledge" (kb/ticket_kb.h,
 * migration 033): the articles a ticket was answered with, and the search
 * index read for a ticket's similar ones. Thin: the domain decides what is
 * linked and which words are asked for.
 *
 * Ownership: what is returned lives in the arena given. Each call runs in
 * the caller's transaction; a write call needs a write transaction. */
#ifndef FL_STORE_TICKET_ARTICLES_H
#define FL_STORE_TICKET_ARTICLES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The most links a ticket has, and the most tickets an article's list
 * returns (the newest links). */
#define FL_TICKET_ARTICLES_MAX 50
#define FL_ARTICLE_TICKETS_MAX 100

struct fl_ticket_article {
	int64_t ticket_id, article_id, user_id;
	int64_t created_at;
};

/* Links article_id to ticket_id as user_id did at now; 0 and nothing
 * changed when they are linked already (*added 0, else 1). */
int fl_store_ticket_article_put(fl_tx *tx, int64_t ticket_id, int64_t article_id, int64_t user_id,
				int64_t now, int *added);
/* Unlinks them; 0 whether or not they were linked. */
int fl_store_ticket_article_delete(fl_tx *tx, int64_t ticket_id, int64_t article_id);
/* The links of ticket_id, oldest first, at most FL_TICKET_ARTICLES_MAX. */
int fl_store_ticket_article_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
				 struct fl_ticket_article **out, size_t *n);
/* How many articles ticket_id links. */
int fl_store_ticket_article_count(fl_tx *tx, int64_t ticket_id, int64_t *n);
/* The live tickets that link article_id, newest link first, at most
 * FL_ARTICLE_TICKETS_MAX; *total counts them all. */
int fl_store_article_ticket_list(fl_tx *tx, int64_t article_id, fl_arena *a,
				 struct fl_ticket_article **out, size_t *n, int64_t *total);

/* Similar tickets. How many rows of the search index match word (a word
 * as written: the driver matches its stems too), counted up to limit. */
int fl_store_search_word_rows(fl_tx *tx, const char *word, int64_t limit, int64_t *n);

struct fl_similar_ticket {
	int64_t id;
	int status;
	char *subject;
	int64_t score; /* relevance, higher better, in thousandths */
};
/* The tickets whose index rows match any of words[0..n) — bm25 on
 * SQLite, ts_rank on PostgreSQL, a ticket scored by its best row —
 * reading at most rows_max matching rows (the newest on SQLite), without
 * ticket self, deleted tickets and those closed by a merge: at most max of
 * them, best first, solved and closed ones first among equal scores, then
 * the newest. */
int fl_store_ticket_similar(fl_tx *tx, int64_t self, const char *const *words, size_t n,
			    int64_t rows_max, size_t max, fl_arena *a,
			    struct fl_similar_ticket **out, size_t *nout);

#endif
