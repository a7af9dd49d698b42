/* The store's queries for what triggers do besides their own rows
 * (store/triggers.h); the rows are store/rulesets.c's. */
#include "users/user.h"
#include "store/triggers.h"
#include "store/store_int.h"

/* the SQL below writes FL_ROLE_AGENT as the number the store keeps */
_Static_assert(FL_ROLE_AGENT == 2, "roles are stored by rank (schema 39; bench/*.sh too)");

int fl_store_group_agent_ids(fl_tx *tx, int64_t group_id, size_t max, fl_arena *a, int64_t **out,
			     size_t *n)
{
	static const char sql[] =
		"SELECT u.id"
		" FROM group_members m"
		" JOIN users u ON u.id = m.user_id"
		" WHERE m.group_id = ?"
		"   AND u.active = 1"
		"   AND u.role >= 2"
		" ORDER BY u.id";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", group_id);
	return rc ? rc : fl_q_ids(tx, st, a, max, out, n);
}
