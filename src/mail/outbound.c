/* Mail out: notifications and agents' replies, sent by the "mail-send"
 * job (mail/outbound.h tells the rules). */
#include "mail/outbound.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/random.h"
#include "core/template.h"
#include "core/str.h"
#include "core/time.h"
#include "feedback/csat.h"
#include "store/jobs.h"
#include "store/mail.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"

/* What each notice says, in the languages we write: templates of the
 * desk's one language (core/template.h), rendered as plain text with
 * {{ticket.id}} the ticket and {{link}} the sign-in mail's link. */
struct words {
	const char *lang;
	const char *ack, *solved, *footer;
	const char *signin_subject, *signin;
};

static const struct words words[] = {
	{"en", "We have received your request #{{ticket.id}} and will answer you soon.",
	 "Your request #{{ticket.id}} is solved. If something is still not right, reply to this e-mail.",
	 "Reply to this e-mail to add to your request #{{ticket.id}}.", "Your sign-in link",
	 "To see your requests, sign in with this link:\n\n{{link}}\n\n"
	 "It works once, for 15 minutes. If you did not ask for it, ignore this e-mail."},
	{"uk", "Ми отримали ваше звернення #{{ticket.id}} і скоро вам відповімо.",
	 "Ваше звернення #{{ticket.id}} вирішено. Якщо щось іще не так, відповідайте на цей лист.",
	 "Щоб доповнити звернення #{{ticket.id}}, відповідайте на цей лист.",
	 "Ваше посилання для входу",
	 "Щоб переглянути свої звернення, увійдіть за цим посиланням:\n\n{{link}}\n\n"
	 "Воно діє один раз протягом 15 хвилин. Якщо ви його не запитували, не зважайте на цей лист."},
	{"ru", "Мы получили ваше обращение #{{ticket.id}} и скоро вам ответим.",
	 "Ваше обращение #{{ticket.id}} решено. Если что-то ещё не так, ответьте на это письмо.",
	 "Чтобы дополнить обращение #{{ticket.id}}, ответьте на это письмо.",
	 "Ваша ссылка для входа",
	 "Чтобы посмотреть свои обращения, войдите по этой ссылке:\n\n{{link}}\n\n"
	 "Она действует один раз в течение 15 минут. Если вы её не запрашивали, не обращайте внимания на это письмо."},
	{"lt", "Gavome jūsų užklausą #{{ticket.id}} ir netrukus atsakysime.",
	 "Jūsų užklausa #{{ticket.id}} išspręsta. Jei kas nors dar negerai, atsakykite į šį laišką.",
	 "Norėdami papildyti užklausą #{{ticket.id}}, atsakykite į šį laišką.",
	 "Jūsų prisijungimo nuoroda",
	 "Norėdami matyti savo užklausas, prisijunkite šia nuoroda:\n\n{{link}}\n\n"
	 "Ji veikia vieną kartą 15 minučių. Jei jos neprašėte, nekreipkite dėmesio į šį laišką."},
};

static const struct words *in(const char *locale)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (locale && !strncmp(locale, words[i].lang, 2))
			return &words[i];
	return &words[0];
}

/* The values of the notices' templates: the ticket's id, the link. */
struct said {
	int64_t ticket_id;
	const char *link;
	char id[24];
};

static int said_lookup(void *arg, const char *name, size_t n, const char **v)
{
	struct said *s = arg;

	if (n == 9 && !memcmp(name, "ticket.id", 9)) {
		snprintf(s->id, sizeof s->id, "%lld", (long long)s->ticket_id);
		*v = s->id;
	} else if (n == 4 && !memcmp(name, "link", 4)) {
		*v = s->link;
	}
	return 0;
}

/* tpl (one of words') said about ticket_id with link, as plain text in
 * a; NULL when out of memory. */
static char *say(const char *tpl, int64_t ticket_id, const char *link, fl_arena *a)
{
	struct said s = {ticket_id, link, ""};
	char *out = NULL;

	return fl_template_render(tpl, 0, said_lookup, &s, a, &out, NULL) ? NULL : out;
}

static const char *const kinds[FL_NOTICE__MAX] = {"ack", "reply", "solved"};

/* Local parts that say nobody reads the mail (RFC 2142's postmaster, the
 * bounce handlers' mailer-daemon and VERP "bounces+…", the senders'
 * "no-reply" in its spellings): writing to them by ourselves is at best
 * lost, at worst a loop with a robot. A "-", ".", "_" or "+" may follow
 * (noreply-billing@, bounces+123@). */
static const char *const no_reply[] = {
	"no-reply",      "noreply",      "no_reply",   "do-not-reply", "donotreply", "do_not_reply",
	"mailer-daemon", "mailerdaemon", "postmaster", "bounce",       "bounces",
};

int fl_mail_noreply(const char *email)
{
	size_t local = email ? strcspn(email, "@") : 0;

	for (size_t i = 0; i < sizeof no_reply / sizeof *no_reply; i++) {
		size_t k = strlen(no_reply[i]);
		if (local >= k && !strncasecmp(email, no_reply[i], k) &&
		    (local == k || strchr("-._+", email[k])))
			return 1;
	}
	return 0;
}

/* z as header text: each run of CR, LF and other control characters one
 * space (a raw line end would start a header of the writer's choosing;
 * GMime folds, but writes what it is given), bidi overrides dropped (in a
 * subject or a name they make "[#12] moc.elgoog" read as something else,
 * and a mail client shows them as they are), the rest kept. z itself when nothing changes, else a copy in a; NULL when out
 * of memory. */
static const char *header_text(const char *z, fl_arena *a)
{
	const unsigned char *p = (const unsigned char *)z;
	char *out;
	size_t k = 0, n;

	if (!z)
		return NULL;
	n = strlen(z);
	for (size_t i = 0; i < n; i++)
		if (p[i] < ' ' || p[i] == 0x7f || fl_utf8_bidi_control(z + i, n - i))
			goto copy;
	return z;
copy:
	if (!(out = fl_arena_alloc(a, n + 1)))
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t skip = fl_utf8_bidi_control(z + i, n - i);
		if (skip) {
			i += skip;
		} else if (p[i] < ' ' || p[i] == 0x7f) {
			if (!k || out[k - 1] != ' ')
				out[k++] = ' ';
			i++;
		} else {
			out[k++] = (char)p[i++];
		}
	}
	out[k] = 0;
	return out;
}

/* Whether z can be a msg-id between <> (RFC 5322 §3.6.4, loosely: visible
 * ASCII, no <>). Others are not written: a Message-ID we received could
 * hold anything its sender put there. */
static int msg_id_ok(const char *z)
{
	size_t n = z ? strlen(z) : 0;

	if (!n || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (z[i] <= ' ' || z[i] >= 0x7f || z[i] == '<' || z[i] == '>')
			return 0;
	return 1;
}

/* Whether z can be written as List-Unsubscribe's <URL>: http(s), visible
 * ASCII without <>, and short. */
static int unsubscribe_ok(const char *z)
{
	size_t n = strlen(z);

	if (n > 500 || (strncmp(z, "https://", 8) && strncmp(z, "http://", 7)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (z[i] <= ' ' || z[i] >= 0x7f || z[i] == '<' || z[i] == '>' || z[i] == ',')
			return 0;
	return 1;
}

int fl_mail_out_clean(struct fl_mail_out *m, fl_arena *a)
{
	size_t k = 0;

	if ((m->subject && !(m->subject = header_text(m->subject, a))) ||
	    (m->from_name && !(m->from_name = header_text(m->from_name, a))))
		return FL_ENOMEM;
	if (!msg_id_ok(m->message_id))
		return FL_EINVAL;
	if (m->in_reply_to && !msg_id_ok(m->in_reply_to))
		m->in_reply_to = NULL;
	for (size_t i = 0; i < m->nrefs; i++)
		if (msg_id_ok(m->refs[i]))
			m->refs[k++] = m->refs[i];
	m->nrefs = k;
	/* an unsubscribe URL goes between <> in a header: plain visible ASCII
	 * of a web address, else it is left out */
	if (m->list_unsubscribe && !unsubscribe_ok(m->list_unsubscribe))
		m->list_unsubscribe = NULL;
	return 0;
}

/* Whether the relay's URL and our address are both set: what makes mail
 * leave (mail/outbound.h). */
static int relay_on(const char *smtp_url, const char *from)
{
	return smtp_url && *smtp_url && from && *from;
}

int fl_mail_relay(fl_tx *tx, int *on)
{
	char *url = NULL, *from = NULL;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, "mail.smtp_url", &a, &url);
	if (!rc || rc == FL_ENOTFOUND)
		rc = fl_store_setting_get(tx, "mail.from", &a, &from);
	if (!rc || rc == FL_ENOTFOUND) {
		*on = relay_on(url, from);
		rc = 0;
	}
	fl_arena_free(&a);
	return rc;
}

/* The nonce of a queued mail's Message-ID (message_id below). */
#define NONCE_LEN 16

int fl_mail_notice(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t, int64_t comment_id)
{
	char payload[200], nonce[NONCE_LEN + 1];
	int64_t now = fl_now();
	/* the notice that tells the customer their ticket is solved (or the
	 * reply that solves it) asks how they rate the support: the rating
	 * is offered now, in the solve's transaction (feedback/csat.h) */
	int csat = t->status == FL_STATUS_SOLVED && kind != FL_NOTICE_ACK;
	int rc;

	if (csat && (rc = fl_csat_offer(tx, t, now)))
		return rc;
	fl_random_hex(nonce, NONCE_LEN);
	snprintf(payload, sizeof payload,
		 "{\"kind\":\"%s\",\"ticket_id\":%lld,\"comment_id\":%lld,\"nonce\":\"%s\"%s}",
		 kinds[kind], (long long)t->id, (long long)comment_id, nonce,
		 csat ? ",\"csat\":1" : "");
	return fl_store_job_enqueue(tx, "mail-send", payload, now, 10, NULL, now);
}

int fl_mail_queue_signin(fl_tx *tx, int64_t user_id, const char *lang, const char *link)
{
	json_t *p;
	char *payload, nonce[NONCE_LEN + 1];
	int64_t now = fl_now();
	int rc;

	fl_random_hex(nonce, NONCE_LEN);
	p = json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", "signin", "user_id", (json_int_t)user_id,
		      "lang", lang ? lang : "en", "link", link, "nonce", nonce);
	payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (!payload)
		return FL_ENOMEM;
	rc = fl_store_job_enqueue(tx, "mail-send", payload, now, 10, NULL, now);
	free(payload);
	return rc;
}

/* The longest subject and text a message keeps: a rule's rendered mail
 * is cut here rather than failing the ticket write it is queued in. */
#define MESSAGE_SUBJECT_MAX 998
#define MESSAGE_TEXT_MAX (256 * 1024)

/* z cut to at most max bytes, at a character's start (z is UTF-8). */
/* z's first max bytes (cut between characters) as a JSON string; bytes
 * that are not UTF-8 become U+FFFD, so stored text that came in broken
 * never fails the write that sends the message. */
static json_t *cut(const char *z, size_t max)
{
	size_t n = z ? strlen(z) : 0;
	json_t *j;
	fl_buf b;

	if (n > max) {
		n = max;
		while (n && ((unsigned char)z[n] & 0xC0) == 0x80)
			n--;
	}
	fl_buf_init(&b, 0);
	j = fl_buf_add_utf8(&b, z ? z : "", n) ? NULL : json_stringn(b.p ? b.p : "", b.n);
	fl_buf_free(&b);
	return j;
}

int fl_mail_message(fl_tx *tx, const struct fl_message *m)
{
	struct fl_user u;
	json_t *p;
	char *payload, nonce[NONCE_LEN + 1];
	int64_t now = fl_now();
	fl_arena a;
	int rc;

	if (m->user_id == FL_SYSTEM_USER_ID || m->user_id <= 0)
		return 0;
	fl_arena_init(&a, 0);
	rc = fl_store_user_get(tx, m->user_id, &a, &u);
	if (rc || !u.active || !u.email || fl_mail_noreply(u.email)) {
		fl_arena_free(&a);
		/* nobody to write to: nothing queued */
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	fl_arena_free(&a);
	fl_random_hex(nonce, NONCE_LEN);
	p = json_pack("{s:s, s:I, s:I, s:o, s:o, s:s}", "kind", "message", "user_id",
		      (json_int_t)m->user_id, "ticket_id",
		      (json_int_t)(m->ticket_id > 0 ? m->ticket_id : 0), "subject",
		      cut(m->subject, MESSAGE_SUBJECT_MAX), "body", cut(m->body, MESSAGE_TEXT_MAX),
		      "nonce", nonce);
	/* the unsubscribe link rides with the message until it is sent */
	if (p && m->unsubscribe_url &&
	    json_object_set_new(p, "unsubscribe", json_string(m->unsubscribe_url))) {
		json_decref(p);
		return FL_ENOMEM;
	}
	payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (!payload)
		return FL_ENOMEM;
	rc = fl_store_job_enqueue(tx, "mail-send", payload, now, 10, NULL, now);
	free(payload);
	return rc;
}

/* The Message-ID (without <>) of the mail job writes about what (a
 * ticket's id, or "signin") into id: frontline-WHAT-JOB.NONCE@ our
 * domain, NONCE the payload's, made when the mail was queued. Every retry
 * of the job writes the same one, and no two mails do: job ids alone come
 * back on SQLite once a finished job's row is gone. (Jobs queued before
 * there was a nonce: without it.) */
static void message_id(char *id, size_t cap, const char *what, const struct fl_job *job,
		       const char *nonce, const char *from)
{
	const char *domain = strchr(from, '@');

	snprintf(id, cap, "frontline-%s-%lld%s%s@%s", what, (long long)job->id, nonce ? "." : "",
		 nonce ? nonce : "", domain ? domain + 1 : "frontline.local");
}

/* Everything the job reads, in one read transaction. */
struct out {
	enum fl_notice kind;
	int64_t ticket_id, comment_id;
	fl_arena *a;
	char *smtp_url, *smtp_user, *smtp_password, *from, *from_name, *starttls;
	int relay; /* mail leaves through smtp_url; else it is kept in the outbox */
	struct fl_ticket t;
	struct fl_user requester;
	struct fl_comment c;
	const char *cc[FL_TICKET_MAX_CCS];
	size_t ncc;
	char *thread[FL_MAIL_MAX_REFS];
	size_t nthread;
	char *last_in;               /* the customer's last message, to answer */
	int csat;                    /* the notice asks for a rating (fl_mail_notice) */
	int csat_apart;              /* it is the question alone (queue_question) */
	char *csat_text, *csat_html; /* the question and its links, when it still may */
};

/* The address kept mail is from while the mail.from setting is not set. */
#define KEPT_FROM "support@frontline.local"

/* The relay and our address, from the settings: o->relay when mail can
 * leave, o->from KEPT_FROM when no address is set. */
static int load_settings(fl_tx *tx, struct out *o)
{
	static const char *const keys[] = {"mail.smtp_url", "mail.smtp_user", "mail.smtp_password",
					   "mail.from",     "mail.from_name", "mail.starttls"};
	char **vals[] = {&o->smtp_url, &o->smtp_user, &o->smtp_password,
			 &o->from,     &o->from_name, &o->starttls};
	int rc = 0;

	for (size_t i = 0; i < sizeof keys / sizeof *keys && !rc; i++) {
		rc = fl_store_setting_get(tx, keys[i], o->a, vals[i]);
		if (rc == FL_ENOTFOUND)
			*vals[i] = NULL, rc = 0;
	}
	o->relay = relay_on(o->smtp_url, o->from);
	if (!o->from || !*o->from)
		o->from = KEPT_FROM;
	return rc;
}

/* Whether an address had a bounce: no more mail goes to it. */
static int bouncing(fl_tx *tx, const char *email, fl_arena *a, int *yes)
{
	char key[300], *when = NULL;
	int rc;

	snprintf(key, sizeof key, "mail.bouncing:%s", email ? email : "");
	rc = fl_store_setting_get(tx, key, a, &when);
	*yes = rc == 0;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

static int tx_load(fl_tx *tx, void *arg)
{
	struct out *o = arg;
	int rc = load_settings(tx, o), bounced = 0;

	if (rc || (rc = fl_store_ticket_get(tx, o->ticket_id, o->a, &o->t)) ||
	    (rc = fl_store_user_get(tx, o->t.requester_id, o->a, &o->requester)))
		return rc;
	for (size_t i = 0; i < o->t.nccs; i++) {
		struct fl_user u;
		if (fl_store_user_get(tx, o->t.ccs[i], o->a, &u) == 0 && u.email &&
		    u.role == FL_ROLE_END_USER)
			o->cc[o->ncc++] = u.email;
	}
	/* no mail to an address that bounced */
	if ((rc = bouncing(tx, o->requester.email, o->a, &bounced)))
		return rc;
	if (bounced)
		o->requester.email = NULL;
	if (o->kind == FL_NOTICE_REPLY &&
	    (rc = fl_store_comment_get(tx, o->comment_id, o->a, &o->c)))
		return rc;
	/* asked only while the ticket is still solved when the mail goes,
	 * and only of a customer (an agent filing for themselves is not) */
	if (o->csat && o->t.status == FL_STATUS_SOLVED && o->requester.role == FL_ROLE_END_USER) {
		rc = fl_csat_ask(tx, &o->t, o->requester.locale, fl_now(), o->a, &o->csat_text,
				 &o->csat_html);
		/* a store no server started (no link key, no public URL yet):
		 * the notice goes without the question rather than not at all */
		if (rc && rc != FL_ENOTFOUND)
			return rc;
	}
	return fl_store_mail_thread(tx, o->t.id, o->a, o->thread, FL_MAIL_MAX_REFS, &o->nthread,
				    &o->last_in);
}

struct sent {
	const char *message_id;
	int64_t ticket_id;
	int asked;          /* it carried the rating question, and went */
	int question_apart; /* the question is to follow on its own */
};

/* The rating question alone, to the requester alone, as a solved notice
 * of its own (fl_mail_send_job): a reply that goes to Cc's too cannot
 * carry links signed for the requester (anyone on Cc could rate). */
static int queue_question(fl_tx *tx, int64_t ticket_id)
{
	char payload[200], nonce[NONCE_LEN + 1];
	int64_t now = fl_now();

	fl_random_hex(nonce, NONCE_LEN);
	snprintf(payload, sizeof payload,
		 "{\"kind\":\"solved\",\"ticket_id\":%lld,\"comment_id\":0,\"nonce\":\"%s\","
		 "\"csat\":1,\"csat_apart\":1}",
		 (long long)ticket_id, nonce);
	return fl_store_job_enqueue(tx, "mail-send", payload, now, 10, NULL, now);
}

static int tx_sent(fl_tx *tx, void *arg)
{
	struct sent *s = arg;
	int rc = fl_store_mail_record(tx, s->message_id, s->ticket_id, 1, fl_now());

	/* the response rate counts the requester asked once the mail with
	 * the question has gone, not when the notice was queued */
	if (!rc && s->asked)
		rc = fl_csat_asked(tx, s->ticket_id, fl_now());
	if (!rc && s->question_apart)
		rc = queue_question(tx, s->ticket_id);
	return rc;
}

static int tx_keep(fl_tx *tx, void *arg)
{
	return fl_store_outbox_put(tx, arg);
}

/* Keeps m, built as raw, in the outbox in state (mail/outbound.h). */
static int keep(fl_store *s, const struct fl_mail_out *m, const char *raw, const char *kind,
		int64_t ticket_id, const char *state, const char *error, fl_arena *a)
{
	struct fl_outbox_mail row = {.message_id = (char *)m->message_id,
				     .kind = (char *)kind,
				     .ticket_id = ticket_id,
				     .sender = (char *)m->from,
				     .sender_name = (char *)m->from_name,
				     .subject = (char *)(m->subject ? m->subject : ""),
				     .text_body = (char *)m->text,
				     .html_body = (char *)m->html,
				     .raw = (char *)raw,
				     .state = (char *)state,
				     .error = (char *)error,
				     .created_at = m->date,
				     .updated_at = m->date};
	fl_buf to;
	int rc = 0;

	fl_buf_init(&to, 0);
	for (size_t i = 0; i < m->nto && !rc; i++)
		rc = fl_buf_addf(&to, "%s%s", i ? ", " : "", m->to[i]);
	if (!rc && !(row.recipients = fl_arena_strdup(a, to.p ? to.p : "")))
		rc = FL_ENOMEM;
	fl_buf_free(&to);
	return rc ? rc : fl_store_write(s, tx_keep, &row);
}

/* Builds m (about ticket_id, 0: none; kind: the job's) and sends it
 * through o's relay, or keeps it in the outbox when there is none. A
 * notice that goes is kept too, as sent or failed, for an admin to see;
 * a sign-in mail that goes is not: its link is a credential the store
 * otherwise holds only hashed (auth/magic.h). Once the relay took the
 * message, a copy that could not be written is not worth sending it
 * twice: the send's answer is returned. */
static int deliver(fl_store *s, const struct out *o, const char *kind, int64_t ticket_id,
		   struct fl_mail_out *m, fl_arena *a, struct fl_err *e)
{
	struct fl_smtp relay = {o->smtp_url, o->smtp_user, o->smtp_password,
				o->starttls && !strcmp(o->starttls, "1")};
	char *raw;
	size_t n;
	int rc;

	m->from = o->from;
	m->from_name = o->from_name;
	m->date = fl_now();
	if ((rc = fl_mail_out_clean(m, a)) || (rc = fl_mail_build(m, a, &raw, &n)))
		return rc;
	if (!o->relay)
		return keep(s, m, raw, kind, ticket_id, "kept", NULL, a);
	rc = fl_smtp_send(&relay, o->from, m->to, m->nto, raw, n, e);
	if (strcmp(kind, "signin"))
		(void)keep(s, m, raw, kind, ticket_id, rc ? "failed" : "sent",
			   rc && e ? e->msg : NULL, a);
	return rc;
}

/* The automatic mail message_id to email: may it go? Not to an address
 * nobody reads (fl_mail_noreply), not to one of ours, and not past the mail.auto_limit
 * setting's number (default 3) to one address in 24 hours, counted in the
 * store across the notices about tickets (ack, solved) so that no loop or
 * flood makes us write to someone all day. Sign-in links, which anyone may
 * ask for any address, count apart (SIGNIN_LIMIT a day): a stranger asking
 * three links must not use up a customer's acknowledgements. */
struct auto_ok {
	const char *email, *message_id;
	int signin;
	int uncounted; /* mail with its own unsubscribe link (send_message) */
	int ok;
};

#define AUTO_LIMIT 3
#define SIGNIN_LIMIT 10

static int tx_auto_ok(fl_tx *tx, void *arg)
{
	struct auto_ok *q = arg;
	char *v = NULL;
	int64_t limit = AUTO_LIMIT;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, "mail.auto_limit", &a, &v);
	if (!rc && fl_str_to_i64(fl_str_c(v), &limit))
		limit = AUTO_LIMIT;
	fl_arena_free(&a);
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	/* a user made before the address became ours: no loop to ourselves */
	if ((rc = fl_store_mail_own_address(tx, q->email)) != FL_ENOTFOUND)
		return rc;
	if (q->uncounted) {
		q->ok = 1;
		return 0;
	}
	if (q->signin) {
		char key[300];
		snprintf(key, sizeof key, "signin:%s", q->email);
		return fl_store_mail_auto_take(tx, key, q->message_id, SIGNIN_LIMIT, fl_now(),
					       &q->ok);
	}
	return fl_store_mail_auto_take(tx, q->email, q->message_id, limit, fl_now(), &q->ok);
}

static int auto_ok(fl_store *s, const char *email, const char *message_id, int signin,
		   int uncounted, int *ok)
{
	struct auto_ok q = {email, message_id, signin, uncounted, 0};
	int rc;

	*ok = 0;
	if (fl_mail_noreply(email))
		return 0;
	rc = fl_store_write(s, tx_auto_ok, &q);
	*ok = q.ok;
	return rc;
}

/* Mail to one person rather than about a ticket's conversation: a
 * sign-in link (auth/magic.h), a message (tickets/notice.h). Their
 * primary address is read again when the mail is sent (gone, inactive,
 * bouncing: not sent), and, when o.ticket_id is set, the ticket's thread
 * for the headers. */
struct person {
	struct out o;
	int64_t user_id;
	struct fl_user user;
};

static int tx_load_person(fl_tx *tx, void *arg)
{
	struct person *pm = arg;
	int rc = load_settings(tx, &pm->o), bounced = 0;

	if (rc || (rc = fl_store_user_get(tx, pm->user_id, pm->o.a, &pm->user)) ||
	    (rc = bouncing(tx, pm->user.email, pm->o.a, &bounced)))
		return rc;
	if (bounced || !pm->user.active)
		pm->user.email = NULL;
	if (pm->o.ticket_id)
		rc = fl_store_mail_thread(tx, pm->o.ticket_id, pm->o.a, pm->o.thread,
					  FL_MAIL_MAX_REFS, &pm->o.nthread, &pm->o.last_in);
	return rc;
}

/* The sign-in mail: its link to a user, not about a ticket, so not
 * threaded. */
static int send_signin(fl_store *s, const struct fl_job *job, json_t *p, struct fl_err *e)
{
	struct person si = {0};
	struct fl_mail_out m = {0};
	const struct words *w = in(json_string_value(json_object_get(p, "lang")));
	const char *link = json_string_value(json_object_get(p, "link"));
	fl_arena a;
	char id[200], *text;
	int rc, ok = 0;

	fl_arena_init(&a, 0);
	si.o.a = &a;
	si.user_id = json_integer_value(json_object_get(p, "user_id"));
	rc = fl_store_read(s, tx_load_person, &si);
	if (rc || !link || !si.user.email) {
		fl_arena_free(&a);
		/* no one to write to: nothing to do */
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	text = say(w->signin, 0, link, &a);
	message_id(id, sizeof id, "signin", job, json_string_value(json_object_get(p, "nonce")),
		   si.o.from);
	m.to[m.nto++] = si.user.email;
	m.subject = w->signin_subject;
	m.message_id = id;
	m.text = text ? text : "";
	m.automatic = 1;
	if (!text)
		rc = FL_ENOMEM;
	else if (!(rc = auto_ok(s, si.user.email, id, 1, 0, &ok)) && ok)
		rc = deliver(s, &si.o, "signin", 0, &m, &a, e);
	fl_arena_free(&a);
	return rc;
}

/* A message to a person (tickets/notice.h). Counted in mail.auto_limit
 * like ack and solved when the person is an end user; an agent's mail (a
 * rule's, a reminder) is the desk's own work and is not. Nor is what the
 * desk sends unasked with its own unsubscribe link (an NPS survey, news
 * of an idea): its sender has its own rules of whom to write and how
 * often (a survey's cool-off), the person stops it with one click, and
 * it must neither be dropped silently by the cap nor use up what the cap
 * leaves for the acknowledgements of the person's own requests. */
static int send_message(fl_store *s, const struct fl_job *job, json_t *p, struct fl_err *e)
{
	struct person mm = {0};
	struct fl_mail_out m = {0};
	const char *subject = json_string_value(json_object_get(p, "subject"));
	const char *body = json_string_value(json_object_get(p, "body"));
	fl_arena a;
	char id[200], what[24], *line = NULL;
	int rc, ok = 1;

	fl_arena_init(&a, 0);
	mm.o.a = &a;
	mm.user_id = json_integer_value(json_object_get(p, "user_id"));
	mm.o.ticket_id = json_integer_value(json_object_get(p, "ticket_id"));
	rc = fl_store_read(s, tx_load_person, &mm);
	if (rc || !mm.user.email || fl_mail_noreply(mm.user.email)) {
		fl_arena_free(&a);
		/* no one to write to: nothing to do */
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	if (mm.o.ticket_id) {
		size_t n = strlen(subject ? subject : "") + 32;
		if ((line = fl_arena_alloc(&a, n)))
			snprintf(line, n, "[#%lld] %s", (long long)mm.o.ticket_id,
				 subject ? subject : "");
		snprintf(what, sizeof what, "%lld", (long long)mm.o.ticket_id);
	} else {
		line = (char *)(subject ? subject : "");
		snprintf(what, sizeof what, "message");
	}
	if (!line) {
		fl_arena_free(&a);
		return FL_ENOMEM;
	}
	message_id(id, sizeof id, what, job, json_string_value(json_object_get(p, "nonce")),
		   mm.o.from);
	m.to[m.nto++] = mm.user.email;
	m.subject = line;
	m.message_id = id;
	m.in_reply_to = mm.o.last_in;
	for (size_t i = 0; i < mm.o.nthread; i++)
		m.refs[m.nrefs++] = mm.o.thread[i];
	m.text = body ? body : "";
	m.automatic = 1;
	m.list_unsubscribe = json_string_value(json_object_get(p, "unsubscribe"));
	if (mm.user.role == FL_ROLE_END_USER)
		rc = auto_ok(s, mm.user.email, id, 0, m.list_unsubscribe != NULL, &ok);
	if (!rc && ok)
		rc = deliver(s, &mm.o, "message", mm.o.ticket_id, &m, &a, e);
	/* a customer's answer to it joins the ticket's conversation */
	if (!rc && ok && mm.o.ticket_id) {
		struct sent sent = {id, mm.o.ticket_id};
		rc = fl_store_write(s, tx_sent, &sent);
	}
	fl_arena_free(&a);
	return rc;
}

int fl_mail_send_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	const char *kind = json_string_value(json_object_get(p, "kind"));
	struct out o = {0};
	struct fl_mail_out m = {0};
	const struct words *w;
	fl_arena a;
	char subject[400], id[200], what[24], nonce[NONCE_LEN + 1] = "", *text;
	size_t n;
	int rc, ok = 0, apart;

	if (kind && (!strcmp(kind, "signin") || !strcmp(kind, "message"))) {
		rc = !strcmp(kind, "signin") ? send_signin(s, job, p, e)
					     : send_message(s, job, p, e);
		json_decref(p);
		return rc;
	}
	fl_arena_init(&a, 0);
	o.a = &a;
	o.ticket_id = json_integer_value(json_object_get(p, "ticket_id"));
	o.comment_id = json_integer_value(json_object_get(p, "comment_id"));
	o.csat = json_is_true(json_object_get(p, "csat")) ||
		 json_integer_value(json_object_get(p, "csat")) == 1;
	o.csat_apart = json_integer_value(json_object_get(p, "csat_apart")) == 1;
	o.kind = !kind                     ? FL_NOTICE_ACK
		 : !strcmp(kind, "reply")  ? FL_NOTICE_REPLY
		 : !strcmp(kind, "solved") ? FL_NOTICE_SOLVED
					   : FL_NOTICE_ACK;
	if (json_is_string(json_object_get(p, "nonce")))
		snprintf(nonce, sizeof nonce, "%s", json_string_value(json_object_get(p, "nonce")));
	json_decref(p);
	rc = fl_store_read(s, tx_load, &o);
	/* the question alone, when it may no longer be asked: nothing to say */
	if (rc || !o.requester.email || (o.csat_apart && !o.csat_text)) {
		fl_arena_free(&a);
		/* no one to write to: nothing to do */
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	/* the question's links are signed for the requester: it rides on
	 * this mail only when the requester is its one recipient (a reply
	 * goes to the Cc's too: they get it without, and the question
	 * follows to the requester alone) */
	apart = o.csat_text && o.kind == FL_NOTICE_REPLY && o.ncc;
	if (apart)
		o.csat_text = o.csat_html = NULL;
	w = in(o.requester.locale);
	snprintf(subject, sizeof subject, "[#%lld] %s", (long long)o.t.id, o.t.subject);
	if (o.kind == FL_NOTICE_REPLY) {
		const char *footer = say(w->footer, o.t.id, NULL, &a);
		n = strlen(o.c.body) + (footer ? strlen(footer) : 0) + 8;
		text = footer ? fl_arena_alloc(&a, n) : NULL;
		if (text)
			snprintf(text, n, "%s\n\n-- \n%s", o.c.body, footer);
	} else {
		text = say(o.kind == FL_NOTICE_ACK ? w->ack : w->solved, o.t.id, NULL, &a);
	}
	if (text && o.csat_text) {
		size_t nt = strlen(text) + strlen(o.csat_text) + 4;
		char *both = fl_arena_alloc(&a, nt);
		if (both)
			snprintf(both, nt, "%s\n\n%s", text, o.csat_text);
		text = both;
	}
	if (!text) {
		/* out of memory: the job is tried again, not sent empty */
		fl_arena_free(&a);
		return FL_ENOMEM;
	}
	snprintf(what, sizeof what, "%lld", (long long)o.t.id);
	message_id(id, sizeof id, what, job, *nonce ? nonce : NULL, o.from);
	m.to[m.nto++] = o.requester.email;
	/* an agent's reply goes to everyone on the ticket; what we write by
	 * ourselves goes to the requester alone (else anyone could make us
	 * mail any address by putting it on Cc) */
	for (size_t i = 0; o.kind == FL_NOTICE_REPLY && i < o.ncc; i++)
		m.to[m.nto++] = o.cc[i];
	m.subject = subject;
	m.message_id = id;
	m.in_reply_to = o.last_in;
	for (size_t i = 0; i < o.nthread; i++)
		m.refs[m.nrefs++] = o.thread[i];
	m.text = text ? text : "";
	m.html = o.kind == FL_NOTICE_REPLY ? o.c.html_body : NULL;
	if (m.html && o.csat_html) {
		size_t nh = strlen(m.html) + strlen(o.csat_html) + 2;
		char *both = fl_arena_alloc(&a, nh);
		if (both)
			snprintf(both, nh, "%s\n%s", m.html, o.csat_html);
		m.html = both ? both : m.html;
	}
	m.automatic = o.kind != FL_NOTICE_REPLY;
	if (!m.automatic || (!(rc = auto_ok(s, o.requester.email, id, 0, 0, &ok)) && ok))
		rc = deliver(s, &o, kinds[o.kind], o.t.id, &m, &a, e);
	/* replies to this message thread by its id */
	if (!rc && (!m.automatic || ok)) {
		struct sent sent = {id, o.t.id, o.relay && o.csat_text, apart};
		rc = fl_store_write(s, tx_sent, &sent);
	}
	fl_arena_free(&a);
	return rc;
}
