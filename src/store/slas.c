/* Queries about SLA policies and their metrics (store/slas.h). A metric's
 * priority and metric are stored by name ("urgent", "first_reply_time"),
 * so the rows read the same whatever the enums' order. */
#include <stdlib.h>
#include <string.h>

#include "store/slas.h"
#include "store/store_int.h"

#define POLICY_COLUMNS(X, S)                                                               \
	X(id, "id")                                                                        \
	S X(title, "title") S X(description, "description") S X(position, "position") S X( \
		filter_json, "filter_json") S                                              \
	X(schedule_id, "COALESCE(schedule_id, 0)") S                                       \
	X(warning_minutes, "warning_minutes") S                                            \
	X(created_at, "created_at") S                                                      \
	X(updated_at, "updated_at")
#define POLICY_COLUMN(m, expr) FL_COLUMN(struct fl_sla_policy, m)
static const struct fl_col policy_col[] = {POLICY_COLUMNS(POLICY_COLUMN, FL_COMMA)};
static const struct fl_cols policy_cols = FL_COLS(struct fl_sla_policy, policy_col);

/* A metric as it is stored, with the policy it belongs to. */
struct metric_row {
	int64_t policy_id;
	char *priority, *metric;
	int64_t target;
	int business_hours;
};
#define METRIC_COLUMNS(X, S)                                                                     \
	X(policy_id, "m.policy_id")                                                              \
	S X(priority, "m.priority") S X(metric, "m.metric") S X(target, "m.target_minutes") S X( \
		business_hours, "m.business_hours")
#define METRIC_COLUMN(m, expr) FL_COLUMN(struct metric_row, m)
static const struct fl_col metric_col[] = {METRIC_COLUMNS(METRIC_COLUMN, FL_COMMA)};
static const struct fl_cols metric_cols = FL_COLS(struct metric_row, metric_col);

static int by_priority_metric(const void *a, const void *b)
{
	const struct fl_sla_policy_metric *x = a, *y = b;
	if (x->priority != y->priority)
		return x->priority - y->priority;
	return x->metric - y->metric;
}

/* Gives p the metrics rows[0..n) in order; a name the enums do not know
 * (a row written by hand) is FL_EINTERNAL. */
static int metrics_take(struct fl_sla_policy *p, const struct metric_row *rows, size_t n,
			fl_arena *a)
{
	p->metrics = fl_arena_alloc(a, (n ? n : 1) * sizeof *p->metrics);
	if (!p->metrics)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int pr = fl_priority_parse(fl_str_c(rows[i].priority));
		int m = fl_sla_metric_parse(fl_str_c(rows[i].metric));
		if (pr <= 0 || m < 0)
			return FL_EINTERNAL;
		p->metrics[i] = (struct fl_sla_policy_metric){pr, m, rows[i].target,
							      rows[i].business_hours};
	}
	p->nmetrics = n;
	qsort(p->metrics, n, sizeof *p->metrics, by_priority_metric);
	return 0;
}

static int metrics_put(fl_tx *tx, const struct fl_sla_policy *p)
{
	static const char clear[] =
		"DELETE FROM sla_policy_metrics"
		" WHERE policy_id = ?";
	static const char put[] =
		"INSERT INTO sla_policy_metrics (policy_id, priority, metric, target_minutes,"
		" business_hours)"
		" VALUES (?, ?, ?, ?, ?)";
	int rc = fl_q_exec(tx, clear, "i", p->id);

	for (size_t i = 0; !rc && i < p->nmetrics; i++)
		rc = fl_q_exec(tx, put, "ittii", p->id, fl_priority_name(p->metrics[i].priority),
			       fl_sla_metric_name(p->metrics[i].metric), p->metrics[i].target,
			       (int64_t)p->metrics[i].business_hours);
	return rc;
}

int fl_store_sla_policy_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_sla_policy *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(POLICY_COLUMNS)
		" FROM sla_policies"
		" WHERE id = ?";
	static const char metrics[] =
		"SELECT " FL_COLUMNS_SQL(METRIC_COLUMNS)
		" FROM sla_policy_metrics m"
		" WHERE m.policy_id = ?";
	struct fl_sla_policy p;
	struct metric_row *rows;
	size_t n;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);

	if (!rc)
		rc = fl_q_one_cols(tx, st, &policy_cols, a, &p);
	if (!rc)
		rc = fl_q(tx, metrics, 0, &st, "i", id);
	if (!rc)
		rc = fl_q_rows_cols(tx, st, &metric_cols, a, FL_SLA_MAX_METRICS, (void **)&rows,
				    &n);
	if (!rc)
		rc = metrics_take(&p, rows, n, a);
	if (!rc)
		*out = p;
	return rc;
}

int fl_store_sla_policy_list(fl_tx *tx, fl_arena *a, struct fl_sla_policy **out, size_t *n)
{
	static const char policies[] =
		"SELECT " FL_COLUMNS_SQL(POLICY_COLUMNS)
		" FROM sla_policies"
		" ORDER BY position, id"
		" LIMIT 200";
	static const char metrics[] =
		"SELECT " FL_COLUMNS_SQL(METRIC_COLUMNS)
		" FROM sla_policy_metrics m"
		" JOIN sla_policies p ON p.id = m.policy_id"
		" ORDER BY p.position, p.id";
	struct fl_sla_policy *p;
	struct metric_row *rows;
	size_t np, nrows, k = 0;
	fl_stmt *st;
	int rc = fl_q(tx, policies, 0, &st, "");

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &policy_cols, a, FL_SLA_MAX_POLICIES, (void **)&p, &np);
	if (!rc)
		rc = fl_q(tx, metrics, 0, &st, "");
	if (!rc)
		rc = fl_q_rows_cols(tx, st, &metric_cols, a,
				    FL_SLA_MAX_POLICIES * FL_SLA_MAX_METRICS, (void **)&rows,
				    &nrows);
	if (rc)
		return rc;
	/* both in order of position, then id: each policy takes the run of
	 * rows that is its */
	for (size_t i = 0; i < np; i++) {
		size_t first = k;
		while (k < nrows && rows[k].policy_id == p[i].id)
			k++;
		if ((rc = metrics_take(&p[i], rows + first, k - first, a)))
			return rc;
	}
	*out = p;
	*n = np;
	return 0;
}

int fl_store_sla_policy_ids(fl_tx *tx, fl_arena *a, int64_t **out, size_t *n)
{
	static const char sql[] =
		"SELECT id"
		" FROM sla_policies"
		" ORDER BY position, id"
		" LIMIT 200";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc : fl_q_ids(tx, st, a, FL_SLA_MAX_POLICIES, out, n);
}

int fl_store_sla_policy_insert(fl_tx *tx, struct fl_sla_policy *p)
{
	static const char sql[] =
		"INSERT INTO sla_policies (title, description, position, filter_json,"
		" schedule_id, warning_minutes, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &p->id, "ttitIiii", p->title, p->description, p->position,
			  p->filter_json, p->schedule_id, p->warning_minutes, p->created_at,
			  p->updated_at);
	return rc ? rc : metrics_put(tx, p);
}

int fl_store_sla_policy_update(fl_tx *tx, const struct fl_sla_policy *p)
{
	static const char sql[] =
		"UPDATE sla_policies"
		" SET title = ?, description = ?, filter_json = ?, schedule_id = ?,"
		" warning_minutes = ?, updated_at = ?"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, sql, "tttIiii", p->title, p->description, p->filter_json,
			   p->schedule_id, p->warning_minutes, p->updated_at, p->id);
	return rc ? rc : metrics_put(tx, p);
}

int fl_store_sla_policy_set_position(fl_tx *tx, int64_t id, int64_t position)
{
	static const char sql[] =
		"UPDATE sla_policies"
		" SET position = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", position, id);
}

int fl_store_sla_policy_delete(fl_tx *tx, int64_t id)
{
	static const char metrics[] =
		"DELETE FROM sla_policy_metrics"
		" WHERE policy_id = ?";
	static const char policy[] =
		"DELETE FROM sla_policies"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, metrics, "i", id);
	return rc ? rc : fl_q_exec(tx, policy, "i", id);
}

int fl_store_sla_policy_using(fl_tx *tx, int64_t schedule_id, int only, fl_arena *a, char **title)
{
	static const char sql[] =
		"SELECT p.title"
		" FROM sla_policies p"
		" WHERE p.schedule_id = ?"
		"    OR (? = 1"
		"        AND p.schedule_id IS NULL"
		"        AND EXISTS (SELECT 1"
		"                    FROM sla_policy_metrics m"
		"                    WHERE m.policy_id = p.id"
		"                      AND m.business_hours = 1))"
		" ORDER BY p.position, p.id"
		" LIMIT 1";
	return fl_q_text(tx, sql, a, title, "ii", schedule_id, (int64_t)(only != 0));
}

#define STEP_COLUMNS(X, S)                                                                    \
	X(at, "au.created_at")                                                                \
	S X(kind, "e.kind") S X(status, "CASE WHEN e.field = 'status' THEN e.value END") S X( \
		role, "COALESCE(u.role, 0)")
#define STEP_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_step, m)
static const struct fl_col step_col[] = {STEP_COLUMNS(STEP_COLUMN, FL_COMMA)};
static const struct fl_cols step_cols = FL_COLS(struct fl_store_sla_step, step_col);

int fl_store_sla_steps(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_store_sla_step **out,
		       size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(STEP_COLUMNS)
		" FROM audits au"
		" JOIN audit_events e ON e.audit_id = au.id"
		" LEFT JOIN comments c ON c.id = e.comment_id"
		" LEFT JOIN users u ON u.id = c.author_id"
		" WHERE au.ticket_id = ?"
		"   AND ((e.kind IN (?, ?) AND e.field = 'status')"
		"     OR (e.kind = ? AND e.field = 'public'))"
		" ORDER BY au.id, e.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiii", ticket_id, (int64_t)FL_EVENT_CREATE,
		      (int64_t)FL_EVENT_CHANGE, (int64_t)FL_EVENT_COMMENT,
		      (int64_t)FL_STORE_SLA_STEPS_MAX);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &step_cols, a, FL_STORE_SLA_STEPS_MAX, (void **)out, n);
}

/* A step with the ticket it belongs to, as the batch reads it. */
struct many_row {
	int64_t ticket_id, at;
	int kind;
	char *status;
	int role;
};
#define MANY_COLUMNS(X, S)                                                 \
	X(ticket_id, "au.ticket_id")                                       \
	S X(at, "au.created_at") S X(kind, "e.kind") S X(                  \
		status, "CASE WHEN e.field = 'status' THEN e.value END") S \
	X(role, "COALESCE(u.role, 0)")
#define MANY_COLUMN(m, expr) FL_COLUMN(struct many_row, m)
static const struct fl_col many_col[] = {MANY_COLUMNS(MANY_COLUMN, FL_COMMA)};
static const struct fl_cols many_cols = FL_COLS(struct many_row, many_col);

/* Ids closer than this share one range query: the tickets of a few days
 * are nearly consecutive ids, so a batch is usually one query; ids far
 * apart cost a query each rather than reading every audit between them. */
#define MANY_GAP 64

/* The index of id in ids[0..n) (ascending), or n. */
static size_t find_id(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? lo : n;
}

/* Reads the steps of the tickets from ids[0] to ids[n - 1] (those in
 * between that ids does not name are passed over) into out, a step
 * arrays' room growing by doubling in a; cap[i] is the room of out[i]. */
static int many_range(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
		      struct fl_store_sla_timeline *out, size_t *cap)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(MANY_COLUMNS)
		" FROM audits au"
		" JOIN audit_events e ON e.audit_id = au.id"
		" LEFT JOIN comments c ON c.id = e.comment_id"
		" LEFT JOIN users u ON u.id = c.author_id"
		" WHERE au.ticket_id BETWEEN ? AND ?"
		"   AND ((e.kind IN (?, ?) AND e.field = 'status')"
		"     OR (e.kind = ? AND e.field = 'public'))"
		" ORDER BY au.ticket_id, au.id, e.id";
	struct many_row row;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiii", ids[0], ids[n - 1], (int64_t)FL_EVENT_CREATE,
		      (int64_t)FL_EVENT_CHANGE, (int64_t)FL_EVENT_COMMENT);

	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		size_t i = find_id(ids, n, fl_col_int(tx, st, 0));
		struct fl_store_sla_timeline *t = &out[i];
		if (i == n)
			continue;
		if (t->n == FL_STORE_SLA_STEPS_MAX) {
			t->truncated = 1;
			continue;
		}
		if (t->n == cap[i]) {
			size_t room = cap[i] ? cap[i] * 2 : 16;
			struct fl_store_sla_step *s;
			if (room > FL_STORE_SLA_STEPS_MAX)
				room = FL_STORE_SLA_STEPS_MAX;
			if (!(s = fl_arena_alloc(a, room * sizeof *s))) {
				rc = FL_ENOMEM;
				break;
			}
			if (t->n)
				memcpy(s, t->steps, t->n * sizeof *s);
			t->steps = s;
			cap[i] = room;
		}
		if ((rc = fl_cols_read(tx, st, &many_cols, a, &row)))
			break;
		t->steps[t->n++] =
			(struct fl_store_sla_step){row.at, row.kind, row.status, row.role};
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

int fl_store_sla_steps_many(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
			    struct fl_store_sla_timeline *out)
{
	size_t *cap, first = 0;
	int rc = 0;

	if (n > FL_STORE_SLA_MANY_MAX)
		return FL_EINVAL;
	for (size_t i = 1; i < n; i++)
		if (ids[i] <= ids[i - 1])
			return FL_EINVAL;
	memset(out, 0, n * sizeof *out);
	if (!n)
		return 0;
	if (!(cap = calloc(n, sizeof *cap)))
		return FL_ENOMEM;
	for (size_t i = 1; !rc && i <= n; i++)
		if (i == n || ids[i] - ids[i - 1] > MANY_GAP) {
			rc = many_range(tx, ids + first, i - first, a, out + first, cap + first);
			first = i;
		}
	free(cap);
	return rc;
}
