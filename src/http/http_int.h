/* Private to src/http/. */
#ifndef FL_HTTP_INT_H
#define FL_HTTP_INT_H

#include <microhttpd.h>
#include <stdatomic.h>

#include "http/http.h"

/* A handler's "the reply comes later": the connection is suspended. */
#define FL_PENDING 1

struct fl_metrics;

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

int fl_metrics_init(struct fl_server *srv);
void fl_metrics_free(struct fl_server *srv);
void fl_metrics_observe(struct fl_server *srv, int route, int status, uint64_t us);

/* The browser apps' files (web.c): whether url is theirs (tried after the
 * API's routes), and the answer for a GET or HEAD of it. */
int fl_web_owns(const char *url);
enum MHD_Result fl_web_respond(struct fl_req *r);

json_t *fl_req_error_json(const struct fl_err *e, int code);
/* Queues resp as r's answer (status r->status) with the headers every
 * answer has and r's own. */
enum MHD_Result fl_req_queue(struct fl_req *r, struct MHD_Response *resp);

/* The parsers of what a client sends in the request line and headers,
 * pure so that tests/fuzz/fuzz_http.c can drive them. */

/* Finds the route for method and url ("/x/y" or "/x/y.json"): its index in
 * fl_routes with the path's {id}s in id; -1 for no such path, -2 when the
 * path exists but not for this method (allow gets the methods that do). */
int fl_route_find(const char *method, const char *url, int64_t id[2],
		  char *allow, size_t allow_cap);
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
