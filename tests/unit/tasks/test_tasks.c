/* Unit tests for src/tasks/task.c. Its pure part: where a task stands at a
 * time (overdue, due, upcoming, done) at each edge, what a change does to
 * the reminder (a new due time re-arms it, anything else keeps it), what
 * fl_task_apply refuses and the field it names, and the check-in's
 * language. Against a real store: the messages the passes hand to the
 * deliverer — a reminder to the owner once, a check-in to each requester
 * in their language once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/time.h"
#include "store/store.h"
#include "tasks/task.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"
#include "users/user.h"

#define NOW 1796634000LL /* 2026-12-07T09:00:00Z */

static const struct fl_actor agent = {7, FL_ROLE_AGENT, 0};

static void test_status_edges(void **state)
{
	(void)state;
	struct fl_task t = {.title = "Call"};

	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_UPCOMING); /* no due time */
	t.due_at = NOW;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_OVERDUE);
	t.due_at = NOW - 1;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_OVERDUE);
	t.due_at = NOW + 1;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_DUE);
	t.due_at = NOW + FL_TASK_DUE_WINDOW;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_DUE);
	t.due_at = NOW + FL_TASK_DUE_WINDOW + 1;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_UPCOMING);
	/* done wins over any due time */
	t.done_at = NOW - 5;
	t.due_at = NOW - 1000;
	assert_int_equal(fl_task_status(&t, NOW), FL_TASK_DONE);
	for (int s = 0; s < FL_TASK__MAX; s++)
		assert_int_equal(fl_task_status_parse(fl_task_status_name(s)), s);
	assert_int_equal(fl_task_status_parse("late"), -1);
	assert_int_equal(fl_task_status_parse(""), -1);
}

static void test_apply_new(void **state)
{
	(void)state;
	fl_arena a;
	struct fl_err e = {0};
	struct fl_task t = {.ticket_id = 3};
	struct fl_task_patch p = {.has_title = 1,
				  .title = "  Call the customer \t",
				  .has_due_at = 1,
				  .due_at = NOW + 3600};

	fl_arena_init(&a, 0);
	assert_int_equal(fl_task_apply(&t, &p, &agent, NOW, &a, &e), 0);
	assert_string_equal(t.title, "Call the customer");
	assert_int_equal(t.owner_id, 7); /* no owner: the one who writes it */
	assert_int_equal(t.created_by, 7);
	assert_int_equal(t.created_at, NOW);
	assert_int_equal(t.due_at, NOW + 3600);
	assert_int_equal(t.done_at, 0);
	fl_arena_free(&a);
}

/* A reminded task is reminded again only when its due time moves. */
static void test_rearm(void **state)
{
	(void)state;
	fl_arena a;
	struct fl_err e = {0};
	struct fl_task t = {.id = 1,
			    .ticket_id = 3,
			    .title = "Call",
			    .owner_id = 7,
			    .due_at = NOW - 60,
			    .reminded_at = NOW - 30,
			    .created_at = NOW - 900};
	struct fl_task_patch same = {
		.has_due_at = 1, .due_at = NOW - 60, .has_notes = 1, .notes = "left a message"};
	struct fl_task_patch moved = {.has_due_at = 1, .due_at = NOW + 86400};
	struct fl_task_patch cleared = {.has_due_at = 1, .due_at = 0};

	fl_arena_init(&a, 0);
	assert_int_equal(fl_task_apply(&t, &same, &agent, NOW, &a, &e), 0);
	assert_int_equal(t.reminded_at, NOW - 30);
	assert_int_equal(fl_task_apply(&t, &moved, &agent, NOW, &a, &e), 0);
	assert_int_equal(t.reminded_at, 0);
	assert_int_equal(t.due_at, NOW + 86400);
	assert_int_equal(t.created_at, NOW - 900); /* kept */
	t.reminded_at = NOW;
	assert_int_equal(fl_task_apply(&t, &cleared, &agent, NOW, &a, &e), 0);
	assert_int_equal(t.due_at, 0);
	assert_int_equal(t.reminded_at, 0);
	fl_arena_free(&a);
}

static void test_done_undone(void **state)
{
	(void)state;
	fl_arena a;
	struct fl_err e = {0};
	struct fl_task t = {.id = 1, .title = "Call", .owner_id = 9, .created_at = 1};
	struct fl_task_patch done = {.has_done = 1, .done = 1};
	struct fl_task_patch undone = {.has_done = 1, .done = 0};

	fl_arena_init(&a, 0);
	assert_int_equal(fl_task_apply(&t, &done, &agent, NOW, &a, &e), 0);
	assert_int_equal(t.done_at, NOW);
	assert_int_equal(t.done_by, 7);
	/* done again later: still done when it was first done */
	assert_int_equal(fl_task_apply(&t, &done, &agent, NOW + 50, &a, &e), 0);
	assert_int_equal(t.done_at, NOW);
	assert_int_equal(fl_task_apply(&t, &undone, &agent, NOW + 60, &a, &e), 0);
	assert_int_equal(t.done_at, 0);
	assert_int_equal(t.done_by, 0);
	assert_int_equal(t.owner_id, 9);
	fl_arena_free(&a);
}

static void refused(const struct fl_task_patch *p, const char *field)
{
	fl_arena a;
	struct fl_err e = {0};
	struct fl_task t = {
		.id = 1, .title = "Call", .owner_id = 7, .due_at = NOW + 10, .created_at = 1};
	struct fl_task was = t;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_task_apply(&t, p, &agent, NOW, &a, &e), FL_EINVAL);
	assert_string_equal(e.field, field);
	assert_memory_equal(&t, &was, sizeof t); /* untouched */
	fl_arena_free(&a);
}

static void test_refused(void **state)
{
	(void)state;
	char huge[FL_TASK_TITLE_MAX + 2], notes[FL_TASK_NOTES_MAX + 2];
	char many[3 * FL_TASK_TITLE_MAX + 1];

	memset(huge, 'x', sizeof huge - 1);
	huge[sizeof huge - 1] = 0;
	memset(notes, 'n', sizeof notes - 1);
	notes[sizeof notes - 1] = 0;
	refused(&(struct fl_task_patch){.has_title = 1, .title = ""}, "title");
	refused(&(struct fl_task_patch){.has_title = 1, .title = " \t "}, "title");
	refused(&(struct fl_task_patch){.has_title = 1, .title = NULL}, "title");
	refused(&(struct fl_task_patch){.has_title = 1, .title = huge}, "title");
	refused(&(struct fl_task_patch){.has_title = 1, .title = "Call\r\nBcc: x@evil"}, "title");
	refused(&(struct fl_task_patch){.has_notes = 1, .notes = notes}, "notes");
	refused(&(struct fl_task_patch){.has_due_at = 1, .due_at = 1}, "due_at");
	refused(&(struct fl_task_patch){.has_due_at = 1, .due_at = NOW - FL_TASK_DUE_PAST - 1},
		"due_at");
	refused(&(struct fl_task_patch){.has_due_at = 1, .due_at = NOW + FL_TASK_DUE_FUTURE + 1},
		"due_at");
	refused(&(struct fl_task_patch){.has_due_at = 1, .due_at = INT64_MAX}, "due_at");
	refused(&(struct fl_task_patch){.has_due_at = 1, .due_at = INT64_MIN}, "due_at");
	/* 200 characters of three bytes each are within the limit */
	for (size_t i = 0; i < FL_TASK_TITLE_MAX; i++)
		memcpy(many + 3 * i, "\xe2\x82\xac", 3);
	many[sizeof many - 1] = 0;
	{
		fl_arena a;
		struct fl_err e = {0};
		struct fl_task t = {.title = "x"};
		fl_arena_init(&a, 0);
		assert_int_equal(
			fl_task_apply(&t, &(struct fl_task_patch){.has_title = 1, .title = many},
				      &agent, NOW, &a, &e),
			0);
		fl_arena_free(&a);
	}
}

static void test_checkin_language(void **state)
{
	(void)state;
	static const struct {
		const char *lang, *starts;
	} cases[] = {{"uk", "Вітаємо"}, {"ru", "Здравствуйте"}, {"lt", "Sveiki"},
		     {"en", "Hello"},   {"en-GB", "Hello"},     {"lt-LT", "Sveiki"},
		     {"de", "Hello"},   {NULL, "Hello"},        {"ukr", "Hello"}};
	fl_arena a;

	fl_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *subject, *body;
		assert_int_equal(
			fl_task_checkin_text(cases[i].lang, 42, "Printer", &a, &subject, &body), 0);
		assert_true(!strncmp(body, cases[i].starts, strlen(cases[i].starts)));
		assert_non_null(strstr(body, "#42"));
		assert_non_null(strstr(subject, "Printer"));
	}
	fl_arena_free(&a);
}

/* The reminder in the owner's language: the words are ours, the title,
 * notes and ticket subject as written; any other language is English. */
static void test_reminder_language(void **state)
{
	(void)state;
	static const struct {
		const char *lang, *subject, *starts, *ticket;
	} cases[] = {
		{"uk", "Час виконати завдання: Подзвонити", "Настав час", "Запит #42: Принтер"},
		{"ru_RU", "Пора выполнить задачу: Подзвонити", "Пришло время",
		 "Запрос #42: Принтер"},
		{"lt-LT", "Atėjo užduoties laikas: Подзвонити", "Atėjo laikas",
		 "Užklausa #42: Принтер"},
		{"de", "Task due: Подзвонити", "A follow-up task", "Ticket #42: Принтер"},
		{NULL, "Task due: Подзвонити", "A follow-up task", "Ticket #42: Принтер"},
		{"ukr", "Task due: Подзвонити", "A follow-up task", "Ticket #42: Принтер"},
	};
	struct fl_task t = {.id = 7,
			    .ticket_id = 42,
			    .title = "Подзвонити",
			    .notes = "лоток 2",
			    .due_at = NOW,
			    .ticket_subject = "Принтер"};
	fl_arena a;

	fl_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *subject, *body;
		assert_int_equal(fl_task_remind_text(cases[i].lang, &t, &a, &subject, &body), 0);
		assert_string_equal(subject, cases[i].subject);
		assert_true(!strncmp(body, cases[i].starts, strlen(cases[i].starts)));
		assert_non_null(strstr(body, cases[i].ticket));
		assert_non_null(strstr(body, "лоток 2"));
	}
	fl_arena_free(&a);
}

/* ---- against a store ------------------------------------------------------ */

static fl_store *g_store;
static struct unit_store g_files;
static struct fl_actor g_agent, g_owner, g_anna, g_marta;

/* What the test deliverer was handed. */
#define TOLD_MAX 16
static struct {
	int n;
	int64_t user[TOLD_MAX], ticket[TOLD_MAX];
	char *subject[TOLD_MAX], *body[TOLD_MAX];
} g_told;

static int remember(fl_tx *tx, const struct fl_message *m)
{
	(void)tx;
	if (g_told.n < TOLD_MAX) {
		g_told.user[g_told.n] = m->user_id;
		g_told.ticket[g_told.n] = m->ticket_id;
		g_told.subject[g_told.n] = strdup(m->subject);
		g_told.body[g_told.n] = strdup(m->body);
	}
	g_told.n++;
	return 0;
}

static void forget(void)
{
	for (int i = 0; i < g_told.n && i < TOLD_MAX; i++) {
		free(g_told.subject[i]);
		free(g_told.body[i]);
	}
	memset(&g_told, 0, sizeof g_told);
}

struct job {
	struct fl_user u;
	struct fl_ticket_patch p;
	struct fl_task_patch tp;
	struct fl_ticket t;
	struct fl_task task;
	int64_t id, now;
	int days;
	size_t n, m;
	struct fl_err e;
	fl_arena a;
};

static int tx_user(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_user_create(tx, &j->u, NULL, &j->e);
}

static struct fl_actor mkuser(int role, const char *email, const char *locale)
{
	struct job j = {0};
	j.u.role = role;
	j.u.name = "Someone";
	j.u.email = (char *)email;
	j.u.locale = (char *)locale;
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);
	return (struct fl_actor){j.u.id, role, 0};
}

static int tx_ticket(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_ticket_create(tx, &g_agent, &j->p, &j->a, &j->t, &j->e);
}

static int64_t mkticket(int64_t requester, const char *subject, int status)
{
	struct job j = {0};
	j.p = (struct fl_ticket_patch){.has_subject = 1,
				       .subject = subject,
				       .has_requester = 1,
				       .requester_id = requester,
				       .comment_body = "Help",
				       .comment_public = 1,
				       .has_status = 1,
				       .status = status};
	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_ticket, &j), 0);
	fl_arena_free(&j.a);
	return j.t.id;
}

static int tx_task(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_task_create(tx, &g_agent, j->id, &j->tp, &j->a, &j->task, &j->e);
}

static int tx_remind(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_task_remind(tx, j->now, FL_TASK_PASS_MAX, &j->n);
}

static int tx_checkin(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	int rc = fl_task_set_checkin_days(tx, j->days, &j->e);
	return rc ? rc : fl_task_pass(tx, j->now, &j->m, &j->n);
}

static void test_reminder_message(void **state)
{
	(void)state;
	struct job j = {0};
	int64_t due = fl_now() + 3600;

	j.id = mkticket(g_anna.id, "Printer jams", FL_STATUS_OPEN);
	j.tp = (struct fl_task_patch){.has_title = 1,
				      .title = "Call Anna",
				      .has_due_at = 1,
				      .due_at = due,
				      .has_owner = 1,
				      .owner_id = g_owner.id,
				      .has_notes = 1,
				      .notes = "tray 2"};
	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_task, &j), 0);
	forget();
	j.now = due - 1;
	assert_int_equal(fl_store_write(g_store, tx_remind, &j), 0);
	assert_int_equal(j.n, 0);
	assert_int_equal(g_told.n, 0);
	j.now = due;
	assert_int_equal(fl_store_write(g_store, tx_remind, &j), 0);
	assert_int_equal(j.n, 1);
	assert_int_equal(g_told.n, 1);
	assert_int_equal(g_told.user[0], g_owner.id);
	assert_int_equal(g_told.ticket[0], j.id);
	assert_string_equal(g_told.subject[0], "Task due: Call Anna");
	assert_non_null(strstr(g_told.body[0], "Printer jams"));
	assert_non_null(strstr(g_told.body[0], "tray 2"));
	/* once */
	j.now = due + 3600;
	assert_int_equal(fl_store_write(g_store, tx_remind, &j), 0);
	assert_int_equal(j.n, 0);
	assert_int_equal(g_told.n, 1);
	forget();
	fl_arena_free(&j.a);
}

static void test_checkin_messages(void **state)
{
	(void)state;
	struct job j = {0};
	int64_t anna = mkticket(g_anna.id, "Пральна машина", FL_STATUS_SOLVED);
	int64_t marta = mkticket(g_marta.id, "Skalbyklė", FL_STATUS_SOLVED);
	int64_t open = mkticket(g_marta.id, "Dar atvira", FL_STATUS_OPEN);
	int seen_anna = 0, seen_marta = 0;

	forget();
	j.days = 2;
	j.now = fl_now() + 2 * 86400 - 600; /* not yet */
	assert_int_equal(fl_store_write(g_store, tx_checkin, &j), 0);
	assert_int_equal(g_told.n, 0);
	j.now = fl_now() + 2 * 86400 + 60;
	assert_int_equal(fl_store_write(g_store, tx_checkin, &j), 0);
	assert_int_equal(j.n, 2);
	assert_int_equal(g_told.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_not_equal(g_told.ticket[i], open);
		if (g_told.ticket[i] == anna) {
			seen_anna++;
			assert_int_equal(g_told.user[i], g_anna.id);
			assert_true(!strncmp(g_told.body[i], "Вітаємо", strlen("Вітаємо")));
			assert_non_null(strstr(g_told.subject[i], "Пральна машина"));
		} else if (g_told.ticket[i] == marta) {
			seen_marta++;
			assert_int_equal(g_told.user[i], g_marta.id);
			assert_true(!strncmp(g_told.body[i], "Sveiki", strlen("Sveiki")));
		}
	}
	assert_int_equal(seen_anna + seen_marta, 2);
	/* once per ticket */
	j.now += 3600;
	assert_int_equal(fl_store_write(g_store, tx_checkin, &j), 0);
	assert_int_equal(j.n, 0);
	assert_int_equal(g_told.n, 2);
	/* off: nothing */
	j.days = 0;
	assert_int_equal(fl_store_write(g_store, tx_checkin, &j), 0);
	assert_int_equal(j.n, 0);
	forget();
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-tasks", NULL, &g_store))
		return -1;
	g_agent = mkuser(FL_ROLE_AGENT, "agent@desk.test", "en");
	g_owner = mkuser(FL_ROLE_AGENT, "owner@desk.test", "en");
	g_anna = mkuser(FL_ROLE_END_USER, "anna@example.test", "uk");
	g_marta = mkuser(FL_ROLE_END_USER, "marta@example.test", "lt");
	fl_message_register(remember);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_message_register(NULL);
	forget();
	fl_store_free(g_store);
	unit_store_remove(&g_files);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_edges),
		cmocka_unit_test(test_apply_new),
		cmocka_unit_test(test_rearm),
		cmocka_unit_test(test_done_undone),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_checkin_language),
		cmocka_unit_test(test_reminder_language),
		cmocka_unit_test(test_reminder_message),
		cmocka_unit_test(test_checkin_messages),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
