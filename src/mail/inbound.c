/* A message becomes a ticket or a comment (mail/inbound.h tells the rules). */
#include "mail/inbound.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"
#include "core/time.h"
#include "mail/authres.h"
#include "mail/outbound.h"
#include "store/attachments.h"
#include "store/mail.h"
#include "store/settings.h"
#include "store/tickets.h"
#include "store/users.h"
#include "users/auth.h"

/* The user with address email, created as an end user when there is none
 * (speaking lang). */
static int person(fl_tx *tx, const struct fl_mail_addr *addr, const char *lang, fl_arena *a,
		  struct fl_user *out, struct fl_err *e)
{
	struct fl_user u = {0};
	char name[256];
	int rc = fl_store_user_by_email(tx, addr->email, a, out);

	if (rc != FL_ENOTFOUND)
		return rc;
	/* the display name, else the address's local part */
	if (addr->name && *addr->name)
		snprintf(name, sizeof name, "%s", addr->name);
	else
		snprintf(name, sizeof name, "%.*s", (int)strcspn(addr->email, "@"), addr->email);
	u.role = FL_ROLE_END_USER;
	u.locale = (char *)lang;
	u.name = name;
	u.email = addr->email;
	u.created_at = u.updated_at = fl_now();
	if ((rc = fl_user_create(tx, &u, NULL, e)))
		return rc;
	*out = u;
	out->name = fl_arena_strdup(a, name);
	return out->name ? 0 : FL_ENOMEM;
}

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
static int quarantine(fl_tx *tx, const struct fl_mail *m, fl_arena *a,
		      struct fl_mail_result *out)
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
	*out = fl_authres_verdict(m->auth_results, m->nauth_results, rc ? NULL : id,
				  m->from.email);
	return 0;
}

int fl_mail_ingest(fl_tx *tx, const struct fl_actor *via, const struct fl_mail *m,
		   int64_t group_id, struct fl_attachment *files, fl_arena *a,
		   struct fl_mail_result *out, struct fl_err *e)
{
	struct fl_ticket_patch p = {0};
	struct fl_ticket t = {0}, made;
	struct fl_user sender;
	enum fl_mail_auth auth;
	char external[64];
	const char *text = m->text, *lang = fl_mail_language(m->text);
	int rc, reply, add_ccs;

	memset(out, 0, sizeof *out);
	if (m->message_id && (rc = fl_store_mail_ticket(tx, m->message_id, &out->ticket_id)) != FL_ENOTFOUND) {
		out->duplicate = !rc;
		return rc;
	}
	if (m->message_id && (rc = fl_store_quarantine_seen(tx, m->message_id)) != FL_ENOTFOUND) {
		out->duplicate = out->quarantined = !rc;
		return rc;
	}
	if ((rc = bounce(tx, via, m, a, out, e)))
		return rc < 0 ? rc : m->message_id ? fl_store_mail_record(tx, m->message_id, out->ticket_id, 0, fl_now()) : 0;
	if ((rc = quarantine(tx, m, a, out)))
		return rc < 0 ? rc : 0;
	if ((rc = authenticity(tx, m, a, &auth)) ||
	    (rc = person(tx, &m->from, lang, a, &sender, e)) ||
	    (rc = thread(tx, m, a, &t)))
		return rc;
	/* a reply lands on its ticket when its sender is a party to it and our
	 * host does not say the sender is forged */
	reply = t.id && participant(&t, &sender) && auth != FL_MAIL_AUTH_FAILED;
	/* who is on Cc follows: on a new ticket unless the mail is forged, on
	 * an existing one only when our host vouches for the sender (else a
	 * forged "reply" could add its author to someone's conversation) */
	add_ccs = reply ? auth == FL_MAIL_AUTH_VERIFIED : auth != FL_MAIL_AUTH_FAILED;
	for (size_t i = 0; add_ccs && i < m->ncc && p.nccs < FL_TICKET_MAX_CCS; i++) {
		struct fl_user cc;
		if (!strcmp(m->cc[i].email, m->from.email))
			continue;
		/* our own addresses never become anyone */
		if ((rc = fl_store_mail_own_address(tx, m->cc[i].email)) != FL_ENOTFOUND) {
			if (rc)
				return rc;
			continue;
		}
		if ((rc = person(tx, &m->cc[i], lang, a, &cc, e)))
			return rc;
		p.ccs[p.nccs++] = cc.id;
	}
	for (size_t i = 0; i < m->nfiles && i < FL_COMMENT_MAX_UPLOADS; i++) {
		if ((rc = fl_store_attachment_insert(tx, &files[i], m->files[i].data, m->files[i].n)))
			return rc;
		p.uploads[p.nuploads++] = files[i].token;
	}
	p.comment_public = 1;
	p.comment_author_id = sender.id;
	p.channel = FL_CHANNEL_EMAIL;
	p.has_channel = 1;
	if (reply) {
		/* a reply: only what is new, and the customer's answer reopens */
		text = fl_mail_strip_quotes(m->text, a);
		p.comment_body = text && *text ? text : "(no text)";
		if (sender.role == FL_ROLE_END_USER &&
		    (t.status == FL_STATUS_PENDING || t.status == FL_STATUS_SOLVED))
			p.has_status = 1, p.status = FL_STATUS_OPEN;
		/* new CCs join; the ones there stay */
		for (size_t i = 0; i < t.nccs && p.nccs < FL_TICKET_MAX_CCS; i++)
			p.ccs[p.nccs++] = t.ccs[i];
		p.has_ccs = p.nccs > t.nccs;
		rc = fl_ticket_update(tx, via, t.id, &p, a, &made, e);
	} else {
		if (t.id) {
			/* it names a ticket its sender is no party to (or our host
			 * says it is forged): a new ticket, which says which one it
			 * claimed */
			snprintf(external, sizeof external, "mail-claimed:%lld", (long long)t.id);
			p.external_id = external;
			p.has_external_id = 1;
			p.tags[p.ntags++] = "mail_unverified_reply";
			p.has_tags = 1;
			out->suspicious = 1;
		}
		if (auth == FL_MAIL_AUTH_FAILED) {
			/* never acknowledged: that would write to the forged address */
			p.tags[p.ntags++] = "mail_auth_failed";
			p.has_tags = 1;
			out->suspicious = 1;
		}
		p.subject = m->subject && *m->subject
				    ? fl_arena_strndup(a, m->subject,
						       fl_utf8_prefix(m->subject, strlen(m->subject), 250))
				    : NULL;
		p.has_subject = p.subject != NULL;
		p.requester_id = sender.id;
		p.has_requester = 1;
		p.group_id = group_id;
		p.has_group = group_id != 0;
		p.has_ccs = p.nccs > 0;
		p.comment_body = text && *text ? text : (m->subject && *m->subject ? m->subject : "(no text)");
		/* the message's own HTML, made safe, to show; a reply's would bring
		 * back the history its text was cut of */
		p.comment_html = m->html ? fl_html_sanitize(m->html, a) : NULL;
		rc = fl_ticket_create(tx, via, &p, a, &made, e);
		out->created = !rc;
	}
	/* a new request is acknowledged, unless a machine sent it or it may be
	 * forged (how many an address gets is the sender's: mail/outbound.h) */
	if (!rc && out->created && !m->automatic && !out->suspicious)
		rc = fl_mail_queue(tx, FL_NOTICE_ACK, made.id, 0);
	if (rc)
		return rc;
	out->ticket_id = made.id;
	out->requester_id = sender.id;
	return m->message_id ? fl_store_mail_record(tx, m->message_id, made.id, 0, fl_now()) : 0;
}
