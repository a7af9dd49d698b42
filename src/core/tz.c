/* Time zones through GLib's GTimeZone (tz.h). */
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tz.h"

/* fl_tz_next_change looks this far ahead at a time (32 days): no zone
 * changes twice that quickly in practice, and were it to, the bisection
 * below would still find the first change. */
#define CHANGE_PROBE (32 * 86400)

struct fl_tz {
	GTimeZone *z;
};

/* Whether the tz database has a compiled zone called name: a file that
 * starts as TZif files do (RFC 8536, section 3.1), in the folder GLib reads
 * them from. Without it GLib would read a name it has no file for as a
 * POSIX TZ string ("UTC+3", "GMT-5": five hours east) and complain on
 * stderr about a file that holds no zone ("leapseconds"). */
static int zone_file(const char *name)
{
	const char *dir = g_getenv("TZDIR");
	char path[512], magic[4];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo", name) >=
	    (int)sizeof path)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, magic, sizeof magic);
	close(fd);
	return n == (ssize_t)sizeof magic && !memcmp(magic, "TZif", sizeof magic);
}

int fl_tz_known(const char *name)
{
	struct fl_tz *tz = fl_tz_open(name);
	fl_tz_free(tz);
	return tz != NULL;
}

struct fl_tz *fl_tz_open(const char *name)
{
	struct fl_tz *tz;
	GTimeZone *z;
	size_t n = name ? strlen(name) : 0;

	/* an identifier, never a POSIX TZ string ("EST5EDT,M3.2.0") or an
	 * offset ("+03:00"), which GLib would take too */
	if (!n || n > 64 ||
	    !((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") !=
		    n ||
	    strstr(name, "//") || !zone_file(name))
		return NULL;
	if (!(z = g_time_zone_new_identifier(name)))
		return NULL;
	if (!(tz = malloc(sizeof *tz))) {
		g_time_zone_unref(z);
		return NULL;
	}
	tz->z = z;
	return tz;
}

void fl_tz_free(struct fl_tz *tz)
{
	if (!tz)
		return;
	g_time_zone_unref(tz->z);
	free(tz);
}

int32_t fl_tz_offset(const struct fl_tz *tz, int64_t t)
{
	int i = g_time_zone_find_interval(tz->z, G_TIME_TYPE_UNIVERSAL, t);
	return i < 0 ? 0 : g_time_zone_get_offset(tz->z, i);
}

int64_t fl_tz_next_change(const struct fl_tz *tz, int64_t t, int64_t until)
{
	int i = g_time_zone_find_interval(tz->z, G_TIME_TYPE_UNIVERSAL, t);
	int64_t lo = t, hi;

	/* GLib numbers a zone's intervals in time order, so a probe that still
	 * finds interval i proves no change between lo and the probe; the
	 * loop runs at most (until - t) / CHANGE_PROBE + 1 times. Invariant
	 * below: lo in interval i, hi past it. */
	for (;;) {
		if (lo >= until)
			return until;
		hi = until - lo > CHANGE_PROBE ? lo + CHANGE_PROBE : until;
		if (g_time_zone_find_interval(tz->z, G_TIME_TYPE_UNIVERSAL, hi) != i)
			break;
		lo = hi;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (g_time_zone_find_interval(tz->z, G_TIME_TYPE_UNIVERSAL, mid) == i)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}
