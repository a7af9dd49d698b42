/* /api/v2/auth/session (sign in with e-mail and password, see who is
 * signed in, sign out) and PUT /api/v2/users/{id}/password (change one's
 * own password); and fl_session_open/fl_session_answer, where every way of
 * signing in ends (auth/auth_api.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_api.h"
#include "core/input.h"
#include "core/time.h"
#include "routing/routing.h"
#include "store/users.h"
#include "users/user_api.h"

#define SESSION_TTL (12 * 3600)
#define REMEMBER_TTL (30 * 86400)

struct login_in {
	const char *email, *password;
	int remember;
	int has_email, has_password, has_remember;
};

struct password_in {
	const char *previous, *password;
	int has_previous, has_password;
};

struct ctx {
	struct fl_user user;
	char secret[FL_SECRET_LEN + 1];
	char csrf[FL_CSRF_LEN + 1];
	const char *csrf_out;
	int remember;
	char *hash; /* a new password's hash, made before the write */
	struct login_in login;
	struct password_in pw;
};

/* Hashes a password in the handler, outside any transaction: argon2id takes
 * tens of milliseconds that the writer must not spend. */
static int hash_password(struct fl_req *r, const char *password, char **out)
{
	int rc = fl_password_hash(password, out, &r->err);
	return rc ? rc : fl_arena_on_free(&r->arena, free, *out);
}

/* sessions: sign in with e-mail and password, get a cookie and a CSRF token */

static const struct fl_field login_fields[] = {
	{"email", FL_FT_STRING, 254, 0, 0, NULL, offsetof(struct login_in, email),
	 offsetof(struct login_in, has_email), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, offsetof(struct login_in, password),
	 offsetof(struct login_in, has_password), 0, 0},
	{"remember", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct login_in, remember),
	 offsetof(struct login_in, has_remember), 0, 0},
	FL_FIELDS_END,
};

static int tx_login_check(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct login_in *in = &c->login;
	struct fl_actor a;
	int rc = fl_auth_password_check(tx, in->email, in->password, &r->arena, &a);
	if (rc)
		return rc == FL_EAUTH ? fl_req_fail(r, FL_EAUTH, "password", "InvalidCredentials",
						    "The e-mail or password is wrong")
				      : rc;
	r->actor = a;
	return fl_store_user_get(tx, a.id, &r->arena, &c->user);
}

int fl_session_open(fl_tx *tx, struct fl_user *u, int remember, char secret[FL_SECRET_LEN + 1],
		    char csrf[FL_CSRF_LEN + 1])
{
	int rc = fl_auth_session_create(tx, u->id, remember ? REMEMBER_TTL : SESSION_TTL, secret,
					csrf);
	if (!rc) {
		u->last_login_at = fl_now();
		rc = fl_store_user_touch_login(tx, u->id, u->last_login_at);
	}
	return rc;
}

static json_t *session_json(struct fl_req *r, const struct fl_user *user, const char *csrf)
{
	json_t *u = fl_user_json(r, user);
	json_object_set_new(u, "must_change_password", json_boolean(user->must_change_password));
	return json_pack("{s:o, s:s}", "user", u, "csrf_token", csrf);
}

int fl_session_answer(struct fl_req *r, const struct fl_user *u, int remember, const char *secret,
		      const char *csrf)
{
	char cookie[256], age[32] = "";

	if (remember)
		snprintf(age, sizeof age, "; Max-Age=%d", REMEMBER_TTL);
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
		 fl_req_cookie_name(r), secret, r->config->cookie_secure ? "; Secure" : "", age);
	fl_req_header(r, "Set-Cookie", cookie);
	return fl_req_reply(r, 200, session_json(r, u, csrf));
}

static int tx_session_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_session_open(tx, &c->user, c->remember, c->secret, c->csrf);
	/* an agent who signs in is online (routing/routing.h) */
	return rc ? rc : fl_routing_set_status(tx, c->user.id, FL_AGENT_ONLINE, fl_now());
}

static int render_session(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, session_json(r, &c->user, c->csrf_out ? c->csrf_out : c->csrf));
}

static int render_login(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_session_answer(r, &c->user, c->remember, c->secret, c->csrf);
}

static int login_checked(struct fl_req *r)
{
	return fl_req_write(r, tx_session_create, render_login);
}

static int h_login(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct login_in *in = &c->login;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"email\": …, \"password\": …}");
	if ((rc = fl_input_decode(r->body, login_fields, in, &r->arena, &r->err)))
		return rc;
	if (!in->email || !in->password)
		return fl_req_fail(r, FL_EINVAL, in->email ? "password" : "email", "Blank",
				   "E-mail and password are required");
	c->remember = in->remember;
	if ((rc = fl_req_login_allowed(r)))
		return rc;
	rc = fl_req_read(r, tx_login_check, login_checked);
	if (rc == FL_EAUTH)
		fl_req_login_failed(r);
	return rc;
}

static int tx_session_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *cookie = fl_req_cookie(r);
	struct fl_actor a;
	int rc;
	if (!cookie)
		return fl_req_fail(r, FL_ENOTFOUND, NULL, NULL,
				   "Signed in with credentials, not a session");
	rc = fl_auth_session_check(tx, cookie, &r->arena, &a, &c->csrf_out);
	return rc ? rc : fl_store_user_get(tx, a.id, &r->arena, &c->user);
}

static int h_session_show(struct fl_req *r)
{
	return fl_req_read(r, tx_session_show, render_session);
}

static int tx_logout(fl_tx *tx, struct fl_req *r)
{
	const char *cookie = fl_req_cookie(r);
	int rc = fl_req_credentials_changed(r, tx);
	if (!rc && cookie)
		rc = fl_auth_session_delete(tx, cookie);
	/* … and offline once they sign out */
	return rc ? rc : fl_routing_set_status(tx, r->actor.id, FL_AGENT_OFFLINE, fl_now());
}

static int render_logout(struct fl_req *r)
{
	char cookie[128];

	fl_req_forget_credentials(r);
	snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=0",
		 fl_req_cookie_name(r), r->config->cookie_secure ? "; Secure" : "");
	fl_req_header(r, "Set-Cookie", cookie);
	return fl_req_no_content(r);
}

static int h_logout(struct fl_req *r)
{
	return fl_req_write(r, tx_logout, render_logout);
}

/* password change for oneself */

static const struct fl_field password_fields[] = {
	{"previous_password", FL_FT_STRING, 1024, 0, 0, NULL,
	 offsetof(struct password_in, previous), offsetof(struct password_in, has_previous), 0, 0},
	{"password", FL_FT_STRING, 1024, 0, 0, NULL, offsetof(struct password_in, password),
	 offsetof(struct password_in, has_password), 0, 0},
	FL_FIELDS_END,
};

static int tx_password_check(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_password_change_check(tx, &r->actor, r->id[0], c->pw.previous, &r->arena,
					  &r->err);
	if (rc == FL_EINVAL) /* a wrong guess counts as a failed sign-in */
		fl_req_login_failed(r);
	return rc;
}

static int tx_password_set(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_req_credentials_changed(r, tx);
	return rc ? rc : fl_auth_password_set(tx, r->actor.id, c->hash, 0, fl_req_cookie(r));
}

static int render_password_changed(struct fl_req *r)
{
	fl_req_forget_credentials(r); /* the other sessions just ended */
	return fl_req_no_content(r);
}

static int password_checked(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = hash_password(r, c->pw.password, &c->hash);
	return rc ? rc : fl_req_write(r, tx_password_set, render_password_changed);
}

static int h_password(struct fl_req *r)
{
	struct password_in *in = &((struct ctx *)r->ctx)->pw;
	int rc;

	if (!r->body)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   "send {\"previous_password\": …, \"password\": …}");
	if ((rc = fl_input_decode(r->body, password_fields, in, &r->arena, &r->err)))
		return rc;
	if (!in->password)
		return fl_req_fail(r, FL_EINVAL, "password", "Blank", "Password: cannot be blank");
	if ((rc = fl_req_login_allowed(r)))
		return rc;
	return fl_req_read(r, tx_password_check, password_checked);
}

const struct fl_route fl_session_routes[] = {
	{"POST", "/api/v2/auth/session", h_login, FL_ROLE_ANONYMOUS, 16384, sizeof(struct ctx)},
	{"GET", "/api/v2/auth/session", h_session_show, FL_ROLE_END_USER, 0, sizeof(struct ctx),
	 FL_ROUTE_SELF},
	{"DELETE", "/api/v2/auth/session", h_logout, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/users/{id}/password", h_password, FL_ROLE_END_USER, 0, sizeof(struct ctx),
	 FL_ROUTE_SELF},
	{0},
};
