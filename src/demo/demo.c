/* frontline demo: loads the embedded demo desk (demo.json) through the same
 * domain calls the API uses, so the demo exercises the real rules. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "chat/chat.h"
#include "cli/cli.h"
#include "core/embed.h"
#include "core/progress.h"
#include "core/random.h"
#include "core/time.h"
#include "ideas/idea.h"
#include "feedback/nps.h"
#include "feedback/csat.h"
#include "kb/kb.h"
#include "routing/routing.h"
#include "rules/trigger.h"
#include "rules/macro.h"
#include "sla/policy.h"
#include "sla/schedule.h"
#include "store/kb.h"
#include "store/mail.h"
#include "store/routing.h"
#include "store/satisfaction.h"
#include "store/schedules.h"
#include "store/settings.h"
#include "store/tiers.h"
#include "store/users.h"
#include "store/views.h"
#include "store/webhooks.h"
#include "tickets/intake.h"
#include "tickets/ticket.h"
#include "users/contract.h"
#include "webhooks/webhook.h"

#define DEMO_PASSWORD "frontline-demo"
#define MAX_KEYS 128

extern const struct fl_embedded fl_demo_data[];
extern const struct fl_embedded fl_demo_kb_data[];
extern const struct fl_embedded fl_demo_ideas_data[];
extern const struct fl_embedded fl_demo_chats_data[];

struct key_id {
	const char *key;
	int64_t id;
	int role;
	const char *email; /* a person's */
};

struct demo {
	json_t *root;
	json_t *kb;    /* the knowledge base (kb.json) */
	json_t *ideas; /* the suggestion box (ideas.json) */
	json_t *chats; /* live chat (chats.json) */
	struct key_id keys[MAX_KEYS];
	size_t nkeys;
	int64_t base;
	struct fl_progress bar;
	struct fl_err err;
	char *agent_hash; /* DEMO_PASSWORD, hashed once */
	int skipped;
	int64_t csat_reasons[FL_CSAT_REASONS_MAX]; /* the satisfaction reasons, in order */
	size_t ncsat_reasons;
};

static int remember(struct demo *d, const char *key, int64_t id, int role, const char *email)
{
	if (!key || d->nkeys == MAX_KEYS)
		return fl_err_set(&d->err, FL_EINVAL, NULL, NULL, "demo data: too many keys");
	d->keys[d->nkeys++] = (struct key_id){key, id, role, email};
	return 0;
}

/* The e-mail address of the person key names, or NULL. */
static const char *email_of(struct demo *d, json_t *key)
{
	const char *k = json_string_value(key);
	for (size_t i = 0; k && i < d->nkeys; i++)
		if (!strcmp(d->keys[i].key, k))
			return d->keys[i].email;
	return NULL;
}

static int64_t lookup(struct demo *d, json_t *key, int *role)
{
	const char *k = json_string_value(key);
	for (size_t i = 0; k && i < d->nkeys; i++) {
		if (!strcmp(d->keys[i].key, k)) {
			if (role)
				*role = d->keys[i].role;
			return d->keys[i].id;
		}
	}
	return 0;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *dump(fl_arena *a, json_t *v)
{
	char *z = v ? json_dumps(v, JSON_COMPACT) : NULL;
	char *copy = fl_arena_strdup(a, z ? z : "[]");
	free(z);
	return copy;
}

static int load_people(fl_tx *tx, struct demo *d, fl_arena *a)
{
	size_t i;
	json_t *o;
	int rc = 0;

	/* the tiers first: organizations and people name them */
	json_array_foreach(json_object_get(d->root, "tiers"), i, o)
	{
		struct fl_tier t = {0};
		char *key;
		t.name = (char *)str(o, "name");
		t.position = (int64_t)i + 1;
		t.created_at = t.updated_at = d->base;
		if ((rc = fl_tier_name_key(t.name ? t.name : "", a, &key)) ||
		    (rc = fl_store_tier_insert(tx, &t, key)) ||
		    (rc = remember(d, str(o, "key"), t.id, 0, NULL)))
			return rc;
	}
	json_array_foreach(json_object_get(d->root, "organizations"), i, o)
	{
		struct fl_org org = {0};
		org.name = (char *)str(o, "name");
		org.details = (char *)str(o, "details");
		org.notes = (char *)str(o, "notes");
		org.domain_names = dump(a, json_object_get(o, "domain_names"));
		org.tags = dump(a, json_object_get(o, "tags"));
		org.external_id = (char *)str(o, "external_id");
		org.tier_id = lookup(d, json_object_get(o, "tier"), NULL);
		org.created_at = org.updated_at = d->base;
		if ((rc = fl_store_org_insert(tx, &org)) ||
		    (rc = remember(d, str(o, "key"), org.id, 0, NULL)))
			return rc;
	}
	json_array_foreach(json_object_get(d->root, "groups"), i, o)
	{
		struct fl_group g = {0};
		g.name = (char *)str(o, "name");
		g.description = (char *)str(o, "description");
		g.created_at = g.updated_at = d->base;
		if ((rc = fl_store_group_insert(tx, &g)) ||
		    (rc = remember(d, str(o, "key"), g.id, 0, NULL)))
			return rc;
	}
	const char *lists[] = {"agents", "customers"};
	for (size_t l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(d->root, lists[l]), i, o)
		{
			struct fl_user u = {0};
			char *email = fl_arena_strdup(a, str(o, "email"));
			const char *role = str(o, "role");
			size_t k;
			json_t *v;
			if (!email || fl_email_normalize(email))
				return fl_err_set(&d->err, FL_EINVAL, NULL, NULL,
						  "demo: bad e-mail");
			u.role = l == 0 ? (role && !strcmp(role, "admin") ? FL_ROLE_ADMIN
									  : FL_ROLE_AGENT)
					: FL_ROLE_END_USER;
			u.name = (char *)str(o, "name");
			u.email = email;
			u.locale = (char *)str(o, "locale");
			u.tags = dump(a, json_object_get(o, "tags"));
			u.external_id = (char *)str(o, "external_id");
			u.organization_id = lookup(d, json_object_get(o, "organization"), NULL);
			u.tier_id = lookup(d, json_object_get(o, "tier"), NULL);
			json_array_foreach(json_object_get(o, "phones"), k, v) if (!u.phone)
				u.phone = (char *)json_string_value(v);
			rc = fl_user_create(tx, &u, l == 0 ? d->agent_hash : NULL, &d->err);
			if (!rc)
				rc = remember(d, str(o, "key"), u.id, u.role, email);
			json_array_foreach(json_object_get(o, "emails"), k, v)
			{
				char *extra = fl_arena_strdup(a, json_string_value(v));
				struct fl_identity id = {0, u.id, FL_IDENT_EMAIL, extra,
							 0, 0,    d->base};
				if (rc || !extra || fl_email_normalize(extra))
					break;
				rc = fl_store_identity_add(tx, &id);
			}
			json_array_foreach(json_object_get(o, "groups"), k, v) if (!rc) rc =
				fl_store_group_member_add(tx, lookup(d, v, NULL), u.id);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int enum_of(json_t *o, const char *k, int (*parse)(fl_str))
{
	const char *z = str(o, k);
	int v = z ? parse(fl_str_c(z)) : -1;
	return v < 0 ? 0 : v;
}

/* A ticket's "complaint": one of the reasons migration 043 seeds, by a
 * word (their ids are fixed there); 0 for none. */
static int64_t complaint_of(json_t *t)
{
	static const char *const seeded[] = {"delivery", "quality", "billing", "staff",
					     "contractor"};
	const char *z = str(t, "complaint");

	for (size_t i = 0; z && i < sizeof seeded / sizeof *seeded; i++)
		if (!strcmp(z, seeded[i]))
			return (int64_t)i + 1;
	return 0;
}

static int load_ticket(fl_tx *tx, struct demo *d, json_t *t, fl_arena *a)
{
	struct fl_ticket_patch p;
	struct fl_intake *in = fl_arena_alloc(a, sizeof *in);
	struct fl_intake_result made;
	struct fl_ticket out;
	struct fl_actor agent = {0, FL_ROLE_ADMIN};
	json_t *comments = json_object_get(t, "comments"), *c, *v;
	int64_t created =
		d->base - (int64_t)json_integer_value(json_object_get(t, "age_hours")) * 3600;
	int64_t assignee = lookup(d, json_object_get(t, "assignee"), NULL);
	size_t i;
	int rc;

	if (!in)
		return FL_ENOMEM;
	/* filed by the first admin on the requester's behalf, through the
	 * intake as any channel's request (no acknowledgement: nobody wrote) */
	agent.id = d->keys[0].id;
	for (size_t k = 0; k < d->nkeys; k++)
		if (d->keys[k].role == FL_ROLE_ADMIN) {
			agent.id = d->keys[k].id;
			break;
		}
	memset(&p, 0, sizeof p);
	p.has_priority = 1;
	p.priority = enum_of(t, "priority", fl_priority_parse);
	p.has_type = 1;
	p.type = enum_of(t, "type", fl_type_parse);
	p.has_tags = 1;
	json_array_foreach(json_object_get(t, "tags"), i, v) if (p.ntags < FL_TICKET_MAX_TAGS)
		p.tags[p.ntags++] = json_string_value(v);
	p.has_ccs = 1;
	json_array_foreach(json_object_get(t, "collaborators"), i,
			   v) if (p.nccs < FL_TICKET_MAX_CCS) p.ccs[p.nccs++] = lookup(d, v, NULL);
	json_array_foreach(json_object_get(t, "followers"), i,
			   v) if (p.nfollowers < FL_TICKET_MAX_FOLLOWERS)
		p.followers[p.nfollowers++] = lookup(d, v, NULL);
	p.has_followers = p.nfollowers > 0;
	/* an incident of a problem loaded before it */
	p.problem_id = lookup(d, json_object_get(t, "problem"), NULL);
	p.has_problem = p.problem_id != 0;
	if ((p.external_id = str(t, "external_id")))
		p.has_external_id = 1;
	/* a task's due date, counted from now so that it stays ahead */
	if ((v = json_object_get(t, "due_in_hours")))
		p.has_due_at = 1, p.due_at = d->base + json_integer_value(v) * 3600;
	/* mail came to the desk's address */
	if ((p.recipient = str(t, "recipient")) ||
	    (enum_of(t, "channel", fl_channel_parse) == FL_CHANNEL_EMAIL &&
	     (p.recipient = str(json_object_get(json_object_get(d->root, "mail"), "settings"),
				"mail.from"))))
		p.has_recipient = 1;
	/* the first comment is public unless it says (a problem's notes) */
	v = json_object_get(json_array_get(comments, 0), "public");
	p.comment_public = !json_is_false(v);
	*in = (struct fl_intake){.channel = enum_of(t, "channel", fl_channel_parse),
				 .via = &agent,
				 .from = {FL_SENDER_EMAIL,
					  email_of(d, json_object_get(t, "requester")), NULL},
				 .field = "requester",
				 .subject = str(t, "subject"),
				 .text = str(json_array_get(comments, 0), "body"),
				 .more = &p,
				 .quiet = 1};
	fl_time_freeze(created);
	rc = fl_ticket_intake(tx, in, a, &made, &d->err);
	if (!rc)
		out = made.ticket;
	if (!rc && str(t, "key"))
		rc = remember(d, str(t, "key"), out.id, 0, NULL);

	json_array_foreach(comments, i, c)
	{
		struct fl_ticket_patch reply = {0};
		struct fl_actor author = {0, FL_ROLE_END_USER};
		if (i == 0 || rc)
			continue;
		author.id = lookup(d, json_object_get(c, "author"), &author.role);
		reply.comment_body = str(c, "body");
		reply.comment_public = json_is_true(json_object_get(c, "public"));
		fl_time_freeze(created +
			       json_integer_value(json_object_get(c, "after_minutes")) * 60);
		rc = fl_ticket_update(tx, &author, out.id, &reply, a, &out, &d->err);
	}
	if (!rc) {
		struct fl_ticket_patch fin = {0};
		fin.has_assignee = 1;
		fin.assignee_id = assignee;
		fin.has_group = 1;
		fin.group_id = lookup(d, json_object_get(t, "group"), NULL);
		fin.has_status =
			out.status != FL_STATUS_NEW || enum_of(t, "status", fl_status_parse);
		fin.status = enum_of(t, "status", fl_status_parse);
		/* an agent's judgement, made as they worked the ticket */
		fin.complaint_reason_id = complaint_of(t);
		fin.has_complaint = fin.complaint_reason_id != 0;
		rc = fl_ticket_update(tx, &agent, out.id, &fin, a, &out, &d->err);
	}
	/* a solved ticket's rating is offered and asked, as the solved mail
	 * would have (no relay here: nothing was sent); the customer's answer, when the
	 * demo has one, an hour after the solve */
	if (!rc && out.status == FL_STATUS_SOLVED && !(rc = fl_csat_offer(tx, &out, fl_now())))
		rc = fl_csat_asked(tx, out.id, fl_now());
	if (!rc && (v = json_object_get(t, "satisfaction"))) {
		struct fl_csat_in ans = {fl_csat_score_parse(str(v, "score")), str(v, "comment"),
					 0};
		struct fl_csat_rating r;
		size_t k = (size_t)json_integer_value(json_object_get(v, "reason"));
		if (json_object_get(v, "reason") && k < d->ncsat_reasons)
			ans.reason_id = d->csat_reasons[k];
		fl_time_freeze(fl_now() + 3600);
		rc = fl_csat_rate(tx, out.id, out.requester_id, &ans, fl_now(), a, &r, &d->err);
	}
	fl_time_freeze(0);
	return rc;
}

/* The reasons a customer may give for a bad rating, in four languages. */
static int load_csat_reasons(fl_tx *tx, struct demo *d)
{
	json_t *j;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "satisfaction_reasons"), i, j)
	{
		struct fl_csat_reason r = {.name_en = (char *)str(j, "en"),
					   .name_uk = (char *)str(j, "uk"),
					   .name_ru = (char *)str(j, "ru"),
					   .name_lt = (char *)str(j, "lt"),
					   .position = (int)i,
					   .active = 1,
					   .created_at = fl_now(),
					   .updated_at = fl_now()};
		if (rc || d->ncsat_reasons == FL_CSAT_REASONS_MAX)
			break;
		if (!(rc = fl_csat_reason_check(&r, &d->err)) &&
		    !(rc = fl_store_csat_reason_insert(tx, &r)))
			d->csat_reasons[d->ncsat_reasons++] = r.id;
	}
	return rc;
}

/* The desk's mail settings (no relay: mail is kept in the outbox,
 * mail/outbound.h) and what the
 * quarantine holds: a loop our own out-of-office rule made. */
static int load_mail(fl_tx *tx, struct demo *d)
{
	json_t *mail = json_object_get(d->root, "mail"), *v, *q;
	const char *key;
	size_t i;
	int rc = 0;

	json_object_foreach(json_object_get(mail, "settings"), key, v)
	{
		if (rc)
			break;
		rc = fl_store_setting_set(tx, key, json_string_value(v));
	}
	json_array_foreach(json_object_get(mail, "quarantine"), i, q)
	{
		struct fl_quarantine row = {
			.message_id = (char *)str(q, "message_id"),
			.sender = (char *)str(q, "from"),
			.subject = (char *)str(q, "subject"),
			.body = (char *)str(q, "body"),
			.reason = "from_own_address",
			.created_at = fl_now() -
				      3600 * json_integer_value(json_object_get(q, "hours_ago"))};
		if (rc)
			break;
		rc = fl_store_quarantine_add(tx, &row);
	}
	return rc;
}

/* The admin's own views, each with a title per language; compiled first,
 * so a condition the views domain does not know fails the load, naming it. */
static int load_views(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "views"), i, v)
	{
		struct fl_filter f;
		struct fl_view view = {.title = (char *)str(v, "title"),
				       .title_translations = "{}",
				       .active = 1,
				       .position = (int64_t)i + 1,
				       .conditions = dump(a, json_object_get(v, "conditions")),
				       .sort_by = "updated_at",
				       .sort_desc = 1,
				       .created_at = fl_now(),
				       .updated_at = fl_now()};
		json_t *titles = json_object_get(v, "title_translations");
		if (rc)
			break;
		if (titles)
			view.title_translations = dump(a, titles);
		rc = fl_view_compile(view.conditions, 0, a, &f, &d->err);
		if (!rc)
			rc = fl_store_view_insert(tx, &view);
	}
	return rc;
}

/* Service contracts of customers and organizations, their days counted
 * from the day the demo is loaded, so that one is in force, one ends
 * within the month and one has run out whenever it is loaded. */
static int load_contracts(fl_tx *tx, struct demo *d, fl_arena *a)
{
	int32_t today = fl_day_of(fl_now());
	json_t *c;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "service_contracts"), i, c)
	{
		struct fl_contract k = {
			.user_id = lookup(d, json_object_get(c, "customer"), NULL),
			.organization_id = lookup(d, json_object_get(c, "organization"), NULL),
			.product = (char *)str(c, "product"),
			.level = (char *)(str(c, "level") ? str(c, "level") : ""),
			.kind = fl_contract_kind_parse(
				fl_str_c(str(c, "kind") ? str(c, "kind") : "")),
			.provider = (char *)(str(c, "provider") ? str(c, "provider") : ""),
			.starts_on = today + (int32_t)json_integer_value(
						     json_object_get(c, "starts_in_days")),
			.ends_on = today +
				   (int32_t)json_integer_value(json_object_get(c, "ends_in_days")),
			.notes = (char *)(str(c, "notes") ? str(c, "notes") : ""),
			.created_at = fl_now(),
			.updated_at = fl_now()};
		if ((rc = fl_contract_create(tx, &k, a, &d->err)))
			break;
	}
	return rc;
}

/* Minutes of the week (from Sunday 00:00) of "HH:MM" on weekday day. */
static int week_minute(int day, const char *hhmm)
{
	int h = 0, m = 0;
	if (hhmm)
		sscanf(hhmm, "%d:%d", &h, &m);
	return day * 1440 + h * 60 + m;
}

/* Business-hours schedules, their holidays ("MM-DD") this year and next. */
static int load_schedules(fl_tx *tx, struct demo *d, fl_arena *a)
{
	char date[11];
	json_t *j, *w, *h;
	size_t i, k;
	int year, rc = 0;

	fl_day_format(fl_day_of(fl_now()), date);
	year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
	       (date[3] - '0');
	json_array_foreach(json_object_get(d->root, "schedules"), i, j)
	{
		json_t *week = json_object_get(j, "week");
		struct fl_schedule s = {.name = (char *)str(j, "name"),
					.time_zone = (char *)str(j, "time_zone"),
					.created_at = fl_now(),
					.updated_at = fl_now()};
		if (rc)
			break;
		s.intervals = fl_arena_alloc(a, (json_array_size(week) + 1) * sizeof *s.intervals);
		if (!s.intervals)
			return FL_ENOMEM;
		json_array_foreach(week, k, w)
		{
			int day = (int)json_integer_value(json_array_get(w, 0));
			s.intervals[s.nintervals++] = (struct fl_interval){
				week_minute(day, json_string_value(json_array_get(w, 1))),
				week_minute(day, json_string_value(json_array_get(w, 2)))};
		}
		if ((rc = fl_schedule_check(&s, &d->err)) ||
		    (rc = fl_store_schedule_insert(tx, &s)))
			break;
		for (int y = 0; !rc && y < 2; y++)
			json_array_foreach(json_object_get(j, "holidays"), k, h)
			{
				struct fl_holiday hd = {
					.name = (char *)json_string_value(json_array_get(h, 0))};
				char from[16], to[16];
				snprintf(from, sizeof from, "%d-%s", year + y,
					 json_string_value(json_array_get(h, 1)));
				snprintf(to, sizeof to, "%d-%s", year + y,
					 json_string_value(json_array_get(h, 2)));
				if (rc || (rc = fl_day_parse(from, &hd.start_day)) ||
				    (rc = fl_day_parse(to, &hd.end_day)) ||
				    (rc = fl_holiday_check(&hd, &d->err)))
					break;
				rc = fl_store_holiday_insert(tx, s.id, &hd);
			}
		if (!rc)
			rc = remember(d, str(j, "key"), s.id, 0, NULL);
	}
	return rc;
}

/* SLA policies in order: for a tier, for customers under contract, for
 * everyone; targets in minutes, in business hours when the last of a
 * metric's four items is true. Through the policies' own door, which
 * queues the re-measure of every ticket the server runs when it starts. */
static int load_policies(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *j, *m;
	size_t i, k;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "sla_policies"), i, j)
	{
		json_t *metrics = json_object_get(j, "metrics");
		struct fl_sla_policy p = {
			.title = (char *)str(j, "title"),
			.description = (char *)str(j, "description"),
			.position = (int64_t)i + 1,
			.warning_minutes =
				json_integer_value(json_object_get(j, "warning_minutes")),
			.schedule_id = lookup(d, json_object_get(j, "schedule"), NULL)};
		char filter[160] = "{}";
		if (rc)
			break;
		if (str(j, "tier"))
			snprintf(filter, sizeof filter,
				 "{\"any\": [{\"field\": \"requester_tier\", \"operator\": \"is\", "
				 "\"value\": %lld}, {\"field\": \"organization_tier\", "
				 "\"operator\": \"is\", \"value\": %lld}]}",
				 (long long)lookup(d, json_object_get(j, "tier"), NULL),
				 (long long)lookup(d, json_object_get(j, "tier"), NULL));
		else if (str(j, "entitlement"))
			snprintf(filter, sizeof filter,
				 "{\"all\": [{\"field\": \"entitlement\", \"operator\": \"is\", "
				 "\"value\": \"%s\"}]}",
				 str(j, "entitlement"));
		p.metrics = fl_arena_alloc(a, (json_array_size(metrics) + 1) * sizeof *p.metrics);
		if (!p.metrics)
			return FL_ENOMEM;
		json_array_foreach(metrics, k, m)
		{
			p.metrics[p.nmetrics++] = (struct fl_sla_policy_metric){
				fl_priority_parse(
					fl_str_c(json_string_value(json_array_get(m, 0)))),
				fl_sla_metric_parse(
					fl_str_c(json_string_value(json_array_get(m, 1)))),
				json_integer_value(json_array_get(m, 2)),
				json_is_true(json_array_get(m, 3))};
		}
		if ((rc = fl_sla_filter_parse(filter, a, &p.filter, &d->err)))
			break;
		rc = fl_sla_policy_create(tx, &p, a, &d->err);
	}
	return rc;
}

/* Routing: each group's method, each agent's status, capacity and skills
 * (docs/routing.md). The server's drain job then assigns the demo's
 * waiting tickets in the routed groups, each with its "routing" event. */
static int load_routing(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *o, *v;
	size_t i, k;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "groups"), i, o)
	{
		int m = str(o, "routing") ? fl_routing_method_parse(fl_str_c(str(o, "routing")))
					  : 0;
		if (m < 0)
			return fl_err_set(&d->err, FL_EINVAL, "routing", NULL, "demo: bad routing");
		if ((rc = fl_store_group_routing_put(tx, lookup(d, json_object_get(o, "key"), NULL),
						     m, d->base)))
			return rc;
	}
	json_array_foreach(json_object_get(d->root, "agents"), i, o)
	{
		json_t *skills = json_object_get(o, "skills");
		const char *list[FL_SKILLS_MAX];
		size_t n = 0;
		struct fl_routing_agent ag = {
			.user_id = lookup(d, json_object_get(o, "key"), NULL),
			.status = str(o, "status")
					  ? fl_agent_status_parse(fl_str_c(str(o, "status")))
					  : FL_AGENT_OFFLINE,
			.status_at = d->base,
			.capacity = json_integer_value(json_object_get(o, "capacity"))};
		json_array_foreach(skills, k, v) if (n < FL_SKILLS_MAX) list[n++] =
			json_string_value(v);
		if (ag.status < 0)
			return fl_err_set(&d->err, FL_EINVAL, "status", NULL, "demo: bad status");
		if ((rc = fl_routing_skills_normalize(list, n, a, &ag.skills, &d->err)) ||
		    (rc = fl_store_availability_put(tx, &ag, d->base)))
			return rc;
	}
	return 0;
}

/* A rule's "value" that names a demo key ("g-tier2", or one in a list
 * such as notification_group's) becomes the id the key was given. */
static void resolve_keys(struct demo *d, json_t *list)
{
	json_t *o, *v, *x;
	size_t i, k;

	json_array_foreach(list, i, o)
	{
		int64_t id;
		v = json_object_get(o, "value");
		if (json_is_string(v) && (id = lookup(d, v, NULL)) > 0)
			json_object_set_new(o, "value", json_integer(id));
		json_array_foreach(v, k, x) if (json_is_string(x) && (id = lookup(d, x, NULL)) > 0)
			json_array_set_new(v, k, json_integer(id));
	}
}

/* The example webhooks (off: their addresses are examples), then the
 * triggers in order, through the triggers' own door, which checks them
 * as the API does. */
static int load_rules(fl_tx *tx, struct demo *d, fl_arena *a)
{
	struct fl_webhook_allow none = {0};
	json_t *j;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "webhooks"), i, j)
	{
		json_t *admin = json_object_get(
			json_array_get(json_object_get(d->root, "agents"), 0), "key");
		char *secret = fl_arena_alloc(a, FL_WEBHOOK_SECRET_LEN + 1);
		struct fl_webhook w = {
			.name = (char *)str(j, "name"),
			.description = (char *)(str(j, "description") ? str(j, "description") : ""),
			.endpoint = (char *)str(j, "endpoint"),
			.http_method = (char *)str(j, "http_method"),
			.request_format = "json",
			.status = (char *)str(j, "status"),
			.subscriptions = dump(a, json_object_get(j, "subscriptions")),
			.signing_secret = secret,
			.created_by = lookup(d, admin, NULL),
			.created_at = d->base,
			.updated_at = d->base};
		if (!secret)
			return FL_ENOMEM;
		fl_random_hex(secret, FL_WEBHOOK_SECRET_LEN);
		if ((rc = fl_webhook_check(&w, &none, &d->err)) ||
		    (rc = fl_store_webhook_insert(tx, &w)))
			return rc;
	}
	json_array_foreach(json_object_get(d->root, "triggers"), i, j)
	{
		json_t *cond = json_deep_copy(json_object_get(j, "conditions"));
		json_t *act = json_deep_copy(json_object_get(j, "actions"));
		struct fl_ruleset_rule t = {.title = (char *)str(j, "title"),
					    .description = (char *)str(j, "description"),
					    .active = 1,
					    .position = (int64_t)i + 1};
		resolve_keys(d, json_object_get(cond, "all"));
		resolve_keys(d, json_object_get(cond, "any"));
		resolve_keys(d, act);
		rc = fl_rule_decode(FL_RULE_TRIGGER, cond, act, a, &t.rule, &d->err);
		if (!rc)
			rc = fl_ruleset_create(tx, &fl_triggers, &t, a, &d->err);
		/* after the create: the rule may point into the JSON */
		json_decref(cond);
		json_decref(act);
		if (rc)
			return rc;
	}
	return 0;
}

/* Shared macros the agents apply from the composer, written by the first
 * agent (an admin), each reply in the four languages; a group_id action
 * or a "group" restriction names a group by its key. Saved through the
 * macros' door, so a macro it would refuse fails the load, naming why. */
static int load_macros(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *admin = json_array_get(json_object_get(d->root, "agents"), 0), *j;
	struct fl_actor who = {lookup(d, json_object_get(admin, "key"), NULL), FL_ROLE_ADMIN, 0};
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(d->root, "macros"), i, j)
	{
		struct fl_macro m = {.title = (char *)str(j, "title"),
				     .description = (char *)str(j, "description"),
				     .active = 1};
		json_t *acts = json_deep_copy(json_object_get(j, "actions")), *x;
		size_t k;
		if (rc)
			break;
		json_array_foreach(acts, k, x)
		{
			json_t *v = json_object_get(x, "value");
			if (!strcmp(str(x, "field"), "group_id") && json_is_string(v))
				json_object_set_new(x, "value", json_integer(lookup(d, v, NULL)));
		}
		if (json_object_get(j, "group")) {
			m.group_ids[0] = lookup(d, json_object_get(j, "group"), NULL);
			m.ngroups = 1;
		}
		rc = fl_rule_decode(FL_RULE_MACRO, NULL, acts, a, &m.rule, &d->err);
		if (!rc)
			rc = fl_macro_decode_translations(json_object_get(j, "translations"), a, &m,
							  &d->err);
		if (!rc)
			rc = fl_macro_create(tx, &who, &m, a, &d->err);
		json_decref(acts);
	}
	return rc;
}

/* The names of a category or section ({"uk": {"name", "description"}, …})
 * written through the same checks the API makes. */
static int load_kb_names(fl_tx *tx, struct demo *d, const char *kind, int64_t id, json_t *tr)
{
	const char *locale;
	json_t *v;
	int rc = 0;

	json_object_foreach(tr, locale, v)
	{
		struct fl_kb_name n = {(char *)locale, (char *)str(v, "name"),
				       (char *)str(v, "description"), d->base};
		if (!n.description)
			n.description = "";
		if ((rc = fl_kb_name_check(&n, "name", &d->err)))
			break;
		n.locale = (char *)fl_kb_locale_name(locale);
		if ((rc = fl_store_kb_name_put(tx, kind, id, &n)))
			break;
	}
	return rc;
}

/* An article: created in its first translation (Ukrainian when it has
 * one), the others added, all published, by the first agent. */
static int load_kb_article(fl_tx *tx, struct demo *d, const struct fl_actor *who, int64_t section,
			   json_t *j, fl_arena *a)
{
	json_t *tr = json_object_get(j, "translations"), *labels = json_object_get(j, "labels"), *v;
	const char *names[FL_KB_LABELS_MAX], *first = json_object_get(tr, "uk") ? "uk" : NULL,
					     *locale;
	struct fl_kb_article art = {.section_id = section,
				    .position =
					    (int)json_integer_value(json_object_get(j, "position")),
				    .promoted = json_is_true(json_object_get(j, "promoted")),
				    .visibility = fl_kb_visibility_parse(str(j, "visibility"))};
	struct fl_kb_translation t = {0};
	size_t n = 0, i;
	int rc;

	json_array_foreach(labels, i, v) if (n < FL_KB_LABELS_MAX) names[n++] =
		json_string_value(v);
	if ((rc = fl_kb_labels_join(names, n, a, &art.labels, &d->err)))
		return rc;
	if (art.visibility < 0)
		art.visibility = FL_KB_PUBLIC;
	if (!first) {
		void *it = json_object_iter(tr);
		first = it ? json_object_iter_key(it) : "en";
	}
	art.source_locale = (char *)first;
	v = json_object_get(tr, first);
	t.title = (char *)str(v, "title");
	t.body_md = (char *)str(v, "body");
	if ((rc = fl_kb_article_create(tx, who, &art, &t, a, &d->err)))
		return rc;
	json_object_foreach(tr, locale, v)
	{
		if (!strcmp(locale, first))
			continue;
		t = (struct fl_kb_translation){.article_id = art.id,
					       .locale = (char *)locale,
					       .title = (char *)str(v, "title"),
					       .body_md = (char *)str(v, "body")};
		if ((rc = fl_kb_translation_save(tx, who, &t, 1, a, &d->err)))
			break;
	}
	return rc;
}

/* The knowledge base (kb.json): categories, their sections, their
 * articles in four languages, through the domain's writes (rendered,
 * sanitized, indexed for search). */
static int load_kb(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *admin = json_array_get(json_object_get(d->root, "agents"), 0), *c, *s, *art;
	struct fl_actor who = {lookup(d, json_object_get(admin, "key"), NULL), FL_ROLE_ADMIN, 0};
	size_t i, k, m;
	int rc = 0;

	json_array_foreach(json_object_get(d->kb, "categories"), i, c)
	{
		struct fl_kb_category cat = {
			.position = (int)json_integer_value(json_object_get(c, "position")),
			.source_locale = "uk",
			.created_at = d->base,
			.updated_at = d->base};
		if (rc || (rc = fl_store_kb_category_insert(tx, &cat)) ||
		    (rc = load_kb_names(tx, d, "category", cat.id,
					json_object_get(c, "translations"))))
			break;
		json_array_foreach(json_object_get(c, "sections"), k, s)
		{
			struct fl_kb_section sec = {
				.category_id = cat.id,
				.position = (int)json_integer_value(json_object_get(s, "position")),
				.source_locale = "uk",
				.created_at = d->base,
				.updated_at = d->base};
			if (rc || (rc = fl_store_kb_section_insert(tx, &sec)) ||
			    (rc = load_kb_names(tx, d, "section", sec.id,
						json_object_get(s, "translations"))))
				break;
			json_array_foreach(json_object_get(s, "articles"), m, art)
			{
				if ((rc = load_kb_article(tx, d, &who, sec.id, art, a)))
					break;
			}
		}
	}
	return rc;
}

/* The suggestion box (ideas.json): a dozen ideas in four languages, each
 * submitted through the ideas' own door (by its customer, or by an agent
 * for them from a ticket), voted for and commented on by demo customers;
 * its status and public answer are written as history, so that loading
 * tells nobody by mail. A day apart, the first the oldest. */
static int load_ideas(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *j, *x;
	size_t i, k;
	int rc = 0;

	json_array_foreach(json_object_get(d->ideas, "ideas"), i, j)
	{
		const int64_t at = d->base - (int64_t)(30 - i) * 86400;
		struct fl_actor who = {0}, author = {0};
		struct fl_idea_in in = {.title = str(j, "title"),
					.details = str(j, "details"),
					.locale = str(j, "locale"),
					.has_title = 1,
					.has_details = 1,
					.has_locale = 1};
		struct fl_idea idea;

		author.id = lookup(d, json_object_get(j, "author"), &author.role);
		who = author;
		if (json_object_get(j, "submitted_by")) {
			who.id = lookup(d, json_object_get(j, "submitted_by"), &who.role);
			in.author_id = author.id;
			in.has_author_id = 1;
		}
		if (json_object_get(j, "ticket")) {
			in.ticket_id = lookup(d, json_object_get(j, "ticket"), NULL);
			in.has_ticket_id = in.ticket_id > 0;
		}
		if ((rc = fl_idea_create(tx, &who, &in, at, a, &idea, &d->err)))
			return rc;
		json_array_foreach(json_object_get(j, "voters"), k, x)
		{
			struct fl_actor v = {0};
			v.id = lookup(d, x, &v.role);
			if ((rc = fl_idea_vote(tx, &v, idea.id, at + 3600 * (int64_t)(k + 1),
					       &d->err)))
				return rc;
		}
		json_array_foreach(json_object_get(j, "comments"), k, x)
		{
			struct fl_actor c = {0};
			struct fl_idea_comment out;
			c.id = lookup(d, json_array_get(x, 0), &c.role);
			if ((rc = fl_idea_comment(tx, &c, idea.id,
						  json_string_value(json_array_get(x, 1)),
						  at + 7200 * (int64_t)(k + 1), a, &out, &d->err)))
				return rc;
		}
		if ((rc = fl_store_idea_get(tx, idea.id, 0, a, &idea)))
			return rc;
		idea.status = (char *)(str(j, "status") ? str(j, "status") : "new");
		if (str(j, "answer")) {
			idea.answer = (char *)str(j, "answer");
			idea.answered_by = lookup(d, json_object_get(j, "answered_by"), NULL);
			idea.answered_at = at + 86400 / 2;
		}
		idea.updated_at = at + 86400 / 2;
		if ((rc = fl_store_idea_update(tx, &idea)))
			return rc;
	}
	return 0;
}

/* The name a demo customer (key) goes by, or NULL. */
static const char *customer_name(struct demo *d, json_t *key)
{
	const char *k = json_string_value(key);
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(d->root, "customers"), i, o)
	{
		if (k && str(o, "key") && !strcmp(str(o, "key"), k))
			return str(o, "name");
	}
	return NULL;
}

/* One step of a demo chat (chats.json) at its time: the visitor's or an
 * agent's message (whoever writes has read up to it), a transfer, the
 * end, the visitor's rating. The first step is the visitor's first
 * message, which starts the chat. */
static int chat_step(fl_tx *tx, struct demo *d, json_t *j, json_t *s, const char *cid,
		     int64_t visitor, struct fl_chat *chat, fl_arena *a)
{
	const int64_t at = fl_now();
	struct fl_chat_who vis = {FL_CHAT_VISITOR, visitor, NULL}, who = vis;
	struct fl_chat_post_in post = {.client_id = cid};
	struct fl_actor agent = {0};
	struct fl_chat_message msg;
	json_t *tr;
	int dup, rc;

	if (!chat->id) {
		json_t *customer = json_object_get(j, "customer");
		struct fl_chat_start_in in = {
			.name = str(j, "name") ? str(j, "name") : customer_name(d, customer),
			.email = email_of(d, customer),
			.topic = str(j, "topic"),
			.locale = str(j, "locale"),
			.message = {.body = str(s, "visitor"), .client_id = cid}};
		rc = fl_chat_start(tx, visitor, &in, at, a, chat, &msg, &d->err);
		return rc ? rc : fl_chat_read(tx, &vis, chat->id, msg.seq, &d->err);
	}
	if ((post.body = str(s, "visitor")) || (post.body = str(s, "say"))) {
		if (str(s, "agent")) {
			agent.id = lookup(d, json_object_get(s, "agent"), &agent.role);
			who = (struct fl_chat_who){FL_CHAT_AGENT, 0, &agent};
		}
		rc = fl_chat_post(tx, &who, chat->id, &post, at, a, &msg, &dup, &d->err);
		return rc ? rc : fl_chat_read(tx, &who, chat->id, msg.seq, &d->err);
	}
	if ((tr = json_object_get(s, "transfer"))) {
		agent.id = lookup(d, json_object_get(tr, "by"), &agent.role);
		return fl_chat_transfer(tx, &agent, chat->id,
					lookup(d, json_object_get(tr, "to"), NULL), 0,
					str(tr, "note"), at, &d->err);
	}
	if (str(s, "end")) {
		if (!strcmp(str(s, "end"), "system")) {
			who = (struct fl_chat_who){FL_CHAT_SYSTEM, 0, NULL};
		} else if (strcmp(str(s, "end"), "visitor")) {
			agent.id = lookup(d, json_object_get(s, "end"), &agent.role);
			who = (struct fl_chat_who){FL_CHAT_AGENT, 0, &agent};
		}
		return fl_chat_end(tx, &who, chat->id, json_is_true(json_object_get(s, "solve")),
				   at, a, chat, &d->err);
	}
	if (str(s, "rate"))
		return fl_chat_rate(tx, visitor, chat->id, fl_csat_score_parse(str(s, "rate")),
				    str(s, "comment"), at, &d->err);
	return fl_err_set(&d->err, FL_EINVAL, "chats", NULL, "demo chat: a step of no known kind");
}

/* Live chat (docs/chat.md): the widget's settings (their group named by
 * its key), each agent's chat capacity, then chats.json's chats, each
 * through the visitor's and the agents' own doors (chat/chat.h) at the
 * times it gives: a visitor made, the chat started with its ticket,
 * messages both ways, a transfer, the end (missed when no agent wrote),
 * a rating. The oldest are weeks old, so Reports → Chat has figures; the
 * last are live now, so the console has chats in it. Nothing is mailed:
 * chat writes are quiet, and no transcript is asked for. */
static int load_chats(fl_tx *tx, struct demo *d, fl_arena *a)
{
	json_t *set = json_deep_copy(json_object_get(d->chats, "settings")), *j, *v;
	struct fl_chat_settings s;
	const char *key;
	char *text;
	size_t i;
	int rc;

	if (!set)
		return FL_ENOMEM;
	json_object_set_new(set, "group_id",
			    json_integer(lookup(d, json_object_get(set, "group"), NULL)));
	json_object_del(set, "group");
	text = json_dumps(set, JSON_COMPACT);
	json_decref(set);
	if (!text)
		return FL_ENOMEM;
	rc = fl_chat_settings_parse(text, strlen(text), a, &s, &d->err);
	free(text);
	if (rc || (rc = fl_chat_settings_put(tx, &s, &d->err)))
		return rc;
	json_object_foreach(json_object_get(d->chats, "capacity"), key, v)
	{
		json_t *k = json_string(key);
		int64_t id = k ? lookup(d, k, NULL) : 0;
		json_decref(k);
		if (!id)
			return fl_err_set(&d->err, FL_EINVAL, "capacity", NULL,
					  "demo chat: no agent %s", key);
		if ((rc = fl_chat_capacity_set(tx, id, json_integer_value(v), d->base, &d->err)))
			return rc;
	}
	json_array_foreach(json_object_get(d->chats, "chats"), i, j)
	{
		const int64_t start =
			d->base -
			(int64_t)json_integer_value(json_object_get(j, "ago_minutes")) * 60;
		struct fl_chat chat = {0};
		int64_t visitor;
		json_t *step;
		size_t k;

		fl_time_freeze(start);
		rc = fl_chat_visitor_new(tx, str(j, "locale"), start, &visitor);
		json_array_foreach(json_object_get(j, "steps"), k, step)
		{
			char cid[64];
			if (rc)
				break;
			snprintf(cid, sizeof cid, "demo-%zu-%zu", i, k);
			fl_time_freeze(start +
				       (int64_t)json_integer_value(json_object_get(step, "at")));
			rc = chat_step(tx, d, j, step, cid, visitor, &chat, a);
		}
		fl_time_freeze(0);
		if (rc)
			return rc;
	}
	return 0;
}

static int tx_demo(fl_tx *tx, void *arg)
{
	struct demo *d = arg;
	fl_arena a;
	char *done;
	size_t i, n;
	json_t *t;
	int rc;

	fl_arena_init(&a, 0);
	if (fl_store_setting_get(tx, "demo_loaded", &a, &done) == 0) {
		d->skipped = 1;
		fl_arena_free(&a);
		return 0;
	}
	d->nkeys = 0;
	rc = load_mail(tx, d);
	if (!rc)
		rc = load_people(tx, d, &a);
	if (!rc)
		rc = load_views(tx, d, &a);
	if (!rc)
		rc = load_contracts(tx, d, &a);
	if (!rc)
		rc = load_schedules(tx, d, &a);
	if (!rc)
		rc = load_policies(tx, d, &a);
	if (!rc)
		rc = load_routing(tx, d, &a);
	if (!rc)
		rc = load_rules(tx, d, &a);
	if (!rc)
		rc = load_macros(tx, d, &a);
	if (!rc)
		rc = load_kb(tx, d, &a);
	if (!rc)
		rc = load_csat_reasons(tx, d);
	n = json_array_size(json_object_get(d->root, "tickets"));
	json_array_foreach(json_object_get(d->root, "tickets"), i, t)
	{
		if (rc)
			break;
		rc = load_ticket(tx, d, t, &a);
		fl_progress_update(&d->bar, i + 1, n);
	}
	/* a sent NPS survey with answers, by the first admin */
	for (i = 0; !rc && i < d->nkeys; i++)
		if (d->keys[i].role == FL_ROLE_ADMIN) {
			rc = fl_nps_demo(tx, d->keys[i].id, fl_now(), &d->err);
			break;
		}
	if (!rc)
		rc = load_ideas(tx, d, &a);
	if (!rc)
		rc = load_chats(tx, d, &a);
	if (!rc)
		rc = fl_store_setting_set(tx, "demo_loaded", "1");
	fl_arena_free(&a);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline demo [--data DIR] [--db URI]\n"
		"\n"
		"Loads a demo help desk: customer tiers, organizations, groups, agents and\n"
		"customers, service contracts, business hours in Kyiv with holidays, SLA\n"
		"policies (VIP, under contract, everyone else), routing by language and\n"
		"load, triggers (urgent Gold and VIP tickets to Tier 2, Lithuanian\n"
		"customers to Support, refund requests tagged), an example webhook (off),\n"
		"shared macros with replies in four languages, tickets in Ukrainian,\n"
		"Russian, Lithuanian and English about refunds, late deliveries, damaged\n"
		"goods, billing and complaints, a knowledge base of articles in the four\n"
		"languages, ideas, an NPS survey, and live chat switched on with chats\n"
		"of the last weeks and a few going on now. Demo agents sign in with the\n"
		"password '" DEMO_PASSWORD
		"'. Loading twice does\n"
		"nothing.\n");
}

int fl_cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"db", required_argument, 0, 'D'},
		{"config", required_argument, 0, 'c'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct demo d = {0};
	json_error_t jerr;
	fl_store *store;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	d.root = json_loadb(fl_demo_data[0].data, fl_demo_data[0].len, 0, &jerr);
	if (!d.root) {
		fprintf(stderr, "frontline: demo data: %s\n", jerr.text);
		return 1;
	}
	d.kb = json_loadb(fl_demo_kb_data[0].data, fl_demo_kb_data[0].len, 0, &jerr);
	if (!d.kb) {
		fprintf(stderr, "frontline: demo knowledge base: %s\n", jerr.text);
		json_decref(d.root);
		return 1;
	}
	d.ideas = json_loadb(fl_demo_ideas_data[0].data, fl_demo_ideas_data[0].len, 0, &jerr);
	if (!d.ideas) {
		fprintf(stderr, "frontline: demo ideas: %s\n", jerr.text);
		json_decref(d.root);
		json_decref(d.kb);
		json_decref(d.ideas);
		return 1;
	}
	d.chats = json_loadb(fl_demo_chats_data[0].data, fl_demo_chats_data[0].len, 0, &jerr);
	if (!d.chats) {
		fprintf(stderr, "frontline: demo chats: %s\n", jerr.text);
		json_decref(d.root);
		json_decref(d.kb);
		json_decref(d.ideas);
		return 1;
	}
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store)) {
		json_decref(d.root);
		json_decref(d.kb);
		json_decref(d.ideas);
		json_decref(d.chats);
		return 1;
	}
	if (fl_password_hash(DEMO_PASSWORD, &d.agent_hash, &d.err)) {
		json_decref(d.root);
		json_decref(d.kb);
		json_decref(d.ideas);
		json_decref(d.chats);
		fl_store_free(store);
		return fl_cli_fail("the demo password", &d.err);
	}
	d.base = fl_now();
	fl_progress_start(&d.bar, "demo tickets");
	rc = fl_cli_first_admin(store, &cfg);
	if (!rc)
		rc = fl_store_write(store, tx_demo, &d) ? fl_cli_fail("loading the demo", &d.err)
							: 0;
	fl_progress_end(&d.bar);
	fl_store_free(store);
	if (!rc) {
		const char *who = json_string_value(json_object_get(
			json_array_get(json_object_get(d.root, "agents"), 0), "email"));
		printf("%s\nSign in to the agent workspace (/agent/) as %s with the password '" DEMO_PASSWORD
		       "' (every demo agent has it);\nthe customer portal is /portal/. Until a mail relay is set "
		       "up, what the desk writes to\ncustomers, their sign-in links too, is kept in the "
		       "workspace's Admin → Outgoing mail.\n",
		       d.skipped ? "demo data was already loaded" : "demo data loaded",
		       who ? who : "a demo agent");
	}
	json_decref(d.root);
	json_decref(d.kb);
	json_decref(d.ideas);
	json_decref(d.chats);
	free(d.agent_hash);
	return rc;
}
