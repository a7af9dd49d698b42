/* The public pages of NPS answers and unsubscribing: plain HTML, no
 * script, no outside resource but our own style sheet, every text
 * escaped (core/str.h's fl_buf_add_html). Pure: strings in, HTML out. */
#ifndef FL_FEEDBACK_NPS_PAGE_H
#define FL_FEEDBACK_NPS_PAGE_H

#include "core/str.h"

/* What the pages send as Content-Security-Policy. */
extern const char fl_fb_page_csp[];

/* <!doctype html> … <main> with title as the page's title and its <h1>. */
int fl_fb_page_start(fl_buf *b, const char *lang, const char *title);
/* A paragraph of text, escaped. */
int fl_fb_page_p(fl_buf *b, const char *text);
/* </main></body></html>. */
int fl_fb_page_end(fl_buf *b);

#endif
