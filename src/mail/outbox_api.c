/* The local outbox (mail/outbound.h), admins only, in Zendesk's
 * conventions for a resource Zendesk does not have:
 *   GET /api/v2/outbox           newest first, in cursor pages (page[size]
 *                                up to 100, page[after]):
 *     200 {"outbox_mails": [{"id", "to", "subject", "kind", "state",
 *          "ticket_id", "created_at"}], "meta", "links"}
 *   GET /api/v2/outbox/{id}      one message as its reader would see it:
 *     200 {"outbox_mail": {… the above, "message_id", "from", "from_name",
 *          "error", "updated_at", "text", "html"}}, html sanitized
 *          (core/html.h; null when there is none or it is over 1 MiB)
 *   GET /api/v2/outbox/{id}/raw  the message as it was written (RFC 5322),
 *                                as text/plain, never as a page of ours
 * kind is the mail-send job's (ack, reply, solved, signin, message); state kept (no
 * relay: not sent), sent or failed (error: the relay's answer). */
#include <string.h>

#include "core/html.h"
#include "http/http.h"
#include "store/outbox.h"

/* "a@x, b@y" as ["a@x", "b@y"]. */
static json_t *addresses(const char *z)
{
	json_t *a = json_array();

	while (z && *z) {
		size_t n = strcspn(z, ",");
		json_array_append_new(a, json_stringn(z, n));
		z += n;
		z += strspn(z, ", ");
	}
	return a;
}

static json_t *mail_json(const struct fl_outbox_mail *m)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)m->id, "to",
			 addresses(m->recipients), "subject", m->subject, "kind", m->kind, "state",
			 m->state, "ticket_id", fl_json_id(m->ticket_id), "created_at",
			 fl_json_time(m->created_at));
}

struct list {
	struct fl_req_page pg;
	struct fl_outbox_mail *rows;
	size_t n;
};

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct list *c = r->ctx;
	return fl_store_outbox_list(tx, c->pg.has_after ? c->pg.after_id : 0, c->pg.per_page + 1,
				    &r->arena, &c->rows, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct list *c = r->ctx;
	json_t *a = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	int64_t last = n ? c->rows[n - 1].id : 0;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, mail_json(&c->rows[i]));
	o = json_pack("{s:o}", "outbox_mails", a);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, 0, last, last);
	return fl_req_reply(r, 200, o);
}

static int h_list(struct fl_req *r)
{
	struct list *c = r->ctx;
	int rc = fl_req_paging(r, &c->pg);

	if (rc)
		return rc;
	c->pg.cursor = 1; /* cursor pages only */
	return fl_req_read(r, tx_list, render_list);
}

static int tx_get(fl_tx *tx, struct fl_req *r)
{
	return fl_store_outbox_get(tx, r->id[0], &r->arena, r->ctx);
}

static int render_mail(struct fl_req *r)
{
	const struct fl_outbox_mail *m = r->ctx;
	json_t *o = mail_json(m);
	const char *html = m->html_body ? fl_html_sanitize(m->html_body, &r->arena) : NULL;

	json_object_set_new(o, "message_id", json_string(m->message_id));
	json_object_set_new(o, "from", json_string(m->sender));
	json_object_set_new(o, "from_name", fl_json_str(m->sender_name));
	json_object_set_new(o, "error", fl_json_str(m->error));
	json_object_set_new(o, "updated_at", fl_json_time(m->updated_at));
	json_object_set_new(o, "text", json_string(m->text_body));
	json_object_set_new(o, "html", fl_json_str(html));
	return fl_req_reply(r, 200, json_pack("{s:o}", "outbox_mail", o));
}

static int h_get(struct fl_req *r)
{
	return fl_req_read(r, tx_get, render_mail);
}

/* text/plain, whatever the message holds: a browser that opens it shows
 * the text and runs nothing (nosniff is on every answer; the policy keeps
 * it inert even where a browser would guess). */
static int render_raw(struct fl_req *r)
{
	const struct fl_outbox_mail *m = r->ctx;

	r->raw = m->raw;
	r->raw_len = strlen(m->raw);
	r->raw_type = "text/plain; charset=utf-8";
	r->status = 200;
	return fl_req_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
}

static int h_raw(struct fl_req *r)
{
	return fl_req_read(r, tx_get, render_raw);
}

const struct fl_route fl_outbox_routes[] = {
	{"GET", "/api/v2/outbox", h_list, FL_ROLE_ADMIN, 0, sizeof(struct list)},
	{"GET", "/api/v2/outbox/{id}", h_get, FL_ROLE_ADMIN, 0, sizeof(struct fl_outbox_mail)},
	{"GET", "/api/v2/outbox/{id}/raw", h_raw, FL_ROLE_ADMIN, 0, sizeof(struct fl_outbox_mail)},
	{0},
};
