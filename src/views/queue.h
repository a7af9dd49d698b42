/* The built-in queues (Frontline's, beside Zendesk's views): my open
 * tickets, unassigned, all open, pending, solved in the last 7 days and
 * all, each named by a key the workspace translates into a title. */
#ifndef FL_VIEWS_QUEUE_H
#define FL_VIEWS_QUEUE_H

#include <stdint.h>

#include "jobs/jobs.h"
#include "store/queues.h"
#include "tickets/filter.h"

/* How far back the solved queue looks. */
#define FL_QUEUE_SOLVED_DAYS 7

/* The queue's key ("my-open", …) and the queue of a key (-1: none). */
const char *fl_queue_key(int queue);
int fl_queue_of(const char *key);

/* The time from which solved tickets are in the solved queue, at now: on
 * a whole minute, so that the counts kept for it (which it keys) serve
 * every request of that minute instead of one second's. */
int64_t fl_queue_solved_since(int64_t now);

/* Appends to f the conditions of queue for agent me at time now. */
int fl_queue_filter(int queue, int64_t me, int64_t now, struct fl_filter *f);

/* The "counts-compact" job, every FL_QUEUE_COMPACT_PERIOD seconds: the
 * counts' shards folded into one (fl_store_ticket_counts_compact), in the
 * job's own transaction. */
#define FL_QUEUE_COMPACT_PERIOD 3600
int fl_queue_compact_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e);

#endif
