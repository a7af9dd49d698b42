/* Unit tests for the store's fence (src/store/store.c, sqlite.c, files.c):
 * after a failed fsync no write is acknowledged until a restart.
 *
 * The real store runs on SQLite through a VFS of this file's that wraps the
 * default one and fails xSync or xWrite on demand, registered as the
 * default; the attachments folder's fsync and write are this file's too
 * (defined here, they come before libc's). Then: a commit whose fsync fails
 * gives its writers FL_EFENCED, every later write (the job runner's too)
 * fails at once without reaching SQLite, reads go on, /healthz's query
 * says why; a checkpoint whose fsync fails fences after a durable commit; a
 * full disk is FL_ENOSPC and fences nothing; a restart clears the fence
 * and keeps what was acknowledged. With FRONTLINE_TEST_PG set, PostgreSQL's
 * disk_full and out_of_memory map to FL_ENOSPC and FL_ENOMEM. */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/time.h"
#include "jobs/jobs.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/store_int.h"

/* what the VFS is told to fail: files of these kinds (SQLITE_OPEN_WAL,
 * SQLITE_OPEN_MAIN_DB) */
static atomic_int g_fail_sync, g_full_write;
/* what reached the files: writes, syncs and truncates */
static atomic_int g_touches;
/* the folder's: fsyncs that succeed before they fail (-1: never fail),
 * and write() failing with ENOSPC */
static atomic_int g_fsync_ok = -1, g_write_enospc;

static sqlite3_vfs *g_real;
static sqlite3_vfs g_vfs;

struct wrap_file {
	sqlite3_file base;
	int kind;
	sqlite3_file *real; /* just after this struct, g_real->szOsFile bytes */
};

static sqlite3_file *real_of(sqlite3_file *f)
{
	return ((struct wrap_file *)f)->real;
}

static int w_close(sqlite3_file *f)
{
	return real_of(f)->pMethods->xClose(real_of(f));
}

static int w_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return real_of(f)->pMethods->xRead(real_of(f), p, n, off);
}

static int w_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	g_touches++;
	if (atomic_load(&g_full_write) & ((struct wrap_file *)f)->kind)
		return SQLITE_FULL;
	return real_of(f)->pMethods->xWrite(real_of(f), p, n, off);
}

static int w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	g_touches++;
	return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int w_sync(sqlite3_file *f, int flags)
{
	g_touches++;
	if (atomic_load(&g_fail_sync) & ((struct wrap_file *)f)->kind) {
		errno = EIO; /* what xGetLastError reports */
		return SQLITE_IOERR_FSYNC;
	}
	return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int w_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int w_lock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xLock(real_of(f), level);
}

static int w_unlock(sqlite3_file *f, int level)
{
	return real_of(f)->pMethods->xUnlock(real_of(f), level);
}

static int w_reserved(sqlite3_file *f, int *out)
{
	return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int w_control(sqlite3_file *f, int op, void *arg)
{
	return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int w_sector(sqlite3_file *f)
{
	return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int w_device(sqlite3_file *f)
{
	return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int w_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **p)
{
	return real_of(f)->pMethods->xShmMap(real_of(f), pg, size, extend, p);
}

static int w_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return real_of(f)->pMethods->xShmLock(real_of(f), off, n, flags);
}

static void w_shm_barrier(sqlite3_file *f)
{
	real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int w_shm_unmap(sqlite3_file *f, int del)
{
	return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}

static int w_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return real_of(f)->pMethods->xFetch(real_of(f), off, n, p);
}

static int w_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

static const sqlite3_io_methods w_io = {
	3,          w_close,       w_read,      w_write,   w_truncate, w_sync,   w_size,
	w_lock,     w_unlock,      w_reserved,  w_control, w_sector,   w_device, w_shm_map,
	w_shm_lock, w_shm_barrier, w_shm_unmap, w_fetch,   w_unfetch,
};

static int w_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct wrap_file *w = (struct wrap_file *)f;
	int rc;

	(void)vfs;
	w->real = (sqlite3_file *)(w + 1);
	w->kind = flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL);
	rc = g_real->xOpen(g_real, name, w->real, flags, out_flags);
	w->base.pMethods = rc == SQLITE_OK && w->real->pMethods ? &w_io : NULL;
	return rc;
}

/* The default VFS, wrapped, becomes the default. */
static int group_setup(void **state)
{
	(void)state;
	g_real = sqlite3_vfs_find(NULL);
	if (!g_real || g_real->iVersion < 3 || !g_real->xOpen)
		return -1;
	g_vfs = *g_real;
	g_vfs.zName = "failsync";
	g_vfs.szOsFile = (int)sizeof(struct wrap_file) + g_real->szOsFile;
	g_vfs.xOpen = w_open;
	return sqlite3_vfs_register(&g_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* The attachments folder's calls (files.c), failing when told to. */
int fsync(int fd)
{
	static int (*real)(int);
	int ok = atomic_load(&g_fsync_ok);

	if (ok == 0) {
		errno = EIO;
		return -1;
	}
	if (ok > 0)
		g_fsync_ok--;
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return real(fd);
}

ssize_t write(int fd, const void *p, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (atomic_load(&g_write_enospc)) {
		errno = ENOSPC;
		return -1;
	}
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real(fd, p, n);
}

static fl_store *g_store;
static char g_dir[64], g_db[96], g_files[96];
static int g_ran; /* write callbacks run */

static int open_store(void)
{
	struct fl_store_opts o = {.target = g_db, .sync_full = 1, .files = g_files};
	return fl_store_open(&g_store, &o, NULL);
}

static int setup(void **state)
{
	(void)state;
	g_fail_sync = g_full_write = 0;
	g_fsync_ok = -1;
	g_write_enospc = 0;
	snprintf(g_dir, sizeof g_dir, "/tmp/fl-fence-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_db, sizeof g_db, "%s/fence.db", g_dir);
	snprintf(g_files, sizeof g_files, "%s/files", g_dir);
	return open_store();
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	g_fail_sync = g_full_write = 0;
	g_fsync_ok = -1;
	fl_store_free(g_store);
	g_store = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct kv {
	const char *key, *value;
	char *got;
	fl_arena a;
};

static int tx_set(fl_tx *tx, void *arg)
{
	struct kv *kv = arg;
	g_ran++;
	return fl_store_setting_set(tx, kv->key, kv->value);
}

static int tx_get(fl_tx *tx, void *arg)
{
	struct kv *kv = arg;
	return fl_store_setting_get(tx, kv->key, &kv->a, &kv->got);
}

static int set(const char *key, const char *value)
{
	struct kv kv = {key, value, NULL, {0}};
	return fl_store_write(g_store, tx_set, &kv);
}

/* The value of key (a copy, the caller frees it), NULL when there is none. */
static char *get(const char *key)
{
	struct kv kv = {key, NULL, NULL, {0}};
	char *out = NULL;
	int rc;

	fl_arena_init(&kv.a, 0);
	rc = fl_store_read(g_store, tx_get, &kv);
	assert_true(rc == 0 || rc == FL_ENOTFOUND);
	if (!rc && kv.got)
		out = strdup(kv.got);
	fl_arena_free(&kv.a);
	return out;
}

static void assert_value(const char *key, const char *want)
{
	char *got = get(key);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

/* Every kind of write fails with FL_EFENCED at once: no callback runs and
 * nothing reaches the files. */
static void assert_writes_refused(void)
{
	int ran = g_ran, touches = g_touches;
	struct fl_jobs *j;
	int did;

	assert_int_equal(set("later", "x"), FL_EFENCED);
	assert_int_equal(fl_jobs_enqueue(g_store, "count", "1", 0, 0), FL_EFENCED);
	assert_int_equal(fl_jobs_new(&j, g_store, "fence-test"), 0);
	assert_int_equal(fl_jobs_run_once(j, &did), FL_EFENCED);
	fl_jobs_free(j);
	assert_int_equal(g_ran, ran);
	assert_int_equal(g_touches, touches);
}

static void assert_fenced(const char *mentions)
{
	const char *why = NULL;
	int64_t since = 0;

	assert_int_equal(fl_store_fenced(g_store, &why, &since), 1);
	assert_non_null(strstr(why, mentions));
	assert_true(since > 0);
}

static void assert_not_fenced(void)
{
	const char *why = "untouched";
	int64_t since = 7;

	assert_int_equal(fl_store_fenced(g_store, &why, &since), 0);
	assert_string_equal(why, "untouched");
	assert_int_equal(since, 7);
}

static void test_failed_fsync_at_commit_fences(void **state)
{
	(void)state;
	assert_int_equal(set("kept", "before"), 0);
	assert_not_fenced();

	g_fail_sync = SQLITE_OPEN_WAL;
	assert_int_equal(set("lost", "during"), FL_EFENCED);
	assert_fenced("fsync failed");
	assert_fenced("commit");
	g_fail_sync = 0; /* the disk is fine again: the fence is not */
	assert_writes_refused();

	/* reads go on, and see what was acknowledged, not the failed batch */
	assert_value("kept", "before");
	assert_value("lost", NULL);
	assert_value("later", NULL);
}

/* Restarting is what clears the fence; what was acknowledged is there. */
static void test_restart_clears_the_fence(void **state)
{
	(void)state;
	assert_int_equal(set("kept", "before"), 0);
	g_fail_sync = SQLITE_OPEN_WAL;
	assert_int_equal(set("lost", "during"), FL_EFENCED);
	g_fail_sync = 0;
	fl_store_free(g_store);
	g_store = NULL;

	assert_int_equal(open_store(), 0);
	assert_not_fenced();
	assert_value("kept", "before");
	assert_int_equal(set("after", "restart"), 0);
	assert_value("after", "restart");
}

/* A checkpoint that cannot fsync the database file fences too, although
 * SQLite's own automatic checkpoint would have dropped its error; the
 * commit before it was durable and says so. */
static void test_failed_fsync_in_checkpoint_fences(void **state)
{
	size_t n = 4200 * 1024; /* over 1000 pages of WAL: a checkpoint follows */
	char *big = malloc(n + 1), *got;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = 0;
	g_fail_sync = SQLITE_OPEN_MAIN_DB;
	assert_int_equal(set("big", big), 0);
	free(big);
	assert_fenced("checkpoint");
	g_fail_sync = 0;
	assert_writes_refused();
	got = get("big");
	assert_non_null(got);
	assert_int_equal(strlen(got), n);
	free(got);
}

static void test_full_disk_is_enospc_and_no_fence(void **state)
{
	(void)state;
	g_full_write = SQLITE_OPEN_WAL;
	assert_int_equal(set("full", "x"), FL_ENOSPC);
	assert_not_fenced();
	g_full_write = 0;
	assert_value("full", NULL);
	assert_int_equal(set("room", "again"), 0);
	assert_value("room", "again");
}

static const char DIGEST[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static void test_failed_fsync_of_a_file_fences(void **state)
{
	struct fl_err e = {0};

	(void)state;
	g_fsync_ok = 0;
	assert_int_equal(fl_store_file_put(g_store, DIGEST, "bytes", 5, &e), FL_EFENCED);
	g_fsync_ok = -1;
	assert_fenced("attachments folder");
	assert_writes_refused();
	assert_int_equal(fl_store_file_put(g_store, DIGEST, "bytes", 5, &e), FL_EFENCED);
	assert_value("kept", NULL); /* reads go on */
}

static void test_failed_fsync_of_the_folder_fences(void **state)
{
	struct fl_err e = {0};

	(void)state;
	g_fsync_ok = 1; /* the file's, not its folder's */
	assert_int_equal(fl_store_file_put(g_store, DIGEST, "bytes", 5, &e), FL_EFENCED);
	g_fsync_ok = -1;
	assert_fenced("attachments folder");
	assert_writes_refused();
}

static void test_full_folder_is_enospc_and_no_fence(void **state)
{
	struct fl_err e = {0};
	int fd;
	size_t size;

	(void)state;
	g_write_enospc = 1;
	assert_int_equal(fl_store_file_put(g_store, DIGEST, "bytes", 5, &e), FL_ENOSPC);
	g_write_enospc = 0;
	assert_not_fenced();
	assert_int_equal(fl_store_file_open(g_store, DIGEST, &fd, &size), FL_ENOTFOUND);
	assert_int_equal(fl_store_file_put(g_store, DIGEST, "bytes", 5, &e), 0);
	assert_int_equal(fl_store_file_open(g_store, DIGEST, &fd, &size), 0);
	close(fd);
	assert_int_equal(size, 5);
}

/* PostgreSQL (FRONTLINE_TEST_PG, a server URI): the server's own shortages
 * reach the caller as such, and fence nothing. */
static int tx_raise(fl_tx *tx, void *arg)
{
	return fl_q_exec(tx, arg, "");
}

static int pg_admin(const char *server, const char *sql)
{
	char uri[512];
	PGconn *c;
	PGresult *r;
	int ok;

	snprintf(uri, sizeof uri, "%s/postgres", server);
	c = PQconnectdb(uri);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static void test_postgres_shortages(void **state)
{
	const char *server = getenv("FRONTLINE_TEST_PG");
	struct fl_store_opts o = {.sync_full = 1};
	char uri[512], create[128], drop[160];
	const char *why;
	int64_t since;
	fl_store *s;

	(void)state;
	if (!server || !*server)
		skip();
	snprintf(create, sizeof create, "CREATE DATABASE fl_fence_%ld", (long)getpid());
	snprintf(drop, sizeof drop, "DROP DATABASE IF EXISTS fl_fence_%ld WITH (FORCE)",
		 (long)getpid());
	snprintf(uri, sizeof uri, "%s/fl_fence_%ld", server, (long)getpid());
	assert_int_equal(pg_admin(server, create), 0);
	o.target = uri;
	assert_int_equal(fl_store_open(&s, &o, NULL), 0);
	assert_int_equal(
		fl_store_write(s, tx_raise,
			       "DO $$ BEGIN RAISE EXCEPTION 'full' USING ERRCODE = 'disk_full';"
			       " END $$"),
		FL_ENOSPC);
	assert_int_equal(
		fl_store_write(s, tx_raise,
			       "DO $$ BEGIN RAISE EXCEPTION 'oom' USING ERRCODE = 'out_of_memory';"
			       " END $$"),
		FL_ENOMEM);
	assert_int_equal(fl_store_write(s, tx_raise, "SELECT 1"), 0);
	assert_int_equal(fl_store_fenced(s, &why, &since), 0);
	fl_store_free(s);
	assert_int_equal(pg_admin(server, drop), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_failed_fsync_at_commit_fences),
		T(test_restart_clears_the_fence),
		T(test_failed_fsync_in_checkpoint_fences),
		T(test_full_disk_is_enospc_and_no_fence),
		T(test_failed_fsync_of_a_file_fences),
		T(test_failed_fsync_of_the_folder_fences),
		T(test_full_folder_is_enospc_and_no_fence),
		cmocka_unit_test(test_postgres_shortages),
	};
	fl_time_freeze(0);
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
