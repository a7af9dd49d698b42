/* The queries of the SLA reports (sla/report.h, src/store/sla_reports.c):
 * each reads the tickets created in [start, end) (UTC seconds) that are
 * not deleted, with what store/ticket_slas.h last measured of them.
 * Strings are copied into the arena given. */
#ifndef FL_STORE_SLA_REPORTS_H
#define FL_STORE_SLA_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"
#include "tickets/ticket.h"

/* The most rows a compliance report reads (the first, by key): a
 * thousand agents or groups times the metrics, far more than a chart
 * shows. */
#define FL_STORE_SLA_REPORT_ROWS_MAX 6000

/* One group's count of one metric: key the policy, group, agent, tier id
 * or channel (0: none; 0 for every row when by is metric), name the
 * policy's title, the group's, agent's or tier's name ("" for none or
 * gone; the channel's is the caller's), metric its API name. */
struct fl_store_sla_compliance {
	int64_t key;
	char *name;
	char *metric;
	int64_t achieved, breached;
};
/* The achieved and breached metrics (by stage) of the period's tickets,
 * by (key, metric), ordered by key then metric. by is enum fl_report_by. */
int fl_store_sla_compliance(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			    struct fl_store_sla_compliance **out, size_t *n);

/* The period's tickets no policy applied to when last measured (or never
 * measured), by key as above (one row, key 0, when by is policy or
 * metric); tickets their count. */
struct fl_store_sla_no_promise {
	int64_t key;
	char *name;
	int64_t tickets;
};
int fl_store_sla_no_promise(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			    struct fl_store_sla_no_promise **out, size_t *n);

/* Which of the period's tickets a times report reads: of group_id and of
 * a requester on tier_id, each 0 for any. */
struct fl_store_sla_report_scope {
	int64_t start, end, group_id, tier_id;
};
/* How many tickets the scope holds. */
int fl_store_sla_report_count(fl_tx *tx, const struct fl_store_sla_report_scope *s, int64_t *n);
/* The next max of them after ticket id `after`, by id, with what a
 * timeline needs (id, status, priority, channel, requester, group,
 * organization, created_at); the other fields are left 0. */
int fl_store_sla_report_tickets(fl_tx *tx, const struct fl_store_sla_report_scope *s, int64_t after,
				size_t max, fl_arena *a, struct fl_ticket **out, size_t *n);

/* One breached metric of a ticket: late is used − target on the metric's
 * own clock (business seconds when business_hours); names "" when none or
 * gone. order is the row's place in the list after breach_at (the ticket
 * id × 8 + the metric's enum fl_sla_metric), what a cursor holds. */
struct fl_store_sla_breach {
	int64_t ticket_id;
	char *subject;
	char *metric;
	int64_t breach_at, late;
	int business_hours;
	int64_t group_id, assignee_id, policy_id;
	char *group_name, *assignee_name, *policy_title;
	int64_t order;
};
/* The metrics in stage breached of the period's tickets — of metric
 * (NULL: any) and group_id (0: any) — newest breach first (then by
 * order, descending), after the row (after_key = breach_at, after_id =
 * order) when has_after; at most max. */
int fl_store_sla_breaches(fl_tx *tx, int64_t start, int64_t end, const char *metric,
			  int64_t group_id, int has_after, int64_t after_key, int64_t after_id,
			  size_t max, fl_arena *a, struct fl_store_sla_breach **out, size_t *n);

#endif
