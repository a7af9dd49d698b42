/* /api/v2/queues: the built-in queues (views/queue.h), agents only.
 *   GET /api/v2/queues
 *     200 {"queues": [{"id": "my-open", "count": N, "fresh": true}, …]}
 *         every queue, in a fixed order; the counts are exact
 *   GET /api/v2/queues/{key}/tickets?page[size]=25&page[after]=C&sort=-updated_at
 *     200 {"tickets": […], "count": N, "meta": {…}, "links": {…}}
 *         a page of the queue by keyset (the cursor of /api/v2/tickets),
 *         25 a page unless page[size] (1..100) says otherwise, newest
 *         change first unless sort ([-]id, created_at, updated_at,
 *         priority, status) says otherwise; count is the whole queue's
 *     404 a key that is no queue's; 400 a parameter that does not fit,
 *         named (offset paging included: a queue pages by cursor only)
 * The queue's key is the route's: one row a queue. */
#include <string.h>

#include "core/time.h"
#include "store/queues.h"
#include "store/tickets.h"
#include "tickets/ticket_api.h"
#include "views/queue.h"

#define QUEUE_PAGE 25

struct ctx {
	int queue;
	int64_t now;
	struct fl_filter f;
	struct fl_req_page pg;
	struct fl_page page;
	struct fl_ticket *rows;
	size_t n;
	int64_t counts[FL_QUEUE__MAX];
	struct fl_list_slas *slas; /* with include=slas */
};

static int tx_counts(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_queue_counts(tx, r->actor.id, fl_queue_solved_since(c->now), c->counts);
}

static int render_counts(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (int q = 0; q < FL_QUEUE__MAX; q++)
		json_array_append_new(list,
				      json_pack("{s:s, s:I, s:b}", "id", fl_queue_key(q), "count",
						(json_int_t)c->counts[q], "fresh", 1));
	return fl_req_reply(r, 200, json_pack("{s:o}", "queues", list));
}

static int h_counts(struct fl_req *r)
{
	static const char *const args[] = {NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);
	c->now = fl_now();
	return rc ? rc : fl_req_read(r, tx_counts, render_counts);
}

static int tx_tickets(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_ticket_find(tx, &c->f, &c->page, &r->arena, &c->rows, &c->n);
	if (!rc)
		rc = fl_store_queue_counts(tx, r->actor.id, fl_queue_solved_since(c->now),
					   c->counts);
	return rc ? rc
		  : fl_ticket_list_slas(tx, r, c->rows,
					c->n > c->pg.per_page ? c->pg.per_page : c->n, &c->slas);
}

static int render_tickets(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_pack("{s:[], s:I}", "tickets", "count", (json_int_t)c->counts[c->queue]);
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	const struct fl_ticket *last = shown ? &c->rows[shown - 1] : NULL;

	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, -1,
			  last ? fl_store_ticket_sort_key(last, c->page.sort) : 0,
			  last ? last->id : 0);
	return fl_ticket_reply_list(r, o, c->rows, shown, c->slas);
}

/* The queue a route serves: its pattern's segment after /api/v2/queues/. */
static int queue_of_route(const struct fl_req *r)
{
	static const char prefix[] = "/api/v2/queues/";
	const char *key = r->route->pattern + sizeof prefix - 1;
	const char *end = strchr(key, '/');
	char name[16];
	size_t n = end ? (size_t)(end - key) : strlen(key);

	if (n >= sizeof name)
		return -1;
	memcpy(name, key, n);
	name[n] = 0;
	return fl_queue_of(name);
}

static int h_tickets(struct fl_req *r)
{
	static const char *const args[] = {"page[after]", "sort",    "sort_by",
					   "sort_order",  "include", NULL};
	struct ctx *c = r->ctx;
	int sort, desc, rc;

	c->queue = queue_of_route(r);
	c->now = fl_now();
	if (c->queue < 0)
		return FL_EINTERNAL;
	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = fl_ticket_sort_arg(r, FL_SORT_UPDATED, 1, &sort, &desc)))
		return rc;
	c->pg.cursor = 1;
	if (!fl_req_arg(r, "page[size]"))
		c->pg.per_page = QUEUE_PAGE;
	if ((rc = fl_queue_filter(c->queue, r->actor.id, c->now, &c->f)))
		return rc;
	c->page = (struct fl_page){
		sort, desc, c->pg.per_page, c->pg.has_after, c->pg.after_key, c->pg.after_id, 0};
	return fl_req_read(r, tx_tickets, render_tickets);
}

#define QUEUE_ROUTE(key)                                                              \
	{                                                                             \
		"GET", "/api/v2/queues/" key "/tickets", h_tickets, FL_ROLE_AGENT, 0, \
			sizeof(struct ctx)                                            \
	}

const struct fl_route fl_queue_routes[] = {
	{"GET", "/api/v2/queues", h_counts, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	QUEUE_ROUTE("my-open"),
	QUEUE_ROUTE("unassigned"),
	QUEUE_ROUTE("all-open"),
	QUEUE_ROUTE("pending"),
	QUEUE_ROUTE("solved"),
	QUEUE_ROUTE("all"),
	{0},
};
