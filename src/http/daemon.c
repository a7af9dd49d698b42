/* libmicrohttpd glue: the daemon and the life of a request.
 *
 * A request goes through on_request several times: once when its headers
 * arrive (match the route, check the declared size), once per chunk of body
 * (accumulate under the route's limit), and once when the body is complete
 * (authenticate, authorize, parse, run the handler). A handler that writes
 * suspends the connection until the group-commit writer resumes it; the
 * next call renders (request.c). on_completed logs the line and frees the
 * request. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/input.h"
#include "core/limit.h"
#include "core/log.h"
#include "core/quota.h"
#include "core/time.h"
#include "events/hub.h"
#include "http/form.h"
#include "http/http_int.h"

static int route_match(const char *pattern, const char *url, size_t url_len, int64_t id[2])
{
	const char *p = pattern, *u = url, *uend = url + url_len;
	int nid = 0;

	while (*p && u < uend) {
		if (!strcmp(p, "{*}"))
			return 1; /* the rest of the path, whatever it is: the handler reads r->url */
		if (*p == '{') {
			const char *seg_end = memchr(u, '/', (size_t)(uend - u));
			int64_t v;
			if (!seg_end)
				seg_end = uend;
			if (fl_str_to_i64((fl_str){u, (size_t)(seg_end - u)}, &v) || v <= 0 ||
			    nid == 2)
				return 0;
			id[nid++] = v;
			u = seg_end;
			p = strchr(p, '}') + 1;
			continue;
		}
		if (*p != *u)
			return 0;
		p++, u++;
	}
	return !*p && u == uend;
}

int fl_route_find(const char *method, const char *url, int64_t id[2], char *allow, size_t allow_cap)
{
	size_t len = strlen(url), used;
	int path_seen = 0;

	if (len > 5 && !strcmp(url + len - 5, ".json"))
		len -= 5;
	while (len > 1 && url[len - 1] == '/')
		len--;
	allow[0] = 0;
	for (size_t i = 0; i < fl_nroutes; i++) {
		int64_t ids[2] = {0, 0};
		if (!route_match(fl_routes[i].pattern, url, len, ids))
			continue;
		if (!strcmp(fl_routes[i].method, method) ||
		    (!strcmp(method, "HEAD") && !strcmp(fl_routes[i].method, "GET"))) {
			id[0] = ids[0];
			id[1] = ids[1];
			return (int)i;
		}
		path_seen = 1;
		used = strlen(allow);
		snprintf(allow + used, allow_cap - used, "%s%s", used ? ", " : "",
			 fl_routes[i].method);
	}
	return path_seen ? -2 : -1;
}

static int method_has_body(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
}

static struct fl_req *req_new(struct fl_server *srv, struct MHD_Connection *conn, const char *url,
			      const char *method)
{
	struct fl_req *r = calloc(1, sizeof *r + sizeof *r->priv);
	if (!r)
		return NULL;
	r->priv = (struct fl_req_priv *)(r + 1);
	fl_arena_init(&r->arena, 64u << 20);
	fl_buf_init(&r->priv->body, 0);
	r->conn = conn;
	r->server = srv;
	r->store = srv->store;
	r->config = &srv->config;
	r->hub = srv->hub;
	r->url = fl_arena_strdup(&r->arena, url);
	r->method = fl_arena_strdup(&r->arena, method);
	if (!r->url || !r->method) {
		fl_buf_free(&r->priv->body);
		fl_arena_free(&r->arena);
		free(r);
		return NULL;
	}
	r->actor = (struct fl_actor){0, FL_ROLE_ANONYMOUS};
	r->route_index = -1;
	r->priv->t0 = fl_mono_us();
	fl_request_id(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id"),
		      r->priv->request_id);
	return r;
}

/* Whether the request declares a JSON body. Bodies of other types are
 * refused: an HTML form (text/plain, urlencoded) cannot then forge an API
 * call from another site, since a JSON content type needs a CORS preflight. */
static int json_body(struct fl_req *r)
{
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
	size_t n = strlen("application/json");
	return ct && !strncasecmp(ct, "application/json", n) &&
	       (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* Whether the request declares an HTML form's body. */
static int form_body(struct fl_req *r)
{
	return fl_form_type(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type"));
}

struct framing {
	const char *te, *cl;
	unsigned nte, ncl;
};

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	struct framing *f = cls;
	(void)kind;

	if (!strcasecmp(key, "Transfer-Encoding"))
		f->te = value, f->nte++;
	else if (!strcasecmp(key, "Content-Length"))
		f->cl = value, f->ncl++;
	return MHD_YES;
}

/* How the request's body is delimited (RFC 9112 section 6): by
 * Content-Length, or by the chunked transfer coding, the only one this
 * server implements. Any other coding, or a list of codings ("chunked,
 * identity", "gzip, chunked", or Transfer-Encoding on two lines) is 501
 * (section 6.1: a server that does not understand a transfer coding SHOULD
 * answer 501; libmicrohttpd, which knows exactly "chunked", would wait for
 * the connection to end). Content-Length with Transfer-Encoding, or twice,
 * is 400 (sections 6.1 and 6.3: a message a proxy may have framed another
 * way, as request smuggling does). Either answer closes the connection,
 * whose framing can no longer be trusted (section 6.3). *body is whether a
 * body follows the headers. */
static int framing(struct fl_req *r, int *body)
{
	struct framing f = {0};

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, framing_header, &f);
	*body = f.nte || (f.cl && strcmp(f.cl, "0"));
	if (f.nte > 1 || (f.nte && strcasecmp(f.te, "chunked")))
		return fl_req_fail(r, FL_ENOTIMPL, NULL, NULL,
				   "Transfer-Encoding: only chunked is implemented");
	if (f.ncl > 1 || (f.ncl && f.nte))
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidRequest",
				   f.nte ? "Send Content-Length or Transfer-Encoding, not both"
					 : "Send Content-Length once");
	return 0;
}

/* Answers r with code on the socket itself, now, then closes the sending
 * side: libmicrohttpd 0.9.75 takes no answer while a body arrives, and a
 * chunked body over its limit must not be read to its end before it is
 * refused (a client could send for ever). The connection stays to read and
 * drop what the client still sends — closing it with unread bytes would
 * reset it (RST), which may destroy the answer before the client reads it —
 * until the body ends, the guard's deadline passes or the client sends 8
 * times the limit. */
static void refuse_now(struct fl_req *r, int code)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	json_t *o = fl_req_error_json(&r->err, code);
	char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;

	r->status = fl_err_http_status(code);
	r->priv->state = ANSWERED;
	fl_guard_draining(r->conn);
	if (ci && body && !fl_guard_send(ci->connect_fd, (unsigned)r->status, body))
		r->priv->bytes_out = strlen(body);
	if (ci)
		shutdown(ci->connect_fd, SHUT_WR);
	free(body);
	json_decref(o);
}

/* Keys kept by the API's rate limit: more than the clients a node serves
 * in a minute, so that a busy client is rarely forgotten (a forgotten
 * key starts again with a full minute's worth). */
#define QUOTA_KEYS 16384

/* The key r's requests are counted by: its API token, else its signed-in
 * user (a session, or a password), else its client's address as the
 * socket gives it (IPv6: the /64), never as a header claims it. */
static void quota_key(struct fl_req *r, char out[96])
{
	char addr[48];

	if (r->priv->token) {
		snprintf(out, 96, "t:%s", r->priv->token);
	} else if (r->actor.id) {
		snprintf(out, 96, "u:%lld", (long long)r->actor.id);
	} else {
		fl_limit_address_key(fl_req_peer(r), addr);
		snprintf(out, 96, "a:%s", addr);
	}
}

/* The API's rate limit: a request to an /api/ route takes one of its
 * client's rate_limit a minute (core/quota.h); the answer says how many
 * are left (fl_req_queue). Over the limit: FL_ERATE with Retry-After.
 * /healthz, /livez, /metrics, the browser apps' files and the portal's
 * form are not counted. */
static int take_quota(struct fl_req *r)
{
	struct fl_quota *q = r->server->quota;
	unsigned retry = 0;
	char key[96], secs[16];

	if (!q || strncmp(r->route->pattern, "/api/", 5))
		return 0;
	quota_key(r, key);
	r->priv->rate_limit = fl_quota_limit(q);
	if (!fl_quota_take(q, key, (int64_t)(fl_mono_us() / 1000), &r->priv->rate_remaining,
			   &retry))
		return 0;
	snprintf(secs, sizeof secs, "%u", retry);
	fl_req_header(r, "Retry-After", secs);
	return fl_req_fail(r, FL_ERATE, NULL, NULL,
			   "Rate limit of %u API requests a minute exceeded (rate_limit); "
			   "Retry-After: %u",
			   r->priv->rate_limit, retry);
}

/* Authorization, all of it but ticket visibility (the domain's): the
 * route row's least role, ranked END_USER < VIEWER < AGENT < ADMIN. A
 * viewer — someone outside support who reads the reports — is let into the
 * rows of its own rank and below but one kind: the rows of least role
 * FL_ROLE_END_USER serve customers their own requests (the portal: tickets,
 * their comments, uploads, search) and agents everything, the handler
 * telling the two apart; a viewer is an employee, neither a customer with
 * requests nor an agent, so of those rows it reaches only its own account's
 * (FL_ROUTE_SELF). Anonymous rows are everyone's (docs/security.md). */
static int allowed(const struct fl_actor *who, const struct fl_route *rt)
{
	if (who->role < rt->role)
		return 0;
	if (who->role == FL_ROLE_VIEWER && rt->role == FL_ROLE_END_USER)
		return (rt->flags & FL_ROUTE_SELF) != 0;
	return 1;
}

/* The first call, with the headers: everything that can be refused before a
 * body is read — size, type, credentials, rate, role — is refused here. */
static enum MHD_Result check_headers(struct fl_req *r)
{
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	const char *te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Transfer-Encoding");
	size_t limit = r->priv->body.max;
	unsigned flags = r->route->flags;
	int64_t n = 0;
	int rc;

	if (cl && (fl_str_to_i64(fl_str_c(cl), &n) || n < 0 || (uint64_t)n > limit)) {
		fl_req_fail(r, FL_ETOOBIG, NULL, NULL, "The request body is larger than %zu bytes",
			    limit);
		return fl_req_respond_error(r, FL_ETOOBIG);
	}
	if (method_has_body(r->method) && (n > 0 || te) && !(flags & FL_ROUTE_RAW_BODY) &&
	    !((flags & FL_ROUTE_FORM_BODY) ? form_body(r) : json_body(r))) {
		if (flags & FL_ROUTE_FORM_BODY)
			fl_req_fail(r, FL_EMEDIA, NULL, NULL,
				    "Send the form as multipart/form-data "
				    "or application/x-www-form-urlencoded");
		return fl_req_respond_error(r, FL_EMEDIA);
	}
	if (flags & (FL_ROUTE_FORM_BODY | FL_ROUTE_NO_AUTH))
		return MHD_YES; /* anonymous, credentials unread (http.h) */
	rc = fl_auth_request(r);
	if (!rc)
		rc = take_quota(r);
	if (rc)
		return fl_req_respond_error(r, rc);
	if (!allowed(&r->actor, r->route))
		return fl_req_respond_error(r, r->actor.role == FL_ROLE_ANONYMOUS ? FL_EAUTH
										  : FL_EFORBIDDEN);
	return MHD_YES;
}

/* The final call: everything is received. */
static enum MHD_Result run(struct fl_req *r)
{
	const struct fl_route *rt = r->route;
	int rc;

	if (method_has_body(r->method) && r->priv->body.n &&
	    !(rt->flags & (FL_ROUTE_RAW_BODY | FL_ROUTE_FORM_BODY))) {
		rc = fl_input_parse(r->priv->body.p, r->priv->body.n, &r->body, &r->err);
		if (rc)
			return fl_req_respond_error(r, rc);
	}
	if (rt->ctx_size && !(r->ctx = fl_arena_alloc(&r->arena, rt->ctx_size)))
		return fl_req_respond_error(r, FL_ENOMEM);
	return fl_req_finish(r, rt->handler(r));
}

/* The connection state (*con_cls) of a request that found no memory for
 * its own: answered 503 at once (answer_no_memory), its body dropped. */
static char no_memory;

/* Answers 503 with a fixed JSON body, for a request that could not get
 * memory for its struct fl_req: libmicrohttpd's allocations are its own,
 * so this answer can still be made. */
static enum MHD_Result answer_no_memory(struct MHD_Connection *conn)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(fl_req_no_memory), (void *)fl_req_no_memory, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Retry-After", "2");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(conn, 503, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(struct fl_server *srv, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *upload_data, size_t *upload_size,
			      void **con_cls)
{
	struct fl_req *r = *con_cls;

	if ((void *)r == &no_memory) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r) {
		char allow[64];
		int body, rc;

		r = req_new(srv, conn, url, method);
		if (!r) {
			*con_cls = &no_memory;
			return answer_no_memory(conn);
		}
		*con_cls = r;
		srv->inflight++;
		fl_log_set_request(r->priv->request_id);
		rc = framing(r, &body);
		/* the body's deadline runs from now; a request the guard cut a
		 * moment ago does not run */
		if (body ? fl_guard_headers_in(conn) : fl_guard_working(conn))
			return MHD_NO;
		if (rc) {
			fl_req_header(r, "Connection", "close");
			return fl_req_respond_error(r, rc);
		}
		r->route_index = fl_route_find(method, url, r->id, allow, sizeof allow);
		/* an app's page may share its path with a form's POST (/portal/requests) */
		if (r->route_index < 0 && (!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
		    fl_web_owns(url)) {
			r->route_index = -1;
			return fl_web_respond(r);
		}
		if (r->route_index == -1)
			return fl_req_respond_error(r, FL_ENOTFOUND);
		if (r->route_index == -2) {
			fl_req_header(r, "Allow", allow);
			return fl_req_respond_error(r, FL_EMETHOD);
		}
		r->route = &fl_routes[r->route_index];
		r->priv->body.max = r->route->body_limit ? r->route->body_limit
				    : r->route->flags & FL_ROUTE_RAW_BODY
					    ? srv->config.attachment_limit
				    : r->route->flags & FL_ROUTE_FORM_BODY
					    ? srv->config.attachment_limit + srv->config.body_limit
					    : srv->config.body_limit;
		return check_headers(r);
	}
	fl_log_set_request(r->priv->request_id);
	if (r->priv->state == DONE) {
		*upload_size = 0; /* a reply is queued; drop the rest of the body */
		return MHD_YES;
	}
	if (*upload_size) {
		/* a body past the limit is refused at once (refuse_now) and
		 * dropped until it ends; a client that keeps sending far past it
		 * is cut off */
		r->priv->received += *upload_size;
		fl_guard_body_progress(conn, r->priv->received);
		if (!r->priv->failed && r->priv->state == RECEIVING) {
			r->priv->failed = fl_buf_add(&r->priv->body, upload_data, *upload_size);
			if (r->priv->failed == FL_ETOOBIG) {
				fl_req_fail(r, FL_ETOOBIG, NULL, NULL,
					    "The request body is larger than %zu bytes",
					    r->priv->body.max);
				refuse_now(r, FL_ETOOBIG);
			}
		}
		*upload_size = 0;
		return r->priv->received / 8 > r->priv->body.max ? MHD_NO : MHD_YES;
	}
	if (r->priv->state == ANSWERED)
		return MHD_NO; /* the body ended: close */
	if (fl_guard_working(conn))
		return MHD_NO; /* cut as its last bytes came: it was answered 408 */
	if (r->priv->failed)
		return fl_req_respond_error(r, r->priv->failed);
	if (r->priv->state == WAITING) {
		r->priv->state = RECEIVING;
		if (r->priv->tx_rc)
			return fl_req_finish(r, r->priv->tx_rc);
		return fl_req_finish(r, r->priv->render(r));
	}
	return run(r);
}

/* libmicrohttpd's call for a request (see the top of this file), with
 * the request's id as the thread's log context meanwhile. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	enum MHD_Result ret;

	(void)version;
	ret = handle(cls, conn, url, method, upload_data, upload_size, con_cls);
	fl_log_set_request(NULL);
	return ret;
}

/* One line a request: "METHOD PATH STATUS" and the fields request_id (as
 * in X-Request-Id), client (the socket's address), user_id (0:
 * anonymous), method, route (the route's pattern, as /metrics labels it;
 * "unmatched" for none), status, bytes (of the answer's body) and
 * duration_ms. The log escapes what the client sent (core/log.h). */
static void log_line(struct fl_req *r, uint64_t us)
{
	const char *route = r->route_index >= 0 ? fl_routes[r->route_index].pattern : "unmatched";
	char msg[320];
	struct fl_log_field f[] = {
		{"request_id", FL_LOG_STR, r->priv->request_id, 0},
		{"client", FL_LOG_STR, fl_req_peer(r), 0},
		{"user_id", FL_LOG_INT, NULL, r->actor.id},
		{"method", FL_LOG_STR, r->method, 0},
		{"route", FL_LOG_STR, route, 0},
		{"status", FL_LOG_INT, NULL, r->status},
		{"bytes", FL_LOG_INT, NULL, (int64_t)r->priv->bytes_out},
		{"duration_ms", FL_LOG_US_AS_MS, NULL, (int64_t)us},
	};

	snprintf(msg, sizeof msg, "%.16s %.256s %d", r->method, r->url, r->status);
	fl_log_fields("info", msg, f, sizeof f / sizeof *f);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct fl_server *srv = cls;
	struct fl_req *r = *con_cls;
	uint64_t us;

	if ((void *)r == &no_memory)
		*con_cls = NULL;
	if (!r || (void *)r == &no_memory)
		return;
	us = fl_mono_us() - r->priv->t0;
	if (fl_guard_answered(conn) && r->priv->state != DONE && r->priv->state != ANSWERED)
		r->status = 408; /* the guard cut it: too slow */
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->priv->state != DONE &&
		 r->priv->state != ANSWERED)
		r->status = 499; /* the client went away */
	fl_metrics_observe(srv, r->route_index, r->status, us);
	if (srv->config.log_requests)
		log_line(r, us);
	json_decref(r->reply);
	json_decref(r->body);
	fl_buf_free(&r->priv->body);
	fl_buf_free(&r->priv->items);
	fl_arena_free(&r->arena);
	free(r);
	*con_cls = NULL;
	srv->inflight--;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, struct fl_err *e)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	int64_t port;
	size_t hlen;

	memset(ss, 0, sizeof *ss);
	if (!colon || fl_str_to_i64(fl_str_c(colon + 1), &port) || port < 0 || port > 65535)
		goto bad;
	hlen = (size_t)(colon - listen);
	if (hlen >= sizeof host)
		goto bad;
	memcpy(host, listen, hlen);
	host[hlen] = 0;
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		host[hlen - 1] = 0;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			goto bad;
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		goto bad;
	return 0;
bad:
	return fl_err_set(e, FL_EINVAL, "listen", "InvalidValue",
			  "listen address must be HOST:PORT or [IPV6]:PORT, not '%s'", listen);
}

/* libmicrohttpd's own messages, through our log, one line each. A client
 * that went away while we wrote to it (a browser tab closed on the event
 * stream, a client that gave up) is how connections end, not a fault:
 * such lines are dropped, or every closed tab would add one. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static const char *const gone[] = {"no longer available for sending",
					   "Connection reset by peer", "Broken pipe"};
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\r\n")] = 0;
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
		if (strstr(line, gone[i]))
			return;
	fl_log("warn", "libmicrohttpd: %s", line);
}

/* Frees what fl_server_start made besides the daemon. */
static void free_parts(struct fl_server *srv)
{
	fl_guard_free(srv->guard);
	fl_metrics_free(srv);
	fl_quota_free(srv->quota);
	fl_ratelimit_free(srv->ratelimit);
	fl_authcache_free(srv->authcache);
	fl_rendered_free(srv->rendered);
	free(srv);
}

int fl_server_start(struct fl_server **out, const struct fl_config *c, fl_store *s,
		    struct fl_hub *hub, struct fl_err *e)
{
	struct fl_server *srv = calloc(1, sizeof *srv);
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	int rc;

	if (!srv)
		return FL_ENOMEM;
	srv->config = *c;
	srv->store = s;
	srv->hub = hub;
	rc = parse_listen(c->listen, &ss, e);
	if (rc) {
		free(srv);
		return rc;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	rc = fl_metrics_init(srv);
	if (!rc && c->rate_limit)
		rc = fl_quota_new(c->rate_limit, QUOTA_KEYS, &srv->quota);
	srv->ratelimit = fl_ratelimit_new();
	srv->authcache = fl_authcache_new();
	srv->rendered = fl_rendered_new();
	if (!rc)
		rc = fl_guard_new(c, &srv->guard);
	if (rc || !srv->ratelimit || !srv->authcache || !srv->rendered) {
		free_parts(srv);
		return rc ? rc : FL_ENOMEM;
	}
	/* CONNECTION_TIMEOUT is libmicrohttpd's idle timeout, reset by every
	 * byte: it ends connections that stopped (a client that reads no
	 * answer); the guard ends those that go too slowly. The logger comes
	 * first, or libmicrohttpd's messages about the options before it go to
	 * its own logger. A connection's memory pool holds its headers and
	 * buffers: 32 KB, not 64, as a waiting chat visitor's stream holds its
	 * pool the whole time (1,000 of them: 31 KB each, not 47 — bench/chat.sh);
	 * browsers' headers are a few KB */
	srv->daemon = MHD_start_daemon(
		flags, 0, fl_guard_accept, srv->guard, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, fl_guard_notify, srv->guard,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(32 * 1024), MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
	if (!srv->daemon) {
		free_parts(srv);
		return fl_err_set(e, FL_EIO, "listen", NULL, "cannot listen on %s", c->listen);
	}
	*out = srv;
	return 0;
}

uint16_t fl_server_port(struct fl_server *srv)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void fl_server_stop(struct fl_server *srv, unsigned wait_ms)
{
	MHD_socket fd;

	if (!srv)
		return;
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	/* requests waiting for the writer finish whatever the wait: stopping
	 * the daemon under them would free requests the writer still holds;
	 * so do event streams, ended by closing the hub */
	fl_hub_close(srv->hub);
	for (unsigned waited = 0;
	     (srv->inflight > 0 && waited < wait_ms) || srv->suspended > 0 || srv->streams > 0;
	     waited += 10)
		usleep(10 * 1000);
	MHD_stop_daemon(srv->daemon);
	free_parts(srv);
}
