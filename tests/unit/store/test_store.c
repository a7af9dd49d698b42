/* The store's test suite, one suite for both backends (as GNU Taler's
 * test_exchangedb.c runs one suite over every database driver): what
 * store/jobs.h, views.h, attachments.h, mail.h, portal.h, settings.h and
 * store.h promise, and the column-table reader under them (store_int.h).
 *
 * Every case gets a new, empty store: a SQLite file in a temporary folder,
 * or, when FRONTLINE_TEST_PG is a PostgreSQL server's URI
 * (postgres://USER@HOST:PORT, as scripts/pg.sh prints it), a database
 * created on that server for the case and dropped after it. scripts/check.sh
 * unit runs this program once each way. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store/attachments.h"
#include "store/jobs.h"
#include "store/kb.h"
#include "store/mail.h"
#include "store/outbox.h"
#include "store/portal.h"
#include "store/queues.h"
#include "store/settings.h"
#include "store/slas.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/tickets.h"
#include "store/views.h"
#include "users/user.h"

#define T0 1800000000
#define DAY 86400

static fl_store *g_store;
static const char *g_server; /* FRONTLINE_TEST_PG, or NULL: SQLite */
static char g_dir[64], g_target[512], g_dbname[64];
static int g_ndb;

/* Transactions run on the store's writer thread, where a cmocka assertion
 * cannot stop the test: EXPECT records the first expectation that failed
 * and ends the callback with FL_EINTERNAL (the transaction rolls back);
 * run() then fails the test naming it. */
static int g_line;
static const char *g_what;

#define EXPECT(cond)                         \
	do {                                 \
		if (!(cond)) {               \
			g_line = __LINE__;   \
			g_what = #cond;      \
			return FL_EINTERNAL; \
		}                            \
	} while (0)
/* A store call that must answer want (0, FL_ENOTFOUND, …). */
#define EXPECT_RC(call, want) EXPECT((call) == (want))
#define EXPECT_STR(got, want) EXPECT((got) && !strcmp((got), (want)))

static void run(int (*txn)(fl_store *, fl_tx_fn, void *), fl_tx_fn fn, void *arg)
{
	int rc;

	g_line = 0;
	g_what = NULL;
	rc = txn(g_store, fn, arg);
	if (g_line)
		fail_msg("test_store.c:%d: expected %s", g_line, g_what);
	assert_int_equal(rc, 0);
}

#define WRITE(fn, arg) run(fl_store_write, fn, arg)
#define READ(fn, arg) run(fl_store_read, fn, arg)

/* Runs sql on the server's maintenance database (PostgreSQL only). */
static int pg_admin(const char *sql)
{
	char uri[512];
	PGconn *c;
	PGresult *r;
	int ok;

	snprintf(uri, sizeof uri, "%s/postgres", g_server);
	c = PQconnectdb(uri);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	struct fl_store_opts o = {0};
	char sql[128];

	(void)state;
	if (g_server) {
		snprintf(g_dbname, sizeof g_dbname, "fl_store_%ld_%d", (long)getpid(), ++g_ndb);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", g_dbname);
		if (pg_admin(sql))
			return -1;
		snprintf(g_target, sizeof g_target, "%s/%s", g_server, g_dbname);
	} else {
		snprintf(g_dir, sizeof g_dir, "/tmp/fl-store-XXXXXX");
		if (!mkdtemp(g_dir))
			return -1;
		snprintf(g_target, sizeof g_target, "%s/store.db", g_dir);
	}
	o.target = g_target;
	return fl_store_open(&g_store, &o, NULL);
}

static int teardown(void **state)
{
	char sql[160];

	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	if (g_server) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_dbname);
		return pg_admin(sql);
	}
	snprintf(sql, sizeof sql, "rm -rf %s", g_dir);
	return system(sql) ? -1 : 0;
}

/* Rows other domains own (users, tickets, comments), written as plain SQL
 * so that this suite does not lean on their store functions. */
static int add_user(fl_tx *tx, const char *email, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO users (role, name, email, created_at, updated_at)"
		" VALUES (2, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "ttii", email, email, (int64_t)T0, (int64_t)T0);
}

static int add_ticket(fl_tx *tx, int64_t requester, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO tickets (subject, status, channel, requester_id, submitter_id,"
		"                     created_at, updated_at)"
		" VALUES ('a question', 1, 1, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "iiii", requester, requester, (int64_t)T0, (int64_t)T0);
}

static int add_comment(fl_tx *tx, int64_t ticket, int64_t author, int seq, int public, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO comments (ticket_id, seq, author_id, public, body, html_body,"
		"                      channel, created_at)"
		" VALUES (?, ?, ?, ?, 'words', '<p>words</p>', 1, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "iiiii", ticket, (int64_t)seq, author, (int64_t) public,
			(int64_t)T0);
}

/* ---- the column-table reader ---- */

struct sample {
	int64_t big;
	int small;
	char *text;
	int64_t null_big;
	int null_small;
	char *null_text;
	int64_t unlisted; /* not in the table: reads as 0 */
};

/* 2^53 + 1: a value a double cannot hold, so nothing on the way may be one */
#define SAMPLE_COLUMNS(X, S)                                                                 \
	X(big, "CAST(9007199254740993 AS BIGINT)")                                           \
	S X(small, "-7") S X(text, "'naïve, ĉu ne? 「引用」'") S X(null_big,                 \
								   "CAST(NULL AS BIGINT)") S \
	X(null_small, "CAST(NULL AS BIGINT)") S                                              \
	X(null_text, "CAST(NULL AS TEXT)")
#define SAMPLE_COLUMN(m, expr) FL_COLUMN(struct sample, m)
static const struct fl_col sample_col[] = {SAMPLE_COLUMNS(SAMPLE_COLUMN, FL_COMMA)};
static const struct fl_cols sample_cols = FL_COLS(struct sample, sample_col);

struct columns {
	fl_arena a;
	struct sample one, kept, *rows;
	size_t n;
	int short_rc;
};

static int tx_columns(fl_tx *tx, void *arg)
{
	static const char sql_one[] = "SELECT " FL_COLUMNS_SQL(SAMPLE_COLUMNS);
	static const char sql_rows[] =
		"SELECT " FL_COLUMNS_SQL(SAMPLE_COLUMNS)
		" UNION ALL"
		" SELECT " FL_COLUMNS_SQL(SAMPLE_COLUMNS);
	static const char sql_short[] = "SELECT 1, 2";
	struct columns *c = arg;
	fl_stmt *st;
	int rc;

	memset(&c->one, 0x5a, sizeof c->one); /* what the reader must overwrite */
	if ((rc = fl_q(tx, sql_one, 0, &st, "")) ||
	    (rc = fl_q_one_cols(tx, st, &sample_cols, &c->a, &c->one)) ||
	    (rc = fl_q(tx, sql_rows, 0, &st, "")) ||
	    (rc = fl_q_rows_cols(tx, st, &sample_cols, &c->a, 10, (void **)&c->rows, &c->n)) ||
	    (rc = fl_q(tx, sql_short, 0, &st, "")))
		return rc;
	c->kept = c->one;
	c->short_rc = fl_q_one_cols(tx, st, &sample_cols, &c->a, &c->kept);
	return 0;
}

static void assert_sample(const struct sample *s)
{
	assert_true(s->big == INT64_C(9007199254740993));
	assert_int_equal(s->small, -7);
	assert_string_equal(s->text, "naïve, ĉu ne? 「引用」");
	assert_true(s->null_big == 0);
	assert_int_equal(s->null_small, 0);
	assert_null(s->null_text);
	assert_true(s->unlisted == 0);
}

/* Every column of a row comes back into its member; SQL NULL reads as 0 or
 * NULL; a member the table leaves out is zeroed; a statement whose columns
 * are not the table's is refused, and leaves the output alone. */
static void test_column_table_reads_every_column(void **state)
{
	struct columns c = {0};

	(void)state;
	fl_arena_init(&c.a, 0);
	READ(tx_columns, &c);
	assert_int_equal(c.short_rc, FL_EINTERNAL);
	assert_sample(&c.one);
	assert_int_equal(c.n, 2);
	assert_sample(&c.rows[0]);
	assert_sample(&c.rows[1]);
	assert_memory_equal(&c.kept, &c.one, sizeof c.one);
	assert_string_equal(FL_COLUMNS_SQL(SAMPLE_COLUMNS),
			    "CAST(9007199254740993 AS BIGINT), -7, 'naïve, ĉu ne? 「引用」',"
			    " CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS TEXT)");
	fl_arena_free(&c.a);
}

/* Statements built per request are kept by their text (db.h,
 * FL_DYN_SLOTS): more shapes than slots, asked again and again, each
 * answers its own query; the same text asked while it is still being read
 * gets a statement of its own. */
static int tx_dynamic(fl_tx *tx, void *arg)
{
	int *bad = arg;

	for (int64_t round = 0; round < 3; round++)
		for (int k = 0; k < 3 * FL_DYN_SLOTS; k++) {
			char sql[64];
			int64_t v = -1;
			snprintf(sql, sizeof sql, "SELECT CAST(? AS BIGINT) + %d", k);
			fl_stmt *st;
			int rc = fl_q(tx, sql, 1, &st, "i", round);
			if (rc || fl_q_step(tx, st) != 1)
				return rc ? rc : FL_EINTERNAL;
			v = fl_col_int(tx, st, 0);
			fl_q_done(tx, st);
			*bad += v != round + k;
		}
	{
		static const char sql[] = "SELECT CAST(? AS BIGINT) * 2";
		fl_stmt *outer, *inner;
		int rc = fl_q(tx, sql, 1, &outer, "i", (int64_t)21);
		if (rc || fl_q_step(tx, outer) != 1 || fl_q(tx, sql, 1, &inner, "i", (int64_t)5) ||
		    fl_q_step(tx, inner) != 1)
			return FL_EINTERNAL;
		*bad += outer == inner;
		*bad += fl_col_int(tx, inner, 0) != 10;
		*bad += fl_col_int(tx, outer, 0) != 42;
		fl_q_done(tx, inner);
		fl_q_done(tx, outer);
	}
	return 0;
}

static void test_dynamic_statements_kept(void **state)
{
	int bad = 0;

	(void)state;
	READ(tx_dynamic, &bad);
	WRITE(tx_dynamic, &bad);
	READ(tx_dynamic, &bad);
	assert_int_equal(bad, 0);
}

/* ---- jobs ---- */

struct jobs {
	fl_arena a;
};

static int count_jobs(fl_tx *tx, int64_t queued, int64_t running, int64_t dead)
{
	int64_t n[4];
	int rc = fl_store_job_counts(tx, n);
	return rc ? rc
	       : n[FL_JOB_QUEUED] == queued && n[FL_JOB_RUNNING] == running &&
			       n[FL_JOB_DONE] == 0 && n[FL_JOB_DEAD] == dead
		       ? 0
		       : FL_EINVAL;
}

static int tx_job_unique(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job job, *list;
	size_t n;

	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", "{\"n\":1}", T0, 3, "mail:1", T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", "{\"n\":2}", T0, 3, "mail:1", T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", NULL, T0 + 5, 0, NULL, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", NULL, T0 + 5, 0, NULL, T0), 0);
	EXPECT_RC(count_jobs(tx, 3, 0, 0), 0);
	/* the first one queued under the key is the one kept */
	EXPECT_RC(fl_store_job_claim(tx, "node-a", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_STR(job.payload, "{\"n\":1}");
	EXPECT_STR(job.unique_key, "mail:1");
	/* a running job keeps its key, and so does a dead one */
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", "{\"n\":3}", T0, 3, "mail:1", T0), 0);
	EXPECT_RC(count_jobs(tx, 2, 1, 0), 0);
	EXPECT_RC(fl_store_job_fail(tx, job.id, "node-a", 1, 1, "refused", T0, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", "{\"n\":4}", T0, 3, "mail:1", T0), 0);
	EXPECT_RC(count_jobs(tx, 2, 0, 1), 0);
	/* once it is gone the key is free again */
	EXPECT_RC(fl_store_job_retry(tx, job.id, T0), 0);
	EXPECT_RC(fl_store_job_claim(tx, "node-a", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_RC(fl_store_job_done(tx, job.id, "node-a", 1), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "mail.send", "{\"n\":5}", T0, 3, "mail:1", T0), 0);
	EXPECT_RC(fl_store_job_list(tx, FL_JOB_QUEUED, 10, &j->a, &list, &n), 0);
	EXPECT(n == 3);
	EXPECT_RC(fl_store_job_list(tx, -1, 2, &j->a, &list, &n), 0);
	EXPECT(n == 2);
	return 0;
}

/* A unique key stands for one job while it is queued, running or dead. */
static void test_job_unique_key(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_unique, &j);
	fl_arena_free(&j.a);
}

static int tx_job_claim(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job a, b, again, *list;
	size_t n;

	EXPECT_RC(fl_store_job_enqueue(tx, "later", "{\"x\":\"later\"}", T0 + 10, 4, "k-later",
				       T0 - 1),
		  0);
	EXPECT_RC(fl_store_job_enqueue(tx, "now", "{\"x\":\"now\"}", T0, 0, NULL, T0 - 1), 0);
	/* the one due first, with every column */
	EXPECT_RC(fl_store_job_claim(tx, "node-a", T0, T0 + 30, &j->a, &b), 0);
	EXPECT(b.id > 0);
	EXPECT_STR(b.kind, "now");
	EXPECT_STR(b.payload, "{\"x\":\"now\"}");
	EXPECT(b.state == FL_JOB_RUNNING);
	EXPECT(b.attempts == 1);
	EXPECT(b.max_attempts == 5);
	EXPECT(b.run_at == T0);
	EXPECT(b.lease_until == T0 + 30);
	EXPECT_STR(b.lease_owner, "node-a");
	EXPECT(b.last_error == NULL);
	EXPECT(b.unique_key == NULL);
	EXPECT(b.created_at == T0 - 1);
	EXPECT(b.updated_at == T0);
	/* nothing else is due yet */
	EXPECT_RC(fl_store_job_claim(tx, "node-b", T0 + 5, T0 + 35, &j->a, &again), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_claim(tx, "node-b", T0 + 10, T0 + 40, &j->a, &a), 0);
	EXPECT_STR(a.kind, "later");
	EXPECT(a.max_attempts == 4);
	EXPECT_STR(a.unique_key, "k-later");
	/* b's lease runs out: another node takes it, and the first runner's
	 * lease is lost */
	EXPECT_RC(fl_store_job_claim(tx, "node-b", T0 + 30, T0 + 60, &j->a, &again), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_claim(tx, "node-b", T0 + 31, T0 + 61, &j->a, &again), 0);
	EXPECT(again.id == b.id);
	EXPECT(again.attempts == 2);
	EXPECT_STR(again.lease_owner, "node-b");
	EXPECT_RC(fl_store_job_done(tx, b.id, "node-a", 1), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_done(tx, b.id, "node-b", 1), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_done(tx, b.id, "node-b", 2), 0);
	EXPECT_RC(fl_store_job_done(tx, b.id, "node-b", 2), FL_ENOTFOUND);
	EXPECT_RC(count_jobs(tx, 0, 1, 0), 0);
	EXPECT_RC(fl_store_job_list(tx, FL_JOB_RUNNING, 10, &j->a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == a.id && list[0].state == FL_JOB_RUNNING);
	EXPECT_STR(list[0].lease_owner, "node-b");
	return 0;
}

/* Claims take the job due first, count an attempt and hold a lease; a
 * lease that ran out lets another runner take the job, and the first one
 * can no longer finish it. */
static void test_job_claim_and_lease(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_claim, &j);
	fl_arena_free(&j.a);
}

static int tx_job_kinds(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job job;

	/* a backlog of mail due first, then the SLA's tick and a recompute */
	for (int i = 0; i < 5; i++)
		EXPECT_RC(fl_store_job_enqueue(tx, "mail-send", NULL, T0 - 60 + i, 0, NULL, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "sla-tick", NULL, T0, 0, NULL, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "sla-recompute", NULL, T0 - 1, 0, NULL, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "slack", NULL, T0 - 2, 0, NULL, T0), 0);
	/* the SLA's runner takes its own, due first among them, past the mail
	 * (and past "slack", which only looks like one of them) */
	EXPECT_RC(fl_store_job_claim_kinds(tx, "sla-", "node-a:sla", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_STR(job.kind, "sla-recompute");
	EXPECT_RC(fl_store_job_claim_kinds(tx, "sla-", "node-a:sla", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_STR(job.kind, "sla-tick");
	EXPECT_RC(fl_store_job_claim_kinds(tx, "sla-", "node-a:sla", T0, T0 + 30, &j->a, &job),
		  FL_ENOTFOUND);
	/* every kind: the mail due first */
	EXPECT_RC(fl_store_job_claim(tx, "node-a", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_STR(job.kind, "mail-send");
	EXPECT(job.run_at == T0 - 60);
	/* a lease that ran out is taken again by the runner of its kind */
	EXPECT_RC(fl_store_job_claim_kinds(tx, "sla-", "node-b:sla", T0 + 31, T0 + 61, &j->a, &job),
		  0);
	EXPECT(!strncmp(job.kind, "sla-", 4));
	return 0;
}

/* A runner for some kinds (jobs/jobs.h, fl_jobs_only) claims only those,
 * by byte order on both backends, however many others are due first. */
static void test_job_claim_kinds(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_kinds, &j);
	fl_arena_free(&j.a);
}

static int tx_job_fail(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job job, *list;
	size_t n;

	EXPECT_RC(fl_store_job_enqueue(tx, "deliver", NULL, T0, 2, NULL, T0), 0);
	EXPECT_RC(fl_store_job_claim(tx, "r", T0, T0 + 30, &j->a, &job), 0);
	EXPECT_STR(job.payload, "{}");
	/* a stale attempt cannot record a failure */
	EXPECT_RC(fl_store_job_fail(tx, job.id, "r", 2, 0, "late", T0 + 60, T0 + 1), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_fail(tx, job.id, "r", 1, 0, "relay down", T0 + 60, T0 + 1), 0);
	EXPECT_RC(fl_store_job_list(tx, FL_JOB_QUEUED, 10, &j->a, &list, &n), 0);
	EXPECT(n == 1);
	EXPECT(list[0].run_at == T0 + 60 && list[0].attempts == 1);
	EXPECT_STR(list[0].last_error, "relay down");
	EXPECT(list[0].lease_owner == NULL && list[0].lease_until == 0);
	EXPECT_RC(fl_store_job_claim(tx, "r", T0 + 59, T0 + 89, &j->a, &job), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_claim(tx, "r", T0 + 60, T0 + 90, &j->a, &job), 0);
	/* the last attempt failing makes it dead */
	EXPECT_RC(fl_store_job_fail(tx, job.id, "r", 2, 0, "relay down again", T0 + 120, T0 + 61),
		  0);
	EXPECT_RC(count_jobs(tx, 0, 0, 1), 0);
	EXPECT_RC(fl_store_job_claim(tx, "r", T0 + 999, T0 + 1029, &j->a, &job), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_retry(tx, job.id + 1, T0 + 100), FL_ENOTFOUND);
	EXPECT_RC(fl_store_job_retry(tx, job.id, T0 + 100), 0);
	EXPECT_RC(fl_store_job_retry(tx, job.id, T0 + 100), FL_ENOTFOUND); /* not dead */
	EXPECT_RC(fl_store_job_claim(tx, "r", T0 + 100, T0 + 130, &j->a, &job), 0);
	EXPECT(job.attempts == 1);
	EXPECT_STR(job.last_error, "relay down again");
	/* a final failure is dead at once */
	EXPECT_RC(fl_store_job_fail(tx, job.id, "r", 1, 1, "550 no such user", T0 + 200, T0 + 101),
		  0);
	EXPECT_RC(fl_store_job_list(tx, FL_JOB_DEAD, 10, &j->a, &list, &n), 0);
	EXPECT(n == 1 && list[0].attempts == 1 && list[0].updated_at == T0 + 101);
	EXPECT_STR(list[0].last_error, "550 no such user");
	return 0;
}

/* A failure queues the job again for its retry time, until its attempts
 * are used up or the failure is final; retry revives a dead job. */
static void test_job_fail_and_retry(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_fail, &j);
	fl_arena_free(&j.a);
}

static int tx_job_reap(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job last, spare, *list;
	int64_t n = -1;
	size_t k;

	EXPECT_RC(fl_store_job_enqueue(tx, "once", NULL, T0, 1, NULL, T0), 0);
	EXPECT_RC(fl_store_job_enqueue(tx, "twice", NULL, T0 + 1, 2, NULL, T0), 0);
	EXPECT_RC(fl_store_job_claim(tx, "gone", T0 + 1, T0 + 30, &j->a, &last), 0);
	EXPECT_RC(fl_store_job_claim(tx, "gone", T0 + 1, T0 + 30, &j->a, &spare), 0);
	EXPECT_STR(last.kind, "once");
	/* leases still held: nothing to reap */
	EXPECT_RC(fl_store_job_reap(tx, T0 + 30, &n), 0);
	EXPECT(n == 0);
	EXPECT_RC(fl_store_job_reap(tx, T0 + 31, &n), 0);
	EXPECT(n == 1);
	EXPECT_RC(fl_store_job_list(tx, FL_JOB_DEAD, 10, &j->a, &list, &k), 0);
	EXPECT(k == 1 && list[0].id == last.id && list[0].lease_owner == NULL);
	EXPECT_STR(list[0].last_error, "its runner stopped during the last attempt");
	EXPECT_RC(fl_store_job_reap(tx, T0 + 32, &n), 0);
	EXPECT(n == 0);
	/* the job with an attempt left is taken again instead */
	EXPECT_RC(fl_store_job_claim(tx, "new", T0 + 32, T0 + 60, &j->a, &spare), 0);
	EXPECT(spare.attempts == 2);
	EXPECT_STR(spare.kind, "twice");
	return 0;
}

/* A job whose runner died on its last attempt is marked dead, once. */
static void test_job_reap(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_reap, &j);
	fl_arena_free(&j.a);
}

static int tx_job_probes(fl_tx *tx, void *arg)
{
	struct jobs *j = arg;
	struct fl_job job = {
		.id = 41, .lease_owner = "node-a", .attempts = 2, .created_at = T0 - 5};
	struct fl_job_probe *p;
	size_t n;

	EXPECT_RC(fl_store_job_probe_add(tx, &job, T0 - 8 * DAY), 0);
	EXPECT_RC(fl_store_job_probe_add(tx, &job, T0 - 6 * DAY), 0);
	job.id = 42;
	job.lease_owner = NULL;
	EXPECT_RC(fl_store_job_probe_add(tx, &job, T0), 0);
	EXPECT_RC(fl_store_job_probe_list(tx, 10, &j->a, &p, &n), 0);
	EXPECT(n == 2); /* the one older than a week is forgotten */
	EXPECT(p[0].id > p[1].id && p[0].job_id == 42 && p[0].attempt == 2);
	EXPECT_STR(p[0].runner, "");
	EXPECT(p[0].enqueued_at == T0 - 5 && p[0].ran_at == T0);
	EXPECT(p[1].job_id == 41 && p[1].ran_at == T0 - 6 * DAY);
	EXPECT_STR(p[1].runner, "node-a");
	EXPECT_RC(fl_store_job_probe_list(tx, 1, &j->a, &p, &n), 0);
	EXPECT(n == 1 && p[0].job_id == 42);
	return 0;
}

/* Probes record who ran them, newest first, for a week. */
static void test_job_probes(void **state)
{
	struct jobs j;

	(void)state;
	fl_arena_init(&j.a, 0);
	WRITE(tx_job_probes, &j);
	fl_arena_free(&j.a);
}

/* ---- views ---- */

static int tx_views(fl_tx *tx, void *arg)
{
	fl_arena *a = arg;
	struct fl_view v = {.title = "Mine",
			    .title_translations = "{\"uk\":\"Мої\"}",
			    .description = NULL,
			    .active = 1,
			    .position = 2,
			    .conditions = "{\"all\":[]}",
			    .sort_by = "created_at",
			    .sort_desc = 0,
			    .created_at = T0,
			    .updated_at = T0 + 1};
	struct fl_view w = {.title = "Urgent",
			    .description = "P1 only",
			    .active = 0,
			    .position = 1,
			    .conditions = "{\"any\":[]}",
			    .sort_by = "updated_at",
			    .sort_desc = 1,
			    .created_at = T0,
			    .updated_at = T0};
	struct fl_view got, *list;
	size_t n;

	/* a new desk has none: the built-in queues are not views (migration 13) */
	EXPECT_RC(fl_store_view_list(tx, 0, a, &list, &n), 0);
	EXPECT(n == 0);
	EXPECT_RC(fl_store_view_insert(tx, &v), 0);
	EXPECT_RC(fl_store_view_insert(tx, &w), 0);
	EXPECT(v.id > 0 && w.id > v.id);
	EXPECT_RC(fl_store_view_get(tx, v.id, a, &got), 0);
	EXPECT(got.id == v.id && got.active == 1 && got.position == 2 && got.sort_desc == 0);
	EXPECT(got.created_at == T0 && got.updated_at == T0 + 1);
	EXPECT_STR(got.title, "Mine");
	EXPECT_STR(got.title_translations, "{\"uk\":\"Мої\"}");
	EXPECT_STR(got.description, "");
	EXPECT_STR(got.conditions, "{\"all\":[]}");
	EXPECT_STR(got.sort_by, "created_at");
	/* all of them by position; the active ones */
	EXPECT_RC(fl_store_view_list(tx, 0, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id == w.id && list[1].id == v.id);
	EXPECT_STR(list[0].description, "P1 only");
	EXPECT_STR(list[0].title_translations, "{}");
	EXPECT_RC(fl_store_view_list(tx, 1, a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == v.id);
	w.active = 1;
	w.position = 3;
	w.title = "Urgent tickets";
	w.updated_at = T0 + 9;
	EXPECT_RC(fl_store_view_update(tx, &w), 0);
	EXPECT_RC(fl_store_view_list(tx, 1, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id == v.id && list[1].id == w.id);
	EXPECT_STR(list[1].title, "Urgent tickets");
	EXPECT(list[1].updated_at == T0 + 9 && list[1].position == 3);
	EXPECT_RC(fl_store_view_delete(tx, v.id), 0);
	EXPECT_RC(fl_store_view_get(tx, v.id, a, &got), FL_ENOTFOUND);
	EXPECT_RC(fl_store_view_list(tx, 0, a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == w.id);
	return 0;
}

/* Views keep every field, list by position (active ones alone when asked),
 * change and go. */
static void test_views(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_views, &a);
	fl_arena_free(&a);
}

/* ---- queue counts ---- */

struct queues {
	int64_t agent, customer, a, b, c;
	int64_t gen;
	int64_t counts[FL_QUEUE__MAX];
};

static int put_ticket(fl_tx *tx, struct queues *q, int status, int64_t assignee, int64_t *id)
{
	struct fl_ticket t = {0};
	int rc;

	t.subject = (char *)"a question";
	t.status = status;
	t.channel = FL_CHANNEL_WEB;
	t.requester_id = t.submitter_id = q->customer;
	t.assignee_id = assignee;
	t.created_at = t.updated_at = T0;
	t.solved_at = status == FL_STATUS_SOLVED ? T0 : 0;
	rc = fl_store_ticket_insert(tx, &t);
	*id = t.id;
	return rc;
}

/* The counts for the agent, solved since T0 - DAY, in want's order:
 * my-open, unassigned, all-open, pending, solved, all. */
static int counts_are(fl_tx *tx, struct queues *q, const int64_t want[FL_QUEUE__MAX])
{
	int rc = fl_store_queue_counts(tx, q->agent, T0 - DAY, q->counts);
	for (int i = 0; !rc && i < FL_QUEUE__MAX; i++)
		if (q->counts[i] != want[i])
			return FL_EINTERNAL;
	return rc;
}

static int tx_queue_tickets(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	static const int64_t want[FL_QUEUE__MAX] = {1, 1, 2, 0, 1, 3};

	EXPECT_RC(add_user(tx, "agent@example.com", &q->agent), 0);
	EXPECT_RC(add_user(tx, "customer@example.com", &q->customer), 0);
	EXPECT_RC(put_ticket(tx, q, FL_STATUS_NEW, 0, &q->a), 0);
	EXPECT_RC(put_ticket(tx, q, FL_STATUS_OPEN, q->agent, &q->b), 0);
	EXPECT_RC(put_ticket(tx, q, FL_STATUS_SOLVED, q->agent, &q->c), 0);
	EXPECT_RC(counts_are(tx, q, want), 0);
	return 0;
}

/* Moves every ticket, makes one and deletes one, sees the counts follow
 * inside the transaction, then fails it (FL_EINVAL: not retried). */
static int tx_queue_moves_then_fails(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	struct fl_ticket t;
	fl_arena a;
	int64_t d;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_ticket_get(tx, q->a, &a, &t);
	if (!rc) {
		t.assignee_id = q->agent;
		t.status = FL_STATUS_PENDING;
		rc = fl_store_ticket_update(tx, &t, 0);
	}
	if (!rc && !(rc = fl_store_ticket_get(tx, q->c, &a, &t))) {
		t.deleted_at = T0 + 1;
		rc = fl_store_ticket_update(tx, &t, 0);
	}
	if (!rc && !(rc = fl_store_ticket_get(tx, q->b, &a, &t))) {
		t.assignee_id = 0;
		t.status = FL_STATUS_HOLD;
		rc = fl_store_ticket_update(tx, &t, 0);
	}
	fl_arena_free(&a);
	EXPECT_RC(rc, 0);
	EXPECT_RC(put_ticket(tx, q, FL_STATUS_CLOSED, q->agent, &d), 0);
	/* my-open: a (pending); unassigned: b (hold); solved: c deleted */
	EXPECT_RC(counts_are(tx, q, (const int64_t[FL_QUEUE__MAX]){1, 1, 2, 1, 0, 3}), 0);
	return FL_EINVAL;
}

/* Four tickets, as many writes as the failed transaction made: the
 * generation reaches the number that one had before it rolled back. */
static int tx_queue_four_new(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	int64_t id;

	for (int i = 0; i < 4; i++)
		EXPECT_RC(put_ticket(tx, q, FL_STATUS_NEW, 0, &id), 0);
	return 0;
}

static int tx_queue_after_four(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	static const int64_t want[FL_QUEUE__MAX] = {1, 5, 6, 0, 1, 7};
	int64_t gen;

	/* the failed writes left nothing: not their counts, not their
	 * generation, not what they read kept for this one */
	EXPECT_RC(fl_store_ticket_generation(tx, &gen), 0);
	EXPECT(gen == q->gen + 4);
	EXPECT_RC(counts_are(tx, q, want), 0);
	return 0;
}

static int tx_queue_generation(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	return fl_store_ticket_generation(tx, &q->gen);
}

/* The counts triggers keep (migration 012) move with the store's ticket
 * writes in their transaction, and a transaction that fails takes its
 * moves back with it: counts and write generation are what they were. The
 * counts it read are not kept, though another commit then reaches the
 * generation it had. */
static void test_queue_counts_roll_back(void **state)
{
	struct queues q = {0};
	int64_t first;

	(void)state;
	WRITE(tx_queue_tickets, &q);
	READ(tx_queue_generation, &q);
	first = q.gen;
	assert_true(first >= 3);
	g_line = 0;
	assert_int_equal(fl_store_write(g_store, tx_queue_moves_then_fails, &q), FL_EINVAL);
	if (g_line)
		fail_msg("test_store.c:%d: expected %s", g_line, g_what);
	WRITE(tx_queue_four_new, &q);
	READ(tx_queue_after_four, &q);
}

/* Other writers' shards, as PostgreSQL's connections leave them: a bucket
 * split +2/-2 over two shards, another emptied, the generation spread (added
 * to a row the writer's own shard may already have: its pid modulo 256). */
static int tx_queue_shards(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	static const int64_t want[FL_QUEUE__MAX] = {1, 1, 2, 0, 1, 3};

	EXPECT_RC(fl_q_exec(tx,
			    "INSERT INTO ticket_counts (status, assignee_id, group_id, shard, n)"
			    " VALUES (1, 0, 0, 7, 2), (1, 0, 0, 9, -2), (2, 0, 0, 8, 0)"
			    " ON CONFLICT (status, assignee_id, group_id, shard)"
			    " DO UPDATE SET n = ticket_counts.n + excluded.n",
			    ""),
		  0);
	EXPECT_RC(fl_q_exec(tx,
			    "INSERT INTO ticket_writes (shard, n) VALUES (5, 10), (6, 1)"
			    " ON CONFLICT (shard) DO UPDATE SET n = ticket_writes.n + excluded.n",
			    ""),
		  0);
	EXPECT_RC(fl_store_ticket_generation(tx, &q->gen), 0);
	EXPECT_RC(counts_are(tx, q, want), 0);
	return 0;
}

static int tx_queue_compacted(fl_tx *tx, void *arg)
{
	struct queues *q = arg;
	static const int64_t want[FL_QUEUE__MAX] = {1, 1, 2, 0, 1, 3};
	int64_t gen, stray, writes;

	EXPECT_RC(fl_store_ticket_generation(tx, &gen), 0);
	EXPECT(gen == q->gen);
	EXPECT_RC(counts_are(tx, q, want), 0);
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM ticket_counts WHERE shard <> 0 OR n = 0",
			   &stray, ""),
		  0);
	EXPECT(stray == 0);
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM ticket_writes", &writes, ""), 0);
	EXPECT(writes == 1);
	return 0;
}

static int tx_queue_compact(fl_tx *tx, void *arg)
{
	(void)arg;
	return fl_store_ticket_counts_compact(tx);
}

/* The counts-compact job folds the shards into one and changes no count
 * and not the generation; new writes count on after it. */
static void test_queue_counts_compact(void **state)
{
	struct queues q = {0};

	(void)state;
	WRITE(tx_queue_tickets, &q);
	WRITE(tx_queue_shards, &q);
	WRITE(tx_queue_compact, NULL);
	READ(tx_queue_compacted, &q);
	WRITE(tx_queue_four_new, &q);
	READ(tx_queue_after_four, &q);
}

/* ---- attachments ---- */

#define DIGEST_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct uploads {
	fl_arena a;
	int64_t agent, customer, ticket, pub, priv;
	struct fl_attachment x[5];
	int64_t purged;
	char **orphans;
	size_t norphans;
};

static int tx_uploads(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	static const char *names[] = {"invoice.pdf", "photo.jpg", "notes.txt", "same.bin",
				      "shared.bin"};
	static const char *digests[] = {DIGEST_A, DIGEST_A, DIGEST_A, DIGEST_B, DIGEST_B};
	int rc;

	if ((rc = add_user(tx, "agent@example.com", &u->agent)) ||
	    (rc = add_user(tx, "customer@example.com", &u->customer)) ||
	    (rc = add_ticket(tx, u->customer, &u->ticket)) ||
	    (rc = add_comment(tx, u->ticket, u->customer, 1, 1, &u->pub)) ||
	    (rc = add_comment(tx, u->ticket, u->agent, 2, 0, &u->priv)))
		return rc;
	for (int i = 0; i < 5; i++) {
		char token[32];
		snprintf(token, sizeof token, "tok-%d", i);
		u->x[i] = (struct fl_attachment){.token = token,
						 .uploader_id = i == 1 ? u->agent : u->customer,
						 .file_name = (char *)names[i],
						 .content_type = "application/octet-stream",
						 .size = 5 + i,
						 .digest = (char *)digests[i],
						 .in_db = i == 0,
						 .created_at = T0 + i};
		EXPECT_RC(fl_store_attachment_insert(tx, &u->x[i], "bytes", 5), 0);
		EXPECT(u->x[i].id > 0);
	}
	return 0;
}

static int tx_claims(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	struct fl_attachment got, *list;
	void *p;
	size_t n;

	/* only its uploader gives an upload to a comment, and only once */
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-0", u->agent, u->ticket, u->pub),
		  FL_ENOTFOUND);
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-0", u->customer, u->ticket, u->pub), 0);
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-0", u->customer, u->ticket, u->priv),
		  FL_ENOTFOUND);
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-1", u->agent, u->ticket, u->priv), 0);
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-9", u->agent, u->ticket, u->priv),
		  FL_ENOTFOUND);
	EXPECT_RC(fl_store_attachment_claim(tx, "tok-4", u->customer, u->ticket, u->pub), 0);
	/* every column, and the claiming comment's visibility */
	EXPECT_RC(fl_store_attachment_get(tx, u->x[0].id, &u->a, &got), 0);
	EXPECT(got.id == u->x[0].id && got.uploader_id == u->customer);
	EXPECT(got.ticket_id == u->ticket && got.comment_id == u->pub && got.size == 5);
	EXPECT(got.in_db == 1 && got.created_at == T0 && got.comment_public == 1);
	EXPECT_STR(got.token, "tok-0");
	EXPECT_STR(got.file_name, "invoice.pdf");
	EXPECT_STR(got.content_type, "application/octet-stream");
	EXPECT_STR(got.digest, DIGEST_A);
	EXPECT_RC(fl_store_attachment_get(tx, u->x[2].id, &u->a, &got), 0);
	EXPECT(got.ticket_id == 0 && got.comment_id == 0 && got.comment_public == 0);
	EXPECT_RC(fl_store_attachment_list(tx, u->ticket, &u->a, &list, &n), 0);
	EXPECT(n == 3 && list[0].id == u->x[0].id && list[1].id == u->x[1].id &&
	       list[2].id == u->x[4].id);
	EXPECT(list[0].comment_public == 1 && list[1].comment_public == 0);
	EXPECT_RC(fl_store_attachment_data(tx, u->x[0].id, &u->a, &p, &n), 0);
	EXPECT(n == 5 && !memcmp(p, "bytes", 5));
	EXPECT_RC(fl_store_attachment_data(tx, u->x[1].id, &u->a, &p, &n), FL_ENOTFOUND);
	return 0;
}

static int tx_purge(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	return fl_store_attachment_purge(tx, T0 + 3, &u->a, &u->purged, &u->orphans, &u->norphans);
}

static int tx_after_purge(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	struct fl_attachment got, *list;
	size_t n;

	EXPECT_RC(fl_store_attachment_get(tx, u->x[2].id, &u->a, &got), FL_ENOTFOUND);
	EXPECT_RC(fl_store_attachment_get(tx, u->x[3].id, &u->a, &got), 0);
	EXPECT_RC(fl_store_attachment_list(tx, u->ticket, &u->a, &list, &n), 0);
	EXPECT(n == 3);
	return 0;
}

/* Uploads go to the comment their uploader names them in, once; the
 * unclaimed ones older than the cut are purged, claimed ones never, and a
 * folder file is an orphan only when no remaining row names its digest. */
static void test_attachments_claim_list_purge(void **state)
{
	struct uploads u = {0};
	int64_t n = -1;

	(void)state;
	fl_arena_init(&u.a, 0);
	WRITE(tx_uploads, &u);
	WRITE(tx_claims, &u);
	WRITE(tx_purge, &u);
	assert_int_equal(u.purged, 1); /* tok-2; tok-3 is newer than the cut */
	/* DIGEST_A is still named by tok-0 and tok-1 */
	assert_int_equal(u.norphans, 0);
	READ(tx_after_purge, &u);
	assert_int_equal(fl_store_upload_purge(g_store, T0 + 4, &n), 0);
	assert_int_equal(n, 1); /* tok-3 */
	assert_int_equal(fl_store_upload_purge(g_store, T0 + 4, &n), 0);
	assert_int_equal(n, 0);
	fl_arena_free(&u.a);
}

static int tx_orphans(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	struct fl_attachment x = {.token = "lonely",
				  .file_name = "a",
				  .content_type = "text/plain",
				  .size = 1,
				  .digest = DIGEST_B,
				  .created_at = T0};
	int rc = add_user(tx, "one@example.com", &x.uploader_id);

	if (rc || (rc = fl_store_attachment_insert(tx, &x, NULL, 0)))
		return rc;
	return fl_store_attachment_purge(tx, T0 + 1, &u->a, &u->purged, &u->orphans, &u->norphans);
}

/* The last row naming a folder file gone, the file is an orphan. */
static void test_attachments_purge_orphans(void **state)
{
	struct uploads u = {0};

	(void)state;
	fl_arena_init(&u.a, 0);
	WRITE(tx_orphans, &u);
	assert_int_equal(u.purged, 1);
	assert_int_equal(u.norphans, 1);
	assert_string_equal(u.orphans[0], DIGEST_B);
	fl_arena_free(&u.a);
}

/* ---- mail ---- */

struct mail {
	fl_arena a;
	int64_t user, ticket, other;
};

static int tx_threading(fl_tx *tx, void *arg)
{
	struct mail *m = arg;
	char *ids[8], *last_in;
	int64_t t = 0;
	size_t n;
	int rc;

	if ((rc = add_user(tx, "c@example.com", &m->user)) ||
	    (rc = add_ticket(tx, m->user, &m->ticket)) || (rc = add_ticket(tx, m->user, &m->other)))
		return rc;
	EXPECT_RC(fl_store_mail_ticket(tx, "first@example.com", &t), FL_ENOTFOUND);
	EXPECT_RC(fl_store_mail_record(tx, "first@example.com", m->ticket, 0, T0), 0);
	EXPECT_RC(fl_store_mail_record(tx, "reply@desk.example", m->ticket, 1, T0 + 1), 0);
	EXPECT_RC(fl_store_mail_record(tx, "second@example.com", m->ticket, 0, T0 + 2), 0);
	EXPECT_RC(fl_store_mail_record(tx, "notice@desk.example", m->ticket, 1, T0 + 3), 0);
	/* a message seen again stays on its first ticket */
	EXPECT_RC(fl_store_mail_record(tx, "first@example.com", m->other, 0, T0 + 4), 0);
	EXPECT_RC(fl_store_mail_ticket(tx, "first@example.com", &t), 0);
	EXPECT(t == m->ticket);
	EXPECT_RC(fl_store_mail_thread(tx, m->ticket, &m->a, ids, 8, &n, &last_in), 0);
	EXPECT(n == 4);
	EXPECT_STR(ids[0], "first@example.com");
	EXPECT_STR(ids[3], "notice@desk.example");
	EXPECT_STR(last_in, "second@example.com");
	/* at most max: the latest ones, oldest first */
	EXPECT_RC(fl_store_mail_thread(tx, m->ticket, &m->a, ids, 2, &n, &last_in), 0);
	EXPECT(n == 2);
	EXPECT_STR(ids[0], "second@example.com");
	EXPECT_STR(ids[1], "notice@desk.example");
	EXPECT_STR(last_in, "second@example.com");
	EXPECT_RC(fl_store_mail_thread(tx, m->other, &m->a, ids, 8, &n, &last_in), 0);
	EXPECT(n == 0 && last_in == NULL);
	return 0;
}

/* A Message-ID finds its ticket; a ticket's thread lists its messages
 * oldest first and knows the last one received. */
static void test_mail_threading(void **state)
{
	struct mail m;

	(void)state;
	fl_arena_init(&m.a, 0);
	WRITE(tx_threading, &m);
	fl_arena_free(&m.a);
}

static int tx_auto_take(fl_tx *tx, void *arg)
{
	int taken = -1;

	(void)arg;
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m1", 2, T0, &taken), 0);
	EXPECT(taken == 1);
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m2", 2, T0 + 10, &taken), 0);
	EXPECT(taken == 1);
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m3", 2, T0 + 20, &taken), 0);
	EXPECT(taken == 0);
	/* a retried send of a mail that took its place */
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m2", 2, T0 + 30, &taken), 0);
	EXPECT(taken == 1);
	/* another address has a budget of its own */
	EXPECT_RC(fl_store_mail_auto_take(tx, "human@example.com", "m4", 2, T0 + 30, &taken), 0);
	EXPECT(taken == 1);
	/* 24 hours after the first, one place is free again */
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m5", 2, T0 + DAY, &taken), 0);
	EXPECT(taken == 1);
	EXPECT_RC(fl_store_mail_auto_take(tx, "bot@example.com", "m6", 2, T0 + DAY, &taken), 0);
	EXPECT(taken == 0);
	return 0;
}

/* An address gets at most limit automatic mails in 24 hours. */
static void test_mail_auto_take_budget(void **state)
{
	(void)state;
	WRITE(tx_auto_take, NULL);
}

static int tx_quarantine(fl_tx *tx, void *arg)
{
	fl_arena *a = arg;
	struct fl_quarantine q[5], again, *list;
	size_t n;

	for (int i = 0; i < 5; i++) {
		char id[32], subject[32];
		snprintf(id, sizeof id, "loop-%d@desk.example", i);
		snprintf(subject, sizeof subject, "Re: loop %d", i);
		q[i] = (struct fl_quarantine){.message_id = i == 2 ? NULL : id,
					      .sender = "desk@desk.example",
					      .subject = subject,
					      .body = "the body",
					      .reason = "from our own address",
					      .created_at = T0 + i};
		EXPECT_RC(fl_store_quarantine_add(tx, &q[i]), 0);
		EXPECT(q[i].id > 0);
	}
	/* a redelivery is kept once */
	again = (struct fl_quarantine){.message_id = "loop-1@desk.example",
				       .sender = "x",
				       .subject = "x",
				       .body = "x",
				       .reason = "x",
				       .created_at = T0};
	EXPECT_RC(fl_store_quarantine_add(tx, &again), 0);
	EXPECT(again.id == 0);
	EXPECT_RC(fl_store_quarantine_seen(tx, "loop-1@desk.example"), 0);
	EXPECT_RC(fl_store_quarantine_seen(tx, "loop-9@desk.example"), FL_ENOTFOUND);
	/* pages, newest first */
	EXPECT_RC(fl_store_quarantine_list(tx, 0, 2, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id == q[4].id && list[1].id == q[3].id);
	EXPECT_STR(list[0].message_id, "loop-4@desk.example");
	EXPECT_STR(list[0].sender, "desk@desk.example");
	EXPECT_STR(list[0].subject, "Re: loop 4");
	EXPECT_STR(list[0].body, "the body");
	EXPECT_STR(list[0].reason, "from our own address");
	EXPECT(list[0].created_at == T0 + 4);
	EXPECT_RC(fl_store_quarantine_list(tx, list[1].id, 2, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id == q[2].id && list[1].id == q[1].id);
	EXPECT(list[0].message_id == NULL);
	EXPECT_STR(list[1].subject, "Re: loop 1");
	EXPECT_RC(fl_store_quarantine_list(tx, list[1].id, 2, a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == q[0].id);
	EXPECT_RC(fl_store_quarantine_list(tx, q[0].id, 2, a, &list, &n), 0);
	EXPECT(n == 0);
	return 0;
}

/* Quarantined mail is kept once per Message-ID and listed in pages. */
static void test_mail_quarantine(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_quarantine, &a);
	fl_arena_free(&a);
}

static int tx_outbox(fl_tx *tx, void *arg)
{
	static const char sql_count[] = "SELECT COUNT(*) FROM mail_outbox";
	fl_arena *a = arg;
	struct fl_outbox_mail m = {.kind = "reply",
				   .ticket_id = 7,
				   .sender = "help@example.com",
				   .sender_name = "Help",
				   .recipients = "ann@example.com, bob@example.com",
				   .subject = "[#7] Parcel",
				   .text_body = "It left today.",
				   .html_body = "<p>It left today.</p>",
				   .raw = "Subject: [#7] Parcel\r\n\r\nIt left today.\r\n",
				   .state = "kept"};
	struct fl_outbox_mail *list, one;
	char id[32];
	int64_t n_rows = 0;
	size_t n;
	int i;

	/* past the bound: the oldest go as new ones come */
	for (i = 1; i <= FL_STORE_OUTBOX_KEEP + 3; i++) {
		snprintf(id, sizeof id, "m-%d@example.com", i);
		m.message_id = id;
		m.created_at = m.updated_at = T0 + i;
		EXPECT_RC(fl_store_outbox_put(tx, &m), 0);
	}
	EXPECT_RC(fl_q_int(tx, sql_count, &n_rows, ""), 0);
	EXPECT(n_rows == FL_STORE_OUTBOX_KEEP);
	/* a retry of the newest: the same row, its state and error changed */
	m.state = "failed";
	m.error = "the relay is down";
	m.updated_at = T0 + 5000;
	EXPECT_RC(fl_store_outbox_put(tx, &m), 0);
	EXPECT_RC(fl_q_int(tx, sql_count, &n_rows, ""), 0);
	EXPECT(n_rows == FL_STORE_OUTBOX_KEEP);
	EXPECT_RC(fl_store_outbox_list(tx, 0, 2, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id > list[1].id);
	EXPECT_STR(list[0].message_id, id);
	EXPECT_STR(list[0].state, "failed");
	EXPECT_STR(list[0].error, "the relay is down");
	EXPECT(list[0].created_at == T0 + FL_STORE_OUTBOX_KEEP + 3 &&
	       list[0].updated_at == T0 + 5000);
	EXPECT(list[0].text_body == NULL && list[0].raw == NULL); /* lists leave the bodies out */
	EXPECT_RC(fl_store_outbox_get(tx, list[0].id, a, &one), 0);
	EXPECT_STR(one.recipients, "ann@example.com, bob@example.com");
	EXPECT_STR(one.sender_name, "Help");
	EXPECT_STR(one.html_body, "<p>It left today.</p>");
	EXPECT_STR(one.raw, m.raw);
	EXPECT(one.ticket_id == 7);
	/* the oldest left is the fourth */
	EXPECT_RC(fl_store_outbox_list(tx, 0, FL_STORE_OUTBOX_KEEP + 5, a, &list, &n), 0);
	EXPECT(n == FL_STORE_OUTBOX_KEEP);
	EXPECT_STR(list[n - 1].message_id, "m-4@example.com");
	EXPECT_RC(fl_store_outbox_get(tx, list[n - 1].id - 1, a, &one), FL_ENOTFOUND);
	return 0;
}

/* The outbox keeps one row a Message-ID and its newest FL_STORE_OUTBOX_KEEP. */
static void test_mail_outbox(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_outbox, &a);
	fl_arena_free(&a);
}

static int tx_mailboxes(fl_tx *tx, void *arg)
{
	static const char sql_pause[] =
		"UPDATE mailboxes"
		" SET active = 0"
		" WHERE id = ?";
	fl_arena *a = arg;
	struct fl_mailbox m = {.url = "imaps://imap.example.com:993",
			       .username = "help@example.com",
			       .password = "secret",
			       .folder = "INBOX",
			       .move_to = NULL,
			       .starttls = 0,
			       .created_at = T0,
			       .updated_at = T0};
	struct fl_mailbox o = {.url = "imap://mail.example.org:143",
			       .username = "Sales@Example.org",
			       .password = "pw",
			       .folder = "Support",
			       .move_to = "Done",
			       .starttls = 1,
			       .created_at = T0 + 1,
			       .updated_at = T0 + 1};
	struct fl_mailbox *list;
	size_t n;
	int rc;

	if ((rc = add_user(tx, "admin@example.com", &m.owner_id)))
		return rc;
	o.owner_id = m.owner_id;
	EXPECT_RC(fl_store_mailbox_insert(tx, &m), 0);
	EXPECT_RC(fl_store_mailbox_insert(tx, &o), 0);
	EXPECT(m.id > 0 && o.id > m.id);
	EXPECT_RC(fl_store_mailbox_polled(tx, o.id, T0 + 60, "login refused"), 0);
	EXPECT_RC(fl_store_mailbox_list(tx, 0, a, &list, &n), 0);
	EXPECT(n == 2 && list[0].id == m.id && list[1].id == o.id);
	EXPECT_STR(list[0].url, "imaps://imap.example.com:993");
	EXPECT_STR(list[0].username, "help@example.com");
	EXPECT_STR(list[0].password, "secret");
	EXPECT_STR(list[0].folder, "INBOX");
	EXPECT(list[0].move_to == NULL && list[0].last_error == NULL);
	EXPECT(list[0].starttls == 0 && list[0].active == 1 && list[0].owner_id == m.owner_id);
	EXPECT(list[0].last_polled_at == 0 && list[0].created_at == T0 && list[0].updated_at == T0);
	EXPECT_STR(list[1].move_to, "Done");
	EXPECT_STR(list[1].last_error, "login refused");
	EXPECT(list[1].starttls == 1 && list[1].last_polled_at == T0 + 60);
	EXPECT(list[1].updated_at == T0 + 60);
	/* our own addresses: a mailbox's username, the mail.from setting */
	EXPECT_RC(fl_store_mail_own_address(tx, "sales@example.org"), 0);
	EXPECT_RC(fl_store_mail_own_address(tx, "desk@example.net"), FL_ENOTFOUND);
	EXPECT_RC(fl_store_setting_set(tx, "mail.from", "Desk@Example.net"), 0);
	EXPECT_RC(fl_store_mail_own_address(tx, "desk@example.net"), 0);
	/* active only; deleting once */
	EXPECT_RC(fl_q_exec(tx, sql_pause, "i", m.id), 0);
	EXPECT_RC(fl_store_mailbox_list(tx, 1, a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == o.id);
	EXPECT_RC(fl_store_mailbox_delete(tx, o.id), 0);
	EXPECT_RC(fl_store_mailbox_delete(tx, o.id), FL_ENOTFOUND);
	EXPECT_RC(fl_store_mailbox_list(tx, 0, a, &list, &n), 0);
	EXPECT(n == 1 && list[0].id == m.id && list[0].active == 0);
	return 0;
}

/* Mailboxes keep every field and their last poll; their usernames are our
 * own addresses. */
static void test_mailboxes(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_mailboxes, &a);
	fl_arena_free(&a);
}

/* ---- magic links, settings ---- */

static int tx_magic_add(fl_tx *tx, void *arg)
{
	int64_t *user = arg;
	int rc;

	if ((rc = add_user(tx, "alice@example.com", user)))
		return rc;
	EXPECT_RC(fl_store_magic_insert(tx, *user, "sel-one", "hash-one", T0, T0 + 900), 0);
	EXPECT_RC(fl_store_magic_insert(tx, *user, "sel-two", "hash-two", T0, T0 + 60), 0);
	return 0;
}

/* A second link under a selector taken (the transaction fails whole: on
 * PostgreSQL nothing more can run in it). */
static int tx_magic_again(fl_tx *tx, void *arg)
{
	return fl_store_magic_insert(tx, *(int64_t *)arg, "sel-one", "hash-again", T0, T0 + 900);
}

struct magic {
	fl_arena a;
	int64_t user;
};

static int tx_magic(fl_tx *tx, void *arg)
{
	struct magic *m = arg;
	fl_arena *a = &m->a;
	int64_t user = m->user;
	struct fl_magic_row got;

	EXPECT_RC(fl_store_magic_find(tx, "sel-one", a, &got), 0);
	EXPECT(got.id > 0 && got.user_id == user && got.expires_at == T0 + 900);
	EXPECT(got.used_at == 0);
	EXPECT_STR(got.token_hash, "hash-one");
	EXPECT_RC(fl_store_magic_find(tx, "sel-none", a, &got), FL_ENOTFOUND);
	/* once */
	EXPECT_RC(fl_store_magic_find(tx, "sel-one", a, &got), 0);
	EXPECT_RC(fl_store_magic_use(tx, got.id, T0 + 5), 0);
	EXPECT_RC(fl_store_magic_use(tx, got.id, T0 + 6), FL_ENOTFOUND);
	EXPECT_RC(fl_store_magic_find(tx, "sel-one", a, &got), 0);
	EXPECT(got.used_at == T0 + 5);
	/* the expired one goes, the other stays */
	EXPECT_RC(fl_store_magic_purge(tx, T0 + 60), 0);
	EXPECT_RC(fl_store_magic_find(tx, "sel-two", a, &got), FL_ENOTFOUND);
	EXPECT_RC(fl_store_magic_find(tx, "sel-one", a, &got), 0);
	return 0;
}

/* A sign-in link is found by its selector, works once and is purged once
 * it expired. */
static void test_magic_links(void **state)
{
	struct magic m;

	(void)state;
	fl_arena_init(&m.a, 0);
	WRITE(tx_magic_add, &m.user);
	assert_int_equal(fl_store_write(g_store, tx_magic_again, &m.user), FL_ECONFLICT);
	WRITE(tx_magic, &m);
	fl_arena_free(&m.a);
}

static int tx_settings(fl_tx *tx, void *arg)
{
	fl_arena *a = arg;
	char *v = "untouched";

	EXPECT_RC(fl_store_setting_get(tx, "site.url", a, &v), FL_ENOTFOUND);
	EXPECT_STR(v, "untouched");
	EXPECT_RC(fl_store_setting_set(tx, "site.url", "https://help.example.com"), 0);
	EXPECT_RC(fl_store_setting_set(tx, "mail.auto_limit", "20"), 0);
	EXPECT_RC(fl_store_setting_get(tx, "site.url", a, &v), 0);
	EXPECT_STR(v, "https://help.example.com");
	EXPECT_RC(fl_store_setting_set(tx, "site.url", ""), 0);
	EXPECT_RC(fl_store_setting_get(tx, "site.url", a, &v), 0);
	EXPECT_STR(v, "");
	EXPECT_RC(fl_store_setting_get(tx, "mail.auto_limit", a, &v), 0);
	EXPECT_STR(v, "20");
	return 0;
}

static int tx_setting_read(fl_tx *tx, void *arg)
{
	fl_arena *a = arg;
	char *v = NULL;

	EXPECT_RC(fl_store_setting_get(tx, "mail.auto_limit", a, &v), 0);
	EXPECT_STR(v, "20");
	return 0;
}

/* A setting is absent until set, then holds its last value. */
static void test_settings(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_settings, &a);
	READ(tx_setting_read, &a);
	fl_arena_free(&a);
}

/* ---- live events ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char got[4096]; /* "\n", then each payload received and a "\n" */
} g_events = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, "\n"};

static void on_event(void *arg, const char *payload)
{
	size_t n;

	(void)arg;
	pthread_mutex_lock(&g_events.lock);
	n = strlen(g_events.got);
	snprintf(g_events.got + n, sizeof g_events.got - n, "%s\n", payload);
	pthread_cond_broadcast(&g_events.cond);
	pthread_mutex_unlock(&g_events.lock);
}

/* Whether payload was received (g_events.lock held). */
static int received_locked(const char *payload)
{
	char line[128];

	snprintf(line, sizeof line, "\n%s\n", payload);
	return strstr(g_events.got, line) != NULL;
}

static int received(const char *payload)
{
	int yes;

	pthread_mutex_lock(&g_events.lock);
	yes = received_locked(payload);
	pthread_mutex_unlock(&g_events.lock);
	return yes;
}

/* Waits up to ms for payload; 1 when it came. */
static int wait_for(const char *payload, int ms)
{
	struct timespec until;
	int yes;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&g_events.lock);
	while (!(yes = received_locked(payload)) &&
	       pthread_cond_timedwait(&g_events.cond, &g_events.lock, &until) == 0)
		;
	pthread_mutex_unlock(&g_events.lock);
	return yes;
}

struct notes {
	const char *payload[2];
	int fail; /* return this after notifying */
};

static int tx_notify(fl_tx *tx, void *arg)
{
	struct notes *n = arg;

	for (int i = 0; i < 2 && n->payload[i]; i++) {
		EXPECT_RC(fl_store_notify(tx, n->payload[i]), 0);
		/* nothing is delivered before the commit */
		EXPECT(!received(n->payload[i]));
	}
	return n->fail;
}

static int tx_notify_read(fl_tx *tx, void *arg)
{
	(void)arg;
	EXPECT_RC(fl_store_notify(tx, "from a read"), FL_EINTERNAL);
	return 0;
}

/* Events reach the listener after their transaction commits, all of them
 * and in order; a rolled-back transaction's never do, nor can a read
 * transaction send any. */
static void test_notify_after_commit(void **state)
{
	struct notes ready = {{"ready", NULL}, 0};
	struct notes pair = {{"ticket.updated {\"id\":1}", "ticket.updated {\"id\":2}"}, 0};
	struct notes lost = {{"rolled back", NULL}, FL_EINVAL};
	struct notes last = {{"after", NULL}, 0};
	const char *first, *second;

	(void)state;
	assert_int_equal(fl_store_listen(g_store, on_event, NULL), 0);
	assert_int_equal(fl_store_listen(g_store, on_event, NULL), FL_EINTERNAL);
	/* PostgreSQL's listener connects on a thread of its own: until it
	 * does, events pass it by */
	for (int i = 0; i < 50 && !received("ready"); i++) {
		WRITE(tx_notify, &ready);
		wait_for("ready", 200);
	}
	assert_true(received("ready"));
	WRITE(tx_notify, &pair);
	assert_true(wait_for(pair.payload[0], 5000));
	assert_true(wait_for(pair.payload[1], 5000));
	pthread_mutex_lock(&g_events.lock);
	first = strstr(g_events.got, pair.payload[0]);
	second = strstr(g_events.got, pair.payload[1]);
	pthread_mutex_unlock(&g_events.lock);
	assert_true(first < second);
	g_line = 0;
	assert_int_equal(fl_store_write(g_store, tx_notify, &lost), FL_EINVAL);
	assert_int_equal(g_line, 0);
	WRITE(tx_notify, &last);
	assert_true(wait_for("after", 5000));
	assert_false(received("rolled back"));
	READ(tx_notify_read, NULL);
}

static int tx_schema_newer(fl_tx *tx, void *arg)
{
	int64_t *known = arg;

	EXPECT_RC(fl_q_int(tx, "SELECT MAX(version) FROM schema_version", known, ""), 0);
	EXPECT_RC(fl_q_exec(tx, "INSERT INTO schema_version(version) VALUES (?)", "i", *known + 3),
		  0);
	return 0;
}

/* A database a newer release has migrated is refused, with a sentence
 * that tells the operator both ways out; nothing is changed in it. */
static void test_open_refuses_newer_schema(void **state)
{
	struct fl_store_opts o = {.target = g_target};
	struct fl_err e = {0};
	fl_store *s = NULL;
	int64_t known = 0;
	char want[256];

	(void)state;
	WRITE(tx_schema_newer, &known);
	fl_store_free(g_store);
	g_store = NULL;
	assert_int_equal(fl_store_open(&s, &o, &e), FL_EINVAL);
	assert_null(s);
	snprintf(want, sizeof want,
		 "the database is at schema version %lld; this frontline knows up to %lld: "
		 "run the newer frontline, or restore the backup taken before the upgrade",
		 (long long)known + 3, (long long)known);
	assert_string_equal(e.msg, want);
	/* refused again: the first refusal did not lower or repair anything */
	assert_int_equal(fl_store_open(&s, &o, &e), FL_EINVAL);
}

/* A backup is the owner's alone, whatever the umask of whoever ran it;
 * PostgreSQL is backed up with its own tools. */
static void test_backup_owner_only(void **state)
{
	struct fl_err e = {0};
	struct stat st;
	char path[600];
	mode_t old;
	int rc;

	(void)state;
	if (g_server)
		snprintf(path, sizeof path, "/tmp/fl-store-backup-%ld.db", (long)getpid());
	else
		snprintf(path, sizeof path, "%s/copy.db", g_dir);
	old = umask(0);
	rc = fl_store_backup(g_store, path, NULL, NULL, &e);
	umask(old);
	if (g_server) {
		assert_int_equal(rc, FL_EINVAL);
		assert_int_equal(access(path, F_OK), -1);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* it never overwrites a file that is there */
	assert_int_equal(fl_store_backup(g_store, path, NULL, NULL, &e), FL_EIO);
}

/* ---- SLA timelines read many at once ---- */

/* An audit of ticket at `at` by author: a status set (kind CREATE or
 * CHANGE) when status is given, and a public comment by author when
 * public_comment is set; an internal note too, which the timeline leaves
 * out. */
static int put_audit(fl_tx *tx, int64_t ticket, int64_t author, int64_t at, int kind,
		     const char *status, int public_comment)
{
	static struct fl_audit au; /* too big for the writer thread's stack */
	struct fl_comment c = {0};
	int rc = 0;

	memset(&au, 0, sizeof au);
	au = (struct fl_audit){.ticket_id = ticket, .author_id = author, .created_at = at};
	if (status)
		au.events[au.nevents++] = (struct fl_event){0, kind, "status", (char *)status};
	for (int pub = 1; pub >= 0 && public_comment; pub--) {
		c = (struct fl_comment){0,
					ticket,
					author,
					pub,
					(char *)"words",
					(char *)"<p>words</p>",
					FL_CHANNEL_WEB,
					at};
		if ((rc = fl_store_comment_insert(tx, &c)))
			return rc;
		au.events[au.nevents++] = (struct fl_event){
			0, FL_EVENT_COMMENT, pub ? "public" : "private", NULL, NULL, c.id};
	}
	return fl_store_audit_insert(tx, &au);
}

#define MANY 70

static int tx_sla_steps_many(fl_tx *tx, void *arg)
{
	int64_t agent, customer, ids[MANY], far[3];
	struct fl_store_sla_timeline tl[MANY];
	struct fl_store_sla_step *one;
	size_t n;
	fl_arena *a = arg;

	EXPECT_RC(add_user(tx, "agent@example.com", &agent), 0);
	EXPECT_RC(fl_q_int(tx,
			   "INSERT INTO users (role, name, email, created_at, updated_at)"
			   " VALUES (0, 'c', 'c@example.com', 0, 0) RETURNING id",
			   &customer, ""),
		  0);
	/* tickets with 0, 1, 2 … audits (i mod 5), told apart by their times */
	for (int i = 0; i < MANY; i++) {
		EXPECT_RC(add_ticket(tx, customer, &ids[i]), 0);
		for (int k = 0; k < i % 5; k++)
			EXPECT_RC(put_audit(tx, ids[i], k % 2 ? agent : customer, T0 + i * 100 + k,
					    k ? FL_EVENT_CHANGE : FL_EVENT_CREATE,
					    k == 3  ? NULL
					    : k % 2 ? "pending"
						    : "open",
					    k != 2),
				  0);
	}
	/* the same steps as one ticket at a time, for any batch of them: all,
	 * every third (ids far apart read in several ranges), none */
	EXPECT_RC(fl_store_sla_steps_many(tx, ids, MANY, a, tl), 0);
	for (int i = 0; i < MANY; i++) {
		EXPECT_RC(fl_store_sla_steps(tx, ids[i], a, &one, &n), 0);
		EXPECT(tl[i].n == n && !tl[i].truncated);
		EXPECT(n == (size_t)(i % 5 == 0   ? 0
				     : i % 5 == 1 ? 2
				     : i % 5 == 2 ? 4
				     : i % 5 == 3 ? 5
						  : 6));
		for (size_t k = 0; k < n; k++) {
			EXPECT(tl[i].steps[k].at == one[k].at &&
			       tl[i].steps[k].kind == one[k].kind &&
			       tl[i].steps[k].role == one[k].role);
			EXPECT((!tl[i].steps[k].status && !one[k].status) ||
			       (tl[i].steps[k].status && one[k].status &&
				!strcmp(tl[i].steps[k].status, one[k].status)));
		}
	}
	far[0] = ids[1], far[1] = ids[MANY - 1], far[2] = ids[MANY - 1] + 1000;
	EXPECT_RC(fl_store_sla_steps_many(tx, far, 3, a, tl), 0);
	EXPECT(tl[0].n == 2 && tl[0].steps[0].at == T0 + 100 && tl[0].steps[1].role == 0);
	EXPECT(tl[1].n == 6 && tl[1].steps[5].at == T0 + (MANY - 1) * 100 + 3);
	EXPECT(tl[2].n == 0 && !tl[2].steps);
	EXPECT_RC(fl_store_sla_steps_many(tx, ids, 0, a, tl), 0);
	/* ids out of order, or too many, are the caller's mistake */
	far[0] = ids[5], far[1] = ids[4];
	EXPECT_RC(fl_store_sla_steps_many(tx, far, 2, a, tl), FL_EINVAL);
	EXPECT_RC(fl_store_sla_steps_many(tx, ids, FL_STORE_SLA_MANY_MAX + 1, a, tl), FL_EINVAL);
	return 0;
}

static void test_sla_steps_many(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	WRITE(tx_sla_steps_many, &a);
	fl_arena_free(&a);
}

/* ---- the knowledge base (store/kb.h, through kb/kb.h's writes) ---- */

struct kb {
	fl_arena a;
	int64_t agent, section, article, internal;
};

static int tx_kb_build(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_actor agent = {0, FL_ROLE_AGENT, 0};
	struct fl_kb_category c = {
		.position = 1, .source_locale = "uk", .created_at = T0, .updated_at = T0};
	struct fl_kb_name cn = {"uk", "Оплата", "", T0}, cn_en = {"en", "Payments", "How", T0};
	struct fl_kb_section s = {
		.position = 1, .source_locale = "uk", .created_at = T0, .updated_at = T0};
	struct fl_kb_article art = {.visibility = FL_KB_PUBLIC,
				    .labels = "payment,card",
				    .source_locale = "uk",
				    .position = 2};
	struct fl_kb_translation t = {
		.title = "Як оплатити карткою", .body_md = "# Кроки\n\n1. a", .draft = 0};
	struct fl_err e = {0};
	struct fl_kb_category got;

	EXPECT_RC(add_user(tx, "kb@example.com", &agent.id), 0);
	k->agent = agent.id;
	EXPECT_RC(fl_store_kb_category_insert(tx, &c), 0);
	EXPECT_RC(fl_store_kb_name_put(tx, "category", c.id, &cn_en), 0);
	EXPECT_RC(fl_store_kb_name_put(tx, "category", c.id, &cn), 0);
	cn.name = "Оплата і рахунки"; /* written over */
	EXPECT_RC(fl_store_kb_name_put(tx, "category", c.id, &cn), 0);
	EXPECT_RC(fl_store_kb_category_get(tx, c.id, &k->a, &got), 0);
	EXPECT(got.nnames == 2);
	EXPECT_STR(got.names[0].locale, "uk");
	EXPECT_STR(got.names[0].name, "Оплата і рахунки");
	EXPECT_STR(got.names[1].description, "How");
	s.category_id = c.id;
	EXPECT_RC(fl_store_kb_section_insert(tx, &s), 0);
	k->section = s.id;
	art.section_id = s.id;
	EXPECT_RC(fl_kb_article_create(tx, &agent, &art, &t, &k->a, &e), 0);
	k->article = art.id;
	EXPECT(t.id > 0 && t.revision == 1 && t.author_id == agent.id);
	EXPECT(strstr(t.body_html, "<h1>Кроки</h1>") != NULL);
	/* a section that does not exist: 422 naming it, nothing written */
	art.section_id = s.id + 1000;
	EXPECT_RC(fl_kb_article_create(tx, &agent, &art, &t, &k->a, &e), FL_EINVAL);
	EXPECT_STR(e.field, "section_id");
	/* an agents-only article in the same section, first in position */
	art = (struct fl_kb_article){.section_id = s.id,
				     .visibility = FL_KB_AGENTS,
				     .source_locale = "uk",
				     .position = 1};
	t = (struct fl_kb_translation){.title = "Внутрішнє", .body_md = "секрет", .draft = 0};
	EXPECT_RC(fl_kb_article_create(tx, &agent, &art, &t, &k->a, &e), 0);
	k->internal = art.id;
	return 0;
}

static int tx_kb_translations(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_actor agent = {k->agent, FL_ROLE_AGENT, 0};
	struct fl_kb_translation t = {.article_id = k->article,
				      .locale = "en",
				      .title = "Pay by card",
				      .body_html = "<p>Hi<script>x()</script></p>",
				      .slug = "pay-by-card",
				      .draft = 1};
	struct fl_kb_translation clash = {.article_id = k->internal,
					  .locale = "en",
					  .title = "Other",
					  .body_md = "x",
					  .slug = "pay-by-card"};
	struct fl_kb_translation missing = {
		.article_id = 999999, .locale = "en", .title = "x", .body_md = "x"};
	struct fl_kb_translation again = {
		.article_id = k->article, .locale = "en", .title = "x", .body_md = "x"};
	struct fl_err e = {0};

	EXPECT_RC(fl_kb_translation_save(tx, &agent, &t, 1, &k->a, &e), 0);
	EXPECT_STR(t.body_html, "<p>Hi</p>");
	EXPECT(t.body_md == NULL);
	EXPECT_RC(fl_kb_translation_save(tx, &agent, &clash, 1, &k->a, &e), FL_EINVAL);
	EXPECT_STR(e.field, "slug");
	EXPECT_RC(fl_kb_translation_save(tx, &agent, &missing, 1, &k->a, &e), FL_ENOTFOUND);
	EXPECT_RC(fl_kb_translation_save(tx, &agent, &again, 1, &k->a, &e), FL_EINVAL);
	EXPECT_STR(e.field, "locale");
	return 0;
}

/* A save that fails part way leaves nothing: the transaction is whole. */
static int tx_kb_half(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_actor agent = {k->agent, FL_ROLE_AGENT, 0};
	struct fl_kb_translation t = {
		.article_id = k->internal, .locale = "lt", .title = "Vidinis", .body_md = "x"};
	struct fl_err e = {0};

	EXPECT_RC(fl_kb_translation_save(tx, &agent, &t, 1, &k->a, &e), 0);
	return FL_EINVAL; /* as a later check would */
}

static int tx_kb_revisions(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_actor agent = {k->agent, FL_ROLE_AGENT, 0};
	struct fl_kb_translation t, lt;
	struct fl_kb_revision *revs;
	size_t n;
	struct fl_err e = {0};

	EXPECT_RC(fl_store_kb_translation_get(tx, k->internal, "lt", &k->a, &lt), FL_ENOTFOUND);
	EXPECT_RC(fl_store_kb_translation_get(tx, k->article, "uk", &k->a, &t), 0);
	t.title = "Як оплатити банківською карткою";
	t.body_md = "# Кроки\n\n1. a\n2. b";
	EXPECT_RC(fl_kb_translation_save(tx, &agent, &t, 0, &k->a, &e), 0);
	EXPECT(t.revision == 2);
	EXPECT_RC(fl_store_kb_revision_list(tx, t.id, 10, &k->a, &revs, &n), 0);
	EXPECT(n == 2 && revs[0].n == 2 && revs[1].n == 1 && revs[1].markdown == 1);
	EXPECT_STR(revs[1].title, "Як оплатити карткою");
	EXPECT_RC(fl_kb_revision_restore(tx, &agent, k->article, "uk", 1, &k->a, &t, &e), 0);
	EXPECT(t.revision == 3);
	EXPECT_STR(t.title, "Як оплатити карткою");
	EXPECT_STR(t.body_md, "# Кроки\n\n1. a");
	EXPECT_RC(fl_kb_revision_restore(tx, &agent, k->article, "uk", 9, &k->a, &t, &e),
		  FL_ENOTFOUND);
	return 0;
}

static int tx_kb_counts(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_kb_translation t;
	struct fl_err e = {0};

	EXPECT_RC(fl_kb_vote(tx, k->article, "uk", "u:1", 1, &e), 0);
	EXPECT_RC(fl_kb_vote(tx, k->article, "uk", "k:cookie", 1, &e), 0);
	EXPECT_RC(fl_kb_vote(tx, k->article, "uk", "k:cookie", -1, &e), 0); /* changed mind */
	EXPECT_RC(fl_kb_vote(tx, k->article, "en", "k:cookie", 1, &e), 0);
	EXPECT_RC(fl_kb_vote(tx, k->article, "de", "k:cookie", 1, &e), FL_EINVAL);
	EXPECT_RC(fl_store_kb_views_add(tx, k->article, "uk", 3), 0);
	EXPECT_RC(fl_store_kb_views_add(tx, k->article, "uk", 4), 0);
	EXPECT_RC(fl_store_kb_views_add(tx, 999999, "uk", 4), 0); /* gone: skipped */
	EXPECT_RC(fl_store_kb_translation_get(tx, k->article, "uk", &k->a, &t), 0);
	EXPECT(t.vote_sum == 0 && t.vote_count == 2 && t.view_count == 7);
	return 0;
}

static int tx_kb_lists(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_kb_filter f = {.locale = "uk", .level = FL_KB_PUBLIC};
	struct fl_kb_entry *e;
	struct fl_kb_article *miss;
	struct fl_kb_label_count *labels;
	size_t n;
	int64_t total;

	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 1 && total == 1 && e[0].article.id == k->article);
	EXPECT_STR(e[0].tr.locale, "uk");
	EXPECT_STR(e[0].article.labels, "payment,card");
	f.level = FL_KB_AGENTS;
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 2 && e[0].article.id == k->internal); /* by position */
	f.label = "card";
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 1 && e[0].article.id == k->article);
	f.label = NULL;
	f.section_id = k->section + 1000;
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 0 && total == 0);
	/* the English translation is a draft: readers do not list it */
	f = (struct fl_kb_filter){.locale = "en", .level = FL_KB_SIGNED_IN};
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 0);
	f.drafts = 1;
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 1);
	EXPECT_RC(fl_store_kb_missing(tx, "en", 10, &k->a, &miss, &n), 0);
	EXPECT(n == 1 && miss[0].id == k->internal);
	EXPECT_RC(fl_store_kb_labels(tx, &k->a, &labels, &n), 0);
	EXPECT(n == 2 && labels[0].count == 1);
	EXPECT_STR(labels[0].name, "card");
	return 0;
}

static int tx_kb_archive(fl_tx *tx, void *arg)
{
	struct kb *k = arg;
	struct fl_kb_article art;
	struct fl_kb_filter f = {.locale = "uk", .level = FL_KB_AGENTS};
	struct fl_kb_entry *e;
	size_t n;
	int64_t total;

	EXPECT_RC(fl_store_kb_article_get(tx, k->article, &k->a, &art), 0);
	art.archived_at = T0;
	art.labels = "card";
	EXPECT_RC(fl_store_kb_article_update(tx, &art), 0);
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 1 && e[0].article.id == k->internal);
	f.archived = 1;
	EXPECT_RC(fl_store_kb_entry_list(tx, &f, &k->a, &e, &n, &total), 0);
	EXPECT(n == 2);
	return 0;
}

static void test_kb(void **state)
{
	struct kb k = {0};

	(void)state;
	fl_arena_init(&k.a, 0);
	WRITE(tx_kb_build, &k);
	WRITE(tx_kb_translations, &k);
	assert_int_equal(fl_store_write(g_store, tx_kb_half, &k), FL_EINVAL);
	WRITE(tx_kb_revisions, &k);
	WRITE(tx_kb_counts, &k);
	READ(tx_kb_lists, &k);
	WRITE(tx_kb_archive, &k);
	fl_arena_free(&k.a);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_column_table_reads_every_column),
		T(test_sla_steps_many),
		T(test_dynamic_statements_kept),
		T(test_job_unique_key),
		T(test_job_claim_and_lease),
		T(test_job_claim_kinds),
		T(test_job_fail_and_retry),
		T(test_job_reap),
		T(test_job_probes),
		T(test_views),
		T(test_queue_counts_roll_back),
		T(test_queue_counts_compact),
		T(test_attachments_claim_list_purge),
		T(test_attachments_purge_orphans),
		T(test_mail_threading),
		T(test_mail_auto_take_budget),
		T(test_mail_quarantine),
		T(test_mail_outbox),
		T(test_mailboxes),
		T(test_magic_links),
		T(test_settings),
		T(test_notify_after_commit),
		T(test_open_refuses_newer_schema),
		T(test_backup_owner_only),
		T(test_kb),
	};
	const char *server = getenv("FRONTLINE_TEST_PG");

	g_server = server && *server ? server : NULL;
	return cmocka_run_group_tests_name(g_server ? "store on PostgreSQL" : "store on SQLite",
					   tests, NULL, NULL);
}
