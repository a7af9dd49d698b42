/* The store's SLA policies and their metrics (src/store/slas.c). Strings
 * and arrays returned are copied into the arena given. The filter is kept
 * as its JSON text (filter_json); reading it is sla/policy.h's. */
#ifndef FL_STORE_SLAS_H
#define FL_STORE_SLAS_H

#include <stddef.h>
#include <stdint.h>

#include "sla/policy.h"
#include "store/store.h"

/* Policy id with its metrics (by priority, then metric) and filter_json;
 * filter left empty. FL_ENOTFOUND when there is none. */
int fl_store_sla_policy_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_sla_policy *out);
/* Every policy (at most FL_SLA_MAX_POLICIES) by position, then id, each
 * as fl_store_sla_policy_get reads it. */
int fl_store_sla_policy_list(fl_tx *tx, fl_arena *a, struct fl_sla_policy **out, size_t *n);
/* The ids of every policy by position, then id. */
int fl_store_sla_policy_ids(fl_tx *tx, fl_arena *a, int64_t **out, size_t *n);
/* Writes p (checked) and its metrics, setting p->id. */
int fl_store_sla_policy_insert(fl_tx *tx, struct fl_sla_policy *p);
/* Writes p's title, description, filter_json, schedule_id and updated_at
 * over policy p->id, and replaces its metrics with p's. */
int fl_store_sla_policy_update(fl_tx *tx, const struct fl_sla_policy *p);
int fl_store_sla_policy_set_position(fl_tx *tx, int64_t id, int64_t position);
/* Deletes policy id with its metrics. */
int fl_store_sla_policy_delete(fl_tx *tx, int64_t id);
/* The title (in a) of the first policy, by position, that uses schedule
 * schedule_id: names it, or — when only is set — has schedule_id 0 and a
 * business-hours metric. FL_ENOTFOUND when none does. */
int fl_store_sla_policy_using(fl_tx *tx, int64_t schedule_id, int only, fl_arena *a, char **title);

/* The most steps of a ticket's timeline read (a ticket's first 1000 audits
 * hold at most this many status changes and comments in practice). */
#define FL_STORE_SLA_STEPS_MAX 4000

/* One step of a ticket's SLA timeline, as its audits recorded it: a
 * status set at creation (kind FL_EVENT_CREATE) or changed (FL_EVENT_CHANGE),
 * status its name; or a public comment (FL_EVENT_COMMENT), role its
 * author's (enum fl_role; an author gone reads as an end user). */
struct fl_store_sla_step {
	int64_t at; /* the audit's time */
	int kind;   /* enum fl_event_kind */
	char *status;
	int role;
};
/* Ticket ticket_id's steps in the order its audits recorded them (audit,
 * then event), at most FL_STORE_SLA_STEPS_MAX; in a. */
int fl_store_sla_steps(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_store_sla_step **out,
		       size_t *n);

/* The timelines of many tickets at once, for the replays that measure
 * thousands (the what-if, the recompute after a policy change): for each
 * of ids[0..n) (ascending, at most FL_STORE_SLA_MANY_MAX) its steps as
 * fl_store_sla_steps gives them, into out[i] (steps NULL and n 0 for a
 * ticket without any), in a. A ticket past FL_STORE_SLA_STEPS_MAX steps
 * has truncated set (its timeline is not measured). A few queries for the
 * whole batch, never one per ticket. */
#define FL_STORE_SLA_MANY_MAX 1000
struct fl_store_sla_timeline {
	struct fl_store_sla_step *steps;
	size_t n;
	int truncated;
};
int fl_store_sla_steps_many(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a,
			    struct fl_store_sla_timeline *out);

#endif
