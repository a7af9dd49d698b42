/* RFC 2047 encoded words in subjects and display names, each decoded on
 * its own (mail/charset.c, fl_mail_words_decode and fl_mail_words_rejoin).
 *
 * GMime 3.2.13 (Debian 12) decodes a run of adjacent B words in one
 * charset by joining their encoded text first, so a word that ends in "="
 * padding swallows the words after it: "=?utf-8?b?0KXQvtGC0Y8=?=
 * =?utf-8?b?0Y/RgiA=?=" read "Хотя" and the rest of the subject was lost.
 * Python's e-mail package folds every long non-ASCII subject and name that
 * way. The cases are the shapes real mailers write: padded and unpadded
 * B, Q, words cut between and inside characters, one charset and several,
 * text around the words; the fixtures (tests/fixtures/mail/words-*.eml,
 * made by tools/mail_fixtures.py) go through fl_mail_parse whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"

#include "core/str.h"
#include "mail/mail.h"

#define WORDS_UK \
	"Повернення коштів за замовлення номер 4411 — ґудзик відірвався, їжак і єнот у коробці"
#define WORDS_RU "Возврат денег за разбитую посылку, заказ номер 7302"

static fl_arena g_a;
static char *g_raw;

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
	free(g_raw);
	g_raw = NULL;
	return 0;
}

static const char *decode(const char *raw)
{
	char *s = fl_mail_words_decode(raw, strlen(raw), &g_a);
	assert_non_null(s);
	assert_true(fl_utf8_valid(s, strlen(s)));
	return s;
}

/* The bug itself: a padded utf-8 B word and the word after it. */
static void test_padded_word_keeps_the_words_after_it(void **state)
{
	(void)state;
	assert_string_equal(decode(" =?utf-8?b?0KXQvtGC0Y8=?= =?utf-8?b?0Y/RgiA=?=\r\n"),
			    "Хотяят ");
	assert_string_equal(decode("=?utf-8?b?0KXQvtGC0Y8=?==?utf-8?b?0Y/RgiA=?="), "Хотяят ");
	/* Gmail's shape: UTF-8 upper case, folded with CRLF and a space */
	assert_string_equal(
		decode("=?UTF-8?B?0J/QvtCy0LXRgNC90LXQvdC90Y8g?=\r\n =?UTF-8?B?0LrQvtGI0YLRltCy?="),
		"Повернення коштів");
}

/* The same words without their padding, as some mailers send them. */
static void test_unpadded_words(void **state)
{
	(void)state;
	assert_string_equal(decode("=?utf-8?b?0KXQvtGC0Y8?= =?utf-8?b?0Y/RgiA?="), "Хотяят ");
	assert_string_equal(decode("=?utf-8?b?0J/RgNC40LLQtdGC?="), "Привет");
}

/* A character cut between two words, in B and in Q: its bytes are joined
 * before the charset is read, so it comes out whole. */
static void test_character_split_across_words(void **state)
{
	(void)state;
	/* "Х" is D0 A5: D0 ends the first word (padded), A5 starts the second */
	assert_string_equal(decode("=?utf-8?b?0A==?= =?utf-8?b?pdC+?="), "Хо");
	assert_string_equal(decode("=?utf-8?Q?=D0=A2=D0=B0=D1?=\r\n =?utf-8?Q?=80=D0=B0=D1=81?="),
			    "Тарас");
	/* one charset label written two ways is still one charset */
	assert_string_equal(decode("=?UTF-8?Q?=D0?= =?utf-8?Q?=A5?="), "Х");
}

/* Q: "_" is a space, "=XX" a byte, a stray "=" stays; B skips what is
 * not base64. */
static void test_q_and_b_details(void **state)
{
	(void)state;
	assert_string_equal(decode("=?iso-8859-1?q?caf=E9_cr=E8me?="), "café crème");
	assert_string_equal(decode("=?utf-8?q?100=25_=3D_a=?="), "100% = a=");
	assert_string_equal(decode("=?utf-8?B?0J/R\x01gNC4?="), "При");
	/* Thunderbird writes Q hex in lower case */
	assert_string_equal(decode("=?UTF-8?Q?Ona_Jonaitien=c4=97?="), "Ona Jonaitienė");
}

/* Outlook's windows-1251 B and koi8-r Q, and a run that changes charset:
 * each charset's bytes read by its own label. */
static void test_cyrillic_charsets_and_mixed_runs(void **state)
{
	(void)state;
	assert_string_equal(decode("=?windows-1251?B?wu7n4vDg8iDk5e3l4w==?="), "Возврат денег");
	assert_string_equal(
		decode("=?koi8-r?Q?=E4=CD=C9=D4=D2=C9=CA_?=\r\n =?koi8-r?Q?=F3=CF=CB=CF=CC=CF=D7?="),
		"Дмитрий Соколов");
	assert_string_equal(
		decode("=?windows-1251?B?y+jt4CA=?= =?utf-8?B?xaBp?= =?utf-8?B?bWt1dMSX?="),
		"Лина Šimkutė");
	assert_string_equal(decode("=?koi8-r?b?8NLJ18XU?= =?utf-8?b?INGB0LLRltGC?="),
			    "Привет світ");
}

/* Text around the words keeps its spaces; only white space between two
 * words goes (RFC 2047 section 6.2). */
static void test_text_around_words(void **state)
{
	(void)state;
	assert_string_equal(decode("Re: [#42] =?utf-8?b?0KXQvtGC0Y8=?= =?utf-8?b?0Y/RgiA=?=now"),
			    "Re: [#42] Хотяят now");
	assert_string_equal(decode("=?utf-8?q?a?= b =?utf-8?q?c?="), "a b c");
	assert_string_equal(decode("Plain\r\n subject\r\n"), "Plain subject");
	assert_string_equal(decode(""), "");
	/* what only looks like a word stays as it is */
	assert_string_equal(decode("=?utf-8?x?abc?= =?utf-8?q?a b?= =?=?"),
			    "=?utf-8?x?abc?= =?utf-8?q?a b?= =?=?");
	/* RFC 2231 language suffix on the charset */
	assert_string_equal(decode("=?utf-8*uk?b?0KXQvtGC0Y8=?="), "Хотя");
}

/* Raw 8-bit text and an unknown or wrong label are read as the bodies
 * are: a guess that reads best, never invalid UTF-8, a NUL a U+FFFD. */
static void test_raw_bytes_and_unknown_charsets(void **state)
{
	(void)state;
	assert_string_equal(decode("\xcf\xf0\xe8\xe2\xe5\xf2 =?utf-8?q?x?="), "Привет x");
	assert_string_equal(decode("=?x-no-such?b?z/Do4uXy?="), "Привет");
	assert_string_equal(decode("=?utf-8?q?a=00b?="),
			    "a\xEF\xBF\xBD"
			    "b");
}

/* Structured headers: each run becomes one UTF-8 B word, the rest stays
 * as it was, so an address parser reads the whole name. */
static void test_rejoin_for_address_headers(void **state)
{
	const char *raw =
		" \"=?utf-8?b?0KXQvtGC0Y8=?= =?utf-8?b?0Y/RgiA=?=\" <a@example.test>,\r\n"
		" Ivan <b@example.test>";
	char *s = fl_mail_words_rejoin(raw, strlen(raw), &g_a);
	(void)state;
	assert_non_null(s);
	assert_string_equal(
		s,
		" \"=?UTF-8?B?0KXQvtGC0Y/Rj9GCIA==?=\" <a@example.test>,\r\n Ivan <b@example.test>");
	assert_string_equal(fl_mail_words_rejoin("x@example.test", 14, &g_a), "x@example.test");
}

/* A word whose text holds structure ("<", ",", ">"), or that touches an
 * address, is left as it came: made one opaque word it would hide an
 * address from us that the MTA authenticated, or join two into one. */
static void test_rejoin_never_hides_structure(void **state)
{
	static const char *const raw[] = {
		"=?utf-8?q?<attacker@evil.test>?= <ceo@bank.test>",
		"ceo@bank.test=?x?q?,?=attacker@evil.test",
		"\"Bank\" <ceo@bank.test=?x?q?>?=@evil.test>",
		"=?utf-8?q?a.b?= <x@y.test>",
	};
	(void)state;
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
		assert_string_equal(fl_mail_words_rejoin(raw[i], strlen(raw[i]), &g_a), raw[i]);
}

static struct fl_mail parse(const char *name)
{
	struct fl_mail m;
	struct fl_err e = {0};
	size_t n;

	free(g_raw);
	g_raw = unit_fixture(name, &n);
	assert_non_null(g_raw);
	assert_int_equal(fl_mail_parse(g_raw, n, &g_a, &m, &e), 0);
	return m;
}

/* A whole message as Python's e-mail package writes it: subject, From
 * and both Cc names folded into padded utf-8 B words. */
static void test_python_message(void **state)
{
	struct fl_mail m = parse("words-python");
	(void)state;
	assert_string_equal(m.subject, WORDS_UK);
	assert_string_equal(m.from.name, "Олександра Костянтинівна Шевченко-Григоренко");
	assert_string_equal(m.from.email, "oleksandra@example.test");
	assert_int_equal(m.ncc, 2);
	assert_string_equal(m.cc[0].name, "Анастасія Вікторівна Коваленко");
	assert_string_equal(m.cc[0].email, "anastasiia@example.test");
	assert_string_equal(m.cc[1].name, "Богдан");
	assert_string_equal(m.text, "Доброго дня!");
}

/* utf-8 Q words cut inside characters (subject, From) and B words cut
 * inside one (Cc). */
static void test_split_inside_characters_message(void **state)
{
	struct fl_mail m = parse("words-q-split");
	(void)state;
	assert_string_equal(m.subject, WORDS_UK);
	assert_string_equal(m.from.name, "Тарас Шевчук");
	assert_int_equal(m.ncc, 1);
	assert_string_equal(m.cc[0].name, "Олена Іванівна");
}

/* Outlook's shapes: windows-1251 B words without padding after "RE: ", a
 * koi8-r Q name, a quoted name in two charsets. */
static void test_outlook_message(void **state)
{
	struct fl_mail m = parse("words-outlook");
	(void)state;
	assert_string_equal(m.subject, "RE: " WORDS_RU);
	assert_string_equal(m.from.name, "Дмитрий Соколов");
	assert_string_equal(m.from.email, "dmitry@example.test");
	assert_int_equal(m.ncc, 1);
	assert_string_equal(m.cc[0].name, "Лина Šimkutė");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_padded_word_keeps_the_words_after_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unpadded_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_character_split_across_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q_and_b_details, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cyrillic_charsets_and_mixed_runs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text_around_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_bytes_and_unknown_charsets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejoin_for_address_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejoin_never_hides_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_python_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_inside_characters_message, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_outlook_message, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
