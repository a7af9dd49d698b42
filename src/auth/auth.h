/* Credentials: passwords (auth/password.c), API tokens, browser sessions
 * and password sign-in (auth/auth.c). Customers' e-mailed sign-in links are
 * auth/magic.h; the API's sign-in, sessions and tokens auth/auth_api.h;
 * reading a request's credentials stays with the server (http/auth.c).
 *
 * Tokens and session ids are 56 hex characters: a 16-character selector
 * that finds the row and a 40-character verifier of which only a BLAKE2b
 * hash is stored, compared in constant time. A leaked database therefore
 * holds no usable token. */
#ifndef FL_AUTH_AUTH_H
#define FL_AUTH_AUTH_H

#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"
#include "users/user.h"

struct fl_tx;
struct fl_job;

#define FL_SECRET_LEN 56 /* characters, without the NUL */
#define FL_CSRF_LEN 32

/* Hashes a password with argon2id (libsodium); *out is malloc'd. Passwords
 * are 8 to 1024 bytes: FL_EINVAL naming "password" (TooShort, TooLong). */
int fl_password_hash(const char *password, char **out, struct fl_err *e);
/* 0 when password matches hash, FL_EAUTH otherwise (constant time in the
 * password); FL_ENOMEM when Argon2 could not get its memory. */
int fl_password_verify(const char *hash, const char *password);
/* Whether actor may change user_id's password, giving previous as the
 * current one: FL_EFORBIDDEN unless it is actor's own; FL_EINVAL naming
 * "previous_password" when previous does not match (a person without a
 * password needs none); FL_ENOMEM as fl_password_verify. */
int fl_password_change_check(struct fl_tx *tx, const struct fl_actor *actor, int64_t user_id,
			     const char *previous, fl_arena *a, struct fl_err *e);

/* Creates an API token for user_id; writes it (NUL-terminated) to out. */
int fl_auth_token_create(struct fl_tx *tx, int64_t user_id, const char *description,
			 char out[FL_SECRET_LEN + 1]);
/* Finds the active user a token belongs to; FL_EAUTH when none. */
int fl_auth_token_check(struct fl_tx *tx, const char *token, fl_arena *a, struct fl_actor *out);

/* Creates a session valid for ttl seconds. */
int fl_auth_session_create(struct fl_tx *tx, int64_t user_id, int64_t ttl,
			   char cookie[FL_SECRET_LEN + 1], char csrf[FL_CSRF_LEN + 1]);
/* Checks a session cookie; on success also gives its CSRF token (in a). */
int fl_auth_session_check(struct fl_tx *tx, const char *cookie, fl_arena *a, struct fl_actor *out,
			  const char **csrf);
int fl_auth_session_delete(struct fl_tx *tx, const char *cookie);
/* The periodic job (jobs.h) that deletes expired sessions, so they never
 * pile up. */
int fl_auth_purge_job(fl_store *s, const struct fl_job *job, struct fl_err *e);
#define FL_AUTH_PURGE_PERIOD 600 /* seconds */

/* Sets a new password hash, marked must-change when must_change is 1 (an
 * administrator's reset: frontline user password), and ends the user's
 * sessions but the one with keep_cookie (NULL: every one). API tokens
 * stay. */
int fl_auth_password_set(struct fl_tx *tx, int64_t user_id, const char *hash, int must_change,
			 const char *keep_cookie);

/* Checks an e-mail and password; FL_EAUTH when they do not match an active
 * user. Takes about as long for unknown addresses as for known ones. */
int fl_auth_password_check(struct fl_tx *tx, const char *email, const char *password, fl_arena *a,
			   struct fl_actor *out);

#endif
