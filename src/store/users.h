/* The store's queries for people (src/store/users.c): users and their
 * identities, organizations, groups, API tokens and browser sessions. */
#ifndef FL_STORE_USERS_H
#define FL_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "users/user.h"

/* an agent's preferences (users/prefs.h): one row a choice made; the
 * value of user_id's preference name, FL_ENOTFOUND when never chosen */
int fl_store_pref_get(fl_tx *tx, int64_t user_id, const char *name, fl_arena *a, char **value);
int fl_store_pref_set(fl_tx *tx, int64_t user_id, const char *name, const char *value);

/* users and identities */
int fl_store_user_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_user *out);
int fl_store_user_by_email(fl_tx *tx, const char *email, fl_arena *a, struct fl_user *out);
int fl_store_user_insert(fl_tx *tx, struct fl_user *u);
int fl_store_user_update(fl_tx *tx, const struct fl_user *u);
int fl_store_user_set_password(fl_tx *tx, int64_t id, const char *hash, int must_change);
int fl_store_user_touch_login(fl_tx *tx, int64_t id, int64_t when);
/* Which active users a list shows; a zero member matches everyone. */
struct fl_user_filter {
	unsigned roles;          /* a bit (1u << role) for each role wanted */
	int64_t org_id;          /* members of this organization */
	const char *external_id; /* exactly this external id */
	const char *email;       /* this address, primary or another identity */
	const char *text;        /* name or e-mail holds this */
};
/* The users f picks, by id, limit from offset (*n of them, in a), and
 * how many f picks in all (*total). */
int fl_store_user_list(fl_tx *tx, const struct fl_user_filter *f, size_t offset, size_t limit,
		       fl_arena *a, struct fl_user **out, size_t *n, int64_t *total);
int fl_store_identity_add(fl_tx *tx, struct fl_identity *id);
/* Gives user from's identities and ticket CCs to user into; the tickets
 * whose CCs change are stamped as written at now. */
int fl_store_user_absorb(fl_tx *tx, int64_t from, int64_t into, int64_t now);
int fl_store_identity_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_identity **out,
			   size_t *n);
int fl_store_user_count(fl_tx *tx, int64_t *n);

/* The user, and the organization, whose external id is external_id in any
 * case (an id names one of each); FL_ENOTFOUND when none. */
int fl_store_user_by_external_id(fl_tx *tx, const char *external_id, int64_t *id);
int fl_store_org_by_external_id(fl_tx *tx, const char *external_id, int64_t *id);

/* organizations and groups */
int fl_store_org_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_org *out);
int fl_store_org_insert(fl_tx *tx, struct fl_org *o);
int fl_store_org_update(fl_tx *tx, const struct fl_org *o);
int fl_store_org_delete(fl_tx *tx, int64_t id);
/* Organizations whose name holds text and whose external id is
 * external_id (each NULL: any), by id, limit from offset. */
int fl_store_org_list(fl_tx *tx, const char *text, const char *external_id, size_t offset,
		      size_t limit, fl_arena *a, struct fl_org **out, size_t *n, int64_t *total);
int fl_store_group_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out);
int fl_store_group_insert(fl_tx *tx, struct fl_group *g);
/* The live group called name; FL_ENOTFOUND when none. */
int fl_store_group_by_name(fl_tx *tx, const char *name, int64_t *id);
int fl_store_group_update(fl_tx *tx, const struct fl_group *g);
int fl_store_group_list(fl_tx *tx, size_t offset, size_t limit, fl_arena *a, struct fl_group **out,
			size_t *n, int64_t *total);
int fl_store_group_member_add(fl_tx *tx, int64_t group_id, int64_t user_id);

/* API tokens and browser sessions: a public selector finds the row, the
 * caller compares the verifier hash in constant time. */
struct fl_secret_row {
	int64_t id, user_id;
	char *verifier; /* hex hash */
	char *csrf;     /* sessions only */
	int64_t expires_at;
};
int fl_store_token_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *verifier,
			  const char *description, int64_t *id);
int fl_store_token_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_secret_row *out);
struct fl_token_info {
	int64_t id, user_id, created_at;
	char *description;
};
/* The tokens of user_id (0: everyone's), newest first, at most 1000. */
int fl_store_token_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_token_info **out,
			size_t *n);
/* Deletes token id if it belongs to user_id (0: anyone); FL_ENOTFOUND if not. */
int fl_store_token_delete(fl_tx *tx, int64_t id, int64_t user_id);
int fl_store_session_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *verifier,
			    const char *csrf, int64_t expires_at);
int fl_store_session_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_secret_row *out);
int fl_store_session_delete(fl_tx *tx, const char *selector);
/* Deletes sessions that expired before now. */
int fl_store_session_purge(fl_tx *tx, int64_t now);
/* Ends every session of user_id but the one with keep_selector (may be NULL). */
int fl_store_session_delete_user(fl_tx *tx, int64_t user_id, const char *keep_selector);

#endif
