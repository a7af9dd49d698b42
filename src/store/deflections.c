/* Queries about deflection events (store/deflections.h). */

#include <stdio.h>
#include <string.h>

#include "store/deflections.h"
#include "store/store_int.h"

#define ROW_COLUMNS(X, S)                                                                  \
	X(key, "0")                                                                        \
	S X(name, "NULL") S X(c.shown, "COUNT(*)") S X(                                    \
		c.deflected, "SUM(CASE WHEN d.outcome = 'deflected' THEN 1 ELSE 0 END)") S \
	X(c.submitted, "SUM(CASE WHEN d.outcome = 'submitted' THEN 1 ELSE 0 END)")
#define LOCALE_COLUMNS(X, S)                                                               \
	X(key, "0")                                                                        \
	S X(name, "d.locale") S X(c.shown, "COUNT(*)") S X(                                \
		c.deflected, "SUM(CASE WHEN d.outcome = 'deflected' THEN 1 ELSE 0 END)") S \
	X(c.submitted, "SUM(CASE WHEN d.outcome = 'submitted' THEN 1 ELSE 0 END)")
#define DAY_COLUMNS(X, S)                                                                  \
	X(key, "d.created_at / 86400")                                                     \
	S X(name, "NULL") S X(c.shown, "COUNT(*)") S X(                                    \
		c.deflected, "SUM(CASE WHEN d.outcome = 'deflected' THEN 1 ELSE 0 END)") S \
	X(c.submitted, "SUM(CASE WHEN d.outcome = 'submitted' THEN 1 ELSE 0 END)")
/* An article's: shown among the suggestions, deflected by it, submitted
 * over it; its title in the locale asked (t), else in its source locale
 * (ts): one row each at most, so the joins do not change the counts. */
#define ARTICLE_COLUMNS(X, S)                                                                  \
	X(key, "x.article_id")                                                                 \
	S X(name, "COALESCE(MAX(t.title), MAX(ts.title))") S X(c.shown, "COUNT(*)") S X(       \
		c.deflected, "SUM(CASE WHEN d.article_id = x.article_id THEN 1 ELSE 0 END)") S \
	X(c.submitted, "SUM(CASE WHEN d.outcome = 'submitted' THEN 1 ELSE 0 END)")
#define ROW_COLUMN(m, expr) FL_COLUMN(struct fl_store_deflect_row, m)
static const struct fl_col row_col[] = {ROW_COLUMNS(ROW_COLUMN, FL_COMMA)};
static const struct fl_cols row_cols = FL_COLS(struct fl_store_deflect_row, row_col);

int fl_store_deflection_insert(fl_tx *tx, struct fl_deflection *d)
{
	static const char sql[] =
		"INSERT INTO deflections"
		" (created_at, locale, query, outcome, channel, article_id, ticket_id, token_mac)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (token_mac) DO NOTHING"
		" RETURNING id";
	static const char shown[] =
		"INSERT INTO deflection_articles (deflection_id, article_id, position)"
		" VALUES (?, ?, ?)";
	int rc = fl_q_int(tx, sql, &d->id, "ittttIIt", d->created_at, d->locale, d->query,
			  fl_deflect_outcome_name(d->outcome), fl_deflect_channel_name(d->channel),
			  d->article_id, d->ticket_id, d->token_mac);

	if (rc == FL_ENOTFOUND) /* the conflict: no row, and the transaction goes on */
		return FL_ECONFLICT;

	for (size_t i = 0; !rc && i < d->nshown; i++)
		rc = fl_q_exec(tx, shown, "iii", d->id, d->shown[i], (int64_t)i);
	return rc;
}

int fl_store_deflect_report(fl_tx *tx, int by, int64_t start, int64_t end, const char *locale,
			    fl_arena *a, struct fl_store_deflect_row **out, size_t *n)
{
	static const char total[] =
		"SELECT " FL_COLUMNS_SQL(ROW_COLUMNS)
		" FROM deflections d"
		" WHERE d.created_at >= ? AND d.created_at < ?"
		"   AND (? = '' OR d.locale = ?)";
	static const char by_locale[] =
		"SELECT " FL_COLUMNS_SQL(LOCALE_COLUMNS)
		" FROM deflections d"
		" WHERE d.created_at >= ? AND d.created_at < ?"
		"   AND (? = '' OR d.locale = ?)"
		" GROUP BY d.locale"
		" ORDER BY d.locale"
		" LIMIT 400";
	static const char by_day[] =
		"SELECT " FL_COLUMNS_SQL(DAY_COLUMNS)
		" FROM deflections d"
		" WHERE d.created_at >= ? AND d.created_at < ?"
		"   AND (? = '' OR d.locale = ?)"
		" GROUP BY d.created_at / 86400"
		" ORDER BY 1"
		" LIMIT 400";
	static const char by_article[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS)
		" FROM deflection_articles x"
		" JOIN deflections d ON d.id = x.deflection_id"
		" JOIN kb_articles a ON a.id = x.article_id"
		" LEFT JOIN kb_translations t ON t.article_id = a.id AND t.locale = ?"
		" LEFT JOIN kb_translations ts ON ts.article_id = a.id AND ts.locale = a.source_locale"
		" WHERE d.created_at >= ? AND d.created_at < ?"
		"   AND (? = '' OR d.locale = ?)"
		" GROUP BY x.article_id"
		" ORDER BY 4 DESC, 3 DESC, 1"
		" LIMIT 400";
	const char *l = locale ? locale : "";
	fl_stmt *st;
	int rc;

	switch (by) {
	case FL_DEFLECT_BY_TOTAL: rc = fl_q(tx, total, 0, &st, "iitt", start, end, l, l); break;
	case FL_DEFLECT_BY_LOCALE:
		rc = fl_q(tx, by_locale, 0, &st, "iitt", start, end, l, l);
		break;
	case FL_DEFLECT_BY_DAY: rc = fl_q(tx, by_day, 0, &st, "iitt", start, end, l, l); break;
	case FL_DEFLECT_BY_ARTICLE:
		rc = fl_q(tx, by_article, 0, &st, "tiitt", l, start, end, l, l);
		break;
	default: return FL_EINVAL;
	}
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &row_cols, a, FL_STORE_DEFLECT_ROWS_MAX, (void **)out,
				   n);
}
