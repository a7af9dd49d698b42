#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/random.h"
#include "core/str.h"
#include "core/time.h"
#include "store/users.h"

void fl_cli_flag(struct fl_cli_flags *f, const char *key, const char *value)
{
	if (f->n < FL_CLI_MAX_FLAGS) {
		f->key[f->n] = key;
		f->value[f->n] = value;
		f->n++;
	}
}

int fl_cli_fail(const char *what, const struct fl_err *e)
{
	fprintf(stderr, "frontline: %s: %s\n", what,
		e && e->msg[0] ? e->msg : fl_err_describe(e ? e->code : FL_EINTERNAL));
	return 1;
}

int fl_cli_config(struct fl_config *c, const struct fl_cli_flags *f)
{
	struct fl_err e = {0};
	const char *path = f->config ? f->config : getenv("FRONTLINE_CONFIG");
	char fallback[600];
	int rc;

	fl_config_defaults(c);
	/* the data folder decides where the default config file is */
	if (getenv("FRONTLINE_DATA"))
		fl_config_set(c, "data", getenv("FRONTLINE_DATA"), NULL);
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], "data"))
			fl_config_set(c, "data", f->value[i], NULL);
	if (!path) {
		snprintf(fallback, sizeof fallback, "%s/frontline.conf", c->data);
		path = fallback;
	}
	rc = fl_config_load_file(c, path, path == fallback, &e);
	if (!rc)
		rc = fl_config_load_env(c, &e);
	for (int i = 0; !rc && i < f->n; i++)
		rc = fl_config_set(c, f->key[i], f->value[i], &e);
	return rc ? fl_cli_fail("configuration", &e) : 0;
}

int fl_cli_open_store(const struct fl_config *c, fl_store **out)
{
	struct fl_store_opts o = {0};
	struct fl_err e = {0};
	char path[600];

	if (mkdir(c->data, 0700) && errno != EEXIST) {
		fprintf(stderr, "frontline: cannot create data folder %s: %s\n", c->data,
			strerror(errno));
		return 1;
	}
	snprintf(path, sizeof path, "%s/frontline.db", c->data);
	o.target = c->db[0] ? c->db : path;
	o.sync_full = c->sync_full;
	o.pool = c->db_pool ? c->db_pool : c->threads;
	o.writers = c->db_writers;
	o.files = c->attachments;
	if (fl_store_open(out, &o, &e))
		return fl_cli_fail("opening the store", &e);
	fl_cli_upgrade_note(*out);
	return 0;
}

static int verb_known(const struct fl_cli_pass *p, const char *verb)
{
	for (const char *const *v = p->verbs; *v; v++)
		if (!strcmp(*v, verb))
			return 1;
	return 0;
}

int fl_cli_pass_open(int argc, char **argv, struct fl_cli_pass *p, struct fl_config *cfg,
		     fl_store **store)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'}, {"config", required_argument, 0, 'c'},
		{"now", required_argument, 0, 'n'},  {"times", required_argument, 0, 't'},
		{"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	int opt;

	p->verb = argc > 1 ? argv[1] : "";
	p->now = 0;
	p->times = 0;
	if (!strcmp(p->verb, "--help") || !strcmp(p->verb, "-h")) {
		p->usage(stdout);
		return 0;
	}
	if (!verb_known(p, p->verb)) {
		p->usage(stderr);
		return 2;
	}
	argc--, argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'n':
			if (!p->takes_now || fl_time_parse(fl_str_c(optarg), &p->now) ||
			    p->now <= 0) {
				fprintf(stderr, "frontline: --now: not a time: %s\n", optarg);
				p->usage(stderr);
				return 2;
			}
			break;
		case 't':
			if (!p->takes_times || fl_str_to_i64(fl_str_c(optarg), &p->times) ||
			    p->times < 1 || p->times > 1000000) {
				p->usage(stderr);
				return 2;
			}
			break;
		case 'h': p->usage(stdout); return 0;
		default: p->usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		p->usage(stderr);
		return 2;
	}
	if (fl_cli_config(cfg, &flags))
		return 1;
	fl_cli_wire(cfg);
	return fl_cli_open_store(cfg, store) ? 1 : -1;
}

void fl_cli_upgrade_note(const fl_store *s)
{
	if (fl_store_upgrade_backup(s))
		fprintf(stderr, "frontline: the database before this upgrade is saved in %s\n",
			fl_store_upgrade_backup(s));
}

struct first_admin {
	const struct fl_config *c;
	char password[25];
	char *hash;
	int created;
	struct fl_err err;
};

static int tx_first_admin(fl_tx *tx, void *arg)
{
	struct first_admin *fa = arg;
	struct fl_user u = {0};
	char email[256];
	int64_t n;
	int rc = fl_store_user_count(tx, &n);

	if (rc || n > 0)
		return rc;
	snprintf(email, sizeof email, "%s", fa->c->admin_email);
	if (fl_email_normalize(email))
		return fl_err_set(&fa->err, FL_EINVAL, "admin_email", NULL,
				  "admin_email '%s' is not an e-mail address", fa->c->admin_email);
	u.role = FL_ROLE_ADMIN;
	u.name = "Administrator";
	u.email = email;
	u.must_change_password = 1;
	rc = fl_user_create(tx, &u, fa->hash, &fa->err);
	if (!rc)
		fa->created = 1;
	return rc;
}

int fl_cli_first_admin(fl_store *s, const struct fl_config *c)
{
	struct first_admin fa = {.c = c};
	int rc;

	fl_random_hex(fa.password, 24);
	if (fl_password_hash(fa.password, &fa.hash, &fa.err))
		return fl_cli_fail("creating the first admin", &fa.err);
	rc = fl_store_write(s, tx_first_admin, &fa);
	free(fa.hash);
	if (rc)
		return fl_cli_fail("creating the first admin", &fa.err);
	if (fa.created)
		printf("\nA new, empty store: created the first admin.\n"
		       "  e-mail:   %s\n"
		       "  password: %s   (one-time: change it after signing in)\n\n",
		       c->admin_email, fa.password);
	return 0;
}
