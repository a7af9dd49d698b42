/* Unit tests for src/core/log.c: the line encoder in both formats, with
 * hostile bytes (quotes, control characters, invalid UTF-8) and cut
 * lines, and the per-thread request id. Every JSON line is read back with
 * jansson, which refuses invalid JSON and invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define TIME "2026-12-07T03:23:00.123Z"

/* Renders a JSON line into buf and parses it; asserts it is one line. */
static json_t *render_json(char *buf, size_t cap, const char *msg, const struct fl_log_field *f,
			   size_t n)
{
	size_t len = fl_log_render(buf, cap, FL_LOG_JSON, TIME, "info", msg, f, n);
	json_error_t err;
	json_t *o;

	assert_true(len <= cap);
	assert_true(len > 0 && buf[len - 1] == '\n');
	assert_null(memchr(buf, '\n', len - 1));
	o = json_loadb(buf, len, 0, &err);
	if (!o)
		fail_msg("not JSON (%s): %.*s", err.text, (int)len, buf);
	assert_true(json_is_object(o));
	return o;
}

static void test_json_fields(void **state)
{
	struct fl_log_field f[] = {
		{"request_id", FL_LOG_STR, "abc-1", 0},
		{"user_id", FL_LOG_INT, NULL, 42},
		{"bytes", FL_LOG_INT, NULL, -7},
		{"duration_ms", FL_LOG_US_AS_MS, NULL, 1234567},
		{"short", FL_LOG_US_AS_MS, NULL, 5},
		{"none", FL_LOG_STR, NULL, 0},
	};
	char buf[1024];
	json_t *o;
	(void)state;

	o = render_json(buf, sizeof buf, "GET /x 200", f, 6);
	assert_string_equal(json_string_value(json_object_get(o, "time")), TIME);
	assert_string_equal(json_string_value(json_object_get(o, "level")), "info");
	assert_string_equal(json_string_value(json_object_get(o, "msg")), "GET /x 200");
	assert_string_equal(json_string_value(json_object_get(o, "request_id")), "abc-1");
	assert_int_equal(json_integer_value(json_object_get(o, "user_id")), 42);
	assert_int_equal(json_integer_value(json_object_get(o, "bytes")), -7);
	assert_true(json_real_value(json_object_get(o, "duration_ms")) == 1234.567);
	assert_true(json_real_value(json_object_get(o, "short")) == 0.005);
	assert_string_equal(json_string_value(json_object_get(o, "none")), "");
	assert_int_equal(json_object_size(o), 9);
	json_decref(o);
}

/* What a client may put in a path or a header, and what it must read as. */
static void test_json_hostile_bytes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"say \"hi\"", "say \"hi\""},
		{"back\\slash", "back\\slash"},
		{"line\nbreak\rand\ttab", "line\nbreak\rand\ttab"},
		{"\x01\x02\x1f\x7f", "\x01\x02\x1f\x7f"},
		{"\x1b[31mred", "\x1b[31mred"},
		/* valid UTF-8 stays as it is: 2, 3 and 4 bytes */
		{"\xc4\x85\xc5\xbe\xe2\x82\xac\xf0\x9f\x98\x80",
		 "\xc4\x85\xc5\xbe\xe2\x82\xac\xf0\x9f\x98\x80"},
		/* each byte that is not UTF-8 is one U+FFFD */
		{"a\377b", "a\357\277\275b"},             /* octal: ends at 3 digits */
		{"\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong NUL */
		{"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
		{"\xf4\x90\x80\x80",
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
		{"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},             /* cut short at the end */
		{"\342\202x", "\357\277\275\357\277\275x"},           /* cut short inside */
		{"\x80\xbf", "\xef\xbf\xbd\xef\xbf\xbd"},             /* lone continuations */
		{"\xf5\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\xe2\x80\xa8", "\xe2\x80\xa8"}, /* U+2028 is valid JSON text */
	};
	char buf[512];
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fl_log_field f = {"path", FL_LOG_STR, cases[i].in, 0};
		json_t *o = render_json(buf, sizeof buf, cases[i].in, &f, 1);
		const char *msg = json_string_value(json_object_get(o, "msg"));
		const char *path = json_string_value(json_object_get(o, "path"));
		if (!msg || strcmp(msg, cases[i].out) || !path || strcmp(path, cases[i].out))
			fail_msg("case %zu read back wrong", i);
		json_decref(o);
	}
}

/* A line longer than the buffer is cut inside a value, between whole
 * characters, and is still one JSON object. */
static void test_json_cut(void **state)
{
	char msg[3000], buf[4096];
	struct fl_log_field f[] = {
		{"request_id", FL_LOG_STR, "r1", 0},
		{"status", FL_LOG_INT, NULL, 200},
	};
	(void)state;

	for (size_t i = 0; i < sizeof msg - 1; i++)
		msg[i] = "\"\x01\xc4\x85x"[i % 5];
	msg[sizeof msg - 1] = 0;
	for (size_t cap = 64; cap <= 4096; cap += 37) {
		json_t *o = render_json(buf, cap, msg, f, 2);
		const char *got = json_string_value(json_object_get(o, "msg"));
		assert_non_null(got);
		assert_true(strlen(got) < strlen(msg));
		assert_memory_equal(got, msg, strlen(got));
		json_decref(o);
	}
	/* with room, nothing is cut */
	json_t *o = render_json(buf, sizeof buf, "short", f, 2);
	assert_string_equal(json_string_value(json_object_get(o, "request_id")), "r1");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 200);
	json_decref(o);
}

/* Random bytes anywhere, any buffer size: always one valid JSON line. */
static void test_json_random(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	char text[3][300], buf[2048];
	(void)state;

	for (int round = 0; round < 20000; round++) {
		struct fl_log_field f[3];
		size_t cap = 64 + (size_t)(x % (sizeof buf - 64));
		for (int k = 0; k < 3; k++) {
			size_t n = (size_t)((x >> 8) % (sizeof text[k] - 1));
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				text[k][i] = (char)(x % 255 + 1);
			}
			text[k][n] = 0;
		}
		f[0] = (struct fl_log_field){"a", FL_LOG_STR, text[1], 0};
		f[1] = (struct fl_log_field){"b", FL_LOG_INT, NULL, (int64_t)x};
		f[2] = (struct fl_log_field){"c", FL_LOG_STR, text[2], 0};
		json_decref(render_json(buf, cap, text[0], f, 3));
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	}
}

static void test_text_format(void **state)
{
	struct fl_log_field f[] = {
		{"request_id", FL_LOG_STR, "abc", 0},
		{"route", FL_LOG_STR, "/api/v2/tickets/{id}", 0},
		{"agent", FL_LOG_STR, "curl \"7\"", 0},
		{"empty", FL_LOG_STR, "", 0},
		{"user_id", FL_LOG_INT, NULL, 3},
		{"duration_ms", FL_LOG_US_AS_MS, NULL, 1500},
	};
	char buf[512];
	size_t len;
	(void)state;

	len = fl_log_render(buf, sizeof buf, FL_LOG_TEXT, "2026-12-07T03:23:00Z", "warn",
			    "GET /a\nb\x1b 404", f, 6);
	assert_true(len < sizeof buf);
	buf[len] = 0;
	assert_string_equal(buf,
			    "2026-12-07T03:23:00Z warn GET /a?b? 404 request_id=abc "
			    "route=/api/v2/tickets/{id} agent=\"curl \\\"7\\\"\" empty=\"\" "
			    "user_id=3 duration_ms=1.500\n");
	/* cut to fit, still one line */
	len = fl_log_render(buf, 64, FL_LOG_TEXT, "2026-12-07T03:23:00Z", "warn",
			    "a long message that goes on and on and on and on", f, 6);
	assert_true(len <= 64);
	assert_true(buf[len - 1] == '\n');
	assert_null(memchr(buf, '\n', len - 1));
}

static void *other_thread(void *arg)
{
	(void)arg;
	return (void *)fl_log_request();
}

/* The request id is the calling thread's own, and setting it returns the
 * one before, to put back. */
static void test_request_context(void **state)
{
	static const char id[] = "req-1";
	pthread_t t;
	void *seen = (void *)1;
	(void)state;

	assert_null(fl_log_request());
	assert_null(fl_log_set_request(id));
	assert_ptr_equal(fl_log_request(), id);
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &seen), 0);
	assert_null(seen);
	assert_ptr_equal(fl_log_set_request("req-2"), id);
	assert_string_equal(fl_log_set_request(NULL), "req-2");
	assert_null(fl_log_request());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_fields), cmocka_unit_test(test_json_hostile_bytes),
		cmocka_unit_test(test_json_cut),    cmocka_unit_test(test_json_random),
		cmocka_unit_test(test_text_format), cmocka_unit_test(test_request_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
