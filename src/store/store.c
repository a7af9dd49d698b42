/* Store lifecycle, the read-connection pool and the group-commit writer. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embed.h"
#include "core/log.h"
#include "core/text.h"
#include "core/time.h"
#include "store/attachments.h"
#include "store/files.h"
#include "store/kb.h"
#include "store/store_int.h"
#include "store/tickets.h"

/* Transactions one commit may carry. Large enough that 64 concurrent
 * writers share one fsync, small enough that one batch stays short. */
#define BATCH_MAX 128
#define READERS_MAX 64
/* Writer threads at most; more than one only where the database takes
 * concurrent writers (PostgreSQL). */
#define WRITERS_MAX 16
/* A transaction that loses a conflict with another node's runs again, in a
 * new transaction that sees the winner's work, up to this many times. */
#define CONFLICT_ROUNDS 8
/* A read transaction may take this long before its statements are
 * interrupted: no abandoned search can hold a worker thread for long. */
#define READ_DEADLINE_US (3 * 1000000)

static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO job";
static const char SQL_RELEASE[] = "RELEASE job";

struct job {
	fl_tx_fn fn;
	void *arg;
	void (*done)(void *done_arg, int rc);
	void *done_arg;
	int rc;
	struct job *next;
};

/* A writer thread with its connection and (without a database channel
 * for events) the events of the batch it is writing, each ending in a NUL. */
struct writer {
	fl_store *s;
	fl_conn *conn;
	pthread_t thread;
	int started;
	fl_buf notes;
	/* the listener when this batch was taken */
	void (*listen_fn)(void *arg, const char *payload);
	void *listen_arg;
};

struct fl_store {
	const struct fl_driver *drv;
	char *target;
	char *files;          /* attachments' folder; NULL: in the database */
	char *upgrade_backup; /* fl_store_upgrade_backup's */
	int sync_full;

	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	fl_conn *idle[READERS_MAX];
	size_t nidle;
	size_t nopen; /* read connections open, idle or lent */
	size_t pool;  /* at most this many */

	pthread_mutex_t q_lock;
	pthread_cond_t q_cond;
	struct job *head, *tail;
	int closing;
	struct writer writers[WRITERS_MAX];
	size_t nwriters;

	struct fl_count_cache counts;

	_Atomic uint64_t tx_us, tx_count, commits, batched;

	/* fl_store_fenced's: fencing is taken by the one that fences, which
	 * fills why and since and then sets fenced */
	atomic_int fencing, fenced;
	char fence_why[256];
	int64_t fence_since;

	/* live events: fl_store_listen's (set under q_lock: writers read it
	 * there) */
	void (*listen_fn)(void *arg, const char *payload);
	void *listen_arg;
	pthread_t listener;
	int listening;
};

/* Stops every write for the life of the process (fl_store_fenced): why
 * says what failed. The first cause is kept. Any thread. */
static void fence(fl_store *s, const char *why)
{
	int no = 0;

	if (!atomic_compare_exchange_strong(&s->fencing, &no, 1))
		return;
	snprintf(s->fence_why, sizeof s->fence_why, "%s", why);
	s->fence_since = fl_now();
	atomic_store(&s->fenced, 1);
}

int fl_store_fenced(fl_store *s, const char **why, int64_t *since)
{
	if (!atomic_load(&s->fenced))
		return 0;
	*why = s->fence_why;
	*since = s->fence_since;
	return 1;
}

/* The newest schema version this binary carries: its last migration's. */
static int64_t schema_known(const fl_store *s)
{
	int64_t known = 0;

	for (const struct fl_embedded *m = s->drv->migrations; m->name; m++)
		known = strtoll(m->name, NULL, 10);
	return known;
}

/* Before an existing SQLite database at version have is upgraded: a copy
 * of it, through the online backup API (consistent, WAL included), in
 * TARGET.before-v<have>, readable by the owner only. The copy is written
 * under a temporary name and then renamed over the one an earlier attempt
 * from the same version left, so there is one file per version upgraded
 * from. s->upgrade_backup gets its name. */
static int backup_before_upgrade(fl_store *s, int64_t have, struct fl_err *e)
{
	char path[600], tmp[608];
	int rc;

	snprintf(path, sizeof path, "%s.before-v%lld", s->target, (long long)have);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	rc = s->drv->backup(s->writers[0].conn, tmp, NULL, NULL, e);
	if (rc) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot rename %s to %s: %s", tmp, path,
				  strerror(errno));
	}
	s->upgrade_backup = strdup(path);
	return s->upgrade_backup ? 0 : FL_ENOMEM;
}

/* Applies the migrations the database lacks, each in its own transaction,
 * on the first writer's connection before the writer threads start. A
 * database newer than this binary is refused (FL_EINVAL): what a newer
 * release changed, this one would misread. */
static int apply_migrations(fl_store *s, struct fl_err *e)
{
	fl_tx tx = {s, s->drv, s->writers[0].conn, 1, NULL};
	int64_t have = 0, known = schema_known(s);
	int rc;

	rc = s->drv->exec(s->writers[0].conn,
			  "CREATE TABLE IF NOT EXISTS schema_version("
			  "version INTEGER NOT NULL)");
	if (rc)
		return fl_err_set(e, rc, NULL, NULL, "cannot create schema_version");
	rc = fl_q_int(&tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &have, "");
	if (rc)
		return fl_err_set(e, rc, NULL, NULL, "cannot read schema version");
	if (have > known)
		return fl_err_set(e, FL_EINVAL, NULL, NULL,
				  "the database is at schema version %lld; this frontline knows up "
				  "to %lld: run the newer frontline, or restore the backup taken "
				  "before the upgrade",
				  (long long)have, (long long)known);
	if (have > 0 && have < known && s->drv->backup && (rc = backup_before_upgrade(s, have, e)))
		return rc;
	for (const struct fl_embedded *m = s->drv->migrations; m->name; m++) {
		int64_t v = strtoll(m->name, NULL, 10);
		if (v <= have)
			continue;
		rc = s->drv->exec(s->writers[0].conn, s->drv->begin_write);
		if (!rc)
			rc = s->drv->exec(s->writers[0].conn, m->data);
		if (!rc)
			rc = fl_q_exec(&tx, "INSERT INTO schema_version(version) VALUES (?)", "i",
				       v);
		if (!rc)
			rc = s->drv->exec(s->writers[0].conn, "COMMIT");
		if (rc) {
			s->drv->exec(s->writers[0].conn, "ROLLBACK");
			return fl_err_set(e, rc, NULL, NULL, "migration %s failed", m->name);
		}
	}
	return 0;
}

/* Nodes that start together take turns: the first migrates, the others
 * then find nothing left to do. */
static int migrate(fl_store *s, struct fl_err *e)
{
	int rc;

	if (s->drv->migrate_lock && (rc = s->drv->exec(s->writers[0].conn, s->drv->migrate_lock)))
		return fl_err_set(e, rc, NULL, NULL, "cannot take the migration lock");
	rc = apply_migrations(s, e);
	if (s->drv->migrate_unlock)
		s->drv->exec(s->writers[0].conn, s->drv->migrate_unlock);
	return rc;
}

/* Runs one of the SQL_* statements above, prepared once per connection. */
static int run(fl_store *s, fl_conn *c, const char *sql)
{
	fl_stmt *st;
	int rc = s->drv->prepare(c, sql, 1, &st);
	if (rc)
		return rc;
	rc = s->drv->step(st);
	s->drv->done(st);
	return rc == 1 ? 0 : rc;
}

/* Tells every job of a batch its result and frees it. */
static void finish(struct job *list, int rc_all)
{
	while (list) {
		struct job *next = list->next;
		list->done(list->done_arg, rc_all ? rc_all : list->rc);
		free(list);
		list = next;
	}
}

/* Whether this writer must not commit: its connection is faulted (even if
 * a callback took the error for another), or the store was fenced
 * meanwhile (the attachments folder, another writer). */
static int stopped(struct writer *w)
{
	return atomic_load(&w->s->fenced) || (w->s->drv->fault && w->s->drv->fault(w->conn));
}

/* Replaces w's connection when the driver no longer trusts it (lost, or
 * SQLite ran out of memory in a statement). */
static int reopen_broken(struct writer *w)
{
	fl_store *s = w->s;
	fl_conn *c;
	int rc;

	if (!s->drv->broken(w->conn))
		return 0;
	if ((rc = s->drv->open(s->target, 1, s->sync_full, &c, NULL)))
		return rc;
	s->drv->close(w->conn);
	w->conn = c;
	return 0;
}

/* Runs one batch: every job in its own savepoint, one COMMIT for all. */
static int run_batch(struct writer *w, struct job *list)
{
	fl_store *s = w->s;
	fl_tx tx = {s, s->drv, NULL, 1, &w->notes};
	int rc;

	if ((rc = reopen_broken(w)))
		return rc;
	tx.conn = w->conn;
	rc = run(s, w->conn, s->drv->begin_write);
	if (rc)
		return rc;
	w->notes.n = 0;
	for (struct job *j = list; j; j = j->next) {
		uint64_t t0 = fl_mono_us();
		size_t mark = w->notes.n;
		rc = run(s, w->conn, SQL_SAVEPOINT);
		if (rc)
			break;
		j->rc = j->fn(&tx, j->arg);
		if (stopped(w)) {
			rc = FL_EFENCED;
			break;
		}
		if (j->rc) {
			w->notes.n = mark;
			rc = run(s, w->conn, SQL_ROLLBACK_TO);
			/* a full disk or a failed allocation may roll back the
			 * whole transaction (SQLite), savepoint and all: the batch
			 * failed for want of space or memory */
			if (rc && (j->rc == FL_ENOSPC || j->rc == FL_ENOMEM))
				rc = j->rc;
		}
		if (!rc)
			rc = run(s, w->conn, SQL_RELEASE);
		s->tx_us += fl_mono_us() - t0;
		s->tx_count++;
		if (rc)
			break;
	}
	if (!rc && stopped(w))
		rc = FL_EFENCED;
	if (!rc)
		rc = run(s, w->conn, SQL_COMMIT);
	if (rc)
		run(s, w->conn, SQL_ROLLBACK);
	for (size_t at = 0; !rc && w->listen_fn && at < w->notes.n;
	     at += strlen(w->notes.p + at) + 1)
		w->listen_fn(w->listen_arg, w->notes.p + at);
	w->notes.n = 0;
	return rc;
}

/* Runs a batch; what lost a conflict (FL_EBUSY: another process held the
 * lock past the timeout, another node changed the same rows) runs again in
 * a new transaction. Once the store is fenced, a batch fails whole with
 * FL_EFENCED without reaching the database; the batch whose commit (or
 * whose write of the log) failed so fences it. A commit whose checkpoint
 * failed fences too, but was durable: its jobs keep their results. */
static void run_jobs(struct writer *w, struct job *list)
{
	fl_store *s = w->s;

	for (int round = 1; list; round++) {
		struct job *again = NULL, **atail = &again, *done = NULL, **dtail = &done;
		int last = round == CONFLICT_ROUNDS;
		const char *why;
		int rc;

		if (atomic_load(&s->fenced)) {
			finish(list, FL_EFENCED);
			return;
		}
		rc = run_batch(w, list);
		if (s->drv->fault && (why = s->drv->fault(w->conn)))
			fence(s, why);
		/* a connection the batch broke is replaced before its callers
		 * learn the result, so that the next batch finds one ready (a
		 * failed reopen is tried again then) */
		reopen_broken(w);
		s->commits++;
		/* a uniqueness conflict on PostgreSQL may be a concurrent
		 * writer's row that the job did not see: it runs once more
		 * (and FL_EDUPLICATE is what a domain makes of one) */
		for (struct job *j = list, *next; j; j = next) {
			int lost = rc == FL_EBUSY || (!rc && j->rc == FL_EBUSY) ||
				   (!rc && (j->rc == FL_ECONFLICT || j->rc == FL_EDUPLICATE) &&
				    round == 1 && s->drv->races);
			next = j->next;
			j->next = NULL;
			if (!last && lost) {
				*atail = j;
				atail = &j->next;
			} else {
				*dtail = j;
				dtail = &j->next;
			}
		}
		finish(done, rc);
		list = again;
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	fl_store *s = w->s;

	for (;;) {
		struct job *list, *j;
		size_t n = 0;

		pthread_mutex_lock(&s->q_lock);
		while (!s->head && !s->closing)
			pthread_cond_wait(&s->q_cond, &s->q_lock);
		if (!s->head) {
			pthread_mutex_unlock(&s->q_lock);
			break;
		}
		list = s->head;
		for (j = list; j->next && n < BATCH_MAX - 1; j = j->next)
			n++;
		s->head = j->next;
		if (!s->head)
			s->tail = NULL;
		j->next = NULL;
		w->listen_fn = s->listen_fn;
		w->listen_arg = s->listen_arg;
		pthread_mutex_unlock(&s->q_lock);

		/* counted before the writes' callbacks run, so that whoever they
		 * wake sees the count (a test reads it then) */
		s->batched += n + 1;
		run_jobs(w, list);
	}
	return NULL;
}

const struct fl_driver *fl_driver_for(const char *target)
{
	if (!strncmp(target, "postgres://", 11) || !strncmp(target, "postgresql://", 13))
		return &fl_driver_postgres;
	return &fl_driver_sqlite;
}

const struct fl_driver *fl_store_driver(const fl_store *s)
{
	return s->drv;
}

struct fl_count_cache *fl_store_count_cache(fl_store *s)
{
	return &s->counts;
}

/* Stops the writer threads (after the queued writes) and closes their
 * connections. */
static void stop_writers(fl_store *s)
{
	pthread_mutex_lock(&s->q_lock);
	s->closing = 1;
	pthread_cond_broadcast(&s->q_cond);
	pthread_mutex_unlock(&s->q_lock);
	for (size_t i = 0; i < s->nwriters; i++) {
		struct writer *w = &s->writers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		/* a clean close checkpoints SQLite's WAL into the main file */
		s->drv->close(w->conn);
		fl_buf_free(&w->notes);
	}
}

int fl_store_open(fl_store **out, const struct fl_store_opts *o, struct fl_err *e)
{
	fl_store *s = calloc(1, sizeof *s);
	int rc, stale = 0;

	if (!s)
		return FL_ENOMEM;
	s->drv = fl_driver_for(o->target);
	s->target = strdup(o->target);
	s->files = o->files && *o->files ? strdup(o->files) : NULL;
	s->sync_full = o->sync_full;
	s->pool = o->pool > 0 && o->pool < READERS_MAX ? o->pool : READERS_MAX;
	pthread_mutex_init(&s->pool_lock, NULL);
	pthread_cond_init(&s->pool_cond, NULL);
	pthread_mutex_init(&s->q_lock, NULL);
	pthread_cond_init(&s->q_cond, NULL);
	pthread_mutex_init(&s->counts.lock, NULL);
	s->nwriters = !s->drv->races             ? 1
		      : o->writers == 0          ? 4
		      : o->writers < WRITERS_MAX ? o->writers
						 : WRITERS_MAX;
	if (!s->target || (o->files && *o->files && !s->files)) {
		rc = FL_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < s->nwriters; i++) {
		s->writers[i].s = s;
		fl_buf_init(&s->writers[i].notes, 1 << 20);
		rc = s->drv->open(s->target, 1, s->sync_full, &s->writers[i].conn, e);
		if (rc)
			goto fail;
	}
	rc = migrate(s, e);
	if (rc)
		goto fail;
	for (size_t i = 0; i < s->nwriters; i++) {
		if (pthread_create(&s->writers[i].thread, NULL, writer_main, &s->writers[i])) {
			rc = fl_err_set(e, FL_ENOMEM, NULL, NULL,
					"cannot start the writer threads");
			goto fail;
		}
		s->writers[i].started = 1;
	}
	/* an index built by another analysis (or none, after migration 031)
	 * is built again before anything searches it */
	if (!(rc = fl_store_search_stale(s, &stale)) && stale) {
		fl_log("info", "store: rebuilding the search index (analysis version %d)",
		       FL_TEXT_VERSION);
		rc = fl_store_search_reindex(s, NULL, NULL);
		if (!rc) /* the knowledge base's index: the same analysis */
			rc = fl_store_kb_reindex(s);
	}
	if (rc) {
		rc = fl_err_set(e, rc, NULL, NULL, "cannot build the search index: %s",
				fl_err_describe(rc));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	stop_writers(s);
	free(s->target);
	free(s->files);
	free(s->upgrade_backup);
	free(s);
	return rc;
}

void fl_store_free(fl_store *s)
{
	if (!s)
		return;
	/* readers before the writer: the last connection to close checkpoints
	 * SQLite's WAL, which is the writer's work (it knows when it must not) */
	for (size_t i = 0; i < s->nidle; i++)
		s->drv->close(s->idle[i]);
	stop_writers(s);
	if (s->listening)
		pthread_join(s->listener, NULL);
	pthread_mutex_destroy(&s->pool_lock);
	pthread_cond_destroy(&s->pool_cond);
	pthread_mutex_destroy(&s->q_lock);
	pthread_cond_destroy(&s->q_cond);
	pthread_mutex_destroy(&s->counts.lock);
	free(s->target);
	free(s->files);
	free(s->upgrade_backup);
	free(s);
}

const char *fl_store_upgrade_backup(const fl_store *s)
{
	return s->upgrade_backup;
}

int fl_store_files_in_db(const fl_store *s)
{
	return !s->files;
}

int fl_store_file_put(fl_store *s, const char *digest, const void *p, size_t n, struct fl_err *e)
{
	struct fl_err why = {0};
	int rc;

	if (atomic_load(&s->fenced))
		return fl_err_set(e, FL_EFENCED, NULL, NULL, "%s", fl_err_describe(FL_EFENCED));
	rc = fl_files_put(s->files, digest, p, n, &why);
	if (rc == FL_EFENCED)
		fence(s, why.msg);
	if (rc == FL_EFENCED || rc == FL_ENOSPC)
		return fl_err_set(e, rc, NULL, NULL, "%s", fl_err_describe(rc));
	if (rc && e)
		*e = why;
	return rc;
}

int fl_store_file_open(fl_store *s, const char *digest, int *fd, size_t *size)
{
	return s->files ? fl_files_open(s->files, digest, fd, size) : FL_ENOTFOUND;
}

struct purge {
	int64_t before, n;
	fl_arena arena;
	char **orphans; /* folder digests no row names any more */
	size_t norphans;
};

static int tx_purge(fl_tx *tx, void *arg)
{
	struct purge *p = arg;
	fl_arena_free(&p->arena);
	fl_arena_init(&p->arena, 0);
	return fl_store_attachment_purge(tx, p->before, &p->arena, &p->n, &p->orphans,
					 &p->norphans);
}

int fl_store_upload_purge(fl_store *s, int64_t before, int64_t *n)
{
	struct purge p = {.before = before};
	int rc;

	fl_arena_init(&p.arena, 0);
	rc = fl_store_write(s, tx_purge, &p);
	/* after the commit: a crash before this leaves files no row names,
	 * which the next purge does not see — harmless, if untidy */
	for (size_t i = 0; !rc && s->files && i < p.norphans; i++)
		fl_files_remove(s->files, p.orphans[i]);
	if (!rc)
		*n = p.n;
	fl_arena_free(&p.arena);
	return rc;
}

/* Lends a read connection: an idle one, a new one while fewer than pool
 * are open, else the next one given back. */
static int reader_take(fl_store *s, fl_conn **out)
{
	int rc;

	pthread_mutex_lock(&s->pool_lock);
	while (!s->nidle && s->nopen >= s->pool)
		pthread_cond_wait(&s->pool_cond, &s->pool_lock);
	if (s->nidle) {
		*out = s->idle[--s->nidle];
		pthread_mutex_unlock(&s->pool_lock);
		return 0;
	}
	s->nopen++;
	pthread_mutex_unlock(&s->pool_lock);
	rc = s->drv->open(s->target, 0, s->sync_full, out, NULL);
	if (rc) {
		pthread_mutex_lock(&s->pool_lock);
		s->nopen--;
		pthread_cond_signal(&s->pool_cond);
		pthread_mutex_unlock(&s->pool_lock);
	}
	return rc;
}

static void reader_give(fl_store *s, fl_conn *c)
{
	int broken = s->drv->broken(c);

	pthread_mutex_lock(&s->pool_lock);
	if (broken)
		s->nopen--;
	else
		s->idle[s->nidle++] = c;
	pthread_cond_signal(&s->pool_cond);
	pthread_mutex_unlock(&s->pool_lock);
	if (broken)
		s->drv->close(c);
}

int fl_store_read(fl_store *s, fl_tx_fn fn, void *arg)
{
	fl_tx tx = {s, s->drv, NULL, 0, NULL};
	uint64_t t0 = fl_mono_us();
	int rc = reader_take(s, &tx.conn);

	if (rc)
		return rc;
	rc = run(s, tx.conn, s->drv->begin_read);
	if (!rc) {
		s->drv->deadline(tx.conn, t0 + READ_DEADLINE_US);
		rc = fn(&tx, arg);
		s->drv->deadline(tx.conn, 0);
		run(s, tx.conn, rc ? SQL_ROLLBACK : SQL_COMMIT);
	}
	reader_give(s, tx.conn);
	s->tx_us += fl_mono_us() - t0;
	s->tx_count++;
	return rc;
}

int fl_store_write_async(fl_store *s, fl_tx_fn fn, void *arg, void (*done)(void *done_arg, int rc),
			 void *done_arg)
{
	struct job *j;

	if (atomic_load(&s->fenced))
		return FL_EFENCED;
	if (!(j = calloc(1, sizeof *j)))
		return FL_ENOMEM;
	j->fn = fn;
	j->arg = arg;
	j->done = done;
	j->done_arg = done_arg;
	pthread_mutex_lock(&s->q_lock);
	if (s->closing) {
		pthread_mutex_unlock(&s->q_lock);
		free(j);
		return FL_EBUSY;
	}
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->q_cond);
	pthread_mutex_unlock(&s->q_lock);
	return 0;
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int finished, rc;
	struct job *self;
};

static void wake(void *arg, int rc)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->lock);
	w->finished = 1;
	w->rc = rc;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int fl_store_write(fl_store *s, fl_tx_fn fn, void *arg)
{
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, NULL};
	int rc = fl_store_write_async(s, fn, arg, wake, &w);

	if (rc)
		return rc;
	pthread_mutex_lock(&w.lock);
	while (!w.finished)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return w.rc;
}

int fl_store_notify(fl_tx *tx, const char *payload)
{
	fl_store *s = tx->store;

	if (!tx->write)
		return FL_EINTERNAL;
	if (s->drv->notify_sql)
		return fl_q_exec(tx, s->drv->notify_sql, "t", payload);
	return fl_buf_add(tx->notes, payload, strlen(payload) + 1);
}

/* How often the listener looks whether the store is closing. */
#define LISTEN_POLL_MS 250

static int closing(fl_store *s)
{
	int c;
	pthread_mutex_lock(&s->q_lock);
	c = s->closing;
	pthread_mutex_unlock(&s->q_lock);
	return c;
}

/* Holds a connection listening for other nodes' events (and this one's),
 * connecting again whenever it is lost. */
static void *listener_main(void *arg)
{
	fl_store *s = arg;
	fl_conn *c = NULL;
	int lost = 0;

	while (!closing(s)) {
		if (!c) {
			if (s->drv->open(s->target, 0, s->sync_full, &c, NULL) ||
			    s->drv->listen(c)) {
				s->drv->close(c);
				c = NULL;
				fl_sleep_ms(1000);
				continue;
			}
			if (lost)
				s->listen_fn(s->listen_arg, "reset {}");
		}
		if (s->drv->wait_notify(c, LISTEN_POLL_MS, s->listen_fn, s->listen_arg) < 0) {
			s->drv->close(c);
			c = NULL;
			lost = 1;
		}
	}
	s->drv->close(c);
	return NULL;
}

int fl_store_listen(fl_store *s, void (*fn)(void *arg, const char *payload), void *arg)
{
	pthread_mutex_lock(&s->q_lock);
	if (s->listen_fn) {
		pthread_mutex_unlock(&s->q_lock);
		return FL_EINTERNAL;
	}
	s->listen_fn = fn;
	s->listen_arg = arg;
	pthread_mutex_unlock(&s->q_lock);
	if (!s->drv->listen)
		return 0;
	if (pthread_create(&s->listener, NULL, listener_main, s))
		return FL_ENOMEM; /* events from this node still arrive */
	s->listening = 1;
	return 0;
}

int fl_store_backup(fl_store *s, const char *path, void (*progress)(void *arg, int done, int total),
		    void *arg, struct fl_err *e)
{
	fl_conn *c;
	int rc;

	if (!s->drv->backup)
		return fl_err_set(e, FL_EINVAL, NULL, NULL,
				  "the store is on %s: back it up with the database's own tools",
				  s->drv->name);
	rc = reader_take(s, &c);
	if (rc)
		return fl_err_set(e, rc, NULL, NULL, "cannot open the database");
	rc = s->drv->backup(c, path, progress, arg, e);
	reader_give(s, c);
	return rc;
}

void fl_store_stats(fl_store *s, uint64_t *tx_us, uint64_t *tx_count, uint64_t *commits,
		    uint64_t *batched)
{
	*tx_us = s->tx_us;
	*tx_count = s->tx_count;
	*commits = s->commits;
	*batched = s->batched;
}
