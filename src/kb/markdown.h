/* Markdown to HTML for knowledge-base articles (markdown.c): md4c, sealed
 * in that one file, with GitHub's dialect (tables, ~~strike~~, task lists,
 * bare links) and raw HTML off — HTML typed into Markdown shows as text.
 * The output is not yet safe: the caller puts it through the article
 * sanitizer (core/html.h, FL_HTML_ARTICLE), as fl_kb_render does. */
#ifndef FL_KB_MARKDOWN_H
#define FL_KB_MARKDOWN_H

#include <stddef.h>

#include "core/arena.h"

/* The HTML of the n bytes of Markdown at md, in a (*out). Nesting deeper
 * than md4c's own limits is rendered as text, never a crash or a stack
 * overflow. FL_ETOOBIG when the HTML would pass out_max bytes, FL_EINVAL
 * when md4c gives up on the input, FL_ENOMEM. */
int fl_markdown_html(const char *md, size_t n, size_t out_max, fl_arena *a, char **out);

#endif
