/* The suggestion box's rules (ideas/idea.h). */
#include "ideas/idea.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "feedback/unsub.h"
#include "kb/kb.h"
#include "portal/site.h"
#include "sla/report.h"
#include "store/jobs.h"
#include "store/users.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"
#include "users/user.h"

static const char *const status_names[FL_IDEA__MAX] = {"new", "under_review", "planned", "done",
						       "declined"};

const char *fl_idea_status_name(int status)
{
	return status >= 0 && status < FL_IDEA__MAX ? status_names[status] : NULL;
}

int fl_idea_status_parse(fl_str s)
{
	for (int i = 0; i < FL_IDEA__MAX; i++)
		if (fl_str_eq(s, status_names[i]))
			return i;
	return -1;
}

static int is_agent(const struct fl_actor *actor)
{
	return actor->role >= FL_ROLE_AGENT;
}

int fl_idea_visible(const struct fl_actor *actor, const struct fl_idea *i)
{
	return i->public || is_agent(actor) || (actor->id > 0 && i->author_id == actor->id);
}

int fl_idea_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_idea *out)
{
	struct fl_idea i;
	int rc = id > 0 ? fl_store_idea_get(tx, id, actor->id > 0 ? actor->id : 0, a, &i)
			: FL_ENOTFOUND;

	if (rc)
		return rc;
	if (!fl_idea_visible(actor, &i))
		return FL_ENOTFOUND; /* not 403: do not confirm that it exists */
	*out = i;
	return 0;
}

/* Text that is not blank once its spaces are left out. */
static int blank(const char *z)
{
	for (; z && *z; z++)
		if (!strchr(" \t\r\n", *z))
			return 0;
	return 1;
}

static int check_text(const char *z, size_t max, int required, const char *field, const char *label,
		      struct fl_err *e)
{
	if (required && blank(z))
		return fl_err_set(e, FL_EINVAL, field, "Blank", "%s: cannot be blank", label);
	if (z && fl_utf8_len(z, strlen(z)) > max)
		return fl_err_set(e, FL_EINVAL, field, "TooLong",
				  "%s: is too long (at most %zu characters)", label, max);
	return 0;
}

/* The language of a new idea: the one given, else its author's, else en. */
static const char *idea_locale(const struct fl_idea_in *in, const struct fl_user *author,
			       struct fl_err *e, int *rc)
{
	char two[3] = {0};

	*rc = 0;
	if (in->has_locale && in->locale) {
		if (!fl_kb_locale_name(in->locale))
			*rc = fl_err_set(e, FL_EINVAL, "locale", "InvalidValue",
					 "Locale: is uk, ru, lt or en");
		return fl_kb_locale_name(in->locale);
	}
	if (author->locale)
		memcpy(two, author->locale, strnlen(author->locale, 2));
	return fl_kb_locale_name(two) ? fl_kb_locale_name(two) : "en";
}

int fl_idea_create(struct fl_tx *tx, const struct fl_actor *actor, const struct fl_idea_in *in,
		   int64_t now, fl_arena *a, struct fl_idea *out, struct fl_err *e)
{
	struct fl_idea i = {0};
	struct fl_user author;
	struct fl_ticket t;
	int64_t author_id = actor->id;
	int rc, added;

	if (actor->id <= 0)
		return FL_EAUTH;
	if (actor->role == FL_ROLE_VIEWER)
		return FL_EFORBIDDEN; /* reads only */
	if ((rc = check_text(in->title, FL_IDEA_TITLE_MAX, 1, "title", "Title", e)) ||
	    (rc = check_text(in->details, FL_IDEA_DETAILS_MAX, 0, "details", "Details", e)))
		return rc;
	if (is_agent(actor)) {
		/* typed for a customer: theirs, in their name */
		if (!in->has_author_id || in->author_id <= 0)
			return fl_err_set(e, FL_EINVAL, "author_id", "Blank",
					  "Author: name the customer the idea is from");
		author_id = in->author_id;
	} else if (in->has_author_id && in->author_id != actor->id) {
		return fl_err_set(e, FL_EINVAL, "author_id", "InvalidValue",
				  "Author: you can only submit ideas of your own");
	}
	if (!is_agent(actor) && in->has_ticket_id)
		return fl_err_set(e, FL_EINVAL, "ticket_id", "InvalidValue",
				  "Ticket: only agents link tickets to ideas");
	rc = fl_store_user_get(tx, author_id, a, &author);
	if (rc == FL_ENOTFOUND || (!rc && !author.active))
		return fl_err_set(e, FL_EINVAL, "author_id", "InvalidValue",
				  "Author: no such person");
	if (rc)
		return rc;
	if (in->has_ticket_id && in->ticket_id) {
		rc = fl_ticket_load(tx, actor, in->ticket_id, a, &t);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(e, FL_EINVAL, "ticket_id", "InvalidValue",
					  "Ticket: no such ticket");
		if (rc)
			return rc;
	}
	i.locale = (char *)idea_locale(in, &author, e, &rc);
	if (rc)
		return rc;
	i.title = (char *)in->title;
	i.details = (char *)(in->details ? in->details : "");
	i.status = (char *)status_names[FL_IDEA_NEW];
	i.public = is_agent(actor) && in->has_public ? in->public : 1;
	i.author_id = author_id;
	i.submitted_by = actor->id;
	i.created_at = i.updated_at = now;
	if ((rc = fl_store_idea_insert(tx, &i)))
		return rc;
	/* an idea is wanted by the one who asked for it */
	if ((rc = fl_store_idea_vote(tx, i.id, author_id, now)))
		return rc;
	if (in->has_ticket_id && in->ticket_id &&
	    (rc = fl_store_idea_ticket_put(tx, i.id, in->ticket_id, actor->id, now, &added)))
		return rc;
	return fl_store_idea_get(tx, i.id, actor->id, a, out);
}

int fl_idea_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		   const struct fl_idea_in *in, int64_t now, fl_arena *a, struct fl_idea *out,
		   struct fl_err *e)
{
	struct fl_idea i;
	const char *before;
	int rc;

	if (!is_agent(actor))
		return FL_EFORBIDDEN;
	if ((rc = fl_idea_get(tx, actor, id, a, &i)))
		return rc;
	before = i.status;
	if (in->has_title) {
		if ((rc = check_text(in->title, FL_IDEA_TITLE_MAX, 1, "title", "Title", e)))
			return rc;
		i.title = (char *)in->title;
	}
	if (in->has_details) {
		if ((rc = check_text(in->details, FL_IDEA_DETAILS_MAX, 0, "details", "Details", e)))
			return rc;
		i.details = (char *)(in->details ? in->details : "");
	}
	if (in->has_answer) {
		if ((rc = check_text(in->answer, FL_IDEA_ANSWER_MAX, 0, "answer", "Answer", e)))
			return rc;
		i.answer = (char *)(in->answer ? in->answer : "");
	}
	if (in->has_public)
		i.public = in->public;
	if (in->has_status)
		i.status = (char *)status_names[in->status];
	if ((in->has_status && strcmp(before, i.status)) || in->has_answer) {
		i.answered_by = actor->id;
		i.answered_at = now;
	}
	i.updated_at = now;
	if ((rc = fl_store_idea_update(tx, &i)))
		return rc;
	if (strcmp(before, i.status)) {
		/* the author and voters are told by a job, in batches, so that an
		 * idea with thousands of votes costs this request nothing */
		char payload[128];
		snprintf(payload, sizeof payload,
			 "{\"idea_id\":%" PRId64 ",\"status\":\"%s\",\"after\":0}", i.id, i.status);
		if ((rc = fl_store_job_enqueue(tx, "idea-notify", payload, now, 5, NULL, now)))
			return rc;
	}
	return fl_store_idea_get(tx, i.id, actor->id, a, out);
}

/* Idea id for a signed-in actor who may read it and write about it (a
 * vote, a comment): not the viewer role, which reads only. */
static int readable(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		    struct fl_idea *i)
{
	if (actor->id <= 0)
		return FL_EAUTH;
	if (actor->role == FL_ROLE_VIEWER)
		return FL_EFORBIDDEN;
	return fl_idea_get(tx, actor, id, a, i);
}

int fl_idea_vote(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t now,
		 struct fl_err *e)
{
	struct fl_idea i;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = readable(tx, actor, id, &a, &i);
	fl_arena_free(&a);
	if (!rc)
		rc = fl_store_idea_vote(tx, id, actor->id, now);
	if (rc == FL_ECONFLICT)
		return fl_err_set(e, FL_EDUPLICATE, "vote", "DuplicateValue",
				  "Vote: you have already voted for this idea");
	return rc;
}

int fl_idea_unvote(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t now,
		   struct fl_err *e)
{
	struct fl_idea i;
	fl_arena a;
	int rc;

	(void)e;
	fl_arena_init(&a, 0);
	rc = readable(tx, actor, id, &a, &i);
	fl_arena_free(&a);
	return rc ? rc : fl_store_idea_unvote(tx, id, actor->id, now);
}

int fl_idea_comment(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, const char *body,
		    int64_t now, fl_arena *a, struct fl_idea_comment *out, struct fl_err *e)
{
	struct fl_idea i;
	struct fl_idea_comment c = {0};
	int rc = readable(tx, actor, id, a, &i);

	if (rc || (rc = check_text(body, FL_IDEA_COMMENT_MAX, 1, "body", "Comment", e)))
		return rc;
	c.idea_id = id;
	c.author_id = actor->id;
	c.body = (char *)body;
	c.created_at = now;
	if ((rc = fl_store_idea_comment_insert(tx, &c)))
		return rc;
	*out = c;
	return 0;
}

int fl_idea_comment_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
			   int64_t comment_id)
{
	struct fl_idea i;
	fl_arena a;
	int rc;

	if (!is_agent(actor))
		return FL_EFORBIDDEN;
	fl_arena_init(&a, 0);
	rc = fl_idea_get(tx, actor, id, &a, &i);
	fl_arena_free(&a);
	return rc ? rc : fl_store_idea_comment_delete(tx, id, comment_id);
}

int fl_idea_link(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t ticket_id,
		 int64_t now, struct fl_err *e)
{
	struct fl_idea i;
	struct fl_ticket t;
	fl_arena a;
	int rc, added;

	if (!is_agent(actor))
		return FL_EFORBIDDEN;
	fl_arena_init(&a, 0);
	rc = fl_idea_get(tx, actor, id, &a, &i);
	if (!rc && (rc = fl_ticket_load(tx, actor, ticket_id, &a, &t)) == FL_ENOTFOUND)
		rc = fl_err_set(e, FL_EINVAL, "ticket_id", "InvalidValue",
				"Ticket: no such ticket");
	fl_arena_free(&a);
	return rc ? rc : fl_store_idea_ticket_put(tx, id, ticket_id, actor->id, now, &added);
}

int fl_idea_unlink(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, int64_t ticket_id,
		   struct fl_err *e)
{
	struct fl_idea i;
	fl_arena a;
	int rc;

	(void)e;
	if (!is_agent(actor))
		return FL_EFORBIDDEN;
	fl_arena_init(&a, 0);
	rc = fl_idea_get(tx, actor, id, &a, &i);
	fl_arena_free(&a);
	return rc ? rc : fl_store_idea_ticket_delete(tx, id, ticket_id);
}

/* The mail in the four languages of the desk. */
static const struct {
	const char *lang, *subject, *yours, *voted, *now, *answer, *see, *unsub;
	const char *status[FL_IDEA__MAX];
} notice_text[] = {
	{"uk",
	 "Ідея: ",
	 "Ваша ідея має новий статус.",
	 "Ідея, за яку ви проголосували, має новий статус.",
	 "Статус",
	 "Відповідь команди",
	 "Ідея на порталі",
	 "Більше не отримувати таких листів",
	 {"нова", "на розгляді", "заплановано", "зроблено", "відхилено"}},
	{"ru",
	 "Идея: ",
	 "У вашей идеи новый статус.",
	 "У идеи, за которую вы проголосовали, новый статус.",
	 "Статус",
	 "Ответ команды",
	 "Идея на портале",
	 "Больше не получать такие письма",
	 {"новая", "на рассмотрении", "запланировано", "сделано", "отклонено"}},
	{"lt",
	 "Idėja: ",
	 "Jūsų idėjos būsena pasikeitė.",
	 "Idėjos, už kurią balsavote, būsena pasikeitė.",
	 "Būsena",
	 "Komandos atsakymas",
	 "Idėja portale",
	 "Nebegauti tokių laiškų",
	 {"nauja", "svarstoma", "suplanuota", "įgyvendinta", "atmesta"}},
	{"en",
	 "Idea: ",
	 "Your idea has a new status.",
	 "An idea you voted for has a new status.",
	 "Status",
	 "Our answer",
	 "The idea in the portal",
	 "Stop these e-mails",
	 {"new", "under review", "planned", "done", "declined"}},
};

static size_t lang_index(const char *lang)
{
	for (size_t i = 0; lang && i < 3; i++)
		if (!strncmp(lang, notice_text[i].lang, 2) &&
		    (!lang[2] || lang[2] == '-' || lang[2] == '_'))
			return i;
	return 3;
}

int fl_idea_notice_text(const char *lang, const struct fl_idea *i, int author, const char *url,
			const char *unsub_url, fl_arena *a, const char **msg_subject,
			const char **msg_body)
{
	const size_t k = lang_index(lang);
	const int st = fl_idea_status_parse(fl_str_c(i->status ? i->status : ""));
	const char *status = st >= 0 ? notice_text[k].status[st] : i->status;
	fl_buf subject, body;
	int rc;

	fl_buf_init(&subject, 0);
	fl_buf_init(&body, 0);
	rc = fl_buf_adds(&subject, notice_text[k].subject) || fl_buf_adds(&subject, i->title) ||
	     fl_buf_addf(&subject, " — %s", status) ||
	     fl_buf_addf(&body, "%s\n\n", author ? notice_text[k].yours : notice_text[k].voted) ||
	     fl_buf_adds(&body, i->title) ||
	     fl_buf_addf(&body, "\n%s: %s\n", notice_text[k].now, status) ||
	     (i->answer && *i->answer &&
	      (fl_buf_addf(&body, "\n%s:\n", notice_text[k].answer) ||
	       fl_buf_adds(&body, i->answer) || fl_buf_adds(&body, "\n"))) ||
	     (url && fl_buf_addf(&body, "\n%s: %s\n", notice_text[k].see, url)) ||
	     (unsub_url && fl_buf_addf(&body, "\n-- \n%s: %s\n", notice_text[k].unsub, unsub_url));
	if (!rc) {
		*msg_subject = fl_arena_strdup(a, subject.p);
		*msg_body = fl_arena_strdup(a, body.p);
		rc = *msg_subject && *msg_body ? 0 : FL_ENOMEM;
	} else {
		rc = FL_ENOMEM;
	}
	fl_buf_free(&subject);
	fl_buf_free(&body);
	return rc;
}

int fl_idea_notify_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "", 0, NULL);
	const int64_t idea_id = json_integer_value(json_object_get(p, "idea_id"));
	const int64_t after = json_integer_value(json_object_get(p, "after"));
	const char *status = json_string_value(json_object_get(p, "status"));
	struct fl_idea i;
	int64_t *people, now = fl_now();
	size_t n = 0;
	char *base = NULL, url[512];
	fl_arena a;
	int rc;

	if (idea_id <= 0 || !status) {
		json_decref(p);
		return fl_err_set(e, FL_EINVAL, "payload", "InvalidValue",
				  "idea-notify: the payload names no idea and status");
	}
	fl_arena_init(&a, 0);
	rc = fl_store_idea_get(tx, idea_id, 0, &a, &i);
	if (rc == FL_ENOTFOUND || (!rc && strcmp(i.status, status))) {
		/* gone, or changed again since: that change tells its own news */
		rc = 0;
		goto out;
	}
	if (!rc && after == 0) {
		/* the first batch: news already sent is not news again (planned →
		 * new → planned before the jobs ran sends "planned" once); the
		 * batches after it belong to a job that was news */
		char *announced = NULL;
		if ((rc = fl_store_idea_announced(tx, idea_id, &a, &announced)))
			goto out;
		if (!strcmp(announced, status))
			goto out;
		if ((rc = fl_store_idea_announce(tx, idea_id, status)))
			goto out;
	}
	if (!rc && !i.public) {
		/* a private idea is news for its author only: the voters may no
		 * longer read it, and its title would tell them what it holds */
		people = &i.author_id;
		n = after == 0;
	} else if (!rc) {
		rc = fl_store_idea_audience(tx, idea_id, after, FL_IDEA_NOTIFY_BATCH, &a, &people,
					    &n);
	}
	url[0] = 0;
	if (!rc && fl_site_url(tx, &a, &base) == 0)
		snprintf(url, sizeof url, "%s/portal/ideas/%" PRId64, base, idea_id);
	for (size_t k = 0; !rc && k < n; k++) {
		struct fl_user u;
		const char *subject, *body;
		char *unsub_url = NULL;
		int unsub = 0, bounced = 0;

		rc = fl_store_user_get(tx, people[k], &a, &u);
		if (rc == FL_ENOTFOUND) {
			rc = 0;
			continue;
		}
		/* news of an idea is mail the desk sends unasked: not to someone
		 * who said no more (feedback/unsub.h) or whose address bounces,
		 * and with the link to say no more */
		if (!rc)
			rc = fl_unsub_is(tx, u.id, &unsub);
		if (!rc && !unsub)
			rc = fl_unsub_bouncing(tx, u.email, &bounced);
		if (rc || !u.active || unsub || bounced)
			continue;
		if ((rc = fl_unsub_url(tx, u.id, &a, &unsub_url)) == FL_ENOTFOUND) {
			rc = 0; /* no public URL yet: a mail without the link */
			unsub_url = NULL;
		}
		if (!rc)
			rc = fl_idea_notice_text(u.locale, &i, u.id == i.author_id,
						 *url ? url : NULL, unsub_url, &a, &subject, &body);
		if (!rc)
			rc = fl_message_send(tx, &(struct fl_message){u.id, 0, subject, body,
								      unsub_url});
	}
	if (!rc && n == FL_IDEA_NOTIFY_BATCH) {
		char next[128];
		snprintf(next, sizeof next,
			 "{\"idea_id\":%" PRId64 ",\"status\":\"%s\",\"after\":%" PRId64 "}",
			 idea_id, i.status, people[n - 1]);
		rc = fl_store_job_enqueue(tx, "idea-notify", next, now, 5, NULL, now);
	}
out:
	fl_arena_free(&a);
	json_decref(p);
	return rc;
}

int fl_idea_report_csv(const struct fl_idea *ideas, size_t n, fl_buf *out)
{
	int rc = fl_csv_text(out, 1, "id") || fl_csv_text(out, 0, "title") ||
		 fl_csv_text(out, 0, "status") || fl_csv_text(out, 0, "votes") ||
		 fl_csv_text(out, 0, "comments") || fl_csv_text(out, 0, "author") ||
		 fl_csv_text(out, 0, "created_at") || fl_csv_end(out);

	for (size_t k = 0; !rc && k < n; k++) {
		char at[21];
		fl_time_iso(ideas[k].created_at, at);
		rc = fl_csv_int(out, 1, ideas[k].id) || fl_csv_text(out, 0, ideas[k].title) ||
		     fl_csv_text(out, 0, ideas[k].status) ||
		     fl_csv_int(out, 0, ideas[k].vote_count) ||
		     fl_csv_int(out, 0, ideas[k].comment_count) ||
		     fl_csv_text(out, 0, ideas[k].author_name) || fl_csv_text(out, 0, at) ||
		     fl_csv_end(out);
	}
	return rc ? FL_ENOMEM : 0;
}
