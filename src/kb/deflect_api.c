/* Self-service before a ticket (kb/deflect.h, docs/kb.md "Self-service"):
 *   POST /api/v2/help_center/deflections   anyone: "this solved my problem"
 *        {"deflection": {"article_id", "locale", "query", "shown": [ids],
 *        "token"}} → 201 {"deflection": {…}}, channel js
 *   POST /portal/deflections               the same from the plain form's
 *        confirmation step (a form: article_id, locale, query, shown
 *        "1,2,3", token), channel nojs, answered 303 to the article's
 *        help-center page; refused (403) when the browser says another
 *        site sent it
 *   GET  /api/v2/help_center/deflections/suggestions?query=&locale=
 *        anyone: up to five public articles for what the customer typed
 *        (fl_deflect_suggest) → {"results": [{id, title, snippet,
 *        html_url, locale}], "query", "count", "token"}: the token signs
 *        what was shown (kb/deflect.h), and a deflection needs it
 *   GET  /api/v2/help_center/reports/deflection?start=&end=&locale=
 *        agents: shown, deflected, submitted and the rate, in all, by
 *        locale, by day (every day of the period) and by article
 * The two writes share one limit per client address, in this node's
 * memory: a robot pressing the button cannot make the rate what it likes;
 * the suggestions have a limit of their own, generous enough for typing.
 * ("submitted" is written by the contact form, portal/portal_api.c, in the
 * ticket's own transaction.) */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/input.h"
#include "core/limit.h"
#include "core/time.h"
#include "http/form.h"
#include "http/http.h"
#include "kb/deflect.h"
#include "kb/kb.h"
#include "portal/site.h"
#include "sla/report.h"
#include "store/deflections.h"
#include "store/kb.h"

#define DAY_SECONDS 86400

/* Deflections: 8 per client address in any 10 minutes (a person presses
 * the button once or twice). */
static struct fl_limiter deflect_limit = FL_LIMITER(8, 600);

struct ctx {
	struct fl_deflection d;
	const char *locale, *query, *channel, *token;
	int64_t article_id;
	int64_t shown[FL_DEFLECT_SHOWN_MAX];
	size_t nshown;
	int has_locale, has_query, has_channel, has_article_id, has_shown, has_token;
	char *slug; /* the article's, for the form's redirect */
	struct fl_deflect_suggestion *sugg;
	size_t nsugg;
	char *signed_token; /* the suggestions', when there are any */
	char *site;         /* the desk's public URL (a form's Origin is checked against it) */
	/* the report */
	struct fl_report_period period;
	struct fl_store_deflect_row *rows[FL_DEFLECT_BY__MAX];
	size_t nrows[FL_DEFLECT_BY__MAX];
};

#define C(m) offsetof(struct ctx, m)
static const struct fl_field deflection_fields[] = {
	{"article_id", FL_FT_ID, 0, 0, 0, NULL, C(article_id), C(has_article_id), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, C(locale), C(has_locale), 0, 0},
	{"query", FL_FT_STRING, FL_DEFLECT_QUERY_MAX, 0, 1, NULL, C(query), C(has_query), 0, 0},
	{"channel", FL_FT_STRING, 8, 0, 1, NULL, C(channel), C(has_channel), 0, 0},
	{"shown", FL_FT_IDS, FL_DEFLECT_SHOWN_MAX, 0, 1, NULL, C(shown), C(has_shown), C(nshown),
	 0},
	{"token", FL_FT_STRING, FL_DEFLECT_TOKEN_MAX, 0, 1, NULL, C(token), C(has_token), 0, 0},
	FL_FIELDS_END,
};

/* Suggestions: 8 per client address in any 8 seconds — a burst of 8, and
 * a search a second (60 a minute) while a customer types, the form asking
 * only after a pause — so that no one can run the article search as fast
 * as the server answers. (A limiter counts at most FL_LIMIT_MAX events a
 * window: the window is short rather than the count large.) */
static struct fl_limiter suggest_limit = FL_LIMITER(8, 8);

/* 0 while the client's address is within l; past it, a 429 (what) with
 * Retry-After. */
static int over(struct fl_req *r, struct fl_limiter *l, const char *what)
{
	char key[48];
	int64_t wait;

	fl_limit_address_key(fl_req_peer(r), key);
	return fl_limiter_take(l, key, fl_now(), &wait) ? fl_req_too_many(r, wait, what) : 0;
}

static int over_limit(struct fl_req *r)
{
	return over(r, &deflect_limit, "deflections");
}

static int tx_record(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_translation t;
	int rc = fl_deflect_record(tx, &c->d, fl_now(), &r->arena, &r->err);

	if (rc || !r->route->flags)
		return rc;
	/* the form's answer goes to the article's page */
	if (!(rc = fl_store_kb_translation_get(tx, c->d.article_id, c->d.locale, &r->arena, &t)))
		c->slug = (char *)fl_kb_slug(&t, &r->arena);
	return rc;
}

static int render_record(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const struct fl_deflection *d = &c->d;
	json_t *shown = json_array();

	for (size_t i = 0; i < d->nshown; i++)
		json_array_append_new(shown, json_integer(d->shown[i]));
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:o}}", "deflection",
				      "id", (json_int_t)d->id, "article_id",
				      fl_json_id(d->article_id), "locale", d->locale, "query",
				      d->query, "outcome", fl_deflect_outcome_name(d->outcome),
				      "channel", fl_deflect_channel_name(d->channel), "shown",
				      shown, "created_at", fl_json_time(d->created_at)));
}

static int h_deflect(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "deflection") : NULL;
	int rc;

	if ((rc = over_limit(r)))
		return rc;
	if (!json_is_object(in))
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"deflection\": {\"article_id\": …, \"locale\": …}}");
	if ((rc = fl_input_decode(in, deflection_fields, c, &r->arena, &r->err)))
		return rc;
	if (!c->article_id)
		return fl_req_fail(r, FL_EINVAL, "article_id", "Blank",
				   "Article: say which article solved the problem");
	/* the channel is the door's: this one is the script's */
	if (c->channel && strcmp(c->channel, "js"))
		return fl_req_fail(r, FL_EINVAL, "channel", "InvalidValue",
				   "Channel: this endpoint records js; the plain form's step "
				   "posts to /portal/deflections");
	c->d = (struct fl_deflection){.locale = c->locale,
				      .query = c->query,
				      .outcome = FL_DEFLECT_DEFLECTED,
				      .channel = FL_DEFLECT_JS,
				      .article_id = c->article_id,
				      .token = c->token};
	for (size_t i = 0; i < c->nshown; i++)
		c->d.shown[c->d.nshown++] = c->shown[i];
	if ((rc = fl_deflect_check(&c->d, &r->err)))
		return rc;
	return fl_req_write(r, tx_record, render_record);
}

/* The help-center path of an article in locale: a slug keeps letters of
 * any script, percent-encoded for a header or a URL. */
static void add_article_path(fl_buf *b, const char *locale, int64_t id, const char *slug)
{
	fl_buf_addf(b, "/hc/%s/articles/%lld-", locale, (long long)id);
	for (const unsigned char *p = (const unsigned char *)slug; p && *p; p++)
		if (*p < 0x80)
			fl_buf_add(b, (const char *)p, 1);
		else
			fl_buf_addf(b, "%%%02X", *p);
}

/* The plain form's button: the same record, then the article. */
static int render_form(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *to;
	fl_buf b;

	fl_buf_init(&b, 4096);
	add_article_path(&b, c->d.locale, c->d.article_id, c->slug);
	to = b.p ? fl_arena_strdup(&r->arena, b.p) : NULL;
	fl_buf_free(&b);
	if (!to)
		return FL_ENOMEM;
	r->status = 303;
	r->raw = "";
	r->raw_len = 0;
	r->raw_type = "text/plain; charset=utf-8";
	return fl_req_header(r, "Location", to);
}

static int tx_site(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_site_url(tx, &r->arena, &c->site);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

/* Whether origin ("https://help.example.com") is the desk's own: the
 * public URL's scheme, host and port (it may go on with a path). */
static int own_origin(const char *origin, const char *site)
{
	size_t n = strlen(origin);
	return site && n && !strncasecmp(origin, site, n) && (!site[n] || site[n] == '/');
}

static int form_read(struct fl_req *r);

/* The plain form's button. A form any website could make a visitor's
 * browser send (no credentials, no preflight) is refused when the browser
 * says it comes from another site: Sec-Fetch-Site "cross-site", or an
 * Origin that is not the desk's public URL. A browser that sends neither
 * (an old one) is let through: the token still has to be one we gave. */
static int h_deflect_form(struct fl_req *r)
{
	const char *site = fl_req_header_in(r, "Sec-Fetch-Site");
	const char *origin = fl_req_header_in(r, "Origin");

	if (site && !strcasecmp(site, "cross-site"))
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, "CrossSite",
				   "This form is sent only from the help desk's own pages");
	if (origin)
		return fl_req_read(r, tx_site, form_read);
	return form_read(r);
}

static int form_read(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_form_limits lim = {16, 4 * FL_DEFLECT_QUERY_MAX + 64, 0};
	struct fl_form f;
	const char *body, *article = NULL, *shown = NULL, *origin = fl_req_header_in(r, "Origin");
	size_t n;
	int rc;

	if (origin && !own_origin(origin, c->site))
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, "CrossSite",
				   "This form is sent only from the help desk's own pages");
	if ((rc = over_limit(r)))
		return rc;
	body = fl_req_body(r, &n);
	if ((rc = fl_form_parse(fl_req_header_in(r, "Content-Type"), body, n, &lim, &r->arena, &f,
				&r->err)))
		return rc;
	c->d = (struct fl_deflection){.outcome = FL_DEFLECT_DEFLECTED, .channel = FL_DEFLECT_NOJS};
	for (size_t i = 0; i < f.nparts; i++) {
		const struct fl_form_part *p = &f.parts[i];
		if (p->file_name || strlen(p->data) != p->n)
			continue;
		if (!strcmp(p->name, "article_id"))
			article = p->data;
		else if (!strcmp(p->name, "locale"))
			c->d.locale = p->data;
		else if (!strcmp(p->name, "query"))
			c->d.query = p->data;
		else if (!strcmp(p->name, "shown"))
			shown = p->data;
		else if (!strcmp(p->name, "token"))
			c->d.token = p->data;
	}
	if (!article || fl_str_to_i64(fl_str_c(article), &c->d.article_id) || c->d.article_id <= 0)
		return fl_req_fail(r, FL_EINVAL, "article_id", "InvalidValue",
				   "Article: must be an article's id");
	fl_deflect_shown_parse(shown, &c->d);
	if ((rc = fl_deflect_check(&c->d, &r->err)))
		return rc;
	return fl_req_write(r, tx_record, render_form);
}

/* suggestions */

static int tx_suggest(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t ids[FL_DEFLECT_SHOWN_MAX];
	int rc = fl_deflect_suggest(tx, c->query, c->locale, &r->arena, &c->sugg, &c->nsugg);

	if (rc || !c->nsugg)
		return rc;
	for (size_t i = 0; i < c->nsugg; i++)
		ids[i] = c->sugg[i].article_id;
	return fl_deflect_token(tx, c->locale, ids, c->nsugg, fl_now(), &r->arena,
				&c->signed_token);
}

static int render_suggest(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->nsugg; i++) {
		const struct fl_deflect_suggestion *s = &c->sugg[i];
		fl_buf b;
		fl_buf_init(&b, 4096);
		fl_buf_adds(&b, fl_req_base(r));
		add_article_path(&b, c->locale, s->article_id, s->slug);
		json_array_append_new(list,
				      json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
						(json_int_t)s->article_id, "title", s->title,
						"snippet", s->snippet ? s->snippet : "", "html_url",
						b.p ? b.p : "", "locale", c->locale));
		fl_buf_free(&b);
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:s, s:I, s:s?}", "results", list, "query", c->query,
				      "count", (json_int_t)c->nsugg, "token", c->signed_token));
}

static int h_suggest(struct fl_req *r)
{
	static const char *const allowed[] = {"query", "locale", NULL};
	struct ctx *c = r->ctx;
	const char *q, *locale;
	int rc;

	if ((rc = over(r, &suggest_limit, "suggestions")))
		return rc;
	if ((rc = fl_req_args_only(r, allowed)))
		return rc;
	q = fl_req_arg(r, "query");
	locale = fl_req_arg(r, "locale");
	if (!locale || !*locale)
		return fl_req_fail(r, FL_EINVAL, "locale", "Blank", "Locale: cannot be blank");
	if ((rc = fl_kb_locale_check(locale, "locale", &r->err)))
		return rc;
	c->locale = fl_kb_locale_name(locale);
	q = q ? q : "";
	if (!fl_utf8_valid(q, strlen(q)))
		return fl_req_fail(r, FL_EINVAL, "query", "InvalidValue",
				   "Query: must be UTF-8 text");
	if (fl_utf8_len(q, strlen(q)) > FL_DEFLECT_QUERY_MAX)
		return fl_req_fail(r, FL_EINVAL, "query", "TooLong",
				   "Query: is too long (maximum is %d characters)",
				   FL_DEFLECT_QUERY_MAX);
	c->query = q;
	return fl_req_read(r, tx_suggest, render_suggest);
}

/* the report */

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = 0;

	for (int by = 0; !rc && by < FL_DEFLECT_BY__MAX; by++)
		rc = fl_store_deflect_report(tx, by, c->period.start, c->period.end, c->locale,
					     &r->arena, &c->rows[by], &c->nrows[by]);
	return rc;
}

static json_t *counts_json(json_t *o, const struct fl_deflect_counts *k)
{
	double rate = fl_deflect_rate(k);

	json_object_set_new(o, "shown", json_integer(k->shown));
	json_object_set_new(o, "deflected", json_integer(k->deflected));
	json_object_set_new(o, "submitted", json_integer(k->submitted));
	json_object_set_new(o, "rate", rate < 0 ? json_null() : json_real(rate));
	return o;
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list;
	struct fl_deflect_counts none = {0};
	char day[11];
	size_t k = 0;

	fl_report_day_iso(c->period.from_day, day);
	json_object_set_new(o, "start", json_string(day));
	fl_report_day_iso(c->period.to_day, day);
	json_object_set_new(o, "end", json_string(day));
	json_object_set_new(o, "locale", fl_json_str(c->locale));
	counts_json(o, c->nrows[FL_DEFLECT_BY_TOTAL] ? &c->rows[FL_DEFLECT_BY_TOTAL][0].c : &none);

	list = json_array();
	for (size_t i = 0; i < c->nrows[FL_DEFLECT_BY_LOCALE]; i++) {
		const struct fl_store_deflect_row *w = &c->rows[FL_DEFLECT_BY_LOCALE][i];
		json_array_append_new(list,
				      counts_json(json_pack("{s:s?}", "locale", w->name), &w->c));
	}
	json_object_set_new(o, "by_locale", list);

	/* every day of the period, those without events at zero: a chart's
	 * days are evenly spaced */
	list = json_array();
	for (int32_t d = c->period.from_day; d <= c->period.to_day; d++) {
		const struct fl_store_deflect_row *rows = c->rows[FL_DEFLECT_BY_DAY];
		while (k < c->nrows[FL_DEFLECT_BY_DAY] && rows[k].key < d)
			k++;
		fl_report_day_iso(d, day);
		json_array_append_new(
			list,
			counts_json(json_pack("{s:s}", "date", day),
				    k < c->nrows[FL_DEFLECT_BY_DAY] && rows[k].key == d ? &rows[k].c
											: &none));
	}
	json_object_set_new(o, "by_day", list);

	list = json_array();
	for (size_t i = 0; i < c->nrows[FL_DEFLECT_BY_ARTICLE]; i++) {
		const struct fl_store_deflect_row *w = &c->rows[FL_DEFLECT_BY_ARTICLE][i];
		json_array_append_new(list,
				      counts_json(json_pack("{s:I, s:s?}", "article_id",
							    (json_int_t)w->key, "title", w->name),
						  &w->c));
	}
	json_object_set_new(o, "by_article", list);
	return fl_req_reply(r, 200, json_pack("{s:o}", "deflection_report", o));
}

static int h_report(struct fl_req *r)
{
	static const char *const allowed[] = {"start", "end", "locale", NULL};
	struct ctx *c = r->ctx;
	const char *locale;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)))
		return rc;
	locale = fl_req_arg(r, "locale");
	if (locale && *locale) {
		if ((rc = fl_kb_locale_check(locale, "locale", &r->err)))
			return rc;
		c->locale = fl_kb_locale_name(locale);
	}
	if ((rc = fl_report_period_parse(fl_req_arg(r, "start"), fl_req_arg(r, "end"),
					 (int32_t)(fl_now() / DAY_SECONDS), &c->period, &r->err))) {
		/* the period's parser names its own arguments, from and to:
		 * the field and the message say this report's, start and end */
		int start = !strcmp(r->err.field, "from");
		const char *rest = strchr(r->err.msg, ':');
		char msg[sizeof r->err.msg];
		snprintf(r->err.field, sizeof r->err.field, "%s", start ? "start" : "end");
		if (!strcmp(r->err.msg, "To: must not be before from"))
			rest = ": must not be before start";
		snprintf(msg, sizeof msg, "%s%s", start ? "Start" : "End", rest ? rest : "");
		memcpy(r->err.msg, msg, sizeof msg);
		return rc;
	}
	return fl_req_read(r, tx_report, render_report);
}

const struct fl_route fl_deflect_routes[] = {
	{"POST", "/api/v2/help_center/deflections", h_deflect, FL_ROLE_ANONYMOUS, 4096,
	 sizeof(struct ctx)},
	{"POST", "/portal/deflections", h_deflect_form, FL_ROLE_ANONYMOUS, 8192, sizeof(struct ctx),
	 FL_ROUTE_FORM_BODY},
	{"GET", "/api/v2/help_center/deflections/suggestions", h_suggest, FL_ROLE_ANONYMOUS, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/help_center/reports/deflection", h_report, FL_ROLE_VIEWER, 0,
	 sizeof(struct ctx)},
	{0},
};
