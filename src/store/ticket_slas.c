/* Each ticket's SLA as last measured, and its SLA log
 * (store/ticket_slas.h). */
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "store/store_int.h"
#include "store/ticket_slas.h"

#define ROW_COLUMNS(X, S)                                                             \
	X(ticket_id, "ticket_id")                                                     \
	S X(policy_id, "COALESCE(policy_id, 0)") S X(next_breach_at,                  \
						     "COALESCE(next_breach_at, 0)") S \
	X(next_event_at, "COALESCE(next_event_at, 0)") S                              \
	X(measured_at, "measured_at")
#define ROW_COLUMN(m, expr) FL_COLUMN(struct fl_store_ticket_sla, m)
static const struct fl_col row_col[] = {ROW_COLUMNS(ROW_COLUMN, FL_COMMA)};
static const struct fl_cols row_cols = FL_COLS(struct fl_store_ticket_sla, row_col);

#define METRIC_COLUMNS(X, S)                                                            \
	X(ticket_id, "m.ticket_id")                                                     \
	S X(metric, "m.metric") S X(policy_id, "m.policy_id") S X(business_hours,       \
								  "m.business_hours") S \
	X(target, "m.target") S                                                         \
	X(stage, "m.stage") S                                                           \
	X(breach_at, "COALESCE(m.breach_at, 0)") S                                      \
	X(achieved_at, "COALESCE(m.achieved_at, 0)") S                                  \
	X(used, "m.used") S                                                             \
	X(cycles, "m.cycles") S                                                         \
	X(breaches, "m.breaches") S                                                     \
	X(policy_title, "COALESCE(p.title, '')")
#define METRIC_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_metric, m)
static const struct fl_col metric_col[] = {METRIC_COLUMNS(METRIC_COLUMN, FL_COMMA)};
static const struct fl_cols metric_cols = FL_COLS(struct fl_store_sla_metric, metric_col);

#define EVENT_COLUMNS(X, S)                                                                       \
	X(id, "id")                                                                               \
	S X(ticket_id, "ticket_id") S X(kind, "kind") S X(metric, "metric") S X(cycle, "cycle") S \
	X(policy_id, "COALESCE(policy_id, 0)") S                                                  \
	X(previous_policy_id, "COALESCE(previous_policy_id, 0)") S                                \
	X(at, "at") S                                                                             \
	X(fired_at, "fired_at")
#define EVENT_COLUMN(m, expr) FL_COLUMN(struct fl_store_sla_event, m)
static const struct fl_col event_col[] = {EVENT_COLUMNS(EVENT_COLUMN, FL_COMMA)};
static const struct fl_cols event_cols = FL_COLS(struct fl_store_sla_event, event_col);

int fl_store_ticket_sla_get(fl_tx *tx, int64_t ticket_id, struct fl_store_ticket_sla *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ROW_COLUMNS) " FROM ticket_slas WHERE ticket_id = ?";
	fl_arena a; /* the row has no strings: nothing is copied into it */
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);

	if (rc)
		return rc;
	fl_arena_init(&a, 0);
	rc = fl_q_one_cols(tx, st, &row_cols, &a, out);
	fl_arena_free(&a);
	return rc;
}

/* SELECT cols FROM table WHERE ticket_id IN (ids[0..n)) ORDER BY order,
 * prepared into *st; n ≤ 100. */
static int by_ids(fl_tx *tx, const char *head, const char *order, const int64_t *ids, size_t n,
		  fl_stmt **st)
{
	struct fl_param p[100];
	char sql[1024 + 2 * 100];
	size_t len;

	if (n > 100)
		return FL_EINVAL;
	len = (size_t)snprintf(sql, sizeof sql, "%s WHERE ticket_id IN (", head);
	for (size_t i = 0; i < n; i++) {
		p[i] = (struct fl_param){.i = ids[i]};
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?", i ? ", " : "");
	}
	snprintf(sql + len, sizeof sql - len, ") ORDER BY %s", order);
	return fl_q_dyn(tx, sql, p, n, st);
}

int fl_store_ticket_sla_get_many(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
				 struct fl_store_ticket_sla **out, size_t *nout)
{
	fl_stmt *st;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	rc = by_ids(tx, "SELECT " FL_COLUMNS_SQL(ROW_COLUMNS) " FROM ticket_slas", "ticket_id", ids,
		    n, &st);
	return rc ? rc : fl_q_rows_cols(tx, st, &row_cols, a, n, (void **)out, nout);
}

int fl_store_ticket_sla_put(fl_tx *tx, const struct fl_store_ticket_sla *row,
			    const struct fl_store_sla_metric *m, size_t n)
{
	static const char upsert[] =
		"INSERT INTO ticket_slas (ticket_id, policy_id, next_breach_at, next_event_at,"
		" measured_at) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id) DO UPDATE SET policy_id = excluded.policy_id,"
		" next_breach_at = excluded.next_breach_at,"
		" next_event_at = excluded.next_event_at, measured_at = excluded.measured_at";
	static const char clear[] = "DELETE FROM ticket_sla_metrics WHERE ticket_id = ?";
	static const char insert[] =
		"INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours,"
		" target, stage, breach_at, achieved_at, used, cycles, breaches)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	int rc = fl_q_exec(tx, upsert, "iIIIi", row->ticket_id, row->policy_id, row->next_breach_at,
			   row->next_event_at, row->measured_at);

	if (!rc)
		rc = fl_q_exec(tx, clear, "i", row->ticket_id);
	for (size_t i = 0; !rc && i < n; i++)
		rc = fl_q_exec(tx, insert, "itiiitIIiii", row->ticket_id, m[i].metric,
			       m[i].policy_id, (int64_t)m[i].business_hours, m[i].target,
			       m[i].stage, m[i].breach_at, m[i].achieved_at, m[i].used, m[i].cycles,
			       m[i].breaches);
	return rc;
}

static const struct fl_store_sla_metric *metric_in(const struct fl_store_sla_metric *m, size_t n,
						   const char *metric)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].metric, metric))
			return &m[i];
	return NULL;
}

int fl_store_sla_metric_same(const struct fl_store_sla_metric *x,
			     const struct fl_store_sla_metric *y)
{
	return !strcmp(x->metric, y->metric) && x->policy_id == y->policy_id &&
	       x->business_hours == y->business_hours && x->target == y->target &&
	       !strcmp(x->stage, y->stage) && x->breach_at == y->breach_at &&
	       x->achieved_at == y->achieved_at && x->used == y->used && x->cycles == y->cycles &&
	       x->breaches == y->breaches;
}

int fl_store_ticket_sla_update(fl_tx *tx, const struct fl_store_ticket_sla *row,
			       const struct fl_store_sla_metric *m, size_t n,
			       const struct fl_store_sla_metric *old, size_t nold)
{
	static const char upsert[] =
		"INSERT INTO ticket_slas (ticket_id, policy_id, next_breach_at, next_event_at,"
		" measured_at) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id) DO UPDATE SET policy_id = excluded.policy_id,"
		" next_breach_at = excluded.next_breach_at,"
		" next_event_at = excluded.next_event_at, measured_at = excluded.measured_at";
	static const char gone[] =
		"DELETE FROM ticket_sla_metrics WHERE ticket_id = ? AND metric = ?";
	static const char put[] =
		"INSERT INTO ticket_sla_metrics (ticket_id, metric, policy_id, business_hours,"
		" target, stage, breach_at, achieved_at, used, cycles, breaches)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id, metric) DO UPDATE SET policy_id = excluded.policy_id,"
		" business_hours = excluded.business_hours, target = excluded.target,"
		" stage = excluded.stage, breach_at = excluded.breach_at,"
		" achieved_at = excluded.achieved_at, used = excluded.used,"
		" cycles = excluded.cycles, breaches = excluded.breaches";
	int rc = fl_q_exec(tx, upsert, "iIIIi", row->ticket_id, row->policy_id, row->next_breach_at,
			   row->next_event_at, row->measured_at);

	for (size_t i = 0; !rc && i < nold; i++)
		if (!metric_in(m, n, old[i].metric))
			rc = fl_q_exec(tx, gone, "it", row->ticket_id, old[i].metric);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct fl_store_sla_metric *was = metric_in(old, nold, m[i].metric);
		if (!was || !fl_store_sla_metric_same(&m[i], was))
			rc = fl_q_exec(tx, put, "itiiitIIiii", row->ticket_id, m[i].metric,
				       m[i].policy_id, (int64_t)m[i].business_hours, m[i].target,
				       m[i].stage, m[i].breach_at, m[i].achieved_at, m[i].used,
				       m[i].cycles, m[i].breaches);
	}
	return rc;
}

int fl_store_ticket_sla_delete(fl_tx *tx, int64_t ticket_id)
{
	static const char metrics[] = "DELETE FROM ticket_sla_metrics WHERE ticket_id = ?";
	static const char row[] = "DELETE FROM ticket_slas WHERE ticket_id = ?";
	int rc = fl_q_exec(tx, metrics, "i", ticket_id);
	return rc ? rc : fl_q_exec(tx, row, "i", ticket_id);
}

static int read_id(fl_tx *tx, fl_stmt *st, fl_arena *a, void *out)
{
	(void)a;
	*(int64_t *)out = fl_col_int(tx, st, 0);
	return 0;
}

int fl_store_ticket_sla_due(fl_tx *tx, int64_t now, size_t max, fl_arena *a, int64_t **ids,
			    size_t *n)
{
	static const char sql[] =
		"SELECT ticket_id FROM ticket_slas"
		" WHERE next_event_at IS NOT NULL AND next_event_at <= ?"
		" ORDER BY next_event_at LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", now, (int64_t)max);
	return rc ? rc : fl_q_rows(tx, st, read_id, a, sizeof **ids, max, (void **)ids, n);
}

int fl_store_ticket_sla_metrics(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
				struct fl_store_sla_metric **out, size_t *nout)
{
	fl_stmt *st;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	rc = by_ids(tx, "SELECT " FL_COLUMNS_SQL(METRIC_COLUMNS) " FROM ticket_sla_metrics m"
		    " LEFT JOIN sla_policies p ON p.id = m.policy_id",
		    "m.ticket_id, m.metric", ids, n, &st);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &metric_cols, a, n * FL_STORE_SLA_METRICS_MAX,
				   (void **)out, nout);
}

int fl_store_sla_event_add(fl_tx *tx, struct fl_store_sla_event *ev, int *added)
{
	static const char sql[] =
		"INSERT INTO sla_events (ticket_id, kind, metric, cycle, policy_id,"
		" previous_policy_id, at, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id, metric, cycle, kind) DO NOTHING RETURNING id";
	int rc = fl_q_int(tx, sql, &ev->id, "ittiIIii", ev->ticket_id, ev->kind, ev->metric,
			  ev->cycle, ev->policy_id, ev->previous_policy_id, ev->at, ev->fired_at);

	*added = !rc;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

int fl_store_sla_event_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
			    struct fl_store_sla_event **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(EVENT_COLUMNS) " FROM"
		" (SELECT * FROM sla_events WHERE ticket_id = ? ORDER BY id DESC LIMIT 1000) e"
		" ORDER BY id";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);
	return rc ? rc : fl_q_rows_cols(tx, st, &event_cols, a, 1000, (void **)out, n);
}
