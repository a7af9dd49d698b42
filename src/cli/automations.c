/* frontline automations run: one pass of the automations
 * (rules/automation.h) by hand, at an instant given — how an operator
 * catches up after downtime, and how the API tests wait days in a moment. */
#include <getopt.h>
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
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"config", required_argument, 0, 'c'},
		{"now", required_argument, 0, 'n'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_automation_pass out;
	struct fl_progress bar;
	struct fl_config cfg;
	struct fl_err e = {0};
	const char *what = argc > 1 ? argv[1] : "";
	int64_t now = 0;
	uint64_t t0;
	fl_store *store;
	int opt, rc;

	if (!strcmp(what, "--help") || !strcmp(what, "-h")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(what, "run")) {
		usage(stderr);
		return 2;
	}
	argc--, argv++;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'c': flags.config = optarg; break;
		case 'n':
			if (fl_time_parse(fl_str_c(optarg), &now) || now <= 0) {
				fprintf(stderr, "frontline automations: --now: not a time: %s\n",
					optarg);
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
	/* what the pass writes is a write like the server's: its mail goes to
	 * the outbox, and the ticket hooks run as the server's do */
	fl_cli_wire(&cfg);
	if (fl_cli_open_store(&cfg, &store))
		return 1;
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
