/* Time: Unix seconds (int64) everywhere inside; ISO 8601 UTC at the edges. */
#ifndef FL_CORE_TIME_H
#define FL_CORE_TIME_H

#include <stdint.h>

#include "core/str.h"

int64_t fl_now(void);      /* wall clock, seconds */
uint64_t fl_mono_us(void); /* monotonic microseconds, for durations */
void fl_sleep_ms(int ms);

/* Writes "2026-11-22T08:24:40Z" into out (at least 21 bytes). */
void fl_time_iso(int64_t t, char out[21]);

/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.frac]]" followed by "Z", a
 * "+HH:MM"/"-HH:MM" offset, or nothing (then UTC): RFC 3339 section 5.6,
 * with the zone optional for people typing dates into search. FL_EMALFORMED
 * on anything else, including days that do not exist. */
int fl_time_parse(fl_str s, int64_t *out);

/* For tests: when set to a non-zero value, fl_now() returns it. */
void fl_time_freeze(int64_t t);

#endif
