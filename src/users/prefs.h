/* An agent's preferences: the workspace's per-agent choices, each a name
 * with a closed set of values and a default.
 *
 * The set is fixed here, so the API refuses a name or value it does not
 * know with a 422 naming it, and a choice never made reads as its default.
 * Stored one row a choice (store/users.h). */
#ifndef FL_USERS_PREFS_H
#define FL_USERS_PREFS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct fl_tx;

enum fl_pref {
	FL_PREF_DENSITY,      /* the ticket lists: "comfortable" or "compact" */
	FL_PREF_AFTER_SUBMIT, /* on the ticket page: "stay" or "next" ticket of the queue */
	FL_PREF__N
};

/* value[i] is preference i's value; NULL in a change leaves it as it is. */
struct fl_prefs {
	const char *value[FL_PREF__N];
};

const char *fl_pref_name(enum fl_pref p);

/* The index of the preference called name, or FL_EINVAL naming
 * "preferences.<name>" in e. */
int fl_pref_find(const char *name, struct fl_err *e);

/* FL_EINVAL naming "preferences.<name>" and the values allowed when value
 * is not one of preference p's. */
int fl_pref_check(enum fl_pref p, const char *value, struct fl_err *e);

/* Every preference of user_id: the stored choice, else the default. */
int fl_prefs_get(struct fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_prefs *out);

/* Stores the non-NULL values of change (checked by fl_pref_check). */
int fl_prefs_set(struct fl_tx *tx, int64_t user_id, const struct fl_prefs *change,
		 struct fl_err *e);

#endif
