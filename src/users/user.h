/* People and teams: end users (customers), agents, admins; organizations;
 * groups. Plain structs; strings point into the arena they were loaded into. */
#ifndef FL_USERS_USER_H
#define FL_USERS_USER_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

struct fl_tx;

enum fl_role {
	FL_ROLE_END_USER,
	FL_ROLE_AGENT,
	FL_ROLE_ADMIN,
	FL_ROLE__MAX,
	FL_ROLE_ANONYMOUS = -1 /* not signed in; only for route rows */
};

/* Who is acting: the authenticated user (id 0 and FL_ROLE_ANONYMOUS when
 * nobody is). Every domain call that reads or changes data takes one. */
struct fl_actor {
	int64_t id;
	int role;
};

enum fl_identity_type { FL_IDENT_EMAIL, FL_IDENT_PHONE, FL_IDENT__MAX };

struct fl_identity {
	int64_t id, user_id;
	int type;
	char *value;
	int primary, verified;
	int64_t created_at;
};

struct fl_user {
	int64_t id;
	int role;
	char *name;
	char *email; /* primary e-mail, lower case; NULL when none */
	char *phone; /* primary phone; NULL when none */
	int64_t organization_id;
	char *locale;
	char *time_zone;
	char *notes, *details;
	char *tags;  /* JSON array text */
	char *password_hash; /* only loaded for authentication */
	int must_change_password;
	int active;
	int suspended;
	int64_t created_at, updated_at, last_login_at;
};

struct fl_org {
	int64_t id;
	char *name, *details, *notes;
	char *domain_names; /* JSON array text */
	char *tags;         /* JSON array text */
	int64_t created_at, updated_at;
};

struct fl_group {
	int64_t id;
	char *name, *description;
	int deleted;
	int64_t created_at, updated_at;
};

const char *fl_role_name(int role);
int fl_role_parse(fl_str s); /* -1 when unknown; accepts "end-user" and "end_user" */
const char *fl_identity_type_name(int type);
int fl_identity_type_parse(fl_str s);

/* Hashes a password with argon2id (libsodium); *out is malloc'd. Passwords
 * are 8 to 1024 bytes. */
int fl_password_hash(const char *password, char **out, struct fl_err *e);
/* 0 when password matches hash, FL_EAUTH otherwise (constant time in the
 * password); FL_ENOMEM when Argon2 could not get its memory. */
int fl_password_verify(const char *hash, const char *password);

/* 0 when email (lower case; NULL: none) may be someone's; FL_EINVAL with
 * field named when it is one of the help desk's own addresses (the
 * outgoing mail's, an IMAP mailbox's: a customer there would be mailed by
 * us in a loop). */
int fl_user_email_ours(struct fl_tx *tx, const char *email, const char *field, struct fl_err *e);

/* Creates a user with its primary e-mail and phone as identities;
 * FL_EINVAL with field "email" when the address is ours
 * (fl_user_email_ours), FL_ECONFLICT with field "email" when taken. password_hash comes from
 * fl_password_hash, computed before the write transaction so that the slow
 * hash never holds the writer; NULL for no password. */
int fl_user_create(struct fl_tx *tx, struct fl_user *u, const char *password_hash,
		   struct fl_err *e);

/* Merges end user from into end user into, as actor: every ticket from
 * requested moves to into (an audit each, so the trail says who did it),
 * from's e-mail addresses, phone numbers and CCs become into's, and from is
 * deactivated. *out gets into. */
int fl_user_merge(struct fl_tx *tx, const struct fl_actor *actor, int64_t from, int64_t into,
		  fl_arena *a, struct fl_user *out, struct fl_err *e);

#endif
