/* Private to src/http/. */
#ifndef FL_HTTP_INT_H
#define FL_HTTP_INT_H

#include <stdatomic.h>

#include "http/http.h"

/* A handler's "the reply comes later": the connection is suspended. */
#define FL_PENDING 1

struct fl_metrics;

struct fl_server {
	struct MHD_Daemon *daemon;
	struct fl_config config;
	fl_store *store;
	_Atomic long inflight;  /* requests between first call and completion */
	_Atomic long suspended; /* requests waiting for the writer */
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

json_t *fl_req_error_json(const struct fl_err *e, int code);

#endif
