/* The built-in queues: their keys and the tickets each holds. The counts
 * come from the store (fl_store_queue_counts), which must say the same:
 * both read status below solved as "open". */
#include <string.h>

#include "tickets/ticket.h"
#include "views/queue.h"

static const char *const keys[FL_QUEUE__MAX] = {
	[FL_QUEUE_MY_OPEN] = "my-open",   [FL_QUEUE_UNASSIGNED] = "unassigned",
	[FL_QUEUE_ALL_OPEN] = "all-open", [FL_QUEUE_PENDING] = "pending",
	[FL_QUEUE_SOLVED] = "solved",     [FL_QUEUE_ALL] = "all",
};

const char *fl_queue_key(int queue)
{
	return queue >= 0 && queue < FL_QUEUE__MAX ? keys[queue] : NULL;
}

int fl_queue_of(const char *key)
{
	for (int q = 0; key && q < FL_QUEUE__MAX; q++)
		if (!strcmp(key, keys[q]))
			return q;
	return -1;
}

int64_t fl_queue_solved_since(int64_t now)
{
	return now - now % 60 - FL_QUEUE_SOLVED_DAYS * 86400;
}

int fl_queue_filter(int queue, int64_t me, int64_t now, struct fl_filter *f)
{
	int rc = 0;

	switch (queue) {
	case FL_QUEUE_MY_OPEN: rc = fl_filter_add(f, FL_F_ASSIGNEE, FL_OP_EQ, me, NULL, -1); break;
	case FL_QUEUE_UNASSIGNED:
		rc = fl_filter_add(f, FL_F_ASSIGNEE, FL_OP_EQ, 0, NULL, -1);
		break;
	case FL_QUEUE_PENDING:
		return fl_filter_add(f, FL_F_STATUS, FL_OP_EQ, FL_STATUS_PENDING, NULL, -1);
	case FL_QUEUE_SOLVED:
		rc = fl_filter_add(f, FL_F_STATUS, FL_OP_EQ, FL_STATUS_SOLVED, NULL, -1);
		return rc ? rc
			  : fl_filter_add(f, FL_F_SOLVED, FL_OP_GE, fl_queue_solved_since(now),
					  NULL, -1);
	case FL_QUEUE_ALL: return 0;
	}
	return rc ? rc : fl_filter_add(f, FL_F_STATUS, FL_OP_LT, FL_STATUS_SOLVED, NULL, -1);
}

int fl_queue_compact_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	int rc = fl_store_ticket_counts_compact(tx);
	(void)job;
	return rc ? fl_err_set(e, rc, NULL, NULL, "cannot fold the queue counts' shards") : 0;
}
