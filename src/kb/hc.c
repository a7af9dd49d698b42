/* The help center's pages as HTML (kb/hc.h tells the contract). */
#include "kb/hc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"

const char *const fl_hc_locales[FL_HC_NLOCALES] = {"uk", "ru", "lt", "en"};

#define EN 3 /* English's index: x-default when there is an English page */

int fl_hc_locale_index(const char *locale, size_t n)
{
	for (int i = 0; i < FL_HC_NLOCALES; i++)
		if (n == 2 && !memcmp(locale, fl_hc_locales[i], 2))
			return i;
	return -1;
}

/* clang-format off: one language a block */
static const struct fl_hc_words words[FL_HC_NLOCALES] = {
	{
		.lang = "uk",
		.language_name = "Українська",
		.help_center = "Довідковий центр",
		.lede = "Відповіді на поширені запитання, інструкції та поради.",
		.search_label = "Пошук у довідковому центрі",
		.search_button = "Шукати",
		.search_title = "Пошук",
		.promoted = "Рекомендовані статті",
		.no_articles = "Тут ще немає статей.",
		.internal = "Внутрішня",
		.signed_in = "Для клієнтів, які увійшли",
		.updated = "Оновлено",
		.helpful = "Чи була ця стаття корисною?",
		.yes = "Так",
		.no = "Ні",
		.voted = "Дякуємо за відгук.",
		.votes = "%s із %s вважають статтю корисною",
		.results = "Результати за запитом «%s»",
		.count = "Знайдено: %s",
		.corrected = "Показано результати за запитом «%s»",
		.no_results = "За запитом «%s» статей не знайдено.",
		.contact = "Не знайшли відповіді? Надішліть нам запит",
		.search_coming = "Пошук незабаром з’явиться.",
		.not_found = "Сторінку не знайдено",
		.not_found_text = "Такої сторінки немає або вона вам недоступна.",
		.missing = "Статті немає цією мовою",
		.missing_text =
			"Цю статтю ще не перекладено українською. Прочитайте її іншою мовою:",
		.languages = "Мова",
		.breadcrumb = "Ви тут",
		.next = "Далі",
		.previous = "Назад",
	},
	{
		.lang = "ru",
		.language_name = "Русский",
		.help_center = "Справочный центр",
		.lede = "Ответы на частые вопросы, инструкции и советы.",
		.search_label = "Поиск в справочном центре",
		.search_button = "Найти",
		.search_title = "Поиск",
		.promoted = "Рекомендуемые статьи",
		.no_articles = "Здесь пока нет статей.",
		.internal = "Внутренняя",
		.signed_in = "Для вошедших клиентов",
		.updated = "Обновлено",
		.helpful = "Была ли эта статья полезной?",
		.yes = "Да",
		.no = "Нет",
		.voted = "Спасибо за отзыв.",
		.votes = "%s из %s считают статью полезной",
		.results = "Результаты по запросу «%s»",
		.count = "Найдено: %s",
		.corrected = "Показаны результаты по запросу «%s»",
		.no_results = "По запросу «%s» статей не найдено.",
		.contact = "Не нашли ответа? Отправьте нам запрос",
		.search_coming = "Поиск скоро появится.",
		.not_found = "Страница не найдена",
		.not_found_text = "Такой страницы нет или она вам недоступна.",
		.missing = "Статьи нет на этом языке",
		.missing_text =
			"Эта статья ещё не переведена на русский. Прочитайте её на другом языке:",
		.languages = "Язык",
		.breadcrumb = "Вы здесь",
		.next = "Далее",
		.previous = "Назад",
	},
	{
		.lang = "lt",
		.language_name = "Lietuvių",
		.help_center = "Pagalbos centras",
		.lede = "Atsakymai į dažnus klausimus, instrukcijos ir patarimai.",
		.search_label = "Ieškoti pagalbos centre",
		.search_button = "Ieškoti",
		.search_title = "Paieška",
		.promoted = "Rekomenduojami straipsniai",
		.no_articles = "Čia dar nėra straipsnių.",
		.internal = "Vidinis",
		.signed_in = "Prisijungusiems klientams",
		.updated = "Atnaujinta",
		.helpful = "Ar šis straipsnis buvo naudingas?",
		.yes = "Taip",
		.no = "Ne",
		.voted = "Ačiū už atsiliepimą.",
		.votes = "%s iš %s nurodė, kad straipsnis naudingas",
		.results = "Rezultatai pagal užklausą „%s“",
		.count = "Rasta: %s",
		.corrected = "Rodomi rezultatai pagal užklausą „%s“",
		.no_results = "Pagal užklausą „%s“ straipsnių nerasta.",
		.contact = "Neradote atsakymo? Pateikite mums užklausą",
		.search_coming = "Paieška netrukus bus prieinama.",
		.not_found = "Puslapis nerastas",
		.not_found_text = "Tokio puslapio nėra arba jis jums nepasiekiamas.",
		.missing = "Straipsnio šia kalba nėra",
		.missing_text =
			"Šis straipsnis dar neišverstas į lietuvių kalbą. Skaitykite jį kita kalba:",
		.languages = "Kalba",
		.breadcrumb = "Jūs esate čia",
		.next = "Toliau",
		.previous = "Atgal",
	},
	{
		.lang = "en",
		.language_name = "English",
		.help_center = "Help center",
		.lede = "Answers to common questions, how-tos and tips.",
		.search_label = "Search the help center",
		.search_button = "Search",
		.search_title = "Search",
		.promoted = "Promoted articles",
		.no_articles = "No articles here yet.",
		.internal = "Internal",
		.signed_in = "For signed-in customers",
		.updated = "Updated",
		.helpful = "Was this article helpful?",
		.yes = "Yes",
		.no = "No",
		.voted = "Thank you for your feedback.",
		.votes = "%s of %s found this helpful",
		.results = "Results for “%s”",
		.count = "%s results",
		.corrected = "Showing results for “%s”",
		.no_results = "No articles match “%s”.",
		.contact = "Can’t find what you need? Send us a request",
		.search_coming = "Search is coming soon.",
		.not_found = "Page not found",
		.not_found_text = "There is no such page, or it is not available to you.",
		.missing = "Not available in this language",
		.missing_text = "This article is not written in English yet. Read it in:",
		.languages = "Language",
		.breadcrumb = "You are here",
		.next = "Next",
		.previous = "Previous",
	},
};
/* clang-format on */

const struct fl_hc_words *fl_hc_words(const char *lang)
{
	int i = lang ? fl_hc_locale_index(lang, strlen(lang)) : -1;
	return &words[i < 0 ? EN : i];
}

/* paths */

/* A positive id of at most 18 digits at *p, ending at one of the bytes
 * of stops or the end; *p moves past it. */
static int read_id(const char **p, const char *stops, int64_t *id)
{
	const char *s = *p;
	int64_t v = 0;
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 19)
		v = v * 10 + (s[n++] - '0');
	if (!n || n > 18 || v <= 0 || s[0] == '0' || (s[n] && !strchr(stops, s[n])))
		return FL_ENOTFOUND;
	*p = s + n;
	*id = v;
	return 0;
}

int fl_hc_path_parse(const char *path, struct fl_hc_path *out)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = {
		{"categories/", FL_HC_CATEGORY},
		{"sections/", FL_HC_SECTION},
		{"articles/", FL_HC_ARTICLE},
	};
	char buf[2048];
	size_t n = strlen(path);
	const char *p;
	int li;

	*out = (struct fl_hc_path){0};
	/* a trailing slash is the same page; the path is copied only to drop it */
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof buf || strncmp(path, "/hc", 3))
		return FL_ENOTFOUND;
	if (n == 3) {
		out->kind = FL_HC_ROOT;
		return 0;
	}
	if (path[3] != '/')
		return FL_ENOTFOUND;
	if (n == strlen("/hc/sitemap.xml") && !strncmp(path, "/hc/sitemap.xml", n)) {
		out->kind = FL_HC_SITEMAP;
		return 0;
	}
	p = path + 4;
	if ((li = fl_hc_locale_index(p, n - 4 < 2 ? n - 4 : 2)) < 0 || (n > 6 && p[2] != '/'))
		return FL_ENOTFOUND;
	out->locale = fl_hc_locales[li];
	if (n == 6) {
		out->kind = FL_HC_HOME;
		return 0;
	}
	memcpy(buf, path, n);
	buf[n] = 0;
	p = buf + 7;
	if (!strcmp(p, "search")) {
		out->kind = FL_HC_SEARCH;
		return 0;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		size_t kn = strlen(kinds[k].name);
		if (strncmp(p, kinds[k].name, kn))
			continue;
		p += kn;
		if (read_id(&p, kinds[k].kind == FL_HC_ARTICLE ? "-/" : "-", &out->id))
			return FL_ENOTFOUND;
		out->kind = kinds[k].kind;
		if (*p == '/') {
			if (strcmp(p, "/vote"))
				return FL_ENOTFOUND;
			out->kind = FL_HC_VOTE;
		} else if (*p == '-') {
			/* the slug, in the caller's path: everything after the dash */
			out->slug = path + (p + 1 - buf);
			out->slug_len = n - (size_t)(p + 1 - buf);
		}
		return 0;
	}
	return FL_ENOTFOUND;
}

static int unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static int add_slug(fl_buf *b, const char *slug)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *s = (const unsigned char *)slug; *s && !rc; s++) {
		char pct[3] = {'%', hex[*s >> 4], hex[*s & 15]};
		rc = unreserved(*s) ? fl_buf_addc(b, (char)*s) : fl_buf_add(b, pct, 3);
	}
	return rc;
}

int fl_hc_url(fl_buf *b, const char *base, int kind, const char *locale, int64_t id,
	      const char *slug)
{
	static const char *const parts[] = {
		[FL_HC_CATEGORY] = "categories",
		[FL_HC_SECTION] = "sections",
		[FL_HC_ARTICLE] = "articles",
		[FL_HC_VOTE] = "articles",
	};
	int rc = fl_buf_addf(b, "%s/hc/%s", base ? base : "", locale);

	if (rc || kind == FL_HC_HOME)
		return rc;
	if (kind == FL_HC_SEARCH)
		return fl_buf_adds(b, "/search");
	if (kind < FL_HC_CATEGORY || kind > FL_HC_VOTE || !parts[kind])
		return FL_EINVAL;
	rc = fl_buf_addf(b, "/%s/%" PRId64, parts[kind], id);
	if (!rc && kind == FL_HC_VOTE)
		return fl_buf_adds(b, "/vote");
	if (!rc && slug && *slug) {
		rc = fl_buf_addc(b, '-');
		if (!rc)
			rc = add_slug(b, slug);
	}
	return rc;
}

int fl_hc_slug_is(const char *slug, size_t n, const char *want)
{
	if (!want || !*want)
		return !slug;
	return slug && strlen(want) == n && !memcmp(slug, want, n);
}

/* pieces */

static int esc(fl_buf *b, const char *z)
{
	return z ? fl_buf_add_html(b, z, strlen(z)) : 0;
}

/* "<a href="url">text</a>" for a link in the page's locale. */
static int add_link(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_link *l,
		    const char *cls)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = fl_buf_addf(b, "<a%s%s%s href=\"", cls ? " class=\"" : "", cls ? cls : "",
			     cls ? "\"" : "");

	if (!rc)
		rc = fl_hc_url(b, NULL, l->kind, p->locale, l->id, l->slug);
	if (!rc && l->query && *l->query) {
		rc = fl_buf_adds(b, "?q=");
		if (!rc)
			rc = add_slug(b, l->query); /* every byte but the unreserved as %XX */
	}
	if (!rc)
		rc = fl_buf_adds(b, "\">");
	if (!rc)
		rc = esc(b, l->title);
	if (!rc)
		rc = fl_buf_adds(b, "</a>");
	if (!rc && l->internal)
		rc = fl_buf_addf(b, " <span class=\"badge hc-internal\">%s</span>", w->internal);
	if (!rc && l->signed_in)
		rc = fl_buf_addf(b, " <span class=\"badge hc-signed-in\">%s</span>", w->signed_in);
	return rc;
}

static int add_links(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_link *l, size_t n,
		     const char *cls)
{
	int rc = fl_buf_addf(b, "<ul class=\"%s\">\n", cls);

	for (size_t i = 0; i < n && !rc; i++) {
		rc = fl_buf_adds(b, "<li>");
		if (!rc)
			rc = add_link(b, p, &l[i], NULL);
		if (!rc)
			rc = fl_buf_adds(b, "</li>\n");
	}
	return rc ? rc : fl_buf_adds(b, "</ul>\n");
}

/* The page's own URL in locale i (absolute with base). */
static int page_url(fl_buf *b, const struct fl_hc_page *p, const char *base, int i)
{
	return fl_hc_url(b, base, p->kind, fl_hc_locales[i], p->id, p->slugs[i]);
}

static int search_form(fl_buf *b, const struct fl_hc_page *p, const char *cls, const char *id)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = fl_buf_addf(b, "<form class=\"%s\" role=\"search\" method=\"get\" action=\"", cls);

	if (!rc)
		rc = fl_hc_url(b, NULL, FL_HC_SEARCH, p->locale, 0, NULL);
	if (!rc)
		rc = fl_buf_addf(
			b,
			"\"><label class=\"sr-only\" for=\"%s-q\">%s</label>"
			"<input id=\"%s-q\" type=\"search\" name=\"query\" maxlength=\"200\" "
			"placeholder=\"%s\" value=\"",
			id, w->search_label, id, w->search_label);
	if (!rc)
		rc = esc(b, p->query);
	if (!rc)
		rc = fl_buf_addf(b,
				 "\" data-test=\"hc-query\"><button type=\"submit\" "
				 "class=\"primary\">%s</button></form>\n",
				 w->search_button);
	return rc;
}

int fl_hc_page_start(fl_buf *b, const struct fl_hc_page *p)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int li = fl_hc_locale_index(p->locale, strlen(p->locale)), xdef = -1, rc;

	for (int i = 0; i < FL_HC_NLOCALES; i++)
		if (p->has[i] && (xdef < 0 || i == EN))
			xdef = i;
	rc = fl_buf_addf(
		b,
		"<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>",
		w->lang);
	if (!rc)
		rc = esc(b, p->title);
	if (!rc && p->kind != FL_HC_HOME)
		rc = fl_buf_addf(b, " · %s", w->help_center);
	if (!rc)
		rc = fl_buf_adds(b, "</title>\n");
	if (!rc && p->noindex)
		rc = fl_buf_adds(b, "<meta name=\"robots\" content=\"noindex\">\n");
	if (!rc && li >= 0 && p->has[li]) {
		rc = fl_buf_adds(b, "<link rel=\"canonical\" href=\"");
		if (!rc)
			rc = page_url(b, p, p->base, li);
		if (!rc)
			rc = fl_buf_adds(b, "\">\n");
	}
	for (int i = 0; i < FL_HC_NLOCALES && !rc; i++) {
		if (!p->has[i])
			continue;
		rc = fl_buf_addf(b, "<link rel=\"alternate\" hreflang=\"%s\" href=\"",
				 fl_hc_locales[i]);
		if (!rc)
			rc = page_url(b, p, p->base, i);
		if (!rc)
			rc = fl_buf_adds(b, "\">\n");
	}
	if (!rc && xdef >= 0) {
		rc = fl_buf_adds(b, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"");
		if (!rc)
			rc = page_url(b, p, p->base, xdef);
		if (!rc)
			rc = fl_buf_adds(b, "\">\n");
	}
	if (!rc)
		rc = fl_buf_addf(
			b,
			"<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"
			"<link rel=\"stylesheet\" href=\"/assets/app.css\">\n"
			"<link rel=\"stylesheet\" href=\"/assets/portal.css\">\n"
			"</head>\n<body class=\"hc\">\n"
			"<header class=\"p-top\"><div class=\"p-top-in\">"
			"<a class=\"brand p-brand\" href=\"/hc/%s\" data-test=\"hc-brand\">"
			"<img src=\"/assets/favicon.svg\" alt=\"\" width=\"28\" height=\"28\">"
			"<span>Frontline</span> <span class=\"p-brand-sub\">%s</span></a>\n"
			"<nav class=\"hc-langs\" aria-label=\"%s\" data-test=\"hc-langs\"><ul>",
			w->lang, w->help_center, w->languages);
	/* the switcher: the page in each language it exists in */
	for (int i = 0; i < FL_HC_NLOCALES && !rc; i++) {
		const struct fl_hc_words *wi = &words[i];
		if (i == li)
			rc = fl_buf_addf(
				b, "<li><span aria-current=\"true\" lang=\"%s\">%s</span></li>",
				wi->lang, wi->language_name);
		else if (p->has[i]) {
			rc = fl_buf_adds(b, "<li><a href=\"");
			if (!rc)
				rc = page_url(b, p, NULL, i);
			if (!rc)
				rc = fl_buf_addf(b, "\" hreflang=\"%s\" lang=\"%s\">%s</a></li>",
						 wi->lang, wi->lang, wi->language_name);
		}
	}
	if (!rc)
		rc = fl_buf_adds(
			b,
			"</ul></nav>\n</div></header>\n"
			"<main id=\"main\" class=\"p-main\"><div class=\"p-wide hc-page\">\n");
	if (!rc && p->kind != FL_HC_HOME) {
		rc = fl_buf_addf(
			b,
			"<nav class=\"hc-crumbs\" aria-label=\"%s\" data-test=\"hc-crumbs\">"
			"<ol><li><a href=\"/hc/%s\">%s</a></li>",
			w->breadcrumb, w->lang, w->help_center);
		for (size_t i = 0; i < p->ncrumbs && !rc; i++) {
			struct fl_hc_link l = p->crumbs[i];
			l.internal = l.signed_in = 0;
			rc = fl_buf_adds(b, "<li>");
			if (!rc)
				rc = add_link(b, p, &l, NULL);
			if (!rc)
				rc = fl_buf_adds(b, "</li>");
		}
		if (!rc)
			rc = fl_buf_adds(b, "<li aria-current=\"page\">");
		if (!rc)
			rc = esc(b, p->title);
		if (!rc)
			rc = fl_buf_adds(b, "</li></ol></nav>\n");
	}
	if (!rc)
		rc = fl_buf_adds(b, "<h1 data-test=\"hc-title\">");
	if (!rc)
		rc = esc(b, p->title);
	return rc ? rc : fl_buf_adds(b, "</h1>\n");
}

int fl_hc_page_end(fl_buf *b, const struct fl_hc_page *p)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	return fl_buf_addf(b,
			   "</div></main>\n<footer class=\"p-foot\"><a href=\"/portal/\" "
			   "data-test=\"hc-contact\">%s</a></footer>\n</body>\n</html>\n",
			   w->contact);
}

static int description(fl_buf *b, const char *d)
{
	int rc;

	if (!d || !*d)
		return 0;
	rc = fl_buf_adds(b, "<p class=\"p-lede\">");
	if (!rc)
		rc = esc(b, d);
	return rc ? rc : fl_buf_adds(b, "</p>\n");
}

static int section_block(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_section_view *s,
			 int heading)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = fl_buf_addf(b, "<section class=\"hc-section\" data-test=\"hc-section\"><h%d>",
			     heading);

	if (!rc)
		rc = add_link(b, p, &s->link, NULL);
	if (!rc)
		rc = fl_buf_addf(b, "</h%d>\n", heading);
	if (!rc && !s->narticles)
		rc = fl_buf_addf(b, "<p class=\"muted\">%s</p>\n", w->no_articles);
	if (!rc && s->narticles)
		rc = add_links(b, p, s->articles, s->narticles, "hc-articles");
	if (!rc && s->more) {
		struct fl_hc_link all = s->link;
		all.title = "…";
		all.internal = all.signed_in = 0;
		rc = fl_buf_adds(b, "<p class=\"hc-more\">");
		if (!rc)
			rc = add_link(b, p, &all, NULL);
		if (!rc)
			rc = fl_buf_adds(b, "</p>\n");
	}
	return rc ? rc : fl_buf_adds(b, "</section>\n");
}

int fl_hc_home(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_link *promoted,
	       size_t npromoted, const struct fl_hc_category_view *cats, size_t ncats)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = fl_buf_addf(b, "<p class=\"p-lede\">%s</p>\n", w->lede);

	if (!rc)
		rc = search_form(b, p, "hc-search hc-search-big", "hc-home");
	if (!rc && npromoted) {
		rc = fl_buf_addf(
			b, "<section class=\"hc-promoted\" data-test=\"hc-promoted\"><h2>%s</h2>\n",
			w->promoted);
		if (!rc)
			rc = add_links(b, p, promoted, npromoted, "hc-articles");
		if (!rc)
			rc = fl_buf_adds(b, "</section>\n");
	}
	if (!rc && !ncats)
		rc = fl_buf_addf(b, "<p class=\"muted\">%s</p>\n", w->no_articles);
	if (!rc && ncats)
		rc = fl_buf_adds(b, "<div class=\"hc-grid\">\n");
	for (size_t i = 0; i < ncats && !rc; i++) {
		rc = fl_buf_adds(
			b, "<section class=\"card hc-category\" data-test=\"hc-category\"><h2>");
		if (!rc)
			rc = add_link(b, p, &cats[i].link, NULL);
		if (!rc)
			rc = fl_buf_adds(b, "</h2>\n");
		if (!rc)
			rc = description(b, cats[i].description);
		for (size_t k = 0; k < cats[i].nsections && !rc; k++)
			rc = section_block(b, p, &cats[i].sections[k], 3);
		if (!rc)
			rc = fl_buf_adds(b, "</section>\n");
	}
	if (!rc && ncats)
		rc = fl_buf_adds(b, "</div>\n");
	return rc;
}

int fl_hc_category(fl_buf *b, const struct fl_hc_page *p, const char *desc,
		   const struct fl_hc_section_view *sections, size_t nsections)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = description(b, desc);

	if (!rc && !nsections)
		rc = fl_buf_addf(b, "<p class=\"muted\">%s</p>\n", w->no_articles);
	for (size_t i = 0; i < nsections && !rc; i++)
		rc = section_block(b, p, &sections[i], 2);
	return rc;
}

/* A link to page n of the section p shows. */
static int section_page_link(fl_buf *b, const struct fl_hc_page *p, int n, const char *text)
{
	int li = fl_hc_locale_index(p->locale, strlen(p->locale));
	int rc = fl_buf_adds(b, "<a href=\"");

	if (!rc)
		rc = fl_hc_url(b, NULL, FL_HC_SECTION, p->locale, p->id,
			       li < 0 ? NULL : p->slugs[li]);
	if (!rc && n > 1)
		rc = fl_buf_addf(b, "?page=%d", n);
	return rc ? rc : fl_buf_addf(b, "\">%s</a>", text);
}

int fl_hc_section(fl_buf *b, const struct fl_hc_page *p, const char *desc,
		  const struct fl_hc_link *articles, size_t narticles, int page, int more)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = description(b, desc);

	if (!rc && !narticles)
		rc = fl_buf_addf(b, "<p class=\"muted\">%s</p>\n", w->no_articles);
	if (!rc && narticles)
		rc = add_links(b, p, articles, narticles, "hc-articles hc-list");
	if (!rc && (page > 1 || more)) {
		rc = fl_buf_adds(b, "<nav class=\"hc-pages\">");
		if (!rc && page > 1)
			rc = section_page_link(b, p, page - 1, w->previous);
		if (!rc && more)
			rc = section_page_link(b, p, page + 1, w->next);
		if (!rc)
			rc = fl_buf_adds(b, "</nav>\n");
	}
	return rc;
}

static void iso_date(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		out[0] = 0;
}

void fl_hc_http_date(int64_t t, char out[30])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm))
		out[0] = 0;
}

int fl_hc_article(fl_buf *b, const struct fl_hc_page *p, const struct fl_hc_article_view *a)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	char day[11], up[24], all[24];
	int rc;

	iso_date(a->updated_at, day);
	rc = fl_buf_adds(b, "<p class=\"hc-meta muted\">");
	if (!rc && a->internal)
		rc = fl_buf_addf(
			b, "<span class=\"badge hc-internal\" data-test=\"hc-internal\">%s</span> ",
			w->internal);
	if (!rc && a->signed_in)
		rc = fl_buf_addf(b, "<span class=\"badge hc-signed-in\">%s</span> ", w->signed_in);
	if (!rc)
		rc = fl_buf_addf(b, "%s <time datetime=\"%s\">%s</time></p>\n", w->updated, day,
				 day);
	if (!rc)
		rc = fl_buf_adds(b, "<article class=\"card hc-body\" data-test=\"hc-body\">\n");
	if (!rc && a->body_html)
		rc = fl_buf_adds(b, a->body_html);
	if (!rc)
		rc = fl_buf_adds(b,
				 "\n</article>\n<section class=\"hc-vote\" id=\"vote\" "
				 "data-test=\"hc-vote\">\n");
	if (!rc && a->voted)
		rc = fl_buf_addf(
			b, "<p class=\"banner ok\" role=\"status\" data-test=\"hc-voted\">%s</p>\n",
			w->voted);
	if (!rc)
		rc = fl_buf_addf(b, "<form method=\"post\" action=\"");
	if (!rc)
		rc = fl_hc_url(b, NULL, FL_HC_VOTE, p->locale, a->id, NULL);
	if (!rc)
		rc = fl_buf_addf(
			b,
			"\"><span>%s</span> "
			"<button type=\"submit\" name=\"vote\" value=\"up\" data-test=\"hc-yes\">%s</button> "
			"<button type=\"submit\" name=\"vote\" value=\"down\" data-test=\"hc-no\">%s</button>"
			"</form>\n",
			w->helpful, w->yes, w->no);
	if (!rc && a->votes > 0) {
		snprintf(up, sizeof up, "%" PRId64, a->votes_up);
		snprintf(all, sizeof all, "%" PRId64, a->votes);
		rc = fl_buf_adds(b, "<p class=\"muted\" data-test=\"hc-votes\">");
		if (!rc)
			rc = fl_buf_addf(b, w->votes, up, all);
		if (!rc)
			rc = fl_buf_adds(b, "</p>\n");
	}
	return rc ? rc : fl_buf_adds(b, "</section>\n");
}

int fl_hc_missing(fl_buf *b, const struct fl_hc_page *p)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc =
		fl_buf_addf(b,
			    "<p>%s</p>\n<ul class=\"hc-articles\" data-test=\"hc-translations\">\n",
			    w->missing_text);

	for (int i = 0; i < FL_HC_NLOCALES && !rc; i++) {
		if (!p->has[i])
			continue;
		rc = fl_buf_adds(b, "<li><a href=\"");
		if (!rc)
			rc = page_url(b, p, NULL, i);
		if (!rc)
			rc = fl_buf_addf(b, "\" hreflang=\"%s\" lang=\"%s\">%s</a></li>\n",
					 fl_hc_locales[i], fl_hc_locales[i],
					 words[i].language_name);
	}
	return rc ? rc : fl_buf_adds(b, "</ul>\n");
}

int fl_hc_not_found(fl_buf *b, const struct fl_hc_page *p)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	int rc = fl_buf_addf(b, "<p>%s</p>\n", w->not_found_text);
	return rc ? rc : search_form(b, p, "hc-search", "hc-search");
}

/* text with FL_HC_MARK_ON/OFF as <mark>, everything else escaped; a mark
 * left open is closed. */
static int snippet(fl_buf *b, const char *s)
{
	int open = 0, rc = 0;
	const char *run = s;

	for (; *s && !rc; s++) {
		if (*s != FL_HC_MARK_ON && *s != FL_HC_MARK_OFF)
			continue;
		rc = fl_buf_add_html(b, run, (size_t)(s - run));
		if (!rc && *s == FL_HC_MARK_ON && !open)
			rc = fl_buf_adds(b, "<mark>"), open = 1;
		else if (!rc && *s == FL_HC_MARK_OFF && open)
			rc = fl_buf_adds(b, "</mark>"), open = 0;
		run = s + 1;
	}
	if (!rc)
		rc = fl_buf_add_html(b, run, strlen(run));
	if (!rc && open)
		rc = fl_buf_adds(b, "</mark>");
	return rc;
}

/* "?query=…&page=n" for the search page's own links */
static int search_link(fl_buf *b, const struct fl_hc_page *p, int page, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = fl_buf_adds(b, "<a href=\"");

	if (!rc)
		rc = fl_hc_url(b, NULL, FL_HC_SEARCH, p->locale, 0, NULL);
	if (!rc)
		rc = fl_buf_adds(b, "?query=");
	for (const unsigned char *s = (const unsigned char *)(p->query ? p->query : ""); *s && !rc;
	     s++) {
		char pct[3] = {'%', hex[*s >> 4], hex[*s & 15]};
		rc = unreserved(*s) ? fl_buf_addc(b, (char)*s) : fl_buf_add(b, pct, 3);
	}
	if (!rc)
		rc = fl_buf_addf(b, "&amp;page=%d\">%s</a>", page, text);
	return rc;
}

int fl_hc_search(fl_buf *b, const struct fl_hc_page *p, int available, const char *corrected,
		 const struct fl_hc_result *results, size_t nresults, int64_t count, int page,
		 int more)
{
	const struct fl_hc_words *w = fl_hc_words(p->locale);
	fl_buf q;
	char num[24];
	int rc = search_form(b, p, "hc-search", "hc-search");

	if (rc)
		return rc;
	if (!available)
		return fl_buf_addf(
			b, "<p class=\"banner info\" data-test=\"hc-search-coming\">%s</p>\n",
			w->search_coming);
	if (!p->query || !*p->query)
		return 0;
	fl_buf_init(&q, 1u << 16);
	rc = esc(&q, corrected && *corrected ? corrected : p->query);
	if (!rc && corrected && *corrected) {
		rc = fl_buf_adds(b, "<p class=\"banner info\" data-test=\"hc-corrected\">");
		if (!rc)
			rc = fl_buf_addf(b, w->corrected, q.p);
		if (!rc)
			rc = fl_buf_adds(b, "</p>\n");
	}
	if (!rc && !nresults) {
		rc = fl_buf_adds(b, "<p data-test=\"hc-no-results\">");
		if (!rc)
			rc = fl_buf_addf(b, w->no_results, q.p);
		if (!rc)
			rc = fl_buf_addf(b,
					 "</p>\n<p><a class=\"button primary\" href=\"/portal/\" "
					 "data-test=\"hc-no-results-contact\">%s</a></p>\n",
					 w->contact);
	}
	fl_buf_free(&q);
	if (rc || !nresults)
		return rc;
	snprintf(num, sizeof num, "%" PRId64, count);
	rc = fl_buf_adds(b, "<p class=\"p-count\">");
	if (!rc)
		rc = fl_buf_addf(b, w->count, num);
	if (!rc)
		rc = fl_buf_adds(b, "</p>\n<ol class=\"hc-results\" data-test=\"hc-results\">\n");
	for (size_t i = 0; i < nresults && !rc; i++) {
		rc = fl_buf_adds(b, "<li><h2>");
		if (!rc)
			rc = add_link(b, p, &results[i].link, NULL);
		if (!rc)
			rc = fl_buf_adds(b, "</h2><p>");
		if (!rc && results[i].snippet)
			rc = snippet(b, results[i].snippet);
		if (!rc)
			rc = fl_buf_adds(b, "</p></li>\n");
	}
	if (!rc)
		rc = fl_buf_adds(b, "</ol>\n");
	if (!rc && (page > 1 || more)) {
		rc = fl_buf_adds(b, "<nav class=\"hc-pages\">");
		if (!rc && page > 1)
			rc = search_link(b, p, page - 1, w->previous);
		if (!rc && more)
			rc = search_link(b, p, page + 1, w->next);
		if (!rc)
			rc = fl_buf_adds(b, "</nav>\n");
	}
	if (!rc)
		rc = fl_buf_addf(b, "<p class=\"hc-contact\"><a href=\"/portal/\">%s</a></p>\n",
				 w->contact);
	return rc;
}

/* sitemap */

static void iso_time(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = 0;
}

int fl_hc_sitemap_start(fl_buf *b, const char *base, size_t *room)
{
	int rc = fl_buf_adds(b,
			     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
			     "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	/* the home, in every language */
	for (int i = 0; i < FL_HC_NLOCALES && !rc && *room; i++) {
		--*room;
		rc = fl_buf_adds(b, "<url><loc>");
		if (!rc)
			rc = esc(b, base);
		if (!rc)
			rc = fl_buf_addf(b, "/hc/%s</loc>", fl_hc_locales[i]);
		for (int k = 0; k < FL_HC_NLOCALES && !rc; k++) {
			rc = fl_buf_addf(b, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"",
					 fl_hc_locales[k]);
			if (!rc)
				rc = esc(b, base);
			if (!rc)
				rc = fl_buf_addf(b, "/hc/%s\"/>", fl_hc_locales[k]);
		}
		if (!rc)
			rc = fl_buf_adds(b, "</url>\n");
	}
	return rc;
}

int fl_hc_sitemap_add(fl_buf *b, const char *base, const struct fl_hc_sitemap_entry *e,
		      size_t *room)
{
	fl_buf u;
	int rc = 0;

	fl_buf_init(&u, 1u << 16);
	for (int i = 0; i < FL_HC_NLOCALES && !rc && *room; i++) {
		char when[21];
		if (!e->has[i])
			continue;
		--*room;
		fl_buf_reset(&u);
		rc = fl_hc_url(&u, base, e->kind, fl_hc_locales[i], e->id, e->slugs[i]);
		if (!rc)
			rc = fl_buf_adds(b, "<url><loc>");
		if (!rc)
			rc = esc(b, u.p);
		if (!rc)
			rc = fl_buf_adds(b, "</loc>");
		iso_time(e->updated[i], when);
		if (!rc && e->updated[i] > 0 && when[0])
			rc = fl_buf_addf(b, "<lastmod>%s</lastmod>", when);
		for (int k = 0; k < FL_HC_NLOCALES && !rc; k++) {
			if (!e->has[k])
				continue;
			fl_buf_reset(&u);
			rc = fl_hc_url(&u, base, e->kind, fl_hc_locales[k], e->id, e->slugs[k]);
			if (!rc)
				rc = fl_buf_addf(
					b, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"",
					fl_hc_locales[k]);
			if (!rc)
				rc = esc(b, u.p);
			if (!rc)
				rc = fl_buf_adds(b, "\"/>");
		}
		if (!rc)
			rc = fl_buf_adds(b, "</url>\n");
	}
	fl_buf_free(&u);
	return rc;
}

int fl_hc_sitemap_end(fl_buf *b)
{
	return fl_buf_adds(b, "</urlset>\n");
}
