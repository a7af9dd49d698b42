/* The store's queries of the local outbox (mail/outbound.h tells what it
 * holds and why): one row a message the mail-send job built, by its
 * Message-ID, the newest FL_STORE_OUTBOX_KEEP of them. */
#ifndef FL_STORE_OUTBOX_H
#define FL_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FL_STORE_OUTBOX_KEEP 1000

/* One message. recipients: the To addresses joined by ", "; state "kept",
 * "sent" or "failed"; error: why the relay refused it (failed), else
 * NULL. Lists leave text_body, html_body and raw NULL. */
struct fl_outbox_mail {
	int64_t id;
	char *message_id, *kind;
	int64_t ticket_id; /* 0: about no ticket (a sign-in link) */
	char *sender, *sender_name, *recipients, *subject;
	char *text_body, *html_body, *raw;
	char *state, *error;
	int64_t created_at, updated_at;
};

/* Keeps m (m->id is not read) under its Message-ID: a row with that id
 * already (a retried job) gets m's raw text, state, error and updated_at;
 * then deletes every row but the newest FL_STORE_OUTBOX_KEEP. */
int fl_store_outbox_put(fl_tx *tx, const struct fl_outbox_mail *m);
/* Up to limit, newest first, those before before_id (0: from the
 * newest), without their bodies; in a. */
int fl_store_outbox_list(fl_tx *tx, int64_t before_id, size_t limit, fl_arena *a,
			 struct fl_outbox_mail **out, size_t *n);
/* The message id, bodies and all, into *out (in a); FL_ENOTFOUND. */
int fl_store_outbox_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_outbox_mail *out);

#endif
