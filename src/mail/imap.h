/* IMAP mailboxes: Frontline polls each active mailbox's folder (INBOX by
 * default) over IMAP (imaps://, or imap:// with STARTTLS required by
 * starttls), takes every message it has not taken yet, and only after the
 * ticket is committed marks the message: the keyword FrontlineTaken and
 * \Seen, then a move to move_to when the mailbox has one; fetching marks
 * nothing (the folder is opened read-only for it). A crash between the
 * commit and the mark fetches the message again, and its Message-ID keeps
 * it from being taken twice; a message that can never be a ticket (not a
 * message, too large, over 1,000 parts) gets FrontlineRefused and a log
 * line; one the parser's child fails on (mail/parser.h) is left unseen for
 * the next poll, and the messages after it go on.
 * Mailboxes are configured through /api/v2/mail/mailboxes. */
#ifndef FL_MAIL_IMAP_H
#define FL_MAIL_IMAP_H

#include "jobs/jobs.h"
#include "store/jobs.h"
#include "store/mail.h"
#include "store/store.h"

#define FL_IMAP_BATCH 50 /* messages a poll takes from one mailbox */

/* Takes up to max new messages from mb; *taken says how many. */
int fl_imap_poll(fl_store *s, const struct fl_mailbox *mb, size_t max, size_t *taken,
		 struct fl_err *e);
/* The periodic "imap-poll" job: every active mailbox, each one's trouble
 * recorded on it (last_error) without stopping the others. */
int fl_imap_poll_job(fl_store *s, const struct fl_job *job, struct fl_err *e);

#endif
