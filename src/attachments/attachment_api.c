/* Uploads and attachments:
 *   POST /api/v2/uploads?filename=NAME   the file as the body, any type
 *   GET  /api/v2/attachments/{id}         what it is
 *   GET  /api/v2/attachments/{id}/content the bytes
 * A comment claims uploads with "uploads": [token, …]. The bytes go to the
 * database, or with the attachments setting to that folder (shared by the
 * nodes) before the row commits; unclaimed uploads are forgotten after a
 * day (the upload-purge job). */
#include "attachments/attachment_api.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/random.h"
#include "core/time.h"
#include "store/attachments.h"
#include "tickets/ticket.h"
#include "users/user.h"

struct ctx {
	struct fl_upload u; /* an upload's; u.a the attachment shown */
	int content;        /* the bytes were asked for */
};

json_t *fl_attachment_json(struct fl_req *r, const struct fl_attachment *a)
{
	char url[400], content[400];

	snprintf(url, sizeof url, "%s/api/v2/attachments/%lld.json", fl_req_base(r),
		 (long long)a->id);
	snprintf(content, sizeof content, "%s/api/v2/attachments/%lld/content", fl_req_base(r),
		 (long long)a->id);
	return json_pack("{s:I, s:o, s:s, s:o, s:I, s:b, s:b, s:s}", "id", (json_int_t)a->id,
			 "file_name", fl_json_str(a->file_name), "content_url", content,
			 "content_type", fl_json_str(a->content_type), "size", (json_int_t)a->size,
			 "inline", 0, "deleted", 0, "url", url);
}

static int tx_upload(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_attachment_insert(tx, &c->u.a, c->u.data, c->u.n);
}

static int render_upload(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *a = fl_attachment_json(r, &c->u.a);
	return fl_req_reply(r, 201,
			    json_pack("{s:{s:s, s:O, s:[o]}}", "upload", "token", c->u.token,
				      "attachment", a, "attachments", a));
}

int fl_upload_read(struct fl_req *r, struct fl_upload *u)
{
	const char *name = fl_req_arg(r, "filename");
	unsigned char hash[32];
	int rc;

	if (!name || !*name)
		return fl_req_fail(r, FL_EINVAL, "filename", "Blank",
				   "filename: say the file's name, ?filename=NAME");
	if ((rc = fl_attachment_name(name, u->name, sizeof u->name, &r->err)))
		return rc;
	u->data = fl_req_body(r, &u->n);
	if (!u->n)
		return fl_req_fail(r, FL_EINVAL, "file", "Blank", "the file is empty");
	fl_attachment_type(fl_req_header_in(r, "Content-Type"), u->type, sizeof u->type);
	crypto_hash_sha256(hash, (const unsigned char *)u->data, u->n);
	sodium_bin2hex(u->digest, sizeof u->digest, hash, sizeof hash);
	fl_random_hex(u->token, 32);
	u->a = (struct fl_attachment){.token = u->token,
				      .uploader_id = r->actor.id,
				      .file_name = u->name,
				      .content_type = u->type,
				      .size = (int64_t)u->n,
				      .digest = u->digest,
				      .in_db = fl_store_files_in_db(r->store),
				      .created_at = fl_now()};
	if (!u->a.in_db)
		return fl_store_file_put(r->store, u->digest, u->data, u->n, &r->err);
	return 0;
}

static int h_upload(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_upload_read(r, &c->u);
	return rc ? rc : fl_req_write(r, tx_upload, render_upload);
}

/* Loads attachment r->id[0] if the actor may have it (404 otherwise, as
 * for a ticket one may not see), with its bytes when they are in the
 * database and were asked for. */
static int tx_get(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_ticket t;
	int rc = fl_store_attachment_get(tx, r->id[0], &r->arena, &c->u.a), visible = 0;

	if (!rc && c->u.a.ticket_id)
		visible = fl_ticket_load(tx, &r->actor, c->u.a.ticket_id, &r->arena, &t) == 0;
	if (!rc && !fl_attachment_visible(&c->u.a, &r->actor, visible))
		rc = FL_ENOTFOUND;
	if (rc == FL_ENOTFOUND)
		return fl_req_fail(r, rc, NULL, NULL, "There is no attachment %lld",
				   (long long)r->id[0]);
	if (!rc && c->content && c->u.a.in_db)
		rc = fl_store_attachment_data(tx, c->u.a.id, &r->arena, (void **)&c->u.data,
					      &c->u.n);
	return rc;
}

static int render_show(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:o}", "attachment", fl_attachment_json(r, &c->u.a)));
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_get, render_show);
}

/* Reads the folder's copy of a into the request's arena. */
static int read_file(struct fl_req *r, const struct fl_attachment *a, const char **data, size_t *n)
{
	size_t size, done = 0;
	char *p;
	int fd, rc = fl_store_file_open(r->store, a->digest, &fd, &size);

	if (rc)
		return fl_req_fail(r, rc == FL_ENOTFOUND ? FL_EIO : rc, NULL, NULL,
				   "the file of attachment %lld is missing from the folder",
				   (long long)a->id);
	p = fl_arena_alloc(&r->arena, size ? size : 1);
	while (p && done < size) {
		ssize_t k = read(fd, p + done, size - done);
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	close(fd);
	if (!p || done < size)
		return p ? FL_EIO : FL_ENOMEM;
	*data = p;
	*n = size;
	return 0;
}

int fl_attachment_reply(struct fl_req *r, const struct fl_attachment *a, const char *data, size_t n)
{
	const char *type;
	char disp[FL_ATTACHMENT_NAME_MAX * 3 + 64];
	size_t k;
	int rc;

	if (!a->in_db && (rc = read_file(r, a, &data, &n)))
		return rc;
	type = fl_attachment_inline_type(data, n);
	/* RFC 6266 with RFC 8187: the name percent-encoded as UTF-8 */
	k = (size_t)snprintf(disp, sizeof disp, "%s; filename*=UTF-8''",
			     type ? "inline" : "attachment");
	for (const unsigned char *p = (const unsigned char *)a->file_name;
	     *p && k + 4 < sizeof disp; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
			disp[k++] = (char)*p;
		else
			k += (size_t)snprintf(disp + k, sizeof disp - k, "%%%02X", *p);
	}
	disp[k] = 0;
	fl_req_header(r, "Content-Disposition", disp);
	fl_req_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	r->status = 200;
	r->raw = data;
	r->raw_len = n;
	r->raw_type = type ? type : "application/octet-stream";
	return 0;
}

/* The bytes, as a download unless they are an image; never as anything a
 * browser would run, from our origin. */
static int render_content(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_attachment_reply(r, &c->u.a, c->u.data, c->u.n);
}

static int h_content(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->content = 1;
	return fl_req_read(r, tx_get, render_content);
}

const struct fl_route fl_attachment_routes[] = {
	{"POST", "/api/v2/uploads", h_upload, FL_ROLE_END_USER, 0, sizeof(struct ctx),
	 FL_ROUTE_RAW_BODY},
	{"GET", "/api/v2/attachments/{id}", h_show, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/attachments/{id}/content", h_content, FL_ROLE_END_USER, 0,
	 sizeof(struct ctx)},
	{0},
};
