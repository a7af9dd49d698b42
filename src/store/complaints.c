/* Queries about complaint reasons and the complaints report
 * (store/complaints.h). */

#include "store/complaints.h"
#include "store/store_int.h"
#include "users/user.h"

#define REASON_COLUMNS(X, S)                                                                   \
	X(id, "r.id")                                                                          \
	S X(parent_id, "r.parent_id") S X(name_uk, "r.name_uk") S X(name_ru, "r.name_ru") S X( \
		name_lt, "r.name_lt") S                                                        \
	X(name_en, "r.name_en") S                                                              \
	X(position, "r.position") S                                                            \
	X(active, "r.active") S                                                                \
	X(created_at, "r.created_at") S                                                        \
	X(updated_at, "r.updated_at")
#define REASON_COLUMN(m, expr) FL_COLUMN(struct fl_complaint_reason, m)
static const struct fl_col reason_col[] = {REASON_COLUMNS(REASON_COLUMN, FL_COMMA)};
static const struct fl_cols reason_cols = FL_COLS(struct fl_complaint_reason, reason_col);

/* The same with the count of its tickets: a range of tickets_complaint. */
#define REASON_COUNTED_COLUMNS(X, S)                                                           \
	X(id, "r.id")                                                                          \
	S X(parent_id, "r.parent_id") S X(name_uk, "r.name_uk") S X(name_ru, "r.name_ru") S X( \
		name_lt, "r.name_lt") S                                                        \
	X(name_en, "r.name_en") S                                                              \
	X(position, "r.position") S                                                            \
	X(active, "r.active") S                                                                \
	X(created_at, "r.created_at") S                                                        \
	X(updated_at, "r.updated_at") S                                                        \
	X(tickets_count, "(SELECT COUNT(*) FROM tickets t WHERE t.complaint_reason_id = r.id)")
#define REASON_COUNTED_COLUMN(m, expr) FL_COLUMN(struct fl_complaint_reason, m)
static const struct fl_col reason_counted_col[] = {
	REASON_COUNTED_COLUMNS(REASON_COUNTED_COLUMN, FL_COMMA)};
static const struct fl_cols reason_counted_cols =
	FL_COLS(struct fl_complaint_reason, reason_counted_col);

int fl_store_complaint_reason_get(fl_tx *tx, int64_t id, fl_arena *a,
				  struct fl_complaint_reason *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REASON_COUNTED_COLUMNS)
		" FROM complaint_reasons r"
		" WHERE r.id = ? AND r.deleted_at IS NULL";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &reason_counted_cols, a, out);
}

/* A tree's order: the top-level reason's position, then the reason under
 * it after it, by its own position. */
#define TREE_ORDER                                                              \
	" ORDER BY COALESCE((SELECT p.position FROM complaint_reasons p"        \
	" WHERE p.id = r.parent_id), r.position), COALESCE(r.parent_id, r.id)," \
	" CASE WHEN r.parent_id IS NULL THEN 0 ELSE 1 END, r.position, r.id"

int fl_store_complaint_reason_list(fl_tx *tx, int counts, fl_arena *a,
				   struct fl_complaint_reason **out, size_t *n)
{
	static const char plain[] = "SELECT " FL_COLUMNS_SQL(
		REASON_COLUMNS) " FROM complaint_reasons r WHERE r.deleted_at IS NULL" TREE_ORDER
				" LIMIT 200";
	static const char counted[] = "SELECT " FL_COLUMNS_SQL(
		REASON_COUNTED_COLUMNS) " FROM complaint_reasons r WHERE r.deleted_at IS NULL" TREE_ORDER
					" LIMIT 200";
	fl_stmt *st;
	int rc = fl_q(tx, counts ? counted : plain, 0, &st, "");
	return rc ? rc
		  : fl_q_rows_cols(tx, st, counts ? &reason_counted_cols : &reason_cols, a,
				   FL_COMPLAINT_REASONS_MAX, (void **)out, n);
}

int fl_store_complaint_reason_siblings(fl_tx *tx, int64_t parent_id, fl_arena *a,
				       struct fl_complaint_reason **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REASON_COLUMNS)
		" FROM complaint_reasons r"
		" WHERE COALESCE(r.parent_id, 0) = ? AND r.deleted_at IS NULL"
		" ORDER BY r.position, r.id"
		" LIMIT 200";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", parent_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &reason_cols, a, FL_COMPLAINT_REASONS_MAX, (void **)out,
				   n);
}

int fl_store_complaint_reason_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM complaint_reasons"
		" WHERE deleted_at IS NULL";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_complaint_reason_children(fl_tx *tx, int64_t id, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM complaint_reasons"
		" WHERE parent_id = ? AND deleted_at IS NULL";
	return fl_q_int(tx, sql, n, "i", id);
}

int fl_store_complaint_reason_in_use(fl_tx *tx, int64_t id, int *yes)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM (SELECT 1 FROM tickets"
		" WHERE complaint_reason_id = ? LIMIT 1) x";
	int64_t n = 0;
	int rc = fl_q_int(tx, sql, &n, "i", id);
	*yes = n > 0;
	return rc;
}

int fl_store_complaint_reason_insert(fl_tx *tx, struct fl_complaint_reason *r)
{
	static const char sql[] =
		"INSERT INTO complaint_reasons (parent_id, name_uk, name_ru, name_lt, name_en,"
		" position, active, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &r->id, "Ittttiiii", r->parent_id, r->name_uk, r->name_ru,
			r->name_lt, r->name_en, r->position, (int64_t)r->active, r->created_at,
			r->updated_at);
}

int fl_store_complaint_reason_update(fl_tx *tx, const struct fl_complaint_reason *r)
{
	static const char sql[] =
		"UPDATE complaint_reasons"
		" SET parent_id = ?, name_uk = ?, name_ru = ?, name_lt = ?, name_en = ?,"
		" position = ?, active = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "Ittttiiii", r->parent_id, r->name_uk, r->name_ru, r->name_lt,
			 r->name_en, r->position, (int64_t)r->active, r->updated_at, r->id);
}

int fl_store_complaint_reason_set_position(fl_tx *tx, int64_t id, int64_t position)
{
	static const char sql[] =
		"UPDATE complaint_reasons"
		" SET position = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", position, id);
}

int fl_store_complaint_reason_delete(fl_tx *tx, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE complaint_reasons"
		" SET active = 0, deleted_at = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "iii", now, now, id);
}

/* The row's columns in the order of the report's SELECT (written out in
 * full there: one of them binds the role, and a column list holds no '?'). */
static const struct fl_col row_col[] = {
	FL_COLUMN(struct fl_store_complaint_row, ticket_id),
	FL_COLUMN(struct fl_store_complaint_row, reason_id),
	FL_COLUMN(struct fl_store_complaint_row, organization_id),
	FL_COLUMN(struct fl_store_complaint_row, created_at),
	FL_COLUMN(struct fl_store_complaint_row, status),
	FL_COLUMN(struct fl_store_complaint_row, organization_name),
	FL_COLUMN(struct fl_store_complaint_row, custom_fields),
	FL_COLUMN(struct fl_store_complaint_row, agent_replies),
};
static const struct fl_cols row_cols = FL_COLS(struct fl_store_complaint_row, row_col);

int fl_store_complaint_rows(fl_tx *tx, int64_t start, int64_t end, size_t max, fl_arena *a,
			    struct fl_store_complaint_row **out, size_t *n)
{
	/* the replies are an agent's or an admin's (a role bound, never
	 * written as a number: roles are renumbered as they grow), not the
	 * desk's own (a rule's comment is by the system user, id -1), nor a
	 * merge's note (its audit has a merged_from or merged_into event).
	 * A complaint closed by a merge (its audits say merged_into; the
	 * closed_by_merge tag can be taken off) is left out: it goes on in
	 * its target. Both looks go through audits_ticket, never a scan. */
	static const char sql[] =
		"SELECT t.id, t.complaint_reason_id, t.organization_id, t.created_at, t.status,"
		" COALESCE(o.name, ''), t.custom_fields,"
		" (SELECT COUNT(*) FROM comments c JOIN users u ON u.id = c.author_id"
		" WHERE c.ticket_id = t.id AND c.seq > 1 AND c.public = 1"
		" AND c.author_id > 0 AND u.role >= ?"
		" AND NOT EXISTS (SELECT 1 FROM audits a"
		" JOIN audit_events ce ON ce.audit_id = a.id AND ce.comment_id = c.id"
		" JOIN audit_events me ON me.audit_id = a.id"
		" AND me.field IN ('merged_from', 'merged_into')"
		" WHERE a.ticket_id = t.id))"
		" FROM tickets t"
		" LEFT JOIN organizations o ON o.id = t.organization_id"
		" WHERE t.complaint_reason_id IS NOT NULL AND t.deleted_at IS NULL"
		" AND t.created_at >= ? AND t.created_at < ?"
		" AND NOT EXISTS (SELECT 1 FROM audits a"
		" JOIN audit_events me ON me.audit_id = a.id AND me.field = 'merged_into'"
		" WHERE a.ticket_id = t.id)"
		" ORDER BY t.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiii", (int64_t)FL_ROLE_AGENT, start, end, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &row_cols, a, max, (void **)out, n);
}
