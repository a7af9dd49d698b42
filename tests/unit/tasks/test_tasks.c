/* Unit tests for src/tasks/task.c's pure part: where a task stands at a
 * time (overdue, due, upcoming, done) at each edge, what a change does to
 * the reminder (a new due time re-arms it, anything else keeps it), what
 * fl_task_apply refuses and the field it names, and the check-in's
 * language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "tasks/task.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_edges), cmocka_unit_test(test_apply_new),
		cmocka_unit_test(test_rearm),        cmocka_unit_test(test_done_undone),
		cmocka_unit_test(test_refused),      cmocka_unit_test(test_checkin_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
