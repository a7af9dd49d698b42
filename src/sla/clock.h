/* The SLA clock of one ticket: given the ticket's timeline and the targets
 * of the one policy that applies, the state of each metric at an instant,
 * as Zendesk reports it in a ticket's `slas.policy_metrics[]` (stage,
 * breach_at, and the time used and left). Pure C over plain arrays: no
 * HTTP, no SQL, no allocation, no clock read — `now` is an argument, so the
 * live ticket, the scheduler and the what-if replay all call the same
 * function.
 *
 * The timeline. Events in time order (ties kept in array order: what the
 * array says happened first did); the first is the ticket's creation with
 * its first status. Events after `now` are not seen, so one timeline gives
 * the state at any earlier moment too. Only public comments are events:
 * an internal note answers nobody.
 *
 * Who waits. A reply is owed from the ticket's creation — unless its
 * opening comment is an agent's (an agent public comment at the creation
 * instant before any end-user comment: nobody is waiting then) — and from
 * every end-user public comment while none is owed, until the next agent
 * public comment. Solving the ticket (solved or closed) settles whatever
 * is owed. A comment that arrives while the ticket is solved counts from
 * the moment the ticket is reopened, whichever of the two the timeline
 * lists first at the same instant. Closed is final: a timeline that goes
 * on after it is read as if the ticket had been solved.
 *
 * The metrics (Zendesk's definitions; a "cycle" is one measured span):
 *
 *   first_reply_time — the first time a reply is owed, until the agent
 *     public comment that ends it. A ticket an agent opens with a public
 *     comment owes nothing, so the metric starts only at the requester's
 *     first public comment; until then it is not reported. Never paused.
 *   next_reply_time — every later time a reply is owed (the oldest
 *     unanswered end-user comment after the last agent public comment, a
 *     second end-user comment changes nothing), until the next agent
 *     public comment. Each cycle is measured; the state shows the current
 *     cycle, or the last one once it ended. Never paused.
 *   periodic_update_time — from each agent public comment to the next one,
 *     while the ticket is unsolved: an agent public comment ends the
 *     current cycle and starts another. Never paused; after solving the
 *     next cycle waits for the next agent public comment.
 *   requester_wait_time — the time spent in new, open and on-hold, added
 *     up over the ticket's life: paused while pending, ended by solving,
 *     resumed (still adding up) when the ticket is reopened.
 *   agent_work_time — the same for new and open: paused while pending or
 *     on-hold.
 *   total_resolution — from creation until solved, never paused; reopening
 *     resumes it (the time spent solved does not count).
 *
 * The first three are cycles; the last three one sum over the ticket's
 * life. Solving ends every running cycle or sum. A metric that never
 * started (no reply owed yet, no agent comment yet) has stage NONE: it is
 * not reported.
 *
 * Time used. A calendar target counts every second; a business-hours
 * target only the seconds its schedule calls business time
 * (fl_biz_elapsed of schedule.h). breach_at is the first instant at which
 * the cycle's time used reaches the target (fl_biz_add for business
 * hours), exact to the second: a cycle still running at breach_at is
 * breached, one that ends before it is achieved. A breached cycle stays
 * breached when it ends late, and in `breaches` once later cycles begin.
 * Times are in seconds; Zendesk's days, hours and minutes are the API's
 * rendering of them. */
#ifndef FL_SLA_CLOCK_H
#define FL_SLA_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sla/schedule.h"

/* No such instant: the breach_at of a metric that cannot breach now (not
 * started, paused, achieved) and the achieved_at of one not ended. */
#define FL_SLA_NEVER INT64_MAX

/* The longest target the clock measures: ten years, as far as fl_biz_add
 * looks ahead (a policy will want far less). */
#define FL_SLA_TARGET_MAX ((int64_t)3653 * 86400)

/* Zendesk's `metric`s. */
enum fl_sla_metric {
	FL_SLA_FIRST_REPLY_TIME,
	FL_SLA_NEXT_REPLY_TIME,
	FL_SLA_PERIODIC_UPDATE_TIME,
	FL_SLA_REQUESTER_WAIT_TIME,
	FL_SLA_AGENT_WORK_TIME,
	FL_SLA_TOTAL_RESOLUTION,
	FL_SLA_METRIC__MAX
};

enum fl_sla_kind {
	FL_SLA_CREATED,           /* the ticket, with its first status */
	FL_SLA_REQUESTER_COMMENT, /* a public comment by the requester or another end user */
	FL_SLA_AGENT_COMMENT,     /* a public comment by an agent */
	FL_SLA_STATUS,            /* the status changed to `status` */
	FL_SLA_KIND__MAX
};

struct fl_sla_event {
	int64_t at; /* UTC seconds */
	int kind;   /* enum fl_sla_kind */
	int status; /* enum fl_status of tickets/ticket.h, for CREATED and STATUS */
};

struct fl_sla_target {
	int metric;             /* enum fl_sla_metric */
	int64_t target_seconds; /* 1..FL_SLA_TARGET_MAX */
	int business_hours;     /* counted on the business clock, else calendar time */
};

/* Zendesk's `stage`; NONE is not reported. */
enum fl_sla_stage {
	FL_SLA_STAGE_NONE,
	FL_SLA_STAGE_ACTIVE,
	FL_SLA_STAGE_PAUSED,
	FL_SLA_STAGE_ACHIEVED,
	FL_SLA_STAGE_BREACHED,
	FL_SLA_STAGE__MAX
};

/* The API's name of a stage ("active" …); "" for NONE. */
const char *fl_sla_stage_name(int stage);

/* One metric at `now`, of its current cycle (the last one once it ended).
 * stage is BREACHED once the cycle ran to its breach_at, whether it still
 * runs, is paused or ended since. */
struct fl_sla_state {
	int metric;
	int stage;              /* enum fl_sla_stage */
	int64_t target_seconds; /* the target's, copied */
	int64_t used;           /* seconds counted of the cycle by now */
	int64_t remaining;      /* target_seconds − used: negative once breached */
	int64_t breach_at; /* ACTIVE: when it will breach; BREACHED: when it did; else FL_SLA_NEVER */
	int64_t achieved_at; /* when the cycle ended (in time or late); FL_SLA_NEVER while it runs */
	int cycles;          /* cycles started so far (0 for NONE) */
	int breaches;        /* of which breached by now */
};

/* The state of each of the n targets at `now`, in out[0..n-1] (in the
 * targets' order). Targets: at most one per metric, n ≤
 * FL_SLA_METRIC__MAX, target_seconds in 1..FL_SLA_TARGET_MAX; clock is needed when a target is
 * in business hours (else it may be NULL). Events: in time order, the
 * first FL_SLA_CREATED and no other, statuses in range. FL_EINVAL when
 * any of that does not hold (out untouched). Does not allocate; runs in
 * O(n × nev) steps, at most one fl_biz_elapsed per event and one
 * fl_biz_add per business-hours target and per breach: about 0.5 µs for 20
 * events and 6 calendar targets, 1 µs for 6 business-hours ones (-O2). */
int fl_sla_measure(const struct fl_sla_target *t, size_t n, const struct fl_bizclock *clock,
		   const struct fl_sla_event *ev, size_t nev, int64_t now,
		   struct fl_sla_state *out);

/* The earliest breach_at of a cycle still running — active, or breached
 * and not yet ended (late and unanswered: its breach_at is past, so it
 * comes first) — what lists sort by ("next breach"); FL_SLA_NEVER when
 * none runs. */
int64_t fl_sla_next_breach(const struct fl_sla_state *s, size_t n);

#endif
