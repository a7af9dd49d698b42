/* A ticket's SLA state (sla/ticket_sla.h). */
#include "sla/ticket_sla.h"
#include "store/contracts.h"
#include "store/schedules.h"
#include "store/tiers.h"
#include "users/user.h"

/* The policy's targets for t's priority, in metric order, into tg (at
 * most FL_SLA_METRIC__MAX); business-hours ones only when there is a
 * schedule to count them in. */
static size_t targets(const struct fl_sla_policy *p, int priority, int has_schedule,
		      struct fl_sla_target *tg)
{
	size_t n = 0;
	for (int m = 0; m < FL_SLA_METRIC__MAX; m++) {
		const struct fl_sla_policy_metric *pm = fl_sla_policy_metric(p, priority, m);
		if (pm && (!pm->business_hours || has_schedule))
			tg[n++] = (struct fl_sla_target){m, pm->target * 60, pm->business_hours};
	}
	return n;
}

int fl_ticket_sla_timeline(const struct fl_ticket *t, const struct fl_store_sla_step *steps,
			   size_t nsteps, struct fl_sla_event *ev, size_t *nev)
{
	int64_t last = t->created_at;
	size_t n = 1;

	ev[0] = (struct fl_sla_event){t->created_at, FL_SLA_CREATED, t->status};
	for (size_t i = 0; i < nsteps; i++)
		if (steps[i].kind == FL_EVENT_CREATE && steps[i].status) {
			ev[0].status = fl_status_parse(fl_str_c(steps[i].status));
			break;
		}
	if (ev[0].status < 0)
		return FL_EINVAL;
	for (size_t i = 0; i < nsteps; i++) {
		const struct fl_store_sla_step *s = &steps[i];
		struct fl_sla_event *e = &ev[n];
		if (s->at > last)
			last = s->at;
		if (s->kind == FL_EVENT_COMMENT) {
			*e = (struct fl_sla_event){last,
						   s->role >= FL_ROLE_AGENT
							   ? FL_SLA_AGENT_COMMENT
							   : FL_SLA_REQUESTER_COMMENT,
						   0};
		} else if (s->kind == FL_EVENT_CHANGE && s->status) {
			*e = (struct fl_sla_event){last, FL_SLA_STATUS,
						   fl_status_parse(fl_str_c(s->status))};
			if (e->status < 0)
				return FL_EINVAL;
		} else {
			continue;
		}
		n++;
	}
	*nev = n;
	return 0;
}

int fl_ticket_sla_measure(const struct fl_ticket *t, const struct fl_sla_policy *p,
			  const struct fl_schedule *schedule, const struct fl_store_sla_step *steps,
			  size_t nsteps, int64_t now, fl_arena *a, struct fl_ticket_sla *out)
{
	struct fl_sla_target tg[FL_SLA_METRIC__MAX];
	struct fl_sla_state st[FL_SLA_METRIC__MAX];
	const struct fl_bizclock *clock = NULL;
	struct fl_sla_event *ev;
	size_t n = p ? targets(p, t->priority, schedule != NULL, tg) : 0, nev;
	int business = 0, rc;

	*out = (struct fl_ticket_sla){0};
	if (!n)
		return 0;
	ev = fl_arena_alloc(a, (nsteps + 1) * sizeof *ev);
	if (!ev)
		return FL_ENOMEM;
	if ((rc = fl_ticket_sla_timeline(t, steps, nsteps, ev, &nev)))
		return rc;
	for (size_t i = 0; i < n; i++)
		business |= tg[i].business_hours;
	if (business && (rc = fl_bizclock_shared(schedule, &clock)))
		return rc;
	rc = fl_sla_measure(tg, n, clock, ev, nev, now, st);
	fl_bizclock_release(clock);
	if (rc)
		return rc;
	out->policy = p;
	for (size_t i = 0; i < n; i++) {
		if (st[i].stage == FL_SLA_STAGE_NONE)
			continue;
		out->metrics[out->n] = st[i];
		out->business_hours[out->n++] = tg[i].business_hours;
	}
	return 0;
}

int fl_sla_schedule_of(fl_tx *tx, const struct fl_sla_policy *p, fl_arena *a,
		       struct fl_schedule **out)
{
	struct fl_schedule *s;
	size_t n = 1;
	int rc;

	*out = NULL;
	if (p->schedule_id) {
		s = fl_arena_alloc(a, sizeof *s);
		if (!s)
			return FL_ENOMEM;
		rc = fl_store_schedule_get(tx, p->schedule_id, a, s);
	} else {
		rc = fl_store_schedule_list(tx, a, &s, &n);
	}
	if (rc == FL_ENOTFOUND || (!rc && !n))
		return 0;
	if (!rc)
		rc = fl_store_holiday_list(tx, s->id, a, &s->holidays, &s->nholidays);
	if (!rc)
		*out = s;
	return rc;
}

/* Whether a service contract of t's requester, of t's organization or of
 * the requester's own organization covers t on the UTC day of now (enum
 * fl_sla_coverage): one query on the contracts' owner indexes. */
static int coverage_of(fl_tx *tx, const struct fl_ticket *t, int64_t now, int *out)
{
	int best;
	int rc = fl_store_contract_coverage(tx, t->requester_id, t->organization_id, fl_day_of(now),
					    &best);

	if (!rc)
		*out = best == FL_STORE_COVERED   ? FL_SLA_COVERAGE_COVERED
		       : best == FL_STORE_EXPIRED ? FL_SLA_COVERAGE_EXPIRED
						  : FL_SLA_COVERAGE_NONE;
	return rc;
}

int fl_sla_facts_load(fl_tx *tx, const struct fl_ticket *t, int64_t now, struct fl_sla_facts *out)
{
	struct fl_sla_facts f = {0};
	int rc;

	/* the tiers: one read by primary keys */
	if ((rc = fl_store_tier_of_customer(tx, t->requester_id, t->organization_id,
					    &f.requester_tier, &f.organization_tier)))
		return rc;
	*out = f;
	return coverage_of(tx, t, now, &out->coverage);
}

int fl_ticket_sla(fl_tx *tx, const struct fl_ticket *t, int64_t now, fl_arena *a,
		  struct fl_ticket_sla *out)
{
	struct fl_sla_policy *policies;
	const struct fl_sla_policy *p;
	struct fl_schedule *schedule = NULL;
	struct fl_store_sla_step *steps = NULL;
	struct fl_sla_target tg[FL_SLA_METRIC__MAX];
	struct fl_sla_facts facts;
	size_t np, nsteps = 0;
	int business = 0;
	int rc = fl_sla_policy_list(tx, a, &policies, &np);

	*out = (struct fl_ticket_sla){0};
	if (!rc)
		rc = fl_sla_facts_load(tx, t, now, &facts);
	if (rc)
		return rc;
	p = fl_sla_policy_choose(policies, np, t, &facts);
	if (!p)
		return 0;
	for (size_t i = 0, n = targets(p, t->priority, 1, tg); i < n; i++)
		business |= tg[i].business_hours;
	if (business && (rc = fl_sla_schedule_of(tx, p, a, &schedule)))
		return rc;
	if ((rc = fl_store_sla_steps(tx, t->id, a, &steps, &nsteps)))
		return rc;
	/* a timeline cut at the cap (a mail loop's thousands of comments)
	 * would measure a state the ticket is not in */
	if (nsteps >= FL_STORE_SLA_STEPS_MAX)
		return FL_EINVAL;
	return fl_ticket_sla_measure(t, p, schedule, steps, nsteps, now, a, out);
}
