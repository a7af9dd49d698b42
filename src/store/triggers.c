/* Queries about triggers (store/triggers.h). */
#include <sodium.h>

#include "store/triggers.h"
#include "store/store_int.h"

#define TRIGGER_COLUMNS(X, S)                                                                     \
	X(id, "id")                                                                               \
	S X(title, "title") S X(description, "description") S X(active, "active") S X(position,   \
										      "position") \
		S                                                                                 \
		X(conditions_json, "conditions_json") S                                           \
		X(actions_json, "actions_json") S                                                 \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at")
#define TRIGGER_COLUMN(m, expr) FL_COLUMN(struct fl_store_trigger, m)
static const struct fl_col trigger_col[] = {TRIGGER_COLUMNS(TRIGGER_COLUMN, FL_COMMA)};
static const struct fl_cols trigger_cols = FL_COLS(struct fl_store_trigger, trigger_col);

/* Every write gives the version a new value, in its transaction: a node
 * that reads the version sees the write or an older version, never a
 * torn one. Random, not one more: a version read inside a batch whose
 * commit then failed must never come back for other triggers (a counter
 * would give the next change the same number, and a cache keyed on it
 * would keep triggers that were never saved). */
static int bump(fl_tx *tx)
{
	static const char sql[] =
		"UPDATE rule_versions"
		" SET version = ?"
		" WHERE kind = 'trigger'";
	int64_t v;

	randombytes_buf(&v, sizeof v);
	return fl_q_exec(tx, sql, "i", v & INT64_MAX);
}

int fl_store_trigger_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_store_trigger *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TRIGGER_COLUMNS)
		" FROM triggers"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &trigger_cols, a, out);
}

int fl_store_trigger_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_store_trigger **out,
			  size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TRIGGER_COLUMNS)
		" FROM triggers"
		" WHERE active = 1 OR ? = 0"
		" ORDER BY position, id"
		" LIMIT 1000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)(active_only != 0));
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &trigger_cols, a, FL_STORE_TRIGGERS_MAX, (void **)out,
				   n);
}

int fl_store_trigger_insert(fl_tx *tx, struct fl_store_trigger *t)
{
	static const char sql[] =
		"INSERT INTO triggers (title, description, active, position, conditions_json,"
		" actions_json, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &t->id, "ttiittii", t->title, t->description, (int64_t)t->active,
			  t->position, t->conditions_json, t->actions_json, t->created_at,
			  t->updated_at);
	return rc ? rc : bump(tx);
}

int fl_store_trigger_update(fl_tx *tx, const struct fl_store_trigger *t)
{
	static const char sql[] =
		"UPDATE triggers"
		" SET title = ?, description = ?, active = ?, conditions_json = ?,"
		" actions_json = ?, updated_at = ?"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, sql, "ttittii", t->title, t->description, (int64_t)t->active,
			   t->conditions_json, t->actions_json, t->updated_at, t->id);
	return rc ? rc : bump(tx);
}

int fl_store_trigger_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM triggers"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, sql, "i", id);
	return rc ? rc : bump(tx);
}

int fl_store_trigger_set_position(fl_tx *tx, int64_t id, int64_t position)
{
	static const char sql[] =
		"UPDATE triggers"
		" SET position = ?"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, sql, "ii", position, id);
	return rc ? rc : bump(tx);
}

int fl_store_trigger_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM triggers";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_trigger_version(fl_tx *tx, int64_t *out)
{
	static const char sql[] =
		"SELECT version"
		" FROM rule_versions"
		" WHERE kind = 'trigger'";
	return fl_q_int(tx, sql, out, "");
}

int fl_store_group_agent_ids(fl_tx *tx, int64_t group_id, size_t max, fl_arena *a, int64_t **out,
			     size_t *n)
{
	static const char sql[] =
		"SELECT u.id"
		" FROM group_members m"
		" JOIN users u ON u.id = m.user_id"
		" WHERE m.group_id = ?"
		"   AND u.active = 1"
		"   AND u.role >= 1"
		" ORDER BY u.id";
	int64_t *ids = fl_arena_alloc(a, (max + 1) * sizeof *ids);
	size_t k = 0;
	fl_stmt *st;
	int rc;

	if (!ids)
		return FL_ENOMEM;
	if ((rc = fl_q(tx, sql, 0, &st, "i", group_id)))
		return rc;
	while (k < max && (rc = fl_q_step(tx, st)) == 1)
		ids[k++] = fl_col_int(tx, st, 0);
	fl_q_done(tx, st);
	if (rc < 0)
		return rc;
	*out = ids;
	*n = k;
	return 0;
}
