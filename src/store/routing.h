/* The store's side of routing (src/store/routing.c): agents'
 * availability, groups' routing method and the tickets waiting for an
 * agent. Strings returned are copied into the arena given. */
#ifndef FL_STORE_ROUTING_H
#define FL_STORE_ROUTING_H

#include <stddef.h>
#include <stdint.h>

#include "routing/routing.h"
#include "store/store.h"

/* The most agents a list or a group's routing reads. */
#define FL_STORE_ROUTING_AGENTS_MAX 2000

/* Agent or admin user_id's availability with their open load; offline,
 * no limit and no skills when they have never set one. FL_ENOTFOUND when
 * there is no such active agent or admin. */
int fl_store_availability_get(fl_tx *tx, int64_t user_id, fl_arena *a,
			      struct fl_routing_agent *out);
/* Every active agent and admin (at most FL_STORE_ROUTING_AGENTS_MAX) by
 * id, as fl_store_availability_get reads them. */
int fl_store_availability_list(fl_tx *tx, fl_arena *a, struct fl_routing_agent **out, size_t *n);
/* Writes ag's status, status_at, capacity and skills for ag->user_id. */
int fl_store_availability_put(fl_tx *tx, const struct fl_routing_agent *ag, int64_t now);
/* Stamps an automatic assignment to user_id: two writers assigning to
 * the same agent at once then write the same row, and PostgreSQL fails
 * one of them (retried) instead of letting both pass the capacity. */
int fl_store_availability_touch(fl_tx *tx, int64_t user_id, int64_t now);

/* Group group_id's routing method and the agent round robin chose last;
 * FL_ROUTING_NONE and 0 when it has none. */
int fl_store_group_routing_get(fl_tx *tx, int64_t group_id, int *method, int64_t *last);
int fl_store_group_routing_put(fl_tx *tx, int64_t group_id, int method, int64_t now);
/* Records user_id as the group's last chosen: written with every
 * automatic assignment in the group, so routings of one group on two
 * writers at once conflict (PostgreSQL) and round robin stays in order. */
int fl_store_group_routing_last(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t now);

/* The active agents and admins of group group_id by id, with their
 * availability and open load. */
int fl_store_routing_members(fl_tx *tx, int64_t group_id, fl_arena *a,
			     struct fl_routing_agent **out, size_t *n);

/* Up to max waiting tickets' ids: live, unassigned, below solved, in a
 * group with a routing method, and not the ticket of a live chat (queued
 * or active: chat routing offers that one; once the chat is missed or
 * ended, an open unassigned ticket waits here like any) — group_id 0:
 * any; user_id not 0: a group user_id is in; ticket_id not 0: that ticket
 * only —, by the customer's tier position (the requester's, else their
 * organization's; none last), then created_at, then id. The one rule of
 * what ticket routing may take: the write hook asks it too. */
int fl_store_routing_waiting(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t ticket_id,
			     size_t max, fl_arena *a, int64_t **out, size_t *n);

#endif
