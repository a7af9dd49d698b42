/* Queries about background jobs. */
#include <string.h>

#include "core/log.h"
#include "store/jobs.h"
#include "store/store_int.h"

#define JOB_COLUMN(m, expr) FL_COLUMN(struct fl_job, m)
static const struct fl_col job_col[] = {FL_JOB_COLUMNS(JOB_COLUMN, FL_COMMA)};
static const struct fl_cols job_cols = FL_COLS(struct fl_job, job_col);

#define PROBE_COLUMNS(X, S)                                                                      \
	X(id, "id")                                                                              \
	S X(job_id, "job_id") S X(runner, "runner") S X(attempt, "attempt") S X(enqueued_at,     \
										"enqueued_at") S \
	X(ran_at, "ran_at")
#define PROBE_COLUMN(m, expr) FL_COLUMN(struct fl_job_probe, m)
static const struct fl_col probe_col[] = {PROBE_COLUMNS(PROBE_COLUMN, FL_COMMA)};
static const struct fl_cols probe_cols = FL_COLS(struct fl_job_probe, probe_col);

/* The queue by kind: counted from the index jobs_kinds (state, kind,
 * run_at), which holds every column read. */
#define KIND_COLUMNS(X, S)                                               \
	X(kind, "kind")                                                  \
	S X(queued, "SUM(CASE WHEN state = 0 THEN 1 ELSE 0 END)") S X(   \
		running, "SUM(CASE WHEN state = 1 THEN 1 ELSE 0 END)") S \
	X(oldest_run_at, "COALESCE(MIN(CASE WHEN state = 0 THEN run_at END), 0)")
#define KIND_COLUMN(m, expr) FL_COLUMN(struct fl_job_kind, m)
static const struct fl_col kind_col[] = {KIND_COLUMNS(KIND_COLUMN, FL_COMMA)};
static const struct fl_cols kind_cols = FL_COLS(struct fl_job_kind, kind_col);

int fl_store_job_enqueue(fl_tx *tx, const char *kind, const char *payload, int64_t run_at,
			 int max_attempts, const char *unique_key, int64_t now)
{
	static const char sql[] =
		"INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key,"
		"                  created_at, updated_at, request_id)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (unique_key) DO NOTHING";
	return fl_q_exec(tx, sql, "ttiitiit", kind, payload ? payload : "{}", run_at,
			 (int64_t)(max_attempts > 0 ? max_attempts : 5), unique_key, now, now,
			 fl_log_request());
}

int fl_store_job_claim(fl_tx *tx, const char *owner, int64_t now, int64_t lease_until, fl_arena *a,
		       struct fl_job *out)
{
	return fl_store_job_claim_kinds(tx, NULL, owner, now, lease_until, a, out);
}

int fl_store_job_claim_kinds(fl_tx *tx, const char *prefix, const char *owner, int64_t now,
			     int64_t lease_until, fl_arena *a, struct fl_job *out)
{
	/* kinds are short lower-case names: every one is in ["", "~"); a
	 * prefix's run ends where its last byte is one more */
	char from[32] = "", to[32] = "~";
	size_t n = prefix ? strlen(prefix) : 0;
	fl_stmt *st;
	int rc;

	if (n >= sizeof from || (n && (unsigned char)prefix[n - 1] == 0xff))
		return FL_EINVAL;
	if (n) {
		memcpy(from, prefix, n + 1);
		memcpy(to, prefix, n + 1);
		to[n - 1]++;
	}
	rc = fl_q(tx, tx->drv->job_claim, 0, &st, "tiittii", owner, lease_until, now, from, to, now,
		  now);
	return rc ? rc : fl_q_one_cols(tx, st, &job_cols, a, out);
}

int fl_store_job_reap(fl_tx *tx, int64_t now, int64_t *n)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM jobs"
		" WHERE state = 1 AND lease_until < ? AND attempts >= max_attempts";
	static const char sql[] =
		"UPDATE jobs"
		" SET state = 3, last_error = 'its runner stopped during the last attempt',"
		"     lease_owner = NULL, lease_until = NULL, updated_at = ?"
		" WHERE state = 1 AND lease_until < ? AND attempts >= max_attempts";
	int rc = fl_q_int(tx, sql_count, n, "i", now);
	return rc || *n == 0 ? rc : fl_q_exec(tx, sql, "ii", now, now);
}

int fl_store_job_done(fl_tx *tx, int64_t id, const char *owner, int attempt)
{
	static const char sql[] =
		"DELETE FROM jobs"
		" WHERE id = ? AND state = 1 AND lease_owner = ? AND attempts = ?"
		" RETURNING id";
	int64_t gone;
	return fl_q_int(tx, sql, &gone, "iti", id, owner, (int64_t)attempt);
}

int fl_store_job_fail(fl_tx *tx, int64_t id, const char *owner, int attempt, int final,
		      const char *error, int64_t retry_at, int64_t now)
{
	static const char sql[] =
		"UPDATE jobs"
		" SET state = CASE WHEN attempts >= max_attempts OR ? = 1 THEN 3 ELSE 0 END,"
		"     run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL,"
		"     updated_at = ?"
		" WHERE id = ? AND state = 1 AND lease_owner = ? AND attempts = ?"
		" RETURNING id";
	int64_t got;
	return fl_q_int(tx, sql, &got, "iitiiti", (int64_t)(final != 0), retry_at, error, now, id,
			owner, (int64_t)attempt);
}

int fl_store_job_retry(fl_tx *tx, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE jobs"
		" SET state = 0, attempts = 0, run_at = ?, updated_at = ?"
		" WHERE id = ? AND state = 3"
		" RETURNING id";
	int64_t got;
	return fl_q_int(tx, sql, &got, "iii", now, now, id);
}

int fl_store_job_counts(fl_tx *tx, int64_t counts[4])
{
	static const char sql[] =
		"SELECT state, COUNT(*)"
		" FROM jobs"
		" GROUP BY state";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");

	if (rc)
		return rc;
	memset(counts, 0, 4 * sizeof *counts);
	while ((rc = fl_q_step(tx, st)) == 1) {
		int64_t state = fl_col_int(tx, st, 0);
		if (state >= 0 && state < 4)
			counts[state] = fl_col_int(tx, st, 1);
	}
	fl_q_done(tx, st);
	return rc;
}

int fl_store_job_kinds(fl_tx *tx, size_t max, fl_arena *a, struct fl_job_kind **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(KIND_COLUMNS)
		" FROM jobs"
		" WHERE state IN (0, 1)"
		" GROUP BY kind"
		" ORDER BY kind"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &kind_cols, a, max, (void **)out, n);
}

int fl_store_job_list(fl_tx *tx, int state, size_t limit, fl_arena *a, struct fl_job **out,
		      size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(FL_JOB_COLUMNS)
		" FROM jobs"
		" WHERE ? < 0 OR state = ?"
		" ORDER BY updated_at DESC, id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", (int64_t)state, (int64_t)state, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &job_cols, a, limit, (void **)out, n);
}

int fl_store_job_probe_add(fl_tx *tx, const struct fl_job *job, int64_t now)
{
	static const char sql[] =
		"INSERT INTO job_probes (job_id, runner, attempt, enqueued_at, ran_at)"
		" VALUES (?, ?, ?, ?, ?)";
	static const char sql_old[] =
		"DELETE FROM job_probes"
		" WHERE ran_at < ?";
	int rc = fl_q_exec(tx, sql, "itiii", job->id, job->lease_owner ? job->lease_owner : "",
			   (int64_t)job->attempts, job->created_at, now);
	return rc ? rc : fl_q_exec(tx, sql_old, "i", now - 7 * 86400);
}

int fl_store_job_probe_list(fl_tx *tx, size_t limit, fl_arena *a, struct fl_job_probe **out,
			    size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(PROBE_COLUMNS)
		" FROM job_probes"
		" ORDER BY id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &probe_cols, a, limit, (void **)out, n);
}
