/* The store's ordered rule sets (src/store/rulesets.c): the triggers and
 * the automations, one table each, and the version of each set that every
 * node reads before it runs what it keeps parsed. The kind
 * (rules/rule.h's FL_RULE_TRIGGER or FL_RULE_AUTOMATION; no other) picks
 * the table from the constants there, never from input. Strings are
 * copied into the arena given; conditions and actions stay JSON text
 * (reading them is rules/rule.h's). */
#ifndef FL_STORE_RULESETS_H
#define FL_STORE_RULESETS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FL_STORE_RULESET_MAX 1000 /* a desk's, all of them, of one kind */

struct fl_store_rule {
	int64_t id;
	char *title, *description;
	int active;
	int64_t position;
	char *conditions_json, *actions_json;
	int64_t created_at, updated_at;
};

/* Rule id of kind, FL_ENOTFOUND when there is none. */
int fl_store_rule_get(fl_tx *tx, int kind, int64_t id, fl_arena *a, struct fl_store_rule *out);
/* Every rule of kind (active only, when active_only) by position, then id. */
int fl_store_rule_list(fl_tx *tx, int kind, int active_only, fl_arena *a,
		       struct fl_store_rule **out, size_t *n);
/* Writes t (setting t->id), over t->id, or deletes id; each moves the
 * kind's version on. */
int fl_store_rule_insert(fl_tx *tx, int kind, struct fl_store_rule *t);
int fl_store_rule_update(fl_tx *tx, int kind, const struct fl_store_rule *t);
int fl_store_rule_delete(fl_tx *tx, int kind, int64_t id);
int fl_store_rule_set_position(fl_tx *tx, int kind, int64_t id, int64_t position);
int fl_store_rule_count(fl_tx *tx, int kind, int64_t *n);
/* The version of the kind's rules: moved on by every write above. */
int fl_store_rule_version(fl_tx *tx, int kind, int64_t *out);

#endif
