/* Queries about macros (store/macros.h). */
#include "store/macros.h"
#include "store/store_int.h"

#define MACRO_COLUMNS(X, S)                                                                       \
	X(id, "id")                                                                               \
	S X(title, "title") S X(description, "description") S X(active, "active") S X(position,   \
										      "position") \
		S                                                                                 \
		X(owner_id, "owner_id") S                                                         \
		X(group_ids, "group_ids") S                                                       \
		X(actions_json, "actions_json") S                                                 \
		X(reply_uk, "reply_uk") S                                                         \
		X(reply_ru, "reply_ru") S                                                         \
		X(reply_lt, "reply_lt") S                                                         \
		X(reply_en, "reply_en") S                                                         \
		X(usage_count, "usage_count") S                                                   \
		X(created_by, "created_by") S                                                     \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at")
#define MACRO_COLUMN(m, expr) FL_COLUMN(struct fl_store_macro, m)
static const struct fl_col macro_col[] = {MACRO_COLUMNS(MACRO_COLUMN, FL_COMMA)};
static const struct fl_cols macro_cols = FL_COLS(struct fl_store_macro, macro_col);

int fl_store_macro_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_store_macro *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(MACRO_COLUMNS)
		" FROM macros"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &macro_cols, a, out);
}

int fl_store_macro_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_store_macro **out,
			size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(MACRO_COLUMNS)
		" FROM macros"
		" WHERE owner_id = 0 OR owner_id = ?"
		" ORDER BY position, id"
		" LIMIT 5000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", user_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &macro_cols, a, FL_STORE_MACROS_MAX, (void **)out, n);
}

int fl_store_macro_insert(fl_tx *tx, struct fl_store_macro *m)
{
	static const char pos_sql[] =
		"SELECT COALESCE(MAX(position), 0) + 1"
		" FROM macros";
	static const char sql[] =
		"INSERT INTO macros (title, description, active, position, owner_id, group_ids,"
		" actions_json, reply_uk, reply_ru, reply_lt, reply_en, usage_count, created_by,"
		" created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, pos_sql, &m->position, "");

	return rc ? rc
		  : fl_q_int(tx, sql, &m->id, "ttiiittttttiii", m->title, m->description,
			     (int64_t)m->active, m->position, m->owner_id, m->group_ids,
			     m->actions_json, m->reply_uk, m->reply_ru, m->reply_lt, m->reply_en,
			     m->created_by, m->created_at, m->updated_at);
}

int fl_store_macro_update(fl_tx *tx, const struct fl_store_macro *m)
{
	static const char sql[] =
		"UPDATE macros"
		" SET title = ?, description = ?, active = ?, owner_id = ?, group_ids = ?,"
		" actions_json = ?, reply_uk = ?, reply_ru = ?, reply_lt = ?, reply_en = ?,"
		" updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiittttttii", m->title, m->description, (int64_t)m->active,
			 m->owner_id, m->group_ids, m->actions_json, m->reply_uk, m->reply_ru,
			 m->reply_lt, m->reply_en, m->updated_at, m->id);
}

int fl_store_macro_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM macros"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_macro_used(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"UPDATE macros"
		" SET usage_count = usage_count + 1"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_user_group_ids(fl_tx *tx, int64_t user_id, size_t max, fl_arena *a, int64_t **out,
			    size_t *n)
{
	static const char sql[] =
		"SELECT m.group_id"
		" FROM group_members m"
		" WHERE m.user_id = ?"
		" ORDER BY m.group_id";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", user_id);
	return rc ? rc : fl_q_ids(tx, st, a, max, out, n);
}
