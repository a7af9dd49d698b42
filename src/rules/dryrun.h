/* The dry run: an unsaved rule evaluated against the desk's real history,
 * changing nothing. POST /api/v2/triggers/dry_run (rules/dryrun_api.c).
 *
 * The history is the audits: each update's "after" is rebuilt from the
 * ticket as it stands now by undoing, newest first, the Change events of
 * the updates since (each holds value and previous_value); its "before" is
 * the one before that; a Create audit has none. The replay itself is pure
 * C over one ticket's audits (fl_dryrun_replay); the store streams them
 * (store/dryrun.h).
 *
 * What a trigger sees in the replay is the ticket right after the
 * customer's or agent's write, before the other triggers of that write
 * ran: the unsaved trigger is evaluated alone. The desk's own rule writes
 * (audits with a "rule" event and the rule logs) are not updates a
 * trigger runs on, and are skipped. SLA events are not replayed.
 *
 * Automations (on time) are to be replayed the same way, evaluated at each
 * hour of the window over the ticket as it stood then: fl_dryrun_state_at
 * gives that state from the same rebuilt history. */
#ifndef FL_RULES_DRYRUN_H
#define FL_RULES_DRYRUN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "rules/rule.h"
#include "tickets/ticket.h"

#define FL_DRYRUN_DAYS_MAX 90
#define FL_DRYRUN_DAYS_DEFAULT 30
#define FL_DRYRUN_LISTED 500 /* hits listed; the total counts them all */

/* One update of a ticket as the store gives it. */
struct fl_dryrun_audit {
	int64_t id, author_id;
	int author_role; /* enum fl_role of the author now */
	int channel;     /* of the update: current_via_id */
	int64_t created_at;
	const struct fl_event *events;
	size_t nevents;
	const char *comment; /* the update's comment, or NULL (or not read) */
	int comment_public;
};

/* One update the rule would have fired on, and what it would have done. */
struct fl_dryrun_hit {
	int64_t ticket_id, audit_id, at;
	const struct fl_ticket *t;       /* after the update */
	const struct fl_ticket_patch *p; /* the changes (those that change t) */
	const struct fl_rule_effect *fx;
	size_t nfx;
};

typedef int (*fl_dryrun_hit_fn)(void *arg, const struct fl_dryrun_hit *h);

/* Replays rule r (a trigger) over one ticket: now is the ticket as it
 * stands, au its audits since the window began, oldest first. For each
 * update r matches whose actions would change the ticket or do something
 * (mail, a note, a webhook), calls fn, oldest first; fn's non-zero return
 * stops the replay and is returned. base is the rule context's template
 * (in_hours, facts); its ticket, before and the write's facts are set
 * here. Everything is in a. */
int fl_dryrun_replay(const struct fl_rule *r, const struct fl_rule_ctx *base,
		     const struct fl_ticket *now, const struct fl_dryrun_audit *au, size_t n,
		     fl_arena *a, fl_dryrun_hit_fn fn, void *arg);

/* The ticket as it stood right after audit au[k] (k < n), rebuilt from
 * now as above; k == n is now. In a. */
int fl_dryrun_state_at(const struct fl_ticket *now, const struct fl_dryrun_audit *au, size_t n,
		       size_t k, fl_arena *a, struct fl_ticket *out);

/* Whether audit au is one of the desk's own rule writes. */
int fl_dryrun_is_rule_write(const struct fl_dryrun_audit *au);

#endif
