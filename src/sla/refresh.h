/* Each ticket's SLA kept measured (store/ticket_slas.h), and the events of
 * its clock fired once.
 *
 * A ticket's SLA changes in two ways. Its writes change it — a reply
 * achieves a metric, a status pauses one, a new priority or group may
 * choose another policy — so every write refreshes it in the write's own
 * transaction (fl_sla_ticket_written, a tickets' write hook added by
 * serve.c): lists sorted by the next breach and the scheduler read what
 * the ticket is now, never a stale copy. And time changes it: a target
 * runs out with nobody touching the ticket. For that each ticket's row
 * keeps next_event_at, the next instant its state changes by itself (a
 * warning due, a breach), in an index; the scheduler (fl_sla_tick) takes
 * the rows that are due, refreshes them, and so fires the events.
 *
 * Events. A cycle of a metric is warned about (warning_minutes before its
 * breach_at, when the policy has a warning), breached or achieved (met in
 * time) once: the store's unique key on (ticket, metric, cycle, kind)
 * decides, so two nodes or a job run twice cannot fire one twice. A change
 * of the policy chosen for a ticket by one of its writes is logged too.
 * Each event fired is in the ticket's SLA log (sla_events) and published as
 * a live event "ticket.sla" once its transaction commits.
 *
 * After a policy or schedule changes, fl_sla_recompute re-measures the
 * open tickets in batches without firing anything from the past (quiet):
 * a new promise is not a flood of events about tickets that could not
 * have known it. */
#ifndef FL_SLA_REFRESH_H
#define FL_SLA_REFRESH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/jobs.h"
#include "store/store.h"
#include "tickets/ticket.h"

/* Measures t as written at now, stores the result and fires the events
 * due. A promise that cannot be measured (a zone gone from the tz
 * database, a timeline past the step cap) is stored as no metrics and
 * logged: it never fails the ticket's write. A deleted ticket's SLA is
 * forgotten. */
int fl_sla_refresh_ticket(fl_tx *tx, const struct fl_ticket *t, int64_t now);
/* The same as a ticket write hook (tickets/ticket.h). */
int fl_sla_ticket_written(fl_tx *tx, const struct fl_ticket_write *w);

/* Told of each SLA event fired for ticket t ("policy", "warning",
 * "breached" or "achieved"; metric an enum fl_sla_metric, -1 for a
 * policy event), in the transaction that fired it, after the ticket's SLA
 * row is stored; never for what a quiet recompute finds. An error fails
 * the write that fired it. Set once at startup (serve.c: the triggers);
 * none by default. */
typedef int (*fl_sla_event_fn)(fl_tx *tx, const struct fl_ticket *t, const char *kind, int metric,
			       int64_t now);
void fl_sla_set_event_hook(fl_sla_event_fn fn);

/* The scheduler's tick: refreshes at most max tickets whose next event is
 * due at now, soonest first; *n says how many (max means there may be
 * more). Nothing due costs one index probe. */
int fl_sla_tick(fl_tx *tx, int64_t now, size_t max, size_t *n);

/* Whose tickets a recompute measures: everyone's (requester_id 0), or one
 * customer's (a change of their tier or contracts). An organization's
 * change is everyone's: its tier and contracts reach the tickets of its
 * people under any organization, and a recompute skips unchanged tickets. */
struct fl_sla_whose {
	int64_t requester_id;
};

/* Re-measures, quietly, the tickets of w (NULL: everyone's) after id
 * `after` (by id), at most max of them (≤ FL_STORE_SLA_MANY_MAX); *last is
 * the last id looked at, *n how many were; *n < max means the end was
 * reached. Solved and closed
 * tickets are measured too (their achieved and breached metrics are what
 * reports read). */
int fl_sla_recompute(fl_tx *tx, const struct fl_sla_whose *w, int64_t after, size_t max,
		     int64_t now, int64_t *last, size_t *n);

/* The jobs (jobs/jobs.h). "sla-tick", periodic every sla_tick seconds
 * (core/config.h, 10 by default): fl_sla_tick in the transaction that marks the job done, so an
 * event fires once even when a runner dies mid-tick; a tick that found
 * more than it may take in one transaction queues the next at once.
 * "sla-recompute": every ticket, in transactions of FL_SLA_RECOMPUTE_BATCH,
 * each committed on its own — a recompute stopped half-way leaves every
 * ticket measured either before or after, and the job taken again starts
 * over. fl_sla_recompute_later queues one for w (NULL: everyone's), two
 * seconds from now — one for all the changes of a second — in the
 * transaction of the change that needs it: a
 * policy, a schedule or its holidays, a tier, an organization's tier or
 * contracts for everyone's tickets; a customer's tier or contracts for
 * theirs. */
#define FL_SLA_TICK_MAX 500
#define FL_SLA_RECOMPUTE_BATCH 1000
int fl_sla_tick_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e);
int fl_sla_recompute_job(fl_store *s, const struct fl_job *job, struct fl_err *e);
int fl_sla_recompute_later(fl_tx *tx, const struct fl_sla_whose *w);
/* The same at instant `at` (a contract that starts or ends on a day to
 * come changes its owner's coverage then). */
int fl_sla_recompute_at(fl_tx *tx, const struct fl_sla_whose *w, int64_t at);

#endif
