/* From tickets to knowledge (kb/ticket_kb.h). */
#include <string.h>

#include "core/str.h"
#include "core/text.h"
#include "core/time.h"
#include "kb/ticket_kb.h"
#include "store/kb.h"
#include "store/ticket_articles.h"
#include "store/tickets.h"
#include "store/users.h"
#include "tickets/ticket.h"

const char *fl_ticket_kb_locale(struct fl_tx *tx, const struct fl_ticket *t, fl_arena *a)
{
	struct fl_user u;
	char l[3] = {0};

	if (fl_store_user_get(tx, t->requester_id, a, &u) || !u.locale || strlen(u.locale) < 2)
		return NULL;
	memcpy(l, u.locale, 2);
	if (u.locale[2] && u.locale[2] != '-' && u.locale[2] != '_')
		return NULL;
	return fl_kb_locale_name(l);
}

/* Article article_id as an agent may link it: 0, or FL_EINVAL naming
 * article_id (what an agent may not read does not exist for them). */
static int linkable(struct fl_tx *tx, const struct fl_actor *actor, int64_t article_id, fl_arena *a,
		    struct fl_kb_article *art, struct fl_err *e)
{
	int rc = fl_store_kb_article_get(tx, article_id, a, art);

	if (!rc && (art->archived_at || art->visibility > fl_kb_reader_level(actor)))
		rc = FL_ENOTFOUND;
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, "article_id", "InvalidValue",
				  "Article: there is no article %lld", (long long)article_id);
	return rc;
}

int fl_ticket_kb_link(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		      int64_t article_id, int *added, struct fl_err *e)
{
	struct fl_ticket t;
	struct fl_kb_article art;
	fl_arena a;
	int64_t n = 0;
	int rc;

	*added = 0;
	fl_arena_init(&a, 0);
	rc = fl_ticket_load(tx, actor, ticket_id, &a, &t);
	if (!rc)
		rc = linkable(tx, actor, article_id, &a, &art, e);
	if (!rc)
		rc = fl_store_ticket_article_count(tx, ticket_id, &n);
	fl_arena_free(&a);
	if (rc)
		return rc;
	rc = fl_store_ticket_article_put(tx, ticket_id, article_id, actor->id, fl_now(), added);
	if (!rc && *added && n >= FL_TICKET_ARTICLES_MAX)
		/* checked after the insert so that linking again stays a no-op;
		 * the transaction rolls the insert back */
		return fl_err_set(e, FL_EINVAL, "article_id", "TooMany",
				  "Article: a ticket links at most %d articles",
				  FL_TICKET_ARTICLES_MAX);
	return rc;
}

int fl_ticket_kb_unlink(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
			int64_t article_id, struct fl_err *e)
{
	struct fl_ticket t;
	fl_arena a;
	int rc;

	(void)e;
	fl_arena_init(&a, 0);
	rc = fl_ticket_load(tx, actor, ticket_id, &a, &t);
	fl_arena_free(&a);
	return rc ? rc : fl_store_ticket_article_delete(tx, ticket_id, article_id);
}

/* The translation of article art to show in locale: locale's, else the
 * source locale's (*fallback 1); FL_ENOTFOUND when neither may be read at
 * level. */
static int pick_translation(struct fl_tx *tx, const struct fl_kb_article *art, const char *locale,
			    int level, fl_arena *a, struct fl_kb_translation *tr, int *fallback)
{
	int rc = locale ? fl_store_kb_translation_get(tx, art->id, locale, a, tr) : FL_ENOTFOUND;

	*fallback = 0;
	if (!rc && fl_kb_visible(level, art, tr))
		return 0;
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	*fallback = 1;
	rc = fl_store_kb_translation_get(tx, art->id, art->source_locale, a, tr);
	if (!rc && !fl_kb_visible(level, art, tr))
		rc = FL_ENOTFOUND;
	return rc;
}

int fl_ticket_kb_links(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		       fl_arena *a, struct fl_ticket_kb_link **out, size_t *n, const char **locale)
{
	struct fl_ticket t;
	struct fl_ticket_article *rows;
	size_t nrows = 0;
	int level = fl_kb_reader_level(actor);
	int rc = fl_ticket_load(tx, actor, ticket_id, a, &t);

	*n = 0;
	if (!rc)
		rc = fl_store_ticket_article_list(tx, ticket_id, a, &rows, &nrows);
	if (rc)
		return rc;
	*locale = fl_ticket_kb_locale(tx, &t, a);
	*out = fl_arena_alloc(a, (nrows ? nrows : 1) * sizeof **out);
	if (!*out)
		return FL_ENOMEM;
	for (size_t i = 0; i < nrows; i++) {
		struct fl_ticket_kb_link *l = &(*out)[*n];
		rc = fl_store_kb_article_get(tx, rows[i].article_id, a, &l->article);
		if (!rc && (l->article.archived_at || l->article.visibility > level))
			continue;
		if (!rc)
			rc = pick_translation(tx, &l->article, *locale, level, a, &l->tr,
					      &l->fallback);
		if (rc == FL_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		l->user_id = rows[i].user_id;
		l->created_at = rows[i].created_at;
		(*n)++;
	}
	return 0;
}

/* ---- the draft ---- */

static const char *const headings[FL_KB_NLOCALES][2] = {
	{"Питання", "Відповідь"},
	{"Вопрос", "Ответ"},
	{"Klausimas", "Atsakymas"},
	{"Question", "Answer"},
};

/* text as a Markdown block quote: every line after "> " */
static int add_quote(fl_buf *b, const char *text)
{
	const char *p = text;
	int rc = 0;

	while (*p && !rc) {
		size_t n = strcspn(p, "\n");
		size_t k = n && p[n - 1] == '\r' ? n - 1 : n;
		rc = fl_buf_adds(b, k ? "> " : ">");
		if (!rc)
			rc = fl_buf_add(b, p, k);
		if (!rc)
			rc = fl_buf_addc(b, '\n');
		p += n + (p[n] == '\n');
	}
	return rc;
}

int fl_ticket_kb_draft_text(const struct fl_ticket *t, const struct fl_comment *comments,
			    const int *is_agent, size_t n, const char *locale, fl_arena *a,
			    char **title, char **body_md, struct fl_err *e)
{
	const struct fl_comment *q = NULL, *ans = NULL;
	int li = fl_kb_locale(locale);
	size_t len;
	fl_buf b;
	int rc;

	if (t->status != FL_STATUS_SOLVED && t->status != FL_STATUS_CLOSED)
		return fl_err_set(e, FL_EINVAL, "status", "InvalidValue",
				  "Status: an article is made from a solved or closed ticket");
	for (size_t i = 0; i < n; i++) {
		if (!comments[i].public)
			continue; /* internal notes are never copied */
		if (!q)
			q = &comments[i];
		else if (is_agent[i] && (!t->solved_at || comments[i].created_at <= t->solved_at))
			ans = &comments[i];
	}
	if (!q || !ans)
		return fl_err_set(e, FL_EINVAL, "comments", "InvalidValue",
				  "Comments: the ticket has no %s to make an article of",
				  q ? "public reply by an agent" : "public comment");
	if (li < 0)
		li = fl_kb_locale("en");
	len = strlen(t->subject);
	len = fl_utf8_prefix(t->subject, len, FL_KB_TITLE_MAX);
	*title = fl_arena_strndup(a, t->subject, len);
	if (*title && !**title)
		*title = fl_arena_strdup(a, headings[li][0]);
	fl_buf_init(&b, 2 * FL_KB_BODY_MAX);
	rc = fl_buf_addf(&b, "## %s\n\n", headings[li][0]);
	if (!rc)
		rc = add_quote(&b, q->body);
	if (!rc)
		rc = fl_buf_addf(&b, "\n## %s\n\n%s\n", headings[li][1], ans->body);
	*body_md = rc ? NULL : fl_arena_strdup(a, b.p);
	fl_buf_free(&b);
	if (rc == FL_ETOOBIG || (!rc && strlen(*body_md) > FL_KB_BODY_MAX))
		return fl_err_set(e, FL_EINVAL, "comments", "TooLong",
				  "Comments: too long for an article (at most %d bytes)",
				  FL_KB_BODY_MAX);
	return rc ? rc : (*title && *body_md ? 0 : FL_ENOMEM);
}

/* The ticket's comments, in order, and whether each author is an agent. */
static int load_comments(struct fl_tx *tx, int64_t ticket_id, fl_arena *a, struct fl_comment **out,
			 int **is_agent, size_t *n)
{
	enum { PAGE = 100, MAX = 2000 };
	struct fl_comment *all = fl_arena_alloc(a, MAX * sizeof *all);
	int rc = all ? 0 : FL_ENOMEM;

	*n = 0;
	while (!rc && *n < MAX) {
		struct fl_page pg = {.limit = PAGE, .offset = *n};
		struct fl_comment *page;
		size_t got = 0;
		rc = fl_store_comment_list(tx, ticket_id, 1, &pg, a, &page, &got);
		for (size_t i = 0; !rc && i < got && *n < MAX; i++)
			all[(*n)++] = page[i];
		if (got < PAGE)
			break;
	}
	*out = all;
	*is_agent = fl_arena_alloc(a, (*n ? *n : 1) * sizeof **is_agent);
	if (!rc && !*is_agent)
		rc = FL_ENOMEM;
	for (size_t i = 0; !rc && i < *n; i++) {
		struct fl_user u;
		int err = fl_store_user_get(tx, all[i].author_id, a, &u);
		if (err && err != FL_ENOTFOUND)
			return err;
		(*is_agent)[i] = !err && u.role >= FL_ROLE_AGENT;
	}
	return rc;
}

int fl_ticket_kb_draft(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
		       int64_t section_id, fl_arena *a, struct fl_kb_article *art,
		       struct fl_kb_translation *tr, struct fl_err *e)
{
	struct fl_ticket t;
	struct fl_comment *cs;
	int *is_agent, added;
	size_t n;
	const char *locale;
	int rc = fl_ticket_load(tx, actor, ticket_id, a, &t);

	if (!rc)
		rc = load_comments(tx, ticket_id, a, &cs, &is_agent, &n);
	if (rc)
		return rc;
	locale = fl_ticket_kb_locale(tx, &t, a);
	if (!locale)
		locale = "en";
	*art = (struct fl_kb_article){.section_id = section_id,
				      .visibility = FL_KB_PUBLIC,
				      .labels = "",
				      .source_locale = (char *)locale};
	*tr = (struct fl_kb_translation){.draft = 1};
	if ((rc = fl_ticket_kb_draft_text(&t, cs, is_agent, n, locale, a, &tr->title, &tr->body_md,
					  e)))
		return rc;
	if ((rc = fl_kb_article_create(tx, actor, art, tr, a, e)))
		return rc;
	return fl_ticket_kb_link(tx, actor, ticket_id, art->id, &added, e);
}

/* ---- similar tickets ---- */

struct words {
	const char *text;
	fl_arena *a;
	const char **out;
	char (*folded)[FL_TEXT_TERM_MAX + 1];
	size_t n, max;
};

static int on_word(void *ctx, const char *term, size_t len, int colocated, size_t pos, size_t start,
		   size_t end)
{
	struct words *w = ctx;
	int digits = 1;

	(void)pos;
	if (colocated || fl_utf8_len(term, len) < 3 || len > FL_TEXT_TERM_MAX)
		return 0;
	for (size_t i = 0; i < len && digits; i++)
		digits = term[i] >= '0' && term[i] <= '9';
	if (digits)
		return 0;
	for (size_t i = 0; i < w->n; i++)
		if (strlen(w->folded[i]) == len && !memcmp(w->folded[i], term, len))
			return 0;
	memcpy(w->folded[w->n], term, len);
	w->folded[w->n][len] = 0;
	w->out[w->n] = fl_arena_strndup(w->a, w->text + start, end - start);
	if (!w->out[w->n])
		return FL_ENOMEM;
	return ++w->n == w->max ? 1 : 0;
}

size_t fl_ticket_kb_words(const char *text, fl_arena *a, const char **out, size_t max)
{
	char folded[FL_SIMILAR_CANDIDATES][FL_TEXT_TERM_MAX + 1];
	struct words w = {text, a, out, folded, 0, max};

	if (max > FL_SIMILAR_CANDIDATES)
		w.max = FL_SIMILAR_CANDIDATES;
	if (w.max)
		fl_text_terms(text, strlen(text), 0, on_word, &w);
	return w.n;
}

int fl_ticket_kb_similar(struct fl_tx *tx, const struct fl_actor *actor, int64_t ticket_id,
			 fl_arena *a, struct fl_similar_ticket **out, size_t *n)
{
	struct fl_ticket t;
	struct fl_comment *first = NULL;
	size_t nfirst = 0, nw, nkeep = 0;
	const char *words[FL_SIMILAR_CANDIDATES], *keep[FL_SIMILAR_TERMS];
	int64_t counts[FL_SIMILAR_CANDIDATES], tickets = 0;
	struct fl_page pg = {.limit = 1};
	fl_buf text;
	int rc = fl_ticket_load(tx, actor, ticket_id, a, &t);

	*out = NULL;
	*n = 0;
	if (!rc)
		rc = fl_store_comment_list(tx, ticket_id, 0, &pg, a, &first, &nfirst);
	if (!rc)
		rc = fl_store_ticket_last_id(tx, &tickets);
	if (rc)
		return rc;
	fl_buf_init(&text, 0);
	rc = fl_buf_adds(&text, t.subject);
	if (!rc && nfirst)
		rc = fl_buf_addf(&text, "\n%s", first[0].body);
	nw = rc ? 0 : fl_ticket_kb_words(text.p ? text.p : "", a, words, FL_SIMILAR_CANDIDATES);
	fl_buf_free(&text);
	if (rc)
		return rc;
	for (size_t i = 0; i < nw && !rc; i++)
		rc = fl_store_search_word_rows(tx, words[i], FL_SIMILAR_COMMON, &counts[i]);
	if (rc)
		return rc;
	/* the FL_SIMILAR_TERMS rarest words that are not common: a selection
	 * by count, in the order the words came among equal counts */
	while (nkeep < FL_SIMILAR_TERMS) {
		size_t best = nw;
		for (size_t i = 0; i < nw; i++)
			if (counts[i] > 1 && counts[i] < FL_SIMILAR_COMMON &&
			    counts[i] <= tickets && (best == nw || counts[i] < counts[best]))
				best = i;
		if (best == nw)
			break;
		keep[nkeep++] = words[best];
		counts[best] = -1;
	}
	return fl_store_ticket_similar(tx, ticket_id, keep, nkeep, FL_SIMILAR_ROWS, FL_SIMILAR_MAX,
				       a, out, n);
}
