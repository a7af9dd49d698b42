/* Live chat's transactions (chat/chat.h): the visitor's and the agent's
 * doors, routing, the offer job and the numbers. Each runs in the caller's
 * transaction; what a chat writes — its row, its message, the ticket and
 * its comment, the event — commits together or not at all. */

#include "chat/chat.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback/csat.h"
#include "portal/link.h"
#include "core/time.h"
#include "sla/schedule.h"
#include "store/attachments.h"
#include "store/chats.h"
#include "store/contracts.h"
#include "store/schedules.h"
#include "store/settings.h"
#include "store/tickets.h"
#include "store/tiers.h"
#include "store/users.h"
#include "tickets/notice.h"

/* Queued chats one routing pass offers at most, and chats one run of the
 * job moves on or finds gone: the rest wait for the next run, 5 s later. */
#define ROUTE_MAX 200
#define SEEN_GAP 15 /* seconds: visitor_seen_at is written at most this often */

/* ---- events ---- */

/* Queues event type with the JSON fmt makes (it starts with "chat_id"). */
static int notify(fl_tx *tx, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int notify(fl_tx *tx, const char *type, const char *fmt, ...)
{
	char ev[512];
	int n = snprintf(ev, sizeof ev, "%s ", type);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev + n, sizeof ev - (size_t)n, fmt, ap);
	va_end(ap);
	return fl_store_notify(tx, ev);
}

static int notify_updated(fl_tx *tx, const struct fl_chat *c)
{
	return notify(tx, "chat.updated",
		      "{\"chat_id\":%" PRId64 ",\"state\":\"%s\",\"agent_id\":%" PRId64 "}", c->id,
		      fl_chat_state_name(c->state), c->agent_id);
}

/* ---- small helpers ---- */

/* Who writes a visitor's words into their ticket: the desk, for them, as
 * the mail channel writes as its mailbox's owner (an end user may not
 * name the chat channel or a group). */
static const struct fl_actor desk = {FL_SYSTEM_USER_ID, FL_ROLE_ADMIN};

static int is_agent(const struct fl_actor *a)
{
	return a && a->role >= FL_ROLE_AGENT;
}

/* What the chat says to the visitor, in each language: the transcript's
 * mail, and the system lines of the conversation (a transfer's is
 * transferred followed by the agent's or group's name). */
struct chat_words {
	const char *lang, *subject, *intro, *visitor, *system, *transferred, *cut;
};
static const struct chat_words chat_words[] = {
	{"uk", "Розмова в чаті", "Ось ваша розмова з нами в чаті:", "Ви", "Чат",
	 "Розмову передано: ", "… (розмова довша, ніж уміщує один лист)"},
	{"ru", "Разговор в чате", "Вот ваш разговор с нами в чате:", "Вы", "Чат",
	 "Разговор передан: ", "… (разговор длиннее, чем вмещает одно письмо)"},
	{"lt", "Pokalbis", "Štai jūsų pokalbis su mumis:", "Jūs", "Pokalbis",
	 "Pokalbis perduotas: ", "… (pokalbis ilgesnis, nei telpa viename laiške)"},
	{"en", "Your chat", "Here is your chat with us:", "You", "Chat", "Transferred to ",
	 "… (the conversation is longer than one mail holds)"},
};

static const struct chat_words *words_for(const char *lang)
{
	lang = fl_chat_lang(lang);
	for (size_t i = 0; i < sizeof chat_words / sizeof *chat_words; i++)
		if (!strcmp(chat_words[i].lang, lang))
			return &chat_words[i];
	return &chat_words[3];
}

/* chat_id as who may see it (chat.h fl_chat_load). */
int fl_chat_load(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, fl_arena *a,
		 struct fl_chat *out)
{
	switch (who->kind) {
	case FL_CHAT_VISITOR:
		return fl_store_chat_get_visitor(tx, chat_id, who->visitor_id, a, out);
	case FL_CHAT_AGENT:
		if (!is_agent(who->agent))
			return FL_ENOTFOUND;
		return fl_store_chat_get(tx, chat_id, a, out);
	case FL_CHAT_SYSTEM: return fl_store_chat_get(tx, chat_id, a, out);
	}
	return FL_ENOTFOUND;
}

static int load(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, fl_arena *a,
		struct fl_chat *out, struct fl_err *e)
{
	int rc = fl_chat_load(tx, who, chat_id, a, out);

	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_ENOTFOUND, "chat", "NotFound", "chat: no such chat");
	return rc;
}

int fl_chat_capacity_get(fl_tx *tx, int64_t user_id, int64_t *capacity)
{
	int rc = fl_store_chat_capacity_get(tx, user_id, capacity);

	if (rc == FL_ENOTFOUND) {
		*capacity = FL_CHAT_CAPACITY_DEFAULT;
		return 0;
	}
	return rc;
}

/* The settings, or the defaults when the stored ones cannot be read (an
 * admin's PUT checks them, so that is a damaged row, not a reason to stop
 * every chat). */
int fl_chat_settings_get(fl_tx *tx, fl_arena *a, struct fl_chat_settings *out)
{
	char *z = NULL;
	struct fl_err e;
	int rc = fl_store_setting_get(tx, FL_CHAT_SETTINGS_KEY, a, &z);

	if (rc == FL_ENOTFOUND || (!rc && !z)) {
		fl_chat_settings_defaults(out);
		return 0;
	}
	if (rc)
		return rc;
	rc = fl_chat_settings_parse(z, strlen(z), a, out, &e);
	if (rc == FL_ENOMEM)
		return rc;
	if (rc)
		fl_chat_settings_defaults(out);
	return 0;
}

int fl_chat_settings_put(fl_tx *tx, const struct fl_chat_settings *s, struct fl_err *e)
{
	fl_arena a;
	fl_buf b;
	int rc = fl_chat_settings_check(s, e);

	if (rc)
		return rc;
	fl_arena_init(&a, 0);
	fl_buf_init(&b, FL_CHAT_SETTINGS_MAX * 2);
	if (s->schedule_id) {
		struct fl_schedule sc;
		rc = fl_store_schedule_get(tx, s->schedule_id, &a, &sc);
		if (rc == FL_ENOTFOUND)
			rc = fl_err_set(e, FL_EINVAL, "schedule_id", "InvalidValue",
					"schedule_id: no such schedule");
	}
	if (!rc && s->group_id) {
		struct fl_group g;
		rc = fl_store_group_get(tx, s->group_id, &a, &g);
		if (rc == FL_ENOTFOUND || (!rc && g.deleted))
			rc = fl_err_set(e, FL_EINVAL, "group_id", "InvalidValue",
					"group_id: no such group");
	}
	if (!rc)
		rc = fl_chat_settings_json(s, &b);
	if (!rc)
		rc = fl_store_setting_set(tx, FL_CHAT_SETTINGS_KEY, b.p);
	fl_buf_free(&b);
	fl_arena_free(&a);
	return rc;
}

/* ---- visitors ---- */

int fl_chat_visitor_new(fl_tx *tx, const char *lang, int64_t now, int64_t *visitor_id)
{
	struct fl_chat_visitor v = {.locale = (char *)fl_chat_lang(lang), .created_at = now};
	int rc = fl_store_chat_visitor_insert(tx, &v);

	if (!rc)
		*visitor_id = v.id;
	return rc;
}

int fl_chat_visitor_token(fl_tx *tx, int64_t visitor_id, int64_t now, fl_arena *a, char **token)
{
	struct fl_link l = {visitor_id, 0, now + FL_CHAT_TOKEN_TTL};
	return fl_link_make(tx, FL_CHAT_TOKEN_PURPOSE, &l, a, token);
}

int fl_chat_visitor_check(const char *key, const char *token, int64_t now, int64_t *visitor_id,
			  struct fl_err *e)
{
	struct fl_link l;
	struct fl_err why;
	int rc;

	if (!token || !*token || strlen(token) > FL_LINK_TOKEN_MAX)
		return fl_err_set(e, FL_EAUTH, "token", "InvalidValue",
				  "token: a chat visitor's token is needed");
	rc = fl_link_check(key, FL_CHAT_TOKEN_PURPOSE, token, now, &l, &why);
	if (rc == FL_EINVAL)
		return fl_err_set(e, FL_EAUTH, "token",
				  strcmp(why.reason, "Expired") ? "InvalidValue" : "Expired",
				  "token: this chat visitor's token is not valid");
	if (!rc && l.b != 0)
		return fl_err_set(e, FL_EAUTH, "token", "InvalidValue",
				  "token: this chat visitor's token is not valid");
	if (!rc)
		*visitor_id = l.a;
	return rc;
}

int fl_chat_visitor_known(fl_tx *tx, int64_t visitor_id, struct fl_err *e)
{
	struct fl_chat_visitor v;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_chat_visitor_get(tx, visitor_id, &a, &v);
	fl_arena_free(&a);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EAUTH, "token", "InvalidValue",
				  "token: this chat visitor is gone");
	return rc;
}

int fl_chat_visitor_read(fl_tx *tx, const char *token, int64_t now, int64_t *visitor_id,
			 struct fl_err *e)
{
	char *key = NULL;
	int64_t id;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_link_key(tx, &a, &key);
	if (!rc)
		rc = fl_chat_visitor_check(key, token, now, &id, e);
	fl_arena_free(&a);
	if (!rc)
		rc = fl_chat_visitor_known(tx, id, e);
	if (!rc)
		*visitor_id = id;
	return rc;
}

int fl_chat_visitor_get(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat_visitor *out)
{
	return fl_store_chat_visitor_get(tx, visitor_id, a, out);
}

int fl_chat_visitor_seen(fl_tx *tx, int64_t visitor_id, int64_t now)
{
	return fl_store_chat_seen(tx, visitor_id, now, SEEN_GAP);
}

int fl_chat_upload(fl_tx *tx, int64_t visitor_id, const struct fl_intake_file *f, int64_t now,
		   fl_arena *a, struct fl_chat_file *out, struct fl_err *e)
{
	struct fl_attachment row = {.token = (char *)f->token,
				    .uploader_id = FL_SYSTEM_USER_ID,
				    .file_name = (char *)f->name,
				    .content_type = (char *)f->type,
				    .size = (int64_t)f->n,
				    .digest = (char *)f->digest,
				    .in_db = f->in_db,
				    .created_at = now};
	struct fl_chat_visitor v;
	int rc;

	if (fl_attachment_executable(f->name, f->data, f->n))
		return fl_err_set(e, FL_EINVAL, "file", "Executable",
				  "file: programs and scripts cannot be sent in a chat");
	if ((rc = fl_store_chat_visitor_get(tx, visitor_id, a, &v)))
		return rc;
	if ((rc = fl_store_attachment_insert(tx, &row, f->data, f->n)) ||
	    (rc = fl_store_chat_upload_insert(tx, f->token, visitor_id, row.id, now)))
		return rc;
	out->id = row.id;
	out->token = fl_arena_strdup(a, f->token);
	out->name = fl_arena_strdup(a, f->name);
	out->type = fl_arena_strdup(a, f->type);
	out->size = (int64_t)f->n;
	return out->token && out->name && out->type ? 0 : FL_ENOMEM;
}

int fl_chat_file_get(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id,
		     int64_t attachment_id, fl_arena *a, struct fl_attachment *out)
{
	struct fl_chat c;
	int rc = fl_chat_load(tx, who, chat_id, a, &c);

	if (!rc)
		rc = fl_store_chat_file_of(tx, chat_id, attachment_id);
	return rc ? rc : fl_store_attachment_get(tx, attachment_id, a, out);
}

/* ---- messages ---- */

/* The attachments of comment_id on ticket_id as the JSON array a message
 * keeps ([{"id","name","type","size"}]), in a; NULL when none. */
static int files_json(fl_tx *tx, int64_t ticket_id, int64_t comment_id, fl_arena *a, char **out)
{
	struct fl_attachment *at;
	size_t n;
	json_t *arr;
	char *z;
	int rc = fl_store_attachment_list(tx, ticket_id, a, &at, &n);

	*out = NULL;
	if (rc)
		return rc;
	if (!(arr = json_array()))
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (at[i].comment_id == comment_id)
			json_array_append_new(
				arr, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)at[i].id,
					       "name", at[i].file_name ? at[i].file_name : "",
					       "type", at[i].content_type ? at[i].content_type : "",
					       "size", (json_int_t)at[i].size));
	if (json_array_size(arr)) {
		z = json_dumps(arr, JSON_COMPACT);
		*out = z ? fl_arena_strdup(a, z) : NULL;
		rc = *out ? 0 : FL_ENOMEM;
		free(z);
	}
	json_decref(arr);
	return rc;
}

/* The text a comment carries for a message: its body, or, for files
 * alone, a line naming them (a comment needs words). */
static const char *comment_text(const char *body, size_t nuploads)
{
	const char *p = body ? body : "";

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return *p || !nuploads ? body : "(file)";
}

static int check_post(const struct fl_chat_post_in *in, const char *prefix, struct fl_err *e)
{
	char field[64];
	int rc;

	if (in->nuploads > FL_CHAT_UPLOADS_MAX) {
		snprintf(field, sizeof field, "%suploads", prefix);
		return fl_err_set(e, FL_EINVAL, field, "TooLong", "%s: at most %d files", field,
				  FL_CHAT_UPLOADS_MAX);
	}
	snprintf(field, sizeof field, "%sbody", prefix);
	if ((rc = fl_chat_body_check(in->body, in->nuploads > 0, field, e)))
		return rc;
	rc = fl_chat_client_id_check(in->client_id, e);
	if (rc && *prefix) {
		snprintf(field, sizeof field, "%sclient_id", prefix);
		snprintf(e->field, sizeof e->field, "%s", field);
	}
	return rc;
}

/* The visitor's uploads named in in, each checked to be theirs and not
 * sent yet (FL_EINVAL naming field), then given to comment_id. */
static int claim_visitor_files(fl_tx *tx, int64_t visitor_id, const struct fl_chat_post_in *in,
			       int64_t ticket_id, int64_t comment_id, const char *field,
			       struct fl_err *e)
{
	for (size_t i = 0; i < in->nuploads; i++) {
		int64_t id;
		int rc = fl_store_chat_upload_get(tx, in->uploads[i], visitor_id, &id);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: no such upload (or it was sent already)", field);
		if (!rc)
			rc = fl_store_attachment_claim(tx, in->uploads[i], FL_SYSTEM_USER_ID,
						       ticket_id, comment_id);
		if (rc)
			return rc;
	}
	return 0;
}

/* Writes the message m (its comment already made) and tells. */
static int write_message(fl_tx *tx, struct fl_chat_message *m)
{
	int rc = fl_store_chat_message_insert(tx, m);

	if (rc == FL_ECONFLICT)
		return FL_ECONFLICT;
	if (rc)
		return rc;
	return notify(tx, "chat.message",
		      "{\"chat_id\":%" PRId64 ",\"seq\":%" PRId64 ",\"author\":\"%s\"}", m->chat_id,
		      m->seq, fl_chat_author_name(m->author));
}

/* The visitor's message as a comment on the chat's ticket, through the one
 * intake (thread_id), quiet; *comment_id. */
static int visitor_comment(fl_tx *tx, const struct fl_chat *c, const struct fl_chat_post_in *in,
			   const char *lang, fl_arena *a, int64_t *comment_id, char **files,
			   struct fl_err *e)
{
	char uid[24];
	struct fl_intake it = {0};
	struct fl_intake_result res;
	int rc;

	snprintf(uid, sizeof uid, "%" PRId64, c->requester_id);
	it.channel = FL_CHANNEL_CHAT;
	it.via = &desk;
	it.from = (struct fl_sender){FL_SENDER_VISITOR, uid, c->name};
	it.field = "chat";
	it.lang = lang;
	it.text = comment_text(in->body, in->nuploads);
	it.thread_id = c->ticket_id;
	it.quiet = 1;
	if ((rc = fl_ticket_intake(tx, &it, a, &res, e)))
		return rc;
	*comment_id = res.comment_id;
	if ((rc = claim_visitor_files(tx, c->visitor_id, in, res.ticket.id, *comment_id, "uploads",
				      e)))
		return rc;
	return in->nuploads ? files_json(tx, res.ticket.id, *comment_id, a, files) : 0;
}

/* The agent's message as a public comment on the chat's ticket, quiet (the
 * visitor reads it in the widget); their uploads go with it. */
static int agent_comment(fl_tx *tx, const struct fl_actor *agent, const struct fl_chat *c,
			 const struct fl_chat_post_in *in, fl_arena *a, int64_t *comment_id,
			 char **files, struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_ticket t;
	int rc;

	if (!p)
		return FL_ENOMEM;
	memset(p, 0, sizeof *p);
	p->comment_body = comment_text(in->body, in->nuploads);
	p->comment_public = 1;
	p->has_channel = 1;
	p->channel = FL_CHANNEL_CHAT;
	p->quiet = 1;
	p->made_comment = comment_id;
	for (size_t i = 0; i < in->nuploads; i++)
		p->uploads[p->nuploads++] = in->uploads[i];
	if ((rc = fl_ticket_update(tx, agent, c->ticket_id, p, a, &t, e)))
		return rc;
	return in->nuploads ? files_json(tx, c->ticket_id, *comment_id, a, files) : 0;
}

/* Makes chat c active with agent_id: accepted now, the offer cleared, the
 * ticket assigned to them, "chat.updated". */
static int activate(fl_tx *tx, struct fl_chat *c, const struct fl_actor *agent, int64_t now,
		    fl_arena *a, struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_ticket t;
	int rc;

	if (!p)
		return FL_ENOMEM;
	memset(p, 0, sizeof *p);
	c->state = FL_CHAT_ACTIVE;
	c->agent_id = agent->id;
	if (!c->accepted_at)
		c->accepted_at = now;
	c->offered_to = c->offered_at = 0;
	p->has_assignee = 1;
	p->assignee_id = agent->id;
	p->quiet = 1;
	if ((rc = fl_store_chat_update(tx, c)) || (rc = fl_store_chat_skips_clear(tx, c->id)) ||
	    (rc = fl_store_chat_agent_touch(tx, agent->id, now)))
		return rc;
	if (c->ticket_id && (rc = fl_ticket_update(tx, agent, c->ticket_id, p, a, &t, e)))
		return rc;
	return notify_updated(tx, c);
}

/* 1 when c's ticket was deleted (or purged: no id), so that a message
 * has nowhere to go: the intake would make a new ticket of it. */
static int ticket_gone(fl_tx *tx, const struct fl_chat *c, fl_arena *a)
{
	struct fl_ticket t;
	int rc;

	if (!c->ticket_id)
		return 1;
	rc = fl_store_ticket_get(tx, c->ticket_id, a, &t);
	if (rc == FL_ENOTFOUND)
		return 1;
	return rc ? rc : t.deleted_at != 0;
}

int fl_chat_post(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id,
		 const struct fl_chat_post_in *in, int64_t now, fl_arena *a,
		 struct fl_chat_message *out, int *dup, struct fl_err *e)
{
	struct fl_chat c;
	struct fl_chat_message m = {0};
	int rc;

	if (who->kind == FL_CHAT_SYSTEM)
		return FL_EINTERNAL;
	if ((rc = check_post(in, "", e)) || (rc = load(tx, who, chat_id, a, &c, e)))
		return rc;
	rc = fl_store_chat_message_by_client(tx, chat_id, in->client_id, a, &m);
	if (!rc) {
		/* a resend is the same writer's; another's id is a clash */
		int64_t me = who->kind == FL_CHAT_VISITOR ? who->visitor_id : who->agent->id;
		if (m.author != who->kind || m.author_id != me)
			return fl_err_set(e, FL_ECONFLICT, "client_id", "DuplicateValue",
					  "client_id: taken in this chat; make a new one");
		*out = m;
		*dup = 1;
		return 0;
	}
	if (rc != FL_ENOTFOUND)
		return rc;
	rc = 0; /* a new message: the branches below must not see the lookup's miss */
	if (!fl_chat_state_live(c.state) || (rc = ticket_gone(tx, &c, a)) > 0)
		return fl_err_set(e, FL_ECONFLICT, "chat", "Ended", "chat: this chat has ended");
	if (rc)
		return rc;
	if (c.last_seq >= FL_CHAT_MESSAGES_MAX)
		return fl_err_set(e, FL_ECONFLICT, "chat", "TooLong",
				  "chat: this chat is too long (%d messages); start a new chat",
				  FL_CHAT_MESSAGES_MAX);
	m.chat_id = chat_id;
	m.client_id = (char *)in->client_id;
	m.body = (char *)(in->body ? in->body : "");
	m.created_at = now;
	if (who->kind == FL_CHAT_VISITOR) {
		m.author = FL_CHAT_VISITOR;
		m.author_id = who->visitor_id;
		rc = visitor_comment(tx, &c, in, c.locale, a, &m.comment_id, &m.attachments, e);
		if (!rc)
			rc = fl_chat_visitor_seen(tx, who->visitor_id, now);
	} else {
		const struct fl_actor *ag = who->agent;
		/* answering a queued chat takes it; an active one is its
		 * agent's (an admin may step in) */
		if (c.state == FL_CHAT_ACTIVE && c.agent_id != ag->id && ag->role != FL_ROLE_ADMIN)
			return fl_err_set(e, FL_EFORBIDDEN, "chat", "NotYours",
					  "chat: another agent is serving this chat");
		m.author = FL_CHAT_AGENT;
		m.author_id = ag->id;
		if (c.state == FL_CHAT_QUEUED)
			rc = activate(tx, &c, ag, now, a, e);
		if (!rc)
			rc = agent_comment(tx, ag, &c, in, a, &m.comment_id, &m.attachments, e);
		if (!rc && !c.first_answer_at) {
			c.first_answer_at = now;
			rc = fl_store_chat_update(tx, &c);
		}
	}
	if (!rc)
		rc = write_message(tx, &m);
	if (rc == FL_ECONFLICT)
		return fl_err_set(e, FL_ECONFLICT, "client_id", "DuplicateValue",
				  "client_id: sent twice at once; fetch the messages");
	if (rc)
		return rc;
	rc = fl_store_chat_message_by_client(tx, chat_id, in->client_id, a, out);
	if (!rc)
		*dup = 0;
	return rc;
}

int fl_chat_system_message(fl_tx *tx, int64_t chat_id, const char *body, int64_t now)
{
	char cid[40];
	struct fl_chat_message m = {.chat_id = chat_id,
				    .author = FL_CHAT_SYSTEM,
				    .body = (char *)body,
				    .client_id = cid,
				    .created_at = now};
	struct fl_chat c;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_chat_get(tx, chat_id, &a, &c);
	fl_arena_free(&a);
	if (rc)
		return rc;
	/* a system line's id is its seq: one a seq, never resent; the '#'
	 * no client's id may have (fl_chat_client_id_check) keeps a visitor
	 * from taking it first */
	snprintf(cid, sizeof cid, "system#%" PRId64, c.last_seq + 1);
	return write_message(tx, &m);
}

/* ---- starting ---- */

/* The language a chat of v's is in: the widget's locale when it says one,
 * else the one v was made with (the page's or browser's language). */
static const char *visitor_lang(const struct fl_chat_visitor *v, const char *locale)
{
	return fl_chat_lang(locale && *locale ? locale : v->locale);
}

/* Checks the pre-chat form against the settings: a required field given,
 * a field the form leaves off ignored, the e-mail normalized (*email, in
 * a, NULL for none), the topic one of the settings' (*topic, "" none). */
static int check_form(const struct fl_chat_settings *s, const char *name, const char *email,
		      const char *topic, int email_required, fl_arena *a, char **nemail,
		      const char **ntopic, struct fl_err *e)
{
	int rc;

	*nemail = NULL;
	*ntopic = "";
	if (s->prechat_name == FL_CHAT_FIELD_REQUIRED && (!name || !*name))
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "name: cannot be blank");
	if ((rc = fl_chat_name_check(name, "name", e)))
		return rc;
	if ((email_required || s->prechat_email == FL_CHAT_FIELD_REQUIRED) && (!email || !*email))
		return fl_err_set(e, FL_EINVAL, "email", "Blank", "email: cannot be blank");
	if (email && *email) {
		if (!(*nemail = fl_arena_strdup(a, email)))
			return FL_ENOMEM;
		if (fl_email_normalize(*nemail))
			return fl_err_set(e, FL_EINVAL, "email", "InvalidValue",
					  "email: is not a valid e-mail address");
	}
	if (s->prechat_topic == FL_CHAT_FIELD_REQUIRED && (!topic || !*topic))
		return fl_err_set(e, FL_EINVAL, "topic", "Blank", "topic: choose a topic");
	if (topic && *topic && s->prechat_topic != FL_CHAT_FIELD_OFF) {
		for (size_t i = 0; i < s->ntopics; i++)
			if (!strcmp(s->topics[i].key, topic)) {
				*ntopic = s->topics[i].key;
				return 0;
			}
		return fl_err_set(e, FL_EINVAL, "topic", "InvalidValue", "topic: no such topic");
	}
	return 0;
}

/* The end user visitor v's chat is requested by: the e-mail given found
 * or made (as the portal's form does); else the user they had; else a new
 * end user named by their name or "Visitor N". The visitor keeps it. */
static int requester(fl_tx *tx, struct fl_chat_visitor *v, const char *name, const char *email,
		     const char *lang, fl_arena *a, struct fl_user *out, struct fl_err *e)
{
	int rc;

	if (email) {
		struct fl_sender s = {FL_SENDER_EMAIL, email, name};
		rc = fl_intake_customer(tx, &s, "email", lang, 1, a, out, e);
	} else if (v->user_id && !(rc = fl_store_user_get(tx, v->user_id, a, out)) &&
		   out->role == FL_ROLE_END_USER && out->active && !out->suspended) {
		rc = 0;
	} else {
		struct fl_user u = {0};
		char label[40];
		snprintf(label, sizeof label, "Visitor %" PRId64, v->id);
		u.role = FL_ROLE_END_USER;
		u.name = fl_arena_strdup(a, name && *name ? name : label);
		u.locale = (char *)lang;
		if (!u.name)
			return FL_ENOMEM;
		if (!(rc = fl_user_create(tx, &u, NULL, e)))
			*out = u;
	}
	if (rc)
		return rc;
	/* said without saying why: a stranger learns no staff address */
	if (out->role != FL_ROLE_END_USER)
		return fl_err_set(e, FL_EINVAL, "email", "InvalidValue",
				  "email: this address cannot be used for a chat; give another");
	v->user_id = out->id;
	return fl_store_chat_visitor_update(tx, v->id, out->id, name && *name ? name : NULL, email,
					    lang);
}

int fl_chat_start(fl_tx *tx, int64_t visitor_id, const struct fl_chat_start_in *in, int64_t now,
		  fl_arena *a, struct fl_chat *chat, struct fl_chat_message *msg, struct fl_err *e)
{
	struct fl_chat_settings s;
	struct fl_chat_status st;
	struct fl_chat_visitor v;
	struct fl_user u;
	struct fl_ticket_patch keep = {0};
	struct fl_intake it = {0};
	struct fl_intake_result res;
	struct fl_chat c = {0};
	struct fl_chat_message m = {0};
	const char *lang, *topic;
	char *email, uid[24];
	int64_t live;
	int rc;

	if ((rc = fl_chat_settings_get(tx, a, &s)))
		return rc;
	if (!s.enabled)
		return fl_err_set(e, FL_EINVAL, "chat", "Disabled", "chat: chat is turned off");
	if ((rc = fl_chat_status(tx, 0, now, &st)))
		return rc;
	if (st.next_open_at)
		return fl_err_set(e, FL_ECONFLICT, "chat", "Closed",
				  "chat: we are closed now; leave a message instead");
	if ((rc = fl_store_chat_visitor_get(tx, visitor_id, a, &v)))
		return rc;
	lang = visitor_lang(&v, in->locale);
	rc = fl_store_chat_live_of_visitor(tx, visitor_id, &live);
	if (!rc)
		return fl_err_set(e, FL_ECONFLICT, "chat", "Open",
				  "chat: you have a chat open already (%" PRId64 ")", live);
	if (rc != FL_ENOTFOUND)
		return rc;
	if ((rc = check_form(&s, in->name, in->email, in->topic, 0, a, &email, &topic, e)) ||
	    (rc = check_post(&in->message, "message.", e)) ||
	    (rc = requester(tx, &v, in->name, email, lang, a, &u, e)))
		return rc;
	snprintf(uid, sizeof uid, "%" PRId64, u.id);
	it.channel = FL_CHANNEL_CHAT;
	it.via = &desk;
	it.from = (struct fl_sender){FL_SENDER_VISITOR, uid, u.name};
	it.field = "chat";
	it.lang = lang;
	it.text = comment_text(in->message.body, in->message.nuploads);
	it.group_id = s.group_id;
	it.tags[it.ntags++] = "chat";
	if (*topic)
		it.tags[it.ntags++] = topic;
	it.quiet = 1;
	/* made unassigned on purpose, as a hand's assignment to nobody, which
	 * ticket routing leaves alone: chat routing offers it. The chat row
	 * that keeps it from ticket routing after that (store/routing.h) is
	 * written just below, once the ticket has its id. */
	keep.has_assignee = 1;
	keep.comment_public = 1;
	it.more = &keep;
	if ((rc = fl_ticket_intake(tx, &it, a, &res, e)))
		return rc;
	c.visitor_id = visitor_id;
	c.ticket_id = res.ticket.id;
	c.requester_id = u.id;
	c.state = FL_CHAT_QUEUED;
	c.group_id = s.group_id;
	c.topic = (char *)topic;
	c.locale = (char *)lang;
	c.created_at = c.visitor_seen_at = now;
	c.ended_by = -1;
	if ((rc = fl_store_chat_insert(tx, &c)))
		return rc;
	m.chat_id = c.id;
	m.author = FL_CHAT_VISITOR;
	m.author_id = visitor_id;
	m.client_id = (char *)in->message.client_id;
	m.body = (char *)(in->message.body ? in->message.body : "");
	m.created_at = now;
	m.comment_id = res.comment_id;
	if ((rc = claim_visitor_files(tx, visitor_id, &in->message, c.ticket_id, m.comment_id,
				      "message.uploads", e)))
		return rc;
	if (in->message.nuploads &&
	    (rc = files_json(tx, c.ticket_id, m.comment_id, a, &m.attachments)))
		return rc;
	if ((rc = write_message(tx, &m)) ||
	    (rc = notify(tx, "chat.queued",
			 "{\"chat_id\":%" PRId64 ",\"ticket_id\":%" PRId64 ",\"group_id\":%" PRId64
			 "}",
			 c.id, c.ticket_id, c.group_id)) ||
	    (rc = fl_chat_route(tx, c.id, now)) || (rc = fl_store_chat_get(tx, c.id, a, chat)))
		return rc;
	return fl_store_chat_message_by_client(tx, c.id, m.client_id, a, msg);
}

/* ---- the agent's doors ---- */

/* Whether agent may take one chat more: their live chats (active, or
 * offered to them but chat_id) under their capacity. */
static int has_room(fl_tx *tx, int64_t agent_id, int64_t chat_id, int *room)
{
	int64_t cap, held;
	struct fl_chat c;
	fl_arena a;
	int rc = fl_chat_capacity_get(tx, agent_id, &cap);

	if (!rc)
		rc = fl_store_chat_agent_load(tx, agent_id, &held);
	if (!rc && chat_id) {
		fl_arena_init(&a, 0);
		rc = fl_store_chat_get(tx, chat_id, &a, &c);
		fl_arena_free(&a);
		if (!rc && c.state == FL_CHAT_QUEUED && c.offered_to == agent_id)
			held--;
	}
	if (!rc)
		*room = held < cap;
	return rc;
}

int fl_chat_accept(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		   struct fl_err *e)
{
	struct fl_chat_who who = {FL_CHAT_AGENT, 0, agent};
	struct fl_chat c;
	fl_arena a;
	int room = 0, rc;

	if (!is_agent(agent))
		return FL_EFORBIDDEN;
	fl_arena_init(&a, 0);
	rc = load(tx, &who, chat_id, &a, &c, e);
	if (!rc && c.state != FL_CHAT_QUEUED)
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "Taken",
				"chat: this chat is no longer waiting");
	if (!rc)
		rc = has_room(tx, agent->id, chat_id, &room);
	if (!rc && !room)
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "AtCapacity",
				"chat: you are at your chat capacity");
	if (!rc)
		rc = activate(tx, &c, agent, now, &a, e);
	fl_arena_free(&a);
	return rc;
}

int fl_chat_decline(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t now,
		    struct fl_err *e)
{
	struct fl_chat_who who = {FL_CHAT_AGENT, 0, agent};
	struct fl_chat c;
	fl_arena a;
	int rc;

	if (!is_agent(agent))
		return FL_EFORBIDDEN;
	fl_arena_init(&a, 0);
	rc = load(tx, &who, chat_id, &a, &c, e);
	if (!rc && (c.state != FL_CHAT_QUEUED || c.offered_to != agent->id))
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "NotOffered",
				"chat: this chat is not offered to you");
	if (!rc)
		rc = fl_store_chat_skip_add(tx, chat_id, agent->id);
	if (!rc) {
		c.offered_to = c.offered_at = 0;
		rc = fl_store_chat_update(tx, &c);
	}
	/* agent_id 0: the offer is withdrawn (the next one, if any, follows) */
	if (!rc)
		rc = notify(tx, "chat.offered", "{\"chat_id\":%" PRId64 ",\"agent_id\":0}",
			    chat_id);
	if (!rc)
		rc = fl_chat_route(tx, chat_id, now);
	fl_arena_free(&a);
	return rc;
}

/* A private note on the ticket by agent, quiet. */
static int private_note(fl_tx *tx, const struct fl_actor *agent, int64_t ticket_id,
			const char *text, const struct fl_ticket_patch *more, fl_arena *a,
			struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_ticket t;

	if (!p)
		return FL_ENOMEM;
	if (more)
		*p = *more;
	else
		memset(p, 0, sizeof *p);
	if (text && *text) {
		p->comment_body = text;
		p->comment_public = 0;
	}
	p->quiet = 1;
	return fl_ticket_update(tx, agent, ticket_id, p, a, &t, e);
}

int fl_chat_transfer(fl_tx *tx, const struct fl_actor *agent, int64_t chat_id, int64_t to_agent_id,
		     int64_t to_group_id, const char *note, int64_t now, struct fl_err *e)
{
	struct fl_chat_who who = {FL_CHAT_AGENT, 0, agent};
	struct fl_chat_transfer tr = {0};
	struct fl_ticket_patch more = {0};
	struct fl_chat c;
	const char *to;
	char *line;
	size_t n;
	fl_arena a;
	int rc;

	if (!is_agent(agent))
		return FL_EFORBIDDEN;
	if ((to_agent_id > 0) == (to_group_id > 0))
		return fl_err_set(e, FL_EINVAL, "agent_id", "InvalidValue",
				  "agent_id: give an agent or a group to transfer to");
	if (note && (rc = fl_chat_body_check(note, 1, "note", e)))
		return rc;
	if (note && fl_utf8_len(note, strlen(note)) > FL_CHAT_NOTE_MAX)
		return fl_err_set(e, FL_EINVAL, "note", "TooLong", "note: at most %d characters",
				  FL_CHAT_NOTE_MAX);
	fl_arena_init(&a, 0);
	if ((rc = load(tx, &who, chat_id, &a, &c, e)))
		goto out;
	if (!fl_chat_state_live(c.state)) {
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "Ended", "chat: this chat has ended");
		goto out;
	}
	if (c.state == FL_CHAT_ACTIVE && c.agent_id != agent->id && agent->role != FL_ROLE_ADMIN) {
		rc = fl_err_set(e, FL_EFORBIDDEN, "chat", "NotYours",
				"chat: another agent is serving this chat");
		goto out;
	}
	if (to_agent_id) {
		struct fl_user u;
		int room = 0;
		rc = fl_store_user_get(tx, to_agent_id, &a, &u);
		if (rc == FL_ENOTFOUND || (!rc && (u.role < FL_ROLE_AGENT || !u.active))) {
			rc = fl_err_set(e, FL_EINVAL, "agent_id", "InvalidValue",
					"agent_id: no such agent");
			goto out;
		}
		if (!rc && to_agent_id != c.agent_id)
			rc = has_room(tx, to_agent_id, chat_id, &room);
		if (!rc && to_agent_id != c.agent_id && !room)
			rc = fl_err_set(e, FL_EINVAL, "agent_id", "AtCapacity",
					"agent_id: %s is at their chat capacity", u.name);
		if (rc)
			goto out;
		c.state = FL_CHAT_ACTIVE;
		c.agent_id = to_agent_id;
		if (!c.accepted_at)
			c.accepted_at = now;
		c.offered_to = c.offered_at = 0;
		more.has_assignee = 1;
		more.assignee_id = to_agent_id;
		to = u.name;
	} else {
		struct fl_group g;
		rc = fl_store_group_get(tx, to_group_id, &a, &g);
		if (rc == FL_ENOTFOUND || (!rc && g.deleted)) {
			rc = fl_err_set(e, FL_EINVAL, "group_id", "InvalidValue",
					"group_id: no such group");
			goto out;
		}
		if (rc)
			goto out;
		/* back in the queue, in the group: routing offers it there */
		c.state = FL_CHAT_QUEUED;
		c.agent_id = 0;
		c.group_id = to_group_id;
		c.offered_to = c.offered_at = 0;
		c.visitor_seen_at = c.visitor_seen_at > now - SEEN_GAP ? c.visitor_seen_at : now;
		more.has_group = 1;
		more.group_id = to_group_id;
		more.has_assignee = 1;
		more.assignee_id = 0;
		to = g.name;
	}
	/* the line the visitor reads, in their language, the name whole */
	n = strlen(words_for(c.locale)->transferred) + strlen(to) + 1;
	if (!(line = fl_arena_alloc(&a, n))) {
		rc = FL_ENOMEM;
		goto out;
	}
	snprintf(line, n, "%s%s", words_for(c.locale)->transferred, to);
	tr.chat_id = chat_id;
	tr.from_agent_id = agent->id;
	tr.to_agent_id = to_agent_id;
	tr.to_group_id = to_group_id;
	tr.note = (char *)(note ? note : "");
	tr.created_at = now;
	if ((rc = fl_store_chat_update(tx, &c)) || (rc = fl_store_chat_skips_clear(tx, chat_id)) ||
	    (to_agent_id && (rc = fl_store_chat_agent_touch(tx, to_agent_id, now))) ||
	    (rc = fl_store_chat_transfer_insert(tx, &tr)) ||
	    (rc = private_note(tx, agent, c.ticket_id, note, &more, &a, e)) ||
	    (rc = fl_chat_system_message(tx, chat_id, line, now)) || (rc = notify_updated(tx, &c)))
		goto out;
	if (to_group_id)
		rc = fl_chat_route(tx, chat_id, now);
	else
		rc = notify(tx, "chat.offered",
			    "{\"chat_id\":%" PRId64 ",\"agent_id\":%" PRId64 "}", chat_id,
			    to_agent_id);
out:
	fl_arena_free(&a);
	return rc;
}

/* Ends c as by at now: ended, or missed when no agent wrote. */
static int finish(fl_tx *tx, struct fl_chat *c, int by, int64_t now)
{
	int wrote = 0;
	int rc = fl_store_chat_agent_wrote(tx, c->id, &wrote);

	if (rc)
		return rc;
	c->state = wrote ? FL_CHAT_ENDED : FL_CHAT_MISSED;
	c->ended_at = now;
	c->ended_by = by;
	c->offered_to = c->offered_at = 0;
	if ((rc = fl_store_chat_update(tx, c)))
		return rc;
	return notify_updated(tx, c);
}

/* Solves c's ticket by actor, quietly (no solved mail: the widget asks for
 * the rating itself, so the ask counts from now), assigned to assignee_id
 * when it has nobody. A ticket solved or closed already is left as it
 * is. */
static int solve_quietly(fl_tx *tx, const struct fl_actor *actor, const struct fl_chat *c,
			 int64_t assignee_id, int64_t now, fl_arena *a, struct fl_err *e)
{
	struct fl_ticket_patch more = {0};
	struct fl_ticket t;
	int rc = fl_store_ticket_get(tx, c->ticket_id, a, &t);

	if (rc || t.status >= FL_STATUS_SOLVED)
		return rc;
	more.has_status = 1;
	more.status = FL_STATUS_SOLVED;
	if (!t.assignee_id)
		more.has_assignee = 1, more.assignee_id = assignee_id;
	if ((rc = private_note(tx, actor, c->ticket_id, NULL, &more, a, e)) ||
	    (rc = fl_store_ticket_get(tx, c->ticket_id, a, &t)) ||
	    (rc = fl_csat_offer(tx, &t, now)))
		return rc;
	return fl_csat_asked(tx, t.id, now);
}

int fl_chat_end(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int solve, int64_t now,
		fl_arena *a, struct fl_chat *out, struct fl_err *e)
{
	struct fl_chat c;
	int served, rc = load(tx, who, chat_id, a, &c, e);

	if (rc)
		return rc;
	/* an agent serves it: they answered (or took it to answer) */
	served = c.state == FL_CHAT_ACTIVE && c.agent_id;
	if (fl_chat_state_live(c.state) && (rc = finish(tx, &c, who->kind, now)))
		return rc;
	if (c.ticket_id && solve && who->kind == FL_CHAT_AGENT)
		rc = solve_quietly(tx, who->agent, &c, who->agent->id, now, a, e);
	else if (c.ticket_id && served && c.state == FL_CHAT_ENDED && who->kind == FL_CHAT_VISITOR)
		rc = solve_quietly(tx, &desk, &c, c.agent_id, now, a, e);
	if (rc)
		return rc;
	return out ? fl_store_chat_get(tx, chat_id, a, out) : 0;
}

int fl_chat_typing(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int typing,
		   struct fl_err *e)
{
	struct fl_chat c;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = load(tx, who, chat_id, &a, &c, e);
	fl_arena_free(&a);
	if (rc || !fl_chat_state_live(c.state) || who->kind == FL_CHAT_SYSTEM)
		return rc;
	return notify(tx, "chat.typing",
		      "{\"chat_id\":%" PRId64 ",\"author\":\"%s\",\"typing\":%s}", chat_id,
		      fl_chat_author_name(who->kind), typing ? "true" : "false");
}

int fl_chat_read(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t seq,
		 struct fl_err *e)
{
	struct fl_chat c;
	int64_t *mine;
	fl_arena a;
	int rc;

	if (who->kind == FL_CHAT_SYSTEM)
		return FL_EINTERNAL;
	if (seq < 0)
		return fl_err_set(e, FL_EINVAL, "seq", "InvalidValue", "seq: must not be negative");
	fl_arena_init(&a, 0);
	rc = load(tx, who, chat_id, &a, &c, e);
	fl_arena_free(&a);
	if (rc)
		return rc;
	mine = who->kind == FL_CHAT_VISITOR ? &c.visitor_read_seq : &c.agent_read_seq;
	if (seq > c.last_seq)
		seq = c.last_seq;
	if (seq <= *mine)
		return 0;
	*mine = seq;
	if ((rc = fl_store_chat_update(tx, &c)))
		return rc;
	return notify(tx, "chat.read",
		      "{\"chat_id\":%" PRId64 ",\"author\":\"%s\",\"seq\":%" PRId64 "}", chat_id,
		      fl_chat_author_name(who->kind), seq);
}

/* ---- after the chat ---- */

/* The conversation of c as plain text into b (made with room for
 * FL_CHAT_TRANSCRIPT_MAX and one message more): past
 * FL_CHAT_TRANSCRIPT_MAX bytes, the rest is left out with w->cut. The
 * pages read are in a, so they are bounded the same way. */
static int transcript_text(fl_tx *tx, const struct fl_chat *c, const struct chat_words *w,
			   fl_arena *a, fl_buf *b)
{
	int64_t after = 0;
	int rc = fl_buf_addf(b, "%s\n\n", w->intro);

	while (!rc) {
		struct fl_chat_message *m;
		size_t n;
		if ((rc = fl_store_chat_messages(tx, c->id, after, FL_CHAT_MESSAGES_PAGE, a, &m,
						 &n)) ||
		    !n)
			break;
		for (size_t i = 0; !rc && i < n; i++) {
			const char *who = m[i].author == FL_CHAT_VISITOR ? w->visitor
					  : m[i].author == FL_CHAT_AGENT ? m[i].author_name
									 : w->system;
			char when[21];
			if (b->n > FL_CHAT_TRANSCRIPT_MAX)
				return fl_buf_addf(b, "%s\n", w->cut);
			fl_time_iso(m[i].created_at, when);
			rc = fl_buf_addf(b, "[%s] %s:\n%s\n\n", when, who,
					 m[i].body ? m[i].body : "");
			after = m[i].seq;
		}
		if (n < FL_CHAT_MESSAGES_PAGE)
			break;
	}
	return rc;
}

int fl_chat_transcript(fl_tx *tx, int64_t visitor_id, int64_t chat_id, const char *email,
		       int64_t now, fl_arena *out_a, char **to, struct fl_err *e)
{
	struct fl_chat_who who = {FL_CHAT_VISITOR, visitor_id, NULL};
	const struct chat_words *w;
	struct fl_chat c;
	struct fl_user u;
	struct fl_message msg = {0};
	char subject[200];
	fl_arena a;
	fl_buf b;
	char *norm = NULL;
	int rc;

	fl_arena_init(&a, 0);
	/* a message is at most FL_CHAT_BODY_MAX characters of 4 bytes, and
	 * its line of time and name fits in 1 KB */
	fl_buf_init(&b, FL_CHAT_TRANSCRIPT_MAX + FL_CHAT_BODY_MAX * 4 + 1024);
	if ((rc = load(tx, &who, chat_id, &a, &c, e)))
		goto out;
	if (c.transcript_sent_at && now - c.transcript_sent_at < FL_CHAT_TRANSCRIPT_EVERY) {
		rc = fl_err_set(e, FL_ERATE, "chat", "TooSoon",
				"chat: the transcript was sent a moment ago");
		goto out;
	}
	if (email && *email) {
		if (!(norm = fl_arena_strdup(&a, email))) {
			rc = FL_ENOMEM;
			goto out;
		}
		if (fl_email_normalize(norm)) {
			rc = fl_err_set(e, FL_EINVAL, "email", "InvalidValue",
					"email: is not a valid e-mail address");
			goto out;
		}
	}
	/* only to the address the chat's customer was found or made by: one
	 * named now would make the desk mail a stranger what a visitor wrote */
	if ((rc = fl_store_user_get(tx, c.requester_id, &a, &u)))
		goto out;
	if (!u.email || !*u.email) {
		rc = fl_err_set(e, FL_EINVAL, "email", "Blank",
				"email: this chat has no e-mail address; give yours when you start "
				"a chat to get its transcript");
		goto out;
	}
	if (norm && strcmp(u.email, norm)) {
		rc = fl_err_set(e, FL_EINVAL, "email", "NotYours",
				"email: the transcript goes to the address you gave at the start");
		goto out;
	}
	w = words_for(c.locale);
	snprintf(subject, sizeof subject, "%s [#%" PRId64 "]", w->subject, c.ticket_id);
	if ((rc = transcript_text(tx, &c, w, &a, &b)))
		goto out;
	msg.user_id = u.id;
	msg.ticket_id = c.ticket_id;
	msg.subject = subject;
	msg.body = b.p ? b.p : "";
	c.transcript_sent_at = now;
	if (!(rc = fl_message_send(tx, &msg)))
		rc = fl_store_chat_update(tx, &c);
	if (!rc && to && !(*to = fl_arena_strdup(out_a, u.email)))
		rc = FL_ENOMEM;
out:
	fl_buf_free(&b);
	fl_arena_free(&a);
	return rc;
}

int fl_chat_rate(fl_tx *tx, int64_t visitor_id, int64_t chat_id, int score, const char *comment,
		 int64_t now, struct fl_err *e)
{
	struct fl_chat_who who = {FL_CHAT_VISITOR, visitor_id, NULL};
	struct fl_csat_in in = {.score = score, .comment = comment, .keep_reason = 1};
	struct fl_csat_rating r;
	struct fl_chat c;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = load(tx, &who, chat_id, &a, &c, e);
	if (!rc && fl_chat_state_live(c.state))
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "Live",
				"chat: rate the chat once it has ended");
	else if (!rc && c.state != FL_CHAT_ENDED)
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "Missed",
				"chat: nobody answered in this chat, so there is nothing to rate; "
				"we reply by e-mail");
	else if (!rc && c.ticket_status < FL_STATUS_SOLVED)
		rc = fl_err_set(e, FL_ECONFLICT, "chat", "NotSolved",
				"chat: your request is still open; we follow it up by e-mail, "
				"and you can rate it once it is solved");
	if (!rc)
		rc = fl_csat_rate(tx, c.ticket_id, c.requester_id, &in, now, &a, &r, e);
	if (!rc && !c.rated) {
		c.rated = 1;
		rc = fl_store_chat_update(tx, &c);
	}
	fl_arena_free(&a);
	return rc;
}

int fl_chat_offline(fl_tx *tx, int64_t visitor_id, const struct fl_chat_offline_in *in, int64_t now,
		    int64_t *ticket_id, struct fl_err *e)
{
	struct fl_chat_settings s;
	struct fl_chat_visitor v;
	struct fl_user u;
	struct fl_intake it = {0};
	struct fl_intake_result res;
	struct fl_chat c = {0};
	struct fl_chat_message m = {0};
	const char *lang, *topic;
	char *email, cid[40];
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	if ((rc = fl_chat_settings_get(tx, &a, &s)) ||
	    (rc = fl_store_chat_visitor_get(tx, visitor_id, &a, &v)))
		goto out;
	lang = visitor_lang(&v, in->locale);
	if (!s.enabled) {
		rc = fl_err_set(e, FL_EINVAL, "chat", "Disabled", "chat: chat is turned off");
		goto out;
	}
	if ((rc = check_form(&s, in->name, in->email, in->topic, 1, &a, &email, &topic, e)) ||
	    (rc = fl_chat_body_check(in->body, 0, "message", e)) ||
	    (rc = requester(tx, &v, in->name, email, lang, &a, &u, e)))
		goto out;
	it.channel = FL_CHANNEL_CHAT;
	it.via = &desk;
	it.from = (struct fl_sender){FL_SENDER_EMAIL, email, in->name};
	it.field = "email";
	it.lang = lang;
	it.text = in->body;
	it.group_id = s.group_id;
	it.tags[it.ntags++] = "chat";
	it.tags[it.ntags++] = "chat_offline";
	if (*topic)
		it.tags[it.ntags++] = topic;
	if ((rc = fl_ticket_intake(tx, &it, &a, &res, e)))
		goto out;
	c.visitor_id = visitor_id;
	c.ticket_id = res.ticket.id;
	c.requester_id = u.id;
	c.state = FL_CHAT_OFFLINE;
	c.group_id = s.group_id;
	c.topic = (char *)topic;
	c.locale = (char *)lang;
	c.created_at = c.ended_at = c.visitor_seen_at = now;
	c.ended_by = FL_CHAT_VISITOR;
	if ((rc = fl_store_chat_insert(tx, &c)))
		goto out;
	snprintf(cid, sizeof cid, "offline#%" PRId64, c.id);
	m.chat_id = c.id;
	m.author = FL_CHAT_VISITOR;
	m.author_id = visitor_id;
	m.client_id = cid;
	m.body = (char *)in->body;
	m.created_at = now;
	m.comment_id = res.comment_id;
	if (!(rc = fl_store_chat_message_insert(tx, &m)))
		*ticket_id = c.ticket_id;
out:
	fl_arena_free(&a);
	return rc;
}

/* ---- reading ---- */

int fl_chat_messages(fl_tx *tx, const struct fl_chat_who *who, int64_t chat_id, int64_t after,
		     size_t limit, fl_arena *a, struct fl_chat_message **out, size_t *n)
{
	struct fl_chat c;
	int rc = fl_chat_load(tx, who, chat_id, a, &c);

	if (rc)
		return rc;
	if (!limit || limit > FL_CHAT_MESSAGES_PAGE)
		limit = FL_CHAT_MESSAGES_PAGE;
	return fl_store_chat_messages(tx, chat_id, after > 0 ? after : 0, limit, a, out, n);
}

int fl_chat_visitor_chats(fl_tx *tx, int64_t visitor_id, fl_arena *a, struct fl_chat **out,
			  size_t *n)
{
	return fl_store_chat_list_visitor(tx, visitor_id, FL_CHAT_LIST_MAX, a, out, n);
}

int fl_chat_list(fl_tx *tx, const struct fl_chat_filter *f, fl_arena *a, struct fl_chat **out,
		 size_t *n, int64_t *total)
{
	return fl_store_chat_list(tx, f, a, out, n, total);
}

int fl_chat_context(fl_tx *tx, const struct fl_chat *chat, fl_arena *a, struct fl_chat_context *out)
{
	struct fl_chat_context x = {0};
	struct fl_store_contract_filter f = {0};
	struct fl_identity *ids;
	int64_t tier = 0, org_tier = 0, total, *tickets;
	size_t n, nids;
	int rc = fl_store_user_get(tx, chat->requester_id, a, &x.requester);

	if (!rc)
		rc = fl_store_tier_of_customer(tx, x.requester.id, 0, &tier, &org_tier);
	if (!rc && (tier || org_tier)) {
		rc = fl_store_tier_get(tx, tier ? tier : org_tier, a, &x.tier);
		if (rc == FL_ENOTFOUND)
			rc = 0;
	}
	if (!rc) {
		f.user_id = x.requester.id;
		f.ends_to = INT32_MAX;
		f.starts_to = INT32_MAX;
		f.ends_from = INT32_MIN;
		f.starts_from = INT32_MIN;
		rc = fl_store_contract_list(tx, &f, 0, 20, a, &x.contracts, &x.ncontracts, &total);
	}
	if (!rc)
		rc = fl_store_chat_requester_tickets(tx, x.requester.id, FL_CHAT_CONTEXT_TICKETS, a,
						     &tickets, &n);
	if (!rc && n && !(x.tickets = fl_arena_alloc(a, n * sizeof *x.tickets)))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = fl_store_ticket_get(tx, tickets[i], a, &x.tickets[x.ntickets])))
			x.ntickets++;
	if (!rc && x.requester.email) {
		rc = fl_store_identity_list(tx, x.requester.id, a, &ids, &nids);
		for (size_t i = 0; !rc && i < nids; i++)
			if (ids[i].type == FL_IDENT_EMAIL && ids[i].value &&
			    !strcmp(ids[i].value, x.requester.email))
				x.email_verified = ids[i].verified;
	}
	if (!rc)
		*out = x;
	return rc;
}

int fl_chat_capacity_set(fl_tx *tx, int64_t user_id, int64_t capacity, int64_t now,
			 struct fl_err *e)
{
	struct fl_user u;
	fl_arena a;
	int rc;

	if (capacity < 0 || capacity > FL_CHAT_CAPACITY_MAX)
		return fl_err_set(e, FL_EINVAL, "capacity", "InvalidValue",
				  "capacity: must be 0 to %d", FL_CHAT_CAPACITY_MAX);
	fl_arena_init(&a, 0);
	rc = fl_store_user_get(tx, user_id, &a, &u);
	fl_arena_free(&a);
	if (rc == FL_ENOTFOUND || (!rc && u.role < FL_ROLE_AGENT))
		return fl_err_set(e, FL_EINVAL, "agent_id", "InvalidValue",
				  "agent_id: no such agent");
	if (!rc)
		rc = fl_store_chat_capacity_set(tx, user_id, capacity, now);
	return rc ? rc : fl_chat_route_all(tx, now, NULL);
}

int fl_chat_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	struct fl_chat c;
	int64_t chat_id;
	fl_arena a;
	int rc;

	if (w->kind != FL_EVENT_DELETE)
		return 0;
	rc = fl_store_chat_live_of_ticket(tx, w->t->id, &chat_id);
	if (rc)
		return rc == FL_ENOTFOUND ? 0 : rc;
	fl_arena_init(&a, 0);
	rc = fl_store_chat_get(tx, chat_id, &a, &c);
	if (!rc)
		rc = finish(tx, &c, FL_CHAT_SYSTEM, w->now);
	fl_arena_free(&a);
	return rc;
}
