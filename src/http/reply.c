/* Rendering helpers: JSON values and Zendesk-style paging. */
#include <inttypes.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "http/http_int.h"

/* Strings in the store were checked as UTF-8 when they came in (jansson
 * refuses anything else), so rendering them skips jansson's re-check. */
json_t *fl_json_str(const char *z)
{
	return z ? json_string_nocheck(z) : json_null();
}

json_t *fl_json_time(int64_t t)
{
	char buf[21];
	if (!t)
		return json_null();
	fl_time_iso(t, buf);
	return json_string(buf);
}

json_t *fl_json_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *fl_json_raw(const char *text)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	return v ? v : json_null();
}

static int bad_page(struct fl_req *r, const char *what)
{
	return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidPaginationParameter", "%s", what);
}

static int size_arg(struct fl_req *r, const char *name, size_t lo, size_t hi, size_t dflt,
		    size_t *out)
{
	const char *v = fl_req_arg(r, name);
	int64_t n;
	*out = dflt;
	if (!v)
		return 0;
	if (fl_str_to_i64(fl_str_c(v), &n) || n < (int64_t)lo || n > (int64_t)hi)
		return fl_req_fail(r, FL_EMALFORMED, NULL, "InvalidPaginationParameter",
				   "%s must be a whole number from %zu to %zu", name, lo, hi);
	*out = (size_t)n;
	return 0;
}

/* Cursors are "key.id" in base64url, opaque to clients. */
void fl_cursor_encode(int64_t key, int64_t id, char *out, size_t cap)
{
	char plain[48];
	int n = snprintf(plain, sizeof plain, "%" PRId64 ".%" PRId64, key, id);
	sodium_bin2base64(out, cap, (const unsigned char *)plain, (size_t)n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int fl_cursor_decode(const char *z, int64_t *key, int64_t *id)
{
	unsigned char plain[48];
	size_t n;
	char *dot;

	if (strlen(z) > 64 ||
	    sodium_base642bin(plain, sizeof plain - 1, z, strlen(z), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	plain[n] = 0;
	dot = strchr((char *)plain, '.');
	if (!dot)
		return -1;
	if (fl_str_to_i64((fl_str){(char *)plain, (size_t)(dot - (char *)plain)}, key) ||
	    fl_str_to_i64(fl_str_c(dot + 1), id))
		return -1;
	return 0;
}

int fl_req_ids(struct fl_req *r, int64_t *out, size_t max, size_t *n)
{
	*n = 0;
	for (const char *p = fl_req_arg(r, "ids"); p && *p;) {
		size_t len = strcspn(p, ",");
		if (*n == max)
			return fl_req_fail(r, FL_EMALFORMED, "ids", "TooMany", "at most %zu ids",
					   max);
		if (fl_str_to_i64((fl_str){p, len}, &out[*n]) || out[*n] <= 0)
			return fl_req_fail(r, FL_EMALFORMED, "ids", "InvalidValue",
					   "ids must be comma-separated positive ids");
		++*n;
		p += len + (p[len] == ',');
	}
	return *n ? 0 : fl_req_fail(r, FL_EMALFORMED, "ids", "Blank", "ids is required");
}

struct arg_walk {
	const char *name; /* fl_req_arg_all: the argument collected */
	const char **out;
	size_t max, n;
	const char *const *allowed; /* fl_req_args_only: the arguments known */
	const char *unknown;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct arg_walk *w = cls;
	(void)kind;
	if (strcmp(key, w->name))
		return MHD_YES;
	if (w->n < w->max)
		w->out[w->n] = value ? value : "";
	w->n++;
	return MHD_YES;
}

size_t fl_req_arg_all(struct fl_req *r, const char *name, const char **out, size_t max)
{
	struct arg_walk w = {name, out, max, 0, NULL, NULL};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &w);
	return w.n;
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct arg_walk *w = cls;
	(void)kind;
	(void)value;
	/* the page size is every list's (fl_req_paging reads it); a list that
	 * pages by offset names page[after] if it takes it */
	if (!strcmp(key, "page[size]"))
		return MHD_YES;
	for (const char *const *a = w->allowed; *a; a++)
		if (!strcmp(key, *a))
			return MHD_YES;
	w->unknown = key;
	return MHD_NO;
}

int fl_req_args_only(struct fl_req *r, const char *const *allowed)
{
	struct arg_walk w = {NULL, NULL, 0, 0, allowed, NULL};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &w);
	if (!w.unknown)
		return 0;
	for (const char *k = w.unknown; *k; k++)
		if (*k < 0x21 || *k > 0x7e) /* named only when it is printable ASCII */
			return fl_req_fail(r, FL_EMALFORMED, "query", "UnknownParameter",
					   "query: a parameter is not one of this list's");
	return fl_req_fail(r, FL_EMALFORMED, w.unknown, "UnknownParameter",
			   "%.60s: is not a parameter of this list", w.unknown);
}

int fl_req_paging(struct fl_req *r, struct fl_req_page *pg)
{
	const char *after = fl_req_arg(r, "page[after]");
	const char *size = fl_req_arg(r, "page[size]");
	int rc;

	memset(pg, 0, sizeof *pg);
	if (after || size) {
		pg->cursor = 1;
		pg->page = 1;
		rc = size_arg(r, "page[size]", 1, 100, 100, &pg->per_page);
		if (rc)
			return rc;
		if (after) {
			if (fl_cursor_decode(after, &pg->after_key, &pg->after_id))
				return bad_page(r,
						"page[after] is not a cursor this server gave out");
			pg->has_after = 1;
		}
		return 0;
	}
	rc = size_arg(r, "per_page", 1, 100, 100, &pg->per_page);
	if (!rc)
		rc = size_arg(r, "page", 1, 100000, 1, &pg->page);
	return rc;
}

struct query_copy {
	fl_buf *b;
	int rc;
};

/* Percent-encodes z (RFC 3986 section 2.1); '/' stays when keep is "/". */
static void url_encode(fl_buf *b, const char *z, const char *keep, int *rc)
{
	for (const unsigned char *p = (const unsigned char *)z; *p && !*rc; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) || strchr(keep, *p))
			*rc = fl_buf_addc(b, (char)*p);
		else
			*rc = fl_buf_addf(b, "%%%02X", *p);
	}
}

static enum MHD_Result copy_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct query_copy *q = cls;
	(void)kind;
	if (!strcmp(key, "page") || !strcmp(key, "per_page") || !strncmp(key, "page[", 5))
		return MHD_YES;
	url_encode(q->b, key, "", &q->rc);
	if (!q->rc)
		q->rc = fl_buf_addc(q->b, '=');
	url_encode(q->b, value ? value : "", "", &q->rc);
	if (!q->rc)
		q->rc = fl_buf_addc(q->b, '&');
	return MHD_YES;
}

/* base + path + "?" + the request's other arguments + extra. */
static json_t *page_url(struct fl_req *r, const char *extra)
{
	fl_buf b;
	struct query_copy q = {&b, 0};
	json_t *v;

	fl_buf_init(&b, 8192);
	q.rc = fl_buf_adds(&b, fl_req_base(r));
	url_encode(&b, r->url, "/", &q.rc);
	if (!q.rc)
		q.rc = fl_buf_addc(&b, '?');
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, copy_arg, &q);
	if (!q.rc)
		q.rc = fl_buf_adds(&b, extra);
	v = q.rc ? json_null() : json_string(b.p);
	fl_buf_free(&b);
	return v;
}

int fl_req_page_links(struct fl_req *r, const struct fl_req_page *pg, json_t *reply, int has_more,
		      int64_t total, int64_t last_key, int64_t last_id)
{
	char extra[160];

	if (pg->cursor) {
		char cur[96];
		json_t *meta = json_object(), *links = json_object();
		fl_cursor_encode(last_key, last_id, cur, sizeof cur);
		json_object_set_new(meta, "has_more", json_boolean(has_more));
		json_object_set_new(meta, "after_cursor",
				    has_more ? json_string(cur) : json_null());
		json_object_set_new(meta, "before_cursor", json_null());
		snprintf(extra, sizeof extra, "page%%5Bsize%%5D=%zu&page%%5Bafter%%5D=%s",
			 pg->per_page, cur);
		json_object_set_new(links, "next", has_more ? page_url(r, extra) : json_null());
		json_object_set_new(links, "prev", json_null());
		json_object_set_new(reply, "meta", meta);
		json_object_set_new(reply, "links", links);
		return 0;
	}
	snprintf(extra, sizeof extra, "page=%zu&per_page=%zu", pg->page + 1, pg->per_page);
	json_object_set_new(reply, "next_page", has_more ? page_url(r, extra) : json_null());
	snprintf(extra, sizeof extra, "page=%zu&per_page=%zu", pg->page - 1, pg->per_page);
	json_object_set_new(reply, "previous_page",
			    pg->page > 1 ? page_url(r, extra) : json_null());
	json_object_set_new(reply, "count", json_integer(total));
	return 0;
}
