/* libFuzzer target: Authentication-Results header values (RFC 8601).
 *
 * The input is split at NUL bytes into up to eight header values, topmost
 * first, as mail/mime.c keeps them. Each goes through fl_authres_parse,
 * then all of them through fl_authres_verdict for the authserv-id
 * "mx.shop.test" and a From address. Nothing may crash, leak or read out of
 * bounds; what parses keeps the limits and its strings terminated; the
 * verdict is one of the three; and nothing is trusted with no
 * authserv-id. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/authres.h"

static void terminated(const char *z, size_t cap)
{
	if (!memchr(z, 0, cap))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *v[8];
	struct fl_authres *ar = malloc(sizeof *ar);
	size_t n = 0, start = 0;
	enum fl_mail_auth verdict;

	if (!copy || !ar)
		abort();
	memcpy(copy, data, size);
	copy[size] = 0;
	for (size_t i = 0; i <= size && n < 8; i++) {
		if (copy[i])
			continue;
		v[n++] = copy + start;
		start = i + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (fl_authres_parse(v[i], strlen(v[i]), ar))
			continue;
		if (ar->n > FL_AUTHRES_MAX_RESULTS)
			abort();
		terminated(ar->authserv_id, sizeof ar->authserv_id);
		for (size_t k = 0; k < ar->n; k++) {
			const struct fl_authres_result *r = &ar->r[k];
			if (r->nprops > FL_AUTHRES_MAX_PROPS || !r->method[0] || !r->result[0])
				abort();
			terminated(r->method, sizeof r->method);
			terminated(r->result, sizeof r->result);
			for (size_t j = 0; j < r->nprops; j++)
				terminated(r->props[j].value, sizeof r->props[j].value);
		}
	}
	verdict = fl_authres_verdict(v, n, "mx.shop.test", "alice@customer.test");
	if (verdict != FL_MAIL_AUTH_UNKNOWN && verdict != FL_MAIL_AUTH_VERIFIED &&
	    verdict != FL_MAIL_AUTH_FAILED)
		abort();
	if (fl_authres_verdict(v, n, NULL, "alice@customer.test") != FL_MAIL_AUTH_UNKNOWN)
		abort();
	free(ar);
	free(copy);
	return 0;
}
