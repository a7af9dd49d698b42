/* Queries about satisfaction ratings and their reasons
 * (store/satisfaction.h). */

#include "store/satisfaction.h"
#include "store/store_int.h"

/* The most cells a report reads: four scores of at most this many agents,
 * groups, tiers, channels or days. */
#define COUNTS_MAX 40000

/* The score is stored by name and read as enum fl_csat_score. */
#define RATING_COLUMNS(X, S)                                                           \
	X(id, "id")                                                                    \
	S X(ticket_id, "ticket_id") S X(                                               \
		score, "CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END") S \
	X(comment, "comment") S                                                        \
	X(reason_id, "reason_id") S                                                    \
	X(requester_id, "requester_id") S                                              \
	X(assignee_id, "assignee_id") S                                                \
	X(group_id, "group_id") S                                                      \
	X(tier_id, "tier_id") S                                                        \
	X(channel, "channel") S                                                        \
	X(created_at, "created_at") S                                                  \
	X(rated_at, "rated_at") S                                                      \
	X(asked_at, "asked_at") S                                                      \
	X(updated_at, "updated_at")
#define RATING_COLUMN(m, expr) FL_COLUMN(struct fl_csat_rating, m)
static const struct fl_col rating_col[] = {RATING_COLUMNS(RATING_COLUMN, FL_COMMA)};
static const struct fl_cols rating_cols = FL_COLS(struct fl_csat_rating, rating_col);

#define REASON_COLUMNS(X, S)                                                                     \
	X(id, "id")                                                                              \
	S X(name_en, "name_en") S X(name_uk, "name_uk") S X(name_ru, "name_ru") S X(name_lt,     \
										    "name_lt") S \
	X(position, "position") S                                                                \
	X(active, "active") S                                                                    \
	X(created_at, "created_at") S                                                            \
	X(updated_at, "updated_at")
#define REASON_COLUMN(m, expr) FL_COLUMN(struct fl_csat_reason, m)
static const struct fl_col reason_col[] = {REASON_COLUMNS(REASON_COLUMN, FL_COMMA)};
static const struct fl_cols reason_cols = FL_COLS(struct fl_csat_reason, reason_col);

#define COUNT_COLUMNS(X, S) X(key, "k") S X(score, "s") S X(n, "n")
#define COUNT_COLUMN(m, expr) FL_COLUMN(struct fl_store_csat_count, m)
static const struct fl_col count_col[] = {COUNT_COLUMNS(COUNT_COLUMN, FL_COMMA)};
static const struct fl_cols count_cols = FL_COLS(struct fl_store_csat_count, count_col);

#define CHANNEL_COUNT_COLUMNS(X, S) X(channel, "k") S X(score, "s") S X(n, "n")
static const struct fl_col channel_count_col[] = {CHANNEL_COUNT_COLUMNS(COUNT_COLUMN, FL_COMMA)};
static const struct fl_cols channel_count_cols =
	FL_COLS(struct fl_store_csat_count, channel_count_col);

/* The ratings lists and reports count: asked (the mail with the question
 * went) or answered, of a ticket not deleted (spam: nobody's rating).
 * tickets_deleted indexes the few deleted ones. */
#define COUNTED                                \
	"(score <> 'offered' OR asked_at > 0)" \
	" AND ticket_id NOT IN (SELECT id FROM tickets WHERE deleted_at IS NOT NULL)"

int fl_store_csat_offer(fl_tx *tx, const struct fl_csat_rating *r)
{
	static const char sql[] =
		"INSERT INTO satisfaction_ratings (ticket_id, score, requester_id, assignee_id,"
		" group_id, tier_id, channel, created_at, updated_at)"
		" VALUES (?, 'offered', ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id) DO NOTHING";
	return fl_q_exec(tx, sql, "iiIIItii", r->ticket_id, r->requester_id, r->assignee_id,
			 r->group_id, r->tier_id, r->channel ? r->channel : "", r->created_at,
			 r->updated_at);
}

int fl_store_csat_asked(fl_tx *tx, int64_t ticket_id, int64_t now)
{
	static const char sql[] =
		"UPDATE satisfaction_ratings"
		" SET asked_at = ?"
		" WHERE ticket_id = ?"
		"   AND asked_at = 0";
	return fl_q_exec(tx, sql, "ii", now, ticket_id);
}

int fl_store_csat_put(fl_tx *tx, struct fl_csat_rating *r)
{
	static const char sql[] =
		"INSERT INTO satisfaction_ratings (ticket_id, score, comment, reason_id,"
		" requester_id, assignee_id, group_id, tier_id, channel, created_at, rated_at,"
		" updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (ticket_id) DO UPDATE"
		" SET score = excluded.score, comment = excluded.comment,"
		" reason_id = excluded.reason_id, requester_id = excluded.requester_id,"
		" assignee_id = excluded.assignee_id, group_id = excluded.group_id,"
		" tier_id = excluded.tier_id, channel = excluded.channel,"
		" rated_at = excluded.rated_at, updated_at = excluded.updated_at"
		" RETURNING id";
	static const char created[] =
		"SELECT created_at"
		" FROM satisfaction_ratings"
		" WHERE id = ?";
	int rc = fl_q_int(tx, sql, &r->id, "ittIiIIItiii", r->ticket_id,
			  fl_csat_score_name(r->score), r->comment ? r->comment : "", r->reason_id,
			  r->requester_id, r->assignee_id, r->group_id, r->tier_id,
			  r->channel ? r->channel : "", r->created_at, r->rated_at, r->updated_at);
	return rc ? rc : fl_q_int(tx, created, &r->created_at, "i", r->id);
}

int fl_store_csat_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_csat_rating *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(RATING_COLUMNS)
		" FROM satisfaction_ratings"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &rating_cols, a, out);
}

int fl_store_csat_get_ticket(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_csat_rating *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(RATING_COLUMNS)
		" FROM satisfaction_ratings"
		" WHERE ticket_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);
	return rc ? rc : fl_q_one_cols(tx, st, &rating_cols, a, out);
}

int fl_store_csat_list(fl_tx *tx, const struct fl_store_csat_filter *f, int64_t offset,
		       int64_t limit, fl_arena *a, struct fl_csat_rating **out, size_t *n,
		       int64_t *total)
{
	static const char asc[] =
		"SELECT " FL_COLUMNS_SQL(RATING_COLUMNS)
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND (score = ? OR score = ? OR score = ?)"
		"   AND (? = 0 OR comment <> '')"
		"   AND (? = 0 OR comment = '')"
		"   AND " COUNTED
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	static const char desc[] =
		"SELECT " FL_COLUMNS_SQL(RATING_COLUMNS)
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND (score = ? OR score = ? OR score = ?)"
		"   AND (? = 0 OR comment <> '')"
		"   AND (? = 0 OR comment = '')"
		"   AND " COUNTED
		" ORDER BY id DESC"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND (score = ? OR score = ? OR score = ?)"
		"   AND (? = 0 OR comment <> '')"
		"   AND (? = 0 OR comment = '')"
		"   AND " COUNTED;
	fl_stmt *st;
	int rc = fl_q_int(tx, count, total, "iitttii", f->start, f->end, f->scores[0], f->scores[1],
			  f->scores[2], (int64_t)f->with_comment, (int64_t)f->without_comment);

	if (!rc)
		rc = fl_q(tx, f->desc ? desc : asc, 0, &st, "iitttiiii", f->start, f->end,
			  f->scores[0], f->scores[1], f->scores[2], (int64_t)f->with_comment,
			  (int64_t)f->without_comment, limit, offset);
	return rc ? rc : fl_q_rows_cols(tx, st, &rating_cols, a, (size_t)limit, (void **)out, n);
}

int fl_store_csat_count_by(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
			   struct fl_store_csat_count **out, size_t *n)
{
	static const char agent[] =
		"SELECT COALESCE(assignee_id, 0) AS k,"
		" CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END AS s, COUNT(*) AS n"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND " COUNTED
		" GROUP BY 1, 2"
		" ORDER BY 1, 2";
	static const char group[] =
		"SELECT COALESCE(group_id, 0) AS k,"
		" CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END AS s, COUNT(*) AS n"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND " COUNTED
		" GROUP BY 1, 2"
		" ORDER BY 1, 2";
	static const char tier[] =
		"SELECT COALESCE(tier_id, 0) AS k,"
		" CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END AS s, COUNT(*) AS n"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND " COUNTED
		" GROUP BY 1, 2"
		" ORDER BY 1, 2";
	static const char channel[] =
		"SELECT channel AS k,"
		" CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END AS s, COUNT(*) AS n"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND " COUNTED
		" GROUP BY 1, 2"
		" ORDER BY 1, 2";
	const char *sql = by == FL_CSAT_BY_GROUP     ? group
			  : by == FL_CSAT_BY_TIER    ? tier
			  : by == FL_CSAT_BY_CHANNEL ? channel
						     : agent;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", start, end);
	return rc ? rc
		  : fl_q_rows_cols(tx, st,
				   by == FL_CSAT_BY_CHANNEL ? &channel_count_cols : &count_cols, a,
				   COUNTS_MAX, (void **)out, n);
}

int fl_store_csat_count_days(fl_tx *tx, int64_t start, int64_t end, fl_arena *a,
			     struct fl_store_csat_count **out, size_t *n)
{
	/* created_at is never negative: integer division is the day */
	static const char sql[] =
		"SELECT created_at / 86400 AS k,"
		" CASE score WHEN 'good' THEN 1 WHEN 'bad' THEN 2 ELSE 0 END AS s, COUNT(*) AS n"
		" FROM satisfaction_ratings"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		"   AND " COUNTED
		" GROUP BY 1, 2"
		" ORDER BY 1, 2";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", start, end);
	return rc ? rc : fl_q_rows_cols(tx, st, &count_cols, a, COUNTS_MAX, (void **)out, n);
}

int fl_store_csat_reason_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_csat_reason **out,
			      size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REASON_COLUMNS)
		" FROM satisfaction_reasons"
		" WHERE (? = 0 OR active = 1)"
		" ORDER BY position, id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", (int64_t)active_only);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &reason_cols, a, FL_CSAT_REASONS_MAX, (void **)out, n);
}

int fl_store_csat_reason_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_csat_reason *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REASON_COLUMNS)
		" FROM satisfaction_reasons"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &reason_cols, a, out);
}

int fl_store_csat_reason_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM satisfaction_reasons";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_csat_reason_insert(fl_tx *tx, struct fl_csat_reason *r)
{
	static const char sql[] =
		"INSERT INTO satisfaction_reasons (name_en, name_uk, name_ru, name_lt, position,"
		" active, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &r->id, "ttttiiii", r->name_en, r->name_uk ? r->name_uk : "",
			r->name_ru ? r->name_ru : "", r->name_lt ? r->name_lt : "",
			(int64_t)r->position, (int64_t)r->active, r->created_at, r->updated_at);
}

int fl_store_csat_reason_update(fl_tx *tx, const struct fl_csat_reason *r)
{
	static const char sql[] =
		"UPDATE satisfaction_reasons"
		" SET name_en = ?, name_uk = ?, name_ru = ?, name_lt = ?, position = ?, active = ?,"
		" updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttttiiii", r->name_en, r->name_uk ? r->name_uk : "",
			 r->name_ru ? r->name_ru : "", r->name_lt ? r->name_lt : "",
			 (int64_t)r->position, (int64_t)r->active, r->updated_at, r->id);
}

int fl_store_csat_reason_delete(fl_tx *tx, int64_t id)
{
	static const char unlink[] =
		"UPDATE satisfaction_ratings"
		" SET reason_id = NULL"
		" WHERE reason_id = ?";
	static const char sql[] =
		"DELETE FROM satisfaction_reasons"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, unlink, "i", id);
	return rc ? rc : fl_q_exec(tx, sql, "i", id);
}
