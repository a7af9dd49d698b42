/* Signed links (portal/link.h). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/random.h"
#include "portal/link.h"
#include "store/settings.h"

#define KEY_HEX 64
#define MAC_BYTES 16

int fl_link_key_init(fl_tx *tx)
{
	fl_arena a;
	char *key = NULL, fresh[KEY_HEX + 1];
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, FL_LINK_KEY_SETTING, &a, &key);
	if (rc == FL_ENOTFOUND || (!rc && (!key || strlen(key) < KEY_HEX))) {
		fl_random_hex(fresh, KEY_HEX);
		rc = fl_store_setting_set(tx, FL_LINK_KEY_SETTING, fresh);
	}
	fl_arena_free(&a);
	return rc;
}

/* "A-B-EXPIRES-" into out; its length */
static int numbers(const struct fl_link *l, char out[FL_LINK_TOKEN_MAX + 1])
{
	return snprintf(out, FL_LINK_TOKEN_MAX + 1, "%" PRId64 "-%" PRId64 "-%" PRId64 "-", l->a,
			l->b, l->expires);
}

void fl_link_sign(const char *key, const char *purpose, const struct fl_link *l,
		  char out[FL_LINK_TOKEN_MAX + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	int k = numbers(l, out);

	/* the purpose ends in a line break: "csat" and "csat1" never collide,
	 * and the numbers are the token's own text, dashes included */
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"link\n", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose, strlen(purpose));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, (size_t)k);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out + k, FL_LINK_TOKEN_MAX + 1 - (size_t)k, mac, MAC_BYTES);
}

/* One decimal number (no sign, no leading zeros but "0") ending at a
 * dash; the text after the dash, or NULL. */
static const char *number(const char *p, int64_t *v)
{
	uint64_t n = 0;

	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return NULL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '-')
		return NULL;
	*v = (int64_t)n;
	return p + 1;
}

int fl_link_check(const char *key, const char *purpose, const char *token, int64_t now,
		  struct fl_link *l, struct fl_err *e)
{
	char want[FL_LINK_TOKEN_MAX + 1];
	struct fl_link got = {0};
	const char *p = token;
	size_t len;

	if (!token || !*token)
		return fl_err_set(e, FL_EINVAL, "token", "Blank",
				  "Token: missing; open the link from the mail as it came");
	len = strlen(token);
	if (len > FL_LINK_TOKEN_MAX || !key || strlen(key) < KEY_HEX || !purpose ||
	    strlen(purpose) > FL_LINK_PURPOSE_MAX || !(p = number(p, &got.a)) ||
	    !(p = number(p, &got.b)) || !(p = number(p, &got.expires)) ||
	    strlen(p) != 2 * MAC_BYTES)
		goto forged;
	fl_link_sign(key, purpose, &got, want);
	/* same length by now: the numbers were parsed back from the text signed */
	if (strlen(want) != len || sodium_memcmp(want, token, len))
		goto forged;
	if (got.expires && now >= got.expires)
		return fl_err_set(e, FL_EINVAL, "token", "Expired",
				  "Token: the link has expired; ask for a new one");
	*l = got;
	return 0;
forged:
	return fl_err_set(
		e, FL_EINVAL, "token", "InvalidValue",
		"Token: not a link this desk made; open the link from the mail as it came");
}

int fl_link_key(fl_tx *tx, fl_arena *a, char **key)
{
	int rc = fl_store_setting_get(tx, FL_LINK_KEY_SETTING, a, key);

	if (rc == FL_ENOTFOUND) {
		*key = NULL;
		return 0;
	}
	return rc;
}

int fl_link_make(fl_tx *tx, const char *purpose, const struct fl_link *l, fl_arena *a, char **token)
{
	char *key = NULL;
	int rc = fl_link_key(tx, a, &key);

	if (rc)
		return rc;
	if (!key || strlen(key) < KEY_HEX)
		return FL_EINTERNAL; /* fl_link_key_init did not run: a bug */
	if (!(*token = fl_arena_alloc(a, FL_LINK_TOKEN_MAX + 1)))
		return FL_ENOMEM;
	fl_link_sign(key, purpose, l, *token);
	return 0;
}

int fl_link_read(fl_tx *tx, const char *purpose, const char *token, int64_t now, fl_arena *a,
		 struct fl_link *l, struct fl_err *e)
{
	char *key = NULL;
	int rc = fl_link_key(tx, a, &key);

	return rc ? rc : fl_link_check(key, purpose, token, now, l, e);
}
