/* libFuzzer target: what an admin's SLA policy and contract forms send,
 * read by the SLA's own parsers — a policy's filter (JSON conditions on
 * ticket and customer fields) and a contract's days ("YYYY-MM-DD").
 *
 * A filter that parses is written back (fl_sla_filter_text) and must
 * parse again to the same text: what is stored is what is read. A day
 * that parses must format back to the same ten bytes. Neither may crash,
 * leak or read past the input, whatever it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "sla/policy.h"
#include "users/contract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct fl_sla_filter f, g;
	struct fl_err e;
	char *once, *twice;
	int32_t day;
	fl_arena a;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	fl_arena_init(&a, 0);
	if (fl_sla_filter_parse(text, &a, &f, &e) == 0) {
		if (fl_sla_filter_text(&f, &a, &once) || fl_sla_filter_parse(once, &a, &g, &e) ||
		    fl_sla_filter_text(&g, &a, &twice) || strcmp(once, twice))
			abort(); /* a filter that does not read back as written */
	}
	if (fl_day_parse(text, &day) == 0) {
		char back[11];
		fl_day_format(day, back);
		if (strcmp(back, text))
			abort(); /* a day that does not format back */
	}
	fl_arena_free(&a);
	free(text);
	return 0;
}
