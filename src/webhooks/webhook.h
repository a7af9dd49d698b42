/* Outbound webhooks: endpoints the desk calls with JSON when a trigger says
 * so (fl_webhook_fire) or a ticket event they subscribe to happens
 * (fl_webhooks_ticket_written), in Zendesk's /api/v2/webhooks shapes.
 *
 * A call is never made in a request: it is an invocation in the delivery
 * log and a "webhook-send" job (send.c) that makes the HTTP request, signs
 * it with the webhook's secret, retries it with backoff on timeouts, 5xx,
 * 408 and 429, and writes each attempt to the log.
 *
 * The desk never calls its own network: an endpoint whose address is
 * loopback, private, link-local (the cloud metadata address among them),
 * CGNAT, unspecified, multicast or broadcast is refused unless its host is
 * on the admin's allow list (the setting webhooks.allowed_hosts). A URL
 * naming such an address literally is refused when it is saved; a host
 * name is resolved by curl at every delivery, and the address every
 * socket is about to connect to is checked before it connects (curl's
 * open-socket callback): the address checked is the one connected to.
 * This file is the rules, in plain C. */
#ifndef FL_WEBHOOKS_WEBHOOK_H
#define FL_WEBHOOKS_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/err.h"

struct fl_tx;
struct fl_ticket;
struct fl_ticket_write;

#define FL_WEBHOOK_NAME_MAX 255
#define FL_WEBHOOK_DESCRIPTION_MAX 1024
#define FL_WEBHOOK_ENDPOINT_MAX 2048
#define FL_WEBHOOKS_MAX 100              /* webhooks a desk keeps */
#define FL_WEBHOOK_LOG_KEEP 1000         /* invocations kept per webhook */
#define FL_WEBHOOK_SECRET_LEN 64         /* hex characters */
#define FL_WEBHOOK_ALLOWED_MAX 100       /* hosts on the allow list */
#define FL_WEBHOOK_HOST_MAX 253          /* a DNS name's longest */
#define FL_WEBHOOK_BODY_MAX (256 * 1024) /* bytes of one request body */
#define FL_WEBHOOK_LOG_BODY_KEEP 4096    /* bytes of a final invocation's body kept */
#define FL_WEBHOOK_ATTEMPTS 5            /* tries of one invocation, the first included */
#define FL_WEBHOOK_RETRY_AFTER_MAX 600   /* seconds of a Retry-After honoured at most */

/* The ticket events a webhook can subscribe to, as bits. */
enum {
	FL_WH_TICKET_CREATED = 1 << 0,
	FL_WH_TICKET_UPDATED = 1 << 1,
	FL_WH_TICKET_SOLVED = 1 << 2,
	FL_WH_TICKET_DELETED = 1 << 3,
	FL_WH_TICKET_COMMENT_ADDED = 1 << 4,
	FL_WH__EVENTS = 5
};
/* "ticket.created" … by bit index; -1 from fl_webhook_event_bit for a
 * name that is none of them. */
const char *fl_webhook_event_name(int index);
int fl_webhook_event_bit(const char *name);

struct fl_webhook {
	int64_t id;
	char *name, *description, *endpoint;
	char *http_method;    /* "POST", "PUT" or "PATCH" */
	char *request_format; /* "json" */
	char *status;         /* "active" or "inactive" */
	char *subscriptions;  /* a JSON array of event names, as stored */
	char *signing_secret;
	int64_t created_by, created_at, updated_at;
};

/* The hosts an admin allows to be called whatever their address: host
 * names (lower case) and IP literals, as the URL or the resolver gives
 * them (IPv6 without brackets). */
struct fl_webhook_allow {
	char **hosts;
	size_t n;
};
/* Reads the setting's text (hosts separated by commas, spaces or new
 * lines), cutting it in place, into hosts (room for max) and a. */
void fl_webhook_allow_parse(char *text, char **hosts, size_t max, struct fl_webhook_allow *a);
int fl_webhook_allowed(const struct fl_webhook_allow *a, const char *host);
/* Whether z can be on the allow list: a host name of letters, digits, '-'
 * and '.' (1..FL_WEBHOOK_HOST_MAX), or an IPv4 or IPv6 literal. */
int fl_webhook_host_ok(const char *z);

/* Why an address may not be called — "loopback", "private",
 * "link-local", "shared address space (CGNAT)", "unspecified",
 * "multicast", "broadcast", "reserved", "Teredo tunnel" — or NULL when it
 * may. An IPv6 address that carries an IPv4 one (mapped ::ffff:0:0/96,
 * compatible ::/96, translated ::ffff:0:0:0/96, 6to4 2002::/16, NAT64
 * 64:ff9b::/96 and local-use 64:ff9b:1::/48 in its /96 layout) is judged
 * by the IPv4 address in it; local-use NAT64 in any other layout is
 * "reserved", Teredo (2001::/32) always refused. family is AF_INET
 * (addr: 4 bytes, network order) or AF_INET6 (16). */
const char *fl_webhook_addr_refused(int family, const unsigned char *addr);
/* The same for the address a socket is about to connect to (what curl's
 * open-socket callback is given); any family but AF_INET and AF_INET6 is
 * "reserved". The address as text into text (cap bytes; 46 hold any). */
const char *fl_webhook_sockaddr_refused(const struct sockaddr *sa, char *text, size_t cap);
/* The same for text: an IP literal (IPv6 with or without brackets, IPv4
 * in any form inet_aton reads, "0x7f.1" too); NULL also when z is not an
 * IP literal at all (*is_ip then 0). */
const char *fl_webhook_ip_refused(const char *z, int *is_ip);

/* An endpoint's parts, as the delivery needs them. */
struct fl_webhook_url {
	char scheme[8];
	char host[FL_WEBHOOK_HOST_MAX + 3]; /* lower case; an IPv6 literal in brackets */
	int port;
};
/* Checks url as an endpoint may be saved: http or https, no user name or
 * password in it, a host in ASCII (a name that is not ASCII must be in
 * its punycode form: curl would call another name than the one judged),
 * at most FL_WEBHOOK_ENDPOINT_MAX bytes; a host that is an IP literal of a refused address, or "localhost" (or a name
 * under .localhost), is refused unless allowed. FL_EINVAL naming
 * "endpoint" with the reason in e. Fills *out when not NULL. */
int fl_webhook_url_check(const char *url, const struct fl_webhook_allow *allow,
			 struct fl_webhook_url *out, struct fl_err *e);

/* Checks w as it may be stored: a name, an endpoint (fl_webhook_url_check),
 * the method, format and status known, the description's length.
 * FL_EINVAL naming the field. */
int fl_webhook_check(const struct fl_webhook *w, const struct fl_webhook_allow *allow,
		     struct fl_err *e);

/* base64 of HMAC-SHA256 keyed with secret (its bytes as they are) over
 * timestamp followed by body: the X-Frontline-Webhook-Signature header.
 * out holds at least 45 bytes. */
void fl_webhook_sign(const char *secret, const char *timestamp, const char *body, size_t nbody,
		     char out[45]);

/* Seconds to wait before the try after attempt (1-based), first the wait
 * after the first: first, doubled each time; a Retry-After (seconds, > 0)
 * given by the endpoint replaces it, up to FL_WEBHOOK_RETRY_AFTER_MAX. */
int64_t fl_webhook_backoff(int attempt, int64_t first, int64_t retry_after);
/* Whether an attempt that ended so is tried again: no answer (a timeout,
 * a refused connection: status 0 and not refused by our rules), 408, 429
 * and 5xx; never another 4xx, a 2xx or a 3xx (redirects are not
 * followed). */
int fl_webhook_retryable(long status, int refused);

/* The functions the rules call (wired in serve.c). fl_webhook_exists: 0
 * or FL_ENOTFOUND. fl_webhook_fire queues a delivery of body (JSON text,
 * already rendered) about ticket t (NULL: none) in tx; an inactive webhook
 * queues nothing and returns 0; FL_ENOTFOUND for no such webhook,
 * FL_EINVAL when body is not a JSON object or is too long. */
int fl_webhook_exists(struct fl_tx *tx, int64_t id);
int fl_webhook_fire(struct fl_tx *tx, int64_t id, const struct fl_ticket *t, const char *body);
/* The ticket write hook (fl_ticket_add_hook): one delivery per active
 * webhook subscribed to what the write was. */
int fl_webhooks_ticket_written(struct fl_tx *tx, const struct fl_ticket_write *w);

/* Queues invocation inv's attempt (1-based) at run_at, in tx. */
int fl_webhook_queue(struct fl_tx *tx, int64_t inv, int attempt, int64_t run_at);

/* The delivery (send.c). */
struct fl_store;
struct fl_job;
/* How one request went: the answer's status (0: none came), or why there
 * was none; refused says our address rules stopped it (never retried). */
struct fl_webhook_result {
	long status;
	int refused;
	int64_t retry_after; /* seconds the endpoint asked us to wait, or 0 */
	int64_t duration_ms;
	char error[640];
};
/* Calls w's endpoint now with body, signed, as invocation invocation_id:
 * the host resolved by curl within the connect timeout, and the address of
 * each socket checked (unless the host is allowed) just before it
 * connects; http(s) only, no redirects followed, 5 s to connect
 * and 10 s in all, the answer's body read up to 64 KiB and dropped. Fills
 * *res; returns 0, or FL_ENOMEM. Blocks: never in a request's transaction. */
int fl_webhook_request(const struct fl_webhook *w, const struct fl_webhook_allow *allow,
		       int64_t invocation_id, const char *body, struct fl_webhook_result *res);
/* The "webhook-send" job: makes the request (outside any transaction),
 * then records the attempt and queues the next one when it is to be
 * retried, in one transaction. */
int fl_webhook_send_job(struct fl_store *s, const struct fl_job *job, struct fl_err *e);
/* Seconds before the first retry (the config's webhook_backoff; 10 by
 * default); each retry after waits twice as long. */
void fl_webhooks_set_backoff(int64_t seconds);
/* The setting that holds the allow list. */
#define FL_WEBHOOK_ALLOW_SETTING "webhooks.allowed_hosts"

#endif
