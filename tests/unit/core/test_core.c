/* Unit tests for src/core: strings, UTF-8, buffers, e-mail addresses, time,
 * JSON input, configuration, arenas and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/input.h"
#include "core/log.h"
#include "core/str.h"
#include "core/time.h"
#include "unit.h"

/* ---- helpers ------------------------------------------------------------ */

/* Repeats z count times into a malloc'd string. */
static char *repeat(const char *z, size_t count)
{
	size_t n = strlen(z);
	char *out = malloc(n * count + 1);
	assert_non_null(out);
	for (size_t i = 0; i < count; i++)
		memcpy(out + i * n, z, n);
	out[n * count] = 0;
	return out;
}

static int i64(const char *z, int64_t *out)
{
	return fl_str_to_i64(fl_str_c(z), out);
}

static int tparse(const char *z, int64_t *out)
{
	return fl_time_parse(fl_str_c(z), out);
}

/* ---- fl_str_to_i64 ------------------------------------------------------ */

static void test_i64_valid(void **state)
{
	int64_t v;
	(void)state;

	assert_int_equal(i64("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(i64("42", &v), 0);
	assert_true(v == 42);
	assert_int_equal(i64("-42", &v), 0);
	assert_true(v == -42);
	assert_int_equal(i64("-0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(i64("007", &v), 0);
	assert_true(v == 7);
	assert_int_equal(i64("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(i64("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(i64("9223372036854775806", &v), 0);
	assert_true(v == INT64_MAX - 1);
	/* a view need not be NUL-terminated: only n bytes count */
	assert_int_equal(fl_str_to_i64((fl_str){"123abc", 3}, &v), 0);
	assert_true(v == 123);
}

static void test_i64_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"-",
		"+",
		"+5",
		" 5",
		"5 ",
		"\t5",
		"--5",
		"-+5",
		"1a",
		"0x10",
		"1.5",
		"1e3",
		"9223372036854775808",
		"-9223372036854775809",
		"18446744073709551616",
		"99999999999999999999",
		"12345678901234567890",
		"-",
		"5-",
	};
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t v = 777;
		int rc = i64(bad[i], &v);
		if (rc != FL_EMALFORMED)
			fail_msg("fl_str_to_i64(\"%s\") = %d, expected FL_EMALFORMED", bad[i], rc);
		assert_true(v == 777); /* out untouched on failure */
	}
	/* empty view with a NULL pointer */
	int64_t v = 5;
	assert_int_equal(fl_str_to_i64((fl_str){NULL, 0}, &v), FL_EMALFORMED);
	assert_true(v == 5);
}

/* ---- UTF-8 -------------------------------------------------------------- */

#define UTF8_OK(lit) assert_true(fl_utf8_valid((lit), sizeof(lit) - 1))
#define UTF8_BAD(lit)                                                \
	do {                                                         \
		if (fl_utf8_valid((lit), sizeof(lit) - 1))           \
			fail_msg("fl_utf8_valid accepted %s", #lit); \
	} while (0)

static void test_utf8_valid(void **state)
{
	(void)state;

	UTF8_OK("");
	UTF8_OK("plain ASCII, with punctuation!");
	UTF8_OK("Привіт, світе"); /* Ukrainian */
	UTF8_OK("Посилка не прийшла");
	UTF8_OK("Ąžuolas ėčęįšųūž ĄČĘĖĮŠŲŪŽ"); /* Lithuanian */
	UTF8_OK("\xC2\x80");                   /* U+0080, smallest 2-byte */
	UTF8_OK("\xDF\xBF");                   /* U+07FF */
	UTF8_OK("\xE0\xA0\x80");               /* U+0800, smallest 3-byte */
	UTF8_OK("\xED\x9F\xBF");               /* U+D7FF, just below surrogates */
	UTF8_OK("\xEE\x80\x80");               /* U+E000, just above surrogates */
	UTF8_OK("\xEF\xBF\xBF");               /* U+FFFF */
	UTF8_OK("\xF0\x90\x80\x80");           /* U+10000, smallest 4-byte */
	UTF8_OK("\xF0\x9F\x98\x80");           /* emoji */
	UTF8_OK("\xF4\x8F\xBF\xBF");           /* U+10FFFF, the last code point */
	/* a NUL byte is a valid code point when the length says so */
	assert_true(fl_utf8_valid("a\0b", 3));
}

static void test_utf8_invalid(void **state)
{
	(void)state;

	/* overlong forms */
	UTF8_BAD("\xC0\xAF"); /* '/' in two bytes */
	UTF8_BAD("\xC0\x80"); /* NUL in two bytes */
	UTF8_BAD("\xC1\xBF");
	UTF8_BAD("\xE0\x80\xAF");     /* '/' in three bytes */
	UTF8_BAD("\xE0\x9F\xBF");     /* U+07FF in three bytes */
	UTF8_BAD("\xF0\x80\x80\xAF"); /* '/' in four bytes */
	UTF8_BAD("\xF0\x8F\xBF\xBF"); /* U+FFFF in four bytes */
	/* UTF-16 surrogates */
	UTF8_BAD("\xED\xA0\x80"); /* U+D800 */
	UTF8_BAD("\xED\xAD\xBF");
	UTF8_BAD("\xED\xBF\xBF");             /* U+DFFF */
	UTF8_BAD("\xED\xA0\xBD\xED\xB8\x80"); /* CESU-8 emoji */
	/* beyond U+10FFFF and invalid lead bytes */
	UTF8_BAD("\xF4\x90\x80\x80");
	UTF8_BAD("\xF5\x80\x80\x80");
	UTF8_BAD("\xF8\x88\x80\x80\x80");
	UTF8_BAD("\xFC\x84\x80\x80\x80\x80");
	UTF8_BAD("\xFE");
	UTF8_BAD("\xFF");
	/* lone continuation bytes */
	UTF8_BAD("\x80");
	UTF8_BAD("a\xBFz");
	/* truncated sequences, at the end and in the middle */
	UTF8_BAD("\xD0");
	UTF8_BAD("abc\xD0");
	UTF8_BAD("\xE2\x82");
	UTF8_BAD("\xF0\x9F\x98");
	UTF8_BAD(
		"\xD0"
		"A");
	UTF8_BAD(
		"\xE2\x82"
		"A");
	UTF8_BAD(
		"\xF0\x9F\x98"
		" ok");
	/* a valid string cut mid-character by its length */
	const char *uk = "Привіт";
	assert_false(fl_utf8_valid(uk, 1));
	assert_false(fl_utf8_valid(uk, 3));
	assert_true(fl_utf8_valid(uk, 4));
}

static void test_utf8_len(void **state)
{
	(void)state;

	assert_int_equal(fl_utf8_len("", 0), 0);
	assert_int_equal(fl_utf8_len("abc", 3), 3);
	assert_int_equal(strlen("Привіт"), 12);
	assert_int_equal(fl_utf8_len("Привіт", strlen("Привіт")), 6);
	assert_int_equal(fl_utf8_len("Ąžuolas", strlen("Ąžuolas")), 7);
	assert_int_equal(fl_utf8_len("\xF0\x9F\x98\x80", 4), 1);
	assert_int_equal(fl_utf8_len("a€😀b", strlen("a€😀b")), 4);
	/* only n bytes count */
	assert_int_equal(fl_utf8_len("abcdef", 2), 2);
}

/* ---- fl_buf ------------------------------------------------------------- */

static void test_buf_basic(void **state)
{
	fl_buf b;
	char *s;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_adds(&b, "abc"), 0);
	assert_int_equal(fl_buf_addc(&b, '-'), 0);
	assert_int_equal(fl_buf_addf(&b, "%d/%s", 42, "x"), 0);
	assert_int_equal(fl_buf_add(&b, "yz!!", 2), 0);
	assert_int_equal(b.n, 10);
	assert_string_equal(b.p, "abc-42/xyz");
	fl_buf_reset(&b);
	assert_int_equal(b.n, 0);
	assert_string_equal(b.p, "");
	assert_int_equal(fl_buf_addf(&b, "%s", ""), 0);
	assert_string_equal(b.p, "");
	assert_int_equal(fl_buf_adds(&b, "kept"), 0);
	s = fl_buf_steal(&b);
	assert_string_equal(s, "kept");
	free(s);
	assert_null(b.p);
	assert_int_equal(b.n, 0);
	/* stealing an empty buffer gives "" rather than NULL */
	s = fl_buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	fl_buf_free(&b);
}

static void test_buf_cap(void **state)
{
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 10);
	assert_int_equal(fl_buf_adds(&b, "0123456789"), 0); /* exactly max */
	assert_int_equal(b.n, 10);
	assert_int_equal(fl_buf_addc(&b, 'x'), FL_ETOOBIG);
	assert_int_equal(fl_buf_adds(&b, "more"), FL_ETOOBIG);
	assert_int_equal(fl_buf_addf(&b, "%d", 1), FL_ETOOBIG);
	assert_int_equal(fl_buf_add_html(&b, "<", 1), FL_ETOOBIG);
	/* the content is unchanged and still a C string */
	assert_int_equal(b.n, 10);
	assert_int_equal(b.p[10], 0);
	assert_string_equal(b.p, "0123456789");
	/* adding nothing is still fine at the cap */
	assert_int_equal(fl_buf_add(&b, "", 0), 0);
	fl_buf_free(&b);

	/* one add larger than the cap fails outright */
	fl_buf_init(&b, 4);
	assert_int_equal(fl_buf_adds(&b, "ab"), 0);
	assert_int_equal(fl_buf_adds(&b, "cde"), FL_ETOOBIG);
	assert_string_equal(b.p, "ab");
	assert_int_equal(fl_buf_addf(&b, "%s", "abcdefgh"), FL_ETOOBIG);
	assert_string_equal(b.p, "ab");
	assert_int_equal(fl_buf_adds(&b, "cd"), 0);
	assert_string_equal(b.p, "abcd");
	fl_buf_free(&b);

	/* huge sizes are refused, not wrapped around */
	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_adds(&b, "x"), 0);
	assert_int_equal(fl_buf_add(&b, "y", SIZE_MAX), FL_ETOOBIG);
	assert_int_equal(fl_buf_add(&b, "y", SIZE_MAX - 1), FL_ETOOBIG);
	assert_string_equal(b.p, "x");
	fl_buf_free(&b);

	/* the default cap is 16 MiB */
	fl_buf_init(&b, 0);
	assert_int_equal(b.max, 16u << 20);
	fl_buf_free(&b);
}

static void test_buf_html(void **state)
{
	fl_buf b;
	const char *in = "<a href=\"x\" title='t'>Tom & Jerry</a>";
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_buf_add_html(&b, in, strlen(in)), 0);
	assert_string_equal(b.p,
			    "&lt;a href=&quot;x&quot; title=&#39;t&#39;&gt;"
			    "Tom &amp; Jerry&lt;/a&gt;");
	fl_buf_reset(&b);
	/* only n bytes are read */
	assert_int_equal(fl_buf_add_html(&b, "a<b>c", 2), 0);
	assert_string_equal(b.p, "a&lt;");
	fl_buf_reset(&b);
	/* text without special characters, and non-ASCII, pass through */
	assert_int_equal(fl_buf_add_html(&b, "Ąžuolas – ok", strlen("Ąžuolas – ok")), 0);
	assert_string_equal(b.p, "Ąžuolas – ok");
	fl_buf_reset(&b);
	assert_int_equal(fl_buf_add_html(&b, "&&", 2), 0);
	assert_string_equal(b.p, "&amp;&amp;");
	fl_buf_reset(&b);
	/* bidi overrides and isolates go (U+202E, U+2066, U+2069, U+202A); the
	 * text around them and neighbours such as U+2028 and U+200F stay */
	{
		const char *bidi =
			"invoice\xe2\x80\xae"
			"fdp.exe <\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\xaa"
			"\xe2\x80\xa8\xe2\x80\x8f\xe2\x80";
		assert_int_equal(fl_buf_add_html(&b, bidi, strlen(bidi)), 0);
		assert_string_equal(b.p, "invoicefdp.exe &lt;x\xe2\x80\xa8\xe2\x80\x8f\xe2\x80");
		fl_buf_reset(&b);
	}
	assert_int_equal(fl_buf_add_html(&b, "", 0), 0);
	assert_string_equal(b.p, "");
	fl_buf_free(&b);
}

/* ---- fl_email_normalize ------------------------------------------------- */

static void test_email_valid(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"  John.Doe@Example.COM\t", "john.doe@example.com"},
		{"a@b.c", "a@b.c"},
		{"USER+tag@Sub.Example.org", "user+tag@sub.example.org"},
		{"x@[192.168.0.1]", "x@[192.168.0.1]"},
		{"\t\tx_y@e.lt  ", "x_y@e.lt"},
		{"ona@pavyzdys.lt", "ona@pavyzdys.lt"},
		{"\xd0\xbe\xd0\xbb\xd1\x8f@example.ua",
		 "\xd0\xbe\xd0\xbb\xd1\x8f@example.ua"}, /* "оля" */
	};
	(void)state;

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		char buf[300];
		snprintf(buf, sizeof buf, "%s", ok[i].in);
		if (fl_email_normalize(buf) != 0)
			fail_msg("fl_email_normalize(\"%s\") rejected a valid address", ok[i].in);
		assert_string_equal(buf, ok[i].out);
	}
}

static void test_email_invalid(void **state)
{
	static const char *const bad[] = {
		"", "   ", "noat.example.com", "a@@b.com", "a@b@c.com", "john doe@example.com",
		"john@exa mple.com", "a@b", "@example.com", "a@", "a@.com", "a@example.",
		"a\x01@b.com", "<a@b.com>", "a@b.com,c@d.com", "\"a\"@b.com", "a\\b@c.com",
		"a;b@c.com", "a\n@b.com", "a@b.com\n", "ab", "a\x7f@b.com",
		/* a comment, a group, a route: the envelope and the header would
		 * name different mailboxes */
		"a(b)@x.com", "a:b@x.com", "a[b]@x.com", "a@x(y).com", "a@x:25.com", "a@[1.2.3.4",
		"a@b!c.com", "a@b*c.com",
		"b\xff"
		"d@example.com",
		"\xc3@example.com", /* not UTF-8 */
	};
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char buf[300];
		snprintf(buf, sizeof buf, "%s", bad[i]);
		if (fl_email_normalize(buf) != FL_EINVAL)
			fail_msg("fl_email_normalize accepted \"%s\"", bad[i]);
	}
}

/* ---- fl_url_base_normalize, the public_url setting ---------------------- */

static void test_url_base(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"https://help.example.com", "https://help.example.com"},
		{"https://help.example.com///", "https://help.example.com"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"https://example.com/desk/", "https://example.com/desk"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"https://xn--80ak6aa92e.com", "https://xn--80ak6aa92e.com"},
	};
	/* each could put another host, or a header, in a link we mail */
	static const char *const bad[] = {
		"",
		"help.example.com",
		"ftp://example.com",
		"javascript:alert(1)",
		"https://help.example.com@evil.example",
		"https://evil.example?x=https://help",
		"https://evil.example#https://help",
		"https://",
		"http:///path",
		"https://:80",
		"https://a b.example",
		"https://a.example\r\nX-Evil: 1",
		"https://a.example/\"x",
		"https://a.example/<x>",
		"https://a.example\\@evil",
		"https://пример.укр",
	};
	struct fl_config c;
	struct fl_err e = {0};
	(void)state;

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		char buf[300];
		snprintf(buf, sizeof buf, "%s", ok[i].in);
		if (fl_url_base_normalize(buf))
			fail_msg("fl_url_base_normalize refused \"%s\"", ok[i].in);
		assert_string_equal(buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char buf[300];
		snprintf(buf, sizeof buf, "%s", bad[i]);
		if (fl_url_base_normalize(buf) != FL_EINVAL)
			fail_msg("fl_url_base_normalize took \"%s\"", bad[i]);
	}
	/* the configuration key checks the same way */
	fl_config_defaults(&c);
	assert_int_equal(fl_config_set(&c, "public_url", "https://help.example.com/", &e), 0);
	assert_string_equal(c.public_url, "https://help.example.com");
	assert_int_equal(fl_config_set(&c, "public_url", "https://x@evil.example", &e), FL_EINVAL);
	assert_string_equal(e.field, "public_url");
	assert_string_equal(c.public_url, "https://help.example.com");
	/* the mail parser's limits are settings too */
	assert_int_equal(c.mail_parse_memory, 1024);
	assert_int_equal(fl_config_set(&c, "mail_parse_memory", "256", &e), 0);
	assert_int_equal(c.mail_parse_memory, 256);
	assert_int_equal(fl_config_set(&c, "mail_parse_jobs", "0", &e), FL_EINVAL);
	assert_int_equal(fl_config_set(&c, "mail_parse_time", "86400", &e), FL_EINVAL);
}

static void test_email_length(void **state)
{
	char *local;
	char buf[400];
	(void)state;

	/* 254 bytes is the limit: 242 + "@example.com" (12) = 254 */
	local = repeat("a", 242);
	snprintf(buf, sizeof buf, "%s@example.com", local);
	assert_int_equal(strlen(buf), 254);
	assert_int_equal(fl_email_normalize(buf), 0);
	snprintf(buf, sizeof buf, "%sb@example.com", local);
	assert_int_equal(strlen(buf), 255);
	assert_int_equal(fl_email_normalize(buf), FL_EINVAL);
	/* surrounding blanks do not count towards the limit */
	snprintf(buf, sizeof buf, "   %s@example.com   ", local);
	assert_int_equal(fl_email_normalize(buf), 0);
	assert_int_equal(strlen(buf), 254);
	free(local);
}

/* ---- time --------------------------------------------------------------- */

static void test_time_parse_dates(void **state)
{
	int64_t t;
	(void)state;

	assert_int_equal(tparse("1970-01-01", &t), 0);
	assert_true(t == 0);
	assert_int_equal(tparse("2026-01-01", &t), 0);
	assert_true(t == 1767225600);
	assert_true(t == utc(2026, 1, 1, 0, 0, 0));
	assert_int_equal(tparse("2024-02-29", &t), 0); /* leap year */
	assert_true(t == utc(2024, 2, 29, 0, 0, 0));
	assert_int_equal(tparse("2000-02-29", &t), 0); /* divisible by 400 */
	assert_true(t == utc(2000, 2, 29, 0, 0, 0));
	assert_int_equal(tparse("2026-12-31", &t), 0);
	assert_true(t == utc(2026, 12, 31, 0, 0, 0));
	assert_int_equal(tparse("1969-12-31", &t), 0);
	assert_true(t == -86400);
	assert_int_equal(tparse("2026-04-30", &t), 0);
	assert_true(t == utc(2026, 4, 30, 0, 0, 0));
}

static void test_time_parse_datetimes(void **state)
{
	int64_t t, u;
	(void)state;

	assert_int_equal(tparse("2026-11-22T08:24:40Z", &t), 0);
	assert_true(t == utc(2026, 11, 22, 8, 24, 40));
	assert_int_equal(tparse("2026-11-22T08:24Z", &t), 0); /* seconds optional */
	assert_true(t == utc(2026, 11, 22, 8, 24, 0));
	assert_int_equal(tparse("2026-11-22T08:24:40z", &u), 0); /* lower-case z */
	assert_true(u == utc(2026, 11, 22, 8, 24, 40));
	assert_int_equal(tparse("2026-11-22 08:24:40Z", &t), 0); /* RFC 3339 allows a space */
	assert_true(t == utc(2026, 11, 22, 8, 24, 40));
	/* offsets: local time minus offset */
	assert_int_equal(tparse("2026-01-01T10:00:00+02:00", &t), 0);
	assert_true(t == utc(2026, 1, 1, 8, 0, 0));
	assert_int_equal(tparse("2026-01-01T10:00:00-05:30", &t), 0);
	assert_true(t == utc(2026, 1, 1, 15, 30, 0));
	assert_int_equal(tparse("2026-01-01T00:30+01:00", &t), 0); /* crosses midnight back */
	assert_true(t == utc(2025, 12, 31, 23, 30, 0));
	assert_int_equal(tparse("2026-01-01T12:00:00+00:00", &t), 0);
	assert_int_equal(tparse("2026-01-01T12:00:00Z", &u), 0);
	assert_true(t == u);
	assert_int_equal(tparse("2026-06-30T23:59:59Z", &t), 0);
	assert_true(t == utc(2026, 6, 30, 23, 59, 59));
}

static void test_time_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-01",
		"2026-1-01",
		"2026-01-1",
		"26-01-01",
		"2026/01/01",
		"abcd-ef-gh",
		"2026-13-01",
		"2026-00-10",
		"2026-01-00",
		"2026-01-32",
		"2026-02-30",
		"2026-02-31",
		"2026-04-31",
		"2026-06-31",
		"2026-09-31",
		"2026-11-31",
		"2026-01-01x",
		"2026-01-01 ",
		" 2026-01-01",
		"2026-01-01T",
		"2026-01-01T10",
		"2026-01-01T10:",
		"2026-01-01T1:00Z",
		"2026-01-01T24:00Z",
		"2026-01-01T10:60Z",
		"2026-01-01T10:00:61Z",
		"2026-01-01T10:00:5Z",
		"2026-01-01T10:00:00Zjunk",
		"2026-01-01T10:00:00ZZ",
		"2026-01-01T10:00:00+02",
		"2026-01-01T10:00:00+0200",
		"2026-01-01T10:00:00+24:00",
		"2026-01-01T10:00:00+02:60",
		"2026-01-01T10:00:00+02:00x",
		"2026-01-01X10:00:00Z",
		"2026-01-01T10-00Z",
		"+2026-01-01",
		"-2026-01-01",
	};
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t t = 12345;
		int rc = tparse(bad[i], &t);
		if (rc != FL_EMALFORMED)
			fail_msg("fl_time_parse(\"%s\") = %d, expected FL_EMALFORMED", bad[i], rc);
		assert_true(t == 12345);
	}
}

/* RFC 3339 section 5.7: February 29 exists only in leap years. */
static void test_time_parse_feb29_non_leap(void **state)
{
	int64_t t = 1;
	(void)state;

	assert_int_equal(tparse("2025-02-29", &t), FL_EMALFORMED);
	assert_int_equal(tparse("2026-02-29", &t), FL_EMALFORMED);
	assert_int_equal(tparse("1900-02-29", &t), FL_EMALFORMED); /* century, not /400 */
	assert_true(t == 1);
}

/* time.h: a time of day without a zone is UTC (people type dates into
 * search); fractions of a second and a lower-case 't' are RFC 3339 too. */
static void test_time_parse_zone_optional(void **state)
{
	int64_t t = 1;
	(void)state;

	assert_int_equal(tparse("2026-01-01T10:00:00", &t), 0);
	assert_true(t == 1767261600);
	assert_int_equal(tparse("2026-01-01T10:00", &t), 0);
	assert_true(t == 1767261600);
	assert_int_equal(tparse("2026-01-01t10:00:00.250Z", &t), 0);
	assert_true(t == 1767261600);
	assert_int_equal(tparse("2026-01-01T10:00:00.Z", &t), 0);
	assert_int_equal(tparse("2026-01-01T10:00:00Zx", &t), FL_EMALFORMED);
}

static void test_time_iso_round_trip(void **state)
{
	char out[21];
	int64_t samples[] = {0,          1,          59,
			     86399,      86400,      951782400 /* 2000-02-29 */,
			     1767225600, 1795335880, 4102444799 /* 2099-12-31T23:59:59 */,
			     -1,         -86400};
	(void)state;

	fl_time_iso(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	fl_time_iso(1795335880, out);
	assert_string_equal(out, "2026-11-22T08:24:40Z");
	fl_time_iso(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		int64_t back = 0;
		fl_time_iso(samples[i], out);
		assert_int_equal(strlen(out), 20);
		assert_int_equal(tparse(out, &back), 0);
		if (back != samples[i])
			fail_msg("%lld -> %s -> %lld", (long long)samples[i], out, (long long)back);
	}
	/* and the other way round */
	const char *iso = "2026-03-15T12:34:56Z";
	int64_t t;
	assert_int_equal(tparse(iso, &t), 0);
	fl_time_iso(t, out);
	assert_string_equal(out, iso);
}

static void test_time_freeze(void **state)
{
	(void)state;
	fl_time_freeze(1234567890);
	assert_true(fl_now() == 1234567890);
	fl_time_freeze(0);
	assert_true(fl_now() > 1700000000);
	uint64_t a = fl_mono_us(), b = fl_mono_us();
	assert_true(b >= a);
}

/* ---- fl_input_parse ----------------------------------------------------- */

static int jparse(const char *z, json_t **out, struct fl_err *e)
{
	return fl_input_parse(z, strlen(z), out, e);
}

static void test_input_parse_ok(void **state)
{
	json_t *v = NULL;
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(jparse("{\"a\": [1, {\"b\": \"Ąž\"}], \"c\": null}", &v, &e), 0);
	assert_non_null(v);
	assert_true(json_is_object(v));
	assert_true(json_is_array(json_object_get(v, "a")));
	assert_true(json_is_null(json_object_get(v, "c")));
	json_decref(v);
	/* brackets inside strings are not nesting, escaped quotes included */
	char *deep_str = repeat("[{", 100);
	char body[512];
	snprintf(body, sizeof body, "{\"s\": \"\\\"%s\"}", deep_str);
	free(deep_str);
	v = NULL;
	assert_int_equal(jparse(body, &v, &e), 0);
	json_decref(v);
}

static void test_input_parse_errors(void **state)
{
	json_t *v = NULL;
	struct fl_err e;
	(void)state;

	memset(&e, 0, sizeof e);
	assert_int_equal(jparse("{\"a\": }", &v, &e), FL_EMALFORMED);
	assert_null(v);
	assert_int_equal(e.code, FL_EMALFORMED);
	assert_string_equal(e.reason, "InvalidJSON");
	assert_non_null(strstr(e.msg, "line 1"));
	assert_non_null(strstr(e.msg, "column "));

	memset(&e, 0, sizeof e);
	assert_int_equal(jparse("{\n  \"a\": 1,\n  \"b\": x\n}", &v, &e), FL_EMALFORMED);
	assert_non_null(strstr(e.msg, "line 3"));
	assert_null(v);

	memset(&e, 0, sizeof e);
	assert_int_equal(fl_input_parse("", 0, &v, &e), FL_EMALFORMED);
	assert_int_equal(e.code, FL_EMALFORMED);
	assert_int_equal(jparse("{\"a\":1", &v, &e), FL_EMALFORMED);
	assert_int_equal(jparse("{\"a\":1} trailing", &v, &e), FL_EMALFORMED);
	assert_null(v);
}

static void test_input_parse_not_object(void **state)
{
	static const char *const bodies[] = {"[1,2]", "42", "\"s\"", "null", "true", "[]"};
	(void)state;

	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		json_t *v = NULL;
		struct fl_err e = {0};
		assert_int_equal(jparse(bodies[i], &v, &e), FL_EMALFORMED);
		assert_null(v);
		assert_int_equal(e.code, FL_EMALFORMED);
		assert_string_equal(e.reason, "InvalidJSON");
	}
}

/* An object holding depth-1 nested arrays: depth levels in total. */
static char *nested(int depth)
{
	char *open = repeat("[", (size_t)depth - 1), *close = repeat("]", (size_t)depth - 1);
	size_t n = strlen(open) + strlen(close) + 16;
	char *z = malloc(n);
	assert_non_null(z);
	snprintf(z, n, "{\"a\":%s%s}", open, close);
	free(open);
	free(close);
	return z;
}

static void test_input_parse_depth(void **state)
{
	json_t *v = NULL;
	struct fl_err e = {0};
	char *z;
	(void)state;

	z = nested(64);
	assert_int_equal(jparse(z, &v, &e), 0);
	json_decref(v);
	free(z);

	v = NULL;
	z = nested(65);
	assert_int_equal(jparse(z, &v, &e), FL_EMALFORMED);
	assert_null(v);
	assert_non_null(strstr(e.msg, "64"));
	free(z);

	/* deep nesting must be refused even when the JSON is broken after it */
	z = repeat("[", 100000);
	size_t cap = strlen(z) + 8;
	char *body = malloc(cap);
	assert_non_null(body);
	snprintf(body, cap, "{\"a\":%s", z);
	assert_int_equal(jparse(body, &v, &e), FL_EMALFORMED);
	assert_null(v);
	free(body);
	free(z);
}

static void test_input_parse_duplicates(void **state)
{
	json_t *v = NULL;
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(jparse("{\"a\":1,\"a\":2}", &v, &e), FL_EMALFORMED);
	assert_null(v);
	assert_int_equal(jparse("{\"o\":{\"k\":1,\"k\":1}}", &v, &e), FL_EMALFORMED);
	assert_null(v);
	assert_int_equal(jparse("{\"a\":1,\"A\":2}", &v, &e), 0);
	json_decref(v);
}

/* ---- fl_input_decode ---------------------------------------------------- */

struct in {
	const char *name;
	int has_name;
	const char *note;
	int has_note;
	int64_t id;
	int has_id;
	int64_t n;
	int has_n;
	int flag;
	int has_flag;
	int color;
	int has_color;
	const char *tags[3];
	size_t ntags;
	int has_tags;
	int64_t ids[2];
	size_t nids;
	int has_ids;
	const char *extra;
	int has_extra;
	char *email;
	int has_email;
};

static int parse_color(fl_str s)
{
	if (fl_str_eq(s, "red"))
		return 1;
	if (fl_str_eq(s, "green"))
		return 2;
	if (fl_str_eq(s, "blue"))
		return 3;
	return -1;
}

#define O(f) offsetof(struct in, f)
static const struct fl_field spec[] = {
	{"name", FL_FT_STRING, 300, 0, 0, NULL, O(name), O(has_name), 0, 0},
	{"note", FL_FT_STRING, 10, 0, 1, NULL, O(note), O(has_note), 0, 0},
	{"id", FL_FT_ID, 0, 0, 1, NULL, O(id), O(has_id), 0, 0},
	{"n", FL_FT_INT, 100, 0, 0, NULL, O(n), O(has_n), 0, -5},
	{"flag", FL_FT_BOOL, 0, 0, 1, NULL, O(flag), O(has_flag), 0, 0},
	{"color", FL_FT_ENUM, 0, 0, 1, parse_color, O(color), O(has_color), 0, 0},
	{"tags", FL_FT_STRINGS, 3, 5, 1, NULL, O(tags), O(has_tags), O(ntags), 0},
	{"ids", FL_FT_IDS, 2, 0, 0, NULL, O(ids), O(has_ids), O(nids), 0},
	{"extra", FL_FT_JSON, 20, 0, 1, NULL, O(extra), O(has_extra), 0, 0},
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, O(email), O(has_email), 0, 0},
	FL_FIELDS_END,
};
#undef O

static fl_arena decode_arena;

static int setup_arena(void **state)
{
	(void)state;
	fl_arena_init(&decode_arena, 0);
	return 0;
}

static int teardown_arena(void **state)
{
	(void)state;
	fl_arena_free(&decode_arena);
	return 0;
}

/* Parses body and decodes it into *out (zeroed first). */
static int decode(const char *body, struct in *out, struct fl_err *e)
{
	json_t *v = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	memset(e, 0, sizeof *e);
	rc = jparse(body, &v, e);
	assert_int_equal(rc, 0);
	rc = fl_input_decode(v, spec, out, &decode_arena, e);
	json_decref(v);
	return rc;
}

static void expect_invalid(const char *body, const char *field, const char *reason)
{
	struct in in;
	struct fl_err e;
	int rc = decode(body, &in, &e);
	if (rc != FL_EINVAL)
		fail_msg("decoding %s gave %d, expected FL_EINVAL", body, rc);
	assert_int_equal(e.code, FL_EINVAL);
	if (strcmp(e.field, field))
		fail_msg("decoding %s named field '%s', expected '%s'", body, e.field, field);
	if (reason && strcmp(e.reason, reason))
		fail_msg("decoding %s gave reason '%s', expected '%s'", body, e.reason, reason);
	/* the message names the field too, for a human */
	assert_non_null(strstr(e.msg, field));
}

static void test_decode_types(void **state)
{
	struct in in;
	struct fl_err e;
	(void)state;

	assert_int_equal(decode("{\"name\":\"Ąžuolas\",\"note\":\"short\",\"id\":7,"
				"\"n\":-5,\"flag\":true,\"color\":\"green\","
				"\"tags\":[\"a\",\"bb\",\"ccc\"],\"ids\":[3,4],"
				"\"extra\":{\"k\":[1,2]},\"email\":\" Bob@Example.COM \","
				"\"unknown\":\"ignored\"}",
				&in, &e),
			 0);
	assert_string_equal(in.name, "Ąžuolas");
	assert_int_equal(in.has_name, 1);
	assert_string_equal(in.note, "short");
	assert_true(in.id == 7);
	assert_true(in.n == -5);
	assert_int_equal(in.flag, 1);
	assert_int_equal(in.color, 2);
	assert_int_equal(in.ntags, 3);
	assert_string_equal(in.tags[0], "a");
	assert_string_equal(in.tags[2], "ccc");
	assert_int_equal(in.nids, 2);
	assert_true(in.ids[0] == 3 && in.ids[1] == 4);
	assert_string_equal(in.extra, "{\"k\":[1,2]}");
	assert_string_equal(in.email, "bob@example.com");
	assert_int_equal(in.has_note + in.has_id + in.has_n + in.has_flag + in.has_color +
				 in.has_tags + in.has_ids + in.has_extra + in.has_email,
			 9);

	/* absent fields stay absent */
	assert_int_equal(decode("{\"n\":100}", &in, &e), 0);
	assert_true(in.n == 100);
	assert_int_equal(in.has_n, 1);
	assert_int_equal(in.has_name, 0);
	assert_null(in.name);
	assert_int_equal(in.has_tags, 0);

	/* empty arrays */
	assert_int_equal(decode("{\"tags\":[],\"ids\":[]}", &in, &e), 0);
	assert_int_equal(in.has_tags, 1);
	assert_int_equal(in.ntags, 0);
	assert_int_equal(in.nids, 0);

	/* strings are copies owned by the arena */
	json_t *v = json_pack("{s:s}", "name", "copied");
	memset(&in, 0, sizeof in);
	assert_int_equal(fl_input_decode(v, spec, &in, &decode_arena, &e), 0);
	json_decref(v);
	assert_string_equal(in.name, "copied");
}

static void test_decode_nulls(void **state)
{
	struct in in;
	struct fl_err e;
	(void)state;

	in.note = "sentinel";
	assert_int_equal(decode("{\"note\":null,\"id\":null,\"color\":null,\"flag\":null,"
				"\"tags\":null,\"extra\":null}",
				&in, &e),
			 0);
	assert_null(in.note);
	assert_int_equal(in.has_note, 1);
	assert_true(in.id == 0);
	assert_int_equal(in.has_id, 1);
	assert_int_equal(in.color, 0);
	assert_int_equal(in.has_color, 1);
	assert_int_equal(in.flag, 0);
	assert_int_equal(in.ntags, 0);
	assert_int_equal(in.has_tags, 1);
	assert_null(in.extra);

	/* fields that are not nullable */
	expect_invalid("{\"name\":null}", "name", "Blank");
	expect_invalid("{\"n\":null}", "n", "Blank");
	expect_invalid("{\"ids\":null}", "ids", "Blank");
	expect_invalid("{\"email\":null}", "email", "Blank");
}

static void test_decode_type_errors(void **state)
{
	(void)state;

	expect_invalid("{\"name\":5}", "name", "InvalidType");
	expect_invalid("{\"name\":[\"x\"]}", "name", "InvalidType");
	expect_invalid("{\"id\":0}", "id", "InvalidValue");
	expect_invalid("{\"id\":-3}", "id", "InvalidValue");
	expect_invalid("{\"id\":\"5\"}", "id", "InvalidValue");
	expect_invalid("{\"id\":1.5}", "id", "InvalidValue");
	expect_invalid("{\"n\":101}", "n", "InvalidValue");
	expect_invalid("{\"n\":-6}", "n", "InvalidValue");
	expect_invalid("{\"n\":\"1\"}", "n", "InvalidValue");
	expect_invalid("{\"flag\":\"true\"}", "flag", "InvalidType");
	expect_invalid("{\"flag\":1}", "flag", "InvalidType");
	expect_invalid("{\"color\":3}", "color", "InvalidType");
	expect_invalid("{\"tags\":\"a\"}", "tags", "InvalidType");
	expect_invalid("{\"tags\":[1]}", "tags", "InvalidType");
	expect_invalid("{\"ids\":[1,\"2\"]}", "ids", "InvalidValue");
	expect_invalid("{\"ids\":[0]}", "ids", "InvalidValue");
	expect_invalid("{\"email\":\"not-an-address\"}", "email", "InvalidValue");
	expect_invalid("{\"email\":\"a@b\"}", "email", "InvalidValue");
	expect_invalid("{\"extra\":\"a string that is far too long\"}", "extra", "TooLong");

	/* the first bad field stops decoding */
	expect_invalid("{\"name\":\"ok\",\"id\":-1,\"n\":1000}", "id", NULL);

	/* a string with a NUL inside (jansson only builds one when asked) */
	struct in in;
	struct fl_err e = {0};
	json_t *obj = json_object();
	json_object_set_new(obj, "name", json_stringn("a\0b", 3));
	memset(&in, 0, sizeof in);
	assert_int_equal(fl_input_decode(obj, spec, &in, &decode_arena, &e), FL_EINVAL);
	json_decref(obj);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.reason, "InvalidValue");
	assert_int_equal(in.has_name, 0);

	/* not an object at all */
	json_t *arr = json_array();
	assert_int_equal(fl_input_decode(arr, spec, &in, &decode_arena, &e), FL_EINVAL);
	json_decref(arr);
}

static void test_decode_lengths_in_characters(void **state)
{
	struct in in;
	struct fl_err e;
	char *s300 = repeat("Ж", 300), *s301 = repeat("Ж", 301);
	size_t cap = strlen(s301) + 64;
	char *body = malloc(cap);
	(void)state;

	assert_non_null(body);
	assert_int_equal(strlen(s300), 600); /* bytes */
	snprintf(body, cap, "{\"name\":\"%s\"}", s300);
	assert_int_equal(decode(body, &in, &e), 0);
	assert_string_equal(in.name, s300);
	snprintf(body, cap, "{\"name\":\"%s\"}", s301);
	expect_invalid(body, "name", "TooLong");
	assert_int_equal(decode(body, &in, &e), FL_EINVAL);
	assert_non_null(strstr(e.msg, "300"));

	/* ten Lithuanian letters fit a ten-character note (20 bytes) */
	assert_int_equal(decode("{\"note\":\"ĄČĘĖĮŠŲŪŽą\"}", &in, &e), 0);
	assert_string_equal(in.note, "ĄČĘĖĮŠŲŪŽą");
	expect_invalid("{\"note\":\"ĄČĘĖĮŠŲŪŽąč\"}", "note", "TooLong");

	/* array items are counted in characters too (item_max 5) */
	assert_int_equal(decode("{\"tags\":[\"ąčęėį\"]}", &in, &e), 0);
	expect_invalid("{\"tags\":[\"ok\",\"ąčęėįš\"]}", "tags", "TooLong");
	free(s300);
	free(s301);
	free(body);
}

static void test_decode_array_limits(void **state)
{
	struct in in;
	struct fl_err e;
	(void)state;

	assert_int_equal(decode("{\"tags\":[\"a\",\"b\",\"c\"]}", &in, &e), 0);
	expect_invalid("{\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "tags", "TooLong");
	assert_int_equal(decode("{\"ids\":[1,2]}", &in, &e), 0);
	expect_invalid("{\"ids\":[1,2,3]}", "ids", "TooLong");
	/* a rejected array does not write past its storage (ASan watches) */
	expect_invalid("{\"ids\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}", "ids", "TooLong");
}

static void test_decode_enum_unknown(void **state)
{
	struct in in;
	struct fl_err e;
	(void)state;

	assert_int_equal(decode("{\"color\":\"purple\"}", &in, &e), FL_EINVAL);
	assert_string_equal(e.field, "color");
	assert_string_equal(e.reason, "InvalidValue");
	assert_non_null(strstr(e.msg, "purple"));
	assert_int_equal(in.has_color, 0);
	/* enum names are exact */
	expect_invalid("{\"color\":\"Red\"}", "color", "InvalidValue");
	expect_invalid("{\"color\":\"\"}", "color", "InvalidValue");
	assert_int_equal(decode("{\"color\":\"blue\"}", &in, &e), 0);
	assert_int_equal(in.color, 3);
}

/* Allocation failure is a shortage (503), never the client's error: a
 * jansson that cannot allocate, an arena that is full. */
static int json_allocs_left;

static void *failing_malloc(size_t n)
{
	if (json_allocs_left <= 0)
		return NULL;
	json_allocs_left--;
	return malloc(n);
}

static void test_input_out_of_memory(void **state)
{
	json_t *v = NULL;
	struct fl_err e = {0};
	(void)state;

	/* every allocation jansson makes for this body fails in turn */
	for (int budget = 0;; budget++) {
		json_allocs_left = budget;
		json_set_alloc_funcs(failing_malloc, free);
		fl_input_init(); /* notes the failures of failing_malloc */
		int rc = jparse("{\"a\": [1, {\"b\": \"text\"}], \"c\": \"more text\"}", &v, &e);
		json_set_alloc_funcs(malloc, free);
		if (rc == 0) {
			assert_true(budget > 3);
			json_decref(v);
			break;
		}
		if (rc != FL_ENOMEM)
			fail_msg("with %d allocations jansson's failure gave %d, not FL_ENOMEM",
				 budget, rc);
		assert_null(v);
		assert_int_equal(e.code, FL_ENOMEM);
	}

	/* strings in an array, into an arena with no room: FL_ENOMEM, not 422 */
	struct in in;
	fl_arena full;
	json_t *obj = json_pack("{s:[s,s]}", "tags", "a", "bb");
	memset(&in, 0, sizeof in);
	fl_arena_init(&full, 1);
	assert_int_equal(fl_input_decode(obj, spec, &in, &full, &e), FL_ENOMEM);
	assert_int_equal(in.has_tags, 0);
	fl_arena_free(&full);
	json_decref(obj);
}

/* ---- configuration ------------------------------------------------------ */

/* config.c: four workers a core by default */
static unsigned default_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores < 1 ? 4 : cores > 16 ? 64 : (unsigned)(4 * cores);
}

static void test_config_set(void **state)
{
	struct fl_config c;
	struct fl_err e;
	(void)state;

	fl_config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.threads, default_threads());
	assert_int_equal(c.sync_full, 1);

	assert_int_equal(fl_config_set(&c, "threads", "8", &e), 0);
	assert_int_equal(c.threads, 8);
	assert_int_equal(fl_config_set(&c, "sync", "normal", &e), 0);
	assert_int_equal(c.sync_full, 0);
	assert_int_equal(fl_config_set(&c, "log_requests", "off", &e), 0);
	assert_int_equal(c.log_requests, 0);
	assert_int_equal(fl_config_set(&c, "log_requests", "yes", &e), 0);
	assert_int_equal(c.log_requests, 1);
	assert_int_equal(fl_config_set(&c, "body_limit", "2048", &e), 0);
	assert_int_equal(c.body_limit, 2048);
	assert_int_equal(fl_config_set(&c, "data", "/srv/frontline", &e), 0);
	assert_string_equal(c.data, "/srv/frontline");
	assert_int_equal(fl_config_set(&c, "login_attempts", "3", &e), 0);
	assert_int_equal(c.login_attempts, 3);
	/* slow clients: Apache's mod_reqtimeout figures by default */
	assert_int_equal(c.conns_per_address, 128);
	assert_int_equal(c.header_timeout, 20);
	assert_int_equal(c.body_timeout, 20);
	assert_int_equal(c.body_min_rate, 500);
	assert_int_equal(fl_config_set(&c, "connections_per_address", "0", &e), 0);
	assert_int_equal(c.conns_per_address, 0);
	assert_int_equal(fl_config_set(&c, "header_timeout", "2", &e), 0);
	assert_int_equal(fl_config_set(&c, "body_timeout", "3", &e), 0);
	assert_int_equal(fl_config_set(&c, "body_min_rate", "100", &e), 0);
	assert_true(c.header_timeout == 2 && c.body_timeout == 3 && c.body_min_rate == 100);
	/* the log's format and the API's rate limit (0: none) */
	assert_int_equal(c.log_format, FL_LOG_TEXT);
	assert_int_equal(c.rate_limit, 700);
	assert_int_equal(fl_config_set(&c, "log_format", "json", &e), 0);
	assert_int_equal(c.log_format, FL_LOG_JSON);
	assert_int_equal(fl_config_set(&c, "rate_limit", "0", &e), 0);
	assert_int_equal(c.rate_limit, 0);
	assert_int_equal(fl_config_set(&c, "rate_limit", "2500", &e), 0);
	assert_int_equal(c.rate_limit, 2500);

	/* unknown key */
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_config_set(&c, "colour", "blue", &e), FL_EINVAL);
	assert_string_equal(e.field, "colour");
	assert_string_equal(e.reason, "Unknown");
	assert_non_null(strstr(e.msg, "colour"));

	/* bad values leave the old value in place */
	static const char *const bad[][2] = {
		{"threads", "0"},
		{"threads", "257"},
		{"threads", "abc"},
		{"threads", ""},
		{"threads", "-1"},
		{"threads", " 8"},
		{"sync", "sometimes"},
		{"log_requests", "maybe"},
		{"body_limit", "1023"},
		{"body_limit", "1073741825"},
		{"data", ""},
		{"login_attempts", "0"},
		{"connections_per_address", "4097"},
		{"header_timeout", "0"},
		{"body_timeout", "3601"},
		{"body_min_rate", "0"},
		{"log_format", "JSON"},
		{"log_format", "logfmt"},
		{"rate_limit", "-1"},
		{"rate_limit", "100000001"},
		{"rate_limit", "many"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&e, 0, sizeof e);
		if (fl_config_set(&c, bad[i][0], bad[i][1], &e) != FL_EINVAL)
			fail_msg("%s = '%s' was accepted", bad[i][0], bad[i][1]);
		assert_string_equal(e.field, bad[i][0]);
		assert_string_equal(e.reason, "InvalidValue");
	}
	assert_int_equal(c.threads, 8);
	assert_int_equal(c.sync_full, 0);
	assert_int_equal(c.body_limit, 2048);
	assert_string_equal(c.data, "/srv/frontline");
	assert_int_equal(c.login_attempts, 3);
	assert_int_equal(c.log_format, FL_LOG_JSON);
	assert_int_equal(c.rate_limit, 2500);

	/* a value that does not fit its field */
	char *long_listen = repeat("x", 200);
	assert_int_equal(fl_config_set(&c, "listen", long_listen, &e), FL_EINVAL);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	free(long_listen);
}

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/fl-config-XXXXXX");
	int fd;
	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

static void test_config_file(void **state)
{
	struct fl_config c;
	struct fl_err e = {0};
	char *path;
	(void)state;

	fl_config_defaults(&c);
	path = write_temp(
		"# Frontline settings\n"
		"\n"
		"   threads = 16   # sixteen workers\n"
		"listen=0.0.0.0:9000\n"
		"\t# an indented comment\n"
		"sync = normal\n"
		"admin_email = boss@example.com\n");
	assert_int_equal(fl_config_load_file(&c, path, 0, &e), 0);
	assert_int_equal(c.threads, 16);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_int_equal(c.sync_full, 0);
	assert_string_equal(c.admin_email, "boss@example.com");
	unlink(path);
	free(path);

	/* an unknown key: FL_EINVAL with the line number */
	fl_config_defaults(&c);
	path = write_temp("threads = 2\ncolour = blue\nsync = normal\n");
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_config_load_file(&c, path, 0, &e), FL_EINVAL);
	assert_string_equal(e.field, "colour");
	assert_non_null(strstr(e.msg, ":2:"));
	assert_non_null(strstr(e.msg, "colour"));
	assert_int_equal(c.threads, 2);
	assert_int_equal(c.sync_full, 1); /* reading stopped at the error */
	unlink(path);
	free(path);

	/* a bad value */
	fl_config_defaults(&c);
	path = write_temp("# x\nthreads = many\n");
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_config_load_file(&c, path, 0, &e), FL_EINVAL);
	assert_string_equal(e.field, "threads");
	assert_non_null(strstr(e.msg, ":2:"));
	assert_int_equal(c.threads, default_threads());
	unlink(path);
	free(path);

	/* a line without '=' */
	path = write_temp("threads 8\n");
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_config_load_file(&c, path, 0, &e), FL_EINVAL);
	assert_non_null(strstr(e.msg, ":1:"));
	unlink(path);
	free(path);

	/* a missing file is fine only when optional */
	assert_int_equal(fl_config_load_file(&c, "/tmp/fl-no-such-config-file", 1, &e), 0);
	memset(&e, 0, sizeof e);
	assert_int_equal(fl_config_load_file(&c, "/tmp/fl-no-such-config-file", 0, &e), FL_EIO);
	assert_int_equal(e.code, FL_EIO);
}

static void test_config_env(void **state)
{
	struct fl_config c;
	struct fl_err e = {0};
	(void)state;

	fl_config_defaults(&c);
	setenv("FRONTLINE_THREADS", "12", 1);
	setenv("FRONTLINE_LOG_REQUESTS", "false", 1);
	assert_int_equal(fl_config_load_env(&c, &e), 0);
	assert_int_equal(c.threads, 12);
	assert_int_equal(c.log_requests, 0);
	setenv("FRONTLINE_SYNC", "bogus", 1);
	assert_int_equal(fl_config_load_env(&c, &e), FL_EINVAL);
	assert_string_equal(e.field, "sync");
	unsetenv("FRONTLINE_THREADS");
	unsetenv("FRONTLINE_LOG_REQUESTS");
	unsetenv("FRONTLINE_SYNC");
}

/* ---- arena -------------------------------------------------------------- */

static int order[8], norder;

static void record(void *p)
{
	order[norder++] = (int)(intptr_t)p;
}

static void free_hook(void *p)
{
	free(p);
}

static void test_arena_hooks_reverse(void **state)
{
	fl_arena a;
	(void)state;

	norder = 0;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_arena_on_free(&a, record, (void *)(intptr_t)1), 0);
	assert_int_equal(fl_arena_on_free(&a, record, (void *)(intptr_t)2), 0);
	assert_non_null(fl_arena_alloc(&a, 100));
	assert_int_equal(fl_arena_on_free(&a, record, (void *)(intptr_t)3), 0);
	/* a hook can own heap memory: ASan reports a leak if it does not run */
	assert_int_equal(fl_arena_on_free(&a, free_hook, malloc(64)), 0);
	assert_int_equal(norder, 0);
	fl_arena_free(&a);
	assert_int_equal(norder, 3);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 1);

	/* the arena can be used again, and hooks do not run twice */
	assert_non_null(fl_arena_alloc(&a, 10));
	assert_int_equal(fl_arena_on_free(&a, record, (void *)(intptr_t)4), 0);
	fl_arena_free(&a);
	assert_int_equal(norder, 4);
	assert_int_equal(order[3], 4);
	fl_arena_free(&a);
	assert_int_equal(norder, 4);
}

static void test_arena_alloc(void **state)
{
	fl_arena a;
	(void)state;

	fl_arena_init(&a, 0);
	for (size_t n = 1; n < 10000; n = n * 3 + 1) {
		unsigned char *p = fl_arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xAB, n); /* ASan checks the whole block is ours */
	}
	char *s = fl_arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	s = fl_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_null(fl_arena_strdup(&a, NULL));
	s = fl_arena_strndup(&a, NULL, 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	/* a single allocation larger than a chunk */
	unsigned char *big = fl_arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 1, 100000);
	fl_arena_free(&a);

	/* the cap */
	fl_arena_init(&a, 256);
	assert_non_null(fl_arena_alloc(&a, 128));
	assert_non_null(fl_arena_alloc(&a, 128));
	assert_null(fl_arena_alloc(&a, 1));
	fl_arena_free(&a);
	assert_non_null(fl_arena_alloc(&a, 200)); /* freed memory no longer counts */
	assert_null(fl_arena_alloc(&a, 257 - 200 + 64));
	fl_arena_free(&a);
}

/* A request for more bytes than exist must fail, not wrap around into a
 * small block that the caller then overruns. */
static fl_arena huge_arena;

static int teardown_huge(void **state)
{
	(void)state;
	fl_arena_free(&huge_arena);
	return 0;
}

static void test_arena_alloc_huge(void **state)
{
	(void)state;

	fl_arena_init(&huge_arena, 1u << 20);
	assert_null(fl_arena_alloc(&huge_arena, SIZE_MAX));
	assert_null(fl_arena_alloc(&huge_arena, SIZE_MAX - 8));
	assert_null(fl_arena_alloc(&huge_arena, (SIZE_MAX / 2) * 2));
}

/* ---- errors ------------------------------------------------------------- */

static void test_err(void **state)
{
	struct fl_err e;
	(void)state;

	assert_int_equal(fl_err_http_status(FL_OK), 200);
	assert_int_equal(fl_err_http_status(FL_EMALFORMED), 400);
	assert_int_equal(fl_err_http_status(FL_EAUTH), 401);
	assert_int_equal(fl_err_http_status(FL_EFORBIDDEN), 403);
	assert_int_equal(fl_err_http_status(FL_ENOTFOUND), 404);
	assert_int_equal(fl_err_http_status(FL_ECONFLICT), 409);
	assert_int_equal(fl_err_http_status(FL_ETOOBIG), 413);
	assert_int_equal(fl_err_http_status(FL_EINVAL), 422);
	assert_int_equal(fl_err_http_status(FL_ERATE), 429);
	assert_int_equal(fl_err_http_status(FL_EBUSY), 503);
	assert_int_equal(fl_err_http_status(FL_EIO), 503);
	/* out of memory passes: 503, as a full disk (507) and a fenced store do */
	assert_int_equal(fl_err_http_status(FL_ENOMEM), 503);
	assert_int_equal(fl_err_http_status(FL_ENOSPC), 507);
	assert_int_equal(fl_err_http_status(FL_EFENCED), 503);
	assert_int_equal(fl_err_http_status(FL_ENOTIMPL), 501);
	/* codes out of range are internal errors, not reads out of bounds */
	assert_int_equal(fl_err_http_status(5), 500);
	assert_int_equal(fl_err_http_status(-1000), 500);
	assert_int_equal(fl_err_http_status(FL_E__MIN), 500);
	assert_string_equal(fl_err_name(FL_EINVAL), "RecordInvalid");
	assert_string_equal(fl_err_name(FL_ENOTFOUND), "RecordNotFound");

	assert_int_equal(fl_err_set(NULL, FL_EINVAL, "x", "y", "z"), FL_EINVAL);
	assert_int_equal(fl_err_set(&e, FL_EINVAL, "subject", "Blank", "Subject: %s",
				    "cannot be blank"),
			 FL_EINVAL);
	assert_int_equal(e.code, FL_EINVAL);
	assert_string_equal(e.field, "subject");
	assert_string_equal(e.reason, "Blank");
	assert_string_equal(e.msg, "Subject: cannot be blank");
	fl_err_set(&e, FL_EIO, NULL, NULL, "x");
	assert_string_equal(e.field, "");
	assert_string_equal(e.reason, "");
	/* long texts are cut, never overflow */
	char *longz = repeat("f", 500);
	fl_err_set(&e, FL_EINVAL, longz, longz, "%s", longz);
	assert_int_equal(strlen(e.field), sizeof e.field - 1);
	assert_int_equal(strlen(e.reason), sizeof e.reason - 1);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
	free(longz);
}

static void test_hex(void **state)
{
	char out[9];
	(void)state;
	fl_hex(out, (const unsigned char *)"\x00\x9f\xAB\xff", 4);
	assert_string_equal(out, "009fabff");
	fl_hex(out, (const unsigned char *)"", 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i64_valid),
		cmocka_unit_test(test_i64_invalid),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_html),
		cmocka_unit_test(test_email_valid),
		cmocka_unit_test(test_email_invalid),
		cmocka_unit_test(test_email_length),
		cmocka_unit_test(test_url_base),
		cmocka_unit_test(test_time_parse_dates),
		cmocka_unit_test(test_time_parse_datetimes),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_parse_feb29_non_leap),
		cmocka_unit_test(test_time_parse_zone_optional),
		cmocka_unit_test(test_time_iso_round_trip),
		cmocka_unit_test(test_time_freeze),
		cmocka_unit_test(test_input_parse_ok),
		cmocka_unit_test(test_input_parse_errors),
		cmocka_unit_test(test_input_parse_not_object),
		cmocka_unit_test(test_input_parse_depth),
		cmocka_unit_test(test_input_parse_duplicates),
		cmocka_unit_test_setup_teardown(test_decode_types, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_decode_nulls, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_decode_type_errors, setup_arena,
						teardown_arena),
		cmocka_unit_test_setup_teardown(test_decode_lengths_in_characters, setup_arena,
						teardown_arena),
		cmocka_unit_test_setup_teardown(test_decode_array_limits, setup_arena,
						teardown_arena),
		cmocka_unit_test_setup_teardown(test_decode_enum_unknown, setup_arena,
						teardown_arena),
		cmocka_unit_test(test_input_out_of_memory),
		cmocka_unit_test(test_config_set),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_env),
		cmocka_unit_test(test_arena_hooks_reverse),
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test_teardown(test_arena_alloc_huge, teardown_huge),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
