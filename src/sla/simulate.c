/* The SLA what-if replay (sla/simulate.h). */
#include <stdlib.h>
#include <string.h>

#include "sla/simulate.h"
#include "sla/ticket_sla.h"
#include "users/user.h"

/* The shares of one kind, by id: open addressing over a power of two,
 * grown at half full. */
struct fl_sim_table {
	struct fl_sim_share *rows;
	unsigned char *used;
	size_t cap, n;
};

static void table_free(struct fl_sim_table *t)
{
	if (!t)
		return;
	free(t->rows);
	free(t->used);
	free(t);
}

static size_t slot_of(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 17) & (cap - 1);
}

static int table_grow(struct fl_sim_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct fl_sim_share *rows = calloc(cap, sizeof *rows);
	unsigned char *used = calloc(cap, 1);

	if (!rows || !used) {
		free(rows);
		free(used);
		return FL_ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		size_t k;
		if (!t->used[i])
			continue;
		for (k = slot_of(t->rows[i].id, cap); used[k]; k = (k + 1) & (cap - 1))
			;
		used[k] = 1;
		rows[k] = t->rows[i];
	}
	free(t->rows);
	free(t->used);
	t->rows = rows;
	t->used = used;
	t->cap = cap;
	return 0;
}

/* The share of id, made when new; NULL when memory runs out. */
static struct fl_sim_share *table_get(struct fl_sim_table *t, int64_t id)
{
	size_t k;

	if ((t->n + 1) * 2 > t->cap && table_grow(t))
		return NULL;
	for (k = slot_of(id, t->cap); t->used[k]; k = (k + 1) & (t->cap - 1))
		if (t->rows[k].id == id)
			return &t->rows[k];
	t->used[k] = 1;
	t->n++;
	t->rows[k] = (struct fl_sim_share){.id = id};
	return &t->rows[k];
}

const char *fl_sim_outcome_name(int outcome)
{
	static const char *const names[FL_SIM_OUTCOME__MAX] = {"none", "active", "achieved",
							       "breached"};
	return outcome >= 0 && outcome < FL_SIM_OUTCOME__MAX ? names[outcome] : NULL;
}

static int by_position(const void *a, const void *b)
{
	const struct fl_sla_policy *x = a, *y = b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The proposed set: the current one in order, the policy proposed over
 * taken out and the proposal put at its place, renumbered 1..n as the
 * doors would number them. */
static int proposed_set(const struct fl_sim_input *in, fl_arena *a, struct fl_sla_policy **out,
			size_t *n)
{
	struct fl_sla_policy *cur = fl_arena_alloc(a, (in->npolicies + 1) * sizeof *cur);
	struct fl_sla_policy *set = fl_arena_alloc(a, (in->npolicies + 1) * sizeof *set);
	size_t k = 0, len = 0;
	int64_t at;

	if (!cur || !set)
		return FL_ENOMEM;
	if (in->npolicies)
		memcpy(cur, in->policies, in->npolicies * sizeof *cur);
	qsort(cur, in->npolicies, sizeof *cur, by_position);
	for (size_t i = 0; i < in->npolicies; i++)
		if (!in->proposal || !in->proposal->id || cur[i].id != in->proposal->id)
			len++;
	if (!in->proposal) {
		memcpy(set, cur, in->npolicies * sizeof *set);
		*out = set;
		*n = in->npolicies;
		return 0;
	}
	at = in->proposal->position;
	if (at < 1 || at > (int64_t)len + 1)
		at = (int64_t)len + 1;
	for (size_t i = 0; i <= in->npolicies; i++) {
		if ((int64_t)k + 1 == at) {
			set[k] = *in->proposal;
			set[k].position = (int64_t)k + 1;
			k++;
		}
		if (i == in->npolicies)
			break;
		if (in->proposal->id && cur[i].id == in->proposal->id)
			continue;
		set[k] = cur[i];
		set[k].position = (int64_t)k + 1;
		k++;
	}
	*out = set;
	*n = k;
	return 0;
}

/* Per policy of a set, the index of the schedule it counts in: its own,
 * or the desk's first; -1 when there is none. */
static int *schedule_index(const struct fl_sla_policy *p, size_t n, const struct fl_schedule *s,
			   size_t ns, fl_arena *a)
{
	int *idx = fl_arena_alloc(a, (n ? n : 1) * sizeof *idx);
	if (!idx)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		idx[i] = p[i].schedule_id ? -1 : ns ? 0 : -1;
		for (size_t k = 0; p[i].schedule_id && k < ns; k++)
			if (s[k].id == p[i].schedule_id)
				idx[i] = (int)k;
	}
	return idx;
}

int fl_sim_begin(struct fl_sim *s, const struct fl_sim_input *in, fl_arena *a)
{
	struct fl_sla_policy *after;
	size_t nafter;
	int rc;

	*s = (struct fl_sim){0};
	s->now = in->now;
	s->a = a;
	s->schedules = in->schedules;
	s->nschedules = in->nschedules;
	s->proposed = in->schedule;
	s->replaced = -1;
	for (size_t k = 0; in->schedule && k < in->nschedules; k++)
		if (in->schedules[k].id == in->schedule->id)
			s->replaced = (int)k;
	if ((rc = proposed_set(in, a, &after, &nafter)))
		return rc;
	s->set[0] = in->policies;
	s->nset[0] = in->npolicies;
	s->set[1] = after;
	s->nset[1] = nafter;
	for (int w = 0; w < 2; w++) {
		s->sched[w] =
			schedule_index(s->set[w], s->nset[w], in->schedules, in->nschedules, a);
		s->clocks[w] = calloc(in->nschedules + 1, sizeof *s->clocks[w]);
		if (!s->sched[w] || !s->clocks[w])
			return FL_ENOMEM;
	}
	for (int b = 0; b < FL_SIM_BY__MAX; b++)
		if (!(s->by[b] = calloc(1, sizeof *s->by[b])))
			return FL_ENOMEM;
	return 0;
}

void fl_sim_end(struct fl_sim *s)
{
	for (size_t k = 0; k < s->nschedules; k++) {
		/* the sets share the clocks of schedules not proposed over */
		if (s->clocks[1] && s->clocks[0] && s->clocks[1][k] != s->clocks[0][k])
			fl_bizclock_free(s->clocks[1][k]);
		if (s->clocks[0])
			fl_bizclock_free(s->clocks[0][k]);
	}
	free(s->clocks[0]);
	free(s->clocks[1]);
	s->clocks[0] = s->clocks[1] = NULL;
	for (int b = 0; b < FL_SIM_BY__MAX; b++) {
		table_free(s->by[b]);
		s->by[b] = NULL;
	}
}

/* The business clock of schedule k under set w, built the first time. */
static int clock_of(struct fl_sim *s, int w, int k, const struct fl_bizclock **out)
{
	struct fl_bizclock **c = &s->clocks[w][k];
	int rc;

	if (!*c) {
		if (w == 1 && k == s->replaced)
			rc = fl_bizclock_new(s->proposed, c);
		else if (w == 1)
			rc = clock_of(s, 0, k, (const struct fl_bizclock **)c);
		else
			rc = fl_bizclock_new(&s->schedules[k], c);
		if (rc)
			return rc;
	}
	*out = *c;
	return 0;
}

static int outcome_of(int stage)
{
	switch (stage) {
	case FL_SLA_STAGE_ACTIVE:
	case FL_SLA_STAGE_PAUSED: return FL_SIM_ACTIVE;
	case FL_SLA_STAGE_ACHIEVED: return FL_SIM_ACHIEVED;
	case FL_SLA_STAGE_BREACHED: return FL_SIM_BREACHED;
	default: return FL_SIM_NONE;
	}
}

/* The targets of t's policy under set w, as the live clock takes them (a
 * business-hours one only when there is a schedule to count in), and the
 * clock they need; 0 targets when no policy applies. */
static int targets_of(struct fl_sim *s, int w, const struct fl_sim_ticket *x,
		      struct fl_sla_target *tg, size_t *n, const struct fl_bizclock **clock)
{
	const struct fl_sla_policy *p =
		fl_sla_policy_choose(s->set[w], s->nset[w], x->t, &x->facts);
	int k;

	*n = 0;
	*clock = NULL;
	if (!p)
		return 0;
	k = s->sched[w][p - s->set[w]];
	for (int m = 0; m < FL_SLA_METRIC__MAX; m++) {
		const struct fl_sla_policy_metric *pm = fl_sla_policy_metric(p, x->t->priority, m);
		if (!pm || (pm->business_hours && k < 0))
			continue;
		tg[(*n)++] = (struct fl_sla_target){m, pm->target * 60, pm->business_hours};
		if (pm->business_hours && !*clock) {
			int rc = clock_of(s, w, k, clock);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Each metric's outcome for x under set w, into out; FL_EINVAL when its
 * timeline does not measure. */
static int measure(struct fl_sim *s, int w, const struct fl_sim_ticket *x,
		   const struct fl_sla_event *ev, size_t nev, int out[FL_SLA_METRIC__MAX])
{
	struct fl_sla_target tg[FL_SLA_METRIC__MAX];
	struct fl_sla_state st[FL_SLA_METRIC__MAX];
	const struct fl_bizclock *clock;
	size_t n;
	int rc = targets_of(s, w, x, tg, &n, &clock);

	memset(out, 0, FL_SLA_METRIC__MAX * sizeof *out);
	if (rc || !n)
		return rc;
	if ((rc = fl_sla_measure(tg, n, clock, ev, nev, s->now, st)))
		return rc;
	for (size_t i = 0; i < n; i++)
		out[tg[i].metric] = outcome_of(st[i].stage);
	return 0;
}

static void flip(struct fl_sim *s, const struct fl_ticket *t, int metric, int before, int after)
{
	s->flips_count++;
	if (s->nflips < FL_SIM_FLIPS_MAX)
		s->flips[s->nflips++] =
			(struct fl_sim_flip){t->id,
					     fl_arena_strdup(s->a, t->subject ? t->subject : ""),
					     metric, before, after};
}

/* Adds one measured ticket's outcomes (o[0] before, o[1] after). */
static int tally(struct fl_sim *s, const struct fl_ticket *t, const struct fl_sla_facts *f,
		 int o[2][FL_SLA_METRIC__MAX])
{
	const int64_t key[FL_SIM_BY__MAX] = {t->group_id, f->requester_tier, t->channel};
	struct fl_sim_share *sh[FL_SIM_BY__MAX];
	int promised[2] = {0, 0};

	for (int b = 0; b < FL_SIM_BY__MAX; b++) {
		if (!(sh[b] = table_get(s->by[b], key[b])))
			return FL_ENOMEM;
		sh[b]->tickets++;
	}
	for (int m = 0; m < FL_SLA_METRIC__MAX; m++) {
		int before = o[0][m], after = o[1][m];
		struct fl_sim_metric *sm = &s->metrics[m];

		promised[0] |= before != FL_SIM_NONE;
		promised[1] |= after != FL_SIM_NONE;
		sm->measured += before != FL_SIM_NONE || after != FL_SIM_NONE;
		sm->measured_before += before != FL_SIM_NONE;
		sm->measured_after += after != FL_SIM_NONE;
		sm->breached_before += before == FL_SIM_BREACHED;
		sm->breached_after += after == FL_SIM_BREACHED;
		for (int b = 0; b < FL_SIM_BY__MAX; b++) {
			sh[b]->achieved_before += before == FL_SIM_ACHIEVED;
			sh[b]->breached_before += before == FL_SIM_BREACHED;
			sh[b]->achieved_after += after == FL_SIM_ACHIEVED;
			sh[b]->breached_after += after == FL_SIM_BREACHED;
		}
		if ((before == FL_SIM_BREACHED) != (after == FL_SIM_BREACHED) ||
		    (before == FL_SIM_NONE) != (after == FL_SIM_NONE))
			flip(s, t, m, before, after);
	}
	s->no_promise_before += !promised[0];
	s->no_promise_after += !promised[1];
	return 0;
}

int fl_sim_add(struct fl_sim *s, const struct fl_sim_ticket *tickets, size_t n, fl_arena *scratch)
{
	struct fl_sla_event *ev = NULL;
	size_t room = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fl_sim_ticket *x = &tickets[i];
		int o[2][FL_SLA_METRIC__MAX];
		size_t nev;
		int rc;

		s->tickets++;
		/* a timeline cut at the cap is not measured, as the live clock
		 * does not measure it */
		if (x->truncated || x->nsteps >= FL_STORE_SLA_STEPS_MAX) {
			s->unmeasured++;
			continue;
		}
		if (x->nsteps + 1 > room) {
			room = x->nsteps + 1 < 64 ? 64 : x->nsteps + 1;
			if (!(ev = fl_arena_alloc(scratch, room * sizeof *ev)))
				return FL_ENOMEM;
		}
		rc = fl_ticket_sla_timeline(x->t, x->steps, x->nsteps, ev, &nev);
		if (!rc)
			rc = measure(s, 0, x, ev, nev, o[0]);
		if (!rc)
			rc = measure(s, 1, x, ev, nev, o[1]);
		if (rc == FL_EINVAL) {
			s->unmeasured++;
			continue;
		}
		if (rc || (rc = tally(s, x->t, &x->facts, o)))
			return rc;
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct fl_sim_share *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

int fl_sim_shares(const struct fl_sim *s, int by, fl_arena *a, struct fl_sim_share **out, size_t *n)
{
	const struct fl_sim_table *t = s->by[by];
	struct fl_sim_share *rows = fl_arena_alloc(a, ((t ? t->n : 0) + 1) * sizeof *rows);
	size_t k = 0;

	if (!rows)
		return FL_ENOMEM;
	for (size_t i = 0; t && i < t->cap; i++)
		if (t->used[i])
			rows[k++] = t->rows[i];
	qsort(rows, k, sizeof *rows, by_id);
	*out = rows;
	*n = k;
	return 0;
}
