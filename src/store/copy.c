/* Copying a whole store into another (frontline migrate) and comparing two
 * stores table by table.
 *
 * Every table is read in key order, BATCH rows a read transaction, and
 * written BATCH rows a write transaction with "ON CONFLICT DO NOTHING", so
 * a copy that stops part way can go on from where the target is. The
 * comparison hashes every row (BLAKE2b) and adds the hashes up, which does
 * not depend on the order rows come in: two tables compare equal when they
 * hold the same rows, whatever each database's collation. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/kb.h"
#include "store/store_int.h"
#include "store/tickets.h"

#define BATCH 500
#define BATCH_BYTES 8 /* rows of a table with files in it (up to 20 MiB each) */
#define MAX_COLS 24

struct table {
	const char *name;
	const char *cols;  /* the key columns first */
	const char *types; /* a letter a column: i integer, t text, b bytes */
	const char *key;   /* the first nkey columns */
	int nkey;
	int ids;    /* its "id" is generated: move the generator past the copy */
	int seeded; /* the migrations put rows here: a fresh copy replaces them */
	/* the rows that are data, when the migrations own some too (they are
	 * in both stores and not counted as the target's data) */
	const char *data;
};

/* In an order that satisfies every foreign key. */
static const struct table tables[] = {
	/* the store writes search.text_version when it opens (tickets.h):
	 * the target's own, not data */
	{"settings", "key, value", "tt", "key", 1, 0, 1, "key <> 'search.text_version'"},
	{"tiers", "id, name, name_key, position, created_at, updated_at", "ittiii", "id", 1, 1, 0},
	{"organizations",
	 "id, name, details, notes, domain_names, tags, created_at, updated_at,"
	 " external_id, tier_id",
	 "itttttiiti", "id", 1, 1, 0},
	{"users",
	 "id, role, name, email, phone, organization_id, locale, time_zone, notes,"
	 " details, tags, password_hash, must_change_password, active, suspended,"
	 " created_at, updated_at, last_login_at, external_id, tier_id",
	 "iitttittttttiiiiiiti", "id", 1, 1, 0, "id > 0"},
	{"user_preferences", "user_id, name, value", "itt", "user_id, name", 2, 0, 0},
	{"user_identities", "id, user_id, type, value, is_primary, verified, created_at", "iiitiii",
	 "id", 1, 1, 0},
	{"agent_groups", "id, name, description, deleted, created_at, updated_at", "ittiii", "id",
	 1, 1, 0},
	{"group_members", "group_id, user_id", "ii", "group_id, user_id", 2, 0, 0},
	{"complaint_reasons",
	 "id, parent_id, name_uk, name_ru, name_lt, name_en, position, active, created_at,"
	 " updated_at, deleted_at",
	 "iittttiiiii", "id", 1, 1, 1},
	{"tickets",
	 "id, subject, description, status, priority, type, channel, requester_id,"
	 " submitter_id, assignee_id, group_id, organization_id, custom_fields,"
	 " external_id, created_at, updated_at, solved_at, deleted_at, due_at,"
	 " recipient, problem_id, updated_stamp, complaint_reason_id",
	 "ittiiiiiiiiittiiiiitiii", "id", 1, 1, 0},
	{"ticket_tags", "ticket_id, tag", "it", "ticket_id, tag", 2, 0, 0},
	{"ticket_collaborators", "ticket_id, user_id", "ii", "ticket_id, user_id", 2, 0, 0},
	{"ticket_followers", "ticket_id, user_id", "ii", "ticket_id, user_id", 2, 0, 0},
	{"comments", "id, ticket_id, seq, author_id, public, body, html_body, channel, created_at",
	 "iiiiittii", "id", 1, 1, 0},
	{"audits", "id, ticket_id, author_id, channel, created_at", "iiiii", "id", 1, 1, 0},
	{"audit_events", "id, audit_id, kind, field, value, previous_value, comment_id", "iiittti",
	 "id", 1, 1, 0},
	{"api_tokens", "id, user_id, selector, verifier, description, created_at", "iittti", "id",
	 1, 1, 0},
	{"sessions", "id, user_id, selector, verifier, csrf, created_at, expires_at", "iitttii",
	 "id", 1, 1, 0},
	{"views",
	 "id, title, description, active, position, conditions, sort_by, sort_desc,"
	 " created_at, updated_at, title_translations",
	 "ittiittiiit", "id", 1, 1, 1},
	{"jobs",
	 "id, kind, payload, state, attempts, max_attempts, run_at, lease_until,"
	 " lease_owner, last_error, unique_key, created_at, updated_at, request_id",
	 "ittiiiiitttiit", "id", 1, 1, 0},
	{"job_probes", "id, job_id, runner, attempt, enqueued_at, ran_at", "iitiii", "id", 1, 1, 0},
	{"attachments",
	 "id, token, uploader_id, ticket_id, comment_id, file_name, content_type,"
	 " size, digest, in_db, created_at",
	 "itiiittitii", "id", 1, 1, 0},
	{"attachment_data", "attachment_id, data", "ib", "attachment_id", 1, 0, 0},
	{"mail_messages", "message_id, ticket_id, outbound, created_at", "tiii", "message_id", 1, 0,
	 0},
	{"mailboxes",
	 "id, url, username, password, folder, move_to, starttls, owner_id, active,"
	 " last_polled_at, last_error, created_at, updated_at",
	 "itttttiiiitii", "id", 1, 1, 0},
	{"magic_links", "id, user_id, selector, token_hash, created_at, expires_at, used_at",
	 "iittiii", "id", 1, 1, 0},
	{"mail_auto_sent", "email, message_id, sent_at", "tti", "email, message_id", 2, 0, 0},
	{"mail_auto_address", "email, last_at", "ti", "email", 1, 0, 0},
	{"mail_quarantine", "id, message_id, sender, subject, body, reason, created_at", "ittttti",
	 "id", 1, 1, 0},
	{"mail_outbox",
	 "id, message_id, kind, ticket_id, sender, sender_name, recipients, subject, text_body,"
	 " html_body, raw, state, error, created_at, updated_at",
	 "ittitttttttttii", "id", 1, 1, 0},
	{"schedules", "id, name, time_zone, created_at, updated_at", "ittii", "id", 1, 1, 0},
	{"schedule_intervals", "schedule_id, start_minute, end_minute", "iii",
	 "schedule_id, start_minute", 2, 0, 0},
	{"schedule_holidays", "id, schedule_id, name, start_day, end_day", "iitii", "id", 1, 1, 0},
	{"sla_policies",
	 "id, title, description, position, filter_json, schedule_id, warning_minutes,"
	 " created_at, updated_at",
	 "ittitiiii", "id", 1, 1, 0},
	{"sla_policy_metrics", "id, policy_id, priority, metric, target_minutes, business_hours",
	 "iittii", "id", 1, 1, 0},
	{"ticket_slas", "ticket_id, policy_id, next_breach_at, next_event_at, measured_at", "iiiii",
	 "ticket_id", 1, 0, 0},
	{"ticket_sla_metrics",
	 "ticket_id, metric, policy_id, business_hours, target, stage, breach_at, achieved_at, used,"
	 " cycles, breaches",
	 "itiiitiiiii", "ticket_id, metric", 2, 0, 0},
	{"sla_events",
	 "id, ticket_id, kind, metric, cycle, policy_id, previous_policy_id, at, fired_at",
	 "iittiiiii", "id", 1, 1, 0},
	{"service_contracts",
	 "id, user_id, organization_id, product, level, kind, provider, starts_on, ends_on, notes,"
	 " created_at, updated_at",
	 "iiittttiitii", "id", 1, 1, 0},
	{"agent_availabilities",
	 "user_id, status, status_at, capacity, skills, assigned_at, updated_at", "iiiitii",
	 "user_id", 1, 0, 0},
	{"group_routing", "group_id, method, last_user_id, updated_at", "iiii", "group_id", 1, 0,
	 0},
	{"triggers",
	 "id, title, description, active, position, conditions_json, actions_json, created_at,"
	 " updated_at",
	 "ittiittii", "id", 1, 1, 0},
	{"rule_versions", "kind, version", "ti", "kind", 1, 0, 1},
	{"webhooks",
	 "id, name, description, endpoint, http_method, request_format, status, subscriptions,"
	 " signing_secret, created_by, created_at, updated_at",
	 "ittttttttiii", "id", 1, 1, 0},
	{"webhook_invocations",
	 "id, webhook_id, event, ticket_id, body, status, attempts, created_at, updated_at",
	 "iitittiii", "id", 1, 1, 0},
	{"webhook_attempts", "id, invocation_id, attempt, status_code, error, duration_ms, at",
	 "iiiitii", "id", 1, 1, 0},
	{"tasks",
	 "id, ticket_id, title, notes, due_at, owner_id, done_at, done_by, created_by, created_at,"
	 " updated_at, reminded_at",
	 "iittiiiiiiii", "id", 1, 1, 0},
	{"ticket_checkins", "ticket_id, user_id, sent_at", "iii", "ticket_id", 1, 0, 0},
	{"macros",
	 "id, title, description, active, position, owner_id, group_ids, actions_json, reply_uk,"
	 " reply_ru, reply_lt, reply_en, usage_count, created_by, created_at, updated_at",
	 "ittiiittttttiiii", "id", 1, 1, 0},
	{"automations",
	 "id, title, description, active, position, conditions_json, actions_json, created_at,"
	 " updated_at",
	 "ittiittii", "id", 1, 1, 1},
	{"automation_firings", "automation_id, ticket_id, window_start, fired_at", "iiii",
	 "automation_id, ticket_id, window_start", 3, 0, 0},
	{"ticket_clocks",
	 "ticket_id, status_at, assigned_at, requester_updated_at, assignee_updated_at", "iiiii",
	 "ticket_id", 1, 0, 0},
	{"kb_categories", "id, position, source_locale, created_at, updated_at", "iitii", "id", 1,
	 1, 0},
	{"kb_sections", "id, category_id, position, source_locale, created_at, updated_at",
	 "iiitii", "id", 1, 1, 0},
	{"kb_names", "kind, owner_id, locale, name, description, updated_at", "tittti",
	 "kind, owner_id, locale", 3, 0, 0},
	{"kb_articles",
	 "id, section_id, position, promoted, visibility, labels, author_id, source_locale,"
	 " archived_at, created_at, updated_at",
	 "iiiiititiii", "id", 1, 1, 0},
	{"kb_article_labels", "article_id, name", "it", "article_id, name", 2, 0, 0},
	{"kb_translations",
	 "id, article_id, locale, title, slug, body_md, body_html, draft, author_id, editor_id,"
	 " revision, created_at, updated_at, edited_at",
	 "iitttttiiiiiii", "id", 1, 1, 0},
	{"kb_revisions", "translation_id, n, title, body, markdown, author_id, created_at",
	 "iittiii", "translation_id, n", 2, 0, 0},
	{"kb_votes", "article_id, locale, voter, value, updated_at", "ittii",
	 "article_id, locale, voter", 3, 0, 0},
	{"kb_views", "article_id, locale, n", "iti", "article_id, locale", 2, 0, 0},
	{"kb_article_attachments", "attachment_id, article_id, created_at", "iii", "attachment_id",
	 1, 0, 0},
	{"ticket_articles", "ticket_id, article_id, user_id, created_at", "iiii",
	 "ticket_id, article_id", 2, 0, 0},
	{"kb_searches",
	 "id, query, query_key, locale, results, source, clicked_article_id, created_at, token",
	 "itttitiit", "id", 1, 1, 0},
	{"deflections",
	 "id, created_at, locale, query, outcome, channel, article_id, ticket_id, token_mac",
	 "iittttiit", "id", 1, 1, 0},
	{"deflection_articles", "deflection_id, article_id, position", "iii",
	 "deflection_id, article_id", 2, 0, 0},
	{"nps_surveys",
	 "id, name, question, audience, audience_days, organization_id, tier_id, cool_off_days,"
	 " on_detractor, status, created_by, created_at, updated_at, sent_at, last_user_id, sent,"
	 " skipped_cool_off, skipped_unsubscribed, skipped_bouncing",
	 "itttiiiittiiiiiiiii", "id", 1, 1, 0},
	{"nps_responses",
	 "id, survey_id, user_id, locale, sent_at, score, comment, answered_at, ticket_id, channel,"
	 " group_id, agent_id, organization_id, tier_id, followup_ticket_id, followup_task_id,"
	 " followup_error",
	 "iiitiitiiiiiiiiit", "id", 1, 1, 0},
	{"unsubscribes", "id, user_id, email, scope, created_at", "iitti", "id", 1, 1, 0},
	{"ideas",
	 "id, title, details, status, public, locale, answer, answered_by, answered_at,"
	 " author_id, submitted_by, vote_count, comment_count, created_at, updated_at",
	 "itttittiiiiiiii", "id", 1, 1, 0},
	{"idea_votes", "idea_id, user_id, created_at", "iii", "idea_id, user_id", 2, 0, 0},
	{"idea_comments", "id, idea_id, author_id, body, created_at", "iiiti", "id", 1, 1, 0},
	{"idea_tickets", "idea_id, ticket_id, user_id, created_at", "iiii", "idea_id, ticket_id", 2,
	 0, 0},
	{"satisfaction_reasons",
	 "id, name_en, name_uk, name_ru, name_lt, position, active, created_at, updated_at",
	 "ittttiiii", "id", 1, 1, 0},
	{"satisfaction_ratings",
	 "id, ticket_id, score, comment, reason_id, requester_id, assignee_id, group_id, tier_id,"
	 " channel, created_at, rated_at, asked_at, updated_at",
	 "iittiiiiitiiii", "id", 1, 1, 0},
	{"chat_visitors", "id, user_id, name, email, locale, created_at", "iittti", "id", 1, 1, 0},
	{"chats",
	 "id, visitor_id, ticket_id, requester_id, state, group_id, agent_id, offered_to,"
	 " offered_at, topic, locale, created_at, accepted_at, first_answer_at, ended_at,"
	 " ended_by, last_seq, visitor_read_seq, agent_read_seq, visitor_seen_at,"
	 " transcript_sent_at, rated",
	 "iiiiiiiiittiiiitiiiiii", "id", 1, 1, 0},
	{"chat_messages",
	 "id, chat_id, seq, author, author_id, client_id, body, comment_id, attachments,"
	 " created_at",
	 "iiitittiti", "id", 1, 1, 0},
	{"chat_agents", "user_id, capacity, updated_at", "iii", "user_id", 1, 0, 0},
	{"chat_transfers", "id, chat_id, from_agent_id, to_agent_id, to_group_id, note, created_at",
	 "iiiiiti", "id", 1, 1, 0},
	{"chat_skips", "chat_id, user_id", "ii", "chat_id, user_id", 2, 0, 0},
	{"chat_uploads", "token, visitor_id, attachment_id, created_at", "tiii", "token", 1, 0, 0},
};
#define NTABLES (sizeof tables / sizeof *tables)

/* Tables the target's own triggers fill as the tables above are copied
 * (migration 012): the queue counts and the tickets' write generation
 * follow from the tickets written, a row per writer connection, so they
 * are neither copied nor compared. The search index is each backend's own
 * (FTS5's tables, a tsvector): the copy rebuilds it in the target from the
 * tickets copied (fl_store_search_reindex), as an upgrade does. */
/* The knowledge base's index (kb_fts, kb_words, kb_vocab) is rebuilt the
 * same way (fl_store_kb_reindex). */
static const char *const derived[] = {"ticket_counts", "ticket_writes", "search_fts",
				      "kb_fts",        "kb_words",      "kb_vocab"};
#define NDERIVED (sizeof derived / sizeof *derived)

/* One batch of rows of a table, and where the next batch starts. */
struct batch {
	const struct table *t;
	size_t ncols, limit;
	fl_arena arena;
	struct fl_param *v; /* nrows * ncols values */
	size_t nrows;
	int has_last;
	struct fl_param last[2];
	char *last_text[2];
	struct fl_err *err;
};

static int batch_init(struct batch *b, const struct table *t, struct fl_err *e)
{
	memset(b, 0, sizeof *b);
	b->t = t;
	b->ncols = strlen(t->types);
	b->limit = strchr(t->types, 'b') ? BATCH_BYTES : BATCH;
	b->err = e;
	fl_arena_init(&b->arena, 0);
	return 0;
}

static void batch_free(struct batch *b)
{
	fl_arena_free(&b->arena);
	free(b->last_text[0]);
	free(b->last_text[1]);
}

/* Keeps the key of row i as where the next batch starts. */
static int keep_last(struct batch *b, size_t i)
{
	for (int k = 0; k < b->t->nkey; k++) {
		const struct fl_param *p = &b->v[i * b->ncols + (size_t)k];
		free(b->last_text[k]);
		b->last_text[k] = NULL;
		b->last[k] = *p;
		if (p->is_text && p->s) {
			if (!(b->last_text[k] = strdup(p->s)))
				return FL_ENOMEM;
			b->last[k].s = b->last_text[k];
		}
	}
	b->has_last = 1;
	return 0;
}

/* Reads the current row of st into values v, copying text into a. */
static int read_values(fl_tx *tx, fl_stmt *st, const char *types, fl_arena *a, struct fl_param *v)
{
	int err = 0;
	for (size_t k = 0; types[k]; k++) {
		v[k].is_text = types[k] == 't';
		v[k].is_blob = types[k] == 'b';
		v[k].null = tx->drv->is_null(st, (int)k);
		if (v[k].is_text) {
			v[k].s = fl_col_text(tx, st, (int)k, a, &err);
		} else if (v[k].is_blob && !v[k].null) {
			const void *b = tx->drv->col_blob(st, (int)k, &v[k].n);
			char *copy = fl_arena_alloc(a, v[k].n ? v[k].n : 1);
			if (!copy)
				return FL_ENOMEM;
			memcpy(copy, b, v[k].n);
			v[k].s = copy;
		} else {
			v[k].i = v[k].null ? 0 : fl_col_int(tx, st, (int)k);
		}
	}
	return err;
}

/* Refuses to copy a table whose rows have columns this copy does not
 * know (a migration added one and tables[] was not told): the copy would
 * leave it behind without a word. Only a table with a row can tell. */
static int check_columns(fl_tx *tx, const struct batch *b)
{
	char sql[160];
	fl_stmt *st;
	int rc, have = 0;

	snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 1", b->t->name);
	if ((rc = fl_q_dyn(tx, sql, NULL, 0, &st)))
		return rc;
	if ((rc = fl_q_step(tx, st)) == 1)
		have = tx->drv->col_count(st);
	fl_q_done(tx, st);
	if (rc < 0)
		return rc;
	if (have && have != (int)b->ncols)
		return fl_err_set(b->err, FL_EINTERNAL, NULL, NULL,
				  "table %s has %d columns; this copy knows %zu (src/store/copy.c)",
				  b->t->name, have, b->ncols);
	return 0;
}

static int tx_read(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	const struct table *t = b->t;
	char sql[1024], where[160] = "";
	fl_stmt *st;
	int rc;

	fl_arena_free(&b->arena);
	fl_arena_init(&b->arena, 0);
	b->nrows = 0;
	b->v = fl_arena_alloc(&b->arena, b->limit * b->ncols * sizeof *b->v);
	if (!b->v)
		return FL_ENOMEM;
	if (!b->has_last && (rc = check_columns(tx, b)))
		return rc;
	if (b->has_last)
		snprintf(where, sizeof where, " WHERE (%s) > (%s)", t->key,
			 t->nkey == 2 ? "?, ?" : "?");
	snprintf(sql, sizeof sql, "SELECT %s FROM %s%s ORDER BY %s LIMIT %zu", t->cols, t->name,
		 where, t->key, b->limit);
	rc = fl_q_dyn(tx, sql, b->last, b->has_last ? (size_t)t->nkey : 0, &st);
	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		rc = read_values(tx, st, t->types, &b->arena, &b->v[b->nrows * b->ncols]);
		if (rc)
			break;
		b->nrows++;
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

static int tx_write(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	fl_buf sql;
	fl_stmt *st;
	int rc;

	fl_buf_init(&sql, 1 << 20);
	rc = fl_buf_addf(&sql, "INSERT INTO %s (%s) VALUES ", b->t->name, b->t->cols);
	for (size_t r = 0; r < b->nrows && !rc; r++) {
		rc = fl_buf_adds(&sql, r ? ", (" : "(");
		for (size_t k = 0; k < b->ncols && !rc; k++)
			rc = fl_buf_adds(&sql, k ? ", ?" : "?");
		if (!rc)
			rc = fl_buf_addc(&sql, ')');
	}
	if (!rc)
		rc = fl_buf_adds(&sql, " ON CONFLICT DO NOTHING");
	if (!rc)
		rc = fl_q_dyn(tx, sql.p, b->v, b->nrows * b->ncols, &st);
	fl_buf_free(&sql);
	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

struct count {
	const char *sql;
	int64_t n;
};

static int tx_count(fl_tx *tx, void *arg)
{
	struct count *c = arg;
	fl_stmt *st;
	int rc = fl_q_dyn(tx, c->sql, NULL, 0, &st);

	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	c->n = rc == 1 ? fl_col_int(tx, st, 0) : 0;
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

static int count_rows(fl_store *s, const struct table *t, int64_t *n)
{
	char sql[128];
	struct count c = {sql, 0};
	int rc;

	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s%s%s", t->name, t->data ? " WHERE " : "",
		 t->data ? t->data : "");
	rc = fl_store_read(s, tx_count, &c);
	*n = c.n;
	return rc;
}

/* On a resumed copy, where the target's rows of t end: its largest key
 * when the key is integers (text keys may sort otherwise on the target:
 * such tables, all small, are copied again from the start). */
static int tx_target_last(fl_tx *tx, void *arg)
{
	struct batch *b = arg;
	const struct table *t = b->t;
	char sql[256];
	fl_stmt *st;
	int rc;

	if (strncmp(t->types, "ii", (size_t)t->nkey))
		return 0;
	snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s LIMIT 1", t->key, t->name,
		 t->nkey == 2 ? "1 DESC, 2 DESC" : "1 DESC");
	rc = fl_q_dyn(tx, sql, NULL, 0, &st);
	if (rc)
		return rc;
	rc = fl_q_step(tx, st);
	if (rc == 1) {
		for (int k = 0; k < t->nkey; k++)
			b->last[k] = (struct fl_param){0, fl_col_int(tx, st, k), NULL, 0};
		b->has_last = 1;
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

/* Runs SQL built here (arg) that takes no parameters. */
static int tx_run(fl_tx *tx, void *arg)
{
	fl_stmt *st;
	int rc = fl_q_dyn(tx, arg, NULL, 0, &st);

	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1)
		;
	fl_q_done(tx, st);
	return rc;
}

/* Fails when the store has a table this copy does not know: a migration
 * added it, and it must be added to tables[] too. */
static int tx_known(fl_tx *tx, void *arg)
{
	struct fl_err *e = arg;
	fl_stmt *st;
	int rc = fl_q(tx, tx->drv->tables, 0, &st, "");

	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		size_t n;
		const char *name = tx->drv->col_text(st, 0, &n);
		int known = n == strlen("schema_version") && !memcmp(name, "schema_version", n);
		for (size_t i = 0; i < NTABLES && !known; i++)
			known = strlen(tables[i].name) == n && !memcmp(tables[i].name, name, n);
		for (size_t i = 0; i < NDERIVED && !known; i++)
			known = strlen(derived[i]) == n && !memcmp(derived[i], name, n);
		if (!known) {
			rc = fl_err_set(e, FL_EINTERNAL, NULL, NULL,
					"table %.*s is not one the copy knows", (int)n, name);
			break;
		}
	}
	fl_q_done(tx, st);
	return rc < 0 ? rc : 0;
}

/* Rows in the target that a copy did not put there. */
static int target_rows(fl_store *to, int64_t *n, const char **where)
{
	*n = 0;
	for (size_t i = 0; i < NTABLES; i++) {
		int rc;
		if (tables[i].seeded)
			continue;
		if ((rc = count_rows(to, &tables[i], n)))
			return rc;
		if (*n) {
			*where = tables[i].name;
			return 0;
		}
	}
	return 0;
}

int fl_store_copy(fl_store *from, fl_store *to, int resume,
		  void (*progress)(void *arg, uint64_t done, uint64_t total), void *arg,
		  struct fl_err *e)
{
	int64_t total = 0, done = 0, have;
	const char *where = NULL;
	int rc, fresh;

	if ((rc = fl_store_read(from, tx_known, e)) || (rc = fl_store_read(to, tx_known, e)))
		return e->msg[0] ? rc : fl_err_set(e, rc, NULL, NULL, "cannot list the tables");
	if ((rc = target_rows(to, &have, &where)))
		return fl_err_set(e, rc, NULL, NULL, "cannot read the target database");
	if (have && !resume)
		return fl_err_set(e, FL_ECONFLICT, NULL, NULL,
				  "the target database already holds data (table %s); use an "
				  "empty database, or --resume to finish an interrupted copy",
				  where);
	fresh = !have;
	for (size_t i = 0; i < NTABLES && fresh; i++) {
		char sql[128];
		if (!tables[i].seeded)
			continue;
		snprintf(sql, sizeof sql, "DELETE FROM %s", tables[i].name);
		if ((rc = fl_store_write(to, tx_run, sql)))
			return fl_err_set(e, rc, NULL, NULL, "cannot empty %s", tables[i].name);
	}
	for (size_t i = 0; i < NTABLES; i++) {
		int64_t n, there = 0;
		if ((rc = count_rows(from, &tables[i], &n)) ||
		    (!fresh && (rc = count_rows(to, &tables[i], &there))))
			return fl_err_set(e, rc, NULL, NULL, "cannot count %s", tables[i].name);
		total += n;
		done += there < n ? there : n; /* what a resumed copy has already */
	}
	if (progress)
		progress(arg, 0, (uint64_t)total);
	for (size_t i = 0; i < NTABLES; i++) {
		const struct table *t = &tables[i];
		struct batch b;

		batch_init(&b, t, e);
		if (!fresh && (rc = fl_store_read(to, tx_target_last, &b))) {
			batch_free(&b);
			return fl_err_set(e, rc, NULL, NULL, "cannot read %s in the target",
					  t->name);
		}
		for (;;) {
			if ((rc = fl_store_read(from, tx_read, &b)) || !b.nrows)
				break;
			if ((rc = fl_store_write(to, tx_write, &b)))
				break;
			done += (int64_t)b.nrows;
			/* a resumed copy goes over some rows again */
			if (progress)
				progress(arg, (uint64_t)(done < total ? done : total),
					 (uint64_t)total);
			if (b.nrows < b.limit || (rc = keep_last(&b, b.nrows - 1)))
				break;
		}
		batch_free(&b);
		if (rc)
			return e->msg[0] ? rc
					 : fl_err_set(e, rc, NULL, NULL, "copying %s failed: %s",
						      t->name, fl_err_describe(rc));
	}
	for (size_t i = 0; i < NTABLES && fl_store_driver(to)->sync_ids; i++) {
		char sql[512];
		if (!tables[i].ids)
			continue;
		snprintf(sql, sizeof sql, fl_store_driver(to)->sync_ids, tables[i].name,
			 tables[i].name);
		if ((rc = fl_store_write(to, tx_run, sql)))
			return fl_err_set(e, rc, NULL, NULL, "cannot move the ids of %s",
					  tables[i].name);
	}
	if ((rc = fl_store_search_reindex(to, NULL, NULL, NULL)) || (rc = fl_store_kb_reindex(to)))
		return fl_err_set(e, rc, NULL, NULL, "cannot build the search index: %s",
				  fl_err_describe(rc));
	return 0;
}

/* The order-independent checksum of a table: the sum of its rows' hashes. */
struct sum {
	int64_t rows;
	uint64_t acc[4];
};

static void add_row(struct sum *s, const struct fl_param *v, size_t ncols)
{
	crypto_generichash_state h;
	unsigned char out[32];

	crypto_generichash_init(&h, NULL, 0, sizeof out);
	for (size_t k = 0; k < ncols; k++) {
		unsigned char tag = v[k].null || (v[k].is_text && !v[k].s) ? 'N'
				    : v[k].is_blob                         ? 'B'
				    : v[k].is_text                         ? 'T'
									   : 'I';
		uint64_t len;
		crypto_generichash_update(&h, &tag, 1);
		if (tag == 'I') {
			uint64_t x = (uint64_t)v[k].i;
			unsigned char le[8];
			for (int j = 0; j < 8; j++)
				le[j] = (unsigned char)(x >> (8 * j));
			crypto_generichash_update(&h, le, 8);
		} else if (tag != 'N') {
			unsigned char le[8];
			len = tag == 'B' ? v[k].n : strlen(v[k].s);
			for (int j = 0; j < 8; j++)
				le[j] = (unsigned char)(len >> (8 * j));
			crypto_generichash_update(&h, le, 8);
			crypto_generichash_update(&h, (const unsigned char *)v[k].s, len);
		}
	}
	crypto_generichash_final(&h, out, sizeof out);
	for (int w = 0; w < 4; w++) {
		uint64_t x = 0;
		for (int j = 0; j < 8; j++)
			x |= (uint64_t)out[w * 8 + j] << (8 * j);
		s->acc[w] += x;
	}
	s->rows++;
}

static int sum_table(fl_store *s, const struct table *t, struct sum *out, struct fl_err *e)
{
	struct batch b;
	int rc;

	memset(out, 0, sizeof *out);
	batch_init(&b, t, e);
	for (;;) {
		if ((rc = fl_store_read(s, tx_read, &b)))
			break;
		for (size_t r = 0; r < b.nrows; r++)
			add_row(out, &b.v[r * b.ncols], b.ncols);
		if (b.nrows < b.limit || (rc = keep_last(&b, b.nrows - 1)))
			break;
	}
	batch_free(&b);
	return rc;
}

int fl_store_compare(fl_store *a, fl_store *b, struct fl_table_check *out, size_t cap, size_t *n,
		     struct fl_err *e)
{
	int differ = 0;

	*n = 0;
	for (size_t i = 0; i < NTABLES && i < cap; i++) {
		struct sum sa, sb;
		int rc = sum_table(a, &tables[i], &sa, e);
		if (!rc)
			rc = sum_table(b, &tables[i], &sb, e);
		if (rc)
			return e->msg[0] ? rc
					 : fl_err_set(e, rc, NULL, NULL, "cannot read %s: %s",
						      tables[i].name, fl_err_describe(rc));
		out[i].table = tables[i].name;
		out[i].rows_a = sa.rows;
		out[i].rows_b = sb.rows;
		out[i].same = sa.rows == sb.rows && !memcmp(sa.acc, sb.acc, sizeof sa.acc);
		differ |= !out[i].same;
		(*n)++;
	}
	return differ ? FL_ECONFLICT : 0;
}
