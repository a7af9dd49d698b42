/* People: names of roles and identity types, e-mail checks, passwords,
 * merging duplicates. */
#include "users/user.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "search/query.h"
#include "store/mail.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"

static const char *const roles[FL_ROLE__MAX] = {"end-user", "agent", "admin"};
static const char *const ident_types[FL_IDENT__MAX] = {"email", "phone_number"};

/* argon2id with OWASP's minimum (19 MiB, 2 passes): strong, and small enough
 * that a few concurrent sign-ins do not exhaust a small machine. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

const char *fl_role_name(int role)
{
	return role >= 0 && role < FL_ROLE__MAX ? roles[role] : "anonymous";
}

int fl_role_parse(fl_str s)
{
	if (fl_str_eq(s, "end_user"))
		return FL_ROLE_END_USER;
	for (int i = 0; i < FL_ROLE__MAX; i++)
		if (fl_str_eq(s, roles[i]))
			return i;
	return -1;
}

const char *fl_identity_type_name(int type)
{
	return type >= 0 && type < FL_IDENT__MAX ? ident_types[type] : "unknown";
}

int fl_identity_type_parse(fl_str s)
{
	for (int i = 0; i < FL_IDENT__MAX; i++)
		if (fl_str_eq(s, ident_types[i]))
			return i;
	return -1;
}

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

int fl_user_email_ours(struct fl_tx *tx, const char *email, const char *field, struct fl_err *e)
{
	int rc = email ? fl_store_mail_own_address(tx, email) : FL_ENOTFOUND;

	if (rc == FL_ENOTFOUND)
		return 0;
	return rc ? rc : fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				    "%s: %s is the help desk's own address", field, email);
}

int fl_user_create(struct fl_tx *tx, struct fl_user *u, const char *password_hash,
		   struct fl_err *e)
{
	struct fl_identity id = {0};
	int rc;

	if ((rc = fl_user_email_ours(tx, u->email, "email", e)))
		return rc;
	u->password_hash = (char *)password_hash;
	u->created_at = u->updated_at = fl_now();
	u->active = 1;
	rc = fl_store_user_insert(tx, u);
	u->password_hash = NULL;
	if (rc == FL_ECONFLICT)
		return fl_err_set(e, FL_ECONFLICT, "email", "Taken",
				  "Email: %s is already being used by another user",
				  u->email ? u->email : "");
	if (rc)
		return rc;
	if (u->email) {
		id = (struct fl_identity){0, u->id, FL_IDENT_EMAIL, u->email, 1, 0, u->created_at};
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return fl_err_set(e, FL_ECONFLICT, "email", "Taken",
					  "Email: %s is already being used by another user",
					  u->email);
	}
	if (!rc && u->phone) {
		id = (struct fl_identity){0, u->id, FL_IDENT_PHONE, u->phone, 1, 0, u->created_at};
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return fl_err_set(e, FL_ECONFLICT, "phone", "Taken",
					  "Phone: %s is already being used by another user",
					  u->phone);
	}
	return rc;
}

int fl_user_merge(struct fl_tx *tx, const struct fl_actor *actor, int64_t from, int64_t into,
		  fl_arena *a, struct fl_user *out, struct fl_err *e)
{
	struct fl_user src;
	struct fl_filter f = {0};
	struct fl_page pg = {FL_SORT_ID, 0, 100, 0, 0, 0, 0};
	struct fl_ticket_patch p = {.has_requester = 1, .requester_id = into};
	int rc;

	if (from == into)
		return fl_err_set(e, FL_EINVAL, "id", "InvalidValue", "id: a person cannot be merged into themselves");
	if ((rc = fl_store_user_get(tx, from, a, &src)) || (rc = fl_store_user_get(tx, into, a, out)))
		return rc;
	if (src.role != FL_ROLE_END_USER || out->role != FL_ROLE_END_USER || !src.active || !out->active)
		return fl_err_set(e, FL_EINVAL, "id", "InvalidValue",
				  "id: only active end users can be merged");
	if (fl_filter_add(&f, FL_F_REQUESTER, FL_OP_EQ, from, NULL, -1))
		return FL_ENOMEM;
	/* each round moves what the last one found, so the next finds the rest */
	for (int round = 0; round < 1000; round++) {
		struct fl_ticket *found, moved;
		size_t n;
		if ((rc = fl_store_ticket_find(tx, &f, &pg, a, &found, &n)))
			return rc;
		if (!n)
			break;
		for (size_t i = 0; i < n && i < pg.limit; i++)
			if ((rc = fl_ticket_update(tx, actor, found[i].id, &p, a, &moved, e)))
				return rc;
	}
	if ((rc = fl_store_user_absorb(tx, from, into)))
		return rc;
	src.active = 0;
	src.email = NULL; /* the address is the other person's now */
	src.updated_at = fl_now();
	return fl_store_user_update(tx, &src);
}
