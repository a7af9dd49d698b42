/* The per-request API the handlers use (http.h: fl_req_*): the store
 * transactions a handler runs (read now, or write through the group-commit
 * writer while the connection is suspended), the reply it builds, the
 * headers it adds and reads, the errors it fails with, and the rendering of
 * all that into libmicrohttpd's answer. The daemon (daemon.c) calls
 * fl_req_finish with what a handler returned. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/log.h"
#include "core/random.h"
#include "http/http_int.h"

const char fl_req_no_memory[] =
	"{\"error\":\"ServiceUnavailable\","
	"\"description\":\"Out of memory; retry later\"}";

json_t *fl_req_error_json(const struct fl_err *e, int code)
{
	json_t *o = json_object();
	const char *name = fl_err_name(code);

	/* a request that cannot be parsed, and a conflict that is no field's
	 * (Zendesk's UpdateConflict), are named by their reason */
	if ((code == FL_EMALFORMED || (code == FL_ECONFLICT && !e->field[0])) && e->reason[0])
		name = e->reason;
	json_object_set_new(o, "error", json_string(name));
	json_object_set_new(o, "description",
			    json_string(e->msg[0] ? e->msg : fl_err_describe(code)));
	if (e->field[0]) {
		json_t *details = json_object(), *list = json_array(), *item = json_object();
		json_object_set_new(item, "description",
				    json_string(e->msg[0] ? e->msg : fl_err_describe(code)));
		json_object_set_new(item, "error",
				    json_string(e->reason[0] ? e->reason : "InvalidValue"));
		json_array_append_new(list, item);
		json_object_set_new(details, e->field, list);
		json_object_set_new(o, "details", details);
	}
	return o;
}

static int has_header(const struct fl_req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i][0], name))
			return 1;
	return 0;
}

static enum MHD_Result respond(struct fl_req *r)
{
	struct MHD_Response *resp;
	char *body = NULL;
	size_t len = 0;
	enum MHD_Result ret;

	if (r->raw) {
		body = malloc(r->raw_len ? r->raw_len : 1);
		if (body && r->raw_len)
			memcpy(body, r->raw, r->raw_len);
		len = r->raw_len;
	} else if (r->reply && r->status != 204 && r->priv->items_key[0]) {
		body = fl_req_splice_items(r, &len);
	} else if (r->reply && r->status != 204) {
		body = json_dumps(r->reply, JSON_COMPACT);
		len = body ? strlen(body) : 0;
	}
	if (!body && (r->raw || (r->reply && r->status != 204))) {
		/* out of memory while rendering: never an empty 200 */
		r->status = 503;
		r->raw_type = NULL;
		if (!has_header(r, "Retry-After"))
			fl_req_header(r, "Retry-After", "2");
		len = strlen(fl_req_no_memory);
		resp = MHD_create_response_from_buffer(len, (void *)fl_req_no_memory,
						       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(len, body ? body : (void *)"",
						       body ? MHD_RESPMEM_MUST_FREE
							    : MHD_RESPMEM_PERSISTENT);
	}
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	r->priv->bytes_out = len;
	MHD_add_response_header(resp, "Content-Type",
				r->raw_type ? r->raw_type : "application/json; charset=utf-8");
	ret = fl_req_queue(r, resp);
	MHD_destroy_response(resp);
	return ret;
}

void fl_request_id(const char *given, char *out)
{
	size_t n = given ? strspn(given,
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789._-")
			 : 0;

	if (n && n <= FL_REQUEST_ID_MAX && !given[n]) {
		memcpy(out, given, n + 1);
		return;
	}
	fl_random_hex(out, 32);
}

enum MHD_Result fl_req_queue(struct fl_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (!has_header(r, "Cache-Control"))
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (!r->priv->framable)
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	/* a kept-alive connection waits for its next request at most
	 * header_timeout (guard.c): clients that read this (undici, Firefox)
	 * do not send a request on a connection about to be cut */
	char keep[32];
	/* a second less than we wait: the client counts from when it read
	 * the answer, we from when we sent it */
	snprintf(keep, sizeof keep, "timeout=%u",
		 r->config->header_timeout > 1 ? r->config->header_timeout - 1 : 1);
	MHD_add_response_header(resp, "Keep-Alive", keep);
	MHD_add_response_header(resp, "X-Request-Id", r->priv->request_id);
	if (r->priv->rate_limit) {
		char n[16];
		snprintf(n, sizeof n, "%u", r->priv->rate_limit);
		MHD_add_response_header(resp, "X-Rate-Limit", n);
		snprintf(n, sizeof n, "%u", r->priv->rate_remaining);
		MHD_add_response_header(resp, "X-Rate-Limit-Remaining", n);
	}
	for (size_t i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	r->priv->state = DONE;
	return MHD_queue_response(r->conn, (unsigned)r->status, resp);
}

enum MHD_Result fl_req_respond_error(struct fl_req *r, int code)
{
	if (r->err.code != code)
		r->err = (struct fl_err){.code = code};
	r->status = fl_err_http_status(code);
	json_decref(r->reply);
	r->reply = fl_req_error_json(&r->err, code);
	r->raw = NULL;
	/* not to the browser apps (X-Requested-With): a browser would answer
	 * the challenge with its own password dialog */
	if (code == FL_EAUTH && !r->via_cookie && !fl_req_header_in(r, "X-Requested-With"))
		fl_req_header(r, "WWW-Authenticate",
			      "Basic realm=\"Frontline\", charset=\"UTF-8\"");
	/* a passing shortage (memory, a busy store) is worth a retry soon, a
	 * full disk later; a fenced node only after a restart, which a load
	 * balancer should route around meanwhile */
	if ((r->status == 503 || r->status == 507) && !has_header(r, "Retry-After"))
		fl_req_header(r, "Retry-After",
			      code == FL_ENOSPC || code == FL_EFENCED ? "60" : "2");
	return respond(r);
}

enum MHD_Result fl_req_finish(struct fl_req *r, int rc)
{
	if (rc == FL_PENDING) /* render chained another transaction */
		return MHD_YES;
	if (rc < 0)
		return fl_req_respond_error(r, rc);
	if (!r->reply && !r->raw && r->status != 204)
		return fl_req_respond_error(r, FL_EINTERNAL);
	return respond(r);
}

/* Runs the handler's transaction with the request's id as the thread's
 * log context, on whichever thread runs it (a write runs on the writer's):
 * what it logs, and the jobs it queues, name the request. */
static int tx_trampoline(fl_tx *tx, void *arg)
{
	struct fl_req *r = arg;
	const char *context = fl_log_set_request(r->priv->request_id);
	int rc;

	r->err = (struct fl_err){0};
	rc = r->priv->tx_fn(tx, r);
	fl_log_set_request(context);
	return rc;
}

int fl_req_read(struct fl_req *r, fl_req_tx fn, fl_render render)
{
	int rc;
	r->priv->tx_fn = fn;
	rc = fl_store_read(r->store, tx_trampoline, r);
	return rc ? rc : render(r);
}

static void written(void *arg, int rc)
{
	struct fl_req *r = arg;
	struct fl_server *srv = r->server;
	r->priv->tx_rc = rc;
	MHD_resume_connection(r->conn);
	srv->suspended--; /* after this the request may be freed: touch it no more */
}

int fl_req_write(struct fl_req *r, fl_req_tx fn, fl_render render)
{
	int rc;
	r->priv->tx_fn = fn;
	r->priv->render = render;
	r->priv->state = WAITING;
	/* suspend first, so that the writer can never resume a connection
	 * that is not suspended yet */
	r->server->suspended++;
	MHD_suspend_connection(r->conn);
	rc = fl_store_write_async(r->store, tx_trampoline, r, written, r);
	if (rc)
		written(r, rc);
	return FL_PENDING;
}

int fl_req_reply(struct fl_req *r, int status, json_t *body)
{
	json_decref(r->reply);
	fl_buf_free(&r->priv->items);
	r->priv->items_key[0] = 0;
	r->status = status;
	r->reply = body;
	return body || status == 204 ? 0 : FL_ENOMEM;
}

int fl_req_no_content(struct fl_req *r)
{
	return fl_req_reply(r, 204, NULL);
}

int fl_req_header(struct fl_req *r, const char *name, const char *value)
{
	if (r->nheaders == FL_REQ_MAX_HEADERS)
		return FL_EINTERNAL;
	r->headers[r->nheaders][0] = name;
	r->headers[r->nheaders][1] = fl_arena_strdup(&r->arena, value);
	r->nheaders++;
	return 0;
}

int fl_req_reply_csv(struct fl_req *r, fl_buf *csv, const char *filename)
{
	char disposition[160];

	r->raw = csv->p ? fl_arena_strndup(&r->arena, csv->p, csv->n) : NULL;
	r->raw_len = csv->n;
	fl_buf_free(csv);
	if (!r->raw)
		return FL_ENOMEM;
	r->raw_type = "text/csv; charset=utf-8";
	r->status = 200;
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
	return fl_req_header(r, "Content-Disposition", disposition);
}

int fl_req_fail(struct fl_req *r, int code, const char *field, const char *reason, const char *fmt,
		...)
{
	va_list ap;
	va_start(ap, fmt);
	fl_err_vset(&r->err, code, field, reason, fmt, ap);
	va_end(ap);
	return code;
}

int fl_req_too_many(struct fl_req *r, int64_t wait, const char *what)
{
	char secs[24];

	snprintf(secs, sizeof secs, "%lld", (long long)wait);
	fl_req_header(r, "Retry-After", secs);
	return fl_req_fail(r, FL_ERATE, NULL, NULL,
			   "Too many %s from your address; retry in %lld seconds", what,
			   (long long)wait);
}

const char *fl_req_body(struct fl_req *r, size_t *n)
{
	*n = r->priv->body.n;
	return r->priv->body.p ? r->priv->body.p : "";
}

const char *fl_req_header_in(struct fl_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *fl_req_arg(struct fl_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A Host header we are willing to put in links: a name or address and a
 * port, nothing that could end the authority (RFC 3986 section 3.2). */
static int plain_host(const char *h)
{
	if (!h || !*h || strlen(h) > 120)
		return 0;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		      (*h >= '0' && *h <= '9') || strchr(".-:[]", *h)))
			return 0;
	return 1;
}

const char *fl_req_base(struct fl_req *r)
{
	const char *host;
	if (r->priv->base[0])
		return r->priv->base;
	if (r->config->public_url[0])
		return r->config->public_url;
	host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
	if (!plain_host(host))
		host = r->config->listen;
	snprintf(r->priv->base, sizeof r->priv->base, "http://%s", host);
	return r->priv->base;
}

const char *fl_req_peer(struct fl_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	static _Thread_local char buf[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	buf[0] = 0;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  sizeof buf);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, sizeof buf);
	return buf;
}
