/* The store's queue counts (src/store/queues.c): the built-in queues'
 * counts from the ticket_counts table that triggers keep (migration 012),
 * the tickets' write generation, and counts of other filters kept while
 * that generation stays. */
#ifndef FL_STORE_QUEUES_H
#define FL_STORE_QUEUES_H

#include <stdint.h>

#include "store/store.h"
#include "tickets/filter.h"

/* The built-in queues, in the order GET /api/v2/queues lists them. */
enum fl_queue {
	FL_QUEUE_MY_OPEN,    /* assigned to me, status below solved */
	FL_QUEUE_UNASSIGNED, /* no assignee, status below solved */
	FL_QUEUE_ALL_OPEN,   /* status below solved */
	FL_QUEUE_PENDING,    /* status pending */
	FL_QUEUE_SOLVED,     /* status solved, solved since a time */
	FL_QUEUE_ALL,        /* every live ticket */
	FL_QUEUE__MAX
};

/* The live tickets in each queue for agent me, the solved queue counting
 * those solved at or after solved_since: five sums over ticket_counts' few
 * rows and one range of the tickets_solved index, in one statement. Kept
 * in the store's cache with the write generation this transaction sees,
 * and answered from there for the same agent and solved_since (a second:
 * fl_now's) while the generation stays: the same tickets, the same counts.
 * In a write transaction, counted and not kept. */
int fl_store_queue_counts(fl_tx *tx, int64_t me, int64_t solved_since,
			  int64_t counts[FL_QUEUE__MAX]);

/* The tickets' write generation as this transaction sees it: it grows at
 * every insert, update and delete of a ticket, in that write's
 * transaction. */
int fl_store_ticket_generation(fl_tx *tx, int64_t *gen);

/* Folds every writer's shard of ticket_counts and ticket_writes into shard
 * 0 and drops the buckets that emptied, changing no count and not the
 * generation: on PostgreSQL each writer connection counts in a shard of
 * its own (its backend's pid modulo 256), so over restarts and reconnects
 * the rows a count sums grow up to 256-fold. */
int fl_store_ticket_counts_compact(fl_tx *tx);

/* Whose count of what may be kept: a saved view for one actor. The
 * count kept is that of the filter compiled (its every predicate, so a
 * change of conditions, or a relative time such as "7days" moving on with
 * the clock, makes it another count). */
struct fl_count_key {
	int64_t view_id, actor_id;
};

/* fl_store_ticket_count of f, named by key: kept in the store's small
 * cache with the filter's fingerprint and the write generation it was
 * counted at, and answered from there while this transaction sees the same
 * generation for the same filter (then the same tickets match it, so the
 * count is the same: exact either way). In a write transaction, counted and
 * not kept. */
int fl_store_ticket_count_kept(fl_tx *tx, const struct fl_count_key *key, const struct fl_filter *f,
			       int64_t *n);

#endif
