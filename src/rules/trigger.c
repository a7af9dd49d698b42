/* Triggers (rules/trigger.h): what a trigger's save checks, and the
 * engine that runs them on a ticket write; the doors and the parsed
 * triggers each process keeps are rules/ruleset.c's. */
#include "rules/trigger.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "core/template.h"
#include "sla/schedule.h"
#include "sla/ticket_sla.h"
#include "store/schedules.h"
#include "store/triggers.h"
#include "store/users.h"
#include "tasks/task.h"
#include "tickets/complaint.h"
#include "tickets/notice.h"
#include "tickets/placeholder.h"

/* ---- what is a trigger's own at save ---- */

/* A trigger's checks beyond the title and description (rules/ruleset.h's
 * contract): a condition, an action, what it names exists and, when
 * active, that it does not undo an active trigger nor is undone by one. */
static int check(fl_tx *tx, const struct fl_ruleset_rule *t, fl_arena *a, struct fl_err *e)
{
	struct fl_ruleset_rule *all;
	size_t n;
	char what[128];
	int rc;

	/* a trigger with no condition would fire on every write */
	if (!t->rule.nall && !t->rule.nany)
		return fl_err_set(e, FL_EINVAL, "conditions", "Blank",
				  "Conditions: a trigger needs at least one condition");
	if (!t->rule.nactions)
		return fl_err_set(e, FL_EINVAL, "actions", "Blank",
				  "Actions: a trigger needs at least one action");
	if ((rc = fl_rule_check_refs(tx, &t->rule, a, e)))
		return rc;
	if (!t->active)
		return 0;
	if ((rc = fl_ruleset_list(tx, &fl_triggers, 1, a, &all, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (all[i].id == t->id)
			continue;
		if (fl_rule_undoes(&t->rule, &all[i].rule, what, sizeof what) ||
		    fl_rule_undoes(&all[i].rule, &t->rule, what, sizeof what))
			return fl_err_set(e, FL_EINVAL, "actions", "Conflict",
					  "Actions: trigger %" PRId64
					  " (%s) sets %s back to what this one changes",
					  all[i].id, all[i].title, what);
	}
	return 0;
}

const struct fl_ruleset_kind fl_triggers = {
	.kind = FL_RULE_TRIGGER,
	.one = "trigger",
	.many = "triggers",
	.One = "Trigger",
	.a_one = "a trigger",
	.max = FL_TRIGGER_MAX,
	.check = check,
};

/* ---- the engine ---- */

/* How deep this thread is inside the engine's own writes: a trigger's
 * update runs the hooks again, and must not start another cycle. */
static __thread int depth;

static const struct fl_actor desk = {FL_SYSTEM_USER_ID, FL_ROLE_ADMIN};

struct run {
	fl_tx *tx;
	fl_arena *a;
	struct fl_rule_ctx c;
	struct fl_ticket cur;
	struct fl_sla_facts facts;
	char why[400]; /* "Trigger 12: Urgent to Tier 2": the rule that fires */
	int quiet;     /* its update starts no cycle (a trigger's) */
	/* the write that started it was quiet (a chat's message): the
	 * requester saw it where it was written, so no rule mails them */
	int hush;
};

/* Writes one event into the ticket's audit log as the desk; a closed
 * ticket takes no write, not even the log's, so it is told nothing. */
static int log_event(struct run *r, const char *field, const char *value)
{
	struct fl_ticket_patch p = {0};
	struct fl_ticket after;
	struct fl_err e;
	int rc;

	if (r->cur.status == FL_STATUS_CLOSED)
		return 0;
	p.event_field = field;
	p.event_value = value;
	depth++;
	rc = fl_ticket_update(r->tx, &desk, r->cur.id, &p, r->a, &after, &e);
	depth--;
	if (!rc)
		r->cur = after;
	return rc;
}

static int failed(struct run *r, const char *fmt, const char *what, int64_t id)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s: ", r->why);
	snprintf(msg + strlen(msg), sizeof msg - strlen(msg), fmt, what, (long long)id);
	return log_event(r, "rule_failed", msg);
}

/* Whether group id (0: none) is there: 1 or 0, or the store's error. */
static int group_there(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_group g;
	int rc = id <= 0 ? 0 : fl_store_group_get(tx, id, a, &g);
	return rc == FL_ENOTFOUND ? 0 : rc ? rc : id <= 0 || !g.deleted;
}

/* Whether user id (0: none) is an active agent: 1 or 0, or the store's
 * error. */
static int agent_there(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_user u;
	int rc = id <= 0 ? 0 : fl_store_user_get(tx, id, a, &u);
	return rc == FL_ENOTFOUND ? 0 : rc ? rc : id <= 0 || (u.active && u.role >= FL_ROLE_AGENT);
}

static int in_hours(void *arg, int64_t schedule_id, int64_t now)
{
	struct run *r = arg;
	struct fl_schedule s;
	const struct fl_bizclock *clock;
	int open;

	if (fl_store_schedule_get(r->tx, schedule_id, r->a, &s) || fl_bizclock_shared(&s, &clock))
		return -1;
	open = fl_biz_open(clock, now);
	fl_bizclock_release(clock);
	return open;
}

/* Whether rc is a template's fault (an output past its cap, a value that
 * breaks it), not the store's: the rule fails, the customer's write
 * stands. */
static int template_fault(int rc)
{
	return rc == FL_ETOOBIG || rc == FL_EINVAL;
}

/* The language of user id (a rule's mail speaks the recipient's), NULL
 * when gone or unset. */
static const char *lang_of(struct run *r, int64_t id)
{
	struct fl_user u;
	return id > 0 && !fl_store_user_get(r->tx, id, r->a, &u) ? u.locale : NULL;
}

/* Mails user what fx says, rendered in user's language ({{ticket.status}}
 * is "Відкрито" to a Ukrainian agent, "Atvira" to a Lithuanian one). A
 * user who is not there gets nothing: the deliverer says so, not the
 * rule. */
static int mail(struct run *r, int64_t user, const struct fl_rule_effect *fx)
{
	struct fl_render_ctx rc = {&r->cur, r->c.actor_id, lang_of(r, user)};
	char *subject, *body;
	struct fl_err e;
	int err;

	if (r->hush && user == r->cur.requester_id)
		return 0;
	err = fl_placeholders_render(r->tx, fx->subject, &rc, 0, r->a, &subject, &e);

	if (!err)
		err = fl_placeholders_render(r->tx, fx->text, &rc, 0, r->a, &body, &e);
	if (template_fault(err))
		return failed(r, "%s to user %lld: its text cannot be written (too long?)", "mail",
			      user);
	if (!err)
		err = fl_message_send(r->tx, &(struct fl_message){user, r->cur.id, subject, body});
	return err;
}

/* Opens the follow-up task fx says on the ticket, through the tasks' own
 * door (audited and announced as any task), by the desk, in the rule's
 * transaction. Its title is rendered in the owner's language and made to
 * fit a task's (one line, FL_TASK_TITLE_MAX characters): a long subject
 * in it shortens the title rather than losing the task. A task that
 * cannot be opened (no assignee, an owner no longer an agent, a closed
 * ticket, a ticket with its 100 tasks) is skipped and logged. */
static int task(struct run *r, const struct fl_rule_effect *fx)
{
	struct fl_render_ctx rc2 = {&r->cur, r->c.actor_id, lang_of(r, fx->id)};
	struct fl_task_patch p = {0};
	struct fl_task out;
	struct fl_err e = {0};
	char msg[800], *title;
	int rc;

	if (fx->id <= 0)
		return failed(r, "%s %lld: the ticket has no assignee to own the task",
			      "task of action", fx->action);
	rc = fl_placeholders_render(r->tx, fx->subject, &rc2, 0, r->a, &title, &e);
	if (template_fault(rc))
		return failed(r, "%s %lld: its title cannot be written (too long?)",
			      "task of action", fx->action);
	if (rc)
		return rc;
	title[fl_utf8_prefix(title, strlen(title), FL_TASK_TITLE_MAX)] = 0;
	for (char *c = title; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	p.has_title = p.has_owner = p.has_notes = 1;
	p.title = title;
	p.owner_id = fx->id;
	p.notes = r->why; /* which rule opened it */
	if (fx->due != FL_RULE_NO_DUE) {
		p.has_due_at = 1;
		p.due_at = r->c.now + fx->due;
	}
	rc = fl_task_create(r->tx, &desk, r->cur.id, &p, r->a, &out, &e);
	if (rc == FL_EINVAL || rc == FL_EFORBIDDEN || rc == FL_ENOTFOUND) {
		snprintf(msg, sizeof msg, "%s: task of action %d: %s", r->why, fx->action,
			 e.msg[0] ? e.msg : fl_err_name(rc));
		return log_event(r, "rule_failed", msg);
	}
	return rc;
}

/* Fires rule (r->why names it): its changes as one update by the desk,
 * then its mail and webhooks. A part that names what is gone is skipped
 * and logged. */
static int fire(struct run *r, const struct fl_rule *rule)
{
	struct fl_ticket_patch p;
	struct fl_rule_effect *fx;
	struct fl_ticket after;
	struct fl_err e = {0};
	const char *why = r->why;
	size_t nfx;
	int rc = fl_rule_apply(rule, &r->c, r->a, &p, &fx, &nfx);

	if (rc)
		return rc;
	if (r->cur.status == FL_STATUS_CLOSED) {
		/* closed: nothing changes any more; what it tells (mail,
		 * webhooks) is still told */
		memset(&p, 0, sizeof p);
		goto tell;
	}
	if (p.has_group && (rc = group_there(r->tx, p.group_id, r->a)) <= 0) {
		p.has_group = 0;
		if (rc < 0 || (rc = failed(r, "%s %lld no longer exists", "group", p.group_id)))
			return rc;
	}
	if (p.has_assignee && (rc = agent_there(r->tx, p.assignee_id, r->a)) <= 0) {
		p.has_assignee = 0;
		if (rc < 0 || (rc = failed(r, "%s %lld is no longer an active agent", "assignee",
					   p.assignee_id)))
			return rc;
	}
	if (p.has_complaint && p.complaint_reason_id) {
		/* a reason deleted or deactivated since the rule was saved:
		 * that action is dropped and logged, the others still apply */
		rc = fl_complaint_reason_usable(r->tx, p.complaint_reason_id, "reason", r->a, &e);
		if (rc == FL_EINVAL) {
			p.has_complaint = 0;
			rc = failed(r, "%s %lld is deleted or no longer active", "complaint reason",
				    p.complaint_reason_id);
			memset(&e, 0, sizeof e);
		}
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < p.nfollower_add; i++)
		if ((rc = agent_there(r->tx, p.follower_add[i], r->a)) <= 0) {
			if (rc < 0 || (rc = failed(r, "%s %lld is no longer an active agent",
						   "follower", p.follower_add[i])))
				return rc;
			p.follower_add[i--] = p.follower_add[--p.nfollower_add];
		}
	rc = 0;
	p.has_follower_changes = p.nfollower_add > 0;
	for (size_t i = 0; i < nfx; i++)
		if (fx[i].kind == FL_FX_COMMENT) {
			/* a comment speaks to the customer, in their language */
			struct fl_render_ctx rc2 = {&r->cur, r->c.actor_id,
						    lang_of(r, r->cur.requester_id)};
			char *body;
			rc = fl_placeholders_render(r->tx, fx[i].text, &rc2, 0, r->a, &body, &e);
			if (template_fault(rc)) {
				rc = failed(r, "%s %lld: its text cannot be written (too long?)",
					    "comment of action", fx[i].action);
				if (rc)
					return rc;
				continue;
			}
			if (rc)
				return rc;
			p.comment_body = body;
			p.comment_public = fx[i].public;
		}
	/* fired, with nothing to change and nothing else to do: no audit
	 * that says nothing happened */
	if (!nfx && !fl_rule_patch_changes(&p, &r->cur))
		return 0;
	p.event_field = "rule";
	p.event_value = why;
	depth += r->quiet;
	rc = fl_ticket_update(r->tx, &desk, r->cur.id, &p, r->a, &after, &e);
	depth -= r->quiet;
	if (rc == FL_EINVAL || rc == FL_EFORBIDDEN) {
		/* the trigger asks for what the ticket refuses (a status it
		 * cannot go back to): the customer's write still stands */
		char msg[800];
		snprintf(msg, sizeof msg, "%s: %s", why, e.msg[0] ? e.msg : fl_err_name(rc));
		return log_event(r, "rule_failed", msg);
	}
	if (rc)
		return rc;
	r->cur = after;
	r->c.t = &r->cur;
tell:
	for (size_t i = 0; !rc && i < nfx; i++) {
		if (fx[i].kind == FL_FX_MAIL_USER) {
			rc = mail(r, fx[i].id, &fx[i]);
		} else if (fx[i].kind == FL_FX_MAIL_GROUP) {
			int64_t *ids;
			size_t n;
			if ((rc = group_there(r->tx, fx[i].id, r->a)) <= 0) {
				if (!rc)
					rc = failed(r, "%s %lld no longer exists", "group",
						    fx[i].id);
				continue;
			}
			rc = fl_store_group_agent_ids(r->tx, fx[i].id, 500, r->a, &ids, &n);
			for (size_t k = 0; !rc && k < n; k++)
				rc = mail(r, ids[k], &fx[i]);
		} else if (fx[i].kind == FL_FX_WEBHOOK) {
			fl_rules_webhook_exists_fn exists = fl_rules_webhook_exists();
			fl_rules_webhook_fire_fn call = fl_rules_webhook_fire();
			char *body;
			struct fl_render_ctx rc2 = {&r->cur, r->c.actor_id, NULL};
			if (!exists || !call || (rc = exists(r->tx, fx[i].id))) {
				if (!exists || !call || rc == FL_ENOTFOUND)
					rc = failed(r, "%s %lld no longer exists", "webhook",
						    fx[i].id);
				continue;
			}
			/* values inside the author's JSON strings stay strings */
			rc = fl_placeholders_render(r->tx, fx[i].text, &rc2, FL_TEMPLATE_JSON, r->a,
						    &body, &e);
			if (!rc)
				rc = call(r->tx, fx[i].id, &r->cur, body);
			if (template_fault(rc)) /* not a JSON object, or too big: the
						 * customer's write still stands */
				rc = failed(
					r,
					"%s %lld: the rendered body is not a JSON object of at most 256 KiB",
					"webhook", fx[i].id);
		} else if (fx[i].kind == FL_FX_TASK) {
			rc = task(r, &fx[i]);
		}
	}
	return rc;
}

/* Zendesk's cycle: the first active trigger (by position) whose
 * conditions hold and that has not fired in this write fires, and the
 * look starts again from the top, until none fires. */
static int cycle(struct run *r, struct fl_ruleset_snapshot *s)
{
	char *fired = fl_arena_alloc(r->a, s->n + 1);
	char msg[512];
	size_t nfired = 0, i = 0;
	int rc = 0;

	if (!fired)
		return FL_ENOMEM;
	memset(fired, 0, s->n + 1);
	if (s->needs_facts && (rc = fl_sla_facts_load(r->tx, &r->cur, r->c.now, &r->facts)))
		return rc;
	r->c.facts = &r->facts;
	while (i < s->n) {
		if (fired[i] || !fl_rule_matches(&s->t[i].rule, &r->c)) {
			i++;
			continue;
		}
		if (nfired == FL_TRIGGER_MAX_FIRINGS) {
			snprintf(msg, sizeof msg,
				 "%d triggers fired in one update; Trigger %" PRId64
				 " (%s) and any after it did not run",
				 FL_TRIGGER_MAX_FIRINGS, s->t[i].id, s->t[i].title);
			return log_event(r, "rules_stopped", msg);
		}
		snprintf(r->why, sizeof r->why, "Trigger %" PRId64 ": %s", s->t[i].id,
			 s->t[i].title);
		if ((rc = fire(r, &s->t[i].rule)))
			return rc;
		fired[i] = 1;
		nfired++;
		i = 0;
	}
	/* a trigger that fired and would change the ticket again: another
	 * undid what it did, and the next write will go round again */
	for (i = 0; i < s->n; i++) {
		struct fl_ticket_patch p;
		struct fl_rule_effect *fx;
		size_t nfx;
		if (!fired[i] || !fl_rule_matches(&s->t[i].rule, &r->c))
			continue;
		if ((rc = fl_rule_apply(&s->t[i].rule, &r->c, r->a, &p, &fx, &nfx)))
			return rc;
		if (!fl_rule_patch_changes(&p, &r->cur))
			continue;
		snprintf(msg, sizeof msg,
			 "Trigger %" PRId64
			 " (%s) fired, and another trigger undid its changes: the rules loop",
			 s->t[i].id, s->t[i].title);
		return log_event(r, "rules_loop", msg);
	}
	return 0;
}

static int run(fl_tx *tx, struct run *r)
{
	struct fl_ruleset_snapshot *s;
	fl_arena a;
	int rc = fl_ruleset_snapshot_get(tx, &fl_triggers, &s);

	if (rc)
		return rc;
	if (!s->n) {
		fl_ruleset_snapshot_put(s);
		return 0;
	}
	fl_arena_init(&a, 0);
	r->tx = tx;
	r->a = &a;
	r->c.t = &r->cur;
	r->c.in_hours = in_hours;
	r->c.in_hours_arg = r;
	r->quiet = 1;
	depth++;
	rc = cycle(r, s);
	depth--;
	fl_arena_free(&a);
	fl_ruleset_snapshot_put(s);
	return rc;
}

/* SLA events fired by the engine's own writes (a trigger's new priority
 * breaches at once): they wait for the cycle that caused them to end, then
 * run one of their own each, as the SLA's own events do. A ticket write's
 * hooks are all on one thread, so these live on it. */
#define PENDING_MAX 16
static __thread struct pending {
	int64_t ticket_id, now;
	int ev, metric;
} pending[PENDING_MAX];
static __thread size_t npending;

static int sla_cycle(fl_tx *tx, const struct fl_ticket *t, int ev, int metric, int64_t now)
{
	struct run r = {0};

	r.cur = *t;
	r.c.before = t; /* nothing changed: the event is what happened */
	r.c.update_type = FL_RULE_UPDATE_SLA;
	r.c.actor_id = FL_SYSTEM_USER_ID;
	r.c.actor_role = FL_ROLE_ADMIN;
	r.c.via = FL_CHANNEL_API;
	r.c.now = now;
	r.c.sla_event = ev;
	r.c.sla_metric = metric;
	return run(tx, &r);
}

/* Runs the SLA events that waited (at most PENDING_MAX in all: their own
 * cycles may add more), each on the ticket as it is now. */
static int run_pending(fl_tx *tx)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < npending; i++) {
		struct pending ev = pending[i];
		struct fl_ticket t;
		fl_arena a;
		fl_arena_init(&a, 0);
		rc = fl_ticket_load(tx, &desk, ev.ticket_id, &a, &t);
		if (rc == FL_ENOTFOUND)
			rc = 0;
		else if (!rc && t.status != FL_STATUS_CLOSED)
			rc = sla_cycle(tx, &t, ev.ev, ev.metric, ev.now);
		fl_arena_free(&a);
	}
	npending = 0;
	return rc;
}

int fl_rules_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	struct run r = {0};
	int rc;

	/* the engine's own writes, and deletions, start nothing */
	if (depth || w->kind == FL_EVENT_DELETE || w->t->deleted_at)
		return 0;
	npending = 0; /* a cycle that failed half-way left its own */
	r.cur = *w->t;
	r.c.before = w->before;
	r.c.update_type =
		w->kind == FL_EVENT_CREATE ? FL_RULE_UPDATE_CREATE : FL_RULE_UPDATE_CHANGE;
	r.c.comment = w->comment_id && w->p ? w->p->comment_body : NULL;
	r.c.comment_public = w->comment_public;
	r.c.actor_id = w->actor->id;
	r.c.actor_role = w->actor->role;
	r.c.via = w->audit ? w->audit->channel : w->t->channel;
	r.c.now = w->now;
	r.c.sla_event = r.c.sla_metric = -1;
	r.hush = w->p && w->p->quiet;
	rc = run(tx, &r);
	return rc ? rc : run_pending(tx);
}

int fl_rules_fire(fl_tx *tx, const struct fl_rule *rule, const char *why,
		  const struct fl_rule_ctx *c, struct fl_ticket *cur, fl_arena *a)
{
	struct run r = {0};
	int rc;

	r.tx = tx;
	r.a = a;
	r.cur = *cur;
	r.c = *c;
	r.c.t = &r.cur;
	if (!r.c.in_hours) {
		r.c.in_hours = in_hours;
		r.c.in_hours_arg = &r;
	}
	snprintf(r.why, sizeof r.why, "%s", why);
	rc = fire(&r, rule);
	*cur = r.cur;
	return rc;
}

int fl_rules_satisfaction(fl_tx *tx, const struct fl_ticket *t, int score, int64_t now)
{
	struct run r = {0};
	int rc;

	/* 1 good, 2 bad (feedback/csat.h's scores) */
	if (t->deleted_at || t->status == FL_STATUS_CLOSED || depth || score < 1 || score > 2)
		return 0;
	npending = 0;
	r.cur = *t;
	r.c.before = t; /* nothing of the ticket changed: the rating is what happened */
	r.c.update_type = FL_RULE_UPDATE_CHANGE;
	r.c.actor_id = t->requester_id;
	r.c.actor_role = FL_ROLE_END_USER;
	r.c.via = FL_CHANNEL_WEB;
	r.c.now = now;
	r.c.sla_event = r.c.sla_metric = -1;
	r.c.csat = score == 1 ? 1 + FL_RULE_CSAT_GOOD : 1 + FL_RULE_CSAT_BAD;
	rc = run(tx, &r);
	return rc ? rc : run_pending(tx);
}

int fl_rules_sla_event(fl_tx *tx, const struct fl_ticket *t, const char *kind, int metric,
		       int64_t now)
{
	int ev = -1, rc;

	for (int i = 0; i < FL_RULE_SLA__MAX; i++)
		if (!strcmp(kind, fl_rule_sla_event_name(i)))
			ev = i;
	if (t->deleted_at || ev < 0)
		return 0;
	if (depth) {
		if (npending < PENDING_MAX)
			pending[npending++] = (struct pending){t->id, now, ev, metric};
		return 0;
	}
	npending = 0;
	rc = sla_cycle(tx, t, ev, metric, now);
	return rc ? rc : run_pending(tx);
}
