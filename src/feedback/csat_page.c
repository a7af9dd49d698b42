/* The rating page a solved notice's links open (feedback/csat.h,
 * docs/feedback.md "CSAT"), public, server-rendered, no script:
 *   GET  /csat/{token}?score=good|bad   the question, the choice the link
 *        made already checked, an optional comment and (for bad) a reason,
 *        and one button; the rating as it stands, when there is one
 *   POST /csat/{token}                  the form (score, comment,
 *        reason_id): records the rating, then 303 to the page with
 *        ?done=1 ("thank you"); refused with the page saying why (422;
 *        429 with Retry-After when one address sends too many)
 * Why GET records nothing: mail scanners and link previews fetch every
 * link in a message — both "good" and "bad" — before the customer sees
 * it; a rating recorded on GET would be whichever the robot fetched last.
 * The click shows the page with the customer's choice made, and one
 * press of the button records it. The token (portal/link.h) names the
 * ticket and its requester and expires FL_CSAT_LINK_TTL after the notice;
 * a link that is made up, changed or expired, or whose ticket is gone or
 * has another requester now, gets a page saying so — in the language of
 * the requester the link names once the desk's signature holds (an
 * expired link too), else the visitor's — and nothing is recorded. The rating changes while the ticket
 * is solved; a closed one's stands. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limit.h"
#include "core/str.h"
#include "core/time.h"
#include "feedback/csat.h"
#include "http/form.h"
#include "http/http.h"
#include "portal/link.h"
#include "portal/portal.h"
#include "store/satisfaction.h"
#include "store/tickets.h"
#include "store/users.h"

/* Pages load our style sheets, post only to us, run no script and are
 * never framed. */
static const char page_csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self'; "
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/* Ratings sent: 8 per client address in any 2 minutes (a customer sends
 * one, or changes it once or twice; a limiter counts at most
 * FL_LIMIT_MAX). The token cannot be guessed: this keeps a robot with
 * one real link from making the writer busy. */
static struct fl_limiter rate_limit = FL_LIMITER(8, 120);

enum problem {
	P_NONE,
	P_BAD_LINK,
	P_EXPIRED,
	P_CLOSED,
	P_NOT_SOLVED,
	P_TOO_LONG,
	P_UNCHOSEN,
	P_TOO_MANY,
};

struct ctx {
	const char *token;
	int score; /* the choice checked: the form's, the link's, or the rating's */
	int done;  /* ?done=1: just recorded */
	enum problem problem;
	int64_t wait; /* over the limit: seconds until a rating is taken again */
	const char *lang;
	struct fl_ticket t;
	int has_rating;
	struct fl_csat_rating rating;
	struct fl_csat_reason *reasons;
	size_t nreasons;
	/* the form */
	const char *comment;
	int64_t reason_id;
};

/* The token of the path /csat/{token}: only what a token may hold. */
static const char *path_token(struct fl_req *r)
{
	const char *z = r->url + strlen(FL_CSAT_PAGE_PATH);
	size_t n = strlen(z);

	if (n == 0 || n > FL_LINK_TOKEN_MAX || strspn(z, "0123456789abcdef-") != n)
		return NULL;
	return z;
}

/* Reads the link, its ticket and requester, the rating and the reasons;
 * a link that does not hold sets c->problem and is no error. */
static int load(fl_tx *tx, struct fl_req *r, struct ctx *c, struct fl_link *l)
{
	struct fl_err e = {0};
	struct fl_user u;
	int rc;

	if (!c->token) {
		c->problem = P_BAD_LINK;
		return 0;
	}
	rc = fl_link_read(tx, FL_CSAT_LINK_PURPOSE, c->token, fl_now(), &r->arena, l, &e);
	if (rc == FL_EINVAL && !strcmp(e.reason, "Expired")) {
		/* the desk signed it, only its time is up: read it as of no time
		 * (a link with an end never ends at 0) to say so in the language
		 * of the requester it names, as the valid page would */
		c->problem = P_EXPIRED;
		if (!fl_link_read(tx, FL_CSAT_LINK_PURPOSE, c->token, 0, &r->arena, l, &e) &&
		    (rc = fl_store_user_get(tx, l->b, &r->arena, &u)) != FL_ENOTFOUND) {
			if (rc)
				return rc;
			c->lang = fl_portal_lang(u.locale, NULL);
		}
		return 0;
	}
	if (rc == FL_EINVAL) {
		c->problem = P_BAD_LINK;
		return 0;
	}
	if (rc)
		return rc;
	rc = fl_store_ticket_get(tx, l->a, &r->arena, &c->t);
	if (rc == FL_ENOTFOUND || (!rc && (c->t.deleted_at || c->t.requester_id != l->b))) {
		c->problem = P_BAD_LINK;
		return 0;
	}
	if (rc)
		return rc;
	/* the page speaks the requester's language */
	rc = fl_store_user_get(tx, l->b, &r->arena, &u);
	if (!rc)
		c->lang = fl_portal_lang(u.locale, NULL);
	else if (rc != FL_ENOTFOUND)
		return rc;
	/* only a customer rates (feedback/csat.h): a link whose requester is
	 * no customer now holds nothing */
	if (rc || u.role != FL_ROLE_END_USER) {
		c->problem = P_BAD_LINK;
		return 0;
	}
	rc = fl_store_csat_get_ticket(tx, c->t.id, &r->arena, &c->rating);
	c->has_rating = !rc && c->rating.score != FL_CSAT_OFFERED;
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	if (c->t.status == FL_STATUS_CLOSED)
		c->problem = P_CLOSED;
	else if (c->t.status != FL_STATUS_SOLVED)
		c->problem = P_NOT_SOLVED;
	return fl_store_csat_reason_list(tx, 1, &r->arena, &c->reasons, &c->nreasons);
}

/* ---- the page ---------------------------------------------------------------- */

static int esc(fl_buf *b, const char *z)
{
	return fl_buf_add_html(b, z ? z : "", z ? strlen(z) : 0);
}

static const char *problem_text(const struct fl_csat_words *w, enum problem p)
{
	switch (p) {
	case P_BAD_LINK: return w->bad_link;
	case P_EXPIRED: return w->expired;
	case P_CLOSED: return w->closed;
	case P_NOT_SOLVED: return w->not_solved;
	case P_TOO_LONG: return w->too_long;
	case P_UNCHOSEN: return w->unchosen;
	case P_TOO_MANY: return w->too_many;
	default: return NULL;
	}
}

static const char *problem_name(enum problem p)
{
	static const char *const names[] = {"",           "bad_link", "expired",  "closed",
					    "not_solved", "too_long", "unchosen", "too_many"};
	return names[p];
}

static int page_form(fl_buf *b, struct ctx *c, const struct fl_csat_words *w)
{
	const char *comment = c->comment ? c->comment : c->has_rating ? c->rating.comment : "";
	int64_t reason = c->reason_id ? c->reason_id : c->has_rating ? c->rating.reason_id : 0;
	int rc = fl_buf_adds(b, "<form method=\"post\" action=\"" FL_CSAT_PAGE_PATH);

	if (!rc)
		rc = esc(b, c->token);
	if (!rc)
		rc = fl_buf_addf(
			b,
			"\" class=\"csat-form\" data-test=\"csat-form\">\n<fieldset><legend>%s</legend>\n"
			"<label class=\"csat-choice\"><input type=\"radio\" name=\"score\" value=\"good\""
			" data-test=\"csat-good\"%s> %s</label>\n"
			"<label class=\"csat-choice\"><input type=\"radio\" name=\"score\" value=\"bad\""
			" data-test=\"csat-bad\"%s> %s</label>\n</fieldset>\n",
			w->question, c->score == FL_CSAT_GOOD ? " checked" : "", w->good,
			c->score == FL_CSAT_BAD ? " checked" : "", w->bad);
	if (!rc && c->nreasons) {
		rc = fl_buf_addf(
			b,
			"<p><label for=\"csat-reason\">%s</label><br>"
			"<select id=\"csat-reason\" name=\"reason_id\" data-test=\"csat-reason\">"
			"<option value=\"\">%s</option>",
			w->reason, w->no_reason);
		for (size_t i = 0; !rc && i < c->nreasons; i++) {
			rc = fl_buf_addf(b, "<option value=\"%" PRId64 "\"%s>", c->reasons[i].id,
					 c->reasons[i].id == reason ? " selected" : "");
			if (!rc)
				rc = esc(b, fl_csat_reason_name(&c->reasons[i], c->lang));
			if (!rc)
				rc = fl_buf_adds(b, "</option>");
		}
		if (!rc)
			rc = fl_buf_adds(b, "</select></p>\n");
	}
	if (!rc)
		rc = fl_buf_addf(
			b,
			"<p><label for=\"csat-comment\">%s</label><br>"
			"<textarea id=\"csat-comment\" name=\"comment\" rows=\"4\" cols=\"60\""
			" maxlength=\"%d\" data-test=\"csat-comment\">",
			w->comment, FL_CSAT_COMMENT_MAX);
	if (!rc)
		rc = esc(b, comment);
	if (!rc)
		rc = fl_buf_addf(
			b,
			"</textarea></p>\n<p><button type=\"submit\" class=\"btn primary\""
			" data-test=\"csat-send\">%s</button></p>\n<p class=\"muted\">%s</p>\n"
			"</form>\n",
			w->send, w->change);
	return rc;
}

static int page(struct fl_req *r, int status)
{
	struct ctx *c = r->ctx;
	const struct fl_csat_words *w = fl_csat_words(c->lang);
	int link_ok = c->problem != P_BAD_LINK && c->problem != P_EXPIRED;
	char id[24], title[160];
	const char *said = problem_text(w, c->problem);
	fl_buf b;
	int rc;

	snprintf(id, sizeof id, "%" PRId64, c->t.id);
	snprintf(title, sizeof title, w->title, link_ok ? id : "");
	fl_buf_init(&b, 1u << 20);
	rc = fl_buf_addf(
		&b,
		"<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"robots\" content=\"noindex\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
		w->lang);
	if (!rc)
		rc = esc(&b, link_ok ? title : w->question);
	if (!rc)
		rc = fl_buf_adds(
			&b,
			"</title>\n<link rel=\"icon\" href=\"/assets/favicon.svg\" "
			"type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"/assets/app.css\">\n"
			"<link rel=\"stylesheet\" href=\"/assets/portal.css\">\n</head>\n"
			"<body class=\"hc csat\">\n<header class=\"p-top\"><div class=\"p-top-in\">"
			"<span class=\"brand p-brand\"><img src=\"/assets/favicon.svg\" alt=\"\" "
			"width=\"28\" height=\"28\"><span>Frontline</span></span></div></header>\n"
			"<main class=\"p-main\" data-test=\"csat-page\">\n<h1>");
	if (!rc)
		rc = esc(&b, link_ok ? title : w->question);
	if (!rc)
		rc = fl_buf_adds(&b, "</h1>\n");
	if (!rc && link_ok) {
		rc = fl_buf_adds(&b, "<p class=\"csat-subject\">");
		if (!rc)
			rc = esc(&b, c->t.subject);
		if (!rc)
			rc = fl_buf_adds(&b, "</p>\n");
	}
	if (!rc && c->done && !said)
		rc = fl_buf_addf(
			&b,
			"<p class=\"notice ok\" role=\"status\" data-test=\"csat-thanks\">%s</p>\n",
			w->thanks);
	if (!rc && said)
		rc = fl_buf_addf(
			&b,
			"<p class=\"notice error\" role=\"alert\" data-test=\"csat-problem\""
			" data-problem=\"%s\">%s</p>\n",
			problem_name(c->problem), said);
	if (!rc && link_ok && c->has_rating)
		rc = fl_buf_addf(
			&b,
			"<p data-test=\"csat-current\" data-score=\"%s\">%s <strong>%s</strong></p>\n",
			fl_csat_score_name(c->rating.score), w->yours,
			c->rating.score == FL_CSAT_GOOD ? w->good : w->bad);
	if (!rc && link_ok && c->problem != P_CLOSED && c->problem != P_NOT_SOLVED)
		rc = page_form(&b, c, w);
	if (!rc)
		rc = fl_buf_adds(&b, "</main>\n</body>\n</html>\n");
	if (!rc && !(r->raw = fl_arena_strndup(&r->arena, b.p, b.n)))
		rc = FL_ENOMEM;
	r->raw_len = b.n;
	fl_buf_free(&b);
	if (rc)
		return rc;
	r->status = status;
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Content-Security-Policy", page_csp);
	fl_req_header(r, "Cache-Control", "no-store");
	fl_req_header(r, "Content-Language", w->lang);
	return 0;
}

/* The status of a page that says what was wrong. */
static int status_of(enum problem p)
{
	switch (p) {
	case P_BAD_LINK: return 404;
	case P_EXPIRED: return 410;
	case P_TOO_MANY: return 429;
	case P_NONE: return 200;
	default: return 422;
	}
}

/* ---- GET ----------------------------------------------------------------- */

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_link l;
	int rc = load(tx, r, c, &l);

	if (!rc && !c->score && c->has_rating)
		c->score = c->rating.score;
	return rc;
}

static int render_show(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	/* a ticket closed or open again is no error of the visitor's */
	return page(r, c->problem == P_CLOSED || c->problem == P_NOT_SOLVED
			       ? 200
			       : status_of(c->problem));
}

static int h_show(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *score = fl_req_arg(r, "score"), *done = fl_req_arg(r, "done");

	c->lang = fl_portal_lang(NULL, fl_req_header_in(r, "Accept-Language"));
	c->token = path_token(r);
	c->score = fl_csat_score_parse(score);
	if (c->score != FL_CSAT_GOOD && c->score != FL_CSAT_BAD)
		c->score = 0;
	c->done = done && !strcmp(done, "1");
	return fl_req_read(r, tx_show, render_show);
}

/* ---- POST ---------------------------------------------------------------- */

static int tx_rate(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_link l;
	struct fl_csat_in in = {c->score, c->comment, c->reason_id};
	struct fl_err e = {0};
	int rc = load(tx, r, c, &l);

	if (rc || c->problem)
		return rc;
	if (c->score != FL_CSAT_GOOD && c->score != FL_CSAT_BAD) {
		c->problem = P_UNCHOSEN;
		return 0;
	}
	rc = fl_csat_rate(tx, l.a, l.b, &in, fl_now(), &r->arena, &c->rating, &e);
	/* refused before anything was written: the page says why */
	if (rc == FL_EINVAL && !strcmp(e.field, "comment")) {
		c->problem = P_TOO_LONG;
		return 0;
	}
	if (rc == FL_EINVAL && !strcmp(e.field, "reason_id")) {
		c->reason_id = 0; /* gone since the page was shown: choose again */
		c->problem = P_UNCHOSEN;
		return 0;
	}
	return rc;
}

/* Over the limit: nothing recorded, the page (the form as it was sent)
 * says to wait, 429 with Retry-After. A link that does not hold, or a
 * ticket closed or open again, says that instead: waiting would not help. */
static int tx_limited(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_link l;
	int rc = load(tx, r, c, &l);

	if (!rc && !c->problem)
		c->problem = P_TOO_MANY;
	return rc;
}

static int render_rate(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *to;
	size_t n;

	if (c->wait > 0) {
		char secs[24];
		snprintf(secs, sizeof secs, "%" PRId64, c->wait);
		fl_req_header(r, "Retry-After", secs);
		return page(r, 429);
	}
	if (c->problem)
		return page(r, status_of(c->problem));
	n = strlen(c->token) + 32;
	if (!(to = fl_arena_alloc(&r->arena, n)))
		return FL_ENOMEM;
	snprintf(to, n, FL_CSAT_PAGE_PATH "%s?done=1", c->token);
	r->status = 303;
	r->raw = "";
	r->raw_len = 0;
	r->raw_type = "text/html; charset=utf-8";
	return fl_req_header(r, "Location", to);
}

static int h_rate(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_form_limits lim = {8, 4 * FL_CSAT_COMMENT_MAX + 64, 0};
	struct fl_form form;
	struct fl_err e = {0};
	const char *body;
	char key[48];
	int64_t wait;
	size_t n;
	int rc;

	c->lang = fl_portal_lang(NULL, fl_req_header_in(r, "Accept-Language"));
	c->token = path_token(r);
	fl_limit_address_key(fl_req_peer(r), key);
	if (fl_limiter_take(&rate_limit, key, fl_now(), &wait))
		c->wait = wait > 0 ? wait : 1;
	body = fl_req_body(r, &n);
	rc = fl_form_parse(fl_req_header_in(r, "Content-Type"), body, n, &lim, &r->arena, &form,
			   &e);
	if (rc == FL_ETOOBIG && !c->wait) {
		c->problem = P_TOO_LONG;
		return fl_req_read(r, tx_show, render_rate);
	}
	if (rc)
		form.nparts = 0; /* a body that is not a form chose nothing */
	for (size_t i = 0; i < form.nparts; i++) {
		const struct fl_form_part *p = &form.parts[i];
		if (p->file_name)
			continue;
		if (!strcmp(p->name, "score"))
			c->score = fl_csat_score_parse(p->data);
		else if (!strcmp(p->name, "comment"))
			c->comment = p->data;
		else if (!strcmp(p->name, "reason_id") && *p->data &&
			 (fl_str_to_i64(fl_str_c(p->data), &c->reason_id) || c->reason_id < 0))
			c->reason_id = 0;
	}
	/* the page in the customer's language, the form as they sent it */
	if (c->wait)
		return fl_req_read(r, tx_limited, render_rate);
	return fl_req_write(r, tx_rate, render_rate);
}

const struct fl_route fl_csat_page_routes[] = {
	{"GET", FL_CSAT_PAGE_PATH "{*}", h_show, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", FL_CSAT_PAGE_PATH "{*}", h_rate, FL_ROLE_ANONYMOUS, 16384, sizeof(struct ctx),
	 FL_ROUTE_FORM_BODY},
	{0},
};
