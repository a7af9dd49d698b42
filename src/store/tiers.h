/* The store's customer tiers (src/store/tiers.c) and the tiers of a
 * ticket's customer. Strings returned are copied into the arena given. */
#ifndef FL_STORE_TIERS_H
#define FL_STORE_TIERS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "users/tier.h"

/* Tier id with its counts (active people, organizations); FL_ENOTFOUND
 * when there is none. */
int fl_store_tier_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_tier *out);
/* Every tier (at most FL_TIERS_MAX) by position, then id, with counts
 * when counts is set (each an index range: no rows are read). */
int fl_store_tier_list(fl_tx *tx, int counts, fl_arena *a, struct fl_tier **out, size_t *n);
int fl_store_tier_count(fl_tx *tx, int64_t *n);
/* Whether tier id exists: FL_ENOTFOUND when not. */
int fl_store_tier_exists(fl_tx *tx, int64_t id);
/* Writes t with the name key key (fl_tier_name_key), setting t->id;
 * FL_ECONFLICT when another tier has that key. */
int fl_store_tier_insert(fl_tx *tx, struct fl_tier *t, const char *key);
/* Writes t's name, key, position and updated_at over tier t->id;
 * FL_ECONFLICT as insert. */
int fl_store_tier_update(fl_tx *tx, const struct fl_tier *t, const char *key);
int fl_store_tier_set_position(fl_tx *tx, int64_t id, int64_t position);
/* Puts tier id's people and organizations on no tier, stamped as changed
 * at now, and deletes it. */
int fl_store_tier_delete(fl_tx *tx, int64_t id, int64_t now);

/* The tier (0: none) of person requester_id, and of organization_id when
 * that is not 0, else of the person's organization: one read by primary
 * keys. Zeros when the person does not exist. */
int fl_store_tier_of_customer(fl_tx *tx, int64_t requester_id, int64_t organization_id,
			      int64_t *requester_tier, int64_t *organization_tier);

#endif
