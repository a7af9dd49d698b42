/* Ordered rule sets (rules/ruleset.h): the doors triggers and automations
 * share, and the parsed active rules each process keeps per kind. */
#include "rules/ruleset.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/rulesets.h"

/* ---- reading and writing ---- */

static int parse_stored(const struct fl_ruleset_kind *k, const struct fl_store_rule *s, fl_arena *a,
			struct fl_ruleset_rule *out)
{
	json_error_t je;
	json_t *c = json_loads(s->conditions_json, 0, &je);
	json_t *x = json_loads(s->actions_json, 0, &je);
	struct fl_err e;
	int rc = c && x ? fl_rule_decode(k->kind, c, x, a, &out->rule, &e) : FL_EINTERNAL;

	json_decref(c);
	json_decref(x);
	if (rc)
		return rc == FL_ENOMEM ? rc : FL_EINTERNAL;
	out->id = s->id;
	out->title = s->title;
	out->description = s->description;
	out->active = s->active;
	out->position = s->position;
	out->conditions_json = s->conditions_json;
	out->actions_json = s->actions_json;
	out->created_at = s->created_at;
	out->updated_at = s->updated_at;
	return 0;
}

int fl_ruleset_get(fl_tx *tx, const struct fl_ruleset_kind *k, int64_t id, fl_arena *a,
		   struct fl_ruleset_rule *out)
{
	struct fl_store_rule s;
	int rc = fl_store_rule_get(tx, k->kind, id, a, &s);
	return rc ? rc : parse_stored(k, &s, a, out);
}

int fl_ruleset_list(fl_tx *tx, const struct fl_ruleset_kind *k, int active_only, fl_arena *a,
		    struct fl_ruleset_rule **out, size_t *n)
{
	struct fl_store_rule *s;
	struct fl_ruleset_rule *t;
	size_t m;
	int rc = fl_store_rule_list(tx, k->kind, active_only, a, &s, &m);

	if (rc)
		return rc;
	if (!(t = fl_arena_alloc(a, (m + 1) * sizeof *t)))
		return FL_ENOMEM;
	for (size_t i = 0; i < m; i++)
		if ((rc = parse_stored(k, &s[i], a, &t[i])))
			return rc;
	*out = t;
	*n = m;
	return 0;
}

int fl_ruleset_check_text(const char *title, char **description, struct fl_err *e)
{
	size_t len = title ? strlen(title) : 0;

	if (!len)
		return fl_err_set(e, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	if (len > FL_RULESET_TITLE_MAX)
		return fl_err_set(e, FL_EINVAL, "title", "TooLong", "Title: at most %d bytes",
				  FL_RULESET_TITLE_MAX);
	if (!*description)
		*description = "";
	if (strlen(*description) > FL_RULESET_DESCRIPTION_MAX)
		return fl_err_set(e, FL_EINVAL, "description", "TooLong",
				  "Description: at most %d bytes", FL_RULESET_DESCRIPTION_MAX);
	return 0;
}

static int check(fl_tx *tx, const struct fl_ruleset_kind *k, struct fl_ruleset_rule *t, fl_arena *a,
		 struct fl_err *e)
{
	int rc = fl_ruleset_check_text(t->title, &t->description, e);
	return rc || !k->check ? rc : k->check(tx, t, a, e);
}

/* The stored texts of t's conditions and actions, as the model writes
 * them. */
static int texts(struct fl_ruleset_rule *t, fl_arena *a)
{
	json_t *c = fl_rule_conditions_json(&t->rule), *x = fl_rule_actions_json(&t->rule);
	char *cz = c ? json_dumps(c, JSON_COMPACT) : NULL,
	     *xz = x ? json_dumps(x, JSON_COMPACT) : NULL;
	int rc = cz && xz ? 0 : FL_ENOMEM;

	if (!rc) {
		t->conditions_json = fl_arena_strdup(a, cz);
		t->actions_json = fl_arena_strdup(a, xz);
		if (!t->conditions_json || !t->actions_json)
			rc = FL_ENOMEM;
	}
	free(cz);
	free(xz);
	json_decref(c);
	json_decref(x);
	return rc;
}

static struct fl_store_rule row_of(const struct fl_ruleset_rule *t)
{
	return (struct fl_store_rule){t->id,           t->title,      t->description,
				      t->active,       t->position,   t->conditions_json,
				      t->actions_json, t->created_at, t->updated_at};
}

/* Writes positions 1.. to ids, in their order. */
static int renumber(fl_tx *tx, const struct fl_ruleset_kind *k, const int64_t *ids, size_t n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = fl_store_rule_set_position(tx, k->kind, ids[i], (int64_t)i + 1);
	return rc;
}

/* Moves the rule id to position pos (1-based, clamped) among ids. */
static int place(fl_tx *tx, const struct fl_ruleset_kind *k, int64_t *ids, size_t n, int64_t id,
		 int64_t pos)
{
	size_t at = 0;
	while (at < n && ids[at] != id)
		at++;
	if (at == n)
		return FL_EINTERNAL;
	if (pos < 1 || (size_t)pos > n)
		pos = (int64_t)n;
	memmove(ids + at, ids + at + 1, (n - at - 1) * sizeof *ids);
	memmove(ids + pos, ids + pos - 1, (n - (size_t)pos) * sizeof *ids);
	ids[pos - 1] = id;
	return renumber(tx, k, ids, n);
}

static int all_ids(fl_tx *tx, const struct fl_ruleset_kind *k, fl_arena *a, int64_t **ids,
		   size_t *n)
{
	struct fl_store_rule *s;
	int rc = fl_store_rule_list(tx, k->kind, 0, a, &s, n);
	if (rc)
		return rc;
	if (!(*ids = fl_arena_alloc(a, (*n + 1) * sizeof **ids)))
		return FL_ENOMEM;
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = s[i].id;
	return 0;
}

int fl_ruleset_create(fl_tx *tx, const struct fl_ruleset_kind *k, struct fl_ruleset_rule *t,
		      fl_arena *a, struct fl_err *e)
{
	struct fl_store_rule row;
	int64_t count, *ids;
	size_t n;
	int rc;

	t->id = 0;
	if ((rc = check(tx, k, t, a, e)) || (rc = texts(t, a)) ||
	    (rc = fl_store_rule_count(tx, k->kind, &count)))
		return rc;
	if (count >= k->max)
		return fl_err_set(e, FL_EINVAL, k->one, "TooMany", "A desk has at most %d %s",
				  k->max, k->many);
	t->created_at = t->updated_at = fl_now();
	row = row_of(t);
	row.position = count + 1;
	if ((rc = fl_store_rule_insert(tx, k->kind, &row)))
		return rc;
	t->id = row.id;
	if ((rc = all_ids(tx, k, a, &ids, &n)) || (rc = place(tx, k, ids, n, t->id, t->position)))
		return rc;
	return fl_ruleset_get(tx, k, t->id, a, t);
}

int fl_ruleset_update(fl_tx *tx, const struct fl_ruleset_kind *k, struct fl_ruleset_rule *t,
		      fl_arena *a, struct fl_err *e)
{
	struct fl_store_rule row;
	int64_t *ids;
	size_t n;
	int rc;

	if ((rc = check(tx, k, t, a, e)) || (rc = texts(t, a)))
		return rc;
	t->updated_at = fl_now();
	row = row_of(t);
	if ((rc = fl_store_rule_update(tx, k->kind, &row)) || (rc = all_ids(tx, k, a, &ids, &n)) ||
	    (rc = place(tx, k, ids, n, t->id, t->position)))
		return rc;
	return fl_ruleset_get(tx, k, t->id, a, t);
}

int fl_ruleset_delete(fl_tx *tx, const struct fl_ruleset_kind *k, int64_t id, fl_arena *a)
{
	struct fl_store_rule s;
	int64_t *ids;
	size_t n;
	int rc = fl_store_rule_get(tx, k->kind, id, a, &s);

	if (rc || (rc = fl_store_rule_delete(tx, k->kind, id)) ||
	    (rc = all_ids(tx, k, a, &ids, &n)))
		return rc;
	return renumber(tx, k, ids, n);
}

int fl_ruleset_reorder(fl_tx *tx, const struct fl_ruleset_kind *k, const int64_t *want,
		       size_t nwant, fl_arena *a, struct fl_err *e)
{
	char field[64];
	int64_t *ids;
	size_t n;
	int rc = all_ids(tx, k, a, &ids, &n);

	if (rc)
		return rc;
	snprintf(field, sizeof field, "%s_ids", k->one);
	if (nwant != n)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s ids: name every %s (%zu) exactly once", k->One, k->one, n);
	for (size_t i = 0; i < nwant; i++) {
		size_t j = 0, seen = 0;
		while (j < n && ids[j] != want[i])
			j++;
		for (size_t m = 0; m < i; m++)
			seen |= want[m] == want[i];
		if (j == n || seen)
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s ids: %" PRId64 " is not %s, or is named twice",
					  k->One, want[i], k->a_one);
	}
	return renumber(tx, k, want, nwant);
}

/* ---- the parsed active rules each process keeps ---- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fl_ruleset_snapshot *cache[FL_RULE_KIND__MAX];

void fl_ruleset_snapshot_put(struct fl_ruleset_snapshot *s)
{
	int last;
	if (!s)
		return;
	pthread_mutex_lock(&cache_lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&cache_lock);
	if (last) {
		fl_arena_free(&s->arena);
		free(s);
	}
}

void fl_rules_cache_clear(void)
{
	for (int k = 0; k < FL_RULE_KIND__MAX; k++) {
		struct fl_ruleset_snapshot *s;
		pthread_mutex_lock(&cache_lock);
		s = cache[k];
		cache[k] = NULL;
		pthread_mutex_unlock(&cache_lock);
		fl_ruleset_snapshot_put(s);
	}
}

static int uses_facts(const struct fl_rule *r)
{
	for (size_t i = 0; i < r->nall + r->nany; i++) {
		int f = i < r->nall ? r->all[i].field : r->any[i - r->nall].field;
		if (f == FL_RF_REQUESTER_TIER || f == FL_RF_ORGANIZATION_TIER ||
		    f == FL_RF_ENTITLEMENT)
			return 1;
	}
	return 0;
}

int fl_ruleset_snapshot_get(fl_tx *tx, const struct fl_ruleset_kind *k,
			    struct fl_ruleset_snapshot **out)
{
	struct fl_ruleset_snapshot *s;
	int64_t version;
	int rc = fl_store_rule_version(tx, k->kind, &version);

	if (rc)
		return rc;
	pthread_mutex_lock(&cache_lock);
	if ((s = cache[k->kind]) && s->version == version)
		s->refs++;
	else
		s = NULL;
	pthread_mutex_unlock(&cache_lock);
	if (s) {
		*out = s;
		return 0;
	}
	if (!(s = calloc(1, sizeof *s)))
		return FL_ENOMEM;
	fl_arena_init(&s->arena, 0);
	s->version = version;
	s->refs = 1;
	if ((rc = fl_ruleset_list(tx, k, 1, &s->arena, &s->t, &s->n))) {
		fl_arena_free(&s->arena);
		free(s);
		return rc;
	}
	for (size_t i = 0; i < s->n; i++)
		s->needs_facts |= uses_facts(&s->t[i].rule);
	pthread_mutex_lock(&cache_lock);
	if (!cache[k->kind] || cache[k->kind]->version != version) {
		struct fl_ruleset_snapshot *old = cache[k->kind];
		cache[k->kind] = s;
		s->refs++; /* the cache's */
		if (old && --old->refs == 0) {
			fl_arena_free(&old->arena);
			free(old);
		}
	}
	pthread_mutex_unlock(&cache_lock);
	*out = s;
	return 0;
}
