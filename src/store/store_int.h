/* Private to src/store/: the transaction handle and the query helpers that
 * per-domain query files use. */
#ifndef FL_STORE_INT_H
#define FL_STORE_INT_H

#include "core/arena.h"
#include "store/db.h"
#include "store/store.h"

struct fl_tx {
	fl_store *store;
	const struct fl_driver *drv;
	fl_conn *conn;
	int write;
	fl_buf *notes; /* a write's events, delivered after its commit */
};

/* Deletes up to 1000 unclaimed uploads older than before (rows and
 * bytes in the database); *orphans gets the digests of folder files no
 * remaining row names. */
int fl_store_attachment_purge(fl_tx *tx, int64_t before, fl_arena *a, int64_t *n,
			      char ***orphans, size_t *norphans);

/* The driver a store runs on. */
const struct fl_driver *fl_store_driver(const fl_store *s);

/* Prepares sql and binds the arguments described by fmt, one letter each:
 *   i  int64_t
 *   I  int64_t, bound as NULL when 0 (optional references)
 *   t  const char *, NULL binds NULL
 *   b  const void *, size_t: bytes
 * A named statement (static SQL) is cached; pass dynamic = 1 for SQL built
 * at run time. On success *out must be released with fl_q_done(). */
int fl_q(fl_tx *tx, const char *sql, int dynamic, fl_stmt **out, const char *fmt, ...);
int fl_q_v(fl_tx *tx, const char *sql, int dynamic, fl_stmt **out,
	   const char *fmt, va_list ap);
/* Runs a statement that returns no rows (or ignores them). */
int fl_q_exec(fl_tx *tx, const char *sql, const char *fmt, ...);
/* Runs a statement that returns one integer (RETURNING id, COUNT(*)):
 * FL_ENOTFOUND when there is no row. */
int fl_q_int(fl_tx *tx, const char *sql, int64_t *out, const char *fmt, ...);
int fl_q_step(fl_tx *tx, fl_stmt *st);
void fl_q_done(fl_tx *tx, fl_stmt *st);
int64_t fl_col_int(fl_tx *tx, fl_stmt *st, int col);
/* A copy in a, NULL for SQL NULL (and for NULL on allocation failure: the
 * caller checks *err). */
char *fl_col_text(fl_tx *tx, fl_stmt *st, int col, fl_arena *a, int *err);

/* Reads the current row of st into row (a struct of the caller's kind),
 * copying strings into a; returns 0 or FL_ENOMEM. */
typedef int (*fl_row_fn)(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row);

/* Steps st once and reads the row into out (size bytes), which is written
 * only on success; FL_ENOTFOUND when there is no row. Releases st. */
int fl_q_one(fl_tx *tx, fl_stmt *st, fl_row_fn read, fl_arena *a, void *out, size_t size);
/* Reads up to max rows into an array allocated in a (*out, *n). Releases st. */
int fl_q_rows(fl_tx *tx, fl_stmt *st, fl_row_fn read, fl_arena *a, size_t size,
	      size_t max, void **out, size_t *n);

/* An entity's columns, listed once as an X-macro table
 *   #define T(X, _) X(column, KIND, field) _ X(column, KIND, field) …
 * (KIND I64, INT or TEXT; _ separates the rows) that drives both the
 * SELECT list, T(FL_COL_SQL, ", "), and the row reader: the array
 * { T(ROW_DESC, FL_COMMA) } of struct fl_col that fl_cols_read walks, with
 * ROW_DESC(c, k, f) defined by the store file as
 * {FL_COL_##k, offsetof(struct its_row, f)}. Adding a column is one row. */
enum fl_col_kind { FL_COL_I64, FL_COL_INT, FL_COL_TEXT };
struct fl_col {
	enum fl_col_kind kind;
	size_t off; /* of the field in the row struct: int64_t, int or char * */
};
#define FL_COL_SQL(c, k, f) #c
#define FL_COMMA ,
/* Reads columns 0 to n - 1 of st's current row into row as cols say,
 * copying strings into a; 0 or FL_ENOMEM. */
int fl_cols_read(fl_tx *tx, fl_stmt *st, const struct fl_col *cols, size_t n, fl_arena *a,
		 void *row);

/* Parameters of SQL built at run time: text s (NULL: a NULL of type
 * text), bytes (is_blob: n at s), or integer i; NULL when null is set. */
struct fl_param {
	int is_text;
	int64_t i;
	const char *s;
	int null;
	int is_blob;
	size_t n;
};
int fl_q_dyn(fl_tx *tx, const char *sql, const struct fl_param *p, size_t n,
	     fl_stmt **out);

#endif
