/* The suggestion box (ideas/idea.h) in the shapes of Zendesk's community
 * posts, under /api/v2/ideas:
 *   GET    /api/v2/ideas?sort=votes|recent&status=S   anyone (public ones)
 *   POST   /api/v2/ideas                              signed in
 *   GET    /api/v2/ideas/{id}                         anyone who may read it
 *   PUT    /api/v2/ideas/{id}                         agents: status, answer…
 *   POST   /api/v2/ideas/{id}/up                      signed in: vote
 *   DELETE /api/v2/ideas/{id}/vote                    signed in: take it back
 *   GET    /api/v2/ideas/{id}/comments                anyone who may read it
 *   POST   /api/v2/ideas/{id}/comments                signed in
 *   DELETE /api/v2/ideas/{id}/comments/{comment_id}   agents
 *   GET    /api/v2/ideas/{id}/tickets                 agents
 *   POST   /api/v2/ideas/{id}/tickets                 agents: {"ticket_id"}
 *   DELETE /api/v2/ideas/{id}/tickets/{ticket_id}     agents
 *   GET    /api/v2/tickets/{id}/ideas                 agents
 *   GET    /api/v2/ideas/report[?format=csv]          the Suggestions report
 * Votes, ideas and comments are limited per client address (this node's
 * memory): a flood from one address is refused 429 before it is counted.
 * Customers and visitors see an author by first name and initial (a name
 * that holds an e-mail address or a telephone number: "Customer"); agents
 * by full name; viewers by full name with contacts masked, as they read
 * titles and text. Comments and linked tickets page as the other lists do
 * (page and per_page, or page[size] and page[after]). Text is returned as
 * it was typed: whoever shows it escapes it. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "core/redact.h"
#include "core/limit.h"
#include "core/time.h"
#include "http/http.h"
#include "ideas/idea.h"
#include "store/users.h"
#include "tickets/ticket.h"

/* Votes (up and back): 8 a minute per client address. */
static struct fl_limiter vote_limit = FL_LIMITER(8, 60);
/* New ideas and comments from customers: 8 per client address in 10 minutes. */
static struct fl_limiter post_limit = FL_LIMITER(8, 600);

#define REPORT_TOP_MAX 100

#define I(m) offsetof(struct fl_idea_in, m)
static int status_parse(fl_str s)
{
	return fl_idea_status_parse(s);
}
static const struct fl_field idea_fields[] = {
	{"title", FL_FT_STRING, FL_IDEA_TITLE_MAX, 0, 0, NULL, I(title), I(has_title), 0, 0},
	{"details", FL_FT_STRING, FL_IDEA_DETAILS_MAX, 0, 1, NULL, I(details), I(has_details), 0,
	 0},
	{"locale", FL_FT_STRING, 16, 0, 1, NULL, I(locale), I(has_locale), 0, 0},
	{"answer", FL_FT_STRING, FL_IDEA_ANSWER_MAX, 0, 1, NULL, I(answer), I(has_answer), 0, 0},
	{"author_id", FL_FT_ID, 0, 0, 0, NULL, I(author_id), I(has_author_id), 0, 0},
	{"ticket_id", FL_FT_ID, 0, 0, 0, NULL, I(ticket_id), I(has_ticket_id), 0, 0},
	{"status", FL_FT_ENUM, 0, 0, 0, status_parse, I(status), I(has_status), 0, 0},
	{"public", FL_FT_BOOL, 0, 0, 0, NULL, I(public), I(has_public), 0, 0},
	FL_FIELDS_END,
};

struct comment_in {
	const char *body;
	int has_body;
};
static const struct fl_field comment_fields[] = {
	{"body", FL_FT_STRING, FL_IDEA_COMMENT_MAX, 0, 0, NULL, offsetof(struct comment_in, body),
	 offsetof(struct comment_in, has_body), 0, 0},
	FL_FIELDS_END,
};

struct link_in {
	int64_t ticket_id;
	int has_ticket_id;
};
static const struct fl_field link_fields[] = {
	{"ticket_id", FL_FT_ID, 0, 0, 0, NULL, offsetof(struct link_in, ticket_id),
	 offsetof(struct link_in, has_ticket_id), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct fl_idea_in in;
	struct comment_in cin;
	struct link_in lin;
	struct fl_idea idea;
	struct fl_idea *ideas;
	struct fl_idea_comment comment, *comments;
	struct fl_idea_ticket *links;
	struct fl_idea_status_count *counts;
	size_t n, ncounts;
	int64_t total;
	struct fl_idea_query q;
	struct fl_req_page pg;
	int csv;
};

static int is_agent(const struct fl_req *r)
{
	return r->actor.role >= FL_ROLE_AGENT;
}

static int over(struct fl_req *r, struct fl_limiter *l, const char *what)
{
	char key[48];
	int64_t wait;

	fl_limit_address_key(fl_req_peer(r), key);
	return fl_limiter_take(l, key, fl_now(), &wait) ? fl_req_too_many(r, wait, what) : 0;
}

/* A person's name as customers and visitors see it: the first word and the
 * first letter of the second ("Olena K."), so that the suggestion box does
 * not publish whole names; "Customer" for a name that holds an e-mail
 * address or a telephone number (people sign up with one as their name),
 * which no part of is published. A viewer reads names whole, the contacts
 * in them masked. */
static const char *shown_name(struct fl_req *r, const char *name)
{
	const char *sp, *second, *masked;
	size_t first, len;
	char *out;

	if (!name || is_agent(r))
		return name;
	masked = fl_redact_contacts(name, &r->arena);
	if (r->actor.role == FL_ROLE_VIEWER)
		return masked ? masked : "";
	if (!masked || strcmp(masked, name))
		return "Customer";
	sp = strchr(name, ' ');
	if (!sp)
		return name;
	first = (size_t)(sp - name);
	for (second = sp; *second == ' '; second++)
		;
	if (!*second)
		return fl_arena_strndup(&r->arena, name, first);
	/* the first letter is one UTF-8 sequence: its lead byte and what follows */
	len = 1;
	while (second[len] && (second[len] & 0xC0) == 0x80)
		len++;
	out = fl_arena_alloc(&r->arena, first + len + 3);
	if (!out)
		return name;
	memcpy(out, name, first);
	out[first] = ' ';
	memcpy(out + first + 1, second, len);
	memcpy(out + first + 1 + len, ".", 2);
	return out;
}

/* Free text as this reader may see it: a viewer (the read-only role)
 * reads what customers wrote without the e-mail addresses and telephone
 * numbers in it. */
static const char *shown_text(struct fl_req *r, const char *z)
{
	const char *masked;

	if (!z)
		return "";
	if (r->actor.role != FL_ROLE_VIEWER)
		return z;
	masked = fl_redact_contacts(z, &r->arena);
	return masked ? masked : "";
}

static json_t *idea_json(struct fl_req *r, const struct fl_idea *i)
{
	char url[400], html_url[400];
	json_t *o;

	snprintf(url, sizeof url, "%s/api/v2/ideas/%" PRId64 ".json", fl_req_base(r), i->id);
	snprintf(html_url, sizeof html_url, "%s/portal/ideas/%" PRId64, fl_req_base(r), i->id);
	o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:o, s:I, s:o, s:I, "
		"s:I, s:o, s:o}",
		"id", (json_int_t)i->id, "url", url, "html_url", html_url, "title",
		shown_text(r, i->title), "details", shown_text(r, i->details), "status", i->status,
		"public", i->public, "locale", i->locale, "answer", shown_text(r, i->answer),
		"answered_at", fl_json_time(i->answered_at), "answered_by_name",
		fl_json_str(i->answered_by ? shown_name(r, i->answered_by_name) : NULL),
		"author_id", (json_int_t)i->author_id, "author_name",
		fl_json_str(shown_name(r, i->author_name)), "vote_count", (json_int_t)i->vote_count,
		"comment_count", (json_int_t)i->comment_count, "created_at",
		fl_json_time(i->created_at), "updated_at", fl_json_time(i->updated_at));
	if (!o)
		return NULL;
	/* whether the reader voted: only for someone who may */
	json_object_set_new(o, "voted", r->actor.id > 0 ? json_boolean(i->voted) : json_null());
	if (is_agent(r)) {
		json_object_set_new(o, "submitted_by_id", json_integer(i->submitted_by));
		json_object_set_new(o, "answered_by_id", fl_json_id(i->answered_by));
		json_object_set_new(o, "ticket_count", json_integer(i->ntickets));
	}
	return o;
}

static json_t *comment_json(struct fl_req *r, const struct fl_idea_comment *c)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:o, s:b, s:o}", "id", (json_int_t)c->id, "idea_id",
			 (json_int_t)c->idea_id, "body", shown_text(r, c->body), "author_id",
			 (json_int_t)c->author_id, "author_name",
			 fl_json_str(shown_name(r, c->author_name)), "official",
			 c->author_role >= FL_ROLE_AGENT, "created_at",
			 fl_json_time(c->created_at));
}

static json_t *link_json(const struct fl_idea_ticket *l)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "idea_id",
			 (json_int_t)l->idea_id, "ticket_id", (json_int_t)l->ticket_id, "subject",
			 l->subject ? l->subject : "", "status",
			 fl_status_name(l->status) ? fl_status_name(l->status) : "", "idea_title",
			 l->idea_title ? l->idea_title : "", "idea_status",
			 l->idea_status ? l->idea_status : "", "idea_votes",
			 (json_int_t)l->idea_votes, "linked_by", (json_int_t)l->user_id,
			 "created_at", fl_json_time(l->created_at));
}

static int render_idea(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "idea", idea_json(r, &c->idea)));
}

/* ---- the list ---------------------------------------------------------------- */

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_idea_list(tx, &c->q, &r->arena, &c->ideas, &c->n, &c->total);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, idea_json(r, &c->ideas[i]));
	o = json_pack("{s:o}", "ideas", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* ?sort= and ?status= into c->q; 422 naming the argument otherwise. */
static int list_args(struct fl_req *r, struct ctx *c)
{
	const char *sort = fl_req_arg(r, "sort");
	const char *status = fl_req_arg(r, "status");

	if (sort && strcmp(sort, "votes") && strcmp(sort, "recent"))
		return fl_req_fail(r, FL_EINVAL, "sort", "InvalidValue",
				   "Sort: is votes or recent");
	if (status && *status && fl_idea_status_parse(fl_str_c(status)) < 0)
		return fl_req_fail(r, FL_EINVAL, "status", "InvalidValue",
				   "Status: is new, under_review, planned, done or declined");
	c->q.status = status && *status
			      ? fl_idea_status_name(fl_idea_status_parse(fl_str_c(status)))
			      : "";
	c->q.by_votes = !sort || !strcmp(sort, "votes");
	c->q.me = r->actor.id > 0 ? r->actor.id : 0;
	c->q.mine_or_public = !is_agent(r);
	return 0;
}

static int h_list(struct fl_req *r)
{
	static const char *const allowed[] = {"sort", "status", "page", "per_page", NULL};
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = list_args(r, c)) ||
	    (rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	/* one more than the page: whether there is a next */
	c->q.limit = (int64_t)c->pg.per_page + 1;
	c->q.offset = (int64_t)((c->pg.page - 1) * c->pg.per_page);
	return fl_req_read(r, tx_list, render_list);
}

/* ---- one idea ---------------------------------------------------------------- */

static int decode_idea(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "idea") : NULL;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "idea", "InvalidRequest",
				   "the body must be {\"idea\": {...}}");
	return fl_input_decode(v, idea_fields, &c->in, &r->arena, &r->err);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_idea_get(tx, &r->actor, r->id[0], &r->arena, &c->idea);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_idea);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_idea_create(tx, &r->actor, &c->in, fl_now(), &r->arena, &c->idea, &r->err);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = decode_idea(r, c)))
		return rc;
	if (!c->in.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (!is_agent(r) && (rc = over(r, &post_limit, "ideas and comments")))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_create, render_idea);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_idea_update(tx, &r->actor, r->id[0], &c->in, fl_now(), &r->arena, &c->idea,
			      &r->err);
}

static int h_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_idea(r, c);

	if (!rc && c->in.has_author_id)
		rc = fl_req_fail(r, FL_EINVAL, "author_id", "InvalidValue",
				 "Author: an idea's author does not change");
	return rc ? rc : fl_req_write(r, tx_update, render_idea);
}

/* ---- votes ------------------------------------------------------------------- */

static int tx_vote(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t now = fl_now();
	int rc = !strcmp(r->method, "DELETE")
			 ? fl_idea_unvote(tx, &r->actor, r->id[0], now, &r->err)
			 : fl_idea_vote(tx, &r->actor, r->id[0], now, &r->err);
	return rc ? rc : fl_idea_get(tx, &r->actor, r->id[0], &r->arena, &c->idea);
}

/* Both answer the idea as it now is, its count and the reader's vote. */
static int h_vote(struct fl_req *r)
{
	int rc = over(r, &vote_limit, "votes");
	return rc ? rc : fl_req_write(r, tx_vote, render_idea);
}

/* ---- comments ---------------------------------------------------------------- */

/* One more than the page: whether there is a next. */
static int tx_comments(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_idea_get(tx, &r->actor, r->id[0], &r->arena, &c->idea);
	return rc ? rc
		  : fl_store_idea_comment_list(
			    tx, r->id[0], c->pg.has_after ? c->pg.after_id : 0,
			    c->pg.cursor ? 0 : (int64_t)((c->pg.page - 1) * c->pg.per_page),
			    c->pg.per_page + 1, &r->arena, &c->comments, &c->n);
}

static int render_comments(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	int64_t last = n ? c->comments[n - 1].id : 0;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, comment_json(r, &c->comments[i]));
	o = json_pack("{s:o}", "comments", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->idea.comment_count, last, last);
	return fl_req_reply(r, 200, o);
}

/* Oldest first, a hundred a page unless asked for fewer: offset pages
 * (page, per_page) or, for a long thread, cursor pages (page[size],
 * page[after]) that a comment added meanwhile does not shift. */
static int h_comments(struct fl_req *r)
{
	static const char *const allowed[] = {"page", "per_page", "page[size]", "page[after]",
					      NULL};
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = fl_req_paging(r, &c->pg)))
		return rc;
	return fl_req_read(r, tx_comments, render_comments);
}

static int tx_comment_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_idea_comment_delete(tx, &r->actor, r->id[0], r->id[1]);
}

static int h_comment_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_comment_delete, fl_req_no_content);
}

static int tx_comment(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_user me;
	int rc = fl_idea_comment(tx, &r->actor, r->id[0], c->cin.body, fl_now(), &r->arena,
				 &c->comment, &r->err);

	if (!rc && !(rc = fl_store_user_get(tx, r->actor.id, &r->arena, &me))) {
		c->comment.author_name = me.name;
		c->comment.author_role = me.role;
	}
	return rc;
}

static int render_comment(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201, json_pack("{s:o}", "comment", comment_json(r, &c->comment)));
}

static int h_comment(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "comment") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "comment", "InvalidRequest",
				   "the body must be {\"comment\": {\"body\": \"...\"}}");
	if ((rc = fl_input_decode(v, comment_fields, &c->cin, &r->arena, &r->err)))
		return rc;
	if (!c->cin.has_body)
		return fl_req_fail(r, FL_EINVAL, "body", "Blank", "Comment: cannot be blank");
	if (!is_agent(r) && (rc = over(r, &post_limit, "ideas and comments")))
		return rc;
	return fl_req_write(r, tx_comment, render_comment);
}

/* ---- linked tickets ---------------------------------------------------------- */

static int64_t links_offset(const struct ctx *c)
{
	return (int64_t)((c->pg.page - 1) * c->pg.per_page);
}

/* One more than the page: whether there is a next. */
static int tx_tickets(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_idea_get(tx, &r->actor, r->id[0], &r->arena, &c->idea);
	return rc ? rc
		  : fl_store_idea_tickets(tx, r->id[0], links_offset(c), c->pg.per_page + 1,
					  &r->arena, &c->links, &c->n, &c->total);
}

static int render_links(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, link_json(&c->links[i]));
	o = json_pack("{s:o}", "idea_tickets", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* Linked tickets and ideas page by offset (page, per_page: newest link
 * first, a hundred a page unless asked for fewer). */
static int links_paging(struct fl_req *r, struct ctx *c)
{
	static const char *const allowed[] = {"page", "per_page", NULL};
	int rc = fl_req_args_only(r, allowed);
	return rc ? rc : fl_req_paging(r, &c->pg);
}

static int h_tickets(struct fl_req *r)
{
	int rc = links_paging(r, r->ctx);
	return rc ? rc : fl_req_read(r, tx_tickets, render_links);
}

static int tx_link(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_idea_link(tx, &r->actor, r->id[0], c->lin.ticket_id, fl_now(), &r->err);
	return rc ? rc : tx_tickets(tx, r);
}

static int h_link(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = links_paging(r, c)))
		return rc;
	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, "ticket_id", "InvalidRequest",
				   "the body must be {\"ticket_id\": ID}");
	if ((rc = fl_input_decode(r->body, link_fields, &c->lin, &r->arena, &r->err)))
		return rc;
	if (!c->lin.has_ticket_id)
		return fl_req_fail(r, FL_EINVAL, "ticket_id", "Blank",
				   "Ticket: name the ticket to link");
	return fl_req_write(r, tx_link, render_links);
}

static int tx_unlink(fl_tx *tx, struct fl_req *r)
{
	return fl_idea_unlink(tx, &r->actor, r->id[0], r->id[1], &r->err);
}

static int h_unlink(struct fl_req *r)
{
	return fl_req_write(r, tx_unlink, fl_req_no_content);
}

static int tx_ticket_ideas(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_ticket t;
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &t);
	return rc ? rc
		  : fl_store_ticket_ideas(tx, r->id[0], links_offset(c), c->pg.per_page + 1,
					  &r->arena, &c->links, &c->n, &c->total);
}

static int h_ticket_ideas(struct fl_req *r)
{
	int rc = links_paging(r, r->ctx);
	return rc ? rc : fl_req_read(r, tx_ticket_ideas, render_links);
}

/* ---- the report -------------------------------------------------------------- */

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_idea_list(tx, &c->q, &r->arena, &c->ideas, &c->n, &c->total);
	return rc ? rc : fl_store_idea_status_counts(tx, &c->q, &r->arena, &c->counts, &c->ncounts);
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *top, *by;

	if (c->csv) {
		fl_buf b;
		int rc;
		/* the CSV as the JSON: a viewer's without contacts in titles and
		 * names */
		for (size_t i = 0; i < c->n && r->actor.role == FL_ROLE_VIEWER; i++) {
			c->ideas[i].title = (char *)shown_text(r, c->ideas[i].title);
			c->ideas[i].author_name = (char *)shown_name(r, c->ideas[i].author_name);
		}
		fl_buf_init(&b, 0);
		if ((rc = fl_idea_report_csv(c->ideas, c->n, &b))) {
			fl_buf_free(&b);
			return rc;
		}
		return fl_req_reply_csv(r, &b, "suggestions.csv");
	}
	top = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(top, idea_json(r, &c->ideas[i]));
	/* every status, in the order an idea goes through them, zeros too */
	by = json_array();
	for (int s = 0; s < FL_IDEA__MAX; s++) {
		int64_t ideas = 0, votes = 0;
		for (size_t k = 0; k < c->ncounts; k++)
			if (!strcmp(c->counts[k].status, fl_idea_status_name(s))) {
				ideas = c->counts[k].ideas;
				votes = c->counts[k].votes;
			}
		json_array_append_new(by, json_pack("{s:s, s:I, s:I}", "status",
						    fl_idea_status_name(s), "ideas",
						    (json_int_t)ideas, "votes", (json_int_t)votes));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:o, s:o, s:I}}", "report", "top", top, "by_status", by,
				      "total", (json_int_t)c->total));
}

static int h_report(struct fl_req *r)
{
	static const char *const allowed[] = {"status", "limit", "format", NULL};
	struct ctx *c = r->ctx;
	const char *format = fl_req_arg(r, "format");
	const char *limit = fl_req_arg(r, "limit");
	int64_t n = 20;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = list_args(r, c)))
		return rc;
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue",
				   "Format: is json or csv");
	if (limit && (fl_str_to_i64(fl_str_c(limit), &n) || n < 1 || n > REPORT_TOP_MAX))
		return fl_req_fail(r, FL_EINVAL, "limit", "InvalidValue",
				   "Limit: a whole number from 1 to %d", REPORT_TOP_MAX);
	c->csv = format && !strcmp(format, "csv");
	c->q.by_votes = 1;
	c->q.limit = n;
	return fl_req_read(r, tx_report, render_report);
}

#define IDEAS "/api/v2/ideas"
const struct fl_route fl_idea_routes[] = {
	{"GET", IDEAS, h_list, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", IDEAS, h_create, FL_ROLE_END_USER, 256 * 1024, sizeof(struct ctx)},
	{"GET", IDEAS "/report", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", IDEAS "/{id}", h_show, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"PUT", IDEAS "/{id}", h_update, FL_ROLE_AGENT, 256 * 1024, sizeof(struct ctx)},
	{"POST", IDEAS "/{id}/up", h_vote, FL_ROLE_END_USER, 1024, sizeof(struct ctx)},
	{"DELETE", IDEAS "/{id}/vote", h_vote, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", IDEAS "/{id}/comments", h_comments, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", IDEAS "/{id}/comments", h_comment, FL_ROLE_END_USER, 256 * 1024,
	 sizeof(struct ctx)},
	{"DELETE", IDEAS "/{id}/comments/{id}", h_comment_delete, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", IDEAS "/{id}/tickets", h_tickets, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", IDEAS "/{id}/tickets", h_link, FL_ROLE_AGENT, 1024, sizeof(struct ctx)},
	{"DELETE", IDEAS "/{id}/tickets/{id}", h_unlink, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/ideas", h_ticket_ideas, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
