/* /api/v2/business_hours/schedules: business-hours schedules, their
 * working week and their holidays, in Zendesk's shapes (sla/schedule.h).
 * Agents read, admins write.
 *   GET/POST          /api/v2/business_hours/schedules
 *   GET/PUT/DELETE    /api/v2/business_hours/schedules/{id}
 *   PUT               /api/v2/business_hours/schedules/{id}/workweek
 *   GET/POST          /api/v2/business_hours/schedules/{id}/holidays
 *   GET/PUT/DELETE    /api/v2/business_hours/schedules/{id}/holidays/{id}
 * A write that does not validate is refused whole (422 naming the field)
 * inside its transaction, before anything is written. */
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "sla/policy.h"
#include "sla/refresh.h"
#include "sla/schedule.h"
#include "sla/sla_api.h"
#include "store/schedules.h"
#include "store/settings.h"

#define DAY_SECONDS 86400
/* Monday to Friday, 09:00 to 17:00: Zendesk's working week for a new
 * schedule that names none. */
#define DEFAULT_DAYS 5

struct schedule_in {
	const char *name, *time_zone;
	int has_name, has_time_zone;
};

/* Business hours changed: the tickets' clocks are measured again, in the
 * background (sla/refresh.h). */
static int remeasure(fl_tx *tx, int rc)
{
	return rc ? rc : fl_sla_recompute_later(tx, NULL);
}
static const struct fl_field schedule_fields[] = {
	{"name", FL_FT_STRING, FL_SCHEDULE_NAME_MAX, 0, 0, NULL, offsetof(struct schedule_in, name),
	 offsetof(struct schedule_in, has_name), 0, 0},
	{"time_zone", FL_FT_STRING, 64, 0, 0, NULL, offsetof(struct schedule_in, time_zone),
	 offsetof(struct schedule_in, has_time_zone), 0, 0},
	FL_FIELDS_END,
};

struct holiday_in {
	const char *name, *start_date, *end_date;
	int has_name, has_start_date, has_end_date;
};

static const struct fl_field holiday_fields[] = {
	{"name", FL_FT_STRING, FL_SCHEDULE_NAME_MAX, 0, 0, NULL, offsetof(struct holiday_in, name),
	 offsetof(struct holiday_in, has_name), 0, 0},
	{"start_date", FL_FT_STRING, 32, 0, 0, NULL, offsetof(struct holiday_in, start_date),
	 offsetof(struct holiday_in, has_start_date), 0, 0},
	{"end_date", FL_FT_STRING, 32, 0, 0, NULL, offsetof(struct holiday_in, end_date),
	 offsetof(struct holiday_in, has_end_date), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct schedule_in in;
	struct fl_interval *intervals; /* given, in r->arena */
	size_t nintervals;
	int has_intervals;
	struct holiday_in hin;
	int32_t start_day, end_day;
	struct fl_schedule schedule;
	struct fl_schedule *schedules;
	size_t n;
	struct fl_holiday holiday;
	struct fl_holiday *holidays;
};

/* Reads "YYYY-MM-DD" (RFC 3339 section 5.6's full-date and nothing more,
 * through fl_time_parse) into a day number since 1970-01-01: 422 naming
 * field for anything else, a day that does not exist ("2026-02-30")
 * included. */
static int parse_date(struct fl_req *r, const char *field, const char *label, const char *z,
		      int32_t *out)
{
	int64_t t;

	if (strlen(z) != 10 || fl_time_parse(fl_str_c(z), &t))
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s: '%.32s' is not a date that exists, as YYYY-MM-DD", label,
				   z);
	/* years 0000..9999: days fit, and floor them before 1970 */
	*out = (int32_t)(t >= 0 ? t / DAY_SECONDS : -((-t + DAY_SECONDS - 1) / DAY_SECONDS));
	return 0;
}

static json_t *date_json(int32_t day)
{
	char iso[21];
	fl_time_iso((int64_t)day * DAY_SECONDS, iso);
	iso[10] = 0;
	return json_string(iso);
}

int fl_sla_decode_intervals(struct fl_req *r, json_t *v, struct fl_interval **intervals, size_t *n)
{
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return fl_req_fail(r, FL_EINVAL, "intervals", "InvalidType",
				   "Intervals: must be a list of {\"start_time\", \"end_time\"}");
	if (json_array_size(v) > FL_SCHEDULE_MAX_INTERVALS)
		return fl_req_fail(r, FL_EINVAL, "intervals", "TooLong",
				   "Intervals: at most %d intervals", FL_SCHEDULE_MAX_INTERVALS);
	*intervals = fl_arena_alloc(&r->arena, (json_array_size(v) + 1) * sizeof **intervals);
	if (!*intervals)
		return FL_ENOMEM;
	json_array_foreach(v, i, item)
	{
		json_t *start = json_object_get(item, "start_time");
		json_t *end = json_object_get(item, "end_time");
		json_int_t s, e;

		if (!json_is_integer(start) || !json_is_integer(end))
			return fl_req_fail(r, FL_EINVAL, "intervals", "InvalidType",
					   "Intervals: item %zu must be {\"start_time\": minutes, "
					   "\"end_time\": minutes}",
					   i + 1);
		s = json_integer_value(start);
		e = json_integer_value(end);
		if (s < 0 || e < 0 || s > FL_WEEK_MINUTES || e > FL_WEEK_MINUTES)
			return fl_req_fail(r, FL_EINVAL, "intervals", "InvalidValue",
					   "Intervals: %lld to %lld is outside the week (0 to %d "
					   "minutes from Sunday 00:00)",
					   (long long)s, (long long)e, FL_WEEK_MINUTES);
		(*intervals)[i] = (struct fl_interval){(int)s, (int)e};
	}
	*n = json_array_size(v);
	return 0;
}

static int decode_intervals(struct fl_req *r, struct ctx *c, json_t *v)
{
	int rc = fl_sla_decode_intervals(r, v, &c->intervals, &c->nintervals);
	if (!rc)
		c->has_intervals = 1;
	return rc;
}

/* Reads {"schedule": {"name", "time_zone", "intervals"}}; what is left out
 * stays as it was (a new schedule: Monday to Friday, 09:00 to 17:00). */
static int decode_schedule(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "schedule") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "schedule", "InvalidRequest",
				   "the body must be {\"schedule\": {...}}");
	if ((rc = fl_input_decode(v, schedule_fields, &c->in, &r->arena, &r->err)))
		return rc;
	return json_object_get(v, "intervals")
		       ? decode_intervals(r, c, json_object_get(v, "intervals"))
		       : 0;
}

static json_t *intervals_json(const struct fl_schedule *s)
{
	json_t *list = json_array();
	for (size_t i = 0; i < s->nintervals; i++)
		json_array_append_new(list,
				      json_pack("{s:i, s:i}", "start_time", s->intervals[i].start,
						"end_time", s->intervals[i].end));
	return list;
}

static json_t *schedule_json(const struct fl_schedule *s)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)s->id, "name", s->name,
			 "time_zone", s->time_zone, "intervals", intervals_json(s), "created_at",
			 fl_json_time(s->created_at), "updated_at", fl_json_time(s->updated_at));
}

static int render_schedule(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "schedule", schedule_json(&c->schedule)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_schedule_list(tx, &r->arena, &c->schedules, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, schedule_json(&c->schedules[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "schedules", list));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t n;
	int rc = fl_store_limit_lock(tx, "schedules");

	if (!rc)
		rc = fl_store_schedule_count(tx, &n);
	if (rc)
		return rc;
	if (n >= FL_STORE_SCHEDULES_MAX)
		return fl_err_set(&r->err, FL_EINVAL, "schedule", "TooLong",
				  "A desk keeps at most %d schedules", FL_STORE_SCHEDULES_MAX);
	return remeasure(tx, fl_store_schedule_insert(tx, &c->schedule));
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_schedule *s = &c->schedule;
	int rc;

	if ((rc = decode_schedule(r, c)))
		return rc;
	s->name = (char *)c->in.name;
	s->time_zone = (char *)c->in.time_zone;
	if (c->has_intervals) {
		s->intervals = c->intervals;
		s->nintervals = c->nintervals;
	} else {
		s->intervals = fl_arena_alloc(&r->arena, DEFAULT_DAYS * sizeof *s->intervals);
		if (!s->intervals)
			return FL_ENOMEM;
		for (int d = 1; d <= DEFAULT_DAYS; d++)
			s->intervals[d - 1] =
				(struct fl_interval){d * 1440 + 9 * 60, d * 1440 + 17 * 60};
		s->nintervals = DEFAULT_DAYS;
	}
	if ((rc = fl_schedule_check(s, &r->err)))
		return rc;
	s->created_at = s->updated_at = fl_now();
	r->status = 201;
	return fl_req_write(r, tx_create, render_schedule);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_schedule_get(tx, r->id[0], &r->arena, &c->schedule);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_schedule);
}

/* Changes schedule r->id[0] by what the request gave, checks the whole
 * schedule and writes it; nothing is written when it does not validate. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_schedule *s = &c->schedule;
	int rc = fl_store_schedule_get(tx, r->id[0], &r->arena, s);

	if (rc)
		return rc;
	if (c->in.has_name)
		s->name = (char *)c->in.name;
	if (c->in.has_time_zone)
		s->time_zone = (char *)c->in.time_zone;
	if (c->has_intervals) {
		s->intervals = c->intervals;
		s->nintervals = c->nintervals;
	}
	if ((rc = fl_schedule_check(s, &r->err)))
		return rc;
	s->updated_at = fl_now();
	return remeasure(tx, fl_store_schedule_update(tx, s));
}

static int h_update(struct fl_req *r)
{
	int rc = decode_schedule(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_schedule);
}

static int render_workweek(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:o}}", "workweek", "intervals",
				      intervals_json(&c->schedule)));
}

/* Zendesk's {"workweek": {"intervals": [...]}}: the schedule's whole
 * working week replaced. */
static int h_workweek(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *w = r->body ? json_object_get(r->body, "workweek") : NULL;
	int rc;

	if (!json_is_object(w))
		return fl_req_fail(r, FL_EMALFORMED, "workweek", "InvalidRequest",
				   "the body must be {\"workweek\": {\"intervals\": [...]}}");
	if (!json_object_get(w, "intervals"))
		return fl_req_fail(r, FL_EINVAL, "intervals", "Blank",
				   "Intervals: a schedule needs at least one interval");
	if ((rc = decode_intervals(r, c, json_object_get(w, "intervals"))))
		return rc;
	return fl_req_write(r, tx_update, render_workweek);
}

/* A schedule an SLA policy counts its business hours in is not deleted:
 * 422 naming "schedule" and the policy (fl_sla_schedule_deletable). */
static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_schedule_get(tx, r->id[0], &r->arena, &c->schedule);

	if (!rc)
		rc = fl_sla_schedule_deletable(tx, r->id[0], &r->arena, &r->err);
	return rc ? rc : remeasure(tx, fl_store_schedule_delete(tx, r->id[0]));
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

/* Reads {"holiday": {"name", "start_date", "end_date"}}; all three for a
 * new holiday, what is given for a change. */
static int decode_holiday(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = r->body ? json_object_get(r->body, "holiday") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "holiday", "InvalidRequest",
				   "the body must be {\"holiday\": {...}}");
	if ((rc = fl_input_decode(v, holiday_fields, &c->hin, &r->arena, &r->err)))
		return rc;
	if (creating && !c->hin.has_start_date)
		return fl_req_fail(r, FL_EINVAL, "start_date", "Blank",
				   "Start date: cannot be blank");
	if (creating && !c->hin.has_end_date)
		return fl_req_fail(r, FL_EINVAL, "end_date", "Blank", "End date: cannot be blank");
	if (c->hin.has_start_date &&
	    (rc = parse_date(r, "start_date", "Start date", c->hin.start_date, &c->start_day)))
		return rc;
	if (c->hin.has_end_date &&
	    (rc = parse_date(r, "end_date", "End date", c->hin.end_date, &c->end_day)))
		return rc;
	return 0;
}

static json_t *holiday_json(const struct fl_holiday *h)
{
	return json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)h->id, "name", h->name,
			 "start_date", date_json(h->start_day), "end_date", date_json(h->end_day));
}

static int render_holiday(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "holiday", holiday_json(&c->holiday)));
}

static int tx_holidays(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_schedule_get(tx, r->id[0], &r->arena, &c->schedule);
	return rc ? rc : fl_store_holiday_list(tx, r->id[0], &r->arena, &c->holidays, &c->n);
}

static int render_holidays(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, holiday_json(&c->holidays[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "holidays", list));
}

static int h_holidays(struct fl_req *r)
{
	return fl_req_read(r, tx_holidays, render_holidays);
}

static int tx_holiday_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t n;
	int rc = fl_store_schedule_get(tx, r->id[0], &r->arena, &c->schedule);

	if (!rc)
		rc = fl_store_limit_lock(tx, "holidays");
	if (!rc)
		rc = fl_store_holiday_count(tx, r->id[0], &n);
	if (rc)
		return rc;
	if (n >= FL_SCHEDULE_MAX_HOLIDAYS)
		return fl_err_set(&r->err, FL_EINVAL, "holiday", "TooLong",
				  "A schedule keeps at most %d holidays", FL_SCHEDULE_MAX_HOLIDAYS);
	return remeasure(tx, fl_store_holiday_insert(tx, r->id[0], &c->holiday));
}

static int h_holiday_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if ((rc = decode_holiday(r, c, 1)))
		return rc;
	c->holiday = (struct fl_holiday){0, (char *)c->hin.name, c->start_day, c->end_day};
	if ((rc = fl_holiday_check(&c->holiday, &r->err)))
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_holiday_create, render_holiday);
}

static int tx_holiday_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_holiday_get(tx, r->id[0], r->id[1], &r->arena, &c->holiday);
}

static int h_holiday_show(struct fl_req *r)
{
	return fl_req_read(r, tx_holiday_show, render_holiday);
}

static int tx_holiday_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_holiday *h = &c->holiday;
	int rc = fl_store_holiday_get(tx, r->id[0], r->id[1], &r->arena, h);

	if (rc)
		return rc;
	if (c->hin.has_name)
		h->name = (char *)c->hin.name;
	if (c->hin.has_start_date)
		h->start_day = c->start_day;
	if (c->hin.has_end_date)
		h->end_day = c->end_day;
	if ((rc = fl_holiday_check(h, &r->err)))
		return rc;
	return remeasure(tx, fl_store_holiday_update(tx, r->id[0], h));
}

static int h_holiday_update(struct fl_req *r)
{
	int rc = decode_holiday(r, r->ctx, 0);
	return rc ? rc : fl_req_write(r, tx_holiday_update, render_holiday);
}

static int tx_holiday_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_holiday_get(tx, r->id[0], r->id[1], &r->arena, &c->holiday);
	return rc ? rc : remeasure(tx, fl_store_holiday_delete(tx, r->id[0], r->id[1]));
}

static int h_holiday_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_holiday_delete, fl_req_no_content);
}

#define SCHEDULES "/api/v2/business_hours/schedules"
const struct fl_route fl_schedule_routes[] = {
	{"GET", SCHEDULES, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", SCHEDULES, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", SCHEDULES "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", SCHEDULES "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", SCHEDULES "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"PUT", SCHEDULES "/{id}/workweek", h_workweek, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", SCHEDULES "/{id}/holidays", h_holidays, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", SCHEDULES "/{id}/holidays", h_holiday_create, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{"GET", SCHEDULES "/{id}/holidays/{id}", h_holiday_show, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"PUT", SCHEDULES "/{id}/holidays/{id}", h_holiday_update, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{"DELETE", SCHEDULES "/{id}/holidays/{id}", h_holiday_delete, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{0},
};
