/* JSON renderings shared by the API files (search shows tickets and users). */
#ifndef FL_TICKETS_TICKET_API_H
#define FL_TICKETS_TICKET_API_H

#include <jansson.h>

#include "http/http.h"
#include "tickets/ticket.h"
#include "users/user.h"

json_t *fl_ticket_json(struct fl_req *r, const struct fl_ticket *t);
json_t *fl_user_json(struct fl_req *r, const struct fl_user *u);
json_t *fl_org_json(struct fl_req *r, const struct fl_org *o);
json_t *fl_group_json(struct fl_req *r, const struct fl_group *g);

/* Ticket list sorting from ?sort=[-]field or ?sort_by=&sort_order=;
 * FL_EMALFORMED for an unknown field. */
int fl_ticket_sort_arg(struct fl_req *r, int dflt, int dflt_desc, int *sort, int *desc);

/* Lists the tickets of f (narrowed to what the actor may see) as
 * GET /api/v2/tickets does, with its paging. */
int fl_ticket_list_filtered(struct fl_req *r, const struct fl_filter *f, int sort, int desc);

/* Users and organizations whose name (or e-mail) holds text, answered as
 * search results ({"results": [{…, "result_type"}]}). */
int fl_user_list_text(struct fl_req *r, const char *text);
int fl_org_list_text(struct fl_req *r, const char *text);

#endif
