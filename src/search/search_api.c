/* GET /api/v2/search and /api/v2/search/count. */
#include <string.h>

#include "search/query.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket_api.h"
#include "users/user_api.h"

struct ctx {
	struct fl_filter f;
	struct fl_people_query people;
	struct fl_page page;
	struct fl_req_page pg;
	struct fl_ticket *rows;
	struct fl_user *users;
	struct fl_org *orgs;
	size_t n;
	int64_t total;
	const char *words;
};

/* The store marks hits with \x01 … \x02 around raw text; the browser gets
 * escaped text with <em> around hits, and nothing else. */
static char *snippet_html(fl_arena *a, const char *raw)
{
	fl_buf b;
	char *out;
	int rc = 0;

	fl_buf_init(&b, 8192);
	for (const char *p = raw; *p && !rc; p++) {
		if (*p == 1)
			rc = fl_buf_adds(&b, "<em>");
		else if (*p == 2)
			rc = fl_buf_adds(&b, "</em>");
		else
			rc = fl_buf_add_html(&b, p, 1);
	}
	out = rc ? NULL : fl_arena_strndup(a, b.p ? b.p : "", b.n);
	fl_buf_free(&b);
	return out;
}

static int tx_search(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_ticket_find(tx, &c->f, &c->page, &r->arena, &c->rows, &c->n);
	return rc ? rc : fl_store_ticket_count(tx, &c->f, &c->total);
}

static int render_search(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < shown; i++) {
		struct fl_ticket *t = &c->rows[i];
		json_t *j;
		if (t->snippet)
			t->snippet = snippet_html(&r->arena, t->snippet);
		j = fl_ticket_json(r, t);
		json_object_set_new(j, "result_type", json_string("ticket"));
		json_array_append_new(list, j);
	}
	json_object_set_new(o, "results", list);
	json_object_set_new(o, "facets", json_null());
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* The bare words of a user or organization search, joined. */
static char *words(struct fl_req *r, const struct fl_filter *f)
{
	fl_buf b;
	char *z;
	fl_buf_init(&b, 2048);
	for (size_t i = 0; i < f->ntext; i++)
		if (fl_buf_adds(&b, i ? " " : "") || fl_buf_adds(&b, f->text[i]))
			break;
	z = b.n ? fl_arena_strndup(&r->arena, b.p, b.n) : NULL;
	fl_buf_free(&b);
	return z;
}

/* Parses ?query= into c->f, narrowed to what the actor may see. */
static int prepare(struct fl_req *r, struct ctx *c)
{
	const char *q = fl_req_arg(r, "query");
	int rc;

	if (!q)
		return fl_req_fail(r, FL_EMALFORMED, "query", "InvalidQuery",
				   "the query parameter is required");
	rc = fl_query_parse(fl_str_c(q), r->actor.id, &r->arena, &c->f, &c->people, &r->err);
	if (rc)
		return rc;
	/* whether a request is a complaint is the desk's judgement, not the
	 * customer's to search by (nor to learn from the counts) */
	for (size_t i = 0; !fl_ticket_sees_private(&r->actor) && i < c->f.n; i++)
		if (c->f.p[i].field == FL_F_COMPLAINT || c->f.p[i].field == FL_F_COMPLAINT_REASON)
			return fl_req_fail(r, FL_EINVAL, "query", "UnknownField",
					   "'%s' is not a field customers can search by",
					   c->f.p[i].field == FL_F_COMPLAINT ? "complaint"
									     : "complaint_reason");
	return fl_ticket_scope(&r->actor, &c->f);
}

/* type:user and type:organization searches with field conditions
 * (email:, role:, external_id:). */
static int tx_people(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	size_t offset = (c->pg.page - 1) * c->pg.per_page, want = c->pg.per_page + 1;

	if (c->f.result_type == FL_RESULT_USER) {
		struct fl_user_filter f = {.roles = c->people.role >= 0 ? 1u << c->people.role : 0,
					   .external_id = c->people.external_id,
					   .email = c->people.email,
					   .text = c->words};
		return fl_store_user_list(tx, &f, offset, want, &r->arena, &c->users, &c->n,
					  &c->total);
	}
	return fl_store_org_list(tx, c->words, c->people.external_id, offset, want, &r->arena,
				 &c->orgs, &c->n, &c->total);
}

static int render_people(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	int users = c->f.result_type == FL_RESULT_USER;

	for (size_t i = 0; i < shown; i++) {
		json_t *j = users ? fl_user_json(r, &c->users[i]) : fl_org_json(r, &c->orgs[i]);
		json_object_set_new(j, "result_type", json_string(users ? "user" : "organization"));
		json_array_append_new(list, j);
	}
	json_object_set_new(o, "results", list);
	json_object_set_new(o, "facets", json_null());
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

/* A people search: by words alone as the user and organization lists do,
 * or with field conditions. */
static int search_people(struct fl_req *r, struct ctx *c)
{
	int rc;

	c->words = words(r, &c->f);
	if (!c->people.email && !c->people.external_id && c->people.role < 0)
		return c->f.result_type == FL_RESULT_USER ? fl_user_list_text(r, c->words)
							  : fl_org_list_text(r, c->words);
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	return fl_req_read(r, tx_people, render_people);
}

static int h_search(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *sort_by = fl_req_arg(r, "sort_by");
	const char *order = fl_req_arg(r, "sort_order");
	int rc = prepare(r, c);

	if (rc)
		return rc;
	if (c->f.result_type == FL_RESULT_USER || c->f.result_type == FL_RESULT_ORGANIZATION) {
		if (!fl_ticket_sees_private(&r->actor))
			return fl_req_fail(r, FL_EFORBIDDEN, "query", NULL,
					   "Only agents may search users and organizations");
		return search_people(r, c);
	}
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->pg.cursor = 0;
	c->page.sort = c->f.ntext ? FL_SORT_RELEVANCE : FL_SORT_CREATED;
	c->page.desc = 1;
	if (sort_by && strcmp(sort_by, "relevance")) {
		if ((rc = fl_ticket_sort_arg(r, FL_SORT_CREATED, 1, &c->page.sort, &c->page.desc)))
			return rc;
	}
	if (order)
		c->page.desc = !strcmp(order, "desc");
	c->page.limit = c->pg.per_page;
	c->page.offset = (c->pg.page - 1) * c->pg.per_page;
	return fl_req_read(r, tx_search, render_search);
}

static int tx_count(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_ticket_count(tx, &c->f, &c->total);
}

static int render_count(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, json_pack("{s:I}", "count", (json_int_t)c->total));
}

static int h_count(struct fl_req *r)
{
	int rc = prepare(r, r->ctx);
	return rc ? rc : fl_req_read(r, tx_count, render_count);
}

const struct fl_route fl_search_routes[] = {
	{"GET", "/api/v2/search", h_search, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/search/count", h_count, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{0},
};
