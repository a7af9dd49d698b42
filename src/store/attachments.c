/* Queries about attachments (attachments/attachment.h tells the rules). */
#include <string.h>

#include "store/store_int.h"

#define ATTACHMENT_COLS                                                       \
	"a.id, a.token, a.uploader_id, a.ticket_id, a.comment_id, a.file_name,"   \
	" a.content_type, a.size, a.digest, a.in_db, a.created_at,"               \
	" COALESCE(c.public, 0)"

static int read_attachment(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_attachment *x = row;
	int err = 0;
	memset(x, 0, sizeof *x);
	x->id = fl_col_int(tx, st, 0);
	x->token = fl_col_text(tx, st, 1, a, &err);
	x->uploader_id = fl_col_int(tx, st, 2);
	x->ticket_id = fl_col_int(tx, st, 3);
	x->comment_id = fl_col_int(tx, st, 4);
	x->file_name = fl_col_text(tx, st, 5, a, &err);
	x->content_type = fl_col_text(tx, st, 6, a, &err);
	x->size = fl_col_int(tx, st, 7);
	x->digest = fl_col_text(tx, st, 8, a, &err);
	x->in_db = (int)fl_col_int(tx, st, 9);
	x->created_at = fl_col_int(tx, st, 10);
	x->comment_public = (int)fl_col_int(tx, st, 11);
	return err;
}

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
		"SELECT " ATTACHMENT_COLS
		" FROM attachments a"
		" LEFT JOIN comments c ON c.id = a.comment_id"
		" WHERE a.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_attachment, a, out, sizeof *out);
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

int fl_store_attachment_claim(fl_tx *tx, const char *token, int64_t uploader_id,
			      int64_t ticket_id, int64_t comment_id)
{
	static const char sql[] =
		"UPDATE attachments"
		" SET ticket_id = ?, comment_id = ?"
		" WHERE token = ? AND uploader_id = ? AND comment_id IS NULL"
		" RETURNING id";
	int64_t id;
	return fl_q_int(tx, sql, &id, "iiti", ticket_id, comment_id, token, uploader_id);
}

int fl_store_attachment_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
			     struct fl_attachment **out, size_t *n)
{
	static const char sql[] =
		"SELECT " ATTACHMENT_COLS
		" FROM attachments a"
		" JOIN comments c ON c.id = a.comment_id"
		" WHERE a.ticket_id = ?"
		" ORDER BY a.id"
		" LIMIT 10000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);
	return rc ? rc : fl_q_rows(tx, st, read_attachment, a, sizeof **out, 10000, (void **)out, n);
}
