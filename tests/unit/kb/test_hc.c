/* Unit tests for the help center's pages (src/kb/hc.c): paths read and
 * written, escaping of everything a page shows, the canonical link and
 * hreflang alternates, the search page's snippets, and the sitemap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "unit.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "kb/hc.h"

/* ---- paths ---------------------------------------------------------------- */

static void test_path_parse(void **state)
{
	struct fl_hc_path p;
	(void)state;

	assert_int_equal(fl_hc_path_parse("/hc", &p), 0);
	assert_int_equal(p.kind, FL_HC_ROOT);
	assert_int_equal(fl_hc_path_parse("/hc/", &p), 0);
	assert_int_equal(p.kind, FL_HC_ROOT);
	assert_int_equal(fl_hc_path_parse("/hc/sitemap.xml", &p), 0);
	assert_int_equal(p.kind, FL_HC_SITEMAP);
	assert_int_equal(fl_hc_path_parse("/hc/uk", &p), 0);
	assert_int_equal(p.kind, FL_HC_HOME);
	assert_string_equal(p.locale, "uk");
	assert_int_equal(fl_hc_path_parse("/hc/lt/", &p), 0);
	assert_string_equal(p.locale, "lt");
	assert_int_equal(fl_hc_path_parse("/hc/en/search", &p), 0);
	assert_int_equal(p.kind, FL_HC_SEARCH);

	assert_int_equal(fl_hc_path_parse("/hc/ru/articles/42-kak-oplatit", &p), 0);
	assert_int_equal(p.kind, FL_HC_ARTICLE);
	assert_int_equal(p.id, 42);
	assert_int_equal(p.slug_len, strlen("kak-oplatit"));
	assert_memory_equal(p.slug, "kak-oplatit", p.slug_len);
	/* the slug as the server decoded it, any script */
	assert_int_equal(fl_hc_path_parse("/hc/uk/articles/7-оплата-карткою/", &p), 0);
	assert_int_equal(p.slug_len, strlen("оплата-карткою"));
	assert_true(fl_hc_slug_is(p.slug, p.slug_len, "оплата-карткою"));
	assert_int_equal(fl_hc_path_parse("/hc/uk/articles/7", &p), 0);
	assert_null(p.slug);
	assert_int_equal(fl_hc_path_parse("/hc/uk/articles/7-", &p), 0);
	assert_non_null(p.slug);
	assert_int_equal(p.slug_len, 0);
	assert_false(fl_hc_slug_is(p.slug, p.slug_len, "x"));
	assert_int_equal(fl_hc_path_parse("/hc/en/articles/9/vote", &p), 0);
	assert_int_equal(p.kind, FL_HC_VOTE);
	assert_int_equal(p.id, 9);
	assert_int_equal(fl_hc_path_parse("/hc/en/sections/3-billing", &p), 0);
	assert_int_equal(p.kind, FL_HC_SECTION);
	assert_int_equal(fl_hc_path_parse("/hc/en/categories/3", &p), 0);
	assert_int_equal(p.kind, FL_HC_CATEGORY);

	/* what is not a page: other locales, bad ids, other kinds */
	static const char *const bad[] = {
		"/hcx",
		"/hc/de",
		"/hc/en-us",
		"/hc/EN",
		"/hc/e",
		"/hc/en/articles/0-x",
		"/hc/en/articles/-5",
		"/hc/en/articles/05-x",
		"/hc/en/articles/x-5",
		"/hc/en/articles/1234567890123456789-x",
		"/hc/en/articles/5x",
		"/hc/en/articles/5/votes",
		"/hc/en/articles/5/vote/again",
		"/hc/en/sections/5/vote",
		"/hc/en/articles",
		"/hc/en/users/5",
		"/hc/en/search/more",
		"/hc/sitemap.xml.gz",
		"/portal/",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fl_hc_path_parse(bad[i], &p), FL_ENOTFOUND);
	}
}

static void test_url(void **state)
{
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_url(&b, "https://help.example.com", FL_HC_ARTICLE, "uk", 7,
				   "оплата-карткою"),
			 0);
	assert_string_equal(
		b.p,
		"https://help.example.com/hc/uk/articles/"
		"7-%D0%BE%D0%BF%D0%BB%D0%B0%D1%82%D0%B0-%D0%BA%D0%B0%D1%80%D1%82%D0%BA%D0%BE%D1%8E");
	fl_buf_reset(&b);
	/* whatever a slug holds cannot leave the path */
	assert_int_equal(fl_hc_url(&b, NULL, FL_HC_SECTION, "en", 3, "a\"b<c>/../?x#y"), 0);
	assert_string_equal(b.p, "/hc/en/sections/3-a%22b%3Cc%3E%2F..%2F%3Fx%23y");
	fl_buf_reset(&b);
	assert_int_equal(fl_hc_url(&b, NULL, FL_HC_CATEGORY, "lt", 5, NULL), 0);
	assert_string_equal(b.p, "/hc/lt/categories/5");
	fl_buf_reset(&b);
	assert_int_equal(fl_hc_url(&b, NULL, FL_HC_VOTE, "ru", 5, "ignored"), 0);
	assert_string_equal(b.p, "/hc/ru/articles/5/vote");
	fl_buf_reset(&b);
	assert_int_equal(fl_hc_url(&b, NULL, FL_HC_HOME, "ru", 0, NULL), 0);
	assert_string_equal(b.p, "/hc/ru");
	fl_buf_free(&b);
}

static void test_words(void **state)
{
	(void)state;
	/* every language has every word, and they differ from English */
	for (int i = 0; i < FL_HC_NLOCALES; i++) {
		const struct fl_hc_words *w = fl_hc_words(fl_hc_locales[i]);
		const char *const *all = (const char *const *)w;
		assert_string_equal(w->lang, fl_hc_locales[i]);
		for (size_t k = 0; k < sizeof *w / sizeof(char *); k++)
			assert_true(all[k] && *all[k]);
		if (strcmp(w->lang, "en"))
			assert_string_not_equal(w->helpful, fl_hc_words("en")->helpful);
	}
	assert_string_equal(fl_hc_words("de")->lang, "en");
	assert_string_equal(fl_hc_words(NULL)->lang, "en");
}

/* ---- pages ---------------------------------------------------------------- */

static struct fl_hc_page article_page(void)
{
	struct fl_hc_page p = {
		.base = "https://help.example.com",
		.locale = "ru",
		.kind = FL_HC_ARTICLE,
		.id = 12,
		.title = "<script>alert(1)</script> & \"quotes\"",
		.has = {0, 1, 0, 1},
		.slugs = {NULL, "oplata", NULL, "payment"},
		.crumbs = {{FL_HC_CATEGORY, 2, "Billing <b>", "billing", 0, 0},
			   {FL_HC_SECTION, 3, "Cards", "cards", 0, 0}},
		.ncrumbs = 2,
	};
	return p;
}

static void test_page_frame(void **state)
{
	struct fl_hc_page p = article_page();
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_page_start(&b, &p), 0);
	assert_int_equal(fl_hc_page_end(&b, &p), 0);
	assert_non_null(strstr(b.p, "<html lang=\"ru\">"));
	/* a title is text, wherever it shows */
	assert_null(strstr(b.p, "<script>"));
	assert_non_null(strstr(b.p,
			       "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
			       "&quot;quotes&quot; · Справочный центр</title>"));
	assert_non_null(strstr(b.p, "<h1 data-test=\"hc-title\">&lt;script&gt;"));
	assert_non_null(strstr(b.p, ">Billing &lt;b&gt;</a>"));
	/* the canonical URL is this language's, absolute */
	assert_non_null(strstr(
		b.p,
		"<link rel=\"canonical\" href=\"https://help.example.com/hc/ru/articles/12-oplata\">"));
	/* alternates for the languages there are, and x-default English */
	assert_non_null(strstr(b.p,
			       "<link rel=\"alternate\" hreflang=\"ru\" "
			       "href=\"https://help.example.com/hc/ru/articles/12-oplata\">"));
	assert_non_null(strstr(b.p,
			       "<link rel=\"alternate\" hreflang=\"en\" "
			       "href=\"https://help.example.com/hc/en/articles/12-payment\">"));
	assert_non_null(strstr(b.p,
			       "<link rel=\"alternate\" hreflang=\"x-default\" "
			       "href=\"https://help.example.com/hc/en/articles/12-payment\">"));
	assert_null(strstr(b.p, "hreflang=\"uk\""));
	assert_null(strstr(b.p, "hreflang=\"lt\""));
	/* the switcher links the other language; this one is current */
	assert_non_null(strstr(b.p,
			       "<a href=\"/hc/en/articles/12-payment\" hreflang=\"en\" "
			       "lang=\"en\">English</a>"));
	assert_non_null(strstr(b.p, "<span aria-current=\"true\" lang=\"ru\">Русский</span>"));
	/* breadcrumbs: home, category, section, the page */
	assert_non_null(strstr(b.p, "<a href=\"/hc/ru\">Справочный центр</a>"));
	assert_non_null(strstr(b.p, "href=\"/hc/ru/categories/2-billing\""));
	assert_non_null(strstr(b.p, "href=\"/hc/ru/sections/3-cards\""));
	/* style sheets, and no script at all */
	assert_non_null(strstr(b.p, "/assets/portal.css"));
	assert_null(strstr(b.p, "<script"));
	assert_null(strstr(b.p, "noindex"));
	fl_buf_free(&b);

	/* no English: x-default is the first language there is; a page
	 * not in its own language has no canonical link */
	p.has[3] = 0;
	p.locale = "lt";
	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_page_start(&b, &p), 0);
	assert_non_null(strstr(b.p,
			       "hreflang=\"x-default\" "
			       "href=\"https://help.example.com/hc/ru/articles/12-oplata\""));
	assert_null(strstr(b.p, "rel=\"canonical\""));
	assert_non_null(strstr(b.p, "<html lang=\"lt\">"));
	fl_buf_free(&b);
}

static void test_article(void **state)
{
	struct fl_hc_page p = article_page();
	struct fl_hc_article_view a = {
		.id = 12,
		.body_html = "<p>Pay by <strong>card</strong>.</p>",
		.updated_at = 1767225600, /* 2026-01-01 */
		.internal = 1,
		.votes_up = 3,
		.votes = 4,
		.voted = 1,
	};
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_article(&b, &p, &a), 0);
	/* the body is the store's sanitized HTML, as it is */
	assert_non_null(strstr(b.p, "<p>Pay by <strong>card</strong>.</p>"));
	assert_non_null(strstr(b.p, "Внутренняя"));
	assert_non_null(strstr(b.p, "<time datetime=\"2026-01-01\">"));
	assert_non_null(strstr(b.p, "action=\"/hc/ru/articles/12/vote\""));
	assert_non_null(strstr(b.p, "name=\"vote\" value=\"up\""));
	assert_non_null(strstr(b.p, "3 из 4 считают статью полезной"));
	assert_non_null(strstr(b.p, "Спасибо за отзыв."));
	fl_buf_free(&b);
}

static void test_missing(void **state)
{
	struct fl_hc_page p = article_page();
	fl_buf b;
	(void)state;

	p.locale = "uk";
	p.noindex = 1;
	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_page_start(&b, &p), 0);
	assert_int_equal(fl_hc_missing(&b, &p), 0);
	assert_non_null(strstr(b.p, "<meta name=\"robots\" content=\"noindex\">"));
	assert_null(strstr(b.p, "rel=\"canonical\""));
	assert_non_null(strstr(b.p, "українською"));
	assert_non_null(strstr(b.p,
			       "<a href=\"/hc/ru/articles/12-oplata\" hreflang=\"ru\" "
			       "lang=\"ru\">Русский</a>"));
	assert_non_null(strstr(b.p, "<a href=\"/hc/en/articles/12-payment\""));
	fl_buf_free(&b);
}

static void test_home_lists(void **state)
{
	struct fl_hc_page p = {.base = "http://x",
			       .locale = "en",
			       .kind = FL_HC_HOME,
			       .title = "Help center",
			       .has = {1, 1, 1, 1}};
	struct fl_hc_link arts[] = {
		{FL_HC_ARTICLE, 5, "Refunds & <returns>", "refunds", 0, 0},
		{FL_HC_ARTICLE, 6, "Agents' notes", "notes", 1, 0},
	};
	struct fl_hc_section_view secs[] = {
		{{FL_HC_SECTION, 3, "Cards", "cards", 0, 0}, NULL, arts, 2, 1}};
	struct fl_hc_category_view cats[] = {
		{{FL_HC_CATEGORY, 2, "Billing", "billing", 0, 0}, "Money \"matters\"", secs, 1}};
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_page_start(&b, &p), 0);
	assert_int_equal(fl_hc_home(&b, &p, arts, 1, cats, 1), 0);
	assert_non_null(strstr(b.p, "<link rel=\"canonical\" href=\"http://x/hc/en\">"));
	assert_non_null(
		strstr(b.p, "<link rel=\"alternate\" hreflang=\"uk\" href=\"http://x/hc/uk\">"));
	assert_non_null(
		strstr(b.p, "<a href=\"/hc/uk\" hreflang=\"uk\" lang=\"uk\">Українська</a>"));
	assert_non_null(strstr(b.p, "action=\"/hc/en/search\""));
	assert_non_null(strstr(b.p, "Promoted articles"));
	assert_non_null(strstr(
		b.p, "<a href=\"/hc/en/articles/5-refunds\">Refunds &amp; &lt;returns&gt;</a>"));
	assert_non_null(strstr(b.p, "Agents&#39; notes</a> <span class=\"badge hc-internal\">"));
	assert_non_null(strstr(b.p, "Money &quot;matters&quot;"));
	assert_non_null(strstr(b.p, "href=\"/hc/en/sections/3-cards\""));
	/* the home has no breadcrumbs */
	assert_null(strstr(b.p, "hc-crumbs"));
	fl_buf_free(&b);
}

static void test_section_pages(void **state)
{
	struct fl_hc_page p = {.base = "http://x",
			       .locale = "uk",
			       .kind = FL_HC_SECTION,
			       .id = 3,
			       .title = "Картки",
			       .has = {1, 0, 0, 1},
			       .slugs = {"картки", NULL, NULL, "cards"}};
	struct fl_hc_link arts[] = {{FL_HC_ARTICLE, 5, "Оплата", "оплата", 0, 1}};
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_section(&b, &p, "Про <картки>", arts, 1, 2, 1), 0);
	assert_non_null(strstr(b.p, "Про &lt;картки&gt;"));
	assert_non_null(strstr(b.p, "Для клієнтів, які увійшли"));
	/* the first page has no ?page, the others do */
	assert_non_null(strstr(
		b.p,
		"<a href=\"/hc/uk/sections/3-%D0%BA%D0%B0%D1%80%D1%82%D0%BA%D0%B8\">Назад</a>"));
	assert_non_null(strstr(
		b.p,
		"<a href=\"/hc/uk/sections/3-%D0%BA%D0%B0%D1%80%D1%82%D0%BA%D0%B8?page=3\">Далі</a>"));
	fl_buf_free(&b);

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_section(&b, &p, NULL, NULL, 0, 1, 0), 0);
	assert_non_null(strstr(b.p, "Тут ще немає статей."));
	assert_null(strstr(b.p, "hc-pages"));
	fl_buf_free(&b);
}

static void test_search(void **state)
{
	struct fl_hc_page p = {.base = "http://x",
			       .locale = "en",
			       .kind = FL_HC_SEARCH,
			       .title = "Search",
			       .has = {1, 1, 1, 1},
			       .noindex = 1,
			       .query = "\"><script>alert(1)</script>"};
	struct fl_hc_result res[] = {
		{{FL_HC_ARTICLE, 5, "Refunds", "refunds", 0, 0},
		 "Ask for a \x02refund\x03 <img src=x onerror=alert(1)> in \x02"
		 "30\x03 days \x02open"},
	};
	fl_buf b;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_search(&b, &p, 1, "refund <b>", res, 1, 21, 2, 1), 0);
	/* the query shows as text only, in the box and in what was corrected */
	assert_null(strstr(b.p, "<script>"));
	assert_non_null(strstr(b.p, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
	assert_non_null(strstr(b.p, "Showing results for “refund &lt;b&gt;”"));
	/* the snippet's marks become <mark>, the rest is text; an open mark is closed */
	assert_non_null(strstr(b.p,
			       "Ask for a <mark>refund</mark> &lt;img src=x "
			       "onerror=alert(1)&gt; in <mark>30</mark> days <mark>open</mark>"));
	assert_non_null(strstr(b.p, "21 results"));
	/* paging links carry the query encoded */
	assert_non_null(strstr(
		b.p,
		"/hc/en/search?query=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;page=1\">Previous"));
	assert_non_null(strstr(b.p, "&amp;page=3\">Next"));
	fl_buf_free(&b);

	/* nothing found: say so, and offer the contact form */
	p.query = "nothing";
	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_search(&b, &p, 1, NULL, NULL, 0, 0, 1, 0), 0);
	assert_non_null(strstr(b.p, "No articles match “nothing”."));
	assert_non_null(strstr(b.p, "href=\"/portal/\""));
	fl_buf_free(&b);

	/* no search yet */
	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_search(&b, &p, 0, NULL, NULL, 0, 0, 1, 0), 0);
	assert_non_null(strstr(b.p, "Search is coming soon."));
	fl_buf_free(&b);
}

static void test_sitemap(void **state)
{
	struct fl_hc_sitemap_entry e = {
		.kind = FL_HC_ARTICLE,
		.id = 12,
		.has = {1, 0, 0, 1},
		.slugs = {"оплата", NULL, NULL, "pay&go"},
		.updated = {1767225600, 0, 0, 1767312000},
	};
	fl_buf b;
	size_t room = FL_HC_SITEMAP_MAX;
	(void)state;

	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_sitemap_start(&b, "https://h.example", &room), 0);
	assert_int_equal(fl_hc_sitemap_add(&b, "https://h.example", &e, &room), 0);
	assert_int_equal(fl_hc_sitemap_end(&b), 0);
	assert_true(!strncmp(b.p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset ", 46));
	assert_non_null(strstr(b.p, "<url><loc>https://h.example/hc/lt</loc>"));
	assert_non_null(strstr(
		b.p,
		"<url><loc>https://h.example/hc/uk/articles/12-%D0%BE%D0%BF%D0%BB%D0%B0%D1%82%D0%B0</loc>"
		"<lastmod>2026-01-01T00:00:00Z</lastmod>"
		"<xhtml:link rel=\"alternate\" hreflang=\"uk\" "));
	/* a slug's & is encoded, never raw in XML */
	assert_non_null(strstr(b.p,
			       "<loc>https://h.example/hc/en/articles/12-pay%26go</loc>"
			       "<lastmod>2026-01-02T00:00:00Z</lastmod>"));
	assert_null(strstr(b.p, "/hc/ru/articles"));
	assert_null(strstr(b.p, "&go"));
	/* every opened url is closed */
	size_t opened = 0, closed = 0;
	for (const char *s = b.p; (s = strstr(s, "<url>")); s++)
		opened++;
	for (const char *s = b.p; (s = strstr(s, "</url>")); s++)
		closed++;
	assert_int_equal(opened, 4 + 2);
	assert_int_equal(closed, opened);
	assert_non_null(strstr(b.p, "</urlset>\n"));
	fl_buf_free(&b);
}

/* A sitemap file holds at most FL_HC_SITEMAP_MAX <url>s however many
 * pages there are: the homes, then entries while room lasts, none cut in
 * the middle of its <url>. */
static void test_sitemap_cap(void **state)
{
	struct fl_hc_sitemap_entry e = {
		.kind = FL_HC_SECTION,
		.has = {1, 1, 1, 1},
		.slugs = {"a", "b", "c", "d"},
	};
	fl_buf b;
	size_t room = FL_HC_SITEMAP_MAX, opened = 0, closed = 0;
	(void)state;

	fl_buf_init(&b, 256u << 20); /* the help center's own bound */
	assert_int_equal(fl_hc_sitemap_start(&b, "https://h.example", &room), 0);
	/* 4 homes + 12,600 entries of 4 languages = 50,404 pages */
	for (e.id = 1; e.id <= 12600; e.id++)
		assert_int_equal(fl_hc_sitemap_add(&b, "https://h.example", &e, &room), 0);
	assert_int_equal(fl_hc_sitemap_end(&b), 0);
	assert_int_equal(room, 0);
	/* counted by hand: ASan's strstr reads the whole 15 MB at each call */
	for (size_t k = 0; k + 6 <= b.n; k++) {
		opened += !memcmp(b.p + k, "<url>", 5);
		closed += !memcmp(b.p + k, "</url>", 6);
	}
	assert_int_equal(opened, FL_HC_SITEMAP_MAX);
	assert_int_equal(closed, opened);
	fl_buf_free(&b);
	/* room for fewer than the home's four: only what fits */
	room = 2;
	fl_buf_init(&b, 0);
	assert_int_equal(fl_hc_sitemap_start(&b, "https://h.example", &room), 0);
	opened = 0;
	for (const char *s = b.p; (s = strstr(s, "<url>")); s++)
		opened++;
	assert_int_equal(opened, 2);
	fl_buf_free(&b);
}

static void test_http_date(void **state)
{
	char d[30];
	(void)state;
	fl_hc_http_date(1767225600, d);
	assert_string_equal(d, "Thu, 01 Jan 2026 00:00:00 GMT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_parse),  cmocka_unit_test(test_url),
		cmocka_unit_test(test_words),       cmocka_unit_test(test_page_frame),
		cmocka_unit_test(test_article),     cmocka_unit_test(test_missing),
		cmocka_unit_test(test_home_lists),  cmocka_unit_test(test_section_pages),
		cmocka_unit_test(test_search),      cmocka_unit_test(test_sitemap),
		cmocka_unit_test(test_sitemap_cap), cmocka_unit_test(test_http_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
