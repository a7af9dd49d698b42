/* Markdown to HTML (markdown.h): the one file that includes md4c. */
#include <md4c-html.h>

#include "core/err.h"
#include "core/str.h"
#include "kb/markdown.h"

struct sink {
	fl_buf b;
	int rc;
};

static void put(const MD_CHAR *p, MD_SIZE n, void *arg)
{
	struct sink *s = arg;
	if (!s->rc)
		s->rc = fl_buf_add(&s->b, p, n);
}

int fl_markdown_html(const char *md, size_t n, size_t out_max, fl_arena *a, char **out)
{
	struct sink s = {.rc = 0};
	int rc;

	if (n > 0xffffffffu)
		return FL_ETOOBIG;
	fl_buf_init(&s.b, out_max);
	rc = md_html(md, (MD_SIZE)n, put, &s, MD_DIALECT_GITHUB | MD_FLAG_NOHTML, 0);
	if (!s.rc && rc)
		s.rc = FL_EINVAL;
	if (!s.rc) {
		*out = fl_arena_strndup(a, s.b.p ? s.b.p : "", s.b.n);
		if (!*out)
			s.rc = FL_ENOMEM;
	}
	fl_buf_free(&s.b);
	return s.rc;
}
