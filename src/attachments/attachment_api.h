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

#endif
