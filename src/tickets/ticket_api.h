/* JSON renderings shared by the API files (search and views show tickets). */
#ifndef FL_TICKETS_TICKET_API_H
#define FL_TICKETS_TICKET_API_H

#include <jansson.h>

#include "http/http.h"
#include "store/queues.h"
#include "tickets/ticket.h"
#include "users/user.h"

json_t *fl_ticket_json(struct fl_req *r, const struct fl_ticket *t);
/* Answers 200 with body, whose first member is "tickets": [], holding
 * the n tickets: each rendered once and kept until its next write
 * (fl_req_item_json). Takes body. */
/* A list's tickets' SLA as last measured (store/ticket_slas.h), read in
 * the list's own transaction when the request asks include=slas and its
 * actor may see the desk's promises; *out NULL otherwise. In r's arena. */
struct fl_list_slas;
int fl_ticket_list_slas(fl_tx *tx, struct fl_req *r, const struct fl_ticket *rows, size_t n,
			struct fl_list_slas **out);
int fl_ticket_reply_list(struct fl_req *r, json_t *body, const struct fl_ticket *rows, size_t n,
			 const struct fl_list_slas *slas);

/* Ticket list sorting from ?sort=[-]field or ?sort_by=&sort_order=;
 * FL_EMALFORMED for an unknown field. */
int fl_ticket_sort_arg(struct fl_req *r, int dflt, int dflt_desc, int *sort, int *desc);

/* Lists the tickets of f (narrowed to what the actor may see) as
 * GET /api/v2/tickets does, with its paging. With kept, an offset page's
 * count is fl_store_ticket_count_kept's under that key (kept is borrowed
 * until the reply). */
int fl_ticket_list_filtered(struct fl_req *r, const struct fl_filter *f, int sort, int desc,
			    const struct fl_count_key *kept);

#endif
