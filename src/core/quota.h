/* Request quotas: at most per_minute requests per key (an API token, a
 * user, a client address) with bursts up to per_minute, counted in this
 * process's memory (per node). For the hundreds a minute that an API
 * client may make; core/limit.h keeps the few a minute an anonymous form
 * may.
 *
 * Each key has a token bucket: it holds up to per_minute tokens, refills
 * at per_minute a minute, and a request takes one. A full bucket is what
 * a key that was never seen has, so a key may be forgotten once its bucket
 * is full again. Keys are kept as a keyed 64-bit hash (SipHash, a secret
 * drawn at creation, so no one can aim collisions at another's key) in a
 * set-associative table: a key may sit in one of FL_QUOTA_WAYS slots of
 * its set, and a new key takes the set's empty slot or the one with the
 * fullest bucket. Each set has its own lock: thread-safe, and threads
 * rarely wait for each other. Memory is fixed at creation; fl_quota_take
 * allocates nothing. */
#ifndef FL_CORE_QUOTA_H
#define FL_CORE_QUOTA_H

#include <stdint.h>

#define FL_QUOTA_WAYS 8        /* slots a key may sit in */
#define FL_QUOTA_MAX 100000000 /* the largest per_minute */

struct fl_quota;

/* A quota of per_minute (1..FL_QUOTA_MAX) requests for at least keys keys
 * at once (rounded up to whole sets); FL_EINVAL for per_minute out of
 * range, FL_ENOMEM. Free it with fl_quota_free (NULL is fine). */
int fl_quota_new(unsigned per_minute, unsigned keys, struct fl_quota **out);
void fl_quota_free(struct fl_quota *q);

/* Takes a token from key's bucket at now_ms (a monotonic clock in
 * milliseconds; earlier times than a key saw count as that time). 0 when
 * there was one: *remaining gets the whole tokens left. FL_ERATE when
 * the bucket is empty: nothing is taken, *remaining is 0 and *retry_after
 * gets the seconds (at least 1) until a token is there again. */
int fl_quota_take(struct fl_quota *q, const char *key, int64_t now_ms, unsigned *remaining,
		  unsigned *retry_after);

/* The per_minute the quota was made with. */
unsigned fl_quota_limit(const struct fl_quota *q);

#endif
