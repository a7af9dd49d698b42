/* Unit tests for src/sla/bizhours.c: the business-time arithmetic of
 * schedule.h.
 *
 * Every expected instant is worked out by hand in the comment beside it
 * from the 2026 rules: Europe/Kyiv and Europe/Vilnius are UTC+2 (EET) in
 * winter and UTC+3 (EEST) in summer, changing at 01:00 UTC on the last
 * Sunday of March (29 March 2026: 03:00 local becomes 04:00) and of October
 * (25 October 2026: 04:00 local becomes 03:00); America/New_York is UTC−5
 * and UTC−4 from 07:00 UTC on 8 March to 06:00 UTC on 1 November 2026.
 * The property test at the end checks the clock against a minute-by-minute
 * count over random schedules, zones and instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tz.h"
#include "sla/schedule.h"
#include "unit.h"

#define HOUR 3600
#define DAY 86400

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

/* ---- helpers ------------------------------------------------------------ */

/* A local calendar date as days since 1970-01-01 (a holiday's unit). */
static int32_t date(int y, int mo, int d)
{
	return (int32_t)(utc(y, mo, d, 0, 0, 0) / DAY);
}

/* Minutes from Sunday 00:00 local (an interval's unit). */
static int at(int wday, int h, int mi)
{
	return wday * 1440 + h * 60 + mi;
}

/* A clock over the intervals and holidays given, in zone; the schedule is
 * gone when it returns (the clock keeps its own copy). */
static struct fl_bizclock *clock_of(const char *zone, const struct fl_interval *iv, size_t n,
				    const struct fl_holiday *h, size_t nh)
{
	struct fl_interval aiv[FL_SCHEDULE_MAX_INTERVALS];
	struct fl_holiday ah[32];
	struct fl_schedule s = {
		.name = "test", .intervals = aiv, .nintervals = n, .holidays = ah, .nholidays = nh};
	struct fl_bizclock *c = NULL;
	char name[64];

	assert_true(n <= FL_SCHEDULE_MAX_INTERVALS && nh <= 32);
	snprintf(name, sizeof name, "%s", zone);
	s.time_zone = name;
	memcpy(aiv, iv, n * sizeof *iv);
	if (nh)
		memcpy(ah, h, nh * sizeof *h);
	assert_int_equal(fl_bizclock_new(&s, &c), 0);
	/* what the caller does with its schedule afterwards is no concern of
	 * the clock's */
	memset(aiv, 0, sizeof aiv);
	memset(ah, 0, sizeof ah);
	memset(name, 0, sizeof name);
	return c;
}

/* Monday to Friday, 09:00–18:00 local: 9 hours a day, 45 a week. */
static struct fl_bizclock *office(const char *zone, const struct fl_holiday *h, size_t nh)
{
	struct fl_interval iv[5];
	for (int d = MON; d <= FRI; d++)
		iv[d - MON] = (struct fl_interval){at(d, 9, 0), at(d, 18, 0)};
	return clock_of(zone, iv, 5, h, nh);
}

static struct fl_bizclock *always(const char *zone, const struct fl_holiday *h, size_t nh)
{
	const struct fl_interval iv[] = {{0, FL_WEEK_MINUTES}};
	return clock_of(zone, iv, 1, h, nh);
}

/* ---- the clock: making it ------------------------------------------------ */

static void test_new_rejects(void **state)
{
	struct fl_interval iv[] = {{at(MON, 9, 0), at(MON, 18, 0)}};
	struct fl_holiday h[] = {{.start_day = date(2026, 5, 2), .end_day = date(2026, 5, 1)}};
	struct fl_schedule s = {.time_zone = "Europe/Kyiv", .intervals = iv, .nintervals = 1};
	struct fl_bizclock *c = NULL;
	(void)state;

	s.time_zone = "Mars/Olympus";
	assert_int_equal(fl_bizclock_new(&s, &c), FL_EINVAL);
	s.time_zone = "Europe/Kyiv";
	s.nintervals = 0;
	assert_int_equal(fl_bizclock_new(&s, &c), FL_EINVAL);
	s.nintervals = 1;
	iv[0] = (struct fl_interval){at(MON, 18, 0), at(MON, 9, 0)};
	assert_int_equal(fl_bizclock_new(&s, &c), FL_EINVAL);
	iv[0] = (struct fl_interval){at(SAT, 22, 0), FL_WEEK_MINUTES + 120};
	assert_int_equal(fl_bizclock_new(&s, &c), FL_EINVAL);
	iv[0] = (struct fl_interval){at(MON, 9, 0), at(MON, 18, 0)};
	s.holidays = h;
	s.nholidays = 1;
	assert_int_equal(fl_bizclock_new(&s, &c), FL_EINVAL);
	assert_null(c);
	fl_bizclock_free(NULL);
}

/* ---- DST ------------------------------------------------------------------ */

/* Open all week: business time is calendar time, so the day of the spring
 * change has 23 hours and the day of the autumn change 25. */
static void test_always_open_across_dst(void **state)
{
	const char *zones[] = {"Europe/Kyiv", "Europe/Vilnius"};
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		struct fl_bizclock *c = always(zones[i], NULL, 0);
		/* 29 March local midnight is 28 March 22:00Z (UTC+2); 30 March's is
		 * 29 March 21:00Z (UTC+3) */
		assert_int_equal(fl_biz_elapsed(c, utc(2026, 3, 28, 22, 0, 0),
						utc(2026, 3, 29, 21, 0, 0)),
				 23 * HOUR);
		/* 25 October: 24 October 21:00Z (UTC+3) to 25 October 22:00Z (UTC+2) */
		assert_int_equal(fl_biz_elapsed(c, utc(2026, 10, 24, 21, 0, 0),
						utc(2026, 10, 25, 22, 0, 0)),
				 25 * HOUR);
		assert_int_equal(fl_biz_add(c, utc(2026, 3, 28, 22, 0, 0), 24 * HOUR),
				 utc(2026, 3, 29, 22, 0, 0));
		assert_true(fl_biz_open(c, utc(2026, 3, 29, 1, 0, 0)));
		assert_true(fl_biz_open(c, utc(2026, 10, 25, 0, 30, 0)));
		fl_bizclock_free(c);
	}
}

/* Sundays 02:00–05:00 local. On 29 March 2026 02:00–03:00 EET is 00:00Z–
 * 01:00Z, 03:00–04:00 does not exist, 04:00–05:00 EEST is 01:00Z–02:00Z:
 * two hours, without a break. On 25 October 02:00 EEST is 24 October
 * 23:00Z and 05:00 EET is 03:00Z: four hours, 03:00–04:00 lived twice. */
static void test_night_shift_across_dst(void **state)
{
	const char *zones[] = {"Europe/Kyiv", "Europe/Vilnius"};
	const struct fl_interval iv[] = {{at(SUN, 2, 0), at(SUN, 5, 0)}};
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		struct fl_bizclock *c = clock_of(zones[i], iv, 1, NULL, 0);
		int64_t sat = utc(2026, 3, 28, 12, 0, 0);

		assert_int_equal(fl_biz_elapsed(c, sat, utc(2026, 3, 29, 12, 0, 0)), 2 * HOUR);
		assert_false(fl_biz_open(c, utc(2026, 3, 28, 23, 59, 59))); /* 01:59:59 EET */
		assert_true(fl_biz_open(c, utc(2026, 3, 29, 0, 0, 0)));     /* 02:00 EET */
		assert_true(fl_biz_open(c, utc(2026, 3, 29, 0, 59, 59)));   /* 02:59:59 EET */
		assert_true(fl_biz_open(c, utc(2026, 3, 29, 1, 0, 0)));     /* 04:00 EEST */
		assert_false(fl_biz_open(c, utc(2026, 3, 29, 2, 0, 0)));    /* 05:00 EEST */
		assert_int_equal(fl_biz_add(c, sat, HOUR), utc(2026, 3, 29, 1, 0, 0));
		assert_int_equal(fl_biz_add(c, sat, 2 * HOUR), utc(2026, 3, 29, 2, 0, 0));
		/* one second more: next Sunday, 5 April 02:00 EEST = 4 April 23:00Z */
		assert_int_equal(fl_biz_add(c, sat, 2 * HOUR + 1), utc(2026, 4, 4, 23, 0, 1));

		sat = utc(2026, 10, 24, 12, 0, 0);
		assert_int_equal(fl_biz_elapsed(c, sat, utc(2026, 10, 25, 12, 0, 0)), 4 * HOUR);
		assert_true(fl_biz_open(c, utc(2026, 10, 25, 0, 30, 0))); /* 03:30 EEST */
		assert_true(fl_biz_open(c, utc(2026, 10, 25, 1, 30, 0))); /* 03:30 EET */
		assert_false(fl_biz_open(c, utc(2026, 10, 25, 3, 0, 0))); /* 05:00 EET */
		assert_int_equal(fl_biz_add(c, sat, 4 * HOUR), utc(2026, 10, 25, 3, 0, 0));
		assert_int_equal(fl_biz_add(c, sat, 3 * HOUR), utc(2026, 10, 25, 2, 0, 0));
		fl_bizclock_free(c);
	}
}

/* Sundays 03:00–04:00 local: the hour that does not exist on 29 March and
 * exists twice on 25 October (00:00Z–01:00Z in EEST, 01:00Z–02:00Z in EET). */
static void test_skipped_and_repeated_hour(void **state)
{
	const struct fl_interval iv[] = {{at(SUN, 3, 0), at(SUN, 4, 0)}};
	struct fl_bizclock *c = clock_of("Europe/Kyiv", iv, 1, NULL, 0);
	int64_t sat = utc(2026, 3, 28, 12, 0, 0);
	(void)state;

	assert_int_equal(fl_biz_elapsed(c, sat, utc(2026, 3, 29, 12, 0, 0)), 0);
	assert_false(fl_biz_open(c, utc(2026, 3, 29, 0, 59, 59))); /* 02:59:59 EET */
	assert_false(fl_biz_open(c, utc(2026, 3, 29, 1, 0, 0)));   /* 04:00 EEST */
	/* next Sunday, 5 April 03:00 EEST = 00:00Z */
	assert_int_equal(fl_biz_add(c, sat, 1), utc(2026, 4, 5, 0, 0, 1));

	sat = utc(2026, 10, 24, 12, 0, 0);
	assert_int_equal(fl_biz_elapsed(c, sat, utc(2026, 10, 25, 12, 0, 0)), 2 * HOUR);
	assert_true(fl_biz_open(c, utc(2026, 10, 25, 0, 0, 0)));
	assert_true(fl_biz_open(c, utc(2026, 10, 25, 1, 59, 59)));
	assert_false(fl_biz_open(c, utc(2026, 10, 25, 2, 0, 0)));
	assert_int_equal(fl_biz_add(c, sat, HOUR), utc(2026, 10, 25, 1, 0, 0));
	assert_int_equal(fl_biz_add(c, sat, HOUR + 1800), utc(2026, 10, 25, 1, 30, 0));
	fl_bizclock_free(c);
}

/* Office hours over the weekends of both changes in Vilnius: an hour on
 * Friday and an hour on Monday, whatever the clocks did in between. */
static void test_weekend_across_dst(void **state)
{
	struct fl_bizclock *c = office("Europe/Vilnius", NULL, 0);
	(void)state;

	/* Friday 27 March 17:00 EET = 15:00Z; Monday 30 March 10:00 EEST = 07:00Z */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 3, 27, 15, 0, 0), utc(2026, 3, 30, 7, 0, 0)),
			 2 * HOUR);
	assert_int_equal(fl_biz_add(c, utc(2026, 3, 27, 15, 0, 0), 2 * HOUR),
			 utc(2026, 3, 30, 7, 0, 0));
	/* Friday 23 October 17:00 EEST = 14:00Z; Monday 26 October 10:00 EET = 08:00Z */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 10, 23, 14, 0, 0), utc(2026, 10, 26, 8, 0, 0)),
			 2 * HOUR);
	assert_int_equal(fl_biz_add(c, utc(2026, 10, 23, 14, 0, 0), 2 * HOUR),
			 utc(2026, 10, 26, 8, 0, 0));
	fl_bizclock_free(c);
}

/* Targets of hundreds of business hours that cross a change. */
static void test_hundreds_of_hours_across_dst(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv", NULL, 0);
	(void)state;

	/* From Monday 2 March 09:00 EET (07:00Z), 200 h = 4 weeks of 45 h (to
	 * Friday 27 March 18:00) + 20 h: Monday 30 and Tuesday 31 March, 9 h
	 * each, then 2 h on Wednesday 1 April: 11:00 EEST = 08:00Z. */
	int64_t from = utc(2026, 3, 2, 7, 0, 0), due = utc(2026, 4, 1, 8, 0, 0);
	assert_int_equal(fl_biz_add(c, from, 200 * HOUR), due);
	assert_int_equal(fl_biz_elapsed(c, from, due), 200 * HOUR);

	/* From Monday 7 September 09:00 EEST (06:00Z), 500 h = 11 weeks of 45 h
	 * (to Friday 20 November 18:00) + 5 h: Monday 23 November 14:00 EET =
	 * 12:00Z. */
	from = utc(2026, 9, 7, 6, 0, 0);
	due = utc(2026, 11, 23, 12, 0, 0);
	assert_int_equal(fl_biz_add(c, from, 500 * HOUR), due);
	assert_int_equal(fl_biz_elapsed(c, from, due), 500 * HOUR);
	fl_bizclock_free(c);
}

/* ---- closing time, zero, outside hours, pauses ---------------------------- */

static void test_closing_not_next_opening(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv", NULL, 0);
	/* Monday 1 June 2026 09:00 EEST = 06:00Z; 18:00 = 15:00Z */
	int64_t mon = utc(2026, 6, 1, 6, 0, 0);
	(void)state;

	assert_int_equal(fl_biz_add(c, mon, 9 * HOUR), utc(2026, 6, 1, 15, 0, 0));
	assert_int_equal(fl_biz_add(c, mon, 9 * HOUR + 1), utc(2026, 6, 2, 6, 0, 1));
	/* a whole week's 45 hours end on Friday 5 June at 18:00 */
	assert_int_equal(fl_biz_add(c, mon, 45 * HOUR), utc(2026, 6, 5, 15, 0, 0));
	/* 0 gives from, in hours or not: Sunday 31 May, noon */
	assert_int_equal(fl_biz_add(c, mon, 0), mon);
	assert_int_equal(fl_biz_add(c, utc(2026, 5, 31, 9, 0, 0), 0), utc(2026, 5, 31, 9, 0, 0));
	assert_int_equal(fl_biz_add(c, utc(2026, 6, 1, 15, 0, 0), 0), utc(2026, 6, 1, 15, 0, 0));
	fl_bizclock_free(c);
}

static void test_outside_hours_and_pauses(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv", NULL, 0);
	(void)state;

	/* Sunday 31 May 12:00 (09:00Z) to Monday 1 June 10:00 (07:00Z): Monday's
	 * first hour */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 5, 31, 9, 0, 0), utc(2026, 6, 1, 7, 0, 0)),
			 HOUR);
	/* from Saturday noon, one second: Monday 09:00:01 */
	assert_int_equal(fl_biz_add(c, utc(2026, 5, 30, 9, 0, 0), 1), utc(2026, 6, 1, 6, 0, 1));
	/* Tuesday 20:00 (17:00Z) to Thursday 07:00 (04:00Z): Wednesday's 9 h */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 2, 17, 0, 0), utc(2026, 6, 4, 4, 0, 0)),
			 9 * HOUR);
	/* a clock that ran Monday 08:00–Tuesday 20:00 (05:00Z–17:00Z), paused
	 * until Wednesday 07:00 (04:00Z) and ran again to 12:00 (09:00Z):
	 * 9 + 9 + 3 hours, the same as the whole stretch since the pause held
	 * no business time */
	int64_t run1 = fl_biz_elapsed(c, utc(2026, 6, 1, 5, 0, 0), utc(2026, 6, 2, 17, 0, 0));
	int64_t run2 = fl_biz_elapsed(c, utc(2026, 6, 3, 4, 0, 0), utc(2026, 6, 3, 9, 0, 0));
	assert_int_equal(run1 + run2, 21 * HOUR);
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 1, 5, 0, 0), utc(2026, 6, 3, 9, 0, 0)),
			 21 * HOUR);
	/* the pause's second half resumed: what is left of a 24 h target after
	 * run1 + run2 falls due Wednesday 15:00 = 12:00Z */
	assert_int_equal(fl_biz_add(c, utc(2026, 6, 3, 9, 0, 0), 24 * HOUR - run1 - run2),
			 utc(2026, 6, 3, 12, 0, 0));
	/* empty and backwards spans */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 1, 8, 0, 0), utc(2026, 6, 1, 8, 0, 0)), 0);
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 1, 9, 0, 0), utc(2026, 6, 1, 8, 0, 0)), 0);
	fl_bizclock_free(c);
}

/* ---- midnight and the week's end ------------------------------------------ */

/* Saturday 22:00–24:00 and Sunday 00:00–02:00: one shift across the wrap
 * of minute 10080 to 0. Saturday 6 June 2026 22:00 EEST = 19:00Z; local
 * midnight = 21:00Z; Sunday 02:00 = 23:00Z. */
static void test_week_wrap(void **state)
{
	const struct fl_interval iv[] = {{at(SUN, 0, 0), at(SUN, 2, 0)},
					 {at(SAT, 22, 0), FL_WEEK_MINUTES}};
	struct fl_bizclock *c = clock_of("Europe/Kyiv", iv, 2, NULL, 0);
	int64_t sat = utc(2026, 6, 6, 19, 0, 0);
	(void)state;

	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 6, 12, 0, 0), utc(2026, 6, 7, 12, 0, 0)),
			 4 * HOUR);
	assert_int_equal(fl_biz_add(c, sat, 2 * HOUR), utc(2026, 6, 6, 21, 0, 0));
	assert_int_equal(fl_biz_add(c, sat, 3 * HOUR), utc(2026, 6, 6, 22, 0, 0));
	assert_int_equal(fl_biz_add(c, sat, 4 * HOUR), utc(2026, 6, 6, 23, 0, 0));
	/* one second more: next Saturday 13 June 22:00 */
	assert_int_equal(fl_biz_add(c, sat, 4 * HOUR + 1), utc(2026, 6, 13, 19, 0, 1));
	assert_true(fl_biz_open(c, utc(2026, 6, 6, 20, 59, 59)));
	assert_true(fl_biz_open(c, utc(2026, 6, 6, 21, 0, 0)));
	assert_false(fl_biz_open(c, utc(2026, 6, 6, 23, 0, 0)));
	assert_false(fl_biz_open(c, utc(2026, 6, 6, 18, 59, 59)));
	fl_bizclock_free(c);

	/* Saturday 22:00 to the week's end alone: 23:00 Saturday to Sunday
	 * noon holds the one hour before midnight */
	const struct fl_interval late[] = {{at(SAT, 22, 0), FL_WEEK_MINUTES}};
	c = clock_of("Europe/Kyiv", late, 1, NULL, 0);
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 6, 6, 20, 0, 0), utc(2026, 6, 7, 9, 0, 0)),
			 HOUR);
	assert_false(fl_biz_open(c, utc(2026, 6, 6, 21, 0, 0)));
	fl_bizclock_free(c);
}

/* Friday 22:00 – Saturday 02:00, one interval across midnight: the week
 * of Friday 5 June 2026 (EEST: 22:00 = 19:00Z, midnight = 21:00Z, 02:00 =
 * 23:00Z). A holiday removes its own local day's part of it. */
static void test_overnight_and_holidays(void **state)
{
	const struct fl_interval iv[] = {{at(FRI, 22, 0), at(SAT, 2, 0)}};
	const struct fl_holiday sat[] = {
		{.start_day = date(2026, 6, 6), .end_day = date(2026, 6, 6)}};
	const struct fl_holiday fri[] = {
		{.start_day = date(2026, 6, 5), .end_day = date(2026, 6, 5)}};
	int64_t from = utc(2026, 6, 4, 21, 0, 0),
		to = utc(2026, 6, 6, 21, 0, 0); /* local days 5 and 6 June */
	struct fl_bizclock *c = clock_of("Europe/Kyiv", iv, 1, NULL, 0);
	(void)state;

	assert_int_equal(fl_biz_elapsed(c, from, to), 4 * HOUR);
	assert_int_equal(fl_biz_add(c, from, 3 * HOUR), utc(2026, 6, 5, 22, 0, 0));
	fl_bizclock_free(c);

	/* Saturday a holiday: Friday 22:00–24:00 is left */
	c = clock_of("Europe/Kyiv", iv, 1, sat, 1);
	assert_int_equal(fl_biz_elapsed(c, from, to), 2 * HOUR);
	assert_true(fl_biz_open(c, utc(2026, 6, 5, 20, 59, 59)));
	assert_false(fl_biz_open(c, utc(2026, 6, 5, 21, 0, 0)));
	assert_int_equal(fl_biz_add(c, from, 2 * HOUR), utc(2026, 6, 5, 21, 0, 0));
	assert_int_equal(fl_biz_add(c, from, 2 * HOUR + 1), utc(2026, 6, 12, 19, 0, 1));
	fl_bizclock_free(c);

	/* Friday a holiday: Saturday 00:00–02:00 is left */
	c = clock_of("Europe/Kyiv", iv, 1, fri, 1);
	assert_int_equal(fl_biz_elapsed(c, from, to), 2 * HOUR);
	assert_false(fl_biz_open(c, utc(2026, 6, 5, 20, 59, 59)));
	assert_true(fl_biz_open(c, utc(2026, 6, 5, 21, 0, 0)));
	assert_int_equal(fl_biz_add(c, from, 1), utc(2026, 6, 5, 21, 0, 1));
	fl_bizclock_free(c);
}

/* ---- holidays -------------------------------------------------------------- */

static void test_holidays(void **state)
{
	/* Friday 1 May 2026, Saturday 9 May (already a day off), and two touching
	 * ranges in Vilnius over Christmas */
	const struct fl_holiday may[] = {
		{.start_day = date(2026, 5, 1), .end_day = date(2026, 5, 1)},
		{.start_day = date(2026, 5, 9), .end_day = date(2026, 5, 9)}};
	const struct fl_holiday xmas[] = {
		{.start_day = date(2026, 12, 28), .end_day = date(2027, 1, 1)},
		{.start_day = date(2026, 12, 24), .end_day = date(2026, 12, 26)}};
	struct fl_bizclock *c = office("Europe/Kyiv", may, 2);
	(void)state;

	/* Thursday 30 April 09:00 EEST (06:00Z) to Monday 4 May 18:00 (15:00Z):
	 * Thursday and Monday, 18 h */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 4, 30, 6, 0, 0), utc(2026, 5, 4, 15, 0, 0)),
			 18 * HOUR);
	assert_false(fl_biz_open(c, utc(2026, 5, 1, 7, 0, 0)));
	/* Thursday 17:00 (14:00Z) + 2 h: 18:00 Thursday, then Monday 10:00 = 07:00Z */
	assert_int_equal(fl_biz_add(c, utc(2026, 4, 30, 14, 0, 0), 2 * HOUR),
			 utc(2026, 5, 4, 7, 0, 0));
	/* the week of Saturday's holiday keeps its 45 h (local Monday 00:00 to
	 * Monday 00:00: 3 May 21:00Z to 10 May 21:00Z) */
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 5, 3, 21, 0, 0), utc(2026, 5, 10, 21, 0, 0)),
			 45 * HOUR);
	fl_bizclock_free(c);

	/* Wednesday 23 December 17:00 EET (15:00Z) + 2 h: an hour that day, then
	 * 24–26 December, the weekend, 28 December–1 January and the weekend
	 * again are off: Monday 4 January 2027 10:00 = 08:00Z */
	c = office("Europe/Vilnius", xmas, 2);
	assert_int_equal(fl_biz_add(c, utc(2026, 12, 23, 15, 0, 0), 2 * HOUR),
			 utc(2027, 1, 4, 8, 0, 0));
	assert_int_equal(fl_biz_elapsed(c, utc(2026, 12, 23, 15, 0, 0), utc(2027, 1, 4, 8, 0, 0)),
			 2 * HOUR);
	assert_false(fl_biz_open(c, utc(2026, 12, 29, 8, 0, 0)));
	assert_true(fl_biz_open(c, utc(2027, 1, 4, 7, 0, 0)));
	fl_bizclock_free(c);

	/* Two years of holidays in a row, open all week in UTC: the first
	 * business second is 1 January 2028 */
	const struct fl_holiday years[] = {
		{.start_day = date(2026, 1, 1), .end_day = date(2026, 12, 31)},
		{.start_day = date(2027, 1, 1), .end_day = date(2027, 12, 31)}};
	c = always("UTC", years, 2);
	assert_int_equal(fl_biz_add(c, utc(2026, 1, 1, 0, 0, 0), 1), utc(2028, 1, 1, 0, 0, 1));
	assert_int_equal(fl_biz_elapsed(c, utc(2025, 12, 31, 0, 0, 0), utc(2028, 1, 2, 0, 0, 0)),
			 2 * DAY);
	fl_bizclock_free(c);
}

/* The ten-year horizon: every day a holiday, and the exact edge. */
static void test_no_business_time(void **state)
{
	struct fl_holiday h[12];
	(void)state;

	for (int i = 0; i < 12; i++)
		h[i] = (struct fl_holiday){.start_day = date(2026, 1, 1) + 366 * i,
					   .end_day = date(2026, 1, 1) + 366 * i + 365};
	struct fl_bizclock *c = always("Europe/Kyiv", h, 12);
	int64_t from = utc(2026, 6, 1, 0, 0, 0);

	assert_int_equal(fl_biz_add(c, from, 1), INT64_MAX);
	assert_int_equal(fl_biz_add(c, from, 100 * HOUR), INT64_MAX);
	assert_int_equal(fl_biz_add(c, from, 0), from);
	assert_int_equal(fl_biz_elapsed(c, from, utc(2035, 6, 1, 0, 0, 0)), 0);
	assert_false(fl_biz_open(c, from));
	fl_bizclock_free(c);

	/* nine years of holidays (1 January 2026 to 7 January 2035) leave the
	 * 8th within reach */
	c = always("UTC", h, 9);
	assert_int_equal(fl_biz_add(c, utc(2026, 1, 1, 0, 0, 0), 1), utc(2035, 1, 8, 0, 0, 1));
	fl_bizclock_free(c);

	/* open all the time: 3653 days (ten years and their leap days) are
	 * within reach, one second more is not */
	c = always("UTC", NULL, 0);
	assert_int_equal(fl_biz_add(c, from, 3653LL * DAY), from + 3653LL * DAY);
	assert_int_equal(fl_biz_add(c, from, 3653LL * DAY + 1), INT64_MAX);
	fl_bizclock_free(c);
}

/* elapsed and add undo each other. */
static void test_inverse(void **state)
{
	const struct fl_holiday h[] = {
		{.start_day = date(2026, 3, 30), .end_day = date(2026, 4, 3)}};
	struct fl_bizclock *c = office("Europe/Kyiv", h, 1);
	const int64_t froms[] = {utc(2026, 3, 20, 10, 17, 3), utc(2026, 3, 22, 0, 0, 0),
				 utc(2026, 3, 27, 16, 0, 0)};
	const int64_t targets[] = {1, 59, HOUR, 9 * HOUR, 45 * HOUR, 45 * HOUR + 1, 300 * HOUR};
	(void)state;

	for (size_t i = 0; i < sizeof froms / sizeof *froms; i++) {
		for (size_t j = 0; j < sizeof targets / sizeof *targets; j++) {
			int64_t t = fl_biz_add(c, froms[i], targets[j]);
			assert_int_equal(fl_biz_elapsed(c, froms[i], t), targets[j]);
			/* the earliest such instant: the second before it counted */
			assert_int_equal(fl_biz_elapsed(c, froms[i], t - 1), targets[j] - 1);
			assert_true(fl_biz_open(c, t - 1));
		}
		/* back from elapsed: add lands at the end of the last business
		 * second before to, Friday 27 March 18:00 EET = 16:00Z (the week
		 * after is all holidays, then a weekend) */
		int64_t to = utc(2026, 4, 5, 12, 0, 0);
		assert_int_equal(fl_biz_add(c, froms[i], fl_biz_elapsed(c, froms[i], to)),
				 utc(2026, 3, 27, 16, 0, 0));
	}
	fl_bizclock_free(c);
}

/* ---- property: against a minute-by-minute count ---------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t below(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Random non-overlapping intervals: 1..12, some touching, some across
 * midnight, sometimes touching the week's ends, sometimes all week. */
static size_t random_intervals(struct fl_interval *iv)
{
	int p[24];
	size_t n = 0, k = 1 + (size_t)below(12);

	if (!below(10)) {
		iv[0] = (struct fl_interval){0, FL_WEEK_MINUTES};
		return 1;
	}
	for (size_t i = 0; i < 2 * k; i++)
		p[i] = below(3) ? (int)below(FL_WEEK_MINUTES + 1)
				: 15 * (int)below(FL_WEEK_MINUTES / 15 + 1);
	if (!below(3)) {
		p[0] = 0;
		p[1] = FL_WEEK_MINUTES;
	}
	qsort(p, 2 * k, sizeof *p, cmp_int);
	for (size_t i = 0; i + 1 < 2 * k; i += 2) {
		if (p[i] == p[i + 1] || (n && iv[n - 1].end >= p[i]))
			continue;
		iv[n++] = (struct fl_interval){p[i], p[i + 1]};
	}
	if (!n)
		iv[n++] = (struct fl_interval){at(MON, 9, 0), at(MON, 18, 0)};
	/* split one in two touching halves now and then */
	size_t s = (size_t)below((int64_t)n);
	if (below(2) && iv[s].end - iv[s].start > 1 && n < FL_SCHEDULE_MAX_INTERVALS) {
		int mid = iv[s].start + 1 + (int)below(iv[s].end - iv[s].start - 1);
		iv[n++] = (struct fl_interval){mid, iv[s].end};
		iv[s].end = mid;
	}
	return n;
}

/* The reference: t is business time when its local time (t plus the
 * zone's offset at t, from the tz database) falls in an interval and on a
 * date no holiday names. Exact for minute-aligned t in whole-hour zones. */
static int ref_open(struct fl_tz *tz, const struct fl_interval *iv, size_t n,
		    const struct fl_holiday *h, size_t nh, int64_t t)
{
	int64_t local = t + fl_tz_offset(tz, t);
	int64_t day = local >= 0 ? local / DAY : -((-local + DAY - 1) / DAY);
	int minute = (int)((day + 4) % 7) * 1440 +
		     (int)((local - day * DAY) / 60); /* 1970-01-01: Thursday */
	int open = 0;

	for (size_t i = 0; i < nh; i++)
		if (day >= h[i].start_day && day <= h[i].end_day)
			return 0;
	for (size_t i = 0; i < n; i++)
		open |= minute >= iv[i].start && minute < iv[i].end;
	return open;
}

#define WINDOW_DAYS 70
#define WINDOW_MINUTES (WINDOW_DAYS * 1440)

static void test_property_against_minutes(void **state)
{
	static const char *const zones[] = {"Europe/Kyiv", "Europe/Vilnius", "Europe/Warsaw",
					    "America/New_York", "UTC"};
	/* business seconds of the window's minutes before minute i */
	static int64_t cum[WINDOW_MINUTES + 1];
	static unsigned char open[WINDOW_MINUTES];
	(void)state;

	rng_state = 20261207;
	for (int round = 0; round < 150; round++) {
		struct fl_interval iv[FL_SCHEDULE_MAX_INTERVALS];
		struct fl_holiday h[8];
		size_t n = random_intervals(iv), nh = (size_t)below(8);
		const char *zone = zones[below(5)];
		struct fl_tz *tz = fl_tz_open(zone);
		int64_t anchor, base;

		/* half of the windows around the months the clocks change in */
		if (below(2)) {
			static const int months[] = {3, 10, 11};
			anchor = utc(2025 + (int)below(3), months[below(3)], 1 + (int)below(28), 0,
				     0, 0);
		} else {
			anchor = utc(2025, 1, 1, 0, 0, 0) + below(3 * 365) * DAY;
		}
		base = anchor - WINDOW_DAYS / 2 * DAY;
		for (size_t i = 0; i < nh; i++) {
			int32_t first = (int32_t)(base / DAY) - 3 + (int32_t)below(WINDOW_DAYS + 6);
			h[i] = (struct fl_holiday){.start_day = first,
						   .end_day = first +
							      (int32_t)below(below(4) ? 2 : 12)};
		}
		assert_non_null(tz);
		struct fl_bizclock *c = clock_of(zone, iv, n, h, nh);

		cum[0] = 0;
		for (int i = 0; i < WINDOW_MINUTES; i++) {
			open[i] = (unsigned char)ref_open(tz, iv, n, h, nh, base + 60LL * i);
			cum[i + 1] = cum[i] + 60 * open[i];
		}
		for (int q = 0; q < 400; q++) {
			int a = (int)below(WINDOW_MINUTES + 1), b = (int)below(WINDOW_MINUTES + 1);
			int64_t from = base + 60LL * a, to = base + 60LL * b;
			int64_t want = b > a ? cum[b] - cum[a] : 0;
			int64_t got = fl_biz_elapsed(c, from, to);
			if (got != want)
				fail_msg(
					"%s round %d: elapsed(%lld, %lld) = %lld, the minutes say %lld",
					zone, round, (long long)from, (long long)to, (long long)got,
					(long long)want);

			int m = (int)below(WINDOW_MINUTES);
			int64_t t = base + 60LL * m + below(60);
			if (fl_biz_open(c, t) != open[m])
				fail_msg("%s round %d: open(%lld) = %d, the minutes say %d", zone,
					 round, (long long)t, fl_biz_open(c, t), open[m]);

			/* add: the minute in which the target's last second falls, by
			 * bisection over cum; half of the targets are what [from, to)
			 * held, which end at a closing time more often than not */
			int64_t left = cum[WINDOW_MINUTES] - cum[a];
			int64_t seconds = below(2) ? (b > a ? cum[b] - cum[a] : 0)
					  : left   ? below(left + 1)
						   : 0;
			if (seconds) {
				int lo = a,
				    hi = WINDOW_MINUTES; /* the last minute lo with cum[lo] < cum[a] + seconds */
				while (hi - lo > 1) {
					int mid = lo + (hi - lo) / 2;
					if (cum[mid] < cum[a] + seconds)
						lo = mid;
					else
						hi = mid;
				}
				want = base + 60LL * lo + (cum[a] + seconds - cum[lo]);
			} else {
				want = from;
			}
			got = fl_biz_add(c, from, seconds);
			if (got != want)
				fail_msg(
					"%s round %d: add(%lld, %lld) = %lld, the minutes say %lld",
					zone, round, (long long)from, (long long)seconds,
					(long long)got, (long long)want);
		}
		fl_bizclock_free(c);
		fl_tz_free(tz);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects),
		cmocka_unit_test(test_always_open_across_dst),
		cmocka_unit_test(test_night_shift_across_dst),
		cmocka_unit_test(test_skipped_and_repeated_hour),
		cmocka_unit_test(test_weekend_across_dst),
		cmocka_unit_test(test_hundreds_of_hours_across_dst),
		cmocka_unit_test(test_closing_not_next_opening),
		cmocka_unit_test(test_outside_hours_and_pauses),
		cmocka_unit_test(test_week_wrap),
		cmocka_unit_test(test_overnight_and_holidays),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_no_business_time),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_property_against_minutes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
