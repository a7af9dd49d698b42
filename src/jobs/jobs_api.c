/* /api/v2/jobs: the background queue for admins — what is waiting, what is
 * running where, what died and why — retrying dead jobs, and probes that
 * show every node taking jobs. */
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "http/http.h"
#include "store/jobs.h"
#include "store/store.h"

static const char *const states[] = {"queued", "running", "done", "dead"};

/* Probes one request may queue. */
#define PROBES_MAX 1000

struct ctx {
	int state;
	struct fl_job *jobs;
	size_t n;
	int64_t count;
	char payload[40];
	struct fl_job_probe *probes;
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
		json_object_set_new(o, "state",
				    json_string(j->state >= 0 && j->state < 4 ? states[j->state]
									      : "unknown"));
		json_object_set_new(o, "attempts", json_integer(j->attempts));
		json_object_set_new(o, "max_attempts", json_integer(j->max_attempts));
		json_object_set_new(o, "run_at", fl_json_time(j->run_at));
		json_object_set_new(o, "lease_owner", fl_json_str(j->lease_owner));
		json_object_set_new(o, "lease_until", fl_json_time(j->lease_until));
		json_object_set_new(o, "last_error", fl_json_str(j->last_error));
		json_object_set_new(o, "created_at", fl_json_time(j->created_at));
		json_object_set_new(o, "updated_at", fl_json_time(j->updated_at));
		json_object_set_new(o, "request_id", fl_json_str(j->request_id));
		json_array_append_new(list, o);
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "jobs", list, "count", (json_int_t)c->n));
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

static int tx_probe(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t now = fl_now();
	int rc = 0;

	/* three attempts: a probe whose runner dies is taken again */
	for (int64_t i = 0; i < c->count && !rc; i++)
		rc = fl_store_job_enqueue(tx, "probe", c->payload, now, 3, NULL, now);
	return rc;
}

static int render_queued(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 202, json_pack("{s:I}", "queued", (json_int_t)c->count));
}

/* *out: a whole number from lo to hi in the body's field, def when absent. */
static int number(struct fl_req *r, const char *field, int64_t lo, int64_t hi, int64_t def,
		  int64_t *out)
{
	json_t *v = r->body ? json_object_get(r->body, field) : NULL;

	*out = v ? json_integer_value(v) : def;
	if (v && (!json_is_integer(v) || *out < lo || *out > hi))
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s must be a whole number from %lld to %lld", field,
				   (long long)lo, (long long)hi);
	return 0;
}

/* POST /api/v2/jobs/probes {"count": N, "hold_ms": M}: queues N probe jobs
 * (1 to 1000; default 1), each holding its claim M ms (0 to 10000) before
 * it records its run. */
static int h_probe(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t hold;
	int rc;

	if ((rc = number(r, "count", 1, PROBES_MAX, 1, &c->count)) ||
	    (rc = number(r, "hold_ms", 0, 10000, 0, &hold)))
		return rc;
	snprintf(c->payload, sizeof c->payload, "{\"hold_ms\": %lld}", (long long)hold);
	return fl_req_write(r, tx_probe, render_queued);
}

static int tx_probes(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_job_probe_list(tx, PROBES_MAX, &r->arena, &c->probes, &c->n);
}

static int render_probes(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_job_probe *p = &c->probes[i];
		json_array_append_new(list,
				      json_pack("{s:I, s:o, s:i, s:o, s:o, s:I}", "job_id",
						(json_int_t)p->job_id, "runner",
						fl_json_str(p->runner), "attempt", p->attempt,
						"enqueued_at", fl_json_time(p->enqueued_at),
						"ran_at", fl_json_time(p->ran_at), "waited_seconds",
						(json_int_t)(p->ran_at - p->enqueued_at)));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "probes", list, "count", (json_int_t)c->n));
}

/* GET /api/v2/jobs/probes: the last 1000 probes that ran, newest first. */
static int h_probes(struct fl_req *r)
{
	return fl_req_read(r, tx_probes, render_probes);
}

const struct fl_route fl_job_routes[] = {
	{"GET", "/api/v2/jobs/probes", h_probes, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/jobs/probes", h_probe, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/jobs", h_list, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/jobs/{id}/retry", h_retry, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
