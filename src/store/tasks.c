/* Queries about follow-up tasks and satisfaction check-ins
 * (store/tasks.h). */

#include "store/tasks.h"
#include "store/store_int.h"
#include "tickets/ticket.h"

#define TASK_COLUMNS(X, S)                                                                        \
	X(id, "x.id")                                                                             \
	S X(ticket_id, "x.ticket_id") S X(title, "x.title") S X(notes, "x.notes") S X(due_at,     \
										      "x.due_at") \
		S                                                                                 \
		X(owner_id, "x.owner_id") S                                                       \
		X(done_at, "x.done_at") S                                                         \
		X(done_by, "x.done_by") S                                                         \
		X(created_by, "x.created_by") S                                                   \
		X(created_at, "x.created_at") S                                                   \
		X(updated_at, "x.updated_at") S                                                   \
		X(reminded_at, "x.reminded_at") S                                                 \
		X(ticket_subject, "k.subject")
#define TASK_COLUMN(m, expr) FL_COLUMN(struct fl_task, m)
static const struct fl_col task_col[] = {TASK_COLUMNS(TASK_COLUMN, FL_COMMA)};
static const struct fl_cols task_cols = FL_COLS(struct fl_task, task_col);
/* The due list also reads the owner's language, last: the reminder is in
 * it. */
static const struct fl_col task_due_col[] = {TASK_COLUMNS(TASK_COLUMN, FL_COMMA),
					     FL_COLUMN(struct fl_task, owner_locale)};
static const struct fl_cols task_due_cols = FL_COLS(struct fl_task, task_due_col);

#define CHECKIN_COLUMNS(X, S) \
	X(ticket_id, "k.id")  \
	S X(requester_id, "k.requester_id") S X(subject, "k.subject") S X(locale, "u.locale")
#define CHECKIN_COLUMN(m, expr) FL_COLUMN(struct fl_store_checkin, m)
static const struct fl_col checkin_col[] = {CHECKIN_COLUMNS(CHECKIN_COLUMN, FL_COMMA)};
static const struct fl_cols checkin_cols = FL_COLS(struct fl_store_checkin, checkin_col);

/* A task without a due time sorts after every task with one. */
#define NO_DUE_LAST "253402300799"

int fl_store_task_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_task *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TASK_COLUMNS)
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE x.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &task_cols, a, out);
}

/* A ticket's tasks are found by ticket (tasks_by_ticket), an owner's by
 * owner (tasks_by_owner), everyone's by reading them all: one statement
 * with ticket and owner as ranges would have SQLite walk the owner's
 * index for a ticket's list, and for everyone's. The WHERE of rows and
 * count are the same. */
int fl_store_task_list(fl_tx *tx, const struct fl_store_task_filter *f, size_t offset, size_t limit,
		       fl_arena *a, struct fl_task **out, size_t *n, int64_t *total)
{
	static const char by_ticket[] =
		"SELECT " FL_COLUMNS_SQL(TASK_COLUMNS)
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE x.ticket_id = ?"
		"   AND k.deleted_at IS NULL"
		"   AND x.owner_id BETWEEN ? AND ?"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)"
		" ORDER BY COALESCE(x.due_at, " NO_DUE_LAST "), x.id"
		" LIMIT ? OFFSET ?";
	static const char by_ticket_count[] =
		"SELECT COUNT(*)"
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE x.ticket_id = ?"
		"   AND k.deleted_at IS NULL"
		"   AND x.owner_id BETWEEN ? AND ?"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)";
	static const char by_owner[] =
		"SELECT " FL_COLUMNS_SQL(TASK_COLUMNS)
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE x.owner_id = ?"
		"   AND k.deleted_at IS NULL"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)"
		" ORDER BY COALESCE(x.due_at, " NO_DUE_LAST "), x.id"
		" LIMIT ? OFFSET ?";
	static const char by_owner_count[] =
		"SELECT COUNT(*)"
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE x.owner_id = ?"
		"   AND k.deleted_at IS NULL"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)";
	static const char all[] =
		"SELECT " FL_COLUMNS_SQL(TASK_COLUMNS)
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE k.deleted_at IS NULL"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)"
		" ORDER BY COALESCE(x.due_at, " NO_DUE_LAST "), x.id"
		" LIMIT ? OFFSET ?";
	static const char all_count[] =
		"SELECT COUNT(*)"
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" WHERE k.deleted_at IS NULL"
		"   AND (? = 0 OR (? = 1 AND x.done_at IS NULL)"
		"        OR (? = 2 AND x.done_at IS NOT NULL))"
		"   AND ((x.due_at IS NULL AND ? = 1) OR x.due_at BETWEEN ? AND ?)";
	int64_t done = f->done, no_due = f->no_due;
	int64_t lo = f->owner_id ? f->owner_id : INT64_MIN,
		hi = f->owner_id ? f->owner_id : INT64_MAX;
	fl_stmt *st;
	int rc;

	if (f->ticket_id)
		rc = fl_q(tx, by_ticket, 0, &st, "iiiiiiiiiii", f->ticket_id, lo, hi, done, done,
			  done, no_due, f->due_from, f->due_to, (int64_t)limit, (int64_t)offset);
	else if (f->owner_id)
		rc = fl_q(tx, by_owner, 0, &st, "iiiiiiiii", f->owner_id, done, done, done, no_due,
			  f->due_from, f->due_to, (int64_t)limit, (int64_t)offset);
	else
		rc = fl_q(tx, all, 0, &st, "iiiiiiii", done, done, done, no_due, f->due_from,
			  f->due_to, (int64_t)limit, (int64_t)offset);
	if (!rc)
		rc = fl_q_rows_cols(tx, st, &task_cols, a, limit, (void **)out, n);
	if (rc)
		return rc;
	if (f->ticket_id)
		return fl_q_int(tx, by_ticket_count, total, "iiiiiiiii", f->ticket_id, lo, hi, done,
				done, done, no_due, f->due_from, f->due_to);
	if (f->owner_id)
		return fl_q_int(tx, by_owner_count, total, "iiiiiii", f->owner_id, done, done, done,
				no_due, f->due_from, f->due_to);
	return fl_q_int(tx, all_count, total, "iiiiii", done, done, done, no_due, f->due_from,
			f->due_to);
}

int fl_store_task_count(fl_tx *tx, int64_t ticket_id, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM tasks"
		" WHERE ticket_id = ?";
	return fl_q_int(tx, sql, n, "i", ticket_id);
}

int fl_store_task_insert(fl_tx *tx, struct fl_task *t)
{
	static const char sql[] =
		"INSERT INTO tasks (ticket_id, title, notes, due_at, owner_id, done_at, done_by,"
		" created_by, created_at, updated_at, reminded_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &t->id, "ittIiIIiiiI", t->ticket_id, t->title,
			t->notes ? t->notes : "", t->due_at, t->owner_id, t->done_at, t->done_by,
			t->created_by, t->created_at, t->updated_at, t->reminded_at);
}

int fl_store_task_update(fl_tx *tx, const struct fl_task *t)
{
	static const char sql[] =
		"UPDATE tasks"
		" SET title = ?, notes = ?, due_at = ?, owner_id = ?, done_at = ?, done_by = ?,"
		" updated_at = ?, reminded_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttIiIIiIi", t->title, t->notes ? t->notes : "", t->due_at,
			 t->owner_id, t->done_at, t->done_by, t->updated_at, t->reminded_at, t->id);
}

int fl_store_task_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM tasks"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_task_due(fl_tx *tx, int64_t now, size_t max, fl_arena *a, struct fl_task **out,
		      size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TASK_COLUMNS) ", o.locale"
		" FROM tasks x"
		" JOIN tickets k ON k.id = x.ticket_id"
		" LEFT JOIN users o ON o.id = x.owner_id"
		" WHERE x.due_at <= ?"
		"   AND x.due_at IS NOT NULL"
		"   AND x.done_at IS NULL"
		"   AND x.reminded_at IS NULL"
		"   AND k.deleted_at IS NULL"
		" ORDER BY x.due_at, x.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", now, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &task_due_cols, a, max, (void **)out, n);
}

int fl_store_task_reminded(fl_tx *tx, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE tasks"
		" SET reminded_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", now, id);
}

int fl_store_checkin_due(fl_tx *tx, int64_t from, int64_t to, size_t max, fl_arena *a,
			 struct fl_store_checkin **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(CHECKIN_COLUMNS)
		" FROM tickets k"
		" JOIN users u ON u.id = k.requester_id"
		" WHERE k.solved_at BETWEEN ? AND ?"
		"   AND k.solved_at IS NOT NULL"
		"   AND k.deleted_at IS NULL"
		"   AND k.status IN (?, ?)"
		"   AND NOT EXISTS (SELECT 1 FROM ticket_checkins c WHERE c.ticket_id = k.id)"
		" ORDER BY k.solved_at, k.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiii", from, to, (int64_t)FL_STATUS_SOLVED,
		      (int64_t)FL_STATUS_CLOSED, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &checkin_cols, a, max, (void **)out, n);
}

int fl_store_checkin_add(fl_tx *tx, int64_t ticket_id, int64_t user_id, int64_t now)
{
	static const char sql[] =
		"INSERT INTO ticket_checkins (ticket_id, user_id, sent_at)"
		" VALUES (?, ?, ?)";
	return fl_q_exec(tx, sql, "iii", ticket_id, user_id, now);
}
