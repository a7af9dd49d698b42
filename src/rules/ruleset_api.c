/* /api/v2/triggers and /api/v2/automations: the ordered rule sets
 * (rules/ruleset.h) in Zendesk's shapes, one set of handlers for both,
 * the route's path choosing the kind. Agents read, admins write.
 *   GET/POST          /api/v2/{triggers|automations}          (?active=true|false)
 *   GET               /api/v2/{…}/active
 *   GET/PUT/DELETE    /api/v2/{…}/{id}
 *   PUT               /api/v2/{…}/reorder  {"trigger_ids"|"automation_ids": [...]}
 *   GET               /api/v2/{…}/definitions
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "rules/automation.h"
#include "rules/trigger.h"

/* the reorder list's room: the larger kind's most */
#define IDS_MAX (FL_TRIGGER_MAX > FL_AUTOMATION_MAX ? FL_TRIGGER_MAX : FL_AUTOMATION_MAX)

struct rule_in {
	const char *title, *description, *conditions_text, *actions_text;
	int active;
	int64_t position;
	int has_title, has_description, has_active, has_position, has_conditions, has_actions;
};

#define T(m) offsetof(struct rule_in, m)
/* the tables as one reads them written out; clang-format folds a macro's */
/* clang-format off */
#define RULE_FIELDS(max) {                                                                      \
	{"title", FL_FT_STRING, FL_RULESET_TITLE_MAX, 0, 0, NULL, T(title), T(has_title), 0, 0}, \
	{"description", FL_FT_STRING, FL_RULESET_DESCRIPTION_MAX, 0, 1, NULL, T(description),    \
	 T(has_description), 0, 0},                                                              \
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, T(active), T(has_active), 0, 0},                   \
	{"position", FL_FT_INT, max, 0, 0, NULL, T(position), T(has_position), 0, 1},            \
	/* read here for their size only; the rules model reads them */                          \
	{"conditions", FL_FT_JSON, FL_RULE_JSON_MAX, 0, 0, NULL, T(conditions_text),             \
	 T(has_conditions), 0, 0},                                                               \
	{"actions", FL_FT_JSON, FL_RULE_JSON_MAX, 0, 0, NULL, T(actions_text), T(has_actions),   \
	 0, 0},                                                                                  \
	FL_FIELDS_END,                                                                           \
}
/* clang-format on */
static const struct fl_field trigger_fields[] = RULE_FIELDS(FL_TRIGGER_MAX);
static const struct fl_field automation_fields[] = RULE_FIELDS(FL_AUTOMATION_MAX);

struct reorder_in {
	int64_t ids[IDS_MAX];
	size_t n;
	int has_ids;
};

/* clang-format off */
#define REORDER_FIELDS(key, max) {                                                              \
	{key, FL_FT_IDS, max, 0, 0, NULL, offsetof(struct reorder_in, ids),                      \
	 offsetof(struct reorder_in, has_ids), offsetof(struct reorder_in, n), 0},               \
	FL_FIELDS_END,                                                                           \
}
/* clang-format on */
static const struct fl_field trigger_order[] = REORDER_FIELDS("trigger_ids", FL_TRIGGER_MAX);
static const struct fl_field automation_order[] =
	REORDER_FIELDS("automation_ids", FL_AUTOMATION_MAX);

/* What the handlers need of a kind beyond rules/ruleset.h's descriptor. */
struct api_kind {
	const struct fl_ruleset_kind *k;
	const char *path;                      /* "/api/v2/triggers" */
	const char *ids;                       /* "trigger_ids" */
	const struct fl_field *fields, *order; /* the body's, the reorder's */
};

#define TRIGGERS "/api/v2/triggers"
#define AUTOMATIONS "/api/v2/automations"
static const struct api_kind triggers = {&fl_triggers, TRIGGERS, "trigger_ids", trigger_fields,
					 trigger_order};
static const struct api_kind automations = {&fl_automations, AUTOMATIONS, "automation_ids",
					    automation_fields, automation_order};

/* The kind of the route r came by: its path says. */
static const struct api_kind *kind_of(const struct fl_req *r)
{
	return strncmp(r->route->pattern, AUTOMATIONS, strlen(AUTOMATIONS)) ? &triggers
									    : &automations;
}

struct ctx {
	const struct api_kind *kind;
	struct rule_in in;
	struct fl_rule rule;
	struct reorder_in order;
	struct fl_ruleset_rule item;
	struct fl_ruleset_rule *items;
	size_t n;
	int active_only; /* 1: active, 0: all, -1: inactive */
};

/* The request's state with its kind set. */
static struct ctx *ctx_of(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->kind = kind_of(r);
	return c;
}

/* Reads {"<one>": {...}}: what is left out stays as it was. */
static int decode_rule(struct fl_req *r, struct ctx *c)
{
	const struct fl_ruleset_kind *k = c->kind->k;
	json_t *v = r->body ? json_object_get(r->body, k->one) : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, k->one, "InvalidRequest",
				   "the body must be {\"%s\": {...}}", k->one);
	if ((rc = fl_input_decode(v, c->kind->fields, &c->in, &r->arena, &r->err)))
		return rc;
	if ((c->in.has_conditions || c->in.has_actions) &&
	    (rc = fl_rule_decode(k->kind, json_object_get(v, "conditions"),
				 json_object_get(v, "actions"), &r->arena, &c->rule, &r->err)))
		return rc;
	return 0;
}

static void apply(const struct ctx *c, struct fl_ruleset_rule *t)
{
	if (c->in.has_title)
		t->title = (char *)c->in.title;
	if (c->in.has_description)
		t->description = (char *)(c->in.description ? c->in.description : "");
	if (c->in.has_active)
		t->active = c->in.active;
	t->position = c->in.has_position ? c->in.position : t->position;
	if (c->in.has_conditions) {
		t->rule.all = c->rule.all;
		t->rule.nall = c->rule.nall;
		t->rule.any = c->rule.any;
		t->rule.nany = c->rule.nany;
	}
	if (c->in.has_actions) {
		t->rule.actions = c->rule.actions;
		t->rule.nactions = c->rule.nactions;
	}
}

static json_t *rule_json(struct fl_req *r, const struct ctx *c, const struct fl_ruleset_rule *t)
{
	char url[400];

	snprintf(url, sizeof url, "%s%s/%lld.json", fl_req_base(r), c->kind->path,
		 (long long)t->id);
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)t->id, "url", url, "title", t->title, "description",
			 t->description ? t->description : "", "active", t->active, "position",
			 (json_int_t)t->position, "conditions", fl_json_raw(t->conditions_json),
			 "actions", fl_json_raw(t->actions_json), "created_at",
			 fl_json_time(t->created_at), "updated_at", fl_json_time(t->updated_at));
}

static int render_rule(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", c->kind->k->one, rule_json(r, c, &c->item)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ruleset_list(tx, c->kind->k, c->active_only == 1, &r->arena, &c->items, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->active_only >= 0 || !c->items[i].active) {
			json_array_append_new(list, rule_json(r, c, &c->items[i]));
			n++;
		}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", c->kind->k->many, list, "next_page",
				      "previous_page", "count", (json_int_t)n));
}

static int h_list(struct fl_req *r)
{
	struct ctx *c = ctx_of(r);
	const char *active = fl_req_arg(r, "active");

	if (active && strcmp(active, "true") && strcmp(active, "false"))
		return fl_req_fail(r, FL_EINVAL, "active", "InvalidValue",
				   "active: must be true or false");
	c->active_only = !active ? 0 : !strcmp(active, "true") ? 1 : -1;
	return fl_req_read(r, tx_list, render_list);
}

static int h_active(struct fl_req *r)
{
	struct ctx *c = ctx_of(r);
	c->active_only = 1;
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ruleset_create(tx, c->kind->k, &c->item, &r->arena, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = ctx_of(r);
	int rc;

	if ((rc = decode_rule(r, c)))
		return rc;
	if (!c->in.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	c->item.active = 1;
	c->item.description = "";
	apply(c, &c->item);
	r->status = 201;
	return fl_req_write(r, tx_create, render_rule);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ruleset_get(tx, c->kind->k, r->id[0], &r->arena, &c->item);
}

static int h_show(struct fl_req *r)
{
	ctx_of(r);
	return fl_req_read(r, tx_show, render_rule);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_ruleset_get(tx, c->kind->k, r->id[0], &r->arena, &c->item);

	if (rc)
		return rc;
	apply(c, &c->item);
	return fl_ruleset_update(tx, c->kind->k, &c->item, &r->arena, &r->err);
}

static int h_update(struct fl_req *r)
{
	int rc = decode_rule(r, ctx_of(r));
	return rc ? rc : fl_req_write(r, tx_update, render_rule);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ruleset_delete(tx, c->kind->k, r->id[0], &r->arena);
}

static int h_delete(struct fl_req *r)
{
	ctx_of(r);
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int tx_reorder(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_ruleset_reorder(tx, c->kind->k, c->order.ids, c->order.n, &r->arena, &r->err);
	return rc ? rc : fl_ruleset_list(tx, c->kind->k, 0, &r->arena, &c->items, &c->n);
}

static int h_reorder(struct fl_req *r)
{
	struct ctx *c = ctx_of(r);
	const char *ids = c->kind->ids;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, ids, "InvalidRequest",
				   "the body must be {\"%s\": [...]}", ids);
	if ((rc = fl_input_decode(r->body, c->kind->order, &c->order, &r->arena, &r->err)))
		return rc;
	if (!c->order.has_ids)
		return fl_req_fail(r, FL_EINVAL, ids, "Blank",
				   "%s ids: name every %s once, in order", c->kind->k->One,
				   c->kind->k->one);
	return fl_req_write(r, tx_reorder, render_list);
}

/* ---- definitions: what the editor offers ---- */

static const char *update_name(int v)
{
	return v == 0 ? "Create" : v == 1 ? "Change" : NULL;
}
static const char *coverage_name(int v)
{
	return fl_sla_coverage_name(v);
}

static json_t *cond_values(int field)
{
	switch (field) {
	case FL_RF_STATUS: return fl_rule_names_json(fl_status_name, 0, FL_STATUS__MAX);
	case FL_RF_PRIORITY: return fl_rule_names_json(fl_priority_name, 1, FL_PRIORITY__MAX);
	case FL_RF_TYPE: return fl_rule_names_json(fl_type_name, 1, FL_TYPE__MAX);
	case FL_RF_VIA:
	case FL_RF_CURRENT_VIA: return fl_rule_names_json(fl_channel_name, 0, FL_CHANNEL__MAX);
	case FL_RF_UPDATE_TYPE: return fl_rule_names_json(update_name, 0, 2);
	case FL_RF_COMMENT_IS_PUBLIC:
	case FL_RF_COMPLAINT: return fl_rule_names_json(fl_rule_bool_name, 0, 2);
	case FL_RF_ROLE: return fl_rule_names_json(fl_role_name, 0, FL_ROLE__MAX);
	case FL_RF_ENTITLEMENT: return fl_rule_names_json(coverage_name, 0, FL_SLA_COVERAGE__MAX);
	case FL_RF_SLA_EVENT:
		return fl_rule_names_json(fl_rule_sla_event_name, 0, FL_RULE_SLA__MAX);
	case FL_RF_SLA_METRIC: return fl_rule_names_json(fl_sla_metric_name, 0, FL_SLA_METRIC__MAX);
	case FL_RF_SATISFACTION_SCORE:
		return fl_rule_names_json(fl_rule_csat_name, 0, FL_RULE_CSAT__MAX);
	}
	return NULL;
}

static const char *value_type(int field)
{
	switch (field) {
	case FL_RF_TAGS:
	case FL_RF_COMMENT_INCLUDES_WORD:
	case FL_RF_SUBJECT_INCLUDES_WORD: return "text";
	case FL_RF_GROUP: return "/api/v2/groups";
	case FL_RF_ASSIGNEE:
	case FL_RF_REQUESTER: return "/api/v2/users";
	case FL_RF_ORGANIZATION: return "/api/v2/organizations";
	case FL_RF_REQUESTER_TIER:
	case FL_RF_ORGANIZATION_TIER: return "/api/v2/tiers";
	case FL_RF_WITHIN_BUSINESS_HOURS: return "/api/v2/business_hours/schedules";
	case FL_RF_COMPLAINT_REASON: return "/api/v2/complaint_reasons";
	}
	return NULL;
}

/* What the editor offers for rules of kind: the fields, operators and
 * actions that kind allows. */
static json_t *definitions_json(int kind)
{
	json_t *conds = json_array(), *acts = json_array();

	for (int f = 0; f < FL_RF__MAX; f++) {
		json_t *ops, *vals, *o;
		const char *type = value_type(f);
		int some = 0;
		/* a field this kind of rule cannot ask about is not offered */
		for (int op = 0; op < FL_RO__MAX; op++)
			some |= fl_rule_op_allowed(kind, f, op);
		if (!some)
			continue;
		ops = json_array();
		vals = cond_values(f);
		for (int op = 0; op < FL_RO__MAX; op++)
			if (fl_rule_op_allowed(kind, f, op))
				json_array_append_new(ops, json_pack("{s:s, s:s}", "title",
								     fl_rule_op_name(op), "value",
								     fl_rule_op_name(op)));
		o = json_pack("{s:s, s:s, s:o}", "title", fl_rule_field_name(f), "subject",
			      fl_rule_field_name(f), "operators", ops);
		if (vals)
			json_object_set_new(o, "values",
					    json_pack("{s:s, s:o}", "type", "list", "list", vals));
		else if (type && type[0] == '/')
			json_object_set_new(o, "values",
					    json_pack("{s:s, s:s}", "type", "id", "url", type));
		else
			json_object_set_new(o, "values", json_pack("{s:s}", "type", "text"));
		json_array_append_new(conds, o);
	}
	for (int x = 0; x < FL_RA__MAX; x++)
		if (fl_rule_action_allowed(kind, x))
			json_array_append_new(acts, json_pack("{s:s, s:s}", "title",
							      fl_rule_action_name(x), "subject",
							      fl_rule_action_name(x)));
	return json_pack("{s:{s:O, s:o, s:o}}", "definitions", "conditions_all", conds,
			 "conditions_any", conds, "actions", acts);
}

static int h_definitions(struct fl_req *r)
{
	return fl_req_reply(r, 200, definitions_json(kind_of(r)->k->kind));
}

const struct fl_route fl_trigger_routes[] = {
	{"GET", TRIGGERS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", TRIGGERS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", TRIGGERS "/active", h_active, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", TRIGGERS "/definitions", h_definitions, FL_ROLE_AGENT, 0, 0},
	{"PUT", TRIGGERS "/reorder", h_reorder, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", TRIGGERS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", TRIGGERS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", TRIGGERS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};

const struct fl_route fl_automation_routes[] = {
	{"GET", AUTOMATIONS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", AUTOMATIONS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", AUTOMATIONS "/active", h_active, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", AUTOMATIONS "/definitions", h_definitions, FL_ROLE_AGENT, 0, 0},
	{"PUT", AUTOMATIONS "/reorder", h_reorder, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", AUTOMATIONS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", AUTOMATIONS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", AUTOMATIONS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
