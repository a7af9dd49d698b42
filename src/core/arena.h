/* Arena: memory for one request (or one job, one CLI command), freed at once.
 *
 * Allocations are never freed one by one. Cleanup hooks run in reverse order
 * of registration when the arena is freed, so a request can tie statements,
 * JSON values or descriptors to its lifetime. The arena is not thread-safe:
 * one owner at a time. */
#ifndef FL_CORE_ARENA_H
#define FL_CORE_ARENA_H

#include <stddef.h>

typedef struct fl_arena_chunk fl_arena_chunk;
typedef struct fl_arena_hook fl_arena_hook;

typedef struct {
	fl_arena_chunk *chunks;
	fl_arena_hook *hooks;
	size_t used; /* bytes handed out, for the per-request cap */
	size_t max;  /* 0: unlimited */
} fl_arena;

void fl_arena_init(fl_arena *a, size_t max);
/* Zeroed memory aligned for any type; NULL when out of memory or over max. */
void *fl_arena_alloc(fl_arena *a, size_t n);
/* Copies n bytes and adds a NUL. */
char *fl_arena_strndup(fl_arena *a, const char *p, size_t n);
char *fl_arena_strdup(fl_arena *a, const char *z);
/* Runs fn(p) when the arena is freed; FL_ENOMEM if the hook cannot be kept
 * (fn(p) is then run at once, so nothing leaks). */
int fl_arena_on_free(fl_arena *a, void (*fn)(void *), void *p);
/* Runs the hooks, releases the memory; the arena can be used again. */
void fl_arena_free(fl_arena *a);

#endif
