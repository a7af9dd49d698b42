/* The history a dry run replays (store/dryrun.h). */
#include "store/dryrun.h"

#include <string.h>

#include "store/store_int.h"

/* One row per audit event, tickets in id order and each ticket's audits
 * newest first (so that a ticket past the cap keeps its newest, which the
 * replay needs: it works back from the ticket as it is); the ticket's
 * columns repeat on each. The tags and the
 * comment are read only when asked for: four statements, one shape. */
#define HISTORY_SELECT(tags, comment)                                                      \
	"SELECT t.id, t.subject, t.status, t.priority, t.type, t.channel, t.requester_id," \
	" t.submitter_id, t.assignee_id, t.group_id, t.organization_id, t.created_at,"     \
	" t.updated_at, " tags                                                             \
	","                                                                                \
	" au.id, au.author_id, COALESCE(u.role, 0), au.channel, au.created_at,"            \
	" e.kind, e.field, e.value, e.previous_value, e.comment_id, " comment              \
	" FROM tickets t"                                                                  \
	" JOIN audits au ON au.ticket_id = t.id"                                           \
	" JOIN audit_events e ON e.audit_id = au.id"                                       \
	" LEFT JOIN users u ON u.id = au.author_id"                                        \
	" LEFT JOIN comments c ON c.id = e.comment_id AND ? = 1"                           \
	" WHERE t.deleted_at IS NULL AND t.updated_at >= ? AND au.created_at >= ?"         \
	" ORDER BY t.id, au.id DESC, e.id"
#define TAGS_SQL                                                           \
	"(SELECT group_concat(tag, ' ') FROM (SELECT tag FROM ticket_tags" \
	" WHERE ticket_id = t.id ORDER BY tag) g)"
#define COMMENT_SQL "c.body, COALESCE(c.public, 0)"

static const char *const sql[4] = {
	HISTORY_SELECT("NULL", "NULL, 0"),
	HISTORY_SELECT(TAGS_SQL, "NULL, 0"),
	HISTORY_SELECT("NULL", COMMENT_SQL),
	HISTORY_SELECT(TAGS_SQL, COMMENT_SQL),
};

struct scan {
	fl_arena a;
	struct fl_ticket t;
	struct fl_store_update *u;
	size_t n;
	int open;
};

static void split_tags(struct fl_ticket *t, char *p)
{
	t->ntags = 0;
	while (p && *p && t->ntags < FL_TICKET_MAX_TAGS) {
		size_t k = strcspn(p, " ");
		t->tags[t->ntags++] = p;
		p += k;
		if (*p)
			*p++ = 0;
	}
}

/* Hands the ticket read to fn, its audits put back oldest first. */
static int flush(struct scan *s, fl_store_history_fn fn, void *arg)
{
	int rc;

	for (size_t i = 0; s->open && i < s->n / 2; i++) {
		struct fl_store_update u = s->u[i];
		s->u[i] = s->u[s->n - 1 - i];
		s->u[s->n - 1 - i] = u;
	}
	rc = s->open ? fn(arg, &s->t, s->u, s->n, &s->a) : 0;
	if (s->open)
		fl_arena_free(&s->a);
	s->open = 0;
	return rc;
}

static int read_ticket(fl_tx *tx, fl_stmt *st, struct scan *s)
{
	int err = 0;

	fl_arena_init(&s->a, 0);
	s->open = 1;
	memset(&s->t, 0, sizeof s->t);
	s->n = 0;
	if (!(s->u = fl_arena_alloc(&s->a, FL_STORE_HISTORY_AUDITS * sizeof *s->u)))
		return FL_ENOMEM;
	s->t.id = fl_col_int(tx, st, 0);
	s->t.subject = fl_col_text(tx, st, 1, &s->a, &err);
	s->t.status = (int)fl_col_int(tx, st, 2);
	s->t.priority = (int)fl_col_int(tx, st, 3);
	s->t.type = (int)fl_col_int(tx, st, 4);
	s->t.channel = (int)fl_col_int(tx, st, 5);
	s->t.requester_id = fl_col_int(tx, st, 6);
	s->t.submitter_id = fl_col_int(tx, st, 7);
	s->t.assignee_id = fl_col_int(tx, st, 8);
	s->t.group_id = fl_col_int(tx, st, 9);
	s->t.organization_id = fl_col_int(tx, st, 10);
	s->t.created_at = fl_col_int(tx, st, 11);
	s->t.updated_at = fl_col_int(tx, st, 12);
	s->t.custom_fields = "[]";
	split_tags(&s->t, fl_col_text(tx, st, 13, &s->a, &err));
	return err;
}

int fl_store_history_scan(fl_tx *tx, int64_t since, int what, fl_store_history_fn fn, void *arg)
{
	struct scan s = {0};
	int64_t skipped = 0; /* an audit past the cap (an older one), left */
	fl_stmt *st;
	int rc = fl_q(tx, sql[what & 3], 0, &st, "iii",
		      (int64_t)((what & FL_HISTORY_COMMENTS) != 0), since, since);
	int err = 0;

	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		int64_t tid = fl_col_int(tx, st, 0), aid = fl_col_int(tx, st, 14);
		struct fl_store_update *u;
		struct fl_event *e;

		if (!s.open || s.t.id != tid) {
			if ((rc = flush(&s, fn, arg)) || (rc = read_ticket(tx, st, &s)))
				break;
		}
		if (aid == skipped)
			continue;
		if (!s.n || s.u[s.n - 1].au->id != aid) {
			if (s.n == FL_STORE_HISTORY_AUDITS) {
				skipped = aid;
				continue;
			}
			u = &s.u[s.n];
			if (!(u->au = fl_arena_alloc(&s.a, sizeof *u->au))) {
				rc = FL_ENOMEM;
				break;
			}
			s.n++;
			u->au->id = aid;
			u->au->ticket_id = tid;
			u->au->author_id = fl_col_int(tx, st, 15);
			u->author_role = (int)fl_col_int(tx, st, 16);
			u->au->channel = (int)fl_col_int(tx, st, 17);
			u->au->created_at = fl_col_int(tx, st, 18);
			u->au->nevents = 0;
			u->comment = NULL;
			u->comment_public = 0;
		}
		u = &s.u[s.n - 1];
		if (u->au->nevents == FL_AUDIT_MAX_EVENTS)
			continue;
		e = &u->au->events[u->au->nevents++];
		e->kind = (int)fl_col_int(tx, st, 19);
		e->field = fl_col_text(tx, st, 20, &s.a, &err);
		e->value = fl_col_text(tx, st, 21, &s.a, &err);
		e->previous = fl_col_text(tx, st, 22, &s.a, &err);
		e->comment_id = fl_col_int(tx, st, 23);
		if (e->comment_id && (what & FL_HISTORY_COMMENTS)) {
			u->comment = fl_col_text(tx, st, 24, &s.a, &err);
			u->comment_public = (int)fl_col_int(tx, st, 25);
		}
		if (err) {
			rc = err;
			break;
		}
	}
	fl_q_done(tx, st);
	if (rc < 0) {
		if (s.open)
			fl_arena_free(&s.a);
		return rc;
	}
	return flush(&s, fn, arg);
}
