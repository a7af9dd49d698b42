/* Unit tests for src/portal/link.c: a signed link reads back as made, and
 * every change to it — a number, the purpose, the key, a cut, an added
 * character — is refused as made up, an expired one as expired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "portal/link.h"

static const char KEY[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
static const char KEY2[] = "f0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static int check(const char *key, const char *purpose, const char *token, int64_t now,
		 struct fl_link *l, const char **reason)
{
	static struct fl_err e;
	int rc;

	memset(&e, 0, sizeof e);
	rc = fl_link_check(key, purpose, token, now, l, &e);

	*reason = rc ? e.reason : NULL;
	if (rc)
		assert_string_equal(e.field, "token");
	return rc;
}

static void test_round_trip(void **state)
{
	char tok[FL_LINK_TOKEN_MAX + 1];
	struct fl_link l = {0};
	const char *why;
	const struct fl_link cases[] = {
		{42, 7, 2000000000}, {1, 0, 0}, {INT64_MAX, INT64_MAX, INT64_MAX}};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fl_link_sign(KEY, "csat", &cases[i], tok);
		assert_true(strlen(tok) <= FL_LINK_TOKEN_MAX);
		assert_int_equal(strspn(tok, "0123456789abcdef-"), strlen(tok));
		assert_int_equal(check(KEY, "csat", tok, 1000, &l, &why), 0);
		assert_true(l.a == cases[i].a && l.b == cases[i].b &&
			    l.expires == cases[i].expires);
	}
}

static void test_forged(void **state)
{
	char tok[FL_LINK_TOKEN_MAX + 1], bad[FL_LINK_TOKEN_MAX + 8];
	struct fl_link l = {42, 7, 2000000000}, out = {-1, -1, -1};
	const char *why;

	(void)state;
	fl_link_sign(KEY, "csat", &l, tok);
	/* another purpose, another key, no key */
	assert_int_equal(check(KEY, "nps", tok, 1000, &out, &why), FL_EINVAL);
	assert_string_equal(why, "InvalidValue");
	assert_int_equal(check(KEY2, "csat", tok, 1000, &out, &why), FL_EINVAL);
	assert_int_equal(check(NULL, "csat", tok, 1000, &out, &why), FL_EINVAL);
	assert_int_equal(check("short", "csat", tok, 1000, &out, &why), FL_EINVAL);
	/* a number changed, the same MAC kept */
	snprintf(bad, sizeof bad, "43%s", tok + 2);
	assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	assert_string_equal(why, "InvalidValue");
	/* a later expiry, a leading zero, a plus sign: the text is what is signed */
	snprintf(bad, sizeof bad, "042%s", tok + 2);
	assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	snprintf(bad, sizeof bad, "+42%s", tok + 2);
	assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	/* each hex digit of the MAC changed, one at a time */
	for (size_t i = strlen(tok) - 32; i < strlen(tok); i++) {
		strcpy(bad, tok);
		bad[i] = bad[i] == 'a' ? 'b' : 'a';
		assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	}
	/* cut, lengthened, blank, a number too big for 64 bits */
	strcpy(bad, tok);
	bad[strlen(bad) - 1] = 0;
	assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	snprintf(bad, sizeof bad, "%s0", tok);
	assert_int_equal(check(KEY, "csat", bad, 1000, &out, &why), FL_EINVAL);
	assert_int_equal(check(KEY, "csat", "", 1000, &out, &why), FL_EINVAL);
	assert_string_equal(why, "Blank");
	assert_int_equal(check(KEY, "csat", NULL, 1000, &out, &why), FL_EINVAL);
	assert_int_equal(check(KEY, "csat",
			       "99999999999999999999-1-0-00112233445566778899aabbccddeeff", 1000,
			       &out, &why),
			 FL_EINVAL);
	assert_int_equal(check(KEY, "csat", "---", 1000, &out, &why), FL_EINVAL);
	assert_int_equal(check(KEY, "csat", "-1-1-0-00112233445566778899aabbccddeeff", 1000, &out,
			       &why),
			 FL_EINVAL);
	/* nothing was filled in by a refusal */
	assert_true(out.a == -1 && out.b == -1 && out.expires == -1);
}

static void test_expiry(void **state)
{
	char tok[FL_LINK_TOKEN_MAX + 1];
	struct fl_link l = {1, 2, 5000}, out;
	const char *why;

	(void)state;
	fl_link_sign(KEY, "nps", &l, tok);
	assert_int_equal(check(KEY, "nps", tok, 4999, &out, &why), 0);
	assert_int_equal(check(KEY, "nps", tok, 5000, &out, &why), FL_EINVAL);
	assert_string_equal(why, "Expired");
	/* 0 never expires */
	l.expires = 0;
	fl_link_sign(KEY, "unsub", &l, tok);
	assert_int_equal(check(KEY, "unsub", tok, INT64_MAX, &out, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
