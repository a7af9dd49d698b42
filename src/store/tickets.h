/* The store's ticket queries (src/store/tickets.c, src/store/query.c):
 * tickets, their comments and audits, found by filter and page. */
#ifndef FL_STORE_TICKETS_H
#define FL_STORE_TICKETS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tickets/filter.h"
#include "tickets/ticket.h"

/* tickets */
enum fl_sort {
	FL_SORT_ID,
	FL_SORT_CREATED,
	FL_SORT_UPDATED,
	FL_SORT_PRIORITY,
	FL_SORT_STATUS,
	FL_SORT_RELEVANCE,
	FL_SORT_SLA_BREACH, /* the soonest SLA breach (sla/refresh.c); none last when ascending */
	FL_SORT__MAX
};

struct fl_page {
	int sort, desc;
	size_t limit;  /* rows wanted; at most 100 */
	int has_after; /* keyset cursor: rows after (after_key, after_id) */
	int64_t after_key, after_id;
	size_t offset; /* offset paging, when there is no cursor */
};

/* What fl_store_ticket_update rewrites beside the ticket's row: its tag,
 * CC and follower lists and its subject's search index entry. */
enum { FL_TICKET_TAGS = 1, FL_TICKET_CCS = 2, FL_TICKET_FOLLOWERS = 4, FL_TICKET_SUBJECT = 8 };

/* Loads ticket id (deleted ones too) with its lists, allocated in a. */
int fl_store_ticket_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_ticket *out);
/* Writes a new ticket with its lists and subject index; sets t->id. */
int fl_store_ticket_insert(fl_tx *tx, struct fl_ticket *t);
/* Rewrites t's row and those of its lists named in changed (FL_TICKET_*). */
int fl_store_ticket_update(fl_tx *tx, const struct fl_ticket *t, int changed);
/* Tickets matching f (live ones only), in page order; loads limit+1 rows so
 * that *n > limit tells the caller there is more. With text terms and
 * relevance sort, fills each ticket's snippet. */
int fl_store_ticket_find(fl_tx *tx, const struct fl_filter *f, const struct fl_page *pg,
			 fl_arena *a, struct fl_ticket **out, size_t *n);
int fl_store_ticket_count(fl_tx *tx, const struct fl_filter *f, int64_t *n);
int64_t fl_store_ticket_sort_key(const struct fl_ticket *t, int sort);

int fl_store_comment_insert(fl_tx *tx, struct fl_comment *c);

/* The search index is built with core/text.c's analysis, whose version
 * (FL_TEXT_VERSION) the store keeps in the setting search.text_version.
 * fl_store_search_stale sets *stale when the index was built with another
 * (or none: after migration 031); fl_store_search_reindex builds it again
 * from every ticket's subject and comments, FL_REINDEX_BATCH ticket ids a
 * transaction so that a big desk holds no huge one, calling progress (unless
 * NULL) after each, then records the version. Searches meanwhile find the
 * tickets already done (and, on PostgreSQL, the others by their old terms);
 * an interrupted rebuild is run again whole. */
#define FL_REINDEX_BATCH 500
int fl_store_search_stale(fl_store *s, int *stale);
int fl_store_search_reindex(fl_store *s, void (*progress)(void *arg, int64_t done, int64_t total),
			    void *arg);
/* Tickets requester opened since since, on any channel, deleted ones left
 * out (the intake's acknowledgement limit, tickets/intake.h). */
int fl_store_ticket_recent(fl_tx *tx, int64_t requester, int64_t since, int64_t *n);
/* The live incidents of problem_id that are not closed, by id: at most
 * max of their ids in ids, *n of them. */
int fl_store_ticket_incidents(fl_tx *tx, int64_t problem_id, int64_t *ids, size_t max, size_t *n);
/* The highest ticket id there is (0 when none). */
int fl_store_ticket_last_id(fl_tx *tx, int64_t *id);
int fl_store_comment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_comment *out);
int fl_store_comment_list(fl_tx *tx, int64_t ticket_id, int public_only, const struct fl_page *pg,
			  fl_arena *a, struct fl_comment **out, size_t *n);
int fl_store_audit_insert(fl_tx *tx, struct fl_audit *au);
int fl_store_audit_list(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_audit **out,
			size_t *n);

#endif
