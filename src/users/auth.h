/* Credentials: API tokens, browser sessions and password sign-in.
 *
 * Tokens and session ids are 56 hex characters: a 16-character selector
 * that finds the row and a 40-character verifier of which only a BLAKE2b
 * hash is stored, compared in constant time. A leaked database therefore
 * holds no usable token. */
#ifndef FL_USERS_AUTH_H
#define FL_USERS_AUTH_H

#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"
#include "users/user.h"

struct fl_tx;
struct fl_job;

#define FL_SECRET_LEN 56 /* characters, without the NUL */
#define FL_CSRF_LEN 32

/* Creates an API token for user_id; writes it (NUL-terminated) to out. */
int fl_auth_token_create(struct fl_tx *tx, int64_t user_id, const char *description,
			 char out[FL_SECRET_LEN + 1]);
/* Finds the active user a token belongs to; FL_EAUTH when none. */
int fl_auth_token_check(struct fl_tx *tx, const char *token, fl_arena *a,
			struct fl_actor *out);

/* Creates a session valid for ttl seconds. */
int fl_auth_session_create(struct fl_tx *tx, int64_t user_id, int64_t ttl,
			   char cookie[FL_SECRET_LEN + 1], char csrf[FL_CSRF_LEN + 1]);
/* Checks a session cookie; on success also gives its CSRF token (in a). */
int fl_auth_session_check(struct fl_tx *tx, const char *cookie, fl_arena *a,
			  struct fl_actor *out, const char **csrf);
int fl_auth_session_delete(struct fl_tx *tx, const char *cookie);
/* The periodic job (jobs.h) that deletes expired sessions, so they never
 * pile up. */
int fl_auth_purge_job(fl_store *s, const struct fl_job *job, struct fl_err *e);
#define FL_AUTH_PURGE_PERIOD 600 /* seconds */

/* Sets a new password hash and ends the user's other sessions (all but the
 * one with keep_cookie, which may be NULL). */
int fl_auth_password_set(struct fl_tx *tx, int64_t user_id, const char *hash,
			 const char *keep_cookie);

/* Checks an e-mail and password; FL_EAUTH when they do not match an active
 * user. Takes about as long for unknown addresses as for known ones. */
int fl_auth_password_check(struct fl_tx *tx, const char *email, const char *password,
			   fl_arena *a, struct fl_actor *out);

/* Random lower-hex text of n characters (n even) into out (n+1 bytes). */
void fl_auth_random_hex(char *out, size_t n);

#endif
