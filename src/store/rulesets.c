/* Queries about the ordered rule sets (store/rulesets.h). Each query is
 * written once per table, the table's name a constant: the kind only
 * picks which. tools/check_binds.py cannot follow the pick, so each
 * query's bind format is written beside it and the two tables' texts
 * differ in the table's name alone. */
#include <sodium.h>

#include "rules/rule.h"
#include "store/rulesets.h"
#include "store/store_int.h"

#define RULE_COLUMNS(X, S)                                                                        \
	X(id, "id")                                                                               \
	S X(title, "title") S X(description, "description") S X(active, "active") S X(position,   \
										      "position") \
		S                                                                                 \
		X(conditions_json, "conditions_json") S                                           \
		X(actions_json, "actions_json") S                                                 \
		X(created_at, "created_at") S                                                     \
		X(updated_at, "updated_at")
#define RULE_COLUMN(m, expr) FL_COLUMN(struct fl_store_rule, m)
static const struct fl_col rule_col[] = {RULE_COLUMNS(RULE_COLUMN, FL_COMMA)};
static const struct fl_cols rule_cols = FL_COLS(struct fl_store_rule, rule_col);

/* A kind's queries: its table's name spelled into each. */
struct queries {
	const char *get, *list, *insert, *update, *delete, *position, *count, *bump, *version;
};

#define QUERIES(table, kind)                                                                  \
	{                                                                                     \
		.get = "SELECT " FL_COLUMNS_SQL(RULE_COLUMNS) " FROM " table " WHERE id = ?", \
		.list = "SELECT " FL_COLUMNS_SQL(RULE_COLUMNS) " FROM " table                 \
							       " WHERE active = 1 OR ? = 0"   \
							       " ORDER BY position, id"       \
							       " LIMIT 1000",                 \
		.insert = "INSERT INTO " table                                                \
			  " (title, description, active, position,"                           \
			  " conditions_json, actions_json, created_at, updated_at)"           \
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"                                  \
			  " RETURNING id",                                                    \
		.update = "UPDATE " table                                                     \
			  " SET title = ?, description = ?, active = ?,"                      \
			  " conditions_json = ?, actions_json = ?, updated_at = ?"            \
			  " WHERE id = ?",                                                    \
		.delete = "DELETE FROM " table " WHERE id = ?",                               \
		.position = "UPDATE " table " SET position = ? WHERE id = ?",                 \
		.count = "SELECT COUNT(*) FROM " table,                                       \
		.bump = "UPDATE rule_versions SET version = ? WHERE kind = '" kind "'",       \
		.version = "SELECT version FROM rule_versions WHERE kind = '" kind "'",       \
	}

static const struct queries queries[] = {
	[FL_RULE_TRIGGER] = QUERIES("triggers", "trigger"),
	[FL_RULE_AUTOMATION] = QUERIES("automations", "automation"),
};

/* The kind's queries; a kind with no table is the caller's bug. */
static const struct queries *q_of(int kind)
{
	return kind == FL_RULE_TRIGGER || kind == FL_RULE_AUTOMATION ? &queries[kind] : NULL;
}

/* Every write gives the version a new value, in its transaction: a node
 * that reads the version sees the write or an older version, never a
 * torn one. Random, not one more: a version read inside a batch whose
 * commit then failed must never come back for other rules (a counter
 * would give the next change the same number, and a cache keyed on it
 * would keep rules that were never saved). */
static int bump(fl_tx *tx, const struct queries *q)
{
	int64_t v;

	randombytes_buf(&v, sizeof v);
	return fl_q_exec(tx, q->bump, "i", v & INT64_MAX);
}

int fl_store_rule_get(fl_tx *tx, int kind, int64_t id, fl_arena *a, struct fl_store_rule *out)
{
	const struct queries *q = q_of(kind);
	fl_stmt *st;
	int rc = q ? fl_q(tx, q->get, 0, &st, "i", id) : FL_EINTERNAL;
	return rc ? rc : fl_q_one_cols(tx, st, &rule_cols, a, out);
}

int fl_store_rule_list(fl_tx *tx, int kind, int active_only, fl_arena *a,
		       struct fl_store_rule **out, size_t *n)
{
	const struct queries *q = q_of(kind);
	fl_stmt *st;
	int rc = q ? fl_q(tx, q->list, 0, &st, "i", (int64_t)(active_only != 0)) : FL_EINTERNAL;
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &rule_cols, a, FL_STORE_RULESET_MAX, (void **)out, n);
}

int fl_store_rule_insert(fl_tx *tx, int kind, struct fl_store_rule *t)
{
	const struct queries *q = q_of(kind);
	int rc = q ? fl_q_int(tx, q->insert, &t->id, "ttiittii", t->title, t->description,
			      (int64_t)t->active, t->position, t->conditions_json, t->actions_json,
			      t->created_at, t->updated_at)
		   : FL_EINTERNAL;
	return rc ? rc : bump(tx, q);
}

int fl_store_rule_update(fl_tx *tx, int kind, const struct fl_store_rule *t)
{
	const struct queries *q = q_of(kind);
	int rc = q ? fl_q_exec(tx, q->update, "ttittii", t->title, t->description,
			       (int64_t)t->active, t->conditions_json, t->actions_json,
			       t->updated_at, t->id)
		   : FL_EINTERNAL;
	return rc ? rc : bump(tx, q);
}

int fl_store_rule_delete(fl_tx *tx, int kind, int64_t id)
{
	const struct queries *q = q_of(kind);
	int rc = q ? fl_q_exec(tx, q->delete, "i", id) : FL_EINTERNAL;
	return rc ? rc : bump(tx, q);
}

int fl_store_rule_set_position(fl_tx *tx, int kind, int64_t id, int64_t position)
{
	const struct queries *q = q_of(kind);
	int rc = q ? fl_q_exec(tx, q->position, "ii", position, id) : FL_EINTERNAL;
	return rc ? rc : bump(tx, q);
}

int fl_store_rule_count(fl_tx *tx, int kind, int64_t *n)
{
	const struct queries *q = q_of(kind);
	return q ? fl_q_int(tx, q->count, n, "") : FL_EINTERNAL;
}

int fl_store_rule_version(fl_tx *tx, int kind, int64_t *out)
{
	const struct queries *q = q_of(kind);
	return q ? fl_q_int(tx, q->version, out, "") : FL_EINTERNAL;
}
