/* The HTTP edge: what handlers see.
 *
 * Every endpoint is one row in the route table (routes.c) and one handler.
 * A handler parses and validates its input, then hands a transaction
 * callback and a render function to fl_req_read or fl_req_write; the
 * framework runs the transaction (reads on this thread, writes through the
 * group-commit writer with the connection suspended meanwhile), then calls
 * render, or renders the error. Authorization is the route row's role: the
 * framework checks it before the handler runs, and ticket visibility is
 * decided by the domain (fl_ticket_load and the end-user scope). */
#ifndef FL_HTTP_HTTP_H
#define FL_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"
#include "users/user.h"

struct fl_req;
typedef int (*fl_handler)(struct fl_req *r);
typedef int (*fl_render)(struct fl_req *r);
typedef int (*fl_req_tx)(fl_tx *tx, struct fl_req *r);

struct fl_route {
	const char *method;
	const char *pattern; /* "/api/v2/tickets/{id}/comments"; {id} is a positive int64;
			      * "{*}", last, is the rest of the path (the handler reads r->url) */
	fl_handler handler;
	int role;          /* least role allowed: FL_ROLE_ANONYMOUS … FL_ROLE_ADMIN */
	size_t body_limit; /* 0: the configured default */
	size_t ctx_size;   /* the handler's state: r->ctx gets this many zeroed bytes */
	unsigned flags;    /* FL_ROUTE_* */
};

/* The body is a file of any type, up to the attachment_limit setting, read
 * with fl_req_body; other routes take JSON only. */
#define FL_ROUTE_RAW_BODY 1u
/* The body is an HTML form (application/x-www-form-urlencoded or
 * multipart/form-data), up to attachment_limit plus body_limit, read with
 * fl_req_body. Such a route is anonymous and reads no credentials: a form
 * speaks for the address it gives, and a signed-in browser's form post has
 * no CSRF header to send. */
#define FL_ROUTE_FORM_BODY 2u
/* The route serves the caller's own account (who am I, my session, my
 * password): every signed-in role reaches it, the viewer too, though its
 * least role is FL_ROLE_END_USER (daemon.c keeps a viewer out of every other
 * row of that role: see allowed() there). */
#define FL_ROUTE_SELF 4u
/* The route is anonymous and reads no credentials: its caller proves who
 * they are some other way, which is the handler's to check (the chat
 * widget's visitor token). A desk session cookie the browser also holds
 * neither signs such a request nor gets it refused for want of a CSRF
 * token. */
#define FL_ROUTE_NO_AUTH 8u

#define FL_REQ_MAX_HEADERS 6

struct fl_req {
	struct MHD_Connection *conn;
	struct fl_server *server;
	fl_store *store;
	const struct fl_config *config;
	struct fl_hub *hub; /* this node's live events */
	fl_arena arena;

	const char *method, *url;
	const struct fl_route *route;
	int route_index;
	int64_t id[2]; /* the {id} parts of the path, in order */
	struct fl_actor actor;
	int via_cookie; /* authenticated by the session cookie */
	json_t *body;   /* parsed JSON body, when there was one */
	void *ctx;      /* the handler's own state, in arena */

	/* the reply */
	int status;
	json_t *reply;
	const char *raw; /* a non-JSON body (metrics), with raw_type */
	size_t raw_len;
	const char *raw_type;
	const char *headers[FL_REQ_MAX_HEADERS][2];
	size_t nheaders;
	struct fl_err err;

	/* private to daemon.c and request.c */
	struct fl_req_priv *priv;
};

/* Runs fn in a read transaction now, then render. Returns what the
 * handler should return. */
int fl_req_read(struct fl_req *r, fl_req_tx fn, fl_render render);
/* Queues fn as a write; render runs once it is durable. */
int fl_req_write(struct fl_req *r, fl_req_tx fn, fl_render render);

/* The reply: takes ownership of body. */
int fl_req_reply(struct fl_req *r, int status, json_t *body);
/* A reply with a list whose items are JSON text already, from
 * fl_req_item_json: body's first member is the list, an empty array, and
 * items (the items joined by commas) fill it. Takes body and items. */
int fl_req_reply_list(struct fl_req *r, int status, json_t *body, fl_buf *items);
/* Appends the JSON of item — render(r, item), an object — to out, kept
 * between requests by render, id and version and rendered again only when
 * these change (rendered.c). version must change with every write to the
 * item, and render must depend on nothing else but fl_req_base; an item
 * with a negative version is rendered and not kept. */
typedef json_t *(*fl_render_item)(struct fl_req *r, const void *item);
int fl_req_item_json(struct fl_req *r, fl_render_item render, int64_t id, int64_t version,
		     const void *item, fl_buf *out);
/* 200 with the CSV in csv (UTF-8, from core's fl_csv_*) as a download
 * named filename (a plain name: no quotes). Takes csv, also on failure:
 * FL_ENOMEM when it is empty for want of memory. */
int fl_req_reply_csv(struct fl_req *r, fl_buf *csv, const char *filename);
/* Answers r with a browser app's page (path as web/'s build names it:
 * "/chat/index.html") under the pages' Content-Security-Policy, whose
 * frame-ancestors is ancestors: NULL or "'none'" for a page no other site
 * may frame, "*" for any site, or a list of origins. A framable page goes
 * without X-Frame-Options (which cannot name origins). FL_ENOTFOUND when
 * there is no such page. */
int fl_req_page(struct fl_req *r, const char *path, const char *ancestors);
/* 204 No Content: the render of writes that answer nothing. */
int fl_req_no_content(struct fl_req *r);
int fl_req_header(struct fl_req *r, const char *name, const char *value);
/* An answer that streams (Server-Sent Events): read(arg, buf, cap) fills
 * buf and returns the bytes to send, 0 when there is nothing now (the
 * connection then waits, holding no thread, until fl_stream_wake), or -1
 * to end. done(arg) runs once when the connection is gone; after it no
 * fl_stream_wake may come. The first read comes after the handler
 * returns. Returns what the handler returns; on an error (< 0) done is
 * not called. */
struct fl_stream;
int fl_req_stream(struct fl_req *r, const char *content_type,
		  long (*read)(void *arg, char *buf, size_t cap), void (*done)(void *arg),
		  void *arg, struct fl_stream **out);
/* From any thread: there is something to read. */
void fl_stream_wake(struct fl_stream *s);

/* Sets r->err and returns code, for handlers that fail before any
 * transaction. */
int fl_req_fail(struct fl_req *r, int code, const char *field, const char *reason, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
/* A client's address over a limit (core/limit.h) for wait seconds more:
 * Retry-After, and FL_ERATE (429) saying "Too many <what> from your
 * address". */
int fl_req_too_many(struct fl_req *r, int64_t wait, const char *what);

/* Sign-in throttling for handlers that check passwords themselves:
 * fl_req_login_allowed is 0 or FL_ERATE (with Retry-After set). */
int fl_req_login_allowed(struct fl_req *r);
void fl_req_login_failed(struct fl_req *r);

/* Empties the cache of verified tokens and sessions. A change to users,
 * passwords or sessions calls fl_req_credentials_changed in its
 * transaction and this again in its render (after the commit); safe from
 * any thread. */
void fl_req_forget_credentials(struct fl_req *r);
/* In a write transaction: empties this node's cache now, and every node's
 * (FL_AUTH_CHANGED_EVENT through fl_store_notify, which
 * fl_server_forget_credentials answers) once the change commits, so a
 * revoked token stops working on all nodes at once, not after the cache's
 * two seconds. */
#define FL_AUTH_CHANGED_EVENT "auth.changed {}"
int fl_req_credentials_changed(struct fl_req *r, fl_tx *tx);
void fl_server_forget_credentials(struct fl_server *srv);

/* The session cookie's name ("__Host-fl_session" with cookie_secure, else
 * "fl_session") and value (NULL when absent). */
const char *fl_req_cookie_name(struct fl_req *r);
const char *fl_req_cookie(struct fl_req *r);

/* A query-string argument, or NULL. */
const char *fl_req_arg(struct fl_req *r, const char *name);
/* Every value of the query argument name, in order (role[]=a&role[]=b):
 * at most max into out; returns how many there are in all. */
size_t fl_req_arg_all(struct fl_req *r, const char *name, const char **out, size_t max);
/* 0 when each query argument is one of allowed (NULL-terminated); else
 * FL_EMALFORMED naming the first that is not, so that a filter a client
 * believes it applied is never silently dropped. */
int fl_req_args_only(struct fl_req *r, const char *const *allowed);
/* The body of a FL_ROUTE_RAW_BODY or FL_ROUTE_FORM_BODY route as it came. */
const char *fl_req_body(struct fl_req *r, size_t *n);
/* A request header, or NULL. */
const char *fl_req_header_in(struct fl_req *r, const char *name);
/* "http://host" as the client addressed us, for links in replies. */
const char *fl_req_base(struct fl_req *r);
/* The client's address, for rate limits. */
const char *fl_req_peer(struct fl_req *r);

/* JSON helpers for rendering: NULL-safe strings, times, ids. */
json_t *fl_json_str(const char *z);    /* JSON null for NULL; z must be valid UTF-8 */
json_t *fl_json_time(int64_t t);       /* ISO 8601, or null for 0 */
json_t *fl_json_id(int64_t id);        /* integer, or null for 0 */
json_t *fl_json_raw(const char *text); /* parsed JSON text, or null */

/* The ?ids=1,2,3 of a show_many: at most max positive ids into out (n of
 * them); 400 for none, too many or anything that is not an id. */
int fl_req_ids(struct fl_req *r, int64_t *out, size_t max, size_t *n);

/* Paging helpers: offset pages (page, per_page) as Zendesk's offset
 * pagination, and cursor pages (page[size], page[after]). */
struct fl_req_page {
	int cursor;      /* the client asked for cursor paging */
	size_t per_page; /* 1..100 */
	size_t page;     /* 1-based, offset paging */
	int has_after;
	int64_t after_key, after_id;
};
int fl_req_paging(struct fl_req *r, struct fl_req_page *pg);
/* Adds next_page/previous_page/count (offset) or meta/links (cursor) to
 * reply, from whether there is more and the last row's keys. */
int fl_req_page_links(struct fl_req *r, const struct fl_req_page *pg, json_t *reply, int has_more,
		      int64_t total, int64_t last_key, int64_t last_id);

/* The route table: every domain's rows (routes.c), joined once at start by
 * fl_routes_init. */
extern const struct fl_route *fl_routes;
extern size_t fl_nroutes;
int fl_routes_init(void);

/* The server. */
struct fl_server;
struct fl_hub;
int fl_server_start(struct fl_server **out, const struct fl_config *c, fl_store *s,
		    struct fl_hub *hub, struct fl_err *e);
/* Stops accepting, lets in-flight requests finish (at most wait_ms), stops. */
void fl_server_stop(struct fl_server *srv, unsigned wait_ms);
uint16_t fl_server_port(struct fl_server *srv);

#endif
