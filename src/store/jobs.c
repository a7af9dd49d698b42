/* Queries about background jobs. */
#include <string.h>

#include "store/jobs.h"
#include "store/store_int.h"

static int read_job(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_job *j = row;
	int err = 0;
	j->id = fl_col_int(tx, st, 0);
	j->kind = fl_col_text(tx, st, 1, a, &err);
	j->payload = fl_col_text(tx, st, 2, a, &err);
	j->state = (int)fl_col_int(tx, st, 3);
	j->attempts = (int)fl_col_int(tx, st, 4);
	j->max_attempts = (int)fl_col_int(tx, st, 5);
	j->run_at = fl_col_int(tx, st, 6);
	j->lease_until = fl_col_int(tx, st, 7);
	j->lease_owner = fl_col_text(tx, st, 8, a, &err);
	j->last_error = fl_col_text(tx, st, 9, a, &err);
	j->unique_key = fl_col_text(tx, st, 10, a, &err);
	j->created_at = fl_col_int(tx, st, 11);
	j->updated_at = fl_col_int(tx, st, 12);
	return err;
}

int fl_store_job_enqueue(fl_tx *tx, const char *kind, const char *payload, int64_t run_at,
			 int max_attempts, const char *unique_key, int64_t now)
{
	static const char sql[] =
		"INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key,"
		"                  created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (unique_key) DO NOTHING";
	return fl_q_exec(tx, sql, "ttiitii", kind, payload ? payload : "{}", run_at,
			 (int64_t)(max_attempts > 0 ? max_attempts : 5), unique_key, now, now);
}

int fl_store_job_claim(fl_tx *tx, const char *owner, int64_t now, int64_t lease_until,
		       fl_arena *a, struct fl_job *out)
{
	fl_stmt *st;
	int rc = fl_q(tx, tx->drv->job_claim, 0, &st, "tiiii", owner, lease_until, now, now, now);
	return rc ? rc : fl_q_one(tx, st, read_job, a, out, sizeof *out);
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

int fl_store_job_list(fl_tx *tx, int state, size_t limit, fl_arena *a,
		      struct fl_job **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_JOB_COLS
		" FROM jobs"
		" WHERE ? < 0 OR state = ?"
		" ORDER BY updated_at DESC, id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", (int64_t)state, (int64_t)state, (int64_t)limit);
	return rc ? rc : fl_q_rows(tx, st, read_job, a, sizeof **out, limit, (void **)out, n);
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

static int read_probe(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_job_probe *p = row;
	int err = 0;
	p->id = fl_col_int(tx, st, 0);
	p->job_id = fl_col_int(tx, st, 1);
	p->runner = fl_col_text(tx, st, 2, a, &err);
	p->attempt = (int)fl_col_int(tx, st, 3);
	p->enqueued_at = fl_col_int(tx, st, 4);
	p->ran_at = fl_col_int(tx, st, 5);
	return err;
}

int fl_store_job_probe_list(fl_tx *tx, size_t limit, fl_arena *a,
			    struct fl_job_probe **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, job_id, runner, attempt, enqueued_at, ran_at"
		" FROM job_probes"
		" ORDER BY id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)limit);
	return rc ? rc : fl_q_rows(tx, st, read_probe, a, sizeof **out, limit, (void **)out, n);
}
