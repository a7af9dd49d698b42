/* /api/v2/macros: macros in Zendesk's shapes (rules/macro.h). Agents read
 * and apply what they may see, write their personal macros; admins write
 * shared ones.
 *   GET/POST          /api/v2/macros          (?access=personal|shared,
 *                                              active, sort_by, sort_order,
 *                                              page, per_page)
 *   GET               /api/v2/macros/active
 *   GET               /api/v2/macros/search   (?query=, and the above)
 *   GET               /api/v2/macros/actions
 *   GET/PUT/DELETE    /api/v2/macros/{id}
 *   GET               /api/v2/macros/{id}/apply
 *   GET               /api/v2/tickets/{id}/macros/{id}/apply
 * Applying writes nothing to the ticket (the agent submits what it gives);
 * the ticket's apply counts a use of the macro. A write that does not
 * validate is refused whole (422 naming the field) before anything is
 * written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "rules/macro.h"
#include "store/macros.h"

struct macro_in {
	const char *title, *description, *actions_text;
	int active;
	int has_title, has_description, has_active, has_actions;
};

#define M(m) offsetof(struct macro_in, m)
static const struct fl_field macro_fields[] = {
	{"title", FL_FT_STRING, FL_MACRO_TITLE_MAX, 0, 0, NULL, M(title), M(has_title), 0, 0},
	{"description", FL_FT_STRING, FL_MACRO_DESCRIPTION_MAX, 0, 1, NULL, M(description),
	 M(has_description), 0, 0},
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, M(active), M(has_active), 0, 0},
	/* read here for its size only; the rules model reads it */
	{"actions", FL_FT_JSON, FL_RULE_JSON_MAX, 0, 0, NULL, M(actions_text), M(has_actions), 0,
	 0},
	FL_FIELDS_END,
};

enum { SORT_POSITION, SORT_TITLE, SORT_CREATED, SORT_UPDATED, SORT_USAGE };

struct ctx {
	struct macro_in in;
	struct fl_macro parsed; /* restriction, translations and rule as sent */
	int has_restriction, has_translations;
	struct fl_macro macro;
	struct fl_macro *macros;
	size_t n;
	/* lists */
	int access; /* 0 all, 1 personal, 2 shared */
	int active; /* -1 all, 0, 1 */
	int sort, desc;
	const char *query;
	struct fl_req_page pg;
	/* apply */
	struct fl_macro_result result;
	int64_t ticket_id;
};

/* Reads {"macro": {...}}: what is left out stays as it was. */
static int decode_macro(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "macro") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "macro", "InvalidRequest",
				   "the body must be {\"macro\": {...}}");
	if ((rc = fl_input_decode(v, macro_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (c->in.has_actions &&
	    (rc = fl_rule_decode(FL_RULE_MACRO, NULL, json_object_get(v, "actions"), &r->arena,
				 &c->parsed.rule, &r->err)))
		return rc;
	if ((c->has_restriction = json_object_get(v, "restriction") != NULL) &&
	    (rc = fl_macro_decode_restriction(json_object_get(v, "restriction"), &c->parsed,
					      &r->err)))
		return rc;
	c->has_translations = json_object_get(v, "translations") != NULL;
	return fl_macro_decode_translations(json_object_get(v, "translations"), &r->arena,
					    &c->parsed, &r->err);
}

static void apply_input(const struct ctx *c, struct fl_macro *m)
{
	if (c->in.has_title)
		m->title = (char *)c->in.title;
	if (c->in.has_description)
		m->description = (char *)(c->in.description ? c->in.description : "");
	if (c->in.has_active)
		m->active = c->in.active;
	if (c->in.has_actions)
		m->rule = c->parsed.rule;
	if (c->has_restriction) {
		m->owner_id = c->parsed.owner_id;
		m->ngroups = c->parsed.ngroups;
		memcpy(m->group_ids, c->parsed.group_ids, sizeof m->group_ids);
	}
	for (int l = 0; l < FL_LANG__MAX; l++)
		if (c->parsed.replies[l])
			m->replies[l] = c->parsed.replies[l];
}

static json_t *macro_json(struct fl_req *r, const struct fl_macro *m)
{
	char url[400];
	json_t *actions = fl_json_raw(m->actions_json);

	snprintf(url, sizeof url, "%s/api/v2/macros/%lld.json", fl_req_base(r), (long long)m->id);
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o, s:I, s:I, s:o, s:o}", "id",
			 (json_int_t)m->id, "url", url, "title", m->title, "description",
			 m->description ? m->description : "", "active", m->active, "position",
			 (json_int_t)m->position, "restriction", fl_macro_restriction_json(m),
			 "actions", actions ? actions : json_array(), "translations",
			 fl_macro_translations_json(m), "usage_count", (json_int_t)m->usage_count,
			 "created_by", (json_int_t)m->created_by, "created_at",
			 fl_json_time(m->created_at), "updated_at", fl_json_time(m->updated_at));
}

static int render_macro(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "macro", macro_json(r, &c->macro)));
}

/* ---- lists ---- */

static _Thread_local int sort_key;

static int cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int by_key(const void *pa, const void *pb)
{
	const struct fl_macro *a = pa, *b = pb;
	int d = 0;
	switch (sort_key) {
	case SORT_TITLE: d = strcmp(a->title, b->title); break;
	case SORT_CREATED: d = cmp64(a->created_at, b->created_at); break;
	case SORT_UPDATED: d = cmp64(a->updated_at, b->updated_at); break;
	case SORT_USAGE: d = cmp64(a->usage_count, b->usage_count); break;
	default: d = cmp64(a->position, b->position);
	}
	return d ? d : cmp64(a->id, b->id);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_macro_list(tx, &r->actor, &r->arena, &c->macros, &c->n);
}

static int keep(const struct ctx *c, const struct fl_macro *m)
{
	if (c->active >= 0 && m->active != c->active)
		return 0;
	if (c->access == 1 && !m->owner_id)
		return 0;
	if (c->access == 2 && m->owner_id)
		return 0;
	return !c->query || fl_macro_matches(m->title, c->query);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = 0, from = (c->pg.page - 1) * c->pg.per_page;

	for (size_t i = 0; i < c->n; i++)
		if (keep(c, &c->macros[i]))
			c->macros[n++] = c->macros[i];
	sort_key = c->sort;
	qsort(c->macros, n, sizeof *c->macros, by_key);
	for (size_t i = from; i < n && i < from + c->pg.per_page; i++)
		json_array_append_new(list, macro_json(r, &c->macros[c->desc ? n - 1 - (i) : i]));
	o = json_pack("{s:o}", "macros", list);
	fl_req_page_links(r, &c->pg, o, n > from + c->pg.per_page, (int64_t)n, 0, 0);
	return fl_req_reply(r, 200, o);
}

static int bad_arg(struct fl_req *r, const char *name, const char *what)
{
	return fl_req_fail(r, FL_EINVAL, name, "InvalidValue", "%s: %s", name, what);
}

static int one_of(const char *z, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(z, names[i]))
			return i;
	return -1;
}

static int read_list_args(struct fl_req *r, struct ctx *c)
{
	static const char *const allowed[] = {"access", "active",   "sort_by", "sort_order",
					      "page",   "per_page", "query",   NULL};
	static const char *const sorts[] = {"position", "alphabetical", "created_at", "updated_at",
					    "usage_count"};
	const char *access = fl_req_arg(r, "access"), *active = fl_req_arg(r, "active"),
		   *sort = fl_req_arg(r, "sort_by"), *order = fl_req_arg(r, "sort_order");
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = fl_req_paging(r, &c->pg)))
		return rc;
	/* macros page by offset: a page[size] is the page's size */
	c->pg.cursor = 0;
	c->active = -1;
	if (access &&
	    (c->access = one_of(access, (const char *const[]){"personal", "shared"}, 2) + 1) == 0)
		return bad_arg(r, "access", "must be personal or shared");
	if (active && strcmp(active, "true") && strcmp(active, "false"))
		return bad_arg(r, "active", "must be true or false");
	if (active)
		c->active = !strcmp(active, "true");
	if (sort && (c->sort = one_of(sort, sorts, 5)) < 0)
		return bad_arg(r, "sort_by",
			       "must be position, alphabetical, created_at, updated_at or "
			       "usage_count");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return bad_arg(r, "sort_order", "must be asc or desc");
	c->desc = order && !strcmp(order, "desc");
	return 0;
}

static int h_list(struct fl_req *r)
{
	int rc = read_list_args(r, r->ctx);
	return rc ? rc : fl_req_read(r, tx_list, render_list);
}

static int h_active(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = read_list_args(r, c);
	c->active = 1;
	return rc ? rc : fl_req_read(r, tx_list, render_list);
}

static int h_search(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = read_list_args(r, c);

	if (rc)
		return rc;
	c->query = fl_req_arg(r, "query");
	if (!c->query || !c->query[strspn(c->query, " ")])
		return fl_req_fail(r, FL_EINVAL, "query", "Blank", "query: cannot be blank");
	if (strlen(c->query) > FL_MACRO_QUERY_MAX)
		return fl_req_fail(r, FL_EINVAL, "query", "TooLong", "query: at most %d bytes",
				   FL_MACRO_QUERY_MAX);
	return fl_req_read(r, tx_list, render_list);
}

/* ---- one macro ---- */

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_macro_create(tx, &r->actor, &c->macro, &r->arena, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = decode_macro(r, c)))
		return rc;
	if (!c->in.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	c->macro.active = 1;
	c->macro.description = "";
	/* an agent's macro is their own unless they say otherwise (and
	 * then it is refused: shared macros are the admins') */
	if (!c->has_restriction && r->actor.role < FL_ROLE_ADMIN)
		c->macro.owner_id = r->actor.id;
	apply_input(c, &c->macro);
	r->status = 201;
	return fl_req_write(r, tx_create, render_macro);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_macro_get(tx, &r->actor, r->id[0], &r->arena, &c->macro);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_macro);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_macro_get(tx, &r->actor, r->id[0], &r->arena, &c->macro);

	if (rc)
		return rc;
	if (!fl_macro_writable(&c->macro, &r->actor))
		return fl_err_set(&r->err, FL_EFORBIDDEN, "restriction", "Forbidden",
				  "shared macros are changed by admins");
	apply_input(c, &c->macro);
	return fl_macro_update(tx, &r->actor, &c->macro, &r->arena, &r->err);
}

static int h_update(struct fl_req *r)
{
	int rc = decode_macro(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_macro);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_macro_delete(tx, &r->actor, r->id[0], &r->arena);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

/* ---- applying ---- */

static json_t *name_or_null(const char *z)
{
	return z ? json_string(z) : json_null();
}

static int render_apply(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const struct fl_macro_result *x = &c->result;
	const struct fl_ticket_patch *p = &x->p;
	json_t *t = json_object(), *res = json_object();

	if (c->ticket_id)
		json_object_set_new(t, "id", json_integer(c->ticket_id));
	if (p->has_status)
		json_object_set_new(t, "status", json_string(fl_status_name(p->status)));
	if (p->has_priority)
		json_object_set_new(t, "priority", name_or_null(fl_priority_name(p->priority)));
	if (p->has_type)
		json_object_set_new(t, "type", name_or_null(fl_type_name(p->type)));
	if (p->has_group)
		json_object_set_new(t, "group_id", fl_json_id(p->group_id));
	if (p->has_assignee)
		json_object_set_new(t, "assignee_id", fl_json_id(p->assignee_id));
	if (p->has_complaint)
		json_object_set_new(t, "complaint",
				    p->complaint_reason_id
					    ? json_pack("{s:I}", "reason_id",
							(json_int_t)p->complaint_reason_id)
					    : json_null());
	if (x->has_tags) {
		json_t *tags = json_array();
		for (size_t i = 0; i < x->ntags; i++)
			json_array_append_new(tags, json_string(x->tags[i]));
		json_object_set_new(t, "tags", tags);
	}
	if (p->nfollower_add) {
		json_t *f = json_array();
		for (size_t i = 0; i < p->nfollower_add; i++)
			json_array_append_new(f, json_pack("{s:I, s:s}", "user_id",
							   (json_int_t)p->follower_add[i], "action",
							   "put"));
		json_object_set_new(t, "followers", f);
	}
	json_object_set_new(res, "ticket", t);
	if (x->has_comment)
		json_object_set_new(res, "comment",
				    json_pack("{s:s, s:s, s:b}", "body", x->body, "html_body",
					      x->html_body, "public", x->public));
	return fl_req_reply(r, 200, json_pack("{s:o}", "result", res));
}

static int tx_apply(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t mid = c->ticket_id ? r->id[1] : r->id[0];
	/* nothing is written: a use is counted when the agent submits the
	 * ticket with the macro's id (macro_ids, fl_macros_used) */
	return fl_macro_apply(tx, &r->actor, mid, c->ticket_id, &r->arena, &c->result, &r->err);
}

static int h_apply(struct fl_req *r)
{
	return fl_req_read(r, tx_apply, render_apply);
}

static int h_ticket_apply(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->ticket_id = r->id[0];
	return fl_req_read(r, tx_apply, render_apply);
}

/* ---- what the editor offers ---- */

static json_t *action_json(int act)
{
	const char *name = fl_rule_action_name(act);
	json_t *o = json_pack("{s:s, s:s, s:s}", "title", name, "subject", name, "group",
			      act <= FL_RA_FOLLOWER ? "ticket" : "comment");
	json_t *v;
	switch (act) {
	case FL_RA_STATUS: v = fl_rule_names_json(fl_status_name, 0, FL_STATUS__MAX); break;
	case FL_RA_PRIORITY: v = fl_rule_names_json(fl_priority_name, 1, FL_PRIORITY__MAX); break;
	case FL_RA_TYPE: v = fl_rule_names_json(fl_type_name, 1, FL_TYPE__MAX); break;
	case FL_RA_COMMENT_PUBLIC: v = fl_rule_names_json(fl_rule_bool_name, 0, 2); break;
	default: v = NULL;
	}
	if (v)
		json_object_set_new(o, "values",
				    json_pack("{s:s, s:o}", "type", "list", "list", v));
	else if (act == FL_RA_GROUP)
		json_object_set_new(o, "values",
				    json_pack("{s:s, s:s}", "type", "id", "url", "/api/v2/groups"));
	else if (act == FL_RA_COMPLAINT)
		json_object_set_new(o, "values",
				    json_pack("{s:s, s:s}", "type", "id", "url",
					      "/api/v2/complaint_reasons"));
	else if (act == FL_RA_ASSIGNEE || act == FL_RA_FOLLOWER)
		json_object_set_new(o, "values",
				    json_pack("{s:s, s:s}", "type", "id", "url", "/api/v2/users"));
	else
		json_object_set_new(o, "values", json_pack("{s:s}", "type", "text"));
	return o;
}

static int h_actions(struct fl_req *r)
{
	json_t *list = json_array();
	for (int x = 0; x < FL_RA__MAX; x++)
		if (fl_rule_action_allowed(FL_RULE_MACRO, x))
			json_array_append_new(list, action_json(x));
	return fl_req_reply(r, 200, json_pack("{s:o}", "actions", list));
}

#define MACROS "/api/v2/macros"
const struct fl_route fl_macro_routes[] = {
	{"GET", MACROS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", MACROS, h_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", MACROS "/active", h_active, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", MACROS "/search", h_search, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", MACROS "/actions", h_actions, FL_ROLE_AGENT, 0, 0},
	{"GET", MACROS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", MACROS "/{id}", h_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", MACROS "/{id}", h_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", MACROS "/{id}/apply", h_apply, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/macros/{id}/apply", h_ticket_apply, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{0},
};
