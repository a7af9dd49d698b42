/* Unit tests for src/ideas/idea.c. Its pure part: the statuses' names,
 * the mail of a status change in each language (the author's and a
 * voter's, with and without an answer and links), the report's CSV with
 * formulas defused. Against a real store: one vote a person, the viewer
 * role refused, and the idea-notify job — every voter and the author told
 * once, a hundred a run with the rest queued by the run, an unsubscribed
 * voter left out, and nothing sent for a status the idea no longer has;
 * a bouncing voter left out, a status set back and forth told once, and a
 * private idea's news its author's only. */
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
#include "core/str.h"
#include "core/time.h"
#include "feedback/unsub.h"
#include "ideas/idea.h"
#include "portal/link.h"
#include "portal/site.h"
#include "store/jobs.h"
#include "store/settings.h"
#include "tickets/notice.h"
#include "users/user.h"

#define NOW 1796634000LL /* 2026-12-07T09:00:00Z */
#define VOTERS 250

static void test_status_names(void **state)
{
	(void)state;
	for (int s = 0; s < FL_IDEA__MAX; s++)
		assert_int_equal(fl_idea_status_parse(fl_str_c(fl_idea_status_name(s))), s);
	assert_string_equal(fl_idea_status_name(FL_IDEA_UNDER_REVIEW), "under_review");
	assert_int_equal(fl_idea_status_parse(fl_str_c("under review")), -1);
	assert_int_equal(fl_idea_status_parse(fl_str_c("")), -1);
	assert_null(fl_idea_status_name(FL_IDEA__MAX));
	assert_null(fl_idea_status_name(-1));
}

static void test_notice_text(void **state)
{
	(void)state;
	fl_arena a;
	const char *subject, *body;
	struct fl_idea i = {.id = 9,
			    .title = "Доставка у поштомати",
			    .status = "planned",
			    .answer = "У березні."};

	fl_arena_init(&a, 0);
	assert_int_equal(fl_idea_notice_text("uk-UA", &i, 1, "https://desk.test/portal/ideas/9",
					     "https://desk.test/unsubscribe/abc", &a, &subject,
					     &body),
			 0);
	assert_string_equal(subject, "Ідея: Доставка у поштомати — заплановано");
	assert_non_null(strstr(body, "Ваша ідея має новий статус."));
	assert_non_null(strstr(body, "Статус: заплановано"));
	assert_non_null(strstr(body, "Відповідь команди:\nУ березні."));
	assert_non_null(strstr(body, "https://desk.test/portal/ideas/9"));
	assert_non_null(strstr(body, "https://desk.test/unsubscribe/abc"));

	/* a voter, in Lithuanian */
	i.status = "declined";
	assert_int_equal(fl_idea_notice_text("lt", &i, 0, NULL, NULL, &a, &subject, &body), 0);
	assert_non_null(strstr(subject, "atmesta"));
	assert_non_null(strstr(body, "Idėjos, už kurią balsavote"));
	assert_null(strstr(body, "http"));

	/* a language the desk does not speak: English; no answer, no heading */
	i.answer = "";
	i.status = "under_review";
	assert_int_equal(fl_idea_notice_text("de", &i, 0, NULL, NULL, &a, &subject, &body), 0);
	assert_non_null(strstr(body, "An idea you voted for has a new status."));
	assert_non_null(strstr(body, "Status: under review"));
	assert_null(strstr(body, "Our answer"));
	assert_int_equal(fl_idea_notice_text(NULL, &i, 1, NULL, NULL, &a, &subject, &body), 0);
	assert_non_null(strstr(body, "Your idea has a new status."));
	fl_arena_free(&a);
}

static void test_csv(void **state)
{
	(void)state;
	fl_buf b;
	struct fl_idea ideas[] = {
		{.id = 1,
		 .title = "=HYPERLINK(\"http://x\")",
		 .status = "new",
		 .vote_count = 3,
		 .author_name = "Olena",
		 .created_at = NOW},
		{.id = 2,
		 .title = "Plain, with a comma",
		 .status = "done",
		 .author_name = "@bob",
		 .created_at = NOW},
	};

	fl_buf_init(&b, 0);
	assert_int_equal(fl_idea_report_csv(ideas, 2, &b), 0);
	assert_string_equal(
		b.p,
		"id,title,status,votes,comments,author,created_at\r\n"
		"1,\"'=HYPERLINK(\"\"http://x\"\")\",new,3,0,Olena,2026-12-07T09:00:00Z\r\n"
		"2,\"Plain, with a comma\",done,0,0,'@bob,2026-12-07T09:00:00Z\r\n");
	fl_buf_free(&b);
}

/* ---- against a store ------------------------------------------------------ */

static fl_store *g_store;
static struct unit_store g_files;
static struct fl_actor g_agent, g_author, g_viewer, g_voters[VOTERS];

/* How often each person was handed a message, by id. */
#define MAX_ID 1024
static struct {
	int n;
	int per_user[MAX_ID];
} g_told;

static int remember(fl_tx *tx, const struct fl_message *m)
{
	(void)tx;
	g_told.n++;
	if (m->user_id > 0 && m->user_id < MAX_ID)
		g_told.per_user[m->user_id]++;
	assert_non_null(m->unsubscribe_url);
	return 0;
}

struct job {
	struct fl_user u;
	struct fl_idea idea;
	struct fl_idea_in in;
	struct fl_actor who;
	struct fl_job jobs[8];
	size_t njobs;
	char *url;
	int rc;
	struct fl_err e;
	fl_arena a;
};

static int tx_user(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_user_create(tx, &j->u, NULL, &j->e);
}

static struct fl_actor mkuser(int role, const char *email)
{
	struct job j = {0};
	j.u.role = role;
	j.u.name = "Someone Else";
	j.u.email = (char *)email;
	j.u.locale = "uk";
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);
	return (struct fl_actor){j.u.id, role, 0};
}

static int tx_create(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_idea_create(tx, &j->who, &j->in, NOW, &j->a, &j->idea, &j->e);
}

static int tx_update(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_idea_update(tx, &g_agent, j->idea.id, &j->in, NOW, &j->a, &j->idea, &j->e);
}

static int tx_vote(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_idea_vote(tx, &j->who, j->idea.id, NOW, &j->e);
}

static int tx_votes(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	int rc = 0;
	for (size_t k = 0; !rc && k < VOTERS; k++)
		rc = fl_idea_vote(tx, &g_voters[k], j->idea.id, NOW, &j->e);
	return rc;
}

/* Runs every queued idea-notify job, as the runner would: each in the
 * transaction that marks it done; *runs says how many ran. */
static int tx_run_one(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_job job;
	int rc = fl_store_job_claim_kinds(tx, "idea-notify", "test", fl_now() + 10, fl_now() + 300,
					  &j->a, &job);
	if (rc)
		return rc;
	rc = fl_idea_notify_job(tx, &job, &j->e);
	return rc ? rc : fl_store_job_done(tx, job.id, "test", job.attempts);
}

static int run_notify(void)
{
	int runs = 0;
	for (;;) {
		struct job j = {0};
		fl_arena_init(&j.a, 0);
		int rc = fl_store_write(g_store, tx_run_one, &j);
		fl_arena_free(&j.a);
		if (rc == FL_ENOTFOUND)
			return runs;
		assert_int_equal(rc, 0);
		runs++;
	}
}

static int64_t new_idea(const char *title)
{
	struct job j = {0};
	fl_arena_init(&j.a, 0);
	j.who = g_author;
	j.in = (struct fl_idea_in){.title = title, .has_title = 1};
	assert_int_equal(fl_store_write(g_store, tx_create, &j), 0);
	fl_arena_free(&j.a);
	return j.idea.id;
}

static void set_status(int64_t id, int status)
{
	struct job j = {0};
	fl_arena_init(&j.a, 0);
	j.idea.id = id;
	j.in = (struct fl_idea_in){.status = status, .has_status = 1};
	assert_int_equal(fl_store_write(g_store, tx_update, &j), 0);
	fl_arena_free(&j.a);
}

static void test_one_vote_each(void **state)
{
	(void)state;
	struct job j = {0};

	fl_arena_init(&j.a, 0);
	j.idea.id = new_idea("One vote each");
	j.who = g_voters[0];
	assert_int_equal(fl_store_write(g_store, tx_vote, &j), 0);
	assert_int_equal(fl_store_write(g_store, tx_vote, &j), FL_EDUPLICATE);
	assert_string_equal(j.e.field, "vote");
	j.who = g_author; /* voted by submitting */
	assert_int_equal(fl_store_write(g_store, tx_vote, &j), FL_EDUPLICATE);
	j.who = g_viewer;
	assert_int_equal(fl_store_write(g_store, tx_vote, &j), FL_EFORBIDDEN);
	j.who = g_viewer;
	j.in = (struct fl_idea_in){.title = "From a viewer", .has_title = 1};
	assert_int_equal(fl_store_write(g_store, tx_create, &j), FL_EFORBIDDEN);
	fl_arena_free(&j.a);
}

static int tx_unsubscribe(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	char *locale;
	int rc = fl_unsub_url(tx, j->who.id, &j->a, &j->url);
	const char *token = rc ? NULL : strstr(j->url, FL_UNSUB_PATH);
	if (!rc && !token)
		return FL_EINTERNAL;
	return rc ? rc
		  : fl_unsub_confirm(tx, token + strlen(FL_UNSUB_PATH), NOW, &j->a, &locale, &j->e);
}

static void test_notify_in_batches(void **state)
{
	(void)state;
	struct job j = {0};
	int64_t id = new_idea("Told in batches");
	int runs;

	fl_arena_init(&j.a, 0);
	j.idea.id = id;
	assert_int_equal(fl_store_write(g_store, tx_votes, &j), 0);
	/* the last voter said no more mail */
	j.who = g_voters[VOTERS - 1];
	assert_int_equal(fl_store_write(g_store, tx_unsubscribe, &j), 0);
	memset(&g_told, 0, sizeof g_told);
	set_status(id, FL_IDEA_PLANNED);
	assert_int_equal(g_told.n, 0); /* nobody told in the request */
	runs = run_notify();
	/* 251 people (the voters and the author) a hundred a run */
	assert_int_equal(runs, 3);
	assert_int_equal(g_told.n, VOTERS);
	assert_int_equal(g_told.per_user[g_author.id], 1);
	for (size_t k = 0; k + 1 < VOTERS; k++)
		assert_int_equal(g_told.per_user[g_voters[k].id], 1);
	assert_int_equal(g_told.per_user[g_voters[VOTERS - 1].id], 0);
	assert_int_equal(g_told.per_user[g_agent.id], 0);

	/* a status changed twice before the job ran: only the second tells */
	memset(&g_told, 0, sizeof g_told);
	set_status(id, FL_IDEA_DONE);
	set_status(id, FL_IDEA_DECLINED);
	runs = run_notify();
	assert_int_equal(g_told.n, VOTERS);
	assert_int_equal(g_told.per_user[g_author.id], 1);

	/* the same status again: nothing */
	memset(&g_told, 0, sizeof g_told);
	set_status(id, FL_IDEA_DECLINED);
	assert_int_equal(run_notify(), 0);
	assert_int_equal(g_told.n, 0);
	fl_arena_free(&j.a);
}

static int tx_bounce(fl_tx *tx, void *arg)
{
	(void)arg;
	return fl_store_setting_set(tx, "mail.bouncing:voter1@example.test", "1");
}

/* A bouncing voter is not told; a status set back before its jobs ran is
 * told once; a private idea's news is its author's only. */
static void test_notify_who(void **state)
{
	(void)state;
	struct job j = {0};
	int64_t id = new_idea("Told to few");

	fl_arena_init(&j.a, 0);
	j.idea.id = id;
	for (int k = 0; k < 3; k++) {
		j.who = g_voters[k];
		assert_int_equal(fl_store_write(g_store, tx_vote, &j), 0);
	}
	assert_int_equal(fl_store_write(g_store, tx_bounce, NULL), 0);
	memset(&g_told, 0, sizeof g_told);
	set_status(id, FL_IDEA_PLANNED);
	run_notify();
	assert_int_equal(g_told.n, 3);
	assert_int_equal(g_told.per_user[g_author.id], 1);
	assert_int_equal(g_told.per_user[g_voters[0].id], 1);
	assert_int_equal(g_told.per_user[g_voters[1].id], 0); /* bounces */
	assert_int_equal(g_told.per_user[g_voters[2].id], 1);

	/* planned → new → planned before the jobs ran: "planned" was told */
	memset(&g_told, 0, sizeof g_told);
	set_status(id, FL_IDEA_NEW);
	set_status(id, FL_IDEA_PLANNED);
	run_notify();
	assert_int_equal(g_told.n, 0);
	/* a change is news again */
	set_status(id, FL_IDEA_DONE);
	run_notify();
	assert_int_equal(g_told.n, 3);

	/* made private: its author only */
	memset(&g_told, 0, sizeof g_told);
	j.in = (struct fl_idea_in){
		.public = 0, .has_public = 1, .status = FL_IDEA_DECLINED, .has_status = 1};
	assert_int_equal(fl_store_write(g_store, tx_update, &j), 0);
	run_notify();
	assert_int_equal(g_told.n, 1);
	assert_int_equal(g_told.per_user[g_author.id], 1);
	fl_arena_free(&j.a);
}

static int tx_site(fl_tx *tx, void *arg)
{
	fl_arena *a = arg;
	char *url;
	int rc = fl_site_url_init(tx, "", "https://desk.test", a, &url);
	return rc ? rc : fl_link_key_init(tx);
}

static int group_setup(void **state)
{
	(void)state;
	fl_arena a;
	char email[64];

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-ideas", NULL, &g_store))
		return -1;
	fl_arena_init(&a, 0);
	if (fl_store_write(g_store, tx_site, &a))
		return -1;
	fl_arena_free(&a);
	g_agent = mkuser(FL_ROLE_AGENT, "agent@desk.test");
	g_author = mkuser(FL_ROLE_END_USER, "author@example.test");
	g_viewer = mkuser(FL_ROLE_VIEWER, "viewer@desk.test");
	for (int k = 0; k < VOTERS; k++) {
		snprintf(email, sizeof email, "voter%d@example.test", k);
		g_voters[k] = mkuser(FL_ROLE_END_USER, email);
	}
	fl_message_register(remember);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_message_register(NULL);
	fl_store_free(g_store);
	unit_store_remove(&g_files);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_notice_text),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_one_vote_each),
		cmocka_unit_test(test_notify_in_batches),
		cmocka_unit_test(test_notify_who),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
