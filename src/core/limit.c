/* Rate limits in memory (core/limit.h). */
#include "core/limit.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define PROBE 8 /* slots a key may sit in, from its hash on */

static size_t slot_of(const unsigned char key[16])
{
	return ((size_t)key[0] << 8 | key[1]) % FL_LIMIT_SLOTS;
}

/* The newest event of slot i; 0 for an empty slot. */
static int64_t newest(const struct fl_limiter *l, size_t i)
{
	int64_t t = 0;
	for (unsigned k = 0; k < FL_LIMIT_MAX; k++)
		if (l->slot[i].at[k] > t)
			t = l->slot[i].at[k];
	return t;
}

/* The slot that counts for key: its own, else an empty one or the one
 * quiet longest among those it may take, emptied. Called locked. */
static size_t find(struct fl_limiter *l, const unsigned char key[16])
{
	size_t start = slot_of(key), quiet = start;

	for (size_t k = 0; k < PROBE; k++) {
		size_t i = (start + k) % FL_LIMIT_SLOTS;
		if (!memcmp(l->slot[i].key, key, 16))
			return i;
	}
	for (size_t k = 0; k < PROBE; k++) {
		size_t i = (start + k) % FL_LIMIT_SLOTS;
		if (newest(l, i) < newest(l, quiet))
			quiet = i;
	}
	memset(&l->slot[quiet], 0, sizeof l->slot[quiet]);
	memcpy(l->slot[quiet].key, key, 16);
	return quiet;
}

int fl_limiter_take(struct fl_limiter *l, const char *key, int64_t now, int64_t *retry_after)
{
	unsigned char h[16];
	unsigned max = l->max < 1 ? 1 : l->max > FL_LIMIT_MAX ? FL_LIMIT_MAX : l->max;
	unsigned recent = 0;
	int64_t oldest = now;
	size_t i;
	int rc = 0;

	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
	pthread_mutex_lock(&l->lock);
	i = find(l, h);
	for (unsigned k = 0; k < FL_LIMIT_MAX; k++) {
		int64_t t = l->slot[i].at[k];
		if (t && now - t < l->window) {
			recent++;
			if (t < oldest)
				oldest = t;
		}
	}
	if (recent >= max) {
		/* allowed again when the oldest event in the window leaves it */
		*retry_after = oldest + l->window - now;
		if (*retry_after < 1)
			*retry_after = 1;
		rc = FL_ERATE;
	} else {
		/* the ring holds max events: the one overwritten is the oldest */
		l->slot[i].at[l->slot[i].next] = now;
		l->slot[i].next = (l->slot[i].next + 1) % max;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void fl_limit_address_key(const char *addr, char out[48])
{
	struct in6_addr a6;

	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, out, 48);
		return;
	}
	snprintf(out, 48, "%s", addr);
}
