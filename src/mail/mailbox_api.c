/* /api/v2/mail/mailboxes: the IMAP mailboxes Frontline polls (admins).
 *   POST {"mailbox": {"url", "username", "password", "folder", "move_to",
 *         "starttls"}}   201; tickets are written under the caller's name
 *   GET                 the list, with last_polled_at and last_error, no passwords
 *   DELETE /{id}        204 */
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "store/mail.h"
#include "store/store.h"

struct ctx {
	struct fl_mailbox mb;
	struct fl_mailbox *list;
	size_t n;
	int has_url, has_user, has_password, has_folder, has_move, has_tls;
};

#define F(x) offsetof(struct ctx, x)
static const struct fl_field fields[] = {
	{"url", FL_FT_STRING, 500, 0, 0, NULL, F(mb.url), F(has_url), 0, 0},
	{"username", FL_FT_STRING, 255, 0, 0, NULL, F(mb.username), F(has_user), 0, 0},
	{"password", FL_FT_STRING, 255, 0, 0, NULL, F(mb.password), F(has_password), 0, 0},
	{"folder", FL_FT_STRING, 255, 0, 0, NULL, F(mb.folder), F(has_folder), 0, 0},
	{"move_to", FL_FT_STRING, 255, 0, 1, NULL, F(mb.move_to), F(has_move), 0, 0},
	{"starttls", FL_FT_BOOL, 0, 0, 0, NULL, F(mb.starttls), F(has_tls), 0, 0},
	FL_FIELDS_END,
};

static json_t *mailbox_json(const struct fl_mailbox *m)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:I, s:o, s:o, s:o}", "id",
			 (json_int_t)m->id, "url", m->url, "username", m->username, "folder",
			 m->folder, "move_to", fl_json_str(m->move_to), "starttls", m->starttls,
			 "active", m->active, "owner_id", (json_int_t)m->owner_id, "last_polled_at",
			 fl_json_time(m->last_polled_at), "last_error", fl_json_str(m->last_error),
			 "created_at", fl_json_time(m->created_at));
}

static int tx_add(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_mailbox_insert(tx, &c->mb);
}

static int render_one(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->mb.active = 1;
	return fl_req_reply(r, 201, json_pack("{s:o}", "mailbox", mailbox_json(&c->mb)));
}

static int h_add(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "mailbox") : NULL;
	int rc;

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EINVAL, "mailbox", "InvalidType",
				   "mailbox: must be an object");
	if ((rc = fl_input_decode(in, fields, c, &r->arena, &r->err)))
		return rc;
	if (!c->has_url ||
	    (strncmp(c->mb.url, "imap://", 7) && strncmp(c->mb.url, "imaps://", 8)) ||
	    strchr(c->mb.url + 8, '/'))
		return fl_req_fail(r, FL_EINVAL, "url", "InvalidValue",
				   "url: must be imap://HOST:PORT or imaps://HOST:PORT");
	if (!c->has_user || !c->has_password)
		return fl_req_fail(r, FL_EINVAL, c->has_user ? "password" : "username", "Blank",
				   "username and password are required");
	if (!c->has_folder)
		c->mb.folder = "INBOX";
	c->mb.owner_id = r->actor.id;
	c->mb.created_at = c->mb.updated_at = fl_now();
	return fl_req_write(r, tx_add, render_one);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_mailbox_list(tx, 0, &r->arena, &c->list, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, mailbox_json(&c->list[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "mailboxes", list));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_store_mailbox_delete(tx, r->id[0]);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

const struct fl_route fl_mailbox_routes[] = {
	{"GET", "/api/v2/mail/mailboxes", h_list, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/mail/mailboxes", h_add, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/mail/mailboxes/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
