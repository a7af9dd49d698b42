/* Queries about NPS surveys, their responses and unsubscribes
 * (store/nps.h). */

#include "store/nps.h"

#include <string.h>

#include "store/store_int.h"
#include "tickets/ticket.h"

#define SURVEY_COLUMNS(X, S)                                                                       \
	X(id, "id")                                                                                \
	S X(name, "name") S X(question, "question") S X(audience, "audience") S X(audience_days,   \
										  "audience_days") \
		S                                                                                  \
		X(organization_id, "organization_id") S                                            \
		X(tier_id, "tier_id") S                                                            \
		X(cool_off_days, "cool_off_days") S                                                \
		X(on_detractor, "on_detractor") S                                                  \
		X(status, "status") S                                                              \
		X(created_by, "created_by") S                                                      \
		X(created_at, "created_at") S                                                      \
		X(updated_at, "updated_at") S                                                      \
		X(sent_at, "sent_at") S                                                            \
		X(last_user_id, "last_user_id") S                                                  \
		X(sent, "sent") S                                                                  \
		X(skipped_cool_off, "skipped_cool_off") S                                          \
		X(skipped_unsubscribed, "skipped_unsubscribed") S                                  \
		X(skipped_bouncing, "skipped_bouncing") S                                          \
		X(answered,                                                                        \
		  "(SELECT COUNT(*) FROM nps_responses r"                                          \
		  " WHERE r.survey_id = nps_surveys.id AND r.score IS NOT NULL)") S                \
		X(promoters,                                                                       \
		  "(SELECT COUNT(*) FROM nps_responses r"                                          \
		  " WHERE r.survey_id = nps_surveys.id AND r.score >= 9)") S                       \
		X(detractors,                                                                      \
		  "(SELECT COUNT(*) FROM nps_responses r"                                          \
		  " WHERE r.survey_id = nps_surveys.id AND r.score <= 6)")
#define SURVEY_COLUMN(m, expr) FL_COLUMN(struct fl_nps_survey, m)
static const struct fl_col survey_col[] = {SURVEY_COLUMNS(SURVEY_COLUMN, FL_COMMA)};
static const struct fl_cols survey_cols = FL_COLS(struct fl_nps_survey, survey_col);

#define RESPONSE_COLUMNS(X, S)                                                                     \
	X(id, "id")                                                                                \
	S X(survey_id, "survey_id") S X(user_id, "user_id") S X(locale, "locale") S X(sent_at,     \
										      "sent_at") S \
	X(score, "COALESCE(score, -1)") S                                                          \
	X(comment, "comment") S                                                                    \
	X(answered_at, "answered_at") S                                                            \
	X(ticket_id, "ticket_id") S                                                                \
	X(channel, "channel") S                                                                    \
	X(group_id, "group_id") S                                                                  \
	X(agent_id, "agent_id") S                                                                  \
	X(organization_id, "organization_id") S                                                    \
	X(tier_id, "tier_id") S                                                                    \
	X(followup_ticket_id, "followup_ticket_id") S                                              \
	X(followup_task_id, "followup_task_id")
#define RESPONSE_COLUMN(m, expr) FL_COLUMN(struct fl_nps_response, m)
static const struct fl_col response_col[] = {RESPONSE_COLUMNS(RESPONSE_COLUMN, FL_COMMA)};
static const struct fl_cols response_cols = FL_COLS(struct fl_nps_response, response_col);

#define PERSON_COLUMNS(X, S)                                                                       \
	X(id, "u.id")                                                                              \
	S X(email, "u.email") S X(locale, "u.locale") S X(name, "u.name") S X(organization_id,     \
									      "u.organization_id") \
		S                                                                                  \
		X(tier_id, "COALESCE(u.tier_id, o.tier_id)")
#define PERSON_COLUMN(m, expr) FL_COLUMN(struct fl_nps_person, m)
static const struct fl_col person_col[] = {PERSON_COLUMNS(PERSON_COLUMN, FL_COMMA)};
static const struct fl_cols person_cols = FL_COLS(struct fl_nps_person, person_col);

#define ANSWER_COLUMNS(X, S)                                                               \
	X(id, "r.id")                                                                      \
	S X(survey_id, "r.survey_id") S X(user_id, "r.user_id") S X(score, "r.score") S X( \
		answered_at, "r.answered_at") S                                            \
	X(comment, "r.comment") S                                                          \
	X(user_name, "u.name") S                                                           \
	X(channel, "COALESCE(r.channel, -1)") S                                            \
	X(group_id, "r.group_id") S                                                        \
	X(agent_id, "r.agent_id") S                                                        \
	X(organization_id, "r.organization_id") S                                          \
	X(tier_id, "r.tier_id") S                                                          \
	X(group_name, "g.name") S                                                          \
	X(agent_name, "ag.name") S                                                         \
	X(organization_name, "o.name") S                                                   \
	X(tier_name, "ti.name")
#define ANSWER_COLUMN(m, expr) FL_COLUMN(struct fl_nps_answer, m)
static const struct fl_col answer_col[] = {ANSWER_COLUMNS(ANSWER_COLUMN, FL_COMMA)};
static const struct fl_cols answer_cols = FL_COLS(struct fl_nps_answer, answer_col);

int fl_store_nps_survey_insert(fl_tx *tx, struct fl_nps_survey *s)
{
	static const char sql[] =
		"INSERT INTO nps_surveys (name, question, audience, audience_days,"
		" organization_id, tier_id, cool_off_days, on_detractor, status, created_by,"
		" created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &s->id, "tttiIIittiii", s->name, s->question, s->audience,
			(int64_t)s->audience_days, s->organization_id, s->tier_id,
			(int64_t)s->cool_off_days, s->on_detractor, s->status, s->created_by,
			s->created_at, s->updated_at);
}

int fl_store_nps_survey_update(fl_tx *tx, const struct fl_nps_survey *s)
{
	static const char sql[] =
		"UPDATE nps_surveys"
		" SET name = ?, question = ?, audience = ?, audience_days = ?,"
		" organization_id = ?, tier_id = ?, cool_off_days = ?, on_detractor = ?,"
		" status = ?, updated_at = ?, sent_at = ?, last_user_id = ?, sent = ?,"
		" skipped_cool_off = ?, skipped_unsubscribed = ?, skipped_bouncing = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "tttiIIittiIiiiiii", s->name, s->question, s->audience,
			 (int64_t)s->audience_days, s->organization_id, s->tier_id,
			 (int64_t)s->cool_off_days, s->on_detractor, s->status, s->updated_at,
			 s->sent_at, s->last_user_id, s->sent, s->skipped_cool_off,
			 s->skipped_unsubscribed, s->skipped_bouncing, s->id);
}

int fl_store_nps_survey_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_nps_survey *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(SURVEY_COLUMNS)
		" FROM nps_surveys"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &survey_cols, a, out);
}

int fl_store_nps_survey_list(fl_tx *tx, fl_arena *a, struct fl_nps_survey **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(SURVEY_COLUMNS)
		" FROM nps_surveys"
		" ORDER BY id DESC"
		" LIMIT 500";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &survey_cols, a, FL_STORE_NPS_SURVEYS_MAX, (void **)out,
				   n);
}

/* The audience walks users by id ("u.id > ?", the primary key): "+u.role"
 * keeps the planner off the (role, name) index, which would read every
 * customer and sort them for each batch; "+t.status" keeps it off the
 * solved tickets' (status, solved_at) index, which would read every solved
 * ticket for each person, rather than the person's own by requester. */
int fl_store_nps_audience(fl_tx *tx, const struct fl_nps_survey *s, int end_user, int64_t since,
			  int64_t after, size_t max, fl_arena *a, struct fl_nps_person **out,
			  size_t *n)
{
	static const char solved[] =
		"SELECT " FL_COLUMNS_SQL(PERSON_COLUMNS)
		" FROM users u"
		" LEFT JOIN organizations o ON o.id = u.organization_id"
		" WHERE u.id > ?"
		"   AND +u.role = ?"
		"   AND u.active = 1"
		"   AND u.email IS NOT NULL"
		"   AND EXISTS (SELECT 1 FROM tickets t"
		"               WHERE t.requester_id = u.id"
		"                 AND t.deleted_at IS NULL"
		"                 AND +t.status IN (?, ?)"
		"                 AND t.solved_at >= ?)"
		" ORDER BY u.id"
		" LIMIT ?";
	static const char org[] =
		"SELECT " FL_COLUMNS_SQL(PERSON_COLUMNS)
		" FROM users u"
		" LEFT JOIN organizations o ON o.id = u.organization_id"
		" WHERE u.id > ?"
		"   AND +u.role = ?"
		"   AND u.active = 1"
		"   AND u.email IS NOT NULL"
		"   AND u.organization_id = ?"
		" ORDER BY u.id"
		" LIMIT ?";
	static const char tier[] =
		"SELECT " FL_COLUMNS_SQL(PERSON_COLUMNS)
		" FROM users u"
		" LEFT JOIN organizations o ON o.id = u.organization_id"
		" WHERE u.id > ?"
		"   AND +u.role = ?"
		"   AND u.active = 1"
		"   AND u.email IS NOT NULL"
		"   AND COALESCE(u.tier_id, o.tier_id) = ?"
		" ORDER BY u.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc;

	if (!strcmp(s->audience, "solved"))
		rc = fl_q(tx, solved, 0, &st, "iiiiii", after, (int64_t)end_user,
			  (int64_t)FL_STATUS_SOLVED, (int64_t)FL_STATUS_CLOSED, since,
			  (int64_t)max);
	else if (!strcmp(s->audience, "organization"))
		rc = fl_q(tx, org, 0, &st, "iiii", after, (int64_t)end_user, s->organization_id,
			  (int64_t)max);
	else
		rc = fl_q(tx, tier, 0, &st, "iiii", after, (int64_t)end_user, s->tier_id,
			  (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &person_cols, a, max, (void **)out, n);
}

int fl_store_nps_last_asked(fl_tx *tx, int64_t user_id, int64_t survey_id, int64_t *at)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(sent_at), 0)"
		" FROM nps_responses"
		" WHERE user_id = ?"
		"   AND survey_id <> ?";
	return fl_q_int(tx, sql, at, "ii", user_id, survey_id);
}

int fl_store_nps_last_served(fl_tx *tx, int64_t user_id, struct fl_nps_response *r)
{
	static const char sql[] =
		"SELECT id, channel, group_id, assignee_id"
		" FROM tickets"
		" WHERE requester_id = ?"
		"   AND deleted_at IS NULL"
		"   AND +status IN (?, ?)"
		" ORDER BY solved_at DESC, id DESC"
		" LIMIT 1";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", user_id, (int64_t)FL_STATUS_SOLVED,
		      (int64_t)FL_STATUS_CLOSED);

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		r->ticket_id = fl_col_int(tx, st, 0);
		r->channel = fl_col_int(tx, st, 1);
		r->group_id = fl_col_int(tx, st, 2);
		r->agent_id = fl_col_int(tx, st, 3);
		rc = 0;
	} else if (rc == 0) {
		r->ticket_id = 0;
		r->channel = -1;
	}
	fl_q_done(tx, st);
	return rc;
}

int fl_store_nps_response_insert(fl_tx *tx, struct fl_nps_response *r)
{
	static const char sql[] =
		"INSERT INTO nps_responses (survey_id, user_id, locale, sent_at, ticket_id,"
		" channel, group_id, agent_id, organization_id, tier_id)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (survey_id, user_id) DO NOTHING"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &r->id, "iitiIiIIII", r->survey_id, r->user_id, r->locale,
			  r->sent_at, r->ticket_id, r->channel, r->group_id, r->agent_id,
			  r->organization_id, r->tier_id);
	return rc == FL_ENOTFOUND ? FL_ECONFLICT : rc;
}

int fl_store_nps_response_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_nps_response *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(RESPONSE_COLUMNS)
		" FROM nps_responses"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &response_cols, a, out);
}

int fl_store_nps_response_answer(fl_tx *tx, int64_t id, int score, int64_t now)
{
	static const char sql[] =
		"UPDATE nps_responses"
		" SET score = ?, answered_at = ?"
		" WHERE id = ?"
		"   AND score IS NULL"
		" RETURNING id";
	int64_t got;
	int rc = fl_q_int(tx, sql, &got, "iii", (int64_t)score, now, id);
	return rc == FL_ENOTFOUND ? FL_ECONFLICT : rc;
}

int fl_store_nps_response_comment(fl_tx *tx, int64_t id, const char *comment)
{
	static const char sql[] =
		"UPDATE nps_responses"
		" SET comment = ?"
		" WHERE id = ?"
		"   AND score IS NOT NULL"
		"   AND comment IS NULL"
		" RETURNING id";
	int64_t got;
	int rc = fl_q_int(tx, sql, &got, "ti", comment, id);
	return rc == FL_ENOTFOUND ? FL_ECONFLICT : rc;
}

int fl_store_nps_response_followup(fl_tx *tx, int64_t id, int64_t ticket_id, int64_t task_id)
{
	static const char sql[] =
		"UPDATE nps_responses"
		" SET followup_ticket_id = ?, followup_task_id = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "IIi", ticket_id, task_id, id);
}

int fl_store_nps_response_followup_error(fl_tx *tx, int64_t id, const char *error)
{
	static const char sql[] =
		"UPDATE nps_responses"
		" SET followup_error = COALESCE(followup_error, ?)"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ti", error, id);
}

int fl_store_nps_answers(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end, size_t max,
			 fl_arena *a, struct fl_nps_answer **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ANSWER_COLUMNS)
		" FROM nps_responses r"
		" JOIN users u ON u.id = r.user_id"
		" LEFT JOIN agent_groups g ON g.id = r.group_id"
		" LEFT JOIN users ag ON ag.id = r.agent_id"
		" LEFT JOIN organizations o ON o.id = r.organization_id"
		" LEFT JOIN tiers ti ON ti.id = r.tier_id"
		" WHERE r.answered_at >= ?"
		"   AND r.answered_at < ?"
		"   AND (? = 0 OR r.survey_id = ?)"
		" ORDER BY r.answered_at DESC, r.id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiiii", start, end, survey_id, survey_id, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &answer_cols, a, max, (void **)out, n);
}

int fl_store_nps_asked(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM nps_responses"
		" WHERE sent_at >= ?"
		"   AND sent_at < ?"
		"   AND (? = 0 OR survey_id = ?)";
	return fl_q_int(tx, sql, n, "iiii", start, end, survey_id, survey_id);
}

int fl_store_nps_loop(fl_tx *tx, int64_t survey_id, int64_t start, int64_t end,
		      struct fl_nps_loop *out)
{
	/* each detractor's next answer: the first answered response of theirs
	 * sent after this one */
	static const char sql[] =
		"SELECT COUNT(*),"
		" COALESCE(SUM(CASE WHEN followup_ticket_id IS NOT NULL"
		"   OR followup_task_id IS NOT NULL THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM comments c"
		"   WHERE c.ticket_id = d.followup_ticket_id AND c.public = 1"
		"     AND c.author_id <> d.user_id)"
		"   OR EXISTS (SELECT 1 FROM tasks k"
		"   WHERE k.id = d.followup_task_id AND k.done_at IS NOT NULL)"
		"   THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN d.next_score IS NOT NULL THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN d.next_score > d.score THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN d.followup_error IS NOT NULL THEN 1 ELSE 0 END), 0)"
		" FROM (SELECT r.user_id, r.score, r.followup_ticket_id, r.followup_task_id,"
		"   r.followup_error,"
		"   (SELECT n.score FROM nps_responses n"
		"    WHERE n.user_id = r.user_id AND n.sent_at > r.sent_at"
		"      AND n.score IS NOT NULL"
		"    ORDER BY n.sent_at, n.id LIMIT 1) AS next_score"
		"  FROM nps_responses r"
		"  WHERE r.score <= 6"
		"    AND r.answered_at >= ?"
		"    AND r.answered_at < ?"
		"    AND (? = 0 OR r.survey_id = ?)) d";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iiii", start, end, survey_id, survey_id);

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		out->detractors = fl_col_int(tx, st, 0);
		out->followups = fl_col_int(tx, st, 1);
		out->contacted = fl_col_int(tx, st, 2);
		out->answered_next = fl_col_int(tx, st, 3);
		out->improved = fl_col_int(tx, st, 4);
		out->followups_failed = fl_col_int(tx, st, 5);
		rc = 0;
	} else if (rc == 0) {
		rc = FL_EINTERNAL;
	}
	fl_q_done(tx, st);
	return rc;
}

int fl_store_unsub_add(fl_tx *tx, int64_t user_id, const char *email, int64_t now)
{
	static const char by_user[] =
		"INSERT INTO unsubscribes (user_id, email, scope, created_at)"
		" VALUES (?, ?, 'all', ?)"
		" ON CONFLICT DO NOTHING";
	return fl_q_exec(tx, by_user, "Iti", user_id, email, now);
}

int fl_store_unsub_is(fl_tx *tx, int64_t user_id, int *yes)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM unsubscribes s"
		" WHERE s.user_id = ?"
		"    OR s.email = (SELECT lower(u.email) FROM users u WHERE u.id = ?)";
	int64_t n = 0;
	int rc = fl_q_int(tx, sql, &n, "ii", user_id, user_id);

	if (!rc)
		*yes = n > 0;
	return rc;
}
