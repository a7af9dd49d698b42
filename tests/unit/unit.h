/* Helpers shared by the unit tests. */
#ifndef FL_TESTS_UNIT_H
#define FL_TESTS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

/* Appends z to the string in buf (cap bytes), truncating safely: the
 * tests' strcat, which the house bans. */
static inline void cat(char *buf, size_t cap, const char *z)
{
	size_t n = strlen(buf);
	if (n < cap)
		snprintf(buf + n, cap - n, "%s", z);
}

/* y-mo-d h:mi:s UTC, as seconds since 1970: an instant a test names. */
static inline int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/* A test program's own store: a SQLite file in a new folder under /tmp
 * whose name starts with prefix. unit_store_open fills u and opens *out
 * with opts (target set here; NULL: the defaults), saying why on stderr
 * when it cannot; unit_store_remove deletes the file, its WAL, shared
 * memory and journal, and the folder (the store closed first). */
struct unit_store {
	char dir[64];
	char db[128];
};

static inline void unit_store_remove(const struct unit_store *u)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; u->db[0] && i < sizeof suffix / sizeof *suffix; i++) {
		char path[160];
		snprintf(path, sizeof path, "%s%s", u->db, suffix[i]);
		unlink(path);
	}
	if (u->dir[0])
		rmdir(u->dir);
}

static inline int unit_store_open(struct unit_store *u, const char *prefix,
				  const struct fl_store_opts *opts, fl_store **out)
{
	struct fl_store_opts o = opts ? *opts : (struct fl_store_opts){0};
	struct fl_err e = {0};

	snprintf(u->dir, sizeof u->dir, "/tmp/%s-XXXXXX", prefix);
	if (!mkdtemp(u->dir))
		return -1;
	snprintf(u->db, sizeof u->db, "%s/frontline.db", u->dir);
	o.target = u->db;
	if (fl_store_open(out, &o, &e)) {
		fprintf(stderr, "fl_store_open: %s\n", e.msg);
		unit_store_remove(u);
		return -1;
	}
	return 0;
}

#ifdef FL_FIXTURES
/* The bytes of tests/fixtures/mail/NAME.eml, malloc'd (the caller frees),
 * their length in *n; NULL when it cannot be read. */
static inline char *unit_fixture(const char *name, size_t *n)
{
	char path[512];
	FILE *f;
	long len;
	char *p = NULL;

	snprintf(path, sizeof path, "%s/%s.eml", FL_FIXTURES, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (p = malloc(len ? (size_t)len : 1)) && fread(p, 1, (size_t)len, f) == (size_t)len)
		*n = (size_t)len;
	else {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}
#endif

#endif
