/* People: names of roles and identity types, e-mail checks, who may change
 * whom, creating and changing people and their identities, merging
 * duplicates (users/user.h). Passwords are auth/password.c's. */
#include "users/user.h"

#include <string.h>

#include "core/time.h"
#include "store/mail.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/filter.h"
#include "tickets/ticket.h"
#include "users/tier.h"

static const char *const roles[FL_ROLE__MAX] = {"end-user", "viewer", "agent", "admin"};
static const char *const ident_types[FL_IDENT__MAX] = {"email", "phone_number"};

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

int fl_user_email_ours(struct fl_tx *tx, const char *email, const char *field, struct fl_err *e)
{
	int rc = email ? fl_store_mail_own_address(tx, email) : FL_ENOTFOUND;

	if (rc == FL_ENOTFOUND)
		return 0;
	return rc ? rc
		  : fl_err_set(e, FL_EINVAL, field, "InvalidValue",
			       "%s: %s is the help desk's own address", field, email);
}

/* FL_EDUPLICATE naming field: value is someone else's. */
static int taken(struct fl_err *e, const char *field, const char *label, const char *value)
{
	return fl_err_set(e, FL_EDUPLICATE, field, "DuplicateValue",
			  "%s: %s is already being used by another user", label, value);
}

int fl_external_id_check(struct fl_tx *tx, int org, const char *given, int64_t self, char **out,
			 struct fl_err *e)
{
	int64_t owner;
	int rc;

	*out = given && *given ? (char *)given : NULL;
	if (!*out)
		return 0;
	rc = org ? fl_store_org_by_external_id(tx, *out, &owner)
		 : fl_store_user_by_external_id(tx, *out, &owner);
	if (rc == FL_ENOTFOUND || (!rc && owner == self))
		return 0;
	if (rc)
		return rc;
	return org ? fl_err_set(e, FL_EDUPLICATE, "external_id", "DuplicateValue",
				"External id: %s has already been taken", *out)
		   : taken(e, "external_id", "External id", *out);
}

int fl_user_create(struct fl_tx *tx, struct fl_user *u, const char *password_hash, struct fl_err *e)
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
		return taken(e, "email", "Email", u->email ? u->email : "");
	if (rc)
		return rc;
	if (u->email) {
		id = (struct fl_identity){0, u->id, FL_IDENT_EMAIL, u->email, 1, 0, u->created_at};
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return taken(e, "email", "Email", u->email);
	}
	if (!rc && u->phone) {
		id = (struct fl_identity){0, u->id, FL_IDENT_PHONE, u->phone, 1, 0, u->created_at};
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return taken(e, "phone", "Phone", u->phone);
	}
	return rc;
}

int fl_user_patch_check(const struct fl_actor *actor, const struct fl_user_patch *p, int creating,
			struct fl_err *e)
{
	if (p->has_password && actor->role != FL_ROLE_ADMIN)
		return fl_err_set(e, FL_EFORBIDDEN, "password", NULL,
				  "Only admins may set another user's password");
	if (p->has_role && p->role != FL_ROLE_END_USER && actor->role != FL_ROLE_ADMIN)
		return fl_err_set(e, FL_EFORBIDDEN, "role", NULL,
				  "Only admins may create or change agents and admins");
	if ((creating || p->has_name) && (!p->name || !*p->name))
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (creating && !p->email && p->has_role && p->role != FL_ROLE_END_USER)
		return fl_err_set(e, FL_EINVAL, "email", "Blank",
				  "Email: agents need an e-mail address");
	return 0;
}

int fl_user_may_edit(const struct fl_actor *actor, const struct fl_user *u, struct fl_err *e)
{
	if (actor->role == FL_ROLE_ADMIN || u->role == FL_ROLE_END_USER || u->id == actor->id)
		return 0;
	return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL, "Agents may only edit end users");
}

int fl_identity_check(struct fl_identity *id, const char *field, struct fl_err *e)
{
	if (id->type < 0 || id->type >= FL_IDENT__MAX)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: type must be email or phone_number", field);
	if (!id->value || !*id->value || strlen(id->value) > 254 ||
	    (id->type == FL_IDENT_EMAIL && fl_email_normalize(id->value)))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: is not a valid %s",
				  field,
				  id->type == FL_IDENT_EMAIL ? "e-mail address" : "phone number");
	return 0;
}

/* FL_EINVAL naming "organization_id" when organization id does not exist. */
static int org_exists(struct fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e)
{
	struct fl_org o;
	int rc = fl_store_org_get(tx, id, a, &o);

	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, "organization_id", "InvalidValue",
				  "organization_id: organization does not exist");
	return rc;
}

/* Adds a further identity to a person: not ours, not someone else's
 * (FL_EDUPLICATE naming field). */
static int identity_insert(struct fl_tx *tx, struct fl_identity *id, const char *field,
			   struct fl_err *e)
{
	int rc;

	if (id->type == FL_IDENT_EMAIL && (rc = fl_user_email_ours(tx, id->value, field, e)))
		return rc;
	rc = fl_store_identity_add(tx, id);
	if (rc == FL_ECONFLICT)
		return taken(e, field, strcmp(field, "email") ? field : "Email", id->value);
	return rc;
}

int fl_user_add(struct fl_tx *tx, const struct fl_actor *actor, const struct fl_user_patch *p,
		const struct fl_identity *more, size_t nmore, fl_arena *a, struct fl_user *out,
		struct fl_err *e)
{
	struct fl_user u = {0};
	int rc;

	if ((rc = fl_user_patch_check(actor, p, 1, e)))
		return rc;
	u.role = p->has_role ? p->role : FL_ROLE_END_USER;
	u.name = (char *)p->name;
	u.email = p->email;
	u.phone = (char *)p->phone;
	u.organization_id = p->organization_id;
	u.tier_id = p->has_tier ? p->tier_id : 0;
	u.locale = (char *)p->locale;
	u.time_zone = (char *)p->time_zone;
	u.notes = (char *)p->notes;
	u.details = (char *)p->details;
	u.tags = (char *)p->tags;
	if ((rc = fl_external_id_check(tx, 0, p->external_id, 0, &u.external_id, e)))
		return rc;
	if (u.organization_id && (rc = org_exists(tx, u.organization_id, a, e)))
		return rc;
	if ((rc = fl_tier_exists(tx, u.tier_id, "tier_id", e)))
		return rc;
	if ((rc = fl_user_create(tx, &u, p->password_hash, e)))
		return rc;
	for (size_t i = 0; i < nmore; i++) {
		struct fl_identity id = more[i];
		if (u.email && id.type == FL_IDENT_EMAIL && !strcmp(id.value, u.email))
			continue;
		id.user_id = u.id;
		id.primary = id.verified = 0;
		id.created_at = u.created_at;
		if ((rc = identity_insert(tx, &id, "identities", e)))
			return rc;
	}
	/* what was stored, defaults included */
	return fl_store_user_get(tx, u.id, a, out);
}

int fl_user_edit(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		 const struct fl_user_patch *p, fl_arena *a, struct fl_user *out, struct fl_err *e)
{
	struct fl_user u;
	int rc;

	if ((rc = fl_user_patch_check(actor, p, 0, e)) || (rc = fl_store_user_get(tx, id, a, &u)) ||
	    (rc = fl_user_may_edit(actor, &u, e)))
		return rc;
	if (p->has_name)
		u.name = (char *)p->name;
	if (p->has_role)
		u.role = p->role;
	if (p->has_phone)
		u.phone = (char *)p->phone;
	if (p->has_locale)
		u.locale = (char *)p->locale;
	if (p->has_time_zone)
		u.time_zone = (char *)p->time_zone;
	if (p->has_notes)
		u.notes = (char *)p->notes;
	if (p->has_details)
		u.details = (char *)p->details;
	if (p->has_tags)
		u.tags = (char *)(p->tags ? p->tags : "[]");
	if (p->has_external_id &&
	    (rc = fl_external_id_check(tx, 0, p->external_id, u.id, &u.external_id, e)))
		return rc;
	if (p->has_organization) {
		if (p->organization_id && (rc = org_exists(tx, p->organization_id, a, e)))
			return rc;
		u.organization_id = p->organization_id;
	}
	if (p->has_tier) {
		if ((rc = fl_tier_exists(tx, p->tier_id, "tier_id", e)))
			return rc;
		u.tier_id = p->tier_id;
	}
	if (p->has_email && p->email && (!u.email || strcmp(p->email, u.email))) {
		struct fl_identity ident = {0, u.id, FL_IDENT_EMAIL, p->email, 0, 0, fl_now()};
		if ((rc = identity_insert(tx, &ident, "email", e)))
			return rc;
		u.email = p->email;
	}
	u.updated_at = fl_now();
	if ((rc = fl_store_user_update(tx, &u)))
		return rc;
	return fl_store_user_get(tx, u.id, a, out);
}

int fl_user_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_user *out)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);

	if (!rc && !u.active && actor->role != FL_ROLE_ADMIN)
		rc = FL_ENOTFOUND;
	if (!rc)
		*out = u;
	return rc;
}

int fl_user_deactivate(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		       struct fl_user *out, struct fl_err *e)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);

	if (rc)
		return rc;
	if (u.id == actor->id)
		return fl_err_set(e, FL_ECONFLICT, NULL, NULL, "You cannot delete yourself");
	u.active = 0;
	u.updated_at = fl_now();
	if ((rc = fl_store_user_update(tx, &u)))
		return rc;
	*out = u;
	return 0;
}

int fl_identity_add(struct fl_tx *tx, const struct fl_actor *actor, struct fl_identity *id,
		    fl_arena *a, struct fl_err *e)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id->user_id, a, &u);

	if (rc || (rc = fl_user_may_edit(actor, &u, e)))
		return rc;
	id->created_at = fl_now();
	return identity_insert(tx, id, "value", e);
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
		return fl_err_set(e, FL_EINVAL, "id", "InvalidValue",
				  "id: a person cannot be merged into themselves");
	if ((rc = fl_store_user_get(tx, from, a, &src)) ||
	    (rc = fl_store_user_get(tx, into, a, out)))
		return rc;
	if (src.role != FL_ROLE_END_USER || out->role != FL_ROLE_END_USER || !src.active ||
	    !out->active)
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
	if ((rc = fl_store_user_absorb(tx, from, into, fl_now())))
		return rc;
	src.active = 0;
	src.email = NULL; /* the address is the other person's now */
	src.updated_at = fl_now();
	return fl_store_user_update(tx, &src);
}
