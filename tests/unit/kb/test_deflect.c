/* Unit tests for src/kb/deflect.c's pure part: the query suggestions
 * search for, the list of articles a form says were shown, the checks of a
 * deflection and the field each refusal names, and the rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "kb/deflect.h"

static void test_query(void **state)
{
	fl_arena a;
	char *q, big[4000];

	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(fl_deflect_query("  Card  declined ", "It was\n\ndeclined\ttwice.", &a),
			    "Card declined It was declined twice.");
	/* the description's first FL_DEFLECT_QUERY_WORDS words only */
	assert_string_equal(fl_deflect_query("S", "1 2 3 4 5 6 7 8 9 10 11 12 13 14", &a),
			    "S 1 2 3 4 5 6 7 8 9 10 11 12");
	assert_string_equal(fl_deflect_query(NULL, NULL, &a), "");
	assert_string_equal(fl_deflect_query("", "   ", &a), "");
	/* at most FL_DEFLECT_QUERY_MAX characters, never a broken one */
	for (size_t i = 0; i + 2 < sizeof big; i += 2)
		memcpy(big + i, "ї", 2);
	big[sizeof big - 2] = 0;
	q = fl_deflect_query(big, "more words", &a);
	assert_true(fl_utf8_valid(q, strlen(q)));
	assert_int_equal(fl_utf8_len(q, strlen(q)), FL_DEFLECT_QUERY_MAX);
	fl_arena_free(&a);
}

static void test_shown(void **state)
{
	struct fl_deflection d = {0};

	(void)state;
	fl_deflect_shown_parse("12, 7 x 12,0,99999999999999999999999,3", &d);
	assert_int_equal(d.nshown, 3);
	assert_int_equal(d.shown[0], 12);
	assert_int_equal(d.shown[1], 7);
	assert_int_equal(d.shown[2], 3);
	fl_deflect_shown_parse("1,2,4,5,6,8", &d); /* room for FL_DEFLECT_SHOWN_MAX */
	assert_int_equal(d.nshown, FL_DEFLECT_SHOWN_MAX);
	assert_int_equal(d.shown[4], 2);
	fl_deflect_shown_parse(NULL, &d);
	assert_int_equal(d.nshown, FL_DEFLECT_SHOWN_MAX);
}

/* The words searched for: whole characters skipped, apostrophes inside a
 * word joined as the search joins them, never invalid UTF-8. */
static const char *words(const char *query, fl_arena *a)
{
	fl_buf b;
	char *out;

	fl_buf_init(&b, 1u << 16);
	assert_int_equal(fl_deflect_search_words(query, a, &b), 0);
	out = fl_arena_strdup(a, b.p ? b.p : "");
	fl_buf_free(&b);
	assert_true(fl_utf8_valid(out, strlen(out)));
	return out;
}

static void test_search_words(void **state)
{
	fl_arena a;
	char big[3000];

	(void)state;
	fl_arena_init(&a, 0);
	assert_string_equal(words("повернення коштів з’явилися", &a), "повернення коштів зявилися");
	assert_string_equal(words("повернення «коштів»", &a), "повернення коштів");
	assert_string_equal(words("refund card ©test", &a), "refund card test");
	assert_string_equal(words("м'ясо м’ясо мʼясо", &a), "мясо");
	/* an apostrophe not between letters separates; short words left out */
	assert_string_equal(words("don' ’t card’s «» — … ab", &a), "don cards");
	assert_string_equal(words("status:open \"card -declined*", &a),
			    "status open card declined");
	assert_string_equal(words("", &a), "");
	assert_string_equal(words("1 2 3 4 one two three four five six seven eight nine ten eleven",
				  &a),
			    "one two three four five six seven eight nine ten");
	/* a word the search would refuse (too long) is dropped, not the rest */
	memcpy(big, "card ", 5);
	for (size_t i = 5; i < 5 + 2 * 1200; i += 2)
		memcpy(big + i, "ї", 2);
	memcpy(big + 5 + 2 * 1200, " money", 7);
	assert_string_equal(words(big, &a), "card money");
	fl_arena_free(&a);
}

/* The token signs the locale, the ids in order and the time. */
static void test_token(void **state)
{
	const char *key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		   *key2 = "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	int64_t ids[] = {12, 7}, other[] = {7, 12};
	char tok[FL_DEFLECT_TOKEN_MAX + 1];
	struct fl_err e = {0};

	(void)state;
	fl_deflect_sign(key, "uk", ids, 2, 1000, "00112233aabbccdd", tok);
	assert_int_equal(fl_deflect_token_check(key, tok, "uk", ids, 2, 1000 + 3600, &e), 0);
	assert_int_equal(fl_deflect_token_check(key, tok, "en", ids, 2, 1000, &e), FL_EINVAL);
	assert_string_equal(e.field, "token");
	assert_int_equal(fl_deflect_token_check(key, tok, "uk", other, 2, 1000, &e), FL_EINVAL);
	assert_int_equal(fl_deflect_token_check(key, tok, "uk", ids, 1, 1000, &e), FL_EINVAL);
	assert_int_equal(fl_deflect_token_check(key2, tok, "uk", ids, 2, 1000, &e), FL_EINVAL);
	assert_int_equal(fl_deflect_token_check(key, tok, "uk", ids, 2, 1000 + 86401, &e),
			 FL_EINVAL);
	assert_string_equal(e.reason, "Expired");
	assert_int_equal(fl_deflect_token_check(key, "", "uk", ids, 2, 1000, &e), FL_EINVAL);
	assert_string_equal(e.reason, "Blank");
	assert_int_equal(fl_deflect_token_check(key, "1000.x.y", "uk", ids, 2, 1000, &e),
			 FL_EINVAL);
	tok[strlen(tok) - 1] ^= 1;
	assert_int_equal(fl_deflect_token_check(key, tok, "uk", ids, 2, 1000, &e), FL_EINVAL);
}

static void refused(const struct fl_deflection *d, const char *field)
{
	struct fl_err e = {0};
	assert_int_equal(fl_deflect_check(d, &e), FL_EINVAL);
	assert_string_equal(e.field, field);
}

static void test_check(void **state)
{
	struct fl_deflection ok = {.locale = "uk", .query = "оплата", .article_id = 4};
	struct fl_deflection d;
	struct fl_err e = {0};
	char longq[FL_DEFLECT_QUERY_MAX + 2];

	(void)state;
	assert_int_equal(fl_deflect_check(&ok, &e), 0);
	d = ok, d.locale = "de", refused(&d, "locale");
	d = ok, d.locale = NULL, refused(&d, "locale");
	d = ok, d.article_id = 0, refused(&d, "article_id");
	d = ok, d.article_id = -3, refused(&d, "article_id");
	d = ok, d.outcome = 7, refused(&d, "outcome");
	d = ok, d.channel = -1, refused(&d, "channel");
	d = ok, d.query = "\xff", refused(&d, "query");
	memset(longq, 'q', sizeof longq - 1);
	longq[sizeof longq - 1] = 0;
	d = ok, d.query = longq, refused(&d, "query");
	/* sent anyway: no article needed */
	d = ok, d.outcome = FL_DEFLECT_SUBMITTED, d.article_id = 0;
	assert_int_equal(fl_deflect_check(&d, &e), 0);
}

static void test_names_and_rate(void **state)
{
	struct fl_deflect_counts none = {0}, some = {3, 2, 1}, third = {3, 1, 2};

	(void)state;
	assert_int_equal(fl_deflect_outcome_parse("deflected"), FL_DEFLECT_DEFLECTED);
	assert_int_equal(fl_deflect_outcome_parse("Deflected"), -1);
	assert_string_equal(fl_deflect_channel_name(FL_DEFLECT_NOJS), "nojs");
	assert_null(fl_deflect_channel_name(5));
	assert_true(fl_deflect_rate(&none) < 0);
	assert_true(fl_deflect_rate(&some) == 0.667);
	assert_true(fl_deflect_rate(&third) == 0.333);
	/* every language has every sentence */
	for (const char *const *l = (const char *const[]){"en", "uk", "ru", "lt", NULL}; *l; l++) {
		const struct fl_deflect_words *w = fl_deflect_words(*l);
		assert_string_equal(w->lang, *l);
		assert_non_null(w->title);
		assert_non_null(w->solved);
		assert_non_null(w->send);
	}
	assert_string_equal(fl_deflect_words("de")->lang, "en");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),        cmocka_unit_test(test_shown),
		cmocka_unit_test(test_search_words), cmocka_unit_test(test_token),
		cmocka_unit_test(test_check),        cmocka_unit_test(test_names_and_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
