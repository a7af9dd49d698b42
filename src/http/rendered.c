/* Rendered items kept between requests (http.h, fl_req_item_json).
 *
 * A queue's first page is the same twenty-five tickets request after
 * request, and rendering a ticket — jansson's objects built, then its
 * description escaped a character at a time — cost more than the rest of
 * the request together (docs/performance.md). So an item's JSON text is
 * kept, by the render function (the kind of item), its id, its version and
 * the base URL its links were made with. The version is the caller's
 * promise: it changes with every write to the item (a ticket's
 * updated_stamp does, tickets/ticket.c), so a kept text is never stale, on
 * this node or after another node's write, and nothing has to be told to
 * forget.
 *
 * The slots are direct-mapped by id (a newer version or another item
 * replaces what is there) behind striped locks, and the texts together stay
 * under RENDERED_BUDGET: an insert that would go over evicts slots ahead of
 * a clock hand first. A text longer than RENDERED_ITEM_MAX is rendered
 * every time: a few huge tickets must not push out every ordinary one. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

#define RENDERED_SLOTS 16384 /* a power of two */
#define RENDERED_STRIPES 64
#define RENDERED_BUDGET ((size_t)8 << 20)
#define RENDERED_ITEM_MAX ((size_t)64 << 10)

struct slot {
	fl_render_item kind; /* NULL: empty */
	int64_t id, version;
	char *text; /* the base URL (base_len bytes), then the JSON (len bytes) */
	size_t base_len, len;
};

struct fl_rendered {
	pthread_mutex_t stripe[RENDERED_STRIPES];
	_Atomic size_t bytes; /* of every text kept */
	_Atomic size_t hand;  /* the clock's next slot to evict */
	_Atomic uint64_t hits, misses;
	struct slot slot[RENDERED_SLOTS];
};

struct fl_rendered *fl_rendered_new(void)
{
	struct fl_rendered *c = calloc(1, sizeof *c);
	for (size_t i = 0; c && i < RENDERED_STRIPES; i++)
		pthread_mutex_init(&c->stripe[i], NULL);
	return c;
}

void fl_rendered_free(struct fl_rendered *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < RENDERED_SLOTS; i++)
		free(c->slot[i].text);
	for (size_t i = 0; i < RENDERED_STRIPES; i++)
		pthread_mutex_destroy(&c->stripe[i]);
	free(c);
}

static size_t slot_of(fl_render_item kind, int64_t id)
{
	uint64_t h = ((uint64_t)id ^ (uint64_t)(uintptr_t)kind) * 0x9E3779B97F4A7C15u;
	return (size_t)(h >> 32) & (RENDERED_SLOTS - 1);
}

static pthread_mutex_t *lock_of(struct fl_rendered *c, size_t i)
{
	return &c->stripe[i % RENDERED_STRIPES];
}

/* Empties slot i (its stripe locked by the caller). */
static void drop(struct fl_rendered *c, size_t i)
{
	struct slot *s = &c->slot[i];
	if (s->text)
		atomic_fetch_sub(&c->bytes, s->base_len + s->len);
	free(s->text);
	*s = (struct slot){0};
}

/* Evicts slots ahead of the hand until need more bytes fit, one whole turn
 * at most (other threads may be filling slots meanwhile). */
static void make_room(struct fl_rendered *c, size_t need)
{
	for (size_t n = 0; n < RENDERED_SLOTS && atomic_load(&c->bytes) + need > RENDERED_BUDGET;
	     n++) {
		size_t i = atomic_fetch_add(&c->hand, 1) & (RENDERED_SLOTS - 1);
		pthread_mutex_lock(lock_of(c, i));
		drop(c, i);
		pthread_mutex_unlock(lock_of(c, i));
	}
}

/* Appends the kept text of (kind, id, version) for base to out: 1 when
 * there was one, 0 when not, or an error code (< 0) when out is full. */
static int lookup(struct fl_rendered *c, fl_render_item kind, int64_t id, int64_t version,
		  const char *base, size_t base_len, fl_buf *out)
{
	size_t i = slot_of(kind, id);
	struct slot *s = &c->slot[i];
	int rc = 0;

	pthread_mutex_lock(lock_of(c, i));
	if (s->kind == kind && s->id == id && s->version == version && s->base_len == base_len &&
	    !memcmp(s->text, base, base_len)) {
		rc = fl_buf_add(out, s->text + base_len, s->len);
		rc = rc ? rc : 1;
	}
	pthread_mutex_unlock(lock_of(c, i));
	if (rc == 1)
		atomic_fetch_add(&c->hits, 1);
	return rc;
}

static void keep(struct fl_rendered *c, fl_render_item kind, int64_t id, int64_t version,
		 const char *base, size_t base_len, const char *json, size_t len)
{
	size_t i = slot_of(kind, id);
	char *text = malloc(base_len + len);

	if (!text)
		return;
	memcpy(text, base, base_len);
	memcpy(text + base_len, json, len);
	make_room(c, base_len + len);
	pthread_mutex_lock(lock_of(c, i));
	drop(c, i);
	c->slot[i] = (struct slot){kind, id, version, text, base_len, len};
	atomic_fetch_add(&c->bytes, base_len + len);
	pthread_mutex_unlock(lock_of(c, i));
}

int fl_rendered_metrics(struct fl_rendered *c, fl_buf *b)
{
	return fl_buf_addf(
		b,
		"# HELP frontline_rendered_bytes JSON of tickets kept rendered between "
		"requests.\n"
		"# TYPE frontline_rendered_bytes gauge\n"
		"frontline_rendered_bytes %zu\n"
		"# HELP frontline_rendered_lookups_total Items a list looked for among those "
		"kept: found (hit) or rendered (miss).\n"
		"# TYPE frontline_rendered_lookups_total counter\n"
		"frontline_rendered_lookups_total{result=\"hit\"} %" PRIu64
		"\n"
		"frontline_rendered_lookups_total{result=\"miss\"} %" PRIu64 "\n",
		atomic_load(&c->bytes), atomic_load(&c->hits), atomic_load(&c->misses));
}

static int to_buf(const char *p, size_t n, void *b)
{
	return fl_buf_add(b, p, n) ? -1 : 0;
}

int fl_req_item_json(struct fl_req *r, fl_render_item render, int64_t id, int64_t version,
		     const void *item, fl_buf *out)
{
	struct fl_rendered *c = r->server ? r->server->rendered : NULL;
	const char *base = fl_req_base(r);
	size_t base_len = strlen(base), at = out->n;
	json_t *o;
	int rc;

	if (version < 0)
		c = NULL;
	if (c && (rc = lookup(c, render, id, version, base, base_len, out)))
		return rc < 0 ? rc : 0;
	if (c)
		atomic_fetch_add(&c->misses, 1);
	if (!(o = render(r, item)))
		return FL_ENOMEM;
	rc = json_dump_callback(o, to_buf, out, JSON_COMPACT) ? FL_ETOOBIG : 0;
	json_decref(o);
	if (!rc && c && out->n - at <= RENDERED_ITEM_MAX)
		keep(c, render, id, version, base, base_len, out->p + at, out->n - at);
	return rc;
}

int fl_req_reply_list(struct fl_req *r, int status, json_t *body, fl_buf *items)
{
	void *first = body ? json_object_iter(body) : NULL;
	json_t *list = first ? json_object_iter_value(first) : NULL;
	const char *key = first ? json_object_iter_key(first) : "";
	size_t klen = strlen(key);

	if (!json_is_array(list) || json_array_size(list) || klen >= sizeof r->priv->items_key) {
		json_decref(body);
		fl_buf_free(items);
		return body ? FL_EINTERNAL : FL_ENOMEM;
	}
	fl_req_reply(r, status, body);
	memcpy(r->priv->items_key, key, klen + 1);
	r->priv->items = *items;
	*items = (fl_buf){0};
	return 0;
}

char *fl_req_splice_items(struct fl_req *r, size_t *len)
{
	const char *key = r->priv->items_key;
	size_t klen = strlen(key), head = klen + 5; /* {"key":[ */
	char *env = json_dumps(r->reply, JSON_COMPACT), *out = NULL;
	size_t n = env ? strlen(env) : 0;

	/* the list is the first member (fl_req_reply_list checked), and
	 * jansson keeps the order members were set in */
	if (n > head && env[0] == '{' && env[1] == '"' && !memcmp(env + 2, key, klen) &&
	    !memcmp(env + 2 + klen, "\":[]", 4) && (out = malloc(n + r->priv->items.n + 1))) {
		memcpy(out, env, head);
		if (r->priv->items.n)
			memcpy(out + head, r->priv->items.p, r->priv->items.n);
		memcpy(out + head + r->priv->items.n, env + head, n - head + 1);
		*len = n + r->priv->items.n;
	}
	free(env);
	return out;
}
