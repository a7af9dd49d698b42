/* The store's part of the automations (src/store/automations.c; their
 * rows and version are store/rulesets.h's): what their pass
 * reads of the tickets, the firings that make each act once a window,
 * and the tickets' clocks. Strings are copied into the arena given;
 * conditions and actions stay JSON text (reading them is rules/rule.h's). */
#ifndef FL_STORE_AUTOMATIONS_H
#define FL_STORE_AUTOMATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A ticket as the automations' pass first sees it: the columns its
 * conditions may read without loading the ticket, and the clocks
 * (rules/rule.h's enum fl_rule_clock; 0: not started). */
struct fl_store_auto_row {
	int64_t id;
	int status, priority, type, channel;
	int64_t requester_id, assignee_id, group_id, organization_id;
	int64_t clocks[7];
};

/* Up to max live tickets after id `after`, by id, whose status is
 * between lo and hi (closed ones never: nothing acts on a closed
 * ticket); with the last SLA breach when breaches is set (a correlated
 * read the pass does without otherwise). */
int fl_store_auto_scan(fl_tx *tx, int64_t after, int lo, int hi, int breaches, size_t max,
		       fl_arena *a, struct fl_store_auto_row **out, size_t *n);
/* Records that automation_id acted on ticket_id in window; *added is 0
 * when it had already (the key decides, across passes and nodes). */
int fl_store_automation_fired(fl_tx *tx, int64_t automation_id, int64_t ticket_id, int64_t window,
			      int64_t now, int *added);
/* Moves a ticket's clocks on: each nonzero value replaces the kept one. */
int fl_store_ticket_clocks_set(fl_tx *tx, int64_t ticket_id, int64_t status_at, int64_t assigned_at,
			       int64_t requester_updated_at, int64_t assignee_updated_at);

#endif
