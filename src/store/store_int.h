/* Private to src/store/: the transaction handle and the query helpers that
 * per-domain query files use. */
#ifndef FL_STORE_INT_H
#define FL_STORE_INT_H

#include <pthread.h>
#include <stddef.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/queues.h"
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
int fl_store_attachment_purge(fl_tx *tx, int64_t before, fl_arena *a, int64_t *n, char ***orphans,
			      size_t *norphans);

/* Counts of views kept with the write generation they were made at
 * (fl_store_ticket_count_kept): a slot a (view, actor), the newest count
 * replacing what was there; and the queues' counts. Every store has one,
 * under its lock. */
#define FL_COUNT_CACHE 256
struct fl_count_entry {
	struct fl_count_key key;
	uint64_t filter; /* the filter's fingerprint */
	int64_t gen, n;
	int used;
};
/* The built-in queues' counts for one agent at one solved_since, kept
 * the same way (fl_store_queue_counts): a slot an agent. */
#define FL_QUEUE_CACHE 64
struct fl_queue_entry {
	int64_t me, since, gen;
	int64_t counts[FL_QUEUE__MAX];
	int used;
};
struct fl_count_cache {
	pthread_mutex_t lock;
	struct fl_count_entry e[FL_COUNT_CACHE];
	struct fl_queue_entry q[FL_QUEUE_CACHE];
};
struct fl_count_cache *fl_store_count_cache(fl_store *s);

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
int fl_q_v(fl_tx *tx, const char *sql, int dynamic, fl_stmt **out, const char *fmt, va_list ap);
/* Runs a statement that returns no rows (or ignores them). */
int fl_q_exec(fl_tx *tx, const char *sql, const char *fmt, ...);
/* Runs a statement that returns one integer (RETURNING id, COUNT(*)):
 * FL_ENOTFOUND when there is no row. */
int fl_q_int(fl_tx *tx, const char *sql, int64_t *out, const char *fmt, ...);
/* Runs a statement that returns one text (a setting's value): *out in a,
 * FL_ENOTFOUND when there is no row. */
int fl_q_text(fl_tx *tx, const char *sql, fl_arena *a, char **out, const char *fmt, ...);
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
int fl_q_rows(fl_tx *tx, fl_stmt *st, fl_row_fn read, fl_arena *a, size_t size, size_t max,
	      void **out, size_t *n);
/* The same for the first column as ids: at most max into an array in a. */
int fl_q_ids(fl_tx *tx, fl_stmt *st, fl_arena *a, size_t max, int64_t **out, size_t *n);

/* Column tables: an entity's columns are listed once, and that one list
 * gives both the SELECT list (FL_COLUMNS_SQL, in db.h) and the row reader;
 * adding a column is its struct member, one row of the list and the
 * migrations. The list is an X-macro of rows X(member, "SQL expression")
 * separated by S:
 *
 *     #define VIEW_COLUMNS(X, S)                 \
 *             X(id, "id") S                      \
 *             X(title, "title") S                \
 *             X(active, "active")
 *     #define VIEW_COLUMN(m, expr) FL_COLUMN(struct fl_view, m)
 *     static const struct fl_col view_col[] = {VIEW_COLUMNS(VIEW_COLUMN, FL_COMMA)};
 *     static const struct fl_cols view_cols = FL_COLS(struct fl_view, view_col);
 *
 *     static const char sql[] =
 *             "SELECT " FL_COLUMNS_SQL(VIEW_COLUMNS)   -- "id, title, active"
 *             " FROM views"
 *             " WHERE id = ?";
 *     rc = fl_q(tx, sql, 0, &st, "i", id);
 *     return rc ? rc : fl_q_one_cols(tx, st, &view_cols, a, out);
 *
 * The expression may be any SQL the query's FROM allows ("a.id",
 * "COALESCE(c.public, 0)"), never a '?'. A member's type says how it is
 * read (FL_COLUMN picks the kind at compile time; another type does not
 * compile):
 *   int64_t  FL_COL_I64   the integer, SQL NULL as 0
 *   int      FL_COL_INT   the same, narrowed (flags, states, counts)
 *   char *   FL_COL_TEXT  a copy in the arena, SQL NULL as NULL
 * Members the list leaves out read as 0 / NULL. */
enum fl_col_kind { FL_COL_I64, FL_COL_INT, FL_COL_TEXT };

/* Where a column goes: the member's offset in the row's struct, and how
 * it is read. */
struct fl_col {
	size_t offset;
	enum fl_col_kind kind;
};

/* A row's columns, in SELECT order, and the size of its struct. */
struct fl_cols {
	const struct fl_col *col;
	size_t n;
	size_t size;
};

#define FL_COLUMN(type, member)                                                         \
	{                                                                               \
		offsetof(type, member),                                               \
	 _Generic(((type *)0)->member, int64_t: FL_COL_I64, int: FL_COL_INT,   \
		  char *: FL_COL_TEXT) \
	}
#define FL_COMMA ,
#define FL_COLS(type, array)                                      \
	{                                                         \
		array, sizeof array / sizeof *array, sizeof(type) \
	}

/* Reads the current row of st into row (t->size bytes, zeroed first), one
 * column per entry of t in order, strings copied into a. FL_EINTERNAL when
 * the statement does not return exactly t->n columns (its SELECT list is
 * not the table's), FL_ENOMEM when a copy fails. */
int fl_cols_read(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, void *row);
/* fl_q_one and fl_q_rows reading rows with a column table: out gets one
 * struct (t->size bytes), or an array of them allocated in a. */
int fl_q_one_cols(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, void *out);
int fl_q_rows_cols(fl_tx *tx, fl_stmt *st, const struct fl_cols *t, fl_arena *a, size_t max,
		   void **out, size_t *n);

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
int fl_q_dyn(fl_tx *tx, const char *sql, const struct fl_param *p, size_t n, fl_stmt **out);
/* The same for SQL made once at run time into static storage (cache set:
 * prepared once per connection and found again by its address). */
int fl_q_params(fl_tx *tx, const char *sql, int cache, const struct fl_param *p, size_t n,
		fl_stmt **out);

#endif
