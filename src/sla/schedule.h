/* Business-hours schedules: the hours a company calls working time, in
 * its own time zone, less its holidays — and the arithmetic of business
 * time the SLA clocks run on. Pure C: nothing of HTTP or SQL.
 *
 * Shapes follow Zendesk's /api/v2/business_hours/schedules: an interval is
 * minutes from Sunday 00:00 local time (0 ≤ start < end ≤ 10080; an
 * interval may run past midnight, e.g. Friday 22:00 to Saturday 02:00),
 * a holiday a range of local calendar dates, both ends included.
 *
 * Time zones are IANA names ("Europe/Kyiv", "Europe/Vilnius") read from the
 * system's tz database (Debian's tzdata) through src/core/tz.h: never
 * offsets written by hand. Every instant here is UTC seconds since 1970. */
#ifndef FL_SLA_SCHEDULE_H
#define FL_SLA_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define FL_WEEK_MINUTES (7 * 24 * 60)
#define FL_SCHEDULE_MAX_INTERVALS 64
#define FL_SCHEDULE_MAX_HOLIDAYS 1024
#define FL_SCHEDULE_NAME_MAX 255

struct fl_interval {
	int start, end; /* minutes from Sunday 00:00, local */
};

struct fl_holiday {
	int64_t id;
	char *name;
	int32_t start_day, end_day; /* local calendar dates as days since 1970-01-01, inclusive */
};

struct fl_schedule {
	int64_t id;
	char *name;
	char *time_zone; /* an IANA name */
	struct fl_interval *intervals;
	size_t nintervals;
	struct fl_holiday *holidays;
	size_t nholidays;
	int64_t created_at, updated_at;
};

/* Checks s as a schedule may be stored: a name (1..FL_SCHEDULE_NAME_MAX
 * bytes of UTF-8), a time zone the tz database knows, 1..MAX intervals
 * inside the week with start < end, none overlapping another (touching is
 * fine: Monday 09:00–13:00 and 13:00–18:00); sorts the intervals. FL_EINVAL
 * naming the field ("name", "time_zone", "intervals") in e. Holidays are
 * checked one by one (fl_holiday_check). */
int fl_schedule_check(struct fl_schedule *s, struct fl_err *e);

/* Checks a holiday: a name, start_day ≤ end_day, both within the years
 * 1970..2199, a range of at most 366 days. FL_EINVAL naming "name",
 * "start_date" or "end_date". */
int fl_holiday_check(const struct fl_holiday *h, struct fl_err *e);

/* The arithmetic of business time on one checked schedule (bizhours.c).
 * A business clock is the schedule compiled against its time zone; it is
 * immutable once made, so threads share it freely. Where a local time is
 * skipped by a DST change (spring forward) the time that does not exist is
 * not business time; where it repeats (fall back) both passes are, as a
 * clock on the wall would count them. */
struct fl_bizclock;
int fl_bizclock_new(const struct fl_schedule *s, struct fl_bizclock **out);
void fl_bizclock_free(struct fl_bizclock *c);
/* Whether instant t is business time. */
int fl_biz_open(const struct fl_bizclock *c, int64_t t);
/* The business seconds in [from, to); 0 when to ≤ from. */
int64_t fl_biz_elapsed(const struct fl_bizclock *c, int64_t from, int64_t to);
/* The earliest instant t ≥ from with fl_biz_elapsed(c, from, t) ==
 * seconds (≥ 0): a target met at closing time falls due at closing time,
 * not at the next opening; 0 gives from. INT64_MAX when the schedule does
 * not give that much business time within 10 years (every day a
 * holiday). */
int64_t fl_biz_add(const struct fl_bizclock *c, int64_t from, int64_t seconds);

/* The business clocks of this process, kept (bizcache.c): building one
 * takes milliseconds for a zone with DST, and every ticket write measures
 * its SLA. fl_bizclock_shared gives the clock of s — the one already made
 * for a schedule with the same zone, intervals and holidays, whatever its
 * id, or a new one kept for next time — to be handed back with
 * fl_bizclock_release once the caller is done with it. At most
 * FL_BIZCACHE_SLOTS clocks are kept; the least recently used one nobody
 * holds makes room. A schedule edited is a new key: the old clock ages out.
 * Thread-safe. */
#define FL_BIZCACHE_SLOTS 32
int fl_bizclock_shared(const struct fl_schedule *s, const struct fl_bizclock **out);
void fl_bizclock_release(const struct fl_bizclock *c);
/* Drops every clock nobody holds (tests, and the leak checker at exit). */
void fl_bizcache_clear(void);

#endif
