/* The store's mail queries (src/store/mail.c, src/store/mailboxes.c):
 * threading by Message-ID, the automatic-mail budget, quarantine and the
 * IMAP mailboxes polled. */
#ifndef FL_STORE_MAIL_H
#define FL_STORE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* e-mail threading: the ticket a Message-ID (without <>) is on
 * (FL_ENOTFOUND when none), and recording one */
int fl_store_mail_ticket(fl_tx *tx, const char *message_id, int64_t *ticket_id);
int fl_store_mail_record(fl_tx *tx, const char *message_id, int64_t ticket_id, int outbound,
			 int64_t now);
/* The ticket's last max Message-IDs, oldest first, and the newest one
 * received (NULL when none). */
int fl_store_mail_thread(fl_tx *tx, int64_t ticket_id, fl_arena *a, char **ids, size_t max,
			 size_t *n, char **last_in);

/* Mail trust (mail/inbound.h, mail/outbound.h). fl_store_mail_auto_take
 * takes, for the automatic mail message_id to email, one of the limit an
 * address may get in the 24 hours before now: *taken is 1 when one was
 * left or message_id took it before (a retried send), 0 when they are used
 * up. fl_store_mail_own_address: 0 when email (lower case) is ours — the
 * mail.from setting or an IMAP mailbox's username — else FL_ENOTFOUND. */
int fl_store_mail_auto_take(fl_tx *tx, const char *email, const char *message_id, int64_t limit,
			    int64_t now, int *taken);
int fl_store_mail_own_address(fl_tx *tx, const char *email);
/* Mail kept out of the tickets, and why (GET /api/v2/mail/quarantine). */
struct fl_quarantine {
	int64_t id;
	char *message_id; /* without <>, or NULL */
	char *sender, *subject, *body, *reason;
	int64_t created_at;
};
/* Adds q (q->id set; a Message-ID kept before: nothing, q->id 0). */
int fl_store_quarantine_add(fl_tx *tx, struct fl_quarantine *q);
/* 0 when message_id was quarantined, else FL_ENOTFOUND. */
int fl_store_quarantine_seen(fl_tx *tx, const char *message_id);
/* Up to limit, newest first, those before before_id (0: from the newest). */
int fl_store_quarantine_list(fl_tx *tx, int64_t before_id, size_t limit, fl_arena *a,
			     struct fl_quarantine **out, size_t *n);

/* IMAP mailboxes (mail/imap.h) */
struct fl_mailbox {
	int64_t id;
	char *url, *username, *password, *folder, *move_to; /* move_to: NULL to flag */
	int starttls, active;
	int64_t owner_id;
	int64_t last_polled_at;
	char *last_error;
	int64_t created_at, updated_at;
};
int fl_store_mailbox_insert(fl_tx *tx, struct fl_mailbox *mb);
int fl_store_mailbox_list(fl_tx *tx, int active_only, fl_arena *a, struct fl_mailbox **out,
			  size_t *n);
int fl_store_mailbox_delete(fl_tx *tx, int64_t id);
int fl_store_mailbox_polled(fl_tx *tx, int64_t id, int64_t when, const char *error);

#endif
