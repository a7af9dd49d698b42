/* SLA policies: the promises a desk makes — how soon a ticket gets a
 * first reply, how long it may wait — and which tickets each promise is
 * for. Shapes follow Zendesk's /api/v2/slas/policies.
 *
 * A policy has a filter ({"all": [...], "any": [...]} conditions on the
 * ticket, as Zendesk's) and policy metrics: per ticket priority and
 * metric a target in minutes, counted in calendar time or in the business
 * hours of a schedule (sla/schedule.h). Policies are ordered by position
 * (1, 2, …, no gaps); a ticket's policy is the first whose filter it
 * matches (fl_sla_policy_choose), or none.
 *
 * The pure part (checks, filters, matching) knows nothing of HTTP or SQL;
 * the doors (fl_sla_policy_create …) run inside a store transaction. */
#ifndef FL_SLA_POLICY_H
#define FL_SLA_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "sla/clock.h" /* enum fl_sla_metric */
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_SLA_TITLE_MAX 255            /* bytes of UTF-8 */
#define FL_SLA_DESCRIPTION_MAX 4096     /* bytes of UTF-8 */
#define FL_SLA_MAX_CONDITIONS 32        /* in "all", and again in "any" */
#define FL_SLA_FILTER_TEXT_MAX 16384    /* a filter's JSON text, in bytes */
#define FL_SLA_POLICY_TARGET_MAX 525600 /* minutes: a year */
#define FL_SLA_MAX_POLICIES 200         /* a desk's; the list returns them all */

/* Every (priority, metric) pair once at most: the most metrics a policy has. */
#define FL_SLA_MAX_METRICS ((FL_PRIORITY__MAX - 1) * FL_SLA_METRIC__MAX)

/* The ticket fields a filter selects by, and their names in a condition. */
enum fl_sla_field {
	FL_SLA_F_PRIORITY,     /* "priority": low … urgent */
	FL_SLA_F_TYPE,         /* "type": question, incident, problem, task */
	FL_SLA_F_VIA,          /* "via": the channel the ticket came by */
	FL_SLA_F_GROUP,        /* "group_id" */
	FL_SLA_F_ORGANIZATION, /* "organization_id" */
	FL_SLA_F_REQUESTER,    /* "requester_id" */
	FL_SLA_F_ASSIGNEE,     /* "assignee_id" */
	FL_SLA_F_TAGS,         /* "tags" */
	/* facts of the customer, not of the ticket (struct fl_sla_facts) */
	FL_SLA_F_REQUESTER_TIER,    /* "requester_tier": a tier id, or null */
	FL_SLA_F_ORGANIZATION_TIER, /* "organization_tier": a tier id, or null */
	FL_SLA_F_ENTITLEMENT,       /* "entitlement": covered, expired or none */
	FL_SLA_F__MAX
};

/* Whether a service contract covers the ticket (an entitlement condition's
 * value): one in force for the requester or their organization, only ones
 * that ran out, or none at all. */
enum fl_sla_coverage {
	FL_SLA_COVERAGE_NONE,
	FL_SLA_COVERAGE_COVERED,
	FL_SLA_COVERAGE_EXPIRED,
	FL_SLA_COVERAGE__MAX
};

/* What a filter knows of a ticket beyond its own fields: who its customer
 * is. Tier ids are 0 for none; coverage is enum fl_sla_coverage. Loaded by
 * fl_sla_facts_load (sla/ticket_sla.h); all zero is a customer with no
 * tier and no contract. */
struct fl_sla_facts {
	int64_t requester_tier, organization_tier;
	int coverage;
};

enum fl_sla_op {
	FL_SLA_OP_IS,
	FL_SLA_OP_IS_NOT,
	FL_SLA_OP_LESS_THAN,    /* priority only: lower than the value */
	FL_SLA_OP_GREATER_THAN, /* priority only */
	FL_SLA_OP_INCLUDES,     /* tags only: the ticket has at least one of them */
	FL_SLA_OP_NOT_INCLUDES, /* tags only: the ticket has none of them */
	FL_SLA_OP__MAX
};

/* One condition. value is the enum of a priority, type or channel, or an
 * id (0: the ticket has none); tags holds the tags of a tags condition,
 * normalized as tickets keep them (fl_tags_normalize), in order. */
struct fl_sla_condition {
	int field, op;
	int64_t value;
	const char **tags;
	size_t ntags;
};

struct fl_sla_filter {
	struct fl_sla_condition *all, *any;
	size_t nall, nany;
};

struct fl_sla_policy_metric {
	int priority; /* enum fl_priority, never FL_PRIORITY_NONE */
	int metric;   /* enum fl_sla_metric */
	int64_t target;
	int business_hours;
};

struct fl_sla_policy {
	int64_t id;
	char *title, *description; /* description "" for none */
	int64_t position;
	struct fl_sla_filter filter;
	char *filter_json; /* the filter as stored: fl_sla_filter_text */
	struct fl_sla_policy_metric *metrics;
	size_t nmetrics;
	int64_t schedule_id; /* 0: the desk's first schedule */
	/* minutes before a breach_at at which the scheduler warns (an
	 * sla_warning event); 0: no warning */
	int64_t warning_minutes;
	int64_t created_at, updated_at;
};

const char *fl_sla_metric_name(int metric);
int fl_sla_metric_parse(fl_str s); /* -1 when unknown */
const char *fl_sla_field_name(int field);
const char *fl_sla_op_name(int op);
const char *fl_sla_coverage_name(int coverage);
/* Whether a condition on field may use op. */
int fl_sla_op_allowed(int field, int op);

/* Reads a filter's JSON text ({"all": [...], "any": [...]}, either left
 * out for none) into out, in a. Each condition is {"field", "operator",
 * "value"}: a field and operator of the enums above that go together
 * (fl_sla_op_allowed) and a value of the field's kind — a name for
 * priority, type, via and entitlement; a positive id, or null for none,
 * for the ids and tiers (requester_id is never none; whether a tier exists
 * is not asked: a deleted tier's condition matches nobody); for tags a string of tags separated by
 * spaces. FL_EINVAL naming "filter", the message naming the condition
 * ("filter.all[0]: ..."). */
int fl_sla_filter_parse(const char *json, fl_arena *a, struct fl_sla_filter *out, struct fl_err *e);
/* The filter's JSON text, compact, in a: what fl_sla_filter_parse reads
 * back to the same filter. */
int fl_sla_filter_text(const struct fl_sla_filter *f, fl_arena *a, char **out);

/* Checks p as it may be stored and sorts its metrics (by priority, then
 * metric): a title of 1..FL_SLA_TITLE_MAX bytes of UTF-8, a description
 * of at most FL_SLA_DESCRIPTION_MAX, 1..FL_SLA_MAX_METRICS metrics each
 * with a priority, a metric, a target of 1..FL_SLA_POLICY_TARGET_MAX minutes and
 * no (priority, metric) twice, schedule_id ≥ 0. FL_EINVAL naming "title",
 * "description", "policy_metrics" or "schedule_id". The filter is
 * fl_sla_filter_parse's to check; schedules are the doors'. */
int fl_sla_policy_check(struct fl_sla_policy *p, struct fl_err *e);

/* Whether ticket t, whose customer is f (NULL: all zero), meets every
 * condition of p's "all" and, when "any" has conditions, at least one of
 * them. Pure; allocates nothing. */
int fl_sla_policy_matches(const struct fl_sla_policy *p, const struct fl_ticket *t,
			  const struct fl_sla_facts *f);
/* The policy that applies to t: of the n policies (in any order), the
 * matching one with the lowest position (then the lowest id); NULL when
 * none matches. Borrowed from policies. */
const struct fl_sla_policy *fl_sla_policy_choose(const struct fl_sla_policy *policies, size_t n,
						 const struct fl_ticket *t,
						 const struct fl_sla_facts *f);
/* The metric of p for priority and metric, or NULL. */
const struct fl_sla_policy_metric *fl_sla_policy_metric(const struct fl_sla_policy *p, int priority,
							int metric);

/* The doors, inside a write transaction; nothing is written when they
 * fail. fl_sla_policy_create checks p (fl_sla_policy_check), that its
 * schedule exists (FL_EINVAL naming "schedule_id") and that a business-hours
 * metric has a schedule to count in (naming "policy_metrics": schedule_id
 * 0 needs some schedule), and writes it at position p->position (1 is
 * first; 0 or past the end is last), moving the ones after it down; sets
 * p->id, p->position and p->filter_json. fl_sla_policy_update does the same
 * over policy p->id, which the caller has read (fl_sla_policy_get), moving
 * it to p->position (past the end: last). a holds what the doors read. */
int fl_sla_policy_create(fl_tx *tx, struct fl_sla_policy *p, fl_arena *a, struct fl_err *e);
int fl_sla_policy_update(fl_tx *tx, struct fl_sla_policy *p, fl_arena *a, struct fl_err *e);
/* Deletes policy id (FL_ENOTFOUND) and closes the gap it leaves. */
int fl_sla_policy_delete(fl_tx *tx, int64_t id, fl_arena *a);
/* Puts the policies in the order of ids, which must name every policy
 * exactly once (FL_EINVAL naming "sla_policy_ids"). */
int fl_sla_policy_reorder(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a, struct fl_err *e);
/* Policy id with its filter read (FL_ENOTFOUND), and every policy in
 * order of position; in a. */
int fl_sla_policy_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_sla_policy *out);
int fl_sla_policy_list(fl_tx *tx, fl_arena *a, struct fl_sla_policy **out, size_t *n);

/* Whether schedule schedule_id may be deleted: FL_EINVAL naming "schedule"
 * (and a policy that uses it) when a policy names it, or when it is the
 * desk's only schedule and a policy with schedule_id 0 counts a metric in
 * business hours; 0 otherwise. */
int fl_sla_schedule_deletable(fl_tx *tx, int64_t schedule_id, fl_arena *a, struct fl_err *e);

#endif
