/* Request quotas in memory (core/quota.h). */
#include "core/quota.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* A bucket's level counts tokens in 1/60,000ths, so that refilling
 * per_minute tokens a minute adds exactly per_minute units a
 * millisecond: integers only, no rounding. */
#define UNIT 60000

struct slot {
	uint64_t key;  /* the key's hash; 0: empty */
	int64_t at_ms; /* when level was last brought up to date */
	int64_t level; /* units in the bucket, at most per_minute * UNIT */
};

struct set {
	pthread_mutex_t lock;
	struct slot slot[FL_QUOTA_WAYS];
};

struct fl_quota {
	unsigned per_minute;
	size_t nsets;
	unsigned char secret[crypto_shorthash_KEYBYTES];
	struct set set[];
};

int fl_quota_new(unsigned per_minute, unsigned keys, struct fl_quota **out)
{
	size_t nsets = ((size_t)keys + FL_QUOTA_WAYS - 1) / FL_QUOTA_WAYS;
	struct fl_quota *q;

	if (per_minute < 1 || per_minute > FL_QUOTA_MAX)
		return FL_EINVAL;
	if (nsets < 1)
		nsets = 1;
	q = calloc(1, sizeof *q + nsets * sizeof q->set[0]);
	if (!q)
		return FL_ENOMEM;
	q->per_minute = per_minute;
	q->nsets = nsets;
	randombytes_buf(q->secret, sizeof q->secret);
	for (size_t i = 0; i < nsets; i++)
		pthread_mutex_init(&q->set[i].lock, NULL);
	*out = q;
	return 0;
}

void fl_quota_free(struct fl_quota *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nsets; i++)
		pthread_mutex_destroy(&q->set[i].lock);
	free(q);
}

unsigned fl_quota_limit(const struct fl_quota *q)
{
	return q->per_minute;
}

/* Slot s's level at now, refilled since it was last brought up to date
 * (a minute refills any bucket: longer spans are not multiplied). */
static int64_t level_at(const struct fl_quota *q, const struct slot *s, int64_t now_ms)
{
	int64_t full = (int64_t)q->per_minute * UNIT, ms = now_ms - s->at_ms;

	if (ms <= 0)
		return s->level;
	if (ms > UNIT)
		ms = UNIT;
	return s->level + ms * q->per_minute < full ? s->level + ms * q->per_minute : full;
}

/* key's slot in set, or the one it takes: an empty slot, else the one
 * with the fullest bucket, which loses least by being forgotten. Called
 * with the set locked. */
static struct slot *find(const struct fl_quota *q, struct set *set, uint64_t key, int64_t now_ms)
{
	struct slot *pick = NULL;
	int64_t most = -1;

	for (size_t k = 0; k < FL_QUOTA_WAYS; k++)
		if (set->slot[k].key == key)
			return &set->slot[k];
	for (size_t k = 0; k < FL_QUOTA_WAYS && most < INT64_MAX; k++) {
		struct slot *s = &set->slot[k];
		int64_t level = s->key ? level_at(q, s, now_ms) : INT64_MAX;
		if (level > most)
			most = level, pick = s;
	}
	pick->key = key;
	pick->at_ms = now_ms;
	pick->level = (int64_t)q->per_minute * UNIT;
	return pick;
}

int fl_quota_take(struct fl_quota *q, const char *key, int64_t now_ms, unsigned *remaining,
		  unsigned *retry_after)
{
	unsigned char h[crypto_shorthash_BYTES];
	struct set *set;
	struct slot *s;
	uint64_t k;
	int rc = 0;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), q->secret);
	memcpy(&k, h, sizeof k);
	k |= !k; /* 0 marks an empty slot */
	set = &q->set[k % q->nsets];
	pthread_mutex_lock(&set->lock);
	s = find(q, set, k, now_ms);
	s->level = level_at(q, s, now_ms);
	if (now_ms > s->at_ms)
		s->at_ms = now_ms;
	if (s->level >= UNIT) {
		s->level -= UNIT;
		*remaining = (unsigned)(s->level / UNIT);
	} else {
		/* the milliseconds until the missing units are in, in whole
		 * seconds rounded up */
		int64_t ms = (UNIT - s->level + q->per_minute - 1) / q->per_minute;
		*remaining = 0;
		*retry_after = (unsigned)((ms + 999) / 1000);
		rc = FL_ERATE;
	}
	pthread_mutex_unlock(&set->lock);
	return rc;
}
