/* Unit tests for src/core/quota.c: the API's rate limit per key — the
 * limit, the refill, keys apart, forgetting, threads — and src/core/proc.c,
 * the process's numbers /metrics shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/proc.h"
#include "core/quota.h"

#define T0 1000000 /* ms: any monotonic time */

/* 5 a minute: five go, the sixth waits the 12 s one token takes. */
static void test_limit_and_refill(void **state)
{
	struct fl_quota *q;
	unsigned left = 99, retry = 0;
	(void)state;

	assert_int_equal(fl_quota_new(5, 1024, &q), 0);
	assert_int_equal(fl_quota_limit(q), 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(fl_quota_take(q, "t:abc", T0, &left, &retry), 0);
		assert_int_equal(left, 4 - i);
	}
	assert_int_equal(fl_quota_take(q, "t:abc", T0, &left, &retry), FL_ERATE);
	assert_int_equal(left, 0);
	assert_int_equal(retry, 12);
	/* a refused request takes nothing: 6 s later the wait is 6 s */
	assert_int_equal(fl_quota_take(q, "t:abc", T0 + 6000, &left, &retry), FL_ERATE);
	assert_int_equal(retry, 6);
	assert_int_equal(fl_quota_take(q, "t:abc", T0 + 11001, &left, &retry), FL_ERATE);
	assert_int_equal(retry, 1);
	/* one token is back after 12 s, and one only */
	assert_int_equal(fl_quota_take(q, "t:abc", T0 + 12000, &left, &retry), 0);
	assert_int_equal(left, 0);
	assert_int_equal(fl_quota_take(q, "t:abc", T0 + 12000, &left, &retry), FL_ERATE);
	/* a clock that goes back refills nothing and breaks nothing */
	assert_int_equal(fl_quota_take(q, "t:abc", T0, &left, &retry), FL_ERATE);
	/* an hour later the bucket is full, not fuller */
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fl_quota_take(q, "t:abc", T0 + 3600000, &left, &retry), 0);
	assert_int_equal(fl_quota_take(q, "t:abc", T0 + 3600000, &left, &retry), FL_ERATE);
	fl_quota_free(q);
}

/* One key's use is no other's: another token, a user, an address. */
static void test_keys_apart(void **state)
{
	struct fl_quota *q;
	unsigned left, retry;
	(void)state;

	assert_int_equal(fl_quota_new(2, 1024, &q), 0);
	assert_int_equal(fl_quota_take(q, "t:one", T0, &left, &retry), 0);
	assert_int_equal(fl_quota_take(q, "t:one", T0, &left, &retry), 0);
	assert_int_equal(fl_quota_take(q, "t:one", T0, &left, &retry), FL_ERATE);
	assert_int_equal(fl_quota_take(q, "t:two", T0, &left, &retry), 0);
	assert_int_equal(left, 1);
	assert_int_equal(fl_quota_take(q, "u:1", T0, &left, &retry), 0);
	assert_int_equal(fl_quota_take(q, "a:127.0.0.1", T0, &left, &retry), 0);
	assert_int_equal(left, 1);
	fl_quota_free(q);
}

/* A table of one set (8 keys): the keys with the fullest buckets are
 * forgotten first, so a client that used its minute up stays refused
 * however many others come by. */
static void test_forgets_the_fullest(void **state)
{
	struct fl_quota *q;
	unsigned left, retry;
	char key[32];
	(void)state;

	assert_int_equal(fl_quota_new(3, 1, &q), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fl_quota_take(q, "t:busy", T0, &left, &retry), 0);
	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof key, "a:10.0.%d.%d", i / 256, i % 256);
		assert_int_equal(fl_quota_take(q, key, T0 + i, &left, &retry), 0);
		assert_int_equal(left, 2);
	}
	assert_int_equal(fl_quota_take(q, "t:busy", T0 + 500, &left, &retry), FL_ERATE);
	fl_quota_free(q);
}

static void test_bounds(void **state)
{
	struct fl_quota *q = NULL;
	unsigned left, retry;
	(void)state;

	assert_int_equal(fl_quota_new(0, 1024, &q), FL_EINVAL);
	assert_int_equal(fl_quota_new(FL_QUOTA_MAX + 1, 1024, &q), FL_EINVAL);
	assert_null(q);
	/* the largest limit, at a late time: no overflow */
	assert_int_equal(fl_quota_new(FL_QUOTA_MAX, 0, &q), 0);
	assert_int_equal(fl_quota_take(q, "k", INT64_MAX / 2, &left, &retry), 0);
	assert_int_equal(left, FL_QUOTA_MAX - 1);
	assert_int_equal(fl_quota_take(q, "k", INT64_MAX / 2 + 60000, &left, &retry), 0);
	assert_int_equal(left, FL_QUOTA_MAX - 1);
	fl_quota_free(q);
	fl_quota_free(NULL);
}

struct racer {
	struct fl_quota *q;
	int granted;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	unsigned left, retry;

	for (int i = 0; i < 1000; i++)
		r->granted += fl_quota_take(r->q, "t:shared", T0, &left, &retry) == 0;
	return NULL;
}

/* Four threads at once on one key: exactly the limit is granted. */
static void test_threads(void **state)
{
	struct racer r[4];
	pthread_t t[4];
	struct fl_quota *q;
	int total = 0;
	(void)state;

	assert_int_equal(fl_quota_new(2500, 1024, &q), 0);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){q, 0};
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += r[i].granted;
	}
	assert_int_equal(total, 2500);
	fl_quota_free(q);
}

/* The process's numbers: memory in use, the descriptors open now (one
 * more once we open one), a start time in the last hour. */
static void test_proc(void **state)
{
	struct fl_proc a, b;
	int fd;
	(void)state;

	assert_int_equal(fl_proc_read(&a), 0);
	assert_true(a.rss_bytes > 1024 * 1024);
	assert_true(a.open_fds >= 3);
	assert_true(a.max_fds >= a.open_fds);
	assert_true(a.cpu_seconds >= 0);
	assert_true(a.start_time > (double)time(NULL) - 3600 &&
		    a.start_time <= (double)time(NULL) + 1);
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fl_proc_read(&b), 0);
	assert_int_equal(b.open_fds, a.open_fds + 1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_and_refill),
		cmocka_unit_test(test_keys_apart),
		cmocka_unit_test(test_forgets_the_fullest),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_proc),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
