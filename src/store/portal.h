/* The store's portal queries (src/store/portal.c): customers' sign-in links. */
#ifndef FL_STORE_PORTAL_H
#define FL_STORE_PORTAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Sign-in links e-mailed to customers (auth/magic.h): the selector finds
 * the row, the caller compares the hash in constant time. */
struct fl_magic_row {
	int64_t id, user_id;
	char *token_hash; /* hex */
	int64_t expires_at;
	int64_t used_at; /* 0: not used */
};
int fl_store_magic_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *token_hash,
			  int64_t created_at, int64_t expires_at);
int fl_store_magic_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_magic_row *out);
/* Marks link id used at now; FL_ENOTFOUND when it was used already. */
int fl_store_magic_use(fl_tx *tx, int64_t id, int64_t now);
/* Deletes the links that expired by now. */
int fl_store_magic_purge(fl_tx *tx, int64_t now);

#endif
