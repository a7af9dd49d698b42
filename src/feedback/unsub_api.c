/* The unsubscribe page (feedback/unsub.h):
 *   GET  /unsubscribe/{token}  the page, with one button; changes nothing
 *   POST /unsubscribe/{token}  unsubscribes: the button, or a mail
 *                              client's one-click (RFC 8058)
 * Server-rendered HTML in the person's language, no script. A link the
 * desk did not sign is a 400 page saying so. */
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "feedback/nps_page.h"
#include "feedback/unsub.h"
#include "http/http.h"
#include "portal/link.h"
#include "portal/portal.h"

struct unsub_ctx {
	const char *token;
	char *locale;
	int64_t user_id;
	int bad, gone, done;
};

/* The token of the path, or NULL when it cannot be one. */
static const char *path_token(struct fl_req *r)
{
	const char *t = r->url + strlen(FL_UNSUB_PATH);
	size_t n = strlen(t);

	if (!n || n > FL_LINK_TOKEN_MAX || strspn(t, "0123456789abcdef-") != n)
		return NULL;
	return t;
}

static int answer(struct fl_req *r, int status, fl_buf *b)
{
	char *copy;

	if (!b->p || !(copy = fl_arena_strndup(&r->arena, b->p, b->n))) {
		fl_buf_free(b);
		return FL_ENOMEM;
	}
	r->raw = copy;
	r->raw_len = b->n;
	fl_buf_free(b);
	r->status = status;
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Content-Security-Policy", fl_fb_page_csp);
	fl_req_header(r, "Cache-Control", "no-store");
	fl_req_header(r, "Referrer-Policy", "no-referrer");
	return 0;
}

static int render_page(struct fl_req *r)
{
	struct unsub_ctx *c = r->ctx;
	const char *lang = fl_portal_lang(c->locale, fl_req_header_in(r, "Accept-Language"));
	const struct fl_unsub_words *w = fl_unsub_words(lang);
	fl_buf b;
	int rc;

	fl_buf_init(&b, 1u << 16);
	rc = fl_fb_page_start(&b, lang, w->title);
	if (!rc && (c->bad || c->gone))
		rc = fl_fb_page_p(&b, w->bad_link);
	else if (!rc && c->done)
		rc = fl_fb_page_p(&b, w->done);
	else if (!rc) {
		rc = fl_fb_page_p(&b, w->ask);
		if (!rc)
			rc = fl_buf_addf(&b, "<form method=\"post\" action=\"%s%s\">\n",
					 FL_UNSUB_PATH, c->token);
		if (!rc)
			rc = fl_buf_adds(&b,
					 "<input type=\"hidden\" name=\"List-Unsubscribe\" "
					 "value=\"One-Click\">\n<button type=\"submit\">");
		if (!rc)
			rc = fl_buf_add_html(&b, w->button, strlen(w->button));
		if (!rc)
			rc = fl_buf_adds(&b, "</button>\n</form>\n");
	}
	if (!rc)
		rc = fl_fb_page_end(&b);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return answer(r, c->bad || c->gone ? 400 : 200, &b);
}

static int tx_read(fl_tx *tx, struct fl_req *r)
{
	struct unsub_ctx *c = r->ctx;
	struct fl_err e = {0};
	int rc = fl_unsub_read(tx, c->token, &r->arena, &c->user_id, &c->locale, &e);

	c->bad = rc == FL_EINVAL;
	c->gone = rc == FL_ENOTFOUND;
	return c->bad || c->gone ? 0 : rc;
}

static int tx_confirm(fl_tx *tx, struct fl_req *r)
{
	struct unsub_ctx *c = r->ctx;
	struct fl_err e = {0};
	int rc = fl_unsub_confirm(tx, c->token, fl_now(), &r->arena, &c->locale, &e);

	c->bad = rc == FL_EINVAL;
	c->gone = rc == FL_ENOTFOUND;
	c->done = !rc;
	return c->bad || c->gone ? 0 : rc;
}

static int h_page(struct fl_req *r)
{
	struct unsub_ctx *c = r->ctx;

	if (!(c->token = path_token(r))) {
		c->bad = 1;
		return render_page(r);
	}
	return fl_req_read(r, tx_read, render_page);
}

static int h_confirm(struct fl_req *r)
{
	struct unsub_ctx *c = r->ctx;

	if (!(c->token = path_token(r))) {
		c->bad = 1;
		return render_page(r);
	}
	return fl_req_write(r, tx_confirm, render_page);
}

const struct fl_route fl_unsub_routes[] = {
	{"GET", "/unsubscribe/{*}", h_page, FL_ROLE_ANONYMOUS, 0, sizeof(struct unsub_ctx)},
	{"POST", "/unsubscribe/{*}", h_confirm, FL_ROLE_ANONYMOUS, 4096, sizeof(struct unsub_ctx),
	 FL_ROUTE_FORM_BODY},
	{0},
};
