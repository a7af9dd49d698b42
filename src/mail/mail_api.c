/* POST /api/v2/mail/inbound: one RFC 5322 message as the body (what
 * `frontline mailgate` sends for an MTA), made a ticket or a comment
 * (mail/inbound.h), a new ticket in the group named by ?queue=NAME when
 * there is one. Admins only: it is an integration's endpoint.
 *   201 {"ticket_id", "created": true, …}   a new ticket
 *   200 {"ticket_id", "created": false, "duplicate": …, "suspicious": …}
 *   422 what is not a message (no From address, garbage, over 1,000 MIME
 *       parts), 413 too large
 *   503 the parser's child process failed (crashed, over a limit): the
 *       gate's EX_TEMPFAIL, and the MTA tries again later */
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "http/http.h"
#include "mail/deliver.h"

static int tx_inbound(fl_tx *tx, struct fl_req *r)
{
	return fl_delivery_tx(tx, r->ctx);
}

static int render(struct fl_req *r)
{
	struct fl_delivery *d = r->ctx;
	return fl_req_reply(r, d->res.created ? 201 : 200,
			    json_pack("{s:I, s:I, s:b, s:b, s:b}", "ticket_id",
				      (json_int_t)d->res.ticket_id, "requester_id",
				      (json_int_t)d->res.requester_id, "created", d->res.created,
				      "duplicate", d->res.duplicate, "suspicious", d->res.suspicious));
}

static int h_inbound(struct fl_req *r)
{
	struct fl_delivery *d = r->ctx;
	size_t n;
	const char *raw = fl_req_body(r, &n);
	int rc;

	d->store = r->store;
	d->via = r->actor;
	d->queue = fl_req_arg(r, "queue");
	d->arena = &r->arena;
	d->err = &r->err;
	if ((rc = fl_delivery_prepare(d, raw, n))) {
		if (rc == FL_EBUSY)
			fl_log("warn", "mail inbound: %s (503, the sender tries again)", r->err.msg);
		return rc;
	}
	return fl_req_write(r, tx_inbound, render);
}

/* The relay and the address mail goes out from: settings every node reads. */
static const char *const setting_keys[] = {"smtp_url", "smtp_user", "smtp_password",
					   "from_address", "from_name", "starttls"};
static const char *const setting_names[] = {"mail.smtp_url", "mail.smtp_user",
					    "mail.smtp_password", "mail.from", "mail.from_name",
					    "mail.starttls"};
#define NSETTINGS (sizeof setting_keys / sizeof *setting_keys)

struct settings {
	char *v[NSETTINGS];
	int given[NSETTINGS];
};

static int tx_settings_get(fl_tx *tx, struct fl_req *r)
{
	struct settings *st = r->ctx;
	for (size_t i = 0; i < NSETTINGS; i++) {
		int rc = fl_store_setting_get(tx, setting_names[i], &r->arena, &st->v[i]);
		if (rc && rc != FL_ENOTFOUND)
			return rc;
	}
	return 0;
}

static int render_settings(struct fl_req *r)
{
	struct settings *st = r->ctx;
	json_t *o = json_object();
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (i == 2) /* the password is never shown */
			json_object_set_new(o, "has_smtp_password", json_boolean(st->v[i] && *st->v[i]));
		else if (i == 5)
			json_object_set_new(o, "starttls", json_boolean(st->v[i] && !strcmp(st->v[i], "1")));
		else
			json_object_set_new(o, setting_keys[i], st->v[i] ? json_string(st->v[i]) : json_null());
	}
	return fl_req_reply(r, 200, json_pack("{s:o}", "mail_settings", o));
}

/* GET /api/v2/mail/settings */
static int h_settings_get(struct fl_req *r)
{
	return fl_req_read(r, tx_settings_get, render_settings);
}

static int tx_settings_set(fl_tx *tx, struct fl_req *r)
{
	struct settings *st = r->ctx;
	for (size_t i = 0; i < NSETTINGS; i++) {
		int rc;
		if (st->given[i] && (rc = fl_store_setting_set(tx, setting_names[i], st->v[i])))
			return rc;
	}
	return tx_settings_get(tx, r);
}

/* PUT /api/v2/mail/settings {"mail_settings": {"smtp_url": "smtp://HOST:PORT",
 * "smtp_user", "smtp_password", "from_address", "from_name", "starttls"}}:
 * what is given changes; "smtp_url": "" turns outgoing mail off. */
static int h_settings_set(struct fl_req *r)
{
	struct settings *st = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "mail_settings") : NULL;

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EINVAL, "mail_settings", "InvalidType",
				   "mail_settings: must be an object");
	for (size_t i = 0; i < NSETTINGS; i++) {
		json_t *v = json_object_get(in, setting_keys[i]);
		if (!v)
			continue;
		st->given[i] = 1;
		if (i == 5) {
			if (!json_is_boolean(v))
				return fl_req_fail(r, FL_EINVAL, "starttls", "InvalidType",
						   "starttls: must be true or false");
			st->v[i] = json_is_true(v) ? "1" : "0";
			continue;
		}
		if (!json_is_string(v) || json_string_length(v) > 500 ||
		    !fl_utf8_valid(json_string_value(v), json_string_length(v)))
			return fl_req_fail(r, FL_EINVAL, setting_keys[i], "InvalidValue",
					   "%s: must be text", setting_keys[i]);
		st->v[i] = fl_arena_strdup(&r->arena, json_string_value(v));
	}
	if (st->given[0] && *st->v[0] && strncmp(st->v[0], "smtp://", 7) &&
	    strncmp(st->v[0], "smtps://", 8))
		return fl_req_fail(r, FL_EINVAL, "smtp_url", "InvalidValue",
				   "smtp_url: must be smtp://HOST:PORT or smtps://HOST:PORT");
	if (st->given[3] && (!strchr(st->v[3], '@') || strpbrk(st->v[3], " <>\r\n\"")))
		return fl_req_fail(r, FL_EINVAL, "from_address", "InvalidValue",
				   "from_address: must be an e-mail address");
	return fl_req_write(r, tx_settings_set, render_settings);
}

const struct fl_route fl_mail_routes[] = {
	{"GET", "/api/v2/mail/settings", h_settings_get, FL_ROLE_ADMIN, 0, sizeof(struct settings)},
	{"PUT", "/api/v2/mail/settings", h_settings_set, FL_ROLE_ADMIN, 0, sizeof(struct settings)},
	{"POST", "/api/v2/mail/inbound", h_inbound, FL_ROLE_ADMIN, FL_MAIL_MAX_BYTES,
	 sizeof(struct fl_delivery), FL_ROUTE_RAW_BODY},
	{0},
};
