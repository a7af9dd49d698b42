/* The allocation failure injection (alloc.h): the __wrap_* functions that
 * --wrap sends our objects' allocations to. */
#include "core/alloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *z);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *z);

static atomic_ulong target; /* 0: disarmed */
static atomic_ulong count;
static atomic_int failed;

/* Counts one allocation; 1 when it is the one to fail. */
static int fail_now(void)
{
	unsigned long want = atomic_load_explicit(&target, memory_order_relaxed);

	if (!want || atomic_fetch_add(&count, 1) + 1 != want)
		return 0;
	atomic_store(&failed, 1);
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return fail_now() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *z)
{
	return fail_now() ? NULL : __real_strdup(z);
}

void fl_alloc_init(void)
{
	json_set_alloc_funcs(__wrap_malloc, free);
	fl_input_init();
}

void fl_alloc_fail_at(unsigned long n)
{
	atomic_store(&target, 0);
	atomic_store(&count, 0);
	atomic_store(&failed, 0);
	atomic_store(&target, n);
}

void fl_alloc_disarm(void)
{
	atomic_store(&target, 0);
}

unsigned long fl_alloc_count(void)
{
	return atomic_load(&count);
}

int fl_alloc_failed(void)
{
	return atomic_load(&failed);
}
