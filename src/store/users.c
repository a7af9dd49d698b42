/* Queries about people: users, identities, organizations, groups, API
 * tokens, sessions and settings. */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/settings.h"
#include "store/store_int.h"
#include "store/users.h"

#define USER_COLS                                                          \
	"id, role, name, email, phone, organization_id, locale, time_zone, " \
	"notes, details, tags, password_hash, must_change_password, active, " \
	"suspended, created_at, updated_at, last_login_at"

static int read_user(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_user *u = row;
	int err = 0;
	u->id = fl_col_int(tx, st, 0);
	u->role = (int)fl_col_int(tx, st, 1);
	u->name = fl_col_text(tx, st, 2, a, &err);
	u->email = fl_col_text(tx, st, 3, a, &err);
	u->phone = fl_col_text(tx, st, 4, a, &err);
	u->organization_id = fl_col_int(tx, st, 5);
	u->locale = fl_col_text(tx, st, 6, a, &err);
	u->time_zone = fl_col_text(tx, st, 7, a, &err);
	u->notes = fl_col_text(tx, st, 8, a, &err);
	u->details = fl_col_text(tx, st, 9, a, &err);
	u->tags = fl_col_text(tx, st, 10, a, &err);
	u->password_hash = fl_col_text(tx, st, 11, a, &err);
	u->must_change_password = (int)fl_col_int(tx, st, 12);
	u->active = (int)fl_col_int(tx, st, 13);
	u->suspended = (int)fl_col_int(tx, st, 14);
	u->created_at = fl_col_int(tx, st, 15);
	u->updated_at = fl_col_int(tx, st, 16);
	u->last_login_at = fl_col_int(tx, st, 17);
	return err;
}

static int one_user(fl_tx *tx, const char *sql, fl_arena *a, struct fl_user *out,
		    const char *fmt, ...)
{
	fl_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fl_q_v(tx, sql, 0, &st, fmt, ap);
	va_end(ap);
	return rc ? rc : fl_q_one(tx, st, read_user, a, out, sizeof *out);
}

int fl_store_user_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS
		" FROM users"
		" WHERE id = ?";
	return one_user(tx, sql, a, out, "i", id);
}

int fl_store_user_by_email(fl_tx *tx, const char *email, fl_arena *a,
			   struct fl_user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS
		" FROM users"
		" WHERE id = (SELECT user_id FROM user_identities"
		"             WHERE type = 0 AND value = ?)";
	return one_user(tx, sql, a, out, "t", email);
}

int fl_store_user_insert(fl_tx *tx, struct fl_user *u)
{
	static const char sql[] =
		"INSERT INTO users (role, name, email, phone, organization_id,"
		"                   locale, time_zone, notes, details, tags,"
		"                   password_hash, must_change_password, active,"
		"                   suspended, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &u->id, "itttIttttttiiiii", (int64_t)u->role,
			u->name, u->email, u->phone, u->organization_id,
			u->locale ? u->locale : "en", u->time_zone,
			u->notes ? u->notes : "", u->details ? u->details : "",
			u->tags ? u->tags : "[]", u->password_hash,
			(int64_t)u->must_change_password, (int64_t)u->active,
			(int64_t)u->suspended, u->created_at, u->updated_at);
}

int fl_store_user_update(fl_tx *tx, const struct fl_user *u)
{
	static const char sql[] =
		"UPDATE users"
		" SET role = ?, name = ?, email = ?, phone = ?,"
		"     organization_id = ?, locale = ?, time_zone = ?, notes = ?,"
		"     details = ?, tags = ?, active = ?, suspended = ?,"
		"     updated_at = ?, last_login_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "itttItttttiiiIi", (int64_t)u->role, u->name,
			 u->email, u->phone, u->organization_id,
			 u->locale ? u->locale : "en", u->time_zone,
			 u->notes ? u->notes : "", u->details ? u->details : "",
			 u->tags ? u->tags : "[]", (int64_t)u->active,
			 (int64_t)u->suspended, u->updated_at, u->last_login_at, u->id);
}

int fl_store_user_set_password(fl_tx *tx, int64_t id, const char *hash, int must_change)
{
	static const char sql[] =
		"UPDATE users"
		" SET password_hash = ?, must_change_password = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "tii", hash, (int64_t)must_change, id);
}

int fl_store_user_touch_login(fl_tx *tx, int64_t id, int64_t when)
{
	static const char sql[] =
		"UPDATE users"
		" SET last_login_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ii", when, id);
}

/* "%text%" for LIKE … ESCAPE '\\', with the pattern characters in text
 * escaped; NULL for NULL. */
static int like_pattern(fl_arena *a, const char *text, char **out)
{
	size_t len;
	char *w;

	*out = NULL;
	if (!text)
		return 0;
	len = strlen(text);
	w = *out = fl_arena_alloc(a, 2 * len + 3);
	if (!w)
		return FL_ENOMEM;
	*w++ = '%';
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			*w++ = '\\';
		*w++ = text[i];
	}
	*w++ = '%';
	*w = 0;
	return 0;
}

int fl_store_user_list(fl_tx *tx, int role, const char *text, int64_t org_id,
		       size_t offset, size_t limit, fl_arena *a,
		       struct fl_user **out, size_t *n, int64_t *total)
{
	/* role < 0 and org_id 0 mean "any"; text matches name or e-mail. */
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM users"
		" WHERE active = 1"
		"   AND (? < 0 OR role = ?)"
		"   AND (? = 0 OR organization_id = ?)"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";
	static const char sql[] =
		"SELECT " USER_COLS
		" FROM users"
		" WHERE active = 1"
		"   AND (? < 0 OR role = ?)"
		"   AND (? = 0 OR organization_id = ?)"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	char *like;
	fl_stmt *st;
	int rc = like_pattern(a, text, &like);

	if (rc)
		return rc;
	rc = fl_q_int(tx, sql_count, total, "iiiittt", (int64_t)role, (int64_t)role,
		      org_id, org_id, like, like, like);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "iiiitttii", (int64_t)role, (int64_t)role,
			  org_id, org_id, like, like, like, (int64_t)limit, (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_user, a, sizeof **out, limit, (void **)out, n);
}

int fl_store_user_count(fl_tx *tx, int64_t *n)
{
	return fl_q_int(tx, "SELECT COUNT(*) FROM users", n, "");
}

int fl_store_identity_add(fl_tx *tx, struct fl_identity *id)
{
	static const char sql[] =
		"INSERT INTO user_identities (user_id, type, value, is_primary,"
		"                             verified, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &id->id, "iitiii", id->user_id, (int64_t)id->type,
			id->value, (int64_t)id->primary, (int64_t)id->verified,
			id->created_at);
}

static int read_identity(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_identity *r = row;
	int err = 0;
	r->id = fl_col_int(tx, st, 0);
	r->user_id = fl_col_int(tx, st, 1);
	r->type = (int)fl_col_int(tx, st, 2);
	r->value = fl_col_text(tx, st, 3, a, &err);
	r->primary = (int)fl_col_int(tx, st, 4);
	r->verified = (int)fl_col_int(tx, st, 5);
	r->created_at = fl_col_int(tx, st, 6);
	return err;
}

int fl_store_identity_list(fl_tx *tx, int64_t user_id, fl_arena *a,
			   struct fl_identity **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, user_id, type, value, is_primary, verified, created_at"
		" FROM user_identities"
		" WHERE user_id = ?"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", user_id);
	return rc ? rc : fl_q_rows(tx, st, read_identity, a, sizeof **out, 100, (void **)out, n);
}

/* organizations */

static int read_org(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_org *o = row;
	int err = 0;
	o->id = fl_col_int(tx, st, 0);
	o->name = fl_col_text(tx, st, 1, a, &err);
	o->details = fl_col_text(tx, st, 2, a, &err);
	o->notes = fl_col_text(tx, st, 3, a, &err);
	o->domain_names = fl_col_text(tx, st, 4, a, &err);
	o->tags = fl_col_text(tx, st, 5, a, &err);
	o->created_at = fl_col_int(tx, st, 6);
	o->updated_at = fl_col_int(tx, st, 7);
	return err;
}

int fl_store_org_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_org *out)
{
	static const char sql[] =
		"SELECT id, name, details, notes, domain_names, tags, created_at, updated_at"
		" FROM organizations"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_org, a, out, sizeof *out);
}

int fl_store_org_insert(fl_tx *tx, struct fl_org *o)
{
	static const char sql[] =
		"INSERT INTO organizations (name, details, notes, domain_names, tags,"
		"                           created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &o->id, "tttttii", o->name, o->details ? o->details : "",
			o->notes ? o->notes : "", o->domain_names ? o->domain_names : "[]",
			o->tags ? o->tags : "[]", o->created_at, o->updated_at);
}

int fl_store_org_update(fl_tx *tx, const struct fl_org *o)
{
	static const char sql[] =
		"UPDATE organizations"
		" SET name = ?, details = ?, notes = ?, domain_names = ?, tags = ?,"
		"     updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "tttttii", o->name, o->details, o->notes,
			 o->domain_names, o->tags, o->updated_at, o->id);
}

int fl_store_org_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM organizations"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_org_list(fl_tx *tx, const char *text, size_t offset, size_t limit,
		      fl_arena *a, struct fl_org **out, size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM organizations"
		" WHERE ? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\'";
	static const char sql[] =
		"SELECT id, name, details, notes, domain_names, tags, created_at, updated_at"
		" FROM organizations"
		" WHERE ? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\'"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	char *like;
	fl_stmt *st;
	int rc = like_pattern(a, text, &like);

	if (!rc)
		rc = fl_q_int(tx, sql_count, total, "tt", like, like);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "ttii", like, like, (int64_t)limit, (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_org, a, sizeof **out, limit, (void **)out, n);
}

/* groups */

static int read_group(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_group *g = row;
	int err = 0;
	g->id = fl_col_int(tx, st, 0);
	g->name = fl_col_text(tx, st, 1, a, &err);
	g->description = fl_col_text(tx, st, 2, a, &err);
	g->deleted = (int)fl_col_int(tx, st, 3);
	g->created_at = fl_col_int(tx, st, 4);
	g->updated_at = fl_col_int(tx, st, 5);
	return err;
}

int fl_store_group_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out)
{
	static const char sql[] =
		"SELECT id, name, description, deleted, created_at, updated_at"
		" FROM agent_groups"
		" WHERE id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one(tx, st, read_group, a, out, sizeof *out);
}

int fl_store_group_insert(fl_tx *tx, struct fl_group *g)
{
	static const char sql[] =
		"INSERT INTO agent_groups (name, description, created_at, updated_at)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &g->id, "ttii", g->name,
			g->description ? g->description : "", g->created_at, g->updated_at);
}

int fl_store_group_update(fl_tx *tx, const struct fl_group *g)
{
	static const char sql[] =
		"UPDATE agent_groups"
		" SET name = ?, description = ?, deleted = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiii", g->name, g->description,
			 (int64_t)g->deleted, g->updated_at, g->id);
}

int fl_store_group_list(fl_tx *tx, size_t offset, size_t limit, fl_arena *a,
			struct fl_group **out, size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM agent_groups"
		" WHERE deleted = 0";
	static const char sql[] =
		"SELECT id, name, description, deleted, created_at, updated_at"
		" FROM agent_groups"
		" WHERE deleted = 0"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	fl_stmt *st;
	int rc = fl_q_int(tx, sql_count, total, "");

	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "ii", (int64_t)limit, (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_group, a, sizeof **out, limit, (void **)out, n);
}

int fl_store_group_member_add(fl_tx *tx, int64_t group_id, int64_t user_id)
{
	static const char sql[] =
		"INSERT INTO group_members (group_id, user_id)"
		" VALUES (?, ?)"
		" ON CONFLICT DO NOTHING";
	return fl_q_exec(tx, sql, "ii", group_id, user_id);
}

/* secrets */

static int find_secret(fl_tx *tx, const char *sql, const char *selector,
		       fl_arena *a, struct fl_secret_row *out)
{
	struct fl_secret_row r = {0};
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "t", selector), err = 0;

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		r.id = fl_col_int(tx, st, 0);
		r.user_id = fl_col_int(tx, st, 1);
		r.verifier = fl_col_text(tx, st, 2, a, &err);
		r.csrf = fl_col_text(tx, st, 3, a, &err);
		r.expires_at = fl_col_int(tx, st, 4);
		rc = err;
	} else if (rc == 0) {
		rc = FL_ENOTFOUND;
	}
	fl_q_done(tx, st);
	if (!rc)
		*out = r;
	return rc;
}

int fl_store_token_insert(fl_tx *tx, int64_t user_id, const char *selector,
			  const char *verifier, const char *description, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO api_tokens (user_id, selector, verifier, description, created_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "ittti", user_id, selector, verifier,
			description ? description : "", fl_now());
}

int fl_store_token_find(fl_tx *tx, const char *selector, fl_arena *a,
			struct fl_secret_row *out)
{
	static const char sql[] =
		"SELECT id, user_id, verifier, NULL, 0"
		" FROM api_tokens"
		" WHERE selector = ?";
	return find_secret(tx, sql, selector, a, out);
}

static int read_token(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	struct fl_token_info *t = row;
	int err = 0;
	t->id = fl_col_int(tx, st, 0);
	t->user_id = fl_col_int(tx, st, 1);
	t->description = fl_col_text(tx, st, 2, a, &err);
	t->created_at = fl_col_int(tx, st, 3);
	return err;
}

int fl_store_token_list(fl_tx *tx, int64_t user_id, fl_arena *a,
			struct fl_token_info **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, user_id, description, created_at"
		" FROM api_tokens"
		" WHERE ? = 0 OR user_id = ?"
		" ORDER BY id DESC"
		" LIMIT 1000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", user_id, user_id);
	return rc ? rc : fl_q_rows(tx, st, read_token, a, sizeof **out, 1000, (void **)out, n);
}

int fl_store_token_delete(fl_tx *tx, int64_t id, int64_t user_id)
{
	static const char sql[] =
		"DELETE FROM api_tokens"
		" WHERE id = ? AND (? = 0 OR user_id = ?)"
		" RETURNING id";
	int64_t gone;
	return fl_q_int(tx, sql, &gone, "iii", id, user_id, user_id);
}

int fl_store_session_purge(fl_tx *tx, int64_t now)
{
	static const char sql[] =
		"DELETE FROM sessions"
		" WHERE expires_at < ?";
	return fl_q_exec(tx, sql, "i", now);
}

int fl_store_session_insert(fl_tx *tx, int64_t user_id, const char *selector,
			    const char *verifier, const char *csrf, int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO sessions (user_id, selector, verifier, csrf, created_at, expires_at)"
		" VALUES (?, ?, ?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "itttii", user_id, selector, verifier, csrf, fl_now(),
			 expires_at);
}

int fl_store_session_find(fl_tx *tx, const char *selector, fl_arena *a,
			  struct fl_secret_row *out)
{
	static const char sql[] =
		"SELECT id, user_id, verifier, csrf, expires_at"
		" FROM sessions"
		" WHERE selector = ?";
	return find_secret(tx, sql, selector, a, out);
}

int fl_store_session_delete(fl_tx *tx, const char *selector)
{
	static const char sql[] =
		"DELETE FROM sessions"
		" WHERE selector = ?";
	return fl_q_exec(tx, sql, "t", selector);
}

int fl_store_session_delete_user(fl_tx *tx, int64_t user_id, const char *keep_selector)
{
	static const char sql[] =
		"DELETE FROM sessions"
		" WHERE user_id = ?"
		"   AND selector <> COALESCE(?, '')";
	return fl_q_exec(tx, sql, "it", user_id, keep_selector);
}

/* settings */

int fl_store_setting_get(fl_tx *tx, const char *key, fl_arena *a, char **out)
{
	static const char sql[] =
		"SELECT value"
		" FROM settings"
		" WHERE key = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "t", key), err = 0;
	char *v = NULL;

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1)
		v = fl_col_text(tx, st, 0, a, &err), rc = err;
	else if (rc == 0)
		rc = FL_ENOTFOUND;
	fl_q_done(tx, st);
	if (!rc)
		*out = v;
	return rc;
}

int fl_store_setting_set(fl_tx *tx, const char *key, const char *value)
{
	static const char sql[] =
		"INSERT INTO settings (key, value)"
		" VALUES (?, ?)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	return fl_q_exec(tx, sql, "tt", key, value);
}

int fl_store_group_by_name(fl_tx *tx, const char *name, int64_t *id)
{
	static const char sql[] =
		"SELECT id"
		" FROM agent_groups"
		" WHERE name = ? AND deleted = 0";
	return fl_q_int(tx, sql, id, "t", name);
}

int fl_store_user_absorb(fl_tx *tx, int64_t from, int64_t into)
{
	static const char idents[] =
		"UPDATE user_identities SET user_id = ?, is_primary = 0 WHERE user_id = ?";
	static const char ccs[] =
		"INSERT INTO ticket_collaborators (ticket_id, user_id)"
		" SELECT ticket_id, ? FROM ticket_collaborators"
		" WHERE user_id = ? AND ticket_id NOT IN"
		"       (SELECT ticket_id FROM ticket_collaborators WHERE user_id = ?)";
	static const char drop[] = "DELETE FROM ticket_collaborators WHERE user_id = ?";
	int rc = fl_q_exec(tx, idents, "ii", into, from);
	if (!rc)
		rc = fl_q_exec(tx, ccs, "iii", into, from, into);
	return rc ? rc : fl_q_exec(tx, drop, "i", from);
}

/* search: people found by their fields (GET /api/v2/search type:user) */

int fl_store_user_search(fl_tx *tx, const char *text, const char *email, int role,
			 const char *external_id, size_t offset, size_t limit, fl_arena *a,
			 struct fl_user **out, size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM users"
		" WHERE active = 1"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
		"   AND (? IS NULL OR email = ? OR EXISTS (SELECT 1 FROM user_identities i"
		"        WHERE i.user_id = users.id AND i.type = 0 AND i.value = ?))"
		"   AND (? < 0 OR role = ?)"
		"   AND (? IS NULL OR external_id = ?)";
	static const char sql[] =
		"SELECT " USER_COLS
		" FROM users"
		" WHERE active = 1"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
		"   AND (? IS NULL OR email = ? OR EXISTS (SELECT 1 FROM user_identities i"
		"        WHERE i.user_id = users.id AND i.type = 0 AND i.value = ?))"
		"   AND (? < 0 OR role = ?)"
		"   AND (? IS NULL OR external_id = ?)"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	char *like;
	fl_stmt *st;
	int rc = like_pattern(a, text, &like);

	if (!rc)
		rc = fl_q_int(tx, sql_count, total, "ttttttiitt", like, like, like, email, email,
			      email, (int64_t)role, (int64_t)role, external_id, external_id);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "ttttttiittii", like, like, like, email, email, email,
			  (int64_t)role, (int64_t)role, external_id, external_id, (int64_t)limit,
			  (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_user, a, sizeof **out, limit, (void **)out, n);
}

int fl_store_org_search(fl_tx *tx, const char *text, const char *external_id, size_t offset,
			size_t limit, fl_arena *a, struct fl_org **out, size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM organizations"
		" WHERE (? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\')"
		"   AND (? IS NULL OR external_id = ?)";
	static const char sql[] =
		"SELECT id, name, details, notes, domain_names, tags, created_at, updated_at"
		" FROM organizations"
		" WHERE (? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\')"
		"   AND (? IS NULL OR external_id = ?)"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	char *like;
	fl_stmt *st;
	int rc = like_pattern(a, text, &like);

	if (!rc)
		rc = fl_q_int(tx, sql_count, total, "tttt", like, like, external_id, external_id);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "ttttii", like, like, external_id, external_id,
			  (int64_t)limit, (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_org, a, sizeof **out, limit, (void **)out, n);
}
