/* The desk's public address (portal/site.h tells the rules). */
#include "portal/site.h"

#include <string.h>
#include "store/settings.h"

int fl_site_url(fl_tx *tx, fl_arena *a, char **out)
{
	char *v = NULL;
	int rc = fl_store_setting_get(tx, FL_SITE_URL_SETTING, a, &v);

	if (rc)
		return rc;
	if (!v || !*v)
		return FL_ENOTFOUND;
	*out = v;
	return 0;
}

int fl_site_url_init(fl_tx *tx, const char *configured, const char *fallback, fl_arena *a,
		     char **url)
{
	char *now = NULL;
	int rc = fl_site_url(tx, a, &now);

	if (rc && rc != FL_ENOTFOUND)
		return rc;
	if (configured && *configured && (!now || strcmp(now, configured)))
		now = (char *)configured;
	else if (!now)
		now = (char *)fallback;
	else
		return *url = now, 0;
	if ((rc = fl_store_setting_set(tx, FL_SITE_URL_SETTING, now)))
		return rc;
	*url = fl_arena_strdup(a, now);
	return *url ? 0 : FL_ENOMEM;
}
