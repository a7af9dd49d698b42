/* The driver interface under the store: what a database backend provides.
 *
 * Private to src/store/. Query code (users.c, tickets.c, …) is written once
 * against these calls with portable SQL ('?' placeholders, RETURNING,
 * row-value comparisons); each driver translates what its dialect needs and
 * keeps the few dialect-specific pieces (full-text search) behind hooks.
 * Only driver files include a database library's header. */
#ifndef FL_STORE_DB_H
#define FL_STORE_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"
#include "tickets/filter.h"

typedef struct fl_conn fl_conn;
typedef struct fl_stmt fl_stmt;

/* The search index's rowid for a ticket's subject or comment:
 * (ticket_id << FL_FTS_SEQ_BITS) | (seq << 1) | public, seq 0 being the
 * subject; so rowid >> 21 is the ticket and rowid & 1 says public. */
#define FL_FTS_SEQ_BITS 21

/* Column tables (store_int.h has the whole story): an entity's columns are
 * listed once, as rows X(member, "SQL expression") separated by S, and that
 * one list gives both the SELECT list and the row reader. FL_COLUMNS_SQL is
 * the SELECT list of such a list: one string literal "expr, expr, …", in
 * the order of the rows. Here because drivers write SQL that returns rows
 * too (the job claim). */
#define FL_COLUMN_SQL(member, expr) expr
#define FL_COLUMNS_SQL(list) list(FL_COLUMN_SQL, ", ")

/* The columns of struct fl_job (store/jobs.h): what fl_store_job_* read,
 * and what the drivers' job_claim returns. */
#define FL_JOB_COLUMNS(X, S)                                                                      \
	X(id, "id")                                                                               \
	S X(kind, "kind") S X(payload, "payload") S X(state, "state") S X(attempts, "attempts") S \
	X(max_attempts, "max_attempts") S                                                         \
	X(run_at, "run_at") S                                                                     \
	X(lease_until, "lease_until") S                                                           \
	X(lease_owner, "lease_owner") S                                                           \
	X(last_error, "last_error") S                                                             \
	X(unique_key, "unique_key") S                                                             \
	X(created_at, "created_at") S                                                             \
	X(updated_at, "updated_at") S                                                             \
	X(request_id, "request_id")

struct fl_driver {
	const char *name;
	/* Opens a connection to target (a file, a URI); writer is 1 for the
	 * one connection that writes. The driver applies durability settings
	 * (sync_full). */
	int (*open)(const char *target, int writer, int sync_full, fl_conn **out, struct fl_err *e);
	void (*close)(fl_conn *c);
	/* 1 when the connection is lost (the server went away) or no longer
	 * trusted (SQLite ran out of memory in a statement): the store closes
	 * it instead of using it again. */
	int (*broken)(fl_conn *c);
	/* Why what c's database holds on disk is no longer known — a failed
	 * fsync, a failed write of its files — once a call on c answered
	 * FL_EFENCED or a commit's checkpoint failed so; NULL while all is
	 * well. The sentence is c's, for the operator. A faulted connection
	 * writes nothing more, not even when it closes; NULL member where the
	 * database server keeps its own files (PostgreSQL). */
	const char *(*fault)(fl_conn *c);
	/* Runs SQL without parameters or rows (BEGIN, COMMIT, DDL scripts). */
	int (*exec)(fl_conn *c, const char *sql);
	/* How transactions start: a read sees one consistent snapshot; a
	 * write holds what it reads against concurrent writers (on a database
	 * several nodes write to, a conflict fails with FL_EBUSY and the store
	 * runs the transaction again). */
	const char *begin_read;
	const char *begin_write;
	/* 1 where writers on other nodes commit concurrently: a uniqueness
	 * conflict may be a race another node just won, so the store runs the
	 * transaction once more, and a real duplicate fails again. */
	int races;
	/* Statements that take and release a lock held across migrations, so
	 * that nodes starting together migrate one at a time; NULL where the
	 * write transaction already excludes others. */
	const char *migrate_lock;
	const char *migrate_unlock;
	/* Prepares sql; when cache is set, sql must be a string with static
	 * storage: the statement is kept and found again by its address. */
	int (*prepare)(fl_conn *c, const char *sql, int cache, fl_stmt **out);
	int (*bind_i64)(fl_stmt *s, int i, int64_t v);
	int (*bind_text)(fl_stmt *s, int i, const char *p, size_t n);
	int (*bind_blob)(fl_stmt *s, int i, const void *p, size_t n);
	/* text: the parameter's type where it has no value (1 text, 0 integer),
	 * for databases that type parameters when they prepare */
	int (*bind_null)(fl_stmt *s, int i, int text);
	/* 1: a row is ready; 0: done; <0: FL_ECONFLICT on a uniqueness or
	 * foreign-key violation, FL_EBUSY, FL_ENOSPC (a full disk: the
	 * transaction rolled back), FL_EFENCED (see fault), FL_EIO. */
	int (*step)(fl_stmt *s);
	int (*is_null)(fl_stmt *s, int col);
	/* Columns in the current row. */
	int (*col_count)(fl_stmt *s);
	int64_t (*col_i64)(fl_stmt *s, int col);
	/* Valid until the next step or done. */
	const char *(*col_text)(fl_stmt *s, int col, size_t *n);
	const void *(*col_blob)(fl_stmt *s, int col, size_t *n);
	/* Resets a cached statement, finalizes any other. */
	void (*done)(fl_stmt *s);
	/* Full-text search, the one place the dialects differ most.
	 * fts_term writes the driver's query expression matching one term (a
	 * word or phrase; with prefix, words starting with it); fts_or joins
	 * such expressions into one matching any of them. fts_match is a condition on tickets
	 * t with two parameters (an expression and "public only" 0/1): some
	 * row of the ticket matches. fts_ids selects the distinct ids of the
	 * tickets that match, with the same parameters; fts_in_ticket is the
	 * same condition for one ticket d, probing only its rows. fts_rowids
	 * selects the matching rowids in ascending order (same parameters).
	 * fts_rows counts matching rows up to a
	 * limit (expression, public only, limit). fts_rank is a query of
	 * (ticket_id, rank) pairs with the first two parameters, lower rank
	 * first. fts_snippet is a query with parameters (expression, first and
	 * last rowid of the ticket, public only) giving one row: a snippet of
	 * the ticket's first match with hits between \x01 and \x02. */
	int (*fts_term)(const char *term, int prefix, fl_buf *out);
	/* Both backends index core/text.c's terms (fl_text_terms), and so
	 * answer the same queries alike. On SQLite the FTS5 tokenizer "fl"
	 * makes them from what is inserted and matched: fts_term quotes the
	 * term for it, and fts_doc is NULL. On PostgreSQL the store hands the
	 * terms over itself: fts_doc appends to out a tsvector literal of
	 * text's terms ('term':pos, with weight 'A'–'C' after each position;
	 * 0 or 'D' for none), the positions following *pos, which it advances
	 * by text's words (start at 0; a title then a body continue), capped at
	 * 16383 as PostgreSQL caps them; colocated terms share their position.
	 * Bind it as ?::tsvector. fts_term there appends a tsquery literal for
	 * ?::tsquery: ('w' | 's1' | 's2') for a word and its stems, a phrase's
	 * words joined by <->, a prefix 'w':* (folded words only), in
	 * parentheses; a term without words matches nothing. Both return 0,
	 * FL_ENOMEM or FL_ETOOBIG (out's cap). */
	int (*fts_doc)(const char *text, char weight, size_t *pos, fl_buf *out);
	/* 1 where fts_snippet and fts_snippets_* give the matching row's whole
	 * text, which the store cuts with fl_text_snippet (PostgreSQL's
	 * ts_headline knows nothing of our stems); 0 where they give the
	 * snippet itself (SQLite's snippet() goes through the tokenizer). */
	int snippet_in_c;
	const char *fts_or;
	const char *fts_match;
	const char *fts_ids;
	const char *fts_in_ticket;
	const char *fts_rowids;
	const char *fts_rows;
	const char *fts_rank;
	const char *fts_snippet;
	/* Where a round trip costs more than a snippet (a database over the
	 * network), snippets of many tickets in one query: fts_snippets_head,
	 * a "?" for each ticket id joined by ", ", then fts_snippets_tail; the
	 * parameters are the expression, the ids, then public only. It gives
	 * rows (ticket_id, snippet of its first matching row). NULL: one
	 * fts_snippet query a ticket. */
	const char *fts_snippets_head;
	const char *fts_snippets_tail;
	/* A condition on tickets t: one of the ticket's custom fields (the
	 * JSON array [{"id", "value"}] in t.custom_fields) has the value given
	 * as text (true/false for booleans, digits for numbers). Parameters:
	 * the field id (0: any field), the same id again, the value. */
	const char *custom_field_match;
	/* The embedded migrations, in order. */
	const struct fl_embedded *migrations;
	/* A query listing the names of the store's own tables (not the
	 * database's, nor the search index's internals). */
	const char *tables;
	/* After a copy with explicit ids (fl_store_copy): a statement, with
	 * the table's name for both %s, that makes new ids start past the
	 * copied ones; NULL where ids follow the largest by themselves. */
	const char *sync_ids;
	/* Claims the job due first for a runner (fl_store_job_claim): an
	 * UPDATE … RETURNING FL_COLUMNS_SQL(FL_JOB_COLUMNS), with parameters (owner,
	 * lease_until, now, kind_from, kind_to, now, now): of the kinds in
	 * [kind_from, kind_to). Where writers run concurrently the
	 * choice must skip rows other claims hold (FOR UPDATE SKIP LOCKED). */
	const char *job_claim;
	/* Live events across nodes: notify_sql, with the payload as its one
	 * parameter, delivers it at commit to every connection that called
	 * listen; wait_notify waits up to timeout_ms on such a connection and
	 * calls fn for each payload (<0 when the connection is lost). NULL
	 * where the store delivers its own events in-process (SQLite). */
	const char *notify_sql;
	int (*listen)(fl_conn *c);
	int (*wait_notify)(fl_conn *c, int timeout_ms, void (*fn)(void *arg, const char *payload),
			   void *arg);
	/* Statements on c stop with FL_EBUSY once the monotonic clock passes
	 * until_us (fl_mono_us); 0 lifts the limit. */
	void (*deadline)(fl_conn *c, uint64_t until_us);
	/* Copies the database into path, a file it creates 0600 (it must not
	 * exist), calling progress(done, total) unless progress is NULL;
	 * NULL where the database has its own tools (pg_dump). */
	int (*backup)(fl_conn *c, const char *path,
		      void (*progress)(void *arg, int done, int total), void *arg,
		      struct fl_err *e);
};

/* Drivers keep the statements query code marks as cached in an open-
 * addressed table of FL_STMT_SLOTS, keyed by the address of their SQL.
 * Returns the slot of sql in keys: where it is, else the free slot where it
 * goes (keys[slot] NULL); -1 when the table is full. */
#define FL_STMT_SLOTS 256 /* a power of two, above the number of named statements */
int fl_stmt_slot(const char *const keys[FL_STMT_SLOTS], const char *sql);

/* Statements built per request (a filter's WHERE, a search) come in few
 * shapes: drivers keep the last FL_DYN_SLOTS of them prepared, keyed by
 * their text, so that a queue's page is not parsed and planned again on
 * every request (a quarter of its time at a million tickets,
 * docs/performance.md). A kept statement in use (a query run inside
 * another's rows) is not handed out twice. This is the table of keys; each
 * driver keeps the statements in an array beside it. */
#define FL_DYN_SLOTS 16
struct fl_dyn {
	uint64_t hash[FL_DYN_SLOTS], used[FL_DYN_SLOTS], clock;
	char *sql[FL_DYN_SLOTS]; /* NULL: an empty slot */
	int busy[FL_DYN_SLOTS];
};
/* The slot keeping sql, marked busy (*kept 1); or, *kept 0, the least
 * recently used idle slot, whose statement the caller replaces and then
 * names with fl_dyn_fill; -1 when every slot is busy. */
int fl_dyn_find(struct fl_dyn *d, const char *sql, int *kept);
/* Slot i now keeps sql, busy; FL_ENOMEM leaves it empty. */
int fl_dyn_fill(struct fl_dyn *d, int i, const char *sql);
void fl_dyn_free(struct fl_dyn *d);

extern const struct fl_driver fl_driver_sqlite;
extern const struct fl_driver fl_driver_postgres;

/* The driver for a store target: PostgreSQL for a postgres:// or
 * postgresql:// URI, SQLite for anything else (a file). */
const struct fl_driver *fl_driver_for(const char *target);

#endif
