/* Queries of the local outbox (store/outbox.h). */
#include "store/outbox.h"
#include "store/store_int.h"

/* A list's columns, then the bodies a single message adds. */
#define OUTBOX_LIST_COLUMNS(X, S)                                                                 \
	X(id, "id")                                                                               \
	S X(message_id, "message_id") S X(kind, "kind") S X(ticket_id, "ticket_id") S X(sender,   \
											"sender") \
		S                                                                                 \
		X(sender_name, "sender_name") S                                                   \
		X(recipients, "recipients") S                                                     \
		X(subject, "subject") S                                                           \
		X(state, "state") S                                                               \
		X(error, "error") S                                                               \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at")
#define OUTBOX_BODY_COLUMNS(X, S) \
	X(text_body, "text_body") S X(html_body, "html_body") S X(raw, "raw")
#define OUTBOX_COLUMN(m, expr) FL_COLUMN(struct fl_outbox_mail, m)
static const struct fl_col list_col[] = {OUTBOX_LIST_COLUMNS(OUTBOX_COLUMN, FL_COMMA)};
static const struct fl_cols list_cols = FL_COLS(struct fl_outbox_mail, list_col);
static const struct fl_col full_col[] = {OUTBOX_LIST_COLUMNS(OUTBOX_COLUMN, FL_COMMA),
					 OUTBOX_BODY_COLUMNS(OUTBOX_COLUMN, FL_COMMA)};
static const struct fl_cols full_cols = FL_COLS(struct fl_outbox_mail, full_col);

int fl_store_outbox_put(fl_tx *tx, const struct fl_outbox_mail *m)
{
	static const char put[] =
		"INSERT INTO mail_outbox (message_id, kind, ticket_id, sender, sender_name,"
		"                         recipients, subject, text_body, html_body, raw,"
		"                         state, error, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (message_id) DO UPDATE"
		" SET raw = excluded.raw,"
		"     state = excluded.state,"
		"     error = excluded.error,"
		"     updated_at = excluded.updated_at";
	static const char prune[] =
		"DELETE FROM mail_outbox"
		" WHERE id <= ("
		"   SELECT id"
		"   FROM mail_outbox"
		"   ORDER BY id DESC"
		"   LIMIT 1 OFFSET ?"
		" )";
	int64_t ticket = m->ticket_id;
	int rc = fl_q_exec(tx, put, "ttItttttttttii", m->message_id, m->kind, ticket, m->sender,
			   m->sender_name, m->recipients, m->subject, m->text_body, m->html_body,
			   m->raw, m->state, m->error, m->created_at, m->updated_at);
	return rc ? rc : fl_q_exec(tx, prune, "i", (int64_t)FL_STORE_OUTBOX_KEEP);
}

int fl_store_outbox_list(fl_tx *tx, int64_t before_id, size_t limit, fl_arena *a,
			 struct fl_outbox_mail **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(OUTBOX_LIST_COLUMNS)
		" FROM mail_outbox"
		" WHERE ? = 0 OR id < ?"
		" ORDER BY id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", before_id, before_id, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &list_cols, a, limit, (void **)out, n);
}

int fl_store_outbox_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_outbox_mail *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(OUTBOX_LIST_COLUMNS) ", " FL_COLUMNS_SQL(OUTBOX_BODY_COLUMNS)
		" FROM mail_outbox"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &full_cols, a, out);
}
