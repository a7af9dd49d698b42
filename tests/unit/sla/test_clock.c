/* Unit tests for src/sla/clock.c: the SLA clock of one ticket (clock.h).
 *
 * Every expected instant is worked out by hand in the comment beside it.
 * T0 is Monday 2 March 2026 10:00 UTC. Business hours are Monday to Friday
 * 09:00–18:00 Europe/Kyiv, which is UTC+2 in winter and UTC+3 from 01:00
 * UTC on 29 March 2026 (03:00 local becomes 04:00) to 01:00 UTC on 25
 * October 2026 (04:00 local becomes 03:00). The property test at the end
 * checks fl_sla_measure against a minute-by-minute replay of the metrics'
 * definitions over random timelines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sla/clock.h"
#include "tickets/ticket.h"
#include "unit.h"

#define M 60
#define H 3600
#define DAY 86400
#define NEVER FL_SLA_NEVER
#define N(a) (sizeof(a) / sizeof *(a))

#define CREATED(t, s)                    \
	{                                \
		(t), FL_SLA_CREATED, (s) \
	}
#define ENDUSER(t)                               \
	{                                        \
		(t), FL_SLA_REQUESTER_COMMENT, 0 \
	}
#define AGENT(t)                             \
	{                                    \
		(t), FL_SLA_AGENT_COMMENT, 0 \
	}
#define STATUS(t, s)                    \
	{                               \
		(t), FL_SLA_STATUS, (s) \
	}

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

/* ---- helpers ------------------------------------------------------------ */

#define T0 utc(2026, 3, 2, 10, 0, 0)

static int at(int wday, int h, int mi)
{
	return wday * 1440 + h * 60 + mi;
}

static struct fl_bizclock *clock_of(const char *zone, const struct fl_interval *iv, size_t n)
{
	struct fl_interval aiv[8];
	char name[64];
	struct fl_schedule s = {
		.name = "test", .time_zone = name, .intervals = aiv, .nintervals = n};
	struct fl_bizclock *c = NULL;

	assert_true(n <= N(aiv));
	snprintf(name, sizeof name, "%s", zone);
	memcpy(aiv, iv, n * sizeof *iv);
	assert_int_equal(fl_bizclock_new(&s, &c), 0);
	return c;
}

/* Monday to Friday, 09:00–18:00 local. */
static struct fl_bizclock *office(const char *zone)
{
	struct fl_interval iv[5];
	for (int d = MON; d <= FRI; d++)
		iv[d - MON] = (struct fl_interval){at(d, 9, 0), at(d, 18, 0)};
	return clock_of(zone, iv, 5);
}

/* The state of one metric with the target given. */
static struct fl_sla_state one(int metric, int64_t target, const struct fl_bizclock *c,
			       const struct fl_sla_event *ev, size_t nev, int64_t now)
{
	struct fl_sla_target t = {metric, target, c != NULL};
	struct fl_sla_state s;
	assert_int_equal(fl_sla_measure(&t, 1, c, ev, nev, now, &s), 0);
	assert_int_equal(s.metric, metric);
	assert_int_equal(s.target_seconds, target);
	return s;
}

#define expect(s, stage_, used_, breach_at_, achieved_at_)                   \
	do {                                                                 \
		struct fl_sla_state s_ = (s);                                \
		assert_int_equal(s_.stage, stage_);                          \
		assert_int_equal(s_.used, used_);                            \
		assert_int_equal(s_.remaining, s_.target_seconds - (used_)); \
		assert_int_equal(s_.breach_at, breach_at_);                  \
		assert_int_equal(s_.achieved_at, achieved_at_);              \
	} while (0)

/* ---- first_reply_time ------------------------------------------------------ */

static void test_first_reply_calendar(void **state)
{
	const int64_t t0 = T0;
	const struct fl_sla_event waits[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0)};
	(void)state;

	/* nothing yet before the ticket exists */
	struct fl_sla_state s = one(FL_SLA_FIRST_REPLY_TIME, H, NULL, waits, 2, t0 - 1);
	expect(s, FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	assert_int_equal(s.cycles, 0);
	/* half an hour in: half left, due at 11:00 */
	s = one(FL_SLA_FIRST_REPLY_TIME, H, NULL, waits, 2, t0 + 30 * M);
	expect(s, FL_SLA_STAGE_ACTIVE, 30 * M, t0 + H, NEVER);
	assert_int_equal(s.cycles, 1);
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, waits, 2, t0 + H - 1), FL_SLA_STAGE_ACTIVE,
	       H - 1, t0 + H, NEVER);
	/* at 11:00 sharp it is breached, unanswered: remaining 0, then below */
	s = one(FL_SLA_FIRST_REPLY_TIME, H, NULL, waits, 2, t0 + H);
	expect(s, FL_SLA_STAGE_BREACHED, H, t0 + H, NEVER);
	assert_int_equal(s.breaches, 1);
	s = one(FL_SLA_FIRST_REPLY_TIME, H, NULL, waits, 2, t0 + 2 * H);
	expect(s, FL_SLA_STAGE_BREACHED, 2 * H, t0 + H, NEVER);
	assert_int_equal(s.remaining, -H);

	/* answered at 10:40: achieved, and stays so */
	const struct fl_sla_event answered[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
						AGENT(t0 + 40 * M)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, answered, 3, t0 + 2 * H),
	       FL_SLA_STAGE_ACHIEVED, 40 * M, NEVER, t0 + 40 * M);
	/* a second before the deadline is in time; at the deadline it is late */
	const struct fl_sla_event just[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					    AGENT(t0 + H - 1)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, just, 3, t0 + 2 * H), FL_SLA_STAGE_ACHIEVED,
	       H - 1, NEVER, t0 + H - 1);
	const struct fl_sla_event late[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0), AGENT(t0 + H)};
	s = one(FL_SLA_FIRST_REPLY_TIME, H, NULL, late, 3, t0 + 2 * H);
	expect(s, FL_SLA_STAGE_BREACHED, H, t0 + H, t0 + H);
	assert_int_equal(s.breaches, 1);

	/* pending does not pause a reply owed: breached at 11:00 all the same */
	const struct fl_sla_event pending[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					       STATUS(t0 + 10 * M, FL_STATUS_PENDING)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, pending, 3, t0 + 2 * H), FL_SLA_STAGE_BREACHED,
	       2 * H, t0 + H, NEVER);
	/* solving without a reply ends it: achieved at 10:20 */
	const struct fl_sla_event solved[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					      STATUS(t0 + 20 * M, FL_STATUS_SOLVED)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, solved, 3, t0 + 2 * H), FL_SLA_STAGE_ACHIEVED,
	       20 * M, NEVER, t0 + 20 * M);
}

static void test_first_reply_business(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv");
	/* Friday 6 March 17:00 Kyiv (UTC+2) is 15:00Z */
	const int64_t fri = utc(2026, 3, 6, 15, 0, 0);
	const struct fl_sla_event ev[] = {CREATED(fri, FL_STATUS_NEW), ENDUSER(fri),
					  AGENT(utc(2026, 3, 9, 7, 30, 0))};
	(void)state;

	/* 2 business hours: one on Friday 17:00–18:00, the other Monday 9
	 * March 09:00–10:00 Kyiv = 08:00Z. At 17:30 half an hour is used. */
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 2, fri + 30 * M), FL_SLA_STAGE_ACTIVE,
	       30 * M, utc(2026, 3, 9, 8, 0, 0), NEVER);
	/* Saturday noon: Friday's hour used, the weekend counts nothing */
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 2, utc(2026, 3, 7, 12, 0, 0)),
	       FL_SLA_STAGE_ACTIVE, H, utc(2026, 3, 9, 8, 0, 0), NEVER);
	/* answered Monday 09:30 Kyiv (07:30Z): 1 h + 30 min */
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 3, utc(2026, 3, 9, 12, 0, 0)),
	       FL_SLA_STAGE_ACHIEVED, 90 * M, NEVER, utc(2026, 3, 9, 7, 30, 0));

	/* created on Saturday 7 March 10:00Z: nothing counts until Monday
	 * 09:00 Kyiv; one hour falls due at 10:00 Kyiv = 08:00Z */
	const int64_t sat = utc(2026, 3, 7, 10, 0, 0);
	const struct fl_sla_event weekend[] = {CREATED(sat, FL_STATUS_NEW), ENDUSER(sat)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, c, weekend, 2, utc(2026, 3, 8, 20, 0, 0)),
	       FL_SLA_STAGE_ACTIVE, 0, utc(2026, 3, 9, 8, 0, 0), NEVER);

	/* created Friday 16:00 Kyiv (14:00Z) with 2 hours: due at closing time,
	 * 18:00 Kyiv = 16:00Z, not at Monday's opening; a reply on Saturday is
	 * late though no business time passed after 18:00 */
	const int64_t fri16 = utc(2026, 3, 6, 14, 0, 0);
	const struct fl_sla_event closing[] = {CREATED(fri16, FL_STATUS_NEW), ENDUSER(fri16),
					       AGENT(utc(2026, 3, 7, 10, 0, 0))};
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, closing, 2, fri16 + H), FL_SLA_STAGE_ACTIVE,
	       H, utc(2026, 3, 6, 16, 0, 0), NEVER);
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, closing, 3, utc(2026, 3, 8, 0, 0, 0)),
	       FL_SLA_STAGE_BREACHED, 2 * H, utc(2026, 3, 6, 16, 0, 0), utc(2026, 3, 7, 10, 0, 0));
	fl_bizclock_free(c);
}

/* ---- across a weekend and a DST change ------------------------------------- */

static void test_weekend_and_dst(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv");
	(void)state;

	/* Friday 27 March 17:00 Kyiv (UTC+2) = 15:00Z, 2 business hours: one
	 * on Friday, the clocks go forward on Sunday, the other is Monday 30
	 * March 09:00–10:00 Kyiv (UTC+3) = 06:00–07:00Z — 64 calendar hours
	 * after, not 65 */
	const int64_t fri = utc(2026, 3, 27, 15, 0, 0);
	const struct fl_sla_event ev[] = {CREATED(fri, FL_STATUS_NEW), ENDUSER(fri)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 2, fri + H), FL_SLA_STAGE_ACTIVE, H,
	       utc(2026, 3, 30, 7, 0, 0), NEVER);
	assert_int_equal(utc(2026, 3, 30, 7, 0, 0) - fri, 64 * H);
	/* Monday 09:30 Kyiv = 06:30Z: 90 minutes used */
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 2, utc(2026, 3, 30, 6, 30, 0)),
	       FL_SLA_STAGE_ACTIVE, 90 * M, utc(2026, 3, 30, 7, 0, 0), NEVER);
	expect(one(FL_SLA_FIRST_REPLY_TIME, 2 * H, c, ev, 2, utc(2026, 3, 30, 7, 0, 0)),
	       FL_SLA_STAGE_BREACHED, 2 * H, utc(2026, 3, 30, 7, 0, 0), NEVER);

	/* a calendar day counts seconds: Saturday 28 March 12:00Z plus 24 h is
	 * Sunday 12:00Z, though the wall clock moved 25 hours */
	const int64_t sat = utc(2026, 3, 28, 12, 0, 0);
	const struct fl_sla_event cal[] = {CREATED(sat, FL_STATUS_NEW), ENDUSER(sat)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, 24 * H, NULL, cal, 2, sat + H), FL_SLA_STAGE_ACTIVE, H,
	       utc(2026, 3, 29, 12, 0, 0), NEVER);

	/* 50 business hours from Monday 19 October 09:00 Kyiv (UTC+3) =
	 * 06:00Z: 45 by Friday 23 October 18:00 Kyiv (15:00Z), the clocks go
	 * back on Sunday, the last 5 are Monday 26 October 09:00–14:00 Kyiv
	 * (UTC+2) = 12:00Z */
	const int64_t mon = utc(2026, 10, 19, 6, 0, 0);
	const struct fl_sla_event long_[] = {CREATED(mon, FL_STATUS_OPEN), ENDUSER(mon)};
	expect(one(FL_SLA_TOTAL_RESOLUTION, 50 * H, c, long_, 2, utc(2026, 10, 23, 15, 0, 0)),
	       FL_SLA_STAGE_ACTIVE, 45 * H, utc(2026, 10, 26, 12, 0, 0), NEVER);
	expect(one(FL_SLA_TOTAL_RESOLUTION, 50 * H, c, long_, 2, utc(2026, 10, 26, 12, 0, 1)),
	       FL_SLA_STAGE_BREACHED, 50 * H + 1, utc(2026, 10, 26, 12, 0, 0), NEVER);
	fl_bizclock_free(c);
}

/* ---- tickets an agent opens ------------------------------------------------ */

static void test_agent_created(void **state)
{
	const int64_t t0 = T0;
	const struct fl_sla_target t[] = {{FL_SLA_FIRST_REPLY_TIME, H, 0},
					  {FL_SLA_NEXT_REPLY_TIME, H, 0},
					  {FL_SLA_PERIODIC_UPDATE_TIME, 4 * H, 0}};
	/* an agent opens the ticket with a public comment; the requester
	 * answers at 13:00; the agent at 13:45; the requester again at 16:00 */
	const struct fl_sla_event ev[] = {CREATED(t0, FL_STATUS_OPEN), AGENT(t0),
					  ENDUSER(t0 + 3 * H), AGENT(t0 + 3 * H + 45 * M),
					  ENDUSER(t0 + 6 * H)};
	struct fl_sla_state s[3];
	(void)state;

	/* nobody waits: no first reply to measure, the periodic update runs */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, 2, t0 + 2 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[1], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_ACTIVE, 2 * H, t0 + 4 * H, NEVER);
	/* the requester's answer starts the first reply time at 13:00 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, 3, t0 + 3 * H + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACTIVE, 30 * M, t0 + 4 * H, NEVER);
	expect(s[1], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_ACTIVE, 3 * H + 30 * M, t0 + 4 * H, NEVER);
	/* 13:45: first reply in 45 minutes; the periodic update's first cycle
	 * achieved in 3 h 45, the second runs from 13:45, due 17:45 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, 4, t0 + 5 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 45 * M, NEVER, t0 + 3 * H + 45 * M);
	expect(s[2], FL_SLA_STAGE_ACTIVE, H + 15 * M, t0 + 7 * H + 45 * M, NEVER);
	assert_int_equal(s[2].cycles, 2);
	/* the requester writes again at 16:00: that is a next reply */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, 5, t0 + 6 * H + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 45 * M, NEVER, t0 + 3 * H + 45 * M);
	expect(s[1], FL_SLA_STAGE_ACTIVE, 30 * M, t0 + 7 * H, NEVER);

	/* an agent logs a phone call with an internal note only: the
	 * requester waits from creation */
	const struct fl_sla_event phone[] = {CREATED(t0, FL_STATUS_OPEN)};
	expect(one(FL_SLA_FIRST_REPLY_TIME, H, NULL, phone, 1, t0 + 10 * M), FL_SLA_STAGE_ACTIVE,
	       10 * M, t0 + H, NEVER);
}

/* ---- next_reply_time: cycles ---------------------------------------------- */

static void test_next_reply_cycles(void **state)
{
	const int64_t t0 = T0;
	const struct fl_sla_target t[] = {{FL_SLA_FIRST_REPLY_TIME, H, 0},
					  {FL_SLA_NEXT_REPLY_TIME, H, 0}};
	/* 10:00 the requester writes, 10:10 the agent answers; 11:00 the
	 * requester writes, 11:30 writes again, 12:30 the agent answers; 13:00
	 * the requester writes, 13:20 the agent answers */
	const struct fl_sla_event ev[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					  AGENT(t0 + 10 * M),         ENDUSER(t0 + H),
					  ENDUSER(t0 + 90 * M),       AGENT(t0 + 150 * M),
					  ENDUSER(t0 + 3 * H),        AGENT(t0 + 200 * M)};
	struct fl_sla_state s[2], before[2];
	(void)state;

	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 10 * M, NEVER, t0 + 10 * M);
	expect(s[1], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	/* 11:40: the wait counts from the oldest unanswered comment, 11:00 */
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 100 * M, s), 0);
	expect(s[1], FL_SLA_STAGE_ACTIVE, 40 * M, t0 + 2 * H, NEVER);
	assert_int_equal(s[1].cycles, 1);
	/* 12:00: breached, though nobody answered yet */
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 2 * H - 1, before), 0);
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 2 * H, s), 0);
	expect(s[1], FL_SLA_STAGE_BREACHED, H, t0 + 2 * H, NEVER);
	/* the breach is counted at its second, once */
	assert_int_equal(before[1].breaches, 0);
	assert_int_equal(s[1].breaches, 1);
	assert_int_equal(s[0].breaches, before[0].breaches);
	/* answered late at 12:30 */
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 160 * M, before), 0);
	expect(before[1], FL_SLA_STAGE_BREACHED, 90 * M, t0 + 2 * H, t0 + 150 * M);
	assert_int_equal(before[1].breaches, s[1].breaches);
	/* 13:10: the second cycle runs; the first one's breach is still counted */
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 190 * M, s), 0);
	expect(s[1], FL_SLA_STAGE_ACTIVE, 10 * M, t0 + 4 * H, NEVER);
	assert_int_equal(s[1].cycles, 2);
	assert_int_equal(s[1].breaches, 1);
	/* 14:00: the second cycle achieved in 20 minutes */
	assert_int_equal(fl_sla_measure(t, 2, NULL, ev, N(ev), t0 + 4 * H, s), 0);
	expect(s[1], FL_SLA_STAGE_ACHIEVED, 20 * M, NEVER, t0 + 200 * M);
	assert_int_equal(s[1].breaches, 1);
	/* the first reply was never in question */
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 10 * M, NEVER, t0 + 10 * M);
}

/* ---- periodic_update_time --------------------------------------------------- */

static void test_periodic_update(void **state)
{
	const int64_t t0 = T0;
	/* agent updates at 10:30 and 12:00; solved 13:00, reopened 15:00, an
	 * update at 16:00 */
	const struct fl_sla_event ev[] = {CREATED(t0, FL_STATUS_NEW),
					  ENDUSER(t0),
					  AGENT(t0 + 30 * M),
					  AGENT(t0 + 2 * H),
					  STATUS(t0 + 3 * H, FL_STATUS_SOLVED),
					  STATUS(t0 + 5 * H, FL_STATUS_OPEN),
					  AGENT(t0 + 6 * H)};
	(void)state;

	expect(one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + 20 * M),
	       FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + H),
	       FL_SLA_STAGE_ACTIVE, 30 * M, t0 + 150 * M, NEVER);
	/* 12:30: the update at 12:00 ended the first cycle and began another */
	struct fl_sla_state s =
		one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + 150 * M);
	expect(s, FL_SLA_STAGE_ACTIVE, 30 * M, t0 + 4 * H, NEVER);
	assert_int_equal(s.cycles, 2);
	/* solved at 13:00: achieved after an hour */
	expect(one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + 4 * H),
	       FL_SLA_STAGE_ACHIEVED, H, NEVER, t0 + 3 * H);
	/* reopened at 15:00 without an update: nothing runs until the next one */
	expect(one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + 5 * H + 30 * M),
	       FL_SLA_STAGE_ACHIEVED, H, NEVER, t0 + 3 * H);
	s = one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, ev, N(ev), t0 + 7 * H);
	expect(s, FL_SLA_STAGE_ACTIVE, H, t0 + 8 * H, NEVER);
	assert_int_equal(s.cycles, 3);

	/* no update after 12:00 and pending at 12:01 (which pauses nothing):
	 * breached at 14:00 */
	const struct fl_sla_event quiet[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					     AGENT(t0 + 30 * M), AGENT(t0 + 2 * H),
					     STATUS(t0 + 2 * H + M, FL_STATUS_PENDING)};
	expect(one(FL_SLA_PERIODIC_UPDATE_TIME, 2 * H, NULL, quiet, N(quiet), t0 + 5 * H),
	       FL_SLA_STAGE_BREACHED, 3 * H, t0 + 4 * H, NEVER);
}

/* ---- the sums: requester wait, agent work, total resolution ----------------- */

static void test_sums(void **state)
{
	const int64_t t0 = T0;
	const struct fl_sla_target t[] = {{FL_SLA_REQUESTER_WAIT_TIME, 4 * H, 0},
					  {FL_SLA_AGENT_WORK_TIME, 4 * H, 0},
					  {FL_SLA_TOTAL_RESOLUTION, 4 * H, 0}};
	/* new 10:00, pending 11:00, open 13:00, on-hold 14:00, solved 15:00,
	 * reopened 18:00. Requester wait counts new, open and on-hold:
	 * 10–11, 13–14, 14–15 = 3 h by the solve. Agent work new and open:
	 * 10–11, 13–14 = 2 h. Total resolution everything unsolved: 10–15. */
	const struct fl_sla_event ev[] = {
		CREATED(t0, FL_STATUS_NEW),         ENDUSER(t0),
		STATUS(t0 + H, FL_STATUS_PENDING),  STATUS(t0 + 3 * H, FL_STATUS_OPEN),
		STATUS(t0 + 4 * H, FL_STATUS_HOLD), STATUS(t0 + 5 * H, FL_STATUS_SOLVED),
		STATUS(t0 + 8 * H, FL_STATUS_OPEN)};
	struct fl_sla_state s[3];
	(void)state;

	/* 12:00, pending: the two waits paused, resolution runs (due 14:00) */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 2 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_PAUSED, H, NEVER, NEVER);
	expect(s[1], FL_SLA_STAGE_PAUSED, H, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_ACTIVE, 2 * H, t0 + 4 * H, NEVER);
	/* 13:30, open: 1 h 30 of each wait, 2 h 30 left: due 16:00 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 3 * H + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACTIVE, 90 * M, t0 + 6 * H, NEVER);
	expect(s[1], FL_SLA_STAGE_ACTIVE, 90 * M, t0 + 6 * H, NEVER);
	expect(s[2], FL_SLA_STAGE_ACTIVE, 3 * H + 30 * M, t0 + 4 * H, NEVER);
	assert_int_equal(fl_sla_next_breach(s, 3), t0 + 4 * H);
	/* 14:30, on-hold: requester wait runs, agent work paused, resolution
	 * breached at 14:00 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 4 * H + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACTIVE, 150 * M, t0 + 6 * H, NEVER);
	expect(s[1], FL_SLA_STAGE_PAUSED, 2 * H, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_BREACHED, 4 * H + 30 * M, t0 + 4 * H, NEVER);
	/* the resolution, late and still running, is the next breach */
	assert_int_equal(fl_sla_next_breach(s, 3), t0 + 4 * H);
	/* 16:00, solved at 15:00 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 6 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 3 * H, NEVER, t0 + 5 * H);
	expect(s[1], FL_SLA_STAGE_ACHIEVED, 2 * H, NEVER, t0 + 5 * H);
	expect(s[2], FL_SLA_STAGE_BREACHED, 5 * H, t0 + 4 * H, t0 + 5 * H);
	assert_int_equal(fl_sla_next_breach(s, 3), NEVER);
	/* 18:30, reopened at 18:00: the sums go on from where they were; the
	 * time solved does not count. Requester wait 3 h 30, due 19:00; agent
	 * work 2 h 30, due 20:00; resolution 5 h 30 */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 8 * H + 30 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACTIVE, 210 * M, t0 + 9 * H, NEVER);
	expect(s[1], FL_SLA_STAGE_ACTIVE, 150 * M, t0 + 10 * H, NEVER);
	expect(s[2], FL_SLA_STAGE_BREACHED, 330 * M, t0 + 4 * H, NEVER);
	assert_int_equal(s[0].cycles, 1);
	/* 19:00: the requester's wait reaches 4 h */
	assert_int_equal(fl_sla_measure(t, 3, NULL, ev, N(ev), t0 + 9 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_BREACHED, 4 * H, t0 + 9 * H, NEVER);
}

/* Pauses that begin and end outside business hours. */
static void test_business_pauses(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv");
	/* Monday 2 March 17:00 Kyiv = 15:00Z, pending 20:00 Kyiv (18:00Z) to
	 * Tuesday 08:00 Kyiv (06:00Z): the pause holds no business time, so 3
	 * business hours are Monday 17–18 and Tuesday 09–11 Kyiv = 09:00Z */
	const int64_t mon = utc(2026, 3, 2, 15, 0, 0);
	const struct fl_sla_event night[] = {CREATED(mon, FL_STATUS_NEW), ENDUSER(mon),
					     STATUS(utc(2026, 3, 2, 18, 0, 0), FL_STATUS_PENDING),
					     STATUS(utc(2026, 3, 3, 6, 0, 0), FL_STATUS_OPEN)};
	(void)state;

	expect(one(FL_SLA_REQUESTER_WAIT_TIME, 3 * H, c, night, N(night),
		   utc(2026, 3, 2, 19, 0, 0)),
	       FL_SLA_STAGE_PAUSED, H, NEVER, NEVER);
	expect(one(FL_SLA_REQUESTER_WAIT_TIME, 3 * H, c, night, N(night), utc(2026, 3, 3, 7, 0, 0)),
	       FL_SLA_STAGE_ACTIVE, H, utc(2026, 3, 3, 9, 0, 0), NEVER);

	/* pending from Monday 17:30 Kyiv (15:30Z) to Tuesday 10:00 Kyiv
	 * (08:00Z): half an hour Monday, then 2 h 30 from 10:00: 12:30 Kyiv =
	 * 10:30Z. At 11:00 Kyiv (09:00Z) 1 h 30 is used. */
	const struct fl_sla_event day[] = {CREATED(mon, FL_STATUS_NEW), ENDUSER(mon),
					   STATUS(utc(2026, 3, 2, 15, 30, 0), FL_STATUS_PENDING),
					   STATUS(utc(2026, 3, 3, 8, 0, 0), FL_STATUS_OPEN)};
	expect(one(FL_SLA_REQUESTER_WAIT_TIME, 3 * H, c, day, N(day), utc(2026, 3, 3, 9, 0, 0)),
	       FL_SLA_STAGE_ACTIVE, 90 * M, utc(2026, 3, 3, 10, 30, 0), NEVER);
	/* on-hold pauses agent work, not the requester's wait: on hold from
	 * Monday 17:30 Kyiv on, agent work has its half hour and no more; on
	 * Tuesday at 09:30 Kyiv (07:30Z) the requester's wait has Monday's hour
	 * and Tuesday's half: 1 h 30 left, due 11:00 Kyiv = 09:00Z */
	const struct fl_sla_event hold[] = {CREATED(mon, FL_STATUS_NEW), ENDUSER(mon),
					    STATUS(utc(2026, 3, 2, 15, 30, 0), FL_STATUS_HOLD)};
	expect(one(FL_SLA_AGENT_WORK_TIME, 3 * H, c, hold, N(hold), utc(2026, 3, 3, 10, 0, 0)),
	       FL_SLA_STAGE_PAUSED, 30 * M, NEVER, NEVER);
	expect(one(FL_SLA_REQUESTER_WAIT_TIME, 3 * H, c, hold, N(hold), utc(2026, 3, 3, 7, 30, 0)),
	       FL_SLA_STAGE_ACTIVE, 90 * M, utc(2026, 3, 3, 9, 0, 0), NEVER);
	fl_bizclock_free(c);
}

/* ---- events at the same second -------------------------------------------- */

static void test_same_second(void **state)
{
	const int64_t t0 = T0;
	const struct fl_sla_target all[] = {
		{FL_SLA_FIRST_REPLY_TIME, H, 0},     {FL_SLA_NEXT_REPLY_TIME, H, 0},
		{FL_SLA_PERIODIC_UPDATE_TIME, H, 0}, {FL_SLA_REQUESTER_WAIT_TIME, H, 0},
		{FL_SLA_AGENT_WORK_TIME, H, 0},      {FL_SLA_TOTAL_RESOLUTION, H, 0}};
	struct fl_sla_state s[6];
	(void)state;

	/* the requester writes and an agent answers in the same second: a
	 * first reply in no time (the requester's comment came first) */
	const struct fl_sla_event quick[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0), AGENT(t0)};
	assert_int_equal(fl_sla_measure(all, 6, NULL, quick, 3, t0 + 10 * M, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 0, NEVER, t0);
	expect(s[1], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_ACTIVE, 10 * M, t0 + H, NEVER);

	/* created and solved in the same second: every metric that started
	 * ended at once, in time */
	const struct fl_sla_event done[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
					    STATUS(t0, FL_STATUS_SOLVED)};
	assert_int_equal(fl_sla_measure(all, 6, NULL, done, 3, t0 + 2 * H, s), 0);
	expect(s[0], FL_SLA_STAGE_ACHIEVED, 0, NEVER, t0);
	expect(s[1], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[2], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	for (int i = 3; i < 6; i++)
		expect(s[i], FL_SLA_STAGE_ACHIEVED, 0, NEVER, t0);

	/* a solved ticket the requester reopens: comment and status change in
	 * the same second, in either order, start the next reply at 12:00 */
	for (int order = 0; order < 2; order++) {
		struct fl_sla_event ev[] = {
			CREATED(t0, FL_STATUS_NEW), ENDUSER(t0),
			AGENT(t0 + 10 * M),         STATUS(t0 + H, FL_STATUS_SOLVED),
			ENDUSER(t0 + 2 * H),        STATUS(t0 + 2 * H, FL_STATUS_OPEN)};
		if (order) {
			struct fl_sla_event x = ev[4];
			ev[4] = ev[5];
			ev[5] = x;
		}
		assert_int_equal(fl_sla_measure(all, 6, NULL, ev, N(ev), t0 + 2 * H + 30 * M, s),
				 0);
		expect(s[1], FL_SLA_STAGE_ACTIVE, 30 * M, t0 + 3 * H, NEVER);
		/* requester wait: 10:00–11:00 then from 12:00: breached at 12:00
		 * exactly */
		expect(s[3], FL_SLA_STAGE_BREACHED, 90 * M, t0 + H, NEVER);
	}

	/* an agent creates a ticket already solved (a call taken care of):
	 * nobody waited, the sums ended at once */
	const struct fl_sla_event call[] = {CREATED(t0, FL_STATUS_SOLVED), AGENT(t0)};
	assert_int_equal(fl_sla_measure(all, 6, NULL, call, 2, t0 + H, s), 0);
	for (int i = 0; i < 3; i++)
		expect(s[i], FL_SLA_STAGE_NONE, 0, NEVER, NEVER);
	expect(s[5], FL_SLA_STAGE_ACHIEVED, 0, NEVER, t0);
}

/* A business-hours target further away than fl_biz_add looks (ten years):
 * a schedule open one hour a week and 600 business hours, measured twelve
 * years on. The span reached the target, so the metric is breached, once,
 * with a breach instant — not active with a negative time left. */
static void test_breach_past_ten_years(void **state)
{
	const struct fl_interval hour[] = {{at(MON, 9, 0), at(MON, 10, 0)}};
	struct fl_bizclock *c = clock_of("Etc/UTC", hour, N(hour));
	const struct fl_sla_event ev[] = {CREATED(T0, FL_STATUS_NEW)};
	int64_t now = T0 + (int64_t)12 * 365 * DAY;
	struct fl_sla_state s = one(FL_SLA_TOTAL_RESOLUTION, 600 * H, c, ev, N(ev), now);
	(void)state;

	assert_int_equal(s.stage, FL_SLA_STAGE_BREACHED);
	assert_true(s.breach_at != NEVER && s.breach_at <= now);
	assert_int_equal(s.breaches, 1);
	assert_true(s.remaining < 0);
	fl_bizclock_free(c);
}
/* ---- the helpers and bad input ---------------------------------------------- */

static void test_next_breach(void **state)
{
	struct fl_sla_state s[4] = {
		{.metric = FL_SLA_FIRST_REPLY_TIME,
		 .stage = FL_SLA_STAGE_BREACHED,
		 .breach_at = 100,
		 .achieved_at = 150,
		 .breaches = 1},
		{.metric = FL_SLA_NEXT_REPLY_TIME, .stage = FL_SLA_STAGE_ACTIVE, .breach_at = 500},
		{.metric = FL_SLA_AGENT_WORK_TIME,
		 .stage = FL_SLA_STAGE_PAUSED,
		 .breach_at = NEVER},
		{.metric = FL_SLA_TOTAL_RESOLUTION,
		 .stage = FL_SLA_STAGE_ACTIVE,
		 .breach_at = 300}};
	(void)state;

	/* a breach answered since is not next; the paused one is not due */
	assert_int_equal(fl_sla_next_breach(s, 4), 300);
	assert_int_equal(fl_sla_next_breach(s, 1), NEVER);
	assert_int_equal(fl_sla_next_breach(s, 0), NEVER);
	/* one late and still unanswered comes first */
	s[0].achieved_at = NEVER;
	assert_int_equal(fl_sla_next_breach(s, 4), 100);
}

static void test_rejects(void **state)
{
	struct fl_bizclock *c = office("Europe/Kyiv");
	const int64_t t0 = T0;
	const struct fl_sla_event ok[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0)};
	const struct fl_sla_event backwards[] = {CREATED(t0, FL_STATUS_NEW), ENDUSER(t0 + 10),
						 AGENT(t0 + 9)};
	const struct fl_sla_event no_creation[] = {ENDUSER(t0), AGENT(t0 + 9)};
	const struct fl_sla_event twice[] = {CREATED(t0, FL_STATUS_NEW),
					     CREATED(t0 + 1, FL_STATUS_NEW)};
	const struct fl_sla_event status[] = {CREATED(t0, FL_STATUS_NEW),
					      STATUS(t0 + 1, FL_STATUS__MAX)};
	const struct fl_sla_event kind[] = {CREATED(t0, FL_STATUS_NEW),
					    {t0 + 1, FL_SLA_KIND__MAX, 0}};
	const struct fl_sla_target one_h = {FL_SLA_FIRST_REPLY_TIME, H, 0};
	const struct fl_sla_target biz = {FL_SLA_FIRST_REPLY_TIME, H, 1};
	const struct fl_sla_target zero = {FL_SLA_FIRST_REPLY_TIME, 0, 0};
	const struct fl_sla_target absurd = {FL_SLA_FIRST_REPLY_TIME, FL_SLA_TARGET_MAX + 1, 0};
	const struct fl_sla_target longest = {FL_SLA_FIRST_REPLY_TIME, FL_SLA_TARGET_MAX, 0};
	const struct fl_sla_target metric = {FL_SLA_METRIC__MAX, H, 0};
	const struct fl_sla_target dup[] = {{FL_SLA_AGENT_WORK_TIME, H, 0},
					    {FL_SLA_AGENT_WORK_TIME, 2 * H, 0}};
	const struct fl_sla_target seven[7] = {{0, H, 0}, {1, H, 0}, {2, H, 0}, {3, H, 0},
					       {4, H, 0}, {5, H, 0}, {0, H, 0}};
	struct fl_sla_state s[7], untouched;
	(void)state;

	memset(&untouched, 0x5a, sizeof untouched);
	s[0] = untouched;
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, backwards, 3, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, no_creation, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, twice, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, status, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, kind, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, ok, 0, t0 + H, s), FL_EINVAL);
	/* events after now are checked too */
	assert_int_equal(fl_sla_measure(&one_h, 1, NULL, backwards, 3, t0, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&biz, 1, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&zero, 1, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&absurd, 1, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(&metric, 1, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(dup, 2, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_int_equal(fl_sla_measure(seven, 7, NULL, ok, 2, t0 + H, s), FL_EINVAL);
	assert_memory_equal(&s[0], &untouched, sizeof untouched);
	/* six distinct ones are fine, and so is the clock for a business target */
	assert_int_equal(fl_sla_measure(seven, 6, NULL, ok, 2, t0 + H, s), 0);
	assert_int_equal(fl_sla_measure(&biz, 1, c, ok, 2, t0 + H, s), 0);
	/* ten years of calendar time: due ten years after the ticket came */
	assert_int_equal(fl_sla_measure(&longest, 1, NULL, ok, 2, t0 + H, s), 0);
	assert_int_equal(s[0].breach_at, t0 + FL_SLA_TARGET_MAX);
	fl_bizclock_free(c);
}

/* ---- property: against a minute-by-minute replay ------------------------------
 *
 * The reference reads the definitions of clock.h event by event (what each
 * kind of event does to each metric) and counts time one minute at a time:
 * a minute counts when the metric runs in it and, for business hours, the
 * schedule is open at its start (exact for minute-aligned schedules in
 * whole-hour zones). A target is breached at the end of the minute that
 * brings it to its target; for a metric still running at `now` the replay
 * goes on past now, with no more events, to find that minute. Timelines,
 * now and targets are whole minutes, events often share one. */

struct ref {
	int cycles, breaches, on, counting;
	int64_t used, breach, ended;
};

struct ref_ticket {
	int status, owed, due, replies;
};

static void ref_start(struct ref *r, int counting)
{
	r->cycles++;
	r->on = 1;
	r->counting = counting;
	r->used = 0;
	r->breach = NEVER;
	r->ended = NEVER;
}

static void ref_end(struct ref *r, int64_t at)
{
	if (!r->on)
		return;
	r->on = 0;
	r->counting = 0;
	r->ended = at;
}

static int ref_counts(int metric, int status)
{
	if (metric == FL_SLA_REQUESTER_WAIT_TIME)
		return status == FL_STATUS_NEW || status == FL_STATUS_OPEN ||
		       status == FL_STATUS_HOLD;
	if (metric == FL_SLA_AGENT_WORK_TIME)
		return status == FL_STATUS_NEW || status == FL_STATUS_OPEN;
	return status != FL_STATUS_SOLVED && status != FL_STATUS_CLOSED;
}

static int is_sum(int metric)
{
	return metric >= FL_SLA_REQUESTER_WAIT_TIME;
}

/* A reply becomes owed at `at`: the first time it is the first reply's
 * wait, after that a next reply's. */
static void ref_begin_wait(struct ref_ticket *k, const struct fl_sla_target *t, size_t n,
			   struct ref *r)
{
	k->replies++;
	for (size_t j = 0; j < n; j++)
		if ((t[j].metric == FL_SLA_FIRST_REPLY_TIME && k->replies == 1) ||
		    (t[j].metric == FL_SLA_NEXT_REPLY_TIME && k->replies > 1))
			ref_start(&r[j], 1);
}

static void ref_event(struct ref_ticket *k, const struct fl_sla_event *e, int agent_opened,
		      const struct fl_sla_target *t, size_t n, struct ref *r)
{
	int open_before = k->status < FL_STATUS_SOLVED;

	if (e->kind == FL_SLA_CREATED) {
		k->status = e->status;
		for (size_t j = 0; j < n; j++)
			if (is_sum(t[j].metric)) {
				ref_start(&r[j], ref_counts(t[j].metric, e->status));
				if (e->status >= FL_STATUS_SOLVED)
					ref_end(&r[j], e->at);
			}
		k->owed = !agent_opened;
		if (k->owed && e->status < FL_STATUS_SOLVED)
			ref_begin_wait(k, t, n, r);
	} else if (e->kind == FL_SLA_REQUESTER_COMMENT) {
		if (!k->owed && open_before)
			ref_begin_wait(k, t, n, r);
		k->owed = 1;
	} else if (e->kind == FL_SLA_AGENT_COMMENT) {
		for (size_t j = 0; j < n; j++) {
			int m = t[j].metric;
			if (!open_before)
				continue;
			if (m == FL_SLA_FIRST_REPLY_TIME || m == FL_SLA_NEXT_REPLY_TIME)
				ref_end(&r[j], e->at);
			if (m == FL_SLA_PERIODIC_UPDATE_TIME) {
				ref_end(&r[j], e->at);
				ref_start(&r[j], 1);
			}
		}
		k->owed = 0;
		k->due = 1;
	} else if (open_before && e->status >= FL_STATUS_SOLVED) {
		k->status = e->status;
		for (size_t j = 0; j < n; j++)
			ref_end(&r[j], e->at);
		k->owed = 0;
		k->due = 0;
	} else if (!open_before && e->status < FL_STATUS_SOLVED) {
		k->status = e->status;
		for (size_t j = 0; j < n; j++) {
			if (is_sum(t[j].metric)) {
				r[j].on = 1;
				r[j].ended = NEVER;
				r[j].counting = ref_counts(t[j].metric, e->status);
			} else if (t[j].metric == FL_SLA_PERIODIC_UPDATE_TIME && k->due) {
				ref_start(&r[j], 1);
			}
		}
		if (k->owed)
			ref_begin_wait(k, t, n, r);
	} else {
		k->status = e->status;
		for (size_t j = 0; j < n; j++)
			if (is_sum(t[j].metric) && r[j].on)
				r[j].counting = ref_counts(t[j].metric, e->status);
	}
}

/* Counts minute [m, m + 60) into r. */
static void ref_minute(struct ref *r, const struct fl_sla_target *t, const struct fl_bizclock *c,
		       int64_t m)
{
	if (!r->counting || (t->business_hours && !fl_biz_open(c, m)))
		return;
	r->used += 60;
	if (r->breach == NEVER && r->used >= t->target_seconds) {
		r->breach = m + 60;
		r->breaches++;
	}
}

#define REF_AHEAD (40 * DAY)

static void ref_measure(const struct fl_sla_target *t, size_t n, const struct fl_bizclock *c,
			const struct fl_sla_event *ev, size_t nev, int64_t now,
			struct fl_sla_state *out)
{
	struct ref r[FL_SLA_METRIC__MAX] = {0};
	struct ref_ticket k = {0};
	int agent_opened = 0;
	size_t i = 0;
	int64_t m;

	for (size_t j = 0; j < n; j++)
		r[j].breach = r[j].ended = NEVER;
	for (size_t e = 1; e < nev && ev[e].at == ev[0].at; e++)
		if (ev[e].kind == FL_SLA_AGENT_COMMENT || ev[e].kind == FL_SLA_REQUESTER_COMMENT) {
			agent_opened = ev[e].kind == FL_SLA_AGENT_COMMENT;
			break;
		}
	for (m = ev[0].at; m < now; m += 60) {
		for (; i < nev && ev[i].at == m; i++)
			ref_event(&k, &ev[i], agent_opened, t, n, r);
		for (size_t j = 0; j < n; j++)
			ref_minute(&r[j], &t[j], c, m);
	}
	for (; i < nev && ev[i].at == now; i++)
		ref_event(&k, &ev[i], agent_opened, t, n, r);
	for (size_t j = 0; j < n; j++) {
		struct fl_sla_state *s = &out[j];
		*s = (struct fl_sla_state){.metric = t[j].metric,
					   .target_seconds = t[j].target_seconds,
					   .used = r[j].used,
					   .remaining = t[j].target_seconds - r[j].used,
					   .breach_at = r[j].breach,
					   .achieved_at = r[j].ended,
					   .cycles = r[j].cycles,
					   .breaches = r[j].breaches};
		if (!r[j].cycles) {
			s->stage = FL_SLA_STAGE_NONE;
			s->achieved_at = NEVER;
		} else if (r[j].breach != NEVER) {
			s->stage = FL_SLA_STAGE_BREACHED;
		} else if (!r[j].on) {
			s->stage = FL_SLA_STAGE_ACHIEVED;
		} else if (!r[j].counting) {
			s->stage = FL_SLA_STAGE_PAUSED;
		} else {
			/* nothing happens after now: run on until the target */
			struct ref ahead = r[j];
			s->stage = FL_SLA_STAGE_ACTIVE;
			for (int64_t f = now; ahead.breach == NEVER && f < now + REF_AHEAD; f += 60)
				ref_minute(&ahead, &t[j], c, f);
			assert_true(ahead.breach != NEVER);
			s->breach_at = ahead.breach;
		}
	}
}

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

static int random_status(void)
{
	static const int s[] = {FL_STATUS_NEW,     FL_STATUS_OPEN,  FL_STATUS_OPEN,
				FL_STATUS_PENDING, FL_STATUS_HOLD,  FL_STATUS_SOLVED,
				FL_STATUS_SOLVED,  FL_STATUS_CLOSED};
	return s[below(N(s))];
}

/* A ticket's timeline over up to three days from created, in whole
 * minutes, often several events in one minute. */
static size_t random_timeline(struct fl_sla_event *ev, int64_t created)
{
	size_t n = 0, want = 1 + (size_t)below(20);
	int64_t t = created;

	ev[n++] = (struct fl_sla_event){created, FL_SLA_CREATED,
					below(6) ? (int)below(FL_STATUS_SOLVED) : random_status()};
	if (below(3))
		ev[n++] = (struct fl_sla_event){created, below(3) ? FL_SLA_REQUESTER_COMMENT
								  : FL_SLA_AGENT_COMMENT};
	while (n < want) {
		int64_t kind = below(10);
		if (below(3))
			t += 60 * below(below(2) ? 120 : 1440);
		if (kind < 4)
			ev[n++] = (struct fl_sla_event){t, FL_SLA_REQUESTER_COMMENT, 0};
		else if (kind < 7)
			ev[n++] = (struct fl_sla_event){t, FL_SLA_AGENT_COMMENT, 0};
		else
			ev[n++] = (struct fl_sla_event){t, FL_SLA_STATUS, random_status()};
	}
	return n;
}

static void test_property_against_minutes(void **state)
{
	struct fl_interval night[5];
	const struct fl_interval all_week[] = {{0, FL_WEEK_MINUTES}};
	struct fl_bizclock *clocks[4];
	(void)state;

	for (int d = MON; d <= FRI; d++)
		night[d - MON] = (struct fl_interval){at(d, 22, 0), at(d + 1, 6, 0)};
	clocks[0] = office("Europe/Kyiv");
	clocks[1] = office("Europe/Vilnius");
	clocks[2] = clock_of("Europe/Kyiv", night, 5);
	clocks[3] = clock_of("Europe/Kyiv", all_week, 1);
	rng_state = 20261207;
	for (int round = 0; round < 1000; round++) {
		struct fl_sla_event ev[24];
		struct fl_sla_target t[FL_SLA_METRIC__MAX];
		struct fl_sla_state got[FL_SLA_METRIC__MAX], want[FL_SLA_METRIC__MAX];
		const struct fl_bizclock *c = clocks[below(4)];
		size_t n = 0, nev;
		int64_t created, now;

		/* half of the tickets around the nights the clocks change */
		if (below(2))
			created = below(2) ? utc(2026, 3, 24, 0, 0, 0) : utc(2026, 10, 20, 0, 0, 0);
		else
			created = utc(2026, 1, 1, 0, 0, 0) + below(360) * DAY;
		created += 60 * below(7 * 1440);
		nev = random_timeline(ev, created);
		now = created + 60 * (below(8) ? below(4 * 1440) : -below(60));
		if (!below(4))
			now = ev[below((int64_t)nev)].at;
		for (int metric = 0; metric < FL_SLA_METRIC__MAX; metric++)
			if (below(4))
				t[n++] = (struct fl_sla_target){metric, 60 * (1 + below(600)),
								(int)below(2)};
		assert_int_equal(fl_sla_measure(t, n, c, ev, nev, now, got), 0);
		ref_measure(t, n, c, ev, nev, now, want);
		for (size_t j = 0; j < n; j++)
			if (memcmp(&got[j], &want[j], sizeof got[j]))
				fail_msg(
					"round %d, metric %d: stage %d/%d used %lld/%lld breach_at "
					"%lld/%lld achieved_at %lld/%lld cycles %d/%d breaches %d/%d "
					"(got/want)",
					round, t[j].metric, got[j].stage, want[j].stage,
					(long long)got[j].used, (long long)want[j].used,
					(long long)got[j].breach_at, (long long)want[j].breach_at,
					(long long)got[j].achieved_at,
					(long long)want[j].achieved_at, got[j].cycles,
					want[j].cycles, got[j].breaches, want[j].breaches);
	}
	for (int i = 0; i < 4; i++)
		fl_bizclock_free(clocks[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_reply_calendar),
		cmocka_unit_test(test_first_reply_business),
		cmocka_unit_test(test_weekend_and_dst),
		cmocka_unit_test(test_agent_created),
		cmocka_unit_test(test_next_reply_cycles),
		cmocka_unit_test(test_periodic_update),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_business_pauses),
		cmocka_unit_test(test_same_second),
		cmocka_unit_test(test_next_breach),
		cmocka_unit_test(test_breach_past_ten_years),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_property_against_minutes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
