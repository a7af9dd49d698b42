/* The store's triggers (src/store/triggers.c) and the version of the
 * rules every node reads before it runs what it keeps parsed. Strings are
 * copied into the arena given; conditions and actions stay JSON text
 * (reading them is rules/rule.h's). */
#ifndef FL_STORE_TRIGGERS_H
#define FL_STORE_TRIGGERS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FL_STORE_TRIGGERS_MAX 1000 /* a desk's, all of them */

struct fl_store_trigger {
	int64_t id;
	char *title, *description;
	int active;
	int64_t position;
	char *conditions_json, *actions_json;
	int64_t created_at, updated_at;
};

/* Trigger id, FL_ENOTFOUND when there is none. */
int fl_store_trigger_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_store_trigger *out);
/* Every trigger (active only, when active_only) by position, then id. */
int fl_store_trigger_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_store_trigger **out,
			  size_t *n);
/* Writes t (setting t->id), over t->id, or deletes id; each moves the
 * triggers' version on. */
int fl_store_trigger_insert(fl_tx *tx, struct fl_store_trigger *t);
int fl_store_trigger_update(fl_tx *tx, const struct fl_store_trigger *t);
int fl_store_trigger_delete(fl_tx *tx, int64_t id);
int fl_store_trigger_set_position(fl_tx *tx, int64_t id, int64_t position);
int fl_store_trigger_count(fl_tx *tx, int64_t *n);
/* The version of the triggers: moved on by every write above. */
int fl_store_trigger_version(fl_tx *tx, int64_t *out);

/* The ids of the active agents and admins of group group_id, at most max,
 * by id (a rule's mail to a group). */
int fl_store_group_agent_ids(fl_tx *tx, int64_t group_id, size_t max, fl_arena *a, int64_t **out,
			     size_t *n);

#endif
