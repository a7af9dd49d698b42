/* Satisfaction ratings in Zendesk's shapes (feedback/csat.h):
 *   GET  /api/v2/satisfaction_ratings?score=&start_time=&end_time=
 *        &sort_order=&page=&per_page=              viewers and up
 *   GET  /api/v2/satisfaction_ratings/{id}          viewers and up
 *   GET  /api/v2/satisfaction_ratings/report?from=&to=&by=&period=&format=
 *        CSAT and the response rate in all, by week or month and by
 *        agent, group, channel or tier; ?format=csv the same as CSV
 *   POST /api/v2/tickets/{id}/satisfaction_rating   the ticket's requester,
 *        an end user {"satisfaction_rating": {"score", "comment", "reason_id"}}
 *   GET  /api/v2/satisfaction_reasons[?locale=]     everyone signed in (an
 *        end user sees the active ones: the portal's form lists them)
 *   POST /api/v2/satisfaction_reasons, GET/PUT/DELETE …/{id}   admins write
 * A viewer reads the comments customers wrote with their e-mail addresses
 * and telephone numbers masked (core/redact.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "core/redact.h"
#include "core/time.h"
#include "feedback/csat_api.h"
#include "http/http.h"
#include "sla/report.h"
#include "store/satisfaction.h"
#include "store/tiers.h"
#include "store/users.h"
#include "users/tier.h"

#define DAY_SECONDS 86400
#define CSV_BOM "\xEF\xBB\xBF"

struct reason_in {
	const char *value, *uk, *ru, *lt, *en;
	int64_t position;
	int active;
	int has_value, has_uk, has_ru, has_lt, has_en, has_position, has_active;
};

struct rating_in {
	const char *score, *comment;
	int64_t reason_id;
	int has_score, has_comment, has_reason_id;
};

/* One row of the report: a key's counts. */
struct line {
	int64_t key;
	const char *name;
	struct fl_csat_counts c;
};

struct ctx {
	struct fl_csat_rating rating, *ratings;
	size_t n;
	int64_t total;
	struct fl_req_page pg;
	struct fl_store_csat_filter filter;
	struct fl_csat_reason reason, *reasons;
	size_t nreasons;
	const char *locale;
	struct reason_in rin;
	struct rating_in in;
	/* the report */
	int csv, by, period;
	struct fl_report_period days;
	struct fl_csat_counts all;
	struct line *trend, *lines;
	size_t ntrend, nlines;
};

#define R(m) offsetof(struct reason_in, m)
static const struct fl_field reason_fields[] = {
	{"value", FL_FT_STRING, FL_CSAT_REASON_NAME_MAX, 0, 0, NULL, R(value), R(has_value), 0, 0},
	{"position", FL_FT_INT, 100000, 0, 0, NULL, R(position), R(has_position), 0, 0},
	{"active", FL_FT_BOOL, 0, 0, 0, NULL, R(active), R(has_active), 0, 0},
	FL_FIELDS_END,
};
static const struct fl_field translation_fields[] = {
	{"uk", FL_FT_STRING, FL_CSAT_REASON_NAME_MAX, 0, 1, NULL, R(uk), R(has_uk), 0, 0},
	{"ru", FL_FT_STRING, FL_CSAT_REASON_NAME_MAX, 0, 1, NULL, R(ru), R(has_ru), 0, 0},
	{"lt", FL_FT_STRING, FL_CSAT_REASON_NAME_MAX, 0, 1, NULL, R(lt), R(has_lt), 0, 0},
	{"en", FL_FT_STRING, FL_CSAT_REASON_NAME_MAX, 0, 0, NULL, R(en), R(has_en), 0, 0},
	FL_FIELDS_END,
};

#define I(m) offsetof(struct rating_in, m)
static const struct fl_field rating_fields[] = {
	{"score", FL_FT_STRING, 16, 0, 0, NULL, I(score), I(has_score), 0, 0},
	{"comment", FL_FT_STRING, FL_CSAT_COMMENT_MAX, 0, 1, NULL, I(comment), I(has_comment), 0,
	 0},
	{"reason_id", FL_FT_ID, 0, 0, 1, NULL, I(reason_id), I(has_reason_id), 0, 0},
	FL_FIELDS_END,
};

/* ---- JSON ---------------------------------------------------------------- */

static const char *reason_of(const struct ctx *c, int64_t id, const char *lang)
{
	for (size_t i = 0; id && i < c->nreasons; i++)
		if (c->reasons[i].id == id)
			return fl_csat_reason_name(&c->reasons[i], lang);
	return NULL;
}

/* Zendesk's satisfaction_rating, with the channel and tier the report
 * counts by. A viewer reads the comment with contacts masked. */
static json_t *rating_json(struct fl_req *r, const struct fl_csat_rating *x)
{
	struct ctx *c = r->ctx;
	char url[256];
	const char *comment = x->comment ? x->comment : "";

	if (r->actor.role == FL_ROLE_VIEWER) {
		char *masked = fl_redact_contacts(comment, &r->arena);
		comment = masked ? masked : "";
	}
	snprintf(url, sizeof url, "%s/api/v2/satisfaction_ratings/%" PRId64 ".json", fl_req_base(r),
		 x->id);
	return json_pack(
		"{s:s, s:I, s:o, s:o, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, "
		"s:o}",
		"url", url, "id", (json_int_t)x->id, "assignee_id", fl_json_id(x->assignee_id),
		"group_id", fl_json_id(x->group_id), "requester_id", (json_int_t)x->requester_id,
		"ticket_id", (json_int_t)x->ticket_id, "score", fl_csat_score_name(x->score),
		"comment", comment, "reason", fl_json_str(reason_of(c, x->reason_id, "en")),
		"reason_id", fl_json_id(x->reason_id), "tier_id", fl_json_id(x->tier_id), "channel",
		x->channel ? x->channel : "", "created_at", fl_json_time(x->created_at),
		"updated_at", fl_json_time(x->updated_at), "rated_at", fl_json_time(x->rated_at));
}

json_t *fl_csat_ticket_json(const struct fl_csat_rating *x)
{
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)x->id, "score",
			 fl_csat_score_name(x->score), "comment", x->comment ? x->comment : "",
			 "reason_id", fl_json_id(x->reason_id));
}

static json_t *reason_json(struct fl_req *r, const struct fl_csat_reason *x, const char *lang)
{
	char url[256];

	snprintf(url, sizeof url, "%s/api/v2/satisfaction_reasons/%" PRId64 ".json", fl_req_base(r),
		 x->id);
	return json_pack(
		"{s:s, s:I, s:s, s:s, s:I, s:{s:s, s:s, s:s, s:s}, s:I, s:b, s:o, s:o, "
		"s:n}",
		"url", url, "id", (json_int_t)x->id, "value", fl_csat_reason_name(x, lang),
		"raw_value", x->name_en, "reason_code", (json_int_t)x->id, "translations", "en",
		x->name_en, "uk", x->name_uk ? x->name_uk : "", "ru", x->name_ru ? x->name_ru : "",
		"lt", x->name_lt ? x->name_lt : "", "position", (json_int_t)x->position, "active",
		x->active, "created_at", fl_json_time(x->created_at), "updated_at",
		fl_json_time(x->updated_at), "deleted_at");
}

/* ---- ratings ----------------------------------------------------------------- */

/* Zendesk's score filter: offered, received (good or bad), good or bad,
 * each of the last three _with_comment or _without_comment. */
static int score_filter(struct fl_req *r, const char *z, struct fl_store_csat_filter *f)
{
	static const char *const bases[] = {"offered", "received", "good", "bad"};
	size_t len;
	int base = -1;

	if (!z) {
		for (int s = 0; s < FL_CSAT__MAX; s++)
			f->scores[s] = fl_csat_score_name(s);
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		len = strlen(bases[i]);
		if (!strncmp(z, bases[i], len) &&
		    (!z[len] || (i > 0 && (!strcmp(z + len, "_with_comment") ||
					   !strcmp(z + len, "_without_comment"))))) {
			base = i;
			f->with_comment = !strcmp(z + len, "_with_comment");
			f->without_comment = !strcmp(z + len, "_without_comment");
		}
	}
	if (base < 0)
		return fl_req_fail(r, FL_EINVAL, "score", "InvalidValue",
				   "Score: offered, received, good or bad (the last three may "
				   "end in _with_comment or _without_comment)");
	if (base == 0)
		f->scores[FL_CSAT_OFFERED] = "offered";
	if (base == 1 || base == 2)
		f->scores[FL_CSAT_GOOD] = "good";
	if (base == 1 || base == 3)
		f->scores[FL_CSAT_BAD] = "bad";
	return 0;
}

/* A Unix time argument, or dflt when left out; 422 naming field else. */
static int time_arg(struct fl_req *r, const char *field, int64_t dflt, int64_t *out)
{
	const char *z = fl_req_arg(r, field);

	*out = dflt;
	if (z && (fl_str_to_i64(fl_str_c(z), out) || *out < 0))
		return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
				   "%s: must be a Unix time in seconds", field);
	return 0;
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_csat_reason_list(tx, 0, &r->arena, &c->reasons, &c->nreasons);
	return rc ? rc
		  : fl_store_csat_list(tx, &c->filter, (int64_t)((c->pg.page - 1) * c->pg.per_page),
				       (int64_t)c->pg.per_page + 1, &r->arena, &c->ratings, &c->n,
				       &c->total);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, rating_json(r, &c->ratings[i]));
	json_object_set_new(o, "satisfaction_ratings", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

static int h_list(struct fl_req *r)
{
	static const char *const args[] = {"score", "start_time", "end_time", "sort_order",
					   "page",  "per_page",   NULL};
	struct ctx *c = r->ctx;
	const char *order = fl_req_arg(r, "sort_order");
	int rc;

	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = score_filter(r, fl_req_arg(r, "score"), &c->filter)) ||
	    (rc = time_arg(r, "start_time", 0, &c->filter.start)) ||
	    (rc = time_arg(r, "end_time", INT64_MAX, &c->filter.end)))
		return rc;
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return fl_req_fail(r, FL_EINVAL, "sort_order", "InvalidValue",
				   "Sort order: asc or desc");
	c->filter.desc = order && !strcmp(order, "desc");
	c->pg.cursor = 0;
	return fl_req_read(r, tx_list, render_list);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_csat_reason_list(tx, 0, &r->arena, &c->reasons, &c->nreasons);
	return rc ? rc : fl_store_csat_get(tx, r->id[0], &r->arena, &c->rating);
}

static int render_rating(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "satisfaction_rating", rating_json(r, &c->rating)));
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_rating);
}

static int tx_rate(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	/* a comment or reason left out keeps the one given before; null or ""
	 * clears it */
	struct fl_csat_in in = {fl_csat_score_parse(c->in.score),
				c->in.has_comment ? (c->in.comment ? c->in.comment : "") : NULL,
				c->in.reason_id, !c->in.has_reason_id};
	int rc = fl_csat_rate(tx, r->id[0], r->actor.id, &in, fl_now(), &r->arena, &c->rating,
			      &r->err);

	/* a customer cannot tell another's ticket from one that does not
	 * exist; an agent, who may see it, is told it is not theirs to rate */
	if (rc == FL_EFORBIDDEN && r->actor.role < FL_ROLE_AGENT) {
		r->err = (struct fl_err){0};
		rc = FL_ENOTFOUND;
	}
	return rc ? rc : fl_store_csat_reason_list(tx, 0, &r->arena, &c->reasons, &c->nreasons);
}

/* POST /api/v2/tickets/{id}/satisfaction_rating: the requester's answer,
 * 200 with the rating (Zendesk answers the create so). */
static int h_rate(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "satisfaction_rating") : NULL;
	int rc, score;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "satisfaction_rating", "InvalidRequest",
				   "the body must be {\"satisfaction_rating\": {...}}");
	if ((rc = fl_input_decode(v, rating_fields, &c->in, &r->arena, &r->err)))
		return rc;
	score = c->in.has_score ? fl_csat_score_parse(c->in.score) : -1;
	if (score != FL_CSAT_GOOD && score != FL_CSAT_BAD)
		return fl_req_fail(r, FL_EINVAL, "score", "InvalidValue",
				   "Score: must be good or bad");
	return fl_req_write(r, tx_rate, render_rating);
}

/* ---- reasons ----------------------------------------------------------------- */

static const char *lang_arg(struct fl_req *r)
{
	const char *z = fl_req_arg(r, "locale");
	return z ? z : "en";
}

static int tx_reasons(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_csat_reason_list(tx, r->actor.role < FL_ROLE_AGENT, &r->arena, &c->reasons,
					 &c->nreasons);
}

static int render_reasons(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->nreasons; i++)
		json_array_append_new(list, reason_json(r, &c->reasons[i], c->locale));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:n, s:n, s:I}", "reasons", list, "next_page",
				      "previous_page", "count", (json_int_t)c->nreasons));
}

static int h_reasons(struct fl_req *r)
{
	static const char *const args[] = {"locale", NULL};
	struct ctx *c = r->ctx;
	int rc = fl_req_args_only(r, args);

	c->locale = lang_arg(r);
	return rc ? rc : fl_req_read(r, tx_reasons, render_reasons);
}

static int render_reason(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "reason", reason_json(r, &c->reason, c->locale)));
}

static int tx_reason(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_csat_reason_get(tx, r->id[0], &r->arena, &c->reason);
	/* an end user sees what the form offers: an inactive one is gone */
	return !rc && !c->reason.active && r->actor.role < FL_ROLE_AGENT ? FL_ENOTFOUND : rc;
}

static int h_reason(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->locale = lang_arg(r);
	return fl_req_read(r, tx_reason, render_reason);
}

/* Reads {"reason": {"value", "translations": {uk, ru, lt, en}, "position",
 * "active"}}; "value" and translations.en both name it in English. */
static int decode_reason(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "reason") : NULL, *tr;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "reason", "InvalidRequest",
				   "the body must be {\"reason\": {...}}");
	if ((rc = fl_input_decode(v, reason_fields, &c->rin, &r->arena, &r->err)))
		return rc;
	tr = json_object_get(v, "translations");
	if (tr && !json_is_object(tr))
		return fl_req_fail(r, FL_EINVAL, "translations", "InvalidType",
				   "Translations: an object {\"uk\", \"ru\", \"lt\", \"en\"}");
	if (tr && (rc = fl_input_decode(tr, translation_fields, &c->rin, &r->arena, &r->err))) {
		/* the field as the body names it */
		char field[sizeof r->err.field + 16];
		snprintf(field, sizeof field, "translations.%s", r->err.field);
		snprintf(r->err.field, sizeof r->err.field, "%.*s", (int)sizeof r->err.field - 1,
			 field);
		return rc;
	}
	return 0;
}

static void apply_reason(const struct reason_in *in, struct fl_csat_reason *x)
{
	if (in->has_en)
		x->name_en = (char *)in->en;
	if (in->has_value)
		x->name_en = (char *)in->value;
	if (in->has_uk)
		x->name_uk = (char *)(in->uk ? in->uk : "");
	if (in->has_ru)
		x->name_ru = (char *)(in->ru ? in->ru : "");
	if (in->has_lt)
		x->name_lt = (char *)(in->lt ? in->lt : "");
	if (in->has_position)
		x->position = (int)in->position;
	if (in->has_active)
		x->active = in->active;
}

static int tx_reason_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t n;
	int rc = fl_store_csat_reason_count(tx, &n);

	if (rc)
		return rc;
	if (n >= FL_CSAT_REASONS_MAX)
		return fl_err_set(&r->err, FL_EINVAL, "reason", "TooMany",
				  "Reasons: a desk keeps at most %d", FL_CSAT_REASONS_MAX);
	return fl_store_csat_reason_insert(tx, &c->reason);
}

static int h_reason_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_reason(r, c);

	if (rc)
		return rc;
	c->reason =
		(struct fl_csat_reason){.name_uk = "", .name_ru = "", .name_lt = "", .active = 1};
	apply_reason(&c->rin, &c->reason);
	c->reason.created_at = c->reason.updated_at = fl_now();
	if ((rc = fl_csat_reason_check(&c->reason, &r->err)))
		return rc;
	c->locale = "en";
	r->status = 201;
	return fl_req_write(r, tx_reason_create, render_reason);
}

static int tx_reason_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_csat_reason_get(tx, r->id[0], &r->arena, &c->reason);

	if (rc)
		return rc;
	apply_reason(&c->rin, &c->reason);
	c->reason.updated_at = fl_now();
	if ((rc = fl_csat_reason_check(&c->reason, &r->err)))
		return rc;
	return fl_store_csat_reason_update(tx, &c->reason);
}

static int h_reason_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_reason(r, c);

	c->locale = "en";
	return rc ? rc : fl_req_write(r, tx_reason_update, render_reason);
}

static int tx_reason_delete(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_csat_reason_get(tx, r->id[0], &r->arena, &c->reason);
	return rc ? rc : fl_store_csat_reason_delete(tx, r->id[0]);
}

static int h_reason_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_reason_delete, fl_req_no_content);
}

/* ---- the report -------------------------------------------------------------- */

static void count(struct fl_csat_counts *c, int score, int64_t n)
{
	c->asked += n;
	if (score == FL_CSAT_GOOD)
		c->good += n;
	else if (score == FL_CSAT_BAD)
		c->bad += n;
}

/* The name of key in the breakdown: a person's, group's or tier's name
 * (a viewer reads names: no contacts in them), "" for none. */
static int key_name(fl_tx *tx, struct fl_req *r, int by, struct line *l)
{
	int rc = 0;

	l->name = "";
	if (!l->key)
		return 0;
	if (by == FL_CSAT_BY_AGENT) {
		struct fl_user u;
		if (!(rc = fl_store_user_get(tx, l->key, &r->arena, &u)))
			l->name = u.name ? u.name : "";
	} else if (by == FL_CSAT_BY_GROUP) {
		struct fl_group g;
		if (!(rc = fl_store_group_get(tx, l->key, &r->arena, &g)))
			l->name = g.name ? g.name : "";
	} else if (by == FL_CSAT_BY_TIER) {
		struct fl_tier t;
		if (!(rc = fl_store_tier_get(tx, l->key, &r->arena, &t)))
			l->name = t.name ? t.name : "";
	}
	return rc == FL_ENOTFOUND ? 0 : rc;
}

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_store_csat_count *days, *cells;
	size_t ndays, ncells, cap;
	int64_t start = (int64_t)c->days.from_day * DAY_SECONDS;
	int64_t end = ((int64_t)c->days.to_day + 1) * DAY_SECONDS;
	int32_t first = fl_csat_period_start(c->period, c->days.from_day);
	int rc = fl_store_csat_count_days(tx, start, end, &r->arena, &days, &ndays);

	if (rc || (rc = fl_store_csat_count_by(tx, c->by, start, end, &r->arena, &cells, &ncells)))
		return rc;
	/* the trend: every period from the one from_day is in to to_day's */
	cap = (size_t)(c->days.to_day - first) / 7 + 2;
	if (!(c->trend = fl_arena_alloc(&r->arena, cap * sizeof *c->trend)))
		return FL_ENOMEM;
	for (int32_t d = first; d <= c->days.to_day && c->ntrend < cap;
	     d = fl_csat_period_next(c->period, d))
		c->trend[c->ntrend++] = (struct line){.key = d};
	for (size_t i = 0; i < ndays; i++) {
		int32_t p = fl_csat_period_start(c->period, (int32_t)days[i].key);
		count(&c->all, days[i].score, days[i].n);
		for (size_t k = 0; k < c->ntrend; k++)
			if (c->trend[k].key == p)
				count(&c->trend[k].c, days[i].score, days[i].n);
	}
	/* the breakdown: the cells come by key, then score */
	if (!(c->lines = fl_arena_alloc(&r->arena, (ncells + 1) * sizeof *c->lines)))
		return FL_ENOMEM;
	for (size_t i = 0; i < ncells; i++) {
		struct line *l = c->nlines ? &c->lines[c->nlines - 1] : NULL;
		int same =
			l && (c->by == FL_CSAT_BY_CHANNEL
				      ? !strcmp(l->name, cells[i].channel ? cells[i].channel : "")
				      : l->key == cells[i].key);
		if (!same) {
			l = &c->lines[c->nlines++];
			*l = (struct line){.key = cells[i].key};
			if (c->by == FL_CSAT_BY_CHANNEL)
				l->name = cells[i].channel ? cells[i].channel : "";
			else if ((rc = key_name(tx, r, c->by, l)))
				return rc;
		}
		count(&l->c, cells[i].score, cells[i].n);
	}
	return 0;
}

static json_t *pct_json(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static json_t *counts_json(const struct fl_csat_counts *x, json_t *o)
{
	json_object_set_new(o, "asked", json_integer(x->asked));
	json_object_set_new(o, "rated", json_integer(x->good + x->bad));
	json_object_set_new(o, "good", json_integer(x->good));
	json_object_set_new(o, "bad", json_integer(x->bad));
	json_object_set_new(o, "csat", pct_json(fl_csat_pct(x)));
	json_object_set_new(o, "response_rate", pct_json(fl_csat_response_rate(x)));
	return o;
}

static json_t *line_key_json(int by, const struct line *l)
{
	if (by == FL_CSAT_BY_CHANNEL)
		return json_string(l->name);
	return fl_json_id(l->key);
}

static int render_report_json(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *trend = json_array(), *lines = json_array(), *o;
	char from[11], to[11], day[11];

	for (size_t i = 0; i < c->ntrend; i++) {
		fl_report_day_iso((int32_t)c->trend[i].key, day);
		json_array_append_new(trend, counts_json(&c->trend[i].c,
							 json_pack("{s:s}", "start", day)));
	}
	for (size_t i = 0; i < c->nlines; i++)
		json_array_append_new(lines,
				      counts_json(&c->lines[i].c,
						  json_pack("{s:o, s:s}", "key",
							    line_key_json(c->by, &c->lines[i]),
							    "name", c->lines[i].name)));
	fl_report_day_iso(c->days.from_day, from);
	fl_report_day_iso(c->days.to_day, to);
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "from", from, "to", to, "period",
		      fl_csat_period_name(c->period), "by", fl_csat_by_name(c->by), "total",
		      counts_json(&c->all, json_object()), "trend", trend, "breakdown", lines);
	return fl_req_reply(r, 200, json_pack("{s:o}", "report", o));
}

static int csv_counts(fl_buf *b, const struct fl_csat_counts *x)
{
	double p = fl_csat_pct(x), rr = fl_csat_response_rate(x);
	int rc = fl_csv_int(b, 0, x->asked);

	if (!rc)
		rc = fl_csv_int(b, 0, x->good + x->bad);
	if (!rc)
		rc = fl_csv_int(b, 0, x->good);
	if (!rc)
		rc = fl_csv_int(b, 0, x->bad);
	if (!rc)
		rc = p < 0 ? fl_csv_text(b, 0, NULL) : fl_csv_real(b, 0, p, 1);
	if (!rc)
		rc = rr < 0 ? fl_csv_text(b, 0, NULL) : fl_csv_real(b, 0, rr, 1);
	return rc ? rc : fl_csv_end(b);
}

/* One table: a row for the whole period, one a week or month ("period"),
 * one a key of the breakdown (the report's "by"). */
static int render_report_csv(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char from[11], to[11], day[11], name[96], id[24];
	fl_buf b;
	int rc;

	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b,
			 CSV_BOM "section,key,name,asked,rated,good,bad,csat,response_rate\r\n");
	if (!rc)
		rc = fl_buf_adds(&b, "total,,");
	if (!rc)
		rc = csv_counts(&b, &c->all);
	for (size_t i = 0; !rc && i < c->ntrend; i++) {
		fl_report_day_iso((int32_t)c->trend[i].key, day);
		rc = fl_csv_text(&b, 1, fl_csat_period_name(c->period));
		if (!rc)
			rc = fl_csv_text(&b, 0, day);
		if (!rc)
			rc = fl_csv_text(&b, 0, NULL);
		if (!rc)
			rc = csv_counts(&b, &c->trend[i].c);
	}
	for (size_t i = 0; !rc && i < c->nlines; i++) {
		snprintf(id, sizeof id, "%" PRId64, c->lines[i].key);
		rc = fl_csv_text(&b, 1, fl_csat_by_name(c->by));
		if (!rc)
			rc = fl_csv_text(&b, 0,
					 c->by == FL_CSAT_BY_CHANNEL ? c->lines[i].name
					 : c->lines[i].key           ? id
								     : NULL);
		if (!rc)
			rc = fl_csv_text(&b, 0, c->lines[i].name);
		if (!rc)
			rc = csv_counts(&b, &c->lines[i].c);
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	fl_report_day_iso(c->days.from_day, from);
	fl_report_day_iso(c->days.to_day, to);
	snprintf(name, sizeof name, "satisfaction-%s-%s-%s.csv", fl_csat_by_name(c->by), from, to);
	return fl_req_reply_csv(r, &b, name);
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return c->csv ? render_report_csv(r) : render_report_json(r);
}

static int h_report(struct fl_req *r)
{
	static const char *const args[] = {"from", "to", "by", "period", "format", NULL};
	struct ctx *c = r->ctx;
	const char *by = fl_req_arg(r, "by"), *period = fl_req_arg(r, "period"),
		   *format = fl_req_arg(r, "format");
	int rc;

	if ((rc = fl_req_args_only(r, args)))
		return rc;
	c->by = by ? fl_csat_by_parse(by) : FL_CSAT_BY_AGENT;
	if (c->by < 0)
		return fl_req_fail(r, FL_EINVAL, "by", "InvalidValue",
				   "By: agent, group, channel or tier");
	c->period = period ? fl_csat_period_parse(period) : FL_CSAT_WEEK;
	if (c->period < 0)
		return fl_req_fail(r, FL_EINVAL, "period", "InvalidValue", "Period: week or month");
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue",
				   "Format: must be csv or json");
	c->csv = format && !strcmp(format, "csv");
	if ((rc = fl_report_period_parse(fl_req_arg(r, "from"), fl_req_arg(r, "to"),
					 (int32_t)(fl_now() / DAY_SECONDS), &c->days, &r->err)))
		return rc;
	return fl_req_read(r, tx_report, render_report);
}

#define RATINGS "/api/v2/satisfaction_ratings"
#define REASONS "/api/v2/satisfaction_reasons"
const struct fl_route fl_csat_routes[] = {
	{"GET", RATINGS, h_list, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", RATINGS "/report", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", RATINGS "/{id}", h_show, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/tickets/{id}/satisfaction_rating", h_rate, FL_ROLE_END_USER, 8192,
	 sizeof(struct ctx)},
	{"GET", REASONS, h_reasons, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"POST", REASONS, h_reason_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", REASONS "/{id}", h_reason, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"PUT", REASONS "/{id}", h_reason_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", REASONS "/{id}", h_reason_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
