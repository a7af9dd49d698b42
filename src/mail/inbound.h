/* Mail in: a parsed message becomes a new ticket or a comment on the
 * ticket it answers.
 *
 * - A Message-ID seen before is not taken again (a retried delivery, an
 *   IMAP message fetched twice): the result says duplicate.
 * - Mail From one of our own addresses (mail.from, an IMAP mailbox's) is
 *   a loop or a forgery: quarantined (fl_store_quarantine_add), no ticket,
 *   no user. Our addresses on Cc are left out.
 * - Authenticity: the Authentication-Results our receiving host wrote
 *   (mail.authserv_id; mail/authres.h) say VERIFIED, FAILED or UNKNOWN.
 * - The message goes through the one intake (tickets/intake.h), which
 *   finds or makes the sender and the people on Cc, threads, stores the
 *   files and acknowledges; what is decided here is what it is told.
 * - The sender becomes an end user when no user has that address (a
 *   deactivated or suspended one is refused, field "from"); so does
 *   everyone on Cc, who then follows the ticket — a new ticket's unless
 *   the mail FAILED, an existing ticket's only when it is VERIFIED (with
 *   no mail.authserv_id set, a reply never adds followers).
 * - A reply finds its ticket by In-Reply-To, then References (newest
 *   first), both matched against every Message-ID Frontline received or
 *   sent, then by the subject's [#id]. Only what is new in it is kept (the
 *   quoted history is cut), and a customer's reply reopens a pending or
 *   solved ticket.
 * - A message naming a ticket its sender is no party to (not its
 *   requester, not CC'd, not an agent), or whose sender FAILED, is not
 *   added to it: it becomes a new ticket tagged mail_unverified_reply
 *   whose external_id says which ticket it claimed (mail-claimed:ID), for
 *   an agent to judge. Mail that FAILED is also tagged mail_auth_failed.
 * - A delivery report (RFC 3464) about a message Frontline sent becomes an
 *   internal note on that ticket; when it failed for good (Action failed,
 *   Status 5.x.x) the address is marked as bouncing: no more mail goes to
 *   it. A delayed (4.x.x) report is only the note.
 * - A new request is acknowledged (tickets/intake.h: at most five an hour
 *   to one requester; mail/outbound.h: mail.auto_limit a day to one
 *   address) unless it was automatic or may be forged (a claimed ticket, a
 *   FAILED sender).
 * The ticket is written by via (the integration that delivered the mail)
 * with the sender as the comment's author, channel email; a new ticket goes
 * to group_id when it is not 0. files (one for each of m's, made by
 * fl_intake_file_prepare) are stored as via's uploads of the message's
 * files, and the comment takes them; a duplicate stores none. */
#ifndef FL_MAIL_INBOUND_H
#define FL_MAIL_INBOUND_H

#include "mail/mail.h"
#include "store/mail.h"
#include "store/store.h"
#include "tickets/intake.h"
#include "tickets/ticket.h"

struct fl_mail_result {
	int64_t ticket_id;
	int64_t requester_id;
	int created;     /* a new ticket */
	int duplicate;   /* the Message-ID was taken before: nothing changed */
	int suspicious;  /* it claimed a ticket its sender is no party to */
	int bounce;      /* a delivery report about our mail: a note on ticket_id */
	int quarantined; /* From one of our own addresses: kept aside, no ticket */
};

int fl_mail_ingest(fl_tx *tx, const struct fl_actor *via, const struct fl_mail *m, int64_t group_id,
		   struct fl_intake_file *files, fl_arena *a, struct fl_mail_result *out,
		   struct fl_err *e);

#endif
