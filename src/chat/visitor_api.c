/* The chat widget's API: what a visitor on a company's site may do, with
 * no account (docs/api.md "Live chat", the visitor side).
 *   GET  /chat/frame                          the widget's page, framable
 *   GET  /chat/api/config?locale=             looks, pre-chat form, open or not
 *   POST /chat/api/visitors                   a visitor and their token
 *   GET  /chat/api/chats                      their chats, newest first
 *   POST /chat/api/chats                      start one, with the first message
 *   GET  /chat/api/chats/{id}                 one of theirs
 *   GET  /chat/api/chats/{id}/messages?after= the messages after a seq
 *   POST /chat/api/chats/{id}/messages        a message (client_id deduplicates)
 *   POST /chat/api/chats/{id}/typing | read | end | transcript | rating
 *   GET  /chat/api/chats/{id}/attachments/{a}?link=    a file of the chat
 *   POST /chat/api/uploads?filename=          a file, its bytes as the body
 *   POST /chat/api/offline                    a message while nobody chats
 *   GET  /chat/api/stream?token=&chat_id=     that chat's events (SSE)
 *
 * Everything here comes from strangers. A visitor is who their token says
 * (X-Chat-Token; ?token= only where a browser sends no headers: the
 * EventSource stream, and a file's download): every handler goes through
 * as_visitor, which checks it and then
 * runs the handler's transaction as that visitor; the domain answers 404
 * for another visitor's chat. Routes read no session cookie
 * (FL_ROUTE_NO_AUTH): an agent's browser testing the widget is a visitor.
 *
 * Rate limits, per node (core/limit.h), each a 429 with Retry-After that
 * the widget waits out and resends (a refused message was not written, so
 * nothing is lost or doubled):
 *   per address: 8 new visitors a minute, 8 messages a second (an office
 *   behind one address chats), 8 uploads in 10 s, 8 offline messages in
 *   10 minutes (each mails an acknowledgement), 8 transcripts an hour;
 *   per address mailed: 3 transcripts an hour, across visitors;
 *   per visitor (the one their token proves, checked first: a forged
 *   token counts against nobody): 8 chats started in 10 minutes, 8 messages
 *   in 2 s, 8 typing notes in 10 s, 8 read receipts in 2 s, 8 uploads a
 *   minute, 8 transcripts, ratings, ends in 10 minutes, 8 streams opened
 *   in 10 s.
 * Bodies: 64 KB of JSON at most (a message is FL_CHAT_BODY_MAX characters,
 * 422 naming "body" past it; a megabyte is a 413 before it is read), JSON
 * nested at most 64 deep (core/input.c), files as the attachment rules say
 * and never an executable (422 naming "file"). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachments/attachment_api.h"
#include "chat/chat.h"
#include "chat/chat_api.h"
#include "core/input.h"
#include "core/limit.h"
#include "core/time.h"
#include "events/hub.h"
#include "feedback/csat.h"
#include "http/http.h"
#include "portal/link.h"
#include "store/attachments.h"
#include "tickets/intake.h"

#define JSON_LIMIT (64 * 1024)
/* A visitor's stream notes that they are still there at most this often,
 * from its wakes (at least every 15 s): well within FL_CHAT_GONE_SECONDS, so that a queued
 * visitor watching an open stream is never taken for gone. */
#define SEEN_EVERY 30

static struct fl_limiter visitors_by_address = FL_LIMITER(8, 60);
static struct fl_limiter messages_by_address = FL_LIMITER(8, 1);
static struct fl_limiter uploads_by_address = FL_LIMITER(8, 10);
static struct fl_limiter offline_by_address = FL_LIMITER(8, 600);
static struct fl_limiter transcripts_by_address = FL_LIMITER(8, 3600);
/* keyed by the address mailed, across this node's visitors: however many
 * chats claim one address, it gets few transcripts from each node (like
 * every limiter here, it is this process's memory, not shared) */
static struct fl_limiter transcripts_by_email = FL_LIMITER(3, 3600);
static struct fl_limiter starts = FL_LIMITER(8, 600);
static struct fl_limiter messages = FL_LIMITER(8, 2);
static struct fl_limiter typings = FL_LIMITER(8, 10);
static struct fl_limiter reads = FL_LIMITER(8, 2);
static struct fl_limiter uploads = FL_LIMITER(8, 60);
static struct fl_limiter closings = FL_LIMITER(8, 600);
static struct fl_limiter streams = FL_LIMITER(8, 10);

struct msg_in {
	const char *client_id, *body;
	const char *uploads[FL_CHAT_UPLOADS_MAX];
	size_t nuploads;
	int has_client_id, has_body, has_uploads;
};

struct start_in {
	const char *name, *email, *topic, *locale;
	json_t *message; /* borrowed from the body */
	int has_name, has_email, has_topic, has_locale;
};

struct act_in {
	int typing;
	int64_t seq;
	const char *email, *score, *comment;
	int has_typing, has_seq, has_email, has_score, has_comment;
};

struct ctx {
	const char *token;
	int query_token; /* ?token= is read too: where a browser sends no headers */
	char *key;       /* the store's link key (link_key) */
	int64_t now, visitor_id;
	struct fl_chat_who who;
	fl_req_tx then; /* the handler's transaction, run as the visitor */
	int writes;
	const char *lang;
	struct fl_chat chat, *chats;
	size_t n;
	struct fl_chat_message msg, *msgs;
	int dup;
	struct fl_chat_settings settings;
	struct fl_chat_status status;
	struct fl_chat_start_in start;
	struct fl_chat_post_in post;
	struct fl_chat_offline_in offline;
	struct start_in sin;
	struct act_in ain;
	int64_t after, ticket_id, chat_id;
	struct fl_intake_file file;
	struct fl_chat_file up;
	struct fl_attachment att;
	const char *data;
	size_t ndata;
};

#define M(m) offsetof(struct msg_in, m)
static const struct fl_field msg_fields[] = {
	{"client_id", FL_FT_STRING, FL_CHAT_CLIENT_ID_MAX, 0, 0, NULL, M(client_id),
	 M(has_client_id), 0, 0},
	/* the characters are counted by fl_chat_body_check, which names the
	 * field; this only bounds the copy */
	{"body", FL_FT_STRING, JSON_LIMIT, 0, 1, NULL, M(body), M(has_body), 0, 0},
	{"uploads", FL_FT_STRINGS, FL_CHAT_UPLOADS_MAX, 64, 1, NULL, M(uploads), M(has_uploads),
	 M(nuploads), 0},
	FL_FIELDS_END,
};

#define S(m) offsetof(struct start_in, m)
static const struct fl_field start_fields[] = {
	{"name", FL_FT_STRING, FL_CHAT_NAME_MAX, 0, 1, NULL, S(name), S(has_name), 0, 0},
	{"email", FL_FT_STRING, 254, 0, 1, NULL, S(email), S(has_email), 0, 0},
	{"topic", FL_FT_STRING, FL_CHAT_TOPIC_MAX, 0, 1, NULL, S(topic), S(has_topic), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 1, NULL, S(locale), S(has_locale), 0, 0},
	FL_FIELDS_END,
};

#define A(m) offsetof(struct act_in, m)
static const struct fl_field act_fields[] = {
	{"typing", FL_FT_BOOL, 0, 0, 0, NULL, A(typing), A(has_typing), 0, 0},
	{"seq", FL_FT_INT, INT32_MAX, 0, 0, NULL, A(seq), A(has_seq), 0, 0},
	{"email", FL_FT_STRING, 254, 0, 1, NULL, A(email), A(has_email), 0, 0},
	{"score", FL_FT_STRING, 16, 0, 0, NULL, A(score), A(has_score), 0, 0},
	{"comment", FL_FT_STRING, FL_CSAT_COMMENT_MAX, 0, 1, NULL, A(comment), A(has_comment), 0,
	 0},
	FL_FIELDS_END,
};

/* ---- the one door: who the visitor is, and their limits ------------------- */

static int too_many(struct fl_req *r, int64_t wait, const char *what)
{
	char secs[24];

	snprintf(secs, sizeof secs, "%lld", (long long)wait);
	fl_req_header(r, "Retry-After", secs);
	return fl_req_fail(r, FL_ERATE, NULL, "TooManyRequests",
			   "Too many %s; retry in %lld seconds", what, (long long)wait);
}

/* 0 while the client's address is within l; past it, a 429. */
static int by_address(struct fl_req *r, struct fl_limiter *l, const char *what)
{
	char key[48];
	int64_t wait;

	fl_limit_address_key(fl_req_peer(r), key);
	return fl_limiter_take(l, key, fl_now(), &wait) ? too_many(r, wait, what) : 0;
}

/* A token's shape (portal/link.h: digits, dashes, hex): anything else is
 * refused before it costs a transaction. */
static int token_shaped(const char *z)
{
	size_t n = z ? strlen(z) : 0;
	return n && n <= FL_LINK_TOKEN_MAX && strspn(z, "0123456789abcdef-") == n;
}

/* The store's link key (portal/link.h), read once and kept: a server
 * makes it at its first start and never changes it, so that a visitor's
 * token is checked (an HMAC) before it costs a transaction or a place in
 * a limiter. Kept with the store it came from: a process serves one. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static const fl_store *key_store;
static char *kept_key;

static int tx_key(fl_tx *tx, void *arg)
{
	struct fl_req *r = arg;
	struct ctx *c = r->ctx;
	return fl_link_key(tx, &r->arena, &c->key);
}

/* c->key: the link key, in r's arena. */
static int link_key(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *fresh;
	int rc;

	pthread_mutex_lock(&key_lock);
	c->key = key_store == r->store && kept_key ? fl_arena_strdup(&r->arena, kept_key) : NULL;
	pthread_mutex_unlock(&key_lock);
	if (c->key)
		return 0;
	if ((rc = fl_store_read(r->store, tx_key, r)))
		return rc;
	if (!c->key) /* fl_link_key_init runs before the server serves */
		return FL_EINTERNAL;
	if (!(fresh = strdup(c->key)))
		return FL_ENOMEM;
	pthread_mutex_lock(&key_lock);
	free(kept_key);
	kept_key = fresh;
	key_store = r->store;
	pthread_mutex_unlock(&key_lock);
	return 0;
}

static int tx_visitor(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_visitor_known(tx, c->visitor_id, &r->err);

	if (rc)
		return rc;
	c->who = (struct fl_chat_who){.kind = FL_CHAT_VISITOR, .visitor_id = c->visitor_id};
	if (c->writes && (rc = fl_chat_visitor_seen(tx, c->visitor_id, c->now)))
		return rc;
	return c->then(tx, r);
}

/* Who the visitor is (after the handler's limit per address, if any):
 * their token, checked before anything else costs (401 naming "token"
 * when missing or not the desk's), c->visitor_id, then their limit l for
 * what they do (what: "messages", …; NULL for none) counted by the
 * visitor the token proves — a forged token counts nowhere. No
 * transaction: the visitor's existence is tx_visitor's. */
static int visitor_auth(struct fl_req *r, struct fl_limiter *l, const char *what)
{
	struct ctx *c = r->ctx;
	char key[32];
	int64_t wait;
	int rc;

	c->token = fl_req_header_in(r, "X-Chat-Token");
	if (!c->token && c->query_token)
		c->token = fl_req_arg(r, "token");
	if (!c->token || !*c->token)
		return fl_req_fail(r, FL_EAUTH, "token", "Blank",
				   "token: send the visitor's token in X-Chat-Token");
	if (!token_shaped(c->token))
		return fl_req_fail(r, FL_EAUTH, "token", "InvalidValue",
				   "token: this is not a visitor token of this desk");
	c->now = fl_now();
	if ((rc = link_key(r)) ||
	    (rc = fl_chat_visitor_check(c->key, c->token, c->now, &c->visitor_id, &r->err)))
		return rc;
	snprintf(key, sizeof key, "visitor %lld", (long long)c->visitor_id);
	if (l && fl_limiter_take(l, key, c->now, &wait))
		return too_many(r, wait, what);
	return 0;
}

/* fn as the visitor visitor_auth proved, in a write (writes) or read
 * transaction, and render. */
static int run_visitor(struct fl_req *r, int writes, fl_req_tx fn, fl_render render)
{
	struct ctx *c = r->ctx;

	c->then = fn;
	c->writes = writes;
	return writes ? fl_req_write(r, tx_visitor, render) : fl_req_read(r, tx_visitor, render);
}

/* Every visitor's request comes through here: visitor_auth, then
 * run_visitor. */
static int as_visitor(struct fl_req *r, struct fl_limiter *l, const char *what, int writes,
		      fl_req_tx fn, fl_render render)
{
	int rc = visitor_auth(r, l, what);
	return rc ? rc : run_visitor(r, writes, fn, render);
}

/* The JSON body as an object (an empty one when none was sent). */
static json_t *body_of(struct fl_req *r)
{
	if (!r->body)
		r->body = json_object();
	return r->body;
}

static int decode(struct fl_req *r, const struct fl_field *spec, void *out)
{
	json_t *b = body_of(r);
	if (!b)
		return FL_ENOMEM;
	return fl_input_decode(b, spec, out, &r->arena, &r->err);
}

int fl_chat_message_decode(json_t *obj, const char *prefix, fl_arena *a,
			   struct fl_chat_post_in *out, struct fl_err *e)
{
	struct msg_in in = {0};
	char field[64];
	int rc;

	if (!json_is_object(obj))
		return fl_err_set(e, FL_EINVAL, *prefix ? "message" : "body", "InvalidType",
				  "%s: an object with client_id and body",
				  *prefix ? "message" : "body");
	rc = fl_input_decode(obj, msg_fields, &in, a, e);
	if (rc == FL_EINVAL && *prefix) {
		snprintf(field, sizeof field, "%s%s", prefix, e->field);
		snprintf(e->field, sizeof e->field, "%s", field);
	}
	if (rc)
		return rc;
	snprintf(field, sizeof field, "%sclient_id", prefix);
	if (!in.has_client_id)
		return fl_err_set(e, FL_EINVAL, field, "Blank",
				  "client_id: every message carries the client's id");
	if ((rc = fl_chat_client_id_check(in.client_id, e))) {
		snprintf(e->field, sizeof e->field, "%s", field);
		return rc;
	}
	snprintf(field, sizeof field, "%sbody", prefix);
	if ((rc = fl_chat_body_check(in.body ? in.body : "", in.nuploads > 0, field, e)))
		return rc;
	*out = (struct fl_chat_post_in){
		.body = in.body ? in.body : "", .client_id = in.client_id, .nuploads = in.nuploads};
	memcpy(out->uploads, in.uploads, in.nuploads * sizeof *out->uploads);
	return 0;
}

int fl_chat_start_decode(json_t *obj, fl_arena *a, struct fl_chat_start_in *out, struct fl_err *e)
{
	struct start_in in = {0};
	struct fl_chat_start_in s = {0};
	int rc = fl_input_decode(obj, start_fields, &in, a, e);

	if (!rc)
		rc = fl_chat_name_check(in.name, "name", e);
	if (!rc)
		rc = fl_chat_message_decode(json_object_get(obj, "message"), "message.", a,
					    &s.message, e);
	if (rc)
		return rc;
	s.name = in.name;
	s.email = in.email;
	s.topic = in.topic;
	s.locale = in.locale;
	*out = s;
	return 0;
}

/* ---- rendering -------------------------------------------------------------- */

static int render_chat(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:o}", "chat", fl_chat_visitor_json(&c->chat, c->now)));
}

static int render_message(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, c->dup ? 200 : 201,
			    json_pack("{s:o}", "message",
				      fl_chat_message_json(r, &c->msg, c->key, c->now)));
}

/* ---- the frame and the configuration ---------------------------------------- */

static int tx_settings(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_settings_get(tx, &r->arena, &c->settings);

	if (!rc && c->lang) /* the configuration's, not the frame's */
		rc = fl_chat_status(tx, 0, fl_now(), &c->status);
	return rc;
}

/* The frame's frame-ancestors: any site, or the allowed origins. This is
 * where allowed origins are enforced (by the browser, which knows the
 * parent page's origin; no request of ours does): each one is
 * scheme://host[:port] as fl_chat_settings_check made sure, so it goes in
 * the header as it is. */
static int render_frame(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	fl_buf b;
	int rc = 0;

	if (!c->settings.norigins)
		return fl_req_page(r, "/chat/index.html", "*");
	fl_buf_init(&b, FL_CHAT_ORIGINS_MAX * (FL_CHAT_ORIGIN_MAX + 1) + 8);
	for (size_t i = 0; i < c->settings.norigins && !rc; i++)
		rc = fl_buf_addf(&b, "%s%s", i ? " " : "", c->settings.origins[i]);
	if (!rc)
		rc = fl_req_page(r, "/chat/index.html", b.p);
	fl_buf_free(&b);
	return rc;
}

static int h_frame(struct fl_req *r)
{
	return fl_req_read(r, tx_settings, render_frame);
}

static json_t *prechat_json(const struct fl_chat_settings *s)
{
	return json_pack("{s:s, s:s, s:s}", "name", fl_chat_prechat_name(s->prechat_name), "email",
			 fl_chat_prechat_name(s->prechat_email), "topic",
			 fl_chat_prechat_name(s->prechat_topic));
}

static int render_config(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const struct fl_chat_settings *s = &c->settings;
	json_t *topics = json_array();

	for (size_t i = 0; topics && i < s->ntopics; i++)
		json_array_append_new(topics,
				      json_pack("{s:s, s:s}", "key", s->topics[i].key, "label",
						fl_chat_words_in(&s->topics[i].label, c->lang)));
	return fl_req_reply(r, 200,
			    json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:I, s:o, s:s}", "color",
				      s->color, "title", fl_chat_words_in(&s->title, c->lang),
				      "greeting", fl_chat_words_in(&s->greeting, c->lang),
				      "prechat", prechat_json(s), "topics", topics, "enabled",
				      s->enabled, "open", s->enabled && c->status.open_now,
				      "expected_wait_seconds", (json_int_t)c->status.expected_wait,
				      "next_open_at", fl_json_time(c->status.next_open_at),
				      "locale", c->lang));
}

/* GET /chat/api/config?locale=: what the widget shows before anyone
 * chats; the words in locale (else the browser's language). No token. */
static int h_config(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *loc = fl_req_arg(r, "locale");

	c->lang = fl_chat_lang(loc ? loc : fl_req_header_in(r, "Accept-Language"));
	return fl_req_read(r, tx_settings, render_config);
}

/* ---- visitors ------------------------------------------------------------------ */

static int tx_visitor_new(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *token;
	int rc = fl_chat_visitor_new(tx, c->lang, c->now, &c->visitor_id);

	if (!rc && !(rc = fl_chat_visitor_token(tx, c->visitor_id, c->now, &r->arena, &token)))
		c->token = token;
	return rc;
}

static int render_visitor_new(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201,
			    json_pack("{s:s, s:I}", "token", c->token, "visitor_id",
				      (json_int_t)c->visitor_id));
}

/* POST /chat/api/visitors {"locale"?}: 201 {"token","visitor_id"}. */
static int h_visitor_new(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = by_address(r, &visitors_by_address, "new visitors from your address");

	if (rc || (rc = decode(r, start_fields, &c->sin)))
		return rc;
	c->lang = fl_chat_lang(c->sin.locale ? c->sin.locale
					     : fl_req_header_in(r, "Accept-Language"));
	c->now = fl_now();
	return fl_req_write(r, tx_visitor_new, render_visitor_new);
}

/* ---- chats --------------------------------------------------------------------- */

static int tx_chats(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_visitor_chats(tx, c->visitor_id, &r->arena, &c->chats, &c->n);
}

static int render_chats(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->n; i++)
		json_array_append_new(a, fl_chat_visitor_json(&c->chats[i], c->now));
	return fl_req_reply(r, 200, json_pack("{s:o}", "chats", a));
}

static int h_chats(struct fl_req *r)
{
	return as_visitor(r, NULL, NULL, 0, tx_chats, render_chats);
}

/* The start a repeat of: the visitor's live chat whose first message has
 * this client id (the answer to the first try was lost on the way). */
static int tx_repeat_start(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_chat_message *m;
	size_t n;
	int rc = fl_chat_visitor_chats(tx, c->visitor_id, &r->arena, &c->chats, &c->n);

	for (size_t i = 0; !rc && i < c->n; i++) {
		if (!fl_chat_state_live(c->chats[i].state))
			continue;
		rc = fl_chat_messages(tx, &c->who, c->chats[i].id, 0, 1, &r->arena, &m, &n);
		if (!rc && n && m[0].client_id &&
		    !strcmp(m[0].client_id, c->start.message.client_id)) {
			c->chat = c->chats[i];
			c->msg = m[0];
			c->dup = 1;
			return 1;
		}
	}
	return rc;
}

static int tx_start(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_err e = {0};
	int rc = fl_chat_start(tx, c->visitor_id, &c->start, c->now, &r->arena, &c->chat, &c->msg,
			       &e);

	/* only a chat already open may be this start's repeat; another
	 * conflict (a unique key raced on PostgreSQL, the transaction now
	 * aborted) goes back to the store, which retries the whole start */
	if (rc == FL_ECONFLICT && !strcmp(e.reason, "Open")) {
		int again = tx_repeat_start(tx, r);
		if (again)
			return again < 0 ? again : 0;
	}
	r->err = e;
	return rc;
}

static int render_start(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, c->dup ? 200 : 201,
			    json_pack("{s:o, s:o}", "chat", fl_chat_visitor_json(&c->chat, c->now),
				      "message", fl_chat_message_json(r, &c->msg, c->key, c->now)));
}

/* POST /chat/api/chats {"name","email","topic","locale","message":{…}}:
 * 201 {"chat","message"}; the same first message again (its client_id)
 * is 200 with what the first try made; 409 naming "chat" while another
 * is open. */
static int h_start(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = by_address(r, &messages_by_address, "messages from your address");

	if (rc || (rc = fl_chat_start_decode(body_of(r), &r->arena, &c->start, &r->err)))
		return rc;
	return as_visitor(r, &starts, "chats started", 1, tx_start, render_start);
}

static int tx_chat(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_load(tx, &c->who, r->id[0], &r->arena, &c->chat);
}

static int h_chat(struct fl_req *r)
{
	return as_visitor(r, NULL, NULL, 0, tx_chat, render_chat);
}

/* ---- messages ------------------------------------------------------------------ */

static int tx_messages(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_messages(tx, &c->who, r->id[0], c->after, FL_CHAT_MESSAGES_PAGE, &r->arena,
				&c->msgs, &c->n);
}

static int render_messages(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_messages_reply(r, c->msgs, c->n, c->key, c->now);
}

static int h_messages(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_after_arg(r, &c->after);
	return rc ? rc : as_visitor(r, NULL, NULL, 0, tx_messages, render_messages);
}

static int tx_post(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_post(tx, &c->who, r->id[0], &c->post, c->now, &r->arena, &c->msg, &c->dup,
			    &r->err);
}

/* POST /chat/api/chats/{id}/messages {"client_id","body","uploads"}: 201
 * {"message"} once committed; a client_id sent before: 200, the stored
 * message, nothing written. */
static int h_post(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = by_address(r, &messages_by_address, "messages from your address");

	if (rc || (rc = fl_chat_message_decode(body_of(r), "", &r->arena, &c->post, &r->err)))
		return rc;
	return as_visitor(r, &messages, "messages", 1, tx_post, render_message);
}

/* ---- typing, read, end, transcript, rating ---------------------------------------- */

static int tx_typing(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_typing(tx, &c->who, r->id[0], c->ain.typing, &r->err);
}

/* POST …/typing {"typing":true|false}: 204. */
static int h_typing(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode(r, act_fields, &c->ain);

	if (!rc && !c->ain.has_typing)
		rc = fl_req_fail(r, FL_EINVAL, "typing", "Blank", "typing: true or false");
	return rc ? rc : as_visitor(r, &typings, "typing notes", 1, tx_typing, fl_req_no_content);
}

static int tx_read(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_read(tx, &c->who, r->id[0], c->ain.seq, &r->err);
}

/* POST …/read {"seq":N}: 204; the agent sees chat.read. */
static int h_read(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode(r, act_fields, &c->ain);

	if (!rc && !c->ain.has_seq)
		rc = fl_req_fail(r, FL_EINVAL, "seq", "Blank",
				 "seq: the seq of the last message read");
	return rc ? rc : as_visitor(r, &reads, "read receipts", 1, tx_read, fl_req_no_content);
}

static int tx_end(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_end(tx, &c->who, r->id[0], 0, c->now, &r->arena, &c->chat, &r->err);
}

/* POST …/end: 200 {"chat"}, ended (or missed when nobody answered). */
static int h_end(struct fl_req *r)
{
	return as_visitor(r, &closings, "requests", 1, tx_end, render_chat);
}

static int tx_transcript(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *to, key[300];
	int64_t wait;
	int rc = fl_chat_transcript(tx, c->visitor_id, r->id[0], c->ain.email, c->now, &r->arena,
				    &to, &r->err);

	if (rc)
		return rc;
	/* counted once the mail is sure; refused, the mail is rolled back */
	snprintf(key, sizeof key, "email %s", to);
	if (fl_limiter_take(&transcripts_by_email, key, c->now, &wait))
		return too_many(r, wait, "transcripts to this address");
	return 0;
}

static int render_accepted(struct fl_req *r)
{
	return fl_req_reply(r, 202, json_pack("{s:s}", "status", "queued"));
}

/* POST …/transcript {"email"?}: 202 once the mail is queued, to the
 * address given at the chat's start (the domain's rule). */
static int h_transcript(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = by_address(r, &transcripts_by_address, "transcripts from your address");

	if (rc || (rc = decode(r, act_fields, &c->ain)))
		return rc;
	return as_visitor(r, &closings, "requests", 1, tx_transcript, render_accepted);
}

static int tx_rating(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_rate(tx, c->visitor_id, r->id[0], fl_csat_score_parse(c->ain.score),
			      c->ain.comment, c->now, &r->err);
	return rc ? rc : fl_chat_load(tx, &c->who, r->id[0], &r->arena, &c->chat);
}

static int render_rating(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:s, s:s}, s:o}", "rating", "score", c->ain.score,
				      "comment", c->ain.comment ? c->ain.comment : "", "chat",
				      fl_chat_visitor_json(&c->chat, c->now)));
}

/* POST …/rating {"score":"good|bad","comment"}: 200 {"rating","chat"};
 * the ticket's CSAT. */
static int h_rating(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode(r, act_fields, &c->ain);
	int score = rc ? -1 : fl_csat_score_parse(c->ain.score ? c->ain.score : "");

	if (!rc && score != FL_CSAT_GOOD && score != FL_CSAT_BAD)
		rc = fl_req_fail(r, FL_EINVAL, "score", "InvalidValue", "score: good or bad");
	return rc ? rc : as_visitor(r, &closings, "requests", 1, tx_rating, render_rating);
}

/* ---- files ----------------------------------------------------------------------- */

static int tx_upload(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_upload(tx, c->visitor_id, &c->file, c->now, &r->arena, &c->up, &r->err);
}

static int render_upload(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:s, s:s, s:s, s:I}}", "upload", "token", c->up.token,
				      "name", c->up.name, "type", c->up.type, "size",
				      (json_int_t)c->up.size));
}

/* POST /chat/api/uploads?filename=NAME, the bytes as the body: 201
 * {"upload":{"token","name","type","size"}}; the token goes with a
 * message's "uploads". The bytes are put away (in a folder, for good:
 * nothing purges a file no row names) only once the visitor's token and
 * limit passed and the file is not an executable, then recorded in the
 * transaction. */
static int h_upload(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *name = fl_req_arg(r, "filename"), *data;
	char clean[sizeof c->file.name];
	struct fl_err ignore = {0};
	size_t n;
	int rc = by_address(r, &uploads_by_address, "uploads from your address");

	if (rc)
		return rc;
	if (!name || !*name)
		return fl_req_fail(r, FL_EINVAL, "filename", "Blank",
				   "filename: say the file's name, ?filename=NAME");
	data = fl_req_body(r, &n);
	if (!n)
		return fl_req_fail(r, FL_EINVAL, "file", "Blank", "file: the file is empty");
	if ((rc = visitor_auth(r, &uploads, "uploads")))
		return rc;
	/* by the name as given and as it will be kept (cleaned) */
	if (fl_attachment_name(name, clean, sizeof clean, &ignore))
		snprintf(clean, sizeof clean, "attachment");
	if (fl_attachment_executable(name, data, n) || fl_attachment_executable(clean, data, n))
		return fl_req_fail(r, FL_EINVAL, "file", "Executable",
				   "file: programs and scripts cannot be sent in a chat");
	rc = fl_intake_file_prepare(r->store, &c->file, name, fl_req_header_in(r, "Content-Type"),
				    data, n, &r->err);
	return rc ? rc : run_visitor(r, 1, tx_upload, render_upload);
}

/* A file the visitor may have: one that went with a message of their
 * chat (the domain decides). */
static int tx_attachment(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_file_get(tx, &c->who, r->id[0], r->id[1], &r->arena, &c->att);

	if (rc == FL_ENOTFOUND)
		return fl_req_fail(r, rc, NULL, NULL, "There is no such file in this chat");
	if (!rc && c->att.in_db)
		rc = fl_store_attachment_data(tx, c->att.id, &r->arena, (void **)&c->data,
					      &c->ndata);
	return rc;
}

static int render_attachment(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_attachment_reply(r, &c->att, c->data, c->ndata);

	/* the frame shows pictures in <img>: ours, not a third party's */
	if (!rc)
		fl_req_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	return rc;
}

/* GET …/attachments/{a}?link=L: the file a message's url names (L signed
 * for it, chat.h FL_CHAT_FILE_PURPOSE; 401 naming "link" when not
 * the desk's or expired: fetch the messages again for fresh ones); or,
 * without link, the visitor's own file by their token. */
static int h_attachment(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *link = fl_req_arg(r, "link");
	struct fl_link l;
	struct fl_err why;
	int rc;

	c->query_token = 1;
	if (!link)
		return as_visitor(r, NULL, NULL, 0, tx_attachment, render_attachment);
	c->now = fl_now();
	if (!token_shaped(link))
		return fl_req_fail(r, FL_EAUTH, "link", "InvalidValue",
				   "link: this is not a file link of this desk");
	if ((rc = link_key(r)))
		return rc;
	if (fl_link_check(c->key, FL_CHAT_FILE_PURPOSE, link, c->now, &l, &why) ||
	    l.a != r->id[0] || l.b != r->id[1])
		return fl_req_fail(r, FL_EAUTH, "link", "InvalidValue",
				   "link: this file's link is not valid any more; fetch the "
				   "messages again");
	/* the link proves the desk showed this file to this chat's visitor */
	c->who = (struct fl_chat_who){.kind = FL_CHAT_SYSTEM};
	return fl_req_read(r, tx_attachment, render_attachment);
}

/* ---- offline --------------------------------------------------------------------- */

static int tx_offline(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_offline(tx, c->visitor_id, &c->offline, c->now, &c->ticket_id, &r->err);
}

static int render_offline(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201, json_pack("{s:I}", "ticket_id", (json_int_t)c->ticket_id));
}

/* POST /chat/api/offline {"name","email","topic","message"}: 201
 * {"ticket_id"}, acknowledged by mail. message is the text. */
static int h_offline(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *m;
	int rc = by_address(r, &offline_by_address, "offline messages from your address");

	if (rc || (rc = decode(r, start_fields, &c->sin)))
		return rc;
	m = json_object_get(r->body, "message");
	if (m && !json_is_string(m))
		return fl_req_fail(r, FL_EINVAL, "message", "InvalidType", "message: the text");
	c->offline = (struct fl_chat_offline_in){.name = c->sin.name,
						 .email = c->sin.email,
						 .topic = c->sin.topic,
						 .locale = c->sin.locale,
						 .body = m ? json_string_value(m) : ""};
	return as_visitor(r, &closings, "requests", 1, tx_offline, render_offline);
}

/* ---- the stream -------------------------------------------------------------------- */

/* A stream's notes that its visitor is still there. Shared by the stream
 * and the write in flight (each holds a reference), since the write's
 * done runs on the writer thread, possibly after the stream closed. at
 * moves only when a write committed: one refused (the queue busy) or
 * failed is tried again at the next wake, not SEEN_EVERY later. */
struct seen {
	atomic_int refs;
	atomic_int writing;  /* a write is queued and not done */
	_Atomic int64_t at;  /* the time of the last committed note */
	_Atomic int64_t now; /* the time the queued write notes */
	int64_t visitor_id;
};

struct sse {
	struct fl_hub *hub;
	struct fl_hub_listener l;
	struct fl_stream *stream;
	fl_store *store;
	struct seen *seen;
};

static void seen_put(struct seen *s)
{
	if (atomic_fetch_sub(&s->refs, 1) == 1)
		free(s);
}

static int tx_seen(fl_tx *tx, void *arg)
{
	struct seen *s = arg;
	return fl_chat_visitor_seen(tx, s->visitor_id, atomic_load(&s->now));
}

static void seen_done(void *arg, int rc)
{
	struct seen *s = arg;

	if (!rc)
		atomic_store(&s->at, atomic_load(&s->now));
	atomic_store(&s->writing, 0);
	seen_put(s);
}

static void sse_wake(void *arg)
{
	struct sse *x = arg;
	fl_stream_wake(x->stream);
}

/* Called on this node's threads whenever the hub woke the stream: for an
 * event of its chat, or a heartbeat (every 15 s), so at least that often;
 * which is also when a visitor who keeps the stream open is noted as
 * still there, one write at a time, until one commits. */
static long sse_read(void *arg, char *buf, size_t cap)
{
	struct sse *x = arg;
	struct seen *s = x->seen;
	int64_t now = fl_now();

	if (now - atomic_load(&s->at) >= SEEN_EVERY && !atomic_exchange(&s->writing, 1)) {
		atomic_store(&s->now, now);
		atomic_fetch_add(&s->refs, 1);
		if (fl_store_write_spare(x->store, tx_seen, s, seen_done, s)) {
			atomic_store(&s->writing, 0);
			seen_put(s);
		}
	}
	return fl_hub_read(x->hub, &x->l, buf, cap);
}

static void sse_done(void *arg)
{
	struct sse *x = arg;
	fl_hub_leave(x->hub, &x->l);
	seen_put(x->seen);
	free(x);
}

static int tx_stream(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_load(tx, &c->who, c->chat_id, &r->arena, &c->chat);
}

static int render_stream(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct sse *x = calloc(1, sizeof *x);
	const char *last = fl_req_header_in(r, "Last-Event-ID");
	int64_t seen = 0;
	int rc;

	if (!x || !(x->seen = calloc(1, sizeof *x->seen))) {
		free(x);
		return FL_ENOMEM;
	}
	if (last && (fl_str_to_i64(fl_str_c(last), &seen) || seen < 0))
		seen = 0;
	x->hub = r->hub;
	x->store = r->store;
	atomic_init(&x->seen->refs, 1);
	atomic_init(&x->seen->at, c->now); /* the opening request noted it */
	x->seen->visitor_id = c->visitor_id;
	x->l.wake = sse_wake;
	x->l.arg = x;
	x->l.chat_id = c->chat.id;
	rc = fl_req_stream(r, "text/event-stream; charset=utf-8", sse_read, sse_done, x,
			   &x->stream);
	if (rc < 0) {
		seen_put(x->seen);
		free(x);
		return rc;
	}
	fl_hub_join(x->hub, &x->l, (uint64_t)seen);
	return rc;
}

/* GET /chat/api/stream?token=&chat_id=: that chat's events as Server-Sent
 * Events (chat.message, chat.typing, chat.read, chat.updated; "reset"
 * when this node lost some: fetch the messages again). Last-Event-ID
 * resumes after an event this node still holds. Opening it notes the
 * visitor as there. */
static int h_stream(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *z = fl_req_arg(r, "chat_id");

	if (!z || fl_str_to_i64(fl_str_c(z), &c->chat_id) || c->chat_id <= 0)
		return fl_req_fail(r, FL_EINVAL, "chat_id", "InvalidValue",
				   "chat_id: the chat whose events to stream");
	c->query_token = 1; /* EventSource sends no headers */
	return as_visitor(r, &streams, "streams opened", 1, tx_stream, render_stream);
}

#define VISITOR FL_ROLE_ANONYMOUS, JSON_LIMIT, sizeof(struct ctx), FL_ROUTE_NO_AUTH

const struct fl_route fl_chat_visitor_routes[] = {
	{"GET", "/chat/frame", h_frame, VISITOR},
	{"GET", "/chat/api/config", h_config, VISITOR},
	{"POST", "/chat/api/visitors", h_visitor_new, VISITOR},
	{"GET", "/chat/api/chats", h_chats, VISITOR},
	{"POST", "/chat/api/chats", h_start, VISITOR},
	{"GET", "/chat/api/chats/{id}", h_chat, VISITOR},
	{"GET", "/chat/api/chats/{id}/messages", h_messages, VISITOR},
	{"POST", "/chat/api/chats/{id}/messages", h_post, VISITOR},
	{"POST", "/chat/api/chats/{id}/typing", h_typing, VISITOR},
	{"POST", "/chat/api/chats/{id}/read", h_read, VISITOR},
	{"POST", "/chat/api/chats/{id}/end", h_end, VISITOR},
	{"POST", "/chat/api/chats/{id}/transcript", h_transcript, VISITOR},
	{"POST", "/chat/api/chats/{id}/rating", h_rating, VISITOR},
	{"GET", "/chat/api/chats/{id}/attachments/{id}", h_attachment, VISITOR},
	{"POST", "/chat/api/uploads", h_upload, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx),
	 FL_ROUTE_NO_AUTH | FL_ROUTE_RAW_BODY},
	{"POST", "/chat/api/offline", h_offline, VISITOR},
	{"GET", "/chat/api/stream", h_stream, VISITOR},
	{0},
};
