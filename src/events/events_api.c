/* Live events for agents: GET /api/v2/events streams what happens to
 * tickets on any node (Server-Sent Events), and POST
 * /api/v2/tickets/{id}/viewing tells the others who is looking at which
 * ticket. */
#include <stdlib.h>

#include "events/hub.h"
#include "http/http.h"
#include "tickets/ticket.h"

struct sse {
	struct fl_hub *hub;
	struct fl_hub_listener l;
	struct fl_stream *stream;
};

static void sse_wake(void *arg)
{
	struct sse *x = arg;
	fl_stream_wake(x->stream);
}

static long sse_read(void *arg, char *buf, size_t cap)
{
	struct sse *x = arg;
	return fl_hub_read(x->hub, &x->l, buf, cap);
}

static void sse_done(void *arg)
{
	struct sse *x = arg;
	fl_hub_leave(x->hub, &x->l);
	free(x);
}

/* GET /api/v2/events: "ticket.created", "ticket.updated",
 * "ticket.deleted", "agent.viewing" and "agent.typing" events, each data a JSON object
 * {ticket_id, actor_id, at}; Last-Event-ID resumes after an event this
 * node still holds. */
static int h_events(struct fl_req *r)
{
	struct sse *x = calloc(1, sizeof *x);
	const char *last = fl_req_header_in(r, "Last-Event-ID");
	int64_t seen = 0;
	int rc;

	if (!x)
		return FL_ENOMEM;
	if (last && (fl_str_to_i64(fl_str_c(last), &seen) || seen < 0))
		seen = 0;
	x->hub = r->hub;
	x->l.wake = sse_wake;
	x->l.arg = x;
	rc = fl_req_stream(r, "text/event-stream; charset=utf-8", sse_read, sse_done, x,
			   &x->stream);
	if (rc < 0) {
		free(x);
		return rc;
	}
	fl_hub_join(x->hub, &x->l, (uint64_t)seen);
	return rc;
}

static int tx_viewing(fl_tx *tx, struct fl_req *r)
{
	const int *typing = r->ctx;
	return fl_ticket_viewing(tx, &r->actor, r->id[0], *typing, &r->err);
}

/* POST /api/v2/tickets/{id}/viewing [{"typing": true}]: 204; the others
 * see agent.viewing, or agent.typing. */
static int h_viewing(struct fl_req *r)
{
	int *typing = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "typing") : NULL;
	if (v && !json_is_boolean(v))
		return fl_req_fail(r, FL_EINVAL, "typing", "InvalidValue", "typing: true or false");
	*typing = json_is_true(v);
	return fl_req_write(r, tx_viewing, fl_req_no_content);
}

const struct fl_route fl_event_routes[] = {
	{"GET", "/api/v2/events", h_events, FL_ROLE_AGENT, 0, 0},
	{"POST", "/api/v2/tickets/{id}/viewing", h_viewing, FL_ROLE_AGENT, 0, sizeof(int)},
	{0},
};
