/* libFuzzer target: the analysis of text into search terms (core/text.h).
 *
 * The input is any bytes, as a document and as a query (also a prefix
 * query). Every term must be 1..FL_TEXT_TERM_MAX bytes of valid UTF-8, a
 * position's first term not colocated and its others so, positions counted
 * up by one, offsets within the input; the same input must give the same
 * terms twice; and a snippet of the input for its own first bytes as a
 * query must come out. Anything else aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/text.h"

struct check {
	size_t size, next_pos, terms;
	uint64_t hash;
};

static int check_term(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		      size_t start, size_t end)
{
	struct check *c = ctx;

	if (!len || len > FL_TEXT_TERM_MAX || !fl_utf8_valid(term, len))
		abort();
	if (start >= end || end > c->size)
		abort();
	if (colocated ? pos + 1 != c->next_pos : pos != c->next_pos)
		abort();
	if (!colocated)
		c->next_pos = pos + 1;
	for (size_t i = 0; i < len; i++)
		c->hash = (c->hash ^ (unsigned char)term[i]) * 1099511628211u;
	c->hash = (c->hash ^ (uint64_t)(pos * 2 + (size_t)colocated)) * 1099511628211u;
	c->terms++;
	return 0;
}

static void run(const char *p, size_t n, unsigned flags)
{
	struct check a = {n, 0, 0, 14695981039346656037u}, b = a;

	if (fl_text_terms(p, n, flags, check_term, &a) ||
	    fl_text_terms(p, n, flags, check_term, &b))
		abort();
	if (a.hash != b.hash || a.terms != b.terms)
		abort(); /* not deterministic */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char q[64 + 1], folded[FL_TEXT_TERM_MAX + 1];
	const char *terms[1] = {q};
	int prefix[1] = {size & 1};
	fl_buf out;
	size_t nq = size < 64 ? size : 64;

	run(p, size, 0);
	run(p, size, FL_TEXT_PREFIX);
	if (fl_text_fold(p, size, folded) > FL_TEXT_TERM_MAX || strlen(folded) > FL_TEXT_TERM_MAX)
		abort();
	/* the input's first bytes as the query (up to a NUL) */
	memcpy(q, p, nq);
	q[nq] = 0;
	fl_buf_init(&out, 0);
	if (fl_text_snippet(p, size, terms, prefix, 1, 16, &out))
		abort();
	fl_buf_free(&out);
	return 0;
}
