/* Queries about IMAP mailboxes. */
#include <string.h>

#include "store/mail.h"
#include "store/store_int.h"

static int read_mailbox(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_mailbox *m = row;
	int err = 0;
	m->id = fl_col_int(tx, st, 0);
	m->url = fl_col_text(tx, st, 1, a, &err);
	m->username = fl_col_text(tx, st, 2, a, &err);
	m->password = fl_col_text(tx, st, 3, a, &err);
	m->folder = fl_col_text(tx, st, 4, a, &err);
	m->move_to = fl_col_text(tx, st, 5, a, &err);
	m->starttls = (int)fl_col_int(tx, st, 6);
	m->owner_id = fl_col_int(tx, st, 7);
	m->active = (int)fl_col_int(tx, st, 8);
	m->last_polled_at = fl_col_int(tx, st, 9);
	m->last_error = fl_col_text(tx, st, 10, a, &err);
	m->created_at = fl_col_int(tx, st, 11);
	m->updated_at = fl_col_int(tx, st, 12);
	return err;
}

int fl_store_mailbox_insert(fl_tx *tx, struct fl_mailbox *mb)
{
	static const char sql[] =
		"INSERT INTO mailboxes (url, username, password, folder, move_to, starttls,"
		"                       owner_id, active, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &mb->id, "tttttiiii", mb->url, mb->username, mb->password,
			mb->folder, mb->move_to, (int64_t)mb->starttls, mb->owner_id, mb->created_at,
			mb->updated_at);
}

int fl_store_mailbox_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_mailbox **out,
			  size_t *n)
{
	static const char sql[] =
		"SELECT id, url, username, password, folder, move_to, starttls, owner_id, active,"
		"       last_polled_at, last_error, created_at, updated_at"
		" FROM mailboxes"
		" WHERE ? = 0 OR active = 1"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)active_only);
	return rc ? rc : fl_q_rows(tx, st, read_mailbox, a, sizeof **out, 100, (void **)out, n);
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
