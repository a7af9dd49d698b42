/* /api/v2/agent_availabilities: agents' status, capacity and skills for
 * routing (routing/routing.h), and /api/v2/group_memberships: which
 * agents a group routes to.
 *   GET       /api/v2/agent_availabilities         agents: everyone's
 *   GET/PUT   /api/v2/agent_availabilities/me      the signed-in agent's
 *   PUT       /api/v2/agent_availabilities/{id}    admins: anyone's
 *   POST      /api/v2/group_memberships            admins: an agent joins a group
 * An agent changes only their own status; capacity and skills are an
 * admin's. A write that does not validate is refused whole (422 naming the
 * field) before anything is written. */
#include <string.h>

#include "core/input.h"
#include "core/time.h"
#include "http/http.h"
#include "routing/routing.h"
#include "store/routing.h"
#include "store/users.h"

struct avail_in {
	int status;
	int64_t capacity;
	const char *skills[FL_SKILLS_MAX + 1];
	size_t nskills;
	int has_status, has_capacity, has_skills;
};

#define A(f) offsetof(struct avail_in, f)
static const struct fl_field avail_fields[] = {
	{"status", FL_FT_ENUM, 0, 0, 0, fl_agent_status_parse, A(status), A(has_status), 0, 0},
	{"capacity", FL_FT_INT, FL_CAPACITY_MAX, 0, 0, NULL, A(capacity), A(has_capacity), 0, 0},
	{"skills", FL_FT_STRINGS, FL_SKILLS_MAX, FL_SKILL_LEN, 0, NULL, A(skills), A(has_skills),
	 A(nskills), 0},
	FL_FIELDS_END,
};

struct member_in {
	int64_t user_id, group_id;
	int has_user_id, has_group_id;
};

#define M(f) offsetof(struct member_in, f)
static const struct fl_field member_fields[] = {
	{"user_id", FL_FT_ID, 0, 0, 0, NULL, M(user_id), M(has_user_id), 0, 0},
	{"group_id", FL_FT_ID, 0, 0, 0, NULL, M(group_id), M(has_group_id), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct avail_in in;
	char *skills; /* normalized */
	struct fl_routing_agent agent;
	struct fl_routing_agent *agents;
	size_t n;
	struct member_in member;
};

static json_t *skills_json(const char *skills)
{
	json_t *list = json_array();
	const char *p = skills ? skills : "";

	while (*p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		json_array_append_new(list, json_stringn(p, len));
		p += len + (end ? 1 : 0);
	}
	return list;
}

static json_t *availability_json(const struct fl_routing_agent *a)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:o}", "user_id", (json_int_t)a->user_id,
			 "name", a->name ? a->name : "", "status", fl_agent_status_name(a->status),
			 "status_changed_at",
			 a->status_at ? fl_json_time(a->status_at) : json_null(), "capacity",
			 (json_int_t)a->capacity, "open_tickets", (json_int_t)a->open, "skills",
			 skills_json(a->skills));
}

static int render_one(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:o}", "agent_availability", availability_json(&c->agent)));
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, availability_json(&c->agents[i]));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "agent_availabilities", list, "count",
				      (json_int_t)c->n));
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_availability_list(tx, &r->arena, &c->agents, &c->n);
}

static int h_list(struct fl_req *r)
{
	return fl_req_read(r, tx_list, render_list);
}

/* The user the request is about: {id}, or the actor on /me. */
static int64_t subject(struct fl_req *r)
{
	return r->id[0] ? r->id[0] : r->actor.id;
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_availability_get(tx, subject(r), &r->arena, &c->agent);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_one);
}

/* Puts what was asked over the agent's availability; coming online, or
 * more room, routes the tickets waiting in their groups. */
static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_routing_agent *ag = &c->agent;
	int64_t now = fl_now(), capacity;
	int was, rc = fl_store_availability_get(tx, subject(r), &r->arena, ag);

	if (rc == FL_ENOTFOUND && r->id[0])
		return fl_err_set(&r->err, FL_ENOTFOUND, "user_id", "RecordNotFound",
				  "No active agent has id %lld", (long long)r->id[0]);
	if (rc)
		return rc;
	was = ag->status;
	capacity = ag->capacity;
	if (c->in.has_status && ag->status != c->in.status) {
		ag->status = c->in.status;
		ag->status_at = now;
	}
	if (c->in.has_capacity)
		ag->capacity = c->in.capacity;
	if (c->in.has_skills)
		ag->skills = c->skills;
	if ((rc = fl_store_availability_put(tx, ag, now)))
		return rc;
	if (ag->status == FL_AGENT_ONLINE &&
	    (was != FL_AGENT_ONLINE || (capacity && (!ag->capacity || ag->capacity > capacity)) ||
	     c->in.has_skills))
		rc = fl_routing_drain(tx, 0, ag->user_id, now, NULL);
	/* what it is now, with the tickets just routed to them */
	return rc ? rc : fl_store_availability_get(tx, ag->user_id, &r->arena, ag);
}

static int h_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "agent_availability") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "agent_availability", "InvalidRequest",
				   "the body must be {\"agent_availability\": {...}}");
	if ((rc = fl_input_decode(v, avail_fields, &c->in, &r->arena, &r->err)))
		return rc;
	if (r->actor.role != FL_ROLE_ADMIN && (c->in.has_capacity || c->in.has_skills))
		return fl_req_fail(r, FL_EFORBIDDEN, c->in.has_capacity ? "capacity" : "skills",
				   "Forbidden", "Only an admin sets capacity and skills");
	if (c->in.has_skills && (rc = fl_routing_skills_normalize(c->in.skills, c->in.nskills,
								  &r->arena, &c->skills, &r->err)))
		return rc;
	return fl_req_write(r, tx_update, render_one);
}

static int render_member(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:I, s:I}}", "group_membership", "user_id",
				      (json_int_t)c->member.user_id, "group_id",
				      (json_int_t)c->member.group_id));
}

/* An agent joins a group (again is no change) and the group's waiting
 * tickets may go to them. */
static int tx_member(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_group g;
	int rc = fl_store_group_get(tx, c->member.group_id, &r->arena, &g);

	if (rc == FL_ENOTFOUND || (!rc && g.deleted))
		return fl_err_set(&r->err, FL_EINVAL, "group_id", "InvalidValue",
				  "Group: no group has id %lld", (long long)c->member.group_id);
	if (!rc)
		rc = fl_store_availability_get(tx, c->member.user_id, &r->arena, &c->agent);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(&r->err, FL_EINVAL, "user_id", "InvalidValue",
				  "User: no active agent has id %lld",
				  (long long)c->member.user_id);
	if (!rc)
		rc = fl_store_group_member_add(tx, c->member.group_id, c->member.user_id);
	if (rc == FL_ECONFLICT)
		rc = 0;
	return rc ? rc : fl_routing_drain(tx, c->member.group_id, 0, fl_now(), NULL);
}

static int h_member(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *v = r->body ? json_object_get(r->body, "group_membership") : NULL;
	int rc;

	if (!json_is_object(v))
		return fl_req_fail(r, FL_EMALFORMED, "group_membership", "InvalidRequest",
				   "the body must be {\"group_membership\": {...}}");
	if ((rc = fl_input_decode(v, member_fields, &c->member, &r->arena, &r->err)))
		return rc;
	if (!c->member.has_user_id || !c->member.has_group_id)
		return fl_req_fail(r, FL_EINVAL, c->member.has_user_id ? "group_id" : "user_id",
				   "Blank", "user_id and group_id are required");
	return fl_req_write(r, tx_member, render_member);
}

#define AVAIL "/api/v2/agent_availabilities"
const struct fl_route fl_routing_routes[] = {
	{"GET", AVAIL, h_list, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", AVAIL "/me", h_show, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", AVAIL "/me", h_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"PUT", AVAIL "/{id}", h_update, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/group_memberships", h_member, FL_ROLE_ADMIN, 0, sizeof(struct ctx)},
	{0},
};
