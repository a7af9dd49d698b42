/* Rules: the model shared by triggers (on a ticket write or an SLA
 * event), automations (on time) and macros (an agent's bundle of
 * actions). Shapes and names follow Zendesk's: conditions
 * {"all": [...], "any": [...]} of {"field", "operator", "value"} and
 * actions [{"field", "value"}].
 *
 * This part is pure C: decoding (fl_rule_decode checks everything that can
 * be checked without the store; fl_rule_check_refs asks the store whether
 * the groups, agents and schedules named exist), evaluation over a context
 * (fl_rule_matches) and turning actions into a ticket patch plus side
 * effects (fl_rule_apply). Triggers (rules/trigger.h) run it. */
#ifndef FL_RULES_RULE_H
#define FL_RULES_RULE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "sla/policy.h"
#include "store/store.h"
#include "tickets/ticket.h"

#define FL_RULE_MAX_CONDITIONS 50 /* in "all", and again in "any" */
#define FL_RULE_MAX_ACTIONS 50
#define FL_RULE_MAX_WORDS 32   /* words or tags in one value */
#define FL_RULE_WORD_MAX 80    /* bytes of one word or tag */
#define FL_RULE_TEXT_MAX 65536 /* bytes of a comment or a message body */
#define FL_RULE_SUBJECT_MAX 255
#define FL_RULE_JSON_MAX 262144 /* bytes of a rule's conditions and actions as JSON */

/* What a rule is for: each allows its own conditions and actions. */
enum fl_rule_kind { FL_RULE_TRIGGER, FL_RULE_AUTOMATION, FL_RULE_MACRO, FL_RULE_KIND__MAX };

enum fl_rule_field {
	FL_RF_STATUS,                /* "status" */
	FL_RF_PRIORITY,              /* "priority" */
	FL_RF_TYPE,                  /* "type" */
	FL_RF_GROUP,                 /* "group_id" */
	FL_RF_ASSIGNEE,              /* "assignee_id" */
	FL_RF_REQUESTER,             /* "requester_id" */
	FL_RF_ORGANIZATION,          /* "organization_id" */
	FL_RF_TAGS,                  /* "current_tags" */
	FL_RF_VIA,                   /* "via_id": the channel the ticket came by */
	FL_RF_CURRENT_VIA,           /* "current_via_id": the channel of this update */
	FL_RF_UPDATE_TYPE,           /* "update_type": Create, Change (or sla) */
	FL_RF_COMMENT_IS_PUBLIC,     /* "comment_is_public": true, false, not_relevant */
	FL_RF_COMMENT_INCLUDES_WORD, /* "comment_includes_word" */
	FL_RF_SUBJECT_INCLUDES_WORD, /* "subject_includes_word" */
	FL_RF_ROLE,                  /* "role": who made the change */
	FL_RF_REQUESTER_TIER,        /* "requester_tier" */
	FL_RF_ORGANIZATION_TIER,     /* "organization_tier" */
	FL_RF_ENTITLEMENT,           /* "entitlement": covered, expired, none */
	FL_RF_WITHIN_BUSINESS_HOURS, /* "within_business_hours": a schedule id */
	FL_RF_SLA_EVENT,             /* "sla_event": warning, breached, achieved */
	FL_RF_SLA_METRIC,            /* "sla_metric": first_reply_time, … */
	FL_RF_SATISFACTION_SCORE,    /* "satisfaction_score": a rating arriving, good or bad */
	FL_RF_COMPLAINT,             /* "complaint": true, false (any reason) */
	FL_RF_COMPLAINT_REASON,      /* "complaint_reason_id": a reason, null none */
	/* automations only: hours since … (rule.h's clocks) */
	FL_RF_HOURS_NEW, /* "NEW": since the ticket became new, while it is */
	FL_RF_HOURS_OPEN,
	FL_RF_HOURS_PENDING,
	FL_RF_HOURS_HOLD,
	FL_RF_HOURS_SOLVED,
	FL_RF_HOURS_CLOSED,
	FL_RF_HOURS_CREATED,           /* "created_at" */
	FL_RF_HOURS_UPDATED,           /* "updated_at" */
	FL_RF_HOURS_ASSIGNED,          /* "assigned_at" */
	FL_RF_HOURS_REQUESTER_UPDATED, /* "requester_updated_at" */
	FL_RF_HOURS_ASSIGNEE_UPDATED,  /* "assignee_updated_at" */
	FL_RF_HOURS_SLA_BREACHED,      /* "sla_breached_at": the last SLA breach */
	FL_RF__MAX
};

enum fl_rule_op {
	FL_RO_IS,
	FL_RO_IS_NOT,
	FL_RO_LESS_THAN,
	FL_RO_GREATER_THAN,
	FL_RO_CHANGED,
	FL_RO_NOT_CHANGED,
	FL_RO_VALUE,              /* changed to */
	FL_RO_VALUE_PREVIOUS,     /* changed from */
	FL_RO_NOT_VALUE,          /* not changed to */
	FL_RO_NOT_VALUE_PREVIOUS, /* not changed from */
	FL_RO_INCLUDES,           /* tags: any of; words: any of */
	FL_RO_NOT_INCLUDES,       /* tags: none of; words: none of */
	/* time conditions counted in business hours (the desk's schedule) */
	FL_RO_IS_BH,           /* "is_business_hours" */
	FL_RO_LESS_THAN_BH,    /* "less_than_business_hours" */
	FL_RO_GREATER_THAN_BH, /* "greater_than_business_hours" */
	FL_RO__MAX
};

/* update_type values */
enum { FL_RULE_UPDATE_CREATE, FL_RULE_UPDATE_CHANGE, FL_RULE_UPDATE_SLA };

/* Special ids a value may stand for, resolved when the rule runs. */
#define FL_RULE_CURRENT_USER (-2) /* assignee_id, notification_user */
#define FL_RULE_REQUESTER (-3)    /* notification_user */
#define FL_RULE_ASSIGNEE (-4)     /* notification_user */
#define FL_RULE_TICKET_GROUP (-5) /* notification_group: the ticket's group */

/* The longest a time condition waits: ten years, in hours. */
#define FL_RULE_HOURS_MAX 87660

/* The clocks time conditions read: when each started, 0 when it has not.
 * The status clock is when the ticket entered the status it is in. */
enum fl_rule_clock {
	FL_CLOCK_STATUS,
	FL_CLOCK_CREATED,
	FL_CLOCK_UPDATED,
	FL_CLOCK_ASSIGNED,
	FL_CLOCK_REQUESTER_UPDATED,
	FL_CLOCK_ASSIGNEE_UPDATED,
	FL_CLOCK_SLA_BREACHED,
	FL_CLOCK__MAX
};

/* Whether field is a time condition ("PENDING", "created_at", …). */
int fl_rule_is_time_field(int field);

struct fl_rule_cond {
	int field, op;
	int64_t value;      /* an enum, an id (0: none), a boolean, or seconds (time) */
	const char **words; /* current_tags (normalized) and *_includes_word (lower case) */
	size_t nwords;
};

enum fl_rule_act {
	FL_RA_STATUS,
	FL_RA_PRIORITY,
	FL_RA_TYPE,
	FL_RA_GROUP,
	FL_RA_ASSIGNEE,
	FL_RA_COMPLAINT, /* "complaint_reason_id": mark a complaint (null: unmark) */
	FL_RA_SET_TAGS,
	FL_RA_ADD_TAGS,    /* "current_tags" */
	FL_RA_REMOVE_TAGS, /* "remove_tags" */
	FL_RA_FOLLOWER,
	FL_RA_COMMENT,        /* "comment_value" */
	FL_RA_COMMENT_PUBLIC, /* "comment_mode_is_public" */
	FL_RA_MAIL_USER,      /* "notification_user" */
	FL_RA_MAIL_GROUP,     /* "notification_group" */
	FL_RA_WEBHOOK,        /* "notification_webhook" */
	FL_RA_TASK,           /* "create_task": [owner, due in hours, title] */
	FL_RA__MAX
};

struct fl_rule_action {
	int field;
	int64_t value;      /* an enum, an id (0: none, or FL_RULE_*), a boolean */
	const char **words; /* tags */
	size_t nwords;
	const char *subject; /* mail */
	const char *text;    /* comment, mail or webhook body (a template) */
	int64_t due;         /* create_task: seconds until due, FL_RULE_NO_DUE none */
};

/* create_task: a follow-up task (tasks/task.h) on the ticket for its
 * assignee or an agent, due so many hours after the rule fires (at most
 * FL_RULE_TASK_HOURS_MAX; null: no due time), titled from a template. */
#define FL_RULE_NO_DUE (-1)
#define FL_RULE_TASK_HOURS_MAX 8760 /* a year */

struct fl_rule {
	struct fl_rule_cond *all, *any;
	size_t nall, nany;
	struct fl_rule_action *actions;
	size_t nactions;
};

const char *fl_rule_field_name(int field);
const char *fl_rule_op_name(int op);
const char *fl_rule_action_name(int act);
/* Whether a rule of kind may use the condition field with op / the action. */
int fl_rule_op_allowed(int kind, int field, int op);
int fl_rule_action_allowed(int kind, int act);

/* Reads conditions (an object, or NULL for none) and actions (an array,
 * or NULL for none) into out, in a. Everything is checked that needs no
 * store: fields, operators and values known and of their kind, counts and
 * sizes capped, templates (fl_placeholders_check). FL_EINVAL with the
 * field named as "conditions.all[2].value" or "actions[0].value". */
int fl_rule_decode(int kind, json_t *conditions, json_t *actions, fl_arena *a, struct fl_rule *out,
		   struct fl_err *e);
/* The rule's conditions and actions back as JSON, in Zendesk's shapes:
 * what fl_rule_decode reads to the same rule. New references. */
json_t *fl_rule_conditions_json(const struct fl_rule *r);
json_t *fl_rule_actions_json(const struct fl_rule *r);

/* Whether every group, agent and schedule r names exists (a group not
 * deleted, an agent or admin still active); FL_EINVAL naming the value
 * ("actions[1].value") when one does not. Webhooks too, through
 * fl_rules_set_webhooks' exists function (none set: any id is refused). */
int fl_rule_check_refs(fl_tx *tx, const struct fl_rule *r, fl_arena *a, struct fl_err *e);

/* What a rule sees: the ticket as written and as it was, the write's
 * comment, who wrote it and how, the customer's facts and an SLA event.
 * Automations extend it (times since …): new members at the end, zero by
 * default. */
struct fl_rule_ctx {
	const struct fl_ticket *t;      /* now */
	const struct fl_ticket *before; /* before the update; NULL on create */
	int update_type;                /* FL_RULE_UPDATE_* */
	const char *comment;            /* the write's comment text, or NULL */
	int comment_public;
	int64_t actor_id;
	int actor_role; /* enum fl_role of who wrote it */
	int via;        /* the channel of the write */
	int64_t now;
	const struct fl_sla_facts *facts; /* NULL: none */
	int sla_event;                    /* FL_RULE_SLA_* or -1 */
	int sla_metric;                   /* enum fl_sla_metric or -1 */
	/* whether now is within schedule id's hours: 1, 0, or <0 when it is
	 * gone (the condition then does not match) */
	int (*in_hours)(void *arg, int64_t schedule_id, int64_t now);
	void *in_hours_arg;
	/* automations: when each clock started (enum fl_rule_clock; 0: not
	 * started, and a condition on it does not match), and the business
	 * seconds between two instants in the desk's schedule (NULL: business
	 * conditions match nothing) */
	const int64_t *clocks;
	int64_t (*biz_elapsed)(void *arg, int64_t from, int64_t to);
	void *biz_arg;
	/* a satisfaction rating arriving (feedback/csat.h): 1 + its
	 * FL_RULE_CSAT_* score; 0 for any other write */
	int csat;
};

/* satisfaction_score values: a rating that arrives */
enum { FL_RULE_CSAT_GOOD, FL_RULE_CSAT_BAD, FL_RULE_CSAT__MAX };
const char *fl_rule_csat_name(int v);

enum { FL_RULE_SLA_WARNING, FL_RULE_SLA_BREACHED, FL_RULE_SLA_ACHIEVED, FL_RULE_SLA__MAX };
const char *fl_rule_sla_event_name(int ev);
/* What a rule editor offers for a value (the definitions of triggers,
 * automations and macros): [{"title": name(v), "value": name(v)}] for v
 * from from to to - 1, leaving out the v whose name is NULL. */
json_t *fl_rule_names_json(const char *(*name)(int), int from, int to);
/* "true" or "false": a boolean's names for fl_rule_names_json. */
const char *fl_rule_bool_name(int v);

/* Whether c meets every condition of r's "all" and, when "any" has some,
 * one of them. A rule with no conditions matches nothing. Pure. */
int fl_rule_matches(const struct fl_rule *r, const struct fl_rule_ctx *c);

/* What a pass may know before it loads a whole ticket: 0 when one of r's
 * "all" conditions on the status, priority, type, group, assignee,
 * requester, organization, channel or a clock fails for c (whose ticket
 * need only have those set); 1 when r may match. Pure. */
int fl_rule_may_match(const struct fl_rule *r, const struct fl_rule_ctx *c);

/* The window of an automation's firing: the latest start of the clocks
 * its time conditions read (a ticket that goes pending anew starts a new
 * window); 0 when none has started. */
int64_t fl_rule_window(const struct fl_rule *r, const struct fl_rule_ctx *c);

/* Whether r's actions change something one of its conditions checks, or
 * one of its time conditions holds only once ("is"): an automation that
 * does neither would fire on every pass (Zendesk's rule). */
int fl_rule_nullifies(const struct fl_rule *r);

/* A side effect of a rule's actions, to be done by who runs it. */
enum fl_rule_effect_kind {
	FL_FX_COMMENT,
	FL_FX_MAIL_USER,
	FL_FX_MAIL_GROUP,
	FL_FX_WEBHOOK,
	FL_FX_TASK
};
struct fl_rule_effect {
	int kind;
	int64_t id;          /* the user (FL_RULE_* resolved), group or webhook */
	const char *subject; /* mail: a template */
	const char *text;    /* comment, mail or webhook body: a template */
	int public;          /* a comment */
	int action;          /* the index of the action it came from */
	/* a task: id is its owner (0: the ticket has no assignee), subject
	 * its title (a template), due seconds after firing or FL_RULE_NO_DUE */
	int64_t due;
};

/* Turns r's actions over ticket c->t into p (zeroed here; strings
 * borrowed from r or in a) and the effects (in a, at most
 * FL_RULE_MAX_ACTIONS). "current_user" is c->actor_id; tags are added to
 * and removed from those the ticket has. The comment of comment_value is
 * an effect (its text a template), not in p. */
int fl_rule_apply(const struct fl_rule *r, const struct fl_rule_ctx *c, fl_arena *a,
		  struct fl_ticket_patch *p, struct fl_rule_effect **fx, size_t *nfx);

/* Whether p would change ticket t (a field to another value, a tag added
 * it has not or removed it has, a follower it has not). */
int fl_rule_patch_changes(const struct fl_ticket_patch *p, const struct fl_ticket *t);

/* Whether rule b undoes what rule a does: a sets a field (or a tag) to
 * a value that b's conditions ask for, and b sets it back to what a's
 * conditions ask for. Writes a short description ("status") in what. */
int fl_rule_undoes(const struct fl_rule *a, const struct fl_rule *b, char *what, size_t cap);

/* Webhooks (written elsewhere) as rules reach them, set once at startup:
 * exists(tx, id) is 0 or FL_ENOTFOUND; fire(tx, id, t, body) queues a
 * delivery. NULL for none. */
typedef int (*fl_rules_webhook_exists_fn)(fl_tx *tx, int64_t id);
typedef int (*fl_rules_webhook_fire_fn)(fl_tx *tx, int64_t id, const struct fl_ticket *t,
					const char *body);
void fl_rules_set_webhooks(fl_rules_webhook_exists_fn exists, fl_rules_webhook_fire_fn fire);
fl_rules_webhook_exists_fn fl_rules_webhook_exists(void);
fl_rules_webhook_fire_fn fl_rules_webhook_fire(void);

#endif
