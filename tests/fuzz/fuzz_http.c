/* libFuzzer target: what a client puts in the request line and headers.
 *
 * The input is split at its first two newlines into a path, a paging
 * cursor and an HTTP Basic credential, and each goes through its parser:
 * route matching (every method), cursor decoding (a decoded cursor must
 * survive re-encoding) and Basic decoding. None may crash or read past the
 * input, whatever the bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

static char *part(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl ? nl : end;
	char *z = malloc((size_t)(stop - *p) + 1);

	if (!z)
		abort();
	memcpy(z, *p, (size_t)(stop - *p));
	z[stop - *p] = 0;
	*p = nl ? nl + 1 : end;
	return z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};
	const uint8_t *p = data, *end = data + size;
	char *path = part(&p, end), *cursor = part(&p, end), *basic = part(&p, end);
	char allow[64], again[96], *buf;
	const char *email, *password, *token;
	int64_t id[2], key, cid, key2, cid2;

	if (fl_routes_init())
		abort();
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
		int r = fl_route_find(methods[i], path, id, allow, sizeof allow);
		if (r >= 0 && (size_t)r >= fl_nroutes)
			abort();
	}
	if (fl_cursor_decode(cursor, &key, &cid) == 0) {
		fl_cursor_encode(key, cid, again, sizeof again);
		if (fl_cursor_decode(again, &key2, &cid2) || key2 != key || cid2 != cid)
			abort();
	}
	buf = malloc(strlen(basic) + 1);
	if (!buf)
		abort();
	fl_basic_parse(basic, buf, strlen(basic) + 1, &email, &password, &token);
	free(buf);
	free(path);
	free(cursor);
	free(basic);
	return 0;
}
