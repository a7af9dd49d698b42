/* Delivering one raw message, the same way from every door: the inbound
 * endpoint (mailgate) and IMAP polling. fl_delivery_prepare parses it in a
 * child process (mail/parser.h: FL_EBUSY when that child fails, a
 * temporary failure) and puts its files' bytes in the attachments folder
 * (outside any transaction); fl_delivery_tx, a write transaction, takes it
 * (mail/inbound.h), files and all. */
#ifndef FL_MAIL_DELIVER_H
#define FL_MAIL_DELIVER_H

#include "mail/inbound.h"
#include "tickets/intake.h"

struct fl_delivery {
	fl_store *store;
	struct fl_actor via; /* who delivers it (an admin: the integration) */
	const char *queue;   /* the group a new ticket goes to, by name, or NULL */
	fl_arena *arena;
	struct fl_err *err;
	struct fl_mail m;
	struct fl_intake_file files[FL_MAIL_MAX_FILES]; /* m's files, as uploads */
	struct fl_mail_result res;
	int64_t group_id; /* queue's, found in the transaction */
};

int fl_delivery_prepare(struct fl_delivery *d, const char *raw, size_t n);
int fl_delivery_tx(fl_tx *tx, void *arg);

#endif
