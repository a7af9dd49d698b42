/* Rate limits for what anyone may do without an account: at most max
 * events per key (a client address, an e-mail address) in any window of
 * seconds, counted in this process's memory (per node).
 *
 * A limiter is a fixed table, so it can be a static object that needs no
 * set-up or freeing: FL_LIMITER(max, window). Keys are kept as a 128-bit
 * BLAKE2b hash, never as the text, and a key that finds no room pushes out
 * the one that has been quiet longest. Thread-safe. */
#ifndef FL_CORE_LIMIT_H
#define FL_CORE_LIMIT_H

#include <pthread.h>
#include <stdint.h>

#define FL_LIMIT_SLOTS 2048 /* keys remembered at once */
#define FL_LIMIT_MAX 8      /* the most events a limiter may allow per window */

struct fl_limiter {
	pthread_mutex_t lock;
	unsigned max;   /* events allowed per window, 1..FL_LIMIT_MAX */
	int64_t window; /* seconds */
	struct {
		unsigned char key[16];
		int64_t at[FL_LIMIT_MAX]; /* the key's latest events, a ring; 0: none */
		unsigned next;            /* where the next event goes in at */
	} slot[FL_LIMIT_SLOTS];
};

#define FL_LIMITER(max_, window_)                             \
	{                                                     \
		PTHREAD_MUTEX_INITIALIZER, (max_), (window_), \
		{                                             \
			{                                     \
				{0}, {0}, 0                   \
			}                                     \
		}                                             \
	}

/* Counts an event for key at now (seconds) and returns 0 when fewer than
 * max of key's events happened in the window before now; otherwise counts
 * nothing, sets *retry_after to the seconds until one is allowed again
 * (at least 1) and returns FL_ERATE. */
int fl_limiter_take(struct fl_limiter *l, const char *key, int64_t now, int64_t *retry_after);

/* The key for a client address: IPv4 as it is, IPv6 by its /64, which one
 * subscriber usually holds whole. out has 48 bytes. */
void fl_limit_address_key(const char *addr, char out[48]);

#endif
