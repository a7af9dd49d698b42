/* Unit tests for merging tickets (src/tickets/merge.c), against a real
 * store in a temporary SQLite file: what each ticket gets, who is told and
 * how often, and the refusals that write nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <sodium.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "store/tickets.h"
#include "tickets/merge.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"
#include "users/user.h"

static fl_store *g_store;
static struct unit_store g_files;
static struct fl_actor g_agent, g_agent2, g_anna, g_marta, g_cc;

/* What the test deliverer was told: (ticket, kind) pairs. */
static struct {
	int n;
	enum fl_notice kind[64];
	int64_t ticket[64];
} g_told;

static int remember_notice(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t,
			   int64_t comment_id)
{
	(void)tx;
	(void)comment_id;
	if (g_told.n < 64) {
		g_told.kind[g_told.n] = kind;
		g_told.ticket[g_told.n] = t->id;
	}
	g_told.n++;
	return 0;
}

static int told_about(int64_t ticket)
{
	int n = 0;
	for (int i = 0; i < g_told.n && i < 64; i++)
		n += g_told.ticket[i] == ticket;
	return n;
}

/* ---- fixture -------------------------------------------------------------- */

struct job {
	struct fl_user u;
	struct fl_ticket_patch p;
	struct fl_merge m;
	struct fl_actor as;
	int64_t target;
	struct fl_ticket t;
	struct fl_comment *c;
	size_t nc;
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
	return (struct fl_actor){j.u.id, role};
}

static int tx_create(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_ticket_create(tx, &g_agent, &j->p, &j->a, &j->t, &j->e);
}

/* A ticket of requester's, by the agent (nobody is told of it). */
static int64_t mkticket(int64_t requester, const char *subject, const char *body, int status)
{
	struct job j = {0};
	j.p = (struct fl_ticket_patch){.has_subject = 1,
				       .subject = subject,
				       .has_requester = 1,
				       .requester_id = requester,
				       .comment_body = body,
				       .comment_public = 1,
				       .has_status = 1,
				       .status = status};
	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_create, &j), 0);
	fl_arena_free(&j.a);
	return j.t.id;
}

static int tx_update(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_ticket out;
	return fl_ticket_update(tx, &j->as, j->target, &j->p, &j->a, &out, &j->e);
}

static int tx_merge(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	j->e = (struct fl_err){0};
	return fl_ticket_merge(tx, &j->as, j->target, &j->m, &j->a, &j->t, &j->e);
}

/* Loads ticket id and its comments into j (in j->a). */
static int tx_look(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_page pg = {.limit = 50};
	int rc = fl_store_ticket_get(tx, j->target, &j->a, &j->t);
	return rc ? rc : fl_store_comment_list(tx, j->target, 0, &pg, &j->a, &j->c, &j->nc);
}

static struct job *look(struct job *j, int64_t id)
{
	fl_arena_free(&j->a);
	fl_arena_init(&j->a, 0);
	j->target = id;
	assert_int_equal(fl_store_read(g_store, tx_look, j), 0);
	return j;
}

static const struct fl_comment *last(const struct job *j)
{
	assert_true(j->nc > 0);
	return &j->c[j->nc - 1];
}

static int has_tag(const struct fl_ticket *t, const char *tag)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (!strcmp(t->tags[i], tag))
			return 1;
	return 0;
}

static int has(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-merge", NULL, &g_store))
		return -1;
	g_agent = mkuser(FL_ROLE_AGENT, "agent@desk.test", "en");
	g_agent2 = mkuser(FL_ROLE_AGENT, "agent2@desk.test", "en");
	g_anna = mkuser(FL_ROLE_END_USER, "anna@example.test", "uk");
	g_marta = mkuser(FL_ROLE_END_USER, "marta@example.test", "lt");
	g_cc = mkuser(FL_ROLE_END_USER, "cc@example.test", NULL);
	for (int ch = 0; ch < FL_CHANNEL__MAX; ch++)
		fl_notice_register(ch, remember_notice);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int ch = 0; ch < FL_CHANNEL__MAX; ch++)
		fl_notice_register(ch, NULL);
	fl_store_free(g_store);
	unit_store_remove(&g_files);
	return 0;
}

/* ---- merging -------------------------------------------------------------- */

static void test_same_customer(void **state)
{
	struct job j = {0};
	int64_t target = mkticket(g_anna.id, "Parcel", "Where is my parcel?", FL_STATUS_OPEN);
	int64_t dup = mkticket(g_anna.id, "Parcel again", "Still no parcel.", FL_STATUS_NEW);
	(void)state;

	/* the duplicate has a CC and a follower the target lacks */
	j.as = g_agent;
	j.p = (struct fl_ticket_patch){.has_cc_changes = 1,
				       .cc_add = {g_cc.id},
				       .ncc_add = 1,
				       .has_follower_changes = 1,
				       .follower_add = {g_agent2.id},
				       .nfollower_add = 1};
	j.target = dup;
	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_update, &j), 0);

	g_told.n = 0;
	j.m = (struct fl_merge){.sources = {dup}, .nsources = 1, .channel = FL_CHANNEL_WEB};
	j.target = target;
	assert_int_equal(fl_store_write(g_store, tx_merge, &j), 0);
	assert_int_equal(j.t.id, target);
	/* told once, by the target's public comment */
	assert_int_equal(g_told.n, 1);
	assert_int_equal(told_about(target), 1);
	assert_int_equal(g_told.kind[0], FL_NOTICE_REPLY);

	look(&j, dup);
	assert_int_equal(j.t.status, FL_STATUS_CLOSED);
	assert_true(has_tag(&j.t, "closed_by_merge"));
	assert_true(last(&j)->public);
	assert_non_null(strstr(last(&j)->body, "об’єднано зі зверненням #"));

	look(&j, target);
	assert_true(j.t.status < FL_STATUS_CLOSED);
	assert_true(has(j.t.ccs, j.t.nccs, g_cc.id));
	assert_true(has(j.t.followers, j.t.nfollowers, g_agent2.id));
	assert_false(has(j.t.ccs, j.t.nccs, g_anna.id));
	assert_true(last(&j)->public);
	assert_non_null(
		strstr(last(&j)->body, "«Parcel again» закрито й об’єднано з цим зверненням."));
	assert_non_null(strstr(last(&j)->body, "Still no parcel."));
	fl_arena_free(&j.a);
}

static void test_other_customer_told_once(void **state)
{
	struct job j = {0};
	int64_t target = mkticket(g_anna.id, "Printer", "It jams.", FL_STATUS_OPEN);
	int64_t a = mkticket(g_marta.id, "Printer too", "Mine jams, order 77.", FL_STATUS_OPEN);
	int64_t b = mkticket(g_marta.id, "Printer 3", "And again.", FL_STATUS_OPEN);
	(void)state;

	g_told.n = 0;
	j.as = g_agent;
	j.m = (struct fl_merge){.sources = {a, b}, .nsources = 2};
	j.target = target;
	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_merge, &j), 0);
	/* the target's comment is private: Marta is told by her first ticket, once */
	assert_int_equal(g_told.n, 1);
	assert_int_equal(told_about(a), 1);
	look(&j, target);
	assert_false(last(&j)->public);
	assert_true(has(j.t.ccs, j.t.nccs, g_marta.id));
	look(&j, b);
	/* in Marta's language */
	assert_int_equal(strncmp(last(&j)->body, "Ši užklausa uždaryta ir sujungta su užklausa #",
				 strlen("Ši užklausa uždaryta ir sujungta su užklausa #")),
			 0);
	assert_non_null(strstr(last(&j)->body, "„Printer“."));
	assert_true(last(&j)->public);
	fl_arena_free(&j.a);
}

static void test_refusals_write_nothing(void **state)
{
	struct job j = {0};
	int64_t target = mkticket(g_anna.id, "Login", "Cannot log in.", FL_STATUS_OPEN);
	int64_t dup = mkticket(g_anna.id, "Login again", "Still.", FL_STATUS_OPEN);
	int64_t closed = mkticket(g_anna.id, "Old", "Old.", FL_STATUS_CLOSED);
	int64_t stamp;
	size_t ncomments;
	struct {
		int64_t target;
		int64_t sources[FL_MERGE_MAX_SOURCES];
		size_t n;
		int rc;
		const char *field;
	} cases[] = {
		{target, {target}, 1, FL_EINVAL, "ids"},
		{target, {dup, dup}, 2, FL_EINVAL, "ids"},
		{target, {dup, closed}, 2, FL_EINVAL, "ids"},
		{target, {0}, 0, FL_EINVAL, "ids"},
		{closed, {dup}, 1, FL_EINVAL, "id"},
		{target, {dup, 999999}, 2, FL_ENOTFOUND, "ids"},
		{999999, {dup}, 1, FL_ENOTFOUND, "id"},
	};
	(void)state;

	look(&j, dup);
	stamp = j.t.updated_stamp;
	ncomments = j.nc;
	g_told.n = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		j.as = g_agent;
		j.target = cases[i].target;
		j.m = (struct fl_merge){.nsources = cases[i].n};
		memcpy(j.m.sources, cases[i].sources, sizeof j.m.sources);
		assert_int_equal(fl_store_write(g_store, tx_merge, &j), cases[i].rc);
		assert_string_equal(j.e.field, cases[i].field);
	}
	j.as = g_anna; /* a customer merges nothing */
	j.target = target;
	j.m = (struct fl_merge){.sources = {dup}, .nsources = 1};
	assert_int_equal(fl_store_write(g_store, tx_merge, &j), FL_EFORBIDDEN);
	look(&j, dup);
	assert_int_equal(j.t.updated_stamp, stamp);
	assert_int_equal(j.nc, ncomments);
	assert_int_equal(g_told.n, 0);
	fl_arena_free(&j.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_customer),
		cmocka_unit_test(test_other_customer_told_once),
		cmocka_unit_test(test_refusals_write_nothing),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
