/* Compiling view conditions (Zendesk's {"all": [...], "any": [...]}) into a
 * ticket filter. */
#include "views/view.h"

#include <jansson.h>
#include <string.h>

#include "core/time.h"
#include "tickets/ticket.h"

static const struct {
	const char *name;
	int field;
} fields[] = {
	{"status", FL_F_STATUS},
	{"priority", FL_F_PRIORITY},
	{"type", FL_F_TYPE},
	{"via", FL_F_CHANNEL},
	{"assignee_id", FL_F_ASSIGNEE},
	{"requester_id", FL_F_REQUESTER},
	{"group_id", FL_F_GROUP},
	{"organization_id", FL_F_ORGANIZATION},
	{"tags", FL_F_TAG},
	{"created_at", FL_F_CREATED},
	{"updated_at", FL_F_UPDATED},
	{"complaint", FL_F_COMPLAINT},
	{"complaint_reason_id", FL_F_COMPLAINT_REASON},
};

static const struct {
	const char *name;
	int op;
} ops[] = {
	{"is", FL_OP_EQ},           {"is_not", FL_OP_NE},   {"less_than", FL_OP_LT},
	{"greater_than", FL_OP_GT}, {"includes", FL_OP_EQ}, {"not_includes", FL_OP_NE},
};

/* "7days", "24hours", "30minutes": that long before now. */
static int relative_time(const char *z, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t seconds;
	} units[] = {{"minutes", 60}, {"hours", 3600}, {"days", 86400}};
	size_t len = strlen(z), digits = 0;
	int64_t n;

	while (digits < len && z[digits] >= '0' && z[digits] <= '9')
		digits++;
	if (!digits || fl_str_to_i64((fl_str){z, digits}, &n) || n > 100000)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (!strcmp(z + digits, units[i].unit)) {
			*out = fl_now() - n * units[i].seconds;
			return 0;
		}
	}
	return -1;
}

static int bad(struct fl_err *e, const char *where, size_t i, const char *what)
{
	return fl_err_set(e, FL_EINVAL, "conditions", "InvalidValue", "conditions.%s[%zu]: %s",
			  where, i, what);
}

static int compile_one(json_t *c, const char *where, size_t i, int group, int64_t actor_id,
		       fl_arena *a, struct fl_filter *f, struct fl_err *e)
{
	const char *fname = json_string_value(json_object_get(c, "field"));
	const char *oname = json_string_value(json_object_get(c, "operator"));
	json_t *v = json_object_get(c, "value");
	int field = -1, op = -1, x;
	int64_t ival = 0;
	const char *sval = NULL;
	const char *z = json_string_value(v);

	for (size_t k = 0; fname && k < sizeof fields / sizeof *fields; k++)
		if (!strcmp(fname, fields[k].name))
			field = fields[k].field;
	for (size_t k = 0; oname && k < sizeof ops / sizeof *ops; k++)
		if (!strcmp(oname, ops[k].name))
			op = ops[k].op;
	if (field < 0)
		return bad(e, where, i, "unknown field");
	if (op < 0)
		return bad(e, where, i, "unknown operator");
	if ((field == FL_F_TAG) != (!strcmp(oname, "includes") || !strcmp(oname, "not_includes")) &&
	    !(field == FL_F_TAG && (op == FL_OP_EQ || op == FL_OP_NE)))
		return bad(e, where, i,
			   field == FL_F_TAG ? "tags take includes, not_includes, is or is_not"
					     : "includes and not_includes are for tags");

	switch (field) {
	case FL_F_STATUS:
	case FL_F_PRIORITY:
	case FL_F_TYPE:
	case FL_F_CHANNEL:
		if (!z)
			return bad(e, where, i, "value must be a string");
		x = field == FL_F_STATUS     ? fl_status_parse(fl_str_c(z))
		    : field == FL_F_PRIORITY ? fl_priority_parse(fl_str_c(z))
		    : field == FL_F_TYPE     ? fl_type_parse(fl_str_c(z))
					     : fl_channel_parse(fl_str_c(z));
		if (x < 0)
			return bad(e, where, i, "unknown value");
		ival = x;
		break;
	case FL_F_TAG:
		if (!z || !*z)
			return bad(e, where, i, "value must be a tag");
		sval = fl_arena_strdup(a, z);
		if (!sval)
			return FL_ENOMEM;
		break;
	case FL_F_COMPLAINT:
		if (json_is_boolean(v))
			ival = json_is_true(v);
		else if (z && (!strcmp(z, "true") || !strcmp(z, "false")))
			ival = !strcmp(z, "true");
		else
			return bad(e, where, i, "value must be true or false");
		if (op != FL_OP_EQ && op != FL_OP_NE)
			return bad(e, where, i, "complaint takes is or is_not");
		break;
	case FL_F_CREATED:
	case FL_F_UPDATED:
		if (!z || (relative_time(z, &ival) && fl_time_parse(fl_str_c(z), &ival)))
			return bad(e, where, i, "value must be a date or like \"7days\"");
		break;
	default:
		if (json_is_null(v))
			ival = 0;
		else if (z && !strcmp(z, "current_user"))
			ival = actor_id;
		else if (json_is_integer(v) && json_integer_value(v) > 0)
			ival = json_integer_value(v);
		else
			return bad(e, where, i, "value must be an id, \"current_user\" or null");
	}
	if (fl_filter_add(f, field, op, ival, sval, group))
		return bad(e, where, i, "too many conditions");
	return 0;
}

int fl_view_compile(const char *conditions, int64_t actor_id, fl_arena *a, struct fl_filter *f,
		    struct fl_err *e)
{
	json_error_t jerr;
	json_t *root = json_loads(conditions, JSON_REJECT_DUPLICATES, &jerr);
	json_t *all, *any, *c;
	size_t i;
	int rc = 0, any_group = -1;

	memset(f, 0, sizeof *f);
	if (!json_is_object(root)) {
		json_decref(root);
		return fl_err_set(e, FL_EINVAL, "conditions", "InvalidValue",
				  "conditions must be an object with \"all\" and \"any\"");
	}
	all = json_object_get(root, "all");
	any = json_object_get(root, "any");
	if ((all && !json_is_array(all)) || (any && !json_is_array(any))) {
		rc = fl_err_set(e, FL_EINVAL, "conditions", "InvalidValue",
				"conditions.all and conditions.any must be arrays");
		goto out;
	}
	json_array_foreach(all, i, c)
	{
		if (!json_is_object(c)) {
			rc = bad(e, "all", i, "condition must be an object");
			goto out;
		}
		if ((rc = compile_one(c, "all", i, -1, actor_id, a, f, e)))
			goto out;
	}
	json_array_foreach(any, i, c)
	{
		if (any_group < 0)
			any_group = f->ngroups++;
		if (!json_is_object(c)) {
			rc = bad(e, "any", i, "condition must be an object");
			goto out;
		}
		if ((rc = compile_one(c, "any", i, any_group, actor_id, a, f, e)))
			goto out;
	}
out:
	json_decref(root);
	return rc;
}
