/* frontline search reindex: builds the search indexes again from every
 * ticket's subject and comments (store/tickets.h) and every published
 * article translation (store/kb.h), as the store does by
 * itself when it opens on an index built by another analysis (migration
 * 031, a change of core/text.c: FL_TEXT_VERSION). For operators who want it
 * done at a time they choose, with a progress bar, and for the tests. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/progress.h"
#include "core/text.h"
#include "core/time.h"
#include "store/kb.h"
#include "store/tickets.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline search reindex --data DIR [--config FILE]\n"
		"\n"
		"reindex  builds the search index of tickets again from their subjects\n"
		"         and comments, with this frontline's analysis of words (version\n"
		"         %d: stems in Ukrainian, Russian, Lithuanian and English; see\n"
		"         docs/search.md), %d tickets a transaction. The server may keep\n"
		"         running: searches meanwhile find what is rebuilt. The store\n"
		"         rebuilds a stale index by itself when it opens (serve, migrate);\n"
		"         this does it whenever asked. The knowledge base's articles\n"
		"         are indexed again after the tickets. A progress bar on a\n"
		"         terminal; prints the tickets and the seconds each part took.\n"
		"\n"
		"The database is FRONTLINE_DB's when set, as for serve.\n",
		FL_TEXT_VERSION, FL_REINDEX_BATCH);
}

struct bar {
	struct fl_progress p;
	int64_t total;
};

static void progress(void *arg, int64_t done, int64_t total)
{
	struct bar *b = arg;
	b->total = total;
	fl_progress_update(&b->p, (uint64_t)done, (uint64_t)(total ? total : 1));
}

int fl_cmd_search(int argc, char **argv)
{
	static const char *const verbs[] = {"reindex", NULL};
	struct fl_cli_pass cmd = {.verbs = verbs, .usage = usage};
	struct fl_config cfg;
	struct bar bar = {0};
	int64_t tickets = 0;
	uint64_t t0, t1 = 0;
	fl_store *store;
	int rc;

	if ((rc = fl_cli_pass_open(argc, argv, &cmd, &cfg, &store)) >= 0)
		return rc;
	t0 = fl_mono_us();
	fl_progress_start(&bar.p, "search index");
	rc = fl_store_search_reindex(store, progress, &bar, &tickets);
	fl_progress_end(&bar.p);
	if (!rc) { /* the knowledge base's articles: the same analysis */
		t1 = fl_mono_us();
		rc = fl_store_kb_reindex(store);
	}
	fl_store_free(store);
	if (rc) {
		struct fl_err e = {0};
		fl_err_set(&e, rc, NULL, NULL, "cannot rebuild the search index (%s)",
			   fl_err_name(rc));
		return fl_cli_fail("search reindex", &e);
	}
	printf("{\"tickets\": %" PRId64 ", \"seconds\": %.3f, \"articles_seconds\": %.3f}\n",
	       tickets, (double)(t1 - t0) / 1e6, (double)(fl_mono_us() - t1) / 1e6);
	return 0;
}
