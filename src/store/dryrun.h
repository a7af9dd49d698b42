/* The history a dry run replays (rules/dryrun.h): the live tickets written
 * since a time, each as it stands now with its audits since then, streamed
 * one ticket at a time in ticket order so that a month of a large desk
 * never sits in memory at once. */
#ifndef FL_STORE_DRYRUN_H
#define FL_STORE_DRYRUN_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tickets/ticket.h"

#define FL_STORE_HISTORY_AUDITS 1000 /* a ticket's audits in one window: the newest */

/* What to read beyond the ticket's fields and its audits' events: only
 * what the rule's conditions and actions need. */
enum { FL_HISTORY_TAGS = 1, FL_HISTORY_COMMENTS = 2 };

struct fl_store_update {
	struct fl_audit *au;
	int author_role; /* the author's role now */
	char *comment;   /* with FL_HISTORY_COMMENTS: the update's comment, or NULL */
	int comment_public;
};

/* Called once a ticket: t as it stands now (its tags only with
 * FL_HISTORY_TAGS), u its audits since `since`, oldest first, all in a
 * (freed after the call). A non-zero return stops the scan and is
 * returned. */
typedef int (*fl_store_history_fn)(void *arg, const struct fl_ticket *t,
				   const struct fl_store_update *u, size_t n, fl_arena *a);

/* Streams the live tickets updated since `since` (seconds) with their audits
 * since then, in ticket order. */
int fl_store_history_scan(fl_tx *tx, int64_t since, int what, fl_store_history_fn fn, void *arg);

#endif
