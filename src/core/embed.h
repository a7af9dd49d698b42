/* Files compiled into the binary by tools/embed.py (migrations, demo data). */
#ifndef FL_CORE_EMBED_H
#define FL_CORE_EMBED_H

#include <stddef.h>

struct fl_embedded {
	const char *name; /* base name; NULL ends a table */
	const char *data; /* the bytes, NUL-terminated */
	size_t len;       /* without the NUL */
};

#endif
