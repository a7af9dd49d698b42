/* A message becomes a ticket or a comment (mail/inbound.h tells the rules). */
#include "mail/inbound.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"
#include "core/time.h"
#include "mail/authres.h"
#include "store/mail.h"
#include "store/settings.h"
#include "store/tickets.h"
#include "tickets/intake.h"

/* The ticket a reply names: In-Reply-To, then References newest first,
 * then the subject's [#id]; 0 when none (or it is deleted). */
static int thread(fl_tx *tx, const struct fl_mail *m, fl_arena *a, struct fl_ticket *t)
{
	int64_t id = 0;
	int rc = FL_ENOTFOUND;

	if (m->in_reply_to)
		rc = fl_store_mail_ticket(tx, m->in_reply_to, &id);
	for (size_t i = m->nrefs; rc == FL_ENOTFOUND && i > 0; i--)
		rc = fl_store_mail_ticket(tx, m->refs[i - 1], &id);
	if (rc == FL_ENOTFOUND && (id = fl_mail_subject_ticket(m->subject)) > 0)
		rc = 0;
	if (rc)
		return rc == FL_ENOTFOUND ? 0 : rc;
	rc = fl_store_ticket_get(tx, id, a, t);
	if (rc == FL_ENOTFOUND || (!rc && t->deleted_at))
		return 0;
	return rc;
}

/* Whether user may add to ticket t by mail: its requester, someone CC'd on
 * it, or an agent. Anyone else naming the ticket may be forging a reply. */
static int participant(const struct fl_ticket *t, const struct fl_user *u)
{
	if (u->role >= FL_ROLE_AGENT || t->requester_id == u->id)
		return 1;
	for (size_t i = 0; i < t->nccs; i++)
		if (t->ccs[i] == u->id)
			return 1;
	return 0;
}

/* Whether a report's "Action Status …" (RFC 3464 §2.3.3, §2.3.4) says the
 * mail will never arrive: Action failed with a 5.x.x Status. A delayed
 * report, or a 4.x.x one, is the relay still trying. */
static int permanent(const char *status)
{
	size_t n = status ? strcspn(status, " ") : 0;

	if (n != 6 || strncasecmp(status, "failed", 6))
		return 0;
	return status[n] == ' ' && status[n + 1] == '5' && status[n + 2] == '.';
}

/* A delivery report about a message of ours: an internal note on its
 * ticket, and, when it failed for good, the address marked as bouncing (no
 * more mail to it). 1 when it was one; 0 for a report about nothing we
 * sent. */
static int bounce(fl_tx *tx, const struct fl_actor *via, const struct fl_mail *m, fl_arena *a,
		  struct fl_mail_result *out, struct fl_err *e)
{
	struct fl_ticket_patch p = {0};
	struct fl_ticket made;
	char note[700], key[300], when[24];
	int64_t id;
	int rc;

	if (!m->report || !m->report_message_id ||
	    (rc = fl_store_mail_ticket(tx, m->report_message_id, &id)) == FL_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	snprintf(note, sizeof note, "Mail to %s was not delivered (%s).",
		 m->report_recipient ? m->report_recipient : "the requester",
		 m->report_status ? m->report_status : "failed");
	p.comment_body = note;
	p.comment_public = 0;
	p.channel = FL_CHANNEL_EMAIL;
	p.has_channel = 1;
	if ((rc = fl_ticket_update(tx, via, id, &p, a, &made, e)))
		return rc;
	if (m->report_recipient && permanent(m->report_status)) {
		snprintf(key, sizeof key, "mail.bouncing:%s", m->report_recipient);
		snprintf(when, sizeof when, "%lld", (long long)fl_now());
		if ((rc = fl_store_setting_set(tx, key, when)))
			return rc;
	}
	out->ticket_id = id;
	out->bounce = 1;
	return 1;
}

/* Mail From one of our own addresses: a loop (our acknowledgement coming
 * back) or a forgery, never a ticket and never a user. Kept in the
 * quarantine for an admin. 1 when it was; 0 when the sender is not ours. */
static int quarantine(fl_tx *tx, const struct fl_mail *m, fl_arena *a, struct fl_mail_result *out)
{
	struct fl_quarantine q = {0};
	const char *text = m->text ? m->text : "";
	int rc = fl_store_mail_own_address(tx, m->from.email);

	if (rc)
		return rc == FL_ENOTFOUND ? 0 : rc;
	/* the first 10000 characters of the text are enough to judge by */
	if (!(q.body = fl_arena_strndup(a, text, fl_utf8_prefix(text, strlen(text), 10000))))
		return FL_ENOMEM;
	q.message_id = m->message_id;
	q.sender = m->from.email;
	q.subject = m->subject ? m->subject : "";
	q.reason = "from_own_address";
	q.created_at = fl_now();
	if ((rc = fl_store_quarantine_add(tx, &q)))
		return rc;
	out->quarantined = 1;
	return 1;
}

/* What our receiving host says of the sender (mail/authres.h), through
 * the mail.authserv_id setting; with none set nothing is verified. */
static int authenticity(fl_tx *tx, const struct fl_mail *m, fl_arena *a, enum fl_mail_auth *out)
{
	char *id = NULL;
	int rc = fl_store_setting_get(tx, "mail.authserv_id", a, &id);

	if (rc && rc != FL_ENOTFOUND)
		return rc;
	*out = fl_authres_verdict(m->auth_results, m->nauth_results, rc ? NULL : id, m->from.email);
	return 0;
}

/* The address the message was sent to (Zendesk's recipient): the first of
 * ours among To and Cc (a mailbox's, mail.from), else the first To. */
static int recipient(fl_tx *tx, const struct fl_mail *m, const char **out)
{
	for (size_t i = 0; i < m->nto + m->ncc; i++) {
		const char *z = i < m->nto ? m->to[i].email : m->cc[i - m->nto].email;
		int rc = fl_store_mail_own_address(tx, z);
		if (rc != FL_ENOTFOUND) {
			*out = z;
			return rc;
		}
	}
	*out = m->nto ? m->to[0].email : NULL;
	return 0;
}

int fl_mail_ingest(fl_tx *tx, const struct fl_actor *via, const struct fl_mail *m, int64_t group_id,
		   struct fl_intake_file *files, fl_arena *a, struct fl_mail_result *out,
		   struct fl_err *e)
{
	struct fl_intake *in = fl_arena_alloc(a, sizeof *in);
	struct fl_intake_result made;
	struct fl_ticket t = {0};
	struct fl_user sender = {0};
	enum fl_mail_auth auth;
	char external[64];
	const char *text = m->text;
	int rc, reply, add_ccs;

	memset(out, 0, sizeof *out);
	if (!in)
		return FL_ENOMEM;
	if (m->message_id &&
	    (rc = fl_store_mail_ticket(tx, m->message_id, &out->ticket_id)) != FL_ENOTFOUND) {
		out->duplicate = !rc;
		return rc;
	}
	if (m->message_id && (rc = fl_store_quarantine_seen(tx, m->message_id)) != FL_ENOTFOUND) {
		out->duplicate = out->quarantined = !rc;
		return rc;
	}
	if ((rc = bounce(tx, via, m, a, out, e)))
		return rc < 0          ? rc
		       : m->message_id ? fl_store_mail_record(tx, m->message_id, out->ticket_id, 0,
							      fl_now())
				       : 0;
	if ((rc = quarantine(tx, m, a, out)))
		return rc < 0 ? rc : 0;
	*in = (struct fl_intake){
		.channel = FL_CHANNEL_EMAIL,
		.via = via,
		.field = "from",
		.from = {FL_SENDER_EMAIL, m->from.email, m->from.name},
		.lang = fl_mail_language(m->text),
		.automatic = m->automatic,
		.files = files,
		.nfiles = m->nfiles < FL_COMMENT_MAX_UPLOADS ? m->nfiles : FL_COMMENT_MAX_UPLOADS};
	/* who the sender is, if anyone yet: a stranger is no party to a ticket */
	rc = fl_intake_customer(tx, &in->from, in->field, in->lang, 0, a, &sender, e);
	if ((rc && rc != FL_ENOTFOUND) || (rc = recipient(tx, m, &in->recipient)) ||
	    (rc = authenticity(tx, m, a, &auth)) || (rc = thread(tx, m, a, &t)))
		return rc;
	/* a reply lands on its ticket when its sender is a party to it and our
	 * host does not say the sender is forged */
	reply = t.id && sender.id && participant(&t, &sender) && auth != FL_MAIL_AUTH_FAILED;
	/* who is on Cc follows: on a new ticket unless the mail is forged, on
	 * an existing one only when our host vouches for the sender (else a
	 * forged "reply" could add its author to someone's conversation) */
	add_ccs = reply ? auth == FL_MAIL_AUTH_VERIFIED : auth != FL_MAIL_AUTH_FAILED;
	for (size_t i = 0; add_ccs && i < m->ncc && in->ncc < FL_TICKET_MAX_CCS; i++) {
		if (!strcmp(m->cc[i].email, m->from.email))
			continue;
		/* our own addresses never become anyone */
		if ((rc = fl_store_mail_own_address(tx, m->cc[i].email)) != FL_ENOTFOUND) {
			if (rc)
				return rc;
			continue;
		}
		in->cc[in->ncc++] =
			(struct fl_sender){FL_SENDER_EMAIL, m->cc[i].email, m->cc[i].name};
	}
	if (reply) {
		/* a reply: only what is new (the intake reopens and adds CCs) */
		text = fl_mail_strip_quotes(m->text, a);
		in->thread_id = t.id;
		in->text = text && *text ? text : "(no text)";
	} else {
		if (t.id) {
			/* it names a ticket its sender is no party to (or our host
			 * says it is forged): a new ticket, which says which one it
			 * claimed */
			snprintf(external, sizeof external, "mail-claimed:%lld", (long long)t.id);
			in->external_id = external;
			in->tags[in->ntags++] = "mail_unverified_reply";
			in->suspicious = 1;
		}
		if (auth == FL_MAIL_AUTH_FAILED) {
			/* never acknowledged: that would write to the forged address */
			in->tags[in->ntags++] = "mail_auth_failed";
			in->suspicious = 1;
		}
		in->subject = m->subject && *m->subject
				      ? fl_arena_strndup(a, m->subject,
							 fl_utf8_prefix(m->subject,
									strlen(m->subject), 250))
				      : NULL;
		in->group_id = group_id;
		in->text = text && *text ? text
					 : (m->subject && *m->subject ? m->subject : "(no text)");
		/* the message's own HTML, made safe, to show; a reply's would bring
		 * back the history its text was cut of */
		in->html = m->html ? fl_html_sanitize(m->html, a) : NULL;
	}
	/* a new request is acknowledged unless a machine sent it or it may be
	 * forged (tickets/intake.h limits how many an address gets an hour,
	 * mail/outbound.h how many a day) */
	if ((rc = fl_ticket_intake(tx, in, a, &made, e)))
		return rc;
	out->created = made.created;
	out->suspicious = in->suspicious;
	out->ticket_id = made.ticket.id;
	out->requester_id = made.requester_id;
	return m->message_id ? fl_store_mail_record(tx, m->message_id, made.ticket.id, 0, fl_now())
			     : 0;
}
