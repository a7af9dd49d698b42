/* Placeholders: the names a template (core/template.h) may use about a
 * ticket and the person writing — Zendesk's: {{ticket.id}},
 * {{ticket.requester.first_name}}, {{current_user.name}}, … — and their
 * values, read from the store lazily: only what a template names is
 * loaded (docs/templates.md lists them, with examples).
 *
 * Macros' replies, triggers' mail and reminders render through here; a
 * value is never read as a template again (one pass), so a customer's
 * subject holding "{{current_user.email}}" comes out as it is written.
 * Names outside the list (satisfaction, custom fields, …) are refused:
 * fl_placeholders_check says which, so that a rule or macro naming one is
 * refused when it is saved (422), not mailed with a hole in it. */
#ifndef FL_TICKETS_PLACEHOLDER_H
#define FL_TICKETS_PLACEHOLDER_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "tickets/ticket.h"

/* What a render is about: the ticket (NULL: the ticket.* names are
 * empty), the person rendering it (0: none; current_user.* empty), and
 * the language status and priority are named in (uk, ru, lt, else en). */
struct fl_render_ctx {
	const struct fl_ticket *t;
	int64_t current_user_id;
	const char *lang;
};

/* Checks tpl: its grammar and that every name is a placeholder.
 * FL_EINVAL naming field, with the byte offset in e's message. */
int fl_placeholders_check(const char *tpl, const char *field, struct fl_err *e);

/* Renders tpl about c, in tx, for HTML when html is set (values escaped;
 * core/template.h), into *out (in a). FL_EINVAL (field "template") for a
 * template that does not check; the store's errors. A person, group or
 * organization that is gone renders as empty. */
int fl_placeholders_render(fl_tx *tx, const char *tpl, const struct fl_render_ctx *c, int html,
			   fl_arena *a, char **out, struct fl_err *e);

#endif
