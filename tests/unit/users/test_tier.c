/* Unit tests for the pure part of src/users/tier.c: which names a tier
 * may have (and the field a refusal names), and which names are the same
 * tier whatever their case, in the scripts the desk's languages use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "users/tier.h"

static void assert_name_refused(const char *name)
{
	struct fl_err e = {0};
	assert_int_equal(fl_tier_name_check(name, &e), FL_EINVAL);
	assert_string_equal(e.field, "name");
}

static void test_names(void **state)
{
	char name[FL_TIER_NAME_MAX + 2];
	struct fl_err e = {0};

	(void)state;
	assert_int_equal(fl_tier_name_check("VIP", &e), 0);
	assert_int_equal(fl_tier_name_check("Золотий клієнт", &e), 0);
	assert_name_refused(NULL);
	assert_name_refused("");
	assert_name_refused("   ");
	assert_name_refused("tab\there");
	assert_name_refused("line\nbreak");
	assert_name_refused("bad \xff utf-8");
	/* 64 bytes, not characters */
	memset(name, 'x', FL_TIER_NAME_MAX);
	name[FL_TIER_NAME_MAX] = 0;
	assert_int_equal(fl_tier_name_check(name, &e), 0);
	name[FL_TIER_NAME_MAX] = 'x';
	name[FL_TIER_NAME_MAX + 1] = 0;
	assert_name_refused(name);
}

static void assert_same(fl_arena *a, const char *x, const char *y, int same)
{
	char *kx, *ky;
	assert_int_equal(fl_tier_name_key(x, a, &kx), 0);
	assert_int_equal(fl_tier_name_key(y, a, &ky), 0);
	if (same)
		assert_string_equal(kx, ky);
	else
		assert_string_not_equal(kx, ky);
}

static void test_keys(void **state)
{
	fl_arena a;

	(void)state;
	fl_arena_init(&a, 0);
	assert_same(&a, "VIP", "vip", 1);
	assert_same(&a, "Gold Plus", "gOLD pLUS", 1);
	assert_same(&a, "ЗОЛОТИЙ", "золотий", 1);
	assert_same(&a, "ЇЖАК ҐЕДЗЬ ЄВА І", "їжак ґедзь єва і", 1);
	assert_same(&a, "ЁЛКА", "ёлка", 1);
	assert_same(&a, "ŠVIESUS ĄŽUOLAS ĖĮŲŪČĘ", "šviesus ąžuolas ėįųūčę", 1);
	assert_same(&a, "ÄÖÜ ÉÈ", "äöü éè", 1);
	assert_same(&a, "ΑΘΗΝΑ", "αθηνα", 1);
	/* different names stay different; punctuation and signs are kept */
	assert_same(&a, "Gold", "Gold+", 0);
	assert_same(&a, "VIP", "VIP ", 0);
	assert_same(&a, "Золотий", "Золотой", 0);
	assert_same(&a, "×", "÷", 0);
	assert_same(&a, "★ VIP", "☆ vip", 0);
	assert_same(&a, "★ VIP", "★ vip", 1);
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
