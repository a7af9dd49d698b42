/* An agent's preferences (users/prefs.h). */
#include <stdio.h>
#include <string.h>

#include "store/users.h"
#include "users/prefs.h"

static const struct {
	const char *name;
	const char *values[3]; /* the first is the default */
} prefs[FL_PREF__N] = {
	[FL_PREF_DENSITY] = {"density", {"comfortable", "compact"}},
	[FL_PREF_AFTER_SUBMIT] = {"after_submit", {"stay", "next"}},
};

const char *fl_pref_name(enum fl_pref p)
{
	return prefs[p].name;
}

int fl_pref_find(const char *name, struct fl_err *e)
{
	char field[64];

	for (int i = 0; i < FL_PREF__N; i++)
		if (!strcmp(name, prefs[i].name))
			return i;
	snprintf(field, sizeof field, "preferences.%.40s", name);
	return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
			  "%s: is not a preference (density, after_submit)", field);
}

int fl_pref_check(enum fl_pref p, const char *value, struct fl_err *e)
{
	char field[64];

	for (size_t i = 0; i < sizeof prefs[p].values / sizeof *prefs[p].values; i++)
		if (prefs[p].values[i] && value && !strcmp(value, prefs[p].values[i]))
			return 0;
	snprintf(field, sizeof field, "preferences.%s", prefs[p].name);
	return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: must be %s or %s", field,
			  prefs[p].values[0], prefs[p].values[1]);
}

int fl_prefs_get(struct fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_prefs *out)
{
	for (int i = 0; i < FL_PREF__N; i++) {
		char *v;
		int rc = fl_store_pref_get(tx, user_id, prefs[i].name, a, &v);
		if (rc && rc != FL_ENOTFOUND)
			return rc;
		/* a value another version of frontline stored and this one does
		 * not know reads as the default */
		out->value[i] = !rc && !fl_pref_check(i, v, NULL) ? v : prefs[i].values[0];
	}
	return 0;
}

int fl_prefs_set(struct fl_tx *tx, int64_t user_id, const struct fl_prefs *change, struct fl_err *e)
{
	int rc = 0;

	for (int i = 0; i < FL_PREF__N && !rc; i++)
		if (change->value[i] && !(rc = fl_pref_check(i, change->value[i], e)))
			rc = fl_store_pref_set(tx, user_id, prefs[i].name, change->value[i]);
	return rc;
}
