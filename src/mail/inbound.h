/* Mail in: a parsed message becomes a new ticket or a comment on the
 * ticket it answers.
 *
 * - A Message-ID seen before is not taken again (a retried delivery, an
 *   IMAP message fetched twice): the result says duplicate.
 * - The sender becomes an end user when no user has that address; so does
 *   everyone on Cc, who then follows the ticket.
 * - A reply finds its ticket by In-Reply-To, then References (newest
 *   first), both matched against every Message-ID Frontline received or
 *   sent, then by the subject's [#id]. Only what is new in it is kept (the
 *   quoted history is cut), and a customer's reply reopens a pending or
 *   solved ticket.
 * - A message naming a ticket its sender is no party to (not its
 *   requester, not CC'd, not an agent) is not added to it: it becomes a new
 *   ticket tagged mail_unverified_reply whose external_id says which ticket
 *   it claimed (mail-claimed:ID), for an agent to judge.
 * - A delivery report (RFC 3464) about a message Frontline sent becomes an
 *   internal note on that ticket, and the address is marked as bouncing:
 *   no more mail goes to it.
 * - A new request is acknowledged (mail/outbound.h) unless it was
 *   automatic, may be forged, or its sender had five acknowledgements in
 *   the last hour (two auto-responders answering each other stop there).
 * The ticket is written by via (the integration that delivered the mail)
 * with the sender as the comment's author, channel email; a new ticket goes
 * to group_id when it is not 0. files (one for each of m's, with a token)
 * are stored as via's uploads of the message's files, and the comment
 * takes them; a duplicate stores none. */
#ifndef FL_MAIL_INBOUND_H
#define FL_MAIL_INBOUND_H

#include "mail/mail.h"
#include "store/store.h"
#include "tickets/ticket.h"

struct fl_mail_result {
	int64_t ticket_id;
	int64_t requester_id;
	int created;    /* a new ticket */
	int duplicate;  /* the Message-ID was taken before: nothing changed */
	int suspicious; /* it claimed a ticket its sender is no party to */
	int bounce;     /* a delivery report about our mail: a note on ticket_id */
};

int fl_mail_ingest(fl_tx *tx, const struct fl_actor *via, const struct fl_mail *m,
		   int64_t group_id, struct fl_attachment *files, fl_arena *a,
		   struct fl_mail_result *out, struct fl_err *e);

#endif
