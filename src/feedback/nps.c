/* NPS surveys (feedback/nps.h). */
#include "feedback/nps.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "feedback/nps_score.h"
#include "feedback/unsub.h"
#include "portal/link.h"
#include "portal/portal.h"
#include "portal/site.h"
#include "store/jobs.h"
#include "store/settings.h"
#include "store/tiers.h"
#include "store/users.h"
#include "tasks/task.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"

/* ---- the mail ------------------------------------------------------------ */

struct mail_words {
	const char *lang, *subject, *question, *click, *low, *high, *unsub;
};

static const struct mail_words mail_words[] = {
	{"en", "A quick question", "How likely are you to recommend us to a friend or colleague?",
	 "Click the number that fits, from 0 (not at all likely) to 10 (extremely likely):",
	 "not at all likely", "extremely likely",
	 "To receive no more surveys from us, unsubscribe here:"},
	{"uk", "Коротке запитання",
	 "Наскільки ймовірно, що ви порекомендуєте нас другові чи колезі?",
	 "Натисніть відповідне число — від 0 (зовсім малоймовірно) до 10 (дуже ймовірно):",
	 "зовсім малоймовірно", "дуже ймовірно",
	 "Щоб більше не отримувати від нас опитувань, відпишіться тут:"},
	{"ru", "Короткий вопрос",
	 "Насколько вероятно, что вы порекомендуете нас другу или коллеге?",
	 "Нажмите подходящее число — от 0 (совсем маловероятно) до 10 (очень вероятно):",
	 "совсем маловероятно", "очень вероятно",
	 "Чтобы больше не получать от нас опросов, отпишитесь здесь:"},
	{"lt", "Trumpas klausimas", "Kaip tikėtina, kad rekomenduotumėte mus draugui ar kolegai?",
	 "Spustelėkite tinkamą skaičių – nuo 0 (visai netikėtina) iki 10 (labai tikėtina):",
	 "visai netikėtina", "labai tikėtina",
	 "Jei nebenorite gauti mūsų apklausų, atsisakykite čia:"},
};

static const struct mail_words *mail_in(const char *lang)
{
	for (size_t i = 0; i < sizeof mail_words / sizeof *mail_words; i++)
		if (lang && !strncmp(lang, mail_words[i].lang, 2))
			return &mail_words[i];
	return &mail_words[0];
}

/* The survey's own question in lang, else in English, else NULL. */
static const char *own_question(const struct fl_nps_survey *s, const char *lang, fl_arena *a)
{
	json_t *q = s->question ? json_loads(s->question, 0, NULL) : NULL;
	const char *v = NULL;
	char *out = NULL;

	if (json_is_object(q)) {
		v = json_string_value(json_object_get(q, lang));
		if (!v)
			v = json_string_value(json_object_get(q, "en"));
		if (v)
			out = fl_arena_strdup(a, v);
	}
	json_decref(q);
	return out;
}

int fl_nps_mail_text(const struct fl_nps_survey *s, const char *lang, const char *base,
		     const char *token, const char *unsub, fl_arena *a, const char **subject,
		     const char **body)
{
	const struct mail_words *w = mail_in(lang);
	const char *q = own_question(s, w->lang, a);
	fl_buf b;
	int rc;

	fl_buf_init(&b, 1u << 16);
	rc = fl_buf_addf(&b, "%s\n\n%s\n\n", q ? q : w->question, w->click);
	for (int i = 0; !rc && i <= FL_NPS_SCORE_MAX; i++)
		rc = fl_buf_addf(&b, "%2d%s  %s%s%s?score=%d\n", i, i == 0 ? "" : "",
				 base ? base : "", FL_NPS_PATH, token ? token : "TOKEN", i);
	if (!rc)
		rc = fl_buf_addf(&b, "\n0 = %s, 10 = %s\n", w->low, w->high);
	if (!rc && unsub)
		rc = fl_buf_addf(&b, "\n-- \n%s\n%s\n", w->unsub, unsub);
	if (!rc && !(*body = fl_arena_strdup(a, b.p ? b.p : "")))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	if (!rc)
		*subject = q ? q : w->subject;
	return rc;
}

/* ---- surveys ------------------------------------------------------------- */

/* Whether z is only white space. */
static int blank(const char *z)
{
	while (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r')
		z++;
	return !*z;
}

static int check_question(const char *text, struct fl_err *e)
{
	static const char *const langs[] = {"uk", "ru", "lt", "en"};
	json_t *q, *v;
	const char *k;
	int rc = 0;

	if (!text)
		return 0;
	q = json_loads(text, 0, NULL);
	if (!json_is_object(q) || !json_object_size(q))
		rc = fl_err_set(e, FL_EINVAL, "question", "InvalidValue",
				"Question: an object of a text by language (uk, ru, lt, en)");
	json_object_foreach(q, k, v)
	{
		int known = 0;
		if (rc)
			break;
		for (size_t i = 0; i < 4; i++)
			known |= !strcmp(k, langs[i]);
		if (!known)
			rc = fl_err_set(e, FL_EINVAL, "question", "InvalidValue",
					"Question: %s is not a language we write (uk, ru, lt, en)",
					strlen(k) > 8 ? "a key" : k);
		else if (!json_is_string(v) || !json_string_length(v) ||
			 fl_utf8_len(json_string_value(v), json_string_length(v)) >
				 FL_NPS_QUESTION_MAX)
			rc = fl_err_set(e, FL_EINVAL, "question", "InvalidValue",
					"Question: each text 1 to %d characters",
					FL_NPS_QUESTION_MAX);
	}
	json_decref(q);
	return rc;
}

int fl_nps_survey_check(fl_tx *tx, struct fl_nps_survey *s, struct fl_err *e)
{
	int rc;

	if (!s->name || blank(s->name))
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (fl_utf8_len(s->name, strlen(s->name)) > FL_NPS_NAME_MAX)
		return fl_err_set(e, FL_EINVAL, "name", "TooLong", "Name: at most %d characters",
				  FL_NPS_NAME_MAX);
	if (!s->audience || (strcmp(s->audience, "solved") && strcmp(s->audience, "organization") &&
			     strcmp(s->audience, "tier")))
		return fl_err_set(e, FL_EINVAL, "audience", "InvalidValue",
				  "Audience: solved, organization or tier");
	if (!s->audience_days)
		s->audience_days = 30;
	if (s->audience_days < 1 || s->audience_days > FL_NPS_AUDIENCE_DAYS_MAX)
		return fl_err_set(e, FL_EINVAL, "audience_days", "InvalidValue",
				  "Audience days: 1 to %d", FL_NPS_AUDIENCE_DAYS_MAX);
	if (s->cool_off_days < 0 || s->cool_off_days > FL_NPS_COOL_OFF_MAX)
		return fl_err_set(e, FL_EINVAL, "cool_off_days", "InvalidValue",
				  "Cool-off days: 0 to %d", FL_NPS_COOL_OFF_MAX);
	if (!s->on_detractor)
		s->on_detractor = "none";
	if (strcmp(s->on_detractor, "none") && strcmp(s->on_detractor, "ticket") &&
	    strcmp(s->on_detractor, "task"))
		return fl_err_set(e, FL_EINVAL, "on_detractor", "InvalidValue",
				  "On detractor: none, ticket or task");
	if ((rc = check_question(s->question, e)))
		return rc;
	if (!strcmp(s->audience, "organization")) {
		struct fl_org o;
		fl_arena a;
		s->tier_id = 0;
		fl_arena_init(&a, 0);
		rc = s->organization_id > 0 ? fl_store_org_get(tx, s->organization_id, &a, &o)
					    : FL_ENOTFOUND;
		fl_arena_free(&a);
		if (rc)
			return rc == FL_ENOTFOUND
				       ? fl_err_set(e, FL_EINVAL, "organization_id", "InvalidValue",
						    "Organization: no such organization")
				       : rc;
	} else if (!strcmp(s->audience, "tier")) {
		struct fl_tier t;
		fl_arena a;
		s->organization_id = 0;
		if (s->tier_id <= 0)
			return fl_err_set(e, FL_EINVAL, "tier_id", "InvalidValue",
					  "Tier: no such tier");
		fl_arena_init(&a, 0);
		rc = fl_store_tier_get(tx, s->tier_id, &a, &t);
		fl_arena_free(&a);
		if (rc)
			return rc == FL_ENOTFOUND ? fl_err_set(e, FL_EINVAL, "tier_id",
							       "InvalidValue", "Tier: no such tier")
						  : rc;
	} else {
		s->organization_id = s->tier_id = 0;
	}
	return 0;
}

int fl_nps_survey_create(fl_tx *tx, const struct fl_actor *actor, struct fl_nps_survey *s,
			 int64_t now, struct fl_err *e)
{
	int rc = fl_nps_survey_check(tx, s, e);

	if (rc)
		return rc;
	s->status = "draft";
	s->created_by = actor->id;
	s->created_at = s->updated_at = now;
	return fl_store_nps_survey_insert(tx, s);
}

/* Queues the "nps-send" job for survey id's batch after user id after,
 * at run_at. Its unique key is the survey and the place: one job a batch,
 * queued once however often the batch before it runs. */
static int queue_batch(fl_tx *tx, int64_t id, int64_t after, int64_t run_at)
{
	char payload[96], key[64];

	snprintf(payload, sizeof payload, "{\"survey_id\":%lld,\"after\":%lld}", (long long)id,
		 (long long)after);
	snprintf(key, sizeof key, "nps-send:%lld:%lld", (long long)id, (long long)after);
	return fl_store_job_enqueue(tx, "nps-send", payload, run_at, 10, key, fl_now());
}

int fl_nps_send(fl_tx *tx, int64_t id, int64_t now, fl_arena *a, struct fl_nps_survey *out,
		struct fl_err *e)
{
	struct fl_nps_survey s;
	int rc = fl_store_nps_survey_get(tx, id, a, &s);

	if (rc)
		return rc;
	if (strcmp(s.status, "draft"))
		return fl_err_set(e, FL_EINVAL, "status", "AlreadySent",
				  "Status: this survey is %s already; make a new one to ask again",
				  s.status);
	s.status = "sending";
	s.updated_at = now;
	if ((rc = fl_store_nps_survey_update(tx, &s)) || (rc = queue_batch(tx, id, 0, now)))
		return rc;
	return fl_store_nps_survey_get(tx, id, a, out);
}

/* ---- sending ------------------------------------------------------------- */

struct batch {
	int64_t survey_id;
	int64_t after; /* the place the job was queued for; -1: wherever it is */
};

/* Asks one person: their row, their links, their mail. */
static int ask(fl_tx *tx, const struct fl_nps_survey *s, const struct fl_nps_person *p,
	       const char *base, int64_t now, fl_arena *a)
{
	struct fl_nps_response r = {0};
	const char *lang = fl_portal_lang(p->locale, NULL), *subject, *body;
	char *token = NULL, *unsub = NULL;
	int rc;

	r.survey_id = s->id;
	r.user_id = p->id;
	r.locale = (char *)lang;
	r.sent_at = now;
	r.organization_id = p->organization_id;
	r.tier_id = p->tier_id;
	if ((rc = fl_store_nps_last_served(tx, p->id, &r)))
		return rc;
	if ((rc = fl_store_nps_response_insert(tx, &r)))
		return rc == FL_ECONFLICT ? 0 : rc; /* asked already by this survey */
	if ((rc = fl_link_make(tx, FL_NPS_PURPOSE,
			       &(struct fl_link){r.id, 0, now + FL_NPS_LINK_DAYS * 86400LL}, a,
			       &token)) ||
	    (rc = fl_unsub_url(tx, p->id, a, &unsub)) ||
	    (rc = fl_nps_mail_text(s, lang, base, token, unsub, a, &subject, &body)))
		return rc;
	return fl_message_send(tx, &(struct fl_message){p->id, 0, subject, body, unsub});
}

static int tx_batch(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	struct fl_nps_survey s;
	struct fl_nps_person *people = NULL;
	int64_t now = fl_now();
	size_t n = 0;
	char *base = NULL;
	fl_arena a;
	int rc;

	/* one batch of any survey at a time: on PostgreSQL two batches (two
	 * surveys, two nodes) would each read the other's people as not asked
	 * yet and both ask them within the cool-off; the second to write this
	 * row runs again after the first, seeing its rows */
	if ((rc = fl_store_limit_lock(tx, "nps-send")))
		return rc;
	fl_arena_init(&a, 0);
	rc = fl_store_nps_survey_get(tx, b->survey_id, &a, &s);
	/* gone, sent, or this batch done already (the job ran twice): nothing */
	if (rc == FL_ENOTFOUND || (!rc && (strcmp(s.status, "sending") ||
					   (b->after >= 0 && s.last_user_id != b->after)))) {
		fl_arena_free(&a);
		return 0;
	}
	if (!rc && (rc = fl_site_url(tx, &a, &base)) == FL_ENOTFOUND)
		base = "", rc = 0;
	if (!rc)
		rc = fl_store_nps_audience(tx, &s, FL_ROLE_END_USER,
					   now - (int64_t)s.audience_days * 86400, s.last_user_id,
					   FL_NPS_BATCH, &a, &people, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t last = 0;
		int unsub = 0, bounced = 0;
		s.last_user_id = people[i].id;
		if ((rc = fl_store_nps_last_asked(tx, people[i].id, s.id, &last)))
			break;
		if (!fl_nps_may_ask(last, now, s.cool_off_days)) {
			s.skipped_cool_off++;
			continue;
		}
		if ((rc = fl_unsub_is(tx, people[i].id, &unsub)))
			break;
		if (unsub) {
			s.skipped_unsubscribed++;
			continue;
		}
		if ((rc = fl_unsub_bouncing(tx, people[i].email, &bounced)))
			break;
		if (bounced) {
			s.skipped_bouncing++;
			continue;
		}
		if (!(rc = ask(tx, &s, &people[i], base, now, &a)))
			s.sent++;
	}
	if (!rc && n < FL_NPS_BATCH) {
		s.status = "sent";
		s.sent_at = now;
	} else if (!rc) {
		/* the next batch a while later: the mail of this one is queued
		 * (run_at now) before it, and an acknowledgement or a sign-in
		 * link queued meanwhile goes ahead of the next hundred */
		rc = queue_batch(tx, s.id, s.last_user_id, now + FL_NPS_BATCH_GAP);
	}
	s.updated_at = now;
	if (!rc)
		rc = fl_store_nps_survey_update(tx, &s);
	fl_arena_free(&a);
	return rc;
}

int fl_nps_send_job(fl_store *st, const struct fl_job *job, struct fl_err *e)
{
	json_t *p = json_loads(job->payload ? job->payload : "{}", 0, NULL);
	json_t *after = json_object_get(p, "after");
	struct batch b = {json_integer_value(json_object_get(p, "survey_id")),
			  json_is_integer(after) ? json_integer_value(after) : -1};

	json_decref(p);
	if (b.survey_id <= 0)
		return fl_err_set(e, FL_EINVAL, "survey_id", "InvalidValue", "no survey to send");
	/* one batch a run, the people of it asked in one transaction, or none */
	return fl_store_write(st, tx_batch, &b);
}

/* ---- answers ------------------------------------------------------------- */

int fl_nps_response_of(fl_tx *tx, const char *token, int64_t now, fl_arena *a,
		       struct fl_nps_response *r, struct fl_err *e)
{
	struct fl_link l;
	int rc = fl_link_read(tx, FL_NPS_PURPOSE, token, now, a, &l, e);

	if (rc)
		return rc;
	rc = fl_store_nps_response_get(tx, l.a, a, r);
	/* a survey deleted since: the link is no good any more */
	return rc == FL_ENOTFOUND
		       ? fl_err_set(e, FL_EINVAL, "token", "InvalidValue", "This link is not valid")
		       : rc;
}

static const struct fl_actor desk = {FL_SYSTEM_USER_ID, FL_ROLE_ADMIN, 0};

/* The active agent id names, else 0. */
static int64_t agent_or_none(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_user u;

	if (id <= 0 || fl_store_user_get(tx, id, a, &u) || !u.active || u.role < FL_ROLE_AGENT)
		return 0;
	return id;
}

/* group_id when it names a group that still exists, else 0: a follow-up
 * goes to no group rather than not at all. */
static int64_t group_or_none(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_group g;

	if (id <= 0 || fl_store_group_get(tx, id, a, &g) || g.deleted)
		return 0;
	return id;
}

/* Whether rc is the ticket or task module refusing what was asked (its
 * checks run before it writes anything), not the store failing. */
static int refused(int rc)
{
	return rc == FL_EINVAL || rc == FL_ENOTFOUND || rc == FL_EFORBIDDEN;
}

/* Records on response id that its follow-up (or the "why?" note on it)
 * could not be made, and why; the answer stands. */
static int followup_failed(fl_tx *tx, int64_t id, const char *step, const struct fl_err *e, int rc)
{
	char why[300];

	snprintf(why, sizeof why, "%s: %s", step, e && e->msg[0] ? e->msg : fl_err_name(rc));
	return fl_store_nps_response_followup_error(tx, id, why);
}

/* The follow-up's subject and the task's title, in the customer's
 * language: the customer reads the subject (the portal, the agent's
 * reply), so it names no survey (its name is the desk's own), only their
 * score. */
static const struct {
	const char *lang, *subject, *task;
} followup_words[] = {
	{"en", "Your feedback: %d of 10", "Call back: the customer answered %d of 10"},
	{"uk", "Ваш відгук: %d з 10", "Зателефонувати: клієнт відповів %d з 10"},
	{"ru", "Ваш отзыв: %d из 10", "Перезвонить: клиент ответил %d из 10"},
	{"lt", "Jūsų atsiliepimas: %d iš 10", "Paskambinti: klientas atsakė %d iš 10"},
};

static const char *followup_in(const char *lang, int task)
{
	size_t i = 0;

	for (size_t j = 0; j < sizeof followup_words / sizeof *followup_words; j++)
		if (lang && !strncmp(lang, followup_words[j].lang, 2))
			i = j;
	return task ? followup_words[i].task : followup_words[i].subject;
}

static int followup_ticket(fl_tx *tx, const struct fl_nps_survey *s,
			   const struct fl_nps_response *r, int64_t agent, int64_t group,
			   fl_arena *a, int64_t *id, struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_ticket t;
	char subject[300], body[600];
	int rc;

	if (!p)
		return FL_ENOMEM;
	memset(p, 0, sizeof *p);
	snprintf(subject, sizeof subject, followup_in(r->locale, 0), r->score);
	snprintf(body, sizeof body,
		 "The customer answered the NPS survey \"%s\" with %d of 10: a detractor. "
		 "Contact them to learn what went wrong%s.",
		 s->name, r->score,
		 r->ticket_id ? "; their last solved request is linked below" : "");
	p->subject = subject;
	p->has_subject = 1;
	p->requester_id = r->user_id;
	p->has_requester = 1;
	p->comment_body = body;
	p->comment_public = 0;
	/* the note is the desk's own (FL_SYSTEM_USER_ID, as a trigger's), not
	 * the survey's maker's, who may have left since */
	p->quiet = 1;
	if (group)
		p->group_id = group, p->has_group = 1;
	if (agent)
		p->assignee_id = agent, p->has_assignee = 1;
	p->tags[p->ntags++] = "nps_followup";
	p->has_tags = 1;
	rc = fl_ticket_create(tx, &desk, p, a, &t, e);
	if (!rc)
		*id = t.id;
	return rc;
}

/* A detractor's answer: what the survey's on_detractor opens. The answer
 * never fails for its follow-up: an agent or group gone since is left
 * out, and what is refused still is recorded on the response
 * (followup_error). */
static int close_loop(fl_tx *tx, struct fl_nps_response *r, fl_arena *a)
{
	struct fl_nps_survey s;
	struct fl_err e = {0};
	int64_t agent, group, ticket = 0, task = 0;
	int rc = fl_store_nps_survey_get(tx, r->survey_id, a, &s);

	if (rc || !strcmp(s.on_detractor, "none") || fl_nps_kind(r->score) != FL_NPS_DETRACTOR)
		return rc;
	agent = agent_or_none(tx, r->agent_id, a);
	group = group_or_none(tx, r->group_id, a);
	if (!strcmp(s.on_detractor, "task") && agent && r->ticket_id) {
		struct fl_task_patch tp = {0};
		struct fl_task out;
		struct fl_err te = {0};
		char title[300];
		snprintf(title, sizeof title, followup_in(r->locale, 1), r->score);
		tp.title = title;
		tp.has_title = 1;
		tp.owner_id = agent;
		tp.has_owner = 1;
		tp.due_at = fl_now() + 2 * 86400;
		tp.has_due_at = 1;
		rc = fl_task_create(tx, &desk, r->ticket_id, &tp, a, &out, &te);
		if (!rc)
			task = out.id;
		else if (!refused(rc))
			return rc;
		rc = 0; /* a closed request, a full one: the ticket below instead */
	}
	if (!task && (rc = followup_ticket(tx, &s, r, agent, group, a, &ticket, &e)))
		return refused(rc) ? followup_failed(tx, r->id, "follow-up", &e, rc) : rc;
	r->followup_ticket_id = ticket;
	r->followup_task_id = task;
	return fl_store_nps_response_followup(tx, r->id, ticket, task);
}

int fl_nps_answer(fl_tx *tx, const char *token, int score, int64_t now, fl_arena *a,
		  struct fl_nps_response *r, struct fl_err *e)
{
	int rc;

	if (fl_nps_kind(score) < 0)
		return fl_err_set(e, FL_EINVAL, "score", "InvalidValue", "Score: 0 to 10");
	if ((rc = fl_nps_response_of(tx, token, now, a, r, e)))
		return rc;
	if (r->score >= 0)
		return r->score == score ? 0 : FL_ECONFLICT;
	if ((rc = fl_store_nps_response_answer(tx, r->id, score, now)))
		return rc;
	r->score = score;
	r->answered_at = now;
	return close_loop(tx, r, a);
}

int fl_nps_comment(fl_tx *tx, const char *token, const char *comment, int64_t now, fl_arena *a,
		   struct fl_nps_response *r, struct fl_err *e)
{
	size_t n = comment ? fl_utf8_len(comment, strlen(comment)) : 0;
	int rc;

	if (!comment || blank(comment))
		return fl_err_set(e, FL_EINVAL, "comment", "Blank", "Comment: cannot be blank");
	if (n > FL_NPS_COMMENT_MAX)
		return fl_err_set(e, FL_EINVAL, "comment", "TooLong",
				  "Comment: at most %d characters", FL_NPS_COMMENT_MAX);
	if ((rc = fl_nps_response_of(tx, token, now, a, r, e)))
		return rc;
	if (r->score < 0 || r->comment)
		return FL_ECONFLICT;
	if ((rc = fl_store_nps_response_comment(tx, r->id, comment)))
		return rc;
	r->comment = (char *)comment;
	/* the follow-up's agent reads why; a follow-up that takes no more
	 * notes (closed, deleted) loses the note, never the why */
	if (r->followup_ticket_id) {
		struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
		struct fl_ticket t;
		struct fl_err ne = {0};
		char *body;
		size_t len = strlen(comment) + 64;
		if (!p || !(body = fl_arena_alloc(a, len)))
			return FL_ENOMEM;
		memset(p, 0, sizeof *p);
		snprintf(body, len, "The customer's answer to \"why?\":\n\n%s", comment);
		p->comment_body = body;
		p->comment_public = 0;
		p->quiet = 1;
		rc = fl_ticket_update(tx, &desk, r->followup_ticket_id, p, a, &t, &ne);
		if (refused(rc))
			rc = followup_failed(tx, r->id, "why", &ne, rc);
	}
	return rc;
}

static const struct {
	const char *lang;
	struct fl_nps_words w;
} page_words[] = {
	{"en",
	 {"Thank you", "Thank you! Your answer is recorded.", "Would you tell us why? (optional)",
	  "Send", "Thank you for telling us.",
	  "You have answered this survey already; your first answer stands.",
	  "You have told us why already. Thank you!",
	  "This link is not valid. Use the link from the e-mail as it came.",
	  "This survey has closed. Thank you all the same.",
	  "A score is a whole number from 0 to 10.", "Your answer:",
	  "Is this your answer? Choose another if you like, then send it.", "Send my answer",
	  "Too many answers came from your address. Please try again in a few minutes."}},
	{"uk",
	 {"Дякуємо", "Дякуємо! Вашу відповідь записано.", "Розкажете, чому? (необов’язково)",
	  "Надіслати", "Дякуємо, що розповіли.",
	  "Ви вже відповіли на це опитування; зараховано вашу першу відповідь.",
	  "Ви вже розповіли, чому. Дякуємо!",
	  "Це посилання недійсне. Скористайтеся посиланням з листа в тому вигляді, в якому "
	  "воно прийшло.",
	  "Це опитування завершено. Все одно дякуємо.", "Оцінка — ціле число від 0 до 10.",
	  "Ваша відповідь:", "Це ваша відповідь? За бажання виберіть іншу, потім надішліть її.",
	  "Надіслати відповідь",
	  "З вашої адреси надійшло забагато відповідей. Спробуйте ще раз за кілька хвилин."}},
	{"ru",
	 {"Спасибо", "Спасибо! Ваш ответ записан.", "Расскажете, почему? (необязательно)",
	  "Отправить", "Спасибо, что рассказали.",
	  "Вы уже ответили на этот опрос; засчитан ваш первый ответ.",
	  "Вы уже рассказали, почему. Спасибо!",
	  "Эта ссылка недействительна. Воспользуйтесь ссылкой из письма в том виде, в каком "
	  "она пришла.",
	  "Этот опрос завершён. Всё равно спасибо.", "Оценка — целое число от 0 до 10.",
	  "Ваш ответ:", "Это ваш ответ? При желании выберите другой, затем отправьте его.",
	  "Отправить ответ",
	  "С вашего адреса пришло слишком много ответов. Попробуйте ещё раз через несколько "
	  "минут."}},
	{"lt",
	 {"Ačiū", "Ačiū! Jūsų atsakymas užregistruotas.",
	  "Gal papasakotumėte, kodėl? (neprivaloma)", "Siųsti", "Ačiū, kad papasakojote.",
	  "Į šią apklausą jau atsakėte; galioja jūsų pirmasis atsakymas.",
	  "Jau papasakojote, kodėl. Ačiū!",
	  "Ši nuoroda negalioja. Naudokite nuorodą iš laiško tokią, kokia ji atėjo.",
	  "Ši apklausa baigėsi. Vis tiek ačiū.", "Įvertinimas – sveikasis skaičius nuo 0 iki 10.",
	  "Jūsų atsakymas:",
	  "Ar tai jūsų atsakymas? Jei norite, pasirinkite kitą ir išsiųskite jį.",
	  "Siųsti atsakymą",
	  "Iš jūsų adreso atėjo per daug atsakymų. Bandykite dar kartą po kelių minučių."}},
};

const struct fl_nps_words *fl_nps_words(const char *lang)
{
	for (size_t i = 0; i < sizeof page_words / sizeof *page_words; i++)
		if (lang && !strncmp(lang, page_words[i].lang, 2))
			return &page_words[i].w;
	return &page_words[0].w;
}

/* ---- the demo ------------------------------------------------------------ */

/* The demo's follow-up, answered: the agent wrote back in the customer's
 * language and solved it, so the closed loop shows "contacted". */
static int demo_reply(fl_tx *tx, int64_t ticket, int64_t agent, const char *lang, fl_arena *a)
{
	static const char *const replies[][2] = {
		{"uk",
		 "Дякуємо за чесну оцінку. Ми розібралися, що пішло не так, і виправили це; "
		 "наступного разу все має бути швидше."},
		{"ru",
		 "Спасибо за честную оценку. Мы разобрались, что пошло не так, и исправили это; "
		 "в следующий раз всё должно быть быстрее."},
		{"lt",
		 "Ačiū už atvirą įvertinimą. Išsiaiškinome, kas nutiko, ir tai ištaisėme; "
		 "kitą kartą viskas turėtų vykti greičiau."},
		{"en",
		 "Thank you for the honest score. We found what went wrong and fixed it; "
		 "next time it should go faster."},
	};
	const struct fl_actor who = {agent, FL_ROLE_AGENT, 0};
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_ticket t;
	struct fl_err e = {0};
	size_t k = sizeof replies / sizeof *replies - 1;

	if (!p)
		return FL_ENOMEM;
	for (size_t i = 0; i < k; i++)
		if (lang && !strcmp(lang, replies[i][0]))
			k = i;
	memset(p, 0, sizeof *p);
	p->comment_body = replies[k][1];
	p->comment_public = 1;
	p->assignee_id = agent, p->has_assignee = 1;
	p->status = FL_STATUS_SOLVED, p->has_status = 1;
	p->quiet = 1; /* a demo mails nobody */
	return fl_ticket_update(tx, &who, ticket, p, a, &t, &e);
}

int fl_nps_demo(fl_tx *tx, int64_t admin_id, int64_t now, struct fl_err *e)
{
	/* Four waves over six months, so the trend has points to draw and
	 * climbs a little (each wave's scores lifted by its number). Each
	 * customer is asked every other wave, 95 days or more apart: the
	 * default cool-off holds. The first three waves open a follow-up
	 * ticket for a detractor; most were answered (contacted), and a
	 * customer who was answered gives a better score next time, so the
	 * closed loop shows each of its steps. */
	static const struct {
		char *name; /* a literal: fl_nps_survey's name is not const */
		int days_ago, lift;
	} waves[] = {
		{"Spring check", 170, -2},
		{"Summer check", 120, -1},
		{"Early autumn check", 75, 0},
		{"Autumn check", 21, 1},
	};
	static const int scores[] = {10, 9, 6, 8, 3, 10, 7, 9, 2, 10, 9, 5};
	static const char *const why[] = {
		"Відповіли швидко, але проблему довелося пояснювати двічі.",
		"Курьер опоздал на три дня, никто не предупредил.",
		"Grąžinimo teko laukti dvi savaites.",
	};
	const size_t nwaves = sizeof waves / sizeof *waves;
	struct fl_nps_person *people = NULL;
	const struct fl_actor admin = {admin_id, FL_ROLE_ADMIN, 0};
	unsigned char *answered_to = NULL; /* per customer: their follow-up was answered */
	size_t n = 0, k = 0, followups = 0;
	fl_arena a;
	int rc = 0;

	fl_arena_init(&a, 0);
	for (size_t w = 0; !rc && w < nwaves; w++) {
		const int64_t sent = now - (int64_t)waves[w].days_ago * 86400;
		const int last = w + 1 == nwaves;
		struct fl_nps_survey s = {.name = waves[w].name,
					  .audience = "solved",
					  .audience_days = 366,
					  .cool_off_days = FL_NPS_COOL_OFF_DEFAULT,
					  .on_detractor = last ? "none" : "ticket"};
		int64_t last_user = 0;

		rc = fl_nps_survey_create(tx, &admin, &s, sent - 86400, e);
		if (!rc && !people) {
			rc = fl_store_nps_audience(tx, &s, FL_ROLE_END_USER, 0, 0, 500, &a, &people,
						   &n);
			if (!rc && n && !(answered_to = fl_arena_alloc(&a, n)))
				rc = FL_ENOMEM;
			if (answered_to)
				memset(answered_to, 0, n);
		}
		for (size_t i = w % 2; !rc && i < n; i += 2) {
			struct fl_nps_response r = {
				.survey_id = s.id,
				.user_id = people[i].id,
				.locale = (char *)fl_portal_lang(people[i].locale, NULL),
				.sent_at = sent,
				.organization_id = people[i].organization_id,
				.tier_id = people[i].tier_id};
			int score =
				scores[(i + w) % (sizeof scores / sizeof *scores)] + waves[w].lift;

			score = score < 0 ? 0 : score > 10 ? 10 : score;
			if (answered_to[i]) /* heard, and it shows */
				score = 9;
			if ((rc = fl_store_nps_last_served(tx, people[i].id, &r)) ||
			    (rc = fl_store_nps_response_insert(tx, &r)))
				break;
			s.sent++;
			last_user = people[i].id;
			if ((i + w) % 5 == 4) /* some never answer */
				continue;
			r.score = score;
			r.answered_at = sent + (int64_t)(1 + (i * 7 + w) % 18) * 86400;
			rc = fl_store_nps_response_answer(tx, r.id, score, r.answered_at);
			if (!rc && score <= 6)
				rc = fl_store_nps_response_comment(tx, r.id, why[k++ % 3]);
			if (!rc)
				rc = close_loop(tx, &r, &a);
			/* every third follow-up still waits for its call */
			if (!rc && r.followup_ticket_id && followups++ % 3 != 2) {
				rc = demo_reply(tx, r.followup_ticket_id,
						r.agent_id ? r.agent_id : admin_id, r.locale, &a);
				answered_to[i] = !rc;
			}
		}
		if (!rc) {
			s.status = "sent";
			s.sent_at = s.updated_at = sent;
			s.last_user_id = last_user;
			rc = fl_store_nps_survey_update(tx, &s);
		}
	}
	fl_arena_free(&a);
	return rc;
}
