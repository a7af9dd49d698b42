/* Templates: the one template language of the desk — macros' replies,
 * triggers' and reminders' mail, the e-mail notices — a Mustache subset
 * read in one pass (docs/templates.md).
 *
 * Grammar (a tag is "{{", its body, "}}"; spaces inside a tag's ends are
 * ignored, so {{ ticket.id }} is {{ticket.id}}):
 *   {{name}}            the value of name, escaped when rendering HTML
 *   {{{name}}} {{&name}} the value as it is, even in HTML (never in JSON)
 *   {{#name}}…{{/name}} what is between, when name's value is "true": set,
 *                       not empty, not "false" and not "0"
 *   {{^name}}…{{/name}} what is between, when it is not
 *   {{! anything }}     a comment: nothing (it ends at its first "}}")
 * A name is letters, digits and "_", in parts joined by "." (ticket.
 * requester.first_name). Sections nest, each closed by its own name.
 * Everything else is text, copied as it is. There are no lists, partials,
 * lambdas or delimiter changes.
 *
 * Escaping: rendered for HTML (html set), a {{name}} value has & < > " '
 * escaped and bidirectional overrides dropped (fl_buf_add_html); rendered
 * as plain text (mail, a macro's text reply) nothing is escaped: text
 * stays text. The template's own text is never escaped: it is the
 * author's. Rendered for JSON (html FL_TEMPLATE_JSON: a webhook's body,
 * whose author writes "{{ticket.title}}" inside a JSON string), a value
 * has " and \ and control characters escaped as JSON strings need, so a
 * customer's quotes stay inside the string the author opened — every
 * value, {{{name}}} and {{&name}} too: there is no unescaped value in
 * JSON, or a subject of '","admin":true,"x":"' would add keys to the
 * body. Bytes of a value that are not UTF-8 become U+FFFD there.
 *
 * One pass: a value is written to the output and never read again as a
 * template. A customer's subject or comment holding "{{current_user.
 * email}}" comes out as those characters; no text from outside is ever
 * evaluated.
 *
 * Limits: a template of at most FL_TEMPLATE_MAX bytes, a tag of at most
 * FL_TEMPLATE_TAG_MAX (comments excepted), sections FL_TEMPLATE_DEPTH
 * deep, an output of at most FL_TEMPLATE_OUTPUT_MAX bytes (FL_ETOOBIG).
 * Plain C: nothing here knows where values come from. */
#ifndef FL_CORE_TEMPLATE_H
#define FL_CORE_TEMPLATE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define FL_TEMPLATE_MAX (64 * 1024)
#define FL_TEMPLATE_TAG_MAX 128
#define FL_TEMPLATE_DEPTH 8
#define FL_TEMPLATE_OUTPUT_MAX (1024 * 1024)
/* The html argument's values: plain text (0), HTML (1), JSON strings. */
#define FL_TEMPLATE_JSON 2

/* The value of name (n bytes, not NUL-terminated) into *value: NULL or ""
 * when it has none. It must live until the render returns. 0 or an error,
 * which stops the render and is returned. */
typedef int (*fl_template_lookup)(void *arg, const char *name, size_t n, const char **value);
/* Whether name (n bytes) is a name the caller knows: 1 or 0. */
typedef int (*fl_template_known)(void *arg, const char *name, size_t n);

/* Checks tpl (NUL-terminated): the first syntax error, or the first name
 * known() refuses (known NULL: every name is known), is FL_EINVAL with e
 * naming field and the byte offset of the tag in its message. */
int fl_template_check(const char *tpl, fl_template_known known, void *arg, const char *field,
		      struct fl_err *e);

/* Renders tpl with values from lookup (called only for the names the
 * output needs: not inside a section that is not shown), for HTML when
 * html is set, into *out (in a). A template that does not parse is
 * FL_EINVAL as fl_template_check says it (field "template"); an output
 * over FL_TEMPLATE_OUTPUT_MAX is FL_ETOOBIG; lookup's errors are
 * returned as they are. */
int fl_template_render(const char *tpl, int html, fl_template_lookup lookup, void *arg, fl_arena *a,
		       char **out, struct fl_err *e);

#endif
