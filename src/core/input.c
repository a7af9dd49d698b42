#include "core/input.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

/* jansson reports most of its allocation failures as syntax errors ("invalid
 * token", or no text at all), so the allocator it is given notes them on the
 * calling thread, and fl_input_parse tells a shortage from a bad body. */
static void *(*next_malloc)(size_t) = malloc;
static _Thread_local int alloc_failed;

static void *noting_malloc(size_t n)
{
	void *p = next_malloc(n);
	if (!p)
		alloc_failed = 1;
	return p;
}

void fl_input_init(void)
{
	json_malloc_t m;
	json_free_t f;

	json_get_alloc_funcs(&m, &f);
	if (m == noting_malloc)
		return;
	next_malloc = m;
	json_set_alloc_funcs(noting_malloc, f);
}

static int invalid(struct fl_err *e, const char *field, const char *reason, const char *what)
{
	return fl_err_set(e, FL_EINVAL, field, reason, "%s: %s", field, what);
}

static int decode_string(const struct fl_field *f, json_t *v, void *out, fl_arena *a,
			 struct fl_err *e)
{
	const char *z = json_string_value(v);
	size_t n = json_string_length(v);
	char *copy;

	if (!z)
		return invalid(e, f->name, "InvalidType", "must be a string");
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)z[i] < 0x20 && z[i] != '\t' && z[i] != '\n' && z[i] != '\r') ||
		    z[i] == 0x7f)
			return invalid(e, f->name, "InvalidValue",
				       "must not contain control characters");
	if (fl_utf8_len(z, n) > f->max)
		return fl_err_set(e, FL_EINVAL, f->name, "TooLong",
				  "%s: is too long (maximum is %zu characters)", f->name, f->max);
	copy = fl_arena_strndup(a, z, n);
	if (!copy)
		return FL_ENOMEM;
	if (f->type == FL_FT_EMAIL && fl_email_normalize(copy))
		return invalid(e, f->name, "InvalidValue", "is not a valid e-mail address");
	*(const char **)((char *)out + f->off) = copy;
	return 0;
}

static int decode_one(const struct fl_field *f, json_t *v, void *out, fl_arena *a, struct fl_err *e)
{
	char *dst = (char *)out + f->off;
	size_t i;
	json_t *item;

	if (json_is_null(v)) {
		if (!f->nullable)
			return invalid(e, f->name, "Blank", "cannot be null");
		switch (f->type) {
		case FL_FT_ID:
		case FL_FT_INT: *(int64_t *)dst = 0; break;
		case FL_FT_ENUM:
		case FL_FT_BOOL: *(int *)dst = 0; break;
		case FL_FT_STRINGS:
		case FL_FT_IDS: *(size_t *)((char *)out + f->off_count) = 0; break;
		default: *(const char **)dst = NULL;
		}
		return 0;
	}
	switch (f->type) {
	case FL_FT_STRING:
	case FL_FT_EMAIL: return decode_string(f, v, out, a, e);
	case FL_FT_ID:
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return invalid(e, f->name, "InvalidValue", "must be a positive integer id");
		*(int64_t *)dst = json_integer_value(v);
		return 0;
	case FL_FT_INT:
		if (!json_is_integer(v) || json_integer_value(v) < f->min ||
		    json_integer_value(v) > (json_int_t)f->max)
			return fl_err_set(e, FL_EINVAL, f->name, "InvalidValue",
					  "%s: must be an integer from %lld to %zu", f->name,
					  (long long)f->min, f->max);
		*(int64_t *)dst = json_integer_value(v);
		return 0;
	case FL_FT_BOOL:
		if (!json_is_boolean(v))
			return invalid(e, f->name, "InvalidType", "must be true or false");
		*(int *)dst = json_is_true(v);
		return 0;
	case FL_FT_ENUM: {
		int x;
		if (!json_is_string(v))
			return invalid(e, f->name, "InvalidType", "must be a string");
		x = f->parse((fl_str){json_string_value(v), json_string_length(v)});
		if (x < 0)
			return fl_err_set(e, FL_EINVAL, f->name, "InvalidValue",
					  "%s: '%.64s' is not a valid value", f->name,
					  json_string_value(v));
		*(int *)dst = x;
		return 0;
	}
	case FL_FT_STRINGS:
	case FL_FT_IDS:
		if (!json_is_array(v))
			return invalid(e, f->name, "InvalidType", "must be an array");
		if (json_array_size(v) > f->max)
			return fl_err_set(e, FL_EINVAL, f->name, "TooLong", "%s: at most %zu items",
					  f->name, f->max);
		json_array_foreach(v, i, item)
		{
			if (f->type == FL_FT_IDS) {
				if (!json_is_integer(item) || json_integer_value(item) <= 0)
					return invalid(e, f->name, "InvalidValue",
						       "items must be positive integer ids");
				((int64_t *)dst)[i] = json_integer_value(item);
			} else {
				struct fl_field one = *f;
				one.type = FL_FT_STRING;
				one.max = f->item_max;
				one.off = 0;
				int rc = decode_string(&one, item, &((const char **)dst)[i], a, e);
				if (rc) /* FL_EINVAL, or FL_ENOMEM: not the client's fault */
					return rc;
			}
		}
		*(size_t *)((char *)out + f->off_count) = json_array_size(v);
		return 0;
	case FL_FT_JSON: {
		char *z = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		int rc = 0;
		if (!z)
			return FL_ENOMEM;
		if (strlen(z) > f->max)
			rc = fl_err_set(e, FL_EINVAL, f->name, "TooLong",
					"%s: is too large (maximum is %zu bytes)", f->name, f->max);
		else if (!(*(const char **)dst = fl_arena_strdup(a, z)))
			rc = FL_ENOMEM;
		free(z);
		return rc;
	}
	}
	return FL_EINTERNAL;
}

int fl_input_decode(json_t *obj, const struct fl_field *spec, void *out, fl_arena *a,
		    struct fl_err *e)
{
	if (!json_is_object(obj))
		return fl_err_set(e, FL_EINVAL, NULL, "InvalidType", "expected a JSON object");
	for (const struct fl_field *f = spec; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		int rc;
		if (!v)
			continue;
		rc = decode_one(f, v, out, a, e);
		if (rc)
			return rc;
		*(int *)((char *)out + f->off_has) = 1;
	}
	return 0;
}

/* Counts the deepest nesting of [ and { outside strings. */
static int too_deep(const char *p, size_t n)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > MAX_DEPTH)
				return 1;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

int fl_input_parse(const char *body, size_t n, json_t **out, struct fl_err *e)
{
	json_error_t jerr;
	json_t *v;

	if (n == 0)
		return fl_err_set(e, FL_EMALFORMED, NULL, "InvalidJSON",
				  "the request body is empty");
	if (too_deep(body, n))
		return fl_err_set(e, FL_EMALFORMED, NULL, "InvalidJSON",
				  "JSON nested deeper than %d levels", MAX_DEPTH);
	alloc_failed = 0;
	v = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!v && (alloc_failed || json_error_code(&jerr) == json_error_out_of_memory))
		return fl_err_set(e, FL_ENOMEM, NULL, NULL, "Out of memory; retry later");
	if (!v)
		return fl_err_set(e, FL_EMALFORMED, NULL, "InvalidJSON",
				  "invalid JSON at line %d, column %d (byte %d): %s", jerr.line,
				  jerr.column, jerr.position, jerr.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return fl_err_set(e, FL_EMALFORMED, NULL, "InvalidJSON",
				  "the request body must be a JSON object");
	}
	*out = v;
	return 0;
}
