/* frontline: startup and command dispatch — nothing else. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef FL_VERSION
#define FL_VERSION "0.0.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline COMMAND [OPTIONS]\n"
		"\n"
		"A self-hosted customer-service desk.\n"
		"\n"
		"commands:\n"
		"  serve          serve the help desk (API) on HOST:PORT\n"
		"  user add       add an admin, agent or end user\n"
		"  user password  reset a user's password, ending their sessions\n"
		"  token create   create an API token for a user\n"
		"  backup         copy the database while it is in use\n"
		"  migrate        copy a SQLite store into PostgreSQL, and verify it\n"
		"  mailgate       deliver one e-mail from an MTA (standard input)\n"
		"  mailbox        add, list or remove the IMAP mailboxes polled\n"
		"  demo           load demo customers and tickets (uk, ru, lt, en)\n"
		"  seed           write many tickets at once, for benchmarks\n"
		"  sla            measure every ticket's SLA again; run the SLA scheduler\n"
		"  tasks          send the task reminders and check-ins due (a chosen time)\n"
		"  automations    run one pass of the automations (at a given instant)\n"
		"  search reindex build the search index again (with a progress bar)\n"
		"  version        print the version\n"
		"\n"
		"'frontline COMMAND --help' tells more. Settings come from flags,\n"
		"FRONTLINE_* environment variables and DATA/frontline.conf.\n"
		"\n"
		"Exit status: 0 on success, 2 on a usage error, 1 on any other failure,\n"
		"among them a database whose schema is newer than this frontline knows\n"
		"(a newer release ran on it; see docs/operations.md).\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			printf("usage: frontline version\n\nPrints the version of this binary.\n");
			return 0;
		}
		printf("frontline %s\n", FL_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "mail-parse"))
		return fl_cmd_mail_parse(argc - 1, argv + 1);
	if (sodium_init() < 0) {
		fprintf(stderr, "frontline: libsodium failed to initialize\n");
		return 1;
	}
	if (!strcmp(cmd, "serve"))
		return fl_cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "user"))
		return fl_cmd_user(argc - 1, argv + 1);
	if (!strcmp(cmd, "token"))
		return fl_cmd_token(argc - 1, argv + 1);
	if (!strcmp(cmd, "backup"))
		return fl_cmd_backup(argc - 1, argv + 1);
	if (!strcmp(cmd, "mailbox"))
		return fl_cmd_mailbox(argc - 1, argv + 1);
	if (!strcmp(cmd, "mailgate"))
		return fl_cmd_mailgate(argc - 1, argv + 1);
	if (!strcmp(cmd, "migrate"))
		return fl_cmd_migrate(argc - 1, argv + 1);
	if (!strcmp(cmd, "demo"))
		return fl_cmd_demo(argc - 1, argv + 1);
	if (!strcmp(cmd, "seed"))
		return fl_cmd_seed(argc - 1, argv + 1);
	if (!strcmp(cmd, "sla"))
		return fl_cmd_sla(argc - 1, argv + 1);
	if (!strcmp(cmd, "tasks"))
		return fl_cmd_tasks(argc - 1, argv + 1);
	if (!strcmp(cmd, "automations"))
		return fl_cmd_automations(argc - 1, argv + 1);
	if (!strcmp(cmd, "search"))
		return fl_cmd_search(argc - 1, argv + 1);
	if (!strcmp(cmd, "routes")) /* hidden: the route table, for tests and audits */
		return fl_cmd_routes(argc - 1, argv + 1);
	fprintf(stderr, "frontline: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return 2;
}
