/* Unit tests for src/http/rendered.c: items rendered once and kept by
 * (kind, id, version, base URL) — never shown stale, within the budget,
 * the same from several threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

struct item {
	int64_t id, version;
	size_t pad; /* bytes of padding: the size of its JSON */
};

static _Atomic int renders;

static json_t *render(struct fl_req *r, const void *p)
{
	const struct item *it = p;
	char *pad = malloc(it->pad + 1);
	json_t *o;

	memset(pad, 'x', it->pad);
	pad[it->pad] = 0;
	o = json_pack("{s:s, s:I, s:I, s:s}", "base", fl_req_base(r), "id", (json_int_t)it->id, "v",
		      (json_int_t)it->version, "pad", pad);
	free(pad);
	atomic_fetch_add(&renders, 1);
	return o;
}

/* Another kind of item, with the same ids. */
static json_t *render_other(struct fl_req *r, const void *p)
{
	const struct item *it = p;
	(void)r;
	atomic_fetch_add(&renders, 1);
	return json_pack("{s:s, s:I}", "kind", "other", "id", (json_int_t)it->id);
}

struct desk {
	struct fl_server srv;
	struct fl_req_priv priv;
	struct fl_req r;
};

static void desk_open(struct desk *d, const char *base)
{
	memset(d, 0, sizeof *d);
	d->srv.rendered = fl_rendered_new();
	assert_non_null(d->srv.rendered);
	d->r.server = &d->srv;
	d->r.priv = &d->priv;
	snprintf(d->priv.base, sizeof d->priv.base, "%s", base);
}

/* What render gives for it, as text. */
static char *expected(struct fl_req *r, fl_render_item fn, const struct item *it)
{
	json_t *o = fn(r, it);
	char *z = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	atomic_fetch_sub(&renders, 1);
	return z;
}

/* The item's JSON through the cache, checked against a fresh render. */
static void check(struct fl_req *r, fl_render_item fn, const struct item *it)
{
	fl_buf b;
	char *want = expected(r, fn, it);

	fl_buf_init(&b, 0);
	assert_int_equal(fl_req_item_json(r, fn, it->id, it->version, it, &b), 0);
	assert_string_equal(b.p, want);
	free(want);
	fl_buf_free(&b);
}

static uint64_t metric(struct fl_rendered *c, const char *name)
{
	fl_buf b;
	const char *at;
	uint64_t v = UINT64_MAX;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_rendered_metrics(c, &b), 0);
	at = strstr(b.p, name);
	assert_non_null(at);
	sscanf(at + strlen(name), " %" SCNu64, &v);
	fl_buf_free(&b);
	return v;
}

static void test_kept_until_changed(void **state)
{
	struct desk d;
	struct item a = {7, 1000, 10}, other = {7, 1000, 0};
	(void)state;

	desk_open(&d, "http://desk.example");
	renders = 0;
	check(&d.r, render, &a);
	check(&d.r, render, &a);
	assert_int_equal(renders, 1);
	assert_int_equal(metric(d.srv.rendered, "{result=\"hit\"}"), 1);
	assert_int_equal(metric(d.srv.rendered, "{result=\"miss\"}"), 1);
	/* a write moved the version: rendered again, the old text gone */
	a.version = 1001;
	a.pad = 20;
	check(&d.r, render, &a);
	assert_int_equal(renders, 2);
	check(&d.r, render, &a);
	assert_int_equal(renders, 2);
	/* another kind with the same id is another item, kept apart */
	check(&d.r, render_other, &other);
	check(&d.r, render_other, &other);
	check(&d.r, render, &a);
	assert_int_equal(renders, 3);
	/* a client that addressed us by another name gets its own links */
	snprintf(d.priv.base, sizeof d.priv.base, "http://127.0.0.1:8080");
	check(&d.r, render, &a);
	assert_int_equal(renders, 4);
	/* a negative version: never kept */
	a.version = -1;
	check(&d.r, render, &a);
	check(&d.r, render, &a);
	assert_int_equal(renders, 6);
	fl_rendered_free(d.srv.rendered);
}

/* 16 MB of items through an 8 MB cache: what is kept stays under the
 * budget, every answer is right, and one huge item is never kept. */
static void test_budget(void **state)
{
	struct desk d;
	struct item it = {0, 5, 40000};
	(void)state;

	desk_open(&d, "http://desk.example");
	for (int round = 0; round < 2; round++)
		for (it.id = 1; it.id <= 400; it.id++) {
			check(&d.r, render, &it);
			assert_true(metric(d.srv.rendered, "\nfrontline_rendered_bytes") <=
				    8u << 20);
		}
	assert_true(metric(d.srv.rendered, "\nfrontline_rendered_bytes") > 4u << 20);
	it = (struct item){1000, 1, 100000};
	renders = 0;
	check(&d.r, render, &it);
	check(&d.r, render, &it);
	assert_int_equal(renders, 2);
	fl_rendered_free(d.srv.rendered);
}

struct worker {
	struct desk *d;
	unsigned seed;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct fl_req r = w->d->r;

	for (int i = 0; i < 3000; i++) {
		struct item it = {rand_r(&w->seed) % 64 + 1, rand_r(&w->seed) % 3, 0};
		/* the same item at the same version renders the same */
		it.pad = (size_t)(it.id * 7 + it.version) % 5 * 1000;
		char *want = expected(&r, render, &it);
		fl_buf b;
		fl_buf_init(&b, 0);
		if (fl_req_item_json(&r, render, it.id, it.version, &it, &b) || strcmp(b.p, want))
			w->bad++;
		fl_buf_free(&b);
		free(want);
	}
	return NULL;
}

/* Threads reading and replacing the same slots see only right texts. */
static void test_threads(void **state)
{
	struct desk d;
	struct worker w[4];
	pthread_t t[4];
	(void)state;

	desk_open(&d, "http://desk.example");
	for (unsigned i = 0; i < 4; i++) {
		w[i] = (struct worker){&d, i + 1, 0};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	fl_rendered_free(d.srv.rendered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_until_changed),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
