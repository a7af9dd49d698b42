/* The allocation failure sweep (curl's torture mode, SQLite's malloc
 * tests): for N = 1, 2, 3, … the Nth allocation of an operation fails
 * (core/alloc.h), until the operation makes fewer than N. Each operation is
 * a request to the real server, started in this process on a loopback
 * port over a SQLite store in a temporary folder, and sent by a client on a
 * raw socket that allocates nothing, on a connection the server already
 * took (the guard's record of a connection is made when it opens, before
 * any request: without memory for it the connection is refused, by
 * design — see http/guard.c): ticket create and update, an e-mail
 * through the inbound endpoint (parsed in a child, this binary run as
 * "mail-parse", then made a ticket by mail/inbound.c) and the portal's
 * contact form. After each run:
 * - the answer is the success the operation gives unhindered, or 503
 *   with the JSON error for the shortage — never a crash (this runs under
 *   ASan and UBSan), a 4xx, another error or a closed connection;
 * - the store holds the whole change or none of it: the rows of every
 *   table a change can touch are counted before and after, and the
 *   difference is 0 or exactly the unhindered run's (a 503 may follow a
 *   commit, when rendering the answer failed);
 * - nothing leaked: LeakSanitizer checks at exit, after the server
 *   stopped and the store closed;
 * - the server recovered: a read right after answers 200 (settle).
 *
 * Every fifth N is tried (N = 1, 6, 11, …), which keeps the run under a
 * minute on two busy cores with the sanitizers; FL_ALLOC_STRIDE=1 tries
 * every N (about 2,200 runs, some three minutes), FL_ALLOC_STRIDE=K every
 * Kth. A failure names its N: FL_ALLOC_STRIDE=1 reproduces it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "events/hub.h"
#include "http/http.h"
#include "mail/parser.h"
#include "store/store.h"
#include "users/user.h"

#define MAX_N 20000

/* Every table a ticket, a comment, an e-mail or a form can add rows to. */
static const char *const tables[] = {
	"tickets",
	"comments",
	"audits",
	"audit_events",
	"ticket_tags",
	"ticket_collaborators",
	"users",
	"user_identities",
	"attachments",
	"attachment_data",
	"jobs",
	"mail_messages",
	"mail_auto_sent",
	"mail_auto_address",
	"mail_quarantine",
};
#define NTABLES (sizeof tables / sizeof *tables)

struct counts {
	long n[NTABLES];
};

struct answer {
	int status;
	char text[16384];
	size_t n;
	const char *body; /* in text, after the headers */
};

static char g_dir[64], g_db[128];
static fl_store *g_store;
static sqlite3 *g_count_db; /* a connection of the test's own, for counting */
static struct fl_hub *g_hub;
static struct fl_server *g_srv;
static uint16_t g_port;
static char g_admin_auth[256], g_agent_auth[256];
static int64_t g_ticket; /* the one the updates change */
static unsigned g_stride = 5;
static unsigned g_peer; /* the form's client addresses: 5 forms each in 10 minutes */

/* ---- the fixture ------------------------------------------------------------ */

struct user_job {
	struct fl_user u;
	char *hash;
	struct fl_err e;
};

static int tx_user_create(fl_tx *tx, void *arg)
{
	struct user_job *j = arg;
	return fl_user_create(tx, &j->u, j->hash, &j->e);
}

/* Creates a user with a password and writes its Basic header to auth. */
static void mkuser(int role, const char *email, char *auth, size_t cap)
{
	struct user_job j = {.u = {.role = role, .name = (char *)email, .email = (char *)email}};
	char cred[160], b64[sodium_base64_ENCODED_LEN(sizeof cred, sodium_base64_VARIANT_ORIGINAL)];

	assert_int_equal(fl_password_hash("correct horse battery", &j.hash, &j.e), 0);
	if (fl_store_write(g_store, tx_user_create, &j))
		fail_msg("creating %s: %s", email, j.e.msg);
	free(j.hash);
	snprintf(cred, sizeof cred, "%s:correct horse battery", email);
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)cred, strlen(cred),
			  sodium_base64_VARIANT_ORIGINAL);
	snprintf(auth, cap, "Authorization: Basic %s\r\n", b64);
}

static long count_rows(const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	long n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(g_count_db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(n >= 0);
	return n;
}

static struct counts snapshot(void)
{
	struct counts c;
	for (size_t i = 0; i < NTABLES; i++)
		c.n[i] = count_rows(tables[i]);
	return c;
}

/* ---- the client: a raw socket, no allocation -------------------------------- */

/* Reads a whole answer to GET /livez (its headers and Content-Length
 * bytes) from fd; 0 or -1. */
static int read_livez(int fd)
{
	char buf[2048];
	size_t got = 0;
	const char *end, *cl;
	ssize_t k;

	while (got < sizeof buf - 1 && (k = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0) {
		got += (size_t)k;
		buf[got] = 0;
		end = strstr(buf, "\r\n\r\n");
		cl = strcasestr(buf, "Content-Length: ");
		if (end && cl && got >= (size_t)(end + 4 - buf) + strtoul(cl + 16, NULL, 10))
			return strncmp(buf, "HTTP/1.1 200", 12) ? -1 : 0;
	}
	return -1;
}

/* Opens a connection from the loopback address peer, makes sure the
 * server has taken it (a GET /livez answered: the connection's own
 * records exist), then arms the wrapper to fail the nth allocation from
 * now (0: none), sends head (request line and headers, ending "\r\n")
 * with the body, reads the answer to its end and disarms. 0, or -1 when
 * the connection closed without an answer. */
static int http(const char *peer, const char *head, const char *body, size_t n,
		unsigned long fail_at, struct answer *a)
{
	static const char livez[] = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
	struct timeval tv = {30, 0};
	char *end;
	ssize_t k;
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc = -1;

	assert_true(fd >= 0);
	a->status = 0;
	a->n = 0;
	a->text[0] = 0;
	a->body = a->text;
	inet_pton(AF_INET, peer, &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	to.sin_port = htons(g_port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof from), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&to, sizeof to), 0);
	assert_int_equal(send(fd, livez, sizeof livez - 1, MSG_NOSIGNAL), sizeof livez - 1);
	assert_int_equal(read_livez(fd), 0);
	if (fail_at)
		fl_alloc_fail_at(fail_at);
	if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0 ||
	    (n && send(fd, body, n, MSG_NOSIGNAL) < 0))
		goto out;
	while (a->n < sizeof a->text - 1 &&
	       (k = recv(fd, a->text + a->n, sizeof a->text - 1 - a->n, 0)) > 0)
		a->n += (size_t)k;
	fl_alloc_disarm();
	a->text[a->n] = 0;
	if (a->n < 12 || strncmp(a->text, "HTTP/1.1 ", 9))
		goto out;
	a->status = (int)strtol(a->text + 9, NULL, 10);
	end = strstr(a->text, "\r\n\r\n");
	a->body = end ? end + 4 : a->text + a->n;
	rc = 0;
out:
	close(fd);
	return rc;
}

/* ---- the operations ----------------------------------------------------------- */

struct request {
	char peer[32];
	char head[1024];
	char body[4096];
	size_t n;
	int ok; /* the status of success */
};

static void json_request(struct request *q, const char *method, const char *path, const char *auth,
			 int ok)
{
	snprintf(q->peer, sizeof q->peer, "127.0.0.1");
	q->n = strlen(q->body);
	snprintf(q->head, sizeof q->head,
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 method, path, auth, q->n);
	q->ok = ok;
}

static void ticket_create(unsigned n, struct request *q)
{
	snprintf(q->body, sizeof q->body,
		 "{\"ticket\":{\"subject\":\"Printer %u on fire\",\"priority\":\"high\","
		 "\"tags\":[\"printer\",\"urgent\"],\"comment\":{\"body\":\"Room %u, "
		 "the printer is on fire.\"}}}",
		 n, n);
	json_request(q, "POST", "/api/v2/tickets", g_agent_auth, 201);
}

static void ticket_update(unsigned n, struct request *q)
{
	char path[64];

	snprintf(q->body, sizeof q->body,
		 "{\"ticket\":{\"subject\":\"Printer still burning (%u)\","
		 "\"comment\":{\"body\":\"Reply %u: we sent a technician.\",\"public\":true}}}",
		 n, n);
	snprintf(path, sizeof path, "/api/v2/tickets/%lld", (long long)g_ticket);
	json_request(q, "PUT", path, g_agent_auth, 200);
}

static void mail_inbound(unsigned n, struct request *q)
{
	snprintf(q->body, sizeof q->body,
		 "From: Customer %u <mail-%u@example.test>\r\n"
		 "To: help@frontline.test\r\n"
		 "Subject: Broken kettle %u\r\n"
		 "Message-ID: <sweep-%u@example.test>\r\n"
		 "Date: Mon, 07 Dec 2026 00:00:00 +0000\r\n"
		 "MIME-Version: 1.0\r\n"
		 "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
		 "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
		 "The kettle I bought arrived broken. Order %u.\r\n"
		 "--b\r\nContent-Type: text/plain; name=\"receipt.txt\"\r\n"
		 "Content-Disposition: attachment; filename=\"receipt.txt\"\r\n\r\n"
		 "Receipt %u\r\n--b--\r\n",
		 n, n, n, n, n, n);
	snprintf(q->peer, sizeof q->peer, "127.0.0.1");
	q->n = strlen(q->body);
	snprintf(q->head, sizeof q->head,
		 "POST /api/v2/mail/inbound HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
		 "Content-Type: message/rfc822\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 g_admin_auth, q->n);
	q->ok = 201;
}

static void portal_form(unsigned n, struct request *q)
{
	/* a new client address every 4 forms: the form takes 5 an address */
	unsigned peer = g_peer++ / 4;

	snprintf(q->peer, sizeof q->peer, "127.1.%u.%u", peer / 250, peer % 250 + 1);
	snprintf(q->body, sizeof q->body,
		 "name=Form+%u&email=form-%u%%40example.test&subject=Where+is+order+%u"
		 "&description=It+has+been+two+weeks.",
		 n, n, n);
	q->n = strlen(q->body);
	snprintf(q->head, sizeof q->head,
		 "POST /portal/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n\r\n",
		 q->n);
	q->ok = 201;
}

/* ---- the sweep ---------------------------------------------------------------- */

static int same(const struct counts *a, const struct counts *b)
{
	return !memcmp(a, b, sizeof *a);
}

static void diff(const struct counts *before, const struct counts *after, struct counts *d)
{
	for (size_t i = 0; i < NTABLES; i++)
		d->n[i] = after->n[i] - before->n[i];
}

static void show(const char *what, const struct counts *d)
{
	fprintf(stderr, "  %s:", what);
	for (size_t i = 0; i < NTABLES; i++)
		if (d->n[i])
			fprintf(stderr, " %s %+ld", tables[i], d->n[i]);
	fprintf(stderr, "\n");
}

static int json_error(const char *body)
{
	return body[0] == '{' && strstr(body, "\"error\":");
}

/* After a failed run, an unhindered read that must succeed: the server
 * recovered (a connection the failure broke is replaced now, so that the
 * next run's Nth allocation is the operation's, not a reopening's). */
static void settle(const char *name, unsigned n)
{
	static char head[512];
	static struct answer a;

	snprintf(head, sizeof head,
		 "GET /api/v2/tickets/%lld HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
		 "Connection: close\r\n\r\n",
		 (long long)g_ticket, g_agent_auth);
	if (http("127.0.0.1", head, "", 0, 0, &a) || a.status != 200)
		fail_msg("%s, after allocation %u failed: reading a ticket answered %d %s", name, n,
			 a.status, a.body);
}

/* Runs op unhindered once, for its answer and its change; then fails its
 * Nth allocation for N = 1, 2, … (every g_stride-th) until it makes fewer. */
static void sweep(const char *name, void (*make)(unsigned n, struct request *q))
{
	static struct request q;
	static struct answer a;
	struct counts before, after, want, got;
	unsigned seq = 1, n, runs = 0, failed5xx = 0, committed5xx = 0;
	unsigned long total;

	/* twice: the first may change more (a new ticket's first agent reply
	 * opens it) */
	for (int i = 0; i < 2; i++) {
		make(seq++, &q);
		before = snapshot();
		assert_int_equal(http(q.peer, q.head, q.body, q.n, 0, &a), 0);
		if (a.status != q.ok)
			fail_msg("%s unhindered: %d %s", name, a.status, a.body);
		after = snapshot();
		diff(&before, &after, &want);
		assert_false(same(&before, &after));
	}

	for (n = 1;; n += g_stride) {
		if (n > MAX_N)
			fail_msg("%s: still allocating after %d allocations", name, MAX_N);
		make(seq++, &q);
		runs++;
		before = snapshot();
		if (http(q.peer, q.head, q.body, q.n, n, &a))
			fail_msg(
				"%s, allocation %u failing: the connection closed without an "
				"answer",
				name, n);
		after = snapshot();
		diff(&before, &after, &got);
		if (a.status == q.ok) {
			if (!same(&got, &want)) {
				show("wanted", &want);
				show("got", &got);
				fail_msg("%s, allocation %u failing: %d with a partial change",
					 name, n, a.status);
			}
		} else if (a.status >= 500 && json_error(a.body)) {
			failed5xx++;
			/* a shortage: anything else (a storage failure, the mail
			 * parser's child lost) blames the wrong thing, or is damage an
			 * earlier failure left */
			if (!strstr(a.body, "\"error\":\"ServiceUnavailable\"") ||
			    (!strstr(a.body, "Out of memory") && !strstr(a.body, "no memory")))
				fail_msg("%s, allocation %u failing: %d %s", name, n, a.status,
					 a.body);
			if (same(&got, &want)) {
				committed5xx++; /* the change committed, the answer then failed */
			} else if (!same(&before, &after)) {
				show("wanted", &want);
				show("got", &got);
				fail_msg("%s, allocation %u failing: %d with a partial change",
					 name, n, a.status);
			}
		} else {
			fail_msg("%s, allocation %u failing: %d %s", name, n, a.status, a.body);
		}
		if (!fl_alloc_failed())
			break;
		settle(name, n);
	}
	total = fl_alloc_count();
	fprintf(stderr,
		"%s: %lu allocations unhindered; %u runs, failing one in %u in turn: "
		"%u answered 5xx, %u of them after the change committed\n",
		name, total, runs, g_stride, failed5xx, committed5xx);
	if (!fl_alloc_failed() && a.status != q.ok)
		fail_msg("%s: unhindered at the end, yet %d %s", name, a.status, a.body);
}

static void test_ticket_create(void **state)
{
	(void)state;
	sweep("ticket create", ticket_create);
}

static void test_ticket_update(void **state)
{
	(void)state;
	sweep("ticket update", ticket_update);
}

static void test_mail_inbound(void **state)
{
	(void)state;
	sweep("mail inbound", mail_inbound);
}

static void test_portal_form(void **state)
{
	(void)state;
	sweep("portal form", portal_form);
}

static int setup(void **state)
{
	struct fl_config c;
	struct fl_err e = {0};
	static struct request q;
	static struct answer a;
	const char *stride = getenv("FL_ALLOC_STRIDE");
	(void)state;

	if (stride && strtoul(stride, NULL, 10) > 0)
		g_stride = (unsigned)strtoul(stride, NULL, 10);
	fl_alloc_init();
	fl_log_quiet(1);
	snprintf(g_dir, sizeof g_dir, "/tmp/fl-alloc-XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	snprintf(g_db, sizeof g_db, "%s/frontline.db", g_dir);
	if (fl_store_open(&g_store, &(struct fl_store_opts){.target = g_db}, &e))
		fail_msg("store: %s", e.msg);
	assert_int_equal(sqlite3_open_v2(g_db, &g_count_db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	mkuser(FL_ROLE_ADMIN, "admin@frontline.test", g_admin_auth, sizeof g_admin_auth);
	mkuser(FL_ROLE_AGENT, "agent@frontline.test", g_agent_auth, sizeof g_agent_auth);
	assert_int_equal(fl_routes_init(), 0);
	assert_non_null(g_hub = fl_hub_new());
	fl_config_defaults(&c);
	snprintf(c.data, sizeof c.data, "%s", g_dir);
	snprintf(c.listen, sizeof c.listen, "127.0.0.1:0");
	c.threads = 2;
	c.log_requests = 0;
	if (fl_server_start(&g_srv, &c, g_store, g_hub, &e))
		fail_msg("server: %s", e.msg);
	g_port = fl_server_port(g_srv);
	/* the ticket the updates change; the passwords verified once (cached) */
	ticket_create(0, &q);
	assert_int_equal(http(q.peer, q.head, q.body, q.n, 0, &a), 0);
	assert_int_equal(a.status, 201);
	g_ticket = strtoll(strstr(a.body, "\"id\":") + 5, NULL, 10);
	assert_true(g_ticket > 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;

	fl_server_stop(g_srv, 10000);
	fl_mail_parse_stop();
	sqlite3_close(g_count_db);
	fl_store_free(g_store);
	fl_hub_free(g_hub);
	snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
	return system(cmd) ? -1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_create),
		cmocka_unit_test(test_ticket_update),
		cmocka_unit_test(test_mail_inbound),
		cmocka_unit_test(test_portal_form),
	};
	if (argc > 1 && !strcmp(argv[1], "mail-parse"))
		return fl_cmd_mail_parse(argc - 1, argv + 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
