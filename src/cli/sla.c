/* frontline sla: the SLA clocks' work run by hand (sla/refresh.h) — a
 * recompute after an upgrade or a restore, a scheduler tick — each timed,
 * for operators and for bench/sla.sh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/progress.h"
#include "core/str.h"
#include "core/time.h"
#include "sla/refresh.h"
#include "store/tickets.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline sla recompute --data DIR\n"
		"       frontline sla tick --data DIR [--times N]\n"
		"\n"
		"recompute  measures every ticket's SLA again, as the server's\n"
		"           sla-recompute job does after a policy or schedule changes:\n"
		"           quietly (no warning or breach from the past is fired), %d\n"
		"           tickets a transaction, with a progress bar. Useful after an\n"
		"           upgrade that changes how SLAs are measured, or a restore. The\n"
		"           server may keep running. Prints the tickets measured and the\n"
		"           seconds it took.\n"
		"tick       runs the server's scheduler tick (sla-tick) N times in a row\n"
		"           (default 1), each in its own write transaction: fires the\n"
		"           warnings and breaches due now. Their live events reach the\n"
		"           servers of a PostgreSQL store only. Prints the tickets\n"
		"           refreshed and each tick's latency (p50, p99, worst, in\n"
		"           microseconds).\n"
		"\n"
		"The database is FRONTLINE_DB's when set, as for serve.\n",
		FL_SLA_RECOMPUTE_BATCH);
}

/* One batch of the recompute, after ticket id `after`. */
struct batch {
	int64_t after, last, now;
	size_t n;
};

static int tx_batch(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	return fl_sla_recompute(tx, NULL, b->after, FL_SLA_RECOMPUTE_BATCH, b->now, &b->last,
				&b->n);
}

static int last_id(fl_tx *tx, void *arg)
{
	return fl_store_ticket_last_id(tx, arg);
}

static int recompute(fl_store *store)
{
	struct batch b = {.now = fl_now()};
	struct fl_progress bar;
	uint64_t t0 = fl_mono_us();
	int64_t max_id = 0, done = 0;
	int rc = fl_store_read(store, last_id, &max_id);

	fl_progress_start(&bar, "sla recompute");
	/* the bar goes by ticket id: ids are dense enough for a bar */
	while (!rc) {
		b.after = b.last;
		if ((rc = fl_store_write(store, tx_batch, &b)))
			break;
		done += (int64_t)b.n;
		fl_progress_update(&bar, (uint64_t)b.last, (uint64_t)(max_id ? max_id : 1));
		if (b.n < FL_SLA_RECOMPUTE_BATCH)
			break;
	}
	fl_progress_end(&bar);
	if (rc) {
		struct fl_err e = {0};
		fl_err_set(&e, rc, NULL, NULL, "cannot measure the tickets after %" PRId64 " (%s)",
			   b.after, fl_err_name(rc));
		return fl_cli_fail("sla recompute", &e);
	}
	printf("{\"tickets\": %" PRId64 ", \"seconds\": %.3f}\n", done,
	       (double)(fl_mono_us() - t0) / 1e6);
	return 0;
}

struct tick {
	size_t n;
};

static int tx_tick(fl_tx *tx, void *arg)
{
	struct tick *t = arg;
	return fl_sla_tick(tx, fl_now(), FL_SLA_TICK_MAX, &t->n);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int tick(fl_store *store, int64_t times)
{
	uint64_t *us = calloc((size_t)times, sizeof *us);
	int64_t refreshed = 0;
	int rc = us ? 0 : FL_ENOMEM;

	for (int64_t i = 0; !rc && i < times; i++) {
		struct tick t = {0};
		uint64_t t0 = fl_mono_us();
		rc = fl_store_write(store, tx_tick, &t);
		us[i] = fl_mono_us() - t0;
		refreshed += (int64_t)t.n;
	}
	if (rc) {
		struct fl_err e = {0};
		free(us);
		fl_err_set(&e, rc, NULL, NULL, "cannot fire the SLA events due (%s)",
			   fl_err_name(rc));
		return fl_cli_fail("sla tick", &e);
	}
	qsort(us, (size_t)times, sizeof *us, by_value);
	printf("{\"ticks\": %" PRId64 ", \"refreshed\": %" PRId64 ", \"p50_us\": %" PRIu64
	       ", \"p99_us\": %" PRIu64 ", \"max_us\": %" PRIu64 "}\n",
	       times, refreshed, us[(times - 1) / 2], us[(times * 99 + 99) / 100 - 1],
	       us[times - 1]);
	free(us);
	return 0;
}

int fl_cmd_sla(int argc, char **argv)
{
	static const char *const verbs[] = {"recompute", "tick", NULL};
	struct fl_cli_pass cmd = {.verbs = verbs, .usage = usage, .takes_times = 1};
	struct fl_config cfg;
	fl_store *store;
	int rc;

	if ((rc = fl_cli_pass_open(argc, argv, &cmd, &cfg, &store)) >= 0)
		return rc;
	if (cmd.times && !strcmp(cmd.verb, "recompute")) { /* a tick's option */
		fl_store_free(store);
		usage(stderr);
		return 2;
	}
	rc = !strcmp(cmd.verb, "recompute") ? recompute(store)
					    : tick(store, cmd.times ? cmd.times : 1);
	fl_store_free(store);
	return rc;
}
