/* What the store reads for the triggers' actions (src/store/triggers.c);
 * the triggers' own rows and version are store/rulesets.h's. */
#ifndef FL_STORE_TRIGGERS_H
#define FL_STORE_TRIGGERS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The ids of the active agents and admins of group group_id, at most max,
 * by id (a rule's mail to a group). */
int fl_store_group_agent_ids(fl_tx *tx, int64_t group_id, size_t max, fl_arena *a, int64_t **out,
			     size_t *n);

#endif
