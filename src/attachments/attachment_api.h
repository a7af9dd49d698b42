/* Rendering attachments, for the handlers that show comments. */
#ifndef FL_ATTACHMENTS_ATTACHMENT_API_H
#define FL_ATTACHMENTS_ATTACHMENT_API_H

#include <jansson.h>

#include "attachments/attachment.h"
#include "http/http.h"

/* Zendesk's attachment object: id, file_name, content_url, content_type,
 * size, inline, deleted, url. */
json_t *fl_attachment_json(struct fl_req *r, const struct fl_attachment *a);

#endif
