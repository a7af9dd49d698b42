/* /api/v2/organizations: parse, check, the domain's call (users/org.c) in
 * a transaction, Zendesk's JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "sla/refresh.h"
#include "store/users.h"
#include "users/api_int.h"
#include "users/user_api.h"

#define O(f) offsetof(struct fl_org_patch, f)

static const struct fl_field org_fields[] = {
	{"name", FL_FT_STRING, 255, 0, 0, NULL, O(name), O(has_name), 0, 0},
	{"details", FL_FT_STRING, 10000, 0, 1, NULL, O(details), O(has_details), 0, 0},
	{"notes", FL_FT_STRING, 10000, 0, 1, NULL, O(notes), O(has_notes), 0, 0},
	{"domain_names", FL_FT_JSON, 8192, 0, 1, NULL, O(domain_names), O(has_domains), 0, 0},
	{"tags", FL_FT_JSON, 8192, 0, 1, NULL, O(tags), O(has_tags), 0, 0},
	{"external_id", FL_FT_STRING, 255, 0, 1, NULL, O(external_id), O(has_external_id), 0, 0},
	{"tier_id", FL_FT_ID, 0, 0, 1, NULL, O(tier_id), O(has_tier), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct fl_org_patch in;
	struct fl_org org;
	struct fl_org *orgs;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	const char *text, *external_id;
	int as_results; /* render as search results: {"results": [{…, "result_type"}]} */
};

json_t *fl_org_json(struct fl_req *r, const struct fl_org *o)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/organizations/%" PRId64 ".json", fl_req_base(r),
		 o->id);
	return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:o, s:o, s:s?, s:o, s:o, s:o, s:b, s:n}",
			 "id", (json_int_t)o->id, "url", url, "name", o->name, "details",
			 o->details, "notes", o->notes, "domain_names",
			 fl_json_raw(o->domain_names), "tags", fl_json_raw(o->tags), "external_id",
			 o->external_id, "tier_id", fl_json_id(o->tier_id), "created_at",
			 fl_json_time(o->created_at), "updated_at", fl_json_time(o->updated_at),
			 "shared_tickets", 0, "group_id");
}

static int render_org(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_users_reply_one(r, r->status ? r->status : 200, "organization",
				  fl_org_json(r, &c->org));
}

/* {"organization": {...}} into c->in */
static int decode_org(struct fl_req *r, struct ctx *c)
{
	json_t *v = fl_users_body_object(r, "organization");
	int rc;
	if (!v)
		return FL_EMALFORMED;
	rc = fl_input_decode(v, org_fields, &c->in, &r->arena, &r->err);
	if (!rc && c->in.has_domains && c->in.domain_names)
		rc = fl_users_string_array(r, "domain_names", c->in.domain_names, 50);
	if (!rc && c->in.has_tags && c->in.tags)
		rc = fl_users_string_array(r, "tags", c->in.tags, 64);
	return rc;
}

static int tx_org_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_org_add(tx, &c->in, &c->org, &r->err);
}

static int h_org_create(struct fl_req *r)
{
	int rc = decode_org(r, r->ctx);
	if (rc)
		return rc;
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
	int rc = fl_org_edit(tx, r->id[0], &c->in, &r->arena, &c->org, &r->err);
	/* a new tier may change the promise on its people's tickets, under
	 * any organization: everyone's are measured again */
	return rc || !c->in.has_tier ? rc : fl_sla_recompute_later(tx, NULL);
}

static int h_org_update(struct fl_req *r)
{
	int rc = decode_org(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_org_update, render_org);
}

static int tx_org_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_org_remove(tx, r->id[0], &r->arena);
}

static int h_org_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_org_delete, fl_req_no_content);
}

/* lists */

static int tx_org_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_org_list(tx, c->text, c->external_id, (c->pg.page - 1) * c->pg.per_page,
				 c->pg.per_page + 1, &r->arena, &c->orgs, &c->n, &c->total);
}

static int render_org_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o, *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_org_json(r, &c->orgs[i]));
	o = fl_users_list_reply(list, c->as_results, "organizations", "organization");
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* Offset paging (organizations are not paged by cursor) and the list. */
static int org_list(struct fl_req *r, struct ctx *c)
{
	int rc = fl_req_paging(r, &c->pg);
	if (rc)
		return rc;
	c->pg.cursor = 0;
	return fl_req_read(r, tx_org_list, render_org_list);
}

int fl_org_list_text(struct fl_req *r, const char *text)
{
	struct ctx *c = fl_arena_alloc(&r->arena, sizeof *c);
	if (!c)
		return FL_ENOMEM;
	memset(c, 0, sizeof *c);
	r->ctx = c;
	c->text = text;
	c->as_results = 1;
	return org_list(r, c);
}

/* GET /api/v2/organizations[?external_id=X][&page&per_page] */
static int h_org_list(struct fl_req *r)
{
	static const char *const args[] = {"page", "per_page", "external_id", NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);

	if (rc)
		return rc;
	c->external_id = fl_req_arg(r, "external_id");
	return org_list(r, c);
}

/* GET /api/v2/organizations/search?external_id=X: Zendesk's look-up of an
 * organization by another system's key; the key is required. */
static int h_org_search(struct fl_req *r)
{
	static const char *const args[] = {"page", "per_page", "external_id", NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);

	if (rc)
		return rc;
	if (!(c->external_id = fl_req_arg(r, "external_id")))
		return fl_req_fail(r, FL_EMALFORMED, "external_id", "InvalidValue",
				   "external_id: say which organization to find");
	return org_list(r, c);
}

/* GET /api/v2/organizations/autocomplete?name=X: the organizations whose
 * name contains X (Zendesk matches its start; within a name is what a
 * picker needs when "Acme" is "The Acme Company"), by id, paged. */
static int h_org_autocomplete(struct fl_req *r)
{
	static const char *const args[] = {"page", "per_page", "name", NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);

	if (rc)
		return rc;
	c->text = fl_req_arg(r, "name");
	if (!c->text || !*c->text)
		return fl_req_fail(r, FL_EMALFORMED, "name", "Blank",
				   "name: say what the organization's name contains");
	return org_list(r, c);
}

const struct fl_route fl_org_routes[] = {
	{"GET", "/api/v2/organizations", h_org_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/organizations", h_org_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/search", h_org_search, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/autocomplete", h_org_autocomplete, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}", h_org_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/organizations/{id}", h_org_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/organizations/{id}", h_org_delete, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{0},
};
