/* frontline user add, frontline user password, frontline token create */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/random.h"
#include "http/http.h"
#include "store/users.h"

static void password_usage(FILE *f)
{
	fprintf(f,
		"usage: frontline user password [--data DIR] [--db URI] --email EMAIL\n"
		"                               [--password-stdin]\n"
		"\n"
		"Resets the password of the user with EMAIL, for an admin locked out.\n"
		"With --password-stdin the first line of standard input is the new\n"
		"password (at least 8 characters). Without it a one-time password is\n"
		"made and printed, once: the user must change it after signing in.\n"
		"Either way every session of the user ends, on every node; API tokens\n"
		"stay. Works while the server runs.\n"
		"\n"
		"exit codes: 0 reset; 1 no user has EMAIL, the password is refused or\n"
		"the store failed (the message says which); 2 bad usage.\n");
}

static void user_usage(FILE *f)
{
	fprintf(f,
		"usage: frontline user add [--data DIR] [--db URI]\n"
		"                          --role admin|agent|viewer|end-user\n"
		"                          --name NAME --email EMAIL [--password-stdin]\n"
		"\n"
		"Adds a user. With --password-stdin the first line of standard input is\n"
		"the password (at least 8 characters); without it the user has no\n"
		"password and signs in with an API token. Prints the new user's id.\n"
		"A viewer signs in to the workspace and reads the reports, nothing\n"
		"else (docs/security.md).\n"
		"\n");
	password_usage(f);
}

struct add {
	struct fl_user u;
	char *hash;
	struct fl_err err;
};

static int tx_add(fl_tx *tx, void *arg)
{
	struct add *a = arg;
	return fl_user_create(tx, &a->u, a->hash, &a->err);
}

static int read_password(char *buf, size_t cap)
{
	size_t n;
	if (!fgets(buf, (int)cap, stdin))
		return -1;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	return 0;
}

static int user_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"db", required_argument, 0, 'D'},
		{"config", required_argument, 0, 'c'},
		{"role", required_argument, 0, 'r'},
		{"name", required_argument, 0, 'n'},
		{"email", required_argument, 0, 'e'},
		{"password-stdin", no_argument, 0, 'p'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct add a = {0};
	const char *role = NULL, *name = NULL, *email = NULL;
	char addr[256], password[1100];
	int opt, from_stdin = 0, rc;
	fl_store *store;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'p': from_stdin = 1; break;
		case 'h': user_usage(stdout); return 0;
		default: user_usage(stderr); return 2;
		}
	}
	if (!role || !name || !email || optind < argc) {
		user_usage(stderr);
		return 2;
	}
	a.u.role = fl_role_parse(fl_str_c(role));
	if (a.u.role < 0) {
		fprintf(stderr, "frontline: --role must be admin, agent, viewer or end-user\n");
		return 2;
	}
	snprintf(addr, sizeof addr, "%s", email);
	if (strlen(email) >= sizeof addr || fl_email_normalize(addr)) {
		fprintf(stderr, "frontline: '%s' is not an e-mail address\n", email);
		return 2;
	}
	if (!*name || strlen(name) > 255 || !fl_utf8_valid(name, strlen(name))) {
		fprintf(stderr, "frontline: --name must be 1 to 255 bytes of UTF-8\n");
		return 2;
	}
	if (from_stdin) {
		if (read_password(password, sizeof password)) {
			fprintf(stderr, "frontline: no password on standard input\n");
			return 2;
		}
		if (fl_password_hash(password, &a.hash, &a.err))
			return fl_cli_fail("the password", &a.err);
	}
	a.u.name = (char *)name;
	a.u.email = addr;
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store)) {
		free(a.hash);
		return 1;
	}
	rc = fl_store_write(store, tx_add, &a);
	fl_store_free(store);
	free(a.hash);
	if (rc)
		return fl_cli_fail("adding the user", &a.err);
	printf("%lld\n", (long long)a.u.id);
	return 0;
}

/* The id of the user with email, in tx; FL_ENOTFOUND said in e. */
static int user_id_of(fl_tx *tx, const char *email, int64_t *id, struct fl_err *e)
{
	struct fl_user u;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_user_by_email(tx, email, &a, &u);
	fl_arena_free(&a);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, rc, "email", NULL, "no user has the e-mail %s", email);
	if (!rc)
		*id = u.id;
	return rc;
}

struct reset {
	const char *email;
	char *hash;
	int must_change;
	struct fl_err err;
};

/* Sets the password and ends the user's sessions; other nodes (PostgreSQL)
 * drop their cached credentials when this commits, as after the API's
 * password change (http.h: fl_req_credentials_changed). */
static int tx_reset(fl_tx *tx, void *arg)
{
	struct reset *p = arg;
	int64_t id;
	int rc = user_id_of(tx, p->email, &id, &p->err);

	if (!rc)
		rc = fl_auth_password_set(tx, id, p->hash, p->must_change, NULL);
	return rc ? rc : fl_store_notify(tx, FL_AUTH_CHANGED_EVENT);
}

static int user_password(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"db", required_argument, 0, 'D'},
		{"config", required_argument, 0, 'c'},
		{"email", required_argument, 0, 'e'},
		{"password-stdin", no_argument, 0, 'p'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct reset p = {0};
	char addr[256], password[1100];
	int opt, from_stdin = 0, rc;
	fl_store *store;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'e': p.email = optarg; break;
		case 'p': from_stdin = 1; break;
		case 'h': password_usage(stdout); return 0;
		default: password_usage(stderr); return 2;
		}
	}
	if (!p.email || optind < argc) {
		password_usage(stderr);
		return 2;
	}
	snprintf(addr, sizeof addr, "%s", p.email);
	if (strlen(p.email) >= sizeof addr || fl_email_normalize(addr)) {
		fprintf(stderr, "frontline: '%s' is not an e-mail address\n", p.email);
		return 2;
	}
	p.email = addr;
	if (from_stdin && read_password(password, sizeof password)) {
		fprintf(stderr, "frontline: no password on standard input\n");
		return 2;
	}
	if (!from_stdin) {
		fl_random_hex(password, 24);
		p.must_change = 1;
	}
	if (fl_password_hash(password, &p.hash, &p.err))
		return fl_cli_fail("the password", &p.err);
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store)) {
		free(p.hash);
		return 1;
	}
	rc = fl_store_write(store, tx_reset, &p);
	fl_store_free(store);
	free(p.hash);
	if (rc)
		return fl_cli_fail("resetting the password", &p.err);
	if (p.must_change)
		printf("one-time password: %s   (shown once: the user must change it after "
		       "signing in)\n",
		       password);
	return 0;
}

int fl_cmd_user(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return user_add(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "password"))
		return user_password(argc - 1, argv + 1);
	user_usage(argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? stdout
										       : stderr);
	return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
}

static void token_usage(FILE *f)
{
	fprintf(f,
		"usage: frontline token create [--data DIR] [--db URI] --email EMAIL\n"
		"                             [--description TEXT]\n"
		"\n"
		"Creates an API token for the user with EMAIL and prints it. Use it as\n"
		"'Authorization: Bearer TOKEN' or HTTP Basic 'EMAIL/token:TOKEN'. Only a\n"
		"hash is stored: the token cannot be shown again.\n");
}

struct token {
	const char *email, *description;
	char secret[FL_SECRET_LEN + 1];
	struct fl_err err;
};

static int tx_token(fl_tx *tx, void *arg)
{
	struct token *t = arg;
	int64_t id;
	int rc = user_id_of(tx, t->email, &id, &t->err);

	return rc ? rc : fl_auth_token_create(tx, id, t->description, t->secret);
}

int fl_cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"db", required_argument, 0, 'D'},
		{"config", required_argument, 0, 'c'},
		{"email", required_argument, 0, 'e'},
		{"description", required_argument, 0, 's'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct token t = {0};
	char addr[256];
	fl_store *store;
	int opt, rc;

	if (argc < 2 || strcmp(argv[1], "create")) {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		token_usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	argc--, argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'e': t.email = optarg; break;
		case 's': t.description = optarg; break;
		case 'h': token_usage(stdout); return 0;
		default: token_usage(stderr); return 2;
		}
	}
	if (!t.email || optind < argc) {
		token_usage(stderr);
		return 2;
	}
	snprintf(addr, sizeof addr, "%s", t.email);
	if (strlen(t.email) >= sizeof addr || fl_email_normalize(addr)) {
		fprintf(stderr, "frontline: '%s' is not an e-mail address\n", t.email);
		return 2;
	}
	t.email = addr;
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store))
		return 1;
	rc = fl_store_write(store, tx_token, &t);
	fl_store_free(store);
	if (rc)
		return fl_cli_fail("creating the token", &t.err);
	printf("%s\n", t.secret);
	return 0;
}
