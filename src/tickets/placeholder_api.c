/* POST /api/v2/templates/preview (agents): a template rendered about a
 * ticket, as a macro, trigger or notice would render it
 * (tickets/placeholder.h).
 *   {"template": "…", "ticket_id": 1, "html": false, "locale": "uk"}
 *   → {"rendered": "…"}
 * ticket_id may be left out (the ticket.* names are then empty); locale,
 * the language of status and priority, is the requester's when left out.
 * A template that does not parse or names an unknown placeholder is 422
 * naming "template", with the byte offset; a ticket the agent may not see
 * is 404. Nothing is written. */
#include "core/input.h"
#include "core/template.h"
#include "http/http.h"
#include "store/users.h"
#include "tickets/placeholder.h"

struct ctx {
	const char *tpl, *locale;
	int64_t ticket_id;
	int html;
	int has_tpl, has_ticket, has_html, has_locale;
	char *rendered;
};

static const struct fl_field fields[] = {
	{"template", FL_FT_STRING, FL_TEMPLATE_MAX, 0, 0, NULL, offsetof(struct ctx, tpl),
	 offsetof(struct ctx, has_tpl), 0, 0},
	{"ticket_id", FL_FT_ID, 0, 0, 1, NULL, offsetof(struct ctx, ticket_id),
	 offsetof(struct ctx, has_ticket), 0, 0},
	{"html", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct ctx, html),
	 offsetof(struct ctx, has_html), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 1, NULL, offsetof(struct ctx, locale),
	 offsetof(struct ctx, has_locale), 0, 0},
	FL_FIELDS_END,
};

static int tx_preview(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_ticket t;
	struct fl_user req;
	struct fl_render_ctx rc_ = {NULL, r->actor.id, c->locale};
	int rc;

	if (c->ticket_id) {
		if ((rc = fl_ticket_load(tx, &r->actor, c->ticket_id, &r->arena, &t)))
			return rc == FL_ENOTFOUND
				       ? fl_err_set(&r->err, rc, "ticket_id", "RecordNotFound",
						    "ticket_id: no ticket %lld",
						    (long long)c->ticket_id)
				       : rc;
		rc_.t = &t;
		if (!c->locale && !fl_store_user_get(tx, t.requester_id, &r->arena, &req))
			rc_.lang = req.locale;
	}
	return fl_placeholders_render(tx, c->tpl, &rc_, c->html, &r->arena, &c->rendered, &r->err);
}

static int render(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, json_pack("{s:s}", "rendered", c->rendered));
}

static int h_preview(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	if (!json_is_object(r->body))
		return fl_req_fail(r, FL_EMALFORMED, "template", "InvalidRequest",
				   "the body must be {\"template\": \"…\", \"ticket_id\": …}");
	if ((rc = fl_input_decode(r->body, fields, c, &r->arena, &r->err)))
		return rc;
	if (!c->has_tpl || !c->tpl)
		return fl_req_fail(r, FL_EINVAL, "template", "Blank", "template: cannot be blank");
	/* the grammar and the names, before any transaction */
	if ((rc = fl_placeholders_check(c->tpl, "template", &r->err)))
		return rc;
	return fl_req_read(r, tx_preview, render);
}

const struct fl_route fl_template_routes[] = {
	{"POST", "/api/v2/templates/preview", h_preview, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
