/* Queries about views (saved ticket filters). */
#include "store/store_int.h"
#include "store/views.h"

#define VIEW_COLUMNS(X, S)                                                                        \
	X(id, "id")                                                                               \
	S X(title, "title") S X(description, "description") S X(active, "active") S X(position,   \
										      "position") \
		S                                                                                 \
		X(conditions, "conditions") S                                                     \
		X(sort_by, "sort_by") S                                                           \
		X(sort_desc, "sort_desc") S                                                       \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at") S                                                     \
		X(title_translations, "title_translations")
#define VIEW_COLUMN(m, expr) FL_COLUMN(struct fl_view, m)
static const struct fl_col view_col[] = {VIEW_COLUMNS(VIEW_COLUMN, FL_COMMA)};
static const struct fl_cols view_cols = FL_COLS(struct fl_view, view_col);

int fl_store_view_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_view *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(VIEW_COLUMNS)
		" FROM views"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &view_cols, a, out);
}

int fl_store_view_insert(fl_tx *tx, struct fl_view *v)
{
	static const char sql[] =
		"INSERT INTO views (title, description, active, position, conditions,"
		"                   sort_by, sort_desc, created_at, updated_at,"
		"                   title_translations)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &v->id, "ttiittiiit", v->title,
			v->description ? v->description : "", (int64_t)v->active, v->position,
			v->conditions, v->sort_by, (int64_t)v->sort_desc, v->created_at,
			v->updated_at, v->title_translations ? v->title_translations : "{}");
}

int fl_store_view_update(fl_tx *tx, const struct fl_view *v)
{
	static const char sql[] =
		"UPDATE views"
		" SET title = ?, description = ?, active = ?, position = ?,"
		"     conditions = ?, sort_by = ?, sort_desc = ?, updated_at = ?,"
		"     title_translations = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiittiiti", v->title, v->description, (int64_t)v->active,
			 v->position, v->conditions, v->sort_by, (int64_t)v->sort_desc,
			 v->updated_at, v->title_translations ? v->title_translations : "{}",
			 v->id);
}

int fl_store_view_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM views"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_view_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_view **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(VIEW_COLUMNS)
		" FROM views"
		" WHERE ? = 0 OR active = 1"
		" ORDER BY position, id"
		" LIMIT 200";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)active_only);
	return rc ? rc : fl_q_rows_cols(tx, st, &view_cols, a, 200, (void **)out, n);
}
