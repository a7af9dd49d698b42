/* Unit tests for src/core/tz.c: IANA zones from the system's tz database.
 * Expected offsets are the 2026 rules: Europe/Kyiv and Europe/Vilnius are
 * UTC+2 in winter and UTC+3 from 01:00 UTC on the last Sunday of March (29
 * March) to 01:00 UTC on the last Sunday of October (25 October);
 * America/New_York is UTC−5, and UTC−4 from 07:00 UTC on 8 March to 06:00
 * UTC on 1 November. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <time.h>

#include "core/tz.h"
#include "unit.h"

#define HOUR 3600

static void test_tz_names(void **state)
{
	const char *known[] = {"Europe/Kyiv", "Europe/Vilnius", "Europe/Warsaw", "America/New_York",
			       "UTC",         "Etc/GMT-3"};
	/* no such zone; paths out of the database; POSIX TZ strings and
	 * offsets, which GLib alone would take ("GMT-5" as five hours east);
	 * a folder and a file of the database that are no zone */
	const char *unknown[] = {"Mars/Olympus",
				 "Europe/Atlantis",
				 "../etc/passwd",
				 "Europe/../UTC",
				 "/etc/localtime",
				 "Europe//Kyiv",
				 "",
				 "EST5EDT,M3.2.0",
				 "+03:00",
				 "UTC+3",
				 "UTC3",
				 "GMT-5",
				 "Europe",
				 "leapseconds"};
	(void)state;

	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		struct fl_tz *tz = fl_tz_open(known[i]);
		assert_true(fl_tz_known(known[i]));
		assert_non_null(tz);
		fl_tz_free(tz);
	}
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
		assert_false(fl_tz_known(unknown[i]));
		assert_null(fl_tz_open(unknown[i]));
	}
	assert_false(fl_tz_known(NULL));
	fl_tz_free(NULL);
}

static void test_tz_offsets(void **state)
{
	struct fl_tz *kyiv = fl_tz_open("Europe/Kyiv"), *vilnius = fl_tz_open("Europe/Vilnius"),
		     *ny = fl_tz_open("America/New_York"), *u = fl_tz_open("UTC");
	(void)state;

	assert_non_null(kyiv);
	assert_non_null(vilnius);
	assert_non_null(ny);
	assert_non_null(u);
	/* a second either side of 01:00 UTC on the last Sundays of March and
	 * October 2026 */
	struct fl_tz *eu[] = {kyiv, vilnius};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(fl_tz_offset(eu[i], utc(2026, 3, 29, 0, 59, 59)), 2 * HOUR);
		assert_int_equal(fl_tz_offset(eu[i], utc(2026, 3, 29, 1, 0, 0)), 3 * HOUR);
		assert_int_equal(fl_tz_offset(eu[i], utc(2026, 10, 25, 0, 59, 59)), 3 * HOUR);
		assert_int_equal(fl_tz_offset(eu[i], utc(2026, 10, 25, 1, 0, 0)), 2 * HOUR);
	}
	assert_int_equal(fl_tz_offset(ny, utc(2026, 3, 8, 6, 59, 59)), -5 * HOUR);
	assert_int_equal(fl_tz_offset(ny, utc(2026, 3, 8, 7, 0, 0)), -4 * HOUR);
	assert_int_equal(fl_tz_offset(ny, utc(2026, 11, 1, 5, 59, 59)), -4 * HOUR);
	assert_int_equal(fl_tz_offset(ny, utc(2026, 11, 1, 6, 0, 0)), -5 * HOUR);
	assert_int_equal(fl_tz_offset(u, utc(2026, 7, 1, 12, 0, 0)), 0);
	/* the database's Etc zones have POSIX's sign: GMT-3 is three hours east */
	struct fl_tz *etc = fl_tz_open("Etc/GMT-3");
	assert_non_null(etc);
	assert_int_equal(fl_tz_offset(etc, utc(2026, 7, 1, 12, 0, 0)), 3 * HOUR);
	fl_tz_free(etc);

	/* the changes of 2026, one after the other, then none before 2027 */
	int64_t end = utc(2027, 1, 1, 0, 0, 0);
	assert_int_equal(fl_tz_next_change(kyiv, utc(2026, 1, 1, 0, 0, 0), end),
			 utc(2026, 3, 29, 1, 0, 0));
	assert_int_equal(fl_tz_next_change(kyiv, utc(2026, 3, 29, 0, 59, 59), end),
			 utc(2026, 3, 29, 1, 0, 0));
	assert_int_equal(fl_tz_next_change(kyiv, utc(2026, 3, 29, 1, 0, 0), end),
			 utc(2026, 10, 25, 1, 0, 0));
	assert_int_equal(fl_tz_next_change(kyiv, utc(2026, 10, 25, 1, 0, 0), end), end);
	assert_int_equal(fl_tz_next_change(ny, utc(2026, 3, 9, 0, 0, 0), end),
			 utc(2026, 11, 1, 6, 0, 0));
	assert_int_equal(fl_tz_next_change(u, utc(2026, 1, 1, 0, 0, 0), end), end);
	assert_int_equal(fl_tz_next_change(kyiv, end, end), end);
	assert_int_equal(fl_tz_next_change(kyiv, end + 5, end), end);
	fl_tz_free(kyiv);
	fl_tz_free(vilnius);
	fl_tz_free(ny);
	fl_tz_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_names),
		cmocka_unit_test(test_tz_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
