#include "auth/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/random.h"
#include "core/time.h"
#include "store/jobs.h"
#include "store/store.h"
#include "store/users.h"

#define SELECTOR_LEN 16

static void verifier_hash(const char *verifier, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)verifier, strlen(verifier), NULL, 0);
	fl_hex(out, h, sizeof h);
}

/* Splits a secret into selector and verifier; -1 when it has the wrong shape. */
static int split(const char *secret, char sel[SELECTOR_LEN + 1], const char **verifier)
{
	if (!secret || strlen(secret) != FL_SECRET_LEN)
		return -1;
	for (const char *p = secret; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	memcpy(sel, secret, SELECTOR_LEN);
	sel[SELECTOR_LEN] = 0;
	*verifier = secret + SELECTOR_LEN;
	return 0;
}

static int user_actor(struct fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_actor *out)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, user_id, a, &u);
	if (rc == FL_ENOTFOUND || (!rc && (!u.active || u.suspended)))
		return FL_EAUTH;
	if (rc)
		return rc;
	*out = (struct fl_actor){u.id, u.role, u.must_change_password};
	return 0;
}

int fl_auth_token_create(struct fl_tx *tx, int64_t user_id, const char *description,
			 char out[FL_SECRET_LEN + 1])
{
	char secret[FL_SECRET_LEN + 1], sel[SELECTOR_LEN + 1], hash[65];
	const char *verifier;
	int64_t id;
	int rc;

	fl_random_hex(secret, FL_SECRET_LEN);
	split(secret, sel, &verifier);
	verifier_hash(verifier, hash);
	rc = fl_store_token_insert(tx, user_id, sel, hash, description, &id);
	if (!rc)
		memcpy(out, secret, sizeof secret);
	return rc;
}

static int check_secret(const struct fl_secret_row *row, const char *verifier)
{
	char hash[65];
	verifier_hash(verifier, hash);
	if (!row->verifier || strlen(row->verifier) != 64)
		return FL_EAUTH;
	return sodium_memcmp(hash, row->verifier, 64) == 0 ? 0 : FL_EAUTH;
}

int fl_auth_token_check(struct fl_tx *tx, const char *token, fl_arena *a, struct fl_actor *out)
{
	char sel[SELECTOR_LEN + 1];
	const char *verifier;
	struct fl_secret_row row;
	int rc;

	if (split(token, sel, &verifier))
		return FL_EAUTH;
	rc = fl_store_token_find(tx, sel, a, &row);
	if (rc)
		return rc == FL_ENOTFOUND ? FL_EAUTH : rc;
	if (check_secret(&row, verifier))
		return FL_EAUTH;
	return user_actor(tx, row.user_id, a, out);
}

int fl_auth_session_create(struct fl_tx *tx, int64_t user_id, int64_t ttl,
			   char cookie[FL_SECRET_LEN + 1], char csrf[FL_CSRF_LEN + 1])
{
	char secret[FL_SECRET_LEN + 1], sel[SELECTOR_LEN + 1], hash[65], token[FL_CSRF_LEN + 1];
	const char *verifier;
	int rc;

	fl_random_hex(secret, FL_SECRET_LEN);
	fl_random_hex(token, FL_CSRF_LEN);
	split(secret, sel, &verifier);
	verifier_hash(verifier, hash);
	rc = fl_store_session_insert(tx, user_id, sel, hash, token, fl_now() + ttl);
	if (!rc) {
		memcpy(cookie, secret, sizeof secret);
		memcpy(csrf, token, sizeof token);
	}
	return rc;
}

int fl_auth_session_check(struct fl_tx *tx, const char *cookie, fl_arena *a, struct fl_actor *out,
			  const char **csrf)
{
	char sel[SELECTOR_LEN + 1];
	const char *verifier;
	struct fl_secret_row row;
	int rc;

	if (split(cookie, sel, &verifier))
		return FL_EAUTH;
	rc = fl_store_session_find(tx, sel, a, &row);
	if (rc)
		return rc == FL_ENOTFOUND ? FL_EAUTH : rc;
	if (row.expires_at <= fl_now() || check_secret(&row, verifier))
		return FL_EAUTH;
	rc = user_actor(tx, row.user_id, a, out);
	if (!rc)
		*csrf = row.csrf;
	return rc;
}

static int tx_purge(fl_tx *tx, void *arg)
{
	(void)arg;
	return fl_store_session_purge(tx, fl_now());
}

int fl_auth_purge_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	int rc = fl_store_write(s, tx_purge, NULL);
	(void)job;
	return rc ? fl_err_set(e, rc, NULL, NULL, "purging expired sessions failed") : 0;
}

int fl_auth_session_delete(struct fl_tx *tx, const char *cookie)
{
	char sel[SELECTOR_LEN + 1];
	const char *verifier;
	if (split(cookie, sel, &verifier))
		return 0;
	return fl_store_session_delete(tx, sel);
}

int fl_auth_password_set(struct fl_tx *tx, int64_t user_id, const char *hash, int must_change,
			 const char *keep_cookie)
{
	char sel[SELECTOR_LEN + 1];
	const char *verifier;
	int rc = fl_store_user_set_password(tx, user_id, hash, must_change);

	if (rc)
		return rc;
	return fl_store_session_delete_user(tx, user_id,
					    split(keep_cookie, sel, &verifier) ? NULL : sel);
}

/* A fixed hash to verify against when the address is unknown, so that the
 * answer takes as long either way. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char *h;
	if (fl_password_hash("not a real password", &h, NULL) == 0) {
		memcpy(dummy, h, strlen(h) + 1);
		free(h);
	}
}

int fl_auth_password_check(struct fl_tx *tx, const char *email, const char *password, fl_arena *a,
			   struct fl_actor *out)
{
	struct fl_user u;
	char addr[256];
	int rc;

	pthread_once(&dummy_once, make_dummy);
	if (strlen(email) >= sizeof addr)
		return FL_EAUTH;
	memcpy(addr, email, strlen(email) + 1);
	if (fl_email_normalize(addr)) {
		fl_password_verify(dummy, password);
		return FL_EAUTH;
	}
	rc = fl_store_user_by_email(tx, addr, a, &u);
	if (rc == FL_ENOTFOUND || (!rc && !u.password_hash)) {
		fl_password_verify(dummy, password);
		return FL_EAUTH;
	}
	if (rc)
		return rc;
	if ((rc = fl_password_verify(u.password_hash, password)) == FL_ENOMEM)
		return rc;
	if (rc || !u.active || u.suspended)
		return FL_EAUTH;
	*out = (struct fl_actor){u.id, u.role, u.must_change_password};
	return 0;
}
