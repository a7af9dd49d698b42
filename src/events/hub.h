/* Live events on one node: what happened to tickets (created, updated,
 * someone viewing), fanned out to everyone listening here.
 *
 * Events reach the hub from the store once their transaction commits —
 * on PostgreSQL through LISTEN/NOTIFY, so an event on any node reaches the
 * listeners on every node. The hub keeps the last FL_HUB_KEEP events,
 * numbered from 1 in the order they came; a listener reads from where it
 * got to, and one that fell further behind than that is told to reload.
 * Plain C: nothing here knows HTTP or SQL. */
#ifndef FL_EVENTS_HUB_H
#define FL_EVENTS_HUB_H

#include <stddef.h>
#include <stdint.h>

#define FL_HUB_KEEP 1024
#define FL_HUB_EVENT_MAX 512 /* bytes of an event's JSON */

struct fl_hub;

/* A listener. wake(arg) is called, from any thread, when there is
 * something new to read (or the hub is closing); it must not call back
 * into the hub. chat_id, set before fl_hub_join, makes it a visitor's:
 * it keeps only the events whose JSON starts with "chat_id":N for that N
 * (a visitor's stream reads its own chat and nothing else, and is not
 * woken for the others), and reads the staff's user ids in them
 * ("agent_id":N) as 0, since a visitor knows the desk's people by name
 * only while the agents' consoles need the ids of the same events; 0
 * keeps every event as published. */
struct fl_hub_listener {
	uint64_t next; /* the number of the next event to read */
	int ping;      /* a heartbeat to write */
	int reset;     /* joined with a Last-Event-ID not held: say reset first */
	int64_t chat_id;
	void (*wake)(void *arg);
	void *arg;
	struct fl_hub_listener *prev, *nextl;
};

struct fl_hub *fl_hub_new(void);
/* Wakes every listener with the hub closed; frees it once none is left
 * (fl_hub_leave). */
void fl_hub_close(struct fl_hub *h);
void fl_hub_free(struct fl_hub *h);

/* Adds an event: "TYPE JSON" (a type like ticket.updated, a space, then
 * the event as one line of JSON). Longer than FL_HUB_EVENT_MAX or without
 * a type: dropped. */
void fl_hub_publish(struct fl_hub *h, const char *event);
/* Joins at the next event, or after last_seen when the hub still has the
 * events since (a client resuming with Last-Event-ID). A last_seen it
 * cannot resume from (another node's number, or fallen out of the ring)
 * joins at the next event with "reset" as the first thing read. A
 * listener filtered on a chat that has read everything is moved past the
 * events it does not keep as they come, so other chats' traffic never
 * makes it reset. */
void fl_hub_join(struct fl_hub *h, struct fl_hub_listener *l, uint64_t last_seen);
void fl_hub_leave(struct fl_hub *h, struct fl_hub_listener *l);
/* Listeners now. */
size_t fl_hub_listeners(struct fl_hub *h);

/* Writes the events l has not read as Server-Sent Events ("id: N",
 * "event: TYPE", "data: JSON") into buf, whole events only, and moves l
 * on past the ones its chat_id filter leaves out (a visitor's with the
 * staff's ids as 0); "event: reset" when events were lost. Returns the bytes written:
 * 0 when there is nothing new, -1 when the hub is closing. */
long fl_hub_read(struct fl_hub *h, struct fl_hub_listener *l, char *buf, size_t cap);
/* Wakes every listener without an event: each writes a comment line, so
 * that idle connections stay open through proxies. */
void fl_hub_heartbeat(struct fl_hub *h);
/* The N of an event JSON's leading "chat_id":N ("TYPE {\"chat_id\":N,..."),
 * 0 when it does not start so. */
int64_t fl_hub_event_chat(const char *event);

#endif
