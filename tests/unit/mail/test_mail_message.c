/* Mail to a person (tickets/notice.h's fl_message_send, delivered by
 * mail/outbound.c's fl_mail_message): who gets one, what it says, where
 * it is kept, and whose daily budget it uses. The store is real (SQLite);
 * the "mail-send" jobs are run here one by one, with no relay set, so
 * each message lands in the outbox as it would be sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "core/time.h"
#include "mail/outbound.h"
#include "store/jobs.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/users.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"

static fl_store *g_store;
static struct unit_store g_files;
static int64_t customer, agent, sleeper, robot, ticket_id;

static int64_t add_user(fl_tx *tx, int role, const char *name, const char *email)
{
	struct fl_user u = {0};
	struct fl_err e = {0};

	u.role = role;
	u.name = (char *)name;
	u.email = (char *)email;
	u.locale = "uk";
	assert_int_equal(fl_user_create(tx, &u, NULL, &e), 0);
	return u.id;
}

static int tx_seed(fl_tx *tx, void *arg)
{
	struct fl_ticket_patch p = {0};
	struct fl_ticket t;
	struct fl_user u;
	struct fl_actor who;
	fl_arena a;
	int rc;

	(void)arg;
	fl_arena_init(&a, 0);
	customer = add_user(tx, FL_ROLE_END_USER, "Olena Kovalenko", "olena@example.com");
	agent = add_user(tx, FL_ROLE_AGENT, "Petras Agent", "petras@example.com");
	sleeper = add_user(tx, FL_ROLE_AGENT, "Gone Agent", "gone@example.com");
	robot = add_user(tx, FL_ROLE_END_USER, "Robot", "no-reply@shop.example.com");
	assert_int_equal(fl_store_user_get(tx, sleeper, &a, &u), 0);
	u.active = 0;
	assert_int_equal(fl_store_user_update(tx, &u), 0);
	who = (struct fl_actor){customer, FL_ROLE_END_USER};
	p.has_subject = 1;
	p.subject = "Посилка не прийшла";
	p.comment_body = "Where is it?";
	p.comment_public = 1;
	rc = fl_ticket_create(tx, &who, &p, &a, &t, NULL);
	ticket_id = t.id;
	/* one automatic mail a day per customer */
	if (!rc)
		rc = fl_store_setting_set(tx, "mail.auto_limit", "1");
	fl_arena_free(&a);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (unit_store_open(&g_files, "fl-test-message", NULL, &g_store) ||
	    fl_store_write(g_store, tx_seed, NULL))
		return -1;
	fl_message_register(fl_mail_message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_message_register(NULL);
	fl_store_free(g_store);
	unit_store_remove(&g_files);
	return 0;
}

static int tx_send(fl_tx *tx, void *arg)
{
	return fl_message_send(tx, arg);
}

static void send(int64_t user_id, int64_t tid, const char *subject, const char *body)
{
	struct fl_message m = {user_id, tid, subject, body};
	assert_int_equal(fl_store_write(g_store, tx_send, &m), 0);
}

/* Runs every due job now; returns how many mail-send jobs ran. */
struct claim {
	fl_arena *a;
	struct fl_job job;
};

static int tx_claim(fl_tx *tx, void *arg)
{
	struct claim *c = arg;
	return fl_store_job_claim(tx, "test", fl_now() + 3600, fl_now() + 7200, c->a, &c->job);
}

static int tx_done(fl_tx *tx, void *arg)
{
	struct fl_job *j = arg;
	return fl_store_job_done(tx, j->id, "test", j->attempts);
}

static int run_jobs(void)
{
	int ran = 0;
	for (;;) {
		fl_arena a;
		struct claim c = {&a};
		struct fl_err e = {0};
		int rc;
		fl_arena_init(&a, 0);
		rc = fl_store_write(g_store, tx_claim, &c);
		if (rc == FL_ENOTFOUND) {
			fl_arena_free(&a);
			return ran;
		}
		assert_int_equal(rc, 0);
		if (!strcmp(c.job.kind, "mail-send")) {
			assert_int_equal(fl_mail_send_job(g_store, &c.job, &e), 0);
			ran++;
		}
		assert_int_equal(fl_store_write(g_store, tx_done, &c.job), 0);
		fl_arena_free(&a);
	}
}

struct list {
	fl_arena *a;
	struct fl_outbox_mail *rows;
	size_t n;
	struct fl_outbox_mail full;
};

static int tx_list(fl_tx *tx, void *arg)
{
	struct list *l = arg;
	int rc = fl_store_outbox_list(tx, 0, 100, l->a, &l->rows, &l->n);
	if (!rc && l->n)
		rc = fl_store_outbox_get(tx, l->rows[0].id, l->a, &l->full);
	return rc;
}

static void test_message_reaches_the_person(void **state)
{
	fl_arena a;
	struct list l = {&a};
	char subject[64];
	(void)state;

	fl_arena_init(&a, 0);
	send(agent, ticket_id, "Task due: call Olena", "Call the customer on Thursday.\n");
	assert_int_equal(run_jobs(), 1);
	assert_int_equal(fl_store_read(g_store, tx_list, &l), 0);
	assert_int_equal(l.n, 1);
	snprintf(subject, sizeof subject, "[#%lld] Task due: call Olena", (long long)ticket_id);
	assert_string_equal(l.full.subject, subject);
	assert_string_equal(l.full.kind, "message");
	assert_string_equal(l.full.recipients, "petras@example.com");
	assert_int_equal(l.full.ticket_id, ticket_id);
	assert_string_equal(l.full.state, "kept");
	assert_string_equal(l.full.text_body, "Call the customer on Thursday.\n");
	assert_non_null(strstr(l.full.raw, "Auto-Submitted: auto-generated"));
	fl_arena_free(&a);

	/* about no ticket: the subject as it is */
	fl_arena_init(&a, 0);
	send(agent, 0, "Your tasks for today", "Nothing due.");
	assert_int_equal(run_jobs(), 1);
	assert_int_equal(fl_store_read(g_store, tx_list, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.full.subject, "Your tasks for today");
	assert_int_equal(l.full.ticket_id, 0);
	fl_arena_free(&a);
}

/* Nobody, someone inactive, a robot, the desk itself: nothing queued. */
static void test_nobody_to_write_to(void **state)
{
	fl_arena a;
	struct list l = {&a};
	(void)state;

	fl_arena_init(&a, 0);
	send(sleeper, ticket_id, "x", "x");
	send(robot, ticket_id, "x", "x");
	send(FL_SYSTEM_USER_ID, ticket_id, "x", "x");
	send(0, ticket_id, "x", "x");
	send(987654, ticket_id, "x", "x");
	assert_int_equal(run_jobs(), 0);
	assert_int_equal(fl_store_read(g_store, tx_list, &l), 0);
	assert_int_equal(l.n, 2); /* the first test's two */
	fl_arena_free(&a);
}

/* mail.auto_limit (1 here) holds for a customer, not for an agent. */
static void test_budget_is_the_customers_only(void **state)
{
	fl_arena a;
	struct list l = {&a};
	size_t to_customer = 0, to_agent = 0;
	(void)state;

	fl_arena_init(&a, 0);
	for (int i = 0; i < 3; i++) {
		send(customer, ticket_id, "How did we do?", "Reply to tell us.");
		send(agent, ticket_id, "Reminder", "Call back.");
	}
	assert_int_equal(run_jobs(), 6);
	assert_int_equal(fl_store_read(g_store, tx_list, &l), 0);
	for (size_t i = 0; i < l.n; i++) {
		if (!strcmp(l.rows[i].recipients, "olena@example.com"))
			to_customer++;
		else if (!strcmp(l.rows[i].recipients, "petras@example.com"))
			to_agent++;
	}
	assert_int_equal(to_customer, 1);
	assert_int_equal(to_agent, 2 + 3);
	fl_arena_free(&a);
}

/* Without a deliverer (a command that wires none) nobody is told. */
static void test_no_deliverer(void **state)
{
	(void)state;
	fl_message_register(NULL);
	send(agent, ticket_id, "x", "x");
	assert_int_equal(run_jobs(), 0);
	fl_message_register(fl_mail_message);
}

/* Stored text that is not UTF-8 (JSON cannot hold it) is queued with
 * U+FFFD in its place, never failing the write that sends it. */
static void test_text_not_utf8(void **state)
{
	fl_arena a;
	struct list l = {&a};
	char subject[64];
	(void)state;

	fl_arena_init(&a, 0);
	send(agent, ticket_id, "Broken\xc0\xaf!",
	     "a\xff"
	     "b");
	assert_int_equal(run_jobs(), 1);
	assert_int_equal(fl_store_read(g_store, tx_list, &l), 0);
	snprintf(subject, sizeof subject, "[#%lld] Broken\xef\xbf\xbd\xef\xbf\xbd!",
		 (long long)ticket_id);
	assert_string_equal(l.full.subject, subject);
	assert_string_equal(l.full.text_body,
			    "a\xef\xbf\xbd"
			    "b");
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_reaches_the_person),
		cmocka_unit_test(test_nobody_to_write_to),
		cmocka_unit_test(test_budget_is_the_customers_only),
		cmocka_unit_test(test_no_deliverer),
		cmocka_unit_test(test_text_not_utf8),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
