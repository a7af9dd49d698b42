/* libFuzzer target: what an upload says about itself.
 *
 * The input is split at its first newline into a file name and a declared
 * content type; the rest is the file's first bytes. The name must come out
 * valid UTF-8 of at most FL_ATTACHMENT_NAME_MAX bytes with no path or
 * control characters, the type "type/subtype" of safe characters, and the
 * inline type one of the four images — whatever the bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attachments/attachment.h"
#include "core/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size), *nl2;
	size_t nname = nl ? (size_t)(nl - data) : size;
	char *name = malloc(nname + 1), out[FL_ATTACHMENT_NAME_MAX + 1], type[128], *decl;
	const uint8_t *rest = nl ? nl + 1 : data + size;
	size_t nrest = size - (size_t)(rest - data), ndecl;
	struct fl_err e = {0};
	const char *inl;

	if (!name)
		abort();
	memcpy(name, data, nname);
	name[nname] = 0;
	if (fl_attachment_name(name, out, sizeof out, &e) == 0) {
		if (!fl_utf8_valid(out, strlen(out)) || strlen(out) > FL_ATTACHMENT_NAME_MAX ||
		    !out[0] || strpbrk(out, "/\\\"<>;\r\n"))
			abort();
	}
	nl2 = memchr(rest, '\n', nrest);
	ndecl = nl2 ? (size_t)(nl2 - rest) : nrest;
	decl = malloc(ndecl + 1);
	if (!decl)
		abort();
	memcpy(decl, rest, ndecl);
	decl[ndecl] = 0;
	fl_attachment_type(decl, type, sizeof type);
	if (!strchr(type, '/') || strpbrk(type, " \r\n;\"<>") || strlen(type) >= sizeof type)
		abort();
	inl = fl_attachment_inline_type(rest, nrest);
	if (inl && strncmp(inl, "image/", 6))
		abort();
	free(decl);
	free(name);
	return 0;
}
