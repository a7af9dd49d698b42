/* libFuzzer target: the HTML of a mail (or of a comment's html_body), made
 * safe to show, and its text (fl_html_text).
 *
 * Whatever the input, every tag in the output (text is escaped, so every
 * '<' starts one) must be an allowlisted element whose attributes are
 * href (http, https or mailto), src (cid:), alt, colspan or rowspan, or the
 * rel/target we add — no event handler, no style, no script. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"

static const char *const allowed[] = {
	"p",          "br",    "div",   "span",  "b",  "strong", "i",  "em", "u",   "s",
	"blockquote", "pre",   "code",  "ul",    "ol", "li",     "a",  "h1", "h2",  "h3",
	"h4",         "table", "thead", "tbody", "tr", "td",     "th", "hr", "img",
};

static void check_tag(const char *t, size_t n)
{
	size_t name = strspn(t + (t[0] == '/'), "abcdefghijklmnopqrstuvwxyz0123456789");
	const char *nm = t + (t[0] == '/');
	int ok = 0;
	char *copy;

	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		ok |= strlen(allowed[i]) == name && !strncmp(allowed[i], nm, name);
	if (!ok)
		abort();
	copy = strndup(t, n);
	if (!copy)
		abort();
	/* attributes: name="value", with only the names we let through */
	for (char *p = copy + (nm - t) + name; *p;) {
		char *eq;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		eq = strchr(p, '=');
		if (!eq || eq[1] != '"')
			abort();
		*eq = 0;
		if (strcmp(p, "href") && strcmp(p, "src") && strcmp(p, "alt") &&
		    strcmp(p, "colspan") && strcmp(p, "rowspan") && strcmp(p, "rel") &&
		    strcmp(p, "target"))
			abort();
		if (!strcmp(p, "href")) {
			const char *v = eq + 2;
			while (*v == ' ' || *v == '\t' || *v == '\n')
				v++;
			if (strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8) &&
			    strncasecmp(v, "mailto:", 7))
				abort();
		}
		if (!strcmp(p, "src") && strncasecmp(eq + 2, "cid:", 4))
			abort();
		p = strchr(eq + 2, '"');
		if (!p)
			abort();
		p++;
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	fl_arena a;
	char *out;

	if (!in)
		abort();
	memcpy(in, data, size);
	in[size] = 0;
	fl_arena_init(&a, 0);
	out = fl_html_sanitize(in, &a);
	for (const char *p = out; p && (p = strchr(p, '<'));) {
		const char *end = strchr(p, '>');
		if (!end)
			abort();
		check_tag(p + 1, (size_t)(end - p - 1));
		p = end + 1;
	}
	/* the text of a comment given only as HTML: any input, no crash */
	fl_html_text(in, &a);
	fl_arena_free(&a);
	free(in);
	return 0;
}
