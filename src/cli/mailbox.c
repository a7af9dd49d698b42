/* frontline mailbox add|list|remove: the IMAP mailboxes Frontline polls */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/time.h"
#include "store/mail.h"
#include "store/users.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline mailbox add [--data DIR] [--db URI] --url imaps://HOST:PORT\n"
		"                             --user NAME --owner EMAIL [--folder F]\n"
		"                             [--move-to F] [--starttls] (password on stdin)\n"
		"       frontline mailbox list [--data DIR] [--db URI]\n"
		"       frontline mailbox remove [--data DIR] [--db URI] ID\n"
		"\n"
		"The IMAP mailboxes Frontline polls (docs/email.md): add one — its password\n"
		"is the first line of standard input; tickets from it are written under\n"
		"the admin OWNER's name — list them with their last poll and error, or\n"
		"remove one. The same as /api/v2/mail/mailboxes.\n");
}

struct add {
	struct fl_mailbox mb;
	const char *owner;
	fl_arena *a;
	struct fl_mailbox *list;
	size_t n;
	int64_t id;
};

static int tx_add(fl_tx *tx, void *arg)
{
	struct add *x = arg;
	struct fl_user u;
	int rc = fl_store_user_by_email(tx, x->owner, x->a, &u);

	if (rc)
		return rc;
	if (u.role != FL_ROLE_ADMIN)
		return FL_EFORBIDDEN;
	x->mb.owner_id = u.id;
	return fl_store_mailbox_insert(tx, &x->mb);
}

static int tx_list(fl_tx *tx, void *arg)
{
	struct add *x = arg;
	return fl_store_mailbox_list(tx, 0, x->a, &x->list, &x->n);
}

static int tx_remove(fl_tx *tx, void *arg)
{
	struct add *x = arg;
	return fl_store_mailbox_delete(tx, x->id);
}

int fl_cmd_mailbox(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},    {"db", required_argument, 0, 'D'},
		{"url", required_argument, 0, 'u'},     {"user", required_argument, 0, 'n'},
		{"owner", required_argument, 0, 'o'},   {"folder", required_argument, 0, 'f'},
		{"move-to", required_argument, 0, 'm'}, {"starttls", no_argument, 0, 's'},
		{"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct add x = {.mb.folder = "INBOX"};
	const char *verb = argc > 1 ? argv[1] : "";
	char password[512];
	fl_arena a;
	fl_store *store;
	int opt, rc;

	if (!strcmp(verb, "--help") || !strcmp(verb, "-h")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "remove")) {
		usage(stderr);
		return 2;
	}
	argc--, argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'D': fl_cli_flag(&flags, "db", optarg); break;
		case 'u': x.mb.url = optarg; break;
		case 'n': x.mb.username = optarg; break;
		case 'o': x.owner = optarg; break;
		case 'f': x.mb.folder = optarg; break;
		case 'm': x.mb.move_to = optarg; break;
		case 's': x.mb.starttls = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!strcmp(verb, "add") &&
	    (!x.mb.url || !x.mb.username || !x.owner || optind < argc ||
	     (strncmp(x.mb.url, "imap://", 7) && strncmp(x.mb.url, "imaps://", 8)))) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(verb, "remove") &&
	    (optind != argc - 1 || (x.id = strtoll(argv[optind], NULL, 10)) <= 0)) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(verb, "add")) {
		if (!fgets(password, sizeof password, stdin)) {
			fprintf(stderr, "frontline: no password on standard input\n");
			return 2;
		}
		password[strcspn(password, "\r\n")] = 0;
		x.mb.password = password;
		x.mb.created_at = x.mb.updated_at = fl_now();
	}
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store))
		return 1;
	fl_arena_init(&a, 0);
	x.a = &a;
	if (!strcmp(verb, "add"))
		rc = fl_store_write(store, tx_add, &x);
	else if (!strcmp(verb, "list"))
		rc = fl_store_read(store, tx_list, &x);
	else
		rc = fl_store_write(store, tx_remove, &x);
	if (!rc && !strcmp(verb, "add"))
		printf("%lld\n", (long long)x.mb.id);
	for (size_t i = 0; !rc && i < x.n; i++)
		printf("%lld\t%s\t%s\t%s\t%s\n", (long long)x.list[i].id, x.list[i].url,
		       x.list[i].username, x.list[i].folder,
		       x.list[i].last_error ? x.list[i].last_error : "ok");
	fl_arena_free(&a);
	fl_store_free(store);
	if (rc) {
		struct fl_err e = {0};
		fl_err_set(&e, rc, NULL, NULL, "%s",
			   rc == FL_EFORBIDDEN  ? "the owner must be an admin"
			   : rc == FL_ENOTFOUND ? "no such owner or mailbox"
						: fl_err_describe(rc));
		return fl_cli_fail("mailbox", &e);
	}
	return 0;
}
