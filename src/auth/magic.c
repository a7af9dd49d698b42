/* Sign-in links (auth/magic.h tells the rules). */
#include "auth/magic.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "mail/outbound.h"
#include "portal/portal.h"
#include "portal/site.h"
#include "store/portal.h"
#include "store/users.h"

#define TOKEN_BYTES 32
#define SELECTOR_LEN 16

void fl_magic_token_new(char out[FL_MAGIC_TOKEN_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, FL_MAGIC_TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

/* The hex BLAKE2b-256 of the token's bytes; -1 for anything not shaped as
 * our tokens are. */
static int token_hash(const char *token, char hex[65])
{
	unsigned char raw[TOKEN_BYTES], h[32];
	size_t n = 0;

	if (!token || strlen(token) != FL_MAGIC_TOKEN_LEN ||
	    sodium_base642bin(raw, sizeof raw, token, FL_MAGIC_TOKEN_LEN, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof raw)
		return -1;
	crypto_generichash(h, sizeof h, raw, sizeof raw, NULL, 0);
	fl_hex(hex, h, sizeof h);
	return 0;
}

int fl_magic_link_create(fl_tx *tx, const char *email, const char *token, const char *lang,
			 fl_arena *a, int *made)
{
	struct fl_user u;
	char hex[65], selector[SELECTOR_LEN + 1], link[600], *base;
	int64_t now = fl_now();
	int rc = fl_store_user_by_email(tx, email, a, &u);

	*made = 0;
	if (rc == FL_ENOTFOUND || (!rc && (!u.active || u.suspended || u.role != FL_ROLE_END_USER)))
		return 0;
	if (rc || (rc = fl_site_url(tx, a, &base)))
		return rc;
	if (token_hash(token, hex))
		return FL_EINTERNAL;
	memcpy(selector, hex, SELECTOR_LEN);
	selector[SELECTOR_LEN] = 0;
	if ((size_t)snprintf(link, sizeof link, "%s/portal/signin#token=%s", base, token) >=
	    sizeof link)
		return FL_EINTERNAL;
	if ((rc = fl_store_magic_purge(tx, now)) ||
	    (rc = fl_store_magic_insert(tx, u.id, selector, hex, now, now + FL_MAGIC_TTL)) ||
	    (rc = fl_mail_queue_signin(tx, u.id, fl_portal_lang(lang, u.locale), link)))
		return rc;
	*made = 1;
	return 0;
}

static int refuse(struct fl_err *e, const char *reason, const char *msg)
{
	return fl_err_set(e, FL_EAUTH, "token", reason, "%s", msg);
}

int fl_magic_link_redeem(fl_tx *tx, const char *token, fl_arena *a, struct fl_user *u,
			 struct fl_err *e)
{
	static const char invalid[] = "This sign-in link is not valid; ask for a new one";
	struct fl_magic_row row;
	struct fl_user who;
	char hex[65], selector[SELECTOR_LEN + 1];
	int64_t now = fl_now();
	int rc;

	if (token_hash(token, hex))
		return refuse(e, "Invalid", invalid);
	memcpy(selector, hex, SELECTOR_LEN);
	selector[SELECTOR_LEN] = 0;
	rc = fl_store_magic_find(tx, selector, a, &row);
	if (rc == FL_ENOTFOUND || (!rc && (!row.token_hash || strlen(row.token_hash) != 64 ||
					   sodium_memcmp(row.token_hash, hex, 64) != 0)))
		return refuse(e, "Invalid", invalid);
	if (rc)
		return rc;
	if (row.used_at)
		return refuse(e, "Used", "This sign-in link was used already; ask for a new one");
	if (row.expires_at <= now)
		return refuse(e, "Expired", "This sign-in link has expired; ask for a new one");
	rc = fl_store_magic_use(tx, row.id, now);
	if (rc == FL_ENOTFOUND) /* taken since we read it */
		return refuse(e, "Used", "This sign-in link was used already; ask for a new one");
	if (rc)
		return rc;
	rc = fl_store_user_get(tx, row.user_id, a, &who);
	if (rc == FL_ENOTFOUND ||
	    (!rc && (!who.active || who.suspended || who.role != FL_ROLE_END_USER)))
		return refuse(e, "Invalid", invalid);
	if (!rc)
		*u = who;
	return rc;
}
