/* /api/v2/tickets: create, show, update, delete, list, comments, audits. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attachments/attachment_api.h"
#include "core/input.h"
#include "core/time.h"
#include "store/attachments.h"
#include "store/tickets.h"
#include "tickets/intake.h"
#include "tickets/ticket_api.h"

#define COMMENT_MAX 65536
#define CUSTOM_FIELDS_MAX 65536

struct ticket_in {
	struct fl_ticket_patch p;
	json_t *comment;   /* the nested comment object */
	json_t *requester; /* {"email", "name", "locale"}: find or create */
	json_t *via;
	int has_comment, has_requester_obj, has_via, has_email_ccs;
};

#define P(f) offsetof(struct ticket_in, p.f)

static const struct fl_field ticket_fields[] = {
	{"subject", FL_FT_STRING, 1000, 0, 0, NULL, P(subject), P(has_subject), 0, 0},
	{"status", FL_FT_ENUM, 0, 0, 0, fl_status_parse, P(status), P(has_status), 0, 0},
	{"priority", FL_FT_ENUM, 0, 0, 1, fl_priority_parse, P(priority), P(has_priority), 0, 0},
	{"type", FL_FT_ENUM, 0, 0, 1, fl_type_parse, P(type), P(has_type), 0, 0},
	{"requester_id", FL_FT_ID, 0, 0, 0, NULL, P(requester_id), P(has_requester), 0, 0},
	{"assignee_id", FL_FT_ID, 0, 0, 1, NULL, P(assignee_id), P(has_assignee), 0, 0},
	{"group_id", FL_FT_ID, 0, 0, 1, NULL, P(group_id), P(has_group), 0, 0},
	{"organization_id", FL_FT_ID, 0, 0, 1, NULL, P(organization_id), P(has_organization), 0, 0},
	{"tags", FL_FT_STRINGS, FL_TICKET_MAX_TAGS, 80, 1, NULL, P(tags), P(has_tags), P(ntags), 0},
	{"collaborator_ids", FL_FT_IDS, FL_TICKET_MAX_CCS, 0, 1, NULL, P(ccs), P(has_ccs), P(nccs), 0},
	{"email_cc_ids", FL_FT_IDS, FL_TICKET_MAX_CCS, 0, 1, NULL, P(ccs), P(has_ccs), P(nccs), 0},
	{"custom_fields", FL_FT_JSON, CUSTOM_FIELDS_MAX, 0, 1, NULL, P(custom_fields), P(has_custom_fields), 0, 0},
	{"external_id", FL_FT_STRING, 255, 0, 1, NULL, P(external_id), P(has_external_id), 0, 0},
	FL_FIELDS_END,
};

struct comment_in {
	const char *body;
	int is_public;
	int64_t author_id;
	const char *uploads[FL_COMMENT_MAX_UPLOADS];
	size_t nuploads;
	int has_body, has_public, has_author, has_uploads;
};

static const struct fl_field comment_fields[] = {
	{"body", FL_FT_STRING, COMMENT_MAX, 0, 0, NULL, offsetof(struct comment_in, body),
	 offsetof(struct comment_in, has_body), 0, 0},
	{"public", FL_FT_BOOL, 0, 0, 0, NULL, offsetof(struct comment_in, is_public),
	 offsetof(struct comment_in, has_public), 0, 0},
	{"author_id", FL_FT_ID, 0, 0, 0, NULL, offsetof(struct comment_in, author_id),
	 offsetof(struct comment_in, has_author), 0, 0},
	{"uploads", FL_FT_STRINGS, FL_COMMENT_MAX_UPLOADS, 64, 0, NULL,
	 offsetof(struct comment_in, uploads), offsetof(struct comment_in, has_uploads),
	 offsetof(struct comment_in, nuploads), 0},
	FL_FIELDS_END,
};

struct requester_in {
	char *email;
	const char *name, *locale;
	int has_email, has_name, has_locale;
};

static const struct fl_field requester_fields[] = {
	{"email", FL_FT_EMAIL, 254, 0, 0, NULL, offsetof(struct requester_in, email),
	 offsetof(struct requester_in, has_email), 0, 0},
	{"name", FL_FT_STRING, 255, 0, 0, NULL, offsetof(struct requester_in, name),
	 offsetof(struct requester_in, has_name), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, offsetof(struct requester_in, locale),
	 offsetof(struct requester_in, has_locale), 0, 0},
	FL_FIELDS_END,
};

struct ctx {
	struct ticket_in in;
	struct requester_in req;
	struct fl_ticket t;
	struct fl_ticket *rows;
	size_t n;
	struct fl_comment *comments;
	struct fl_attachment *files; /* of the ticket's comments */
	size_t nfiles;
	struct fl_audit *audits;
	struct fl_req_page pg;
	struct fl_filter f;
	struct fl_page page;
	int64_t total;
};

/* Checks custom_fields: an array of {"id": positive integer, "value": …}. */
static int check_custom_fields(struct fl_req *r, json_t *v)
{
	size_t i;
	json_t *item;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 256)
		return fl_req_fail(r, FL_EINVAL, "custom_fields", "InvalidValue",
				   "custom_fields: must be an array of at most 256 {id, value} objects");
	json_array_foreach(v, i, item) {
		json_t *id = json_object_get(item, "id");
		if (!json_is_object(item) || !json_is_integer(id) || json_integer_value(id) <= 0)
			return fl_req_fail(r, FL_EINVAL, "custom_fields", "InvalidValue",
					   "custom_fields[%zu]: needs a positive integer id", i);
	}
	return 0;
}

/* Decodes {"ticket": {...}} into c->in. */
static int decode_ticket(struct fl_req *r, struct ctx *c, int creating)
{
	json_t *t = r->body ? json_object_get(r->body, "ticket") : NULL;
	json_t *cm, *via;
	struct comment_in ci = {0};
	int rc;

	if (!json_is_object(t))
		return fl_req_fail(r, FL_EMALFORMED, "ticket", "InvalidRequest",
				   "the body must be {\"ticket\": {...}}");
	rc = fl_input_decode(t, ticket_fields, &c->in, &r->arena, &r->err);
	if (rc)
		return rc;
	if ((rc = check_custom_fields(r, json_object_get(t, "custom_fields"))))
		return rc;
	if (c->in.p.has_tags &&
	    (rc = fl_tags_normalize(c->in.p.tags, &c->in.p.ntags, &r->arena, &r->err)))
		return rc;
	if (c->in.p.has_subject && !c->in.p.subject)
		return fl_req_fail(r, FL_EINVAL, "subject", "Blank", "Subject: cannot be blank");
	cm = json_object_get(t, "comment");
	if (creating && !cm) {
		const char *d = json_string_value(json_object_get(t, "description"));
		if (d)
			cm = json_pack("{s:s}", "body", d), json_object_set_new(t, "comment", cm);
	}
	if (cm && !json_is_null(cm)) {
		if (!json_is_object(cm))
			return fl_req_fail(r, FL_EINVAL, "comment", "InvalidType",
					   "comment: must be an object with a body");
		ci.is_public = 1;
		rc = fl_input_decode(cm, comment_fields, &ci, &r->arena, &r->err);
		if (rc)
			return rc;
		if (!ci.has_body || !ci.body)
			return fl_req_fail(r, FL_EINVAL, "comment", "Blank",
					   "Comment: body cannot be blank");
		c->in.p.comment_body = ci.body;
		c->in.p.comment_public = ci.is_public;
		c->in.p.comment_author_id = ci.has_author ? ci.author_id : 0;
		memcpy(c->in.p.uploads, ci.uploads, sizeof ci.uploads);
		c->in.p.nuploads = ci.nuploads;
	}
	via = json_object_get(t, "via");
	if (via && json_is_object(via) && json_is_string(json_object_get(via, "channel"))) {
		int ch = fl_channel_parse(fl_str_c(json_string_value(json_object_get(via, "channel"))));
		if (ch < 0)
			return fl_req_fail(r, FL_EINVAL, "via", "InvalidValue",
					   "via.channel: unknown channel");
		c->in.p.channel = ch;
		c->in.p.has_channel = 1;
	}
	c->in.requester = json_object_get(t, "requester");
	if (c->in.requester && creating) {
		rc = fl_input_decode(c->in.requester, requester_fields, &c->req, &r->arena, &r->err);
		if (rc)
			return rc;
		if (!c->req.has_email)
			return fl_req_fail(r, FL_EINVAL, "requester", "Blank",
					   "requester: needs an email");
		c->in.has_requester_obj = 1;
	}
	if (!fl_ticket_sees_private(&r->actor) && c->in.p.comment_author_id &&
	    c->in.p.comment_author_id != r->actor.id)
		return fl_req_fail(r, FL_EFORBIDDEN, "comment", NULL,
				   "End users may only write comments as themselves");
	return 0;
}

json_t *fl_ticket_json(struct fl_req *r, const struct fl_ticket *t)
{
	json_t *o = json_object(), *tags = json_array(), *ccs = json_array();
	char url[256];

	snprintf(url, sizeof url, "%s/api/v2/tickets/%" PRId64 ".json", fl_req_base(r), t->id);
	for (size_t i = 0; i < t->ntags; i++)
		json_array_append_new(tags, json_string_nocheck(t->tags[i]));
	for (size_t i = 0; i < t->nccs; i++)
		json_array_append_new(ccs, json_integer(t->ccs[i]));
	json_object_set_new_nocheck(o, "url", json_string_nocheck(url));
	json_object_set_new_nocheck(o, "id", json_integer(t->id));
	json_object_set_new_nocheck(o, "external_id", fl_json_str(t->external_id));
	json_object_set_new_nocheck(o, "via", json_pack("{s:s, s:{}}", "channel",
						fl_channel_name(t->channel), "source"));
	json_object_set_new_nocheck(o, "created_at", fl_json_time(t->created_at));
	json_object_set_new_nocheck(o, "updated_at", fl_json_time(t->updated_at));
	json_object_set_new_nocheck(o, "solved_at", fl_json_time(t->solved_at));
	json_object_set_new_nocheck(o, "type", fl_json_str(fl_type_name(t->type)));
	json_object_set_new_nocheck(o, "subject", fl_json_str(t->subject));
	json_object_set_new_nocheck(o, "raw_subject", fl_json_str(t->subject));
	json_object_set_new_nocheck(o, "description", fl_json_str(t->description));
	json_object_set_new_nocheck(o, "priority", fl_json_str(fl_priority_name(t->priority)));
	json_object_set_new_nocheck(o, "status", json_string_nocheck(fl_status_name(t->status)));
	json_object_set_new_nocheck(o, "requester_id", fl_json_id(t->requester_id));
	json_object_set_new_nocheck(o, "submitter_id", fl_json_id(t->submitter_id));
	json_object_set_new_nocheck(o, "assignee_id", fl_json_id(t->assignee_id));
	json_object_set_new_nocheck(o, "organization_id", fl_json_id(t->organization_id));
	json_object_set_new_nocheck(o, "group_id", fl_json_id(t->group_id));
	json_object_set_new_nocheck(o, "collaborator_ids", ccs);
	json_object_set_new_nocheck(o, "email_cc_ids", json_deep_copy(ccs));
	json_object_set_new_nocheck(o, "follower_ids", json_array());
	json_object_set_new_nocheck(o, "tags", tags);
	json_object_set_new_nocheck(o, "custom_fields", fl_json_raw(t->custom_fields));
	json_object_set_new_nocheck(o, "is_public", json_true());
	json_object_set_new_nocheck(o, "has_incidents", json_false());
	if (t->snippet)
		json_object_set_new_nocheck(o, "snippet", json_string_nocheck(t->snippet));
	return o;
}

/* The comment, with those of files (n of them) that are its own. */
static json_t *comment_json(struct fl_req *r, const struct fl_comment *c,
			    const struct fl_attachment *files, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		if (files[i].comment_id == c->id)
			json_array_append_new(list, fl_attachment_json(r, &files[i]));
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:{s:s}, s:o}",
			 "id", (json_int_t)c->id, "type", "Comment",
			 "author_id", (json_int_t)c->author_id,
			 "body", c->body ? c->body : "",
			 "html_body", c->html_body ? c->html_body : "",
			 "plain_body", c->body ? c->body : "",
			 "public", c->public, "attachments", list,
			 "via", "channel", fl_channel_name(c->channel),
			 "created_at", fl_json_time(c->created_at));
}

int fl_ticket_sort_arg(struct fl_req *r, int dflt, int dflt_desc, int *sort, int *desc)
{
	static const struct {
		const char *name;
		int sort;
	} keys[] = {{"id", FL_SORT_ID}, {"created_at", FL_SORT_CREATED},
		    {"updated_at", FL_SORT_UPDATED}, {"priority", FL_SORT_PRIORITY},
		    {"status", FL_SORT_STATUS}};
	const char *s = fl_req_arg(r, "sort");
	const char *order = fl_req_arg(r, "sort_order");

	*sort = dflt;
	*desc = dflt_desc;
	if (!s)
		s = fl_req_arg(r, "sort_by");
	else if (*s == '-')
		*desc = 1, s++;
	else
		*desc = 0;
	if (order) {
		if (strcmp(order, "asc") && strcmp(order, "desc"))
			return fl_req_fail(r, FL_EMALFORMED, "sort_order", "InvalidValue",
					   "sort_order must be asc or desc");
		*desc = !strcmp(order, "desc");
	}
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (!strcmp(s, keys[i].name)) {
			*sort = keys[i].sort;
			return 0;
		}
	}
	return fl_req_fail(r, FL_EMALFORMED, "sort", "InvalidValue",
			   "cannot sort by '%.40s'; use id, created_at, updated_at, priority or status", s);
}

/* A ticket for a customer named by e-mail: through the one intake
 * (tickets/intake.h), which finds or makes them; the agent writes it and
 * says the rest, the first comment is the agent's unless it names its
 * author, and nobody is acknowledged (the agent answers). */
static int create_for(fl_tx *tx, struct fl_req *r, struct ctx *c)
{
	const struct fl_ticket_patch *p = &c->in.p;
	struct fl_intake *in = fl_arena_alloc(&r->arena, sizeof *in);
	struct fl_intake_result made;
	int rc;

	if (!in)
		return FL_ENOMEM;
	*in = (struct fl_intake){.channel = p->has_channel ? p->channel : FL_CHANNEL_API,
				 .via = &r->actor, .field = "requester",
				 .from = {FL_SENDER_EMAIL, c->req.email, c->req.has_name ? c->req.name : NULL},
				 .lang = c->req.has_locale ? c->req.locale : NULL, .text = p->comment_body,
				 .author_id = p->comment_author_id ? p->comment_author_id : r->actor.id,
				 .more = p, .quiet = 1};
	if ((rc = fl_ticket_intake(tx, in, &r->arena, &made, &r->err)))
		return rc;
	c->t = made.ticket;
	return 0;
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	if (c->in.has_requester_obj)
		return create_for(tx, r, c);
	return fl_ticket_create(tx, &r->actor, &c->in.p, &r->arena, &c->t, &r->err);
}

static int render_one(struct fl_req *r, int status)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object();
	json_object_set_new(o, "ticket", fl_ticket_json(r, &c->t));
	if (status == 201) {
		char loc[256];
		snprintf(loc, sizeof loc, "%s/api/v2/tickets/%" PRId64 ".json", fl_req_base(r), c->t.id);
		fl_req_header(r, "Location", loc);
	}
	return fl_req_reply(r, status, o);
}

static int render_created(struct fl_req *r) { return render_one(r, 201); }
static int render_ok(struct fl_req *r) { return render_one(r, 200); }

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_ticket(r, c, 1)))
		return rc;
	if (c->in.has_requester_obj && !fl_ticket_sees_private(&r->actor))
		return fl_req_fail(r, FL_EFORBIDDEN, "requester", NULL,
				   "End users cannot open requests for someone else");
	return fl_req_write(r, tx_create, render_created);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &c->t);
}

static int h_show(struct fl_req *r)
{
	return fl_req_read(r, tx_show, render_ok);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_ticket_update(tx, &r->actor, r->id[0], &c->in.p, &r->arena, &c->t, &r->err);
}

static int h_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_ticket(r, c, 0)))
		return rc;
	/* a reply records where it was typed: the workspace (a browser
	 * session) is the web channel, a token or password the API */
	if (!c->in.p.has_channel) {
		c->in.p.channel = r->via_cookie ? FL_CHANNEL_WEB : FL_CHANNEL_API;
		c->in.p.has_channel = 1;
	}
	return fl_req_write(r, tx_update, render_ok);
}

static int tx_delete(fl_tx *tx, struct fl_req *r)
{
	return fl_ticket_delete(tx, &r->actor, r->id[0], &r->err);
}

static int h_delete(struct fl_req *r)
{
	return fl_req_write(r, tx_delete, fl_req_no_content);
}

static int tx_list(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_ticket_find(tx, &c->f, &c->page, &r->arena, &c->rows, &c->n);
	if (!rc && !c->pg.cursor)
		rc = fl_store_ticket_count(tx, &c->f, &c->total);
	return rc;
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	const struct fl_ticket *last = shown ? &c->rows[shown - 1] : NULL;

	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, fl_ticket_json(r, &c->rows[i]));
	json_object_set_new(o, "tickets", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total,
			  last ? fl_store_ticket_sort_key(last, c->page.sort) : 0,
			  last ? last->id : 0);
	return fl_req_reply(r, 200, o);
}

/* Shared by the ticket list and the view ticket list: page the filter. */
static int list_filtered(struct fl_req *r, struct ctx *c, int sort, int desc)
{
	int rc = fl_req_paging(r, &c->pg);
	if (rc)
		return rc;
	if ((rc = fl_ticket_scope(&r->actor, &c->f)))
		return rc;
	c->page = (struct fl_page){sort, desc, c->pg.per_page, c->pg.has_after,
				   c->pg.after_key, c->pg.after_id,
				   (c->pg.page - 1) * c->pg.per_page};
	return fl_req_read(r, tx_list, render_list);
}

static int h_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int sort, desc, rc;
	if ((rc = fl_ticket_sort_arg(r, FL_SORT_ID, 0, &sort, &desc)))
		return rc;
	return list_filtered(r, c, sort, desc);
}

/* The tickets whose field is the path's {id}: a person's requested or
 * assigned tickets, an organization's tickets. */
static int list_by(struct fl_req *r, int field)
{
	struct ctx *c = r->ctx;
	int sort, desc, rc;

	if ((rc = fl_ticket_sort_arg(r, FL_SORT_ID, 0, &sort, &desc)))
		return rc;
	if ((rc = fl_filter_add(&c->f, field, FL_OP_EQ, r->id[0], NULL, -1)))
		return rc;
	return list_filtered(r, c, sort, desc);
}

static int h_requested(struct fl_req *r) { return list_by(r, FL_F_REQUESTER); }
static int h_assigned(struct fl_req *r) { return list_by(r, FL_F_ASSIGNEE); }
static int h_org_tickets(struct fl_req *r) { return list_by(r, FL_F_ORGANIZATION); }

/* GET /api/v2/tickets/show_many?ids=1,2,3: at most 100 tickets, those the
 * actor may see, in id order. */
static int h_show_many(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t ids[100];
	size_t n;
	int group = -1, rc = fl_req_ids(r, ids, 100, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		if (fl_filter_add(&c->f, FL_F_ID, FL_OP_EQ, ids[i], NULL, group))
			return FL_ENOMEM;
		group = c->f.p[c->f.n - 1].group;
	}
	return rc ? rc : list_filtered(r, c, FL_SORT_ID, 0);
}

int fl_ticket_list_filtered(struct fl_req *r, const struct fl_filter *f, int sort, int desc)
{
	/* called from other domains' handlers: this domain's own state */
	struct ctx *c = fl_arena_alloc(&r->arena, sizeof *c);
	if (!c)
		return FL_ENOMEM;
	r->ctx = c;
	c->f = *f;
	return list_filtered(r, c, sort, desc);
}

static int tx_count(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_ticket_count(tx, &c->f, &c->total);
}

static int render_count(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	char now[21];
	fl_time_iso(fl_now(), now);
	return fl_req_reply(r, 200, json_pack("{s:{s:I, s:s}}", "count", "value",
					      (json_int_t)c->total, "refreshed_at", now));
}

static int h_count(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = fl_ticket_scope(&r->actor, &c->f)))
		return rc;
	return fl_req_read(r, tx_count, render_count);
}

static int tx_comments(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &c->t);
	if (rc)
		return rc;
	rc = fl_store_comment_list(tx, c->t.id, !fl_ticket_sees_private(&r->actor),
				   &c->page, &r->arena, &c->comments, &c->n);
	return rc ? rc : fl_store_attachment_list(tx, c->t.id, &r->arena, &c->files, &c->nfiles);
}

static int render_comments(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;

	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, comment_json(r, &c->comments[i], c->files, c->nfiles));
	json_object_set_new(o, "comments", list);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, -1,
			  shown ? c->comments[shown - 1].id : 0,
			  shown ? c->comments[shown - 1].id : 0);
	if (!c->pg.cursor)
		json_object_del(o, "count");
	return fl_req_reply(r, 200, o);
}

static int h_comments(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *order = fl_req_arg(r, "sort_order");
	int rc;
	if ((rc = fl_req_paging(r, &c->pg)))
		return rc;
	c->page = (struct fl_page){FL_SORT_ID, order && !strcmp(order, "desc"),
				   c->pg.per_page, c->pg.has_after, c->pg.after_key,
				   c->pg.after_id, (c->pg.page - 1) * c->pg.per_page};
	return fl_req_read(r, tx_comments, render_comments);
}

static int tx_audits(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &c->t);
	return rc ? rc : fl_store_audit_list(tx, c->t.id, &r->arena, &c->audits, &c->n);
}

static const char *const event_types[FL_EVENT__MAX] = {"Create", "Change", "Comment", "Delete"};

static int render_audits(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *list = json_array();

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_audit *au = &c->audits[i];
		json_t *events = json_array();
		for (size_t k = 0; k < au->nevents; k++) {
			const struct fl_event *e = &au->events[k];
			json_t *ev = json_pack("{s:I, s:s}", "id", (json_int_t)e->id,
					       "type", event_types[e->kind < FL_EVENT__MAX ? e->kind : 1]);
			if (e->kind == FL_EVENT_COMMENT) {
				json_object_set_new(ev, "comment_id", json_integer(e->comment_id));
				json_object_set_new(ev, "public", json_boolean(e->field && !strcmp(e->field, "public")));
			} else {
				json_object_set_new(ev, "field_name", fl_json_str(e->field));
				json_object_set_new(ev, "value", fl_json_str(e->value));
				if (e->kind == FL_EVENT_CHANGE)
					json_object_set_new(ev, "previous_value", fl_json_str(e->previous));
			}
			json_array_append_new(events, ev);
		}
		json_array_append_new(list, json_pack("{s:I, s:I, s:I, s:o, s:{s:s}, s:o}",
						      "id", (json_int_t)au->id,
						      "ticket_id", (json_int_t)au->ticket_id,
						      "author_id", (json_int_t)au->author_id,
						      "created_at", fl_json_time(au->created_at),
						      "via", "channel", fl_channel_name(au->channel),
						      "events", events));
	}
	json_object_set_new(o, "audits", list);
	json_object_set_new(o, "count", json_integer((json_int_t)c->n));
	json_object_set_new(o, "next_page", json_null());
	json_object_set_new(o, "previous_page", json_null());
	return fl_req_reply(r, 200, o);
}

static int h_audits(struct fl_req *r)
{
	return fl_req_read(r, tx_audits, render_audits);
}

const struct fl_route fl_ticket_routes[] = {
	{"GET", "/api/v2/tickets", h_list, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/tickets", h_create, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/count", h_count, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/show_many", h_show_many, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/tickets/requested", h_requested, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/tickets/assigned", h_assigned, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}/tickets", h_org_tickets, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}", h_show, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/tickets/{id}", h_update, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/tickets/{id}", h_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/comments", h_comments, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/audits", h_audits, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
