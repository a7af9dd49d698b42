/* The browser apps' files (web/, built and embedded by tools/web.py). */
#ifndef FL_HTTP_WEB_H
#define FL_HTTP_WEB_H

#include <stddef.h>

struct fl_web_file {
	const char *path; /* "/agent/index.html", "/assets/agent.js"; NULL ends */
	const char *type; /* Content-Type */
	const char *data;
	size_t len;
	const char *gz; /* the same, gzip-compressed; NULL when that is no smaller */
	size_t gz_len;
	const char *etag;
};

extern const struct fl_web_file fl_web_files[];

#endif
