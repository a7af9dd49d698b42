/* Unit tests for the pure part of src/rules/rule.c: what fl_rule_decode
 * takes and refuses (and the field each refusal names) for each kind of
 * rule, that a rule's JSON reads back to itself, how conditions evaluate
 * over a context (changes, tags, words, who wrote, SLA events, business
 * hours), actions turned into a ticket patch and effects, and the pairs of
 * rules that undo each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "rules/rule.h"
#include "unit.h"

static fl_arena arena;

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&arena);
	return 0;
}

/* Decodes conditions and actions given as JSON text (NULL: left out). */
static int decode(int kind, const char *conds, const char *acts, struct fl_rule *r,
		  struct fl_err *e)
{
	json_t *c = conds ? json_loads(conds, 0, NULL) : NULL;
	json_t *a = acts ? json_loads(acts, 0, NULL) : NULL;
	int rc;

	if (conds)
		assert_non_null(c);
	if (acts)
		assert_non_null(a);
	*e = (struct fl_err){0};
	rc = fl_rule_decode(kind, c, a, &arena, r, e);
	json_decref(c);
	json_decref(a);
	return rc;
}

static struct fl_rule rule(const char *conds, const char *acts)
{
	struct fl_rule r;
	struct fl_err e;
	int rc = decode(FL_RULE_TRIGGER, conds, acts, &r, &e);
	if (rc)
		fail_msg("%s", e.msg);
	return r;
}

static void refused(int kind, const char *conds, const char *acts, const char *field)
{
	struct fl_rule r;
	struct fl_err e;
	int rc = decode(kind, conds, acts, &r, &e);
	if (rc != FL_EINVAL)
		fail_msg("expected a refusal naming %s for %s / %s", field, conds ? conds : "-",
			 acts ? acts : "-");
	assert_string_equal(e.field, field);
}

static void test_decode_refusals_name_the_field(void **state)
{
	(void)state;
	refused(FL_RULE_TRIGGER, "[]", NULL, "conditions");
	refused(FL_RULE_TRIGGER, "{\"all\": {}}", NULL, "conditions.all");
	refused(FL_RULE_TRIGGER, "{\"all\": [1]}", NULL, "conditions.all[0]");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"},"
		"{\"field\":\"nope\",\"operator\":\"is\",\"value\":1}]}",
		NULL, "conditions.all[1].field");
	refused(FL_RULE_TRIGGER,
		"{\"any\": [{\"field\":\"current_tags\",\"operator\":\"less_than\",\"value\":\"a\"}]}",
		NULL, "conditions.any[0].operator");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"priority\",\"operator\":\"is\",\"value\":\"extreme\"}]}",
		NULL, "conditions.all[0].value");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"group_id\",\"operator\":\"is\",\"value\":0}]}", NULL,
		"conditions.all[0].value");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"requester_id\",\"operator\":\"is\",\"value\":null}]}",
		NULL, "conditions.all[0].value");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":\"  \"}]}",
		NULL, "conditions.all[0].value");
	refused(FL_RULE_TRIGGER,
		"{\"all\": [{\"field\":\"sla_event\",\"operator\":\"is\",\"value\":\"late\"}]}",
		NULL, "conditions.all[0].value");
	refused(FL_RULE_TRIGGER, NULL, "{}", "actions");
	refused(FL_RULE_TRIGGER, NULL, "[{\"field\":\"status\",\"value\":\"open\"},{\"field\":1}]",
		"actions[1].field");
	refused(FL_RULE_TRIGGER, NULL, "[{\"field\":\"status\",\"value\":\"gone\"}]",
		"actions[0].value");
	refused(FL_RULE_TRIGGER, NULL,
		"[{\"field\":\"notification_user\",\"value\":[\"someone\",\"s\",\"b\"]}]",
		"actions[0].value");
	refused(FL_RULE_TRIGGER, NULL,
		"[{\"field\":\"notification_user\",\"value\":[\"requester_id\",\"\",\"b\"]}]",
		"actions[0].value[1]");
	refused(FL_RULE_TRIGGER, NULL,
		"[{\"field\":\"notification_webhook\",\"value\":[\"requester_id\",\"b\"]}]",
		"actions[0].value");
	refused(FL_RULE_TRIGGER, NULL, "[{\"field\":\"comment_mode_is_public\",\"value\":\"yes\"}]",
		"actions[0].value");
	/* automations see no write; macros no conditions, no mail */
	refused(FL_RULE_AUTOMATION,
		"{\"all\": [{\"field\":\"update_type\",\"operator\":\"is\",\"value\":\"Create\"}]}",
		NULL, "conditions.all[0].operator");
	refused(FL_RULE_AUTOMATION, "{\"all\": [{\"field\":\"status\",\"operator\":\"changed\"}]}",
		NULL, "conditions.all[0].operator");
	refused(FL_RULE_MACRO, NULL,
		"[{\"field\":\"notification_group\",\"value\":[1,\"s\",\"b\"]}]",
		"actions[0].field");
}

static void test_decode_caps(void **state)
{
	char big[8192] = "{\"all\": [";
	struct fl_rule r;
	struct fl_err e;

	(void)state;
	for (int i = 0; i <= FL_RULE_MAX_CONDITIONS; i++)
		cat(big, sizeof big,
		    i ? ",{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}"
		      : "{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}");
	cat(big, sizeof big, "]}");
	refused(FL_RULE_TRIGGER, big, NULL, "conditions.all");
	/* 81 bytes in a tag */
	snprintf(
		big, sizeof big,
		"{\"all\": [{\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":\"%081d\"}]}",
		0);
	refused(FL_RULE_TRIGGER, big, NULL, "conditions.all[0].value");
	assert_int_equal(decode(FL_RULE_TRIGGER,
				"{\"all\": [{\"field\":\"current_tags\",\"operator\":\"includes\","
				"\"value\":\"VIP  Gold vip\"}]}",
				NULL, &r, &e),
			 0);
	assert_int_equal(r.all[0].nwords, 2); /* normalized: gold vip */
	assert_string_equal(r.all[0].words[0], "gold");
	assert_string_equal(r.all[0].words[1], "vip");
}

static void test_round_trip(void **state)
{
	const char *conds =
		"{\"all\": [{\"field\": \"status\", \"operator\": \"value_previous\", \"value\": "
		"\"pending\"}, {\"field\": \"assignee_id\", \"operator\": \"is\", \"value\": "
		"\"current_user\"}, {\"field\": \"priority\", \"operator\": \"changed\", \"value\": "
		"null}], \"any\": [{\"field\": \"via_id\", \"operator\": \"is\", \"value\": "
		"\"email\"}, {\"field\": \"entitlement\", \"operator\": \"is_not\", \"value\": "
		"\"covered\"}]}";
	const char *acts =
		"[{\"field\": \"group_id\", \"value\": 7}, {\"field\": \"assignee_id\", \"value\": "
		"null}, {\"field\": \"set_tags\", \"value\": \"a b\"}, {\"field\": "
		"\"notification_user\", \"value\": [\"requester_id\", \"Hi\", \"Body\"]}, "
		"{\"field\": \"notification_webhook\", \"value\": [3, \"{}\"]}]";
	struct fl_rule r = rule(conds, acts);
	json_t *c = fl_rule_conditions_json(&r), *a = fl_rule_actions_json(&r);
	json_t *c0 = json_loads(conds, 0, NULL), *a0 = json_loads(acts, 0, NULL);

	(void)state;
	assert_true(json_equal(c, c0));
	assert_true(json_equal(a, a0));
	json_decref(c);
	json_decref(a);
	json_decref(c0);
	json_decref(a0);
}

static int open_hours(void *arg, int64_t schedule_id, int64_t now)
{
	(void)arg;
	(void)now;
	return schedule_id == 1 ? 1 : schedule_id == 2 ? 0 : -1;
}

/* An update of an open ticket, by end user 5, with a public comment. */
static struct fl_ticket before_t, after_t;
static struct fl_rule_ctx ctx(void)
{
	static char *tags[] = {"gold", "vip"};
	memset(&before_t, 0, sizeof before_t);
	before_t.id = 1;
	before_t.subject = "The printer is on fire";
	before_t.status = FL_STATUS_PENDING;
	before_t.priority = FL_PRIORITY_NORMAL;
	before_t.requester_id = 5;
	before_t.channel = FL_CHANNEL_EMAIL;
	after_t = before_t;
	after_t.status = FL_STATUS_OPEN;
	after_t.tags[0] = tags[0];
	after_t.tags[1] = tags[1];
	after_t.ntags = 2;
	return (struct fl_rule_ctx){.t = &after_t,
				    .before = &before_t,
				    .update_type = FL_RULE_UPDATE_CHANGE,
				    .comment = "Any news on my REFUND? It's urgent!",
				    .comment_public = 1,
				    .actor_id = 5,
				    .actor_role = FL_ROLE_END_USER,
				    .via = FL_CHANNEL_EMAIL,
				    .sla_event = -1,
				    .sla_metric = -1,
				    .in_hours = open_hours};
}

static int when(const char *conds, const struct fl_rule_ctx *c)
{
	struct fl_rule r = rule(conds, "[{\"field\":\"status\",\"value\":\"open\"}]");
	return fl_rule_matches(&r, c);
}

#define C1(f, op, v) "{\"all\":[{\"field\":\"" f "\",\"operator\":\"" op "\",\"value\":" v "}]}"

static void test_conditions(void **state)
{
	struct fl_rule_ctx c = ctx(), sla;
	(void)state;
	assert_true(when(C1("status", "is", "\"open\""), &c));
	assert_false(when(C1("status", "is_not", "\"open\""), &c));
	assert_true(when(C1("status", "less_than", "\"solved\""), &c));
	assert_true(when(C1("status", "changed", "null"), &c));
	assert_false(when(C1("priority", "changed", "null"), &c));
	assert_true(when(C1("priority", "not_changed", "null"), &c));
	assert_true(when(C1("status", "value", "\"open\""), &c));
	assert_true(when(C1("status", "value_previous", "\"pending\""), &c));
	assert_false(when(C1("status", "value_previous", "\"new\""), &c));
	assert_true(when(C1("status", "not_value_previous", "\"new\""), &c));
	assert_false(when(C1("priority", "less_than", "\"normal\""), &c));
	assert_true(when(C1("priority", "greater_than", "\"low\""), &c));
	assert_true(when(C1("current_tags", "includes", "\"bronze vip\""), &c));
	assert_false(when(C1("current_tags", "not_includes", "\"bronze vip\""), &c));
	assert_true(when(C1("comment_includes_word", "includes", "\"refund\""), &c));
	assert_false(when(C1("comment_includes_word", "includes", "\"fund\""), &c));
	assert_true(when(C1("subject_includes_word", "includes", "\"PRINTER\""), &c));
	assert_true(when(C1("comment_is_public", "is", "true"), &c));
	assert_true(when(C1("role", "is", "\"end_user\""), &c));
	assert_true(when(C1("update_type", "is", "\"Change\""), &c));
	assert_false(when(C1("update_type", "is", "\"Create\""), &c));
	assert_true(when(C1("via_id", "is", "\"email\""), &c));
	assert_true(when(C1("requester_id", "is", "5"), &c));
	assert_true(when(C1("assignee_id", "is", "null"), &c));
	assert_true(when(C1("within_business_hours", "is", "1"), &c));
	assert_false(when(C1("within_business_hours", "is", "2"), &c));
	assert_true(when(C1("within_business_hours", "is_not", "2"), &c));
	assert_false(when(C1("within_business_hours", "is", "3"), &c)); /* gone */
	assert_true(when(C1("entitlement", "is", "\"none\""), &c));
	assert_false(when(C1("sla_event", "is", "\"breached\""), &c));
	sla = c;
	sla.update_type = FL_RULE_UPDATE_SLA;
	sla.sla_event = FL_RULE_SLA_BREACHED;
	sla.sla_metric = FL_SLA_FIRST_REPLY_TIME;
	assert_true(
		when("{\"all\":[{\"field\":\"sla_event\",\"operator\":\"is\",\"value\":"
		     "\"breached\"},{\"field\":\"sla_metric\",\"operator\":\"is\",\"value\":"
		     "\"first_reply_time\"}]}",
		     &sla));
	/* any: one is enough; all and any together */
	assert_true(
		when("{\"any\":["
		     "{\"field\":\"status\",\"operator\":\"is\",\"value\":\"hold\"},"
		     "{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}]}",
		     &c));
	assert_false(
		when("{\"all\":[{\"field\":\"role\",\"operator\":\"is\",\"value\":\"agent\"}],"
		     "\"any\":[{\"field\":\"status\",\"operator\":\"is\",\"value\":\"open\"}]}",
		     &c));
	/* on create nothing was before: status new is no change */
	c.before = NULL;
	c.update_type = FL_RULE_UPDATE_CREATE;
	assert_true(when(C1("status", "changed", "null"), &c));
	after_t.status = FL_STATUS_NEW;
	assert_false(when(C1("status", "changed", "null"), &c));
}

static void test_actions_to_patch(void **state)
{
	struct fl_rule_ctx c = ctx();
	struct fl_rule r = rule(
		C1("status", "is", "\"open\""),
		"[{\"field\":\"priority\",\"value\":\"urgent\"},{\"field\":\"group_id\",\"value\":4},"
		"{\"field\":\"assignee_id\",\"value\":\"current_user\"},"
		"{\"field\":\"current_tags\",\"value\":\"escalated vip\"},"
		"{\"field\":\"remove_tags\",\"value\":\"gold\"},"
		"{\"field\":\"comment_value\",\"value\":\"Escalated\"},"
		"{\"field\":\"comment_mode_is_public\",\"value\":true},"
		"{\"field\":\"notification_user\",\"value\":[\"requester_id\",\"s\",\"b\"]},"
		"{\"field\":\"notification_user\",\"value\":[\"assignee_id\",\"s\",\"b\"]},"
		"{\"field\":\"notification_group\",\"value\":[4,\"s\",\"b\"]}]");
	struct fl_ticket_patch p;
	struct fl_rule_effect *fx;
	size_t n;

	(void)state;
	assert_int_equal(fl_rule_apply(&r, &c, &arena, &p, &fx, &n), 0);
	assert_true(p.has_priority);
	assert_int_equal(p.priority, FL_PRIORITY_URGENT);
	assert_true(p.has_group);
	assert_int_equal(p.group_id, 4);
	assert_false(p.has_assignee); /* the current user is an end user */
	assert_false(p.has_status);
	assert_int_equal(p.nadd_tags, 2);
	assert_int_equal(p.nremove_tags, 1);
	assert_string_equal(p.remove_tags[0], "gold");
	/* the comment (public), the requester's mail; nobody is assigned */
	assert_int_equal(n, 3);
	assert_int_equal(fx[0].kind, FL_FX_COMMENT);
	assert_true(fx[0].public);
	assert_int_equal(fx[1].kind, FL_FX_MAIL_USER);
	assert_int_equal(fx[1].id, 5);
	assert_int_equal(fx[2].kind, FL_FX_MAIL_GROUP);
	assert_true(fl_rule_patch_changes(&p, &after_t));
	/* an agent who wrote is the current user */
	c.actor_id = 9;
	c.actor_role = FL_ROLE_AGENT;
	assert_int_equal(fl_rule_apply(&r, &c, &arena, &p, &fx, &n), 0);
	assert_true(p.has_assignee);
	assert_int_equal(p.assignee_id, 9);
	/* nothing to change: a tag the ticket has */
	r = rule(C1("status", "is", "\"open\""),
		 "[{\"field\":\"current_tags\",\"value\":\"vip\"}]");
	assert_int_equal(fl_rule_apply(&r, &c, &arena, &p, &fx, &n), 0);
	assert_false(fl_rule_patch_changes(&p, &after_t));
}

static void test_no_conditions_match_nothing(void **state)
{
	struct fl_rule_ctx c = ctx();
	struct fl_rule r = rule(NULL, "[{\"field\":\"status\",\"value\":\"open\"}]");
	(void)state;
	assert_false(fl_rule_matches(&r, &c));
}

static void test_undoes(void **state)
{
	char what[64];
	struct fl_rule a = rule(C1("status", "is", "\"open\""),
				"[{\"field\":\"status\",\"value\":\"pending\"}]");
	struct fl_rule b = rule(C1("status", "is", "\"pending\""),
				"[{\"field\":\"status\",\"value\":\"open\"}]");
	struct fl_rule c = rule(C1("status", "is", "\"pending\""),
				"[{\"field\":\"status\",\"value\":\"solved\"}]");
	struct fl_rule t1 = rule(C1("current_tags", "not_includes", "\"x\""),
				 "[{\"field\":\"current_tags\",\"value\":\"x\"}]");
	struct fl_rule t2 = rule(C1("current_tags", "includes", "\"x\""),
				 "[{\"field\":\"remove_tags\",\"value\":\"x\"}]");
	(void)state;
	assert_true(fl_rule_undoes(&a, &b, what, sizeof what));
	assert_string_equal(what, "status");
	assert_false(fl_rule_undoes(&a, &c, what, sizeof what)); /* pending → solved, a chain */
	assert_true(fl_rule_undoes(&t1, &t2, what, sizeof what));
	assert_string_equal(what, "tag x");
	assert_false(fl_rule_undoes(&a, &t2, what, sizeof what));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decode_refusals_name_the_field, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions_to_patch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_conditions_match_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undoes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
