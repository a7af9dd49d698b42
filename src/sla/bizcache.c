/* The business clocks of this process, kept by what they were made of
 * (sla/schedule.h, fl_bizclock_shared). The key is the schedule's content
 * — zone, intervals, holidays — written out as bytes and compared whole:
 * no version to keep in step across nodes, and an edit on any node is seen
 * by the next read of the schedule. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "sla/schedule.h"

struct slot {
	fl_buf key;
	struct fl_bizclock *clock;
	int refs;
	uint64_t used; /* the tick of its last use: the smallest goes first */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[FL_BIZCACHE_SLOTS];
static uint64_t tick;

static int key_of(const struct fl_schedule *s, fl_buf *k)
{
	int rc = fl_buf_add(k, s->time_zone, strlen(s->time_zone) + 1);
	for (size_t i = 0; !rc && i < s->nintervals; i++) {
		int32_t v[2] = {s->intervals[i].start, s->intervals[i].end};
		rc = fl_buf_add(k, v, sizeof v);
	}
	if (!rc)
		rc = fl_buf_add(k, "|", 1);
	for (size_t i = 0; !rc && i < s->nholidays; i++) {
		int32_t v[2] = {s->holidays[i].start_day, s->holidays[i].end_day};
		rc = fl_buf_add(k, v, sizeof v);
	}
	return rc;
}

static struct slot *find(const fl_buf *k)
{
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS; i++)
		if (slots[i].clock && slots[i].key.n == k->n && !memcmp(slots[i].key.p, k->p, k->n))
			return &slots[i];
	return NULL;
}

/* An empty slot, else the least recently used one nobody holds (emptied);
 * NULL when every slot is held. */
static struct slot *room(void)
{
	struct slot *best = NULL;
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS; i++) {
		struct slot *sl = &slots[i];
		if (!sl->clock)
			return sl;
		if (!sl->refs && (!best || sl->used < best->used))
			best = sl;
	}
	if (best) {
		fl_bizclock_free(best->clock);
		fl_buf_free(&best->key);
		best->clock = NULL;
	}
	return best;
}

int fl_bizclock_shared(const struct fl_schedule *s, const struct fl_bizclock **out)
{
	struct fl_bizclock *made;
	struct slot *sl;
	fl_buf k;
	int rc;

	fl_buf_init(&k, 0);
	if ((rc = key_of(s, &k))) {
		fl_buf_free(&k);
		return rc;
	}
	pthread_mutex_lock(&lock);
	if ((sl = find(&k))) {
		sl->refs++;
		sl->used = ++tick;
		*out = sl->clock;
		pthread_mutex_unlock(&lock);
		fl_buf_free(&k);
		return 0;
	}
	pthread_mutex_unlock(&lock);
	/* built outside the lock: milliseconds, and other schedules' readers
	 * need not wait; two threads may build the same one, one is kept */
	if ((rc = fl_bizclock_new(s, &made))) {
		fl_buf_free(&k);
		return rc;
	}
	pthread_mutex_lock(&lock);
	if ((sl = find(&k))) {
		fl_bizclock_free(made);
		fl_buf_free(&k);
	} else if ((sl = room())) {
		sl->key = k;
		sl->clock = made;
		sl->refs = 0;
	} else {
		/* every slot held: the caller gets a clock of its own, freed on
		 * release as one not found here */
		pthread_mutex_unlock(&lock);
		fl_buf_free(&k);
		*out = made;
		return 0;
	}
	sl->refs++;
	sl->used = ++tick;
	*out = sl->clock;
	pthread_mutex_unlock(&lock);
	return 0;
}

void fl_bizclock_release(const struct fl_bizclock *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS; i++)
		if (slots[i].clock == c) {
			slots[i].refs--;
			pthread_mutex_unlock(&lock);
			return;
		}
	pthread_mutex_unlock(&lock);
	fl_bizclock_free((struct fl_bizclock *)c);
}

void fl_bizcache_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < FL_BIZCACHE_SLOTS; i++)
		if (slots[i].clock && !slots[i].refs) {
			fl_bizclock_free(slots[i].clock);
			fl_buf_free(&slots[i].key);
			slots[i].clock = NULL;
		}
	pthread_mutex_unlock(&lock);
}
