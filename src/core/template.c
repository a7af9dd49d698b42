/* Templates: one pass over the template, text and values appended to the
 * output as they come (core/template.h tells the grammar and the rules). */
#include "core/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"

struct walk {
	const char *tpl;
	size_t n;
	int html;
	fl_template_lookup lookup; /* render: set */
	fl_template_known known;   /* check: may be NULL */
	void *arg;
	fl_buf *out; /* render: set */
	const char *field;
	struct fl_err *e;
};

struct section {
	const char *name;
	size_t len, at;
	int on; /* its content is written */
};

/* Appends v escaped as the inside of a JSON string (RFC 8259, section
 * 7): the quote, the backslash and the control characters; the rest,
 * UTF-8 included, as it is, but for bytes that are not UTF-8 (which JSON
 * cannot hold): each becomes U+FFFD. */
static int add_json(fl_buf *b, const char *v)
{
	int rc = 0;

	if (!fl_utf8_valid(v, strlen(v))) {
		fl_buf fixed;
		fl_buf_init(&fixed, FL_TEMPLATE_OUTPUT_MAX);
		rc = fl_buf_add_utf8(&fixed, v, strlen(v));
		if (!rc)
			rc = add_json(b, fixed.p);
		fl_buf_free(&fixed);
		return rc;
	}

	for (const char *p = v; *p && !rc; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			rc = fl_buf_addc(b, '\\');
		if (rc)
			break;
		if (c < 0x20)
			rc = fl_buf_addf(b, "\\u%04x", c);
		else
			rc = fl_buf_addc(b, (char)c);
	}
	return rc;
}

/* FL_EINVAL naming the walk's field: what (printf) at byte at. */
static int fail(const struct walk *w, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(const struct walk *w, size_t at, const char *fmt, ...)
{
	char what[FL_TEMPLATE_TAG_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return fl_err_set(w->e, FL_EINVAL, w->field, "InvalidValue", "%s: %s at byte %zu", w->field,
			  what, at);
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Whether p (n bytes) is a name: parts of name characters joined by ".". */
static int name_ok(const char *p, size_t n)
{
	if (!n || p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!name_char(p[i]) && !(p[i] == '.' && p[i - 1] != '.'))
			return 0;
	return 1;
}

/* Whether a section of this value is shown (core/template.h). */
static int truthy(const char *v)
{
	return v && *v && strcmp(v, "false") && strcmp(v, "0");
}

static const char *find(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == needle[0] && !memcmp(p + i, needle, k))
			return p + i;
	return NULL;
}

static int value(const struct walk *w, const char *name, size_t len, const char **v)
{
	*v = NULL;
	return w->lookup ? w->lookup(w->arg, name, len, v) : 0;
}

static int walk(struct walk *w)
{
	struct section st[FL_TEMPLATE_DEPTH];
	size_t depth = 0, i = 0;
	int on = 1, rc;

	if (w->n > FL_TEMPLATE_MAX)
		return fl_err_set(w->e, FL_EINVAL, w->field, "TooLong", "%s: at most %d bytes",
				  w->field, FL_TEMPLATE_MAX);
	while (i < w->n) {
		const char *open = find(w->tpl + i, w->n - i, "{{");
		size_t stop = open ? (size_t)(open - w->tpl) : w->n, at, body, end, k;
		const char *close, *name;
		char sigil = 0;
		int triple;

		if (on && w->out && stop > i && (rc = fl_buf_add(w->out, w->tpl + i, stop - i)))
			return rc;
		if (!open)
			break;
		at = stop;
		triple = at + 2 < w->n && w->tpl[at + 2] == '{';
		body = at + (triple ? 3 : 2);
		close = find(w->tpl + body, w->n - body, triple ? "}}}" : "}}");
		if (!close)
			return fail(w, at, "%s", "a tag that is not closed");
		end = (size_t)(close - w->tpl);
		i = end + (triple ? 3 : 2);
		if (!triple && end > body && w->tpl[body] == '!')
			continue; /* a comment, however long */
		if (end - body > FL_TEMPLATE_TAG_MAX)
			return fail(w, at, "a tag over %d bytes", FL_TEMPLATE_TAG_MAX);
		while (body < end && w->tpl[body] == ' ')
			body++;
		if (!triple && body < end && strchr("#^/&", w->tpl[body]))
			sigil = w->tpl[body++];
		while (body < end && w->tpl[body] == ' ')
			body++;
		while (end > body && w->tpl[end - 1] == ' ')
			end--;
		name = w->tpl + body;
		k = end - body;
		if (!name_ok(name, k))
			return fail(w, at, "%s", k ? "a tag that is not a name" : "an empty tag");
		if (w->known && !w->known(w->arg, name, k))
			return fail(w, at, "unknown placeholder {{%.*s}}", (int)k, name);
		if (sigil == '#' || sigil == '^') {
			const char *v = NULL;
			if (depth == FL_TEMPLATE_DEPTH)
				return fail(w, at, "sections nested over %d deep",
					    FL_TEMPLATE_DEPTH);
			if (on && (rc = value(w, name, k, &v)))
				return rc;
			st[depth] =
				(struct section){name, k, at, on && (sigil == '#') == truthy(v)};
			on = st[depth++].on;
		} else if (sigil == '/') {
			if (!depth || st[depth - 1].len != k || memcmp(st[depth - 1].name, name, k))
				return fail(w, at, "{{/%.*s}} closes no open section", (int)k,
					    name);
			depth--;
			on = depth ? st[depth - 1].on : 1;
		} else if (on && w->out) {
			const char *v = NULL;
			if ((rc = value(w, name, k, &v)))
				return rc;
			/* JSON escapes every value, triple or not: a value as it is
			 * would let a customer's quotes close the author's string */
			if (v && *v)
				rc = w->html == FL_TEMPLATE_JSON ? add_json(w->out, v)
				     : !w->html || triple || sigil == '&'
					     ? fl_buf_add(w->out, v, strlen(v))
					     : fl_buf_add_html(w->out, v, strlen(v));
			if (rc)
				return rc;
		}
	}
	if (depth)
		return fail(w, st[depth - 1].at, "section {{#%.*s}} is not closed",
			    (int)st[depth - 1].len, st[depth - 1].name);
	return 0;
}

int fl_template_check(const char *tpl, fl_template_known known, void *arg, const char *field,
		      struct fl_err *e)
{
	struct walk w = {tpl ? tpl : "", 0, 0, NULL, known, arg, NULL, field, e};

	w.n = strlen(w.tpl);
	return walk(&w);
}

int fl_template_render(const char *tpl, int html, fl_template_lookup lookup, void *arg, fl_arena *a,
		       char **out, struct fl_err *e)
{
	fl_buf b;
	struct walk w = {tpl ? tpl : "", 0, html, lookup, NULL, arg, &b, "template", e};
	int rc;

	w.n = strlen(w.tpl);
	fl_buf_init(&b, FL_TEMPLATE_OUTPUT_MAX);
	rc = walk(&w);
	if (rc == FL_ETOOBIG)
		fl_err_set(e, rc, "template", "TooLong",
			   "template: the text would be over %d bytes", FL_TEMPLATE_OUTPUT_MAX);
	if (!rc && !(*out = fl_arena_strndup(a, b.p ? b.p : "", b.n)))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	return rc;
}
