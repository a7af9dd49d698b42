/* The queries of the SLA reports (store/sla_reports.h). */
#include "sla/report.h"
#include "store/sla_reports.h"
#include "store/store_int.h"

/* The period's live tickets: the tickets_created index reads them. */
#define PERIOD " t.created_at >= ? AND t.created_at < ? AND t.deleted_at IS NULL"

/* Per `by` (enum fl_report_by): the key, the key's name and the joins
 * that give it. Every statement built of them binds the same "ii" (the
 * period), so one call serves them all; none takes anything from the
 * request but that. */
#define BY_POLICY                                            \
	"COALESCE(m.policy_id, 0)", "COALESCE(p.title, '')", \
		" LEFT JOIN sla_policies p ON p.id = m.policy_id"
#define BY_NONE "0", "''", ""
#define BY_GROUP                                           \
	"COALESCE(t.group_id, 0)", "COALESCE(g.name, '')", \
		" LEFT JOIN agent_groups g ON g.id = t.group_id"
#define BY_AGENT                                              \
	"COALESCE(t.assignee_id, 0)", "COALESCE(u.name, '')", \
		" LEFT JOIN users u ON u.id = t.assignee_id"
#define BY_TIER                                            \
	"COALESCE(r.tier_id, 0)", "COALESCE(tr.name, '')", \
		" JOIN users r ON r.id = t.requester_id"   \
		" LEFT JOIN tiers tr ON tr.id = r.tier_id"
#define BY_CHANNEL "t.channel", "''", ""

/* Compliance counts cycles, not tickets' last states: a ticket whose
 * customer wrote three times has three next-reply cycles, each met or
 * missed (ticket_sla_metrics keeps how many began and how many were
 * breached); a cycle still running and not yet late is not counted. */
#define COMPLIANCE_SQL_(key, name, joins)                                        \
	"SELECT " key ", " name                                                  \
	", m.metric,"                                                            \
	" SUM(m.cycles - m.breaches"                                             \
	"     - CASE WHEN m.stage IN ('active', 'paused') THEN 1 ELSE 0 END),"   \
	" SUM(m.breaches)"                                                       \
	" FROM tickets t"                                                        \
	" JOIN ticket_sla_metrics m ON m.ticket_id = t.id" joins " WHERE" PERIOD \
	" AND (m.stage IN ('achieved', 'breached') OR m.cycles > 1)"             \
	" GROUP BY 1, 2, 3"                                                      \
	" ORDER BY 1, 3"
#define COMPLIANCE_SQL(by) COMPLIANCE_SQL_(by)

#define NO_PROMISE_SQL_(key, name, joins)                                      \
	"SELECT " key ", " name                                                \
	", COUNT(*)"                                                           \
	" FROM tickets t"                                                      \
	" LEFT JOIN ticket_slas s ON s.ticket_id = t.id" joins " WHERE" PERIOD \
	" AND s.policy_id IS NULL"                                             \
	" GROUP BY 1, 2"                                                       \
	" ORDER BY 1"
#define NO_PROMISE_SQL(by) NO_PROMISE_SQL_(by)

static const char *const compliance_sql[FL_REPORT_BY__MAX] = {
	COMPLIANCE_SQL(BY_POLICY), COMPLIANCE_SQL(BY_NONE), COMPLIANCE_SQL(BY_GROUP),
	COMPLIANCE_SQL(BY_AGENT),  COMPLIANCE_SQL(BY_TIER), COMPLIANCE_SQL(BY_CHANNEL),
};
/* no metric row here: by policy and by metric are one row */
static const char *const no_promise_sql[FL_REPORT_BY__MAX] = {
	NO_PROMISE_SQL(BY_NONE),  NO_PROMISE_SQL(BY_NONE), NO_PROMISE_SQL(BY_GROUP),
	NO_PROMISE_SQL(BY_AGENT), NO_PROMISE_SQL(BY_TIER), NO_PROMISE_SQL(BY_CHANNEL),
};

/* The rows of the statements above, whose SELECT lists are by's: the
 * tables only read them (the expressions are never used). */
#define COMPLIANCE_COLUMNS(X, S) \
	X(key, "") S X(name, "") S X(metric, "") S X(achieved, "") S X(breached, "")
#define COMPLIANCE_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_compliance, m)
static const struct fl_col compliance_col[] = {COMPLIANCE_COLUMNS(COMPLIANCE_COLUMN, FL_COMMA)};
static const struct fl_cols compliance_cols =
	FL_COLS(struct fl_store_sla_compliance, compliance_col);

#define NO_PROMISE_COLUMNS(X, S) X(key, "") S X(name, "") S X(tickets, "")
#define NO_PROMISE_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_no_promise, m)
static const struct fl_col no_promise_col[] = {NO_PROMISE_COLUMNS(NO_PROMISE_COLUMN, FL_COMMA)};
static const struct fl_cols no_promise_cols =
	FL_COLS(struct fl_store_sla_no_promise, no_promise_col);

int fl_store_sla_compliance(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			    struct fl_store_sla_compliance **out, size_t *n)
{
	fl_stmt *st;
	int rc;

	if (by < 0 || by >= FL_REPORT_BY__MAX)
		return FL_EINVAL;
	if ((rc = fl_q(tx, compliance_sql[by], 0, &st, "ii", start, end)))
		return rc;
	return fl_q_rows_cols(tx, st, &compliance_cols, a, FL_STORE_SLA_REPORT_ROWS_MAX,
			      (void **)out, n);
}

int fl_store_sla_no_promise(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			    struct fl_store_sla_no_promise **out, size_t *n)
{
	fl_stmt *st;
	int rc;

	if (by < 0 || by >= FL_REPORT_BY__MAX)
		return FL_EINVAL;
	if ((rc = fl_q(tx, no_promise_sql[by], 0, &st, "ii", start, end)))
		return rc;
	return fl_q_rows_cols(tx, st, &no_promise_cols, a, FL_STORE_SLA_REPORT_ROWS_MAX,
			      (void **)out, n);
}

#define TICKET_COLUMNS(X, S)                                                               \
	X(id, "t.id")                                                                      \
	S X(status, "t.status") S X(priority, "t.priority") S X(channel, "t.channel") S X( \
		requester_id, "t.requester_id") S                                          \
	X(group_id, "COALESCE(t.group_id, 0)") S                                           \
	X(organization_id, "COALESCE(t.organization_id, 0)") S                             \
	X(created_at, "t.created_at")
#define TICKET_COLUMN(m, expr) FL_COLUMN(struct fl_ticket, m)
static const struct fl_col ticket_col[] = {TICKET_COLUMNS(TICKET_COLUMN, FL_COMMA)};
static const struct fl_cols ticket_cols = FL_COLS(struct fl_ticket, ticket_col);

/* The scope's tickets: group_id, then tier_id, each twice (0 for any),
 * after the period. Written out in each statement, for tools/check_binds.py
 * to count. */
#define SCOPE_JOIN " JOIN users r ON r.id = t.requester_id"

int fl_store_sla_report_count(fl_tx *tx, const struct fl_store_sla_report_scope *s, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM tickets t" SCOPE_JOIN
		" WHERE t.created_at >= ? AND t.created_at < ? AND t.deleted_at IS NULL"
		" AND (? = 0 OR t.group_id = ?)"
		" AND (? = 0 OR r.tier_id = ?)";
	return fl_q_int(tx, sql, n, "iiiiii", s->start, s->end, s->group_id, s->group_id,
			s->tier_id, s->tier_id);
}

int fl_store_sla_report_tickets(fl_tx *tx, const struct fl_store_sla_report_scope *s, int64_t after,
				size_t max, fl_arena *a, struct fl_ticket **out, size_t *n)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(
		TICKET_COLUMNS) " FROM tickets t" SCOPE_JOIN
				" WHERE t.created_at >= ? AND t.created_at < ? AND t.deleted_at IS NULL"
				" AND (? = 0 OR t.group_id = ?)"
				" AND (? = 0 OR r.tier_id = ?)"
				" AND t.id > ?"
				" ORDER BY t.id"
				" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiiiiii", s->start, s->end, s->group_id, s->group_id,
		      s->tier_id, s->tier_id, after, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &ticket_cols, a, max, (void **)out, n);
}

/* A metric's place among a ticket's, as enum fl_sla_metric numbers them. */
#define METRIC_INDEX                                    \
	"(CASE m.metric WHEN 'first_reply_time' THEN 0" \
	" WHEN 'next_reply_time' THEN 1"                \
	" WHEN 'periodic_update_time' THEN 2"           \
	" WHEN 'requester_wait_time' THEN 3"            \
	" WHEN 'agent_work_time' THEN 4 ELSE 5 END)"

#define BREACH_COLUMNS(X, S)                                                                \
	X(ticket_id, "t.id")                                                                \
	S X(subject, "t.subject") S X(metric, "m.metric") S X(breach_at,                    \
							      "COALESCE(m.breach_at, 0)") S \
	X(late, "m.used - m.target") S                                                      \
	X(business_hours, "m.business_hours") S                                             \
	X(group_id, "COALESCE(t.group_id, 0)") S                                            \
	X(assignee_id, "COALESCE(t.assignee_id, 0)") S                                      \
	X(policy_id, "m.policy_id") S                                                       \
	X(group_name, "COALESCE(g.name, '')") S                                             \
	X(assignee_name, "COALESCE(u.name, '')") S                                          \
	X(policy_title, "COALESCE(p.title, '')") S                                          \
	X(order, "t.id * 8 + " METRIC_INDEX)
#define BREACH_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_breach, m)
static const struct fl_col breach_col[] = {BREACH_COLUMNS(BREACH_COLUMN, FL_COMMA)};
static const struct fl_cols breach_cols = FL_COLS(struct fl_store_sla_breach, breach_col);

int fl_store_sla_breaches(fl_tx *tx, int64_t start, int64_t end, const char *metric,
			  int64_t group_id, int has_after, int64_t after_key, int64_t after_id,
			  size_t max, fl_arena *a, struct fl_store_sla_breach **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(BREACH_COLUMNS)
		" FROM tickets t"
		" JOIN ticket_sla_metrics m ON m.ticket_id = t.id"
		" LEFT JOIN agent_groups g ON g.id = t.group_id"
		" LEFT JOIN users u ON u.id = t.assignee_id"
		" LEFT JOIN sla_policies p ON p.id = m.policy_id"
		" WHERE t.created_at >= ? AND t.created_at < ? AND t.deleted_at IS NULL"
		" AND m.stage = 'breached'"
		" AND (? = '' OR m.metric = ?)"
		" AND (? = 0 OR t.group_id = ?)"
		" AND (? = 0 OR COALESCE(m.breach_at, 0) < ?"
		"  OR (COALESCE(m.breach_at, 0) = ? AND t.id * 8 + " METRIC_INDEX " < ?))"
		" ORDER BY COALESCE(m.breach_at, 0) DESC, t.id * 8 + " METRIC_INDEX " DESC"
		" LIMIT ?";
	const char *mz = metric ? metric : "";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iittiiiiiii", start, end, mz, mz, group_id, group_id,
		      (int64_t)has_after, after_key, after_key, after_id, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &breach_cols, a, max, (void **)out, n);
}
