/* Unit tests for the pure part of src/rules/macro.c: the reply chosen by
 * the requester's language (and the fallback to comment_value), the
 * languages and placeholders a translation may use, restrictions, who sees
 * a macro, the search's case folding across alphabets, and a macro's
 * actions turned into the fields it sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "rules/macro.h"
#include "unit.h"

static fl_arena arena;

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&arena, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&arena);
	return 0;
}

/* A macro with actions (JSON text) and translations (JSON text or NULL). */
static struct fl_macro macro(const char *acts, const char *translations)
{
	struct fl_macro m = {0};
	struct fl_err e = {0};
	json_t *a = json_loads(acts, 0, NULL),
	       *t = translations ? json_loads(translations, 0, NULL) : NULL;

	assert_non_null(a);
	assert_int_equal(fl_rule_decode(FL_RULE_MACRO, NULL, a, &arena, &m.rule, &e), 0);
	assert_int_equal(fl_macro_decode_translations(t, &arena, &m, &e), 0);
	json_decref(a);
	json_decref(t);
	return m;
}

static void test_lang(void **state)
{
	(void)state;
	assert_int_equal(fl_macro_lang("uk"), FL_LANG_UK);
	assert_int_equal(fl_macro_lang("ru-RU"), FL_LANG_RU);
	assert_int_equal(fl_macro_lang("LT_lt"), FL_LANG_LT);
	assert_int_equal(fl_macro_lang("en-US"), FL_LANG_EN);
	assert_int_equal(fl_macro_lang("de"), -1);
	assert_int_equal(fl_macro_lang("ukr"), -1);
	assert_int_equal(fl_macro_lang("u"), -1);
	assert_int_equal(fl_macro_lang(""), -1);
	assert_int_equal(fl_macro_lang(NULL), -1);
}

static void test_reply_by_language(void **state)
{
	struct fl_macro m =
		macro("[{\"field\":\"comment_value\",\"value\":\"Default\"},"
		      "{\"field\":\"comment_mode_is_public\",\"value\":true}]",
		      "{\"uk\":\"Вітаємо\",\"ru\":\"Здравствуйте\",\"lt\":\"Sveiki\"}");
	int pub = -1;
	(void)state;
	assert_string_equal(fl_macro_reply(&m, "uk", &pub), "Вітаємо");
	assert_int_equal(pub, 1);
	assert_string_equal(fl_macro_reply(&m, "ru-RU", &pub), "Здравствуйте");
	assert_string_equal(fl_macro_reply(&m, "lt", &pub), "Sveiki");
	/* no English reply written: comment_value is the default */
	assert_string_equal(fl_macro_reply(&m, "en", &pub), "Default");
	assert_string_equal(fl_macro_reply(&m, "de", &pub), "Default");
	assert_string_equal(fl_macro_reply(&m, NULL, &pub), "Default");

	/* no comment_value and no reply in the language: no comment at all */
	m = macro("[{\"field\":\"status\",\"value\":\"solved\"}]", "{\"en\":\"Solved\"}");
	assert_null(fl_macro_reply(&m, "uk", &pub));
	assert_int_equal(pub, 0);
	assert_string_equal(fl_macro_reply(&m, "en", &pub), "Solved");
	/* a reply emptied is none */
	m = macro("[{\"field\":\"comment_value\",\"value\":\"Default\"}]",
		  "{\"uk\":\"\",\"en\":null}");
	assert_string_equal(fl_macro_reply(&m, "uk", &pub), "Default");
	assert_string_equal(fl_macro_reply(&m, "en", &pub), "Default");
}

static void test_translation_refusals(void **state)
{
	static const struct {
		const char *json, *field;
	} bad[] = {
		{"{\"de\":\"Hallo\"}", "translations.de"},
		{"{\"uk\":\"{{ticket.requester.password}}\"}", "translations.uk"},
		{"{\"ru\":\"{{#ticket.id}\"}", "translations.ru"},
		{"{\"lt\":5}", "translations.lt"},
		{"[\"en\"]", "translations"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct fl_macro m = {0};
		struct fl_err e = {0};
		json_t *t = json_loads(bad[i].json, 0, NULL);
		assert_non_null(t);
		assert_int_equal(fl_macro_decode_translations(t, &arena, &m, &e), FL_EINVAL);
		assert_string_equal(e.field, bad[i].field);
		json_decref(t);
	}
	{
		/* over the cap */
		struct fl_macro m = {0};
		struct fl_err e = {0};
		char *big = fl_arena_alloc(&arena, FL_RULE_TEXT_MAX + 2);
		json_t *t;
		memset(big, 'x', FL_RULE_TEXT_MAX + 1);
		big[FL_RULE_TEXT_MAX + 1] = 0;
		t = json_pack("{s:s}", "en", big);
		assert_int_equal(fl_macro_decode_translations(t, &arena, &m, &e), FL_EINVAL);
		assert_string_equal(e.field, "translations.en");
		assert_string_equal(e.reason, "TooLong");
		json_decref(t);
	}
}

static void test_restriction(void **state)
{
	struct fl_macro m = {0};
	struct fl_err e = {0};
	json_t *v;
	(void)state;

	v = json_loads("{\"type\":\"User\",\"id\":7}", 0, NULL);
	assert_int_equal(fl_macro_decode_restriction(v, &m, &e), 0);
	assert_int_equal(m.owner_id, 7);
	json_decref(v);
	v = json_loads("{\"type\":\"Group\",\"ids\":[3,4]}", 0, NULL);
	assert_int_equal(fl_macro_decode_restriction(v, &m, &e), 0);
	assert_int_equal(m.owner_id, 0);
	assert_int_equal(m.ngroups, 2);
	assert_int_equal(m.group_ids[1], 4);
	json_decref(v);
	assert_int_equal(fl_macro_decode_restriction(json_null(), &m, &e), 0);
	assert_int_equal(m.ngroups, 0);
	v = json_loads("{\"type\":\"Group\",\"ids\":[3,\"x\"]}", 0, NULL);
	assert_int_equal(fl_macro_decode_restriction(v, &m, &e), FL_EINVAL);
	assert_string_equal(e.field, "restriction.ids[1]");
	json_decref(v);
	v = json_loads("{\"type\":\"Group\",\"ids\":[]}", 0, NULL);
	assert_int_equal(fl_macro_decode_restriction(v, &m, &e), FL_EINVAL);
	assert_string_equal(e.field, "restriction.ids");
	json_decref(v);
}

static void test_visible(void **state)
{
	struct fl_macro personal = {.owner_id = 5}, shared = {0}, grouped = {.ngroups = 2};
	const int64_t groups[] = {9, 12};
	struct fl_actor owner = {5, FL_ROLE_AGENT, 0}, admin = {1, FL_ROLE_ADMIN, 0},
			agent = {6, FL_ROLE_AGENT, 0};
	(void)state;
	grouped.group_ids[0] = 3;
	grouped.group_ids[1] = 12;
	assert_true(fl_macro_visible(&personal, 5, FL_ROLE_AGENT, NULL, 0));
	assert_false(fl_macro_visible(&personal, 6, FL_ROLE_AGENT, NULL, 0));
	assert_false(fl_macro_visible(&personal, 1, FL_ROLE_ADMIN, NULL, 0));
	assert_true(fl_macro_visible(&shared, 6, FL_ROLE_AGENT, NULL, 0));
	assert_false(fl_macro_visible(&shared, 8, FL_ROLE_END_USER, NULL, 0));
	assert_true(fl_macro_visible(&grouped, 6, FL_ROLE_AGENT, groups, 2));
	assert_false(fl_macro_visible(&grouped, 6, FL_ROLE_AGENT, groups, 1));
	assert_true(fl_macro_visible(&grouped, 1, FL_ROLE_ADMIN, NULL, 0));
	assert_true(fl_macro_writable(&personal, &owner));
	assert_false(fl_macro_writable(&personal, &admin));
	assert_true(fl_macro_writable(&shared, &admin));
	assert_false(fl_macro_writable(&shared, &agent));
}

static void test_matches(void **state)
{
	(void)state;
	assert_true(fl_macro_matches("Ask for order number", "ORDER"));
	assert_true(fl_macro_matches("Ask for order number", "num ask"));
	assert_false(fl_macro_matches("Ask for order number", "refund"));
	assert_true(fl_macro_matches("Запит номера замовлення", "ЗАМОВЛ"));
	assert_true(fl_macro_matches("Повернення ЄВРО", "євро"));
	assert_true(fl_macro_matches("ВОЗВРАТ ОДОБРЕН", "возврат"));
	assert_true(fl_macro_matches("Užsakymo NUMERIS", "UŽSAKYMO numeris"));
	assert_true(fl_macro_matches("ŽINUTĖ", "žinutė"));
	assert_true(fl_macro_matches("anything", "  "));
}

static void test_patch(void **state)
{
	struct fl_macro m =
		macro("[{\"field\":\"status\",\"value\":\"pending\"},"
		      "{\"field\":\"assignee_id\",\"value\":\"current_user\"},"
		      "{\"field\":\"current_tags\",\"value\":\"refund\"},"
		      "{\"field\":\"remove_tags\",\"value\":\"waiting\"}]",
		      NULL);
	struct fl_ticket t = {0};
	struct fl_actor who = {42, FL_ROLE_AGENT, 0};
	struct fl_macro_result r;
	(void)state;

	t.tags[0] = "vip";
	t.tags[1] = "waiting";
	t.ntags = 2;
	assert_int_equal(fl_macro_patch(&m, &t, &who, &arena, &r), 0);
	assert_true(r.p.has_status);
	assert_int_equal(r.p.status, FL_STATUS_PENDING);
	assert_true(r.p.has_assignee);
	assert_int_equal(r.p.assignee_id, 42);
	assert_true(r.has_tags);
	assert_int_equal(r.ntags, 2);
	assert_string_equal(r.tags[0], "vip");
	assert_string_equal(r.tags[1], "refund");
	/* the ticket itself is left as it was */
	assert_int_equal(t.ntags, 2);
	/* without a ticket: tags from none */
	assert_int_equal(fl_macro_patch(&m, NULL, &who, &arena, &r), 0);
	assert_int_equal(r.ntags, 1);
	assert_string_equal(r.tags[0], "refund");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_by_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translation_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restriction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
