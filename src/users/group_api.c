/* /api/v2/groups: parse, check, the domain's call (users/group.c) in a
 * transaction, Zendesk's JSON. */
#include <inttypes.h>
#include <stdio.h>

#include "core/input.h"
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

static int render_group(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, r->status ? r->status : 200, "group",
				  fl_group_json(r, &c->group));
}

/* {"group": {...}} into c->in */
static int decode_group(struct fl_req *r, struct ctx *c)
{
	json_t *v = fl_users_body_object(r, "group");
	if (!v)
		return FL_EMALFORMED;
	return fl_input_decode(v, group_fields, &c->in, &r->arena, &r->err);
}

static int tx_group_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_group_add(tx, &c->in, &c->group, &r->err);
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
	return fl_store_group_get(tx, r->id[0], &r->arena, &c->group);
}

static int h_group_show(struct fl_req *r)
{
	return fl_req_read(r, tx_group_show, render_group);
}

static int tx_group_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_group_edit(tx, r->id[0], &c->in, &r->arena, &c->group, &r->err);
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
