/* Passwords: argon2id hashes (libsodium), made and checked (auth/auth.h). */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "store/users.h"

/* argon2id with OWASP's minimum (19 MiB, 2 passes): strong, and small enough
 * that a few concurrent sign-ins do not exhaust a small machine. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

int fl_password_hash(const char *password, char **out, struct fl_err *e)
{
	size_t len = strlen(password);
	char *h;

	if (len < 8)
		return fl_err_set(e, FL_EINVAL, "password", "TooShort",
				  "Password: must be at least 8 characters");
	if (len > 1024)
		return fl_err_set(e, FL_EINVAL, "password", "TooLong",
				  "Password: must be at most 1024 characters");
	h = malloc(crypto_pwhash_STRBYTES);
	if (!h)
		return FL_ENOMEM;
	if (crypto_pwhash_str_alg(h, password, len, PW_OPSLIMIT, PW_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		free(h);
		return FL_ENOMEM;
	}
	*out = h;
	return 0;
}

int fl_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return FL_EAUTH;
	/* libsodium answers -1 both for a wrong password (errno EINVAL) and
	 * when Argon2 could not get its memory (errno ENOMEM): the second is
	 * a shortage to retry, not the user's mistake */
	errno = 0;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) == 0)
		return 0;
	return errno == ENOMEM ? FL_ENOMEM : FL_EAUTH;
}

int fl_password_change_check(struct fl_tx *tx, const struct fl_actor *actor, int64_t user_id,
			     const char *previous, fl_arena *a, struct fl_err *e)
{
	struct fl_user u;
	int rc;

	if (user_id != actor->id)
		return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL,
				  "You can only change your own password");
	if ((rc = fl_store_user_get(tx, user_id, a, &u)) || !u.password_hash)
		return rc;
	rc = fl_password_verify(u.password_hash, previous ? previous : "");
	if (rc == FL_EAUTH)
		return fl_err_set(e, FL_EINVAL, "previous_password", "InvalidValue",
				  "previous_password: is wrong");
	return rc;
}
