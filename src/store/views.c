/* Queries about views (saved ticket filters). */
#include "store/store_int.h"
#include "store/views.h"

#define VIEW_COLS \
	"id, title, description, active, position, conditions, sort_by, sort_desc, created_at, updated_at"

static int read_view(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_view *v = row;
	int err = 0;
	v->id = fl_col_int(tx, st, 0);
	v->title = fl_col_text(tx, st, 1, a, &err);
	v->description = fl_col_text(tx, st, 2, a, &err);
	v->active = (int)fl_col_int(tx, st, 3);
	v->position = fl_col_int(tx, st, 4);
	v->conditions = fl_col_text(tx, st, 5, a, &err);
	v->sort_by = fl_col_text(tx, st, 6, a, &err);
	v->sort_desc = (int)fl_col_int(tx, st, 7);
	v->created_at = fl_col_int(tx, st, 8);
	v->updated_at = fl_col_int(tx, st, 9);
	return err;
}

int fl_store_view_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_view *out)
{
	static const char sql[] =
		"SELECT " VIEW_COLS
		" FROM views"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_view, a, out, sizeof *out);
}

int fl_store_view_insert(fl_tx *tx, struct fl_view *v)
{
	static const char sql[] =
		"INSERT INTO views (title, description, active, position, conditions,"
		"                   sort_by, sort_desc, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &v->id, "ttiittiii", v->title,
			v->description ? v->description : "", (int64_t)v->active,
			v->position, v->conditions, v->sort_by, (int64_t)v->sort_desc,
			v->created_at, v->updated_at);
}

int fl_store_view_update(fl_tx *tx, const struct fl_view *v)
{
	static const char sql[] =
		"UPDATE views"
		" SET title = ?, description = ?, active = ?, position = ?,"
		"     conditions = ?, sort_by = ?, sort_desc = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiittiii", v->title, v->description,
			 (int64_t)v->active, v->position, v->conditions, v->sort_by,
			 (int64_t)v->sort_desc, v->updated_at, v->id);
}

int fl_store_view_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM views"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_view_list(fl_tx *tx, int active_only, fl_arena *a,
		       struct fl_view **out, size_t *n)
{
	static const char sql[] =
		"SELECT " VIEW_COLS
		" FROM views"
		" WHERE ? = 0 OR active = 1"
		" ORDER BY position, id"
		" LIMIT 200";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)active_only);
	return rc ? rc : fl_q_rows(tx, st, read_view, a, sizeof **out, 200, (void **)out, n);
}
