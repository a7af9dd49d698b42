/* Queries for the customer portal: e-mailed sign-in links, and what the
 * contact form asks of tickets. */
#include "store/portal.h"
#include "store/store_int.h"
#include "store/tickets.h"

int fl_store_magic_insert(fl_tx *tx, int64_t user_id, const char *selector,
			  const char *token_hash, int64_t created_at, int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO magic_links (user_id, selector, token_hash, created_at, expires_at)"
		" VALUES (?, ?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "ittii", user_id, selector, token_hash, created_at, expires_at);
}

static int read_magic(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_magic_row *m = row;
	int err = 0;
	m->id = fl_col_int(tx, st, 0);
	m->user_id = fl_col_int(tx, st, 1);
	m->token_hash = fl_col_text(tx, st, 2, a, &err);
	m->expires_at = fl_col_int(tx, st, 3);
	m->used_at = fl_col_int(tx, st, 4);
	return err;
}

int fl_store_magic_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_magic_row *out)
{
	static const char sql[] =
		"SELECT id, user_id, token_hash, expires_at, COALESCE(used_at, 0)"
		" FROM magic_links"
		" WHERE selector = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "t", selector);
	return rc ? rc : fl_q_one(tx, st, read_magic, a, out, sizeof *out);
}

int fl_store_magic_use(fl_tx *tx, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE magic_links"
		" SET used_at = ?"
		" WHERE id = ? AND used_at IS NULL"
		" RETURNING id";
	int64_t got;
	return fl_q_int(tx, sql, &got, "ii", now, id);
}

int fl_store_magic_purge(fl_tx *tx, int64_t now)
{
	static const char sql[] =
		"DELETE FROM magic_links"
		" WHERE expires_at <= ?";
	return fl_q_exec(tx, sql, "i", now);
}

int fl_store_ticket_last_id(fl_tx *tx, int64_t *id)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(id), 0)"
		" FROM tickets";
	return fl_q_int(tx, sql, id, "");
}
