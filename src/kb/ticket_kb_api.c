/* From tickets to knowledge over HTTP (kb/ticket_kb.h, docs/kb.md "From
 * tickets"), agents and admins only:
 *   GET    /api/v2/tickets/{id}/articles          the articles used to answer it
 *   POST   /api/v2/tickets/{id}/articles          {"article_id"}: link (idempotent)
 *   DELETE /api/v2/tickets/{id}/articles/{id}     unlink
 *   POST   /api/v2/tickets/{id}/article_draft     {"section_id"}: a draft article
 *   GET    /api/v2/tickets/{id}/similar           the few most similar tickets
 *   GET    /api/v2/help_center/articles/{id}/tickets   the tickets that used it */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "kb/ticket_kb.h"
#include "store/kb.h"
#include "store/ticket_articles.h"
#include "tickets/ticket.h"

struct link_in {
	int64_t article_id, section_id;
	int has_article_id, has_section_id;
};

static const struct fl_field link_fields[] = {
	{"article_id", FL_FT_ID, 0, 0, 0, NULL, offsetof(struct link_in, article_id),
	 offsetof(struct link_in, has_article_id), 0, 0},
	{"section_id", FL_FT_ID, 0, 0, 0, NULL, offsetof(struct link_in, section_id),
	 offsetof(struct link_in, has_section_id), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct link_in in;
	int added;
	const char *locale;
	struct fl_ticket_kb_link *links;
	struct fl_similar_ticket *similar;
	struct fl_ticket_article *uses;
	struct fl_ticket *tickets;
	struct fl_kb_article art;
	struct fl_kb_translation tr;
	size_t n;
	int64_t total;
};

/* The help center's address of translation t of article id (as
 * kb_api.c's html_url makes it). */
static json_t *article_url(struct fl_req *r, int64_t id, const struct fl_kb_translation *t)
{
	const char *slug = fl_kb_slug(t, &r->arena);
	fl_buf b;
	json_t *j;

	fl_buf_init(&b, 4096);
	fl_buf_addf(&b, "%s/hc/%s/articles/%lld-", fl_req_base(r), t->locale, (long long)id);
	for (const unsigned char *p = (const unsigned char *)slug; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			fl_buf_addc(&b, (char)*p);
		else
			fl_buf_addf(&b, "%%%02X", *p);
	j = json_string(b.p ? b.p : "");
	fl_buf_free(&b);
	return j;
}

static int decode(struct fl_req *r, const char *field)
{
	struct ctx *c = r->ctx;
	int rc;

	if (!json_is_object(r->body))
		return fl_req_fail(r, FL_EMALFORMED, field, "InvalidRequest",
				   "the body must be {\"%s\": id}", field);
	if ((rc = fl_input_decode(r->body, link_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (!strcmp(field, "article_id") ? !c->in.has_article_id : !c->in.has_section_id)
		return fl_req_fail(r, FL_EINVAL, field, "Blank", "%s: is required", field);
	return 0;
}

/* ---- links ---- */

static int tx_links(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_kb_links(tx, &r->actor, r->id[0], &r->arena, &c->links, &c->n, &c->locale);
}

static int render_links(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_ticket_kb_link *l = &c->links[i];
		json_array_append_new(list,
				      json_pack("{s:I, s:s, s:s, s:o, s:b, s:b, s:s, s:o, s:o}",
						"article_id", (json_int_t)l->article.id, "title",
						l->tr.title, "locale", l->tr.locale, "html_url",
						article_url(r, l->article.id, &l->tr), "fallback",
						l->fallback, "draft", l->tr.draft, "visibility",
						fl_kb_visibility_name(l->article.visibility),
						"linked_by_id", fl_json_id(l->user_id), "linked_at",
						fl_json_time(l->created_at)));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:o, s:I}", "articles", list, "locale",
				      fl_json_str(c->locale), "count", (json_int_t)c->n));
}

static int h_links(struct fl_req *r)
{
	return fl_req_read(r, tx_links, render_links);
}

static int tx_link(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_kb_link(tx, &r->actor, r->id[0], c->in.article_id, &c->added, &r->err);
}

static int render_link(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, c->added ? 201 : 200,
			    json_pack("{s:{s:I, s:I}}", "ticket_article", "ticket_id",
				      (json_int_t)r->id[0], "article_id",
				      (json_int_t)c->in.article_id));
}

static int h_link(struct fl_req *r)
{
	int rc = decode(r, "article_id");
	return rc ? rc : fl_req_write(r, tx_link, render_link);
}

static int tx_unlink(fl_tx *tx, struct fl_req *r)
{
	return fl_ticket_kb_unlink(tx, &r->actor, r->id[0], r->id[1], &r->err);
}

static int h_unlink(struct fl_req *r)
{
	return fl_req_write(r, tx_unlink, fl_req_no_content);
}

/* ---- the draft ---- */

static int tx_draft(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_kb_draft(tx, &r->actor, r->id[0], c->in.section_id, &r->arena, &c->art,
				  &c->tr, &r->err);
}

static int render_draft(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char editor[64];

	snprintf(editor, sizeof editor, "/agent/kb/articles/%lld", (long long)c->art.id);
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:s, s:I}}",
				      "article", "id", (json_int_t)c->art.id, "section_id",
				      (json_int_t)c->art.section_id, "title", c->tr.title, "locale",
				      c->tr.locale, "body_markdown", c->tr.body_md, "draft",
				      c->tr.draft, "html_url", article_url(r, c->art.id, &c->tr),
				      "editor_url", editor, "ticket_id", (json_int_t)r->id[0]));
}

static int h_draft(struct fl_req *r)
{
	int rc = decode(r, "section_id");
	return rc ? rc : fl_req_write(r, tx_draft, render_draft);
}

/* ---- similar tickets ---- */

static int tx_similar(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_kb_similar(tx, &r->actor, r->id[0], &r->arena, &c->similar, &c->n);
}

static int render_similar(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_similar_ticket *s = &c->similar[i];
		char url[300];
		snprintf(url, sizeof url, "%s/api/v2/tickets/%lld.json", fl_req_base(r),
			 (long long)s->id);
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:f}", "id",
						      (json_int_t)s->id, "url", url, "subject",
						      s->subject ? s->subject : "", "status",
						      fl_status_name(s->status), "score",
						      (double)s->score / 1000.0));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "tickets", list, "count", (json_int_t)c->n));
}

static int h_similar(struct fl_req *r)
{
	return fl_req_read(r, tx_similar, render_similar);
}

/* ---- an article's tickets ---- */

static int tx_uses(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_article art;
	size_t k = 0;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &art);

	if (!rc)
		rc = fl_store_article_ticket_list(tx, r->id[0], &r->arena, &c->uses, &c->n,
						  &c->total);
	if (!rc)
		c->tickets = fl_arena_alloc(&r->arena, (c->n ? c->n : 1) * sizeof *c->tickets);
	if (!rc && !c->tickets)
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < c->n; i++) {
		rc = fl_ticket_load(tx, &r->actor, c->uses[i].ticket_id, &r->arena, &c->tickets[k]);
		if (rc == FL_ENOTFOUND) {
			rc = 0;
			continue;
		}
		c->uses[k++] = c->uses[i];
	}
	c->n = k;
	return rc;
}

static int render_uses(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list,
				      json_pack("{s:I, s:s, s:s, s:o, s:o}", "id",
						(json_int_t)c->tickets[i].id, "subject",
						c->tickets[i].subject, "status",
						fl_status_name(c->tickets[i].status),
						"linked_by_id", fl_json_id(c->uses[i].user_id),
						"linked_at", fl_json_time(c->uses[i].created_at)));
	return fl_req_reply(
		r, 200, json_pack("{s:o, s:I}", "tickets", list, "count", (json_int_t)c->total));
}

static int h_uses(struct fl_req *r)
{
	return fl_req_read(r, tx_uses, render_uses);
}

#define TICKET "/api/v2/tickets/{id}"
const struct fl_route fl_ticket_kb_routes[] = {
	{"GET", TICKET "/articles", h_links, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", TICKET "/articles", h_link, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", TICKET "/articles/{id}", h_unlink, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", TICKET "/article_draft", h_draft, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", TICKET "/similar", h_similar, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/help_center/articles/{id}/tickets", h_uses, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{0},
};
