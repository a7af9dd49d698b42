/* HTML form bodies: what a browser sends for <form method=post>, as
 * application/x-www-form-urlencoded (the WHATWG URL standard, section 5)
 * or multipart/form-data (RFC 7578), parsed by libmicrohttpd's post
 * processor and cut to fields and files. A pure function of the content
 * type and the bytes, so that tests/fuzz/fuzz_form.c can drive it. */
#ifndef FL_HTTP_FORM_H
#define FL_HTTP_FORM_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/* One field or file, in the order the body has them. A field with the
 * same name twice is two parts. */
struct fl_form_part {
	const char *name;
	char *data;               /* the value or the file's bytes, NUL-terminated */
	size_t n;                 /* bytes of data, without the NUL (data may hold NULs) */
	const char *file_name;    /* a file (multipart only): its name as sent, maybe "";
				  * NULL for a text field */
	const char *content_type; /* a file's declared type, or NULL */
};

struct fl_form {
	struct fl_form_part *parts;
	size_t nparts;
};

struct fl_form_limits {
	size_t max_parts; /* fields and files together */
	size_t max_value; /* bytes of one text field */
	size_t max_file;  /* bytes of one file */
};

/* Parses body (n bytes) sent with content_type into *out. Strings and
 * bytes live as long as arena a. FL_EMEDIA when content_type is neither
 * form type (or has no boundary); FL_EMALFORMED when the body does not
 * parse; FL_ETOOBIG with field set to the part's name when a value or a
 * file is over its limit, or field "form" when there are more than
 * max_parts parts; FL_ENOMEM. *out is written only on success. */
int fl_form_parse(const char *content_type, const char *body, size_t n,
		  const struct fl_form_limits *lim, fl_arena *a, struct fl_form *out,
		  struct fl_err *e);

/* Whether content_type names one of the two form encodings. */
int fl_form_type(const char *content_type);

#endif
