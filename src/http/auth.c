/* Authenticating requests: HTTP Basic (email:password, email/token:TOKEN),
 * Bearer tokens and the session cookie, with a per-address limit on
 * failures and the CSRF check for cookie-authenticated writes. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "core/limit.h"
#include "core/time.h"
#include "http/http_int.h"
#include "store/users.h"

#define RL_SLOTS 4096
#define RL_PROBE 8
#define RL_WINDOW 60

/* Failed password checks per client address in the current minute. An
 * IPv6 client counts by its /64, which one subscriber usually holds whole. */
struct fl_ratelimit {
	pthread_mutex_t lock;
	struct {
		char key[48];
		int64_t window;
		unsigned failures;
	} slot[RL_SLOTS];
};

struct fl_ratelimit *fl_ratelimit_new(void)
{
	struct fl_ratelimit *rl = calloc(1, sizeof *rl);
	if (rl)
		pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void fl_ratelimit_free(struct fl_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static void peer_key(struct fl_req *r, char key[48])
{
	fl_limit_address_key(fl_req_peer(r), key);
}

static size_t slot_of(const char *key)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % RL_SLOTS;
}

/* The slot that counts for key: its own, else a free or stale one, else the
 * oldest of the probed ones. Called with the lock held. */
static size_t rl_find(struct fl_ratelimit *rl, const char *key, int64_t now, int claim)
{
	size_t start = slot_of(key), oldest = start;

	for (size_t k = 0; k < RL_PROBE; k++) {
		size_t i = (start + k) % RL_SLOTS;
		if (!strcmp(rl->slot[i].key, key))
			return i;
	}
	if (!claim)
		return RL_SLOTS;
	for (size_t k = 0; k < RL_PROBE; k++) {
		size_t i = (start + k) % RL_SLOTS;
		if (!rl->slot[i].key[0] || now - rl->slot[i].window >= RL_WINDOW) {
			oldest = i;
			break;
		}
		if (rl->slot[i].window < rl->slot[oldest].window)
			oldest = i;
	}
	snprintf(rl->slot[oldest].key, sizeof rl->slot[oldest].key, "%s", key);
	rl->slot[oldest].window = now;
	rl->slot[oldest].failures = 0;
	return oldest;
}

/* Seconds until the client may try a password again, 0 when it may now. */
static int64_t rl_blocked(struct fl_server *srv, const char *key)
{
	struct fl_ratelimit *rl = srv->ratelimit;
	int64_t now = fl_now(), wait = 0;
	size_t i;

	pthread_mutex_lock(&rl->lock);
	i = rl_find(rl, key, now, 0);
	if (i < RL_SLOTS && now - rl->slot[i].window < RL_WINDOW &&
	    rl->slot[i].failures >= srv->config.login_attempts)
		wait = RL_WINDOW - (now - rl->slot[i].window);
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

static void rl_fail(struct fl_server *srv, const char *key)
{
	struct fl_ratelimit *rl = srv->ratelimit;
	int64_t now = fl_now();
	size_t i;

	pthread_mutex_lock(&rl->lock);
	i = rl_find(rl, key, now, 1);
	if (now - rl->slot[i].window >= RL_WINDOW) {
		rl->slot[i].window = now;
		rl->slot[i].failures = 0;
	}
	rl->slot[i].failures++;
	pthread_mutex_unlock(&rl->lock);
}

/* Recently verified Bearer tokens and session cookies, so that a busy
 * client costs one hash, not a database transaction, per request. An entry
 * holds the secret's hash (compared in constant time), the actor and, for
 * sessions, the CSRF token; it lives AUTH_TTL_US. A change to users,
 * passwords or sessions empties the cache twice — in its transaction and
 * again once committed (fl_req_forget_credentials) — and a check that began
 * before either may not store its result, so the change takes effect on
 * this node as soon as it is committed. */
#define AUTH_SLOTS 1024
#define AUTH_TTL_US (2 * 1000000)

struct fl_authcache {
	pthread_mutex_t lock;
	uint64_t generation; /* bumped by every forget */
	struct {
		unsigned char hash[32];
		struct fl_actor actor;
		char csrf[40];
		uint64_t until;
	} slot[AUTH_SLOTS];
};

struct fl_authcache *fl_authcache_new(void)
{
	struct fl_authcache *c = calloc(1, sizeof *c);
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void fl_authcache_free(struct fl_authcache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void secret_hash(char kind, const char *secret, unsigned char out[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&st, (const unsigned char *)secret, strlen(secret));
	crypto_generichash_final(&st, out, 32);
}

static int cache_get(struct fl_authcache *c, const unsigned char hash[32], struct fl_actor *actor,
		     char *csrf, size_t csrf_cap)
{
	size_t i = ((size_t)hash[0] << 8 | hash[1]) % AUTH_SLOTS;
	int hit = 0;

	pthread_mutex_lock(&c->lock);
	if (c->slot[i].until > fl_mono_us() && sodium_memcmp(c->slot[i].hash, hash, 32) == 0) {
		*actor = c->slot[i].actor;
		snprintf(csrf, csrf_cap, "%s", c->slot[i].csrf);
		hit = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static uint64_t cache_generation(struct fl_authcache *c)
{
	uint64_t g;
	pthread_mutex_lock(&c->lock);
	g = c->generation;
	pthread_mutex_unlock(&c->lock);
	return g;
}

/* Keeps what a check found, unless the cache was emptied since the check
 * began (generation): its snapshot may predate the change that emptied it. */
static void cache_put(struct fl_authcache *c, uint64_t generation, const unsigned char hash[32],
		      const struct fl_actor *actor, const char *csrf)
{
	size_t i = ((size_t)hash[0] << 8 | hash[1]) % AUTH_SLOTS;

	pthread_mutex_lock(&c->lock);
	if (c->generation != generation) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	memcpy(c->slot[i].hash, hash, 32);
	c->slot[i].actor = *actor;
	snprintf(c->slot[i].csrf, sizeof c->slot[i].csrf, "%s", csrf ? csrf : "");
	c->slot[i].until = fl_mono_us() + AUTH_TTL_US;
	pthread_mutex_unlock(&c->lock);
}

void fl_server_forget_credentials(struct fl_server *srv)
{
	struct fl_authcache *c = srv->authcache;
	pthread_mutex_lock(&c->lock);
	memset(c->slot, 0, sizeof c->slot);
	c->generation++;
	pthread_mutex_unlock(&c->lock);
}

void fl_req_forget_credentials(struct fl_req *r)
{
	fl_server_forget_credentials(r->server);
}

int fl_req_credentials_changed(struct fl_req *r, fl_tx *tx)
{
	fl_server_forget_credentials(r->server);
	return fl_store_notify(tx, FL_AUTH_CHANGED_EVENT);
}

struct check {
	struct fl_req *r;
	const char *email, *password, *token, *cookie;
	const char *csrf;
};

static int tx_check(fl_tx *tx, void *arg)
{
	struct check *c = arg;
	struct fl_req *r = c->r;

	if (c->cookie)
		return fl_auth_session_check(tx, c->cookie, &r->arena, &r->actor, &c->csrf);
	if (c->token) {
		struct fl_actor a;
		int rc = fl_auth_token_check(tx, c->token, &r->arena, &a);
		if (rc)
			return rc;
		if (c->email) {
			/* Zendesk's email/token form: the token must be that user's */
			struct fl_user u;
			char addr[256];
			if (strlen(c->email) >= sizeof addr)
				return FL_EAUTH;
			memcpy(addr, c->email, strlen(c->email) + 1);
			if (fl_email_normalize(addr))
				return FL_EAUTH;
			/* no such user is the client's error; a store that fails
			 * (out of memory, I/O) is ours, never a 401 */
			rc = fl_store_user_by_email(tx, addr, &r->arena, &u);
			if (rc)
				return rc == FL_ENOTFOUND ? FL_EAUTH : rc;
			if (u.id != a.id)
				return FL_EAUTH;
		}
		r->actor = a;
		return 0;
	}
	return fl_auth_password_check(tx, c->email, c->password, &r->arena, &r->actor);
}

const char *fl_req_cookie_name(struct fl_req *r)
{
	/* __Host-: only settable by this host, over TLS, for the whole site */
	return r->config->cookie_secure ? "__Host-fl_session" : "fl_session";
}

const char *fl_req_cookie(struct fl_req *r)
{
	const char *v =
		MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, fl_req_cookie_name(r));
	return v && *v ? v : NULL;
}

/* Decodes "Basic …" into c->email and c->password or c->token. */
int fl_basic_parse(const char *b64, char *buf, size_t cap, const char **email,
		   const char **password, const char **token)
{
	size_t len = strlen(b64), n;
	char *colon, *slash;

	*password = *token = NULL;
	if (len > 2048 || cap < len + 1)
		return FL_EAUTH;
	if (sodium_base642bin((unsigned char *)buf, cap - 1, b64, len, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return FL_EAUTH;
	buf[n] = 0;
	if (memchr(buf, 0, n))
		return FL_EAUTH;
	colon = strchr(buf, ':');
	if (!colon)
		return FL_EAUTH;
	*colon = 0;
	*email = buf;
	slash = strstr(buf, "/token");
	if (slash && slash[6] == 0) {
		*slash = 0;
		*token = colon + 1;
	} else {
		*password = colon + 1;
	}
	return 0;
}

static int parse_basic(struct fl_req *r, const char *b64, struct check *c)
{
	size_t cap = strlen(b64) + 1;
	char *buf = cap <= 2049 ? fl_arena_alloc(&r->arena, cap) : NULL;

	if (cap > 2049)
		return FL_EAUTH;
	if (!buf)
		return FL_ENOMEM;
	return fl_basic_parse(b64, buf, cap, &c->email, &c->password, &c->token);
}

int fl_req_login_allowed(struct fl_req *r)
{
	char key[48], secs[24];
	int64_t wait;

	peer_key(r, key);
	wait = rl_blocked(r->server, key);
	if (wait <= 0)
		return 0;
	snprintf(secs, sizeof secs, "%lld", (long long)wait);
	fl_req_header(r, "Retry-After", secs);
	return fl_req_fail(r, FL_ERATE, NULL, NULL,
			   "Too many failed sign-in attempts; retry in %lld seconds",
			   (long long)wait);
}

void fl_req_login_failed(struct fl_req *r)
{
	char key[48];
	peer_key(r, key);
	rl_fail(r->server, key);
}

/* What a session whose password must be changed may still do: change
 * it, see who it is, and sign out (an anonymous route). */
static int password_change_route(const struct fl_route *rt)
{
	static const char *const allowed[][2] = {
		{"PUT", "/api/v2/users/{id}/password"},
		{"GET", "/api/v2/auth/session"},
		{"GET", "/api/v2/users/me"},
	};

	if (rt->role == FL_ROLE_ANONYMOUS)
		return 1;
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		if (!strcmp(rt->method, allowed[i][0]) && !strcmp(rt->pattern, allowed[i][1]))
			return 1;
	return 0;
}

int fl_auth_request(struct fl_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	struct check c = {.r = r};
	unsigned char hash[32];
	char csrf[40];
	uint64_t generation = 0;
	int rc, cacheable = 0;

	if (h && !strncasecmp(h, "Basic ", 6)) {
		rc = parse_basic(r, h + 6, &c);
		if (rc)
			return rc;
	} else if (h && !strncasecmp(h, "Bearer ", 7)) {
		c.token = h + 7;
	} else if (h) {
		return fl_req_fail(r, FL_EAUTH, NULL, NULL, "Unsupported Authorization scheme");
	} else if ((c.cookie = fl_req_cookie(r))) {
		r->via_cookie = 1;
	} else {
		return 0; /* anonymous; the route decides */
	}

	/* passwords can be guessed, so their checks are throttled; tokens and
	 * session ids are 224 random bits and are not */
	if (c.password && (rc = fl_req_login_allowed(r)))
		return rc;
	/* Bearer tokens and cookies may come from the cache (Basic forms also
	 * prove an e-mail address, and passwords are throttled: not cached) */
	if (!c.email && !c.password) {
		char kind = c.cookie ? 's' : 't';
		secret_hash(kind, c.cookie ? c.cookie : c.token, hash);
		if (cache_get(r->server->authcache, hash, &r->actor, csrf, sizeof csrf)) {
			c.csrf = csrf;
			goto authenticated;
		}
		generation = cache_generation(r->server->authcache);
		cacheable = 1;
	}
	rc = fl_store_read(r->store, tx_check, &c);
	if (rc == FL_EAUTH) {
		if (c.password)
			fl_req_login_failed(r);
		r->actor = (struct fl_actor){0, FL_ROLE_ANONYMOUS};
		if (r->via_cookie && r->route->role == FL_ROLE_ANONYMOUS)
			return 0; /* a stale cookie on a public page: treat as signed out */
		return fl_req_fail(r, FL_EAUTH, NULL, NULL,
				   r->via_cookie ? "Your session has expired; sign in again"
						 : "Couldn't authenticate you");
	}
	if (rc)
		return rc;
	if (cacheable)
		cache_put(r->server->authcache, generation, hash, &r->actor, c.csrf);
authenticated:
	r->priv->token = c.token; /* the rate limit counts by it (daemon.c) */
	if (r->via_cookie && strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		const char *sent =
			MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!sent || !c.csrf || strlen(sent) != strlen(c.csrf) ||
		    sodium_memcmp(sent, c.csrf, strlen(c.csrf)) != 0)
			return fl_req_fail(r, FL_EFORBIDDEN, NULL, "InvalidCSRFToken",
					   "A valid X-CSRF-Token header is required");
	}
	/* a one-time password (an admin's reset, the first admin's) opens
	 * nothing but its own change, by session or by password; API tokens
	 * are credentials of their own and keep working */
	if (r->actor.must_change_password && !c.token && !password_change_route(r->route))
		return fl_req_fail(r, FL_EFORBIDDEN, "password", "PasswordChangeRequired",
				   "Choose a new password first (PUT /api/v2/users/%lld/password)",
				   (long long)r->actor.id);
	return 0;
}
