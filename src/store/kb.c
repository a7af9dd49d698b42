/* Queries about the knowledge base (store/kb.h). */
#include <glib.h>
#include <string.h>

#include "core/html.h"
#include "core/text.h"
#include "store/kb.h"
#include "store/store_int.h"

#define NAME_COLUMNS(X, S)  \
	X(locale, "locale") \
	S X(name, "name") S X(description, "description") S X(updated_at, "updated_at")
#define NAME_COLUMN(m, expr) FL_COLUMN(struct fl_kb_name, m)
static const struct fl_col name_col[] = {NAME_COLUMNS(NAME_COLUMN, FL_COMMA)};
static const struct fl_cols name_cols = FL_COLS(struct fl_kb_name, name_col);

/* A name as a list reads it, with its owner. */
struct name_row {
	int64_t owner_id;
	struct fl_kb_name n;
};
#define NAME_ROW_COLUMNS(X, S)                                                             \
	X(owner_id, "owner_id")                                                            \
	S X(n.locale, "locale") S X(n.name, "name") S X(n.description, "description") S X( \
		n.updated_at, "updated_at")
#define NAME_ROW_COLUMN(m, expr) FL_COLUMN(struct name_row, m)
static const struct fl_col name_row_col[] = {NAME_ROW_COLUMNS(NAME_ROW_COLUMN, FL_COMMA)};
static const struct fl_cols name_row_cols = FL_COLS(struct name_row, name_row_col);

#define CATEGORY_COLUMNS(X, S)                                                            \
	X(id, "id")                                                                       \
	S X(position, "position") S X(source_locale, "source_locale") S X(created_at,     \
									  "created_at") S \
	X(updated_at, "updated_at")
#define CATEGORY_COLUMN(m, expr) FL_COLUMN(struct fl_kb_category, m)
static const struct fl_col category_col[] = {CATEGORY_COLUMNS(CATEGORY_COLUMN, FL_COMMA)};
static const struct fl_cols category_cols = FL_COLS(struct fl_kb_category, category_col);

#define SECTION_COLUMNS(X, S)                                                            \
	X(id, "id")                                                                      \
	S X(category_id, "category_id") S X(position, "position") S X(source_locale,     \
								      "source_locale") S \
	X(created_at, "created_at") S                                                    \
	X(updated_at, "updated_at")
#define SECTION_COLUMN(m, expr) FL_COLUMN(struct fl_kb_section, m)
static const struct fl_col section_col[] = {SECTION_COLUMNS(SECTION_COLUMN, FL_COMMA)};
static const struct fl_cols section_cols = FL_COLS(struct fl_kb_section, section_col);

#define ARTICLE_COLUMNS(X, S)                                                                     \
	X(id, "a.id")                                                                             \
	S X(section_id, "a.section_id") S X(position, "a.position") S X(promoted, "a.promoted") S \
	X(visibility, "a.visibility") S                                                           \
	X(labels, "a.labels") S                                                                   \
	X(author_id, "a.author_id") S                                                             \
	X(source_locale, "a.source_locale") S                                                     \
	X(archived_at, "a.archived_at") S                                                         \
	X(created_at, "a.created_at") S                                                           \
	X(updated_at, "a.updated_at")
#define ARTICLE_COLUMN(m, expr) FL_COLUMN(struct fl_kb_article, m)
static const struct fl_col article_col[] = {ARTICLE_COLUMNS(ARTICLE_COLUMN, FL_COMMA)};
static const struct fl_cols article_cols = FL_COLS(struct fl_kb_article, article_col);

/* A translation's columns, of kb_translations t, with its counts. */
#define TRANSLATION_COLUMNS(X, S)                                                          \
	X(id, "t.id")                                                                      \
	S X(article_id, "t.article_id") S X(locale, "t.locale") S X(title, "t.title") S X( \
		slug, "t.slug") S                                                          \
	X(body_md, "t.body_md") S                                                          \
	X(body_html, "t.body_html") S                                                      \
	X(draft, "t.draft") S                                                              \
	X(author_id, "t.author_id") S                                                      \
	X(editor_id, "t.editor_id") S                                                      \
	X(revision, "t.revision") S                                                        \
	X(created_at, "t.created_at") S                                                    \
	X(updated_at, "t.updated_at") S                                                    \
	X(edited_at, "t.edited_at") S                                                      \
	X(vote_sum,                                                                        \
	  "(SELECT COALESCE(SUM(v.value), 0) FROM kb_votes v"                              \
	  " WHERE v.article_id = t.article_id AND v.locale = t.locale)") S                 \
	X(vote_count,                                                                      \
	  "(SELECT COUNT(*) FROM kb_votes v"                                               \
	  " WHERE v.article_id = t.article_id AND v.locale = t.locale)") S                 \
	X(view_count,                                                                      \
	  "COALESCE((SELECT w.n FROM kb_views w"                                           \
	  " WHERE w.article_id = t.article_id AND w.locale = t.locale), 0)")
#define TRANSLATION_COLUMN(m, expr) FL_COLUMN(struct fl_kb_translation, m)
static const struct fl_col translation_col[] = {TRANSLATION_COLUMNS(TRANSLATION_COLUMN, FL_COMMA)};
static const struct fl_cols translation_cols = FL_COLS(struct fl_kb_translation, translation_col);

/* An entry: the article's columns, then its translation's. */
#define ENTRY_ARTICLE(m, expr) FL_COLUMN(struct fl_kb_entry, article.m)
#define ENTRY_TR(m, expr) FL_COLUMN(struct fl_kb_entry, tr.m)
static const struct fl_col entry_col[] = {ARTICLE_COLUMNS(ENTRY_ARTICLE, FL_COMMA),
					  TRANSLATION_COLUMNS(ENTRY_TR, FL_COMMA)};
static const struct fl_cols entry_cols = FL_COLS(struct fl_kb_entry, entry_col);

#define REVISION_COLUMNS(X, S)                                                           \
	X(translation_id, "translation_id")                                              \
	S X(n, "n") S X(title, "title") S X(body, "body") S X(markdown, "markdown") S X( \
		author_id, "author_id") S                                                \
	X(created_at, "created_at")
#define REVISION_COLUMN(m, expr) FL_COLUMN(struct fl_kb_revision, m)
static const struct fl_col revision_col[] = {REVISION_COLUMNS(REVISION_COLUMN, FL_COMMA)};
static const struct fl_cols revision_cols = FL_COLS(struct fl_kb_revision, revision_col);

#define LABEL_COLUMNS(X, S) X(name, "name") S X(count, "COUNT(*)")
#define LABEL_COLUMN(m, expr) FL_COLUMN(struct fl_kb_label_count, m)
static const struct fl_col label_col[] = {LABEL_COLUMNS(LABEL_COLUMN, FL_COMMA)};
static const struct fl_cols label_cols = FL_COLS(struct fl_kb_label_count, label_col);

/* Names of owners ids[0..n) of kind: each owner gets its run of rows
 * (names must be in order of owner). The names are put through set(i,
 * names, count). */
static int names_of(fl_tx *tx, const char *kind, int64_t owner_id, fl_arena *a,
		    struct fl_kb_name **out, size_t *n)
{
	/* in fl_kb_locales order: uk, ru, lt, en */
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(NAME_COLUMNS)
		" FROM kb_names"
		" WHERE kind = ?"
		"   AND owner_id = ?"
		" ORDER BY CASE locale WHEN 'uk' THEN 0 WHEN 'ru' THEN 1 WHEN 'lt' THEN 2 ELSE 3 END";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ti", kind, owner_id);
	return rc ? rc : fl_q_rows_cols(tx, st, &name_cols, a, FL_KB_NLOCALES, (void **)out, n);
}

/* Every name of kind, by owner then locale. */
static int names_all(fl_tx *tx, const char *kind, fl_arena *a, struct name_row **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(NAME_ROW_COLUMNS)
		" FROM kb_names"
		" WHERE kind = ?"
		" ORDER BY owner_id,"
		"   CASE locale WHEN 'uk' THEN 0 WHEN 'ru' THEN 1 WHEN 'lt' THEN 2 ELSE 3 END";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "t", kind);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &name_row_cols, a, FL_STORE_KB_LIST_MAX * FL_KB_NLOCALES,
				   (void **)out, n);
}

/* The names of owner id among rows (sorted by owner) into *out, *n. */
static int names_pick(const struct name_row *rows, size_t nrows, int64_t id, fl_arena *a,
		      struct fl_kb_name **out, size_t *n)
{
	size_t k = 0;

	*out = fl_arena_alloc(a, FL_KB_NLOCALES * sizeof **out);
	if (!*out)
		return FL_ENOMEM;
	for (size_t i = 0; i < nrows && k < FL_KB_NLOCALES; i++)
		if (rows[i].owner_id == id)
			(*out)[k++] = rows[i].n;
	*n = k;
	return 0;
}

int fl_store_kb_name_put(fl_tx *tx, const char *kind, int64_t owner_id, const struct fl_kb_name *n)
{
	static const char sql[] =
		"INSERT INTO kb_names (kind, owner_id, locale, name, description, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (kind, owner_id, locale) DO UPDATE SET"
		"   name = excluded.name, description = excluded.description,"
		"   updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "tittti", kind, owner_id, n->locale, n->name,
			 n->description ? n->description : "", n->updated_at);
}

int fl_store_kb_category_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_category *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(CATEGORY_COLUMNS)
		" FROM kb_categories"
		" WHERE id = ?";
	struct fl_kb_category c;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);

	if (!rc)
		rc = fl_q_one_cols(tx, st, &category_cols, a, &c);
	if (!rc)
		rc = names_of(tx, "category", id, a, &c.names, &c.nnames);
	if (!rc)
		*out = c;
	return rc;
}

int fl_store_kb_category_list(fl_tx *tx, fl_arena *a, struct fl_kb_category **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(CATEGORY_COLUMNS)
		" FROM kb_categories"
		" ORDER BY position, id"
		" LIMIT 1000";
	struct fl_kb_category *c;
	struct name_row *names;
	size_t nc, nn;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &category_cols, a, FL_STORE_KB_LIST_MAX, (void **)&c,
				    &nc);
	if (!rc)
		rc = names_all(tx, "category", a, &names, &nn);
	for (size_t i = 0; !rc && i < nc; i++)
		rc = names_pick(names, nn, c[i].id, a, &c[i].names, &c[i].nnames);
	if (!rc) {
		*out = c;
		*n = nc;
	}
	return rc;
}

int fl_store_kb_category_insert(fl_tx *tx, struct fl_kb_category *c)
{
	static const char sql[] =
		"INSERT INTO kb_categories (position, source_locale, created_at, updated_at)"
		" VALUES (?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &c->id, "itii", (int64_t)c->position, c->source_locale,
			c->created_at, c->updated_at);
}

int fl_store_kb_category_update(fl_tx *tx, const struct fl_kb_category *c)
{
	static const char sql[] =
		"UPDATE kb_categories"
		" SET position = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "iii", (int64_t)c->position, c->updated_at, c->id);
}

int fl_store_kb_section_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_section *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(SECTION_COLUMNS)
		" FROM kb_sections"
		" WHERE id = ?";
	struct fl_kb_section s;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);

	if (!rc)
		rc = fl_q_one_cols(tx, st, &section_cols, a, &s);
	if (!rc)
		rc = names_of(tx, "section", id, a, &s.names, &s.nnames);
	if (!rc)
		*out = s;
	return rc;
}

int fl_store_kb_section_list(fl_tx *tx, int64_t category_id, fl_arena *a,
			     struct fl_kb_section **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(SECTION_COLUMNS)
		" FROM kb_sections"
		" WHERE (? = 0 OR category_id = ?)"
		" ORDER BY position, id"
		" LIMIT 1000";
	struct fl_kb_section *s;
	struct name_row *names;
	size_t ns, nn;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", category_id, category_id);

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &section_cols, a, FL_STORE_KB_LIST_MAX, (void **)&s,
				    &ns);
	if (!rc)
		rc = names_all(tx, "section", a, &names, &nn);
	for (size_t i = 0; !rc && i < ns; i++)
		rc = names_pick(names, nn, s[i].id, a, &s[i].names, &s[i].nnames);
	if (!rc) {
		*out = s;
		*n = ns;
	}
	return rc;
}

int fl_store_kb_section_insert(fl_tx *tx, struct fl_kb_section *s)
{
	static const char sql[] =
		"INSERT INTO kb_sections (category_id, position, source_locale, created_at,"
		"                         updated_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &s->id, "iitii", s->category_id, (int64_t)s->position,
			s->source_locale, s->created_at, s->updated_at);
}

int fl_store_kb_section_update(fl_tx *tx, const struct fl_kb_section *s)
{
	static const char sql[] =
		"UPDATE kb_sections"
		" SET category_id = ?, position = ?, updated_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "iiii", s->category_id, (int64_t)s->position, s->updated_at,
			 s->id);
}

int fl_store_kb_article_get(fl_tx *tx, int64_t id, fl_arena *a, struct fl_kb_article *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS)
		" FROM kb_articles a"
		" WHERE a.id = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", id);
	return rc ? rc : fl_q_one_cols(tx, st, &article_cols, a, out);
}

/* kb_article_labels of art: the names in art->labels. */
static int labels_put(fl_tx *tx, const struct fl_kb_article *art)
{
	static const char clear[] =
		"DELETE FROM kb_article_labels"
		" WHERE article_id = ?";
	static const char put[] =
		"INSERT INTO kb_article_labels (article_id, name)"
		" VALUES (?, ?)"
		" ON CONFLICT (article_id, name) DO NOTHING";
	const char *p = art->labels ? art->labels : "";
	int rc = fl_q_exec(tx, clear, "i", art->id);

	while (!rc && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[FL_KB_LABEL_MAX * 4 + 1];

		if (len && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = 0;
			rc = fl_q_exec(tx, put, "it", art->id, name);
		}
		p += len + (comma ? 1 : 0);
	}
	return rc;
}

int fl_store_kb_article_insert(fl_tx *tx, struct fl_kb_article *art)
{
	static const char sql[] =
		"INSERT INTO kb_articles (section_id, position, promoted, visibility, labels,"
		"                         author_id, source_locale, archived_at, created_at,"
		"                         updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	int rc = fl_q_int(tx, sql, &art->id, "iiiititiii", art->section_id, (int64_t)art->position,
			  (int64_t)art->promoted, (int64_t)art->visibility,
			  art->labels ? art->labels : "", art->author_id, art->source_locale,
			  art->archived_at, art->created_at, art->updated_at);
	return rc ? rc : labels_put(tx, art);
}

/* ---- the vocabulary (kb_vocab) ---- */

/* The rows of kb_vocab that the words (kb_words) of one translation, or of
 * every translation of one article, stand for: a row for each reader level
 * from the article's visibility up, none while the article is archived. */
#define VOCAB_OF                                                            \
	" FROM kb_words w"                                                  \
	" JOIN kb_translations t ON t.id = w.translation_id"                \
	" JOIN kb_articles a ON a.id = t.article_id"                        \
	" JOIN (SELECT 0 AS level UNION ALL SELECT 1 UNION ALL SELECT 2) l" \
	"   ON l.level >= a.visibility"

/* Counts the words of translation id (by_article: of article id) into
 * kb_vocab (add), or takes them back out (a row that falls to 0 goes). */
static int vocab_count(fl_tx *tx, int by_article, int64_t id, int add)
{
	static const char add_t[] =
		"INSERT INTO kb_vocab (locale, level, word, tail, len, n)"
		" SELECT t.locale, l.level, w.word, substr(w.word, 2), w.len, 1" VOCAB_OF
		" WHERE w.translation_id = ? AND a.archived_at = 0"
		" ON CONFLICT (locale, level, word) DO UPDATE SET n = kb_vocab.n + 1";
	static const char add_a[] =
		"INSERT INTO kb_vocab (locale, level, word, tail, len, n)"
		" SELECT t.locale, l.level, w.word, substr(w.word, 2), w.len, 1" VOCAB_OF
		" WHERE t.article_id = ? AND a.archived_at = 0"
		" ON CONFLICT (locale, level, word) DO UPDATE SET n = kb_vocab.n + 1";
	static const char drop_t[] =
		"DELETE FROM kb_vocab"
		" WHERE n = 1 AND (locale, level, word) IN ("
		"   SELECT t.locale, l.level, w.word" VOCAB_OF
		"   WHERE w.translation_id = ? AND a.archived_at = 0)";
	static const char drop_a[] =
		"DELETE FROM kb_vocab"
		" WHERE n = 1 AND (locale, level, word) IN ("
		"   SELECT t.locale, l.level, w.word" VOCAB_OF
		"   WHERE t.article_id = ? AND a.archived_at = 0)";
	static const char sub_t[] =
		"UPDATE kb_vocab SET n = n - 1"
		" WHERE (locale, level, word) IN ("
		"   SELECT t.locale, l.level, w.word" VOCAB_OF
		"   WHERE w.translation_id = ? AND a.archived_at = 0)";
	static const char sub_a[] =
		"UPDATE kb_vocab SET n = n - 1"
		" WHERE (locale, level, word) IN ("
		"   SELECT t.locale, l.level, w.word" VOCAB_OF
		"   WHERE t.article_id = ? AND a.archived_at = 0)";
	int rc;

	/* a translation has a word once (kb_words' key) and an article one
	 * translation a locale: each row counts 1 */
	if (add)
		return fl_q_exec(tx, by_article ? add_a : add_t, "i", id);
	rc = fl_q_exec(tx, by_article ? drop_a : drop_t, "i", id);
	return rc ? rc : fl_q_exec(tx, by_article ? sub_a : sub_t, "i", id);
}

int fl_store_kb_article_update(fl_tx *tx, const struct fl_kb_article *art)
{
	static const char sql[] =
		"UPDATE kb_articles"
		" SET section_id = ?, position = ?, promoted = ?, visibility = ?, labels = ?,"
		"     archived_at = ?, updated_at = ?"
		" WHERE id = ?";
	static const char level_sql[] =
		"SELECT CASE WHEN archived_at = 0 THEN visibility ELSE -1 END"
		" FROM kb_articles"
		" WHERE id = ?";
	int64_t was = -1, now = art->archived_at ? -1 : art->visibility;
	int rc = fl_q_int(tx, level_sql, &was, "i", art->id);

	if (rc == FL_ENOTFOUND)
		rc = 0;
	/* who may read the article's words changes with it: its words leave
	 * the vocabulary at the levels they were at and come in at the new
	 * ones, in this transaction */
	if (!rc && was != now)
		rc = vocab_count(tx, 1, art->id, 0);
	if (!rc)
		rc = fl_q_exec(tx, sql, "iiiitiii", art->section_id, (int64_t)art->position,
			       (int64_t)art->promoted, (int64_t)art->visibility,
			       art->labels ? art->labels : "", art->archived_at, art->updated_at,
			       art->id);
	if (!rc && was != now)
		rc = vocab_count(tx, 1, art->id, 1);
	return rc ? rc : labels_put(tx, art);
}

int fl_store_kb_entry_list(fl_tx *tx, const struct fl_kb_filter *f, fl_arena *a,
			   struct fl_kb_entry **out, size_t *n, int64_t *total)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS) ", " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		" FROM kb_articles a"
		" JOIN kb_translations t ON t.article_id = a.id AND t.locale = ?"
		" JOIN kb_sections s ON s.id = a.section_id"
		" WHERE a.visibility <= ?"
		"   AND (? = 1 OR t.draft = 0)"
		"   AND (? = 1 OR a.archived_at = 0)"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?))"
		"   AND (? = 0 OR a.promoted = 1)"
		" ORDER BY a.position, a.id"
		" LIMIT ? OFFSET ?";
	/* the same FROM and WHERE */
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM kb_articles a"
		" JOIN kb_translations t ON t.article_id = a.id AND t.locale = ?"
		" JOIN kb_sections s ON s.id = a.section_id"
		" WHERE a.visibility <= ?"
		"   AND (? = 1 OR t.draft = 0)"
		"   AND (? = 1 OR a.archived_at = 0)"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?))"
		"   AND (? = 0 OR a.promoted = 1)";
	const char *label = f->label ? f->label : "";
	size_t limit =
		f->limit && f->limit < FL_STORE_KB_LIST_MAX ? f->limit : FL_STORE_KB_LIST_MAX;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "tiiiiiiittiii", f->locale, (int64_t)f->level,
		      (int64_t)f->drafts, (int64_t)f->archived, f->section_id, f->section_id,
		      f->category_id, f->category_id, label, label, (int64_t)f->promoted_only,
		      (int64_t)limit, (int64_t)f->offset);

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &entry_cols, a, limit, (void **)out, n);
	if (!rc && total)
		rc = fl_q_int(tx, count, total, "tiiiiiiitti", f->locale, (int64_t)f->level,
			      (int64_t)f->drafts, (int64_t)f->archived, f->section_id,
			      f->section_id, f->category_id, f->category_id, label, label,
			      (int64_t)f->promoted_only);
	return rc;
}

int fl_store_kb_missing(fl_tx *tx, const char *locale, size_t limit, fl_arena *a,
			struct fl_kb_article **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS)
		" FROM kb_articles a"
		" WHERE a.archived_at = 0"
		"   AND NOT EXISTS (SELECT 1 FROM kb_translations t"
		"                   WHERE t.article_id = a.id AND t.locale = ?)"
		" ORDER BY a.id"
		" LIMIT ?";
	fl_stmt *st;
	int rc;

	if (!limit || limit > FL_STORE_KB_LIST_MAX)
		limit = FL_STORE_KB_LIST_MAX;
	rc = fl_q(tx, sql, 0, &st, "ti", locale, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &article_cols, a, limit, (void **)out, n);
}

int fl_store_kb_labels(fl_tx *tx, fl_arena *a, struct fl_kb_label_count **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(LABEL_COLUMNS)
		" FROM kb_article_labels l"
		" JOIN kb_articles a ON a.id = l.article_id"
		" WHERE a.archived_at = 0"
		" GROUP BY name"
		" ORDER BY name"
		" LIMIT 1000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "");
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &label_cols, a, FL_STORE_KB_LIST_MAX, (void **)out, n);
}

int fl_store_kb_translation_get(fl_tx *tx, int64_t article_id, const char *locale, fl_arena *a,
				struct fl_kb_translation *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		" FROM kb_translations t"
		" WHERE t.article_id = ?"
		"   AND t.locale = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "it", article_id, locale);
	return rc ? rc : fl_q_one_cols(tx, st, &translation_cols, a, out);
}

int fl_store_kb_translation_list(fl_tx *tx, int64_t article_id, fl_arena *a,
				 struct fl_kb_translation **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		" FROM kb_translations t"
		" WHERE t.article_id = ?"
		" ORDER BY CASE t.locale WHEN 'uk' THEN 0 WHEN 'ru' THEN 1 WHEN 'lt' THEN 2"
		"   ELSE 3 END";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", article_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &translation_cols, a, FL_KB_NLOCALES, (void **)out, n);
}

int fl_store_kb_translation_insert(fl_tx *tx, struct fl_kb_translation *t)
{
	static const char sql[] =
		"INSERT INTO kb_translations (article_id, locale, title, slug, body_md, body_html,"
		"                             draft, author_id, editor_id, revision, created_at,"
		"                             updated_at, edited_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, &t->id, "itttttiiiiiii", t->article_id, t->locale, t->title,
			t->slug, t->body_md, t->body_html, (int64_t)t->draft, t->author_id,
			t->editor_id, (int64_t)t->revision, t->created_at, t->updated_at,
			t->edited_at);
}

int fl_store_kb_translation_update(fl_tx *tx, const struct fl_kb_translation *t)
{
	static const char sql[] =
		"UPDATE kb_translations"
		" SET title = ?, slug = ?, body_md = ?, body_html = ?, draft = ?, editor_id = ?,"
		"     revision = ?, updated_at = ?, edited_at = ?"
		" WHERE id = ?";
	return fl_q_exec(tx, sql, "ttttiiiiii", t->title, t->slug, t->body_md, t->body_html,
			 (int64_t)t->draft, t->editor_id, (int64_t)t->revision, t->updated_at,
			 t->edited_at, t->id);
}

int fl_store_kb_slug_owner(fl_tx *tx, const char *locale, const char *slug, int64_t *translation_id)
{
	static const char sql[] =
		"SELECT id"
		" FROM kb_translations"
		" WHERE locale = ?"
		"   AND slug = ?";
	return fl_q_int(tx, sql, translation_id, "tt", locale, slug);
}

int fl_store_kb_revision_insert(fl_tx *tx, const struct fl_kb_revision *r)
{
	static const char sql[] =
		"INSERT INTO kb_revisions (translation_id, n, title, body, markdown, author_id,"
		"                          created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)";
	return fl_q_exec(tx, sql, "iittiii", r->translation_id, (int64_t)r->n, r->title, r->body,
			 (int64_t)r->markdown, r->author_id, r->created_at);
}

int fl_store_kb_revision_list(fl_tx *tx, int64_t translation_id, size_t limit, fl_arena *a,
			      struct fl_kb_revision **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REVISION_COLUMNS)
		" FROM kb_revisions"
		" WHERE translation_id = ?"
		" ORDER BY n DESC"
		" LIMIT ?";
	fl_stmt *st;
	int rc;

	if (!limit || limit > FL_STORE_KB_LIST_MAX)
		limit = FL_STORE_KB_LIST_MAX;
	rc = fl_q(tx, sql, 0, &st, "ii", translation_id, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &revision_cols, a, limit, (void **)out, n);
}

int fl_store_kb_revision_get(fl_tx *tx, int64_t translation_id, int n, fl_arena *a,
			     struct fl_kb_revision *out)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(REVISION_COLUMNS)
		" FROM kb_revisions"
		" WHERE translation_id = ?"
		"   AND n = ?";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "ii", translation_id, (int64_t)n);
	return rc ? rc : fl_q_one_cols(tx, st, &revision_cols, a, out);
}

int fl_store_kb_vote_put(fl_tx *tx, int64_t article_id, const char *locale, const char *voter,
			 int value, int64_t now)
{
	static const char sql[] =
		"INSERT INTO kb_votes (article_id, locale, voter, value, updated_at)"
		" VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (article_id, locale, voter) DO UPDATE SET"
		"   value = excluded.value, updated_at = excluded.updated_at";
	return fl_q_exec(tx, sql, "ittii", article_id, locale, voter, (int64_t)value, now);
}

int fl_store_kb_views_add(fl_tx *tx, int64_t article_id, const char *locale, int64_t n)
{
	static const char sql[] =
		"INSERT INTO kb_views (article_id, locale, n)"
		" SELECT id, ?, ? FROM kb_articles WHERE id = ?"
		" ON CONFLICT (article_id, locale) DO UPDATE SET n = kb_views.n + excluded.n";
	return fl_q_exec(tx, sql, "tii", locale, n, article_id);
}

/* ---- search ---- */

/* The distinct folded words of a text, 3 characters or more; seen holds
 * them too (in a's memory), so that a word is looked up once, not compared
 * with every word kept so far: an article of 20,000 distinct words took
 * 11.8 s inside the write transaction that way. */
struct words {
	fl_arena *a;
	GHashTable *seen;
	char **w;
	int *len;
	size_t n, cap;
	int rc;
};

static int add_word(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		    size_t start, size_t end)
{
	struct words *ws = ctx;
	size_t chars = fl_utf8_len(term, len);
	(void)pos, (void)start, (void)end;

	char key[FL_TEXT_TERM_MAX + 1];

	if (colocated || chars < 3 || len > FL_TEXT_TERM_MAX)
		return 0;
	memcpy(key, term, len);
	key[len] = 0;
	if (g_hash_table_contains(ws->seen, key))
		return 0;
	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? 2 * ws->cap : 256;
		char **w = fl_arena_alloc(ws->a, cap * sizeof *w);
		int *l = fl_arena_alloc(ws->a, cap * sizeof *l);
		if (!w || !l)
			return FL_ENOMEM;
		if (ws->n) {
			memcpy(w, ws->w, ws->n * sizeof *w);
			memcpy(l, ws->len, ws->n * sizeof *l);
		}
		ws->w = w;
		ws->len = l;
		ws->cap = cap;
	}
	if (!(ws->w[ws->n] = fl_arena_strndup(ws->a, term, len)))
		return FL_ENOMEM;
	g_hash_table_add(ws->seen, ws->w[ws->n]);
	ws->len[ws->n++] = (int)chars;
	return 0;
}

int fl_store_kb_index(fl_tx *tx, const struct fl_kb_translation *t)
{
	static const char del_fts[] = "DELETE FROM kb_fts WHERE rowid = ?";
	static const char del_fts_pg[] = "DELETE FROM kb_fts WHERE translation_id = ?";
	static const char del_words[] = "DELETE FROM kb_words WHERE translation_id = ?";
	static const char ins_fts[] =
		"INSERT INTO kb_fts (rowid, title, body)"
		" VALUES (?, ?, ?)";
	static const char ins_fts_pg[] =
		"INSERT INTO kb_fts (translation_id, title, body, tsv)"
		" VALUES (?, ?, ?, ?::tsvector)";
	static const char ins_word[] =
		"INSERT INTO kb_words (translation_id, word, len)"
		" VALUES (?, ?, ?)";
	int pg = tx->drv->fts_doc != NULL;
	fl_arena a;
	struct words ws = {.a = &a};
	char *text;
	fl_buf tsv;
	size_t pos = 0;
	int rc = fl_q_exec(tx, pg ? del_fts_pg : del_fts, "i", t->id);

	/* the words it had leave the vocabulary before they are dropped */
	if (!rc)
		rc = vocab_count(tx, 0, t->id, 0);
	if (!rc)
		rc = fl_q_exec(tx, del_words, "i", t->id);
	if (rc || t->draft)
		return rc;
	fl_arena_init(&a, 0);
	fl_buf_init(&tsv, 0);
	text = fl_html_text(t->body_html ? t->body_html : "", &a);
	if (!text)
		text = "";
	if (pg) {
		/* a position left out after the title: a phrase does not run from
		 * the title into the body, as FTS5's columns keep them apart */
		rc = tx->drv->fts_doc(t->title, 'A', &pos, &tsv);
		pos++;
		if (!rc)
			rc = tx->drv->fts_doc(text, 0, &pos, &tsv);
		if (!rc)
			rc = fl_q_exec(tx, ins_fts_pg, "ittt", t->id, t->title, text,
				       tsv.p ? tsv.p : "");
	} else {
		rc = fl_q_exec(tx, ins_fts, "itt", t->id, t->title, text);
	}
	ws.seen = g_hash_table_new(g_str_hash, g_str_equal);
	if (!rc)
		rc = fl_text_index_terms(t->title, strlen(t->title), add_word, &ws);
	if (!rc)
		rc = fl_text_index_terms(text, strlen(text), add_word, &ws);
	g_hash_table_destroy(ws.seen);
	for (size_t i = 0; !rc && i < ws.n; i++)
		rc = fl_q_exec(tx, ins_word, "iti", t->id, ws.w[i], (int64_t)ws.len[i]);
	if (!rc)
		rc = vocab_count(tx, 0, t->id, 1);
	fl_buf_free(&tsv);
	fl_arena_free(&a);
	return rc;
}

/* The translations with ids in [from, from + BATCH), indexed again. */
#define REINDEX_BATCH 200
struct reindex {
	int64_t from, last;
};

static int tx_reindex(fl_tx *tx, void *arg)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		" FROM kb_translations t"
		" WHERE t.id >= ?"
		" ORDER BY t.id"
		" LIMIT 200";
	struct reindex *r = arg;
	struct fl_kb_translation *t;
	size_t n;
	fl_arena a;
	fl_stmt *st;
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_q(tx, sql, 0, &st, "i", r->from);
	if (!rc)
		rc = fl_q_rows_cols(tx, st, &translation_cols, &a, REINDEX_BATCH, (void **)&t, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = fl_store_kb_index(tx, &t[i]);
	r->last = !rc && n ? t[n - 1].id : 0;
	fl_arena_free(&a);
	return rc;
}

/* The words and the vocabulary emptied, for the batches to fill: a
 * vocabulary that another analysis (or a copy) left does not count on. */
static int tx_reindex_clear(fl_tx *tx, void *arg)
{
	static const char vocab[] = "DELETE FROM kb_vocab";
	static const char words[] = "DELETE FROM kb_words";
	int rc = fl_q_exec(tx, vocab, "");
	(void)arg;
	return rc ? rc : fl_q_exec(tx, words, "");
}

int fl_store_kb_reindex(fl_store *s)
{
	struct reindex r = {1, 0};
	int rc = fl_store_write(s, tx_reindex_clear, NULL);

	while (!rc && !(rc = fl_store_write(s, tx_reindex, &r)) && r.last)
		r.from = r.last + 1;
	return rc;
}

/* The driver's match expression for q: every word, and none of the
 * negated ones. */
static int search_expr(fl_tx *tx, const struct fl_kb_search_q *q, fl_arena *a, char **out)
{
	int pg = tx->drv->fts_doc != NULL;
	fl_buf b;
	int rc = 0;

	fl_buf_init(&b, 64 * 1024);
	rc = fl_buf_adds(&b, "(");
	for (size_t i = 0; !rc && i < q->nwords; i++) {
		if (i)
			rc = fl_buf_adds(&b,
					 q->any ? (pg ? " | " : " OR ") : (pg ? " & " : " AND "));
		if (!rc)
			rc = tx->drv->fts_term(q->words[i], q->prefix ? q->prefix[i] : 0, &b);
	}
	if (!rc)
		rc = fl_buf_adds(&b, ")");
	for (size_t i = 0; !rc && i < q->nnot; i++) {
		rc = fl_buf_adds(&b, pg ? " & !" : " NOT ");
		if (!rc)
			rc = tx->drv->fts_term(q->not_words[i],
					       q->not_prefix ? q->not_prefix[i] : 0, &b);
	}
	if (!rc && !(*out = fl_arena_strndup(a, b.p ? b.p : "", b.n)))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	return rc;
}

#define HIT_ARTICLE(m, expr) FL_COLUMN(struct fl_kb_hit, e.article.m)
#define HIT_TR(m, expr) FL_COLUMN(struct fl_kb_hit, e.tr.m)
static const struct fl_col hit_col[] = {ARTICLE_COLUMNS(HIT_ARTICLE, FL_COMMA),
					TRANSLATION_COLUMNS(HIT_TR, FL_COMMA),
					FL_COLUMN(struct fl_kb_hit, text)};
static const struct fl_cols hit_cols = FL_COLS(struct fl_kb_hit, hit_col);

/* The rank query's rows: the ids of the page (at most max, in a) and the
 * number of matches, which every row carries (COUNT(*) OVER (): one walk
 * of the matches for both). Releases st. */
static int rank_ids(fl_tx *tx, fl_stmt *st, fl_arena *a, size_t max, int64_t **out, size_t *n,
		    int64_t *total)
{
	int64_t *ids = fl_arena_alloc(a, (max + 1) * sizeof *ids);
	size_t k = 0;
	int rc = ids ? 0 : FL_ENOMEM;

	while (!rc && (rc = fl_q_step(tx, st)) == 1) {
		*total = fl_col_int(tx, st, 1);
		if (k < max)
			ids[k++] = fl_col_int(tx, st, 0);
		rc = 0;
	}
	fl_q_done(tx, st);
	if (rc < 0)
		return rc;
	*out = ids;
	*n = k;
	return 0;
}

int fl_store_kb_search(fl_tx *tx, const struct fl_kb_search_q *q, fl_arena *a,
		       struct fl_kb_hit **out, size_t *n, int64_t *total)
{
	/* the page's ids first, best first (only ids are sorted), then each
	 * hit's columns and indexed text: 25 rows read whole, not every match.
	 * The matches are filtered through the narrow index
	 * kb_translations_search on SQLite, so that a match costs a page of
	 * that index, not a page of the translation's (kilobytes of Markdown
	 * and HTML): a common word matches thousands. bm25 is in a subquery:
	 * FTS5 answers it only while its cursor is on the row, which a
	 * window's rows no longer are. */
	static const char rank[] =
		"SELECT id, COUNT(*) OVER ()"
		" FROM (SELECT t.id AS id, bm25(kb_fts, 4.0, 1.0) AS r"
		"       FROM kb_fts f"
		"       CROSS JOIN kb_translations t INDEXED BY kb_translations_search"
		"         ON t.id = f.rowid"
		"       JOIN kb_articles a ON a.id = t.article_id"
		"       JOIN kb_sections s ON s.id = a.section_id"
		"       WHERE kb_fts MATCH ?"
		"   AND t.locale = ? AND t.draft = 0 AND a.archived_at = 0 AND a.visibility <= ?"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?)))"
		" ORDER BY r, id"
		" LIMIT ? OFFSET ?";
	static const char count[] =
		"SELECT COUNT(*)"
		" FROM kb_fts f"
		" CROSS JOIN kb_translations t INDEXED BY kb_translations_search"
		"   ON t.id = f.rowid"
		" JOIN kb_articles a ON a.id = t.article_id"
		" JOIN kb_sections s ON s.id = a.section_id"
		" WHERE kb_fts MATCH ?"
		"   AND t.locale = ? AND t.draft = 0 AND a.archived_at = 0 AND a.visibility <= ?"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?))";
	/* ts_rank's weights are {D, C, B, A}: the title (A) 4 to the body (D) 1 */
	static const char rank_pg[] =
		"SELECT t.id, COUNT(*) OVER ()"
		" FROM kb_fts f"
		" JOIN kb_translations t ON t.id = f.translation_id"
		" JOIN kb_articles a ON a.id = t.article_id"
		" JOIN kb_sections s ON s.id = a.section_id"
		" WHERE f.tsv @@ CAST(? AS tsquery)"
		"   AND t.locale = ? AND t.draft = 0 AND a.archived_at = 0 AND a.visibility <= ?"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?))"
		" ORDER BY ts_rank('{0.25, 0.25, 0.25, 1.0}', f.tsv, CAST(? AS tsquery)) DESC, t.id"
		" LIMIT ? OFFSET ?";
	static const char count_pg[] =
		"SELECT COUNT(*)"
		" FROM kb_fts f"
		" JOIN kb_translations t ON t.id = f.translation_id"
		" JOIN kb_articles a ON a.id = t.article_id"
		" JOIN kb_sections s ON s.id = a.section_id"
		" WHERE f.tsv @@ CAST(? AS tsquery)"
		"   AND t.locale = ? AND t.draft = 0 AND a.archived_at = 0 AND a.visibility <= ?"
		"   AND (? = 0 OR a.section_id = ?)"
		"   AND (? = 0 OR s.category_id = ?)"
		"   AND (? = '' OR EXISTS (SELECT 1 FROM kb_article_labels l"
		"                          WHERE l.article_id = a.id AND l.name = ?))";
	static const char hit[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS) ", " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		", f.body"
		" FROM kb_fts f"
		" JOIN kb_translations t ON t.id = f.rowid"
		" JOIN kb_articles a ON a.id = t.article_id"
		" WHERE f.rowid = ?";
	static const char hit_pg[] =
		"SELECT " FL_COLUMNS_SQL(ARTICLE_COLUMNS) ", " FL_COLUMNS_SQL(TRANSLATION_COLUMNS)
		", f.body"
		" FROM kb_fts f"
		" JOIN kb_translations t ON t.id = f.translation_id"
		" JOIN kb_articles a ON a.id = t.article_id"
		" WHERE f.translation_id = ?";
	int pg = tx->drv->fts_doc != NULL;
	const char *label = q->label ? q->label : "";
	size_t limit =
		q->limit && q->limit < FL_STORE_KB_LIST_MAX ? q->limit : FL_STORE_KB_LIST_MAX;
	struct fl_kb_hit *hits;
	int64_t *ids;
	size_t nids = 0;
	char *expr;
	fl_stmt *st;
	int rc;

	*n = 0;
	*total = 0;
	if (!q->nwords)
		return 0;
	if ((rc = search_expr(tx, q, a, &expr)))
		return rc;
	if (pg)
		rc = fl_q(tx, rank_pg, 0, &st, "ttiiiiitttii", expr, q->locale, (int64_t)q->level,
			  q->section_id, q->section_id, q->category_id, q->category_id, label,
			  label, expr, (int64_t)limit, (int64_t)q->offset);
	else
		rc = fl_q(tx, rank, 0, &st, "ttiiiiittii", expr, q->locale, (int64_t)q->level,
			  q->section_id, q->section_id, q->category_id, q->category_id, label,
			  label, (int64_t)limit, (int64_t)q->offset);
	if (!rc)
		rc = rank_ids(tx, st, a, limit, &ids, &nids, total);
	if (!rc && !(hits = fl_arena_alloc(a, (nids + 1) * sizeof *hits)))
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < nids; i++) {
		rc = fl_q(tx, pg ? hit_pg : hit, 0, &st, "i", ids[i]);
		if (!rc)
			rc = fl_q_one_cols(tx, st, &hit_cols, a, &hits[i]);
	}
	/* a page past the last: the count from a query of its own */
	if (!rc && !nids && q->offset)
		rc = fl_q_int(tx, pg ? count_pg : count, total, "ttiiiiitt", expr, q->locale,
			      (int64_t)q->level, q->section_id, q->section_id, q->category_id,
			      q->category_id, label, label);
	if (!rc) {
		*out = hits;
		*n = nids;
	}
	return rc;
}

struct word_row {
	char *word;
};
#define WORD_COLUMNS(X, S) X(word, "w.word")
#define WORD_COLUMN(m, expr) FL_COLUMN(struct word_row, m)
static const struct fl_col word_col[] = {WORD_COLUMNS(WORD_COLUMN, FL_COMMA)};
static const struct fl_cols word_cols = FL_COLS(struct word_row, word_col);

int fl_store_kb_vocabulary(fl_tx *tx, const char *locale, int level, const char *word, int len,
			   int near, fl_arena *a, char ***out, size_t *n)
{
	/* four walks of an index each, at most near rows each: no DISTINCT,
	 * no sort; word and tail are byte-ordered on both backends (COLLATE
	 * "C" on PostgreSQL), so both read the same rows */
	static const char sql[] =
		"SELECT w.word FROM (SELECT word FROM kb_vocab"
		"   WHERE locale = ? AND level = ? AND len = ? AND word >= ?"
		"   ORDER BY word LIMIT ?) w"
		" UNION ALL"
		" SELECT w.word FROM (SELECT word FROM kb_vocab"
		"   WHERE locale = ? AND level = ? AND len = ? AND word < ?"
		"   ORDER BY word DESC LIMIT ?) w"
		" UNION ALL"
		" SELECT w.word FROM (SELECT word, tail FROM kb_vocab"
		"   WHERE locale = ? AND level = ? AND len = ? AND tail >= ?"
		"   ORDER BY tail, word LIMIT ?) w"
		" UNION ALL"
		" SELECT w.word FROM (SELECT word, tail FROM kb_vocab"
		"   WHERE locale = ? AND level = ? AND len = ? AND tail < ?"
		"   ORDER BY tail DESC, word DESC LIMIT ?) w";
	const char *tail = *word ? g_utf8_next_char(word) : word;
	int64_t lv = level < 0 ? 0 : level > 2 ? 2 : level, k = near < 0 ? 0 : near;
	struct word_row *rows;
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "tiititiititiititiiti", locale, lv, (int64_t)len, word, k,
		      locale, lv, (int64_t)len, word, k, locale, lv, (int64_t)len, tail, k, locale,
		      lv, (int64_t)len, tail, k);

	if (!rc)
		rc = fl_q_rows_cols(tx, st, &word_cols, a, 4 * (size_t)k, (void **)&rows, n);
	if (rc)
		return rc;
	/* struct word_row is one char *: the array is one of char * */
	*out = (char **)rows;
	return 0;
}

int fl_store_kb_search_log(fl_tx *tx, const char *query, const char *key, const char *locale,
			   int64_t results, const char *source, const char *token, int64_t now,
			   int64_t *id)
{
	static const char sql[] =
		"INSERT INTO kb_searches (query, query_key, locale, results, source, token, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id";
	return fl_q_int(tx, sql, id, "tttitti", query, key, locale, results, source, token, now);
}

int fl_store_kb_search_open(fl_tx *tx, int64_t id, const char *token, int64_t since, fl_arena *a,
			    char **locale)
{
	static const char sql[] =
		"SELECT locale"
		" FROM kb_searches"
		" WHERE id = ? AND token = ? AND token <> '' AND created_at >= ?"
		"   AND clicked_article_id = 0";
	return fl_q_text(tx, sql, a, locale, "iti", id, token, since);
}

int fl_store_kb_search_click(fl_tx *tx, int64_t id, int64_t article_id)
{
	static const char sql[] =
		"UPDATE kb_searches"
		" SET clicked_article_id = ?"
		" WHERE id = ? AND clicked_article_id = 0"
		" RETURNING id";
	int64_t got;
	return fl_q_int(tx, sql, &got, "ii", article_id, id);
}

int fl_store_kb_search_purge(fl_tx *tx, int64_t before)
{
	static const char sql[] =
		"DELETE FROM kb_searches"
		" WHERE created_at < ?";
	return fl_q_exec(tx, sql, "i", before);
}

int fl_store_kb_search_click_key(fl_tx *tx, const char *key, const char *locale, int64_t article_id,
				 int64_t since)
{
	static const char sql[] =
		"UPDATE kb_searches"
		" SET clicked_article_id = ?"
		" WHERE id = (SELECT MAX(id) FROM kb_searches"
		"             WHERE query_key = ? AND locale = ? AND created_at >= ?"
		"               AND clicked_article_id = 0)";
	return fl_q_exec(tx, sql, "itti", article_id, key, locale, since);
}

#define STAT_COLUMNS(X, S)                                                   \
	X(query, "MAX(query)")                                               \
	S X(locale, "locale") S X(searches, "COUNT(*)") S X(                 \
		no_result, "SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END)") S \
	X(no_click, "SUM(CASE WHEN results > 0 AND clicked_article_id = 0 THEN 1 ELSE 0 END)")
#define STAT_COLUMN(m, expr) FL_COLUMN(struct fl_kb_search_stat, m)
static const struct fl_col stat_col[] = {STAT_COLUMNS(STAT_COLUMN, FL_COMMA)};
static const struct fl_cols stat_cols = FL_COLS(struct fl_kb_search_stat, stat_col);

int fl_store_kb_search_report(fl_tx *tx, const char *locale, int64_t from, int64_t to, size_t limit,
			      fl_arena *a, struct fl_kb_search_stat **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(STAT_COLUMNS)
		" FROM kb_searches"
		" WHERE created_at >= ? AND created_at < ?"
		"   AND (? = '' OR locale = ?)"
		" GROUP BY query_key, locale"
		" HAVING SUM(CASE WHEN results = 0 OR clicked_article_id = 0 THEN 1 ELSE 0 END) > 0"
		" ORDER BY COUNT(*) DESC, MAX(query)"
		" LIMIT ?";
	const char *l = locale ? locale : "";
	fl_stmt *st;
	int rc;

	if (!limit || limit > FL_STORE_KB_LIST_MAX)
		limit = FL_STORE_KB_LIST_MAX;
	rc = fl_q(tx, sql, 0, &st, "iitti", from, to, l, l, (int64_t)limit);
	return rc ? rc : fl_q_rows_cols(tx, st, &stat_cols, a, limit, (void **)out, n);
}

int fl_store_kb_attachment_link(fl_tx *tx, int64_t article_id, int64_t attachment_id, int64_t now)
{
	static const char sql[] =
		"INSERT INTO kb_article_attachments (attachment_id, article_id, created_at)"
		" VALUES (?, ?, ?)";
	return fl_q_exec(tx, sql, "iii", attachment_id, article_id, now);
}

int fl_store_kb_attachment_article(fl_tx *tx, int64_t attachment_id, int64_t *article_id)
{
	static const char sql[] =
		"SELECT article_id"
		" FROM kb_article_attachments"
		" WHERE attachment_id = ?";
	return fl_q_int(tx, sql, article_id, "i", attachment_id);
}

#define FILE_COLUMNS(X, S)                                                                      \
	X(id, "x.id")                                                                           \
	S X(uploader_id, "x.uploader_id") S X(file_name, "x.file_name") S X(content_type,       \
									    "x.content_type") S \
	X(size, "x.size") S                                                                     \
	X(digest, "x.digest") S                                                                 \
	X(in_db, "x.in_db") S                                                                   \
	X(created_at, "x.created_at")
#define FILE_COLUMN(m, expr) FL_COLUMN(struct fl_attachment, m)
static const struct fl_col file_col[] = {FILE_COLUMNS(FILE_COLUMN, FL_COMMA)};
static const struct fl_cols file_cols = FL_COLS(struct fl_attachment, file_col);

int fl_store_kb_attachment_list(fl_tx *tx, int64_t article_id, fl_arena *a,
				struct fl_attachment **out, size_t *n)
{
	static const char sql[] =
		"SELECT " FL_COLUMNS_SQL(FILE_COLUMNS)
		" FROM kb_article_attachments k"
		" JOIN attachments x ON x.id = k.attachment_id"
		" WHERE k.article_id = ?"
		" ORDER BY x.id"
		" LIMIT 1000";
	fl_stmt *st;
	int rc = fl_q(tx, sql, 0, &st, "i", article_id);
	return rc ? rc
		  : fl_q_rows_cols(tx, st, &file_cols, a, FL_STORE_KB_LIST_MAX, (void **)out, n);
}
