/* Queries about the suggestion box (store/ideas.h). */

#include "store/ideas.h"
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>

#include "store/settings.h"

/* An idea with its author's and answerer's names; the FROM every read of
 * ideas uses joins them as a, b, and the reader's vote as v. */
#define IDEA_COLUMNS(X, S)                                                      \
	X(id, "i.id")                                                           \
	S X(title, "i.title") S X(details, "i.details") S X(status, "i.status") \
		S X(public, "i.public") S                                       \
		X(locale, "i.locale") S                                         \
		X(answer, "i.answer") S                                         \
		X(answered_by, "i.answered_by") S                               \
		X(answered_at, "i.answered_at") S                               \
		X(author_id, "i.author_id") S                                   \
		X(submitted_by, "i.submitted_by") S                             \
		X(vote_count, "i.vote_count") S                                 \
		X(comment_count, "i.comment_count") S                           \
		X(created_at, "i.created_at") S                                 \
		X(updated_at, "i.updated_at") S                                 \
		X(author_name, "a.name") S                                      \
		X(answered_by_name, "b.name") S                                 \
		X(voted, "CASE WHEN v.user_id IS NULL THEN 0 ELSE 1 END")
#define IDEA_COLUMN(m, expr) FL_COLUMN(struct fl_idea, m)
static const struct fl_col idea_col[] = {IDEA_COLUMNS(IDEA_COLUMN, FL_COMMA)};
static const struct fl_cols idea_cols = FL_COLS(struct fl_idea, idea_col);

#define COMMENT_COLUMNS(X, S)                                                            \
	X(id, "c.id")                                                                    \
	S X(idea_id, "c.idea_id") S X(author_id, "c.author_id") S X(body, "c.body") S X( \
		created_at, "c.created_at") S                                            \
	X(author_name, "u.name") S                                                       \
	X(author_role, "u.role")
#define COMMENT_COLUMN(m, expr) FL_COLUMN(struct fl_idea_comment, m)
static const struct fl_col comment_col[] = {COMMENT_COLUMNS(COMMENT_COLUMN, FL_COMMA)};
static const struct fl_cols comment_cols = FL_COLS(struct fl_idea_comment, comment_col);

#define LINK_COLUMNS(X, S)                                                                        \
	X(idea_id, "l.idea_id")                                                                   \
	S X(ticket_id, "l.ticket_id") S X(user_id, "l.user_id") S X(created_at, "l.created_at") S \
	X(subject, "t.subject") S                                                                 \
	X(status, "t.status") S                                                                   \
	X(idea_title, "i.title") S                                                                \
	X(idea_status, "i.status") S                                                              \
	X(idea_votes, "i.vote_count")
#define LINK_COLUMN(m, expr) FL_COLUMN(struct fl_idea_ticket, m)
static const struct fl_col link_col[] = {LINK_COLUMNS(LINK_COLUMN, FL_COMMA)};
static const struct fl_cols link_cols = FL_COLS(struct fl_idea_ticket, link_col);

#define STATUS_COUNT_COLUMNS(X, S) \
	X(status, "status")        \
	S X(ideas, "COUNT(*)") S X(votes, "CAST(COALESCE(SUM(vote_count), 0) AS BIGINT)")
#define STATUS_COUNT_COLUMN(m, expr) FL_COLUMN(struct fl_idea_status_count, m)
static const struct fl_col status_count_col[] = {
	STATUS_COUNT_COLUMNS(STATUS_COUNT_COLUMN, FL_COMMA)};
static const struct fl_cols status_count_cols =
	FL_COLS(struct fl_idea_status_count, status_count_col);

int fl_store_idea_get(fl_tx *tx, int64_t id, int64_t me, fl_arena *a, struct fl_idea *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(IDEA_COLUMNS)
		" FROM ideas i"
		" JOIN users a ON a.id = i.author_id"
		" LEFT JOIN users b ON b.id = i.answered_by"
		" LEFT JOIN idea_votes v ON v.idea_id = i.id AND v.user_id = ?"
		" WHERE i.id = ?";
	static const char links[] =
		"SELECT COUNT(*)"
		" FROM idea_tickets"
		" WHERE idea_id = ?";
	struct fl_idea i;
	int64_t n = 0;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", me, id);

	if (!rc)
		rc = fl_q_one_cols(tx, st, &idea_cols, a, &i);
	if (!rc)
		rc = fl_q_int(tx, links, &n, "i", id);
	if (!rc) {
		i.ntickets = (int)n;
		*out = i;
	}
	return rc;
}

int fl_store_idea_list(fl_tx *tx, const struct fl_idea_query *q, fl_arena *a, struct fl_idea **out,
		       size_t *n, int64_t *total)
{
	static const char by_votes[] =
		"SELECT " FL_COLUMNS_SQL(IDEA_COLUMNS)
		" FROM ideas i"
		" JOIN users a ON a.id = i.author_id"
		" LEFT JOIN users b ON b.id = i.answered_by"
		" LEFT JOIN idea_votes v ON v.idea_id = i.id AND v.user_id = ?"
		" WHERE (? = '' OR i.status = ?)"
		"   AND (? = 0 OR i.public = 1 OR i.author_id = ?)"
		" ORDER BY i.vote_count DESC, i.id DESC"
		" LIMIT ? OFFSET ?";
	static const char recent[] =
		"SELECT " FL_COLUMNS_SQL(IDEA_COLUMNS)
		" FROM ideas i"
		" JOIN users a ON a.id = i.author_id"
		" LEFT JOIN users b ON b.id = i.answered_by"
		" LEFT JOIN idea_votes v ON v.idea_id = i.id AND v.user_id = ?"
		" WHERE (? = '' OR i.status = ?)"
		"   AND (? = 0 OR i.public = 1 OR i.author_id = ?)"
		" ORDER BY i.created_at DESC, i.id DESC"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM ideas i"
		" WHERE (? = '' OR i.status = ?)"
		"   AND (? = 0 OR i.public = 1 OR i.author_id = ?)";
	const char *status = q->status ? q->status : "";
	const int64_t mine = q->mine_or_public ? 1 : 0;
	fl_stmt *st;
	int rc = fl_q_int(tx, count, total, "ttii", status, status, mine, q->me);

	if (!rc && q->by_votes)
		rc = fl_q(tx, by_votes, 0, &st, "ittiiii", q->me, status, status, mine, q->me,
			  q->limit, q->offset);
	else if (!rc)
		rc = fl_q(tx, recent, 0, &st, "ittiiii", q->me, status, status, mine, q->me,
			  q->limit, q->offset);
	return rc ? rc : fl_q_rows_cols(tx, st, &idea_cols, a, (size_t)q->limit, (void **)out, n);
}

int fl_store_idea_insert(fl_tx *tx, struct fl_idea *i)
{
	static const char sql[] =
		"INSERT INTO ideas (title, details, status, public, locale, author_id,"
		" submitted_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &i->id, "tttitiiii", i->title, i->details, i->status,
			(int64_t)i->public, i->locale, i->author_id, i->submitted_by, i->created_at,
			i->updated_at);
}

int fl_store_idea_update(fl_tx *tx, const struct fl_idea *i)
{
	static const char sql[] =
		"UPDATE ideas"
		" SET title = ?, details = ?, status = ?, public = ?, answer = ?,"
		" answered_by = ?, answered_at = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "tttitIiii", i->title, i->details, i->status, (int64_t)i->public,
			 i->answer, i->answered_by, i->answered_at, i->updated_at, i->id);
}

/* Counts idea_id's votes into the idea's row again. */
static int recount_votes(fl_tx *tx, int64_t idea_id)
{
	static const char sql[] =
		"UPDATE ideas"
		" SET vote_count = (SELECT COUNT(*) FROM idea_votes WHERE idea_id = ?)"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", idea_id, idea_id);
}

int fl_store_idea_vote(fl_tx *tx, int64_t idea_id, int64_t user_id, int64_t now)
{
	static const char has[] =
		"SELECT COUNT(*) FROM idea_votes"
		" WHERE idea_id = ? AND user_id = ?";
	static const char ins[] =
		"INSERT INTO idea_votes (idea_id, user_id, created_at)"
		" VALUES (?, ?, ?)";
	int64_t n = 0;
	int rc = fl_q_int(tx, has, &n, "ii", idea_id, user_id);

	if (!rc && n)
		return FL_ECONFLICT;
	/* a vote that races this one past the check meets the key: FL_ECONFLICT */
	if (!rc)
		rc = fl_q_exec(tx, ins, "iii", idea_id, user_id, now);
	return rc ? rc : recount_votes(tx, idea_id);
}

int fl_store_idea_unvote(fl_tx *tx, int64_t idea_id, int64_t user_id, int64_t now)
{
	static const char has[] =
		"SELECT COUNT(*) FROM idea_votes"
		" WHERE idea_id = ? AND user_id = ?";
	static const char del[] =
		"DELETE FROM idea_votes"
		" WHERE idea_id = ? AND user_id = ?";
	int64_t n = 0;
	int rc = fl_q_int(tx, has, &n, "ii", idea_id, user_id);

	(void)now;
	if (!rc && !n)
		return FL_ENOTFOUND;
	if (!rc)
		rc = fl_q_exec(tx, del, "ii", idea_id, user_id);
	return rc ? rc : recount_votes(tx, idea_id);
}

int fl_store_idea_audience(fl_tx *tx, int64_t idea_id, int64_t after, size_t max, fl_arena *a,
			   int64_t **out, size_t *n)
{
	static const char sql[] =
		"SELECT p.user_id FROM ("
		"SELECT user_id FROM idea_votes WHERE idea_id = ?"
		" UNION SELECT author_id FROM ideas WHERE id = ?"
		") p"
		" WHERE p.user_id > ?"
		" ORDER BY p.user_id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiii", idea_id, idea_id, after, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, out, n);
}

int fl_store_idea_comment_list(fl_tx *tx, int64_t idea_id, int64_t after, int64_t offset,
			       size_t max, fl_arena *a, struct fl_idea_comment **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(COMMENT_COLUMNS)
		" FROM idea_comments c"
		" JOIN users u ON u.id = c.author_id"
		" WHERE c.idea_id = ?"
		"   AND c.id > ?"
		" ORDER BY c.id"
		" LIMIT ? OFFSET ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiii", idea_id, after, (int64_t)max, offset);
	return rc ? rc : fl_q_rows_cols(tx, st, &comment_cols, a, max, (void **)out, n);
}

/* Counts idea_id's comments into the idea's row again. */
static int recount_comments(fl_tx *tx, int64_t idea_id)
{
	static const char sql[] =
		"UPDATE ideas"
		" SET comment_count = (SELECT COUNT(*) FROM idea_comments WHERE idea_id = ?)"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", idea_id, idea_id);
}

int fl_store_idea_comment_insert(fl_tx *tx, struct fl_idea_comment *c)
{
	static const char ins[] =
		"INSERT INTO idea_comments (idea_id, author_id, body, created_at)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	int rc =
		fl_q_int(tx, ins, &c->id, "iiti", c->idea_id, c->author_id, c->body, c->created_at);
	return rc ? rc : recount_comments(tx, c->idea_id);
}

int fl_store_idea_comment_delete(fl_tx *tx, int64_t idea_id, int64_t id)
{
	static const char has[] =
		"SELECT COUNT(*) FROM idea_comments"
		" WHERE idea_id = ? AND id = ?";
	static const char del[] =
		"DELETE FROM idea_comments"
		" WHERE idea_id = ? AND id = ?";
	int64_t n = 0;
	int rc = fl_q_int(tx, has, &n, "ii", idea_id, id);

	if (!rc && !n)
		return FL_ENOTFOUND;
	if (!rc)
		rc = fl_q_exec(tx, del, "ii", idea_id, id);
	return rc ? rc : recount_comments(tx, idea_id);
}

static void announced_key(int64_t id, char key[48])
{
	snprintf(key, 48, "ideas.announced:%" PRId64, id);
}

int fl_store_idea_announced(fl_tx *tx, int64_t id, fl_arena *a, char **status)
{
	char key[48];
	int rc;

	announced_key(id, key);
	*status = NULL;
	rc = fl_store_setting_get(tx, key, a, status);
	if (rc == FL_ENOTFOUND || (!rc && !*status))
		*status = "", rc = 0;
	return rc;
}

int fl_store_idea_announce(fl_tx *tx, int64_t id, const char *status)
{
	char key[48];

	announced_key(id, key);
	return fl_store_setting_set(tx, key, status);
}

int fl_store_idea_ticket_put(fl_tx *tx, int64_t idea_id, int64_t ticket_id, int64_t user_id,
			     int64_t now, int *added)
{
	static const char has[] =
		"SELECT COUNT(*) FROM idea_tickets"
		" WHERE idea_id = ? AND ticket_id = ?";
	static const char ins[] =
		"INSERT INTO idea_tickets (idea_id, ticket_id, user_id, created_at)"
		" VALUES (?, ?, ?, ?)";
	int64_t n = 0;
	int rc = fl_q_int(tx, has, &n, "ii", idea_id, ticket_id);

	*added = 0;
	if (rc || n)
		return rc;
	*added = 1;
	return fl_q_exec(tx, ins, "iiii", idea_id, ticket_id, user_id, now);
}

int fl_store_idea_ticket_delete(fl_tx *tx, int64_t idea_id, int64_t ticket_id)
{
	static const char sql[] =
		"DELETE FROM idea_tickets"
		" WHERE idea_id = ? AND ticket_id = ?";
	return fl_q_exec(tx, sql, "ii", idea_id, ticket_id);
}

int fl_store_idea_tickets(fl_tx *tx, int64_t idea_id, int64_t offset, size_t max, fl_arena *a,
			  struct fl_idea_ticket **out, size_t *n, int64_t *total)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(LINK_COLUMNS)
		" FROM idea_tickets l"
		" JOIN tickets t ON t.id = l.ticket_id"
		" JOIN ideas i ON i.id = l.idea_id"
		" WHERE l.idea_id = ?"
		"   AND t.deleted_at IS NULL"
		" ORDER BY l.created_at DESC, l.ticket_id DESC"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM idea_tickets l"
		" JOIN tickets t ON t.id = l.ticket_id"
		" WHERE l.idea_id = ?"
		"   AND t.deleted_at IS NULL";
	fl_stmt *st;
	int rc = fl_q_int(tx, count, total, "i", idea_id);

	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "iii", idea_id, (int64_t)max, offset);
	return rc ? rc : fl_q_rows_cols(tx, st, &link_cols, a, max, (void **)out, n);
}

int fl_store_ticket_ideas(fl_tx *tx, int64_t ticket_id, int64_t offset, size_t max, fl_arena *a,
			  struct fl_idea_ticket **out, size_t *n, int64_t *total)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(LINK_COLUMNS)
		" FROM idea_tickets l"
		" JOIN tickets t ON t.id = l.ticket_id"
		" JOIN ideas i ON i.id = l.idea_id"
		" WHERE l.ticket_id = ?"
		" ORDER BY l.created_at DESC, l.idea_id DESC"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM idea_tickets"
		" WHERE ticket_id = ?";
	fl_stmt *st;
	int rc = fl_q_int(tx, count, total, "i", ticket_id);

	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "iii", ticket_id, (int64_t)max, offset);
	return rc ? rc : fl_q_rows_cols(tx, st, &link_cols, a, max, (void **)out, n);
}

int fl_store_idea_status_counts(fl_tx *tx, const struct fl_idea_query *q, fl_arena *a,
				struct fl_idea_status_count **out, size_t *n)
{
	/* the lists' visibility filter: a report counts what its reader may see */
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(STATUS_COUNT_COLUMNS)
		" FROM ideas"
		" WHERE (? = 0 OR public = 1 OR author_id = ?)"
		" GROUP BY status"
		" ORDER BY status";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", (int64_t)(q->mine_or_public ? 1 : 0), q->me);
	return rc ? rc : fl_q_rows_cols(tx, st, &status_count_cols, a, 8, (void **)out, n);
}
