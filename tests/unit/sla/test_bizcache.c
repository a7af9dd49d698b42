/* The process's business clocks (sla/bizcache.c): one clock per schedule
 * content, whatever the schedule's id; an edit (intervals, holidays, zone)
 * is another clock; a clock held is never evicted under the one holding it;
 * more schedules than slots still get clocks, and every clock is freed
 * (the sanitizer's leak check sees any that is not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sla/schedule.h"

static struct fl_interval week[] = {{1 * 1440 + 540, 1 * 1440 + 1080},
				    {2 * 1440 + 540, 2 * 1440 + 1080}};

static struct fl_schedule kyiv(int64_t id, struct fl_holiday *h, size_t nh)
{
	return (struct fl_schedule){.id = id,
				    .name = "Kyiv",
				    .time_zone = "Europe/Kyiv",
				    .intervals = week,
				    .nintervals = 2,
				    .holidays = h,
				    .nholidays = nh};
}

static void test_shared_by_content(void **state)
{
	struct fl_holiday xmas = {1, "Christmas", 20812, 20812} /* 2026-12-25 */;
	struct fl_schedule a = kyiv(1, NULL, 0), b = kyiv(2, NULL, 0), c = kyiv(1, &xmas, 1);
	const struct fl_bizclock *ca, *cb, *cc;

	(void)state;
	assert_int_equal(fl_bizclock_shared(&a, &ca), 0);
	assert_int_equal(fl_bizclock_shared(&b, &cb), 0);
	assert_ptr_equal(ca, cb); /* the same week in the same zone */
	assert_int_equal(fl_bizclock_shared(&c, &cc), 0);
	assert_ptr_not_equal(ca, cc); /* a holiday more is another clock */
	/* the clock counts the schedule it was made of: Monday 09:00 Kyiv */
	assert_true(fl_biz_open(ca, 1797231600));
	fl_bizclock_release(ca);
	fl_bizclock_release(cb);
	fl_bizclock_release(cc);
	fl_bizcache_clear();
}

static void test_more_than_slots(void **state)
{
	struct fl_interval own[FL_BIZCACHE_SLOTS + 4][1];
	const struct fl_bizclock *held[FL_BIZCACHE_SLOTS + 4];
	struct fl_schedule s[FL_BIZCACHE_SLOTS + 4];

	(void)state;
	/* every slot held, and four more: those get clocks of their own */
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS + 4; i++) {
		own[i][0] = (struct fl_interval){1440 + (int)i, 1440 + 600};
		s[i] = kyiv((int64_t)i + 1, NULL, 0);
		s[i].intervals = own[i];
		s[i].nintervals = 1;
		assert_int_equal(fl_bizclock_shared(&s[i], &held[i]), 0);
	}
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS + 4; i++)
		for (size_t k = 0; k < i; k++)
			assert_ptr_not_equal(held[i], held[k]);
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS + 4; i++)
		fl_bizclock_release(held[i]);
	/* released, the kept ones are found again; the least recently used
	 * makes room for a new one */
	{
		const struct fl_bizclock *again;
		assert_int_equal(fl_bizclock_shared(&s[0], &again), 0);
		assert_ptr_equal(again, held[0]);
		fl_bizclock_release(again);
	}
	fl_bizcache_clear();
}

static void test_unknown_zone(void **state)
{
	struct fl_schedule s = kyiv(1, NULL, 0);
	const struct fl_bizclock *c = NULL;

	(void)state;
	s.time_zone = "Mars/Olympus";
	assert_int_not_equal(fl_bizclock_shared(&s, &c), 0);
	fl_bizcache_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_by_content),
		cmocka_unit_test(test_more_than_slots),
		cmocka_unit_test(test_unknown_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
