/* The store's job queue (src/store/jobs.c), which src/jobs/ runs. */
#ifndef FL_STORE_JOBS_H
#define FL_STORE_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* background jobs (src/jobs/jobs.h runs them) */
enum fl_job_state { FL_JOB_QUEUED, FL_JOB_RUNNING, FL_JOB_DONE, FL_JOB_DEAD };

struct fl_job {
	int64_t id;
	char *kind, *payload;
	int state, attempts, max_attempts;
	int64_t run_at, lease_until;
	char *lease_owner, *last_error, *unique_key;
	int64_t created_at, updated_at;
	char *request_id; /* the X-Request-Id of the request that queued it, or NULL */
};

/* Queues a job to run at run_at, with max_attempts (0: 5). With a
 * unique_key that a queued, running or dead job already has, does nothing
 * and returns 0. The job keeps the calling thread's request id
 * (fl_log_request, core/log.h): the request, or the job, it was queued
 * for. */
int fl_store_job_enqueue(fl_tx *tx, const char *kind, const char *payload, int64_t run_at,
			 int max_attempts, const char *unique_key, int64_t now);
/* Claims, for owner until lease_until, the job due first: queued with
 * run_at <= now, or running with a lease that ran out (its runner died).
 * Counts an attempt. FL_ENOTFOUND when nothing is due. */
int fl_store_job_claim(fl_tx *tx, const char *owner, int64_t now, int64_t lease_until, fl_arena *a,
		       struct fl_job *out);
/* The same among the kinds that begin with prefix (NULL: every kind): a
 * runner of its own for the SLA's kinds does not wait behind a backlog of
 * mail (jobs/jobs.h, fl_jobs_only). */
int fl_store_job_claim_kinds(fl_tx *tx, const char *prefix, const char *owner, int64_t now,
			     int64_t lease_until, fl_arena *a, struct fl_job *out);
/* Marks dead the running jobs whose lease ran out on their last attempt
 * (their runner died each time); *n says how many. */
int fl_store_job_reap(fl_tx *tx, int64_t now, int64_t *n);
/* Deletes a finished job if owner still holds the lease it got for
 * attempt; FL_ENOTFOUND when that lease was lost (the job was taken again,
 * or reaped). */
int fl_store_job_done(fl_tx *tx, int64_t id, const char *owner, int attempt);
/* A probe's record (see fl_jobs_probe). */
struct fl_job_probe {
	int64_t id, job_id;
	char *runner;
	int attempt;
	int64_t enqueued_at, ran_at;
};
/* Records that job (a probe, claimed by its lease_owner) ran now, and
 * forgets probes older than a week. */
int fl_store_job_probe_add(fl_tx *tx, const struct fl_job *job, int64_t now);
/* The latest probes, newest first. */
int fl_store_job_probe_list(fl_tx *tx, size_t limit, fl_arena *a, struct fl_job_probe **out,
			    size_t *n);
/* Records a failed run of job id (claimed by owner at attempt): queued
 * again at retry_at, or dead when its attempts are used up or final. */
int fl_store_job_fail(fl_tx *tx, int64_t id, const char *owner, int attempt, int final,
		      const char *error, int64_t retry_at, int64_t now);
/* Queues a dead job again with fresh attempts, due now; FL_ENOTFOUND when
 * there is no dead job id. */
int fl_store_job_retry(fl_tx *tx, int64_t id, int64_t now);
/* How many jobs are in each state (indexed by enum fl_job_state). */
int fl_store_job_counts(fl_tx *tx, int64_t counts[4]);
/* The queued and the running jobs of a kind. */
struct fl_job_kind {
	char *kind;
	int64_t queued, running;
	int64_t oldest_run_at; /* the earliest run_at of its queued jobs; 0: none queued */
};
/* Every kind with queued or running jobs, by kind, at most max, into *out
 * (in a); *n says how many. Reads the index jobs_kinds alone, never the
 * dead jobs: cheap enough for every scrape of /metrics. */
int fl_store_job_kinds(fl_tx *tx, size_t max, fl_arena *a, struct fl_job_kind **out, size_t *n);
/* Jobs in state (-1: any), the most recently changed first, at most limit. */
int fl_store_job_list(fl_tx *tx, int state, size_t limit, fl_arena *a, struct fl_job **out,
		      size_t *n);

#endif
