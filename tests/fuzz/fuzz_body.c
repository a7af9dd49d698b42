/* libFuzzer target: request-body decoding.
 *
 * The input is a request body. It goes through what every handler does
 * with a body: fl_input_parse, then fl_input_decode against a table with a
 * field of every type, and fl_view_compile on its "conditions". Nothing may
 * crash, leak or read out of bounds, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/input.h"
#include "search/query.h"
#include "tickets/ticket.h"
#include "views/view.h"

struct sample {
	const char *s, *json;
	char *email;
	int64_t id, n;
	int b, e;
	const char *strs[8];
	size_t nstrs;
	int64_t ids[8];
	size_t nids;
	int has[9];
};

static const struct fl_field fields[] = {
	{"subject", FL_FT_STRING, 300, 0, 1, NULL, offsetof(struct sample, s),
	 offsetof(struct sample, has[0]), 0, 0},
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, offsetof(struct sample, email),
	 offsetof(struct sample, has[1]), 0, 0},
	{"assignee_id", FL_FT_ID, 0, 0, 1, NULL, offsetof(struct sample, id),
	 offsetof(struct sample, has[2]), 0, 0},
	{"position", FL_FT_INT, 1000, 0, 0, NULL, offsetof(struct sample, n),
	 offsetof(struct sample, has[3]), 0, -5},
	{"public", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct sample, b),
	 offsetof(struct sample, has[4]), 0, 0},
	{"status", FL_FT_ENUM, 0, 0, 1, fl_status_parse, offsetof(struct sample, e),
	 offsetof(struct sample, has[5]), 0, 0},
	{"tags", FL_FT_STRINGS, 8, 80, 1, NULL, offsetof(struct sample, strs),
	 offsetof(struct sample, has[6]), offsetof(struct sample, nstrs), 0},
	{"collaborator_ids", FL_FT_IDS, 8, 0, 1, NULL, offsetof(struct sample, ids),
	 offsetof(struct sample, has[7]), offsetof(struct sample, nids), 0},
	{"custom_fields", FL_FT_JSON, 4096, 0, 1, NULL, offsetof(struct sample, json),
	 offsetof(struct sample, has[8]), 0, 0},
	FL_FIELDS_END,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_err e = {0};
	struct sample out;
	struct fl_filter f;
	json_t *body = NULL, *inner;
	fl_arena a;

	fl_arena_init(&a, 1u << 24);
	memset(&out, 0, sizeof out);
	if (fl_input_parse((const char *)data, size, &body, &e) == 0) {
		inner = json_object_get(body, "ticket");
		fl_input_decode(inner ? inner : body, fields, &out, &a, &e);
		if (out.has[6])
			fl_tags_normalize(out.strs, &out.nstrs, &a, &e);
		inner = json_object_get(body, "conditions");
		if (inner) {
			char *text = json_dumps(inner, JSON_COMPACT | JSON_ENCODE_ANY);
			if (text)
				fl_view_compile(text, 1, &a, &f, &e);
			free(text);
		}
		json_decref(body);
	}
	fl_arena_free(&a);
	return 0;
}
