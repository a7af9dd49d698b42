/* Attachments: files customers and agents add to comments.
 *
 * A file is uploaded first (POST /api/v2/uploads), which gives a token; a
 * comment that names the token claims the file, and from then on whoever
 * may see that comment may download it. Until then only its uploader may.
 * Nothing a file says about itself is trusted: its name is cleaned, and it
 * is shown in a browser only when it is an image whose bytes say so;
 * everything else is a download. Plain C: nothing here knows HTTP or SQL. */
#ifndef FL_ATTACHMENTS_ATTACHMENT_H
#define FL_ATTACHMENTS_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "users/user.h"

#define FL_ATTACHMENT_NAME_MAX 255 /* bytes of a file name */
#define FL_COMMENT_MAX_UPLOADS 50  /* as many as a mail may bring (FL_MAIL_MAX_FILES) */

struct fl_attachment {
	int64_t id;
	char *token;
	int64_t uploader_id;
	int64_t ticket_id, comment_id; /* 0 until a comment claims it */
	char *file_name;
	char *content_type; /* as the uploader declared it, cleaned */
	int64_t size;
	char *digest; /* SHA-256 of the bytes, 64 hex digits */
	int in_db;    /* the bytes are in the database, else in the folder */
	int64_t created_at;
	int comment_public; /* of the claiming comment (loaded with it) */
};

/* A file name fit to store and show: the last path part, control and
 * quoting characters replaced with '_', cut to FL_ATTACHMENT_NAME_MAX bytes
 * on a character boundary; "attachment" when nothing is left. name must be
 * valid UTF-8 (FL_EINVAL otherwise). */
int fl_attachment_name(const char *name, char *out, size_t cap, struct fl_err *e);
/* A declared media type kept only when it looks like one ("type/subtype",
 * lower-cased, parameters dropped), else application/octet-stream. */
void fl_attachment_type(const char *declared, char *out, size_t cap);
/* The type to serve the bytes with inline: an image type when the first
 * bytes are a PNG, JPEG, GIF or WebP image; NULL for everything else,
 * which is served as a download. */
const char *fl_attachment_inline_type(const void *head, size_t n);
/* Whether a file is a program or a script, by its bytes or its name:
 * starting with "MZ" (Windows), "\x7fELF", a Mach-O magic (32/64-bit,
 * either byte order, or universal) or "#!" (a script), or named with an
 * extension a system runs (exe bat cmd com scr msi ps1 vbs js jar apk app
 * dmg sh deb rpm, any case). name may be NULL; head is the first n
 * bytes. What a stranger sends (the chat's uploads) is refused when so. */
int fl_attachment_executable(const char *name, const void *head, size_t n);
/* Whether actor may download a: its uploader, or (once claimed) whoever
 * may see the comment — the ticket check itself is the caller's
 * (fl_ticket_load); private comments only for agents. */
int fl_attachment_visible(const struct fl_attachment *a, const struct fl_actor *actor,
			  int ticket_visible);

/* Uploads no comment claimed within this long are forgotten. */
#define FL_UPLOAD_KEEP (24 * 3600)
#define FL_UPLOAD_PURGE_PERIOD 3600 /* seconds between purges */

/* The "upload-purge" job: forgets unclaimed uploads older than
 * FL_UPLOAD_KEEP, with their bytes. */
struct fl_job;
struct fl_store;
int fl_attachments_purge_job(struct fl_store *s, const struct fl_job *job, struct fl_err *e);

#endif
