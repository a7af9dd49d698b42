/* The rule model (rules/rule.h): decoding, evaluation and actions. */
#include "rules/rule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/complaints.h"
#include "store/schedules.h"
#include "store/users.h"
#include "tickets/placeholder.h"

static const char *const field_names[FL_RF__MAX] = {
	"status",
	"priority",
	"type",
	"group_id",
	"assignee_id",
	"requester_id",
	"organization_id",
	"current_tags",
	"via_id",
	"current_via_id",
	"update_type",
	"comment_is_public",
	"comment_includes_word",
	"subject_includes_word",
	"role",
	"requester_tier",
	"organization_tier",
	"entitlement",
	"within_business_hours",
	"sla_event",
	"sla_metric",
	"satisfaction_score",
	"complaint",
	"complaint_reason_id",
	"NEW",
	"OPEN",
	"PENDING",
	"HOLD",
	"SOLVED",
	"CLOSED",
	"created_at",
	"updated_at",
	"assigned_at",
	"requester_updated_at",
	"assignee_updated_at",
	"sla_breached_at",
};
static const char *const op_names[FL_RO__MAX] = {
	"is",
	"is_not",
	"less_than",
	"greater_than",
	"changed",
	"not_changed",
	"value",
	"value_previous",
	"not_value",
	"not_value_previous",
	"includes",
	"not_includes",
	"is_business_hours",
	"less_than_business_hours",
	"greater_than_business_hours",
};
static const char *const action_names[FL_RA__MAX] = {
	"status",
	"priority",
	"type",
	"group_id",
	"assignee_id",
	"complaint_reason_id",
	"set_tags",
	"current_tags",
	"remove_tags",
	"follower",
	"comment_value",
	"comment_mode_is_public",
	"notification_user",
	"notification_group",
	"notification_webhook",
	"create_task",
};
static const char *const sla_event_names[FL_RULE_SLA__MAX] = {"warning", "breached", "achieved"};
static const char *const update_names[] = {"Create", "Change", "sla"};
static const char *const csat_names[FL_RULE_CSAT__MAX] = {"good", "bad"};

const char *fl_rule_field_name(int f)
{
	return f >= 0 && f < FL_RF__MAX ? field_names[f] : NULL;
}
const char *fl_rule_op_name(int op)
{
	return op >= 0 && op < FL_RO__MAX ? op_names[op] : NULL;
}
const char *fl_rule_action_name(int act)
{
	return act >= 0 && act < FL_RA__MAX ? action_names[act] : NULL;
}
const char *fl_rule_sla_event_name(int ev)
{
	return ev >= 0 && ev < FL_RULE_SLA__MAX ? sla_event_names[ev] : NULL;
}
const char *fl_rule_csat_name(int v)
{
	return v >= 0 && v < FL_RULE_CSAT__MAX ? csat_names[v] : NULL;
}

json_t *fl_rule_names_json(const char *(*name)(int), int from, int to)
{
	json_t *list = json_array();
	for (int v = from; v < to; v++)
		if (name(v))
			json_array_append_new(list, json_pack("{s:s, s:s}", "title", name(v),
							      "value", name(v)));
	return list;
}

const char *fl_rule_bool_name(int v)
{
	return v ? "true" : "false";
}

static int lookup(const char *z, const char *const *names, int n)
{
	for (int i = 0; z && i < n; i++)
		if (names[i] && !strcmp(z, names[i]))
			return i;
	return -1;
}

/* The operators each field takes, as bits of enum fl_rule_op. */
#define B(op) (1u << (op))
#define EQ (B(FL_RO_IS) | B(FL_RO_IS_NOT))
#define CHANGES                                                                               \
	(B(FL_RO_CHANGED) | B(FL_RO_NOT_CHANGED) | B(FL_RO_VALUE) | B(FL_RO_VALUE_PREVIOUS) | \
	 B(FL_RO_NOT_VALUE) | B(FL_RO_NOT_VALUE_PREVIOUS))
#define ORDER (B(FL_RO_LESS_THAN) | B(FL_RO_GREATER_THAN))
#define WORDS (B(FL_RO_INCLUDES) | B(FL_RO_NOT_INCLUDES))
#define TIME                                                                         \
	(B(FL_RO_IS) | B(FL_RO_LESS_THAN) | B(FL_RO_GREATER_THAN) | B(FL_RO_IS_BH) | \
	 B(FL_RO_LESS_THAN_BH) | B(FL_RO_GREATER_THAN_BH))
static const unsigned field_ops[FL_RF__MAX] = {
	[FL_RF_STATUS] = EQ | ORDER | CHANGES,
	[FL_RF_PRIORITY] = EQ | ORDER | CHANGES,
	[FL_RF_TYPE] = EQ | CHANGES,
	[FL_RF_GROUP] = EQ | CHANGES,
	[FL_RF_ASSIGNEE] = EQ | CHANGES,
	[FL_RF_REQUESTER] = EQ | CHANGES,
	[FL_RF_ORGANIZATION] = EQ | CHANGES,
	[FL_RF_TAGS] = WORDS,
	[FL_RF_VIA] = EQ,
	[FL_RF_CURRENT_VIA] = EQ,
	[FL_RF_UPDATE_TYPE] = B(FL_RO_IS),
	[FL_RF_COMMENT_IS_PUBLIC] = B(FL_RO_IS),
	[FL_RF_COMMENT_INCLUDES_WORD] = WORDS,
	[FL_RF_SUBJECT_INCLUDES_WORD] = WORDS,
	[FL_RF_ROLE] = EQ,
	[FL_RF_REQUESTER_TIER] = EQ,
	[FL_RF_ORGANIZATION_TIER] = EQ,
	[FL_RF_ENTITLEMENT] = EQ,
	[FL_RF_WITHIN_BUSINESS_HOURS] = EQ,
	[FL_RF_SLA_EVENT] = EQ,
	[FL_RF_SLA_METRIC] = EQ,
	[FL_RF_SATISFACTION_SCORE] = EQ,
	[FL_RF_COMPLAINT] = EQ | CHANGES,
	[FL_RF_COMPLAINT_REASON] = EQ | CHANGES,
	[FL_RF_HOURS_NEW] = TIME,
	[FL_RF_HOURS_OPEN] = TIME,
	[FL_RF_HOURS_PENDING] = TIME,
	[FL_RF_HOURS_HOLD] = TIME,
	[FL_RF_HOURS_SOLVED] = TIME,
	[FL_RF_HOURS_CLOSED] = TIME,
	[FL_RF_HOURS_CREATED] = TIME,
	[FL_RF_HOURS_UPDATED] = TIME,
	[FL_RF_HOURS_ASSIGNED] = TIME,
	[FL_RF_HOURS_REQUESTER_UPDATED] = TIME,
	[FL_RF_HOURS_ASSIGNEE_UPDATED] = TIME,
	[FL_RF_HOURS_SLA_BREACHED] = TIME,
};

int fl_rule_is_time_field(int field)
{
	return field >= FL_RF_HOURS_NEW && field <= FL_RF_HOURS_SLA_BREACHED;
}

/* What happens at the moment of a write (its comment, its author, what
 * changed) is for triggers; automations see the ticket as it stands. */
static int of_the_write(int field, int op)
{
	return field == FL_RF_CURRENT_VIA || field == FL_RF_UPDATE_TYPE ||
	       field == FL_RF_COMMENT_IS_PUBLIC || field == FL_RF_COMMENT_INCLUDES_WORD ||
	       field == FL_RF_ROLE || field == FL_RF_SLA_EVENT || field == FL_RF_SLA_METRIC ||
	       field == FL_RF_SATISFACTION_SCORE || (B(op) & CHANGES);
}

int fl_rule_op_allowed(int kind, int field, int op)
{
	if (field < 0 || field >= FL_RF__MAX || op < 0 || op >= FL_RO__MAX)
		return 0;
	if (kind == FL_RULE_MACRO || (kind == FL_RULE_AUTOMATION && of_the_write(field, op)))
		return 0;
	/* time passes for automations only: a write happens at an instant */
	if (fl_rule_is_time_field(field) && kind != FL_RULE_AUTOMATION)
		return 0;
	return (field_ops[field] & B(op)) != 0;
}

int fl_rule_action_allowed(int kind, int act)
{
	if (act < 0 || act >= FL_RA__MAX)
		return 0;
	/* a macro is applied by an agent who then submits: it writes the
	 * ticket, it does not mail, call out or open tasks */
	return kind != FL_RULE_MACRO || (act != FL_RA_MAIL_USER && act != FL_RA_MAIL_GROUP &&
					 act != FL_RA_WEBHOOK && act != FL_RA_TASK);
}

/* ---- decoding ---- */

struct dec {
	int kind;
	fl_arena *a;
	struct fl_err *e;
	char where[48]; /* "conditions.all[2]" or "actions[0]" */
};

static int bad(struct dec *d, const char *part, const char *reason, const char *what)
{
	char field[64];
	snprintf(field, sizeof field, "%s%s%s", d->where, part ? "." : "", part ? part : "");
	return fl_err_set(d->e, FL_EINVAL, field, reason, "%s: %s", field, what);
}

/* An id: a positive whole number (or its digits as a string); null is 0
 * when none is allowed. */
static int read_id(struct dec *d, json_t *v, int none_ok, int64_t *out)
{
	if (json_is_null(v) && none_ok) {
		*out = 0;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *z = json_string_value(v);
		int64_t n = 0;
		size_t i = 0;
		for (; z[i] >= '0' && z[i] <= '9' && i < 18; i++)
			n = n * 10 + (z[i] - '0');
		if (i && !z[i] && n > 0) {
			*out = n;
			return 0;
		}
		if (!*z && none_ok) {
			*out = 0;
			return 0;
		}
	}
	return bad(d, "value", "InvalidValue",
		   none_ok ? "must be an id (a positive whole number) or null"
			   : "must be an id (a positive whole number)");
}

static int read_bool(struct dec *d, json_t *v, int64_t *out)
{
	const char *z = json_string_value(v);
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (z && (!strcmp(z, "true") || !strcmp(z, "false")))
		*out = !strcmp(z, "true");
	else
		return bad(d, "value", "InvalidValue", "must be true or false");
	return 0;
}

/* A string of words or tags separated by spaces: at least one, each
 * lower-cased; tags normalized as tickets keep them. */
static int read_words(struct dec *d, json_t *v, int tags, const char ***out, size_t *n)
{
	const char *z = json_string_value(v);
	const char **w;
	size_t k = 0;
	struct fl_err e2;

	if (!z)
		return bad(d, "value", "InvalidType",
			   "must be a string of words separated by spaces");
	w = fl_arena_alloc(d->a, (FL_RULE_MAX_WORDS + 1) * sizeof *w);
	if (!w)
		return FL_ENOMEM;
	while (*z) {
		size_t len = 0;
		char *word;
		while (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r' || *z == ',')
			z++;
		while (z[len] && z[len] != ' ' && z[len] != '\t' && z[len] != '\n' &&
		       z[len] != '\r' && z[len] != ',')
			len++;
		if (!len)
			break;
		if (len > FL_RULE_WORD_MAX)
			return bad(d, "value", "TooLong", "a word or tag is at most 80 bytes");
		if (k == FL_RULE_MAX_WORDS)
			return bad(d, "value", "TooLong", "at most 32 words or tags");
		if (!(word = fl_arena_strndup(d->a, z, len)))
			return FL_ENOMEM;
		for (char *c = word; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		w[k++] = word;
		z += len;
	}
	if (!k)
		return bad(d, "value", "Blank", "needs at least one word or tag");
	if (tags && fl_tags_normalize(w, &k, d->a, &e2))
		return bad(d, "value", "InvalidValue", e2.msg);
	*out = w;
	*n = k;
	return 0;
}

static int read_name(struct dec *d, json_t *v, int (*parse)(fl_str), int none_ok, int min,
		     int64_t *out, const char *what)
{
	const char *z = json_string_value(v);
	int x;
	if ((json_is_null(v) || (z && !*z)) && none_ok) {
		*out = 0;
		return 0;
	}
	x = z ? parse(fl_str_c(z)) : -1;
	if (x < min)
		return bad(d, "value", "InvalidValue", what);
	*out = x;
	return 0;
}

static int parse_coverage(fl_str s)
{
	for (int i = 0; i < FL_SLA_COVERAGE__MAX; i++)
		if (fl_str_eq(s, fl_sla_coverage_name(i)))
			return i;
	return -1;
}
static int parse_sla_event(fl_str s)
{
	for (int i = 0; i < FL_RULE_SLA__MAX; i++)
		if (fl_str_eq(s, sla_event_names[i]))
			return i;
	return -1;
}
static int parse_csat(fl_str s)
{
	for (int i = 0; i < FL_RULE_CSAT__MAX; i++)
		if (fl_str_eq(s, csat_names[i]))
			return i;
	return -1;
}
static int parse_update(fl_str s)
{
	for (int i = 0; i < 3; i++)
		if (fl_str_eq(s, update_names[i]))
			return i;
	return -1;
}
static int parse_role(fl_str s)
{
	return fl_role_parse(s);
}

/* Whether z is digits with at most one decimal point among them: what
 * strtod would also read as hex, exponents, "inf" or with spaces is not
 * a number of hours someone typed. */
static int plain_decimal(const char *z)
{
	int digits = 0, dots = 0;
	for (; *z; z++) {
		if (*z >= '0' && *z <= '9')
			digits++;
		else if (*z == '.' && !dots)
			dots++;
		else
			return 0;
	}
	return digits > 0;
}

/* Hours since: a number of hours, whole or decimal ("0.5" is thirty
 * minutes), as a number or its text; kept as seconds. */
static int read_hours(struct dec *d, json_t *v, int64_t *out)
{
	const char *z = json_string_value(v);
	double h = -1;
	char *end = NULL;

	if (json_is_number(v))
		h = json_number_value(v);
	else if (z && strlen(z) < 32 && plain_decimal(z)) {
		h = strtod(z, &end);
		if (*end || end == z)
			h = -1;
	}
	/* NaN fails both comparisons, so it is refused too */
	if (!(h >= 0 && h <= FL_RULE_HOURS_MAX))
		return bad(d, "value", "InvalidValue",
			   "must be a number of hours from 0 to 87660 (\"0.5\" is 30 minutes)");
	*out = (int64_t)(h * 3600 + 0.5);
	return 0;
}

static int cond_value(struct dec *d, struct fl_rule_cond *c, json_t *v)
{
	if (fl_rule_is_time_field(c->field))
		return read_hours(d, v, &c->value);
	switch (c->field) {
	case FL_RF_STATUS:
		return read_name(d, v, fl_status_parse, 0, 0, &c->value,
				 "must be a status: new, open, pending, hold, solved or closed");
	case FL_RF_PRIORITY:
		return read_name(d, v, fl_priority_parse,
				 c->op != FL_RO_LESS_THAN && c->op != FL_RO_GREATER_THAN, 1,
				 &c->value, "must be a priority: low, normal, high or urgent");
	case FL_RF_TYPE:
		return read_name(d, v, fl_type_parse, 1, 1, &c->value,
				 "must be a type: question, incident, problem or task");
	case FL_RF_VIA:
	case FL_RF_CURRENT_VIA:
		return read_name(
			d, v, fl_channel_parse, 0, 0, &c->value,
			"must be a channel: web, email, api, phone, chat, sms or messenger");
	case FL_RF_UPDATE_TYPE:
		return read_name(d, v, parse_update, 0, 0, &c->value,
				 "must be Create or Change (or sla)");
	case FL_RF_ROLE:
		return read_name(d, v, parse_role, 0, 0, &c->value,
				 "must be a role: end_user, agent or admin");
	case FL_RF_ENTITLEMENT:
		return read_name(d, v, parse_coverage, 0, 0, &c->value,
				 "must be covered, expired or none");
	case FL_RF_SLA_EVENT:
		return read_name(d, v, parse_sla_event, 0, 0, &c->value,
				 "must be warning, breached or achieved");
	case FL_RF_SLA_METRIC:
		return read_name(d, v, fl_sla_metric_parse, 0, 0, &c->value,
				 "must be an SLA metric (first_reply_time, …)");
	case FL_RF_SATISFACTION_SCORE:
		return read_name(d, v, parse_csat, 0, 0, &c->value, "must be good or bad");
	case FL_RF_COMMENT_IS_PUBLIC:
	case FL_RF_COMPLAINT: return read_bool(d, v, &c->value);
	case FL_RF_TAGS: return read_words(d, v, 1, &c->words, &c->nwords);
	case FL_RF_COMMENT_INCLUDES_WORD:
	case FL_RF_SUBJECT_INCLUDES_WORD: return read_words(d, v, 0, &c->words, &c->nwords);
	case FL_RF_ASSIGNEE:
		if (json_is_string(v) && !strcmp(json_string_value(v), "current_user")) {
			c->value = FL_RULE_CURRENT_USER;
			return 0;
		}
		return read_id(d, v, 1, &c->value);
	case FL_RF_REQUESTER:
	case FL_RF_WITHIN_BUSINESS_HOURS: return read_id(d, v, 0, &c->value);
	default: return read_id(d, v, 1, &c->value);
	}
}

static int decode_conds(struct dec *d, json_t *list, const char *which, struct fl_rule_cond **out,
			size_t *n)
{
	size_t i;
	json_t *item;

	*out = NULL;
	*n = 0;
	if (!list || json_is_null(list))
		return 0;
	snprintf(d->where, sizeof d->where, "conditions.%s", which);
	if (!json_is_array(list))
		return bad(d, NULL, "InvalidType", "must be a list of conditions");
	if (json_array_size(list) > FL_RULE_MAX_CONDITIONS)
		return bad(d, NULL, "TooLong", "at most 50 conditions");
	if (!(*out = fl_arena_alloc(d->a, (json_array_size(list) + 1) * sizeof **out)))
		return FL_ENOMEM;
	json_array_foreach(list, i, item)
	{
		struct fl_rule_cond *c = &(*out)[i];
		int rc;
		memset(c, 0, sizeof *c);
		snprintf(d->where, sizeof d->where, "conditions.%s[%zu]", which, i);
		if (!json_is_object(item))
			return bad(d, NULL, "InvalidType",
				   "must be {\"field\", \"operator\", \"value\"}");
		c->field = lookup(json_string_value(json_object_get(item, "field")), field_names,
				  FL_RF__MAX);
		if (c->field < 0)
			return bad(d, "field", "InvalidValue",
				   "is not a condition this desk knows");
		c->op = lookup(json_string_value(json_object_get(item, "operator")), op_names,
			       FL_RO__MAX);
		if (!fl_rule_op_allowed(d->kind, c->field, c->op))
			return bad(d, "operator", "InvalidValue",
				   "is not an operator this condition takes here");
		if (c->op == FL_RO_CHANGED || c->op == FL_RO_NOT_CHANGED)
			continue; /* no value */
		if ((rc = cond_value(d, c, json_object_get(item, "value"))))
			return rc;
	}
	*n = json_array_size(list);
	return 0;
}

static int read_text(struct dec *d, json_t *v, size_t max, int blank_ok, const char **out,
		     const char *part)
{
	const char *z = json_string_value(v);
	char field[64];
	if (!z)
		return bad(d, part, "InvalidType", "must be text");
	if (strlen(z) > max)
		return bad(d, part, "TooLong", "is too long");
	if (!blank_ok && !*z)
		return bad(d, part, "Blank", "cannot be blank");
	snprintf(field, sizeof field, "%s.%s", d->where, part);
	if (fl_placeholders_check(z, field, d->e))
		return FL_EINVAL;
	return (*out = fl_arena_strdup(d->a, z)) ? 0 : FL_ENOMEM;
}

/* A follow-up task's [owner, due in hours, title]: the owner
 * "assignee_id" (the ticket's, when it fires) or an agent's id; the hours
 * a number (or its text) from 0 to FL_RULE_TASK_HOURS_MAX, "0.5" half an
 * hour, or null for no due time; the title a one-line template. */
static int read_task(struct dec *d, struct fl_rule_action *x, json_t *v)
{
	json_t *owner = json_array_get(v, 0), *hours = json_array_get(v, 1);
	const char *o = json_string_value(owner), *z = json_string_value(hours);
	int64_t id = 0;
	double h = -1;
	char *end = NULL;

	if (!json_is_array(v) || json_array_size(v) != 3)
		return bad(d, "value", "InvalidType",
			   "must be [owner, due in hours, title]: owner is assignee_id or an "
			   "agent's id");
	/* an id, or its digits as text */
	if (json_is_integer(owner))
		id = json_integer_value(owner);
	else if (o && *o && strlen(o) < 19 && strspn(o, "0123456789") == strlen(o))
		id = strtoll(o, NULL, 10);
	if (o && !strcmp(o, "assignee_id"))
		x->value = FL_RULE_ASSIGNEE;
	else if (id > 0)
		x->value = id;
	else
		return bad(d, "value[0]", "InvalidValue",
			   "must be assignee_id or an agent's id (a positive whole number)");
	if (json_is_null(hours) || (z && !*z)) {
		x->due = FL_RULE_NO_DUE;
	} else {
		if (json_is_number(hours))
			h = json_number_value(hours);
		else if (z && strlen(z) < 32 && plain_decimal(z)) {
			h = strtod(z, &end);
			if (*end || end == z)
				h = -1;
		}
		/* NaN fails both comparisons, so it is refused too */
		if (!(h >= 0 && h <= FL_RULE_TASK_HOURS_MAX))
			return bad(d, "value[1]", "InvalidValue",
				   "must be a number of hours from 0 to 8760 (\"0.5\" is 30 "
				   "minutes), or null for no due time");
		x->due = (int64_t)(h * 3600 + 0.5);
	}
	if (read_text(d, json_array_get(v, 2), FL_RULE_SUBJECT_MAX, 0, &x->subject, "value[2]"))
		return FL_EINVAL;
	/* a task's title is one line: a list's row and a reminder's subject */
	for (const char *c = x->subject; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return bad(d, "value[2]", "InvalidValue",
				   "must be one line, without control characters");
	return 0;
}

/* The value of an action: its kind says its shape. Lists (the
 * notifications') are [to, subject, body] and [webhook_id, body]. */
static int action_value(struct dec *d, struct fl_rule_action *x, json_t *v)
{
	json_t *to;
	switch (x->field) {
	case FL_RA_STATUS:
		return read_name(d, v, fl_status_parse, 0, 0, &x->value,
				 "must be a status: new, open, pending, hold, solved or closed");
	case FL_RA_PRIORITY:
		return read_name(d, v, fl_priority_parse, 1, 1, &x->value,
				 "must be a priority: low, normal, high or urgent");
	case FL_RA_TYPE:
		return read_name(d, v, fl_type_parse, 1, 1, &x->value,
				 "must be a type: question, incident, problem or task");
	case FL_RA_GROUP:
	case FL_RA_COMPLAINT: return read_id(d, v, 1, &x->value);
	case FL_RA_ASSIGNEE:
	case FL_RA_FOLLOWER:
		if (json_is_string(v) && !strcmp(json_string_value(v), "current_user")) {
			x->value = FL_RULE_CURRENT_USER;
			return 0;
		}
		return read_id(d, v, x->field == FL_RA_ASSIGNEE, &x->value);
	case FL_RA_SET_TAGS:
	case FL_RA_ADD_TAGS:
	case FL_RA_REMOVE_TAGS: return read_words(d, v, 1, &x->words, &x->nwords);
	case FL_RA_COMMENT:
		/* Zendesk's ["channel:all", text] too */
		if (json_is_array(v) && json_array_size(v) == 2)
			v = json_array_get(v, 1);
		return read_text(d, v, FL_RULE_TEXT_MAX, 0, &x->text, "value");
	case FL_RA_COMMENT_PUBLIC: return read_bool(d, v, &x->value);
	case FL_RA_MAIL_USER:
	case FL_RA_MAIL_GROUP:
		if (!json_is_array(v) || json_array_size(v) != 3)
			return bad(d, "value", "InvalidType",
				   x->field == FL_RA_MAIL_USER
					   ? "must be [to, subject, body]: to is requester_id, "
					     "assignee_id, current_user or a user id"
					   : "must be [group_id, subject, body]");
		to = json_array_get(v, 0);
		if (x->field == FL_RA_MAIL_USER && json_is_string(to) &&
		    lookup(json_string_value(to),
			   (const char *const[]){"current_user", "requester_id", "assignee_id"},
			   3) >= 0)
			x->value = -2 - lookup(json_string_value(to),
					       (const char *const[]){"current_user", "requester_id",
								     "assignee_id"},
					       3);
		else if (x->field == FL_RA_MAIL_GROUP && json_is_string(to) &&
			 !strcmp(json_string_value(to), "group_id"))
			x->value = FL_RULE_TICKET_GROUP;
		else if (read_id(d, to, 0, &x->value))
			return FL_EINVAL;
		if (read_text(d, json_array_get(v, 1), FL_RULE_SUBJECT_MAX, 0, &x->subject,
			      "value[1]"))
			return FL_EINVAL;
		return read_text(d, json_array_get(v, 2), FL_RULE_TEXT_MAX, 0, &x->text,
				 "value[2]");
	case FL_RA_WEBHOOK:
		if (!json_is_array(v) || json_array_size(v) != 2)
			return bad(d, "value", "InvalidType", "must be [webhook_id, body]");
		if (read_id(d, json_array_get(v, 0), 0, &x->value))
			return FL_EINVAL;
		return read_text(d, json_array_get(v, 1), FL_RULE_TEXT_MAX, 1, &x->text,
				 "value[1]");
	case FL_RA_TASK: return read_task(d, x, v);
	}
	return FL_EINTERNAL;
}

int fl_rule_decode(int kind, json_t *conditions, json_t *actions, fl_arena *a, struct fl_rule *out,
		   struct fl_err *e)
{
	struct dec d = {.kind = kind, .a = a, .e = e};
	struct fl_rule r = {0};
	size_t i;
	json_t *item;
	int rc;

	if (conditions && !json_is_null(conditions)) {
		if (!json_is_object(conditions))
			return fl_err_set(e, FL_EINVAL, "conditions", "InvalidType",
					  "conditions: must be {\"all\": [...], \"any\": [...]}");
		if ((rc = decode_conds(&d, json_object_get(conditions, "all"), "all", &r.all,
				       &r.nall)) ||
		    (rc = decode_conds(&d, json_object_get(conditions, "any"), "any", &r.any,
				       &r.nany)))
			return rc;
	}
	if (actions && !json_is_null(actions)) {
		if (!json_is_array(actions))
			return fl_err_set(e, FL_EINVAL, "actions", "InvalidType",
					  "actions: must be a list of {\"field\", \"value\"}");
		if (json_array_size(actions) > FL_RULE_MAX_ACTIONS)
			return fl_err_set(e, FL_EINVAL, "actions", "TooLong",
					  "actions: at most 50");
		if (!(r.actions = fl_arena_alloc(a, (json_array_size(actions) + 1) *
							    sizeof *r.actions)))
			return FL_ENOMEM;
		json_array_foreach(actions, i, item)
		{
			struct fl_rule_action *x = &r.actions[i];
			memset(x, 0, sizeof *x);
			snprintf(d.where, sizeof d.where, "actions[%zu]", i);
			if (!json_is_object(item))
				return bad(&d, NULL, "InvalidType",
					   "must be {\"field\", \"value\"}");
			x->field = lookup(json_string_value(json_object_get(item, "field")),
					  action_names, FL_RA__MAX);
			if (x->field < 0)
				return bad(&d, "field", "InvalidValue",
					   "is not an action this desk knows");
			if (!fl_rule_action_allowed(kind, x->field))
				return bad(&d, "field", "InvalidValue",
					   "is not an action this kind of rule may take");
			if ((rc = action_value(&d, x, json_object_get(item, "value"))))
				return rc;
		}
		r.nactions = json_array_size(actions);
	}
	*out = r;
	return 0;
}

/* ---- back to JSON ---- */

static json_t *words_json(const char **w, size_t n)
{
	char buf[FL_RULE_MAX_WORDS * (FL_RULE_WORD_MAX + 1) + 1];
	size_t k = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", i ? " " : "", w[i]);
	return json_string(buf);
}

static json_t *id_json(int64_t id)
{
	if (id == FL_RULE_CURRENT_USER)
		return json_string("current_user");
	if (id == FL_RULE_REQUESTER)
		return json_string("requester_id");
	if (id == FL_RULE_ASSIGNEE)
		return json_string("assignee_id");
	if (id == FL_RULE_TICKET_GROUP)
		return json_string("group_id");
	return id ? json_integer(id) : json_null();
}

static json_t *name_json(const char *z)
{
	return z ? json_string(z) : json_null();
}

static json_t *cond_value_json(const struct fl_rule_cond *c)
{
	int v = (int)c->value;
	char hours[32];

	if (fl_rule_is_time_field(c->field)) {
		/* Zendesk writes hours as text */
		snprintf(hours, sizeof hours, "%.10g", (double)c->value / 3600);
		return json_string(hours);
	}
	switch (c->field) {
	case FL_RF_STATUS: return name_json(fl_status_name(v));
	case FL_RF_PRIORITY: return name_json(fl_priority_name(v));
	case FL_RF_TYPE: return name_json(fl_type_name(v));
	case FL_RF_VIA:
	case FL_RF_CURRENT_VIA: return name_json(fl_channel_name(v));
	case FL_RF_UPDATE_TYPE: return json_string(update_names[v]);
	case FL_RF_ROLE: return name_json(fl_role_name(v));
	case FL_RF_ENTITLEMENT: return name_json(fl_sla_coverage_name(v));
	case FL_RF_SLA_EVENT: return name_json(fl_rule_sla_event_name(v));
	case FL_RF_SLA_METRIC: return name_json(fl_sla_metric_name(v));
	case FL_RF_SATISFACTION_SCORE: return name_json(fl_rule_csat_name(v));
	case FL_RF_COMMENT_IS_PUBLIC:
	case FL_RF_COMPLAINT: return json_boolean(v);
	case FL_RF_TAGS:
	case FL_RF_COMMENT_INCLUDES_WORD:
	case FL_RF_SUBJECT_INCLUDES_WORD: return words_json(c->words, c->nwords);
	default: return id_json(c->value);
	}
}

static json_t *conds_json(const struct fl_rule_cond *c, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s}", "field", field_names[c[i].field], "operator",
				      op_names[c[i].op]);
		json_object_set_new(o, "value",
				    c[i].op == FL_RO_CHANGED || c[i].op == FL_RO_NOT_CHANGED
					    ? json_null()
					    : cond_value_json(&c[i]));
		json_array_append_new(list, o);
	}
	return list;
}

json_t *fl_rule_conditions_json(const struct fl_rule *r)
{
	return json_pack("{s:o, s:o}", "all", conds_json(r->all, r->nall), "any",
			 conds_json(r->any, r->nany));
}

/* A task's due time as hours: whole ones as an integer, null for none. */
static json_t *due_json(int64_t due)
{
	if (due == FL_RULE_NO_DUE)
		return json_null();
	return due % 3600 ? json_real(due / 3600.0) : json_integer(due / 3600);
}

static json_t *action_value_json(const struct fl_rule_action *x)
{
	int v = (int)x->value;
	switch (x->field) {
	case FL_RA_STATUS: return name_json(fl_status_name(v));
	case FL_RA_PRIORITY: return name_json(fl_priority_name(v));
	case FL_RA_TYPE: return name_json(fl_type_name(v));
	case FL_RA_SET_TAGS:
	case FL_RA_ADD_TAGS:
	case FL_RA_REMOVE_TAGS: return words_json(x->words, x->nwords);
	case FL_RA_COMMENT: return json_string(x->text);
	case FL_RA_COMMENT_PUBLIC: return json_boolean(v);
	case FL_RA_MAIL_USER:
	case FL_RA_MAIL_GROUP:
		return json_pack("[o, s, s]", id_json(x->value), x->subject, x->text);
	case FL_RA_WEBHOOK: return json_pack("[o, s]", id_json(x->value), x->text);
	case FL_RA_TASK:
		return json_pack("[o, o, s]", id_json(x->value), due_json(x->due), x->subject);
	default: return id_json(x->value);
	}
}

json_t *fl_rule_actions_json(const struct fl_rule *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < r->nactions; i++)
		json_array_append_new(list, json_pack("{s:s, s:o}", "field",
						      action_names[r->actions[i].field], "value",
						      action_value_json(&r->actions[i])));
	return list;
}

/* ---- references ---- */

static int ref_bad(struct fl_err *e, const char *where, size_t i, const char *part,
		   const char *what, int64_t id)
{
	char field[64];
	snprintf(field, sizeof field, "%s[%zu].%s", where, i, part);
	return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: %s %lld does not exist", field,
			  what, (long long)id);
}

static int group_ok(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_group g;
	return fl_store_group_get(tx, id, a, &g) == 0 && !g.deleted;
}

static int agent_ok(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_user u;
	return fl_store_user_get(tx, id, a, &u) == 0 && u.active && u.role >= FL_ROLE_AGENT;
}

static int user_ok(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_user u;
	return fl_store_user_get(tx, id, a, &u) == 0 && u.active;
}

/* A complaint reason that exists (and is active, for an action that
 * gives it: tickets/complaint.h). */
static int reason_ok(fl_tx *tx, int64_t id, int active, fl_arena *a)
{
	struct fl_complaint_reason r;
	return fl_store_complaint_reason_get(tx, id, a, &r) == 0 && (r.active || !active);
}

static int conds_refs(fl_tx *tx, const struct fl_rule_cond *c, size_t n, const char *where,
		      fl_arena *a, struct fl_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct fl_schedule s;
		int64_t v = c[i].value;
		if (c[i].op == FL_RO_CHANGED || c[i].op == FL_RO_NOT_CHANGED || v <= 0 ||
		    fl_rule_is_time_field(c[i].field))
			continue;
		if (c[i].field == FL_RF_GROUP && !group_ok(tx, v, a))
			return ref_bad(e, where, i, "value", "group", v);
		if (c[i].field == FL_RF_ASSIGNEE && !agent_ok(tx, v, a))
			return ref_bad(e, where, i, "value", "agent", v);
		if (c[i].field == FL_RF_WITHIN_BUSINESS_HOURS &&
		    fl_store_schedule_get(tx, v, a, &s))
			return ref_bad(e, where, i, "value", "schedule", v);
		if (c[i].field == FL_RF_COMPLAINT_REASON && !reason_ok(tx, v, 0, a))
			return ref_bad(e, where, i, "value", "complaint reason", v);
	}
	return 0;
}

int fl_rule_check_refs(fl_tx *tx, const struct fl_rule *r, fl_arena *a, struct fl_err *e)
{
	fl_rules_webhook_exists_fn exists = fl_rules_webhook_exists();
	int rc = conds_refs(tx, r->all, r->nall, "conditions.all", a, e);

	if (!rc)
		rc = conds_refs(tx, r->any, r->nany, "conditions.any", a, e);
	for (size_t i = 0; !rc && i < r->nactions; i++) {
		const struct fl_rule_action *x = &r->actions[i];
		int64_t v = x->value;
		if (v <= 0)
			continue;
		if ((x->field == FL_RA_GROUP || x->field == FL_RA_MAIL_GROUP) &&
		    !group_ok(tx, v, a))
			rc = ref_bad(e, "actions", i, "value", "group", v);
		else if ((x->field == FL_RA_ASSIGNEE || x->field == FL_RA_FOLLOWER) &&
			 !agent_ok(tx, v, a))
			rc = ref_bad(e, "actions", i, "value", "agent", v);
		else if (x->field == FL_RA_COMPLAINT && !reason_ok(tx, v, 1, a))
			rc = ref_bad(e, "actions", i, "value", "active complaint reason", v);
		else if (x->field == FL_RA_TASK && !agent_ok(tx, v, a))
			rc = ref_bad(e, "actions", i, "value[0]", "active agent", v);
		else if (x->field == FL_RA_MAIL_USER && !user_ok(tx, v, a))
			rc = ref_bad(e, "actions", i, "value", "user", v);
		else if (x->field == FL_RA_WEBHOOK && (!exists || exists(tx, v)))
			rc = ref_bad(e, "actions", i, "value", "webhook", v);
	}
	return rc;
}

/* ---- evaluation ---- */

/* The value of field in ticket t (0 when t is NULL: nothing yet). */
static int64_t ticket_value(const struct fl_ticket *t, int field)
{
	if (!t)
		return 0;
	switch (field) {
	case FL_RF_STATUS: return t->status;
	case FL_RF_PRIORITY: return t->priority;
	case FL_RF_TYPE: return t->type;
	case FL_RF_GROUP: return t->group_id;
	case FL_RF_ASSIGNEE: return t->assignee_id;
	case FL_RF_REQUESTER: return t->requester_id;
	case FL_RF_ORGANIZATION: return t->organization_id;
	case FL_RF_VIA: return t->channel;
	case FL_RF_COMPLAINT: return t->complaint_reason_id != 0;
	case FL_RF_COMPLAINT_REASON: return t->complaint_reason_id;
	}
	return 0;
}

static int has_tag(const struct fl_ticket *t, const char *tag)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (!strcmp(t->tags[i], tag))
			return 1;
	return 0;
}

/* Whether text has word as a whole word, ignoring ASCII case: words are
 * runs of letters, digits and any non-ASCII bytes. */
static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const unsigned char *p = (const unsigned char *)text;
	if (!text || !n)
		return 0;
	while (*p) {
		const unsigned char *s;
		while (*p && !(isalnum(*p) || *p >= 0x80))
			p++;
		s = p;
		while (*p && (isalnum(*p) || *p >= 0x80))
			p++;
		if ((size_t)(p - s) == n && !strncasecmp((const char *)s, word, n))
			return 1;
	}
	return 0;
}

static int any_word(const char *text, const struct fl_rule_cond *c)
{
	for (size_t i = 0; i < c->nwords; i++)
		if (has_word(text, c->words[i]))
			return 1;
	return 0;
}

/* A value to compare: current_user is who wrote. */
static int64_t wanted(const struct fl_rule_cond *c, const struct fl_rule_ctx *x)
{
	return c->value == FL_RULE_CURRENT_USER ? x->actor_id : c->value;
}

/* When the clock a time condition reads started, 0 when it has not: a
 * status clock only while the ticket is in that status. */
static int64_t clock_start(const struct fl_rule_cond *c, const struct fl_rule_ctx *x)
{
	if (!x->clocks || !fl_rule_is_time_field(c->field))
		return 0;
	if (c->field <= FL_RF_HOURS_CLOSED)
		return x->t->status == c->field - FL_RF_HOURS_NEW ? x->clocks[FL_CLOCK_STATUS] : 0;
	return x->clocks[FL_CLOCK_CREATED + (c->field - FL_RF_HOURS_CREATED)];
}

/* Hours since: "is" holds for the hour that begins at the value (so it
 * holds once), the others compare. Business hours count in the desk's
 * schedule. */
static int time_holds(const struct fl_rule_cond *c, const struct fl_rule_ctx *x)
{
	int64_t from = clock_start(c, x), used;
	int biz = c->op == FL_RO_IS_BH || c->op == FL_RO_LESS_THAN_BH ||
		  c->op == FL_RO_GREATER_THAN_BH;

	if (from <= 0 || from > x->now)
		return 0;
	/* business time is never more than calendar time: a clock that has
	 * not run value seconds at all needs no schedule to answer */
	if (biz && x->now - from < c->value)
		return c->op == FL_RO_LESS_THAN_BH;
	if (!biz)
		used = x->now - from;
	else if (x->biz_elapsed)
		used = x->biz_elapsed(x->biz_arg, from, x->now);
	else
		return 0;
	switch (c->op) {
	case FL_RO_IS:
	case FL_RO_IS_BH: return used >= c->value && used < c->value + 3600;
	case FL_RO_LESS_THAN:
	case FL_RO_LESS_THAN_BH: return used < c->value;
	default: return used > c->value;
	}
}

static int cond_holds(const struct fl_rule_cond *c, const struct fl_rule_ctx *x)
{
	int64_t now, was, v = wanted(c, x);
	const struct fl_sla_facts none = {0}, *f = x->facts ? x->facts : &none;
	int r;

	if (fl_rule_is_time_field(c->field))
		return time_holds(c, x);
	switch (c->field) {
	case FL_RF_TAGS:
		for (size_t i = 0; i < c->nwords; i++)
			if (has_tag(x->t, c->words[i]))
				return c->op == FL_RO_INCLUDES;
		return c->op == FL_RO_NOT_INCLUDES;
	case FL_RF_COMMENT_INCLUDES_WORD:
		return any_word(x->comment, c) == (c->op == FL_RO_INCLUDES);
	case FL_RF_SUBJECT_INCLUDES_WORD:
		return any_word(x->t->subject, c) == (c->op == FL_RO_INCLUDES);
	case FL_RF_UPDATE_TYPE: return x->update_type == v;
	case FL_RF_COMMENT_IS_PUBLIC: return x->comment && x->comment_public == v;
	case FL_RF_CURRENT_VIA: now = x->via; break;
	case FL_RF_ROLE: now = x->actor_role; break;
	case FL_RF_REQUESTER_TIER: now = f->requester_tier; break;
	case FL_RF_ORGANIZATION_TIER: now = f->organization_tier; break;
	case FL_RF_ENTITLEMENT: now = f->coverage; break;
	case FL_RF_SLA_EVENT:
		if (x->sla_event < 0)
			return 0;
		now = x->sla_event;
		break;
	case FL_RF_SLA_METRIC:
		if (x->sla_metric < 0)
			return 0;
		now = x->sla_metric;
		break;
	case FL_RF_SATISFACTION_SCORE:
		/* only a rating arriving: never the ticket's other writes */
		if (!x->csat)
			return 0;
		now = x->csat - 1;
		break;
	case FL_RF_WITHIN_BUSINESS_HOURS:
		r = x->in_hours ? x->in_hours(x->in_hours_arg, v, x->now) : -1;
		if (r < 0)
			return 0;
		return c->op == FL_RO_IS ? r : !r;
	default: now = ticket_value(x->t, c->field);
	}
	was = ticket_value(x->before, c->field);
	switch (c->op) {
	case FL_RO_IS: return now == v;
	case FL_RO_IS_NOT: return now != v;
	/* priority none is below every priority: "less than" asks for one set */
	case FL_RO_LESS_THAN: return now < v && (c->field != FL_RF_PRIORITY || now);
	case FL_RO_GREATER_THAN: return now > v;
	case FL_RO_CHANGED: return now != was;
	case FL_RO_NOT_CHANGED: return now == was;
	case FL_RO_VALUE: return now != was && now == v;
	case FL_RO_VALUE_PREVIOUS: return now != was && was == v;
	case FL_RO_NOT_VALUE: return !(now != was && now == v);
	case FL_RO_NOT_VALUE_PREVIOUS: return !(now != was && was == v);
	}
	return 0;
}

int fl_rule_matches(const struct fl_rule *r, const struct fl_rule_ctx *c)
{
	int any = r->nany == 0;
	if (!r->nall && !r->nany)
		return 0;
	for (size_t i = 0; i < r->nall; i++)
		if (!cond_holds(&r->all[i], c))
			return 0;
	for (size_t i = 0; !any && i < r->nany; i++)
		any = cond_holds(&r->any[i], c);
	return any;
}

/* Whether a scan's row answers the condition: the ticket's scalar
 * fields and the clocks, nothing the pass loads only for a candidate. */
static int answerable(const struct fl_rule_cond *c)
{
	switch (c->field) {
	case FL_RF_STATUS:
	case FL_RF_PRIORITY:
	case FL_RF_TYPE:
	case FL_RF_GROUP:
	case FL_RF_ASSIGNEE:
	case FL_RF_REQUESTER:
	case FL_RF_ORGANIZATION:
	case FL_RF_VIA: return !(B(c->op) & CHANGES);
	}
	return fl_rule_is_time_field(c->field);
}

int fl_rule_may_match(const struct fl_rule *r, const struct fl_rule_ctx *c)
{
	if (!r->nall && !r->nany)
		return 0;
	for (size_t i = 0; i < r->nall; i++)
		if (answerable(&r->all[i]) && !cond_holds(&r->all[i], c))
			return 0;
	return 1;
}

int64_t fl_rule_window(const struct fl_rule *r, const struct fl_rule_ctx *c)
{
	int64_t w = 0;
	for (size_t i = 0; i < r->nall + r->nany; i++) {
		const struct fl_rule_cond *k = i < r->nall ? &r->all[i] : &r->any[i - r->nall];
		int64_t from = clock_start(k, c);
		if (from > w)
			w = from;
	}
	return w;
}

/* ---- actions ---- */

static void tag_add(const char **list, size_t *n, const char *tag)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], tag))
			return;
	if (*n < FL_TICKET_MAX_TAGS)
		list[(*n)++] = tag;
}

static void tag_drop(const char **list, size_t *n, const char *tag)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], tag)) {
			memmove(list + i, list + i + 1, (*n - i - 1) * sizeof *list);
			(*n)--;
			return;
		}
}

int fl_rule_apply(const struct fl_rule *r, const struct fl_rule_ctx *c, fl_arena *a,
		  struct fl_ticket_patch *p, struct fl_rule_effect **fx, size_t *nfx)
{
	struct fl_rule_effect *out = fl_arena_alloc(a, (r->nactions + 1) * sizeof *out);
	int pub = 0;
	size_t n = 0;

	if (!out)
		return FL_ENOMEM;
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < r->nactions; i++)
		if (r->actions[i].field == FL_RA_COMMENT_PUBLIC)
			pub = (int)r->actions[i].value;
	for (size_t i = 0; i < r->nactions; i++) {
		const struct fl_rule_action *x = &r->actions[i];
		int64_t id = x->value;
		switch (x->field) {
		case FL_RA_STATUS:
			p->has_status = 1;
			p->status = (int)x->value;
			break;
		case FL_RA_PRIORITY:
			p->has_priority = 1;
			p->priority = (int)x->value;
			break;
		case FL_RA_TYPE:
			p->has_type = 1;
			p->type = (int)x->value;
			break;
		case FL_RA_GROUP:
			p->has_group = 1;
			p->group_id = x->value;
			break;
		case FL_RA_COMPLAINT:
			p->has_complaint = 1;
			p->complaint_reason_id = x->value;
			break;
		case FL_RA_ASSIGNEE:
			if (id == FL_RULE_CURRENT_USER) {
				/* only an agent who wrote can be given the ticket */
				if (c->actor_role < FL_ROLE_AGENT || c->actor_id <= 0)
					break;
				id = c->actor_id;
			}
			p->has_assignee = 1;
			p->assignee_id = id;
			break;
		case FL_RA_SET_TAGS:
			p->has_tags = 1;
			p->ntags = 0;
			for (size_t k = 0; k < x->nwords; k++)
				tag_add(p->tags, &p->ntags, x->words[k]);
			break;
		case FL_RA_ADD_TAGS:
		case FL_RA_REMOVE_TAGS:
			for (size_t k = 0; k < x->nwords; k++) {
				int add = x->field == FL_RA_ADD_TAGS;
				if (p->has_tags) {
					(add ? tag_add : tag_drop)(p->tags, &p->ntags, x->words[k]);
				} else if (add) {
					p->has_add_tags = 1;
					tag_drop(p->remove_tags, &p->nremove_tags, x->words[k]);
					tag_add(p->add_tags, &p->nadd_tags, x->words[k]);
				} else {
					p->has_remove_tags = 1;
					tag_drop(p->add_tags, &p->nadd_tags, x->words[k]);
					tag_add(p->remove_tags, &p->nremove_tags, x->words[k]);
				}
			}
			break;
		case FL_RA_FOLLOWER:
			if (id == FL_RULE_CURRENT_USER) {
				if (c->actor_role < FL_ROLE_AGENT || c->actor_id <= 0)
					break;
				id = c->actor_id;
			}
			if (p->nfollower_add < FL_TICKET_MAX_FOLLOWERS) {
				p->has_follower_changes = 1;
				p->follower_add[p->nfollower_add++] = id;
			}
			break;
		case FL_RA_COMMENT_PUBLIC: break;
		case FL_RA_COMMENT:
			out[n++] = (struct fl_rule_effect){FL_FX_COMMENT, 0,   NULL,
							   x->text,       pub, (int)i};
			break;
		case FL_RA_MAIL_USER:
			if (id == FL_RULE_CURRENT_USER)
				id = c->actor_id;
			else if (id == FL_RULE_REQUESTER)
				id = c->t->requester_id;
			else if (id == FL_RULE_ASSIGNEE)
				id = c->t->assignee_id;
			if (id > 0)
				out[n++] = (struct fl_rule_effect){FL_FX_MAIL_USER, id, x->subject,
								   x->text,         0,  (int)i};
			break;
		case FL_RA_MAIL_GROUP:
			if (id == FL_RULE_TICKET_GROUP)
				id = c->t->group_id;
			if (id > 0)
				out[n++] = (struct fl_rule_effect){FL_FX_MAIL_GROUP, id, x->subject,
								   x->text,          0,  (int)i};
			break;
		case FL_RA_WEBHOOK:
			out[n++] = (struct fl_rule_effect){FL_FX_WEBHOOK, id, NULL,
							   x->text,       0,  (int)i};
			break;
		case FL_RA_TASK:
			/* no assignee: still an effect, so the engine says why no
			 * task was opened */
			if (id == FL_RULE_ASSIGNEE)
				id = c->t->assignee_id > 0 ? c->t->assignee_id : 0;
			out[n++] = (struct fl_rule_effect){FL_FX_TASK, id,     x->subject, NULL,
							   0,          (int)i, x->due};
			break;
		}
	}
	*fx = out;
	*nfx = n;
	return 0;
}

int fl_rule_patch_changes(const struct fl_ticket_patch *p, const struct fl_ticket *t)
{
	if ((p->has_status && p->status != t->status) ||
	    (p->has_priority && p->priority != t->priority) ||
	    (p->has_type && p->type != t->type) || (p->has_group && p->group_id != t->group_id) ||
	    (p->has_assignee && p->assignee_id != t->assignee_id) ||
	    (p->has_complaint && p->complaint_reason_id != t->complaint_reason_id))
		return 1;
	if (p->has_tags) {
		if (p->ntags != t->ntags)
			return 1;
		for (size_t i = 0; i < p->ntags; i++)
			if (!has_tag(t, p->tags[i]))
				return 1;
	}
	for (size_t i = 0; p->has_add_tags && i < p->nadd_tags; i++)
		if (!has_tag(t, p->add_tags[i]))
			return 1;
	for (size_t i = 0; p->has_remove_tags && i < p->nremove_tags; i++)
		if (has_tag(t, p->remove_tags[i]))
			return 1;
	for (size_t i = 0; i < p->nfollower_add; i++) {
		size_t k = 0;
		while (k < t->nfollowers && t->followers[k] != p->follower_add[i])
			k++;
		if (k == t->nfollowers)
			return 1;
	}
	return 0;
}

/* ---- rules that undo each other ---- */

/* Whether action x changes what condition k reads. */
static int action_resets(const struct fl_rule_action *x, const struct fl_rule_cond *k)
{
	int f = k->field;
	switch (x->field) {
	case FL_RA_STATUS:
		return f == FL_RF_STATUS || (f >= FL_RF_HOURS_NEW && f <= FL_RF_HOURS_CLOSED) ||
		       f == FL_RF_HOURS_UPDATED;
	case FL_RA_PRIORITY: return f == FL_RF_PRIORITY || f == FL_RF_HOURS_UPDATED;
	case FL_RA_TYPE: return f == FL_RF_TYPE || f == FL_RF_HOURS_UPDATED;
	case FL_RA_GROUP: return f == FL_RF_GROUP || f == FL_RF_HOURS_UPDATED;
	case FL_RA_COMPLAINT:
		return f == FL_RF_COMPLAINT || f == FL_RF_COMPLAINT_REASON ||
		       f == FL_RF_HOURS_UPDATED;
	case FL_RA_ASSIGNEE:
		return f == FL_RF_ASSIGNEE || f == FL_RF_HOURS_ASSIGNED || f == FL_RF_HOURS_UPDATED;
	case FL_RA_SET_TAGS: return f == FL_RF_TAGS || f == FL_RF_HOURS_UPDATED;
	case FL_RA_ADD_TAGS:
	case FL_RA_REMOVE_TAGS:
		if (f == FL_RF_HOURS_UPDATED)
			return 1;
		if (f != FL_RF_TAGS)
			return 0;
		/* adding a tag the condition wants absent, removing one it wants */
		for (size_t i = 0; i < x->nwords; i++)
			for (size_t j = 0; j < k->nwords; j++)
				if (!strcmp(x->words[i], k->words[j]) &&
				    (x->field == FL_RA_ADD_TAGS) == (k->op == FL_RO_NOT_INCLUDES))
					return 1;
		return 0;
	case FL_RA_COMMENT: return f == FL_RF_HOURS_UPDATED;
	}
	return 0;
}

int fl_rule_nullifies(const struct fl_rule *r)
{
	/* only a condition of "all" is sure to be false once nullified: the
	 * "any" has others that may still hold */
	for (size_t i = 0; i < r->nall; i++) {
		const struct fl_rule_cond *k = &r->all[i];
		int time = fl_rule_is_time_field(k->field);
		/* "is" N hours holds for one hour, and a window fires once */
		if (time && (k->op == FL_RO_IS || k->op == FL_RO_IS_BH))
			return 1;
		/* a clock set back to zero falsifies "more than N hours", and
		 * keeps "less than N hours" true: that one would fire again at
		 * every pass, in a new window each time */
		if (time && k->op != FL_RO_GREATER_THAN && k->op != FL_RO_GREATER_THAN_BH)
			continue;
		for (size_t j = 0; j < r->nactions; j++)
			if (action_resets(&r->actions[j], k))
				return 1;
	}
	return 0;
}

/* The ticket field an action sets, as a condition field; -1 for none. */
static int action_cond_field(int act)
{
	switch (act) {
	case FL_RA_STATUS: return FL_RF_STATUS;
	case FL_RA_PRIORITY: return FL_RF_PRIORITY;
	case FL_RA_TYPE: return FL_RF_TYPE;
	case FL_RA_GROUP: return FL_RF_GROUP;
	case FL_RA_ASSIGNEE: return FL_RF_ASSIGNEE;
	case FL_RA_COMPLAINT: return FL_RF_COMPLAINT_REASON;
	}
	return -1;
}

/* Whether r's "all" conditions accept field at value v: 1 yes, 0 no, -1
 * they say nothing of the field. */
static int accepts(const struct fl_rule *r, int field, int64_t v)
{
	int said = -1;
	for (size_t i = 0; i < r->nall; i++) {
		const struct fl_rule_cond *c = &r->all[i];
		if (c->field != field)
			continue;
		if (c->op == FL_RO_IS || c->op == FL_RO_VALUE)
			said = c->value == v && said != 0;
		else if (c->op == FL_RO_IS_NOT)
			said = c->value != v && said != 0;
	}
	return said;
}

/* The same for a tag: 1 when r asks for it present (v 1) or absent (v 0). */
static int accepts_tag(const struct fl_rule *r, const char *tag, int v)
{
	int said = -1;
	for (size_t i = 0; i < r->nall; i++) {
		const struct fl_rule_cond *c = &r->all[i];
		if (c->field != FL_RF_TAGS)
			continue;
		for (size_t k = 0; k < c->nwords; k++)
			if (!strcmp(c->words[k], tag)) {
				if (c->op == FL_RO_NOT_INCLUDES)
					said = v == 0 && said != 0;
				else if (c->nwords == 1)
					said = v == 1 && said != 0;
			}
	}
	return said;
}

int fl_rule_undoes(const struct fl_rule *a, const struct fl_rule *b, char *what, size_t cap)
{
	for (size_t i = 0; i < a->nactions; i++) {
		const struct fl_rule_action *x = &a->actions[i];
		int f = action_cond_field(x->field);
		if (f >= 0 && x->value >= 0) {
			/* a sets f to y; b asks for y and sets z; a accepts z */
			for (size_t j = 0; j < b->nactions; j++) {
				const struct fl_rule_action *y = &b->actions[j];
				if (y->field != x->field || y->value == x->value || y->value < 0)
					continue;
				if (accepts(b, f, x->value) == 1 && accepts(a, f, y->value) == 1) {
					snprintf(what, cap, "%s", field_names[f]);
					return 1;
				}
			}
		}
		if (x->field != FL_RA_ADD_TAGS && x->field != FL_RA_REMOVE_TAGS)
			continue;
		for (size_t k = 0; k < x->nwords; k++) {
			int set = x->field == FL_RA_ADD_TAGS;
			int back = set ? FL_RA_REMOVE_TAGS : FL_RA_ADD_TAGS;
			for (size_t j = 0; j < b->nactions; j++) {
				const struct fl_rule_action *y = &b->actions[j];
				if (y->field != back)
					continue;
				for (size_t m = 0; m < y->nwords; m++)
					if (!strcmp(y->words[m], x->words[k]) &&
					    accepts_tag(b, x->words[k], set) == 1 &&
					    accepts_tag(a, x->words[k], !set) == 1) {
						snprintf(what, cap, "tag %s", x->words[k]);
						return 1;
					}
			}
		}
	}
	return 0;
}

/* ---- webhooks ---- */

static fl_rules_webhook_exists_fn hook_exists;
static fl_rules_webhook_fire_fn hook_fire;

void fl_rules_set_webhooks(fl_rules_webhook_exists_fn exists, fl_rules_webhook_fire_fn fire)
{
	hook_exists = exists;
	hook_fire = fire;
}
fl_rules_webhook_exists_fn fl_rules_webhook_exists(void)
{
	return hook_exists;
}
fl_rules_webhook_fire_fn fl_rules_webhook_fire(void)
{
	return hook_fire;
}
