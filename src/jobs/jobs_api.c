/* /api/v2/jobs: the background queue for admins — what is waiting, what is
 * running where, what died and why — and retrying dead jobs. */
#include <string.h>

#include "core/time.h"
#include "http/http.h"
#include "store/store.h"

static const char *const states[] = {"queued", "running", "done", "dead"};

struct ctx {
	int state;
	struct fl_job *jobs;
	size_t n;
};

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_job_list(tx, c->state, 100, &r->arena, &c->jobs, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_job *j = &c->jobs[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(j->id));
		json_object_set_new(o, "kind", fl_json_str(j->kind));
		json_object_set_new(o, "payload", fl_json_raw(j->payload));
		json_object_set_new(o, "state", json_string(j->state >= 0 && j->state < 4
								   ? states[j->state] : "unknown"));
		json_object_set_new(o, "attempts", json_integer(j->attempts));
		json_object_set_new(o, "max_attempts", json_integer(j->max_attempts));
		json_object_set_new(o, "run_at", fl_json_time(j->run_at));
		json_object_set_new(o, "lease_owner", fl_json_str(j->lease_owner));
		json_object_set_new(o, "lease_until", fl_json_time(j->lease_until));
		json_object_set_new(o, "last_error", fl_json_str(j->last_error));
		json_object_set_new(o, "created_at", fl_json_time(j->created_at));
		json_object_set_new(o, "updated_at", fl_json_time(j->updated_at));
		json_array_append_new(list, o);
	}
	return fl_req_reply(r, 200, json_pack("{s:o, s:I}", "jobs", list, "count", (json_int_t)c->n));
}

/* GET /api/v2/jobs[?state=queued|running|dead]: the 100 most recently
 * changed. */
static int h_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *state = fl_req_arg(r, "state");

	c->state = -1;
	for (int i = 0; state && i < 4; i++)
		if (!strcmp(state, states[i]))
			c->state = i;
	if (state && (c->state < 0 || c->state == 2))
		return fl_req_fail(r, FL_EMALFORMED, "state", "InvalidValue",
				   "state must be queued, running or dead");
	return fl_req_read(r, tx_list, render_list);
}

static int tx_retry(fl_tx *tx, struct fl_req *r)
{
	int rc = fl_store_job_retry(tx, r->id[0], fl_now());
	if (rc == FL_ENOTFOUND)
		return fl_req_fail(r, FL_ENOTFOUND, NULL, NULL, "There is no dead job %lld",
				   (long long)r->id[0]);
	return rc;
}

/* POST /api/v2/jobs/{id}/retry: a dead job, queued again with fresh
 * attempts. */
static int h_retry(struct fl_req *r)
{
	return fl_req_write(r, tx_retry, fl_req_no_content);
}

const struct fl_route fl_job_routes[] = {
	{"GET", "/api/v2/jobs", h_list, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/jobs/{id}/retry", h_retry, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
