/* Unit tests for the pure part of src/tickets/complaint.c: the names a
 * reason may have (and the field a refusal names), the name a reader of a
 * language is shown, the weeks and months the report counts by (across
 * years and leap days), what "resolved at first contact" is, and the
 * product read from a ticket's custom fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "tickets/complaint.h"
#include "tickets/ticket.h"
#include "unit.h"

static void assert_refused(struct fl_complaint_reason *r, const char *field)
{
	struct fl_err e = {0};
	assert_int_equal(fl_complaint_names_check(r, &e), FL_EINVAL);
	assert_string_equal(e.field, field);
}

static void test_names(void **state)
{
	struct fl_complaint_reason r = {0};
	struct fl_err e = {0};
	char long_name[FL_COMPLAINT_NAME_MAX + 2];

	(void)state;
	assert_refused(&r, "names"); /* none at all */
	r.name_lt = "Pristatymas";
	assert_int_equal(fl_complaint_names_check(&r, &e), 0);
	r.name_uk = "  ";
	assert_refused(&r, "names.uk");
	r.name_uk = "Доставка";
	r.name_ru = "bad \xff";
	assert_refused(&r, "names.ru");
	r.name_ru = "a\tb";
	assert_refused(&r, "names.ru");
	r.name_ru = NULL;
	memset(long_name, 'x', FL_COMPLAINT_NAME_MAX);
	long_name[FL_COMPLAINT_NAME_MAX] = 0;
	r.name_en = long_name;
	assert_int_equal(fl_complaint_names_check(&r, &e), 0);
	long_name[FL_COMPLAINT_NAME_MAX] = 'x';
	long_name[FL_COMPLAINT_NAME_MAX + 1] = 0;
	assert_refused(&r, "names.en");
}

static void test_name_for_reader(void **state)
{
	struct fl_complaint_reason r = {.name_uk = "Якість", .name_lt = "Kokybė"};

	(void)state;
	assert_string_equal(fl_complaint_name(&r, "uk"), "Якість");
	assert_string_equal(fl_complaint_name(&r, "lt-LT"), "Kokybė");
	/* no Russian, no English: the first one given */
	assert_string_equal(fl_complaint_name(&r, "ru"), "Якість");
	r.name_en = "Quality";
	assert_string_equal(fl_complaint_name(&r, "ru"), "Quality");
	assert_string_equal(fl_complaint_name(&r, NULL), "Quality");
	/* "ukx" is no language of ours */
	assert_string_equal(fl_complaint_name(&r, "ukx"), "Quality");
}

static int32_t day(int y, int m, int d)
{
	return (int32_t)(utc(y, m, d, 0, 0, 0) / 86400);
}

static void test_periods(void **state)
{
	(void)state;
	/* weeks start on Monday: 2026-12-07 is one */
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_WEEK, day(2026, 12, 7)),
			 day(2026, 12, 7));
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_WEEK, day(2026, 12, 13)),
			 day(2026, 12, 7));
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_WEEK, day(2027, 1, 1)),
			 day(2026, 12, 28));
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_WEEK, day(1970, 1, 1)),
			 day(1969, 12, 29));
	assert_int_equal(fl_complaint_period_next(FL_COMPLAINT_WEEK, day(2026, 12, 28)),
			 day(2027, 1, 4));
	/* months, a leap February and the turn of a year */
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_MONTH, day(2028, 2, 29)),
			 day(2028, 2, 1));
	assert_int_equal(fl_complaint_period_next(FL_COMPLAINT_MONTH, day(2028, 2, 1)),
			 day(2028, 3, 1));
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_MONTH, day(2026, 12, 31)),
			 day(2026, 12, 1));
	assert_int_equal(fl_complaint_period_next(FL_COMPLAINT_MONTH, day(2026, 12, 1)),
			 day(2027, 1, 1));
	assert_int_equal(fl_complaint_period_start(FL_COMPLAINT_MONTH, day(2000, 3, 1)),
			 day(2000, 3, 1));
	assert_int_equal(fl_complaint_period_parse("week"), FL_COMPLAINT_WEEK);
	assert_int_equal(fl_complaint_period_parse("month"), FL_COMPLAINT_MONTH);
	assert_int_equal(fl_complaint_period_parse("Month"), -1);
	assert_int_equal(fl_complaint_period_parse(NULL), -1);
}

static void test_first_contact(void **state)
{
	(void)state;
	assert_true(fl_complaint_first_contact(FL_STATUS_SOLVED, 1));
	assert_true(fl_complaint_first_contact(FL_STATUS_CLOSED, 1));
	assert_false(fl_complaint_first_contact(FL_STATUS_SOLVED, 0)); /* never answered */
	assert_false(fl_complaint_first_contact(FL_STATUS_SOLVED, 2));
	assert_false(fl_complaint_first_contact(FL_STATUS_PENDING, 1)); /* not yet solved */
}

static void test_product(void **state)
{
	fl_arena a;
	const char *cf =
		"[{\"id\":3,\"value\":\"Kettle\"},{\"id\":4,\"value\":12},"
		"{\"id\":5,\"value\":true},{\"id\":6,\"value\":null},{\"id\":7,\"value\":\"\"}]";

	(void)state;
	fl_arena_init(&a, 1024);
	assert_string_equal(fl_complaint_product(cf, 3, &a), "Kettle");
	assert_string_equal(fl_complaint_product(cf, 4, &a), "12");
	assert_string_equal(fl_complaint_product(cf, 5, &a), "true");
	assert_null(fl_complaint_product(cf, 6, &a));
	assert_null(fl_complaint_product(cf, 7, &a));
	assert_null(fl_complaint_product(cf, 8, &a));
	assert_null(fl_complaint_product(cf, 0, &a));
	assert_null(fl_complaint_product("not json", 3, &a));
	assert_null(fl_complaint_product("{\"id\":3}", 3, &a));
	assert_null(fl_complaint_product(NULL, 3, &a));
	fl_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),   cmocka_unit_test(test_name_for_reader),
		cmocka_unit_test(test_periods), cmocka_unit_test(test_first_contact),
		cmocka_unit_test(test_product),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
