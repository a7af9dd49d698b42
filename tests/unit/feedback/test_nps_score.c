/* Unit tests for src/feedback/nps_score.c: what a score counts as, the
 * score and its 95 % interval (worked by hand beside each), the cool-off
 * and the week or month an answer falls in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "feedback/nps_score.h"
#include "unit.h"

#define DAY 86400

static void test_kind(void **state)
{
	(void)state;
	for (int s = 0; s <= 6; s++)
		assert_int_equal(fl_nps_kind(s), FL_NPS_DETRACTOR);
	assert_int_equal(fl_nps_kind(7), FL_NPS_PASSIVE);
	assert_int_equal(fl_nps_kind(8), FL_NPS_PASSIVE);
	assert_int_equal(fl_nps_kind(9), FL_NPS_PROMOTER);
	assert_int_equal(fl_nps_kind(10), FL_NPS_PROMOTER);
	/* a score of 11 or −1 is nothing and is not counted */
	assert_int_equal(fl_nps_kind(11), -1);
	assert_int_equal(fl_nps_kind(-1), -1);
	struct fl_nps_tally t = {0};
	assert_int_equal(fl_nps_tally_add(&t, 11), -1);
	assert_int_equal(fl_nps_tally_add(&t, -1), -1);
	assert_int_equal(t.promoters + t.passives + t.detractors, 0);
}

static void test_score(void **state)
{
	struct fl_nps_tally t = {0};
	struct fl_nps_result r;
	(void)state;

	/* nobody answered: no score, not 0 */
	fl_nps_score(&t, &r);
	assert_int_equal(r.has, 0);
	/* 5 promoters, 3 passives, 2 detractors of 10: 50 % − 20 % = 30;
	 * variance 0.5 + 0.2 − 0.3² = 0.61, se = sqrt(0.061) = 0.24698,
	 * margin 1.96 × 24.698 = 48.41 → [−18.41, 78.41] */
	int scores[] = {10, 10, 9, 9, 9, 8, 7, 7, 3, 0};
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(fl_nps_tally_add(&t, scores[i]), 0);
	assert_int_equal(t.promoters, 5);
	assert_int_equal(t.passives, 3);
	assert_int_equal(t.detractors, 2);
	fl_nps_score(&t, &r);
	assert_int_equal(r.has, 1);
	assert_int_equal(r.n, 10);
	assert_float_equal(r.nps, 30.0, 1e-9);
	assert_float_equal(r.margin, 48.408, 0.001);
	assert_float_equal(r.low, -18.408, 0.001);
	assert_float_equal(r.high, 78.408, 0.001);
	/* 400 answers, 200 promoters, 100 passives, 100 detractors: 25;
	 * variance 0.75 − 0.0625 = 0.6875, se = sqrt(0.6875/400) = 0.041458,
	 * margin 8.126 */
	t = (struct fl_nps_tally){200, 100, 100};
	fl_nps_score(&t, &r);
	assert_float_equal(r.nps, 25.0, 1e-9);
	assert_float_equal(r.margin, 8.126, 0.001);
	/* everyone a promoter: 100, no spread, the interval one point */
	t = (struct fl_nps_tally){7, 0, 0};
	fl_nps_score(&t, &r);
	assert_float_equal(r.nps, 100.0, 1e-9);
	assert_float_equal(r.margin, 0.0, 1e-9);
	assert_float_equal(r.high, 100.0, 1e-9);
	/* one detractor and one promoter: 0 ± 1.96 × 100 × sqrt(1/2) = 138.6,
	 * cut to the scale's ends */
	t = (struct fl_nps_tally){1, 0, 1};
	fl_nps_score(&t, &r);
	assert_float_equal(r.nps, 0.0, 1e-9);
	assert_float_equal(r.margin, 138.593, 0.001);
	assert_float_equal(r.low, -100.0, 1e-9);
	assert_float_equal(r.high, 100.0, 1e-9);
	/* all detractors: −100 */
	t = (struct fl_nps_tally){0, 0, 3};
	fl_nps_score(&t, &r);
	assert_float_equal(r.nps, -100.0, 1e-9);
}

static void test_cool_off(void **state)
{
	int64_t now = 1800000000;
	(void)state;
	/* never asked: may be */
	assert_true(fl_nps_may_ask(0, now, 90));
	/* asked 89 days and 23 hours ago: not yet; 90 days to the second: yes */
	assert_false(fl_nps_may_ask(now - 90 * DAY + 3600, now, 90));
	assert_false(fl_nps_may_ask(now - 90 * DAY + 1, now, 90));
	assert_true(fl_nps_may_ask(now - 90 * DAY, now, 90));
	assert_true(fl_nps_may_ask(now - 400 * DAY, now, 90));
	/* asked a minute ago, with a cool-off of 0: may be */
	assert_true(fl_nps_may_ask(now - 60, now, 0));
	/* a clock set back: the last time "in the future" holds them back */
	assert_false(fl_nps_may_ask(now + 3600, now, 90));
	/* a shorter cool-off lets them through sooner */
	assert_true(fl_nps_may_ask(now - 30 * DAY, now, 30));
	assert_false(fl_nps_may_ask(now - 29 * DAY, now, 30));
}

static void test_periods(void **state)
{
	(void)state;
	/* 2026-12-09 (a Wednesday) 15:00 UTC = 1796828400: its week began on
	 * Monday 2026-12-07 00:00 = 1796601600, its month on 2026-12-01 =
	 * 1796083200 */
	assert_int_equal(fl_nps_period_start(1796828400, FL_NPS_WEEK), 1796601600);
	assert_int_equal(fl_nps_period_start(1796828400, FL_NPS_MONTH), 1796083200);
	/* a Monday's midnight is its own week; a Sunday's last second the one before */
	assert_int_equal(fl_nps_period_start(1796601600, FL_NPS_WEEK), 1796601600);
	assert_int_equal(fl_nps_period_start(1796601599, FL_NPS_WEEK), 1796601600 - 7 * DAY);
	/* 2024-02-29 12:00 (a leap day) → 2024-02-01 = 1706745600 */
	assert_int_equal(fl_nps_period_start(1709208000, FL_NPS_MONTH), 1706745600);
	/* 1970-01-01 was a Thursday: its week began on 1969-12-29 */
	assert_int_equal(fl_nps_period_start(0, FL_NPS_WEEK), -3 * DAY);
	assert_int_equal(fl_nps_period_parse("week"), FL_NPS_WEEK);
	assert_int_equal(fl_nps_period_parse("month"), FL_NPS_MONTH);
	assert_int_equal(fl_nps_period_parse("year"), -1);
	assert_int_equal(fl_nps_period_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_cool_off),
		cmocka_unit_test(test_periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
