/* NPS surveys and their report (feedback/nps.h, docs/api.md). Zendesk
 * has no NPS API any more; these follow its conventions.
 *   GET       /api/v2/nps/surveys                 viewers and up (the report's picker)
 *   POST      /api/v2/nps/surveys                 admins
 *   GET       /api/v2/nps/surveys/{id}            admins: the survey, its progress
 *   GET       /api/v2/nps/surveys/{id}/preview    admins: the mail, ?locale=
 *   POST      /api/v2/nps/surveys/{id}/send       admins: 202, the nps-send job
 *   GET       /api/v2/nps/report                  viewers and up; ?format=csv
 * and the public pages of an answer (no sign-in; the link is the key):
 *   GET       /nps/{token}?score=N                N chosen in a form; records nothing
 *   POST      /nps/{token}                        the form: score and "why?",
 *                                                 or the "why?" after a score
 * A GET records nothing because mail scanners and link previews open
 * every link of a message, top to bottom, before the customer reads it:
 * a score recorded on GET would be 0, the robot's first. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/limit.h"
#include "core/redact.h"
#include "core/time.h"
#include "feedback/nps.h"
#include "feedback/nps_page.h"
#include "feedback/nps_score.h"
#include "http/form.h"
#include "http/http.h"
#include "portal/link.h"
#include "portal/portal.h"
#include "sla/report.h"
#include "tickets/ticket.h"

struct survey_in {
	const char *name, *question, *audience, *on_detractor;
	int64_t audience_days, cool_off_days, organization_id, tier_id;
	int has_name, has_question, has_audience, has_on_detractor, has_audience_days,
		has_cool_off_days, has_organization_id, has_tier_id;
};

#define S(m) offsetof(struct survey_in, m)
static const struct fl_field survey_fields[] = {
	{"name", FL_FT_STRING, FL_NPS_NAME_MAX, 0, 0, NULL, S(name), S(has_name), 0, 0},
	{"question", FL_FT_JSON, 4096, 0, 1, NULL, S(question), S(has_question), 0, 0},
	{"audience", FL_FT_STRING, 20, 0, 0, NULL, S(audience), S(has_audience), 0, 0},
	{"audience_days", FL_FT_INT, FL_NPS_AUDIENCE_DAYS_MAX, 0, 0, NULL, S(audience_days),
	 S(has_audience_days), 0, 1},
	{"cool_off_days", FL_FT_INT, FL_NPS_COOL_OFF_MAX, 0, 0, NULL, S(cool_off_days),
	 S(has_cool_off_days), 0, 0},
	{"organization_id", FL_FT_ID, 0, 0, 1, NULL, S(organization_id), S(has_organization_id), 0,
	 0},
	{"tier_id", FL_FT_ID, 0, 0, 1, NULL, S(tier_id), S(has_tier_id), 0, 0},
	{"on_detractor", FL_FT_STRING, 20, 0, 0, NULL, S(on_detractor), S(has_on_detractor), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct survey_in in;
	struct fl_nps_survey s, *list;
	size_t n;
	const char *lang, *subject, *body;
	/* the report */
	int64_t survey_id, start, end;
	int period, csv, truncated;
	int comments;            /* which comments: FL_NPS_* or -1, all */
	int64_t comments_offset; /* the page of them: how many skipped */
	struct fl_nps_answer *answers;
	size_t nanswers;
	int64_t asked;
	struct fl_nps_loop loop;
};

static json_t *survey_json(struct fl_req *r, const struct fl_nps_survey *s)
{
	struct fl_nps_tally t = {s->promoters, s->answered - s->promoters - s->detractors,
				 s->detractors};
	struct fl_nps_result res;
	char url[300];

	fl_nps_score(&t, &res);
	snprintf(url, sizeof url, "%s/api/v2/nps/surveys/%lld.json", fl_req_base(r),
		 (long long)s->id);
	return json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:I, s:s, s:s, s:o, s:o, s:o, "
		"s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
		"id", (json_int_t)s->id, "url", url, "name", s->name, "question",
		fl_json_raw(s->question), "audience", s->audience, "audience_days",
		(json_int_t)s->audience_days, "organization_id", fl_json_id(s->organization_id),
		"tier_id", fl_json_id(s->tier_id), "cool_off_days", (json_int_t)s->cool_off_days,
		"on_detractor", s->on_detractor, "status", s->status, "created_by",
		fl_json_id(s->created_by), "created_at", fl_json_time(s->created_at), "updated_at",
		fl_json_time(s->updated_at), "sent_at", fl_json_time(s->sent_at), "counts", "sent",
		(json_int_t)s->sent, "answered", (json_int_t)s->answered, "skipped_cool_off",
		(json_int_t)s->skipped_cool_off, "skipped_unsubscribed",
		(json_int_t)s->skipped_unsubscribed, "skipped_bouncing",
		(json_int_t)s->skipped_bouncing, "nps",
		res.has ? json_real(round(res.nps * 10) / 10) : json_null());
}

static int render_survey(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "nps_survey", survey_json(r, &c->s)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_nps_survey_list(tx, &r->arena, &c->list, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		json_t *o = survey_json(r, &c->list[i]);
		/* viewers and agents read names, dates and counts: not who made it */
		if (r->actor.role < FL_ROLE_ADMIN)
			json_object_set_new(o, "created_by", json_null());
		json_array_append_new(list, o);
	}
	return fl_req_reply(
		r, 200, json_pack("{s:o, s:I}", "nps_surveys", list, "count", (json_int_t)c->n));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_nps_survey_create(tx, &r->actor, &c->s, fl_now(), &r->err);
	return rc ? rc : fl_store_nps_survey_get(tx, c->s.id, &r->arena, &c->s);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "nps_survey") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "nps_survey", "InvalidRequest",
				   "the body must be {\"nps_survey\": {...}}");
	if ((rc = fl_input_decode(v, survey_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (!c->in.has_name)
		return fl_req_fail(r, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (!c->in.has_audience)
		return fl_req_fail(r, FL_EINVAL, "audience", "Blank",
				   "Audience: solved, organization or tier");
	c->s.name = (char *)c->in.name;
	c->s.question =
		c->in.question && strcmp(c->in.question, "null") ? (char *)c->in.question : NULL;
	c->s.audience = (char *)c->in.audience;
	c->s.audience_days = c->in.has_audience_days ? (int)c->in.audience_days : 30;
	c->s.cool_off_days =
		c->in.has_cool_off_days ? (int)c->in.cool_off_days : FL_NPS_COOL_OFF_DEFAULT;
	c->s.organization_id = c->in.organization_id;
	c->s.tier_id = c->in.tier_id;
	c->s.on_detractor = c->in.has_on_detractor ? (char *)c->in.on_detractor : "none";
	r->status = 201;
	return fl_req_write(r, tx_create, render_survey);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_nps_survey_get(tx, r->id[0], &r->arena, &c->s);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_survey);
}

static int tx_send(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_nps_send(tx, r->id[0], fl_now(), &r->arena, &c->s, &r->err);
}

static int h_send(struct fl_req *r)
{
	r->status = 202;
	return fl_req_write(r, tx_send, render_survey);
}

static int tx_preview(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_nps_survey_get(tx, r->id[0], &r->arena, &c->s);
	return rc ? rc
		  : fl_nps_mail_text(&c->s, c->lang, fl_req_base(r), NULL,
				     "(the person's unsubscribe link)", &r->arena, &c->subject,
				     &c->body);
}

static int render_preview(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:s, s:s, s:s}}", "preview", "locale", c->lang,
				      "subject", c->subject, "body", c->body));
}

static int h_preview(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *l = fl_req_arg(r, "locale");

	if (l && strcmp(l, "en") && strcmp(l, "uk") && strcmp(l, "ru") && strcmp(l, "lt"))
		return fl_req_fail(r, FL_EINVAL, "locale", "InvalidValue",
				   "Locale: uk, ru, lt or en");
	c->lang = l ? l : "en";
	return fl_req_read(r, tx_preview, render_preview);
}

/* ---- the report ------------------------------------------------------------ */

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	/* one past the most: whether there were more, said as truncated */
	int rc = fl_store_nps_answers(tx, c->survey_id, c->start, c->end,
				      FL_STORE_NPS_REPORT_MAX + 1, &r->arena, &c->answers,
				      &c->nanswers);
	c->truncated = c->nanswers > FL_STORE_NPS_REPORT_MAX;
	if (c->truncated)
		c->nanswers = FL_STORE_NPS_REPORT_MAX;
	if (!rc)
		rc = fl_store_nps_asked(tx, c->survey_id, c->start, c->end, &c->asked);
	return rc ? rc : fl_store_nps_loop(tx, c->survey_id, c->start, c->end, &c->loop);
}

static json_t *score_json(const struct fl_nps_tally *t)
{
	struct fl_nps_result res;

	fl_nps_score(t, &res);
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:o, s:o}", "nps",
			 res.has ? json_real(round(res.nps * 10) / 10) : json_null(), "responses",
			 (json_int_t)res.n, "promoters", (json_int_t)t->promoters, "passives",
			 (json_int_t)t->passives, "detractors", (json_int_t)t->detractors, "ci_low",
			 res.has ? json_real(round(res.low * 10) / 10) : json_null(), "ci_high",
			 res.has ? json_real(round(res.high * 10) / 10) : json_null());
}

/* The dimension d of answer a: its key and name. */
enum { BY_TIER, BY_ORG, BY_CHANNEL, BY_GROUP, BY_AGENT, BY__MAX };
static const char *const by_names[BY__MAX] = {"tier", "organization", "channel", "group", "agent"};

static void key_of(const struct fl_nps_answer *a, int d, int64_t *key, const char **name)
{
	switch (d) {
	case BY_TIER: *key = a->tier_id, *name = a->tier_name; break;
	case BY_ORG: *key = a->organization_id, *name = a->organization_name; break;
	case BY_CHANNEL:
		*key = a->channel;
		*name = a->channel >= 0 ? fl_channel_name((int)a->channel) : NULL;
		break;
	case BY_GROUP: *key = a->group_id, *name = a->group_name; break;
	default: *key = a->agent_id, *name = a->agent_name;
	}
}

struct group {
	int64_t key;
	const char *name;
	struct fl_nps_tally t;
};

/* The answers grouped by d (or by period when d < 0), into *out (in the
 * request's arena): at most one group an answer. */
static int group_by(struct fl_req *r, int d, struct group **out, size_t *n)
{
	struct ctx *c = r->ctx;
	struct group *g = fl_arena_alloc(&r->arena, (c->nanswers + 1) * sizeof *g);
	size_t k = 0;

	if (!g)
		return FL_ENOMEM;
	for (size_t i = 0; i < c->nanswers; i++) {
		const struct fl_nps_answer *a = &c->answers[i];
		int64_t key;
		const char *name = NULL;
		size_t j;
		if (d < 0)
			key = fl_nps_period_start(a->answered_at, c->period);
		else
			key_of(a, d, &key, &name);
		for (j = 0; j < k && g[j].key != key; j++)
			;
		if (j == k)
			g[k++] = (struct group){key, name, {0}};
		fl_nps_tally_add(&g[j].t, a->score);
	}
	*out = g;
	*n = k;
	return 0;
}

/* The most periods the trend fills in, going back from end_time: ten
 * years of weeks. */
#define FL_NPS_TREND_MAX 520

static int64_t period_next(int64_t p, int period)
{
	return period == FL_NPS_WEEK ? p + 7 * 86400
				     : fl_nps_period_start(p + 32 * 86400, FL_NPS_MONTH);
}

static int64_t periods_between(int64_t from, int64_t to, int period)
{
	return (to - from) / ((period == FL_NPS_WEEK ? 7 : 28) * 86400);
}

static int cmp_period(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key;
}

static int render_csv(struct fl_req *r, struct fl_nps_tally *all)
{
	struct group total = {0, "all", *all};
	fl_buf b;
	int rc;

	fl_buf_init(&b, 64u << 20);
	rc = fl_buf_adds(&b,
			 "dimension,key,name,responses,promoters,passives,detractors,nps,"
			 "ci_low,ci_high\r\n");
	for (int d = -2; !rc && d < BY__MAX; d++) {
		struct group *g = NULL;
		size_t n = 0;
		if (d == -2) {
			g = &total;
			n = 1;
		} else if ((rc = group_by(r, d, &g, &n))) {
			break;
		}
		if (d == -1)
			qsort(g, n, sizeof *g, cmp_period);
		for (size_t i = 0; !rc && i < n; i++) {
			struct fl_nps_result res;
			char day[21];
			fl_nps_score(&g[i].t, &res);
			rc = fl_csv_text(&b, 1,
					 d == -2   ? "total"
					 : d == -1 ? "period"
						   : by_names[d]);
			if (!rc && d == -1) {
				fl_time_iso(g[i].key, day);
				rc = fl_csv_text(&b, 0, day) || fl_csv_text(&b, 0, "");
			} else if (!rc) {
				rc = (g[i].key > 0 || d == BY_CHANNEL ? fl_csv_int(&b, 0, g[i].key)
								      : fl_csv_text(&b, 0, "")) ||
				     fl_csv_text(&b, 0, g[i].name);
			}
			if (!rc)
				rc = fl_buf_addf(&b, ",%lld,%lld,%lld,%lld,%.1f,%.1f,%.1f\r\n",
						 (long long)res.n, (long long)g[i].t.promoters,
						 (long long)g[i].t.passives,
						 (long long)g[i].t.detractors, res.nps, res.low,
						 res.high);
		}
	}
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return fl_req_reply_csv(r, &b, "nps.csv");
}

/* *z with contact details masked (core/redact.h), in the request's arena. */
static int mask(struct fl_req *r, char **z)
{
	const char *m;

	if (!*z)
		return 0;
	if (!(m = fl_redact_contacts(*z, &r->arena)))
		return FL_ENOMEM;
	*z = (char *)m;
	return 0;
}

/* The comments filter's words, by kind + 1 (all is -1). */
static const char *const comment_filters[] = {"all", "detractors", "passives", "promoters", NULL};
#define FL_NPS_COMMENTS_PAGE 100

/* The "why?"s of kind (FL_NPS_*, or -1: every score), newest first, the
 * page past offset of them appended to out; *next the offset of the page
 * after it, or -1 when there is none. A viewer reads them with no way to
 * reach the customer in them (core/redact.h). */
static int comments_json(struct fl_req *r, int kind, int64_t offset, json_t *out, int64_t *next)
{
	struct ctx *c = r->ctx;
	int64_t seen = 0;

	if (next)
		*next = -1;
	for (size_t i = 0; i < c->nanswers; i++) {
		const struct fl_nps_answer *a = &c->answers[i];
		const char *words;
		if (!a->comment || (kind >= 0 && fl_nps_kind(a->score) != kind) || seen++ < offset)
			continue;
		if (json_array_size(out) == FL_NPS_COMMENTS_PAGE) {
			if (next)
				*next = offset + FL_NPS_COMMENTS_PAGE;
			break;
		}
		words = r->actor.role == FL_ROLE_VIEWER ? fl_redact_contacts(a->comment, &r->arena)
							: a->comment;
		if (!words)
			return FL_ENOMEM;
		json_array_append_new(out,
				      json_pack("{s:I, s:I, s:o, s:s, s:o, s:o}", "response_id",
						(json_int_t)a->id, "score", (json_int_t)a->score,
						"user_name", fl_json_str(a->user_name), "comment",
						words, "answered_at", fl_json_time(a->answered_at),
						"agent_name", fl_json_str(a->agent_name)));
	}
	return 0;
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_nps_tally all = {0};
	json_t *trend = json_array(), *by = json_object(), *comments = json_array(), *o, *rep;
	struct group *g;
	size_t n;
	int64_t p, last, next = -1;
	json_t *page = NULL;
	int rc;

	/* a viewer reads customers' names, never how to reach them: a name
	 * that is an address or a number (an organization's too) is masked,
	 * in the JSON and the CSV alike (core/redact.h); agents' are names */
	for (size_t i = 0; r->actor.role == FL_ROLE_VIEWER && i < c->nanswers; i++) {
		struct fl_nps_answer *a = &c->answers[i];
		if (mask(r, &a->user_name) || mask(r, &a->organization_name)) {
			json_decref(trend), json_decref(by), json_decref(comments);
			return FL_ENOMEM;
		}
	}
	for (size_t i = 0; i < c->nanswers; i++)
		fl_nps_tally_add(&all, c->answers[i].score);
	if (c->csv) {
		json_decref(trend), json_decref(by), json_decref(comments);
		return render_csv(r, &all);
	}
	if ((rc = group_by(r, -1, &g, &n)))
		return rc;
	qsort(g, n, sizeof *g, cmp_period);
	/* every period, those nobody answered in too (their NPS null), as
	 * the CSAT and complaints reports list them: from start_time's (the
	 * first answer's when there is none, or when start_time lies more
	 * than FL_NPS_TREND_MAX periods back) to end_time's */
	last = fl_nps_period_start(c->end - 1, c->period);
	p = c->start > 0 ? fl_nps_period_start(c->start, c->period) : 0;
	if (c->start <= 0 || periods_between(p, last, c->period) > FL_NPS_TREND_MAX)
		p = n ? g[0].key : last;
	for (size_t i = 0; p <= last || i < n;) {
		const struct fl_nps_tally none = {0};
		int has = i < n && g[i].key <= p;
		o = score_json(has ? &g[i].t : &none);
		json_object_set_new(o, "period_start", fl_json_time(has ? g[i].key : p));
		json_array_append_new(trend, o);
		if (has && g[i].key < p) {
			i++; /* before the range (cannot be): listed as it is */
			continue;
		}
		i += has;
		p = period_next(p, c->period);
	}
	for (int d = 0; d < BY__MAX; d++) {
		json_t *rows = json_array();
		if ((rc = group_by(r, d, &g, &n)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			o = score_json(&g[i].t);
			json_object_set_new(o, "id",
					    d == BY_CHANNEL ? json_null() : fl_json_id(g[i].key));
			json_object_set_new(o, "name", fl_json_str(g[i].name));
			/* a channel's name is a key the workspace translates */
			if (d == BY_CHANNEL)
				json_object_set_new(o, "key", fl_json_str(g[i].name));
			json_array_append_new(rows, o);
		}
		json_object_set_new(by, by_names[d], rows);
	}
	/* the detractors' own words, newest first; a viewer reads them with
	 * no way to reach the customer in them (core/redact.h) */
	if ((rc = comments_json(r, FL_NPS_DETRACTOR, 0, comments, NULL)) ||
	    (rc = comments_json(r, c->comments, c->comments_offset, (page = json_array()),
				&next))) {
		json_decref(trend), json_decref(by), json_decref(comments), json_decref(page);
		return rc;
	}
	o = score_json(&all);
	json_object_set_new(o, "asked", json_integer(c->asked));
	rep = json_pack("{s:{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}}",
			"nps_report", "start_time", fl_json_time(c->start), "end_time",
			fl_json_time(c->end), "period", c->period == FL_NPS_WEEK ? "week" : "month",
			"score", o, "trend", trend, "breakdowns", by, "detractor_comments",
			comments, "closed_loop", "detractors", (json_int_t)c->loop.detractors,
			"followups", (json_int_t)c->loop.followups, "followups_failed",
			(json_int_t)c->loop.followups_failed, "contacted",
			(json_int_t)c->loop.contacted, "answered_next",
			(json_int_t)c->loop.answered_next, "improved",
			(json_int_t)c->loop.improved);
	json_object_set_new(json_object_get(rep, "nps_report"), "truncated",
			    json_boolean(c->truncated));
	json_object_set_new(json_object_get(rep, "nps_report"), "comments",
			    json_pack("{s:s, s:I, s:o, s:o}", "filter",
				      comment_filters[c->comments + 1], "offset",
				      (json_int_t)c->comments_offset, "next_offset",
				      next >= 0 ? json_integer(next) : json_null(), "items", page));
	return fl_req_reply(r, 200, rep);
}

static int h_report(struct fl_req *r)
{
	static const char *const allowed[] = {"survey_id",       "start_time", "end_time",
					      "period",          "format",     "comments",
					      "comments_offset", NULL};
	struct ctx *c = r->ctx;
	const char *v;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)))
		return rc;
	c->end = fl_now() + 1;
	c->start = 0;
	c->period = FL_NPS_MONTH;
	if ((v = fl_req_arg(r, "survey_id")) &&
	    (fl_str_to_i64(fl_str_c(v), &c->survey_id) || c->survey_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "survey_id", "InvalidValue",
				   "survey_id: a survey's id");
	if ((v = fl_req_arg(r, "start_time")) && fl_time_parse(fl_str_c(v), &c->start))
		return fl_req_fail(r, FL_EINVAL, "start_time", "InvalidValue",
				   "start_time: an ISO 8601 time");
	if ((v = fl_req_arg(r, "end_time")) && fl_time_parse(fl_str_c(v), &c->end))
		return fl_req_fail(r, FL_EINVAL, "end_time", "InvalidValue",
				   "end_time: an ISO 8601 time");
	if (c->end <= c->start)
		return fl_req_fail(r, FL_EINVAL, "end_time", "InvalidValue",
				   "end_time: after start_time");
	if ((v = fl_req_arg(r, "period")) && (c->period = fl_nps_period_parse(v)) < 0)
		return fl_req_fail(r, FL_EINVAL, "period", "InvalidValue", "period: week or month");
	if ((v = fl_req_arg(r, "format")) && strcmp(v, "json") && strcmp(v, "csv"))
		return fl_req_fail(r, FL_EINVAL, "format", "InvalidValue", "format: json or csv");
	c->csv = v && !strcmp(v, "csv");
	c->comments = -1;
	if ((v = fl_req_arg(r, "comments"))) {
		for (c->comments = 0;
		     comment_filters[c->comments] && strcmp(comment_filters[c->comments], v);
		     c->comments++)
			;
		if (!comment_filters[c->comments--])
			return fl_req_fail(r, FL_EINVAL, "comments", "InvalidValue",
					   "comments: detractors, passives, promoters or all");
	}
	if ((v = fl_req_arg(r, "comments_offset")) &&
	    (fl_str_to_i64(fl_str_c(v), &c->comments_offset) || c->comments_offset < 0 ||
	     c->comments_offset > FL_STORE_NPS_REPORT_MAX))
		return fl_req_fail(r, FL_EINVAL, "comments_offset", "InvalidValue",
				   "comments_offset: a whole number from 0");
	return fl_req_read(r, tx_report, render_report);
}

/* ---- the public pages ------------------------------------------------------ */

/* Answers posted: 8 per client address in any 2 minutes (a customer sends
 * a score and a why; a limiter counts at most FL_LIMIT_MAX). The token
 * cannot be guessed: this keeps a robot with one real link from making
 * the writer busy. */
static struct fl_limiter rate_limit = FL_LIMITER(8, 120);

struct page_ctx {
	const char *token, *comment;
	const char *form_comment; /* the POST's why, as sent */
	int score;                /* the score chosen, the link's or the form's; -1: none */
	int posted;               /* a POST, which records; a GET records nothing */
	int outcome;              /* 0, or the error: FL_EINVAL bad link or score, FL_ECONFLICT */
	int expired, bad_score;
	int too_many; /* the address posted too often: told, nothing read further */
	struct fl_nps_response resp;
	int found;
};

static const char *page_token(struct fl_req *r)
{
	const char *t = r->url + strlen(FL_NPS_PATH);
	size_t n = strcspn(t, "?");

	if (!n || n > FL_LINK_TOKEN_MAX || strspn(t, "0123456789abcdef-") != n)
		return NULL;
	return fl_arena_strndup(&r->arena, t, n);
}

static int page_answer(struct fl_req *r, int status, fl_buf *b)
{
	char *copy = b->p ? fl_arena_strndup(&r->arena, b->p, b->n) : NULL;
	size_t n = b->n;

	fl_buf_free(b);
	if (!copy)
		return FL_ENOMEM;
	r->status = status;
	r->raw = copy;
	r->raw_len = n;
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Content-Security-Policy", fl_fb_page_csp);
	fl_req_header(r, "Cache-Control", "no-store");
	fl_req_header(r, "Referrer-Policy", "no-referrer");
	return 0;
}

static int add_text(fl_buf *b, const char *z)
{
	return fl_buf_add_html(b, z, strlen(z));
}

/* The form that records an answer: the eleven scores (chosen checked),
 * the "why?" and one button. */
static int confirm_form(fl_buf *b, const struct page_ctx *c, const struct fl_nps_words *w)
{
	int rc = fl_buf_addf(b,
			     "<form method=\"post\" action=\"%s%s\" data-test=\"nps-confirm\">\n"
			     "<fieldset class=\"nps-scale\"><legend>",
			     FL_NPS_PATH, c->token);

	if (!rc)
		rc = add_text(b, w->your_score);
	if (!rc)
		rc = fl_buf_adds(b, "</legend>\n");
	for (int i = 0; !rc && i <= FL_NPS_SCORE_MAX; i++)
		rc = fl_buf_addf(b,
				 "<label><input type=\"radio\" name=\"score\" value=\"%d\"%s> "
				 "%d</label>\n",
				 i, i == c->score ? " checked" : "", i);
	if (!rc)
		rc = fl_buf_adds(b, "</fieldset>\n<label for=\"comment\">");
	if (!rc)
		rc = add_text(b, w->why);
	if (!rc)
		rc = fl_buf_addf(b,
				 "</label>\n<textarea id=\"comment\" name=\"comment\" "
				 "rows=\"5\" maxlength=\"%d\"></textarea>\n"
				 "<button type=\"submit\" data-test=\"nps-send\">",
				 FL_NPS_COMMENT_MAX);
	if (!rc)
		rc = add_text(b, w->confirm_send);
	return rc ? rc : fl_buf_adds(b, "</button>\n</form>\n");
}

/* The page: what happened, in the person's language; while there is no
 * answer the form that records one, and after it the "why?" form while
 * it can still be given. */
static int render_page(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	const char *lang = fl_portal_lang(c->found ? c->resp.locale : NULL,
					  fl_req_header_in(r, "Accept-Language"));
	const struct fl_nps_words *w = fl_nps_words(lang);
	int status = 200, answered = c->found && c->resp.score >= 0, rc;
	const char *say;
	fl_buf b;

	if (c->too_many)
		say = w->too_many, status = 429;
	else if (c->outcome == FL_EINVAL && c->expired)
		say = w->expired, status = 410;
	else if (c->bad_score)
		say = w->bad_score, status = 422;
	else if (c->outcome == FL_EINVAL && !c->found)
		say = w->bad_link, status = 400;
	else if (c->outcome == FL_EINVAL)
		say = c->comment ? w->why : w->bad_score, status = 422;
	else if (c->outcome == FL_ECONFLICT)
		say = c->comment ? w->commented : w->already, status = 409;
	else if (!answered)
		say = w->confirm; /* a GET: nothing recorded yet */
	else if (!c->posted && c->score >= 0 && c->score != c->resp.score)
		say = w->already, status = 409;
	else if (c->posted && c->comment && c->resp.comment)
		say = w->thanks_comment;
	else
		say = w->thanks;
	fl_buf_init(&b, 1u << 16);
	rc = fl_fb_page_start(&b, lang, w->title);
	if (!rc)
		rc = fl_fb_page_p(&b, say);
	if (status == 429)
		answered = 0, c->found = 0; /* no form: it could not be sent now */
	if (!rc && answered) {
		rc = fl_buf_adds(&b, "<p>");
		if (!rc)
			rc = add_text(&b, w->your_score);
		if (!rc)
			rc = fl_buf_addf(&b, " <strong class=\"nps-score\">%d</strong></p>\n",
					 c->resp.score);
	}
	if (!rc && c->found && !answered && status != 410)
		rc = confirm_form(&b, c, w);
	if (!rc && answered && !c->resp.comment) {
		rc = fl_buf_addf(&b,
				 "<form method=\"post\" action=\"%s%s\" data-test=\"nps-why\">\n"
				 "<label for=\"comment\">",
				 FL_NPS_PATH, c->token);
		if (!rc)
			rc = add_text(&b, w->why);
		if (!rc)
			rc = fl_buf_addf(&b,
					 "</label>\n<textarea id=\"comment\" name=\"comment\" "
					 "rows=\"5\" maxlength=\"%d\"></textarea>\n"
					 "<button type=\"submit\">",
					 FL_NPS_COMMENT_MAX);
		if (!rc)
			rc = add_text(&b, w->send);
		if (!rc)
			rc = fl_buf_adds(&b, "</button>\n</form>\n");
	}
	if (!rc)
		rc = fl_fb_page_end(&b);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return page_answer(r, status, &b);
}

/* A domain error the page tells (a bad link, a bad score, a second
 * answer): recorded for the page, the transaction left whole (what was
 * recorded before it stands). */
static int page_outcome(struct page_ctx *c, int rc, const struct fl_err *e)
{
	/* only the link's, the score's and the comment's faults are the
	 * page's to tell; anything else is the store's and fails the write */
	if ((rc == FL_EINVAL && (!strcmp(e->field, "token") || !strcmp(e->field, "score") ||
				 !strcmp(e->field, "comment"))) ||
	    rc == FL_ECONFLICT) {
		c->outcome = rc;
		c->expired = !strcmp(e->reason, "Expired");
		return 0;
	}
	return rc;
}

static int tx_page_read(fl_tx *tx, struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	struct fl_err e = {0};
	int rc = fl_nps_response_of(tx, c->token, fl_now(), &r->arena, &c->resp, &e);

	c->found = !rc;
	return page_outcome(c, rc, &e);
}

/* The form: its score recorded (a detractor's follow-up opened), then its
 * why, when it has one; or the why alone, after a score. */
static int tx_page_post(fl_tx *tx, struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	int64_t now = fl_now();
	int rc;

	/* afresh: a write may run again (store/store.h) */
	c->comment = c->form_comment;
	c->outcome = c->expired = c->bad_score = 0;
	if ((rc = tx_page_read(tx, r)) || !c->found)
		return rc;
	if (c->score >= 0) {
		rc = fl_nps_answer(tx, c->token, c->score, now, &r->arena, &c->resp, &r->err);
		if (rc) {
			c->comment = NULL; /* the score is what the page tells of */
			return page_outcome(c, rc, &r->err);
		}
	} else if (c->resp.score < 0) {
		c->bad_score = 1; /* no score chosen, none recorded: choose one */
		return 0;
	}
	if (c->score >= 0 && (!c->comment || !c->comment[strspn(c->comment, " \t\r\n")])) {
		c->comment = NULL; /* a score without a why */
		return 0;
	}
	rc = fl_nps_comment(tx, c->token, c->comment, now, &r->arena, &c->resp, &r->err);
	return page_outcome(c, rc, &r->err);
}

static int h_nps_page(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	const char *v = fl_req_arg(r, "score");
	int64_t score;

	c->score = -1;
	if (!(c->token = page_token(r))) {
		c->outcome = FL_EINVAL;
		return render_page(r);
	}
	/* 11, -1, "ten": a clear page */
	if (v && (fl_str_to_i64(fl_str_c(v), &score) || score < 0 || score > FL_NPS_SCORE_MAX)) {
		c->bad_score = 1;
		return render_page(r);
	}
	if (v)
		c->score = (int)score;
	/* a GET records nothing: a mail scanner opens every link */
	return fl_req_read(r, tx_page_read, render_page);
}

static int h_nps_post(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	struct fl_form_limits lim = {4, FL_NPS_COMMENT_MAX * 4 + 64, 0};
	struct fl_form form;
	const char *body, *score = NULL;
	char key[48];
	int64_t wait, n64;
	size_t n;
	int rc;

	c->score = -1;
	c->posted = 1;
	fl_limit_address_key(fl_req_peer(r), key);
	if (fl_limiter_take(&rate_limit, key, fl_now(), &wait)) {
		char secs[24];
		/* a page in the customer's language (the link's, else the
		 * browser's), as every other answer of this form is */
		snprintf(secs, sizeof secs, "%lld", (long long)wait);
		fl_req_header(r, "Retry-After", secs);
		c->too_many = 1;
		if (!(c->token = page_token(r)))
			return render_page(r);
		return fl_req_read(r, tx_page_read, render_page);
	}
	if (!(c->token = page_token(r))) {
		c->outcome = FL_EINVAL;
		return render_page(r);
	}
	body = fl_req_body(r, &n);
	rc = fl_form_parse(fl_req_header_in(r, "Content-Type"), body, n, &lim, &r->arena, &form,
			   &r->err);
	if (rc)
		return rc == FL_ETOOBIG ? FL_EINVAL : rc;
	for (size_t i = 0; i < form.nparts; i++) {
		if (form.parts[i].file_name)
			continue;
		if (!strcmp(form.parts[i].name, "comment"))
			c->comment = form.parts[i].data;
		else if (!strcmp(form.parts[i].name, "score"))
			score = form.parts[i].data;
	}
	if (score && (fl_str_to_i64(fl_str_c(score), &n64) || n64 < 0 || n64 > FL_NPS_SCORE_MAX)) {
		c->bad_score = 1;
		return fl_req_read(r, tx_page_read, render_page);
	}
	if (score)
		c->score = (int)n64;
	if (!c->comment || !fl_utf8_valid(c->comment, strlen(c->comment)))
		c->comment = "";
	c->form_comment = c->comment;
	return fl_req_write(r, tx_page_post, render_page);
}

#define NPS "/api/v2/nps"
const struct fl_route fl_nps_routes[] = {
	/* the list is the report's survey picker: viewers read it */
	{"GET", NPS "/surveys", h_list, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"POST", NPS "/surveys", h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", NPS "/surveys/{id}", h_show, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", NPS "/surveys/{id}/preview", h_preview, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", NPS "/surveys/{id}/send", h_send, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", NPS "/report", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", "/nps/{*}", h_nps_page, FL_ROLE_ANONYMOUS, 0, sizeof(struct page_ctx)},
	{"POST", "/nps/{*}", h_nps_post, FL_ROLE_ANONYMOUS, 16384, sizeof(struct page_ctx),
	 FL_ROUTE_FORM_BODY},
	{0},
};
