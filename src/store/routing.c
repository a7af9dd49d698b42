/* Queries about routing (store/routing.h). */

#include "users/user.h"
#include "store/routing.h"
#include "store/store_int.h"

/* the SQL below writes FL_ROLE_AGENT as the number the store keeps */
_Static_assert(FL_ROLE_AGENT == 2, "roles are stored by rank (schema 39; bench/*.sh too)");

/* An agent's open load: their tickets new, open, pending or on hold (the
 * tickets_assignee index's range). */
#define OPEN_LOAD                         \
	"(SELECT COUNT(*) FROM tickets t" \
	" WHERE t.assignee_id = u.id AND t.status < 4 AND t.deleted_at IS NULL)"

#define AGENT_COLUMNS(X, S)                                                                        \
	X(user_id, "u.id")                                                                         \
	S X(name, "u.name") S X(status, "COALESCE(a.status, 0)") S X(status_at,                    \
								     "COALESCE(a.status_at, 0)") S \
	X(capacity, "COALESCE(a.capacity, 0)") S                                                   \
	X(skills, "COALESCE(a.skills, '')") S                                                      \
	X(open, OPEN_LOAD)
#define AGENT_COLUMN(m, expr) FL_COLUMN(struct fl_routing_agent, m)
static const struct fl_col agent_col[] = {AGENT_COLUMNS(AGENT_COLUMN, FL_COMMA)};
static const struct fl_cols agent_cols = FL_COLS(struct fl_routing_agent, agent_col);

/* Who routing knows: active agents and admins, never the desk itself. */
#define AGENTS_FROM     \
	" FROM users u" \
	" LEFT JOIN agent_availabilities a ON a.user_id = u.id"
#define AGENTS_WHERE " u.role >= 2 AND u.active = 1 AND u.suspended = 0 AND u.id > 0"

int fl_store_availability_get(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_routing_agent *out)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(AGENT_COLUMNS) AGENTS_FROM
		" WHERE u.id = ? AND" AGENTS_WHERE;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", user_id);
	return rc ? rc : fl_q_one_cols(tx, st, &agent_cols, a, out);
}

int fl_store_availability_list(fl_tx *tx, fl_arena *a, struct fl_routing_agent **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(AGENT_COLUMNS) AGENTS_FROM " WHERE" AGENTS_WHERE
								    " ORDER BY u.id"
								    " LIMIT 2000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &agent_cols, a, FL_STORE_ROUTING_AGENTS_MAX,
				   (void **)out, n);
}

int fl_store_availability_put(fl_tx *tx, const struct fl_routing_agent *ag, int64_t now)
{
	static const char sql[] =
		"INSERT INTO agent_availabilities"
		" (user_id, status, status_at, capacity, skills, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (user_id) DO UPDATE"
		" SET status = excluded.status, status_at = excluded.status_at,"
		" capacity = excluded.capacity, skills = excluded.skills,"
		" updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "iiiiti", ag->user_id, (int64_t)ag->status, ag->status_at,
			 ag->capacity, ag->skills ? ag->skills : "", now);
}

int fl_store_availability_touch(fl_tx *tx, int64_t user_id, int64_t now)
{
	static const char sql[] =
		"UPDATE agent_availabilities"
		" SET assigned_at = ?"
		" WHERE user_id = ?";
	return fl_q_exec(tx, sql, "ii", now, user_id);
}

int fl_store_group_routing_get(fl_tx *tx, int64_t group_id, int *method, int64_t *last)
{
	static const char sql[] =
		"SELECT method, COALESCE(last_user_id, 0)"
		" FROM group_routing"
		" WHERE group_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", group_id);

	if (rc)
		return rc;
	*method = FL_ROUTING_NONE;
	*last = 0;
	if ((rc = fl_q_step(tx, st)) == 1) {
		*method = (int)fl_col_int(tx, st, 0);
		*last = fl_col_int(tx, st, 1);
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

int fl_store_group_routing_put(fl_tx *tx, int64_t group_id, int method, int64_t now)
{
	static const char sql[] =
		"INSERT INTO group_routing (group_id, method, updated_at)"
		" VALUES (?, ?, ?)"
		" ON CONFLICT (group_id) DO UPDATE"
		" SET method = excluded.method, updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "iii", group_id, (int64_t)method, now);
}

int fl_store_group_routing_last(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t now)
{
	static const char sql[] =
		"UPDATE group_routing"
		" SET last_user_id = ?, updated_at = ?"
		" WHERE group_id = ?";
	return fl_q_exec(tx, sql, "Iii", user_id, now, group_id);
}

int fl_store_routing_members(fl_tx *tx, int64_t group_id, fl_arena *a,
			     struct fl_routing_agent **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(AGENT_COLUMNS)
		" FROM group_members m"
		" JOIN users u ON u.id = m.user_id"
		" LEFT JOIN agent_availabilities a ON a.user_id = u.id"
		" WHERE m.group_id = ? AND" AGENTS_WHERE
		" ORDER BY u.id"
		" LIMIT 2000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", group_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &agent_cols, a, FL_STORE_ROUTING_AGENTS_MAX,
				   (void **)out, n);
}

int fl_store_routing_waiting(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t ticket_id,
			     size_t max, fl_arena *a, int64_t **out, size_t *n)
{
	/* the tickets_group index's range for each routed group; the live
	 * chats by chats_by_state (few: the ones waiting or being answered) */
	static const char sql[] =
		"SELECT t.id"
		" FROM tickets t"
		" JOIN group_routing g ON g.group_id = t.group_id"
		" JOIN users r ON r.id = t.requester_id"
		" LEFT JOIN tiers rt ON rt.id = r.tier_id"
		" LEFT JOIN organizations o ON o.id = COALESCE(t.organization_id, r.organization_id)"
		" LEFT JOIN tiers ot ON ot.id = o.tier_id"
		" WHERE g.method > 0"
		"   AND t.status < 4"
		"   AND t.assignee_id IS NULL"
		"   AND t.deleted_at IS NULL"
		"   AND t.id NOT IN"
		"       (SELECT c.ticket_id FROM chats c"
		"         WHERE c.state IN (0, 1)"
		"           AND c.ticket_id IS NOT NULL)"
		"   AND (? = 0 OR t.group_id = ?)"
		"   AND (? = 0 OR t.group_id IN"
		"        (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = ?))"
		"   AND (? = 0 OR t.id = ?)"
		" ORDER BY COALESCE(rt.position, ot.position, 1000000), t.created_at, t.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiiiii", group_id, group_id, user_id, user_id, ticket_id,
		      ticket_id, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, out, n);
}
