/* Routing a group's tickets to its agents (routing/routing.h).
 *
 * Two writers at once. On SQLite there is one writer: routings never
 * overlap. On PostgreSQL several writers (and nodes) run transactions
 * side by side at REPEATABLE READ, each seeing a snapshot: two of them
 * could each count an agent's open tickets as 4 of 5 and both assign a
 * fifth, or both take "the next after Olena". So every automatic
 * assignment writes two rows: the group's group_routing row (its last
 * chosen) and the chosen agent's agent_availabilities row (assigned_at).
 * Two routings in one group, or to one agent through two groups, then
 * update the same row, PostgreSQL fails the later with a serialization
 * error, and the store runs that transaction again on a fresh snapshot
 * (FL_EBUSY is retried): it sees the first's assignment, so neither the
 * capacity nor round robin's order is broken. The cost is that a burst
 * into one group is routed one transaction at a time, which is what a
 * single group's order needs anyway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "routing/routing.h"
#include "store/routing.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"

static const char *const status_names[FL_AGENT__MAX] = {"offline", "online", "away"};
static const char *const method_names[FL_ROUTING__MAX] = {"none", "round_robin", "least_open"};
/* The languages the desk speaks: a requester's locale names one of them. */
static const char *const languages[] = {"uk", "ru", "lt", "en"};

const char *fl_agent_status_name(int v)
{
	return v >= 0 && v < FL_AGENT__MAX ? status_names[v] : "offline";
}

int fl_agent_status_parse(fl_str s)
{
	for (int i = 0; i < FL_AGENT__MAX; i++)
		if (fl_str_eq(s, status_names[i]))
			return i;
	return -1;
}

const char *fl_routing_method_name(int v)
{
	return v >= 0 && v < FL_ROUTING__MAX ? method_names[v] : "none";
}

int fl_routing_method_parse(fl_str s)
{
	for (int i = 0; i < FL_ROUTING__MAX; i++)
		if (fl_str_eq(s, method_names[i]))
			return i;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int fl_routing_skills_normalize(const char *const *skills, size_t n, fl_arena *a, char **out,
				struct fl_err *e)
{
	char **v;
	size_t k = 0, len = 1;
	char *text, *p;

	if (n > FL_SKILLS_MAX)
		return fl_err_set(e, FL_EINVAL, "skills", "TooLong", "Skills: at most %d",
				  FL_SKILLS_MAX);
	v = fl_arena_alloc(a, (n ? n : 1) * sizeof *v);
	if (!v)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = skills[i];
		size_t b, m;
		char *c;

		if (!s)
			return fl_err_set(e, FL_EINVAL, "skills", "InvalidValue",
					  "Skills: each must be text");
		while (*s == ' ' || *s == '\t')
			s++;
		m = strlen(s);
		while (m && (s[m - 1] == ' ' || s[m - 1] == '\t'))
			m--;
		if (!m || m > FL_SKILL_LEN)
			return fl_err_set(e, FL_EINVAL, "skills", "InvalidValue",
					  "Skills: each is 1 to %d letters, digits, '-' or '_'",
					  FL_SKILL_LEN);
		c = fl_arena_alloc(a, m + 1);
		if (!c)
			return FL_ENOMEM;
		for (b = 0; b < m; b++) {
			char ch = s[b];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			      ch == '_'))
				return fl_err_set(e, FL_EINVAL, "skills", "InvalidValue",
						  "Skills: '%.40s' may hold only letters a-z, "
						  "digits, '-' and '_'",
						  skills[i]);
			c[b] = ch;
		}
		c[m] = 0;
		v[k++] = c;
	}
	qsort(v, k, sizeof *v, cmp_str);
	for (size_t i = 0; i < k; i++)
		len += strlen(v[i]) + 1;
	text = p = fl_arena_alloc(a, len);
	if (!text)
		return FL_ENOMEM;
	*p = 0;
	for (size_t i = 0; i < k; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (p != text)
			*p++ = ' ';
		p = stpcpy(p, v[i]);
	}
	*out = text;
	return 0;
}

int fl_routing_has_skill(const char *skills, const char *skill)
{
	size_t m = strlen(skill);

	if (!skills || !m)
		return 0;
	for (const char *p = skills; *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == m && !memcmp(p, skill, m))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* Whether some agent of the group has skill: only then is it a need. */
static int known(const struct fl_routing_agent *agents, size_t n, const char *skill)
{
	for (size_t i = 0; i < n; i++)
		if (fl_routing_has_skill(agents[i].skills, skill))
			return 1;
	return 0;
}

size_t fl_routing_needs(const char *locale, const char *const *tags, size_t ntags,
			const struct fl_routing_agent *agents, size_t n, char lang[3],
			const char **need, size_t max)
{
	size_t k = 0;

	lang[0] = 0;
	if (locale && locale[0] && locale[1] &&
	    (!locale[2] || locale[2] == '-' || locale[2] == '_')) {
		lang[0] = (char)(locale[0] | 0x20);
		lang[1] = (char)(locale[1] | 0x20);
		lang[2] = 0;
		for (size_t i = 0; i < sizeof languages / sizeof *languages; i++)
			if (!strcmp(lang, languages[i]) && known(agents, n, lang) && k < max)
				need[k++] = lang;
	}
	for (size_t i = 0; i < ntags && k < max; i++)
		if (tags[i] && strcmp(tags[i], lang) && known(agents, n, tags[i]))
			need[k++] = tags[i];
	return k;
}

int fl_routing_eligible(const struct fl_routing_agent *a, const char *const *need, size_t nneed)
{
	if (a->status != FL_AGENT_ONLINE)
		return 0;
	if (a->capacity > 0 && a->open >= a->capacity)
		return 0;
	for (size_t i = 0; i < nneed; i++)
		if (!fl_routing_has_skill(a->skills, need[i]))
			return 0;
	return 1;
}

int fl_routing_choose(int method, const struct fl_routing_agent *agents, size_t n, int64_t last,
		      const char *const *need, size_t nneed)
{
	size_t start = 0;
	int best = -1;

	if (!n || (method != FL_ROUTING_ROUND_ROBIN && method != FL_ROUTING_LEAST_OPEN))
		return -1;
	/* round robin order: from the first agent after last, wrapping */
	while (start < n && agents[start].user_id <= last)
		start++;
	if (start == n)
		start = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = (start + k) % n;
		if (!fl_routing_eligible(&agents[i], need, nneed))
			continue;
		if (method == FL_ROUTING_ROUND_ROBIN)
			return (int)i;
		if (best < 0 || agents[i].open < agents[best].open)
			best = (int)i;
	}
	return best;
}

int fl_routing_why(int method, const char *group, const struct fl_routing_agent *a,
		   const char *const *need, size_t nneed, fl_buf *out)
{
	int rc = fl_buf_addf(out, "%s in %s: %s — online, ",
			     method == FL_ROUTING_LEAST_OPEN ? "least open" : "round robin", group,
			     a->name ? a->name : "?");

	if (!rc && a->capacity > 0)
		rc = fl_buf_addf(out, "%lld of %lld open", (long long)a->open,
				 (long long)a->capacity);
	else if (!rc)
		rc = fl_buf_addf(out, "%lld open", (long long)a->open);
	for (size_t i = 0; !rc && i < nneed; i++)
		rc = fl_buf_addf(out, "%s%s", i ? ", " : ", has ", need[i]);
	return rc;
}

static int drain(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t skip, int64_t now,
		 size_t *n);

/* Our own writes run the ticket hooks again: they must not route. */
static _Thread_local int depth;

/* A group's routing as one pass holds it: read once, then kept up to date
 * in memory as tickets are assigned. */
struct group_state {
	int64_t id;
	int method;
	int64_t last;
	char *name;
	struct fl_routing_agent *agents;
	size_t n;
};

static int group_load(fl_tx *tx, int64_t id, fl_arena *a, struct group_state *g)
{
	struct fl_group grp;
	int rc = fl_store_group_routing_get(tx, id, &g->method, &g->last);

	g->id = id;
	g->n = 0;
	if (rc || g->method == FL_ROUTING_NONE)
		return rc;
	if ((rc = fl_store_group_get(tx, id, a, &grp)))
		return rc == FL_ENOTFOUND ? (g->method = FL_ROUTING_NONE, 0) : rc;
	if (grp.deleted) {
		g->method = FL_ROUTING_NONE;
		return 0;
	}
	g->name = grp.name;
	return fl_store_routing_members(tx, id, a, &g->agents, &g->n);
}

/* Routes ticket t in g: 1 when assigned, 0 when nobody fits (why, when
 * not NULL, gets the reason), else an error. */
static int route_one(fl_tx *tx, struct group_state *g, const struct fl_ticket *t, int64_t now,
		     fl_arena *a, fl_buf *why)
{
	const char *need[FL_TICKET_MAX_TAGS + 1];
	struct fl_user req;
	struct fl_ticket out;
	struct fl_ticket_patch p = {0};
	struct fl_err e = {0};
	char lang[3];
	size_t nneed;
	fl_buf text;
	int i, rc;

	rc = fl_store_user_get(tx, t->requester_id, a, &req);
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	if (rc)
		req.locale = NULL;
	nneed = fl_routing_needs(req.locale, (const char *const *)t->tags, t->ntags, g->agents,
				 g->n, lang, need, sizeof need / sizeof *need);
	i = fl_routing_choose(g->method, g->agents, g->n, g->last, need, nneed);
	if (i < 0) {
		if (why) {
			fl_buf_addf(why, "no agent of %s is online with room", g->name);
			for (size_t k = 0; k < nneed; k++)
				fl_buf_addf(why, "%s%s", k ? ", " : " and ", need[k]);
		}
		return 0;
	}
	fl_buf_init(&text, 1024);
	rc = fl_routing_why(g->method, g->name, &g->agents[i], need, nneed, &text);
	p.has_assignee = 1;
	p.assignee_id = g->agents[i].user_id;
	p.event_field = "routing";
	p.event_value = text.p;
	p.quiet = 0;
	depth++;
	if (!rc)
		rc = fl_ticket_update(tx, &(struct fl_actor){FL_SYSTEM_USER_ID, FL_ROLE_ADMIN, 0},
				      t->id, &p, a, &out, &e);
	depth--;
	fl_buf_free(&text);
	if (!rc)
		rc = fl_store_group_routing_last(tx, g->id, g->agents[i].user_id, now);
	if (!rc)
		rc = fl_store_availability_touch(tx, g->agents[i].user_id, now);
	if (rc)
		return rc;
	g->last = g->agents[i].user_id;
	g->agents[i].open++;
	return 1;
}

/* Whether t waits for routing: unassigned, in a group, below solved. */
static int unrouted(const struct fl_ticket *t)
{
	return t && !t->deleted_at && t->group_id && !t->assignee_id &&
	       t->status < FL_STATUS_SOLVED;
}

/* Whether the write gave the ticket's previous assignee room: it was open
 * with them and is not now. */
static int64_t freed(const struct fl_ticket_write *w)
{
	const struct fl_ticket *b = w->before, *t = w->t;

	if (!b || !b->assignee_id || b->status >= FL_STATUS_SOLVED)
		return 0;
	if (w->kind == FL_EVENT_DELETE || t->deleted_at || t->assignee_id != b->assignee_id ||
	    t->status >= FL_STATUS_SOLVED)
		return b->assignee_id;
	return 0;
}

/* Says in t's log why it waits in its group (an event "routing" by the
 * desk). */
static int waits(fl_tx *tx, const struct fl_ticket *t, const char *why, fl_arena *a)
{
	struct fl_ticket_patch p = {0};
	struct fl_ticket out;
	struct fl_err e = {0};
	char *value = fl_arena_alloc(a, strlen(why) + 32);
	int rc;

	if (!value)
		return FL_ENOMEM;
	snprintf(value, strlen(why) + 32, "waiting: %s", why);
	p.event_field = "routing";
	p.event_value = value;
	depth++;
	rc = fl_ticket_update(tx, &(struct fl_actor){FL_SYSTEM_USER_ID, FL_ROLE_ADMIN, 0}, t->id,
			      &p, a, &out, &e);
	depth--;
	return rc;
}

/* Whether agent user_id is online with room for one more ticket: 1 or 0,
 * or the store's error. */
static int has_room(fl_tx *tx, int64_t user_id)
{
	struct fl_routing_agent ag;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_availability_get(tx, user_id, &a, &ag);
	fl_arena_free(&a);
	if (rc)
		return rc == FL_ENOTFOUND ? 0 : rc;
	return ag.status == FL_AGENT_ONLINE && (!ag.capacity || ag.open < ag.capacity);
}

int fl_routing_ticket_written(fl_tx *tx, const struct fl_ticket_write *w)
{
	struct group_state g;
	int64_t agent;
	fl_arena a;
	int rc = 0;

	if (depth)
		return 0;
	agent = freed(w);
	if (w->kind != FL_EVENT_DELETE && unrouted(w->t) && !(w->p && w->p->has_assignee)) {
		fl_buf why;
		int64_t *ids;
		size_t n = 0;
		fl_arena_init(&a, 0);
		fl_buf_init(&why, 1024);
		/* waiting as the drain sees it (a live chat's ticket is chat
		 * routing's) */
		rc = fl_store_routing_waiting(tx, w->t->group_id, 0, w->t->id, 1, &a, &ids, &n);
		if (!rc && n)
			rc = group_load(tx, w->t->group_id, &a, &g);
		if (!rc && n && g.method != FL_ROUTING_NONE)
			rc = route_one(tx, &g, w->t, w->now, &a, &why);
		/* said once, in the ticket's log: when the ticket starts
		 * waiting, not at every write or drain after */
		if (rc == 0 && why.n &&
		    (!unrouted(w->before) || w->before->group_id != w->t->group_id))
			rc = waits(tx, w->t, why.p, &a);
		fl_buf_free(&why);
		fl_arena_free(&a);
		if (rc < 0)
			return rc;
		rc = 0;
	}
	/* a slot freed is worth a look at the waiting tickets only when its
	 * agent could take one now (an offline agent's solve costs nothing) */
	if (agent && (rc = has_room(tx, agent)) > 0)
		rc = drain(tx, 0, agent, w->p && w->p->has_assignee ? w->t->id : 0, w->now, NULL);
	return rc < 0 ? rc : 0;
}

#define GROUPS_CACHED 16

/* fl_routing_drain leaving ticket skip (0: none) alone: the one a write
 * just assigned by hand, to nobody. */
static int drain(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t skip, int64_t now, size_t *n)
{
	struct group_state groups[GROUPS_CACHED];
	size_t ngroups = 0, nids, done = 0;
	int64_t *ids;
	fl_arena a;
	int rc;

	if (depth)
		return 0;
	fl_arena_init(&a, 0);
	rc = fl_store_routing_waiting(tx, group_id, user_id, 0, FL_ROUTING_DRAIN_MAX, &a, &ids,
				      &nids);
	for (size_t i = 0; !rc && i < nids; i++) {
		struct fl_ticket t;
		struct group_state *g = NULL;

		if ((rc = fl_store_ticket_get(tx, ids[i], &a, &t)))
			break;
		if (t.id == skip || !unrouted(&t))
			continue;
		for (size_t k = 0; k < ngroups; k++)
			if (groups[k].id == t.group_id)
				g = &groups[k];
		if (!g) {
			/* the arena holds every group's agents until the end */
			g = &groups[ngroups < GROUPS_CACHED ? ngroups++ : GROUPS_CACHED - 1];
			if ((rc = group_load(tx, t.group_id, &a, g)))
				break;
		}
		if (g->method == FL_ROUTING_NONE)
			continue;
		rc = route_one(tx, g, &t, now, &a, NULL);
		if (rc > 0)
			done++;
		rc = rc < 0 ? rc : 0;
	}
	fl_arena_free(&a);
	if (n)
		*n = done;
	return rc;
}

int fl_routing_drain(fl_tx *tx, int64_t group_id, int64_t user_id, int64_t now, size_t *n)
{
	return drain(tx, group_id, user_id, 0, now, n);
}

int fl_routing_drain_job(fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	int rc;
	(void)job;
	rc = fl_routing_drain(tx, 0, 0, fl_now(), NULL);
	if (rc)
		fl_err_set(e, rc, NULL, NULL, "routing waiting tickets failed");
	return rc;
}

int fl_routing_set_status(fl_tx *tx, int64_t user_id, int status, int64_t now)
{
	struct fl_routing_agent ag;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_availability_get(tx, user_id, &a, &ag);
	if (rc == FL_ENOTFOUND) {
		rc = 0; /* an end user: nothing to route to them */
		goto out;
	}
	if (rc || ag.status == status)
		goto out;
	ag.status = status;
	ag.status_at = now;
	rc = fl_store_availability_put(tx, &ag, now);
	if (!rc && status == FL_AGENT_ONLINE)
		rc = fl_routing_drain(tx, 0, user_id, now, NULL);
out:
	fl_arena_free(&a);
	return rc;
}
