/* Declaring input fields once: a table row per JSON field with its type,
 * limit and where it lands in a C struct. fl_input_decode checks an object
 * against the table and fills the struct; anything that does not fit is a
 * 422 naming the field. Unknown fields are ignored, as Zendesk does. */
#ifndef FL_CORE_INPUT_H
#define FL_CORE_INPUT_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

enum fl_ftype {
	FL_FT_STRING,  /* const char *; max = characters; null allowed when nullable */
	FL_FT_ID,      /* int64_t > 0; null → 0 when nullable */
	FL_FT_INT,     /* int64_t, any value within [min, max] */
	FL_FT_BOOL,    /* int 0/1 */
	FL_FT_ENUM,    /* int from parse(); null → 0 when nullable */
	FL_FT_STRINGS, /* const char *[]; max = items, item_max = characters */
	FL_FT_IDS,     /* int64_t []; max = items */
	FL_FT_JSON,    /* const char * holding the value re-serialized; max = bytes */
	FL_FT_EMAIL,   /* char * normalized e-mail */
};

struct fl_field {
	const char *name;
	int type;
	size_t max;
	size_t item_max;
	int nullable;
	int (*parse)(fl_str s); /* FL_FT_ENUM: -1 for unknown */
	size_t off;             /* where the value goes */
	size_t off_has;         /* int set to 1 when the field was present (required) */
	size_t off_count;       /* size_t count, for arrays */
	int64_t min;            /* FL_FT_INT */
};

#define FL_FIELDS_END \
	{             \
		0     \
	}

/* Decodes obj (must be a JSON object) against spec into out; copies strings
 * into a. FL_EINVAL (e names the field) for a value that does not fit its
 * row; FL_ENOMEM when a copy finds no room in a, never reported as the
 * client's error. */
int fl_input_decode(json_t *obj, const struct fl_field *spec, void *out, fl_arena *a,
		    struct fl_err *e);

/* Parses a JSON body: FL_EMALFORMED with the line and column of the first
 * error, or when the top level is not an object. Nesting beyond 64 levels is
 * refused before jansson sees it. FL_ENOMEM when jansson runs out of memory
 * (a shortage, not a malformed body); without fl_input_init only the
 * failures jansson itself reports as such are told apart. */
int fl_input_parse(const char *body, size_t n, json_t **out, struct fl_err *e);

/* Puts a malloc that notes failures in front of jansson's current one, so
 * that fl_input_parse can tell when jansson ran out of memory. Call once at
 * start, before any thread uses jansson (json_set_alloc_funcs is global);
 * calling it again does nothing. */
void fl_input_init(void);

#endif
