/* frontline automations run: one pass of the automations
 * (rules/automation.h) by hand, at an instant given — how an operator
 * catches up after downtime, and how the API tests wait days in a moment. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/progress.h"
#include "core/str.h"
#include "core/time.h"
#include "rules/automation.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline automations run --data DIR [--now ISO]\n"
		"\n"
		"run  runs one pass of the active automations, as the server's\n"
		"     \"automations\" job does every automation_tick seconds: every live\n"
		"     ticket not closed, %d a transaction, each automation acting at\n"
		"     most once per ticket per window, its mail queued and its changes\n"
		"     run through the SLA, the triggers and routing as a server's write\n"
		"     would. --now takes the pass to that instant (\"2026-12-09T09:30Z\");\n"
		"     default: now. The server may keep running. A progress bar on a\n"
		"     terminal; prints the tickets looked at, those loaded, the firings\n"
		"     and the seconds it took.\n"
		"\n"
		"The database is FRONTLINE_DB's when set, as for serve.\n",
		FL_AUTOMATION_BATCH);
}

static void progress(void *arg, int64_t done, int64_t total)
{
	fl_progress_update(arg, (uint64_t)done, (uint64_t)(total ? total : 1));
}

int fl_cmd_automations(int argc, char **argv)
{
	static const char *const verbs[] = {"run", NULL};
	struct fl_cli_pass cmd = {.verbs = verbs, .usage = usage, .takes_now = 1};
	struct fl_automation_pass out;
	struct fl_progress bar;
	struct fl_config cfg;
	struct fl_err e = {0};
	int64_t now;
	uint64_t t0;
	fl_store *store;
	int rc;

	/* what the pass writes is a write like the server's: its mail goes to
	 * the outbox, and the ticket hooks run as the server's do */
	if ((rc = fl_cli_pass_open(argc, argv, &cmd, &cfg, &store)) >= 0)
		return rc;
	now = cmd.now;
	/* at the instant asked, every write of the pass is stamped then too
	 * (its audits, the clocks it moves): the next pass reads them so */
	if (now)
		fl_time_freeze(now);
	else
		now = fl_now();
	t0 = fl_mono_us();
	fl_progress_start(&bar, "automations");
	rc = fl_automations_run(store, now, progress, &bar, &out, &e);
	fl_progress_end(&bar);
	fl_store_free(store);
	if (rc)
		return fl_cli_fail("automations run", &e);
	printf("{\"tickets\": %" PRId64 ", \"candidates\": %" PRId64 ", \"fired\": %" PRId64
	       ", \"seconds\": %.3f}\n",
	       out.tickets, out.candidates, out.fired, (double)(fl_mono_us() - t0) / 1e6);
	return 0;
}
