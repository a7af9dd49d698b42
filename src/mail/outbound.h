/* Mail out: what Frontline writes to customers, through the durable job
 * queue, so that nothing is lost while the relay is down and nothing is
 * sent twice on restart (a retry sends the same Message-ID).
 *
 * - ack: a ticket that came by mail is acknowledged (never an automatic
 *   message's, never a forged reply's);
 * - reply: an agent's public comment goes to the requester and the CC'd
 *   customers, with the comment's HTML beside its text;
 * - solved: a ticket set solved without a public reply says so;
 * - signin: a customer's sign-in link (auth/magic.h), about no ticket;
 * - message: what the desk writes to one person beside the conversation
 *   (tickets/notice.h's fl_message_send: a rule's mail, a task's
 *   reminder), its text final, to the person's primary address; nothing
 *   is queued for nobody, a user who is inactive or gone, the desk itself
 *   or a no-reply address. About a ticket its subject is "[#id] …" and it
 *   threads with the ticket's mail.
 * What we write by ourselves (ack, solved, signin, message) goes to the
 * requester (the message: its person) alone, never to a no-reply address
 * (fl_mail_noreply), and at most mail.auto_limit times (default 3) to one
 * address in 24 hours — messages to agents excepted: a rule's or a
 * reminder's mail to an agent is the desk's own work, not an automatic
 * answer to a stranger, and does not use up a customer's budget; the rest
 * is dropped, not retried. Every message is made safe to write
 * (fl_mail_out_clean) and fl_smtp_send refuses any address that is not a
 * plain addr-spec before it connects.
 * The ticket notices (ack, reply, solved) come from the ticket domain's
 * notice queue (tickets/notice.h), for which mail is the deliverer of
 * every channel today (cli/serve.c wires fl_mail_notice): customers who
 * wrote by e-mail, by the web form or through the API are answered by
 * mail. Each is queued in the transaction that makes the change,
 * and sent by the "mail-send" job through the relay in the mail.* settings
 * (PUT /api/v2/mail/settings). Messages thread:
 * subject "[#id] subject", In-Reply-To the customer's last message,
 * References the ticket's messages, our Message-ID recorded for the
 * customer's reply. Notices are in the requester's language (uk, ru, lt,
 * else en).
 *
 * The local outbox (store/outbox.h, GET /api/v2/outbox): with no relay —
 * mail.smtp_url or mail.from not set — every message is still queued and
 * built exactly as it would be sent (From mail.from, else
 * support@frontline.local), the per-address limits above taken as for
 * mail that leaves, and kept in the outbox ("kept") for an admin to read
 * instead of being sent; a customer's sign-in link then reaches them only
 * through an admin. With a relay, ticket notices are kept as "sent" or
 * "failed" (with the relay's answer) beside being sent (messages too, as
 * kind "message"), and sign-in mails
 * are not kept (their link is a credential). The outbox holds the newest
 * 1,000 messages; each new one deletes the oldest. */
#ifndef FL_MAIL_OUTBOUND_H
#define FL_MAIL_OUTBOUND_H

#include "jobs/jobs.h"
#include "mail/mail.h"
#include "store/jobs.h"
#include "store/store.h"
#include "tickets/notice.h"

/* The notice deliverer (fl_notice_deliverer) of the mail channel: queues
 * the "mail-send" job for kind about ticket t (comment_id: the reply's). */
int fl_mail_notice(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t, int64_t comment_id);
/* Queues the mail with a customer's sign-in link (auth/magic.h) to
 * user_id, in lang (uk, ru, lt, else en): the job's "signin" kind, about no
 * ticket. The link is in the job's payload until the mail is sent. */
int fl_mail_queue_signin(fl_tx *tx, int64_t user_id, const char *lang, const char *link);
/* The message deliverer (fl_message_deliverer, wired by cli/serve.c):
 * queues the "mail-send" job of kind "message" for m in tx, or nothing
 * when nobody would read it (mail/outbound.h above). The subject is cut
 * to 998 bytes and the text to 256 KiB rather than failing the write it is
 * queued in. */
int fl_mail_message(fl_tx *tx, const struct fl_message *m);
/* In a transaction: *on is 1 when mail leaves through a relay (the
 * mail.smtp_url and mail.from settings are both set), 0 when it is kept
 * in the outbox. */
int fl_mail_relay(fl_tx *tx, int *on);
/* Whether nobody reads mail to email: a local part of no-reply, noreply,
 * do-not-reply, mailer-daemon, postmaster, bounce(s) and their spellings,
 * alone or followed by "-", ".", "_" or "+". */
int fl_mail_noreply(const char *email);
/* Makes m safe to write as headers: in the subject and the sender's name
 * every run of CR, LF and other control characters becomes one space and
 * bidirectional overrides (U+202A–U+202E, U+2066–U+2069) are dropped, the
 * text kept (changed strings are copied into a); In-Reply-To and
 * References that are not plain msg-ids are left out. FL_EINVAL when
 * m->message_id is not one, FL_ENOMEM. Addresses are fl_smtp_send's. */
int fl_mail_out_clean(struct fl_mail_out *m, fl_arena *a);
/* The "mail-send" job kind. */
int fl_mail_send_job(fl_store *s, const struct fl_job *job, struct fl_err *e);

#endif
