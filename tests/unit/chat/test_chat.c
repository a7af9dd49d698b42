/* Unit tests for src/chat/: the pure rules (states, a message's text and
 * client id, the settings' parser and its errors, the report's
 * arithmetic) and the transactions over a real store — a chat is a ticket,
 * a resent message is one row and one comment, capacity, tier first,
 * skills (the language, the topic),
 * decline and transfer, missed chats, the visitor's token and another
 * visitor's chat, nothing mailed for what the widget showed.
 *
 * Every case gets a new store: a SQLite file in a temporary folder, or,
 * when FRONTLINE_TEST_PG is a PostgreSQL server's URI (scripts/pg.sh), a
 * database made on it for the case and dropped after it; scripts/check.sh
 * unit runs this program both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "chat/chat.h"
#include "core/time.h"
#include "feedback/csat.h"
#include "jobs/jobs.h"
#include "portal/link.h"
#include "routing/routing.h"
#include "rules/ruleset.h"
#include "rules/trigger.h"
#include "sla/schedule.h"
#include "store/chats.h"
#include "store/routing.h"
#include "store/schedules.h"
#include "store/settings.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/tickets.h"
#include "store/tiers.h"
#include "store/users.h"
#include "tickets/notice.h"

#define T0 1800000000

static fl_store *g_store;
static const char *g_server;
static char g_dir[64], g_target[512], g_dbname[64];
static int g_ndb;
static int g_line;
static const char *g_what;

#define EXPECT(cond)                         \
	do {                                 \
		if (!(cond)) {               \
			g_line = __LINE__;   \
			g_what = #cond;      \
			return FL_EINTERNAL; \
		}                            \
	} while (0)
#define EXPECT_RC(call, want) EXPECT((call) == (want))

static void run(int (*txn)(fl_store *, fl_tx_fn, void *), fl_tx_fn fn, void *arg)
{
	int rc;

	g_line = 0;
	g_what = NULL;
	rc = txn(g_store, fn, arg);
	if (g_line)
		fail_msg("test_chat.c:%d: expected %s", g_line, g_what);
	assert_int_equal(rc, 0);
}
#define WRITE(fn, arg) run(fl_store_write, fn, arg)

static int pg_admin(const char *sql)
{
	char uri[512];
	PGconn *c;
	PGresult *r;
	int ok;

	snprintf(uri, sizeof uri, "%s/postgres", g_server);
	c = PQconnectdb(uri);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* What the notice and message deliverers were asked: nothing is mailed
 * for what the widget showed. */
static int g_notices[FL_NOTICE__MAX], g_messages;
static size_t g_message_len; /* the last message's body, bytes */
static int count_notice(fl_tx *tx, enum fl_notice kind, const struct fl_ticket *t, int64_t c)
{
	(void)tx, (void)t, (void)c;
	g_notices[kind]++;
	return 0;
}
static int count_message(fl_tx *tx, const struct fl_message *m)
{
	(void)tx;
	g_messages++;
	g_message_len = m->body ? strlen(m->body) : 0;
	return 0;
}

static int init_link_key(fl_tx *tx, void *arg)
{
	(void)arg;
	return fl_link_key_init(tx);
}

static int setup(void **state)
{
	struct fl_store_opts o = {0};
	char sql[128];

	(void)state;
	if (g_server) {
		snprintf(g_dbname, sizeof g_dbname, "fl_chat_%ld_%d", (long)getpid(), ++g_ndb);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", g_dbname);
		if (pg_admin(sql))
			return -1;
		snprintf(g_target, sizeof g_target, "%s/%s", g_server, g_dbname);
	} else {
		snprintf(g_dir, sizeof g_dir, "/tmp/fl-chat-XXXXXX");
		if (!mkdtemp(g_dir))
			return -1;
		snprintf(g_target, sizeof g_target, "%s/store.db", g_dir);
	}
	o.target = g_target;
	memset(g_notices, 0, sizeof g_notices);
	g_messages = 0;
	fl_time_freeze(T0);
	if (fl_store_open(&g_store, &o, NULL))
		return -1;
	return fl_store_write(g_store, init_link_key, NULL);
}

static int teardown(void **state)
{
	char sql[160];

	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	fl_time_freeze(0);
	if (g_server) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_dbname);
		return pg_admin(sql);
	}
	snprintf(sql, sizeof sql, "rm -rf %s", g_dir);
	return system(sql) ? -1 : 0;
}

/* ---- the pure rules ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fl_chat_state_name(FL_CHAT_MISSED), "missed");
	assert_int_equal(fl_chat_state_parse("offline"), FL_CHAT_OFFLINE);
	assert_int_equal(fl_chat_state_parse("Queued"), -1);
	assert_null(fl_chat_state_name(FL_CHAT_STATE__MAX));
	assert_true(fl_chat_state_live(FL_CHAT_QUEUED) && fl_chat_state_live(FL_CHAT_ACTIVE));
	assert_false(fl_chat_state_live(FL_CHAT_ENDED) || fl_chat_state_live(FL_CHAT_MISSED));
	assert_int_equal(fl_chat_author_parse("agent"), FL_CHAT_AGENT);
	assert_int_equal(fl_chat_by_parse("day"), FL_CHAT_BY_DAY);
	assert_int_equal(fl_chat_by_parse("tier"), -1);
	assert_string_equal(fl_chat_lang("uk-UA"), "uk");
	assert_string_equal(fl_chat_lang("lt"), "lt");
	assert_string_equal(fl_chat_lang("ukr"), "en");
	assert_string_equal(fl_chat_lang(NULL), "en");
}

static void test_body(void **state)
{
	struct fl_err e = {0};
	char big[FL_CHAT_BODY_MAX * 4 + 8];

	(void)state;
	/* emoji (4 bytes), Cyrillic, a ZWJ family, line breaks and tabs */
	assert_int_equal(
		fl_chat_body_check("Привіт 👋\n👨‍👩‍👧\tok", 0, "body", &e), 0);
	/* script is text: stored as written, escaped where shown */
	assert_int_equal(fl_chat_body_check("<script>alert(1)</script>", 0, "body", &e), 0);
	assert_int_equal(fl_chat_body_check("a\x01"
					    "b",
					    0, "body", &e),
			 FL_EINVAL);
	assert_string_equal(e.field, "body");
	assert_int_equal(fl_chat_body_check("a\x7f", 0, "body", &e), FL_EINVAL);
	assert_int_equal(fl_chat_body_check("a\xc2\x85", 0, "body", &e), FL_EINVAL); /* NEL */
	assert_int_equal(fl_chat_body_check("\xe2\x80\xae"
					    "evil",
					    0, "body", &e),
			 FL_EINVAL);
	assert_int_equal(fl_chat_body_check("\xff\xfe", 0, "body", &e), FL_EINVAL);
	assert_int_equal(fl_chat_body_check("\xf0\x9f\x91"
					    "",
					    0, "body", &e),
			 FL_EINVAL);
	assert_int_equal(fl_chat_body_check("  \n ", 0, "message.body", &e), FL_EINVAL);
	assert_string_equal(e.field, "message.body");
	assert_string_equal(e.reason, "Blank");
	assert_int_equal(fl_chat_body_check("", 1, "body", &e), 0); /* files alone */
	/* FL_CHAT_BODY_MAX characters, each an emoji of 4 bytes, fit */
	for (int i = 0; i < FL_CHAT_BODY_MAX; i++)
		memcpy(big + 4 * i, "😀", 4);
	big[4 * FL_CHAT_BODY_MAX] = 0;
	assert_int_equal(fl_chat_body_check(big, 0, "body", &e), 0);
	memcpy(big + 4 * FL_CHAT_BODY_MAX, "x", 2);
	assert_int_equal(fl_chat_body_check(big, 0, "body", &e), FL_EINVAL);
	assert_string_equal(e.reason, "TooLong");
}

static void test_client_id(void **state)
{
	struct fl_err e = {0};
	char id[FL_CHAT_CLIENT_ID_MAX + 2];

	(void)state;
	assert_int_equal(fl_chat_client_id_check("m-1a2b.c_3:4", &e), 0);
	assert_int_equal(fl_chat_client_id_check("", &e), FL_EINVAL);
	assert_string_equal(e.field, "client_id");
	assert_int_equal(fl_chat_client_id_check(NULL, &e), FL_EINVAL);
	assert_int_equal(fl_chat_client_id_check("a b", &e), FL_EINVAL);
	assert_int_equal(fl_chat_client_id_check("<x>", &e), FL_EINVAL);
	assert_int_equal(fl_chat_client_id_check("system#3", &e), FL_EINVAL);
	memset(id, 'a', sizeof id - 1);
	id[sizeof id - 1] = 0;
	assert_int_equal(fl_chat_client_id_check(id, &e), FL_EINVAL);
	id[FL_CHAT_CLIENT_ID_MAX] = 0;
	assert_int_equal(fl_chat_client_id_check(id, &e), 0);
}

/* Parses json and expects rc with e naming field (NULL: success). */
static void settings_case(const char *json, int rc, const char *field)
{
	struct fl_chat_settings s;
	struct fl_err e = {0};
	fl_arena a;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_chat_settings_parse(json, strlen(json), &a, &s, &e), rc);
	if (field)
		assert_string_equal(e.field, field);
	fl_arena_free(&a);
}

static void test_settings(void **state)
{
	static const char good[] =
		"{\"enabled\":true,\"color\":\"#AA0011\",\"title\":{\"uk\":\"Чат\",\"en\":\"Chat\"},"
		"\"prechat\":{\"name\":\"required\",\"email\":\"off\",\"topic\":\"optional\"},"
		"\"topics\":[{\"key\":\"billing\",\"label\":{\"en\":\"Billing\",\"uk\":\"Оплата\"}}],"
		"\"offer_seconds\":45,\"allowed_origins\":[\"https://shop.example:8443\"]}";
	struct fl_chat_settings s, back;
	struct fl_err e = {0};
	fl_arena a;
	fl_buf b;

	(void)state;
	fl_arena_init(&a, 0);
	fl_buf_init(&b, 0);
	assert_int_equal(fl_chat_settings_parse(good, strlen(good), &a, &s, &e), 0);
	assert_true(s.enabled);
	assert_int_equal(s.prechat_name, FL_CHAT_FIELD_REQUIRED);
	assert_int_equal(s.prechat_email, FL_CHAT_FIELD_OFF);
	assert_int_equal(s.offer_seconds, 45);
	assert_string_equal(fl_chat_words_in(&s.title, "uk"), "Чат");
	/* a language left out says the English */
	assert_string_equal(fl_chat_words_in(&s.title, "lt"), "Chat");
	assert_string_equal(fl_chat_words_in(&s.topics[0].label, "uk-UA"), "Оплата");
	assert_int_equal(s.norigins, 1);
	/* what it writes reads back the same */
	assert_int_equal(fl_chat_settings_json(&s, &b), 0);
	assert_int_equal(fl_chat_settings_parse(b.p, b.n, &a, &back, &e), 0);
	assert_int_equal(back.ntopics, 1);
	assert_string_equal(back.topics[0].key, "billing");
	assert_string_equal(back.origins[0], "https://shop.example:8443");
	/* the defaults: off, any origin */
	settings_case("{}", 0, NULL);
	fl_chat_settings_defaults(&s);
	assert_false(s.enabled);
	assert_int_equal(s.norigins, 0);
	/* each error names its field */
	settings_case("[1]", FL_EMALFORMED, NULL);
	settings_case("{\"enabled\":", FL_EMALFORMED, NULL);
	settings_case("{\"enabled\":1}", FL_EINVAL, "enabled");
	settings_case("{\"color\":\"red\"}", FL_EINVAL, "color");
	settings_case("{\"color\":\"#12345g\"}", FL_EINVAL, "color");
	settings_case("{\"title\":\"Chat\"}", FL_EINVAL, "title");
	settings_case("{\"title\":{\"ru\":7}}", FL_EINVAL, "title.ru");
	settings_case("{\"greeting\":{\"lt\":\"a\\u0007b\"}}", FL_EINVAL, "greeting.lt");
	settings_case("{\"prechat\":{\"email\":\"maybe\"}}", FL_EINVAL, "prechat.email");
	settings_case("{\"prechat\":{\"topic\":\"required\"}}", FL_EINVAL, "topics");
	settings_case("{\"topics\":[{\"key\":\"ok\"},{\"key\":\"Bad Key\"}]}", FL_EINVAL,
		      "topics[1].key");
	settings_case("{\"topics\":[{\"key\":\"a\"},{\"key\":\"a\"}]}", FL_EINVAL, "topics[1].key");
	settings_case("{\"topics\":[{\"key\":\"a\",\"label\":{\"en\":5}}]}", FL_EINVAL,
		      "topics[0].label.en");
	settings_case("{\"offer_seconds\":1}", FL_EINVAL, "offer_seconds");
	settings_case("{\"offer_seconds\":\"30\"}", FL_EINVAL, "offer_seconds");
	settings_case("{\"schedule_id\":-2}", FL_EINVAL, "schedule_id");
	settings_case("{\"allowed_origins\":[\"https://a.example/path\"]}", FL_EINVAL,
		      "allowed_origins[0]");
	settings_case("{\"allowed_origins\":[\"https://a.example\",\"javascript:x\"]}", FL_EINVAL,
		      "allowed_origins[1]");
	settings_case("{\"allowed_origins\":\"https://a.example\"}", FL_EINVAL, "allowed_origins");
	/* the frame's header lists the origins as they are: nothing that
	 * would add a directive or a header passes */
	settings_case("{\"allowed_origins\":[\"https://a.example; script-src *\"]}", FL_EINVAL,
		      "allowed_origins[0]");
	settings_case("{\"allowed_origins\":[\"https://a.example 'unsafe-inline'\"]}", FL_EINVAL,
		      "allowed_origins[0]");
	settings_case("{\"allowed_origins\":[\"https://a.example\\r\\nX-A: b\"]}", FL_EINVAL,
		      "allowed_origins[0]");
	fl_buf_free(&b);
	fl_arena_free(&a);
}

static void test_arithmetic(void **state)
{
	int64_t v[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
	int64_t s1[] = {0, 5, 10, 10}, e1[] = {10, 15, 20, 0};
	int64_t s2[] = {1}, e2[] = {2};

	(void)state;
	assert_int_equal(fl_chat_percentile(v, 10, 50), 50);
	assert_int_equal(fl_chat_percentile(v, 10, 90), 90);
	assert_int_equal(fl_chat_percentile(v, 10, 91), 100);
	assert_int_equal(fl_chat_percentile(v, 1, 90), 10);
	assert_int_equal(fl_chat_percentile(v, 0, 50), -1);
	/* [0,10) [5,15) [10,20) [10,∞): three at once from 10 (the first
	 * ended as two began) */
	assert_int_equal(fl_chat_peak(s1, e1, 4), 3);
	assert_int_equal(fl_chat_peak(s2, e2, 1), 1);
	assert_int_equal(fl_chat_peak(NULL, NULL, 0), 0);
}

/* ---- over a store ---- */

struct world {
	fl_arena a;
	struct fl_actor agents[3];
	int64_t visitors[5];
	int64_t chats[5];
	int64_t tier_id;
};

static int add_agent(fl_tx *tx, const char *email, int online, int64_t capacity,
		     struct fl_actor *out)
{
	struct fl_user u = {0};
	struct fl_err e;
	int rc;

	u.role = FL_ROLE_AGENT;
	u.name = (char *)email;
	u.email = (char *)email;
	u.locale = "en";
	if ((rc = fl_user_create(tx, &u, NULL, &e)))
		return rc;
	*out = (struct fl_actor){u.id, FL_ROLE_AGENT};
	if (online && (rc = fl_routing_set_status(tx, u.id, FL_AGENT_ONLINE, T0)))
		return rc;
	return fl_chat_capacity_set(tx, u.id, capacity, T0, &e);
}

static int enable(fl_tx *tx)
{
	struct fl_chat_settings s;
	struct fl_err e;

	fl_chat_settings_defaults(&s);
	s.enabled = 1;
	return fl_chat_settings_put(tx, &s, &e);
}

/* Starts a chat for a new visitor (name, email may be NULL). */
static int start(fl_tx *tx, struct world *w, int i, const char *name, const char *email,
		 int64_t now)
{
	struct fl_chat_start_in in = {0};
	struct fl_chat c;
	struct fl_chat_message m;
	struct fl_err e = {0};
	int rc;

	if ((rc = fl_chat_visitor_new(tx, "uk", now, &w->visitors[i])))
		return rc;
	in.name = name;
	in.email = email;
	in.locale = "uk";
	in.message.body = "Добрий день 👋";
	in.message.client_id = "first";
	if ((rc = fl_chat_start(tx, w->visitors[i], &in, now, &w->a, &c, &m, &e))) {
		fprintf(stderr, "start: %d %s %s\n", rc, e.field, e.msg);
		return rc;
	}
	w->chats[i] = c.id;
	return 0;
}

static int comments_of(fl_tx *tx, int64_t ticket_id, int64_t *n)
{
	return fl_q_int(tx, "SELECT COUNT(*) FROM comments WHERE ticket_id = ?", n, "i", ticket_id);
}

static int tx_start_and_dedup(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Ще питання", .client_id = "m-2"};
	struct fl_chat_start_in again = {0};
	struct fl_chat_message m1, m2, *list, m;
	struct fl_chat c;
	struct fl_ticket t;
	struct fl_user u;
	struct fl_err e = {0};
	int64_t n;
	size_t nm;
	int dup = -1;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(start(tx, w, 0, "Олена", "Olena@Example.com", T0), 0);
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_load(tx, &v, w->chats[0], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_QUEUED && c.last_seq == 1);
	EXPECT(!strcmp(c.locale, "uk") && !strcmp(c.name, "Олена"));
	/* the ticket: chat channel, requested by the e-mail's end user */
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.channel == FL_CHANNEL_CHAT && t.requester_id == c.requester_id);
	EXPECT_RC(fl_store_user_get(tx, c.requester_id, &w->a, &u), 0);
	EXPECT(u.role == FL_ROLE_END_USER && !strcmp(u.email, "olena@example.com"));
	/* a second chat while one is open is refused, naming "chat" */
	again.message.body = "x";
	again.message.client_id = "x";
	EXPECT_RC(fl_chat_start(tx, w->visitors[0], &again, T0, &w->a, &c, &m, &e), FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "chat"));
	/* one message sent twice (a reconnect): one row, one comment */
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 5, &w->a, &m1, &dup, &e), 0);
	EXPECT(dup == 0 && m1.seq == 2 && m1.comment_id > 0);
	EXPECT_RC(comments_of(tx, c.ticket_id, &n), 0);
	EXPECT(n == 2);
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 9, &w->a, &m2, &dup, &e), 0);
	EXPECT(dup == 1 && m2.id == m1.id && m2.seq == 2);
	EXPECT_RC(comments_of(tx, c.ticket_id, &n), 0);
	EXPECT(n == 2);
	EXPECT_RC(fl_chat_messages(tx, &v, w->chats[0], 0, 0, &w->a, &list, &nm), 0);
	EXPECT(nm == 2 && list[0].seq == 1 && list[1].seq == 2);
	EXPECT(!strcmp(list[1].author_name, "Олена") && list[1].author == FL_CHAT_VISITOR);
	EXPECT_RC(fl_chat_messages(tx, &v, w->chats[0], 1, 0, &w->a, &list, &nm), 0);
	EXPECT(nm == 1 && list[0].seq == 2);
	/* nothing mailed: not an acknowledgement, not a reply */
	EXPECT(g_notices[FL_NOTICE_ACK] == 0 && g_notices[FL_NOTICE_REPLY] == 0);
	return 0;
}

static void test_start_and_dedup(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	fl_notice_register(FL_CHANNEL_CHAT, count_notice);
	WRITE(tx_start_and_dedup, &w);
	fl_notice_register(FL_CHANNEL_CHAT, NULL);
	fl_arena_free(&w.a);
}

static int tx_token(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who other = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "I am someone else", .client_id = "z"};
	struct fl_chat_message m;
	struct fl_chat c;
	struct fl_link l;
	struct fl_err e = {0};
	char *token, *forged, *link;
	int64_t id = 0;
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(fl_chat_visitor_new(tx, "en", T0, &w->visitors[1]), 0);
	EXPECT_RC(fl_chat_visitor_token(tx, w->visitors[0], T0, &w->a, &token), 0);
	EXPECT_RC(fl_chat_visitor_read(tx, token, T0 + 10, &id, &e), 0);
	EXPECT(id == w->visitors[0]);
	/* another number in it, the MAC unchanged: forged */
	forged = fl_arena_strdup(&w->a, token);
	forged[0] = forged[0] == '9' ? '8' : (char)(forged[0] + 1);
	EXPECT_RC(fl_chat_visitor_read(tx, forged, T0, &id, &e), FL_EAUTH);
	EXPECT(!strcmp(e.field, "token"));
	EXPECT_RC(fl_chat_visitor_read(tx, "", T0, &id, &e), FL_EAUTH);
	EXPECT_RC(fl_chat_visitor_read(tx, "1-0-0-00", T0, &id, &e), FL_EAUTH);
	/* another purpose's token (a rating link) for the same numbers */
	l = (struct fl_link){w->visitors[0], 0, T0 + 1000};
	EXPECT_RC(fl_link_make(tx, "csat", &l, &w->a, &link), 0);
	EXPECT_RC(fl_chat_visitor_read(tx, link, T0, &id, &e), FL_EAUTH);
	/* expired after a year */
	EXPECT_RC(fl_chat_visitor_read(tx, token, T0 + FL_CHAT_TOKEN_TTL + 1, &id, &e), FL_EAUTH);
	EXPECT(!strcmp(e.reason, "Expired"));
	/* another visitor reaches nothing of the first one's chat */
	other.visitor_id = w->visitors[1];
	EXPECT_RC(fl_chat_load(tx, &other, w->chats[0], &w->a, &c), FL_ENOTFOUND);
	EXPECT_RC(fl_chat_post(tx, &other, w->chats[0], &in, T0, &w->a, &m, &dup, &e),
		  FL_ENOTFOUND);
	EXPECT_RC(fl_chat_end(tx, &other, w->chats[0], 0, T0, &w->a, &c, &e), FL_ENOTFOUND);
	EXPECT_RC(fl_chat_read(tx, &other, w->chats[0], 1, &e), FL_ENOTFOUND);
	EXPECT_RC(fl_chat_typing(tx, &other, w->chats[0], 1, &e), FL_ENOTFOUND);
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[1], w->chats[0], "x@example.com", T0, NULL,
				     NULL, &e),
		  FL_ENOTFOUND);
	EXPECT_RC(fl_chat_rate(tx, w->visitors[1], w->chats[0], 1, NULL, T0, &e), FL_ENOTFOUND);
	/* a visitor with no e-mail is "Visitor N" */
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	{
		struct fl_user u;
		char want[40];
		snprintf(want, sizeof want, "Visitor %lld", (long long)w->visitors[0]);
		EXPECT_RC(fl_store_user_get(tx, c.requester_id, &w->a, &u), 0);
		EXPECT(!strcmp(u.name, want) && !u.email);
	}
	return 0;
}

static void test_token(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_token, &w);
	fl_arena_free(&w.a);
}

static int tx_capacity(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat c;
	struct fl_err e = {0};
	int64_t held;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	for (int i = 0; i < 4; i++)
		EXPECT_RC(start(tx, w, i, NULL, NULL, T0 + i), 0);
	/* three offered to the only agent; the fourth waits */
	for (int i = 0; i < 3; i++) {
		EXPECT_RC(fl_store_chat_get(tx, w->chats[i], &w->a, &c), 0);
		EXPECT(c.offered_to == w->agents[0].id);
	}
	EXPECT_RC(fl_store_chat_get(tx, w->chats[3], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_QUEUED && c.offered_to == 0);
	/* taking the three offered ones is fine; the fourth is one too many */
	for (int i = 0; i < 3; i++)
		EXPECT_RC(fl_chat_accept(tx, &w->agents[0], w->chats[i], T0 + 10, &e), 0);
	EXPECT_RC(fl_store_chat_agent_load(tx, w->agents[0].id, &held), 0);
	EXPECT(held == 3);
	EXPECT_RC(fl_chat_accept(tx, &w->agents[0], w->chats[3], T0 + 10, &e), FL_ECONFLICT);
	EXPECT(!strcmp(e.reason, "AtCapacity"));
	/* taken is taken */
	EXPECT_RC(fl_chat_accept(tx, &w->agents[0], w->chats[0], T0 + 10, &e), FL_ECONFLICT);
	EXPECT(!strcmp(e.reason, "Taken"));
	/* room again: one ends, and the waiting chat is offered at once */
	{
		struct fl_chat_who ag = {FL_CHAT_AGENT, 0, &w->agents[0]};
		EXPECT_RC(fl_chat_end(tx, &ag, w->chats[0], 0, T0 + 20, &w->a, &c, &e), 0);
		EXPECT(c.state == FL_CHAT_MISSED); /* nobody wrote */
	}
	EXPECT_RC(fl_chat_route_all(tx, T0 + 21, NULL), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[3], &w->a, &c), 0);
	EXPECT(c.offered_to == w->agents[0].id);
	/* capacity 0 takes none; out of range names the field */
	EXPECT_RC(fl_chat_capacity_set(tx, w->agents[0].id, FL_CHAT_CAPACITY_MAX + 1, T0, &e),
		  FL_EINVAL);
	EXPECT(!strcmp(e.field, "capacity"));
	return 0;
}

static void test_capacity(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_capacity, &w);
	fl_arena_free(&w.a);
}

static int tx_tier_first(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_tier tier = {.name = "VIP", .position = 1, .created_at = T0, .updated_at = T0};
	struct fl_chat c0, c1;
	struct fl_user u;

	EXPECT_RC(enable(tx), 0);
	/* nobody online: both wait */
	EXPECT_RC(add_agent(tx, "a@desk.example", 0, 1, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, "plain@example.com", T0), 0);
	EXPECT_RC(start(tx, w, 1, NULL, "vip@example.com", T0 + 60), 0);
	EXPECT_RC(fl_store_tier_insert(tx, &tier, "vip"), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[1], &w->a, &c1), 0);
	EXPECT_RC(fl_store_user_get(tx, c1.requester_id, &w->a, &u), 0);
	u.tier_id = tier.id;
	EXPECT_RC(fl_store_user_update(tx, &u), 0);
	/* one place: the VIP's chat, though it came later */
	EXPECT_RC(fl_routing_set_status(tx, w->agents[0].id, FL_AGENT_ONLINE, T0 + 100), 0);
	EXPECT_RC(fl_chat_route_all(tx, T0 + 100, NULL), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c0), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[1], &w->a, &c1), 0);
	EXPECT(c1.offered_to == w->agents[0].id);
	EXPECT(c0.offered_to == 0);
	return 0;
}

static void test_tier_first(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_tier_first, &w);
	fl_arena_free(&w.a);
}

/* Gives agent user_id the skills (a normalized text, "billing uk"). */
static int set_skills(fl_tx *tx, int64_t user_id, const char *skills, fl_arena *a)
{
	struct fl_routing_agent ag;
	int rc;

	if ((rc = fl_store_availability_get(tx, user_id, a, &ag)))
		return rc;
	ag.skills = (char *)skills;
	return fl_store_availability_put(tx, &ag, T0);
}

/* Starts chat i for a new visitor speaking locale, on topic ("" none). */
static int start_on(fl_tx *tx, struct world *w, int i, const char *locale, const char *topic,
		    int64_t now)
{
	struct fl_chat_start_in in = {0};
	struct fl_chat c;
	struct fl_chat_message m;
	struct fl_err e = {0};
	int rc;

	if ((rc = fl_chat_visitor_new(tx, locale, now, &w->visitors[i])))
		return rc;
	in.topic = topic;
	in.locale = locale;
	in.message.body = "Hello";
	in.message.client_id = "first";
	if ((rc = fl_chat_start(tx, w->visitors[i], &in, now, &w->a, &c, &m, &e)))
		return rc;
	w->chats[i] = c.id;
	return 0;
}

static int64_t offered_to(fl_tx *tx, struct world *w, int i)
{
	struct fl_chat c;

	return fl_store_chat_get(tx, w->chats[i], &w->a, &c) ? -1 : c.offered_to;
}

static int tx_skills(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_settings s;
	struct fl_err e = {0};

	fl_chat_settings_defaults(&s);
	s.enabled = 1;
	s.prechat_topic = FL_CHAT_FIELD_OPTIONAL;
	s.topics[0] = (struct fl_chat_topic){"billing", {.en = "Billing"}};
	s.topics[1] = (struct fl_chat_topic){"other", {.en = "Other"}};
	s.ntopics = 2;
	EXPECT_RC(fl_chat_settings_put(tx, &s, &e), 0);
	/* A knows nothing in particular, B billing, C Ukrainian: least open
	 * first, so without skills A, the first, would be offered each */
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(add_agent(tx, "b@desk.example", 1, 3, &w->agents[1]), 0);
	EXPECT_RC(add_agent(tx, "c@desk.example", 1, 3, &w->agents[2]), 0);
	EXPECT_RC(set_skills(tx, w->agents[1].id, "billing", &w->a), 0);
	EXPECT_RC(set_skills(tx, w->agents[2].id, "uk", &w->a), 0);
	/* the topic is a skill: billing to B */
	EXPECT_RC(start_on(tx, w, 0, "en", "billing", T0), 0);
	EXPECT(offered_to(tx, w, 0) == w->agents[1].id);
	/* the language is a skill: Ukrainian to C */
	EXPECT_RC(start_on(tx, w, 1, "uk", "", T0 + 1), 0);
	EXPECT(offered_to(tx, w, 1) == w->agents[2].id);
	/* a topic or language nobody has as a skill asks nothing: A, who
	 * holds least */
	EXPECT_RC(start_on(tx, w, 2, "lt", "other", T0 + 2), 0);
	EXPECT(offered_to(tx, w, 2) == w->agents[0].id);
	/* billing in Ukrainian asks both, as a ticket would: nobody has both,
	 * so it waits; once B speaks Ukrainian it is B's */
	EXPECT_RC(start_on(tx, w, 3, "uk", "billing", T0 + 3), 0);
	EXPECT(offered_to(tx, w, 3) == 0);
	EXPECT_RC(set_skills(tx, w->agents[1].id, "billing uk", &w->a), 0);
	EXPECT_RC(fl_chat_route_all(tx, T0 + 4, NULL), 0);
	EXPECT(offered_to(tx, w, 3) == w->agents[1].id);
	return 0;
}

static void test_skills(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_skills, &w);
	fl_arena_free(&w.a);
}

static int tx_transfer(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who ag = {FL_CHAT_AGENT, 0, NULL}, v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Hello, how can I help?", .client_id = "a-1"};
	struct fl_chat_message m, *list;
	struct fl_chat c;
	struct fl_ticket t;
	struct fl_err e = {0};
	char sysid[32], *to;
	size_t n;
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(add_agent(tx, "b@desk.example", 1, 3, &w->agents[1]), 0);
	EXPECT_RC(start(tx, w, 0, "Ivan", NULL, T0), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	/* the one offered declines: the other is offered it */
	{
		const struct fl_actor *first =
			c.offered_to == w->agents[0].id ? &w->agents[0] : &w->agents[1];
		const struct fl_actor *second =
			first == &w->agents[0] ? &w->agents[1] : &w->agents[0];
		EXPECT_RC(fl_chat_decline(tx, second, w->chats[0], T0, &e), FL_ECONFLICT);
		EXPECT_RC(fl_chat_decline(tx, first, w->chats[0], T0 + 3, &e), 0);
		EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
		EXPECT(c.offered_to == second->id);
	}
	/* agent A answers a chat offered to B: answering is accepting */
	ag.agent = &w->agents[0];
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 30, &w->a, &m, &dup, &e), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_ACTIVE && c.agent_id == w->agents[0].id);
	EXPECT(c.accepted_at == T0 + 30 && c.first_answer_at == T0 + 30 && c.offered_to == 0);
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.assignee_id == w->agents[0].id);
	/* and goes on answering the chat, now active: each a new message */
	for (int i = 0; i < 2; i++) {
		in.client_id = i ? "agent-3" : "agent-2";
		EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 31 + i, &w->a, &m, &dup, &e),
			  0);
		EXPECT(!dup && m.comment_id > 0 && m.author == FL_CHAT_AGENT);
	}
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	EXPECT(c.first_answer_at == T0 + 30);
	/* the visitor's client id is not the agent's to reuse */
	in.client_id = "first";
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 30, &w->a, &m, &dup, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "client_id"));
	/* B may not write in A's chat */
	ag.agent = &w->agents[1];
	in.client_id = "b-1";
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 31, &w->a, &m, &dup, &e),
		  FL_EFORBIDDEN);
	/* a visitor's id that looks like the next system line's takes
	 * nothing from it */
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	snprintf(sysid, sizeof sysid, "system-%lld", (long long)c.last_seq + 2);
	in.client_id = sysid;
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 32, &w->a, &m, &dup, &e), 0);
	/* A hands it to B with a note */
	EXPECT_RC(fl_chat_transfer(tx, &w->agents[0], w->chats[0], 0, 0, NULL, T0, &e), FL_EINVAL);
	EXPECT_RC(fl_chat_transfer(tx, &w->agents[0], w->chats[0], w->agents[1].id, 0,
				   "Billing question, over to you", T0 + 40, &e),
		  0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_ACTIVE && c.agent_id == w->agents[1].id);
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.assignee_id == w->agents[1].id);
	EXPECT_RC(fl_q_int(tx,
			   "SELECT COUNT(*) FROM comments WHERE ticket_id = ? AND public = 0"
			   " AND body = 'Billing question, over to you'",
			   &c.last_seq, "i", c.ticket_id),
		  0);
	EXPECT(c.last_seq == 1);
	/* the system line in the conversation, the visitor sees it */
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_messages(tx, &v, w->chats[0], 5, 0, &w->a, &list, &n), 0);
	EXPECT(n == 1 && list[0].author == FL_CHAT_SYSTEM);
	EXPECT(!strcmp(list[0].body, "Розмову передано: b@desk.example")); /* a "uk" chat */
	/* B ends it and solves the ticket, quietly */
	EXPECT_RC(fl_chat_end(tx, &ag, w->chats[0], 1, T0 + 100, &w->a, &c, &e), 0);
	EXPECT(c.state == FL_CHAT_ENDED && c.ended_by == FL_CHAT_AGENT && c.ended_at == T0 + 100);
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.status == FL_STATUS_SOLVED);
	EXPECT(g_notices[FL_NOTICE_SOLVED] == 0 && g_notices[FL_NOTICE_REPLY] == 0);
	/* ending twice changes nothing; a message after the end is refused */
	EXPECT_RC(fl_chat_end(tx, &v, w->chats[0], 0, T0 + 200, &w->a, &c, &e), 0);
	EXPECT(c.ended_at == T0 + 100);
	in.client_id = "late";
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 201, &w->a, &m, &dup, &e),
		  FL_ECONFLICT);
	/* the rating, without any mail asking */
	EXPECT_RC(fl_chat_rate(tx, w->visitors[0], w->chats[0], 1, "Quick, thanks", T0 + 210, &e),
		  0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	EXPECT(c.rated == 1);
	/* the transcript: no address at the start, and one named now is
	 * nobody's to mail (found or made by nothing) */
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[0], w->chats[0], NULL, T0 + 300, NULL, NULL,
				     &e),
		  FL_EINVAL);
	EXPECT(!strcmp(e.field, "email") && !strcmp(e.reason, "Blank"));
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[0], w->chats[0], "victim@example.com",
				     T0 + 300, NULL, NULL, &e),
		  FL_EINVAL);
	EXPECT(!strcmp(e.field, "email"));
	EXPECT(g_messages == 0);
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM users WHERE email = 'victim@example.com'",
			   &c.last_seq, ""),
		  0);
	EXPECT(c.last_seq == 0);
	/* a chat started with an address: to it, and only to it */
	EXPECT_RC(start(tx, w, 1, "Petro", "Petro@Example.com", T0 + 300), 0);
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[1], w->chats[1], "victim@example.com",
				     T0 + 300, NULL, NULL, &e),
		  FL_EINVAL);
	EXPECT(!strcmp(e.reason, "NotYours"));
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[1], w->chats[1], NULL, T0 + 300, &w->a, &to,
				     &e),
		  0);
	EXPECT(g_messages == 1 && !strcmp(to, "petro@example.com"));
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[1], w->chats[1], "petro@example.com", T0 + 400,
				     NULL, NULL, &e),
		  FL_ERATE);
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[1], w->chats[1], "petro@example.com",
				     T0 + 300 + FL_CHAT_TRANSCRIPT_EVERY, NULL, NULL, &e),
		  0);
	EXPECT(g_messages == 2);
	return 0;
}

static void test_transfer(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	fl_notice_register(FL_CHANNEL_CHAT, count_notice);
	fl_message_register(count_message);
	WRITE(tx_transfer, &w);
	fl_message_register(NULL);
	fl_notice_register(FL_CHANNEL_CHAT, NULL);
	fl_arena_free(&w.a);
}

static int tx_missed(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat c;
	struct fl_ticket t;
	struct fl_err e = {0};

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(start(tx, w, 1, NULL, NULL, T0), 0);
	EXPECT_RC(start(tx, w, 2, NULL, NULL, T0 + 200), 0);
	/* the visitor leaves before an answer: missed */
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_end(tx, &v, w->chats[0], 1, T0 + 10, &w->a, &c, &e), 0);
	EXPECT(c.state == FL_CHAT_MISSED && c.ended_by == FL_CHAT_VISITOR);
	/* a visitor's solve means nothing */
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.status < FL_STATUS_SOLVED);
	/* the job: the offer of chat 1, untaken for offer_seconds, moves on;
	 * its visitor, gone 120 s, makes it missed with the ticket open; chat
	 * 2's visitor is still there */
	fl_time_freeze(T0 + FL_CHAT_GONE_SECONDS + 1);
	EXPECT_RC(fl_chat_offer_job(tx, NULL, &e), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[1], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_MISSED && c.ended_by == FL_CHAT_SYSTEM);
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.status < FL_STATUS_SOLVED);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[2], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_QUEUED && c.offered_to == w->agents[0].id);
	fl_time_freeze(T0);
	return 0;
}

static void test_missed(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_missed, &w);
	fl_arena_free(&w.a);
}

/* The rating after the end: a chat the visitor ends after an agent
 * answered solves its ticket quietly and may be rated; a missed chat, and
 * one the agent ended keeping the ticket open, may not — each refused
 * naming "chat" — and say so (fl_chat_rateable). */
static int tx_rating(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who ag = {FL_CHAT_AGENT, 0, NULL}, v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Done, anything else?", .client_id = "a-1"};
	struct fl_chat_message m;
	struct fl_chat c;
	struct fl_ticket t;
	struct fl_err e = {0};
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	ag.agent = &w->agents[0];
	for (int i = 0; i < 3; i++)
		EXPECT_RC(start(tx, w, i, NULL, NULL, T0), 0);
	/* answered, then the visitor ends: solved, quietly; rateable */
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 10, &w->a, &m, &dup, &e), 0);
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_end(tx, &v, w->chats[0], 0, T0 + 20, &w->a, &c, &e), 0);
	EXPECT(c.state == FL_CHAT_ENDED && c.ended_by == FL_CHAT_VISITOR);
	EXPECT(fl_chat_rateable(&c));
	EXPECT_RC(fl_store_ticket_get(tx, c.ticket_id, &w->a, &t), 0);
	EXPECT(t.status == FL_STATUS_SOLVED && t.assignee_id == w->agents[0].id);
	EXPECT(g_notices[FL_NOTICE_SOLVED] == 0);
	EXPECT_RC(fl_chat_rate(tx, w->visitors[0], w->chats[0], FL_CSAT_GOOD, "Thanks", T0 + 30,
			       &e),
		  0);
	/* nobody answered: missed, the ticket open; not rateable */
	v.visitor_id = w->visitors[1];
	EXPECT_RC(fl_chat_end(tx, &v, w->chats[1], 0, T0 + 20, &w->a, &c, &e), 0);
	EXPECT(c.state == FL_CHAT_MISSED && !fl_chat_rateable(&c));
	EXPECT(c.ticket_status < FL_STATUS_SOLVED);
	EXPECT_RC(fl_chat_rate(tx, w->visitors[1], w->chats[1], FL_CSAT_GOOD, NULL, T0 + 30, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "chat") && !strcmp(e.reason, "Missed"));
	/* the agent ends keeping the ticket open: not rateable */
	in.client_id = "a-2";
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[2], &in, T0 + 10, &w->a, &m, &dup, &e), 0);
	EXPECT_RC(fl_chat_end(tx, &ag, w->chats[2], 0, T0 + 20, &w->a, &c, &e), 0);
	EXPECT(c.state == FL_CHAT_ENDED && !fl_chat_rateable(&c));
	EXPECT_RC(fl_chat_rate(tx, w->visitors[2], w->chats[2], FL_CSAT_BAD, NULL, T0 + 30, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "chat") && !strcmp(e.reason, "NotSolved"));
	/* the visitor's end after the agent's changes nothing */
	v.visitor_id = w->visitors[2];
	EXPECT_RC(fl_chat_end(tx, &v, w->chats[2], 0, T0 + 40, &w->a, &c, &e), 0);
	EXPECT(c.ticket_status < FL_STATUS_SOLVED && c.ended_by == FL_CHAT_AGENT);
	return 0;
}

static void test_rating(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	fl_notice_register(FL_CHANNEL_CHAT, count_notice);
	WRITE(tx_rating, &w);
	fl_notice_register(FL_CHANNEL_CHAT, NULL);
	fl_arena_free(&w.a);
}

/* Settings are read through their check: a stored value that fails it
 * (written by hand) is the defaults, so what the frame's header lists was
 * always checked. */
static int tx_settings_stored(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_settings s;

	EXPECT_RC(fl_store_setting_set(tx, FL_CHAT_SETTINGS_KEY,
				       "{\"enabled\":true,\"allowed_origins\":"
				       "[\"https://a.example; frame-ancestors *\"]}"),
		  0);
	EXPECT_RC(fl_chat_settings_get(tx, &w->a, &s), 0);
	EXPECT(!s.enabled && s.norigins == 0);
	EXPECT_RC(fl_store_setting_set(tx, FL_CHAT_SETTINGS_KEY,
				       "{\"enabled\":true,\"allowed_origins\":"
				       "[\"https://a.example\",\"http://127.0.0.1:8080\"]}"),
		  0);
	EXPECT_RC(fl_chat_settings_get(tx, &w->a, &s), 0);
	EXPECT(s.enabled && s.norigins == 2 && !strcmp(s.origins[1], "http://127.0.0.1:8080"));
	return 0;
}

static void test_settings_stored(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_settings_stored, &w);
	fl_arena_free(&w.a);
}

/* A start or an offline message without a locale is in the language the
 * visitor was made with; one with a locale is in that. */
static int tx_visitor_lang(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_offline_in off = {.email = "ona@example.com", .body = "Paskambinkite"};
	struct fl_chat_start_in in = {0};
	struct fl_chat_message m;
	struct fl_chat c, *list;
	struct fl_err e = {0};
	int64_t ticket;
	size_t n;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(fl_chat_visitor_new(tx, "lt-LT", T0, &w->visitors[0]), 0);
	in.message.body = "Labas";
	in.message.client_id = "first";
	EXPECT_RC(fl_chat_start(tx, w->visitors[0], &in, T0, &w->a, &c, &m, &e), 0);
	EXPECT(!strcmp(c.locale, "lt"));
	EXPECT_RC(fl_chat_visitor_new(tx, "ru", T0, &w->visitors[1]), 0);
	in.locale = "";
	EXPECT_RC(fl_chat_start(tx, w->visitors[1], &in, T0, &w->a, &c, &m, &e), 0);
	EXPECT(!strcmp(c.locale, "ru"));
	EXPECT_RC(fl_chat_visitor_new(tx, "ru", T0, &w->visitors[2]), 0);
	in.locale = "uk";
	EXPECT_RC(fl_chat_start(tx, w->visitors[2], &in, T0, &w->a, &c, &m, &e), 0);
	EXPECT(!strcmp(c.locale, "uk"));
	EXPECT_RC(fl_chat_visitor_new(tx, "lt", T0, &w->visitors[3]), 0);
	EXPECT_RC(fl_chat_offline(tx, w->visitors[3], &off, T0, &ticket, &e), 0);
	EXPECT_RC(fl_chat_visitor_chats(tx, w->visitors[3], &w->a, &list, &n), 0);
	EXPECT(n == 1 && !strcmp(list[0].locale, "lt"));
	return 0;
}

static void test_visitor_lang(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_visitor_lang, &w);
	fl_arena_free(&w.a);
}

/* The widget's expected wait: 0 while nobody is online (the widget is
 * closed) and whenever an online agent has room, even with chats waiting
 * for their answer; else a minute (no answered chat to go by) a place in
 * the queue per agent online. */
static int tx_expected_wait(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_status st;
	struct fl_err e = {0};

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 0, 1, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(fl_chat_status(tx, 0, T0, &st), 0);
	EXPECT(st.online == 0 && st.queue == 1 && st.expected_wait == 0 && !st.open_now);
	/* online with one place: chat 0 is offered it, a new chat waits */
	EXPECT_RC(fl_routing_set_status(tx, w->agents[0].id, FL_AGENT_ONLINE, T0 + 1), 0);
	EXPECT_RC(fl_chat_route_all(tx, T0 + 1, NULL), 0);
	EXPECT_RC(fl_chat_status(tx, 0, T0 + 1, &st), 0);
	EXPECT(st.online == 1 && st.room == 0 && st.queue == 1);
	EXPECT(st.expected_wait == 60 * 2);
	EXPECT_RC(start(tx, w, 1, NULL, NULL, T0 + 2), 0);
	EXPECT_RC(fl_chat_status(tx, 0, T0 + 2, &st), 0);
	EXPECT(st.queue == 2 && st.expected_wait == 60 * 3);
	/* room again: 0, though both chats still wait for an answer */
	EXPECT_RC(fl_chat_capacity_set(tx, w->agents[0].id, 3, T0 + 3, &e), 0);
	EXPECT_RC(fl_chat_status(tx, 0, T0 + 3, &st), 0);
	EXPECT(st.room == 1 && st.queue == 2 && st.expected_wait == 0);
	return 0;
}

static void test_expected_wait(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_expected_wait, &w);
	fl_arena_free(&w.a);
}

static int tx_offline_and_stats(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_offline_in in = {.name = "Rūta", .body = "Call me back", .locale = "lt"};
	struct fl_chat_who ag = {FL_CHAT_AGENT, 0, NULL};
	struct fl_chat_post_in post = {.body = "Hi", .client_id = "a"};
	struct fl_chat_stats_row *rows, all;
	struct fl_chat_status st;
	struct fl_chat_message m;
	struct fl_chat c;
	struct fl_err e = {0};
	int64_t ticket = 0, vid;
	size_t n;
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(fl_chat_visitor_new(tx, "lt", T0, &vid), 0);
	EXPECT_RC(fl_chat_offline(tx, vid, &in, T0, &ticket, &e), FL_EINVAL);
	EXPECT(!strcmp(e.field, "email"));
	in.email = "ruta@example.com";
	EXPECT_RC(fl_chat_offline(tx, vid, &in, T0, &ticket, &e), 0);
	EXPECT(ticket > 0);
	EXPECT(g_notices[FL_NOTICE_ACK] == 1); /* acknowledged like the portal's form */
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(start(tx, w, 1, NULL, NULL, T0 + 10), 0);
	ag.agent = &w->agents[0];
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &post, T0 + 40, &w->a, &m, &dup, &e), 0);
	EXPECT_RC(fl_chat_end(tx, &ag, w->chats[0], 0, T0 + 340, &w->a, &c, &e), 0);
	EXPECT_RC(fl_chat_status(tx, w->agents[0].id, T0 + 400, &st), 0);
	EXPECT(st.online == 1 && st.queue == 1 && st.open_now == 1);
	EXPECT(st.capacity == 3 && st.active == 1); /* chat 1, offered to them */
	EXPECT(st.expected_wait == 0);              /* room, though chat 1 waits */
	EXPECT_RC(fl_chat_stats(tx, FL_CHAT_BY_AGENT, T0 - 10, T0 + 86400, &w->a, &rows, &n, &all),
		  0);
	EXPECT(all.chats == 3 && all.answered == 1 && all.offline == 1);
	EXPECT(all.wait_p50 == 40 && all.duration_p50 == 340 && all.peak == 1);
	EXPECT(n == 2); /* nobody's (the offline message, the queued chat) and the agent's */
	EXPECT(rows[1].key == w->agents[0].id && rows[1].answered == 1);
	EXPECT_RC(fl_chat_stats(tx, FL_CHAT_BY_DAY, T0 - 10, T0 + 86400, &w->a, &rows, &n, &all),
		  0);
	EXPECT(n == 1 && rows[0].key == T0 / 86400 && rows[0].chats == 3);
	EXPECT_RC(fl_chat_stats(tx, FL_CHAT_BY_GROUP, T0 + 5, T0 + 86400, &w->a, &rows, &n, &all),
		  0);
	EXPECT(n == 1 && rows[0].chats == 1 && rows[0].wait_p50 == -1);
	/* the lists: the queue oldest first, the rest newest first */
	{
		struct fl_chat_filter f = {.state = -1};
		struct fl_chat_context x;
		struct fl_chat *list;
		int64_t total;
		EXPECT_RC(fl_chat_list(tx, &f, &w->a, &list, &n, &total), 0);
		EXPECT(n == 3 && total == 3 && list[0].id == w->chats[1]);
		f.state = FL_CHAT_ENDED;
		f.agent_id = w->agents[0].id;
		EXPECT_RC(fl_chat_list(tx, &f, &w->a, &list, &n, &total), 0);
		EXPECT(n == 1 && list[0].id == w->chats[0] &&
		       !strcmp(list[0].agent_name, "a@desk.example"));
		EXPECT_RC(fl_chat_visitor_chats(tx, vid, &w->a, &list, &n), 0);
		EXPECT(n == 1 && list[0].state == FL_CHAT_OFFLINE && list[0].ticket_id == ticket);
		EXPECT_RC(fl_chat_context(tx, &list[0], &w->a, &x), 0);
		EXPECT(!strcmp(x.requester.email, "ruta@example.com") && x.ntickets == 1);
		EXPECT(x.tier.id == 0 && x.ncontracts == 0 && !x.email_verified);
	}
	return 0;
}

static void test_offline_and_stats(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	fl_notice_register(FL_CHANNEL_CHAT, count_notice);
	WRITE(tx_offline_and_stats, &w);
	fl_notice_register(FL_CHANNEL_CHAT, NULL);
	fl_arena_free(&w.a);
}

/* Out of the schedule's hours a chat cannot start: the widget offers the
 * offline form, and says when it opens. */
static int tx_closed(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_interval sunday = {0, 60}; /* Sunday 00:00-01:00 UTC */
	struct fl_schedule sc = {.name = "Sundays",
				 .time_zone = "UTC",
				 .intervals = &sunday,
				 .nintervals = 1,
				 .created_at = T0,
				 .updated_at = T0};
	struct fl_chat_settings s;
	struct fl_chat_start_in in = {0};
	struct fl_chat_status st;
	struct fl_chat_message m;
	struct fl_chat c;
	struct fl_err e = {0};
	int64_t vid;

	EXPECT_RC(fl_store_schedule_insert(tx, &sc), 0);
	fl_chat_settings_defaults(&s);
	s.enabled = 1;
	s.schedule_id = sc.id + 1000;
	EXPECT_RC(fl_chat_settings_put(tx, &s, &e), FL_EINVAL);
	EXPECT(!strcmp(e.field, "schedule_id"));
	s.schedule_id = sc.id;
	EXPECT_RC(fl_chat_settings_put(tx, &s, &e), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(fl_chat_status(tx, 0, T0, &st), 0);
	EXPECT(!st.open_now && st.online == 1 && st.next_open_at > T0);
	EXPECT(st.next_open_at % (7 * 86400) == 3 * 86400); /* a Sunday, 00:00 UTC */
	EXPECT_RC(fl_chat_visitor_new(tx, "en", T0, &vid), 0);
	in.message.body = "anyone?";
	in.message.client_id = "x";
	EXPECT_RC(fl_chat_start(tx, vid, &in, T0, &w->a, &c, &m, &e), FL_ECONFLICT);
	EXPECT(!strcmp(e.reason, "Closed"));
	return 0;
}

static void test_closed(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_closed, &w);
	fl_arena_free(&w.a);
}

/* A visitor's upload: theirs alone to send, once; an executable is
 * refused; the message names the file and only that chat's visitor may
 * fetch it. */
struct uploads {
	struct world w;
	struct fl_intake_file pic, prog, other;
};

static int tx_uploads(fl_tx *tx, void *arg)
{
	struct uploads *u = arg;
	struct world *w = &u->w;
	struct fl_chat_who v = {FL_CHAT_VISITOR, 0, NULL}, o = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "", .client_id = "pic", .nuploads = 1};
	struct fl_chat_message m;
	struct fl_chat_file f, g;
	struct fl_attachment at;
	struct fl_err e = {0};
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(start(tx, w, 1, NULL, NULL, T0), 0);
	v.visitor_id = w->visitors[0];
	o.visitor_id = w->visitors[1];
	EXPECT_RC(fl_chat_upload(tx, w->visitors[0], &u->prog, T0, &w->a, &f, &e), FL_EINVAL);
	EXPECT(!strcmp(e.field, "file"));
	EXPECT_RC(fl_chat_upload(tx, w->visitors[0], &u->pic, T0, &w->a, &f, &e), 0);
	EXPECT(f.id > 0 && !strcmp(f.name, "cat.png") && f.size == 8);
	EXPECT_RC(fl_chat_upload(tx, w->visitors[1], &u->other, T0, &w->a, &g, &e), 0);
	/* another visitor's token is nothing to this one */
	in.uploads[0] = g.token;
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 1, &w->a, &m, &dup, &e), FL_EINVAL);
	EXPECT(!strcmp(e.field, "uploads"));
	in.uploads[0] = f.token;
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 1, &w->a, &m, &dup, &e), 0);
	EXPECT(m.attachments && strstr(m.attachments, "\"cat.png\""));
	/* sent once: not again with another message */
	in.client_id = "pic-again";
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 2, &w->a, &m, &dup, &e), FL_EINVAL);
	EXPECT_RC(fl_chat_file_get(tx, &v, w->chats[0], f.id, &w->a, &at), 0);
	EXPECT(at.comment_id > 0);
	EXPECT_RC(fl_chat_file_get(tx, &o, w->chats[0], f.id, &w->a, &at), FL_ENOTFOUND);
	EXPECT_RC(fl_chat_file_get(tx, &o, w->chats[1], f.id, &w->a, &at), FL_ENOTFOUND);
	return 0;
}

static void test_uploads(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n";
	struct uploads u = {0};
	struct fl_err e;

	(void)state;
	fl_arena_init(&u.w.a, 0);
	assert_int_equal(
		fl_intake_file_prepare(g_store, &u.pic, "cat.png", "image/png", png, 8, &e), 0);
	assert_int_equal(fl_intake_file_prepare(g_store, &u.prog, "cat.png", "image/png",
						"MZ\x90\x00rest", 8, &e),
			 0);
	assert_int_equal(
		fl_intake_file_prepare(g_store, &u.other, "dog.png", "image/png", png, 8, &e), 0);
	WRITE(tx_uploads, &u);
	fl_arena_free(&u.w.a);
}

/* A trigger that mails the requester on every update fires for an
 * agent's reply on the ticket page, but not for the chat's own writes:
 * the customer read those in the widget (rules/trigger.c's hush). */
static int tx_quiet_triggers(fl_tx *tx, void *arg)
{
	static const char conds[] =
		"{\"all\":[{\"field\":\"update_type\",\"operator\":\"is\",\"value\":\"Change\"}]}";
	static const char acts[] =
		"[{\"field\":\"notification_user\",\"value\":[\"requester_id\",\"Updated\","
		"\"Your request #{{ticket.id}} was updated\"]}]";
	struct world *w = arg;
	struct fl_ruleset_rule t = {.title = "Tell the requester", .active = 1};
	struct fl_chat_who ag = {FL_CHAT_AGENT, 0, NULL}, v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Let me check", .client_id = "a-1"};
	struct fl_ticket_patch p = {0};
	struct fl_chat_message m;
	struct fl_ticket out;
	struct fl_chat c;
	struct fl_err e = {0};
	json_t *jc = json_loads(conds, 0, NULL), *ja = json_loads(acts, 0, NULL);
	int dup, rc;

	rc = fl_rule_decode(FL_RULE_TRIGGER, jc, ja, &w->a, &t.rule, &e);
	json_decref(jc);
	json_decref(ja);
	EXPECT_RC(rc, 0);
	EXPECT_RC(fl_ruleset_create(tx, &fl_triggers, &t, &w->a, &e), 0);
	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, "cust@example.com", T0), 0);
	ag.agent = &w->agents[0];
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 10, &w->a, &m, &dup, &e), 0);
	in.client_id = "v-1";
	in.body = "Thanks";
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 20, &w->a, &m, &dup, &e), 0);
	EXPECT(g_messages == 0);
	/* after the chat, a reply on the ticket page is mailed as usual */
	EXPECT_RC(fl_chat_end(tx, &ag, w->chats[0], 0, T0 + 30, &w->a, &c, &e), 0);
	EXPECT(g_messages == 0);
	p.comment_body = "Following up by mail";
	p.comment_public = 1;
	EXPECT_RC(fl_ticket_update(tx, &w->agents[0], c.ticket_id, &p, &w->a, &out, &e), 0);
	EXPECT(g_messages == 1);
	return 0;
}

static void test_quiet_triggers(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	/* the hooks stay for the process: this case runs last */
	fl_ticket_add_hook(fl_rules_ticket_written);
	fl_message_register(count_message);
	WRITE(tx_quiet_triggers, &w);
	fl_message_register(NULL);
	fl_arena_free(&w.a);
}

/* A trigger that adds a note on every update writes its comment inside
 * the chat's own write, after the chat's: each message still names the
 * comment it became (its text), and a visitor's file goes with that one. */
static int tx_comment_of_write(fl_tx *tx, void *arg)
{
	static const char conds[] =
		"{\"all\":[{\"field\":\"update_type\",\"operator\":\"is\",\"value\":\"Change\"}]}";
	static const char acts[] =
		"[{\"field\":\"comment_value\",\"value\":\"Noted\"},"
		"{\"field\":\"comment_mode_is_public\",\"value\":false}]";
	struct uploads *u = arg;
	struct world *w = &u->w;
	struct fl_ruleset_rule t = {.title = "Note every change", .active = 1};
	struct fl_chat_who ag = {FL_CHAT_AGENT, 0, NULL}, v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Let me check", .client_id = "a-1"};
	struct fl_chat_message m;
	struct fl_chat_file f;
	struct fl_attachment at;
	struct fl_err e = {0};
	json_t *jc = json_loads(conds, 0, NULL), *ja = json_loads(acts, 0, NULL);
	int64_t n;
	int dup, rc;

	rc = fl_rule_decode(FL_RULE_TRIGGER, jc, ja, &w->a, &t.rule, &e);
	json_decref(jc);
	json_decref(ja);
	EXPECT_RC(rc, 0);
	EXPECT_RC(fl_ruleset_create(tx, &fl_triggers, &t, &w->a, &e), 0);
	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 1, 3, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, "cust@example.com", T0), 0);
	ag.agent = &w->agents[0];
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_post(tx, &ag, w->chats[0], &in, T0 + 10, &w->a, &m, &dup, &e), 0);
	EXPECT_RC(fl_q_int(tx,
			   "SELECT COUNT(*) FROM comments WHERE id = ? AND body = 'Let me check'",
			   &n, "i", m.comment_id),
		  0);
	EXPECT(n == 1);
	EXPECT_RC(fl_chat_upload(tx, w->visitors[0], &u->pic, T0 + 11, &w->a, &f, &e), 0);
	in = (struct fl_chat_post_in){.body = "Here", .client_id = "v-1", .nuploads = 1};
	in.uploads[0] = f.token;
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 20, &w->a, &m, &dup, &e), 0);
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM comments WHERE id = ? AND body = 'Here'", &n,
			   "i", m.comment_id),
		  0);
	EXPECT(n == 1);
	EXPECT(m.attachments && strstr(m.attachments, "\"cat.png\""));
	EXPECT_RC(fl_chat_file_get(tx, &v, w->chats[0], f.id, &w->a, &at), 0);
	EXPECT(at.comment_id == m.comment_id);
	/* the trigger did write: the comment ids were not simply the last */
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM comments WHERE body = 'Noted' AND id > ?", &n,
			   "i", m.comment_id),
		  0);
	EXPECT(n >= 1);
	return 0;
}

static void test_comment_of_write(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n";
	struct uploads u = {0};
	struct fl_err e;

	(void)state;
	fl_arena_init(&u.w.a, 0);
	assert_int_equal(
		fl_intake_file_prepare(g_store, &u.pic, "cat.png", "image/png", png, 8, &e), 0);
	WRITE(tx_comment_of_write, &u);
	fl_arena_free(&u.w.a);
}

/* A chat whose ticket was deleted takes no more messages (no new ticket
 * made of one); with the chat's ticket hook, the delete ends it. */
static int tx_deleted_ticket(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {.body = "Still there?", .client_id = "v-1"};
	struct fl_chat_message m;
	struct fl_chat c;
	struct fl_err e = {0};
	int64_t before, after;
	int dup;

	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(add_agent(tx, "a@desk.example", 0, 3, &w->agents[0]), 0);
	EXPECT_RC(start(tx, w, 0, NULL, NULL, T0), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[0], &w->a, &c), 0);
	EXPECT_RC(fl_ticket_delete(tx, &w->agents[0], c.ticket_id, &e), 0);
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM tickets", &before, ""), 0);
	v.visitor_id = w->visitors[0];
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 5, &w->a, &m, &dup, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "chat") && !strcmp(e.reason, "Ended"));
	EXPECT_RC(fl_q_int(tx, "SELECT COUNT(*) FROM tickets", &after, ""), 0);
	EXPECT(after == before);

	EXPECT_RC(fl_ticket_add_hook(fl_chat_ticket_written), 0);
	EXPECT_RC(start(tx, w, 1, NULL, NULL, T0 + 10), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[1], &w->a, &c), 0);
	EXPECT_RC(fl_ticket_delete(tx, &w->agents[0], c.ticket_id, &e), 0);
	EXPECT_RC(fl_store_chat_get(tx, w->chats[1], &w->a, &c), 0);
	EXPECT(c.state == FL_CHAT_MISSED && c.ended_by == FL_CHAT_SYSTEM);
	v.visitor_id = w->visitors[1];
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[1], &in, T0 + 15, &w->a, &m, &dup, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.reason, "Ended"));
	return 0;
}

static void test_deleted_ticket(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	WRITE(tx_deleted_ticket, &w);
	fl_arena_free(&w.a);
}

/* A chat holds FL_CHAT_MESSAGES_MAX messages; its transcript carries at
 * most FL_CHAT_TRANSCRIPT_MAX bytes of them and says the rest is left
 * out. */
static int tx_too_long(fl_tx *tx, void *arg)
{
	struct world *w = arg;
	struct fl_chat_who v = {FL_CHAT_VISITOR, 0, NULL};
	struct fl_chat_post_in in = {0};
	struct fl_chat_message m;
	struct fl_err e = {0};
	char *big = fl_arena_alloc(&w->a, FL_CHAT_BODY_MAX * 4 + 1), id[16];
	int dup;

	EXPECT(big != NULL);
	for (int i = 0; i < FL_CHAT_BODY_MAX; i++)
		memcpy(big + 4 * i, "😀", 4);
	big[4 * FL_CHAT_BODY_MAX] = 0;
	EXPECT_RC(enable(tx), 0);
	EXPECT_RC(start(tx, w, 0, NULL, "long@example.com", T0), 0);
	v.visitor_id = w->visitors[0];
	in.body = big;
	for (int i = 0; i < FL_CHAT_TRANSCRIPT_MAX / (FL_CHAT_BODY_MAX * 4) + 4; i++) {
		snprintf(id, sizeof id, "m-%d", i);
		in.client_id = id;
		EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 1, &w->a, &m, &dup, &e), 0);
	}
	EXPECT_RC(fl_chat_transcript(tx, w->visitors[0], w->chats[0], NULL, T0 + 2, NULL, NULL, &e),
		  0);
	EXPECT(g_messages == 1);
	EXPECT(g_message_len <= FL_CHAT_TRANSCRIPT_MAX + FL_CHAT_BODY_MAX * 4 + 1024);
	/* a chat at its last seq takes no more */
	EXPECT_RC(fl_q_exec(tx, "UPDATE chats SET last_seq = ? WHERE id = ?", "ii",
			    (int64_t)FL_CHAT_MESSAGES_MAX, w->chats[0]),
		  0);
	in.body = "one more";
	in.client_id = "over";
	EXPECT_RC(fl_chat_post(tx, &v, w->chats[0], &in, T0 + 3, &w->a, &m, &dup, &e),
		  FL_ECONFLICT);
	EXPECT(!strcmp(e.field, "chat") && !strcmp(e.reason, "TooLong"));
	return 0;
}

static void test_too_long(void **state)
{
	struct world w = {0};

	(void)state;
	fl_arena_init(&w.a, 0);
	fl_message_register(count_message);
	WRITE(tx_too_long, &w);
	fl_message_register(NULL);
	fl_arena_free(&w.a);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_client_id),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_arithmetic),
		T(test_start_and_dedup),
		T(test_token),
		T(test_capacity),
		T(test_tier_first),
		T(test_skills),
		T(test_transfer),
		T(test_missed),
		T(test_rating),
		T(test_settings_stored),
		T(test_visitor_lang),
		T(test_expected_wait),
		T(test_offline_and_stats),
		T(test_uploads),
		T(test_closed),
		T(test_too_long),
		T(test_quiet_triggers), /* it adds the rules' ticket hook: the rest need it */
		T(test_comment_of_write),
		T(test_deleted_ticket), /* it adds the chat's ticket hook */
	};
	const char *server = getenv("FRONTLINE_TEST_PG");

	g_server = server && *server ? server : NULL;
	return cmocka_run_group_tests_name(g_server ? "chat on PostgreSQL" : "chat on SQLite",
					   tests, NULL, NULL);
}
