/* A ticket's SLA state, as Zendesk gives it with a ticket's include=slas:
 * the policy that applies to the ticket as it is now
 * (fl_sla_policy_choose), its targets for the ticket's priority, and each
 * target measured on the ticket's timeline (sla/clock.h) at an instant.
 *
 * The timeline is read from the ticket's audits (fl_store_sla_steps): its
 * creation with the status it was created with, every status change, and
 * every public comment, an agent's (agent or admin) or an end user's, at
 * the time of the audit that wrote it and in the audits' order. Internal
 * notes are not on it. */
#ifndef FL_SLA_TICKET_SLA_H
#define FL_SLA_TICKET_SLA_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "sla/clock.h"
#include "sla/policy.h"
#include "sla/schedule.h"
#include "store/slas.h"
#include "store/store.h"
#include "tickets/ticket.h"

/* A ticket's SLA: policy NULL (and n 0) when no policy applies or the one
 * that does has no target for the ticket's priority. metrics[0..n) are the
 * targets that started (stage not NONE), in the order of enum
 * fl_sla_metric; business_hours[i] says whether metrics[i] counts business
 * hours. */
struct fl_ticket_sla {
	const struct fl_sla_policy *policy;
	struct fl_sla_state metrics[FL_SLA_METRIC__MAX];
	int business_hours[FL_SLA_METRIC__MAX];
	size_t n;
};

/* t's timeline (sla/clock.h) from its steps, into ev (nsteps + 1 of
 * room), *nev events: its creation with the status of the first creation
 * step (t's status when there is none), then the status changes and
 * public comments, never earlier than the event before. The live clock and
 * the what-if replay (sla/simulate.c) both read tickets through it.
 * FL_EINVAL when a step names a status that does not exist. */
int fl_ticket_sla_timeline(const struct fl_ticket *t, const struct fl_store_sla_step *steps,
			   size_t nsteps, struct fl_sla_event *ev, size_t *nev);

/* Measures ticket t on its steps[0..nsteps) (fl_store_sla_steps' order) at
 * `now`, under policy p (NULL: none applies). schedule (with its holidays)
 * is the one p's business-hours targets count in; NULL when there is none,
 * and then those targets are not reported. Takes the schedule's business
 * clock from the process's (fl_bizclock_shared) when a target needs it. A
 * step after `now` is not seen; a step dated before the one before it
 * counts at that one's time. The timeline is made in a. FL_EINVAL when a
 * step names a status that does not exist; FL_ENOMEM. */
int fl_ticket_sla_measure(const struct fl_ticket *t, const struct fl_sla_policy *p,
			  const struct fl_schedule *schedule, const struct fl_store_sla_step *steps,
			  size_t nsteps, int64_t now, fl_arena *a, struct fl_ticket_sla *out);

/* The schedule p counts business hours in, with its holidays, in a: its
 * own, or the desk's first; *out NULL when there is none. */
int fl_sla_schedule_of(fl_tx *tx, const struct fl_sla_policy *p, fl_arena *a,
		       struct fl_schedule **out);

/* What t's policy filter knows of its customer (sla/policy.h): the
 * requester's tier and their organization's (t's organization_id, else
 * the requester's), and whether a service contract of either covers the
 * ticket at `now`. */
int fl_sla_facts_load(fl_tx *tx, const struct fl_ticket *t, int64_t now, struct fl_sla_facts *out);

/* The same, read from the store: the policies (fl_sla_policy_list), the
 * schedule of the chosen policy (fl_sla_schedule_of), and t's steps; in
 * a. */
int fl_ticket_sla(fl_tx *tx, const struct fl_ticket *t, int64_t now, fl_arena *a,
		  struct fl_ticket_sla *out);

#endif
