#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int fl_stmt_slot(const char *const keys[FL_STMT_SLOTS], const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	size_t i;

	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15u;
	i = (size_t)(h >> 20) & (FL_STMT_SLOTS - 1);
	for (size_t k = 0; k < FL_STMT_SLOTS; k++, i = (i + 1) & (FL_STMT_SLOTS - 1))
		if (keys[i] == sql || !keys[i])
			return (int)i;
	return -1;
}

static uint64_t text_hash(const char *sql)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h;
}

int fl_dyn_find(struct fl_dyn *d, const char *sql, int *kept)
{
	uint64_t h = text_hash(sql);
	int lru = -1;

	for (int i = 0; i < FL_DYN_SLOTS; i++) {
		if (d->busy[i])
			continue;
		if (d->sql[i] && d->hash[i] == h && !strcmp(d->sql[i], sql)) {
			d->busy[i] = 1;
			d->used[i] = ++d->clock;
			*kept = 1;
			return i;
		}
		if (lru < 0 || d->used[i] < d->used[lru])
			lru = i; /* an empty slot's is 0 */
	}
	*kept = 0;
	return lru;
}

int fl_dyn_fill(struct fl_dyn *d, int i, const char *sql)
{
	free(d->sql[i]);
	d->sql[i] = strdup(sql);
	d->hash[i] = text_hash(sql);
	d->used[i] = ++d->clock;
	d->busy[i] = d->sql[i] != NULL;
	return d->sql[i] ? 0 : FL_ENOMEM;
}

void fl_dyn_free(struct fl_dyn *d)
{
	for (int i = 0; i < FL_DYN_SLOTS; i++)
		free(d->sql[i]);
}

int fl_q_v(fl_tx *tx, const char *sql, int dynamic, fl_stmt **out, const char *fmt, va_list ap)
{
	fl_stmt *st;
	int rc = tx->drv->prepare(tx->conn, sql, !dynamic, &st);

	if (rc)
		return rc;
	for (int i = 1; *fmt && !rc; fmt++, i++) {
		int64_t v;
		const char *z;
		switch (*fmt) {
		case 'i': rc = tx->drv->bind_i64(st, i, va_arg(ap, int64_t)); break;
		case 'I':
			v = va_arg(ap, int64_t);
			rc = v ? tx->drv->bind_i64(st, i, v) : tx->drv->bind_null(st, i, 0);
			break;
		case 'b': {
			const void *b = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = tx->drv->bind_blob(st, i, b ? b : "", n);
			break;
		}
		case 't':
			z = va_arg(ap, const char *);
			rc = z ? tx->drv->bind_text(st, i, z, strlen(z))
			       : tx->drv->bind_null(st, i, 1);
			break;
		default: rc = FL_EINTERNAL;
		}
	}
	if (rc) {
		tx->drv->done(st);
		return rc;
	}
	*out = st;
	return 0;
}

int fl_q(fl_tx *tx, const char *sql, int dynamic, fl_stmt **out, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = fl_q_v(tx, sql, dynamic, out, fmt, ap);
	va_end(ap);
	return rc;
}

int fl_q_exec(fl_tx *tx, const char *sql, const char *fmt, ...)
{
	va_list ap;
	fl_stmt *st;
	int rc;

	va_start(ap, fmt);
	rc = fl_q_v(tx, sql, 0, &st, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = tx->drv->step(st)) == 1)
		;
	tx->drv->done(st);
	return rc;
}

int fl_q_int(fl_tx *tx, const char *sql, int64_t *out, const char *fmt, ...)
{
	va_list ap;
	fl_stmt *st;
	int rc;

	va_start(ap, fmt);
	rc = fl_q_v(tx, sql, 0, &st, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = tx->drv->step(st);
	if (rc == 1) {
		*out = tx->drv->col_i64(st, 0);
		/* finish RETURNING statements so the change is complete */
		while ((rc = tx->drv->step(st)) == 1)
			;
	} else if (rc == 0) {
		rc = FL_ENOTFOUND;
	}
	tx->drv->done(st);
	return rc;
}

int fl_q_text(fl_tx *tx, const char *sql, fl_arena *a, char **out, const char *fmt, ...)
{
	va_list ap;
	fl_stmt *st;
	char *v = NULL;
	int rc, err = 0;

	va_start(ap, fmt);
	rc = fl_q_v(tx, sql, 0, &st, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = tx->drv->step(st);
	if (rc == 1)
		v = fl_col_text(tx, st, 0, a, &err), rc = err;
	else if (rc == 0)
		rc = FL_ENOTFOUND;
	tx->drv->done(st);
	if (!rc)
		*out = v;
	return rc;
}

int fl_q_step(fl_tx *tx, fl_stmt *st)
{
	return tx->drv->step(st);
}

void fl_q_done(fl_tx *tx, fl_stmt *st)
{
	tx->drv->done(st);
}

int64_t fl_col_int(fl_tx *tx, fl_stmt *st, int col)
{
	return tx->drv->col_i64(st, col);
}

char *fl_col_text(fl_tx *tx, fl_stmt *st, int col, fl_arena *a, int *err)
{
	size_t n;
	const char *p;
	char *z;

	if (tx->drv->is_null(st, col))
		return NULL;
	p = tx->drv->col_text(st, col, &n);
	z = fl_arena_strndup(a, p ? p : "", n);
	if (!z)
		*err = FL_ENOMEM;
	return z;
}

int fl_q_dyn(fl_tx *tx, const char *sql, const struct fl_param *p, size_t n, fl_stmt **out)
{
	return fl_q_params(tx, sql, 0, p, n, out);
}

int fl_q_params(fl_tx *tx, const char *sql, int cache, const struct fl_param *p, size_t n,
		fl_stmt **out)
{
	fl_stmt *st;
	int rc = tx->drv->prepare(tx->conn, sql, cache, &st);

	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		int k = (int)i + 1;
		if (p[i].null || (p[i].is_text && !p[i].s))
			rc = tx->drv->bind_null(st, k, p[i].is_text);
		else if (p[i].is_blob)
			rc = tx->drv->bind_blob(st, k, p[i].s, p[i].n);
		else if (p[i].is_text)
			rc = tx->drv->bind_text(st, k, p[i].s, strlen(p[i].s));
		else
			rc = tx->drv->bind_i64(st, k, p[i].i);
	}
	if (rc) {
		tx->drv->done(st);
		return rc;
	}
	*out = st;
	return 0;
}

/* Reads st's current row into row with read, or with the column table t
 * when read is NULL. */
static int read_row(fl_tx *tx, fl_stmt *st, fl_row_fn read, const struct fl_cols *t, fl_arena *a,
		    void *row)
{
	return read ? read(tx, st, a, row) : fl_cols_read(tx, st, t, a, row);
}

static int one(fl_tx *tx, fl_stmt *st, fl_row_fn read, const struct fl_cols *t, fl_arena *a,
	       void *out, size_t size)
{
	void *row = fl_arena_alloc(a, size);
	int rc = row ? tx->drv->step(st) : FL_ENOMEM;

	if (rc == 1)
		rc = read_row(tx, st, read, t, a, row);
	else if (rc == 0)
		rc = FL_ENOTFOUND;
	tx->drv->done(st);
	if (!rc)
		memcpy(out, row, size);
	return rc;
}

static int rows(fl_tx *tx, fl_stmt *st, fl_row_fn read, const struct fl_cols *t, fl_arena *a,
		size_t size, size_t max, void **out, size_t *n)
{
	char *p = fl_arena_alloc(a, (max ? max : 1) * size);
	size_t k = 0;
	int rc = p ? 0 : FL_ENOMEM;

	while (!rc && k < max && (rc = tx->drv->step(st)) == 1)
		rc = read_row(tx, st, read, t, a, p + size * k++);
	tx->drv->done(st);
	if (rc < 0)
		return rc;
	*out = p;
	*n = k;
	return 0;
}

int fl_q_one(fl_tx *tx, fl_stmt *st, fl_row_fn read, fl_arena *a, void *out, size_t size)
{
	return one(tx, st, read, NULL, a, out, size);
}

int fl_q_rows(fl_tx *tx, fl_stmt *st, fl_row_fn read, fl_arena *a, size_t size, size_t max,
	      void **out, size_t *n)
{
	return rows(tx, st, read, NULL, a, size, max, out, n);
}

static int read_id(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	(void)a;
	*(int64_t *)row = fl_col_int(tx, st, 0);
	return 0;
}

int fl_q_ids(fl_tx *tx, fl_stmt *st, fl_arena *a, size_t max, int64_t **out, size_t *n)
{
	return rows(tx, st, read_id, NULL, a, sizeof **out, max, (void **)out, n);
}

int fl_q_one_cols(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, void *out)
{
	return one(tx, st, NULL, t, a, out, t->size);
}

int fl_q_rows_cols(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, size_t max,
		   void **out, size_t *n)
{
	return rows(tx, st, NULL, t, a, t->size, max, out, n);
}
