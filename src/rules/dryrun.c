/* The dry run's replay (rules/dryrun.h): pure C over one ticket's audits. */
#include "rules/dryrun.h"

#include <string.h>

#include "core/str.h"

static int64_t id_of(const char *z)
{
	int64_t v;
	return z && fl_str_to_i64(fl_str_c(z), &v) == 0 ? v : 0;
}

/* An enum's value from its name in an audit; none (0) for NULL, or for a
 * name no longer known. */
static int enum_of(int (*parse)(fl_str), const char *z)
{
	int v = z ? parse(fl_str_c(z)) : 0;
	return v < 0 ? 0 : v;
}

/* Sets t's tags to the space-separated list z (copied into a). */
static int set_tags(struct fl_ticket *t, const char *z, fl_arena *a)
{
	char *p = z ? fl_arena_strdup(a, z) : NULL;

	if (z && !p)
		return FL_ENOMEM;
	t->ntags = 0;
	while (p && *p && t->ntags < FL_TICKET_MAX_TAGS) {
		size_t k = strcspn(p, " ");
		if (k)
			t->tags[t->ntags++] = p;
		p += k;
		if (*p)
			*p++ = 0;
	}
	return 0;
}

/* t with the changes of audit au undone: the ticket before au. Only the
 * fields rules read are rebuilt; the rest stay as they are now. */
static int undo(struct fl_ticket *t, const struct fl_dryrun_audit *au, fl_arena *a)
{
	for (size_t i = au->nevents; i-- > 0;) {
		const struct fl_event *e = &au->events[i];
		const char *f = e->field, *was = e->previous;
		if (e->kind != FL_EVENT_CHANGE || !f)
			continue;
		if (!strcmp(f, "status"))
			t->status = enum_of(fl_status_parse, was);
		else if (!strcmp(f, "priority"))
			t->priority = enum_of(fl_priority_parse, was);
		else if (!strcmp(f, "type"))
			t->type = enum_of(fl_type_parse, was);
		else if (!strcmp(f, "requester_id"))
			t->requester_id = id_of(was);
		else if (!strcmp(f, "assignee_id"))
			t->assignee_id = id_of(was);
		else if (!strcmp(f, "group_id"))
			t->group_id = id_of(was);
		else if (!strcmp(f, "organization_id"))
			t->organization_id = id_of(was);
		else if (!strcmp(f, "subject") && was)
			t->subject = (char *)was;
		else if (!strcmp(f, "tags") && set_tags(t, was, a))
			return FL_ENOMEM;
	}
	return 0;
}

int fl_dryrun_is_rule_write(const struct fl_dryrun_audit *au)
{
	for (size_t i = 0; i < au->nevents; i++) {
		const char *f = au->events[i].field;
		if (f && (!strcmp(f, "rule") || !strcmp(f, "rule_failed") ||
			  !strcmp(f, "rules_stopped") || !strcmp(f, "rules_loop")))
			return 1;
	}
	return 0;
}

/* states[k] is the ticket right after au[k]; states[n] is now. */
static int rebuild(const struct fl_ticket *now, const struct fl_dryrun_audit *au, size_t n,
		   fl_arena *a, struct fl_ticket **out)
{
	struct fl_ticket *s = fl_arena_alloc(a, (n + 1) * sizeof *s);

	if (!s)
		return FL_ENOMEM;
	s[n] = *now;
	if (n)
		s[n - 1] = *now;
	for (size_t k = n - 1; n && k > 0; k--) {
		s[k - 1] = s[k];
		if (undo(&s[k - 1], &au[k], a))
			return FL_ENOMEM;
	}
	*out = s;
	return 0;
}

int fl_dryrun_state_at(const struct fl_ticket *now, const struct fl_dryrun_audit *au, size_t n,
		       size_t k, fl_arena *a, struct fl_ticket *out)
{
	struct fl_ticket *s;
	int rc = k <= n ? rebuild(now, au, n, a, &s) : FL_EINVAL;
	if (!rc)
		*out = s[k];
	return rc;
}

int fl_dryrun_replay(const struct fl_rule *r, const struct fl_rule_ctx *base,
		     const struct fl_ticket *now, const struct fl_dryrun_audit *au, size_t n,
		     fl_arena *a, fl_dryrun_hit_fn fn, void *arg)
{
	struct fl_ticket *s;
	int rc = rebuild(now, au, n, a, &s);

	for (size_t k = 0; !rc && k < n; k++) {
		struct fl_rule_ctx c = *base;
		struct fl_ticket_patch *p;
		struct fl_rule_effect *fx;
		size_t nfx;
		int create = 0;

		for (size_t i = 0; i < au[k].nevents; i++)
			create |= au[k].events[i].kind == FL_EVENT_CREATE;
		if (fl_dryrun_is_rule_write(&au[k]))
			continue;
		c.t = &s[k];
		c.before = create ? NULL : k ? &s[k - 1] : NULL;
		if (!create && !k) {
			/* the first update of the window: before it is after it
			 * with its own changes undone */
			struct fl_ticket *b = fl_arena_alloc(a, sizeof *b);
			if (!b)
				return FL_ENOMEM;
			*b = s[0];
			if ((rc = undo(b, &au[0], a)))
				return rc;
			c.before = b;
		}
		c.update_type = create ? FL_RULE_UPDATE_CREATE : FL_RULE_UPDATE_CHANGE;
		c.comment = au[k].comment;
		c.comment_public = au[k].comment_public;
		c.actor_id = au[k].author_id;
		c.actor_role = au[k].author_role;
		c.via = au[k].channel;
		c.now = au[k].created_at;
		c.sla_event = c.sla_metric = -1;
		if (!fl_rule_matches(r, &c))
			continue;
		if (!(p = fl_arena_alloc(a, sizeof *p)))
			return FL_ENOMEM;
		if ((rc = fl_rule_apply(r, &c, a, p, &fx, &nfx)))
			return rc;
		if (!nfx && !fl_rule_patch_changes(p, &s[k]))
			continue;
		rc = fn(arg, &(struct fl_dryrun_hit){now->id, au[k].id, au[k].created_at, &s[k], p,
						     fx, nfx});
	}
	return rc;
}
