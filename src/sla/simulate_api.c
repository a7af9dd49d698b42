/* POST /api/v2/slas/policies/simulate: the SLA what-if (sla/simulate.h).
 * Admins only. The body proposes a policy ("sla_policy", as for create or
 * update: with "id" it replaces that policy), a schedule ("schedule": "id"
 * and what changes of its time zone, intervals and holidays), or both,
 * and "days" (1..365, 90 when left out); the tickets created in those
 * days are replayed under the policies as they are and as proposed, at
 * the moment of the request. The proposal is checked as create and update
 * check it (422 naming the field), and nothing is written: it all runs in
 * read transactions — the policies, schedules and the check in one, then
 * each batch of tickets in one of its own, since a transaction that reads
 * 100,000 tickets would outlast the store's read deadline (3 s). */
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "sla/policy.h"
#include "sla/schedule.h"
#include "sla/simulate.h"
#include "sla/sla_api.h"
#include "sla/ticket_sla.h"
#include "store/schedules.h"
#include "store/slas.h"
#include "store/tickets.h"

#define DAY_SECONDS 86400
#define DAYS_DEFAULT 90
#define DAYS_MAX 365
/* The most tickets one replay reads: 100,000 take about a second and a
 * half; twice that is as long as a request should keep a reader. */
#define TICKETS_MAX 200000

struct sim_in {
	int64_t days;
	int has_days;
};

static const struct fl_field sim_fields[] = {
	{"days", FL_FT_INT, DAYS_MAX, 0, 0, NULL, offsetof(struct sim_in, days),
	 offsetof(struct sim_in, has_days), 0, 1},
	FL_FIELDS_END,
};

struct schedule_in {
	int64_t id;
	const char *time_zone;
	int has_id, has_time_zone;
};

static const struct fl_field schedule_fields[] = {
	{"id", FL_FT_ID, 0, 0, 0, NULL, offsetof(struct schedule_in, id),
	 offsetof(struct schedule_in, has_id), 0, 0},
	{"time_zone", FL_FT_STRING, 64, 0, 0, NULL, offsetof(struct schedule_in, time_zone),
	 offsetof(struct schedule_in, has_time_zone), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct sim_in days;
	int has_policy, has_schedule;
	struct fl_sla_policy_in pin;
	struct schedule_in sin;
	struct fl_interval *intervals;
	size_t nintervals;
	int has_intervals;
	struct fl_holiday *holidays;
	size_t nholidays;
	int has_holidays;

	struct fl_sla_policy proposal;
	struct fl_schedule schedule;
	struct fl_sim_input in;
	int64_t since, after; /* the tickets created since, and the last replayed */
	int done;
	struct fl_sim sim;
	struct fl_sim_share *shares[FL_SIM_BY__MAX];
	size_t nshares[FL_SIM_BY__MAX];
};

/* "sla_policy" as create and update read it. */
static int decode_policy(struct fl_req *r, struct ctx *c, json_t *v)
{
	if (!json_is_object(v))
		return fl_req_fail(r, FL_EINVAL, "sla_policy", "InvalidType",
				   "SLA policy: must be an object, as for create or update");
	c->has_policy = 1;
	return fl_sla_policy_decode(r, v, &c->pin);
}

/* Reads "YYYY-MM-DD" into a day number since 1970-01-01, as the holidays'
 * endpoints do. */
static int parse_date(struct fl_req *r, const char *field, size_t i, const char *z, int32_t *out)
{
	int64_t t;

	if (!z || strlen(z) != 10 || fl_time_parse(fl_str_c(z), &t))
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "Holidays: item %zu needs a %s that exists, as YYYY-MM-DD",
				   i + 1, field);
	*out = (int32_t)(t >= 0 ? t / DAY_SECONDS : -((-t + DAY_SECONDS - 1) / DAY_SECONDS));
	return 0;
}

static int decode_intervals(struct fl_req *r, struct ctx *c, json_t *v)
{
	int rc = fl_sla_decode_intervals(r, v, &c->intervals, &c->nintervals);
	if (!rc)
		c->has_intervals = 1;
	return rc;
}

/* "holidays": [{"name", "start_date", "end_date"}, …]: the whole list the
 * schedule would have. */
static int decode_holidays(struct fl_req *r, struct ctx *c, json_t *v)
{
	size_t i;
	json_t *item;
	int rc;

	if (!json_is_array(v))
		return fl_req_fail(r, FL_EINVAL, "holidays", "InvalidType",
				   "Holidays: must be a list of {\"name\", \"start_date\", "
				   "\"end_date\"}");
	if (json_array_size(v) > FL_SCHEDULE_MAX_HOLIDAYS)
		return fl_req_fail(r, FL_EINVAL, "holidays", "TooLong", "Holidays: at most %d",
				   FL_SCHEDULE_MAX_HOLIDAYS);
	c->holidays = fl_arena_alloc(&r->arena, (json_array_size(v) + 1) * sizeof *c->holidays);
	if (!c->holidays)
		return FL_ENOMEM;
	json_array_foreach(v, i, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));
		struct fl_holiday *h = &c->holidays[i];

		if (!json_is_object(item) || !name)
			return fl_req_fail(r, FL_EINVAL, "holidays", "InvalidType",
					   "Holidays: item %zu must be {\"name\", \"start_date\", "
					   "\"end_date\"}",
					   i + 1);
		*h = (struct fl_holiday){0, fl_arena_strdup(&r->arena, name), 0, 0};
		if (!h->name)
			return FL_ENOMEM;
		if ((rc = parse_date(r, "start_date", i,
				     json_string_value(json_object_get(item, "start_date")),
				     &h->start_day)) ||
		    (rc = parse_date(r, "end_date", i,
				     json_string_value(json_object_get(item, "end_date")),
				     &h->end_day)))
			return rc;
	}
	c->nholidays = json_array_size(v);
	c->has_holidays = 1;
	return 0;
}

static int decode_schedule(struct fl_req *r, struct ctx *c, json_t *v)
{
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EINVAL, "schedule", "InvalidType",
				   "Schedule: must be {\"id\", \"time_zone\", \"intervals\", "
				   "\"holidays\"}");
	if ((rc = fl_input_decode(v, schedule_fields, &c->sin, &r->arena, &r->err)))
		return rc;
	if (!c->sin.has_id)
		return fl_req_fail(r, FL_EINVAL, "schedule", "Blank",
				   "Schedule: name the schedule to change by its id");
	if (json_object_get(v, "intervals") &&
	    (rc = decode_intervals(r, c, json_object_get(v, "intervals"))))
		return rc;
	if (json_object_get(v, "holidays") &&
	    (rc = decode_holidays(r, c, json_object_get(v, "holidays"))))
		return rc;
	c->has_schedule = 1;
	return 0;
}

/* The proposal: policy c->pin.id as stored with the request's fields over
 * it, or a new policy of the request's fields; checked as the doors check
 * it, against the schedules there are. */
static int make_proposal(fl_tx *tx, struct fl_req *r, const struct fl_schedule *schedules,
			 size_t nschedules)
{
	struct ctx *c = r->ctx;
	struct fl_sla_policy *p = &c->proposal;
	int rc, found = 0;

	if (c->pin.has_id) {
		rc = fl_sla_policy_get(tx, c->pin.id, &r->arena, p);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(&r->err, FL_EINVAL, "id", "InvalidValue",
					  "SLA policy: there is no policy %lld",
					  (long long)c->pin.id);
		if (rc)
			return rc;
	} else {
		*p = (struct fl_sla_policy){.description = ""};
		if (!c->pin.has_title)
			return fl_err_set(&r->err, FL_EINVAL, "title", "Blank",
					  "Title: cannot be blank");
		if (!c->pin.has_metrics)
			return fl_err_set(&r->err, FL_EINVAL, "policy_metrics", "Blank",
					  "Policy metrics: a policy needs at least one target");
	}
	fl_sla_policy_apply(&c->pin, p);
	if ((rc = fl_sla_policy_check(p, &r->err)))
		return rc;
	for (size_t k = 0; k < nschedules; k++)
		found |= schedules[k].id == p->schedule_id;
	if (p->schedule_id && !found)
		return fl_err_set(&r->err, FL_EINVAL, "schedule_id", "InvalidValue",
				  "Schedule: there is no schedule %lld", (long long)p->schedule_id);
	for (size_t i = 0; i < p->nmetrics && !nschedules; i++)
		if (p->metrics[i].business_hours)
			return fl_err_set(&r->err, FL_EINVAL, "policy_metrics", "InvalidValue",
					  "Policy metrics: business hours need a business-hours "
					  "schedule, and there is none");
	return 0;
}

/* The proposed schedule: schedule c->sin.id as stored with the request's
 * time zone, intervals and holidays over it, checked as a write checks it. */
static int make_schedule(struct fl_req *r, const struct fl_schedule *schedules, size_t n)
{
	struct ctx *c = r->ctx;
	struct fl_schedule *s = &c->schedule;
	size_t k = 0;

	while (k < n && schedules[k].id != c->sin.id)
		k++;
	if (k == n)
		return fl_err_set(&r->err, FL_EINVAL, "schedule", "InvalidValue",
				  "Schedule: there is no schedule %lld", (long long)c->sin.id);
	*s = schedules[k];
	if (c->sin.has_time_zone)
		s->time_zone = (char *)c->sin.time_zone;
	if (c->has_intervals) {
		s->intervals = c->intervals;
		s->nintervals = c->nintervals;
	}
	if (c->has_holidays) {
		s->holidays = c->holidays;
		s->nholidays = c->nholidays;
	}
	return fl_schedule_check(s, &r->err);
}

/* Replays the next batch of tickets created since c->since, after ticket
 * c->after: the tickets by id, their customers' facts and their steps.
 * Sets c->done after the last. */
static int tx_batch(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_filter f = {0};
	struct fl_page pg = {.sort = FL_SORT_ID,
			     .limit = FL_STORE_SLA_MANY_MAX,
			     .has_after = c->after > 0,
			     .after_key = c->after,
			     .after_id = c->after};
	struct fl_ticket *t = NULL;
	struct fl_sim_ticket *x;
	struct fl_store_sla_timeline *tl;
	int64_t *ids;
	size_t n = 0;
	fl_arena a;
	int rc = fl_filter_add(&f, FL_F_CREATED, FL_OP_GE, c->since, NULL, -1);

	fl_arena_init(&a, 0);
	if (!rc)
		rc = fl_store_ticket_find(tx, &f, &pg, &a, &t, &n);
	if (n > FL_STORE_SLA_MANY_MAX)
		n = FL_STORE_SLA_MANY_MAX;
	ids = fl_arena_alloc(&a, (n + 1) * sizeof *ids);
	x = fl_arena_alloc(&a, (n + 1) * sizeof *x);
	tl = fl_arena_alloc(&a, (n + 1) * sizeof *tl);
	if (!rc && (!ids || !x || !tl))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		ids[i] = t[i].id;
		x[i] = (struct fl_sim_ticket){.t = &t[i]};
		rc = fl_sla_facts_load(tx, &t[i], c->in.now, &x[i].facts);
	}
	if (!rc)
		rc = fl_store_sla_steps_many(tx, ids, n, &a, tl);
	for (size_t i = 0; !rc && i < n; i++) {
		x[i].steps = tl[i].steps;
		x[i].nsteps = tl[i].n;
		x[i].truncated = tl[i].truncated;
	}
	if (!rc)
		rc = fl_sim_add(&c->sim, x, n, &a);
	if (!rc && n)
		c->after = t[n - 1].id;
	if (!rc && n < FL_STORE_SLA_MANY_MAX)
		c->done = 1;
	fl_arena_free(&a);
	return rc;
}

/* Reads what the replay compares — the policies, the schedules with their
 * holidays, the proposal checked against them — and counts the tickets. */
static int tx_prepare(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_sla_policy *policies;
	struct fl_schedule *schedules;
	struct fl_filter f = {0};
	size_t np, ns;
	int64_t now = fl_now(), count;
	int rc = fl_sla_policy_list(tx, &r->arena, &policies, &np);

	c->since = now - c->days.days * DAY_SECONDS;
	if (!rc)
		rc = fl_store_schedule_list(tx, &r->arena, &schedules, &ns);
	for (size_t k = 0; !rc && k < ns; k++)
		rc = fl_store_holiday_list(tx, schedules[k].id, &r->arena, &schedules[k].holidays,
					   &schedules[k].nholidays);
	if (!rc && c->has_policy)
		rc = make_proposal(tx, r, schedules, ns);
	if (!rc && c->has_schedule)
		rc = make_schedule(r, schedules, ns);
	if (!rc)
		rc = fl_filter_add(&f, FL_F_CREATED, FL_OP_GE, c->since, NULL, -1);
	if (!rc)
		rc = fl_store_ticket_count(tx, &f, &count);
	if (rc)
		return rc;
	if (count > TICKETS_MAX)
		return fl_err_set(&r->err, FL_EINVAL, "days", "TooLong",
				  "Days: the last %lld days hold %lld tickets, more than the %d a "
				  "what-if replays; ask for fewer days",
				  (long long)c->days.days, (long long)count, TICKETS_MAX);
	c->in = (struct fl_sim_input){policies,  np, c->has_policy ? &c->proposal : NULL,
				      schedules, ns, c->has_schedule ? &c->schedule : NULL,
				      now};
	return 0;
}

static int render(struct fl_req *r);

static int batch_read(struct fl_req *r)
{
	(void)r;
	return 0;
}

/* After tx_prepare: the replay, a batch of tickets to a read transaction —
 * each within the store's read deadline however many days are asked for;
 * the proposal was checked and the policies read once, before. */
static int replay(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_sim_begin(&c->sim, &c->in, &r->arena);

	while (!rc && !c->done)
		rc = fl_req_read(r, tx_batch, batch_read);
	for (int b = 0; !rc && b < FL_SIM_BY__MAX; b++)
		rc = fl_sim_shares(&c->sim, b, &r->arena, &c->shares[b], &c->nshares[b]);
	fl_sim_end(&c->sim);
	return rc ? rc : render(r);
}

/* Achieved ÷ (achieved + breached), rounded to 0.1 %; null when nothing
 * ended. */
static json_t *compliance(int64_t achieved, int64_t breached)
{
	if (!achieved && !breached)
		return json_null();
	return json_real((double)(achieved * 1000 / (achieved + breached)) / 1000.0);
}

static json_t *shares_json(const struct ctx *c, int by)
{
	json_t *list = json_array();
	for (size_t i = 0; i < c->nshares[by]; i++) {
		const struct fl_sim_share *s = &c->shares[by][i];
		json_t *id = by == FL_SIM_BY_CHANNEL ? json_string(fl_channel_name((int)s->id))
						     : fl_json_id(s->id);
		json_array_append_new(
			list, json_pack("{s:o, s:o, s:o, s:I}", "id", id, "before",
					compliance(s->achieved_before, s->breached_before), "after",
					compliance(s->achieved_after, s->breached_after), "tickets",
					(json_int_t)s->tickets));
	}
	return list;
}

static int render(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const struct fl_sim *s = &c->sim;
	json_t *metrics = json_array(), *flips = json_array();

	for (int m = 0; m < FL_SLA_METRIC__MAX; m++) {
		const struct fl_sim_metric *x = &s->metrics[m];
		json_array_append_new(metrics,
				      json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "metric",
						fl_sla_metric_name(m), "measured",
						(json_int_t)x->measured, "measured_before",
						(json_int_t)x->measured_before, "measured_after",
						(json_int_t)x->measured_after, "breached_before",
						(json_int_t)x->breached_before, "breached_after",
						(json_int_t)x->breached_after));
	}
	for (size_t i = 0; i < s->nflips; i++) {
		const struct fl_sim_flip *x = &s->flips[i];
		json_array_append_new(flips, json_pack("{s:I, s:o, s:s, s:s, s:s}", "ticket_id",
						       (json_int_t)x->ticket_id, "subject",
						       fl_json_str(x->subject), "metric",
						       fl_sla_metric_name(x->metric), "before",
						       fl_sim_outcome_name(x->before), "after",
						       fl_sim_outcome_name(x->after)));
	}
	return fl_req_reply(
		r, 200,
		json_pack("{s:{s:I, s:I, s:I, s:o, s:{s:o, s:o, s:o}, s:o, s:I, s:I, s:I}}",
			  "simulation", "days", (json_int_t)c->days.days, "tickets",
			  (json_int_t)s->tickets, "unmeasured", (json_int_t)s->unmeasured,
			  "metrics", metrics, "compliance", "group",
			  shares_json(c, FL_SIM_BY_GROUP), "tier", shares_json(c, FL_SIM_BY_TIER),
			  "channel", shares_json(c, FL_SIM_BY_CHANNEL), "flips", flips,
			  "flips_count", (json_int_t)s->flips_count, "no_promise_before",
			  (json_int_t)s->no_promise_before, "no_promise_after",
			  (json_int_t)s->no_promise_after));
}

static int h_simulate(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *p, *s;
	int rc;

	if (!json_is_object(r->body))
		return fl_req_fail(r, FL_EMALFORMED, "sla_policy", "InvalidRequest",
				   "the body must be {\"sla_policy\": {...}, \"schedule\": {...}, "
				   "\"days\": 90}");
	if ((rc = fl_input_decode(r->body, sim_fields, &c->days, &r->arena, &r->err)))
		return rc;
	if (!c->days.has_days)
		c->days.days = DAYS_DEFAULT;
	p = json_object_get(r->body, "sla_policy");
	s = json_object_get(r->body, "schedule");
	if (!p && !s)
		return fl_req_fail(r, FL_EINVAL, "sla_policy", "Blank",
				   "SLA policy: propose a policy, a schedule or both");
	if (p && (rc = decode_policy(r, c, p)))
		return rc;
	if (s && (rc = decode_schedule(r, c, s)))
		return rc;
	return fl_req_read(r, tx_prepare, replay);
}

const struct fl_route fl_whatif_routes[] = {
	{"POST", "/api/v2/slas/policies/simulate", h_simulate, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{0},
};
