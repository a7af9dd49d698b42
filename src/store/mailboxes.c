/* Queries about IMAP mailboxes. */

#include "store/mail.h"
#include "store/store_int.h"

#define MAILBOX_COLUMNS(X, S)                                                                     \
	X(id, "id")                                                                               \
	S X(url, "url") S X(username, "username") S X(password, "password") S X(folder, "folder") \
		S                                                                                 \
		X(move_to, "move_to") S                                                           \
		X(starttls, "starttls") S                                                         \
		X(owner_id, "owner_id") S                                                         \
		X(active, "active") S                                                             \
		X(last_polled_at, "last_polled_at") S                                             \
		X(last_error, "last_error") S                                                     \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at")
#define MAILBOX_COLUMN(m, expr) FL_COLUMN(struct fl_mailbox, m)
static const struct fl_col mailbox_col[] = {MAILBOX_COLUMNS(MAILBOX_COLUMN, FL_COMMA)};
static const struct fl_cols mailbox_cols = FL_COLS(struct fl_mailbox, mailbox_col);

int fl_store_mailbox_insert(fl_tx *tx, struct fl_mailbox *mb)
{
	static const char sql[] =
		"INSERT INTO mailboxes (url, username, password, folder, move_to, starttls,"
		"                       owner_id, active, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &mb->id, "tttttiiii", mb->url, mb->username, mb->password,
			mb->folder, mb->move_to, (int64_t)mb->starttls, mb->owner_id,
			mb->created_at, mb->updated_at);
}

int fl_store_mailbox_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_mailbox **out,
			  size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(MAILBOX_COLUMNS)
		" FROM mailboxes"
		" WHERE ? = 0 OR active = 1"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)active_only);
	return rc ? rc : fl_q_rows_cols(tx, st, &mailbox_cols, a, 100, (void **)out, n);
}

int fl_store_mailbox_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM mailboxes"
		" WHERE id = ?"
		" RETURNING id";
	int64_t gone;
	return fl_q_int(tx, sql, &gone, "i", id);
}

int fl_store_mailbox_polled(fl_tx *tx, int64_t id, int64_t when, const char *error)
{
	static const char sql[] =
		"UPDATE mailboxes"
		" SET last_polled_at = ?, last_error = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "itii", when, error, when, id);
}
