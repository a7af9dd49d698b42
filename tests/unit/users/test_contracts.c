/* Unit tests for src/users/contract.c: the day arithmetic (every day from
 * 1970 to 9999 read and written back, against fl_time_parse), where a
 * contract stands on a day, and what fl_contract_check takes and refuses,
 * with the field each refusal names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/time.h"
#include "users/contract.h"

static int32_t day(const char *z)
{
	int32_t d = -1;
	assert_int_equal(fl_day_parse(z, &d), 0);
	return d;
}

static void assert_refused(int rc, const struct fl_err *e, const char *field)
{
	assert_int_equal(rc, FL_EINVAL);
	assert_string_equal(e->field, field);
}

static void test_days_known(void **state)
{
	(void)state;
	char out[11];

	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("1970-01-02"), 1);
	assert_int_equal(day("2000-02-29"), 11016);
	assert_int_equal(day("2026-12-07"), 20794);
	assert_int_equal(day("9999-12-31"), FL_DAY_LAST);
	fl_day_format(11016, out);
	assert_string_equal(out, "2000-02-29");
	fl_day_format(FL_DAY_LAST, out);
	assert_string_equal(out, "9999-12-31");
	fl_day_format(0, out);
	assert_string_equal(out, "1970-01-01");
}

/* Every day of the range agrees with fl_time_parse's calendar, and
 * written out reads back to itself. */
static void test_days_round_trip(void **state)
{
	(void)state;
	char out[11];
	for (int32_t d = FL_DAY_FIRST; d <= FL_DAY_LAST; d += d < 30000 ? 1 : 7) {
		int64_t t;
		int32_t back = -1;
		fl_day_format(d, out);
		assert_int_equal(fl_day_parse(out, &back), 0);
		assert_int_equal(back, d);
		assert_int_equal(fl_time_parse(fl_str_c(out), &t), 0);
		assert_int_equal(t, (int64_t)d * 86400);
	}
}

static void test_days_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-02-29",           "2100-02-29",  "2026-04-31", "2026-13-01",
		"2026-00-10",           "2026-01-00",  "1969-12-31", "0000-01-01",
		"10000-01-01",          "2026-1-05",   "2026-01-5",  "2026/01/05",
		"2026-01-05T00:00:00Z", " 2026-01-05", "2026-01-0a", "",
		"-026-01-05",           "+2026-01-0"};
	int32_t d = 7;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fl_day_parse(bad[i], &d), FL_EINVAL);
		assert_int_equal(d, 7); /* written only on success */
	}
	assert_int_equal(fl_day_parse(NULL, &d), FL_EINVAL);
	assert_int_equal(day("2024-02-29"), 19782);
}

static void test_day_of(void **state)
{
	(void)state;
	assert_int_equal(fl_day_of(0), 0);
	assert_int_equal(fl_day_of(86399), 0);
	assert_int_equal(fl_day_of(86400), 1);
	assert_int_equal(fl_day_of(-1), -1);
	assert_int_equal(fl_day_of(-86400), -1);
	assert_int_equal(fl_day_of(-86401), -2);
	assert_int_equal(fl_day_of((int64_t)day("2026-12-07") * 86400 + 86399), day("2026-12-07"));
}

static void test_state(void **state)
{
	(void)state;
	struct fl_contract c = {.starts_on = day("2026-01-01"), .ends_on = day("2026-12-31")};

	assert_int_equal(fl_contract_state(&c, day("2025-12-31")), FL_CONTRACT_UPCOMING);
	assert_int_equal(fl_contract_state(&c, day("2026-01-01")), FL_CONTRACT_ACTIVE);
	assert_int_equal(fl_contract_state(&c, day("2026-12-31")), FL_CONTRACT_ACTIVE);
	assert_int_equal(fl_contract_state(&c, day("2027-01-01")), FL_CONTRACT_EXPIRED);
	assert_string_equal(fl_contract_state_name(FL_CONTRACT_UPCOMING), "upcoming");
	assert_int_equal(fl_contract_state_parse(fl_str_c("expired")), FL_CONTRACT_EXPIRED);
	assert_int_equal(fl_contract_state_parse(fl_str_c("Expired")), -1);
	assert_int_equal(fl_contract_kind_parse(fl_str_c("partner")), FL_CONTRACT_PARTNER);
	assert_int_equal(fl_contract_kind_parse(fl_str_c("warranty ")), -1);
	assert_null(fl_contract_kind_name(FL_CONTRACT_KIND__MAX));
	assert_null(fl_contract_kind_name(-1));
}

static struct fl_contract good(void)
{
	return (struct fl_contract){.user_id = 5,
				    .product = "Холодильник Atlant",
				    .level = "",
				    .kind = FL_CONTRACT_WARRANTY,
				    .provider = "",
				    .starts_on = day("2026-01-01"),
				    .ends_on = day("2027-01-01"),
				    .notes = ""};
}

static void test_check(void **state)
{
	(void)state;
	struct fl_err e = {0};
	struct fl_contract c = good();
	char longer[4 * FL_CONTRACT_NOTES_MAX + 8];

	assert_int_equal(fl_contract_check(&c, &e), 0);
	c.starts_on = c.ends_on; /* a contract of one day */
	assert_int_equal(fl_contract_check(&c, &e), 0);

	c = good(), c.organization_id = 3;
	assert_refused(fl_contract_check(&c, &e), &e, "user_id");
	c = good(), c.user_id = 0;
	assert_refused(fl_contract_check(&c, &e), &e, "user_id");
	c.organization_id = 3;
	assert_int_equal(fl_contract_check(&c, &e), 0);
	c = good(), c.user_id = -5;
	assert_refused(fl_contract_check(&c, &e), &e, "user_id");

	c = good(), c.product = " \t";
	assert_refused(fl_contract_check(&c, &e), &e, "product");
	c.product = NULL;
	assert_refused(fl_contract_check(&c, &e), &e, "product");
	/* 200 characters of two bytes each are fine, 201 are not */
	memset(longer, 0, sizeof longer);
	for (int i = 0; i < 200; i++)
		memcpy(longer + 2 * i, "ж", 2);
	c.product = longer;
	assert_int_equal(fl_contract_check(&c, &e), 0);
	memcpy(longer + 400, "ж", 2);
	assert_refused(fl_contract_check(&c, &e), &e, "product");
	c.product = "\xff\xfe";
	assert_refused(fl_contract_check(&c, &e), &e, "product");

	c = good(), c.level = "x";
	memset(longer, 'x', FL_CONTRACT_LEVEL_MAX + 1), longer[FL_CONTRACT_LEVEL_MAX + 1] = 0;
	c.level = longer;
	assert_refused(fl_contract_check(&c, &e), &e, "level");
	c = good();
	memset(longer, 'x', FL_CONTRACT_PROVIDER_MAX + 1), longer[FL_CONTRACT_PROVIDER_MAX + 1] = 0;
	c.provider = longer;
	assert_refused(fl_contract_check(&c, &e), &e, "provider");
	c = good();
	memset(longer, 'x', FL_CONTRACT_NOTES_MAX + 1), longer[FL_CONTRACT_NOTES_MAX + 1] = 0;
	c.notes = longer;
	assert_refused(fl_contract_check(&c, &e), &e, "notes");
	longer[FL_CONTRACT_NOTES_MAX] = 0;
	assert_int_equal(fl_contract_check(&c, &e), 0);

	c = good(), c.kind = FL_CONTRACT_KIND__MAX;
	assert_refused(fl_contract_check(&c, &e), &e, "kind");
	c = good(), c.starts_on = -1;
	assert_refused(fl_contract_check(&c, &e), &e, "starts_on");
	c = good(), c.ends_on = FL_DAY_LAST + 1;
	assert_refused(fl_contract_check(&c, &e), &e, "ends_on");
	c = good(), c.ends_on = c.starts_on - 1;
	assert_refused(fl_contract_check(&c, &e), &e, "ends_on");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_known),   cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_days_refused), cmocka_unit_test(test_day_of),
		cmocka_unit_test(test_state),        cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
