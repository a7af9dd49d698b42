/* Unit tests for automations' part of the rule model (rules/rule.h): time
 * conditions decoded (hours as decimals, refusals naming the field, only
 * for automations) and read back as Zendesk writes them; evaluated over
 * the clocks in calendar and business hours (a real schedule, across a
 * night and a weekend); "is" true for one hour only; the window a firing
 * is keyed on; what a pass may skip before loading a ticket; and the
 * nullifying rule a save enforces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "rules/rule.h"
#include "sla/schedule.h"
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

#define CLOSE "[{\"field\":\"status\",\"value\":\"closed\"}]"

static struct fl_rule rule(const char *conds, const char *acts)
{
	struct fl_rule r;
	struct fl_err e;
	if (decode(FL_RULE_AUTOMATION, conds, acts ? acts : CLOSE, &r, &e))
		fail_msg("%s", e.msg);
	return r;
}

static void refused(int kind, const char *conds, const char *field)
{
	struct fl_rule r;
	struct fl_err e;
	if (decode(kind, conds, CLOSE, &r, &e) != FL_EINVAL)
		fail_msg("expected a refusal naming %s for %s", field, conds);
	assert_string_equal(e.field, field);
}

/* One condition in "all". */
static char *c1(const char *field, const char *op, const char *value)
{
	char *z = fl_arena_alloc(&arena, 256);
	snprintf(z, 256, "{\"all\":[{\"field\":\"%s\",\"operator\":\"%s\",\"value\":%s}]}", field,
		 op, value);
	return z;
}

static void test_decode(void **state)
{
	struct fl_rule r;
	json_t *back;
	(void)state;
	r = rule(c1("PENDING", "greater_than_business_hours", "\"16\""), NULL);
	assert_int_equal(r.all[0].field, FL_RF_HOURS_PENDING);
	assert_int_equal(r.all[0].op, FL_RO_GREATER_THAN_BH);
	assert_int_equal(r.all[0].value, 16 * 3600);
	/* decimals, and numbers as numbers */
	assert_int_equal(rule(c1("created_at", "is", "\"0.5\""), NULL).all[0].value, 1800);
	assert_int_equal(rule(c1("updated_at", "less_than", "1.25"), NULL).all[0].value, 4500);
	assert_int_equal(rule(c1("sla_breached_at", "greater_than", "0"), NULL).all[0].value, 0);
	/* read back as Zendesk writes it: text */
	back = fl_rule_conditions_json(&r);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(back, "all"), 0), "value")),
			    "16");
	json_decref(back);
	r = rule(c1("created_at", "is", "\"0.5\""), NULL);
	back = fl_rule_conditions_json(&r);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(back, "all"), 0), "value")),
			    "0.5");
	json_decref(back);

	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"-1\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"87660.5\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"1e400\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"nan\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"0x10\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "\"\""), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "null"), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "is", "true"), "conditions.all[0].value");
	refused(FL_RULE_AUTOMATION, c1("PENDING", "includes", "\"1\""),
		"conditions.all[0].operator");
	refused(FL_RULE_AUTOMATION, c1("status", "is_business_hours", "\"open\""),
		"conditions.all[0].operator");
	/* time is for automations; a write's moment for triggers */
	refused(FL_RULE_TRIGGER, c1("PENDING", "is", "\"1\""), "conditions.all[0].operator");
	refused(FL_RULE_AUTOMATION, c1("update_type", "is", "\"Change\""),
		"conditions.all[0].operator");
}

/* A schedule: Monday to Friday 09:00–17:00 in Kyiv (UTC+2 in winter). */
static struct fl_bizclock *kyiv(void)
{
	struct fl_interval iv[5];
	struct fl_schedule s = {
		.name = "Kyiv", .time_zone = "Europe/Kyiv", .intervals = iv, .nintervals = 5};
	struct fl_bizclock *c;
	for (int d = 0; d < 5; d++)
		iv[d] = (struct fl_interval){(d + 1) * 1440 + 540, (d + 1) * 1440 + 1020};
	assert_int_equal(fl_bizclock_new(&s, &c), 0);
	return c;
}

static int64_t biz(void *arg, int64_t from, int64_t to)
{
	return fl_biz_elapsed(arg, from, to);
}

#define MON_0900_KYIV 1799046000 /* 2027-01-04T07:00:00Z */
#define H 3600

static int holds(const char *conds, const struct fl_rule_ctx *c)
{
	struct fl_rule r = rule(conds, NULL);
	return fl_rule_matches(&r, c);
}

static void test_time_conditions(void **state)
{
	struct fl_ticket t = {.id = 1, .status = FL_STATUS_PENDING};
	int64_t clocks[FL_CLOCK__MAX] = {0};
	struct fl_bizclock *clock = kyiv();
	struct fl_rule_ctx c = {.t = &t,
				.now = MON_0900_KYIV + 50 * H,
				.clocks = clocks,
				.biz_elapsed = biz,
				.biz_arg = clock};
	(void)state;
	clocks[FL_CLOCK_STATUS] = MON_0900_KYIV;
	clocks[FL_CLOCK_CREATED] = MON_0900_KYIV - 10 * H;
	/* Wednesday 11:00 Kyiv: 50 calendar hours, 8 + 8 + 2 = 18 business */
	assert_true(holds(c1("PENDING", "greater_than", "\"49.5\""), &c));
	assert_false(holds(c1("PENDING", "greater_than", "\"50\""), &c));
	assert_true(holds(c1("PENDING", "less_than", "\"50.01\""), &c));
	assert_true(holds(c1("PENDING", "greater_than_business_hours", "\"17.9\""), &c));
	assert_false(holds(c1("PENDING", "greater_than_business_hours", "\"18\""), &c));
	assert_true(holds(c1("PENDING", "less_than_business_hours", "\"18.5\""), &c));
	/* "is": the hour that begins there, and no other */
	assert_true(holds(c1("PENDING", "is_business_hours", "\"18\""), &c));
	assert_false(holds(c1("PENDING", "is_business_hours", "\"17\""), &c));
	assert_true(holds(c1("PENDING", "is_business_hours", "\"17.5\""), &c));
	assert_true(holds(c1("PENDING", "is", "\"50\""), &c));
	assert_false(holds(c1("PENDING", "is", "\"49\""), &c));
	/* Friday 17:00 to Monday 09:00 is no business time at all */
	c.now = MON_0900_KYIV + 4 * 24 * H + 8 * H; /* Friday 17:00 */
	assert_true(holds(c1("PENDING", "is_business_hours", "\"40\""), &c));
	c.now += 2 * 24 * H + 16 * H; /* Monday 09:00 */
	assert_true(holds(c1("PENDING", "is_business_hours", "\"40\""), &c));
	assert_false(holds(c1("PENDING", "greater_than_business_hours", "\"40\""), &c));
	/* a status clock runs while the ticket is in that status */
	assert_false(holds(c1("OPEN", "greater_than", "\"0\""), &c));
	t.status = FL_STATUS_OPEN;
	assert_true(holds(c1("OPEN", "greater_than", "\"0\""), &c));
	assert_false(holds(c1("PENDING", "greater_than", "\"0\""), &c));
	/* a clock that never started matches nothing, whatever the operator */
	assert_false(holds(c1("assigned_at", "less_than", "\"1000\""), &c));
	assert_false(holds(c1("sla_breached_at", "greater_than", "\"0\""), &c));
	clocks[FL_CLOCK_SLA_BREACHED] = c.now - 3 * H;
	assert_true(holds(c1("sla_breached_at", "greater_than", "\"2.5\""), &c));
	/* nor one that starts after now (a pass run at an earlier instant) */
	clocks[FL_CLOCK_ASSIGNED] = c.now + 1;
	assert_false(holds(c1("assigned_at", "less_than", "\"1000\""), &c));
	/* business hours with no schedule to count them in: nothing */
	c.biz_elapsed = NULL;
	assert_false(holds(c1("created_at", "greater_than_business_hours", "\"0\""), &c));
	assert_true(holds(c1("created_at", "greater_than", "\"0\""), &c));
	fl_bizclock_free(clock);
}

static void test_window_and_prefilter(void **state)
{
	struct fl_ticket t = {.id = 1, .status = FL_STATUS_PENDING, .priority = FL_PRIORITY_LOW};
	int64_t clocks[FL_CLOCK__MAX] = {0};
	struct fl_rule_ctx c = {.t = &t, .now = 100 * H, .clocks = clocks};
	struct fl_rule r =
		rule("{\"all\":[{\"field\":\"PENDING\",\"operator\":\"greater_than\","
		     "\"value\":\"1\"},{\"field\":\"created_at\",\"operator\":"
		     "\"greater_than\",\"value\":\"1\"},{\"field\":\"current_tags\","
		     "\"operator\":\"includes\",\"value\":\"vip\"}]}",
		     "[{\"field\":\"status\",\"value\":\"open\"}]");
	(void)state;
	clocks[FL_CLOCK_STATUS] = 50 * H;
	clocks[FL_CLOCK_CREATED] = 10 * H;
	/* the window: the latest start of its clocks — going pending anew
	 * starts another */
	assert_int_equal(fl_rule_window(&r, &c), 50 * H);
	clocks[FL_CLOCK_STATUS] = 70 * H;
	assert_int_equal(fl_rule_window(&r, &c), 70 * H);
	/* the row cannot say whether the tag is there: it may match */
	assert_true(fl_rule_may_match(&r, &c));
	assert_false(fl_rule_matches(&r, &c));
	/* the row says the clock has not run long enough: it cannot */
	clocks[FL_CLOCK_STATUS] = c.now - 1800;
	assert_false(fl_rule_may_match(&r, &c));
	clocks[FL_CLOCK_STATUS] = 70 * H;
	t.status = FL_STATUS_OPEN;
	assert_false(fl_rule_may_match(&r, &c));
}

static void test_nullifies(void **state)
{
	struct fl_rule r;
	(void)state;
	/* closing a pending ticket ends what its conditions ask for */
	r = rule(c1("PENDING", "greater_than", "\"1\""), CLOSE);
	assert_true(fl_rule_nullifies(&r));
	/* a mail changes nothing: it would go out every pass */
	r = rule(c1("created_at", "greater_than", "\"1\""),
		 "[{\"field\":\"notification_user\",\"value\":[\"requester_id\",\"S\",\"B\"]}]");
	assert_false(fl_rule_nullifies(&r));
	/* unless the condition is true once */
	r = rule(c1("created_at", "is", "\"1\""),
		 "[{\"field\":\"notification_user\",\"value\":[\"requester_id\",\"S\",\"B\"]}]");
	assert_true(fl_rule_nullifies(&r));
	/* a tag it adds that a condition wants absent; not one it wants */
	r = rule(
		"{\"all\":[{\"field\":\"created_at\",\"operator\":\"greater_than\",\"value\":\"1\"},"
		"{\"field\":\"current_tags\",\"operator\":\"not_includes\",\"value\":\"late\"}]}",
		"[{\"field\":\"current_tags\",\"value\":\"late\"}]");
	assert_true(fl_rule_nullifies(&r));
	r = rule(
		"{\"all\":[{\"field\":\"created_at\",\"operator\":\"greater_than\",\"value\":\"1\"},"
		"{\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":\"late\"}]}",
		"[{\"field\":\"current_tags\",\"value\":\"late\"}]");
	assert_false(fl_rule_nullifies(&r));
	/* any write resets "hours since updated" */
	r = rule(c1("updated_at", "greater_than", "\"1\""),
		 "[{\"field\":\"comment_value\",\"value\":\"Any news?\"}]");
	assert_true(fl_rule_nullifies(&r));
	/* assigning resets "hours since assigned" */
	r = rule(c1("assigned_at", "greater_than", "\"1\""),
		 "[{\"field\":\"assignee_id\",\"value\":null}]");
	assert_true(fl_rule_nullifies(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_and_prefilter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nullifies, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
