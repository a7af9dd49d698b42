/* HTML from outside, made safe to show on our pages (html.c, gumbo): mail
 * bodies and the html_body of comments written through the API. Neutral
 * ground, so that both the mail channel and the ticket domain can use it
 * without the domain including a channel. */
#ifndef FL_CORE_HTML_H
#define FL_CORE_HTML_H

#include "core/arena.h"

/* html made safe to show on our pages: an allowlist of elements and
 * attributes, http(s)/mailto links only (rel=noopener, target=_blank),
 * images only from the message (cid:), scripts, styles and everything
 * active dropped, all text escaped. NULL for HTML over 1 MiB (show the
 * text instead) or when out of memory. The result is in a. */
char *fl_html_sanitize(const char *html, fl_arena *a);

/* What fl_html_sanitize_as keeps: FL_HTML_MAIL is fl_html_sanitize's
 * allowlist; FL_HTML_ARTICLE (knowledge-base articles, written by agents
 * and shown on the help center) also keeps images from https: and from
 * FL_HTML_ATTACHMENT_PATH (the knowledge base's own attachments, never
 * cid:), links relative to our site without target=_blank (same tab),
 * and h5, h6 and del. */
enum { FL_HTML_MAIL = 0, FL_HTML_ARTICLE = 1 };
#define FL_HTML_ATTACHMENT_PATH "/hc/article_attachments/"
char *fl_html_sanitize_as(const char *html, int mode, fl_arena *a);

/* The text of html as a reader would see it — what scripts and styles
 * hold left out, a line break before each block — for a comment given only
 * as HTML. NULL for HTML over 1 MiB or when out of memory; in a. */
char *fl_html_text(const char *html, fl_arena *a);

#endif
