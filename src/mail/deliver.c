/* One message from any door (mail/deliver.h). */
#include "core/random.h"
#include "mail/deliver.h"

#include <malloc.h>
#include <stdio.h>

#include "core/log.h"
#include "mail/parser.h"
#include "store/users.h"
#include "users/user.h"

#define LARGE_MESSAGE (1u << 20)

int fl_delivery_prepare(struct fl_delivery *d, const char *raw, size_t n)
{
	int rc;

	if (!n)
		return fl_err_set(d->err, FL_EINVAL, "message", "Blank",
				  "the body must be an e-mail message");
	/* a large message takes megabytes from mmap (its answer, its files'
	 * records) beside whatever free memory the heap holds: that goes back
	 * first, so the node's peak is what it uses, not what it once used */
	if (n > LARGE_MESSAGE)
		malloc_trim(0);
	/* in a child process: a message that exhausts the parser costs itself
	 * (FL_EBUSY, tried again later), never the server */
	if ((rc = fl_mail_parse_isolated(raw, n, d->arena, &d->m, d->err)))
		return rc;
	/* what could not be kept is said, not silently dropped */
	if (d->m.files_dropped || d->m.truncated)
		fl_log("warn", "mail %s from %s: %zu files past the first %d not kept%s",
		       d->m.message_id ? d->m.message_id : "(no Message-ID)", d->m.from.email,
		       d->m.files_dropped, FL_MAIL_MAX_FILES,
		       d->m.truncated ? "; parts past 32 levels deep or 50 MiB decoded not read"
				      : "");
	/* named, typed and hashed as uploads are; bytes to the folder before
	 * the rows that name them commit */
	for (size_t i = 0; i < d->m.nfiles; i++) {
		const struct fl_mail_file *mf = &d->m.files[i];
		if ((rc = fl_intake_file_prepare(d->store, &d->files[i], mf->file_name,
						 mf->content_type, mf->data, mf->n, d->err)))
			return rc;
		/* in the folder now: the transaction reads only its digest */
		if (!d->files[i].in_db)
			fl_mail_file_release(&d->m, i);
	}
	return 0;
}

int fl_delivery_tx(fl_tx *tx, void *arg)
{
	struct fl_delivery *d = arg;
	int rc;

	if (d->queue && *d->queue && (rc = fl_store_group_by_name(tx, d->queue, &d->group_id)) &&
	    rc != FL_ENOTFOUND)
		return rc;
	return fl_mail_ingest(tx, &d->via, &d->m, d->group_id, d->files, d->arena, &d->res, d->err);
}
