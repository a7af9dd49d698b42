/* /api/v2/users, /api/v2/organizations, /api/v2/groups, sign-in sessions
 * and API tokens. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "store/users.h"
#include "tickets/ticket_api.h"
#include "users/auth.h"

#define SESSION_TTL (12 * 3600)
#define REMEMBER_TTL (30 * 86400)

struct user_in {
	const char *name, *phone, *locale, *time_zone, *notes, *details, *tags_json;
	char *email;
	const char *password;
	int role;
	int64_t organization_id;
	int active;
	int has_name, has_email, has_phone, has_locale, has_time_zone, has_notes,
	    has_details, has_tags, has_role, has_organization, has_password, has_active;
};

#define U(f) offsetof(struct user_in, f)

static int role_parse(fl_str s) { return fl_role_parse(s); }

static const struct fl_field user_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, U(name), U(has_name), 0, 0},
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, U(email), U(has_email), 0, 0},
	{"phone", FL_FT_STRING, 40, 0, 1, NULL, U(phone), U(has_phone), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, U(locale), U(has_locale), 0, 0},
	{"time_zone", FL_FT_STRING, 64, 0, 1, NULL, U(time_zone), U(has_time_zone), 0, 0},
	{"notes", FL_FT_STRING, 10000, 0, 1, NULL, U(notes), U(has_notes), 0, 0},
	{"details", FL_FT_STRING, 10000, 0, 1, NULL, U(details), U(has_details), 0, 0},
	{"tags", FL_FT_JSON, 8192, 0, 1, NULL, U(tags_json), U(has_tags), 0, 0},
	{"role", FL_FT_ENUM, 0, 0, 0, role_parse, U(role), U(has_role), 0, 0},
	{"organization_id", FL_FT_ID, 0, 0, 1, NULL, U(organization_id), U(has_organization), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, U(password), U(has_password), 0, 0},
	FL_FIELDS_END,
};

struct org_in {
	const char *name, *details, *notes, *domains_json, *tags_json;
	int has_name, has_details, has_notes, has_domains, has_tags;
};

#define O(f) offsetof(struct org_in, f)

static const struct fl_field org_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, O(name), O(has_name), 0, 0},
	{"details", FL_FT_STRING, 10000, 0, 1, NULL, O(details), O(has_details), 0, 0},
	{"notes", FL_FT_STRING, 10000, 0, 1, NULL, O(notes), O(has_notes), 0, 0},
	{"domain_names", FL_FT_JSON, 8192, 0, 1, NULL, O(domains_json), O(has_domains), 0, 0},
	{"tags", FL_FT_JSON, 8192, 0, 1, NULL, O(tags_json), O(has_tags), 0, 0},
	FL_FIELDS_END,
};

struct group_in {
	const char *name, *description;
	int has_name, has_description;
};

static const struct fl_field group_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, offsetof(struct group_in, name),
	 offsetof(struct group_in, has_name), 0, 0},
	{"description", FL_FT_STRING, 10000, 0, 1, NULL, offsetof(struct group_in, description),
	 offsetof(struct group_in, has_description), 0, 0},
	FL_FIELDS_END,
};

struct ident_in {
	const char *type, *value;
	int has_type, has_value;
};

static const struct fl_field ident_fields[] = {
	{"type", FL_FT_STRING, 32, 0, 0, NULL, offsetof(struct ident_in, type),
	 offsetof(struct ident_in, has_type), 0, 0},
	{"value", FL_FT_STRING, 254, 0, 0, NULL, offsetof(struct ident_in, value),
	 offsetof(struct ident_in, has_value), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct user_in u;
	struct org_in o;
	struct group_in g;
	struct ident_in id;
	struct fl_user user;
	struct fl_org org;
	struct fl_group group;
	struct fl_identity ident;
	struct fl_user *users;
	struct fl_org *orgs;
	struct fl_group *groups;
	struct fl_identity *idents;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	const char *text;
	int role_filter;
	char secret[FL_SECRET_LEN + 1];
	char csrf[FL_CSRF_LEN + 1];
	const char *csrf_out;
	int remember;
	char *hash; /* a new password's hash, made before the write */
	struct fl_token_info *tokens;
	int as_results; /* render as search results: {"results": [{…, "result_type"}]} */
};

/* Hashes a password in the handler, outside any transaction: argon2id takes
 * tens of milliseconds that the writer must not spend. */
static int hash_password(struct fl_req *r, const char *password, char **out)
{
	int rc = fl_password_hash(password, out, &r->err);
	return rc ? rc : fl_arena_on_free(&r->arena, free, *out);
}

/* Checks that text is a JSON array of at most max strings. */
static int check_string_array(struct fl_req *r, const char *field, const char *text, size_t max)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *item;
	int bad = !json_is_array(v) || json_array_size(v) > max;

	json_array_foreach(v, i, item)
		if (!json_is_string(item) || json_string_length(item) > 255)
			bad = 1;
	json_decref(v);
	if (bad)
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s: must be an array of at most %zu strings", field, max);
	return 0;
}

json_t *fl_user_json(struct fl_req *r, const struct fl_user *u)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/users/%" PRId64 ".json", fl_req_base(r), u->id);
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "id", json_integer(u->id));
	json_object_set_new_nocheck(o, "url", json_string_nocheck(url));
	json_object_set_new_nocheck(o, "name", fl_json_str(u->name));
	json_object_set_new_nocheck(o, "email", fl_json_str(u->email));
	json_object_set_new_nocheck(o, "phone", fl_json_str(u->phone));
	json_object_set_new_nocheck(o, "role", json_string(fl_role_name(u->role)));
	json_object_set_new_nocheck(o, "organization_id", fl_json_id(u->organization_id));
	json_object_set_new_nocheck(o, "locale", fl_json_str(u->locale));
	json_object_set_new_nocheck(o, "time_zone", fl_json_str(u->time_zone));
	if (fl_ticket_sees_private(&r->actor)) {
		/* what agents note about a person is for agents */
		json_object_set_new_nocheck(o, "notes", fl_json_str(u->notes));
		json_object_set_new_nocheck(o, "details", fl_json_str(u->details));
		json_object_set_new_nocheck(o, "tags", fl_json_raw(u->tags));
	}
	json_object_set_new_nocheck(o, "active", json_boolean(u->active));
	json_object_set_new_nocheck(o, "suspended", json_boolean(u->suspended));
	json_object_set_new_nocheck(o, "created_at", fl_json_time(u->created_at));
	json_object_set_new_nocheck(o, "updated_at", fl_json_time(u->updated_at));
	json_object_set_new_nocheck(o, "last_login_at", fl_json_time(u->last_login_at));
	return o;
}

json_t *fl_org_json(struct fl_req *r, const struct fl_org *o)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/organizations/%" PRId64 ".json", fl_req_base(r), o->id);
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o, s:b, s:n}",
			 "id", (json_int_t)o->id, "url", url, "name", o->name,
			 "details", o->details, "notes", o->notes,
			 "domain_names", fl_json_raw(o->domain_names),
			 "tags", fl_json_raw(o->tags),
			 "created_at", fl_json_time(o->created_at),
			 "updated_at", fl_json_time(o->updated_at),
			 "shared_tickets", 0, "group_id");
}

json_t *fl_group_json(struct fl_req *r, const struct fl_group *g)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/groups/%" PRId64 ".json", fl_req_base(r), g->id);
	return json_pack("{s:I, s:s, s:s?, s:s?, s:b, s:b, s:o, s:o}",
			 "id", (json_int_t)g->id, "url", url, "name", g->name,
			 "description", g->description, "deleted", g->deleted,
			 "default", 0, "created_at", fl_json_time(g->created_at),
			 "updated_at", fl_json_time(g->updated_at));
}

static json_t *ident_json(const struct fl_identity *i)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:b, s:b, s:o}",
			 "id", (json_int_t)i->id, "user_id", (json_int_t)i->user_id,
			 "type", fl_identity_type_name(i->type), "value", i->value,
			 "primary", i->primary, "verified", i->verified,
			 "created_at", fl_json_time(i->created_at));
}

/* wraps one object as {"key": value} with the given status */
static int reply_one(struct fl_req *r, int status, const char *key, json_t *v)
{
	json_t *o = json_object();
	json_object_set_new(o, key, v);
	return fl_req_reply(r, status, o);
}

static json_t *object_arg(struct fl_req *r, const char *key)
{
	json_t *v = r->body ? json_object_get(r->body, key) : NULL;
	if (!json_is_object(v))
		fl_req_fail(r, FL_EMALFORMED, key, "InvalidRequest",
			    "the body must be {\"%s\": {...}}", key);
	return json_is_object(v) ? v : NULL;
}

/* users */

static int decode_user(struct fl_req *r, struct ctx *c)
{
	json_t *v = object_arg(r, "user");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	rc = fl_input_decode(v, user_fields, &c->u, &r->arena, &r->err);
	if (!rc && c->u.has_tags && c->u.tags_json)
		rc = check_string_array(r, "tags", c->u.tags_json, 64);
	if (!rc && c->u.has_password && r->actor.role != FL_ROLE_ADMIN)
		rc = fl_req_fail(r, FL_EFORBIDDEN, "password", NULL,
				 "Only admins may set another user's password");
	if (!rc && c->u.has_role && c->u.role != FL_ROLE_END_USER && r->actor.role != FL_ROLE_ADMIN)
		rc = fl_req_fail(r, FL_EFORBIDDEN, "role", NULL,
				 "Only admins may create or change agents and admins");
	return rc;
}

static int render_user(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return reply_one(r, r->status ? r->status : 200, "user", fl_user_json(r, &c->user));
}

/* After a change to a person (role, activity, password), no cached
 * credential may still speak for the old state. */
static int render_user_changed(struct fl_req *r)
{
	fl_req_forget_credentials(r);
	return render_user(r);
}

static int tx_user_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_user *u = &c->user;
	json_t *idents = json_object_get(json_object_get(r->body, "user"), "identities");
	size_t i;
	json_t *item;
	int rc;

	memset(u, 0, sizeof *u);
	u->role = c->u.has_role ? c->u.role : FL_ROLE_END_USER;
	u->name = (char *)c->u.name;
	u->email = c->u.email;
	u->phone = (char *)c->u.phone;
	u->organization_id = c->u.organization_id;
	u->locale = (char *)c->u.locale;
	u->time_zone = (char *)c->u.time_zone;
	u->notes = (char *)c->u.notes;
	u->details = (char *)c->u.details;
	u->tags = (char *)c->u.tags_json;
	if (u->organization_id) {
		struct fl_org o;
		rc = fl_store_org_get(tx, u->organization_id, &r->arena, &o);
		if (rc == FL_ENOTFOUND)
			return fl_req_fail(r, FL_EINVAL, "organization_id", "InvalidValue",
					   "organization_id: organization does not exist");
		if (rc)
			return rc;
	}
	rc = fl_user_create(tx, u, c->hash, &r->err);
	/* more addresses and numbers: Zendesk's "identities" on create */
	json_array_foreach(idents, i, item) {
		struct fl_identity id = {0};
		const char *type = json_string_value(json_object_get(item, "type"));
		const char *value = json_string_value(json_object_get(item, "value"));
		char *copy;
		if (rc || i >= 20)
			break;
		id.type = type ? fl_identity_type_parse(fl_str_c(type)) : -1;
		copy = value ? fl_arena_strdup(&r->arena, value) : NULL;
		if (id.type < 0 || !copy || strlen(copy) > 254 ||
		    (id.type == FL_IDENT_EMAIL && fl_email_normalize(copy)))
			return fl_req_fail(r, FL_EINVAL, "identities", "InvalidValue",
					   "identities[%zu]: needs a type (email, phone_number) and a valid value", i);
		if (u->email && id.type == FL_IDENT_EMAIL && !strcmp(copy, u->email))
			continue;
		if (id.type == FL_IDENT_EMAIL && (rc = fl_user_email_ours(tx, copy, "identities", &r->err)))
			return rc;
		id.user_id = u->id;
		id.value = copy;
		id.created_at = u->created_at;
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return fl_req_fail(r, FL_ECONFLICT, "identities", "Taken",
					   "identities: %s is already being used by another user", copy);
	}
	/* answer with what was stored, defaults included */
	return rc ? rc : fl_store_user_get(tx, u->id, &r->arena, u);
}

static int h_user_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_user(r, c)))
		return rc;
	if (!c->u.has_name || !c->u.name || !*c->u.name)
		return fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (!c->u.has_email && c->u.has_role && c->u.role != FL_ROLE_END_USER)
		return fl_req_fail(r, FL_EINVAL, "email", "Blank", "Email: agents need an e-mail address");
	if (c->u.has_password && (rc = hash_password(r, c->u.password, &c->hash)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_user_create, render_user);
}

static int tx_user_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t id = r->id[0] ? r->id[0] : r->actor.id;
	int rc = fl_store_user_get(tx, id, &r->arena, &c->user);
	if (!rc && !c->user.active && r->actor.role != FL_ROLE_ADMIN)
		rc = FL_ENOTFOUND;
	return rc;
}

static int h_user_show(struct fl_req *r)
{
	return fl_req_read(r, tx_user_show, render_user);
}

static int render_me(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *u = fl_user_json(r, &c->user);
	json_object_set_new(u, "must_change_password", json_boolean(c->user.must_change_password));
	return reply_one(r, 200, "user", u);
}

static int h_user_me(struct fl_req *r)
{
	return fl_req_read(r, tx_user_show, render_me);
}

static int tx_user_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_user *u = &c->user;
	int rc = fl_store_user_get(tx, r->id[0], &r->arena, u);

	if (rc)
		return rc;
	if (r->actor.role == FL_ROLE_AGENT && u->role != FL_ROLE_END_USER && u->id != r->actor.id)
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, NULL, "Agents may only edit end users");
	if (c->u.has_name) {
		if (!c->u.name || !*c->u.name)
			return fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
		u->name = (char *)c->u.name;
	}
	if (c->u.has_role)
		u->role = c->u.role;
	if (c->u.has_phone)
		u->phone = (char *)c->u.phone;
	if (c->u.has_locale)
		u->locale = (char *)c->u.locale;
	if (c->u.has_time_zone)
		u->time_zone = (char *)c->u.time_zone;
	if (c->u.has_notes)
		u->notes = (char *)c->u.notes;
	if (c->u.has_details)
		u->details = (char *)c->u.details;
	if (c->u.has_tags)
		u->tags = (char *)(c->u.tags_json ? c->u.tags_json : "[]");
	if (c->u.has_organization)
		u->organization_id = c->u.organization_id;
	if (c->u.has_email && c->u.email && (!u->email || strcmp(c->u.email, u->email))) {
		struct fl_identity id = {0, u->id, FL_IDENT_EMAIL, c->u.email, 0, 0, fl_now()};
		if ((rc = fl_user_email_ours(tx, c->u.email, "email", &r->err)))
			return rc;
		rc = fl_store_identity_add(tx, &id);
		if (rc == FL_ECONFLICT)
			return fl_req_fail(r, FL_ECONFLICT, "email", "Taken",
					   "Email: %s is already being used by another user", c->u.email);
		if (rc)
			return rc;
		u->email = c->u.email;
	}
	u->updated_at = fl_now();
	if ((rc = fl_req_credentials_changed(r, tx)))
		return rc;
	rc = fl_store_user_update(tx, u);
	if (!rc)
		rc = fl_store_user_get(tx, u->id, &r->arena, u);
	if (rc == FL_ECONFLICT)
		return fl_req_fail(r, FL_EINVAL, "organization_id", "InvalidValue",
				   "organization_id: organization does not exist");
	if (!rc && c->hash)
		rc = fl_auth_password_set(tx, u->id, c->hash, NULL);
	return rc;
}

static int h_user_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_user(r, c)))
		return rc;
	if (c->u.has_password && (rc = hash_password(r, c->u.password, &c->hash)))
		return rc;
	return fl_req_write(r, tx_user_update, render_user_changed);
}

static int tx_user_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_user_get(tx, r->id[0], &r->arena, &c->user);
	if (rc)
		return rc;
	if (c->user.id == r->actor.id)
		return fl_req_fail(r, FL_ECONFLICT, NULL, NULL, "You cannot delete yourself");
	c->user.active = 0;
	c->user.updated_at = fl_now();
	if ((rc = fl_req_credentials_changed(r, tx)))
		return rc;
	return fl_store_user_update(tx, &c->user);
}

static int h_user_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_user_delete, render_user_changed);
}

static int tx_user_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_user_list(tx, c->role_filter, c->text, r->id[0],
				  (c->pg.page - 1) * c->pg.per_page, c->pg.per_page + 1,
				  &r->arena, &c->users, &c->n, &c->total);
}

/* The list under key, or as search results of type result_type. */
static json_t *list_reply(struct ctx *c, json_t *list, const char *key, const char *result_type)
{
	json_t *o = json_object(), *item;
	size_t i;

	if (!c->as_results) {
		json_object_set_new(o, key, list);
		return o;
	}
	json_array_foreach(list, i, item)
		json_object_set_new(item, "result_type", json_string(result_type));
	json_object_set_new(o, "results", list);
	json_object_set_new(o, "facets", json_null());
	return o;
}

static int render_user_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o, *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_user_json(r, &c->users[i]));
	o = list_reply(c, list, "users", "user");
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* GET /api/v2/users/show_many?ids=1,2,3: at most 100 people, those that
 * exist (and are active, for agents), in the order asked. */
static int tx_user_many(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		int rc = fl_store_user_get(tx, c->users[i].id, &r->arena, &c->users[k]);
		if (rc == FL_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		if (c->users[k].active || r->actor.role == FL_ROLE_ADMIN)
			k++;
	}
	c->n = k;
	return 0;
}

static int render_user_many(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, fl_user_json(r, &c->users[i]));
	return reply_one(r, 200, "users", list);
}

static int h_user_many(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t ids[100];
	int rc = fl_req_ids(r, ids, 100, &c->n);

	if (rc)
		return rc;
	if (!(c->users = fl_arena_alloc(&r->arena, c->n * sizeof *c->users)))
		return FL_ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		c->users[i].id = ids[i];
	return fl_req_read(r, tx_user_many, render_user_many);
}

/* PUT /api/v2/users/{id}/merge {"user": {"id": INTO}}: id's tickets,
 * addresses and CCs move to INTO, and id is deactivated; 200 with INTO. */
static int tx_user_merge(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_user_merge(tx, &r->actor, r->id[0], c->user.id, &r->arena, &c->user, &r->err);
}

static int h_user_merge(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = object_arg(r, "user"), *into = v ? json_object_get(v, "id") : NULL;
	if (!v)
		return FL_EMALFORMED;
	if (!json_is_integer(into) || json_integer_value(into) <= 0)
		return fl_req_fail(r, FL_EINVAL, "id", "InvalidValue", "id: the id of the person to merge into");
	c->user.id = json_integer_value(into);
	return fl_req_write(r, tx_user_merge, render_user_changed);
}

/* Users search as GET /api/v2/search does for type:user (search_api.c). */
/* For other domains' handlers (search): allocates this domain's state. */
static struct ctx *own_ctx(struct fl_req *r)
{
	struct ctx *c = fl_arena_alloc(&r->arena, sizeof *c);
	if (c)
		r->ctx = c;
	return c;
}

int fl_user_list_text(struct fl_req *r, const char *text)
{
	struct ctx *c = own_ctx(r);
	int rc;
	if (!c)
		return FL_ENOMEM;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0; /* users page by offset */
	c->role_filter = -1;
	c->text = text;
	c->as_results = 1;
	return fl_req_read(r, tx_user_list, render_user_list);
}

static int h_user_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *role = fl_req_arg(r, "role");
	int rc;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	c->role_filter = -1;
	if (role && (c->role_filter = fl_role_parse(fl_str_c(role))) < 0)
		return fl_req_fail(r, FL_EMALFORMED, "role", "InvalidValue",
				   "role must be end-user, agent or admin");
	return fl_req_read(r, tx_user_list, render_user_list);
}

static int tx_idents(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_user_get(tx, r->id[0], &r->arena, &c->user);
	return rc ? rc : fl_store_identity_list(tx, r->id[0], &r->arena, &c->idents, &c->n);
}

static int render_idents(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, ident_json(&c->idents[i]));
	return fl_req_reply(r, 200, json_pack("{s:o, s:n, s:n, s:I}", "identities", list,
					      "next_page", "previous_page", "count",
					      (json_int_t)c->n));
}

static int h_idents(struct fl_req *r)
{
	return fl_req_read(r, tx_idents, render_idents);
}

static int tx_ident_add(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_user_get(tx, r->id[0], &r->arena, &c->user);
	if (rc)
		return rc;
	if (r->actor.role == FL_ROLE_AGENT && c->user.role != FL_ROLE_END_USER &&
	    c->user.id != r->actor.id)
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, NULL, "Agents may only edit end users");
	c->ident.user_id = c->user.id;
	c->ident.created_at = fl_now();
	if (c->ident.type == FL_IDENT_EMAIL &&
	    (rc = fl_user_email_ours(tx, c->ident.value, "value", &r->err)))
		return rc;
	rc = fl_store_identity_add(tx, &c->ident);
	if (rc == FL_ECONFLICT)
		return fl_req_fail(r, FL_ECONFLICT, "value", "Taken",
				   "value: %s is already being used by another user", c->ident.value);
	return rc;
}

static int render_ident(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return reply_one(r, 201, "identity", ident_json(&c->ident));
}

static int h_ident_add(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = object_arg(r, "identity");
	char *value;
	int rc;
	if (!v)
		return FL_EMALFORMED;
	if ((rc = fl_input_decode(v, ident_fields, &c->id, &r->arena, &r->err)))
		return rc;
	c->ident.type = c->id.type ? fl_identity_type_parse(fl_str_c(c->id.type)) : -1;
	if (c->ident.type < 0)
		return fl_req_fail(r, FL_EINVAL, "type", "InvalidValue",
				   "type: must be email or phone_number");
	value = c->id.value ? fl_arena_strdup(&r->arena, c->id.value) : NULL;
	if (!value || !*value || (c->ident.type == FL_IDENT_EMAIL && fl_email_normalize(value)))
		return fl_req_fail(r, FL_EINVAL, "value", "InvalidValue", "value: is not valid");
	c->ident.value = value;
	return fl_req_write(r, tx_ident_add, render_ident);
}

/* organizations */

static int render_org(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return reply_one(r, r->status ? r->status : 200, "organization", fl_org_json(r, &c->org));
}

static int decode_org(struct fl_req *r, struct ctx *c)
{
	json_t *v = object_arg(r, "organization");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	rc = fl_input_decode(v, org_fields, &c->o, &r->arena, &r->err);
	if (!rc && c->o.has_domains && c->o.domains_json)
		rc = check_string_array(r, "domain_names", c->o.domains_json, 50);
	if (!rc && c->o.has_tags && c->o.tags_json)
		rc = check_string_array(r, "tags", c->o.tags_json, 64);
	if (!rc && c->o.has_name && (!c->o.name || !*c->o.name))
		rc = fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	return rc;
}

static int org_conflict(struct fl_req *r, int rc)
{
	if (rc == FL_ECONFLICT)
		return fl_req_fail(r, FL_ECONFLICT, "name", "Taken",
				   "Name: %s has already been taken", r->ctx ? ((struct ctx *)r->ctx)->o.name : "");
	return rc;
}

static int tx_org_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_org *o = &c->org;
	o->name = (char *)c->o.name;
	o->details = (char *)c->o.details;
	o->notes = (char *)c->o.notes;
	o->domain_names = (char *)c->o.domains_json;
	o->tags = (char *)c->o.tags_json;
	o->created_at = o->updated_at = fl_now();
	return org_conflict(r, fl_store_org_insert(tx, o));
}

static int h_org_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_org(r, c)))
		return rc;
	if (!c->o.has_name)
		return fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	r->status = 201;
	return fl_req_write(r, tx_org_create, render_org);
}

static int tx_org_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_org_get(tx, r->id[0], &r->arena, &c->org);
}

static int h_org_show(struct fl_req *r)
{
	return fl_req_read(r, tx_org_show, render_org);
}

static int tx_org_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_org *o = &c->org;
	int rc = fl_store_org_get(tx, r->id[0], &r->arena, o);
	if (rc)
		return rc;
	if (c->o.has_name)
		o->name = (char *)c->o.name;
	if (c->o.has_details)
		o->details = (char *)(c->o.details ? c->o.details : "");
	if (c->o.has_notes)
		o->notes = (char *)(c->o.notes ? c->o.notes : "");
	if (c->o.has_domains)
		o->domain_names = (char *)(c->o.domains_json ? c->o.domains_json : "[]");
	if (c->o.has_tags)
		o->tags = (char *)(c->o.tags_json ? c->o.tags_json : "[]");
	o->updated_at = fl_now();
	return org_conflict(r, fl_store_org_update(tx, o));
}

static int h_org_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_org(r, c)))
		return rc;
	return fl_req_write(r, tx_org_update, render_org);
}

static int tx_org_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_org_get(tx, r->id[0], &r->arena, &c->org);
	return rc ? rc : fl_store_org_delete(tx, r->id[0]);
}

static int h_org_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_org_delete, fl_req_no_content);
}

static int tx_org_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_org_list(tx, c->text, (c->pg.page - 1) * c->pg.per_page,
				 c->pg.per_page + 1, &r->arena, &c->orgs, &c->n, &c->total);
}

static int render_org_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o, *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_org_json(r, &c->orgs[i]));
	o = list_reply(c, list, "organizations", "organization");
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

static int org_list(struct fl_req *r, struct ctx *c, const char *text, int as_results)
{
	int rc;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	c->text = text;
	c->as_results = as_results;
	return fl_req_read(r, tx_org_list, render_org_list);
}

int fl_org_list_text(struct fl_req *r, const char *text)
{
	struct ctx *c = own_ctx(r);
	return c ? org_list(r, c, text, 1) : FL_ENOMEM;
}

static int h_org_list(struct fl_req *r)
{
	return org_list(r, r->ctx, NULL, 0);
}

static int h_org_users(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	c->role_filter = -1;
	return fl_req_read(r, tx_user_list, render_user_list);
}

/* groups */

static int render_group(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return reply_one(r, r->status ? r->status : 200, "group", fl_group_json(r, &c->group));
}

static int decode_group(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = object_arg(r, "group");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	rc = fl_input_decode(v, group_fields, &c->g, &r->arena, &r->err);
	if (!rc && (creating || c->g.has_name) && (!c->g.name || !*c->g.name))
		rc = fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	return rc;
}

static int group_conflict(struct fl_req *r, int rc)
{
	if (rc == FL_ECONFLICT)
		return fl_req_fail(r, FL_ECONFLICT, "name", "Taken", "Name: has already been taken");
	return rc;
}

static int tx_group_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->group.name = (char *)c->g.name;
	c->group.description = (char *)c->g.description;
	c->group.created_at = c->group.updated_at = fl_now();
	return group_conflict(r, fl_store_group_insert(tx, &c->group));
}

static int h_group_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_group(r, c, 1)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_group_create, render_group);
}

static int tx_group_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_group_get(tx, r->id[0], &r->arena, &c->group);
}

static int h_group_show(struct fl_req *r)
{
	return fl_req_read(r, tx_group_show, render_group);
}

static int tx_group_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_group_get(tx, r->id[0], &r->arena, &c->group);
	if (rc)
		return rc;
	if (c->g.has_name)
		c->group.name = (char *)c->g.name;
	if (c->g.has_description)
		c->group.description = (char *)(c->g.description ? c->g.description : "");
	c->group.updated_at = fl_now();
	return group_conflict(r, fl_store_group_update(tx, &c->group));
}

static int h_group_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_group(r, c, 0)))
		return rc;
	return fl_req_write(r, tx_group_update, render_group);
}

static int tx_group_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_group_get(tx, r->id[0], &r->arena, &c->group);
	if (rc)
		return rc;
	c->group.deleted = 1;
	c->group.updated_at = fl_now();
	return fl_store_group_update(tx, &c->group);
}

static int h_group_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_group_delete, fl_req_no_content);
}

static int tx_group_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_group_list(tx, (c->pg.page - 1) * c->pg.per_page, c->pg.per_page + 1,
				   &r->arena, &c->groups, &c->n, &c->total);
}

static int render_group_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_group_json(r, &c->groups[i]));
	json_object_set_new(o, "groups", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

static int h_group_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	return fl_req_read(r, tx_group_list, render_group_list);
}

/* sessions: sign in with e-mail and password, get a cookie and a CSRF token */

struct login_in {
	const char *email, *password;
	int remember;
	int has_email, has_password, has_remember;
};

static const struct fl_field login_fields[] = {
	{"email", FL_FT_STRING, 254, 0, 0, NULL, offsetof(struct login_in, email),
	 offsetof(struct login_in, has_email), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, offsetof(struct login_in, password),
	 offsetof(struct login_in, has_password), 0, 0},
	{"remember", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct login_in, remember),
	 offsetof(struct login_in, has_remember), 0, 0},
	FL_FIELDS_END,
};

static struct login_in *login_of(struct fl_req *r)
{
	return (struct login_in *)(((struct ctx *)r->ctx) + 1);
}

static int tx_login_check(fl_tx *tx, struct fl_req *r)
{
	struct login_in *in = login_of(r);
	struct ctx *c = r->ctx;
	struct fl_actor a;
	int rc = fl_auth_password_check(tx, in->email, in->password, &r->arena, &a);
	if (rc)
		return rc == FL_EAUTH ? fl_req_fail(r, FL_EAUTH, "password", "InvalidCredentials",
						    "The e-mail or password is wrong") : rc;
	r->actor = a;
	return fl_store_user_get(tx, a.id, &r->arena, &c->user);
}

/* Every way of signing in ends here (this password sign-in, the portal's
 * e-mailed links): the session in the write, the cookie in the answer. */
int fl_session_open(fl_tx *tx, struct fl_user *u, int remember,
		    char secret[FL_SECRET_LEN + 1], char csrf[FL_CSRF_LEN + 1])
{
	int rc = fl_auth_session_create(tx, u->id, remember ? REMEMBER_TTL : SESSION_TTL,
					secret, csrf);
	if (!rc) {
		u->last_login_at = fl_now();
		rc = fl_store_user_touch_login(tx, u->id, u->last_login_at);
	}
	return rc;
}

static json_t *session_json(struct fl_req *r, const struct fl_user *user, const char *csrf)
{
	json_t *u = fl_user_json(r, user);
	json_object_set_new(u, "must_change_password", json_boolean(user->must_change_password));
	return json_pack("{s:o, s:s}", "user", u, "csrf_token", csrf);
}

int fl_session_answer(struct fl_req *r, const struct fl_user *u, int remember,
		      const char *secret, const char *csrf)
{
	char cookie[256], age[32] = "";

	if (remember)
		snprintf(age, sizeof age, "; Max-Age=%d", REMEMBER_TTL);
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
		 fl_req_cookie_name(r), secret, r->config->cookie_secure ? "; Secure" : "", age);
	fl_req_header(r, "Set-Cookie", cookie);
	return fl_req_reply(r, 200, session_json(r, u, csrf));
}

static int tx_session_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_session_open(tx, &c->user, c->remember, c->secret, c->csrf);
}

static int render_session(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, session_json(r, &c->user, c->csrf_out ? c->csrf_out : c->csrf));
}

static int render_login(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_session_answer(r, &c->user, c->remember, c->secret, c->csrf);
}

static int login_checked(struct fl_req *r)
{
	return fl_req_write(r, tx_session_create, render_login);
}

static int h_login(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct login_in *in = login_of(r);
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"email\": …, \"password\": …}");
	if ((rc = fl_input_decode(r->body, login_fields, in, &r->arena, &r->err)))
		return rc;
	if (!in->email || !in->password)
		return fl_req_fail(r, FL_EINVAL, in->email ? "password" : "email", "Blank",
				   "E-mail and password are required");
	c->remember = in->remember;
	if ((rc = fl_req_login_allowed(r)))
		return rc;
	rc = fl_req_read(r, tx_login_check, login_checked);
	if (rc == FL_EAUTH)
		fl_req_login_failed(r);
	return rc;
}

static int tx_session_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *cookie = fl_req_cookie(r);
	struct fl_actor a;
	int rc;
	if (!cookie)
		return fl_req_fail(r, FL_ENOTFOUND, NULL, NULL, "Signed in with credentials, not a session");
	rc = fl_auth_session_check(tx, cookie, &r->arena, &a, &c->csrf_out);
	return rc ? rc : fl_store_user_get(tx, a.id, &r->arena, &c->user);
}

static int h_session_show(struct fl_req *r)
{
	return fl_req_read(r, tx_session_show, render_session);
}

static int tx_logout(fl_tx *tx, struct fl_req *r)
{
	const char *cookie = fl_req_cookie(r);
	int rc = fl_req_credentials_changed(r, tx);
	return rc ? rc : cookie ? fl_auth_session_delete(tx, cookie) : 0;
}

static int render_logout(struct fl_req *r)
{
	char cookie[128];

	fl_req_forget_credentials(r);
	snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=0",
		 fl_req_cookie_name(r), r->config->cookie_secure ? "; Secure" : "");
	fl_req_header(r, "Set-Cookie", cookie);
	return fl_req_no_content(r);
}

static int h_logout(struct fl_req *r)
{
	return fl_req_write(r, tx_logout, render_logout);
}

/* password change for oneself */

struct password_in {
	const char *previous, *password;
	int has_previous, has_password;
};

static const struct fl_field password_fields[] = {
	{"previous_password", FL_FT_STRING, 1024, 0, 0, NULL, offsetof(struct password_in, previous),
	 offsetof(struct password_in, has_previous), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, offsetof(struct password_in, password),
	 offsetof(struct password_in, has_password), 0, 0},
	FL_FIELDS_END,
};

static struct password_in *password_of(struct fl_req *r)
{
	return (struct password_in *)(((struct ctx *)r->ctx) + 1);
}

static int tx_password_check(fl_tx *tx, struct fl_req *r)
{
	struct password_in *in = password_of(r);
	struct ctx *c = r->ctx;
	int rc;

	if (r->id[0] != r->actor.id)
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, NULL, "You can only change your own password");
	rc = fl_store_user_get(tx, r->actor.id, &r->arena, &c->user);
	if (rc)
		return rc;
	if (c->user.password_hash &&
	    (rc = fl_password_verify(c->user.password_hash, in->previous ? in->previous : ""))) {
		if (rc == FL_ENOMEM)
			return rc;
		fl_req_login_failed(r);
		return fl_req_fail(r, FL_EINVAL, "previous_password", "InvalidValue",
				   "previous_password: is wrong");
	}
	return 0;
}

static int tx_password_set(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_req_credentials_changed(r, tx);
	return rc ? rc : fl_auth_password_set(tx, r->actor.id, c->hash, fl_req_cookie(r));
}

static int render_password_changed(struct fl_req *r)
{
	fl_req_forget_credentials(r); /* the other sessions just ended */
	return fl_req_no_content(r);
}

static int password_checked(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = hash_password(r, password_of(r)->password, &c->hash);
	return rc ? rc : fl_req_write(r, tx_password_set, render_password_changed);
}

static int h_password(struct fl_req *r)
{
	struct password_in *in = password_of(r);
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"previous_password\": …, \"password\": …}");
	if ((rc = fl_input_decode(r->body, password_fields, in, &r->arena, &r->err)))
		return rc;
	if (!in->password)
		return fl_req_fail(r, FL_EINVAL, "password", "Blank", "Password: cannot be blank");
	if ((rc = fl_req_login_allowed(r)))
		return rc;
	return fl_req_read(r, tx_password_check, password_checked);
}

/* API tokens */

static int tx_token_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_auth_token_create(tx, r->actor.id, c->text, c->secret);
}

static int render_token(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return reply_one(r, 201, "api_token",
			 json_pack("{s:s, s:s, s:I}", "token", c->secret, "description",
				   c->text ? c->text : "", "user_id", (json_int_t)r->actor.id));
}

static int h_token_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *t = r->body ? json_object_get(r->body, "api_token") : NULL;
	const char *d = json_string_value(json_object_get(t, "description"));
	if (d && fl_utf8_len(d, strlen(d)) > 255)
		return fl_req_fail(r, FL_EINVAL, "description", "TooLong",
				   "description: is too long (maximum is 255 characters)");
	c->text = d ? fl_arena_strdup(&r->arena, d) : NULL;
	return fl_req_write(r, tx_token_create, render_token);
}

/* Admins see and revoke everyone's tokens; agents their own. The token
 * itself is never shown again: only its id, owner and description. */
static int64_t token_owner_scope(struct fl_req *r)
{
	return r->actor.role == FL_ROLE_ADMIN ? 0 : r->actor.id;
}

static int tx_token_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_token_list(tx, token_owner_scope(r), &r->arena, &c->tokens, &c->n);
}

static int render_token_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, json_pack("{s:I, s:I, s:s, s:o}",
						      "id", (json_int_t)c->tokens[i].id,
						      "user_id", (json_int_t)c->tokens[i].user_id,
						      "description", c->tokens[i].description ? c->tokens[i].description : "",
						      "created_at", fl_json_time(c->tokens[i].created_at)));
	return fl_req_reply(r, 200, json_pack("{s:o, s:I}", "api_tokens", list,
					      "count", (json_int_t)c->n));
}

static int h_token_list(struct fl_req *r)
{
	return fl_req_read(r, tx_token_list, render_token_list);
}

static int tx_token_delete(fl_tx *tx, struct fl_req *r)
{
	int rc = fl_req_credentials_changed(r, tx);
	return rc ? rc : fl_store_token_delete(tx, r->id[0], token_owner_scope(r));
}

static int render_token_deleted(struct fl_req *r)
{
	fl_req_forget_credentials(r); /* the revoked token stops working now */
	return fl_req_no_content(r);
}

static int h_token_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_token_delete, render_token_deleted);
}

const struct fl_route fl_user_routes[] = {
	{"GET", "/api/v2/users", h_user_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/users", h_user_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/me", h_user_me, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/show_many", h_user_many, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}/merge", h_user_merge, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}", h_user_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}", h_user_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/users/{id}", h_user_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/identities", h_idents, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/users/{id}/identities", h_ident_add, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}/password", h_password, FL_ROLE_END_USER, 0,
	 sizeof(struct ctx) + sizeof(struct password_in)},
	{"GET", "/api/v2/organizations", h_org_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/organizations", h_org_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}", h_org_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/organizations/{id}", h_org_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/organizations/{id}", h_org_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}/users", h_org_users, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/groups", h_group_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/groups", h_group_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/groups/{id}", h_group_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/groups/{id}", h_group_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/groups/{id}", h_group_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/auth/session", h_login, FL_ROLE_ANONYMOUS, 16384,
	 sizeof(struct ctx) + sizeof(struct login_in)},
	{"GET", "/api/v2/auth/session", h_session_show, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/auth/session", h_logout, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/api_tokens", h_token_create, FL_ROLE_AGENT, 16384, sizeof(struct ctx)},
	{"GET", "/api/v2/api_tokens", h_token_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/api_tokens/{id}", h_token_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
