/* Unit tests for the pure part of src/routing/routing.c: which agent a
 * ticket goes to — round robin's order, least open work and its ties,
 * capacity, status, skills and which skills a ticket needs — and the
 * skills an admin may give an agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "routing/routing.h"

#define ON FL_AGENT_ONLINE
#define RR FL_ROUTING_ROUND_ROBIN
#define LO FL_ROUTING_LEAST_OPEN

/* Four online agents, ids 10..40, no limit, no skills, no tickets. */
static void four(struct fl_routing_agent a[4])
{
	for (int i = 0; i < 4; i++)
		a[i] = (struct fl_routing_agent){
			.user_id = 10 * (i + 1), .name = "A", .status = ON, .skills = ""};
}

/* Routes n tickets needing nothing, as the router does: each chosen one
 * gets a ticket and becomes the last chosen. counts[i] gets agent i's. */
static void burst(int method, struct fl_routing_agent *a, size_t na, int n, int counts[])
{
	int64_t last = 0;
	for (int k = 0; k < n; k++) {
		int i = fl_routing_choose(method, a, na, last, NULL, 0);
		if (i < 0)
			return;
		counts[i]++;
		a[i].open++;
		last = a[i].user_id;
	}
}

static void test_round_robin(void **state)
{
	struct fl_routing_agent a[4];
	int counts[4] = {0};

	(void)state;
	four(a);
	/* the next after the last chosen, by id, wrapping */
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, NULL, 0), 0);
	assert_int_equal(fl_routing_choose(RR, a, 4, 10, NULL, 0), 1);
	assert_int_equal(fl_routing_choose(RR, a, 4, 25, NULL, 0), 2);
	assert_int_equal(fl_routing_choose(RR, a, 4, 40, NULL, 0), 0);
	/* a last chosen who has left the group: the next id after theirs */
	assert_int_equal(fl_routing_choose(RR, a, 4, 99, NULL, 0), 0);
	/* round robin ignores load */
	a[1].open = 50;
	assert_int_equal(fl_routing_choose(RR, a, 4, 10, NULL, 0), 1);
	four(a);
	burst(RR, a, 4, 1000, counts);
	for (int i = 0; i < 4; i++)
		assert_int_equal(counts[i], 250);
}

static void test_least_open(void **state)
{
	struct fl_routing_agent a[4];
	int counts[4] = {0};

	(void)state;
	four(a);
	a[0].open = 3;
	a[1].open = 1;
	a[2].open = 1;
	a[3].open = 2;
	/* ties go to the first in round robin order after the last */
	assert_int_equal(fl_routing_choose(LO, a, 4, 0, NULL, 0), 1);
	assert_int_equal(fl_routing_choose(LO, a, 4, 20, NULL, 0), 2);
	assert_int_equal(fl_routing_choose(LO, a, 4, 30, NULL, 0), 1);
	/* unequal loads are evened out, then shared */
	four(a);
	a[0].open = 100;
	a[1].open = 50;
	burst(LO, a, 4, 250, counts);
	/* the two empty ones take 50 each, then the three share evenly;
	 * the busiest gets none */
	assert_int_equal(counts[0], 0);
	assert_int_equal(counts[1], 50);
	assert_int_equal(counts[2], 100);
	assert_int_equal(counts[3], 100);
	for (int i = 1; i < 4; i++)
		assert_int_equal(a[i].open, 100);
}

static void test_status_and_capacity(void **state)
{
	struct fl_routing_agent a[4];
	int counts[4] = {0};

	(void)state;
	four(a);
	a[0].status = FL_AGENT_AWAY;
	a[2].status = FL_AGENT_OFFLINE;
	a[3].capacity = 5;
	a[3].open = 4;
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, NULL, 0), 1);
	assert_int_equal(fl_routing_choose(RR, a, 4, 20, NULL, 0), 3);
	a[3].open = 5; /* full */
	assert_int_equal(fl_routing_choose(RR, a, 4, 20, NULL, 0), 1);
	assert_int_equal(fl_routing_choose(LO, a, 4, 20, NULL, 0), 1);
	a[1].capacity = 2;
	a[1].open = 0;
	burst(RR, a, 4, 10, counts);
	assert_int_equal(counts[1], 2); /* then nobody fits */
	assert_int_equal(counts[0] + counts[2] + counts[3], 0);
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, NULL, 0), -1);
	/* no method, no agents */
	four(a);
	assert_int_equal(fl_routing_choose(FL_ROUTING_NONE, a, 4, 0, NULL, 0), -1);
	assert_int_equal(fl_routing_choose(RR, a, 0, 0, NULL, 0), -1);
}

static void test_skills(void **state)
{
	struct fl_routing_agent a[4];
	const char *need[8];
	const char *tags[] = {"billing", "refund", "vip"};
	char lang[3];
	size_t n;

	(void)state;
	four(a);
	a[1].skills = "en uk";
	a[2].skills = "billing ru";
	a[3].skills = "billing uk";
	/* uk is known in the group: a Ukrainian customer needs it */
	n = fl_routing_needs("uk", NULL, 0, a, 4, lang, need, 8);
	assert_int_equal(n, 1);
	assert_string_equal(need[0], "uk");
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, need, n), 1);
	assert_int_equal(fl_routing_choose(RR, a, 4, 20, need, n), 3);
	/* a locale with a region; a product among the tags; tags nobody has
	 * as a skill are no need */
	n = fl_routing_needs("uk-UA", tags, 3, a, 4, lang, need, 8);
	assert_int_equal(n, 2);
	assert_string_equal(need[0], "uk");
	assert_string_equal(need[1], "billing");
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, need, n), 3);
	assert_int_equal(fl_routing_choose(LO, a, 4, 0, need, n), 3);
	/* Lithuanian: nobody here speaks it, so it is no need */
	assert_int_equal(fl_routing_needs("lt", NULL, 0, a, 4, lang, need, 8), 0);
	/* not a language of the desk, or no locale */
	assert_int_equal(fl_routing_needs("de", NULL, 0, a, 4, lang, need, 8), 0);
	assert_int_equal(fl_routing_needs(NULL, NULL, 0, a, 4, lang, need, 8), 0);
	assert_int_equal(fl_routing_needs("ukr", NULL, 0, a, 4, lang, need, 8), 0);
	/* nobody online has it: the ticket waits */
	a[1].status = a[3].status = FL_AGENT_AWAY;
	n = fl_routing_needs("uk", NULL, 0, a, 4, lang, need, 8);
	assert_int_equal(fl_routing_choose(RR, a, 4, 0, need, n), -1);
	assert_true(fl_routing_has_skill("billing en uk", "en"));
	assert_false(fl_routing_has_skill("billing en uk", "e"));
	assert_false(fl_routing_has_skill("billing en uk", "bill"));
	assert_false(fl_routing_has_skill("", "en"));
}

static void test_skills_normalize(void **state)
{
	const char *ok[] = {" UK ", "billing", "en", "uk", "Mobile-App_2"};
	const char *bad_char[] = {"en", "bil ling"};
	const char *quote[] = {"x'; DROP TABLE users; --"};
	const char *empty[] = {"   "};
	const char *many[FL_SKILLS_MAX + 1];
	char long_skill[FL_SKILL_LEN + 2];
	const char *too_long[] = {long_skill};
	struct fl_err e = {0};
	fl_arena a;
	char *out;

	(void)state;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_routing_skills_normalize(ok, 5, &a, &out, &e), 0);
	assert_string_equal(out, "billing en mobile-app_2 uk");
	assert_int_equal(fl_routing_skills_normalize(NULL, 0, &a, &out, &e), 0);
	assert_string_equal(out, "");
	assert_int_equal(fl_routing_skills_normalize(bad_char, 2, &a, &out, &e), FL_EINVAL);
	assert_string_equal(e.field, "skills");
	assert_int_equal(fl_routing_skills_normalize(quote, 1, &a, &out, &e), FL_EINVAL);
	assert_int_equal(fl_routing_skills_normalize(empty, 1, &a, &out, &e), FL_EINVAL);
	memset(long_skill, 'a', FL_SKILL_LEN + 1);
	long_skill[FL_SKILL_LEN + 1] = 0;
	assert_int_equal(fl_routing_skills_normalize(too_long, 1, &a, &out, &e), FL_EINVAL);
	long_skill[FL_SKILL_LEN] = 0;
	assert_int_equal(fl_routing_skills_normalize(too_long, 1, &a, &out, &e), 0);
	for (int i = 0; i <= FL_SKILLS_MAX; i++)
		many[i] = "en";
	assert_int_equal(fl_routing_skills_normalize(many, FL_SKILLS_MAX + 1, &a, &out, &e),
			 FL_EINVAL);
	assert_int_equal(fl_routing_skills_normalize(many, FL_SKILLS_MAX, &a, &out, &e), 0);
	assert_string_equal(out, "en");
	fl_arena_free(&a);
}

static void test_why(void **state)
{
	struct fl_routing_agent a = {.user_id = 7,
				     .name = "Olena",
				     .status = ON,
				     .capacity = 5,
				     .open = 2,
				     .skills = "uk"};
	const char *need[] = {"uk"};
	fl_buf b;

	(void)state;
	fl_buf_init(&b, 0);
	assert_int_equal(fl_routing_why(RR, "Support", &a, need, 1, &b), 0);
	assert_string_equal(b.p, "round robin in Support: Olena — online, 2 of 5 open, has uk");
	fl_buf_free(&b);
	fl_buf_init(&b, 0);
	a.capacity = 0;
	assert_int_equal(fl_routing_why(LO, "Support", &a, NULL, 0, &b), 0);
	assert_string_equal(b.p, "least open in Support: Olena — online, 2 open");
	fl_buf_free(&b);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(fl_routing_method_parse(fl_str_c("round_robin")), RR);
	assert_int_equal(fl_routing_method_parse(fl_str_c("least_open")), LO);
	assert_int_equal(fl_routing_method_parse(fl_str_c("none")), FL_ROUTING_NONE);
	assert_int_equal(fl_routing_method_parse(fl_str_c("Round_Robin")), -1);
	assert_int_equal(fl_agent_status_parse(fl_str_c("away")), FL_AGENT_AWAY);
	assert_int_equal(fl_agent_status_parse(fl_str_c("busy")), -1);
	assert_string_equal(fl_agent_status_name(ON), "online");
	assert_string_equal(fl_routing_method_name(LO), "least_open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_least_open),
		cmocka_unit_test(test_status_and_capacity),
		cmocka_unit_test(test_skills),
		cmocka_unit_test(test_skills_normalize),
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
