/* /api/v2/webhooks: outbound webhooks in Zendesk's shapes
 * (webhooks/webhook.h). Admins only.
 *   GET/POST               /api/v2/webhooks
 *   GET/PUT/PATCH/DELETE   /api/v2/webhooks/{id}
 *   GET/POST               /api/v2/webhooks/{id}/signing_secret (POST: a new one)
 *   POST                   /api/v2/webhooks/{id}/test
 *   GET                    /api/v2/webhooks/{id}/invocations
 *   GET                    /api/v2/webhooks/{id}/invocations/{id}/attempts
 *   GET/PUT                /api/v2/webhooks/settings (the allow list)
 * The secret is never in a webhook's JSON: only the signing_secret
 * endpoints show it. A write that does not validate is refused whole
 * (422 naming the field) before anything is written. */
#include <string.h>

#include "core/input.h"
#include "core/random.h"
#include "core/time.h"
#include "http/http.h"
#include "store/settings.h"
#include "store/webhooks.h"
#include "webhooks/webhook.h"

#define ALLOW_TEXT_MAX (FL_WEBHOOK_ALLOWED_MAX * (FL_WEBHOOK_HOST_MAX + 1) + 1)

struct webhook_in {
	const char *name, *description, *endpoint, *http_method, *request_format, *status;
	int has_name, has_description, has_endpoint, has_http_method, has_request_format,
		has_status;
};

static const struct fl_field webhook_fields[] = {
	{"name", FL_FT_STRING, FL_WEBHOOK_NAME_MAX, 0, 0, NULL, offsetof(struct webhook_in, name),
	 offsetof(struct webhook_in, has_name), 0, 0},
	{"description", FL_FT_STRING, FL_WEBHOOK_DESCRIPTION_MAX, 0, 1, NULL,
	 offsetof(struct webhook_in, description), offsetof(struct webhook_in, has_description), 0,
	 0},
	{"endpoint", FL_FT_STRING, FL_WEBHOOK_ENDPOINT_MAX, 0, 0, NULL,
	 offsetof(struct webhook_in, endpoint), offsetof(struct webhook_in, has_endpoint), 0, 0},
	{"http_method", FL_FT_STRING, 16, 0, 0, NULL, offsetof(struct webhook_in, http_method),
	 offsetof(struct webhook_in, has_http_method), 0, 0},
	{"request_format", FL_FT_STRING, 16, 0, 0, NULL,
	 offsetof(struct webhook_in, request_format),
	 offsetof(struct webhook_in, has_request_format), 0, 0},
	{"status", FL_FT_STRING, 16, 0, 0, NULL, offsetof(struct webhook_in, status),
	 offsetof(struct webhook_in, has_status), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct webhook_in in;
	char *subscriptions; /* given, as the store keeps it */
	struct fl_webhook w;
	struct fl_webhook *list;
	size_t n;
	struct fl_req_page pg;
	struct fl_webhook_invocation inv, *invs;
	struct fl_webhook_attempt *attempts;
	char *allowed; /* the allow list's text */
	int has_allowed;
	struct fl_webhook_result res;
};

/* Reads "subscriptions": a list of the ticket events (webhook.h), each
 * once, into the JSON text the store keeps. */
static int decode_subscriptions(struct fl_req *r, struct ctx *c, json_t *v)
{
	unsigned seen = 0;
	json_t *out, *item;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) > FL_WH__EVENTS)
		return fl_req_fail(r, FL_EINVAL, "subscriptions", "InvalidType",
				   "Subscriptions: must be a list of ticket events, each once");
	json_array_foreach(v, i, item)
	{
		int b = json_is_string(item) ? fl_webhook_event_bit(json_string_value(item)) : -1;
		if (b < 0 || (seen & (1u << b)))
			return fl_req_fail(r, FL_EINVAL, "subscriptions", "InvalidValue",
					   "Subscriptions: item %zu is not one of ticket.created, "
					   "ticket.updated, ticket.solved, ticket.deleted, "
					   "ticket.comment_added, or it is there twice",
					   i + 1);
		seen |= 1u << b;
	}
	out = json_array();
	for (int b = 0; b < FL_WH__EVENTS; b++)
		if (seen & (1u << b))
			json_array_append_new(out, json_string(fl_webhook_event_name(b)));
	{
		char *text = json_dumps(out, JSON_COMPACT);
		json_decref(out);
		if (!text)
			return FL_ENOMEM;
		c->subscriptions = fl_arena_strdup(&r->arena, text);
		free(text);
	}
	return c->subscriptions ? 0 : FL_ENOMEM;
}

/* Reads {"webhook": {...}}; what is left out stays as it was. */
static int decode_webhook(struct fl_req *r, struct ctx *c)
{
	json_t *v = r->body ? json_object_get(r->body, "webhook") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "webhook", "InvalidRequest",
				   "the body must be {\"webhook\": {...}}");
	if ((rc = fl_input_decode(v, webhook_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (json_object_get(v, "subscriptions"))
		return decode_subscriptions(r, c, json_object_get(v, "subscriptions"));
	return 0;
}

static void apply(struct ctx *c, struct fl_webhook *w)
{
	if (c->in.has_name)
		w->name = (char *)c->in.name;
	if (c->in.has_description)
		w->description = (char *)(c->in.description ? c->in.description : "");
	if (c->in.has_endpoint)
		w->endpoint = (char *)c->in.endpoint;
	if (c->in.has_http_method)
		w->http_method = (char *)c->in.http_method;
	if (c->in.has_request_format)
		w->request_format = (char *)c->in.request_format;
	if (c->in.has_status)
		w->status = (char *)c->in.status;
	if (c->subscriptions)
		w->subscriptions = c->subscriptions;
}

/* The allow list as the store holds it; an empty one when none is set. */
static int allow_read(fl_tx *tx, struct fl_req *r, char **text)
{
	int rc = fl_store_setting_get(tx, FL_WEBHOOK_ALLOW_SETTING, &r->arena, text);
	if (rc == FL_ENOTFOUND) {
		*text = NULL;
		return 0;
	}
	return rc;
}

/* Checks w against the rules and the allow list the store holds now. */
static int check(fl_tx *tx, struct fl_req *r, const struct fl_webhook *w)
{
	char *text, *hosts[FL_WEBHOOK_ALLOWED_MAX];
	struct fl_webhook_allow allow;
	int rc = allow_read(tx, r, &text);

	if (rc)
		return rc;
	fl_webhook_allow_parse(text, hosts, FL_WEBHOOK_ALLOWED_MAX, &allow);
	return fl_webhook_check(w, &allow, &r->err);
}

static json_t *webhook_json(const struct fl_webhook *w)
{
	json_t *subs = json_loads(w->subscriptions ? w->subscriptions : "[]", 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)w->id, "name", w->name, "description",
			 w->description ? w->description : "", "endpoint", w->endpoint,
			 "http_method", w->http_method, "request_format", w->request_format,
			 "status", w->status, "subscriptions", subs ? subs : json_array(),
			 "created_by", fl_json_id(w->created_by), "created_at",
			 fl_json_time(w->created_at), "updated_at", fl_json_time(w->updated_at));
}

static int render_webhook(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "webhook", webhook_json(&c->w)));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_webhook_list(tx, &r->arena, &c->list, &c->n);
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, webhook_json(&c->list[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "webhooks", list));
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t n;
	int rc = check(tx, r, &c->w);

	if (!rc)
		rc = fl_store_limit_lock(tx, "webhooks");
	if (!rc)
		rc = fl_store_webhook_count(tx, &n);
	if (rc)
		return rc;
	if (n >= FL_WEBHOOKS_MAX)
		return fl_err_set(&r->err, FL_EINVAL, "webhook", "TooLong",
				  "A desk keeps at most %d webhooks", FL_WEBHOOKS_MAX);
	return fl_store_webhook_insert(tx, &c->w);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_webhook *w = &c->w;
	char *secret;
	int rc;

	if ((rc = decode_webhook(r, c)))
		return rc;
	if (!(secret = fl_arena_alloc(&r->arena, FL_WEBHOOK_SECRET_LEN + 1)))
		return FL_ENOMEM;
	fl_random_hex(secret, FL_WEBHOOK_SECRET_LEN);
	*w = (struct fl_webhook){0,        NULL, "",     NULL,        "POST",   "json",
				 "active", "[]", secret, r->actor.id, fl_now(), 0};
	w->updated_at = w->created_at;
	apply(c, w);
	r->status = 201;
	return fl_req_write(r, tx_create, render_webhook);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_webhook_get(tx, r->id[0], &r->arena, &c->w);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_webhook);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_webhook_get(tx, r->id[0], &r->arena, &c->w);

	if (rc)
		return rc;
	apply(c, &c->w);
	if ((rc = check(tx, r, &c->w)))
		return rc;
	c->w.updated_at = fl_now();
	return fl_store_webhook_update(tx, &c->w);
}

/* PUT and PATCH alike: what is given changes, the rest stays. */
static int h_update(struct fl_req *r)
{
	int rc = decode_webhook(r, r->ctx);
	return rc ? rc : fl_req_write(r, tx_update, render_webhook);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	int rc = tx_show(tx, r);
	return rc ? rc : fl_store_webhook_delete(tx, r->id[0]);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int render_secret(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:{s:s, s:s}}", "signing_secret", "algorithm", "SHA256",
				      "secret", c->w.signing_secret));
}

static int h_secret(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_secret);
}

static int tx_secret_reset(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *secret = fl_arena_alloc(&r->arena, FL_WEBHOOK_SECRET_LEN + 1);
	int rc = secret ? tx_show(tx, r) : FL_ENOMEM;

	if (rc)
		return rc;
	fl_random_hex(secret, FL_WEBHOOK_SECRET_LEN);
	c->w.signing_secret = secret;
	c->w.updated_at = fl_now();
	return fl_store_webhook_update(tx, &c->w);
}

/* A new secret: requests are signed with it from now on, the old one
 * stops working at once. */
static int h_secret_reset(struct fl_req *r)
{
	r->status = 201;
	return fl_req_write(r, tx_secret_reset, render_secret);
}

static int tx_test(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = tx_show(tx, r);
	return rc ? rc : allow_read(tx, r, &c->allowed);
}

/* The request is made here, after the read: an admin waits for the
 * answer (at most the delivery's timeouts); nothing is logged or retried. */
static int render_test(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *hosts[FL_WEBHOOK_ALLOWED_MAX], id[33], iso[21], *body;
	struct fl_webhook_allow allow;
	json_t *o;
	int rc;

	fl_random_hex(id, 32);
	fl_time_iso(fl_now(), iso);
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, s:s}}", "type", "webhook.test", "id", id,
		      "time", iso, "subject", "webhook", "detail", "webhook_id",
		      (json_int_t)c->w.id, "message", "A test from Frontline");
	body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return FL_ENOMEM;
	fl_webhook_allow_parse(c->allowed, hosts, FL_WEBHOOK_ALLOWED_MAX, &allow);
	rc = fl_webhook_request(&c->w, &allow, 0, body, &c->res);
	free(body);
	if (rc)
		return rc;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:i, s:s, s:I, s:b}}", "response", "status",
				      (int)c->res.status, "error", c->res.error, "duration_ms",
				      (json_int_t)c->res.duration_ms, "refused", c->res.refused));
}

static int h_test(struct fl_req *r)
{
	return fl_req_read(r, tx_test, render_test);
}

static int tx_invocations(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = tx_show(tx, r);
	return rc ? rc
		  : fl_store_webhook_invocation_list(tx, r->id[0],
						     c->pg.has_after ? c->pg.after_id : 0,
						     c->pg.per_page + 1, &r->arena, &c->invs,
						     &c->n);
}

static json_t *invocation_json(const struct fl_webhook_invocation *v)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:s, s:i, s:o, s:o, s:o}", "id", (json_int_t)v->id,
			 "webhook_id", (json_int_t)v->webhook_id, "event", v->event, "ticket_id",
			 fl_json_id(v->ticket_id), "status", v->status, "attempts", v->attempts,
			 "latest_status_code",
			 v->last_status_code ? json_integer(v->last_status_code) : json_null(),
			 "created_at", fl_json_time(v->created_at), "updated_at",
			 fl_json_time(v->updated_at));
}

/* Newest first, in cursor pages (page[size] up to 100, page[after]). */
static int render_invocations(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *a = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	int64_t last = n ? c->invs[n - 1].id : 0;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, invocation_json(&c->invs[i]));
	o = json_pack("{s:o}", "invocations", a);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, 0, last, last);
	return fl_req_reply(r, 200, o);
}

static int h_invocations(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_req_paging(r, &c->pg);

	if (rc)
		return rc;
	c->pg.cursor = 1;
	return fl_req_read(r, tx_invocations, render_invocations);
}

static int tx_attempts(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_webhook_invocation_get(tx, r->id[1], &r->arena, &c->inv);

	if (!rc && c->inv.webhook_id != r->id[0])
		rc = FL_ENOTFOUND;
	return rc ? rc
		  : fl_store_webhook_attempt_list(tx, r->id[1], &r->arena, &c->attempts, &c->n);
}

static int render_attempts(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *a = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_webhook_attempt *t = &c->attempts[i];
		json_array_append_new(
			a,
			json_pack("{s:i, s:o, s:s, s:I, s:o}", "attempt", t->attempt, "status_code",
				  t->status_code ? json_integer(t->status_code) : json_null(),
				  "error", t->error ? t->error : "", "duration_ms",
				  (json_int_t)t->duration_ms, "completed_at", fl_json_time(t->at)));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:o}", "attempts", a, "invocation",
				      invocation_json(&c->inv)));
}

static int h_attempts(struct fl_req *r)
{
	return fl_req_read(r, tx_attempts, render_attempts);
}

static int tx_settings_get(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return allow_read(tx, r, &c->allowed);
}

static int render_settings(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char *hosts[FL_WEBHOOK_ALLOWED_MAX];
	struct fl_webhook_allow allow;
	json_t *list = json_array();

	fl_webhook_allow_parse(c->allowed, hosts, FL_WEBHOOK_ALLOWED_MAX, &allow);
	for (size_t i = 0; i < allow.n; i++)
		json_array_append_new(list, json_string(allow.hosts[i]));
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:o}}", "webhook_settings", "allowed_hosts", list));
}

static int h_settings_get(struct fl_req *r)
{
	return fl_req_read(r, tx_settings_get, render_settings);
}

static int tx_settings_set(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_setting_set(tx, FL_WEBHOOK_ALLOW_SETTING, c->allowed);
	return rc ? rc : tx_settings_get(tx, r);
}

/* PUT {"webhook_settings": {"allowed_hosts": ["hooks.internal",
 * "10.0.0.5", "::1"]}}: the hosts that may be called whatever address they
 * have (host names or IP literals, no ports); [] allows none. */
static int h_settings_set(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *in = r->body ? json_object_get(r->body, "webhook_settings") : NULL;
	json_t *hosts = json_is_object(in) ? json_object_get(in, "allowed_hosts") : NULL, *h;
	fl_buf b;
	size_t i;

	if (!json_is_object(in))
		return fl_req_fail(r, FL_EMALFORMED, "webhook_settings", "InvalidRequest",
				   "the body must be {\"webhook_settings\": {...}}");
	if (!json_is_array(hosts) || json_array_size(hosts) > FL_WEBHOOK_ALLOWED_MAX)
		return fl_req_fail(r, FL_EINVAL, "allowed_hosts", "InvalidType",
				   "Allowed hosts: must be a list of at most %d host names or "
				   "addresses",
				   FL_WEBHOOK_ALLOWED_MAX);
	fl_buf_init(&b, ALLOW_TEXT_MAX);
	json_array_foreach(hosts, i, h)
	{
		const char *z = json_string_value(h);
		if (!z || !fl_webhook_host_ok(z)) {
			fl_buf_free(&b);
			return fl_req_fail(r, FL_EINVAL, "allowed_hosts", "InvalidValue",
					   "Allowed hosts: item %zu is not a host name or an IP "
					   "address (no scheme, port or path)",
					   i + 1);
		}
		if ((i && fl_buf_addc(&b, '\n')) || fl_buf_adds(&b, z)) {
			fl_buf_free(&b);
			return FL_ENOMEM;
		}
	}
	c->allowed = fl_arena_strdup(&r->arena, b.p ? b.p : "");
	fl_buf_free(&b);
	if (!c->allowed)
		return FL_ENOMEM;
	return fl_req_write(r, tx_settings_set, render_settings);
}

#define WEBHOOKS "/api/v2/webhooks"
const struct fl_route fl_webhook_routes[] = {
	{"GET", WEBHOOKS "/settings", h_settings_get, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"PUT", WEBHOOKS "/settings", h_settings_set, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", WEBHOOKS, h_list, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", WEBHOOKS, h_create, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", WEBHOOKS "/{id}", h_show, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"PUT", WEBHOOKS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"PATCH", WEBHOOKS "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"DELETE", WEBHOOKS "/{id}", h_delete, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", WEBHOOKS "/{id}/signing_secret", h_secret, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", WEBHOOKS "/{id}/signing_secret", h_secret_reset, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{"POST", WEBHOOKS "/{id}/test", h_test, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", WEBHOOKS "/{id}/invocations", h_invocations, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", WEBHOOKS "/{id}/invocations/{id}/attempts", h_attempts, FL_ROLE_ADMIN, 0,
	 sizeof(struct ctx)},
	{0},
};
