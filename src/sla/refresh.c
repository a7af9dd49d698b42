/* Each ticket's SLA kept measured, and its events fired once
 * (sla/refresh.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/log.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "sla/refresh.h"
#include "sla/ticket_sla.h"
#include "store/slas.h"
#include "store/ticket_slas.h"
#include "store/tickets.h"

/* The desk's policies, read once for a batch of tickets, with the schedule
 * each counts in, read when a ticket first needs it. */
struct desk {
	struct fl_sla_policy *policies;
	size_t n;
	struct fl_schedule **schedules; /* by policy; NULL until read */
	char *read;                     /* by policy: its schedule was read */
	int facts;                      /* a filter asks about the customer (fl_sla_facts_load) */
};

static int asks_facts(const struct fl_sla_condition *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].field == FL_SLA_F_REQUESTER_TIER ||
		    c[i].field == FL_SLA_F_ORGANIZATION_TIER || c[i].field == FL_SLA_F_ENTITLEMENT)
			return 1;
	return 0;
}

static int desk_load(fl_tx *tx, fl_arena *a, struct desk *d)
{
	int rc = fl_sla_policy_list(tx, a, &d->policies, &d->n);
	if (rc)
		return rc;
	d->schedules = fl_arena_alloc(a, (d->n + 1) * sizeof *d->schedules);
	d->read = fl_arena_alloc(a, d->n + 1);
	if (!d->schedules || !d->read)
		return FL_ENOMEM;
	memset(d->read, 0, d->n + 1);
	for (size_t i = 0; i < d->n; i++)
		d->facts |= asks_facts(d->policies[i].filter.all, d->policies[i].filter.nall) ||
			    asks_facts(d->policies[i].filter.any, d->policies[i].filter.nany);
	return 0;
}

static int desk_schedule(fl_tx *tx, struct desk *d, const struct fl_sla_policy *p, fl_arena *a,
			 struct fl_schedule **out)
{
	size_t i = (size_t)(p - d->policies);
	int rc = 0;
	if (!d->read[i] && !(rc = fl_sla_schedule_of(tx, p, a, &d->schedules[i])))
		d->read[i] = 1;
	*out = d->schedules[i];
	return rc;
}

static const char *const event_kinds[] = {"policy", "warning", "breached", "achieved"};
enum { EV_POLICY, EV_WARNING, EV_BREACHED, EV_ACHIEVED };

static fl_sla_event_fn event_hook;

void fl_sla_set_event_hook(fl_sla_event_fn fn)
{
	event_hook = fn;
}

/* The events fire() logged while one ticket is measured, told to the
 * event hook once its SLA row is stored. A refresh may run inside another
 * (the hook writes the ticket): each has its own list. */
struct fired {
	int kind[2 * FL_SLA_METRIC__MAX + 2], metric[2 * FL_SLA_METRIC__MAX + 2];
	size_t n;
};
static __thread struct fired *fired_now;

/* Logs an event unless it was (cycle events are once each) and publishes
 * it once the transaction commits. */
static int fire(fl_tx *tx, int64_t ticket, int kind, int metric, int64_t cycle, int64_t policy,
		int64_t previous, int64_t at, int64_t now)
{
	struct fl_store_sla_event ev = {
		.ticket_id = ticket,
		.kind = (char *)event_kinds[kind],
		.metric = metric < 0 ? NULL : (char *)fl_sla_metric_name(metric),
		.cycle = cycle,
		.policy_id = policy,
		.previous_policy_id = previous,
		.at = at,
		.fired_at = now,
	};
	char live[256];
	int added, rc = fl_store_sla_event_add(tx, &ev, &added);

	if (rc || !added)
		return rc;
	if (fired_now && fired_now->n < sizeof fired_now->kind / sizeof *fired_now->kind) {
		fired_now->kind[fired_now->n] = kind;
		fired_now->metric[fired_now->n++] = metric;
	}
	snprintf(live, sizeof live,
		 "ticket.sla {\"ticket_id\":%" PRId64
		 ",\"kind\":\"%s\",\"metric\":%s%s%s,"
		 "\"policy_id\":%" PRId64 ",\"at\":%" PRId64 "}",
		 ticket, ev.kind, ev.metric ? "\"" : "", ev.metric ? ev.metric : "null",
		 ev.metric ? "\"" : "", policy, at);
	return fl_store_notify(tx, live);
}

/* The events of the measured metrics due at now. A warning is a state of
 * now: an active metric within the policy's warning minutes of its
 * breach. A breach fires while its cycle still runs late, or when it came
 * at or after `since` (the second of the last look at the ticket: times are
 * whole seconds); an achievement when it came at or after since. So a ticket first measured long after the fact — a new
 * policy, a ticket older than its SLA rows — hears of what is true now,
 * never of the cycles its past already closed. Each once (the store's
 * unique key). */
static int fire_due(fl_tx *tx, const struct fl_ticket *t, const struct fl_ticket_sla *s,
		    int64_t warn, int64_t since, int64_t now)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < s->n; i++) {
		const struct fl_sla_state *m = &s->metrics[i];
		if (m->stage == FL_SLA_STAGE_BREACHED &&
		    (m->achieved_at == FL_SLA_NEVER || m->breach_at >= since))
			rc = fire(tx, t->id, EV_BREACHED, m->metric, m->cycles, s->policy->id, 0,
				  m->breach_at, now);
		else if (m->stage == FL_SLA_STAGE_ACTIVE && warn && m->breach_at - warn <= now)
			rc = fire(tx, t->id, EV_WARNING, m->metric, m->cycles, s->policy->id, 0,
				  m->breach_at - warn, now);
		else if (m->stage == FL_SLA_STAGE_ACHIEVED && m->achieved_at >= since)
			rc = fire(tx, t->id, EV_ACHIEVED, m->metric, m->cycles, s->policy->id, 0,
				  m->achieved_at, now);
	}
	return rc;
}

/* The next instant after now at which s changes by itself: the soonest
 * warning or breach of an active metric still ahead; 0 for none. */
static int64_t next_event(const struct fl_ticket_sla *s, int64_t warn, int64_t now)
{
	int64_t next = FL_SLA_NEVER;
	for (size_t i = 0; i < s->n; i++) {
		const struct fl_sla_state *m = &s->metrics[i];
		int64_t at = FL_SLA_NEVER;
		if (m->stage != FL_SLA_STAGE_ACTIVE || m->breach_at == FL_SLA_NEVER)
			continue;
		if (warn && m->breach_at - warn > now)
			at = m->breach_at - warn;
		else if (m->breach_at > now)
			at = m->breach_at;
		if (at < next)
			next = at;
	}
	return next == FL_SLA_NEVER ? 0 : next;
}

static int64_t or_zero(int64_t at)
{
	return at == FL_SLA_NEVER ? 0 : at;
}

/* What the store held for a ticket before it is measured again, read for
 * a whole batch by the recompute. */
struct prev {
	int had; /* the ticket has a row */
	struct fl_store_ticket_sla row;
	const struct fl_store_sla_metric *m;
	size_t n;
};

/* Whether row and m[0..n) are what p holds already (its measured_at
 * aside): then writing them again changes nothing a reader sees. */
static int unchanged(const struct prev *p, const struct fl_store_ticket_sla *row,
		     const struct fl_store_sla_metric *m, size_t n)
{
	if (!p->had || p->row.policy_id != row->policy_id ||
	    p->row.next_breach_at != row->next_breach_at ||
	    p->row.next_event_at != row->next_event_at || p->n != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < p->n && !fl_store_sla_metric_same(&m[i], &p->m[j]))
			j++;
		if (j == p->n)
			return 0;
	}
	return 1;
}

/* Measures t on its timeline (given, else read here) and stores it unless
 * it is what given_prev says the store holds. Loud: fires what is due.
 * Quiet (a recompute): fires only for a ticket that stays under the policy
 * it was under — its warning or breach falling due while a recompute
 * passes by is still news; a ticket new to its promise hears nothing of
 * its past. */
static int measure(fl_tx *tx, struct desk *d, const struct fl_ticket *t,
		   const struct fl_store_sla_timeline *given, const struct prev *given_prev,
		   int64_t now, int loud, fl_arena *a)
{
	struct fl_store_ticket_sla prev, row = {.ticket_id = t->id, .measured_at = now};
	struct fl_store_sla_metric rows[FL_SLA_METRIC__MAX];
	struct fl_store_sla_timeline tl = {0};
	struct fl_ticket_sla sla = {0};
	struct fl_schedule *schedule = NULL;
	const struct fl_sla_policy *p;
	struct fl_sla_facts facts;
	int64_t warn, since;
	int had, rc;

	if (t->deleted_at)
		return fl_store_ticket_sla_delete(tx, t->id);
	if (given_prev) {
		had = given_prev->had ? 0 : FL_ENOTFOUND;
		prev = given_prev->row;
	} else if ((had = fl_store_ticket_sla_get(tx, t->id, &prev)) && had != FL_ENOTFOUND) {
		return had;
	}
	/* the customer's tiers and contracts cost two queries: read only when
	 * a filter asks about them */
	facts = (struct fl_sla_facts){0};
	if (d->facts && (rc = fl_sla_facts_load(tx, t, now, &facts)))
		return rc;
	rc = 0;
	p = fl_sla_policy_choose(d->policies, d->n, t, &facts);
	row.policy_id = p ? p->id : 0;
	if (p) {
		if (given)
			tl = *given;
		else if (!(rc = fl_store_sla_steps(tx, t->id, a, &tl.steps, &tl.n)))
			tl.truncated = tl.n >= FL_STORE_SLA_STEPS_MAX;
		if (!rc)
			rc = desk_schedule(tx, d, p, a, &schedule);
		if (!rc && !tl.truncated)
			rc = fl_ticket_sla_measure(t, p, schedule, tl.steps, tl.n, now, a, &sla);
		/* a promise that cannot be measured must not fail the write */
		if (rc == FL_EINVAL || rc == FL_EINTERNAL || tl.truncated) {
			fl_log("warn", "ticket %" PRId64 ": SLA not measured (%s)", t->id,
			       tl.truncated ? "timeline too long" : fl_err_name(rc));
			sla = (struct fl_ticket_sla){0};
			rc = 0;
		}
		if (rc)
			return rc;
	}
	warn = sla.policy ? sla.policy->warning_minutes * 60 : 0;
	/* since the last look (a ticket never measured: this second only) */
	since = had ? now : prev.measured_at;
	if (!loud && !had && prev.policy_id && prev.policy_id == row.policy_id &&
	    (rc = fire_due(tx, t, &sla, warn, since, now)))
		return rc;
	if (loud && (had ? row.policy_id != 0 : prev.policy_id != row.policy_id) &&
	    (rc = fire(tx, t->id, EV_POLICY, -1, 0, row.policy_id, had ? 0 : prev.policy_id, now,
		       now)))
		return rc;
	if (loud && (rc = fire_due(tx, t, &sla, warn, since, now)))
		return rc;
	row.next_breach_at = or_zero(fl_sla_next_breach(sla.metrics, sla.n));
	row.next_event_at = next_event(&sla, warn, now);
	for (size_t i = 0; i < sla.n; i++) {
		const struct fl_sla_state *m = &sla.metrics[i];
		rows[i] = (struct fl_store_sla_metric){
			.ticket_id = t->id,
			.metric = (char *)fl_sla_metric_name(m->metric),
			.policy_id = sla.policy->id,
			.business_hours = sla.business_hours[i],
			.target = m->target_seconds,
			.stage = (char *)fl_sla_stage_name(m->stage),
			.breach_at = or_zero(m->breach_at),
			.achieved_at = or_zero(m->achieved_at),
			.used = m->used,
			.cycles = m->cycles,
			.breaches = m->breaches,
		};
	}
	/* a ticket no policy was ever chosen for needs no row until one is */
	if (had == FL_ENOTFOUND && !row.policy_id)
		return 0;
	/* the recompute after a change that does not touch this ticket: its
	 * stored state stays (measured_at says when it last changed) */
	if (given_prev && unchanged(given_prev, &row, rows, sla.n))
		return 0;
	if (given_prev)
		return fl_store_ticket_sla_update(tx, &row, rows, sla.n, given_prev->m,
						  given_prev->n);
	return fl_store_ticket_sla_put(tx, &row, rows, sla.n);
}

/* measure, then the events it fired to the event hook (rules/trigger.h):
 * after the row is stored, so that what the hook writes is measured on
 * top of it. */
static int refresh(fl_tx *tx, struct desk *d, const struct fl_ticket *t,
		   const struct fl_store_sla_timeline *given, const struct prev *given_prev,
		   int64_t now, int loud, fl_arena *a)
{
	struct fired list = {0}, *outer = fired_now;
	int rc;

	fired_now = &list;
	rc = measure(tx, d, t, given, given_prev, now, loud, a);
	fired_now = outer;
	for (size_t i = 0; !rc && loud && event_hook && i < list.n; i++)
		rc = event_hook(tx, t, event_kinds[list.kind[i]], list.metric[i], now);
	return rc;
}

/* What the store holds for the tickets ids[0..n) (n ≤ 100, ascending)
 * into p[0..n): two queries. */
static int prev_read(fl_tx *tx, const int64_t *ids, size_t n, fl_arena *a, struct prev *p)
{
	struct fl_store_ticket_sla *rows;
	struct fl_store_sla_metric *m;
	size_t nrows, nm, j = 0;
	int rc = fl_store_ticket_sla_get_many(tx, ids, n, a, &rows, &nrows);

	if (!rc)
		rc = fl_store_ticket_sla_metrics(tx, ids, n, a, &m, &nm);
	if (rc)
		return rc;
	memset(p, 0, n * sizeof *p);
	for (size_t i = 0, r = 0; i < n; i++) {
		while (r < nrows && rows[r].ticket_id < ids[i])
			r++;
		if (r < nrows && rows[r].ticket_id == ids[i]) {
			p[i].had = 1;
			p[i].row = rows[r];
		}
		while (j < nm && m[j].ticket_id < ids[i])
			j++;
		p[i].m = m + j;
		while (j < nm && m[j].ticket_id == ids[i])
			j++, p[i].n++;
	}
	return 0;
}

int fl_sla_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	return fl_sla_refresh_ticket(tx, w->t, w->now);
}

int fl_sla_refresh_ticket(fl_tx *tx, const struct fl_ticket *t, int64_t now)
{
	struct prev p;
	struct desk d = {0};
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = desk_load(tx, &a, &d);
	/* what the store holds, so that only the metrics that changed are
	 * written: one read instead of deleting and inserting them all */
	if (!rc && !t->deleted_at)
		rc = prev_read(tx, &t->id, 1, &a, &p);
	if (!rc)
		rc = refresh(tx, &d, t, NULL, t->deleted_at ? NULL : &p, now, 1, &a);
	fl_arena_free(&a);
	return rc;
}

int fl_sla_tick(fl_tx *tx, int64_t now, size_t max, size_t *n)
{
	struct desk d = {0};
	int64_t *ids;
	fl_arena a;
	int rc;

	*n = 0;
	fl_arena_init(&a, 0);
	rc = fl_store_ticket_sla_due(tx, now, max, &a, &ids, n);
	if (!rc && *n)
		rc = desk_load(tx, &a, &d);
	for (size_t i = 0; !rc && i < *n; i++) {
		struct fl_ticket t;
		if (!(rc = fl_store_ticket_get(tx, ids[i], &a, &t)))
			rc = refresh(tx, &d, &t, NULL, NULL, now, 1, &a);
	}
	fl_arena_free(&a);
	return rc;
}

int fl_sla_recompute(fl_tx *tx, const struct fl_sla_whose *w, int64_t after, size_t max,
		     int64_t now, int64_t *last, size_t *n)
{
	struct fl_store_sla_timeline *tl = NULL;
	struct fl_ticket *tickets = NULL;
	struct prev *prev = NULL;
	int64_t *ids = NULL;
	struct desk d = {0};
	fl_arena a;
	int rc;

	*last = after;
	*n = 0;
	if (max > FL_STORE_SLA_MANY_MAX)
		max = FL_STORE_SLA_MANY_MAX;
	fl_arena_init(&a, 0);
	rc = desk_load(tx, &a, &d);
	if (!rc && !(tickets = fl_arena_alloc(&a, max * sizeof *tickets)))
		rc = FL_ENOMEM;
	/* the tickets in pages of the store's finder, by id */
	while (!rc && *n < max) {
		struct fl_filter f = {0};
		struct fl_page pg = {.sort = FL_SORT_ID,
				     .limit = max - *n < 100 ? max - *n : 100,
				     .has_after = 1,
				     .after_key = *last,
				     .after_id = *last};
		struct fl_ticket *page;
		size_t got;
		if (w && w->requester_id)
			rc = fl_filter_add(&f, FL_F_REQUESTER, FL_OP_EQ, w->requester_id, NULL, -1);
		if (rc || (rc = fl_store_ticket_find(tx, &f, &pg, &a, &page, &got)))
			break;
		if (got > pg.limit)
			got = pg.limit;
		memcpy(tickets + *n, page, got * sizeof *page);
		*n += got;
		if (got)
			*last = page[got - 1].id;
		if (got < pg.limit)
			break;
	}
	/* the timelines of the whole batch in a few queries, when a policy
	 * may need them, and what the store holds for it, 100 tickets a query */
	if (!rc && *n &&
	    !((ids = fl_arena_alloc(&a, *n * sizeof *ids)) &&
	      (prev = fl_arena_alloc(&a, *n * sizeof *prev))))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < *n; i++)
		ids[i] = tickets[i].id;
	if (!rc && *n && d.n && !(tl = fl_arena_alloc(&a, *n * sizeof *tl)))
		rc = FL_ENOMEM;
	if (!rc && tl)
		rc = fl_store_sla_steps_many(tx, ids, *n, &a, tl);
	for (size_t i = 0; !rc && i < *n; i += 100)
		rc = prev_read(tx, ids + i, *n - i < 100 ? *n - i : 100, &a, prev + i);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = refresh(tx, &d, &tickets[i], tl ? &tl[i] : NULL, &prev[i], now, 0, &a);
	fl_arena_free(&a);
	return rc;
}

int fl_sla_tick_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	size_t n;
	int rc = fl_sla_tick(tx, fl_now(), FL_SLA_TICK_MAX, &n);

	(void)job;
	/* no unique key: the running job holds it, and a dead one would block
	 * every later one; two queued at once only look twice */
	if (!rc && n == FL_SLA_TICK_MAX)
		rc = fl_store_job_enqueue(tx, "sla-tick-more", "{}", 0, 0, NULL, fl_now());
	return rc ? fl_err_set(e, rc, NULL, NULL, "cannot fire the SLA events due") : 0;
}

struct batch {
	struct fl_sla_whose w;
	int64_t after, last, now;
	size_t n;
};

static int recompute_batch(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	return fl_sla_recompute(tx, &b->w, b->after, FL_SLA_RECOMPUTE_BATCH, b->now, &b->last,
				&b->n);
}

int fl_sla_recompute_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	struct batch b = {0};
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	int rc;

	if (!p)
		return fl_err_set(e, FL_EINVAL, NULL, NULL, "the payload is not JSON");
	b.w.requester_id = json_integer_value(json_object_get(p, "requester_id"));
	json_decref(p);
	do {
		/* each batch at its own now: a reply written while a long
		 * recompute runs is on the timeline of the batch that reads it */
		b.after = b.last;
		b.now = fl_now();
		rc = fl_store_write(s, recompute_batch, &b);
	} while (!rc && b.n == FL_SLA_RECOMPUTE_BATCH);
	return rc ? fl_err_set(e, rc, NULL, NULL, "cannot measure the tickets' SLA again") : 0;
}

int fl_sla_recompute_later(fl_tx *tx, const struct fl_sla_whose *w)
{
	return fl_sla_recompute_at(tx, w, fl_now() + 2);
}

int fl_sla_recompute_at(fl_tx *tx, const struct fl_sla_whose *w, int64_t at)
{
	int64_t now = fl_now();
	char payload[80] = "{}", key[128];

	if (w && w->requester_id)
		snprintf(payload, sizeof payload, "{\"requester_id\":%" PRId64 "}",
			 w->requester_id);
	/* one job for all the changes of one second (an admin's script adding
	 * a year of holidays is a few recomputes, not twenty): the job waits
	 * two seconds, by which time every change that found it queued has
	 * committed (a change is one short transaction) and is read by it */
	snprintf(key, sizeof key, "sla-recompute %s %" PRId64 " %" PRId64, payload, now, at);
	return fl_store_job_enqueue(tx, "sla-recompute", payload, at, 0, key, now);
}
