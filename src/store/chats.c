/* Queries about live chats (store/chats.h). */

#include "store/chats.h"
#include "store/store_int.h"

#define VISITOR_COLUMNS(X, S)                                                                    \
	X(id, "id")                                                                              \
	S X(user_id, "user_id") S X(name, "name") S X(email, "email") S X(locale, "locale") S X( \
		created_at, "created_at")
#define VISITOR_COLUMN(m, expr) FL_COLUMN(struct fl_chat_visitor, m)
static const struct fl_col visitor_col[] = {VISITOR_COLUMNS(VISITOR_COLUMN, FL_COMMA)};
static const struct fl_cols visitor_cols = FL_COLS(struct fl_chat_visitor, visitor_col);

/* A chat with its visitor's name and e-mail, its agent's name and its
 * ticket's status: every read of chats joins the visitor as v, the agent
 * as u and the ticket as t. ended_by is
 * stored by name and read as enum fl_chat_author (-1 while live). */
#define CHAT_COLUMNS(X, S)                                                                    \
	X(id, "c.id")                                                                         \
	S X(visitor_id, "c.visitor_id") S X(ticket_id, "c.ticket_id") S X(requester_id,       \
									  "c.requester_id") S \
	X(state, "c.state") S                                                                 \
	X(group_id, "c.group_id") S                                                           \
	X(agent_id, "c.agent_id") S                                                           \
	X(offered_to, "c.offered_to") S                                                       \
	X(offered_at, "c.offered_at") S                                                       \
	X(topic, "c.topic") S                                                                 \
	X(locale, "c.locale") S                                                               \
	X(created_at, "c.created_at") S                                                       \
	X(accepted_at, "c.accepted_at") S                                                     \
	X(first_answer_at, "c.first_answer_at") S                                             \
	X(ended_at, "c.ended_at") S                                                           \
	X(ended_by,                                                                           \
	  "CASE c.ended_by WHEN 'visitor' THEN 0 WHEN 'agent' THEN 1 WHEN 'system' THEN 2"    \
	  " ELSE -1 END") S                                                                   \
	X(last_seq, "c.last_seq") S                                                           \
	X(visitor_read_seq, "c.visitor_read_seq") S                                           \
	X(agent_read_seq, "c.agent_read_seq") S                                               \
	X(visitor_seen_at, "c.visitor_seen_at") S                                             \
	X(transcript_sent_at, "c.transcript_sent_at") S                                       \
	X(rated, "c.rated") S                                                                 \
	X(name, "v.name") S                                                                   \
	X(email, "v.email") S                                                                 \
	X(agent_name, "COALESCE(u.name, '')") S                                               \
	X(ticket_status, "COALESCE(t.status, 0)")
#define CHAT_COLUMN(m, expr) FL_COLUMN(struct fl_chat, m)
static const struct fl_col chat_col[] = {CHAT_COLUMNS(CHAT_COLUMN, FL_COMMA)};
static const struct fl_cols chat_cols = FL_COLS(struct fl_chat, chat_col);
#define CHAT_FROM                                      \
	" FROM chats c"                                \
	" JOIN chat_visitors v ON v.id = c.visitor_id" \
	" LEFT JOIN users u ON u.id = c.agent_id"      \
	" LEFT JOIN tickets t ON t.id = c.ticket_id"

/* A message with its author's name: the visitor's as given (else
 * "Visitor"), the agent's, the desk's for the system. */
#define MESSAGE_COLUMNS(X, S)                                                                   \
	X(id, "m.id")                                                                           \
	S X(chat_id, "m.chat_id") S X(seq, "m.seq") S X(                                        \
		author, "CASE m.author WHEN 'visitor' THEN 0 WHEN 'agent' THEN 1 ELSE 2 END") S \
	X(author_id, "m.author_id") S                                                           \
	X(author_name,                                                                          \
	  "CASE m.author WHEN 'agent' THEN COALESCE(u.name, '')"                                \
	  " WHEN 'visitor' THEN COALESCE(NULLIF(v.name, ''), 'Visitor') ELSE '' END") S         \
	X(client_id, "m.client_id") S                                                           \
	X(body, "m.body") S                                                                     \
	X(comment_id, "m.comment_id") S                                                         \
	X(attachments, "m.attachments") S                                                       \
	X(created_at, "m.created_at")
#define MESSAGE_COLUMN(m, expr) FL_COLUMN(struct fl_chat_message, m)
static const struct fl_col message_col[] = {MESSAGE_COLUMNS(MESSAGE_COLUMN, FL_COMMA)};
static const struct fl_cols message_cols = FL_COLS(struct fl_chat_message, message_col);
#define MESSAGE_FROM                                   \
	" FROM chat_messages m"                        \
	" JOIN chats c ON c.id = m.chat_id"            \
	" JOIN chat_visitors v ON v.id = c.visitor_id" \
	" LEFT JOIN users u ON m.author = 'agent' AND u.id = m.author_id"

#define FACT_COLUMNS(X, S)                                                                         \
	X(agent_id, "COALESCE(agent_id, 0)")                                                       \
	S X(group_id, "COALESCE(group_id, 0)") S X(state, "state") S X(created_at, "created_at") S \
	X(accepted_at, "accepted_at") S                                                            \
	X(first_answer_at, "first_answer_at") S                                                    \
	X(ended_at, "ended_at")
#define FACT_COLUMN(m, expr) FL_COLUMN(struct fl_store_chat_fact, m)
static const struct fl_col fact_col[] = {FACT_COLUMNS(FACT_COLUMN, FL_COMMA)};
static const struct fl_cols fact_cols = FL_COLS(struct fl_store_chat_fact, fact_col);

static const char *ended_by_name(int by)
{
	return by == FL_CHAT_VISITOR  ? "visitor"
	       : by == FL_CHAT_AGENT  ? "agent"
	       : by == FL_CHAT_SYSTEM ? "system"
				      : NULL;
}

/* ---- visitors ---- */

int fl_store_chat_visitor_insert(fl_tx *tx, struct fl_chat_visitor *v)
{
	static const char sql[] =
		"INSERT INTO chat_visitors (user_id, name, email, locale, created_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &v->id, "Ittti", v->user_id, v->name ? v->name : "",
			v->email ? v->email : "", v->locale ? v->locale : "en", v->created_at);
}

int fl_store_chat_visitor_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat_visitor *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(VISITOR_COLUMNS)
		" FROM chat_visitors"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &visitor_cols, a, out);
}

int fl_store_chat_visitor_update(fl_tx *tx, int64_t id, int64_t user_id, const char *name,
				 const char *email, const char *locale)
{
	static const char sql[] =
		"UPDATE chat_visitors"
		" SET user_id = ?,"
		"     name = COALESCE(?, name),"
		"     email = COALESCE(?, email),"
		"     locale = COALESCE(?, locale)"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "Ittti", user_id, name, email, locale, id);
}

int fl_store_chat_visitor_count(fl_tx *tx, int64_t *n)
{
	return fl_q_int(tx, "SELECT COUNT(*) FROM chat_visitors", n, "");
}

/* ---- chats ---- */

int fl_store_chat_insert(fl_tx *tx, struct fl_chat *c)
{
	static const char sql[] =
		"INSERT INTO chats (visitor_id, ticket_id, requester_id, state, group_id,"
		" agent_id, offered_to, offered_at, topic, locale, created_at, accepted_at,"
		" first_answer_at, ended_at, ended_by, visitor_seen_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &c->id, "iIIiIIIittiiiiti", c->visitor_id, c->ticket_id,
			c->requester_id, (int64_t)c->state, c->group_id, c->agent_id, c->offered_to,
			c->offered_at, c->topic ? c->topic : "", c->locale ? c->locale : "en",
			c->created_at, c->accepted_at, c->first_answer_at, c->ended_at,
			ended_by_name(c->ended_by), c->visitor_seen_at);
}

int fl_store_chat_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_chat *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(CHAT_COLUMNS) CHAT_FROM " WHERE c.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &chat_cols, a, out);
}

int fl_store_chat_get_visitor(fl_tx *tx, int64_t id, int64_t visitor_id, fl_arena *a,
			      struct fl_chat *out)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(CHAT_COLUMNS) CHAT_FROM
		" WHERE c.id = ?"
		"   AND c.visitor_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", id, visitor_id);
	return rc ? rc : fl_q_one_cols(tx, st, &chat_cols, a, out);
}

int fl_store_chat_update(fl_tx *tx, const struct fl_chat *c)
{
	static const char sql[] =
		"UPDATE chats"
		" SET state = ?,"
		"     ticket_id = ?,"
		"     requester_id = ?,"
		"     group_id = ?,"
		"     agent_id = ?,"
		"     offered_to = ?,"
		"     offered_at = ?,"
		"     accepted_at = ?,"
		"     first_answer_at = ?,"
		"     ended_at = ?,"
		"     ended_by = ?,"
		"     visitor_read_seq = ?,"
		"     agent_read_seq = ?,"
		"     visitor_seen_at = ?,"
		"     transcript_sent_at = ?,"
		"     rated = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "iIIIIIiiiitiiiiii", (int64_t)c->state, c->ticket_id,
			 c->requester_id, c->group_id, c->agent_id, c->offered_to, c->offered_at,
			 c->accepted_at, c->first_answer_at, c->ended_at,
			 ended_by_name(c->ended_by), c->visitor_read_seq, c->agent_read_seq,
			 c->visitor_seen_at, c->transcript_sent_at, (int64_t)c->rated, c->id);
}

int fl_store_chat_live_of_visitor(fl_tx *tx, int64_t visitor_id, int64_t *chat_id)
{
	static const char sql[] =
		"SELECT id"
		" FROM chats"
		" WHERE visitor_id = ?"
		"   AND state IN (0, 1)"
		" ORDER BY id DESC"
		" LIMIT 1";
	return fl_q_int(tx, sql, chat_id, "i", visitor_id);
}

int fl_store_chat_live_of_ticket(fl_tx *tx, int64_t ticket_id, int64_t *chat_id)
{
	static const char sql[] =
		"SELECT id"
		" FROM chats"
		" WHERE ticket_id = ?"
		"   AND state IN (0, 1)"
		" ORDER BY id DESC"
		" LIMIT 1";
	return fl_q_int(tx, sql, chat_id, "i", ticket_id);
}

int fl_store_chat_list_visitor(fl_tx *tx, int64_t visitor_id, size_t max, fl_arena *a,
			       struct fl_chat **out, size_t *n)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(CHAT_COLUMNS) CHAT_FROM
		" WHERE c.visitor_id = ?"
		" ORDER BY c.id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", visitor_id, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &chat_cols, a, max, (void **)out, n);
}

int fl_store_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
		       size_t *n, int64_t *total)
{
	/* the queue first, oldest first; then the rest, newest first (history) */
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(CHAT_COLUMNS) CHAT_FROM
		" WHERE (? < 0 OR c.state = ?)"
		"   AND (? = 0 OR c.agent_id = ?)"
		"   AND (? = 0 OR c.group_id = ?)"
		" ORDER BY CASE WHEN c.state = 0 THEN 0 ELSE 1 END,"
		"          CASE WHEN c.state = 0 THEN c.id ELSE -c.id END"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM chats c"
		" WHERE (? < 0 OR c.state = ?)"
		"   AND (? = 0 OR c.agent_id = ?)"
		"   AND (? = 0 OR c.group_id = ?)";
	int64_t state = f->state, limit = f->limit;
	fl_stmt *st;
	int rc;

	if (limit <= 0 || limit > FL_CHAT_LIST_MAX)
		limit = FL_CHAT_LIST_MAX;
	rc = fl_q_int(tx, count, total, "iiiiii", state, state, f->agent_id, f->agent_id,
		      f->group_id, f->group_id);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "iiiiiiii", state, state, f->agent_id, f->agent_id,
			  f->group_id, f->group_id, limit, f->offset > 0 ? f->offset : 0);
	return rc ? rc : fl_q_rows_cols(tx, st, &chat_cols, a, (size_t)limit, (void **)out, n);
}

int fl_store_chat_seen(fl_tx *tx, int64_t visitor_id, int64_t now, int64_t min_gap)
{
	static const char sql[] =
		"UPDATE chats"
		" SET visitor_seen_at = ?"
		" WHERE visitor_id = ?"
		"   AND state IN (0, 1)"
		"   AND visitor_seen_at < ?";
	return fl_q_exec(tx, sql, "iii", now, visitor_id, now - min_gap);
}

int fl_store_chat_queued(fl_tx *tx, int unoffered, size_t max, fl_arena *a, int64_t **ids,
			 size_t *n)
{
	/* a person's own tier, else their organization's; a tier higher in
	 * the list (a smaller position) first, none last */
	static const char sql[] =
		"SELECT c.id"
		" FROM chats c"
		" LEFT JOIN users r ON r.id = c.requester_id"
		" LEFT JOIN organizations o ON o.id = r.organization_id"
		" LEFT JOIN tiers t ON t.id = COALESCE(r.tier_id, o.tier_id)"
		" WHERE c.state = 0"
		"   AND (? = 0 OR c.offered_to IS NULL)"
		" ORDER BY COALESCE(t.position, 1000000000), c.created_at, c.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", (int64_t)unoffered, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, ids, n);
}

int fl_store_chat_offers_lapsed(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids,
				size_t *n)
{
	static const char sql[] =
		"SELECT id"
		" FROM chats"
		" WHERE state = 0"
		"   AND offered_to IS NOT NULL"
		"   AND offered_at < ?"
		" ORDER BY id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", before, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, ids, n);
}

int fl_store_chat_gone(fl_tx *tx, int64_t before, size_t max, fl_arena *a, int64_t **ids, size_t *n)
{
	static const char sql[] =
		"SELECT id"
		" FROM chats"
		" WHERE state = 0"
		"   AND visitor_seen_at < ?"
		" ORDER BY id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", before, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, ids, n);
}

int fl_store_chat_agent_load(fl_tx *tx, int64_t user_id, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM chats"
		" WHERE (state = 1 AND agent_id = ?)"
		"    OR (state = 0 AND offered_to = ?)";
	return fl_q_int(tx, sql, n, "ii", user_id, user_id);
}

int fl_store_chat_queue_len(fl_tx *tx, int64_t *n)
{
	return fl_q_int(tx, "SELECT COUNT(*) FROM chats WHERE state = 0", n, "");
}

int fl_store_chat_recent_waits(fl_tx *tx, int64_t since, size_t max, fl_arena *a, int64_t **out,
			       size_t *n)
{
	static const char sql[] =
		"SELECT first_answer_at - created_at"
		" FROM chats"
		" WHERE first_answer_at >= ?"
		" ORDER BY 1"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", since, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, out, n);
}

int fl_store_chat_requester_tickets(fl_tx *tx, int64_t requester_id, size_t max, fl_arena *a,
				    int64_t **ids, size_t *n)
{
	static const char sql[] =
		"SELECT id"
		" FROM tickets"
		" WHERE requester_id = ?"
		"   AND deleted_at IS NULL"
		" ORDER BY id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", requester_id, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, ids, n);
}

/* ---- declined offers ---- */

int fl_store_chat_skip_add(fl_tx *tx, int64_t chat_id, int64_t user_id)
{
	static const char sql[] =
		"INSERT INTO chat_skips (chat_id, user_id)"
		" VALUES (?, ?)"
		" ON CONFLICT (chat_id, user_id) DO NOTHING";
	return fl_q_exec(tx, sql, "ii", chat_id, user_id);
}

int fl_store_chat_skips(fl_tx *tx, int64_t chat_id, size_t max, fl_arena *a, int64_t **ids,
			size_t *n)
{
	static const char sql[] =
		"SELECT user_id"
		" FROM chat_skips"
		" WHERE chat_id = ?"
		" ORDER BY user_id"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", chat_id, (int64_t)max);
	return rc ? rc : fl_q_ids(tx, st, a, max, ids, n);
}

int fl_store_chat_skips_clear(fl_tx *tx, int64_t chat_id)
{
	return fl_q_exec(tx, "DELETE FROM chat_skips WHERE chat_id = ?", "i", chat_id);
}

/* ---- messages ---- */

int fl_store_chat_message_insert(fl_tx *tx, struct fl_chat_message *m)
{
	/* the chat's row is written first: two writers posting in one chat
	 * at once conflict there (PostgreSQL) instead of taking one seq */
	static const char next[] =
		"UPDATE chats"
		" SET last_seq = last_seq + 1"
		" WHERE id = ?"
		" RETURNING last_seq";
	static const char sql[] =
		"INSERT INTO chat_messages (chat_id, seq, author, author_id, client_id, body,"
		" comment_id, attachments, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	static const char *const authors[] = {"visitor", "agent", "system"};
	int64_t seq;
	int rc;

	if (m->author < 0 || m->author >= FL_CHAT_AUTHOR__MAX)
		return FL_EINTERNAL;
	if ((rc = fl_q_int(tx, next, &seq, "i", m->chat_id)))
		return rc;
	rc = fl_q_int(tx, sql, &m->id, "iitittIti", m->chat_id, seq, authors[m->author],
		      m->author_id, m->client_id, m->body ? m->body : "", m->comment_id,
		      m->attachments, m->created_at);
	if (!rc)
		m->seq = seq;
	return rc;
}

int fl_store_chat_message_by_client(fl_tx *tx, int64_t chat_id, const char *client_id, fl_arena *a,
				    struct fl_chat_message *out)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(MESSAGE_COLUMNS) MESSAGE_FROM
		" WHERE m.chat_id = ?"
		"   AND m.client_id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "it", chat_id, client_id);
	return rc ? rc : fl_q_one_cols(tx, st, &message_cols, a, out);
}

int fl_store_chat_message_set_comment(fl_tx *tx, int64_t id, int64_t comment_id,
				      const char *attachments)
{
	static const char sql[] =
		"UPDATE chat_messages"
		" SET comment_id = ?,"
		"     attachments = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "Iti", comment_id, attachments, id);
}

int fl_store_chat_messages(fl_tx *tx, int64_t chat_id, int64_t after, size_t max, fl_arena *a,
			   struct fl_chat_message **out, size_t *n)
{
	static const char sql[] = "SELECT " FL_COLUMNS_SQL(MESSAGE_COLUMNS) MESSAGE_FROM
		" WHERE m.chat_id = ?"
		"   AND m.seq > ?"
		" ORDER BY m.seq"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", chat_id, after, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &message_cols, a, max, (void **)out, n);
}

int fl_store_chat_agent_wrote(fl_tx *tx, int64_t chat_id, int *yes)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM chat_messages"
		" WHERE chat_id = ?"
		"   AND author = 'agent'";
	int64_t n = 0;
	int rc = fl_q_int(tx, sql, &n, "i", chat_id);
	if (!rc)
		*yes = n > 0;
	return rc;
}

/* ---- agents' capacity ---- */

int fl_store_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity)
{
	static const char sql[] =
		"SELECT capacity"
		" FROM chat_agents"
		" WHERE user_id = ?";
	return fl_q_int(tx, sql, capacity, "i", user_id);
}

int fl_store_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now)
{
	static const char sql[] =
		"INSERT INTO chat_agents (user_id, capacity, updated_at)"
		" VALUES (?, ?, ?)"
		" ON CONFLICT (user_id) DO UPDATE"
		" SET capacity = excluded.capacity, updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "iii", user_id, capacity, now);
}

int fl_store_chat_agent_touch(fl_tx *tx, int64_t user_id, int64_t now)
{
	static const char sql[] =
		"INSERT INTO chat_agents (user_id, capacity, updated_at)"
		" VALUES (?, ?, ?)"
		" ON CONFLICT (user_id) DO UPDATE"
		" SET updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "iii", user_id, (int64_t)FL_CHAT_CAPACITY_DEFAULT, now);
}

/* ---- transfers ---- */

int fl_store_chat_transfer_insert(fl_tx *tx, struct fl_chat_transfer *t)
{
	static const char sql[] =
		"INSERT INTO chat_transfers (chat_id, from_agent_id, to_agent_id, to_group_id,"
		" note, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &t->id, "iIIIti", t->chat_id, t->from_agent_id, t->to_agent_id,
			t->to_group_id, t->note ? t->note : "", t->created_at);
}

/* ---- visitors' uploads ---- */

int fl_store_chat_upload_insert(fl_tx *tx, const char *token, int64_t visitor_id,
				int64_t attachment_id, int64_t now)
{
	static const char sql[] =
		"INSERT INTO chat_uploads (token, visitor_id, attachment_id, created_at)"
		" VALUES (?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "tiii", token, visitor_id, attachment_id, now);
}

int fl_store_chat_upload_get(fl_tx *tx, const char *token, int64_t visitor_id,
			     int64_t *attachment_id)
{
	static const char sql[] =
		"SELECT a.id"
		" FROM chat_uploads u"
		" JOIN attachments a ON a.id = u.attachment_id"
		" WHERE u.token = ?"
		"   AND u.visitor_id = ?"
		"   AND a.comment_id IS NULL";
	return fl_q_int(tx, sql, attachment_id, "ti", token, visitor_id);
}

int fl_store_chat_file_of(fl_tx *tx, int64_t chat_id, int64_t attachment_id)
{
	static const char sql[] =
		"SELECT a.id"
		" FROM attachments a"
		" JOIN chat_messages m ON m.comment_id = a.comment_id"
		" WHERE m.chat_id = ?"
		"   AND a.id = ?";
	int64_t id;
	return fl_q_int(tx, sql, &id, "ii", chat_id, attachment_id);
}

/* ---- reports ---- */

int fl_store_chat_facts(fl_tx *tx, int64_t start, int64_t end, size_t max, fl_arena *a,
			struct fl_store_chat_fact **out, size_t *n)
{
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM chats"
		" WHERE created_at >= ?"
		"   AND created_at < ?";
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(FACT_COLUMNS)
		" FROM chats"
		" WHERE created_at >= ?"
		"   AND created_at < ?"
		" ORDER BY created_at, id"
		" LIMIT ?";
	int64_t total = 0;
	fl_stmt *st;
	int rc = fl_q_int(tx, count, &total, "ii", start, end);

	if (rc)
		return rc;
	if (total > (int64_t)max)
		return FL_ETOOBIG;
	rc = fl_q(tx, sql, 0, &st, "iii", start, end, (int64_t)max);
	return rc ? rc : fl_q_rows_cols(tx, st, &fact_cols, a, max, (void **)out, n);
}
