/* Time zones through GLib's GTimeZone (tz.h). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"

struct fl_tz {
	GTimeZone *z;
};

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
	if (!n || n > 64 || !((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") != n ||
	    strstr(name, "//"))
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
