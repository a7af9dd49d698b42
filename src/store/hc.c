/* The help center's read of the knowledge base (store/hc.h). */
#include "store/hc.h"

#include "store/db.h"
#include "store/store_int.h"

#define MAP_COLUMNS(X, S)                                                                 \
	X(article_id, "t.article_id")                                                     \
	S X(locale, "t.locale") S X(title, "t.title") S X(slug, "t.slug") S X(updated_at, \
									      "t.updated_at")
#define MAP_COLUMN(m, expr) FL_COLUMN(struct fl_hc_map_row, m)
static const struct fl_col map_col[] = {MAP_COLUMNS(MAP_COLUMN, FL_COMMA)};
static const struct fl_cols map_cols = FL_COLS(struct fl_hc_map_row, map_col);

int fl_store_hc_map(fl_tx *tx, size_t max, fl_arena *a, struct fl_hc_map_row **out, size_t *n)
{
	/* visibility 0 is public (kb/kb.h's FL_KB_PUBLIC) */
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(MAP_COLUMNS)
		" FROM kb_translations t"
		" JOIN kb_articles a ON a.id = t.article_id"
		" WHERE a.visibility = 0"
		"   AND a.archived_at = 0"
		"   AND t.draft = 0"
		" ORDER BY t.article_id, t.locale"
		" LIMIT ?";
	fl_stmt *st;
	int rc;

	if (max > FL_STORE_HC_MAP_MAX)
		max = FL_STORE_HC_MAP_MAX;
	rc = fl_q(tx, sql, 0, &st, "i", (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &map_cols, a, max, (void **)out, n);
}
