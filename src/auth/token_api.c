/* /api/v2/api_tokens: an agent's API tokens, made, listed and revoked
 * (auth/auth.h keeps only their hashes). */
#include <string.h>

#include "auth/auth.h"
#include "core/str.h"
#include "http/http.h"
#include "store/users.h"

struct ctx {
	const char *description;
	char secret[FL_SECRET_LEN + 1];
	struct fl_token_info *tokens;
	size_t n;
};

static int tx_token_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_auth_token_create(tx, r->actor.id, c->description, c->secret);
}

static int render_token(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:s, s:s, s:I}}", "api_token", "token", c->secret,
				      "description", c->description ? c->description : "",
				      "user_id", (json_int_t)r->actor.id));
}

static int h_token_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *t = r->body ? json_object_get(r->body, "api_token") : NULL;
	const char *d = json_string_value(json_object_get(t, "description"));
	if (d && fl_utf8_len(d, strlen(d)) > 255)
		return fl_req_fail(r, FL_EINVAL, "description", "TooLong",
				   "description: is too long (maximum is 255 characters)");
	c->description = d ? fl_arena_strdup(&r->arena, d) : NULL;
	return fl_req_write(r, tx_token_create, render_token);
}

/* Admins see and revoke everyone's tokens; agents their own. The token
 * itself is never shown again: only its id, owner and description. */
static int64_t token_owner_scope(struct fl_req *r)
{
	return r->actor.role == FL_ROLE_ADMIN ? 0 : r->actor.id;
}

static int tx_token_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_token_list(tx, token_owner_scope(r), &r->arena, &c->tokens, &c->n);
}

static int render_token_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(
			list, json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)c->tokens[i].id,
					"user_id", (json_int_t)c->tokens[i].user_id, "description",
					c->tokens[i].description ? c->tokens[i].description : "",
					"created_at", fl_json_time(c->tokens[i].created_at)));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "api_tokens", list, "count", (json_int_t)c->n));
}

static int h_token_list(struct fl_req *r)
{
	return fl_req_read(r, tx_token_list, render_token_list);
}

static int tx_token_delete(fl_tx *tx, struct fl_req *r)
{
	int rc = fl_req_credentials_changed(r, tx);
	return rc ? rc : fl_store_token_delete(tx, r->id[0], token_owner_scope(r));
}

static int render_token_deleted(struct fl_req *r)
{
	fl_req_forget_credentials(r); /* the revoked token stops working now */
	return fl_req_no_content(r);
}

static int h_token_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_token_delete, render_token_deleted);
}

const struct fl_route fl_token_routes[] = {
	{"POST", "/api/v2/api_tokens", h_token_create, FL_ROLE_AGENT, 16384, sizeof(struct ctx)},
	{"GET", "/api/v2/api_tokens", h_token_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/api_tokens/{id}", h_token_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
