/* Merging tickets: the same customer writing twice about one thing is the
 * commonest duplicate a desk has. Zendesk's "merge tickets into target
 * ticket", done in the caller's one transaction through fl_ticket_update:
 *
 * - each source gets the source comment and is closed, tagged
 *   closed_by_merge, its event log saying "merged_into" the target;
 * - the target gets the target comment (one paragraph per source: its id,
 *   its subject and its last public comment), the sources' CCs and
 *   followers, and the sources' requesters as CCs where they are not the
 *   target's; its event log says "merged_from" the sources;
 * - the customers are told once: when the target comment is public, by it
 *   alone (it reaches the target's requester and its CCs, who now include
 *   the sources' requesters); otherwise each source requester by the first
 *   public source comment they get, and nobody twice. */
#ifndef FL_TICKETS_MERGE_H
#define FL_TICKETS_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "tickets/ticket.h"

#define FL_MERGE_MAX_SOURCES 5 /* Zendesk merges at most five at once */

/* What a merge asks for. Strings are borrowed from the caller. */
struct fl_merge {
	int64_t sources[FL_MERGE_MAX_SOURCES];
	size_t nsources;
	/* NULL: the standard text, in the language of the requester it is
	 * for ("This request was closed and merged into request #N …") */
	const char *source_comment, *target_comment;
	/* has_*: given; not given, a source comment is public, and the target
	 * comment is public only when every source has the target's
	 * requester (another customer's words are not shown to this one) */
	int source_public, target_public, has_source_public, has_target_public;
	int channel; /* where the agent did it (the audits' via) */
};

/* Merges m's sources into ticket target as actor (an agent), as
 * tickets/merge.h tells, in tx; *out is the target after it, in arena.
 * Refused with nothing written: FL_EFORBIDDEN for an end user; FL_ENOTFOUND
 * naming "id" or "ids" for a ticket that does not exist or that actor may
 * not see; FL_EINVAL naming "ids" for no source, more than
 * FL_MERGE_MAX_SOURCES, one listed twice, the target itself, or a closed
 * one, and naming "id" for a closed target. */
int fl_ticket_merge(struct fl_tx *tx, const struct fl_actor *actor, int64_t target,
		    const struct fl_merge *m, fl_arena *arena, struct fl_ticket *out,
		    struct fl_err *e);

#endif
