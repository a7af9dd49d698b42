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
#include "store/jobs.h"
#include "store/store.h"

/* A kind's function: 0 when the job is done, else a negative code with e
 * saying why (recorded as the job's last_error). FL_EINVAL means it will
 * never succeed: a one-off job is then dead at once, not retried. */
typedef int (*fl_job_fn)(fl_store *s, const struct fl_job *job, struct fl_err *e);
/* A kind whose whole work is one transaction: it runs in the transaction
 * that marks the job done, so its effect happens exactly once even when a
 * runner dies and another takes the job again. */
typedef int (*fl_job_tx_fn)(fl_tx *tx, const struct fl_job *job, struct fl_err *e);

struct fl_jobs;

/* A runner on s; owner names it in leases and must be unique among live
 * runners ("host:pid:random", see serve.c). */
int fl_jobs_new(struct fl_jobs **out, fl_store *s, const char *owner);
/* Registers kind; period > 0 makes it periodic (seconds between runs).
 * At most 32 kinds. */
int fl_jobs_register(struct fl_jobs *j, const char *kind, fl_job_fn fn, int64_t period);
/* A kind with a transactional part: fn (NULL for none) runs first, outside
 * any transaction; then tx_fn in the transaction that marks the job done. */
int fl_jobs_register_tx(struct fl_jobs *j, const char *kind, fl_job_fn fn, fl_job_tx_fn tx_fn,
			int64_t period);
/* How long a claim lasts (seconds, default 300): a job whose runner died
 * waits this long before another runner takes it. */
void fl_jobs_set_lease(struct fl_jobs *j, int64_t seconds);
/* Queues a job of kind to run at run_at (now when 0), with the calling
 * thread's request id (core/log.h). */
int fl_jobs_enqueue(fl_store *s, const char *kind, const char *payload, int64_t run_at,
		    int max_attempts);
/* Queues the periodic kinds that have no queued instance, due now. */
int fl_jobs_schedule(struct fl_jobs *j);
/* Claims one due job and runs it; *ran says whether there was one. */
int fl_jobs_run_once(struct fl_jobs *j, int *ran);
/* Makes j claim only the kinds whose names begin with prefix (a static
 * string): a second runner on a node for work that must not wait behind a
 * backlog of the first's (the SLA's events behind thousands of mails).
 * Its kinds are registered with it as with any runner. */
void fl_jobs_only(struct fl_jobs *j, const char *prefix);
/* Starts the runner's thread; fl_jobs_free stops it after its current job. */
int fl_jobs_start(struct fl_jobs *j);
void fl_jobs_free(struct fl_jobs *j);

/* The "probe" kind: holds its claim for the payload's hold_ms (at most
 * 10 s), then records which runner ran it and when (job_probes), so an
 * operator can see that every node takes jobs and how soon. */
int fl_jobs_probe_hold(fl_store *s, const struct fl_job *job, struct fl_err *e);
int fl_jobs_probe(fl_tx *tx, const struct fl_job *job, struct fl_err *e);

#endif
