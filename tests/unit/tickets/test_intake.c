/* Unit tests for the one intake (src/tickets/intake.c) and the notice
 * queue's routing (src/tickets/notice.c), against a real store in a
 * temporary SQLite file: the customer found or made by their identity,
 * threading onto a ticket, the acknowledgement limit, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/time.h"
#include "store/attachments.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/intake.h"
#include "tickets/notice.h"
#include "tickets/ticket.h"
#include "users/user.h"

static fl_store *g_store;
static struct unit_store g_files;
static struct fl_actor g_via, g_agent; /* the mail integration (an admin); an agent */

/* What the test deliverer was told. */
static struct {
	int n;
	enum fl_notice kind[32];
	int64_t ticket[32];
} g_told;

static int remember_notice(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t,
			   int64_t comment_id)
{
	(void)tx;
	(void)comment_id;
	if (g_told.n < 32) {
		g_told.kind[g_told.n] = kind;
		g_told.ticket[g_told.n] = t->id;
	}
	g_told.n++;
	return 0;
}

static int told_about(int64_t ticket, enum fl_notice kind)
{
	int n = 0;
	for (int i = 0; i < g_told.n && i < 32; i++)
		n += g_told.ticket[i] == ticket && g_told.kind[i] == kind;
	return n;
}

/* ---- fixture -------------------------------------------------------------- */

struct job {
	struct fl_intake in;
	struct fl_intake_result res;
	struct fl_err e;
	fl_arena a;
	struct fl_user u;
	struct fl_ticket t;
	struct fl_comment *c;
	struct fl_attachment *files;
	size_t nc, nfiles;
	struct fl_ticket_patch p;
	struct fl_actor as;
};

static int tx_intake(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	j->e = (struct fl_err){0};
	return fl_ticket_intake(tx, &j->in, &j->a, &j->res, &j->e);
}

static int tx_look(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_page pg = {.limit = 50};
	int rc = fl_store_ticket_get(tx, j->res.ticket.id, &j->a, &j->t);
	if (!rc)
		rc = fl_store_user_get(tx, j->res.requester_id, &j->a, &j->u);
	if (!rc)
		rc = fl_store_comment_list(tx, j->t.id, 0, &pg, &j->a, &j->c, &j->nc);
	if (!rc)
		rc = fl_store_attachment_list(tx, j->t.id, &j->a, &j->files, &j->nfiles);
	return rc;
}

static int tx_update(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_ticket out;
	return fl_ticket_update(tx, &j->as, j->res.ticket.id, &j->p, &j->a, &out, &j->e);
}

static int tx_user(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	j->e = (struct fl_err){0};
	return fl_user_create(tx, &j->u, NULL, &j->e);
}

/* Sets the active and suspended flags of the user with an address. */
struct flags {
	const char *email;
	int active, suspended;
};

static int tx_user_flags(fl_tx *tx, void *arg)
{
	struct flags *f = arg;
	struct fl_user u;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_user_by_email(tx, f->email, &a, &u);
	if (!rc) {
		u.active = f->active;
		u.suspended = f->suspended;
		rc = fl_store_user_update(tx, &u);
	}
	fl_arena_free(&a);
	return rc;
}

static struct fl_actor mkuser(int role, const char *email)
{
	struct job j = {0};
	j.u.role = role;
	j.u.name = "Staff";
	j.u.email = (char *)email;
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);
	return (struct fl_actor){j.u.id, role};
}

/* A mail-like intake from email, written by the integration. */
static void mail_from(struct job *j, const char *email, const char *name, const char *text)
{
	fl_arena_free(&j->a);
	memset(j, 0, sizeof *j);
	fl_arena_init(&j->a, 0);
	j->in = (struct fl_intake){.channel = FL_CHANNEL_EMAIL,
				   .via = &g_via,
				   .field = "from",
				   .from = {FL_SENDER_EMAIL, email, name},
				   .text = text};
}

static int group_setup(void **state)
{
	(void)state;

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-intake", NULL, &g_store))
		return -1;
	g_via = mkuser(FL_ROLE_ADMIN, "integration@desk.test");
	g_agent = mkuser(FL_ROLE_AGENT, "agent@desk.test");
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

/* ---- the customer --------------------------------------------------------- */

static void test_customer_by_identity(void **state)
{
	struct job j = {0};
	int64_t first;
	(void)state;

	fl_arena_init(&j.a, 0);
	/* a new address: an end user, named by the local part, in the hint's language */
	mail_from(&j, "Olha.K@Example.TEST", NULL, "Де моє замовлення?");
	j.in.lang = "uk";
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	first = j.u.id;
	assert_true(j.res.created);
	assert_int_equal(j.u.role, FL_ROLE_END_USER);
	assert_string_equal(j.u.email, "olha.k@example.test");
	assert_string_equal(j.u.name, "olha.k");
	assert_string_equal(j.u.locale, "uk");
	assert_int_equal(j.t.requester_id, first);
	assert_int_equal(j.t.submitter_id, g_via.id);
	assert_int_equal(j.t.channel, FL_CHANNEL_EMAIL);
	assert_int_equal(j.c[0].author_id, first);

	/* the same address on another channel, another case: the same person,
	 * who keeps the name they have */
	mail_from(&j, "olha.k@example.test", "Someone Else", "Ще раз");
	j.in.channel = FL_CHANNEL_WEB;
	j.in.via = NULL;
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_int_equal(j.res.requester_id, first);
	assert_string_equal(j.u.name, "olha.k");
	/* written by the customer themself: they are its submitter */
	assert_int_equal(j.t.submitter_id, first);
	assert_int_equal(j.t.channel, FL_CHANNEL_WEB);

	/* a display name names a new customer */
	mail_from(&j, "petras@example.test", "Petras Petraitis", "Labas");
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_string_equal(j.u.name, "Petras Petraitis");
	assert_string_equal(j.u.locale, "en");
	fl_arena_free(&j.a);
}

static int tx_count_tickets(fl_tx *tx, void *arg)
{
	return fl_store_ticket_last_id(tx, arg);
}

static void test_customer_refused(void **state)
{
	static const int kinds[] = {FL_SENDER_PHONE, FL_SENDER_MESSENGER, FL_SENDER_VISITOR};
	struct job j = {0};
	int64_t before, after;
	(void)state;

	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_store_read(g_store, tx_count_tickets, &before), 0);
	/* kinds with no storage yet: refused by the channel's field */
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		mail_from(&j, "+380441234567", NULL, "hello");
		j.in.from.kind = kinds[i];
		j.in.field = "sender";
		assert_int_equal(fl_store_write(g_store, tx_intake, &j), FL_EINVAL);
		assert_string_equal(j.e.field, "sender");
	}
	/* not an address */
	mail_from(&j, "not an address", NULL, "hello");
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), FL_EINVAL);
	assert_string_equal(j.e.field, "from");

	/* suspended, then deactivated: refused, and nothing is made */
	mail_from(&j, "quiet@example.test", NULL, "hello");
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_count_tickets, &before), 0);
	for (int i = 0; i < 2; i++) {
		struct flags f = {"quiet@example.test", i == 1 ? 0 : 1, i == 0};
		assert_int_equal(fl_store_write(g_store, tx_user_flags, &f), 0);
		mail_from(&j, "quiet@example.test", NULL, "again");
		assert_int_equal(fl_store_write(g_store, tx_intake, &j), FL_EINVAL);
		assert_string_equal(j.e.field, "from");
		/* nor may they be a CC */
		mail_from(&j, "loud@example.test", NULL, "with a CC");
		j.in.cc[j.in.ncc++] =
			(struct fl_sender){FL_SENDER_EMAIL, "quiet@example.test", NULL};
		assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
		assert_int_equal(j.res.ticket.nccs, 0);
		before = j.res.ticket.id;
	}
	assert_int_equal(fl_store_read(g_store, tx_count_tickets, &after), 0);
	assert_int_equal(after, before);
	fl_arena_free(&j.a);
}

/* ---- threading ------------------------------------------------------------ */

static void test_threading(void **state)
{
	struct job j = {0};
	int64_t id, requester, cc_first;
	(void)state;

	fl_arena_init(&j.a, 0);
	mail_from(&j, "thread@example.test", NULL, "My order is late");
	j.in.cc[j.in.ncc++] = (struct fl_sender){FL_SENDER_EMAIL, "friend@example.test", "Friend"};
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	id = j.res.ticket.id;
	requester = j.res.requester_id;
	assert_int_equal(j.t.nccs, 1);
	cc_first = j.t.ccs[0];

	/* an agent solves it */
	j.as = g_agent;
	j.p = (struct fl_ticket_patch){.has_status = 1, .status = FL_STATUS_SOLVED};
	assert_int_equal(fl_store_write(g_store, tx_update, &j), 0);

	/* the customer's answer lands on it, reopens it, and a new CC joins */
	mail_from(&j, "thread@example.test", NULL, "Still not here.");
	j.in.thread_id = id;
	j.in.cc[j.in.ncc++] = (struct fl_sender){FL_SENDER_EMAIL, "friend@example.test", NULL};
	j.in.cc[j.in.ncc++] = (struct fl_sender){FL_SENDER_EMAIL, "boss@example.test", NULL};
	g_told.n = 0;
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_false(j.res.created);
	assert_int_equal(j.res.ticket.id, id);
	assert_int_equal(j.res.requester_id, requester);
	assert_int_equal(g_told.n, 0); /* an answer is not acknowledged */
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_int_equal(j.t.status, FL_STATUS_OPEN);
	assert_int_equal(j.nc, 2);
	assert_string_equal(j.c[1].body, "Still not here.");
	assert_int_equal(j.c[1].author_id, requester);
	assert_int_equal(j.c[1].channel, FL_CHANNEL_EMAIL);
	assert_int_equal(j.t.nccs, 2);
	assert_int_equal(j.t.ccs[0] == cc_first || j.t.ccs[1] == cc_first, 1);

	/* a ticket that is gone: a new one */
	mail_from(&j, "thread@example.test", NULL, "Another thing");
	j.in.thread_id = id + 1000;
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_true(j.res.created);
	assert_true(j.res.ticket.id != id);
	fl_arena_free(&j.a);
}

/* ---- acknowledgements ----------------------------------------------------- */

static void test_ack_limit(void **state)
{
	struct job j = {0};
	int64_t ids[7];
	(void)state;

	fl_arena_init(&j.a, 0);
	g_told.n = 0;
	/* five an hour to one requester, whatever the channel */
	for (int i = 0; i < 7; i++) {
		mail_from(&j, "flood@example.test", NULL, "Hello again");
		if (i % 2) {
			j.in.channel = FL_CHANNEL_WEB;
			j.in.via = NULL;
		}
		assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
		ids[i] = j.res.ticket.id;
		assert_int_equal(j.res.acknowledged, i < FL_INTAKE_ACKS_AN_HOUR);
	}
	for (int i = 0; i < 7; i++)
		assert_int_equal(told_about(ids[i], FL_NOTICE_ACK), i < FL_INTAKE_ACKS_AN_HOUR);
	assert_int_equal(g_told.n, FL_INTAKE_ACKS_AN_HOUR);

	/* an hour later there is room again */
	fl_time_freeze(fl_now() + 3601);
	mail_from(&j, "flood@example.test", NULL, "Next day");
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_true(j.res.acknowledged);
	fl_time_freeze(0);

	/* what the channel says keeps an acknowledgement back */
	g_told.n = 0;
	for (int flag = 0; flag < 3; flag++) {
		mail_from(&j, "careful@example.test", NULL, "Hello");
		j.in.automatic = flag == 0;
		j.in.suspicious = flag == 1;
		j.in.quiet = flag == 2;
		assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
		assert_true(j.res.created);
		assert_false(j.res.acknowledged);
	}
	assert_int_equal(g_told.n, 0);

	/* an agent's public reply is told as a reply, through the ticket's channel */
	mail_from(&j, "careful@example.test", NULL, "Please answer");
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	j.as = g_agent;
	j.p = (struct fl_ticket_patch){.comment_body = "Here is your answer", .comment_public = 1};
	assert_int_equal(fl_store_write(g_store, tx_update, &j), 0);
	assert_int_equal(told_about(j.res.ticket.id, FL_NOTICE_REPLY), 1);
	fl_arena_free(&j.a);
}

/* ---- files ---------------------------------------------------------------- */

static void test_files(void **state)
{
	struct fl_intake_file files[2];
	struct fl_err e = {0};
	struct job j = {0};
	unsigned char hash[32];
	char hex[65];
	(void)state;

	fl_arena_init(&j.a, 0);
	assert_int_equal(fl_intake_file_prepare(g_store, &files[0], "../../etc/invoice.pdf",
						"Application/PDF; name=x", "%PDF-1.4", 8, &e),
			 0);
	assert_int_equal(fl_intake_file_prepare(g_store, &files[1], NULL, NULL, "bytes", 5, &e), 0);
	assert_string_equal(files[0].name, "invoice.pdf");
	assert_string_equal(files[0].type, "application/pdf");
	assert_string_equal(files[1].name, "attachment");
	assert_string_equal(files[1].type, "application/octet-stream");
	assert_int_equal(strlen(files[0].token), 32);
	assert_string_not_equal(files[0].token, files[1].token);
	crypto_hash_sha256(hash, (const unsigned char *)"%PDF-1.4", 8);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	assert_string_equal(files[0].digest, hex);

	mail_from(&j, "files@example.test", NULL, "See attached");
	j.in.files = files;
	j.in.nfiles = 2;
	assert_int_equal(fl_store_write(g_store, tx_intake, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_int_equal(j.nfiles, 2);
	for (size_t i = 0; i < 2; i++) {
		/* the writer's uploads, taken by the first comment */
		assert_int_equal(j.files[i].uploader_id, g_via.id);
		assert_int_equal(j.files[i].comment_id, j.c[0].id);
	}
	assert_true(!strcmp(j.files[0].file_name, "invoice.pdf") ||
		    !strcmp(j.files[1].file_name, "invoice.pdf"));
	assert_int_equal(j.files[0].size + j.files[1].size, 13);
	fl_arena_free(&j.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_customer_by_identity),
		cmocka_unit_test(test_customer_refused),
		cmocka_unit_test(test_threading),
		cmocka_unit_test(test_ack_limit),
		cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
