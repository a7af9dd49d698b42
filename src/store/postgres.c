/* The PostgreSQL driver (libpq): any number of connections, from any number
 * of nodes.
 *
 * Query code writes '?' placeholders; this driver numbers them ($1, $2, …)
 * when it prepares. Parameters are sent as text with their types (bigint or
 * text) declared, so an expression like "? IS NULL" is typed too. Statements
 * that query code marks as cached become server-side prepared statements,
 * one per connection, prepared at their first run (when the parameter types
 * are known) and found again by the address of their SQL.
 *
 * Durability: a COMMIT returns once the server has flushed its WAL
 * (synchronous_commit on), unless the store was opened without sync_full. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/err.h"
#include "core/text.h"
#include "core/log.h"
#include "core/time.h"
#include "store/db.h"

/* pg_type OIDs (catalog/pg_type_d.h, stable across releases) */
#define OID_INT8 20
#define OID_TEXT 25
#define OID_BYTEA 17
/* A reader's statement may run this long (the store's read deadline). */
#define READ_TIMEOUT_MS 3000

struct param {
	char *p;
	size_t cap, n;
	int null;
};

struct fl_stmt {
	fl_conn *c;
	char *sql; /* with $n placeholders */
	char name[16];
	int cached, prepared;
	int dyn; /* 1 + its slot among the kept dynamic statements, or 0 */
	int n;   /* placeholders */
	Oid *types;
	struct param *v;
	const char **vals;
	int *lens, *formats; /* bytea goes as binary, the rest as text */
	unsigned char *blob; /* the last bytea column read, decoded */
	PGresult *res;
	int row, nrows, ran;
};

struct fl_conn {
	PGconn *pg;
	uint64_t deadline_us;                 /* monotonic; 0: none */
	unsigned named;                       /* prepared statements so far */
	const char *cache_sql[FL_STMT_SLOTS]; /* fl_stmt_slot's keys */
	fl_stmt *cache[FL_STMT_SLOTS];
	struct fl_dyn dyn; /* the statements built per request kept (db.h) */
	fl_stmt *dyn_stmt[FL_DYN_SLOTS];
};

extern const struct fl_embedded fl_postgres_migrations[];

/* SQLSTATE classes and codes: postgresql.org/docs/current/errcodes-appendix.html */
static int map_state(const char *state)
{
	if (!state)
		return FL_EIO; /* no answer: the connection is gone */
	if (!strncmp(state, "23", 2))
		return FL_ECONFLICT; /* integrity constraint violation */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strcmp(state, "57014"))
		return FL_EBUSY; /* serialization failure, deadlock, lock or time out */
	/* the server's, not ours: the transaction rolled back, a later one
	 * may fit. A failed fsync never gets here: the server PANICs on it
	 * (data_sync_retry = off), restarts and recovers from its WAL, and
	 * this connection is lost (FL_EIO, then a new connection). */
	if (!strcmp(state, "53100"))
		return FL_ENOSPC; /* disk_full */
	if (!strcmp(state, "53200"))
		return FL_ENOMEM; /* out_of_memory */
	if (!strncmp(state, "54", 2))
		return FL_ETOOBIG;
	return FL_EIO;
}

static int map_result(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int rc = map_state(state);
	/* conflicts and timeouts are answers; anything else is a fault to see */
	if (rc != FL_ECONFLICT && rc != FL_EBUSY)
		fl_log("error", "postgres: %s", res ? PQresultErrorMessage(res) : "no result");
	return rc;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs ("relation already exists, skipping") */
}

static int pg_exec(fl_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : map_result(res);
	PQclear(res);
	return rc;
}

static int pg_open(const char *target, int writer, int sync_full, fl_conn **out, struct fl_err *e)
{
	fl_conn *c = calloc(1, sizeof *c);
	char set[256];

	if (!c)
		return FL_ENOMEM;
	c->pg = PQconnectdb(target);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		int rc = fl_err_set(e, FL_EIO, NULL, NULL, "cannot connect to PostgreSQL: %s",
				    c->pg ? PQerrorMessage(c->pg) : "out of memory");
		PQfinish(c->pg);
		free(c);
		return rc;
	}
	PQsetNoticeProcessor(c->pg, quiet, NULL);
	snprintf(set, sizeof set,
		 "SET client_encoding = 'UTF8';"
		 "SET application_name = 'frontline';"
		 "SET synchronous_commit = %s;"
		 "SET statement_timeout = %d;"
		 "SET client_min_messages = warning",
		 sync_full ? "on" : "off", writer ? 0 : READ_TIMEOUT_MS);
	if (pg_exec(c, set)) {
		int rc = fl_err_set(e, FL_EIO, NULL, NULL, "cannot set up the connection: %s",
				    PQerrorMessage(c->pg));
		PQfinish(c->pg);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void stmt_free(fl_stmt *s)
{
	if (!s)
		return;
	PQclear(s->res);
	PQfreemem(s->blob);
	for (int i = 0; i < s->n; i++)
		free(s->v[i].p);
	free(s->v);
	free(s->vals);
	free(s->lens);
	free(s->formats);
	free(s->types);
	free(s->sql);
	free(s);
}

static void pg_close(fl_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < FL_STMT_SLOTS; i++)
		stmt_free(c->cache[i]);
	for (size_t i = 0; i < FL_DYN_SLOTS; i++)
		stmt_free(c->dyn_stmt[i]);
	fl_dyn_free(&c->dyn);
	PQfinish(c->pg);
	free(c);
}

static int pg_broken(fl_conn *c)
{
	return PQstatus(c->pg) != CONNECTION_OK;
}

static void pg_deadline(fl_conn *c, uint64_t until_us)
{
	c->deadline_us = until_us;
}

/* Rewrites '?' placeholders as $1, $2, … outside quoted strings and names. */
static int number_params(const char *sql, char **out, int *n)
{
	/* a one-byte '?' becomes at most "$" and 10 digits */
	size_t len = strlen(sql), cap = len * 11 + 1;
	char *o = malloc(cap), *w = o;
	char quote = 0;

	if (!o)
		return FL_ENOMEM;
	*n = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			w += snprintf(w, cap - (size_t)(w - o), "$%d", ++*n);
			continue;
		}
		*w++ = *p;
	}
	*w = 0;
	*out = o;
	return 0;
}

static int stmt_new(fl_conn *c, const char *sql, int cached, fl_stmt **out)
{
	fl_stmt *s = calloc(1, sizeof *s);
	int rc = s ? number_params(sql, &s->sql, &s->n) : FL_ENOMEM;

	if (rc) {
		free(s);
		return rc;
	}
	s->c = c;
	s->cached = cached;
	if (s->n) {
		s->types = calloc((size_t)s->n, sizeof *s->types);
		s->v = calloc((size_t)s->n, sizeof *s->v);
		s->vals = calloc((size_t)s->n, sizeof *s->vals);
		s->lens = calloc((size_t)s->n, sizeof *s->lens);
		s->formats = calloc((size_t)s->n, sizeof *s->formats);
		if (!s->types || !s->v || !s->vals || !s->lens || !s->formats) {
			stmt_free(s);
			return FL_ENOMEM;
		}
	}
	*out = s;
	return 0;
}

/* The kept statement for sql, a new one in the least recently used slot
 * if it was not kept (the server forgets the old one's plan): 0, an error,
 * or FL_EBUSY when no slot can take it. */
static int dyn_prepare(fl_conn *c, const char *sql, fl_stmt **out)
{
	int kept, i = fl_dyn_find(&c->dyn, sql, &kept), rc;
	fl_stmt *old = i < 0 ? NULL : c->dyn_stmt[i], *s;

	if (i < 0)
		return FL_EBUSY;
	if (!kept) {
		if (old && old->prepared) {
			char deallocate[32];
			PGresult *res;
			snprintf(deallocate, sizeof deallocate, "DEALLOCATE %s", old->name);
			res = PQexec(c->pg, deallocate);
			rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : FL_EBUSY;
			PQclear(res);
			if (rc)
				return rc;
		}
		if ((rc = stmt_new(c, sql, 1, &s)))
			return rc;
		stmt_free(old);
		c->dyn_stmt[i] = s;
		s->dyn = i + 1;
		if ((rc = fl_dyn_fill(&c->dyn, i, sql))) {
			stmt_free(s);
			c->dyn_stmt[i] = NULL;
			return rc;
		}
	}
	*out = c->dyn_stmt[i];
	return 0;
}

static int pg_prepare(fl_conn *c, const char *sql, int cache, fl_stmt **out)
{
	int i, rc;

	if (!cache) {
		rc = dyn_prepare(c, sql, out);
		return rc == FL_EBUSY ? stmt_new(c, sql, 0, out) : rc;
	}
	if ((i = fl_stmt_slot(c->cache_sql, sql)) < 0)
		return FL_EINTERNAL; /* more named statements than slots */
	if (!c->cache_sql[i]) {
		if ((rc = stmt_new(c, sql, 1, &c->cache[i])))
			return rc;
		c->cache_sql[i] = sql;
	}
	*out = c->cache[i];
	return 0;
}

static int set_param(fl_stmt *s, int i, Oid type, const char *p, size_t n)
{
	struct param *v;

	if (i < 1 || i > s->n)
		return FL_EINTERNAL;
	v = &s->v[i - 1];
	s->types[i - 1] = type;
	v->null = p == NULL;
	if (!p)
		return 0;
	if (n + 1 > v->cap) {
		char *q = realloc(v->p, n + 1);
		if (!q)
			return FL_ENOMEM;
		v->p = q;
		v->cap = n + 1;
	}
	memcpy(v->p, p, n);
	v->p[n] = 0;
	v->n = n;
	s->formats[i - 1] = type == OID_BYTEA;
	return 0;
}

static int pg_bind_i64(fl_stmt *s, int i, int64_t x)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%lld", (long long)x);
	return set_param(s, i, OID_INT8, buf, (size_t)n);
}

static int pg_bind_text(fl_stmt *s, int i, const char *p, size_t n)
{
	return set_param(s, i, OID_TEXT, p, n);
}

static int pg_bind_blob(fl_stmt *s, int i, const void *p, size_t n)
{
	if (n > INT32_MAX)
		return FL_ETOOBIG;
	return set_param(s, i, OID_BYTEA, p ? p : "", n);
}

static int pg_bind_null(fl_stmt *s, int i, int text)
{
	return set_param(s, i, text ? OID_TEXT : OID_INT8, NULL, 0);
}

/* Sends the statement and keeps its result; 0 or an error. */
static int run(fl_stmt *s)
{
	fl_conn *c = s->c;
	ExecStatusType st;

	if (c->deadline_us && fl_mono_us() > c->deadline_us)
		return FL_EBUSY;
	for (int i = 0; i < s->n; i++) {
		s->vals[i] = s->v[i].null ? NULL : s->v[i].p ? s->v[i].p : "";
		s->lens[i] = (int)s->v[i].n;
	}
	if (s->cached && !s->prepared) {
		PGresult *res;
		snprintf(s->name, sizeof s->name, "fl%u", c->named++);
		res = PQprepare(c->pg, s->name, s->sql, s->n, s->types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			int rc = map_result(res);
			PQclear(res);
			return rc;
		}
		PQclear(res);
		s->prepared = 1;
	}
	if (s->cached)
		s->res = PQexecPrepared(c->pg, s->name, s->n, s->vals, s->lens, s->formats, 0);
	else
		s->res = PQexecParams(c->pg, s->sql, s->n, s->types, s->vals, s->lens, s->formats,
				      0);
	st = PQresultStatus(s->res);
	if (st == PGRES_TUPLES_OK) {
		s->nrows = PQntuples(s->res);
	} else if (st == PGRES_COMMAND_OK) {
		s->nrows = 0;
	} else {
		int rc = map_result(s->res);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
	s->row = -1;
	return 0;
}

static int pg_step(fl_stmt *s)
{
	if (!s->ran) {
		int rc;
		s->ran = 1;
		if ((rc = run(s)))
			return rc;
	}
	if (!s->res || s->row + 1 >= s->nrows)
		return 0;
	s->row++;
	return 1;
}

static int pg_is_null(fl_stmt *s, int col)
{
	return PQgetisnull(s->res, s->row, col);
}

static int pg_col_count(fl_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

static int64_t pg_col_i64(fl_stmt *s, int col)
{
	const char *v = PQgetvalue(s->res, s->row, col);
	if (*v == 't' || *v == 'f') /* a boolean */
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(fl_stmt *s, int col, size_t *n)
{
	*n = (size_t)PQgetlength(s->res, s->row, col);
	return PQgetvalue(s->res, s->row, col);
}

/* bytea comes in text form, "\x" and hex: decoded into s->blob. */
static const void *pg_col_blob(fl_stmt *s, int col, size_t *n)
{
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), n);
	if (!s->blob)
		*n = 0;
	return s->blob;
}

static void pg_done(fl_stmt *s)
{
	if (!s)
		return;
	if (!s->cached) {
		stmt_free(s);
		return;
	}
	PQclear(s->res);
	s->res = NULL;
	PQfreemem(s->blob);
	s->blob = NULL;
	s->ran = 0;
	s->nrows = 0;
	for (int i = 0; i < s->n; i++)
		s->v[i].null = 1;
	if (s->dyn)
		s->c->dyn.busy[s->dyn - 1] = 0;
}

/* A lexeme in tsvector and tsquery input syntax
 * (postgresql.org/docs/current/datatype-textsearch.html): in single quotes,
 * a quote doubled and a backslash escaped. Terms are letters and digits,
 * but the syntax is kept whatever they hold. */
static int add_lexeme(fl_buf *out, const char *p, size_t n)
{
	int rc = fl_buf_addc(out, '\'');
	for (size_t i = 0; i < n && !rc; i++)
		rc = p[i] == '\''   ? fl_buf_adds(out, "''")
		     : p[i] == '\\' ? fl_buf_adds(out, "\\\\")
				    : fl_buf_addc(out, p[i]);
	return rc ? rc : fl_buf_addc(out, '\'');
}

#define PG_POS_MAX 16383 /* PostgreSQL's last position in a tsvector */

struct pg_doc {
	fl_buf *out;
	size_t base, words;
	char weight;
};

static int pg_doc_term(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		       size_t start, size_t end)
{
	struct pg_doc *d = ctx;
	size_t at = d->base + pos + 1;
	int rc = d->out->n ? fl_buf_addc(d->out, ' ') : 0;
	(void)colocated, (void)start, (void)end;

	d->words = pos + 1;
	if (!rc)
		rc = add_lexeme(d->out, term, len);
	if (!rc)
		rc = fl_buf_addf(d->out, ":%zu", at < PG_POS_MAX ? at : PG_POS_MAX);
	if (!rc && d->weight >= 'A' && d->weight <= 'C')
		rc = fl_buf_addc(d->out, d->weight);
	return rc;
}

static int pg_fts_doc(const char *text, char weight, size_t *pos, fl_buf *out)
{
	struct pg_doc d = {out, *pos, 0, weight};
	int rc = fl_text_terms(text, strlen(text), 0, pg_doc_term, &d);
	*pos += d.words;
	return rc;
}

struct pg_query {
	fl_buf *out;
	int any;
};

static int pg_query_term(void *ctx, const char *term, size_t len, int colocated, size_t pos,
			 size_t start, size_t end)
{
	struct pg_query *q = ctx;
	int rc = 0;
	(void)pos, (void)start, (void)end;

	if (colocated)
		rc = fl_buf_adds(q->out, " | ");
	else if (q->any)
		rc = fl_buf_adds(q->out, ") <-> (");
	else
		rc = fl_buf_addc(q->out, '(');
	q->any = 1;
	return rc ? rc : add_lexeme(q->out, term, len);
}

/* The query term as core/text.c's terms in tsquery syntax (db.h). A term
 * without a word is the lexeme '-', which no text gives. */
static int pg_fts_term(const char *term, int prefix, fl_buf *out)
{
	struct pg_query q = {out, 0};
	int rc = fl_buf_addc(out, '(');

	if (!rc)
		rc = fl_text_terms(term, strlen(term), prefix ? FL_TEXT_PREFIX : 0, pg_query_term,
				   &q);
	if (!rc && !q.any)
		rc = fl_buf_adds(out, "'-'");
	else if (!rc)
		rc = fl_buf_adds(out, prefix ? ":*)" : ")");
	return rc ? rc : fl_buf_addc(out, ')');
}

#define CHANNEL "frontline_events"

static int pg_listen(fl_conn *c)
{
	return pg_exec(c, "LISTEN " CHANNEL);
}

static int pg_wait_notify(fl_conn *c, int timeout_ms, void (*fn)(void *arg, const char *payload),
			  void *arg)
{
	struct pollfd p = {PQsocket(c->pg), POLLIN, 0};
	PGnotify *n;
	int rc;

	if (p.fd < 0)
		return FL_EIO;
	rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : FL_EIO;
	if (rc == 0)
		return 0;
	if (!PQconsumeInput(c->pg))
		return FL_EIO;
	while ((n = PQnotifies(c->pg))) {
		fn(arg, n->extra);
		PQfreemem(n);
	}
	return 0;
}

#define FTS_WHERE " tsv @@ ?::tsquery AND (? = 0 OR rowid & 1 = 1)"

const struct fl_driver fl_driver_postgres = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.broken = pg_broken,
	.exec = pg_exec,
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
	/* a row another node changed since this transaction began fails the
	 * change with a serialization error (FL_EBUSY): no lost updates */
	.begin_write = "BEGIN ISOLATION LEVEL REPEATABLE READ",
	.races = 1,
	.migrate_lock = "SELECT pg_advisory_lock(7146524851)",
	.migrate_unlock = "SELECT pg_advisory_unlock(7146524851)",
	.prepare = pg_prepare,
	.bind_i64 = pg_bind_i64,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.is_null = pg_is_null,
	.col_count = pg_col_count,
	.col_i64 = pg_col_i64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.done = pg_done,
	.fts_term = pg_fts_term,
	.fts_or = " | ",
	.fts_doc = pg_fts_doc,
	.snippet_in_c = 1,
	/* the same rowid scheme as SQLite's index (FL_FTS_SEQ_BITS) */
	.fts_match = "t.id IN (SELECT rowid >> 21 FROM search_fts WHERE" FTS_WHERE ")",
	.fts_ids = "SELECT DISTINCT rowid >> 21 FROM search_fts WHERE" FTS_WHERE,
	.fts_rowids = "SELECT rowid FROM search_fts WHERE" FTS_WHERE " ORDER BY rowid",
	.fts_in_ticket =
		"EXISTS (SELECT 1 FROM search_fts WHERE tsv @@ ?::tsquery"
		" AND rowid BETWEEN d.id << 21 AND (d.id << 21) + 2097151"
		" AND (? = 0 OR rowid & 1 = 1))",
	.fts_rows = "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts WHERE" FTS_WHERE " LIMIT ?) m",
	/* higher ts_rank is better; the store sorts lower rank first */
	.fts_rank =
		"SELECT rowid >> 21 AS ticket_id, MIN(-ts_rank_cd(tsv, q)) AS rank"
		" FROM (SELECT ?::tsquery AS q) x, search_fts"
		" WHERE tsv @@ q AND (? = 0 OR rowid & 1 = 1)"
		" GROUP BY 1",
	/* the row's body: the store cuts the snippet (snippet_in_c) */
	.fts_snippet =
		"SELECT body"
		" FROM (SELECT ?::tsquery AS q) x, search_fts"
		" WHERE rowid BETWEEN ? AND ? AND (? = 0 OR rowid & 1 = 1) AND tsv @@ q"
		" ORDER BY rowid LIMIT 1",
	/* the first matching row of each ticket */
	.fts_snippets_head =
		"SELECT m.rowid >> 21, m.body"
		" FROM (SELECT ?::tsquery AS q) x,"
		" LATERAL (SELECT DISTINCT ON (rowid >> 21) rowid, body"
		"          FROM search_fts WHERE rowid >> 21 IN (",
	.fts_snippets_tail =
		") AND (? = 0 OR rowid & 1 = 1) AND tsv @@ x.q"
		" ORDER BY rowid >> 21, rowid) m",
	.custom_field_match =
		"EXISTS (SELECT 1 FROM jsonb_array_elements(t.custom_fields::jsonb) j"
		" WHERE (?::bigint = 0 OR (j->>'id')::bigint = ?::bigint)"
		" AND j->>'value' = ?)",
	.migrations = fl_postgres_migrations,
	.tables = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
	.sync_ids =
		"SELECT setval(pg_get_serial_sequence('%s', 'id'),"
		" (SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)",
	/* nodes claim at once: each skips the rows the others hold */
	.job_claim =
		"UPDATE jobs"
		" SET state = 1, lease_owner = ?, lease_until = ?,"
		"     attempts = attempts + 1, updated_at = ?"
		" WHERE id = (SELECT id FROM jobs"
		"             WHERE kind COLLATE \"C\" >= ? AND kind COLLATE \"C\" < ?"
		"               AND ((state = 0 AND run_at <= ?)"
		"                 OR (state = 1 AND lease_until < ? AND attempts < max_attempts))"
		"             ORDER BY run_at, id"
		"             LIMIT 1 FOR UPDATE SKIP LOCKED)"
		" RETURNING " FL_COLUMNS_SQL(FL_JOB_COLUMNS),
	.notify_sql = "SELECT pg_notify('" CHANNEL "', ?)",
	.listen = pg_listen,
	.wait_notify = pg_wait_notify,
	.deadline = pg_deadline,
	.backup = NULL,
};
