/* SLA policies: checking them, reading and writing their filters, choosing
 * a ticket's policy, and the doors that store them (sla/policy.h). */
#include "sla/policy.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/schedules.h"
#include "sla/refresh.h"
#include "store/settings.h"
#include "store/slas.h"

static const char *const metric_names[FL_SLA_METRIC__MAX] = {
	"first_reply_time",    "next_reply_time", "periodic_update_time",
	"requester_wait_time", "agent_work_time", "total_resolution",
};
static const char *const field_names[FL_SLA_F__MAX] = {
	"priority",     "type",        "via",  "group_id",       "organization_id",
	"requester_id", "assignee_id", "tags", "requester_tier", "organization_tier",
	"entitlement",
};
static const char *const coverage_names[FL_SLA_COVERAGE__MAX] = {"none", "covered", "expired"};
static const char *const op_names[FL_SLA_OP__MAX] = {
	"is", "is_not", "less_than", "greater_than", "includes", "not_includes",
};

const char *fl_sla_metric_name(int metric)
{
	return metric >= 0 && metric < FL_SLA_METRIC__MAX ? metric_names[metric] : NULL;
}

static int parse(fl_str s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (fl_str_eq(s, names[i]))
			return i;
	return -1;
}

int fl_sla_metric_parse(fl_str s)
{
	return parse(s, metric_names, FL_SLA_METRIC__MAX);
}

const char *fl_sla_field_name(int field)
{
	return field >= 0 && field < FL_SLA_F__MAX ? field_names[field] : NULL;
}

const char *fl_sla_coverage_name(int coverage)
{
	return coverage >= 0 && coverage < FL_SLA_COVERAGE__MAX ? coverage_names[coverage] : NULL;
}

const char *fl_sla_op_name(int op)
{
	return op >= 0 && op < FL_SLA_OP__MAX ? op_names[op] : NULL;
}

int fl_sla_op_allowed(int field, int op)
{
	if (field == FL_SLA_F_TAGS)
		return op == FL_SLA_OP_INCLUDES || op == FL_SLA_OP_NOT_INCLUDES;
	if (field == FL_SLA_F_PRIORITY)
		return op <= FL_SLA_OP_GREATER_THAN;
	return op == FL_SLA_OP_IS || op == FL_SLA_OP_IS_NOT;
}

/* Reading filters */

static int bad(struct fl_err *e, const char *where, size_t i, const char *what)
{
	return fl_err_set(e, FL_EINVAL, "filter", "InvalidValue", "filter.%s[%zu]: %s", where, i,
			  what);
}

/* A tags condition's value: tags separated by spaces, normalized as a
 * ticket's are. */
static int parse_tags(const char *z, const char *where, size_t i, fl_arena *a,
		      struct fl_sla_condition *c, struct fl_err *e)
{
	char *copy = fl_arena_strdup(a, z);
	const char **tags;
	size_t n = 0;
	struct fl_err te;

	if (!copy)
		return FL_ENOMEM;
	tags = fl_arena_alloc(a, (strlen(z) / 2 + 1) * sizeof *tags);
	if (!tags)
		return FL_ENOMEM;
	for (char *p = copy; *p;) {
		while (*p == ' ')
			*p++ = 0;
		if (*p)
			tags[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (fl_tags_normalize(tags, &n, a, &te))
		return bad(e, where, i, te.msg);
	if (!n)
		return bad(e, where, i, "value must name at least one tag");
	if (n > FL_TICKET_MAX_TAGS)
		return bad(e, where, i, "value names too many tags");
	c->tags = tags;
	c->ntags = n;
	return 0;
}

static int parse_value(json_t *v, const char *where, size_t i, fl_arena *a,
		       struct fl_sla_condition *c, struct fl_err *e)
{
	const char *z = json_string_value(v);
	int x;

	switch (c->field) {
	case FL_SLA_F_PRIORITY:
	case FL_SLA_F_TYPE:
	case FL_SLA_F_VIA:
	case FL_SLA_F_ENTITLEMENT:
		if (!z)
			return bad(e, where, i, "value must be a string");
		x = c->field == FL_SLA_F_PRIORITY ? fl_priority_parse(fl_str_c(z))
		    : c->field == FL_SLA_F_TYPE   ? fl_type_parse(fl_str_c(z))
		    : c->field == FL_SLA_F_VIA
			    ? fl_channel_parse(fl_str_c(z))
			    : parse(fl_str_c(z), coverage_names, FL_SLA_COVERAGE__MAX);
		if (x < 0)
			return bad(e, where, i, "unknown value");
		c->value = x;
		return 0;
	case FL_SLA_F_TAGS:
		if (!z)
			return bad(e, where, i, "value must be a string of tags");
		return parse_tags(z, where, i, a, c, e);
	default:
		if (json_is_null(v) && c->field != FL_SLA_F_REQUESTER)
			c->value = 0;
		else if (json_is_integer(v) && json_integer_value(v) > 0)
			c->value = json_integer_value(v);
		else
			return bad(e, where, i,
				   c->field == FL_SLA_F_REQUESTER ? "value must be an id"
								  : "value must be an id or null");
		return 0;
	}
}

static int parse_one(json_t *j, const char *where, size_t i, fl_arena *a,
		     struct fl_sla_condition *c, struct fl_err *e)
{
	const char *fname = json_string_value(json_object_get(j, "field"));
	const char *oname = json_string_value(json_object_get(j, "operator"));

	if (!json_is_object(j))
		return bad(e, where, i, "a condition is {\"field\", \"operator\", \"value\"}");
	c->field = fname ? parse(fl_str_c(fname), field_names, FL_SLA_F__MAX) : -1;
	c->op = oname ? parse(fl_str_c(oname), op_names, FL_SLA_OP__MAX) : -1;
	if (c->field < 0)
		return bad(e, where, i, "unknown field");
	if (c->op < 0)
		return bad(e, where, i, "unknown operator");
	if (!fl_sla_op_allowed(c->field, c->op))
		return bad(e, where, i, "that operator is not for that field");
	return parse_value(json_object_get(j, "value"), where, i, a, c, e);
}

static int parse_group(json_t *list, const char *where, fl_arena *a, struct fl_sla_condition **out,
		       size_t *n, struct fl_err *e)
{
	json_t *j;
	size_t i;
	int rc;

	*n = 0;
	if (!list)
		return 0;
	if (!json_is_array(list))
		return fl_err_set(e, FL_EINVAL, "filter", "InvalidValue",
				  "filter.%s: must be a list of conditions", where);
	if (json_array_size(list) > FL_SLA_MAX_CONDITIONS)
		return fl_err_set(e, FL_EINVAL, "filter", "TooLong",
				  "filter.%s: at most %d conditions", where, FL_SLA_MAX_CONDITIONS);
	*out = fl_arena_alloc(a, (json_array_size(list) + 1) * sizeof **out);
	if (!*out)
		return FL_ENOMEM;
	json_array_foreach(list, i, j)
	{
		memset(&(*out)[i], 0, sizeof **out);
		if ((rc = parse_one(j, where, i, a, &(*out)[i], e)))
			return rc;
	}
	*n = json_array_size(list);
	return 0;
}

int fl_sla_filter_parse(const char *json, fl_arena *a, struct fl_sla_filter *out, struct fl_err *e)
{
	json_t *root = json ? json_loads(json, JSON_REJECT_DUPLICATES, NULL) : NULL;
	struct fl_sla_filter f = {0};
	int rc;

	if (!json_is_object(root))
		rc = fl_err_set(e, FL_EINVAL, "filter", "InvalidValue",
				"filter: must be {\"all\": [...], \"any\": [...]}");
	else if (!(rc = parse_group(json_object_get(root, "all"), "all", a, &f.all, &f.nall, e)))
		rc = parse_group(json_object_get(root, "any"), "any", a, &f.any, &f.nany, e);
	json_decref(root);
	if (!rc)
		*out = f;
	return rc;
}

/* Writing filters */

static json_t *value_json(const struct fl_sla_condition *c)
{
	fl_buf b;
	json_t *v;

	switch (c->field) {
	case FL_SLA_F_PRIORITY: return json_string(fl_priority_name((int)c->value));
	case FL_SLA_F_TYPE: return json_string(fl_type_name((int)c->value));
	case FL_SLA_F_VIA: return json_string(fl_channel_name((int)c->value));
	case FL_SLA_F_ENTITLEMENT: return json_string(fl_sla_coverage_name((int)c->value));
	case FL_SLA_F_TAGS:
		fl_buf_init(&b, 0);
		for (size_t i = 0; i < c->ntags; i++)
			if (fl_buf_addf(&b, "%s%s", i ? " " : "", c->tags[i])) {
				fl_buf_free(&b);
				return NULL;
			}
		v = json_string(b.n ? b.p : "");
		fl_buf_free(&b);
		return v;
	default: return c->value ? json_integer(c->value) : json_null();
	}
}

static json_t *group_json(const struct fl_sla_condition *c, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "field",
							  field_names[c[i].field], "operator",
							  op_names[c[i].op], "value",
							  value_json(&c[i])))) {
			json_decref(list);
			return NULL;
		}
	return list;
}

int fl_sla_filter_text(const struct fl_sla_filter *f, fl_arena *a, char **out)
{
	json_t *j = json_pack("{s:o, s:o}", "all", group_json(f->all, f->nall), "any",
			      group_json(f->any, f->nany));
	char *z = j ? json_dumps(j, JSON_COMPACT) : NULL;
	char *copy = z ? fl_arena_strdup(a, z) : NULL;

	json_decref(j);
	free(z);
	if (!copy)
		return FL_ENOMEM;
	*out = copy;
	return 0;
}

/* Checking policies */

static int by_priority_metric(const void *a, const void *b)
{
	const struct fl_sla_policy_metric *x = a, *y = b;
	if (x->priority != y->priority)
		return x->priority - y->priority;
	return x->metric - y->metric;
}

static int check_metrics(struct fl_sla_policy_metric *m, size_t n, struct fl_err *e)
{
	if (!n)
		return fl_err_set(e, FL_EINVAL, "policy_metrics", "Blank",
				  "Policy metrics: a policy needs at least one target");
	if (n > FL_SLA_MAX_METRICS)
		return fl_err_set(e, FL_EINVAL, "policy_metrics", "TooLong",
				  "Policy metrics: at most %d", FL_SLA_MAX_METRICS);
	for (size_t i = 0; i < n; i++) {
		if (m[i].priority <= FL_PRIORITY_NONE || m[i].priority >= FL_PRIORITY__MAX)
			return fl_err_set(e, FL_EINVAL, "policy_metrics", "InvalidValue",
					  "Policy metrics: item %zu has no priority (low, normal, "
					  "high or urgent)",
					  i + 1);
		if (m[i].metric < 0 || m[i].metric >= FL_SLA_METRIC__MAX)
			return fl_err_set(e, FL_EINVAL, "policy_metrics", "InvalidValue",
					  "Policy metrics: item %zu has no metric", i + 1);
		if (m[i].target < 1 || m[i].target > FL_SLA_POLICY_TARGET_MAX)
			return fl_err_set(e, FL_EINVAL, "policy_metrics", "InvalidValue",
					  "Policy metrics: a target is 1 to %d minutes, not %lld",
					  FL_SLA_POLICY_TARGET_MAX, (long long)m[i].target);
	}
	qsort(m, n, sizeof *m, by_priority_metric);
	for (size_t i = 1; i < n; i++)
		if (!by_priority_metric(&m[i - 1], &m[i]))
			return fl_err_set(e, FL_EINVAL, "policy_metrics", "DuplicateValue",
					  "Policy metrics: %s %s is given twice",
					  fl_priority_name(m[i].priority),
					  metric_names[m[i].metric]);
	return 0;
}

int fl_sla_policy_check(struct fl_sla_policy *p, struct fl_err *e)
{
	size_t n = p->title ? strlen(p->title) : 0;

	if (!n)
		return fl_err_set(e, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (n > FL_SLA_TITLE_MAX)
		return fl_err_set(e, FL_EINVAL, "title", "TooLong",
				  "Title: is too long (maximum is %d bytes of UTF-8)",
				  FL_SLA_TITLE_MAX);
	if (!fl_utf8_valid(p->title, n))
		return fl_err_set(e, FL_EINVAL, "title", "InvalidValue",
				  "Title: is not valid UTF-8");
	n = p->description ? strlen(p->description) : 0;
	if (n > FL_SLA_DESCRIPTION_MAX)
		return fl_err_set(e, FL_EINVAL, "description", "TooLong",
				  "Description: is too long (maximum is %d bytes of UTF-8)",
				  FL_SLA_DESCRIPTION_MAX);
	if (n && !fl_utf8_valid(p->description, n))
		return fl_err_set(e, FL_EINVAL, "description", "InvalidValue",
				  "Description: is not valid UTF-8");
	if (p->schedule_id < 0)
		return fl_err_set(e, FL_EINVAL, "schedule_id", "InvalidValue",
				  "Schedule: must be a schedule's id");
	return check_metrics(p->metrics, p->nmetrics, e);
}

/* Matching tickets */

static int has_tag(const struct fl_ticket *t, const char *tag)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (!strcmp(t->tags[i], tag))
			return 1;
	return 0;
}

static int meets(const struct fl_sla_condition *c, const struct fl_ticket *t,
		 const struct fl_sla_facts *f)
{
	int64_t v;
	int any = 0;

	switch (c->field) {
	case FL_SLA_F_TAGS:
		for (size_t i = 0; !any && i < c->ntags; i++)
			any = has_tag(t, c->tags[i]);
		return c->op == FL_SLA_OP_INCLUDES ? any : !any;
	case FL_SLA_F_PRIORITY: v = t->priority; break;
	case FL_SLA_F_TYPE: v = t->type; break;
	case FL_SLA_F_VIA: v = t->channel; break;
	case FL_SLA_F_GROUP: v = t->group_id; break;
	case FL_SLA_F_ORGANIZATION: v = t->organization_id; break;
	case FL_SLA_F_REQUESTER: v = t->requester_id; break;
	case FL_SLA_F_REQUESTER_TIER: v = f->requester_tier; break;
	case FL_SLA_F_ORGANIZATION_TIER: v = f->organization_tier; break;
	case FL_SLA_F_ENTITLEMENT: v = f->coverage; break;
	default: v = t->assignee_id;
	}
	switch (c->op) {
	case FL_SLA_OP_IS: return v == c->value;
	case FL_SLA_OP_IS_NOT: return v != c->value;
	case FL_SLA_OP_LESS_THAN: return v < c->value;
	default: return v > c->value;
	}
}

int fl_sla_policy_matches(const struct fl_sla_policy *p, const struct fl_ticket *t,
			  const struct fl_sla_facts *facts)
{
	static const struct fl_sla_facts nobody;
	const struct fl_sla_filter *f = &p->filter;
	int any = !f->nany;

	if (!facts)
		facts = &nobody;
	for (size_t i = 0; i < f->nall; i++)
		if (!meets(&f->all[i], t, facts))
			return 0;
	for (size_t i = 0; !any && i < f->nany; i++)
		any = meets(&f->any[i], t, facts);
	return any;
}

const struct fl_sla_policy *fl_sla_policy_choose(const struct fl_sla_policy *policies, size_t n,
						 const struct fl_ticket *t,
						 const struct fl_sla_facts *f)
{
	const struct fl_sla_policy *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct fl_sla_policy *p = &policies[i];
		if (best && (p->position > best->position ||
			     (p->position == best->position && p->id > best->id)))
			continue;
		if (fl_sla_policy_matches(p, t, f))
			best = p;
	}
	return best;
}

const struct fl_sla_policy_metric *fl_sla_policy_metric(const struct fl_sla_policy *p, int priority,
							int metric)
{
	for (size_t i = 0; i < p->nmetrics; i++)
		if (p->metrics[i].priority == priority && p->metrics[i].metric == metric)
			return &p->metrics[i];
	return NULL;
}

/* The doors */

/* The schedule p's business-hours targets count in exists: the one it
 * names, or any when it names none. */
static int check_schedule(fl_tx *tx, const struct fl_sla_policy *p, fl_arena *a, struct fl_err *e)
{
	struct fl_schedule s;
	int64_t n;
	int rc;

	if (p->schedule_id) {
		rc = fl_store_schedule_get(tx, p->schedule_id, a, &s);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(e, FL_EINVAL, "schedule_id", "InvalidValue",
					  "Schedule: there is no schedule %lld",
					  (long long)p->schedule_id);
		return rc;
	}
	for (size_t i = 0; i < p->nmetrics; i++) {
		if (!p->metrics[i].business_hours)
			continue;
		if ((rc = fl_store_schedule_count(tx, &n)))
			return rc;
		if (!n)
			return fl_err_set(e, FL_EINVAL, "policy_metrics", "InvalidValue",
					  "Policy metrics: business hours need a business-hours "
					  "schedule, and there is none");
		break;
	}
	return 0;
}

/* Writes positions 1..n in the order of ids, skipping id skip, with id
 * put at place position (1-based; 0 or past the end: last). */
static int renumber(fl_tx *tx, const int64_t *ids, size_t n, int64_t skip, int64_t id,
		    int64_t position)
{
	int64_t at = 1;
	int placed = !id;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (ids[i] == skip || ids[i] == id)
			continue;
		if (!placed && at == position) {
			if ((rc = fl_store_sla_policy_set_position(tx, id, at++)))
				return rc;
			placed = 1;
		}
		if ((rc = fl_store_sla_policy_set_position(tx, ids[i], at++)))
			return rc;
	}
	return placed ? 0 : fl_store_sla_policy_set_position(tx, id, at);
}

/* Checks p's fields and schedule and makes its filter's text. */
/* A change of the policies changes which promise tickets are under: they
 * are measured again, in the background (sla/refresh.h). */
static int remeasure(fl_tx *tx, int rc)
{
	return rc ? rc : fl_sla_recompute_later(tx, NULL);
}

static int prepare(fl_tx *tx, struct fl_sla_policy *p, fl_arena *a, struct fl_err *e)
{
	int rc = fl_sla_policy_check(p, e);

	if (!rc)
		rc = check_schedule(tx, p, a, e);
	if (!rc)
		rc = fl_sla_filter_text(&p->filter, a, &p->filter_json);
	return rc;
}

int fl_sla_policy_create(fl_tx *tx, struct fl_sla_policy *p, fl_arena *a, struct fl_err *e)
{
	int64_t *ids;
	size_t n;
	int rc = prepare(tx, p, a, e);

	if (!rc)
		rc = fl_store_limit_lock(tx, "sla_policies");
	if (!rc)
		rc = fl_store_sla_policy_ids(tx, a, &ids, &n);
	if (rc)
		return rc;
	if (n >= FL_SLA_MAX_POLICIES)
		return fl_err_set(e, FL_EINVAL, "sla_policy", "TooLong",
				  "A desk keeps at most %d SLA policies", FL_SLA_MAX_POLICIES);
	if (p->position <= 0 || p->position > (int64_t)n)
		p->position = (int64_t)n + 1;
	p->created_at = p->updated_at = fl_now();
	if ((rc = fl_store_sla_policy_insert(tx, p)))
		return rc;
	return remeasure(tx, renumber(tx, ids, n, 0, p->id, p->position));
}

int fl_sla_policy_update(fl_tx *tx, struct fl_sla_policy *p, fl_arena *a, struct fl_err *e)
{
	int64_t *ids;
	size_t n;
	int rc = prepare(tx, p, a, e);

	if (!rc)
		rc = fl_store_sla_policy_ids(tx, a, &ids, &n);
	if (rc)
		return rc;
	p->updated_at = fl_now();
	if ((rc = fl_store_sla_policy_update(tx, p)) || (rc = fl_sla_recompute_later(tx, NULL)))
		return rc;
	if (p->position < 1 || p->position > (int64_t)n)
		p->position = (int64_t)n;
	return renumber(tx, ids, n, 0, p->id, p->position);
}

int fl_sla_policy_delete(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_sla_policy p;
	int64_t *ids;
	size_t n;
	int rc = fl_store_sla_policy_get(tx, id, a, &p);

	if (!rc)
		rc = fl_store_sla_policy_ids(tx, a, &ids, &n);
	if (!rc)
		rc = fl_store_sla_policy_delete(tx, id);
	return rc ? rc : remeasure(tx, renumber(tx, ids, n, id, 0, 0));
}

int fl_sla_policy_reorder(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a, struct fl_err *e)
{
	int64_t *have;
	size_t nhave;
	int rc = fl_store_sla_policy_ids(tx, a, &have, &nhave);

	if (rc)
		return rc;
	if (n != nhave)
		return fl_err_set(e, FL_EINVAL, "sla_policy_ids", "InvalidValue",
				  "SLA policy ids: name every policy (%zu) exactly once, not %zu",
				  nhave, n);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nhave && have[k] != ids[i])
			k++;
		if (k == nhave)
			return fl_err_set(e, FL_EINVAL, "sla_policy_ids", "InvalidValue",
					  "SLA policy ids: %lld is not a policy, or is named twice",
					  (long long)ids[i]);
		have[k] = 0; /* named: a second time finds nothing */
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = fl_store_sla_policy_set_position(tx, ids[i], (int64_t)i + 1)))
			return rc;
	return fl_sla_recompute_later(tx, NULL);
}

/* Reads p's stored filter text; a text that does not read (written by
 * hand) is FL_EINTERNAL. */
static int load_filter(struct fl_sla_policy *p, fl_arena *a)
{
	struct fl_err e;
	int rc = fl_sla_filter_parse(p->filter_json, a, &p->filter, &e);
	return rc == FL_EINVAL ? FL_EINTERNAL : rc;
}

int fl_sla_policy_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_sla_policy *out)
{
	struct fl_sla_policy p;
	int rc = fl_store_sla_policy_get(tx, id, a, &p);

	if (!rc)
		rc = load_filter(&p, a);
	if (!rc)
		*out = p;
	return rc;
}

int fl_sla_policy_list(fl_tx *tx, fl_arena *a, struct fl_sla_policy **out, size_t *n)
{
	struct fl_sla_policy *p;
	size_t np;
	int rc = fl_store_sla_policy_list(tx, a, &p, &np);

	for (size_t i = 0; !rc && i < np; i++)
		rc = load_filter(&p[i], a);
	if (rc)
		return rc;
	*out = p;
	*n = np;
	return 0;
}

int fl_sla_schedule_deletable(fl_tx *tx, int64_t schedule_id, fl_arena *a, struct fl_err *e)
{
	int64_t n;
	char *title;
	int rc = fl_store_schedule_count(tx, &n);

	if (!rc)
		rc = fl_store_sla_policy_using(tx, schedule_id, n == 1, a, &title);
	if (rc == FL_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	return fl_err_set(e, FL_EINVAL, "schedule", "InUse",
			  "Schedule: the SLA policy '%.100s' counts its business hours in it",
			  title);
}
