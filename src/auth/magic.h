/* Signing in by e-mailed link, for customers who have no password.
 *
 * A customer asks for a link with their e-mail address; when an active end
 * user has it, a token of 32 random bytes (unpadded base64url, 43
 * characters) is made and mailed as {public_url}/portal/signin#token=TOKEN — in
 * the fragment, which browsers never send, so no server log sees it. Only
 * the token's BLAKE2b-256 hash is stored: its first 16 hex digits find the
 * row and the whole is compared in constant time (with no mail relay the
 * mail, link and all, is kept in the outbox for an admin to pass on:
 * mail/outbound.h). A link works once, for
 * FL_MAGIC_TTL seconds; taking it opens a session as a password does.
 * Plain C over the store: nothing here knows HTTP or SQL. */
#ifndef FL_AUTH_MAGIC_H
#define FL_AUTH_MAGIC_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "users/user.h"

#define FL_MAGIC_TTL (15 * 60)
#define FL_MAGIC_TOKEN_LEN 43 /* characters, without the NUL */

/* A new token, NUL-terminated, from libsodium's random bytes. */
void fl_magic_token_new(char out[FL_MAGIC_TOKEN_LEN + 1]);

/* In a write transaction: when an active, unsuspended end user has email
 * (normalized), stores token for them, expiring FL_MAGIC_TTL from now,
 * deletes every expired link, and queues the mail with the link under the
 * desk's public URL (portal/site.h: a setting, never the request's host)
 * in lang when it is one of ours (uk, ru, lt, en), else in the user's
 * (mailed through the relay, or kept in the outbox for an admin when
 * there is none: mail/outbound.h). *made says whether a link was made: 0, and
 * nothing written, for an address nobody may sign in with. FL_ENOTFOUND
 * when no public URL is set. */
int fl_magic_link_create(fl_tx *tx, const char *email, const char *token, const char *lang,
			 fl_arena *a, int *made);

/* In a write transaction: takes the link of token, once. FL_EAUTH with e
 * saying why (field "token", reason "Invalid", "Expired" or "Used") when
 * no link has it, it expired, it was taken already, or its user may no
 * longer sign in (deactivated, suspended, no longer an end user). Else it
 * is marked used and *u (in a) is its user. */
int fl_magic_link_redeem(fl_tx *tx, const char *token, fl_arena *a, struct fl_user *u,
			 struct fl_err *e);

#endif
