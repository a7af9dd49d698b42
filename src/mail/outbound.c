/* Mail out: notifications and agents' replies, sent by the "mail-send"
 * job (mail/outbound.h tells the rules). */
#include "mail/outbound.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "store/store.h"

/* What each notice says, in the languages we write. %lld is the ticket. */
struct words {
	const char *lang;
	const char *ack, *solved, *footer;
};

static const struct words words[] = {
	{"en", "We have received your request #%lld and will answer you soon.",
	 "Your request #%lld is solved. If something is still not right, reply to this e-mail.",
	 "Reply to this e-mail to add to your request #%lld."},
	{"uk", "Ми отримали ваше звернення #%lld і скоро вам відповімо.",
	 "Ваше звернення #%lld вирішено. Якщо щось іще не так, відповідайте на цей лист.",
	 "Щоб доповнити звернення #%lld, відповідайте на цей лист."},
	{"ru", "Мы получили ваше обращение #%lld и скоро вам ответим.",
	 "Ваше обращение #%lld решено. Если что-то ещё не так, ответьте на это письмо.",
	 "Чтобы дополнить обращение #%lld, ответьте на это письмо."},
	{"lt", "Gavome jūsų užklausą #%lld ir netrukus atsakysime.",
	 "Jūsų užklausa #%lld išspręsta. Jei kas nors dar negerai, atsakykite į šį laišką.",
	 "Norėdami papildyti užklausą #%lld, atsakykite į šį laišką."},
};

static const struct words *in(const char *locale)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (locale && !strncmp(locale, words[i].lang, 2))
			return &words[i];
	return &words[0];
}

static const char *const kinds[] = {"ack", "reply", "solved"};

int fl_mail_queue(fl_tx *tx, enum fl_notice kind, int64_t ticket_id, int64_t comment_id)
{
	char payload[160], *relay = NULL;
	int64_t now = fl_now();
	fl_arena a;
	int rc;

	/* no relay set up: nothing to queue (a reply must not cost the writer
	 * a job's three writes for mail that will not go) */
	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, "mail.smtp_url", &a, &relay);
	if (!rc && (!relay || !*relay))
		rc = FL_ENOTFOUND;
	fl_arena_free(&a);
	if (rc)
		return rc == FL_ENOTFOUND ? 0 : rc;

	snprintf(payload, sizeof payload, "{\"kind\":\"%s\",\"ticket_id\":%lld,\"comment_id\":%lld}",
		 kinds[kind], (long long)ticket_id, (long long)comment_id);
	return fl_store_job_enqueue(tx, "mail-send", payload, now, 10, NULL, now);
}

/* Everything the job reads, in one read transaction. */
struct out {
	enum fl_notice kind;
	int64_t ticket_id, comment_id;
	fl_arena *a;
	char *smtp_url, *smtp_user, *smtp_password, *from, *from_name, *starttls;
	struct fl_ticket t;
	struct fl_user requester;
	struct fl_comment c;
	const char *cc[FL_TICKET_MAX_CCS];
	size_t ncc;
	char *thread[FL_MAIL_MAX_REFS];
	size_t nthread;
	char *last_in; /* the customer's last message, to answer */
};

static int tx_load(fl_tx *tx, void *arg)
{
	struct out *o = arg;
	static const char *const keys[] = {"mail.smtp_url", "mail.smtp_user", "mail.smtp_password",
					   "mail.from", "mail.from_name", "mail.starttls"};
	char **vals[] = {&o->smtp_url, &o->smtp_user, &o->smtp_password, &o->from, &o->from_name,
			 &o->starttls};
	int rc = 0;

	for (size_t i = 0; i < sizeof keys / sizeof *keys && !rc; i++) {
		rc = fl_store_setting_get(tx, keys[i], o->a, vals[i]);
		if (rc == FL_ENOTFOUND)
			*vals[i] = NULL, rc = 0;
	}
	if (rc || !o->smtp_url || !*o->smtp_url || !o->from)
		return rc; /* outgoing mail is off */
	if ((rc = fl_store_ticket_get(tx, o->ticket_id, o->a, &o->t)) ||
	    (rc = fl_store_user_get(tx, o->t.requester_id, o->a, &o->requester)))
		return rc;
	for (size_t i = 0; i < o->t.nccs; i++) {
		struct fl_user u;
		if (fl_store_user_get(tx, o->t.ccs[i], o->a, &u) == 0 && u.email &&
		    u.role == FL_ROLE_END_USER)
			o->cc[o->ncc++] = u.email;
	}
	{
		/* no mail to an address that bounced */
		char key[300], *when = NULL;
		snprintf(key, sizeof key, "mail.bouncing:%s", o->requester.email ? o->requester.email : "");
		rc = fl_store_setting_get(tx, key, o->a, &when);
		if (rc == 0)
			o->requester.email = NULL;
		else if (rc != FL_ENOTFOUND)
			return rc;
	}
	if (o->kind == FL_NOTICE_REPLY &&
	    (rc = fl_store_comment_get(tx, o->comment_id, o->a, &o->c)))
		return rc;
	return fl_store_mail_thread(tx, o->t.id, o->a, o->thread, FL_MAIL_MAX_REFS, &o->nthread,
				    &o->last_in);
}

struct sent {
	const char *message_id;
	int64_t ticket_id;
};

static int tx_sent(fl_tx *tx, void *arg)
{
	struct sent *s = arg;
	return fl_store_mail_record(tx, s->message_id, s->ticket_id, 1, fl_now());
}

int fl_mail_send_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	const char *kind = json_string_value(json_object_get(p, "kind"));
	struct out o = {0};
	struct fl_mail_out m = {0};
	struct fl_smtp relay;
	const struct words *w;
	fl_arena a;
	char subject[400], text_buf[256], id[200], *text, *raw;
	const char *domain;
	size_t n;
	int rc;

	fl_arena_init(&a, 0);
	o.a = &a;
	o.ticket_id = json_integer_value(json_object_get(p, "ticket_id"));
	o.comment_id = json_integer_value(json_object_get(p, "comment_id"));
	o.kind = !kind ? FL_NOTICE_ACK : !strcmp(kind, "reply") ? FL_NOTICE_REPLY
		 : !strcmp(kind, "solved") ? FL_NOTICE_SOLVED : FL_NOTICE_ACK;
	json_decref(p);
	rc = fl_store_read(s, tx_load, &o);
	if (rc || !o.smtp_url || !*o.smtp_url || !o.from || !o.requester.email) {
		fl_arena_free(&a);
		/* no relay set up, or no one to write to: nothing to do */
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	w = in(o.requester.locale);
	snprintf(subject, sizeof subject, "[#%lld] %s", (long long)o.t.id, o.t.subject);
	if (o.kind == FL_NOTICE_REPLY) {
		snprintf(text_buf, sizeof text_buf, w->footer, (long long)o.t.id);
		n = strlen(o.c.body) + strlen(text_buf) + 8;
		text = fl_arena_alloc(&a, n);
		if (text)
			snprintf(text, n, "%s\n\n-- \n%s", o.c.body, text_buf);
	} else {
		snprintf(text_buf, sizeof text_buf, o.kind == FL_NOTICE_ACK ? w->ack : w->solved,
			 (long long)o.t.id);
		text = text_buf;
	}
	domain = strchr(o.from, '@');
	snprintf(id, sizeof id, "frontline-%lld-%lld@%s", (long long)o.t.id, (long long)job->id,
		 domain ? domain + 1 : "frontline.local");
	m.from = o.from;
	m.from_name = o.from_name;
	m.to[m.nto++] = o.requester.email;
	for (size_t i = 0; i < o.ncc; i++)
		m.to[m.nto++] = o.cc[i];
	m.subject = subject;
	m.message_id = id;
	m.in_reply_to = o.last_in;
	for (size_t i = 0; i < o.nthread; i++)
		m.refs[m.nrefs++] = o.thread[i];
	m.text = text ? text : "";
	m.html = o.kind == FL_NOTICE_REPLY ? o.c.html_body : NULL;
	m.automatic = o.kind != FL_NOTICE_REPLY;
	m.date = fl_now();
	rc = fl_mail_build(&m, &a, &raw, &n);
	relay = (struct fl_smtp){o.smtp_url, o.smtp_user, o.smtp_password,
				 o.starttls && !strcmp(o.starttls, "1")};
	if (!rc)
		rc = fl_smtp_send(&relay, o.from, m.to, m.nto, raw, n, e);
	/* replies to this message thread by its id */
	if (!rc) {
		struct sent sent = {id, o.t.id};
		rc = fl_store_write(s, tx_sent, &sent);
	}
	fl_arena_free(&a);
	return rc;
}
