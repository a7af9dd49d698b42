/* The SQLite driver: WAL, one writer connection, any number of readers.
 *
 * Durability: with sync_full the writer runs synchronous=FULL, so a COMMIT
 * returns only after the WAL is fsynced; the store's group commit makes many
 * requests share that fsync. Statements that query code marks as cached are
 * prepared once per connection and found again by the address of their SQL.
 *
 * Write failures (see fences()): an error that leaves unknown what the files
 * on disk hold makes the writer connection faulted — it answers FL_EFENCED,
 * keeps a sentence saying why (sq_fault) and never checkpoints again — and
 * the store stops taking writes. A full disk is FL_ENOSPC: the transaction
 * rolled back, and a later one may fit. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/embed.h"
#include "core/text.h"
#include "core/time.h"
#include "store/db.h"

/* WAL frames after which a commit checkpoints (SQLite's own default). */
#define CHECKPOINT_FRAMES 1000

struct fl_stmt {
	fl_conn *c;
	sqlite3_stmt *st;
	int cached;
	int dyn; /* 1 + its slot among the kept dynamic statements, or 0 */
};

struct fl_conn {
	sqlite3 *db;
	int writer;
	char fault[200];      /* why the database may not hold what it acknowledged; "": fine */
	int nomem;            /* a statement or exec ran out of memory: reopen (sq_broken) */
	uint64_t deadline_us; /* monotonic; 0: none */
	const char *cache_sql[FL_STMT_SLOTS]; /* fl_stmt_slot's keys */
	fl_stmt cache[FL_STMT_SLOTS];
	struct fl_dyn dyn; /* the statements built per request kept (db.h) */
	fl_stmt dyn_stmt[FL_DYN_SLOTS];
};

extern const struct fl_embedded fl_sqlite_migrations[];

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE: return 0;
	case SQLITE_ROW: return 1;
	case SQLITE_CONSTRAINT: return FL_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_INTERRUPT: /* past the deadline */ return FL_EBUSY;
	case SQLITE_NOMEM: return FL_ENOMEM;
	case SQLITE_TOOBIG: return FL_ETOOBIG;
	case SQLITE_FULL: /* the transaction rolled back; nothing else changed */ return FL_ENOSPC;
	default: return FL_EIO;
	}
}

/* Whether an error on the writer connection leaves unknown what the files
 * on disk hold, so that going on could acknowledge writes that are not
 * there, or lose ones acknowledged before.
 *
 * - A failed fsync (of the WAL at COMMIT, of the database file in a
 *   checkpoint, of the folder after creating the WAL): since Linux 4.13 the
 *   kernel reports a failed write-back once and may then mark the pages
 *   clean, so a second fsync "succeeds" with the data never written — what
 *   PostgreSQL learnt in 2018. A WAL frame is 24 + 4096 bytes, so the page
 *   that failed may also hold the end of a commit acknowledged before. The
 *   commit itself may come back after a restart too: its frames, commit
 *   frame included, can be in the log with the index not updated.
 * - A failed write or truncate of the WAL or the database file (a commit, a
 *   cache spill in a long transaction, a checkpoint): the same pages, the
 *   same doubt.
 * - A failed delete (the log's, at a clean close) and a failed atomic
 *   commit (F2FS): what is on disk is what the error left.
 * - A bare SQLITE_IOERR: a file system error SQLite could not name.
 * Not fencing: reads (SQLITE_IOERR_READ, _SHORT_READ, CORRUPTFS: what is on
 * disk did not change), locks and the shared-memory index (rebuilt from
 * the log on open), NOMEM, and SQLITE_FULL (a write the file system
 * refused at once: the transaction rolled back and nothing else changed;
 * a full disk found only at fsync, as on NFS, is a failed fsync). */
static int fences(int rc)
{
	switch (rc) {
	case SQLITE_IOERR:
	case SQLITE_IOERR_WRITE:
	case SQLITE_IOERR_FSYNC:
	case SQLITE_IOERR_DIR_FSYNC:
	case SQLITE_IOERR_TRUNCATE:
	case SQLITE_IOERR_DELETE:
	case SQLITE_IOERR_COMMIT_ATOMIC: return 1;
	default: return 0;
	}
}

/* Marks c faulted by rc (a code fences() accepts), in a sentence for the
 * operator: which operation on which file, and the system's error. */
static void set_fault(fl_conn *c, int rc, const char *during)
{
	int err = sqlite3_system_errno(c->db);
	const char *what = rc == SQLITE_IOERR_FSYNC       ? "fsync failed on"
			   : rc == SQLITE_IOERR_DIR_FSYNC ? "fsync failed on the folder of"
			   : rc == SQLITE_IOERR_WRITE     ? "a write failed to"
			   : rc == SQLITE_IOERR_TRUNCATE  ? "a truncate failed on"
			   : rc == SQLITE_IOERR_DELETE    ? "a delete failed on"
							  : "an I/O error hit";

	if (c->fault[0])
		return; /* the first cause is the one to report */
	snprintf(c->fault, sizeof c->fault, "%s the SQLite database during %s (%s%s%s)", what,
		 during, sqlite3_errstr(rc), err ? ": " : "", err ? strerror(err) : "");
	/* closing must not checkpoint: the next start recovers from the log
	 * what is on disk, instead of this process copying what it believes */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

/* Maps rc from a statement on c: on the writer, an error that fences
 * faults the connection and is FL_EFENCED. */
static int conn_rc(fl_conn *c, int rc, const char *during)
{
	if ((rc & 0xff) == SQLITE_NOMEM)
		c->nomem = 1;
	if (c->writer && fences(rc)) {
		set_fault(c, rc, during);
		return FL_EFENCED;
	}
	return map_rc(rc);
}

/* Called after each commit on the writer: SQLite's automatic checkpoint,
 * made here because SQLite's own (sqlite3_wal_autocheckpoint) drops the
 * checkpoint's error, and a failed fsync of the database file must be
 * seen. The commit is durable (the log was synced): its callers still
 * learn success; the fault stops the writes after it. */
static int after_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	fl_conn *c = arg;
	int rc;

	if (frames < CHECKPOINT_FRAMES || c->fault[0])
		return SQLITE_OK;
	rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (fences(rc))
		set_fault(c, rc, "a checkpoint");
	return SQLITE_OK;
}

/* SQLite's memory, from malloc, realloc and free called here — what its
 * own default allocator (mem1.c built with malloc_usable_size) does — so
 * that a test executable linked with the allocation failure wrapper
 * (core/alloc.h: --wrap=malloc,…) fails SQLite's allocations too. */
static void *mem_malloc(int n)
{
	return malloc((size_t)n);
}

static void mem_free(void *p)
{
	free(p);
}

static void *mem_realloc(void *p, int n)
{
	return realloc(p, (size_t)n);
}

static int mem_size(void *p)
{
	return p ? (int)malloc_usable_size(p) : 0;
}

static int mem_roundup(int n)
{
	return (n + 7) & ~7;
}

static int mem_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void mem_shutdown(void *arg)
{
	(void)arg;
}

/* Before the first connection: the memory methods above, and no global
 * memory statistics, whose mutex every allocation in every thread would
 * otherwise take. Connections are never used by two threads at once (the
 * pool hands each to one), so SQLite's per-connection mutexes are off too
 * (SQLITE_OPEN_NOMUTEX). */
static void configure(void)
{
	static const sqlite3_mem_methods mem = {mem_malloc,  mem_free, mem_realloc,  mem_size,
						mem_roundup, mem_init, mem_shutdown, NULL};

	sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/* Called every few thousand virtual-machine steps: a nonzero answer
 * interrupts the statement (SQLITE_INTERRUPT). */
static int past_deadline(void *arg)
{
	fl_conn *c = arg;
	return c->deadline_us && fl_mono_us() > c->deadline_us;
}

static void sq_deadline(fl_conn *c, uint64_t until_us)
{
	c->deadline_us = until_us;
}

/* Whether what failed on db (NULL: not even it was made) was an
 * allocation: a connection that could not be opened for want of memory
 * is a shortage (503, retry soon), not a storage failure. */
static int nomem(sqlite3 *db)
{
	return !db || (sqlite3_errcode(db) & 0xff) == SQLITE_NOMEM;
}

/* The FTS5 tokenizer "fl": every search index's words are core/text.c's
 * terms, documents and queries alike, stems as colocated tokens (FTS5
 * matches a query token or any of its colocated ones: a query word's stems
 * are alternatives). A prefix query term (FTS5_TOKENIZE_PREFIX) gets
 * folded words only: a stem is no prefix of what the user typed. */
struct fts_call {
	void *ctx;
	int (*token)(void *ctx, int flags, const char *p, int n, int start, int end);
};

static int fts_token(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		     size_t start, size_t end)
{
	struct fts_call *c = ctx;
	(void)pos;
	return c->token(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term, (int)len, (int)start,
			(int)end);
}

static int fts_create(void *arg, const char **argv, int argc, Fts5Tokenizer **out)
{
	static char tokenizer; /* it keeps nothing: any non-NULL address */
	(void)arg, (void)argv, (void)argc;
	*out = (Fts5Tokenizer *)&tokenizer;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			int (*token)(void *ctx, int flags, const char *p, int n, int start,
				     int end))
{
	struct fts_call c = {ctx, token};
	int rc;
	(void)t;
	if (n <= 0)
		return SQLITE_OK;
	rc = fl_text_terms(text, (size_t)n, (flags & FTS5_TOKENIZE_PREFIX) ? FL_TEXT_PREFIX : 0,
			   fts_token, &c);
	return rc == FL_ENOMEM ? SQLITE_NOMEM : rc;
}

/* Registers the tokenizer on db, through the fts5_api pointer SQLite
 * hands out (sqlite.org/fts5.html, "Extending FTS5"). */
static int fts_register(sqlite3 *db)
{
	static fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	rc = sqlite3_finalize(st);
	if (rc == SQLITE_OK && !api)
		rc = SQLITE_ERROR;
	return rc == SQLITE_OK ? api->xCreateTokenizer(api, "fl", NULL, &tok, NULL) : rc;
}

static int sq_open(const char *path, int writer, int sync_full, fl_conn **out, struct fl_err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	fl_conn *c = calloc(1, sizeof *c);
	char pragmas[256];

	pthread_once(&once, configure);
	if (!c)
		return FL_ENOMEM;
	if (writer)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		int rc = fl_err_set(e, nomem(c->db) ? FL_ENOMEM : FL_EIO, NULL, NULL,
				    "cannot open %s: %s", path,
				    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		free(c);
		return rc;
	}
	sqlite3_busy_timeout(c->db, 5000);
	sqlite3_progress_handler(c->db, 4000, past_deadline, c);
	sqlite3_extended_result_codes(c->db, 1);
	c->writer = writer;
	if (writer)
		sqlite3_wal_hook(c->db, after_commit, c);
	else /* only the writer writes the file: it checkpoints when it closes */
		sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* page cache: 8 MiB for the writer, 1 MiB per reader (one per busy
	 * worker thread; the OS caches the file too, so a reader's miss is a
	 * pread, not a disk read). 2 MiB per reader was 16 MiB of an 8-thread
	 * node's 72 MiB peak under the whole bench (docs/performance.md,
	 * "A node's memory under the whole bench"). */
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL;"
		 "PRAGMA synchronous=%s;"
		 "PRAGMA foreign_keys=ON;"
		 "PRAGMA cache_size=%d;"
		 "PRAGMA temp_store=MEMORY;"
		 "PRAGMA query_only=%d;",
		 sync_full ? "FULL" : "NORMAL", writer ? -8000 : -1000, !writer);
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    fts_register(c->db) != SQLITE_OK) {
		int rc = fl_err_set(e, nomem(c->db) ? FL_ENOMEM : FL_EIO, NULL, NULL,
				    "cannot set up %s: %s", path, sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void sq_close(fl_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < FL_STMT_SLOTS; i++)
		sqlite3_finalize(c->cache[i].st);
	for (size_t i = 0; i < FL_DYN_SLOTS; i++)
		sqlite3_finalize(c->dyn_stmt[i].st);
	fl_dyn_free(&c->dyn);
	sqlite3_close(c->db);
	free(c);
}

/* A connection on which SQLite ran out of memory inside a statement is
 * not used again: FTS5 keeps what it read of its index between
 * statements, and after an allocation failed halfway through an update of
 * search_fts the next write on the same connection failed (the
 * allocation failure sweep, tests/unit/core/test_alloc.c); a new connection
 * reads the index afresh. */
static int sq_broken(fl_conn *c)
{
	return c->nomem;
}

static const char *sq_fault(fl_conn *c)
{
	return c->fault[0] ? c->fault : NULL;
}

static int sq_exec(fl_conn *c, const char *sql)
{
	return conn_rc(c, sqlite3_exec(c->db, sql, NULL, NULL, NULL), "a write");
}

/* The kept statement for sql, prepared now if it was not kept: 0, an
 * error, or FL_EBUSY when every slot is in use. */
static int dyn_prepare(fl_conn *c, const char *sql, fl_stmt **out)
{
	int kept, i = fl_dyn_find(&c->dyn, sql, &kept), rc;
	sqlite3_stmt *st;

	if (i < 0)
		return FL_EBUSY;
	if (!kept) {
		rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return map_rc(rc) ? map_rc(rc) : FL_EINTERNAL;
		sqlite3_finalize(c->dyn_stmt[i].st);
		c->dyn_stmt[i] = (fl_stmt){c, st, 1, i + 1};
		if (fl_dyn_fill(&c->dyn, i, sql)) {
			sqlite3_finalize(st);
			c->dyn_stmt[i].st = NULL;
			return FL_ENOMEM;
		}
	}
	*out = &c->dyn_stmt[i];
	return 0;
}

static int sq_prepare(fl_conn *c, const char *sql, int cache, fl_stmt **out)
{
	fl_stmt *s;
	int rc;

	if (cache) {
		int i = fl_stmt_slot(c->cache_sql, sql);
		if (i < 0)
			return FL_EINTERNAL; /* more named statements than slots */
		if (!c->cache_sql[i]) {
			rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
						&c->cache[i].st, NULL);
			if (rc != SQLITE_OK)
				return map_rc(rc) ? map_rc(rc) : FL_EINTERNAL;
			c->cache_sql[i] = sql;
			c->cache[i].c = c;
			c->cache[i].cached = 1;
		}
		*out = &c->cache[i];
		return 0;
	}
	if (!(rc = dyn_prepare(c, sql, out)))
		return 0;
	if (rc != FL_EBUSY)
		return rc;
	s = calloc(1, sizeof *s);
	if (!s)
		return FL_ENOMEM;
	rc = sqlite3_prepare_v2(c->db, sql, -1, &s->st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return map_rc(rc) ? map_rc(rc) : FL_EINTERNAL;
	}
	s->c = c;
	*out = s;
	return 0;
}

static int sq_bind_i64(fl_stmt *s, int i, int64_t v)
{
	return map_rc(sqlite3_bind_int64(s->st, i, v));
}

static int sq_bind_text(fl_stmt *s, int i, const char *p, size_t n)
{
	return map_rc(sqlite3_bind_text64(s->st, i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sq_bind_blob(fl_stmt *s, int i, const void *p, size_t n)
{
	return map_rc(sqlite3_bind_blob64(s->st, i, p, n, SQLITE_TRANSIENT));
}

static int sq_bind_null(fl_stmt *s, int i, int text)
{
	(void)text;
	return map_rc(sqlite3_bind_null(s->st, i));
}

static int sq_step(fl_stmt *s)
{
	int rc = sqlite3_step(s->st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return map_rc(rc);
	return conn_rc(s->c, rc, !strcmp(sqlite3_sql(s->st), "COMMIT") ? "a commit" : "a write");
}

static int sq_is_null(fl_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int sq_col_count(fl_stmt *s)
{
	return sqlite3_data_count(s->st);
}

static int64_t sq_col_i64(fl_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

static const char *sq_col_text(fl_stmt *s, int col, size_t *n)
{
	const unsigned char *p = sqlite3_column_text(s->st, col);
	*n = p ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return (const char *)p;
}

static const void *sq_col_blob(fl_stmt *s, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(s->st, col);
	*n = p ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return p;
}

static void sq_done(fl_stmt *s)
{
	if (!s)
		return;
	if (s->cached) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		if (s->dyn)
			s->c->dyn.busy[s->dyn - 1] = 0;
		return;
	}
	sqlite3_finalize(s->st);
	free(s);
}

static int sq_backup(fl_conn *c, const char *path, void (*progress)(void *arg, int done, int total),
		     void *arg, struct fl_err *e)
{
	sqlite3 *dst;
	sqlite3_backup *b;
	int rc, fd;

	/* created here, not by sqlite3_open, so that it is 0600 whatever the
	 * umask; SQLite takes an empty file for an empty database and gives
	 * its journal the file's mode */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot create %s: %s", path,
				  strerror(errno));
	rc = fchmod(fd, 0600);
	close(fd);
	if (rc)
		return fl_err_set(e, FL_EIO, NULL, NULL, "cannot make %s private: %s", path,
				  strerror(errno));
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		rc = fl_err_set(e, FL_EIO, NULL, NULL, "cannot create %s: %s", path,
				sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return rc;
	}
	b = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!b) {
		rc = fl_err_set(e, FL_EIO, NULL, NULL, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return rc;
	}
	do {
		/* 256 pages a step keeps the source readable by others between steps. */
		rc = sqlite3_backup_step(b, 256);
		if (progress) {
			int total = sqlite3_backup_pagecount(b);
			progress(arg, total - sqlite3_backup_remaining(b), total);
		}
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		rc = fl_err_set(e, FL_EIO, NULL, NULL, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return rc;
	}
	rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : fl_err_set(e, FL_EIO, NULL, NULL, "backup: finishing failed");
}

/* FTS5 query syntax (sqlite.org/fts5.html section 3): every term becomes a
 * quoted string, so nothing a user types is read as an operator; '*' after
 * the closing quote asks for a prefix match. */
static int add_term(const char *term, int prefix, fl_buf *out)
{
	int rc = fl_buf_addc(out, '"');
	for (const char *p = term; *p && !rc; p++)
		rc = *p == '"' ? fl_buf_adds(out, "\"\"") : fl_buf_addc(out, *p);
	if (!rc)
		rc = fl_buf_adds(out, prefix ? "\"*" : "\"");
	return rc;
}

const struct fl_driver fl_driver_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.broken = sq_broken,
	.fault = sq_fault,
	.exec = sq_exec,
	.begin_read = "BEGIN",
	/* take the write lock now, not at the first write: no deadlock */
	.begin_write = "BEGIN IMMEDIATE",
	.prepare = sq_prepare,
	.bind_i64 = sq_bind_i64,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.is_null = sq_is_null,
	.col_count = sq_col_count,
	.col_i64 = sq_col_i64,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.done = sq_done,
	.fts_term = add_term,
	.fts_or = " OR ",
	/* rowid >> 21 is the ticket, rowid & 1 says public (FL_FTS_SEQ_BITS):
	 * none of these reads the indexed text but the snippet */
	/* "+t.id": the planner walks the ORDER BY index and probes the match
	 * set, instead of reading every matching (large) ticket row and sorting */
	.fts_match =
		"+t.id IN (SELECT rowid >> 21 FROM search_fts"
		" WHERE search_fts MATCH ? AND (? = 0 OR rowid & 1))",
	.fts_ids =
		"SELECT DISTINCT rowid >> 21 FROM search_fts"
		" WHERE search_fts MATCH ? AND (? = 0 OR rowid & 1)",
	.fts_rowids =
		"SELECT rowid FROM search_fts"
		" WHERE search_fts MATCH ? AND (? = 0 OR rowid & 1)"
		" ORDER BY rowid",
	.fts_in_ticket =
		"EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH ?"
		" AND rowid BETWEEN d.id << 21 AND (d.id << 21) + 2097151"
		" AND (? = 0 OR rowid & 1))",
	.fts_rows =
		"SELECT COUNT(*) FROM (SELECT 1 FROM search_fts"
		" WHERE search_fts MATCH ? AND (? = 0 OR rowid & 1) LIMIT ?)",
	.fts_rank =
		"SELECT rowid >> 21 AS ticket_id, MIN(rank) AS rank"
		" FROM search_fts"
		" WHERE search_fts MATCH ? AND (? = 0 OR rowid & 1)"
		" GROUP BY 1",
	/* the ticket's first matching row (the subject, else the earliest
	 * comment): ORDER BY rank would rank every match in the index */
	.fts_snippet =
		"SELECT snippet(search_fts, 0, char(1), char(2), '…', 16)"
		" FROM search_fts"
		" WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ? AND (? = 0 OR rowid & 1)"
		" LIMIT 1",
	.custom_field_match =
		"EXISTS (SELECT 1 FROM json_each(t.custom_fields) j"
		" WHERE (? = 0 OR json_extract(j.value, '$.id') = ?)"
		" AND CASE json_type(j.value, '$.value')"
		"     WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
		"     ELSE CAST(json_extract(j.value, '$.value') AS TEXT) END = ?)",
	.migrations = fl_sqlite_migrations,
	.tables =
		"SELECT name FROM sqlite_master WHERE type = 'table'"
		" AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'search_fts_%'"
		" AND name NOT LIKE 'kb_fts_%'",
	/* one writer at a time: the subquery's choice cannot be raced */
	.job_claim =
		"UPDATE jobs"
		" SET state = 1, lease_owner = ?, lease_until = ?,"
		"     attempts = attempts + 1, updated_at = ?"
		" WHERE id = (SELECT id FROM jobs"
		"             WHERE kind >= ? AND kind < ?"
		"               AND ((state = 0 AND run_at <= ?)"
		"                 OR (state = 1 AND lease_until < ? AND attempts < max_attempts))"
		"             ORDER BY run_at, id"
		"             LIMIT 1)"
		" RETURNING " FL_COLUMNS_SQL(FL_JOB_COLUMNS),
	.deadline = sq_deadline,
	.backup = sq_backup,
};
