/* The store's follow-up tasks and satisfaction check-ins
 * (src/store/tasks.c; tasks/task.h). Strings and arrays returned are
 * copied into the arena given. */
#ifndef FL_STORE_TASKS_H
#define FL_STORE_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tasks/task.h"

/* Which tasks a list returns: owner_id's and ticket_id's (0: anyone's,
 * any ticket's); done 0 any, 1 not done, 2 done; with a due time in
 * [due_from, due_to], and also those with none when no_due. Only tasks on
 * live tickets. */
struct fl_store_task_filter {
	int64_t owner_id, ticket_id;
	int done;
	int64_t due_from, due_to;
	int no_due;
};

/* Task id with its ticket's subject: FL_ENOTFOUND when there is none. */
int fl_store_task_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_task *out);
/* The tasks f selects by due time (none last), then id: limit of them
 * from offset, and how many there are in all. */
int fl_store_task_list(fl_tx *tx, const struct fl_store_task_filter *f, size_t offset, size_t limit,
		       fl_arena *a, struct fl_task **out, size_t *n, int64_t *total);
/* How many tasks ticket_id has. */
int fl_store_task_count(fl_tx *tx, int64_t ticket_id, int64_t *n);
/* Writes t, setting t->id. */
int fl_store_task_insert(fl_tx *tx, struct fl_task *t);
/* Writes every field of t over task t->id. */
int fl_store_task_update(fl_tx *tx, const struct fl_task *t);
int fl_store_task_delete(fl_tx *tx, int64_t id);
/* Tasks on live tickets due at or before now, not done, not reminded:
 * at most max, soonest first, each with its owner's locale. */
int fl_store_task_due(fl_tx *tx, int64_t now, size_t max, fl_arena *a, struct fl_task **out,
		      size_t *n);
int fl_store_task_reminded(fl_tx *tx, int64_t id, int64_t now);

/* A ticket the check-in may go to. */
struct fl_store_checkin {
	int64_t ticket_id, requester_id;
	char *subject;
	char *locale; /* the requester's */
};
/* Live tickets solved or closed, solved_at in [from, to], with no
 * check-in sent: at most max, by solved_at then id. */
int fl_store_checkin_due(fl_tx *tx, int64_t from, int64_t to, size_t max, fl_arena *a,
			 struct fl_store_checkin **out, size_t *n);
int fl_store_checkin_add(fl_tx *tx, int64_t ticket_id, int64_t user_id, int64_t now);

#endif
