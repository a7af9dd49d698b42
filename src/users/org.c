/* Organizations: the rules of creating and changing one (users/user.h). */

#include "core/time.h"
#include "store/users.h"
#include "users/tier.h"
#include "users/user.h"

/* The checks both doors make: a name, when given, is not blank. */
static int org_patch_check(const struct fl_org_patch *p, int creating, struct fl_err *e)
{
	if ((creating || p->has_name) && (!p->name || !*p->name))
		return fl_err_set(e, FL_EINVAL, "name", "Blank", "Name: cannot be blank");
	return 0;
}

/* FL_EDUPLICATE naming "name" for the store's uniqueness conflict. */
static int name_taken(int rc, const char *name, struct fl_err *e)
{
	if (rc != FL_ECONFLICT)
		return rc;
	return fl_err_set(e, FL_EDUPLICATE, "name", "DuplicateValue",
			  "Name: %s has already been taken", name);
}

int fl_org_add(struct fl_tx *tx, const struct fl_org_patch *p, struct fl_org *out, struct fl_err *e)
{
	struct fl_org o = {0};
	int rc = org_patch_check(p, 1, e);

	if (rc)
		return rc;
	o.name = (char *)p->name;
	o.details = (char *)p->details;
	o.notes = (char *)p->notes;
	o.domain_names = (char *)p->domain_names;
	o.tags = (char *)p->tags;
	o.tier_id = p->has_tier ? p->tier_id : 0;
	if ((rc = fl_external_id_check(tx, 1, p->external_id, 0, &o.external_id, e)) ||
	    (rc = fl_tier_exists(tx, o.tier_id, "tier_id", e)))
		return rc;
	o.created_at = o.updated_at = fl_now();
	if ((rc = name_taken(fl_store_org_insert(tx, &o), o.name, e)))
		return rc;
	*out = o;
	return 0;
}

int fl_org_edit(struct fl_tx *tx, int64_t id, const struct fl_org_patch *p, fl_arena *a,
		struct fl_org *out, struct fl_err *e)
{
	struct fl_org o;
	int rc = org_patch_check(p, 0, e);

	if (rc || (rc = fl_store_org_get(tx, id, a, &o)))
		return rc;
	if (p->has_name)
		o.name = (char *)p->name;
	if (p->has_details)
		o.details = (char *)(p->details ? p->details : "");
	if (p->has_notes)
		o.notes = (char *)(p->notes ? p->notes : "");
	if (p->has_domains)
		o.domain_names = (char *)(p->domain_names ? p->domain_names : "[]");
	if (p->has_tags)
		o.tags = (char *)(p->tags ? p->tags : "[]");
	if (p->has_external_id &&
	    (rc = fl_external_id_check(tx, 1, p->external_id, o.id, &o.external_id, e)))
		return rc;
	if (p->has_tier) {
		if ((rc = fl_tier_exists(tx, p->tier_id, "tier_id", e)))
			return rc;
		o.tier_id = p->tier_id;
	}
	o.updated_at = fl_now();
	if ((rc = name_taken(fl_store_org_update(tx, &o), o.name, e)))
		return rc;
	*out = o;
	return 0;
}

int fl_org_remove(struct fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_org o;
	int rc = fl_store_org_get(tx, id, a, &o);
	return rc ? rc : fl_store_org_delete(tx, id);
}
