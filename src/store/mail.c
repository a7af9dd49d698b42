/* Queries about e-mail threading (mail/mail.h). */
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
