/* The SLA reports (sla/report.h). Agents read; nothing is written.
 *   GET /api/v2/slas/reports/compliance?from&to&by
 *   GET /api/v2/slas/reports/times?from&to&group_id&tier_id&schedule_id
 *   GET /api/v2/slas/reports/breaches?from&to&metric&group_id&page[size]&page[after]
 * Each also as CSV, with ?format=csv or the path's .csv suffix: a header
 * row, then the rows (sla/report.h's cells), UTF-8 with a byte-order mark
 * (what a spreadsheet needs to read it as UTF-8), as an attachment. The
 * CSV of the breaches is the whole list up to BREACHES_CSV_MAX rows, not
 * one page. A parameter that does not read is a 422 naming it; one that
 * is not the report's, a 400 naming it. */
#include <stdlib.h>
#include <string.h>

#include "core/redact.h"
#include "core/time.h"
#include "http/http.h"
#include "sla/clock.h"
#include "sla/policy.h"
#include "sla/report.h"
#include "sla/schedule.h"
#include "sla/ticket_sla.h"
#include "store/schedules.h"
#include "store/sla_reports.h"
#include "store/slas.h"

#define DAY_SECONDS 86400
/* The most tickets a times report replays: each is measured on its
 * timeline, read in batches, and 200,000 is as long as a request should
 * keep a reader (the what-if's bound). */
#define TIMES_TICKETS_MAX 200000
/* The most rows of the breaches' CSV. */
#define BREACHES_CSV_MAX 10000
#define CSV_BOM "\xEF\xBB\xBF"

/* The report's two timed metrics. */
enum { TIME_FIRST_REPLY, TIME_RESOLUTION, TIME__MAX };
static const int time_metric[TIME__MAX] = {FL_SLA_FIRST_REPLY_TIME, FL_SLA_TOTAL_RESOLUTION};

/* Seconds measured, grown as tickets are read. */
struct vec {
	int64_t *v;
	size_t n, cap;
};

static int vec_add(struct vec *x, int64_t v)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		int64_t *p = realloc(x->v, cap * sizeof *p);
		if (!p)
			return FL_ENOMEM;
		x->v = p;
		x->cap = cap;
	}
	x->v[x->n++] = v;
	return 0;
}

struct ctx {
	int csv;
	struct fl_report_period period;
	int by;
	struct fl_store_sla_compliance *rows;
	size_t nrows;
	struct fl_store_sla_no_promise *none;
	size_t nnone;
	/* times */
	struct fl_store_sla_report_scope scope;
	int64_t schedule_id, now, after, tickets, unmeasured;
	struct fl_schedule *schedule; /* NULL: the desk has none */
	struct fl_bizclock *clock;
	struct vec calendar[TIME__MAX], business[TIME__MAX];
	int done;
	/* breaches */
	const char *metric;
	int64_t group_id;
	struct fl_req_page pg;
	struct fl_store_sla_breach *breaches;
	size_t nbreaches;
};

/* ?format=csv (or json), or the path's .csv suffix; then the period. */
static int common_args(struct fl_req *r, struct ctx *c, const char *const *allowed)
{
	const char *format;
	int rc = fl_req_args_only(r, allowed);

	if (rc)
		return rc;
	format = fl_req_arg(r, "format");
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue",
				   "Format: must be csv or json");
	if (format)
		c->csv = !strcmp(format, "csv");
	if (strlen(r->url) > 4 && !strcmp(r->url + strlen(r->url) - 4, ".csv"))
		c->csv = 1;
	return fl_report_period_parse(fl_req_arg(r, "from"), fl_req_arg(r, "to"),
				      (int32_t)(fl_now() / DAY_SECONDS), &c->period, &r->err);
}

/* A positive id, or 0 when left out; 422 naming field for anything else. */
static int id_arg(struct fl_req *r, const char *field, int64_t *out)
{
	const char *z = fl_req_arg(r, field);

	*out = 0;
	if (!z)
		return 0;
	if (fl_str_to_i64(fl_str_c(z), out) || *out <= 0)
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue", "%s: must be a positive id",
				   field);
	return 0;
}

/* A ticket's subject, which its requester may have written, as the reader
 * may see it: a viewer reads it with the e-mail addresses and telephone
 * numbers in it masked (core/redact.h); when that cannot be done, not at
 * all. */
static const char *customer_text(struct fl_req *r, const char *text)
{
	if (r->actor.role != FL_ROLE_VIEWER || !text)
		return text;
	const char *masked = fl_redact_contacts(text, &r->arena);
	return masked ? masked : "";
}

/* The CSV in b as the reply, named for the report and its period. */
static int reply_csv(struct fl_req *r, const char *report, fl_buf *b)
{
	struct ctx *c = r->ctx;
	char from[11], to[11], name[96];

	fl_report_day_iso(c->period.from_day, from);
	fl_report_day_iso(c->period.to_day, to);
	snprintf(name, sizeof name, "sla-%s-%s-%s.csv", report, from, to);
	return fl_req_reply_csv(r, b, name);
}

static json_t *period_json(const struct fl_report_period *p, json_t *o)
{
	char from[11], to[11];
	fl_report_day_iso(p->from_day, from);
	fl_report_day_iso(p->to_day, to);
	json_object_set_new(o, "from", json_string(from));
	json_object_set_new(o, "to", json_string(to));
	return o;
}

/* ---- compliance ---- */

/* The key of a row as the API gives it: the metric's or channel's name,
 * else the id (null for none). */
static json_t *key_json(int by, int64_t key, const char *metric)
{
	if (by == FL_REPORT_BY_METRIC)
		return metric ? json_string(metric) : json_null();
	if (by == FL_REPORT_BY_CHANNEL)
		return fl_json_str(fl_channel_name((int)key));
	return fl_json_id(key);
}

/* The name of a row: the channel's or metric's, else the stored one
 * (null for none, or a policy, group, agent or tier gone). */
static const char *key_name(int by, int64_t key, const char *name, const char *metric)
{
	if (by == FL_REPORT_BY_METRIC)
		return metric;
	if (by == FL_REPORT_BY_CHANNEL)
		return fl_channel_name((int)key);
	return name && *name ? name : NULL;
}

static json_t *ratio_json(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static int tx_compliance(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_sla_compliance(tx, c->by, c->period.start, c->period.end, &r->arena,
					 &c->rows, &c->nrows);
	return rc ? rc
		  : fl_store_sla_no_promise(tx, c->by, c->period.start, c->period.end, &r->arena,
					    &c->none, &c->nnone);
}

static int render_compliance_csv(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b, CSV_BOM
			 "key,name,metric,tickets,measured,achieved,breached,"
			 "compliance\r\n");
	for (size_t i = 0; !rc && i < c->nrows; i++) {
		const struct fl_store_sla_compliance *x = &c->rows[i];
		json_t *k = key_json(c->by, x->key, x->metric);
		char id[24];

		if (json_is_integer(k))
			snprintf(id, sizeof id, "%lld", (long long)json_integer_value(k));
		rc = fl_csv_text(&b, 1,
				 json_is_string(k)    ? json_string_value(k)
				 : json_is_integer(k) ? id
						      : NULL);
		json_decref(k);
		if (!rc)
			rc = fl_csv_text(&b, 0, key_name(c->by, x->key, x->name, x->metric));
		if (!rc)
			rc = fl_csv_text(&b, 0, x->metric);
		if (!rc)
			rc = fl_csv_text(&b, 0, NULL);
		if (!rc)
			rc = fl_csv_int(&b, 0, x->achieved + x->breached);
		if (!rc)
			rc = fl_csv_int(&b, 0, x->achieved);
		if (!rc)
			rc = fl_csv_int(&b, 0, x->breached);
		if (!rc)
			rc = fl_csv_real(&b, 0, fl_report_compliance(x->achieved, x->breached), 3);
		if (!rc)
			rc = fl_csv_end(&b);
	}
	for (size_t i = 0; !rc && i < c->nnone; i++) {
		const struct fl_store_sla_no_promise *x = &c->none[i];
		int keyed = c->by != FL_REPORT_BY_POLICY && c->by != FL_REPORT_BY_METRIC;
		char id[24];

		snprintf(id, sizeof id, "%lld", (long long)x->key);
		rc = fl_csv_text(&b, 1,
				 !keyed                          ? NULL
				 : c->by == FL_REPORT_BY_CHANNEL ? fl_channel_name((int)x->key)
				 : x->key                        ? id
								 : NULL);
		if (!rc)
			rc = fl_csv_text(&b, 0,
					 keyed ? key_name(c->by, x->key, x->name, NULL) : NULL);
		if (!rc)
			rc = fl_csv_text(&b, 0, "no_promise");
		if (!rc)
			rc = fl_csv_int(&b, 0, x->tickets);
		if (!rc)
			rc = fl_buf_adds(&b, ",,,,\r\n");
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return reply_csv(r, "compliance", &b);
}

static int render_compliance(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *rows, *none, *o;
	int keyed = c->by != FL_REPORT_BY_POLICY && c->by != FL_REPORT_BY_METRIC;

	if (c->csv)
		return render_compliance_csv(r);
	rows = json_array();
	none = json_array();
	for (size_t i = 0; i < c->nrows; i++) {
		const struct fl_store_sla_compliance *x = &c->rows[i];
		json_array_append_new(
			rows,
			json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:o}", "key",
				  key_json(c->by, x->key, x->metric), "name",
				  fl_json_str(key_name(c->by, x->key, x->name, x->metric)),
				  "metric", x->metric, "measured",
				  (json_int_t)(x->achieved + x->breached), "achieved",
				  (json_int_t)x->achieved, "breached", (json_int_t)x->breached,
				  "compliance",
				  ratio_json(fl_report_compliance(x->achieved, x->breached))));
	}
	for (size_t i = 0; i < c->nnone; i++) {
		const struct fl_store_sla_no_promise *x = &c->none[i];
		json_array_append_new(
			none, json_pack("{s:o, s:o, s:I}", "key",
					keyed ? key_json(c->by, x->key, NULL) : json_null(), "name",
					fl_json_str(keyed ? key_name(c->by, x->key, x->name, NULL)
							  : NULL),
					"tickets", (json_int_t)x->tickets));
	}
	o = period_json(&c->period, json_object());
	json_object_set_new(o, "by", json_string(fl_report_by_name(c->by)));
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "no_promise", none);
	return fl_req_reply(r, 200, json_pack("{s:o}", "sla_compliance", o));
}

static int h_compliance(struct fl_req *r)
{
	static const char *const args[] = {"from", "to", "by", "format", NULL};
	struct ctx *c = r->ctx;
	const char *by;
	int rc = common_args(r, c, args);

	if (rc)
		return rc;
	by = fl_req_arg(r, "by");
	c->by = by ? fl_report_by_parse(fl_str_c(by)) : FL_REPORT_BY_POLICY;
	if (c->by < 0)
		return fl_req_fail(r, FL_EINVAL, "by", "InvalidValue",
				   "By: must be policy, metric, group, agent, tier or channel");
	return fl_req_read(r, tx_compliance, render_compliance);
}

/* ---- times ---- */

static void times_free(struct ctx *c)
{
	for (int k = 0; k < TIME__MAX; k++) {
		free(c->calendar[k].v);
		free(c->business[k].v);
		c->calendar[k] = c->business[k] = (struct vec){0};
	}
	fl_bizclock_free(c->clock);
	c->clock = NULL;
}

/* The schedule (the one named, else the desk's first) with its holidays,
 * and how many tickets there are to measure. */
static int tx_times_prepare(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_schedule *s = NULL;
	size_t ns;
	int rc;

	if (c->schedule_id) {
		s = fl_arena_alloc(&r->arena, sizeof *s);
		if (!s)
			return FL_ENOMEM;
		rc = fl_store_schedule_get(tx, c->schedule_id, &r->arena, s);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(&r->err, FL_EINVAL, "schedule_id", "InvalidValue",
					  "Schedule: there is no schedule %lld",
					  (long long)c->schedule_id);
	} else {
		rc = fl_store_schedule_list(tx, &r->arena, &s, &ns);
		if (!rc && !ns)
			s = NULL;
	}
	if (!rc && s)
		rc = fl_store_holiday_list(tx, s->id, &r->arena, &s->holidays, &s->nholidays);
	if (!rc)
		rc = fl_store_sla_report_count(tx, &c->scope, &c->tickets);
	if (rc)
		return rc;
	if (c->tickets > TIMES_TICKETS_MAX)
		return fl_err_set(&r->err, FL_EINVAL, "from", "TooLong",
				  "From: the period holds %lld tickets, more than the %d a times "
				  "report measures; ask for fewer days",
				  (long long)c->tickets, TIMES_TICKETS_MAX);
	c->schedule = s;
	return 0;
}

/* Measures one ticket's first reply and resolution on its timeline, on
 * the calendar and, when there is a schedule, in its business hours: the
 * live clock's own metrics with a target that is never reached, so
 * `used` is the time each took once it ended. */
static int measure_one(struct ctx *c, const struct fl_sla_event *ev, size_t nev)
{
	struct fl_sla_target tg[TIME__MAX];
	struct fl_sla_state st[TIME__MAX];
	int rc;

	for (int business = 0; business <= (c->clock != NULL); business++) {
		for (int k = 0; k < TIME__MAX; k++)
			tg[k] = (struct fl_sla_target){time_metric[k], FL_SLA_TARGET_MAX, business};
		if ((rc = fl_sla_measure(tg, TIME__MAX, business ? c->clock : NULL, ev, nev, c->now,
					 st)))
			return rc;
		for (int k = 0; k < TIME__MAX; k++) {
			struct vec *v = business ? &c->business[k] : &c->calendar[k];
			if (st[k].achieved_at == FL_SLA_NEVER)
				continue;
			if ((rc = vec_add(v, st[k].used)))
				return rc;
		}
	}
	return 0;
}

static int tx_times_batch(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_ticket *t = NULL;
	struct fl_store_sla_timeline *tl;
	struct fl_sla_event *ev = NULL;
	int64_t *ids;
	size_t n = 0, room = 0;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_sla_report_tickets(tx, &c->scope, c->after, FL_STORE_SLA_MANY_MAX, &a, &t,
					 &n);
	ids = fl_arena_alloc(&a, (n + 1) * sizeof *ids);
	tl = fl_arena_alloc(&a, (n + 1) * sizeof *tl);
	if (!rc && (!ids || !tl))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		ids[i] = t[i].id;
	if (!rc)
		rc = fl_store_sla_steps_many(tx, ids, n, &a, tl);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t nev;
		/* a timeline cut at the cap is not measured, as the live clock
		 * does not measure it */
		if (tl[i].truncated || tl[i].n >= FL_STORE_SLA_STEPS_MAX) {
			c->unmeasured++;
			continue;
		}
		if (tl[i].n + 1 > room) {
			room = tl[i].n + 1 < 64 ? 64 : tl[i].n + 1;
			if (!(ev = fl_arena_alloc(&a, room * sizeof *ev))) {
				rc = FL_ENOMEM;
				break;
			}
		}
		rc = fl_ticket_sla_timeline(&t[i], tl[i].steps, tl[i].n, ev, &nev);
		if (!rc)
			rc = measure_one(c, ev, nev);
		if (rc == FL_EINVAL) {
			c->unmeasured++;
			rc = 0;
		}
	}
	if (!rc && n)
		c->after = t[n - 1].id;
	if (!rc && n < FL_STORE_SLA_MANY_MAX)
		c->done = 1;
	fl_arena_free(&a);
	return rc;
}

static int batch_read(struct fl_req *r)
{
	(void)r;
	return 0;
}

static json_t *spread_json(struct vec *v)
{
	if (!v->n)
		return json_null();
	return json_pack("{s:I, s:I}", "median", (json_int_t)fl_report_percentile(v->v, v->n, 50),
			 "p90", (json_int_t)fl_report_percentile(v->v, v->n, 90));
}

static int render_times_csv(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b, CSV_BOM
			 "metric,measured,median_business_hours,p90_business_hours,"
			 "median_calendar_hours,p90_calendar_hours\r\n");
	for (int k = 0; !rc && k < TIME__MAX; k++) {
		struct vec *bz = &c->business[k], *cal = &c->calendar[k];
		rc = fl_csv_text(&b, 1, fl_sla_metric_name(time_metric[k]));
		if (!rc)
			rc = fl_csv_int(&b, 0, (int64_t)cal->n);
		for (int p = 0; !rc && p < 2; p++)
			rc = fl_csv_real(&b, 0,
					 bz->n ? fl_report_percentile(bz->v, bz->n, p ? 90 : 50) /
							 3600.0
					       : -1,
					 2);
		for (int p = 0; !rc && p < 2; p++)
			rc = fl_csv_real(
				&b, 0,
				cal->n ? fl_report_percentile(cal->v, cal->n, p ? 90 : 50) / 3600.0
				       : -1,
				2);
		if (!rc)
			rc = fl_csv_end(&b);
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return reply_csv(r, "times", &b);
}

static int render_times(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *metrics, *o;

	if (c->csv)
		return render_times_csv(r);
	metrics = json_array();
	for (int k = 0; k < TIME__MAX; k++)
		json_array_append_new(
			metrics, json_pack("{s:s, s:I, s:o, s:o}", "metric",
					   fl_sla_metric_name(time_metric[k]), "measured",
					   (json_int_t)c->calendar[k].n, "business",
					   c->clock ? spread_json(&c->business[k]) : json_null(),
					   "calendar", spread_json(&c->calendar[k])));
	o = period_json(&c->period, json_object());
	json_object_set_new(o, "schedule_id", fl_json_id(c->schedule ? c->schedule->id : 0));
	json_object_set_new(o, "group_id", fl_json_id(c->scope.group_id));
	json_object_set_new(o, "tier_id", fl_json_id(c->scope.tier_id));
	json_object_set_new(o, "tickets", json_integer(c->tickets));
	json_object_set_new(o, "unmeasured", json_integer(c->unmeasured));
	json_object_set_new(o, "metrics", metrics);
	return fl_req_reply(r, 200, json_pack("{s:o}", "sla_times", o));
}

/* After tx_times_prepare: the schedule's clock, then the tickets a batch
 * to a read transaction — each within the store's read deadline however
 * long the period is. */
static int times_run(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = c->schedule ? fl_bizclock_new(c->schedule, &c->clock) : 0;

	c->now = fl_now();
	while (!rc && !c->done)
		rc = fl_req_read(r, tx_times_batch, batch_read);
	if (!rc)
		rc = render_times(r);
	times_free(c);
	return rc;
}

static int h_times(struct fl_req *r)
{
	static const char *const args[] = {"from",        "to",     "group_id", "tier_id",
					   "schedule_id", "format", NULL};
	struct ctx *c = r->ctx;
	int rc = common_args(r, c, args);

	if (!rc)
		rc = id_arg(r, "group_id", &c->scope.group_id);
	if (!rc)
		rc = id_arg(r, "tier_id", &c->scope.tier_id);
	if (!rc)
		rc = id_arg(r, "schedule_id", &c->schedule_id);
	if (rc)
		return rc;
	c->scope.start = c->period.start;
	c->scope.end = c->period.end;
	return fl_req_read(r, tx_times_prepare, times_run);
}

/* ---- breaches ---- */

static int tx_breaches(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	size_t max = c->csv ? BREACHES_CSV_MAX : c->pg.per_page + 1;
	return fl_store_sla_breaches(tx, c->period.start, c->period.end, c->metric, c->group_id,
				     !c->csv && c->pg.has_after, c->pg.after_key, c->pg.after_id,
				     max, &r->arena, &c->breaches, &c->nbreaches);
}

static int render_breaches_csv(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b, CSV_BOM
			 "ticket_id,subject,metric,breach_at,late_seconds,"
			 "business_hours,group_id,group,assignee_id,assignee,policy_id,"
			 "policy\r\n");
	for (size_t i = 0; !rc && i < c->nbreaches; i++) {
		const struct fl_store_sla_breach *x = &c->breaches[i];
		char at[21];

		fl_time_iso(x->breach_at, at);
		rc = fl_csv_int(&b, 1, x->ticket_id);
		if (!rc)
			rc = fl_csv_text(&b, 0, customer_text(r, x->subject));
		if (!rc)
			rc = fl_csv_text(&b, 0, x->metric);
		if (!rc)
			rc = fl_csv_text(&b, 0, x->breach_at ? at : NULL);
		if (!rc)
			rc = fl_csv_int(&b, 0, x->late);
		if (!rc)
			rc = fl_csv_text(&b, 0, x->business_hours ? "true" : "false");
		if (!rc)
			rc = x->group_id ? fl_csv_int(&b, 0, x->group_id)
					 : fl_csv_text(&b, 0, NULL);
		if (!rc)
			rc = fl_csv_text(&b, 0, x->group_name);
		if (!rc)
			rc = x->assignee_id ? fl_csv_int(&b, 0, x->assignee_id)
					    : fl_csv_text(&b, 0, NULL);
		if (!rc)
			rc = fl_csv_text(&b, 0, x->assignee_name);
		if (!rc)
			rc = fl_csv_int(&b, 0, x->policy_id);
		if (!rc)
			rc = fl_csv_text(&b, 0, x->policy_title);
		if (!rc)
			rc = fl_csv_end(&b);
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return reply_csv(r, "breaches", &b);
}

static json_t *named_json(int64_t id, const char *name)
{
	if (!id)
		return json_null();
	return json_pack("{s:I, s:o}", "id", (json_int_t)id, "name",
			 fl_json_str(name && *name ? name : NULL));
}

static int render_breaches(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list, *o;
	size_t n = c->nbreaches > c->pg.per_page ? c->pg.per_page : c->nbreaches;
	const struct fl_store_sla_breach *last = n ? &c->breaches[n - 1] : NULL;

	if (c->csv)
		return render_breaches_csv(r);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct fl_store_sla_breach *x = &c->breaches[i];
		json_array_append_new(
			list, json_pack("{s:I, s:o, s:s, s:o, s:I, s:b, s:o, s:o, s:o}",
					"ticket_id", (json_int_t)x->ticket_id, "subject",
					fl_json_str(customer_text(r, x->subject)), "metric",
					x->metric, "breach_at", fl_json_time(x->breach_at), "late",
					(json_int_t)x->late, "business_hours", x->business_hours,
					"group", named_json(x->group_id, x->group_name), "assignee",
					named_json(x->assignee_id, x->assignee_name), "policy",
					named_json(x->policy_id, x->policy_title)));
	}
	o = json_pack("{s:o}", "sla_breaches", list);
	fl_req_page_links(r, &c->pg, o, c->nbreaches > c->pg.per_page, 0,
			  last ? last->breach_at : 0, last ? last->order : 0);
	return fl_req_reply(r, 200, o);
}

static int h_breaches(struct fl_req *r)
{
	static const char *const args[] = {"from",   "to",          "metric", "group_id",
					   "format", "page[after]", NULL};
	struct ctx *c = r->ctx;
	int rc = common_args(r, c, args);

	if (!rc)
		rc = id_arg(r, "group_id", &c->group_id);
	if (!rc)
		rc = fl_req_paging(r, &c->pg);
	if (rc)
		return rc;
	c->pg.cursor = 1; /* keyset pages only: breaches come and go */
	c->metric = fl_req_arg(r, "metric");
	if (c->metric && fl_sla_metric_parse(fl_str_c(c->metric)) < 0)
		return fl_req_fail(r, FL_EINVAL, "metric", "InvalidValue",
				   "Metric: must be one of the SLA metrics (first_reply_time, "
				   "next_reply_time, periodic_update_time, requester_wait_time, "
				   "agent_work_time, total_resolution)");
	return fl_req_read(r, tx_breaches, render_breaches);
}

const struct fl_route fl_sla_report_routes[] = {
	{"GET", "/api/v2/slas/reports/compliance", h_compliance, FL_ROLE_VIEWER, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/slas/reports/compliance.csv", h_compliance, FL_ROLE_VIEWER, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/slas/reports/times", h_times, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/slas/reports/times.csv", h_times, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/slas/reports/breaches", h_breaches, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/slas/reports/breaches.csv", h_breaches, FL_ROLE_VIEWER, 0,
	 sizeof(struct ctx)},
	{0},
};
