/* frontline seed: a large desk at once, through the store, for benchmarks */
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/progress.h"
#include "core/time.h"
#include "kb/kb.h"
#include "store/kb.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"
#include "users/user.h"

/* Tickets a write transaction: big enough that a commit's cost is spread
 * thin, small enough that readers of a running server wait little. */
#define BATCH 2000
#define LINE_MAX_BYTES (64 * 1024)
#define SPAN (365 * 86400) /* creation times spread over the past year */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frontline seed --data DIR --tickets N [--agents A] [--groups G]\n"
		"                      [--customers C] < TICKETS\n"
		"       frontline seed --data DIR --articles N [--agents A] < ARTICLES\n"
		"\n"
		"Writes up to N tickets read from standard input, one JSON object a line\n"
		"in the shape of the \"ticket\" of POST /api/v2/tickets (subject,\n"
		"comment.body, status, priority, type, tags: bench/tickets.mjs prints\n"
		"them from bench/corpus.mjs), each with its first comment, through the\n"
		"store's insert path, 2,000 tickets a transaction and up to four\n"
		"transactions at once (PostgreSQL; SQLite takes them in turn), with a\n"
		"progress bar.\n"
		"It is how bench/run.sh seeds a million tickets in minutes instead of\n"
		"hours: it writes no audit, sends no notification and queues no job.\n"
		"\n"
		"First it adds A agents (bench-agent-K@example.com, no password, default\n"
		"20), G groups (Bench group K, default 5) and C customers\n"
		"(bench-customer-K@example.com, default 5000), or finds those an\n"
		"earlier seed of the desk made: a second run tops the desk up.\n"
		"Ticket K's requester is customer K mod C; a ticket that is not\n"
		"new has an assignee four times in five and a group two times in three;\n"
		"creation times spread over the past year in input order, the last\n"
		"line being the newest, and a solved or closed ticket was solved when\n"
		"it was last updated. The database is FRONTLINE_DB's when set, as for\n"
		"serve. Input that ends early ends the seeding there, successfully.\n"
		"\n"
		"Prints the tickets written and the highest ticket id.\n"
		"\n"
		"With --articles, writes up to N knowledge-base articles instead, one\n"
		"JSON object a line (bench/articles.mjs prints them from the demo\n"
		"desk's articles): {\"category\": {key, position, translations:\n"
		"{locale: {name, description}}}, \"section\": {the same},\n"
		"\"article\": {position, labels, visibility, promoted, translations:\n"
		"{locale: {title, body}}}}, body in Markdown. Each is saved as the\n"
		"API saves one (rendered, sanitized, revised and indexed), published,\n"
		"its author the first bench agent, ARTICLE_BATCH articles a\n"
		"transaction, with a progress bar. A category or section is made the\n"
		"first time its key is met in this run (keys are not stored: a\n"
		"second run makes new ones). Prints the articles and translations\n"
		"written.\n");
}

/* Batches written at once: PostgreSQL's store has several writer
 * connections, and a batch spends most of its time waiting for the
 * database's answers; SQLite's one writer takes them in turn. */
#define IN_FLIGHT 4

struct seed;

/* BATCH lines of the input, tickets first..first+n-1, and how they went. */
struct batch {
	struct seed *s;
	int64_t first;
	char *lines[BATCH];
	size_t n;
	int busy, rc;
	struct fl_err err;
};

struct seed {
	int64_t total, nagents, ngroups, ncustomers;
	int64_t *agents, *groups, *customers;
	int64_t now, read, done;
	int64_t translations; /* --articles: the translations written */
	struct batch b[IN_FLIGHT];
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a batch finished */
	int rc;
	struct fl_err err;
};

/* A user of role with the e-mail bench-<kind>-<k>@example.com: the one an
 * earlier seed of this desk made, or a new one. */
static int add_person(fl_tx *tx, struct seed *s, int role, const char *kind, int64_t k, int64_t *id)
{
	char email[96], name[96];
	struct fl_user u = {0};
	fl_arena a;
	int rc;

	snprintf(email, sizeof email, "bench-%s-%lld@example.com", kind, (long long)k);
	snprintf(name, sizeof name, "Bench %s %lld", kind, (long long)k);
	fl_arena_init(&a, 0);
	rc = fl_store_user_by_email(tx, email, &a, &u);
	fl_arena_free(&a);
	if (rc != FL_ENOTFOUND) {
		*id = u.id;
		return rc;
	}
	u = (struct fl_user){0};
	u.role = role;
	u.name = name;
	u.email = email;
	u.created_at = u.updated_at = s->now;
	rc = fl_user_create(tx, &u, NULL, &s->err);
	if (!rc)
		*id = u.id;
	return rc;
}

static int tx_people(fl_tx *tx, void *arg)
{
	struct seed *s = arg;
	int rc = 0;

	for (int64_t k = 0; k < s->ngroups && !rc; k++) {
		char name[64];
		struct fl_group g = {0};
		snprintf(name, sizeof name, "Bench group %lld", (long long)k + 1);
		g.name = name;
		g.description = (char *)"";
		g.created_at = g.updated_at = s->now;
		rc = fl_store_group_by_name(tx, name, &g.id);
		if (rc == FL_ENOTFOUND)
			rc = fl_store_group_insert(tx, &g);
		s->groups[k] = g.id;
	}
	for (int64_t k = 0; k < s->nagents && !rc; k++) {
		rc = add_person(tx, s, FL_ROLE_AGENT, "agent", k + 1, &s->agents[k]);
		if (!rc && s->ngroups)
			rc = fl_store_group_member_add(tx, s->groups[k % s->ngroups], s->agents[k]);
	}
	for (int64_t k = 0; k < s->ncustomers && !rc; k++)
		rc = add_person(tx, s, FL_ROLE_END_USER, "customer", k + 1, &s->customers[k]);
	return rc;
}

static int parse_enum(json_t *v, int (*parse)(fl_str), int dflt)
{
	const char *z = json_string_value(v);
	int x = z ? parse(fl_str_c(z)) : -1;
	return x < 0 ? dflt : x;
}

/* Reads ticket k of the input (its JSON in line) into t, in a. */
static int read_ticket(const struct seed *s, struct fl_err *e, int64_t k, const char *line,
		       fl_arena *a, struct fl_ticket *t, const char **body)
{
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr), *tags, *v;
	const char *subject = json_string_value(json_object_get(o, "subject"));
	size_t i;

	*body = json_string_value(json_object_get(json_object_get(o, "comment"), "body"));
	if (!subject || !*body) {
		json_decref(o);
		return fl_err_set(e, FL_EINVAL, NULL, NULL,
				  "ticket %lld: a line needs a subject and a comment body",
				  (long long)k + 1);
	}
	memset(t, 0, sizeof *t);
	t->subject = fl_arena_strdup(a, subject);
	t->description = fl_arena_strdup(a, *body);
	*body = t->description;
	t->status = parse_enum(json_object_get(o, "status"), fl_status_parse, FL_STATUS_NEW);
	t->priority = parse_enum(json_object_get(o, "priority"), fl_priority_parse, 0);
	t->type = parse_enum(json_object_get(o, "type"), fl_type_parse, 0);
	tags = json_object_get(o, "tags");
	json_array_foreach(tags, i, v) if (json_is_string(v) && t->ntags < FL_TICKET_MAX_TAGS)
		t->tags[t->ntags++] = fl_arena_strdup(a, json_string_value(v));
	json_decref(o);
	if (!t->subject || !t->description)
		return FL_ENOMEM;
	for (size_t j = 0; j < t->ntags; j++)
		if (!t->tags[j])
			return FL_ENOMEM;
	t->channel = k % 3 ? FL_CHANNEL_WEB : FL_CHANNEL_EMAIL;
	t->requester_id = t->submitter_id = s->customers[k % s->ncustomers];
	if (t->status != FL_STATUS_NEW && s->nagents && k % 5)
		t->assignee_id = s->agents[(k / 5) % s->nagents];
	if (s->ngroups && k % 3)
		t->group_id = s->groups[k % s->ngroups];
	t->created_at = s->now - SPAN + (int64_t)(SPAN * (k + 1) / s->total);
	t->updated_at = t->created_at + (k % 72) * 3600;
	if (t->updated_at > s->now)
		t->updated_at = s->now;
	t->updated_stamp = t->updated_at * 1000;
	if (t->status >= FL_STATUS_SOLVED)
		t->solved_at = t->updated_at;
	return 0;
}

static int tx_batch(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	fl_arena a;
	fl_buf html;
	int rc = 0;

	fl_arena_init(&a, 0);
	fl_buf_init(&html, 0);
	for (size_t i = 0; i < b->n && !rc; i++) {
		int64_t k = b->first + (int64_t)i;
		struct fl_ticket t;
		struct fl_comment c = {0};
		const char *body;

		html.n = 0;
		if ((rc = read_ticket(b->s, &b->err, k, b->lines[i], &a, &t, &body)) ||
		    (rc = fl_store_ticket_insert(tx, &t)) || (rc = fl_text_to_html(body, &html)))
			break;
		c.ticket_id = t.id;
		c.author_id = t.requester_id;
		c.public = 1;
		c.body = (char *)body;
		c.html_body = html.p;
		c.channel = t.channel;
		c.created_at = t.created_at;
		rc = fl_store_comment_insert(tx, &c);
	}
	fl_buf_free(&html);
	fl_arena_free(&a);
	return rc;
}

/* On the writer's thread, after the commit (or the failure). */
static void batch_done(void *arg, int rc)
{
	struct batch *b = arg;
	struct seed *s = b->s;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < b->n; i++)
		free(b->lines[i]);
	s->done += (int64_t)b->n;
	if (rc && !s->rc) {
		s->rc = rc;
		s->err = b->err;
	}
	b->n = 0;
	b->busy = 0;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* A batch no write holds, once there is one (under s->lock). */
static struct batch *free_batch(struct seed *s)
{
	for (;;) {
		for (int i = 0; i < IN_FLIGHT; i++)
			if (!s->b[i].busy)
				return &s->b[i];
		pthread_cond_wait(&s->cond, &s->lock);
	}
}

/* Reads the input into batches and writes each as it fills, IN_FLIGHT at
 * once at most, the progress bar updated as they finish. */
static int write_tickets(fl_store *store, struct seed *s, struct fl_progress *bar)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len = 0;
	int rc = 0;

	while (!rc && len >= 0) {
		struct batch *b;
		int64_t done;
		pthread_mutex_lock(&s->lock);
		b = free_batch(s);
		rc = s->rc;
		done = s->done;
		pthread_mutex_unlock(&s->lock);
		fl_progress_update(bar, (uint64_t)done, (uint64_t)s->total);
		b->first = s->read;
		/* a last line without its newline was cut: it ends the input */
		while (!rc && b->n < BATCH && s->read < s->total &&
		       (len = getline(&line, &cap, stdin)) > 0 && line[len - 1] == '\n') {
			if (len > LINE_MAX_BYTES || !(b->lines[b->n] = strdup(line)))
				rc = fl_err_set(&s->err, FL_ETOOBIG, NULL, NULL,
						"ticket %lld: a line is too long",
						(long long)s->read + 1);
			else
				b->n++, s->read++;
		}
		if (s->read == s->total || (len > 0 && line[len - 1] != '\n'))
			len = -1;
		if (!b->n)
			break;
		b->busy = 1;
		if (!rc && (rc = fl_store_write_async(store, tx_batch, b, batch_done, b)))
			batch_done(b, rc);
	}
	free(line);
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < IN_FLIGHT; i++)
		while (s->b[i].busy)
			pthread_cond_wait(&s->cond, &s->lock);
	rc = rc ? rc : s->rc;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Articles a write transaction: each is a few dozen statements and a
 * Markdown rendering per translation, so fewer than tickets. */
#define ARTICLE_BATCH 100
#define ARTICLE_LINE_MAX (1024 * 1024)
#define KEYS_MAX 100000

/* A category's or section's key in the input, and the id it got. */
struct key_id {
	char *key;
	int64_t id;
};

struct articles {
	struct seed *s;
	struct fl_actor actor;
	struct key_id *cats, *secs;
	size_t ncats, nsecs;
	char *lines[ARTICLE_BATCH];
	size_t n;
	int64_t first, articles, translations;
};

static int64_t key_find(const struct key_id *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return v[i].id;
	return 0;
}

static int key_add(struct key_id **v, size_t *n, const char *key, int64_t id)
{
	struct key_id *w;
	char *k;

	if (*n >= KEYS_MAX)
		return FL_ETOOBIG;
	if (!(w = realloc(*v, (*n + 1) * sizeof **v)))
		return FL_ENOMEM;
	*v = w;
	if (!(k = strdup(key)))
		return FL_ENOMEM;
	w[(*n)++] = (struct key_id){k, id};
	return 0;
}

/* The category (section: 1, in category_id) o describes: the one made
 * earlier in this run under its key, or a new one with its names. */
static int tree_node(fl_tx *tx, struct articles *g, json_t *o, int section, int64_t category_id,
		     int64_t *id)
{
	const char *key = json_string_value(json_object_get(o, "key"));
	json_t *tr = json_object_get(o, "translations"), *v;
	int position = (int)json_integer_value(json_object_get(o, "position"));
	int64_t now = g->s->now;
	const char *locale;
	int rc;

	if (!key || !json_object_size(tr))
		return fl_err_set(&g->s->err, FL_EINVAL, NULL, NULL,
				  "article %lld: a %s needs a key and translations",
				  (long long)g->first + 1, section ? "section" : "category");
	if ((*id = key_find(section ? g->secs : g->cats, section ? g->nsecs : g->ncats, key)))
		return 0;
	if (section) {
		struct fl_kb_section c = {.category_id = category_id,
					  .position = position,
					  .source_locale = (char *)"en",
					  .created_at = now,
					  .updated_at = now};
		rc = fl_store_kb_section_insert(tx, &c);
		*id = c.id;
	} else {
		struct fl_kb_category c = {.position = position,
					   .source_locale = (char *)"en",
					   .created_at = now,
					   .updated_at = now};
		rc = fl_store_kb_category_insert(tx, &c);
		*id = c.id;
	}
	json_object_foreach(tr, locale, v)
	{
		struct fl_kb_name n = {(char *)fl_kb_locale_name(locale),
				       (char *)json_string_value(json_object_get(v, "name")),
				       (char *)json_string_value(json_object_get(v, "description")),
				       now};
		if (!n.description)
			n.description = "";
		if (!rc && !(rc = fl_kb_name_check(&n, "name", &g->s->err)))
			rc = fl_store_kb_name_put(tx, section ? "section" : "category", *id, &n);
	}
	if (!rc)
		rc = section ? key_add(&g->secs, &g->nsecs, key, *id)
			     : key_add(&g->cats, &g->ncats, key, *id);
	return rc;
}

/* One line: its category and section, then the article with its first
 * translation (in fl_kb_locales order) and the others, as the API saves
 * them. */
static int write_article(fl_tx *tx, struct articles *g, const char *line, fl_arena *a)
{
	json_error_t jerr;
	json_t *o = json_loads(line, 0, &jerr), *art_in, *tr, *labels, *v;
	struct fl_kb_article art = {0};
	const char *names[FL_KB_LABELS_MAX];
	int64_t cat, sec;
	size_t nlabels = 0, i;
	int rc, made = 0;

	art_in = json_object_get(o, "article");
	tr = json_object_get(art_in, "translations");
	if (!o || !json_object_size(tr)) {
		json_decref(o);
		return fl_err_set(&g->s->err, FL_EINVAL, NULL, NULL,
				  "article %lld: a line needs an article with translations",
				  (long long)g->first + 1);
	}
	if ((rc = tree_node(tx, g, json_object_get(o, "category"), 0, 0, &cat)) ||
	    (rc = tree_node(tx, g, json_object_get(o, "section"), 1, cat, &sec)))
		goto out;
	labels = json_object_get(art_in, "labels");
	json_array_foreach(labels, i, v) if (json_is_string(v) && nlabels < FL_KB_LABELS_MAX)
		names[nlabels++] = json_string_value(v);
	art.section_id = sec;
	art.position =
		(int)json_integer_value(json_object_get(art_in, "position")) % FL_KB_POSITION_MAX;
	art.promoted = json_is_true(json_object_get(art_in, "promoted"));
	art.visibility =
		fl_kb_visibility_parse(json_string_value(json_object_get(art_in, "visibility")));
	if (art.visibility < 0)
		art.visibility = FL_KB_PUBLIC;
	if ((rc = fl_kb_labels_join(names, nlabels, a, &art.labels, &g->s->err)))
		goto out;
	for (int l = 0; l < FL_KB_NLOCALES && !rc; l++) {
		json_t *t_in = json_object_get(tr, fl_kb_locales[l]);
		struct fl_kb_translation t = {0};
		if (!t_in)
			continue;
		t.title = (char *)json_string_value(json_object_get(t_in, "title"));
		t.body_md = (char *)json_string_value(json_object_get(t_in, "body"));
		t.locale = (char *)fl_kb_locales[l];
		if (!made) {
			art.source_locale = t.locale;
			rc = fl_kb_article_create(tx, &g->actor, &art, &t, a, &g->s->err);
			made = 1;
		} else {
			t.article_id = art.id;
			rc = fl_kb_translation_save(tx, &g->actor, &t, 1, a, &g->s->err);
		}
		if (!rc)
			g->translations++;
	}
	if (!rc)
		g->articles++;
out:
	json_decref(o);
	return rc;
}

static int tx_articles(fl_tx *tx, void *arg)
{
	struct articles *g = arg;
	int rc = 0;

	for (size_t i = 0; i < g->n && !rc; i++) {
		fl_arena a;
		fl_arena_init(&a, 0);
		rc = write_article(tx, g, g->lines[i], &a);
		fl_arena_free(&a);
		g->first++;
	}
	return rc;
}

/* Reads the input ARTICLE_BATCH lines at a time and writes each batch in
 * its own transaction, in turn. */
static int write_articles(fl_store *store, struct seed *s, struct fl_progress *bar)
{
	struct articles g = {.s = s};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len = 0;
	int rc = 0;

	if (!s->nagents)
		return fl_err_set(&s->err, FL_EINVAL, NULL, NULL,
				  "articles need an author: --agents must be at least 1");
	g.actor = (struct fl_actor){s->agents[0], FL_ROLE_AGENT, 0};
	while (!rc && len >= 0 && s->read < s->total) {
		int64_t before = s->read;
		g.n = 0;
		g.first = s->read;
		while (!rc && g.n < ARTICLE_BATCH && s->read < s->total &&
		       (len = getline(&line, &cap, stdin)) > 0 && line[len - 1] == '\n') {
			if (len > ARTICLE_LINE_MAX || !(g.lines[g.n] = strdup(line)))
				rc = fl_err_set(&s->err, FL_ETOOBIG, NULL, NULL,
						"article %lld: a line is too long",
						(long long)s->read + 1);
			else
				g.n++, s->read++;
		}
		if (len > 0 && line[len - 1] != '\n')
			len = -1; /* a last line without its newline was cut */
		if (!rc && g.n) {
			int64_t a0 = g.articles, t0 = g.translations;
			rc = fl_store_write(store, tx_articles, &g);
			if (rc) /* rolled back: none of the batch was written */
				g.articles = a0, g.translations = t0;
		}
		for (size_t i = 0; i < g.n; i++)
			free(g.lines[i]);
		s->done = g.articles;
		fl_progress_update(bar, (uint64_t)s->done, (uint64_t)s->total);
		if (s->read == before)
			break;
	}
	free(line);
	for (size_t i = 0; i < g.ncats; i++)
		free(g.cats[i].key);
	for (size_t i = 0; i < g.nsecs; i++)
		free(g.secs[i].key);
	free(g.cats);
	free(g.secs);
	s->translations = g.translations;
	return rc;
}

static int last_id(fl_tx *tx, void *arg)
{
	return fl_store_ticket_last_id(tx, arg);
}

static int number(const char *z, int64_t lo, int64_t *out)
{
	return fl_str_to_i64(fl_str_c(z), out) || *out < lo;
}

int fl_cmd_seed(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, 0, 'd'},
		{"config", required_argument, 0, 'c'},
		{"tickets", required_argument, 0, 't'},
		{"articles", required_argument, 0, 'r'},
		{"agents", required_argument, 0, 'a'},
		{"groups", required_argument, 0, 'g'},
		{"customers", required_argument, 0, 'u'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct fl_cli_flags flags = {0};
	struct fl_config cfg;
	struct fl_progress bar;
	struct seed s = {.nagents = 20, .ngroups = 5, .ncustomers = 5000};
	fl_store *store;
	int64_t max_id = 0;
	int64_t narticles = 0;
	int opt, bad = 0, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': fl_cli_flag(&flags, "data", optarg); break;
		case 'c': flags.config = optarg; break;
		case 't': bad |= number(optarg, 1, &s.total); break;
		case 'r': bad |= number(optarg, 1, &narticles); break;
		case 'a': bad |= number(optarg, 0, &s.nagents); break;
		case 'g': bad |= number(optarg, 0, &s.ngroups); break;
		case 'u': bad |= number(optarg, 1, &s.ncustomers); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* one kind a run: both read standard input */
	if (bad || !s.total == !narticles || optind < argc || s.nagents > 10000 ||
	    s.ngroups > 10000 || s.ncustomers > 1000000) {
		usage(stderr);
		return 2;
	}
	if (fl_cli_config(&cfg, &flags) || fl_cli_open_store(&cfg, &store))
		return 1;
	s.now = fl_now();
	for (int i = 0; i < IN_FLIGHT; i++)
		s.b[i].s = &s;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	s.agents = calloc((size_t)s.nagents + 1, sizeof *s.agents);
	s.groups = calloc((size_t)s.ngroups + 1, sizeof *s.groups);
	if (narticles) {
		s.total = narticles;
		/* articles have no requester: only their author is needed */
		s.ncustomers = 0;
	}
	s.customers = calloc((size_t)s.ncustomers + 1, sizeof *s.customers);
	rc = !s.agents || !s.groups || !s.customers ? FL_ENOMEM
						    : fl_store_write(store, tx_people, &s);
	fl_progress_start(&bar, "seed");
	if (!rc)
		rc = narticles ? write_articles(store, &s, &bar) : write_tickets(store, &s, &bar);
	fl_progress_update(&bar, (uint64_t)s.done, (uint64_t)s.total);
	fl_progress_end(&bar);
	if (!rc && !narticles)
		rc = fl_store_read(store, last_id, &max_id);
	free(s.agents);
	free(s.groups);
	free(s.customers);
	pthread_mutex_destroy(&s.lock);
	pthread_cond_destroy(&s.cond);
	fl_store_free(store);
	if (rc)
		return fl_cli_fail("seed", &s.err);
	if (narticles)
		printf("{\"articles\": %lld, \"translations\": %lld}\n", (long long)s.done,
		       (long long)s.translations);
	else
		printf("{\"tickets\": %lld, \"max_id\": %lld}\n", (long long)s.done,
		       (long long)max_id);
	return 0;
}
