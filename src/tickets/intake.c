/* The one intake (tickets/intake.h tells the rules). */
#include "tickets/intake.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "store/attachments.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/notice.h"
#include "core/random.h"

#define NAME_MAX_CHARS 255

static const char *const kind_names[FL_SENDER__MAX] = {"an e-mail address", "a phone number",
						       "a messenger id", "a visitor token"};

int fl_intake_file_prepare(fl_store *s, struct fl_intake_file *f, const char *name,
			   const char *type, const char *data, size_t n, struct fl_err *e)
{
	char clean_name[sizeof f->name], clean_type[sizeof f->type];
	unsigned char hash[32];
	struct fl_err ignore = {0};

	/* cleaned apart first: name and type may be f's own */
	if (fl_attachment_name(name && *name ? name : "attachment", clean_name, sizeof clean_name,
			       &ignore))
		snprintf(clean_name, sizeof clean_name, "attachment");
	fl_attachment_type(type, clean_type, sizeof clean_type);
	memcpy(f->name, clean_name, sizeof f->name);
	memcpy(f->type, clean_type, sizeof f->type);
	f->data = data;
	f->n = n;
	crypto_hash_sha256(hash, (const unsigned char *)data, n);
	sodium_bin2hex(f->digest, sizeof f->digest, hash, sizeof hash);
	fl_random_hex(f->token, 32);
	f->in_db = fl_store_files_in_db(s);
	return f->in_db ? 0 : fl_store_file_put(s, f->digest, data, n, e);
}

/* The end user a chat visitor's sender names: the chat channel found or
 * made them (chat/chat.h) and keeps them as the visitor's, so the value is
 * that user's id. Only an end user: a visitor never writes as an agent. */
static int visitor(struct fl_tx *tx, const struct fl_sender *s, const char *field, fl_arena *a,
		   struct fl_user *out, struct fl_err *e)
{
	int64_t id = 0;
	int rc;

	if (!s->value || fl_str_to_i64(fl_str_c(s->value), &id) || id <= 0)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: no such visitor",
				  field);
	rc = fl_store_user_get(tx, id, a, out);
	if (rc == FL_ENOTFOUND || (!rc && out->role != FL_ROLE_END_USER))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: no such visitor",
				  field);
	return rc;
}

/* The user s names, made an end user when there is none; inactive and
 * suspended ones too (the callers decide). */
static int person(struct fl_tx *tx, const struct fl_sender *s, const char *field, const char *lang,
		  int create, fl_arena *a, struct fl_user *out, struct fl_err *e)
{
	struct fl_user u = {0};
	const char *name = s->name;
	char *email;
	int rc;

	if (s->kind == FL_SENDER_VISITOR)
		return visitor(tx, s, field, a, out, e);
	if (s->kind != FL_SENDER_EMAIL)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: %s cannot name a customer yet; give an e-mail address",
				  field,
				  s->kind > 0 && s->kind < FL_SENDER__MAX ? kind_names[s->kind]
									  : "this identity");
	if (!s->value || !*s->value)
		return fl_err_set(e, FL_EINVAL, field, "Blank", "%s: cannot be blank", field);
	if (!(email = fl_arena_strdup(a, s->value)))
		return FL_ENOMEM;
	if (fl_email_normalize(email))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: is not a valid e-mail address", field);
	rc = fl_store_user_by_email(tx, email, a, out);
	if (rc != FL_ENOTFOUND || !create)
		return rc;
	/* the display name, else the address's local part */
	if (!name || !*name)
		name = fl_arena_strndup(a, email, strcspn(email, "@"));
	else
		name = fl_arena_strndup(a, name,
					fl_utf8_prefix(name, strlen(name), NAME_MAX_CHARS));
	if (!name)
		return FL_ENOMEM;
	u.role = FL_ROLE_END_USER;
	u.locale = (char *)(lang ? lang : "en");
	u.name = (char *)name;
	u.email = email;
	u.created_at = u.updated_at = fl_now();
	if ((rc = fl_user_create(tx, &u, NULL, e)))
		return rc;
	*out = u;
	return 0;
}

int fl_intake_customer(struct fl_tx *tx, const struct fl_sender *s, const char *field,
		       const char *lang, int create, fl_arena *a, struct fl_user *out,
		       struct fl_err *e)
{
	struct fl_user u;
	int rc = person(tx, s, field, lang, create, a, &u, e);

	if (rc)
		return rc;
	if (!u.active || u.suspended)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: requests from this address are not accepted", field);
	*out = u;
	return 0;
}

/* The ticket the channel says this continues, in t; t->id 0 when there is
 * none (or it is deleted). */
static int thread(struct fl_tx *tx, int64_t id, fl_arena *a, struct fl_ticket *t)
{
	int rc = id > 0 ? fl_store_ticket_get(tx, id, a, t) : FL_ENOTFOUND;

	if (rc == FL_ENOTFOUND || (!rc && t->deleted_at)) {
		memset(t, 0, sizeof *t);
		return 0;
	}
	return rc;
}

static void add_id(int64_t *ids, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	if (*n < FL_TICKET_MAX_CCS)
		ids[(*n)++] = id;
}

/* The people in->cc names, found or made, joined to p's CCs (not the
 * sender, not twice; deactivated and suspended people left out). */
static int join_ccs(struct fl_tx *tx, const struct fl_intake *in, int64_t sender, fl_arena *a,
		    struct fl_ticket_patch *p, struct fl_err *e)
{
	for (size_t i = 0; i < in->ncc; i++) {
		struct fl_user u;
		int rc = person(tx, &in->cc[i], "cc", in->lang, 1, a, &u, e);
		if (rc)
			return rc;
		if (u.id != sender && u.active && !u.suspended)
			add_id(p->ccs, &p->nccs, u.id);
	}
	return 0;
}

/* The files as the writer's uploads, taken by p's comment. */
static int store_files(struct fl_tx *tx, const struct fl_intake *in, int64_t writer,
		       struct fl_ticket_patch *p)
{
	int64_t now = fl_now();

	for (size_t i = 0; i < in->nfiles; i++) {
		struct fl_intake_file *f = &in->files[i];
		struct fl_attachment row = {.token = f->token,
					    .uploader_id = writer,
					    .file_name = f->name,
					    .content_type = f->type,
					    .size = (int64_t)f->n,
					    .digest = f->digest,
					    .in_db = f->in_db,
					    .created_at = now};
		int rc;
		if (p->nuploads == FL_COMMENT_MAX_UPLOADS)
			break;
		if ((rc = fl_store_attachment_insert(tx, &row, f->data, f->n)))
			return rc;
		p->uploads[p->nuploads++] = f->token;
	}
	return 0;
}

/* A comment on t from the sender: a customer's answer reopens a pending or
 * solved ticket, and new CCs join the ones there. Written by an agent or
 * integration, that is said outright; written by the customer, the ticket's
 * own rules for customers do it (and CCs are theirs to leave). */
static int reply(struct fl_tx *tx, const struct fl_intake *in, const struct fl_actor *writer,
		 const struct fl_user *sender, const struct fl_ticket *t, struct fl_ticket_patch *p,
		 fl_arena *a, struct fl_ticket *made, struct fl_err *e)
{
	size_t had = t->nccs;
	int rc;

	if (writer->role >= FL_ROLE_AGENT) {
		struct fl_ticket_patch news = {0};
		if (sender->role == FL_ROLE_END_USER &&
		    (t->status == FL_STATUS_PENDING || t->status == FL_STATUS_SOLVED))
			p->has_status = 1, p->status = FL_STATUS_OPEN;
		if ((rc = join_ccs(tx, in, sender->id, a, &news, e)))
			return rc;
		memcpy(p->ccs, t->ccs, had * sizeof *t->ccs);
		p->nccs = had;
		for (size_t i = 0; i < news.nccs; i++)
			add_id(p->ccs, &p->nccs, news.ccs[i]);
		p->has_ccs = p->nccs > had;
	}
	return fl_ticket_update(tx, writer, t->id, p, a, made, e);
}

/* The tags of a new ticket: the writer's and the channel's, normalized. */
static int add_tags(const struct fl_intake *in, struct fl_ticket_patch *p, fl_arena *a,
		    struct fl_err *e)
{
	for (size_t i = 0; i < in->ntags && p->ntags < FL_TICKET_MAX_TAGS; i++)
		p->tags[p->ntags++] = in->tags[i];
	p->has_tags = p->has_tags || p->ntags > 0;
	return p->ntags ? fl_tags_normalize(p->tags, &p->ntags, a, e) : 0;
}

/* The acknowledgement of a new ticket (see the header for when). */
static int acknowledge(struct fl_tx *tx, const struct fl_intake *in, const struct fl_ticket *t,
		       struct fl_intake_result *out)
{
	int64_t recent = 0;
	int rc;

	if (in->automatic || in->suspicious || in->quiet)
		return 0;
	rc = fl_store_ticket_recent(tx, t->requester_id, fl_now() - 3600, &recent);
	if (rc || recent > FL_INTAKE_ACKS_AN_HOUR)
		return rc;
	out->acknowledged = 1;
	return fl_notice_tell(tx, FL_NOTICE_ACK, t, 0);
}

int fl_ticket_intake(struct fl_tx *tx, const struct fl_intake *in, fl_arena *a,
		     struct fl_intake_result *out, struct fl_err *e)
{
	struct fl_ticket_patch *p = fl_arena_alloc(a, sizeof *p);
	struct fl_intake_result res = {0};
	struct fl_ticket t;
	struct fl_user sender;
	struct fl_actor self;
	const struct fl_actor *writer;
	int rc;

	if (!p)
		return FL_ENOMEM;
	if (in->channel < 0 || in->channel >= FL_CHANNEL__MAX)
		return fl_err_set(e, FL_EINVAL, "channel", "InvalidValue", "channel: unknown");
	if ((rc = fl_intake_customer(tx, &in->from, in->field ? in->field : "from", in->lang, 1, a,
				     &sender, e)) ||
	    (rc = thread(tx, in->thread_id, a, &t)))
		return rc;
	/* a customer writing by themself writes as a customer, whoever they are */
	self = (struct fl_actor){sender.id, FL_ROLE_END_USER};
	writer = in->via ? in->via : &self;
	if (in->more && !t.id)
		*p = *in->more;
	else
		memset(p, 0, sizeof *p);
	if ((rc = store_files(tx, in, writer->id, p)))
		return rc;
	p->comment_body = in->text;
	if (in->html) /* else the writer's own, with more */
		p->comment_html = in->html;
	p->comment_public = in->more && !t.id ? in->more->comment_public : 1;
	p->comment_author_id = in->author_id ? in->author_id : sender.id;
	/* a channel that answers by itself (the chat) tells nobody by mail:
	 * not the notices, not a trigger's mail to the requester */
	p->quiet = p->quiet || in->quiet;
	p->made_comment = &res.comment_id;
	p->channel = in->channel;
	p->has_channel = 1;
	if (t.id) {
		rc = reply(tx, in, writer, &sender, &t, p, a, &res.ticket, e);
	} else {
		if (in->subject && *in->subject)
			p->subject = in->subject, p->has_subject = 1;
		p->requester_id = sender.id;
		p->has_requester = 1;
		if (in->group_id)
			p->group_id = in->group_id, p->has_group = 1;
		if (in->external_id)
			p->external_id = in->external_id, p->has_external_id = 1;
		if (in->recipient)
			p->recipient = in->recipient, p->has_recipient = 1;
		if (!(rc = join_ccs(tx, in, sender.id, a, p, e)) && !(rc = add_tags(in, p, a, e))) {
			p->has_ccs = p->has_ccs || p->nccs > 0;
			rc = fl_ticket_create(tx, writer, p, a, &res.ticket, e);
		}
		res.created = !rc;
		if (!rc)
			rc = acknowledge(tx, in, &res.ticket, &res);
	}
	if (rc)
		return rc;
	res.requester_id = sender.id;
	*out = res;
	return 0;
}
