/* Customer tiers: the kinds of customer an admin names (Standard, Gold,
 * VIP), in the order they list them. A person and an organization are on
 * one tier or none (tier_id 0); SLA policy filters select tickets by the
 * requester's tier and their organization's (sla/policy.h).
 *
 * The rules (names, order, how many, when a tier may go) are here; the
 * doors run inside a store transaction. */
#ifndef FL_USERS_TIER_H
#define FL_USERS_TIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#define FL_TIER_NAME_MAX 64 /* bytes of UTF-8 */
#define FL_TIERS_MAX 50     /* a desk's; the list returns them all */

struct fl_tier {
	int64_t id;
	char *name;
	int64_t position; /* 1, 2, … in the order listed */
	int64_t created_at, updated_at;
	/* active people and organizations on it (the list and show read
	 * them; 0 elsewhere) */
	int64_t users_count, organizations_count;
};

/* Checks a tier's name: 1..FL_TIER_NAME_MAX bytes of valid UTF-8, not
 * only spaces, no control characters. FL_EINVAL naming "name". */
int fl_tier_name_check(const char *name, struct fl_err *e);

/* The key two names are the same tier by, in a: name with the cases of
 * the scripts the desk speaks folded (Latin with its accents, Cyrillic,
 * Greek), so "VIP" and "vip", "Золотий" and "ЗОЛОТИЙ", "Šviesus" and
 * "ŠVIESUS" are one name. Other characters are kept as they are. */
int fl_tier_name_key(const char *name, fl_arena *a, char **out);

/* The doors, inside a write transaction; nothing is written when they
 * fail. fl_tier_create checks t's name, refuses a desk's FL_TIERS_MAX+1th
 * tier (FL_EINVAL naming "tier") and a name another tier has in any case
 * (FL_EDUPLICATE naming "name"), and writes t at t->position (1 is first;
 * 0 or past the end: last), moving the ones after it down; sets t->id and
 * t->position. fl_tier_update does the same over tier t->id (read by the
 * caller with fl_store_tier_get), moving it to t->position (0 keeps its
 * place, past the end: last). */
int fl_tier_create(fl_tx *tx, struct fl_tier *t, fl_arena *a, struct fl_err *e);
int fl_tier_update(fl_tx *tx, struct fl_tier *t, fl_arena *a, struct fl_err *e);

/* Deletes tier id (FL_ENOTFOUND when there is none), putting its people
 * and organizations on none, and closes the gap it leaves. Refused with
 * FL_EINVAL naming "id" and the policy while an SLA policy's filter names
 * the tier (a requester_tier or organization_tier condition): deleting it
 * would quietly change which tickets the policy is for. */
int fl_tier_delete(fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e);

/* 0 when tier id exists; FL_EINVAL naming field when it does not (id 0,
 * none, always exists). For the doors of people and organizations. */
int fl_tier_exists(fl_tx *tx, int64_t id, const char *field, struct fl_err *e);

#endif
