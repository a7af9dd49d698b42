/* The rules of tickets: defaults, who may change what, status transitions
 * and the audit trail. Storage goes through the store's ticket, user and
 * attachment queries (store/tickets.h, users.h, attachments.h); nothing
 * here knows of HTTP or SQL. */
#include "tickets/ticket.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/attachments.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/complaint.h"
#include "tickets/notice.h"

/* What the API calls a ticket's complaint reason, in the errors that
 * name it. */
#define COMPLAINT_FIELD "complaint.reason_id"

static const char *const status_names[FL_STATUS__MAX] = {"new",  "open",   "pending",
							 "hold", "solved", "closed"};
static const char *const priority_names[FL_PRIORITY__MAX] = {NULL, "low", "normal", "high",
							     "urgent"};
static const char *const type_names[FL_TYPE__MAX] = {NULL, "question", "incident", "problem",
						     "task"};
static const char *const channel_names[FL_CHANNEL__MAX] = {"web",  "email", "api",      "voice",
							   "chat", "sms",   "messenger"};

#define SUBJECT_MAX 300

static int parse(fl_str s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && fl_str_eq(s, names[i]))
			return i;
	return -1;
}

const char *fl_status_name(int v)
{
	return v >= 0 && v < FL_STATUS__MAX ? status_names[v] : "new";
}
const char *fl_priority_name(int v)
{
	return v > 0 && v < FL_PRIORITY__MAX ? priority_names[v] : NULL;
}
const char *fl_type_name(int v)
{
	return v > 0 && v < FL_TYPE__MAX ? type_names[v] : NULL;
}
const char *fl_channel_name(int v)
{
	return v >= 0 && v < FL_CHANNEL__MAX ? channel_names[v] : "api";
}
int fl_status_parse(fl_str s)
{
	return parse(s, status_names, FL_STATUS__MAX);
}
int fl_priority_parse(fl_str s)
{
	return parse(s, priority_names, FL_PRIORITY__MAX);
}
int fl_type_parse(fl_str s)
{
	return parse(s, type_names, FL_TYPE__MAX);
}

int fl_channel_parse(fl_str s)
{
	if (fl_str_eq(s, "phone"))
		return FL_CHANNEL_PHONE;
	return parse(s, channel_names, FL_CHANNEL__MAX);
}

int fl_ticket_sees_private(const struct fl_actor *actor)
{
	return actor->role == FL_ROLE_AGENT || actor->role == FL_ROLE_ADMIN;
}

int fl_ticket_scope(const struct fl_actor *actor, struct fl_filter *f)
{
	if (fl_ticket_sees_private(actor))
		return 0;
	f->public_only = 1;
	return fl_filter_add(f, FL_F_VISIBLE_TO, FL_OP_EQ, actor->id, NULL, -1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int fl_tags_normalize(const char **tags, size_t *n, fl_arena *a, struct fl_err *e)
{
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		const char *p = tags[i];
		size_t len;
		char *t;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		if (fl_utf8_len(p, len) > 80)
			return fl_err_set(e, FL_EINVAL, "tags", "TooLong",
					  "tags: a tag is at most 80 characters");
		t = fl_arena_strndup(a, p, len);
		if (!t)
			return FL_ENOMEM;
		for (char *c = t; *c; c++) {
			if ((unsigned char)*c <= ' ' || *c == ',')
				return fl_err_set(e, FL_EINVAL, "tags", "InvalidValue",
						  "tags: '%.80s' contains a space or comma", t);
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
		}
		tags[k++] = t;
	}
	qsort(tags, k, sizeof *tags, cmp_str);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || strcmp(tags[*n - 1], tags[i]))
			tags[(*n)++] = tags[i];
	return 0;
}

int fl_ticket_load(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *arena,
		   struct fl_ticket *out)
{
	struct fl_ticket t;
	int rc, visible;

	if (id <= 0 || actor->role == FL_ROLE_ANONYMOUS)
		return FL_ENOTFOUND;
	rc = fl_store_ticket_get(tx, id, arena, &t);
	if (rc)
		return rc;
	if (t.deleted_at)
		return FL_ENOTFOUND;
	visible = fl_ticket_sees_private(actor) || t.requester_id == actor->id;
	for (size_t i = 0; !visible && i < t.nccs; i++)
		visible = t.ccs[i] == actor->id;
	if (!visible)
		return FL_ENOTFOUND; /* not 403: do not confirm that it exists */
	*out = t;
	return 0;
}

void fl_ticket_stamp(const struct fl_ticket *t, char out[FL_TICKET_STAMP_LEN])
{
	char iso[21];
	int64_t ms = t->updated_stamp > 0 ? t->updated_stamp : t->updated_at * 1000;

	fl_time_iso(ms / 1000, iso);
	memcpy(out, iso, 19);
	snprintf(out + 19, FL_TICKET_STAMP_LEN - 19, ".%03uZ", (unsigned)(ms % 1000) % 1000u);
}

/* Whether given names t as it is now: our own stamp exactly, or — as a
 * Zendesk client sends it — the ticket's updated_at, to the second, which
 * is only taken while no second write came in that second (next_stamp
 * gives the first write of a second its whole-second stamp), so that a
 * stale copy is never taken for a fresh one. */
static int same_stamp(const struct fl_ticket *t, const char *given)
{
	char stamp[FL_TICKET_STAMP_LEN];
	int64_t at;

	if (!given)
		return 0;
	fl_ticket_stamp(t, stamp);
	if (!strcmp(stamp, given))
		return 1;
	return !strchr(given, '.') && !fl_time_parse(fl_str_c(given), &at) && at == t->updated_at &&
	       (t->updated_stamp == 0 || t->updated_stamp == at * 1000);
}

static fl_ticket_hook_fn hooks[FL_TICKET_MAX_HOOKS];
static size_t nhooks;

int fl_ticket_add_hook(fl_ticket_hook_fn fn)
{
	if (nhooks == FL_TICKET_MAX_HOOKS)
		return FL_EINTERNAL;
	hooks[nhooks++] = fn;
	return 0;
}

/* The stamp of a write at now (seconds) to t: now in milliseconds, and
 * always past t's last stamp, so that every write changes it. */
static int64_t next_stamp(const struct fl_ticket *t, int64_t now)
{
	int64_t ms = now * 1000;
	return ms > t->updated_stamp ? ms : t->updated_stamp + 1;
}

int fl_text_to_html(const char *text, fl_buf *out)
{
	const char *p = text;
	int rc = fl_buf_adds(out, "<p>");

	while (*p && !rc) {
		if (*p == '\r' || *p == '\n') {
			/* a run of line breaks (LF, CRLF or CR): two or more end a paragraph */
			int breaks = 0;
			while (*p == '\r' || *p == '\n') {
				if (p[0] == '\r' && p[1] == '\n')
					p++;
				p++;
				breaks++;
			}
			if (!*p)
				break;
			rc = fl_buf_adds(out, breaks >= 2 ? "</p><p>" : breaks ? "<br>" : "");
			continue;
		}
		size_t scheme = !strncmp(p, "https://", 8) ? 8 : !strncmp(p, "http://", 7) ? 7 : 0;
		size_t n = scheme ? strcspn(p, " \t\r\n<>\"'") : 0;
		while (n > scheme && strchr(".,;:!?)", p[n - 1]))
			n--;
		if (n > scheme) {
			rc = fl_buf_adds(out, "<a href=\"");
			if (!rc)
				rc = fl_buf_add_html(out, p, n);
			if (!rc)
				rc = fl_buf_adds(out, "\" rel=\"noopener noreferrer nofollow\">");
			if (!rc)
				rc = fl_buf_add_html(out, p, n);
			if (!rc)
				rc = fl_buf_adds(out, "</a>");
			p += n;
			continue;
		}
		size_t run = strcspn(p, "\r\nh");
		if (run == 0)
			run = 1;
		rc = fl_buf_add_html(out, p, run);
		p += run;
	}
	return rc ? rc : fl_buf_adds(out, "</p>");
}

/* The audit being built for one create or update. */
struct change {
	struct fl_audit *au;
	fl_arena *arena;
	int rc;
	const struct fl_actor *actor;
	struct fl_err *e;
};

static void event(struct change *c, int kind, const char *field, const char *value,
		  const char *previous, int64_t comment_id)
{
	struct fl_event *e;
	if (c->rc)
		return;
	if (c->au->nevents == FL_AUDIT_MAX_EVENTS) {
		c->rc = FL_EINTERNAL;
		return;
	}
	e = &c->au->events[c->au->nevents++];
	e->kind = kind;
	e->field = field;
	e->value = value ? fl_arena_strdup(c->arena, value) : NULL;
	e->previous = previous ? fl_arena_strdup(c->arena, previous) : NULL;
	e->comment_id = comment_id;
	if ((value && !e->value) || (previous && !e->previous))
		c->rc = FL_ENOMEM;
}

static const char *id_text(struct change *c, int64_t id)
{
	char buf[24];
	if (!id)
		return NULL;
	snprintf(buf, sizeof buf, "%" PRId64, id);
	return fl_arena_strdup(c->arena, buf);
}

static const char *list_text(struct change *c, char *const *tags, size_t n)
{
	fl_buf b;
	char *z;
	fl_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		if (fl_buf_adds(&b, i ? " " : "") || fl_buf_adds(&b, tags[i]))
			break;
	z = fl_arena_strdup(c->arena, b.p ? b.p : "");
	fl_buf_free(&b);
	return z;
}

static const char *ids_text(struct change *c, const int64_t *ids, size_t n)
{
	fl_buf b;
	char *z;
	fl_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		if (fl_buf_addf(&b, "%s%" PRId64, i ? " " : "", ids[i]))
			break;
	z = fl_arena_strdup(c->arena, b.p ? b.p : "");
	fl_buf_free(&b);
	return z;
}

static int check_user(struct fl_tx *tx, int64_t id, int need_agent, fl_arena *a, const char *field,
		      struct fl_err *e)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);
	if (rc == FL_ENOTFOUND || (!rc && !u.active))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: user %" PRId64 " does not exist", field, id);
	if (rc)
		return rc;
	if (need_agent && u.role < FL_ROLE_AGENT) /* a viewer is not one either */
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: user %" PRId64 " is not an agent", field, id);
	return 0;
}

/* Checks the references a patch makes: users, group, organization. */
static int check_refs(struct fl_tx *tx, const struct fl_ticket_patch *p, fl_arena *a,
		      struct fl_err *e)
{
	int rc = 0;

	if (p->has_requester && p->requester_id)
		rc = check_user(tx, p->requester_id, 0, a, "requester_id", e);
	if (!rc && p->has_assignee && p->assignee_id)
		rc = check_user(tx, p->assignee_id, 1, a, "assignee_id", e);
	if (!rc && p->comment_author_id)
		rc = check_user(tx, p->comment_author_id, 0, a, "comment.author_id", e);
	for (size_t i = 0; !rc && p->has_ccs && i < p->nccs; i++)
		rc = check_user(tx, p->ccs[i], 0, a, "collaborator_ids", e);
	for (size_t i = 0; !rc && i < p->ncc_add; i++)
		rc = check_user(tx, p->cc_add[i], 0, a, "email_ccs", e);
	for (size_t i = 0; !rc && p->has_followers && i < p->nfollowers; i++)
		rc = check_user(tx, p->followers[i], 1, a, "follower_ids", e);
	for (size_t i = 0; !rc && i < p->nfollower_add; i++)
		rc = check_user(tx, p->follower_add[i], 1, a, "followers", e);
	if (!rc && p->has_problem && p->problem_id) {
		struct fl_ticket pt;
		rc = fl_store_ticket_get(tx, p->problem_id, a, &pt);
		if (rc == FL_ENOTFOUND || (!rc && (pt.deleted_at || pt.type != FL_TYPE_PROBLEM)))
			rc = fl_err_set(e, FL_EINVAL, "problem_id", "InvalidValue",
					"problem_id: ticket %" PRId64 " is not a problem",
					p->problem_id);
	}
	if (!rc && p->has_group && p->group_id) {
		struct fl_group g;
		rc = fl_store_group_get(tx, p->group_id, a, &g);
		if (rc == FL_ENOTFOUND || (!rc && g.deleted))
			rc = fl_err_set(e, FL_EINVAL, "group_id", "InvalidValue",
					"group_id: group %" PRId64 " does not exist", p->group_id);
	}
	if (!rc && p->has_organization && p->organization_id) {
		struct fl_org o;
		rc = fl_store_org_get(tx, p->organization_id, a, &o);
		if (rc == FL_ENOTFOUND)
			rc = fl_err_set(e, FL_EINVAL, "organization_id", "InvalidValue",
					"organization_id: organization %" PRId64 " does not exist",
					p->organization_id);
	}
	return rc;
}

static int set_status(struct fl_ticket *t, int status, int64_t now)
{
	if (status >= FL_STATUS_SOLVED && t->status < FL_STATUS_SOLVED)
		t->solved_at = now;
	else if (status < FL_STATUS_SOLVED)
		t->solved_at = 0;
	t->status = status;
	return 0;
}

static int add_comment(struct fl_tx *tx, struct change *c, struct fl_ticket *t,
		       const struct fl_ticket_patch *p, int64_t author, int channel, int is_public,
		       int64_t now, int64_t *comment_id)
{
	struct fl_comment cm = {0};
	fl_buf html;
	int rc;

	fl_buf_init(&html, 0);
	rc = p->comment_html ? fl_buf_adds(&html, p->comment_html)
			     : fl_text_to_html(p->comment_body, &html);
	if (rc) {
		fl_buf_free(&html);
		return rc;
	}
	cm.ticket_id = t->id;
	cm.author_id = author;
	cm.public = is_public;
	cm.body = (char *)p->comment_body;
	cm.html_body = html.p;
	cm.channel = channel;
	cm.created_at = now;
	rc = fl_store_comment_insert(tx, &cm);
	fl_buf_free(&html);
	/* files the actor uploaded go with the comment */
	for (size_t i = 0; !rc && i < p->nuploads; i++) {
		rc = fl_store_attachment_claim(tx, p->uploads[i], c->actor->id, t->id, cm.id);
		if (rc == FL_ENOTFOUND)
			rc = fl_err_set(c->e, FL_EINVAL, "uploads", "InvalidValue",
					"uploads: '%.64s' is not a file you uploaded, or it is "
					"already on a comment",
					p->uploads[i]);
	}
	if (!rc)
		event(c, FL_EVENT_COMMENT, is_public ? "public" : "private", NULL, NULL, cm.id);
	*comment_id = cm.id;
	return rc ? rc : c->rc;
}

/* A subject from the first line of the first comment, at most 80 chars. */
static char *subject_from(const char *body, fl_arena *a)
{
	return fl_arena_strndup(a, body, fl_utf8_prefix(body, strcspn(body, "\r\n"), 80));
}

static int validate_subject(const char *s, struct fl_err *e)
{
	if (fl_utf8_len(s, strlen(s)) > SUBJECT_MAX)
		return fl_err_set(e, FL_EINVAL, "subject", "TooLong",
				  "Subject: is too long (maximum is %d characters)", SUBJECT_MAX);
	return 0;
}

/* Whether z has nothing but white space. */
static int blank(const char *z)
{
	for (; z && *z; z++)
		if (*z != ' ' && *z != '\t' && *z != '\r' && *z != '\n')
			return 0;
	return 1;
}

/* Tells the agents watching live (every node's): type happened to ticket
 * id, by actor, at. Only ids travel: a listener loads what it may see. */
static int announce(struct fl_tx *tx, const char *type, int64_t id, int64_t actor, int64_t at)
{
	char ev[160];
	snprintf(ev, sizeof ev,
		 "%s {\"ticket_id\":%" PRId64 ",\"actor_id\":%" PRId64 ",\"at\":%" PRId64 "}", type,
		 id, actor, at);
	return fl_store_notify(tx, ev);
}

/* Ticket writes made on this thread, nested ones included: how written()
 * knows that a hook wrote the ticket again. */
static __thread uint64_t nwrites;

/* The write's last step: the live event, then, when react, the hooks. A
 * hook may write the ticket again (a trigger's change, an assignment):
 * the hooks after it then see the ticket as it is now, not as this write
 * left it — a router must not assign a ticket a trigger just assigned,
 * nor into the group it just left. */
static int written(struct fl_tx *tx, const char *type, const struct fl_ticket_write *w, int react)
{
	static const struct fl_actor desk = {FL_SYSTEM_USER_ID, FL_ROLE_ADMIN, 0};
	struct fl_ticket_write now = *w;
	struct fl_ticket fresh;
	uint64_t mark = ++nwrites;
	fl_arena a;
	int rc = announce(tx, type, w->t->id, w->actor->id, w->now);

	fl_arena_init(&a, 0);
	for (size_t i = 0; react && i < nhooks && !rc; i++) {
		if (nwrites != mark && w->kind != FL_EVENT_DELETE) {
			rc = fl_ticket_load(tx, &desk, w->t->id, &a, &fresh);
			if (rc == FL_ENOTFOUND) { /* deleted by a hook: nothing left to react to */
				rc = 0;
				break;
			}
			now.t = &fresh;
			mark = nwrites;
		}
		if (!rc)
			rc = hooks[i](tx, &now);
	}
	fl_arena_free(&a);
	return rc;
}

int fl_ticket_viewing(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int typing,
		      struct fl_err *e)
{
	fl_arena a;
	struct fl_ticket t;
	int rc;

	if (!fl_ticket_sees_private(actor))
		return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL, "Only agents say they are viewing");
	fl_arena_init(&a, 0);
	rc = fl_ticket_load(tx, actor, id, &a, &t);
	fl_arena_free(&a);
	return rc ? rc
		  : announce(tx, typing ? "agent.typing" : "agent.viewing", id, actor->id,
			     fl_now());
}

/* An end user's comment is public: asking for an internal note is refused,
 * never stored as public behind their back. */
static int end_user_public(int agent, const struct fl_ticket_patch *p, struct fl_err *e)
{
	if (agent || !p->comment_body || p->comment_public)
		return 0;
	return fl_err_set(
		e, FL_EINVAL, "public", "InvalidValue",
		"Public: an end user's comments are always public; leave it out or set it true");
}

/* A due date belongs to a task and a problem to an incident, as in
 * Zendesk. */
static int check_kind(const struct fl_ticket *t, struct fl_err *e)
{
	if (t->due_at && t->type != FL_TYPE_TASK)
		return fl_err_set(e, FL_EINVAL, "due_at", "InvalidValue",
				  "due_at: only a ticket of type task has a due date");
	if (t->problem_id && t->type != FL_TYPE_INCIDENT)
		return fl_err_set(e, FL_EINVAL, "problem_id", "InvalidValue",
				  "problem_id: only a ticket of type incident has a problem");
	return 0;
}

static int has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Adds the ids of add to the n of ids (those not there yet; at most max
 * in all) and takes out those of del. FL_EINVAL naming field when full. */
static int change_ids(int64_t *ids, size_t *n, size_t max, const int64_t *add, size_t nadd,
		      const int64_t *del, size_t ndel, const char *field, struct fl_err *e)
{
	for (size_t i = 0; i < nadd; i++) {
		if (has_id(ids, *n, add[i]))
			continue;
		if (*n == max)
			return fl_err_set(e, FL_EINVAL, field, "TooLong",
					  "%s: a ticket has at most %zu", field, max);
		ids[(*n)++] = add[i];
	}
	for (size_t i = 0; i < ndel; i++) {
		size_t k = 0;
		for (size_t j = 0; j < *n; j++)
			if (ids[j] != del[i])
				ids[k++] = ids[j];
		*n = k;
	}
	return 0;
}

/* Applies p's CC and follower changes (email_ccs, followers) to t. */
static int change_people(struct fl_ticket *t, const struct fl_ticket_patch *p, struct fl_err *e)
{
	int rc = change_ids(t->ccs, &t->nccs, FL_TICKET_MAX_CCS, p->cc_add, p->ncc_add,
			    p->cc_remove, p->ncc_remove, "email_ccs", e);
	return rc ? rc
		  : change_ids(t->followers, &t->nfollowers, FL_TICKET_MAX_FOLLOWERS,
			       p->follower_add, p->nfollower_add, p->follower_remove,
			       p->nfollower_remove, "followers", e);
}

static const char *time_text(struct change *c, int64_t t)
{
	char iso[21];
	if (!t)
		return NULL;
	fl_time_iso(t, iso);
	return fl_arena_strdup(c->arena, iso);
}

int fl_ticket_create(struct fl_tx *tx, const struct fl_actor *actor,
		     const struct fl_ticket_patch *p, fl_arena *arena, struct fl_ticket *out,
		     struct fl_err *e)
{
	struct fl_ticket t;
	struct fl_audit *au = fl_arena_alloc(arena, sizeof *au);
	struct change c = {au, arena, 0, actor, e};
	int64_t now = fl_now();
	int agent = fl_ticket_sees_private(actor);
	int64_t comment_id = 0;
	int rc, is_public;

	if (!au)
		return FL_ENOMEM;
	if (blank(p->comment_body))
		return fl_err_set(e, FL_EINVAL, "comment", "Blank", "Comment: cannot be blank");
	if ((rc = end_user_public(agent, p, e)))
		return rc;
	if (!agent && (p->has_assignee || p->has_group || p->has_status || p->has_organization ||
		       p->has_external_id || p->has_ccs || p->has_cc_changes ||
		       p->has_custom_fields || p->has_due_at || p->has_recipient ||
		       p->has_problem || p->has_followers || p->has_follower_changes ||
		       p->has_complaint || (p->has_channel && p->channel != FL_CHANNEL_WEB) ||
		       (p->has_requester && p->requester_id != actor->id)))
		return fl_err_set(
			e, FL_EFORBIDDEN, NULL, NULL,
			"End users may only set subject, description, priority, type, tags "
			"and the web channel");
	if ((rc = check_refs(tx, p, arena, e)))
		return rc;

	/* the subject and description are public: never taken from a note */
	is_public = !agent || p->comment_public;
	memset(&t, 0, sizeof t);
	if (p->has_subject && !blank(p->subject))
		t.subject = (char *)p->subject;
	else if (is_public)
		t.subject = subject_from(p->comment_body, arena);
	else
		return fl_err_set(
			e, FL_EINVAL, "subject", "Blank",
			"Subject: is required when the first comment is an internal note");
	if (!t.subject)
		return FL_ENOMEM;
	if ((rc = validate_subject(t.subject, e)))
		return rc;
	t.description = is_public ? (char *)p->comment_body : "";
	t.requester_id = p->has_requester && p->requester_id ? p->requester_id : actor->id;
	t.submitter_id = actor->id;
	t.assignee_id = p->has_assignee ? p->assignee_id : 0;
	t.group_id = p->has_group ? p->group_id : 0;
	t.priority = p->has_priority ? p->priority : FL_PRIORITY_NONE;
	t.type = p->has_type ? p->type : FL_TYPE_NONE;
	t.channel = p->has_channel ? p->channel : FL_CHANNEL_API;
	t.custom_fields = p->has_custom_fields ? (char *)p->custom_fields : "[]";
	t.external_id = p->has_external_id ? (char *)p->external_id : NULL;
	t.recipient = p->has_recipient ? (char *)p->recipient : NULL;
	t.due_at = p->has_due_at ? p->due_at : 0;
	t.problem_id = p->has_problem ? p->problem_id : 0;
	t.complaint_reason_id = p->has_complaint ? p->complaint_reason_id : 0;
	if (t.complaint_reason_id &&
	    (rc = fl_complaint_reason_usable(tx, t.complaint_reason_id, COMPLAINT_FIELD, arena, e)))
		return rc;
	if ((rc = check_kind(&t, e)))
		return rc;
	t.created_at = t.updated_at = now;
	t.updated_stamp = next_stamp(&t, now);
	if (p->has_organization) {
		t.organization_id = p->organization_id;
	} else {
		struct fl_user r;
		rc = fl_store_user_get(tx, t.requester_id, arena, &r);
		if (rc)
			return rc == FL_ENOTFOUND
				       ? fl_err_set(e, FL_EINVAL, "requester_id", "InvalidValue",
						    "requester_id: user does not exist")
				       : rc;
		t.organization_id = r.organization_id;
	}
	set_status(&t, p->has_status ? p->status : (t.assignee_id ? FL_STATUS_OPEN : FL_STATUS_NEW),
		   now);
	if (t.status >= FL_STATUS_SOLVED && !t.assignee_id)
		t.assignee_id = agent ? actor->id : 0;
	for (size_t i = 0; p->has_tags && i < p->ntags; i++)
		t.tags[t.ntags++] = (char *)p->tags[i];
	for (size_t i = 0; p->has_ccs && i < p->nccs; i++)
		t.ccs[t.nccs++] = p->ccs[i];
	for (size_t i = 0; p->has_followers && i < p->nfollowers; i++)
		t.followers[t.nfollowers++] = p->followers[i];
	if ((rc = change_people(&t, p, e)))
		return rc;

	if ((rc = fl_store_ticket_insert(tx, &t)))
		return rc;
	au->ticket_id = t.id;
	au->author_id = actor->id;
	au->channel = t.channel;
	au->created_at = now;
	/* a Create event for every field that has a value */
	event(&c, FL_EVENT_CREATE, "subject", t.subject, NULL, 0);
	event(&c, FL_EVENT_CREATE, "status", fl_status_name(t.status), NULL, 0);
	event(&c, FL_EVENT_CREATE, "requester_id", id_text(&c, t.requester_id), NULL, 0);
	if (t.priority)
		event(&c, FL_EVENT_CREATE, "priority", fl_priority_name(t.priority), NULL, 0);
	if (t.type)
		event(&c, FL_EVENT_CREATE, "type", fl_type_name(t.type), NULL, 0);
	if (t.assignee_id)
		event(&c, FL_EVENT_CREATE, "assignee_id", id_text(&c, t.assignee_id), NULL, 0);
	if (t.group_id)
		event(&c, FL_EVENT_CREATE, "group_id", id_text(&c, t.group_id), NULL, 0);
	if (t.organization_id)
		event(&c, FL_EVENT_CREATE, "organization_id", id_text(&c, t.organization_id), NULL,
		      0);
	if (t.ntags)
		event(&c, FL_EVENT_CREATE, "tags", list_text(&c, t.tags, t.ntags), NULL, 0);
	if (t.nccs)
		event(&c, FL_EVENT_CREATE, "collaborator_ids", ids_text(&c, t.ccs, t.nccs), NULL,
		      0);
	if (t.nfollowers)
		event(&c, FL_EVENT_CREATE, "follower_ids", ids_text(&c, t.followers, t.nfollowers),
		      NULL, 0);
	if (t.due_at)
		event(&c, FL_EVENT_CREATE, "due_at", time_text(&c, t.due_at), NULL, 0);
	if (t.problem_id)
		event(&c, FL_EVENT_CREATE, "problem_id", id_text(&c, t.problem_id), NULL, 0);
	if (t.complaint_reason_id)
		event(&c, FL_EVENT_CREATE, "complaint_reason_id",
		      id_text(&c, t.complaint_reason_id), NULL, 0);
	if (p->event_field)
		event(&c, FL_EVENT_CREATE, p->event_field, p->event_value, NULL, 0);
	if (c.rc)
		return c.rc;
	rc = add_comment(tx, &c, &t, p, p->comment_author_id ? p->comment_author_id : actor->id,
			 t.channel, is_public, now, &comment_id);
	if (!rc)
		rc = fl_store_audit_insert(tx, au);
	if (!rc) {
		struct fl_ticket_write w = {.kind = FL_EVENT_CREATE,
					    .t = &t,
					    .actor = actor,
					    .p = p,
					    .audit = au,
					    .comment_id = comment_id,
					    .comment_public = is_public,
					    .now = now};
		rc = written(tx, "ticket.created", &w, 1);
	}
	if (!rc && p->made_comment)
		*p->made_comment = comment_id;
	if (!rc)
		*out = t;
	return rc;
}

static int same_strs(char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

/* Whether a and b (either may be NULL) are the same text. */
static int same_text(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static int same_ids(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	return na == nb && (na == 0 || !memcmp(a, b, na * sizeof *a));
}

/* The tags t has after p: p's tags replace them, then p's add_tags join
 * and its remove_tags leave; normalized (fl_tags_normalize) in arena. */
static int change_tags(struct fl_ticket *t, const struct fl_ticket_patch *p, fl_arena *arena,
		       struct fl_err *e)
{
	const char *tags[FL_TICKET_MAX_TAGS * 2];
	size_t n = 0, k = 0;
	int rc;

	if (p->has_tags)
		for (size_t i = 0; i < p->ntags; i++)
			tags[n++] = p->tags[i];
	else
		for (size_t i = 0; i < t->ntags; i++)
			tags[n++] = t->tags[i];
	for (size_t i = 0; i < p->nadd_tags; i++)
		tags[n++] = p->add_tags[i];
	if ((rc = fl_tags_normalize(tags, &n, arena, e)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		int removed = 0;
		for (size_t j = 0; j < p->nremove_tags && !removed; j++)
			removed = !strcmp(tags[i], p->remove_tags[j]);
		if (!removed)
			tags[k++] = tags[i];
	}
	if (k > FL_TICKET_MAX_TAGS)
		return fl_err_set(e, FL_EINVAL, "tags", "TooLong",
				  "tags: a ticket has at most %d tags", FL_TICKET_MAX_TAGS);
	for (size_t i = 0; i < k; i++)
		t->tags[i] = (char *)tags[i];
	t->ntags = k;
	return 0;
}

/* Records one changed field in the audit. */
#define CHANGED(name, now_text, before_text) \
	event(&c, FL_EVENT_CHANGE, name, now_text, before_text, 0)

/* A notice for the requester about an update (tickets/notice.h): an
 * agent's public comment is sent as a reply; a ticket solved without one
 * says so. */
static int tell_requester(struct fl_tx *tx, const struct fl_actor *actor,
			  const struct fl_ticket_patch *p, const struct fl_ticket *before,
			  const struct fl_ticket *t, int64_t comment_id)
{
	int64_t author = p->comment_author_id ? p->comment_author_id : actor->id;
	int by_agent = actor->role >= FL_ROLE_AGENT;
	int rc;

	if (comment_id && author != actor->id) {
		/* written for someone else (mail in): their role decides */
		struct fl_user u;
		fl_arena a;
		fl_arena_init(&a, 0);
		rc = fl_store_user_get(tx, author, &a, &u);
		by_agent = !rc && u.role >= FL_ROLE_AGENT;
		fl_arena_free(&a);
		if (rc && rc != FL_ENOTFOUND)
			return rc;
	}
	if (comment_id && by_agent && (p->comment_public || actor->role < FL_ROLE_AGENT))
		return fl_notice_tell(tx, FL_NOTICE_REPLY, t, comment_id);
	if (before->status < FL_STATUS_SOLVED && t->status == FL_STATUS_SOLVED)
		return fl_notice_tell(tx, FL_NOTICE_SOLVED, t, 0);
	return 0;
}

/* A problem that is deleted or is a problem no more leaves its incidents:
 * each open one loses its problem_id in an audited change by actor (a
 * closed ticket is kept as it was closed). */
static int unlink_incidents(struct fl_tx *tx, const struct fl_actor *actor, int64_t problem_id,
			    fl_arena *a, struct fl_err *e)
{
	for (;;) {
		int64_t ids[100];
		size_t n = 0;
		int rc = fl_store_ticket_incidents(tx, problem_id, ids, 100, &n);
		for (size_t i = 0; i < n && !rc; i++) {
			struct fl_ticket_patch p = {.has_problem = 1};
			struct fl_ticket out;
			rc = fl_ticket_update(tx, actor, ids[i], &p, a, &out, e);
		}
		if (rc || n < 100)
			return rc;
	}
}

int fl_ticket_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		     const struct fl_ticket_patch *p, fl_arena *arena, struct fl_ticket *out,
		     struct fl_err *e)
{
	struct fl_ticket t, before;
	int64_t comment_id = 0;
	struct fl_audit *au = fl_arena_alloc(arena, sizeof *au);
	struct change c = {au, arena, 0, actor, e};
	int64_t now = fl_now();
	int agent = fl_ticket_sees_private(actor);
	int changed = 0, rc;
	int has_fields = p->has_subject || p->has_status || p->has_priority || p->has_type ||
			 p->has_requester || p->has_assignee || p->has_group ||
			 p->has_organization || p->has_tags || p->has_ccs || p->has_custom_fields ||
			 p->has_external_id || p->has_due_at || p->has_recipient ||
			 p->has_problem || p->has_followers || p->has_add_tags ||
			 p->has_remove_tags || p->has_cc_changes || p->has_follower_changes ||
			 p->has_complaint;

	if (!au)
		return FL_ENOMEM;
	if ((rc = fl_ticket_load(tx, actor, id, arena, &t)))
		return rc;
	if (p->safe_update && !same_stamp(&t, p->updated_stamp)) {
		return fl_err_set(e, FL_ECONFLICT, NULL, "UpdateConflict",
				  "Safe Update prevented the update due to outdated ticket "
				  "data. Please fetch the latest ticket data and try again.");
	}
	if (!agent && has_fields)
		return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL,
				  "End users may only add comments to their requests");
	if ((rc = end_user_public(agent, p, e)))
		return rc;
	if (t.status == FL_STATUS_CLOSED)
		return fl_err_set(e, FL_EINVAL, "status", "Closed",
				  "Status: closed prevents ticket update");
	if (p->comment_body && blank(p->comment_body))
		return fl_err_set(e, FL_EINVAL, "comment", "Blank", "Comment: cannot be blank");
	if ((rc = check_refs(tx, p, arena, e)))
		return rc;
	before = t;

	if (p->has_subject && p->subject && strcmp(p->subject, t.subject)) {
		if (!*p->subject)
			return fl_err_set(e, FL_EINVAL, "subject", "Blank",
					  "Subject: cannot be blank");
		if ((rc = validate_subject(p->subject, e)))
			return rc;
		t.subject = (char *)p->subject;
		changed |= FL_TICKET_SUBJECT;
		CHANGED("subject", t.subject, before.subject);
	}
	if (p->has_status && p->status != t.status) {
		if (p->status == FL_STATUS_NEW)
			return fl_err_set(e, FL_EINVAL, "status", "InvalidValue",
					  "Status: cannot be set back to new");
		set_status(&t, p->status, now);
	}
	if (p->has_priority)
		t.priority = p->priority;
	if (p->has_type)
		t.type = p->type;
	if (p->has_requester && p->requester_id && p->requester_id != t.requester_id)
		t.requester_id = p->requester_id;
	if (p->has_assignee)
		t.assignee_id = p->assignee_id;
	if (p->has_group)
		t.group_id = p->group_id;
	if (p->has_organization)
		t.organization_id = p->organization_id;
	if (p->has_custom_fields &&
	    strcmp(p->custom_fields ? p->custom_fields : "[]", t.custom_fields)) {
		t.custom_fields = (char *)(p->custom_fields ? p->custom_fields : "[]");
		CHANGED("custom_fields", t.custom_fields, before.custom_fields);
	}
	if (p->has_external_id &&
	    (!t.external_id || !p->external_id || strcmp(p->external_id, t.external_id))) {
		t.external_id = (char *)p->external_id;
		CHANGED("external_id", t.external_id, before.external_id);
	}
	if (p->has_recipient && !same_text(t.recipient, p->recipient)) {
		t.recipient = (char *)p->recipient;
		CHANGED("recipient", t.recipient, before.recipient);
	}
	if (p->has_due_at)
		t.due_at = p->due_at;
	if (p->has_problem && p->problem_id == t.id)
		return fl_err_set(e, FL_EINVAL, "problem_id", "InvalidValue",
				  "problem_id: a ticket cannot be its own problem");
	if (p->has_problem)
		t.problem_id = p->problem_id;
	/* a reason since deactivated stays on the tickets that have it; only
	 * a change to one is checked */
	if (p->has_complaint && p->complaint_reason_id != t.complaint_reason_id) {
		if ((rc = fl_complaint_reason_usable(tx, p->complaint_reason_id, COMPLAINT_FIELD,
						     arena, e)))
			return rc;
		t.complaint_reason_id = p->complaint_reason_id;
	}
	if (t.type != FL_TYPE_TASK && !p->has_due_at)
		t.due_at = 0; /* no longer a task: no due date */
	if (t.type != FL_TYPE_INCIDENT && !p->has_problem)
		t.problem_id = 0;
	if ((rc = check_kind(&t, e)))
		return rc;
	if (p->has_tags || p->has_add_tags || p->has_remove_tags) {
		const char *was = list_text(&c, t.tags, t.ntags);
		if ((rc = change_tags(&t, p, arena, e)))
			return rc;
		if (!same_strs(t.tags, t.ntags, (const char *const *)before.tags, before.ntags)) {
			changed |= FL_TICKET_TAGS;
			CHANGED("tags", list_text(&c, t.tags, t.ntags), was);
		}
	}
	if (p->has_ccs) {
		t.nccs = p->nccs;
		memcpy(t.ccs, p->ccs, p->nccs * sizeof *p->ccs);
	}
	if (p->has_followers) {
		t.nfollowers = p->nfollowers;
		memcpy(t.followers, p->followers, p->nfollowers * sizeof *p->followers);
	}
	if ((rc = change_people(&t, p, e)))
		return rc;
	if (!same_ids(t.ccs, t.nccs, before.ccs, before.nccs)) {
		changed |= FL_TICKET_CCS;
		CHANGED("collaborator_ids", ids_text(&c, t.ccs, t.nccs),
			ids_text(&c, before.ccs, before.nccs));
	}
	if (!same_ids(t.followers, t.nfollowers, before.followers, before.nfollowers)) {
		changed |= FL_TICKET_FOLLOWERS;
		CHANGED("follower_ids", ids_text(&c, t.followers, t.nfollowers),
			ids_text(&c, before.followers, before.nfollowers));
	}

	/* A reply moves the ticket along when nobody said otherwise: the
	 * customer answering reopens it, an agent's public reply opens a new one. */
	if (!p->has_status && t.status == FL_STATUS_NEW && t.assignee_id)
		set_status(&t, FL_STATUS_OPEN, now); /* assigning a new ticket opens it */
	if (p->comment_body && !p->has_status) {
		if (!agent && t.status >= FL_STATUS_PENDING)
			set_status(&t, FL_STATUS_OPEN, now);
		else if (agent && p->comment_public && t.status == FL_STATUS_NEW)
			set_status(&t, FL_STATUS_OPEN, now);
	}
	if (t.status >= FL_STATUS_SOLVED && !t.assignee_id && agent)
		t.assignee_id = actor->id;

	if (t.status != before.status)
		CHANGED("status", fl_status_name(t.status), fl_status_name(before.status));
	if (t.priority != before.priority)
		CHANGED("priority", fl_priority_name(t.priority),
			fl_priority_name(before.priority));
	if (t.type != before.type)
		CHANGED("type", fl_type_name(t.type), fl_type_name(before.type));
	if (t.requester_id != before.requester_id)
		CHANGED("requester_id", id_text(&c, t.requester_id),
			id_text(&c, before.requester_id));
	if (t.assignee_id != before.assignee_id)
		CHANGED("assignee_id", id_text(&c, t.assignee_id), id_text(&c, before.assignee_id));
	if (t.group_id != before.group_id)
		CHANGED("group_id", id_text(&c, t.group_id), id_text(&c, before.group_id));
	if (t.organization_id != before.organization_id)
		CHANGED("organization_id", id_text(&c, t.organization_id),
			id_text(&c, before.organization_id));
	if (t.due_at != before.due_at)
		CHANGED("due_at", time_text(&c, t.due_at), time_text(&c, before.due_at));
	if (t.problem_id != before.problem_id)
		CHANGED("problem_id", id_text(&c, t.problem_id), id_text(&c, before.problem_id));
	if (t.complaint_reason_id != before.complaint_reason_id)
		CHANGED("complaint_reason_id", id_text(&c, t.complaint_reason_id),
			id_text(&c, before.complaint_reason_id));
	if (p->event_field)
		CHANGED(p->event_field, p->event_value, NULL);
	if (c.rc)
		return c.rc;
	if (au->nevents == 0 && !p->comment_body) {
		*out = t; /* nothing changed: no audit, no new updated_at */
		return 0;
	}
	t.updated_at = now;
	t.updated_stamp = next_stamp(&before, now);
	au->ticket_id = t.id;
	au->author_id = actor->id;
	au->channel = p->has_channel ? p->channel : FL_CHANNEL_API;
	au->created_at = now;
	rc = fl_store_ticket_update(tx, &t, changed);
	if (!rc && p->comment_body)
		rc = add_comment(tx, &c, &t, p,
				 p->comment_author_id ? p->comment_author_id : actor->id,
				 au->channel, agent ? p->comment_public : 1, now, &comment_id);
	if (!rc)
		rc = fl_store_audit_insert(tx, au);
	if (!rc) {
		struct fl_ticket_write w = {.kind = FL_EVENT_CHANGE,
					    .t = &t,
					    .before = &before,
					    .actor = actor,
					    .p = p,
					    .audit = au,
					    .comment_id = comment_id,
					    .comment_public = agent ? p->comment_public : 1,
					    .now = now};
		/* a write that only records an event (a rule's log, why a
		 * ticket waits) changes nothing the hooks react to: no trigger
		 * runs again for it, and nothing is routed or called */
		int react = p->comment_body || au->nevents > (p->event_field ? 1u : 0u);
		rc = written(tx, "ticket.updated", &w, react);
	}
	if (!rc && !p->quiet)
		rc = tell_requester(tx, actor, p, &before, &t, comment_id);
	if (!rc && before.type == FL_TYPE_PROBLEM && t.type != FL_TYPE_PROBLEM)
		rc = unlink_incidents(tx, actor, t.id, arena, e);
	if (!rc && p->made_comment)
		*p->made_comment = comment_id;
	if (!rc)
		*out = t;
	return rc;
}

int fl_ticket_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, struct fl_err *e)
{
	fl_arena a;
	struct fl_ticket t;
	struct fl_audit *au;
	int rc;

	if (!fl_ticket_sees_private(actor))
		return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL,
				  "Only agents and admins may delete tickets");
	fl_arena_init(&a, 0);
	rc = fl_ticket_load(tx, actor, id, &a, &t);
	au = rc ? NULL : fl_arena_alloc(&a, sizeof *au);
	if (!rc && !au)
		rc = FL_ENOMEM;
	if (!rc) {
		t.deleted_at = t.updated_at = fl_now();
		t.updated_stamp = next_stamp(&t, t.updated_at);
		rc = fl_store_ticket_update(tx, &t, 0);
	}
	if (!rc) {
		au->ticket_id = id;
		au->author_id = actor->id;
		au->channel = FL_CHANNEL_API;
		au->created_at = t.deleted_at;
		au->nevents = 1;
		au->events[0] = (struct fl_event){0, FL_EVENT_DELETE, "deleted", "true", NULL, 0};
		rc = fl_store_audit_insert(tx, au);
	}
	if (!rc) {
		struct fl_ticket_write w = {
			.kind = FL_EVENT_DELETE, .t = &t, .actor = actor, .now = t.deleted_at};
		rc = written(tx, "ticket.deleted", &w, 1);
	}
	if (!rc && t.type == FL_TYPE_PROBLEM)
		rc = unlink_incidents(tx, actor, id, &a, e);
	fl_arena_free(&a);
	return rc;
}
