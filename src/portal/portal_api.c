/* The customer portal's doors for people without an account:
 *   POST /portal/requests          the public contact form (portal/portal.h);
 *                                  a page for a browser, JSON for a script
 *   POST /api/v2/portal/magic_link  mail me a sign-in link (auth/magic.h);
 *                                  202 {"delivery": "mail"} when mail
 *                                  leaves, {"delivery": "outbox"} when it
 *                                  is kept for an admin (no relay,
 *                                  mail/outbound.h), with "demo": true on
 *                                  the demo desk (frontline demo)
 *   POST /api/v2/auth/magic         sign in with that link's token
 * Each is limited per client address (and the link per e-mail address),
 * in this node's memory.
 *
 * Self-service (kb/deflect.h): a plain form (a browser without our
 * script, no files, not yet confirmed) whose subject and description find
 * public articles is answered a confirmation step first — the articles,
 * a "this solved my problem" button for each (/portal/deflections), and
 * "send my request anyway" carrying every field back with confirmed=1;
 * both carry the token that signs what the step showed.
 * That step is counted on its own limit, not the submissions'; past it
 * the form is sent without the step, counted as a submission. A request
 * sent after suggestions were shown (the form's "suggested" ids: the
 * script's, or the step's) records a "submitted" deflection in the
 * ticket's own transaction. */
#include <stdio.h>
#include <string.h>

#include "auth/auth_api.h"
#include "auth/magic.h"
#include "core/input.h"
#include "core/limit.h"
#include "core/log.h"
#include "core/time.h"
#include "http/form.h"
#include "http/http.h"
#include "kb/deflect.h"
#include "mail/outbound.h"
#include "portal/portal.h"
#include "store/settings.h"
#include "store/tickets.h"

/* Submissions of the form: 5 per client address in any 10 minutes. */
static struct fl_limiter form_limit = FL_LIMITER(5, 600);
/* Confirmation steps (articles suggested, nothing sent): 8 per client
 * address in 10 minutes, apart from the submissions, so that reading the
 * suggestions does not use up a customer's allowance of requests. */
static struct fl_limiter confirm_limit = FL_LIMITER(8, 600);
/* Link requests: 8 per client address in 10 minutes, answered 429 past
 * that; 3 mails per e-mail address in 15 minutes, past which a request is
 * answered as any other but sends nothing (a 429 there would tell which
 * addresses someone is trying). */
static struct fl_limiter link_limit = FL_LIMITER(8, 600);
static struct fl_limiter address_limit = FL_LIMITER(3, FL_MAGIC_TTL);

/* The answer page may load our style sheet and nothing else; it posts
 * only to us and is never framed. */
static const char page_csp[] =
	"default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";

static int over_limit(struct fl_req *r, struct fl_limiter *l, int64_t *wait)
{
	char key[48];

	fl_limit_address_key(fl_req_peer(r), key);
	return fl_limiter_take(l, key, fl_now(), wait);
}

/* over_limit, saying when to come back (Retry-After) when it is. */
static int over_limit_retry(struct fl_req *r, struct fl_limiter *l, int64_t *wait)
{
	char secs[24];

	if (!over_limit(r, l, wait))
		return 0;
	snprintf(secs, sizeof secs, "%lld", (long long)*wait);
	fl_req_header(r, "Retry-After", secs);
	return 1;
}

/* the contact form */

struct form_ctx {
	struct fl_form form;
	struct fl_portal_request req;
	struct fl_portal_result res;
	int json;        /* the client asked for JSON */
	int64_t last_id; /* the newest ticket, for a robot's made-up answer */
	/* self-service: the form may be answered a confirmation step first
	 * (confirmable), with the articles found (sugg); suggested are the ids
	 * the customer was shown before sending (the form's "suggested") */
	int confirmable;
	int step_counted; /* charged to the confirmation steps' limit */
	const char *query;
	struct fl_deflect_suggestion *sugg;
	size_t nsugg;
	char *token; /* signs the suggestions the step shows */
	struct fl_deflection suggested;
};

static void page_head(fl_buf *b, const char *lang, const char *title)
{
	fl_buf_addf(b,
		    "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>",
		    lang);
	fl_buf_add_html(b, title, strlen(title));
	fl_buf_adds(b,
		    "</title>\n<link rel=\"stylesheet\" href=\"/assets/app.css\">\n</head>\n"
		    "<body>\n<main class=\"portal-answer\">\n<h1>");
	fl_buf_add_html(b, title, strlen(title));
	fl_buf_adds(b, "</h1>\n");
}

static void page_link(fl_buf *b, const char *href, const char *text)
{
	fl_buf_addf(b, "<p><a href=\"%s\">", href);
	fl_buf_add_html(b, text, strlen(text));
	fl_buf_adds(b, "</a></p>\n");
}

/* Answers the page in b (self-contained: no script, our style sheet). */
static int page_end(struct fl_req *r, int status, fl_buf *b)
{
	char *copy;
	int rc = fl_buf_adds(b, "</main>\n</body>\n</html>\n");

	copy = rc ? NULL : fl_arena_strndup(&r->arena, b->p, b->n);
	fl_buf_free(b);
	if (!copy)
		return rc ? rc : FL_ENOMEM;
	r->status = status;
	r->raw = copy;
	r->raw_len = strlen(copy);
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Content-Security-Policy", page_csp);
	return 0;
}

/* The answer is a page or JSON as the client asks: vary on Accept. */
static void form_answer(struct fl_req *r)
{
	fl_req_header(r, "Vary", "Accept, Accept-Language");
}

static int received(struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	const struct fl_portal_words *w = fl_portal_words(c->req.lang);
	char title[200];
	fl_buf b, esc;

	form_answer(r);
	if (c->json)
		return fl_req_reply(r, 201,
				    json_pack("{s:{s:I, s:s, s:s}}", "request", "id",
					      (json_int_t)c->res.ticket_id, "subject",
					      c->req.subject, "status",
					      fl_status_name(c->res.status)));
	fl_buf_init(&b, 1u << 20);
	fl_buf_init(&esc, 1u << 20);
	snprintf(title, sizeof title, w->received, (long long)c->res.ticket_id);
	page_head(&b, c->req.lang, title);
	if (c->req.name) {
		fl_buf_add_html(&esc, c->req.name, strlen(c->req.name));
		fl_buf_adds(&b, "<p>");
		fl_buf_addf(&b, w->thanks, esc.p ? esc.p : "");
		fl_buf_adds(&b, "</p>\n");
		fl_buf_reset(&esc);
	}
	fl_buf_addf(&b, "<p>%s: <strong>", w->subject);
	fl_buf_add_html(&b, c->req.subject, strlen(c->req.subject));
	fl_buf_adds(&b, "</strong></p>\n<p>");
	fl_buf_add_html(&esc, c->req.email, strlen(c->req.email));
	fl_buf_addf(&b, w->reply_to, esc.p ? esc.p : "");
	fl_buf_adds(&b, "</p>\n");
	fl_buf_free(&esc);
	page_link(&b, "/portal/", w->home);
	return page_end(r, 201, &b);
}

/* Answers the request's problems with code's status: the fields in
 * Zendesk's error shape (every field, each with its reasons), or a page
 * listing them in the form's language. */
static int problems(struct fl_req *r, int code)
{
	struct form_ctx *c = r->ctx;
	const struct fl_portal_request *q = &c->req;
	const struct fl_portal_words *w = fl_portal_words(q->lang);
	fl_buf b;

	form_answer(r);
	if (c->json) {
		json_t *o = json_object(), *details = json_object();
		fl_buf desc;

		fl_buf_init(&desc, 4096);
		for (size_t i = 0; i < q->nproblems; i++) {
			const struct fl_portal_problem *p = &q->problems[i];
			const char *text = fl_portal_problem_text(p->kind, "en");
			json_t *list = json_object_get(details, p->field);
			if (!list)
				json_object_set_new(details, p->field, list = json_array());
			json_array_append_new(list,
					      json_pack("{s:s, s:s}", "description", text, "error",
							fl_portal_problem_reason(p->kind)));
			fl_buf_addf(&desc, "%s%s", i ? "; " : "", text);
		}
		json_object_set_new(o, "error", json_string(fl_err_name(code)));
		json_object_set_new(o, "description",
				    json_string(desc.p ? desc.p : fl_err_describe(code)));
		json_object_set_new(o, "details", details);
		fl_buf_free(&desc);
		return fl_req_reply(r, fl_err_http_status(code), o);
	}
	fl_buf_init(&b, 1u << 20);
	page_head(&b, q->lang, w->not_sent);
	fl_buf_addf(&b, "<p>%s</p>\n<ul>\n", w->fix);
	for (size_t i = 0; i < q->nproblems; i++) {
		const char *text = fl_portal_problem_text(q->problems[i].kind, q->lang);
		fl_buf_adds(&b, "<li>");
		fl_buf_add_html(&b, text, strlen(text));
		fl_buf_adds(&b, "</li>\n");
	}
	fl_buf_adds(&b, "</ul>\n");
	page_link(&b, "/portal/", w->back);
	return page_end(r, fl_err_http_status(code), &b);
}

static int busy(struct fl_req *r, int64_t wait)
{
	struct form_ctx *c = r->ctx;
	const struct fl_portal_words *w = fl_portal_words(c->req.lang);
	char text[300];
	fl_buf b;

	form_answer(r);
	snprintf(text, sizeof text, w->busy, (long long)((wait + 59) / 60));
	if (c->json)
		return fl_req_fail(r, FL_ERATE, NULL, NULL,
				   "Too many requests from your address; retry in %lld seconds",
				   (long long)wait);
	fl_buf_init(&b, 1u << 20);
	page_head(&b, c->req.lang, w->not_sent);
	fl_buf_adds(&b, "<p>");
	fl_buf_add_html(&b, text, strlen(text));
	fl_buf_adds(&b, "</p>\n");
	page_link(&b, "/portal/", w->back);
	return page_end(r, 429, &b);
}

/* A form that did not parse, as a problem of the field it names. */
static int unreadable(struct fl_req *r, int rc)
{
	struct form_ctx *c = r->ctx;
	const char *field = r->err.field;
	int kind = FL_PP_FORM;

	if (rc == FL_ETOOBIG && !strcmp(field, "attachments"))
		kind = FL_PP_FILE_TOO_BIG;
	else if (rc == FL_ETOOBIG && !strcmp(field, "description"))
		kind = FL_PP_DESCRIPTION_TOO_LONG;
	else if (rc == FL_ETOOBIG && !strcmp(field, "subject"))
		kind = FL_PP_SUBJECT_TOO_LONG;
	else if (rc == FL_ETOOBIG && !strcmp(field, "name"))
		kind = FL_PP_NAME_TOO_LONG;
	fl_portal_problem_add(&c->req, kind == FL_PP_FORM ? "form" : field, kind);
	return problems(r, rc);
}

/* The form's own self-service fields: "confirmed" (1 from the
 * confirmation step's "send anyway") and "suggested" (the articles shown,
 * "12,7,3"); whether the form may be answered a confirmation step. A form
 * with files skips it (files cannot ride in hidden inputs, and nothing a
 * customer attached is lost), and so does a script asking for JSON (the
 * contact form shows its suggestions itself) and a robot. */
static void read_self_service(struct form_ctx *c)
{
	int confirmed = 0;

	for (size_t i = 0; i < c->form.nparts; i++) {
		const struct fl_form_part *p = &c->form.parts[i];
		if (p->file_name || strlen(p->data) != p->n)
			continue;
		if (!strcmp(p->name, "confirmed"))
			confirmed = !strcmp(p->data, "1");
		else if (!strcmp(p->name, "suggested"))
			fl_deflect_shown_parse(p->data, &c->suggested);
		else if (!strcmp(p->name, "suggested_token"))
			c->suggested.token = p->data;
	}
	c->confirmable = !c->json && !confirmed && !c->req.nfiles && !c->req.honeypot;
}

/* An attribute's value: escaped, line breaks kept as character references
 * (a hidden input gives its value back as it was). */
static void add_attr(fl_buf *b, const char *z)
{
	for (const char *p = z; *p; p++) {
		switch (*p) {
		case '&': fl_buf_adds(b, "&amp;"); break;
		case '<': fl_buf_adds(b, "&lt;"); break;
		case '>': fl_buf_adds(b, "&gt;"); break;
		case '"': fl_buf_adds(b, "&quot;"); break;
		case '\'': fl_buf_adds(b, "&#39;"); break;
		case '\n': fl_buf_adds(b, "&#10;"); break;
		case '\r': fl_buf_adds(b, "&#13;"); break;
		case '\t': fl_buf_adds(b, "&#9;"); break;
		default: fl_buf_add(b, p, 1);
		}
	}
}

static void hidden(fl_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	fl_buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	add_attr(b, value);
	fl_buf_adds(b, "\">\n");
}

/* The confirmation step: the articles found, each with its button, and
 * the form again as hidden fields with confirmed=1. */
static int confirm(struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	const struct fl_portal_request *q = &c->req;
	const struct fl_portal_words *pw = fl_portal_words(q->lang);
	const struct fl_deflect_words *w = fl_deflect_words(q->lang);
	char shown[FL_DEFLECT_SHOWN_MAX * 24] = "", id[24];
	size_t k = 0;
	fl_buf b;

	form_answer(r);
	for (size_t i = 0; i < c->nsugg; i++)
		k += (size_t)snprintf(shown + k, sizeof shown - k, "%s%lld", i ? "," : "",
				      (long long)c->sugg[i].article_id);
	fl_buf_init(&b, 1u << 20);
	page_head(&b, q->lang, w->title);
	fl_buf_adds(&b, "<p>");
	fl_buf_add_html(&b, w->lede, strlen(w->lede));
	fl_buf_addf(&b, "</p>\n<p>%s: <strong data-test=\"confirm-subject\">", pw->subject);
	fl_buf_add_html(&b, q->subject, strlen(q->subject));
	fl_buf_adds(&b, "</strong></p>\n<ul class=\"p-suggest\" data-test=\"suggestions\">\n");
	for (size_t i = 0; i < c->nsugg; i++) {
		const struct fl_deflect_suggestion *s = &c->sugg[i];
		fl_buf_addf(&b, "<li data-test=\"suggestion\"><a href=\"/hc/%s/articles/%lld-",
			    q->lang, (long long)s->article_id);
		for (const unsigned char *p = (const unsigned char *)s->slug; p && *p; p++)
			if (*p < 0x80)
				fl_buf_add(&b, (const char *)p, 1);
			else
				fl_buf_addf(&b, "%%%02X", *p);
		fl_buf_adds(&b, "\">");
		fl_buf_add_html(&b, s->title, strlen(s->title));
		fl_buf_adds(&b, "</a>\n");
		if (s->snippet && *s->snippet)
			fl_buf_addf(&b, "<p class=\"p-snippet\">%s</p>\n", s->snippet);
		fl_buf_adds(&b, "<form method=\"post\" action=\"/portal/deflections\">\n");
		snprintf(id, sizeof id, "%lld", (long long)s->article_id);
		hidden(&b, "article_id", id);
		hidden(&b, "locale", q->lang);
		hidden(&b, "query", c->query);
		hidden(&b, "shown", shown);
		hidden(&b, "token", c->token);
		fl_buf_adds(&b, "<button type=\"submit\" data-test=\"solved\">");
		fl_buf_add_html(&b, w->solved, strlen(w->solved));
		fl_buf_adds(&b, "</button>\n</form>\n</li>\n");
	}
	fl_buf_adds(&b,
		    "</ul>\n<form method=\"post\" action=\"/portal/requests\" "
		    "data-test=\"send-anyway\">\n");
	hidden(&b, "name", q->name);
	hidden(&b, "email", q->email);
	hidden(&b, "subject", q->subject);
	hidden(&b, "description", q->description);
	hidden(&b, "locale", q->lang);
	hidden(&b, "suggested", shown);
	hidden(&b, "suggested_token", c->token);
	hidden(&b, "confirmed", "1");
	fl_buf_adds(&b, "<p>");
	fl_buf_add_html(&b, w->send_hint, strlen(w->send_hint));
	fl_buf_adds(&b, "</p>\n<button type=\"submit\" data-test=\"send\">");
	fl_buf_add_html(&b, w->send, strlen(w->send));
	fl_buf_adds(&b, "</button>\n</form>\n");
	return page_end(r, 200, &b);
}

/* The ticket, and when suggestions had been shown, the "submitted"
 * deflection with it. The decision is counted only when the form carries
 * the suggestions' token (signed, recent, not used: kb/deflect.h); a
 * request is never refused over it — it is sent, and not counted. */
static int tx_submit(fl_tx *tx, struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	struct fl_deflection *d = &c->suggested;
	int rc = fl_portal_submit(tx, &c->req, &r->arena, &c->res, &r->err);

	if (rc || !d->nshown)
		return rc;
	d->locale = c->req.lang;
	d->query = c->query;
	d->outcome = FL_DEFLECT_SUBMITTED;
	d->channel = c->json ? FL_DEFLECT_JS : FL_DEFLECT_NOJS;
	d->ticket_id = c->res.ticket_id;
	rc = fl_deflect_record(tx, d, fl_now(), &r->arena, &r->err);
	if (rc == FL_EINVAL) {
		r->err = (struct fl_err){0};
		rc = 0;
	}
	return rc;
}

/* Whether the address may ask (its user is not deactivated or
 * suspended), and for a robot, the newest ticket's number. */
static int tx_check(fl_tx *tx, struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	struct fl_user u;
	struct fl_sender from = fl_portal_sender(&c->req);
	int rc = fl_intake_customer(tx, &from, "email", c->req.lang, 0, &r->arena, &u, &r->err);

	if (rc == FL_EINVAL)
		fl_portal_problem_add(&c->req, "email", FL_PP_EMAIL_REFUSED);
	if (rc == FL_EINVAL || rc == FL_ENOTFOUND)
		rc = 0;
	if (!rc && c->req.honeypot)
		rc = fl_store_ticket_last_id(tx, &c->last_id);
	if (!rc && c->confirmable && !c->req.nproblems && !c->req.honeypot)
		rc = fl_deflect_suggest(tx, c->query, c->req.lang, &r->arena, &c->sugg, &c->nsugg);
	if (!rc && c->nsugg) {
		int64_t ids[FL_DEFLECT_SHOWN_MAX];
		for (size_t i = 0; i < c->nsugg; i++)
			ids[i] = c->sugg[i].article_id;
		rc = fl_deflect_token(tx, c->req.lang, ids, c->nsugg, fl_now(), &r->arena,
				      &c->token);
	}
	return rc;
}

static int checked(struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	int rc;

	r->err = (struct fl_err){0};
	if (c->req.nproblems)
		return problems(r, FL_EINVAL);
	if (c->req.honeypot) {
		/* a robot: it is told what a person would be, and nothing is made */
		fl_log("info", "portal: a form from %s filled in the hidden field; nothing made",
		       fl_req_peer(r));
		c->res = (struct fl_portal_result){c->last_id + 1, 0, FL_STATUS_NEW};
		return received(r);
	}
	if (c->nsugg)
		return confirm(r);
	if (c->confirmable) {
		/* nothing to suggest: a submission like any other, counted as one */
		int64_t wait;
		if (over_limit_retry(r, &form_limit, &wait))
			return busy(r, wait);
	}
	if ((rc = fl_portal_files_prepare(r->store, &c->req, &r->err)))
		return rc;
	return fl_req_write(r, tx_submit, received);
}

static int h_request(struct fl_req *r)
{
	struct form_ctx *c = r->ctx;
	const char *accept = fl_req_header_in(r, "Accept");
	const char *languages = fl_req_header_in(r, "Accept-Language");
	struct fl_form_limits lim = {FL_PORTAL_MAX_PARTS, FL_PORTAL_VALUE_MAX,
				     r->config->attachment_limit};
	const char *body;
	int64_t wait;
	size_t n;
	int rc;

	c->json = accept && strcasestr(accept, "application/json");
	c->req.lang = fl_portal_lang(NULL, languages); /* until the form says */
	body = fl_req_body(r, &n);
	rc = fl_form_parse(fl_req_header_in(r, "Content-Type"), body, n, &lim, &r->arena, &c->form,
			   &r->err);
	if (rc == FL_ENOMEM || rc == FL_EIO)
		return rc;
	if (rc) {
		if (over_limit_retry(r, &form_limit, &wait))
			return busy(r, wait);
		return unreadable(r, rc);
	}
	if ((rc = fl_portal_request_read(&c->form, languages, &r->arena, &c->req)))
		return rc;
	read_self_service(c);
	/* past the confirmation steps' own limit (an office behind one
	 * address), the form is sent as it is, a submission like any other:
	 * suggestions are a help, never what stops a request */
	if (c->confirmable && !over_limit(r, &confirm_limit, &wait))
		c->step_counted = 1;
	else if (c->confirmable)
		c->confirmable = 0;
	if (!c->step_counted && over_limit_retry(r, &form_limit, &wait))
		return busy(r, wait);
	if (c->req.nproblems)
		return problems(r, FL_EINVAL);
	if (!(c->query = fl_deflect_query(c->req.subject, c->req.description, &r->arena)))
		return FL_ENOMEM;
	return fl_req_read(r, tx_check, checked);
}

/* sign-in links */

struct link_ctx {
	char *email;
	const char *locale;
	int has_email, has_locale;
	char token[FL_MAGIC_TOKEN_LEN + 1];
	int made;
	int relay, demo; /* how the link goes: the answer says */
};

static const struct fl_field link_fields[] = {
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, offsetof(struct link_ctx, email),
	 offsetof(struct link_ctx, has_email), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 1, NULL, offsetof(struct link_ctx, locale),
	 offsetof(struct link_ctx, has_locale), 0, 0},
	FL_FIELDS_END,
};

/* Whether mail leaves, and whether this is the demo desk: what the
 * answer tells the customer, the same for every address. */
static int tx_delivery(fl_tx *tx, struct fl_req *r)
{
	struct link_ctx *c = r->ctx;
	char *loaded = NULL;
	int rc = fl_mail_relay(tx, &c->relay);

	if (!rc && !(rc = fl_store_setting_get(tx, "demo_loaded", &r->arena, &loaded)))
		c->demo = 1;
	return rc == FL_ENOTFOUND ? 0 : rc;
}

static int tx_link(fl_tx *tx, struct fl_req *r)
{
	struct link_ctx *c = r->ctx;
	int rc = fl_magic_link_create(tx, c->email, c->token, c->locale, &r->arena, &c->made);
	return rc ? rc : tx_delivery(tx, r);
}

/* The same answer whether a link was made or not. */
static int render_accepted(struct fl_req *r)
{
	struct link_ctx *c = r->ctx;
	json_t *o = json_pack("{s:s}", "delivery", c->relay ? "mail" : "outbox");

	if (c->demo)
		json_object_set_new(o, "demo", json_true());
	return fl_req_reply(r, 202, o);
}

static int h_magic_link(struct fl_req *r)
{
	struct link_ctx *c = r->ctx;
	int64_t wait;
	int rc;

	if (over_limit_retry(r, &link_limit, &wait))
		return fl_req_fail(
			r, FL_ERATE, NULL, NULL,
			"Too many sign-in links asked from your address; retry in %lld seconds",
			(long long)wait);
	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest", "send {\"email\": …}");
	if ((rc = fl_input_decode(r->body, link_fields, c, &r->arena, &r->err)))
		return rc;
	if (!c->email)
		return fl_req_fail(r, FL_EINVAL, "email", "Blank", "Email: cannot be blank");
	if (fl_limiter_take(&address_limit, c->email, fl_now(), &wait))
		return fl_req_read(r, tx_delivery, render_accepted);
	fl_magic_token_new(c->token);
	return fl_req_write(r, tx_link, render_accepted);
}

struct magic_ctx {
	const char *token;
	int remember;
	int has_token, has_remember;
	struct fl_user user;
	char secret[FL_SECRET_LEN + 1];
	char csrf[FL_CSRF_LEN + 1];
};

static const struct fl_field magic_fields[] = {
	{"token", FL_FT_STRING, 128, 0, 0, NULL, offsetof(struct magic_ctx, token),
	 offsetof(struct magic_ctx, has_token), 0, 0},
	{"remember", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct magic_ctx, remember),
	 offsetof(struct magic_ctx, has_remember), 0, 0},
	FL_FIELDS_END,
};

/* The link is taken and the session opened in one transaction: a link
 * that opened no session is not used up. */
static int tx_magic(fl_tx *tx, struct fl_req *r)
{
	struct magic_ctx *c = r->ctx;
	int rc = fl_magic_link_redeem(tx, c->token, &r->arena, &c->user, &r->err);
	return rc ? rc : fl_session_open(tx, &c->user, c->remember, c->secret, c->csrf);
}

static int render_magic(struct fl_req *r)
{
	struct magic_ctx *c = r->ctx;
	return fl_session_answer(r, &c->user, c->remember, c->secret, c->csrf);
}

static int h_magic(struct fl_req *r)
{
	struct magic_ctx *c = r->ctx;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"token\": …, \"remember\": …}");
	if ((rc = fl_input_decode(r->body, magic_fields, c, &r->arena, &r->err)))
		return rc;
	if (!c->token || !*c->token)
		return fl_req_fail(r, FL_EINVAL, "token", "Blank", "Token: cannot be blank");
	return fl_req_write(r, tx_magic, render_magic);
}

const struct fl_route fl_portal_routes[] = {
	{"POST", "/portal/requests", h_request, FL_ROLE_ANONYMOUS, 0, sizeof(struct form_ctx),
	 FL_ROUTE_FORM_BODY},
	{"POST", "/api/v2/portal/magic_link", h_magic_link, FL_ROLE_ANONYMOUS, 4096,
	 sizeof(struct link_ctx)},
	{"POST", "/api/v2/auth/magic", h_magic, FL_ROLE_ANONYMOUS, 4096, sizeof(struct magic_ctx)},
	{0},
};
