/* STAND-IN (rules branch): copies a template unchanged and accepts every
 * template; the real one is written in parallel (tickets/placeholder.h). */
#include "tickets/placeholder.h"

#include <string.h>

int fl_placeholders_check(const char *tpl, const char *field, struct fl_err *e)
{
	(void)tpl;
	(void)field;
	(void)e;
	return 0;
}

int fl_placeholders_render(fl_tx *tx, const char *tpl, const struct fl_render_ctx *c, int html,
			   fl_arena *a, char **out, struct fl_err *e)
{
	(void)tx;
	(void)c;
	(void)html;
	(void)e;
	*out = fl_arena_strdup(a, tpl ? tpl : "");
	return *out ? 0 : FL_ENOMEM;
}
