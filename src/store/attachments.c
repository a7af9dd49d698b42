/* Queries about attachments (attachments/attachment.h tells the rules). */
#include <string.h>

#include "store/attachments.h"
#include "store/store_int.h"

/* over attachments a LEFT JOIN comments c */
#define ATTACHMENT_COLUMNS(X, S)                                                                   \
	X(id, "a.id")                                                                              \
	S X(token, "a.token") S X(uploader_id, "a.uploader_id") S X(ticket_id, "a.ticket_id") S X( \
		comment_id, "a.comment_id") S                                                      \
	X(file_name, "a.file_name") S                                                              \
	X(content_type, "a.content_type") S                                                        \
	X(size, "a.size") S                                                                        \
	X(digest, "a.digest") S                                                                    \
	X(in_db, "a.in_db") S                                                                      \
	X(created_at, "a.created_at") S                                                            \
	X(comment_public, "COALESCE(c.public, 0)")
#define ATTACHMENT_COLUMN(m, expr) FL_COLUMN(struct fl_attachment, m)
static const struct fl_col attachment_col[] = {ATTACHMENT_COLUMNS(ATTACHMENT_COLUMN, FL_COMMA)};
static const struct fl_cols attachment_cols = FL_COLS(struct fl_attachment, attachment_col);

int fl_store_attachment_insert(fl_tx *tx, struct fl_attachment *x, const void *data, size_t n)
{
	static const char sql[] =
		"INSERT INTO attachments (token, uploader_id, file_name, content_type, size,"
		"                         digest, in_db, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	static const char sql_data[] =
		"INSERT INTO attachment_data (attachment_id, data)"
		" VALUES (?, ?)";
	int rc = fl_q_int(tx, sql, &x->id, "tittitii", x->token, x->uploader_id, x->file_name,
			  x->content_type, x->size, x->digest, (int64_t)x->in_db, x->created_at);
	return rc || !x->in_db ? rc : fl_q_exec(tx, sql_data, "ib", x->id, data, n);
}

int fl_store_attachment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_attachment *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ATTACHMENT_COLUMNS)
		" FROM attachments a"
		" LEFT JOIN comments c ON c.id = a.comment_id"
		" WHERE a.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &attachment_cols, a, out);
}

int fl_store_attachment_data(fl_tx *tx, int64_t id, fl_arena *a, void **p, size_t *n)
{
	static const char sql[] =
		"SELECT data"
		" FROM attachment_data"
		" WHERE attachment_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		const void *b = tx->drv->col_blob(st, 0, n);
		*p = fl_arena_alloc(a, *n ? *n : 1);
		if (*p)
			memcpy(*p, b, *n);
		rc = *p ? 0 : FL_ENOMEM;
	} else if (rc == 0) {
		rc = FL_ENOTFOUND;
	}
	fl_q_done(tx, st);
	return rc;
}

int fl_store_attachment_claim(fl_tx *tx, const char *token, int64_t uploader_id, int64_t ticket_id,
			      int64_t comment_id)
{
	static const char sql[] =
		"UPDATE attachments"
		" SET ticket_id = ?, comment_id = ?"
		" WHERE token = ? AND uploader_id = ? AND comment_id IS NULL"
		" RETURNING id";
	int64_t id;
	return fl_q_int(tx, sql, &id, "iiti", ticket_id, comment_id, token, uploader_id);
}

int fl_store_attachment_list(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_attachment **out,
			     size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ATTACHMENT_COLUMNS)
		" FROM attachments a"
		" JOIN comments c ON c.id = a.comment_id"
		" WHERE a.ticket_id = ?"
		" ORDER BY a.id"
		" LIMIT 10000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);
	return rc ? rc : fl_q_rows_cols(tx, st, &attachment_cols, a, 10000, (void **)out, n);
}

/* An unclaimed upload, as the purge reads it. */
struct upload {
	int64_t id;
	char *digest;
	int in_db;
};
#define UPLOAD_COLUMNS(X, S) X(id, "id") S X(digest, "digest") S X(in_db, "in_db")
#define UPLOAD_COLUMN(m, expr) FL_COLUMN(struct upload, m)
static const struct fl_col upload_col[] = {UPLOAD_COLUMNS(UPLOAD_COLUMN, FL_COMMA)};
static const struct fl_cols upload_cols = FL_COLS(struct upload, upload_col);

int fl_store_attachment_purge(fl_tx *tx, int64_t before, fl_arena *a, int64_t *n, char ***orphans,
			      size_t *norphans)
{
	static const char sql_old[] =
		"SELECT " FL_COLUMNS_SQL(UPLOAD_COLUMNS)
		" FROM attachments"
		" WHERE comment_id IS NULL AND created_at < ?"
		"   AND id NOT IN (SELECT attachment_id FROM kb_article_attachments)"
		" ORDER BY id"
		" LIMIT 1000";
	static const char sql_data[] =
		"DELETE FROM attachment_data"
		" WHERE attachment_id = ?";
	static const char sql_row[] =
		"DELETE FROM attachments"
		" WHERE id = ?";
	static const char sql_named[] =
		"SELECT COUNT(*)"
		" FROM attachments"
		" WHERE digest = ?";
	struct upload *old;
	size_t k;
	fl_stmt *st;
	int rc = fl_q(tx, sql_old, 0, &st, "i", before);

	if (rc || (rc = fl_q_rows_cols(tx, st, &upload_cols, a, 1000, (void **)&old, &k)))
		return rc;
	*orphans = fl_arena_alloc(a, (k ? k : 1) * sizeof **orphans);
	if (!*orphans)
		return FL_ENOMEM;
	*norphans = 0;
	for (size_t i = 0; i < k && !rc; i++) {
		int64_t still;
		rc = old[i].in_db ? fl_q_exec(tx, sql_data, "i", old[i].id) : 0;
		if (!rc)
			rc = fl_q_exec(tx, sql_row, "i", old[i].id);
		if (!rc && !old[i].in_db &&
		    !(rc = fl_q_int(tx, sql_named, &still, "t", old[i].digest)) && !still)
			(*orphans)[(*norphans)++] = old[i].digest;
	}
	if (!rc)
		*n = (int64_t)k;
	return rc;
}
