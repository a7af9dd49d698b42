/* POST /api/v2/mail/inbound: one RFC 5322 message as the body (what
 * `frontline mailgate` sends for an MTA), made a ticket or a comment
 * (mail/inbound.h), a new ticket in the group named by ?queue=NAME when
 * there is one. Admins only: it is an integration's endpoint.
 *   201 {"ticket_id", "created": true, …}   a new ticket
 *   200 {"ticket_id", "created": false, "duplicate": …, "suspicious": …,
 *        "quarantined": …}   a comment, a redelivery, a bounce, or mail
 *        from our own address kept in quarantine (ticket_id 0)
 *   422 what is not a message (no From address, garbage, over 1,000 MIME
 *       parts), 413 too large
 *   503 the parser's child process failed (crashed, over a limit): the
 *       gate's EX_TEMPFAIL, and the MTA tries again later */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "http/http.h"
#include "mail/deliver.h"
#include "store/mail.h"
#include "store/settings.h"

static int tx_inbound(fl_tx *tx, struct fl_req *r)
{
	return fl_delivery_tx(tx, r->ctx);
}

static int render(struct fl_req *r)
{
	struct fl_delivery *d = r->ctx;
	return fl_req_reply(r, d->res.created ? 201 : 200,
			    json_pack("{s:I, s:I, s:b, s:b, s:b, s:b}", "ticket_id",
				      (json_int_t)d->res.ticket_id, "requester_id",
				      (json_int_t)d->res.requester_id, "created", d->res.created,
				      "duplicate", d->res.duplicate, "suspicious",
				      d->res.suspicious, "quarantined", d->res.quarantined));
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
			fl_log("warn", "mail inbound: %s (503, the sender tries again)",
			       r->err.msg);
		return rc;
	}
	return fl_req_write(r, tx_inbound, render);
}

/* The relay and the address mail goes out from, the name of our receiving
 * host in Authentication-Results (mail/authres.h) and how many automatic
 * mails an address gets in 24 hours (mail/outbound.h): settings every node
 * reads. */
enum { S_URL, S_USER, S_PASSWORD, S_FROM, S_FROM_NAME, S_STARTTLS, S_AUTHSERV_ID, S_AUTO_LIMIT };
static const char *const setting_keys[] = {"smtp_url",     "smtp_user",           "smtp_password",
					   "from_address", "from_name",           "starttls",
					   "authserv_id",  "automatic_mail_limit"};
static const char *const setting_names[] = {"mail.smtp_url",      "mail.smtp_user",
					    "mail.smtp_password", "mail.from",
					    "mail.from_name",     "mail.starttls",
					    "mail.authserv_id",   "mail.auto_limit"};
#define NSETTINGS (sizeof setting_keys / sizeof *setting_keys)
#define AUTO_LIMIT_DEFAULT 3 /* as mail/outbound.c counts with none set */
#define AUTO_LIMIT_MAX 1000

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
		int64_t limit = AUTO_LIMIT_DEFAULT;
		if (i == S_PASSWORD) /* the password is never shown */
			json_object_set_new(o, "has_smtp_password",
					    json_boolean(st->v[i] && *st->v[i]));
		else if (i == S_STARTTLS)
			json_object_set_new(o, "starttls",
					    json_boolean(st->v[i] && !strcmp(st->v[i], "1")));
		else if (i == S_AUTO_LIMIT)
			json_object_set_new(
				o, setting_keys[i],
				json_integer(st->v[i] && !fl_str_to_i64(fl_str_c(st->v[i]), &limit)
						     ? limit
						     : AUTO_LIMIT_DEFAULT));
		else
			json_object_set_new(o, setting_keys[i],
					    st->v[i] ? json_string(st->v[i]) : json_null());
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

/* Whether z can name a host in Authentication-Results: a token of
 * letters, digits, ".", "-" and "_" (what RFC 8601 §2.5 expects, a domain
 * name), or "" for none. */
static int authserv_id_ok(const char *z)
{
	for (; *z; z++)
		if (!((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') ||
		      (*z >= '0' && *z <= '9') || *z == '.' || *z == '-' || *z == '_'))
			return 0;
	return 1;
}

/* PUT /api/v2/mail/settings {"mail_settings": {"smtp_url": "smtp://HOST:PORT",
 * "smtp_user", "smtp_password", "from_address", "from_name", "starttls",
 * "authserv_id", "automatic_mail_limit"}}: what is given changes;
 * "smtp_url": "" turns outgoing mail off, "authserv_id": "" trusts no
 * Authentication-Results. */
static int h_settings_set(struct fl_req *r)
{
	struct settings *st = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "mail_settings") : NULL;
	char from[256];

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EINVAL, "mail_settings", "InvalidType",
				   "mail_settings: must be an object");
	for (size_t i = 0; i < NSETTINGS; i++) {
		json_t *v = json_object_get(in, setting_keys[i]);
		if (!v)
			continue;
		st->given[i] = 1;
		if (i == S_AUTO_LIMIT) {
			char buf[24];
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > AUTO_LIMIT_MAX)
				return fl_req_fail(r, FL_EINVAL, setting_keys[i], "InvalidValue",
						   "%s: must be a whole number from 0 to %d",
						   setting_keys[i], AUTO_LIMIT_MAX);
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			st->v[i] = fl_arena_strdup(&r->arena, buf);
			continue;
		}
		if (i == S_STARTTLS) {
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
		if (!st->v[i])
			return FL_ENOMEM;
	}
	if (st->given[S_URL] && *st->v[S_URL] && strncmp(st->v[S_URL], "smtp://", 7) &&
	    strncmp(st->v[S_URL], "smtps://", 8))
		return fl_req_fail(r, FL_EINVAL, "smtp_url", "InvalidValue",
				   "smtp_url: must be smtp://HOST:PORT or smtps://HOST:PORT");
	/* the address goes into MAIL FROM: an addr-spec and nothing else */
	if (st->given[S_FROM] &&
	    (strlen(st->v[S_FROM]) >= sizeof from ||
	     (snprintf(from, sizeof from, "%s", st->v[S_FROM]), fl_email_normalize(from)) ||
	     !(st->v[S_FROM] = fl_arena_strdup(&r->arena, from))))
		return fl_req_fail(r, FL_EINVAL, "from_address", "InvalidValue",
				   "from_address: must be an e-mail address");
	if (st->given[S_AUTHSERV_ID] && !authserv_id_ok(st->v[S_AUTHSERV_ID]))
		return fl_req_fail(r, FL_EINVAL, "authserv_id", "InvalidValue",
				   "authserv_id: must be the host name our mail server writes in "
				   "Authentication-Results");
	return fl_req_write(r, tx_settings_set, render_settings);
}

/* GET /api/v2/mail/quarantine: mail kept out of the tickets (From one of
 * our own addresses: mail/inbound.h), newest first, in cursor pages
 * (page[size] up to 100, page[after]) as Zendesk's newer lists are.
 *   200 {"quarantined_mails": [{"id", "message_id", "from", "subject",
 *        "body", "reason", "created_at"}], "meta", "links"} */
struct quarantine {
	struct fl_req_page pg;
	struct fl_quarantine *list;
	size_t n;
};

static int tx_quarantine(fl_tx *tx, struct fl_req *r)
{
	struct quarantine *c = r->ctx;
	return fl_store_quarantine_list(tx, c->pg.has_after ? c->pg.after_id : 0,
					c->pg.per_page + 1, &r->arena, &c->list, &c->n);
}

static int render_quarantine(struct fl_req *r)
{
	struct quarantine *c = r->ctx;
	json_t *a = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	int64_t last = n ? c->list[n - 1].id : 0;

	for (size_t i = 0; i < n; i++) {
		const struct fl_quarantine *q = &c->list[i];
		json_array_append_new(
			a, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)q->id,
				     "message_id", fl_json_str(q->message_id), "from", q->sender,
				     "subject", q->subject, "body", q->body, "reason", q->reason,
				     "created_at", fl_json_time(q->created_at)));
	}
	o = json_pack("{s:o}", "quarantined_mails", a);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, 0, last, last);
	return fl_req_reply(r, 200, o);
}

static int h_quarantine(struct fl_req *r)
{
	struct quarantine *c = r->ctx;
	int rc = fl_req_paging(r, &c->pg);

	if (rc)
		return rc;
	c->pg.cursor = 1; /* cursor pages only */
	return fl_req_read(r, tx_quarantine, render_quarantine);
}

const struct fl_route fl_mail_routes[] = {
	{"GET", "/api/v2/mail/settings", h_settings_get, FL_ROLE_ADMIN, 0, sizeof(struct settings)},
	{"PUT", "/api/v2/mail/settings", h_settings_set, FL_ROLE_ADMIN, 0, sizeof(struct settings)},
	{"GET", "/api/v2/mail/quarantine", h_quarantine, FL_ROLE_ADMIN, 0,
	 sizeof(struct quarantine)},
	{"POST", "/api/v2/mail/inbound", h_inbound, FL_ROLE_ADMIN, FL_MAIL_MAX_BYTES,
	 sizeof(struct fl_delivery), FL_ROUTE_RAW_BODY},
	{0},
};
