/* Customer tiers: their checks and doors (users/tier.h). */
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "sla/policy.h"
#include "store/settings.h"
#include "store/tiers.h"
#include "users/tier.h"

int fl_tier_name_check(const char *name, struct fl_err *e)
{
	size_t n = name ? strlen(name) : 0, blank = 0;

	if (!n)
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	if (n > FL_TIER_NAME_MAX)
		return fl_err_set(e, FL_EINVAL, "name", "TooLong",
				  "Name: is too long (at most %d bytes)", FL_TIER_NAME_MAX);
	if (!fl_utf8_valid(name, n))
		return fl_err_set(e, FL_EINVAL, "name", "InvalidValue", "Name: is not valid UTF-8");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return fl_err_set(e, FL_EINVAL, "name", "InvalidValue",
					  "Name: may not hold control characters");
		blank += c == ' ';
	}
	if (blank == n)
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	return 0;
}

/* The lower case of code point c in the scripts a desk here writes tier
 * names in: ASCII, Latin-1 and Latin Extended-A (Lithuanian's ą č ę ė į š
 * ų ū ž), Greek, Cyrillic (Ukrainian's і ї є ґ included). Others are their
 * own. */
static unsigned fold(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if ((c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 32;
	if (c >= 0x100 && c <= 0x137 && !(c & 1))
		return c + 1;
	if (c >= 0x139 && c <= 0x148 && (c & 1))
		return c + 1;
	if (c >= 0x14A && c <= 0x177 && !(c & 1))
		return c + 1;
	if (c == 0x178)
		return 0xFF;
	if ((c == 0x179 || c == 0x17B || c == 0x17D))
		return c + 1;
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
	     (c >= 0x4D0 && c <= 0x52F)) &&
	    !(c & 1))
		return c + 1;
	return c;
}

int fl_tier_name_key(const char *name, fl_arena *a, char **out)
{
	size_t n = strlen(name), k = 0;
	/* folding never makes a character longer in UTF-8 here: each pair
	 * is in the same range of lengths */
	char *w = fl_arena_alloc(a, n + 1);
	const unsigned char *p = (const unsigned char *)name;

	if (!w)
		return FL_ENOMEM;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], len = 1;
		if (c >= 0xC0 && c < 0xE0 && i + 1 < n) {
			c = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F);
			len = 2;
		}
		if (len == 1 || c < 0x80) {
			/* ASCII, or a longer sequence: copied byte by byte */
			w[k++] = (char)(p[i] < 0x80 ? fold(p[i]) : p[i]);
			i++;
			continue;
		}
		c = fold(c);
		w[k++] = (char)(0xC0 | (c >> 6));
		w[k++] = (char)(0x80 | (c & 0x3F));
		i += 2;
	}
	w[k] = 0;
	*out = w;
	return 0;
}

/* The tiers in order, without t->id when it is one of them, with t at
 * place pos (1-based; 0 or past the end: last), each given its new
 * position; those whose position moved are written (t itself is the
 * caller's to write). */
static int place(fl_tx *tx, struct fl_tier *t, int64_t pos, fl_arena *a)
{
	struct fl_tier *all;
	size_t n, k = 0;
	int rc = fl_store_tier_list(tx, 0, a, &all, &n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (all[i].id != t->id)
			all[k++] = all[i];
	if (pos <= 0 || pos > (int64_t)k + 1)
		pos = (int64_t)k + 1;
	t->position = pos;
	for (size_t i = 0; i < k; i++) {
		int64_t want = (int64_t)i + 1 < pos ? (int64_t)i + 1 : (int64_t)i + 2;
		if (all[i].position != want &&
		    (rc = fl_store_tier_set_position(tx, all[i].id, want)))
			return rc;
	}
	return 0;
}

static int name_taken(int rc, const char *name, struct fl_err *e)
{
	if (rc != FL_ECONFLICT)
		return rc;
	return fl_err_set(e, FL_EDUPLICATE, "name", "DuplicateValue",
			  "Name: a tier called %.64s already exists", name);
}

int fl_tier_create(fl_tx *tx, struct fl_tier *t, fl_arena *a, struct fl_err *e)
{
	int64_t n;
	char *key;
	int rc = fl_tier_name_check(t->name, e);

	if (rc || (rc = fl_tier_name_key(t->name, a, &key)) ||
	    (rc = fl_store_limit_lock(tx, "tiers")) || (rc = fl_store_tier_count(tx, &n)))
		return rc;
	if (n >= FL_TIERS_MAX)
		return fl_err_set(e, FL_EINVAL, "tier", "TooLong", "A desk keeps at most %d tiers",
				  FL_TIERS_MAX);
	t->id = 0;
	if ((rc = place(tx, t, t->position, a)))
		return rc;
	t->created_at = t->updated_at = fl_now();
	return name_taken(fl_store_tier_insert(tx, t, key), t->name, e);
}

int fl_tier_update(fl_tx *tx, struct fl_tier *t, fl_arena *a, struct fl_err *e)
{
	char *key;
	int rc = fl_tier_name_check(t->name, e);

	if (rc || (rc = fl_tier_name_key(t->name, a, &key)))
		return rc;
	if (t->position && (rc = place(tx, t, t->position, a)))
		return rc;
	t->updated_at = fl_now();
	return name_taken(fl_store_tier_update(tx, t, key), t->name, e);
}

/* Whether condition list c[0..n) names tier id. */
static int names_tier(const struct fl_sla_condition *c, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if ((c[i].field == FL_SLA_F_REQUESTER_TIER ||
		     c[i].field == FL_SLA_F_ORGANIZATION_TIER) &&
		    c[i].value == id)
			return 1;
	return 0;
}

int fl_tier_delete(fl_tx *tx, int64_t id, fl_arena *a, struct fl_err *e)
{
	struct fl_sla_policy *p;
	struct fl_tier t;
	size_t n;
	int rc = fl_store_tier_get(tx, id, a, &t);

	if (rc || (rc = fl_sla_policy_list(tx, a, &p, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		if (names_tier(p[i].filter.all, p[i].filter.nall, id) ||
		    names_tier(p[i].filter.any, p[i].filter.nany, id))
			return fl_err_set(e, FL_EINVAL, "id", "InUse",
					  "Tier: the SLA policy '%.100s' selects tickets by it",
					  p[i].title);
	if ((rc = fl_store_tier_delete(tx, id, fl_now())))
		return rc;
	/* close the gap: the others keep their order */
	t.id = 0;
	return place(tx, &t, 0, a);
}

int fl_tier_exists(fl_tx *tx, int64_t id, const char *field, struct fl_err *e)
{
	int rc = id ? fl_store_tier_exists(tx, id) : 0;

	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: there is no tier %lld",
				  field, (long long)id);
	return rc;
}
