/* Unit tests for the customer portal (src/portal/): the language of the
 * answer, the rate limiter, the form parser, reading a form into a
 * request, and — against a real store in a temporary SQLite file — a
 * request becoming a ticket, and sign-in links made, taken once, expiring. */
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

#include "auth/magic.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limit.h"
#include "core/time.h"
#include "http/form.h"
#include "portal/portal.h"
#include "portal/site.h"
#include "store/attachments.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"
#include "users/user.h"

static const struct fl_form_limits limits = {16, 64, 128};

/* ---- the answer's language ------------------------------------------------ */

static void test_lang(void **state)
{
	(void)state;
	assert_string_equal(fl_portal_lang(NULL, NULL), "en");
	assert_string_equal(fl_portal_lang("uk", "ru"), "uk");
	assert_string_equal(fl_portal_lang("LT-lt", NULL), "lt");
	assert_string_equal(fl_portal_lang("ukr", "ru"), "ru"); /* not a tag of ours */
	assert_string_equal(fl_portal_lang("de", "de-DE, lt;q=0.8, ru;q=0.9"), "ru");
	assert_string_equal(fl_portal_lang(NULL, "ru;q=0.5, lt;q=0.5"),
			    "ru");                                     /* the first of equals */
	assert_string_equal(fl_portal_lang(NULL, "uk;q=0, en"), "en"); /* q=0: not acceptable */
	assert_string_equal(fl_portal_lang(NULL, "uk-UA,uk;q=0.9,en-US;q=0.8"), "uk");
	assert_string_equal(fl_portal_lang(NULL, "ru;q=2, lt"), "lt"); /* a malformed q */
	assert_string_equal(fl_portal_lang(NULL, "de, fr;q=0.5"), "en");
	assert_string_equal(fl_portal_lang("", ",,;q=,"), "en");
	assert_string_equal(fl_portal_words("ru")->lang, "ru");
	assert_string_equal(fl_portal_words("de")->lang, "en");
}

/* ---- the limiter ---------------------------------------------------------- */

static struct fl_limiter lim5 = FL_LIMITER(5, 600);

static void test_limiter(void **state)
{
	int64_t t = 1000000, wait = 0;
	(void)state;

	for (int i = 0; i < 5; i++)
		assert_int_equal(fl_limiter_take(&lim5, "10.0.0.1", t + i * 60, &wait), 0);
	assert_int_equal(fl_limiter_take(&lim5, "10.0.0.1", t + 300, &wait), FL_ERATE);
	assert_int_equal(wait, 300); /* until the first event leaves the window */
	assert_int_equal(fl_limiter_take(&lim5, "10.0.0.2", t + 300, &wait), 0);
	/* a refused event does not count; the first one leaves at t + 600 */
	assert_int_equal(fl_limiter_take(&lim5, "10.0.0.1", t + 599, &wait), FL_ERATE);
	assert_int_equal(wait, 1);
	assert_int_equal(fl_limiter_take(&lim5, "10.0.0.1", t + 600, &wait), 0);
	assert_int_equal(fl_limiter_take(&lim5, "10.0.0.1", t + 601, &wait), FL_ERATE);
	assert_int_equal(wait, 59);
	/* thousands of other keys push out the quiet ones, never a crash */
	for (int i = 0; i < 3 * FL_LIMIT_SLOTS; i++) {
		char key[32];
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(fl_limiter_take(&lim5, key, t + 700, &wait), 0);
	}
}

static void test_address_key(void **state)
{
	char key[48];
	(void)state;
	fl_limit_address_key("192.0.2.7", key);
	assert_string_equal(key, "192.0.2.7");
	fl_limit_address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", key);
	assert_string_equal(key, "2001:db8:1:2::");
}

/* ---- the form parser ------------------------------------------------------ */

static const struct fl_form_part *part(const struct fl_form *f, size_t i)
{
	assert_true(i < f->nparts);
	return &f->parts[i];
}

static void test_form_urlencoded(void **state)
{
	static const char body[] = "name=Ok+s%C3%A1na&email=a%40b.test&empty=&name=again&x=%00y";
	struct fl_form f;
	struct fl_err e = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_form_parse("application/x-www-form-urlencoded; charset=UTF-8", body,
				       strlen(body), &limits, &a, &f, &e),
			 0);
	assert_int_equal(f.nparts, 5);
	assert_string_equal(part(&f, 0)->name, "name");
	assert_string_equal(part(&f, 0)->data, "Ok s\xc3\xa1na");
	assert_null(part(&f, 0)->file_name);
	assert_string_equal(part(&f, 1)->data, "a@b.test");
	assert_string_equal(part(&f, 2)->name, "empty");
	assert_int_equal(part(&f, 2)->n, 0);
	assert_string_equal(part(&f, 3)->data, "again"); /* a name twice is two parts */
	assert_int_equal(part(&f, 4)->n, 2);             /* a NUL is kept, with the length */
	assert_memory_equal(part(&f, 4)->data, "\0y", 3);
	fl_arena_free(&a);
}

#define CRLF "\r\n"
#define MP_TYPE "multipart/form-data; boundary=XyZ"

static void test_form_multipart(void **state)
{
	static const char body[] =
		"--XyZ" CRLF "Content-Disposition: form-data; name=\"subject\"" CRLF CRLF
		"Hello" CRLF "--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\"; filename=\"a b.txt\"" CRLF
		"Content-Type: text/plain" CRLF CRLF "line 1" CRLF "line 2" CRLF "--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\"; filename=\"\"" CRLF
		"Content-Type: application/octet-stream" CRLF CRLF CRLF "--XyZ--" CRLF;
	struct fl_form f;
	struct fl_err e = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_form_parse(MP_TYPE, body, sizeof body - 1, &limits, &a, &f, &e), 0);
	assert_int_equal(f.nparts, 3);
	assert_string_equal(part(&f, 0)->data, "Hello");
	assert_string_equal(part(&f, 1)->file_name, "a b.txt");
	assert_string_equal(part(&f, 1)->content_type, "text/plain");
	assert_string_equal(part(&f, 1)->data, "line 1" CRLF "line 2");
	assert_string_equal(part(&f, 2)->file_name, "");
	assert_int_equal(part(&f, 2)->n, 0);
	fl_arena_free(&a);
}

static void test_form_refused(void **state)
{
	char big[400];
	struct fl_form f;
	struct fl_err e = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_form_parse("application/json", "{}", 2, &limits, &a, &f, &e),
			 FL_EMEDIA);
	assert_int_equal(fl_form_parse(NULL, "", 0, &limits, &a, &f, &e), FL_EMEDIA);
	assert_int_equal(fl_form_parse("multipart/form-data", "x", 1, &limits, &a, &f, &e),
			 FL_EMEDIA);
	/* a type that could not stand in a header line */
	assert_int_equal(fl_form_parse("application/x-www-form-urlencoded\r\nX: y", "a=b", 3,
				       &limits, &a, &f, &e),
			 FL_EMEDIA);
	/* a value over max_value, named */
	memset(big, 'v', sizeof big);
	memcpy(big, "subject=", 8);
	assert_int_equal(fl_form_parse("application/x-www-form-urlencoded", big, sizeof big,
				       &limits, &a, &f, &e),
			 FL_ETOOBIG);
	assert_string_equal(e.field, "subject");
	/* more parts than max_parts */
	memset(big, 0, sizeof big);
	for (int i = 0; i < 20; i++)
		cat(big, sizeof big, "a=1&");
	assert_int_equal(fl_form_parse("application/x-www-form-urlencoded", big, strlen(big),
				       &limits, &a, &f, &e),
			 FL_ETOOBIG);
	assert_string_equal(e.field, "form");
	fl_arena_free(&a);
}

static void test_form_nested(void **state)
{
	/* RFC 7578's deprecated nested multipart/mixed, with the line ends
	 * the post processor also takes (CR alone) */
	static const char nested[] =
		"--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\""
		"\r"
		"Content-type:   Multipart/Mixed; boundary=in"
		"\r\r"
		"--in" CRLF "Content-Disposition: file; filename=\"a\"" CRLF CRLF "a" CRLF
		"--in--" CRLF "--XyZ--" CRLF;
	/* a file that holds a message with such a header is no nesting */
	static const char eml[] =
		"--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\"; filename=\"m.eml\"" CRLF
		"Content-Type: message/rfc822" CRLF CRLF
		"Content-Type: multipart/mixed; boundary=in" CRLF CRLF "--in--" CRLF "--XyZ--" CRLF;
	struct fl_form f;
	struct fl_err e = {0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	assert_int_equal(fl_form_parse(MP_TYPE, nested, sizeof nested - 1, &limits, &a, &f, &e),
			 FL_EMALFORMED);
	assert_int_equal(fl_form_parse("multipart/form-data; boundary=\"XyZ\"", nested,
				       sizeof nested - 1, &limits, &a, &f, &e),
			 FL_EMALFORMED);
	assert_int_equal(fl_form_parse(MP_TYPE, eml, sizeof eml - 1, &limits, &a, &f, &e), 0);
	assert_int_equal(f.nparts, 1);
	assert_string_equal(f.parts[0].file_name, "m.eml");
	fl_arena_free(&a);
}

static void test_form_file_limit(void **state)
{
	char body[512];
	struct fl_form f;
	struct fl_err e = {0};
	fl_arena a;
	int n;
	(void)state;

	n = snprintf(
		body, sizeof body,
		"--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\"; filename=\"f\"" CRLF CRLF
		"%0129d" CRLF "--XyZ--" CRLF,
		7);
	fl_arena_init(&a, 0);
	assert_int_equal(fl_form_parse(MP_TYPE, body, (size_t)n, &limits, &a, &f, &e), FL_ETOOBIG);
	assert_string_equal(e.field, "attachments");
	n = snprintf(
		body, sizeof body,
		"--XyZ" CRLF
		"Content-Disposition: form-data; name=\"attachments\"; filename=\"f\"" CRLF CRLF
		"%0128d" CRLF "--XyZ--" CRLF,
		7);
	assert_int_equal(fl_form_parse(MP_TYPE, body, (size_t)n, &limits, &a, &f, &e), 0);
	assert_int_equal(f.parts[0].n, 128);
	fl_arena_free(&a);
}

/* ---- a form read as a request --------------------------------------------- */

static void read_urlencoded(const char *body, const char *languages, fl_arena *a,
			    struct fl_portal_request *r)
{
	static const struct fl_form_limits wide = {FL_PORTAL_MAX_PARTS, FL_PORTAL_VALUE_MAX,
						   1 << 20};
	struct fl_form f;
	struct fl_err e = {0};
	assert_int_equal(fl_form_parse("application/x-www-form-urlencoded", body, strlen(body),
				       &wide, a, &f, &e),
			 0);
	assert_int_equal(fl_portal_request_read(&f, languages, a, r), 0);
}

static int has_problem(const struct fl_portal_request *r, const char *field, int kind)
{
	for (size_t i = 0; i < r->nproblems; i++)
		if (!strcmp(r->problems[i].field, field) && r->problems[i].kind == kind)
			return 1;
	return 0;
}

static void test_request_read(void **state)
{
	struct fl_portal_request *r = malloc(sizeof *r);
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	read_urlencoded(
		"name=+Ann+&email=+Ann%40Example.TEST+&subject=%20Hi%20&"
		"description=a%0D%0Ab%0D%0A&locale=lt&website=&unknown=1",
		"ru", &a, r);
	assert_int_equal(r->nproblems, 0);
	assert_string_equal(r->name, "Ann");
	assert_string_equal(r->email, "ann@example.test");
	assert_string_equal(r->subject, "Hi");
	assert_string_equal(r->description, "a\nb\n");
	assert_string_equal(r->lang, "lt");
	assert_false(r->honeypot);

	read_urlencoded("email=x&subject=&description=+%0D%0A&website=http%3A%2F%2Fspam",
			"ru, uk;q=0.1", &a, r);
	assert_true(has_problem(r, "email", FL_PP_EMAIL_INVALID));
	assert_true(has_problem(r, "subject", FL_PP_SUBJECT_BLANK));
	assert_true(has_problem(r, "description", FL_PP_DESCRIPTION_BLANK));
	assert_true(r->honeypot);
	assert_string_equal(r->lang, "ru");

	read_urlencoded("subject=a&subject=b&description=%01&attachments=photo.png&name=a%0Ab",
			NULL, &a, r);
	assert_true(has_problem(r, "name", FL_PP_NOT_TEXT)); /* one line only */
	assert_true(has_problem(r, "email", FL_PP_EMAIL_BLANK));
	assert_true(has_problem(r, "subject", FL_PP_NOT_TEXT));     /* given twice */
	assert_true(has_problem(r, "description", FL_PP_NOT_TEXT)); /* a control character */
	assert_int_equal(r->nfiles, 0); /* an urlencoded form has no files */
	assert_string_equal(fl_portal_problem_reason(FL_PP_SUBJECT_TOO_LONG), "TooLong");
	assert_string_equal(fl_portal_problem_text(FL_PP_SUBJECT_BLANK, "uk"), "Вкажіть тему");
	free(r);
	fl_arena_free(&a);
}

static void test_request_subject_length(void **state)
{
	struct fl_portal_request *r = malloc(sizeof *r);
	char body[4096] = "email=a%40b.test&description=d&subject=";
	fl_arena a;
	(void)state;

	/* 300 characters of two bytes each fit; 301 do not */
	for (int i = 0; i < 300; i++)
		cat(body, sizeof body, "%D1%97");
	fl_arena_init(&a, 0);
	read_urlencoded(body, NULL, &a, r);
	assert_int_equal(r->nproblems, 0);
	cat(body, sizeof body, "x");
	read_urlencoded(body, NULL, &a, r);
	assert_true(has_problem(r, "subject", FL_PP_SUBJECT_TOO_LONG));
	free(r);
	fl_arena_free(&a);
}

static void test_request_files(void **state)
{
	struct fl_portal_request *r = malloc(sizeof *r);
	struct fl_form_part parts[16];
	struct fl_form f = {parts, 0};
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	parts[f.nparts++] = (struct fl_form_part){"email", "a@b.test", 8, NULL, NULL};
	parts[f.nparts++] = (struct fl_form_part){"subject", "s", 1, NULL, NULL};
	parts[f.nparts++] = (struct fl_form_part){"description", "d", 1, NULL, NULL};
	parts[f.nparts++] =
		(struct fl_form_part){"attachments", "", 0, "", "application/octet-stream"};
	parts[f.nparts++] = (struct fl_form_part){"attachments", "x", 1, "../a\"b.txt",
						  "Text/Plain; charset=x"};
	assert_int_equal(fl_portal_request_read(&f, NULL, &a, r), 0);
	assert_int_equal(r->nproblems, 0);
	assert_int_equal(r->nfiles, 1); /* the empty input is skipped */
	assert_string_equal(r->files[0].name, "a_b.txt");
	assert_string_equal(r->files[0].type, "text/plain");
	while (f.nparts < 16)
		parts[f.nparts++] = (struct fl_form_part){"attachments", "x", 1, "f.txt", NULL};
	assert_int_equal(fl_portal_request_read(&f, NULL, &a, r), 0);
	assert_int_equal(r->nfiles, FL_PORTAL_MAX_FILES);
	assert_true(has_problem(r, "attachments", FL_PP_FILES_TOO_MANY));
	free(r);
	fl_arena_free(&a);
}

/* ---- against a store ------------------------------------------------------- */

static fl_store *g_store;
static struct unit_store g_files;

static int group_setup(void **state)
{
	(void)state;

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-portal", NULL, &g_store))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	unit_store_remove(&g_files);
	fl_time_freeze(0);
	return 0;
}

struct job {
	struct fl_portal_request *r;
	fl_arena a;
	struct fl_portal_result res;
	struct fl_err e;
	struct fl_user u;
	struct fl_ticket t;
	struct fl_comment *c;
	struct fl_attachment *files;
	size_t n, nfiles;
	const char *email, *token;
	int made, role;
};

static int tx_submit(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	return fl_portal_submit(tx, j->r, &j->a, &j->res, &j->e);
}

static int tx_look(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	struct fl_page pg = {.limit = 10};
	int rc = fl_store_ticket_get(tx, j->res.ticket_id, &j->a, &j->t);
	if (!rc)
		rc = fl_store_user_get(tx, j->res.requester_id, &j->a, &j->u);
	if (!rc)
		rc = fl_store_comment_list(tx, j->t.id, 0, &pg, &j->a, &j->c, &j->n);
	if (!rc)
		rc = fl_store_attachment_list(tx, j->t.id, &j->a, &j->files, &j->nfiles);
	return rc;
}

static void test_submit(void **state)
{
	struct fl_portal_request *r = calloc(1, sizeof *r);
	struct job j = {r};
	struct fl_err e = {0};
	int64_t first;
	(void)state;

	fl_arena_init(&j.a, 0);
	r->name = "Оксана";
	r->email = "oksana@example.test";
	r->subject = "Де моє замовлення?";
	r->description = "Замовлення 4411 досі не прийшло.";
	r->lang = "uk";
	r->files[0] = (struct fl_intake_file){
		.data = "PNG bytes", .n = 9, .name = "p.png", .type = "image/png"};
	r->nfiles = 1;
	assert_int_equal(fl_portal_files_prepare(g_store, r, &e), 0);
	assert_int_equal(fl_store_write(g_store, tx_submit, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_int_equal(j.t.channel, FL_CHANNEL_WEB);
	assert_int_equal(j.t.status, FL_STATUS_NEW);
	assert_int_equal(j.res.status, FL_STATUS_NEW);
	assert_string_equal(j.t.subject, r->subject);
	assert_int_equal(j.t.requester_id, j.u.id);
	assert_int_equal(j.t.submitter_id, j.u.id);
	assert_int_equal(j.u.role, FL_ROLE_END_USER);
	assert_string_equal(j.u.name, "Оксана");
	assert_string_equal(j.u.locale, "uk");
	assert_int_equal(j.n, 1);
	assert_string_equal(j.c[0].body, r->description);
	assert_true(j.c[0].public);
	assert_int_equal(j.c[0].author_id, j.u.id);
	assert_int_equal(j.nfiles, 1);
	assert_int_equal(j.files[0].comment_id, j.c[0].id);
	assert_int_equal(j.files[0].uploader_id, j.u.id);
	first = j.u.id;

	/* the same address again: the same requester; no name: the local part */
	r->name = NULL;
	r->nfiles = 0;
	assert_int_equal(fl_store_write(g_store, tx_submit, &j), 0);
	assert_int_equal(j.res.requester_id, first);
	r->email = "new.person@example.test";
	assert_int_equal(fl_store_write(g_store, tx_submit, &j), 0);
	assert_int_equal(fl_store_read(g_store, tx_look, &j), 0);
	assert_string_equal(j.u.name, "new.person");
	free(r);
	fl_arena_free(&j.a);
}

static int tx_user(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	memset(&j->u, 0, sizeof j->u);
	j->u.role = j->role;
	j->u.name = "Someone";
	j->u.email = (char *)j->email;
	return fl_user_create(tx, &j->u, NULL, &j->e);
}

static int tx_deactivate(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	j->u.active = 0;
	return fl_store_user_update(tx, &j->u);
}

static int tx_link(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	char *url;
	int rc = fl_site_url_init(tx, NULL, "https://help.example.test", &j->a, &url);
	return rc ? rc : fl_magic_link_create(tx, j->email, j->token, NULL, &j->a, &j->made);
}

struct site {
	const char *configured, *fallback;
	char *url;
	fl_arena a;
};

static int tx_site(fl_tx *tx, void *arg)
{
	struct site *si = arg;
	return fl_site_url_init(tx, si->configured, si->fallback, &si->a, &si->url);
}

/* The base of mailed links is stored once and then kept: a later start on
 * another address does not move it; only the operator's configuration
 * overrides it. */
static void test_site_url(void **state)
{
	struct site si = {NULL, "http://127.0.0.1:8080"};
	char *first;
	(void)state;

	fl_arena_init(&si.a, 0);
	assert_int_equal(fl_store_write(g_store, tx_site, &si), 0);
	first = si.url; /* the fallback, or what an earlier test stored */
	si.fallback = "http://10.0.0.5:9000";
	assert_int_equal(fl_store_write(g_store, tx_site, &si), 0);
	assert_string_equal(si.url, first);
	si.configured = "https://help.example.com";
	assert_int_equal(fl_store_write(g_store, tx_site, &si), 0);
	assert_string_equal(si.url, "https://help.example.com");
	si.configured = "";
	assert_int_equal(fl_store_write(g_store, tx_site, &si), 0);
	assert_string_equal(si.url, "https://help.example.com");
	fl_arena_free(&si.a);
}

static int tx_redeem(fl_tx *tx, void *arg)
{
	struct job *j = arg;
	j->e = (struct fl_err){0};
	return fl_magic_link_redeem(tx, j->token, &j->a, &j->u, &j->e);
}

static void test_deactivated_refused(void **state)
{
	struct fl_portal_request *r = calloc(1, sizeof *r);
	struct job j = {r};
	(void)state;

	fl_arena_init(&j.a, 0);
	j.email = "gone@example.test";
	j.role = FL_ROLE_END_USER;
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);
	assert_int_equal(fl_store_write(g_store, tx_deactivate, &j), 0);
	*r = (struct fl_portal_request){
		.email = "gone@example.test", .subject = "s", .description = "d", .lang = "en"};
	assert_int_equal(fl_store_write(g_store, tx_submit, &j), FL_EINVAL);
	assert_string_equal(j.e.field, "email");
	/* nor may a deactivated customer sign in by link */
	j.token = "x";
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	assert_false(j.made);
	free(r);
	fl_arena_free(&j.a);
}

static void test_magic_links(void **state)
{
	char token[FL_MAGIC_TOKEN_LEN + 1], other[FL_MAGIC_TOKEN_LEN + 1];
	struct job j = {0};
	int64_t id, now = fl_now();
	(void)state;

	fl_arena_init(&j.a, 0);
	j.email = "linkme@example.test";
	j.role = FL_ROLE_END_USER;
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);
	id = j.u.id;
	j.email = "agent.link@example.test";
	j.role = FL_ROLE_AGENT;
	assert_int_equal(fl_store_write(g_store, tx_user, &j), 0);

	fl_magic_token_new(token);
	fl_magic_token_new(other);
	assert_int_equal(strlen(token), FL_MAGIC_TOKEN_LEN);
	assert_int_equal(strspn(token,
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 FL_MAGIC_TOKEN_LEN);
	assert_string_not_equal(token, other);

	/* only an active end user gets a link */
	j.token = token;
	j.email = "nobody@example.test";
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	assert_false(j.made);
	j.email = "agent.link@example.test";
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	assert_false(j.made);
	j.email = "linkme@example.test";
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	assert_true(j.made);

	/* taken once */
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), 0);
	assert_int_equal(j.u.id, id);
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), FL_EAUTH);
	assert_string_equal(j.e.reason, "Used");
	/* a token never made, or not shaped as ours */
	j.token = other;
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), FL_EAUTH);
	assert_string_equal(j.e.reason, "Invalid");
	j.token = "short";
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), FL_EAUTH);
	assert_string_equal(j.e.field, "token");

	/* a link not taken in FL_MAGIC_TTL has expired */
	j.token = other;
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	fl_time_freeze(now + FL_MAGIC_TTL + 1);
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), FL_EAUTH);
	assert_string_equal(j.e.reason, "Expired");
	/* and the next link's transaction forgets it */
	fl_magic_token_new(token);
	j.token = token;
	assert_int_equal(fl_store_write(g_store, tx_link, &j), 0);
	j.token = other;
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), FL_EAUTH);
	assert_string_equal(j.e.reason, "Invalid");
	j.token = token;
	assert_int_equal(fl_store_write(g_store, tx_redeem, &j), 0);
	fl_time_freeze(0);
	fl_arena_free(&j.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_limiter),
		cmocka_unit_test(test_address_key),
		cmocka_unit_test(test_form_urlencoded),
		cmocka_unit_test(test_form_multipart),
		cmocka_unit_test(test_form_refused),
		cmocka_unit_test(test_form_nested),
		cmocka_unit_test(test_form_file_limit),
		cmocka_unit_test(test_request_read),
		cmocka_unit_test(test_request_subject_length),
		cmocka_unit_test(test_request_files),
		cmocka_unit_test(test_submit),
		cmocka_unit_test(test_deactivated_refused),
		cmocka_unit_test(test_magic_links),
		cmocka_unit_test(test_site_url),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
