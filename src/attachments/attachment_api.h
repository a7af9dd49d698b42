/* Rendering attachments, for the handlers that show comments. */
#ifndef FL_ATTACHMENTS_ATTACHMENT_API_H
#define FL_ATTACHMENTS_ATTACHMENT_API_H

#include <jansson.h>

#include "attachments/attachment.h"
#include "http/http.h"

/* Zendesk's attachment object: id, file_name, content_url, content_type,
 * size, inline, deleted, url. */
json_t *fl_attachment_json(struct fl_req *r, const struct fl_attachment *a);
/* Replies with a's bytes (data, n when they are in the database; read from
 * the folder otherwise): inline only when they are an image, else a
 * download, and never anything a browser would run from our origin
 * (Content-Security-Policy: sandbox). For handlers that decided the actor
 * may have them. */
int fl_attachment_reply(struct fl_req *r, const struct fl_attachment *a, const char *data,
			size_t n);

/* A file sent as a request's body (POST …?filename=NAME): its name
 * cleaned, its type as the client says (never trusted when it is served),
 * its digest and a random token, its bytes kept in the shared folder
 * already when the store keeps files there (else they go into the
 * database with the row: fl_store_attachment_insert with data, n). Every
 * string of a points into u, which must outlive it. A 422 naming
 * filename or file when there is none. */
struct fl_upload {
	struct fl_attachment a;
	const char *data; /* the request's body */
	size_t n;
	char name[FL_ATTACHMENT_NAME_MAX + 1];
	char type[128];
	char digest[65];
	char token[33];
};
int fl_upload_read(struct fl_req *r, struct fl_upload *u);

#endif
