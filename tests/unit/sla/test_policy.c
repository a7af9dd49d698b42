/* Unit tests for the pure part of src/sla/policy.c: what
 * fl_sla_policy_check and fl_sla_filter_parse take and refuse (and the
 * field each refusal names), that a filter's text reads back to itself,
 * which policy fl_sla_policy_choose gives a ticket and which target
 * fl_sla_policy_metric finds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "sla/policy.h"

static void assert_refused(int rc, const struct fl_err *e, const char *field)
{
	assert_int_equal(rc, FL_EINVAL);
	assert_string_equal(e->field, field);
}

/* A policy titled title with the n metrics m (copied: the check sorts). */
static int check(const char *title, const struct fl_sla_policy_metric *m, size_t n,
		 struct fl_sla_policy_metric *out, struct fl_err *e)
{
	struct fl_sla_policy_metric copy[FL_SLA_MAX_METRICS + 1];
	struct fl_sla_policy p = {.title = (char *)title, .description = ""};
	int rc;

	if (n)
		memcpy(copy, m, n * sizeof *m);
	p.metrics = copy;
	p.nmetrics = n;
	*e = (struct fl_err){0};
	rc = fl_sla_policy_check(&p, e);
	if (out && n)
		memcpy(out, copy, n * sizeof *m);
	return rc;
}

static void test_metrics_sorted_and_taken(void **state)
{
	const struct fl_sla_policy_metric m[] = {
		{FL_PRIORITY_URGENT, FL_SLA_TOTAL_RESOLUTION, 480, 1},
		{FL_PRIORITY_LOW, FL_SLA_NEXT_REPLY_TIME, 1, 0},
		{FL_PRIORITY_LOW, FL_SLA_FIRST_REPLY_TIME, FL_SLA_POLICY_TARGET_MAX, 0},
	};
	struct fl_sla_policy_metric out[3];
	struct fl_err e;

	(void)state;
	assert_int_equal(check("VIP — відповідь за годину", m, 3, out, &e), 0);
	assert_int_equal(out[0].metric, FL_SLA_FIRST_REPLY_TIME);
	assert_int_equal(out[0].target, FL_SLA_POLICY_TARGET_MAX);
	assert_int_equal(out[1].metric, FL_SLA_NEXT_REPLY_TIME);
	assert_int_equal(out[2].priority, FL_PRIORITY_URGENT);
	assert_int_equal(out[2].business_hours, 1);
}

static void test_metric_lookup(void **state)
{
	struct fl_sla_policy_metric m[] = {
		{FL_PRIORITY_LOW, FL_SLA_FIRST_REPLY_TIME, 480, 0},
		{FL_PRIORITY_URGENT, FL_SLA_FIRST_REPLY_TIME, 30, 1},
	};
	struct fl_sla_policy p = {.metrics = m, .nmetrics = 2};

	(void)state;
	assert_ptr_equal(fl_sla_policy_metric(&p, FL_PRIORITY_URGENT, FL_SLA_FIRST_REPLY_TIME),
			 &m[1]);
	assert_ptr_equal(fl_sla_policy_metric(&p, FL_PRIORITY_LOW, FL_SLA_FIRST_REPLY_TIME), &m[0]);
	/* no promise for that priority, nor for that metric */
	assert_null(fl_sla_policy_metric(&p, FL_PRIORITY_HIGH, FL_SLA_FIRST_REPLY_TIME));
	assert_null(fl_sla_policy_metric(&p, FL_PRIORITY_URGENT, FL_SLA_TOTAL_RESOLUTION));
	assert_null(fl_sla_policy_metric(&p, FL_PRIORITY_NONE, FL_SLA_FIRST_REPLY_TIME));
}

static void test_refusals(void **state)
{
	struct fl_sla_policy_metric ok = {FL_PRIORITY_HIGH, FL_SLA_FIRST_REPLY_TIME, 60, 0};
	struct fl_sla_policy_metric m[2];
	char long_title[FL_SLA_TITLE_MAX + 2];
	struct fl_err e;

	(void)state;
	assert_refused(check("", &ok, 1, NULL, &e), &e, "title");
	assert_refused(check(NULL, &ok, 1, NULL, &e), &e, "title");
	memset(long_title, 'x', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = 0;
	assert_refused(check(long_title, &ok, 1, NULL, &e), &e, "title");
	long_title[FL_SLA_TITLE_MAX] = 0;
	assert_int_equal(check(long_title, &ok, 1, NULL, &e), 0);
	assert_refused(check("bad \xff utf-8", &ok, 1, NULL, &e), &e, "title");
	assert_refused(check("no metrics", NULL, 0, NULL, &e), &e, "policy_metrics");

	m[0] = ok;
	m[0].target = 0;
	assert_refused(check("t", m, 1, NULL, &e), &e, "policy_metrics");
	m[0].target = FL_SLA_POLICY_TARGET_MAX + 1;
	assert_refused(check("t", m, 1, NULL, &e), &e, "policy_metrics");
	m[0] = ok;
	m[0].priority = FL_PRIORITY_NONE;
	assert_refused(check("t", m, 1, NULL, &e), &e, "policy_metrics");
	m[0] = ok;
	m[0].metric = FL_SLA_METRIC__MAX;
	assert_refused(check("t", m, 1, NULL, &e), &e, "policy_metrics");
	/* the same priority and metric twice, even with another target */
	m[0] = m[1] = ok;
	m[1].target = 120;
	m[1].business_hours = 1;
	assert_refused(check("t", m, 2, NULL, &e), &e, "policy_metrics");
	assert_string_equal(e.reason, "DuplicateValue");
}

static void test_filter_refusals(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"all\": {}}",
		"{\"all\": [{\"field\": \"status\", \"operator\": \"is\", \"value\": \"open\"}]}",
		"{\"any\": [{\"field\": \"priority\", \"operator\": \"matches\", \"value\": "
		"\"high\"}]}",
		"{\"all\": [{\"field\": \"priority\", \"operator\": \"is\", \"value\": \"top\"}]}",
		"{\"all\": [{\"field\": \"type\", \"operator\": \"less_than\", \"value\": "
		"\"task\"}]}",
		"{\"all\": [{\"field\": \"tags\", \"operator\": \"is\", \"value\": \"vip\"}]}",
		"{\"all\": [{\"field\": \"tags\", \"operator\": \"includes\", \"value\": \"  \"}]}",
		"{\"all\": [{\"field\": \"group_id\", \"operator\": \"is\", \"value\": -3}]}",
		"{\"all\": [{\"field\": \"requester_id\", \"operator\": \"is\", \"value\": null}]}",
		"{\"all\": [\"priority is high\"]}",
	};
	fl_arena a;
	struct fl_sla_filter f;
	struct fl_err e;

	(void)state;
	fl_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e = (struct fl_err){0};
		assert_refused(fl_sla_filter_parse(bad[i], &a, &f, &e), &e, "filter");
	}
	/* the message says which condition */
	fl_sla_filter_parse(bad[2], &a, &f, &e);
	assert_non_null(strstr(e.msg, "filter.all[0]"));
	fl_arena_free(&a);
}

static void test_filter_reads_back(void **state)
{
	static const char in[] =
		"{\"any\": [{\"field\": \"via\", \"operator\": \"is\", \"value\": \"web\"},"
		"{\"field\": \"assignee_id\", \"operator\": \"is\", \"value\": null}],"
		"\"all\": [{\"field\": \"priority\", \"operator\": \"greater_than\", \"value\": "
		"\"normal\"}, {\"field\": \"tags\", \"operator\": \"includes\", \"value\": "
		"\" VIP  gold\"}, {\"field\": \"group_id\", \"operator\": \"is_not\", \"value\": "
		"7}]}";
	static const char canonical[] =
		"{\"all\":[{\"field\":\"priority\",\"operator\":\"greater_than\",\"value\":"
		"\"normal\"},{\"field\":\"tags\",\"operator\":\"includes\",\"value\":\"gold vip\"},"
		"{\"field\":\"group_id\",\"operator\":\"is_not\",\"value\":7}],\"any\":[{\"field\":"
		"\"via\",\"operator\":\"is\",\"value\":\"web\"},{\"field\":\"assignee_id\","
		"\"operator\":\"is\",\"value\":null}]}";
	fl_arena a;
	struct fl_sla_filter f, g;
	struct fl_err e;
	char *text, *again;

	(void)state;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_sla_filter_parse(in, &a, &f, &e), 0);
	assert_int_equal(f.nall, 3);
	assert_int_equal(f.nany, 2);
	assert_int_equal(fl_sla_filter_text(&f, &a, &text), 0);
	assert_string_equal(text, canonical);
	assert_int_equal(fl_sla_filter_parse(text, &a, &g, &e), 0);
	assert_int_equal(fl_sla_filter_text(&g, &a, &again), 0);
	assert_string_equal(again, canonical);
	/* none given: every ticket */
	assert_int_equal(fl_sla_filter_parse("{}", &a, &f, &e), 0);
	assert_int_equal(fl_sla_filter_text(&f, &a, &text), 0);
	assert_string_equal(text, "{\"all\":[],\"any\":[]}");
	fl_arena_free(&a);
}

/* A policy at position pos, id id, with filter json (parsed in a). */
static struct fl_sla_policy policy(int64_t id, int64_t pos, const char *json, fl_arena *a)
{
	struct fl_sla_policy p = {.id = id, .position = pos};
	struct fl_err e;
	assert_int_equal(fl_sla_filter_parse(json, a, &p.filter, &e), 0);
	return p;
}

static void test_choose(void **state)
{
	fl_arena a;
	struct fl_sla_policy p[4];
	char *vip = "vip", *other = "other";
	struct fl_ticket t = {.priority = FL_PRIORITY_URGENT,
			      .channel = FL_CHANNEL_EMAIL,
			      .requester_id = 5,
			      .group_id = 2};

	(void)state;
	fl_arena_init(&a, 0);
	/* given out of order: position decides, not the array */
	p[0] = policy(1, 4, "{}", &a);
	p[1] = policy(2, 1,
		      "{\"all\": [{\"field\": \"tags\", \"operator\": \"includes\", \"value\": "
		      "\"vip gold\"}]}",
		      &a);
	p[2] = policy(3, 2,
		      "{\"all\": [{\"field\": \"priority\", \"operator\": \"greater_than\", "
		      "\"value\": \"normal\"}, {\"field\": \"group_id\", \"operator\": \"is\", "
		      "\"value\": 2}], \"any\": [{\"field\": \"via\", \"operator\": \"is\", "
		      "\"value\": \"web\"}, {\"field\": \"assignee_id\", \"operator\": \"is\", "
		      "\"value\": null}]}",
		      &a);
	p[3] = policy(4, 3,
		      "{\"all\": [{\"field\": \"tags\", \"operator\": \"not_includes\", \"value\": "
		      "\"vip\"}, {\"field\": \"type\", \"operator\": \"is\", \"value\": "
		      "\"incident\"}]}",
		      &a);

	/* urgent, group 2, unassigned: the second by position */
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, NULL), &p[2]);
	/* with a VIP tag the first takes it */
	t.tags[0] = vip;
	t.ntags = 1;
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, NULL), &p[1]);
	/* assigned (no "any" holds any more) and not VIP: an incident is the
	 * third's; anything else falls through to the catch-all */
	t.tags[0] = other;
	t.assignee_id = 9;
	assert_false(fl_sla_policy_matches(&p[2], &t, NULL));
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, NULL), &p[0]);
	t.type = FL_TYPE_INCIDENT;
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, NULL), &p[3]);
	/* a normal priority is not greater than normal */
	t.assignee_id = 0;
	t.priority = FL_PRIORITY_NORMAL;
	assert_false(fl_sla_policy_matches(&p[2], &t, NULL));
	/* without the catch-all nothing may match */
	t.type = FL_TYPE_QUESTION;
	assert_null(fl_sla_policy_choose(p + 1, 3, &t, NULL));
	assert_null(fl_sla_policy_choose(p, 0, &t, NULL));
	fl_arena_free(&a);
}

static void test_equal_positions_go_by_id(void **state)
{
	fl_arena a;
	struct fl_sla_policy p[2];
	struct fl_ticket t = {.priority = FL_PRIORITY_LOW};

	(void)state;
	fl_arena_init(&a, 0);
	p[0] = policy(8, 1, "{}", &a);
	p[1] = policy(3, 1, "{}", &a);
	assert_ptr_equal(fl_sla_policy_choose(p, 2, &t, NULL), &p[1]);
	fl_arena_free(&a);
}

/* Conditions on the customer's tiers read struct fl_sla_facts, not the
 * ticket: the requester's tier and the organization's are told apart, a
 * null value is "on no tier", and without facts (NULL) the customer is on
 * none. */
static void test_tiers(void **state)
{
	fl_arena a;
	struct fl_sla_policy p[4];
	struct fl_ticket t = {.priority = FL_PRIORITY_HIGH, .requester_id = 5};
	struct fl_sla_facts vip = {.requester_tier = 3}, vip_org = {.organization_tier = 3},
			    gold = {.requester_tier = 2, .organization_tier = 2}, none = {0};

	(void)state;
	fl_arena_init(&a, 0);
	p[0] = policy(1, 1,
		      "{\"all\": [{\"field\": \"requester_tier\", \"operator\": \"is\", "
		      "\"value\": 3}]}",
		      &a);
	p[1] = policy(2, 2,
		      "{\"all\": [{\"field\": \"organization_tier\", \"operator\": \"is\", "
		      "\"value\": 3}]}",
		      &a);
	p[2] = policy(3, 3,
		      "{\"all\": [{\"field\": \"requester_tier\", \"operator\": \"is\", "
		      "\"value\": null}]}",
		      &a);
	p[3] = policy(4, 4,
		      "{\"any\": [{\"field\": \"requester_tier\", \"operator\": \"is_not\", "
		      "\"value\": 3}, {\"field\": \"organization_tier\", \"operator\": "
		      "\"is_not\", \"value\": 2}]}",
		      &a);

	assert_true(fl_sla_policy_matches(&p[0], &t, &vip));
	assert_false(fl_sla_policy_matches(&p[0], &t, &vip_org));
	assert_false(fl_sla_policy_matches(&p[0], &t, &gold));
	assert_false(fl_sla_policy_matches(&p[0], &t, NULL));
	assert_true(fl_sla_policy_matches(&p[1], &t, &vip_org));
	assert_false(fl_sla_policy_matches(&p[1], &t, &vip));
	/* null: on no tier */
	assert_true(fl_sla_policy_matches(&p[2], &t, &none));
	assert_true(fl_sla_policy_matches(&p[2], &t, NULL));
	assert_true(fl_sla_policy_matches(&p[2], &t, &vip_org));
	assert_false(fl_sla_policy_matches(&p[2], &t, &vip));
	/* is_not: gold on both fails both, VIP fails only the first */
	assert_false(fl_sla_policy_matches(&p[3], &t, &(struct fl_sla_facts){3, 2, 0}));
	assert_true(fl_sla_policy_matches(&p[3], &t, &gold));
	assert_true(fl_sla_policy_matches(&p[3], &t, &vip));
	/* the first by position wins: a VIP customer of a VIP organization is
	 * the requester's policy's, the organization alone the second's, and
	 * a customer on no tier the third's */
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, &(struct fl_sla_facts){3, 3, 0}), &p[0]);
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, &vip_org), &p[1]);
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, NULL), &p[2]);
	assert_ptr_equal(fl_sla_policy_choose(p, 4, &t, &gold), &p[3]);
	/* a ticket's own ids are not tiers: organization 3 is not tier 3 */
	t.organization_id = 3;
	assert_false(fl_sla_policy_matches(&p[1], &t, &none));
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_sorted_and_taken),
		cmocka_unit_test(test_metric_lookup),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_filter_refusals),
		cmocka_unit_test(test_filter_reads_back),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_equal_positions_go_by_id),
		cmocka_unit_test(test_tiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
