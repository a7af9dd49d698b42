/* The store: everything Frontline keeps, behind one narrow interface.
 *
 * Work runs in transactions given as callbacks. fl_store_read runs one on
 * this thread against a pooled read connection (a consistent snapshot).
 * Writes go to the single writer thread, which gathers the transactions
 * waiting at that moment into one database transaction (each in its own
 * savepoint, so one failure rolls back only its own work) and commits them
 * with one fsync: group commit. A write call returns, or its done callback
 * runs, only after the commit is durable. A callback must not touch the
 * network or reply to anyone: it may be retried.
 *
 * Query functions return 0, FL_ENOTFOUND, FL_ECONFLICT (uniqueness) or a
 * storage error; strings they return are copied into the arena given. */
#ifndef FL_STORE_STORE_H
#define FL_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

typedef struct fl_store fl_store;
typedef struct fl_tx fl_tx;
typedef int (*fl_tx_fn)(fl_tx *tx, void *arg);

struct fl_store_opts {
	const char *target; /* the SQLite file, or a postgres:// URI */
	int sync_full;      /* fsync every commit (on PostgreSQL: wait for the WAL) */
	size_t pool;        /* read connections at most (0: 64) */
	size_t writers;     /* writer threads where the database takes several
			     * (PostgreSQL; 0: 4); SQLite has one */
	const char *files;  /* the folder for attachments' bytes; NULL or "":
			     * in the database */
};

/* Opens the store and brings its schema up to this binary's, applying the
 * migrations it lacks. A database whose schema is newer than this binary
 * knows is refused with FL_EINVAL and a sentence for the operator in e.
 * Before an existing SQLite database is upgraded, a consistent copy of it
 * goes to TARGET.before-v<version it was at>, mode 0600, replacing an
 * earlier copy from the same version (fl_store_upgrade_backup). */
int fl_store_open(fl_store **out, const struct fl_store_opts *o, struct fl_err *e);
/* The file fl_store_open copied the database to before upgrading it, or
 * NULL when it did not; the store's, valid until fl_store_free. */
const char *fl_store_upgrade_backup(const fl_store *s);
/* Waits for queued writes to commit, then closes. Accepts NULL. */
void fl_store_free(fl_store *s);

int fl_store_read(fl_store *s, fl_tx_fn fn, void *arg);
int fl_store_write(fl_store *s, fl_tx_fn fn, void *arg);
/* Queues fn; done(done_arg, rc) runs on the writer thread after commit (or
 * failure). Returns FL_EBUSY when the store is closing. */
int fl_store_write_async(fl_store *s, fl_tx_fn fn, void *arg, void (*done)(void *done_arg, int rc),
			 void *done_arg);
/* The same for a write of low value that may be lost (a search logged for
 * a report, a click on a result): queued only while fewer than
 * FL_STORE_SPARE_QUEUE_MAX writes wait, else refused with FL_EBUSY and
 * done is not called, so that a flood of them cannot grow the queue
 * without bound nor hold up the writes behind them. Never for a customer's
 * or an agent's data, which fl_store_write_async always queues. */
#define FL_STORE_SPARE_QUEUE_MAX 256
int fl_store_write_spare(fl_store *s, fl_tx_fn fn, void *arg, void (*done)(void *done_arg, int rc),
			 void *done_arg);

/* Attachments' bytes in the folder (fl_store_opts.files): written and
 * fsynced under their digest before the row that names them commits;
 * opened for reading (*fd is the caller's to close). fl_store_files_in_db
 * says whether there is no folder. */
int fl_store_files_in_db(const fl_store *s);
int fl_store_file_put(fl_store *s, const char *digest, const void *p, size_t n, struct fl_err *e);
int fl_store_file_open(fl_store *s, const char *digest, int *fd, size_t *size);
/* Live events. In a write transaction: once it commits, the listener of
 * every node on this database (one on SQLite) gets payload. */
int fl_store_notify(fl_tx *tx, const char *payload);
/* Calls fn(arg, payload), on a thread of the store's, for every event
 * committed from now until fl_store_free; after the connection to the
 * database was lost and found again, with "reset {}" (events may have been
 * missed). One listener a store. */
int fl_store_listen(fl_store *s, void (*fn)(void *arg, const char *payload), void *arg);

/* Copies the database into path, a new file readable by the owner only
 * (0600, whatever the umask), while writes go on: SQLite's online backup.
 * FL_EINVAL on PostgreSQL (pg_dump is its tool); path must not exist. */
int fl_store_backup(fl_store *s, const char *path, void (*progress)(void *arg, int done, int total),
		    void *arg, struct fl_err *e);

/* Copies everything in from into to (frontline migrate), calling
 * progress(done, total) with rows copied. to must hold no data unless
 * resume is set: then the copy goes on after the rows to already has.
 * Stop serving from first. e must not be NULL. */
int fl_store_copy(fl_store *from, fl_store *to, int resume,
		  void (*progress)(void *arg, uint64_t done, uint64_t total), void *arg,
		  struct fl_err *e);

/* One table as fl_store_compare found it in stores a and b. */
struct fl_table_check {
	const char *table;
	int64_t rows_a, rows_b;
	int same; /* the same rows: counts and checksums agree */
};
/* Compares every table of a and b (cap entries in out); 0 when all are the
 * same, FL_ECONFLICT when some differ, else the error (e not NULL). */
int fl_store_compare(fl_store *a, fl_store *b, struct fl_table_check *out, size_t cap, size_t *n,
		     struct fl_err *e);

/* Microseconds spent in transactions and their count, for /metrics. */
void fl_store_stats(fl_store *s, uint64_t *tx_us, uint64_t *tx_count, uint64_t *commits,
		    uint64_t *batched);

/* 1 once the store is fenced: a failed fsync (or another write failure
 * after which what the disk holds is unknown) of the database or the
 * attachments folder stopped every write for the life of the process.
 * Writes then fail with FL_EFENCED at once, without reaching the database;
 * reads go on. *why gets a sentence for the operator (the store's, fixed
 * from then on) and *since when it happened (unix seconds). 0 otherwise,
 * and the out parameters are left alone. Costs an atomic load. */
int fl_store_fenced(fl_store *s, const char **why, int64_t *since);

#endif
