/* Unit tests for src/sla/ticket_sla.c: a ticket's SLA state from its
 * audits' steps, a policy and a schedule (ticket_sla.h), with hand-made
 * inputs and every expected instant worked out in the comment beside it.
 * T0 is Monday 2 March 2026 10:00 UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <time.h>

#include "sla/ticket_sla.h"
#include "unit.h"

#define M 60
#define H 3600
#define NEVER FL_SLA_NEVER
#define N(a) (sizeof(a) / sizeof *(a))

#define T0 utc(2026, 3, 2, 10, 0, 0)

#define CREATE(t, s)                                 \
	{                                            \
		(t), FL_EVENT_CREATE, (char *)(s), 0 \
	}
#define CHANGE(t, s)                                 \
	{                                            \
		(t), FL_EVENT_CHANGE, (char *)(s), 0 \
	}
#define COMMENT(t, role)                            \
	{                                           \
		(t), FL_EVENT_COMMENT, NULL, (role) \
	}

/* Urgent: first reply in 60 minutes and the requester's wait in 120, in
 * calendar time; high: first reply in 60 business minutes. */
static const struct fl_sla_policy_metric targets[] = {
	{FL_PRIORITY_HIGH, FL_SLA_FIRST_REPLY_TIME, 60, 1},
	{FL_PRIORITY_URGENT, FL_SLA_FIRST_REPLY_TIME, 60, 0},
	{FL_PRIORITY_URGENT, FL_SLA_REQUESTER_WAIT_TIME, 120, 0},
};
static const struct fl_sla_policy policy = {.id = 7,
					    .title = "Urgent",
					    .metrics = (struct fl_sla_policy_metric *)targets,
					    .nmetrics = N(targets)};

/* Monday to Friday 09:00–18:00 UTC. */
static struct fl_interval office[] = {{1 * 1440 + 540, 1 * 1440 + 1080},
				      {2 * 1440 + 540, 2 * 1440 + 1080},
				      {3 * 1440 + 540, 3 * 1440 + 1080},
				      {4 * 1440 + 540, 4 * 1440 + 1080},
				      {5 * 1440 + 540, 5 * 1440 + 1080}};
static const struct fl_schedule schedule = {.id = 1,
					    .name = "Office",
					    .time_zone = "Etc/UTC",
					    .intervals = office,
					    .nintervals = N(office)};

static struct fl_ticket ticket(int priority, int status)
{
	return (struct fl_ticket){
		.id = 1, .priority = priority, .status = status, .created_at = T0};
}

/* Measures and returns the state of metric m (stage NONE when it is not
 * reported). */
static struct fl_sla_state measure(const struct fl_ticket *t, const struct fl_sla_policy *p,
				   const struct fl_schedule *s, const struct fl_store_sla_step *st,
				   size_t n, int64_t now, int m, struct fl_ticket_sla *out)
{
	fl_arena a;
	struct fl_sla_state none = {.metric = m, .stage = FL_SLA_STAGE_NONE};

	fl_arena_init(&a, 0);
	assert_int_equal(fl_ticket_sla_measure(t, p, s, st, n, now, &a, out), 0);
	fl_arena_free(&a);
	for (size_t i = 0; i < out->n; i++)
		if (out->metrics[i].metric == m)
			return out->metrics[i];
	return none;
}

static void test_no_policy_no_metrics(void **state)
{
	struct fl_ticket t = ticket(FL_PRIORITY_URGENT, FL_STATUS_NEW);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {CREATE(T0, "new"), COMMENT(T0, FL_ROLE_END_USER)};
	(void)state;

	measure(&t, NULL, NULL, st, N(st), T0 + M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_null(s.policy);
	assert_int_equal(s.n, 0);
	/* a policy with no target at the ticket's priority applies no SLA */
	t.priority = FL_PRIORITY_LOW;
	measure(&t, &policy, &schedule, st, N(st), T0 + M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_null(s.policy);
	assert_int_equal(s.n, 0);
}

static void test_first_reply_active_then_achieved(void **state)
{
	struct fl_ticket t = ticket(FL_PRIORITY_URGENT, FL_STATUS_OPEN);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {
		CREATE(T0, "new"), COMMENT(T0, FL_ROLE_END_USER), CHANGE(T0 + 10 * M, "open"),
		COMMENT(T0 + 20 * M, FL_ROLE_AGENT) /* an agent's public reply */
	};
	struct fl_sla_state m;
	(void)state;

	/* at 10:15 the reply is not seen yet: due at 11:00, 45 minutes left */
	m = measure(&t, &policy, NULL, st, N(st), T0 + 15 * M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_ptr_equal(s.policy, &policy);
	assert_int_equal(m.stage, FL_SLA_STAGE_ACTIVE);
	assert_int_equal(m.breach_at, T0 + H);
	assert_int_equal(m.remaining, 45 * M);
	/* at 10:30 it was answered at 10:20 */
	m = measure(&t, &policy, NULL, st, N(st), T0 + 30 * M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_ACHIEVED);
	assert_int_equal(m.breach_at, NEVER);
	assert_int_equal(m.achieved_at, T0 + 20 * M);
	/* the requester still waits (open): due at 12:00 */
	m = measure(&t, &policy, NULL, st, N(st), T0 + 30 * M, FL_SLA_REQUESTER_WAIT_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_ACTIVE);
	assert_int_equal(m.breach_at, T0 + 2 * H);
	assert_int_equal(s.n, 2);
}

static void test_agent_opened_ticket_owes_no_reply(void **state)
{
	/* an agent opens it with a public comment: nobody waits for a reply */
	struct fl_ticket t = ticket(FL_PRIORITY_URGENT, FL_STATUS_OPEN);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {CREATE(T0, "open"), COMMENT(T0, FL_ROLE_ADMIN)};
	struct fl_sla_state m;
	(void)state;

	m = measure(&t, &policy, NULL, st, N(st), T0 + 2 * H, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_NONE);
	/* only the requester's wait is reported, breached at 12:00, 1 s late */
	m = measure(&t, &policy, NULL, st, N(st), T0 + 2 * H + 1, FL_SLA_REQUESTER_WAIT_TIME, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(m.stage, FL_SLA_STAGE_BREACHED);
	assert_int_equal(m.breach_at, T0 + 2 * H);
	assert_int_equal(m.remaining, -1);
}

static void test_pending_pauses_the_wait(void **state)
{
	struct fl_ticket t = ticket(FL_PRIORITY_URGENT, FL_STATUS_PENDING);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {CREATE(T0, "new"), COMMENT(T0, FL_ROLE_END_USER),
					 COMMENT(T0 + 30 * M, FL_ROLE_AGENT),
					 CHANGE(T0 + 30 * M, "pending")};
	struct fl_sla_state m;
	(void)state;

	/* 30 minutes counted, then paused: no breach_at, 90 minutes left */
	m = measure(&t, &policy, NULL, st, N(st), T0 + 5 * H, FL_SLA_REQUESTER_WAIT_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_PAUSED);
	assert_int_equal(m.breach_at, NEVER);
	assert_int_equal(m.remaining, 90 * M);
}

static void test_business_hours(void **state)
{
	/* created Monday 17:30 UTC: 30 minutes that day, 30 more from Tuesday
	 * 09:00, due Tuesday 09:30 */
	struct fl_ticket t = ticket(FL_PRIORITY_HIGH, FL_STATUS_NEW);
	int64_t created = utc(2026, 3, 2, 17, 30, 0);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {CREATE(created, "new"),
					 COMMENT(created, FL_ROLE_END_USER)};
	struct fl_sla_state m;
	(void)state;

	t.created_at = created;
	m = measure(&t, &policy, &schedule, st, N(st), created + M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_ACTIVE);
	assert_int_equal(m.breach_at, utc(2026, 3, 3, 9, 30, 0));
	assert_int_equal(s.business_hours[0], 1);
	/* with no schedule to count in, the business-hours target is left out */
	measure(&t, &policy, NULL, st, N(st), created + M, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_null(s.policy);
	assert_int_equal(s.n, 0);
}

static void test_steps_read_in_order(void **state)
{
	/* a step dated before the one before it counts at that one's time: the
	 * agent's reply dated 10:05 after a change at 10:10 counts at 10:10 */
	struct fl_ticket t = ticket(FL_PRIORITY_URGENT, FL_STATUS_OPEN);
	struct fl_ticket_sla s;
	struct fl_store_sla_step st[] = {CREATE(T0, "new"), COMMENT(T0, FL_ROLE_END_USER),
					 CHANGE(T0 + 10 * M, "open"),
					 COMMENT(T0 + 5 * M, FL_ROLE_AGENT)};
	struct fl_store_sla_step bad[] = {CREATE(T0, "new"), CHANGE(T0 + M, "lost")};
	struct fl_sla_state m;
	fl_arena a;
	(void)state;

	m = measure(&t, &policy, NULL, st, N(st), T0 + H, FL_SLA_FIRST_REPLY_TIME, &s);
	assert_int_equal(m.stage, FL_SLA_STAGE_ACHIEVED);
	assert_int_equal(m.achieved_at, T0 + 10 * M);
	/* a status that does not exist is refused */
	fl_arena_init(&a, 0);
	assert_int_equal(fl_ticket_sla_measure(&t, &policy, NULL, bad, N(bad), T0 + H, &a, &s),
			 FL_EINVAL);
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_policy_no_metrics),
		cmocka_unit_test(test_first_reply_active_then_achieved),
		cmocka_unit_test(test_agent_opened_ticket_owes_no_reply),
		cmocka_unit_test(test_pending_pauses_the_wait),
		cmocka_unit_test(test_business_hours),
		cmocka_unit_test(test_steps_read_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
