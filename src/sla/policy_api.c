/* /api/v2/slas/policies: SLA policies in Zendesk's shapes (sla/policy.h).
 * Agents read, admins write.
 *   GET/POST          /api/v2/slas/policies
 *   GET/PUT/DELETE    /api/v2/slas/policies/{id}
 *   PUT               /api/v2/slas/policies/reorder
 *   GET               /api/v2/slas/policies/definitions
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "sla/policy.h"
#include "sla/sla_api.h"

#define P(m) offsetof(struct fl_sla_policy_in, m)
static const struct fl_field policy_fields[] = {
	{"id", FL_FT_ID, 0, 0, 0, NULL, P(id), P(has_id), 0, 0},
	{"title", FL_FT_STRING, FL_SLA_TITLE_MAX, 0, 0, NULL, P(title), P(has_title), 0, 0},
	{"description", FL_FT_STRING, FL_SLA_DESCRIPTION_MAX, 0, 1, NULL, P(description),
	 P(has_description), 0, 0},
	{"filter", FL_FT_JSON, FL_SLA_FILTER_TEXT_MAX, 0, 0, NULL, P(filter_text), P(has_filter), 0,
	 0},
	{"position", FL_FT_INT, FL_SLA_MAX_POLICIES, 0, 0, NULL, P(position), P(has_position), 0,
	 1},
	{"schedule_id", FL_FT_ID, 0, 0, 1, NULL, P(schedule_id), P(has_schedule_id), 0, 0},
	{"warning_minutes", FL_FT_INT, FL_SLA_POLICY_TARGET_MAX, 0, 0, NULL, P(warning_minutes),
	 P(has_warning_minutes), 0, 0},
	FL_FIELDS_END,
};

struct reorder_in {
	int64_t ids[FL_SLA_MAX_POLICIES];
	size_t n;
	int has_ids;
};

static const struct fl_field reorder_fields[] = {
	{"sla_policy_ids", FL_FT_IDS, FL_SLA_MAX_POLICIES, 0, 0, NULL,
	 offsetof(struct reorder_in, ids), offsetof(struct reorder_in, has_ids),
	 offsetof(struct reorder_in, n), 0},
	FL_FIELDS_END,
};

struct ctx {
	struct fl_sla_policy_in in;
	struct reorder_in order;
	struct fl_sla_policy policy;
	struct fl_sla_policy *policies;
	size_t n;
};

static int bad_metric(struct fl_req *r, size_t i, const char *what)
{
	return fl_req_fail(r, FL_EINVAL, "policy_metrics", "InvalidValue",
			   "Policy metrics: item %zu %s", i + 1, what);
}

int fl_sla_decode_metrics(struct fl_req *r, json_t *v, struct fl_sla_policy_metric **metrics,
			  size_t *n)
{
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return fl_req_fail(r, FL_EINVAL, "policy_metrics", "InvalidType",
				   "Policy metrics: must be a list of {\"priority\", \"metric\", "
				   "\"target\", \"business_hours\"}");
	if (json_array_size(v) > FL_SLA_MAX_METRICS)
		return fl_req_fail(r, FL_EINVAL, "policy_metrics", "TooLong",
				   "Policy metrics: at most %d", FL_SLA_MAX_METRICS);
	*metrics = fl_arena_alloc(&r->arena, (json_array_size(v) + 1) * sizeof **metrics);
	if (!*metrics)
		return FL_ENOMEM;
	json_array_foreach(v, i, item)
	{
		const char *pr = json_string_value(json_object_get(item, "priority"));
		const char *m = json_string_value(json_object_get(item, "metric"));
		json_t *target = json_object_get(item, "target");
		json_t *bh = json_object_get(item, "business_hours");
		struct fl_sla_policy_metric *out = &(*metrics)[i];

		if (!json_is_object(item))
			return bad_metric(r, i, "must be an object");
		out->priority = pr ? fl_priority_parse(fl_str_c(pr)) : -1;
		out->metric = m ? fl_sla_metric_parse(fl_str_c(m)) : -1;
		if (out->priority <= 0)
			return bad_metric(r, i, "needs a priority: low, normal, high or urgent");
		if (out->metric < 0)
			return bad_metric(r, i,
					  "needs a metric: first_reply_time, next_reply_time, "
					  "periodic_update_time, requester_wait_time, "
					  "agent_work_time or total_resolution");
		if (!json_is_integer(target))
			return bad_metric(r, i, "needs a target: a whole number of minutes");
		if (bh && !json_is_boolean(bh))
			return bad_metric(r, i, "has business_hours that is not true or false");
		out->target = json_integer_value(target);
		out->business_hours = json_is_true(bh);
	}
	*n = json_array_size(v);
	return 0;
}

int fl_sla_policy_decode(struct fl_req *r, json_t *v, struct fl_sla_policy_in *in)
{
	int rc = fl_input_decode(v, policy_fields, in, &r->arena, &r->err);

	if (!rc && in->has_filter)
		rc = fl_sla_filter_parse(in->filter_text, &r->arena, &in->filter, &r->err);
	if (!rc && json_object_get(v, "policy_metrics") &&
	    !(rc = fl_sla_decode_metrics(r, json_object_get(v, "policy_metrics"), &in->metrics,
					 &in->nmetrics)))
		in->has_metrics = 1;
	return rc;
}

void fl_sla_policy_apply(const struct fl_sla_policy_in *in, struct fl_sla_policy *p)
{
	if (in->has_title)
		p->title = (char *)in->title;
	if (in->has_description)
		p->description = (char *)(in->description ? in->description : "");
	if (in->has_filter)
		p->filter = in->filter;
	if (in->has_position)
		p->position = in->position;
	if (in->has_schedule_id)
		p->schedule_id = in->schedule_id;
	if (in->has_warning_minutes)
		p->warning_minutes = in->warning_minutes;
	if (in->has_metrics) {
		p->metrics = in->metrics;
		p->nmetrics = in->nmetrics;
	}
}

/* Reads {"sla_policy": {...}}: what is left out stays as it was. */
static int decode_policy(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "sla_policy") : NULL;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "sla_policy", "InvalidRequest",
				   "the body must be {\"sla_policy\": {...}}");
	return fl_sla_policy_decode(r, v, &c->in);
}

static json_t *metrics_json(const struct fl_sla_policy *p)
{
	json_t *list = json_array();
	for (size_t i = 0; i < p->nmetrics; i++) {
		const struct fl_sla_policy_metric *m = &p->metrics[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:b}", "priority",
						      fl_priority_name(m->priority), "metric",
						      fl_sla_metric_name(m->metric), "target",
						      (json_int_t)m->target, "business_hours",
						      m->business_hours));
	}
	return list;
}

static json_t *policy_json(struct fl_req *r, const struct fl_sla_policy *p)
{
	char url[400];

	snprintf(url, sizeof url, "%s/api/v2/slas/policies/%lld.json", fl_req_base(r),
		 (long long)p->id);
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:I, s:o, s:o}", "id",
			 (json_int_t)p->id, "url", url, "title", p->title, "description",
			 p->description ? p->description : "", "position", (json_int_t)p->position,
			 "filter", fl_json_raw(p->filter_json), "policy_metrics", metrics_json(p),
			 "schedule_id", fl_json_id(p->schedule_id), "warning_minutes",
			 (json_int_t)p->warning_minutes, "created_at", fl_json_time(p->created_at),
			 "updated_at", fl_json_time(p->updated_at));
}

static int render_policy(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "sla_policy", policy_json(r, &c->policy)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_sla_policy_list(tx, &r->arena, &c->policies, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, policy_json(r, &c->policies[i]));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", "sla_policies", list, "next_page",
				      "previous_page", "count", (json_int_t)c->n));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_sla_policy_create(tx, &c->policy, &r->arena, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = decode_policy(r, c)))
		return rc;
	if (!c->in.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (!c->in.has_metrics)
		return fl_req_fail(r, FL_EINVAL, "policy_metrics", "Blank",
				   "Policy metrics: a policy needs at least one target");
	c->policy.description = "";
	fl_sla_policy_apply(&c->in, &c->policy);
	r->status = 201;
	return fl_req_write(r, tx_create, render_policy);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_sla_policy_get(tx, r->id[0], &r->arena, &c->policy);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_policy);
}

/* Changes policy r->id[0] by what the request gave, checks the whole
 * policy and writes it; nothing is written when it does not validate. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_sla_policy_get(tx, r->id[0], &r->arena, &c->policy);

	if (rc)
		return rc;
	fl_sla_policy_apply(&c->in, &c->policy);
	return fl_sla_policy_update(tx, &c->policy, &r->arena, &r->err);
}

static int h_update(struct fl_req *r)
{
	int rc = decode_policy(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_policy);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_sla_policy_delete(tx, r->id[0], &r->arena);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int tx_reorder(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_sla_policy_reorder(tx, c->order.ids, c->order.n, &r->arena, &r->err);
	return rc ? rc : fl_sla_policy_list(tx, &r->arena, &c->policies, &c->n);
}

/* Zendesk's {"sla_policy_ids": [...]}: every policy, once, in the order
 * they are to be matched. Answers with the policies in their new order. */
static int h_reorder(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, "sla_policy_ids", "InvalidRequest",
				   "the body must be {\"sla_policy_ids\": [...]}");
	if ((rc = fl_input_decode(r->body, reorder_fields, &c->order, &r->arena, &r->err)))
		return rc;
	if (!c->order.has_ids)
		return fl_req_fail(r, FL_EINVAL, "sla_policy_ids", "Blank",
				   "SLA policy ids: name every policy once, in order");
	return fl_req_write(r, tx_reorder, render_list);
}

/* The values a condition on field may take, in Zendesk's definitions
 * shape: a list of names, the ids of a resource (with the list that
 * gives them), or text. */
static json_t *values_json(int field)
{
	json_t *list;

	switch (field) {
	case FL_SLA_F_PRIORITY:
	case FL_SLA_F_TYPE:
	case FL_SLA_F_VIA:
		list = json_array();
		for (int v = 0; v < (field == FL_SLA_F_VIA ? FL_CHANNEL__MAX : FL_PRIORITY__MAX);
		     v++) {
			const char *z = field == FL_SLA_F_PRIORITY ? fl_priority_name(v)
					: field == FL_SLA_F_TYPE   ? fl_type_name(v)
								   : fl_channel_name(v);
			if (z)
				json_array_append_new(list, json_pack("{s:s, s:s}", "title", z,
								      "value", z));
		}
		return json_pack("{s:s, s:o}", "type", "list", "list", list);
	case FL_SLA_F_ENTITLEMENT: {
		/* a service contract's coverage (users/contract.h): covered
		 * first, the value a policy most often asks for */
		static const int coverage[] = {FL_SLA_COVERAGE_COVERED, FL_SLA_COVERAGE_EXPIRED,
					       FL_SLA_COVERAGE_NONE};
		list = json_array();
		for (size_t i = 0; i < sizeof coverage / sizeof *coverage; i++) {
			const char *z = fl_sla_coverage_name(coverage[i]);
			json_array_append_new(list,
					      json_pack("{s:s, s:s}", "title", z, "value", z));
		}
		return json_pack("{s:s, s:o}", "type", "list", "list", list);
	}
	case FL_SLA_F_TAGS: return json_pack("{s:s}", "type", "text");
	case FL_SLA_F_REQUESTER_TIER:
	case FL_SLA_F_ORGANIZATION_TIER:
		return json_pack("{s:s, s:s}", "type", "id", "url", "/api/v2/tiers");
	case FL_SLA_F_GROUP: return json_pack("{s:s, s:s}", "type", "id", "url", "/api/v2/groups");
	case FL_SLA_F_ORGANIZATION:
		return json_pack("{s:s, s:s}", "type", "id", "url",
				 "/api/v2/organizations/autocomplete");
	default: return json_pack("{s:s, s:s}", "type", "id", "url", "/api/v2/users");
	}
}

static json_t *definitions_json(void)
{
	static const char *const titles[FL_SLA_F__MAX] = {
		"Priority",         "Type",
		"Channel",          "Group",
		"Organization",     "Requester",
		"Assignee",         "Tags",
		"Requester's tier", "Organization's tier",
		"Service contract",
	};
	static const char *const op_titles[FL_SLA_OP__MAX] = {
		"Is",
		"Is not",
		"Less than",
		"Greater than",
		"Contains at least one of the following",
		"Contains none of the following",
	};
	json_t *list = json_array();

	for (int f = 0; f < FL_SLA_F__MAX; f++) {
		json_t *ops;
		ops = json_array();
		for (int op = 0; op < FL_SLA_OP__MAX; op++)
			if (fl_sla_op_allowed(f, op))
				json_array_append_new(ops, json_pack("{s:s, s:s}", "title",
								     op_titles[op], "value",
								     fl_sla_op_name(op)));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:n, s:o, s:o}", "title",
						      titles[f], "value", fl_sla_field_name(f),
						      "group", "ticket", "target", "operators", ops,
						      "values", values_json(f)));
	}
	return json_pack("{s:{s:O, s:o}}", "definitions", "all", list, "any", list);
}

static int h_definitions(struct fl_req *r)
{
	return fl_req_reply(r, 200, definitions_json());
}

#define POLICIES "/api/v2/slas/policies"
const struct fl_route fl_sla_policy_routes[] = {
	{"GET", POLICIES, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", POLICIES, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", POLICIES "/definitions", h_definitions, FL_ROLE_AGENT, 0, 0},
	{"PUT", POLICIES "/reorder", h_reorder, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", POLICIES "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", POLICIES "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", POLICIES "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
