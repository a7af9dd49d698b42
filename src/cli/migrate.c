/* frontline migrate: from SQLite in a data folder to PostgreSQL */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/progress.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline migrate --from DIR --to postgres://USER@HOST:PORT/DB [--resume]\n"
		"\n"
		"Copies everything in the SQLite store in the data folder DIR — users,\n"
		"organizations, groups, tickets, comments, the audit trail, the search\n"
		"index, views, settings, sessions, API tokens, queued jobs and the files\n"
		"of attachments kept in the database — into a PostgreSQL database, with\n"
		"a progress bar. Then it compares every table in the two (row counts and\n"
		"checksums of every row) and says whether they match; the exit status is\n"
		"0 only when they do. Files kept in an attachments folder stay there.\n"
		"\n"
		"Stop the server first. The database must be empty (create it with\n"
		"createdb -E UTF8 --locale=C.UTF-8; the schema is made here); a copy that\n"
		"was interrupted goes on with --resume. The store in DIR is brought to\n"
		"this version's schema, as serve would, and otherwise only read.\n"
		"Afterwards serve with --db URI.\n"
		"\n"
		"  --from DIR   the data folder holding frontline.db\n"
		"  --to URI     the PostgreSQL database\n"
		"  --resume     go on after the rows the database already has\n");
}

static void progress(void *arg, uint64_t done, uint64_t total)
{
	fl_progress_update(arg, done, total);
}

static int open_store(const char *target, int sync_full, fl_store **out, const char *what)
{
	struct fl_store_opts o = {target, sync_full, 4, 1};
	struct fl_err e = {0};
	char why[320];

	if (fl_store_open(out, &o, &e) == 0) {
		fl_cli_upgrade_note(*out);
		return 0;
	}
	snprintf(why, sizeof why, "opening the %s", what);
	return fl_cli_fail(why, &e);
}

int fl_cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, 0, 'f'},
		{"to", required_argument, 0, 't'},
		{"resume", no_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_table_check checks[64];
	struct fl_progress bar;
	struct fl_err e = {0};
	const char *from = NULL, *to = NULL;
	fl_store *src = NULL, *dst = NULL;
	char path[600];
	size_t n = 0;
	int opt, resume = 0, rc;
	int64_t rows = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'r': resume = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!from || !to || optind < argc) {
		usage(stderr);
		return 2;
	}
	if (strncmp(to, "postgres://", 11) && strncmp(to, "postgresql://", 13)) {
		fprintf(stderr, "frontline: --to must be a postgres:// URI\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/frontline.db", from);
	if (access(path, R_OK)) {
		fprintf(stderr, "frontline: no store in %s (%s is missing)\n", from, path);
		return 1;
	}
	if (open_store(path, 1, &src, "SQLite store") ||
	    open_store(to, 1, &dst, "PostgreSQL database")) {
		fl_store_free(src);
		return 1;
	}
	fl_progress_start(&bar, "copying");
	rc = fl_store_copy(src, dst, resume, progress, &bar, &e);
	fl_progress_end(&bar);
	if (!rc) {
		fprintf(stderr, "comparing every table…\n");
		rc = fl_store_compare(src, dst, checks, sizeof checks / sizeof *checks, &n, &e);
		if (rc == FL_ECONFLICT || rc == 0) {
			for (size_t i = 0; i < n; i++) {
				rows += checks[i].rows_a;
				if (!checks[i].same)
					fprintf(stderr,
						"  %-22s %lld rows in SQLite, %lld in PostgreSQL: DIFFERENT\n",
						checks[i].table, (long long)checks[i].rows_a,
						(long long)checks[i].rows_b);
			}
		}
		if (rc == FL_ECONFLICT)
			fl_err_set(&e, rc, NULL, NULL,
				   "the copy differs from the original (above)");
	}
	fl_store_free(dst);
	fl_store_free(src);
	if (rc)
		return fl_cli_fail("migrate", &e);
	printf("copied and verified: %lld rows in %zu tables, every checksum matches.\n"
	       "Serve it with: frontline serve --db URI (the same URI)\n",
	       (long long)rows, n);
	return 0;
}
