/* The store's attachment queries (src/store/attachments.c): rows for the
 * files customers and agents send, and the uploads no comment claimed yet. */
#ifndef FL_STORE_ATTACHMENTS_H
#define FL_STORE_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "attachments/attachment.h"
#include "store/store.h"

/* Forgets uploads no comment claimed that came before before: their rows,
 * their bytes, and folder files no attachment names any more; *n says how
 * many. At most 1000 a call. */
int fl_store_upload_purge(fl_store *s, int64_t before, int64_t *n);

/* attachments: x->in_db says whether data goes into the database */
int fl_store_attachment_insert(fl_tx *tx, struct fl_attachment *x, const void *data, size_t n);
int fl_store_attachment_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_attachment *out);
/* The bytes of an attachment kept in the database, copied into a. */
int fl_store_attachment_data(fl_tx *tx, int64_t id, fl_arena *a, void **p, size_t *n);
/* Gives the upload with token, if uploader_id uploaded it and no comment
 * has it yet, to comment_id of ticket_id; FL_ENOTFOUND otherwise. */
int fl_store_attachment_claim(fl_tx *tx, const char *token, int64_t uploader_id, int64_t ticket_id,
			      int64_t comment_id);
/* The attachments of a ticket's comments, in order. */
int fl_store_attachment_list(fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_attachment **out,
			     size_t *n);

#endif
