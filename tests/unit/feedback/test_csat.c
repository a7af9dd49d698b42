/* Unit tests for src/feedback/csat.c's pure part: CSAT and the response
 * rate as the report computes them, the weeks and months of its trend,
 * the names the API reads, a reason's checks, the words in each language,
 * and the trigger condition "satisfaction_score" (rules/rule.c), which
 * matches only a rating arriving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "core/err.h"
#include "feedback/csat.h"
#include "rules/rule.h"

static void test_pct(void **state)
{
	/* hand-counted: 7 good, 3 bad of 20 asked → 70.0 % CSAT, 50.0 % answered */
	struct fl_csat_counts c = {20, 7, 3};

	(void)state;
	assert_true(fl_csat_pct(&c) == 70.0);
	assert_true(fl_csat_response_rate(&c) == 50.0);
	/* rounded to 0.1: 2 of 3 is 66.7, 1 of 3 answered 33.3 */
	c = (struct fl_csat_counts){3, 2, 1};
	assert_true(fl_csat_pct(&c) == 66.7);
	assert_true(fl_csat_response_rate(&c) == 100.0);
	c = (struct fl_csat_counts){3, 1, 0};
	assert_true(fl_csat_pct(&c) == 100.0);
	assert_true(fl_csat_response_rate(&c) == 33.3);
	/* asked, nobody answered: no CSAT (null), a rate of 0 */
	c = (struct fl_csat_counts){5, 0, 0};
	assert_true(fl_csat_pct(&c) < 0);
	assert_true(fl_csat_response_rate(&c) == 0.0);
	/* nobody asked: neither */
	c = (struct fl_csat_counts){0, 0, 0};
	assert_true(fl_csat_response_rate(&c) < 0);
	/* all bad */
	c = (struct fl_csat_counts){4, 0, 4};
	assert_true(fl_csat_pct(&c) == 0.0);
}

static void test_periods(void **state)
{
	(void)state;
	/* weeks start on Monday: 2026-12-07 (day 20794) is one */
	assert_int_equal(fl_csat_period_start(FL_CSAT_WEEK, 20794), 20794);
	assert_int_equal(fl_csat_period_start(FL_CSAT_WEEK, 20800), 20794); /* Sunday 13th */
	assert_int_equal(fl_csat_period_start(FL_CSAT_WEEK, 20801), 20801); /* Monday 14th */
	assert_int_equal(fl_csat_period_next(FL_CSAT_WEEK, 20794), 20801);
	/* across a year: 2026-01-01 is in the week of Monday 2025-12-29 */
	assert_int_equal(fl_csat_period_start(FL_CSAT_WEEK, 20454), 20451);
	/* before 1970: 1969-12-31 (-1) in the week of Monday 1969-12-29 (-3) */
	assert_int_equal(fl_csat_period_start(FL_CSAT_WEEK, -1), -3);
	/* months */
	assert_int_equal(fl_csat_period_start(FL_CSAT_MONTH, 20794), 20788);
	assert_int_equal(fl_csat_period_start(FL_CSAT_MONTH, 19782), 19754); /* 2024-02-29 */
	assert_int_equal(fl_csat_period_next(FL_CSAT_MONTH, 19754), 19783);  /* leap February */
	assert_int_equal(fl_csat_period_next(FL_CSAT_MONTH, 20788), 20819);  /* December → 2027 */
	assert_int_equal(fl_csat_period_start(FL_CSAT_MONTH, -1), -31);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(fl_csat_score_parse("good"), FL_CSAT_GOOD);
	assert_int_equal(fl_csat_score_parse("bad"), FL_CSAT_BAD);
	assert_int_equal(fl_csat_score_parse("offered"), FL_CSAT_OFFERED);
	assert_int_equal(fl_csat_score_parse("Good"), -1);
	assert_int_equal(fl_csat_score_parse("11"), -1);
	assert_int_equal(fl_csat_score_parse(NULL), -1);
	assert_string_equal(fl_csat_score_name(FL_CSAT_BAD), "bad");
	assert_null(fl_csat_score_name(FL_CSAT__MAX));
	assert_int_equal(fl_csat_by_parse("tier"), FL_CSAT_BY_TIER);
	assert_int_equal(fl_csat_by_parse("organization"), -1);
	assert_int_equal(fl_csat_period_parse("month"), FL_CSAT_MONTH);
	assert_int_equal(fl_csat_period_parse("day"), -1);
}

static void test_reason(void **state)
{
	struct fl_csat_reason r = {
		.name_en = "Too slow", .name_uk = "Надто повільно", .name_ru = "", .name_lt = NULL};
	struct fl_err e = {0};
	char long_name[FL_CSAT_REASON_NAME_MAX * 2 + 8];

	(void)state;
	assert_int_equal(fl_csat_reason_check(&r, &e), 0);
	assert_string_equal(fl_csat_reason_name(&r, "uk"), "Надто повільно");
	/* a language left blank says the English */
	assert_string_equal(fl_csat_reason_name(&r, "ru"), "Too slow");
	assert_string_equal(fl_csat_reason_name(&r, "lt"), "Too slow");
	assert_string_equal(fl_csat_reason_name(&r, "de"), "Too slow");
	r.name_en = "   ";
	assert_int_equal(fl_csat_reason_check(&r, &e), FL_EINVAL);
	assert_string_equal(e.field, "value");
	/* 201 characters (two bytes each) in Russian */
	for (int i = 0; i <= FL_CSAT_REASON_NAME_MAX; i++)
		memcpy(long_name + 2 * i, "ы", 2);
	long_name[2 * (FL_CSAT_REASON_NAME_MAX + 1)] = 0;
	r.name_en = "Rude";
	r.name_ru = long_name;
	assert_int_equal(fl_csat_reason_check(&r, &e), FL_EINVAL);
	assert_string_equal(e.field, "translations.ru");
	/* exactly 200 is fine */
	long_name[2 * FL_CSAT_REASON_NAME_MAX] = 0;
	assert_int_equal(fl_csat_reason_check(&r, &e), 0);
	r.name_lt = "\xff\xfe";
	assert_int_equal(fl_csat_reason_check(&r, &e), FL_EINVAL);
	assert_string_equal(e.field, "translations.lt");
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(fl_csat_words("uk")->lang, "uk");
	assert_string_equal(fl_csat_words("ru-RU")->lang, "ru");
	assert_string_equal(fl_csat_words("lt")->lang, "lt");
	assert_string_equal(fl_csat_words("fr")->lang, "en");
	assert_string_equal(fl_csat_words(NULL)->lang, "en");
	assert_string_equal(fl_csat_words("en")->question,
			    "How would you rate the support you received?");
	/* every language says every sentence, and the title takes the id */
	for (const char *const *l = (const char *const[]){"en", "uk", "ru", "lt", NULL}; *l; l++) {
		const struct fl_csat_words *w = fl_csat_words(*l);
		const char *const all[] = {w->question,   w->good,     w->bad,       w->title,
					   w->comment,    w->reason,   w->no_reason, w->send,
					   w->thanks,     w->yours,    w->change,    w->closed,
					   w->not_solved, w->bad_link, w->expired,   w->too_long,
					   w->unchosen};
		for (size_t i = 0; i < sizeof all / sizeof *all; i++)
			assert_true(all[i] && *all[i]);
		assert_non_null(strstr(w->title, "#%s"));
	}
}

/* The condition a trigger asks: a bad rating arriving; never another write. */
static void test_rule(void **state)
{
	json_t *cond = json_loads(
		"{\"all\": [{\"field\": \"satisfaction_score\", \"operator\": "
		"\"is\", \"value\": \"bad\"}]}",
		0, NULL);
	json_t *acts =
		json_loads("[{\"field\": \"current_tags\", \"value\": \"csat_bad\"}]", 0, NULL);
	json_t *wrong = json_loads(
		"{\"all\": [{\"field\": \"satisfaction_score\", \"operator\": "
		"\"is\", \"value\": \"11\"}]}",
		0, NULL);
	struct fl_ticket t = {.id = 1, .status = FL_STATUS_SOLVED};
	struct fl_rule_ctx c = {.t = &t,
				.before = &t,
				.update_type = FL_RULE_UPDATE_CHANGE,
				.sla_event = -1,
				.sla_metric = -1};
	struct fl_rule rule;
	struct fl_err e = {0};
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_rule_decode(FL_RULE_TRIGGER, cond, acts, &a, &rule, &e), 0);
	assert_false(fl_rule_matches(&rule, &c)); /* an ordinary write */
	c.csat = 1 + FL_RULE_CSAT_GOOD;
	assert_false(fl_rule_matches(&rule, &c));
	c.csat = 1 + FL_RULE_CSAT_BAD;
	assert_true(fl_rule_matches(&rule, &c));
	/* a value that is no score is refused, naming it */
	assert_int_equal(fl_rule_decode(FL_RULE_TRIGGER, wrong, acts, &a, &rule, &e), FL_EINVAL);
	assert_string_equal(e.field, "conditions.all[0].value");
	/* automations see tickets as they stand, not ratings arriving */
	assert_int_equal(fl_rule_decode(FL_RULE_AUTOMATION, cond, acts, &a, &rule, &e), FL_EINVAL);
	json_decref(cond);
	json_decref(acts);
	json_decref(wrong);
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pct),   cmocka_unit_test(test_periods),
		cmocka_unit_test(test_names), cmocka_unit_test(test_reason),
		cmocka_unit_test(test_words), cmocka_unit_test(test_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
