/* /api/v2/users: people, their identities, merging duplicates; and the
 * handler helpers the users domain's API files share (users/api_int.h).
 * Each handler parses and validates the request, calls the domain
 * (users/user.h) in a transaction and renders Zendesk's JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/input.h"
#include "sla/refresh.h"
#include "store/users.h"
#include "tickets/ticket.h"
#include "users/api_int.h"
#include "users/prefs.h"
#include "users/user_api.h"

#define MORE_IDENTITIES 20 /* Zendesk's "identities" on create, at most */

static int role_parse(fl_str s)
{
	return fl_role_parse(s);
}

#define U(f) offsetof(struct fl_user_patch, f)

static const struct fl_field user_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, U(name), U(has_name), 0, 0},
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, U(email), U(has_email), 0, 0},
	{"phone", FL_FT_STRING, 40, 0, 1, NULL, U(phone), U(has_phone), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, U(locale), U(has_locale), 0, 0},
	{"time_zone", FL_FT_STRING, 64, 0, 1, NULL, U(time_zone), U(has_time_zone), 0, 0},
	{"notes", FL_FT_STRING, 10000, 0, 1, NULL, U(notes), U(has_notes), 0, 0},
	{"details", FL_FT_STRING, 10000, 0, 1, NULL, U(details), U(has_details), 0, 0},
	{"tags", FL_FT_JSON, 8192, 0, 1, NULL, U(tags), U(has_tags), 0, 0},
	{"external_id", FL_FT_STRING, 255, 0, 1, NULL, U(external_id), U(has_external_id), 0, 0},
	{"role", FL_FT_ENUM, 0, 0, 0, role_parse, U(role), U(has_role), 0, 0},
	{"organization_id", FL_FT_ID, 0, 0, 1, NULL, U(organization_id), U(has_organization), 0, 0},
	{"tier_id", FL_FT_ID, 0, 0, 1, NULL, U(tier_id), U(has_tier), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, U(password), U(has_password), 0, 0},
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
	struct fl_user_patch in;
	struct fl_identity more[MORE_IDENTITIES];
	size_t nmore;
	struct fl_user user;
	struct fl_identity ident;
	struct fl_user *users;
	struct fl_identity *idents;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	struct fl_user_filter filter;
	int as_results; /* render as search results: {"results": [{…, "result_type"}]} */
	struct fl_prefs prefs;
};

/* shared helpers (users/api_int.h) */

int fl_users_reply_one(struct fl_req *r, int status, const char *key, json_t *v)
{
	json_t *o = json_object();
	json_object_set_new(o, key, v);
	return fl_req_reply(r, status, o);
}

json_t *fl_users_body_object(struct fl_req *r, const char *key)
{
	json_t *v = r->body ? json_object_get(r->body, key) : NULL;
	if (!json_is_object(v))
		fl_req_fail(r, FL_EMALFORMED, key, "InvalidRequest",
			    "the body must be {\"%s\": {...}}", key);
	return json_is_object(v) ? v : NULL;
}

int fl_users_string_array(struct fl_req *r, const char *field, const char *text, size_t max)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;
	json_t *item;
	int bad = !json_is_array(v) || json_array_size(v) > max;

	json_array_foreach(v, i, item) if (!json_is_string(item) || json_string_length(item) > 255)
		bad = 1;
	json_decref(v);
	if (bad)
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s: must be an array of at most %zu strings", field, max);
	return 0;
}

json_t *fl_users_list_reply(json_t *list, int as_results, const char *key, const char *result_type)
{
	json_t *o = json_object(), *item;
	size_t i;

	if (!as_results) {
		json_object_set_new(o, key, list);
		return o;
	}
	json_array_foreach(list, i, item)
		json_object_set_new(item, "result_type", json_string(result_type));
	json_object_set_new(o, "results", list);
	json_object_set_new(o, "facets", json_null());
	return o;
}

/* renderings */

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
		/* how the desk ranks a customer is the desk's */
		json_object_set_new_nocheck(o, "tier_id", fl_json_id(u->tier_id));
	}
	json_object_set_new_nocheck(o, "external_id", fl_json_str(u->external_id));
	json_object_set_new_nocheck(o, "active", json_boolean(u->active));
	json_object_set_new_nocheck(o, "suspended", json_boolean(u->suspended));
	json_object_set_new_nocheck(o, "created_at", fl_json_time(u->created_at));
	json_object_set_new_nocheck(o, "updated_at", fl_json_time(u->updated_at));
	json_object_set_new_nocheck(o, "last_login_at", fl_json_time(u->last_login_at));
	return o;
}

static json_t *ident_json(const struct fl_identity *i)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:b, s:b, s:o}", "id", (json_int_t)i->id, "user_id",
			 (json_int_t)i->user_id, "type", fl_identity_type_name(i->type), "value",
			 i->value, "primary", i->primary, "verified", i->verified, "created_at",
			 fl_json_time(i->created_at));
}

static int render_user(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, r->status ? r->status : 200, "user",
				  fl_user_json(r, &c->user));
}

/* After a change to a person (role, activity, password), no cached
 * credential may still speak for the old state. */
static int render_user_changed(struct fl_req *r)
{
	fl_req_forget_credentials(r);
	return render_user(r);
}

/* parsing */

/* Hashes a password in the handler, outside any transaction: argon2id takes
 * tens of milliseconds that the writer must not spend. */
static int hash_password(struct fl_req *r, struct fl_user_patch *p)
{
	char *hash;
	int rc = fl_password_hash(p->password, &hash, &r->err);
	if (rc || (rc = fl_arena_on_free(&r->arena, free, hash)))
		return rc;
	p->password_hash = hash;
	return 0;
}

/* {"user": {...}} into c->in, checked (fl_user_patch_check) before the
 * password, if any, is hashed. */
static int decode_user(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = fl_users_body_object(r, "user");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	if ((rc = fl_input_decode(v, user_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (c->in.has_tags && c->in.tags && (rc = fl_users_string_array(r, "tags", c->in.tags, 64)))
		return rc;
	if ((rc = fl_user_patch_check(&r->actor, &c->in, creating, &r->err)))
		return rc;
	return c->in.has_password ? hash_password(r, &c->in) : 0;
}

/* Zendesk's "identities" on create: [{"type", "value"}], at most 20. */
static int decode_identities(struct fl_req *r, struct ctx *c)
{
	json_t *list = json_object_get(json_object_get(r->body, "user"), "identities"), *item;
	size_t i;

	if (!list)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > MORE_IDENTITIES)
		return fl_req_fail(r, FL_EINVAL, "identities", "InvalidValue",
				   "identities: must be an array of at most %d", MORE_IDENTITIES);
	json_array_foreach(list, i, item)
	{
		struct fl_identity *id = &c->more[c->nmore++];
		const char *type = json_string_value(json_object_get(item, "type"));
		const char *value = json_string_value(json_object_get(item, "value"));
		id->type = type ? fl_identity_type_parse(fl_str_c(type)) : -1;
		if (value && !(id->value = fl_arena_strdup(&r->arena, value)))
			return FL_ENOMEM;
		if (fl_identity_check(id, "identities", &r->err))
			return fl_req_fail(
				r, FL_EINVAL, "identities", "InvalidValue",
				"identities[%zu]: needs a type (email, phone_number) and a valid value",
				i);
	}
	return 0;
}

/* POST /api/v2/users */

static int tx_user_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_user_add(tx, &r->actor, &c->in, c->more, c->nmore, &r->arena, &c->user, &r->err);
}

static int h_user_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_user(r, c, 1)) || (rc = decode_identities(r, c)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_user_create, render_user);
}

/* GET /api/v2/users/{id}, GET /api/v2/users/me */

static int tx_user_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_user_get(tx, &r->actor, r->id[0] ? r->id[0] : r->actor.id, &r->arena, &c->user);
}

static int h_user_show(struct fl_req *r)
{
	return fl_req_read(r, tx_user_show, render_user);
}

static json_t *prefs_json(const struct fl_prefs *p)
{
	json_t *o = json_object();
	for (int i = 0; i < FL_PREF__N; i++)
		json_object_set_new(o, fl_pref_name(i), json_string(p->value[i]));
	return o;
}

/* An agent's own record carries the workspace preferences too. */
static int tx_me(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = tx_user_show(tx, r);
	if (!rc && r->actor.role >= FL_ROLE_AGENT)
		rc = fl_prefs_get(tx, r->actor.id, &r->arena, &c->prefs);
	return rc;
}

static int render_me(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *u = fl_user_json(r, &c->user);
	json_object_set_new(u, "must_change_password", json_boolean(c->user.must_change_password));
	if (r->actor.role >= FL_ROLE_AGENT)
		json_object_set_new(u, "preferences", prefs_json(&c->prefs));
	return fl_users_reply_one(r, 200, "user", u);
}

static int h_user_me(struct fl_req *r)
{
	return fl_req_read(r, tx_me, render_me);
}

/* GET and PUT /api/v2/users/me/preferences: {"preferences": {name: value}};
 * a PUT changes the names it gives and answers with all of them. */

static int tx_prefs(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_prefs_get(tx, r->actor.id, &r->arena, &c->prefs);
}

static int render_prefs(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, 200, "preferences", prefs_json(&c->prefs));
}

static int h_prefs(struct fl_req *r)
{
	return fl_req_read(r, tx_prefs, render_prefs);
}

static int tx_prefs_set(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_prefs_set(tx, r->actor.id, &c->prefs, &r->err);
	return rc ? rc : tx_prefs(tx, r);
}

static int h_prefs_set(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "preferences") : NULL, *v;
	const char *name;
	int rc;

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EMALFORMED, "preferences", "InvalidRequest",
				   "the body must be {\"preferences\": {...}}");
	json_object_foreach(in, name, v)
	{
		if ((rc = fl_pref_find(name, &r->err)) < 0)
			return rc;
		if (!json_is_string(v))
			return fl_pref_check(rc, NULL, &r->err);
		c->prefs.value[rc] = json_string_value(v);
	}
	return fl_req_write(r, tx_prefs_set, render_prefs);
}

/* PUT /api/v2/users/{id} */

static int tx_user_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_user_edit(tx, &r->actor, r->id[0], &c->in, &r->arena, &c->user, &r->err);
	/* a new tier or organization may change the promise on their tickets */
	if (!rc && (c->in.has_tier || c->in.has_organization))
		rc = fl_sla_recompute_later(tx, &(struct fl_sla_whose){.requester_id = c->user.id});
	if (!rc)
		rc = fl_req_credentials_changed(r, tx);
	if (!rc && c->in.password_hash)
		rc = fl_auth_password_set(tx, c->user.id, c->in.password_hash, 0, NULL);
	return rc;
}

static int h_user_update(struct fl_req *r)
{
	int rc = decode_user(r, r->ctx, 0);
	return rc ? rc : fl_req_write(r, tx_user_update, render_user_changed);
}

/* DELETE /api/v2/users/{id}: deactivates */

static int tx_user_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_user_deactivate(tx, &r->actor, r->id[0], &r->arena, &c->user, &r->err);
	return rc ? rc : fl_req_credentials_changed(r, tx);
}

static int h_user_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_user_delete, render_user_changed);
}

/* lists */

static int tx_user_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_user_list(tx, &c->filter, (c->pg.page - 1) * c->pg.per_page,
				  c->pg.per_page + 1, &r->arena, &c->users, &c->n, &c->total);
}

static int render_user_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o, *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_user_json(r, &c->users[i]));
	o = fl_users_list_reply(list, c->as_results, "users", "user");
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* Offset paging (users are not paged by cursor) and the list. */
static int user_list(struct fl_req *r, struct ctx *c)
{
	int rc = fl_req_paging(r, &c->pg);
	if (rc)
		return rc;
	c->pg.cursor = 0;
	return fl_req_read(r, tx_user_list, render_user_list);
}

/* For other domains' handlers (search): allocates this file's state. */
static struct ctx *own_ctx(struct fl_req *r)
{
	struct ctx *c = fl_arena_alloc(&r->arena, sizeof *c);
	if (c) {
		memset(c, 0, sizeof *c);
		r->ctx = c;
	}
	return c;
}

int fl_user_list_text(struct fl_req *r, const char *text)
{
	struct ctx *c = own_ctx(r);
	if (!c)
		return FL_ENOMEM;
	c->filter.text = text;
	c->as_results = 1;
	return user_list(r, c);
}

/* The roles of ?role=X and ?role[]=X&role[]=Y (Zendesk's), as bits. */
static int role_args(struct fl_req *r, unsigned *roles)
{
	static const char *const names[] = {"role", "role[]"};
	const char *v[8];

	for (size_t k = 0; k < 2; k++) {
		size_t n = fl_req_arg_all(r, names[k], v, 8);
		if (n > 8)
			return fl_req_fail(r, FL_EMALFORMED, names[k], "InvalidValue",
					   "%s: at most 8 values", names[k]);
		for (size_t i = 0; i < n; i++) {
			int role = fl_role_parse(fl_str_c(v[i]));
			if (role < 0)
				return fl_req_fail(r, FL_EMALFORMED, names[k], "InvalidValue",
						   "%s must be end-user, agent or admin", names[k]);
			*roles |= 1u << role;
		}
	}
	return 0;
}

/* GET /api/v2/users[?role=R | role[]=R…][&external_id=X][&page&per_page] */
static int h_user_list(struct fl_req *r)
{
	static const char *const args[] = {"page",   "per_page",    "role",
					   "role[]", "external_id", NULL};
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = fl_req_args_only(r, args)) || (rc = role_args(r, &c->filter.roles)))
		return rc;
	c->filter.external_id = fl_req_arg(r, "external_id");
	return user_list(r, c);
}

/* GET /api/v2/organizations/{id}/users */
static int h_org_users(struct fl_req *r)
{
	static const char *const args[] = {"page", "per_page", NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);

	if (rc)
		return rc;
	c->filter.org_id = r->id[0];
	return user_list(r, c);
}

/* GET /api/v2/users/show_many?ids=1,2,3: at most 100 people, those that
 * exist (and are active, for agents), in the order asked. */
static int tx_user_many(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		int rc = fl_user_get(tx, &r->actor, c->users[i].id, &r->arena, &c->users[k]);
		if (rc == FL_ENOTFOUND)
			continue;
		if (rc)
			return rc;
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
	return fl_users_reply_one(r, 200, "users", list);
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
	json_t *v = fl_users_body_object(r, "user"), *into = v ? json_object_get(v, "id") : NULL;
	if (!v)
		return FL_EMALFORMED;
	if (!json_is_integer(into) || json_integer_value(into) <= 0)
		return fl_req_fail(r, FL_EINVAL, "id", "InvalidValue",
				   "id: the id of the person to merge into");
	c->user.id = json_integer_value(into);
	return fl_req_write(r, tx_user_merge, render_user_changed);
}

/* identities */

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
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", "identities", list, "next_page",
				      "previous_page", "count", (json_int_t)c->n));
}

static int h_idents(struct fl_req *r)
{
	return fl_req_read(r, tx_idents, render_idents);
}

static int tx_ident_add(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_identity_add(tx, &r->actor, &c->ident, &r->arena, &r->err);
}

static int render_ident(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, 201, "identity", ident_json(&c->ident));
}

static int h_ident_add(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct ident_in in = {0};
	json_t *v = fl_users_body_object(r, "identity");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	if ((rc = fl_input_decode(v, ident_fields, &in, &r->arena, &r->err)))
		return rc;
	c->ident.type = in.type ? fl_identity_type_parse(fl_str_c(in.type)) : -1;
	if (c->ident.type < 0)
		return fl_req_fail(r, FL_EINVAL, "type", "InvalidValue",
				   "type: must be email or phone_number");
	if (in.value && !(c->ident.value = fl_arena_strdup(&r->arena, in.value)))
		return FL_ENOMEM;
	if ((rc = fl_identity_check(&c->ident, "value", &r->err)))
		return rc;
	c->ident.user_id = r->id[0];
	return fl_req_write(r, tx_ident_add, render_ident);
}

const struct fl_route fl_user_routes[] = {
	{"GET", "/api/v2/users", h_user_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/users", h_user_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/me", h_user_me, FL_ROLE_END_USER, 0, sizeof(struct ctx),
	 FL_ROUTE_SELF},
	{"GET", "/api/v2/users/me/preferences", h_prefs, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/me/preferences", h_prefs_set, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/show_many", h_user_many, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}/merge", h_user_merge, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}", h_user_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}", h_user_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/users/{id}", h_user_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/identities", h_idents, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/users/{id}/identities", h_ident_add, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}/users", h_org_users, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{0},
};
