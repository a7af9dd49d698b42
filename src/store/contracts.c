/* Queries about service contracts (store/contracts.h). */

#include "store/contracts.h"
#include "store/store_int.h"

/* kind is kept by name (the table's CHECK holds the names) and read as
 * enum fl_contract_kind, in the order of its values. */
#define CONTRACT_COLUMNS(X, S)                                                                    \
	X(id, "id")                                                                               \
	S X(user_id, "user_id") S X(organization_id, "organization_id") S X(product, "product") S \
	X(level, "level") S                                                                       \
	X(kind,                                                                                   \
	  "CASE kind WHEN 'warranty' THEN 0"                                                      \
	  " WHEN 'contract' THEN 1 ELSE 2 END") S                                                 \
	X(provider, "provider") S                                                                 \
	X(starts_on, "starts_on") S                                                               \
	X(ends_on, "ends_on") S                                                                   \
	X(notes, "notes") S                                                                       \
	X(created_at, "created_at") S                                                             \
	X(updated_at, "updated_at")
#define CONTRACT_COLUMN(m, expr) FL_COLUMN(struct fl_contract, m)
static const struct fl_col contract_col[] = {CONTRACT_COLUMNS(CONTRACT_COLUMN, FL_COMMA)};
static const struct fl_cols contract_cols = FL_COLS(struct fl_contract, contract_col);

int fl_store_contract_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_contract *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(CONTRACT_COLUMNS)
		" FROM service_contracts"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &contract_cols, a, out);
}

int fl_store_contract_list(fl_tx *tx, const struct fl_store_contract_filter *f, size_t offset,
			   size_t limit, fl_arena *a, struct fl_contract **out, size_t *n,
			   int64_t *total)
{
	/* one statement an owner kind, each on its own index (an OR of owners
	 * would read every contract); the days are the same four binds in
	 * each */
	static const char by_user_count[] =
		"SELECT COUNT(*)"
		" FROM service_contracts"
		" WHERE user_id = ?"
		"   AND ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?";
	static const char by_user[] =
		"SELECT " FL_COLUMNS_SQL(CONTRACT_COLUMNS)
		" FROM service_contracts"
		" WHERE user_id = ?"
		"   AND ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?"
		" ORDER BY ends_on, id"
		" LIMIT ? OFFSET ?";
	static const char by_org_count[] =
		"SELECT COUNT(*)"
		" FROM service_contracts"
		" WHERE organization_id = ?"
		"   AND ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?";
	static const char by_org[] =
		"SELECT " FL_COLUMNS_SQL(CONTRACT_COLUMNS)
		" FROM service_contracts"
		" WHERE organization_id = ?"
		"   AND ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?"
		" ORDER BY ends_on, id"
		" LIMIT ? OFFSET ?";
	static const char all_count[] =
		"SELECT COUNT(*)"
		" FROM service_contracts"
		" WHERE ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?";
	static const char all[] =
		"SELECT " FL_COLUMNS_SQL(CONTRACT_COLUMNS)
		" FROM service_contracts"
		" WHERE ends_on BETWEEN ? AND ?"
		"   AND starts_on BETWEEN ? AND ?"
		" ORDER BY ends_on, id"
		" LIMIT ? OFFSET ?";
	int64_t e0 = f->ends_from, e1 = f->ends_to, s0 = f->starts_from, s1 = f->starts_to;
	int64_t lim = (int64_t)limit, off = (int64_t)offset;
	fl_stmt *st;
	int rc;

	if (f->user_id) {
		rc = fl_q_int(tx, by_user_count, total, "iiiii", f->user_id, e0, e1, s0, s1);
		if (!rc)
			rc = fl_q(tx, by_user, 0, &st, "iiiiiii", f->user_id, e0, e1, s0, s1, lim,
				  off);
	} else if (f->organization_id) {
		rc = fl_q_int(tx, by_org_count, total, "iiiii", f->organization_id, e0, e1, s0, s1);
		if (!rc)
			rc = fl_q(tx, by_org, 0, &st, "iiiiiii", f->organization_id, e0, e1, s0, s1,
				  lim, off);
	} else {
		rc = fl_q_int(tx, all_count, total, "iiii", e0, e1, s0, s1);
		if (!rc)
			rc = fl_q(tx, all, 0, &st, "iiiiii", e0, e1, s0, s1, lim, off);
	}
	return rc ? rc : fl_q_rows_cols(tx, st, &contract_cols, a, limit, (void **)out, n);
}

int fl_store_contract_count(fl_tx *tx, int64_t user_id, int64_t organization_id, int64_t *n)
{
	static const char by_user[] =
		"SELECT COUNT(*)"
		" FROM service_contracts"
		" WHERE user_id = ?";
	static const char by_org[] =
		"SELECT COUNT(*)"
		" FROM service_contracts"
		" WHERE organization_id = ?";
	return user_id ? fl_q_int(tx, by_user, n, "i", user_id)
		       : fl_q_int(tx, by_org, n, "i", organization_id);
}

int fl_store_contract_insert(fl_tx *tx, struct fl_contract *c)
{
	static const char sql[] =
		"INSERT INTO service_contracts (user_id, organization_id, product, level, kind,"
		" provider, starts_on, ends_on, notes, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &c->id, "IIttttiitii", c->user_id, c->organization_id, c->product,
			c->level ? c->level : "", fl_contract_kind_name(c->kind),
			c->provider ? c->provider : "", (int64_t)c->starts_on, (int64_t)c->ends_on,
			c->notes ? c->notes : "", c->created_at, c->updated_at);
}

int fl_store_contract_update(fl_tx *tx, const struct fl_contract *c)
{
	static const char sql[] =
		"UPDATE service_contracts"
		" SET user_id = ?, organization_id = ?, product = ?, level = ?, kind = ?,"
		"     provider = ?, starts_on = ?, ends_on = ?, notes = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "IIttttiitii", c->user_id, c->organization_id, c->product,
			 c->level ? c->level : "", fl_contract_kind_name(c->kind),
			 c->provider ? c->provider : "", (int64_t)c->starts_on, (int64_t)c->ends_on,
			 c->notes ? c->notes : "", c->updated_at, c->id);
}

int fl_store_contract_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM service_contracts"
		" WHERE id = ?"
		" RETURNING id";
	int64_t gone;
	return fl_q_int(tx, sql, &gone, "i", id);
}

int fl_store_contract_coverage(fl_tx *tx, int64_t user_id, int64_t organization_id, int32_t day,
			       int *out)
{
	/* each owner term on its own index (SQLite's OR-by-union, a bitmap OR
	 * on PostgreSQL); a NULL organization matches nothing */
	static const char sql[] =
		"SELECT COALESCE(MAX(CASE WHEN ends_on < ? THEN 1"
		"                         WHEN starts_on <= ? THEN 2"
		"                         ELSE 0 END), 0)"
		" FROM service_contracts"
		" WHERE user_id = ?"
		"    OR organization_id = ?"
		"    OR organization_id = (SELECT organization_id FROM users WHERE id = ?)";
	int64_t best;
	int rc = fl_q_int(tx, sql, &best, "iiiIi", (int64_t)day, (int64_t)day, user_id,
			  organization_id, user_id);
	if (!rc)
		*out = (int)best;
	return rc;
}
