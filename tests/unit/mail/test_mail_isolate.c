/* Mail that eats memory (mail/parser.h): the part count taken before
 * GMime builds a tree, the parser in a child process under limits, the
 * format its answer comes back in (every field of struct fl_mail, and
 * nothing the server should not believe), and text that goes on after a
 * NUL. This binary is its own parser child: run with "mail-parse" it does
 * what `frontline mail-parse` does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "core/str.h"
#include "mail/mail.h"
#include "mail/parser.h"

static fl_arena g_a;
static const struct fl_mail_limits DEFAULT_LIMITS = {1024, 30, 4};

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&g_a, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&g_a);
	fl_mail_parse_configure(&DEFAULT_LIMITS);
	return 0;
}

static void add(fl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	assert_int_equal(fl_buf_vaddf(b, fmt, ap), 0);
	va_end(ap);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The public case: 100,000 empty parts in 5.7 MB. Refused before GMime
 * sees them, with a reason, in well under a second. */
static void test_too_many_parts(void **state)
{
	fl_buf b;
	struct fl_mail m;
	struct fl_err e = {0};
	double t0;
	(void)state;

	fl_buf_init(&b, 64 << 20);
	add(&b,
	    "From: many@example.test\r\nSubject: many\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
	for (int i = 0; i < 100000; i++)
		add(&b, "--b\r\nContent-Type: text/plain\r\n\r\nx%d\r\n", i);
	add(&b, "--b--\r\n");
	t0 = now();
	assert_int_equal(fl_mail_parse(b.p, b.n, &g_a, &m, &e), FL_EINVAL);
	assert_string_equal(e.reason, "TooManyParts");
	assert_non_null(strstr(e.msg, "1000"));
	assert_true(now() - t0 < 1.0);
	fl_buf_free(&b);
}

/* The limit is exact for boundaries as mail programs write them: a
 * thousand parts are read, one more is refused; "--" lines that are not
 * delimiters (signatures, rules, SQL comments) do not count. */
static void test_part_limit_exact(void **state)
{
	fl_buf b;
	struct fl_mail m;
	struct fl_err e = {0};
	(void)state;

	fl_buf_init(&b, 8 << 20);
	/* the multipart itself and its first part are two; 998 more */
	add(&b,
	    "From: a@example.test\r\nSubject: s\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"=_b 1\"\r\n\r\n"
	    "--=_b 1\r\nContent-Type: text/plain\r\n\r\nhello\r\n-- \r\n--------\r\n-- a comment\r\n");
	for (int i = 0; i < 3000; i++)
		add(&b, "-- SQL comment %d\r\n", i);
	for (int i = 0; i < 998; i++)
		add(&b, "--=_b 1  \r\n\r\nx\r\n");
	add(&b, "--=_b 1--\r\n");
	assert_int_equal(fl_mail_parse(b.p, b.n, &g_a, &m, &e), 0);
	assert_int_equal(m.nfiles, FL_MAIL_MAX_FILES);
	b.n -= strlen("--=_b 1--\r\n");
	add(&b, "--=_b 1\r\n\r\nx\r\n--=_b 1--\r\n");
	assert_int_equal(fl_mail_parse(b.p, b.n, &g_a, &m, &e), FL_EINVAL);
	fl_buf_free(&b);
}

/* Boundaries the scan cannot read as GMime does (RFC 2231) still meet a
 * limit: every "--" line, twenty thousand at most; forwarded messages
 * nested without delimiters count one a level. */
static void test_parts_hidden(void **state)
{
	fl_buf b;
	struct fl_mail m;
	struct fl_err e = {0};
	(void)state;

	fl_buf_init(&b, 8 << 20);
	add(&b,
	    "From: a@example.test\r\nSubject: s\r\n"
	    "Content-Type: multipart/mixed; boundary*=us-ascii'en'b\r\n\r\n");
	for (int i = 0; i < 25000; i++)
		add(&b, "--b\r\n\r\nx\r\n");
	add(&b, "--b--\r\n");
	assert_int_equal(fl_mail_parse(b.p, b.n, &g_a, &m, &e), FL_EINVAL);
	fl_buf_reset(&b);
	add(&b, "From: a@example.test\r\nSubject: s\r\n");
	for (int i = 0; i < 1500; i++)
		add(&b, "Content-Type: message/rfc822\r\n\r\n");
	add(&b, "From: b@example.test\r\n\r\ninner\r\n");
	assert_int_equal(fl_mail_parse(b.p, b.n, &g_a, &m, &e), FL_EINVAL);
	fl_buf_free(&b);
}

/* Text after a NUL is kept: the NUL becomes U+FFFD. */
static void test_nul(void **state)
{
	static const char raw[] =
		"From: a@example.test\r\nSubject: s\r\n"
		"Content-Type: text/plain; charset=windows-1251\r\n\r\n"
		"before\0after \xcf\xf0\xe8\xe2\xe5\xf2\r\n";
	struct fl_mail m;
	struct fl_err e = {0};
	char *s;
	(void)state;

	s = fl_mail_to_utf8("a\0b", 3, NULL, &g_a);
	assert_string_equal(s,
			    "a\xEF\xBF\xBD"
			    "b");
	s = fl_mail_to_utf8("\xcf\xf0\xe8\0\xe2\xe5\xf2", 7, "windows-1251", &g_a);
	assert_string_equal(s, "При\xEF\xBF\xBDвет");
	s = fl_mail_to_utf8("ok\0", 3, "utf-8", &g_a);
	assert_string_equal(s, "ok\xEF\xBF\xBD");
	assert_int_equal(fl_mail_parse(raw, sizeof raw - 1, &g_a, &m, &e), 0);
	assert_string_equal(m.text,
			    "before\xEF\xBF\xBD"
			    "after Привет");
}

/* A message with something in every field of struct fl_mail. */
static const char RICH[] =
	"From: =?utf-8?q?Ana_B=C4=97?= <Ana@Example.LT>\r\n"
	"To: help@desk.test, Two <two@desk.test>\r\n"
	"Cc: c1@example.org, \"x\r\n y\"@example.org\r\n"
	"Reply-To: back@example.lt\r\n"
	"Subject: =?utf-8?q?Gr=C4=85=C5=BEinimas?=\r\n"
	"Message-ID: <rich-1@example.lt>\r\n"
	"In-Reply-To: <prev@desk.test>\r\n"
	"References: <r1@desk.test> <r2@desk.test>\r\n"
	"Date: Sun, 22 Nov 2026 10:00:00 +0200\r\n"
	"Auto-Submitted: auto-replied\r\n"
	"Authentication-Results: mx.desk.test; dmarc=pass header.from=example.lt\r\n"
	"Authentication-Results: other.example; spf=fail\r\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n"
	"--r\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLaba diena\r\n"
	"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Laba <b>diena</b></p>\r\n"
	"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
	"Final-Recipient: rfc822; Gone@Example.COM\r\nAction: failed\r\nStatus: 5.1.1\r\n"
	"Diagnostic-Code: smtp; 550 no such user\r\n"
	"--r\r\nContent-Type: image/png; name=dot.png\r\nContent-ID: <dot@x>\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
	"--r\r\nContent-Type: application/pdf\r\n"
	"Content-Disposition: attachment; filename=\"s\xc4\x85skaita.pdf\"\r\n\r\n%PDF-1\0x\r\n"
	"--r--\r\n";

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void same_addr(const struct fl_mail_addr *a, const struct fl_mail_addr *b)
{
	same_str(a->name, b->name);
	same_str(a->email, b->email);
}

/* Every field of two parsed mails is the same. */
static void same_mail(const struct fl_mail *a, const struct fl_mail *b)
{
	same_addr(&a->from, &b->from);
	assert_int_equal(a->nto, b->nto);
	for (size_t i = 0; i < a->nto; i++)
		same_addr(&a->to[i], &b->to[i]);
	assert_int_equal(a->ncc, b->ncc);
	for (size_t i = 0; i < a->ncc; i++)
		same_addr(&a->cc[i], &b->cc[i]);
	same_str(a->reply_to, b->reply_to);
	same_str(a->subject, b->subject);
	same_str(a->message_id, b->message_id);
	same_str(a->in_reply_to, b->in_reply_to);
	assert_int_equal(a->nrefs, b->nrefs);
	for (size_t i = 0; i < a->nrefs; i++)
		same_str(a->refs[i], b->refs[i]);
	assert_int_equal(a->date, b->date);
	same_str(a->text, b->text);
	same_str(a->html, b->html);
	assert_int_equal(a->nfiles, b->nfiles);
	for (size_t i = 0; i < a->nfiles; i++) {
		same_str(a->files[i].file_name, b->files[i].file_name);
		same_str(a->files[i].content_type, b->files[i].content_type);
		same_str(a->files[i].content_id, b->files[i].content_id);
		assert_int_equal(a->files[i].n, b->files[i].n);
		assert_memory_equal(a->files[i].data, b->files[i].data, a->files[i].n);
	}
	assert_int_equal(a->files_dropped, b->files_dropped);
	assert_int_equal(a->automatic, b->automatic);
	assert_int_equal(a->report, b->report);
	same_str(a->report_recipient, b->report_recipient);
	same_str(a->report_status, b->report_status);
	same_str(a->report_message_id, b->report_message_id);
	assert_int_equal(a->truncated, b->truncated);
	assert_int_equal(a->addrs_refused, b->addrs_refused);
	assert_int_equal(a->nauth_results, b->nauth_results);
	for (size_t i = 0; i < a->nauth_results; i++)
		same_str(a->auth_results[i], b->auth_results[i]);
}

/* Every field crosses the format, and the child gives what the parser in
 * this process gives. */
static void test_round_trip(void **state)
{
	static const char NO_FROM[] = "Subject: x\r\n\r\nno sender\r\n";
	struct fl_mail m, back, child;
	struct fl_err e = {0};
	fl_buf b;
	int rc = -1;
	(void)state;

	assert_int_equal(fl_mail_parse(RICH, sizeof RICH - 1, &g_a, &m, &e), 0);
	/* the sample fills what it should */
	assert_int_equal(m.nto, 2);
	assert_int_equal(m.ncc, 1);
	assert_int_equal(m.addrs_refused, 1);
	assert_int_equal(m.nrefs, 2);
	assert_int_equal(m.nauth_results, 2);
	assert_int_equal(m.nfiles, 2);
	assert_true(m.report && m.automatic && m.html && m.reply_to && m.report_recipient);
	fl_buf_init(&b, 0);
	assert_int_equal(fl_mail_encode(&b, 0, &m, NULL), 0);
	assert_int_equal(fl_mail_decode(b.p, b.n, &rc, &back, &e), 0);
	assert_int_equal(rc, 0);
	same_mail(&m, &back);
	assert_int_equal(fl_mail_parse_isolated(RICH, sizeof RICH - 1, &g_a, &child, &e), 0);
	same_mail(&m, &child);
	/* a refusal crosses with its reason */
	assert_int_equal(fl_mail_parse_isolated(NO_FROM, sizeof NO_FROM - 1, &g_a, &child, &e),
			 FL_EINVAL);
	assert_string_equal(e.field, "from");
	fl_buf_free(&b);
}

/* An answer that is cut anywhere, or says what the parser never would,
 * does not decode. */
static void test_decode_defensive(void **state)
{
	struct fl_mail m, out;
	struct fl_err e = {0};
	fl_buf b;
	char *copy;
	int rc;
	(void)state;

	assert_int_equal(fl_mail_parse(RICH, sizeof RICH - 1, &g_a, &m, &e), 0);
	fl_buf_init(&b, 0);
	assert_int_equal(fl_mail_encode(&b, 0, &m, NULL), 0);
	copy = malloc(b.n);
	assert_non_null(copy);
	for (size_t n = 0; n < b.n; n++) {
		memcpy(copy, b.p, n);
		assert_int_equal(fl_mail_decode(copy, n, &rc, &out, &e), FL_EMALFORMED);
	}
	/* a count past its array */
	memcpy(copy, b.p, b.n);
	{
		/* "FLM1", rc, from.name (u32 + "Ana Bė" + NUL), from.email, then nto */
		size_t off = 8 + 4 + strlen(m.from.name) + 1 + 4 + strlen(m.from.email) + 1;
		copy[off] = (char)(FL_MAIL_MAX_ADDRS + 1);
		assert_int_equal(fl_mail_decode(copy, b.n, &rc, &out, &e), FL_EMALFORMED);
	}
	/* an address that is no addr-spec (the CR LF injection) */
	m.cc[0].email = "x\r\nRCPT TO:<evil@evil.example>@example.org";
	fl_buf_reset(&b);
	assert_int_equal(fl_mail_encode(&b, 0, &m, NULL), 0);
	assert_int_equal(fl_mail_decode(b.p, b.n, &rc, &out, &e), FL_EMALFORMED);
	/* text that is not UTF-8 */
	m.cc[0].email = "c1@example.org";
	m.subject = "\xff\xfe";
	fl_buf_reset(&b);
	assert_int_equal(fl_mail_encode(&b, 0, &m, NULL), 0);
	assert_int_equal(fl_mail_decode(b.p, b.n, &rc, &out, &e), FL_EMALFORMED);
	/* trailing bytes, a wrong version */
	m.subject = "ok";
	fl_buf_reset(&b);
	assert_int_equal(fl_mail_encode(&b, 0, &m, NULL), 0);
	assert_int_equal(fl_buf_add(&b, "x", 1), 0);
	assert_int_equal(fl_mail_decode(b.p, b.n, &rc, &out, &e), FL_EMALFORMED);
	b.p[3] = '2';
	assert_int_equal(fl_mail_decode(b.p, b.n - 1, &rc, &out, &e), FL_EMALFORMED);
	free(copy);
	fl_buf_free(&b);
}

/* A child killed by its memory limit is a temporary failure, and this
 * process goes on. */
static void test_child_killed(void **state)
{
	fl_buf b;
	struct fl_mail m;
	struct fl_err e = {0};
	(void)state;

	fl_buf_init(&b, 8 << 20);
	add(&b, "From: big@example.test\r\nSubject: big\r\n\r\n");
	for (int i = 0; i < 30000; i++)
		add(&b, "%070d\r\n", i);
	fl_mail_parse_configure(&(struct fl_mail_limits){1, 30, 4});
	assert_int_equal(fl_mail_parse_isolated(b.p, b.n, &g_a, &m, &e), FL_EBUSY);
	assert_non_null(strstr(e.msg, "mail parser"));
	fl_mail_parse_configure(&DEFAULT_LIMITS);
	assert_int_equal(fl_mail_parse_isolated(b.p, b.n, &g_a, &m, &e), 0);
	assert_string_equal(m.from.email, "big@example.test");
	fl_buf_free(&b);
}

/* A server started under a hard limit (ulimit -t, systemd's LimitCPU=)
 * still parses mail: its children ask for no more than they may have.
 * (Address space is the same code; a sanitizer build cannot run under a
 * finite one.) */
static void test_under_hard_limits(void **state)
{
	struct rlimit rl;
	struct fl_mail m;
	struct fl_err e = {0};
	static const char msg[] = "From: a@example.test\r\nSubject: limits\r\n\r\nbody\r\n";
	(void)state;

	assert_int_equal(getrlimit(RLIMIT_CPU, &rl), 0);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 100000) {
		rl.rlim_max = 100000;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		assert_int_equal(setrlimit(RLIMIT_CPU, &rl), 0);
	}
	/* a new child, under this limit */
	fl_mail_parse_configure(&(struct fl_mail_limits){1024, 29, 4});
	assert_int_equal(fl_mail_parse_isolated(msg, sizeof msg - 1, &g_a, &m, &e), 0);
	assert_string_equal(m.subject, "limits");
	fl_mail_parse_configure(&DEFAULT_LIMITS);
}

/* An answer over 1 MiB (here three 600 KB attachments) comes through a
 * temporary file, mapped: the bytes are the ones sent, and giving back a
 * file's pages after use (fl_mail_file_release) leaves the strings and the
 * other files whole. A $TMPDIR that cannot hold it falls back to /tmp; a
 * small answer stays in the heap. */
static void test_large_answer_spooled(void **state)
{
	enum { NFILES = 3, SIZE = 600000 };
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char small[] = "From: s@example.test\r\nSubject: small\r\n\r\nhi\r\n";
	unsigned char *want[NFILES];
	fl_buf b;
	struct fl_mail m;
	struct fl_err e = {0};
	(void)state;

	fl_buf_init(&b, 16 << 20);
	add(&b,
	    "From: Files <files@example.test>\r\nSubject: three files\r\n"
	    "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
	    "--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nthe files\r\n");
	for (int f = 0; f < NFILES; f++) {
		want[f] = malloc(SIZE);
		assert_non_null(want[f]);
		for (size_t i = 0; i < SIZE; i++)
			want[f][i] = (unsigned char)((i * 7 + (size_t)f * 131 + i / 997) & 0xff);
		add(&b,
		    "--zz\r\nContent-Type: application/octet-stream\r\n"
		    "Content-Disposition: attachment; filename=\"f%d.bin\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n",
		    f);
		for (size_t i = 0; i < SIZE; i += 3) {
			unsigned v = (unsigned)want[f][i] << 16 | (unsigned)want[f][i + 1] << 8 |
				     want[f][i + 2];
			char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63],
				     b64[v & 63]};
			assert_int_equal(fl_buf_add(&b, q, 4), 0);
			if (i % 57 == 54)
				add(&b, "\r\n");
		}
		add(&b, "\r\n");
	}
	add(&b, "--zz--\r\n");

	setenv("TMPDIR", "/nonexistent/frontline-test", 1);
	assert_int_equal(fl_mail_parse_isolated(b.p, b.n, &g_a, &m, &e), 0);
	unsetenv("TMPDIR");
	assert_true(m.spooled);
	assert_int_equal(m.nfiles, NFILES);
	for (int f = 0; f < NFILES; f++) {
		assert_int_equal(m.files[f].n, SIZE);
		assert_memory_equal(m.files[f].data, want[f], SIZE);
	}
	fl_mail_file_release(&m, 0);
	fl_mail_file_release(&m, 1);
	fl_mail_file_release(&m, NFILES); /* past the files: nothing */
	assert_string_equal(m.subject, "three files");
	assert_string_equal(m.from.email, "files@example.test");
	assert_string_equal(m.text, "the files");
	for (int f = 0; f < NFILES; f++) {
		char name[16];
		snprintf(name, sizeof name, "f%d.bin", f);
		assert_string_equal(m.files[f].file_name, name);
		assert_string_equal(m.files[f].content_type, "application/octet-stream");
	}
	assert_memory_equal(m.files[2].data, want[2], SIZE);

	assert_int_equal(fl_mail_parse_isolated(small, sizeof small - 1, &g_a, &m, &e), 0);
	assert_false(m.spooled);
	fl_mail_file_release(&m, 0); /* no files, not spooled: nothing */
	assert_string_equal(m.subject, "small");
	for (int f = 0; f < NFILES; f++)
		free(want[f]);
	fl_buf_free(&b);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_too_many_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_part_limit_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_defensive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_under_hard_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_answer_spooled, setup, teardown),
	};
	if (argc > 1 && !strcmp(argv[1], "mail-parse"))
		return fl_cmd_mail_parse(argc - 1, argv + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
