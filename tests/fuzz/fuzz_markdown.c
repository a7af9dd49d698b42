/* libFuzzer target: an article body written in Markdown, rendered (md4c)
 * and made safe as the knowledge base shows it (fl_kb_render).
 *
 * Whatever the input: no crash, and every tag in the output (text is
 * escaped, so every '<' starts one) is an allowlisted element with no
 * event handler, style or script, links either relative (no scheme) or
 * http(s)/mailto, images https or our own attachments. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"
#include "kb/kb.h"

static const char *const allowed[] = {
	"p",   "br",   "div",   "span",  "b",     "strong", "i",  "em", "u",  "s",   "blockquote",
	"pre", "code", "ul",    "ol",    "li",    "a",      "h1", "h2", "h3", "h4",  "h5",
	"h6",  "del",  "table", "thead", "tbody", "tr",     "td", "th", "hr", "img",
};

/* A URL the article mode may keep: http(s)/mailto, or (links) one with no
 * scheme — no ':' before the first '/', '?' or '#', and not "//host". */
static void check_url(const char *v, size_t n, int image)
{
	size_t pre = strcspn(v, ":/?#\"");
	if (image) {
		if (strncasecmp(v, "https://", 8) &&
		    strncmp(v, FL_HTML_ATTACHMENT_PATH, strlen(FL_HTML_ATTACHMENT_PATH)))
			abort();
		return;
	}
	if (!strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8) ||
	    !strncasecmp(v, "mailto:", 7))
		return;
	if (pre < n && v[pre] == ':')
		abort();
	if (n >= 2 && v[0] == '/' && v[1] == '/')
		abort();
}

static void check_tag(const char *t, size_t n)
{
	const char *nm = t + (t[0] == '/');
	size_t name = strspn(nm, "abcdefghijklmnopqrstuvwxyz0123456789");
	const char *p = nm + name, *end = t + n;
	int ok = 0;

	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		ok |= strlen(allowed[i]) == name && !strncmp(allowed[i], nm, name);
	if (!ok)
		abort();
	/* attributes: name="value" (values escaped: no '"' inside), only the
	 * names we let through */
	while (p < end) {
		const char *eq, *close;
		size_t an;
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq + 1 >= end || eq[1] != '"')
			abort();
		close = memchr(eq + 2, '"', (size_t)(end - eq - 2));
		if (!close)
			abort();
		an = (size_t)(eq - p);
		if (an == 4 && !strncmp(p, "href", 4))
			check_url(eq + 2, (size_t)(close - eq - 2), 0);
		else if (an == 3 && !strncmp(p, "src", 3))
			check_url(eq + 2, (size_t)(close - eq - 2), 1);
		else if (!(an == 3 && !strncmp(p, "alt", 3)) &&
			 !(an == 7 && !strncmp(p, "colspan", 7)) &&
			 !(an == 7 && !strncmp(p, "rowspan", 7)) &&
			 !(an == 3 && !strncmp(p, "rel", 3)) &&
			 !(an == 6 && !strncmp(p, "target", 6)))
			abort();
		p = close + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	struct fl_kb_translation t = {.locale = "en", .title = "t"};
	struct fl_err e = {0};
	fl_arena a;

	if (!in)
		abort();
	memcpy(in, data, size);
	in[size] = 0;
	fl_arena_init(&a, 0);
	t.body_md = in;
	if (!fl_kb_render(&t, &a, &e))
		for (const char *p = t.body_html; p && (p = strchr(p, '<'));) {
			const char *end = strchr(p, '>');
			if (!end)
				abort();
			check_tag(p + 1, (size_t)(end - p - 1));
			p = end + 1;
		}
	fl_arena_free(&a);
	free(in);
	return 0;
}
