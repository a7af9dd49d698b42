/* Live chat's routing, the offer job and the numbers (chat/chat.h):
 * which agent a waiting chat is offered to, what the widget says about
 * the wait, what the report counts. */

#include "chat/chat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "jobs/jobs.h"
#include "routing/routing.h"
#include "sla/schedule.h"
#include "store/chats.h"
#include "store/routing.h"
#include "store/schedules.h"

#define ROUTE_MAX 200 /* chats one pass offers or moves on at most */

static int contains(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* The agents who may take chats of group_id (every agent when 0) as
 * routing sees them, with their chat capacity and their live chats as
 * "open"; those with capacity 0 (they take no chats) and those in skip
 * left out. In a. */
static int candidates(fl_tx *tx, int64_t group_id, const int64_t *skip, size_t nskip, fl_arena *a,
		      struct fl_routing_agent **out, size_t *n)
{
	struct fl_routing_agent *ag;
	size_t m, k = 0;
	int rc = group_id ? fl_store_routing_members(tx, group_id, a, &ag, &m)
			  : fl_store_availability_list(tx, a, &ag, &m);

	for (size_t i = 0; !rc && i < m; i++) {
		int64_t cap, held;
		if (contains(skip, nskip, ag[i].user_id))
			continue;
		if ((rc = fl_chat_capacity_get(tx, ag[i].user_id, &cap)) ||
		    (rc = fl_store_chat_agent_load(tx, ag[i].user_id, &held)))
			break;
		if (!cap)
			continue;
		ag[k] = ag[i];
		ag[k].capacity = cap;
		ag[k].open = held;
		k++;
	}
	if (!rc) {
		*out = ag;
		*n = k;
	}
	return rc;
}

static int offered(fl_tx *tx, int64_t chat_id, int64_t agent_id)
{
	char ev[128];
	snprintf(ev, sizeof ev, "chat.offered {\"chat_id\":%" PRId64 ",\"agent_id\":%" PRId64 "}",
		 chat_id, agent_id);
	return fl_store_notify(tx, ev);
}

int fl_chat_route(fl_tx *tx, int64_t chat_id, int64_t now)
{
	struct fl_routing_agent *ag;
	struct fl_chat c;
	const char *need[4];
	char lang[3];
	int64_t *skip;
	size_t nskip, n, nneed;
	fl_arena a;
	int i, rc;

	fl_arena_init(&a, 0);
	rc = fl_store_chat_get(tx, chat_id, &a, &c);
	if (rc || c.state != FL_CHAT_QUEUED || c.offered_to)
		goto out;
	if ((rc = fl_store_chat_skips(tx, chat_id, 1000, &a, &skip, &nskip)) ||
	    (rc = candidates(tx, c.group_id, skip, nskip, &a, &ag, &n)))
		goto out;
	/* the visitor's language is a skill when someone has it */
	nneed = fl_routing_needs(c.locale, NULL, 0, ag, n, lang, need, 4);
	i = fl_routing_choose(FL_ROUTING_LEAST_OPEN, ag, n, 0, need, nneed);
	if (i < 0 && nskip) {
		/* everyone let it pass: offer it round again rather than never */
		if ((rc = fl_store_chat_skips_clear(tx, chat_id)) ||
		    (rc = candidates(tx, c.group_id, NULL, 0, &a, &ag, &n)))
			goto out;
		nneed = fl_routing_needs(c.locale, NULL, 0, ag, n, lang, need, 4);
		i = fl_routing_choose(FL_ROUTING_LEAST_OPEN, ag, n, 0, need, nneed);
	}
	if (i < 0)
		goto out;
	c.offered_to = ag[i].user_id;
	c.offered_at = now;
	if (!(rc = fl_store_chat_update(tx, &c)))
		rc = offered(tx, chat_id, c.offered_to);
out:
	fl_arena_free(&a);
	return rc;
}

int fl_chat_route_all(fl_tx *tx, int64_t now, size_t *n)
{
	int64_t *ids;
	size_t m, offered = 0;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_chat_queued(tx, 1, ROUTE_MAX, &a, &ids, &m);
	for (size_t i = 0; !rc && i < m; i++) {
		struct fl_chat c;
		if (!(rc = fl_chat_route(tx, ids[i], now)) &&
		    !(rc = fl_store_chat_get(tx, ids[i], &a, &c)) && c.offered_to)
			offered++;
	}
	fl_arena_free(&a);
	if (!rc && n)
		*n = offered;
	return rc;
}

int fl_chat_offer_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	struct fl_chat_who sys = {FL_CHAT_SYSTEM, 0, NULL};
	struct fl_chat_settings s;
	int64_t now = fl_now(), *ids;
	size_t n;
	fl_arena a;
	int rc;

	(void)job;
	fl_arena_init(&a, 0);
	if ((rc = fl_chat_settings_get(tx, &a, &s)))
		goto out;
	/* offers nobody took in time: the agent who let it pass is skipped
	 * for that chat, and it goes to the next */
	rc = fl_store_chat_offers_lapsed(tx, now - s.offer_seconds, ROUTE_MAX, &a, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		struct fl_chat c;
		if ((rc = fl_store_chat_get(tx, ids[i], &a, &c)))
			break;
		if ((rc = fl_store_chat_skip_add(tx, c.id, c.offered_to)))
			break;
		c.offered_to = c.offered_at = 0;
		rc = fl_store_chat_update(tx, &c);
	}
	/* visitors who left before anyone answered: missed, the ticket stays
	 * open so someone answers by mail */
	if (!rc)
		rc = fl_store_chat_gone(tx, now - FL_CHAT_GONE_SECONDS, ROUTE_MAX, &a, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = fl_chat_end(tx, &sys, ids[i], 0, now, &a, NULL, e);
	if (!rc)
		rc = fl_chat_route_all(tx, now, NULL);
out:
	fl_arena_free(&a);
	return rc;
}
