#include "core/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define CHUNK_MIN 4096

struct fl_arena_chunk {
	fl_arena_chunk *next;
	size_t size, off;
	alignas(max_align_t) unsigned char data[];
};

struct fl_arena_hook {
	fl_arena_hook *next;
	void (*fn)(void *);
	void *p;
};

void fl_arena_init(fl_arena *a, size_t max)
{
	a->chunks = NULL;
	a->hooks = NULL;
	a->used = 0;
	a->max = max;
}

void *fl_arena_alloc(fl_arena *a, size_t n)
{
	fl_arena_chunk *c = a->chunks;
	size_t align = alignof(max_align_t);

	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (a->max && (n > a->max || a->used > a->max - n))
		return NULL;
	if (!c || c->size - c->off < n) {
		size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->off = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	void *p = c->data + c->off;
	c->off += n;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *fl_arena_strndup(fl_arena *a, const char *p, size_t n)
{
	char *z = fl_arena_alloc(a, n + 1);
	if (!z)
		return NULL;
	if (n)
		memcpy(z, p, n);
	z[n] = 0;
	return z;
}

char *fl_arena_strdup(fl_arena *a, const char *z)
{
	return z ? fl_arena_strndup(a, z, strlen(z)) : NULL;
}

int fl_arena_on_free(fl_arena *a, void (*fn)(void *), void *p)
{
	fl_arena_hook *h = malloc(sizeof *h);
	if (!h) {
		fn(p);
		return FL_ENOMEM;
	}
	h->fn = fn;
	h->p = p;
	h->next = a->hooks;
	a->hooks = h;
	return 0;
}

void fl_arena_free(fl_arena *a)
{
	while (a->hooks) {
		fl_arena_hook *h = a->hooks;
		a->hooks = h->next;
		h->fn(h->p);
		free(h);
	}
	while (a->chunks) {
		fl_arena_chunk *c = a->chunks;
		a->chunks = c->next;
		free(c);
	}
	a->used = 0;
}
