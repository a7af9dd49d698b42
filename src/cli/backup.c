/* frontline backup */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/progress.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline backup --data DIR --to FILE\n"
		"\n"
		"Copies the database into FILE while the server keeps running (SQLite's\n"
		"online backup), with a progress bar. FILE must not exist; it is made\n"
		"readable by its owner only (mode 0600). Restore by stopping the server\n"
		"and putting FILE in place of DIR/frontline.db.\n");
}

static void progress(void *arg, int done, int total)
{
	fl_progress_update(arg, (uint64_t)done, (uint64_t)total);
}

int fl_cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"config", required_argument, 0, 'c'},
		{"to", required_argument, 0, 't'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct fl_progress bar;
	struct fl_err e = {0};
	const char *to = NULL;
	fl_store *store;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'c': flags.config = optarg; break;
		case 't': to = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!to || optind < argc) {
		usage(stderr);
		return 2;
	}
	if (access(to, F_OK) == 0) {
		fprintf(stderr, "frontline: %s exists; choose a new file\n", to);
		return 1;
	}
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store))
		return 1;
	fl_progress_start(&bar, "backup");
	rc = fl_store_backup(store, to, progress, &bar, &e);
	fl_progress_end(&bar);
	fl_store_free(store);
	if (rc) {
		unlink(to);
		return fl_cli_fail("backup", &e);
	}
	printf("backed up to %s\n", to);
	return 0;
}
