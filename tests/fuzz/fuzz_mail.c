/* libFuzzer target: a message as it comes from a mail server.
 *
 * Whatever the bytes — broken MIME, 8-bit headers, deep nesting, thousands
 * of parts, runs of encoded words (tests/unit/mail/test_mail_words.c) —
 * fl_mail_parse either refuses with an error or gives valid UTF-8 text,
 * subject and display names, at most FL_MAIL_MAX_FILES files each within
 * the input's size, and quote stripping and the subject token then run on
 * what it gave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl_arena a;
	struct fl_mail m;
	struct fl_err e = {0};

	fl_arena_init(&a, 0);
	if (fl_mail_parse((const char *)data, size, &a, &m, &e) == 0) {
		if (!fl_utf8_valid(m.text, strlen(m.text)) ||
		    !fl_utf8_valid(m.subject, strlen(m.subject)) || m.nfiles > FL_MAIL_MAX_FILES ||
		    !m.from.email || !strchr(m.from.email, '@'))
			abort();
		for (size_t i = 0; i < m.nfiles; i++)
			if (!m.files[i].data || !m.files[i].content_type)
				abort();
		if (m.from.name && !fl_utf8_valid(m.from.name, strlen(m.from.name)))
			abort();
		for (size_t i = 0; i < m.ncc; i++)
			if (m.cc[i].name && !fl_utf8_valid(m.cc[i].name, strlen(m.cc[i].name)))
				abort();
		fl_mail_strip_quotes(m.text, &a);
		(void)fl_mail_subject_ticket(m.subject);
	}
	fl_arena_free(&a);
	return 0;
}
