/* The engine's evaluation alone: TRIGGERS rules (default 200) of three
 * conditions each — a tag, a word in the comment, a status; none matches,
 * so each is evaluated in full, as bench/triggers.sh's — evaluated against
 * one update's context, ROUNDS times; prints the time per update.
 *
 *   cc -O2 -D_GNU_SOURCE -Isrc bench/rules_eval.c build/libfrontline.a LIBS -lm \
 *      -o /tmp/rules_eval && /tmp/rules_eval [TRIGGERS] [ROUNDS]
 *
 * LIBS: the libraries the binary links (jansson, sqlite3, pq, gmime, glib,
 * curl, gumbo, sodium, microhttpd, -pthread; `meson introspect build
 * --dependencies` lists them). Pure C over memory: no store, no server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rules/rule.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 20000;
	struct fl_rule *rules = calloc((size_t)n, sizeof *rules);
	static char *tags[] = {"billing", "eu", "gold", "vip"};
	struct fl_ticket t = {.id = 1,
			      .subject = "Where is my parcel?",
			      .status = FL_STATUS_OPEN,
			      .priority = FL_PRIORITY_NORMAL,
			      .requester_id = 5,
			      .ntags = 4};
	struct fl_rule_ctx c = {.t = &t,
				.before = &t,
				.update_type = FL_RULE_UPDATE_CHANGE,
				.comment =
					"Checked the courier's tracking: it left the depot "
					"this morning and should arrive tomorrow.",
				.actor_id = 9,
				.actor_role = FL_ROLE_AGENT,
				.sla_event = -1,
				.sla_metric = -1};
	struct timespec a, b;
	volatile int hits = 0;
	fl_arena ar;

	fl_arena_init(&ar, 0);
	for (size_t i = 0; i < 4; i++)
		t.tags[i] = tags[i];
	for (int i = 0; i < n; i++) {
		char conds[512];
		struct fl_err e;
		json_t *cj,
			*aj = json_loads("[{\"field\":\"priority\",\"value\":\"high\"}]", 0, NULL);
		snprintf(
			conds, sizeof conds,
			"{\"all\":[{\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":"
			"\"bench-%d\"},{\"field\":\"comment_includes_word\",\"operator\":"
			"\"includes\",\"value\":\"refund%d\"},{\"field\":\"status\",\"operator\":"
			"\"is_not\",\"value\":\"closed\"}]}",
			i, i);
		cj = json_loads(conds, 0, NULL);
		if (fl_rule_decode(FL_RULE_TRIGGER, cj, aj, &ar, &rules[i], &e))
			return fprintf(stderr, "%s\n", e.msg), 1;
		json_decref(cj);
		json_decref(aj);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < n; i++)
			hits += fl_rule_matches(&rules[i], &c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%d triggers evaluated per update: %.1f µs (%d rounds, %d matched)\n", n,
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / rounds, rounds,
	       hits);
	fl_arena_free(&ar);
	free(rules);
	return 0;
}
