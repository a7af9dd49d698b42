/* Queries about people: users, identities, organizations, groups, API
 * tokens, sessions and settings. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/settings.h"
#include "store/store_int.h"
#include "store/users.h"

/* The columns of users, in the order of every SELECT of a user. */
#define USER_COLUMNS(X, S)                                                               \
	X(id, "id")                                                                      \
	S X(role, "role") S X(name, "name") S X(email, "email") S X(phone, "phone") S X( \
		organization_id, "organization_id") S                                    \
	X(tier_id, "tier_id") S                                                          \
	X(locale, "locale") S                                                            \
	X(time_zone, "time_zone") S                                                      \
	X(notes, "notes") S                                                              \
	X(details, "details") S                                                          \
	X(tags, "tags") S                                                                \
	X(external_id, "external_id") S                                                  \
	X(password_hash, "password_hash") S                                              \
	X(must_change_password, "must_change_password") S                                \
	X(active, "active") S                                                            \
	X(suspended, "suspended") S                                                      \
	X(created_at, "created_at") S                                                    \
	X(updated_at, "updated_at") S                                                    \
	X(last_login_at, "last_login_at")
#define USER_COLUMN(m, expr) FL_COLUMN(struct fl_user, m)
static const struct fl_col user_col[] = {USER_COLUMNS(USER_COLUMN, FL_COMMA)};
static const struct fl_cols user_cols = FL_COLS(struct fl_user, user_col);

static int read_user(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	return fl_cols_read(tx, st, &user_cols, a, row);
}

static int one_user(fl_tx *tx, const char *sql, fl_arena *a, struct fl_user *out, const char *fmt,
		    ...)
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
		"SELECT " FL_COLUMNS_SQL(USER_COLUMNS)
		" FROM users"
		" WHERE id = ?";
	return one_user(tx, sql, a, out, "i", id);
}

int fl_store_user_by_email(fl_tx *tx, const char *email, fl_arena *a, struct fl_user *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(USER_COLUMNS)
		" FROM users"
		" WHERE id = (SELECT user_id FROM user_identities"
		"             WHERE type = 0 AND value = ?)";
	return one_user(tx, sql, a, out, "t", email);
}

int fl_store_user_insert(fl_tx *tx, struct fl_user *u)
{
	static const char sql[] =
		"INSERT INTO users (role, name, email, phone, organization_id, tier_id,"
		"                   locale, time_zone, notes, details, tags, external_id,"
		"                   password_hash, must_change_password, active,"
		"                   suspended, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &u->id, "itttIItttttttiiiii", (int64_t)u->role, u->name, u->email,
			u->phone, u->organization_id, u->tier_id, u->locale ? u->locale : "en",
			u->time_zone, u->notes ? u->notes : "", u->details ? u->details : "",
			u->tags ? u->tags : "[]", u->external_id, u->password_hash,
			(int64_t)u->must_change_password, (int64_t)u->active, (int64_t)u->suspended,
			u->created_at, u->updated_at);
}

int fl_store_user_update(fl_tx *tx, const struct fl_user *u)
{
	static const char sql[] =
		"UPDATE users"
		" SET role = ?, name = ?, email = ?, phone = ?,"
		"     organization_id = ?, tier_id = ?, locale = ?, time_zone = ?, notes = ?,"
		"     details = ?, tags = ?, external_id = ?, active = ?, suspended = ?,"
		"     updated_at = ?, last_login_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "itttIIttttttiiiIi", (int64_t)u->role, u->name, u->email,
			 u->phone, u->organization_id, u->tier_id, u->locale ? u->locale : "en",
			 u->time_zone, u->notes ? u->notes : "", u->details ? u->details : "",
			 u->tags ? u->tags : "[]", u->external_id, (int64_t)u->active,
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

int fl_store_user_list(fl_tx *tx, const struct fl_user_filter *f, size_t offset, size_t limit,
		       fl_arena *a, struct fl_user **out, size_t *n, int64_t *total)
{
	/* a role of -1 matches nobody: with roles 0 every role matches */
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM users"
		" WHERE active = 1"
		"   AND (? = 0 OR role IN (?, ?, ?, ?))"
		"   AND (? = 0 OR organization_id = ?)"
		"   AND (? IS NULL OR lower(external_id) = lower(?))"
		"   AND (? IS NULL OR email = ? OR EXISTS (SELECT 1 FROM user_identities i"
		"        WHERE i.user_id = users.id AND i.type = 0 AND i.value = ?))"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(USER_COLUMNS)
		" FROM users"
		" WHERE active = 1"
		"   AND (? = 0 OR role IN (?, ?, ?, ?))"
		"   AND (? = 0 OR organization_id = ?)"
		"   AND (? IS NULL OR lower(external_id) = lower(?))"
		"   AND (? IS NULL OR email = ? OR EXISTS (SELECT 1 FROM user_identities i"
		"        WHERE i.user_id = users.id AND i.type = 0 AND i.value = ?))"
		"   AND (? IS NULL OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
		" ORDER BY id"
		" LIMIT ? OFFSET ?";
	int64_t role[FL_ROLE__MAX];
	char *like;
	fl_stmt *st;
	int rc = like_pattern(a, f->text, &like);

	if (rc)
		return rc;
	for (int i = 0; i < FL_ROLE__MAX; i++)
		role[i] = f->roles & (1u << i) ? i : -1;
	rc = fl_q_int(tx, sql_count, total, "iiiiiiitttttttt", (int64_t)f->roles, role[0], role[1],
		      role[2], role[3], f->org_id, f->org_id, f->external_id, f->external_id,
		      f->email, f->email, f->email, like, like, like);
	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "iiiiiiittttttttii", (int64_t)f->roles, role[0], role[1],
			  role[2], role[3], f->org_id, f->org_id, f->external_id, f->external_id,
			  f->email, f->email, f->email, like, like, like, (int64_t)limit,
			  (int64_t)offset);
	return rc ? rc : fl_q_rows(tx, st, read_user, a, sizeof **out, limit, (void **)out, n);
}

int fl_store_user_count(fl_tx *tx, int64_t *n)
{
	/* people: not the desk itself (FL_SYSTEM_USER_ID) */
	return fl_q_int(tx, "SELECT COUNT(*) FROM users WHERE id > 0", n, "");
}

int fl_store_identity_add(fl_tx *tx, struct fl_identity *id)
{
	static const char sql[] =
		"INSERT INTO user_identities (user_id, type, value, is_primary,"
		"                             verified, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &id->id, "iitiii", id->user_id, (int64_t)id->type, id->value,
			(int64_t)id->primary, (int64_t)id->verified, id->created_at);
}

/* The columns of user_identities, in the order of every SELECT of one. */
#define IDENTITY_COLUMNS(X, S)                                                                     \
	X(id, "id")                                                                                \
	S X(user_id, "user_id") S X(type, "type") S X(value, "value") S X(primary, "is_primary") S \
	X(verified, "verified") S                                                                  \
	X(created_at, "created_at")
#define IDENTITY_COLUMN(m, expr) FL_COLUMN(struct fl_identity, m)
static const struct fl_col identity_col[] = {IDENTITY_COLUMNS(IDENTITY_COLUMN, FL_COMMA)};
static const struct fl_cols identity_cols = FL_COLS(struct fl_identity, identity_col);

static int read_identity(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	return fl_cols_read(tx, st, &identity_cols, a, row);
}

int fl_store_identity_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_identity **out,
			   size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(IDENTITY_COLUMNS)
		" FROM user_identities"
		" WHERE user_id = ?"
		" ORDER BY id"
		" LIMIT 100";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", user_id);
	return rc ? rc : fl_q_rows(tx, st, read_identity, a, sizeof **out, 100, (void **)out, n);
}

/* organizations */

/* The columns of organizations, in the order of every SELECT of one. */
#define ORG_COLUMNS(X, S)                                                                   \
	X(id, "id")                                                                         \
	S X(name, "name") S X(details, "details") S X(notes, "notes") S X(domain_names,     \
									  "domain_names") S \
	X(tags, "tags") S                                                                   \
	X(external_id, "external_id") S                                                     \
	X(tier_id, "tier_id") S                                                             \
	X(created_at, "created_at") S                                                       \
	X(updated_at, "updated_at")
#define ORG_COLUMN(m, expr) FL_COLUMN(struct fl_org, m)
static const struct fl_col org_col[] = {ORG_COLUMNS(ORG_COLUMN, FL_COMMA)};
static const struct fl_cols org_cols = FL_COLS(struct fl_org, org_col);

static int read_org(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	return fl_cols_read(tx, st, &org_cols, a, row);
}

int fl_store_org_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_org *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ORG_COLUMNS)
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
		"                           external_id, tier_id, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &o->id, "ttttttIii", o->name, o->details ? o->details : "",
			o->notes ? o->notes : "", o->domain_names ? o->domain_names : "[]",
			o->tags ? o->tags : "[]", o->external_id, o->tier_id, o->created_at,
			o->updated_at);
}

int fl_store_org_update(fl_tx *tx, const struct fl_org *o)
{
	static const char sql[] =
		"UPDATE organizations"
		" SET name = ?, details = ?, notes = ?, domain_names = ?, tags = ?,"
		"     external_id = ?, tier_id = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttttttIii", o->name, o->details, o->notes, o->domain_names,
			 o->tags, o->external_id, o->tier_id, o->updated_at, o->id);
}

int fl_store_org_delete(fl_tx *tx, int64_t id)
{
	static const char sql[] =
		"DELETE FROM organizations"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "i", id);
}

int fl_store_org_list(fl_tx *tx, const char *text, const char *external_id, size_t offset,
		      size_t limit, fl_arena *a, struct fl_org **out, size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM organizations"
		" WHERE (? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\')"
		"   AND (? IS NULL OR lower(external_id) = lower(?))";
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ORG_COLUMNS)
		" FROM organizations"
		" WHERE (? IS NULL OR lower(name) LIKE lower(?) ESCAPE '\\')"
		"   AND (? IS NULL OR lower(external_id) = lower(?))"
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

/* groups */

/* The columns of agent_groups, in the order of every SELECT of one. */
#define GROUP_COLUMNS(X, S)                                                            \
	X(id, "id")                                                                    \
	S X(name, "name") S X(description, "description") S X(deleted, "deleted") S X( \
		created_at, "created_at") S                                            \
	X(updated_at, "updated_at")
#define GROUP_COLUMN(m, expr) FL_COLUMN(struct fl_group, m)
static const struct fl_col group_col[] = {GROUP_COLUMNS(GROUP_COLUMN, FL_COMMA)};
static const struct fl_cols group_cols = FL_COLS(struct fl_group, group_col);

static int read_group(fl_tx *tx, fl_stmt *st, fl_arena *a, void *row)
{
	return fl_cols_read(tx, st, &group_cols, a, row);
}

int fl_store_group_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_group *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(GROUP_COLUMNS)
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
	return fl_q_int(tx, sql, &g->id, "ttii", g->name, g->description ? g->description : "",
			g->created_at, g->updated_at);
}

int fl_store_group_update(fl_tx *tx, const struct fl_group *g)
{
	static const char sql[] =
		"UPDATE agent_groups"
		" SET name = ?, description = ?, deleted = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttiii", g->name, g->description, (int64_t)g->deleted,
			 g->updated_at, g->id);
}

int fl_store_group_list(fl_tx *tx, size_t offset, size_t limit, fl_arena *a, struct fl_group **out,
			size_t *n, int64_t *total)
{
	static const char sql_count[] =
		"SELECT COUNT(*)"
		" FROM agent_groups"
		" WHERE deleted = 0";
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(GROUP_COLUMNS)
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

static int find_secret(fl_tx *tx, const char *sql, const char *selector, fl_arena *a,
		       struct fl_secret_row *out)
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

int fl_store_token_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *verifier,
			  const char *description, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO api_tokens (user_id, selector, verifier, description, created_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "ittti", user_id, selector, verifier,
			description ? description : "", fl_now());
}

int fl_store_token_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_secret_row *out)
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

int fl_store_token_list(fl_tx *tx, int64_t user_id, fl_arena *a, struct fl_token_info **out,
			size_t *n)
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

int fl_store_session_insert(fl_tx *tx, int64_t user_id, const char *selector, const char *verifier,
			    const char *csrf, int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO sessions (user_id, selector, verifier, csrf, created_at, expires_at)"
		" VALUES (?, ?, ?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "itttii", user_id, selector, verifier, csrf, fl_now(),
			 expires_at);
}

int fl_store_session_find(fl_tx *tx, const char *selector, fl_arena *a, struct fl_secret_row *out)
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
	return fl_q_text(tx, sql, a, out, "t", key);
}

int fl_store_setting_set(fl_tx *tx, const char *key, const char *value)
{
	static const char sql[] =
		"INSERT INTO settings (key, value)"
		" VALUES (?, ?)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	return fl_q_exec(tx, sql, "tt", key, value);
}

int fl_store_limit_lock(fl_tx *tx, const char *kind)
{
	char key[64];
	snprintf(key, sizeof key, "limit.%s", kind);
	return fl_store_setting_set(tx, key, "");
}

int fl_store_pref_get(fl_tx *tx, int64_t user_id, const char *name, fl_arena *a, char **value)
{
	static const char sql[] =
		"SELECT value"
		" FROM user_preferences"
		" WHERE user_id = ? AND name = ?";
	return fl_q_text(tx, sql, a, value, "it", user_id, name);
}

int fl_store_pref_set(fl_tx *tx, int64_t user_id, const char *name, const char *value)
{
	static const char sql[] =
		"INSERT INTO user_preferences (user_id, name, value)"
		" VALUES (?, ?, ?)"
		" ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value";
	return fl_q_exec(tx, sql, "itt", user_id, name, value);
}

int fl_store_group_by_name(fl_tx *tx, const char *name, int64_t *id)
{
	static const char sql[] =
		"SELECT id"
		" FROM agent_groups"
		" WHERE name = ? AND deleted = 0";
	return fl_q_int(tx, sql, id, "t", name);
}

int fl_store_user_absorb(fl_tx *tx, int64_t from, int64_t into, int64_t now)
{
	static const char idents[] =
		"UPDATE user_identities SET user_id = ?, is_primary = 0 WHERE user_id = ?";
	/* the tickets whose CCs change are written now: their stamp moves as
	 * tickets/ticket.c moves it, so that a safe_update made on the old
	 * CCs is refused */
	static const char touch[] =
		"UPDATE tickets"
		" SET updated_at = ?,"
		"     updated_stamp = CASE WHEN updated_stamp < ? THEN ? ELSE updated_stamp + 1 END"
		" WHERE id IN (SELECT ticket_id FROM ticket_collaborators WHERE user_id = ?)";
	static const char ccs[] =
		"INSERT INTO ticket_collaborators (ticket_id, user_id)"
		" SELECT ticket_id, ? FROM ticket_collaborators"
		" WHERE user_id = ? AND ticket_id NOT IN"
		"       (SELECT ticket_id FROM ticket_collaborators WHERE user_id = ?)";
	static const char drop[] = "DELETE FROM ticket_collaborators WHERE user_id = ?";
	int rc = fl_q_exec(tx, idents, "ii", into, from);
	if (!rc)
		rc = fl_q_exec(tx, touch, "iiii", now, now * 1000, now * 1000, from);
	if (!rc)
		rc = fl_q_exec(tx, ccs, "iii", into, from, into);
	return rc ? rc : fl_q_exec(tx, drop, "i", from);
}

int fl_store_user_by_external_id(fl_tx *tx, const char *external_id, int64_t *id)
{
	static const char sql[] =
		"SELECT id"
		" FROM users"
		" WHERE lower(external_id) = lower(?)";
	return fl_q_int(tx, sql, id, "t", external_id);
}

int fl_store_org_by_external_id(fl_tx *tx, const char *external_id, int64_t *id)
{
	static const char sql[] =
		"SELECT id"
		" FROM organizations"
		" WHERE lower(external_id) = lower(?)";
	return fl_q_int(tx, sql, id, "t", external_id);
}
