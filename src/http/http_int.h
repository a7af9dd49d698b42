/* Private to src/http/. */
#ifndef FL_HTTP_INT_H
#define FL_HTTP_INT_H

#include <microhttpd.h>
#include <stdatomic.h>

#include "http/http.h"

/* A handler's "the reply comes later": the connection is suspended. */
#define FL_PENDING 1

struct fl_metrics;
struct fl_guard;
struct fl_quota;

struct fl_server {
	struct MHD_Daemon *daemon;
	struct fl_config config;
	fl_store *store;
	struct fl_hub *hub;
	_Atomic long inflight;  /* requests between first call and completion */
	_Atomic long suspended; /* requests waiting for the writer */
	_Atomic long streams;   /* streamed answers still open (fl_req_stream) */
	struct fl_metrics *metrics;
	struct fl_ratelimit *ratelimit;
	struct fl_authcache *authcache;
	struct fl_rendered *rendered;
	struct fl_guard *guard;
	struct fl_quota *quota; /* the API's rate limit (rate_limit); NULL: none */
};

/* Authenticates r from its Authorization header or session cookie and sets
 * r->actor; no credentials leave the actor anonymous. FL_EAUTH for bad
 * credentials, FL_ERATE (with Retry-After set) after too many failures from
 * one address, FL_EFORBIDDEN for a cookie request without its CSRF token. */
int fl_auth_request(struct fl_req *r);

/* The failed-sign-in limiter and the verified-credentials cache (auth.c). */
struct fl_ratelimit *fl_ratelimit_new(void);
void fl_ratelimit_free(struct fl_ratelimit *rl);
struct fl_authcache *fl_authcache_new(void);
void fl_authcache_free(struct fl_authcache *c);

/* The connection guard (guard.c): at most conns_per_address connections
 * an address (IPv6: a /64), and deadlines for what a client owes —
 * header_timeout for a request's headers, body_timeout plus one second per
 * body_min_rate bytes for its body — enforced by a reaper thread that shuts
 * down the sockets past theirs. fl_guard_new starts the reaper; free it
 * after the daemon stopped. fl_guard_accept is the daemon's accept policy
 * and fl_guard_notify its MHD_OPTION_NOTIFY_CONNECTION, both with the guard
 * as closure. */
int fl_guard_new(const struct fl_config *c, struct fl_guard **out);
void fl_guard_free(struct fl_guard *g);
enum MHD_Result fl_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void fl_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode code);
/* What a connection waits for, told by its own thread: a body (from now:
 * the headers are in), so many body bytes received in all, an answer sent
 * on the socket while the rest of the body is read and dropped for at most
 * header_timeout (a cut then writes no 408), nothing (we are working: no
 * deadline), and the answer done (the next request's headers). Those that
 * return int return 1 when the guard cut the connection first: the request
 * must not run (its client got a 408, or a closed socket). */
int fl_guard_headers_in(struct MHD_Connection *conn);
void fl_guard_body_progress(struct MHD_Connection *conn, uint64_t received);
void fl_guard_draining(struct MHD_Connection *conn);
int fl_guard_working(struct MHD_Connection *conn);
int fl_guard_answered(struct MHD_Connection *conn);
/* Writes a whole answer with a JSON body on socket fd, without blocking,
 * closing the connection (Connection: close); -1 when it did not all fit
 * in the socket's buffer. For the answers libmicrohttpd cannot give. */
int fl_guard_send(int fd, unsigned status, const char *json);

/* The rendered-items cache behind fl_req_item_json (rendered.c), and the
 * body of a reply made by fl_req_reply_list, the items in their place
 * (malloc'd, NULL when out of memory). */
struct fl_rendered *fl_rendered_new(void);
void fl_rendered_free(struct fl_rendered *c);
char *fl_req_splice_items(struct fl_req *r, size_t *len);
/* Its size and hits and misses, for /metrics. */
int fl_rendered_metrics(struct fl_rendered *c, fl_buf *b);

int fl_metrics_init(struct fl_server *srv);
void fl_metrics_free(struct fl_server *srv);
void fl_metrics_observe(struct fl_server *srv, int route, int status, uint64_t us);

/* The browser apps' files (web.c): whether url is theirs (tried after the
 * API's routes), and the answer for a GET or HEAD of it. */
int fl_web_owns(const char *url);
enum MHD_Result fl_web_respond(struct fl_req *r);

/* What the daemon (daemon.c) and the request API (request.c) keep for a
 * request besides struct fl_req: where it is in its life, its body, the
 * transaction and render a write runs, what the log line needs.
 * RECEIVING: headers or body arriving, or running; WAITING: suspended
 * until the writer ran its transaction; DONE: an answer is queued;
 * ANSWERED: answered on the socket itself while the body still arrived
 * (refuse_now); the rest of the body is dropped, then the connection
 * closed. */
enum { RECEIVING, WAITING, DONE, ANSWERED };

/* Every answer names its request in X-Request-Id, and so does the
 * request's log line, so that an operator can find one from the other. */
#define FL_REQUEST_ID_MAX 64
/* Writes the request's id to out (FL_REQUEST_ID_MAX + 1 bytes): the
 * client's own X-Request-Id (given) when it is 1 to FL_REQUEST_ID_MAX
 * characters of [A-Za-z0-9._-], so that a proxy's id carries through;
 * else 32 fresh random hex characters, so that nothing a client sent that
 * could forge a log line or a header is ever echoed. */
void fl_request_id(const char *given, char *out);

struct fl_req_priv {
	fl_buf body;
	int state;
	int failed;      /* an error found while receiving (413) */
	size_t received; /* body bytes seen, kept or not */
	fl_req_tx tx_fn;
	fl_render render;
	int tx_rc;
	uint64_t t0;
	size_t bytes_out;
	char base[288];
	char request_id[FL_REQUEST_ID_MAX + 1]; /* X-Request-Id: see fl_request_id */
	const char *token; /* the API token it was authenticated with (auth.c), or NULL */
	/* X-Rate-Limit and X-Rate-Limit-Remaining, sent when rate_limit > 0 */
	unsigned rate_limit, rate_remaining;
	/* a reply's list already rendered (fl_req_reply_list): its items'
	 * JSON joined by commas, and the body's member they fill */
	fl_buf items;
	char items_key[32];
	int framable; /* sent without X-Frame-Options: fl_req_page */
};

/* Answers r with the JSON error for code (r->err when it is for that code,
 * with its field and message), its status from core/err.c, and
 * Retry-After for a passing shortage (request.c). */
enum MHD_Result fl_req_respond_error(struct fl_req *r, int code);
/* Answers r from what its handler or render returned: FL_PENDING waits for
 * the writer, a negative code is an error, 0 is r's reply (request.c). */
enum MHD_Result fl_req_finish(struct fl_req *r, int rc);

/* The body of the 503 given when memory ran out before an answer could
 * be made: it needs none. */
extern const char fl_req_no_memory[];

json_t *fl_req_error_json(const struct fl_err *e, int code);
/* Queues resp as r's answer (status r->status) with the headers every
 * answer has and r's own. */
enum MHD_Result fl_req_queue(struct fl_req *r, struct MHD_Response *resp);

/* The parsers of what a client sends in the request line and headers,
 * pure so that tests/fuzz/fuzz_http.c can drive them. */

/* Finds the route for method and url ("/x/y" or "/x/y.json"): its index in
 * fl_routes with the path's {id}s in id; -1 for no such path, -2 when the
 * path exists but not for this method (allow gets the methods that do). */
int fl_route_find(const char *method, const char *url, int64_t id[2], char *allow,
		  size_t allow_cap);
/* Paging cursors: "key.id" in unpadded base64url. decode: -1 for anything
 * this server did not make. */
void fl_cursor_encode(int64_t key, int64_t id, char *out, size_t cap);
int fl_cursor_decode(const char *z, int64_t *key, int64_t *id);
/* Decodes the base64 of an HTTP Basic header (RFC 7617) into buf (cap
 * bytes, at least strlen(b64) + 1): "email:password" or Zendesk's
 * "email/token:TOKEN". Pointers point into buf; FL_EAUTH when malformed. */
int fl_basic_parse(const char *b64, char *buf, size_t cap, const char **email,
		   const char **password, const char **token);

#endif
