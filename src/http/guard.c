/* Slow and greedy clients (http_int.h, "The connection guard"): a cap on
 * the connections one address holds, and deadlines with a minimum rate for
 * what a client owes us.
 *
 * libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout: every
 * byte resets it, so a client sending one byte a second holds its
 * connection for ever, and 4,096 of them hold the server. The guard keeps a
 * record per connection (MHD_OPTION_NOTIFY_CONNECTION) with the deadline of
 * what the connection waits for, and a reaper thread shuts down(2) the
 * sockets past theirs; libmicrohttpd then reads the end of the stream and
 * closes the connection as if the client had gone.
 *
 * A connection is under a deadline only while the client owes us bytes:
 *   headers  from its start, or from its previous answer, to the end of a
 *            request's headers: header_timeout. The wait on a kept-alive
 *            connection counts (answers say so in Keep-Alive: timeout=N).
 *   body     from the headers to the end of the body: body_timeout plus one
 *            second for each body_min_rate bytes received (Apache's
 *            mod_reqtimeout MinRate), so a client that keeps up the rate on
 *            average is never cut, however large its body.
 *   none     while we work: the handler, the writer's queue (the connection
 *            suspended), the answer, an event stream (it has no end).
 * A body cut short is answered 408 (RFC 9110 section 15.5.9) before the
 * socket is shut down; headers are not, since a kept-alive connection that
 * sent nothing yet is not late with any request.
 *
 * Descriptors: a record leaves the list in NOTIFY_CLOSED, which
 * libmicrohttpd (0.9.75, MHD_cleanup_connections) calls before it
 * close(2)s the socket, and the reaper shuts a socket down only with the
 * lock held and the record in the list: it never touches a descriptor
 * number that was closed and perhaps given to another connection. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/limit.h"
#include "core/time.h"
#include "http/http_int.h"

#define REAP_EVERY_MS 250 /* how late a cut may come: a quarter of the 1 s unit of the settings */
#define ADDR_BUCKETS 1024 /* addresses are at most the 4,096 connections */

enum { WAIT_NONE, WAIT_HEADERS, WAIT_BODY, WAIT_DRAIN };

/* The open connections of one address (IPv6: one /64). */
struct addr_count {
	struct addr_count *next;
	char key[48];
	unsigned n;
};

/* A deadline no clock reaches, taken by cut() so that its connection's
 * own thread, moving the deadline on at the same moment, learns it lost. */
#define CUT UINT64_MAX

struct fl_conn {
	struct fl_guard *g;
	struct fl_conn *prev, *next; /* the list, under the guard's lock */
	struct addr_count *addr;     /* counted under; NULL when uncapped */
	int fd;
	_Atomic uint64_t deadline; /* fl_mono_us; 0: none; CUT: cut */
	_Atomic int wait;          /* WAIT_* */
	_Atomic int cut;           /* the reaper ended it */
	uint64_t body_t0;          /* the connection's own thread only */
};

struct fl_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t reaper;
	int stopping;
	struct fl_conn *head;
	struct addr_count *bucket[ADDR_BUCKETS];
	unsigned cap;
	uint64_t header_us, body_us;
	uint64_t min_rate;
};

/* The key an address counts under: IPv4 as it is (also when mapped into
 * IPv6), IPv6 by its /64, as the sign-in limiter counts (core/limit.h). */
static void address_key(const struct sockaddr *sa, char key[48])
{
	char text[INET6_ADDRSTRLEN] = "";

	if (sa && sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
			  sizeof text);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 =
			&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, a6->s6_addr + 12, text, sizeof text);
		else
			inet_ntop(AF_INET6, a6, text, sizeof text);
	}
	fl_limit_address_key(text, key);
}

static size_t bucket_of(const char *key)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % ADDR_BUCKETS;
}

/* The count for key, or NULL. Called locked. */
static struct addr_count *addr_find(struct fl_guard *g, const char *key)
{
	struct addr_count *a = g->bucket[bucket_of(key)];
	while (a && strcmp(a->key, key))
		a = a->next;
	return a;
}

enum MHD_Result fl_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct fl_guard *g = cls;
	struct addr_count *a;
	char key[48];
	unsigned n;
	(void)len;

	if (!g->cap)
		return MHD_YES;
	address_key(addr, key);
	pthread_mutex_lock(&g->lock);
	a = addr_find(g, key);
	n = a ? a->n : 0;
	pthread_mutex_unlock(&g->lock);
	return n < g->cap ? MHD_YES : MHD_NO;
}

/* Counts c under its address; 0, or -1 when the address is at its cap (or
 * the count cannot be kept). Called locked. */
static int addr_take(struct fl_guard *g, struct fl_conn *c, const char *key)
{
	struct addr_count *a = addr_find(g, key);

	if (!a) {
		size_t b = bucket_of(key);
		if (!(a = calloc(1, sizeof *a)))
			return -1;
		snprintf(a->key, sizeof a->key, "%s", key);
		a->next = g->bucket[b];
		g->bucket[b] = a;
	}
	a->n++;
	c->addr = a;
	return a->n > g->cap ? -1 : 0;
}

/* Called locked. */
static void addr_drop(struct fl_guard *g, struct addr_count *a)
{
	struct addr_count **p;

	if (!a || --a->n)
		return;
	for (p = &g->bucket[bucket_of(a->key)]; *p != a; p = &(*p)->next)
		;
	*p = a->next;
	free(a);
}

/* The connection's record, NULL when it has none. */
static struct fl_conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void started(struct fl_guard *g, struct MHD_Connection *conn, void **ctx)
{
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *peer =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct fl_conn *c = calloc(1, sizeof *c);
	char key[48];
	int over = 0;

	*ctx = NULL;
	if (!fd)
		return;
	if (!c) { /* unguarded is unbounded: better no connection */
		shutdown(fd->connect_fd, SHUT_RDWR);
		return;
	}
	c->g = g;
	c->fd = fd->connect_fd;
	atomic_store(&c->wait, WAIT_HEADERS);
	atomic_store(&c->deadline, fl_mono_us() + g->header_us);
	address_key(peer ? peer->client_addr : NULL, key);
	pthread_mutex_lock(&g->lock);
	/* fl_guard_accept let it in, but so it may have let in others of the
	 * same address on other threads meanwhile: this count is exact */
	if (g->cap)
		over = addr_take(g, c, key);
	c->next = g->head;
	if (g->head)
		g->head->prev = c;
	g->head = c;
	if (over) {
		atomic_store(&c->deadline, CUT);
		atomic_store(&c->cut, 1);
		shutdown(c->fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&g->lock);
	*ctx = c;
}

static void closed(struct fl_guard *g, void **ctx)
{
	struct fl_conn *c = *ctx;

	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	addr_drop(g, c->addr);
	pthread_mutex_unlock(&g->lock);
	free(c);
	*ctx = NULL;
}

/* Sets c's deadline to d (0: none), unless the reaper cut c first: 1 then. */
static int set_deadline(struct fl_conn *c, uint64_t d)
{
	uint64_t old = atomic_load(&c->deadline);

	do {
		if (old == CUT)
			return 1;
	} while (!atomic_compare_exchange_weak(&c->deadline, &old, d));
	return 0;
}

void fl_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		started(cls, conn, socket_context);
	else
		closed(cls, socket_context);
}

int fl_guard_headers_in(struct MHD_Connection *conn)
{
	struct fl_conn *c = conn_of(conn);

	if (!c)
		return 0;
	c->body_t0 = fl_mono_us();
	atomic_store(&c->wait, WAIT_BODY);
	return set_deadline(c, c->body_t0 + c->g->body_us);
}

void fl_guard_body_progress(struct MHD_Connection *conn, uint64_t received)
{
	struct fl_conn *c = conn_of(conn);

	/* a body being dropped after its answer earns no more time */
	if (!c || atomic_load(&c->wait) != WAIT_BODY)
		return;
	set_deadline(c, c->body_t0 + c->g->body_us + received * 1000000u / c->g->min_rate);
}

void fl_guard_draining(struct MHD_Connection *conn)
{
	struct fl_conn *c = conn_of(conn);

	if (!c)
		return;
	/* the rest of a refused body has header_timeout to end, whatever its
	 * rate: a slot is not held for hours by an answer already given */
	atomic_store(&c->wait, WAIT_DRAIN);
	set_deadline(c, fl_mono_us() + c->g->header_us);
}

int fl_guard_working(struct MHD_Connection *conn)
{
	struct fl_conn *c = conn_of(conn);

	if (!c)
		return 0;
	atomic_store(&c->wait, WAIT_NONE);
	return set_deadline(c, 0);
}

int fl_guard_answered(struct MHD_Connection *conn)
{
	struct fl_conn *c = conn_of(conn);

	if (!c)
		return 0;
	if (atomic_load(&c->cut))
		return 1;
	atomic_store(&c->wait, WAIT_HEADERS);
	return set_deadline(c, fl_mono_us() + c->g->header_us);
}

/* RFC 9110 section 5.6.7: IMF-fixdate, in English whatever the locale. */
static void http_date(char out[64])
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int fl_guard_send(int fd, unsigned status, const char *json)
{
	char head[512], date[64];
	const char *reason = MHD_get_reason_phrase_for(status);
	size_t body = strlen(json);
	int n;

	http_date(date);
	n = snprintf(head, sizeof head,
		     "HTTP/1.1 %u %s\r\nDate: %s\r\nConnection: close\r\n"
		     "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n"
		     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n",
		     status, reason && *reason ? reason : "Error", date, body);
	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	/* both fit an empty socket buffer; a client that filled it gets nothing */
	if (send(fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE) != n ||
	    send(fd, json, body, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)body)
		return -1;
	return 0;
}

/* Cuts c, past its deadline d. Called locked. */
static void cut(struct fl_conn *c, uint64_t d)
{
	static const char late[] =
		"{\"error\":\"RequestTimeout\","
		"\"description\":\"The request body came too slowly\"}";
	uint64_t seen = d;

	/* not if its thread moved it on (a new deadline, or none) meanwhile;
	 * once taken, its thread learns it was cut (set_deadline) */
	if (!atomic_compare_exchange_strong(&c->deadline, &seen, CUT))
		return;
	atomic_store(&c->cut, 1);
	if (atomic_load(&c->wait) == WAIT_BODY)
		fl_guard_send(c->fd, 408, late);
	shutdown(c->fd, SHUT_RDWR);
}

/* Runs REAP_EVERY_MS, so that a connection is cut at most that long after
 * its deadline; a pass looks at every open connection (4,096 at most),
 * which costs microseconds. */
static void *reaper(void *arg)
{
	struct fl_guard *g = arg;
	struct timespec until;

	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		uint64_t now = fl_mono_us();
		for (struct fl_conn *c = g->head; c; c = c->next) {
			uint64_t d = atomic_load(&c->deadline);
			if (d && d != CUT && now >= d)
				cut(c, d);
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += REAP_EVERY_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int fl_guard_new(const struct fl_config *cfg, struct fl_guard **out)
{
	struct fl_guard *g = calloc(1, sizeof *g);
	pthread_condattr_t ca;

	if (!g)
		return FL_ENOMEM;
	g->cap = cfg->conns_per_address;
	g->header_us = (uint64_t)cfg->header_timeout * 1000000u;
	g->body_us = (uint64_t)cfg->body_timeout * 1000000u;
	g->min_rate = cfg->body_min_rate ? cfg->body_min_rate : 1;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->reaper, NULL, reaper, g)) {
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->lock);
		free(g);
		return FL_ENOMEM;
	}
	*out = g;
	return 0;
}

void fl_guard_free(struct fl_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = 1;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->reaper, NULL);
	/* the daemon is stopped: every connection was closed and its record
	 * and count dropped */
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}
