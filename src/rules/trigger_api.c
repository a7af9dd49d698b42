/* /api/v2/triggers: triggers in Zendesk's shapes (rules/trigger.h).
 * Agents read, admins write.
 *   GET/POST          /api/v2/triggers          (?active=true|false)
 *   GET               /api/v2/triggers/active
 *   GET/PUT/DELETE    /api/v2/triggers/{id}
 *   PUT               /api/v2/triggers/reorder  {"trigger_ids": [...]}
 *   GET               /api/v2/triggers/definitions
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "rules/trigger.h"

struct trigger_in {
	const char *title, *description, *conditions_text, *actions_text;
	int active;
	int64_t position;
	int has_title, has_description, has_active, has_position, has_conditions, has_actions;
};

#define T(m) offsetof(struct trigger_in, m)
static const struct fl_field trigger_fields[] = {
	{"title", FL_FT_STRING, FL_TRIGGER_TITLE_MAX, 0, 0, NULL, T(title), T(has_title), 0, 0},
	{"description", FL_FT_STRING, FL_TRIGGER_DESCRIPTION_MAX, 0, 1, NULL, T(description),
	 T(has_description), 0, 0},
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, T(active), T(has_active), 0, 0},
	{"position", FL_FT_INT, FL_TRIGGER_MAX, 0, 0, NULL, T(position), T(has_position), 0, 1},
	/* read here for their size only; the rules model reads them */
	{"conditions", FL_FT_JSON, FL_RULE_JSON_MAX, 0, 0, NULL, T(conditions_text),
	 T(has_conditions), 0, 0},
	{"actions", FL_FT_JSON, FL_RULE_JSON_MAX, 0, 0, NULL, T(actions_text), T(has_actions), 0,
	 0},
	FL_FIELDS_END,
};

struct reorder_in {
	int64_t ids[FL_TRIGGER_MAX];
	size_t n;
	int has_ids;
};

static const struct fl_field reorder_fields[] = {
	{"trigger_ids", FL_FT_IDS, FL_TRIGGER_MAX, 0, 0, NULL, offsetof(struct reorder_in, ids),
	 offsetof(struct reorder_in, has_ids), offsetof(struct reorder_in, n), 0},
	FL_FIELDS_END,
};

struct ctx {
	struct trigger_in in;
	struct fl_rule rule;
	struct reorder_in order;
	struct fl_trigger trigger;
	struct fl_trigger *triggers;
	size_t n;
	int active_only; /* 1: active, 0: all, -1: inactive */
};

/* Reads {"trigger": {...}}: what is left out stays as it was. */
static int decode_trigger(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "trigger") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "trigger", "InvalidRequest",
				   "the body must be {\"trigger\": {...}}");
	if ((rc = fl_input_decode(v, trigger_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if ((c->in.has_conditions || c->in.has_actions) &&
	    (rc = fl_rule_decode(FL_RULE_TRIGGER, json_object_get(v, "conditions"),
				 json_object_get(v, "actions"), &r->arena, &c->rule, &r->err)))
		return rc;
	return 0;
}

static void apply(const struct ctx *c, struct fl_trigger *t)
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

static json_t *trigger_json(struct fl_req *r, const struct fl_trigger *t)
{
	char url[400];

	snprintf(url, sizeof url, "%s/api/v2/triggers/%lld.json", fl_req_base(r), (long long)t->id);
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)t->id, "url", url, "title", t->title, "description",
			 t->description ? t->description : "", "active", t->active, "position",
			 (json_int_t)t->position, "conditions", fl_json_raw(t->conditions_json),
			 "actions", fl_json_raw(t->actions_json), "created_at",
			 fl_json_time(t->created_at), "updated_at", fl_json_time(t->updated_at));
}

static int render_trigger(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "trigger", trigger_json(r, &c->trigger)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_trigger_list(tx, c->active_only == 1, &r->arena, &c->triggers, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->active_only >= 0 || !c->triggers[i].active) {
			json_array_append_new(list, trigger_json(r, &c->triggers[i]));
			n++;
		}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", "triggers", list, "next_page",
				      "previous_page", "count", (json_int_t)n));
}

static int h_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *active = fl_req_arg(r, "active");

	if (active && strcmp(active, "true") && strcmp(active, "false"))
		return fl_req_fail(r, FL_EINVAL, "active", "InvalidValue",
				   "active: must be true or false");
	c->active_only = !active ? 0 : !strcmp(active, "true") ? 1 : -1;
	return fl_req_read(r, tx_list, render_list);
}

static int h_active(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->active_only = 1;
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_trigger_create(tx, &c->trigger, &r->arena, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = decode_trigger(r, c)))
		return rc;
	if (!c->in.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	c->trigger.active = 1;
	c->trigger.description = "";
	apply(c, &c->trigger);
	r->status = 201;
	return fl_req_write(r, tx_create, render_trigger);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_trigger_get(tx, r->id[0], &r->arena, &c->trigger);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_trigger);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_trigger_get(tx, r->id[0], &r->arena, &c->trigger);

	if (rc)
		return rc;
	apply(c, &c->trigger);
	return fl_trigger_update(tx, &c->trigger, &r->arena, &r->err);
}

static int h_update(struct fl_req *r)
{
	int rc = decode_trigger(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_trigger);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_trigger_delete(tx, r->id[0], &r->arena);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int tx_reorder(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_trigger_reorder(tx, c->order.ids, c->order.n, &r->arena, &r->err);
	return rc ? rc : fl_trigger_list(tx, 0, &r->arena, &c->triggers, &c->n);
}

static int h_reorder(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, "trigger_ids", "InvalidRequest",
				   "the body must be {\"trigger_ids\": [...]}");
	if ((rc = fl_input_decode(r->body, reorder_fields, &c->order, &r->arena, &r->err)))
		return rc;
	if (!c->order.has_ids)
		return fl_req_fail(r, FL_EINVAL, "trigger_ids", "Blank",
				   "Trigger ids: name every trigger once, in order");
	return fl_req_write(r, tx_reorder, render_list);
}

/* ---- definitions: what the editor offers ---- */

static json_t *names(const char *(*name)(int), int from, int to)
{
	json_t *list = json_array();
	for (int v = from; v < to; v++)
		if (name(v))
			json_array_append_new(list, json_pack("{s:s, s:s}", "title", name(v),
							      "value", name(v)));
	return list;
}

static const char *update_name(int v)
{
	return v == 0 ? "Create" : v == 1 ? "Change" : NULL;
}
static const char *bool_name(int v)
{
	return v ? "true" : "false";
}
static const char *coverage_name(int v)
{
	return fl_sla_coverage_name(v);
}

static json_t *cond_values(int field)
{
	switch (field) {
	case FL_RF_STATUS: return names(fl_status_name, 0, FL_STATUS__MAX);
	case FL_RF_PRIORITY: return names(fl_priority_name, 1, FL_PRIORITY__MAX);
	case FL_RF_TYPE: return names(fl_type_name, 1, FL_TYPE__MAX);
	case FL_RF_VIA:
	case FL_RF_CURRENT_VIA: return names(fl_channel_name, 0, FL_CHANNEL__MAX);
	case FL_RF_UPDATE_TYPE: return names(update_name, 0, 2);
	case FL_RF_COMMENT_IS_PUBLIC: return names(bool_name, 0, 2);
	case FL_RF_ROLE: return names(fl_role_name, 0, FL_ROLE__MAX);
	case FL_RF_ENTITLEMENT: return names(coverage_name, 0, FL_SLA_COVERAGE__MAX);
	case FL_RF_SLA_EVENT: return names(fl_rule_sla_event_name, 0, FL_RULE_SLA__MAX);
	case FL_RF_SLA_METRIC: return names(fl_sla_metric_name, 0, FL_SLA_METRIC__MAX);
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
	}
	return NULL;
}

#define KIND FL_RULE_TRIGGER
static json_t *definitions_json(void)
{
	json_t *conds = json_array(), *acts = json_array();

	for (int f = 0; f < FL_RF__MAX; f++) {
		json_t *ops, *vals, *o;
		const char *type = value_type(f);
		int some = 0;
		/* a field this kind of rule cannot ask about is not offered */
		for (int op = 0; op < FL_RO__MAX; op++)
			some |= fl_rule_op_allowed(KIND, f, op);
		if (!some)
			continue;
		ops = json_array();
		vals = cond_values(f);
		for (int op = 0; op < FL_RO__MAX; op++)
			if (fl_rule_op_allowed(KIND, f, op))
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
		if (fl_rule_action_allowed(FL_RULE_TRIGGER, x))
			json_array_append_new(acts, json_pack("{s:s, s:s}", "title",
							      fl_rule_action_name(x), "subject",
							      fl_rule_action_name(x)));
	return json_pack("{s:{s:O, s:o, s:o}}", "definitions", "conditions_all", conds,
			 "conditions_any", conds, "actions", acts);
}

static int h_definitions(struct fl_req *r)
{
	return fl_req_reply(r, 200, definitions_json());
}

#define TRIGGERS "/api/v2/triggers"
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
