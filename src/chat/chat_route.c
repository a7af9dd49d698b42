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
#include "store/tickets.h"

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

/* What the chat asks of its agent besides the language, as ticket
 * routing asks it of a ticket: its topic and its ticket's tags (the topic
 * is one of them unless someone took it off; what an agent or a trigger
 * added since counts too). Into tags (FL_TICKET_MAX_TAGS + 1), pointers
 * into a; a ticket gone leaves the topic alone. */
static int chat_tags(fl_tx *tx, const struct fl_chat *c, fl_arena *a, const char **tags, size_t *n)
{
	struct fl_ticket t;
	size_t k = 0;
	int rc;

	if (c->topic && *c->topic)
		tags[k++] = c->topic;
	rc = fl_store_ticket_get(tx, c->ticket_id, a, &t);
	for (size_t i = 0; !rc && i < t.ntags; i++)
		if (!k || strcmp(t.tags[i], tags[0]))
			tags[k++] = t.tags[i];
	*n = k;
	return rc == FL_ENOTFOUND ? 0 : rc;
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
	const char *tags[FL_TICKET_MAX_TAGS + 1], *need[FL_TICKET_MAX_TAGS + 2];
	char lang[3];
	int64_t *skip;
	size_t nskip, n, ntags, nneed;
	fl_arena a;
	int i, rc;

	fl_arena_init(&a, 0);
	rc = fl_store_chat_get(tx, chat_id, &a, &c);
	if (rc || c.state != FL_CHAT_QUEUED || c.offered_to)
		goto out;
	if ((rc = chat_tags(tx, &c, &a, tags, &ntags)) ||
	    (rc = fl_store_chat_skips(tx, chat_id, 1000, &a, &skip, &nskip)) ||
	    (rc = candidates(tx, c.group_id, skip, nskip, &a, &ag, &n)))
		goto out;
	/* the visitor's language, the topic and the tags are skills when
	 * someone has them */
	nneed = fl_routing_needs(c.locale, tags, ntags, ag, n, lang, need,
				 sizeof need / sizeof *need);
	i = fl_routing_choose(FL_ROUTING_LEAST_OPEN, ag, n, 0, need, nneed);
	if (i < 0 && nskip) {
		/* everyone let it pass: offer it round again rather than never */
		if ((rc = fl_store_chat_skips_clear(tx, chat_id)) ||
		    (rc = candidates(tx, c.group_id, NULL, 0, &a, &ag, &n)))
			goto out;
		nneed = fl_routing_needs(c.locale, tags, ntags, ag, n, lang, need,
					 sizeof need / sizeof *need);
		i = fl_routing_choose(FL_ROUTING_LEAST_OPEN, ag, n, 0, need, nneed);
	}
	if (i < 0)
		goto out;
	c.offered_to = ag[i].user_id;
	c.offered_at = now;
	if (!(rc = fl_store_chat_update(tx, &c)) &&
	    !(rc = fl_store_chat_agent_touch(tx, c.offered_to, now)))
		rc = offered(tx, chat_id, c.offered_to);
out:
	fl_arena_free(&a);
	return rc;
}

/* Whether any agent routing sees could take a chat now (online, under
 * their chat capacity). When none can, a pass over the queue offers
 * nothing, and each chat's look at the agents counts every agent's chats:
 * with 1,000 chats queued that held the one writer for up to 300 ms every
 * FL_CHAT_OFFER_PERIOD (bench/chat.sh). A group's members are among the
 * agents of group 0, so nobody there means nobody in any group. */
static int anyone_has_room(fl_tx *tx, int *room)
{
	struct fl_routing_agent *ag;
	size_t n;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = candidates(tx, 0, NULL, 0, &a, &ag, &n);
	if (!rc)
		*room = fl_routing_choose(FL_ROUTING_LEAST_OPEN, ag, n, 0, NULL, 0) >= 0;
	fl_arena_free(&a);
	return rc;
}

int fl_chat_route_all(fl_tx *tx, int64_t now, size_t *n)
{
	int64_t *ids;
	size_t m = 0, offered = 0;
	fl_arena a;
	int room = 0, rc;

	fl_arena_init(&a, 0);
	rc = anyone_has_room(tx, &room);
	if (!rc && room)
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
		if (!(rc = fl_store_chat_update(tx, &c)))
			rc = offered(tx, c.id, 0);
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

/* ---- what the widget and the console show ---- */

/* Whether the schedule schedule_id (0: always open) is open at now, and
 * when it opens next when it is not (*next, 0 when open). A schedule gone
 * is always open: the widget must not close for good over a deleted row. */
static int schedule_open(fl_tx *tx, int64_t schedule_id, int64_t now, int *open, int64_t *next)
{
	const struct fl_bizclock *clock;
	struct fl_schedule s;
	fl_arena a;
	int rc;

	*open = 1;
	*next = 0;
	if (!schedule_id)
		return 0;
	fl_arena_init(&a, 0);
	rc = fl_store_schedule_get(tx, schedule_id, &a, &s);
	if (!rc && !(rc = fl_bizclock_shared(&s, &clock))) {
		*open = fl_biz_open(clock, now);
		if (!*open) {
			/* the first business second from now ends at this */
			int64_t t = fl_biz_add(clock, now, 1);
			*next = t == INT64_MAX ? 0 : t - 1;
		}
		fl_bizclock_release(clock);
	}
	fl_arena_free(&a);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

int fl_chat_status(fl_tx *tx, int64_t agent_id, int64_t now, struct fl_chat_status *out)
{
	struct fl_chat_status st = {0};
	struct fl_chat_settings s;
	struct fl_routing_agent *ag;
	int64_t *waits;
	size_t n, nwaits;
	int open = 0;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	if ((rc = fl_chat_settings_get(tx, &a, &s)) ||
	    (rc = candidates(tx, s.group_id, NULL, 0, &a, &ag, &n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (ag[i].status != FL_AGENT_ONLINE)
			continue;
		st.online++;
		if (ag[i].open < ag[i].capacity)
			st.room += ag[i].capacity - ag[i].open;
	}
	if ((rc = fl_store_chat_queue_len(tx, &st.queue)) ||
	    (rc = fl_store_chat_recent_waits(tx, now - FL_CHAT_WAIT_WINDOW, 10000, &a, &waits,
					     &nwaits)) ||
	    (rc = schedule_open(tx, s.schedule_id, now, &open, &st.next_open_at)))
		goto out;
	/* room somewhere: a new chat is offered at once, whoever waits;
	 * nobody online: no wait to tell (the widget is closed) */
	if (st.online && !st.room) {
		/* nobody's median known: a minute a place in the queue */
		int64_t median = nwaits ? fl_chat_percentile(waits, nwaits, 50) : 60;
		st.expected_wait = median * (st.queue + 1) / st.online;
	}
	st.open_now = s.enabled && open && st.online > 0;
	if (agent_id) {
		int64_t held;
		if ((rc = fl_chat_capacity_get(tx, agent_id, &st.capacity)) ||
		    (rc = fl_store_chat_agent_load(tx, agent_id, &held)))
			goto out;
		st.active = held;
	}
	*out = st;
out:
	fl_arena_free(&a);
	return rc;
}

/* ---- the report ---- */

/* One key's chats while the report is counted. */
struct acc {
	struct fl_chat_stats_row row;
	int64_t *waits, *durations, *starts, *ends;
	size_t nwaits, ndurations, nspans;
};

static int64_t key_of(int by, const struct fl_store_chat_fact *f)
{
	if (by == FL_CHAT_BY_AGENT)
		return f->agent_id;
	if (by == FL_CHAT_BY_GROUP)
		return f->group_id;
	/* days since 1970-01-01, UTC; floor for times before it */
	return f->created_at >= 0 ? f->created_at / 86400 : -((-f->created_at + 86399) / 86400);
}

static void count(struct acc *c, const struct fl_store_chat_fact *f)
{
	c->row.chats++;
	if (f->first_answer_at)
		c->row.answered++, c->waits[c->nwaits++] = f->first_answer_at - f->created_at;
	if (f->state == FL_CHAT_MISSED)
		c->row.missed++;
	if (f->state == FL_CHAT_OFFLINE)
		c->row.offline++;
	if (f->state == FL_CHAT_ENDED && f->ended_at)
		c->durations[c->ndurations++] = f->ended_at - f->created_at;
	if (f->accepted_at) {
		c->starts[c->nspans] = f->accepted_at;
		c->ends[c->nspans++] = f->ended_at;
	}
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static void close_acc(struct acc *c)
{
	qsort(c->waits, c->nwaits, sizeof *c->waits, cmp_i64);
	qsort(c->durations, c->ndurations, sizeof *c->durations, cmp_i64);
	c->row.wait_p50 = fl_chat_percentile(c->waits, c->nwaits, 50);
	c->row.wait_p90 = fl_chat_percentile(c->waits, c->nwaits, 90);
	c->row.duration_p50 = fl_chat_percentile(c->durations, c->ndurations, 50);
	c->row.peak = fl_chat_peak(c->starts, c->ends, c->nspans);
}

static int acc_init(struct acc *c, int64_t key, size_t cap, fl_arena *a)
{
	memset(c, 0, sizeof *c);
	c->row.key = key;
	cap = cap ? cap : 1;
	c->waits = fl_arena_alloc(a, cap * sizeof(int64_t));
	c->durations = fl_arena_alloc(a, cap * sizeof(int64_t));
	c->starts = fl_arena_alloc(a, cap * sizeof(int64_t));
	c->ends = fl_arena_alloc(a, cap * sizeof(int64_t));
	return c->waits && c->durations && c->starts && c->ends ? 0 : FL_ENOMEM;
}

#define STATS_FACTS_MAX 200000
#define STATS_ROWS_MAX 1000

static int cmp_fact_key(const void *x, const void *y, void *by)
{
	int64_t a = key_of(*(int *)by, x), b = key_of(*(int *)by, y);
	return (a > b) - (a < b);
}

int fl_chat_stats(fl_tx *tx, int by, int64_t start, int64_t end, fl_arena *a,
		  struct fl_chat_stats_row **out, size_t *n, struct fl_chat_stats_row *all)
{
	struct fl_store_chat_fact *f;
	struct fl_chat_stats_row *rows = NULL;
	struct acc total, cur;
	size_t nf, nrows = 0, i = 0;
	int rc;

	if (by < 0 || by >= FL_CHAT_BY__MAX)
		return FL_EINVAL;
	if ((rc = fl_store_chat_facts(tx, start, end, STATS_FACTS_MAX, a, &f, &nf)))
		return rc;
	if ((rc = acc_init(&total, 0, nf, a)))
		return rc;
	for (size_t k = 0; k < nf; k++)
		count(&total, &f[k]);
	close_acc(&total);
	qsort_r(f, nf, sizeof *f, cmp_fact_key, &by);
	while (i < nf) {
		int64_t key = key_of(by, &f[i]);
		size_t j = i;
		while (j < nf && key_of(by, &f[j]) == key)
			j++;
		if (nrows == STATS_ROWS_MAX)
			return FL_ETOOBIG;
		if (!rows && !(rows = fl_arena_alloc(a, STATS_ROWS_MAX * sizeof *rows)))
			return FL_ENOMEM;
		if ((rc = acc_init(&cur, key, j - i, a)))
			return rc;
		for (size_t k = i; k < j; k++)
			count(&cur, &f[k]);
		close_acc(&cur);
		rows[nrows++] = cur.row;
		i = j;
	}
	*out = rows;
	*n = nrows;
	*all = total.row;
	return 0;
}
