/* The store's macros (src/store/macros.c). Strings are copied into the
 * arena given; actions and group ids stay JSON text (reading them is
 * rules/macro.h's). Who may see which macro is decided there, not here. */
#ifndef FL_STORE_MACROS_H
#define FL_STORE_MACROS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FL_STORE_MACROS_MAX 5000 /* the macros one agent can see: shared and their own */

struct fl_store_macro {
	int64_t id;
	char *title, *description;
	int active;
	int64_t position;
	int64_t owner_id; /* 0: shared */
	char *group_ids;  /* JSON array text */
	char *actions_json;
	char *reply_uk, *reply_ru, *reply_lt, *reply_en; /* "" for none */
	int64_t usage_count;
	int64_t created_by, created_at, updated_at;
};

/* Macro id, FL_ENOTFOUND when there is none. */
int fl_store_macro_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_store_macro *out);
/* The shared macros and user_id's personal ones, by position then id, at
 * most FL_STORE_MACROS_MAX. */
int fl_store_macro_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_store_macro **out,
			size_t *n);
/* Writes m (setting m->id and m->position: after the last), over m->id
 * (all but position, usage and creation), or deletes id. */
int fl_store_macro_insert(fl_tx *tx, struct fl_store_macro *m);
int fl_store_macro_update(fl_tx *tx, const struct fl_store_macro *m);
int fl_store_macro_delete(fl_tx *tx, int64_t id);
/* Counts one more use of macro id. */
int fl_store_macro_used(fl_tx *tx, int64_t id);
/* The ids of the groups user_id is a member of (at most max), by id. */
int fl_store_user_group_ids(fl_tx *tx, int64_t user_id, size_t max, fl_arena *a, int64_t **out,
			    size_t *n);

#endif
