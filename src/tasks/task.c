/* Follow-up tasks and the satisfaction check-in (task.h tells the rules). */
#include "tasks/task.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "store/jobs.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/tasks.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"

static const char *const status_names[FL_TASK__MAX] = {"overdue", "due", "upcoming", "done"};

const char *fl_task_status_name(int s)
{
	return s >= 0 && s < FL_TASK__MAX ? status_names[s] : "upcoming";
}

int fl_task_status_parse(const char *z)
{
	for (int i = 0; z && i < FL_TASK__MAX; i++)
		if (!strcmp(z, status_names[i]))
			return i;
	return -1;
}

int fl_task_status(const struct fl_task *t, int64_t now)
{
	if (t->done_at)
		return FL_TASK_DONE;
	if (!t->due_at)
		return FL_TASK_UPCOMING;
	if (t->due_at <= now)
		return FL_TASK_OVERDUE;
	return t->due_at - now <= FL_TASK_DUE_WINDOW ? FL_TASK_DUE : FL_TASK_UPCOMING;
}

/* The title without the white space around it, in a; NULL when blank. */
static char *trimmed(const char *z, fl_arena *a)
{
	size_t n;

	while (*z == ' ' || *z == '\t')
		z++;
	n = strlen(z);
	while (n && (z[n - 1] == ' ' || z[n - 1] == '\t'))
		n--;
	return n ? fl_arena_strndup(a, z, n) : NULL;
}

int fl_task_apply(struct fl_task *t, const struct fl_task_patch *p, const struct fl_actor *actor,
		  int64_t now, fl_arena *a, struct fl_err *e)
{
	struct fl_task n = *t;

	if (p->has_title) {
		if (!p->title || !(n.title = trimmed(p->title, a)))
			return fl_err_set(e, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
		if (fl_utf8_len(n.title, strlen(n.title)) > FL_TASK_TITLE_MAX)
			return fl_err_set(e, FL_EINVAL, "title", "TooLong",
					  "Title: at most %d characters", FL_TASK_TITLE_MAX);
		/* one line: it is a mail's subject and a list's row */
		for (const char *c = n.title; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return fl_err_set(e, FL_EINVAL, "title", "InvalidValue",
						  "Title: one line, without control characters");
	}
	if (!n.title)
		return fl_err_set(e, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (p->has_notes) {
		n.notes = (char *)(p->notes ? p->notes : "");
		if (strlen(n.notes) > FL_TASK_NOTES_MAX)
			return fl_err_set(e, FL_EINVAL, "notes", "TooLong",
					  "Notes: at most %d bytes", FL_TASK_NOTES_MAX);
	}
	if (p->has_due_at && p->due_at != t->due_at) {
		if (p->due_at &&
		    (p->due_at < now - FL_TASK_DUE_PAST || p->due_at > now + FL_TASK_DUE_FUTURE))
			return fl_err_set(e, FL_EINVAL, "due_at", "InvalidValue",
					  "Due at: within a year before now and five years "
					  "after");
		n.due_at = p->due_at;
		n.reminded_at = 0; /* a new due time: remind again */
	}
	if (p->has_owner)
		n.owner_id = p->owner_id;
	if (p->has_done && p->done && !t->done_at) {
		n.done_at = now;
		n.done_by = actor->id;
	} else if (p->has_done && !p->done) {
		n.done_at = n.done_by = 0;
	}
	if (!n.owner_id)
		n.owner_id = actor->id;
	n.updated_at = now;
	if (!n.created_at) {
		n.created_at = now;
		n.created_by = actor->id;
	}
	*t = n;
	return 0;
}

/* The owner is an agent who may work: 422 naming owner_id otherwise. */
static int check_owner(struct fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e)
{
	struct fl_user u;
	int rc = fl_store_user_get(tx, id, a, &u);

	if (rc == FL_ENOTFOUND || (!rc && (u.role < FL_ROLE_AGENT || !u.active || u.suspended)))
		return fl_err_set(e, FL_EINVAL, "owner_id", "InvalidValue",
				  "Owner: %" PRId64 " is not an active agent", id);
	return rc;
}

/* Records what happened to task t in its ticket's audit log, by actor:
 * one "task" event, without touching the ticket itself (its updated_at
 * and its rules stay as they were: a task is beside the conversation). */
static int audit(struct fl_tx *tx, int64_t author, const struct fl_task *t, const char *what,
		 int64_t now, fl_arena *a)
{
	struct fl_audit *au = fl_arena_alloc(a, sizeof *au);
	char due[21] = "none", head[96];
	fl_buf b;
	int rc;

	if (!au)
		return FL_ENOMEM;
	memset(au, 0, sizeof *au);
	if (t->due_at)
		fl_time_iso(t->due_at, due);
	snprintf(head, sizeof head, "Task %" PRId64 " %s: ", t->id, what);
	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&b, head) || fl_buf_adds(&b, t->title) ||
	     fl_buf_addf(&b, " (owner %" PRId64 ", due %s)", t->owner_id, due);
	if (rc) {
		fl_buf_free(&b);
		return FL_ENOMEM;
	}
	au->ticket_id = t->ticket_id;
	au->author_id = author;
	au->channel = FL_CHANNEL_API;
	au->created_at = now;
	au->events[0] =
		(struct fl_event){0, FL_EVENT_CHANGE, "task", fl_arena_strdup(a, b.p), NULL, 0};
	au->nevents = 1;
	fl_buf_free(&b);
	if (!au->events[0].value)
		return FL_ENOMEM;
	return fl_store_audit_insert(tx, au);
}

/* Tells the agents watching live that task t changed (their panels and
 * counts): only ids travel. */
static int announce(struct fl_tx *tx, const char *type, const struct fl_task *t, int64_t actor)
{
	char ev[200];
	snprintf(ev, sizeof ev,
		 "%s {\"task_id\":%" PRId64 ",\"ticket_id\":%" PRId64 ",\"owner_id\":%" PRId64
		 ",\"actor_id\":%" PRId64 ",\"due_at\":%" PRId64 "}",
		 type, t->id, t->ticket_id, t->owner_id, actor, t->due_at);
	return fl_store_notify(tx, ev);
}

static int agent_only(const struct fl_actor *actor, struct fl_err *e)
{
	return actor->role >= FL_ROLE_AGENT
		       ? 0
		       : fl_err_set(e, FL_EFORBIDDEN, NULL, NULL, "Tasks are for agents");
}

int fl_task_create(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		   const struct fl_task_patch *p, fl_arena *a, struct fl_task *out,
		   struct fl_err *e)
{
	struct fl_ticket tk;
	struct fl_task t = {.ticket_id = ticket_id};
	int64_t now = fl_now(), n;
	int rc;

	if ((rc = agent_only(actor, e)) || (rc = fl_ticket_load(tx, actor, ticket_id, a, &tk)))
		return rc;
	if (tk.status == FL_STATUS_CLOSED)
		return fl_err_set(e, FL_EINVAL, "ticket_id", "Closed",
				  "Ticket: closed, so it takes no new tasks");
	if ((rc = fl_task_apply(&t, p, actor, now, a, e)))
		return rc;
	if ((rc = check_owner(tx, t.owner_id, a, e)))
		return rc;
	/* counted under the lock, so two writers cannot both add the last */
	if ((rc = fl_store_limit_lock(tx, "tasks")) ||
	    (rc = fl_store_task_count(tx, ticket_id, &n)))
		return rc;
	if (n >= FL_TASKS_PER_TICKET)
		return fl_err_set(e, FL_EINVAL, "ticket_id", "TooLong",
				  "A ticket keeps at most %d tasks", FL_TASKS_PER_TICKET);
	if ((rc = fl_store_task_insert(tx, &t)) ||
	    (rc = audit(tx, actor->id, &t, "added", now, a)) ||
	    (rc = announce(tx, "task.changed", &t, actor->id)))
		return rc;
	t.ticket_subject = tk.subject;
	*out = t;
	return 0;
}

int fl_task_get(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		struct fl_task *out)
{
	struct fl_ticket tk;
	struct fl_task t;
	int rc;

	if (actor->role < FL_ROLE_AGENT)
		return FL_ENOTFOUND;
	if ((rc = fl_store_task_get(tx, id, a, &t)))
		return rc;
	/* a deleted ticket's tasks go with it */
	if ((rc = fl_ticket_load(tx, actor, t.ticket_id, a, &tk)))
		return rc;
	*out = t;
	return 0;
}

/* What a change did, for the audit log. */
static const char *what_changed(const struct fl_task *was, const struct fl_task *t)
{
	if (!was->done_at && t->done_at)
		return "done";
	if (was->done_at && !t->done_at)
		return "reopened";
	return "changed";
}

int fl_task_update(struct fl_tx *tx, const struct fl_actor *actor, int64_t id,
		   const struct fl_task_patch *p, fl_arena *a, struct fl_task *out,
		   struct fl_err *e)
{
	struct fl_task t, was;
	int64_t now = fl_now();
	int rc;

	if ((rc = agent_only(actor, e)) || (rc = fl_task_get(tx, actor, id, a, &t)))
		return rc;
	was = t;
	if ((rc = fl_task_apply(&t, p, actor, now, a, e)))
		return rc;
	if (p->has_owner && t.owner_id != was.owner_id && (rc = check_owner(tx, t.owner_id, a, e)))
		return rc;
	if ((rc = fl_store_task_update(tx, &t)) ||
	    (rc = audit(tx, actor->id, &t, what_changed(&was, &t), now, a)) ||
	    (rc = announce(tx, "task.changed", &t, actor->id)))
		return rc;
	*out = t;
	return 0;
}

int fl_task_delete(struct fl_tx *tx, const struct fl_actor *actor, int64_t id, fl_arena *a,
		   struct fl_err *e)
{
	struct fl_task t;
	int rc;

	if ((rc = agent_only(actor, e)) || (rc = fl_task_get(tx, actor, id, a, &t)))
		return rc;
	if ((rc = fl_store_task_delete(tx, id)) ||
	    (rc = audit(tx, actor->id, &t, "deleted", fl_now(), a)))
		return rc;
	return announce(tx, "task.changed", &t, actor->id);
}

/* The reminder in the four languages of the desk: the subject (the
 * task's title follows it), the body's first line, and the labels of the
 * task, its due time, its ticket (the number follows) and its notes. */
static const struct {
	const char *lang, *subject, *intro, *task, *due, *ticket, *notes;
} remind_text[] = {
	{"uk", "Час виконати завдання: ", "Настав час виконати ваше завдання.", "Завдання",
	 "Термін", "Запит", "Нотатки"},
	{"ru", "Пора выполнить задачу: ", "Пришло время выполнить вашу задачу.", "Задача", "Срок",
	 "Запрос", "Заметки"},
	{"lt", "Atėjo užduoties laikas: ", "Atėjo laikas atlikti jūsų užduotį.", "Užduotis",
	 "Terminas", "Užklausa", "Pastabos"},
	{"en", "Task due: ", "A follow-up task of yours is due.", "Task", "Due", "Ticket", "Notes"},
};

/* The index in remind_text and checkin_text of locale lang ("uk",
 * "uk-UA", "ru_RU"…); English for any other or none. */
static size_t lang_index(const char *lang)
{
	static const char *const langs[] = {"uk", "ru", "lt"};

	for (size_t i = 0; lang && i < sizeof langs / sizeof *langs; i++)
		if (!strncmp(lang, langs[i], 2) && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
			return i;
	return 3;
}

int fl_task_remind_text(const char *lang, const struct fl_task *t, fl_arena *a,
			const char **msg_subject, const char **msg_body)
{
	const size_t k = lang_index(lang);
	char due[21];
	fl_buf subject, body;
	int rc;

	fl_time_iso(t->due_at, due);
	fl_buf_init(&subject, 0);
	fl_buf_init(&body, 0);
	rc = fl_buf_adds(&subject, remind_text[k].subject) || fl_buf_adds(&subject, t->title) ||
	     fl_buf_addf(&body, "%s\n\n%s: ", remind_text[k].intro, remind_text[k].task) ||
	     fl_buf_adds(&body, t->title) ||
	     fl_buf_addf(&body, "\n%s: %s\n%s #%" PRId64 ": ", remind_text[k].due, due,
			 remind_text[k].ticket, t->ticket_id) ||
	     fl_buf_adds(&body, t->ticket_subject ? t->ticket_subject : "") ||
	     fl_buf_adds(&body, "\n") ||
	     (t->notes && *t->notes &&
	      (fl_buf_addf(&body, "\n%s:\n", remind_text[k].notes) ||
	       fl_buf_adds(&body, t->notes) || fl_buf_adds(&body, "\n")));
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

/* The owner's reminder: the task and its ticket, in plain text, in the
 * owner's language. */
static int remind_one(struct fl_tx *tx, const struct fl_task *t, int64_t now, fl_arena *a)
{
	const char *subject, *body;
	int rc = fl_task_remind_text(t->owner_locale, t, a, &subject, &body);

	if (!rc)
		rc = fl_store_task_reminded(tx, t->id, now);
	if (!rc)
		rc = announce(tx, "task.due", t, FL_SYSTEM_USER_ID);
	if (!rc)
		rc = fl_message_send(tx, &(struct fl_message){t->owner_id, t->ticket_id, subject,
							      body});
	return rc;
}

int fl_task_remind(struct fl_tx *tx, int64_t now, size_t max, size_t *n)
{
	fl_arena a;
	struct fl_task *due;
	size_t k = 0;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_task_due(tx, now, max, &a, &due, &k);
	for (size_t i = 0; !rc && i < k; i++)
		rc = remind_one(tx, &due[i], now, &a);
	fl_arena_free(&a);
	if (!rc)
		*n = k;
	return rc;
}

int fl_task_checkin_days(struct fl_tx *tx, int *days)
{
	fl_arena a;
	char *v = NULL;
	int64_t d = 0;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, FL_TASK_CHECKIN_SETTING, &a, &v);
	if (rc == FL_ENOTFOUND)
		rc = 0;
	/* a value that does not read (written by hand) is off */
	if (!rc && v && (fl_str_to_i64(fl_str_c(v), &d) || d < 0 || d > FL_TASK_CHECKIN_DAYS_MAX))
		d = 0;
	fl_arena_free(&a);
	if (!rc)
		*days = (int)d;
	return rc;
}

int fl_task_set_checkin_days(struct fl_tx *tx, int days, struct fl_err *e)
{
	char v[16];

	if (days < 0 || days > FL_TASK_CHECKIN_DAYS_MAX)
		return fl_err_set(e, FL_EINVAL, "checkin_days", "InvalidValue",
				  "Check-in days: a whole number from 0 (off) to %d",
				  FL_TASK_CHECKIN_DAYS_MAX);
	snprintf(v, sizeof v, "%d", days);
	return fl_store_setting_set(tx, FL_TASK_CHECKIN_SETTING, v);
}

/* The check-in in the four languages of the desk: a subject (the ticket's
 * follows it) and a body (the ticket's number in it). */
static const struct {
	const char *lang, *subject, *body;
} checkin_text[] = {
	{"uk", "Як справи? ",
	 "Вітаємо!\n\nНещодавно ми розв'язали ваш запит #%" PRId64
	 ". Чи все працює як слід?\n\nЯкщо ні, просто дайте відповідь на цей лист — ми "
	 "повернемося до нього.\n"},
	{"ru", "Как дела? ",
	 "Здравствуйте!\n\nНедавно мы решили ваш запрос #%" PRId64
	 ". Всё ли работает как надо?\n\nЕсли нет, просто ответьте на это письмо — мы "
	 "вернёмся к нему.\n"},
	{"lt", "Kaip sekasi? ",
	 "Sveiki!\n\nNeseniai išsprendėme jūsų užklausą #%" PRId64
	 ". Ar viskas veikia kaip turėtų?\n\nJei ne, tiesiog atsakykite į šį laišką — mes "
	 "prie jo grįšime.\n"},
	{"en", "How are things? ",
	 "Hello,\n\nWe recently solved your request #%" PRId64
	 ". Is everything working as it should?\n\nIf not, just reply to this message and "
	 "we will pick it up again.\n"},
};

int fl_task_checkin_text(const char *lang, int64_t ticket_id, const char *subject, fl_arena *a,
			 const char **msg_subject, const char **body)
{
	const size_t k = lang_index(lang); /* English unless the language is one of ours */
	fl_buf s, b;
	int rc;

	fl_buf_init(&s, 0);
	fl_buf_init(&b, 0);
	rc = fl_buf_adds(&s, checkin_text[k].subject) || fl_buf_adds(&s, subject ? subject : "") ||
	     fl_buf_addf(&b, checkin_text[k].body, ticket_id);
	if (!rc) {
		*msg_subject = fl_arena_strdup(a, s.p);
		*body = fl_arena_strdup(a, b.p);
		rc = *msg_subject && *body ? 0 : FL_ENOMEM;
	} else {
		rc = FL_ENOMEM;
	}
	fl_buf_free(&s);
	fl_buf_free(&b);
	return rc;
}

int fl_task_checkin(struct fl_tx *tx, int64_t now, int days, size_t max, size_t *n)
{
	fl_arena a;
	struct fl_store_checkin *due;
	int64_t to = now - (int64_t)days * 86400;
	size_t k = 0;
	int rc;

	if (!days) {
		*n = 0;
		return 0;
	}
	fl_arena_init(&a, 0);
	rc = fl_store_checkin_due(tx, to - FL_TASK_CHECKIN_SLACK, to, max, &a, &due, &k);
	for (size_t i = 0; !rc && i < k; i++) {
		const char *subject, *body;
		struct fl_audit *au = fl_arena_alloc(&a, sizeof *au);
		char value[64];

		if (!au) {
			rc = FL_ENOMEM;
			break;
		}
		rc = fl_task_checkin_text(due[i].locale, due[i].ticket_id, due[i].subject, &a,
					  &subject, &body);
		if (!rc)
			rc = fl_store_checkin_add(tx, due[i].ticket_id, due[i].requester_id, now);
		if (!rc)
			rc = fl_message_send(tx,
					     &(struct fl_message){due[i].requester_id,
								  due[i].ticket_id, subject, body});
		if (rc)
			break;
		memset(au, 0, sizeof *au);
		snprintf(value, sizeof value, "sent to %" PRId64 " after %d days",
			 due[i].requester_id, days);
		au->ticket_id = due[i].ticket_id;
		au->author_id = FL_SYSTEM_USER_ID;
		au->channel = FL_CHANNEL_API;
		au->created_at = now;
		au->events[0] = (struct fl_event){
			0, FL_EVENT_CHANGE, "checkin", fl_arena_strdup(&a, value), NULL, 0};
		au->nevents = 1;
		rc = au->events[0].value ? fl_store_audit_insert(tx, au) : FL_ENOMEM;
	}
	fl_arena_free(&a);
	if (!rc)
		*n = k;
	return rc;
}

int fl_task_pass(struct fl_tx *tx, int64_t now, size_t *reminded, size_t *checkins)
{
	int days = 0;
	int rc = fl_task_remind(tx, now, FL_TASK_PASS_MAX, reminded);

	if (!rc)
		rc = fl_task_checkin_days(tx, &days);
	return rc ? rc : fl_task_checkin(tx, now, days, FL_TASK_PASS_MAX, checkins);
}

int fl_task_remind_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	size_t reminded = 0, checkins = 0;
	int rc = fl_task_pass(tx, fl_now(), &reminded, &checkins);

	(void)job;
	return rc ? fl_err_set(e, rc, NULL, NULL, "cannot send the task reminders due") : 0;
}
