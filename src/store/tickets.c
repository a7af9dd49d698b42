/* Queries about tickets: the tickets themselves with their tags and CCs,
 * comments, audits, the full-text index and filtered listings. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/settings.h"
#include "store/store_int.h"
#include "store/tickets.h"

/* The columns of a ticket, each named as in struct fl_ticket and in the
 * tickets table, with how it is kept (INT an int, I64 an int64_t, REF an
 * int64_t where 0 is NULL: ids and times that may be unset, TEXT a char *
 * that may be NULL) and when it is written (ALL: by insert and update,
 * NEW: by insert only, NONE: never — the database gives it). The SELECT
 * list, the row reader, the INSERT and the UPDATE all come from this list:
 * a new ticket column is one line here plus its migrations (and its name
 * in copy.c's tables[], which frontline migrate refuses to run without). */
#define TICKET_COLUMNS(X)            \
	X(id, I64, NONE)             \
	X(subject, TEXT, ALL)        \
	X(description, TEXT, NEW)    \
	X(status, INT, ALL)          \
	X(priority, INT, ALL)        \
	X(type, INT, ALL)            \
	X(channel, INT, ALL)         \
	X(requester_id, REF, ALL)    \
	X(submitter_id, REF, NEW)    \
	X(assignee_id, REF, ALL)     \
	X(group_id, REF, ALL)        \
	X(organization_id, REF, ALL) \
	X(custom_fields, TEXT, ALL)  \
	X(external_id, TEXT, ALL)    \
	X(created_at, I64, NEW)      \
	X(updated_at, I64, ALL)      \
	X(solved_at, REF, ALL)       \
	X(deleted_at, REF, ALL)      \
	X(due_at, REF, ALL)          \
	X(recipient, TEXT, ALL)      \
	X(problem_id, REF, ALL)      \
	X(updated_stamp, I64, ALL)   \
	X(complaint_reason_id, REF, ALL)

enum col_type { COL_INT, COL_I64, COL_REF, COL_TEXT };
enum col_write { COL_NONE, COL_NEW, COL_ALL };

static const struct ticket_col {
	const char *name;
	size_t off;
	enum col_type type;
	enum col_write write;
} ticket_cols[] = {
#define COL_ROW(name, type, write) \
	{#name, offsetof(struct fl_ticket, name), COL_##type, COL_##write},
	TICKET_COLUMNS(COL_ROW)
#undef COL_ROW
};

#define NCOLS (sizeof ticket_cols / sizeof *ticket_cols)

/* A ticket's soonest SLA breach (store/ticket_slas.h), none last. */
#define SLA_BREACH_SQL                                                              \
	"COALESCE((SELECT next_breach_at FROM ticket_slas WHERE ticket_id = t.id)," \
	" 9223372036854775807)"

/* The columns, then the ticket's tags (space-separated: a tag has no
 * spaces), CC'd user ids, followers' ids and the requester's address, so
 * one statement loads a whole ticket. group_concat is SQLite's; the PostgreSQL migration defines the
 * same. */
#define COL_SELECT(name, type, write) "t." #name ", "
#define TICKET_COLS                                                           \
	TICKET_COLUMNS(COL_SELECT)                                            \
	"(SELECT group_concat(tag, ' ') FROM (SELECT tag FROM ticket_tags"    \
	" WHERE ticket_id = t.id ORDER BY tag) g), "                          \
	"(SELECT group_concat(user_id, ' ') FROM (SELECT user_id FROM"        \
	" ticket_collaborators WHERE ticket_id = t.id ORDER BY user_id) c), " \
	"(SELECT group_concat(user_id, ' ') FROM (SELECT user_id FROM"        \
	" ticket_followers WHERE ticket_id = t.id ORDER BY user_id) f), "     \
	"(SELECT email FROM users WHERE id = t.requester_id), " SLA_BREACH_SQL

/* Splits a space-separated list of ids into ids (at most max of them). */
static void split_ids(char *p, int64_t *ids, size_t *n, size_t max)
{
	while (p && *p && *n < max) {
		int64_t id;
		size_t k = strcspn(p, " ");
		if (fl_str_to_i64((fl_str){p, k}, &id) == 0)
			ids[(*n)++] = id;
		p += k + (p[k] == ' ');
	}
}

/* Reads the columns after the table's: t's tags, CCs, followers and
 * requester's address. */
static int read_lists(fl_tx *tx, fl_stmt *st, fl_arena *a, struct fl_ticket *t)
{
	int err = 0;
	char *tags = fl_col_text(tx, st, (int)NCOLS, a, &err);
	char *ccs = fl_col_text(tx, st, (int)NCOLS + 1, a, &err);
	char *followers = fl_col_text(tx, st, (int)NCOLS + 2, a, &err);

	t->requester_email = fl_col_text(tx, st, (int)NCOLS + 3, a, &err);
	t->sla_next_breach_at = fl_col_int(tx, st, (int)NCOLS + 4);
	for (char *p = tags; p && *p && t->ntags < FL_TICKET_MAX_TAGS;) {
		size_t n = strcspn(p, " ");
		t->tags[t->ntags++] = p;
		p += n;
		if (*p)
			*p++ = 0;
	}
	split_ids(ccs, t->ccs, &t->nccs, FL_TICKET_MAX_CCS);
	split_ids(followers, t->followers, &t->nfollowers, FL_TICKET_MAX_FOLLOWERS);
	return err;
}

static int read_ticket(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_ticket *t = row;
	int err = 0;

	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < NCOLS; i++) {
		char *at = (char *)t + ticket_cols[i].off;
		switch (ticket_cols[i].type) {
		case COL_INT: *(int *)at = (int)fl_col_int(tx, st, (int)i); break;
		case COL_I64:
		case COL_REF: *(int64_t *)at = fl_col_int(tx, st, (int)i); break;
		case COL_TEXT: *(char **)at = fl_col_text(tx, st, (int)i, a, &err); break;
		}
	}
	return err ? err : read_lists(tx, st, a, t);
}

/* The parameter binding column c of t. */
static struct fl_param col_param(const struct fl_ticket *t, const struct ticket_col *c)
{
	const char *at = (const char *)t + c->off;
	struct fl_param p = {0};

	switch (c->type) {
	case COL_INT: p.i = *(const int *)at; break;
	case COL_I64: p.i = *(const int64_t *)at; break;
	case COL_REF:
		p.i = *(const int64_t *)at;
		p.null = p.i == 0;
		break;
	case COL_TEXT:
		p.is_text = 1;
		p.s = *(char *const *)at;
		break;
	}
	return p;
}

/* The INSERT of the columns written when new and the UPDATE of those
 * written always, made once from ticket_cols into static storage, so that
 * each connection prepares them once, as it does the static statements. */
static char insert_sql[2048], update_sql[2048];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void make_sql(void)
{
	fl_buf ins, upd, marks;
	size_t nins = 0, nupd = 0;
	int rc;

	fl_buf_init(&ins, sizeof insert_sql);
	fl_buf_init(&upd, sizeof update_sql);
	fl_buf_init(&marks, sizeof insert_sql);
	rc = fl_buf_adds(&ins, "INSERT INTO tickets (") | fl_buf_adds(&upd, "UPDATE tickets SET ");
	for (size_t i = 0; i < NCOLS; i++) {
		const struct ticket_col *c = &ticket_cols[i];
		if (c->write != COL_NONE) {
			rc |= fl_buf_addf(&ins, "%s%s", nins ? ", " : "", c->name);
			rc |= fl_buf_adds(&marks, nins++ ? ", ?" : "?");
		}
		if (c->write == COL_ALL)
			rc |= fl_buf_addf(&upd, "%s%s = ?", nupd++ ? ", " : "", c->name);
	}
	rc |= fl_buf_addf(&ins, ") VALUES (%s) RETURNING id", marks.p);
	rc |= fl_buf_adds(&upd, " WHERE id = ?");
	/* the list is fixed at compile time: a failure here is a bug the first
	 * ticket write finds at once (an empty statement does not prepare) */
	if (!rc && ins.n < sizeof insert_sql && upd.n < sizeof update_sql) {
		memcpy(insert_sql, ins.p, ins.n + 1);
		memcpy(update_sql, upd.p, upd.n + 1);
	}
	fl_buf_free(&ins);
	fl_buf_free(&upd);
	fl_buf_free(&marks);
}

/* Writes t's row: with new_id, an INSERT of the columns written when new
 * (the id it gets goes to *new_id); without, an UPDATE of those written
 * always. */
static int write_row(fl_tx *tx, const struct fl_ticket *t, int64_t *new_id)
{
	int insert = new_id != NULL;
	struct fl_param p[NCOLS + 1];
	size_t np = 0;
	fl_stmt *st;
	int rc;

	pthread_once(&sql_once, make_sql);
	for (size_t i = 0; i < NCOLS; i++) {
		const struct ticket_col *c = &ticket_cols[i];
		if (c->write == COL_ALL || (c->write == COL_NEW && insert))
			p[np++] = col_param(t, c);
	}
	if (!insert)
		p[np++] = (struct fl_param){.i = t->id};
	rc = fl_q_params(tx, insert ? insert_sql : update_sql, 1, p, np, &st);
	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1 && insert)
		*new_id = fl_col_int(tx, st, 0);
	fl_q_done(tx, st);
	return rc < 0 ? rc : rc == 0 && insert ? FL_EINTERNAL : 0;
}

int fl_store_ticket_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_ticket *out)
{
	static const char sql[] = "SELECT " TICKET_COLS
				  " FROM tickets t"
				  " WHERE t.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_ticket, a, out, sizeof *out);
}

/* Replaces the ticket's user list table (ticket_collaborators or
 * ticket_followers: a static name, never input) with ids; fresh is set for
 * a new ticket, which has none to delete. */
static int write_users(fl_tx *tx, int64_t ticket_id, const char *del, const char *add,
		       const int64_t *ids, size_t n, int fresh)
{
	int rc = fresh ? 0 : fl_q_exec(tx, del, "i", ticket_id);
	for (size_t i = 0; i < n && !rc; i++)
		rc = fl_q_exec(tx, add, "ii", ticket_id, ids[i]);
	return rc;
}

/* Replaces the lists of t that changed (FL_TICKET_TAGS, _CCS, _FOLLOWERS
 * in changed); fresh is set for a new ticket, which has none to delete. */
static int write_lists(fl_tx *tx, const struct fl_ticket *t, int changed, int fresh)
{
	static const char del_tags[] = "DELETE FROM ticket_tags WHERE ticket_id = ?";
	static const char add_tag[] =
		"INSERT INTO ticket_tags (ticket_id, tag)"
		" VALUES (?, ?)"
		" ON CONFLICT DO NOTHING";
	static const char del_ccs[] = "DELETE FROM ticket_collaborators WHERE ticket_id = ?";
	static const char add_cc[] =
		"INSERT INTO ticket_collaborators (ticket_id, user_id)"
		" VALUES (?, ?)"
		" ON CONFLICT DO NOTHING";
	static const char del_followers[] = "DELETE FROM ticket_followers WHERE ticket_id = ?";
	static const char add_follower[] =
		"INSERT INTO ticket_followers (ticket_id, user_id)"
		" VALUES (?, ?)"
		" ON CONFLICT DO NOTHING";
	int rc = 0;

	if (changed & FL_TICKET_TAGS) {
		rc = fresh ? 0 : fl_q_exec(tx, del_tags, "i", t->id);
		for (size_t i = 0; i < t->ntags && !rc; i++)
			rc = fl_q_exec(tx, add_tag, "it", t->id, t->tags[i]);
	}
	if ((changed & FL_TICKET_CCS) && !rc)
		rc = write_users(tx, t->id, del_ccs, add_cc, t->ccs, t->nccs, fresh);
	if ((changed & FL_TICKET_FOLLOWERS) && !rc)
		rc = write_users(tx, t->id, del_followers, add_follower, t->followers,
				 t->nfollowers, fresh);
	return rc;
}

/* The search index row of a ticket's subject (seq 0) or comment (seq >= 1):
 * see FL_FTS_SEQ_BITS in db.h. */
static int64_t fts_rowid(int64_t ticket_id, int64_t seq, int is_public)
{
	return (ticket_id << FL_FTS_SEQ_BITS) | (seq << 1) | (is_public ? 1 : 0);
}

/* Writes the search index's row rowid for body: SQLite's tokenizer makes
 * the terms from body; PostgreSQL is given them (the driver's fts_doc). */
static int index_row(fl_tx *tx, int64_t rowid, const char *body)
{
	static const char ins[] =
		"INSERT INTO search_fts (rowid, body)"
		" VALUES (?, ?)";
	static const char ins_tsv[] =
		"INSERT INTO search_fts (rowid, body, tsv)"
		" VALUES (?, ?, ?::tsvector)";
	fl_buf tsv;
	size_t pos = 0;
	int rc;

	if (!tx->drv->fts_doc)
		return fl_q_exec(tx, ins, "it", rowid, body);
	fl_buf_init(&tsv, 0);
	rc = tx->drv->fts_doc(body, 0, &pos, &tsv);
	if (!rc)
		rc = fl_q_exec(tx, ins_tsv, "itt", rowid, body, tsv.p ? tsv.p : "");
	fl_buf_free(&tsv);
	return rc;
}

static int index_subject(fl_tx *tx, const struct fl_ticket *t, int replace)
{
	static const char del[] = "DELETE FROM search_fts WHERE rowid = ?";
	int rc = replace ? fl_q_exec(tx, del, "i", fts_rowid(t->id, 0, 1)) : 0;
	return rc ? rc : index_row(tx, fts_rowid(t->id, 0, 1), t->subject);
}

/* Rebuilding the index (fl_store_search_reindex): the tickets with ids in
 * [from, to), in one transaction. */
struct reindex {
	int64_t from, to;
	int64_t tickets; /* out: how many there were */
};

static int reindex_batch(fl_tx *tx, void *arg)
{
	static const char del[] = "DELETE FROM search_fts WHERE rowid >= ? AND rowid < ?";
	static const char subjects[] = "SELECT id, subject FROM tickets WHERE id >= ? AND id < ?";
	static const char comments[] =
		"SELECT ticket_id, seq, public, body FROM comments"
		" WHERE ticket_id >= ? AND ticket_id < ?";
	struct reindex *r = arg;
	fl_arena a;
	fl_stmt *st;
	int rc = fl_q_exec(tx, del, "ii", r->from << FL_FTS_SEQ_BITS, r->to << FL_FTS_SEQ_BITS);

	/* the rows are read first, then written: a statement's rows are not
	 * read while another writes on the same connection */
	struct row {
		int64_t rowid;
		char *body;
	} *rows = NULL;
	size_t n = 0, cap = 0;

	fl_arena_init(&a, 0);
	for (int pass = 0; pass < 2 && !rc; pass++) {
		rc = fl_q(tx, pass ? comments : subjects, 0, &st, "ii", r->from, r->to);
		if (rc)
			break;
		while ((rc = fl_q_step(tx, st)) == 1) {
			int err = 0;
			if (n == cap) {
				struct row *v =
					realloc(rows, (cap = cap ? cap * 2 : 256) * sizeof *v);
				if (!v) {
					rc = FL_ENOMEM;
					break;
				}
				rows = v;
			}
			rows[n].rowid =
				pass ? fts_rowid(fl_col_int(tx, st, 0), fl_col_int(tx, st, 1),
						 (int)fl_col_int(tx, st, 2))
				     : fts_rowid(fl_col_int(tx, st, 0), 0, 1);
			rows[n].body = fl_col_text(tx, st, pass ? 3 : 1, &a, &err);
			r->tickets += !pass;
			if (err) {
				rc = err;
				break;
			}
			n++;
		}
		fl_q_done(tx, st);
		rc = rc < 0 ? rc : 0;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = index_row(tx, rows[i].rowid, rows[i].body ? rows[i].body : "");
	free(rows);
	fl_arena_free(&a);
	return rc;
}

static int reindex_range(fl_tx *tx, void *arg)
{
	int64_t *range = arg;
	return fl_q_int(tx, "SELECT COALESCE(MAX(id), 0) FROM tickets", &range[1], "");
}

static int reindex_done(fl_tx *tx, void *arg)
{
	char v[16];
	(void)arg;
	snprintf(v, sizeof v, "%d", FL_TEXT_VERSION);
	return fl_store_setting_set(tx, "search.text_version", v);
}

struct version {
	int64_t v;
};

static int read_version(fl_tx *tx, void *arg)
{
	struct version *ver = arg;
	fl_arena a;
	char *z = NULL;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, "search.text_version", &a, &z);
	ver->v = !rc && z ? strtoll(z, NULL, 10) : 0;
	fl_arena_free(&a);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

int fl_store_search_stale(fl_store *s, int *stale)
{
	struct version v = {0};
	int rc = fl_store_read(s, read_version, &v);
	*stale = !rc && v.v != FL_TEXT_VERSION;
	return rc;
}

int fl_store_search_reindex(fl_store *s, void (*progress)(void *arg, int64_t done, int64_t total),
			    void *arg, int64_t *tickets)
{
	int64_t range[2] = {0, 0};
	int rc = fl_store_read(s, reindex_range, range);

	if (tickets)
		*tickets = 0;
	for (int64_t id = 0; !rc && id <= range[1]; id += FL_REINDEX_BATCH) {
		struct reindex r = {id, id + FL_REINDEX_BATCH, 0};
		rc = fl_store_write(s, reindex_batch, &r);
		if (!rc && tickets)
			*tickets += r.tickets;
		if (!rc && progress)
			progress(arg, r.to < range[1] ? r.to : range[1], range[1]);
	}
	return rc ? rc : fl_store_write(s, reindex_done, NULL);
}

int fl_store_ticket_insert(fl_tx *tx, struct fl_ticket *t)
{
	struct fl_ticket row = *t;
	int rc;

	/* the columns that are never NULL */
	if (!row.description)
		row.description = (char *)"";
	if (!row.custom_fields)
		row.custom_fields = (char *)"[]";
	rc = write_row(tx, &row, &t->id);
	if (!rc)
		rc = write_lists(tx, t, FL_TICKET_TAGS | FL_TICKET_CCS | FL_TICKET_FOLLOWERS, 1);
	if (!rc)
		rc = index_subject(tx, t, 0);
	return rc;
}

int fl_store_ticket_update(fl_tx *tx, const struct fl_ticket *t, int changed)
{
	int rc = write_row(tx, t, NULL);
	if (!rc)
		rc = write_lists(tx, t, changed, 0);
	if (!rc && (changed & FL_TICKET_SUBJECT))
		rc = index_subject(tx, t, 1);
	return rc;
}

int64_t fl_store_ticket_sort_key(const struct fl_ticket *t, int sort)
{
	switch (sort) {
	case FL_SORT_CREATED: return t->created_at;
	case FL_SORT_UPDATED: return t->updated_at;
	case FL_SORT_PRIORITY: return t->priority;
	case FL_SORT_STATUS: return t->status;
	case FL_SORT_SLA_BREACH: return t->sla_next_breach_at;
	default: return t->id;
	}
}

/* Building WHERE clauses from filters. */

#define MAX_PARAMS (FL_FILTER_MAX * 3 + FL_QUERY_MAX_TERMS * 2 + 8)

struct where {
	fl_buf sql;
	struct fl_param p[MAX_PARAMS];
	size_t np;
	int rc;
};

static void w_sql(struct where *w, const char *z)
{
	if (!w->rc)
		w->rc = fl_buf_adds(&w->sql, z);
}

static void w_int(struct where *w, int64_t v)
{
	if (w->np == MAX_PARAMS) {
		w->rc = FL_ETOOBIG;
		return;
	}
	w->p[w->np++] = (struct fl_param){0, v, NULL};
}

static void w_text(struct where *w, const char *s)
{
	if (w->np == MAX_PARAMS) {
		w->rc = FL_ETOOBIG;
		return;
	}
	w->p[w->np++] = (struct fl_param){1, 0, s};
}

static const char *const column[FL_F__MAX] = {
	[FL_F_STATUS] = "t.status",
	[FL_F_PRIORITY] = "t.priority",
	[FL_F_TYPE] = "t.type",
	[FL_F_CHANNEL] = "t.channel",
	[FL_F_ASSIGNEE] = "t.assignee_id",
	[FL_F_REQUESTER] = "t.requester_id",
	[FL_F_SUBMITTER] = "t.submitter_id",
	[FL_F_GROUP] = "t.group_id",
	[FL_F_ORGANIZATION] = "t.organization_id",
	[FL_F_CREATED] = "t.created_at",
	[FL_F_UPDATED] = "t.updated_at",
	[FL_F_SOLVED] = "t.solved_at",
	[FL_F_ID] = "t.id",
	[FL_F_SUBJECT] = "t.subject",
	[FL_F_DESCRIPTION] = "t.description",
	[FL_F_PROBLEM] = "t.problem_id",
	[FL_F_COMPLAINT_REASON] = "t.complaint_reason_id",
};

static const char *const op_sql[FL_OP__MAX] = {
	" = ", " <> ", " < ", " <= ", " > ", " >= ", " BETWEEN ", " NOT BETWEEN "};

static int is_reference(int field)
{
	return field == FL_F_ASSIGNEE || field == FL_F_REQUESTER || field == FL_F_SUBMITTER ||
	       field == FL_F_GROUP || field == FL_F_ORGANIZATION;
}

/* "%v%" for LIKE, in ASCII lower case, with %, _ and \ escaped by \;
 * in a. */
static const char *contains(fl_arena *a, const char *v)
{
	char *z = fl_arena_alloc(a, strlen(v) * 2 + 3), *o = z;
	if (!z)
		return NULL;
	*o++ = '%';
	for (; *v; v++) {
		if (*v == '%' || *v == '_' || *v == '\\')
			*o++ = '\\';
		*o++ = *v >= 'A' && *v <= 'Z' ? (char)(*v + 32) : *v;
	}
	*o++ = '%';
	*o = 0;
	return z;
}

/* A time "at or after", "after" or "at" a positive time: no NULL column
 * matches it, read as 0 or not, so the column goes bare and an index on it
 * serves (the solved queue's tickets_solved). */
static int after(const struct fl_pred *p)
{
	return (p->op == FL_OP_GE || p->op == FL_OP_GT || p->op == FL_OP_EQ) && p->ival > 0;
}

static void w_pred(struct where *w, fl_tx *tx, fl_arena *a, const struct fl_pred *p)
{
	const char *col = column[p->field];
	const char *not = p->op == FL_OP_NE ? "NOT " : "";

	if (p->field == FL_F_EXTERNAL_ID) {
		w_sql(w,
		      p->op == FL_OP_NE ? "COALESCE(t.external_id, '') <> ?" : "t.external_id = ?");
		w_text(w, p->sval);
	} else if (p->field == FL_F_SUBJECT || p->field == FL_F_DESCRIPTION) {
		const char *like = contains(a, p->sval);
		if (!like && !w->rc)
			w->rc = FL_ENOMEM;
		w_sql(w, not );
		w_sql(w, "lower(");
		w_sql(w, col);
		w_sql(w, ") LIKE ? ESCAPE '\\'");
		w_text(w, like);
	} else if (p->field == FL_F_CUSTOM_FIELD || p->field == FL_F_FIELDVALUE) {
		w_sql(w, not );
		w_sql(w, tx->drv->custom_field_match);
		w_int(w, p->field == FL_F_CUSTOM_FIELD ? p->ival : 0);
		w_int(w, p->field == FL_F_CUSTOM_FIELD ? p->ival : 0);
		w_text(w, p->sval);
	} else if (p->field == FL_F_CC && p->sval) {
		w_sql(w, not );
		w_sql(w,
		      "EXISTS (SELECT 1 FROM ticket_collaborators c"
		      " JOIN user_identities i ON i.user_id = c.user_id"
		      " WHERE c.ticket_id = t.id AND i.type = 0 AND i.value = ?)");
		w_text(w, p->sval);
	} else if (p->field == FL_F_CC && p->ival == 0) {
		w_sql(w, p->op == FL_OP_NE ? "" : "NOT ");
		w_sql(w, "EXISTS (SELECT 1 FROM ticket_collaborators c WHERE c.ticket_id = t.id)");
	} else if (p->field == FL_F_CC) {
		w_sql(w, not );
		w_sql(w,
		      "EXISTS (SELECT 1 FROM ticket_collaborators c"
		      " WHERE c.ticket_id = t.id AND c.user_id = ?)");
		w_int(w, p->ival);
	} else if (p->field == FL_F_TAG) {
		w_sql(w, p->op == FL_OP_NE ? "NOT " : "");
		w_sql(w,
		      "EXISTS (SELECT 1 FROM ticket_tags g"
		      " WHERE g.ticket_id = t.id AND g.tag = ?)");
		w_text(w, p->sval);
	} else if (p->field == FL_F_COMPLAINT) {
		/* tickets_complaint holds the complaints alone */
		w_sql(w, (p->op == FL_OP_NE) == (p->ival != 0)
				 ? "t.complaint_reason_id IS NULL"
				 : "t.complaint_reason_id IS NOT NULL");
	} else if (p->field == FL_F_COMPLAINT_REASON && p->ival == 0) {
		w_sql(w, p->op == FL_OP_NE ? "t.complaint_reason_id IS NOT NULL"
					   : "t.complaint_reason_id IS NULL");
	} else if (p->field == FL_F_COMPLAINT_REASON && p->op == FL_OP_NE) {
		w_sql(w, "COALESCE(t.complaint_reason_id, 0) <> ?");
		w_int(w, p->ival);
	} else if (p->field == FL_F_VISIBLE_TO) {
		w_sql(w,
		      "(t.requester_id = ? OR EXISTS (SELECT 1 FROM ticket_collaborators c"
		      " WHERE c.ticket_id = t.id AND c.user_id = ?))");
		w_int(w, p->ival);
		w_int(w, p->ival);
	} else if (is_reference(p->field) && p->sval) {
		w_sql(w, p->op == FL_OP_NE ? "NOT " : "");
		w_sql(w,
		      "EXISTS (SELECT 1 FROM user_identities i WHERE i.type = 0"
		      " AND i.value = ? AND i.user_id = ");
		w_text(w, p->sval);
		w_sql(w, col);
		w_sql(w, ")");
	} else if (is_reference(p->field) && p->ival == 0) {
		w_sql(w, col);
		w_sql(w, p->op == FL_OP_NE ? " IS NOT NULL" : " IS NULL");
	} else if (p->op == FL_OP_IN || p->op == FL_OP_NOT_IN ||
		   (p->field == FL_F_SOLVED && !after(p)) ||
		   (is_reference(p->field) && p->op == FL_OP_NE)) {
		/* a NULL column must still count as "not equal", "not in that day" */
		w_sql(w, "COALESCE(");
		w_sql(w, col);
		w_sql(w, ", 0)");
		w_sql(w, op_sql[p->op]);
		w_sql(w, p->op == FL_OP_IN || p->op == FL_OP_NOT_IN ? "? AND ?" : "?");
		w_int(w, p->ival);
		if (p->op == FL_OP_IN || p->op == FL_OP_NOT_IN)
			w_int(w, p->ival2);
	} else {
		w_sql(w, col);
		w_sql(w, op_sql[p->op]);
		w_sql(w, "?");
		w_int(w, p->ival);
	}
}

/* The driver's full-text expression for one term, in a. */
static int term_expr(fl_tx *tx, fl_arena *a, const char *term, int prefix, char **out)
{
	fl_buf q;
	int rc;

	fl_buf_init(&q, 4096);
	rc = tx->drv->fts_term(term, prefix, &q);
	if (!rc && !(*out = fl_arena_strndup(a, q.p ? q.p : "", q.n)))
		rc = FL_ENOMEM;
	fl_buf_free(&q);
	return rc;
}

/* Term i of f: its positive words first, then the negated ones. */
static const char *term_at(const struct fl_filter *f, size_t i, int *prefix, int *negated)
{
	*negated = i >= f->ntext;
	*prefix = *negated ? f->not_text_prefix[i - f->ntext] : f->text_prefix[i];
	return *negated ? f->not_text[i - f->ntext] : f->text[i];
}

/* Appends sql, an FTS fragment of the driver's, and binds its two
 * parameters: the term's expression and "public only". */
static void w_fts(struct where *w, fl_tx *tx, const struct fl_filter *f, fl_arena *a,
		  const char *sql, const char *term, int prefix)
{
	char *z = NULL;

	if (!w->rc)
		w->rc = term_expr(tx, a, term, prefix, &z);
	w_sql(w, sql);
	w_text(w, z ? z : "");
	w_int(w, f->public_only);
}

/* Appends " AND …" for every group of f and for each full-text term: a
 * ticket matches when every word appears somewhere in it, not necessarily
 * in the same comment. */
static void w_filter(struct where *w, fl_tx *tx, const struct fl_filter *f, fl_arena *a)
{
	for (int g = 0; g < f->ngroups; g++) {
		int first = 1;
		for (size_t i = 0; i < f->n; i++) {
			if (f->p[i].group != g)
				continue;
			w_sql(w, first ? " AND (" : " OR ");
			w_pred(w, tx, a, &f->p[i]);
			first = 0;
		}
		if (!first)
			w_sql(w, ")");
	}
	for (size_t i = 0; i < f->ntext + f->nnot_text; i++) {
		int prefix, negated;
		const char *term = term_at(f, i, &prefix, &negated);
		w_sql(w, negated ? " AND NOT " : " AND ");
		w_fts(w, tx, f, a, tx->drv->fts_match, term, prefix);
	}
}

/* The expression matching any positive term, for ranking and snippets. */
static char *any_term(fl_tx *tx, const struct fl_filter *f, fl_arena *a)
{
	fl_buf q;
	char *z = NULL;
	int rc = 0;

	fl_buf_init(&q, 8192);
	for (size_t i = 0; i < f->ntext && !rc; i++) {
		if (i)
			rc = fl_buf_adds(&q, tx->drv->fts_or);
		if (!rc)
			rc = tx->drv->fts_term(f->text[i], f->text_prefix[i], &q);
	}
	if (!rc)
		z = fl_arena_strndup(a, q.p ? q.p : "", q.n);
	fl_buf_free(&q);
	return z;
}

static const char *const sort_col[FL_SORT__MAX] = {
	[FL_SORT_ID] = "t.id",
	[FL_SORT_CREATED] = "t.created_at",
	[FL_SORT_UPDATED] = "t.updated_at",
	[FL_SORT_PRIORITY] = "t.priority",
	[FL_SORT_STATUS] = "t.status",
	[FL_SORT_RELEVANCE] = "r.rank",
	[FL_SORT_SLA_BREACH] = SLA_BREACH_SQL,
};

/* The snippet of the matching row's text in column col of st, cut here by
 * the same analysis that indexed it (inflected words are highlighted too),
 * alike on both backends. */
static char *snippet_col(fl_tx *tx, fl_stmt *st, int col, const struct fl_filter *f, fl_arena *a,
			 int *err)
{
	char *body = fl_col_text(tx, st, col, a, err), *z;
	fl_buf b;
	int rc;

	if (!body)
		return body;
	fl_buf_init(&b, 64 * 1024);
	rc = fl_text_snippet(body, strlen(body), f->text, f->text_prefix, f->ntext, 16, &b);
	z = rc ? NULL : fl_arena_strndup(a, b.p ? b.p : "", b.n);
	fl_buf_free(&b);
	if (!z)
		*err = rc ? rc : FL_ENOMEM;
	return z;
}

/* fill_snippets in one query (the driver's fts_snippets_*). */
static int fill_snippets_at_once(fl_tx *tx, const struct fl_filter *f, const char *any, fl_arena *a,
				 struct fl_ticket *rows, size_t n)
{
	struct where w = {.rc = 0};
	fl_stmt *st;
	int rc;

	fl_buf_init(&w.sql, 64 * 1024);
	w_sql(&w, tx->drv->fts_snippets_head);
	w_text(&w, any);
	for (size_t i = 0; i < n; i++) {
		w_sql(&w, i ? ", ?" : "?");
		w_int(&w, rows[i].id);
	}
	w_sql(&w, tx->drv->fts_snippets_tail);
	w_int(&w, f->public_only);
	rc = w.rc;
	if (!rc)
		rc = fl_q_dyn(tx, w.sql.p, w.p, w.np, &st);
	fl_buf_free(&w.sql);
	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		int64_t id = fl_col_int(tx, st, 0);
		int err = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i].id == id)
				rows[i].snippet = snippet_col(tx, st, 1, f, a, &err);
		if (err) {
			rc = err;
			break;
		}
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

/* Snippets for rows, any being the expression for any of f's words. */
static int fill_snippets(fl_tx *tx, const struct fl_filter *f, const char *any, fl_arena *a,
			 struct fl_ticket *rows, size_t n)
{
	int rc = 0;

	if (tx->drv->fts_snippets_head && n)
		return fill_snippets_at_once(tx, f, any, a, rows, n);
	for (size_t i = 0; i < n && !rc; i++) {
		fl_stmt *st;
		int err = 0;
		int64_t first = fts_rowid(rows[i].id, 0, 0);
		rc = fl_q(tx, tx->drv->fts_snippet, 0, &st, "tiii", any, first,
			  first + (INT64_C(1) << FL_FTS_SEQ_BITS) - 1, (int64_t)f->public_only);
		if (rc)
			break;
		rc = fl_q_step(tx, st);
		if (rc == 1)
			rows[i].snippet = snippet_col(tx, st, 0, f, a, &err);
		fl_q_done(tx, st);
		rc = rc < 0 ? rc : err;
	}
	return rc;
}

/* Ranking by BM25 costs a score per matching message. It is used when the
 * words match at most RANK_MAX messages; words found in tens of thousands
 * of tickets say little about relevance, and such results come newest
 * first. RANK_MAX keeps a ranked search within a few milliseconds. */
#define RANK_MAX 5000

static int rank_affordable(fl_tx *tx, const struct fl_filter *f, const char *any, int *yes)
{
	int64_t rows;
	int rc = fl_q_int(tx, tx->drv->fts_rows, &rows, "tii", any, (int64_t)f->public_only,
			  (int64_t)RANK_MAX + 1);
	if (!rc)
		*yes = rows <= RANK_MAX;
	return rc;
}

/* The sort by the next SLA breach reads the tickets in two parts, each in
 * an index's order, so that a page costs the same on any desk and the
 * tickets are never all read and sorted: those with a breach ahead or
 * running (a ticket_slas row with next_breach_at, by the index
 * ticket_slas_by_next_breach) and those with none (the key
 * SLA_BREACH_SQL gives them is the largest there is: they come last, by
 * id). Ascending, the first part comes first; descending, the second.
 * Together they are the same tickets in the same order as
 * ORDER BY SLA_BREACH_SQL, t.id. */
enum part { PART_ALL, PART_DUE, PART_NONE };
#define NO_BREACH INT64_MAX /* SLA_BREACH_SQL's key of a ticket without a breach */

/* The query of one part of a list (all of it unless sorted by the next
 * breach) into w: its page of `want` rows from offset, after pg's cursor
 * when keyset; its COUNT(*) when count. */
static void find_sql(struct where *w, fl_tx *tx, const struct fl_filter *f,
		     const struct fl_page *pg, fl_arena *a, const char *any, int sort, int desc,
		     int relevance, enum part part, int keyset, int count, size_t want,
		     size_t offset)
{
	const char *dir = desc && !relevance ? " DESC" : "";

	w_sql(w, count ? "SELECT COUNT(*) FROM " : "SELECT " TICKET_COLS " FROM ");
	if (relevance) {
		w_sql(w, "(");
		w_sql(w, tx->drv->fts_rank);
		w_sql(w, ") r JOIN tickets t ON t.id = r.ticket_id");
		w_text(w, any);
		w_int(w, f->public_only);
	} else if (part == PART_DUE) {
		/* CROSS JOIN: SQLite reads ticket_slas first, by its index */
		w_sql(w, "ticket_slas s CROSS JOIN tickets t");
	} else {
		w_sql(w, "tickets t");
	}
	w_sql(w, " WHERE t.deleted_at IS NULL");
	if (part == PART_DUE)
		w_sql(w, " AND t.id = s.ticket_id AND s.next_breach_at IS NOT NULL");
	else if (part == PART_NONE)
		w_sql(w,
		      " AND NOT EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = t.id"
		      " AND s.next_breach_at IS NOT NULL)");
	w_filter(w, tx, f, a);
	if (keyset && part == PART_DUE) {
		w_sql(w, desc ? " AND (s.next_breach_at, s.ticket_id) < (?, ?)"
			      : " AND (s.next_breach_at, s.ticket_id) > (?, ?)");
		w_int(w, pg->after_key);
		w_int(w, pg->after_id);
	} else if (keyset && part == PART_NONE) {
		w_sql(w, desc ? " AND t.id < ?" : " AND t.id > ?");
		w_int(w, pg->after_id);
	} else if (keyset) {
		w_sql(w, " AND (");
		w_sql(w, sort_col[sort]);
		w_sql(w, desc ? ", t.id) < (?, ?)" : ", t.id) > (?, ?)");
		w_int(w, pg->after_key);
		w_int(w, pg->after_id);
	}
	if (count)
		return;
	w_sql(w, " ORDER BY ");
	if (part == PART_DUE) {
		w_sql(w, "s.next_breach_at");
		w_sql(w, dir);
		w_sql(w, ", s.ticket_id");
	} else if (part == PART_NONE) {
		w_sql(w, "t.id");
	} else {
		w_sql(w, sort_col[sort]);
		w_sql(w, dir);
		w_sql(w, ", t.id");
	}
	w_sql(w, dir);
	w_sql(w, " LIMIT ? OFFSET ?");
	w_int(w, (int64_t)want);
	w_int(w, (int64_t)offset);
}

/* Runs find_sql's query: rows appended to rows[*k..] (room for want), or
 * the count into *k. */
static int find_part(fl_tx *tx, const struct fl_filter *f, const struct fl_page *pg, fl_arena *a,
		     const char *any, int sort, int desc, int relevance, enum part part, int keyset,
		     int count, size_t want, size_t offset, struct fl_ticket *rows, size_t *k)
{
	struct where w = {.rc = 0};
	struct fl_ticket *got = NULL;
	size_t n = 0;
	fl_stmt *st;
	int rc;

	fl_buf_init(&w.sql, 64 * 1024);
	find_sql(&w, tx, f, pg, a, any, sort, desc, relevance, part, keyset, count, want, offset);
	rc = w.rc;
	if (!rc)
		rc = fl_q_dyn(tx, w.sql.p, w.p, w.np, &st);
	fl_buf_free(&w.sql);
	if (rc)
		return rc;
	if (count) {
		rc = fl_q_step(tx, st);
		*k = rc == 1 ? (size_t)fl_col_int(tx, st, 0) : 0;
		fl_q_done(tx, st);
		return rc < 0 ? rc : 0;
	}
	rc = fl_q_rows(tx, st, read_ticket, a, sizeof *got, want, (void **)&got, &n);
	if (!rc && n)
		memcpy(rows + *k, got, n * sizeof *got);
	*k += n;
	return rc;
}

int fl_store_ticket_find(fl_tx *tx, const struct fl_filter *f, const struct fl_page *pg,
			 fl_arena *a, struct fl_ticket **out, size_t *n)
{
	int relevance = pg->sort == FL_SORT_RELEVANCE && f->ntext;
	int sort, desc = pg->desc;
	size_t want = pg->limit + 1, k = 0, offset = pg->has_after ? 0 : pg->offset;
	struct fl_ticket *rows;
	char *any = NULL; /* the expression for any word: ranking and snippets */
	int rc;

	if (f->ntext && !(any = any_term(tx, f, a)))
		return FL_ENOMEM;
	if (relevance && (rc = rank_affordable(tx, f, any, &relevance)))
		return rc;
	sort = relevance ? FL_SORT_RELEVANCE : pg->sort;
	if (sort == FL_SORT_RELEVANCE && !relevance)
		sort = FL_SORT_UPDATED, desc = 1;
	if (!(rows = fl_arena_alloc(a, want * sizeof *rows)))
		return FL_ENOMEM;
	if (sort != FL_SORT_SLA_BREACH) {
		rc = find_part(tx, f, pg, a, any, sort, desc, relevance, PART_ALL, pg->has_after, 0,
			       want, offset, rows, &k);
	} else {
		enum part first = desc ? PART_NONE : PART_DUE, second = desc ? PART_DUE : PART_NONE;
		/* a cursor in the second part skips the first */
		int in_second =
			pg->has_after && (pg->after_key == NO_BREACH) == (second == PART_NONE);
		rc = 0;
		if (!in_second) {
			rc = find_part(tx, f, pg, a, any, sort, desc, 0, first, pg->has_after, 0,
				       want, offset, rows, &k);
			/* an offset past the first part goes on into the second */
			if (!rc && !k && offset) {
				size_t firsts = 0;
				rc = find_part(tx, f, pg, a, any, sort, desc, 0, first,
					       pg->has_after, 1, 0, 0, rows, &firsts);
				offset = offset > firsts ? offset - firsts : 0;
			} else {
				offset = 0;
			}
		}
		if (!rc && k < want)
			rc = find_part(tx, f, pg, a, any, sort, desc, 0, second, in_second, 0,
				       want - k, offset, rows, &k);
	}
	if (!rc && f->ntext)
		rc = fill_snippets(tx, f, any, a, rows, k < pg->limit ? k : pg->limit);
	if (rc)
		return rc;
	*out = rows;
	*n = k;
	return 0;
}

/* The set of tickets matching every word of f and none of its negated
 * words, from the index alone: (ids(w1) INTERSECT ids(w2) …) EXCEPT …. */
static void w_text_set(struct where *w, fl_tx *tx, const struct fl_filter *f, fl_arena *a)
{
	for (size_t i = 0; i < f->ntext + f->nnot_text; i++) {
		int prefix, negated;
		const char *term = term_at(f, i, &prefix, &negated);
		if (i)
			w_sql(w, negated ? " EXCEPT " : " INTERSECT ");
		w_fts(w, tx, f, a, tx->drv->fts_ids, term, prefix);
	}
}

/* " AND [NOT] <term matches deleted ticket d>" for every word of f. */
static void w_text_in_deleted(struct where *w, fl_tx *tx, const struct fl_filter *f, fl_arena *a)
{
	for (size_t i = 0; i < f->ntext + f->nnot_text; i++) {
		int prefix, negated;
		const char *term = term_at(f, i, &prefix, &negated);
		w_sql(w, negated ? " AND NOT " : " AND ");
		w_fts(w, tx, f, a, tx->drv->fts_in_ticket, term, prefix);
	}
}

/* Deleted tickets up to which they are subtracted one by one, each probing
 * only its own index rows; past it, by a second pass over the index. */
#define FEW_DELETED 256

/* Counts tickets that only words select (no other condition, so no
 * end-user scope either) without touching the tickets: the matching ids
 * from the index, less the deleted tickets among them. */
static void w_count_words(struct where *w, fl_tx *tx, const struct fl_filter *f, fl_arena *a,
			  int few_deleted)
{
	w_sql(w, "SELECT (SELECT COUNT(*) FROM (");
	w_text_set(w, tx, f, a);
	w_sql(w, ") s) - (SELECT COUNT(*) FROM tickets d WHERE d.deleted_at IS NOT NULL");
	if (few_deleted) {
		w_text_in_deleted(w, tx, f, a);
	} else {
		w_sql(w, " AND +d.id IN (");
		w_text_set(w, tx, f, a);
		w_sql(w, ")");
	}
	w_sql(w, ")");
}

/* Counts the tickets matching one word: the index gives rows in rowid
 * order, so a ticket's rows are adjacent and counting changes of ticket id
 * counts tickets, with no set to build. */
static int count_one_word(fl_tx *tx, const struct fl_filter *f, fl_arena *a, int64_t *n)
{
	fl_stmt *st;
	int64_t last = -1, count = 0;
	char *z = NULL;
	int rc = term_expr(tx, a, f->text[0], f->text_prefix[0], &z);

	if (!rc)
		rc = fl_q(tx, tx->drv->fts_rowids, 0, &st, "ti", z, (int64_t)f->public_only);
	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		int64_t id = fl_col_int(tx, st, 0) >> FL_FTS_SEQ_BITS;
		count += id != last;
		last = id;
	}
	fl_q_done(tx, st);
	if (!rc)
		*n = count;
	return rc;
}

int fl_store_ticket_count(fl_tx *tx, const struct fl_filter *f, int64_t *n)
{
	struct where w = {.rc = 0};
	fl_arena a;
	fl_stmt *st;
	int rc;

	static const char sql_deleted[] =
		"SELECT COUNT(*)"
		" FROM (SELECT 1 FROM tickets WHERE deleted_at IS NOT NULL LIMIT ?) d";

	fl_arena_init(&a, 0);
	fl_buf_init(&w.sql, 64 * 1024);
	if (f->n == 0 && f->ntext > 0) {
		int64_t deleted = FEW_DELETED + 1, words = -1;
		w.rc = fl_q_int(tx, sql_deleted, &deleted, "i", (int64_t)FEW_DELETED + 1);
		if (!w.rc && f->ntext == 1 && f->nnot_text == 0 && deleted <= FEW_DELETED)
			w.rc = count_one_word(tx, f, &a, &words);
		if (words >= 0) {
			/* what is left to count: the deleted tickets among them */
			w_sql(&w,
			      "SELECT ? - (SELECT COUNT(*) FROM tickets d WHERE d.deleted_at IS NOT NULL");
			w_int(&w, words);
			w_text_in_deleted(&w, tx, f, &a);
			w_sql(&w, ")");
		} else {
			w_count_words(&w, tx, f, &a, deleted <= FEW_DELETED);
		}
	} else {
		w_sql(&w, "SELECT COUNT(*) FROM tickets t WHERE t.deleted_at IS NULL");
		w_filter(&w, tx, f, &a);
	}
	rc = w.rc;
	if (!rc)
		rc = fl_q_dyn(tx, w.sql.p, w.p, w.np, &st);
	fl_buf_free(&w.sql);
	if (!rc) {
		rc = fl_q_step(tx, st);
		if (rc == 1) {
			*n = fl_col_int(tx, st, 0);
			rc = 0;
		} else if (rc == 0) {
			rc = FL_EINTERNAL;
		}
		fl_q_done(tx, st);
	}
	fl_arena_free(&a);
	return rc;
}

/* comments */

int fl_store_comment_insert(fl_tx *tx, struct fl_comment *c)
{
	static const char sql_seq[] =
		"SELECT COUNT(*) + 1"
		" FROM comments"
		" WHERE ticket_id = ?";
	static const char sql[] =
		"INSERT INTO comments (ticket_id, seq, author_id, public, body,"
		"                      html_body, channel, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	int64_t seq;
	int rc = fl_q_int(tx, sql_seq, &seq, "i", c->ticket_id);

	if (!rc && seq >= (INT64_C(1) << (FL_FTS_SEQ_BITS - 1)))
		rc = FL_ETOOBIG; /* a million comments on one ticket */
	if (!rc)
		rc = fl_q_int(tx, sql, &c->id, "iiiittii", c->ticket_id, seq, c->author_id,
			      (int64_t)c->public, c->body, c->html_body, (int64_t)c->channel,
			      c->created_at);
	if (rc)
		return rc;
	return index_row(tx, fts_rowid(c->ticket_id, seq, c->public), c->body);
}

static int read_comment(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_comment *c = row;
	int err = 0;
	c->id = fl_col_int(tx, st, 0);
	c->ticket_id = fl_col_int(tx, st, 1);
	c->author_id = fl_col_int(tx, st, 2);
	c->public = (int)fl_col_int(tx, st, 3);
	c->body = fl_col_text(tx, st, 4, a, &err);
	c->html_body = fl_col_text(tx, st, 5, a, &err);
	c->channel = (int)fl_col_int(tx, st, 6);
	c->created_at = fl_col_int(tx, st, 7);
	return err;
}

int fl_store_ticket_recent(fl_tx *tx, int64_t requester, int64_t since, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM tickets"
		" WHERE requester_id = ?"
		"   AND created_at >= ?"
		"   AND deleted_at IS NULL";
	return fl_q_int(tx, sql, n, "ii", requester, since);
}

int fl_store_ticket_incidents(fl_tx *tx, int64_t problem_id, int64_t *ids, size_t max, size_t *n)
{
	static const char sql[] =
		"SELECT id"
		" FROM tickets"
		" WHERE problem_id = ?"
		"   AND deleted_at IS NULL"
		"   AND status <> ?"
		" ORDER BY id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", problem_id, (int64_t)FL_STATUS_CLOSED, (int64_t)max);

	if (rc)
		return rc;
	*n = 0;
	while ((rc = fl_q_step(tx, st)) == 1 && *n < max)
		ids[(*n)++] = fl_col_int(tx, st, 0);
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

int fl_store_ticket_last_id(fl_tx *tx, int64_t *id)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(id), 0)"
		" FROM tickets";
	return fl_q_int(tx, sql, id, "");
}

int fl_store_comment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_comment *out)
{
	static const char sql[] =
		"SELECT id, ticket_id, author_id, public, body, html_body, channel, created_at"
		" FROM comments"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_comment, a, out, sizeof *out);
}

int fl_store_comment_list(fl_tx *tx, int64_t ticket_id, int public_only, const struct fl_page *pg,
			  fl_arena *a, struct fl_comment **out, size_t *n)
{
	static const char sql_asc[] =
		"SELECT id, ticket_id, author_id, public, body, html_body, channel, created_at"
		" FROM comments"
		" WHERE ticket_id = ?"
		"   AND (? = 0 OR public = 1)"
		"   AND id > ?"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	static const char sql_desc[] =
		"SELECT id, ticket_id, author_id, public, body, html_body, channel, created_at"
		" FROM comments"
		" WHERE ticket_id = ?"
		"   AND (? = 0 OR public = 1)"
		"   AND id < ?"
		" ORDER BY id DESC"
		" LIMIT ? OFFSET ?";
	size_t want = pg->limit + 1;
	int64_t after = pg->has_after ? pg->after_id : (pg->desc ? INT64_MAX : 0);
	fl_stmt *st;
	int rc = fl_q(tx, pg->desc ? sql_desc : sql_asc, 0, &st, "iiiii", ticket_id,
		      (int64_t)public_only, after, (int64_t)want,
		      (int64_t)(pg->has_after ? 0 : pg->offset));

	return rc ? rc : fl_q_rows(tx, st, read_comment, a, sizeof **out, want, (void **)out, n);
}

/* audits */

int fl_store_audit_insert(fl_tx *tx, struct fl_audit *au)
{
	static const char sql[] =
		"INSERT INTO audits (ticket_id, author_id, channel, created_at)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	static const char ev[] =
		"INSERT INTO audit_events (audit_id, kind, field, value,"
		"                          previous_value, comment_id)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &au->id, "iiii", au->ticket_id, au->author_id,
			  (int64_t)au->channel, au->created_at);
	for (size_t i = 0; i < au->nevents && !rc; i++) {
		struct fl_event *e = &au->events[i];
		rc = fl_q_int(tx, ev, &e->id, "iitttI", au->id, (int64_t)e->kind, e->field,
			      e->value, e->previous, e->comment_id);
	}
	return rc;
}

int fl_store_audit_list(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_audit **out, size_t *n)
{
	/* one row per event, audits in order; at most 1000 audits */
	static const char sql[] =
		"SELECT au.id, au.author_id, au.channel, au.created_at,"
		"       e.id, e.kind, e.field, e.value, e.previous_value, e.comment_id"
		" FROM audits au"
		" JOIN audit_events e ON e.audit_id = au.id"
		" WHERE au.ticket_id = ?"
		"   AND au.id IN (SELECT id FROM audits WHERE ticket_id = ? ORDER BY id LIMIT 1000)"
		" ORDER BY au.id, e.id";
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM audits"
		" WHERE ticket_id = ?";
	struct fl_audit *rows = NULL;
	int64_t total;
	size_t k = 0;
	fl_stmt *st;
	int rc, err = 0;

	rc = fl_q_int(tx, sql_count, &total, "i", ticket_id);
	if (rc)
		return rc;
	if (total > 1000)
		total = 1000;
	if (total > 0) {
		rows = fl_arena_alloc(a, (size_t)total * sizeof *rows);
		if (!rows)
			return FL_ENOMEM;
	}
	rc = fl_q(tx, sql, 0, &st, "ii", ticket_id, ticket_id);
	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		int64_t id = fl_col_int(tx, st, 0);
		struct fl_audit *au;
		struct fl_event *e;
		if (k == 0 || rows[k - 1].id != id) {
			if (k == (size_t)total)
				break;
			au = &rows[k++];
			au->id = id;
			au->ticket_id = ticket_id;
			au->author_id = fl_col_int(tx, st, 1);
			au->channel = (int)fl_col_int(tx, st, 2);
			au->created_at = fl_col_int(tx, st, 3);
		}
		au = &rows[k - 1];
		if (au->nevents == FL_AUDIT_MAX_EVENTS)
			continue;
		e = &au->events[au->nevents++];
		e->id = fl_col_int(tx, st, 4);
		e->kind = (int)fl_col_int(tx, st, 5);
		e->field = fl_col_text(tx, st, 6, a, &err);
		e->value = fl_col_text(tx, st, 7, a, &err);
		e->previous = fl_col_text(tx, st, 8, a, &err);
		e->comment_id = fl_col_int(tx, st, 9);
	}
	fl_q_done(tx, st);
	if (rc < 0 || err)
		return rc < 0 ? rc : err;
	*out = rows;
	*n = k;
	return 0;
}
