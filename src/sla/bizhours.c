/* Business time: the bizclock functions of schedule.h.
 *
 * What counts. An instant t is business time when its local time — t plus
 * the zone's offset in effect at t — falls inside one of the weekly
 * intervals and on a local calendar date that no holiday names. Both DST
 * rules of schedule.h follow from that one definition: a skipped local
 * hour is the local time of no instant, so it is never business time; a
 * repeated hour is the local time of two UTC hours, so both count. A
 * holiday removes its whole local calendar day, 00:00 to 24:00, as
 * Zendesk's holidays do: of an interval running past midnight (Friday
 * 22:00 to Saturday 02:00) a holiday on Saturday removes 00:00–02:00 and
 * leaves Friday's two hours, a holiday on Friday the other way round.
 * Overlapping intervals or holidays count once (their union).
 *
 * How. Local time L (seconds since 1970-01-01 00:00 local) and business
 * seconds are measured on one line, F(L) = the business seconds of local
 * time before L counted from a fixed origin. F is continuous and
 * nondecreasing, rising at one second a second inside business time and
 * flat outside, so the business seconds of local times [x, y) are
 * F(y) − F(x), and the earliest local time at which F reaches a value is
 * where a target falls due: inside or at the end of a business span,
 * never at the next opening. F is the weekly pattern (weeks times the
 * week's business seconds, plus a prefix within the week over the
 * sorted intervals) less what the holidays before L removed (a prefix sum
 * over the merged holiday ranges). Between two changes of the zone's
 * offset o, UTC [a, b) is local [a + o, b + o), so elapsed time is a sum
 * over the offset segments [from, to) crosses, and fl_biz_add walks the
 * same segments until one holds the rest of the target and inverts F in
 * it. Each evaluation of F or its inverse is two binary searches (≤ 64
 * intervals, ≤ 1024 holidays) and a division, a call a handful of them
 * plus one per offset change crossed: some 30–40 ns whatever the target
 * (fl_biz_add of 200 business hours, Kyiv, -O2), with no allocation and no
 * tz database look-up.
 *
 * What the clock holds. fl_bizclock_new copies what it needs from the
 * schedule (the caller may free it after): the intervals sorted and
 * merged, in seconds; the holiday ranges merged, with F at each; and the
 * zone's offset changes between 1969 and 2210, found once through
 * fl_tz_next_change (holidays lie in 1970..2199 and a target looks 10
 * years ahead): about 13,000 look-ups, 2–3 ms for a zone with DST, so a
 * caller makes a clock once per version of a schedule and shares it.
 * Before 1969 the clock keeps the offset of 1969, after 2210 that of 2210;
 * no ticket lives there. Instants beyond ±2^40 s (about 34,800 years) hold
 * no business time, which keeps every sum far from overflow. The clock
 * never changes after it is made, so threads share it without locks. */
#include <stdlib.h>

#include "core/tz.h"
#include "sla/schedule.h"

#define DAY 86400
#define WEEK (7 * DAY)
/* 1970-01-01 was a Thursday: local Sunday 00:00 of that week is day −4,
 * so weeks are counted from there. */
#define SUNDAY (-4 * DAY)
/* fl_biz_add looks this far ahead: ten years with their leap days. */
#define HORIZON ((int64_t)3653 * DAY)
#define EDGE ((int64_t)1 << 40)
/* The zone's changes are followed from 1969-01-01 to 2210-01-01 UTC. */
#define ZONE_FIRST ((int64_t)-31536000)
#define ZONE_LAST ((int64_t)7573651200)
/* More changes than any zone made in those years (Kyiv: fewer than 500). */
#define MAX_CHANGES 4096

/* A weekly business span in seconds from Sunday 00:00 local, and the
 * business seconds of the week before it. */
struct span {
	int64_t start, end, before;
};

/* Merged holiday dates as local seconds [first, last); at is F(first) (F
 * stays there until last) and removed the business seconds this range and
 * the earlier ones took away. */
struct rest {
	int64_t first, last, at, removed;
};

/* From instant at (the first: since ever) the zone's offset is off. */
struct change {
	int64_t at;
	int32_t off;
};

struct fl_bizclock {
	int64_t week; /* business seconds of a week without holidays */
	struct span spans[FL_SCHEDULE_MAX_INTERVALS];
	size_t nspans;
	struct rest *rests;
	size_t nrests;
	struct change *changes;
	size_t nchanges;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return a % b < 0 ? q - 1 : q;
}

static int64_t clamp(int64_t t)
{
	return t < -EDGE ? -EDGE : t > EDGE ? EDGE : t;
}

/* The weekly pattern's business seconds of local time before L (no
 * holidays), from the origin SUNDAY. */
static int64_t weekly(const struct fl_bizclock *c, int64_t L)
{
	int64_t u = L - SUNDAY, w = floor_div(u, WEEK), r = u - w * WEEK;
	size_t lo = 0, hi = c->nspans;

	/* the last span starting at or before r */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->spans[mid].start <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return w * c->week;
	const struct span *p = &c->spans[lo - 1];
	return w * c->week + p->before + (r < p->end ? r - p->start : p->end - p->start);
}

/* The earliest local time at which weekly() reaches v. */
static int64_t weekly_inverse(const struct fl_bizclock *c, int64_t v)
{
	int64_t w = floor_div(v - 1, c->week), r = v - w * c->week; /* 1 ≤ r ≤ week */
	size_t lo = 0, hi = c->nspans;

	/* the last span with fewer than r seconds before it: r is reached in it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->spans[mid].before < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct span *p = &c->spans[lo - 1];
	return SUNDAY + w * WEEK + p->start + (r - p->before);
}

/* F(L): the business seconds of local time before L, holidays removed. */
static int64_t business(const struct fl_bizclock *c, int64_t L)
{
	size_t lo = 0, hi = c->nrests;

	/* the last holiday range starting before L */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rests[mid].first < L)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return weekly(c, L);
	const struct rest *p = &c->rests[lo - 1];
	return L <= p->last ? p->at : weekly(c, L) - p->removed;
}

/* The earliest local time at which F reaches v. */
static int64_t business_inverse(const struct fl_bizclock *c, int64_t v)
{
	size_t lo = 0, hi = c->nrests;

	/* the first holiday range at whose start F has reached v: v is reached
	 * in the stretch of working days just before it, where F is weekly()
	 * less what the earlier ranges removed */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rests[mid].at < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return weekly_inverse(c, v + (lo ? c->rests[lo - 1].removed : 0));
}

/* The offset segment instant t lies in: the last change at or before t. */
static size_t segment(const struct fl_bizclock *c, int64_t t)
{
	size_t lo = 1, hi = c->nchanges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->changes[mid].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static int by_start(const void *a, const void *b)
{
	const struct fl_interval *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

static int by_first_day(const void *a, const void *b)
{
	const struct rest *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

/* The sorted union of s's intervals into c->spans, in seconds. FL_EINVAL
 * for none, too many, or one inverted or outside the week (a checked
 * schedule has none of these). */
static int compile_week(struct fl_bizclock *c, const struct fl_schedule *s)
{
	struct fl_interval a[FL_SCHEDULE_MAX_INTERVALS];

	if (!s->nintervals || s->nintervals > FL_SCHEDULE_MAX_INTERVALS)
		return FL_EINVAL;
	for (size_t i = 0; i < s->nintervals; i++) {
		a[i] = s->intervals[i];
		if (a[i].start < 0 || a[i].start >= a[i].end || a[i].end > FL_WEEK_MINUTES)
			return FL_EINVAL;
	}
	qsort(a, s->nintervals, sizeof *a, by_start);
	for (size_t i = 0; i < s->nintervals; i++) {
		struct span *last = c->nspans ? &c->spans[c->nspans - 1] : NULL;
		if (last && a[i].start * 60 <= last->end) {
			if (a[i].end * 60 > last->end) {
				c->week += a[i].end * 60 - last->end;
				last->end = a[i].end * 60;
			}
			continue;
		}
		c->spans[c->nspans++] = (struct span){a[i].start * 60, a[i].end * 60, c->week};
		c->week += (int64_t)(a[i].end - a[i].start) * 60;
	}
	return 0;
}

/* The sorted union of s's holidays into c->rests (allocated), with F at
 * each range's start; needs c->spans. FL_EINVAL for too many or an
 * inverted one. */
static int compile_holidays(struct fl_bizclock *c, const struct fl_schedule *s)
{
	int64_t removed = 0;

	if (s->nholidays > FL_SCHEDULE_MAX_HOLIDAYS)
		return FL_EINVAL;
	if (!s->nholidays)
		return 0;
	if (!(c->rests = malloc(s->nholidays * sizeof *c->rests)))
		return FL_ENOMEM;
	for (size_t i = 0; i < s->nholidays; i++) {
		const struct fl_holiday *h = &s->holidays[i];
		if (h->start_day > h->end_day)
			return FL_EINVAL;
		c->rests[i] = (struct rest){(int64_t)h->start_day * DAY,
					    ((int64_t)h->end_day + 1) * DAY, 0, 0};
	}
	qsort(c->rests, s->nholidays, sizeof *c->rests, by_first_day);
	for (size_t i = 0; i < s->nholidays; i++) {
		struct rest *last = c->nrests ? &c->rests[c->nrests - 1] : NULL;
		if (last && c->rests[i].first <= last->last) {
			if (c->rests[i].last > last->last)
				last->last = c->rests[i].last;
			continue;
		}
		c->rests[c->nrests++] = c->rests[i];
	}
	for (size_t i = 0; i < c->nrests; i++) {
		struct rest *r = &c->rests[i];
		int64_t first = weekly(c, r->first);
		r->at = first - removed;
		removed += weekly(c, r->last) - first;
		r->removed = removed;
	}
	return 0;
}

/* The zone's offset changes from ZONE_FIRST to ZONE_LAST into c->changes
 * (allocated); changes[0] holds from ever. FL_EINVAL for a zone the tz
 * database does not have. */
static int compile_zone(struct fl_bizclock *c, const char *name)
{
	struct change *a;
	struct fl_tz *tz;
	int64_t t = ZONE_FIRST;

	if (!fl_tz_known(name))
		return FL_EINVAL;
	if (!(tz = fl_tz_open(name)))
		return FL_ENOMEM;
	if (!(a = malloc(MAX_CHANGES * sizeof *a))) {
		fl_tz_free(tz);
		return FL_ENOMEM;
	}
	a[0] = (struct change){INT64_MIN, fl_tz_offset(tz, t)};
	c->nchanges = 1;
	while (c->nchanges < MAX_CHANGES && (t = fl_tz_next_change(tz, t, ZONE_LAST)) < ZONE_LAST) {
		int32_t off = fl_tz_offset(tz, t);
		if (off != a[c->nchanges - 1].off)
			a[c->nchanges++] = (struct change){t, off};
	}
	fl_tz_free(tz);
	if (t < ZONE_LAST) {
		free(a);
		return FL_EINVAL;
	}
	/* a few hundred of the MAX_CHANGES kept: give the rest back */
	struct change *fit = realloc(a, c->nchanges * sizeof *a);
	c->changes = fit ? fit : a;
	return 0;
}

int fl_bizclock_new(const struct fl_schedule *s, struct fl_bizclock **out)
{
	struct fl_bizclock *c = calloc(1, sizeof *c);
	int rc;

	if (!c)
		return FL_ENOMEM;
	if ((rc = compile_week(c, s)) || (rc = compile_holidays(c, s)) ||
	    (rc = compile_zone(c, s->time_zone))) {
		fl_bizclock_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void fl_bizclock_free(struct fl_bizclock *c)
{
	if (!c)
		return;
	free(c->rests);
	free(c->changes);
	free(c);
}

int fl_biz_open(const struct fl_bizclock *c, int64_t t)
{
	return fl_biz_elapsed(c, t, t + (t < INT64_MAX)) > 0;
}

int64_t fl_biz_elapsed(const struct fl_bizclock *c, int64_t from, int64_t to)
{
	int64_t sum = 0;

	from = clamp(from);
	to = clamp(to);
	/* one turn per offset segment between from and to: at most nchanges */
	for (size_t k = segment(c, from); from < to; k++) {
		int64_t next = k + 1 < c->nchanges ? c->changes[k + 1].at : to;
		int64_t end = next < to ? next : to;
		int32_t off = c->changes[k].off;
		sum += business(c, end + off) - business(c, from + off);
		from = end;
	}
	return sum;
}

int64_t fl_biz_add(const struct fl_bizclock *c, int64_t from, int64_t seconds)
{
	int64_t t, horizon;

	if (seconds <= 0)
		return from;
	t = clamp(from);
	horizon = t > EDGE - HORIZON ? EDGE : t + HORIZON;
	/* one turn per offset segment within the horizon: at most nchanges */
	for (size_t k = segment(c, t); t < horizon; k++) {
		int64_t next = k + 1 < c->nchanges ? c->changes[k + 1].at : horizon;
		int64_t end = next < horizon ? next : horizon;
		int32_t off = c->changes[k].off;
		int64_t start = business(c, t + off), here = business(c, end + off) - start;
		if (here >= seconds)
			return business_inverse(c, start + seconds) - off;
		seconds -= here;
		t = end;
	}
	return INT64_MAX;
}
