/* Live chat for the desk (docs/api.md "Live chat", the agent side):
 *   GET  /api/v2/chats?state=&agent_id=&group_id=&page=&per_page=
 *   GET  /api/v2/chats/{id}              with "context": who the customer is
 *   GET  /api/v2/chats/{id}/messages?after=SEQ
 *   POST /api/v2/chats/{id}/accept | decline | end {"solve":true}
 *   POST /api/v2/chats/{id}/messages     {"client_id","body","uploads"}
 *   POST /api/v2/chats/{id}/typing {"typing"} | read {"seq"}
 *   POST /api/v2/chats/{id}/transfer     {"agent_id"|"group_id","note"}
 *   GET  /api/v2/chat/status             online, queue, my capacity, my active
 *   GET  /api/v2/chat/settings           agents; PUT admins (fields left out kept)
 *   GET  /api/v2/chat/agents/{id}        {"agent":{"user_id","capacity"}}
 *   PUT  /api/v2/chat/agents/{id}        {"capacity"}: admins, or the agent themself
 *   GET  /api/v2/chat/stats?start=&end=&by=agent|group|day[&format=csv]
 *                                        viewers too
 * Agents hear chat.* on GET /api/v2/events. Every write answers after its
 * commit (fl_req_write); the domain (chat/chat.h) decides everything. */
#include <stdio.h>
#include <string.h>

#include "chat/chat.h"
#include "chat/chat_api.h"
#include "core/input.h"
#include "core/time.h"
#include "portal/link.h"
#include "sla/report.h"
#include "store/tiers.h"
#include "store/users.h"
#include "tickets/ticket.h"
#include "users/contract.h"

#define DAY_SECONDS 86400
#define STATS_DAYS_DEFAULT 30
#define CSV_BOM "\xEF\xBB\xBF"

struct act_in {
	const char *client_id, *body, *note;
	const char *uploads[FL_CHAT_UPLOADS_MAX];
	size_t nuploads;
	int typing, solve;
	int64_t seq, agent_id, group_id, capacity;
	int has_client_id, has_body, has_uploads, has_note, has_typing, has_solve, has_seq,
		has_agent_id, has_group_id, has_capacity;
};

struct ctx {
	int64_t now;
	struct fl_chat_who who;
	struct fl_chat chat, *chats;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	struct fl_chat_filter filter;
	struct fl_chat_context context;
	struct fl_chat_message msg, *msgs;
	int dup;
	int64_t after, capacity;
	struct act_in in;
	struct fl_chat_post_in post;
	struct fl_chat_status status;
	struct fl_chat_settings settings;
	/* stats */
	int by, csv;
	int64_t start, end;
	struct fl_chat_stats_row *rows, all;
	const char **names;
	struct fl_tier *tiers; /* the list's: each chat's requester's (id 0: none) */
};

#define I(m) offsetof(struct act_in, m)
static const struct fl_field act_fields[] = {
	{"client_id", FL_FT_STRING, FL_CHAT_CLIENT_ID_MAX, 0, 0, NULL, I(client_id),
	 I(has_client_id), 0, 0},
	{"body", FL_FT_STRING, 64 * 1024, 0, 1, NULL, I(body), I(has_body), 0, 0},
	{"uploads", FL_FT_STRINGS, FL_CHAT_UPLOADS_MAX, 64, 1, NULL, I(uploads), I(has_uploads),
	 I(nuploads), 0},
	{"note", FL_FT_STRING, 64 * 1024, 0, 1, NULL, I(note), I(has_note), 0, 0},
	{"typing", FL_FT_BOOL, 0, 0, 0, NULL, I(typing), I(has_typing), 0, 0},
	{"solve", FL_FT_BOOL, 0, 0, 0, NULL, I(solve), I(has_solve), 0, 0},
	{"seq", FL_FT_INT, INT32_MAX, 0, 0, NULL, I(seq), I(has_seq), 0, 0},
	{"agent_id", FL_FT_ID, 0, 0, 1, NULL, I(agent_id), I(has_agent_id), 0, 0},
	{"group_id", FL_FT_ID, 0, 0, 1, NULL, I(group_id), I(has_group_id), 0, 0},
	{"capacity", FL_FT_INT, FL_CHAT_CAPACITY_MAX, 0, 0, NULL, I(capacity), I(has_capacity), 0,
	 0},
	FL_FIELDS_END,
};

/* ---- rendering, both sides ---------------------------------------------------- */

json_t *fl_chat_json(const struct fl_chat *c, int email_verified, int64_t now)
{
	int64_t until = c->first_answer_at             ? c->first_answer_at
			: fl_chat_state_live(c->state) ? now
			: c->ended_at                  ? c->ended_at
						       : c->created_at;
	const char *state = fl_chat_state_name(c->state);

	json_t *o = json_pack(
		"{s:I, s:o, s:s, s:o, s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, "
		"s:o, s:I, s:I, s:I, s:I}",
		"id", (json_int_t)c->id, "ticket_id", fl_json_id(c->ticket_id), "state",
		state ? state : "", "agent_id", fl_json_id(c->agent_id), "agent_name",
		c->agent_name ? c->agent_name : "", "group_id", fl_json_id(c->group_id), "topic",
		c->topic ? c->topic : "", "name", c->name ? c->name : "", "email",
		c->email ? c->email : "", "email_verified", email_verified, "locale",
		c->locale ? c->locale : "en", "created_at", fl_json_time(c->created_at),
		"accepted_at", fl_json_time(c->accepted_at), "first_answer_at",
		fl_json_time(c->first_answer_at), "ended_at", fl_json_time(c->ended_at), "last_seq",
		(json_int_t)c->last_seq, "visitor_read_seq", (json_int_t)c->visitor_read_seq,
		"agent_read_seq", (json_int_t)c->agent_read_seq, "wait_seconds",
		(json_int_t)(until > c->created_at ? until - c->created_at : 0));

	if (o) {
		json_object_set_new(o, "offered_to", fl_json_id(c->offered_to));
		json_object_set_new(o, "rateable", json_boolean(fl_chat_rateable(c)));
	}
	return o;
}

json_t *fl_chat_visitor_json(const struct fl_chat *c, int64_t now)
{
	json_t *o = fl_chat_json(c, 0, now);

	if (o) {
		json_object_del(o, "agent_id");
		json_object_del(o, "offered_to");
	}
	return o;
}

static json_t *files_json(struct fl_req *r, const struct fl_chat_message *m, const char *key,
			  int64_t now)
{
	json_t *out = json_array(), *in = NULL, *f;
	size_t i;
	char url[512];

	if (m->attachments && *m->attachments)
		in = json_loads(m->attachments, 0, NULL);
	if (!json_is_array(in)) {
		json_decref(in);
		return out;
	}
	json_array_foreach(in, i, f)
	{
		json_int_t id = json_integer_value(json_object_get(f, "id"));
		if (key) {
			struct fl_link l = {m->chat_id, id,
					    (now / 3600 + 1) * 3600 + FL_CHAT_FILE_TTL - 3600};
			char link[FL_LINK_TOKEN_MAX + 1];
			fl_link_sign(key, FL_CHAT_FILE_PURPOSE, &l, link);
			snprintf(url, sizeof url, "%s/chat/api/chats/%lld/attachments/%lld?link=%s",
				 fl_req_base(r), (long long)m->chat_id, (long long)id, link);
		} else
			snprintf(url, sizeof url, "%s/api/v2/attachments/%lld/content",
				 fl_req_base(r), (long long)id);
		json_array_append_new(out, json_pack("{s:I, s:O, s:O, s:I, s:s}", "id", id, "name",
						     json_object_get(f, "name"), "type",
						     json_object_get(f, "type"), "size",
						     json_integer_value(json_object_get(f, "size")),
						     "url", url));
	}
	json_decref(in);
	return out;
}

json_t *fl_chat_message_json(struct fl_req *r, const struct fl_chat_message *m,
			     const char *link_key, int64_t now)
{
	const char *author = fl_chat_author_name(m->author);

	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)m->id,
			 "seq", (json_int_t)m->seq, "chat_id", (json_int_t)m->chat_id, "author",
			 author ? author : "", "author_name", m->author_name ? m->author_name : "",
			 "client_id", fl_json_str(m->client_id), "body", m->body ? m->body : "",
			 "attachments", files_json(r, m, link_key, now), "created_at",
			 fl_json_time(m->created_at));
}

/* ---- shared shapes -------------------------------------------------------------- */

static struct ctx *agent(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->now = fl_now();
	c->who = (struct fl_chat_who){.kind = FL_CHAT_AGENT, .agent = &r->actor};
	return c;
}

static int decode(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	if (!r->body && !(r->body = json_object()))
		return FL_ENOMEM;
	return fl_input_decode(r->body, act_fields, &c->in, &r->arena, &r->err);
}

static int tx_chat(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_load(tx, &c->who, r->id[0], &r->arena, &c->chat);
}

static int render_chat(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, json_pack("{s:o}", "chat", fl_chat_json(&c->chat, 0, c->now)));
}

/* ---- the list and one chat ---------------------------------------------------------- */

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->filter.offset = (int64_t)((c->pg.page - 1) * c->pg.per_page);
	int rc;

	c->filter.limit = (int64_t)c->pg.per_page;
	rc = fl_chat_list(tx, &c->filter, &r->arena, &c->chats, &c->n, &c->total);
	if (rc)
		return rc;
	c->tiers = fl_arena_alloc(&r->arena, (c->n ? c->n : 1) * sizeof *c->tiers);
	if (!c->tiers)
		return FL_ENOMEM;
	for (size_t i = 0; !rc && i < c->n; i++) {
		int64_t mine = 0, org = 0, id;
		rc = fl_store_tier_of_customer(tx, c->chats[i].requester_id, 0, &mine, &org);
		id = mine ? mine : org;
		if (!rc && id && fl_store_tier_get(tx, id, &r->arena, &c->tiers[i]))
			c->tiers[i] = (struct fl_tier){0};
	}
	return rc;
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;

	for (size_t i = 0; list && i < c->n; i++) {
		const struct fl_tier *t = &c->tiers[i];
		json_t *chat = fl_chat_json(&c->chats[i], 0, c->now);
		if (chat)
			json_object_set_new(chat, "tier",
					    t->id ? json_pack("{s:I, s:s, s:I}", "id",
							      (json_int_t)t->id, "name",
							      t->name ? t->name : "", "position",
							      (json_int_t)t->position)
						  : json_null());
		json_array_append_new(list, chat);
	}
	o = json_pack("{s:o}", "chats", list);
	if (o)
		fl_req_page_links(r, &c->pg, o,
				  (int64_t)((c->pg.page - 1) * c->pg.per_page + c->n) < c->total,
				  c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* An id argument: 0 when left out, 422 naming it else. */
static int id_arg(struct fl_req *r, const char *name, int64_t *out)
{
	const char *z = fl_req_arg(r, name);

	*out = 0;
	if (z && (fl_str_to_i64(fl_str_c(z), out) || *out <= 0))
		return fl_req_fail(r, FL_EINVAL, name, "InvalidValue", "%s: an id", name);
	return 0;
}

/* GET /api/v2/chats?state=queued|active|ended|missed|offline&agent_id=&group_id= */
static int h_list(struct fl_req *r)
{
	static const char *const args[] = {"state", "agent_id", "group_id",
					   "page",  "per_page", NULL};
	struct ctx *c = agent(r);
	const char *state = fl_req_arg(r, "state");
	int rc;

	c->filter.state = state ? fl_chat_state_parse(state) : -1;
	if (state && c->filter.state < 0)
		return fl_req_fail(r, FL_EINVAL, "state", "InvalidValue",
				   "state: queued, active, ended, missed or offline");
	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = id_arg(r, "agent_id", &c->filter.agent_id)) ||
	    (rc = id_arg(r, "group_id", &c->filter.group_id)))
		return rc;
	if (c->pg.cursor)
		return fl_req_fail(r, FL_EINVAL, "page", "InvalidValue",
				   "page: chats are paged by page and per_page");
	return fl_req_read(r, tx_list, render_list);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = tx_chat(tx, r);
	return rc ? rc : fl_chat_context(tx, &c->chat, &r->arena, &c->context);
}

static json_t *context_json(const struct fl_chat_context *x)
{
	const struct fl_user *u = &x->requester;
	json_t *contracts = json_array(), *tickets = json_array();

	for (size_t i = 0; contracts && i < x->ncontracts; i++) {
		const struct fl_contract *k = &x->contracts[i];
		const char *kind = fl_contract_kind_name(k->kind);
		json_array_append_new(
			contracts, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)k->id,
					     "product", k->product ? k->product : "", "level",
					     k->level ? k->level : "", "kind", kind ? kind : "",
					     "provider", k->provider ? k->provider : ""));
	}
	for (size_t i = 0; tickets && i < x->ntickets; i++) {
		const struct fl_ticket *t = &x->tickets[i];
		const char *status = fl_status_name(t->status);
		json_array_append_new(tickets,
				      json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)t->id,
						"subject", t->subject ? t->subject : "", "status",
						status ? status : "", "created_at",
						fl_json_time(t->created_at)));
	}
	return json_pack("{s:{s:I, s:s, s:o, s:b, s:o}, s:o, s:o, s:o}", "requester", "id",
			 (json_int_t)u->id, "name", u->name ? u->name : "", "email",
			 fl_json_str(u->email), "email_verified", x->email_verified, "locale",
			 fl_json_str(u->locale), "tier",
			 x->tier.id ? json_pack("{s:I, s:s, s:I}", "id", (json_int_t)x->tier.id,
						"name", x->tier.name ? x->tier.name : "",
						"position", (json_int_t)x->tier.position)
				    : json_null(),
			 "contracts", contracts, "tickets", tickets);
}

static int render_show(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *chat = fl_chat_json(&c->chat, c->context.email_verified, c->now);

	if (chat)
		json_object_set_new(chat, "context", context_json(&c->context));
	return fl_req_reply(r, 200, json_pack("{s:o}", "chat", chat));
}

static int h_show(struct fl_req *r)
{
	agent(r);
	return fl_req_read(r, tx_show, render_show);
}

/* ---- messages -------------------------------------------------------------------- */

static int tx_messages(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_messages(tx, &c->who, r->id[0], c->after, FL_CHAT_MESSAGES_PAGE, &r->arena,
				&c->msgs, &c->n);
}

int fl_chat_after_arg(struct fl_req *r, int64_t *after)
{
	const char *z = fl_req_arg(r, "after");

	*after = 0;
	if (z && (fl_str_to_i64(fl_str_c(z), after) || *after < 0))
		return fl_req_fail(r, FL_EINVAL, "after", "InvalidValue",
				   "after: the seq of the last message held, 0 or more");
	return 0;
}

int fl_chat_messages_reply(struct fl_req *r, const struct fl_chat_message *m, size_t n,
			   const char *link_key, int64_t now)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, fl_chat_message_json(r, &m[i], link_key, now));
	return fl_req_reply(r, 200, json_pack("{s:o}", "messages", a));
}

static int render_messages(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_messages_reply(r, c->msgs, c->n, NULL, 0);
}

/* GET /api/v2/chats/{id}/messages?after=SEQ: at most FL_CHAT_MESSAGES_PAGE. */
static int h_messages(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc = fl_chat_after_arg(r, &c->after);
	return rc ? rc : fl_req_read(r, tx_messages, render_messages);
}

static int tx_post(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_post(tx, &c->who, r->id[0], &c->post, c->now, &r->arena, &c->msg, &c->dup,
			    &r->err);
}

static int render_message(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, c->dup ? 200 : 201,
			    json_pack("{s:o}", "message",
				      fl_chat_message_json(r, &c->msg, NULL, 0)));
}

/* POST /api/v2/chats/{id}/messages {"client_id","body","uploads"}: 201
 * {"message"}; a client_id sent before: 200, the stored one. */
static int h_post(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc = decode(r);

	if (rc)
		return rc;
	if (!c->in.has_client_id)
		return fl_req_fail(r, FL_EINVAL, "client_id", "Blank",
				   "client_id: every message carries the client's id");
	c->post = (struct fl_chat_post_in){.body = c->in.body ? c->in.body : "",
					   .client_id = c->in.client_id,
					   .nuploads = c->in.nuploads};
	memcpy(c->post.uploads, c->in.uploads, c->in.nuploads * sizeof *c->post.uploads);
	return fl_req_write(r, tx_post, render_message);
}

/* ---- what agents do with a chat --------------------------------------------------- */

static int tx_accept(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_accept(tx, &r->actor, r->id[0], c->now, &r->err);
	return rc ? rc : tx_chat(tx, r);
}

static int h_accept(struct fl_req *r)
{
	agent(r);
	return fl_req_write(r, tx_accept, render_chat);
}

static int tx_decline(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_decline(tx, &r->actor, r->id[0], c->now, &r->err);
	return rc ? rc : tx_chat(tx, r);
}

static int h_decline(struct fl_req *r)
{
	agent(r);
	return fl_req_write(r, tx_decline, render_chat);
}

static int tx_end(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_end(tx, &c->who, r->id[0], c->in.solve, c->now, &r->arena, &c->chat,
			   &r->err);
}

/* POST /api/v2/chats/{id}/end {"solve":true}: ended, the ticket solved
 * (quietly) when asked; without solve it stays open for a follow-up. */
static int h_end(struct fl_req *r)
{
	int rc;

	agent(r);
	if ((rc = decode(r)))
		return rc;
	return fl_req_write(r, tx_end, render_chat);
}

static int tx_typing(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_typing(tx, &c->who, r->id[0], c->in.typing, &r->err);
}

static int h_typing(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc = decode(r);

	if (!rc && !c->in.has_typing)
		rc = fl_req_fail(r, FL_EINVAL, "typing", "Blank", "typing: true or false");
	return rc ? rc : fl_req_write(r, tx_typing, fl_req_no_content);
}

static int tx_read(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_read(tx, &c->who, r->id[0], c->in.seq, &r->err);
}

static int h_read(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc = decode(r);

	if (!rc && !c->in.has_seq)
		rc = fl_req_fail(r, FL_EINVAL, "seq", "Blank",
				 "seq: the seq of the last message read");
	return rc ? rc : fl_req_write(r, tx_read, fl_req_no_content);
}

static int tx_transfer(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_transfer(tx, &r->actor, r->id[0], c->in.agent_id, c->in.group_id,
				  c->in.note, c->now, &r->err);
	return rc ? rc : tx_chat(tx, r);
}

/* POST /api/v2/chats/{id}/transfer {"agent_id"|"group_id","note"}: 200
 * {"chat"}; the note lands on the ticket as a private comment. */
static int h_transfer(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc = decode(r);

	if (rc)
		return rc;
	if (!c->in.agent_id == !c->in.group_id)
		return fl_req_fail(r, FL_EINVAL, c->in.agent_id ? "group_id" : "agent_id",
				   "InvalidValue",
				   "Transfer to an agent_id or a group_id: one of them");
	return fl_req_write(r, tx_transfer, render_chat);
}

/* ---- status, settings, capacity ---------------------------------------------------- */

static int tx_status(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_status(tx, r->actor.id, c->now, &c->status);
}

static int render_status(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const struct fl_chat_status *s = &c->status;

	return fl_req_reply(r, 200,
			    json_pack("{s:{s:I, s:I, s:I, s:I, s:b, s:o, s:I, s:I}}", "status",
				      "online", (json_int_t)s->online, "room", (json_int_t)s->room,
				      "queue", (json_int_t)s->queue, "expected_wait_seconds",
				      (json_int_t)s->expected_wait, "open", s->open_now,
				      "next_open_at", fl_json_time(s->next_open_at), "capacity",
				      (json_int_t)s->capacity, "active", (json_int_t)s->active));
}

/* GET /api/v2/chat/status: {"status":{online, room, queue,
 * expected_wait_seconds, open, next_open_at, capacity, active}}, the last
 * two the asking agent's. */
static int h_status(struct fl_req *r)
{
	agent(r);
	return fl_req_read(r, tx_status, render_status);
}

static int tx_settings(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_chat_settings_get(tx, &r->arena, &c->settings);
}

static int render_settings(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	fl_buf b;
	json_t *s;
	int rc;

	fl_buf_init(&b, FL_CHAT_SETTINGS_MAX);
	rc = fl_chat_settings_json(&c->settings, &b);

	s = rc ? NULL : fl_json_raw(b.p);
	fl_buf_free(&b);
	if (rc)
		return rc;
	return fl_req_reply(r, 200, json_pack("{s:o}", "settings", s));
}

static int h_settings(struct fl_req *r)
{
	agent(r);
	return fl_req_read(r, tx_settings, render_settings);
}

/* The stored settings with the PUT's fields over them, parsed and checked
 * as a whole (a field left out keeps its value). */
static int tx_settings_put(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *given = json_object_get(r->body, "settings"), *now = NULL;
	fl_buf b;
	char *text = NULL;
	int rc = fl_chat_settings_get(tx, &r->arena, &c->settings);

	fl_buf_init(&b, FL_CHAT_SETTINGS_MAX);
	if (!given)
		given = r->body;
	if (!rc)
		rc = fl_chat_settings_json(&c->settings, &b);
	if (!rc && (!(now = json_loadb(b.p, b.n, 0, NULL)) || json_object_update(now, given) ||
		    !(text = json_dumps(now, JSON_COMPACT))))
		rc = FL_ENOMEM;
	if (!rc)
		rc = fl_chat_settings_parse(text, strlen(text), &r->arena, &c->settings, &r->err);
	if (!rc)
		rc = fl_chat_settings_put(tx, &c->settings, &r->err);
	free(text);
	json_decref(now);
	fl_buf_free(&b);
	return rc;
}

/* PUT /api/v2/chat/settings {"settings":{…}} (or the object itself):
 * 200 {"settings"}; 422 naming the field ("title.uk", "topics[1].key", …). */
static int h_settings_put(struct fl_req *r)
{
	json_t *given;

	agent(r);
	given = r->body ? json_object_get(r->body, "settings") : NULL;
	if (!r->body || (given && !json_is_object(given)))
		return fl_req_fail(r, FL_EINVAL, "settings", "InvalidType",
				   "settings: an object of the chat's settings");
	return fl_req_write(r, tx_settings_put, render_settings);
}

static int tx_capacity(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_user u;
	int rc = fl_store_user_get(tx, r->id[0], &r->arena, &u);

	if (rc == FL_ENOTFOUND || (!rc && u.role < FL_ROLE_AGENT))
		return fl_req_fail(r, FL_ENOTFOUND, NULL, NULL, "There is no agent %lld",
				   (long long)r->id[0]);
	return rc ? rc : fl_chat_capacity_get(tx, r->id[0], &c->capacity);
}

static int render_capacity(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:I, s:I}}", "agent", "user_id", (json_int_t)r->id[0],
				      "capacity", (json_int_t)c->capacity));
}

static int h_capacity(struct fl_req *r)
{
	agent(r);
	return fl_req_read(r, tx_capacity, render_capacity);
}

static int tx_capacity_put(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_chat_capacity_set(tx, r->id[0], c->in.capacity, c->now, &r->err);
	return rc ? rc : fl_chat_capacity_get(tx, r->id[0], &c->capacity);
}

/* PUT /api/v2/chat/agents/{id} {"capacity":0..FL_CHAT_CAPACITY_MAX}: an
 * admin for anyone, an agent for themself. */
static int h_capacity_put(struct fl_req *r)
{
	struct ctx *c = agent(r);
	int rc;

	if (r->actor.role < FL_ROLE_ADMIN && r->actor.id != r->id[0])
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, NULL,
				   "Only an admin sets another agent's chat capacity");
	if ((rc = decode(r)))
		return rc;
	if (!c->in.has_capacity)
		return fl_req_fail(r, FL_EINVAL, "capacity", "Blank",
				   "capacity: the chats the agent takes at once, 0 to %d",
				   FL_CHAT_CAPACITY_MAX);
	return fl_req_write(r, tx_capacity_put, render_capacity);
}

/* ---- the report ----------------------------------------------------------------------- */

/* start or end: a Unix time, or an RFC 3339 time or date; a bare date as
 * end is the whole day. */
static int time_arg(struct fl_req *r, const char *name, int64_t dflt, int64_t *out)
{
	const char *z = fl_req_arg(r, name);
	int64_t t;

	*out = dflt;
	if (!z)
		return 0;
	if (!fl_str_to_i64(fl_str_c(z), &t) && t >= 0) {
		*out = t;
		return 0;
	}
	if (fl_time_parse(fl_str_c(z), &t))
		return fl_req_fail(r, FL_EINVAL, name, "InvalidValue",
				   "%s: a date (YYYY-MM-DD), a time (RFC 3339) or Unix seconds",
				   name);
	*out = t + (!strcmp(name, "end") && strlen(z) == 10 ? DAY_SECONDS : 0);
	return 0;
}

static int tx_stats(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	size_t n;
	int rc = fl_chat_stats(tx, c->by, c->start, c->end, &r->arena, &c->rows, &n, &c->all);

	if (rc)
		return rc;
	c->n = n;
	c->names = fl_arena_alloc(&r->arena, (n ? n : 1) * sizeof *c->names);
	if (!c->names)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int64_t key = c->rows[i].key;
		char day[11];
		if (c->by == FL_CHAT_BY_DAY) {
			fl_report_day_iso((int32_t)key, day);
			c->names[i] = fl_arena_strdup(&r->arena, day);
		} else if (c->by == FL_CHAT_BY_AGENT && key) {
			struct fl_user u;
			if (!fl_store_user_get(tx, key, &r->arena, &u))
				c->names[i] = u.name;
		} else if (c->by == FL_CHAT_BY_GROUP && key) {
			struct fl_group g;
			if (!fl_store_group_get(tx, key, &r->arena, &g))
				c->names[i] = g.name;
		}
	}
	return 0;
}

static json_t *pct(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *row_json(const struct fl_chat_stats_row *x)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:I}", "chats", (json_int_t)x->chats,
			 "answered", (json_int_t)x->answered, "missed", (json_int_t)x->missed,
			 "offline", (json_int_t)x->offline, "wait_p50", pct(x->wait_p50),
			 "wait_p90", pct(x->wait_p90), "duration_p50", pct(x->duration_p50), "peak",
			 (json_int_t)x->peak);
}

static int csv_row(fl_buf *b, const char *key, const struct fl_chat_stats_row *x)
{
	int rc = fl_csv_text(b, 1, key);
	const int64_t v[] = {x->chats,    x->answered, x->missed,       x->offline,
			     x->wait_p50, x->wait_p90, x->duration_p50, x->peak};

	for (size_t i = 0; !rc && i < sizeof v / sizeof *v; i++)
		rc = v[i] < 0 ? fl_csv_text(b, 0, NULL) : fl_csv_int(b, 0, v[i]);
	return rc ? rc : fl_csv_end(b);
}

static int render_stats_csv(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	static const char *const head[] = {"chats",    "answered", "missed",       "offline",
					   "wait_p50", "wait_p90", "duration_p50", "peak"};
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_add(&b, CSV_BOM, sizeof CSV_BOM - 1);

	if (!rc)
		rc = fl_csv_text(&b, 1, fl_chat_by_name(c->by));
	for (size_t i = 0; !rc && i < sizeof head / sizeof *head; i++)
		rc = fl_csv_text(&b, 0, head[i]);
	if (!rc)
		rc = fl_csv_end(&b);
	for (size_t i = 0; !rc && i < c->n; i++) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)c->rows[i].key);
		rc = csv_row(&b, c->names[i] ? c->names[i] : key, &c->rows[i]);
	}
	if (!rc)
		rc = csv_row(&b, "total", &c->all);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return fl_req_reply_csv(r, &b, "chat-report.csv");
}

static int render_stats(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *rows = json_array(), *all = row_json(&c->all);

	if (c->csv) {
		json_decref(rows);
		json_decref(all);
		return render_stats_csv(r);
	}
	for (size_t i = 0; rows && i < c->n; i++) {
		json_t *o = row_json(&c->rows[i]);
		if (!o)
			continue;
		json_object_set_new(o, "key", json_integer(c->rows[i].key));
		json_object_set_new(o, "name", fl_json_str(c->names[i]));
		json_array_append_new(rows, o);
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:s, s:o, s:o, s:o, s:o}}", "stats", "by",
				      fl_chat_by_name(c->by), "start", fl_json_time(c->start),
				      "end", fl_json_time(c->end), "total", all, "rows", rows));
}

/* GET /api/v2/chat/stats?start=&end=&by=agent|group|day[&format=csv]:
 * {"stats":{"by","start","end","total":{…},"rows":[{"key","name",…}]}},
 * each with chats, answered, missed, offline, wait_p50, wait_p90,
 * duration_p50 (seconds, null for none) and peak; chats started in
 * [start, end), the last 30 days by default. */
static int h_stats(struct fl_req *r)
{
	static const char *const args[] = {"start", "end", "by", "format", NULL};
	struct ctx *c = agent(r);
	const char *by = fl_req_arg(r, "by"), *format = fl_req_arg(r, "format");
	int rc;

	if ((rc = fl_req_args_only(r, args)) || (rc = time_arg(r, "end", c->now, &c->end)) ||
	    (rc = time_arg(r, "start", c->end - STATS_DAYS_DEFAULT * DAY_SECONDS, &c->start)))
		return rc;
	if (c->end <= c->start)
		return fl_req_fail(r, FL_EINVAL, "end", "InvalidValue", "end: after start");
	c->by = by ? fl_chat_by_parse(by) : FL_CHAT_BY_DAY;
	if (c->by < 0)
		return fl_req_fail(r, FL_EINVAL, "by", "InvalidValue", "by: agent, group or day");
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue", "format: csv or json");
	c->csv = format && !strcmp(format, "csv");
	return fl_req_read(r, tx_stats, render_stats);
}

#define CHAT sizeof(struct ctx)

const struct fl_route fl_chat_routes[] = {
	{"GET", "/api/v2/chats", h_list, FL_ROLE_AGENT, 0, CHAT},
	{"GET", "/api/v2/chats/{id}", h_show, FL_ROLE_AGENT, 0, CHAT},
	{"GET", "/api/v2/chats/{id}/messages", h_messages, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/messages", h_post, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/accept", h_accept, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/decline", h_decline, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/end", h_end, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/typing", h_typing, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/read", h_read, FL_ROLE_AGENT, 0, CHAT},
	{"POST", "/api/v2/chats/{id}/transfer", h_transfer, FL_ROLE_AGENT, 0, CHAT},
	{"GET", "/api/v2/chat/status", h_status, FL_ROLE_AGENT, 0, CHAT},
	{"GET", "/api/v2/chat/settings", h_settings, FL_ROLE_AGENT, 0, CHAT},
	{"PUT", "/api/v2/chat/settings", h_settings_put, FL_ROLE_ADMIN, 0, CHAT},
	{"GET", "/api/v2/chat/agents/{id}", h_capacity, FL_ROLE_AGENT, 0, CHAT},
	{"PUT", "/api/v2/chat/agents/{id}", h_capacity_put, FL_ROLE_AGENT, 0, CHAT},
	{"GET", "/api/v2/chat/stats", h_stats, FL_ROLE_VIEWER, 0, CHAT},
	{0},
};
