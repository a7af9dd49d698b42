/* GET /api/v2/tickets/{id}/sla_events: a ticket's SLA log
 * (sla/refresh.h) for its agents, oldest first — the policies chosen for
 * it, and each warning, breach and achievement of its metrics' cycles,
 * each once:
 *   {"sla_events": [{"id", "kind": "policy"|"warning"|"breached"|"achieved",
 *     "metric" (null for policy), "cycle", "policy_id", "previous_policy_id",
 *     "at" (the instant it is about), "fired_at" (when it was logged)}]} */
#include <inttypes.h>

#include "core/time.h"
#include "http/http.h"
#include "store/ticket_slas.h"
#include "tickets/ticket.h"

struct ctx {
	struct fl_store_sla_event *events;
	size_t n;
};

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_ticket t;
	/* the ticket's visibility is the ticket's to decide */
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &t);
	return rc ? rc : fl_store_sla_event_list(tx, r->id[0], &r->arena, &c->events, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_store_sla_event *e = &c->events[i];
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "id",
				  (json_int_t)e->id, "kind", e->kind, "metric",
				  e->metric ? json_string(e->metric) : json_null(), "cycle",
				  (json_int_t)e->cycle, "policy_id", fl_json_id(e->policy_id),
				  "previous_policy_id", fl_json_id(e->previous_policy_id), "at",
				  fl_json_time(e->at), "fired_at", fl_json_time(e->fired_at)));
	}
	return fl_req_reply(r, 200, json_pack("{s:o}", "sla_events", list));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

const struct fl_route fl_sla_event_routes[] = {
	{"GET", "/api/v2/tickets/{id}/sla_events", h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
