/* An ordered rule set: what triggers (rules/trigger.h) and automations
 * (rules/automation.h) share. Each is a list of rules (id, title,
 * description, active, position, conditions, actions, timestamps) run in
 * order of position; a kind's descriptor says what is its own: the kind
 * the decoder allows, the checks at save beyond the title and description,
 * its names and how many a desk may have. How each kind runs is its own
 * module's. The API's handlers for both are rules/ruleset_api.c's. */
#ifndef FL_RULES_RULESET_H
#define FL_RULES_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "rules/rule.h"
#include "store/store.h"

#define FL_RULESET_TITLE_MAX 255
#define FL_RULESET_DESCRIPTION_MAX 4096

struct fl_ruleset_rule {
	int64_t id;
	char *title, *description; /* description "" for none */
	int active;
	int64_t position;
	struct fl_rule rule;
	char *conditions_json, *actions_json; /* as stored */
	int64_t created_at, updated_at;
};

struct fl_ruleset_kind {
	int kind;          /* FL_RULE_TRIGGER or FL_RULE_AUTOMATION: the table */
	const char *one;   /* "trigger": the JSON key, the error's field */
	const char *many;  /* "triggers" */
	const char *One;   /* "Trigger": messages */
	const char *a_one; /* "a trigger": messages */
	int max;           /* a desk's at the most */
	/* The kind's own checks of t at save, after the title's and the
	 * description's, before anything is written (FL_EINVAL naming the
	 * field); NULL: none. */
	int (*check)(fl_tx *tx, const struct fl_ruleset_rule *t, fl_arena *a, struct fl_err *e);
};

extern const struct fl_ruleset_kind fl_triggers, fl_automations;

/* Checks a rule's (or a macro's) title, 1..FL_RULESET_TITLE_MAX bytes, and
 * description, at most FL_RULESET_DESCRIPTION_MAX ("" when NULL, which
 * *description becomes): FL_EINVAL naming the field. */
int fl_ruleset_check_text(const char *title, char **description, struct fl_err *e);

/* The doors, inside a write transaction; nothing written when they fail.
 * Create and update check the title, the description and then what the
 * kind checks (k->check). Create puts the rule at t->position (0 or past
 * the end: last), refusing one past k->max (FL_EINVAL naming k->one). */
int fl_ruleset_create(fl_tx *tx, const struct fl_ruleset_kind *k, struct fl_ruleset_rule *t,
		      fl_arena *a, struct fl_err *e);
int fl_ruleset_update(fl_tx *tx, const struct fl_ruleset_kind *k, struct fl_ruleset_rule *t,
		      fl_arena *a, struct fl_err *e);
/* Deletes id (FL_ENOTFOUND) and closes the gap. */
int fl_ruleset_delete(fl_tx *tx, const struct fl_ruleset_kind *k, int64_t id, fl_arena *a);
/* Puts the rules in the order of ids, each exactly once (FL_EINVAL naming
 * "<one>_ids"). */
int fl_ruleset_reorder(fl_tx *tx, const struct fl_ruleset_kind *k, const int64_t *ids, size_t n,
		       fl_arena *a, struct fl_err *e);
int fl_ruleset_get(fl_tx *tx, const struct fl_ruleset_kind *k, int64_t id, fl_arena *a,
		   struct fl_ruleset_rule *out);
int fl_ruleset_list(fl_tx *tx, const struct fl_ruleset_kind *k, int active_only, fl_arena *a,
		    struct fl_ruleset_rule **out, size_t *n);

/* One reading of a kind's active rules, by position, shared by the
 * writes that run them while it is current. */
struct fl_ruleset_snapshot {
	int64_t version;
	fl_arena arena;
	struct fl_ruleset_rule *t;
	size_t n;
	int refs;
	int needs_facts; /* a condition on a tier or a contract */
};

/* The active rules of kind k as of the store's version: the reading this
 * process keeps when it is still current (one cheap read of the version
 * row), else read again. Give it back with fl_ruleset_put. */
int fl_ruleset_snapshot_get(fl_tx *tx, const struct fl_ruleset_kind *k,
			    struct fl_ruleset_snapshot **out);
void fl_ruleset_snapshot_put(struct fl_ruleset_snapshot *s);
/* Drops the parsed rules this process keeps (tests, the leak checker). */
void fl_rules_cache_clear(void);

#endif
