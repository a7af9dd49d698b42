/* Automations: rules run by time, Zendesk's /api/v2/automations — the
 * trigger's sibling on the same model (rules/rule.h). Conditions read
 * hours since the ticket entered its status, was created, updated,
 * assigned, last written by its requester or assignee, or last breached
 * an SLA, in calendar or business hours; a periodic pass over the tickets
 * not closed gives each active automation, in order of position, the
 * tickets it matches. Each acts on a ticket at most once a window (the
 * instant its clock started: a ticket that goes pending anew starts a new
 * one), recorded in the pass's transaction, so a retried pass or a second
 * node never acts twice. What it does is done as a trigger does it
 * (fl_rules_fire): one update by the desk whose audit names it. The
 * story is in docs/rules.md. */
#ifndef FL_RULES_AUTOMATION_H
#define FL_RULES_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "jobs/jobs.h"
#include "rules/rule.h"
#include "rules/ruleset.h"
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_AUTOMATION_MAX 500          /* a desk's automations */
#define FL_AUTOMATION_BATCH 2000       /* tickets a transaction of the pass */
#define FL_AUTOMATION_TICK_DEFAULT 300 /* seconds between passes */

/* Automations are the ordered rule set fl_automations (rules/ruleset.h):
 * its doors are fl_ruleset_*(tx, &fl_automations, …). Create and update
 * check, beyond the title and description, that the automation has a
 * time condition (FL_EINVAL naming "conditions") and an action
 * ("actions"), that its actions change something its conditions check or
 * a time condition is "is" (true once: else it would act on every pass;
 * "actions"), and that what it names exists. */

/* The ticket write hook that keeps the clocks the ticket row does not:
 * when it entered its status, was assigned, was last written by its
 * requester and by its assignee (store/automations.h). Added in serve.c. */
int fl_automations_ticket_written(fl_tx *tx, const struct fl_ticket_write *w);

/* What one pass did. */
struct fl_automation_pass {
	int64_t tickets;    /* tickets looked at */
	int64_t candidates; /* … whose row left an automation possible (loaded) */
	int64_t fired;      /* firings: an automation acting on a ticket */
};

/* One pass at instant now over the live tickets not closed,
 * FL_AUTOMATION_BATCH a write transaction; progress (NULL: none) is told
 * the last ticket id done and the largest. What a rule cannot do is
 * logged on the ticket (fl_rules_fire); a storage failure ends the pass
 * (the batches before it stand, and the next pass goes on). */
int fl_automations_run(fl_store *s, int64_t now, void (*progress)(void *, int64_t, int64_t),
		       void *progress_arg, struct fl_automation_pass *out, struct fl_err *e);

/* The periodic job "automations" (its period: the config's
 * automation_tick): one pass now. */
int fl_automations_job(fl_store *s, const struct fl_job *job, struct fl_err *e);

#endif
