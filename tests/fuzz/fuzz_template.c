/* libFuzzer target: the template language (core/template.h).
 *
 * The input is a template an admin might save. Whatever it is, the check
 * and the render agree (a template that checks renders, unless its
 * output is over the limit), a render never fails otherwise, and a text
 * without "{{" comes out as it went in. Every value holds tags itself,
 * so that a value read as a template again would show (one pass): the
 * values are written as they are, and the output never grows past what
 * the template's tags and the values can make. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"

static const char VALUE[] = "{{x}}<&>{{#y}}z{{/y}}";

static int lookup(void *arg, const char *name, size_t n, const char **v)
{
	(void)arg;
	/* "e…" names are empty, so that sections go both ways */
	*v = n && name[0] == 'e' ? "" : VALUE;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tpl = malloc(size + 1), *out = NULL;
	struct fl_err e = {0};
	fl_arena a;
	int checked, rc;

	if (!tpl)
		return 0;
	memcpy(tpl, data, size);
	tpl[size] = 0;
	fl_arena_init(&a, 0);
	checked = fl_template_check(tpl, NULL, NULL, "template", &e);
	/* a refusal names the field, and the byte unless the whole is too long */
	if (checked &&
	    (checked != FL_EINVAL || e.code != FL_EINVAL || strcmp(e.field, "template") ||
	     (!strstr(e.msg, " at byte ") && strcmp(e.reason, "TooLong"))))
		abort();
	for (int html = 0; html < 2; html++) {
		rc = fl_template_render(tpl, html, lookup, NULL, &a, &out, &e);
		if (checked ? rc != checked : rc && rc != FL_ETOOBIG)
			abort();
		if (!rc && !strstr(tpl, "{{") && strcmp(out, tpl))
			abort();
		/* each tag (at least 5 bytes) writes at most one value, escaped
		 * to at most 5 bytes a byte */
		if (!rc && strlen(out) > strlen(tpl) + (strlen(tpl) / 5 + 1) * 5 * sizeof VALUE)
			abort();
	}
	fl_arena_free(&a);
	free(tpl);
	return 0;
}
