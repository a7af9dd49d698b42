/* Unit tests for tickets, users and credentials against a real store in a
 * temporary SQLite file: the rules of src/tickets/ticket.c, visibility,
 * full-text search, src/users/{user,auth}.c and the store's group commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "search/query.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"
#include "users/user.h"

/* ---- fixture -------------------------------------------------------------- */

static fl_store *g_store;
static struct unit_store g_files;
static fl_arena g_a; /* per test */
static int g_seq;

static int64_t g_org;                         /* Acme */
static char g_email[128], g_alice_email[128]; /* the last user's e-mail; alice's */
static struct fl_actor g_agent, g_agent2, g_admin, g_alice, g_bob, g_carol;

static const struct fl_actor anonymous = {0, FL_ROLE_ANONYMOUS};

struct user_job {
	struct fl_user u;
	char *hash; /* hashed before the write, as the API does */
	struct fl_err e;
};

static int tx_user_create(fl_tx *tx, void *arg)
{
	struct user_job *j = arg;
	return fl_user_create(tx, &j->u, j->hash, &j->e);
}

/* Creates a user named name (e-mail name-N@example.com); asserts success. */
static struct fl_actor mkuser(int role, const char *name, int64_t org, const char *password)
{
	struct user_job j;
	char email[128];
	int rc;

	memset(&j, 0, sizeof j);
	snprintf(email, sizeof email, "%s-%d@example.com", name, ++g_seq);
	memcpy(g_email, email, sizeof g_email);
	j.u.role = role;
	j.u.name = (char *)name;
	j.u.email = email;
	j.u.organization_id = org;
	if (password)
		assert_int_equal(fl_password_hash(password, &j.hash, &j.e), 0);
	rc = fl_store_write(g_store, tx_user_create, &j);
	free(j.hash);
	if (rc)
		fail_msg("creating user %s: %d (%s)", name, rc, j.e.msg);
	assert_true(j.u.id > 0);
	return (struct fl_actor){j.u.id, role};
}

static int tx_org_create(fl_tx *tx, void *arg)
{
	struct fl_org *o = arg;
	return fl_store_org_insert(tx, o);
}

static int group_setup(void **state)
{
	struct fl_store_opts o = {.sync_full = 1};
	struct fl_org org = {0};
	(void)state;

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-tickets", &o, &g_store))
		return -1;
	fl_arena_init(&g_a, 0);
	org.name = "Acme";
	org.created_at = org.updated_at = fl_now();
	if (fl_store_write(g_store, tx_org_create, &org))
		return -1;
	g_org = org.id;
	g_agent = mkuser(FL_ROLE_AGENT, "agent", 0, NULL);
	g_agent2 = mkuser(FL_ROLE_AGENT, "agent2", 0, NULL);
	g_admin = mkuser(FL_ROLE_ADMIN, "admin", 0, NULL);
	g_alice = mkuser(FL_ROLE_END_USER, "alice", g_org, NULL);
	memcpy(g_alice_email, g_email, sizeof g_alice_email);
	g_bob = mkuser(FL_ROLE_END_USER, "bob", 0, NULL);
	g_carol = mkuser(FL_ROLE_END_USER, "carol", 0, NULL);
	fl_arena_free(&g_a);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	unit_store_remove(&g_files);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&g_a, 0);
	fl_time_freeze(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&g_a);
	fl_time_freeze(0);
	return 0;
}

/* ---- ticket operations as transactions ------------------------------------ */

struct tk {
	struct fl_actor actor;
	const struct fl_ticket_patch *p;
	int64_t id;
	struct fl_ticket t;
	struct fl_err e;
};

static int tx_create(fl_tx *tx, void *arg)
{
	struct tk *k = arg;
	return fl_ticket_create(tx, &k->actor, k->p, &g_a, &k->t, &k->e);
}

static int tx_update(fl_tx *tx, void *arg)
{
	struct tk *k = arg;
	return fl_ticket_update(tx, &k->actor, k->id, k->p, &g_a, &k->t, &k->e);
}

static int tx_load(fl_tx *tx, void *arg)
{
	struct tk *k = arg;
	return fl_ticket_load(tx, &k->actor, k->id, &g_a, &k->t);
}

static int tx_delete(fl_tx *tx, void *arg)
{
	struct tk *k = arg;
	return fl_ticket_delete(tx, &k->actor, k->id, &k->e);
}

static void patch(struct fl_ticket_patch *p, const char *body)
{
	memset(p, 0, sizeof *p);
	p->comment_body = body;
	p->comment_public = 1;
}

static int create(struct fl_actor actor, const struct fl_ticket_patch *p, struct fl_ticket *out,
		  struct fl_err *e)
{
	struct tk k;
	int rc;

	memset(&k, 0, sizeof k);
	k.actor = actor;
	k.p = p;
	rc = fl_store_write(g_store, tx_create, &k);
	if (!rc && out)
		*out = k.t;
	if (e)
		*e = k.e;
	return rc;
}

static int update(struct fl_actor actor, int64_t id, const struct fl_ticket_patch *p,
		  struct fl_ticket *out, struct fl_err *e)
{
	struct tk k;
	int rc;

	memset(&k, 0, sizeof k);
	k.actor = actor;
	k.p = p;
	k.id = id;
	rc = fl_store_write(g_store, tx_update, &k);
	if (!rc && out)
		*out = k.t;
	if (e)
		*e = k.e;
	return rc;
}

static int load(struct fl_actor actor, int64_t id, struct fl_ticket *out)
{
	struct tk k;
	int rc;

	memset(&k, 0, sizeof k);
	k.actor = actor;
	k.id = id;
	rc = fl_store_read(g_store, tx_load, &k);
	if (!rc && out)
		*out = k.t;
	return rc;
}

static int del(struct fl_actor actor, int64_t id, struct fl_err *e)
{
	struct tk k;
	int rc;

	memset(&k, 0, sizeof k);
	k.actor = actor;
	k.id = id;
	rc = fl_store_write(g_store, tx_delete, &k);
	if (e)
		*e = k.e;
	return rc;
}

/* Creates a ticket as actor for requester (0: the actor); asserts success. */
static int64_t new_ticket(struct fl_actor actor, int64_t requester, const char *body)
{
	struct fl_ticket_patch p;
	struct fl_ticket t;
	struct fl_err e = {0};
	int rc;

	patch(&p, body);
	if (requester) {
		p.has_requester = 1;
		p.requester_id = requester;
	}
	rc = create(actor, &p, &t, &e);
	if (rc)
		fail_msg("creating a ticket: %d (%s)", rc, e.msg);
	assert_true(t.id > 0);
	return t.id;
}

/* Changes a ticket as actor; asserts success. */
static struct fl_ticket must_update(struct fl_actor actor, int64_t id,
				    const struct fl_ticket_patch *p)
{
	struct fl_ticket t;
	struct fl_err e = {0};
	int rc = update(actor, id, p, &t, &e);
	if (rc)
		fail_msg("updating ticket %" PRId64 ": %d (%s)", id, rc, e.msg);
	return t;
}

static struct fl_ticket must_load(int64_t id)
{
	struct fl_ticket t;
	int rc = load(g_agent, id, &t);
	if (rc)
		fail_msg("loading ticket %" PRId64 ": %d", id, rc);
	return t;
}

static struct fl_ticket_patch status_patch(int status)
{
	struct fl_ticket_patch p;
	patch(&p, NULL);
	p.has_status = 1;
	p.status = status;
	return p;
}

/* audits and comments */

struct audits {
	int64_t id;
	struct fl_audit *a;
	size_t n;
};

static int tx_audits(fl_tx *tx, void *arg)
{
	struct audits *x = arg;
	return fl_store_audit_list(tx, x->id, &g_a, &x->a, &x->n);
}

static struct audits audits_of(int64_t id)
{
	struct audits x = {id, NULL, 0};
	assert_int_equal(fl_store_read(g_store, tx_audits, &x), 0);
	return x;
}

static const struct fl_event *find_event(const struct fl_audit *au, int kind, const char *field)
{
	for (size_t i = 0; i < au->nevents; i++)
		if (au->events[i].kind == kind && au->events[i].field &&
		    !strcmp(au->events[i].field, field))
			return &au->events[i];
	return NULL;
}

static void assert_event(const struct fl_audit *au, int kind, const char *field, const char *value,
			 const char *previous)
{
	const struct fl_event *ev = find_event(au, kind, field);
	if (!ev)
		fail_msg("audit %" PRId64 " has no event (%d, %s)", au->id, kind, field);
	if ((value == NULL) != (ev->value == NULL) || (value && strcmp(value, ev->value)))
		fail_msg("event %s: value '%s', expected '%s'", field,
			 ev->value ? ev->value : "(null)", value ? value : "(null)");
	if ((previous == NULL) != (ev->previous == NULL) ||
	    (previous && strcmp(previous, ev->previous)))
		fail_msg("event %s: previous '%s', expected '%s'", field,
			 ev->previous ? ev->previous : "(null)", previous ? previous : "(null)");
}

struct comments {
	int64_t id;
	int public_only;
	struct fl_comment *c;
	size_t n;
};

static int tx_comments(fl_tx *tx, void *arg)
{
	struct comments *x = arg;
	struct fl_page pg = {0};
	pg.limit = 100;
	return fl_store_comment_list(tx, x->id, x->public_only, &pg, &g_a, &x->c, &x->n);
}

static struct comments comments_of(int64_t id, int public_only)
{
	struct comments x = {id, public_only, NULL, 0};
	assert_int_equal(fl_store_read(g_store, tx_comments, &x), 0);
	return x;
}

/* searching */

struct srch {
	struct fl_filter f;
	struct fl_page pg;
	struct fl_ticket *rows;
	size_t n;
	int64_t count;
};

static int tx_find(fl_tx *tx, void *arg)
{
	struct srch *s = arg;
	int rc = fl_store_ticket_find(tx, &s->f, &s->pg, &g_a, &s->rows, &s->n);
	return rc ? rc : fl_store_ticket_count(tx, &s->f, &s->count);
}

/* Runs query q as who would (parse, scope, find and count). */
static void search(struct fl_actor who, const char *q, int sort, struct srch *s)
{
	struct fl_err e = {0};
	int rc;

	memset(s, 0, sizeof *s);
	rc = fl_query_parse(fl_str_c(q), who.id, &g_a, &s->f, NULL, &e);
	if (rc)
		fail_msg("fl_query_parse(\"%s\") = %d (%s)", q, rc, e.msg);
	assert_int_equal(fl_ticket_scope(&who, &s->f), 0);
	s->pg.sort = sort;
	s->pg.limit = 100;
	rc = fl_store_read(g_store, tx_find, s);
	if (rc)
		fail_msg("searching \"%s\": %d", q, rc);
}

static int found(const struct srch *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].id == id)
			return 1;
	return 0;
}

/* Finds tickets for query q as who, with both sort orders, and checks that
 * the result contains id (or not) and agrees with the count. */
static void expect_search(struct fl_actor who, const char *q, int64_t id, int want)
{
	static const int sorts[] = {FL_SORT_RELEVANCE, FL_SORT_ID};
	for (size_t i = 0; i < 2; i++) {
		struct srch s;
		search(who, q, sorts[i], &s);
		if (found(&s, id) != want)
			fail_msg("search \"%s\" as user %" PRId64 " (sort %d): ticket %" PRId64
				 " %s",
				 q, who.id, sorts[i], id, want ? "not found" : "found");
		assert_true((int64_t)s.n == s.count);
		if (sorts[i] == FL_SORT_RELEVANCE && want && s.f.ntext) {
			for (size_t k = 0; k < s.n; k++) {
				if (s.rows[k].id != id)
					continue;
				assert_non_null(s.rows[k].snippet);
				assert_non_null(strchr(s.rows[k].snippet, '\x01'));
			}
		}
	}
}

static int64_t count_all(struct fl_actor who)
{
	struct srch s;
	search(who, "", FL_SORT_ID, &s);
	return s.count;
}

/* ---- users ---------------------------------------------------------------- */

static void test_user_create(void **state)
{
	struct user_job j;
	(void)state;

	/* the same e-mail twice */
	struct fl_actor u = mkuser(FL_ROLE_END_USER, "dup", 0, NULL);
	assert_true(u.id > 0);
	memset(&j, 0, sizeof j);
	char email[128];
	memcpy(email, g_email, sizeof email);
	j.u.role = FL_ROLE_END_USER;
	j.u.name = "Dup again";
	j.u.email = email;
	assert_int_equal(fl_store_write(g_store, tx_user_create, &j), FL_EDUPLICATE);
	assert_string_equal(j.e.field, "email");
	assert_string_equal(j.e.reason, "DuplicateValue");
}

static void test_passwords(void **state)
{
	char *h1 = NULL, *h2 = NULL, *h3 = NULL;
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(fl_password_hash("correct horse battery", &h1, &e), 0);
	assert_non_null(h1);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_null(strstr(h1, "correct horse")); /* never the password itself */
	assert_int_equal(fl_password_verify(h1, "correct horse battery"), 0);
	assert_int_equal(fl_password_verify(h1, "correct horse batterY"), FL_EAUTH);
	assert_int_equal(fl_password_verify(h1, ""), FL_EAUTH);
	assert_int_equal(fl_password_verify(h1, NULL), FL_EAUTH);
	assert_int_equal(fl_password_verify(NULL, "correct horse battery"), FL_EAUTH);
	assert_int_equal(fl_password_verify("not a hash", "correct horse battery"), FL_EAUTH);
	/* salted: the same password hashes differently */
	assert_int_equal(fl_password_hash("correct horse battery", &h2, &e), 0);
	assert_string_not_equal(h1, h2);
	/* 8 bytes is the minimum */
	assert_int_equal(fl_password_hash("12345678", &h3, &e), 0);
	free(h1);
	free(h2);
	free(h3);

	char *h = NULL;
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_password_hash("1234567", &h, &e), FL_EINVAL);
	assert_null(h);
	assert_string_equal(e.field, "password");
	assert_string_equal(e.reason, "TooShort");
	assert_int_equal(fl_password_hash("", &h, &e), FL_EINVAL);
	char *longpw = malloc(1026);
	assert_non_null(longpw);
	memset(longpw, 'p', 1025);
	longpw[1025] = 0;
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_password_hash(longpw, &h, &e), FL_EINVAL);
	assert_string_equal(e.reason, "TooLong");
	free(longpw);
	assert_null(h);
}

struct signin {
	const char *email, *password;
	struct fl_actor actor;
};

static int tx_signin(fl_tx *tx, void *arg)
{
	struct signin *s = arg;
	return fl_auth_password_check(tx, s->email, s->password, &g_a, &s->actor);
}

static int signin(const char *email, const char *password, struct fl_actor *out)
{
	struct signin s = {email, password, {0, 0}};
	int rc = fl_store_read(g_store, tx_signin, &s);
	if (!rc && out)
		*out = s.actor;
	return rc;
}

static void test_password_sign_in(void **state)
{
	struct fl_actor who = {0, 0}, u;
	char email[128], shouted[80];
	(void)state;

	u = mkuser(FL_ROLE_AGENT, "pat", 0, "a long enough secret");
	memcpy(email, g_email, sizeof email);
	snprintf(shouted, sizeof shouted, "  PAT-%d@Example.COM ", g_seq);
	assert_int_equal(signin(email, "a long enough secret", &who), 0);
	assert_true(who.id == u.id);
	assert_int_equal(who.role, FL_ROLE_AGENT);
	who.id = 0;
	assert_int_equal(signin(shouted, "a long enough secret", &who), 0);
	assert_true(who.id == u.id);
	assert_int_equal(signin(email, "a long enough secreT", NULL), FL_EAUTH);
	assert_int_equal(signin("nobody@example.com", "a long enough secret", NULL), FL_EAUTH);
	assert_int_equal(signin("not an address", "a long enough secret", NULL), FL_EAUTH);
	/* a user without a password cannot sign in with one */
	assert_int_equal(signin(g_alice_email, "anything at all", NULL), FL_EAUTH);
}

/* tokens */

struct tokjob {
	int64_t user_id;
	char token[FL_SECRET_LEN + 1];
	const char *check;
	struct fl_actor actor;
};

static int tx_token_create(fl_tx *tx, void *arg)
{
	struct tokjob *j = arg;
	return fl_auth_token_create(tx, j->user_id, "test token", j->token);
}

static int tx_token_check(fl_tx *tx, void *arg)
{
	struct tokjob *j = arg;
	return fl_auth_token_check(tx, j->check, &g_a, &j->actor);
}

static int token_check(const char *token, struct fl_actor *out)
{
	struct tokjob j;
	int rc;
	memset(&j, 0, sizeof j);
	j.check = token;
	rc = fl_store_read(g_store, tx_token_check, &j);
	if (!rc && out)
		*out = j.actor;
	return rc;
}

static int tx_suspend(fl_tx *tx, void *arg)
{
	int64_t *id = arg;
	struct fl_user u;
	int rc = fl_store_user_get(tx, *id, &g_a, &u);
	if (rc)
		return rc;
	u.suspended = 1;
	return fl_store_user_update(tx, &u);
}

static int is_lower_hex(const char *z)
{
	for (; *z; z++)
		if (!((*z >= '0' && *z <= '9') || (*z >= 'a' && *z <= 'f')))
			return 0;
	return 1;
}

static void test_tokens(void **state)
{
	struct tokjob j, j2;
	struct fl_actor who = {0, 0};
	char bad[FL_SECRET_LEN + 2];
	(void)state;

	memset(&j, 0, sizeof j);
	j.user_id = g_agent.id;
	assert_int_equal(fl_store_write(g_store, tx_token_create, &j), 0);
	assert_int_equal(strlen(j.token), FL_SECRET_LEN);
	assert_true(is_lower_hex(j.token));
	memset(&j2, 0, sizeof j2);
	j2.user_id = g_agent.id;
	assert_int_equal(fl_store_write(g_store, tx_token_create, &j2), 0);
	assert_string_not_equal(j.token, j2.token);

	assert_int_equal(token_check(j.token, &who), 0);
	assert_true(who.id == g_agent.id);
	assert_int_equal(who.role, FL_ROLE_AGENT);
	assert_int_equal(token_check(j2.token, &who), 0);

	/* a changed verifier character */
	memcpy(bad, j.token, sizeof j.token);
	bad[FL_SECRET_LEN - 1] = bad[FL_SECRET_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	/* a changed selector character */
	memcpy(bad, j.token, sizeof j.token);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	/* selector of one token, verifier of another */
	memcpy(bad, j.token, 16);
	memcpy(bad + 16, j2.token + 16, FL_SECRET_LEN - 16 + 1);
	assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	/* shape */
	memcpy(bad, j.token, sizeof j.token);
	bad[FL_SECRET_LEN - 1] = 0;
	assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	memcpy(bad, j.token, sizeof j.token);
	bad[FL_SECRET_LEN] = '0';
	bad[FL_SECRET_LEN + 1] = 0;
	assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	memcpy(bad, j.token, sizeof j.token);
	for (char *c = bad; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 32);
	if (strcmp(bad, j.token))
		assert_int_equal(token_check(bad, NULL), FL_EAUTH);
	assert_int_equal(token_check("", NULL), FL_EAUTH);
	assert_int_equal(token_check(NULL, NULL), FL_EAUTH);

	/* a suspended user's token no longer works */
	struct fl_actor temp = mkuser(FL_ROLE_AGENT, "temp", 0, NULL);
	memset(&j, 0, sizeof j);
	j.user_id = temp.id;
	assert_int_equal(fl_store_write(g_store, tx_token_create, &j), 0);
	assert_int_equal(token_check(j.token, &who), 0);
	assert_true(who.id == temp.id);
	assert_int_equal(fl_store_write(g_store, tx_suspend, &temp.id), 0);
	assert_int_equal(token_check(j.token, NULL), FL_EAUTH);
}

/* sessions */

struct sessjob {
	int64_t user_id, ttl;
	char cookie[FL_SECRET_LEN + 1];
	char csrf[FL_CSRF_LEN + 1];
	const char *check;
	const char *csrf_out;
	struct fl_actor actor;
};

static int tx_session_create(fl_tx *tx, void *arg)
{
	struct sessjob *j = arg;
	return fl_auth_session_create(tx, j->user_id, j->ttl, j->cookie, j->csrf);
}

static int tx_session_check(fl_tx *tx, void *arg)
{
	struct sessjob *j = arg;
	return fl_auth_session_check(tx, j->check, &g_a, &j->actor, &j->csrf_out);
}

static int tx_session_delete(fl_tx *tx, void *arg)
{
	struct sessjob *j = arg;
	return fl_auth_session_delete(tx, j->check);
}

static int session_check(const char *cookie, struct sessjob *out)
{
	struct sessjob j;
	memset(&j, 0, sizeof j);
	j.check = cookie;
	int rc = fl_store_read(g_store, tx_session_check, &j);
	if (out)
		*out = j;
	return rc;
}

static void test_sessions(void **state)
{
	const int64_t t0 = 1800000000;
	struct sessjob j, r;
	(void)state;

	fl_time_freeze(t0);
	memset(&j, 0, sizeof j);
	j.user_id = g_alice.id;
	j.ttl = 3600;
	assert_int_equal(fl_store_write(g_store, tx_session_create, &j), 0);
	assert_int_equal(strlen(j.cookie), FL_SECRET_LEN);
	assert_int_equal(strlen(j.csrf), FL_CSRF_LEN);
	assert_true(is_lower_hex(j.cookie) && is_lower_hex(j.csrf));

	assert_int_equal(session_check(j.cookie, &r), 0);
	assert_true(r.actor.id == g_alice.id);
	assert_int_equal(r.actor.role, FL_ROLE_END_USER);
	assert_non_null(r.csrf_out);
	assert_string_equal(r.csrf_out, j.csrf);

	fl_time_freeze(t0 + 3599);
	assert_int_equal(session_check(j.cookie, NULL), 0);
	fl_time_freeze(t0 + 3600);
	assert_int_equal(session_check(j.cookie, NULL), FL_EAUTH);
	fl_time_freeze(t0 + 86400);
	assert_int_equal(session_check(j.cookie, NULL), FL_EAUTH);

	/* a tampered cookie */
	fl_time_freeze(t0 + 10);
	assert_int_equal(session_check(j.cookie, NULL), 0);
	char bad[FL_SECRET_LEN + 1];
	memcpy(bad, j.cookie, sizeof bad);
	bad[30] = bad[30] == 'f' ? 'e' : 'f';
	assert_int_equal(session_check(bad, NULL), FL_EAUTH);

	/* signing out */
	j.check = j.cookie;
	assert_int_equal(fl_store_write(g_store, tx_session_delete, &j), 0);
	assert_int_equal(session_check(j.cookie, NULL), FL_EAUTH);
}

static int tx_session_find(fl_tx *tx, void *arg)
{
	struct fl_secret_row row;
	char sel[17];
	memcpy(sel, ((struct sessjob *)arg)->check, 16);
	sel[16] = 0;
	return fl_store_session_find(tx, sel, &g_a, &row);
}

/* The session-purge job deletes expired sessions, so they never pile up;
 * live ones stay. */
static void test_sessions_purged(void **state)
{
	const int64_t t0 = 1800000000;
	struct sessjob old, live;
	struct fl_err e = {0};
	(void)state;

	memset(&old, 0, sizeof old);
	memset(&live, 0, sizeof live);
	fl_time_freeze(t0);
	old.user_id = live.user_id = g_bob.id;
	old.ttl = 60;
	live.ttl = 7200;
	assert_int_equal(fl_store_write(g_store, tx_session_create, &old), 0);
	assert_int_equal(fl_store_write(g_store, tx_session_create, &live), 0);
	old.check = old.cookie;
	live.check = live.cookie;
	assert_int_equal(fl_store_read(g_store, tx_session_find, &old),
			 0); /* expired, still stored */

	fl_time_freeze(t0 + 120);
	assert_int_equal(fl_auth_purge_job(g_store, NULL, &e), 0);
	assert_int_equal(fl_store_read(g_store, tx_session_find, &old), FL_ENOTFOUND);
	assert_int_equal(fl_store_read(g_store, tx_session_find, &live), 0);
	assert_int_equal(session_check(live.cookie, NULL), 0);
	fl_time_freeze(0);
}

/* ---- creating tickets ----------------------------------------------------- */

static void test_create_defaults(void **state)
{
	const char *body = "Printer on fire\nIt started this morning.";
	struct fl_ticket_patch p;
	struct fl_ticket t, back;
	struct fl_err e = {0};
	(void)state;

	patch(&p, body);
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	assert_true(t.id > 0);
	assert_int_equal(t.status, FL_STATUS_NEW);
	assert_string_equal(t.subject, "Printer on fire");
	assert_string_equal(t.description, body);
	assert_true(t.requester_id == g_alice.id);
	assert_true(t.submitter_id == g_agent.id);
	assert_true(t.organization_id == g_org); /* from the requester */
	assert_true(t.assignee_id == 0);
	assert_int_equal(t.channel, FL_CHANNEL_API);
	assert_int_equal(t.priority, FL_PRIORITY_NONE);
	assert_int_equal(t.type, FL_TYPE_NONE);
	assert_true(t.solved_at == 0);
	assert_true(t.created_at > 0 && t.created_at == t.updated_at);

	/* what was stored */
	back = must_load(t.id);
	assert_int_equal(back.status, FL_STATUS_NEW);
	assert_string_equal(back.subject, "Printer on fire");
	assert_string_equal(back.description, body);
	assert_true(back.requester_id == g_alice.id);
	assert_true(back.organization_id == g_org);
	assert_true(back.assignee_id == 0);

	struct comments c = comments_of(t.id, 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.c[0].public, 1);
	assert_true(c.c[0].author_id == g_agent.id);
	assert_string_equal(c.c[0].body, body);
	assert_string_equal(c.c[0].html_body, "<p>Printer on fire<br>It started this morning.</p>");

	/* one Create audit with the initial values and the comment */
	struct audits au = audits_of(t.id);
	assert_int_equal(au.n, 1);
	assert_true(au.a[0].author_id == g_agent.id);
	assert_event(&au.a[0], FL_EVENT_CREATE, "subject", "Printer on fire", NULL);
	assert_event(&au.a[0], FL_EVENT_CREATE, "status", "new", NULL);
	const struct fl_event *ce = find_event(&au.a[0], FL_EVENT_COMMENT, "public");
	assert_non_null(ce);
	assert_true(ce->comment_id == c.c[0].id);

	/* assigned: open */
	patch(&p, "Assigned from the start");
	p.has_assignee = 1;
	p.assignee_id = g_agent2.id;
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_true(t.assignee_id == g_agent2.id);
	assert_true(t.requester_id == g_agent.id); /* requester defaults to the actor */
	assert_int_equal(must_load(t.id).status, FL_STATUS_OPEN);

	/* an explicit subject wins */
	patch(&p, "Body text\nmore");
	p.has_subject = 1;
	p.subject = "Explicit subject";
	p.has_priority = 1;
	p.priority = FL_PRIORITY_HIGH;
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	assert_string_equal(must_load(t.id).subject, "Explicit subject");
	assert_int_equal(must_load(t.id).priority, FL_PRIORITY_HIGH);

	/* an end user's own ticket: they are the requester, the comment is
	 * public — asking for a private one is refused, not overruled */
	patch(&p, "I need help");
	p.comment_public = 0;
	assert_int_equal(create(g_bob, &p, &t, &e), FL_EINVAL);
	assert_string_equal(e.field, "public");
	p.comment_public = 1;
	assert_int_equal(create(g_bob, &p, &t, &e), 0);
	assert_true(t.requester_id == g_bob.id);
	assert_true(t.submitter_id == g_bob.id);
	assert_true(t.organization_id == 0);
	assert_int_equal(t.status, FL_STATUS_NEW);
	c = comments_of(t.id, 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.c[0].public, 1);
}

static void test_create_subject_truncated(void **state)
{
	char body[1024];
	struct fl_ticket t;
	(void)state;

	/* 100 Cyrillic letters on the first line: 80 characters (160 bytes) */
	body[0] = 0;
	for (int i = 0; i < 100; i++)
		cat(body, sizeof body, "Ж");
	cat(body, sizeof body, "\nsecond line");
	t = must_load(new_ticket(g_agent, g_alice.id, body));
	assert_true(fl_utf8_valid(t.subject, strlen(t.subject)));
	assert_int_equal(fl_utf8_len(t.subject, strlen(t.subject)), 80);
	assert_int_equal(strlen(t.subject), 160);
	assert_int_equal(strncmp(t.subject, body, 160), 0);

	/* ASCII */
	memset(body, 'x', 120);
	body[120] = 0;
	t = must_load(new_ticket(g_agent, g_alice.id, body));
	assert_int_equal(strlen(t.subject), 80);
	assert_string_equal(t.description, body);

	/* a mixed line cut exactly after the 80th character */
	memset(body, 'a', 79);
	snprintf(body + 79, sizeof body - 79, "%s", "ąčę and more");
	t = must_load(new_ticket(g_agent, g_alice.id, body));
	assert_int_equal(fl_utf8_len(t.subject, strlen(t.subject)), 80);
	assert_int_equal(strlen(t.subject), 81);
	assert_string_equal(t.subject + 79, "ą");

	/* only the first line, whichever line break it ends with */
	t = must_load(new_ticket(g_agent, g_alice.id, "Short line\r\nmore text"));
	assert_string_equal(t.subject, "Short line");
}

static void expect_create_invalid(struct fl_actor actor, const struct fl_ticket_patch *p,
				  const char *field)
{
	struct fl_err e = {0};
	int rc = create(actor, p, NULL, &e);
	if (rc != FL_EINVAL)
		fail_msg("create gave %d, expected FL_EINVAL on %s", rc, field);
	assert_int_equal(e.code, FL_EINVAL);
	if (strcmp(e.field, field))
		fail_msg("create error names '%s', expected '%s' (%s)", e.field, field, e.msg);
}

static void test_create_validation(void **state)
{
	struct fl_ticket_patch p;
	struct fl_err e = {0};
	char subject[1024];
	int64_t before = count_all(g_agent);
	(void)state;

	patch(&p, "");
	expect_create_invalid(g_agent, &p, "comment");
	patch(&p, NULL);
	expect_create_invalid(g_agent, &p, "comment");
	patch(&p, "");
	expect_create_invalid(g_bob, &p, "comment");

	/* subject: 300 characters, not bytes */
	memset(subject, 'a', 301);
	subject[301] = 0;
	patch(&p, "body");
	p.has_subject = 1;
	p.subject = subject;
	expect_create_invalid(g_agent, &p, "subject");
	subject[0] = 0;
	for (int i = 0; i < 300; i++)
		cat(subject, sizeof subject, "Ж");
	assert_int_equal(create(g_agent, &p, NULL, &e), 0); /* 600 bytes, 300 characters */
	cat(subject, sizeof subject, "Ж");
	expect_create_invalid(g_agent, &p, "subject");

	/* references */
	patch(&p, "body");
	p.has_assignee = 1;
	p.assignee_id = 999999;
	expect_create_invalid(g_agent, &p, "assignee_id");
	p.assignee_id = g_alice.id; /* an end user cannot be the assignee */
	expect_create_invalid(g_agent, &p, "assignee_id");
	patch(&p, "body");
	p.has_requester = 1;
	p.requester_id = 999999;
	expect_create_invalid(g_agent, &p, "requester_id");
	patch(&p, "body");
	p.has_group = 1;
	p.group_id = 999999;
	expect_create_invalid(g_agent, &p, "group_id");
	patch(&p, "body");
	p.has_organization = 1;
	p.organization_id = 999999;
	expect_create_invalid(g_agent, &p, "organization_id");
	patch(&p, "body");
	p.has_ccs = 1;
	p.nccs = 2;
	p.ccs[0] = g_carol.id;
	p.ccs[1] = 999999;
	expect_create_invalid(g_agent, &p, "collaborator_ids");
	patch(&p, "body");
	p.comment_author_id = 999999;
	expect_create_invalid(g_agent, &p, "comment.author_id");

	/* what end users may not set */
	patch(&p, "body");
	p.has_assignee = 1;
	p.assignee_id = g_agent.id;
	assert_int_equal(create(g_bob, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, "body");
	p.has_status = 1;
	p.status = FL_STATUS_SOLVED;
	assert_int_equal(create(g_bob, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, "body");
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	assert_int_equal(create(g_bob, &p, NULL, &e), FL_EFORBIDDEN);

	/* only the one valid ticket was written */
	assert_true(count_all(g_agent) == before + 1);
}

/* "Comment: cannot be blank" has to cover a comment of only white space,
 * which would otherwise also give the ticket a blank subject. */
static void test_create_whitespace_comment(void **state)
{
	struct fl_ticket_patch p;
	(void)state;

	patch(&p, "   \n\t  ");
	expect_create_invalid(g_agent, &p, "comment");
}

/* ---- updating tickets ----------------------------------------------------- */

static void test_update_end_user_only_comments(void **state)
{
	struct fl_ticket_patch p;
	struct fl_err e = {0};
	int64_t id = new_ticket(g_agent, g_alice.id, "Where is my order?");
	const char *tags[] = {"x"};
	(void)state;

	p = status_patch(FL_STATUS_SOLVED);
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, "with a comment too");
	p.has_priority = 1;
	p.priority = FL_PRIORITY_URGENT;
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, NULL);
	p.has_subject = 1;
	p.subject = "Mine now";
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, NULL);
	p.has_tags = 1;
	p.ntags = 1;
	p.tags[0] = tags[0];
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EFORBIDDEN);
	patch(&p, NULL);
	p.has_assignee = 1;
	p.assignee_id = g_agent.id;
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EFORBIDDEN);
	/* nothing happened */
	assert_int_equal(audits_of(id).n, 1);
	assert_int_equal(comments_of(id, 0).n, 1);
	assert_int_equal(must_load(id).priority, FL_PRIORITY_NONE);

	/* a comment is fine, and always public: a private one is refused */
	patch(&p, "Any news?");
	p.comment_public = 0;
	struct fl_ticket t;
	assert_int_equal(update(g_alice, id, &p, &t, &e), FL_EINVAL);
	assert_string_equal(e.field, "public");
	assert_int_equal(comments_of(id, 0).n, 1);
	p.comment_public = 1;
	assert_int_equal(update(g_alice, id, &p, &t, &e), 0);
	struct comments c = comments_of(id, 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.c[1].public, 1);
	assert_true(c.c[1].author_id == g_alice.id);
	assert_string_equal(c.c[1].body, "Any news?");
	assert_int_equal(audits_of(id).n, 2);

	/* someone else's ticket does not exist for bob */
	patch(&p, "Me too");
	assert_int_equal(update(g_bob, id, &p, NULL, &e), FL_ENOTFOUND);
	/* a blank comment */
	patch(&p, "");
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EINVAL);
	assert_string_equal(e.field, "comment");
}

static void test_update_end_user_reply_reopens(void **state)
{
	struct fl_ticket_patch p;
	struct fl_ticket t;
	int64_t id = new_ticket(g_agent, g_alice.id, "Cannot log in");
	(void)state;

	p = status_patch(FL_STATUS_PENDING);
	assert_int_equal(must_update(g_agent, id, &p).status, FL_STATUS_PENDING);
	patch(&p, "Still cannot log in");
	t = must_update(g_alice, id, &p);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_int_equal(must_load(id).status, FL_STATUS_OPEN);
	struct audits au = audits_of(id);
	assert_event(&au.a[au.n - 1], FL_EVENT_CHANGE, "status", "open", "pending");

	p = status_patch(FL_STATUS_SOLVED);
	t = must_update(g_agent, id, &p);
	assert_int_equal(t.status, FL_STATUS_SOLVED);
	assert_true(t.solved_at > 0);
	patch(&p, "It broke again");
	t = must_update(g_alice, id, &p);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	t = must_load(id);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_true(t.solved_at == 0);
	au = audits_of(id);
	assert_event(&au.a[au.n - 1], FL_EVENT_CHANGE, "status", "open", "solved");

	/* so does on-hold */
	p = status_patch(FL_STATUS_HOLD);
	assert_int_equal(must_update(g_agent, id, &p).status, FL_STATUS_HOLD);
	patch(&p, "Any progress with the vendor?");
	assert_int_equal(must_update(g_alice, id, &p).status, FL_STATUS_OPEN);

	/* a CC'd user's reply counts as well */
	patch(&p, "cc");
	p.has_ccs = 1;
	p.nccs = 1;
	p.ccs[0] = g_carol.id;
	p.comment_body = NULL;
	must_update(g_agent, id, &p);
	p = status_patch(FL_STATUS_PENDING);
	must_update(g_agent, id, &p);
	patch(&p, "I am CC'd and I reply");
	assert_int_equal(must_update(g_carol, id, &p).status, FL_STATUS_OPEN);

	/* a customer's reply to a new ticket leaves it new */
	int64_t id2 = new_ticket(g_agent, g_alice.id, "New one");
	patch(&p, "More details");
	assert_int_equal(must_update(g_alice, id2, &p).status, FL_STATUS_NEW);
}

static void test_update_agent_reply_opens_new(void **state)
{
	struct fl_ticket_patch p;
	int64_t id = new_ticket(g_alice, 0, "My screen is blank");
	(void)state;

	assert_int_equal(must_load(id).status, FL_STATUS_NEW);
	/* an internal note does not */
	patch(&p, "Looks like a cable issue");
	p.comment_public = 0;
	assert_int_equal(must_update(g_agent, id, &p).status, FL_STATUS_NEW);
	struct comments c = comments_of(id, 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.c[1].public, 0);
	assert_int_equal(comments_of(id, 1).n, 1); /* end users see only the public one */
	assert_int_equal(must_load(id).status, FL_STATUS_NEW);

	/* a public reply does */
	patch(&p, "Please check the cable");
	assert_int_equal(must_update(g_agent, id, &p).status, FL_STATUS_OPEN);
	assert_int_equal(must_load(id).status, FL_STATUS_OPEN);
	struct audits au = audits_of(id);
	assert_int_equal(au.n, 3);
	assert_event(&au.a[2], FL_EVENT_CHANGE, "status", "open", "new");
	assert_non_null(find_event(&au.a[2], FL_EVENT_COMMENT, "public"));

	/* an explicit status wins over the reply rule */
	int64_t id2 = new_ticket(g_alice, 0, "Another one");
	patch(&p, "Waiting for you");
	p.has_status = 1;
	p.status = FL_STATUS_PENDING;
	assert_int_equal(must_update(g_agent, id2, &p).status, FL_STATUS_PENDING);
}

/* Zendesk's system rule, which fl_ticket_create already follows: a new
 * ticket that gets an assignee is open. */
static void test_update_assign_new_opens(void **state)
{
	struct fl_ticket_patch p;
	int64_t id = new_ticket(g_alice, 0, "Nobody has this yet");
	(void)state;

	patch(&p, NULL);
	p.has_assignee = 1;
	p.assignee_id = g_agent2.id;
	struct fl_ticket t = must_update(g_agent, id, &p);
	assert_true(t.assignee_id == g_agent2.id);
	assert_int_equal(t.status, FL_STATUS_OPEN);
	assert_int_equal(must_load(id).status, FL_STATUS_OPEN);
}

static void test_update_solve(void **state)
{
	const int64_t t0 = 1800000000, t1 = t0 + 100;
	struct fl_ticket_patch p;
	struct fl_ticket t;
	(void)state;

	fl_time_freeze(t0);
	int64_t id = new_ticket(g_agent, g_alice.id, "Please solve me");
	fl_time_freeze(t1);
	p = status_patch(FL_STATUS_SOLVED);
	t = must_update(g_agent2, id, &p);
	assert_int_equal(t.status, FL_STATUS_SOLVED);
	assert_true(t.solved_at == t1);
	assert_true(t.assignee_id == g_agent2.id);
	assert_true(t.updated_at == t1);
	t = must_load(id);
	assert_int_equal(t.status, FL_STATUS_SOLVED);
	assert_true(t.solved_at == t1);
	assert_true(t.assignee_id == g_agent2.id);
	assert_true(t.created_at == t0);
	assert_true(t.updated_at == t1);
	struct audits au = audits_of(id);
	assert_int_equal(au.n, 2);
	assert_true(au.a[1].author_id == g_agent2.id);
	assert_true(au.a[1].created_at == t1);
	assert_event(&au.a[1], FL_EVENT_CHANGE, "status", "solved", "new");
	char want[24];
	snprintf(want, sizeof want, "%" PRId64, g_agent2.id);
	assert_event(&au.a[1], FL_EVENT_CHANGE, "assignee_id", want, NULL);

	/* an assigned ticket keeps its assignee */
	struct fl_ticket_patch a;
	patch(&a, "Assigned");
	a.has_assignee = 1;
	a.assignee_id = g_agent.id;
	struct fl_ticket created;
	struct fl_err e = {0};
	assert_int_equal(create(g_agent, &a, &created, &e), 0);
	t = must_update(g_agent2, created.id, &p);
	assert_true(t.assignee_id == g_agent.id);
	assert_true(t.solved_at == t1);

	/* solved to closed keeps solved_at */
	fl_time_freeze(t1 + 50);
	p = status_patch(FL_STATUS_CLOSED);
	t = must_update(g_agent, id, &p);
	assert_int_equal(t.status, FL_STATUS_CLOSED);
	assert_true(must_load(id).solved_at == t1);
}

static void test_update_closed(void **state)
{
	struct fl_ticket_patch p;
	struct fl_err e = {0};
	int64_t id = new_ticket(g_agent, g_alice.id, "Close me");
	(void)state;

	p = status_patch(FL_STATUS_CLOSED);
	assert_int_equal(must_update(g_agent, id, &p).status, FL_STATUS_CLOSED);
	size_t n = audits_of(id).n;

	patch(&p, "One more thing");
	assert_int_equal(update(g_agent, id, &p, NULL, &e), FL_EINVAL);
	assert_string_equal(e.field, "status");
	memset(&e, 0, sizeof e);
	assert_int_equal(update(g_alice, id, &p, NULL, &e), FL_EINVAL);
	assert_string_equal(e.field, "status");
	p = status_patch(FL_STATUS_OPEN);
	assert_int_equal(update(g_agent, id, &p, NULL, &e), FL_EINVAL);
	assert_int_equal(update(g_admin, id, &p, NULL, &e), FL_EINVAL);
	assert_int_equal(must_load(id).status, FL_STATUS_CLOSED);
	assert_int_equal(audits_of(id).n, n);
	assert_int_equal(comments_of(id, 0).n, 1);
}

static void test_update_back_to_new(void **state)
{
	struct fl_ticket_patch p;
	struct fl_err e = {0};
	int64_t id = new_ticket(g_agent, g_alice.id, "Not new for long");
	(void)state;

	/* asking for the status it already has is no change */
	p = status_patch(FL_STATUS_NEW);
	assert_int_equal(update(g_agent, id, &p, NULL, &e), 0);

	p = status_patch(FL_STATUS_OPEN);
	must_update(g_agent, id, &p);
	p = status_patch(FL_STATUS_NEW);
	assert_int_equal(update(g_agent, id, &p, NULL, &e), FL_EINVAL);
	assert_string_equal(e.field, "status");
	assert_int_equal(must_load(id).status, FL_STATUS_OPEN);

	p = status_patch(FL_STATUS_SOLVED);
	must_update(g_agent, id, &p);
	p = status_patch(FL_STATUS_NEW);
	assert_int_equal(update(g_agent, id, &p, NULL, &e), FL_EINVAL);
	assert_int_equal(must_load(id).status, FL_STATUS_SOLVED);
}

static void test_update_noop_writes_no_audit(void **state)
{
	const int64_t t0 = 1800000000;
	struct fl_ticket_patch p;
	struct fl_ticket t, created;
	struct fl_err e = {0};
	(void)state;

	fl_time_freeze(t0);
	patch(&p, "Nothing will change");
	p.has_priority = 1;
	p.priority = FL_PRIORITY_NORMAL;
	p.has_tags = 1;
	p.ntags = 2;
	p.tags[0] = "billing";
	p.tags[1] = "vip";
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	assert_int_equal(create(g_agent, &p, &created, &e), 0);

	fl_time_freeze(t0 + 500);
	patch(&p, NULL);
	p.has_priority = 1;
	p.priority = FL_PRIORITY_NORMAL;
	p.has_tags = 1;
	p.ntags = 2;
	p.tags[0] = "billing";
	p.tags[1] = "vip";
	p.has_subject = 1;
	p.subject = "Nothing will change";
	p.has_assignee = 1;
	p.assignee_id = 0;
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	p.has_status = 1;
	p.status = FL_STATUS_NEW;
	t = must_update(g_agent, created.id, &p);
	assert_true(t.updated_at == t0);
	assert_int_equal(audits_of(created.id).n, 1);
	t = must_load(created.id);
	assert_true(t.updated_at == t0);
	assert_int_equal(t.ntags, 2);

	/* an empty patch too */
	patch(&p, NULL);
	must_update(g_agent, created.id, &p);
	assert_int_equal(audits_of(created.id).n, 1);
	assert_true(must_load(created.id).updated_at == t0);
}

static void test_audit_events(void **state)
{
	const int64_t t0 = 1800000000;
	struct fl_ticket_patch p;
	struct fl_ticket created, t;
	struct fl_err e = {0};
	char id_text[24];
	(void)state;

	fl_time_freeze(t0);
	patch(&p, "Audit me");
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	p.has_priority = 1;
	p.priority = FL_PRIORITY_NORMAL;
	assert_int_equal(create(g_agent, &p, &created, &e), 0);

	fl_time_freeze(t0 + 60);
	patch(&p, "Internal: checking with billing");
	p.comment_public = 0;
	p.has_subject = 1;
	p.subject = "Audit me, changed";
	p.has_priority = 1;
	p.priority = FL_PRIORITY_HIGH;
	p.has_tags = 1;
	p.ntags = 2;
	p.tags[0] = "billing";
	p.tags[1] = "vip";
	p.has_ccs = 1;
	p.nccs = 1;
	p.ccs[0] = g_carol.id;
	p.has_assignee = 1;
	p.assignee_id = g_agent.id;
	t = must_update(g_agent, created.id, &p);
	assert_string_equal(t.subject, "Audit me, changed");

	struct audits au = audits_of(created.id);
	assert_int_equal(au.n, 2);
	/* the create */
	assert_true(au.a[0].created_at == t0);
	assert_true(au.a[0].author_id == g_agent.id);
	assert_true(au.a[0].ticket_id == created.id);
	assert_event(&au.a[0], FL_EVENT_CREATE, "subject", "Audit me", NULL);
	assert_event(&au.a[0], FL_EVENT_CREATE, "status", "new", NULL);
	assert_event(&au.a[0], FL_EVENT_CREATE, "priority", "normal", NULL);
	snprintf(id_text, sizeof id_text, "%" PRId64, g_alice.id);
	assert_event(&au.a[0], FL_EVENT_CREATE, "requester_id", id_text, NULL);
	snprintf(id_text, sizeof id_text, "%" PRId64, g_org);
	assert_event(&au.a[0], FL_EVENT_CREATE, "organization_id", id_text, NULL);
	/* fields without a value have no Create event */
	assert_null(find_event(&au.a[0], FL_EVENT_CREATE, "assignee_id"));
	assert_null(find_event(&au.a[0], FL_EVENT_CREATE, "type"));
	assert_null(find_event(&au.a[0], FL_EVENT_CREATE, "group_id"));
	assert_null(find_event(&au.a[0], FL_EVENT_CREATE, "tags"));
	/* the update, with what each field was before */
	assert_true(au.a[1].created_at == t0 + 60);
	assert_event(&au.a[1], FL_EVENT_CHANGE, "subject", "Audit me, changed", "Audit me");
	assert_event(&au.a[1], FL_EVENT_CHANGE, "priority", "high", "normal");
	assert_event(&au.a[1], FL_EVENT_CHANGE, "tags", "billing vip", "");
	snprintf(id_text, sizeof id_text, "%" PRId64, g_carol.id);
	assert_event(&au.a[1], FL_EVENT_CHANGE, "collaborator_ids", id_text, "");
	snprintf(id_text, sizeof id_text, "%" PRId64, g_agent.id);
	assert_event(&au.a[1], FL_EVENT_CHANGE, "assignee_id", id_text, NULL);
	const struct fl_event *ce = find_event(&au.a[1], FL_EVENT_COMMENT, "private");
	assert_non_null(ce);
	assert_true(ce->comment_id > 0);
	assert_null(find_event(&au.a[1], FL_EVENT_CHANGE, "requester_id"));
	assert_null(find_event(&au.a[1], FL_EVENT_CHANGE, "type"));

	/* and one more, changing tags back and lowering priority */
	fl_time_freeze(t0 + 120);
	patch(&p, NULL);
	p.has_tags = 1;
	p.ntags = 1;
	p.tags[0] = "vip";
	p.has_priority = 1;
	p.priority = FL_PRIORITY_NONE;
	must_update(g_agent, created.id, &p);
	au = audits_of(created.id);
	assert_int_equal(au.n, 3);
	assert_event(&au.a[2], FL_EVENT_CHANGE, "tags", "vip", "billing vip");
	assert_event(&au.a[2], FL_EVENT_CHANGE, "priority", NULL, "high");
	assert_int_equal(au.a[2].nevents, 2);
	t = must_load(created.id);
	assert_int_equal(t.ntags, 1);
	assert_string_equal(t.tags[0], "vip");
	assert_int_equal(t.nccs, 1);
	assert_true(t.ccs[0] == g_carol.id);
}

/* ---- visibility ----------------------------------------------------------- */

static void test_load_visibility(void **state)
{
	struct fl_ticket_patch p;
	struct fl_ticket t;
	struct fl_err e = {0};
	(void)state;

	patch(&p, "Alice's ticket, Carol is CC'd");
	p.has_requester = 1;
	p.requester_id = g_alice.id;
	p.has_ccs = 1;
	p.nccs = 1;
	p.ccs[0] = g_carol.id;
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	int64_t t1 = t.id;
	int64_t t2 = new_ticket(g_bob, 0, "Bob's ticket");

	assert_int_equal(load(g_alice, t1, &t), 0);
	assert_true(t.id == t1);
	assert_int_equal(load(g_alice, t2, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_carol, t1, &t), 0);
	assert_int_equal(load(g_carol, t2, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_bob, t1, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_bob, t2, NULL), 0);
	assert_int_equal(load(g_agent, t1, NULL), 0);
	assert_int_equal(load(g_agent2, t2, NULL), 0);
	assert_int_equal(load(g_admin, t2, NULL), 0);
	assert_int_equal(load(anonymous, t1, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_agent, 0, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_agent, -1, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_agent, 99999999, NULL), FL_ENOTFOUND);

	/* deleting: agents only; the ticket then is gone for everyone */
	assert_int_equal(del(g_bob, t2, &e), FL_EFORBIDDEN);
	assert_int_equal(load(g_bob, t2, NULL), 0);
	assert_int_equal(del(g_agent, t2, &e), 0);
	assert_int_equal(load(g_agent, t2, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_admin, t2, NULL), FL_ENOTFOUND);
	assert_int_equal(load(g_bob, t2, NULL), FL_ENOTFOUND);
	assert_int_equal(del(g_agent, t2, &e), FL_ENOTFOUND);
	patch(&p, "Hello?");
	assert_int_equal(update(g_bob, t2, &p, NULL, &e), FL_ENOTFOUND);
	assert_int_equal(update(g_agent, t2, &p, NULL, &e), FL_ENOTFOUND);
	/* the audit trail stays, with the deletion in it */
	struct audits au = audits_of(t2);
	assert_int_equal(au.n, 2);
	assert_non_null(find_event(&au.a[1], FL_EVENT_DELETE, "deleted"));
}

static void test_scope_find_count(void **state)
{
	struct fl_ticket_patch p;
	struct fl_ticket t;
	struct fl_err e = {0};
	struct srch s;
	(void)state;

	struct fl_actor dave = mkuser(FL_ROLE_END_USER, "dave", 0, NULL);
	struct fl_actor erin = mkuser(FL_ROLE_END_USER, "erin", 0, NULL);
	int64_t d1 = new_ticket(g_agent, dave.id, "Dave asks");
	patch(&p, "Erin asks, Dave is CC'd");
	p.has_requester = 1;
	p.requester_id = erin.id;
	p.has_ccs = 1;
	p.nccs = 1;
	p.ccs[0] = dave.id;
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	int64_t d2 = t.id;
	int64_t e1 = new_ticket(g_agent, erin.id, "Erin alone");
	int64_t d3 = new_ticket(g_agent, dave.id, "Dave's deleted ticket");
	assert_int_equal(del(g_agent, d3, &e), 0);

	/* dave: his own and the one he is CC'd on */
	search(dave, "", FL_SORT_ID, &s);
	assert_int_equal(s.n, 2);
	assert_true(s.count == 2);
	assert_true(s.rows[0].id == d1);
	assert_true(s.rows[1].id == d2);
	assert_int_equal(s.f.public_only, 1);
	/* filters narrow further, never widen */
	search(dave, "status:new", FL_SORT_ID, &s);
	assert_true(s.count == 2);
	search(dave, "status:solved", FL_SORT_ID, &s);
	assert_true(s.count == 0);
	assert_int_equal(s.n, 0);
	search(dave, "requester:me", FL_SORT_ID, &s);
	assert_true(s.count == 1);
	assert_true(s.rows[0].id == d1);
	char q[96];
	snprintf(q, sizeof q, "id:%" PRId64, e1);
	search(dave, q, FL_SORT_ID, &s);
	assert_true(s.count == 0);
	assert_int_equal(s.n, 0);

	/* erin */
	search(erin, "", FL_SORT_UPDATED, &s);
	assert_true(s.count == 2);
	assert_true(found(&s, d2) && found(&s, e1));
	assert_false(found(&s, d1));

	/* an agent's scope is everything live */
	search(g_agent, q, FL_SORT_ID, &s);
	assert_true(s.count == 1);
	assert_int_equal(s.f.public_only, 0);
	assert_int_equal(s.f.n, 1);
	snprintf(q, sizeof q, "requester:%" PRId64 " requester:%" PRId64, dave.id, erin.id);
	search(g_agent, q, FL_SORT_ID, &s);
	assert_true(s.count == 3);
	assert_false(found(&s, d3));

	/* anonymous sees nothing */
	search(anonymous, "", FL_SORT_ID, &s);
	assert_true(s.count == 0);
}

/* ---- full-text search ----------------------------------------------------- */

static void test_search_fulltext(void **state)
{
	struct fl_ticket_patch p;
	(void)state;

	int64_t a = new_ticket(g_agent, g_alice.id, "Де моя ПОСИЛКА? Чекаю вже тиждень.");
	int64_t b = new_ticket(g_agent, g_alice.id, "Ąžuolas nuvirto ant tvoros");

	/* Cyrillic, folded to lower case */
	expect_search(g_agent, "посилка", a, 1);
	expect_search(g_agent, "ПОСИЛКА", a, 1);
	expect_search(g_agent, "Посилка", a, 1);
	expect_search(g_agent, "посил*", a, 1);
	expect_search(g_agent, "\"моя посилка\"", a, 1);
	expect_search(g_agent, "посилка тиждень", a, 1);
	expect_search(g_agent, "посилка -тиждень", a, 0);
	/* another case of the word finds it (core/text.c's Ukrainian stems) */
	expect_search(g_agent, "посилки", a, 1);
	expect_search(g_agent, "посилкою", a, 1);
	expect_search(g_agent, "посилання", a, 0);
	expect_search(g_agent, "посилка status:solved", a, 0);
	expect_search(g_agent, "посилка status:new", a, 1);
	/* Lithuanian, without diacritics */
	expect_search(g_agent, "azuolas", b, 1);
	expect_search(g_agent, "AZUOLAS", b, 1);
	expect_search(g_agent, "ąžuolas", b, 1);
	expect_search(g_agent, "tvoros azuol*", b, 1);
	expect_search(g_agent, "azuolas", a, 0);
	/* the requester finds them too; another customer does not */
	expect_search(g_alice, "посилка", a, 1);
	expect_search(g_alice, "azuolas", b, 1);
	expect_search(g_bob, "посилка", a, 0);
	expect_search(g_bob, "azuolas", b, 0);

	/* text that only appears in an internal note */
	int64_t c = new_ticket(g_agent, g_alice.id, "Refund request for order 1234");
	patch(&p, "zebracorn: customer is known for chargebacks");
	p.comment_public = 0;
	must_update(g_agent, c, &p);
	expect_search(g_agent, "zebracorn", c, 1);
	expect_search(g_admin, "zebracorn", c, 1);
	expect_search(g_alice, "zebracorn", c, 0);
	expect_search(g_alice, "refund", c, 1);
	struct srch s;
	search(g_alice, "zebracorn", FL_SORT_RELEVANCE, &s);
	assert_int_equal(s.n, 0);
	assert_true(s.count == 0);
	/* and excluding by a word of the note must not reveal it either */
	expect_search(g_alice, "refund -zebracorn", c, 1);
	expect_search(g_agent, "refund -zebracorn", c, 0);

	/* a public reply is found by its requester */
	patch(&p, "We have sent the quokkaparcel back");
	must_update(g_agent, c, &p);
	expect_search(g_alice, "quokkaparcel", c, 1);
	/* a new subject replaces the old one in the index */
	patch(&p, NULL);
	p.has_subject = 1;
	p.subject = "Renamed: capybaraform";
	must_update(g_agent, c, &p);
	expect_search(g_agent, "capybaraform", c, 1);

	/* operator characters are just text */
	new_ticket(g_agent, g_alice.id, "what about \"quotes\" AND (parens) OR NOT stars*");
	search(g_agent, "AND OR NOT", FL_SORT_RELEVANCE, &s);
	search(g_agent, "(parens)", FL_SORT_RELEVANCE, &s);
	search(g_agent, "quo\"tes", FL_SORT_ID, &s);
	search(g_agent, "-\"AND\" stars*", FL_SORT_ID, &s);
}

/* Search terms are ANDed over the ticket, as Zendesk does: a ticket whose
 * subject says "printer" and whose later comment says "toner" matches
 * "printer toner". */
static void test_search_terms_across_comments(void **state)
{
	struct fl_ticket_patch p;
	(void)state;

	int64_t id = new_ticket(g_agent, g_alice.id, "Quasarprinter is broken");
	patch(&p, "The nebulatoner cartridge is empty");
	must_update(g_agent, id, &p);
	expect_search(g_agent, "quasarprinter", id, 1);
	expect_search(g_agent, "nebulatoner", id, 1);
	expect_search(g_agent, "quasarprinter nebulatoner", id, 1);
}

/* "-word*" excludes every word with that prefix, as "word*" finds them. */
static void test_search_negated_prefix(void **state)
{
	(void)state;

	int64_t id = new_ticket(g_agent, g_alice.id, "Kiwiorder arrived in a wombatpackage");
	expect_search(g_agent, "kiwiorder wombat*", id, 1);
	expect_search(g_agent, "kiwiorder -wombatpackage", id, 0);
	expect_search(g_agent, "kiwiorder -wombat*", id, 0);
}

static void test_search_tags(void **state)
{
	struct fl_ticket_patch p;
	struct fl_ticket t;
	struct fl_err e = {0};
	const char *tags[] = {" Gold_Member ", "platypus", "gold_member"};
	size_t n = 3;
	(void)state;

	assert_int_equal(fl_tags_normalize(tags, &n, &g_a, &e), 0);
	patch(&p, "Tagged ticket");
	p.has_tags = 1;
	p.ntags = n;
	for (size_t i = 0; i < n; i++)
		p.tags[i] = tags[i];
	assert_int_equal(create(g_agent, &p, &t, &e), 0);
	t = must_load(t.id);
	assert_int_equal(t.ntags, 2);
	assert_string_equal(t.tags[0], "gold_member");
	assert_string_equal(t.tags[1], "platypus");
	expect_search(g_agent, "tags:platypus", t.id, 1);
	expect_search(g_agent, "tags:gold_member tags:nothing", t.id, 1);
	expect_search(g_agent, "-tags:platypus", t.id, 0);
	expect_search(g_agent, "tags:nothing", t.id, 0);
}

/* ---- tags and HTML -------------------------------------------------------- */

static void test_tags_normalize(void **state)
{
	struct fl_err e = {0};
	(void)state;

	const char *t1[] = {" VIP ", "billing", "vip",         "",
			    "  ",    "Urgent",  "\tbilling\t", "Ąžuolas"};
	size_t n = sizeof t1 / sizeof *t1;
	assert_int_equal(fl_tags_normalize(t1, &n, &g_a, &e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(t1[0], "billing");
	assert_string_equal(t1[1], "urgent");
	assert_string_equal(t1[2], "vip");
	assert_string_equal(t1[3], "Ąžuolas"); /* only ASCII is lowered */

	n = 0;
	assert_int_equal(fl_tags_normalize(t1, &n, &g_a, &e), 0);
	assert_int_equal(n, 0);

	const char *t2[] = {"ok", "two words"};
	n = 2;
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_tags_normalize(t2, &n, &g_a, &e), FL_EINVAL);
	assert_string_equal(e.field, "tags");
	assert_string_equal(e.reason, "InvalidValue");
	const char *t3[] = {"a,b"};
	n = 1;
	assert_int_equal(fl_tags_normalize(t3, &n, &g_a, &e), FL_EINVAL);
	const char *t4[] = {"line\nbreak"};
	n = 1;
	assert_int_equal(fl_tags_normalize(t4, &n, &g_a, &e), FL_EINVAL);

	/* 80 characters, not bytes */
	char long_ascii[100], long_lt[200];
	memset(long_ascii, 'a', 81);
	long_ascii[81] = 0;
	const char *t5[] = {long_ascii};
	n = 1;
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_tags_normalize(t5, &n, &g_a, &e), FL_EINVAL);
	assert_string_equal(e.reason, "TooLong");
	long_ascii[80] = 0;
	t5[0] = long_ascii;
	n = 1;
	assert_int_equal(fl_tags_normalize(t5, &n, &g_a, &e), 0);
	for (int i = 0; i < 80; i++) /* "ž" is two bytes */
		memcpy(long_lt + 2 * i, "ž", 2);
	long_lt[160] = 0;
	const char *t6[] = {long_lt};
	n = 1;
	assert_int_equal(fl_tags_normalize(t6, &n, &g_a, &e), 0);
	assert_int_equal(n, 1);
}

static char *html(const char *text)
{
	fl_buf b;
	char *z;
	fl_buf_init(&b, 0);
	assert_int_equal(fl_text_to_html(text, &b), 0);
	z = fl_arena_strdup(&g_a, b.p);
	fl_buf_free(&b);
	return z;
}

static void test_text_to_html(void **state)
{
	(void)state;

	assert_string_equal(html("<script>alert('x')</script>"),
			    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
	assert_string_equal(html("Tom & \"Jerry\""), "<p>Tom &amp; &quot;Jerry&quot;</p>");
	assert_string_equal(html(""), "<p></p>");
	assert_string_equal(html("Ąžuolas ir посилка"), "<p>Ąžuolas ir посилка</p>");
	assert_string_equal(html("hello http and https"), "<p>hello http and https</p>");

	/* links */
	assert_string_equal(
		html("see https://example.com/a?b=1&c=2."),
		"<p>see <a href=\"https://example.com/a?b=1&amp;c=2\""
		" rel=\"noopener noreferrer nofollow\">https://example.com/a?b=1&amp;c=2</a>.</p>");
	assert_string_equal(html("(http://x.lt/a)"),
			    "<p>(<a href=\"http://x.lt/a\" rel=\"noopener noreferrer nofollow\">"
			    "http://x.lt/a</a>)</p>");
	assert_null(strstr(html("ftp://x.lt javascript:alert(1) data:text/html,x"), "<a"));
	/* a quote ends the link, so it cannot break out of the attribute */
	char *h = html("https://evil.example/\"onmouseover=\"alert(1)");
	assert_non_null(strstr(h, "<a href=\"https://evil.example/\" rel="));
	assert_null(strstr(h, "\"onmouseover"));
	assert_non_null(strstr(h, "&quot;onmouseover=&quot;alert(1)"));
	h = html("<a href=\"https://x.lt\">click</a>");
	assert_null(strstr(h, "<a href=\"https://x.lt\">"));
	assert_non_null(strstr(h, "&lt;a href=&quot;"));
	assert_null(strstr(h, "<script"));

	/* lines and paragraphs */
	assert_string_equal(html("a\nb"), "<p>a<br>b</p>");
	assert_string_equal(html("a\r\nb"), "<p>a<br>b</p>");
	assert_string_equal(html("a\n\nb"), "<p>a</p><p>b</p>");
	assert_string_equal(html("a\n\n\n\nb"), "<p>a</p><p>b</p>");
	assert_string_equal(html("a\n\n"), "<p>a</p>");
}

/* E-mail bodies end lines with CRLF: a blank line there is a paragraph too. */
static void test_text_to_html_crlf_paragraphs(void **state)
{
	(void)state;
	assert_string_equal(html("a\r\n\r\nb"), "<p>a</p><p>b</p>");
}

/* ---- group commit --------------------------------------------------------- */

struct insert_job {
	int64_t requester;
	const char *subject;
	int64_t id;
	int fail; /* return FL_EINVAL after inserting */
};

static int tx_insert_ticket(fl_tx *tx, void *arg)
{
	struct insert_job *j = arg;
	struct fl_ticket t;
	int rc;

	memset(&t, 0, sizeof t);
	t.subject = (char *)j->subject;
	t.description = (char *)j->subject;
	t.status = FL_STATUS_NEW;
	t.channel = FL_CHANNEL_API;
	t.requester_id = t.submitter_id = j->requester;
	t.created_at = t.updated_at = fl_now();
	rc = fl_store_ticket_insert(tx, &t);
	if (rc)
		return rc;
	j->id = t.id;
	return j->fail ? FL_EINVAL : 0;
}

#define THREADS 8
#define PER_THREAD 50

struct worker {
	pthread_t th;
	int64_t requester;
	int rc[PER_THREAD];
	int64_t id[PER_THREAD];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		struct insert_job j = {w->requester, "group commit ticket", 0, 0};
		w->rc[i] = fl_store_write(g_store, tx_insert_ticket, &j);
		w->id[i] = j.id;
	}
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t count_requested_by(int64_t requester)
{
	char q[64];
	struct srch s;
	snprintf(q, sizeof q, "requester:%" PRId64, requester);
	search(g_agent, q, FL_SORT_ID, &s);
	return s.count;
}

static void test_group_commit(void **state)
{
	static struct worker w[THREADS];
	static int64_t ids[THREADS * PER_THREAD];
	uint64_t us0, tx0, commits0, batched0, us1, tx1, commits1, batched1;
	(void)state;

	struct fl_actor r = mkuser(FL_ROLE_END_USER, "bulk", 0, NULL);
	fl_store_stats(g_store, &us0, &tx0, &commits0, &batched0);
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].requester = r.id;
		assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(w[i].th, NULL);
	fl_store_stats(g_store, &us1, &tx1, &commits1, &batched1);

	size_t k = 0;
	for (int i = 0; i < THREADS; i++) {
		for (int j = 0; j < PER_THREAD; j++) {
			if (w[i].rc[j])
				fail_msg("write %d of thread %d failed: %d", j, i, w[i].rc[j]);
			assert_true(w[i].id[j] > 0);
			ids[k++] = w[i].id[j];
		}
	}
	qsort(ids, k, sizeof *ids, cmp_i64);
	for (size_t i = 1; i < k; i++)
		if (ids[i] == ids[i - 1])
			fail_msg("ticket id %" PRId64 " was handed out twice", ids[i]);

	uint64_t writes = batched1 - batched0, commits = commits1 - commits0;
	print_message("group commit: %" PRIu64 " writes in %" PRIu64 " commits\n", writes, commits);
	assert_int_equal(writes, THREADS * PER_THREAD);
	assert_true(commits >= 1);
	assert_true(commits < writes);
	assert_true(tx1 - tx0 >= THREADS * PER_THREAD);
	/* all of them are there */
	assert_true(count_requested_by(r.id) == THREADS * PER_THREAD);
}

/* A failing write inside a batch. */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started, released, done;
	int rc[3];
};

static struct gate g_gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, {0}};

static int wait_for(int *flag, int want)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&g_gate.lock);
	while (*flag < want && rc == 0)
		rc = pthread_cond_timedwait(&g_gate.cond, &g_gate.lock, &ts);
	int ok = *flag >= want;
	pthread_mutex_unlock(&g_gate.lock);
	return ok;
}

static void bump(int *flag)
{
	pthread_mutex_lock(&g_gate.lock);
	(*flag)++;
	pthread_cond_broadcast(&g_gate.cond);
	pthread_mutex_unlock(&g_gate.lock);
}

/* Holds the writer until the test has queued the next batch. */
static int tx_blocker(fl_tx *tx, void *arg)
{
	(void)tx;
	(void)arg;
	bump(&g_gate.started);
	wait_for(&g_gate.released, 1);
	return 0;
}

static void job_done(void *arg, int rc)
{
	int slot = (int)(intptr_t)arg;
	pthread_mutex_lock(&g_gate.lock);
	g_gate.rc[slot] = rc;
	g_gate.done++;
	pthread_cond_broadcast(&g_gate.cond);
	pthread_mutex_unlock(&g_gate.lock);
}

struct getjob {
	int64_t id;
	struct fl_ticket t;
};

static int tx_get(fl_tx *tx, void *arg)
{
	struct getjob *g = arg;
	return fl_store_ticket_get(tx, g->id, &g_a, &g->t);
}

static void test_failing_write_isolated(void **state)
{
	uint64_t us0, tx0, commits0, batched0, us1, tx1, commits1, batched1;
	(void)state;

	struct fl_actor r = mkuser(FL_ROLE_END_USER, "batch", 0, NULL);
	struct insert_job bad = {r.id, "Rollbackonly wallabyvanish", 0, 1};
	struct insert_job good = {r.id, "Committed dingostays", 0, 0};

	g_gate.started = g_gate.released = g_gate.done = 0;
	assert_int_equal(fl_store_write_async(g_store, tx_blocker, NULL, job_done, (void *)0), 0);
	assert_true(wait_for(&g_gate.started, 1));
	/* the writer is busy inside the blocker: these two queue up together */
	fl_store_stats(g_store, &us0, &tx0, &commits0, &batched0);
	assert_int_equal(fl_store_write_async(g_store, tx_insert_ticket, &bad, job_done, (void *)1),
			 0);
	assert_int_equal(
		fl_store_write_async(g_store, tx_insert_ticket, &good, job_done, (void *)2), 0);
	bump(&g_gate.released);
	assert_true(wait_for(&g_gate.done, 3));
	fl_store_stats(g_store, &us1, &tx1, &commits1, &batched1);

	assert_int_equal(g_gate.rc[0], 0);
	assert_int_equal(g_gate.rc[1], FL_EINVAL);
	assert_int_equal(g_gate.rc[2], 0);
	/* one commit for the blocker, one for the batch of two (the blocker
	 * was counted as batched when it was taken, before the first look) */
	assert_true(commits1 - commits0 == 2);
	assert_true(batched1 - batched0 == 2);

	/* the failed write left nothing: no row, no index entry (its rolled
	 * back id may be handed out again, to the good write) */
	assert_true(bad.id > 0);
	assert_true(good.id > 0);
	struct getjob gj = {bad.id, {0}};
	int rc = fl_store_read(g_store, tx_get, &gj);
	if (bad.id != good.id)
		assert_int_equal(rc, FL_ENOTFOUND);
	gj.id = good.id;
	assert_int_equal(fl_store_read(g_store, tx_get, &gj), 0);
	assert_string_equal(gj.t.subject, "Committed dingostays");
	assert_true(count_requested_by(r.id) == 1);
	struct srch s;
	search(g_agent, "wallabyvanish", FL_SORT_ID, &s);
	assert_true(s.count == 0);
	search(g_agent, "dingostays", FL_SORT_ID, &s);
	assert_true(s.count == 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_user_create),
		T(test_passwords),
		T(test_password_sign_in),
		T(test_tokens),
		T(test_sessions),
		T(test_sessions_purged),
		T(test_create_defaults),
		T(test_create_subject_truncated),
		T(test_create_validation),
		T(test_create_whitespace_comment),
		T(test_update_end_user_only_comments),
		T(test_update_end_user_reply_reopens),
		T(test_update_agent_reply_opens_new),
		T(test_update_assign_new_opens),
		T(test_update_solve),
		T(test_update_closed),
		T(test_update_back_to_new),
		T(test_update_noop_writes_no_audit),
		T(test_audit_events),
		T(test_load_visibility),
		T(test_scope_find_count),
		T(test_search_fulltext),
		T(test_search_terms_across_comments),
		T(test_search_negated_prefix),
		T(test_search_tags),
		T(test_tags_normalize),
		T(test_text_to_html),
		T(test_text_to_html_crlf_paragraphs),
		T(test_group_commit),
		T(test_failing_write_isolated),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
