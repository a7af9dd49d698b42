/* frontline tasks remind: the server's task-remind pass (tasks/task.h) run
 * by hand, at now or at a chosen time — the reminders of the tasks due
 * and the satisfaction check-ins — for operators and for the API tests,
 * which run a pass at the time they choose. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/str.h"
#include "core/time.h"
#include "tasks/task.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline tasks remind --data DIR [--now ISO]\n"
		"\n"
		"remind  runs the server's task-remind pass once, in one write\n"
		"        transaction: every follow-up task due at or before now, not\n"
		"        done and not yet reminded, is marked reminded, announced live\n"
		"        (task.due) and mailed to its owner; with the check-in on, every\n"
		"        ticket solved the set number of days before now (two days of\n"
		"        slack) and still solved sends its requester the check-in.\n"
		"        Each goes once, whoever runs the pass. --now (ISO 8601, like\n"
		"        2026-12-07T09:00:00Z) runs it as if it were then. The live\n"
		"        events reach the servers of a PostgreSQL store only. Prints\n"
		"        how many reminders and check-ins went.\n"
		"\n"
		"The database is FRONTLINE_DB's when set, as for serve.\n");
}

struct pass {
	int64_t now;
	size_t reminded, checkins;
};

static int tx_pass(fl_tx *tx, void *arg)
{
	struct pass *p = arg;
	return fl_task_pass(tx, p->now, &p->reminded, &p->checkins);
}

int fl_cmd_tasks(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"config", required_argument, 0, 'c'},
		{"now", required_argument, 0, 'n'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct pass p = {.now = fl_now()};
	const char *what = argc > 1 ? argv[1] : "";
	fl_store *store;
	int opt, rc;

	if (!strcmp(what, "--help") || !strcmp(what, "-h")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(what, "remind")) {
		usage(stderr);
		return 2;
	}
	argc--, argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'n':
			if (fl_time_parse(fl_str_c(optarg), &p.now) || p.now <= 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (fl_cli_config(&cfg, &flags))
		return 1;
	fl_cli_wire(&cfg);
	if (fl_cli_open_store(&cfg, &store))
		return 1;
	rc = fl_store_write(store, tx_pass, &p);
	fl_store_free(store);
	if (rc) {
		struct fl_err e = {0};
		fl_err_set(&e, rc, NULL, NULL, "cannot send the task reminders due (%s)",
			   fl_err_name(rc));
		return fl_cli_fail("tasks remind", &e);
	}
	printf("{\"reminded\": %zu, \"checkins\": %zu}\n", p.reminded, p.checkins);
	return 0;
}
