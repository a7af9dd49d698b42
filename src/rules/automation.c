/* Automations (rules/automation.h): what an automation's save checks, the
 * tickets' clocks and the pass; the doors are rules/ruleset.c's. */
#include "rules/automation.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"
#include "core/time.h"
#include "rules/trigger.h"
#include "sla/schedule.h"
#include "sla/ticket_sla.h"
#include "store/automations.h"
#include "store/schedules.h"
#include "store/tickets.h"

/* ---- what is an automation's own at save ---- */

/* Whether r has a time condition: what makes it an automation. */
static int has_time(const struct fl_rule *r)
{
	for (size_t i = 0; i < r->nall + r->nany; i++)
		if (fl_rule_is_time_field(i < r->nall ? r->all[i].field
						      : r->any[i - r->nall].field))
			return 1;
	return 0;
}

/* An automation's checks beyond the title and description (rules/ruleset.h's
 * contract): a time condition, an action, actions that nullify its
 * conditions, and that what it names exists. */
static int check(fl_tx *tx, const struct fl_ruleset_rule *t, fl_arena *a, struct fl_err *e)
{
	/* without a clock to wait on it would act on every ticket it
	 * matches at once: that is a trigger's work */
	if (!has_time(&t->rule))
		return fl_err_set(e, FL_EINVAL, "conditions", "Blank",
				  "Conditions: an automation needs a time condition (hours "
				  "since created, updated, pending, …)");
	if (!t->rule.nactions)
		return fl_err_set(e, FL_EINVAL, "actions", "Blank",
				  "Actions: an automation needs at least one action");
	/* Zendesk's rule: otherwise it would act again on every pass */
	if (!fl_rule_nullifies(&t->rule))
		return fl_err_set(e, FL_EINVAL, "actions", "Nullify",
				  "Actions: must change something the conditions check (a "
				  "status, a tag, …), or a time condition must be \"is\" "
				  "(true once); else the automation would act on every pass");
	return fl_rule_check_refs(tx, &t->rule, a, e);
}

const struct fl_ruleset_kind fl_automations = {
	.kind = FL_RULE_AUTOMATION,
	.one = "automation",
	.many = "automations",
	.One = "Automation",
	.a_one = "an automation",
	.max = FL_AUTOMATION_MAX,
	.check = check,
};

/* ---- the tickets' clocks ---- */

/* A new ticket writes no clocks row: until a later write moves one,
 * every clock is the creation's (store/automations.h says how the pass
 * reads a ticket without a row), and most tickets' creation is the
 * busiest write they have. The first row a later write makes starts from
 * those, then takes what this write moved. */
int fl_automations_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	const struct fl_ticket *t = w->t, *b = w->before;
	int64_t moved[FL_STORE_CLOCKS] = {0}, first[FL_STORE_CLOCKS];

	if (w->kind != FL_EVENT_CHANGE || t->deleted_at || !b)
		return 0;
	if (b->status != t->status)
		moved[FL_STORE_CLOCK_STATUS] = w->now;
	if (t->assignee_id && b->assignee_id != t->assignee_id)
		moved[FL_STORE_CLOCK_ASSIGNED] = w->now;
	/* the desk's own writes are neither the requester's nor the
	 * assignee's, whoever they name */
	if (w->actor->id > 0 && w->actor->id == t->requester_id)
		moved[FL_STORE_CLOCK_REQUESTER] = w->now;
	if (w->actor->id > 0 && w->actor->id == t->assignee_id)
		moved[FL_STORE_CLOCK_ASSIGNEE] = w->now;
	if (!moved[0] && !moved[1] && !moved[2] && !moved[3])
		return 0;
	fl_store_ticket_clocks_created(b, first);
	for (int i = 0; i < FL_STORE_CLOCKS; i++)
		if (moved[i])
			first[i] = moved[i];
	return fl_store_ticket_clocks_set(tx, t->id, first, moved);
}

/* ---- the pass ---- */

struct pass {
	int64_t now;
	fl_arena keep; /* the automations, for the whole pass */
	struct fl_ruleset_rule *autos;
	size_t n;
	int lo, hi;   /* the statuses any automation may match */
	int breaches; /* an automation reads the last SLA breach */
	int facts;    /* … a tier or a contract */
	const struct fl_bizclock *shared;
	struct fl_bizclock *own;
	/* each automation's business clock: the schedule its
	 * within_business_hours condition names, else the desk's */
	const struct fl_bizclock **clock_of;
	const struct fl_bizclock **named; /* those to release */
	/* the batch */
	fl_tx *tx;
	fl_arena *a;
	int64_t after, last;
	size_t rows;
	struct fl_automation_pass *out;
};

static int64_t biz_elapsed(void *arg, int64_t from, int64_t to)
{
	return fl_biz_elapsed(arg, from, to);
}

/* The clock as the ctx's argument (the callback only reads it). */
static void *biz_of(const struct pass *p, size_t k)
{
	return (void *)p->clock_of[k];
}

/* The schedule an automation names with "within business hours is", or
 * 0: its business-hours conditions count in that one. */
static int64_t named_schedule(const struct fl_rule *r)
{
	for (size_t i = 0; i < r->nall; i++)
		if (r->all[i].field == FL_RF_WITHIN_BUSINESS_HOURS && r->all[i].op == FL_RO_IS)
			return r->all[i].value;
	return 0;
}

static int in_hours(void *arg, int64_t schedule_id, int64_t now)
{
	struct pass *p = arg;
	struct fl_schedule s;
	const struct fl_bizclock *clock;
	int open;

	if (fl_store_schedule_get(p->tx, schedule_id, p->a, &s) || fl_bizclock_shared(&s, &clock))
		return -1;
	open = fl_biz_open(clock, now);
	fl_bizclock_release(clock);
	return open;
}

/* The business hours of a desk that has no schedule: Monday to Friday,
 * 09:00 to 17:00 UTC, so "2 business days" still means two working days
 * of eight hours. */
static int builtin_clock(struct fl_bizclock **out)
{
	struct fl_interval iv[5];
	struct fl_schedule s = {
		.name = "Default", .time_zone = "UTC", .intervals = iv, .nintervals = 5};
	for (int d = 0; d < 5; d++)
		iv[d] = (struct fl_interval){(d + 1) * 1440 + 9 * 60, (d + 1) * 1440 + 17 * 60};
	return fl_bizclock_new(&s, out);
}

/* The statuses an automation's "all" conditions allow, as bits. */
static unsigned statuses(const struct fl_rule *r)
{
	unsigned ok = (1u << FL_STATUS__MAX) - 1;
	for (size_t i = 0; i < r->nall; i++) {
		const struct fl_rule_cond *c = &r->all[i];
		unsigned m = 0;
		if (c->field >= FL_RF_HOURS_NEW && c->field <= FL_RF_HOURS_CLOSED)
			m = 1u << (c->field - FL_RF_HOURS_NEW);
		else if (c->field != FL_RF_STATUS)
			continue;
		else if (c->op == FL_RO_IS)
			m = 1u << c->value;
		else if (c->op == FL_RO_IS_NOT)
			m = ~(1u << c->value);
		else if (c->op == FL_RO_LESS_THAN)
			m = (1u << c->value) - 1;
		else if (c->op == FL_RO_GREATER_THAN)
			m = ~((2u << c->value) - 1);
		else
			continue;
		ok &= m;
	}
	return ok;
}

static int reads(const struct fl_rule *r, int f1, int f2, int f3)
{
	for (size_t i = 0; i < r->nall + r->nany; i++) {
		int f = i < r->nall ? r->all[i].field : r->any[i - r->nall].field;
		if (f == f1 || f == f2 || f == f3)
			return 1;
	}
	return 0;
}

static int tx_load(fl_tx *tx, void *arg)
{
	struct pass *p = arg;
	struct fl_schedule *s;
	size_t ns;
	unsigned any = 0;
	int rc = fl_ruleset_list(tx, &fl_automations, 1, &p->keep, &p->autos, &p->n);

	if (rc || (rc = fl_store_schedule_list(tx, &p->keep, &s, &ns)))
		return rc;
	/* the desk's schedule: the first made */
	if (ns && (rc = fl_bizclock_shared(&s[0], &p->shared)))
		return rc;
	if (!ns && (rc = builtin_clock(&p->own)))
		return rc;
	p->clock_of = fl_arena_alloc(&p->keep, (p->n + 1) * sizeof *p->clock_of);
	p->named = fl_arena_alloc(&p->keep, (p->n + 1) * sizeof *p->named);
	if (!p->clock_of || !p->named)
		return FL_ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		struct fl_schedule named;
		int64_t id = named_schedule(&p->autos[i].rule);
		p->named[i] = NULL;
		p->clock_of[i] = p->shared ? p->shared : p->own;
		/* a schedule deleted since: the desk's */
		if (id && !fl_store_schedule_get(tx, id, &p->keep, &named) &&
		    !fl_bizclock_shared(&named, &p->named[i]))
			p->clock_of[i] = p->named[i];
	}
	for (size_t i = 0; i < p->n; i++) {
		any |= statuses(&p->autos[i].rule);
		p->breaches |= reads(&p->autos[i].rule, FL_RF_HOURS_SLA_BREACHED, -1, -1);
		p->facts |= reads(&p->autos[i].rule, FL_RF_REQUESTER_TIER, FL_RF_ORGANIZATION_TIER,
				  FL_RF_ENTITLEMENT);
	}
	any &= (1u << FL_STATUS_CLOSED) - 1; /* nothing acts on a closed ticket */
	p->lo = FL_STATUS__MAX;
	p->hi = -1;
	for (int st = 0; st < FL_STATUS__MAX; st++)
		if (any & (1u << st)) {
			p->lo = p->lo < st ? p->lo : st;
			p->hi = st;
		}
	return 0;
}

/* The clocks move with what an automation wrote, so the next automation
 * sees the ticket as it now is: to the write's own time, the one the
 * clocks' hook stores (not the pass's start — a window keyed on that
 * would not be the next pass's, and would fire again). */
static void moved(int64_t *clocks, const struct fl_ticket *was, const struct fl_ticket *now)
{
	if (was->status != now->status)
		clocks[FL_CLOCK_STATUS] = now->updated_at;
	if (now->assignee_id && was->assignee_id != now->assignee_id)
		clocks[FL_CLOCK_ASSIGNED] = now->updated_at;
	if (now->updated_at != was->updated_at)
		clocks[FL_CLOCK_UPDATED] = now->updated_at;
}

/* Every automation, in order, on one ticket that may match one. */
static int act(struct pass *p, const struct fl_store_auto_row *row)
{
	struct fl_ticket cur, was;
	struct fl_sla_facts facts = {0};
	int64_t clocks[FL_CLOCK__MAX];
	struct fl_rule_ctx c = {0};
	int rc = fl_store_ticket_get(p->tx, row->id, p->a, &cur);

	if (rc == FL_ENOTFOUND)
		return 0;
	if (rc || (p->facts && (rc = fl_sla_facts_load(p->tx, &cur, p->now, &facts))))
		return rc;
	memcpy(clocks, row->clocks, sizeof clocks);
	clocks[FL_CLOCK_CREATED] = cur.created_at;
	clocks[FL_CLOCK_UPDATED] = cur.updated_at;
	c.actor_id = FL_SYSTEM_USER_ID;
	c.actor_role = FL_ROLE_ADMIN;
	c.via = FL_CHANNEL_API;
	c.now = p->now;
	c.facts = &facts;
	c.sla_event = c.sla_metric = -1;
	c.in_hours = in_hours;
	c.in_hours_arg = p;
	c.clocks = clocks;
	c.biz_elapsed = biz_elapsed;
	for (size_t i = 0; i < p->n && cur.status != FL_STATUS_CLOSED; i++) {
		const struct fl_ruleset_rule *au = &p->autos[i];
		char why[400];
		int added;
		int64_t window;

		c.t = &cur;
		c.before = &cur;
		c.biz_arg = biz_of(p, i);
		if (!fl_rule_matches(&au->rule, &c))
			continue;
		window = fl_rule_window(&au->rule, &c);
		if ((rc = fl_store_automation_fired(p->tx, au->id, cur.id, window, p->now, &added)))
			return rc;
		if (!added)
			continue;
		snprintf(why, sizeof why, "Automation %" PRId64 ": %s", au->id, au->title);
		was = cur;
		if ((rc = fl_rules_fire(p->tx, &au->rule, why, &c, &cur, p->a)))
			return rc;
		moved(clocks, &was, &cur);
		p->out->fired++;
	}
	return 0;
}

static int tx_batch(fl_tx *tx, void *arg)
{
	struct pass *p = arg;
	struct fl_store_auto_row *rows;
	int64_t clocks[FL_CLOCK__MAX];
	struct fl_rule_ctx c = {0};
	struct fl_ticket t = {0};
	int rc;

	p->tx = tx;
	p->rows = 0;
	if ((rc = fl_store_auto_scan(tx, p->after, p->lo, p->hi, p->breaches, FL_AUTOMATION_BATCH,
				     p->a, &rows, &p->rows)))
		return rc;
	c.t = &t;
	c.now = p->now;
	c.clocks = clocks;
	c.biz_elapsed = biz_elapsed;
	c.sla_event = c.sla_metric = -1;
	for (size_t i = 0; i < p->rows; i++) {
		const struct fl_store_auto_row *row = &rows[i];
		size_t k = 0;

		t.id = row->id;
		t.status = row->status;
		t.priority = row->priority;
		t.type = row->type;
		t.channel = row->channel;
		t.requester_id = row->requester_id;
		t.assignee_id = row->assignee_id;
		t.group_id = row->group_id;
		t.organization_id = row->organization_id;
		memcpy(clocks, row->clocks, sizeof clocks);
		while (k < p->n &&
		       (c.biz_arg = biz_of(p, k), !fl_rule_may_match(&p->autos[k].rule, &c)))
			k++;
		p->last = row->id;
		if (k == p->n)
			continue;
		p->out->candidates++;
		if ((rc = act(p, row)))
			return rc;
	}
	return 0;
}

static int last_id(fl_tx *tx, void *arg)
{
	return fl_store_ticket_last_id(tx, arg);
}

int fl_automations_run(fl_store *s, int64_t now, void (*progress)(void *, int64_t, int64_t),
		       void *progress_arg, struct fl_automation_pass *out, struct fl_err *e)
{
	struct pass p = {.now = now, .out = out};
	int64_t max_id = 0;
	fl_arena a;
	int rc;

	memset(out, 0, sizeof *out);
	fl_arena_init(&p.keep, 0);
	fl_arena_init(&a, 0);
	p.a = &a;
	rc = fl_store_read(s, tx_load, &p);
	if (!rc && progress)
		rc = fl_store_read(s, last_id, &max_id);
	while (!rc && p.n && p.lo <= p.hi) {
		rc = fl_store_write(s, tx_batch, &p);
		fl_arena_free(&a);
		fl_arena_init(&a, 0);
		if (rc)
			break;
		out->tickets += (int64_t)p.rows;
		p.after = p.last;
		if (progress)
			progress(progress_arg, p.last, max_id);
		if (p.rows < FL_AUTOMATION_BATCH)
			break;
	}
	if (rc)
		fl_err_set(e, rc, NULL, NULL, "the automations' pass failed after ticket %" PRId64,
			   p.after);
	for (size_t i = 0; p.named && i < p.n; i++)
		if (p.named[i])
			fl_bizclock_release(p.named[i]);
	if (p.shared)
		fl_bizclock_release(p.shared);
	fl_bizclock_free(p.own);
	fl_arena_free(&a);
	fl_arena_free(&p.keep);
	return rc;
}

int fl_automations_job(fl_store *s, const struct fl_job *job, struct fl_err *e)
{
	struct fl_automation_pass out;
	(void)job;
	return fl_automations_run(s, fl_now(), NULL, NULL, &out, e);
}
