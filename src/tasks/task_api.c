/* Follow-up tasks (tasks/task.h), for agents only:
 *   GET/POST          /api/v2/tickets/{id}/tasks
 *   GET               /api/v2/tasks?owner_id=me|ID&status=…&ticket_id=ID
 *   GET/PUT/DELETE    /api/v2/tasks/{id}
 *   GET/PUT           /api/v2/tasks/settings (the check-in; admins write)
 * Bodies are {"task": {"title", "notes", "due_at", "owner_id", "done"}};
 * lists are Zendesk's offset pages with count. A write that does not
 * validate is refused whole (422 naming the field). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "store/tasks.h"
#include "tasks/task.h"
#include "tickets/ticket.h"

struct task_in {
	const char *title, *notes, *due_at;
	int64_t owner_id;
	int done;
	int has_title, has_notes, has_due_at, has_owner_id, has_done;
};

static const struct fl_field task_fields[] = {
	{"title", FL_FT_STRING, FL_TASK_TITLE_MAX, 0, 0, NULL, offsetof(struct task_in, title),
	 offsetof(struct task_in, has_title), 0, 0},
	{"notes", FL_FT_STRING, FL_TASK_NOTES_MAX, 0, 1, NULL, offsetof(struct task_in, notes),
	 offsetof(struct task_in, has_notes), 0, 0},
	{"due_at", FL_FT_STRING, 40, 0, 1, NULL, offsetof(struct task_in, due_at),
	 offsetof(struct task_in, has_due_at), 0, 0},
	{"owner_id", FL_FT_ID, 0, 0, 1, NULL, offsetof(struct task_in, owner_id),
	 offsetof(struct task_in, has_owner_id), 0, 0},
	{"done", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct task_in, done),
	 offsetof(struct task_in, has_done), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct task_in in;
	struct fl_task_patch p;
	struct fl_task task;
	struct fl_task *tasks;
	size_t n;
	int64_t total, now;
	struct fl_req_page pg;
	struct fl_store_task_filter filter;
	int days;
};

/* Reads {"task": {...}} into c->p: what is left out stays as it was. */
static int decode(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *v = r->body ? json_object_get(r->body, "task") : NULL;
	struct task_in *in = &c->in;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "task", "InvalidRequest",
				   "the body must be {\"task\": {...}}");
	if ((rc = fl_input_decode(v, task_fields, in, &r->arena, &r->err)))
		return rc;
	if (creating && !in->has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	c->p = (struct fl_task_patch){in->has_title,  in->has_notes,
				      in->has_due_at, in->has_owner_id,
				      in->has_done,   in->title,
				      in->notes,      0,
				      in->owner_id,   in->done};
	/* 0 would read as "no due time": the epoch is refused here, as
	 * fl_task_apply refuses any time more than a year ago */
	if (in->has_due_at && in->due_at &&
	    (fl_time_parse(fl_str_c(in->due_at), &c->p.due_at) || c->p.due_at <= 0))
		return fl_req_fail(r, FL_EINVAL, "due_at", "InvalidValue",
				   "Due at: must be an ISO 8601 time like 2026-11-22T08:24:40Z");
	/* owner_id null: the one who writes it */
	if (in->has_owner_id && !in->owner_id)
		c->p.owner_id = r->actor.id;
	return 0;
}

static json_t *task_json(struct fl_req *r, const struct fl_task *t, int64_t now)
{
	char url[128];

	snprintf(url, sizeof url, "%s/api/v2/tasks/%" PRId64 ".json", fl_req_base(r), t->id);
	return json_pack(
		"{s:I, s:s, s:I, s:o, s:s, s:s, s:o, s:I, s:b, s:s, s:o, s:o, s:o, s:I, "
		"s:o, s:o}",
		"id", (json_int_t)t->id, "url", url, "ticket_id", (json_int_t)t->ticket_id,
		"ticket_subject", fl_json_str(t->ticket_subject), "title", t->title, "notes",
		t->notes ? t->notes : "", "due_at", fl_json_time(t->due_at), "owner_id",
		(json_int_t)t->owner_id, "done", t->done_at != 0, "status",
		fl_task_status_name(fl_task_status(t, now)), "done_at", fl_json_time(t->done_at),
		"done_by", fl_json_id(t->done_by), "reminded_at", fl_json_time(t->reminded_at),
		"created_by", (json_int_t)t->created_by, "created_at", fl_json_time(t->created_at),
		"updated_at", fl_json_time(t->updated_at));
}

static int render_one(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "task", task_json(r, &c->task, fl_now())));
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;
	size_t n = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, task_json(r, &c->tasks[i], c->now));
	o = json_pack("{s:o}", "tasks", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total, 0, 0);
	return fl_req_reply(r, 200, o);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_task_list(tx, &c->filter, (c->pg.page - 1) * c->pg.per_page,
				  c->pg.per_page + 1, &r->arena, &c->tasks, &c->n, &c->total);
}

/* status=overdue|due|upcoming|done, or a comma-separated list of the
 * first three that is one stretch of time (overdue,due: everything due
 * within a day, the workspace's count), into c->filter. */
static int parse_status(struct fl_req *r, struct ctx *c, const char *z)
{
	struct fl_store_task_filter *f = &c->filter;
	unsigned mask = 0;
	int64_t soon = c->now + FL_TASK_DUE_WINDOW;

	f->done = 0;
	f->due_from = INT64_MIN;
	f->due_to = INT64_MAX;
	f->no_due = 1;
	if (!z)
		return 0;
	while (*z) {
		const char *end = strchr(z, ',');
		size_t n = end ? (size_t)(end - z) : strlen(z);
		char word[16];
		int s;

		if (n >= sizeof word)
			goto bad;
		memcpy(word, z, n);
		word[n] = 0;
		if ((s = fl_task_status_parse(word)) < 0)
			goto bad;
		mask |= 1u << s;
		z += n + (end ? 1 : 0);
	}
	if (mask == 1u << FL_TASK_DONE) {
		f->done = 2;
		return 0;
	}
	if (!mask || mask & (1u << FL_TASK_DONE) ||
	    mask == (1u << FL_TASK_OVERDUE | 1u << FL_TASK_UPCOMING))
		goto bad;
	f->done = 1;
	f->due_from = mask & (1u << FL_TASK_OVERDUE) ? INT64_MIN
		      : mask & (1u << FL_TASK_DUE)   ? c->now + 1
						     : soon + 1;
	f->due_to = mask & (1u << FL_TASK_UPCOMING) ? INT64_MAX
		    : mask & (1u << FL_TASK_DUE)    ? soon
						    : c->now;
	f->no_due = (mask & (1u << FL_TASK_UPCOMING)) != 0;
	return 0;
bad:
	return fl_req_fail(r, FL_EMALFORMED, "status", "InvalidValue",
			   "status must be overdue, due, upcoming or done, or a list of the "
			   "first three in a row (overdue,due)");
}

/* A query argument that is a positive id ("me" too, when me is set). */
static int arg_id(struct fl_req *r, const char *name, int64_t me, int64_t *out)
{
	const char *z = fl_req_arg(r, name);

	*out = 0;
	if (z && me && !strcmp(z, "me")) {
		*out = me;
		return 0;
	}
	if (z && (fl_str_to_i64(fl_str_c(z), out) || *out <= 0))
		return fl_req_fail(r, FL_EMALFORMED, name, "InvalidValue",
				   "%s must be a positive integer id%s", name, me ? " or me" : "");
	return 0;
}

/* GET /api/v2/tasks */
static int h_list(struct fl_req *r)
{
	static const char *const args[] = {"owner_id", "ticket_id", "status",
					   "page",     "per_page",  NULL};
	struct ctx *c = r->ctx;
	int rc;

	c->now = fl_now();
	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = arg_id(r, "owner_id", r->actor.id, &c->filter.owner_id)) ||
	    (rc = arg_id(r, "ticket_id", 0, &c->filter.ticket_id)) ||
	    (rc = parse_status(r, c, fl_req_arg(r, "status"))))
		return rc;
	return fl_req_read(r, tx_list, render_list);
}

/* The ticket exists and the agent may see it: 404 otherwise. */
static int tx_ticket_list(fl_tx *tx, struct fl_req *r)
{
	struct fl_ticket t;
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &t);
	return rc ? rc : tx_list(tx, r);
}

/* GET /api/v2/tickets/{id}/tasks */
static int h_ticket_list(struct fl_req *r)
{
	static const char *const args[] = {"status", "page", "per_page", NULL};
	struct ctx *c = r->ctx;
	int rc;

	c->now = fl_now();
	if ((rc = fl_req_args_only(r, args)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = parse_status(r, c, fl_req_arg(r, "status"))))
		return rc;
	c->filter.ticket_id = r->id[0];
	return fl_req_read(r, tx_ticket_list, render_list);
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_task_create(tx, &r->actor, r->id[0], &c->p, &r->arena, &c->task, &r->err);
}

/* POST /api/v2/tickets/{id}/tasks */
static int h_create(struct fl_req *r)
{
	int rc = decode(r, r->ctx, 1);

	if (rc)
		return rc;
	r->status = 201;
	return fl_req_write(r, tx_create, render_one);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_task_get(tx, &r->actor, r->id[0], &r->arena, &c->task);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_one);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_task_update(tx, &r->actor, r->id[0], &c->p, &r->arena, &c->task, &r->err);
}

static int h_update(struct fl_req *r)
{
	int rc = decode(r, r->ctx, 0);
	return rc ? rc : fl_req_write(r, tx_update, render_one);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_task_delete(tx, &r->actor, r->id[0], &r->arena, &r->err);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int render_settings(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, json_pack("{s:{s:i}}", "settings", "checkin_days", c->days));
}

static int tx_settings(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_task_checkin_days(tx, &c->days);
}

static int h_settings(struct fl_req *r)
{
	return fl_req_read(r, tx_settings, render_settings);
}

static int tx_settings_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_task_set_checkin_days(tx, c->days, &r->err);
}

/* PUT /api/v2/tasks/settings {"settings": {"checkin_days": N}} */
static int h_settings_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "settings") : NULL;
	json_t *d = json_is_object(v) ? json_object_get(v, "checkin_days") : NULL;
	json_int_t n;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "settings", "InvalidRequest",
				   "the body must be {\"settings\": {\"checkin_days\": N}}");
	if (!json_is_integer(d) || (n = json_integer_value(d)) < 0 || n > FL_TASK_CHECKIN_DAYS_MAX)
		return fl_req_fail(r, FL_EINVAL, "checkin_days", "InvalidValue",
				   "Check-in days: a whole number from 0 (off) to %d",
				   FL_TASK_CHECKIN_DAYS_MAX);
	c->days = (int)n;
	return fl_req_write(r, tx_settings_update, render_settings);
}

#define TASKS "/api/v2/tasks"
const struct fl_route fl_task_routes[] = {
	{"GET", TASKS "/settings", h_settings, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", TASKS "/settings", h_settings_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"GET", TASKS, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", TASKS "/{id}", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", TASKS "/{id}", h_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"DELETE", TASKS "/{id}", h_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/tasks", h_ticket_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/tickets/{id}/tasks", h_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
