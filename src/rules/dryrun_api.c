/* POST /api/v2/triggers/dry_run (admins): an unsaved trigger evaluated
 * against the last `days` days of real updates (rules/dryrun.h), changing
 * nothing: {"trigger": {"conditions", "actions"}, "days": 30} answers the
 * updates it would have fired on, newest first (at most
 * FL_DRYRUN_LISTED), with the total count and what it would have done. A
 * trigger that would not save is 422 naming its field, as the editor shows
 * it. */
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "rules/dryrun.h"
#include "sla/schedule.h"
#include "sla/ticket_sla.h"
#include "store/dryrun.h"
#include "store/schedules.h"

#define DAY 86400
#define CLOCKS 16 /* schedules one dry run asks about */

/* A hit, kept while it is among the newest FL_DRYRUN_LISTED. */
struct kept {
	int64_t at, audit_id;
	json_t *j;
};

struct ctx {
	int64_t days, since;
	struct fl_rule rule;
	int what, needs_facts;
	fl_tx *tx;
	fl_arena *a; /* the ticket's, during its replay */
	struct fl_sla_facts facts;
	struct kept heap[FL_DRYRUN_LISTED]; /* a min-heap: the oldest kept on top */
	size_t nheap;
	int64_t count, tickets, last_ticket;
	struct {
		int64_t id;
		const struct fl_bizclock *clock; /* NULL: the schedule is gone */
	} clocks[CLOCKS];
	size_t nclocks;
};

static int older(const struct kept *x, const struct kept *y)
{
	return x->at != y->at ? x->at < y->at : x->audit_id < y->audit_id;
}

static void sift_down(struct kept *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && older(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && older(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct kept t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void sift_up(struct kept *h, size_t i)
{
	while (i && older(&h[i], &h[(i - 1) / 2])) {
		struct kept t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int in_hours(void *arg, int64_t schedule_id, int64_t now)
{
	struct ctx *c = arg;
	size_t i = 0;

	while (i < c->nclocks && c->clocks[i].id != schedule_id)
		i++;
	if (i == c->nclocks) {
		struct fl_schedule s;
		const struct fl_bizclock *clock = NULL;
		if (i == CLOCKS)
			return -1;
		if (fl_store_schedule_get(c->tx, schedule_id, c->a, &s) ||
		    fl_bizclock_shared(&s, &clock))
			clock = NULL;
		c->clocks[c->nclocks].id = schedule_id;
		c->clocks[c->nclocks++].clock = clock;
	}
	return c->clocks[i].clock ? fl_biz_open(c->clocks[i].clock, now) : -1;
}

static json_t *name_or_null(const char *z)
{
	return z ? json_string(z) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static int has_tag(const struct fl_ticket *t, const char *tag)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (!strcmp(t->tags[i], tag))
			return 1;
	return 0;
}

static void change(json_t *list, const char *field, json_t *value, json_t *previous)
{
	json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "field", field, "value", value,
					      "previous_value", previous));
}

/* What the patch would change on t, field by field. */
static json_t *changes_json(const struct fl_ticket_patch *p, const struct fl_ticket *t)
{
	json_t *list = json_array(), *tags;

	if (p->has_status && p->status != t->status)
		change(list, "status", json_string(fl_status_name(p->status)),
		       json_string(fl_status_name(t->status)));
	if (p->has_priority && p->priority != t->priority)
		change(list, "priority", name_or_null(fl_priority_name(p->priority)),
		       name_or_null(fl_priority_name(t->priority)));
	if (p->has_type && p->type != t->type)
		change(list, "type", name_or_null(fl_type_name(p->type)),
		       name_or_null(fl_type_name(t->type)));
	if (p->has_group && p->group_id != t->group_id)
		change(list, "group_id", id_or_null(p->group_id), id_or_null(t->group_id));
	if (p->has_assignee && p->assignee_id != t->assignee_id)
		change(list, "assignee_id", id_or_null(p->assignee_id), id_or_null(t->assignee_id));
	if (p->has_tags) {
		tags = json_array();
		for (size_t i = 0; i < p->ntags; i++)
			json_array_append_new(tags, json_string(p->tags[i]));
		change(list, "set_tags", tags, json_null());
	}
	tags = json_array();
	for (size_t i = 0; i < p->nadd_tags; i++)
		if (!has_tag(t, p->add_tags[i]))
			json_array_append_new(tags, json_string(p->add_tags[i]));
	if (json_array_size(tags))
		change(list, "current_tags", json_incref(tags), json_null());
	json_decref(tags);
	tags = json_array();
	for (size_t i = 0; i < p->nremove_tags; i++)
		if (has_tag(t, p->remove_tags[i]))
			json_array_append_new(tags, json_string(p->remove_tags[i]));
	if (json_array_size(tags))
		change(list, "remove_tags", json_incref(tags), json_null());
	json_decref(tags);
	for (size_t i = 0; i < p->nfollower_add; i++) {
		int has = 0;
		for (size_t k = 0; k < t->nfollowers; k++)
			has |= t->followers[k] == p->follower_add[i];
		if (!has)
			change(list, "follower", json_integer(p->follower_add[i]), json_null());
	}
	return list;
}

static json_t *effect_json(const struct fl_rule_effect *fx)
{
	switch (fx->kind) {
	case FL_FX_COMMENT:
		return json_pack("{s:s, s:b, s:s}", "action", "comment_value", "public", fx->public,
				 "body", fx->text ? fx->text : "");
	case FL_FX_MAIL_USER:
		return json_pack("{s:s, s:I, s:s, s:s}", "action", "notification_user", "user_id",
				 (json_int_t)fx->id, "subject", fx->subject ? fx->subject : "",
				 "body", fx->text ? fx->text : "");
	case FL_FX_MAIL_GROUP:
		return json_pack("{s:s, s:I, s:s, s:s}", "action", "notification_group", "group_id",
				 (json_int_t)fx->id, "subject", fx->subject ? fx->subject : "",
				 "body", fx->text ? fx->text : "");
	case FL_FX_TASK:
		return json_pack("{s:s, s:o, s:s, s:o}", "action", "create_task", "owner_id",
				 fx->id > 0 ? json_integer(fx->id) : json_null(), "title",
				 fx->subject ? fx->subject : "", "due_in_seconds",
				 fx->due == FL_RULE_NO_DUE ? json_null() : json_integer(fx->due));
	default:
		return json_pack("{s:s, s:I, s:s}", "action", "notification_webhook", "webhook_id",
				 (json_int_t)fx->id, "body", fx->text ? fx->text : "");
	}
}

static int on_hit(void *arg, const struct fl_dryrun_hit *h)
{
	struct ctx *c = arg;
	struct kept k = {h->at, h->audit_id, NULL};
	json_t *fx;

	c->count++;
	if (c->last_ticket != h->ticket_id)
		c->tickets++;
	c->last_ticket = h->ticket_id;
	if (c->nheap == FL_DRYRUN_LISTED && !older(&c->heap[0], &k))
		return 0;
	fx = json_array();
	for (size_t i = 0; i < h->nfx; i++)
		json_array_append_new(fx, effect_json(&h->fx[i]));
	k.j = json_pack("{s:I, s:s, s:I, s:o, s:o, s:o}", "ticket_id", (json_int_t)h->ticket_id,
			"subject", h->t->subject ? h->t->subject : "", "audit_id",
			(json_int_t)h->audit_id, "created_at", fl_json_time(h->at), "changes",
			changes_json(h->p, h->t), "effects", fx);
	if (!k.j)
		return FL_ENOMEM;
	if (c->nheap == FL_DRYRUN_LISTED) {
		json_decref(c->heap[0].j);
		c->heap[0] = k;
		sift_down(c->heap, c->nheap, 0);
	} else {
		c->heap[c->nheap] = k;
		sift_up(c->heap, c->nheap++);
	}
	return 0;
}

static int on_ticket(void *arg, const struct fl_ticket *t, const struct fl_store_update *u,
		     size_t n, fl_arena *a)
{
	struct ctx *c = arg;
	struct fl_dryrun_audit *au = fl_arena_alloc(a, (n + 1) * sizeof *au);
	struct fl_rule_ctx base = {0};
	int rc;

	if (!au)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		au[i] = (struct fl_dryrun_audit){u[i].au->id,         u[i].au->author_id,
						 u[i].author_role,    u[i].au->channel,
						 u[i].au->created_at, u[i].au->events,
						 u[i].au->nevents,    u[i].comment,
						 u[i].comment_public};
	c->a = a;
	if (c->needs_facts && (rc = fl_sla_facts_load(c->tx, t, t->updated_at, &c->facts)))
		return rc;
	base.facts = c->needs_facts ? &c->facts : NULL;
	base.in_hours = in_hours;
	base.in_hours_arg = c;
	return fl_dryrun_replay(&c->rule, &base, t, au, n, a, on_hit, c);
}

/* What the store must read for r: tags and comments only when asked. */
static void needs(struct ctx *c)
{
	const struct fl_rule *r = &c->rule;
	for (size_t i = 0; i < r->nall + r->nany; i++) {
		int f = i < r->nall ? r->all[i].field : r->any[i - r->nall].field;
		if (f == FL_RF_TAGS)
			c->what |= FL_HISTORY_TAGS;
		if (f == FL_RF_COMMENT_IS_PUBLIC || f == FL_RF_COMMENT_INCLUDES_WORD)
			c->what |= FL_HISTORY_COMMENTS;
		if (f == FL_RF_REQUESTER_TIER || f == FL_RF_ORGANIZATION_TIER ||
		    f == FL_RF_ENTITLEMENT)
			c->needs_facts = 1;
	}
	/* to tell which tags would really be added or removed */
	for (size_t i = 0; i < r->nactions; i++)
		if (r->actions[i].field == FL_RA_SET_TAGS ||
		    r->actions[i].field == FL_RA_ADD_TAGS ||
		    r->actions[i].field == FL_RA_REMOVE_TAGS)
			c->what |= FL_HISTORY_TAGS;
}

static int tx_dry_run(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;

	c->tx = tx;
	if ((rc = fl_rule_check_refs(tx, &c->rule, &r->arena, &r->err)))
		return rc;
	rc = fl_store_history_scan(tx, c->since, c->what, on_ticket, c);
	for (size_t i = 0; i < c->nclocks; i++)
		if (c->clocks[i].clock)
			fl_bizclock_release(c->clocks[i].clock);
	c->nclocks = 0;
	return rc;
}

static int render(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	size_t n = c->nheap;

	/* the heap's oldest on top: take them off, newest last, and reverse */
	while (c->nheap) {
		struct kept k = c->heap[0];
		c->heap[0] = c->heap[--c->nheap];
		sift_down(c->heap, c->nheap, 0);
		json_array_insert_new(list, 0, k.j);
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I, s:I, s:I, s:b, s:I, s:o}", "results", list,
				      "count", (json_int_t)c->count, "tickets_count",
				      (json_int_t)c->tickets, "listed", (json_int_t)n, "truncated",
				      c->count > (int64_t)n, "days", (json_int_t)c->days, "since",
				      fl_json_time(c->since)));
}

static void drop_kept(void *p)
{
	struct ctx *c = p;
	while (c->nheap)
		json_decref(c->heap[--c->nheap].j);
}

static int h_dry_run(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *t = r->body ? json_object_get(r->body, "trigger") : NULL;
	json_t *days = r->body ? json_object_get(r->body, "days") : NULL;
	int rc;

	if (!json_is_object(t))
		return fl_req_fail(r, FL_EMALFORMED, "trigger", "InvalidRequest",
				   "the body must be {\"trigger\": {...}, \"days\": 30}");
	c->days = FL_DRYRUN_DAYS_DEFAULT;
	if (days && !json_is_null(days)) {
		if (!json_is_integer(days) || json_integer_value(days) < 1 ||
		    json_integer_value(days) > FL_DRYRUN_DAYS_MAX)
			return fl_req_fail(r, FL_EINVAL, "days", "InvalidValue",
					   "Days: a whole number from 1 to %d", FL_DRYRUN_DAYS_MAX);
		c->days = json_integer_value(days);
	}
	if ((rc = fl_rule_decode(FL_RULE_TRIGGER, json_object_get(t, "conditions"),
				 json_object_get(t, "actions"), &r->arena, &c->rule, &r->err)))
		return rc;
	if (!c->rule.nall && !c->rule.nany)
		return fl_req_fail(r, FL_EINVAL, "conditions", "Blank",
				   "Conditions: a trigger needs at least one condition");
	if (!c->rule.nactions)
		return fl_req_fail(r, FL_EINVAL, "actions", "Blank",
				   "Actions: a trigger needs at least one action");
	if (fl_arena_on_free(&r->arena, drop_kept, c))
		return FL_ENOMEM;
	c->since = fl_now() - c->days * DAY;
	needs(c);
	return fl_req_read(r, tx_dry_run, render);
}

const struct fl_route fl_dryrun_routes[] = {
	{"POST", "/api/v2/triggers/dry_run", h_dry_run, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
