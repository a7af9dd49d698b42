/* Unit tests for src/sla/report.c: the period a report reads, the
 * percentiles of its times (worked by hand beside each), the compliance
 * ratio and the CSV cells, quoting and formula protection included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sla/report.h"
#include "unit.h"

#define DAY 86400
#define N(a) (sizeof(a) / sizeof *(a))

static void test_percentiles(void **state)
{
	(void)state;
	/* one value is every percentile of it */
	int64_t one[] = {7};
	assert_int_equal(fl_report_percentile(one, 1, 50), 7);
	assert_int_equal(fl_report_percentile(one, 1, 90), 7);
	/* 1 2 3 4, given out of order: the median is between 2 and 3
	 * (h = 1.5), rounded up; the p90 at h = 2.7: 3 + 0.7 = 3.7 → 4 */
	int64_t four[] = {4, 1, 3, 2};
	assert_int_equal(fl_report_percentile(four, 4, 50), 3);
	assert_int_equal(fl_report_percentile(four, 4, 90), 4);
	/* hours in seconds: 3600 5400 3600 → sorted 3600 3600 5400; the
	 * median the middle one, the p90 at h = 1.8: 3600 + 0.8 × 1800 = 5040 */
	int64_t frt[] = {3600, 5400, 3600};
	assert_int_equal(fl_report_percentile(frt, 3, 50), 3600);
	assert_int_equal(fl_report_percentile(frt, 3, 90), 5040);
	/* 10 20 … 100: the median at h = 4.5 is 55; the p90 at h = 8.1 is 91;
	 * the 0th and 100th are the ends */
	int64_t ten[10];
	for (int i = 0; i < 10; i++)
		ten[i] = (10 - i) * 10;
	assert_int_equal(fl_report_percentile(ten, 10, 50), 55);
	assert_int_equal(fl_report_percentile(ten, 10, 90), 91);
	assert_int_equal(fl_report_percentile(ten, 10, 0), 10);
	assert_int_equal(fl_report_percentile(ten, 10, 100), 100);
	/* nothing measured is 0, never a read past the end */
	assert_int_equal(fl_report_percentile(ten, 0, 50), 0);
}

static void test_compliance(void **state)
{
	(void)state;
	assert_true(fl_report_compliance(0, 0) < 0);
	assert_true(fl_report_compliance(3, 0) == 1.0);
	assert_true(fl_report_compliance(0, 2) == 0.0);
	assert_true(fl_report_compliance(2, 1) == 0.667);
	assert_true(fl_report_compliance(1, 2) == 0.333);
}

static void test_period(void **state)
{
	struct fl_report_period p;
	struct fl_err e = {0};
	int32_t today = 20514; /* 2026-03-02 */
	(void)state;

	assert_int_equal(fl_report_period_parse("2026-03-01", "2026-03-31", today, &p, &e), 0);
	assert_int_equal(p.start, (int64_t)20513 * DAY);
	assert_int_equal(p.end, (int64_t)(20513 + 31) * DAY);
	/* left out: the last 30 days, today included */
	assert_int_equal(fl_report_period_parse(NULL, NULL, today, &p, &e), 0);
	assert_int_equal(p.to_day, today);
	assert_int_equal(p.from_day, today - 29);
	/* one day is a period; 366 days are; 367 are not */
	assert_int_equal(fl_report_period_parse("2026-03-01", "2026-03-01", today, &p, &e), 0);
	assert_int_equal(p.end - p.start, DAY);
	assert_int_equal(fl_report_period_parse("2024-01-01", "2024-12-31", today, &p, &e), 0);
	assert_int_equal(fl_report_period_parse("2024-01-01", "2025-01-01", today, &p, &e),
			 FL_EINVAL);
	assert_string_equal(e.field, "to");
	/* to before from */
	assert_int_equal(fl_report_period_parse("2026-03-02", "2026-03-01", today, &p, &e),
			 FL_EINVAL);
	assert_string_equal(e.field, "to");
	/* not dates, or not the ones that exist */
	const char *bad[] = {"2026-02-30",           "2026-3-1",   "yesterday",   "",
			     "2026-03-01T00:00:00Z", "1969-12-31", "2026-03-01 ", "9999-99-99"};
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(fl_report_period_parse(bad[i], "2026-03-01", today, &p, &e),
				 FL_EINVAL);
		assert_string_equal(e.field, "from");
	}
	char iso[11];
	fl_report_day_iso(20513, iso);
	assert_string_equal(iso, "2026-03-01");
}

static void test_by(void **state)
{
	(void)state;
	assert_int_equal(fl_report_by_parse(fl_str_c("tier")), FL_REPORT_BY_TIER);
	assert_int_equal(fl_report_by_parse(fl_str_c("channel")), FL_REPORT_BY_CHANNEL);
	assert_int_equal(fl_report_by_parse(fl_str_c("Tier")), -1);
	assert_int_equal(fl_report_by_parse(fl_str_c("")), -1);
	for (int i = 0; i < FL_REPORT_BY__MAX; i++)
		assert_int_equal(fl_report_by_parse(fl_str_c(fl_report_by_name(i))), i);
}

/* One row of cells, as text. */
static void row(fl_buf *b, const char *const *cells, size_t n)
{
	fl_buf_reset(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fl_csv_text(b, i == 0, cells[i]), 0);
	assert_int_equal(fl_csv_end(b), 0);
}

static void test_csv(void **state)
{
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	row(&b, (const char *const[]){"plain", NULL, ""}, 3);
	assert_string_equal(b.p, "plain,,\r\n");
	/* commas, quotes and line breaks are quoted, quotes doubled */
	row(&b, (const char *const[]){"a, b", "say \"hi\"", "two\nlines", "cr\r"}, 4);
	assert_string_equal(b.p, "\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
	/* what a spreadsheet would run gets an apostrophe, inside the quotes
	 * when quoted; the same signs later in the cell are text */
	row(&b,
	    (const char *const[]){"=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx",
				  "a=b"},
	    6);
	assert_string_equal(b.p,
			    "\"'=HYPERLINK(\"\"http://evil\"\")\",'+1,'-2,'@SUM(A1),'\tx,"
			    "a=b\r\n");
	/* the report's own numbers are written as they are */
	fl_buf_reset(&b);
	assert_int_equal(fl_csv_int(&b, 1, -42), 0);
	assert_int_equal(fl_csv_real(&b, 0, 0.6666, 3), 0);
	assert_int_equal(fl_csv_real(&b, 0, -1, 3), 0);
	assert_int_equal(fl_csv_text(&b, 0, "Олена"), 0);
	assert_string_equal(b.p, "-42,0.667,,Олена");
	fl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles), cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_period),      cmocka_unit_test(test_by),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
