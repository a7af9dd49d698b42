/* /api/v2/tickets: create, show, update, delete, list, comments, audits. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attachments/attachment_api.h"
#include "core/log.h"
#include "core/html.h"
#include "core/input.h"
#include "core/time.h"
#include "feedback/csat_api.h"
#include "rules/macro.h"
#include "sla/ticket_sla.h"
#include "store/ticket_slas.h"
#include "store/attachments.h"
#include "store/queues.h"
#include "store/satisfaction.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/intake.h"
#include "tickets/merge.h"
#include "tickets/ticket_api.h"
#include "users/user_api.h"

#define COMMENT_MAX 65536
#define CUSTOM_FIELDS_MAX 65536

struct ticket_in {
	struct fl_ticket_patch p;
	json_t *requester; /* {"email", "name", "locale"}: find or create */
	json_t *email_ccs; /* [{"user_id" | "user_email", "action"}] */
	json_t *followers; /* the same shape, agents only */
	const char *due_at;
	int has_requester_obj, has_due_at_text, has_safe_update, has_updated_stamp;
	/* the macros the agent applied (Zendesk's macro_ids), for the audit */
	int64_t macro_ids[FL_MACRO_IDS_MAX];
	size_t nmacro_ids;
	int has_macro_ids;
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
	{"collaborator_ids", FL_FT_IDS, FL_TICKET_MAX_CCS, 0, 1, NULL, P(ccs), P(has_ccs), P(nccs),
	 0},
	{"email_cc_ids", FL_FT_IDS, FL_TICKET_MAX_CCS, 0, 1, NULL, P(ccs), P(has_ccs), P(nccs), 0},
	{"custom_fields", FL_FT_JSON, CUSTOM_FIELDS_MAX, 0, 1, NULL, P(custom_fields),
	 P(has_custom_fields), 0, 0},
	{"external_id", FL_FT_STRING, 255, 0, 1, NULL, P(external_id), P(has_external_id), 0, 0},
	{"recipient", FL_FT_EMAIL, 254, 0, 1, NULL, P(recipient), P(has_recipient), 0, 0},
	{"problem_id", FL_FT_ID, 0, 0, 1, NULL, P(problem_id), P(has_problem), 0, 0},
	{"due_at", FL_FT_STRING, 40, 0, 1, NULL, offsetof(struct ticket_in, due_at),
	 offsetof(struct ticket_in, has_due_at_text), 0, 0},
	{"follower_ids", FL_FT_IDS, FL_TICKET_MAX_FOLLOWERS, 0, 1, NULL, P(followers),
	 P(has_followers), P(nfollowers), 0},
	{"additional_tags", FL_FT_STRINGS, FL_TICKET_MAX_TAGS, 80, 1, NULL, P(add_tags),
	 P(has_add_tags), P(nadd_tags), 0},
	{"remove_tags", FL_FT_STRINGS, FL_TICKET_MAX_TAGS, 80, 1, NULL, P(remove_tags),
	 P(has_remove_tags), P(nremove_tags), 0},
	{"safe_update", FL_FT_BOOL, 0, 0, 1, NULL, P(safe_update),
	 offsetof(struct ticket_in, has_safe_update), 0, 0},
	{"updated_stamp", FL_FT_STRING, 40, 0, 1, NULL, P(updated_stamp),
	 offsetof(struct ticket_in, has_updated_stamp), 0, 0},
	{"macro_ids", FL_FT_IDS, FL_MACRO_IDS_MAX, 0, 1, NULL,
	 offsetof(struct ticket_in, macro_ids), offsetof(struct ticket_in, has_macro_ids),
	 offsetof(struct ticket_in, nmacro_ids), 0},
	FL_FIELDS_END,
};

/* Fields of a ticket that a client may send back as it got them (a GET,
 * then a PUT of the whole object) but never sets: ignored on purpose, as
 * Zendesk does. Fields Frontline does not know at all are ignored too, as
 * Zendesk ignores them (core/input.h); these are listed so that a reader
 * knows they were thought of, and so that "via" and "description", which
 * mean something on create, mean nothing on update. */
static const char *const read_only[] = {
	"id",
	"url",
	"created_at",
	"updated_at",
	"solved_at",
	"via",
	"description",
	"raw_subject",
	"submitter_id",
	"is_public",
	"has_incidents",
	"snippet",
	"result_type",
	"satisfaction_rating",
	"sharing_agreement_ids",
	"fields",
	"followup_ids",
	"generated_timestamp",
	"allow_channelback",
	"allow_attachments",
	"from_messaging_channel",
	"encoded_id",
	"brand_id",
	"ticket_form_id",
};

struct comment_in {
	const char *body, *html_body;
	int is_public;
	int64_t author_id;
	const char *uploads[FL_COMMENT_MAX_UPLOADS];
	size_t nuploads;
	int has_body, has_html, has_public, has_author, has_uploads;
};

static const struct fl_field comment_fields[] = {
	{"body", FL_FT_STRING, COMMENT_MAX, 0, 0, NULL, offsetof(struct comment_in, body),
	 offsetof(struct comment_in, has_body), 0, 0},
	{"html_body", FL_FT_STRING, COMMENT_MAX, 0, 0, NULL, offsetof(struct comment_in, html_body),
	 offsetof(struct comment_in, has_html), 0, 0},
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
	const struct fl_count_key *kept; /* the count may be a kept one */
	int include;                     /* INCLUDE_* side loads asked for */
	struct fl_user *users;
	size_t nusers;
	struct fl_group *groups;
	size_t ngroups;
	struct fl_org *orgs;
	size_t norgs;
	struct fl_ticket_sla sla;   /* with INCLUDE_SLAS */
	struct fl_csat_rating csat; /* the show's satisfaction_rating, when has_csat */
	int has_csat;
	struct fl_list_slas *slas; /* a list's, with INCLUDE_SLAS */
};

/* Checks custom_fields: an array of {"id": positive integer, "value": …}. */
static int check_custom_fields(struct fl_req *r, json_t *v)
{
	size_t i;
	json_t *item;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 256)
		return fl_req_fail(
			r, FL_EINVAL, "custom_fields", "InvalidValue",
			"custom_fields: must be an array of at most 256 {id, value} objects");
	json_array_foreach(v, i, item)
	{
		json_t *id = json_object_get(item, "id");
		if (!json_is_object(item) || !json_is_integer(id) || json_integer_value(id) <= 0)
			return fl_req_fail(r, FL_EINVAL, "custom_fields", "InvalidValue",
					   "custom_fields[%zu]: needs a positive integer id", i);
	}
	return 0;
}

/* Checks a list of people changes in Zendesk's shape (email_ccs,
 * followers): an array of objects each with a positive "user_id" or a
 * "user_email", and an "action" of "put" (the default) or "delete". */
static int check_people(struct fl_req *r, json_t *v, const char *field, size_t max)
{
	size_t i;
	json_t *item;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > max)
		return fl_req_fail(
			r, FL_EINVAL, field, "InvalidValue",
			"%s: must be an array of at most %zu {user_id or user_email, action}",
			field, max);
	json_array_foreach(v, i, item)
	{
		json_t *id = json_object_get(item, "user_id");
		json_t *email = json_object_get(item, "user_email");
		const char *action = json_string_value(json_object_get(item, "action"));
		if (!json_is_object(item) ||
		    !((json_is_integer(id) && json_integer_value(id) > 0) ||
		      (!id && json_is_string(email) && strchr(json_string_value(email), '@'))))
			return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
					   "%s[%zu]: needs a positive user_id or a user_email",
					   field, i);
		if (json_object_get(item, "action") &&
		    (!action || (strcmp(action, "put") && strcmp(action, "delete"))))
			return fl_req_fail(r, FL_EINVAL, field, "InvalidValue",
					   "%s[%zu]: action must be put or delete", field, i);
	}
	return 0;
}

/* A comment's html_body, as Zendesk takes it: made safe to show (the
 * sanitizer of core/html.h), and its text the body when none is given. */
static int decode_html(struct fl_req *r, struct comment_in *ci)
{
	const char *html = ci->html_body;
	if (!html)
		return fl_req_fail(r, FL_EINVAL, "html_body", "Blank", "html_body: cannot be null");
	if (!(ci->html_body = fl_html_sanitize(html, &r->arena)))
		return FL_ENOMEM; /* COMMENT_MAX keeps it well under the sanitizer's limit */
	if (!ci->has_body) {
		if (!(ci->body = fl_html_text(html, &r->arena)))
			return FL_ENOMEM;
		ci->has_body = 1;
	}
	return 0;
}

/* The ticket's "complaint": null (not a complaint) or {"reason_id": id};
 * left out, it stays as it is. Whether the reason exists and is active,
 * and whether the actor may set it, is the domain's (tickets/ticket.c). */
static int decode_complaint(struct fl_req *r, struct ctx *c, json_t *v)
{
	json_t *id;

	if (!v)
		return 0;
	c->in.p.has_complaint = 1;
	c->in.p.complaint_reason_id = 0;
	/* not theirs to set, well-formed or not: the domain refuses it (403)
	 * before its shape is looked at, so a 422 tells no one it is there */
	if (json_is_null(v) || !fl_ticket_sees_private(&r->actor))
		return 0;
	if (!json_is_object(v))
		return fl_req_fail(r, FL_EINVAL, "complaint", "InvalidType",
				   "complaint: must be null or {\"reason_id\": id}");
	id = json_object_get(v, "reason_id");
	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return fl_req_fail(r, FL_EINVAL, "complaint.reason_id", "InvalidValue",
				   "complaint.reason_id: must be the id of a complaint reason");
	c->in.p.complaint_reason_id = json_integer_value(id);
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
	for (size_t i = 0; i < sizeof read_only / sizeof *read_only; i++)
		if (!creating ||
		    (strcmp(read_only[i], "via") && strcmp(read_only[i], "description")))
			json_object_del(t, read_only[i]);
	rc = fl_input_decode(t, ticket_fields, &c->in, &r->arena, &r->err);
	if (rc)
		return rc;
	if ((rc = check_custom_fields(r, json_object_get(t, "custom_fields"))))
		return rc;
	if (c->in.p.has_tags &&
	    (rc = fl_tags_normalize(c->in.p.tags, &c->in.p.ntags, &r->arena, &r->err)))
		return rc;
	if (c->in.p.has_add_tags &&
	    (rc = fl_tags_normalize(c->in.p.add_tags, &c->in.p.nadd_tags, &r->arena, &r->err)))
		return rc;
	if (c->in.p.has_remove_tags &&
	    (rc = fl_tags_normalize(c->in.p.remove_tags, &c->in.p.nremove_tags, &r->arena,
				    &r->err)))
		return rc;
	if (c->in.has_due_at_text) {
		c->in.p.has_due_at = 1;
		if (c->in.due_at && fl_time_parse(fl_str_c(c->in.due_at), &c->in.p.due_at))
			return fl_req_fail(
				r, FL_EINVAL, "due_at", "InvalidValue",
				"due_at: must be an ISO 8601 time like 2026-11-22T08:24:40Z");
	}
	if (c->in.p.safe_update && !c->in.p.updated_stamp)
		return fl_req_fail(
			r, FL_EINVAL, "updated_stamp", "Blank",
			"updated_stamp: safe_update needs the updated_stamp the ticket was read with");
	if ((rc = decode_complaint(r, c, json_object_get(t, "complaint"))))
		return rc;
	c->in.email_ccs = json_object_get(t, "email_ccs");
	c->in.followers = json_object_get(t, "followers");
	if ((rc = check_people(r, c->in.email_ccs, "email_ccs", FL_TICKET_MAX_CCS)) ||
	    (rc = check_people(r, c->in.followers, "followers", FL_TICKET_MAX_FOLLOWERS)))
		return rc;
	c->in.p.has_cc_changes = c->in.email_ccs && !json_is_null(c->in.email_ccs);
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
		if (ci.has_html && (rc = decode_html(r, &ci)))
			return rc;
		if (!ci.has_body || !ci.body)
			return fl_req_fail(r, FL_EINVAL, "comment", "Blank",
					   "Comment: body cannot be blank");
		c->in.p.comment_html = ci.has_html ? ci.html_body : NULL;
		c->in.p.comment_body = ci.body;
		c->in.p.comment_public = ci.is_public;
		c->in.p.comment_author_id = ci.has_author ? ci.author_id : 0;
		memcpy(c->in.p.uploads, ci.uploads, sizeof ci.uploads);
		c->in.p.nuploads = ci.nuploads;
	}
	via = json_object_get(t, "via");
	if (via && json_is_object(via) && json_is_string(json_object_get(via, "channel"))) {
		int ch = fl_channel_parse(
			fl_str_c(json_string_value(json_object_get(via, "channel"))));
		if (ch < 0)
			return fl_req_fail(r, FL_EINVAL, "via", "InvalidValue",
					   "via.channel: unknown channel");
		c->in.p.channel = ch;
		c->in.p.has_channel = 1;
	}
	c->in.requester = json_object_get(t, "requester");
	if (c->in.requester && creating) {
		rc = fl_input_decode(c->in.requester, requester_fields, &c->req, &r->arena,
				     &r->err);
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

/* {"address": z} or {} when z is NULL. */
static json_t *address(const char *z)
{
	return z ? json_pack("{s:s}", "address", z) : json_object();
}

/* Zendesk's via: the channel, and for e-mail and web requests where they
 * came from (the requester's address) and to (the address they wrote to). */
static json_t *via_json(const struct fl_ticket *t)
{
	int from_person = t->channel == FL_CHANNEL_EMAIL || t->channel == FL_CHANNEL_WEB;
	json_t *from = from_person ? address(t->requester_email) : json_object();
	json_t *to = from_person ? address(t->recipient) : json_object();

	return json_pack("{s:s, s:{s:o, s:o, s:n}}", "channel", fl_channel_name(t->channel),
			 "source", "from", from, "to", to, "rel");
}

static json_t *ids_json(const int64_t *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

json_t *fl_ticket_json(struct fl_req *r, const struct fl_ticket *t)
{
	json_t *o = json_object(), *tags = json_array(), *ccs = ids_json(t->ccs, t->nccs);
	char url[256], stamp[FL_TICKET_STAMP_LEN];

	snprintf(url, sizeof url, "%s/api/v2/tickets/%" PRId64 ".json", fl_req_base(r), t->id);
	fl_ticket_stamp(t, stamp);
	for (size_t i = 0; i < t->ntags; i++)
		json_array_append_new(tags, json_string_nocheck(t->tags[i]));
	json_object_set_new_nocheck(o, "url", json_string_nocheck(url));
	json_object_set_new_nocheck(o, "id", json_integer(t->id));
	json_object_set_new_nocheck(o, "external_id", fl_json_str(t->external_id));
	json_object_set_new_nocheck(o, "via", via_json(t));
	json_object_set_new_nocheck(o, "created_at", fl_json_time(t->created_at));
	json_object_set_new_nocheck(o, "updated_at", fl_json_time(t->updated_at));
	json_object_set_new_nocheck(o, "updated_stamp", json_string_nocheck(stamp));
	json_object_set_new_nocheck(o, "due_at", fl_json_time(t->due_at));
	json_object_set_new_nocheck(o, "recipient", fl_json_str(t->recipient));
	json_object_set_new_nocheck(o, "problem_id", fl_json_id(t->problem_id));
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
	json_object_set_new_nocheck(o, "follower_ids", ids_json(t->followers, t->nfollowers));
	json_object_set_new_nocheck(o, "tags", tags);
	json_object_set_new_nocheck(o, "custom_fields", fl_json_raw(t->custom_fields));
	json_object_set_new_nocheck(o, "is_public", json_true());
	json_object_set_new_nocheck(o, "has_incidents", json_false());
	/* a complaint is the desk's own judgement of a request: agents' */
	if (fl_ticket_sees_private(&r->actor))
		json_object_set_new_nocheck(o, "complaint",
					    t->complaint_reason_id
						    ? json_pack("{s:I}", "reason_id",
								(json_int_t)t->complaint_reason_id)
						    : json_null());
	if (t->snippet)
		json_object_set_new_nocheck(o, "snippet", json_string_nocheck(t->snippet));
	return o;
}

/* Two kinds of kept rendering (http.h, fl_req_item_json): what agents
 * see of a ticket is more than what its customer sees. */
static json_t *ticket_item(struct fl_req *r, const void *t)
{
	return fl_ticket_json(r, t);
}
static json_t *ticket_item_customer(struct fl_req *r, const void *t)
{
	return fl_ticket_json(r, t);
}

/* The comment, with those of files (n of them) that are its own. */
static json_t *comment_json(struct fl_req *r, const struct fl_comment *c,
			    const struct fl_attachment *files, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		if (files[i].comment_id == c->id)
			json_array_append_new(list, fl_attachment_json(r, &files[i]));
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:{s:s}, s:o}", "id",
			 (json_int_t)c->id, "type", "Comment", "author_id",
			 (json_int_t)c->author_id, "body", c->body ? c->body : "", "html_body",
			 c->html_body ? c->html_body : "", "plain_body", c->body ? c->body : "",
			 "public", c->public, "attachments", list, "via", "channel",
			 fl_channel_name(c->channel), "created_at", fl_json_time(c->created_at));
}

int fl_ticket_sort_arg(struct fl_req *r, int dflt, int dflt_desc, int *sort, int *desc)
{
	static const struct {
		const char *name;
		int sort;
	} keys[] = {{"id", FL_SORT_ID},
		    {"created_at", FL_SORT_CREATED},
		    {"updated_at", FL_SORT_UPDATED},
		    {"priority", FL_SORT_PRIORITY},
		    {"status", FL_SORT_STATUS},
		    {"sla_next_breach_at", FL_SORT_SLA_BREACH}};
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
		/* the desk's promises are the agents' to see, and a cursor
		 * would carry a breach time */
		if (keys[i].sort == FL_SORT_SLA_BREACH && !fl_ticket_sees_private(&r->actor))
			continue;
		if (!strcmp(s, keys[i].name)) {
			*sort = keys[i].sort;
			return 0;
		}
	}
	return fl_req_fail(
		r, FL_EMALFORMED, "sort", "InvalidValue",
		"cannot sort by '%.40s'; use id, created_at, updated_at, priority, status or "
		"sla_next_breach_at",
		s);
}

/* Side loads (?include=users,groups,organizations), as Zendesk spells
 * them, and a ticket's SLA state on the ticket itself (slas: measured now
 * on one ticket's show, create and update; as last measured on every
 * ticket of a list, for agents); other names are ignored, as Zendesk
 * ignores them. */
enum { INCLUDE_USERS = 1, INCLUDE_GROUPS = 2, INCLUDE_ORGS = 4, INCLUDE_SLAS = 8 };

static int include_arg(struct fl_req *r)
{
	const char *z = fl_req_arg(r, "include");
	int want = 0;

	while (z && *z) {
		size_t n = strcspn(z, ",");
		fl_str name = {z, n};
		if (fl_str_eq(name, "users"))
			want |= INCLUDE_USERS;
		else if (fl_str_eq(name, "groups"))
			want |= INCLUDE_GROUPS;
		else if (fl_str_eq(name, "organizations"))
			want |= INCLUDE_ORGS;
		else if (fl_str_eq(name, "slas"))
			want |= INCLUDE_SLAS;
		z += n + (z[n] == ',');
	}
	return want;
}

/* Adds id (when set and new) to the n ids. */
static void add_id(int64_t *ids, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	if (id)
		ids[(*n)++] = id;
}

#define USERS_PER_TICKET (3 + FL_TICKET_MAX_CCS + FL_TICKET_MAX_FOLLOWERS)

/* Loads the people, groups and organizations the n tickets at rows name,
 * for c->include, into c's side-load arrays (in r's arena). */
static int side_load(fl_tx *tx, struct fl_req *r, struct ctx *c, const struct fl_ticket *rows,
		     size_t n)
{
	int64_t *users = fl_arena_alloc(&r->arena, (n * USERS_PER_TICKET + 1) * sizeof *users);
	int64_t *groups = fl_arena_alloc(&r->arena, (n + 1) * sizeof *groups);
	int64_t *orgs = fl_arena_alloc(&r->arena, (n + 1) * sizeof *orgs);
	size_t nu = 0, ng = 0, no = 0;
	int rc = 0;

	if (!users || !groups || !orgs)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct fl_ticket *t = &rows[i];
		add_id(users, &nu, t->requester_id);
		add_id(users, &nu, t->submitter_id);
		add_id(users, &nu, t->assignee_id);
		for (size_t k = 0; k < t->nccs; k++)
			add_id(users, &nu, t->ccs[k]);
		for (size_t k = 0; k < t->nfollowers; k++)
			add_id(users, &nu, t->followers[k]);
		add_id(groups, &ng, t->group_id);
		add_id(orgs, &no, t->organization_id);
	}
	/* a customer is shown no one else's record, no group and no
	 * organization (its notes are agents'): only themselves, as the
	 * endpoints that show these are agents' too */
	if (!fl_ticket_sees_private(&r->actor)) {
		nu = ng = no = 0;
		add_id(users, &nu, r->actor.id);
	}
	c->users = fl_arena_alloc(&r->arena, (nu + 1) * sizeof *c->users);
	c->groups = fl_arena_alloc(&r->arena, (ng + 1) * sizeof *c->groups);
	c->orgs = fl_arena_alloc(&r->arena, (no + 1) * sizeof *c->orgs);
	if (!c->users || !c->groups || !c->orgs)
		return FL_ENOMEM;
	c->nusers = c->ngroups = c->norgs = 0;
	/* one that is gone (a deleted organization) is left out */
	for (size_t i = 0; (c->include & INCLUDE_USERS) && i < nu && !rc; i++)
		if (!(rc = fl_store_user_get(tx, users[i], &r->arena, &c->users[c->nusers])))
			c->nusers++;
		else if (rc == FL_ENOTFOUND)
			rc = 0;
	for (size_t i = 0; (c->include & INCLUDE_GROUPS) && i < ng && !rc; i++)
		if (!(rc = fl_store_group_get(tx, groups[i], &r->arena, &c->groups[c->ngroups])))
			c->ngroups++;
		else if (rc == FL_ENOTFOUND)
			rc = 0;
	for (size_t i = 0; (c->include & INCLUDE_ORGS) && i < no && !rc; i++)
		if (!(rc = fl_store_org_get(tx, orgs[i], &r->arena, &c->orgs[c->norgs])))
			c->norgs++;
		else if (rc == FL_ENOTFOUND)
			rc = 0;
	return rc;
}

/* What one ticket's answer includes: side loads, and its SLA state
 * measured now (agents only: a customer is not shown the desk's
 * promises). */
static int include_one(fl_tx *tx, struct fl_req *r, struct ctx *c)
{
	int rc = side_load(tx, r, c, &c->t, 1);
	if (rc || !(c->include & INCLUDE_SLAS) || !fl_ticket_sees_private(&r->actor))
		return rc;
	rc = fl_ticket_sla(tx, &c->t, fl_now(), &r->arena, &c->sla);
	/* a promise that cannot be measured — its schedule's zone gone from
	 * the tz database, a stored filter this version cannot read — must not
	 * fail the ticket's own read or write: its slas are left out, logged */
	if (rc == FL_EINVAL || rc == FL_EINTERNAL) {
		fl_log("warn", "ticket %" PRId64 ": SLA not measured (%s)", c->t.id,
		       fl_err_name(rc));
		c->include &= ~INCLUDE_SLAS;
		rc = 0;
	}
	return rc;
}

/* Zendesk's time left of a metric: whole minutes, rounded away from zero
 * (one second left is a minute; one second late is minus one), as days,
 * hours and minutes of the same sign. */
static void put_left(json_t *o, int64_t seconds)
{
	int64_t m = seconds >= 0 ? (seconds + 59) / 60 : -((-seconds + 59) / 60);
	json_object_set_new(o, "days", json_integer(m / 1440));
	json_object_set_new(o, "hours", json_integer(m % 1440 / 60));
	json_object_set_new(o, "minutes", json_integer(m % 60));
}

/* Beyond Zendesk's: the target in minutes, and when the cycle ended
 * (null while it runs) — what a clock needs to say "met at". */
static void put_more(json_t *o, int64_t target_seconds, int64_t achieved_at)
{
	json_object_set_new(o, "target", json_integer(target_seconds / 60));
	json_object_set_new(o, "achieved_at", fl_json_time(achieved_at));
}

/* The JSON of the policy the last ticket rendered was under. */
struct list_policy {
	int64_t id;
	char *text; /* malloc'd */
};

struct fl_list_slas {
	struct fl_store_sla_metric *m;
	size_t nm;
};

int fl_ticket_list_slas(fl_tx *tx, struct fl_req *r, const struct fl_ticket *rows, size_t n,
			struct fl_list_slas **out)
{
	int64_t ids[100];
	struct fl_list_slas *l;

	*out = NULL;
	if (!(include_arg(r) & INCLUDE_SLAS) || !fl_ticket_sees_private(&r->actor) || !n)
		return 0;
	if (!(l = fl_arena_alloc(&r->arena, sizeof *l)))
		return FL_ENOMEM;
	if (n > 100)
		n = 100;
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	*out = l;
	return fl_store_ticket_sla_metrics(tx, ids, n, &r->arena, &l->m, &l->nm);
}

/* Zendesk's time left as put_left gives it, for a text rendering. */
static void left_parts(int64_t seconds, int64_t part[3])
{
	int64_t m = seconds >= 0 ? (seconds + 59) / 60 : -((-seconds + 59) / 60);
	part[0] = m / 1440;
	part[1] = m % 1440 / 60;
	part[2] = m % 60;
}

static int add_time(fl_buf *out, const char *key, int64_t at)
{
	char iso[21];
	if (!at)
		return fl_buf_addf(out, "\"%s\":null", key);
	fl_time_iso(at, iso);
	return fl_buf_addf(out, "\"%s\":\"%s\"", key, iso);
}

/* Ticket id's "slas" from the metrics rows m[0..n) (by ticket): each as it
 * was measured at the ticket's last write or scheduler look, an active one
 * past its breach_at read as breached. Its time left counts calendar time
 * to breach_at while active (the single ticket's counts its own clock).
 * Written as text, not built with jansson: a queue page renders 25 of
 * them on every request. Only the policy's title comes from outside (an
 * admin's words); it is escaped by jansson, once per policy a page. */
static int add_list_slas(fl_buf *out, int64_t id, const struct fl_store_sla_metric *m, size_t n,
			 int64_t now, struct list_policy *policy)
{
	const char *sep = "";
	int64_t pid = 0;
	int rc = fl_buf_add(out, "{\"policy_metrics\":[", 19);

	for (size_t i = 0; !rc && i < n; i++) {
		const struct fl_store_sla_metric *x = &m[i];
		int active = !strcmp(x->stage, "active");
		int late = active && x->breach_at && x->breach_at <= now;
		int64_t left[3];
		if (x->ticket_id != id)
			continue;
		pid = x->policy_id;
		left_parts(active && x->breach_at ? x->breach_at - now : x->target - x->used, left);
		rc = fl_buf_addf(out, "%s{", sep);
		if (!rc)
			rc = add_time(out, "breach_at", x->breach_at);
		if (!rc)
			rc = fl_buf_addf(out,
					 ",\"stage\":\"%s\",\"metric\":\"%s\",\"days\":%" PRId64
					 ",\"hours\":%" PRId64 ",\"minutes\":%" PRId64
					 ",\"business_hours\":%s,\"target\":%" PRId64 ",",
					 late ? "breached" : x->stage, x->metric, left[0], left[1],
					 left[2], x->business_hours ? "true" : "false",
					 x->target / 60);
		if (!rc)
			rc = add_time(out, "achieved_at", x->achieved_at);
		if (!rc)
			rc = fl_buf_addc(out, '}');
		sep = ",";
		if (!rc && pid != policy->id) {
			json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)pid, "title",
					      x->policy_title ? x->policy_title : "");
			free(policy->text);
			policy->text = o ? json_dumps(o, JSON_COMPACT) : NULL;
			policy->id = policy->text ? pid : 0;
			json_decref(o);
			if (!policy->text)
				rc = FL_ENOMEM;
		}
	}
	if (!rc)
		rc = fl_buf_addc(out, ']');
	if (!rc && pid)
		rc = fl_buf_addf(out, ",\"policy\":%s", policy->text);
	return rc ? rc : fl_buf_addc(out, '}');
}

int fl_ticket_reply_list(struct fl_req *r, json_t *body, const struct fl_ticket *rows, size_t n,
			 const struct fl_list_slas *slas)
{
	struct list_policy policy = {0};
	int64_t now = fl_now();
	fl_buf out;
	int rc = 0;

	/* the SLA changes with time, not with the ticket's version: it is
	 * added to each kept rendering, never kept in it */
	fl_buf_init(&out, 0);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct fl_ticket *t = &rows[i];
		/* every write moves the stamp (ticket.c); a search's snippet
		 * is the query's, not the ticket's */
		int64_t version = t->snippet             ? -1
				  : t->updated_stamp > 0 ? t->updated_stamp
							 : t->updated_at * 1000;
		if (i)
			rc = fl_buf_addc(&out, ',');
		if (!rc)
			rc = fl_req_item_json(r,
					      fl_ticket_sees_private(&r->actor)
						      ? ticket_item
						      : ticket_item_customer,
					      t->id, version, t, &out);
		if (!rc && slas) {
			out.n--; /* the item's closing brace */
			rc = fl_buf_add(&out, ",\"slas\":", 8);
			if (!rc)
				rc = add_list_slas(&out, t->id, slas->m, slas->nm, now, &policy);
			if (!rc)
				rc = fl_buf_addc(&out, '}');
		}
	}
	free(policy.text);
	if (!rc)
		return fl_req_reply_list(r, 200, body, &out);
	json_decref(body);
	fl_buf_free(&out);
	return rc;
}

/* The ticket's "slas": {"policy_metrics": [...], "policy": {id, title}}
 * (policy left out when none applies). */
static json_t *sla_json(const struct fl_ticket_sla *s)
{
	json_t *list = json_array(), *o = json_pack("{s:o}", "policy_metrics", list);

	for (size_t i = 0; i < s->n; i++) {
		const struct fl_sla_state *st = &s->metrics[i];
		char at[21];
		json_t *m = json_object();
		if (st->breach_at == FL_SLA_NEVER) {
			json_object_set_new(m, "breach_at", json_null());
		} else {
			fl_time_iso(st->breach_at, at);
			json_object_set_new(m, "breach_at", json_string(at));
		}
		json_object_set_new(m, "stage", json_string(fl_sla_stage_name(st->stage)));
		json_object_set_new(m, "metric", json_string(fl_sla_metric_name(st->metric)));
		put_left(m, st->remaining);
		put_more(m, st->target_seconds,
			 st->achieved_at == FL_SLA_NEVER ? 0 : st->achieved_at);
		json_object_set_new(m, "business_hours", json_boolean(s->business_hours[i]));
		json_array_append_new(list, m);
	}
	if (s->policy)
		json_object_set_new(o, "policy",
				    json_pack("{s:I,s:s}", "id", (json_int_t)s->policy->id, "title",
					      s->policy->title));
	return o;
}

/* Adds the side-loaded arrays to o. */
static void render_side(struct fl_req *r, const struct ctx *c, json_t *o)
{
	json_t *list;
	if (c->include & INCLUDE_USERS) {
		list = json_array();
		for (size_t i = 0; i < c->nusers; i++)
			json_array_append_new(list, fl_user_json(r, &c->users[i]));
		json_object_set_new(o, "users", list);
	}
	if (c->include & INCLUDE_GROUPS) {
		list = json_array();
		for (size_t i = 0; i < c->ngroups; i++)
			json_array_append_new(list, fl_group_json(r, &c->groups[i]));
		json_object_set_new(o, "groups", list);
	}
	if (c->include & INCLUDE_ORGS) {
		list = json_array();
		for (size_t i = 0; i < c->norgs; i++)
			json_array_append_new(list, fl_org_json(r, &c->orgs[i]));
		json_object_set_new(o, "organizations", list);
	}
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
	*in = (struct fl_intake){
		.channel = p->has_channel ? p->channel : FL_CHANNEL_API,
		.via = &r->actor,
		.field = "requester",
		.from = {FL_SENDER_EMAIL, c->req.email, c->req.has_name ? c->req.name : NULL},
		.lang = c->req.has_locale ? c->req.locale : NULL,
		.text = p->comment_body,
		.author_id = p->comment_author_id ? p->comment_author_id : r->actor.id,
		.more = p,
		.quiet = 1};
	if ((rc = fl_ticket_intake(tx, in, &r->arena, &made, &r->err)))
		return rc;
	c->t = made.ticket;
	return 0;
}

/* Turns a people change list (checked by check_people) into the ids to
 * add and remove. A CC given by an address nobody has becomes a new end
 * user, as Zendesk does; a follower must already be an agent. */
static int resolve_people(fl_tx *tx, struct fl_req *r, json_t *list, const char *field, int create,
			  int64_t *add, size_t *nadd, int64_t *del, size_t *ndel)
{
	size_t i;
	json_t *item;

	json_array_foreach(list, i, item)
	{
		const char *action = json_string_value(json_object_get(item, "action"));
		json_t *id = json_object_get(item, "user_id");
		struct fl_user u = {0};
		int rc = 0;

		int remove = action && !strcmp(action, "delete");

		if (id) {
			u.id = json_integer_value(id);
		} else if (remove) {
			/* whoever has the address, active or not; nobody: nothing
			 * to remove (and no one is made to be removed) */
			char *email = fl_arena_strdup(
				&r->arena, json_string_value(json_object_get(item, "user_email")));
			if (!email)
				return FL_ENOMEM;
			rc = fl_email_normalize(email)
				     ? FL_ENOTFOUND
				     : fl_store_user_by_email(tx, email, &r->arena, &u);
			if (rc == FL_ENOTFOUND)
				continue;
			if (rc)
				return rc;
		} else {
			/* found or made by the intake's one rule for customers */
			struct fl_sender s = {
				FL_SENDER_EMAIL,
				json_string_value(json_object_get(item, "user_email")), NULL};
			rc = fl_intake_customer(tx, &s, field, NULL, create, &r->arena, &u,
						&r->err);
			if (rc == FL_ENOTFOUND)
				rc = fl_err_set(&r->err, FL_EINVAL, field, "InvalidValue",
						"%s: nobody has the address %.254s", field,
						s.value);
			if (rc)
				return rc;
		}
		if (remove)
			del[(*ndel)++] = u.id;
		else
			add[(*nadd)++] = u.id;
	}
	return 0;
}

/* What a create and an update do before the domain call: CCs and
 * followers given in Zendesk's shape become ids. */
static int resolve(fl_tx *tx, struct fl_req *r, struct ctx *c)
{
	struct fl_ticket_patch *p = &c->in.p;
	int rc = 0;

	/* a customer names no one: refused before any address is looked up,
	 * so that the answer cannot tell whether someone has an account */
	if ((c->in.email_ccs || c->in.followers) && !fl_ticket_sees_private(&r->actor))
		return fl_req_fail(r, FL_EFORBIDDEN, NULL, NULL,
				   "End users may only add comments to their requests");

	p->ncc_add = p->ncc_remove = p->nfollower_add = p->nfollower_remove = 0;
	if (c->in.email_ccs && json_is_array(c->in.email_ccs))
		rc = resolve_people(tx, r, c->in.email_ccs, "email_ccs", 1, p->cc_add, &p->ncc_add,
				    p->cc_remove, &p->ncc_remove);
	if (!rc && c->in.followers && json_is_array(c->in.followers)) {
		p->has_follower_changes = 1;
		rc = resolve_people(tx, r, c->in.followers, "followers", 0, p->follower_add,
				    &p->nfollower_add, p->follower_remove, &p->nfollower_remove);
	}
	return rc;
}

/* The macros the agent applied (macro_ids) are counted, and named in the
 * write's audit (event "macro"). */
static int macros_used(fl_tx *tx, struct fl_req *r, struct ctx *c)
{
	char *what;
	int rc;

	if (!c->in.nmacro_ids)
		return 0;
	rc = fl_macros_used(tx, &r->actor, c->in.macro_ids, c->in.nmacro_ids, &r->arena, &what,
			    &r->err);
	if (!rc) {
		c->in.p.event_field = "macro";
		c->in.p.event_value = what;
	}
	return rc;
}

static int tx_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = resolve(tx, r, c)) || (rc = macros_used(tx, r, c)))
		return rc;
	rc = c->in.has_requester_obj
		     ? create_for(tx, r, c)
		     : fl_ticket_create(tx, &r->actor, &c->in.p, &r->arena, &c->t, &r->err);
	return rc || !c->include ? rc : include_one(tx, r, c);
}

static int render_one(struct fl_req *r, int status)
{
	struct ctx *c = r->ctx;
	json_t *o = json_object(), *t = fl_ticket_json(r, &c->t);
	if ((c->include & INCLUDE_SLAS) && fl_ticket_sees_private(&r->actor))
		json_object_set_new(t, "slas", sla_json(&c->sla));
	if (c->has_csat)
		json_object_set_new(t, "satisfaction_rating", fl_csat_ticket_json(&c->csat));
	json_object_set_new(o, "ticket", t);
	render_side(r, c, o);
	if (status == 201) {
		char loc[256];
		snprintf(loc, sizeof loc, "%s/api/v2/tickets/%" PRId64 ".json", fl_req_base(r),
			 c->t.id);
		fl_req_header(r, "Location", loc);
	}
	return fl_req_reply(r, status, o);
}

static int render_created(struct fl_req *r)
{
	return render_one(r, 201);
}
static int render_ok(struct fl_req *r)
{
	return render_one(r, 200);
}

static int h_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc;
	if ((rc = decode_ticket(r, c, 1)))
		return rc;
	c->include = include_arg(r);
	if (c->in.has_requester_obj && !fl_ticket_sees_private(&r->actor))
		return fl_req_fail(r, FL_EFORBIDDEN, "requester", NULL,
				   "End users cannot open requests for someone else");
	return fl_req_write(r, tx_create, render_created);
}

static int tx_show(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_ticket_load(tx, &r->actor, r->id[0], &r->arena, &c->t);

	/* Zendesk's satisfaction_rating: {id, score, comment, reason_id} once
	 * offered (feedback/csat.h), else absent */
	if (!rc) {
		rc = fl_store_csat_get_ticket(tx, c->t.id, &r->arena, &c->csat);
		c->has_csat = !rc;
		if (rc == FL_ENOTFOUND)
			rc = 0;
	}
	return rc || !c->include ? rc : include_one(tx, r, c);
}

static int h_show(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->include = include_arg(r);
	return fl_req_read(r, tx_show, render_ok);
}

static int tx_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = resolve(tx, r, c);
	if (!rc)
		rc = macros_used(tx, r, c);
	if (!rc)
		rc = fl_ticket_update(tx, &r->actor, r->id[0], &c->in.p, &r->arena, &c->t, &r->err);
	if (!rc && c->include)
		rc = include_one(tx, r, c);
	return rc;
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
	c->include = include_arg(r);
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
		rc = c->kept ? fl_store_ticket_count_kept(tx, c->kept, &c->f, &c->total)
			     : fl_store_ticket_count(tx, &c->f, &c->total);
	if (!rc && c->include)
		rc = side_load(tx, r, c, c->rows, c->n > c->pg.per_page ? c->pg.per_page : c->n);
	if (!rc)
		rc = fl_ticket_list_slas(tx, r, c->rows,
					 c->n > c->pg.per_page ? c->pg.per_page : c->n, &c->slas);
	return rc;
}

static int render_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *o = json_pack("{s:[]}", "tickets");
	size_t shown = c->n > c->pg.per_page ? c->pg.per_page : c->n;
	const struct fl_ticket *last = shown ? &c->rows[shown - 1] : NULL;

	render_side(r, c, o);
	fl_req_page_links(r, &c->pg, o, c->n > c->pg.per_page, c->total,
			  last ? fl_store_ticket_sort_key(last, c->page.sort) : 0,
			  last ? last->id : 0);
	return fl_ticket_reply_list(r, o, c->rows, shown, c->slas);
}

/* Shared by the ticket list and the view ticket list: page the filter. */
static int list_filtered(struct fl_req *r, struct ctx *c, int sort, int desc)
{
	int rc = fl_req_paging(r, &c->pg);
	if (rc)
		return rc;
	if ((rc = fl_ticket_scope(&r->actor, &c->f)))
		return rc;
	c->page = (struct fl_page){sort,
				   desc,
				   c->pg.per_page,
				   c->pg.has_after,
				   c->pg.after_key,
				   c->pg.after_id,
				   (c->pg.page - 1) * c->pg.per_page};
	c->include = include_arg(r);
	return fl_req_read(r, tx_list, render_list);
}

/* GET /api/v2/tickets. Honoured: external_id (the tickets with that
 * external id, as Zendesk's list does), include, and the sort and paging
 * parameters; any other parameter is ignored, as Zendesk ignores it. */
static int h_list(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	const char *external_id = fl_req_arg(r, "external_id");
	int sort, desc, rc;
	if ((rc = fl_ticket_sort_arg(r, FL_SORT_ID, 0, &sort, &desc)))
		return rc;
	if (external_id &&
	    (rc = fl_filter_add(&c->f, FL_F_EXTERNAL_ID, FL_OP_EQ, 0, external_id, -1)))
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

static int h_requested(struct fl_req *r)
{
	return list_by(r, FL_F_REQUESTER);
}
static int h_assigned(struct fl_req *r)
{
	return list_by(r, FL_F_ASSIGNEE);
}
static int h_org_tickets(struct fl_req *r)
{
	return list_by(r, FL_F_ORGANIZATION);
}

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

int fl_ticket_list_filtered(struct fl_req *r, const struct fl_filter *f, int sort, int desc,
			    const struct fl_count_key *kept)
{
	/* called from other domains' handlers: this domain's own state */
	struct ctx *c = fl_arena_alloc(&r->arena, sizeof *c);
	if (!c)
		return FL_ENOMEM;
	r->ctx = c;
	c->f = *f;
	c->kept = kept;
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
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:I, s:s}}", "count", "value", (json_int_t)c->total,
				      "refreshed_at", now));
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
	rc = fl_store_comment_list(tx, c->t.id, !fl_ticket_sees_private(&r->actor), &c->page,
				   &r->arena, &c->comments, &c->n);
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
	c->page = (struct fl_page){FL_SORT_ID,
				   order && !strcmp(order, "desc"),
				   c->pg.per_page,
				   c->pg.has_after,
				   c->pg.after_key,
				   c->pg.after_id,
				   (c->pg.page - 1) * c->pg.per_page};
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
			json_t *ev = json_pack("{s:I, s:s}", "id", (json_int_t)e->id, "type",
					       event_types[e->kind < FL_EVENT__MAX ? e->kind : 1]);
			if (e->kind == FL_EVENT_COMMENT) {
				json_object_set_new(ev, "comment_id", json_integer(e->comment_id));
				json_object_set_new(ev, "public",
						    json_boolean(e->field &&
								 !strcmp(e->field, "public")));
			} else {
				json_object_set_new(ev, "field_name", fl_json_str(e->field));
				json_object_set_new(ev, "value", fl_json_str(e->value));
				if (e->kind == FL_EVENT_CHANGE)
					json_object_set_new(ev, "previous_value",
							    fl_json_str(e->previous));
			}
			json_array_append_new(events, ev);
		}
		json_array_append_new(
			list, json_pack("{s:I, s:I, s:I, s:o, s:{s:s}, s:o}", "id",
					(json_int_t)au->id, "ticket_id", (json_int_t)au->ticket_id,
					"author_id", (json_int_t)au->author_id, "created_at",
					fl_json_time(au->created_at), "via", "channel",
					fl_channel_name(au->channel), "events", events));
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

/* POST /api/v2/tickets/{id}/merge, Zendesk's body: {"ids": [sources],
 * "target_comment", "source_comment", "target_comment_is_public",
 * "source_comment_is_public"}. Done at once in one transaction
 * (tickets/merge.h), so the answer is Zendesk's job_status already
 * "completed", with the target ticket beside it. */
struct merge_ctx {
	struct fl_merge m;
	int has_ids, has_source, has_target;
	struct fl_ticket t;
};

#define M(f) offsetof(struct merge_ctx, f)

static const struct fl_field merge_fields[] = {
	{"ids", FL_FT_IDS, FL_MERGE_MAX_SOURCES, 0, 0, NULL, M(m.sources), M(has_ids),
	 M(m.nsources), 0},
	{"source_comment", FL_FT_STRING, COMMENT_MAX, 0, 1, NULL, M(m.source_comment),
	 M(has_source), 0, 0},
	{"target_comment", FL_FT_STRING, COMMENT_MAX, 0, 1, NULL, M(m.target_comment),
	 M(has_target), 0, 0},
	{"source_comment_is_public", FL_FT_BOOL, 0, 0, 0, NULL, M(m.source_public),
	 M(m.has_source_public), 0, 0},
	{"target_comment_is_public", FL_FT_BOOL, 0, 0, 0, NULL, M(m.target_public),
	 M(m.has_target_public), 0, 0},
	FL_FIELDS_END,
};

/* Whether z is there but has nothing but white space. */
static int blank_text(const char *z)
{
	if (!z)
		return 0;
	z += strspn(z, " \t\r\n");
	return !*z;
}

static int tx_merge(fl_tx *tx, struct fl_req *r)
{
	struct merge_ctx *c = r->ctx;
	return fl_ticket_merge(tx, &r->actor, r->id[0], &c->m, &r->arena, &c->t, &r->err);
}

static int render_merge(struct fl_req *r)
{
	struct merge_ctx *c = r->ctx;
	json_t *results = json_array();
	char id[64], now[21];

	fl_time_iso(fl_now(), now);
	snprintf(id, sizeof id, "merge-%" PRId64 "-%" PRId64, c->t.id, c->t.updated_stamp);
	for (size_t i = 0; i < c->m.nsources; i++)
		json_array_append_new(results, json_pack("{s:I, s:s, s:b, s:s, s:I}", "id",
							 (json_int_t)c->m.sources[i], "action",
							 "merge", "success", 1, "status", "Merged",
							 "target_id", (json_int_t)c->t.id));
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:s, s:n, s:s, s:I, s:I, s:s+, s:o}, s:o}", "job_status",
				      "id", id, "url", "status", "completed", "total",
				      (json_int_t)c->m.nsources, "progress",
				      (json_int_t)c->m.nsources, "message", "Completed at ", now,
				      "results", results, "ticket", fl_ticket_json(r, &c->t)));
}

static int h_merge(struct fl_req *r)
{
	struct merge_ctx *c = r->ctx;
	int rc;

	if (!json_is_object(r->body))
		return fl_req_fail(r, FL_EMALFORMED, "ids", "InvalidRequest",
				   "the body must be {\"ids\": [...]}");
	if ((rc = fl_input_decode(r->body, merge_fields, c, &r->arena, &r->err)))
		return rc;
	if (blank_text(c->m.source_comment))
		return fl_req_fail(
			r, FL_EINVAL, "source_comment", "Blank",
			"source_comment: cannot be blank; leave it out for the standard text");
	if (blank_text(c->m.target_comment))
		return fl_req_fail(
			r, FL_EINVAL, "target_comment", "Blank",
			"target_comment: cannot be blank; leave it out for the standard text");
	c->m.channel = r->via_cookie ? FL_CHANNEL_WEB : FL_CHANNEL_API;
	return fl_req_write(r, tx_merge, render_merge);
}

/* GET /api/v2/tickets/{id}/incidents: the live incidents whose problem is
 * {id}, paged and sorted as the ticket list. */
static int h_incidents(struct fl_req *r)
{
	return list_by(r, FL_F_PROBLEM);
}

const struct fl_route fl_ticket_routes[] = {
	{"GET", "/api/v2/tickets", h_list, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/tickets", h_create, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/count", h_count, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/show_many", h_show_many, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/tickets/requested", h_requested, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/users/{id}/tickets/assigned", h_assigned, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/organizations/{id}/tickets", h_org_tickets, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}", h_show, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"PUT", "/api/v2/tickets/{id}", h_update, FL_ROLE_END_USER, 0, sizeof(struct ctx)},
	{"DELETE", "/api/v2/tickets/{id}", h_delete, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/comments", h_comments, FL_ROLE_END_USER, 0,
	 sizeof(struct ctx)},
	{"GET", "/api/v2/tickets/{id}/audits", h_audits, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", "/api/v2/tickets/{id}/merge", h_merge, FL_ROLE_AGENT, 0, sizeof(struct merge_ctx)},
	{"GET", "/api/v2/tickets/{id}/incidents", h_incidents, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{0},
};
