/* The SLA what-if: before a policy or a schedule change is saved, the
 * tickets of the last days replayed under the policies as they are and as
 * they would be, to show what the change would do — how many would have
 * breached each metric, compliance per group, tier and channel, and the
 * tickets whose outcome flips.
 *
 * Pure C over what the caller read: no HTTP, no SQL, no clock read. Each
 * ticket is measured with the live clock's own functions (sla/clock.h's
 * fl_sla_measure on the timeline ticket_sla.h makes of its steps, the
 * policy chosen by fl_sla_policy_choose), so a replay at `now` gives what
 * the ticket's include=slas gives at `now`. Every schedule's business
 * clock is built once per replay, not once per ticket: that is what makes
 * 100,000 tickets a matter of seconds.
 *
 * A replay is begun once (fl_sim_begin), fed tickets in batches as the
 * caller reads them (fl_sim_add) and ended (fl_sim_end); the results add
 * up in struct fl_sim as it goes. */
#ifndef FL_SLA_SIMULATE_H
#define FL_SLA_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "sla/clock.h"
#include "sla/policy.h"
#include "sla/schedule.h"
#include "store/slas.h"
#include "tickets/ticket.h"

/* The flipped tickets a replay keeps (it counts them all). */
#define FL_SIM_FLIPS_MAX 100

/* What became of one metric of one ticket at `now`. NONE: no promise (no
 * policy applies, it has no target for the metric at the ticket's
 * priority, or the metric never started); ACTIVE covers paused too. */
enum fl_sim_outcome {
	FL_SIM_NONE,
	FL_SIM_ACTIVE,
	FL_SIM_ACHIEVED,
	FL_SIM_BREACHED,
	FL_SIM_OUTCOME__MAX
};

/* What a replay compares. policies[0..npolicies) are the desk's as they
 * are (any order; each with its filter read). proposal, when not NULL, is
 * a checked policy that replaces the one with its id — or, with id 0 or
 * an id none has, is added — at its position (1 is first; below 1 or past
 * the end: last), the others keeping their order. schedules[0..nschedules)
 * are the desk's in the desk's order (a policy with schedule_id 0 counts
 * in the first), each with its holidays; schedule, when not NULL, is a
 * checked schedule that replaces the one with its id under the proposed
 * set. now is the instant every ticket is measured at. */
struct fl_sim_input {
	const struct fl_sla_policy *policies;
	size_t npolicies;
	const struct fl_sla_policy *proposal;
	const struct fl_schedule *schedules;
	size_t nschedules;
	const struct fl_schedule *schedule;
	int64_t now;
};

/* One ticket to replay: the ticket, its customer's facts and its steps as
 * fl_store_sla_steps gives them (truncated: the timeline was cut, as
 * fl_store_sla_steps_many says). */
struct fl_sim_ticket {
	const struct fl_ticket *t;
	struct fl_sla_facts facts;
	const struct fl_store_sla_step *steps;
	size_t nsteps;
	int truncated;
};

/* Per metric: the tickets for which it was measured under either set (and
 * under each), and of them how many breached. */
struct fl_sim_metric {
	int64_t measured, measured_before, measured_after;
	int64_t breached_before, breached_after;
};

/* The tickets of one group, tier or channel (id: the group or tier id, 0
 * for none; the channel's enum fl_channel), and their metrics that ended
 * achieved or breached under each set: compliance is achieved ÷ (achieved
 * + breached). */
struct fl_sim_share {
	int64_t id, tickets;
	int64_t achieved_before, breached_before, achieved_after, breached_after;
};

enum fl_sim_by { FL_SIM_BY_GROUP, FL_SIM_BY_TIER, FL_SIM_BY_CHANNEL, FL_SIM_BY__MAX };

/* A ticket's metric whose outcome flipped: met (or still running) under
 * one set and breached under the other, or promised under one and not
 * under the other. subject is a copy, in the replay's arena. */
struct fl_sim_flip {
	int64_t ticket_id;
	const char *subject;
	int metric;        /* enum fl_sla_metric */
	int before, after; /* enum fl_sim_outcome */
};

struct fl_sim_table; /* the shares by id, private */

struct fl_sim {
	/* the results, added up by fl_sim_add */
	int64_t tickets;    /* replayed */
	int64_t unmeasured; /* left out: a timeline cut short or naming an unknown status */
	int64_t no_promise_before, no_promise_after; /* tickets with no target measured */
	struct fl_sim_metric metrics[FL_SLA_METRIC__MAX];
	struct fl_sim_flip flips[FL_SIM_FLIPS_MAX]; /* the first, in the order added */
	size_t nflips;
	int64_t flips_count; /* all of them */

	/* private */
	int64_t now;
	fl_arena *a;
	const struct fl_sla_policy *set[2]; /* before, after */
	size_t nset[2];
	int *sched[2]; /* per policy of each set: the index of its schedule, or -1 */
	const struct fl_schedule *schedules;
	size_t nschedules;
	const struct fl_schedule *proposed;
	int replaced;                   /* the index of the schedule proposed over, or -1 */
	struct fl_bizclock **clocks[2]; /* built when first needed */
	struct fl_sim_table *by[FL_SIM_BY__MAX];
};

const char *fl_sim_outcome_name(int outcome); /* "none", "active", "achieved", "breached" */

/* Begins a replay of in (which must outlive it): makes the proposed set in
 * a, which holds what the replay keeps until fl_sim_end. FL_ENOMEM. */
int fl_sim_begin(struct fl_sim *s, const struct fl_sim_input *in, fl_arena *a);
/* Replays tickets[0..n) and adds up what they give; scratch holds their
 * timelines (the caller may free it after). A ticket that cannot be
 * measured (cut short, a status that does not exist) is counted in
 * unmeasured and nothing else. FL_ENOMEM, or what building a business
 * clock fails with. */
int fl_sim_add(struct fl_sim *s, const struct fl_sim_ticket *tickets, size_t n, fl_arena *scratch);
/* The shares of a replay by group, tier or channel (enum fl_sim_by),
 * ascending by id, in a. */
int fl_sim_shares(const struct fl_sim *s, int by, fl_arena *a, struct fl_sim_share **out,
		  size_t *n);
/* Frees the business clocks and the tables; s's counts stay readable. */
void fl_sim_end(struct fl_sim *s);

#endif
