/* Queries about e-mail threading (mail/mail.h). */
#include "store/mail.h"
#include "store/store_int.h"

int fl_store_mail_ticket(fl_tx *tx, const char *message_id, int64_t *ticket_id)
{
	static const char sql[] =
		"SELECT ticket_id"
		" FROM mail_messages"
		" WHERE message_id = ?";
	return fl_q_int(tx, sql, ticket_id, "t", message_id);
}

int fl_store_mail_record(fl_tx *tx, const char *message_id, int64_t ticket_id, int outbound,
			 int64_t now)
{
	static const char sql[] =
		"INSERT INTO mail_messages (message_id, ticket_id, outbound, created_at)"
		" VALUES (?, ?, ?, ?)"
		" ON CONFLICT DO NOTHING";
	return fl_q_exec(tx, sql, "tiii", message_id, ticket_id, (int64_t)outbound, now);
}

/* A message of a thread, as fl_store_mail_thread reads it. */
struct thread_message {
	char *message_id;
	int outbound;
};
#define THREAD_COLUMNS(X, S) X(message_id, "message_id") S X(outbound, "outbound")
#define THREAD_COLUMN(m, expr) FL_COLUMN(struct thread_message, m)
static const struct fl_col thread_col[] = {THREAD_COLUMNS(THREAD_COLUMN, FL_COMMA)};
static const struct fl_cols thread_cols = FL_COLS(struct thread_message, thread_col);

int fl_store_mail_thread(fl_tx *tx, int64_t ticket_id, fl_arena *a, char **ids, size_t max,
			 size_t *n, char **last_in)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(THREAD_COLUMNS)
		" FROM mail_messages"
		" WHERE ticket_id = ?"
		" ORDER BY created_at DESC, message_id DESC"
		" LIMIT ?";
	struct thread_message *m;
	size_t k;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", ticket_id, (int64_t)max);

	*last_in = NULL;
	if (rc || (rc = fl_q_rows_cols(tx, st, &thread_cols, a, max, (void **)&m, &k)))
		return rc;
	/* the rows come newest first; ids gets them oldest first */
	for (size_t i = 0; i < k; i++) {
		if (!*last_in && !m[i].outbound)
			*last_in = m[i].message_id;
		ids[k - 1 - i] = m[i].message_id;
	}
	*n = k;
	return 0;
}

int fl_store_mail_auto_take(fl_tx *tx, const char *email, const char *message_id, int64_t limit,
			    int64_t now, int *taken)
{
	static const char serialize[] =
		"INSERT INTO mail_auto_address (email, last_at)"
		" VALUES (?, ?)"
		" ON CONFLICT (email) DO UPDATE"
		" SET last_at = excluded.last_at";
	static const char purge[] =
		"DELETE FROM mail_auto_sent"
		" WHERE sent_at < ?";
	static const char purge_addresses[] =
		"DELETE FROM mail_auto_address"
		" WHERE last_at < ?";
	static const char mine[] =
		"SELECT COUNT(*)"
		" FROM mail_auto_sent"
		" WHERE email = ?"
		"   AND message_id = ?";
	static const char recent[] =
		"SELECT COUNT(*)"
		" FROM mail_auto_sent"
		" WHERE email = ?"
		"   AND sent_at > ?";
	static const char take[] =
		"INSERT INTO mail_auto_sent (email, message_id, sent_at)"
		" VALUES (?, ?, ?)";
	int64_t n = 0;
	int rc;

	*taken = 0;
	/* first the address's own row: a concurrent take for it on another
	 * node conflicts here, not after both have counted */
	if ((rc = fl_q_exec(tx, serialize, "ti", email, now)) ||
	    (rc = fl_q_exec(tx, purge, "i", now - 2 * 86400)) ||
	    (rc = fl_q_exec(tx, purge_addresses, "i", now - 2 * 86400)) ||
	    (rc = fl_q_int(tx, mine, &n, "tt", email, message_id)))
		return rc;
	if (n) { /* a retry of a mail that took its place */
		*taken = 1;
		return 0;
	}
	if ((rc = fl_q_int(tx, recent, &n, "ti", email, now - 86400)))
		return rc;
	if (n >= limit)
		return 0;
	if ((rc = fl_q_exec(tx, take, "tti", email, message_id, now)))
		return rc;
	*taken = 1;
	return 0;
}

int fl_store_mail_own_address(fl_tx *tx, const char *email)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM ("
		"   SELECT value AS address FROM settings WHERE key = 'mail.from'"
		"   UNION ALL"
		"   SELECT username FROM mailboxes"
		" ) ours"
		" WHERE LOWER(address) = LOWER(?)";
	int64_t n = 0;
	int rc = fl_q_int(tx, sql, &n, "t", email);
	return rc ? rc : n ? 0 : FL_ENOTFOUND;
}

#define QUARANTINE_COLUMNS(X, S)                                                                  \
	X(id, "id")                                                                               \
	S X(message_id, "message_id") S X(sender, "sender") S X(subject, "subject") S X(body,     \
											"body") S \
	X(reason, "reason") S                                                                     \
	X(created_at, "created_at")
#define QUARANTINE_COLUMN(m, expr) FL_COLUMN(struct fl_quarantine, m)
static const struct fl_col quarantine_col[] = {QUARANTINE_COLUMNS(QUARANTINE_COLUMN, FL_COMMA)};
static const struct fl_cols quarantine_cols = FL_COLS(struct fl_quarantine, quarantine_col);

int fl_store_quarantine_add(fl_tx *tx, struct fl_quarantine *q)
{
	static const char sql[] =
		"INSERT INTO mail_quarantine (message_id, sender, subject, body, reason, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" ON CONFLICT DO NOTHING"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &q->id, "ttttti", q->message_id, q->sender, q->subject, q->body,
			  q->reason, q->created_at);
	return rc == FL_ENOTFOUND ? 0 : rc; /* a redelivery: kept once */
}

int fl_store_quarantine_seen(fl_tx *tx, const char *message_id)
{
	static const char sql[] =
		"SELECT id"
		" FROM mail_quarantine"
		" WHERE message_id = ?";
	int64_t id;
	return fl_q_int(tx, sql, &id, "t", message_id);
}

int fl_store_quarantine_list(fl_tx *tx, int64_t before_id, size_t limit, fl_arena *a,
			     struct fl_quarantine **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(QUARANTINE_COLUMNS)
		" FROM mail_quarantine"
		" WHERE ? = 0 OR id < ?"
		" ORDER BY id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", before_id, before_id, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &quarantine_cols, a, limit, (void **)out, n);
}
