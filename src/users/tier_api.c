/* /api/v2/tiers: customer tiers (users/tier.h). Agents read, admins write.
 *   GET/POST          /api/v2/tiers
 *   GET/PUT/DELETE    /api/v2/tiers/{id}
 * The list counts each tier's people and organizations unless asked not
 * to (?counts=false): a range of an index each, some 0.1 s with a million
 * customers on tiers, which pages that want only the names need not pay.
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "sla/refresh.h"
#include "store/tiers.h"
#include "users/tier.h"

struct tier_in {
	const char *name;
	int64_t position;
	int has_name, has_position;
};

#define T(m) offsetof(struct tier_in, m)
static const struct fl_field tier_fields[] = {
	{"name", FL_FT_STRING, FL_TIER_NAME_MAX, 0, 0, NULL, T(name), T(has_name), 0, 0},
	{"position", FL_FT_INT, FL_TIERS_MAX, 0, 0, NULL, T(position), T(has_position), 0, 1},
	FL_FIELDS_END,
};

struct ctx {
	int counts; /* the list: with each tier's counts */
	struct tier_in in;
	struct fl_tier tier;
	struct fl_tier *tiers;
	size_t n;
};

/* A tier; its counts unless counts is 0 (the list asked without them). */
static json_t *tier_json(struct fl_req *r, const struct fl_tier *t, int counts)
{
	char url[400];
	json_t *o;

	snprintf(url, sizeof url, "%s/api/v2/tiers/%lld.json", fl_req_base(r), (long long)t->id);
	o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "id", (json_int_t)t->id, "url",
		      url, "name", t->name, "position", (json_int_t)t->position, "users_count",
		      (json_int_t)t->users_count, "organizations_count",
		      (json_int_t)t->organizations_count, "created_at", fl_json_time(t->created_at),
		      "updated_at", fl_json_time(t->updated_at));
	if (o && !counts) {
		json_object_del(o, "users_count");
		json_object_del(o, "organizations_count");
	}
	return o;
}

static int render_tier(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "tier", tier_json(r, &c->tier, 1)));
}

/* Reads {"tier": {"name", "position"}}; what is left out stays as it was. */
static int decode_tier(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "tier") : NULL;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "tier", "InvalidRequest",
				   "the body must be {\"tier\": {...}}");
	return fl_input_decode(v, tier_fields, &c->in, &r->arena, &r->err);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_tier_list(tx, c->counts, &r->arena, &c->tiers, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, tier_json(r, &c->tiers[i], c->counts));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "tiers", list, "count", (json_int_t)c->n));
}

static int h_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *counts = fl_req_arg(r, "counts");

	if (counts && strcmp(counts, "true") && strcmp(counts, "false"))
		return fl_req_fail(r, FL_EINVAL, "counts", "InvalidValue", "counts: true or false");
	c->counts = !counts || !strcmp(counts, "true");
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_tier_create(tx, &c->tier, &r->arena, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_tier(r, c);

	if (rc)
		return rc;
	if (!c->in.has_name)
		return fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	c->tier.name = (char *)c->in.name;
	c->tier.position = c->in.has_position ? c->in.position : 0;
	if ((rc = fl_tier_name_check(c->tier.name, &r->err)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_create, render_tier);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_tier_get(tx, r->id[0], &r->arena, &c->tier);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_tier);
}

/* Renames or moves tier r->id[0] and reads it back, counts and all. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_tier *t = &c->tier;
	int rc = fl_store_tier_get(tx, r->id[0], &r->arena, t);

	if (rc)
		return rc;
	if (c->in.has_name)
		t->name = (char *)c->in.name;
	if (c->in.has_position)
		t->position = c->in.position;
	if ((rc = fl_tier_update(tx, t, &r->arena, &r->err)))
		return rc;
	return fl_store_tier_get(tx, t->id, &r->arena, t);
}

static int h_update(struct fl_req *r)
{
	int rc = decode_tier(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_tier);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	int rc = fl_tier_delete(tx, r->id[0], &r->arena, &r->err);
	/* its people and organizations are on no tier now */
	return rc ? rc : fl_sla_recompute_later(tx, NULL);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

#define TIERS "/api/v2/tiers"
const struct fl_route fl_tier_routes[] = {
	{"GET", TIERS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", TIERS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", TIERS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", TIERS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", TIERS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
