/* The store's queries for what triggers do besides their own rows
 * (store/triggers.h); the rows are store/rulesets.c's. */
#include "store/triggers.h"
#include "store/store_int.h"

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
