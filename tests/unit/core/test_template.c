/* The template language (core/template.h): its grammar, escaping, the
 * one-pass rule, its limits, and errors that say where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/template.h"

/* Values by name; a lookup also counts its calls, to show which names a
 * render needed. */
struct vals {
	const char *const (*kv)[2];
	int calls;
};

static const char *const kv[][2] = {
	{"ticket.id", "42"},
	{"ticket.title", "Refund <b>now</b> & \"fast\""},
	{"ticket.requester.first_name", "Olena"},
	{"evil", "{{ticket.id}} {{#yes}}x{{/yes}} {{{ticket.title}}}"},
	{"inject", "\",\"admin\":true,\"x\":\""},
	{"broken",
	 "a\xc0\xaf"
	 "b\xff \xd0\x9e"},
	{"yes", "1"},
	{"no", "0"},
	{"off", "false"},
	{"empty", ""},
	{"json", "say \"hi\" \\ then\n\x01 \xd0\x9e"},
	{"big", NULL}, /* filled by test_limits */
	{NULL, NULL},
};

static int lookup(void *arg, const char *name, size_t n, const char **v)
{
	struct vals *s = arg;
	s->calls++;
	for (size_t i = 0; s->kv[i][0]; i++)
		if (strlen(s->kv[i][0]) == n && !memcmp(s->kv[i][0], name, n)) {
			*v = s->kv[i][1];
			return 0;
		}
	return 0;
}

static int only_ticket(void *arg, const char *name, size_t n)
{
	(void)arg;
	return n > 7 && !memcmp(name, "ticket.", 7);
}

static char *render(const char *tpl, int html, fl_arena *a, struct fl_err *e, int *rc)
{
	struct vals s = {kv, 0};
	char *out = NULL;
	*rc = fl_template_render(tpl, html, lookup, &s, a, &out, e);
	return out;
}

static const char *ok(const char *tpl, int html, fl_arena *a)
{
	struct fl_err e = {0};
	int rc;
	char *out = render(tpl, html, a, &e, &rc);
	if (rc)
		fprintf(stderr, "%s: %s\n", tpl, e.msg);
	assert_int_equal(rc, 0);
	return out;
}

static void test_variables_and_text(void **state)
{
	fl_arena a;
	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(ok("Hello {{ticket.requester.first_name}}, #{{ ticket.id }}.", 0, &a),
			    "Hello Olena, #42.");
	assert_string_equal(ok("no tags at all", 0, &a), "no tags at all");
	assert_string_equal(ok("", 0, &a), "");
	assert_string_equal(ok("[{{missing}}]", 0, &a), "[]");
	assert_string_equal(ok("a { b } c {x} }}", 0, &a), "a { b } c {x} }}");
	assert_string_equal(ok("x{{! a comment, { and } too }}y", 0, &a), "xy");
	/* a comment ends at its first "}}", as in Mustache */
	assert_string_equal(ok("x{{! {{ticket.id}} }}y", 0, &a), "x }}y");
	fl_arena_free(&a);
}

/* HTML escapes values (not the author's text) unless triple or &; plain
 * text leaves them as they are. */
static void test_escaping(void **state)
{
	fl_arena a;
	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(ok("<p>{{ticket.title}}</p>", 1, &a),
			    "<p>Refund &lt;b&gt;now&lt;/b&gt; &amp; &quot;fast&quot;</p>");
	assert_string_equal(ok("{{{ticket.title}}}|{{& ticket.title}}", 1, &a),
			    "Refund <b>now</b> & \"fast\"|Refund <b>now</b> & \"fast\"");
	assert_string_equal(ok("<p>{{ticket.title}}</p>", 0, &a),
			    "<p>Refund <b>now</b> & \"fast\"</p>");
	/* a webhook's body: a value stays inside the JSON string its author
	 * opened, UTF-8 as it is; the author's own text is never touched */
	assert_string_equal(ok("{\"t\": \"{{json}}\", \"<\": \"{{ticket.title}}\"}",
			       FL_TEMPLATE_JSON, &a),
			    "{\"t\": \"say \\\"hi\\\" \\\\ then\\u000a\\u0001 \xd0\x9e\", "
			    "\"<\": \"Refund <b>now</b> & \\\"fast\\\"\"}");
	/* in JSON every value is escaped, triple or not: a customer's subject
	 * cannot close the author's string and add keys of its own */
	assert_string_equal(ok("{\"t\": \"{{{inject}}}\", \"u\": \"{{& inject}}\"}",
			       FL_TEMPLATE_JSON, &a),
			    "{\"t\": \"\\\",\\\"admin\\\":true,\\\"x\\\":\\\"\", "
			    "\"u\": \"\\\",\\\"admin\\\":true,\\\"x\\\":\\\"\"}");
	assert_string_equal(ok("{{{json}}}", FL_TEMPLATE_JSON, &a),
			    "say \\\"hi\\\" \\\\ then\\u000a\\u0001 \xd0\x9e");
	/* bytes that are not UTF-8 (JSON cannot hold them) become U+FFFD */
	assert_string_equal(ok("\"{{broken}}\"", FL_TEMPLATE_JSON, &a),
			    "\"a\xef\xbf\xbd\xef\xbf\xbd"
			    "b\xef\xbf\xbd \xd0\x9e\"");
	fl_arena_free(&a);
}

static void test_sections(void **state)
{
	fl_arena a;
	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(ok("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#off}}F{{/off}}"
			       "{{#empty}}E{{/empty}}{{#missing}}M{{/missing}}",
			       0, &a),
			    "Y");
	assert_string_equal(ok("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^off}}F{{/off}}"
			       "{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}",
			       0, &a),
			    "NFEM");
	assert_string_equal(ok("{{#yes}}a{{#no}}b{{/no}}{{^no}}c{{#yes}}d{{/yes}}{{/no}}e{{/yes}}",
			       0, &a),
			    "acde");
	/* a hidden section's names are not looked up */
	{
		struct vals s = {kv, 0};
		char *out;
		assert_int_equal(fl_template_render("{{#no}}{{ticket.id}}{{ticket.title}}{{/no}}",
						    0, lookup, &s, &a, &out, NULL),
				 0);
		assert_string_equal(out, "");
		assert_int_equal(s.calls, 1);
	}
	fl_arena_free(&a);
}

/* One pass: a value that holds tags comes out as its characters. */
static void test_one_pass(void **state)
{
	fl_arena a;
	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(ok("[{{evil}}]", 0, &a),
			    "[{{ticket.id}} {{#yes}}x{{/yes}} {{{ticket.title}}}]");
	assert_string_equal(ok("[{{evil}}]", 1, &a),
			    "[{{ticket.id}} {{#yes}}x{{/yes}} {{{ticket.title}}}]");
	fl_arena_free(&a);
}

static void expect_error(const char *tpl, const char *msg)
{
	struct fl_err e = {0};
	int rc = fl_template_check(tpl, only_ticket, NULL, "actions", &e);
	assert_int_equal(rc, FL_EINVAL);
	assert_int_equal(e.code, FL_EINVAL);
	assert_string_equal(e.field, "actions");
	if (strcmp(e.msg, msg))
		fprintf(stderr, "want: %s\ngot:  %s\n", msg, e.msg);
	assert_string_equal(e.msg, msg);
}

static void test_errors_say_where(void **state)
{
	(void)state;
	assert_int_equal(fl_template_check("Hi {{ticket.id}} {{#ticket.x}}a{{/ticket.x}}",
					   only_ticket, NULL, "f", NULL),
			 0);
	expect_error("Hi {{ticket.id", "actions: a tag that is not closed at byte 3");
	expect_error("Hi {{{ticket.id}}", "actions: a tag that is not closed at byte 3");
	expect_error("ab{{}}", "actions: an empty tag at byte 2");
	expect_error("ab{{ }}", "actions: an empty tag at byte 2");
	expect_error("{{ticket id}}", "actions: a tag that is not a name at byte 0");
	expect_error("{{ticket..id}}", "actions: a tag that is not a name at byte 0");
	expect_error("{{.}}", "actions: a tag that is not a name at byte 0");
	expect_error("{{>partial}}", "actions: a tag that is not a name at byte 0");
	expect_error("{{=<% %>=}}", "actions: a tag that is not a name at byte 0");
	expect_error("Dear {{satisfaction.rating_url}}",
		     "actions: unknown placeholder {{satisfaction.rating_url}} at byte 5");
	expect_error("{{#ticket.a}}x", "actions: section {{#ticket.a}} is not closed at byte 0");
	expect_error("x{{/ticket.a}}", "actions: {{/ticket.a}} closes no open section at byte 1");
	expect_error("{{#ticket.a}}{{#ticket.b}}{{/ticket.a}}{{/ticket.b}}",
		     "actions: {{/ticket.a}} closes no open section at byte 26");
	/* a render of a template that does not parse says so too */
	{
		fl_arena a;
		struct fl_err e = {0};
		int rc;
		fl_arena_init(&a, 0);
		render("ok {{#yes}}", 0, &a, &e, &rc);
		assert_int_equal(rc, FL_EINVAL);
		assert_string_equal(e.field, "template");
		assert_string_equal(e.msg, "template: section {{#yes}} is not closed at byte 3");
		fl_arena_free(&a);
	}
}

static void test_limits(void **state)
{
	fl_arena a;
	struct fl_err e = {0};
	char *tpl, *out = NULL;
	size_t n;
	int rc;
	(void)state;
	fl_arena_init(&a, 0);

	/* depth: 8 nested sections are fine, a ninth is refused */
	{
		char deep[512] = "", tail[512] = "";
		for (int i = 0; i < FL_TEMPLATE_DEPTH; i++) {
			size_t k = strlen(deep);
			snprintf(deep + k, sizeof deep - k, "{{#yes}}");
			k = strlen(tail);
			snprintf(tail + k, sizeof tail - k, "{{/yes}}");
		}
		n = strlen(deep);
		snprintf(deep + n, sizeof deep - n, "in%s", tail);
		assert_string_equal(ok(deep, 0, &a), "in");
		assert_int_equal(
			fl_template_check("{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
					  "{{#a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}"
					  "{{/a}}{{/a}}",
					  NULL, NULL, "t", &e),
			FL_EINVAL);
		assert_string_equal(e.msg, "t: sections nested over 8 deep at byte 48");
	}
	/* a tag over FL_TEMPLATE_TAG_MAX bytes */
	tpl = malloc(FL_TEMPLATE_TAG_MAX + 16);
	assert_non_null(tpl);
	memset(tpl, 'a', FL_TEMPLATE_TAG_MAX + 16);
	memcpy(tpl, "x{{", 3);
	memcpy(tpl + FL_TEMPLATE_TAG_MAX + 6, "}}", 3);
	assert_int_equal(fl_template_check(tpl, NULL, NULL, "t", &e), FL_EINVAL);
	assert_string_equal(e.msg, "t: a tag over 128 bytes at byte 1");
	free(tpl);
	/* a template over FL_TEMPLATE_MAX */
	tpl = malloc(FL_TEMPLATE_MAX + 2);
	assert_non_null(tpl);
	memset(tpl, 'x', FL_TEMPLATE_MAX + 1);
	tpl[FL_TEMPLATE_MAX + 1] = 0;
	assert_int_equal(fl_template_check(tpl, NULL, NULL, "t", &e), FL_EINVAL);
	assert_string_equal(e.reason, "TooLong");
	tpl[FL_TEMPLATE_MAX] = 0;
	assert_int_equal(fl_template_check(tpl, NULL, NULL, "t", &e), 0);
	free(tpl);
	/* an output over FL_TEMPLATE_OUTPUT_MAX: 64 KiB of a value 20 times */
	{
		static const char *big[][2] = {{"v", NULL}, {NULL, NULL}};
		struct vals s = {big, 0};
		char *v = malloc(64 * 1024 + 1);
		assert_non_null(v);
		memset(v, 'v', 64 * 1024);
		v[64 * 1024] = 0;
		big[0][1] = v;
		tpl = malloc(20 * 5 + 1);
		assert_non_null(tpl);
		tpl[0] = 0;
		for (int i = 0; i < 20; i++)
			memcpy(tpl + i * 5, "{{v}}", 6);
		rc = fl_template_render(tpl, 0, lookup, &s, &a, &out, &e);
		assert_int_equal(rc, FL_ETOOBIG);
		assert_string_equal(e.field, "template");
		tpl[15 * 5] = 0;
		assert_int_equal(fl_template_render(tpl, 0, lookup, &s, &a, &out, &e), 0);
		assert_int_equal(strlen(out), 15 * 64 * 1024);
		free(tpl);
		free(v);
	}
	fl_arena_free(&a);
}

/* A lookup's error stops the render and is what it returns. */
static int failing(void *arg, const char *name, size_t n, const char **v)
{
	(void)arg, (void)name, (void)n, (void)v;
	return FL_EIO;
}

static void test_lookup_error(void **state)
{
	fl_arena a;
	char *out = NULL;
	(void)state;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_template_render("a{{x}}", 0, failing, NULL, &a, &out, NULL), FL_EIO);
	assert_null(out);
	assert_int_equal(fl_template_render("plain", 0, failing, NULL, &a, &out, NULL), 0);
	assert_string_equal(out, "plain");
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variables_and_text), cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_sections),           cmocka_unit_test(test_one_pass),
		cmocka_unit_test(test_errors_say_where),   cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lookup_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
