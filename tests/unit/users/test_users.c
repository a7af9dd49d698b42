/* Unit tests for the users domain against a real store in a temporary
 * SQLite file: the rules of src/users/{user,org,group}.c that the API's
 * handlers only call (who may edit whom, deleting oneself, identities on
 * create, duplicates as FL_EDUPLICATE, merging), and the store's user and
 * organization filters (src/store/users.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/random.h"
#include "core/str.h"
#include "store/store.h"
#include "store/users.h"
#include "users/prefs.h"
#include "users/user.h"

static fl_store *g_store;
static struct unit_store g_files;
static fl_arena g_a; /* per test */

static struct fl_actor g_admin = {0, FL_ROLE_ADMIN}; /* a real one after setup */
static struct fl_actor g_agent, g_agent2;

/* One domain call as a write transaction: the operation, its inputs and
 * what it answered. */
struct op {
	int (*fn)(fl_tx *tx, struct op *o);
	struct fl_actor actor;
	int64_t id;
	struct fl_user_patch up;
	struct fl_identity more[4];
	size_t nmore;
	struct fl_org_patch op;
	struct fl_group_patch gp;
	struct fl_identity ident;
	struct fl_user user;
	struct fl_org org;
	struct fl_group group;
	struct fl_err e;
};

static int tx_op(fl_tx *tx, void *arg)
{
	struct op *o = arg;
	return o->fn(tx, o);
}

static int run(struct op *o)
{
	memset(&o->e, 0, sizeof o->e);
	return fl_store_write(g_store, tx_op, o);
}

static int do_user_add(fl_tx *tx, struct op *o)
{
	return fl_user_add(tx, &o->actor, &o->up, o->more, o->nmore, &g_a, &o->user, &o->e);
}

static int do_user_edit(fl_tx *tx, struct op *o)
{
	return fl_user_edit(tx, &o->actor, o->id, &o->up, &g_a, &o->user, &o->e);
}

static int do_user_get(fl_tx *tx, struct op *o)
{
	return fl_user_get(tx, &o->actor, o->id, &g_a, &o->user);
}

static int do_user_deactivate(fl_tx *tx, struct op *o)
{
	return fl_user_deactivate(tx, &o->actor, o->id, &g_a, &o->user, &o->e);
}

static int do_user_merge(fl_tx *tx, struct op *o)
{
	return fl_user_merge(tx, &o->actor, o->id, o->user.id, &g_a, &o->user, &o->e);
}

static int do_identity_add(fl_tx *tx, struct op *o)
{
	return fl_identity_add(tx, &o->actor, &o->ident, &g_a, &o->e);
}

static int do_org_add(fl_tx *tx, struct op *o)
{
	return fl_org_add(tx, &o->op, &o->org, &o->e);
}

static int do_org_edit(fl_tx *tx, struct op *o)
{
	return fl_org_edit(tx, o->id, &o->op, &g_a, &o->org, &o->e);
}

static int do_group_add(fl_tx *tx, struct op *o)
{
	return fl_group_add(tx, &o->gp, &o->group, &o->e);
}

static int do_group_edit(fl_tx *tx, struct op *o)
{
	return fl_group_edit(tx, o->id, &o->gp, &g_a, &o->group, &o->e);
}

static int do_group_remove(fl_tx *tx, struct op *o)
{
	return fl_group_remove(tx, o->id, &g_a, &o->group);
}

/* A fresh address (a random part, so tests never collide), in g_a. */
static char *fresh_email(const char *who)
{
	char hex[9], buf[96];
	fl_random_hex(hex, 8);
	snprintf(buf, sizeof buf, "%s-%s@example.com", who, hex);
	return fl_arena_strdup(&g_a, buf);
}

/* Creates a person as an admin; asserts success. */
static struct fl_user mkuser(int role, const char *name)
{
	struct op o = {.fn = do_user_add, .actor = g_admin};
	o.up.name = name;
	o.up.email = fresh_email(name);
	o.up.role = role;
	o.up.has_role = 1;
	if (run(&o))
		fail_msg("creating %s: %s", name, o.e.msg);
	return o.user;
}

/* The person with id as the store has them (inactive ones too). */
static struct fl_user stored(int64_t id)
{
	struct op o = {.fn = do_user_get, .actor = g_admin, .id = id};
	assert_int_equal(fl_store_read(g_store, tx_op, &o), 0);
	return o.user;
}

static int tx_by_email(fl_tx *tx, void *arg)
{
	struct fl_user u;
	return fl_store_user_by_email(tx, arg, &g_a, &u);
}

/* 0 when someone has the address email, FL_ENOTFOUND when nobody has. */
static int by_email(const char *email)
{
	return fl_store_read(g_store, tx_by_email, (void *)email);
}

struct ident_list {
	int64_t user_id;
	struct fl_identity *ids;
	size_t n;
};

static int tx_idents(fl_tx *tx, void *arg)
{
	struct ident_list *l = arg;
	return fl_store_identity_list(tx, l->user_id, &g_a, &l->ids, &l->n);
}

/* Whether person id has an identity with value. */
static int has_identity(int64_t id, const char *value)
{
	struct ident_list l = {id, NULL, 0};
	assert_int_equal(fl_store_read(g_store, tx_idents, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.ids[i].value, value))
			return 1;
	return 0;
}

static int group_setup(void **state)
{
	struct fl_store_opts o = {.sync_full = 1};
	(void)state;

	if (sodium_init() < 0)
		return -1;
	if (unit_store_open(&g_files, "fl-test-users", &o, &g_store))
		return -1;
	fl_arena_init(&g_a, 0);
	g_admin = (struct fl_actor){mkuser(FL_ROLE_ADMIN, "admin").id, FL_ROLE_ADMIN};
	g_agent = (struct fl_actor){mkuser(FL_ROLE_AGENT, "agent").id, FL_ROLE_AGENT};
	g_agent2 = (struct fl_actor){mkuser(FL_ROLE_AGENT, "agent2").id, FL_ROLE_AGENT};
	fl_arena_free(&g_a);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fl_store_free(g_store);
	g_store = NULL;
	unit_store_remove(&g_files);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fl_arena_init(&g_a, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fl_arena_free(&g_a);
	return 0;
}

/* ---- who may ask for what ------------------------------------------------- */

static void test_patch_check(void **state)
{
	struct fl_user_patch p = {.name = "Eve", .has_name = 1};
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(fl_user_patch_check(&g_agent, &p, 1, &e), 0);
	/* only admins set passwords */
	p.password = "correct horse";
	p.has_password = 1;
	assert_int_equal(fl_user_patch_check(&g_agent, &p, 0, &e), FL_EFORBIDDEN);
	assert_string_equal(e.field, "password");
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 0, &e), 0);
	p.has_password = 0;
	/* only admins make agents and admins */
	p.role = FL_ROLE_AGENT;
	p.has_role = 1;
	p.email = "eve@example.com";
	assert_int_equal(fl_user_patch_check(&g_agent, &p, 1, &e), FL_EFORBIDDEN);
	assert_string_equal(e.field, "role");
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 1, &e), 0);
	/* an agent needs an address to sign in with */
	p.email = NULL;
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 1, &e), FL_EINVAL);
	assert_string_equal(e.field, "email");
	/* a name is needed to create, and cannot be blanked */
	p = (struct fl_user_patch){0};
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 1, &e), FL_EINVAL);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.reason, "Blank");
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 0, &e), 0);
	p.name = "";
	p.has_name = 1;
	assert_int_equal(fl_user_patch_check(&g_admin, &p, 0, &e), FL_EINVAL);
}

static void test_agents_edit_only_end_users(void **state)
{
	struct fl_user admin = mkuser(FL_ROLE_ADMIN, "boss");
	struct fl_user customer = mkuser(FL_ROLE_END_USER, "cust");
	struct fl_user other = stored(g_agent2.id);
	struct fl_user self = stored(g_agent.id);
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(fl_user_may_edit(&g_agent, &customer, &e), 0);
	assert_int_equal(fl_user_may_edit(&g_agent, &self, &e), 0);
	assert_int_equal(fl_user_may_edit(&g_agent, &other, &e), FL_EFORBIDDEN);
	assert_int_equal(fl_user_may_edit(&g_agent, &admin, &e), FL_EFORBIDDEN);
	assert_int_equal(fl_user_may_edit(&g_admin, &other, &e), 0);

	/* through the door: refused, and nothing changes */
	struct op o = {.fn = do_user_edit, .actor = g_agent, .id = admin.id};
	o.up.name = "Renamed";
	o.up.has_name = 1;
	assert_int_equal(run(&o), FL_EFORBIDDEN);
	assert_string_equal(stored(admin.id).name, "boss");
	o.id = customer.id;
	assert_int_equal(run(&o), 0);
	assert_string_equal(stored(customer.id).name, "Renamed");

	/* adding an address to an agent is editing them too */
	struct op oi = {.fn = do_identity_add, .actor = g_agent};
	oi.ident = (struct fl_identity){
		.user_id = g_agent2.id, .type = FL_IDENT_EMAIL, .value = fresh_email("second")};
	assert_int_equal(run(&oi), FL_EFORBIDDEN);
	assert_false(has_identity(g_agent2.id, oi.ident.value));
}

static void test_cannot_delete_yourself(void **state)
{
	struct fl_user admin = mkuser(FL_ROLE_ADMIN, "self");
	struct fl_user customer = mkuser(FL_ROLE_END_USER, "gone");
	struct op o = {
		.fn = do_user_deactivate, .actor = {admin.id, FL_ROLE_ADMIN}, .id = admin.id};
	(void)state;

	assert_int_equal(run(&o), FL_ECONFLICT);
	assert_true(stored(admin.id).active);
	o.id = customer.id;
	assert_int_equal(run(&o), 0);
	assert_false(stored(customer.id).active);
	/* a deactivated person is hidden from agents, not from admins */
	struct op g = {.fn = do_user_get, .actor = g_agent, .id = customer.id};
	assert_int_equal(fl_store_read(g_store, tx_op, &g), FL_ENOTFOUND);
	g.actor = g_admin;
	assert_int_equal(fl_store_read(g_store, tx_op, &g), 0);
}

/* ---- creating and changing people ----------------------------------------- */

static void test_identities_on_create(void **state)
{
	struct op o = {.fn = do_user_add, .actor = g_agent};
	char *second = fresh_email("second"), *phone = "+37060000099";
	(void)state;

	o.up.name = "Many";
	o.up.email = fresh_email("many");
	o.up.has_email = 1;
	o.up.external_id = "crm-77";
	o.up.has_external_id = 1;
	o.more[0] = (struct fl_identity){.type = FL_IDENT_EMAIL, .value = second};
	o.more[1] = (struct fl_identity){.type = FL_IDENT_PHONE, .value = phone};
	o.more[2] = (struct fl_identity){.type = FL_IDENT_EMAIL, .value = o.up.email};
	o.nmore = 3;
	assert_int_equal(run(&o), 0);
	assert_int_equal(o.user.role, FL_ROLE_END_USER);
	assert_string_equal(o.user.external_id, "crm-77");
	assert_true(has_identity(o.user.id, o.up.email));
	assert_true(has_identity(o.user.id, second));
	assert_true(has_identity(o.user.id, phone));

	/* someone else's address among them: nothing at all is written */
	struct op dup = {.fn = do_user_add, .actor = g_agent};
	dup.up.name = "Copy";
	dup.up.email = fresh_email("copy");
	dup.more[0] = (struct fl_identity){.type = FL_IDENT_EMAIL, .value = second};
	dup.nmore = 1;
	assert_int_equal(run(&dup), FL_EDUPLICATE);
	assert_string_equal(dup.e.field, "identities");
	assert_string_equal(dup.e.reason, "DuplicateValue");
	assert_int_equal(by_email(dup.up.email), FL_ENOTFOUND);
}

static void test_duplicate_email_is_duplicate_value(void **state)
{
	struct fl_user first = mkuser(FL_ROLE_END_USER, "first");
	struct fl_user second = mkuser(FL_ROLE_END_USER, "second");
	struct op o = {.fn = do_user_add, .actor = g_agent};
	(void)state;

	o.up.name = "Again";
	o.up.email = first.email;
	assert_int_equal(run(&o), FL_EDUPLICATE);
	assert_string_equal(o.e.field, "email");
	assert_string_equal(o.e.reason, "DuplicateValue");
	assert_non_null(strstr(o.e.msg, "is already being used by another user"));
	assert_int_equal(fl_err_http_status(FL_EDUPLICATE), 422);
	assert_string_equal(fl_err_name(FL_EDUPLICATE), "RecordInvalid");

	/* changing one's address to someone else's */
	struct op e = {.fn = do_user_edit, .actor = g_agent, .id = second.id};
	e.up.email = first.email;
	e.up.has_email = 1;
	assert_int_equal(run(&e), FL_EDUPLICATE);
	assert_string_equal(e.e.field, "email");
	assert_string_equal(stored(second.id).email, second.email);

	/* a new address of one's own becomes the primary one; the old stays */
	e.up.email = fresh_email("new");
	assert_int_equal(run(&e), 0);
	assert_string_equal(stored(second.id).email, e.up.email);
	assert_true(has_identity(second.id, second.email));
}

static void test_unknown_organization(void **state)
{
	struct op o = {.fn = do_user_add, .actor = g_agent};
	(void)state;

	o.up.name = "Orphan";
	o.up.organization_id = 999999;
	o.up.has_organization = 1;
	assert_int_equal(run(&o), FL_EINVAL);
	assert_string_equal(o.e.field, "organization_id");
}

static void test_identity_check(void **state)
{
	char ok[] = "  Mixed@Example.COM ", bad[] = "not-an-address", empty[] = "";
	struct fl_identity id = {.type = FL_IDENT_EMAIL, .value = ok};
	struct fl_err e = {0};
	(void)state;

	assert_int_equal(fl_identity_check(&id, "value", &e), 0);
	assert_string_equal(id.value, "mixed@example.com");
	id.value = bad;
	assert_int_equal(fl_identity_check(&id, "value", &e), FL_EINVAL);
	assert_string_equal(e.field, "value");
	id.type = FL_IDENT_PHONE;
	id.value = empty;
	assert_int_equal(fl_identity_check(&id, "identities", &e), FL_EINVAL);
	assert_string_equal(e.field, "identities");
	id.type = -1;
	id.value = ok;
	assert_int_equal(fl_identity_check(&id, "type", &e), FL_EINVAL);
}

static void test_merge_rules(void **state)
{
	struct fl_user a = mkuser(FL_ROLE_END_USER, "dupa");
	struct fl_user b = mkuser(FL_ROLE_END_USER, "dupb");
	struct op o = {.fn = do_user_merge, .actor = g_agent, .id = a.id};
	(void)state;

	o.user.id = a.id;
	assert_int_equal(run(&o), FL_EINVAL); /* into oneself */
	o.user.id = g_agent2.id;
	assert_int_equal(run(&o), FL_EINVAL); /* into an agent */
	assert_true(stored(a.id).active);
	o.user.id = b.id;
	assert_int_equal(run(&o), 0);
	assert_false(stored(a.id).active);
	assert_true(has_identity(b.id, a.email)); /* the address moved */
}

struct pw_change {
	struct fl_actor actor;
	int64_t id;
	const char *previous;
	struct fl_err e;
};

static int tx_pw_change(fl_tx *tx, void *arg)
{
	struct pw_change *p = arg;
	return fl_password_change_check(tx, &p->actor, p->id, p->previous, &g_a, &p->e);
}

static void test_password_change_rules(void **state)
{
	struct op o = {.fn = do_user_add, .actor = g_admin};
	char *hash;
	(void)state;

	assert_int_equal(fl_password_hash("the old secret", &hash, &o.e), 0);
	o.up.name = "Pw";
	o.up.email = fresh_email("pw");
	o.up.password = "the old secret";
	o.up.has_password = 1;
	o.up.password_hash = hash;
	assert_int_equal(run(&o), 0);
	free(hash);

	struct pw_change p = {{o.user.id, FL_ROLE_END_USER}, o.user.id, "the old secret", {0}};
	assert_int_equal(fl_store_read(g_store, tx_pw_change, &p), 0);
	p.previous = "a wrong guess";
	assert_int_equal(fl_store_read(g_store, tx_pw_change, &p), FL_EINVAL);
	assert_string_equal(p.e.field, "previous_password");
	p.previous = NULL;
	assert_int_equal(fl_store_read(g_store, tx_pw_change, &p), FL_EINVAL);
	/* only one's own, whoever asks */
	p = (struct pw_change){g_admin, o.user.id, "the old secret", {0}};
	assert_int_equal(fl_store_read(g_store, tx_pw_change, &p), FL_EFORBIDDEN);
	/* someone without a password sets a first one without a previous */
	struct fl_user plain = mkuser(FL_ROLE_END_USER, "nopw");
	p = (struct pw_change){{plain.id, FL_ROLE_END_USER}, plain.id, NULL, {0}};
	assert_int_equal(fl_store_read(g_store, tx_pw_change, &p), 0);
}

/* ---- organizations and groups --------------------------------------------- */

static void test_org_rules(void **state)
{
	char name[40], hex[9];
	struct op o = {.fn = do_org_add};
	(void)state;

	fl_random_hex(hex, 8);
	snprintf(name, sizeof name, "Org %s", hex);
	assert_int_equal(run(&o), FL_EINVAL); /* no name */
	assert_string_equal(o.e.field, "name");
	o.op.name = name;
	o.op.has_name = 1;
	o.op.external_id = "erp-1";
	assert_int_equal(run(&o), 0);
	assert_string_equal(o.org.external_id, "erp-1");
	int64_t id = o.org.id;
	o.op.external_id = "ERP-1"; /* another organization's, in another case */
	assert_int_equal(run(&o), FL_EDUPLICATE);
	assert_string_equal(o.e.field, "external_id");
	o.op.external_id = NULL;
	assert_int_equal(run(&o), FL_EDUPLICATE);
	assert_string_equal(o.e.field, "name");
	assert_string_equal(o.e.reason, "DuplicateValue");

	struct op e = {.fn = do_org_edit, .id = id};
	e.op.external_id = "erp-2";
	e.op.has_external_id = 1;
	assert_int_equal(run(&e), 0);
	assert_string_equal(e.org.external_id, "erp-2");
	assert_string_equal(e.org.name, name);
	e.op.name = "";
	e.op.has_name = 1;
	assert_int_equal(run(&e), FL_EINVAL);
}

static void test_group_rules(void **state)
{
	char name[40], hex[9];
	struct op o = {.fn = do_group_add};
	(void)state;

	fl_random_hex(hex, 8);
	snprintf(name, sizeof name, "Group %s", hex);
	o.gp.name = "";
	o.gp.has_name = 1;
	assert_int_equal(run(&o), FL_EINVAL);
	o.gp.name = name;
	assert_int_equal(run(&o), 0);
	int64_t id = o.group.id;
	assert_int_equal(run(&o), FL_EDUPLICATE);
	assert_string_equal(o.e.field, "name");
	assert_string_equal(o.e.reason, "DuplicateValue");

	struct op e = {.fn = do_group_edit, .id = id};
	e.gp.description = "Second line";
	e.gp.has_description = 1;
	assert_int_equal(run(&e), 0);
	assert_string_equal(e.group.description, "Second line");
	assert_string_equal(e.group.name, name);
	e.fn = do_group_remove;
	assert_int_equal(run(&e), 0);
	assert_true(e.group.deleted);
}

/* ---- preferences ------------------------------------------------------------ */

struct prefs_op {
	const char *name, *value; /* stored as they are, past the domain's checks */
	struct fl_prefs change, got;
	struct fl_err e;
};

static int tx_prefs_op(fl_tx *tx, void *arg)
{
	struct prefs_op *p = arg;
	int rc = p->name ? fl_store_pref_set(tx, g_agent2.id, p->name, p->value)
			 : fl_prefs_set(tx, g_agent2.id, &p->change, &p->e);
	return rc ? rc : fl_prefs_get(tx, g_agent2.id, &g_a, &p->got);
}

static void test_prefs(void **state)
{
	struct prefs_op p = {.change.value[FL_PREF_DENSITY] = "compact"};
	(void)state;

	assert_int_equal(fl_store_write(g_store, tx_prefs_op, &p), 0);
	assert_string_equal(p.got.value[FL_PREF_DENSITY], "compact");
	assert_string_equal(p.got.value[FL_PREF_AFTER_SUBMIT], "stay");

	/* refused naming the field; the transaction writes nothing */
	p.change.value[FL_PREF_DENSITY] = "comfortable";
	p.change.value[FL_PREF_AFTER_SUBMIT] = "later";
	assert_int_equal(fl_store_write(g_store, tx_prefs_op, &p), FL_EINVAL);
	assert_string_equal(p.e.field, "preferences.after_submit");
	struct prefs_op q = {0};
	assert_int_equal(fl_store_write(g_store, tx_prefs_op, &q), 0);
	assert_string_equal(q.got.value[FL_PREF_DENSITY], "compact");

	/* what another version of frontline stored and this one does not know
	 * reads as the default, and is not an error */
	struct prefs_op odd = {.name = "density", .value = "ultra"};
	assert_int_equal(fl_store_write(g_store, tx_prefs_op, &odd), 0);
	assert_string_equal(odd.got.value[FL_PREF_DENSITY], "comfortable");
	/* however many names another version stored before "density" */
	struct prefs_op set = {.change.value[FL_PREF_DENSITY] = "compact"};
	assert_int_equal(fl_store_write(g_store, tx_prefs_op, &set), 0);
	static const char *const names[] = {"a1", "a2", "a3", "a4", "a5", "colour"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		odd.name = names[i];
		odd.value = "red";
		assert_int_equal(fl_store_write(g_store, tx_prefs_op, &odd), 0);
	}
	assert_string_equal(odd.got.value[FL_PREF_DENSITY], "compact");
	assert_int_equal(fl_pref_find("colour", &odd.e), FL_EINVAL);
	assert_string_equal(odd.e.field, "preferences.colour");
}

/* ---- the store's filters ---------------------------------------------------- */

struct list {
	struct fl_user_filter f;
	const char *org_external_id;
	struct fl_user *users;
	struct fl_org *orgs;
	size_t n;
	int64_t total;
};

static int tx_user_list(fl_tx *tx, void *arg)
{
	struct list *l = arg;
	return fl_store_user_list(tx, &l->f, 0, 100, &g_a, &l->users, &l->n, &l->total);
}

static int tx_org_list(fl_tx *tx, void *arg)
{
	struct list *l = arg;
	return fl_store_org_list(tx, NULL, l->org_external_id, 0, 100, &g_a, &l->orgs, &l->n,
				 &l->total);
}

static void test_user_filters(void **state)
{
	struct list l = {{0}};
	(void)state;

	mkuser(FL_ROLE_ADMIN, "filtered-admin");
	l.f.roles = 1u << FL_ROLE_AGENT | 1u << FL_ROLE_ADMIN;
	assert_int_equal(fl_store_read(g_store, tx_user_list, &l), 0);
	assert_true(l.n >= 3);
	assert_int_equal(l.total, (int64_t)l.n);
	for (size_t i = 0; i < l.n; i++)
		assert_int_not_equal(l.users[i].role, FL_ROLE_END_USER);

	struct op o = {.fn = do_user_add, .actor = g_agent};
	o.up.name = "Synced";
	o.up.email = fresh_email("synced");
	o.up.external_id = "sync-42";
	assert_int_equal(run(&o), 0);
	l = (struct list){{0}};
	l.f.external_id = "sync-42";
	assert_int_equal(fl_store_read(g_store, tx_user_list, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.users[0].id, o.user.id);
	l.f.roles = 1u << FL_ROLE_AGENT; /* filters combine */
	assert_int_equal(fl_store_read(g_store, tx_user_list, &l), 0);
	assert_int_equal(l.n, 0);
	l.f = (struct fl_user_filter){.external_id = "sync-4"};
	assert_int_equal(fl_store_read(g_store, tx_user_list, &l), 0);
	assert_int_equal(l.n, 0); /* exactly, not a prefix */

	struct op org = {.fn = do_org_add};
	org.op.name = "Synced Org";
	org.op.external_id = "sync-org";
	assert_int_equal(run(&org), 0);
	l = (struct list){{0}};
	l.org_external_id = "sync-org";
	assert_int_equal(fl_store_read(g_store, tx_org_list, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.orgs[0].id, org.org.id);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_patch_check),
		T(test_agents_edit_only_end_users),
		T(test_cannot_delete_yourself),
		T(test_identities_on_create),
		T(test_duplicate_email_is_duplicate_value),
		T(test_unknown_organization),
		T(test_identity_check),
		T(test_merge_rules),
		T(test_password_change_rules),
		T(test_org_rules),
		T(test_group_rules),
		T(test_user_filters),
		T(test_prefs),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
