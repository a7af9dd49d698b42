/* Unit tests for the dry run's replay (src/rules/dryrun.c): each update's
 * before and after rebuilt from the ticket as it stands by undoing the
 * audits newest first, conditions on changes answered from them, the
 * desk's own rule writes skipped, and an update that would change nothing
 * left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "rules/dryrun.h"
#include "users/user.h"
#include "unit.h"

static fl_arena arena;

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&arena);
	return 0;
}

static struct fl_rule rule(const char *conds, const char *acts)
{
	json_t *c = json_loads(conds, 0, NULL), *a = json_loads(acts, 0, NULL);
	struct fl_rule r;
	struct fl_err e = {0};
	assert_int_equal(fl_rule_decode(FL_RULE_TRIGGER, c, a, &arena, &r, &e), 0);
	json_decref(c);
	json_decref(a);
	return r;
}

struct seen {
	int64_t audits[8];
	int status_before[8]; /* the patch's status, or -1 */
	size_t n;
};

static int collect(void *arg, const struct fl_dryrun_hit *h)
{
	struct seen *s = arg;
	s->status_before[s->n] = h->t->status;
	s->audits[s->n++] = h->audit_id;
	return 0;
}

/* A ticket created normal and open, made urgent, then a comment, then the
 * desk's own rule write solving it: now it is urgent and solved. */
static const struct fl_event create_ev[] = {
	{0, FL_EVENT_CREATE, "status", "open", NULL, 0},
	{0, FL_EVENT_CREATE, "priority", "normal", NULL, 0},
};
static const struct fl_event raise_ev[] = {
	{0, FL_EVENT_CHANGE, "priority", "urgent", "normal", 0},
};
static const struct fl_event comment_ev[] = {
	{0, FL_EVENT_COMMENT, NULL, NULL, NULL, 7},
};
static const struct fl_event rule_ev[] = {
	{0, FL_EVENT_CHANGE, "status", "solved", "open", 0},
	{0, FL_EVENT_CHANGE, "rule", "Trigger 3: Solve", NULL, 0},
};

static void history(struct fl_ticket *now, struct fl_dryrun_audit au[4])
{
	memset(now, 0, sizeof *now);
	now->id = 42;
	now->subject = "Printer";
	now->status = FL_STATUS_SOLVED;
	now->priority = FL_PRIORITY_URGENT;
	au[0] = (struct fl_dryrun_audit){1, 5, FL_ROLE_AGENT, 0, 100, create_ev, 2, NULL, 0};
	au[1] = (struct fl_dryrun_audit){2, 5, FL_ROLE_AGENT, 0, 200, raise_ev, 1, NULL, 0};
	au[2] = (struct fl_dryrun_audit){3,          9, FL_ROLE_END_USER, 0, 300,
					 comment_ev, 1, "it smokes",      1};
	au[3] = (struct fl_dryrun_audit){
		4, FL_SYSTEM_USER_ID, FL_ROLE_ADMIN, 0, 300, rule_ev, 2, NULL, 0};
}

static void test_states_rebuilt(void **state)
{
	struct fl_ticket now, t;
	struct fl_dryrun_audit au[4];
	(void)state;
	history(&now, au);
	assert_int_equal(fl_dryrun_state_at(&now, au, 4, 0, &arena, &t), 0);
	assert_int_equal(t.priority, FL_PRIORITY_NORMAL);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_int_equal(fl_dryrun_state_at(&now, au, 4, 1, &arena, &t), 0);
	assert_int_equal(t.priority, FL_PRIORITY_URGENT);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_int_equal(fl_dryrun_state_at(&now, au, 4, 4, &arena, &t), 0);
	assert_int_equal(t.status, FL_STATUS_SOLVED);
	assert_true(fl_dryrun_is_rule_write(&au[3]));
	assert_false(fl_dryrun_is_rule_write(&au[2]));
}

static void test_replay(void **state)
{
	struct fl_ticket now;
	struct fl_dryrun_audit au[4];
	struct fl_rule_ctx base = {0};
	struct seen s = {0};
	struct fl_rule is =
		rule("{\"all\":[{\"field\":\"priority\",\"operator\":\"is\",\"value\":"
		     "\"urgent\"}]}",
		     "[{\"field\":\"status\",\"value\":\"pending\"}]");
	struct fl_rule to =
		rule("{\"all\":[{\"field\":\"priority\",\"operator\":\"value\","
		     "\"value\":\"urgent\"}]}",
		     "[{\"field\":\"status\",\"value\":\"pending\"}]");
	struct fl_rule word =
		rule("{\"all\":[{\"field\":\"comment_includes_word\",\"operator\":"
		     "\"includes\",\"value\":\"smokes\"}]}",
		     "[{\"field\":\"priority\",\"value\":\"high\"}]");
	struct fl_rule same =
		rule("{\"all\":[{\"field\":\"priority\",\"operator\":\"is\","
		     "\"value\":\"urgent\"}]}",
		     "[{\"field\":\"priority\",\"value\":\"urgent\"}]");
	(void)state;
	history(&now, au);

	/* urgent: the raise and the comment, both seeing the ticket open; not
	 * the create (normal) and not the desk's own write */
	assert_int_equal(fl_dryrun_replay(&is, &base, &now, au, 4, &arena, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.audits[0], 2);
	assert_int_equal(s.audits[1], 3);
	assert_int_equal(s.status_before[0], FL_STATUS_OPEN);
	assert_int_equal(s.status_before[1], FL_STATUS_OPEN);

	/* changed to urgent: the raise only */
	s.n = 0;
	assert_int_equal(fl_dryrun_replay(&to, &base, &now, au, 4, &arena, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.audits[0], 2);

	/* the comment's words */
	s.n = 0;
	assert_int_equal(fl_dryrun_replay(&word, &base, &now, au, 4, &arena, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.audits[0], 3);

	/* matching, but changing nothing and doing nothing: not listed */
	s.n = 0;
	assert_int_equal(fl_dryrun_replay(&same, &base, &now, au, 4, &arena, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_states_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
