/* Queries about e-mail threading (mail/mail.h). */
#include <string.h>

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

int fl_store_mail_thread(fl_tx *tx, int64_t ticket_id, fl_arena *a, char **ids, size_t max,
			 size_t *n, char **last_in)
{
	static const char sql[] =
		"SELECT message_id, outbound"
		" FROM mail_messages"
		" WHERE ticket_id = ?"
		" ORDER BY created_at DESC, message_id DESC"
		" LIMIT ?";
	fl_stmt *st;
	size_t k = 0;
	int rc = fl_q(tx, sql, 0, &st, "ii", ticket_id, (int64_t)max), err = 0;

	*last_in = NULL;
	if (rc)
		return rc;
	while (k < max && (rc = fl_q_step(tx, st)) == 1) {
		ids[k] = fl_col_text(tx, st, 0, a, &err);
		if (!*last_in && !fl_col_int(tx, st, 1))
			*last_in = ids[k];
		k++;
	}
	fl_q_done(tx, st);
	if (rc < 0 || err)
		return rc < 0 ? rc : err;
	for (size_t i = 0; i < k / 2; i++) { /* oldest first */
		char *t = ids[i];
		ids[i] = ids[k - 1 - i];
		ids[k - 1 - i] = t;
	}
	*n = k;
	return 0;
}
