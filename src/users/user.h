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

/* Ranked: a route row's role is the least one allowed (http/http.h), and
 * the store keeps the rank (schema 39), so the order is part of the data.
 * A viewer is someone outside support who reads the dashboards and the
 * customers' comments in them, and changes nothing. */
enum fl_role {
	FL_ROLE_END_USER,
	FL_ROLE_VIEWER,
	FL_ROLE_AGENT,
	FL_ROLE_ADMIN,
	FL_ROLE__MAX,
	FL_ROLE_ANONYMOUS = -1 /* not signed in; only for route rows */
};

/* The desk itself (store schema 23): the author of what rules, automatic
 * assignment and reminders do. Inactive: in no list, signs in nowhere. */
#define FL_SYSTEM_USER_ID (-1)

/* Who is acting: the authenticated user (id 0 and FL_ROLE_ANONYMOUS when
 * nobody is). Every domain call that reads or changes data takes one. */
struct fl_actor {
	int64_t id;
	int role;
	int must_change_password; /* a one-time password: http/auth.c lets
				   * a session do nothing else until it is changed */
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
	int64_t tier_id; /* users/tier.h; 0: none */
	char *locale;
	char *time_zone;
	char *notes, *details;
	char *tags;          /* JSON array text */
	char *external_id;   /* another system's key for this person; NULL when none */
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
	char *external_id;  /* another system's key; NULL when none */
	int64_t tier_id;    /* users/tier.h; 0: none */
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

/* 0 when email (lower case; NULL: none) may be someone's; FL_EINVAL with
 * field named when it is one of the help desk's own addresses (the
 * outgoing mail's, an IMAP mailbox's: a customer there would be mailed by
 * us in a loop). */
int fl_user_email_ours(struct fl_tx *tx, const char *email, const char *field, struct fl_err *e);

/* Creates a user with its primary e-mail and phone as identities;
 * FL_EINVAL with field "email" when the address is ours
 * (fl_user_email_ours), FL_EDUPLICATE with field "email" (or "phone") when
 * taken: a 422 DuplicateValue, as Zendesk answers. password_hash comes
 * from fl_password_hash (auth/auth.h), computed before the write
 * transaction so that the slow hash never holds the writer; NULL for no
 * password. */
int fl_user_create(struct fl_tx *tx, struct fl_user *u, const char *password_hash,
		   struct fl_err *e);

/* A change to a person, as the API asks for it: each has_ member says
 * whether its field was given (a given NULL clears it). Strings are the
 * caller's; email is lower case (fl_email_normalize). */
struct fl_user_patch {
	const char *name, *phone, *locale, *time_zone, *notes, *details, *external_id;
	const char *tags; /* JSON array text */
	char *email;
	const char *password;      /* who may set one is checked here; the hash is password_hash */
	const char *password_hash; /* fl_password_hash's, made before the write; NULL: none */
	int role;
	int64_t organization_id;
	int64_t tier_id; /* 0: none */
	int has_name, has_email, has_phone, has_locale, has_time_zone, has_notes, has_details,
		has_tags, has_external_id, has_role, has_organization, has_password, has_tier;
};

/* 0 when actor may ask for p, without the store: FL_EFORBIDDEN naming
 * "password" unless an admin sets it, naming "role" unless an admin makes
 * someone an agent or an admin; when creating, FL_EINVAL naming "name"
 * when it is blank and "email" for an agent or admin without one. Cheap:
 * callers check before hashing a password. */
int fl_user_patch_check(const struct fl_actor *actor, const struct fl_user_patch *p, int creating,
			struct fl_err *e);

/* 0 when actor may change u: agents may only edit end users (and
 * themselves), FL_EFORBIDDEN otherwise; admins anyone. */
int fl_user_may_edit(const struct fl_actor *actor, const struct fl_user *u, struct fl_err *e);

/* Checks an identity's value for its type, in place: 1 to 254 bytes, an
 * e-mail lower-cased (fl_email_normalize); FL_EINVAL naming field. */
int fl_identity_check(struct fl_identity *id, const char *field, struct fl_err *e);

/* Creates the person p describes, as actor (fl_user_patch_check): an end
 * user unless p gives a role, in p's organization (FL_EINVAL naming
 * "organization_id" when there is none such), on p's tier (FL_EINVAL
 * naming "tier_id" when there is none such), with p's e-mail and phone as
 * primary identities and the nmore identities of more (fl_identity_check'ed
 * by the caller; one equal to the primary e-mail is skipped) as further
 * ones. FL_EDUPLICATE naming "email", "phone" or "identities" when an
 * address or number is someone else's; FL_EINVAL when an address is ours.
 * *out gets the stored user, strings in a. */
int fl_user_add(struct fl_tx *tx, const struct fl_actor *actor, const struct fl_user_patch *p,
		const struct fl_identity *more, size_t nmore, fl_arena *a, struct fl_user *out,
		struct fl_err *e);

/* Changes person id as p says, as actor (fl_user_patch_check,
 * fl_user_may_edit): a blank name is FL_EINVAL; a new e-mail becomes a
 * further identity (FL_EDUPLICATE when someone else's) and the primary
 * address; an unknown organization or tier is FL_EINVAL. The password is not set
 * here (fl_auth_password_set). *out gets the stored user. */
int fl_user_edit(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		 const struct fl_user_patch *p, fl_arena *a, struct fl_user *out, struct fl_err *e);

/* Person id as actor may see them: FL_ENOTFOUND for a deactivated person
 * unless actor is an admin. */
int fl_user_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_user *out);

/* Deactivates person id (the API's DELETE): FL_ECONFLICT when actor is id
 * (you cannot delete yourself). *out gets the person as now stored. */
int fl_user_deactivate(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		       struct fl_user *out, struct fl_err *e);

/* Adds identity id (fl_identity_check'ed) to person id->user_id as actor
 * (fl_user_may_edit): FL_EINVAL naming "value" for one of our addresses,
 * FL_EDUPLICATE naming "value" when someone has it. Sets id->id and
 * created_at. */
int fl_identity_add(struct fl_tx *tx, const struct fl_actor *actor, struct fl_identity *id,
		    fl_arena *a, struct fl_err *e);

/* Merges end user from into end user into, as actor: every ticket from
 * requested moves to into (an audit each, so the trail says who did it),
 * from's e-mail addresses, phone numbers and CCs become into's, and from is
 * deactivated. *out gets into. */
int fl_user_merge(struct fl_tx *tx, const struct fl_actor *actor, int64_t from, int64_t into,
		  fl_arena *a, struct fl_user *out, struct fl_err *e);

/* Organizations (users/org.c). A change as the API asks for it: each has_
 * member says whether its field was given. */
struct fl_org_patch {
	const char *name, *details, *notes, *external_id;
	const char *domain_names, *tags; /* JSON array text */
	int64_t tier_id;                 /* 0: none */
	int has_name, has_details, has_notes, has_external_id, has_domains, has_tags, has_tier;
};
/* Creates the organization p describes: FL_EINVAL naming "name" when it is
 * missing or blank, FL_EDUPLICATE naming "name" when it is taken, FL_EINVAL
 * naming "tier_id" when its tier does not exist. *out gets it. */
int fl_org_add(struct fl_tx *tx, const struct fl_org_patch *p, struct fl_org *out,
	       struct fl_err *e);
/* Changes organization id as p says (the same checks); *out gets it, in a. */
int fl_org_edit(struct fl_tx *tx, int64_t id, const struct fl_org_patch *p, fl_arena *a,
		struct fl_org *out, struct fl_err *e);
/* Deletes organization id; FL_ENOTFOUND when there is none. */
int fl_org_remove(struct fl_tx *tx, int64_t id, fl_arena *a);

/* Groups of agents (users/group.c), changed the same way. */
struct fl_group_patch {
	const char *name, *description;
	int has_name, has_description;
};
/* Creates a group: FL_EINVAL naming "name" when it is missing or blank,
 * FL_EDUPLICATE naming "name" when a group has it. *out gets it. */
int fl_group_add(struct fl_tx *tx, const struct fl_group_patch *p, struct fl_group *out,
		 struct fl_err *e);
/* Changes group id as p says (the same checks); *out gets it, in a. */
int fl_group_edit(struct fl_tx *tx, int64_t id, const struct fl_group_patch *p, fl_arena *a,
		  struct fl_group *out, struct fl_err *e);
/* Marks group id deleted (its tickets keep naming it); *out gets it. */
int fl_group_remove(struct fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out);

/* An external id names one user, and one organization (org set),
 * whatever its case, as Zendesk keeps it: *out gets the id to store (NULL
 * for none or ""); FL_EDUPLICATE naming external_id when another than self
 * has it. */
int fl_external_id_check(struct fl_tx *tx, int org, const char *given, int64_t self, char **out,
			 struct fl_err *e);

#endif
