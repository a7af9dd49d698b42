/* Webhook delivery (webhooks/webhook.h): invocations queued in a ticket's
 * or a rule's transaction, the "webhook-send" job that makes each request
 * outside any transaction and records its attempt, and the request itself
 * through libcurl with the address rules applied to the address of every
 * socket it connects. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sys/socket.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/random.h"
#include "core/str.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "store/jobs.h"
#include "store/settings.h"
#include "store/webhooks.h"
#include "tickets/ticket.h"
#include "webhooks/webhook.h"

#define CONNECT_TIMEOUT 5L
#define TOTAL_TIMEOUT 10L
#define ANSWER_MAX (64 * 1024) /* bytes of an answer read before we hang up */

static _Atomic int64_t first_backoff = 10;

void fl_webhooks_set_backoff(int64_t seconds)
{
	first_backoff = seconds > 0 ? seconds : 1;
}

int fl_webhook_queue(fl_tx *tx, int64_t inv, int attempt, int64_t run_at)
{
	char payload[80];

	snprintf(payload, sizeof payload, "{\"invocation_id\":%lld,\"attempt\":%d}", (long long)inv,
		 attempt);
	/* the job's own retries are for a store that failed under it; the
	 * endpoint's failures are retried as attempts of the invocation */
	return fl_store_job_enqueue(tx, "webhook-send", payload, run_at, 3, NULL, fl_now());
}

/* Logs an invocation of webhook w and queues its first attempt now. */
static int invoke(fl_tx *tx, const struct fl_webhook *w, const char *event, int64_t ticket_id,
		  const char *body)
{
	int64_t now = fl_now();
	struct fl_webhook_invocation inv = {0,        w->id, (char *)event, ticket_id, (char *)body,
					    "queued", 0,     now,           now,       0};
	int rc = fl_store_webhook_invocation_add(tx, &inv);
	return rc ? rc : fl_webhook_queue(tx, inv.id, 1, 0);
}

int fl_webhook_exists(fl_tx *tx, int64_t id)
{
	struct fl_webhook w;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_webhook_get(tx, id, &a, &w);
	fl_arena_free(&a);
	return rc;
}

int fl_webhook_fire(fl_tx *tx, int64_t id, const struct fl_ticket *t, const char *body)
{
	struct fl_webhook w;
	json_t *j;
	fl_arena a;
	int rc;

	if (!body || strlen(body) > FL_WEBHOOK_BODY_MAX)
		return FL_EINVAL;
	j = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	rc = json_is_object(j) ? 0 : FL_EINVAL;
	json_decref(j);
	if (rc)
		return rc;
	fl_arena_init(&a, 0);
	rc = fl_store_webhook_get(tx, id, &a, &w);
	if (!rc && !strcmp(w.status, "active"))
		rc = invoke(tx, &w, "trigger", t ? t->id : 0, body);
	fl_arena_free(&a);
	return rc;
}

/* The bits of the events a stored subscription list names. */
static unsigned subscribed(const char *text)
{
	json_t *list = json_loads(text ? text : "[]", 0, NULL), *v;
	unsigned bits = 0;
	size_t i;

	json_array_foreach(list, i, v)
	{
		int b = json_is_string(v) ? fl_webhook_event_bit(json_string_value(v)) : -1;
		if (b >= 0)
			bits |= 1u << b;
	}
	json_decref(list);
	return bits;
}

static json_t *time_json(int64_t t)
{
	char iso[21];
	if (!t)
		return json_null();
	fl_time_iso(t, iso);
	return json_string(iso);
}

static json_t *id_json(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* Stored text as a JSON string, or null for none: bytes that are not
 * UTF-8 (which json_string refuses) become U+FFFD, so text that came in
 * broken never fails the customer's write that sends it. */
static json_t *text_json(const char *z)
{
	fl_buf b;
	json_t *j;

	if (!z)
		return json_null();
	fl_buf_init(&b, 0);
	j = fl_buf_add_utf8(&b, z, strlen(z)) ? NULL : json_stringn(b.p ? b.p : "", b.n);
	fl_buf_free(&b);
	return j;
}

static json_t *ticket_detail(const struct fl_ticket *t)
{
	const char *priority = fl_priority_name(t->priority), *type = fl_type_name(t->type);
	return json_pack("{s:I, s:o, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)t->id, "subject", text_json(t->subject), "status",
			 fl_status_name(t->status), "priority", priority, "type", type,
			 "requester_id", id_json(t->requester_id), "assignee_id",
			 id_json(t->assignee_id), "group_id", id_json(t->group_id), "created_at",
			 time_json(t->created_at), "updated_at", time_json(t->updated_at));
}

int fl_webhooks_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	struct fl_webhook *hooks;
	unsigned happened = 0;
	size_t n;
	fl_arena a;
	int rc;

	if (w->kind == FL_EVENT_CREATE)
		happened = 1u << 0;
	else if (w->kind == FL_EVENT_DELETE)
		happened = 1u << 3;
	else {
		happened = 1u << 1;
		if (w->t->status == FL_STATUS_SOLVED && w->before &&
		    w->before->status != FL_STATUS_SOLVED)
			happened |= 1u << 2;
		if (w->comment_id)
			happened |= 1u << 4;
	}
	fl_arena_init(&a, 0);
	rc = fl_store_webhook_subscribed(tx, &a, &hooks, &n);
	for (int ev = 0; !rc && ev < FL_WH__EVENTS; ev++) {
		char *body = NULL, id[33], iso[21], sub[32];
		json_t *o, *event;

		if (!(happened & (1u << ev)))
			continue;
		for (size_t i = 0; !rc && i < n; i++) {
			if (!(subscribed(hooks[i].subscriptions) & (1u << ev)))
				continue;
			if (!body) {
				fl_random_hex(id, 32);
				fl_time_iso(w->now, iso);
				event = json_pack("{s:o}", "actor_id",
						  w->actor ? json_integer(w->actor->id)
							   : json_null());
				if (ev == 4)
					json_object_set_new(event, "comment",
							    json_pack("{s:I, s:b}", "id",
								      (json_int_t)w->comment_id,
								      "public", w->comment_public));
				snprintf(sub, sizeof sub, "ticket:%lld", (long long)w->t->id);
				o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "type",
					      fl_webhook_event_name(ev), "id", id, "time", iso,
					      "subject", sub, "detail", ticket_detail(w->t),
					      "event", event);
				body = o ? json_dumps(o, JSON_COMPACT) : NULL;
				json_decref(o);
				if (!body) {
					rc = FL_ENOMEM;
					break;
				}
			}
			rc = invoke(tx, &hooks[i], fl_webhook_event_name(ev), w->t->id, body);
		}
		free(body);
	}
	fl_arena_free(&a);
	return rc;
}

/* The answer's body: counted up to ANSWER_MAX, then the transfer ends
 * (the status line and headers are what we keep). */
static size_t drop(char *p, size_t size, size_t n, void *arg)
{
	size_t *got = arg;
	(void)p;
	*got += size * n;
	return *got > ANSWER_MAX ? 0 : size * n;
}

/* What the open-socket callback is told and what it found. */
struct guard {
	const char *host;
	int allowed;
	char why[300]; /* the first address refused and why, or "" */
};

/* curl asks for every socket it connects, with the address it is about to
 * connect to: the very address the request goes to, after curl's own
 * resolving (a name turned to punycode, a second DNS answer, every address
 * happy eyeballs tries). A refused address gets no socket, so it is never
 * connected; curl goes on to the name's other addresses, if any. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct guard *g = arg;
	char text[INET6_ADDRSTRLEN];
	const char *why;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!g->allowed && (why = fl_webhook_sockaddr_refused(&addr->addr, text, sizeof text))) {
		if (!g->why[0])
			snprintf(g->why, sizeof g->why,
				 "refused: %s resolves to %s, a %s address; an admin must allow "
				 "the host",
				 g->host, text[0] ? text : "an address", why);
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

int fl_webhook_request(const struct fl_webhook *w, const struct fl_webhook_allow *allow,
		       int64_t invocation_id, const char *body, struct fl_webhook_result *res)
{
	struct fl_webhook_url u;
	struct fl_err e = {0};
	struct curl_slist *headers = NULL;
	struct guard g = {0};
	char line[256], ts[21], sig[45];
	size_t got = 0;
	uint64_t t0 = fl_mono_us();
	const char *why;
	int is_ip, allowed;
	CURLcode cc;
	CURL *c;

	memset(res, 0, sizeof *res);
	if (fl_webhook_url_check(w->endpoint, allow, &u, &e)) {
		snprintf(res->error, sizeof res->error, "refused: %s", e.msg);
		res->refused = 1;
		return 0;
	}
	allowed = fl_webhook_allowed(allow, u.host);
	why = fl_webhook_ip_refused(u.host, &is_ip);
	if (why && !allowed) { /* url_check said as much; kept for a clear reason */
		snprintf(res->error, sizeof res->error, "refused: %s is a %s address", u.host, why);
		res->refused = 1;
		return 0;
	}
	g.host = u.host;
	g.allowed = allowed;
	if (!(c = curl_easy_init()))
		return FL_ENOMEM;
	fl_time_iso(fl_now(), ts);
	fl_webhook_sign(w->signing_secret, ts, body, strlen(body), sig);
	headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8");
	headers = curl_slist_append(headers, "User-Agent: Frontline-Webhooks/1");
	headers = curl_slist_append(headers, "Expect:");
	snprintf(line, sizeof line, "X-Frontline-Webhook-Id: %lld", (long long)w->id);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof line, "X-Frontline-Webhook-Invocation-Id: %lld",
		 (long long)invocation_id);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof line, "X-Frontline-Webhook-Signature: %s", sig);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof line, "X-Frontline-Webhook-Signature-Timestamp: %s", ts);
	headers = curl_slist_append(headers, line);

	curl_easy_setopt(c, CURLOPT_URL, w->endpoint);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* a proxy would make its own DNS answer: the address checked is the
	 * one connected to, or none */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	/* the address rules, on the socket itself (no resolving of ours: curl's
	 * is bounded by the connect timeout, a getaddrinfo of ours is not) */
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &g);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, w->http_method);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && res->status)) {
		curl_off_t ra = 0;
		if (!curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) && ra > 0)
			res->retry_after = (int64_t)ra;
	} else if (g.why[0]) { /* no address it may call answered */
		res->status = 0;
		res->refused = 1;
		snprintf(res->error, sizeof res->error, "%s", g.why);
	} else {
		res->status = 0;
		snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(cc));
	}
	res->duration_ms = (int64_t)((fl_mono_us() - t0) / 1000);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return 0;
}

/* What a job's request found, for the transaction that records it. */
struct sent {
	int64_t invocation_id;
	int attempt;
	const char *state;
	int64_t next_at;
	struct fl_webhook_result res;
};
struct load {
	int64_t invocation_id;
	fl_arena *a;
	struct fl_webhook_invocation inv;
	struct fl_webhook w;
	char *allowed;
	int found;
};

static int tx_load(fl_tx *tx, void *arg)
{
	struct load *l = arg;
	int rc = fl_store_webhook_invocation_get(tx, l->invocation_id, l->a, &l->inv);

	if (!rc)
		rc = fl_store_webhook_get(tx, l->inv.webhook_id, l->a, &l->w);
	if (rc == FL_ENOTFOUND) /* deleted, or trimmed from the log: nothing to send */
		return 0;
	if (!rc)
		rc = fl_store_setting_get(tx, FL_WEBHOOK_ALLOW_SETTING, l->a, &l->allowed);
	if (rc == FL_ENOTFOUND)
		rc = 0;
	l->found = !rc;
	return rc;
}

static int tx_record(fl_tx *tx, void *arg)
{
	struct sent *last = arg;
	struct fl_webhook_attempt at;
	struct fl_webhook_invocation inv;
	int64_t now = fl_now();
	fl_arena a;
	int rc;

	at = (struct fl_webhook_attempt){0,
					 last->invocation_id,
					 last->attempt,
					 (int)last->res.status,
					 last->res.error,
					 last->res.duration_ms,
					 now};
	/* the webhook may have been deleted while its request ran */
	fl_arena_init(&a, 0);
	rc = fl_store_webhook_invocation_get(tx, last->invocation_id, &a, &inv);
	if (rc) {
		fl_arena_free(&a);
		return rc == FL_ENOTFOUND ? 0 : rc;
	}
	rc = fl_store_webhook_attempt_add(tx, &at, last->state, now);
	if (!rc && !strcmp(last->state, "retrying"))
		rc = fl_webhook_queue(tx, last->invocation_id, last->attempt + 1, last->next_at);
	/* a final invocation is never sent again: its body is only a record,
	 * and 1,000 bodies of 256 KiB a webhook would make the log gigabytes */
	if (!rc && strcmp(last->state, "retrying") && inv.body &&
	    strlen(inv.body) > FL_WEBHOOK_LOG_BODY_KEEP) {
		size_t n = FL_WEBHOOK_LOG_BODY_KEEP;
		while (n && ((unsigned char)inv.body[n] & 0xC0) == 0x80)
			n--; /* between characters */
		inv.body[n] = 0;
		rc = fl_store_webhook_invocation_set_body(tx, last->invocation_id, inv.body);
	}
	fl_arena_free(&a);
	return rc;
}

int fl_webhook_send_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	fl_arena a;
	struct load l = {0};
	struct sent last = {0};
	char *hosts[FL_WEBHOOK_ALLOWED_MAX];
	struct fl_webhook_allow allow;
	int rc;

	l.invocation_id = json_integer_value(json_object_get(p, "invocation_id"));
	last.attempt = (int)json_integer_value(json_object_get(p, "attempt"));
	json_decref(p);
	if (l.invocation_id <= 0 || last.attempt <= 0)
		return fl_err_set(e, FL_EINVAL, NULL, NULL, "webhook-send: a bad payload");
	fl_arena_init(&a, 0);
	l.a = &a;
	rc = fl_store_read(s, tx_load, &l);
	if (rc || !l.found) {
		fl_arena_free(&a);
		return rc;
	}
	last.invocation_id = l.invocation_id;
	if (strcmp(l.w.status, "active")) {
		snprintf(last.res.error, sizeof last.res.error,
			 "not sent: the webhook is inactive");
		last.res.refused = 1;
	} else {
		fl_webhook_allow_parse(l.allowed, hosts, FL_WEBHOOK_ALLOWED_MAX, &allow);
		rc = fl_webhook_request(&l.w, &allow, l.invocation_id, l.inv.body, &last.res);
	}
	fl_arena_free(&a);
	if (rc)
		return rc;
	if (last.res.status >= 200 && last.res.status <= 299)
		last.state = "delivered";
	else if (fl_webhook_retryable(last.res.status, last.res.refused) &&
		 last.attempt < FL_WEBHOOK_ATTEMPTS) {
		last.state = "retrying";
		last.next_at = fl_now() + fl_webhook_backoff(last.attempt, first_backoff,
							     last.res.retry_after);
	} else
		last.state = "failed";
	/* recorded at once, in a transaction of its own: a runner that dies
	 * before the job is marked done sends the request again (at least
	 * once, as every webhook sender promises) */
	return fl_store_write(s, tx_record, &last);
}
