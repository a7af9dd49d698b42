/* Allocation failure injection, for tests only: the Nth allocation counted
 * from when a test arms it fails, as curl's torture mode and SQLite's malloc
 * tests do, so that a test can walk every allocation of an operation and
 * check what a shortage at each one leaves behind.
 *
 * How: link-time wrapping, in test executables only. A test that links
 * src/core/alloc.c also links with
 *     -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
 * (alloc_link_args in meson.build), so that every call to those from
 * our own objects — src/ through libfrontline.a, and the test — goes to
 * the __wrap_* functions here, which consult the counter and then call
 * the real allocator (__real_*: under AddressSanitizer, its malloc). src/
 * is unchanged: no fl_malloc to call, no counter and no branch in the
 * production binary, which links neither this file nor the flags.
 *
 * What it reaches:
 * - Frontline's own malloc, calloc, realloc and strdup calls, the arena's
 *   blocks (core/arena.c) and every buffer (core/str.c) included;
 * - jansson's, after fl_alloc_init: it gives jansson the wrapped malloc
 *   under core/input.c's noting allocator (fl_input_init chains to
 *   whatever was installed before it, so the two combine);
 * - SQLite's: store/sqlite.c gives SQLite (SQLITE_CONFIG_MALLOC, before
 *   sqlite3_initialize) memory methods over malloc, realloc and free,
 *   which are the wrapped ones in a wrapped executable and the C
 *   library's everywhere else;
 * - not the allocations inside other libraries: libmicrohttpd, libpq,
 *   libsodium, libcurl, gumbo. Nor GMime's: glib's g_malloc aborts the
 *   process when memory runs out, by design, so GMime runs only in the
 *   `frontline mail-parse` child (mail/parser.c), a process of its own
 *   (its counter is never armed), whose death the server answers 503
 *   without a write.
 *
 * The counter is one for the process, shared by all threads, so that the
 * allocations a server's threads make for a request count too. */
#ifndef FL_CORE_ALLOC_H
#define FL_CORE_ALLOC_H

#include <stddef.h>

/* Hooks jansson to the wrapped allocator (then fl_input_init), before any
 * thread uses jansson. */
void fl_alloc_init(void);

/* Arms the wrapper: the nth allocation from now (n >= 1) returns NULL with
 * errno ENOMEM, and only that one; the counting restarts at 0. */
void fl_alloc_fail_at(unsigned long n);

/* Disarms the wrapper: nothing fails; the counts stay readable. */
void fl_alloc_disarm(void);

/* Allocations since the wrapper was last armed, and whether the one meant
 * to fail was reached (0 or 1): an operation that ran with
 * fl_alloc_failed() == 0 made fewer than n allocations. */
unsigned long fl_alloc_count(void);
int fl_alloc_failed(void);

#endif
