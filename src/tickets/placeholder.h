/* Placeholders: the one template language of comments, macros and
 * messages ({{ticket.id}}, {{current_user.name}}, …).
 *
 * STAND-IN on the rules branch: the real placeholder.{h,c} is written in
 * parallel and replaces this at the merge. These declarations are the
 * contract; the stand-in copies text unchanged and accepts every
 * template. */
#ifndef FL_TICKETS_PLACEHOLDER_H
#define FL_TICKETS_PLACEHOLDER_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "tickets/ticket.h"

struct fl_render_ctx {
	const struct fl_ticket *t;
	int64_t current_user_id;
	const char *lang;
};

/* FL_EINVAL naming field when tpl is not a valid template. */
int fl_placeholders_check(const char *tpl, const char *field, struct fl_err *e);
/* Renders tpl for c into *out (in a); html escapes the values. */
int fl_placeholders_render(fl_tx *tx, const char *tpl, const struct fl_render_ctx *c, int html,
			   fl_arena *a, char **out, struct fl_err *e);

#endif
