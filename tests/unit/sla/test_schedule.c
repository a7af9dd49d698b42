/* Unit tests for src/sla/schedule.c: what fl_schedule_check and
 * fl_holiday_check take and refuse, and the field each refusal names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "sla/schedule.h"

/* The day number of a "YYYY-MM-DD" that exists. */
static int32_t day(const char *date)
{
	int64_t t;
	assert_int_equal(fl_time_parse(fl_str_c(date), &t), 0);
	return (int32_t)(t / 86400);
}

/* Checks a schedule of the n intervals iv (copied, then sorted in place by
 * the check into out when it passes) named name in zone tz. */
static int check(const char *name, const char *tz, const struct fl_interval *iv, size_t n,
		 struct fl_interval *out, struct fl_err *e)
{
	struct fl_interval copy[FL_SCHEDULE_MAX_INTERVALS + 1];
	struct fl_schedule s = {.name = (char *)name, .time_zone = (char *)tz};
	int rc;

	if (n)
		memcpy(copy, iv, n * sizeof *iv);
	s.intervals = copy;
	s.nintervals = n;
	*e = (struct fl_err){0};
	rc = fl_schedule_check(&s, e);
	if (out && n)
		memcpy(out, copy, n * sizeof *iv);
	return rc;
}

static void assert_refused(int rc, const struct fl_err *e, const char *field)
{
	assert_int_equal(rc, FL_EINVAL);
	assert_string_equal(e->field, field);
	assert_true(e->msg[0] != 0);
}

static void test_intervals_sorted_touching_taken(void **state)
{
	/* Friday 22:00 to Saturday 02:00, Monday 13:00-18:00, Monday 09:00-13:00 */
	const struct fl_interval iv[] = {{7080, 7320}, {2220, 2520}, {1980, 2220}};
	struct fl_interval out[3];
	struct fl_err e;
	(void)state;

	assert_int_equal(check("Kyiv", "Europe/Kyiv", iv, 3, out, &e), 0);
	assert_int_equal(out[0].start, 1980);
	assert_int_equal(out[1].start, 2220);
	assert_int_equal(out[2].start, 7080);
	/* the whole week is one interval */
	assert_int_equal(
		check("All", "UTC", &(struct fl_interval){0, FL_WEEK_MINUTES}, 1, NULL, &e), 0);
}

static void test_intervals_refused(void **state)
{
	const struct fl_interval overlap[] = {{2220, 2520}, {1980, 2221}};
	const struct fl_interval inside[] = {{1980, 2520}, {2000, 2100}};
	struct fl_interval many[FL_SCHEDULE_MAX_INTERVALS + 1];
	struct fl_err e;
	(void)state;

	assert_refused(check("x", "UTC", overlap, 2, NULL, &e), &e, "intervals");
	assert_non_null(strstr(e.msg, "overlaps"));
	assert_refused(check("x", "UTC", inside, 2, NULL, &e), &e, "intervals");
	assert_refused(check("x", "UTC", &(struct fl_interval){2460, 1980}, 1, NULL, &e), &e,
		       "intervals");
	assert_refused(check("x", "UTC", &(struct fl_interval){1980, 1980}, 1, NULL, &e), &e,
		       "intervals");
	assert_refused(check("x", "UTC", &(struct fl_interval){-1, 60}, 1, NULL, &e), &e,
		       "intervals");
	assert_refused(check("x", "UTC", &(struct fl_interval){10000, FL_WEEK_MINUTES + 1}, 1, NULL,
			     &e),
		       &e, "intervals");
	assert_refused(check("x", "UTC", NULL, 0, NULL, &e), &e, "intervals");
	for (int i = 0; i <= FL_SCHEDULE_MAX_INTERVALS; i++)
		many[i] = (struct fl_interval){i * 100, i * 100 + 50};
	assert_int_equal(check("x", "UTC", many, FL_SCHEDULE_MAX_INTERVALS, NULL, &e), 0);
	assert_refused(check("x", "UTC", many, FL_SCHEDULE_MAX_INTERVALS + 1, NULL, &e), &e,
		       "intervals");
}

static void test_name_and_zone(void **state)
{
	const struct fl_interval iv = {1980, 2460};
	char name[FL_SCHEDULE_NAME_MAX + 2];
	struct fl_err e;
	(void)state;

	assert_refused(check(NULL, "UTC", &iv, 1, NULL, &e), &e, "name");
	assert_refused(check("", "UTC", &iv, 1, NULL, &e), &e, "name");
	assert_refused(check("\xff\xfe", "UTC", &iv, 1, NULL, &e), &e, "name");
	memset(name, 'a', FL_SCHEDULE_NAME_MAX);
	name[FL_SCHEDULE_NAME_MAX] = 0;
	assert_int_equal(check(name, "UTC", &iv, 1, NULL, &e), 0);
	name[FL_SCHEDULE_NAME_MAX] = 'a';
	name[FL_SCHEDULE_NAME_MAX + 1] = 0;
	assert_refused(check(name, "UTC", &iv, 1, NULL, &e), &e, "name");
	assert_int_equal(check("Служба підтримки", "Europe/Vilnius", &iv, 1, NULL, &e), 0);
	for (const char *const *tz =
		     (const char *const[]){"Mars/Olympus", "+03:00", "EST5EDT,M3.2.0",
					   "../etc/passwd", "", NULL};
	     *tz; tz++)
		assert_refused(check("x", *tz, &iv, 1, NULL, &e), &e, "time_zone");
	assert_refused(check("x", NULL, &iv, 1, NULL, &e), &e, "time_zone");
}

static void test_holidays(void **state)
{
	struct fl_holiday h = {0, "Різдво", day("2026-12-25"), day("2026-12-25")};
	struct fl_schedule s = {.name = "x", .time_zone = "UTC"};
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(fl_holiday_check(&h, &e), 0);
	h.start_day = day("1970-01-01");
	h.end_day = day("1970-12-31");
	assert_int_equal(fl_holiday_check(&h, &e), 0);
	h.start_day = h.end_day = day("2199-12-31");
	assert_int_equal(fl_holiday_check(&h, &e), 0);
	h.start_day = day("2028-01-01"); /* a leap year: 366 days */
	h.end_day = day("2028-12-31");
	assert_int_equal(fl_holiday_check(&h, &e), 0);
	h.end_day++;
	assert_refused(fl_holiday_check(&h, &e), &e, "end_date");
	h.start_day = h.end_day = day("2200-01-01");
	assert_refused(fl_holiday_check(&h, &e), &e, "start_date");
	h.start_day = day("2199-12-31");
	assert_refused(fl_holiday_check(&h, &e), &e, "end_date");
	h.start_day = -1;
	h.end_day = 0;
	assert_refused(fl_holiday_check(&h, &e), &e, "start_date");
	h.start_day = day("2026-12-26");
	h.end_day = day("2026-12-25");
	assert_refused(fl_holiday_check(&h, &e), &e, "end_date");
	h.end_day = h.start_day;
	h.name = "";
	assert_refused(fl_holiday_check(&h, &e), &e, "name");

	/* a schedule's holidays are checked with it */
	s.intervals = &(struct fl_interval){1980, 2460};
	s.nintervals = 1;
	s.holidays = &h;
	s.nholidays = 1;
	assert_refused(fl_schedule_check(&s, &e), &e, "name");
	h.name = "Різдво";
	assert_int_equal(fl_schedule_check(&s, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intervals_sorted_touching_taken),
		cmocka_unit_test(test_intervals_refused),
		cmocka_unit_test(test_name_and_zone),
		cmocka_unit_test(test_holidays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
