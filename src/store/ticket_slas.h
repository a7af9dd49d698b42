/* Each ticket's SLA as last measured, and its SLA log (schema 19,
 * src/store/ticket_slas.c). Written by sla/refresh.c in the transaction
 * of every ticket write and by the scheduler; read by lists, the scheduler
 * and reports. Times are UTC seconds; 0 stands for "none" (stored NULL)
 * wherever an instant may not exist. Strings are copied into the arena. */
#ifndef FL_STORE_TICKET_SLAS_H
#define FL_STORE_TICKET_SLAS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

/* A ticket's row: the policy chosen (0: none applies), the soonest breach
 * of an active metric and the instant the scheduler must next look;
 * measured_at, the measurement that last changed the row or its metrics
 * (one that finds them the same writes nothing). */
struct fl_store_ticket_sla {
	int64_t ticket_id, policy_id;
	int64_t next_breach_at, next_event_at;
	int64_t measured_at;
};

/* One started metric, as sla/clock.h measured it: metric and stage by
 * their API names. */
struct fl_store_sla_metric {
	int64_t ticket_id;
	char *metric;
	int64_t policy_id;
	int business_hours;
	int64_t target; /* seconds */
	char *stage;
	int64_t breach_at, achieved_at; /* 0: none */
	int64_t used, cycles, breaches;
	char *policy_title; /* read only: the policy's title, "" when it is gone */
};

/* Whether x and y say the same of the same metric (the policy title
 * aside). */
int fl_store_sla_metric_same(const struct fl_store_sla_metric *x,
			     const struct fl_store_sla_metric *y);

/* The most metric rows a ticket has (one per metric). */
#define FL_STORE_SLA_METRICS_MAX 8

/* FL_ENOTFOUND when the ticket was never measured. */
int fl_store_ticket_sla_get(fl_tx *tx, int64_t ticket_id, struct fl_store_ticket_sla *out);
/* The rows of the tickets ids[0..n) (n ≤ 100, ascending) that were
 * measured, by ticket id, into *out (in a). */
int fl_store_ticket_sla_get_many(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
				 struct fl_store_ticket_sla **out, size_t *nout);
/* Writes row (replacing the ticket's) and replaces its metrics with
 * m[0..n). */
int fl_store_ticket_sla_put(fl_tx *tx, const struct fl_store_ticket_sla *row,
			    const struct fl_store_sla_metric *m, size_t n);
/* The same, given that the ticket's metrics are old[0..nold) now (as
 * fl_store_ticket_sla_metrics read them in this transaction): writes only
 * the metrics that differ and deletes those gone. */
int fl_store_ticket_sla_update(fl_tx *tx, const struct fl_store_ticket_sla *row,
			       const struct fl_store_sla_metric *m, size_t n,
			       const struct fl_store_sla_metric *old, size_t nold);
/* Forgets a ticket's SLA (a deleted ticket): its row and metrics. */
int fl_store_ticket_sla_delete(fl_tx *tx, int64_t ticket_id);
/* The tickets whose next_event_at is at or before now, soonest first, at
 * most max (ascending by next_event_at), into ids (in a). Uses the index:
 * nothing due costs one probe, however many tickets there are. */
int fl_store_ticket_sla_due(fl_tx *tx, int64_t now, size_t max, fl_arena *a, int64_t **ids,
			    size_t *n);
/* The metric rows of the tickets ids[0..n) (n ≤ 100), by ticket then
 * metric name. */
int fl_store_ticket_sla_metrics(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
				struct fl_store_sla_metric **out, size_t *nout);

/* One entry of a ticket's SLA log. kind: policy, warning, breached,
 * achieved; metric NULL and cycle 0 for a policy change. */
struct fl_store_sla_event {
	int64_t id, ticket_id;
	char *kind, *metric;
	int64_t cycle, policy_id, previous_policy_id; /* 0: none */
	int64_t at, fired_at;
};
/* Adds ev unless the ticket's log already has that kind for that metric's
 * cycle (a policy change is always added): *added says which, ev->id is
 * set when it was. */
int fl_store_sla_event_add(fl_tx *tx, struct fl_store_sla_event *ev, int *added);
/* A ticket's log, oldest first: its last 1000 entries. */
int fl_store_sla_event_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
			    struct fl_store_sla_event **out, size_t *n);

#endif
