/* Unit tests for src/sla/simulate.c: the what-if replay (simulate.h), with
 * hand-made tickets, policies and schedules; every instant worked out in
 * the comment beside it. T0 is Monday 2 March 2026 10:00 UTC; every replay
 * is measured at NOW, Friday 6 March 2026 12:00 UTC, when every ticket
 * here has ended its first reply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sla/simulate.h"
#include "sla/ticket_sla.h"
#include "unit.h"

#define M 60
#define H 3600
#define N(a) (sizeof(a) / sizeof *(a))
#define T0 utc(2026, 3, 2, 10, 0, 0)
#define NOW utc(2026, 3, 6, 12, 0, 0)

#define CREATE(t)                                      \
	{                                              \
		(t), FL_EVENT_CREATE, (char *)"new", 0 \
	}
#define COMMENT(t, role)                            \
	{                                           \
		(t), FL_EVENT_COMMENT, NULL, (role) \
	}

/* Tickets answered `reply` seconds after they were opened at `at`, by the
 * requester's comment at creation and an agent's after. */
struct answered {
	struct fl_ticket t;
	struct fl_store_sla_step st[3];
};

static void answer(struct answered *x, int64_t id, int64_t at, int64_t reply, const char *tag)
{
	*x = (struct answered){.t = {.id = id,
				     .subject = (char *)"Where is my parcel?",
				     .status = FL_STATUS_OPEN,
				     .priority = FL_PRIORITY_URGENT,
				     .channel = FL_CHANNEL_EMAIL,
				     .group_id = id % 2 ? 7 : 0,
				     .created_at = at}};
	x->t.tags[0] = (char *)tag;
	x->t.ntags = tag ? 1 : 0;
	x->st[0] = (struct fl_store_sla_step)CREATE(at);
	x->st[1] = (struct fl_store_sla_step)COMMENT(at, FL_ROLE_END_USER);
	x->st[2] = (struct fl_store_sla_step)COMMENT(at + reply, FL_ROLE_AGENT);
}

static struct fl_sim_ticket sim_ticket(const struct answered *x)
{
	return (struct fl_sim_ticket){&x->t, {0}, x->st, N(x->st), 0};
}

/* A policy of one urgent first-reply target, for the tickets tagged tag
 * (NULL: every ticket). */
static struct fl_sla_policy policy(int64_t id, int64_t position, const char *tag, int64_t minutes,
				   int business_hours, fl_arena *a)
{
	struct fl_sla_policy p = {.id = id, .title = (char *)"p", .position = position};
	char json[128];
	struct fl_err e;

	snprintf(json, sizeof json,
		 tag ? "{\"all\":[{\"field\":\"tags\",\"operator\":\"includes\",\"value\":\"%s\"}]}"
		     : "{}",
		 tag);
	assert_int_equal(fl_sla_filter_parse(json, a, &p.filter, &e), 0);
	p.metrics = fl_arena_alloc(a, sizeof *p.metrics);
	p.metrics[0] = (struct fl_sla_policy_metric){FL_PRIORITY_URGENT, FL_SLA_FIRST_REPLY_TIME,
						     minutes, business_hours};
	p.nmetrics = 1;
	return p;
}

/* Replays tickets[0..n) and leaves the results in s, the shares by group
 * in groups (in a) when it is not NULL. */
static void replay_by(const struct fl_sim_input *in, const struct fl_sim_ticket *tickets, size_t n,
		      fl_arena *a, struct fl_sim *s, struct fl_sim_share **groups, size_t *ngroups)
{
	fl_arena scratch;

	fl_arena_init(&scratch, 0);
	assert_int_equal(fl_sim_begin(s, in, a), 0);
	/* in two batches, as the endpoint feeds it */
	assert_int_equal(fl_sim_add(s, tickets, n / 2, &scratch), 0);
	assert_int_equal(fl_sim_add(s, tickets + n / 2, n - n / 2, &scratch), 0);
	if (groups)
		assert_int_equal(fl_sim_shares(s, FL_SIM_BY_GROUP, a, groups, ngroups), 0);
	fl_sim_end(s);
	fl_arena_free(&scratch);
}

static void replay(const struct fl_sim_input *in, const struct fl_sim_ticket *tickets, size_t n,
		   fl_arena *a, struct fl_sim *s)
{
	replay_by(in, tickets, n, a, s, NULL, NULL);
}

static int flipped(const struct fl_sim *s, int64_t id)
{
	for (size_t i = 0; i < s->nflips; i++)
		if (s->flips[i].ticket_id == id)
			return 1;
	return 0;
}

static void test_tighter_target_flips_the_slow_ones(void **state)
{
	/* replies after 30 minutes, 90 minutes and 3 hours; a 4 h target met
	 * by all three, a 1 h one by the first alone */
	struct answered x[3];
	struct fl_sim_ticket tk[3];
	struct fl_sla_policy cur, tighter;
	struct fl_sim_share *g;
	size_t ng;
	struct fl_sim s;
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	answer(&x[0], 1, T0, 30 * M, "vip");
	answer(&x[1], 2, T0, 90 * M, "vip");
	answer(&x[2], 3, T0, 3 * H, "vip");
	for (int i = 0; i < 3; i++)
		tk[i] = sim_ticket(&x[i]);
	cur = policy(10, 1, "vip", 240, 0, &a);
	tighter = policy(10, 1, "vip", 60, 0, &a);
	replay_by(&(struct fl_sim_input){&cur, 1, &tighter, NULL, 0, NULL, NOW}, tk, 3, &a, &s, &g,
		  &ng);

	assert_int_equal(s.tickets, 3);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].measured, 3);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_before, 0);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_after, 2);
	assert_int_equal(s.metrics[FL_SLA_TOTAL_RESOLUTION].measured, 0);
	assert_int_equal(s.flips_count, 2);
	assert_false(flipped(&s, 1));
	assert_true(flipped(&s, 2));
	assert_true(flipped(&s, 3));
	assert_int_equal(s.flips[0].before, FL_SIM_ACHIEVED);
	assert_int_equal(s.flips[0].after, FL_SIM_BREACHED);
	assert_string_equal(s.flips[0].subject, "Where is my parcel?");
	assert_int_equal(s.no_promise_before + s.no_promise_after, 0);

	/* compliance: group 7 holds tickets 1 and 3, none holds ticket 2 */
	assert_int_equal(ng, 2);
	assert_int_equal(g[0].id, 0);
	assert_int_equal(g[0].tickets, 1);
	assert_int_equal(g[0].achieved_before, 1);
	assert_int_equal(g[0].breached_after, 1);
	assert_int_equal(g[1].id, 7);
	assert_int_equal(g[1].tickets, 2);
	assert_int_equal(g[1].achieved_after, 1);
	assert_int_equal(g[1].breached_after, 1);

	/* the same target again flips nothing */
	replay(&(struct fl_sim_input){&cur, 1, &cur, NULL, 0, NULL, NOW}, tk, 3, &a, &s);
	assert_int_equal(s.flips_count, 0);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_after, 0);
	fl_arena_free(&a);
}

/* Monday to Friday, 09:00 to 18:00 UTC. */
static struct fl_interval office[] = {{1 * 1440 + 540, 1 * 1440 + 1080},
				      {2 * 1440 + 540, 2 * 1440 + 1080},
				      {3 * 1440 + 540, 3 * 1440 + 1080},
				      {4 * 1440 + 540, 4 * 1440 + 1080},
				      {5 * 1440 + 540, 5 * 1440 + 1080}};
/* The same with Monday until 23:00. */
static struct fl_interval late[] = {{1 * 1440 + 540, 1 * 1440 + 1380},
				    {2 * 1440 + 540, 2 * 1440 + 1080},
				    {3 * 1440 + 540, 3 * 1440 + 1080},
				    {4 * 1440 + 540, 4 * 1440 + 1080},
				    {5 * 1440 + 540, 5 * 1440 + 1080}};

static void test_schedule_change_flips_business_hours(void **state)
{
	/* opened Monday 17:30, answered Tuesday 09:15: 45 business minutes in
	 * office hours (30 + 15), met; open until 23:00 on Mondays, 5 h 30 +
	 * 15 minutes, breached. The calendar policy's ticket breached 1 h
	 * either way: no flip. A holiday on Tuesday, proposed too, changes
	 * nothing more. */
	int64_t opened = utc(2026, 3, 2, 17, 30, 0);
	int64_t answered_at = utc(2026, 3, 3, 9, 15, 0);
	struct answered biz, cal;
	struct fl_sim_ticket tk[2];
	struct fl_sla_policy cur[2];
	struct fl_schedule sched = {.id = 4,
				    .name = (char *)"Office",
				    .time_zone = (char *)"Etc/UTC",
				    .intervals = office,
				    .nintervals = N(office)};
	struct fl_schedule proposed = sched;
	struct fl_sim s;
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	answer(&biz, 1, opened, answered_at - opened, "biz");
	answer(&cal, 2, opened, answered_at - opened, "cal");
	tk[0] = sim_ticket(&biz);
	tk[1] = sim_ticket(&cal);
	cur[0] = policy(10, 1, "biz", 60, 1, &a);
	cur[1] = policy(11, 2, "cal", 60, 0, &a);
	proposed.intervals = late;

	replay(&(struct fl_sim_input){cur, 2, NULL, &sched, 1, &proposed, NOW}, tk, 2, &a, &s);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_before, 1);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_after, 2);
	assert_int_equal(s.flips_count, 1);
	assert_int_equal(s.flips[0].ticket_id, 1);
	assert_int_equal(s.flips[0].before, FL_SIM_ACHIEVED);
	assert_int_equal(s.flips[0].after, FL_SIM_BREACHED);

	/* a policy with schedule_id 0 counts in the desk's first schedule:
	 * the proposal over it flips it the same way */
	cur[0].schedule_id = 0;
	replay(&(struct fl_sim_input){cur, 2, NULL, &sched, 1, &proposed, NOW}, tk, 2, &a, &s);
	assert_int_equal(s.flips_count, 1);
	/* a proposal over another schedule flips nothing */
	proposed.id = 5;
	replay(&(struct fl_sim_input){cur, 2, NULL, &sched, 1, &proposed, NOW}, tk, 2, &a, &s);
	assert_int_equal(s.flips_count, 0);
	/* and with no schedule at all the business-hours target is not promised */
	replay(&(struct fl_sim_input){cur, 2, NULL, NULL, 0, NULL, NOW}, tk, 2, &a, &s);
	assert_int_equal(s.no_promise_before, 1);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].measured, 1);
	fl_arena_free(&a);
}

static void test_no_policy_is_no_promise(void **state)
{
	/* one ticket no policy matches either way; one the proposal, added
	 * first, newly promises (and breaches: 3 h for 1 h); one the policy
	 * put last would have taken, had the first not */
	struct answered x[3];
	struct fl_sim_ticket tk[3];
	struct fl_sla_policy cur, added, last;
	struct fl_sim s;
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	answer(&x[0], 1, T0, 3 * H, "other");
	answer(&x[1], 2, T0, 3 * H, "new");
	answer(&x[2], 3, T0, 3 * H, "vip");
	for (int i = 0; i < 3; i++)
		tk[i] = sim_ticket(&x[i]);
	cur = policy(10, 1, "vip", 600, 0, &a);
	added = policy(0, 1, "new", 60, 0, &a);
	replay(&(struct fl_sim_input){&cur, 1, &added, NULL, 0, NULL, NOW}, tk, 3, &a, &s);
	assert_int_equal(s.no_promise_before, 2);
	assert_int_equal(s.no_promise_after, 1);
	assert_int_equal(s.flips_count, 1);
	assert_int_equal(s.flips[0].ticket_id, 2);
	assert_int_equal(s.flips[0].before, FL_SIM_NONE);
	assert_int_equal(s.flips[0].after, FL_SIM_BREACHED);

	/* a catch-all added at position 1 takes the vip ticket from its
	 * policy; added past the end it takes only what nothing else does */
	last = policy(0, 1, NULL, 60, 0, &a);
	replay(&(struct fl_sim_input){&cur, 1, &last, NULL, 0, NULL, NOW}, tk, 3, &a, &s);
	assert_int_equal(s.flips_count, 3);
	assert_int_equal(s.no_promise_after, 0);
	last.position = 99;
	replay(&(struct fl_sim_input){&cur, 1, &last, NULL, 0, NULL, NOW}, tk, 3, &a, &s);
	assert_int_equal(s.flips_count, 2);
	assert_false(flipped(&s, 3));
	fl_arena_free(&a);
}

static void test_unmeasurable_left_out(void **state)
{
	/* a timeline cut at the cap, and one naming a status that does not
	 * exist, are counted apart and nowhere else */
	struct answered x[3];
	struct fl_sim_ticket tk[3];
	struct fl_sla_policy cur, tighter;
	struct fl_sim s;
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	for (int i = 0; i < 3; i++) {
		answer(&x[i], i + 1, T0, 3 * H, NULL);
		tk[i] = sim_ticket(&x[i]);
	}
	tk[1].truncated = 1;
	x[2].st[0].status = (char *)"lost";
	cur = policy(10, 1, NULL, 600, 0, &a);
	tighter = policy(10, 1, NULL, 60, 0, &a);
	replay(&(struct fl_sim_input){&cur, 1, &tighter, NULL, 0, NULL, NOW}, tk, 3, &a, &s);
	assert_int_equal(s.tickets, 3);
	assert_int_equal(s.unmeasured, 2);
	assert_int_equal(s.flips_count, 1);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].measured, 1);
	fl_arena_free(&a);
}

static void test_same_as_the_live_clock(void **state)
{
	/* the replay's "before" is what fl_ticket_sla_measure says of each
	 * ticket, business hours included, for replies from 5 minutes to 2
	 * days after, opened at every hour of a week */
	struct fl_schedule sched = {.id = 4,
				    .name = (char *)"Office",
				    .time_zone = (char *)"Europe/Kyiv",
				    .intervals = office,
				    .nintervals = N(office)};
	struct fl_sla_policy cur[2];
	struct answered x[168];
	struct fl_sim_ticket tk[168];
	int64_t live_breached = 0, live_measured = 0;
	struct fl_sim s;
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	cur[0] = policy(10, 1, "biz", 120, 1, &a);
	cur[1] = policy(11, 2, NULL, 240, 0, &a);
	for (int i = 0; i < 168; i++) {
		struct fl_ticket_sla out;
		answer(&x[i], i + 1, T0 - 7 * 24 * H + i * H, (5 + (i * 37) % (48 * 60)) * M,
		       i % 2 ? "biz" : NULL);
		tk[i] = sim_ticket(&x[i]);
		assert_int_equal(fl_ticket_sla_measure(&x[i].t, &cur[i % 2 ? 0 : 1], &sched,
						       x[i].st, N(x[i].st), NOW, &a, &out),
				 0);
		for (size_t k = 0; k < out.n; k++) {
			live_measured++;
			live_breached += out.metrics[k].stage == FL_SLA_STAGE_BREACHED;
		}
	}
	replay(&(struct fl_sim_input){cur, 2, NULL, &sched, 1, NULL, NOW}, tk, 168, &a, &s);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].measured_before, live_measured);
	assert_int_equal(s.metrics[FL_SLA_FIRST_REPLY_TIME].breached_before, live_breached);
	assert_true(live_breached > 10 && live_breached < 158);
	assert_int_equal(s.flips_count, 0);
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tighter_target_flips_the_slow_ones),
		cmocka_unit_test(test_schedule_change_flips_business_hours),
		cmocka_unit_test(test_no_policy_is_no_promise),
		cmocka_unit_test(test_unmeasurable_left_out),
		cmocka_unit_test(test_same_as_the_live_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
