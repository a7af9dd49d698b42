/* Queries about customer tiers (store/tiers.h). */

#include "store/tiers.h"
#include "store/store_int.h"

#define TIER_COLUMNS(X, S)                                                             \
	X(id, "id")                                                                    \
	S X(name, "name") S X(position, "position") S X(created_at, "created_at") S X( \
		updated_at, "updated_at")
#define TIER_COLUMN(m, expr) FL_COLUMN(struct fl_tier, m)
static const struct fl_col tier_col[] = {TIER_COLUMNS(TIER_COLUMN, FL_COMMA)};
static const struct fl_cols tier_cols = FL_COLS(struct fl_tier, tier_col);

/* The same with its counts: each a range of the partial indexes on
 * tier_id (users_by_tier holds active, so the count reads no rows). */
#define TIER_COUNTED_COLUMNS(X, S)                                                     \
	X(id, "id")                                                                    \
	S X(name, "name") S X(position, "position") S X(created_at, "created_at") S X( \
		updated_at, "updated_at") S                                            \
	X(users_count,                                                                 \
	  "(SELECT COUNT(*) FROM users u"                                              \
	  " WHERE u.tier_id = tiers.id AND u.active = 1)") S                           \
	X(organizations_count,                                                         \
	  "(SELECT COUNT(*) FROM organizations o"                                      \
	  " WHERE o.tier_id = tiers.id)")
#define TIER_COUNTED_COLUMN(m, expr) FL_COLUMN(struct fl_tier, m)
static const struct fl_col tier_counted_col[] = {
	TIER_COUNTED_COLUMNS(TIER_COUNTED_COLUMN, FL_COMMA)};
static const struct fl_cols tier_counted_cols = FL_COLS(struct fl_tier, tier_counted_col);

int fl_store_tier_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_tier *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TIER_COUNTED_COLUMNS)
		" FROM tiers"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &tier_counted_cols, a, out);
}

int fl_store_tier_list(fl_tx *tx, int counts, fl_arena *a, struct fl_tier **out, size_t *n)
{
	static const char plain[] =
		"SELECT " FL_COLUMNS_SQL(TIER_COLUMNS)
		" FROM tiers"
		" ORDER BY position, id"
		" LIMIT 50";
	static const char counted[] =
		"SELECT " FL_COLUMNS_SQL(TIER_COUNTED_COLUMNS)
		" FROM tiers"
		" ORDER BY position, id"
		" LIMIT 50";
	fl_stmt *st;
	int rc = fl_q(tx, counts ? counted : plain, 0, &st, "");
	return rc ? rc
		  : fl_q_rows_cols(tx, st, counts ? &tier_counted_cols : &tier_cols, a,
				   FL_TIERS_MAX, (void **)out, n);
}

int fl_store_tier_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM tiers";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_tier_exists(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"SELECT id"
		" FROM tiers"
		" WHERE id = ?";
	int64_t found;
	return fl_q_int(tx, sql, &found, "i", id);
}

int fl_store_tier_insert(fl_tx *tx, struct fl_tier *t, const char *key)
{
	static const char sql[] =
		"INSERT INTO tiers (name, name_key, position, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &t->id, "ttiii", t->name, key, t->position, t->created_at,
			t->updated_at);
}

int fl_store_tier_update(fl_tx *tx, const struct fl_tier *t, const char *key)
{
	static const char sql[] =
		"UPDATE tiers"
		" SET name = ?, name_key = ?, position = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiii", t->name, key, t->position, t->updated_at, t->id);
}

int fl_store_tier_set_position(fl_tx *tx, int64_t id, int64_t position)
{
	static const char sql[] =
		"UPDATE tiers"
		" SET position = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", position, id);
}

int fl_store_tier_delete(fl_tx *tx, int64_t id, int64_t now)
{
	static const char users[] =
		"UPDATE users"
		" SET tier_id = NULL, updated_at = ?"
		" WHERE tier_id = ?";
	static const char orgs[] =
		"UPDATE organizations"
		" SET tier_id = NULL, updated_at = ?"
		" WHERE tier_id = ?";
	static const char tier[] =
		"DELETE FROM tiers"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, users, "ii", now, id);

	if (!rc)
		rc = fl_q_exec(tx, orgs, "ii", now, id);
	return rc ? rc : fl_q_exec(tx, tier, "i", id);
}

int fl_store_tier_of_customer(fl_tx *tx, int64_t requester_id, int64_t organization_id,
			      int64_t *requester_tier, int64_t *organization_tier)
{
	/* the ticket's organization when it has one, else the person's */
	static const char sql[] =
		"SELECT u.tier_id, o.tier_id"
		" FROM users u"
		" LEFT JOIN organizations o ON o.id = COALESCE(?, u.organization_id)"
		" WHERE u.id = ?";
	int64_t req = 0, org = 0;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "Ii", organization_id, requester_id);

	if (rc)
		return rc;
	if ((rc = fl_q_step(tx, st)) == 1) {
		req = fl_col_int(tx, st, 0);
		org = fl_col_int(tx, st, 1);
	}
	fl_q_done(tx, st);
	if (rc < 0)
		return rc;
	*requester_tier = req;
	*organization_tier = org;
	return 0;
}
