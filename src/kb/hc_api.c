/* The public help center's doors (docs/help-center.md):
 *   GET  /hc                                  → /hc/{locale} by Accept-Language
 *   GET  /hc/{locale}                         the home
 *   GET  /hc/{locale}/categories/{id}-{slug}  a category
 *   GET  /hc/{locale}/sections/{id}-{slug}    a section
 *   GET  /hc/{locale}/articles/{id}-{slug}    an article
 *   GET  /hc/{locale}/search?query=&page=     search (fl_kb_search), each
 *                                             first page recorded for the
 *                                             failed-search report
 *   POST /hc/{locale}/articles/{id}/vote      "was this helpful?" (a form)
 *   GET  /hc/sitemap.xml
 * Server-rendered HTML (kb/hc.h renders; this file reads the knowledge
 * base and decides what the visitor may see). A page is one read
 * transaction; a view is counted in this process's memory and flushed to
 * the store every few seconds (fl_hc_views_flush), so that reading an
 * article is never a write. What a visitor may not see is the same 404 as
 * what does not exist. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "build_info.h"
#include "core/log.h"
#include "core/random.h"
#include "core/time.h"
#include "http/form.h"
#include "http/http.h"
#include "kb/hc.h"
#include "kb/hc_api.h"
#include "kb/kb.h"
#include "search/query.h"
#include "portal/portal.h"
#include "portal/site.h"
#include "store/hc.h"
#include "store/kb.h"

/* Pages load our style sheets and images (ours, and articles' from
 * https:), post only to us, run no script and are never framed. */
static const char page_csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self' https: data:; "
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

#define VOTER_COOKIE "fl_hc_voter"
#define VOTER_LEN 32        /* hex characters */
#define HOME_PER_SECTION 6  /* articles a section lists on the home and category pages */
#define HOME_PROMOTED 10    /* promoted articles on the home */
#define SECTION_PER_PAGE 30 /* articles a page of a section lists */
#define MAX_PAGE 50         /* past this a page is the first: nobody pages that far */
#define SEARCH_PER_PAGE 20

/* ---- views, counted in memory ---------------------------------------------- */

#define VIEW_SLOTS 8192
#define VIEW_FLUSH_SECONDS 2

struct view_slot {
	int64_t article_id; /* 0: free */
	int locale;         /* index into fl_hc_locales */
	int64_t n;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int started, stopping;
	fl_store *store;
	struct view_slot slot[VIEW_SLOTS];
	size_t used;
} views = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/* Adds n views to (article_id, locale) in the table. Called with the lock. */
static void views_add_locked(int64_t article_id, int locale, int64_t n)
{
	size_t h = (size_t)((uint64_t)article_id * 4 + (uint64_t)locale) * 2654435761u % VIEW_SLOTS;

	for (size_t k = 0; k < VIEW_SLOTS; k++) {
		struct view_slot *s = &views.slot[(h + k) % VIEW_SLOTS];
		if (s->article_id == article_id && s->locale == locale) {
			s->n += n;
			return;
		}
		if (!s->article_id) {
			*s = (struct view_slot){article_id, locale, n};
			views.used++;
			return;
		}
	}
	/* full: VIEW_SLOTS different pages in one flush period; this view is
	 * lost rather than the page made to wait */
}

struct flush_batch {
	struct view_slot *v;
	size_t n;
};

static int tx_flush(fl_tx *tx, void *arg)
{
	struct flush_batch *b = arg;
	int rc = 0;

	for (size_t i = 0; i < b->n && !rc; i++)
		rc = fl_store_kb_views_add(tx, b->v[i].article_id, fl_hc_locales[b->v[i].locale],
					   b->v[i].n);
	return rc;
}

int fl_hc_views_flush(fl_store *s)
{
	struct flush_batch b = {0};
	int rc;

	pthread_mutex_lock(&views.lock);
	if (views.used && (b.v = malloc(views.used * sizeof *b.v))) {
		for (size_t i = 0; i < VIEW_SLOTS; i++)
			if (views.slot[i].article_id)
				b.v[b.n++] = views.slot[i];
		memset(views.slot, 0, sizeof views.slot);
		views.used = 0;
	}
	pthread_mutex_unlock(&views.lock);
	if (!b.n)
		return 0;
	rc = fl_store_write(s, tx_flush, &b);
	if (rc) {
		/* kept for the next flush */
		fl_log("warn",
		       "help center: %zu view counts not written (%s); kept for the next try", b.n,
		       fl_err_name(rc));
		pthread_mutex_lock(&views.lock);
		for (size_t i = 0; i < b.n; i++)
			views_add_locked(b.v[i].article_id, b.v[i].locale, b.v[i].n);
		pthread_mutex_unlock(&views.lock);
	}
	free(b.v);
	return rc;
}

static void *flusher(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&views.lock);
	while (!views.stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += VIEW_FLUSH_SECONDS;
		pthread_cond_timedwait(&views.wake, &views.lock, &until);
		if (views.stopping)
			break;
		pthread_mutex_unlock(&views.lock);
		fl_hc_views_flush(views.store);
		pthread_mutex_lock(&views.lock);
	}
	pthread_mutex_unlock(&views.lock);
	return NULL;
}

void fl_hc_views_stop(void)
{
	fl_store *s;
	int started;

	pthread_mutex_lock(&views.lock);
	started = views.started;
	views.stopping = 1;
	s = views.store;
	pthread_cond_signal(&views.wake);
	pthread_mutex_unlock(&views.lock);
	if (!started)
		return;
	pthread_join(views.thread, NULL);
	fl_hc_views_flush(s);
	pthread_mutex_lock(&views.lock);
	views.started = views.stopping = 0;
	views.store = NULL;
	pthread_mutex_unlock(&views.lock);
}

/* Counts a view; the first starts the flusher for this store. */
static void view_count(fl_store *s, int64_t article_id, const char *locale)
{
	int li = fl_hc_locale_index(locale, strlen(locale));

	pthread_mutex_lock(&views.lock);
	if (!views.started && !views.stopping) {
		views.store = s;
		if (!pthread_create(&views.thread, NULL, flusher, NULL))
			views.started = 1;
	}
	if (views.store == s && !views.stopping)
		views_add_locked(article_id, li, 1);
	pthread_mutex_unlock(&views.lock);
}

/* ---- what a page reads ----------------------------------------------------- */

struct page_ctx {
	struct fl_hc_path path;
	int level; /* fl_kb_reader_level */
	char *base;
	int found;   /* the thing the page shows exists and may be seen */
	int missing; /* an article seen, but not in this language */
	int64_t updated;
	/* home, category, section */
	struct fl_kb_category *cats, cat;
	size_t ncats;
	struct fl_kb_section *secs, sec;
	size_t nsecs;
	struct fl_kb_entry *entries; /* a section's page of articles */
	size_t nentries;
	int64_t total;
	struct fl_kb_entry **sec_entries; /* the first articles of each of secs */
	size_t *sec_n;
	int64_t *sec_total;
	struct fl_kb_entry *promoted;
	size_t npromoted;
	/* article */
	struct fl_kb_article art;
	struct fl_kb_translation *trs, *tr;
	size_t ntrs;
	/* search */
	const char *query;
	int page;
	struct fl_kb_search_out found_out;
	/* the sitemap */
	fl_buf *out;
};

/* The name of names in locale, else in source (the text it was written
 * in), else the first; NULL for none. */
static const struct fl_kb_name *name_in(const struct fl_kb_name *names, size_t n,
					const char *locale, const char *source)
{
	const struct fl_kb_name *src = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i].locale, locale))
			return &names[i];
		if (source && !strcmp(names[i].locale, source))
			src = &names[i];
	}
	return src ? src : n ? &names[0] : NULL;
}

static int base_url(fl_tx *tx, struct fl_req *r, struct page_ctx *c)
{
	int rc = fl_site_url(tx, &r->arena, &c->base);

	if (rc == FL_ENOTFOUND) {
		c->base = fl_arena_strdup(&r->arena, fl_req_base(r));
		return c->base ? 0 : FL_ENOMEM;
	}
	return rc;
}

/* The first HOME_PER_SECTION articles of each of c->secs the visitor may
 * see, and how many there are in all: what the home and a category list
 * (a query each, so that a page never reads every article's body). */
static int list_sections(fl_tx *tx, struct fl_req *r, struct page_ctx *c)
{
	size_t n = c->nsecs + 1;
	int rc = 0;

	c->sec_entries = fl_arena_alloc(&r->arena, n * sizeof *c->sec_entries);
	c->sec_n = fl_arena_alloc(&r->arena, n * sizeof *c->sec_n);
	c->sec_total = fl_arena_alloc(&r->arena, n * sizeof *c->sec_total);
	if (!c->sec_entries || !c->sec_n || !c->sec_total)
		return FL_ENOMEM;
	for (size_t i = 0; i < c->nsecs && !rc; i++) {
		struct fl_kb_filter f = {.locale = c->path.locale,
					 .level = c->level,
					 .section_id = c->secs[i].id,
					 .limit = HOME_PER_SECTION};
		rc = fl_store_kb_entry_list(tx, &f, &r->arena, &c->sec_entries[i], &c->sec_n[i],
					    &c->sec_total[i]);
	}
	return rc;
}

static int tx_page(fl_tx *tx, struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	int rc = base_url(tx, r, c);

	if (rc)
		return rc;
	switch (c->path.kind) {
	case FL_HC_HOME:
		c->found = 1;
		if ((rc = fl_store_kb_category_list(tx, &r->arena, &c->cats, &c->ncats)) ||
		    (rc = fl_store_kb_section_list(tx, 0, &r->arena, &c->secs, &c->nsecs)) ||
		    (rc = list_sections(tx, r, c)))
			return rc;
		{
			struct fl_kb_filter f = {.locale = c->path.locale,
						 .level = c->level,
						 .promoted_only = 1,
						 .limit = HOME_PROMOTED};
			int64_t total;
			return fl_store_kb_entry_list(tx, &f, &r->arena, &c->promoted,
						      &c->npromoted, &total);
		}
	case FL_HC_CATEGORY:
		rc = fl_store_kb_category_get(tx, c->path.id, &r->arena, &c->cat);
		if (rc)
			return rc == FL_ENOTFOUND ? 0 : rc;
		c->found = 1;
		if ((rc = fl_store_kb_section_list(tx, c->cat.id, &r->arena, &c->secs, &c->nsecs)))
			return rc;
		return list_sections(tx, r, c);
	case FL_HC_SECTION:
		rc = fl_store_kb_section_get(tx, c->path.id, &r->arena, &c->sec);
		if (!rc)
			rc = fl_store_kb_category_get(tx, c->sec.category_id, &r->arena, &c->cat);
		if (rc)
			return rc == FL_ENOTFOUND ? 0 : rc;
		c->found = 1;
		{
			struct fl_kb_filter f = {.locale = c->path.locale,
						 .level = c->level,
						 .section_id = c->sec.id,
						 .offset = (size_t)(c->page - 1) * SECTION_PER_PAGE,
						 .limit = SECTION_PER_PAGE};
			return fl_store_kb_entry_list(tx, &f, &r->arena, &c->entries, &c->nentries,
						      &c->total);
		}
	case FL_HC_ARTICLE:
		rc = fl_store_kb_article_get(tx, c->path.id, &r->arena, &c->art);
		if (!rc)
			rc = fl_store_kb_translation_list(tx, c->art.id, &r->arena, &c->trs,
							  &c->ntrs);
		if (!rc)
			rc = fl_store_kb_section_get(tx, c->art.section_id, &r->arena, &c->sec);
		if (!rc)
			rc = fl_store_kb_category_get(tx, c->sec.category_id, &r->arena, &c->cat);
		if (rc)
			return rc == FL_ENOTFOUND ? 0 : rc;
		/* only what the visitor may read exists for them */
		for (size_t i = 0; i < c->ntrs; i++) {
			if (!fl_kb_visible(c->level, &c->art, &c->trs[i]))
				continue;
			c->found = 1;
			if (!strcmp(c->trs[i].locale, c->path.locale))
				c->tr = &c->trs[i];
		}
		c->missing = c->found && !c->tr;
		return 0;
	case FL_HC_SEARCH: {
		struct fl_kb_search_in in = {.query = c->query,
					     .locale = c->path.locale,
					     .level = c->level,
					     .page = (size_t)c->page,
					     .per_page = SEARCH_PER_PAGE};
		struct fl_err e = {0};
		c->found = 1;
		if (!c->query || !*c->query)
			return 0;
		rc = fl_kb_search(tx, &in, &r->arena, &c->found_out, &e);
		/* a query the search does not understand (a field:value) finds
		 * nothing, as far as the visitor is concerned */
		if (rc == FL_EINVAL)
			return 0;
		return rc;
	}
	}
	return 0;
}

/* ---- answers -------------------------------------------------------------- */

static int take_body(struct fl_req *r, fl_buf *b);

static int answer_html(struct fl_req *r, int status, fl_buf *b)
{
	int rc = take_body(r, b);

	if (rc)
		return rc;
	r->status = status;
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Content-Security-Policy", page_csp);
	return 0;
}

static int redirect(struct fl_req *r, int status, fl_buf *to)
{
	char *copy = to->p ? fl_arena_strndup(&r->arena, to->p, to->n) : NULL;

	fl_buf_free(to);
	if (!copy)
		return FL_ENOMEM;
	r->status = status;
	r->raw = "";
	r->raw_len = 0;
	r->raw_type = "text/html; charset=utf-8";
	fl_req_header(r, "Location", copy);
	return 0;
}

/* The 404 page, in the path's language (else the visitor's). */
static int not_found(struct fl_req *r, const char *locale, const char *base)
{
	const char *lang =
		locale ? locale : fl_portal_lang(NULL, fl_req_header_in(r, "Accept-Language"));
	struct fl_hc_page p = {
		.base = base, .locale = lang, .title = fl_hc_words(lang)->not_found, .noindex = 1};
	fl_buf b;
	int rc;

	fl_buf_init(&b, 1u << 20);
	rc = fl_hc_page_start(&b, &p);
	if (!rc)
		rc = fl_hc_not_found(&b, &p);
	if (!rc)
		rc = fl_hc_page_end(&b, &p);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	return answer_html(r, 404, &b);
}

static int label_of(int visibility, struct fl_hc_link *l)
{
	l->internal = visibility == FL_KB_AGENTS;
	l->signed_in = visibility == FL_KB_SIGNED_IN;
	return 0;
}

static struct fl_hc_link entry_link(struct fl_req *r, const struct fl_kb_entry *e)
{
	struct fl_hc_link l = {
		FL_HC_ARTICLE, e->article.id, e->tr.title, fl_kb_slug(&e->tr, &r->arena), 0, 0};
	label_of(e->article.visibility, &l);
	return l;
}

static struct fl_hc_link named_link(struct fl_req *r, int kind, int64_t id,
				    const struct fl_kb_name *nm)
{
	const char *title = nm ? nm->name : "";
	return (struct fl_hc_link){kind, id, title, fl_kb_slugify(title, &r->arena), 0, 0};
}

/* The languages a category or section is named in (and the page's own,
 * shown in its fallback name), with the slug of each. */
static void named_alternates(struct fl_req *r, struct fl_hc_page *p, const struct fl_kb_name *names,
			     size_t n, const char *fallback_slug)
{
	for (int i = 0; i < FL_HC_NLOCALES; i++) {
		const struct fl_kb_name *nm = NULL;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(names[k].locale, fl_hc_locales[i]))
				nm = &names[k];
		p->has[i] = nm || !strcmp(fl_hc_locales[i], p->locale);
		p->slugs[i] = nm ? fl_kb_slugify(nm->name, &r->arena) : fallback_slug;
	}
}

/* The sections of category_id (0: any) with their first articles. */
static struct fl_hc_section_view *section_views(struct fl_req *r, struct page_ctx *c,
						int64_t category_id, size_t *n)
{
	struct fl_hc_section_view *v = fl_arena_alloc(&r->arena, (c->nsecs + 1) * sizeof *v);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < c->nsecs; i++) {
		const struct fl_kb_section *s = &c->secs[i];
		struct fl_hc_section_view *sv = &v[*n];
		struct fl_hc_link *arts;
		const struct fl_kb_name *nm;
		size_t k = c->sec_n[i];

		if (category_id && s->category_id != category_id)
			continue;
		arts = fl_arena_alloc(&r->arena, (k + 1) * sizeof *arts);
		if (!arts)
			return NULL;
		for (size_t e = 0; e < k; e++)
			arts[e] = entry_link(r, &c->sec_entries[i][e]);
		nm = name_in(s->names, s->nnames, c->path.locale, s->source_locale);
		*sv = (struct fl_hc_section_view){named_link(r, FL_HC_SECTION, s->id, nm),
						  nm ? nm->description : NULL, arts, k,
						  c->sec_total[i] > (int64_t)k};
		(*n)++;
	}
	return v;
}

static void set_common_headers(struct fl_req *r, struct page_ctx *c)
{
	/* a page differs by who asks (what they may see) */
	fl_req_header(r, "Vary", "Cookie, Authorization");
	fl_req_header(r, "Cache-Control", c->level ? "private, no-cache" : "public, no-cache");
}

/* ETag and Last-Modified of an article page: its and its translations'
 * times, the section's and category's (their names show), the votes it
 * shows, the reader's level and this build. 1 when the client has it. */
static int fresh(struct fl_req *r, struct page_ctx *c)
{
	const char *inm = fl_req_header_in(r, "If-None-Match");
	char etag[160], date[30];
	int64_t t = c->art.updated_at;

	for (size_t i = 0; i < c->ntrs; i++)
		if (c->trs[i].updated_at > t)
			t = c->trs[i].updated_at;
	if (c->sec.updated_at > t)
		t = c->sec.updated_at;
	if (c->cat.updated_at > t)
		t = c->cat.updated_at;
	snprintf(etag, sizeof etag,
		 "\"hc-%" PRId64 "-%s-%d-%" PRId64 "-%" PRId64 "-%" PRId64 "-%s\"", c->art.id,
		 c->path.locale, c->level, t, c->tr->vote_sum, c->tr->vote_count, FL_COMMIT);
	fl_hc_http_date(t, date);
	fl_req_header(r, "ETag", etag);
	fl_req_header(r, "Last-Modified", date);
	return inm && !strcmp(inm, etag);
}

struct click_log {
	char *query;
	const char *locale;
	int64_t article_id;
};

static int tx_click_log(fl_tx *tx, void *arg)
{
	struct click_log *l = arg;
	return fl_kb_search_click_query(tx, l->query, l->locale, l->article_id);
}

static void click_logged(void *arg, int rc)
{
	struct click_log *l = arg;
	if (rc)
		fl_log("warn", "help center: a click on a search result was not recorded (%s)",
		       fl_err_name(rc));
	free(l->query);
	free(l);
}

/* An article opened from the search page (its link carries ?q=): the
 * search's click, recorded off the answer's path as the search was; not
 * past the clicks a minute per address (fl_kb_limit_click), nor when the
 * write queue is deep (fl_store_write_spare): a lost click is a small
 * error in a report, a queue without bound is an outage. */
static void click_record(struct fl_req *r, const char *query, const char *locale,
			 int64_t article_id)
{
	struct click_log *l;
	int64_t wait;

	if (!query || !*query || strlen(query) > FL_QUERY_MAX_LEN ||
	    fl_kb_limit_click(fl_req_peer(r), &wait) || !(l = malloc(sizeof *l)))
		return;
	if (!(l->query = strdup(query))) {
		free(l);
		return;
	}
	l->locale = locale;
	l->article_id = article_id;
	if (fl_store_write_spare(r->store, tx_click_log, l, click_logged, l)) {
		free(l->query);
		free(l);
	}
}

static int render_article(struct fl_req *r, struct page_ctx *c, struct fl_hc_page *p)
{
	struct fl_hc_article_view a = {0};
	const char *canonical;
	fl_buf b;
	int rc;

	for (size_t i = 0; i < c->ntrs; i++) {
		int li = fl_hc_locale_index(c->trs[i].locale, strlen(c->trs[i].locale));
		if (li < 0 || !fl_kb_visible(c->level, &c->art, &c->trs[i]))
			continue;
		p->has[li] = 1;
		p->slugs[li] = fl_kb_slug(&c->trs[i], &r->arena);
	}
	p->crumbs[0] =
		named_link(r, FL_HC_CATEGORY, c->cat.id,
			   name_in(c->cat.names, c->cat.nnames, p->locale, c->cat.source_locale));
	p->crumbs[1] =
		named_link(r, FL_HC_SECTION, c->sec.id,
			   name_in(c->sec.names, c->sec.nnames, p->locale, c->sec.source_locale));
	p->ncrumbs = 2;
	fl_buf_init(&b, 4u << 20);
	if (c->missing) {
		/* not in this language: the others there are, and a 404 */
		p->title = fl_hc_words(p->locale)->missing;
		p->noindex = 1;
		rc = fl_hc_page_start(&b, p);
		if (!rc)
			rc = fl_hc_missing(&b, p);
		if (!rc)
			rc = fl_hc_page_end(&b, p);
		if (rc) {
			fl_buf_free(&b);
			return rc;
		}
		return answer_html(r, 404, &b);
	}
	canonical = p->slugs[fl_hc_locale_index(p->locale, 2)];
	if (!fl_hc_slug_is(c->path.slug, c->path.slug_len, canonical)) {
		fl_buf_free(&b);
		rc = fl_hc_url(&b, NULL, FL_HC_ARTICLE, p->locale, c->art.id, canonical);
		return rc ? rc : redirect(r, 301, &b);
	}
	view_count(r->store, c->art.id, p->locale);
	click_record(r, fl_req_arg(r, "q"), p->locale, c->art.id);
	a.voted = fl_req_arg(r, "voted") != NULL;
	set_common_headers(r, c);
	if (!a.voted && fresh(r, c)) {
		fl_buf_free(&b);
		r->status = 304;
		r->raw = "";
		r->raw_len = 0;
		return 0;
	}
	p->title = c->tr->title;
	a.id = c->art.id;
	a.body_html = c->tr->body_html;
	a.updated_at = c->tr->updated_at;
	a.internal = c->art.visibility == FL_KB_AGENTS;
	a.signed_in = c->art.visibility == FL_KB_SIGNED_IN;
	a.votes = c->tr->vote_count;
	a.votes_up = (c->tr->vote_sum + c->tr->vote_count) / 2;
	rc = fl_hc_page_start(&b, p);
	if (!rc)
		rc = fl_hc_article(&b, p, &a);
	if (!rc)
		rc = fl_hc_page_end(&b, p);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	fl_req_header(r, "Content-Language", p->locale);
	return answer_html(r, 200, &b);
}

static int render_home(struct fl_req *r, struct page_ctx *c, struct fl_hc_page *p, fl_buf *b)
{
	struct fl_hc_category_view *cats = fl_arena_alloc(&r->arena, (c->ncats + 1) * sizeof *cats);
	struct fl_hc_link *promoted =
		fl_arena_alloc(&r->arena, (c->npromoted + 1) * sizeof *promoted);
	size_t ncats = 0;

	if (!cats || !promoted)
		return FL_ENOMEM;
	for (int i = 0; i < FL_HC_NLOCALES; i++)
		p->has[i] = 1;
	p->title = fl_hc_words(p->locale)->help_center;
	for (size_t e = 0; e < c->npromoted; e++)
		promoted[e] = entry_link(r, &c->promoted[e]);
	for (size_t i = 0; i < c->ncats; i++) {
		const struct fl_kb_category *k = &c->cats[i];
		const struct fl_kb_name *nm =
			name_in(k->names, k->nnames, p->locale, k->source_locale);
		size_t ns;
		struct fl_hc_section_view *sv = section_views(r, c, k->id, &ns);
		if (!sv)
			return FL_ENOMEM;
		cats[ncats++] =
			(struct fl_hc_category_view){named_link(r, FL_HC_CATEGORY, k->id, nm),
						     nm ? nm->description : NULL, sv, ns};
	}
	return fl_hc_home(b, p, promoted, c->npromoted, cats, ncats);
}

static int search_page(struct fl_req *r, struct page_ctx *c, struct fl_hc_page *p, fl_buf *b);

static int render_page(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	struct fl_hc_page p = {
		.base = c->base, .locale = c->path.locale, .kind = c->path.kind, .id = c->path.id};
	const char *canonical;
	fl_buf b;
	int rc = 0;

	if (!c->found)
		return not_found(r, c->path.locale, c->base);
	if (c->path.kind == FL_HC_ARTICLE)
		return render_article(r, c, &p);
	fl_buf_init(&b, 4u << 20);
	switch (c->path.kind) {
	case FL_HC_CATEGORY: {
		const struct fl_kb_name *nm =
			name_in(c->cat.names, c->cat.nnames, p.locale, c->cat.source_locale);
		p.title = nm ? nm->name : "";
		canonical = fl_kb_slugify(p.title, &r->arena);
		named_alternates(r, &p, c->cat.names, c->cat.nnames, canonical);
		break;
	}
	case FL_HC_SECTION: {
		const struct fl_kb_name *nm =
			name_in(c->sec.names, c->sec.nnames, p.locale, c->sec.source_locale);
		p.title = nm ? nm->name : "";
		canonical = fl_kb_slugify(p.title, &r->arena);
		named_alternates(r, &p, c->sec.names, c->sec.nnames, canonical);
		p.crumbs[0] = named_link(r, FL_HC_CATEGORY, c->cat.id,
					 name_in(c->cat.names, c->cat.nnames, p.locale,
						 c->cat.source_locale));
		p.ncrumbs = 1;
		break;
	}
	default: canonical = NULL;
	}
	if ((c->path.kind == FL_HC_CATEGORY || c->path.kind == FL_HC_SECTION) &&
	    !fl_hc_slug_is(c->path.slug, c->path.slug_len, canonical)) {
		rc = fl_hc_url(&b, NULL, c->path.kind, p.locale, c->path.id, canonical);
		return rc ? rc : redirect(r, 301, &b);
	}
	if (c->path.kind == FL_HC_HOME) {
		fl_buf home;
		fl_buf_init(&home, 4u << 20);
		rc = render_home(r, c, &p, &home);
		if (!rc)
			rc = fl_hc_page_start(&b, &p);
		if (!rc)
			rc = fl_buf_add(&b, home.p ? home.p : "", home.n);
		fl_buf_free(&home);
	} else if (c->path.kind == FL_HC_SEARCH) {
		rc = search_page(r, c, &p, &b);
	} else {
		rc = fl_hc_page_start(&b, &p);
		if (!rc && c->path.kind == FL_HC_CATEGORY) {
			size_t ns;
			const struct fl_kb_name *nm = name_in(c->cat.names, c->cat.nnames, p.locale,
							      c->cat.source_locale);
			struct fl_hc_section_view *sv = section_views(r, c, c->cat.id, &ns);
			rc = sv ? fl_hc_category(&b, &p, nm ? nm->description : NULL, sv, ns)
				: FL_ENOMEM;
		} else if (!rc) {
			const struct fl_kb_name *nm = name_in(c->sec.names, c->sec.nnames, p.locale,
							      c->sec.source_locale);
			struct fl_hc_link *arts =
				fl_arena_alloc(&r->arena, (c->nentries + 1) * sizeof *arts);
			if (!arts)
				rc = FL_ENOMEM;
			for (size_t e = 0; !rc && e < c->nentries; e++)
				arts[e] = entry_link(r, &c->entries[e]);
			if (!rc)
				rc = fl_hc_section(
					&b, &p, nm ? nm->description : NULL, arts, c->nentries,
					c->page,
					(int64_t)((size_t)(c->page - 1) * SECTION_PER_PAGE +
						  c->nentries) < c->total);
		}
	}
	if (!rc)
		rc = fl_hc_page_end(&b, &p);
	if (rc) {
		fl_buf_free(&b);
		return rc;
	}
	set_common_headers(r, c);
	fl_req_header(r, "Content-Language", p.locale);
	return answer_html(r, 200, &b);
}

/* ---- search ----------------------------------------------------------------- */

/* A snippet of fl_kb_search (escaped HTML, hits in <em>) as hc.h's
 * plain text with highlight markers, which hc.c escapes again: whatever
 * the snippet holds, only text and <mark> reach the page. */
static char *snippet_text(const char *html, fl_arena *a)
{
	static const struct {
		const char *from;
		char to;
	} map[] = {
		{"<em>", FL_HC_MARK_ON}, {"</em>", FL_HC_MARK_OFF},
		{"&amp;", '&'},          {"&lt;", '<'},
		{"&gt;", '>'},           {"&quot;", '"'},
		{"&#39;", '\''},         {"&#x27;", '\''},
	};
	size_t n = html ? strlen(html) : 0, k = 0;
	char *out = fl_arena_alloc(a, n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t m = 0;
		for (; m < sizeof map / sizeof *map; m++)
			if (!strncmp(html + i, map[m].from, strlen(map[m].from)))
				break;
		if (m < sizeof map / sizeof *map) {
			out[k++] = map[m].to;
			i += strlen(map[m].from);
		} else {
			/* a marker byte in the text itself would be taken for one */
			char ch = html[i++];
			out[k++] = ch == FL_HC_MARK_ON || ch == FL_HC_MARK_OFF ? ' ' : ch;
		}
	}
	out[k] = 0;
	return out;
}

struct search_log {
	char *query;
	const char *locale;
	int64_t results;
};

static int tx_search_log(fl_tx *tx, void *arg)
{
	struct search_log *l = arg;
	int64_t id;
	return fl_kb_search_record(tx, l->query, l->locale, l->results, "hc", &id, NULL);
}

static void search_logged(void *arg, int rc)
{
	struct search_log *l = arg;
	if (rc)
		fl_log("warn", "help center: a search was not recorded (%s)", fl_err_name(rc));
	free(l->query);
	free(l);
}

/* Records the search for the failed-search report, off the answer's path:
 * the page does not wait for the write. Not past the searches recorded per
 * address (fl_kb_limit_search_log), nor when the write queue is deep
 * (fl_store_write_spare): the search is answered all the same. */
static void search_record(struct fl_req *r, struct page_ctx *c)
{
	struct search_log *l;
	int64_t wait;

	if (fl_kb_limit_search_log(fl_req_peer(r), &wait))
		return;
	if (!(l = malloc(sizeof *l)) || !(l->query = strdup(c->query))) {
		free(l);
		return;
	}
	l->locale = c->path.locale;
	l->results = c->found_out.count;
	if (fl_store_write_spare(r->store, tx_search_log, l, search_logged, l)) {
		free(l->query);
		free(l);
	}
}

static int search_page(struct fl_req *r, struct page_ctx *c, struct fl_hc_page *p, fl_buf *b)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	const struct fl_kb_search_out *o = &c->found_out;
	struct fl_hc_result *res = fl_arena_alloc(&r->arena, (o->n + 1) * sizeof *res);
	int rc;

	if (!res)
		return FL_ENOMEM;
	for (int i = 0; i < FL_HC_NLOCALES; i++)
		p->has[i] = 0; /* results are no page to index or to link as canonical */
	p->title = w->search_title;
	p->query = c->query;
	p->noindex = 1;
	for (size_t i = 0; i < o->n; i++) {
		res[i].link = entry_link(r, &o->results[i].e);
		res[i].link.query = c->query;
		if (!(res[i].snippet = snippet_text(o->results[i].snippet, &r->arena)))
			return FL_ENOMEM;
	}
	if (c->query && *c->query && c->page == 1)
		search_record(r, c);
	rc = fl_hc_page_start(b, p);
	return rc ? rc
		  : fl_hc_search(b, p, 1, o->corrected_query, res, o->n, o->count, c->page,
				 o->has_more);
}

/* ---- the sitemap ------------------------------------------------------------ */

static int map_names(fl_buf *b, struct fl_req *r, const char *base, int kind, int64_t id,
		     const struct fl_kb_name *names, size_t n, size_t *room)
{
	struct fl_hc_sitemap_entry e = {.kind = kind, .id = id};

	for (size_t k = 0; k < n; k++) {
		int li = fl_hc_locale_index(names[k].locale, strlen(names[k].locale));
		if (li < 0)
			continue;
		e.has[li] = 1;
		e.slugs[li] = fl_kb_slugify(names[k].name, &r->arena);
		e.updated[li] = names[k].updated_at;
	}
	return fl_hc_sitemap_add(b, base, &e, room);
}

/* Every public published article's translations, every category and
 * section, read in one transaction; at most FL_HC_SITEMAP_MAX <url>s in
 * all, the homes, categories and sections first. */
static int tx_sitemap(fl_tx *tx, struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	struct fl_hc_map_row *rows = NULL;
	size_t n = 0, room = FL_HC_SITEMAP_MAX;
	int rc = base_url(tx, r, c);

	if (!rc)
		rc = fl_store_kb_category_list(tx, &r->arena, &c->cats, &c->ncats);
	if (!rc)
		rc = fl_store_kb_section_list(tx, 0, &r->arena, &c->secs, &c->nsecs);
	if (!rc)
		rc = fl_store_hc_map(tx, FL_STORE_HC_MAP_MAX, &r->arena, &rows, &n);
	if (!rc) {
		fl_buf_init(c->out, 256u << 20);
		rc = fl_hc_sitemap_start(c->out, c->base, &room);
	}
	for (size_t i = 0; i < c->ncats && !rc; i++)
		rc = map_names(c->out, r, c->base, FL_HC_CATEGORY, c->cats[i].id, c->cats[i].names,
			       c->cats[i].nnames, &room);
	for (size_t i = 0; i < c->nsecs && !rc; i++)
		rc = map_names(c->out, r, c->base, FL_HC_SECTION, c->secs[i].id, c->secs[i].names,
			       c->secs[i].nnames, &room);
	/* the rows come by article: each article's translations together */
	for (size_t i = 0; i < n && !rc && room;) {
		struct fl_hc_sitemap_entry e = {.kind = FL_HC_ARTICLE, .id = rows[i].article_id};
		for (; i < n && rows[i].article_id == e.id; i++) {
			struct fl_kb_translation t = {.title = rows[i].title, .slug = rows[i].slug};
			int li = fl_hc_locale_index(rows[i].locale, strlen(rows[i].locale));
			if (li < 0)
				continue;
			e.has[li] = 1;
			e.slugs[li] = fl_kb_slug(&t, &r->arena);
			e.updated[li] = rows[i].updated_at;
		}
		rc = fl_hc_sitemap_add(c->out, c->base, &e, &room);
	}
	if (!rc)
		rc = fl_hc_sitemap_end(c->out);
	return rc;
}

/* Hands b's bytes to the request as its body, freed with its arena: a
 * page or a sitemap is not copied again. */
static int take_body(struct fl_req *r, fl_buf *b)
{
	char *p = fl_buf_steal(b);

	if (!p || fl_arena_on_free(&r->arena, free, p))
		return FL_ENOMEM; /* p was freed */
	r->raw = p;
	r->raw_len = strlen(p);
	return 0;
}

static int render_sitemap(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	int rc = take_body(r, c->out);

	if (rc)
		return rc;
	r->status = 200;
	r->raw_type = "application/xml; charset=utf-8";
	fl_req_header(r, "Cache-Control", "public, max-age=300");
	return 0;
}

/* ---- the doors --------------------------------------------------------------- */

static int h_root(struct fl_req *r)
{
	const char *lang = fl_portal_lang(NULL, fl_req_header_in(r, "Accept-Language"));
	fl_buf to;
	int rc;

	fl_buf_init(&to, 64);
	rc = fl_hc_url(&to, NULL, FL_HC_HOME, lang, 0, NULL);
	if (rc) {
		fl_buf_free(&to);
		return rc;
	}
	fl_req_header(r, "Vary", "Accept-Language");
	return redirect(r, 302, &to);
}

static int h_page(struct fl_req *r)
{
	struct page_ctx *c = r->ctx;
	const char *q;

	if (fl_hc_path_parse(r->url, &c->path) || c->path.kind == FL_HC_VOTE)
		return not_found(r, c->path.locale, fl_req_base(r));
	if (c->path.kind == FL_HC_ROOT)
		return h_root(r);
	c->level = fl_kb_reader_level(&r->actor);
	if (c->path.kind == FL_HC_SITEMAP) {
		if (!(c->out = fl_arena_alloc(&r->arena, sizeof *c->out)))
			return FL_ENOMEM;
		return fl_req_read(r, tx_sitemap, render_sitemap);
	}
	if (c->path.kind == FL_HC_SEARCH) {
		q = fl_req_arg(r, "query");
		/* a query is at most 200 characters; more is cut, never refused */
		c->query = q ? fl_arena_strndup(&r->arena, q, fl_utf8_prefix(q, strlen(q), 200))
			     : NULL;
		if (q && !c->query)
			return FL_ENOMEM;
		if (c->query && !fl_utf8_valid(c->query, strlen(c->query)))
			c->query = NULL;
	}
	c->page = 1;
	if ((q = fl_req_arg(r, "page"))) {
		int64_t n;
		if (!fl_str_to_i64(fl_str_c(q), &n) && n >= 1 && n <= MAX_PAGE)
			c->page = (int)n;
	}
	return fl_req_read(r, tx_page, render_page);
}

/* ---- votes ----------------------------------------------------------------- */

struct vote_ctx {
	struct fl_hc_path path;
	int value;
	char voter[2 + VOTER_LEN + 1]; /* "k:" and the cookie, or "u:" and the user's id */
	const char *session;
	struct fl_actor actor;
	int found;
	char *slug;
};

/* The voter cookie's value when it is one of ours (VOTER_LEN hex
 * characters) into out, else 0. */
static int voter_cookie(struct fl_req *r, char out[VOTER_LEN + 1])
{
	const char *h = fl_req_header_in(r, "Cookie");
	const size_t name = strlen(VOTER_COOKIE);

	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, VOTER_COOKIE "=", name + 1)) {
			const char *v = p + name + 1;
			size_t n = strspn(v, "0123456789abcdef");
			if (n == VOTER_LEN && (!v[n] || v[n] == ';' || v[n] == ' ')) {
				memcpy(out, v, VOTER_LEN);
				out[VOTER_LEN] = 0;
				return 1;
			}
			return 0;
		}
		p = strchr(p, ';');
	}
	return 0;
}

static int tx_vote(fl_tx *tx, struct fl_req *r)
{
	struct vote_ctx *c = r->ctx;
	struct fl_kb_article art;
	struct fl_kb_translation tr;
	const char *csrf;
	int rc;

	/* who votes decides what they may vote on: the portal's session, if
	 * any; and a signed-in voter's vote is theirs ("u:ID", as the API
	 * counts it), not their browser's, so that it counts once */
	if (c->session && fl_auth_session_check(tx, c->session, &r->arena, &c->actor, &csrf) != 0)
		c->actor = (struct fl_actor){0, FL_ROLE_ANONYMOUS};
	if (c->actor.id > 0)
		snprintf(c->voter, sizeof c->voter, "u:%lld", (long long)c->actor.id);
	rc = fl_store_kb_article_get(tx, c->path.id, &r->arena, &art);
	if (!rc)
		rc = fl_store_kb_translation_get(tx, c->path.id, c->path.locale, &r->arena, &tr);
	if (rc == FL_ENOTFOUND || (!rc && !fl_kb_visible(fl_kb_reader_level(&c->actor), &art, &tr)))
		return 0;
	if (rc)
		return rc;
	c->found = 1;
	c->slug = (char *)fl_kb_slug(&tr, &r->arena);
	return fl_kb_vote(tx, art.id, c->path.locale, c->voter, c->value, &r->err);
}

static int render_vote(struct fl_req *r)
{
	struct vote_ctx *c = r->ctx;
	fl_buf to;
	int rc;

	if (!c->found)
		return not_found(r, c->path.locale, fl_req_base(r));
	fl_buf_init(&to, 4096);
	rc = fl_hc_url(&to, NULL, FL_HC_ARTICLE, c->path.locale, c->path.id, c->slug);
	if (!rc)
		rc = fl_buf_adds(&to, "?voted=1#vote");
	if (rc) {
		fl_buf_free(&to);
		return rc;
	}
	return redirect(r, 303, &to);
}

static int h_vote(struct fl_req *r)
{
	struct vote_ctx *c = r->ctx;
	struct fl_form_limits lim = {8, 64, 0};
	struct fl_form form;
	char cookie[VOTER_LEN + 1], header[160];
	const char *body, *value = NULL;
	int64_t wait;
	size_t n;
	int rc;

	if (fl_hc_path_parse(r->url, &c->path) || c->path.kind != FL_HC_VOTE)
		return not_found(r, c->path.locale, fl_req_base(r));
	/* votes a minute per address, the API's anonymous votes counted too */
	if (fl_kb_limit_vote(fl_req_peer(r), &wait))
		return fl_req_too_many(r, wait, "votes");
	body = fl_req_body(r, &n);
	rc = fl_form_parse(fl_req_header_in(r, "Content-Type"), body, n, &lim, &r->arena, &form,
			   &r->err);
	if (rc)
		return rc == FL_ETOOBIG ? FL_EINVAL : rc;
	for (size_t i = 0; i < form.nparts; i++)
		if (!strcmp(form.parts[i].name, "vote") && !form.parts[i].file_name)
			value = form.parts[i].data;
	if (!value || (strcmp(value, "up") && strcmp(value, "down")))
		return fl_req_fail(r, FL_EINVAL, "vote", "InvalidValue", "Vote: is up or down");
	c->value = !strcmp(value, "up") ? 1 : -1;
	/* one browser, one vote: its cookie, made at its first vote */
	if (!voter_cookie(r, cookie)) {
		fl_random_hex(cookie, VOTER_LEN);
		snprintf(header, sizeof header,
			 VOTER_COOKIE "=%s; Path=/hc; Max-Age=31536000; HttpOnly; SameSite=Lax%s",
			 cookie, r->config->cookie_secure ? "; Secure" : "");
		fl_req_header(r, "Set-Cookie", header);
	}
	snprintf(c->voter, sizeof c->voter, "k:%s", cookie);
	c->session = fl_req_cookie(r);
	c->actor = (struct fl_actor){0, FL_ROLE_ANONYMOUS};
	return fl_req_write(r, tx_vote, render_vote);
}

const struct fl_route fl_hc_routes[] = {
	{"GET", "/hc", h_root, FL_ROLE_ANONYMOUS, 0, 0},
	{"GET", "/hc/{*}", h_page, FL_ROLE_ANONYMOUS, 0, sizeof(struct page_ctx)},
	{"POST", "/hc/{*}", h_vote, FL_ROLE_ANONYMOUS, 4096, sizeof(struct vote_ctx),
	 FL_ROUTE_FORM_BODY},
	{0},
};
