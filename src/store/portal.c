/* Queries for the customer portal: e-mailed sign-in links, and what the
 * contact form asks of tickets. */
#include "store/portal.h"
#include "store/store_int.h"

int fl_store_magic_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *token_hash,
			  int64_t created_at, int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO magic_links (user_id, selector, token_hash, created_at, expires_at)"
		" VALUES (?, ?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "ittii", user_id, selector, token_hash, created_at, expires_at);
}

#define MAGIC_COLUMNS(X, S)                                                                      \
	X(id, "id")                                                                              \
	S X(user_id, "user_id") S X(token_hash, "token_hash") S X(expires_at, "expires_at") S X( \
		used_at, "used_at")
#define MAGIC_COLUMN(m, expr) FL_COLUMN(struct fl_magic_row, m)
static const struct fl_col magic_col[] = {MAGIC_COLUMNS(MAGIC_COLUMN, FL_COMMA)};
static const struct fl_cols magic_cols = FL_COLS(struct fl_magic_row, magic_col);

int fl_store_magic_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_magic_row *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(MAGIC_COLUMNS)
		" FROM magic_links"
		" WHERE selector = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "t", selector);
	return rc ? rc : fl_q_one_cols(tx, st, &magic_cols, a, out);
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
