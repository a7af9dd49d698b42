/* HTML from outside, made safe to show (html.h, fl_html_sanitize): parsed
 * with gumbo as a browser would, then written out again with only an
 * allowlist of elements and attributes. Everything else — scripts, styles,
 * forms, frames, event handlers, style attributes, links that are not
 * http(s) or mailto — is dropped; the text of dropped elements is kept
 * except for script, style, head and title. Text and attribute values are
 * escaped. Images are kept only when they point into the message (cid:),
 * which the caller maps to the attachment. Articles (FL_HTML_ARTICLE) keep
 * a little more: images from https: and from the knowledge base's own
 * attachments, links relative to our site (opened in the same tab), and the
 * elements Markdown makes that mail has no use for (h5, h6, del). */
#include <gumbo.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"
#include "core/str.h"

#define MAX_DEPTH 64
#define MAX_HTML (1u << 20) /* bytes of HTML worth showing; past it, the text */

static const GumboTag keep[] = {
	GUMBO_TAG_P,          GUMBO_TAG_BR,    GUMBO_TAG_DIV,   GUMBO_TAG_SPAN,  GUMBO_TAG_B,
	GUMBO_TAG_STRONG,     GUMBO_TAG_I,     GUMBO_TAG_EM,    GUMBO_TAG_U,     GUMBO_TAG_S,
	GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE,   GUMBO_TAG_CODE,  GUMBO_TAG_UL,    GUMBO_TAG_OL,
	GUMBO_TAG_LI,         GUMBO_TAG_A,     GUMBO_TAG_H1,    GUMBO_TAG_H2,    GUMBO_TAG_H3,
	GUMBO_TAG_H4,         GUMBO_TAG_TABLE, GUMBO_TAG_THEAD, GUMBO_TAG_TBODY, GUMBO_TAG_TR,
	GUMBO_TAG_TD,         GUMBO_TAG_TH,    GUMBO_TAG_HR,    GUMBO_TAG_IMG,
};

/* Elements only articles keep (Markdown's deeper headings and ~~strike~~). */
static const GumboTag keep_article[] = {GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_DEL};

/* Elements whose content is not text anyone should see. */
static int hidden(GumboTag t)
{
	return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_HEAD ||
	       t == GUMBO_TAG_TITLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT ||
	       t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_SVG ||
	       t == GUMBO_TAG_MATH;
}

static int kept(GumboTag t, int mode)
{
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		if (keep[i] == t)
			return 1;
	for (size_t i = 0;
	     mode == FL_HTML_ARTICLE && i < sizeof keep_article / sizeof *keep_article; i++)
		if (keep_article[i] == t)
			return 1;
	return 0;
}

static int is_void(GumboTag t)
{
	return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_IMG;
}

/* v without the white space a browser ignores before a URL. */
static const char *trim(const char *v)
{
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == '\f')
		v++;
	return v;
}

/* A URL with no scheme that stays on our site: a path, a query or a
 * fragment ("/hc/uk/articles/1", "#steps", "other-article"), not
 * "//host" (another site, nor "/\\host", which browsers read so: no
 * backslash at all) and not one whose first ':' comes before any
 * '/', '?' or '#' (a scheme: "javascript:", however it is spelled, since
 * browsers drop tabs and line breaks inside it and we refuse those too). */
static int relative_url(const char *v)
{
	if (!*v || strchr(v, '\\') || (v[0] == '/' && v[1] == '/'))
		return 0;
	for (const char *p = v; *p; p++) {
		if (*p == ':' || (unsigned char)*p < 0x20)
			return 0;
		if (*p == '/' || *p == '?' || *p == '#')
			return 1;
	}
	return 1;
}

/* A link a browser may follow from our page (*relative set when it stays
 * on our site: article mode only). */
static int safe_url(const char *v, int image, int mode, int *relative)
{
	v = trim(v);
	*relative = 0;
	if (mode == FL_HTML_ARTICLE) {
		if (image)
			return !strncasecmp(v, "https://", 8) ||
			       !strncmp(v, FL_HTML_ATTACHMENT_PATH,
					strlen(FL_HTML_ATTACHMENT_PATH));
		if (relative_url(v))
			return *relative = 1;
	}
	if (image)
		return !strncasecmp(v, "cid:", 4);
	return !strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8) ||
	       !strncasecmp(v, "mailto:", 7);
}

static void text(fl_buf *b, const char *z)
{
	fl_buf_add_html(b, z, strlen(z));
}

static void walk(fl_buf *b, GumboNode *n, int depth, int mode)
{
	GumboElement *el;
	int keep_tag, relative_link = 0;

	if (depth > MAX_DEPTH)
		return;
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA) {
		text(b, n->v.text.text);
		return;
	}
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE &&
	    n->type != GUMBO_NODE_DOCUMENT)
		return;
	if (n->type == GUMBO_NODE_DOCUMENT) {
		for (unsigned i = 0; i < n->v.document.children.length; i++)
			walk(b, n->v.document.children.data[i], depth + 1, mode);
		return;
	}
	el = &n->v.element;
	if (hidden(el->tag))
		return;
	keep_tag = kept(el->tag, mode);
	if (keep_tag) {
		const char *name = gumbo_normalized_tagname(el->tag);
		fl_buf_addf(b, "<%s", name);
		for (unsigned i = 0; i < el->attributes.length; i++) {
			GumboAttribute *at = el->attributes.data[i];
			int href = el->tag == GUMBO_TAG_A && !strcasecmp(at->name, "href");
			int src = el->tag == GUMBO_TAG_IMG && !strcasecmp(at->name, "src");
			int plain = (el->tag == GUMBO_TAG_IMG && !strcasecmp(at->name, "alt")) ||
				    ((el->tag == GUMBO_TAG_TD || el->tag == GUMBO_TAG_TH) &&
				     (!strcasecmp(at->name, "colspan") ||
				      !strcasecmp(at->name, "rowspan")));
			int relative = 0;
			if ((href || src) && !safe_url(at->value, src, mode, &relative))
				continue;
			if (href)
				relative_link = relative;
			if (!href && !src && !plain)
				continue;
			fl_buf_addf(b, " %s=\"", at->name);
			text(b, href || src ? trim(at->value) : at->value);
			fl_buf_addc(b, '"');
		}
		if (el->tag == GUMBO_TAG_A && !relative_link)
			fl_buf_adds(b, " rel=\"noopener noreferrer nofollow\" target=\"_blank\"");
		fl_buf_addc(b, '>');
	}
	if (!(el->tag == GUMBO_TAG_IMG && keep_tag))
		for (unsigned i = 0; i < el->children.length; i++)
			walk(b, el->children.data[i], depth + 1, mode);
	if (keep_tag && !is_void(el->tag))
		fl_buf_addf(b, "</%s>", gumbo_normalized_tagname(el->tag));
}

/* Parses html and has walker write what it makes of the tree; the result
 * copied into a. NULL for input over MAX_HTML or out of memory. */
static char *render(const char *html, void (*walker)(fl_buf *, GumboNode *, int, int), int mode,
		    fl_arena *a)
{
	GumboOutput *out;
	fl_buf b;
	char *s;

	if (!html || strlen(html) > MAX_HTML)
		return NULL;
	out = gumbo_parse_with_options(&kGumboDefaultOptions, html, strlen(html));
	if (!out)
		return NULL;
	fl_buf_init(&b, 4u << 20);
	walker(&b, out->document, 0, mode);
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	s = fl_arena_strndup(a, b.p ? b.p : "", b.n);
	fl_buf_free(&b);
	return s;
}

char *fl_html_sanitize(const char *html, fl_arena *a)
{
	return render(html, walk, FL_HTML_MAIL, a);
}

char *fl_html_sanitize_as(const char *html, int mode, fl_arena *a)
{
	return render(html, walk, mode, a);
}

/* Appends the text under n: text nodes as they are, a line break before
 * each block (paragraph, line break, list item, row, heading, division). */
static void walk_text(fl_buf *b, GumboNode *n, int depth, int mode)
{
	GumboElement *el;

	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA) {
		fl_buf_adds(b, n->v.text.text);
		return;
	}
	if ((n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) || depth > MAX_DEPTH)
		return;
	if (n->type == GUMBO_NODE_DOCUMENT) {
		for (unsigned i = 0; i < n->v.document.children.length; i++)
			walk_text(b, n->v.document.children.data[i], depth + 1, mode);
		return;
	}
	el = &n->v.element;
	if (hidden(el->tag))
		return;
	if (b->n &&
	    (el->tag == GUMBO_TAG_P || el->tag == GUMBO_TAG_BR || el->tag == GUMBO_TAG_DIV ||
	     el->tag == GUMBO_TAG_LI || el->tag == GUMBO_TAG_TR || el->tag == GUMBO_TAG_H1 ||
	     el->tag == GUMBO_TAG_H2 || el->tag == GUMBO_TAG_H3 || el->tag == GUMBO_TAG_H4))
		fl_buf_addc(b, '\n');
	for (unsigned i = 0; i < el->children.length; i++)
		walk_text(b, el->children.data[i], depth + 1, mode);
}

char *fl_html_text(const char *html, fl_arena *a)
{
	return render(html, walk_text, FL_HTML_MAIL, a);
}
