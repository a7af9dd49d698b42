/* The SLA clock: fl_sla_measure and its two helpers (clock.h).
 *
 * How. One pass over the events up to `now`, all targets at once. Between
 * two events every metric either counts or does not, so at each event the
 * metrics that counted since the last one add the time of [since, at)
 * (fl_biz_elapsed or plain seconds), noting the breach instant when that
 * span took them to their target (fl_biz_add from the span's start with
 * what was left). Then the event changes the ticket — its status, whether
 * a reply is owed, whether an agent's update is due — and each metric
 * follows from the ticket before and after: a reply wait that begins
 * starts a cycle (of first_reply_time the first time, of next_reply_time
 * after), one that ends ends it; likewise the periodic update, which an
 * agent comment ends and restarts; the sums count in their statuses and
 * end at solved. At `now` the metrics still counting add their last span,
 * and an active one's breach_at is fl_biz_add(now, remaining): the same
 * instant as from its resumption, since business time adds up. */
#include "sla/clock.h"
#include "tickets/ticket.h"

/* One target's clock while the events are read. */
struct run {
	int cycles, breaches;
	int on;         /* a cycle (or the sum) has started and not ended */
	int counting;   /* on and not paused */
	int64_t since;  /* counting since */
	int64_t used;   /* seconds of the cycle before since */
	int64_t breach; /* when this cycle breached, FL_SLA_NEVER before */
	int64_t ended;  /* when this cycle ended, FL_SLA_NEVER while on */
};

/* What the ticket is at one point of its timeline. */
struct ticket {
	int status;
	int owed;    /* an end user waits for a reply (counts while unsolved) */
	int update;  /* an agent's next update is due (counts while unsolved) */
	int replies; /* reply waits begun so far: the first is first_reply_time's */
};

static int unsolved(const struct ticket *k)
{
	return k->status < FL_STATUS_SOLVED;
}

static int waiting(const struct ticket *k)
{
	return k->owed && unsolved(k);
}

static int updating(const struct ticket *k)
{
	return k->update && unsolved(k);
}

/* Whether a sum metric counts in the ticket's status. */
static int counts_in(int metric, int status)
{
	switch (metric) {
	case FL_SLA_REQUESTER_WAIT_TIME:
		return status == FL_STATUS_NEW || status == FL_STATUS_OPEN ||
		       status == FL_STATUS_HOLD;
	case FL_SLA_AGENT_WORK_TIME: return status == FL_STATUS_NEW || status == FL_STATUS_OPEN;
	default: return status < FL_STATUS_SOLVED;
	}
}

/* The business seconds of the last span asked for. Every target that
 * counts does so since the previous event (each event advances them all),
 * so one fl_biz_elapsed per event serves all the business-hours targets. */
struct biz_span {
	const struct fl_bizclock *c;
	int64_t from, to, seconds;
};

static int64_t biz_elapsed(struct biz_span *b, int64_t from, int64_t to)
{
	if (b->from != from || b->to != to) {
		b->seconds = fl_biz_elapsed(b->c, from, to);
		b->from = from;
		b->to = to;
	}
	return b->seconds;
}

/* Adds [r->since, to) to a counting clock, noting its breach instant when
 * that span reached the target. */
static void advance(struct run *r, const struct fl_sla_target *t, struct biz_span *b, int64_t to)
{
	int64_t d;

	if (!r->counting || to <= r->since)
		return;
	d = t->business_hours ? biz_elapsed(b, r->since, to) : to - r->since;
	if (r->breach == FL_SLA_NEVER && r->used + d >= t->target_seconds) {
		int64_t left = t->target_seconds - r->used;
		r->breach = t->business_hours ? fl_biz_add(b->c, r->since, left) : r->since + left;
		/* past fl_biz_add's ten years the instant is unknown, but the
		 * span did reach the target by its end */
		if (r->breach == FL_SLA_NEVER)
			r->breach = to;
		r->breaches++;
	}
	r->used += d;
	r->since = to;
}

static void start(struct run *r, int64_t at, int counting)
{
	r->cycles++;
	r->on = 1;
	r->counting = counting;
	r->since = at;
	r->used = 0;
	r->breach = FL_SLA_NEVER;
	r->ended = FL_SLA_NEVER;
}

static void end(struct run *r, int64_t at)
{
	r->on = 0;
	r->counting = 0;
	r->ended = at;
}

/* Moves one target's clock from ticket a to ticket b at `at` (event kind). */
static void follow(struct run *r, int metric, const struct ticket *a, const struct ticket *b,
		   int kind, int64_t at)
{
	switch (metric) {
	case FL_SLA_FIRST_REPLY_TIME:
	case FL_SLA_NEXT_REPLY_TIME:
		if (waiting(a) && !waiting(b) && r->on)
			end(r, at);
		else if (!waiting(a) && waiting(b) &&
			 (b->replies == 1) == (metric == FL_SLA_FIRST_REPLY_TIME))
			start(r, at, 1);
		return;
	case FL_SLA_PERIODIC_UPDATE_TIME:
		if (updating(a) && (!updating(b) || kind == FL_SLA_AGENT_COMMENT))
			end(r, at);
		if (updating(b) && !r->on)
			start(r, at, 1);
		return;
	default:
		if (kind == FL_SLA_CREATED) {
			start(r, at, counts_in(metric, b->status));
			if (!unsolved(b))
				end(r, at);
		} else if (unsolved(a) && !unsolved(b)) {
			end(r, at);
		} else if (!unsolved(a) && unsolved(b)) {
			r->on = 1;
			r->ended = FL_SLA_NEVER;
		}
		if (r->on) {
			r->counting = counts_in(metric, b->status);
			r->since = at;
		}
	}
}

/* The ticket after event e. opened_by_agent: the ticket's opening comment
 * is an agent's, so no reply is owed at creation. */
static void apply(struct ticket *k, const struct fl_sla_event *e, int opened_by_agent)
{
	int was = unsolved(k);

	switch (e->kind) {
	case FL_SLA_CREATED:
		k->status = e->status;
		k->owed = !opened_by_agent;
		break;
	case FL_SLA_REQUESTER_COMMENT: k->owed = 1; break;
	case FL_SLA_AGENT_COMMENT:
		k->owed = 0;
		k->update = 1;
		break;
	default:
		k->status = e->status;
		if (was && !unsolved(k)) {
			k->owed = 0;
			k->update = 0;
		}
	}
}

/* Whether an agent public comment comes before any end-user one among the
 * events at the creation instant. */
static int opened_by_agent(const struct fl_sla_event *ev, size_t nev)
{
	for (size_t i = 1; i < nev && ev[i].at == ev[0].at; i++) {
		if (ev[i].kind == FL_SLA_AGENT_COMMENT)
			return 1;
		if (ev[i].kind == FL_SLA_REQUESTER_COMMENT)
			return 0;
	}
	return 0;
}

static int valid(const struct fl_sla_target *t, size_t n, const struct fl_bizclock *clock,
		 const struct fl_sla_event *ev, size_t nev)
{
	unsigned seen = 0;

	if (n > FL_SLA_METRIC__MAX || nev == 0 || ev[0].kind != FL_SLA_CREATED)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].metric < 0 || t[i].metric >= FL_SLA_METRIC__MAX ||
		    (seen & (1u << t[i].metric)) || t[i].target_seconds < 1 ||
		    t[i].target_seconds > FL_SLA_TARGET_MAX || (t[i].business_hours && !clock))
			return 0;
		seen |= 1u << t[i].metric;
	}
	for (size_t i = 0; i < nev; i++) {
		int has_status = ev[i].kind == FL_SLA_CREATED || ev[i].kind == FL_SLA_STATUS;
		if (ev[i].kind < 0 || ev[i].kind >= FL_SLA_KIND__MAX ||
		    (i > 0 && (ev[i].kind == FL_SLA_CREATED || ev[i].at < ev[i - 1].at)) ||
		    (has_status && (ev[i].status < 0 || ev[i].status >= FL_STATUS__MAX)))
			return 0;
	}
	return 1;
}

static void report(const struct run *r, const struct fl_sla_target *t, const struct fl_bizclock *c,
		   int64_t now, struct fl_sla_state *s)
{
	*s = (struct fl_sla_state){.metric = t->metric,
				   .target_seconds = t->target_seconds,
				   .used = r->used,
				   .remaining = t->target_seconds - r->used,
				   .breach_at = FL_SLA_NEVER,
				   .achieved_at = r->ended,
				   .cycles = r->cycles,
				   .breaches = r->breaches};
	if (!r->cycles)
		s->stage = FL_SLA_STAGE_NONE;
	else if (r->breach != FL_SLA_NEVER) {
		s->stage = FL_SLA_STAGE_BREACHED;
		s->breach_at = r->breach;
	} else if (!r->on)
		s->stage = FL_SLA_STAGE_ACHIEVED;
	else if (!r->counting)
		s->stage = FL_SLA_STAGE_PAUSED;
	else {
		s->stage = FL_SLA_STAGE_ACTIVE;
		s->breach_at =
			t->business_hours ? fl_biz_add(c, now, s->remaining) : now + s->remaining;
	}
}

int fl_sla_measure(const struct fl_sla_target *t, size_t n, const struct fl_bizclock *clock,
		   const struct fl_sla_event *ev, size_t nev, int64_t now, struct fl_sla_state *out)
{
	struct run run[FL_SLA_METRIC__MAX] = {0};
	struct ticket k = {0};
	struct biz_span span = {clock, 0, 0, 0};
	int by_agent;

	if (!valid(t, n, clock, ev, nev))
		return FL_EINVAL;
	for (size_t j = 0; j < n; j++)
		run[j].breach = run[j].ended = FL_SLA_NEVER;
	by_agent = opened_by_agent(ev, nev);
	for (size_t i = 0; i < nev && ev[i].at <= now; i++) {
		struct ticket was = k;
		apply(&k, &ev[i], by_agent);
		if (!waiting(&was) && waiting(&k))
			k.replies++;
		for (size_t j = 0; j < n; j++) {
			advance(&run[j], &t[j], &span, ev[i].at);
			follow(&run[j], t[j].metric, &was, &k, ev[i].kind, ev[i].at);
		}
	}
	for (size_t j = 0; j < n; j++) {
		advance(&run[j], &t[j], &span, now);
		report(&run[j], &t[j], clock, now, &out[j]);
	}
	return 0;
}

int64_t fl_sla_next_breach(const struct fl_sla_state *s, size_t n)
{
	int64_t first = FL_SLA_NEVER;

	for (size_t i = 0; i < n; i++)
		if ((s[i].stage == FL_SLA_STAGE_ACTIVE ||
		     (s[i].stage == FL_SLA_STAGE_BREACHED && s[i].achieved_at == FL_SLA_NEVER)) &&
		    s[i].breach_at < first)
			first = s[i].breach_at;
	return first;
}

const char *fl_sla_stage_name(int stage)
{
	static const char *const names[FL_SLA_STAGE__MAX] = {"", "active", "paused", "achieved",
							     "breached"};
	return stage >= 0 && stage < FL_SLA_STAGE__MAX ? names[stage] : "";
}
