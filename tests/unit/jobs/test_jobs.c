/* Unit tests for background jobs (src/jobs/jobs.c, src/store/jobs.c),
 * against a real store in a temporary file: every job runs once, failures
 * retry with backoff and end dead, a dead runner's lease runs out and
 * another takes the job, periodic kinds keep one queued instance, and two
 * runners on one store never run a job twice. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "store/jobs.h"

#define T0 1800000000

static fl_store *g_store;
static char g_dir[64], g_db[96];

/* how often each payload id ran, and which should fail */
#define MAXJOBS 256
static _Atomic int g_runs[MAXJOBS];
static int g_fail_times;

static int job_id(const struct fl_job *job)
{
	int64_t id;
	if (fl_str_to_i64(fl_str_c(job->payload), &id) || id < 0 || id >= MAXJOBS)
		return 0;
	return (int)id;
}

static int count_fn(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	(void)s;
	(void)e;
	g_runs[job_id(job)]++;
	return 0;
}

static int refused_fn(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	(void)s;
	g_runs[job_id(job)]++;
	return fl_err_set(e, FL_EINVAL, NULL, NULL, "the relay refused the message (550)");
}

static int flaky_fn(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	(void)s;
	g_runs[job_id(job)]++;
	if (g_fail_times-- > 0)
		return fl_err_set(e, FL_EIO, NULL, NULL, "the relay is down");
	return 0;
}

static int setup(void **state)
{
	struct fl_store_opts o = {0};
	(void)state;
	snprintf(g_dir, sizeof g_dir, "/tmp/fl-jobs-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_db, sizeof g_db, "%s/jobs.db", g_dir);
	o.target = g_db;
	o.sync_full = 0;
	memset(g_runs, 0, sizeof g_runs);
	g_fail_times = 0;
	fl_time_freeze(T0);
	return fl_store_open(&g_store, &o, NULL);
}

static int teardown(void **state)
{
	char path[128];
	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	fl_time_freeze(0);
	for (const char *sfx = ""; sfx; sfx = !*sfx                  ? "-wal"
					      : !strcmp(sfx, "-wal") ? "-shm"
								     : NULL) {
		snprintf(path, sizeof path, "%s%s", g_db, sfx);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

struct listing {
	int state;
	size_t n;
	struct fl_job rows[64];
	fl_arena a;
};

static int tx_list(fl_tx *tx, void *arg)
{
	struct listing *l = arg;
	struct fl_job *rows;
	int rc = fl_store_job_list(tx, l->state, 64, &l->a, &rows, &l->n);
	if (!rc)
		memcpy(l->rows, rows, l->n * sizeof *rows);
	return rc;
}

/* The jobs in state; the caller frees l->a. */
static void list(int state, struct listing *l)
{
	memset(l, 0, sizeof *l);
	l->state = state;
	fl_arena_init(&l->a, 0);
	assert_int_equal(fl_store_read(g_store, tx_list, l), 0);
}

static size_t count_in(int state)
{
	struct listing l;
	size_t n;
	list(state, &l);
	n = l.n;
	fl_arena_free(&l.a);
	return n;
}

static struct fl_jobs *runner(const char *owner)
{
	struct fl_jobs *j;
	assert_int_equal(fl_jobs_new(&j, g_store, owner), 0);
	assert_int_equal(fl_jobs_register(j, "count", count_fn, 0), 0);
	assert_int_equal(fl_jobs_register(j, "flaky", flaky_fn, 0), 0);
	assert_int_equal(fl_jobs_register(j, "refused", refused_fn, 0), 0);
	return j;
}

static int run(struct fl_jobs *j)
{
	int ran = 0;
	assert_int_equal(fl_jobs_run_once(j, &ran), 0);
	return ran;
}

static void test_runs_once_and_is_gone(void **state)
{
	struct fl_jobs *j = runner("a");
	(void)state;

	assert_int_equal(fl_jobs_enqueue(g_store, "count", "7", 0, 0), 0);
	assert_int_equal(count_in(FL_JOB_QUEUED), 1);
	assert_true(run(j));
	assert_int_equal(g_runs[7], 1);
	assert_false(run(j)); /* nothing left */
	assert_int_equal(count_in(-1), 0);
	fl_jobs_free(j);
}

static void test_not_before_its_time(void **state)
{
	struct fl_jobs *j = runner("a");
	(void)state;

	assert_int_equal(fl_jobs_enqueue(g_store, "count", "3", T0 + 60, 0), 0);
	assert_false(run(j));
	fl_time_freeze(T0 + 59);
	assert_false(run(j));
	fl_time_freeze(T0 + 60);
	assert_true(run(j));
	assert_int_equal(g_runs[3], 1);
	fl_jobs_free(j);
}

static void test_retries_with_backoff_then_dead(void **state)
{
	struct fl_jobs *j = runner("a");
	struct listing l;
	(void)state;

	g_fail_times = 100;
	assert_int_equal(fl_jobs_enqueue(g_store, "flaky", "5", 0, 3), 0);
	assert_true(run(j)); /* attempt 1 fails */
	list(FL_JOB_QUEUED, &l);
	assert_int_equal(l.n, 1);
	assert_true(l.rows[0].run_at == T0 + 10);
	assert_string_equal(l.rows[0].last_error, "the relay is down");
	fl_arena_free(&l.a);

	assert_false(run(j)); /* not yet */
	fl_time_freeze(T0 + 10);
	assert_true(run(j)); /* attempt 2 fails: the wait doubles */
	list(FL_JOB_QUEUED, &l);
	assert_true(l.rows[0].run_at == T0 + 10 + 20);
	fl_arena_free(&l.a);

	fl_time_freeze(T0 + 30);
	assert_true(run(j)); /* attempt 3 fails: no attempts left */
	assert_int_equal(g_runs[5], 3);
	assert_int_equal(count_in(FL_JOB_QUEUED), 0);
	list(FL_JOB_DEAD, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].attempts, 3);
	assert_string_equal(l.rows[0].last_error, "the relay is down");
	fl_arena_free(&l.a);
	fl_time_freeze(T0 + 100000);
	assert_false(run(j)); /* dead stays dead */
	fl_jobs_free(j);
}

/* A job that says it can never succeed (FL_EINVAL: a relay's 5xx) is dead
 * after its first attempt, not retried for a day. */
static void test_refused_is_dead_at_once(void **state)
{
	struct fl_jobs *j = runner("a");
	struct listing l;
	(void)state;

	assert_int_equal(fl_jobs_enqueue(g_store, "refused", "9", 0, 10), 0);
	assert_true(run(j));
	assert_int_equal(g_runs[9], 1);
	assert_int_equal(count_in(FL_JOB_QUEUED), 0);
	list(FL_JOB_DEAD, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].attempts, 1);
	assert_string_equal(l.rows[0].last_error, "the relay refused the message (550)");
	fl_arena_free(&l.a);
	fl_time_freeze(T0 + 100000);
	assert_false(run(j));
	fl_jobs_free(j);
}

struct retry {
	int64_t id;
};

static int tx_retry(fl_tx *tx, void *arg)
{
	return fl_store_job_retry(tx, ((struct retry *)arg)->id, fl_now());
}

/* An operator retries a dead job: it runs again with fresh attempts; only
 * dead jobs can be retried. */
static void test_retry_dead(void **state)
{
	struct fl_jobs *j = runner("a");
	struct listing l;
	struct retry r;
	(void)state;

	g_fail_times = 1;
	assert_int_equal(fl_jobs_enqueue(g_store, "flaky", "6", 0, 1), 0);
	assert_true(run(j));
	list(FL_JOB_DEAD, &l);
	assert_int_equal(l.n, 1);
	r.id = l.rows[0].id;
	fl_arena_free(&l.a);
	assert_int_equal(fl_store_write(g_store, tx_retry, &r), 0);
	assert_int_equal(fl_store_write(g_store, tx_retry, &r), FL_ENOTFOUND); /* queued now */
	assert_true(run(j));
	assert_int_equal(g_runs[6], 2);
	assert_int_equal(count_in(-1), 0);
	fl_jobs_free(j);
}

static void test_recovers_after_a_failure(void **state)
{
	struct fl_jobs *j = runner("a");
	(void)state;

	g_fail_times = 1;
	assert_int_equal(fl_jobs_enqueue(g_store, "flaky", "9", 0, 5), 0);
	assert_true(run(j));
	fl_time_freeze(T0 + 10);
	assert_true(run(j));
	assert_int_equal(g_runs[9], 2);
	assert_int_equal(count_in(-1), 0);
	fl_jobs_free(j);
}

struct claim {
	const char *owner;
	int64_t lease_until;
	struct fl_job job;
	fl_arena a;
};

static int tx_claim(fl_tx *tx, void *arg)
{
	struct claim *c = arg;
	return fl_store_job_claim(tx, c->owner, fl_now(), c->lease_until, &c->a, &c->job);
}

static int tx_done(fl_tx *tx, void *arg)
{
	struct claim *c = arg;
	return fl_store_job_done(tx, c->job.id, c->owner, c->job.attempts);
}

/* A runner that claims a job and dies: once its lease runs out another
 * runner takes the job, and the dead one can no longer finish it. */
static void test_lost_lease(void **state)
{
	struct fl_jobs *b = runner("b");
	struct claim dead = {"a", T0 + 300, {0}, {0}};
	(void)state;

	fl_arena_init(&dead.a, 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "11", 0, 0), 0);
	assert_int_equal(fl_store_write(g_store, tx_claim, &dead), 0);
	assert_int_equal(dead.job.attempts, 1);
	assert_false(run(b)); /* held */
	fl_time_freeze(T0 + 301);
	assert_true(run(b));
	assert_int_equal(g_runs[11], 1);
	assert_int_equal(fl_store_write(g_store, tx_done, &dead), FL_ENOTFOUND);
	fl_arena_free(&dead.a);
	fl_jobs_free(b);
}

/* A lease is tied to its attempt: a runner that (by name) takes the job
 * again after its lease ran out cannot be finished by the first attempt. */
static void test_lease_is_per_attempt(void **state)
{
	struct claim first = {"same", T0 + 300, {0}, {0}};
	struct claim second = {"same", T0 + 700, {0}, {0}};
	(void)state;

	fl_arena_init(&first.a, 0);
	fl_arena_init(&second.a, 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "13", 0, 0), 0);
	assert_int_equal(fl_store_write(g_store, tx_claim, &first), 0);
	fl_time_freeze(T0 + 301);
	assert_int_equal(fl_store_write(g_store, tx_claim, &second), 0);
	assert_int_equal(second.job.attempts, 2);
	assert_int_equal(fl_store_write(g_store, tx_done, &first), FL_ENOTFOUND);
	assert_int_equal(count_in(FL_JOB_RUNNING), 1);
	assert_int_equal(fl_store_write(g_store, tx_done, &second), 0);
	assert_int_equal(count_in(-1), 0);
	fl_arena_free(&first.a);
	fl_arena_free(&second.a);
}

/* A job whose runner died on its last attempt is reaped as dead, not run. */
static void test_reaped_when_attempts_are_used_up(void **state)
{
	struct fl_jobs *b = runner("b");
	struct claim dead = {"a", T0 + 300, {0}, {0}};
	struct listing l;
	(void)state;

	fl_arena_init(&dead.a, 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "12", 0, 1), 0);
	assert_int_equal(fl_store_write(g_store, tx_claim, &dead), 0);
	fl_time_freeze(T0 + 301);
	assert_false(run(b));
	assert_int_equal(g_runs[12], 0);
	list(FL_JOB_DEAD, &l);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.rows[0].last_error, "last attempt"));
	fl_arena_free(&l.a);
	fl_arena_free(&dead.a);
	fl_jobs_free(b);
}

static void test_unknown_kind_fails_with_its_name(void **state)
{
	struct fl_jobs *j = runner("a");
	struct listing l;
	(void)state;

	assert_int_equal(fl_jobs_enqueue(g_store, "mystery", NULL, 0, 1), 0);
	assert_true(run(j));
	list(FL_JOB_DEAD, &l);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.rows[0].last_error, "mystery"));
	fl_arena_free(&l.a);
	fl_jobs_free(j);
}

static _Atomic int g_ticks;

static int tick_fn(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	(void)s;
	(void)job;
	(void)e;
	g_ticks++;
	return 0;
}

/* A periodic kind has one queued instance however often it is scheduled,
 * and each run queues the next one period later. */
static void test_periodic(void **state)
{
	struct fl_jobs *a = runner("a"), *b = runner("b");
	struct listing l;
	(void)state;

	g_ticks = 0;
	assert_int_equal(fl_jobs_register(a, "tick", tick_fn, 60), 0);
	assert_int_equal(fl_jobs_register(b, "tick", tick_fn, 60), 0);
	assert_int_equal(fl_jobs_schedule(a), 0);
	assert_int_equal(fl_jobs_schedule(b), 0); /* a second node starting */
	assert_int_equal(count_in(FL_JOB_QUEUED), 1);
	assert_true(run(b));
	assert_false(run(a));
	assert_int_equal(g_ticks, 1);
	list(FL_JOB_QUEUED, &l);
	assert_int_equal(l.n, 1);
	assert_true(l.rows[0].run_at == T0 + 60);
	fl_arena_free(&l.a);
	assert_int_equal(fl_jobs_schedule(a), 0);
	assert_int_equal(count_in(FL_JOB_QUEUED), 1);
	fl_time_freeze(T0 + 60);
	assert_true(run(a));
	assert_int_equal(g_ticks, 2);
	fl_jobs_free(a);
	fl_jobs_free(b);
}

static void *drain(void *arg)
{
	struct fl_jobs *j = arg;
	int ran = 1, idle = 0;
	while (idle < 3) {
		if (fl_jobs_run_once(j, &ran))
			break;
		idle = ran ? 0 : idle + 1;
	}
	return NULL;
}

/* Two runners on one store (two nodes) drain 200 jobs: each runs once. */
static void test_two_runners_run_each_job_once(void **state)
{
	struct fl_jobs *a = runner("node-a"), *b = runner("node-b");
	pthread_t ta, tb;
	(void)state;

	for (int i = 1; i <= 200; i++) {
		char id[16];
		snprintf(id, sizeof id, "%d", i);
		assert_int_equal(fl_jobs_enqueue(g_store, "count", id, 0, 0), 0);
	}
	assert_int_equal(pthread_create(&ta, NULL, drain, a), 0);
	assert_int_equal(pthread_create(&tb, NULL, drain, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	for (int i = 1; i <= 200; i++)
		if (g_runs[i] != 1)
			fail_msg("job %d ran %d times", i, g_runs[i]);
	assert_int_equal(count_in(-1), 0);
	fl_jobs_free(a);
	fl_jobs_free(b);
}

/* The runner's own thread picks up work and stops cleanly. */
static void test_thread(void **state)
{
	struct fl_jobs *j = runner("a");
	(void)state;

	fl_time_freeze(0); /* the thread waits on the real clock */
	assert_int_equal(fl_jobs_start(j), 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "20", 0, 0), 0);
	for (int i = 0; i < 100 && !g_runs[20]; i++)
		usleep(50 * 1000); /* the idle poll is a second */
	fl_jobs_free(j);           /* before asserting: the thread must not outlive the store */
	assert_int_equal(g_runs[20], 1);
}

/* What the "chain" kind saw as its thread's request id. */
static char g_seen_request[32];

/* Records the request id it runs under and queues a "count" job (10). */
static int chain_fn(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	const char *id = fl_log_request();
	(void)job;
	(void)e;
	snprintf(g_seen_request, sizeof g_seen_request, "%s", id ? id : "(none)");
	return fl_jobs_enqueue(s, "count", "10", 0, 0);
}

/* The request id of the queued job with payload, "(none)" for NULL. */
static void expect_request(const char *payload, const char *want)
{
	struct listing l;
	int found = 0;

	list(FL_JOB_QUEUED, &l);
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.rows[i].payload, payload))
			continue;
		found = 1;
		assert_string_equal(l.rows[i].request_id ? l.rows[i].request_id : "(none)", want);
	}
	fl_arena_free(&l.a);
	assert_true(found);
}

/* A job keeps the request id its queuer ran under; running it sets that
 * id as the runner's (so its log lines and the jobs it queues name the
 * request), and puts the runner's own back after. */
static void test_request_id_carries(void **state)
{
	struct fl_jobs *j = runner("a");
	(void)state;

	assert_int_equal(fl_jobs_register(j, "chain", chain_fn, 0), 0);
	assert_null(fl_log_set_request("req-7"));
	assert_int_equal(fl_jobs_enqueue(g_store, "chain", "8", 0, 0), 0);
	fl_log_set_request(NULL);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "9", T0 + 60, 0), 0);
	expect_request("8", "req-7");
	expect_request("9", "(none)");
	assert_true(run(j));
	assert_string_equal(g_seen_request, "req-7");
	assert_null(fl_log_request());
	expect_request("10", "req-7");
	fl_jobs_free(j);
}

struct kinds {
	fl_arena a;
	struct fl_job_kind *k;
	size_t n;
};

static int tx_kinds(fl_tx *tx, void *arg)
{
	struct kinds *k = arg;
	return fl_store_job_kinds(tx, 8, &k->a, &k->k, &k->n);
}

static int tx_claim_one(fl_tx *tx, void *arg)
{
	struct fl_job job;
	return fl_store_job_claim(tx, "x", T0, T0 + 30, arg, &job);
}

/* The queue by kind, as /metrics shows it: queued and running, the
 * earliest run_at of the queued; the dead are not counted. */
static void test_kinds(void **state)
{
	struct fl_jobs *j = runner("a");
	struct kinds k = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&k.a, 0);
	fl_arena_init(&a, 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "refused", "1", T0 - 60, 0), 0);
	assert_true(run(j)); /* dead at once */
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "2", T0 - 30, 0), 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "3", T0 + 100, 0), 0);
	assert_int_equal(fl_jobs_enqueue(g_store, "flaky", "4", T0 - 5, 0), 0);
	assert_int_equal(fl_store_read(g_store, tx_kinds, &k), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.k[0].kind, "count");
	assert_true(k.k[0].queued == 2 && k.k[0].running == 0 && k.k[0].oldest_run_at == T0 - 30);
	assert_string_equal(k.k[1].kind, "flaky");
	assert_true(k.k[1].queued == 1 && k.k[1].oldest_run_at == T0 - 5);
	/* the due count job is claimed: running now */
	assert_int_equal(fl_store_write(g_store, tx_claim_one, &a), 0);
	assert_int_equal(fl_store_read(g_store, tx_kinds, &k), 0);
	assert_true(k.k[0].queued == 1 && k.k[0].running == 1 && k.k[0].oldest_run_at == T0 + 100);
	fl_arena_free(&a);
	fl_arena_free(&k.a);
	fl_jobs_free(j);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_runs_once_and_is_gone),
		T(test_not_before_its_time),
		T(test_retries_with_backoff_then_dead),
		T(test_refused_is_dead_at_once),
		T(test_recovers_after_a_failure),
		T(test_retry_dead),
		T(test_lost_lease),
		T(test_lease_is_per_attempt),
		T(test_reaped_when_attempts_are_used_up),
		T(test_unknown_kind_fails_with_its_name),
		T(test_periodic),
		T(test_two_runners_run_each_job_once),
		T(test_thread),
		T(test_request_id_carries),
		T(test_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
