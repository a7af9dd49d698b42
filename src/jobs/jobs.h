/* Background jobs: one durable mechanism for all background work.
 *
 * Jobs live in the store (table jobs). A runner claims the job due first
 * for a lease, runs its kind's function outside any transaction, then
 * deletes it (done) or records the failure: retried with exponential
 * backoff until its attempts are used up, then kept as dead for the
 * operator. A runner that dies mid-job loses its lease, and any runner —
 * on this node or another — takes the job again once the lease has run
 * out, so a job's function must be safe to run twice. Periodic kinds keep
 * exactly one queued instance (the kind is its unique key) and queue the
 * next run when one finishes. */
#ifndef FL_JOBS_JOBS_H
#define FL_JOBS_JOBS_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* A kind's function: 0 when the job is done, else a negative code with e
 * saying why (recorded as the job's last_error). */
typedef int (*fl_job_fn)(fl_store *s, const struct fl_job *job, struct fl_err *e);

struct fl_jobs;

/* A runner on s; owner names it in leases and must be unique among live
 * runners ("host:pid:random", see serve.c). */
int fl_jobs_new(struct fl_jobs **out, fl_store *s, const char *owner);
/* Registers kind; period > 0 makes it periodic (seconds between runs).
 * At most 32 kinds. */
int fl_jobs_register(struct fl_jobs *j, const char *kind, fl_job_fn fn, int64_t period);
/* Queues a job of kind to run at run_at (now when 0). */
int fl_jobs_enqueue(fl_store *s, const char *kind, const char *payload, int64_t run_at,
		    int max_attempts);
/* Queues the periodic kinds that have no queued instance, due now. */
int fl_jobs_schedule(struct fl_jobs *j);
/* Claims one due job and runs it; *ran says whether there was one. */
int fl_jobs_run_once(struct fl_jobs *j, int *ran);
/* Starts the runner's thread; fl_jobs_free stops it after its current job. */
int fl_jobs_start(struct fl_jobs *j);
void fl_jobs_free(struct fl_jobs *j);

#endif
