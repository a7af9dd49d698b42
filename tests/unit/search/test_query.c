/* Unit tests for the search query language (src/search/query.c) and view
 * conditions (src/views/view.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/time.h"
#include "search/query.h"
#include "tickets/ticket.h"
#include "views/view.h"

#define ACTOR 42
#define DAY 86400
#define JAN1 1767225600 /* 2026-01-01T00:00:00Z */

static fl_arena arena;
static struct fl_filter f;
static struct fl_err err;

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	memset(&f, 0, sizeof f);
	memset(&err, 0, sizeof err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&arena);
	fl_time_freeze(0);
	return 0;
}

static int parse(const char *q)
{
	memset(&f, 0, sizeof f);
	memset(&err, 0, sizeof err);
	return fl_query_parse(fl_str_c(q), ACTOR, &arena, &f, NULL, &err);
}

static void parse_ok(const char *q)
{
	int rc = parse(q);
	if (rc)
		fail_msg("fl_query_parse(\"%s\") = %d (%s)", q, rc, err.msg);
}

static void parse_bad(const char *q, const char *reason)
{
	struct fl_filter before;
	int rc;

	memset(&f, 0, sizeof f);
	f.n = 7; /* *out is written only on success */
	before = f;
	memset(&err, 0, sizeof err);
	rc = fl_query_parse(fl_str_c(q), ACTOR, &arena, &f, NULL, &err);
	if (rc != FL_EMALFORMED)
		fail_msg("fl_query_parse(\"%s\") = %d, expected FL_EMALFORMED", q, rc);
	assert_int_equal(err.code, FL_EMALFORMED);
	assert_string_equal(err.field, "query");
	if (reason && strcmp(err.reason, reason))
		fail_msg("fl_query_parse(\"%s\"): reason '%s', expected '%s'", q, err.reason,
			 reason);
	assert_memory_equal(&f, &before, sizeof f);
}

/* Evaluates the predicates of f on one field as the store does: groups are
 * ANDed, predicates in a group ORed; groups without a predicate on field
 * are ignored. */
static int eval(int field, int64_t v)
{
	for (int g = 0; g < f.ngroups; g++) {
		int any = 0, ok = 0;
		for (size_t i = 0; i < f.n; i++) {
			const struct fl_pred *p = &f.p[i];
			int r;
			if (p->group != g || p->field != field)
				continue;
			any = 1;
			switch (p->op) {
			case FL_OP_EQ: r = v == p->ival; break;
			case FL_OP_NE: r = v != p->ival; break;
			case FL_OP_LT: r = v < p->ival; break;
			case FL_OP_LE: r = v <= p->ival; break;
			case FL_OP_GT: r = v > p->ival; break;
			case FL_OP_IN: r = v >= p->ival && v <= p->ival2; break;
			case FL_OP_NOT_IN: r = v < p->ival || v > p->ival2; break;
			default: r = v >= p->ival; break;
			}
			ok |= r;
		}
		if (any && !ok)
			return 0;
	}
	return 1;
}

static const struct fl_pred *pred(size_t i)
{
	assert_true(i < f.n);
	return &f.p[i];
}

static void assert_pred(size_t i, int field, int op, int64_t ival)
{
	const struct fl_pred *p = pred(i);
	if (p->field != field || p->op != op || p->ival != ival)
		fail_msg("predicate %zu is (field %d, op %d, ival %lld), expected (%d, %d, %lld)",
			 i, p->field, p->op, (long long)p->ival, field, op, (long long)ival);
}

/* ---- text ----------------------------------------------------------------- */

static void test_bare_words(void **state)
{
	(void)state;
	parse_ok("  printer   on\tfire\n");
	assert_int_equal(f.ntext, 3);
	assert_string_equal(f.text[0], "printer");
	assert_string_equal(f.text[1], "on");
	assert_string_equal(f.text[2], "fire");
	assert_int_equal(f.text_prefix[0], 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.nnot_text, 0);
	assert_int_equal(f.result_type, FL_RESULT_ALL);
	assert_int_equal(f.public_only, 0);

	parse_ok("посилка Ąžuolas");
	assert_int_equal(f.ntext, 2);
	assert_string_equal(f.text[0], "посилка");
	assert_string_equal(f.text[1], "Ąžuolas");

	parse_ok("");
	assert_int_equal(f.ntext, 0);
	assert_int_equal(f.n, 0);
	parse_ok("   ");
	assert_int_equal(f.ntext, 0);
}

static void test_phrases(void **state)
{
	(void)state;
	parse_ok("\"exact phrase here\" other");
	assert_int_equal(f.ntext, 2);
	assert_string_equal(f.text[0], "exact phrase here");
	assert_int_equal(f.text_prefix[0], 0);
	assert_string_equal(f.text[1], "other");

	/* a '*' inside quotes is not a prefix */
	parse_ok("\"pack*\"");
	assert_int_equal(f.ntext, 1);
	assert_string_equal(f.text[0], "pack*");
	assert_int_equal(f.text_prefix[0], 0);
}

static void test_prefix(void **state)
{
	(void)state;
	parse_ok("pack* посил*");
	assert_int_equal(f.ntext, 2);
	assert_string_equal(f.text[0], "pack");
	assert_int_equal(f.text_prefix[0], 1);
	assert_string_equal(f.text[1], "посил");
	assert_int_equal(f.text_prefix[1], 1);

	/* a lone '*' is not a prefix of nothing */
	parse_ok("*");
	assert_int_equal(f.ntext, 1);
	assert_string_equal(f.text[0], "*");
	assert_int_equal(f.text_prefix[0], 0);
}

static void test_negated_text(void **state)
{
	(void)state;
	parse_ok("-spam hello -\"bad phrase\"");
	assert_int_equal(f.ntext, 1);
	assert_string_equal(f.text[0], "hello");
	assert_int_equal(f.nnot_text, 2);
	assert_string_equal(f.not_text[0], "spam");
	assert_string_equal(f.not_text[1], "bad phrase");
	assert_int_equal(f.n, 0);

	/* a dash on its own is not a negation */
	parse_ok("a - b");
	assert_int_equal(f.nnot_text, 0);
}

/* ---- fields --------------------------------------------------------------- */

static void test_negated_fields(void **state)
{
	(void)state;
	parse_ok("-status:solved");
	assert_int_equal(f.n, 1);
	assert_pred(0, FL_F_STATUS, FL_OP_NE, FL_STATUS_SOLVED);
	assert_int_equal(f.ntext, 0);
	assert_int_equal(f.nnot_text, 0);

	parse_ok("-priority>normal");
	assert_pred(0, FL_F_PRIORITY, FL_OP_LE, FL_PRIORITY_NORMAL);
	parse_ok("-priority<normal");
	assert_pred(0, FL_F_PRIORITY, FL_OP_GE, FL_PRIORITY_NORMAL);
	parse_ok("-priority>=high");
	assert_pred(0, FL_F_PRIORITY, FL_OP_LT, FL_PRIORITY_HIGH);
	parse_ok("-priority<=low");
	assert_pred(0, FL_F_PRIORITY, FL_OP_GT, FL_PRIORITY_LOW);
	parse_ok("-assignee:none");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_NE, 0);
}

static void test_status_or_group(void **state)
{
	(void)state;
	parse_ok("status:open status:pending");
	assert_int_equal(f.n, 2);
	assert_pred(0, FL_F_STATUS, FL_OP_EQ, FL_STATUS_OPEN);
	assert_pred(1, FL_F_STATUS, FL_OP_EQ, FL_STATUS_PENDING);
	assert_int_equal(f.p[0].group, f.p[1].group);
	assert_int_equal(f.ngroups, 1);
	assert_true(eval(FL_F_STATUS, FL_STATUS_OPEN));
	assert_true(eval(FL_F_STATUS, FL_STATUS_PENDING));
	assert_false(eval(FL_F_STATUS, FL_STATUS_NEW));

	/* other fields AND with the OR group; negations never join it */
	parse_ok("status:new priority:high status:open -status:hold");
	assert_int_equal(f.n, 4);
	assert_int_equal(f.p[0].group, f.p[2].group);
	assert_true(f.p[1].group != f.p[0].group);
	assert_true(f.p[3].group != f.p[0].group);
	assert_true(f.p[3].group != f.p[1].group);
	assert_pred(3, FL_F_STATUS, FL_OP_NE, FL_STATUS_HOLD);
}

static void test_comparisons(void **state)
{
	(void)state;
	parse_ok("status<solved");
	assert_int_equal(f.n, 1);
	assert_pred(0, FL_F_STATUS, FL_OP_LT, FL_STATUS_SOLVED);
	assert_true(eval(FL_F_STATUS, FL_STATUS_HOLD));
	assert_false(eval(FL_F_STATUS, FL_STATUS_SOLVED));

	parse_ok("priority>=high");
	assert_pred(0, FL_F_PRIORITY, FL_OP_GE, FL_PRIORITY_HIGH);
	parse_ok("priority>low");
	assert_pred(0, FL_F_PRIORITY, FL_OP_GT, FL_PRIORITY_LOW);
	parse_ok("status<=pending");
	assert_pred(0, FL_F_STATUS, FL_OP_LE, FL_STATUS_PENDING);
	parse_ok("ticket_type:incident via:email channel:phone id:5");
	assert_int_equal(f.n, 4);
	assert_pred(0, FL_F_TYPE, FL_OP_EQ, FL_TYPE_INCIDENT);
	assert_pred(1, FL_F_CHANNEL, FL_OP_EQ, FL_CHANNEL_EMAIL);
	assert_pred(2, FL_F_CHANNEL, FL_OP_EQ, FL_CHANNEL_PHONE);
	assert_pred(3, FL_F_ID, FL_OP_EQ, 5);
	/* the two channel terms OR */
	assert_int_equal(f.p[1].group, f.p[2].group);

	/* field names are case-insensitive */
	parse_ok("STATUS:open");
	assert_pred(0, FL_F_STATUS, FL_OP_EQ, FL_STATUS_OPEN);
}

static void test_people(void **state)
{
	(void)state;
	parse_ok("assignee:me");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, ACTOR);
	assert_null(f.p[0].sval);
	parse_ok("assignee:none");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, 0);
	assert_null(f.p[0].sval);
	parse_ok("assignee:123");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, 123);
	parse_ok("assignee:Agent.Smith@Example.COM");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, 0);
	assert_non_null(f.p[0].sval);
	assert_string_equal(f.p[0].sval, "agent.smith@example.com");
	parse_ok("requester:Jane.Doe@Example.COM");
	assert_int_equal(f.n, 1);
	assert_int_equal(f.p[0].field, FL_F_REQUESTER);
	assert_int_equal(f.p[0].op, FL_OP_EQ);
	assert_non_null(f.p[0].sval);
	assert_string_equal(f.p[0].sval, "jane.doe@example.com");
	parse_ok("submitter:me group:7 organization:none requester:ME");
	assert_pred(0, FL_F_SUBMITTER, FL_OP_EQ, ACTOR);
	assert_pred(1, FL_F_GROUP, FL_OP_EQ, 7);
	assert_pred(2, FL_F_ORGANIZATION, FL_OP_EQ, 0);
	assert_pred(3, FL_F_REQUESTER, FL_OP_EQ, ACTOR);

	parse_bad("assignee:bogus", "InvalidValue");
	parse_bad("assignee:0", "InvalidValue");
	parse_bad("assignee:-5", "InvalidValue");
	parse_bad("group:someone@example.com", "InvalidValue"); /* groups have no e-mail */
}

static void test_tags(void **state)
{
	(void)state;
	parse_ok("tags:vip -tags:spam tag:billing");
	assert_int_equal(f.n, 3);
	assert_int_equal(f.p[0].field, FL_F_TAG);
	assert_int_equal(f.p[0].op, FL_OP_EQ);
	assert_string_equal(f.p[0].sval, "vip");
	assert_int_equal(f.p[1].field, FL_F_TAG);
	assert_int_equal(f.p[1].op, FL_OP_NE);
	assert_string_equal(f.p[1].sval, "spam");
	assert_string_equal(f.p[2].sval, "billing");
	/* tags:a tag:b is "a or b" */
	assert_int_equal(f.p[0].group, f.p[2].group);
	assert_true(f.p[1].group != f.p[0].group);
	assert_int_equal(f.ntext, 0);

	parse_bad("tags>x", NULL);
	parse_bad("tags<=x", NULL);
}

/* Tags are stored normalized to lower case (fl_tags_normalize), so a tag
 * condition has to be normalized the same way or it can never match. */
static void test_tags_case(void **state)
{
	(void)state;
	parse_ok("tags:VIP");
	assert_int_equal(f.n, 1);
	assert_non_null(f.p[0].sval);
	assert_string_equal(f.p[0].sval, "vip");
}

static void test_dates(void **state)
{
	(void)state;
	/* after a date: after that day ends */
	parse_ok("created>2026-01-01");
	assert_int_equal(f.n, 1);
	assert_pred(0, FL_F_CREATED, FL_OP_GT, JAN1 + DAY - 1);
	assert_false(eval(FL_F_CREATED, JAN1 + 12 * 3600));
	assert_false(eval(FL_F_CREATED, JAN1 + DAY - 1));
	assert_true(eval(FL_F_CREATED, JAN1 + DAY));

	/* before a date: before it starts */
	parse_ok("created<2026-01-01");
	assert_pred(0, FL_F_CREATED, FL_OP_LT, JAN1);
	parse_ok("created>=2026-01-01");
	assert_pred(0, FL_F_CREATED, FL_OP_GE, JAN1);
	parse_ok("created<=2026-01-01");
	assert_pred(0, FL_F_CREATED, FL_OP_LE, JAN1 + DAY - 1);

	/* on a date: the whole day */
	parse_ok("created:2026-01-01");
	assert_int_equal(f.n, 1);
	assert_false(eval(FL_F_CREATED, JAN1 - 1));
	assert_true(eval(FL_F_CREATED, JAN1));
	assert_true(eval(FL_F_CREATED, JAN1 + 12 * 3600));
	assert_true(eval(FL_F_CREATED, JAN1 + DAY - 1));
	assert_false(eval(FL_F_CREATED, JAN1 + DAY));

	/* a full timestamp is taken as it is */
	parse_ok("updated>2026-01-01T10:00:00Z");
	assert_pred(0, FL_F_UPDATED, FL_OP_GT, JAN1 + 10 * 3600);
	parse_ok("solved<2026-01-01T10:00:00+02:00");
	assert_pred(0, FL_F_SOLVED, FL_OP_LT, JAN1 + 8 * 3600);

	/* negations */
	parse_ok("-created>2026-01-01");
	assert_true(eval(FL_F_CREATED, JAN1 + DAY - 1));
	assert_false(eval(FL_F_CREATED, JAN1 + DAY));
	parse_ok("-created<2026-01-01");
	assert_false(eval(FL_F_CREATED, JAN1 - 1));
	assert_true(eval(FL_F_CREATED, JAN1));

	/* ranges AND */
	parse_ok("created>=2026-01-01 created<2026-02-01");
	assert_int_equal(f.n, 2);
	assert_true(eval(FL_F_CREATED, JAN1 + 10 * DAY));
	assert_false(eval(FL_F_CREATED, JAN1 + 31 * DAY));
	assert_false(eval(FL_F_CREATED, JAN1 - 1));

	parse_bad("created>2026-02-30", "InvalidValue");
	parse_bad("created:yesterday", "InvalidValue");
	parse_bad("updated<2026-13-01", "InvalidValue");
}

/* "-created:2026-01-01" should leave out the whole day, not one second. */
static void test_negated_whole_day(void **state)
{
	(void)state;
	parse_ok("-created:2026-01-01");
	assert_true(eval(FL_F_CREATED, JAN1 - 1));
	assert_true(eval(FL_F_CREATED, JAN1 + DAY));
	assert_false(eval(FL_F_CREATED, JAN1));
	assert_false(eval(FL_F_CREATED, JAN1 + 12 * 3600));
}

/* query.h: "Repeating a field with ':' ORs its values": two days OR too. */
static void test_two_whole_days_or(void **state)
{
	(void)state;
	parse_ok("created:2026-01-01 created:2026-01-03");
	assert_true(eval(FL_F_CREATED, JAN1 + 12 * 3600));
	assert_true(eval(FL_F_CREATED, JAN1 + 2 * DAY + 12 * 3600));
	assert_false(eval(FL_F_CREATED, JAN1 + DAY + 12 * 3600));
}

static void test_result_type(void **state)
{
	(void)state;
	parse_ok("type:ticket printer");
	assert_int_equal(f.result_type, FL_RESULT_TICKET);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.ntext, 1);
	parse_ok("type:user jane");
	assert_int_equal(f.result_type, FL_RESULT_USER);
	assert_string_equal(f.text[0], "jane");
	parse_ok("type:organization");
	assert_int_equal(f.result_type, FL_RESULT_ORGANIZATION);
	assert_int_equal(f.ntext, 0);
	parse_ok("TYPE:User");
	assert_int_equal(f.result_type, FL_RESULT_USER);
	parse_bad("type:banana", "InvalidValue");
}

/* A field Frontline does not know is refused, naming it: a script that
 * asked for a condition must never get every ticket instead. Quoted, the
 * same text is a phrase. (Before, such terms were searched as text.) */
static void test_unknown_field_is_refused(void **state)
{
	static const char *const queries[] = {"foo:bar",
					      "-foo:bar baz",
					      "error<500",
					      "type:user status:open",
					      "type:organization email:a@b.c",
					      "role:agent",
					      "email:a@b.c"};
	(void)state;
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		int rc = parse(queries[i]);
		if (rc != FL_EINVAL)
			fail_msg("fl_query_parse(\"%s\") = %d, expected FL_EINVAL", queries[i], rc);
		assert_string_equal(err.field, "query");
		assert_string_equal(err.reason, "UnknownField");
	}
	parse("nosuchfield:x");
	assert_non_null(strstr(err.msg, "'nosuchfield'"));

	parse_ok("\"foo:bar\"");
	assert_int_equal(f.n, 0);
	assert_string_equal(f.text[0], "foo:bar");
}

/* The fields a Zendesk migration's scripts search by. */
static void test_ticket_text_fields(void **state)
{
	(void)state;
	parse_ok("external_id:ZD-42");
	assert_int_equal(f.n, 1);
	assert_int_equal(f.p[0].field, FL_F_EXTERNAL_ID);
	assert_string_equal(f.p[0].sval, "ZD-42"); /* as given: ids keep their case */

	parse_ok("subject:\"Late Parcel\" -description:refund");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.p[0].field, FL_F_SUBJECT);
	assert_string_equal(f.p[0].sval, "Late Parcel");
	assert_int_equal(f.p[1].field, FL_F_DESCRIPTION);
	assert_int_equal(f.p[1].op, FL_OP_NE);

	parse_ok("custom_field_360012:gold custom_field_7:yes");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.p[0].field, FL_F_CUSTOM_FIELD);
	assert_int_equal(f.p[0].ival, 360012);
	assert_string_equal(f.p[0].sval, "gold");
	assert_int_equal(f.p[1].ival, 7);
	assert_true(f.p[0].group != f.p[1].group); /* both must hold */

	parse_ok("fieldvalue:gold");
	assert_int_equal(f.p[0].field, FL_F_FIELDVALUE);
	assert_string_equal(f.p[0].sval, "gold");

	parse_ok("cc:Ann@Example.TEST cc:me");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.p[0].field, FL_F_CC);
	assert_string_equal(f.p[0].sval, "ann@example.test");
	assert_int_equal(f.p[1].ival, ACTOR);
	assert_int_equal(f.p[0].group, f.p[1].group);

	assert_int_equal(parse("custom_field_0:x"), FL_EINVAL);
	assert_int_equal(parse("custom_field_x:x"), FL_EINVAL);
	parse_bad("subject>abc", "InvalidValue");
}

/* type:user and type:organization take their own fields. */
static void test_people_fields(void **state)
{
	struct fl_people_query pq;
	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(fl_query_parse(fl_str_c("type:user email:Ann@Example.TEST role:agent "
						 "external_id:crm-7 ann"),
					ACTOR, &arena, &f, &pq, &err),
			 0);
	assert_string_equal(pq.email, "ann@example.test");
	assert_int_equal(pq.role, FL_ROLE_AGENT);
	assert_string_equal(pq.external_id, "crm-7");
	assert_int_equal(f.n, 0);
	assert_int_equal(f.ntext, 1);

	assert_int_equal(fl_query_parse(fl_str_c("external_id:org-1 type:organization"), ACTOR,
					&arena, &f, &pq, &err),
			 0);
	assert_string_equal(pq.external_id, "org-1");
	assert_null(pq.email);
	assert_int_equal(pq.role, -1);

	assert_int_equal(fl_query_parse(fl_str_c("type:user role:wizard"), ACTOR, &arena, &f, &pq,
					&err),
			 FL_EMALFORMED);
}

static void test_empty_value_is_word(void **state)
{
	(void)state;
	parse_ok("re: invoice");
	assert_int_equal(f.n, 0);
	assert_int_equal(f.ntext, 2);
	assert_string_equal(f.text[0], "re:");
	assert_string_equal(f.text[1], "invoice");

	parse_ok("status:");
	assert_int_equal(f.n, 0);
	assert_int_equal(f.ntext, 1);
	assert_string_equal(f.text[0], "status:");
}

static void test_bad_values(void **state)
{
	(void)state;
	parse_bad("status:bogus", "InvalidValue");
	assert_non_null(strstr(err.msg, "bogus"));
	parse_bad("status:Open", "InvalidValue"); /* values are exact */
	parse_bad("priority:none", "InvalidValue");
	parse_bad("via:pigeon", "InvalidValue");
	parse_bad("ticket_type:bug", "InvalidValue");
	parse_bad("id:abc", "InvalidValue");
}

static void test_limits(void **state)
{
	char q[2048];
	(void)state;

	/* length */
	memset(q, 'a', 1024);
	q[1024] = 0;
	parse_ok(q);
	assert_int_equal(f.ntext, 1);
	memset(q, 'a', 1025);
	q[1025] = 0;
	parse_bad(q, "TooLong");

	/* terms: 32 fit, 33 do not */
	q[0] = 0;
	for (int i = 0; i < 32; i++)
		snprintf(q + strlen(q), sizeof q - strlen(q), "w%d ", i);
	parse_ok(q);
	assert_int_equal(f.ntext, 32);
	cat(q, sizeof q, "w32");
	parse_bad(q, "TooManyTerms");

	/* field terms count too */
	q[0] = 0;
	for (int i = 0; i < 33; i++)
		cat(q, sizeof q, "status:open ");
	parse_bad(q, "TooManyTerms");
	q[0] = 0;
	for (int i = 0; i < 33; i++)
		cat(q, sizeof q, "-x ");
	parse_bad(q, "TooManyTerms");
}

/* Day ranges take two conditions each: too many of them is a malformed
 * query (FL_EMALFORMED naming the query), as for any other limit. */
/* A whole day is one condition, so as many days fit as terms do. */
static void test_limits_whole_days(void **state)
{
	char q[1024];
	size_t n = 0;
	(void)state;

	for (int i = 0; i < 25; i++)
		n += (size_t)snprintf(q + n, sizeof q - n, "created:2026-01-%02d ", i + 1);
	parse_ok(q);
	assert_int_equal(f.n, 25);
	assert_true(eval(FL_F_CREATED, JAN1 + 24 * DAY + 3600));
	assert_false(eval(FL_F_CREATED, JAN1 + 25 * DAY + 3600));
	n = 0;
	for (int i = 0; i < 33; i++)
		n += (size_t)snprintf(q + n, sizeof q - n, "created:2026-01-01 ");
	parse_bad(q, "TooManyTerms");
}

static void test_unterminated_phrase(void **state)
{
	(void)state;
	parse_bad("hello \"world", "UnterminatedPhrase");
	assert_string_equal(err.field, "query");
	parse_bad("\"", "UnterminatedPhrase");
	parse_bad("status:\"open", "UnterminatedPhrase");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	parse_bad("caf\xC3", "InvalidEncoding");
	parse_bad("\xC0\xAF", "InvalidEncoding");
	parse_bad("ok \xED\xA0\x80", "InvalidEncoding");
	parse_bad("status:open \xFF", "InvalidEncoding");
}

static void test_filter_add(void **state)
{
	(void)state;
	memset(&f, 0, sizeof f);
	for (int i = 0; i < FL_FILTER_MAX; i++)
		assert_int_equal(fl_filter_add(&f, FL_F_ID, FL_OP_NE, i + 1, NULL, -1), 0);
	assert_int_equal(f.n, FL_FILTER_MAX);
	assert_int_equal(f.ngroups, FL_FILTER_MAX);
	assert_int_equal(fl_filter_add(&f, FL_F_ID, FL_OP_NE, 99, NULL, -1), FL_ETOOBIG);
	assert_int_equal(f.n, FL_FILTER_MAX);

	memset(&f, 0, sizeof f);
	assert_int_equal(fl_filter_add(&f, FL_F_STATUS, FL_OP_EQ, 1, NULL, -1), 0);
	assert_int_equal(fl_filter_add(&f, FL_F_STATUS, FL_OP_EQ, 2, NULL, 0), 0);
	assert_int_equal(f.ngroups, 1);
	assert_int_equal(f.p[1].group, 0);
}

/* ---- views ---------------------------------------------------------------- */

static int compile(const char *json, int64_t actor)
{
	memset(&err, 0, sizeof err);
	return fl_view_compile(json, actor, &arena, &f, &err);
}

static void compile_ok(const char *json)
{
	int rc = compile(json, ACTOR);
	if (rc)
		fail_msg("fl_view_compile(%s) = %d (%s)", json, rc, err.msg);
}

static void compile_bad(const char *json, const char *in_msg)
{
	int rc = compile(json, ACTOR);
	if (rc != FL_EINVAL)
		fail_msg("fl_view_compile(%s) = %d, expected FL_EINVAL", json, rc);
	assert_int_equal(err.code, FL_EINVAL);
	assert_string_equal(err.field, "conditions");
	if (in_msg && !strstr(err.msg, in_msg))
		fail_msg("fl_view_compile(%s): message '%s' lacks '%s'", json, err.msg, in_msg);
}

#define C(field, op, value) "{\"field\":\"" field "\",\"operator\":\"" op "\",\"value\":" value "}"

static void test_view_all(void **state)
{
	(void)state;
	compile_ok("{\"all\":[" C("status", "less_than", "\"solved\"") "," C("priority", "is",
									     "\"high\"") "]}");
	assert_int_equal(f.n, 2);
	assert_pred(0, FL_F_STATUS, FL_OP_LT, FL_STATUS_SOLVED);
	assert_pred(1, FL_F_PRIORITY, FL_OP_EQ, FL_PRIORITY_HIGH);
	assert_true(f.p[0].group != f.p[1].group);
	assert_int_equal(f.ngroups, 2);
	assert_int_equal(f.ntext, 0);

	compile_ok("{\"all\":[" C("status", "greater_than", "\"hold\"") "," C("status", "is_not",
									      "\"closed\"") "]}");
	assert_true(eval(FL_F_STATUS, FL_STATUS_SOLVED));
	assert_false(eval(FL_F_STATUS, FL_STATUS_CLOSED));
	assert_false(eval(FL_F_STATUS, FL_STATUS_OPEN));

	compile_ok(
		"{\"all\":[" C("type", "is", "\"incident\"") "," C("via", "is", "\"email\"") "]}");
	assert_pred(0, FL_F_TYPE, FL_OP_EQ, FL_TYPE_INCIDENT);
	assert_pred(1, FL_F_CHANNEL, FL_OP_EQ, FL_CHANNEL_EMAIL);

	compile_ok("{}");
	assert_int_equal(f.n, 0);
	compile_ok("{\"all\":[],\"any\":[]}");
	assert_int_equal(f.n, 0);
}

static void test_view_any(void **state)
{
	(void)state;
	compile_ok(
		"{\"any\":[" C("status", "is", "\"new\"") "," C("status", "is", "\"open\"") "]}");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.p[0].group, f.p[1].group);
	assert_true(eval(FL_F_STATUS, FL_STATUS_NEW));
	assert_true(eval(FL_F_STATUS, FL_STATUS_OPEN));
	assert_false(eval(FL_F_STATUS, FL_STATUS_PENDING));

	/* all ANDs with the any group */
	compile_ok("{\"all\":[" C("priority", "is", "\"urgent\"") "," C(
		"group_id", "is",
		"3") "],"
		     "\"any\":[" C("status", "is", "\"new\"") "," C("assignee_id", "is",
								    "null") "]}");
	assert_int_equal(f.n, 4);
	assert_true(f.p[0].group != f.p[1].group);
	assert_int_equal(f.p[2].group, f.p[3].group);
	assert_true(f.p[2].group != f.p[0].group && f.p[2].group != f.p[1].group);
	assert_int_equal(f.ngroups, 3);
	assert_pred(1, FL_F_GROUP, FL_OP_EQ, 3);
	assert_pred(3, FL_F_ASSIGNEE, FL_OP_EQ, 0);
}

static void test_view_people(void **state)
{
	(void)state;
	assert_int_equal(compile("{\"all\":[" C("assignee_id", "is", "\"current_user\"") "]}", 77),
			 0);
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, 77);
	assert_null(f.p[0].sval);
	assert_int_equal(
		compile("{\"all\":[" C("requester_id", "is_not", "\"current_user\"") "]}", 9), 0);
	assert_pred(0, FL_F_REQUESTER, FL_OP_NE, 9);

	compile_ok("{\"all\":[" C("assignee_id", "is", "null") "]}");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_EQ, 0);
	assert_null(f.p[0].sval);
	compile_ok("{\"all\":[" C("assignee_id", "is_not", "null") "]}");
	assert_pred(0, FL_F_ASSIGNEE, FL_OP_NE, 0);
	compile_ok("{\"all\":[" C("organization_id", "is", "15") "]}");
	assert_pred(0, FL_F_ORGANIZATION, FL_OP_EQ, 15);

	compile_bad("{\"all\":[" C("assignee_id", "is", "\"15\"") "]}", "all[0]");
	compile_bad("{\"all\":[" C("assignee_id", "is", "0") "]}", NULL);
	compile_bad("{\"all\":[" C("assignee_id", "is", "\"me\"") "]}", NULL);
	compile_bad("{\"all\":[{\"field\":\"assignee_id\",\"operator\":\"is\"}]}", NULL);
}

static void test_view_tags(void **state)
{
	(void)state;
	compile_ok("{\"all\":[" C("tags", "includes", "\"vip\"") "," C("tags", "not_includes",
								       "\"spam\"") "]}");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.p[0].field, FL_F_TAG);
	assert_int_equal(f.p[0].op, FL_OP_EQ);
	assert_string_equal(f.p[0].sval, "vip");
	assert_int_equal(f.p[1].op, FL_OP_NE);
	assert_string_equal(f.p[1].sval, "spam");
	compile_bad("{\"all\":[" C("tags", "includes", "\"\"") "]}", NULL);
	compile_bad("{\"all\":[" C("tags", "includes", "5") "]}", NULL);
}

/* Tags compare only for inclusion; the query language refuses tags<x, and a
 * view must not turn "less_than" into "includes" either. */
static void test_view_tags_operator(void **state)
{
	(void)state;
	compile_bad("{\"all\":[" C("tags", "less_than", "\"vip\"") "]}", NULL);
	compile_bad("{\"all\":[" C("tags", "greater_than", "\"vip\"") "]}", NULL);
}

static void test_view_relative_time(void **state)
{
	const int64_t now = 1800000000;
	(void)state;

	fl_time_freeze(now);
	compile_ok("{\"all\":[" C("updated_at", "greater_than", "\"7days\"") "]}");
	assert_pred(0, FL_F_UPDATED, FL_OP_GT, now - 7 * DAY);
	compile_ok("{\"all\":[" C("created_at", "less_than", "\"24hours\"") "]}");
	assert_pred(0, FL_F_CREATED, FL_OP_LT, now - 24 * 3600);
	compile_ok("{\"all\":[" C("created_at", "greater_than", "\"30minutes\"") "]}");
	assert_pred(0, FL_F_CREATED, FL_OP_GT, now - 30 * 60);
	compile_ok("{\"all\":[" C("created_at", "greater_than", "\"2026-01-01\"") "]}");
	assert_pred(0, FL_F_CREATED, FL_OP_GT, JAN1);

	compile_bad("{\"all\":[" C("updated_at", "greater_than", "\"7weeks\"") "]}", NULL);
	compile_bad("{\"all\":[" C("updated_at", "greater_than", "\"days\"") "]}", NULL);
	compile_bad("{\"all\":[" C("updated_at", "greater_than", "\"-7days\"") "]}", NULL);
	compile_bad("{\"all\":[" C("updated_at", "greater_than", "\"7 days\"") "]}", NULL);
	compile_bad("{\"all\":[" C("updated_at", "greater_than", "\"100001days\"") "]}", NULL);
	compile_bad("{\"all\":[" C("updated_at", "greater_than", "7") "]}", NULL);
	fl_time_freeze(0);
}

static void test_view_unknown(void **state)
{
	(void)state;
	compile_bad("{\"all\":[" C("colour", "is", "\"red\"") "]}", "unknown field");
	assert_non_null(strstr(err.msg, "all[0]"));
	compile_bad("{\"all\":[" C("status", "is", "\"new\"") "," C("status", "resembles",
								    "\"new\"") "]}",
		    "unknown operator");
	assert_non_null(strstr(err.msg, "all[1]"));
	compile_bad("{\"all\":[" C("status", "is", "\"bogus\"") "]}", "unknown value");
	compile_bad("{\"any\":[" C("priority", "is", "\"none\"") "]}", "any[0]");
	compile_bad("{\"all\":[" C("via", "is", "\"pigeon\"") "]}", "unknown value");
	compile_bad("{\"all\":[" C("status", "is", "3") "]}", NULL);
	compile_bad("{\"all\":[{\"operator\":\"is\",\"value\":\"new\"}]}", "unknown field");
	compile_bad("{\"all\":[{\"field\":\"status\",\"value\":\"new\"}]}", "unknown operator");
	compile_bad("{\"all\":[{\"field\":5,\"operator\":\"is\",\"value\":\"new\"}]}", NULL);

	/* shapes */
	compile_bad("not json", NULL);
	compile_bad("[]", NULL);
	compile_bad("{\"all\":{}}", NULL);
	compile_bad("{\"any\":\"x\"}", NULL);
	compile_bad("{\"all\":[1]}", "all[0]");
	compile_bad("{\"all\":[" C("status", "is", "\"new\"") ",\"x\"]}", "all[1]");
}

/* A bad condition in "any" should be reported at its own place. */
static void test_view_error_names_any(void **state)
{
	(void)state;
	compile_bad("{\"any\":[" C("status", "is", "\"new\"") ",42]}", "any[1]");
}

static void test_view_too_many(void **state)
{
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_adds(&b, "{\"all\":["), 0);
	for (int i = 0; i < FL_FILTER_MAX + 1; i++)
		assert_int_equal(
			fl_buf_addf(&b, "%s" C("status", "is_not", "\"closed\""), i ? "," : ""), 0);
	assert_int_equal(fl_buf_adds(&b, "]}"), 0);
	int rc = compile(b.p, ACTOR);
	fl_buf_free(&b);
	assert_int_equal(rc, FL_EINVAL);
	assert_non_null(strstr(err.msg, "too many"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bare_words),
		T(test_phrases),
		T(test_prefix),
		T(test_negated_text),
		T(test_negated_fields),
		T(test_status_or_group),
		T(test_comparisons),
		T(test_people),
		T(test_tags),
		T(test_tags_case),
		T(test_dates),
		T(test_negated_whole_day),
		T(test_two_whole_days_or),
		T(test_result_type),
		T(test_unknown_field_is_refused),
		T(test_ticket_text_fields),
		T(test_people_fields),
		T(test_empty_value_is_word),
		T(test_bad_values),
		T(test_limits),
		T(test_limits_whole_days),
		T(test_unterminated_phrase),
		T(test_invalid_utf8),
		T(test_filter_add),
		T(test_view_all),
		T(test_view_any),
		T(test_view_people),
		T(test_view_tags),
		T(test_view_tags_operator),
		T(test_view_relative_time),
		T(test_view_unknown),
		T(test_view_error_names_any),
		T(test_view_too_many),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
