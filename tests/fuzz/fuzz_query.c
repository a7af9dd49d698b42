/* libFuzzer target: the search query language.
 *
 * The input is what a user types into search. It is parsed, and when it
 * parses it runs against a real store (SQLite with its full-text index) as
 * an agent and as an end user, so that no query can make the SQL or the
 * FTS5 expression we build fail: a storage error here is a bug (abort). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb/kb.h"
#include "search/query.h"
#include "store/store.h"
#include "store/tickets.h"
#include "tickets/ticket.h"

static fl_store *store;

struct run {
	const struct fl_filter *f;
};

/* The same bytes as an article search: whatever the words, the index
 * answers (a refusal is a 422, never a statement the database rejects). */
struct kb_run {
	const char *query;
	fl_arena *a;
};

static int tx_kb(fl_tx *tx, void *arg)
{
	struct kb_run *k = arg;
	struct fl_kb_search_in in = {k->query, "en", FL_KB_AGENTS, NULL, 0, 0, 1, 10};
	struct fl_kb_search_out out;
	struct fl_err e;
	int rc = fl_kb_search(tx, &in, k->a, &out, &e);
	return rc == FL_EINVAL ? 0 : rc;
}

static int tx_run(fl_tx *tx, void *arg)
{
	struct run *r = arg;
	struct fl_page pg = {FL_SORT_RELEVANCE, 1, 10, 0, 0, 0, 0};
	struct fl_ticket *rows;
	size_t n;
	int64_t count;
	fl_arena a;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_ticket_find(tx, r->f, &pg, &a, &rows, &n);
	if (!rc)
		rc = fl_store_ticket_count(tx, r->f, &count);
	fl_arena_free(&a);
	return rc;
}

static int tx_seed(fl_tx *tx, void *arg)
{
	struct fl_user u = {0};
	struct fl_ticket_patch p = {0};
	struct fl_ticket t;
	struct fl_actor agent;
	fl_arena a;
	int rc;

	(void)arg;
	fl_arena_init(&a, 0);
	u.role = FL_ROLE_AGENT;
	u.name = "Agent";
	u.email = "agent@example.com";
	rc = fl_user_create(tx, &u, NULL, NULL);
	agent = (struct fl_actor){u.id, FL_ROLE_AGENT};
	p.has_subject = 1;
	p.subject = "Ąžuolas: посилка не прийшла";
	p.comment_body = "Sąskaita faktūra, refund \"quoted\" NEAR(a b) -x *";
	p.comment_public = 1;
	if (!rc)
		rc = fl_ticket_create(tx, &agent, &p, &a, &t, NULL);
	fl_arena_free(&a);
	return rc;
}

static void setup(void)
{
	struct fl_store_opts o = {0};
	char dir[] = "/tmp/fl-fuzz-XXXXXX", path[64];

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/q.db", dir);
	o.target = path;
	o.sync_full = 0;
	if (fl_store_open(&store, &o, NULL) || fl_store_write(store, tx_seed, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fl_err e = {0};
	struct fl_filter f;
	struct fl_people_query people;
	struct fl_actor viewers[2] = {{1, FL_ROLE_AGENT}, {2, FL_ROLE_END_USER}};
	fl_arena a;

	if (!store)
		setup();
	fl_arena_init(&a, 0);
	for (int i = 0; i < 2; i++) {
		struct run r = {&f};
		int rc;
		if (fl_query_parse((fl_str){(const char *)data, size}, viewers[i].id, &a, &f,
				   &people, &e))
			break;
		fl_ticket_scope(&viewers[i], &f);
		rc = fl_store_read(store, tx_run, &r);
		if (rc) {
			fprintf(stderr, "query %.*s failed in the store: %d\n", (int)size, data,
				rc);
			abort();
		}
	}
	{
		char *q = fl_arena_strndup(&a, (const char *)data, size);
		struct kb_run k = {q, &a};
		if (q && strlen(q) == size && fl_store_read(store, tx_kb, &k)) {
			fprintf(stderr, "article search %.*s failed in the store\n", (int)size,
				data);
			abort();
		}
	}
	fl_arena_free(&a);
	return 0;
}
