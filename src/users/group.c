/* Groups of agents: the rules of creating and changing one (users/user.h). */
#include "core/time.h"
#include "store/users.h"
#include "users/user.h"

static int group_patch_check(const struct fl_group_patch *p, int creating, struct fl_err *e)
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

int fl_group_add(struct fl_tx *tx, const struct fl_group_patch *p, struct fl_group *out,
		 struct fl_err *e)
{
	struct fl_group g = {0};
	int rc = group_patch_check(p, 1, e);

	if (rc)
		return rc;
	g.name = (char *)p->name;
	g.description = (char *)p->description;
	g.created_at = g.updated_at = fl_now();
	if ((rc = name_taken(fl_store_group_insert(tx, &g), g.name, e)))
		return rc;
	*out = g;
	return 0;
}

int fl_group_edit(struct fl_tx *tx, int64_t id, const struct fl_group_patch *p, fl_arena *a,
		  struct fl_group *out, struct fl_err *e)
{
	struct fl_group g;
	int rc = group_patch_check(p, 0, e);

	if (rc || (rc = fl_store_group_get(tx, id, a, &g)))
		return rc;
	if (p->has_name)
		g.name = (char *)p->name;
	if (p->has_description)
		g.description = (char *)(p->description ? p->description : "");
	g.updated_at = fl_now();
	if ((rc = name_taken(fl_store_group_update(tx, &g), g.name, e)))
		return rc;
	*out = g;
	return 0;
}

int fl_group_remove(struct fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out)
{
	struct fl_group g;
	int rc = fl_store_group_get(tx, id, a, &g);

	if (rc)
		return rc;
	g.deleted = 1;
	g.updated_at = fl_now();
	if ((rc = fl_store_group_update(tx, &g)))
		return rc;
	*out = g;
	return 0;
}
