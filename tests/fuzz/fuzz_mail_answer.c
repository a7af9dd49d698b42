/* libFuzzer target: the parser child's answer as the server reads it
 * (mail/parser.h, fl_mail_decode). The child is our own code, but it has
 * just parsed hostile mail: whatever bytes it writes, the decoder refuses
 * them or gives a struct fl_mail whose counts fit its arrays, whose
 * addresses are addr-specs, whose subject and text are UTF-8; and what it
 * gives encodes back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "mail/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);
	struct fl_mail m;
	struct fl_err e = {0};
	fl_buf b;
	int rc;

	if (!p)
		return 0;
	memcpy(p, data, size);
	if (fl_mail_decode(p, size, &rc, &m, &e) == 0) {
		fl_buf_init(&b, 0);
		if (!rc && (m.nto > FL_MAIL_MAX_ADDRS || m.ncc > FL_MAIL_MAX_ADDRS ||
			    m.nfiles > FL_MAIL_MAX_FILES || m.nrefs > FL_MAIL_MAX_REFS ||
			    m.nauth_results > FL_MAIL_MAX_AUTHRES || !m.from.email ||
			    !strchr(m.from.email, '@') || !fl_utf8_valid(m.text, strlen(m.text)) ||
			    !fl_utf8_valid(m.subject, strlen(m.subject))))
			abort();
		/* and it says the same again */
		if (fl_mail_encode(&b, rc, &m, &e) || b.n != size || memcmp(b.p, p, size))
			abort();
		fl_buf_free(&b);
	}
	free(p);
	return 0;
}
