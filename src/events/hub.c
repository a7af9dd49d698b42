/* The live-event hub (hub.h tells the rules). */
#include "events/hub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fl_hub {
	pthread_mutex_t lock;
	pthread_cond_t gone; /* a listener left */
	char ring[FL_HUB_KEEP][FL_HUB_EVENT_MAX];
	uint64_t last; /* the number of the newest event; 0: none yet */
	struct fl_hub_listener *head;
	size_t n;
	int closing;
};

struct fl_hub *fl_hub_new(void)
{
	struct fl_hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->gone, NULL);
	return h;
}

static void wake_all(struct fl_hub *h)
{
	for (struct fl_hub_listener *l = h->head; l; l = l->nextl)
		l->wake(l->arg);
}

int64_t fl_hub_event_chat(const char *event)
{
	static const char key[] = "{\"chat_id\":";
	const char *sp = strchr(event, ' ');
	int64_t n = 0;

	if (!sp || strncmp(sp + 1, key, sizeof key - 1))
		return 0;
	for (const char *p = sp + sizeof key; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* A listener filtered on a chat hears only that chat's events: with a
 * thousand visitors' streams open, an event wakes the agents and the one
 * visitor it concerns, not every connection. */
static int keeps(const struct fl_hub_listener *l, int64_t chat)
{
	return !l->chat_id || l->chat_id == chat;
}

/* The event JSON in as a visitor reads it, into out (FL_HUB_EVENT_MAX
 * bytes; never longer than in): each "agent_id":N as "agent_id":0. A
 * visitor's chat JSON names its agent by name only, and so must its
 * stream, which carries the same events the consoles read with the ids.
 * Events hold ids and numbers, never text, so the key cannot be inside a
 * string. */
static const char *hide_staff_ids(const char *in, char *out)
{
	static const char key[] = "\"agent_id\":";
	const char *p = in, *hit;
	char *o = out;

	while ((hit = strstr(p, key))) {
		size_t n = (size_t)(hit - p) + sizeof key - 1;
		memcpy(o, p, n);
		o += n;
		p += n;
		if (*p >= '0' && *p <= '9') {
			*o++ = '0';
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	memcpy(o, p, strlen(p) + 1);
	return out;
}

void fl_hub_close(struct fl_hub *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->closing = 1;
	wake_all(h);
	pthread_mutex_unlock(&h->lock);
}

void fl_hub_free(struct fl_hub *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->gone);
	free(h);
}

void fl_hub_publish(struct fl_hub *h, const char *event)
{
	size_t n = strlen(event);
	const char *sp = strchr(event, ' ');
	int64_t chat;

	if (n >= FL_HUB_EVENT_MAX || !sp || sp == event || strpbrk(event, "\r\n"))
		return;
	chat = fl_hub_event_chat(event);
	pthread_mutex_lock(&h->lock);
	h->last++;
	memcpy(h->ring[h->last % FL_HUB_KEEP], event, n + 1);
	for (struct fl_hub_listener *l = h->head; l; l = l->nextl) {
		if (keeps(l, chat))
			l->wake(l->arg);
		else if (l->next == h->last)
			/* caught up and not woken: moved past it here, so that a
			 * quiet visitor's stream never falls FL_HUB_KEEP behind
			 * on other chats' events and is told to reset */
			l->next = h->last + 1;
	}
	pthread_mutex_unlock(&h->lock);
}

void fl_hub_join(struct fl_hub *h, struct fl_hub_listener *l, uint64_t last_seen)
{
	pthread_mutex_lock(&h->lock);
	l->next = h->last + 1;
	l->reset = 0;
	if (last_seen && last_seen <= h->last && h->last - last_seen < FL_HUB_KEEP)
		l->next = last_seen + 1;
	else if (last_seen)
		/* from another node, or older than the ring: what came
		 * between is unknown, so the first read says reset */
		l->reset = 1;
	l->ping = 0;
	l->prev = NULL;
	l->nextl = h->head;
	if (h->head)
		h->head->prev = l;
	h->head = l;
	h->n++;
	pthread_mutex_unlock(&h->lock);
}

void fl_hub_leave(struct fl_hub *h, struct fl_hub_listener *l)
{
	pthread_mutex_lock(&h->lock);
	if (l->prev)
		l->prev->nextl = l->nextl;
	else
		h->head = l->nextl;
	if (l->nextl)
		l->nextl->prev = l->prev;
	h->n--;
	pthread_cond_broadcast(&h->gone);
	pthread_mutex_unlock(&h->lock);
}

size_t fl_hub_listeners(struct fl_hub *h)
{
	size_t n;
	pthread_mutex_lock(&h->lock);
	n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

long fl_hub_read(struct fl_hub *h, struct fl_hub_listener *l, char *buf, size_t cap)
{
	size_t used = 0;

	pthread_mutex_lock(&h->lock);
	if (h->closing) {
		pthread_mutex_unlock(&h->lock);
		return -1;
	}
	if (l->reset || (h->last >= l->next && h->last - l->next >= FL_HUB_KEEP)) {
		/* overwritten before this listener read them, or never held */
		int k = snprintf(buf, cap, "event: reset\ndata: {}\n\n");
		if (k > 0 && (size_t)k < cap)
			used = (size_t)k;
		if (!l->reset)
			l->next = h->last + 1;
		l->reset = 0;
	}
	while (l->next <= h->last) {
		const char *e = h->ring[l->next % FL_HUB_KEEP], *sp = strchr(e, ' '), *data;
		char hidden[FL_HUB_EVENT_MAX];
		int k;
		if (!keeps(l, fl_hub_event_chat(e))) {
			l->next++;
			continue;
		}
		data = l->chat_id ? hide_staff_ids(sp + 1, hidden) : sp + 1;
		k = snprintf(buf + used, cap - used, "id: %llu\nevent: %.*s\ndata: %s\n\n",
			     (unsigned long long)l->next, (int)(sp - e), e, data);
		if (k < 0 || (size_t)k >= cap - used)
			break; /* the rest next time */
		used += (size_t)k;
		l->next++;
	}
	if (l->ping && used + 10 < cap) {
		memcpy(buf + used, ": ping\n\n", 8);
		used += 8;
		l->ping = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return (long)used;
}

void fl_hub_heartbeat(struct fl_hub *h)
{
	pthread_mutex_lock(&h->lock);
	for (struct fl_hub_listener *l = h->head; l; l = l->nextl)
		l->ping = 1;
	wake_all(h);
	pthread_mutex_unlock(&h->lock);
}
