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

struct fl_ticket;

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
/* A ticket's clocks (ticket_clocks): when its status last changed, when it
 * was last assigned, when its requester and its assignee last wrote. A
 * ticket with no row has moved none since it was created: each is then
 * what fl_store_ticket_clocks_created says, and that is how the pass reads
 * it too (fl_store_auto_scan). */
enum {
	FL_STORE_CLOCK_STATUS,
	FL_STORE_CLOCK_ASSIGNED,
	FL_STORE_CLOCK_REQUESTER,
	FL_STORE_CLOCK_ASSIGNEE,
	FL_STORE_CLOCKS
};
/* The clocks of ticket t as its creation left them: its status's and,
 * when it had one, its assignment's from created_at; the requester's when
 * they filed it, the assignee's when they did; else 0. */
void fl_store_ticket_clocks_created(const struct fl_ticket *t, int64_t out[FL_STORE_CLOCKS]);
/* Moves a ticket's clocks on: a new row takes first; an existing one
 * takes each nonzero value of moved. */
int fl_store_ticket_clocks_set(fl_tx *tx, int64_t ticket_id, const int64_t first[FL_STORE_CLOCKS],
			       const int64_t moved[FL_STORE_CLOCKS]);

#endif
