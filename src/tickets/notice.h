/* Notices: the ticket domain says "tell the requester X" without knowing
 * how; the channel that carries the ticket's conversation delivers it.
 *
 * - fl_notice_tell is called in the transaction that makes the change
 *   (a new request acknowledged, an agent's public reply, a ticket solved
 *   without one) and hands the notice to the deliverer registered for the
 *   ticket's channel, in that same transaction, so that a notice is queued
 *   exactly when the change commits.
 * - A deliverer queues its delivery durably on the job queue
 *   (store/jobs.h) in that transaction and sends it later from its own job
 *   kind, with its own rules (mail: the mail channel's "mail-send", which
 *   sends one Message-ID per job however often it is retried, keeps the
 *   mail.auto_limit daily budget and the no-reply list, acknowledges to
 *   the requester only, and queues nothing while no relay is set up).
 *   A channel thus owns its delivery job, and a notice is never queued
 *   twice (once as a generic notice, once as the channel's delivery).
 * - The deliverers are wired once at startup, before any request
 *   (cli/serve.c): today mail delivers for every channel — customers who
 *   wrote by e-mail, by the web form or through the API are answered by
 *   mail, and so are tickets an agent files as phone, chat, SMS or
 *   messenger until those channels register their own deliverer. A channel
 *   with none (a command that wires nothing, a unit test) tells nobody. */
#ifndef FL_TICKETS_NOTICE_H
#define FL_TICKETS_NOTICE_H

#include <stdint.h>

#include "store/store.h"
#include "tickets/ticket.h"

enum fl_notice {
	FL_NOTICE_ACK,    /* a new request was received */
	FL_NOTICE_REPLY,  /* an agent's public comment, comment_id */
	FL_NOTICE_SOLVED, /* the ticket was solved without a public reply */
	FL_NOTICE__MAX
};

/* Queues the notice about ticket t (comment_id: 0 unless a reply) for its
 * channel's delivery, in tx. 0 or the deliverer's error. */
typedef int (*fl_notice_deliverer)(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t,
				   int64_t comment_id);

/* Makes fn the deliverer of channel's notices (NULL: nobody). Not thread
 * safe: called at startup, before any transaction may tell. */
void fl_notice_register(int channel, fl_notice_deliverer fn);

/* Tells t's requester kind (about comment_id for a reply) through the
 * deliverer of t's channel; 0 when it has none. */
int fl_notice_tell(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t, int64_t comment_id);

/* Messages: what the desk writes to a person about a ticket beside its
 * conversation — a rule's e-mail to the assignee or a group, a reminder
 * of a follow-up task to its owner. The text is final (rendered by the
 * caller); the deliverer (mail today: fl_mail_message, wired by
 * cli/serve.c) queues it durably in tx and sends it later, to the
 * person's primary address, in nobody's name but the desk's. */
struct fl_message {
	int64_t user_id;            /* to whom */
	int64_t ticket_id;          /* about which ticket (the subject's "[#id]"), or 0 */
	const char *subject, *body; /* plain text */
	/* what the desk sends unasked (a survey): the person's unsubscribe
	 * link (feedback/unsub.h), written as List-Unsubscribe; NULL: none */
	const char *unsubscribe_url;
};
typedef int (*fl_message_deliverer)(fl_tx *tx, const struct fl_message *m);
void fl_message_register(fl_message_deliverer fn);
/* Queues m through the deliverer; 0 when there is none (nobody told). */
int fl_message_send(fl_tx *tx, const struct fl_message *m);

#endif
