/* Checking business-hours schedules and holidays before they are stored
 * (schedule.h has the rules). */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/tz.h"
#include "sla/schedule.h"

/* Day numbers (days since 1970-01-01) of 1970-01-01 and 2200-01-01: the
 * years a holiday may fall in are 1970..2199. */
#define FIRST_DAY 0
#define END_DAY 84006

/* A name as both schedules and holidays take it: 1..FL_SCHEDULE_NAME_MAX
 * bytes of UTF-8. field is "name" in both. */
static int check_name(const char *name, const char *what, struct fl_err *e)
{
	size_t n = name ? strlen(name) : 0;

	if (!n)
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: %s needs a name", what);
	if (n > FL_SCHEDULE_NAME_MAX)
		return fl_err_set(e, FL_EINVAL, "name", "TooLong",
				  "Name: is too long (maximum is %d bytes of UTF-8)",
				  FL_SCHEDULE_NAME_MAX);
	if (!fl_utf8_valid(name, n))
		return fl_err_set(e, FL_EINVAL, "name", "InvalidValue", "Name: is not valid UTF-8");
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct fl_interval *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

static int check_intervals(struct fl_interval *iv, size_t n, struct fl_err *e)
{
	if (!n)
		return fl_err_set(e, FL_EINVAL, "intervals", "Blank",
				  "Intervals: a schedule needs at least one interval");
	if (n > FL_SCHEDULE_MAX_INTERVALS)
		return fl_err_set(e, FL_EINVAL, "intervals", "TooLong",
				  "Intervals: at most %d intervals", FL_SCHEDULE_MAX_INTERVALS);
	for (size_t i = 0; i < n; i++) {
		if (iv[i].start < 0 || iv[i].end > FL_WEEK_MINUTES)
			return fl_err_set(e, FL_EINVAL, "intervals", "InvalidValue",
					  "Intervals: %d to %d is outside the week (0 to %d "
					  "minutes from Sunday 00:00)",
					  iv[i].start, iv[i].end, FL_WEEK_MINUTES);
		if (iv[i].start >= iv[i].end)
			return fl_err_set(e, FL_EINVAL, "intervals", "InvalidValue",
					  "Intervals: %d to %d ends before it starts", iv[i].start,
					  iv[i].end);
	}
	qsort(iv, n, sizeof *iv, by_start);
	for (size_t i = 1; i < n; i++)
		if (iv[i].start < iv[i - 1].end)
			return fl_err_set(e, FL_EINVAL, "intervals", "InvalidValue",
					  "Intervals: %d to %d overlaps %d to %d", iv[i].start,
					  iv[i].end, iv[i - 1].start, iv[i - 1].end);
	return 0;
}

int fl_schedule_check(struct fl_schedule *s, struct fl_err *e)
{
	int rc = check_name(s->name, "a schedule", e);

	if (rc)
		return rc;
	if (!s->time_zone || !*s->time_zone)
		return fl_err_set(e, FL_EINVAL, "time_zone", "Blank",
				  "Time zone: cannot be blank (an IANA name, e.g. Europe/Kyiv)");
	if (!fl_tz_known(s->time_zone))
		return fl_err_set(e, FL_EINVAL, "time_zone", "InvalidValue",
				  "Time zone: '%.64s' is not a time zone of the tz database "
				  "(an IANA name, e.g. Europe/Kyiv)",
				  s->time_zone);
	if ((rc = check_intervals(s->intervals, s->nintervals, e)))
		return rc;
	if (s->nholidays > FL_SCHEDULE_MAX_HOLIDAYS)
		return fl_err_set(e, FL_EINVAL, "holidays", "TooLong",
				  "Holidays: at most %d a schedule", FL_SCHEDULE_MAX_HOLIDAYS);
	for (size_t i = 0; i < s->nholidays; i++)
		if ((rc = fl_holiday_check(&s->holidays[i], e)))
			return rc;
	return 0;
}

int fl_holiday_check(const struct fl_holiday *h, struct fl_err *e)
{
	int rc = check_name(h->name, "a holiday", e);

	if (rc)
		return rc;
	if (h->start_day < FIRST_DAY || h->start_day >= END_DAY)
		return fl_err_set(e, FL_EINVAL, "start_date", "InvalidValue",
				  "Start date: must be within the years 1970 to 2199");
	if (h->end_day < FIRST_DAY || h->end_day >= END_DAY)
		return fl_err_set(e, FL_EINVAL, "end_date", "InvalidValue",
				  "End date: must be within the years 1970 to 2199");
	if (h->end_day < h->start_day)
		return fl_err_set(e, FL_EINVAL, "end_date", "InvalidValue",
				  "End date: is before the start date");
	if (h->end_day - h->start_day >= 366)
		return fl_err_set(e, FL_EINVAL, "end_date", "TooLong",
				  "End date: a holiday lasts at most 366 days");
	return 0;
}
