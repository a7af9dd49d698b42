/* Time zones from the system's tz database (Debian's tzdata), through
 * GLib's GTimeZone (tz.c, the only file that includes it): glibc reads a
 * zone only through the process-wide TZ variable, which no thread may
 * change while others read the time (GMime does, parsing mail); GLib's
 * zones are objects, immutable and safe to share between threads. Never
 * offsets written by hand. */
#ifndef FL_CORE_TZ_H
#define FL_CORE_TZ_H

#include <stdint.h>

struct fl_tz;

/* Whether name is an IANA zone the tz database has ("Europe/Kyiv", "UTC"):
 * letters, digits and "/_-+" only, no "." (no path out of the database), no
 * POSIX TZ string or bare offset. */
int fl_tz_known(const char *name);
/* The zone called name, or NULL when !fl_tz_known(name) or out of memory. */
struct fl_tz *fl_tz_open(const char *name);
void fl_tz_free(struct fl_tz *tz);
/* The offset from UTC in seconds (east positive) in effect at instant t
 * (UTC seconds since 1970). */
int32_t fl_tz_offset(const struct fl_tz *tz, int64_t t);
/* The first instant in (t, until] at which the zone's next rule takes
 * effect (its offset usually changes there: a DST change, a new standard
 * time), or until when none does; until when t ≥ until. Both instants
 * within ±2^62. For walking a zone's changes once, as a business clock is
 * made (src/sla/bizhours.c): a few dozen tz database look-ups per change,
 * one per month between changes. */
int64_t fl_tz_next_change(const struct fl_tz *tz, int64_t t, int64_t until);

#endif
