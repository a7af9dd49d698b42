/* Unit tests for src/core/redact.c: e-mail addresses and telephone numbers
 * masked in what customers wrote, before a viewer reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
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
	/* The punctuation a local part may hold is the address's, not left
	 * before the mask; quotes around an address are the sentence's. */
	assert_string_equal(redact("ivan&co@ex.com"), "i…@…");
	assert_string_equal(redact("o'brien@ex.ie, {x}|y~z#1!$*^`@ex.com"), "o…@…, {x…@…");
	assert_string_equal(redact("'ivan@ex.com'"), "'i…@…'");
	/* An address in brackets. */
	assert_string_equal(redact("ivan@[10.0.0.1] or petr@[IPv6:2001:db8::1]."), "i…@… or p…@….");
	assert_string_equal(redact("ivan@[10.0.0.1"), "i…@…");
	SAME("ivan@[] and @[10.0.0.1]");
	/* As a link writes it. */
	assert_string_equal(redact("ivan%40ex.com"), "i…@…");
	assert_string_equal(redact("https://ex.com/?u=ivan.p%2Bshop%40ex.com&x=1"),
			    "https://ex.com/?u=i…@…&x=1");
	assert_string_equal(redact("a%40b%40c.com"), "a…@…%40c.com");
	SAME("100%40 of them");
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
	/* Glued to a word: 9 digits or more, or a "+", are a number even so. */
	assert_string_equal(redact("tel0671234567"), "tel… 67");
	assert_string_equal(redact("тел0671234567, тел.067-123-45-67"), "тел… 67, тел.… 67");
	assert_string_equal(redact("0671234567ok"), "… 67ok");
	assert_string_equal(redact("tel+380671234567 or tel+37061234567"),
			    "tel+380 … 67 or tel+370 … 67");
	assert_string_equal(redact("ID12345678901"), "ID… 01");
	/* As a link writes it: "%2B" for "+", "%20" for a space, "+" too. */
	assert_string_equal(redact("?tel=%2B380671234567&x=1"), "?tel=%2B380 … 67&x=1");
	assert_string_equal(redact("%2b380 67 123 45 67"), "%2b380 … 67");
	assert_string_equal(redact("?tel=067%20123%2045%2067"), "?tel=… 67");
	assert_string_equal(redact("?tel=067+123+45+67&x=1"), "?tel=… 67&x=1");
	/* Up to three separators between groups, dashes of every kind, tabs. */
	assert_string_equal(redact("067 - 123 - 45 - 67"), "… 67");
	assert_string_equal(redact("067 (123) 45 - 67"), "… 67");
	assert_string_equal(redact("067–123–45–67"), "… 67");       /* en dash */
	assert_string_equal(redact("067 — 123 — 45 — 67"), "… 67"); /* em dash */
	for (unsigned d = 0x90; d <= 0x95; d++) {                   /* U+2010 to U+2015 */
		char text[64];
		snprintf(text, sizeof text, "067\xe2\x80%c123\xe2\x80%c45\xe2\x80%c67", d, d, d);
		assert_string_equal(redact(text), "… 67");
	}
	assert_string_equal(redact("067−123−45−67"), "… 67"); /* minus sign */
	assert_string_equal(redact("067\t123\t45\t67"), "… 67");
	assert_string_equal(redact("067\xe2\x80\x89"
				   "123\xe2\x80\xaf"
				   "45\xe2\x80\x89"
				   "67"),
			    "… 67"); /* thin and narrow no-break spaces */
	assert_string_equal(redact("123 – 45 – 67"), "… 67");
	/* Nine digits in threes are a number, not money. */
	assert_string_equal(redact("612 345 678"), "… 78");
	assert_string_equal(redact("call 800 123 456."), "call … 56.");
	assert_string_equal(redact("612.345.678"), "… 78");
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
	/* 8 digits or fewer inside a word */
	SAME("ID12345678 and A4 and v1.2.3 and ab1234567cd");
	SAME("IMG_20261207_143015.jpg");
	SAME("since 2026-12-07T14:30:15Z");
	SAME("on 2026–12–07"); /* an en dash's date */
	SAME("paid 12 345 678.90 UAH");
	SAME("paid 1\xe2\x80\xaf"
	     "234\xe2\x80\xaf"
	     "567 €");
	SAME("+ 5 and 3 + 4 = 7, 3+4=7, 12+34");
	SAME("1 - 2 - 3");
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
	/* The encoded at-sign and separators: each read a bounded number of
	 * times, or this would not finish. */
	for (size_t i = 0; i < n; i++)
		big[i] = "a%40"[i % 4];
	r = redact(big);
	assert_true(strlen(r) < n * 3);
	for (size_t i = 0; i < n; i++)
		big[i] = "a.%4"[i % 4];
	assert_string_equal(redact(big), big);
	for (size_t i = 0; i < n; i++)
		big[i] = "%20%2B5 -"[i % 9];
	r = redact(big);
	assert_true(fl_utf8_valid(r, strlen(r)));
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, i % 2 ? "\xe2\x80\x93" : "1\t4", 3);
	r = redact(big);
	assert_true(fl_utf8_valid(r, strlen(r)));
	free(big);
	fl_arena_free(&arena);
}

/* Random texts of the pieces numbers and addresses are made of: no crash
 * (the sanitizers watch), well-formed UTF-8 out of well-formed in, and a
 * mask is not itself taken for a contact (redacting twice changes nothing). */
static void test_redact_random(void **state)
{
	(void)state;
	static const char *const pieces[] = {"0",
					     "1",
					     "5",
					     "67",
					     "123",
					     "+",
					     "%2B",
					     "%40",
					     "%20",
					     "@",
					     ".",
					     "-",
					     " ",
					     "\t",
					     "(",
					     ")",
					     "/",
					     ":",
					     "a",
					     "ivan",
					     "ex",
					     "com",
					     "тел",
					     "\xc2\xa0",
					     "\xe2\x80\x93",
					     "\xe2\x80\xaf",
					     "[",
					     "]",
					     "&",
					     "'",
					     "…",
					     "_",
					     ","};
	const size_t npieces = sizeof pieces / sizeof *pieces;
	unsigned seed = 16;
	int masked = 0;
	fl_arena_init(&arena, 0);
	for (int round = 0; round < 20000; round++) {
		char text[512] = "";
		size_t len = 0;
		for (int k = (int)(rand_r(&seed) % 40); k > 0; k--) {
			const char *p = pieces[(size_t)rand_r(&seed) % npieces];
			memcpy(text + len, p, strlen(p) + 1);
			len += strlen(p);
		}
		const char *once = redact(text);
		assert_true(fl_utf8_valid(once, strlen(once)));
		masked += strcmp(text, once) != 0;
		const char *twice = redact(once);
		if (strcmp(once, twice))
			fail_msg("\"%s\" → \"%s\" → \"%s\"", text, once, twice);
		if (round % 1000 == 999) {
			fl_arena_free(&arena);
			fl_arena_init(&arena, 0);
		}
	}
	fl_arena_free(&arena);
	assert_true(masked > 2000); /* the texts do hold contacts */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_emails),     cmocka_unit_test(test_redact_phones),
		cmocka_unit_test(test_redact_not_phones), cmocka_unit_test(test_redact_bytes),
		cmocka_unit_test(test_redact_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
