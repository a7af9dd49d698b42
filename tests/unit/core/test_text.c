/* Unit tests for src/core/text.c: the analysis of text into search terms
 * that every search index uses on both backends (docs/search.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/text.h"
#include "unit.h"

/* The terms of a text as "word +stem +stem | word …". */
struct seen {
	char s[4096];
	size_t n;
	size_t last_end;
};

static int collect(void *ctx, const char *term, size_t len, int colocated, size_t pos, size_t start,
		   size_t end)
{
	struct seen *w = ctx;
	(void)pos;
	assert_true(len > 0 && len <= FL_TEXT_TERM_MAX);
	assert_true(fl_utf8_valid(term, len));
	assert_true(start < end);
	w->n += (size_t)snprintf(w->s + w->n, sizeof w->s - w->n, "%s%s%.*s",
				 w->n ? (colocated ? " +" : " | ") : "", "", (int)len, term);
	w->last_end = end;
	return 0;
}

static const char *terms(const char *text, unsigned flags)
{
	static struct seen w;
	memset(&w, 0, sizeof w);
	assert_int_equal(fl_text_terms(text, strlen(text), flags, collect, &w), 0);
	return w.s;
}

/* Whether text gives term at some position (as word or stem). */
static int has_term(const char *text, const char *term)
{
	char pat[256];
	const char *t = terms(text, 0);
	size_t n = strlen(term);
	for (const char *p = t; (p = strstr(p, term)); p += n) {
		int starts = p == t || p[-1] == ' ' || p[-1] == '+';
		if (starts && (p[n] == 0 || p[n] == ' '))
			return 1;
	}
	(void)pat;
	return 0;
}

/* Whether two texts share a term: the query a finds the document b. The
 * word "і" that tests put before a word to make it Ukrainian is no match. */
static int share(const char *a, const char *b)
{
	char ta[4096], *save = NULL;
	snprintf(ta, sizeof ta, "%s", terms(a, 0));
	for (char *tok = strtok_r(ta, " |+", &save); tok; tok = strtok_r(NULL, " |+", &save))
		if (strcmp(tok, "і") && has_term(b, tok)) /* "і" marks a text Ukrainian */
			return 1;
	return 0;
}

static void test_text_words(void **state)
{
	(void)state;
	assert_string_equal(terms("Hello, WORLD! 42x — да", FL_TEXT_PREFIX),
			    "hello | world | 42x | да");
	assert_string_equal(terms("", 0), "");
	assert_string_equal(terms(" ,.!? — ", 0), "");
	/* hyphens, slashes and e-mail signs separate */
	assert_string_equal(terms("e-mail a/b x@y.lt", FL_TEXT_PREFIX),
			    "e | mail | a | b | x | y | lt");
}

static int offsets(void *ctx, const char *term, size_t len, int colocated, size_t pos, size_t start,
		   size_t end)
{
	size_t *o = ctx;
	(void)term, (void)len;
	if (!colocated) {
		o[pos * 2] = start;
		o[pos * 2 + 1] = end;
	}
	return 0;
}

static void test_text_offsets(void **state)
{
	const char *t = "Ми «повернули» гроші";
	size_t o[6] = {0};
	(void)state;
	assert_int_equal(fl_text_terms(t, strlen(t), 0, offsets, o), 0);
	assert_int_equal(o[0], 0);
	assert_int_equal(o[1], strlen("Ми"));
	assert_memory_equal(t + o[2], "повернули", o[3] - o[2]);
	assert_memory_equal(t + o[4], "гроші", o[5] - o[4]);
	assert_int_equal(o[5], strlen(t));
}

static void test_text_apostrophes(void **state)
{
	(void)state;
	assert_string_equal(terms("м’ясо", FL_TEXT_PREFIX), "мясо");
	assert_string_equal(terms("м'ясо", FL_TEXT_PREFIX), "мясо");
	assert_string_equal(terms("мʼясо", FL_TEXT_PREFIX), "мясо");
	assert_string_equal(terms("don't O’Brien", FL_TEXT_PREFIX), "dont | obrien");
	/* not between two letters: a separator */
	assert_string_equal(terms("'quoted' rock 'n' 1'2", FL_TEXT_PREFIX),
			    "quoted | rock | n | 1 | 2");
	assert_string_equal(terms("ab'", FL_TEXT_PREFIX), "ab");
	assert_true(share("м’ясо", "мясо"));
}

static void test_text_folding(void **state)
{
	char out[FL_TEXT_TERM_MAX + 1];
	(void)state;
	assert_string_equal(terms("Ąžuolas ŠALTIS", FL_TEXT_PREFIX), "azuolas | saltis");
	assert_string_equal(terms("Йогурт Їжак Ёлка Ґанок", FL_TEXT_PREFIX),
			    "иогурт | іжак | елка | ґанок");
	/* decomposed input: и + U+0306 is й */
	assert_string_equal(terms("йод", FL_TEXT_PREFIX), "иод");
	assert_string_equal(terms("Ünïcödé Straße", FL_TEXT_PREFIX), "unicode | straße");
	assert_int_equal(fl_text_fold("ĄŽUOLAS", strlen("ĄŽUOLAS"), out), 7);
	assert_string_equal(out, "azuolas");
	assert_true(share("azuolas", "Ąžuolas"));
	assert_true(share("ąžuolas", "Azuolas"));
}

static void test_text_detect(void **state)
{
	(void)state;
	assert_int_equal(fl_text_detect("Ми повернемо кошти за ваше замовлення і доставку",
					strlen("Ми повернемо кошти за ваше замовлення і доставку")),
			 FL_LANG_UK | FL_LANG_EN);
	assert_int_equal(fl_text_detect("Мы вернём деньги, это ваш заказ",
					strlen("Мы вернём деньги, это ваш заказ")),
			 FL_LANG_RU | FL_LANG_EN);
	/* neither language's own letters: both */
	assert_int_equal(fl_text_detect("оплата заказа", strlen("оплата заказа")),
			 FL_LANG_UK | FL_LANG_RU | FL_LANG_EN);
	/* as many of each: both */
	assert_int_equal(fl_text_detect("ї ы", strlen("ї ы")),
			 FL_LANG_UK | FL_LANG_RU | FL_LANG_EN);
	assert_int_equal(fl_text_detect("Jūsų sąskaita apmokėta", strlen("Jūsų sąskaita apmokėta")),
			 FL_LANG_LT | FL_LANG_UK | FL_LANG_RU);
	assert_int_equal(fl_text_detect("sąskaitą", strlen("sąskaitą")) & (FL_LANG_LT | FL_LANG_EN),
			 FL_LANG_LT | FL_LANG_EN);
	assert_int_equal(fl_text_detect("refund please", strlen("refund please")) &
				 (FL_LANG_LT | FL_LANG_EN),
			 FL_LANG_EN);
}

/* Forms that must find each other, in the languages' own texts. */
static void all_share(const char *const *forms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (!share(forms[i], forms[j]))
				fail_msg("\"%s\" does not find \"%s\" (%s)", forms[i], forms[j],
					 terms(forms[i], 0));
}

#define ALL_SHARE(...)                                  \
	do {                                            \
		const char *const f_[] = {__VA_ARGS__}; \
		all_share(f_, sizeof f_ / sizeof *f_);  \
	} while (0)

static void test_text_russian_lithuanian_english(void **state)
{
	(void)state;
	ALL_SHARE("заказ", "заказа", "заказы", "заказом", "заказов");
	ALL_SHARE("возврат", "возврата", "возвратом");
	ALL_SHARE("оплату", "оплата", "оплаты");
	ALL_SHARE("sąskaita", "sąskaitos", "sąskaitą", "sąskaitoje");
	ALL_SHARE("refund", "refunds", "refunded", "refunding");
	ALL_SHARE("delivery", "deliveries");
	assert_false(share("refund", "delivery"));
	assert_false(share("заказ", "оплата"));
}

/* Ukrainian: each line's forms find each other (the stemmer in text.c). */
static const char *const uk_groups[][8] = {
	{"повернення", "повернути", "повернув", "повернула", "повернули", "поверненням", "поверну"},
	{"замовлення", "замовленню", "замовлень", "замовленням", "замовленнях", "замовленнями"},
	{"оплата", "оплати", "оплату", "оплатою", "оплаті", "оплатити", "оплатив", "оплатила"},
	{"доставка", "доставки", "доставку", "доставці", "доставкою", "доставок"},
	{"рахунок", "рахунку", "рахунком"},
	{"книга", "книги", "книзі", "книгу", "книгою"},
	{"клієнт", "клієнта", "клієнтові", "клієнтом", "клієнти", "клієнтів", "клієнтам"},
	{"кредит", "кредиту", "кредити", "кредитом"},
	{"товар", "товару", "товари", "товарів", "товарами"},
	{"отримати", "отримав", "отримала", "отримали"},
	{"змінити", "змінив", "змінила", "змінили"},
	{"повертається", "повертаємо", "повертає", "повертаю", "повертають"},
	{"швидкий", "швидка", "швидкого", "швидкої", "швидкому", "швидкі"},
	{"пароль", "пароля", "паролем", "паролі"},
	{"картка", "картки", "картку", "картці", "карткою"},
};

static void test_text_ukrainian(void **state)
{
	size_t cases = 0;
	char a[128], b[128];
	(void)state;
	for (size_t g = 0; g < sizeof uk_groups / sizeof *uk_groups; g++) {
		size_t n = 0;
		while (n < 8 && uk_groups[g][n])
			n++;
		/* in a Ukrainian text (і makes it so) */
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++) {
				snprintf(a, sizeof a, "і %s", uk_groups[g][i]);
				snprintf(b, sizeof b, "і %s", uk_groups[g][j]);
				if (!share(a, b))
					fail_msg("\"%s\" does not find \"%s\" (%s)", a, b,
						 terms(a, 0));
			}
		cases += n;
		/* and no group finds the next one */
		if (g + 1 < sizeof uk_groups / sizeof *uk_groups) {
			snprintf(a, sizeof a, "і %s", uk_groups[g][0]);
			snprintf(b, sizeof b, "і %s", uk_groups[g + 1][0]);
			assert_false(share(a, b));
		}
	}
	assert_true(cases >= 60);
}

static void test_text_stem_uk(void **state)
{
	char out[256];
	(void)state;
	assert_int_equal(fl_text_stem_uk("повернення", strlen("повернення"), 0, out, sizeof out),
			 strlen("поверн"));
	assert_string_equal(out, "поверн");
	fl_text_stem_uk("доставка", strlen("доставка"), 0, out, sizeof out);
	assert_string_equal(out, "доставц");
	fl_text_stem_uk("оплати", strlen("оплати"), 1, out, sizeof out);
	assert_string_equal(out, "оплат");
	/* no second reading but for an infinitive's ending */
	assert_int_equal(fl_text_stem_uk("оплата", strlen("оплата"), 1, out, sizeof out), 0);
	/* short words keep 3 letters */
	fl_text_stem_uk("дім", strlen("дім"), 0, out, sizeof out);
	assert_string_equal(out, "дім");
	fl_text_stem_uk("ціна", strlen("ціна"), 0, out, sizeof out);
	assert_string_equal(out, "цін");
	/* a small out is cut at a character */
	assert_int_equal(fl_text_stem_uk("повернення", strlen("повернення"), 0, out, 6), 4);
	assert_string_equal(out, "по");
}

static void test_text_prefix(void **state)
{
	(void)state;
	/* a prefix query gets folded words only */
	assert_string_equal(terms("Повернення", FL_TEXT_PREFIX), "повернення");
	assert_string_equal(terms("Повернення", 0), "повернення +поверн +повернен");
	assert_string_equal(terms("refunds", 0), "refunds +refund");
}

static void test_text_invalid_utf8(void **state)
{
	static const char bad[] =
		"ab\xff"
		"cd\xc3 \xe2\x82 ok\xed\xa0\x80zz\xf4\x90\x80\x80й";
	struct seen w = {0};
	(void)state;
	assert_int_equal(fl_text_terms(bad, sizeof bad - 1, 0, collect, &w), 0);
	assert_string_equal(w.s, "ab | cd | ok | zz | и");
	/* a NUL byte inside separates too */
	memset(&w, 0, sizeof w);
	assert_int_equal(fl_text_terms("ab\0cd", 5, 0, collect, &w), 0);
	assert_string_equal(w.s, "ab | cd");
}

static void test_text_caps(void **state)
{
	char big[4096];
	struct seen w = {0};
	size_t n = 0;
	(void)state;
	/* 600 letters of two bytes: one word, terms cut at 64 bytes, 32 letters */
	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "ж");
	assert_int_equal(fl_text_terms(big, n, 0, collect, &w), 0);
	assert_int_equal(strlen(w.s), 64);
	assert_int_equal(w.last_end, n);
	/* three-byte letters: 21 fit, cut at a character */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "中");
	memset(&w, 0, sizeof w);
	assert_int_equal(fl_text_terms(big, n, FL_TEXT_PREFIX, collect, &w), 0);
	assert_int_equal(strlen(w.s), 63);
}

static int stop_at_two(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		       size_t start, size_t end)
{
	int *calls = ctx;
	(void)term, (void)len, (void)colocated, (void)pos, (void)start, (void)end;
	return ++*calls == 2 ? 42 : 0;
}

static void test_text_stop(void **state)
{
	int calls = 0;
	(void)state;
	assert_int_equal(fl_text_terms("a b c d", 7, 0, stop_at_two, &calls), 42);
	assert_int_equal(calls, 2);
}

static void *in_thread(void *arg)
{
	static const char t[] = "Мы вернём деньги за заказы; refunds; sąskaitos; повернення";
	char *out = arg;
	struct seen w = {0};
	for (int i = 0; i < 200; i++) {
		memset(&w, 0, sizeof w);
		if (fl_text_terms(t, sizeof t - 1, 0, collect, &w))
			return NULL;
	}
	snprintf(out, 4096, "%s", w.s);
	return out;
}

static void test_text_threads(void **state)
{
	static char a[4096], b[4096];
	pthread_t ta, tb;
	(void)state;
	assert_int_equal(pthread_create(&ta, NULL, in_thread, a), 0);
	assert_int_equal(pthread_create(&tb, NULL, in_thread, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_true(a[0]);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "+заказ"));
	assert_non_null(strstr(a, "+refund"));
}

static void test_text_snippet(void **state)
{
	static const char body[] =
		"Добрий день! Ми повернули кошти за ваше замовлення сьогодні зранку, перевірте картку.";
	const char *q[] = {"повернення"}, *q2[] = {"замов"}, *q3[] = {"nothing"};
	int pre[] = {0}, pre2[] = {1};
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_text_snippet(body, sizeof body - 1, q, pre, 1, 16, &b), 0);
	assert_non_null(strstr(b.p, "\x01повернули\x02"));
	assert_string_equal(b.p,
			    "Добрий день! Ми \x01повернули\x02 кошти за ваше замовлення сьогодні "
			    "зранку, перевірте картку.");
	fl_buf_reset(&b);
	assert_int_equal(fl_text_snippet(body, sizeof body - 1, q2, pre2, 1, 4, &b), 0);
	assert_string_equal(b.p, "…ваше \x01замовлення\x02 сьогодні зранку…");
	fl_buf_reset(&b);
	assert_int_equal(fl_text_snippet(body, sizeof body - 1, q3, pre, 1, 4, &b), 0);
	assert_string_equal(b.p, "Добрий день! Ми повернули…");
	fl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_words),
		cmocka_unit_test(test_text_offsets),
		cmocka_unit_test(test_text_apostrophes),
		cmocka_unit_test(test_text_folding),
		cmocka_unit_test(test_text_detect),
		cmocka_unit_test(test_text_russian_lithuanian_english),
		cmocka_unit_test(test_text_ukrainian),
		cmocka_unit_test(test_text_stem_uk),
		cmocka_unit_test(test_text_prefix),
		cmocka_unit_test(test_text_invalid_utf8),
		cmocka_unit_test(test_text_caps),
		cmocka_unit_test(test_text_stop),
		cmocka_unit_test(test_text_threads),
		cmocka_unit_test(test_text_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
