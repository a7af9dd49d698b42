/* Merging tickets (tickets/merge.h tells the rules): checks everything
 * first, then writes through fl_ticket_update, the one door for changing a
 * ticket. Nothing here knows of HTTP or SQL. */
#include "tickets/merge.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/complaint.h"

#define QUOTE_MAX 4000 /* characters of a source's last comment quoted on the target */

/* The standard comments, in the languages we write. %lld is a ticket id,
 * %s its subject. */
struct words {
	const char *lang;
	const char *source, *target, *last;
};

static const struct words words[] = {
	{"en", "This request was closed and merged into request #%" PRId64 " \"%s\".",
	 "Request #%" PRId64 " \"%s\" was closed and merged into this request.",
	 "Last comment in request #%" PRId64 ":"},
	{"uk", "Це звернення закрито й об’єднано зі зверненням #%" PRId64 " «%s».",
	 "Звернення #%" PRId64 " «%s» закрито й об’єднано з цим зверненням.",
	 "Останній коментар у зверненні #%" PRId64 ":"},
	{"ru", "Это обращение закрыто и объединено с обращением #%" PRId64 " «%s».",
	 "Обращение #%" PRId64 " «%s» закрыто и объединено с этим обращением.",
	 "Последний комментарий в обращении #%" PRId64 ":"},
	{"lt", "Ši užklausa uždaryta ir sujungta su užklausa #%" PRId64 " „%s“.",
	 "Užklausa #%" PRId64 " „%s“ uždaryta ir sujungta su šia užklausa.",
	 "Paskutinis komentaras užklausoje #%" PRId64 ":"},
};

/* One ticket of the merge, as it was before it. */
struct part {
	struct fl_ticket t;
	const struct words *w; /* its requester's language */
	const char *last;      /* its last public comment, or NULL */
};

/* The words of user id's language (English when we have none). */
static int words_of(struct fl_tx *tx, int64_t id, fl_arena *a, const struct words **out)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);

	*out = &words[0];
	if (rc == FL_ENOTFOUND)
		return 0;
	for (size_t i = 0; !rc && u.locale && i < sizeof words / sizeof *words; i++)
		if (!strncmp(u.locale, words[i].lang, 2))
			*out = &words[i];
	return rc;
}

/* Loads ticket id into *p: FL_ENOTFOUND naming field when actor may not
 * see it, FL_EINVAL when it is closed. */
static int load(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, const char *field,
		fl_arena *a, struct part *p, struct fl_err *e)
{
	struct fl_page pg = {FL_SORT_ID, 1, 1, 0, 0, 0, 0};
	struct fl_comment *last;
	size_t n;
	int rc = fl_ticket_load(tx, actor, id, a, &p->t);

	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, rc, field, "RecordNotFound",
				  "%s: ticket %" PRId64 " not found", field, id);
	if (rc)
		return rc;
	if (p->t.status == FL_STATUS_CLOSED)
		return fl_err_set(e, FL_EINVAL, field, "Closed",
				  "%s: ticket %" PRId64 " is closed and cannot be merged", field,
				  id);
	if ((rc = words_of(tx, p->t.requester_id, a, &p->w)))
		return rc;
	rc = fl_store_comment_list(tx, id, 1, &pg, a, &last, &n);
	p->last = !rc && n ? last[0].body : NULL;
	return rc;
}

/* Checks m's list of sources against target. */
static int check_sources(int64_t target, const struct fl_merge *m, struct fl_err *e)
{
	if (m->nsources == 0)
		return fl_err_set(e, FL_EINVAL, "ids", "Blank", "ids: name the tickets to merge");
	if (m->nsources > FL_MERGE_MAX_SOURCES)
		return fl_err_set(e, FL_EINVAL, "ids", "TooLong",
				  "ids: at most %d tickets are merged at once",
				  FL_MERGE_MAX_SOURCES);
	for (size_t i = 0; i < m->nsources; i++) {
		if (m->sources[i] == target)
			return fl_err_set(e, FL_EINVAL, "ids", "InvalidValue",
					  "ids: a ticket cannot be merged into itself");
		for (size_t k = 0; k < i; k++)
			if (m->sources[k] == m->sources[i])
				return fl_err_set(e, FL_EINVAL, "ids", "InvalidValue",
						  "ids: ticket %" PRId64 " is listed twice",
						  m->sources[i]);
	}
	return 0;
}

/* The target's standard comment: a paragraph for each source. In a. */
static char *target_text(const struct part *target, const struct part *src, size_t n, fl_arena *a)
{
	const struct words *w = target->w;
	fl_buf b;
	char *z = NULL;
	int rc = 0;

	fl_buf_init(&b, 0);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct fl_ticket *s = &src[i].t;
		const char *last = src[i].last;
		if (i)
			rc = fl_buf_adds(&b, "\n\n");
		if (!rc)
			rc = fl_buf_addf(&b, w->target, s->id, s->subject);
		if (!rc && last) {
			rc = fl_buf_adds(&b, " ");
			if (!rc)
				rc = fl_buf_addf(&b, w->last, s->id);
			if (!rc)
				rc = fl_buf_addf(&b, "\n\n%.*s",
						 (int)fl_utf8_prefix(last, strlen(last), QUOTE_MAX),
						 last);
		}
	}
	if (!rc)
		z = fl_arena_strdup(a, b.p);
	fl_buf_free(&b);
	return z;
}

/* Whether user id may still be added to a ticket: active, and an agent
 * when agent says so (a follower). */
static int usable(struct fl_tx *tx, int64_t id, int agent, fl_arena *a, int *yes)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);

	*yes = !rc && u.active && (!agent || u.role >= FL_ROLE_AGENT);
	return rc == FL_ENOTFOUND ? 0 : rc;
}

/* Adds id to the n ids of list, for a ticket that has the nhave ids of
 * have, unless the ticket has it already, it is not usable or the ticket
 * would have more than max: a merge leaves out who does not fit, it does
 * not fail for them. */
static int add_person(struct fl_tx *tx, int64_t id, int agent, const int64_t *have, size_t nhave,
		      int64_t *list, size_t *n, size_t max, fl_arena *a)
{
	int yes, rc;

	for (size_t i = 0; i < nhave; i++)
		if (have[i] == id)
			return 0;
	for (size_t i = 0; i < *n; i++)
		if (list[i] == id)
			return 0;
	if ((rc = usable(tx, id, agent, a, &yes)) || !yes || nhave + *n >= max)
		return rc;
	list[(*n)++] = id;
	return 0;
}

/* The target's patch: the comment, and the sources' people. */
static int target_patch(struct fl_tx *tx, const struct part *target, const struct part *src,
			size_t n, struct fl_ticket_patch *p, fl_arena *a)
{
	const struct fl_ticket *t = &target->t;
	int rc = 0;

	p->has_cc_changes = p->has_follower_changes = 1;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct fl_ticket *s = &src[i].t;
		if (s->requester_id != t->requester_id)
			rc = add_person(tx, s->requester_id, 0, t->ccs, t->nccs, p->cc_add,
					&p->ncc_add, FL_TICKET_MAX_CCS, a);
		for (size_t k = 0; k < s->nccs && !rc; k++)
			if (s->ccs[k] != t->requester_id)
				rc = add_person(tx, s->ccs[k], 0, t->ccs, t->nccs, p->cc_add,
						&p->ncc_add, FL_TICKET_MAX_CCS, a);
		for (size_t k = 0; k < s->nfollowers && !rc; k++)
			rc = add_person(tx, s->followers[k], 1, t->followers, t->nfollowers,
					p->follower_add, &p->nfollower_add, FL_TICKET_MAX_FOLLOWERS,
					a);
	}
	/* a complaint merged into a request that is not one makes it one:
	 * the first source's reason that may still be given (the report
	 * leaves the closed sources out and counts the target) */
	for (size_t i = 0; i < n && !rc && !t->complaint_reason_id && !p->has_complaint; i++) {
		struct fl_err e = {0};
		int64_t id = src[i].t.complaint_reason_id;
		if (!id)
			continue;
		rc = fl_complaint_reason_usable(tx, id, "complaint.reason_id", a, &e);
		if (!rc) {
			p->has_complaint = 1;
			p->complaint_reason_id = id;
		} else if (rc == FL_EINVAL) {
			rc = 0; /* deactivated or deleted: not given again */
		}
	}
	return rc;
}

/* The ids of the n parts, space-separated, in a. */
static char *ids_text(const struct part *src, size_t n, fl_arena *a)
{
	char buf[FL_MERGE_MAX_SOURCES * 24 + 1];
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%" PRId64, i ? " " : "",
					src[i].t.id);
	return fl_arena_strdup(a, buf);
}

/* Closes source s into target, with its comment; quiet when its requester
 * is told otherwise. */
static int close_source(struct fl_tx *tx, const struct fl_actor *actor, const struct part *s,
			const struct part *target, const struct fl_merge *m, int is_public,
			int quiet, fl_arena *a, struct fl_err *e)
{
	struct fl_ticket_patch p = {.has_status = 1, .status = FL_STATUS_CLOSED, .has_add_tags = 1};
	struct fl_ticket out;
	fl_buf b;
	int rc = 0;

	fl_buf_init(&b, 0);
	if (!m->source_comment)
		rc = fl_buf_addf(&b, s->w->source, target->t.id, target->t.subject);
	p.comment_body = m->source_comment ? m->source_comment : fl_arena_strdup(a, b.p);
	fl_buf_free(&b);
	if (rc || !p.comment_body)
		return rc ? rc : FL_ENOMEM;
	p.comment_public = is_public;
	p.add_tags[p.nadd_tags++] = "closed_by_merge";
	p.has_channel = 1;
	p.channel = m->channel;
	p.event_field = "merged_into";
	if (!(p.event_value = ids_text(target, 1, a)))
		return FL_ENOMEM;
	p.quiet = quiet;
	return fl_ticket_update(tx, actor, s->t.id, &p, a, &out, e);
}

int fl_ticket_merge(struct fl_tx *tx, const struct fl_actor *actor, int64_t target,
		    const struct fl_merge *m, fl_arena *arena, struct fl_ticket *out,
		    struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(arena, sizeof *p);
	struct part *src = fl_arena_alloc(arena, (m->nsources + 1) * sizeof *src);
	struct part *tg = src ? &src[m->nsources] : NULL;
	int same = 1, rc;
	int src_public = m->has_source_public ? m->source_public : 1;
	int tg_public;

	if (!fl_ticket_sees_private(actor))
		return fl_err_set(e, FL_EFORBIDDEN, NULL, NULL, "Only agents merge tickets");
	if (!p || !src)
		return FL_ENOMEM;
	if ((rc = check_sources(target, m, e)) ||
	    (rc = load(tx, actor, target, "id", arena, tg, e)))
		return rc;
	for (size_t i = 0; i < m->nsources; i++) {
		if ((rc = load(tx, actor, m->sources[i], "ids", arena, &src[i], e)))
			return rc;
		same &= src[i].t.requester_id == tg->t.requester_id;
	}
	/* public by default only when no one but the one customer reads it:
	 * the target's CCs never saw the sources */
	tg_public = m->has_target_public ? m->target_public : same && !tg->t.nccs;

	memset(p, 0, sizeof *p);
	if ((rc = target_patch(tx, tg, src, m->nsources, p, arena)))
		return rc;
	p->comment_body =
		m->target_comment ? m->target_comment : target_text(tg, src, m->nsources, arena);
	if (!p->comment_body)
		return FL_ENOMEM;
	p->comment_public = tg_public;
	p->has_channel = 1;
	p->channel = m->channel;
	p->event_field = "merged_from";
	if (!(p->event_value = ids_text(src, m->nsources, arena)))
		return FL_ENOMEM;

	/* told once: by the public target comment, or else by the first
	 * public source comment each requester gets */
	for (size_t i = 0; i < m->nsources && !rc; i++) {
		int told = tg_public;
		for (size_t k = 0; k < i && !told; k++)
			told = src[k].t.requester_id == src[i].t.requester_id;
		rc = close_source(tx, actor, &src[i], tg, m, src_public, told || !src_public, arena,
				  e);
	}
	return rc ? rc : fl_ticket_update(tx, actor, target, p, arena, out, e);
}
