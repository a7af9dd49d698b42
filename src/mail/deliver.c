/* One message from any door (mail/deliver.h). */
#include "core/random.h"
#include "mail/deliver.h"

#include <sodium.h>
#include <stdio.h>

#include "core/log.h"
#include "core/time.h"
#include "mail/parser.h"
#include "store/users.h"
#include "users/user.h"

int fl_delivery_prepare(struct fl_delivery *d, const char *raw, size_t n)
{
	int rc;

	if (!n)
		return fl_err_set(d->err, FL_EINVAL, "message", "Blank",
				  "the body must be an e-mail message");
	/* in a child process: a message that exhausts the parser costs itself
	 * (FL_EBUSY, tried again later), never the server */
	if ((rc = fl_mail_parse_isolated(raw, n, d->arena, &d->m, d->err)))
		return rc;
	/* what could not be kept is said, not silently dropped */
	if (d->m.files_dropped || d->m.truncated)
		fl_log("warn", "mail %s from %s: %zu files past the first %d not kept%s",
		       d->m.message_id ? d->m.message_id : "(no Message-ID)", d->m.from.email,
		       d->m.files_dropped, FL_MAIL_MAX_FILES,
		       d->m.truncated ? "; parts past 32 levels deep or 50 MiB decoded not read" : "");
	/* named, typed and hashed as uploads are; bytes to the folder before
	 * the rows that name them commit */
	for (size_t i = 0; i < d->m.nfiles; i++) {
		struct fl_delivery_file *f = &d->files[i];
		const struct fl_mail_file *mf = &d->m.files[i];
		unsigned char hash[32];
		struct fl_err ignore = {0};
		if (fl_attachment_name(mf->file_name ? mf->file_name : "attachment", f->name,
				       sizeof f->name, &ignore))
			snprintf(f->name, sizeof f->name, "attachment");
		fl_attachment_type(mf->content_type, f->type, sizeof f->type);
		crypto_hash_sha256(hash, (const unsigned char *)mf->data, mf->n);
		sodium_bin2hex(f->digest, sizeof f->digest, hash, sizeof hash);
		fl_random_hex(f->token, 32);
		d->rows[i] = (struct fl_attachment){.token = f->token, .uploader_id = d->via.id,
						    .file_name = f->name, .content_type = f->type,
						    .size = (int64_t)mf->n, .digest = f->digest,
						    .in_db = fl_store_files_in_db(d->store),
						    .created_at = fl_now()};
		if (!fl_store_files_in_db(d->store) &&
		    (rc = fl_store_file_put(d->store, f->digest, mf->data, mf->n, d->err)))
			return rc;
	}
	return 0;
}

int fl_delivery_tx(fl_tx *tx, void *arg)
{
	struct fl_delivery *d = arg;
	int rc;

	if (d->queue && *d->queue &&
	    (rc = fl_store_group_by_name(tx, d->queue, &d->group_id)) && rc != FL_ENOTFOUND)
		return rc;
	return fl_mail_ingest(tx, &d->via, &d->m, d->group_id, d->rows, d->arena, &d->res, d->err);
}
