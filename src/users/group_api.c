/* /api/v2/groups: parse, check, the domain's call (users/group.c) in a
 * transaction, Zendesk's JSON. */
#include <inttypes.h>
#include <stdio.h>

#include "core/input.h"
#include "core/time.h"
#include "routing/routing.h"
#include "store/routing.h"
#include "store/users.h"
#include "users/api_int.h"
#include "users/user.h"

#define G(f) offsetof(struct fl_group_patch, f)

static const struct fl_field group_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, G(name), G(has_name), 0, 0},
	{"description", FL_FT_STRING, 10000, 0, 1, NULL, G(description), G(has_description), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct fl_group_patch in;
	struct fl_group group;
	struct fl_group *groups;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	/* routing: the method asked (has_routing), the group's (shown) */
	int routing, has_routing;
	int *methods; /* the list's, one a group */
};

json_t *fl_group_json(struct fl_req *r, const struct fl_group *g)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/groups/%" PRId64 ".json", fl_req_base(r), g->id);
	return json_pack("{s:I, s:s, s:s, s:s?, s:b, s:b, s:o, s:o}", "id", (json_int_t)g->id,
			 "url", url, "name", g->name, "description", g->description, "deleted",
			 g->deleted, "default", 0, "created_at", fl_json_time(g->created_at),
			 "updated_at", fl_json_time(g->updated_at));
}

/* The group as Zendesk shows it, with its routing (routing/routing.h). */
static json_t *group_routed_json(struct fl_req *r, const struct fl_group *g, int method)
{
	json_t *o = fl_group_json(r, g);
	json_object_set_new(o, "routing",
			    json_pack("{s:s}", "method", fl_routing_method_name(method)));
	return o;
}

static int render_group(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, r->status ? r->status : 200, "group",
				  group_routed_json(r, &c->group, c->routing));
}

/* "routing": {"method": "none" | "round_robin" | "least_open"} */
static int decode_routing(struct fl_req *r, struct ctx *c, json_t *v)
{
	json_t *m = json_is_object(v) ? json_object_get(v, "method") : NULL;
	int method =
		json_is_string(m) ? fl_routing_method_parse(fl_str_c(json_string_value(m))) : -1;

	if (method < 0)
		return fl_req_fail(r, FL_EINVAL, "routing.method", "InvalidValue",
				   "Routing method: one of none, round_robin, least_open");
	c->routing = method;
	c->has_routing = 1;
	return 0;
}

/* {"group": {...}} into c->in */
static int decode_group(struct fl_req *r, struct ctx *c)
{
	json_t *v = fl_users_body_object(r, "group");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	if ((rc = fl_input_decode(v, group_fields, &c->in, &r->arena, &r->err)))
		return rc;
	return json_object_get(v, "routing") ? decode_routing(r, c, json_object_get(v, "routing"))
					     : 0;
}

/* Writes the routing asked for group id; a group newly routed takes its
 * waiting tickets. */
static int routing_put(fl_tx *tx, struct ctx *c, int64_t id)
{
	int64_t last, now = fl_now();
	int was, rc;

	if (!c->has_routing)
		return fl_store_group_routing_get(tx, id, &c->routing, &last);
	if ((rc = fl_store_group_routing_get(tx, id, &was, &last)) ||
	    (rc = fl_store_group_routing_put(tx, id, c->routing, now)))
		return rc;
	return c->routing != FL_ROUTING_NONE && c->routing != was
		       ? fl_routing_drain(tx, id, 0, now, NULL)
		       : 0;
}

static int tx_group_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_group_add(tx, &c->in, &c->group, &r->err);
	return rc ? rc : routing_put(tx, c, c->group.id);
}

static int h_group_create(struct fl_req *r)
{
	int rc = decode_group(r, r->ctx);
	if (rc)
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_group_create, render_group);
}

static int tx_group_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t last;
	int rc = fl_store_group_get(tx, r->id[0], &r->arena, &c->group);
	return rc ? rc : fl_store_group_routing_get(tx, r->id[0], &c->routing, &last);
}

static int h_group_show(struct fl_req *r)
{
	return fl_req_read(r, tx_group_show, render_group);
}

static int tx_group_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_group_edit(tx, r->id[0], &c->in, &r->arena, &c->group, &r->err);
	return rc ? rc : routing_put(tx, c, r->id[0]);
}

static int h_group_update(struct fl_req *r)
{
	int rc = decode_group(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_group_update, render_group);
}

static int tx_group_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_group_remove(tx, r->id[0], &r->arena, &c->group);
}

static int h_group_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_group_delete, fl_req_no_content);
}

static int tx_group_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t last;
	int rc = fl_store_group_list(tx, (c->pg.page - 1) * c->pg.per_page, c->pg.per_page + 1,
				     &r->arena, &c->groups, &c->n, &c->total);
	if (!rc && !(c->methods = fl_arena_alloc(&r->arena, (c->n + 1) * sizeof *c->methods)))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < c->n; i++)
		rc = fl_store_group_routing_get(tx, c->groups[i].id, &c->methods[i], &last);
	return rc;
}

static int render_group_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, group_routed_json(r, &c->groups[i], c->methods[i]));
	json_object_set_new(o, "groups", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* GET /api/v2/groups[?page&per_page] */
static int h_group_list(struct fl_req *r)
{
	static const char *const args[] = {"page", "per_page", NULL};
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	return fl_req_read(r, tx_group_list, render_group_list);
}

const struct fl_route fl_group_routes[] = {
	{"GET", "/api/v2/groups", h_group_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/groups", h_group_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/groups/{id}", h_group_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/groups/{id}", h_group_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/groups/{id}", h_group_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
