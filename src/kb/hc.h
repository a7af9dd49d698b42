/* The public help center's pages (/hc/…), rendered as plain HTML.
 *
 * Pure rendering over plain structs: the handlers (hc_api.c) read the
 * knowledge base, decide what the visitor may see, and fill these structs;
 * this file turns them into a page, a sitemap or a URL. Nothing here
 * knows HTTP, SQL or the store, so the unit tests drive it directly.
 *
 * - Every value from the store or the visitor is escaped here, except an
 *   article's body, which the store keeps as sanitized HTML already
 *   (kb/markdown.h, core/html.h) and a search snippet's highlight, which
 *   this file builds itself around escaped text.
 * - URLs are "/hc/{locale}/articles/{id}-{slug}" (categories, sections
 *   alike); a slug is percent-encoded where it is not [A-Za-z0-9-._~],
 *   so that a link is the same text in a page, a Location and a sitemap.
 * - Absolute URLs (canonical, hreflang, the sitemap) start with base,
 *   the desk's public URL (portal/site.h: "https://help.example.com").
 * - Pages load our style sheets and no script: they work without
 *   JavaScript and under a CSP that allows none.
 * - The words of every page are here in the four languages
 *   (fl_hc_words), so the handlers only choose and assemble. */
#ifndef FL_KB_HC_H
#define FL_KB_HC_H

#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

#define FL_HC_NLOCALES 4

/* uk, ru, lt, en: the order of the language switcher and of the
 * hreflang alternates. */
extern const char *const fl_hc_locales[FL_HC_NLOCALES];

/* The index of locale (n bytes, exactly one of ours, lower case) in
 * fl_hc_locales, or -1. */
int fl_hc_locale_index(const char *locale, size_t n);

/* What a help-center URL names. */
enum fl_hc_kind {
	FL_HC_ROOT,     /* /hc: a redirect to the visitor's language */
	FL_HC_HOME,     /* /hc/{locale} */
	FL_HC_CATEGORY, /* /hc/{locale}/categories/{id}-{slug} */
	FL_HC_SECTION,  /* /hc/{locale}/sections/{id}-{slug} */
	FL_HC_ARTICLE,  /* /hc/{locale}/articles/{id}-{slug} */
	FL_HC_SEARCH,   /* /hc/{locale}/search */
	FL_HC_VOTE,     /* /hc/{locale}/articles/{id}/vote (POST) */
	FL_HC_SITEMAP,  /* /hc/sitemap.xml */
};

struct fl_hc_path {
	int kind;           /* enum fl_hc_kind */
	const char *locale; /* one of fl_hc_locales (static); NULL for ROOT, SITEMAP */
	int64_t id;         /* categories, sections, articles, votes */
	const char *slug;   /* what followed "{id}-", percent-decoded by the
			     * server already; points into the path; NULL: none */
	size_t slug_len;
};

/* Reads a request's path (without its query string; a trailing slash is
 * ignored) into out. FL_ENOTFOUND for anything that is not one of the
 * shapes above: another locale, an id that is not a positive integer, a
 * kind we do not have. */
int fl_hc_path_parse(const char *path, struct fl_hc_path *out);

/* Appends the path of kind's page (HOME, CATEGORY, SECTION, ARTICLE,
 * SEARCH, VOTE) in locale, with the slug percent-encoded; slug NULL or ""
 * gives "{id}" alone. base (may be NULL) comes first. */
int fl_hc_url(fl_buf *b, const char *base, int kind, const char *locale, int64_t id,
	      const char *slug);

/* Whether slug (n bytes, as the path gave it) is canonical, the same as
 * want (NULL or "": no slug at all). */
int fl_hc_slug_is(const char *slug, size_t n, const char *want);

/* The page's words in one language. Sentences with %s take the escaped
 * value named in the comment. */
struct fl_hc_words {
	const char *lang;
	const char *language_name; /* "English", in that language */
	const char *help_center;   /* "Help center" */
	const char *lede;          /* the home's one sentence */
	const char *search_label;  /* "Search the help center" */
	const char *search_button; /* "Search" (the button) */
	const char *search_title;  /* "Search" (the page's title) */
	const char *promoted;      /* "Promoted articles" */
	const char *no_articles;   /* "No articles here yet." */
	const char *internal;      /* "Internal" (agents only) */
	const char *signed_in;     /* "For signed-in customers" */
	const char *updated;       /* "Updated" */
	const char *helpful;       /* "Was this article helpful?" */
	const char *yes, *no;
	const char *voted;         /* "Thank you for your feedback." */
	const char *votes;         /* "%s of %s found this helpful" (two numbers) */
	const char *results;       /* "Results for “%s”" (the query) */
	const char *count;         /* "%s results" */
	const char *corrected;     /* "Showing results for “%s”" (the corrected query) */
	const char *no_results;    /* "No articles match “%s”." */
	const char *contact;       /* "Can't find what you need? Submit a request" */
	const char *search_coming; /* "Search is coming soon." */
	const char *not_found;     /* "Page not found" */
	const char *not_found_text;
	const char *missing;      /* "Not available in this language" (title) */
	const char *missing_text; /* "This article is not written in English. Read it in:" */
	const char *languages;    /* "Language" (the switcher's label) */
	const char *breadcrumb;   /* "Breadcrumb" (its nav's label) */
	const char *next, *previous;
};
/* lang one of fl_hc_locales; anything else gives English. */
const struct fl_hc_words *fl_hc_words(const char *lang);

/* A link to a category, section or article. */
struct fl_hc_link {
	int kind; /* FL_HC_CATEGORY, FL_HC_SECTION, FL_HC_ARTICLE */
	int64_t id;
	const char *title;
	const char *slug;
	int internal;  /* agents-only: marked so */
	int signed_in; /* for signed-in customers only */
	/* a search result's: the query, carried to the article as ?q= so that
	 * opening it counts as the search's click (NULL elsewhere) */
	const char *query;
};

/* The frame every page shares. */
struct fl_hc_page {
	const char *base;   /* the public URL, no trailing slash */
	const char *locale; /* the page's language, one of fl_hc_locales */
	int kind;           /* the page's kind; 0 (ROOT) for a 404 */
	int64_t id;         /* what the page shows, for its URL */
	const char *title;  /* the <title> and <h1>, unescaped */
	/* The languages this page exists in and the slug in each (the
	 * canonical URL is the one in locale): hreflang alternates, x-default
	 * (English when it exists, else the first), and the switcher. A page
	 * without alternates (a 404) has none and no canonical link. */
	int has[FL_HC_NLOCALES];
	const char *slugs[FL_HC_NLOCALES];
	/* The trail from the home to the page (the home and the page itself
	 * are added): at most two links (category, section). */
	struct fl_hc_link crumbs[2];
	size_t ncrumbs;
	const char *query; /* in the search box, unescaped; NULL: empty */
	int noindex;       /* a page robots should not index (search, 404s) */
};

/* The start and the end of a page: the doctype, <html lang>, head
 * (title, canonical, alternates, style sheets), the header with the
 * language switcher and the search box, the breadcrumbs and the <h1>;
 * then the footer. Between them, a body from the functions below. */
int fl_hc_page_start(fl_buf *b, const struct fl_hc_page *p);
int fl_hc_page_end(fl_buf *b, const struct fl_hc_page *p);

/* A section with its articles (on the home and the category page). */
struct fl_hc_section_view {
	struct fl_hc_link link;
	const char *description;
	const struct fl_hc_link *articles;
	size_t narticles;
	int more; /* there are more articles than listed: the section links them all */
};

/* A category with its sections (on the home). */
struct fl_hc_category_view {
	struct fl_hc_link link;
	const char *description;
	const struct fl_hc_section_view *sections;
	size_t nsections;
};

/* The home's body: the search box, promoted articles, the categories. */
int fl_hc_home(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_link *promoted,
	       size_t npromoted, const struct fl_hc_category_view *cats, size_t ncats);
/* A category's body: its description and its sections with their
 * articles. */
int fl_hc_category(fl_buf *b, const struct fl_hc_page *p, const char *description,
		   const struct fl_hc_section_view *sections, size_t nsections);
/* A section's body: its description and a page of its articles (page is
 * 1-based; more: there is a next page), with links to the pages around. */
int fl_hc_section(fl_buf *b, const struct fl_hc_page *p, const char *description,
		  const struct fl_hc_link *articles, size_t narticles, int page, int more);

struct fl_hc_article_view {
	int64_t id;
	const char *body_html; /* sanitized by the store: copied as it is */
	int64_t updated_at;    /* Unix seconds */
	int internal, signed_in;
	int64_t votes_up, votes; /* "was this helpful" so far */
	int voted;               /* the visitor just voted: thank them */
};
int fl_hc_article(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_article_view *a);

/* The page of an article not written in p->locale: a sentence and a
 * link to each translation there is (p->has, p->slugs). */
int fl_hc_missing(fl_buf *b, const struct fl_hc_page *p);
/* A 404's body. */
int fl_hc_not_found(fl_buf *b, const struct fl_hc_page *p);

/* A search result: the snippet is text whose highlighted words are
 * between the markers FL_HC_MARK_ON and FL_HC_MARK_OFF (control
 * characters, which the text itself never holds); every other character
 * is escaped and the markers become <mark>. */
#define FL_HC_MARK_ON '\x02'
#define FL_HC_MARK_OFF '\x03'
struct fl_hc_result {
	struct fl_hc_link link;
	const char *snippet;
};
/* The search page's body: what was searched (p->query), the corrected
 * query when the search corrected it, the results, the contact form's
 * link. available 0: search is not there yet, say so. page is 1-based;
 * more: there is a next page. */
int fl_hc_search(fl_buf *b, const struct fl_hc_page *p, int available, const char *corrected,
		 const struct fl_hc_result *results, size_t nresults, int64_t count, int page,
		 int more);

/* One entry of the sitemap: a page in each language it exists in. */
struct fl_hc_sitemap_entry {
	int kind; /* FL_HC_CATEGORY, FL_HC_SECTION, FL_HC_ARTICLE */
	int64_t id;
	int has[FL_HC_NLOCALES];
	const char *slugs[FL_HC_NLOCALES];
	int64_t updated[FL_HC_NLOCALES]; /* lastmod per language, Unix seconds; 0: none */
};
/* The sitemap (sitemaps.org, with xhtml:link alternates): the home in
 * each language and one <url> per language of each entry, while *room
 * (the <url>s still allowed, counted down) lasts: a caller starts it at
 * FL_HC_SITEMAP_MAX, the protocol's most for one file, and what does not
 * fit is left out (no sitemap index is made yet). */
#define FL_HC_SITEMAP_MAX 50000
int fl_hc_sitemap_start(fl_buf *b, const char *base, size_t *room);
int fl_hc_sitemap_add(fl_buf *b, const char *base, const struct fl_hc_sitemap_entry *e,
		      size_t *room);
int fl_hc_sitemap_end(fl_buf *b);

/* An HTTP date (RFC 9110 section 5.6.7) of t into out (30 bytes). */
void fl_hc_http_date(int64_t t, char out[30]);

#endif
