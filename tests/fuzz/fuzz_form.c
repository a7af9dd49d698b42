/* libFuzzer target: HTML form bodies.
 *
 * The input's first line is a Content-Type; the rest is the body. It goes
 * through what POST /portal/requests does with them: fl_form_parse (the
 * post processor on a private connection), then fl_portal_request_read.
 * Nothing may crash, leak or read out of bounds, and what comes out keeps
 * the limits: no more parts than allowed, no value or file over its size,
 * every part's bytes NUL-terminated, at most FL_PORTAL_MAX_FILES files, and
 * a request without problems has its required fields, a normalized
 * address and a subject within FL_PORTAL_SUBJECT_MAX characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "http/form.h"
#include "portal/portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ntype = nl ? (size_t)(nl - data) : size;
	const char *body = nl ? (const char *)nl + 1 : "";
	size_t nbody = nl ? size - ntype - 1 : 0;
	struct fl_form_limits lim = {16, 512, 1024};
	struct fl_portal_request *r = malloc(sizeof *r);
	struct fl_form f;
	struct fl_err e = {0};
	char *type = malloc(ntype + 1);
	fl_arena a;

	if (!type || !r)
		abort();
	memcpy(type, data, ntype);
	type[ntype] = 0;
	fl_arena_init(&a, 0);
	if (fl_form_parse(type, body, nbody, &lim, &a, &f, &e) == 0) {
		if (f.nparts > lim.max_parts)
			abort();
		for (size_t i = 0; i < f.nparts; i++) {
			const struct fl_form_part *p = &f.parts[i];
			if (!p->name || !p->data || p->data[p->n] ||
			    p->n > (p->file_name ? lim.max_file : lim.max_value))
				abort();
		}
		if (fl_portal_request_read(&f, "uk, ru;q=0.5", &a, r) == 0) {
			if (r->nfiles > FL_PORTAL_MAX_FILES ||
			    r->nproblems > FL_PORTAL_MAX_PROBLEMS)
				abort();
			if (!r->nproblems &&
			    (!r->email || !r->subject || !r->description ||
			     fl_email_normalize(r->email) ||
			     fl_utf8_len(r->subject, strlen(r->subject)) > FL_PORTAL_SUBJECT_MAX))
				abort();
		}
	}
	fl_arena_free(&a);
	free(type);
	free(r);
	return 0;
}
