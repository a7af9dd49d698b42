/* frontline tasks remind: the server's task-remind pass (tasks/task.h) run
 * by hand, at now or at a chosen time — the reminders of the tasks due
 * and the satisfaction check-ins — for operators and for the API tests,
 * which run a pass at the time they choose. */
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
	static const char *const verbs[] = {"remind", NULL};
	struct fl_cli_pass cmd = {.verbs = verbs, .usage = usage, .takes_now = 1};
	struct fl_config cfg;
	struct pass p = {0};
	fl_store *store;
	int rc;

	if ((rc = fl_cli_pass_open(argc, argv, &cmd, &cfg, &store)) >= 0)
		return rc;
	p.now = cmd.now ? cmd.now : fl_now();
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
