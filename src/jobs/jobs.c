/* The job runner (jobs.h tells the rules). */
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/log.h"
#include "core/time.h"
#include "store/jobs.h"

#define MAX_KINDS 32
/* A claim lasts this long; a job still running then may be taken by
 * another runner, so a kind's function should finish well within it. */
#define LEASE_SECONDS 300
/* Retries wait 10 s, 20 s, 40 s, … up to an hour. */
#define BACKOFF_FIRST 10
#define BACKOFF_MAX 3600
/* Periodic kinds never die of failures: they keep their schedule. */
#define PERIODIC_ATTEMPTS 1000000
/* When nothing is due the thread looks again this often, so that a job
 * queued by another node or for a time now past starts within a second. */
#define IDLE_POLL_MS 1000

struct kind {
	char name[48];
	fl_job_fn fn;
	fl_job_tx_fn tx_fn;
	int64_t period;
};

struct fl_jobs {
	fl_store *store;
	char owner[96];
	const char *only; /* the prefix of the kinds it claims; NULL: every kind */
	int64_t lease;
	struct kind kinds[MAX_KINDS];
	size_t nkinds;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
};

int fl_jobs_new(struct fl_jobs **out, fl_store *s, const char *owner)
{
	struct fl_jobs *j = calloc(1, sizeof *j);
	if (!j)
		return FL_ENOMEM;
	j->store = s;
	j->lease = LEASE_SECONDS;
	snprintf(j->owner, sizeof j->owner, "%s", owner);
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	*out = j;
	return 0;
}

static int add_kind(struct fl_jobs *j, const char *kind, fl_job_fn fn, fl_job_tx_fn tx_fn,
		    int64_t period)
{
	if (j->nkinds == MAX_KINDS || strlen(kind) >= sizeof j->kinds[0].name)
		return FL_ETOOBIG;
	snprintf(j->kinds[j->nkinds].name, sizeof j->kinds[0].name, "%s", kind);
	j->kinds[j->nkinds].fn = fn;
	j->kinds[j->nkinds].tx_fn = tx_fn;
	j->kinds[j->nkinds].period = period;
	j->nkinds++;
	return 0;
}

int fl_jobs_register(struct fl_jobs *j, const char *kind, fl_job_fn fn, int64_t period)
{
	return add_kind(j, kind, fn, NULL, period);
}

int fl_jobs_register_tx(struct fl_jobs *j, const char *kind, fl_job_fn fn, fl_job_tx_fn tx_fn,
			int64_t period)
{
	return add_kind(j, kind, fn, tx_fn, period);
}

void fl_jobs_set_lease(struct fl_jobs *j, int64_t seconds)
{
	j->lease = seconds > 0 ? seconds : LEASE_SECONDS;
}

static const struct kind *find(const struct fl_jobs *j, const char *name)
{
	for (size_t i = 0; i < j->nkinds; i++)
		if (!strcmp(j->kinds[i].name, name))
			return &j->kinds[i];
	return NULL;
}

struct enqueue {
	const char *kind, *payload, *unique_key;
	int64_t run_at;
	int max_attempts;
	const char *request_id; /* the queuer's log context */
};

/* Runs on the store's writer thread: the queuer's request id goes with
 * it, so that the job keeps it (store/jobs.h). */
static int tx_enqueue(fl_tx *tx, void *arg)
{
	struct enqueue *q = arg;
	const char *context = fl_log_set_request(q->request_id);
	int rc = fl_store_job_enqueue(tx, q->kind, q->payload, q->run_at, q->max_attempts,
				      q->unique_key, fl_now());
	fl_log_set_request(context);
	return rc;
}

int fl_jobs_enqueue(fl_store *s, const char *kind, const char *payload, int64_t run_at,
		    int max_attempts)
{
	struct enqueue q = {kind,
			    payload,
			    NULL,
			    run_at ? run_at : fl_now(),
			    max_attempts > 0 ? max_attempts : 5,
			    fl_log_request()};
	return fl_store_write(s, tx_enqueue, &q);
}

int fl_jobs_schedule(struct fl_jobs *j)
{
	int first = 0;

	for (size_t i = 0; i < j->nkinds; i++) {
		struct enqueue q = {j->kinds[i].name,  NULL, j->kinds[i].name, fl_now(),
				    PERIODIC_ATTEMPTS, NULL};
		int rc;
		if (j->kinds[i].period <= 0)
			continue;
		rc = fl_store_write(j->store, tx_enqueue, &q);
		if (rc && !first)
			first = rc; /* and go on with the other kinds */
	}
	return first;
}

struct claim {
	struct fl_jobs *j;
	fl_arena *arena;
	struct fl_job job;
	int64_t now;
	int found;
};

/* Reaps, then claims. Finding nothing is a success, so that the reaping
 * commits (a failing callback's work is rolled back). */
static int tx_claim(fl_tx *tx, void *arg)
{
	struct claim *c = arg;
	int64_t reaped;
	int rc = fl_store_job_reap(tx, c->now, &reaped);

	c->found = 0;
	if (!rc)
		rc = fl_store_job_claim_kinds(tx, c->j->only, c->j->owner, c->now,
					      c->now + c->j->lease, c->arena, &c->job);
	if (!rc)
		c->found = 1;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

struct outcome {
	struct fl_jobs *j;
	const struct fl_job *job;
	const struct kind *kind;
	int rc;
	const char *error;
	struct fl_err err; /* a transactional kind's */
};

static int64_t backoff(int attempts)
{
	int64_t wait = BACKOFF_FIRST;
	for (int i = 1; i < attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	return wait < BACKOFF_MAX ? wait : BACKOFF_MAX;
}

/* Records how a run ended; a periodic kind that succeeded queues its next
 * run in the same transaction, so there is always exactly one. A
 * transactional kind does its work here, after the done mark: a runner
 * that lost its lease does nothing. */
static int tx_outcome(fl_tx *tx, void *arg)
{
	struct outcome *o = arg;
	int64_t now = fl_now();
	int rc;

	/* FL_EINVAL says no attempt will ever succeed (a relay's 5xx, an
	 * address we refuse): a one-off job dies at once, not after a day of
	 * retries; a periodic kind keeps its schedule whatever one run met */
	if (o->rc)
		return fl_store_job_fail(tx, o->job->id, o->j->owner, o->job->attempts,
					 o->rc == FL_EINVAL && !(o->kind && o->kind->period > 0),
					 o->error, now + backoff(o->job->attempts), now);
	rc = fl_store_job_done(tx, o->job->id, o->j->owner, o->job->attempts);
	if (!rc && o->kind && o->kind->tx_fn)
		rc = o->kind->tx_fn(tx, o->job, &o->err);
	if (!rc && o->kind && o->kind->period > 0 && o->job->unique_key)
		rc = fl_store_job_enqueue(tx, o->kind->name, NULL, now + o->kind->period,
					  PERIODIC_ATTEMPTS, o->kind->name, now);
	return rc;
}

/* The job's one log line, written by the thread that ran it, so that it
 * carries the request id of the request that queued the job (the thread's
 * log context). A periodic kind that did its work says nothing: it runs
 * every minute or so, and only its failures are news. */
static void log_outcome(const struct outcome *o, uint64_t us, int rc)
{
	const struct fl_job *job = o->job;
	struct fl_log_field f[] = {
		{"job_id", FL_LOG_INT, NULL, job->id},
		{"kind", FL_LOG_STR, job->kind, 0},
		{"attempt", FL_LOG_INT, NULL, job->attempts},
		{"duration_ms", FL_LOG_US_AS_MS, NULL, (int64_t)us},
		{"error", FL_LOG_STR, o->error, 0},
	};
	int periodic = o->kind && o->kind->period > 0;
	char msg[80];

	if (rc == FL_ENOTFOUND) {
		fl_log_fields("warn", "job ran past its lease: another runner has it", f, 4);
		return;
	}
	if (rc) {
		snprintf(msg, sizeof msg, "job ran, but its outcome was not recorded: %s",
			 fl_err_describe(rc));
		fl_log_fields("error", msg, f, 4);
		return;
	}
	if (!o->rc) {
		if (!periodic)
			fl_log_fields("info", "job done", f, 4);
		return;
	}
	if ((o->rc == FL_EINVAL && !periodic) || job->attempts >= job->max_attempts)
		fl_log_fields("error", "job failed for good: dead", f, 5);
	else
		fl_log_fields("warn", "job failed: retried later", f, 5);
}

int fl_jobs_run_once(struct fl_jobs *j, int *ran)
{
	fl_arena a;
	struct claim c = {j, &a, {0}, fl_now(), 0};
	struct outcome o = {j, &c.job, NULL, 0, NULL, {0}};
	struct fl_err e = {0};
	const char *context;
	uint64_t t0;
	int rc;

	*ran = 0;
	fl_arena_init(&a, 0);
	rc = fl_store_write(j->store, tx_claim, &c);
	if (rc || !c.found) {
		fl_arena_free(&a);
		return rc;
	}
	*ran = 1;
	/* what the job logs, and the jobs it queues, name its request */
	context = fl_log_set_request(c.job.request_id);
	t0 = fl_mono_us();
	o.kind = find(j, c.job.kind);
	if (!o.kind)
		o.rc = fl_err_set(&e, FL_EINTERNAL, NULL, NULL, "no runner knows the kind '%s'",
				  c.job.kind);
	else if (o.kind->fn)
		o.rc = o.kind->fn(j->store, &c.job, &e);
	if (o.rc && !e.msg[0])
		fl_err_set(&e, o.rc, NULL, NULL, "%s", fl_err_describe(o.rc));
	o.error = e.msg;
	rc = fl_store_write(j->store, tx_outcome, &o);
	if (rc && rc != FL_ENOTFOUND && !o.rc && o.kind && o.kind->tx_fn) {
		/* the work failed and was rolled back with the done mark */
		o.rc = rc;
		e = o.err;
		if (!e.msg[0])
			fl_err_set(&e, rc, NULL, NULL, "%s", fl_err_describe(rc));
		o.error = e.msg;
		rc = fl_store_write(j->store, tx_outcome, &o);
	}
	log_outcome(&o, fl_mono_us() - t0, rc);
	fl_log_set_request(context);
	if (rc == FL_ENOTFOUND)
		rc = 0; /* the lease ran out and another runner has the job now */
	fl_arena_free(&a);
	return rc;
}

int fl_jobs_probe_hold(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	json_int_t ms = json_integer_value(json_object_get(p, "hold_ms"));

	(void)s;
	(void)e;
	json_decref(p);
	if (ms > 0)
		fl_sleep_ms(ms < 10000 ? (int)ms : 10000);
	return 0;
}

int fl_jobs_probe(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	(void)e;
	return fl_store_job_probe_add(tx, job, fl_now());
}

static void *runner_main(void *arg)
{
	struct fl_jobs *j = arg;
	int scheduled = 0;

	pthread_mutex_lock(&j->lock);
	while (!j->stopping) {
		int ran = 0;
		pthread_mutex_unlock(&j->lock);
		/* until it works once: a periodic kind that was never queued
		 * would never run (only a run queues the next) */
		if (!scheduled)
			scheduled = fl_jobs_schedule(j) == 0;
		fl_jobs_run_once(j, &ran);
		pthread_mutex_lock(&j->lock);
		if (!ran && !j->stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += IDLE_POLL_MS * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&j->cond, &j->lock, &until);
		}
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

void fl_jobs_only(struct fl_jobs *j, const char *prefix)
{
	j->only = prefix;
}

int fl_jobs_start(struct fl_jobs *j)
{
	if (pthread_create(&j->thread, NULL, runner_main, j))
		return FL_ENOMEM;
	j->started = 1;
	return 0;
}

void fl_jobs_free(struct fl_jobs *j)
{
	if (!j)
		return;
	if (j->started) {
		pthread_mutex_lock(&j->lock);
		j->stopping = 1;
		pthread_cond_signal(&j->cond);
		pthread_mutex_unlock(&j->lock);
		pthread_join(j->thread, NULL);
	}
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j);
}
