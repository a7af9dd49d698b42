/* Follow-up tasks on a ticket ("call the customer on Thursday to confirm
 * the fix works"): a title, notes, an owner (an agent), an optional due
 * time, done or not. The owner is reminded once when the task falls due
 * (a live "task.due" event and a message, fl_task_remind); a new due time
 * reminds again. Agents only: end users see nothing of tasks.
 *
 * Also here, because it is the same kind of follow-up: the satisfaction
 * check-in, a short message to the requester of a ticket solved N days
 * ago (fl_task_checkin), once per ticket.
 *
 * Plain C over the store's tasks.h: nothing here knows HTTP. Every change
 * of a task is recorded in its ticket's audit log (event field "task"). */
#ifndef FL_TASKS_TASK_H
#define FL_TASKS_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "users/user.h"

struct fl_tx;

#define FL_TASK_TITLE_MAX 200  /* characters */
#define FL_TASK_NOTES_MAX 4096 /* bytes */
#define FL_TASKS_PER_TICKET 100
/* A due time is within this of now, either way: a task due in 1970 or in
 * 2999 is a mistake, not a plan. */
#define FL_TASK_DUE_PAST (366 * 86400LL)
#define FL_TASK_DUE_FUTURE (5 * 366 * 86400LL)
/* "due": falls due within this after now (the rest is "upcoming"). */
#define FL_TASK_DUE_WINDOW 86400
/* Reminders and check-ins one pass sends at most (the rest wait for the
 * next pass, 30 s later). */
#define FL_TASK_PASS_MAX 200
/* The check-in setting: days after solve, 0 = off, at most this. */
#define FL_TASK_CHECKIN_DAYS_MAX 90
#define FL_TASK_CHECKIN_SETTING "tasks.checkin_days"
/* A ticket solved more than this after its check-in day is not sent one
 * late: turning the check-in on does not mail every customer of the
 * desk's past. Two days of slack cover a desk that was down. */
#define FL_TASK_CHECKIN_SLACK (2 * 86400LL)

struct fl_task {
	int64_t id, ticket_id;
	char *title, *notes;
	int64_t due_at; /* 0: none */
	int64_t owner_id;
	int64_t done_at, done_by; /* 0: not done */
	int64_t created_by, created_at, updated_at;
	int64_t reminded_at;  /* 0: not reminded since the due time was set */
	char *ticket_subject; /* read with lists, never written */
	char *owner_locale;   /* read with the due list only (the reminder's language) */
};

enum fl_task_status {
	FL_TASK_OVERDUE,  /* not done, due at or before now */
	FL_TASK_DUE,      /* not done, due within FL_TASK_DUE_WINDOW after now */
	FL_TASK_UPCOMING, /* not done, due later, or with no due time */
	FL_TASK_DONE,
	FL_TASK__MAX
};

const char *fl_task_status_name(int s);
int fl_task_status_parse(const char *z); /* -1 when unknown */
/* Where t stands at now. */
int fl_task_status(const struct fl_task *t, int64_t now);

/* What a create or a change asks: each has_* says it was given. */
struct fl_task_patch {
	int has_title, has_notes, has_due_at, has_owner, has_done;
	const char *title, *notes;
	int64_t due_at; /* 0: none */
	int64_t owner_id;
	int done;
};

/* Applies p to t (a new task: zeroed, ticket_id set) at now, by actor:
 * the title is trimmed, done sets done_at and done_by (undone clears
 * them), and a due time that changes re-arms the reminder (reminded_at
 * 0). Checks what it can without the store: a blank or huge title, huge
 * notes, a due time out of range (FL_EINVAL naming the field). Strings
 * are borrowed from p or copied into a. */
int fl_task_apply(struct fl_task *t, const struct fl_task_patch *p, const struct fl_actor *actor,
		  int64_t now, fl_arena *a, struct fl_err *e);

/* The handlers' operations, each in the caller's transaction, each
 * recorded in the ticket's audit log by actor. Only agents; the ticket
 * must be one actor may see (FL_ENOTFOUND otherwise). A new task on a
 * closed ticket, an owner who is not an active agent, a ticket's 101st
 * task: FL_EINVAL naming the field. */
int fl_task_create(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		   const struct fl_task_patch *p, fl_arena *a, struct fl_task *out,
		   struct fl_err *e);
int fl_task_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		   const struct fl_task_patch *p, fl_arena *a, struct fl_task *out,
		   struct fl_err *e);
int fl_task_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		   struct fl_err *e);
/* Task id, if actor may see it (an agent, on a live ticket). */
int fl_task_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_task *out);

/* The reminder pass at now: each task due at or before now, not done and
 * not reminded (at most max) is marked reminded, announced live
 * ("task.due {task_id, ticket_id, owner_id, due_at}") and mailed to its
 * owner, all in tx — so a reminder goes once, whichever node or restart
 * runs the pass. *n: how many. */
int fl_task_remind(struct fl_tx *tx, int64_t now, size_t max, size_t *n);

/* The check-in setting (days after solve, 0 = off). */
int fl_task_checkin_days(struct fl_tx *tx, int *days);
int fl_task_set_checkin_days(struct fl_tx *tx, int days, struct fl_err *e);
/* The check-in pass at now: each live ticket solved (and not reopened
 * since: still solved or closed) between days + FL_TASK_CHECKIN_SLACK and
 * days ago, whose requester was not sent one, gets a short message in the
 * requester's language (uk, ru, lt, else en), recorded on the ticket and
 * in its audit log. Nothing when days is 0. *n: how many (at most max). */
int fl_task_checkin(struct fl_tx *tx, int64_t now, int days, size_t max, size_t *n);
/* Both passes, as the task-remind job and `frontline tasks remind` run
 * them. */
int fl_task_pass(struct fl_tx *tx, int64_t now, size_t *reminded, size_t *checkins);
/* The periodic "task-remind" job (cli/serve.c): fl_task_pass now, in the
 * transaction that marks the job done. */
struct fl_job;
int fl_task_remind_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e);

/* The reminder of task t (its ticket_subject read) to its owner, in
 * language lang ("uk", "ru", "lt", else English). Into a. */
int fl_task_remind_text(const char *lang, const struct fl_task *t, fl_arena *a,
			const char **msg_subject, const char **msg_body);

/* The check-in's text in language lang ("uk", "ru", "lt", else English),
 * for ticket id with subject. Into a. */
int fl_task_checkin_text(const char *lang, int64_t ticket_id, const char *subject, fl_arena *a,
			 const char **msg_subject, const char **body);

#endif
