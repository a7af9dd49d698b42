/* /api/v2/views: saved ticket filters, their tickets and their counts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "store/queues.h"
#include "store/tickets.h"
#include "store/views.h"
#include "tickets/ticket_api.h"
#include "views/view.h"

#define MAX_COUNT_MANY 64

struct view_in {
	const char *title, *description;
	int active;
	int64_t position;
	int has_title, has_description, has_active, has_position;
};

static const struct fl_field view_fields[] = {
	{"title", FL_FT_STRING, 255, 0, 0, NULL, offsetof(struct view_in, title),
	 offsetof(struct view_in, has_title), 0, 0},
	{"description", FL_FT_STRING, 2000, 0, 1, NULL, offsetof(struct view_in, description),
	 offsetof(struct view_in, has_description), 0, 0},
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct view_in, active),
	 offsetof(struct view_in, has_active), 0, 0},
	{"position", FL_FT_INT, 100000, 0, 0, NULL, offsetof(struct view_in, position),
	 offsetof(struct view_in, has_position), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct view_in in;
	const char *conditions;         /* JSON text, when given */
	const char *title_translations; /* JSON text, when given */
	const char *sort_by;
	int sort_desc, has_sort;
	struct fl_view view;
	struct fl_view *views;
	size_t n;
	int64_t ids[MAX_COUNT_MANY];
	int64_t counts[MAX_COUNT_MANY];
	size_t nids;
	struct fl_count_key kept; /* the view's count, for its ticket list */
};

static const struct {
	const char *name;
	int sort;
} sorts[] = {{"id", FL_SORT_ID},
	     {"created_at", FL_SORT_CREATED},
	     {"updated_at", FL_SORT_UPDATED},
	     {"priority", FL_SORT_PRIORITY},
	     {"status", FL_SORT_STATUS},
	     {"sla_next_breach_at", FL_SORT_SLA_BREACH}};

static int sort_of(const char *name)
{
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		if (name && !strcmp(name, sorts[i].name))
			return sorts[i].sort;
	return FL_SORT_UPDATED;
}

static json_t *view_json(struct fl_req *r, const struct fl_view *v)
{
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/views/%" PRId64 ".json", fl_req_base(r), v->id);
	json_t *cond = fl_json_raw(v->conditions);
	json_t *titles = fl_json_raw(v->title_translations);
	if (!json_is_object(titles)) {
		json_decref(titles);
		titles = json_object();
	}
	if (!json_object_get(cond, "all"))
		json_object_set_new(cond, "all", json_array());
	if (!json_object_get(cond, "any"))
		json_object_set_new(cond, "any", json_array());
	return json_pack("{s:I, s:s, s:s?, s:o, s:s?, s:b, s:I, s:o, s:{s:s, s:s}, s:o, s:o}", "id",
			 (json_int_t)v->id, "url", url, "title", v->title, "title_translations",
			 titles, "description", v->description, "active", v->active, "position",
			 (json_int_t)v->position, "conditions", cond, "execution", "sort_by",
			 v->sort_by ? v->sort_by : "updated_at", "sort_order",
			 v->sort_desc ? "desc" : "asc", "created_at", fl_json_time(v->created_at),
			 "updated_at", fl_json_time(v->updated_at));
}

/* The languages a view's title can be given in: the workspace's. */
static const char *const title_locales[] = {"en", "lt", "ru", "uk"};

/* One title of title_translations, read with the same rules as "title". */
struct title_in {
	const char *title;
	int has;
};

/* Reads title_translations, {"uk": "…", …}: keys among title_locales, each
 * a title of 1 to 255 characters without control characters; null or {}
 * for none. A 422 names the key that does not fit ("title_translations.uk").
 * Sets c->title_translations to the object's compact JSON text (keys
 * sorted) in r->arena. */
static int decode_title_translations(struct fl_req *r, struct ctx *c, json_t *tr)
{
	const char *key;
	json_t *value;
	char *text;

	if (!json_is_null(tr) && !json_is_object(tr))
		return fl_req_fail(r, FL_EINVAL, "title_translations", "InvalidType",
				   "title_translations: must be an object of titles by language");
	json_object_foreach(tr, key, value)
	{
		char name[64];
		struct title_in in = {0};
		const struct fl_field one[] = {
			{name, FL_FT_STRING, 255, 0, 0, NULL, offsetof(struct title_in, title),
			 offsetof(struct title_in, has), 0, 0},
			FL_FIELDS_END,
		};
		json_t *wrap;
		size_t i = 0;
		int rc;

		if (strlen(key) > 16) /* no language: named whole, it could be cut mid-letter */
			return fl_req_fail(r, FL_EINVAL, "title_translations", "InvalidValue",
					   "title_translations: use en, lt, ru or uk");
		snprintf(name, sizeof name, "title_translations.%s", key);
		while (i < sizeof title_locales / sizeof *title_locales &&
		       strcmp(key, title_locales[i]))
			i++;
		if (i == sizeof title_locales / sizeof *title_locales)
			return fl_req_fail(r, FL_EINVAL, name, "InvalidValue",
					   "%s: use en, lt, ru or uk", name);
		if (!(wrap = json_pack("{s:O}", name, value)))
			return FL_ENOMEM;
		rc = fl_input_decode(wrap, one, &in, &r->arena, &r->err);
		json_decref(wrap);
		if (rc)
			return rc;
		if (!*in.title)
			return fl_req_fail(r, FL_EINVAL, name, "Blank", "%s: cannot be blank",
					   name);
	}
	if (json_is_null(tr)) {
		c->title_translations = "{}";
		return 0;
	}
	if (!(text = json_dumps(tr, JSON_COMPACT | JSON_SORT_KEYS)))
		return FL_ENOMEM;
	c->title_translations = fl_arena_strdup(&r->arena, text);
	free(text);
	return c->title_translations ? 0 : FL_ENOMEM;
}

/* Reads {"view": {title, title_translations, description, active, position, all, any |
 * conditions: {all, any}, output|execution: {sort_by, sort_order}}}. */
static int decode_view(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = r->body ? json_object_get(r->body, "view") : NULL;
	json_t *cond, *out;
	struct fl_filter f;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "view", "InvalidRequest",
				   "the body must be {\"view\": {...}}");
	if ((rc = fl_input_decode(v, view_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if ((creating || c->in.has_title) && (!c->in.title || !*c->in.title))
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (json_object_get(v, "title_translations") &&
	    (rc = decode_title_translations(r, c, json_object_get(v, "title_translations"))))
		return rc;
	cond = json_object_get(v, "conditions");
	if (!cond && (json_object_get(v, "all") || json_object_get(v, "any"))) {
		cond = json_object();
		if (json_object_get(v, "all"))
			json_object_set(cond, "all", json_object_get(v, "all"));
		if (json_object_get(v, "any"))
			json_object_set(cond, "any", json_object_get(v, "any"));
		json_object_set_new(v, "conditions", cond);
	}
	if (cond) {
		char *text = json_dumps(cond, JSON_COMPACT);
		if (!text)
			return FL_ENOMEM;
		rc = strlen(text) > 16384
			     ? fl_req_fail(r, FL_EINVAL, "conditions", "TooLong",
					   "conditions: too large")
			     : fl_view_compile(text, r->actor.id, &r->arena, &f, &r->err);
		c->conditions = rc ? NULL : fl_arena_strdup(&r->arena, text);
		free(text);
		if (rc)
			return rc;
	} else if (creating) {
		return fl_req_fail(r, FL_EINVAL, "conditions", "Blank",
				   "conditions: a view needs \"all\" or \"any\" conditions");
	}
	out = json_object_get(v, "output");
	if (!out)
		out = json_object_get(v, "execution");
	if (json_is_object(out)) {
		const char *by = json_string_value(json_object_get(out, "sort_by"));
		const char *order = json_string_value(json_object_get(out, "sort_order"));
		if (by && sort_of(by) == FL_SORT_UPDATED && strcmp(by, "updated_at"))
			return fl_req_fail(
				r, FL_EINVAL, "sort_by", "InvalidValue",
				"sort_by: use id, created_at, updated_at, priority, status or "
				"sla_next_breach_at");
		c->sort_by = by ? fl_arena_strdup(&r->arena, by) : "updated_at";
		c->sort_desc = !order || !strcmp(order, "desc");
		c->has_sort = 1;
	}
	return 0;
}

static int render_view(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object();
	json_object_set_new(o, "view", view_json(r, &c->view));
	return fl_req_reply(r, r->status ? r->status : 200, o);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_view *v = &c->view;
	int rc;

	v->title = (char *)c->in.title;
	v->title_translations = (char *)c->title_translations;
	v->description = (char *)c->in.description;
	v->active = c->in.has_active ? c->in.active : 1;
	v->position = c->in.position;
	v->conditions = (char *)c->conditions;
	v->sort_by = (char *)(c->has_sort ? c->sort_by : "updated_at");
	v->sort_desc = c->has_sort ? c->sort_desc : 1;
	v->created_at = v->updated_at = fl_now();
	rc = fl_store_view_insert(tx, v);
	/* answer with what was stored, defaults included */
	return rc ? rc : fl_store_view_get(tx, v->id, &r->arena, v);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_view(r, c, 1)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_create, render_view);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_view_get(tx, r->id[0], &r->arena, &c->view);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_view);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_view *v = &c->view;
	int rc = fl_store_view_get(tx, r->id[0], &r->arena, v);
	if (rc)
		return rc;
	if (c->in.has_title)
		v->title = (char *)c->in.title;
	if (c->title_translations)
		v->title_translations = (char *)c->title_translations;
	if (c->in.has_description)
		v->description = (char *)(c->in.description ? c->in.description : "");
	if (c->in.has_active)
		v->active = c->in.active;
	if (c->in.has_position)
		v->position = c->in.position;
	if (c->conditions)
		v->conditions = (char *)c->conditions;
	if (c->has_sort) {
		v->sort_by = (char *)c->sort_by;
		v->sort_desc = c->sort_desc;
	}
	v->updated_at = fl_now();
	return fl_store_view_update(tx, v);
}

static int h_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_view(r, c, 0)))
		return rc;
	return fl_req_write(r, tx_update, render_view);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_view_get(tx, r->id[0], &r->arena, &c->view);
	return rc ? rc : fl_store_view_delete(tx, r->id[0]);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_view_list(tx, !strcmp(r->route->pattern, "/api/v2/views/active"), &r->arena,
				  &c->views, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, view_json(r, &c->views[i]));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", "views", list, "next_page",
				      "previous_page", "count", (json_int_t)c->n));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

/* Counts views c->ids[0..nids) for the actor: each count is kept while
 * no ticket is written (fl_store_ticket_count_kept), so that the
 * workspace's refreshes of every queue cost a look-up, and is exact
 * either way ("fresh"). */
static int tx_counts(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	for (size_t i = 0; i < c->nids; i++) {
		struct fl_view v;
		struct fl_filter f;
		int rc = fl_store_view_get(tx, c->ids[i], &r->arena, &v);
		if (rc)
			return rc;
		rc = fl_view_compile(v.conditions, r->actor.id, &r->arena, &f, &r->err);
		if (!rc)
			rc = fl_ticket_scope(&r->actor, &f);
		if (!rc)
			rc = fl_store_ticket_count_kept(
				tx, &(struct fl_count_key){v.id, r->actor.id}, &f, &c->counts[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static json_t *count_json(struct fl_req *r, int64_t id, int64_t n)
{
	char url[256], pretty[32];
	snprintf(url, sizeof url, "%s/api/v2/views/%" PRId64 "/count.json", fl_req_base(r), id);
	snprintf(pretty, sizeof pretty, "%" PRId64, n);
	return json_pack("{s:I, s:s, s:I, s:s, s:b, s:b}", "view_id", (json_int_t)id, "url", url,
			 "value", (json_int_t)n, "pretty", pretty, "fresh", 1, "active", 1);
}

static int render_count(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(
		r, 200, json_pack("{s:o}", "view_count", count_json(r, c->ids[0], c->counts[0])));
}

static int h_count(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->ids[0] = r->id[0];
	c->nids = 1;
	return fl_req_read(r, tx_counts, render_count);
}

static int render_count_many(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->nids; i++)
		json_array_append_new(list, count_json(r, c->ids[i], c->counts[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "view_counts", list));
}

static int h_count_many(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_req_ids(r, c->ids, MAX_COUNT_MANY, &c->nids);
	return rc ? rc : fl_req_read(r, tx_counts, render_count_many);
}

static int tx_view_filter(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_view_get(tx, r->id[0], &r->arena, &c->view);
}

static int render_view_tickets(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_filter f;
	int sort = sort_of(c->view.sort_by), desc = c->view.sort_desc, rc;

	rc = fl_view_compile(c->view.conditions, r->actor.id, &r->arena, &f, &r->err);
	if (!rc && (fl_req_arg(r, "sort") || fl_req_arg(r, "sort_by")))
		rc = fl_ticket_sort_arg(r, sort, desc, &sort, &desc);
	if (rc)
		return rc;
	c->kept = (struct fl_count_key){c->view.id, r->actor.id};
	return fl_ticket_list_filtered(r, &f, sort, desc, &c->kept);
}

static int h_view_tickets(struct fl_req *r)
{
	return fl_req_read(r, tx_view_filter, render_view_tickets);
}

const struct fl_route fl_view_routes[] = {
	{"GET", "/api/v2/views", h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/views/active", h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/views/count_many", h_count_many, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/views", h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/views/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/views/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/views/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/views/{id}/tickets", h_view_tickets, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/views/{id}/count", h_count, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
