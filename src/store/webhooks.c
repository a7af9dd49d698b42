/* Queries about webhooks and their delivery log (store/webhooks.h). */

#include "store/webhooks.h"
#include "store/store_int.h"

#define WEBHOOK_COLUMNS(X, S)                                                            \
	X(id, "id")                                                                      \
	S X(name, "name") S X(description, "description") S X(endpoint, "endpoint") S X( \
		http_method, "http_method") S                                            \
	X(request_format, "request_format") S                                            \
	X(status, "status") S                                                            \
	X(subscriptions, "subscriptions") S                                              \
	X(signing_secret, "signing_secret") S                                            \
	X(created_by, "created_by") S                                                    \
	X(created_at, "created_at") S                                                    \
	X(updated_at, "updated_at")
#define WEBHOOK_COLUMN(m, expr) FL_COLUMN(struct fl_webhook, m)
static const struct fl_col webhook_col[] = {WEBHOOK_COLUMNS(WEBHOOK_COLUMN, FL_COMMA)};
static const struct fl_cols webhook_cols = FL_COLS(struct fl_webhook, webhook_col);

#define INVOCATION_COLUMNS(X, S)                                                                 \
	X(id, "i.id")                                                                            \
	S X(webhook_id, "i.webhook_id") S X(event, "i.event") S X(ticket_id, "i.ticket_id") S X( \
		body, "i.body") S                                                                \
	X(status, "i.status") S                                                                  \
	X(attempts, "i.attempts") S                                                              \
	X(created_at, "i.created_at") S                                                          \
	X(updated_at, "i.updated_at") S                                                          \
	X(last_status_code,                                                                      \
	  "COALESCE((SELECT a.status_code FROM webhook_attempts a"                               \
	  " WHERE a.invocation_id = i.id"                                                        \
	  " ORDER BY a.attempt DESC LIMIT 1), 0)")
#define INVOCATION_COLUMN(m, expr) FL_COLUMN(struct fl_webhook_invocation, m)
static const struct fl_col invocation_col[] = {INVOCATION_COLUMNS(INVOCATION_COLUMN, FL_COMMA)};
static const struct fl_cols invocation_cols = FL_COLS(struct fl_webhook_invocation, invocation_col);

#define ATTEMPT_COLUMNS(X, S)                                                            \
	X(id, "id")                                                                      \
	S X(invocation_id, "invocation_id") S X(attempt, "attempt") S X(status_code,     \
									"status_code") S \
	X(error, "error") S                                                              \
	X(duration_ms, "duration_ms") S                                                  \
	X(at, "at")
#define ATTEMPT_COLUMN(m, expr) FL_COLUMN(struct fl_webhook_attempt, m)
static const struct fl_col attempt_col[] = {ATTEMPT_COLUMNS(ATTEMPT_COLUMN, FL_COMMA)};
static const struct fl_cols attempt_cols = FL_COLS(struct fl_webhook_attempt, attempt_col);

int fl_store_webhook_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_webhook *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(WEBHOOK_COLUMNS)
		" FROM webhooks"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &webhook_cols, a, out);
}

int fl_store_webhook_list(fl_tx *tx, fl_arena *a, struct fl_webhook **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(WEBHOOK_COLUMNS)
		" FROM webhooks"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc : fl_q_rows_cols(tx, st, &webhook_cols, a, FL_WEBHOOKS_MAX, (void **)out, n);
}

int fl_store_webhook_subscribed(fl_tx *tx, fl_arena *a, struct fl_webhook **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(WEBHOOK_COLUMNS)
		" FROM webhooks"
		" WHERE status = 'active'"
		"   AND subscriptions <> '[]'"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc : fl_q_rows_cols(tx, st, &webhook_cols, a, FL_WEBHOOKS_MAX, (void **)out, n);
}

int fl_store_webhook_count(fl_tx *tx, int64_t *n)
{
	static const char sql[] =
		"SELECT COUNT(*)"
		" FROM webhooks";
	return fl_q_int(tx, sql, n, "");
}

int fl_store_webhook_insert(fl_tx *tx, struct fl_webhook *w)
{
	static const char sql[] =
		"INSERT INTO webhooks (name, description, endpoint, http_method, request_format,"
		" status, subscriptions, signing_secret, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &w->id, "ttttttttIii", w->name, w->description, w->endpoint,
			w->http_method, w->request_format, w->status, w->subscriptions,
			w->signing_secret, w->created_by, w->created_at, w->updated_at);
}

int fl_store_webhook_update(fl_tx *tx, const struct fl_webhook *w)
{
	static const char sql[] =
		"UPDATE webhooks"
		" SET name = ?, description = ?, endpoint = ?, http_method = ?, request_format = ?,"
		"     status = ?, subscriptions = ?, signing_secret = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttttttttii", w->name, w->description, w->endpoint,
			 w->http_method, w->request_format, w->status, w->subscriptions,
			 w->signing_secret, w->updated_at, w->id);
}

int fl_store_webhook_delete(fl_tx *tx, int64_t id)
{
	static const char attempts[] =
		"DELETE FROM webhook_attempts"
		" WHERE invocation_id IN (SELECT id FROM webhook_invocations WHERE webhook_id = ?)";
	static const char invocations[] =
		"DELETE FROM webhook_invocations"
		" WHERE webhook_id = ?";
	static const char webhook[] =
		"DELETE FROM webhooks"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, attempts, "i", id);

	if (!rc)
		rc = fl_q_exec(tx, invocations, "i", id);
	return rc ? rc : fl_q_exec(tx, webhook, "i", id);
}

int fl_store_webhook_invocation_add(fl_tx *tx, struct fl_webhook_invocation *inv)
{
	static const char sql[] =
		"INSERT INTO webhook_invocations (webhook_id, event, ticket_id, body, status,"
		" attempts, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)"
		" RETURNING id";
	/* the log is bounded: what falls out of the newest KEEP goes, with its
	 * attempts (one indexed range a write; nothing when there are fewer) */
	static const char oldest[] =
		"SELECT id"
		" FROM webhook_invocations"
		" WHERE webhook_id = ?"
		" ORDER BY id DESC"
		" LIMIT 1 OFFSET 1000";
	static const char trim_attempts[] =
		"DELETE FROM webhook_attempts"
		" WHERE invocation_id IN (SELECT id FROM webhook_invocations"
		"                         WHERE webhook_id = ? AND id <= ?)";
	static const char trim[] =
		"DELETE FROM webhook_invocations"
		" WHERE webhook_id = ?"
		"   AND id <= ?";
	int64_t cut;
	int rc = fl_q_int(tx, sql, &inv->id, "itItii", inv->webhook_id, inv->event, inv->ticket_id,
			  inv->body, inv->created_at, inv->updated_at);

	if (rc)
		return rc;
	rc = fl_q_int(tx, oldest, &cut, "i", inv->webhook_id);
	if (rc == FL_ENOTFOUND)
		return 0;
	if (!rc)
		rc = fl_q_exec(tx, trim_attempts, "ii", inv->webhook_id, cut);
	return rc ? rc : fl_q_exec(tx, trim, "ii", inv->webhook_id, cut);
}

int fl_store_webhook_invocation_get(fl_tx *tx, int64_t id, fl_arena *a,
				    struct fl_webhook_invocation *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(INVOCATION_COLUMNS)
		" FROM webhook_invocations i"
		" WHERE i.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &invocation_cols, a, out);
}

int fl_store_webhook_invocation_set_body(fl_tx *tx, int64_t id, const char *body)
{
	static const char sql[] =
		"UPDATE webhook_invocations"
		" SET body = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ti", body, id);
}

int fl_store_webhook_invocation_list(fl_tx *tx, int64_t webhook_id, int64_t before, size_t limit,
				     fl_arena *a, struct fl_webhook_invocation **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(INVOCATION_COLUMNS)
		" FROM webhook_invocations i"
		" WHERE i.webhook_id = ?"
		"   AND i.id < ?"
		" ORDER BY i.id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "iii", webhook_id, before > 0 ? before : INT64_MAX,
		      (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &invocation_cols, a, limit, (void **)out, n);
}

int fl_store_webhook_attempt_add(fl_tx *tx, const struct fl_webhook_attempt *at, const char *status,
				 int64_t now)
{
	static const char add[] =
		"INSERT INTO webhook_attempts (invocation_id, attempt, status_code, error,"
		" duration_ms, at)"
		" VALUES (?, ?, ?, ?, ?, ?)";
	static const char set[] =
		"UPDATE webhook_invocations"
		" SET status = ?, attempts = ?, updated_at = ?"
		" WHERE id = ?";
	int rc = fl_q_exec(tx, add, "iiitii", at->invocation_id, (int64_t)at->attempt,
			   (int64_t)at->status_code, at->error ? at->error : "", at->duration_ms,
			   at->at);
	return rc ? rc
		  : fl_q_exec(tx, set, "tiii", status, (int64_t)at->attempt, now,
			      at->invocation_id);
}

int fl_store_webhook_attempt_list(fl_tx *tx, int64_t invocation_id, fl_arena *a,
				  struct fl_webhook_attempt **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ATTEMPT_COLUMNS)
		" FROM webhook_attempts"
		" WHERE invocation_id = ?"
		" ORDER BY attempt"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", invocation_id);
	return rc ? rc : fl_q_rows_cols(tx, st, &attempt_cols, a, 100, (void **)out, n);
}
