/* /metrics in Prometheus text format and /healthz.
 *
 * Counters are atomics indexed by route and status class so that observing
 * a request costs a few increments and no lock. A scrape reads them, the
 * process's numbers from /proc (core/proc.h), and the job queue from two
 * queries that read indexes only: it costs the same whatever the desk
 * holds.
 *
 * A fenced store (fl_store_fenced: a failed fsync stopped every write) is
 * this file's to tell: /healthz answers 503 saying why, /metrics has the
 * gauge frontline_store_fenced, and the first request to finish after the
 * fence logs it, once. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "core/log.h"
#include "core/proc.h"
#include "core/time.h"
#include "http/http_int.h"
#include "store/jobs.h"
#include "store/users.h"

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405,
			       409, 413, 422, 429, 499, 500, 503, 507};
#define NSTATUS (sizeof statuses / sizeof *statuses + 1) /* + other */

/* Latency bucket bounds in microseconds. */
static const uint64_t bounds[] = {250,   500,    1000,   2500,   5000,    10000,  25000,
				  50000, 100000, 250000, 500000, 1000000, 2500000};
#define NBUCKETS (sizeof bounds / sizeof *bounds)

/* Job kinds a scrape reports at most (jobs/jobs.c registers up to 32). */
#define MAX_KINDS 64

struct fl_metrics {
	size_t nroutes;          /* + 1 row for unmatched paths */
	_Atomic uint64_t *count; /* [route][status] */
	_Atomic uint64_t bucket[NBUCKETS + 1];
	_Atomic uint64_t sum_us, total;
	_Atomic uint64_t *route_bucket; /* [route][NBUCKETS + 1] */
	_Atomic uint64_t *route_sum_us; /* [route] */
	atomic_int fence_logged;
};

void fl_metrics_free(struct fl_server *srv)
{
	if (!srv->metrics)
		return;
	free(srv->metrics->count);
	free(srv->metrics->route_bucket);
	free(srv->metrics->route_sum_us);
	free(srv->metrics);
	srv->metrics = NULL;
}

int fl_metrics_init(struct fl_server *srv)
{
	struct fl_metrics *m = calloc(1, sizeof *m);
	if (!m)
		return FL_ENOMEM;
	srv->metrics = m;
	m->nroutes = fl_nroutes + 1;
	m->count = calloc(m->nroutes * NSTATUS, sizeof *m->count);
	m->route_bucket = calloc(m->nroutes * (NBUCKETS + 1), sizeof *m->route_bucket);
	m->route_sum_us = calloc(m->nroutes, sizeof *m->route_sum_us);
	if (!m->count || !m->route_bucket || !m->route_sum_us) {
		fl_metrics_free(srv);
		return FL_ENOMEM;
	}
	return 0;
}

static size_t status_index(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

/* Logs that the store is fenced, the first time a request sees it: the
 * store does not log, and every request ends here. */
static void note_fence(struct fl_server *srv)
{
	struct fl_metrics *m = srv->metrics;
	const char *why;
	int64_t since;

	if (atomic_load(&m->fence_logged) || !fl_store_fenced(srv->store, &why, &since) ||
	    atomic_exchange(&m->fence_logged, 1))
		return;
	fl_log("error",
	       "storage fenced: %s; writes answer 503 until a restart "
	       "(docs/operations.md, \"When the disk fails\")",
	       why);
}

void fl_metrics_observe(struct fl_server *srv, int route, int status, uint64_t us)
{
	struct fl_metrics *m = srv->metrics;
	size_t row = route >= 0 ? (size_t)route : fl_nroutes;
	size_t b = 0;

	note_fence(srv);
	m->count[row * NSTATUS + status_index(status)]++;
	while (b < NBUCKETS && us > bounds[b])
		b++;
	m->bucket[b]++;
	m->sum_us += us;
	m->total++;
	m->route_bucket[row * (NBUCKETS + 1) + b]++;
	m->route_sum_us[row] += us;
}

/* What a scrape reads from the store. */
struct scrape {
	int64_t states[4]; /* jobs by enum fl_job_state */
	struct fl_job_kind *kinds;
	size_t nkinds;
};

static int tx_jobs(fl_tx *tx, struct fl_req *r)
{
	struct scrape *sc = r->ctx;
	int rc = fl_store_job_counts(tx, sc->states);
	return rc ? rc : fl_store_job_kinds(tx, MAX_KINDS, &r->arena, &sc->kinds, &sc->nkinds);
}

/* A label's value in quotes (Prometheus's text format: \\, \" and \n
 * escaped). */
static int add_label(fl_buf *b, const char *v)
{
	int rc = fl_buf_adds(b, "\"");
	for (; *v && !rc; v++)
		rc = *v == '\\'   ? fl_buf_adds(b, "\\\\")
		     : *v == '"'  ? fl_buf_adds(b, "\\\"")
		     : *v == '\n' ? fl_buf_adds(b, "\\n")
				  : fl_buf_add(b, v, 1);
	return rc ? rc : fl_buf_adds(b, "\"");
}

/* frontline_http_request_duration_seconds: a histogram for each route
 * that was asked for, labelled "METHOD PATTERN", or "unmatched" for the
 * requests no route took (404s, the browser apps' files). */
static int add_route_histograms(fl_buf *b, const struct fl_metrics *m)
{
	int rc = fl_buf_adds(
		b,
		"# HELP frontline_http_request_duration_seconds Time from request to response, "
		"by route.\n"
		"# TYPE frontline_http_request_duration_seconds histogram\n");

	for (size_t i = 0; i < m->nroutes && !rc; i++) {
		const _Atomic uint64_t *row = &m->route_bucket[i * (NBUCKETS + 1)];
		char route[160];
		uint64_t cum = 0, total = 0;

		for (size_t k = 0; k <= NBUCKETS; k++)
			total += row[k];
		if (!total)
			continue;
		if (i < fl_nroutes)
			snprintf(route, sizeof route, "%s %s", fl_routes[i].method,
				 fl_routes[i].pattern);
		else
			snprintf(route, sizeof route, "unmatched");
		for (size_t k = 0; k <= NBUCKETS && !rc; k++) {
			cum += row[k];
			if (k < NBUCKETS)
				rc = fl_buf_addf(b,
						 "frontline_http_request_duration_seconds_bucket{"
						 "route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
						 route, (double)bounds[k] / 1e6, cum);
			else
				rc = fl_buf_addf(b,
						 "frontline_http_request_duration_seconds_bucket{"
						 "route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
						 route, cum);
		}
		rc |= fl_buf_addf(
			b,
			"frontline_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
			"frontline_http_request_duration_seconds_count{route=\"%s\"} %" PRIu64 "\n",
			route, (double)m->route_sum_us[i] / 1e6, route, cum);
	}
	return rc;
}

/* The process's own numbers, named as every Prometheus client names them,
 * and the build. */
static int add_process(fl_buf *b)
{
	struct fl_proc p;
	int rc = 0;

	if (!fl_proc_read(&p))
		rc = fl_buf_addf(
			b,
			"# HELP process_cpu_seconds_total Total user and system CPU time spent in "
			"seconds.\n"
			"# TYPE process_cpu_seconds_total counter\n"
			"process_cpu_seconds_total %.2f\n"
			"# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
			"# TYPE process_resident_memory_bytes gauge\n"
			"process_resident_memory_bytes %" PRIu64
			"\n"
			"# HELP process_open_fds Number of open file descriptors.\n"
			"# TYPE process_open_fds gauge\n"
			"process_open_fds %" PRIu64
			"\n"
			"# HELP process_max_fds Maximum number of open file descriptors.\n"
			"# TYPE process_max_fds gauge\n"
			"process_max_fds %" PRIu64
			"\n"
			"# HELP process_start_time_seconds Start time of the process since unix "
			"epoch in seconds.\n"
			"# TYPE process_start_time_seconds gauge\n"
			"process_start_time_seconds %.2f\n",
			p.cpu_seconds, p.rss_bytes, p.open_fds, p.max_fds, p.start_time);
	return rc ? rc
		  : fl_buf_addf(b,
				"# HELP frontline_build_info The running build: its version, and "
				"the commit it was built from (\"unknown\" outside git).\n"
				"# TYPE frontline_build_info gauge\n"
				"frontline_build_info{version=\"%s\",commit=\"%s\"} 1\n",
				FL_VERSION, FL_COMMIT);
}

/* The queue by kind: how many wait, how long the oldest due one has waited
 * (0 when none is due: a periodic kind's next run waits for its time),
 * and the outbox — the mail not sent yet. */
static int add_job_kinds(fl_buf *b, const struct scrape *sc)
{
	int64_t now = fl_now(), outbox = 0;
	int rc = fl_buf_adds(
		b,
		"# HELP frontline_jobs_queued Jobs queued (due now or later), by kind.\n"
		"# TYPE frontline_jobs_queued gauge\n");

	for (size_t i = 0; i < sc->nkinds && !rc; i++) {
		rc = fl_buf_adds(b, "frontline_jobs_queued{kind=");
		rc |= add_label(b, sc->kinds[i].kind);
		rc |= fl_buf_addf(b, "} %" PRId64 "\n", sc->kinds[i].queued);
	}
	rc |= fl_buf_adds(b,
			  "# HELP frontline_jobs_oldest_age_seconds Seconds the oldest due "
			  "queued job of a kind has waited past its time (0: none due).\n"
			  "# TYPE frontline_jobs_oldest_age_seconds gauge\n");
	for (size_t i = 0; i < sc->nkinds && !rc; i++) {
		int64_t first = sc->kinds[i].oldest_run_at;
		rc = fl_buf_adds(b, "frontline_jobs_oldest_age_seconds{kind=");
		rc |= add_label(b, sc->kinds[i].kind);
		rc |= fl_buf_addf(b, "} %" PRId64 "\n",
				  sc->kinds[i].queued && first < now ? now - first : 0);
		if (!strcmp(sc->kinds[i].kind, "mail-send"))
			outbox = sc->kinds[i].queued + sc->kinds[i].running;
	}
	return rc ? rc
		  : fl_buf_addf(b,
				"# HELP frontline_outbox_depth Mail not sent yet: mail-send jobs "
				"queued or running.\n"
				"# TYPE frontline_outbox_depth gauge\n"
				"frontline_outbox_depth %" PRId64 "\n",
				outbox);
}

static int render_metrics(struct fl_req *r)
{
	struct fl_metrics *m = r->server->metrics;
	const struct scrape *sc = r->ctx;
	const int64_t *jobs = sc->states;
	uint64_t tx_us, tx_count, commits, batched, cum = 0;
	const char *why;
	int64_t since;
	fl_buf b;
	int rc = 0;

	fl_buf_init(&b, 4u << 20);
	rc |= fl_buf_adds(&b,
			  "# HELP frontline_requests_total HTTP requests by route and status.\n"
			  "# TYPE frontline_requests_total counter\n");
	for (size_t i = 0; i < m->nroutes; i++) {
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = m->count[i * NSTATUS + s];
			if (!v)
				continue;
			rc |= fl_buf_addf(
				&b,
				"frontline_requests_total{method=\"%s\",route=\"%s\",status=\"%s%d\"} %" PRIu64
				"\n",
				i < fl_nroutes ? fl_routes[i].method : "",
				i < fl_nroutes ? fl_routes[i].pattern : "unmatched",
				s == NSTATUS - 1 ? "other" : "", s == NSTATUS - 1 ? 0 : statuses[s],
				v);
		}
	}
	rc |= fl_buf_adds(
		&b,
		"# HELP frontline_request_duration_seconds Time from request to response.\n"
		"# TYPE frontline_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= NBUCKETS; i++) {
		cum += m->bucket[i];
		if (i < NBUCKETS)
			rc |= fl_buf_addf(
				&b,
				"frontline_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64
				"\n",
				(double)bounds[i] / 1e6, cum);
		else
			rc |= fl_buf_addf(
				&b,
				"frontline_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64
				"\n",
				cum);
	}
	rc |= fl_buf_addf(&b,
			  "frontline_request_duration_seconds_sum %.6f\n"
			  "frontline_request_duration_seconds_count %" PRIu64 "\n",
			  (double)m->sum_us / 1e6, (uint64_t)m->total);
	fl_store_stats(r->store, &tx_us, &tx_count, &commits, &batched);
	rc |= fl_buf_addf(
		&b,
		"# HELP frontline_db_seconds_total Time spent in database transactions.\n"
		"# TYPE frontline_db_seconds_total counter\n"
		"frontline_db_seconds_total %.6f\n"
		"# HELP frontline_db_transactions_total Database transactions run.\n"
		"# TYPE frontline_db_transactions_total counter\n"
		"frontline_db_transactions_total %" PRIu64
		"\n"
		"# HELP frontline_db_commits_total Durable commits (each may carry many writes).\n"
		"# TYPE frontline_db_commits_total counter\n"
		"frontline_db_commits_total %" PRIu64
		"\n"
		"# HELP frontline_db_writes_total Write transactions committed in those commits.\n"
		"# TYPE frontline_db_writes_total counter\n"
		"frontline_db_writes_total %" PRIu64
		"\n"
		"# HELP frontline_store_fenced 1 once a failed fsync stopped this node's writes until a restart.\n"
		"# TYPE frontline_store_fenced gauge\n"
		"frontline_store_fenced %d\n"
		"# HELP frontline_requests_in_flight Requests being handled now.\n"
		"# TYPE frontline_requests_in_flight gauge\n"
		"frontline_requests_in_flight %ld\n",
		(double)tx_us / 1e6, tx_count, commits, batched,
		fl_store_fenced(r->store, &why, &since), (long)r->server->inflight);
	rc |= fl_buf_addf(
		&b,
		"# HELP frontline_jobs Background jobs by state (the whole queue, not this node's).\n"
		"# TYPE frontline_jobs gauge\n"
		"frontline_jobs{state=\"queued\"} %" PRId64
		"\n"
		"frontline_jobs{state=\"running\"} %" PRId64
		"\n"
		"frontline_jobs{state=\"dead\"} %" PRId64 "\n",
		jobs[FL_JOB_QUEUED], jobs[FL_JOB_RUNNING], jobs[FL_JOB_DEAD]);
	rc |= add_job_kinds(&b, sc);
	rc |= add_route_histograms(&b, m);
	rc |= fl_rendered_metrics(r->server->rendered, &b);
	rc |= add_process(&b);
	if (rc) {
		fl_buf_free(&b);
		return FL_ENOMEM;
	}
	r->raw = fl_arena_strndup(&r->arena, b.p, b.n);
	r->raw_len = b.n;
	r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	r->status = 200;
	fl_buf_free(&b);
	return r->raw ? 0 : FL_ENOMEM;
}

/* GET /metrics: the counters here, the queue from the database. */
int fl_metrics_handler(struct fl_req *r)
{
	r->ctx = fl_arena_alloc(&r->arena, sizeof(struct scrape));
	return r->ctx ? fl_req_read(r, tx_jobs, render_metrics) : FL_ENOMEM;
}

static int tx_ping(fl_tx *tx, struct fl_req *r)
{
	int64_t n;
	(void)r;
	return fl_store_user_count(tx, &n);
}

static int render_health(struct fl_req *r)
{
	return fl_req_reply(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* GET /healthz: 200 {"status":"ok"} once a read reaches the database;
 * on a fenced node 503 {"status":"fenced","reason":…,"since":…} at once,
 * so that a load balancer sends the writes elsewhere. */
int fl_healthz_handler(struct fl_req *r)
{
	const char *why;
	int64_t since;
	char at[21];

	if (!fl_store_fenced(r->store, &why, &since))
		return fl_req_read(r, tx_ping, render_health);
	fl_time_iso(since, at);
	fl_req_header(r, "Retry-After", "60");
	return fl_req_reply(
		r, 503, json_pack("{s:s,s:s,s:s}", "status", "fenced", "reason", why, "since", at));
}

/* /livez answers without touching the database: the ceiling the
 * benchmarks compare every other route with. */
int fl_livez_handler(struct fl_req *r)
{
	return render_health(r);
}
