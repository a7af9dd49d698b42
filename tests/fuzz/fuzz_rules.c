/* libFuzzer target: what an admin's trigger, automation or macro form
 * sends, read by the rules model — {"conditions": {...}, "actions": [...]}
 * decoded for each kind of rule (rules/rule.h).
 *
 * A rule that decodes is written back as JSON (fl_rule_conditions_json,
 * fl_rule_actions_json) and must decode again to the same JSON: what is
 * stored is what is read. Nothing may crash, leak or read past the input,
 * whatever it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "rules/rule.h"

static void once(int kind, json_t *v)
{
	struct fl_rule r, s;
	struct fl_err e;
	json_t *c, *a, *c2, *a2;
	fl_arena ar;

	fl_arena_init(&ar, 0);
	if (fl_rule_decode(kind, json_object_get(v, "conditions"), json_object_get(v, "actions"),
			   &ar, &r, &e) == 0) {
		c = fl_rule_conditions_json(&r);
		a = fl_rule_actions_json(&r);
		if (!c || !a || fl_rule_decode(kind, c, a, &ar, &s, &e))
			abort(); /* a rule that does not read back as written */
		c2 = fl_rule_conditions_json(&s);
		a2 = fl_rule_actions_json(&s);
		if (!json_equal(c, c2) || !json_equal(a, a2))
			abort();
		json_decref(c);
		json_decref(a);
		json_decref(c2);
		json_decref(a2);
	}
	fl_arena_free(&ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = json_loadb((const char *)data, size, JSON_DISABLE_EOF_CHECK, NULL);

	if (!json_is_object(v)) {
		json_decref(v);
		return 0;
	}
	for (int kind = 0; kind < FL_RULE_KIND__MAX; kind++)
		once(kind, v);
	json_decref(v);
	return 0;
}
