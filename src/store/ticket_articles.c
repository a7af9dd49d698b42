/* Queries about the articles tickets were answered with, and the search
 * index read for similar tickets (store/ticket_articles.h). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/ticket_articles.h"

#define LINK_COLUMNS(X, S)        \
	X(ticket_id, "ticket_id") \
	S X(article_id, "article_id") S X(user_id, "user_id") S X(created_at, "created_at")
#define LINK_COLUMN(m, expr) FL_COLUMN(struct fl_ticket_article, m)
static const struct fl_col link_col[] = {LINK_COLUMNS(LINK_COLUMN, FL_COMMA)};
static const struct fl_cols link_cols = FL_COLS(struct fl_ticket_article, link_col);

int fl_store_ticket_article_put(fl_tx *tx, int64_t ticket_id, int64_t article_id, int64_t user_id,
				int64_t now, int *added)
{
	static const char has[] =
		"SELECT COUNT(*) FROM ticket_articles"
		" WHERE ticket_id = ? AND article_id = ?";
	static const char ins[] =
		"INSERT INTO ticket_articles (ticket_id, article_id, user_id, created_at)"
		" VALUES (?, ?, ?, ?)";
	int64_t n = 0;
	int rc = fl_q_int(tx, has, &n, "ii", ticket_id, article_id);

	*added = 0;
	if (rc || n)
		return rc;
	*added = 1;
	return fl_q_exec(tx, ins, "iiii", ticket_id, article_id, user_id, now);
}

int fl_store_ticket_article_delete(fl_tx *tx, int64_t ticket_id, int64_t article_id)
{
	static const char sql[] =
		"DELETE FROM ticket_articles WHERE ticket_id = ? AND article_id = ?";
	return fl_q_exec(tx, sql, "ii", ticket_id, article_id);
}

int fl_store_ticket_article_list(fl_tx *tx, int64_t ticket_id, fl_arena *a,
				 struct fl_ticket_article **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(LINK_COLUMNS)
		" FROM ticket_articles"
		" WHERE ticket_id = ?"
		" ORDER BY created_at, article_id";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", ticket_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &link_cols, a, FL_TICKET_ARTICLES_MAX, (void **)out, n);
}

int fl_store_ticket_article_count(fl_tx *tx, int64_t ticket_id, int64_t *n)
{
	static const char sql[] = "SELECT COUNT(*) FROM ticket_articles WHERE ticket_id = ?";
	return fl_q_int(tx, sql, n, "i", ticket_id);
}

int fl_store_article_ticket_list(fl_tx *tx, int64_t article_id, fl_arena *a,
				 struct fl_ticket_article **out, size_t *n, int64_t *total)
{
	static const char count[] =
		"SELECT COUNT(*) FROM ticket_articles l JOIN tickets t ON t.id = l.ticket_id"
		" WHERE l.article_id = ? AND t.deleted_at IS NULL";
	static const char sql[] =
		"SELECT l.ticket_id, l.article_id, l.user_id, l.created_at"
		" FROM ticket_articles l JOIN tickets t ON t.id = l.ticket_id"
		" WHERE l.article_id = ? AND t.deleted_at IS NULL"
		" ORDER BY l.created_at DESC, l.ticket_id DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc = fl_q_int(tx, count, total, "i", article_id);

	if (!rc)
		rc = fl_q(tx, sql, 0, &st, "ii", article_id, (int64_t)FL_ARTICLE_TICKETS_MAX);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &link_cols, a, FL_ARTICLE_TICKETS_MAX, (void **)out, n);
}

int fl_store_search_word_rows(fl_tx *tx, const char *word, int64_t limit, int64_t *n)
{
	fl_buf q;
	int rc;

	fl_buf_init(&q, 4096);
	rc = tx->drv->fts_term(word, 0, &q);
	if (!rc)
		rc = fl_q_int(tx, tx->drv->fts_rows, n, "tii", q.p ? q.p : "", (int64_t)0, limit);
	fl_buf_free(&q);
	return rc;
}

/* The matching rows read, each as its ticket and score: the newest rows on
 * SQLite (FTS5 walks rowids backwards for free); on PostgreSQL the GIN
 * index gives them in no order, and an ORDER BY there would sort every
 * match, so the first rows_max found are read. Scores are higher-better
 * integers (thousandths), so that equal ones compare equal. */
static const char rows_sqlite[] =
	"SELECT rowid >> 21, CAST(-bm25(search_fts) * 1000 AS INTEGER)"
	" FROM search_fts WHERE search_fts MATCH ?"
	" ORDER BY rowid DESC LIMIT ?";
static const char rows_pg[] =
	"SELECT m.rowid >> 21, CAST(ts_rank(m.tsv, x.q) * 1000 AS BIGINT)"
	" FROM (SELECT ?::tsquery AS q) x,"
	" LATERAL (SELECT rowid, tsv FROM search_fts WHERE tsv @@ x.q LIMIT ?) m";

struct hit {
	int64_t id, score;
};

static int by_id(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_score(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int by_rank(const void *a, const void *b)
{
	const struct fl_similar_ticket *x = a, *y = b;
	int xs = x->status >= 4, ys = y->status >= 4; /* FL_STATUS_SOLVED, CLOSED */
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (xs != ys)
		return ys - xs;
	return x->id > y->id ? -1 : x->id < y->id;
}

int fl_store_ticket_similar(fl_tx *tx, int64_t self, const char *const *words, size_t n,
			    int64_t rows_max, size_t max, fl_arena *a,
			    struct fl_similar_ticket **out, size_t *nout)
{
	static const char one[] =
		"SELECT t.status, t.subject FROM tickets t"
		" WHERE t.id = ? AND t.deleted_at IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM ticket_tags g"
		"                 WHERE g.ticket_id = t.id AND g.tag = 'closed_by_merge')";
	struct hit *hits = NULL;
	size_t nhits = 0, cap = 0, k = 0;
	fl_buf q;
	fl_stmt *st;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (!n || !max)
		return 0;
	fl_buf_init(&q, 64 * 1024);
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = fl_buf_adds(&q, tx->drv->fts_or);
		if (!rc)
			rc = tx->drv->fts_term(words[i], 0, &q);
	}
	if (!rc)
		rc = fl_q(tx, tx->drv->fts_doc ? rows_pg : rows_sqlite, 0, &st, "ti",
			  q.p ? q.p : "", rows_max);
	fl_buf_free(&q);
	if (rc)
		return rc;
	while ((rc = fl_q_step(tx, st)) == 1) {
		if (nhits == cap) {
			struct hit *v = realloc(hits, (cap = cap ? cap * 2 : 64) * sizeof *v);
			if (!v) {
				rc = FL_ENOMEM;
				break;
			}
			hits = v;
		}
		hits[nhits++] = (struct hit){fl_col_int(tx, st, 0), fl_col_int(tx, st, 1)};
	}
	fl_q_done(tx, st);
	/* a ticket scores its best row */
	if (!rc && nhits) {
		qsort(hits, nhits, sizeof *hits, by_id);
		for (size_t i = 0; i < nhits; i++) {
			if (hits[i].id == self)
				continue;
			if (k && hits[k - 1].id == hits[i].id) {
				if (hits[i].score > hits[k - 1].score)
					hits[k - 1].score = hits[i].score;
				continue;
			}
			hits[k++] = hits[i];
		}
		qsort(hits, k, sizeof *hits, by_score);
	}
	/* the best first: each a lookup by id, past the ones not to show */
	if (!rc && k) {
		size_t want = max + 1;
		*out = fl_arena_alloc(a, want * sizeof **out);
		if (!*out)
			rc = FL_ENOMEM;
		/* bounded: the best few dozen are looked at, however many matched */
		for (size_t i = 0; i < k && i < 8 * want && !rc && *nout < want; i++) {
			int err = 0;
			rc = fl_q(tx, one, 0, &st, "i", hits[i].id);
			if (rc)
				break;
			rc = fl_q_step(tx, st);
			if (rc == 1) {
				struct fl_similar_ticket *s = &(*out)[(*nout)++];
				s->id = hits[i].id;
				s->score = hits[i].score;
				s->status = (int)fl_col_int(tx, st, 0);
				s->subject = fl_col_text(tx, st, 1, a, &err);
				rc = err;
			}
			fl_q_done(tx, st);
		}
		/* one more than shown was read: a tie at the edge goes to a solved one */
		if (!rc) {
			qsort(*out, *nout, sizeof **out, by_rank);
			if (*nout > max)
				*nout = max;
		}
	}
	free(hits);
	return rc;
}
