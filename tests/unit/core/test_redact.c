/* Unit tests for src/core/redact.c: e-mail addresses and telephone numbers
 * masked in what customers wrote, before a viewer reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/redact.h"
#include "core/str.h"

static fl_arena arena;

static const char *redact(const char *text)
{
	char *r = fl_redact_contacts(text, &arena);
	assert_non_null(r);
	return r;
}

#define SAME(text) assert_string_equal(redact(text), text)

static void test_redact_emails(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	assert_string_equal(redact("ivan@ex.com"), "i…@…");
	assert_string_equal(redact("Write to ivan.petrenko+shop@mail.example.com.ua, please."),
			    "Write to i…@…, please.");
	assert_string_equal(redact("(olena_k@ukr.net)"), "(o…@…)");
	assert_string_equal(redact("<a@b.lt>"), "<a…@…>");
	/* A sentence's full stop and a hyphen after the address stay. */
	assert_string_equal(redact("mail me: jonas@pastas.lt."), "mail me: j…@….");
	assert_string_equal(redact("olga@yandex.ru-"), "o…@…-");
	/* Addresses in other scripts, and two in a row. */
	assert_string_equal(redact("тарас@пошта.укр і petr@mail.ru"), "т…@… і p…@…");
	assert_string_equal(redact("a@b.c,d@e.f"), "a…@…,d…@…");
	/* The digits of a local part go with the address, not taken for a phone. */
	assert_string_equal(redact("0671234567@ex.com"), "0…@…");
	/* Punctuation before the address is the sentence's. */
	assert_string_equal(redact("see...ivan@ex.com"), "see...i…@…");
	/* In a link. */
	assert_string_equal(redact("https://ex.com/?u=ivan@ex.com&x=1"),
			    "https://ex.com/?u=i…@…&x=1");
	/* An @ with nothing on one side is no address. */
	SAME("@ivan wrote");
	SAME("meet @ 5");
	SAME("ivan@");
	SAME("ivan@.com");
	SAME("just text, nothing to hide");
	SAME("");
	fl_arena_free(&arena);
}

static void test_redact_phones(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	assert_string_equal(redact("+380 67 123 45 67"), "+380 … 67");
	assert_string_equal(redact("call +380671234567 now"), "call +380 … 67 now");
	assert_string_equal(redact("тел.: +38 (067) 123-45-67."), "тел.: +38 … 67.");
	assert_string_equal(redact("(067) 123-45-67"), "… 67");
	assert_string_equal(redact("067 123 45 67, або 0501112233"), "… 67, або … 33");
	assert_string_equal(redact("+370 612 34567"), "+370 … 67");
	assert_string_equal(redact("8 612 34567"), "… 67");
	assert_string_equal(redact("+7 916 123-45-67"), "+7 … 67");
	assert_string_equal(redact("+1 (555) 123-4567"), "+1 … 67");
	assert_string_equal(redact("дзвоніть 123-45-67"), "дзвоніть … 67");
	assert_string_equal(redact("067.123.45.67"), "… 67");
	assert_string_equal(redact("067\xc2\xa0"
				   "123\xc2\xa0"
				   "45\xc2\xa0"
				   "67"),
			    "… 67");
	/* Two numbers written together are masked, not left whole. */
	assert_string_equal(redact("067 123 45 67 050 765 43 21"), "… 21");
	/* A time after a number is not part of it. */
	assert_string_equal(redact("067 123 45 67 14:30"), "… 67 14:30");
	fl_arena_free(&arena);
}

/* What is not a telephone number stays as it was. */
static void test_redact_not_phones(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	SAME("order 12345678 never came"); /* no separator: an order number */
	SAME("ticket #123456, 2 items");   /* too short */
	SAME("on 07.12.2026 at 14:30");    /* a date and a time */
	SAME("since 2026-12-07 14:30:15");
	SAME("delivered 7/12/2026");
	SAME("paid 1 234 567 UAH"); /* a sum */
	SAME("paid 1.234.567,50 UAH");
	SAME("paid 1 234 567.89 UAH");
	SAME("paid 12345.67");
	SAME("paid 1\xc2\xa0"
	     "234\xc2\xa0"
	     "567 грн");
	SAME("ID12345678901 and A4 and v1.2.3"); /* digits inside a word */
	SAME("SKU0671234567");
	SAME("0671234567abc"); /* glued to a word after */
	SAME("+ 5 and 3 + 4 = 7");
	SAME("rated 9 of 10");
	fl_arena_free(&arena);
}

/* Any bytes at all: no crash, no reading past the end, what is not UTF-8
 * kept, and the result still well-formed when the text was. */
static void test_redact_bytes(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	assert_string_equal(redact("\xff\xfe@\x80"), "\xff\xfe@\x80");
	assert_string_equal(redact("\xc3@ex.com"), "\xc3@ex.com");
	assert_string_equal(redact("ivan@ex.com\xe2\x80"), "i…@…\xe2\x80");
	assert_string_equal(redact("\x80"
				   "0671234567"),
			    "\x80… 67");
	assert_null(fl_redact_contacts(NULL, &arena));
	/* Long texts: linear, bounded, the masks in place. */
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = "a@"[i % 2];
	big[n] = 0;
	const char *r = redact(big);
	assert_true(fl_utf8_valid(r, strlen(r)));
	assert_non_null(strstr(r, "a…@…"));
	for (size_t i = 0; i < n; i++)
		big[i] = "0 "[i % 2];
	r = redact(big);
	assert_true(strlen(r) < 16);
	memset(big, '@', n);
	assert_string_equal(redact(big), big);
	free(big);
	fl_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_emails),
		cmocka_unit_test(test_redact_phones),
		cmocka_unit_test(test_redact_not_phones),
		cmocka_unit_test(test_redact_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
