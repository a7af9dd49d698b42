/* Triggers: rules run on every ticket write and on SLA events, Zendesk's
 * /api/v2/triggers. Active triggers are run in order of position; each
 * fires at most once per write; after one fires the cycle starts again
 * from the top; it ends when none fires, or at FL_TRIGGER_MAX_FIRINGS
 * (an event "rules_stopped" in the ticket's audit log says so). What a
 * trigger changes is one update by the desk (FL_SYSTEM_USER_ID), its
 * audit naming the trigger (event "rule"). docs/rules.md tells the whole
 * story. */
#ifndef FL_RULES_TRIGGER_H
#define FL_RULES_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "rules/ruleset.h"
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_TRIGGER_MAX 1000       /* a desk's triggers */
#define FL_TRIGGER_MAX_FIRINGS 20 /* firings in one write's cycle */

/* Triggers are the ordered rule set fl_triggers (rules/ruleset.h): its
 * doors are fl_ruleset_*(tx, &fl_triggers, …). Create and update check,
 * beyond the title and description, that the trigger has a condition
 * (FL_EINVAL naming "conditions") and an action ("actions"), that what it
 * names exists (fl_rule_check_refs) and, when active, that it does not
 * undo an active trigger nor is undone by one (FL_EINVAL naming "actions",
 * the message naming the other). */

/* The engine, a ticket write hook (tickets/ticket.h), added in serve.c
 * after the SLA's. Never fails the customer's write for a rule's fault: an
 * action whose group, agent or webhook is gone is skipped and logged
 * ("rule_failed"). */
int fl_rules_ticket_written(fl_tx *tx, const struct fl_ticket_write *w);
/* The same for an SLA event of ticket t (sla/refresh.h's event hook):
 * triggers see update_type "sla", the event's kind and metric ("policy"
 * events are not for rules). */
int fl_rules_sla_event(fl_tx *tx, const struct fl_ticket *t, const char *kind, int metric,
		       int64_t now);
/* The same for a satisfaction rating arriving on ticket t (feedback/csat.h:
 * score FL_CSAT_GOOD or FL_CSAT_BAD), from its requester: triggers see the
 * write as a Change by an end user on the web, with "satisfaction_score"
 * set, so one can tell the team lead about a bad rating
 * ("notification_user") or open a follow-up task for them ("create_task":
 * fl_task_create by the desk, in this transaction). Nothing on a closed
 * or deleted ticket. */
int fl_rules_satisfaction(fl_tx *tx, const struct fl_ticket *t, int score, int64_t now);
/* Fires rule on ticket *cur outside the trigger cycle, as the trigger
 * engine fires a trigger: its changes one update by the desk whose audit
 * says "rule" why ("Automation 3: Close solved tickets"), then its mail,
 * comments and webhooks; what is gone is skipped and logged. The update
 * runs the ticket hooks, the triggers among them (an automation's change
 * is a write triggers see). *cur becomes the ticket after. c is what the
 * rule was matched against (c->t is replaced by *cur). */
int fl_rules_fire(fl_tx *tx, const struct fl_rule *rule, const char *why,
		  const struct fl_rule_ctx *c, struct fl_ticket *cur, fl_arena *a);
#endif
