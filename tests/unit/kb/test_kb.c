/* Unit tests for src/kb/kb.c and markdown.c: slugs, labels, the checks of
 * what is written and the field each refusal names, rendering (Markdown
 * and HTML made safe), and the line diff of revisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "users/user.h"

static void test_slugify(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(fl_kb_slugify("How to pay by card?", &a), "how-to-pay-by-card");
	/* letters of any script kept and lower-cased */
	assert_string_equal(fl_kb_slugify("Як повернути ЗАМОВЛЕННЯ", &a),
			    "як-повернути-замовлення");
	assert_string_equal(fl_kb_slugify("Sąskaita faktūra — PVM", &a), "sąskaita-faktūra-pvm");
	assert_string_equal(fl_kb_slugify("  --Hello,   world!!  ", &a), "hello-world");
	assert_string_equal(fl_kb_slugify("<script>alert(1)</script>", &a),
			    "script-alert-1-script");
	/* nothing left: a fixed word; invalid UTF-8 a separator */
	assert_string_equal(fl_kb_slugify("?!…", &a), "article");
	assert_string_equal(fl_kb_slugify("", &a), "article");
	assert_string_equal(fl_kb_slugify("a\xff\xfe"
					  "b",
					  &a),
			    "a-b");
	/* long titles cut at a character boundary, never past the limit */
	{
		char t[1000];
		char *s;
		for (int i = 0; i < 499; i++)
			memcpy(t + 2 * i, "ж", 2);
		t[998] = 0;
		s = fl_kb_slugify(t, &a);
		assert_true(strlen(s) <= FL_KB_SLUG_MAX);
		assert_int_equal(strlen(s) % 2, 0);
	}
	fl_arena_free(&a);
}

static void test_slug_check(void **state)
{
	struct fl_err e = {0};

	(void)state;
	assert_int_equal(fl_kb_slug_check("pay-by-card", &e), 0);
	assert_int_equal(fl_kb_slug_check("оплата-карткою-2", &e), 0);
	const char *bad[] = {"", "-a", "a-", "a--b", "A", "a b", "a/b", "a?b", "../x", "<x>"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e = (struct fl_err){0};
		assert_int_equal(fl_kb_slug_check(bad[i], &e), FL_EINVAL);
		assert_string_equal(e.field, "slug");
	}
}

static void test_labels(void **state)
{
	fl_arena a;
	struct fl_err e = {0};
	char *joined, **names;
	size_t n;
	const char *in[] = {" payment ", "card", "payment", "оплата"};
	const char *comma[] = {"a,b"};
	const char *blank[] = {"  "};
	const char *many[FL_KB_LABELS_MAX + 1];

	(void)state;
	fl_arena_init(&a, 0);
	assert_int_equal(fl_kb_labels_join(in, 4, &a, &joined, &e), 0);
	assert_string_equal(joined, "payment,card,оплата");
	assert_int_equal(fl_kb_labels_split(joined, &a, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[2], "оплата");
	assert_int_equal(fl_kb_labels_join(comma, 1, &a, &joined, &e), FL_EINVAL);
	assert_string_equal(e.field, "label_names");
	assert_int_equal(fl_kb_labels_join(blank, 1, &a, &joined, &e), FL_EINVAL);
	for (size_t i = 0; i < FL_KB_LABELS_MAX + 1; i++)
		many[i] = "x";
	assert_int_equal(fl_kb_labels_join(many, FL_KB_LABELS_MAX + 1, &a, &joined, &e), FL_EINVAL);
	fl_arena_free(&a);
}

static void test_translation_check(void **state)
{
	struct fl_err e = {0};
	struct fl_kb_translation t = {.locale = "uk", .title = "Оплата", .body_md = "# Hi"};
	char *huge = malloc(FL_KB_BODY_MAX + 2);

	(void)state;
	assert_int_equal(fl_kb_translation_check(&t, &e), 0);
	t.locale = "de";
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "locale");
	t.locale = "en";
	t.title = "";
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "title");
	t.title =
		"a\x01"
		"b";
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "title");
	t.title = "Fine";
	memset(huge, '#', FL_KB_BODY_MAX + 1);
	huge[FL_KB_BODY_MAX + 1] = 0;
	t.body_md = huge;
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "body_markdown");
	t.body_md = NULL;
	t.body_html = huge;
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "body");
	huge[FL_KB_BODY_MAX] = 0; /* exactly the limit: taken */
	assert_int_equal(fl_kb_translation_check(&t, &e), 0);
	t.body_html = NULL;
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "body");
	t.body_md = "x";
	t.slug = "Bad Slug";
	assert_int_equal(fl_kb_translation_check(&t, &e), FL_EINVAL);
	assert_string_equal(e.field, "slug");
	free(huge);
}

static void test_article_check(void **state)
{
	struct fl_err e = {0};
	struct fl_kb_article a = {.visibility = FL_KB_AGENTS, .source_locale = "lt"};

	(void)state;
	assert_int_equal(fl_kb_article_check(&a, &e), 0);
	a.position = -1;
	assert_int_equal(fl_kb_article_check(&a, &e), FL_EINVAL);
	assert_string_equal(e.field, "position");
	a.position = 0;
	a.visibility = 7;
	assert_int_equal(fl_kb_article_check(&a, &e), FL_EINVAL);
	assert_string_equal(e.field, "visibility");
	assert_int_equal(fl_kb_visibility_parse("signed_in"), FL_KB_SIGNED_IN);
	assert_int_equal(fl_kb_visibility_parse("everyone"), -1);
}

static void test_visibility(void **state)
{
	struct fl_actor anon = {0, FL_ROLE_ANONYMOUS, 0}, customer = {5, FL_ROLE_END_USER, 0},
			agent = {6, FL_ROLE_AGENT, 0};
	struct fl_kb_article pub = {.visibility = FL_KB_PUBLIC},
			     signed_in = {.visibility = FL_KB_SIGNED_IN},
			     internal = {.visibility = FL_KB_AGENTS},
			     archived = {.visibility = FL_KB_PUBLIC, .archived_at = 1};
	struct fl_kb_translation draft = {.draft = 1}, published = {.draft = 0};
	int la = fl_kb_reader_level(&anon), lc = fl_kb_reader_level(&customer),
	    lg = fl_kb_reader_level(&agent);

	(void)state;
	assert_true(fl_kb_visible(la, &pub, &published));
	assert_false(fl_kb_visible(la, &pub, &draft));
	assert_false(fl_kb_visible(la, &signed_in, &published));
	assert_true(fl_kb_visible(lc, &signed_in, &published));
	assert_false(fl_kb_visible(lc, &internal, &published));
	assert_false(fl_kb_visible(lc, &archived, &published));
	assert_true(fl_kb_visible(lg, &internal, &draft));
	assert_int_equal(fl_kb_reader_level(NULL), FL_KB_PUBLIC);
}

/* body rendered as an article is: Markdown or HTML through the sanitizer */
static char *render_md(fl_arena *a, const char *md)
{
	struct fl_kb_translation t = {.locale = "en", .title = "t", .body_md = (char *)md};
	struct fl_err e = {0};
	assert_int_equal(fl_kb_render(&t, a, &e), 0);
	return t.body_html;
}

static char *render_html(fl_arena *a, const char *html)
{
	struct fl_kb_translation t = {.locale = "en", .title = "t", .body_html = (char *)html};
	struct fl_err e = {0};
	assert_int_equal(fl_kb_render(&t, a, &e), 0);
	return t.body_html;
}

static void test_render(void **state)
{
	fl_arena a;
	char *h;

	(void)state;
	fl_arena_init(&a, 0);
	h = render_md(
		&a, "# Title\n\nSome **bold** and ~~gone~~.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
	assert_non_null(strstr(h, "<h1>Title</h1>"));
	assert_non_null(strstr(h, "<strong>bold</strong>"));
	assert_non_null(strstr(h, "<del>gone</del>"));
	assert_non_null(strstr(h, "<table>"));
	/* raw HTML in Markdown is text, never markup */
	h = render_md(&a, "Hello <script>alert(1)</script> <img src=x onerror=alert(2)>");
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_non_null(strstr(h, "&lt;script&gt;"));
	/* links: javascript: dropped, relative kept in the same tab, external in a new one */
	h = render_md(&a, "[x](javascript:alert(1)) [y](/hc/en/articles/2) [z](https://ex.com)");
	assert_null(strstr(h, "javascript"));
	assert_non_null(strstr(h, "<a href=\"/hc/en/articles/2\">y</a>"));
	assert_non_null(strstr(h,
			       "href=\"https://ex.com\" rel=\"noopener noreferrer nofollow\" "
			       "target=\"_blank\""));
	/* images: https and our attachments; not http, data: or cid: */
	h = render_md(&a,
		      "![a](https://ex.com/a.png) ![b](/hc/article_attachments/7) "
		      "![c](http://ex.com/c.png) ![d](data:image/png;base64,AA) ![e](cid:x)");
	assert_non_null(strstr(h, "src=\"https://ex.com/a.png\""));
	assert_non_null(strstr(h, "src=\"/hc/article_attachments/7\""));
	assert_null(strstr(h, "http://ex.com/c.png"));
	assert_null(strstr(h, "data:"));
	assert_null(strstr(h, "cid:"));
	/* HTML bodies (Zendesk's "body") sanitized the same way */
	h = render_html(
		&a,
		"<p onclick=\"x()\">Hi<script>bad()</script></p>"
		"<a href=\"//evil.com\">e</a><a href=\"/\\evil.com\">f</a>"
		"<a href=\"java\tscript:alert(1)\">g</a><iframe src=\"https://x\"></iframe>");
	assert_null(strstr(h, "onclick"));
	assert_null(strstr(h, "bad()"));
	assert_null(strstr(h, "iframe"));
	assert_null(strstr(h, "script:"));
	assert_null(strstr(h, "\\evil"));
	assert_null(strstr(h, "evil.com")); /* another site without a scheme: dropped */
	fl_arena_free(&a);
}

/* Broken and hostile Markdown renders (as something), never crashes. */
static void test_render_hostile(void **state)
{
	fl_arena a;
	size_t n = 200000;
	char *deep = malloc(2 * n + 8);
	char *h;

	(void)state;
	fl_arena_init(&a, 0);
	/* 200k nested quotes: md4c copes, and the HTML is too big to show: a
	 * 422 naming the field, not a crash */
	memset(deep, '>', n);
	memcpy(deep + n, " x", 3);
	{
		struct fl_kb_translation t = {.locale = "en", .title = "t", .body_md = deep};
		struct fl_err e = {0};
		assert_int_equal(fl_kb_render(&t, &a, &e), FL_EINVAL);
		assert_string_equal(e.field, "body_markdown");
	}
	/* 20k of them render, the depth past the sanitizer's cut dropped */
	deep[20000] = 0;
	h = render_md(&a, deep);
	assert_non_null(strstr(h, "<blockquote>"));
	for (size_t i = 0; i < n; i++)
		memcpy(deep + 2 * i, "- ", 2);
	memcpy(deep + 2 * n, "x", 2);
	assert_int_equal(fl_markdown_html(deep, strlen(deep), 64u << 20, &a, &h), 0);
	for (size_t i = 0; i < n; i++)
		deep[i] = i % 2 ? '[' : '*';
	deep[n] = 0;
	assert_non_null(render_md(&a, deep));
	assert_non_null(render_md(&a, "``` unterminated\n<b>x\n| a |\n|--|\n* [ ] ]("));
	free(deep);
	fl_arena_free(&a);
}

static void expect_diff(const char *from, const char *to, const char *want)
{
	fl_arena a;
	struct fl_kb_diff_line *d;
	size_t n;
	char got[512] = "";

	fl_arena_init(&a, 0);
	assert_int_equal(fl_kb_diff(from, to, &a, &d, &n), 0);
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(got);
		snprintf(got + k, sizeof got - k, "%c%s|", d[i].op, d[i].text);
	}
	assert_string_equal(got, want);
	fl_arena_free(&a);
}

static void test_diff(void **state)
{
	(void)state;
	expect_diff("a\nb\nc\n", "a\nb\nc\n", " a| b| c|");
	expect_diff("a\nb\nc", "a\nx\nc", " a|-b|+x| c|");
	expect_diff("", "new\nlines", "+new|+lines|");
	expect_diff("gone", "", "-gone|");
	expect_diff("a\nb\nc\nd", "b\nc\nd\ne", "-a| b| c| d|+e|");
	expect_diff("x\r\ny", "x\ny", " x| y|");
	expect_diff("1\n2\n3\n4", "1\n3\n2\n4", " 1|-2| 3|+2| 4|");
}

/* Past a million compared pairs the middle is shown removed then added:
 * the diff stays whole and quick. */
static void test_diff_large(void **state)
{
	fl_arena a;
	struct fl_kb_diff_line *d;
	size_t n, lines = 3000, minus = 0, plus = 0;
	char *x = malloc(lines * 8 + 1), *y = malloc(lines * 8 + 1);

	(void)state;
	fl_arena_init(&a, 0);
	for (size_t i = 0, kx = 0, ky = 0; i < lines; i++) {
		kx += (size_t)snprintf(x + kx, lines * 8 + 1 - kx, "x%zu\n", i);
		ky += (size_t)snprintf(y + ky, lines * 8 + 1 - ky, "y%zu\n", i);
	}
	assert_int_equal(fl_kb_diff(x, y, &a, &d, &n), 0);
	for (size_t i = 0; i < n; i++)
		minus += d[i].op == '-', plus += d[i].op == '+';
	assert_int_equal(minus, lines);
	assert_int_equal(plus, lines);
	free(x);
	free(y);
	fl_arena_free(&a);
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(fl_kb_edit_distance("оплата", "оплата", 2), 0);
	assert_int_equal(fl_kb_edit_distance("оплта", "оплата", 2), 1);
	assert_int_equal(fl_kb_edit_distance("доствка", "доставка", 2), 1);
	assert_int_equal(fl_kb_edit_distance("sąskaita", "saskaita", 2),
			 1); /* a letter, not a byte */
	assert_int_equal(fl_kb_edit_distance("refnud", "refund", 2), 2);
	assert_int_equal(fl_kb_edit_distance("cat", "dog", 1), 2); /* over max: max + 1 */
	assert_int_equal(fl_kb_edit_distance("a", "abcdef", 2), 3);
	assert_int_equal(fl_kb_edit_distance("", "ab", 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slugify),       cmocka_unit_test(test_slug_check),
		cmocka_unit_test(test_labels),        cmocka_unit_test(test_translation_check),
		cmocka_unit_test(test_article_check), cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_render),        cmocka_unit_test(test_render_hostile),
		cmocka_unit_test(test_diff),          cmocka_unit_test(test_diff_large),
		cmocka_unit_test(test_edit_distance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
